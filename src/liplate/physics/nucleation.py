"""Heterogeneous nucleation of lithium on the collector (classical nucleation theory) and seeded nuclei.

Classical heterogeneous nucleation (e.g. Pei et al., Nano Lett. 17, 1132 (2017); Markov,
*Crystal Growth for Beginners*, ch. 2): a spherical-cap nucleus at overpotential eta has the barrier

    dG*(eta) = f(theta) 16 pi gamma^3 v^2 / (3 (e eta)^2),   f(theta) = (2 + cos theta)(1 - cos theta)^2 / 4

with v = V_m / N_A the volume per Li atom. Nucleation becomes observable when the rate
J0 exp(-dG*/k_B T) reaches a detectable value, i.e. dG* = k_B T ln(J0/J_obs) = k_B T Lambda, so

    eta_n(theta) = sqrt( f(theta) 16 pi gamma^3 v^2 / (3 e^2 k_B T Lambda) )

``Lambda`` (~50 for heterogeneous nucleation: J0 ~ 1e25-1e30 m^-2 s^-1 against ~1e4 observed) is
an order-of-magnitude input; eta_n depends on it only as Lambda^-1/2. eta_n gates the deposition
on bare substrate in the phase-field model (progressive nucleation). The peak of the voltage
transient that an experimenter reads as "nucleation overpotential" is *not* eta_n: in the model
it comes out of the run (nuclei carry the whole current at first).

Initial (instantaneous) nuclei: their areal density is a substrate parameter. The Cu value is
calibrated on the observed 100-200 um islands (BRIEF §2); other substrates scale it with the
kMC rate ratio of BRIEF §3-4 (kMC: substrate coverage by nuclei rises with k_Li-sub/k_Li-Li;
assumed here proportional to it). Positions are random, reproducible for a given seed.
"""
from __future__ import annotations

import math

import numpy as np

from .constants import BOLTZMANN_EV, ELEMENTARY_CHARGE, FARADAY

AVOGADRO = FARADAY / ELEMENTARY_CHARGE


def shape_factor(theta_deg):
    """f(theta) = (2 + cos theta)(1 - cos theta)^2 / 4: heterogeneous / homogeneous barrier ratio."""
    c = np.cos(np.radians(theta_deg))
    return (2.0 + c) * (1.0 - c) ** 2 / 4.0


def nucleation_barrier(eta, theta_deg, gamma, molar_volume):
    """dG*(eta) (J) of a spherical-cap nucleus at overpotential eta (V) on a substrate with angle theta."""
    v = molar_volume / AVOGADRO
    return shape_factor(theta_deg) * 16.0 * math.pi * gamma**3 * v**2 / (3.0 * (ELEMENTARY_CHARGE * eta) ** 2)


def nucleation_overpotential(theta_deg, gamma, molar_volume, temperature, log_rate_ratio=50.0):
    """eta_n (V, > 0): overpotential at which dG* = k_B T Lambda (onset of observable nucleation)."""
    v = molar_volume / AVOGADRO
    kt = BOLTZMANN_EV * ELEMENTARY_CHARGE * temperature
    return math.sqrt(shape_factor(theta_deg) * 16.0 * math.pi * gamma**3 * v**2
                     / (3.0 * ELEMENTARY_CHARGE**2 * kt * log_rate_ratio))


def nucleation_gate(eta, eta_n, width):
    """Smooth 0 -> 1 switch of bare-substrate deposition as the plating overpotential |eta| passes eta_n.

    ``1 / (1 + exp(-(-eta - eta_n)/width))`` (eta < 0 while plating).
    """
    z = np.clip((-np.asarray(eta) - eta_n) / width, -60.0, 60.0)
    return 1.0 / (1.0 + np.exp(-z))


def nucleus_count(width, areal_density):
    """Number of nuclei in a 2D window of periodic width ``width``: linear density sqrt(areal density)."""
    return max(1, int(round(width * math.sqrt(areal_density))))


def place_nuclei(width, count, seed, min_spacing_fraction=0.5, max_tries=100000):
    """Centres (m) of ``count`` nuclei on a periodic line of length ``width``, reproducible for ``seed``.

    Random sequential placement with an exclusion distance ``min_spacing_fraction * width / count``
    (nuclei cannot form inside the depletion zone of a neighbour). Sorted ascending.
    """
    rng = np.random.default_rng(seed)
    d_min = min_spacing_fraction * width / count
    centres: list[float] = []
    tries = 0
    while len(centres) < count:
        tries += 1
        if tries > max_tries:
            raise ValueError(f"cannot place {count} nuclei {d_min:g} m apart on {width:g} m")
        x = rng.uniform(0.0, width)
        if all(min(abs(x - c), width - abs(x - c)) >= d_min for c in centres):
            centres.append(x)
    return np.sort(np.array(centres))
