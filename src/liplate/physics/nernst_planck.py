"""Optional Nernst-Planck salt transport for electrolytes with t+ < 1 (off by default).

In LPSCl t+ = 1 and the Li+ concentration is uniform (BRIEF §1, §5), so liplate does not solve this
by default. For a binary, electroneutral electrolyte (a polymer/liquid interlayer, a t+ < 1 SE) the
salt concentration c obeys (Newman & Thomas-Alyea, Electrochemical Systems, 3rd ed., §11.3)

    dc/dt = div(D grad c)                                          D: ambipolar diffusivity

with, at a Li electrode consuming cations at current density j (plating > 0), the salt flux
    -D dc/dn = (1 - t+) j / F          (n out of the electrolyte, into the electrode)
and the bulk value c_ref held where the window meets the rest of the cell (y = H). The concentration
gradient adds the concentration overpotential of a binary 1:1 electrolyte (ideal solution)
    eta_c = 2 (1 - t+) (RT/F) ln(c(0) / c(H))                       (< 0 when plating depletes)

Closed forms used by the tests: Sand's transient c(0,t) = c_ref - 2 (1-t+) j/F sqrt(t/(pi D)) for a
semi-infinite region, and the steady linear profile c(y) = c_ref - (1-t+) j (H - y) / (F D).
"""
from __future__ import annotations

import numpy as np

from ..solvers import check_converged
from .constants import FARADAY, GAS_CONSTANT


def interface_salt_flux(j, transference_number: float):
    """Salt flux into the electrode, (1 - t+) j / F (mol/m^2/s)."""
    return (1.0 - transference_number) * np.asarray(j, dtype=float) / FARADAY


def sand_interface_concentration(t, c_ref, j, diffusivity, transference_number):
    """Semi-infinite galvanostatic transient at the electrode (Sand): c(0, t) (mol/m^3)."""
    return c_ref - 2.0 * interface_salt_flux(j, transference_number) * np.sqrt(np.asarray(t) / (np.pi * diffusivity))


def steady_profile(y, height, c_ref, j, diffusivity, transference_number):
    """Steady state between the electrode (y = 0) and the bulk held at y = height (mol/m^3)."""
    return c_ref - interface_salt_flux(j, transference_number) * (height - np.asarray(y)) / diffusivity


def concentration_overpotential(c_interface, c_bulk, transference_number, temperature):
    """eta_c = 2 (1 - t+) (RT/F) ln(c_interface / c_bulk) (V)."""
    return 2.0 * (1.0 - transference_number) * GAS_CONSTANT * temperature / FARADAY * np.log(
        np.asarray(c_interface) / c_bulk)


class ConcentrationSolver:
    """Implicit FiPy solve of the salt concentration on a structured 2D mesh (x fastest, interface at y = 0).

    The interface flux per bottom column enters as a source in the bottom row of cells (as the
    potential's Robin condition does in :mod:`liplate.physics.potential`); the top is held at c_ref.
    """

    def __init__(self, mesh, nx: int, diffusivity: float, transference_number: float, c_ref: float,
                 solver=None):
        import fipy as fp

        from ..solvers import make_solver

        self.solver = solver or make_solver("auto")
        self.nx = nx
        self.t_plus = transference_number
        self.c_ref = c_ref
        self.c = fp.CellVariable(mesh=mesh, name="c", value=c_ref, hasOld=True)
        self.c.constrain(c_ref, mesh.facesTop)
        y = np.asarray(mesh.cellCenters.value[1])
        self.dy0 = 2.0 * float(y.min())
        self._bottom = np.isclose(y, self.dy0 / 2, rtol=1e-9, atol=0)
        x = np.asarray(mesh.cellCenters.value[0])
        width = nx * float(np.asarray(mesh.dx).ravel()[0])
        self._column = np.floor(x / width * nx).astype(int) % nx
        self.sink = fp.CellVariable(mesh=mesh, value=0.0)
        self.eq = fp.TransientTerm(var=self.c) == fp.DiffusionTerm(coeff=diffusivity, var=self.c) - self.sink

    def advance(self, dt: float, j_columns) -> np.ndarray:
        """One implicit step with the interface current per column (A/m^2); returns c per bottom column."""
        flux = interface_salt_flux(np.broadcast_to(j_columns, (self.nx,)), self.t_plus)
        sink = np.zeros(len(self._bottom))
        sink[self._bottom] = flux[self._column[self._bottom]] / self.dy0
        self.sink.setValue(sink)
        self.c.updateOld()
        self.eq.solve(var=self.c, dt=dt, solver=self.solver)
        check_converged(self.solver)
        return self.interface_values()

    def interface_values(self) -> np.ndarray:
        """Concentration per bottom column, extrapolated from the cell centre to the interface."""
        c = np.asarray(self.c.globalValue)
        return c[: self.nx]
