"""Lithium metal at 298 K."""
from . import Param

DESCRIPTION = "lithium metal (molar volume, surface energy, creep, elasticity)"

PARAMETERS = {
    "molar_volume": Param(1.30e-5, "m^3/mol", "molar_volume", "handbook (BRIEF §6)"),
    "surface_energy": Param(0.556, "J/m^2", "energy_per_area",
                            "DFT range 0.5-0.56 J/m^2; phase-field literature value (BRIEF §6)"),
    "conductivity": Param(1.1e7, "S/m", "conductivity", "handbook: Li resistivity 9.3e-8 ohm*m at 298 K"),
    "creep_exponent": Param(6.6, "1", "dimensionless", "Masias et al. 2019; LePage et al. 2019"),
    "creep_activation_energy": Param(37e3, "J/mol", "molar_energy", "LePage et al. 2019"),
    "creep_rate_at_1MPa": Param(6.7e-3, "1/s", "rate",
                                "back-computed from 0.75 MPa flow stress at 1e-3 1/s, 298 K (BRIEF §6)"),
    "yield_strength": Param(0.75e6, "Pa", "pressure", "0.7-0.8 MPa, Masias et al. 2019"),
    "youngs_modulus": Param(7.8e9, "Pa", "pressure", "Masias et al. 2019"),
    "shear_modulus": Param(2.8e9, "Pa", "pressure", "Masias et al. 2019"),
    "poisson_ratio": Param(0.38, "1", "dimensionless", "Masias et al. 2019"),
}

# Li on Li reference binding energies (DFT, BRIEF §3): the baseline substrate bindings are compared with.
PARAMETERS["binding_4li_atoms"] = Param(0.168, "eV", "energy_eV", "DFT Table 1 (BRIEF §3), Li(110) bcc, 4 Li atoms")
PARAMETERS["binding_li4_cluster"] = Param(0.121, "eV", "energy_eV", "DFT Table 1 (BRIEF §3), Li(110), Li4 cluster")
PARAMETERS["binding_5li_atoms"] = Param(0.188, "eV", "energy_eV", "DFT Table 1 (BRIEF §3), Li(110), 5 Li atoms")
PARAMETERS["binding_li5_cluster"] = Param(0.111, "eV", "energy_eV", "DFT Table 1 (BRIEF §3), Li(110), Li5 cluster")
PARAMETERS["binding_bare"] = Param(0.116, "eV", "energy_eV", "DFT Table 2 (BRIEF §3), single Li on bare Li(110)")
PARAMETERS["binding_on_1ml"] = Param(0.182, "eV", "energy_eV", "DFT Table 2 (BRIEF §3), single Li on 1 ML on Li(110)")
