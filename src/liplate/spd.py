"""Sparse SPD solves for models that assemble their own matrices (the phase field).

A model solves the same kind of system many times (every sweep of every step) with matrices that change
a little each time. :class:`SPDSolver` keeps the expensive part (an AMG hierarchy) between solves and
rebuilds it before the next solve once a solve needs more than twice (+2) the iterations it needed right
after the last build (at most ``reuse_iterations``), and at once when a solve stops short. Every solve is
checked: the true relative residual |Ax - b|/|b| must be <= ``check_factor`` x tolerance, otherwise
:class:`LinearSolveError` is raised (the caller rejects the step). Backends:

``hypre``   CG + hypre BoomerAMG through petsc4py (C-level V-cycles; chosen when petsc4py imports).
``pyamg``   CG + pyamg classical Ruge-Stuben AMG (SciPy only). Same answer to the tolerance.
``jacobi``  CG + diagonal scaling (PETSc's when petsc4py imports, else a numpy loop): for diagonally
            dominant systems (the stabilised Allen-Cahn step), where AMG's setup costs more than it saves.
            Falls back to the AMG backend if it stops short.
``lu``      SuperLU (what FiPy's default SciPy LinearLUSolver calls): the reference.

Measured on the 33,600-cell Cu phase-field benchmark (one potential solve / one Allen-Cahn solve,
`benchmarks/bench_phasefield.py`, hypre with its default options): pyamg 0.050 s / 0.028 s, hypre
0.019 s / 0.012 s, Jacobi-CG 0.56 s (1800 iterations) / 0.011 s (36 iterations). A solve may ask for a
looser tolerance than the solver's (``solve(..., tolerance=)``: inexact Newton in early sweeps).

``distributed=True`` (hypre and Jacobi only): the same solves on PETSc's COMM_WORLD for a model that keeps
the whole system on every rank (the phase field under ``mpiexec``); each rank gives PETSc its block of rows
and gets the whole solution back.
"""
from __future__ import annotations

import functools

import numpy as np

#: BoomerAMG settings for the potential (the PETSc options of ``-pc_hypre_boomeramg_*``). Measured on 157 potential
#: systems of the 33,600-cell Cu benchmark (CPU s, best of 3, same hierarchy reuse): defaults 7.2 s (1356 CG
#: iterations); Chebyshev smoothing 5.2 s (1334); with HMIS coarsening, ext+i interpolation, P_max 4 5.1 s (1290);
#: l1-Jacobi with HMIS 5.5 s (1902). Falgout coarsening / SSOR smoothing (the defaults) spend ~4.8 ms per
#: iteration, Chebyshev ~3.8 ms.
HYPRE_OPTIONS = {
    "pc_hypre_boomeramg_relax_type_all": "Chebyshev",
    "pc_hypre_boomeramg_coarsen_type": "HMIS",
    "pc_hypre_boomeramg_interp_type": "ext+i",
    "pc_hypre_boomeramg_P_max": "4",
}
_PETSC_PREFIX = "liplate_spd_"


class LinearSolveError(RuntimeError):
    """A linear solve stopped short of its tolerance (the step that needed it has failed)."""


@functools.lru_cache(maxsize=1)
def petsc_available() -> bool:
    try:
        from petsc4py import PETSc  # noqa: F401
    except ImportError:
        return False
    return True


def amg_backend(name: str = "auto") -> str:
    """'auto' and 'pcg-amg' -> 'hypre' when petsc4py imports, else 'pyamg'; 'lu' stays."""
    if name == "lu":
        return "lu"
    if name in ("auto", "pcg-amg"):
        return "hypre" if petsc_available() else "pyamg"
    if name in ("hypre", "pyamg", "jacobi"):
        return name
    raise ValueError(f"unknown SPD solver {name!r}; allowed: auto, pcg-amg, lu, hypre, pyamg, jacobi")


class SPDSolver:
    """Repeated solves of slowly changing SPD systems; see the module docstring."""

    def __init__(self, method: str = "auto", tolerance: float = 1e-8, reuse_iterations: int = 25,
                 max_iterations: int = 500, check_factor: float = 10.0, fallback: str | None = None,
                 distributed: bool = False):
        self.method = amg_backend(method)
        #: solve on PETSc's COMM_WORLD, every rank holding the whole system (see :meth:`_petsc_solve`)
        self.distributed = bool(distributed)
        if self.distributed and not (petsc_available() and self.method in ("hypre", "jacobi")):
            raise ValueError(f"solver {method!r} cannot solve across MPI ranks: only CG with hypre BoomerAMG or "
                             "Jacobi through PETSc can (solver = 'pcg-amg' with petsc4py installed)")
        self.tolerance = float(tolerance)
        self.reuse_iterations = reuse_iterations
        self.max_iterations = max_iterations
        self.check_factor = check_factor
        self.builds = 0
        self._ml = None          # pyamg hierarchy
        self._ksp = None         # PETSc KSP holding the BoomerAMG hierarchy
        self._stale = False      # rebuild the hierarchy before the next solve
        self._fresh_its = 0      # iterations of the first solve after the last build
        self._series_start = False   # the next solve is the first of a new series (new_series)
        self._rebuild_each_series = False   # a series' first solve found the hierarchy stale: rebuild first
        self._fallback = (SPDSolver(fallback or "auto", tolerance, distributed=self.distributed)
                          if self.method == "jacobi" else None)
        self._rows: tuple[int, int, list[int]] | None = None   # this rank's row block, and every rank's size
        self._dist = None        # (pattern, Mat, b, x) of the distributed solve, kept while the pattern holds
        self.use_petsc = petsc_available()      # Jacobi-CG in PETSc (C loop) or in numpy

    # -- public ---------------------------------------------------------------------------------------
    def new_series(self) -> None:
        """The next solve is the first of a new series whose matrix has moved further than within a series (a
        model's next time step after the sweeps of the last). Once the first solve of a series has found the
        AMG hierarchy stale, each series rebuilds it before its first solve instead of spending a stale solve
        first and rebuilding after it (cases/cu_0p5mA_continuous at 1 mAh/cm^2, 480,000 cells: the stale first
        solve of a step took 12-17 CG iterations, 0.9-1.1 s, and the rebuild after it 1.0 s; rebuilt first, the
        step's potential solves took 1.54 s instead of 2.09 s, the step 4.28 s instead of 4.98 s)."""
        self._series_start = True

    def solve(self, A, b, x0=None, tolerance=None) -> tuple[np.ndarray, int]:
        """x with |Ax - b|/|b| <= check_factor * tolerance, and the iterations used. ``tolerance`` (default:
        the solver's) may be looser for one solve, e.g. for an early nonlinear sweep (inexact Newton)."""
        if tolerance is None or tolerance == self.tolerance:
            return self._solve(A, b, x0)
        kept = self.tolerance
        self.tolerance = float(tolerance)
        try:
            return self._solve(A, b, x0)
        finally:
            self.tolerance = kept

    def _solve(self, A, b, x0):
        A = A.tocsr()
        b = np.asarray(b, dtype=float)
        x0 = np.zeros_like(b) if x0 is None else np.asarray(x0, dtype=float)
        if self.method == "lu":
            if self.residual(A, x0, b) <= self.tolerance:
                # the initial guess already meets the tolerance (a converged Newton iterate): no factorisation,
                # as FiPy's LinearLUSolver, which checks the residual before each solve
                return x0, 0
            from scipy.sparse.linalg import splu
            x, its = splu(A.tocsc()).solve(b), 1
            r = self.residual(A, x, b)
        elif self.method == "jacobi":
            x, its = self._jacobi(A, b, x0)
            r = self.residual(A, x, b)
            if not self._within(r):
                x, more = self._fallback.solve(A, b, x0)
                its += more
                r = self.residual(A, x, b)
        else:
            solve = self._hypre if self.method == "hypre" else self._pyamg
            first, self._series_start = self._series_start, False
            if first and self._rebuild_each_series:
                self._stale = True
            fresh = self._stale or (self._ml is None and self._ksp is None)
            x, its = solve(A, b, x0, rebuild=self._stale)
            if fresh:
                self._fresh_its = its
            r = self.residual(A, x, b)
            if not self._within(r):                    # stopped short: rebuild on this matrix and repeat
                x, more = solve(A, b, x0, rebuild=True)
                self._fresh_its = more
                its += more
                r = self.residual(A, x, b)
            # a hierarchy built for an older matrix: rebuild before the next solve once it costs too much
            self._stale = its > min(self.reuse_iterations, 2 * self._fresh_its + 2)
            if first and self._stale:
                self._rebuild_each_series = True
        if not self._within(r):
            raise LinearSolveError(f"{self.method} solve stopped short: |Ax-b|/|b| = {r:.3g} after {its} "
                                   f"iterations (tolerance {self.tolerance:.1g})")
        return x, its

    @staticmethod
    def residual(A, x, b) -> float:
        return float(np.linalg.norm(A @ x - b)) / (float(np.linalg.norm(b)) or 1.0)

    # -- backends -------------------------------------------------------------------------------------
    def _within(self, r: float) -> bool:
        return bool(np.isfinite(r) and r <= self.check_factor * self.tolerance)

    def _jacobi(self, A, b, x0):
        """Diagonally preconditioned CG: PETSc's (C loop) when petsc4py imports, else a plain numpy loop (no
        LinearOperator layers: the matrix-vector product is most of the cost). Stops at |r| <= tol/2 |b|;
        returns (x, iterations). The same iterations either way; PETSc's takes ~20 % less time (1.3 s vs
        1.6 s for 158 Allen-Cahn solves of the 33,600-cell benchmark)."""
        if self.use_petsc:
            if self._ksp is None:
                self._ksp = self._petsc_ksp("jacobi")
            return self._petsc_solve(self._ksp, A, b, x0, self.tolerance)
        dinv = 1.0 / A.diagonal()
        x = x0.copy()
        r = b - A @ x
        target = 0.5 * self.tolerance * (float(np.linalg.norm(b)) or 1.0)
        if float(np.linalg.norm(r)) <= target:
            return x, 0
        z = dinv * r
        p = z.copy()
        rz = float(r @ z)
        for k in range(1, self.max_iterations + 1):
            q = A @ p
            pq = float(p @ q)
            if not pq > 0.0:                       # not SPD (or breakdown): let the residual check decide
                return x, k
            a = rz / pq
            x += a * p
            r -= a * q
            if float(np.linalg.norm(r)) <= target:
                return x, k
            z = dinv * r
            rz_new = float(r @ z)
            p *= rz_new / rz
            p += z
            rz = rz_new
        return x, self.max_iterations

    def _pyamg(self, A, b, x0, rebuild):
        import pyamg

        if self._ml is None or rebuild:
            self._ml = pyamg.ruge_stuben_solver(A, max_coarse=100)
            self.builds += 1
        res: list[float] = []
        x, _ = pyamg.krylov.cg(A, b, x0=x0, tol=0.5 * self.tolerance, maxiter=self.max_iterations,
                               M=self._ml.aspreconditioner(cycle="V"), residuals=res)
        return x, len(res) - 1

    def _petsc_ksp(self, pc_type):
        """A PETSc CG solver with preconditioner ``pc_type`` and this solver's stopping rule."""
        from petsc4py import PETSc

        ksp = PETSc.KSP().create(comm=PETSc.COMM_WORLD if self.distributed else PETSc.COMM_SELF)
        ksp.setOptionsPrefix(_PETSC_PREFIX)
        ksp.setType("cg")
        ksp.getPC().setType(pc_type)
        if pc_type == "hypre":
            opts = PETSc.Options()
            for key, value in HYPRE_OPTIONS.items():
                opts[_PETSC_PREFIX + key] = value
            ksp.getPC().setFromOptions()
        ksp.setNormType(PETSc.KSP.NormType.UNPRECONDITIONED)
        ksp.setInitialGuessNonzero(True)
        ksp.setTolerances(max_it=self.max_iterations)       # rtol and atol: set by _petsc_solve, every solve
        return ksp

    def _petsc_solve(self, ksp, A, b, x0, tolerance):
        """Solve with ``ksp`` on A (wrapped without copying its CSR arrays); returns (x, iterations)."""
        from petsc4py import PETSc

        if self.distributed:
            return self._petsc_solve_distributed(ksp, A, b, x0, tolerance)
        csr = (A.indptr.astype(PETSc.IntType, copy=False), A.indices.astype(PETSc.IntType, copy=False),
               np.ascontiguousarray(A.data))
        mat = PETSc.Mat().createAIJWithArrays(A.shape, csr, comm=PETSc.COMM_SELF)
        bv, xv = mat.createVecLeft(), mat.createVecRight()
        its = self._ksp_solve(ksp, mat, bv, xv, b, x0, tolerance)
        x = xv.getArray().copy()
        for obj in (bv, xv, mat):
            obj.destroy()
        return x, its

    def _petsc_solve_distributed(self, ksp, A, b, x0, tolerance):
        """The same solve on COMM_WORLD. Every rank holds the whole (identical) system, as the phase field
        keeps its fields on every rank; each rank hands PETSc a contiguous block of rows (cells), PETSc
        solves in parallel, and the solution is gathered back to every rank, so all ranks continue with
        the same x, bit for bit."""
        from petsc4py import PETSc

        comm = PETSc.COMM_WORLD
        n = A.shape[0]
        if self._rows is None or sum(self._rows[2]) != n:
            size, rank = comm.getSize(), comm.getRank()
            counts = [n // size + (r < n % size) for r in range(size)]
            lo = sum(counts[:rank])
            self._rows = (lo, lo + counts[rank], counts)
        lo, hi, counts = self._rows
        start, stop = A.indptr[lo], A.indptr[hi]
        indptr = (A.indptr[lo:hi + 1] - start).astype(PETSc.IntType)
        indices = A.indices[start:stop].astype(PETSc.IntType)
        data = np.ascontiguousarray(A.data[start:stop])
        # The matrix (with its parallel layout and halo exchange) is kept while the sparsity pattern is the
        # same, and only its values are replaced: building an MPI matrix costs more than a solve here.
        key = (indptr.tobytes(), indices.tobytes())
        if self._dist is None or self._dist[0] != key:
            if self._dist is not None:
                ksp.reset()                 # a new layout: the KSP (and its hierarchy) must start afresh
            self._drop_dist()
            mat = PETSc.Mat().createAIJ(size=((hi - lo, n), (hi - lo, n)), csr=(indptr, indices, data), comm=comm)
            mat.setOption(PETSc.Mat.Option.NEW_NONZERO_ALLOCATION_ERR, True)
            self._dist = (key, mat, mat.createVecLeft(), mat.createVecRight())
        else:
            self._dist[1].setValuesCSR(indptr, indices, data)
            self._dist[1].assemble()
        _, mat, bv, xv = self._dist
        its = self._ksp_solve(ksp, mat, bv, xv, b[lo:hi], x0[lo:hi], tolerance)
        x = np.empty(n)
        comm.tompi4py().Allgatherv(np.ascontiguousarray(xv.getArray()), [x, counts])
        return x, its

    @staticmethod
    def _ksp_solve(ksp, mat, bv, xv, b, x0, tolerance) -> int:
        """One solve of ``mat`` x = b into ``xv`` from x0, to |r| <= tolerance/2 |b| (the stopping rule of every
        PETSc backend); returns the iterations."""
        ksp.setOperators(mat)
        ksp.setTolerances(rtol=0.5 * tolerance, atol=0.0)
        bv.setArray(b)
        xv.setArray(x0)
        ksp.solve(bv, xv)
        return ksp.getIterationNumber()

    def _drop_dist(self) -> None:
        if self._dist is not None:
            for obj in self._dist[1:]:
                obj.destroy()
        self._dist = None

    def _hypre(self, A, b, x0, rebuild):
        if self._ksp is None or rebuild:
            if self._ksp is not None:
                self._ksp.destroy()
            self._ksp = self._petsc_ksp("hypre")
            self._ksp.getPC().setReusePreconditioner(False)
            x, its = self._petsc_solve(self._ksp, A, b, x0, self.tolerance)    # builds the hierarchy on A
            self._ksp.getPC().setReusePreconditioner(True)      # later matrices keep it until rebuild
            self.builds += 1
            return x, its
        return self._petsc_solve(self._ksp, A, b, x0, self.tolerance)
