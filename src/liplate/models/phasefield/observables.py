"""Reporting of the phase-field model: plated charge, voltage parts, interface current and profile, the
observables of summary.json and the cell fields written to VTU (methods of PhaseFieldModel)."""
from __future__ import annotations

import numpy as np

from ... import metrics
from ...physics import phasefield as pf
from ...physics import wetting
from ...physics.constants import FARADAY
from ...physics.kinetics import overpotential_for_current
from ...units import C_M2_PER_MAH_CM2, M_PER_UM
from ..base import flaw_opening_observables


class ObservablesMixin:
    """Voltage parts, interface profile, observables and cell fields."""

    def plated_charge(self) -> float:
        """F/V_m x (Li in the deposit and the sub-grid nuclei, in the SE roughness and bound in the SEI, minus the
        initial film) per collector area (C/m^2); with classical nucleation plated + q_dl (double layer) = passed;
        with seeded nuclei it equals the passed charge once that exceeds the nuclei's Li (initial_charge)."""
        li = (np.sum(np.asarray(self.xi.value) * self.volumes) - self.film0_volume
              + self.nuclei.volume() + np.sum(self.sei_li) + np.sum(self.collector_sei_li) + np.sum(self.fill))
        return float(li / self.width * FARADAY / self.vm) + sum(p.plated_charge(self) for p in self.plugins)

    def _voltage_parts(self):
        j_app = self._j_app
        phi = np.asarray(self.phi.value)
        phi_top = float(np.mean(phi[-self.nx:])) + j_app / self.sigma * 0.5 * self.dy[-1]
        weight = self._sink * self.volumes
        total = float(np.sum(weight))
        eta = -phi
        eta_mean = float(np.sum(eta * weight) / total) if total != 0 else 0.0
        eta_flat = overpotential_for_current(j_app, self.j0, self.alpha, self.temperature)
        # the SE displaced by Li in the window has moved above it (the stack expands): the pellet keeps
        # its thickness L, so the series part is L - (H - h_mean)
        h_mean = float(np.sum(np.asarray(self.xi.value) * self.volumes)) / self.width
        eta_ohmic = -(phi_top + eta_mean) - j_app * (self.rest + h_mean) / self.sigma
        eta_ce = -overpotential_for_current(-j_app, self.j0_counter, self.alpha, self.temperature)
        voltage = eta_flat + (eta_mean - eta_flat) + eta_ohmic + eta_ce
        return {"voltage_V": voltage, "eta_ct_V": eta_flat, "eta_nucleation_V": eta_mean - eta_flat,
                "eta_ohmic_V": eta_ohmic, "eta_counter_V": eta_ce, "eta_interface_mean_V": eta_mean}

    def interface_current(self):
        """(local interfacial current density j_BV (A/m^2), interface measure |grad xi| dV (m^2)) per cell.

        Before the first step (t = 0, no current has flowed: phi = 0 and no interface measure stored yet) it is
        the distribution the applied current takes on the initial deposit at switch-on
        (:meth:`switch_on_potential`), so that row 0 of timeseries.csv has focusing factors, as the sharp model's.
        """
        xi = np.asarray(self.xi.value)
        phi, _sink, _j_app = self._reported_state()
        j, _ = self._interface_bv(-phi, self._series_resistance())
        weight = self._interface_measure() * self.volumes * ((xi > 0.05) & (xi < 0.95))
        return j, weight

    def _interface_measure(self) -> np.ndarray:
        """|grad xi| per cell (1/m) of the reported state (the last step's; before it, of the initial xi)."""
        return self._delta_function(np.asarray(self.xi.value)) if self._before_first_step() else self._delta

    def column_current(self, current=None) -> np.ndarray:
        """Mean interfacial current density (A/m^2) of each column's Li|SE interface: the column's interfacial
        current over its interface measure, sum(j |grad xi| dV) / sum(|grad xi| dV) over the whole column (the
        SEI's j_col, losses.py), so that a flat film's column reads the applied current; 0 on a column without a
        resolved interface (no cell with 0.05 < xi < 0.95: the weight of :meth:`interface_current`).
        ``current``: (j, weight) of :meth:`interface_current`, if already computed.

        Until 2026-12-05 the mean was weighted by the interface's core cells only (0.05 < xi < 0.95). That left out
        the two tails, which sit at other potentials, so the column read off by where the profile sat in the
        cells: a flat Li2Te-Cu film at 2 mA/cm^2 read 19.95-20.03 A/m^2 against the applied 20, enough to open a
        flaw 0.14 % below its threshold (docs/penetration.md, "Hand-off")."""
        j, weight = self.interface_current() if current is None else current
        area = self._grid(self._interface_measure() * self.volumes)
        asum = area.sum(axis=0)
        jw = (area * self._grid(j)).sum(axis=0)
        resolved = self._grid(weight).sum(axis=0) > 0
        return np.divide(jw, asum, out=np.zeros_like(jw), where=resolved & (asum > 0))

    def _before_first_step(self) -> bool:
        return self.time == 0.0 and self._j_app == 0.0

    def _reported_state(self) -> tuple[np.ndarray, np.ndarray, float]:
        """(phi (V), sink S (A/m^3), applied current density (A/m^2)) that the reports describe: the last step's;
        before the first step, the switch-on state at the case's current (:meth:`switch_on_potential`)."""
        if not self._before_first_step():
            return np.asarray(self.phi.value), self._sink, self._j_app
        phi = self.switch_on_potential()
        return phi, self._switch_on_sink, self.case["protocol"]["current_density"]

    def switch_on_potential(self) -> np.ndarray:
        """Potential (V) of the initial deposit at the case's applied current, the state at t = 0+.

        Newton on div(sigma(xi) grad phi) = S(phi) with xi held (``_solve_phi_at_fixed_xi``), from phi = 0. The
        model's state is left as it was; the result is kept until the first step (xi does not change before it).
        """
        cached = getattr(self, "_switch_on_phi", None)
        if cached is not None and self._before_first_step():
            return cached
        j_app = self.case["protocol"]["current_density"]
        xi = np.array(self.xi.value)
        saved = np.array(self.phi.value)
        if self.assembly == "fipy":                         # the top flux, as _advance sets it on that path
            top = np.zeros((2, self.mesh.numberOfFaces))
            top[1, self._top] = j_app / self.sigma
            self._top_grad.setValue(top)
        # with classical nucleation and no Li yet, the current at switch-on charges the collector's double layer:
        # take the state after the first step (dt_initial) of that charging from rest (phi = 0)
        stepped = hasattr(self, "_dt")
        if not stepped:
            self._dt, self._phi_old = self.case["numerics"]["dt_initial"], np.zeros_like(saved)
        try:
            phi_it = self._solve_phi_at_fixed_xi(xi, np.zeros_like(saved), j_app)[0]
            self._switch_on_sink, _ = self._sinks(xi, phi_it)
        finally:
            self.phi.setValue(saved)
            if not stepped:
                del self._dt, self._phi_old
        self._switch_on_phi = phi_it
        return phi_it

    def ionic_conductivity(self, xi) -> np.ndarray:
        """Cell ionic conductivity sigma_SE [(1 - h) + eps h] (S/m), h = h(xi): the sigma of the potential
        equation (Li is an ion blocker; package docstring)."""
        h = pf.interp(np.clip(np.asarray(xi), 0.0, 1.0))
        return self.sigma * ((1.0 - h) + self.eps * h)

    def interface_profile(self) -> dict[str, np.ndarray]:
        """Per column: mean interfacial current density of its Li|SE interface (:meth:`column_current`; 0 where
        the column has no resolved interface), the deposition current per collector area, deposit thickness, SEI,
        wetting."""
        j_local = self.column_current()
        deposition = self._grid(self._reported_state()[1] * self.volumes).sum(axis=0) / self.dx  # A/m^2 of collector
        xi2 = self._grid(self.xi.value)
        out = {"x_um": self.x_centres / M_PER_UM, "current_density_A_m2": j_local,
               "deposition_current_density_A_m2": deposition,
               "thickness_um": self._column_thickness(xi2) / M_PER_UM,
               "subgrid_li_um": self.subgrid_li_thickness() / M_PER_UM,
               "subgrid_current_density_A_m2": self._subgrid_current()[0],
               "wetted": metrics.wetted_mask(self._covered_wall(xi2)).astype(float),
               "sei_thickness_nm": self.sei_thickness * 1e9,
               "collector_sei_thickness_nm": self.collector_sei * 1e9}
        return out

    def subgrid_li_thickness(self) -> np.ndarray:
        """Li per collector area (m) of each column held below the mesh: the sub-grid nuclei of its cell and its
        sub-grid film (``CollectorNuclei``). It is Li on the collector like the resolved deposit (plated charge,
        SEM cross-sections), only too thin for the mesh yet."""
        return (self.nuclei.area + self.nuclei.film) / self.dx

    def _column_thickness(self, xi2) -> np.ndarray:
        """All Li on the collector per column (m): the column integral of xi plus the column's sub-grid Li."""
        return metrics.column_thickness(xi2, self.dy) + self.subgrid_li_thickness()

    def _covered_wall(self, xi2) -> np.ndarray:
        """The wall row of xi with the cells sub-grid Li covers (a sub-grid film, or nuclei bases over at least half
        of the cell: ``_subgrid_covered``) set to 1: the collector's Li cover, resolved or not. (Before 2026-12-03
        only the film counted, so the wetted fraction waited for the nuclei to be resolved at 3 interface lengths:
        0 at 0.1 mAh/cm^2 on Cu with a 1 um interface, 0.29 with 0.5 um.)"""
        return np.where(self._subgrid_covered(), 1.0, xi2[0])

    def observables(self) -> dict[str, float | None]:
        xi2 = self._grid(self.xi.value)
        parts = self._voltage_parts()
        t_mean, t_std = metrics.thickness_stats(self._column_thickness(xi2))
        wall = self._covered_wall(xi2)
        n_isl, widths = metrics.islands(wall, self.dx, min_cells=2)
        j, weight = self.interface_current()
        j_app = self._j_app or self.case["protocol"]["current_density"]
        ff_peak, ff_mean = metrics.focusing_factors(j, weight, j_app)
        j_sub, w_sub = self._subgrid_current()
        ff_all, _ = metrics.focusing_factors(np.concatenate([j, j_sub]), np.concatenate([weight, w_sub]), j_app)
        plated = self.plated_charge() / C_M2_PER_MAH_CM2
        obs = {
            "time_s": self.time,
            "capacity_mAh_cm2": plated,
            "passed_capacity_mAh_cm2": self.charge / C_M2_PER_MAH_CM2,
            **parts,
            "eta_sei_V": self._eta_sei(j, weight),
            "voltage_peak_V": self.voltage_peak,
            # the paper's nucleation (peak) overpotential so far: |V| at its peak in the first-plating window
            # (liplate.metrics.first_plating_voltage; the summary reads it from the time series)
            "nucleation_overpotential_mV": -1e3 * self.voltage_peak,
            "thickness_mean_um": t_mean / M_PER_UM,
            "thickness_std_um": t_std / M_PER_UM,
            "subgrid_li_mean_um": float(np.mean(self.subgrid_li_thickness())) / M_PER_UM,
            "faraday_thickness_um": self.charge * self.vm / FARADAY / M_PER_UM,
            "wetted_fraction": metrics.wetted_fraction(wall),
            "island_count": n_isl,
            "island_width_mean_um": float(widths.mean() / M_PER_UM) if n_isl else 0.0,
            "focusing_factor_peak": ff_peak,
            "focusing_factor_mean": ff_mean,
            # the peak over every Li|SE interface: the resolved one and the free surface of the sub-grid nuclei and
            # film (what the filament hook reads where sub-grid Li covers a flaw); it does not depend on which Li is
            # resolved yet, but like focusing_factor_peak it moves with the interface length (docs/phasefield.md)
            "focusing_factor_peak_all": ff_all,
            "penetration_depth_um": metrics.penetration_depth(xi2, self.y_faces, self.dy) / M_PER_UM,
            **flaw_opening_observables(ff_peak * j_app, self.case),
            "contact_angle_deg": self.theta,
            "apparent_contact_angle_deg": wetting.apparent_angle(self.theta, self.stretch),
            "nucleation_gate_overpotential_mV": 1e3 * self.eta_n,
            "short_circuit": False,
            "plated_capacity_mAh_cm2": plated,
            "sei_thickness_mean_nm": self.sei_thickness_mean() * 1e9 if self.sei_on else None,
            "li_lost_to_sei_mAh_cm2": self._li_mah(self.sei_li, self.collector_sei_li) if self.sei_on else None,
            "li_lost_to_collector_sei_mAh_cm2": self._li_mah(self.collector_sei_li) if self.sei_on else None,
            "collector_sei_thickness_mean_nm": float(np.mean(self.collector_sei)) * 1e9 if self.sei_on else None,
            "roughness_fill_um": float(np.sum(self.fill)) / self.width / M_PER_UM,
        }
        for plugin in self.plugins:
            plugin.update_observables(self, obs)
        return obs

    def _subgrid_current(self) -> tuple[np.ndarray, np.ndarray]:
        """(current density on the free surface of the sub-grid nuclei and film over each collector cell (A/m^2),
        that surface (m per depth)) of the last step; zeros before it and where no sub-grid Li lies."""
        j = getattr(self, "nuclei_current", None)
        if j is None:
            return np.zeros(self.nx), np.zeros(self.nx)
        return np.asarray(j, dtype=float), np.asarray(self._nuc_len, dtype=float)

    def _li_mah(self, *volumes) -> float:
        """Li volume per column arrays (m^2 per depth) -> mAh/cm^2 of collector."""
        return sum(float(np.sum(v)) for v in volumes) / self.width / self.vm * FARADAY / C_M2_PER_MAH_CM2

    def sei_thickness_mean(self) -> float:
        """SEI thickness (m) averaged over the Li|SE interface area (columns that carry SEI)."""
        w = self.sei_area
        if np.sum(w) <= 0:
            return float(self.sei_params.initial_thickness)
        return float(np.sum(self.sei_thickness * w) / np.sum(w))

    def _eta_sei(self, j, weight) -> float:
        """Current-weighted mean voltage across the SEI, -<j R_SEI> (V, < 0 while plating), from
        :meth:`interface_current`'s (j, weight)."""
        if not self.sei_on:
            return 0.0
        r = self._series_resistance()
        jw = j * weight
        tot = float(np.sum(jw))
        return -float(np.sum(jw * j * r) / tot) if tot != 0 else 0.0

    def face_currents(self, phi=None, j_app=None) -> tuple[np.ndarray, np.ndarray]:
        """Current densities (A/m^2) through the faces, as the potential equation carries them.

        Two-point fluxes with the model's own face conductivities (the distance-weighted harmonic mean of
        sigma(xi) of the two cells, FVOperator.face_harmonic, as in the potential solve) on the current xi and
        phi; the top faces carry the applied current as the solve's Neumann condition (sigma_top / sigma_SE
        j_app), the collector faces none (nucleation there is part of the sink). ``jx[k, i]``: through the face
        between columns i and i+1 of row k (periodic), positive to +x; ``jy[k, i]``: through the lower face of
        row k (k = ny: the top of the window), positive upwards (plating: negative). With the sink S of the
        step, the net inflow of every cell equals S dV to the potential solve's tolerance. ``phi`` and ``j_app``
        default to the reported state's (:meth:`_reported_state`).
        """
        if phi is None or j_app is None:
            phi_r, _sink, j_r = self._reported_state()
            phi = phi_r if phi is None else phi
            j_app = j_r if j_app is None else j_app
        nx, ny, op = self.nx, self.ny, self.op
        sigma_cell = self.ionic_conductivity(self.xi.value)
        phi = np.asarray(phi)
        i, j = op.i, op.j
        area = op.areas[op.inner]
        # current (A per m of depth) from cell i to cell j through each inner face
        flow = -op.face_harmonic(sigma_cell) * op.geo[op.inner] * (phi[j] - phi[i])
        ri, ci = np.divmod(i, nx)
        rj, cj = np.divmod(j, nx)
        jx = np.zeros((ny, nx))
        jy = np.zeros((ny + 1, nx))
        vertical = ri != rj                                  # faces between rows
        lower_is_i = ri < rj
        sign = np.where(lower_is_i, 1.0, -1.0)               # upwards = from the lower cell to the upper
        jy[np.maximum(ri, rj)[vertical], ci[vertical]] = (sign * flow / area)[vertical]
        lateral = ~vertical
        left_is_i = (cj - ci) % nx == 1                      # i is the left cell of the face (periodic)
        left = np.where(left_is_i, ci, cj)
        jx[ri[lateral], left[lateral]] = (np.where(left_is_i, 1.0, -1.0) * flow / area)[lateral]
        jy[ny] = -self._grid(sigma_cell)[-1] / self.sigma * j_app
        return jx, jy

    def cell_fields(self) -> dict[str, np.ndarray]:
        """VTU fields, SI (lengths in m). The current is the model's own (:meth:`face_currents`):

        ``current_density_A_m2``, the cell-centred vector, each component the mean of the current densities
        through the cell's two faces across it; ``current_density_y_lower_face_A_m2``, the vertical current
        density through each cell's lower face (summed over a row times dx: the current through that
        horizontal line, j_app W above the deposit); ``reaction_A_m3``, the Li+ sink S of the potential
        equation of the last step (A/m^3: deposition on the Li|SE interface plus nucleation on the bare
        collector; its area integral is j_app W). Before the first step (t = 0: the initial frame) the fields are
        those of the switch-on state at the case's current (:meth:`switch_on_potential`), as the sharp model's.
        """
        phi, sink, j_app = self._reported_state()
        jx_f, jy_f = self.face_currents(phi, j_app)
        jx = 0.5 * (jx_f + np.roll(jx_f, 1, axis=1))
        jy = 0.5 * (jy_f[1:] + jy_f[:-1])
        current = np.column_stack([jx.ravel(), jy.ravel()])
        phi = np.array(phi)
        fields = {
            "xi": np.array(self.xi.value),
            "phi_V": phi,
            "current_density_A_m2": current,
            "current_density_magnitude_A_m2": np.hypot(current[:, 0], current[:, 1]),
            "current_density_y_lower_face_A_m2": jy_f[:-1].ravel(),
            "reaction_A_m3": np.array(sink),
            "ionic_conductivity_S_m": self.ionic_conductivity(self.xi.value),
            "overpotential_V": -phi,
            "sei_thickness_m": np.tile(self.sei_thickness, self.ny),
            "collector_sei_thickness_m": np.tile(self.collector_sei, self.ny),
            "subgrid_li_thickness_m": np.tile(self.subgrid_li_thickness(), self.ny),
        }
        for plugin in self.plugins:
            fields.update(plugin.cell_fields(self))
        return fields
