"""The case-file schema: every key, its kind (unit), default, allowed range and meaning.

A default is written once, here, with a comment (the ``doc`` string). Unknown keys are errors
with "did you mean" suggestions. Model modules may add sections through :func:`register_section`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .parameters import SUBSTRATES


@dataclass(frozen=True)
class Key:
    """One case-file key. ``kind`` is a units.KINDS name, or 'int', 'str', 'bool', 'choice'."""

    kind: str
    default: Any
    doc: str
    min: float | None = None          # inclusive lower bound (SI)
    max: float | None = None          # inclusive upper bound (SI)
    positive: bool = False            # strictly > 0
    choices: tuple[str, ...] = ()
    required: bool = False


@dataclass
class Section:
    name: str
    doc: str
    keys: dict[str, Key] = field(default_factory=dict)


SECTIONS: dict[str, Section] = {}


def register_section(section: Section) -> None:
    if section.name in SECTIONS:
        SECTIONS[section.name].keys.update(section.keys)
    else:
        SECTIONS[section.name] = section


MODELS = ("sharp", "phasefield", "kmc")

register_section(Section("case", "what is simulated", {
    "title": Key("str", "", "free text shown in outputs"),
    "substrate": Key("choice", None, "current collector", choices=SUBSTRATES, required=True),
    "model": Key("choice", "sharp", "'sharp': flat Li film + potential in the SE; "
                 "'phasefield': phase-field deposition with wetting; 'kmc': lattice kinetic Monte Carlo",
                 choices=MODELS),
    "seed": Key("int", 0, "random seed (nuclei, SE heterogeneity); a run is reproducible for a given seed",
                min=0),
}))

register_section(Section("protocol", "galvanostatic plating, as in the lab notebook", {
    "current_density": Key("current_density", None, "applied plating current density (geometric area)",
                           positive=True, max=1e3, required=True),
    "capacity": Key("areal_capacity", None, "plated charge per area at which the run stops",
                    positive=True, max=3.6e6, required=True),
    "temperature": Key("temperature", "298 K", "cell temperature", min=200.0, max=500.0),
    "stack_pressure": Key("pressure", "13 MPa", "uniaxial stack pressure", min=0.0, max=1e9),
}))

register_section(Section("domain", "2D cross-section: x along the collector (periodic), y into the SE", {
    "width": Key("length", "200 um", "periodic width of the window along the collector",
                 positive=True, max=0.1),
    "height": Key("length", "100 um", "height of the resolved SE window above the collector; the rest "
                  "of the pellet up to the counter electrode is a series resistance", positive=True, max=0.01),
    "cells_x": Key("int", 20, "cells along x", min=1, max=100000),
    "cells_y": Key("int", 20, "cells along y", min=2, max=100000),
    "grading": Key("dimensionless", 1.0, "ratio of successive cell heights in y (1 = uniform; >1 "
                   "refines near the collector)", min=1.0, max=1.5),
    "electrolyte_thickness": Key("length", "auto", "SE pellet thickness; 'auto' computes it from "
                                 "cell.pellet_mass, lpscl.density and cell.die_diameter", positive=True),
}))

register_section(Section("numerics", "time stepping and solvers", {
    "dt_initial": Key("time", "1 s", "first time step", positive=True),
    "dt_max": Key("time", "600 s", "largest time step", positive=True),
    "dt_min": Key("time", "1e-6 s", "smallest time step before the run stops as failed", positive=True),
    "dt_growth": Key("dimensionless", 1.5, "factor by which dt grows after an accepted step",
                     min=1.0, max=10.0),
    "dt_target_sweeps": Key("int", 8, "dt grows only after a step that needed at most this many nonlinear "
                            "sweeps, and stays after a harder one (0: grow after every step)", min=0, max=1000),
    "tolerance": Key("dimensionless", 1e-8, "relative residual at which nonlinear sweeps stop",
                     positive=True, max=0.1),
    "max_sweeps": Key("int", 30, "nonlinear sweeps per step before the step is rejected", min=1, max=1000),
    "solver": Key("choice", "auto", "linear solver: 'auto' (PETSc when present, SciPy otherwise), "
                  "'lu' (direct), 'pcg-amg' (CG + algebraic multigrid)", choices=("auto", "lu", "pcg-amg")),
}))

register_section(Section("output", "what is written and when", {
    "frames": Key("int", 10, "number of field snapshots (VTU) over the run, plus the initial one",
                  min=1, max=100000),
    "checkpoint_every": Key("time", "0 s", "wall-clock interval between restart points "
                            "(0 s: at every field snapshot)", min=0.0),
    "timeseries_every": Key("int", 1, "write a time-series row every N accepted steps", min=1),
}))

register_section(Section("physics", "which processes are on (ablations switch them off)", {
    "sei": Key("bool", True, "SEI growth on the Li|SE interface: resistance and Li consumption"),
    "collector_sei": Key("bool", True, "SE reduction where the bare collector touches the SE (Cu between Li "
                         "islands): an interphase grows there by the SEI law at the local overpotential "
                         "(phase-field model; needs sei = true)"),
    "creep": Key("bool", True, "power-law creep of Li under the stack pressure (roughness filling, levelling)"),
    "nernst_planck": Key("bool", False, "salt transport for t+ < 1 electrolytes/interlayers (sharp model; "
                         "lpscl.transference_number, lpscl.diffusivity); LPSCl has t+ = 1, so it is off"),
}))

# [parameters] is free-form: "<set>.<name>" = "value unit"; validated in case.py against the sets.


def _register_model_sections() -> None:
    """Sections defined next to the models that read them (imported here so validation sees them)."""
    from .kmc.config import KMC_SECTION
    from .models.phasefield_config import SECTIONS as PHASEFIELD_SECTIONS

    register_section(KMC_SECTION)
    for section in PHASEFIELD_SECTIONS:
        register_section(section)


_register_model_sections()
