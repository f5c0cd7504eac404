"""Operators and linear solves of the phase-field model.

``graded_heights`` (the y cell heights), ``FVOperator`` (the finite-volume -div(c grad .) assembled with numpy
from FiPy's own mesh geometry) and :class:`SolvesMixin`, the two linear solves of a sweep (the potential and the
Allen-Cahn step) on the own assembly, or on FiPy's terms for the reference path (``use_fipy_terms``), which is
the check of the own assembly (tests/physics/test_phasefield.py).

Mesh geometry: ``mesh.faceCellIDs``, ``mesh.numberOfCells``, ``mesh.numberOfFaces``, ``mesh.cellVolumes``,
``mesh.faceNormals``, ``mesh.facesTop`` / ``facesBottom`` are FiPy's public API. FiPy 4.0 has no public
accessor for the face areas, the cell-centre distances across faces and the face-to-cell distance ratio
(the ones its DiffusionTerm uses), so FVOperator reads ``mesh._faceAreas``, ``mesh._cellDistances`` and
``mesh._faceToCellDistanceRatio``.
"""
from __future__ import annotations

import math

import numpy as np

from ...physics import phasefield as pf
from ...physics import wetting
from ...spd import LinearSolveError, SPDSolver


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


class SolvesMixin:
    """The linear solves of a sweep (methods of PhaseFieldModel; they read and write the model's fields)."""

    def use_solver(self, name: str) -> None:
        """Linear solvers of the own-assembly path (liplate/spd.py): the potential by CG + AMG (hypre through
        PETSc when petsc4py imports, pyamg otherwise) or LU; the Allen-Cahn step, diagonally dominant by its
        stabilisation, by Jacobi-preconditioned CG (falling back to the AMG solver), or LU."""
        from ...parallel import comm_info

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
        # the own path's acceptance test, |Ax - b|/|b| <= linear_tolerance (FiPy's default, 1e-5 of its
        # criterion, would accept iterates 100x less converged and skip their solves)
        self._fipy_solver = solver or fp.solvers.LinearLUSolver(tolerance=self.linear_tolerance, criterion="RHS")

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
        try:
            phi, its = self._spd_phi.solve(A, rhs, x0=phi_it, tolerance=tolerance)
        except LinearSolveError:
            if self._spd_phi.method == "lu":
                raise
            # the sub-microsecond sub-steps of a nucleation transient (double-layer diagonal C/dt) can stop the
            # reused AMG-CG short; such a solve is repeated with LU (checked as any solve). Under mpiexec every
            # rank holds the whole matrix and solves it alike, so the ranks stay identical
            phi, its = self._spd_lu().solve(A, rhs, x0=phi_it, tolerance=tolerance)
        self.phi.setValue(phi)
        return phi, its

    def _solve_phi_at_fixed_xi(self, xi, phi_start, j_app):
        """Newton on div(sigma(xi) grad phi) = S(phi) with xi held, from ``phi_start``, to ``sweep_tolerance_phi``
        (the potential part of a step's sweeps). Returns (phi, s0, s1, dphi, converged): the last iterate, the sink
        and its slope the last solve was linearised at, and that solve's change (s0 + s1 dphi is the sink it
        removed)."""
        sigma_cell = self.ionic_conductivity(xi)
        phi_it = np.array(phi_start)
        for _ in range(self.max_sweeps):
            s0, s1 = self._sinks(xi, phi_it)
            phi_new, _its = self._solve_phi(sigma_cell, s0, s1, phi_it, j_app)
            dphi = np.asarray(phi_new) - phi_it
            phi_it = np.array(phi_new)
            if float(np.max(np.abs(dphi))) < self.cfg["sweep_tolerance_phi"]:
                return phi_it, s0, s1, dphi, True
        return phi_it, s0, s1, dphi, False

    def _spd_lu(self):
        if getattr(self, "_lu_fallback", None) is None:
            self._lu_fallback = SPDSolver("lu", self.linear_tolerance)
        return self._lu_fallback

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
