"""Progressive heterogeneous nucleation and sub-grid nuclei (physics/nucleation.py, physics/phasefield.py).

- the 2D cap (ridge) geometry (area, arc, height of a circular segment meeting the wall at theta) against a
  direct numerical integration of the circle; the 3D spherical cap (volume, free surface) against quadrature
  of the solid of revolution, the hemisphere and V = (4/3) pi R^3 f(theta);
- a nucleus of the window stands for a row of 3D caps: the rows of N nuclei hold N^2/W caps per depth (the
  areal density n2 W); the row's caps merge into a ridge once they touch along z;
- the classical rate J = (j0/e) exp(-dG*/kT) is consistent with the onset overpotential eta_n (dG* = Lambda kT
  there) and the step limit bounds the change of the barrier;
- sub-grid nuclei: growth is Faraday's law on the caps' surface spread over the cells a base spans, nucleation
  is reproducible for a seed, counts floor(W sqrt(n2)) nuclei and gives them the 3D critical radius;
- a cap put into the order parameter holds exactly its Li and meets the wall at theta.
"""
import math

import numpy as np
import pytest

from liplate.physics import nucleation as nuc
from liplate.physics import phasefield as pf
from liplate.physics import wetting
from liplate.physics.constants import FARADAY

GAMMA, VM, T, J0 = 0.556, 1.30e-5, 298.0, 320.0


@pytest.mark.parametrize("theta", [7.3, 30.0, 81.0, 90.0, 120.0])
def test_cap_geometry_matches_the_circle(theta):
    a = 3e-6
    t = math.radians(theta)
    r = a / math.sin(t)
    yc = -r * math.cos(t)
    assert nuc.cap_area(a, theta) == pytest.approx(_area_above_wall(r, yc), rel=1e-6)
    assert nuc.cap_height(a, theta) == pytest.approx(yc + r, rel=1e-12)
    assert nuc.cap_half_width(nuc.cap_area(a, theta), theta) == pytest.approx(a, rel=1e-12)
    # arc length: the circle above the wall, by summing chords
    phi = np.linspace(-t, t, 200001)
    px, py = r * np.sin(phi), yc + r * np.cos(phi)
    assert nuc.cap_arc_length(a, theta) == pytest.approx(np.sum(np.hypot(np.diff(px), np.diff(py))), rel=1e-8)


def _area_above_wall(r, yc):
    """Area of the disc of radius r centred at (0, yc) above y = 0 (for theta > 90 deg), by quadrature in y."""
    y = np.linspace(0.0, yc + r, 400001)
    f = 2.0 * np.sqrt(np.clip(r**2 - (y - yc) ** 2, 0.0, None))
    return float(np.sum(0.5 * (f[1:] + f[:-1]) * np.diff(y)))          # trapezoidal rule


@pytest.mark.parametrize("theta", [1.0, 7.3, 30.0, 81.0, 90.0, 120.0])
def test_spherical_cap_matches_the_solid_of_revolution(theta):
    a = 3e-6
    t = math.radians(theta)
    r = a / math.sin(t)
    yc = -r * math.cos(t)
    # volume: discs of radius sqrt(R^2 - (y - yc)^2) from the wall to the apex
    y = np.linspace(0.0, yc + r, 400001)
    disc = math.pi * np.clip(r**2 - (y - yc) ** 2, 0.0, None)
    volume = float(np.sum(0.5 * (disc[1:] + disc[:-1]) * np.diff(y)))
    assert nuc.spherical_cap_volume(a, theta) == pytest.approx(volume, rel=1e-6)
    assert nuc.spherical_cap_volume(a, theta) == pytest.approx(
        4.0 / 3.0 * math.pi * r**3 * nuc.shape_factor(theta), rel=1e-12)           # V = V_sphere(R) f(theta)
    assert nuc.spherical_cap_volume(a, theta) == pytest.approx(
        math.pi * a**3 * (2 - 3 * math.cos(t) + math.cos(t) ** 3) / (3 * math.sin(t) ** 3), rel=1e-6)
    # free surface: the arc from the axis to the contact line, revolved about the axis (Pappus)
    phi = np.linspace(0.0, t, 200001)
    px, py = r * np.sin(phi), yc + r * np.cos(phi)
    ds = np.hypot(np.diff(px), np.diff(py))
    surface = float(np.sum(2.0 * math.pi * 0.5 * (px[1:] + px[:-1]) * ds))
    assert nuc.spherical_cap_surface(a, theta) == pytest.approx(surface, rel=1e-8)
    assert nuc.spherical_cap_surface(a, theta) == pytest.approx(2 * math.pi * r**2 * (1 - math.cos(t)), rel=1e-9)
    assert nuc.spherical_cap_base_radius(nuc.spherical_cap_volume(a, theta), theta) == pytest.approx(a, rel=1e-12)


def test_hemisphere_and_critical_nucleus():
    a = 2e-6
    assert nuc.spherical_cap_volume(a, 90.0) == pytest.approx(2.0 / 3.0 * math.pi * a**3, rel=1e-12)
    assert nuc.spherical_cap_surface(a, 90.0) == pytest.approx(2.0 * math.pi * a**2, rel=1e-12)
    # the critical nucleus of a sphere: 2 gamma V_m / r* = F |eta|, and dG* = f (4/3) pi r*^2 gamma per nucleus
    eta = -0.3
    r_star = nuc.critical_radius(eta, GAMMA, VM)
    assert 2.0 * GAMMA * VM / r_star == pytest.approx(FARADAY * 0.3, rel=1e-12)
    kt = 1.380649e-23 * T
    dg = nuc.barrier_over_kt(eta, 81.0, GAMMA, VM, T) * kt
    assert dg == pytest.approx(nuc.shape_factor(81.0) * 4.0 / 3.0 * math.pi * r_star**2 * GAMMA, rel=1e-6)


def test_rows_of_the_window_hold_the_areal_density():
    """The window's i-th nucleus stands for (2i - 1)/W caps per depth: N nuclei, N^2/W = n2 W."""
    width = 600e-6
    for n in (1, 2, 7, 100):
        rows = nuc.row_density(np.arange(1, n + 1), width)
        n2 = (n / width) ** 2                                         # line_count: N = W sqrt(n2)
        assert nuc.line_count(n2, width) == n
        assert rows.sum() == pytest.approx(n2 * width, rel=1e-12)
    assert nuc.row_density(1, width) == pytest.approx(1.0 / width)    # the first nucleus: caps W apart


@pytest.mark.parametrize("theta", [7.3, 81.0])
def test_rate_is_consistent_with_the_onset_overpotential(theta):
    lam = 50.0
    eta_n = nuc.nucleation_overpotential(theta, GAMMA, VM, T, lam)
    assert nuc.barrier_over_kt(-eta_n, theta, GAMMA, VM, T) == pytest.approx(lam, rel=1e-12)
    assert nuc.nucleation_rate(-eta_n, theta, GAMMA, VM, T, J0) == pytest.approx(J0 / 1.602176634e-19
                                                                                 * math.exp(-lam), rel=1e-10)
    etas = -np.linspace(0.5, 2.0, 7) * eta_n
    rates = nuc.nucleation_rate(etas, theta, GAMMA, VM, T, J0)
    assert np.all(np.diff(rates) > 0)                                  # faster the more negative eta
    assert nuc.nucleation_rate(0.0, theta, GAMMA, VM, T, J0) == 0.0     # no nucleation at rest or stripping
    assert nuc.nucleation_rate(1e-3, theta, GAMMA, VM, T, J0) == 0.0
    # the step limit: moving eta by it changes dG*/kT by ~1
    eta = -1.2 * eta_n
    d = nuc.barrier_step_limit(eta, theta, GAMMA, VM, T)
    change = nuc.barrier_over_kt(eta, theta, GAMMA, VM, T) - nuc.barrier_over_kt(eta - d, theta, GAMMA, VM, T)
    assert change == pytest.approx(1.0, rel=0.1)


def test_subgrid_growth_is_faraday_on_the_cap_surface():
    width = 100e-6
    n = nuc.CollectorNuclei(width, 100, 81.0)
    n.count[[10, 50]] = [1.0, 2.0]
    n.rows[[10, 50]] = [1.0 / width, 4.0 / width]                  # the window's nuclei 1 and (2, 3)... any rows
    n.area[[10, 50]] = [nuc.spherical_cap_volume(0.1e-6, 81.0) / width,
                        4.0 / width * nuc.spherical_cap_volume(0.2e-6, 81.0)]
    spread, covered = n.spread()
    assert covered[[10, 50]] == pytest.approx([0.2, 0.8])           # bases (2a per nucleus) over dx = 1 um
    j = np.zeros(100)
    j[10], j[50] = 50.0, 80.0
    arc = n.interface_per_cell(spread)
    # the caps' surface per depth: caps per depth x 2 pi R^2 (1 - cos theta)
    assert arc[[10, 50]] == pytest.approx([nuc.spherical_cap_surface(0.1e-6, 81.0) / width,
                                           4.0 / width * nuc.spherical_cap_surface(0.2e-6, 81.0)])
    added = n.grow(2.0, j, VM, spread)
    assert added == pytest.approx(2.0 * (50.0 * arc[10] + 80.0 * arc[50]) * VM / FARADAY, rel=1e-12)


def test_a_wide_nucleus_spreads_its_surface_over_the_cells_it_spans():
    n = nuc.CollectorNuclei(100e-6, 100, 90.0)
    n.count[40] = 1.0
    n.rows[40] = 1.0 / 50e-6                             # caps 50 um apart along z
    n.area[40] = n.rows[40] * nuc.spherical_cap_volume(2.0e-6, 90.0)   # base 38.5-42.5 um: cells 38 (half) to 42
    spread, covered = n.spread()
    arc = n.interface_per_cell(spread)
    assert np.flatnonzero(arc).tolist() == [38, 39, 40, 41, 42]
    assert arc.sum() == pytest.approx(n.rows[40] * nuc.spherical_cap_surface(2.0e-6, 90.0))
    assert covered[38:43] == pytest.approx([0.5, 1, 1, 1, 0.5])
    # the current a cell passes to a nucleus is what the cell's share of its surface carries
    j = np.zeros(100)
    j[38:43] = 10.0
    assert n.grow(1.0, j, VM, spread) == pytest.approx(10.0 * arc.sum() * VM / FARADAY, rel=1e-12)


def test_nucleation_counts_and_is_reproducible():
    width, cells = 600e-6, 600
    eta = np.full(cells, -0.45)
    rate = nuc.nucleation_rate(eta, 81.0, GAMMA, VM, T, J0)
    bare = np.ones(cells)
    bare[:300] = 0.0                                              # half the collector wetted: none there

    def run(seed):
        n = nuc.CollectorNuclei(width, cells, 81.0)
        vols = [n.nucleate(1e-3, rate, bare, eta, GAMMA, VM, seed)[0] for _ in range(5)]
        return n, vols

    a, vols = run(7)
    b, _ = run(7)
    c, _ = run(8)
    assert a.formed == nuc.line_count(a.exposure, width) == a.count.sum() > 0
    assert a.rows.sum() == pytest.approx(a.formed**2 / width, rel=1e-12)      # n2 W caps per depth
    assert a.exposure == pytest.approx(5 * 1e-3 * rate[0] * 0.5, rel=1e-12)
    assert np.array_equal(a.count, b.count) and not np.array_equal(a.count, c.count)
    assert not a.count[:300].any()
    # born as spherical caps of the critical radius 2 gamma V_m / (F |eta|), n_z of them per depth
    r_star = 2.0 * GAMMA * VM / (FARADAY * 0.45)
    v_star = nuc.spherical_cap_volume(r_star * math.sin(math.radians(81.0)), 81.0)
    assert a.volume() == pytest.approx(a.formed**2 / width * v_star, rel=1e-12)
    assert a.half_width()[a.count > 0] == pytest.approx(r_star * math.sin(math.radians(81.0)), rel=1e-9)
    assert sum(vols) == pytest.approx(a.volume())
    taken = a.take(np.flatnonzero(a.count))
    assert taken[0].sum() == a.formed and a.volume() == 0.0


@pytest.mark.parametrize("theta", [30.0, 60.0, 90.0, 120.0])
def test_cap_put_into_the_mesh_holds_its_li_and_meets_the_wall_at_theta(theta):
    dx = dy = 0.25e-6
    x = (np.arange(240) + 0.5) * dx
    y = (np.arange(100) + 0.5) * dy
    X, Y = np.meshgrid(x, y)
    vol = np.full(X.shape, dx * dy)
    a = 10e-6
    shape = pf.cap_order_parameter(X, Y, 30e-6, a, theta, 0.25e-6, 60e-6)
    amount = float(nuc.cap_area(a, theta))
    xi = pf.add_shape(np.zeros_like(X), shape, vol, amount)
    assert float(np.sum(xi * vol)) == pytest.approx(amount, rel=1e-12)
    assert abs(wetting.measure_contact_angle(xi, x, y) - theta) < 3.0


def test_nuclei_covering_their_cell_coalesce_into_a_subgrid_film():
    n = nuc.CollectorNuclei(10e-6, 10, 7.3)
    n.count[3], n.rows[3] = 40.0, 40.0 / 1e-6                           # rows of caps 1 um apart along z
    n.area[3] = n.rows[3] * nuc.spherical_cap_volume(20e-9, 7.3)        # 40 bases of 40 nm: 1.6 um > dx
    n.count[6], n.rows[6] = 2.0, 2.0 / 1e-6
    n.area[6] = n.rows[6] * nuc.spherical_cap_volume(20e-9, 7.3)
    before = n.volume()
    assert n.coalesce().tolist() == [3]
    assert n.volume() == pytest.approx(before, rel=1e-12) and n.count[3] == 0 and n.film[3] > 0
    spread, _ = n.spread()
    surface = n.interface_per_cell(spread)
    assert surface[3] == pytest.approx(1e-6)                             # a flat layer over the cell
    j = np.full(10, 20.0)
    assert n.grow(3.0, j, VM, spread) == pytest.approx(3.0 * 20.0 * surface.sum() * VM / FARADAY, rel=1e-12)
    assert n.take_film([3])[3] > 0 and n.film[3] == 0.0


def test_caps_touching_along_z_become_a_ridge():
    """A row of caps is a row while 2a < its spacing 1/n_z; once they touch it is the ridge holding the same Li
    per depth (the 2D law), and the ridge that would hold it in xi sets when it is resolved."""
    theta, width = 81.0, 100e-6
    n = nuc.CollectorNuclei(width, 100, theta)
    n.count[20], n.rows[20] = 1.0, 1.0 / 10e-6                           # caps 10 um apart along z
    n.area[20] = n.rows[20] * nuc.spherical_cap_volume(4.0e-6, theta)    # base 8 um < 10 um: a row of caps
    assert n.half_width()[20] == pytest.approx(4.0e-6, rel=1e-12)
    assert n.surface()[20] == pytest.approx(n.rows[20] * nuc.spherical_cap_surface(4.0e-6, theta), rel=1e-12)
    ridge = nuc.cap_half_width(n.area[20], theta)
    assert n.resolve_height()[20] == pytest.approx(nuc.cap_height(ridge, theta), rel=1e-12)
    n.area[20] = n.rows[20] * nuc.spherical_cap_volume(6.0e-6, theta)    # base 12 um > 10 um: merged
    ridge = nuc.cap_half_width(n.area[20], theta)
    assert n.half_width()[20] == pytest.approx(ridge, rel=1e-12)
    assert n.surface()[20] == pytest.approx(nuc.cap_arc_length(ridge, theta), rel=1e-12)


def test_state_round_trip_and_a_state_without_rows():
    """get_state/set_state restore the nuclei; a state written before the rows existed (2D ridges) loads as
    ridges with the same Li, base and surface."""
    theta, width = 81.0, 100e-6
    n = nuc.CollectorNuclei(width, 100, theta)
    n.count[[5, 30]] = [1.0, 2.0]
    n.area[[5, 30]] = [nuc.cap_area(0.3e-6, theta), 2 * nuc.cap_area(1.5e-6, theta)]
    n.formed, n.exposure = 3, 3.1e8
    old = {k: v for k, v in n.get_state().items() if k != "nuclei_rows"}
    m = nuc.CollectorNuclei(width, 100, theta)
    m.set_state(old)
    assert m.volume() == pytest.approx(n.volume(), rel=1e-15)
    assert m.half_width()[[5, 30]] == pytest.approx([0.3e-6, 1.5e-6], rel=1e-9)
    assert m.surface()[[5, 30]] == pytest.approx([nuc.cap_arc_length(0.3e-6, theta),
                                                  2 * nuc.cap_arc_length(1.5e-6, theta)], rel=1e-9)
    k = nuc.CollectorNuclei(width, 100, theta)
    k.set_state(m.get_state())
    assert np.array_equal(k.rows, m.rows) and k.formed == 3 and k.exposure == m.exposure


def test_nuclei_formed_over_a_ramp_do_not_depend_on_the_substeps():
    """An overpotential ramp -0.40 -> -0.50 V over 1 ms (theta 81 deg: dG*/kT falls from 30.5 to 19.5): the
    areal density formed, sum dt <J>, is the exact integral (scipy quad) whether the ramp is taken in 10 sub-steps
    (dG*/kT changes by ~1 per sub-step, the model's limit) or 100; the rate at the end of each sub-step (the
    former rule) gives 1.47x on 10 sub-steps and 1.04x on 100."""
    from scipy.integrate import quad

    def eta(t):
        return -0.40 - 0.10 * t / 1e-3

    exact = quad(lambda t: float(nuc.nucleation_rate(eta(t), 81.0, GAMMA, VM, T, J0)), 0.0, 1e-3,
                 epsabs=0.0, epsrel=1e-10, limit=200)[0]
    for steps in (10, 100):
        t = np.linspace(0.0, 1e-3, steps + 1)
        mean = nuc.mean_nucleation_rate(eta(t[:-1]), eta(t[1:]), 81.0, GAMMA, VM, T, J0)
        assert float(np.sum(mean * np.diff(t))) == pytest.approx(exact, rel=1e-4)
        end = float(np.sum(nuc.nucleation_rate(eta(t[1:]), 81.0, GAMMA, VM, T, J0) * np.diff(t)))
        assert end / exact > 1.03
    b = nuc.barrier_over_kt(np.array([-0.40, -0.50]), 81.0, GAMMA, VM, T)
    assert b == pytest.approx([30.47, 19.50], abs=0.01)
    assert nuc.mean_nucleation_rate(0.01, -0.45, 81.0, GAMMA, VM, T, J0) > 0.0     # eta crossing 0 in the step
    assert nuc.mean_nucleation_rate(0.01, 0.02, 81.0, GAMMA, VM, T, J0) == 0.0


def test_a_nucleus_lands_where_it_would_whatever_the_batch_it_forms_in():
    # the n-th nucleus of the window takes its own variate: formed in one batch of 6 or one by one, the same cells
    w = np.array([0.0, 1.0, 3.0, 0.0, 2.0, 0.5, 0.0, 4.0])
    batch = nuc.pick_sites(w, 6, seed=7, serial=10)
    singles = np.concatenate([nuc.pick_sites(w, 1, seed=7, serial=10 + k) for k in range(6)])
    assert batch.tolist() == singles.tolist()
    assert set(batch.tolist()) <= set(np.flatnonzero(w > 0).tolist())
    # and the cells are drawn in proportion to the weights (20000 nuclei: 3 sigma of a binomial count)
    draws = nuc.pick_sites(w, 20000, seed=3, serial=0)
    counts = np.bincount(draws, minlength=w.size)
    expected = 20000 * w / w.sum()
    assert np.all(np.abs(counts - expected) <= 3 * np.sqrt(expected * (1 - w / w.sum())) + 1e-9)
