"""Case-file section of the penetration / filament model: [penetration] (models/phasefield/filament.py).

Every default is written once, here, with its reason; 'auto' takes the sourced value of
liplate.physics.flaws.PARAMETERS (``liplate params``-style sources there). Registered in schema.py by the
maintainer (one line in ``_register_model_sections``); tests call :func:`register` (idempotent).
"""
from __future__ import annotations

from ..schema import Key, Section

PENETRATION_SECTION = Section("penetration", "SE surface flaws, their opening by plated Li and Li filaments "
                              "across the pellet (physics/flaws.py, physics/filament.py; docs/penetration.md)", {
    "enabled": Key("bool", False, "grow Li filaments from the SE's surface flaws (phase-field model); off until "
                   "validated against the short-circuit data (docs/penetration.md)"),
    "flaw_depth_scale": Key("length", "auto", "Weibull scale of the flaw depths ('auto': 1.1 um, the roughness of "
                            "small-grain Li6PS5Cl; 6.5 um for large grains)", positive=True),
    "largest_flaw_depth": Key("length", "auto", "median largest flaw of the pellet face, sets the Weibull shape "
                              "('auto': the 14 um pre-existing flaw)", positive=True),
    "flaw_density": Key("number_density_area", "auto", "flaws per SE surface area ('auto': 1e4 1/mm^2, one per "
                        "~10 um grain); the 2D window cuts sqrt(density) flaws per metre", positive=True),
    "weakest_flaw": Key("bool", False, "also place in the window the largest flaw of the whole pellet face (drawn "
                        "from the distribution of the maximum): the weakest spot of the cell, which a ~0.6 mm "
                        "window almost never holds by chance"),
    "creep_limit": Key("bool", True, "limit the Li pressure in a flaw by Li creeping out of its mouth "
                       "(false: p = F |eta| / V_m)"),
    "stress_kinetics": Key("bool", True, "Li plated into a filament pays its pressure: it takes only the share "
                           "of its collected current that Butler-Volmer gives at the overpotential left after "
                           "p V_m / F, p = K_IC / sqrt(pi l) the pressure that runs the Li-filled crack "
                           "(Monroe & Newman 2005; docs/penetration.md eq. 8b); false: the whole collected current "
                           "plates in it (before December 2026)"),
    "flaw_width": Key("length", "auto", "gap of the flaws for the creep limit ('auto': sharp flaws, the gap is "
                      "the crack's own elastic opening under the Li pressure)", positive=True),
    "filament_radius": Key("length", "auto", "radius of the Li-filled crack seen as a needle ('auto': the "
                           "parameter lpscl.filament_radius, 2 um: Li-filled cracks are 3-5 um wide, "
                           "operando SEM, Duan et al.; docs/penetration.md)",
                           positive=True),
})

SECTIONS = (PENETRATION_SECTION,)


def register() -> None:
    from ..schema import register_section
    for s in SECTIONS:
        register_section(s)
