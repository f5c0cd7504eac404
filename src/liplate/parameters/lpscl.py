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

# The Li|LPSCl interface belongs to the electrolyte set: both collectors end up plating Li on Li.
PARAMETERS["exchange_current_density"] = Param(
    20.0, "A/m^2", "current_density",
    "Li|LPSCl charge transfer, 2 mA/cm^2: inside the 1-5 mA/cm^2 range to calibrate (BRIEF §6) and below the "
    "j0 <= RT/(F R_P) ~ 32 mA/cm^2 bound from R_P ~ 0.8 ohm cm^2; not yet calibrated")
PARAMETERS["transfer_coefficient"] = Param(0.5, "1", "dimensionless", "symmetric Butler-Volmer, assumed")
