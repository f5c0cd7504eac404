"""Argyrodite solid electrolyte Li6PS5Cl (LPSCl), cold-pressed pellet, 298 K."""
from . import Param

DESCRIPTION = "Li6PS5Cl argyrodite solid electrolyte (single-ion conductor, t+ = 1)"

PARAMETERS = {
    "conductivity": Param(0.32, "S/m", "conductivity",
                          "3.2 mS/cm at room temperature, measured on the experiment's Li6PS5Cl [Wang2022]"),
    "activation_energy": Param(0.36, "eV", "energy_eV",
                               "0.35-0.37 eV measured on the experiment's Li6PS5Cl [Wang2022]; midpoint"),
    "transference_number": Param(1.0, "1", "dimensionless", "assumed: single-ion conductor, t+ ~ 1"),
    "li_concentration": Param(4.2e4, "mol/m^3", "concentration",
                              "derived: 6 Li per formula unit x lpscl.density / M, M = 0.2684 kg/mol"),
    "density": Param(1860.0, "kg/m^3", "density",
                     "derived: crystallographic density Z M / (N_A a^3) of cubic Li6PS5Cl, Z = 4, M = 268.4 g/mol, "
                     "assumed lattice parameter a = 9.85 Angstrom (fully dense; a cold-pressed pellet is less dense)"),
    "youngs_modulus": Param(22e9, "Pa", "pressure",
                            "assumed: ~22 GPa, the order of nanoindentation moduli reported for argyrodite sulfide "
                            "electrolytes; no primary source verified yet"),
    "fracture_toughness": Param(0.23e6, "Pa*m^0.5", "fracture_toughness",
                                "0.23 MPa m^0.5 reported for Li6PS5Cl [Singh2022]"),
    "diffusivity": Param(1e-12, "m^2/s", "diffusivity",
                         "assumed: order of magnitude for Li+ in sulfide SEs; only used by the optional Nernst-Planck "
                         "equation (t+ < 1 electrolytes)"),
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
    "calibrated on R_P ~ 0.8 ohm cm^2 of another study's Li|LPSCl interface [LiLPSClKinetics]: Li|LPSCl "
    "charge transfer, j0 = RT/(F R_P) = 32 mA/cm^2 (the SEI share of R_P neglected, as at the start of anode-free "
    "plating)")
PARAMETERS["transfer_coefficient"] = Param(0.5, "1", "dimensionless", "assumed: symmetric Butler-Volmer")
