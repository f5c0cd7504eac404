"""Butler-Volmer kinetics (physics/kinetics.py): the fused value-and-slope evaluation used in the phase
field's Newton loop is the pair of the separate functions, and the slope is the derivative."""
import numpy as np
import pytest

from liplate.physics.kinetics import (
    butler_volmer,
    butler_volmer_slope,
    butler_volmer_with_slope,
    overpotential_for_current,
)

J0, ALPHA, T = 20.0, 0.5, 298.0


def test_value_and_slope_together_equal_the_separate_functions():
    eta = np.linspace(-0.1, 0.1, 41)
    j, s = butler_volmer_with_slope(eta, J0, ALPHA, T)
    assert np.allclose(j, butler_volmer(eta, J0, ALPHA, T), rtol=1e-14, atol=0)
    assert np.allclose(s, butler_volmer_slope(eta, J0, ALPHA, T), rtol=1e-14, atol=0)


@pytest.mark.parametrize("alpha", [0.3, 0.5, 0.7])
def test_slope_is_the_derivative(alpha):
    eta = np.linspace(-0.08, 0.08, 17)
    h = 1e-7
    fd = (butler_volmer(eta + h, J0, alpha, T) - butler_volmer(eta - h, J0, alpha, T)) / (2 * h)
    assert np.allclose(butler_volmer_with_slope(eta, J0, alpha, T)[1], fd, rtol=1e-6)


def test_inverse_round_trip():
    for j in (-30.0, -1.0, 0.5, 5.0, 80.0):
        eta = overpotential_for_current(j, J0, ALPHA, T)
        assert butler_volmer(eta, J0, ALPHA, T) == pytest.approx(j, rel=1e-10)
