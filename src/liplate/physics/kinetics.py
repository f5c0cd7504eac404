"""Butler-Volmer charge-transfer kinetics at a Li|SE interface.

Sign convention: plating (cathodic at the working electrode) is *positive* current density
j > 0 and corresponds to a *negative* overpotential eta = phi_s - phi - E_eq < 0:

    j(eta) = j0 [exp(-alpha F eta / RT) - exp((1 - alpha) F eta / RT)]        (plating > 0)

(Bard & Faulkner, Electrochemical Methods, 2nd ed., eq. 3.4.11, with the cathodic current positive.)
"""
from __future__ import annotations

import numpy as np

from .constants import FARADAY, GAS_CONSTANT


def butler_volmer(eta, j0, alpha, temperature):
    """Plating current density (A/m^2, > 0 for eta < 0)."""
    f = FARADAY / (GAS_CONSTANT * temperature)
    return j0 * (np.exp(-alpha * f * eta) - np.exp((1.0 - alpha) * f * eta))


def butler_volmer_slope(eta, j0, alpha, temperature):
    """d j / d eta (A/m^2/V, always < 0)."""
    f = FARADAY / (GAS_CONSTANT * temperature)
    return -j0 * f * (alpha * np.exp(-alpha * f * eta) + (1.0 - alpha) * np.exp((1.0 - alpha) * f * eta))


def butler_volmer_with_slope(eta, j0, alpha, temperature):
    """(:func:`butler_volmer`, :func:`butler_volmer_slope`) from one evaluation of the two exponentials."""
    f = FARADAY / (GAS_CONSTANT * temperature)
    cathodic = np.exp(-alpha * f * eta)
    anodic = np.exp((1.0 - alpha) * f * eta)
    return j0 * (cathodic - anodic), -j0 * f * (alpha * cathodic + (1.0 - alpha) * anodic)


def overpotential_for_current(j, j0, alpha, temperature) -> float:
    """Inverse of :func:`butler_volmer` for one scalar current density (plating j > 0 gives eta < 0)."""
    if j == 0:
        return 0.0
    f = FARADAY / (GAS_CONSTANT * temperature)
    # Bracket: |eta| is below the one-branch (Tafel) value for the smaller transfer coefficient.
    bound = 1e-3 + np.log(abs(j) / j0 + 1.0) / (min(alpha, 1 - alpha) * f)
    lo, hi = (-bound, 0.0) if j > 0 else (0.0, bound)
    from scipy.optimize import brentq  # here, not at the top: scipy.optimize takes 0.35 s to import

    return float(brentq(lambda e: butler_volmer(e, j0, alpha, temperature) - j, lo, hi, xtol=1e-15, rtol=1e-14))


def charge_transfer_resistance(j0, temperature) -> float:
    """Linear-kinetics area resistance RT/(F j0) (ohm m^2)."""
    return GAS_CONSTANT * temperature / (FARADAY * j0)


def small_signal_interface_resistance(j, j0, alpha, temperature, r_sei=0.0) -> float:
    """Area resistance (ohm m^2) of a uniform Li|SE interface at the operating point j (A/m^2): the inverse
    Butler-Volmer slope at eta(j) in series with the SEI's R_SEI = delta/sigma_SEI,
    R = -1 / (dj/deta)|_eta(j) + R_SEI  (-> RT/(F j0) + R_SEI as j -> 0)."""
    eta = overpotential_for_current(j, j0, alpha, temperature)
    return -1.0 / float(butler_volmer_slope(eta, j0, alpha, temperature)) + r_sei
