"""SEI: parabolic growth (Aktekin 2023 calibration), Tafel enhancement, resistance, Li consumed."""
import numpy as np
import pytest

from liplate.parameters import load_set
from liplate.parameters import sei as sei_params
from liplate.physics import sei
from liplate.physics.kinetics import butler_volmer

T = 298.0
HOUR = 3600.0


@pytest.fixture(scope="module")
def params():
    return sei.SeiParameters.default()


def test_parameter_set_is_well_formed():
    from liplate.units import KINDS
    for name, p in sei_params.PARAMETERS.items():
        assert p.kind in KINDS, name
        assert p.source, name


def test_parabolic_rate_calibrated_on_aktekin():
    k = sei.calibrate_parabolic_rate([168 * HOUR, 400 * HOUR], [315e-9, 540e-9])
    assert sei_params.PARAMETERS["parabolic_rate_constant"].value == pytest.approx(k, rel=5e-3)
    # exact parabolic data are recovered
    t = np.array([1.0, 10.0, 100.0])
    assert sei.calibrate_parabolic_rate(t, np.sqrt(3e-19 * t)) == pytest.approx(3e-19, rel=1e-12)
    # the fit lies between the two single-point values and within 10 % of both thicknesses
    for hours, delta in ((168, 315e-9), (400, 540e-9)):
        assert np.sqrt(k * hours * HOUR) == pytest.approx(delta, rel=0.10)


def test_li_per_volume_from_brief_datapoint_and_composition():
    c = sei.li_per_volume_from_capacity(60e-3 * 3.6e4, 0.5e-6)   # 60 uAh/cm^2, 0.5 um
    assert sei_params.PARAMETERS["li_per_volume"].value == pytest.approx(c, rel=5e-3)
    assert sei.li_per_volume_from_composition() == pytest.approx(c, rel=0.10)
    assert sei_params.PARAMETERS["effective_conductivity"].value == pytest.approx(
        1e-2 * sei.phase_volume_fraction("Li3P"), rel=5e-3)


def test_li_lost_after_400_h_matches_brief(params):
    """~60 uAh/cm^2 (~0.3 um of Li metal) after 400 h at rest (BRIEF §6)."""
    delta = sei.parabolic_thickness(400 * HOUR, params, T)
    li = sei.li_consumed(delta, params)
    assert li * 96485.33212 / 3.6e4 * 1e3 == pytest.approx(60.0, rel=0.10)     # uAh/cm^2
    assert li * load_set("li")["molar_volume"].value == pytest.approx(0.3e-6, rel=0.10)


def test_grow_is_exact_parabola_for_any_step(params):
    t_end = 400 * HOUR
    for steps in (1, 7, 1000):
        d = np.zeros(3)
        for _ in range(steps):
            d = sei.grow(d, t_end / steps, 0.0, params, T)
        np.testing.assert_allclose(d, np.sqrt(params.parabolic_rate * t_end), rtol=1e-12)
    # growth_rate is the derivative of the closed form
    t, dt = 10 * HOUR, 1.0
    slope = (sei.parabolic_thickness(t + dt, params, T) - sei.parabolic_thickness(t - dt, params, T)) / (2 * dt)
    assert sei.growth_rate(sei.parabolic_thickness(t, params, T), 0.0, params, T) == pytest.approx(slope, rel=1e-6)
    # faces without Li do not grow
    np.testing.assert_array_equal(sei.grow(np.zeros(2), 10.0, 0.0, params, T, active=np.array([False, True])) > 0,
                                  [False, True])


@pytest.mark.parametrize("alpha", [0.5, 0.3])
def test_overpotential_inverts_butler_volmer(alpha):
    j0 = 20.0
    j = np.array([0.0, 1.0, 5.0, 50.0, 500.0])
    eta = sei.charge_transfer_overpotential(j, j0, alpha, T)
    np.testing.assert_allclose(butler_volmer(-eta, j0, alpha, T), j, rtol=1e-10, atol=1e-12)


def test_tafel_factor(params):
    j = np.array([0.0, 5.0, 50.0, 5000.0])
    f = sei.tafel_factor(j, params, T)
    assert f[0] == pytest.approx(1.0)
    assert np.all(np.diff(f) > 0)                       # focused current grows more SEI
    ratio = params.tafel_alpha / params.transfer_coefficient
    assert f[-1] == pytest.approx((j[-1] / params.exchange_current_density) ** ratio, rel=0.01)   # Tafel limit
    assert sei.tafel_factor(-50.0, params, T) == pytest.approx(f[2])   # symmetric in the sign of j


def test_resistance_and_drop(params):
    r = sei.area_resistance(0.5e-6, params.conductivity)
    assert r == pytest.approx(0.5e-6 / params.conductivity)
    assert sei.ohmic_drop(5.0, 0.5e-6, params.conductivity) == pytest.approx(5.0 * r)
