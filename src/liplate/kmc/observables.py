"""Observables of a deposit given as column heights (2D: shape (L,); 3D: shape (L, L)).

* coverage: fraction of substrate sites under Li (height >= 1);
* tip height: the tallest column (sites; times the lattice constant in m);
* nuclei: connected clusters of covered sites (nearest-neighbour connectivity, periodic);
* spacing: 2D ``L a / N`` (mean centre-to-centre distance along the line), 3D ``sqrt(A / N)``;
* nucleus density per m^2: 3D ``N / A``; 2D ``(N / (L a))^2`` (the line density squared, i.e. an
  isotropic 2D pattern with the same spacing).
"""
from __future__ import annotations

import math

import numpy as np


def coverage(h: np.ndarray) -> float:
    return float(np.count_nonzero(h)) / h.size


def tip_height(h: np.ndarray) -> int:
    return int(h.max()) if h.size else 0


def nucleus_count(h: np.ndarray) -> int:
    """Number of periodic nearest-neighbour clusters of covered sites."""
    occ = np.asarray(h) > 0
    if not occ.any():
        return 0
    if occ.all():
        return 1
    if occ.ndim == 1:
        # A cluster starts where a covered site follows a bare one (periodic ring).
        return int(np.count_nonzero(occ & ~np.roll(occ, 1)))
    from scipy import ndimage

    labels, n = ndimage.label(occ)
    parent = list(range(n + 1))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    def union_edges(e1: np.ndarray, e2: np.ndarray) -> None:
        for a, b in zip(e1.tolist(), e2.tolist(), strict=True):
            if a and b:
                ra, rb = find(a), find(b)
                if ra != rb:
                    parent[ra] = rb

    union_edges(labels[:, 0], labels[:, -1])
    union_edges(labels[0, :], labels[-1, :])
    return len({find(a) for a in range(1, n + 1)})


def spacing_sites(h: np.ndarray, n_nuclei: int) -> float | None:
    """Mean nucleus spacing in lattice units (None without nuclei)."""
    if n_nuclei <= 0:
        return None
    if h.ndim == 1:
        return h.size / n_nuclei
    return math.sqrt(h.size / n_nuclei)


def density_per_site_area(h: np.ndarray, n_nuclei: int) -> float:
    """Nuclei per a^2 of substrate (see the module docstring for 2D)."""
    if h.ndim == 1:
        return (n_nuclei / h.size) ** 2
    return n_nuclei / h.size


def measure(h: np.ndarray, a: float) -> dict:
    """All observables of one deposit; lengths in sites and in m (``a``: lattice constant)."""
    h = np.asarray(h)
    n = nucleus_count(h)
    sp = spacing_sites(h, n)
    covered = h[h > 0]
    return {
        "atoms": int(h.sum()),
        "coverage": coverage(h),
        "tip_height_sites": tip_height(h),
        "tip_height_m": tip_height(h) * a,
        "mean_height_covered_sites": float(covered.mean()) if covered.size else 0.0,
        "mean_thickness_sites": float(h.mean()),
        "roughness_sites": float(h.std()),
        "nucleus_count": n,
        "spacing_sites": sp,
        "spacing_m": sp * a if sp is not None else None,
        "nucleus_density_per_m2": density_per_site_area(h, n) / (a * a),
    }
