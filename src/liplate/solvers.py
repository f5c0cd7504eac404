"""Linear-solver choice and convergence checks (FiPy suites: PETSc when importable, else SciPy).

FiPy only warns (``DivergenceWarning``) when a Krylov solve stops short; liplate checks
``solver.convergence`` after every solve and treats a divergence as a failed step.

Choices (``numerics.solver``):
- ``lu``: direct LU. Exact to round-off; the right choice for the small serial problems of the
  sharp model. PETSc's own LU is serial only.
- ``pcg-amg``: conjugate gradients preconditioned by algebraic multigrid (hypre BoomerAMG
  through PETSc; on SciPy, pyamg's smoothed aggregation is used by the models that need it).
  Scales to large and parallel problems; used for symmetric positive-definite systems.
- ``auto``: ``lu`` on one rank, ``pcg-amg`` on several.
"""
from __future__ import annotations

from .parallel import comm_info

LINEAR_TOLERANCE = 1e-12  # relative residual for Krylov solves: well below the Newton tolerance


class LinearSolveFailed(RuntimeError):
    pass


def suite() -> str:
    import fipy
    return fipy.solvers.solver_suite


def make_solver(name: str = "auto", tolerance: float = LINEAR_TOLERANCE, iterations: int = 2000):
    import fipy.solvers as fs

    if name == "auto":
        name = "lu" if comm_info()[0] == 1 else "pcg-amg"
    if name == "lu":
        return fs.LinearLUSolver(tolerance=tolerance, iterations=10)
    if name == "pcg-amg":
        if suite() == "petsc":
            from fipy.solvers.petsc.preconditioners import HYPREPreconditioner
            return fs.LinearPCGSolver(tolerance=tolerance, iterations=iterations, precon=HYPREPreconditioner(),
                                      criterion="RHS")
        return fs.LinearPCGSolver(tolerance=tolerance, iterations=iterations, criterion="RHS")
    raise ValueError(f"unknown solver {name!r}; allowed: auto, lu, pcg-amg")


def check_converged(solver) -> None:
    """Raise :class:`LinearSolveFailed` if the last solve of ``solver`` diverged or stopped short."""
    from fipy.solvers.convergence import Divergence

    conv = getattr(solver, "convergence", None)
    if conv is not None and isinstance(conv, Divergence):
        raise LinearSolveFailed(f"linear solver {type(solver).__name__} stopped short: {conv.status_name} "
                                f"after {conv.iterations} iterations (residual {conv.residual:.3g})")
