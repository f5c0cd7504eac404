"""Surface-flaw population of the SE (physics/flaws.py): the drawn statistics are the stated ones."""
import math

import numpy as np
import pytest
from scipy import stats as sps

from liplate.citations import check_source
from liplate.physics import flaws

STATS = flaws.default_statistics()
PELLET_AREA = math.pi * 12e-3 ** 2 / 4


def test_sources_can_be_followed():
    for name, p in flaws.PARAMETERS.items():
        assert check_source(p.source, p.note) == [], name


def test_shape_puts_the_measured_largest_flaw_at_the_median_largest_of_the_pellet_face():
    n = STATS.areal_density * PELLET_AREA
    assert STATS.largest_median(n) == pytest.approx(14e-6, rel=1e-10)
    # ln ln N depends weakly on the density: an exponential-like law for the stated numbers
    assert 0.9 < STATS.shape < 1.2
    assert STATS.depth_scale == 1.1e-6


def test_largest_median_is_the_median_of_the_maximum_of_n_draws():
    small = flaws.FlawStatistics(1e-6, 1.3, 1e10)
    rng = np.random.default_rng(3)
    maxima = small.quantile(rng.uniform(size=(4000, 50))).max(axis=1)
    # median of 4000 maxima: standard error ~ 1.25 sigma / sqrt(4000) ~ 2 % of sigma; 3 % tolerance on the value
    assert np.median(maxima) == pytest.approx(small.largest_median(50), rel=0.03)
    assert sps.kstest(maxima, lambda a: small.cdf(a) ** 50).pvalue > 1e-3


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_drawn_depths_follow_the_stated_weibull_law(seed):
    width = 0.2                                  # 0.2 m of line: ~2e4 flaws at sqrt(1e10) = 1e5 1/m
    f = flaws.draw(STATS, width, seed)
    n_mean = STATS.linear_density * width
    assert abs(f.count - n_mean) < 5 * math.sqrt(n_mean)               # Poisson count
    assert sps.kstest(f.depth, STATS.cdf).pvalue > 1e-3
    se = math.sqrt(STATS.variance() / f.count)
    assert abs(f.depth.mean() - STATS.mean()) < 5 * se
    # positions uniform on the window, sorted
    assert sps.kstest(f.x / width, "uniform").pvalue > 1e-3
    assert np.all(np.diff(f.x) >= 0) and f.x.min() >= 0 and f.x.max() < width


def test_reproducible_per_seed_and_independent_between_seeds():
    a = flaws.draw(STATS, 600e-6, 5)
    b = flaws.draw(STATS, 600e-6, 5)
    c = flaws.draw(STATS, 600e-6, 6)
    assert np.array_equal(a.x, b.x) and np.array_equal(a.depth, b.depth)
    assert not (a.count == c.count and np.array_equal(a.depth, c.depth))


def test_weakest_of_area_adds_one_flaw_from_the_distribution_of_the_largest():
    plain = flaws.draw(STATS, 600e-6, 0)
    with_max = flaws.draw(STATS, 600e-6, 0, weakest_of_area=PELLET_AREA)
    assert with_max.count == plain.count + 1
    # over seeds, the added flaw's depth follows F^N (its median is the 14 um of the law's definition)
    n = STATS.areal_density * PELLET_AREA
    added = np.array([flaws.draw(STATS, 1e-9, s, weakest_of_area=PELLET_AREA).depth.max() for s in range(400)])
    assert sps.kstest(added, lambda a: STATS.cdf(a) ** n).pvalue > 1e-3


def test_depth_per_column_keeps_the_deepest_flaw():
    f = flaws.Flaws(x=np.array([1e-6, 2e-6, 15e-6]), depth=np.array([1e-6, 3e-6, 2e-6]), width=20e-6)
    assert flaws.depth_per_column(f, 2) == pytest.approx([3e-6, 2e-6])
    assert np.array_equal(f.columns(2), [0, 0, 1])


def test_bad_statistics_are_refused():
    with pytest.raises(ValueError, match="depth_scale"):
        flaws.FlawStatistics(0.0, 1.0, 1e10)
    with pytest.raises(ValueError, match="must exceed"):
        flaws.weibull_shape(2e-6, 1e-6, 1e6)
