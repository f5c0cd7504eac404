"""Li region bookkeeping: connected Li regions, the per-region volume projection (the Lagrange multipliers of
the Allen-Cahn step) and the Li per collector column. ``li_regions`` and ``project_volume`` are pure functions;
:class:`RegionsMixin` binds them (and the column sums) to the model's grid."""
from __future__ import annotations

import numpy as np
from scipy import ndimage

_REGION_DILATION = 3   # cells: the diffuse interface around xi > 1/2 that belongs to a Li region


def li_regions(grid):
    """Connected Li regions of the xi ``grid`` (ny, nx) (cell labels 1..n, 0 = none), periodic in x.

    Regions are the connected components of xi > 1/2 (4-connectivity), merged across the periodic
    x boundary; each is then dilated by ``_REGION_DILATION`` cells (periodic in x) so that the diffuse
    interface around it belongs to it. Cells claimed by two regions go to the larger label; cells
    farther from any region keep label 0.
    """
    g = grid > 0.5
    lab, n = ndimage.label(g)
    if n == 0:
        return lab.ravel(), 0
    parent = np.arange(n + 1)

    def find(a):
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for a, b in zip(lab[:, 0], lab[:, -1], strict=True):
        if a and b:
            ra, rb = find(a), find(b)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
    roots = np.array([find(a) for a in range(n + 1)])
    _, compact = np.unique(roots, return_inverse=True)   # root 0 -> 0, regions -> 1..m
    lab = compact[lab]
    m = int(lab.max())
    for _ in range(_REGION_DILATION):
        nb = np.maximum(np.roll(lab, 1, axis=1), np.roll(lab, -1, axis=1))
        nb[1:] = np.maximum(nb[1:], lab[:-1])
        nb[:-1] = np.maximum(nb[:-1], lab[1:])
        lab = np.where(lab > 0, lab, nb)
    return lab.ravel(), m


def project_volume(xi_new, xi_old, growth, dt, debit, regions, volumes):
    """Volume projection onto w = xi (1 - xi), one multiplier per Li region.

    In each region the Allen-Cahn change of the Li volume, sum (xi_new - xi_old - dt growth) dV, is
    removed by xi -= err_r w / sum_r w dV, so no Li moves between separate islands. The cells outside
    every region (label 0: the tails of the interfaces, any stray xi < 1/2 away from the deposit) are
    not a region of their own: the double well is free to take their Li back to 0, and that change is
    handed to the regions in proportion to their sum w dV. (Conserving it in place kept a diffuse xi
    ~ 0.1-0.2 "fog" alive between the Cu islands: every sweep put back what the double well removed.)
    The seed debit is shared between the regions in proportion to their Faraday growth. Without any
    region, or when the regions have no interface cells, one multiplier over the whole domain
    (plated Li = passed charge to solver tolerance in every case).
    """
    labels, m = regions
    w = np.clip(xi_new * (1.0 - xi_new), 0.0, None)
    wv = w * volumes
    gv = dt * growth * volumes
    ac = (xi_new - xi_old) * volumes - gv
    k = m + 1
    err = np.bincount(labels, weights=ac, minlength=k)
    wsum = np.bincount(labels, weights=wv, minlength=k)
    total = float(err.sum()) + debit
    if m == 0 or float(wsum[1:].sum()) <= 0.0:
        wtot = float(wv.sum())
        return xi_new - (total / wtot) * w if wtot > 0 else xi_new
    grow = np.bincount(labels, weights=np.clip(gv, 0.0, None), minlength=k)[1:]
    share = wsum[1:] / wsum[1:].sum()
    err_r = err[1:] + err[0] * share
    gsum = float(grow.sum())
    err_r = err_r + debit * (grow / gsum if gsum > 0 else share)
    lam = np.concatenate([[0.0], np.divide(err_r, wsum[1:], out=np.zeros(m), where=wsum[1:] > 0)])
    # a region without interface cells (all xi = 1 or 0) hands its error to the others
    rest = float(np.sum(err_r[wsum[1:] <= 0]))
    xi_new = xi_new - lam[labels] * w
    if rest != 0.0:
        wreg = float(wsum[1:].sum())
        xi_new = xi_new - rest * w * (labels > 0) / wreg
    return xi_new


class RegionsMixin:
    """Region and column helpers on the model's grid (methods of PhaseFieldModel)."""

    def _li_regions(self, xi):
        """Connected Li regions of ``xi`` (cell labels, count): :func:`li_regions` on the model grid."""
        return li_regions(self._grid(xi))

    def _project_volume(self, xi_new, xi_old, growth, dt, debit, regions):
        """Volume projection, one multiplier per Li region: :func:`project_volume` with the cell volumes."""
        return project_volume(xi_new, xi_old, growth, dt, debit, regions, self.volumes)

    def _column_li(self, xi):
        return self._grid(np.clip(xi, 0.0, None) * self.volumes).sum(axis=0)
