"""PhaseFieldModel: construction (mesh, parameters, variables) and the step (the sweep loop of advance)."""
from __future__ import annotations

import math
import time as _time
from collections.abc import Callable

import numpy as np

from ... import metrics
from ...physics import creep as creep_mod
from ...physics import nucleation as nuc
from ...physics import phasefield as pf
from ...physics import sei as sei_mod
from ...physics import wetting
from ...physics.constants import FARADAY
from ...spd import LinearSolveError
from ...units import to_si
from ..base import Model, StepFailed, StepReport
from ..phasefield_config import NUCLEATION_SECTION, PHASEFIELD_SECTION, SUBSTRATE_SECTION
from .losses import LossesMixin
from .nucleation import NucleationMixin
from .observables import ObservablesMixin
from .operators import FVOperator, SolvesMixin, graded_heights
from .regions import RegionsMixin
from .sources import SourcesMixin


def _section(case, section):
    """A section of the case with defaults filled in (works before the schema registers it)."""
    given = dict(case.sections.get(section.name, {}) or {})
    out = {}
    for name, key in section.keys.items():
        if name in given and given[name] is not None:
            out[name] = given[name]
        elif key.default == "auto" or key.kind in ("str", "bool", "choice", "int"):
            out[name] = key.default
        else:
            out[name] = key.default if isinstance(key.default, (int, float)) else to_si(key.default, key.kind)
    return out


def check_contraction(errors, max_sweeps):
    """Reject a step early when its sweeps will not converge within max_sweeps. From the sixth sweep
    (the first few are not yet asymptotic and may grow), with the error e = max(d xi / tol, d phi / tol):
    reject when e grew in both of the last two sweeps, or when the contraction rho (the larger of the
    last two ratios) predicts more than max_sweeps in all, n + log(e) / -log(rho). A rejected step is
    retried with dt / 2: this saves the sweeps a doomed step would spend."""
    if len(errors) < 6 or min(errors[-3:]) <= 0.0:      # an exact sweep (no change at all) says nothing
        return
    ratios = (errors[-1] / errors[-2], errors[-2] / errors[-3])
    if min(ratios) >= 1.0:
        raise StepFailed(f"sweeps diverging (error grew x{ratios[1]:.2f}, x{ratios[0]:.2f} in the last sweeps)")
    rho = max(ratios)
    if rho >= 1.0:
        return
    need = len(errors) + math.log(errors[-1]) / -math.log(rho)
    if need > max_sweeps:
        raise StepFailed(f"sweeps contracting too slowly (x{rho:.2f} per sweep: ~{need:.0f} sweeps needed, "
                         f"max_sweeps {max_sweeps})")


class PhaseFieldModel(SolvesMixin, SourcesMixin, NucleationMixin, RegionsMixin, LossesMixin, ObservablesMixin,
                      Model):
    """Phase-field model of Li deposition at the collector (package docstring: equations, layout, step hooks)."""

    name = "phasefield"
    parallel_note = ("the phase field keeps its fields on every rank and shares only its linear solves between "
                     "the ranks: same result, but on meshes of 1e4-1e5 cells no faster than one rank "
                     "(docs/phasefield.md, Numerics); to use several cores for several cases, run them with "
                     "`mpiexec -n N liplate sweep FILE`")

    def __init__(self, case):
        import fipy as fp

        self.case = case
        self.cfg = cfg = _section(case, PHASEFIELD_SECTION)
        self.ncfg = ncfg = _section(case, NUCLEATION_SECTION)
        scfg = _section(case, SUBSTRATE_SECTION)
        dom = case["domain"]
        num = case["numerics"]
        self.substrate = case.substrate
        self.temperature = case["protocol"]["temperature"]
        self.sigma = case.p("lpscl.conductivity")
        self.j0 = case.p("lpscl.exchange_current_density")
        self.alpha = case.p("lpscl.transfer_coefficient")
        self.vm = case.p("li.molar_volume")
        self.gamma = case.p("li.surface_energy")
        self.j0_counter = case.p("cell.counter_exchange_current_density")
        self.rest = dom["electrolyte_thickness"] - dom["height"]
        self.max_sweeps = int(num["max_sweeps"])
        #: step cap while sub-grid nuclei are in the window (classical nucleation): :meth:`step_limit`
        self.dt_max_subgrid = num.get("dt_max_subgrid")
        self.solver_name = num["solver"]

        # -- mesh ----------------------------------------------------------------------------
        self.nx = int(dom["cells_x"])
        self.width = float(dom["width"])
        self.dx = self.width / self.nx
        self.dy = graded_heights(dom["height"], int(dom["cells_y"]), cfg["fine_cell_height"],
                                 cfg["fine_layer_height"])
        self.ny = self.dy.size
        self.y_faces = np.concatenate([[0.0], np.cumsum(self.dy)])
        self.y_centres = 0.5 * (self.y_faces[1:] + self.y_faces[:-1])
        self.x_centres = (np.arange(self.nx) + 0.5) * self.dx
        # The whole mesh on every rank (serialComm): under mpiexec only the linear solves are shared (use_solver).
        self.mesh = fp.PeriodicGrid2DLeftRight(dx=self.dx, dy=self.dy, nx=self.nx, ny=self.ny,
                                               communicator=fp.tools.serialComm)
        self.volumes = np.asarray(self.mesh.cellVolumes)

        # -- phase-field parameters ---------------------------------------------------------
        # isotropic interface of a length in um, independent of the cells (docs/phasefield.md); a different
        # interface_length_x is kept as a numerical check only (it flattens every shape by ell_x / ell_y)
        ell_y = cfg["interface_length_y"]
        self.ell_y = float(cfg["interface_length"]) if ell_y == "auto" else float(ell_y)
        ell_x = cfg["interface_length_x"]
        self.ell_x = self.ell_y if ell_x == "auto" else float(ell_x)
        self.stretch = self.ell_x / self.ell_y
        self.W = pf.barrier_height(self.gamma, self.ell_y)
        self.kappa_y = pf.gradient_coefficient(self.gamma, self.ell_y)
        self.kappa_x = self.stretch**2 * self.kappa_y
        self.L = cfg["relaxation_rate"] / self.W
        self.resolve_height = float(cfg["resolve_height"])   # sub-grid Li enters xi this many ell_y high
        self.eps = cfg["li_ionic_conductivity_ratio"]

        # -- substrate: wetting and nucleation ---------------------------------------------------
        self.theta = wetting.substrate_contact_angle(case)
        j0s = scfg["exchange_current_density"]
        self.j0_sub = (case.p(f"{self.substrate}.bare_exchange_current_density")
                       if j0s == "auto" else float(j0s))
        self.eta_n = nuc.nucleation_overpotential(self.theta, self.gamma, self.vm, self.temperature,
                                                  ncfg["log_rate_ratio"])
        self.gate_width = ncfg["gate_width"]
        #: classical progressive nucleation with sub-grid nuclei (nucleation.py); else seeded nuclei + the gate
        self.classical = ncfg["source"] == "classical"
        self.progressive = bool(ncfg["progressive"]) and not self.classical
        # a cap nucleus needs 0 < theta < 180 deg; complete wetting (theta = 0, e.g. Li2Te-Cu from the adhesion
        # mapping) has no nucleation barrier at all: its nuclei are taken as 1 deg caps (f = 2e-8, a layer one
        # cell wide within microseconds), the wall condition keeps theta itself
        self.theta_nuclei = min(max(self.theta, nuc.THETA_NUCLEUS_MIN), 180.0 - nuc.THETA_NUCLEUS_MIN)
        self.nuclei = nuc.CollectorNuclei(self.width, self.nx, self.theta_nuclei)
        self.q_dl = 0.0                    # double-layer charge minus the Li of new nuclei at birth (C/m^2)
        self._sub_dt = None                # sub-step of the nucleation transient carried between steps (s)
        self._nuc_len = np.zeros(self.nx)  # free surface of the sub-grid nuclei over each collector cell (m)
        self._parts = None
        dens = ncfg["density"]
        self.nucleus_density = (case.p(f"{self.substrate}.nucleus_density")
                                if dens == "auto" else float(dens))

        # -- variables, terms and boundary conditions ---------------------------------------------
        xi_init, xi_film = self._initial_xi()
        self.xi = fp.CellVariable(mesh=self.mesh, name="xi", value=xi_init, hasOld=True)
        self.phi = fp.CellVariable(mesh=self.mesh, name="phi", value=0.0)
        self.xi0_total = float(np.sum(self.xi.value * self.volumes))
        #: Li of the initial film (a pre-existing foil, not paid by the protocol's charge) and of the seeded
        #: nuclei (m^2 per unit depth). The nuclei are paid by the first charge passed: see _seed_debit.
        self.film0_volume = float(np.sum(xi_film * self.volumes))
        self.seed_volume = self.xi0_total - self.film0_volume
        normals = np.asarray(self.mesh.faceNormals)
        self._kappa_face = fp.FaceVariable(mesh=self.mesh, value=self.L * (
            self.kappa_x * normals[0] ** 2 + self.kappa_y * normals[1] ** 2))
        self._bottom = np.asarray(self.mesh.facesBottom)
        self._top = np.asarray(self.mesh.facesTop)
        self._wall_grad = fp.FaceVariable(mesh=self.mesh, rank=1, value=0.0)
        self.xi.faceGrad.constrain(self._wall_grad, where=self.mesh.facesBottom)
        self._top_grad = fp.FaceVariable(mesh=self.mesh, rank=1, value=0.0)
        self.phi.faceGrad.constrain(self._top_grad, where=self.mesh.facesTop)
        self._sigma_cell = fp.CellVariable(mesh=self.mesh, value=self.sigma)
        self.S = self.W      # stabilisation >= max|g''|/2: the linear scheme is energy stable for any dt
        self.linear_tolerance = cfg["linear_tolerance"]
        self.assembly = "fast"
        self.use_solver(self.solver_name)
        self.op = FVOperator(self.mesh)
        self._t_kappa = (self.L * (self.kappa_x * normals[0] ** 2 + self.kappa_y * normals[1] ** 2)
                         * self.op.geo)[self.op.inner]
        self._kappa_bottom = self.L * self.kappa_y * self.op.areas[self._bottom]
        self._bottom_cells = np.asarray(self.mesh.faceCellIDs[0])[self._bottom]
        self._top_cells = np.asarray(self.mesh.faceCellIDs[0])[self._top]

        # -- SEI and creep on the Li|SE interface (switches [physics] sei / creep, as the sharp model) ---
        phys = case["physics"]
        self.sei_on = bool(phys.get("sei", True))
        self.creep_on = bool(phys.get("creep", True))
        self.sei_params = sei_mod.SeiParameters.from_parameters(case.params["sei"], case.params["lpscl"])
        self.sei_thickness = np.full(self.nx, self.sei_params.initial_thickness)   # per collector column, m
        self.sei_area = np.zeros(self.nx)      # Li|SE interface area per collector area, per column (-)
        self.sei_li = np.zeros(self.nx)        # Li metal volume bound in the SEI, per column (m^2 per depth)
        self.fill = np.zeros(self.nx)          # Li crept into the SE roughness, per column (m^2 per depth)
        # interphase where the bare collector touches the SE (physics/sei.py (5)); grows while the column's
        # collector face is not wetted, then stays (buried) when Li covers it
        self.collector_sei_on = self.sei_on and bool(phys.get("collector_sei", True))
        self.collector_sei = np.zeros(self.nx)       # thickness per column, m
        self.collector_sei_li = np.zeros(self.nx)    # Li metal volume bound in it, per column (m^2 per depth)
        self.fill_capacity = case.p("interface.roughness_fill_depth")
        self.surface_roughness = case.p("interface.surface_roughness")
        self.creep_law = creep_mod.CreepLaw.from_parameters(case.params["li"])
        self.stack_pressure = float(case["protocol"]["stack_pressure"])
        self.tau_fill = float(creep_mod.roughness_fill_time_constant(self.stack_pressure, self.creep_law,
                                                                     self.temperature))

        # -- bookkeeping ----------------------------------------------------------------------------
        self.time = 0.0
        self.charge = 0.0                  # passed charge per collector area (C/m^2)
        self.voltage_peak = 0.0            # most negative cell voltage of the first-plating transient
        self._j_app = 0.0
        self._sink = np.zeros(self.ny * self.nx)          # A/m^3, last accepted
        self._delta = np.zeros(self.ny * self.nx)
        #: step hooks: callables ``hook(model, dt)`` run once per accepted step, after the interface losses and
        #: before the clock and charge advance (see the package docstring, "Step hooks")
        self.step_hooks: list[Callable] = []
        #: plug-ins (e.g. filament.FilamentHook, attached by models.build_model): objects that add to the model's
        #: reporting and state: plated_charge(model) (C/m^2), update_observables(model, obs), cell_fields(model)
        #: (dict), get_state() (dict of arrays) and set_state(state)
        self.plugins: list = []
        self.timing = {"phi": 0.0, "xi": 0.0, "hooks": 0.0, "step": 0.0}   # s: potential and xi solves, hooks, steps

    def _grid(self, a):
        return np.asarray(a).reshape(self.ny, self.nx)

    # -- the collector row: what is covered by resolved Li, what is bare -----------------------------
    def _wall_wetted(self, xi) -> np.ndarray:
        """Collector cells under the resolved deposit (bool per column): the wall cell holds xi >= 1/2
        (metrics.wetted_mask). The one rule for "covered" of the reported wetted fraction, the creep fill of the
        SE relief, the collector SEI (on the cells it leaves), the nuclei a resolved deposit absorbs and the flaws
        it reaches (models/phasefield/filament.py)."""
        return metrics.wetted_mask(self._grid(xi)[0])

    def _subgrid_covered(self) -> np.ndarray:
        """Collector cells covered by sub-grid Li (bool per column): a sub-grid film (nuclei coalesced over the
        cell), or sub-grid nuclei whose bases cover at least half of the cell, the resolved deposit's rule
        (:meth:`_wall_wetted`). Nuclei are held below the mesh only until they are 3 interface lengths high (a
        numerical choice, physics/nucleation.py), so what counts as Li on the collector (the wetted fraction, the
        flaws the Li reaches) must not wait for them to be resolved."""
        _, covered = self.nuclei.spread()
        return (np.asarray(self.nuclei.film) > 0) | (np.asarray(covered) >= 0.5)

    def _bare_collector(self, xi) -> np.ndarray:
        """Fraction of each collector cell open to the SE, where Li can be deposited on the collector itself
        (nucleation, or the progressive gate of seeded nuclei): none under the resolved deposit
        (:meth:`_wall_wetted`), 1 - h(xi) on the others; with classical nucleation also not under the sub-grid
        nuclei and film (``_nuc_cov``). The diffuse tail 1 - h(xi) of a resolved film only a few interface lengths
        thick is not bare collector: counting it as such deposited Li under the film, in parallel to its interface
        (classical nuclei born there held Li that no charge paid for, 0.05 um by 1 mAh/cm^2 on Li2Te-Cu, before
        2026-12-03)."""
        wall = np.clip(self._grid(xi)[0], 0.0, 1.0)
        bare = np.where(self._wall_wetted(xi), 0.0, 1.0 - pf.interp(wall))
        if self.classical:
            bare = bare * (1.0 - self._nuc_cov)
        return bare

    # -- stepping --------------------------------------------------------------------------------
    def grid_edges(self) -> tuple[np.ndarray, np.ndarray]:
        return np.linspace(0.0, self.width, self.nx + 1), self.y_faces

    def step_limit(self) -> float | None:
        """``numerics.dt_max_subgrid`` while sub-grid nuclei (not yet a film) are in the window, else None.

        A nucleus goes into xi only at the end of the step in which it becomes resolvable or touches the resolved
        deposit (nucleation.py, ``_absorb_nuclei``), so while the Cu islands form from nuclei the step sets when
        each one joins an island, and with it the current at the island edges (docs/penetration.md, "Time step")."""
        if self.dt_max_subgrid is None or not self.classical or not np.any(self.nuclei.count > 0):
            return None
        return float(self.dt_max_subgrid)

    def advance(self, dt: float, current_density: float) -> StepReport:
        state = self.get_state()
        try:
            report = self._advance_substeps(dt, current_density) if self.classical else \
                self._advance(dt, current_density)
        except (StepFailed, LinearSolveError, FloatingPointError, ValueError) as exc:
            self.set_state(state)
            raise StepFailed(str(exc)) from exc
        return report

    def _advance_substeps(self, dt, j_app):
        """The step in sub-steps short enough to resolve the nucleation transient (nucleation.py,
        ``_nucleation_step_error``): a sub-step whose nucleation rate changed by more than e-fold where it
        matters, or that would add too many nuclei at once, is redone shorter; after an easy one the next
        grows x1.5 (x4 once no nucleation limits it). Outside the transient the sub-step is the whole step."""
        left, sweeps, its, done = dt, 0, 0, 0
        sub = min(dt, self._sub_dt or dt)
        report = None
        while left > 0.0:
            tau = left if sub >= left * (1.0 - 1e-3) else sub
            saved = self.get_state()
            report = self._advance(tau, j_app)
            err = self._nuc_error
            if err > 1.0:
                self.set_state(saved)
                if tau <= 1e-12 * dt:
                    raise StepFailed(f"nucleation transient not resolved at a sub-step of {tau:.3g} s")
                sub = tau * 0.7 / err
                continue
            left -= tau
            done += 1
            sweeps, its = max(sweeps, report.sweeps), its + report.linear_iterations
            sub = tau * (4.0 if err == 0.0 else 1.5 if err < 0.5 else 1.0)     # out of the transient: fast
        self._sub_dt = sub if sub < dt else None
        return StepReport(sweeps=sweeps, residual=report.residual, linear_iterations=its,
                          info={**report.info, "substeps": done})

    def _advance(self, dt, j_app):
        t0 = _time.perf_counter()
        if self.assembly == "fipy":
            top = np.zeros((2, self.mesh.numberOfFaces))
            top[1, self._top] = j_app / self.sigma
            self._top_grad.setValue(top)
        self.xi.updateOld()
        xi_old = np.array(self.xi.value)
        self._dt, self._phi_old = dt, np.array(self.phi.value)
        if self.classical:
            self._prepare_nuclei()      # geometry of the sub-grid nuclei, explicit over the step
        # the seeded nuclei are paid by the first charge passed: that charge adds no net Li (see _seed_debit)
        debit = self._seed_debit(dt, j_app)
        tol_xi = self.cfg["sweep_tolerance_xi"]
        tol_phi = self.cfg["sweep_tolerance_phi"]
        lin_its = 0
        regions = self._li_regions(xi_old)
        converged = False
        d_xi = d_phi = float("inf")
        errors: list[float] = []
        xi_raw = None
        # phi of the last accepted step was converged at this current: the first sweep starts from it without a
        # potential solve (a first iterate only; the step still ends when xi and phi agree to the tolerances)
        reuse_phi = self.time > 0 and j_app == self._j_app
        self._spd_phi.new_series()         # a new step: its first potential matrix moved by a whole step
        with np.errstate(over="raise", invalid="raise"):
            for sweep in range(1, self.max_sweeps + 1):
                xi_it = np.array(self.xi.value)
                phi_it = np.array(self.phi.value)
                h = pf.interp(np.clip(xi_it, 0.0, 1.0))
                sigma_cell = self.sigma * ((1.0 - h) + self.eps * h)
                s0, s1 = self._sinks(xi_it, phi_it)
                ta = _time.perf_counter()
                # inexact Newton: while the sweeps are far from converged (error e = change / tolerance > 10),
                # the potential is solved to linear_tolerance x e / 10 (at most x 1000); a step is accepted only
                # after a sweep whose potential solve met linear_tolerance itself
                loose = min(max(errors[-1] / 10.0, 1.0), 1e3) if errors else 1.0
                if sweep == 1 and reuse_phi:
                    phi_new, its = phi_it, 0
                else:
                    phi_new, its = self._solve_phi(sigma_cell, s0, s1, phi_it, j_app,
                                                   tolerance=self.linear_tolerance * loose)
                tb = _time.perf_counter()
                lin_its += its
                dphi = phi_new - phi_it
                sink = s0 + s1 * dphi                          # exactly what the potential solve removed
                # Faraday growth of xi: the interface (and gate) sink only, not the sub-grid nuclei nor the
                # double layer of the collector row (self._parts, sources.py)
                growth = (self._parts["s0"] + self._parts["s1"] * dphi) * self.vm / FARADAY
                # initial guess: the previous sweep's solve before its volume projection (the system changes only
                # through the growth between sweeps; the projected iterate is off by the projection every sweep)
                xi_new, its = self._solve_xi(xi_old, xi_it if xi_raw is None else xi_raw, growth, dt)
                xi_raw = xi_new
                tc = _time.perf_counter()
                lin_its += its
                # Lagrange multipliers, one per connected Li region: the Allen-Cahn part conserves the
                # volume of each region (no Li moves between separate islands); growth = Faraday
                xi_new = self._project_volume(xi_new, xi_old, growth, dt, debit, regions)
                self.xi.setValue(xi_new)
                self.timing["phi"] += tb - ta
                self.timing["xi"] += tc - tb
                d_xi = float(np.max(np.abs(xi_new - xi_it)))
                d_phi = float(np.max(np.abs(phi_new - phi_it)))
                if not (np.isfinite(d_xi) and np.isfinite(d_phi)):
                    raise StepFailed("non-finite fields")
                if sweep > 1 and d_xi < tol_xi and d_phi < tol_phi and loose == 1.0:
                    converged = True
                    break
                errors.append(max(d_xi / tol_xi, d_phi / tol_phi))
                check_contraction(errors, self.max_sweeps)
        if not converged:
            raise StepFailed(f"no convergence in {self.max_sweeps} sweeps (max|dxi| = {d_xi:.2g}, "
                             f"max|dphi| = {d_phi:.2g} V)")
        btol = self.cfg["xi_bound_tolerance"]
        xmin, xmax = float(np.min(self.xi.value)), float(np.max(self.xi.value))
        if xmin < -btol or xmax > 1.0 + btol:
            raise StepFailed(f"xi left [0, 1]: min {xmin:.3g}, max {xmax:.3g}")
        self._nuc_error = 0.0
        handed = False
        if self.classical:
            handed = self._nucleation_after_step(dt, dphi)
            if self._nuc_error > 1.0:       # the sub-step is redone shorter (_advance_substeps)
                self.timing["step"] += _time.perf_counter() - t0
                return StepReport(sweeps=sweep, residual=max(d_xi, d_phi), linear_iterations=lin_its)
        if handed:
            # sub-grid Li went into xi after the sweeps: phi follows it, after the relief fill and the levelling
            # the creep takes in this step, before the SEI, which then grows at the settled current (the SEI of
            # every other step reads the current of its converged potential too)
            self._creep_losses(dt)
            ts = _time.perf_counter()
            sink = self._settle_potential(j_app)
            self.timing["phi"] += _time.perf_counter() - ts
            self._sei_losses(dt)
        else:
            self._interface_losses(dt)
        self._sink = sink
        self._j_app = j_app
        self._delta = self._delta_function(np.asarray(self.xi.value))
        if self.step_hooks:
            # plug-in point for further processes (package docstring, "Step hooks"): xi and phi are converged,
            # the SEI and creep losses applied, model.time and model.charge still those of the step's start
            th = _time.perf_counter()
            for hook in self.step_hooks:
                hook(self, dt)
            self._delta = self._delta_function(np.asarray(self.xi.value))
            self.timing["hooks"] += _time.perf_counter() - th
        self.time += dt
        self.charge += j_app * dt
        if self.charge <= metrics.FIRST_PLATING_CHARGE * (1.0 + 1e-9):
            # the first-plating transient (metrics.first_plating_voltage): most negative cell voltage in its window
            self.voltage_peak = min(self.voltage_peak, self._voltage_parts()["voltage_V"])
        self.timing["step"] += _time.perf_counter() - t0
        return StepReport(sweeps=sweep, residual=max(d_xi, d_phi), linear_iterations=lin_its,
                          info={"d_xi": d_xi, "d_phi_V": d_phi})

    # -- state ----------------------------------------------------------------------------------
    def get_state(self) -> dict[str, np.ndarray]:
        return {"xi": np.array(self.xi.value), "phi": np.array(self.phi.value),
                "sink": self._sink.copy(), "delta": self._delta.copy(),
                "sei_thickness": self.sei_thickness.copy(), "sei_area": self.sei_area.copy(),
                "sei_li": self.sei_li.copy(), "fill": self.fill.copy(),
                "collector_sei": self.collector_sei.copy(), "collector_sei_li": self.collector_sei_li.copy(),
                "scalars": np.array([self.time, self.charge, self.voltage_peak, self._j_app]),
                **self.nuclei.get_state(), "nucleation_scalars": np.array([self.q_dl, self._sub_dt or 0.0]),
                **{k: v for plugin in self.plugins for k, v in plugin.get_state().items()}}

    def set_state(self, state: dict[str, np.ndarray]) -> None:
        self.xi.setValue(np.asarray(state["xi"], dtype=float))
        self.xi.updateOld()
        self.phi.setValue(np.asarray(state["phi"], dtype=float))
        self._sink = np.array(state["sink"], dtype=float)
        self._delta = np.array(state["delta"], dtype=float)
        for k in ("sei_thickness", "sei_area", "sei_li", "fill", "collector_sei", "collector_sei_li"):
            if k in state:
                setattr(self, k, np.array(state[k], dtype=float))
        self.time, self.charge, self.voltage_peak, self._j_app = (float(v) for v in state["scalars"])
        self.nuclei.set_state(state)
        if "nucleation_scalars" in state:
            self.q_dl = float(state["nucleation_scalars"][0])
            self._sub_dt = float(state["nucleation_scalars"][1]) or None
        for plugin in self.plugins:
            plugin.set_state(state)
