"""Potential in the solid electrolyte with Butler-Volmer kinetics at the Li|SE interface (FiPy).

Equations (single-ion conductor, t+ = 1, so no concentration gradients; BRIEF §1, §5):

    div(sigma grad phi) = 0                                   in the SE window 0 < y < H
    -sigma d(phi)/dy = -j_app             (uniform current from the rest of the pellet) at y = H
    sigma d(phi)/dy = j(x) = BV(eta),  eta = phi_s - phi(x, 0) - R_s(x) j(x)         at y = 0

with phi_s = 0 (the working electrode is the reference: Li metal is an equipotential). The top
condition is the far field of a window that is tall compared with the lateral structure
(perturbations decay as exp(-2 pi y / width)); the potential level is set by the kinetics, so
the galvanostatic constraint holds by construction: integral of j over x = j_app * width.

The interface condition is linearised per Newton iteration and folded, together with the half
cell between the boundary cell centre and the interface and the series film resistance R_s,
into an implicit source in the bottom row of cells (a Robin condition FiPy does not have).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..solvers import LinearSolveFailed, check_converged
from .kinetics import butler_volmer, butler_volmer_slope


class SolveFailed(RuntimeError):
    """Newton iterations or the linear solve did not converge."""


@dataclass
class InterfaceSolution:
    phi: np.ndarray            # cell potentials (V)
    j: np.ndarray              # plating current density per bottom column (A/m^2)
    eta: np.ndarray            # charge-transfer overpotential per column (V, < 0 when plating)
    phi_interface: np.ndarray  # SE potential at the film surface per column (V)
    phi_top: np.ndarray        # SE potential at the window top per column (V)
    iterations: int
    residual: float


class InterfacePotentialSolver:
    """Solve the SE potential for given kinetics; one instance per mesh.

    The mesh must be a structured 2D grid with the Li|SE interface at y = 0 (FiPy Grid2D or
    PeriodicGrid2DLeftRight, x fastest). ``solver`` is a FiPy solver instance or None (FiPy default).
    """

    def __init__(self, mesh, nx: int, sigma: float, temperature: float, alpha: float, solver=None):
        import fipy as fp

        self.fp = fp
        self.mesh = mesh
        self.nx = nx
        self.sigma = sigma
        self.temperature = temperature
        self.alpha = alpha
        self.solver = solver
        # Works on one rank and domain-decomposed (PETSc): the bottom row and the top row are found in
        # the *global* numbering (x fastest: the first and the last nx cells); local cells of the bottom
        # row are found by height and mapped to their column by x.
        n_global = int(mesh.globalNumberOfCells)
        if n_global % nx:
            raise ValueError(f"{n_global} cells is not a multiple of nx = {nx}")
        face_y = np.asarray(mesh.faceCenters.value[1])
        y = np.asarray(mesh.cellCenters.value[1])
        x = np.asarray(mesh.cellCenters.value[0])
        self.height = _global_max(face_y)
        self.dy0 = 2 * _global_min(y)           # bottom cell height (centre at dy0 / 2)
        self.dy_top = 2 * (self.height - _global_max(y))
        self.width = nx * float(np.asarray(mesh.dx).ravel()[0])
        self.local_bottom = np.flatnonzero(np.isclose(y, self.dy0 / 2, rtol=1e-9, atol=0))
        self.local_column = np.floor(x[self.local_bottom] / self.width * nx).astype(int) % nx
        self.phi = fp.CellVariable(mesh=mesh, name="phi", value=0.0)
        self.c1 = fp.CellVariable(mesh=mesh, value=0.0)
        self.c0 = fp.CellVariable(mesh=mesh, value=0.0)
        # Uniform current enters through the top: grad phi . n = j_app / sigma (outward normal +y).
        # Constrained once with a Variable: re-constraining every solve grows FiPy's expression graph.
        self.top_grad = fp.Variable(value=0.0)
        self.phi.faceGrad.constrain(self.top_grad * mesh.faceNormals, mesh.facesTop)
        self._eq = fp.DiffusionTerm(coeff=sigma, var=self.phi) == fp.ImplicitSourceTerm(
            coeff=self.c1, var=self.phi) + self.c0

    def solve(self, j_app: float, j0: np.ndarray, series_resistance: np.ndarray | float = 0.0,
              eta_guess: np.ndarray | None = None, tol: float = 1e-10, max_iter: int = 50) -> InterfaceSolution:
        j0 = np.broadcast_to(np.asarray(j0, dtype=float), (self.nx,))
        rs = np.broadcast_to(np.asarray(series_resistance, dtype=float), (self.nx,))
        self.top_grad.setValue(j_app / self.sigma)
        g = 1.0 / (self.dy0 / 2 / self.sigma + rs)     # conductance centre -> metal surface (S/m^2)
        eta = np.full(self.nx, -1e-3) if eta_guess is None else np.array(eta_guess, dtype=float)
        c0 = np.zeros(self.mesh.numberOfCells)
        c1 = np.zeros(self.mesh.numberOfCells)
        cols = self.local_column
        j_prev = None
        for it in range(1, max_iter + 1):  # noqa: B007 (it is reported)
            # Linearise j = a + b * eta around eta_k; eta = -phi_m (metal-side potential of the SE).
            b = butler_volmer_slope(eta, j0, self.alpha, self.temperature)
            a = butler_volmer(eta, j0, self.alpha, self.temperature) - b * eta
            # j = g (phi_c - phi_m) and j = a - b phi_m  =>  j = g (a - b phi_c) / (g - b)
            c1[self.local_bottom] = (g * (-b) / (g - b) / self.dy0)[cols]
            c0[self.local_bottom] = (g * a / (g - b) / self.dy0)[cols]
            self.c1.setValue(c1)
            self.c0.setValue(c0)
            res = self._eq.sweep(var=self.phi, solver=self.solver)
            if self.solver is not None:
                try:
                    check_converged(self.solver)
                except LinearSolveFailed as exc:
                    raise SolveFailed(str(exc)) from exc
            phi = np.asarray(self.phi.globalValue)   # collective under MPI: every rank calls it
            if not np.all(np.isfinite(phi)):
                raise SolveFailed("potential solve returned non-finite values")
            phi_c = phi[: self.nx]
            j = g * (a - b * phi_c) / (g - b)
            phi_m = phi_c - j / g
            eta = -phi_m
            # Converged when the kinetics hold at the new overpotential and the current has settled.
            scale = max(abs(j_app), 1e-30)
            mismatch = np.max(np.abs(butler_volmer(eta, j0, self.alpha, self.temperature) - j)) / scale
            change = np.inf if j_prev is None else np.max(np.abs(j - j_prev)) / scale
            j_prev = j
            if max(mismatch, change) < tol:
                break
        else:
            raise SolveFailed(f"interface Newton did not converge in {max_iter} iterations "
                              f"(kinetics mismatch {mismatch:.3g}, change {change:.3g} relative to j_app)")
        # Top-face potential: centre value plus half a cell of the imposed gradient.
        phi_top = phi[-self.nx:] + j_app / self.sigma * self.dy_top / 2
        # eta is the charge-transfer overpotential at the metal; the SE potential at the film surface
        # (outside the series film) is phi_m + j * R_s.
        return InterfaceSolution(phi=phi.copy(), j=j, eta=eta, phi_interface=phi_m + j * rs, phi_top=phi_top,
                                 iterations=it, residual=float(res))


def _global_max(a: np.ndarray) -> float:
    from ..parallel import comm_info
    local = float(np.max(a))
    if comm_info()[0] == 1:
        return local
    from mpi4py import MPI
    return MPI.COMM_WORLD.allreduce(local, op=MPI.MAX)


def _global_min(a: np.ndarray) -> float:
    return -_global_max(-np.asarray(a))
