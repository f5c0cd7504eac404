"""Interface losses after a converged step, per collector column: SEI on the Li|SE interface, the interphase on
the bare collector, roughness filling by creep and creep levelling of a continuous film (methods of
PhaseFieldModel)."""
from __future__ import annotations

import math

import numpy as np

from ...physics import creep as creep_mod
from ...physics import phasefield as pf
from ...physics import sei as sei_mod


class LossesMixin:
    """Li taken from the deposit by SEI and creep, and the film levelling (switches [physics] sei / creep)."""

    def _remove_from_columns(self, xi, amount):
        """Take ``amount`` (m^2 per depth, per column) of Li out of xi, from the Li|SE interface cells first.

        Weights |grad xi| dV (the interface moves towards the Li, as for a negative Faraday velocity), each
        cell capped at its own Li; what is left (thin columns) is taken in proportion to the Li in the column.
        Returns (new xi, removed per column).
        """
        xi2 = self._grid(xi).copy()
        v2 = self._grid(self.volumes)
        li = np.clip(xi2, 0.0, None) * v2
        r = np.clip(np.minimum(amount, li.sum(axis=0)), 0.0, None)
        w = self._grid(self._delta_function(xi)) * v2 * (li > 0)
        wsum = w.sum(axis=0)
        take = np.where(wsum > 0, r / np.where(wsum > 0, wsum, 1.0), 0.0) * w
        take = np.minimum(take, li)
        li = li - take
        rest = r - take.sum(axis=0)
        lsum = li.sum(axis=0)
        take2 = np.where(lsum > 0, rest / np.where(lsum > 0, lsum, 1.0), 0.0) * li
        take2 = np.minimum(take2, li)
        xi2 = xi2 - (take + take2) / v2
        return xi2.ravel(), (take + take2).sum(axis=0)

    def _fill_owed(self) -> np.ndarray:
        """Li (m^2 per depth, per collector column) the creep fill of the SE relief will still take from the
        column while it is wetted, d_inf dx - fill (0 without creep); the sub-grid hand-off counts it too
        (models/phasefield/nucleation.py)."""
        if not self.creep_on:
            return np.zeros(self.nx)
        return np.clip(self.fill_capacity * self.dx - self.fill, 0.0, None)

    def _interface_losses(self, dt):
        """SEI growth and roughness filling by creep after a converged step (physics/deposit.py, per column).

        SEI: per collector column, delta_new = sqrt(delta^2 + k_p f_T(j_col) dt) (physics/sei.grow) with j_col
        the interface-area-weighted local current of the column (focused current on islands -> larger Tafel
        factor); the Li bound, c_Li,SEI (delta_new - delta) A_col dx, is taken from the column's deposit
        (A_col = Li|SE interface area per collector area of the column). Active on columns holding >= ell_y
        of Li. Creep: Li creeps into the SE surface roughness under the wetted collector (xi >= 1/2 in the
        wall row), fill -> d_inf - (d_inf - fill) exp(-dt/tau_fill), taken from the column's deposit.
        The step that hands sub-grid Li to xi runs the two parts apart (:meth:`_creep_losses`, the potential
        settled on the xi they leave, then :meth:`_sei_losses`), so that its SEI reads the settled current.
        """
        self._sei_losses(dt)
        self._creep_losses(dt)

    def _sei_losses(self, dt):
        """The SEI part of :meth:`_interface_losses`: Li|SE SEI and the collector's interphase, at the current of
        the potential as it stands."""
        if not self.sei_on:
            return
        xi = np.array(self.xi.value)
        delta = self._delta_function(xi)
        a2 = self._grid(delta * self.volumes)        # |grad xi| integrates to 1 across the interface
        asum = a2.sum(axis=0)
        area = asum / self.dx
        col_h = self._column_li(xi) / self.dx
        j, _ = self._interface_bv(-np.asarray(self.phi.value), self._series_resistance())
        j_col = np.where(asum > 0, (a2 * self._grid(j)).sum(axis=0) / np.where(asum > 0, asum, 1.0), 0.0)
        active = (col_h >= self.ell_y) & (asum > 0)
        p = self.sei_params
        new = sei_mod.grow(self.sei_thickness, dt, np.clip(j_col, 0.0, None), p, self.temperature,
                           active=active)
        want = p.li_per_volume * self.vm * (new - self.sei_thickness) * area * self.dx
        xi, got = self._remove_from_columns(xi, want)
        scale = np.where(want > 0, got / np.where(want > 0, want, 1.0), 1.0)
        self.sei_thickness = self.sei_thickness + (new - self.sei_thickness) * scale
        self.sei_li = self.sei_li + got
        self.sei_area = np.where(active | (self.sei_area > 0), area, self.sei_area)
        if self.collector_sei_on:
            xi = self._collector_sei(xi, dt)
        self.xi.setValue(xi)

    def _creep_losses(self, dt):
        """The creep part of :meth:`_interface_losses`: the relief fill under the wetted collector and the
        levelling of the deposit."""
        if not self.creep_on:
            return
        xi = np.array(self.xi.value)
        wet = self._wall_wetted(xi)
        want = np.where(wet, self._fill_owed() * -math.expm1(-dt / self.tau_fill), 0.0)
        xi, got = self._remove_from_columns(xi, want)
        self.fill = self.fill + got
        xi = self._level_film(xi, dt)
        self.xi.setValue(xi)

    def _level_film(self, xi, dt):
        """Creep levelling and island spreading under the SE (physics/creep.level_profile, as the sharp model).

        The SE, pressed with the stack pressure and rigid on this scale (22 GPa against a Li flow stress of
        ~0.8 MPa, BRIEF §5), rests on the tallest columns: on islands the stack load concentrates on their
        tops (the contact plateaus carry P x width / contact length). Each contact plateau is squeezed sideways
        (no-slip power-law strip flow, creep.squeeze_flow_rate) into the lower columns beside it, exactly in
        time, conserving volume: a continuous film levels, islands spread over the bare collector at the
        squeeze-flow rate of their height and width under the concentrated load. The column changes are
        applied to xi from the top of each column (pf.fill_columns / pf.drain_columns); Li volume is conserved
        to round-off. The SE surface is not flat: the lowest ``interface.surface_roughness`` (1.1 um, measured)
        of every column sits in its relief and is neither loaded nor squeezed; the plate picture applies to the
        deposit above it.
        """
        x2 = self._grid(xi)
        v2 = self._grid(self.volumes)
        h = self._column_li(xi) / self.dx
        # the SE's surface relief (interface.surface_roughness) takes up the lowest h_r of the deposit: only what
        # rises above it is loaded and flows (h_r = 0 recovers the flat rigid plate)
        h_r = self.surface_roughness
        above = np.clip(h - h_r, 0.0, None)
        if not np.any(above > 0.0):
            return xi
        above_new = creep_mod.level_profile(above, self.dx, dt, self.stack_pressure, self.temperature,
                                            self.creep_law)
        dv = (above_new - above) * self.dx
        x2, gave = pf.fill_columns(x2, v2, np.clip(dv, 0.0, None))
        down = np.clip(-dv, 0.0, None)
        if float(np.sum(down)) > 0.0:
            x2, _ = pf.drain_columns(x2, v2, down * (float(np.sum(gave)) / float(np.sum(down))))
        return x2.ravel()

    def _collector_sei(self, xi, dt):
        """Grow the interphase on bare collector faces (wall cell xi < 1/2) at the face overpotential
        eta = phi_s - phi = -phi (physics/sei.py (5)); its Li, c_Li,SEI V_m (delta_new - delta) dx, is a
        parasitic share of the applied charge, taken from the deposit in proportion to each column's Li."""
        p = self.sei_params
        phi_wall = np.asarray(self.phi.value)[:self.nx]
        bare = ~self._wall_wetted(xi)
        factor = sei_mod.tafel_factor_at_overpotential(np.clip(-phi_wall, 0.0, None), p, self.temperature)
        new = sei_mod.grow_with_factor(self.collector_sei, dt, factor, p, active=bare)
        want = p.li_per_volume * self.vm * (new - self.collector_sei) * self.dx
        total = float(np.sum(want))
        if total <= 0.0:
            return xi
        col_li = self._column_li(xi)
        xi, got = self._remove_from_columns(xi, total * col_li / max(float(np.sum(col_li)), 1e-300))
        scale = float(np.sum(got)) / total
        self.collector_sei = self.collector_sei + (new - self.collector_sei) * scale
        self.collector_sei_li = self.collector_sei_li + want * scale
        return xi
