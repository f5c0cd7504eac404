"""Sharp-interface model: a flat, fully wetting Li film under the SE window.

The Li film between the collector and the SE is an equipotential held at the working-electrode
potential; the SE window above it carries the potential of :mod:`liplate.physics.potential`;
each column of the film grows by Faraday's law with its local current density,

    dh/dt = j(x) V_m / F                                      (BRIEF §2: 4.85 um per mAh/cm^2)

minus the two sinks of :mod:`liplate.physics.deposit` (switched by ``[physics] sei / creep``):
SEI growth (parabolic with a Tafel factor in the local current; its resistance delta / sigma_SEI is
in series with the kinetics) and creep of Li into the SE surface roughness. Both electrodes are Li
under the same stack pressure, so the V_m p / F shift of the equilibrium potential cancels in the
flat-film cell voltage.

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
from ..parallel import comm_info
from ..physics import creep as creep_mod
from ..physics import sei as sei_mod
from ..physics.constants import FARADAY
from ..physics.deposit import DepositParameters, FilmState
from ..physics.kinetics import overpotential_for_current
from ..physics.nernst_planck import ConcentrationSolver, concentration_overpotential
from ..physics.potential import InterfacePotentialSolver, SolveFailed
from ..solvers import make_solver
from ..units import A_M2_PER_MA_CM2, C_M2_PER_MAH_CM2, M_PER_UM
from .base import Model, StepFailed, StepReport, flaw_opening_observables


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
        self.film = FilmState.new(deposit_parameters(case), nx)
        self.sei_conductivity = self.film.params.sei.conductivity
        self.charge = np.zeros(1)              # passed charge per area (C/m^2)
        self.time = np.zeros(1)
        self.salt = None
        if case["physics"]["nernst_planck"]:
            if comm_info()[0] > 1:
                raise ValueError("physics.nernst_planck = true runs on one MPI rank only")
            self.salt = ConcentrationSolver(self.mesh, nx, case.p("lpscl.diffusivity"),
                                            case.p("lpscl.transference_number"), case.p("lpscl.li_concentration"),
                                            solver=make_solver(case["numerics"]["solver"]))
        self._sol = None
        self._j_app = 0.0

    # -- stepping -------------------------------------------------------------------------
    def advance(self, dt: float, current_density: float) -> StepReport:
        eta_guess = None if self._sol is None else self._sol.eta
        try:
            sol = self._solve(current_density, eta_guess)
        except SolveFailed as exc:
            raise StepFailed(str(exc)) from exc
        if not np.all(np.isfinite(sol.j)):
            raise StepFailed("non-finite current density")
        self._sol = sol
        self._j_app = current_density
        if self.salt is not None:
            self.salt.advance(dt, sol.j)
        self.film.step(dt, sol.j)
        self._sol = None  # the SEI changed: the reported state is re-solved on demand
        self._last_eta = sol.eta
        self.charge = self.charge + current_density * dt
        self.time = self.time + dt
        return StepReport(sweeps=sol.iterations, residual=sol.residual)

    def _series_resistance(self) -> np.ndarray:
        return self.film.sei_thickness / self.sei_conductivity if self.film.params.sei_on else 0.0

    def _solve(self, current_density, eta_guess=None):
        return self.solver.solve(current_density, self.j0, series_resistance=self._series_resistance(),
                                 eta_guess=eta_guess, tol=self.tol)

    _FILM_ARRAYS = ("thickness", "sei_thickness", "fill", "extruded", "charge", "lateral")

    def get_state(self) -> dict[str, np.ndarray]:
        state = {f"film_{k}": np.array(getattr(self.film, k), dtype=float) for k in self._FILM_ARRAYS}
        state["film_time"] = np.array([self.film.time])
        state.update(charge=self.charge.copy(), time=self.time.copy())
        if self.salt is not None:
            state["salt"] = np.array(self.salt.c.value, dtype=float)
        return state

    def set_state(self, state: dict[str, np.ndarray]) -> None:
        for k in self._FILM_ARRAYS:
            setattr(self.film, k, np.array(state[f"film_{k}"], dtype=float))
        self.film.time = float(state["film_time"][0])
        self.charge = np.array(state["charge"], dtype=float)
        self.time = np.array(state["time"], dtype=float)
        if self.salt is not None:
            self.salt.c.setValue(state["salt"])
        self._sol = None

    @property
    def thickness(self) -> np.ndarray:
        """Cross-section thickness of dense Li per column (m)."""
        return self.film.thickness

    def plated_charge(self) -> float:
        """Charge per area held by plated Li metal plus Li bound in the SEI (C/m^2)."""
        return float(np.mean(self.film.li_as_metal() + self.film.li_in_sei()) * FARADAY)

    # -- reporting ------------------------------------------------------------------------
    def _ensure_solution(self, current_density: float):
        if self._sol is None:
            self._sol = self._solve(current_density, getattr(self, "_last_eta", None))
            self._j_app = current_density
        return self._sol

    def observables(self) -> dict[str, float | None]:
        j_app = self._j_app or self.case["protocol"]["current_density"]
        sol = self._ensure_solution(j_app)
        eta_we = float(np.mean(sol.eta))
        eta_window = -float(np.mean(sol.phi_top) - np.mean(sol.phi_interface))
        eta_rest = -j_app * self.rest / self.sigma
        eta_ce = -overpotential_for_current(-j_app, self.j0_counter, self.alpha, self.temperature)
        eta_sei = -float(np.mean(sol.j * self._series_resistance()))
        # V = phi_WE - phi_CE with phi_WE = 0; computed from the potentials, not from the parts, so
        # that the parts adding up to V is a check (tests/physics/test_sharp_model.py).
        eta_conc = 0.0
        if self.salt is not None:
            eta_conc = float(concentration_overpotential(np.mean(self.salt.interface_values()), self.salt.c_ref,
                                                         self.salt.t_plus, self.temperature))
        voltage = -float(np.mean(sol.phi_top)) + eta_rest + eta_ce + eta_conc
        h_um = self.thickness / M_PER_UM
        return {
            "time_s": float(self.time[0]),
            "capacity_mAh_cm2": float(self.charge[0]) / C_M2_PER_MAH_CM2,
            "voltage_V": voltage,
            "eta_ct_V": eta_we,
            "eta_ohmic_V": eta_window + eta_rest,
            "eta_counter_V": eta_ce,
            "eta_sei_V": eta_sei,
            "eta_concentration_V": eta_conc,
            "eta_nucleation_V": None,
            "thickness_mean_um": float(np.mean(h_um)),
            "thickness_std_um": float(np.std(h_um)),
            "faraday_thickness_um": float(self.charge[0]) * self.vm / FARADAY / M_PER_UM,
            "plated_capacity_mAh_cm2": self.plated_charge() / C_M2_PER_MAH_CM2,
            "wetted_fraction": 1.0,
            "focusing_factor_peak": float(np.max(sol.j) / j_app),
            "focusing_factor_mean": float(np.mean(np.abs(sol.j)) / j_app),
            **flaw_opening_observables(float(np.max(sol.j)), self.case),
            "current_density_mA_cm2": j_app / A_M2_PER_MA_CM2,
            "penetration_depth_um": 0.0,
            "short_circuit": False,
            "sei_thickness_mean_nm": float(np.mean(self.film.sei_thickness)) * 1e9 if self.film.params.sei_on
            else None,
            "li_lost_to_sei_mAh_cm2": float(np.mean(self.film.li_in_sei()) * FARADAY) / C_M2_PER_MAH_CM2
            if self.film.params.sei_on else None,
            "roughness_fill_um": float(np.mean(self.film.fill)) / M_PER_UM,
            "cell_voltage_final_V": voltage,
        }

    def cell_fields(self) -> dict[str, np.ndarray]:
        """Fields of the current solution, SI (lengths in m): the current as the solver carries it.

        ``current_density_A_m2``: cell-centred -sigma grad(phi) built from the face fluxes of the
        two-point scheme (:meth:`_face_currents`); ``current_density_y_lower_face_A_m2``: the vertical
        current density through each cell's lower face (the Li|SE interface for the bottom row), so that
        the sum over a row times dx is the current through that horizontal line (= j_app W in every row:
        no charge is consumed inside the SE); ``reaction_A_m3``: Li+ consumed per volume, the interface
        current j(x) / dy_0 in the bottom row, which is how the solver applies it (an implicit source in
        that row, physics/potential.py), zero elsewhere: its area integral is j_app W.
        """
        sol = self._ensure_solution(self._j_app or self.case["protocol"]["current_density"])
        nx, ny = self.geom.nx, self.geom.ny
        jx_faces, jy_faces = self._face_currents(sol)
        jx = 0.5 * (jx_faces + np.roll(jx_faces, 1, axis=1))
        jy = 0.5 * (jy_faces[1:] + jy_faces[:-1])
        current = np.column_stack([jx.ravel(), jy.ravel()])
        reaction = np.zeros((ny, nx))
        reaction[0] = sol.j / self.geom.dy()[0]
        return {
            "phi_V": sol.phi,
            "current_density_A_m2": current,
            "current_density_magnitude_A_m2": np.hypot(current[:, 0], current[:, 1]),
            "current_density_y_lower_face_A_m2": jy_faces[:-1].ravel(),
            "reaction_A_m3": reaction.ravel(),
            "film_thickness_m": np.tile(self.thickness, ny),          # thickness of the film below each column
            "sei_thickness_m": np.tile(self.film.sei_thickness, ny),
        }

    def interface_profile(self) -> dict[str, np.ndarray]:
        sol = self._ensure_solution(self._j_app or self.case["protocol"]["current_density"])
        x = (np.arange(self.geom.nx) + 0.5) * self.geom.dx
        return {"x_um": x / M_PER_UM, "current_density_A_m2": sol.j, "eta_V": sol.eta,
                "thickness_um": self.thickness / M_PER_UM, "sei_thickness_nm": self.film.sei_thickness * 1e9}

    def _face_currents(self, sol) -> tuple[np.ndarray, np.ndarray]:
        """Current densities (A/m^2) through the faces, as the two-point flux scheme carries them.

        ``jx[j, i]``: through the face between columns i and i+1 (periodic); ``jy[k, i]``: through the
        lower face of row k (k = ny: the top of the window), positive upwards. The boundary faces carry
        the known fluxes: the interface current j(x) below (plating: downwards), the applied current above.
        """
        nx, ny = self.geom.nx, self.geom.ny
        phi = sol.phi.reshape(ny, nx)
        dx = self.geom.dx
        yc = np.cumsum(self.geom.dy()) - self.geom.dy() / 2
        jx = -self.sigma * (np.roll(phi, -1, axis=1) - phi) / dx
        jy = np.empty((ny + 1, nx))
        jy[0] = -sol.j
        jy[-1] = -self._j_app
        jy[1:-1] = -self.sigma * (phi[1:] - phi[:-1]) / np.diff(yc)[:, None]
        return jx, jy


def deposit_parameters(case) -> DepositParameters:
    """The flat-film budget's parameters from the case (with its overrides and switches)."""
    return DepositParameters(
        molar_volume=case.p("li.molar_volume"),
        sei=sei_mod.SeiParameters.from_parameters(case.params["sei"], case.params["lpscl"]),
        creep=creep_mod.CreepLaw.from_parameters(case.params["li"]),
        fill_capacity=case.p("interface.roughness_fill_depth"),
        film_half_width=0.5 * case.p("cell.collector_diameter"),
        pressure=case["protocol"]["stack_pressure"],
        temperature=case["protocol"]["temperature"],
        sei_on=bool(case["physics"]["sei"]),
        creep_on=bool(case["physics"]["creep"]),
    )
