"""Sharp-interface model: a flat, fully wetting Li film under the SE window.

The Li film between the collector and the SE is an equipotential held at the working-electrode
potential; the SE window above it carries the potential of :mod:`liplate.physics.potential`;
each column of the film grows by Faraday's law with its local current density,

    dh/dt = j(x) V_m / F                                      (BRIEF §2: 4.85 um per mAh/cm^2)

The SE does not move: plated Li pushes the stack apart (solid state), so the window geometry is
fixed and only the film thickness per column evolves. The rest of the pellet (thickness
L - H) is an ohmic resistance and the Li counter electrode strips with Butler-Volmer kinetics.

Cell voltage (working vs counter, negative while plating):
    V = <eta_WE> - j_app (L - H)/sigma - [<phi_top> - <phi_interface>] - eta_CE + eta_film
with <.> the mean along the collector.
"""
from __future__ import annotations

import numpy as np

from ..mesh import Geometry, build_mesh
from ..physics.constants import FARADAY
from ..physics.kinetics import overpotential_for_current
from ..physics.potential import InterfacePotentialSolver, SolveFailed
from ..solvers import make_solver
from ..units import A_M2_PER_MA_CM2, C_M2_PER_MAH_CM2, M_PER_UM
from .base import Model, StepFailed, StepReport


class SharpInterfaceModel(Model):
    name = "sharp"

    def __init__(self, case):
        self.case = case
        self.geom = Geometry.from_case(case)
        self.mesh = build_mesh(self.geom)
        self.temperature = case["protocol"]["temperature"]
        self.sigma = case.p("lpscl.conductivity")
        self.j0 = case.p("lpscl.exchange_current_density")
        self.alpha = case.p("lpscl.transfer_coefficient")
        self.vm = case.p("li.molar_volume")
        self.j0_counter = case.p("cell.counter_exchange_current_density")
        self.rest = case["domain"]["electrolyte_thickness"] - self.geom.height
        self.tol = case["numerics"]["tolerance"]
        self.solver = InterfacePotentialSolver(self.mesh, self.geom.nx, self.sigma, self.temperature,
                                               self.alpha, solver=make_solver(case["numerics"]["solver"]))
        nx = self.geom.nx
        self.thickness = np.zeros(nx)          # Li film thickness per column (m)
        self.charge = np.zeros(1)              # passed charge per area (C/m^2)
        self.time = np.zeros(1)
        self._sol = None
        self._j_app = 0.0

    # -- stepping -------------------------------------------------------------------------
    def advance(self, dt: float, current_density: float) -> StepReport:
        eta_guess = None if self._sol is None else self._sol.eta
        try:
            sol = self.solver.solve(current_density, self.j0, eta_guess=eta_guess, tol=self.tol)
        except SolveFailed as exc:
            raise StepFailed(str(exc)) from exc
        if not np.all(np.isfinite(sol.j)):
            raise StepFailed("non-finite current density")
        self._sol = sol
        self._j_app = current_density
        self.thickness = self.thickness + sol.j * self.vm / FARADAY * dt
        self.charge = self.charge + current_density * dt
        self.time = self.time + dt
        return StepReport(sweeps=sol.iterations, residual=sol.residual)

    def get_state(self) -> dict[str, np.ndarray]:
        return {"thickness": self.thickness.copy(), "charge": self.charge.copy(), "time": self.time.copy()}

    def set_state(self, state: dict[str, np.ndarray]) -> None:
        self.thickness = np.array(state["thickness"], dtype=float)
        self.charge = np.array(state["charge"], dtype=float)
        self.time = np.array(state["time"], dtype=float)

    def plated_charge(self) -> float:
        return float(np.mean(self.thickness) * FARADAY / self.vm)

    # -- reporting ------------------------------------------------------------------------
    def _ensure_solution(self, current_density: float):
        if self._sol is None:
            self._sol = self.solver.solve(current_density, self.j0, tol=self.tol)
            self._j_app = current_density
        return self._sol

    def observables(self) -> dict[str, float | None]:
        j_app = self._j_app or self.case["protocol"]["current_density"]
        sol = self._ensure_solution(j_app)
        eta_we = float(np.mean(sol.eta))
        eta_window = -float(np.mean(sol.phi_top) - np.mean(sol.phi_interface))
        eta_rest = -j_app * self.rest / self.sigma
        eta_ce = -overpotential_for_current(-j_app, self.j0_counter, self.alpha, self.temperature)
        voltage = eta_we + eta_window + eta_rest + eta_ce
        h_um = self.thickness / M_PER_UM
        return {
            "time_s": float(self.time[0]),
            "capacity_mAh_cm2": float(self.charge[0]) / C_M2_PER_MAH_CM2,
            "voltage_V": voltage,
            "eta_ct_V": eta_we,
            "eta_ohmic_V": eta_window + eta_rest,
            "eta_counter_V": eta_ce,
            "eta_sei_V": 0.0,
            "eta_nucleation_V": None,
            "thickness_mean_um": float(np.mean(h_um)),
            "thickness_std_um": float(np.std(h_um)),
            "faraday_thickness_um": float(self.charge[0]) * self.vm / FARADAY / M_PER_UM,
            "plated_capacity_mAh_cm2": self.plated_charge() / C_M2_PER_MAH_CM2,
            "wetted_fraction": 1.0,
            "focusing_factor_peak": float(np.max(sol.j) / j_app),
            "focusing_factor_mean": float(np.mean(np.abs(sol.j)) / j_app),
            "current_density_mA_cm2": j_app / A_M2_PER_MA_CM2,
            "penetration_depth_um": 0.0,
            "short_circuit": False,
            "sei_thickness_mean_nm": None,
            "li_lost_to_sei_mAh_cm2": None,
            "cell_voltage_final_V": voltage,
        }

    def cell_fields(self) -> dict[str, np.ndarray]:
        sol = self._ensure_solution(self._j_app or self.case["protocol"]["current_density"])
        phi = self.solver.phi
        grad = np.asarray(phi.grad.value).T            # (ncells, 2)
        current = -self.sigma * grad
        ny = self.geom.ny
        film = np.tile(self.thickness, ny)              # thickness of the film below each column
        return {
            "phi_V": sol.phi,
            "current_density_A_m2": current,
            "current_density_magnitude_A_m2": np.hypot(current[:, 0], current[:, 1]),
            "film_thickness_um": film / M_PER_UM,
        }
