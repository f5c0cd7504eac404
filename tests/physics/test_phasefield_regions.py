"""Li regions of the phase field (models/phasefield/regions.py): each connected Li region (xi > 1/2) owns the
diffuse interface within a reach stated in interface lengths, whatever the cells, and the volume projection
moves no Li between regions. Before 2026-12-02 the reach was 3 cells, so refining the mesh in y halved it and
let the small Cu islands drain into the large ones through the tails left outside every region (wetted 0.86
on the production mesh, 0.69 on 2x in y; docs/phasefield.md, "Mesh convergence")."""
import numpy as np
import pytest

import liplate.case  # noqa: F401  (the schema first: liplate.models.phasefield imports it back)
from liplate.models.phasefield.regions import REGION_REACH_IN_INTERFACE_LENGTHS, li_regions, project_volume
from liplate.physics.phasefield import logistic_profile

ELL = 1e-6
WIDTH = 100e-6


def two_islands(dx, dy, height=12e-6):
    """Two flat-topped islands (x 10-30 um, 3 um high; x 60-90 um, 2 um high) as logistic profiles of length
    ELL on cells dx x dy; returns (xi grid, x centres, y centres, cell volumes)."""
    xc = (np.arange(round(WIDTH / dx)) + 0.5) * dx
    yc = (np.arange(round(height / dy)) + 0.5) * dy
    X, Y = np.meshgrid(xc, yc)
    xi = np.zeros_like(X)
    for lo, hi, h in ((10e-6, 30e-6, 3e-6), (60e-6, 90e-6, 2e-6)):
        d = np.minimum(np.minimum(X - lo, hi - X), h - Y)
        xi = np.maximum(xi, logistic_profile(d, ELL))
    return xi, xc, yc, np.full(xi.shape, dx * dy)


def claimed(dx, dy):
    xi, xc, yc, _ = two_islands(dx, dy)
    lab, m = li_regions(xi, xc, yc, WIDTH, ELL, ELL)
    return lab.reshape(xi.shape), xc, yc, m


def test_region_reach_is_a_length_not_a_cell_count():
    """The same islands on 1 x 0.5 um and 0.5 x 0.25 um cells: each region reaches REGION_REACH interface
    lengths above its top and beside its flank on both meshes (to within a cell)."""
    reach = REGION_REACH_IN_INTERFACE_LENGTHS * ELL
    for dx, dy in ((1e-6, 0.5e-6), (0.5e-6, 0.25e-6)):
        lab, xc, yc, m = claimed(dx, dy)
        assert m == 2
        col = np.argmin(np.abs(xc - 20e-6))                   # over the middle of the 3 um island
        top = yc[lab[:, col] == 1].max()
        top_half = yc[xi_col(dx, dy, col) > 0.5].max()
        assert abs(top - (top_half + reach)) <= dy
        row = 0                                              # along the collector, right of the 2 um island
        right = xc[lab[row] == 2].max()
        right_half = xc[two_islands(dx, dy)[0][row] > 0.5].max()
        assert abs(right - (right_half + reach)) <= dx


def xi_col(dx, dy, col):
    return two_islands(dx, dy)[0][:, col]


def test_a_cell_within_reach_of_two_regions_goes_to_the_nearer():
    xi = np.zeros((4, 20))
    xi[:2, 2:6] = 1.0
    xi[:2, 13:16] = 1.0
    lab, m = li_regions(xi, reach=4.0)            # unit cells, reach in cells
    lab = lab.reshape(xi.shape)
    assert m == 2
    assert lab[0, 6:10].tolist() == [1, 1, 1, 1]   # 1-4 cells from the first, 4-7 from the second
    assert lab[0, 10:13].tolist() == [2, 2, 2]
    assert lab[0, 18] == 2 and lab[0, 19] == 1     # periodic in x: cell 19 is 4 from cell 15, 3 from cell 2


def test_regions_merge_across_the_periodic_boundary():
    xi = np.zeros((3, 12))
    xi[0, :2] = xi[0, -2:] = 1.0
    lab, m = li_regions(xi, reach=1.0)
    assert m == 1
    assert set(lab.reshape(xi.shape)[0].tolist()) == {0, 1}


@pytest.mark.parametrize("dx, dy", [(1e-6, 0.5e-6), (0.5e-6, 0.25e-6)])
def test_volume_projection_moves_no_li_between_the_islands(dx, dy):
    """An Allen-Cahn-like change (5 % of xi(1 - xi)) that would shrink one island and grow the other: after the
    projection each region keeps its Li but for its share of the change in the far tails outside both regions,
    which the projection hands to all regions: 0.27 % of what the change moved on both meshes (reach 4 ell).
    With the former reach of 3 cells (1.5 ell in y on 0.5 um cells, 0.75 ell on 0.25 um) the same check gives
    3.2 % and 7.8 %: that was the exchange that drained the small islands."""
    xi, xc, yc, vol = two_islands(dx, dy)
    regions = li_regions(xi, xc, yc, WIDTH, ELL, ELL)
    lab = regions[0].reshape(xi.shape)
    X, _ = np.meshgrid(xc, yc)
    change = np.where(X < 45e-6, -0.05, 0.05) * xi * (1 - xi)
    new = project_volume((xi + change).ravel(), xi.ravel(), np.zeros(xi.size), 1.0, 0.0, regions, vol.ravel())
    new = new.reshape(xi.shape)
    for r in (1, 2):
        before = float(np.sum((xi * vol)[lab == r]))
        after = float(np.sum((new * vol)[lab == r]))
        moved = float(np.sum(np.abs(change * vol)[lab == r]))
        assert abs(after - before) <= 5e-3 * moved
