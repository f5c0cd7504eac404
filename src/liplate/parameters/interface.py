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
}
