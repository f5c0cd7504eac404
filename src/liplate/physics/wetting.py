"""Substrate wetting: DFT binding energies -> adhesion energy -> contact angle (Young-Dupre), Cahn wall condition.

Mapping from the DFT tables (BRIEF §3) to a contact angle: an adhesion-energy balance per unit area
------------------------------------------------------------------------------------------------------
Phases: Li deposit (L), collector (S), the SE (E) as the ambient phase. Young: gamma_SE = gamma_LS +
gamma cos(theta), with gamma = gamma_LE the Li|SE interfacial energy (the phase field's gamma). Dupre: the work of
adhesion of Li to the collector in the SE, W_ad = gamma_SE + gamma_LE - gamma_LS (separate Li from the collector,
replacing the L|S contact by S|E and L|E), so Young-Dupre reads

    cos(theta) = W_ad / gamma - 1.

Adhesion from the binding energies (nearest-neighbour, broken-bond reading of the tables):

1. The deposit grows on the collector's first Li monolayers (both collectors are wetted conformally by the first
   monolayer, BRIEF §3 reading), so the atom that decides is a Li adatom on 2 Li monolayers on the substrate, and
   its reference is the same adatom on Li itself (Li(110), bare): ``dE = E_LiLi - E_sub,2ML`` (Table 2; > 0: the
   covered collector binds the next Li more strongly than Li does). Cu: 0.116 - 0.108 = 0.008 eV; Li2Te:
   0.116 - (-0.025) = 0.141 eV.
2. Reference: a collector that binds Li exactly as Li does (dE = 0) is, for the deposit, lithium itself: Li on Li
   separates into two Li|SE interfaces, W_ad = 2 gamma (the work of cohesion). Assumption: the SE interacts with
   the Li-covered collector as with Li (gamma_SE and gamma_LE change together), so the only difference between the
   collector and lithium as a support is the binding of the interfacial Li layer.
3. Each interfacial Li site adds dE: ``W_ad = 2 gamma + n_s dE``, with n_s the areal density of the close-packed
   Li(110) plane, sqrt(2)/a^2, a = (2 V_m/N_A)^(1/3) the bcc lattice parameter (3.51 A; n_s = 1.15e19 m^-2).

So ``cos(theta) = 1 + n_s dE / gamma``, clipped to [-1, 1]. Clipping at +1 (dE > 0) means the spreading
coefficient W_ad - 2 gamma is positive: there is no finite contact angle, the equilibrium is a film (complete
wetting, layer-by-layer growth; the phase field is given theta = 0). At -1 (W_ad <= 0) Li would not adhere at all.
One eV of dE per site is n_s e = 1.84 J/m^2 of adhesion, 3.3 gamma: dE is converted with no free parameter.

What this gives (``contact_angle_range`` carries the DFT uncertainty, ``DFT_BINDING_UNCERTAINTY_EV`` = 0.03 eV):
Li2Te-Cu dE = 0.141 +- 0.03 eV: theta = 0 over the whole range (complete wetting; the film of BRIEF §2).
Cu dE = 0.008 +- 0.03 eV: theta = 0 .. 22 deg; the sign of dE_Cu, which decides between complete and partial
wetting, is inside the DFT error. **The tables cannot fix theta_Cu**, and on this model they would not give the
observed Cu islands (they need dE_Cu < 0 by ~0.1-0.3 eV for theta = 45-90 deg). theta_Cu is therefore a calibrated
parameter (``cu.contact_angle``, its source names the one observation); Li2Te-Cu takes the mapping.
(The earlier ``cos(theta) = tanh(dE / 2 k_B T)`` had no thermodynamic derivation and swung theta_Cu over 58-122 deg
within the same +-0.03 eV; withdrawn.)

Cahn wall condition (Jacqmin 2000; Ding & Spelt 2007 for the cubic wall energy): with the wall
energy ``f_w(xi) = -gamma cos(theta) (3 xi^2 - 2 xi^3)`` the variational boundary condition is
``kappa n.grad(xi) = gamma cos(theta) 6 xi (1 - xi) = sqrt(2 kappa W) cos(theta) xi (1 - xi)``
(``n`` the outward normal of the SE/Li domain at the wall). The cubic wall energy makes the
condition exact for the logistic equilibrium profile: a straight interface meets the wall at
theta exactly, at every point of the diffuse interface.
"""
from __future__ import annotations

import math

import numpy as np

from .constants import BOLTZMANN_EV, ELEMENTARY_CHARGE, FARADAY

AVOGADRO = FARADAY / ELEMENTARY_CHARGE


#: Uncertainty (eV) of a DFT binding-energy difference between similar adsorption sites (typical GGA error; the
#: figure issue 16 carries through): used for the theta range, not in any equation of the model.
DFT_BINDING_UNCERTAINTY_EV = 0.03


def binding_advantage(case, substrate: str) -> float:
    """dE = E(Li on bare Li(110)) - E(Li on 2 Li monolayers on the substrate) (eV)."""
    return case.p("li.binding_bare") - case.p(f"{substrate}.binding_on_2ml")


def rate_ratio(delta_e_ev: float, temperature: float) -> float:
    """k_Li-substrate / k_Li-Li = exp(dE / k_B T) (BRIEF §3, lattice-kMC rate ratio)."""
    return math.exp(delta_e_ev / (BOLTZMANN_EV * temperature))


def li110_site_density(molar_volume: float) -> float:
    """Areal density of Li(110) sites (1/m^2): sqrt(2)/a^2, bcc lattice parameter a = (2 V_m / N_A)^(1/3)."""
    a = (2.0 * molar_volume / AVOGADRO) ** (1.0 / 3.0)
    return math.sqrt(2.0) / a**2


def adhesion_energy_from_binding(delta_e_ev: float, gamma: float, molar_volume: float) -> float:
    """Work of adhesion of Li to the collector in the SE (J/m^2): W_ad = 2 gamma + n_s dE (module docstring)."""
    return 2.0 * gamma + li110_site_density(molar_volume) * delta_e_ev * ELEMENTARY_CHARGE


def contact_angle_from_binding(delta_e_ev: float, gamma: float, molar_volume: float) -> float:
    """Contact angle (deg) from the binding advantage: Young-Dupre with W_ad from
    :func:`adhesion_energy_from_binding`, cos(theta) = W_ad/gamma - 1 clipped (0 deg: complete wetting)."""
    return contact_angle_from_adhesion(gamma, adhesion_energy_from_binding(delta_e_ev, gamma, molar_volume))


def contact_angle_range(delta_e_ev: float, gamma: float, molar_volume: float,
                        uncertainty_ev: float = DFT_BINDING_UNCERTAINTY_EV) -> tuple[float, float]:
    """(lowest, highest) contact angle (deg) over dE +- uncertainty (theta falls as dE rises)."""
    return (contact_angle_from_binding(delta_e_ev + uncertainty_ev, gamma, molar_volume),
            contact_angle_from_binding(delta_e_ev - uncertainty_ev, gamma, molar_volume))


def adhesion_energy(gamma: float, theta_deg: float) -> float:
    """Young-Dupre work of adhesion W_ad = gamma (1 + cos theta) (J/m^2)."""
    return gamma * (1.0 + math.cos(math.radians(theta_deg)))


def contact_angle_from_adhesion(gamma: float, w_ad: float) -> float:
    """Inverse Young-Dupre (degrees), clipped to [0, 180]."""
    return math.degrees(math.acos(min(1.0, max(-1.0, w_ad / gamma - 1.0))))


def substrate_contact_angle(case, substrate: str | None = None) -> float:
    """Contact angle (degrees) of Li on the substrate against the SE: the case's ``[substrate] contact_angle``;
    else the substrate's calibrated ``contact_angle`` parameter where the DFT tables cannot fix it (Cu); else
    the adhesion-energy mapping of the DFT tables (module docstring)."""
    substrate = substrate or case.substrate
    sec = case.sections.get("substrate", {})
    override = sec.get("contact_angle", "auto")
    if override not in (None, "auto"):
        return float(override)
    if "contact_angle" in case.params.get(substrate, {}):
        return case.p(f"{substrate}.contact_angle")
    return contact_angle_from_binding(binding_advantage(case, substrate), case.p("li.surface_energy"),
                                      case.p("li.molar_volume"))


def cahn_wall_gradient(xi_wall, theta_deg, ell):
    """Outward normal derivative of xi at the wall, n.grad(xi) = cos(theta) xi (1 - xi) / ell (1/m).

    ``ell = sqrt(kappa/(2W))`` is the logistic interface length normal to the wall. Positive for
    theta < 90 deg: xi rises towards the wall (lithium is drawn onto the substrate).
    """
    xi_wall = np.clip(np.asarray(xi_wall, dtype=float), 0.0, 1.0)
    return math.cos(math.radians(theta_deg)) * xi_wall * (1.0 - xi_wall) / ell


def apparent_angle(theta_deg: float, stretch: float) -> float:
    """Physical angle (deg) of a shape with angle theta in a frame stretched by ``stretch`` along x.

    With an anisotropic gradient coefficient kappa_x = stretch^2 kappa_y the equations are isotropic
    in (x/stretch, y); an angle theta there is atan(tan(theta)/stretch) in (x, y).
    """
    t = math.radians(theta_deg)
    return math.degrees(math.atan2(math.sin(t), stretch * math.cos(t)))


def measure_contact_angle(xi_2d, x, y, level=0.5, fit_height=None):
    """Contact angle (deg) of a cap from its xi = level contour (rows = y, columns = x), periodic in x.

    The contour height per column is interpolated; the cap's base half-width a and apex height b
    are read from it and the angle of the circular cap through them is returned,
    ``theta = 2 atan(b / a)`` (a circular cap of base radius a and height b). A dry substrate
    (no column above level at the wall) returns nan.
    """
    xi_2d = np.asarray(xi_2d)
    heights = np.zeros(xi_2d.shape[1])
    for i in range(xi_2d.shape[1]):
        col = xi_2d[:, i]
        above = np.nonzero(col < level)[0]
        if col[0] < level or len(above) == 0:
            heights[i] = 0.0
            continue
        k = above[0]
        # linear interpolation between cell centres k-1 (>= level) and k (< level)
        heights[i] = y[k - 1] + (col[k - 1] - level) / (col[k - 1] - col[k]) * (y[k] - y[k - 1])
    b = heights.max()
    # base half-width from the xi = level crossing along the bottom row
    row = xi_2d[0]
    wet = row >= level
    if not wet.any():
        return float("nan")
    dx = x[1] - x[0]
    n_wet = wet.sum()
    # sub-cell ends by interpolation at both edges of the wetted run (single cap assumed)
    frac = 0.0
    for i in np.nonzero(wet)[0]:
        for j in ((i - 1) % len(row), (i + 1) % len(row)):
            if not wet[j]:
                frac += (row[i] - level) / (row[i] - row[j]) - 0.5
    a = 0.5 * (n_wet + frac) * dx
    return math.degrees(2.0 * math.atan2(b, a))
