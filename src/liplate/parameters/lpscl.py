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

# The Li|LPSCl interface belongs to the electrolyte set: both collectors end up plating Li on Li, and the Li counter
# electrode is the same interface (cell.counter_exchange_current_density and the bare-collector j0 of cu/li2te_cu
# take this value: one line to change). Calibrated on the one voltage of this paper's cell, the first-plating peak
# of Li2Te-Cu at 0.5 mA/cm^2 ([Wang2022]), with the pellet's ohmic drop and the counter electrode in the cell
# voltage: `python -m liplate.calibration kinetics` (rerun it after physics changes that move that peak). R_P ~ 0.8
# ohm cm^2 of another study's cell [LiLPSClKinetics] is a plausibility check only: it bounds *that* interface's j0
# from below (>= 32 mA/cm^2); this cell is more resistive (docs/phasefield.md, "Interfacial kinetics of this paper's
# cell").
PARAMETERS["exchange_current_density"] = Param(
    65.4, "A/m^2", "current_density",
    "calibrated on the first-plating voltage of Li2Te-Cu at 0.5 mA/cm^2, 18 mV (peak magnitude vs the Li counter "
    "electrode) [Wang2022]: one Li|LPSCl j0 for the working interface, the counter electrode and the bare "
    "collectors, root-found with the pellet's ohmic drop in the cell voltage (python -m liplate.calibration "
    "kinetics, with classical nucleation of the film, sub-grid nuclei as rows of 3D caps, the peak over every "
    "sub-step, the time-mean nucleation rate, at most max(1, 5 %) new nuclei per sub-step): 6.54 mA/cm^2 (6.78 "
    "before the nucleation sub-step control of 2026-12-03 resolved the burst of the film's nuclei, 17.71 mV at "
    "6.78), R_ct = RT/(F j0) = 3.9 ohm cm^2 per interface against R_P ~ 0.8 ohm cm^2 of "
    "another study's cell "
    "[LiLPSClKinetics] (a plausibility check only)")
PARAMETERS["transfer_coefficient"] = Param(0.5, "1", "dimensionless", "assumed: symmetric Butler-Volmer")
# Li filaments through the pellet (docs/penetration.md): the radius of a Li-filled crack seen as a needle sets the
# Li a filament needs per unit length, hence the time from a flaw's opening to the short. Li-filled cracks are
# 3-5 um wide in operando SEM [Duan], r = 1.5-2.5 um. `python -m liplate.calibration_filament` (bisection on the
# radius, cases/cu_5mA_1mAh) is the calibration on the Cu 5 mA/cm^2 short; with the present physics it finds no
# radius in its plausible range, so the radius is the measured width, not a calibrated value.
PARAMETERS["filament_radius"] = Param(
    2.0e-6, "m", "length",
    "assumed: half the 3-5 um width of the Li-filled cracks seen by operando SEM [Duan]; not fitted: with it "
    "cases/cu_5mA_1mAh shorts at 0.241 +- 0.019 mAh/cm^2 (seeds 0-2) against ~0.2 measured [Wang2022] "
    "(docs/penetration.md, flaws filled by intrusion); the Cu short is a prediction")
