"""The test cell (half-cell Li | LPSCl | collector) of the experiment [Wang2022]."""
from . import Param
from .lpscl import PARAMETERS as _LPSCL

#: the one calibrated Li|LPSCl j0 (lpscl.exchange_current_density); this set's j0 takes its value
_LPSCL_J0 = _LPSCL["exchange_current_density"]

DESCRIPTION = "Li | Li6PS5Cl | collector half-cell geometry and counter electrode"

PARAMETERS = {
    "pellet_mass": Param(150e-6, "kg", "mass", "150 mg Li6PS5Cl pellet [Wang2022]"),
    "die_diameter": Param(12e-3, "m", "length", "12 mm die [Wang2022]"),
    "collector_diameter": Param(10e-3, "m", "length", "10 mm working electrode disc [Wang2022]"),
    "counter_li_thickness": Param(70e-6, "m", "length",
                                  "~70 um of usable Li in the ~100 um Li foil counter electrode [Wang2022]"),
    "counter_exchange_current_density": Param(
        _LPSCL_J0.value, "A/m^2", "current_density",
        "derived: equal to lpscl.exchange_current_density, the Li|LPSCl counter electrode being the same "
        "interface (set with it by python -m liplate.calibration kinetics; its own interphase is lumped into "
        "this effective j0)"),
    "stack_pressure": Param(13e6, "Pa", "pressure", "~13 MPa [Wang2022]"),
    "temperature": Param(298.0, "K", "temperature", "room temperature [Wang2022]"),
}
