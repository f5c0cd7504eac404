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
# Calibrated on the one measurement of this interface in BRIEF §6, the polarization resistance
# R_P ~ 0.8 ohm cm^2: j0 = RT/(F R_P) (linearised Butler-Volmer, alpha_a + alpha_c = 1). R_P = R_ct + R_SEI
# >= R_ct, so RT/(F R_P) is the smallest j0 the measurement allows; the model's own interface starts with
# no SEI (anode-free, sei.initial_thickness = 0), where its resistance is R_ct alone. The BRIEF's prior
# "of order 1-5 mA/cm^2" (no LPSCl value settled) is 6-32x lower; docs/phasefield.md ("Exchange current
# density") gives the reasons and what the Cu results do over 1-32 mA/cm^2.
PARAMETERS["exchange_current_density"] = Param(
    320.0, "A/m^2", "current_density",
    "Li|LPSCl charge transfer, 32 mA/cm^2: calibrated on R_P ~ 0.8 ohm cm^2 (BRIEF §6), j0 = RT/(F R_P) "
    "(the SEI share of R_P neglected, as at the start of anode-free plating)")
PARAMETERS["transfer_coefficient"] = Param(0.5, "1", "dimensionless", "symmetric Butler-Volmer, assumed")
