"""The Li+ sink of the potential equation: Butler-Volmer at the diffuse Li|SE interface (through the SEI in
series) and progressive nucleation on the bare collector row (methods of PhaseFieldModel)."""
from __future__ import annotations

import numpy as np

from ...physics import nucleation as nuc
from ...physics import phasefield as pf
from ...physics.kinetics import butler_volmer, butler_volmer_slope, butler_volmer_with_slope


class SourcesMixin:
    """Interface measure |grad xi|, SEI series resistance, interfacial current and the sink S(phi)."""

    def _delta_function(self, xi):
        """Interface measure (1/m): |grad xi| at cell centres (central differences, periodic in x, one-sided at y
        ends), plus in the collector row the part of a covering film's interface that the collector cuts off
        (physics.phasefield.wall_cut_measure, with xi extrapolated to the wall), so that a film's column carries
        its current through unit interface area at every thickness."""
        g = self._grid(xi)
        gx = (np.roll(g, -1, axis=1) - np.roll(g, 1, axis=1)) / (2 * self.dx)
        gy = np.gradient(g, self.y_centres, axis=0)
        d = np.hypot(gx, gy)
        reach = int(np.ceil(pf.WALL_CUT_REACH * self.ell_x / self.dx))
        d[0] += pf.wall_cut_measure(g[0] - 0.5 * self.dy[0] * gy[0], reach) / self.dy[0]
        return d.ravel()

    def _series_resistance(self):
        """SEI area resistance delta / sigma_SEI (ohm m^2) per cell (the column's SEI), or 0 with SEI off."""
        if not self.sei_on:
            return 0.0
        return np.tile(self.sei_thickness / self.sei_params.conductivity, self.ny)

    def _interface_bv(self, eta, resistance):
        """Current density j (A/m^2) and dj/dphi through the SEI resistance R in series with Butler-Volmer.

        j = j_BV(eta + j R) with eta = phi_s - phi: the SEI takes j R of the driving overpotential.
        Newton on f(j) = j - j_BV(eta + j R) (f' = 1 - R j_BV' >= 1, so a few iterations suffice).
        """
        T = self.temperature
        if np.isscalar(resistance) and resistance == 0.0:
            j, slope = butler_volmer_with_slope(eta, self.j0, self.alpha, T)
            return j, -slope
        r = np.asarray(resistance)
        j = butler_volmer(eta, self.j0, self.alpha, T)
        for _ in range(30):
            jb, sb = butler_volmer_with_slope(eta + j * r, self.j0, self.alpha, T)
            step = (j - jb) / (1.0 - r * sb)
            j = j - step
            if np.max(np.abs(step)) <= 1e-12 * (1.0 + np.max(np.abs(j))):
                break
        slope = butler_volmer_slope(eta + j * r, self.j0, self.alpha, T)
        return j, -slope / (1.0 - r * slope)                                      # d j / d phi > 0

    def _sinks(self, xi, phi):
        """Li+ sink density S (A/m^3) and dS/dphi at the iterate (xi, phi): (s0, s1).

        With classical nucleation the collector row also holds the current into the sub-grid nuclei (Butler-
        Volmer on their surface, nucleation.py) and the double-layer charging current; ``self._parts`` keeps
        the interface part (s0, s1: Faraday growth of xi) and those two (n0, n1; c0, c1) apart."""
        eta = -phi
        delta = self._delta_function(xi)
        j, dj = self._interface_bv(eta, self._series_resistance())                # dj = d j / d phi > 0
        s0 = delta * j
        s1 = delta * dj
        if self.progressive:
            nb = self.nx
            eta_b = eta[:nb]
            bare = self._bare_collector(xi)
            gate = nuc.nucleation_gate(eta_b, self.eta_n, self.gate_width)
            aw = bare * gate / self.dy[0]
            j_b, slope_b = butler_volmer_with_slope(eta_b, self.j0_sub, self.alpha, self.temperature)
            s0[:nb] += aw * j_b                  # s0, s1 are this call's own arrays
            s1[:nb] -= aw * slope_b
        # the part that grows xi (Faraday); the collector row adds the sub-grid nuclei and the double layer
        self._parts = {"s0": s0, "s1": s1}
        if not self.classical:
            return s0, s1
        nb = self.nx
        v_wall = self.volumes[:nb]
        n0 = n1 = np.zeros(nb)
        if self._nuc_len.any():
            # the nuclei's Li|SE surface over each cell carries Butler-Volmer at the cell's eta (no SEI yet)
            j_n, slope_n = butler_volmer_with_slope(eta[:nb], self.j0, self.alpha, self.temperature)
            n0 = self._nuc_len * j_n / v_wall
            n1 = -self._nuc_len * slope_n / v_wall
        # double layer of the collector row: C d(phi_SE - phi_s)/dt (backward Euler), cathodic charging > 0
        cap = nuc.DOUBLE_LAYER_CAPACITANCE / (self._dt * self.dy[0])
        c0 = cap * (phi[:nb] - self._phi_old[:nb])
        self._parts.update(n0=n0, n1=n1, c0=c0, c1=np.full(nb, cap))
        s0 = s0.copy()
        s1 = s1.copy()
        s0[:nb] += n0 + c0
        s1[:nb] += n1 + cap
        return s0, s1
