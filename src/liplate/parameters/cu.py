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
        "re-measured on the shipped numerics (cases/cu_contact_angle_sweep, seed 0, interface length 0.5 um, "
        "j0 6.54 mA/cm^2, 2026-12-04): 0-58 deg give a film by 1 mAh/cm^2, 70 / 81 / 100 / 122 deg islands at "
        "wetted fractions 0.97 / 0.88 / 0.81 / 0.63; at 81 deg seeds 0-10 give a mean island width of 158 um "
        "(050bb29, 2026-12-05; 153 um on 048d761; docs/phasefield.md, 'The hand-off step'); 81 deg is kept"),
    "bare_exchange_current_density": Param(
        _LPSCL_J0.value, "A/m^2", "current_density",
        "assumed: Li+ reduction on the bare collector equals lpscl.exchange_current_density (the same "
        "Li+ + e- -> Li step; whether the product nucleates is decided by the nucleation gate)"),
}
