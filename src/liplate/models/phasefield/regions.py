"""Li region bookkeeping: connected Li regions, the per-region volume projection (the Lagrange multipliers of
the Allen-Cahn step) and the Li per collector column. ``li_regions`` and ``project_volume`` are pure functions;
:class:`RegionsMixin` binds them (and the column sums) to the model's grid."""
from __future__ import annotations

import numpy as np
from scipy import ndimage

#: Reach of a Li region beyond its xi > 1/2 cells, in interface lengths: the diffuse interface around it that
#: belongs to it (its logistic tail beyond is < 1/(1 + e^4) = 0.018). A length, not a cell count: the Li in the tail
#: outside every region is handed to all regions (project_volume), a numerical exchange between islands, and a
#: reach of 3 cells (before 2026-12-02: 1.5 ell_y on 0.5 um cells, 0.75 ell_y on 0.25 um cells) let the small
#: islands of the y-refined mesh drain into the large ones (docs/phasefield.md, mesh convergence).
REGION_REACH_IN_INTERFACE_LENGTHS = 4.0


def li_regions(grid, x_centres=None, y_centres=None, width=None, ell_x=1.0, ell_y=1.0,
               reach=REGION_REACH_IN_INTERFACE_LENGTHS):
    """Connected Li regions of the xi ``grid`` (ny, nx) (cell labels 1..n, 0 = none), periodic in x.

    Regions are the connected components of xi > 1/2 (4-connectivity), merged across the periodic
    x boundary; each then claims every cell whose centre lies within ``reach`` interface lengths of one of its
    cells (distance measured with x in units of ell_x and y in units of ell_y, periodic in x), so that the
    diffuse interface around it belongs to it; a cell within reach of several regions goes to the nearest.
    Cells farther from every region keep label 0. Without coordinates the cells are unit squares (x, y in
    cells) and ``reach`` is in cells.
    """
    grid = np.asarray(grid)
    ny, nx = grid.shape
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
    xc = np.arange(nx) + 0.5 if x_centres is None else np.asarray(x_centres, dtype=float)
    yc = np.arange(ny) + 0.5 if y_centres is None else np.asarray(y_centres, dtype=float)
    period = float(nx) if width is None else float(width)
    lab = _claim_within_reach(lab, xc / ell_x, yc / ell_y, period / ell_x, reach)
    return lab.ravel(), m


def _claim_within_reach(lab, xs, ys, period, reach):
    """Give every unlabelled cell within ``reach`` (scaled coordinates xs, ys; x periodic with ``period``) of a
    labelled cell the label of the nearest one (scipy cKDTree, periodic box in x)."""
    from scipy.spatial import cKDTree

    inside = lab > 0
    iy, ix = np.nonzero(inside)
    y_box = 4.0 * (float(ys.max() - min(ys.min(), 0.0)) + reach) + 1.0       # not periodic in y
    pts = np.column_stack([np.mod(xs[ix], period), ys[iy] - min(ys.min(), 0.0)])
    tree = cKDTree(pts, boxsize=[period, y_box])
    rows = np.flatnonzero(ys <= ys[iy].max() + reach)                           # rows within reach at all
    qy, qx = np.meshgrid(rows, np.arange(xs.size), indexing="ij")
    free = ~inside[qy, qx]
    qy, qx = qy[free], qx[free]
    q = np.column_stack([np.mod(xs[qx], period), ys[qy] - min(ys.min(), 0.0)])
    dist, idx = tree.query(q, distance_upper_bound=reach * (1.0 + 1e-12))
    hit = np.isfinite(dist)
    out = lab.copy()
    out[qy[hit], qx[hit]] = lab[iy[idx[hit]], ix[idx[hit]]]
    return out


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
        """Connected Li regions of ``xi`` (cell labels, count): :func:`li_regions` on the model grid, each
        reaching REGION_REACH_IN_INTERFACE_LENGTHS interface lengths beyond its xi > 1/2 cells."""
        return li_regions(self._grid(xi), self.x_centres, self.y_centres, self.width, self.ell_x, self.ell_y)

    def _project_volume(self, xi_new, xi_old, growth, dt, debit, regions):
        """Volume projection, one multiplier per Li region: :func:`project_volume` with the cell volumes."""
        return project_volume(xi_new, xi_old, growth, dt, debit, regions, self.volumes)

    def _column_li(self, xi):
        return self._grid(np.clip(xi, 0.0, None) * self.volumes).sum(axis=0)
