"""Metrics of a deposit on a periodic 2D cross-section (pure functions of arrays, SI in, SI out).

Arrays of cell values are laid out as FiPy's Grid2D orders them: reshape to ``(ny, nx)``,
row 0 at the collector (y = 0), x periodic.
"""
from __future__ import annotations

import numpy as np

from .units import C_M2_PER_MAH_CM2


def column_thickness(xi_2d, dy):
    """Deposit thickness per column (m): h(x) = sum_j xi(x, y_j) dy_j (Li volume per collector area)."""
    return np.asarray(xi_2d).T @ np.asarray(dy, dtype=float)


def thickness_stats(thickness):
    """(mean, standard deviation) of the per-column thickness (m), uniform columns."""
    t = np.asarray(thickness, dtype=float)
    return float(t.mean()), float(t.std())


def wetted_mask(xi_wall, threshold=0.5):
    """Collector cells covered by Li: xi in the wall row at or above ``threshold``."""
    return np.asarray(xi_wall) >= threshold


def wetted_fraction(xi_wall, threshold=0.5, dx=None):
    """Fraction of the collector length covered by Li (cell widths ``dx``; uniform if None)."""
    mask = wetted_mask(xi_wall, threshold)
    if dx is None:
        return float(mask.mean())
    dx = np.broadcast_to(np.asarray(dx, dtype=float), mask.shape)
    return float(dx[mask].sum() / dx.sum())


def runs_periodic(mask):
    """Lengths (in cells) of the runs of True in a periodic 1D mask; one run if all True, none if all False."""
    mask = np.asarray(mask, dtype=bool)
    n = mask.size
    if n == 0 or not mask.any():
        return np.array([], dtype=int)
    if mask.all():
        return np.array([n])
    # rotate so that index 0 is the start of a dry cell: no run wraps around the end
    start = int(np.argmin(mask))
    m = np.roll(mask, -start)
    padded = np.concatenate([[False], m, [False]]).astype(np.int8)
    d = np.diff(padded)
    starts, ends = np.nonzero(d == 1)[0], np.nonzero(d == -1)[0]
    return ends - starts


def label_runs_periodic(mask):
    """Label the runs of True in a periodic 1D mask: 0 where False, 1..k along the runs (a run that wraps around
    the end keeps one label)."""
    mask = np.asarray(mask, dtype=bool)
    start = np.flatnonzero(mask & ~np.roll(mask, 1))            # first cell of each run
    if start.size == 0:
        return np.where(mask, 1, 0)                             # all True: one run (or none)
    first = np.zeros(mask.size, dtype=int)
    first[start] = 1
    lab = np.cumsum(first)
    lab[:start[0]] = start.size                                 # the cells before the first start close the last run
    return np.where(mask, lab, 0)


def islands(xi_wall, dx, threshold=0.5, min_cells=1):
    """Islands of Li on the collector: (count, widths in m). Periodic in x; a fully wet wall is one island.

    Runs shorter than ``min_cells`` cells are ignored (a single stray wet cell is not an island).
    """
    runs = runs_periodic(wetted_mask(xi_wall, threshold))
    runs = runs[runs >= min_cells]
    return int(runs.size), runs * float(dx)


def focusing_factors(j_local, weight, j_applied):
    """Current focusing at the Li|SE interface: (peak, mean) of j_local / j_applied.

    ``weight`` is the interface measure of each sample (e.g. |grad xi| dV); samples with zero weight
    are ignored. The mean is weighted by interface area, so for a fully covered flat collector it
    is 1 and for islands covering a fraction w of the collector it is about 1/w.
    """
    j = np.asarray(j_local, dtype=float)
    w = np.asarray(weight, dtype=float)
    sel = w > 0
    if not sel.any() or j_applied == 0:
        return float("nan"), float("nan")
    ratio = j[sel] / j_applied
    return float(ratio.max()), float(np.sum(ratio * w[sel]) / np.sum(w[sel]))


def top_height(xi_2d, y_faces, threshold=0.5):
    """Height (m) of the highest point of each column where xi >= threshold (0 where none)."""
    xi_2d = np.asarray(xi_2d)
    y_top = np.asarray(y_faces)[1:]
    li = xi_2d >= threshold
    idx = np.where(li.any(axis=0), xi_2d.shape[0] - 1 - np.argmax(li[::-1], axis=0), -1)
    return np.where(idx >= 0, y_top[np.clip(idx, 0, None)], 0.0)


def penetration_depth(xi_2d, y_faces, dy, threshold=0.5):
    """How far the deposit reaches into the SE beyond a flat film of the same volume (m, >= 0).

    max over columns of (top height) - mean column thickness. A uniform film gives ~0 (within a
    cell); an island or a filament gives its height above the mean Faraday level.
    """
    h_top = top_height(xi_2d, y_faces, threshold)
    mean = float(column_thickness(xi_2d, dy).mean())
    return float(max(0.0, h_top.max() - mean))


#: Charge per collector area (C/m^2) within which the first-plating transient is read: 0.1 mAh/cm^2
#: (3600 C/m^2), i.e. the first 12 min at 0.5 mA/cm^2, 6 min at 1 mA/cm^2. A definition, not a fitted number:
#: long enough to hold the nucleation peak of the model's Cu runs (at ~0.04 mAh/cm^2) and short against the
#: 1 mAh/cm^2 first plating of BRIEF §2, so that slow SEI growth and island spreading count little.
FIRST_PLATING_CHARGE = 0.1 * C_M2_PER_MAH_CM2


def first_plating_voltage(charge, voltage, window=FIRST_PLATING_CHARGE, substep_peak=None):
    """The nucleation peak of a galvanostatic first-plating curve, as the paper reads it (BRIEF §2).

    ``charge`` (C/m^2, passed) and ``voltage`` (V, cell voltage vs the Li counter electrode, negative while
    plating) are the rows of a time series. Only rows with 0 < charge <= ``window`` count (the t = 0 row
    carries no current). Returns ``(peak, plateau)`` in V, both magnitudes:

    * ``peak`` = max |V| in the window: the magnitude of the cell voltage at its peak (SE ohmic drop and
      counter electrode included): the paper's "nucleation (peak) overpotential";
    * ``plateau`` = min |V| after the peak, within the same window: the level the transient relaxes to.
      ``peak - plateau`` >= 0 is the overshoot; 0 when |V| rises through the whole window (no peak).

    (None, None) when no row falls in the window. ``substep_peak`` (V, the model's ``voltage_peak``: the most
    negative cell voltage over every sub-step of the window) replaces the rows' peak where its magnitude is larger:
    the nucleation transient is sub-stepped inside one output step, so the rows alone sample the double-layer ramp
    where a step happens to end.
    """
    q = np.asarray(charge, dtype=float)
    v = np.abs(np.asarray(voltage, dtype=float))
    sel = (q > 0.0) & (q <= window * (1.0 + 1e-9)) & np.isfinite(v)
    if not sel.any():
        return None, None
    v = v[sel]
    i_peak = int(np.argmax(v))
    peak = float(v[i_peak])
    if substep_peak is not None:
        peak = max(peak, -float(substep_peak))
    return peak, float(v[i_peak:].min())
