"""Lithium metal at 298 K."""
from . import Param

DESCRIPTION = "lithium metal (molar volume, surface energy, creep, elasticity)"

PARAMETERS = {
    "molar_volume": Param(1.30e-5, "m^3/mol", "molar_volume", "derived: M / rho = 6.94 g/mol / 0.534 g/cm^3 [CRC]"),
    "surface_energy": Param(0.556, "J/m^2", "energy_per_area",
                            "assumed: 0.556 J/m^2, the value phase-field Li models use, inside the "
                            "0.5-0.56 J/m^2 range of DFT surface energies of Li; no primary source verified yet"),
    "conductivity": Param(1.1e7, "S/m", "conductivity", "Li resistivity ~9.3e-8 ohm*m near room temperature [CRC]"),
    "creep_exponent": Param(6.6, "1", "dimensionless", "power-law creep of bulk Li [Masias2019; LePage2019]"),
    "creep_activation_energy": Param(37e3, "J/mol", "molar_energy", "[LePage2019]"),
    "creep_rate_at_1MPa": Param(6.7e-3, "1/s", "rate",
                                "derived: 1e-3 1/s x (1 MPa / 0.75 MPa)^6.6, the flow stress "
                                "li.yield_strength [Masias2019] assumed to hold at a strain rate of 1e-3 1/s, 298 K"),
    "yield_strength": Param(0.75e6, "Pa", "pressure", "0.7-0.8 MPa [Masias2019]"),
    "youngs_modulus": Param(7.8e9, "Pa", "pressure", "[Masias2019]"),
    "shear_modulus": Param(2.8e9, "Pa", "pressure", "[Masias2019]"),
    "poisson_ratio": Param(0.38, "1", "dimensionless", "[Masias2019]"),
}

# Li on Li reference binding energies (DFT [Wang2022]): the baseline substrate bindings are compared with.
PARAMETERS["binding_4li_atoms"] = Param(0.168, "eV", "energy_eV", "DFT [Wang2022], Li(110) bcc, 4 Li atoms")
PARAMETERS["binding_li4_cluster"] = Param(0.121, "eV", "energy_eV", "DFT [Wang2022], Li(110), Li4 cluster")
PARAMETERS["binding_5li_atoms"] = Param(0.188, "eV", "energy_eV", "DFT [Wang2022], Li(110), 5 Li atoms")
PARAMETERS["binding_li5_cluster"] = Param(0.111, "eV", "energy_eV", "DFT [Wang2022], Li(110), Li5 cluster")
PARAMETERS["binding_bare"] = Param(0.116, "eV", "energy_eV", "DFT [Wang2022], single Li on bare Li(110)")
PARAMETERS["binding_on_1ml"] = Param(0.182, "eV", "energy_eV", "DFT [Wang2022], single Li on 1 ML on Li(110)")
