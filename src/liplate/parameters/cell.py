"""The test cell (half-cell Li | LPSCl | collector) of the experiment (BRIEF §1)."""
from . import Param

DESCRIPTION = "Li | Li6PS5Cl | collector half-cell geometry and counter electrode"

PARAMETERS = {
    "pellet_mass": Param(150e-6, "kg", "mass", "150 mg LPSCl, BRIEF §1"),
    "die_diameter": Param(12e-3, "m", "length", "12 mm die, BRIEF §1"),
    "collector_diameter": Param(10e-3, "m", "length", "10 mm working electrode disc, BRIEF §1"),
    "counter_li_thickness": Param(70e-6, "m", "length", "~70 um of usable Li foil, BRIEF §1"),
    "counter_exchange_current_density": Param(
        38.1, "A/m^2", "current_density",
        "Li|LPSCl counter electrode: the same interface as lpscl.exchange_current_density, set with it "
        "(python -m liplate.calibration kinetics; its own interphase is lumped into this effective j0)"),
    "stack_pressure": Param(13e6, "Pa", "pressure", "~13 MPa, BRIEF §1"),
    "temperature": Param(298.0, "K", "temperature", "room temperature, BRIEF §1"),
}
