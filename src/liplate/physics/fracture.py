"""Surface flaws of the SE opened by plated lithium (BRIEF §5): the criterion behind penetration and shorts.

Lithium plated into a surface flaw of the solid electrolyte (a crack, a pore, a grain-boundary groove
at the Li|SE interface) is confined: it keeps depositing until its pressure balances the driving force,
V_m p = F |eta|, i.e. p = F |eta| / V_m (about 74 MPa per 10 mV; BRIEF §6 after Duan et al.: ~75 MPa
at a confined Li tip at ~10 mV). A flaw of depth a opens (Griffith / linear-elastic fracture, a pressurised
edge crack with geometry factor 1) when

    p sqrt(pi a) >= K_IC        (K_IC ~ 0.23 MPa m^1/2 for sulfide SEs, BRIEF §6)

so a given interface overpotential opens every flaw deeper than a_c = (K_IC / p)^2 / pi. Where the current
is focused the overpotential, and with it p, is highest: the flaws there open first (BRIEF §5).

``eta`` is the charge-transfer (Butler-Volmer) overpotential of the plating interface: the part of the
driving force that the Li can turn into pressure (an ohmic drop in the SE or the SEI is dissipated
before the ion reaches the metal).
"""
from __future__ import annotations

import numpy as np

from .constants import FARADAY
from .kinetics import overpotential_for_current


def plating_pressure(overpotential, molar_volume: float):
    """Pressure (Pa) that plating at ``overpotential`` (V, either sign) can build in confined Li:
    F |eta| / V_m."""
    return FARADAY * np.abs(overpotential) / molar_volume


def opening_pressure(flaw_depth, fracture_toughness: float):
    """Pressure (Pa) at which a flaw of ``flaw_depth`` (m) opens: K_IC / sqrt(pi a)."""
    return fracture_toughness / np.sqrt(np.pi * np.asarray(flaw_depth, dtype=float))


def critical_flaw_depth(pressure, fracture_toughness: float):
    """Depth (m) of the shallowest flaw that ``pressure`` (Pa) opens: (K_IC / p)^2 / pi (inf at p = 0)."""
    p = np.asarray(pressure, dtype=float)
    with np.errstate(divide="ignore"):
        a = np.where(p > 0, (fracture_toughness / np.where(p > 0, p, 1.0)) ** 2 / np.pi, np.inf)
    return a if a.ndim else float(a)


def at_current(current_density: float, exchange_current_density: float, transfer_coefficient: float,
               temperature: float, molar_volume: float, fracture_toughness: float) -> tuple[float, float]:
    """(pressure in Pa, critical flaw depth in m) where Li plates at ``current_density`` (A/m^2) through
    Butler-Volmer kinetics: the charge-transfer overpotential of that current, then the two functions above."""
    eta = overpotential_for_current(current_density, exchange_current_density, transfer_coefficient, temperature)
    p = float(plating_pressure(eta, molar_volume))
    return p, float(critical_flaw_depth(p, fracture_toughness))
