"""Solid-electrolyte interphase (SEI) on the Li|LPSCl interface: growth, resistance, Li consumed.

Growth (per interface face, thickness delta):

    d(delta)/dt = k_p f_T(j) / (2 delta),   i.e. delta^2 = delta0^2 + k_p f_T t at constant j      (1)
    f_T(j) = exp(alpha_s F |eta_ct(j)| / RT)                                                       (2)

* Parabolic (transport-limited) law: Aktekin et al., Nat. Commun. 14, 6946 (2023), doi
  10.1038/s41467-023-42512-y, measured on Li|LPSCl at 25 C and ~13 MPa (BRIEF §6); k_p from their
  315 nm after 1 week and 540 nm after ~400 h (:func:`calibrate_parabolic_rate`).
* Tafel enhancement: SE reduction is an electron-transfer reaction at the SEI front; with a local
  plating current the interface sits |eta_ct| below open circuit, which speeds it up by a Tafel
  factor (Safari et al., J. Electrochem. Soc. 156, A145 (2009), for the kinetic SEI term; BRIEF §2:
  "SE decomposition (SEI growth, Tafel-accelerated)"). Here eta_ct is the Butler-Volmer overpotential
  of the Li|LPSCl interface at the local current density, so f_T = 1 at rest (Aktekin's open-circuit
  data are recovered) and f_T grows as (|j|/j0)^(alpha_s/alpha) once |j| >> j0: focused current on Cu
  islands grows more SEI. Chosen over an additive Tafel term because it needs no new rate constant.

Bare collector (5). Where a metal collector touches the SE without Li on it (Cu between the islands,
BRIEF §1), it sits at the plating potential like the Li: LPSCl (stable only above ~1.7 V vs Li) is
reduced there too, Li+ from the SE and electrons from the collector, and leaves an interphase on
both surfaces (BRIEF §2: SEI "honeycomb" islands on the collector and on the SE). liplate grows it
by the same electron-transport-limited law (1) with the Tafel factor at the face's own overpotential
(:func:`tafel_factor_at_overpotential`): the same k_p, no new constant (Aktekin et al. measured k_p in
an anode-free stainless-steel|LPSCl cell). Its Li comes out of the plated Li (a parasitic share of the
applied charge).

Resistance: R_SEI = delta / sigma_SEI, in series with the charge-transfer kinetics (3).
Li consumed: c_Li,SEI mol of Li per m^3 of SEI from BRIEF §6 (60 uAh/cm^2 <-> 0.5 um SEI), checked
against the composition Li6PS5Cl + 8 Li -> 5 Li2S + Li3P + LiCl (4).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from .constants import FARADAY, GAS_CONSTANT

# Handbook molar masses (g/mol) and densities (g/cm^3) of the SEI phases, used only for the composition
# cross-check (4) and the Li3P volume fraction. CRC Handbook of Chemistry and Physics (Li2S 1.66, LiCl
# 2.068 g/cm^3); Li3P 1.43 g/cm^3 from its hexagonal P6_3/mmc cell (a = 4.27 A, c = 7.59 A, Z = 2).
SEI_PHASES = {           # name: (molar mass g/mol, density g/cm^3, moles per Li6PS5Cl reduced)
    "Li2S": (45.95, 1.66, 5.0),
    "Li3P": (51.80, 1.43, 1.0),
    "LiCl": (42.39, 2.068, 1.0),
}
LI_PER_LPSCL_REDUCED = 8.0   # Li6PS5Cl + 8 Li -> 5 Li2S + Li3P + LiCl (stoichiometry)
_CM3_TO_M3 = 1e-6


@dataclass(frozen=True)
class SeiParameters:
    """SEI growth and transport parameters (SI). Build with :meth:`from_parameters`."""

    parabolic_rate: float          # k_p, m^2/s
    li_per_volume: float           # c_Li,SEI, mol Li per m^3 of SEI
    conductivity: float            # sigma_SEI, S/m (effective Li+ conductivity)
    tafel_alpha: float             # alpha_s of eq. (2)
    exchange_current_density: float  # j0 of the Li|SE interface, A/m^2
    transfer_coefficient: float    # alpha of the Butler-Volmer kinetics
    initial_thickness: float = 0.0

    @classmethod
    def from_parameters(cls, sei: Mapping, lpscl: Mapping) -> SeiParameters:
        """From the "sei" set and the Li|LPSCl kinetics of the "lpscl" set."""
        return cls(parabolic_rate=sei["parabolic_rate_constant"].value,
                   li_per_volume=sei["li_per_volume"].value,
                   conductivity=sei["effective_conductivity"].value,
                   tafel_alpha=sei["tafel_transfer_coefficient"].value,
                   exchange_current_density=lpscl["exchange_current_density"].value,
                   transfer_coefficient=lpscl["transfer_coefficient"].value,
                   initial_thickness=sei["initial_thickness"].value)

    @classmethod
    def default(cls) -> SeiParameters:
        from liplate.parameters import load_set
        from liplate.parameters import sei as sei_set
        return cls.from_parameters(sei_set.PARAMETERS, load_set("lpscl"))


def calibrate_parabolic_rate(times, thicknesses) -> float:
    """Least-squares k_p of delta = sqrt(k_p t) through the origin (m^2/s):

        sqrt(k_p) = sum(delta_i sqrt(t_i)) / sum(t_i)

    For Aktekin et al. 2023 (315 nm at 168 h, 540 nm at 400 h) this gives 1.91e-19 m^2/s. The two
    points are not exactly parabolic (540/315 = 1.71 vs sqrt(400/168) = 1.54): singly they give
    1.64e-19 and 2.03e-19 m^2/s.
    """
    t = np.asarray(times, dtype=float)
    d = np.asarray(thicknesses, dtype=float)
    return float((np.sum(d * np.sqrt(t)) / np.sum(t)) ** 2)


def charge_transfer_overpotential(current_density, exchange_current_density, transfer_coefficient,
                                  temperature):
    """|eta_ct| (V) of Butler-Volmer kinetics at the local |j|.

    Symmetric (alpha = 1/2): |eta| = (2RT/F) asinh(|j| / (2 j0)) exactly (Bard & Faulkner eq. 3.4.11).
    Otherwise the exact root of j0[exp(alpha f |eta|) - exp(-(1-alpha) f |eta|)] = |j| by Newton
    iteration on numpy arrays (monotone convex function, starting from the larger of the linear and
    Tafel estimates, so it converges from above).
    """
    j = np.abs(np.asarray(current_density, dtype=float))
    f = FARADAY / (GAS_CONSTANT * temperature)
    a = transfer_coefficient
    if abs(a - 0.5) < 1e-12:
        return 2.0 / f * np.arcsinh(j / (2.0 * exchange_current_density))
    x = j / exchange_current_density
    eta = np.maximum(x / f, np.log1p(x) / (a * f))
    for _ in range(60):
        g = np.exp(a * f * eta) - np.exp(-(1.0 - a) * f * eta) - x
        dg = f * (a * np.exp(a * f * eta) + (1.0 - a) * np.exp(-(1.0 - a) * f * eta))
        eta = eta - g / dg
    return eta


def tafel_factor(current_density, params: SeiParameters, temperature: float):
    """f_T = exp(alpha_s F |eta_ct(j)| / RT), eq. (2); 1 at j = 0."""
    eta = charge_transfer_overpotential(current_density, params.exchange_current_density,
                                        params.transfer_coefficient, temperature)
    return tafel_factor_at_overpotential(eta, params, temperature)


def tafel_factor_at_overpotential(overpotential, params: SeiParameters, temperature: float):
    """f_T = exp(alpha_s F |eta| / RT) at a given local overpotential (V), eq. (2) with eta known.

    Used where no Li is plated but an electron conductor at the plating potential touches the SE: the
    bare collector between Li islands, at eta = phi_s - phi - E_eq of its face (see :func:`grow_with_factor`).
    """
    eta = np.abs(np.asarray(overpotential, dtype=float))
    return np.exp(params.tafel_alpha * FARADAY * eta / (GAS_CONSTANT * temperature))


def growth_rate(thickness, current_density, params: SeiParameters, temperature: float):
    """d(delta)/dt = k_p f_T(j) / (2 delta), eq. (1), m/s (infinite at delta = 0: use :func:`grow`)."""
    d = np.asarray(thickness, dtype=float)
    return params.parabolic_rate * tafel_factor(current_density, params, temperature) / (2.0 * d)


def grow(thickness, dt: float, current_density, params: SeiParameters, temperature: float, active=True):
    """Explicit-in-time update of the SEI thickness per interface face (numpy arrays), m.

        delta_new = sqrt(delta^2 + k_p f_T(j) dt)

    exact for eq. (1) when j is constant over the step (no step-size restriction, no singularity at
    delta = 0). Faces where ``active`` is False (no Li on them) keep their thickness.
    """
    return grow_with_factor(thickness, dt, tafel_factor(current_density, params, temperature), params, active)


def grow_with_factor(thickness, dt: float, factor, params: SeiParameters, active=True):
    """delta_new = sqrt(delta^2 + k_p f dt) for a given Tafel factor f (see :func:`grow`)."""
    d = np.asarray(thickness, dtype=float)
    k = params.parabolic_rate * np.asarray(factor, dtype=float)
    return np.where(active, np.sqrt(d * d + k * dt), d)


def parabolic_thickness(time, params: SeiParameters, temperature: float = 298.0, current_density=0.0):
    """delta(t) = sqrt(delta0^2 + k_p f_T(j) t) at constant local current density, eq. (1)."""
    t = np.asarray(time, dtype=float)
    k = params.parabolic_rate * tafel_factor(current_density, params, temperature)
    return np.sqrt(params.initial_thickness ** 2 + k * t)


def area_resistance(thickness, conductivity: float):
    """R_SEI = delta / sigma_SEI (ohm m^2), in series with the charge-transfer resistance (3)."""
    return np.asarray(thickness, dtype=float) / conductivity


def ohmic_drop(current_density, thickness, conductivity: float):
    """Voltage across the SEI, j delta / sigma_SEI (V), added to the interfacial overpotential."""
    return np.asarray(current_density, dtype=float) * area_resistance(thickness, conductivity)


def li_per_volume_from_capacity(capacity_per_area: float, thickness: float) -> float:
    """c_Li,SEI = (Q_SEI / F) / delta_SEI (mol/m^3) from a measured charge per area and SEI thickness.

    BRIEF §6 (Aktekin et al. 2023): 60 uAh/cm^2 (2160 C/m^2) of Li consumed for ~0.5 um of SEI
    -> 4.48e4 mol/m^3, i.e. 0.58 m of Li metal per m of SEI (with V_m = 1.30e-5 m^3/mol).
    """
    return capacity_per_area / FARADAY / thickness


def li_per_volume_from_composition() -> float:
    """c_Li,SEI (mol/m^3) if the SEI is the full reduction product Li6PS5Cl + 8 Li -> 5 Li2S + Li3P + LiCl,
    with the handbook densities in :data:`SEI_PHASES`: 8 mol Li per 195 cm^3 of products = 4.1e4 mol/m^3
    (within 10 % of the measured 4.48e4: the assumed composition is consistent with the data)."""
    volume = sum(nu * mass / rho for mass, rho, nu in SEI_PHASES.values()) * _CM3_TO_M3
    return LI_PER_LPSCL_REDUCED / volume


def phase_volume_fraction(name: str) -> float:
    """Volume fraction of one phase in the reduction product (4); Li3P: 0.185."""
    volumes = {k: nu * mass / rho for k, (mass, rho, nu) in SEI_PHASES.items()}
    return volumes[name] / sum(volumes.values())


def li_consumed(thickness, params: SeiParameters):
    """Li bound in the SEI, mol/m^2: c_Li,SEI (delta - delta0)."""
    return params.li_per_volume * (np.asarray(thickness, dtype=float) - params.initial_thickness)
