"""Phase-field model of lithium deposition at the collector, with substrate wetting and nucleation.

Fields on a periodic 2D cross-section (x along the collector, y into the SE, collector at y = 0):
``xi`` (1 = Li metal, 0 = SE) and ``phi``, the ionic (Li+) potential of the SE. See
docs/phasefield.md for the full derivation; in short:

Equipotential lithium. Li conducts electrons 3e7 times better than LPSCl conducts ions, so the
ohmic drop in the deposit is < 1e-9 V and Li is held at the collector potential phi_s = 0 (the
reference). Only the ionic potential is solved; it lives in the SE, and Li is an ion blocker
(ionic conductivity sigma_SE [(1 - h) + eps h], eps = ``li_ionic_conductivity_ratio``). The
local overpotential is eta = phi_s - phi - E_eq with E_eq = 0 (the stack-pressure shift V_m p / F
is the same at the Li counter electrode and cancels in the cell voltage). No 1e7 conductivity
contrast enters the matrix (unlike Chen et al.'s sigma_eff), so CG + AMG converges in a few
iterations and the answer does not depend on the contrast.

Potential (charge conservation in the SE, single-ion conductor, t+ = 1)::

    div(sigma grad phi) = S(phi),   S = |grad xi| j_BV(eta; j0)  +  a_w (1 - h(xi)) G(eta) j_BV(eta; j0_sub)

S (A/m^3) is the Li+ consumed at the Li|SE interface (diffuse delta function |grad xi|, which
integrates to 1 across any monotone profile) and, in the collector row (a_w = 1/dy_0), by
nucleation on bare substrate (gate G switching on past the heterogeneous nucleation overpotential
eta_n(theta), physics/nucleation.py). Top of the window: the applied current density enters
(galvanostatic control: the Neumann flux fixes the current, the solvability condition fixes the
potential level). Collector: no ion flux.

Order parameter (Allen-Cahn with a volume-conserving Lagrange multiplier, plus Faraday growth)::

    d xi/dt = L [div(kappa grad xi) - g'(xi) + lambda w(xi)] + S V_m / F

The reaction term moves the interface with the Faraday velocity j V_m / F; the Allen-Cahn part
relaxes the shape towards the wetting equilibrium at constant volume (lambda is enforced exactly
each sweep by projection onto w = xi (1 - xi), one lambda per connected Li region so that no Li moves
between separate islands), so plated Li = passed charge to solver tolerance.
kappa is anisotropic, kappa_x = s^2 kappa_y, so the interface spans about one cell in both
directions on flat cells (s = ell_x / ell_y). Cahn wall condition at the collector
(physics/wetting.py): n.grad xi = cos(theta) xi (1 - xi) / ell_y.
"""
from __future__ import annotations

import math
import time as _time
from collections.abc import Callable

import numpy as np
from scipy import ndimage

from .. import metrics
from ..physics import creep as creep_mod
from ..physics import nucleation as nuc
from ..physics import phasefield as pf
from ..physics import sei as sei_mod
from ..physics import wetting
from ..physics.constants import FARADAY
from ..physics.kinetics import (
    butler_volmer,
    butler_volmer_slope,
    butler_volmer_with_slope,
    overpotential_for_current,
)
from ..spd import LinearSolveError, SPDSolver
from ..units import C_M2_PER_MAH_CM2, M_PER_UM, to_si
from .base import Model, StepFailed, StepReport, flaw_opening_observables
from .phasefield_config import NUCLEATION_SECTION, PHASEFIELD_SECTION, SUBSTRATE_SECTION

_REGION_DILATION = 3   # cells: the diffuse interface around xi > 1/2 that belongs to a Li region

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


def graded_heights(height, n_cells, fine_dy, fine_height):
    """Cell heights: uniform ``fine_dy`` up to ``fine_height``, then geometric growth to ``height``."""
    n_fine = int(round(fine_height / fine_dy))
    n_coarse = n_cells - n_fine
    if n_coarse < 0:
        raise ValueError(f"domain.cells_y = {n_cells} is less than the {n_fine} fine cells")
    rest = height - n_fine * fine_dy
    if n_coarse == 0:
        if abs(rest) > 1e-3 * fine_dy:
            raise ValueError("fine layer must fill the domain when no coarse cells are left")
        return np.full(n_fine, fine_dy)
    if rest <= n_coarse * fine_dy:
        coarse = np.full(n_coarse, rest / n_coarse)
    else:
        k = np.arange(1, n_coarse + 1)
        from scipy.optimize import brentq  # here, not at the top: scipy.optimize takes 0.35 s to import

        r = brentq(lambda r: fine_dy * np.sum(r**k) - rest, 1.0 + 1e-12, 10.0)
        coarse = fine_dy * r**k
        coarse *= rest / coarse.sum()
    return np.concatenate([np.full(n_fine, fine_dy), coarse])


class FVOperator:
    """Finite-volume -div(c grad .) on a FiPy mesh, assembled with numpy from FiPy's own geometry.

    Same two-point flux as FiPy's DiffusionTerm (face coefficient x face area / cell-centre distance;
    tests/physics/test_phasefield.py checks the matrix against FiPy's). Assembling it directly is
    ~30x cheaper than building FiPy terms each sweep, which dominated the step time.
    """

    def __init__(self, mesh):
        from scipy import sparse

        fc = mesh.faceCellIDs
        mask = np.ma.getmaskarray(fc)[1]
        self.inner = ~mask
        i = np.asarray(fc[0].filled(0))[self.inner]
        j = np.asarray(fc[1].filled(0))[self.inner]
        self.n = mesh.numberOfCells
        self.geo = np.asarray(mesh._faceAreas) / np.asarray(mesh._cellDistances)
        self.areas = np.asarray(mesh._faceAreas)
        self.alpha = np.asarray(mesh._faceToCellDistanceRatio)[self.inner]
        self.i, self.j = i, j
        rows = np.concatenate([i, j, i, j])
        cols = np.concatenate([i, j, j, i])
        m = i.size
        # scatter matrix: csr data = P @ [t, t, -t, -t]
        pattern = sparse.coo_matrix((np.arange(1, 4 * m + 1, dtype=float), (rows, cols)), shape=(self.n, self.n))
        csr = pattern.tocsr()
        csr.sum_duplicates()
        self._indptr, self._indices = csr.indptr, csr.indices
        order = sparse.coo_matrix((np.ones(4 * m), (rows, cols)), shape=(self.n, self.n))
        # position of each contribution in the csr data array
        key = rows.astype(np.int64) * self.n + cols
        csr_rows = np.repeat(np.arange(self.n), np.diff(csr.indptr))
        csr_key = csr_rows.astype(np.int64) * self.n + csr.indices
        pos = np.searchsorted(csr_key, key)
        self._P = sparse.csr_matrix((np.ones(4 * m), (pos, np.arange(4 * m))), shape=(csr_key.size, 4 * m))
        self._diag_pos = np.searchsorted(csr_key, np.arange(self.n, dtype=np.int64) * (self.n + 1))
        del order

    def face_harmonic(self, cell_values):
        """Distance-weighted harmonic face average on inner faces (as FiPy's harmonicFaceValue)."""
        a, b = cell_values[self.i], cell_values[self.j]
        return a * b / ((1.0 - self.alpha) * a + self.alpha * b)

    def matrix(self, t_inner, diag=None):
        """CSR matrix of -div(c grad) with inner-face transmissibilities t = c A / d, plus a diagonal."""
        from scipy import sparse

        data = self._P @ np.concatenate([t_inner, t_inner, -t_inner, -t_inner])
        if diag is not None:
            data[self._diag_pos] += diag
        return sparse.csr_matrix((data, self._indices, self._indptr), shape=(self.n, self.n))


class PhaseFieldModel(Model):
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
        ell_y = cfg["interface_length_y"]
        self.ell_y = cfg["fine_cell_height"] if ell_y == "auto" else float(ell_y)
        ell_x = cfg["interface_length_x"]
        self.ell_x = self.dx if ell_x == "auto" else float(ell_x)
        self.stretch = self.ell_x / self.ell_y
        self.W = pf.barrier_height(self.gamma, self.ell_y)
        self.kappa_y = pf.gradient_coefficient(self.gamma, self.ell_y)
        self.kappa_x = self.stretch**2 * self.kappa_y
        self.L = cfg["relaxation_rate"] / self.W
        self.eps = cfg["li_ionic_conductivity_ratio"]

        # -- substrate: wetting and nucleation ---------------------------------------------------
        self.theta = wetting.substrate_contact_angle(case)
        j0s = scfg["exchange_current_density"]
        self.j0_sub = (case.p(f"{self.substrate}.bare_exchange_current_density")
                       if j0s == "auto" else float(j0s))
        self.eta_n = nuc.nucleation_overpotential(self.theta, self.gamma, self.vm, self.temperature,
                                                  ncfg["log_rate_ratio"])
        self.gate_width = ncfg["gate_width"]
        self.progressive = bool(ncfg["progressive"])
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
        self.creep_law = creep_mod.CreepLaw.from_parameters(case.params["li"])
        self.stack_pressure = float(case["protocol"]["stack_pressure"])
        self.tau_fill = float(creep_mod.roughness_fill_time_constant(self.stack_pressure, self.creep_law,
                                                                     self.temperature))

        # -- bookkeeping ----------------------------------------------------------------------------
        self.time = 0.0
        self.charge = 0.0                  # passed charge per collector area (C/m^2)
        self.voltage_peak = 0.0            # most negative cell voltage seen (nucleation transient)
        self._j_app = 0.0
        self._sink = np.zeros(self.ny * self.nx)          # A/m^3, last accepted
        self._delta = np.zeros(self.ny * self.nx)
        #: callables hook(model, dt) run after each converged step (e.g. creep flattening of bumps);
        #: a hook must conserve Li volume (charge balance) and may raise StepFailed
        self.step_hooks: list[Callable] = []
        self.timing = {"phi": 0.0, "xi": 0.0, "other": 0.0}

    def use_solver(self, name: str) -> None:
        """Linear solvers of the own-assembly path (liplate/spd.py): the potential by CG + AMG (hypre through
        PETSc when petsc4py imports, pyamg otherwise) or LU; the Allen-Cahn step, diagonally dominant by its
        stabilisation, by Jacobi-preconditioned CG (falling back to the AMG solver), or LU."""
        from ..parallel import comm_info

        self.solver_name = name
        # Under mpiexec every rank keeps the whole fields (they are small: the cost is in the solves) and the
        # two linear systems are solved across the ranks by PETSc (spd.SPDSolver, distributed).
        distributed = comm_info()[0] > 1
        try:
            self._spd_phi = SPDSolver(name, self.linear_tolerance, distributed=distributed)
            self._spd_xi = SPDSolver("lu" if name == "lu" else "jacobi", self.linear_tolerance, fallback=name,
                                     distributed=distributed)
        except ValueError as exc:
            if not distributed:
                raise
            raise ValueError(f"[numerics] solver = {name!r} solves on one MPI rank only: {exc}; or run the case "
                             "without mpiexec") from exc

    def use_fipy_terms(self, solver=None):
        """Reference path: build FiPy terms every sweep and solve with a FiPy solver (default: FiPy's LU)."""
        import fipy as fp

        self.assembly = "fipy"
        self._q1 = fp.CellVariable(mesh=self.mesh, value=0.0)
        self._q0 = fp.CellVariable(mesh=self.mesh, value=0.0)
        self._s0 = fp.CellVariable(mesh=self.mesh, value=0.0)
        self._wall_s = fp.CellVariable(mesh=self.mesh, value=0.0)
        self.phi_eq = (fp.DiffusionTerm(coeff=self._sigma_cell.harmonicFaceValue)
                       - fp.ImplicitSourceTerm(coeff=self._q1) - self._q0 == 0)
        self.xi_eq = (fp.TransientTerm() == fp.DiffusionTerm(coeff=self._kappa_face)
                      - fp.ImplicitSourceTerm(coeff=self.L * self.S) - fp.ImplicitSourceTerm(coeff=self._wall_s)
                      + self._s0)
        self._fipy_solver = solver or fp.solvers.LinearLUSolver()

    # -- initial state ------------------------------------------------------------------------
    def _initial_xi(self):
        X, Y = np.meshgrid(self.x_centres, self.y_centres)
        xi = np.zeros_like(X)
        h0 = self.cfg["initial_film_thickness"]
        if h0 > 0:
            xi = np.maximum(xi, pf.logistic_profile(h0 - Y, self.ell_y))
        film = xi.ravel().copy()
        count = nuc.nucleus_count(self.width, self.nucleus_density)
        seed = int(self.case["case"]["seed"])
        self.nuclei_x = nuc.place_nuclei(self.width, count, seed, self.ncfg["min_spacing_fraction"])
        a = self._nucleus_half_width(count)
        b = self.ncfg["nucleus_height"] + h0
        for c in self.nuclei_x:
            d = (X - c + 0.5 * self.width) % self.width - 0.5 * self.width
            rho = np.sqrt((d / a) ** 2 + (Y / b) ** 2)
            # signed distance to the half-ellipse, scaled to the y interface length
            xi = np.maximum(xi, pf.logistic_profile(b * (1.0 - rho), self.ell_y))
        return xi.ravel(), film

    def _nucleus_half_width(self, count: int) -> float:
        """Half-width of an initial nucleus (m).

        ``[nucleation] source = "kmc"`` couples the lattice kMC (liplate.kmc) to the continuum: the kMC
        substrate coverage c (a fraction, so it carries over from the nm lattice to the um mesh) is the
        fraction of the collector the initial nuclei cover, a = c * width / (2 * count); the count keeps
        the calibrated um spacing (the kMC nucleus spacing is nanometres and does not transfer).
        """
        self.kmc_nuclei = None
        if self.ncfg["source"] == "kmc":
            from ..kmc import nuclei_from_kmc

            self.kmc_nuclei = nuclei_from_kmc(
                self.substrate, self.temperature, self.case["protocol"]["current_density"],
                int(self.case["case"]["seed"]), dimension=2, seeds=int(self.ncfg["kmc_seeds"]))
            return self.kmc_nuclei["coverage"] * self.width / (2 * max(count, 1))
        if self.ncfg["nucleus_half_width"] == "auto":
            return 3 * self.dx
        return self.ncfg["nucleus_half_width"]

    # -- helpers ---------------------------------------------------------------------------------
    def _grid(self, a):
        return np.asarray(a).reshape(self.ny, self.nx)

    def _delta_function(self, xi):
        """|grad xi| at cell centres (1/m): central differences, periodic in x, one-sided at y ends."""
        g = self._grid(xi)
        gx = (np.roll(g, -1, axis=1) - np.roll(g, 1, axis=1)) / (2 * self.dx)
        gy = np.gradient(g, self.y_centres, axis=0)
        return np.hypot(gx, gy).ravel()

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
        """Li+ sink density S (A/m^3) and dS/dphi at the iterate (xi, phi): (s0, s1)."""
        eta = -phi
        delta = self._delta_function(xi)
        j, dj = self._interface_bv(eta, self._series_resistance())                # dj = d j / d phi > 0
        s0 = delta * j
        s1 = delta * dj
        if self.progressive:
            nb = self.nx
            eta_b = eta[:nb]
            bare = 1.0 - pf.interp(np.clip(xi[:nb], 0.0, 1.0))
            gate = nuc.nucleation_gate(eta_b, self.eta_n, self.gate_width)
            aw = bare * gate / self.dy[0]
            j_b, slope_b = butler_volmer_with_slope(eta_b, self.j0_sub, self.alpha, self.temperature)
            s0[:nb] += aw * j_b                  # s0, s1 are this call's own arrays
            s1[:nb] -= aw * slope_b
        return s0, s1

    # -- stepping --------------------------------------------------------------------------------
    def grid_edges(self) -> tuple[np.ndarray, np.ndarray]:
        return np.linspace(0.0, self.width, self.nx + 1), self.y_faces

    def advance(self, dt: float, current_density: float) -> StepReport:
        state = self.get_state()
        try:
            report = self._advance(dt, current_density)
        except (StepFailed, LinearSolveError, FloatingPointError, ValueError) as exc:
            self.set_state(state)
            raise StepFailed(str(exc)) from exc
        return report

    def _solve_phi(self, sigma_cell, s0, s1, phi_it, j_app, tolerance=None):
        """(M(sigma) + V s1) phi = b_top - V (s0 - s1 phi_it): Newton step of div(sigma grad phi) = S(phi)."""
        if self.assembly == "fipy":
            self._sigma_cell.setValue(sigma_cell)
            self._q1.setValue(s1)
            self._q0.setValue(s0 - s1 * phi_it)
            self.phi_eq.sweep(var=self.phi, solver=self._fipy_solver)
            return np.array(self.phi.value), 1
        op = self.op
        t = op.face_harmonic(sigma_cell) * op.geo[op.inner]
        A = op.matrix(t, diag=self.volumes * s1)
        rhs = -self.volumes * (s0 - s1 * phi_it)
        np.add.at(rhs, self._top_cells, sigma_cell[self._top_cells] * op.areas[self._top] * (j_app / self.sigma))
        phi, its = self._spd_phi.solve(A, rhs, x0=phi_it, tolerance=tolerance)
        self.phi.setValue(phi)
        return phi, its

    def _solve_xi(self, xi_old, xi_guess, growth, dt):
        """Stabilised linear Allen-Cahn step from the Faraday-advanced state xi_ref = xi_old + dt R."""
        xi_ref = xi_old + dt * growth
        src = growth + self.L * (self.S * xi_ref - pf.double_well_prime(xi_ref, self.W))
        g = wetting.cahn_wall_gradient(xi_ref[self._bottom_cells], self.theta, self.ell_y)
        s_w = abs(math.cos(math.radians(self.theta))) / self.ell_y
        if self.assembly == "fipy":
            wall = np.zeros_like(src)
            np.add.at(wall, self._bottom_cells, self._kappa_bottom * s_w / self.volumes[self._bottom_cells])
            self._wall_s.setValue(wall)
            self._s0.setValue(src + wall * xi_ref)
            val = np.zeros((2, self.mesh.numberOfFaces))
            val[1, self._bottom] = -g                  # outward normal is -y: n.grad xi = g
            self._wall_grad.setValue(val)
            self.xi_eq.sweep(var=self.xi, solver=self._fipy_solver, dt=dt)
            return np.array(self.xi.value), 1
        diag = self.volumes * (1.0 / dt + self.L * self.S)
        # wall condition stabilised like the bulk: g(xi_ref) - S_w (xi - xi_ref), S_w = max|g'| = |cos theta|/ell,
        # so no lagged term is left in the Allen-Cahn step (energy stable for any dt, SPD matrix)
        wall_diag = np.zeros_like(diag)
        np.add.at(wall_diag, self._bottom_cells, self._kappa_bottom * s_w)
        A = self.op.matrix(self._t_kappa, diag=diag + wall_diag)
        rhs = self.volumes * (xi_old / dt + src)
        np.add.at(rhs, self._bottom_cells, self._kappa_bottom * (g + s_w * xi_ref[self._bottom_cells]))
        xi, its = self._spd_xi.solve(A, rhs, x0=xi_guess)
        return xi, its

    def _advance(self, dt, j_app):
        t0 = _time.perf_counter()
        if self.assembly == "fipy":
            top = np.zeros((2, self.mesh.numberOfFaces))
            top[1, self._top] = j_app / self.sigma
            self._top_grad.setValue(top)
        self.xi.updateOld()
        xi_old = np.array(self.xi.value)
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
                sink = s0 + s1 * (phi_new - phi_it)            # exactly what the potential solve removed
                growth = sink * self.vm / FARADAY
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
                self._check_contraction(errors)
        if not converged:
            raise StepFailed(f"no convergence in {self.max_sweeps} sweeps (max|dxi| = {d_xi:.2g}, "
                             f"max|dphi| = {d_phi:.2g} V)")
        btol = self.cfg["xi_bound_tolerance"]
        xmin, xmax = float(np.min(self.xi.value)), float(np.max(self.xi.value))
        if xmin < -btol or xmax > 1.0 + btol:
            raise StepFailed(f"xi left [0, 1]: min {xmin:.3g}, max {xmax:.3g}")
        self._interface_losses(dt)
        for hook in self.step_hooks:
            hook(self, dt)
        self._sink = sink
        self._delta = self._delta_function(np.asarray(self.xi.value))
        self._j_app = j_app
        self.time += dt
        self.charge += j_app * dt
        v = self._voltage_parts()["voltage_V"]
        self.voltage_peak = min(self.voltage_peak, v)
        self.timing["other"] += _time.perf_counter() - t0
        return StepReport(sweeps=sweep, residual=max(d_xi, d_phi), linear_iterations=lin_its,
                          info={"d_xi": d_xi, "d_phi_V": d_phi})

    def _check_contraction(self, errors):
        """Reject a step early when its sweeps will not converge within max_sweeps. From the sixth sweep
        (the first few are not yet asymptotic and may grow), with the error e = max(d xi / tol, d phi / tol):
        reject when e grew in both of the last two sweeps, or when the contraction rho (the larger of the
        last two ratios) predicts more than max_sweeps in all, n + log(e) / -log(rho). A rejected step is
        retried with dt / 2: this saves the sweeps a doomed step would spend."""
        if len(errors) < 6:
            return
        ratios = (errors[-1] / errors[-2], errors[-2] / errors[-3])
        if min(ratios) >= 1.0:
            raise StepFailed(f"sweeps diverging (error grew x{ratios[1]:.2f}, x{ratios[0]:.2f} in the last sweeps)")
        rho = max(ratios)
        if rho >= 1.0:
            return
        need = len(errors) + math.log(errors[-1]) / -math.log(rho)
        if need > self.max_sweeps:
            raise StepFailed(f"sweeps contracting too slowly (x{rho:.2f} per sweep: ~{need:.0f} sweeps needed, "
                             f"max_sweeps {self.max_sweeps})")

    def _li_regions(self, xi):
        """Connected Li regions of ``xi`` (cell labels 1..n, 0 = none), periodic in x.

        Regions are the connected components of xi > 1/2 (4-connectivity), merged across the periodic
        x boundary; each is then dilated by ``_REGION_DILATION`` cells (periodic in x) so that the diffuse
        interface around it belongs to it. Cells claimed by two regions go to the larger label; cells
        farther from any region keep label 0.
        """
        g = self._grid(xi) > 0.5
        lab, n = ndimage.label(g)
        if n == 0:
            return lab.ravel(), 0
        parent = np.arange(n + 1)

        def find(a):
            while parent[a] != a:
                parent[a] = parent[parent[a]]
                a = parent[a]
            return a

        for a, b in zip(lab[:, 0], lab[:, -1], strict=True):
            if a and b:
                ra, rb = find(a), find(b)
                if ra != rb:
                    parent[max(ra, rb)] = min(ra, rb)
        roots = np.array([find(a) for a in range(n + 1)])
        _, compact = np.unique(roots, return_inverse=True)   # root 0 -> 0, regions -> 1..m
        lab = compact[lab]
        m = int(lab.max())
        for _ in range(_REGION_DILATION):
            nb = np.maximum(np.roll(lab, 1, axis=1), np.roll(lab, -1, axis=1))
            nb[1:] = np.maximum(nb[1:], lab[:-1])
            nb[:-1] = np.maximum(nb[:-1], lab[1:])
            lab = np.where(lab > 0, lab, nb)
        return lab.ravel(), m

    def _project_volume(self, xi_new, xi_old, growth, dt, debit, regions):
        """Volume projection onto w = xi (1 - xi), one multiplier per Li region.

        In each region the Allen-Cahn change of the Li volume, sum (xi_new - xi_old - dt growth) dV, is
        removed by xi -= err_r w / sum_r w dV, so no Li moves between separate islands. The cells outside
        every region (label 0: the tails of the interfaces, any stray xi < 1/2 away from the deposit) are
        not a region of their own: the double well is free to take their Li back to 0, and that change is
        handed to the regions in proportion to their sum w dV. (Conserving it in place kept a diffuse xi
        ~ 0.1-0.2 "fog" alive between the Cu islands: every sweep put back what the double well removed.)
        The seed debit is shared between the regions in proportion to their Faraday growth. Without any
        region, or when the regions have no interface cells, one multiplier over the whole domain
        (plated Li = passed charge to solver tolerance in every case).
        """
        labels, m = regions
        w = np.clip(xi_new * (1.0 - xi_new), 0.0, None)
        wv = w * self.volumes
        gv = dt * growth * self.volumes
        ac = (xi_new - xi_old) * self.volumes - gv
        k = m + 1
        err = np.bincount(labels, weights=ac, minlength=k)
        wsum = np.bincount(labels, weights=wv, minlength=k)
        total = float(err.sum()) + debit
        if m == 0 or float(wsum[1:].sum()) <= 0.0:
            wtot = float(wv.sum())
            return xi_new - (total / wtot) * w if wtot > 0 else xi_new
        grow = np.bincount(labels, weights=np.clip(gv, 0.0, None), minlength=k)[1:]
        share = wsum[1:] / wsum[1:].sum()
        err_r = err[1:] + err[0] * share
        gsum = float(grow.sum())
        err_r = err_r + debit * (grow / gsum if gsum > 0 else share)
        lam = np.concatenate([[0.0], np.divide(err_r, wsum[1:], out=np.zeros(m), where=wsum[1:] > 0)])
        # a region without interface cells (all xi = 1 or 0) hands its error to the others
        rest = float(np.sum(err_r[wsum[1:] <= 0]))
        xi_new = xi_new - lam[labels] * w
        if rest != 0.0:
            wreg = float(wsum[1:].sum())
            xi_new = xi_new - rest * w * (labels > 0) / wreg
        return xi_new

    def _seed_debit(self, dt, j_app):
        """Li volume (m^2 per depth) of this step's charge that pays for the seeded nuclei.

        The initial nuclei stand for the Li deposited at the onset of plating (instantaneous nucleation);
        they are put in at t = 0 so that the mesh resolves them, and the first Q_seed = F V_seed/(V_m W)
        of passed charge is spent on them: until then the Faraday growth only reshapes the deposit at
        constant Li volume. After that, plated Li = passed charge (minus SEI and creep sinks) exactly.
        """
        if j_app <= 0.0:
            return 0.0
        paid = self.charge * self.vm / FARADAY * self.width
        owed = max(self.seed_volume - paid, 0.0)
        return min(owed, j_app * dt * self.vm / FARADAY * self.width)

    def _column_li(self, xi):
        return self._grid(np.clip(xi, 0.0, None) * self.volumes).sum(axis=0)

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

    def _interface_losses(self, dt):
        """SEI growth and roughness filling by creep after a converged step (physics/deposit.py, per column).

        SEI: per collector column, delta_new = sqrt(delta^2 + k_p f_T(j_col) dt) (physics/sei.grow) with j_col
        the interface-area-weighted local current of the column (focused current on islands -> larger Tafel
        factor); the Li bound, c_Li,SEI (delta_new - delta) A_col dx, is taken from the column's deposit
        (A_col = Li|SE interface area per collector area of the column). Active on columns holding >= ell_y
        of Li. Creep: Li creeps into the SE surface roughness under the wetted collector (xi >= 1/2 in the
        wall row), fill -> d_inf - (d_inf - fill) exp(-dt/tau_fill), taken from the column's deposit.
        """
        if not (self.sei_on or self.creep_on):
            return
        xi = np.array(self.xi.value)
        delta = self._delta_function(xi)
        a2 = self._grid(delta * self.volumes)        # |grad xi| integrates to 1 across the interface
        asum = a2.sum(axis=0)
        area = asum / self.dx
        col_h = self._column_li(xi) / self.dx
        if self.sei_on:
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
        if self.creep_on:
            wet = self._grid(xi)[0] >= 0.5
            cap = self.fill_capacity * self.dx
            target = cap - (cap - self.fill) * math.exp(-dt / self.tau_fill)
            want = np.where(wet, np.clip(target - self.fill, 0.0, None), 0.0)
            xi, got = self._remove_from_columns(xi, want)
            self.fill = self.fill + got
            xi = self._level_film(xi, dt)
        self.xi.setValue(xi)

    def _level_film(self, xi, dt):
        """Creep levelling of a continuous film under the SE (physics/creep.level_profile, as the sharp model).

        The SE, pressed with the stack pressure, rests on the tallest columns; each contact plateau is
        squeezed sideways (no-slip power-law strip flow) into the lower columns beside it, exactly in
        time, conserving volume. Applied only while the film covers the whole collector (every wall
        cell wetted): between islands the SE also rests on the bare collector and the rigid-plate picture
        does not hold (docs/sei_creep.md). The column changes are applied to xi from the top of each
        column (pf.fill_columns / pf.drain_columns); Li volume is conserved to round-off.
        """
        x2 = self._grid(xi)
        if not np.all(x2[0] >= 0.5):
            return xi
        v2 = self._grid(self.volumes)
        h = self._column_li(xi) / self.dx
        h_new = creep_mod.level_profile(h, self.dx, dt, self.stack_pressure, self.temperature, self.creep_law)
        dv = (h_new - h) * self.dx
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
        bare = self._grid(xi)[0] < 0.5
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

    # -- state ----------------------------------------------------------------------------------
    def get_state(self) -> dict[str, np.ndarray]:
        return {"xi": np.array(self.xi.value), "phi": np.array(self.phi.value),
                "sink": self._sink.copy(), "delta": self._delta.copy(),
                "sei_thickness": self.sei_thickness.copy(), "sei_area": self.sei_area.copy(),
                "sei_li": self.sei_li.copy(), "fill": self.fill.copy(),
                "collector_sei": self.collector_sei.copy(), "collector_sei_li": self.collector_sei_li.copy(),
                "scalars": np.array([self.time, self.charge, self.voltage_peak, self._j_app])}

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

    def plated_charge(self) -> float:
        """F/V_m x (Li in the deposit, in the SE roughness and bound in the SEI, minus the initial film) per
        collector area (C/m^2). Equals the passed charge once that exceeds the nuclei's Li (initial_charge)."""
        li = (np.sum(np.asarray(self.xi.value) * self.volumes) - self.film0_volume
              + np.sum(self.sei_li) + np.sum(self.collector_sei_li) + np.sum(self.fill))
        return float(li / self.width * FARADAY / self.vm)

    def initial_charge(self) -> float:
        """Charge per collector area (C/m^2) that pays for the seeded nuclei (spent during the first steps)."""
        return float(self.seed_volume / self.width * FARADAY / self.vm)

    # -- reporting -------------------------------------------------------------------------------
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
