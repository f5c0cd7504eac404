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


#: Lateral reach of the wall-cut correction, in interface lengths: a column gets it only where the deposit covers the
#: collector this far on both sides. At 6 ell the logistic tail 1 - xi is 0.25 %: near a contact line, where the
#: collector cuts the diffuse interface on both sides of it alike (what it takes inside, it adds outside), nothing
#: is added.
WALL_CUT_REACH = 6.0


def wall_cut_measure(xi_wall, reach_cells):
    """Interface measure per unit collector area (dimensionless) that the collector cuts off a covering deposit.

    A film of thickness h on the collector has the logistic profile, and |grad xi| integrates over its column to
    xi_wall = 1/(1 + exp(-h/ell)) < 1 instead of 1 (the profile's lower tail lies below the wall): a film a few
    ell thick takes its current through too little interface, and its current density reads high by 1/xi_wall
    (4.7 % at 3 ell). This returns the missing 1 - xi_wall where the collector is covered over +- reach_cells
    columns (weight h(xi_wall), their minimum), and nothing on bare collector or within the reach of a contact
    line. ``xi_wall``: xi at the collector per column; periodic in x."""
    from scipy.ndimage import minimum_filter1d

    x = np.clip(np.asarray(xi_wall, dtype=float), 0.0, 1.0)
    covered = minimum_filter1d(interp(x), size=2 * int(reach_cells) + 1, mode="wrap")
    return covered * (1.0 - x)


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


def add_layer(xi, volumes, y_centres, dx, amount, ell):
    """Add ``amount`` of Li (per column, same unit as ``volumes``) to a (ny, nx) order parameter as a flat layer
    on the collector with the equilibrium profile, xi = logistic((h - y) / ell) cut at the wall
    (:func:`logistic_profile`). h is the continuum height of a layer holding t = amount / dx,
    ell ln(1 + exp(h / ell)) = t; each column's increment max(xi, layer) - xi is then scaled to hold exactly its
    amount (what a cell cannot take above xi = 1 goes into the column from the collector up,
    :func:`fill_columns`). Returns (new xi, added per column).

    A layer put in as full cells (:func:`fill_columns`) is a step in xi that the Allen-Cahn part first relaxes
    into the profile: in that step the layer's interface measure and current are not those of a flat interface
    (the step after a Li2Te-Cu film went into xi that way read its column current 3 % high, 13 % at the peak).
    """
    xi = np.asarray(xi, dtype=float)
    want = np.clip(np.asarray(amount, dtype=float), 0.0, None)
    t = want / dx
    h = ell * np.log(np.expm1(np.clip(t / ell, 1e-9, 700.0)))
    shape = logistic_profile(h[None, :] - np.asarray(y_centres, dtype=float)[:, None], ell)
    inc = np.clip(shape - xi, 0.0, None)
    held = (inc * volumes).sum(axis=0)
    scale = np.divide(want, held, out=np.zeros_like(want), where=held > 0.0)
    new = xi + inc * scale[None, :]
    over = np.clip(new - 1.0, 0.0, None)
    rest = (over * volumes).sum(axis=0) + np.where(held > 0.0, 0.0, want)
    if np.any(rest > 0.0):
        new, _ = fill_columns(new - over, volumes, rest)
    return new, ((new - xi) * volumes).sum(axis=0)


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


def cap_order_parameter(x, y, centre, half_width, theta_deg, ell, period):
    """Equilibrium-like order parameter of a circular cap on the wall y = 0 (arrays x, y of cell centres).

    The cap has base half-width a and meets the wall at theta: circle of radius R = a / sin(theta) centred at
    (centre, -R cos(theta)); xi = logistic(R - distance to the centre) with interface length ell (positive
    inside). x is periodic with ``period``.
    """
    t = np.radians(theta_deg)
    r = half_width / np.sin(t)
    d = (np.asarray(x) - centre + 0.5 * period) % period - 0.5 * period
    dist = np.hypot(d, np.asarray(y) + r * np.cos(t))
    return logistic_profile(r - dist, ell)


def add_shape(xi, shape, volumes, amount):
    """Add exactly ``amount`` of Li (same unit as ``volumes``) to the (ny, nx) order parameter in the shape of
    ``shape`` (an order parameter of the object to add, e.g. :func:`cap_order_parameter`).

    The increment is the union max(xi, shape) - xi scaled to ``amount``; what a cell cannot take above
    xi = 1 is put into the columns the shape touches with :func:`fill_columns` (from the collector up).
    Returns the new xi; the added volume equals ``amount`` to round-off unless the columns are full.
    """
    xi = np.asarray(xi, dtype=float)
    inc = np.clip(np.asarray(shape) - xi, 0.0, None)
    total = float(np.sum(inc * volumes))
    if amount <= 0.0:
        return xi.copy()
    if total <= 0.0:
        inc = np.asarray(shape, dtype=float)
        total = float(np.sum(inc * volumes))
    new = xi + inc * (amount / total)
    over = np.clip(new - 1.0, 0.0, None)
    if np.any(over > 0):
        new = new - over
        per_col = (over * volumes).sum(axis=0)
        new, _ = fill_columns(new, volumes, per_col)
    return new


def add_cap(xi, volumes, x, y, centre, area, theta_deg, ell, period, iterations=6):
    """Put a cap of cross-section ``area`` (m^2 per unit depth) at ``centre`` on the wall into xi (:func:`add_shape`).

    The diffuse cap (logistic profile of length ell, cut at the wall) does not hold the area of the sharp cap
    of the same base: the base half-width is corrected by fixed-point iteration a <- a sqrt(area / held) so
    that the diffuse cap itself holds ``area`` (its xi = 1/2 contour then sits where a sharp cap of that
    volume would), and the last mismatch is removed by :func:`add_shape`'s exact scaling.
    """
    from .nucleation import cap_half_width

    a = float(cap_half_width(area, theta_deg))
    xi = np.asarray(xi, dtype=float)
    for _ in range(iterations):
        shape = cap_order_parameter(x, y, centre, a, theta_deg, ell, period)
        held = float(np.sum(np.clip(shape - xi, 0.0, None) * volumes))
        if held <= 0.0:
            break
        a *= float(np.sqrt(area / held))
    shape = cap_order_parameter(x, y, centre, a, theta_deg, ell, period)
    return add_shape(xi, shape, volumes, area)
