"""Li|SE interface under stack pressure: how much Li creep hides in the interfacial roughness."""
from . import Param

DESCRIPTION = "Li|LPSCl interface mechanics: roughness / surface porosity filled by Li creep"

PARAMETERS = {
    "roughness_fill_depth": Param(
        0.629e-6, "m", "length",
        "calibrated on the Li2Te-Cu deposit thickness 4.2 um after 1 mAh/cm^2 at 0.5 mA/cm^2 [Wang2022]: "
        "open volume per area of the SE "
        "surface roughness/porosity and collector roughness that Li fills by creep (tau ~ 0.08 s at "
        "13 MPa); liplate.physics.deposit.calibrate_fill_capacity"),
    "surface_roughness": Param(
        1.1e-6, "m", "length",
        "measured LPSCl surface roughness, small grains [Singh2022]: a deposit lower than this sits in the "
        "relief of the SE surface and carries no stack load; the SE, rigid on this scale, rests on what rises "
        "above it (island spreading by creep, models/phasefield/losses.py)"),
}
