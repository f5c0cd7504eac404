"""Substrate wetting: DFT binding energies -> contact angle, Young-Dupre, Cahn wall condition.

Mapping from the DFT tables (BRIEF §3) to an effective contact angle (assumption, documented
in docs/phasefield.md)
------------------------------------------------------------------------------------------
1. Which binding energy: growth beyond the first monolayer decides wetting (BRIEF §3 reading):
   the substrate's value is ``E_sub = binding on 2 Li monolayers`` (Table 2). The reference is
   a Li adatom on bare Li(110), ``E_LiLi = 0.116 eV`` (the same configuration on lithium itself).
   ``dE = E_LiLi - E_sub`` (> 0: the substrate, covered by its first Li layers, binds the next Li
   more strongly than lithium does). Cu: dE = 0.008 eV; Li2Te: dE = 0.141 eV.
2. Rate ratio, as in the lattice kMC of BRIEF §4: ``r = k_Li-sub / k_Li-Li = exp(dE / k_B T)``.
3. Contact angle from a two-state (lattice-gas) contact line: an atom at the triple line sits
   on the substrate side with probability ``r/(1+r)`` and on the Li side with ``1/(1+r)``;
   Young's ``cos(theta) = (gamma_sub|SE - gamma_sub|Li)/gamma_Li|SE`` is taken equal to the
   difference of these occupations::

       cos(theta) = (r - 1)/(r + 1) = tanh(dE / (2 k_B T))

   dE = 0 (substrate no better than Li) gives theta = 90 deg (neutral wetting); a strongly
   lithiophilic substrate gives theta -> 0. At 298 K: Cu 81 deg, Li2Te-Cu 7 deg. The mapping is
   monotone and parameter-free but it is a model assumption, not a DFT result; a case may set
   ``[substrate] contact_angle`` directly.
4. Adhesion energy from Young-Dupre: ``W_ad = gamma (1 + cos(theta))``.

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

from .constants import BOLTZMANN_EV


def binding_advantage(case, substrate: str) -> float:
    """dE = E(Li on bare Li(110)) - E(Li on 2 Li monolayers on the substrate) (eV)."""
    return case.p("li.binding_bare") - case.p(f"{substrate}.binding_on_2ml")


def rate_ratio(delta_e_ev: float, temperature: float) -> float:
    """k_Li-substrate / k_Li-Li = exp(dE / k_B T) (BRIEF §3, lattice-kMC rate ratio)."""
    return math.exp(delta_e_ev / (BOLTZMANN_EV * temperature))


def contact_angle_from_binding(delta_e_ev: float, temperature: float) -> float:
    """Effective contact angle (degrees): cos(theta) = tanh(dE / (2 k_B T)) (see module docstring)."""
    return math.degrees(math.acos(math.tanh(delta_e_ev / (2.0 * BOLTZMANN_EV * temperature))))


def adhesion_energy(gamma: float, theta_deg: float) -> float:
    """Young-Dupre work of adhesion W_ad = gamma (1 + cos theta) (J/m^2)."""
    return gamma * (1.0 + math.cos(math.radians(theta_deg)))


def contact_angle_from_adhesion(gamma: float, w_ad: float) -> float:
    """Inverse Young-Dupre (degrees), clipped to [0, 180]."""
    return math.degrees(math.acos(min(1.0, max(-1.0, w_ad / gamma - 1.0))))


def substrate_contact_angle(case, substrate: str | None = None) -> float:
    """Contact angle (degrees) of Li on the substrate against the SE: case override or DFT mapping."""
    substrate = substrate or case.substrate
    sec = case.sections.get("substrate", {})
    override = sec.get("contact_angle", "auto")
    if override not in (None, "auto"):
        return float(override)
    return contact_angle_from_binding(binding_advantage(case, substrate), case["protocol"]["temperature"])


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
