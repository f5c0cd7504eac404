"""Lithiophilic Li2Te-Cu collector (~1 um Li2Te + Cu from lithiated Cu2Te): fully wetted [Wang2022]."""
from . import Param
from .lpscl import PARAMETERS as _LPSCL

#: the one calibrated Li|LPSCl j0 (lpscl.exchange_current_density); this set's j0 takes its value
_LPSCL_J0 = _LPSCL["exchange_current_density"]

DESCRIPTION = "Li2Te-Cu coated Cu: Li wets fully, dense conformal film"

_T1 = "DFT binding energy [Wang2022]"
_T2 = "DFT binding energy [Wang2022]"
PARAMETERS = {
    "binding_4li_atoms": Param(0.535, "eV", "energy_eV", _T1 + ", Li2Te(110), 4 Li atoms"),
    "binding_li4_cluster": Param(0.630, "eV", "energy_eV", _T1 + ", Li2Te(110), Li4 cluster"),
    "binding_5li_atoms": Param(0.538, "eV", "energy_eV", _T1 + ", Li2Te(110), 5 Li atoms"),
    "binding_li5_cluster": Param(0.595, "eV", "energy_eV", _T1 + ", Li2Te(110), Li5 cluster"),
    "binding_bare": Param(0.537, "eV", "energy_eV", _T2 + ", single Li on bare Li2Te(110)"),
    "binding_on_1ml": Param(0.077, "eV", "energy_eV", _T2 + ", single Li on 1 Li monolayer on Li2Te(110)"),
    "binding_on_2ml": Param(-0.025, "eV", "energy_eV", _T2 + ", single Li on 2 Li monolayers on Li2Te(110)"),
    "layer_thickness": Param(1e-6, "m", "length", "~1 um Li2Te + Cu layer [Wang2022]"),
    "nucleus_density": Param(
        4.4385e9, "1/m^2", "number_density_area",
        "derived: cu.nucleus_density x exp((dE_Li2Te - dE_Cu)/k_B T) at 298 K with dE = E(Li on Li) - E(Li on "
        "2 ML) from the DFT energies [Wang2022]; nucleus density assumed proportional to the kMC rate ratio "
        "k_Li-sub/k_Li-Li"),
    "bare_exchange_current_density": Param(
        _LPSCL_J0.value, "A/m^2", "current_density",
        "assumed: equal to lpscl.exchange_current_density (see cu.bare_exchange_current_density)"),
}
