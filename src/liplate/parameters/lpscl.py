"""Argyrodite solid electrolyte Li6PS5Cl (LPSCl), cold-pressed pellet, 298 K."""
from . import Param

DESCRIPTION = "Li6PS5Cl argyrodite solid electrolyte (single-ion conductor, t+ = 1)"

PARAMETERS = {
    "conductivity": Param(0.32, "S/m", "conductivity",
                          "measured on this material: 3.2 mS/cm at RT (BRIEF §1)"),
    "activation_energy": Param(0.36, "eV", "energy_eV",
                               "0.35-0.37 eV measured on this material (BRIEF §1); midpoint"),
    "transference_number": Param(1.0, "1", "dimensionless", "single-ion conductor, t+ ~ 1 (BRIEF §1)"),
    "li_concentration": Param(4.2e4, "mol/m^3", "concentration",
                              "from density 1.86 g/cm^3 (BRIEF §6)"),
    "density": Param(1860.0, "kg/m^3", "density", "BRIEF §6 (LPSCl Li+ concentration row)"),
    "youngs_modulus": Param(22e9, "Pa", "pressure", "nanoindentation literature (BRIEF §6)"),
    "fracture_toughness": Param(0.23e6, "Pa*m^0.5", "fracture_toughness",
                                "sulfide SE nanoindentation literature (BRIEF §6)"),
    "diffusivity": Param(1e-12, "m^2/s", "diffusivity",
                         "only used by the optional Nernst-Planck equation (t+ < 1 electrolytes); "
                         "order of magnitude for Li+ in sulfide SEs"),
}

# The Li|LPSCl interface belongs to the electrolyte set: both collectors end up plating Li on Li, and the Li
# counter electrode is the same interface (cell.counter_exchange_current_density and the bare-collector j0 of
# cu/li2te_cu are set with this one). Calibrated on the one voltage of this paper's cell, the first-plating
# peak of Li2Te-Cu at 0.5 mA/cm^2 (BRIEF §2), with the pellet's ohmic drop and the counter electrode in the
# cell voltage: `python -m liplate.calibration kinetics` (rerun it after physics changes that move that peak).
# R_P ~ 0.8 ohm cm^2 of another study's cell (BRIEF §6) is a plausibility check only: it bounds *that*
# interface's j0 from below (>= 32 mA/cm^2); this cell is more resistive (docs/phasefield.md, "Interfacial
# kinetics of this paper's cell").
PARAMETERS["exchange_current_density"] = Param(
    38.1, "A/m^2", "current_density",
    "Li|LPSCl charge transfer, 3.81 mA/cm^2: calibrated on the first-plating voltage of Li2Te-Cu at 0.5 mA/cm^2, "
    "18 mV (BRIEF §2); python -m liplate.calibration kinetics")
PARAMETERS["transfer_coefficient"] = Param(0.5, "1", "dimensionless", "symmetric Butler-Volmer, assumed")
