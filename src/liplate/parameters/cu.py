"""Bare planar copper foil collector: partially wetted by Li [Wang2022]."""
from . import Param
from .lpscl import PARAMETERS as _LPSCL

#: the one calibrated Li|LPSCl j0 (lpscl.exchange_current_density); this set's j0 takes its value
_LPSCL_J0 = _LPSCL["exchange_current_density"]

DESCRIPTION = "bare Cu foil: Li wets partially, islands 100-200 um across"

_T1 = "DFT binding energy [Wang2022]"
_T2 = "DFT binding energy [Wang2022]"
PARAMETERS = {
    "binding_4li_atoms": Param(-0.570, "eV", "energy_eV", _T1 + ", Cu(111), 4 Li atoms"),
    "binding_li4_cluster": Param(-0.560, "eV", "energy_eV", _T1 + ", Cu(111), Li4 cluster"),
    "binding_5li_atoms": Param(-0.531, "eV", "energy_eV", _T1 + ", Cu(111), 5 Li atoms"),
    "binding_li5_cluster": Param(-0.320, "eV", "energy_eV", _T1 + ", Cu(111), Li5 cluster"),
    "binding_bare": Param(-0.570, "eV", "energy_eV", _T2 + ", single Li on bare Cu(111)"),
    "binding_on_1ml": Param(0.088, "eV", "energy_eV", _T2 + ", single Li on 1 Li monolayer on Cu(111)"),
    "binding_on_2ml": Param(0.108, "eV", "energy_eV", _T2 + ", single Li on 2 Li monolayers on Cu(111)"),
    "nucleus_density": Param(
        2.5e7, "1/m^2", "number_density_area",
        "calibrated on the Li islands on Cu after 1 mAh/cm^2 at 0.5 mA/cm^2, 100-200 um across in top-down images "
        "[Wang2022]: one nucleus per (200 um)^2, 200 um mean spacing"),
    "contact_angle": Param(
        81.0, "degree", "angle",
        "calibrated on the width of the Li islands on Cu after 1 mAh/cm^2 at 0.5 mA/cm^2, 100-200 um across in "
        "top-down images [Wang2022]: the DFT energies [Wang2022] cannot fix it (dE_Cu = 0.008 +- 0.03 eV gives "
        "0-22 deg through the adhesion mapping of liplate.physics.wetting, complete to partial wetting); "
        "re-measured with sub-grid nuclei as rows of 3D caps (cases/cu_0p5mA_1mAh, seed 0, j0 5.66 mA/cm^2): "
        "70 / 81 / 100 deg give mean widths of 225 / 265 / 179 um at wetted fractions 0.75 / 0.88 / 0.89, not "
        "monotone in the angle (the last coalescences decide, docs/phasefield.md); 81 deg is kept"),
    "bare_exchange_current_density": Param(
        _LPSCL_J0.value, "A/m^2", "current_density",
        "assumed: Li+ reduction on the bare collector equals lpscl.exchange_current_density (the same "
        "Li+ + e- -> Li step; whether the product nucleates is decided by the nucleation gate)"),
}
