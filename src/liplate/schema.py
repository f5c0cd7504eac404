"""The case-file schema: every key, its kind (unit), default, allowed range and meaning.

A default is written once, here, with a comment (the ``doc`` string). Unknown keys are errors
with "did you mean" suggestions. Model modules may add sections through :func:`register_section`.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .parameters import SUBSTRATES


@dataclass(frozen=True)
class Key:
    """One case-file key. ``kind`` is a units.KINDS name, or 'int', 'str', 'bool', 'choice'.

    Bounds are SI and inclusive unless ``max_open``; ``doc`` says why each bound is where it is."""

    kind: str
    default: Any
    doc: str
    min: float | None = None          # inclusive lower bound (SI)
    max: float | None = None          # inclusive upper bound (SI); exclusive with max_open
    positive: bool = False            # strictly > 0
    choices: tuple[str, ...] = ()
    required: bool = False            # required by every model that reads it (see MODEL_INPUTS)
    max_open: bool = False
    words: tuple[str, ...] = ()       # words a quantity key also takes instead of a value ("continuous")
    #: a time key that also takes a charge per area: the time the applied current density
    #: (protocol.current_density) takes to pass it, converted when the case is read ("0.0083 mAh/cm^2")
    per_charge: bool = False


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

#: melting point of lithium (K): above it the deposit is a liquid, and no model here describes that
LI_MELTING_POINT_K = 453.69

register_section(Section("case", "what is simulated", {
    "title": Key("str", "", "free text shown in outputs"),
    "substrate": Key("choice", None, "current collector: 'cu' (bare Cu foil, Li wets partially and forms "
                     "islands) or 'li2te_cu' (Li2Te-Cu coated, Li wets fully); the sharp model is a fully "
                     "wetted film and takes 'li2te_cu' only", choices=SUBSTRATES, required=True),
    "model": Key("choice", "sharp", "'sharp': flat Li film + potential in the SE; "
                 "'phasefield': phase-field deposition with wetting; 'kmc': lattice kinetic Monte Carlo",
                 choices=MODELS),
    "seed": Key("int", 0, "random seed (nuclei, kMC events); a run is reproducible for a given seed; "
                "0 to 2^32 - 1 (NumPy's seed range); the sharp model has no randomness and takes none",
                min=0, max=2**32 - 1),
}))

register_section(Section("protocol", "galvanostatic plating, as in the lab notebook", {
    "current_density": Key("current_density", None, "applied plating current density (geometric area); "
                           "> 0 (plating); at most 100 mA/cm^2, 10x the highest critical current densities "
                           "reported for Li|sulfide SE cells", positive=True, max=1e3, required=True),
    "capacity": Key("areal_capacity", None, "plated charge per area at which the run stops, or 'continuous': "
                    "plate until the counter electrode's Li is exhausted (cell.counter_li_thickness: 70 um = "
                    "14.4 mAh/cm^2) or the cell shorts. A capacity above the counter electrode's Li stops there "
                    "too, whichever comes first, with summary.json stop_reason 'counter electrode exhausted'; "
                    "> 0, at most 100 mAh/cm^2 (~490 um of Li, more than any Li foil counter electrode)",
                    positive=True, max=3.6e6, required=True, words=("continuous",)),
    "temperature": Key("temperature", "298 K", "cell temperature; from 200 K (below it no Li+ conduction "
                       "data) to below Li's melting point, 453.69 K (a molten deposit is not modelled)",
                       min=200.0, max=LI_MELTING_POINT_K, max_open=True),
    "stack_pressure": Key("pressure", "13 MPa", "uniaxial stack pressure; > 0 (creep rates divide by it: for "
                          "no creep set physics.creep = false), at most 500 MPa (sulfide pellets are cold-"
                          "pressed at ~300-500 MPa: a higher stack pressure would press the pellet anew)",
                          positive=True, max=5e8),
}))

register_section(Section("domain", "2D cross-section: x along the collector (periodic), y into the SE", {
    "width": Key("length", "200 um", "periodic width of the window along the collector; 10 um to 10 mm: "
                 "the SE is a continuum with its bulk conductivity, so the window must span several SE "
                 "grains (1-10 um), and it cannot exceed the 10 mm collector", min=1e-5, max=1e-2),
    "height": Key("length", "100 um", "height of the resolved SE window above the collector; the rest "
                  "of the pellet up to the counter electrode is a series resistance; 10 um (several SE "
                  "grains) to the SE thickness", min=1e-5, max=1e-2),
    "cells_x": Key("int", 20, "cells along x; at most 4000 (4000 x 4000 cells already take hours per "
                   "step on a workstation)", min=1, max=4000),
    "cells_y": Key("int", 20, "cells along y; at least 2 (a potential drop needs two rows), at most 4000",
                   min=2, max=4000),
    "grading": Key("dimensionless", 1.0, "ratio of successive cell heights in y (1 = uniform; >1 "
                   "refines near the collector); at most 1.5 (neighbouring cells differing by more lose "
                   "the second-order accuracy of the flux); sharp model only (the phase field grades its "
                   "mesh from [phasefield] fine_cell_height and fine_layer_height)", min=1.0, max=1.5),
    "electrolyte_thickness": Key("length", "auto", "SE pellet thickness; 'auto' computes it from "
                                 "cell.pellet_mass, lpscl.density and cell.die_diameter (0.71 mm); 10 um (a "
                                 "thin-film SE) to 5 mm (lab pellets are 0.3-1.5 mm thick; the rest of the pellet "
                                 "is an ohmic drop j L / sigma, so a 1 km pellet gave -15 625 V)",
                                 min=1e-5, max=5e-3),
}))

register_section(Section("numerics", "time stepping and solvers", {
    "dt_initial": Key("time", "1 s", "first time step; 1 us to 1e6 s (longer than any galvanostatic step "
                      "needs)", min=1e-6, max=1e6),
    "dt_max": Key("time", "600 s", "largest time step; up to 1e6 s (11.6 days). Or a charge per area, e.g. "
                  "'0.0083 mAh/cm^2': the step that passes it at protocol.current_density (60 s at 0.5 mA/cm^2), so "
                  "that a sweep over the current keeps the charge per step", positive=True, max=1e6, per_charge=True),
    "dt_max_late": Key("time", None, "largest time step once the passed capacity reaches numerics.late_capacity "
                       "(both or neither): a long run can take larger steps after an early stage whose step it "
                       "keeps (e.g. the 1 mAh/cm^2 cases' charge per step up to 1 mAh/cm^2); up to 1e6 s; or a charge "
                       "per area, as dt_max", positive=True, max=1e6, per_charge=True),
    "late_capacity": Key("areal_capacity", None, "passed capacity from which numerics.dt_max_late replaces "
                         "numerics.dt_max (both or neither); > 0, at most 100 mAh/cm^2", positive=True, max=3.6e6),
    "dt_max_subgrid": Key("time", None, "phase field with classical nucleation: largest time step while sub-grid "
                          "nuclei are in the window (a nucleus goes into the mesh only at the end of a step, so "
                          "while islands form from nuclei the step sets when each joins an island); none: dt_max; "
                          "up to 1e6 s; or a charge per area, as dt_max", positive=True, max=1e6, per_charge=True),
    "dt_min": Key("time", "1e-6 s", "smallest time step before the run stops as failed; 1e-12 s to 1 h",
                  min=1e-12, max=3600.0),
    "dt_growth": Key("dimensionless", 1.5, "factor by which dt grows after an accepted step; 1 (fixed) to "
                     "10 (larger jumps only get rejected)", min=1.0, max=10.0),
    "dt_target_sweeps": Key("int", 8, "dt grows only after a step that needed at most this many nonlinear "
                            "sweeps, and stays after a harder one (0: grow after every step)", min=0, max=1000),
    "tolerance": Key("dimensionless", 1e-8, "relative residual at which the sharp model's nonlinear "
                     "iterations stop; 1e-14 (double-precision round-off) to 0.1", min=1e-14, max=0.1),
    "max_sweeps": Key("int", 30, "nonlinear sweeps per step before the step is rejected (phase field; the "
                      "sharp model's interface solve is a converging Newton iteration)", min=1, max=1000),
    "solver": Key("choice", "auto", "linear solver: 'auto' (PETSc when present, SciPy otherwise), "
                  "'lu' (direct), 'pcg-amg' (CG + algebraic multigrid)", choices=("auto", "lu", "pcg-amg")),
}))

register_section(Section("output", "what is written and when", {
    "frames": Key("int", 10, "number of field snapshots (VTU) over the run, plus the initial one; at most "
                  "1000 (each is a file and a restart point; 1000 already means one per 0.1 % of the charge)",
                  min=1, max=1000),
    "checkpoint_every": Key("time", "0 s", "wall-clock interval between restart points "
                            "(0 s: at every field snapshot); at most a week", min=0.0, max=604800.0),
    "timeseries_every": Key("int", 1, "write a time-series row every N accepted steps", min=1, max=1000000),
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

# [parameters] is free-form: "<set>.<name>" = "value unit"; validated in case.py against the sets and
# their ranges (parameters/ranges.py).


def _register_model_sections() -> None:
    """Sections defined next to the models that read them (imported here so validation sees them)."""
    from .kmc.config import KMC_SECTION
    from .models.filament_config import SECTIONS as PENETRATION_SECTIONS
    from .models.phasefield_config import SECTIONS as PHASEFIELD_SECTIONS

    register_section(KMC_SECTION)
    for section in (*PHASEFIELD_SECTIONS, *PENETRATION_SECTIONS):
        register_section(section)


_register_model_sections()


# --- which keys each model reads -------------------------------------------------------------------------
# A key written in a case file that the chosen model never reads would be silently ignored: it is an error.
# Each model declares what it reads: case keys "section.key" (or "section.*") and parameter overrides
# "set.name" (or "set.*"; "{substrate}" stands for the case's collector set), and, for what it reads only in
# some configurations, the condition (``When``) under which the value has an effect. The declarations are
# checked against the models' code by tests/unit/test_case_validation.py, which records every key a model
# reads while it runs.


@dataclass(frozen=True)
class When:
    """A condition on other keys (as written, or their defaults) under which a key has an effect."""

    text: str                                   # "physics.sei = true", for messages
    test: Callable[[Callable[[str], Any]], bool]  # test(get), get("section.key") -> value


def _toml(v: Any) -> str:
    return ("true" if v else "false") if isinstance(v, bool) else repr(v)


def when(dotted: str, *values: Any) -> When:
    return When(f"{dotted} = {' or '.join(_toml(v) for v in values)}",
                lambda get: any(get(dotted) == v and type(get(dotted)) is type(v) for v in values))


def any_of(*conds: When) -> When:
    return When(" or ".join(f"({c.text})" if " and " in c.text else c.text for c in conds),
                lambda get: any(c.test(get) for c in conds))


def all_of(*conds: When) -> When:
    return When(" and ".join(f"({c.text})" if " or " in c.text else c.text for c in conds),
                lambda get: all(c.test(get) for c in conds))


@dataclass(frozen=True)
class ModelInputs:
    keys: tuple[str, ...]
    parameters: tuple[str, ...]
    conditions: dict[str, When] = field(default_factory=dict)   # "section.key" / "parameters set.name"
    substrates: tuple[str, ...] = SUBSTRATES
    substrate_reason: str = ""


_STEPPED = ("protocol.*", "numerics.dt_initial", "numerics.dt_max", "numerics.dt_max_late", "numerics.late_capacity",
            "numerics.dt_min", "numerics.dt_growth",
            "numerics.dt_target_sweeps", "numerics.solver", "output.*", "physics.sei", "physics.creep",
            "domain.width", "domain.height", "domain.cells_x", "domain.cells_y", "domain.electrolyte_thickness")
_FILM = ("lpscl.conductivity", "lpscl.exchange_current_density", "lpscl.transfer_coefficient",
         "lpscl.fracture_toughness", "li.molar_volume", "li.creep_exponent", "li.creep_activation_energy",
         "li.creep_rate_at_1MPa", "sei.*", "interface.roughness_fill_depth",
         "cell.counter_exchange_current_density", "cell.pellet_mass", "cell.die_diameter", "lpscl.density",
         "cell.counter_li_thickness")   # where the run stops: the counter electrode's Li (case.plating_limit)
_FILM_CONDITIONS = {
    # the stack pressure acts on Li only through creep (both electrodes are Li: V_m p / F cancels)
    "protocol.stack_pressure": when("physics.creep", True),
    "parameters sei.*": when("physics.sei", True),
    "parameters li.creep_*": when("physics.creep", True),
    "parameters interface.roughness_fill_depth": when("physics.creep", True),
    # case._derive: the pellet thickness from its mass, density and die
    "parameters cell.pellet_mass": when("domain.electrolyte_thickness", "auto"),
    "parameters cell.die_diameter": when("domain.electrolyte_thickness", "auto"),
    "parameters lpscl.density": when("domain.electrolyte_thickness", "auto"),
}
_KMC_ENTRIES = ("binding_4li_atoms", "binding_li4_cluster", "binding_5li_atoms", "binding_li5_cluster",
                "binding_bare", "binding_on_1ml", "binding_on_2ml")
_KMC_BOTH_COLLECTORS = all_of(when("kmc.mode", "sweep"), when("kmc.include_dft_ratios", True))


def _kmc_conditions() -> dict[str, When]:
    """kmc/rates.py: E_sub = <collector>.<kmc.substrate_entry>, E_ref = li.<kmc.reference_entry>; the bond
    energy 'auto' is li.binding_4li_atoms - li.binding_li4_cluster; a sweep with include_dft_ratios adds the
    ratios of both collectors."""
    out = {}
    for entry in _KMC_ENTRIES:
        ref = when("kmc.reference_entry", entry)
        if entry in ("binding_4li_atoms", "binding_li4_cluster"):
            ref = any_of(ref, when("kmc.bond_energy", "auto"))
        out[f"parameters li.{entry}"] = ref
        for sub in SUBSTRATES:
            out[f"parameters {sub}.{entry}"] = all_of(
                when("kmc.substrate_entry", entry), any_of(when("case.substrate", sub), _KMC_BOTH_COLLECTORS))
    return out


def _angle_from_dft() -> When:
    """The DFT binding energies set the contact angle only where neither the case nor a calibrated
    ``<substrate>.contact_angle`` parameter does (physics/wetting.substrate_contact_angle)."""
    from .parameters import load_set

    mapped = [s for s in SUBSTRATES if "contact_angle" not in load_set(s)]
    return all_of(when("substrate.contact_angle", "auto"), any_of(*(when("case.substrate", s) for s in mapped)))


_ANGLE_FROM_DFT = _angle_from_dft()

# models/phasefield/filament.py (docs/penetration.md): every [penetration] key but 'enabled' acts only when the
# filaments are on; the flaw gap only through the creep limit
_PENETRATION = when("penetration.enabled", True)
_FLAW_CREEP = all_of(_PENETRATION, when("penetration.creep_limit", True))
_PENETRATION_CONDITIONS = {
    **{f"penetration.{k}": _PENETRATION for k in SECTIONS["penetration"].keys if k != "enabled"},
    "penetration.flaw_width": _FLAW_CREEP,
    "parameters lpscl.youngs_modulus": _PENETRATION,          # the flaws' elastic opening
    "parameters lpscl.filament_radius": all_of(_PENETRATION, when("penetration.filament_radius", "auto")),
    # Li creeping out of a flaw's mouth (physics/filament.py) as well as the film's creep
    "parameters li.creep_*": any_of(when("physics.creep", True), _FLAW_CREEP),
    # the pellet face carrying the flaws, as well as the pellet thickness from its mass
    "parameters cell.die_diameter": any_of(when("domain.electrolyte_thickness", "auto"), _PENETRATION),
}

MODEL_INPUTS: dict[str, ModelInputs] = {
    # models/sharp.py, mesh.py (Geometry), stepping.py, physics/deposit.py via sharp.deposit_parameters
    "sharp": ModelInputs(
        keys=("case.title", "case.model", "case.substrate", *_STEPPED, "domain.grading", "numerics.tolerance",
              "physics.nernst_planck"),
        parameters=(*_FILM, "cell.collector_diameter", "lpscl.diffusivity", "lpscl.transference_number",
                    "lpscl.li_concentration"),
        conditions={**_FILM_CONDITIONS,
                    "parameters cell.collector_diameter": when("physics.creep", True),   # film levelling
                    "parameters lpscl.diffusivity": when("physics.nernst_planck", True),
                    "parameters lpscl.transference_number": when("physics.nernst_planck", True),
                    "parameters lpscl.li_concentration": when("physics.nernst_planck", True)},
        substrates=("li2te_cu",),
        substrate_reason="the sharp model is a flat film that covers the whole collector, i.e. a fully "
                         "wetted collector, which is Li on Li2Te-Cu (BRIEF §2); on bare Cu Li forms islands: "
                         "use model = 'phasefield'"),
    # models/phasefield.py (+ physics/wetting.py, physics/nucleation.py, kmc.nuclei_from_kmc), stepping.py
    "phasefield": ModelInputs(
        keys=("case.*", *_STEPPED, "numerics.max_sweeps", "numerics.dt_max_subgrid", "physics.collector_sei",
              "phasefield.*",
              "nucleation.*", "substrate.*", "penetration.*"),
        parameters=(*_FILM, "interface.surface_roughness", "li.surface_energy", "li.binding_bare",
                    "{substrate}.binding_on_2ml",
                    "{substrate}.bare_exchange_current_density", "{substrate}.nucleus_density",
                    "{substrate}.contact_angle", "lpscl.youngs_modulus", "lpscl.filament_radius"),
        conditions={**_FILM_CONDITIONS,
                    "parameters {substrate}.contact_angle": when("substrate.contact_angle", "auto"),
                    "physics.collector_sei": when("physics.sei", True),
                    "nucleation.kmc_seeds": when("nucleation.source", "kmc"),
                    "nucleation.nucleus_half_width": when("nucleation.source", "parameters"),
                    "phasefield.resolve_height": when("nucleation.source", "classical"),
                    "numerics.dt_max_subgrid": when("nucleation.source", "classical"),
                    "parameters li.binding_bare": _ANGLE_FROM_DFT,
                    "parameters {substrate}.binding_on_2ml": _ANGLE_FROM_DFT,
                    "parameters {substrate}.nucleus_density": when("nucleation.density", "auto"),
                    "parameters {substrate}.bare_exchange_current_density":
                        when("substrate.exchange_current_density", "auto"),
                    **_PENETRATION_CONDITIONS}),
    # kmc/runner.py (setup_from_case, run_single, run_sweep), kmc/rates.py
    "kmc": ModelInputs(
        keys=("case.*", "protocol.current_density", "protocol.temperature", "kmc.*"),
        parameters=("li.molar_volume", "li.binding_*", "cu.binding_*", "li2te_cu.binding_*"),
        conditions={"kmc.ratio_min": when("kmc.mode", "sweep"),
                    "kmc.ratio_max": when("kmc.mode", "sweep"),
                    "kmc.ratio_points": when("kmc.mode", "sweep"),
                    "kmc.include_dft_ratios": when("kmc.mode", "sweep"),
                    "kmc.snapshots": when("kmc.mode", "single"),
                    **_kmc_conditions()}),
}

#: parameters a case cannot override because a case key sets them
REPLACED_BY_KEY = {"cell.temperature": "protocol.temperature", "cell.stack_pressure": "protocol.stack_pressure"}
