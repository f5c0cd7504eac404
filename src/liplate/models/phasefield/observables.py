"""Reporting of the phase-field model: plated charge, voltage parts, interface current and profile, the
observables of summary.json and the cell fields written to VTU (methods of PhaseFieldModel)."""
from __future__ import annotations

import numpy as np

from ... import metrics
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
        return float(li / self.width * FARADAY / self.vm)

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
        """(local interfacial current density j_BV (A/m^2), interface measure |grad xi| dV (m^2)) per cell."""
        eta = -np.asarray(self.phi.value)
        j, _ = self._interface_bv(eta, self._series_resistance())
        xi = np.asarray(self.xi.value)
        weight = self._delta * self.volumes * ((xi > 0.05) & (xi < 0.95))
        return j, weight

    def interface_profile(self) -> dict[str, np.ndarray]:
        """Per column: interface-weighted mean interfacial current density (0 where the column has no
        Li|SE interface), the deposition current per collector area, deposit thickness, SEI, wetting."""
        j, weight = self.interface_current()
        w = self._grid(weight)
        jw = self._grid(j * weight).sum(axis=0)
        wsum = w.sum(axis=0)
        j_local = np.divide(jw, wsum, out=np.zeros_like(jw), where=wsum > 0)
        deposition = self._grid(self._sink * self.volumes).sum(axis=0) / self.dx   # A per m^2 of collector
        xi2 = self._grid(self.xi.value)
        out = {"x_um": self.x_centres / M_PER_UM, "current_density_A_m2": j_local,
               "deposition_current_density_A_m2": deposition,
               "thickness_um": metrics.column_thickness(xi2, self.dy) / M_PER_UM,
               "wetted": (xi2[0] > 0.5).astype(float),
               "sei_thickness_nm": self.sei_thickness * 1e9,
               "collector_sei_thickness_nm": self.collector_sei * 1e9}
        return out

    def observables(self) -> dict[str, float | None]:
        xi2 = self._grid(self.xi.value)
        parts = self._voltage_parts()
        thick = metrics.column_thickness(xi2, self.dy)
        t_mean, t_std = metrics.thickness_stats(thick)
        wall = xi2[0]
        n_isl, widths = metrics.islands(wall, self.dx, min_cells=2)
        j, weight = self.interface_current()
        j_app = self._j_app or self.case["protocol"]["current_density"]
        ff_peak, ff_mean = metrics.focusing_factors(j, weight, j_app)
        v = parts["voltage_V"]
        plated = self.plated_charge() / C_M2_PER_MAH_CM2
        return {
            "time_s": self.time,
            "capacity_mAh_cm2": plated,
            "passed_capacity_mAh_cm2": self.charge / C_M2_PER_MAH_CM2,
            **parts,
            "eta_sei_V": self._eta_sei(j, weight),
            "voltage_peak_V": self.voltage_peak,
            "nucleation_overpotential_mV": 1e3 * (v - self.voltage_peak) if self.time > 0 else 0.0,
            "thickness_mean_um": t_mean / M_PER_UM,
            "thickness_std_um": t_std / M_PER_UM,
            "faraday_thickness_um": self.charge * self.vm / FARADAY / M_PER_UM,
            "wetted_fraction": metrics.wetted_fraction(wall),
            "island_count": n_isl,
            "island_width_mean_um": float(widths.mean() / M_PER_UM) if n_isl else 0.0,
            "focusing_factor_peak": ff_peak,
            "focusing_factor_mean": ff_mean,
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

    def cell_fields(self) -> dict[str, np.ndarray]:
        phi = self.phi
        sigma = np.asarray(self._sigma_cell.value)
        grad = np.asarray(phi.grad.value).T
        current = -sigma[:, None] * grad
        return {
            "xi": np.array(self.xi.value),
            "phi_V": np.array(phi.value),
            "current_density_A_m2": current,
            "current_density_magnitude_A_m2": np.hypot(current[:, 0], current[:, 1]),
            "overpotential_V": -np.array(phi.value),
            "reaction_A_m3": self._sink.copy(),
            "sei_thickness_nm": np.tile(self.sei_thickness, self.ny) * 1e9,
            "collector_sei_thickness_nm": np.tile(self.collector_sei, self.ny) * 1e9,
        }
