"""liplate.spd: every backend gives the same answer to its tolerance, and a short solve is an error."""
import numpy as np
import pytest
import scipy.sparse as sp

from liplate.spd import LinearSolveError, SPDSolver, amg_backend, petsc_available


def poisson_with_contrast(n=40, contrast=1e-6, seed=0):
    """5-point -div(c grad) on an n x n grid with a blocked (low-c) region, plus a small mass term (SPD)."""
    rng = np.random.default_rng(seed)
    c = np.ones((n, n))
    c[n // 3: n // 2, n // 4: 3 * n // 4] = contrast
    idx = np.arange(n * n).reshape(n, n)
    rows, cols, vals = [], [], []
    diag = np.full(n * n, 1e-3)
    for (a, b) in ((idx[:, :-1], idx[:, 1:]), (idx[:-1, :], idx[1:, :])):
        ca, cb = c.ravel()[a.ravel()], c.ravel()[b.ravel()]
        t = 2 * ca * cb / (ca + cb)
        rows += [a.ravel(), b.ravel()]
        cols += [b.ravel(), a.ravel()]
        vals += [-t, -t]
        np.add.at(diag, a.ravel(), t)
        np.add.at(diag, b.ravel(), t)
    A = sp.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(n * n, n * n))
    A = A + sp.diags(diag)
    return A.tocsr(), rng.standard_normal(n * n)


METHODS = ["lu", "pyamg", "jacobi", "jacobi-numpy"] + (["hypre"] if petsc_available() else [])


@pytest.mark.parametrize("method", METHODS)
def test_backends_agree_with_lu(method):
    A, b = poisson_with_contrast()
    ref = sp.linalg.spsolve(A.tocsc(), b)
    solver = SPDSolver(method.removesuffix("-numpy"), tolerance=1e-10)
    if method.endswith("-numpy"):
        solver.use_petsc = False          # the SciPy-only path (the numpy CG loop)
    x, its = solver.solve(A, b)
    assert its >= 1
    assert SPDSolver.residual(A, x, b) <= 1e-9
    assert np.max(np.abs(x - ref)) <= 1e-6 * np.max(np.abs(ref))


@pytest.mark.parametrize("method", [m for m in METHODS if m in ("pyamg", "hypre")])
def test_hierarchy_is_reused_and_rebuilt_when_the_matrix_drifts(method):
    A, b = poisson_with_contrast()
    solver = SPDSolver(method, tolerance=1e-10)
    solver.solve(A, b)
    solver.solve(A * 1.001, b)                      # nearly the same matrix: the hierarchy is kept
    assert solver.builds == 1
    B, _ = poisson_with_contrast(contrast=1.0)      # a different problem: solved correctly all the same
    x, _ = solver.solve(B, b)
    assert SPDSolver.residual(B, x, b) <= 1e-9


@pytest.mark.parametrize("method", [m for m in METHODS if m in ("pyamg", "hypre")])
def test_once_a_series_starts_stale_each_series_rebuilds_before_its_first_solve(method):
    """Series of solves (a model's time steps): within a series the matrix barely moves, between series it moves
    far (here the blocked region's contrast changes). The first series' first solve after the change runs on the
    stale hierarchy and flags it; from then on each series rebuilds before its first solve, so every later solve
    runs on a fresh hierarchy, with the iterations of one; the answers stay those of LU."""
    solver = SPDSolver(method, tolerance=1e-10)
    its_first = []
    for k, contrast in enumerate((1e-6, 1e-2, 1e-4, 1e-1)):
        A, b = poisson_with_contrast(contrast=contrast)
        solver.new_series()
        builds = solver.builds
        x, its = solver.solve(A, b)
        its_first.append(its)
        assert SPDSolver.residual(A, x, b) <= 1e-9
        assert solver.builds == builds + (k != 1)                   # the second series' first solve: stale
        solver.solve(A * 1.0001, b)                                  # within a series: kept (rebuilt once at k = 1)
        assert solver.builds == builds + 1
    assert max(its_first[2:]) <= its_first[0] + 2 < its_first[1]


def test_a_solve_that_stops_short_raises():
    A, b = poisson_with_contrast(contrast=1e-8)
    solver = SPDSolver("pyamg", tolerance=1e-14, max_iterations=1)     # rebuilt and retried, still short
    with pytest.raises(LinearSolveError, match="stopped short"):
        solver.solve(A, b)


def test_backend_names():
    assert amg_backend("lu") == "lu"
    assert amg_backend("auto") == ("hypre" if petsc_available() else "pyamg")
    with pytest.raises(ValueError, match="allowed"):
        amg_backend("gmres")


@pytest.mark.parametrize("method", [m for m in METHODS if m not in ("lu", "jacobi-numpy")])
def test_a_looser_tolerance_for_one_solve(method):
    """solve(..., tolerance=) is checked against that tolerance, takes fewer iterations, and leaves the
    solver's own tolerance in place for the next solve."""
    A, b = poisson_with_contrast()
    strict = SPDSolver(method, tolerance=1e-10)
    _, its_strict = strict.solve(A, b)
    solver = SPDSolver(method, tolerance=1e-10)
    x, its = solver.solve(A, b, tolerance=1e-4)
    assert SPDSolver.residual(A, x, b) <= 1e-3
    assert its < its_strict
    assert solver.tolerance == 1e-10
    x, _ = solver.solve(A, b, x0=x)
    assert SPDSolver.residual(A, x, b) <= 1e-9


@pytest.mark.parametrize("method", ["lu", "pyamg"])
def test_solvers_that_cannot_share_a_system_between_ranks_say_so(method):
    with pytest.raises(ValueError, match="cannot solve across MPI ranks"):
        SPDSolver(method, distributed=True)


@pytest.mark.skipif(not petsc_available(), reason="petsc4py not importable (make system-deps)")
@pytest.mark.parametrize("method", ["hypre", "jacobi"])
def test_distributed_path_on_one_rank_equals_lu_and_follows_new_values(method):
    """The COMM_WORLD path (tests/integration/test_parallel_case.py runs it on 2 ranks) on this one rank: the
    kept matrix takes new values of the same pattern, and a new pattern rebuilds it."""
    A, b = poisson_with_contrast()
    A2, b2 = poisson_with_contrast(n=30)
    P = A + sp.diags(np.full(A.shape[0] - 1, -1e-4), 1) + sp.diags(np.full(A.shape[0] - 1, -1e-4), -1)
    solver = SPDSolver(method, tolerance=1e-10, distributed=True)
    for M, rhs in ((A, b), (A * 1.5, b), (P.tocsr(), b), (A2, b2), (A, b)):
        x, _ = solver.solve(M, rhs)
        ref = sp.linalg.spsolve(M.tocsc(), rhs)
        assert np.max(np.abs(x - ref)) <= 1e-6 * np.max(np.abs(ref))


def test_lu_keeps_an_initial_guess_that_meets_the_tolerance():
    """As FiPy's LinearLUSolver: a converged Newton iterate is returned without a factorisation (0 iterations);
    one that misses the tolerance is solved, and the answer meets it."""
    A, b = poisson_with_contrast()
    exact = sp.linalg.spsolve(A.tocsc(), b)
    solver = SPDSolver("lu", tolerance=1e-8)
    x, its = solver.solve(A, b, x0=exact)
    assert its == 0 and x is not None and SPDSolver.residual(A, x, b) <= 1e-8
    guess = exact * (1.0 + 1e-3)                                 # relative residual ~1e-3: solved again
    x, its = solver.solve(A, b, x0=guess)
    assert its == 1 and SPDSolver.residual(A, x, b) <= 1e-10
