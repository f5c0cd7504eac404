"""SEI on the Li|Li6PS5Cl interface at 298 K, ~13 MPa (used by liplate.physics.sei)."""
from . import Param

DESCRIPTION = "SEI on Li|LPSCl: parabolic growth with Tafel enhancement, resistance, Li consumed"

_AKTEKIN = "[Aktekin2023]"

# Li3P carries the Li+ current through the SEI (Li2S, LiCl are orders of magnitude poorer [Nazri1989]).
_LI3P_CONDUCTIVITY = 1e-2      # S/m (1e-4 S/cm [Nazri1989])
_LI3P_VOLUME_FRACTION = 0.186  # liplate.physics.sei.phase_volume_fraction("Li3P")

PARAMETERS = {
    "parabolic_rate_constant": Param(
        1.91e-19, "m^2/s", "sei_rate",
        "derived: least-squares fit of delta = sqrt(k_p t) to 315 nm after 168 h and 540 nm after 400 h on "
        "Li|LPSCl, 25 C, ~13 MPa " + _AKTEKIN + "; liplate.physics.sei.calibrate_parabolic_rate"),
    "li_per_volume": Param(
        4.48e4, "mol/m^3", "concentration",
        "derived: 60 uAh/cm^2 of Li consumed for ~0.5 um of SEI after 400 h " + _AKTEKIN + ": "
        "2160 C/m^2 / F / 0.5e-6 m; composition check Li6PS5Cl + 8 Li -> 5 Li2S + Li3P + LiCl gives "
        "4.1e4 (liplate.physics.sei.li_per_volume_from_composition)"),
    "effective_conductivity": Param(
        _LI3P_CONDUCTIVITY * _LI3P_VOLUME_FRACTION, "S/m", "conductivity",
        "derived: parallel (Wiener upper) bound, Li3P conductivity 1e-4 S/cm [Nazri1989] x its volume "
        "fraction 0.186 in 5 Li2S + Li3P + LiCl (liplate.physics.sei.phase_volume_fraction); Li2S and LiCl taken "
        "as insulating"),
    "tafel_transfer_coefficient": Param(
        0.5, "1", "dimensionless",
        "assumed: symmetric, as the Li|LPSCl Butler-Volmer alpha; Tafel form of the SEI-forming reduction "
        "after [Safari2009]"),
    "initial_thickness": Param(0.0, "m", "length",
                               "assumed: anode-free cell [Wang2022], no Li and no SEI before plating"),
}
