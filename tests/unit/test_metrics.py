"""Deposit metrics on periodic arrays (liplate.metrics)."""
import numpy as np
import pytest

from liplate import metrics


def test_runs_wrap_around_periodic_boundary():
    mask = np.array([1, 1, 0, 0, 1, 1, 1, 0, 1], dtype=bool)
    # the run at the end (index 8) joins the run at the start (0, 1): one island of 3
    assert sorted(metrics.runs_periodic(mask).tolist()) == [3, 3]


def test_run_labels_wrap_around_and_agree_with_the_run_lengths():
    rng = np.random.default_rng(3)
    for mask in [np.array([1, 1, 0, 0, 1, 1, 1, 0, 1], dtype=bool), np.ones(5, bool), np.zeros(5, bool),
                 *(rng.random(40) < p for p in (0.3, 0.6, 0.9))]:
        lab = metrics.label_runs_periodic(mask)
        assert np.array_equal(lab > 0, mask)
        lengths = np.bincount(lab)[1:]
        assert sorted(lengths.tolist()) == sorted(metrics.runs_periodic(mask).tolist())
        # neighbours in a run share the label (periodic)
        both = mask & np.roll(mask, 1)
        assert np.array_equal(lab[both], np.roll(lab, 1)[both])


def test_all_wet_is_one_island_and_all_dry_none():
    assert metrics.islands(np.ones(10), dx=2.0) == (1, pytest.approx(np.array([20.0])))
    count, widths = metrics.islands(np.zeros(10), dx=2.0)
    assert count == 0 and widths.size == 0


def test_islands_ignore_single_stray_cells():
    wall = np.zeros(20)
    wall[3:8] = 1.0
    wall[12] = 0.9
    count, widths = metrics.islands(wall, dx=1e-6, min_cells=2)
    assert count == 1 and widths[0] == pytest.approx(5e-6)


def test_wetted_fraction_threshold_and_weights():
    wall = np.array([0.2, 0.5, 0.9, 0.1])
    assert metrics.wetted_fraction(wall) == pytest.approx(0.5)
    assert metrics.wetted_fraction(wall, dx=[1, 1, 2, 0]) == pytest.approx(3 / 4)


def test_column_thickness_and_stats():
    dy = np.array([1.0, 1.0, 2.0])
    xi = np.array([[1.0, 1.0], [1.0, 0.5], [0.5, 0.0]])      # rows = y, columns = x
    h = metrics.column_thickness(xi, dy)
    assert h.tolist() == [3.0, 1.5]
    mean, std = metrics.thickness_stats(h)
    assert mean == pytest.approx(2.25) and std == pytest.approx(0.75)


def test_focusing_factor_flat_and_islands():
    # uniform current over a flat interface: both factors 1
    assert metrics.focusing_factors(np.full(5, 5.0), np.ones(5), 5.0) == pytest.approx((1.0, 1.0))
    # current carried by half the interface at twice the applied value, the rest ignored (zero weight)
    j = np.array([10.0, 10.0, 99.0, 99.0])
    w = np.array([1.0, 1.0, 0.0, 0.0])
    assert metrics.focusing_factors(j, w, 5.0) == pytest.approx((2.0, 2.0))


def test_penetration_depth_film_vs_spike():
    dy = np.full(10, 1.0)
    y_faces = np.arange(11.0)
    film = np.zeros((10, 4))
    film[:3] = 1.0
    assert metrics.penetration_depth(film, y_faces, dy) == pytest.approx(0.0)
    spike = film.copy()
    spike[:8, 1] = 1.0
    # top of the spike at 8, mean thickness (3 + 3 + 3 + 8)/4 = 4.25
    assert metrics.penetration_depth(spike, y_faces, dy) == pytest.approx(8 - 4.25)


def test_first_plating_peak_and_overshoot_of_a_nucleation_transient():
    """A chronopotentiogram with a nucleation dip: |V| rises to its peak, relaxes to a plateau, then creeps up
    (SEI): the peak is the largest |V| in the first-plating window, the plateau the lowest |V| after it."""
    from liplate.metrics import FIRST_PLATING_CHARGE, first_plating_voltage

    w = FIRST_PLATING_CHARGE
    q = np.array([0.0, 0.05, 0.1, 0.2, 0.4, 0.7, 1.0, 3.0]) * w
    v = -np.array([0.0, 0.015, 0.020, 0.017, 0.014, 0.0142, 0.0145, 0.030])   # plating: V < 0
    peak, plateau = first_plating_voltage(q, v)
    assert peak == pytest.approx(0.020)
    assert plateau == pytest.approx(0.014)
    # the t = 0 row (no current) and rows past the window do not count, whatever their voltage
    assert first_plating_voltage(q, v, window=0.06 * w) == (pytest.approx(0.015), pytest.approx(0.015))


def test_first_plating_without_a_peak_has_no_overshoot():
    """|V| rising through the whole window (a film that only thickens its SEI): peak at the window's end,
    overshoot 0; no row in the window gives None."""
    from liplate.metrics import FIRST_PLATING_CHARGE, first_plating_voltage

    q = np.linspace(0.0, 2.0, 21) * FIRST_PLATING_CHARGE
    v = -(0.012 + 1e-4 * q / FIRST_PLATING_CHARGE)
    peak, plateau = first_plating_voltage(q, v)
    assert peak == plateau == pytest.approx(0.012 + 1e-4)
    assert first_plating_voltage([0.0, 2 * FIRST_PLATING_CHARGE], [0.0, -0.01]) == (None, None)


def test_summary_reports_peak_and_overshoot_in_mV():
    from liplate.io.summary import nucleation_overpotential_mV

    out = nucleation_overpotential_mV([0.0, 0.01, 0.03, 0.06, None, 0.5], [0.0, -0.016, -0.0168, -0.0155, -0.1, -0.01])
    assert out["nucleation_overpotential_mV"] == pytest.approx(16.8)
    assert out["nucleation_overshoot_mV"] == pytest.approx(1.3)


def test_summary_takes_the_sub_step_peak_where_the_rows_miss_it():
    """The nucleation transient is sub-stepped inside one output step: the model's own peak over every sub-step
    (voltage_peak, V) is the first-plating peak when it is larger than the rows'; a smaller one changes nothing."""
    from liplate.io.summary import nucleation_overpotential_mV

    q, v = [0.0, 0.01, 0.03, 0.06], [0.0, -0.016, -0.0168, -0.0155]
    out = nucleation_overpotential_mV(q, v, substep_peak_V=-0.018)
    assert out["nucleation_overpotential_mV"] == pytest.approx(18.0)
    assert out["nucleation_overshoot_mV"] == pytest.approx(2.5)
    smaller = nucleation_overpotential_mV(q, v, substep_peak_V=-0.010)
    assert smaller["nucleation_overpotential_mV"] == pytest.approx(16.8)
