"""The contract between a model and the stepper / writers.

A model holds the state on one mesh. The stepper calls :meth:`Model.advance` with a trial dt;
the model either accepts the step (returns a :class:`StepReport`) or raises :class:`StepFailed`
leaving its state exactly as before the call, so the stepper can retry with a smaller dt.
Everything a model reports is SI except keys whose names carry a practical unit
(``thickness_mean_um``, ``voltage_V`` ...), which are the output schema.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field

import numpy as np

from ..physics import fracture
from ..units import M_PER_UM


def flaw_opening_observables(j_peak: float, case) -> dict[str, float | None]:
    """Output keys of the flaw-opening criterion (physics/fracture.py, BRIEF §5) at the most loaded point
    of the plating interface, local current ``j_peak`` (A/m^2): the pressure the Li there can build
    (MPa) and the shallowest SE flaw that opens under it (um). None where nothing plates."""
    if not np.isfinite(j_peak) or j_peak <= 0:
        return {"plating_pressure_peak_MPa": None, "critical_flaw_depth_um": None}
    p, a = fracture.at_current(j_peak, case.p("lpscl.exchange_current_density"), case.p("lpscl.transfer_coefficient"),
                               case["protocol"]["temperature"], case.p("li.molar_volume"),
                               case.p("lpscl.fracture_toughness"))
    return {"plating_pressure_peak_MPa": p / 1e6, "critical_flaw_depth_um": a / M_PER_UM}


class StepFailed(RuntimeError):
    """A trial step that did not converge (or gave NaN / out-of-range fields). State is unchanged."""


@dataclass
class StepReport:
    sweeps: int = 1
    residual: float = 0.0
    linear_iterations: int = 0
    info: dict = field(default_factory=dict)


class Model(ABC):
    """One physical model on one mesh."""

    #: the FiPy mesh (global geometry is read by the writers)
    mesh = None
    #: said once (warning) when a case of this model runs on several MPI ranks, e.g. what it does not share
    parallel_note: str | None = None

    @abstractmethod
    def advance(self, dt: float, current_density: float) -> StepReport:
        """Advance by ``dt`` seconds at applied current density ``current_density`` (A/m^2, plating > 0)."""

    @abstractmethod
    def get_state(self) -> dict[str, np.ndarray]:
        """Copies of every array needed to restart (checkpoint) or roll back."""

    @abstractmethod
    def set_state(self, state: dict[str, np.ndarray]) -> None:
        """Restore what :meth:`get_state` returned."""

    @abstractmethod
    def observables(self) -> dict[str, float | None]:
        """Scalar metrics of the current state, keyed by output names (see io/summary.py)."""

    @abstractmethod
    def cell_fields(self) -> dict[str, np.ndarray]:
        """Cell-centred fields for VTU output: name -> (ncells,) or (ncells, 2) global arrays, SI."""

    def interface_profile(self) -> dict[str, np.ndarray] | None:
        """Per collector column (x ascending): ``x_um``, ``current_density_A_m2`` (local Li|SE interfacial
        current density), ``thickness_um``, ... written as ``interface.csv`` at every frame. None: not provided."""
        return None

    def grid_edges(self) -> tuple[np.ndarray, np.ndarray]:
        """Cell edges (m) along x and y of the structured grid, for the VTU writer."""
        geom = self.geom
        return np.linspace(0.0, geom.width, geom.nx + 1), np.concatenate([[0.0], np.cumsum(geom.dy())])

    def plated_charge(self) -> float:
        """Charge per area (C/m^2) held in deposited Li (plus Li consumed by SEI), for balances."""
        return float("nan")

    def step_limit(self) -> float | None:
        """The model's own cap (s) on its next step in its present state, below the case's dt_max (the stepper
        takes the smaller); None: no cap of its own. E.g. the phase field's ``numerics.dt_max_subgrid`` while Li
        is held below the mesh."""
        return None
