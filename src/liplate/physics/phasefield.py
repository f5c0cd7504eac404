"""Phase-field building blocks (pure functions of arrays).

Order parameter xi: 1 = lithium metal, 0 = solid electrolyte (SE).

Free energy density (Chen et al., J. Power Sources 300, 376 (2015), eq. 1, adapted)::

    f(xi) = g(xi) + (kappa/2) |grad xi|^2,      g(xi) = W xi^2 (1 - xi)^2

The 1D equilibrium profile is the logistic ``xi = 1/(1 + exp(-x/ell))`` with ``ell = sqrt(kappa/(2W))``,
and the interface energy is ``gamma = sqrt(2 kappa W)/6 = W ell / 3``. Hence, for a chosen
interface length ``ell`` (set by the mesh) and the physical ``gamma``::

    W = 3 gamma / ell,      kappa = 2 W ell^2 = 6 gamma ell

The interpolation ``h(xi) = xi^3 (6 xi^2 - 15 xi + 10)`` (h(0)=0, h(1)=1, h'(0)=h'(1)=0) weights
the conductivity and the substrate's wetted state.
"""
from __future__ import annotations

import numpy as np

from .constants import FARADAY


def double_well(xi, W):
    """g(xi) = W xi^2 (1 - xi)^2 (J/m^3)."""
    return W * xi**2 * (1.0 - xi) ** 2


def double_well_prime(xi, W):
    """g'(xi) = 2 W xi (1 - xi)(1 - 2 xi)."""
    return 2.0 * W * xi * (1.0 - xi) * (1.0 - 2.0 * xi)


def double_well_second(xi, W):
    """g''(xi) = 2 W (1 - 6 xi + 6 xi^2)."""
    return 2.0 * W * (1.0 - 6.0 * xi + 6.0 * xi**2)


def interp(xi):
    """h(xi) = xi^3 (6 xi^2 - 15 xi + 10)."""
    return xi**3 * (6.0 * xi**2 - 15.0 * xi + 10.0)


def interp_prime(xi):
    """h'(xi) = 30 xi^2 (1 - xi)^2."""
    return 30.0 * xi**2 * (1.0 - xi) ** 2


def barrier_height(gamma, ell):
    """W = 3 gamma / ell (J/m^3) for interface energy gamma and logistic length ell."""
    return 3.0 * gamma / ell


def gradient_coefficient(gamma, ell):
    """kappa = 6 gamma ell (J/m) for interface energy gamma and logistic length ell."""
    return 6.0 * gamma * ell


def logistic_profile(signed_distance, ell):
    """Equilibrium profile xi(d) = 1/(1 + exp(-d/ell)); d > 0 inside lithium."""
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(signed_distance) / ell))


def interface_velocity(current_density, molar_volume):
    """Normal velocity of a Li|SE interface carrying plating current j (Faraday): v = j V_m / F (m/s)."""
    return np.asarray(current_density) * molar_volume / FARADAY


def reaction_rate(current_density, delta, molar_volume):
    """Volumetric growth rate of xi (1/s) for a local current density j on an interface of delta function delta.

    ``R = delta * j V_m / F``; with ``delta = |grad xi|`` (which integrates to 1 across any monotone
    interface profile) the interface advances with the Faraday velocity and ``F/V_m * int R dV`` is
    exactly the current crossing the interface.
    """
    return np.asarray(delta) * np.asarray(current_density) * molar_volume / FARADAY


def fill_columns(xi, volumes, amount):
    """Add ``amount`` of Li (per column, same unit as ``volumes``) to a (ny, nx) order parameter, filling the
    Li-poor part of each column from the collector (row 0) upwards: each cell takes up to its deficit
    (1 - xi) V, lowest first, so the deposit grows at its top like a film. Returns (new xi, added per
    column); a column takes at most its total deficit."""
    xi = np.asarray(xi, dtype=float)
    deficit = np.clip(1.0 - xi, 0.0, None) * volumes
    before = np.cumsum(deficit, axis=0) - deficit            # deficit of the cells below each cell
    want = np.clip(np.asarray(amount, dtype=float), 0.0, None)
    add = np.clip(want[None, :] - before, 0.0, deficit)
    return xi + add / volumes, add.sum(axis=0)


def drain_columns(xi, volumes, amount):
    """Remove ``amount`` of Li (per column) from a (ny, nx) order parameter, from the top of each column
    downwards (the mirror of :func:`fill_columns`): each cell gives up to its Li xi V, highest first.
    Returns (new xi, removed per column); a column gives at most the Li it holds."""
    xi = np.asarray(xi, dtype=float)
    li = np.clip(xi, 0.0, None) * volumes
    above = np.cumsum(li[::-1], axis=0)[::-1] - li           # Li of the cells above each cell
    want = np.clip(np.asarray(amount, dtype=float), 0.0, None)
    take = np.clip(want[None, :] - above, 0.0, li)
    return xi - take / volumes, take.sum(axis=0)
