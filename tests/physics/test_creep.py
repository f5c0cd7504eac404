"""Creep: power-law law, squeeze flow (closed forms vs a numerical lubrication solve), void filling, levelling."""
import numpy as np
import pytest

from liplate.physics import creep
from liplate.physics.constants import FARADAY

T = 298.0
P = 13e6


@pytest.fixture(scope="module")
def li():
    return creep.CreepLaw.lithium()


def test_strain_rate_reproduces_brief_prefactor(li):
    assert li.strain_rate(1e6, T) == pytest.approx(6.7e-3, rel=1e-12)
    assert li.strain_rate(2e6, T) / li.strain_rate(1e6, T) == pytest.approx(2 ** 6.6, rel=1e-12)
    # A sigma^n exp(-Q/RT) with the absolute prefactor gives the same number
    assert li.prefactor() * 1e6 ** 6.6 * np.exp(-37e3 / (8.314462618 * T)) == pytest.approx(6.7e-3, rel=1e-9)
    assert li.strain_rate(1e6, 320.0) > li.strain_rate(1e6, T)


def test_pressure_shift_of_equilibrium_potential():
    assert creep.equilibrium_potential_shift(P, 1.30e-5) == pytest.approx(-1.30e-5 * P / FARADAY)
    assert abs(creep.equilibrium_potential_shift(P, 1.30e-5)) == pytest.approx(1.75e-3, rel=0.01)


def test_stefan_disc_newtonian():
    """n = 1: -dh/dt = 2 F h^3 / (3 pi mu R^4) (Stefan 1874)."""
    mu, h, radius, force = 1e3, 1e-4, 0.02, 5.0
    law = creep.CreepLaw.newtonian(mu)
    pressure = force / (np.pi * radius ** 2)
    stefan = 2 * force * h ** 3 / (3 * np.pi * mu * radius ** 4)
    assert creep.squeeze_flow_rate(h, pressure, radius, law, T, "disc") == pytest.approx(stefan, rel=1e-12)
    assert creep.squeeze_flow_rate_numerical(h, pressure, radius, law, T, "disc") == pytest.approx(stefan, rel=1e-3)
    # h(t): 1/h^2 = 1/h0^2 + 4 F t / (3 pi mu R^4)
    times = np.linspace(0.0, 3e4, 7)
    exact = (1 / h ** 2 + 4 * force * times / (3 * np.pi * mu * radius ** 4)) ** -0.5
    assert exact[-1] < 0.5 * h   # the test covers real thinning
    closed = creep.squeeze_film_thickness(times, h, pressure, radius, law, T, "disc")
    numeric = creep.integrate_squeeze_film(times, h, pressure, radius, law, T, "disc")
    np.testing.assert_allclose(closed, exact, rtol=1e-12)
    np.testing.assert_allclose(numeric, exact, rtol=1e-3)


def test_stefan_strip_newtonian():
    """n = 1 plane strain: force per length F' = mu W^3 (-dh/dt) / h^3 for a strip of width W."""
    mu, h, half = 2.0, 1e-3, 0.05
    law = creep.CreepLaw.newtonian(mu)
    rate = 1e-4
    force_per_length = mu * (2 * half) ** 3 * rate / h ** 3
    pressure = force_per_length / (2 * half)
    assert creep.squeeze_flow_rate(h, pressure, half, law, T, "strip") == pytest.approx(rate, rel=1e-12)
    assert creep.squeeze_flow_rate_numerical(h, pressure, half, law, T, "strip") == pytest.approx(rate, rel=1e-3)


@pytest.mark.parametrize("exponent", [3.0, 6.6])
def test_power_law_squeeze_disc(li, exponent):
    """n > 1: Scott (1931) / Engmann et al. (2005) for a power-law fluid tau = K gamma_dot^s, s = 1/n:
    F = 2 pi K R^(s+3)/(s+3) ((2s+1)/s)^s (-dh/dt)^s / h^(2s+1)."""
    law = creep.CreepLaw(exponent=exponent, activation_energy=li.activation_energy, rate_ref=li.rate_ref)
    h, radius = 5e-6, 100e-6
    b = law.shear_coefficient(T)
    k, s = b ** (-1 / exponent), 1 / exponent
    rate = creep.squeeze_flow_rate(h, P, radius, law, T, "disc")
    force = 2 * np.pi * k * radius ** (s + 3) / (s + 3) * ((2 * s + 1) / s) ** s * rate ** s / h ** (2 * s + 1)
    assert force / (np.pi * radius ** 2) == pytest.approx(P, rel=1e-10)
    assert creep.squeeze_flow_rate_numerical(h, P, radius, law, T, "disc") == pytest.approx(rate, rel=1e-3)
    # time integration (solve_ivp on the FV rate) vs h(t) = [h0^-(n+1) + (n+1) c t]^(-1/(n+1))
    t_end = 20.0 * h / rate
    times = np.linspace(0.0, t_end, 9)
    closed = creep.squeeze_film_thickness(times, h, P, radius, law, T, "disc")
    assert closed[-1] < 0.8 * h
    np.testing.assert_allclose(creep.integrate_squeeze_film(times, h, P, radius, law, T, "disc"), closed, rtol=1e-3)


def test_mm_film_squeeze_is_negligible_but_um_bumps_are_fast(li):
    """The scaling P^n h^(n+2)/R^(n+1): a 10 mm film barely moves, um-wide bumps go at once."""
    h = 5e-6
    film = creep.squeeze_flow_rate(h, P, 5e-3, li, T, "disc") / h
    assert film < 1e-12                                    # 1/s: < 4e-8 relative thinning in 10 h
    bump = creep.squeeze_flow_rate(h, P, 10e-6, li, T, "disc") / h
    assert h / (bump * h) < 1e-3                           # s
    island = creep.squeeze_flow_rate(h, P, 100e-6, li, T, "disc") / h
    assert 10.0 < 1.0 / island < 1e4                       # minutes: the island scale is in between


def test_void_collapse_newtonian_and_fill_time(li):
    mu, p = 7.0, 3.0
    assert creep.void_collapse_rate(p, creep.CreepLaw.newtonian(mu), T) == pytest.approx(3 * p / (4 * mu))
    tau = creep.roughness_fill_time_constant(P, li, T)
    assert 0.01 < tau < 1.0                                # ~0.08 s: instantaneous on a 2 h plating
    d = creep.roughness_fill_depth(np.array([0.0, tau, 100 * tau]), 1e-6, P, li, T)
    np.testing.assert_allclose(d, [0.0, 1e-6 * (1 - np.exp(-1)), 1e-6], rtol=1e-12)


def test_level_profile_conserves_volume_and_flattens(li):
    x = np.arange(200)
    h = 5e-6 + 0.5e-6 * np.cos(2 * np.pi * x / 200) + 0.1e-6 * np.sin(2 * np.pi * 7 * x / 200)
    previous = h.max()
    for dt in (1e-3, 1.0, 10.0, 1e3, 1e5, 1e8):
        out = creep.level_profile(h, 1e-6, dt, P, T, li)
        assert out.sum() == pytest.approx(h.sum(), rel=1e-13)
        assert out.max() <= previous + 1e-18 and out.min() >= h.min() - 1e-18
        previous = out.max()
    np.testing.assert_allclose(out, h.mean(), rtol=1e-12)
    flat = np.full(50, 3e-6)
    np.testing.assert_array_equal(creep.level_profile(flat, 1e-6, 1e3, P, T, li), flat)


def test_level_profile_initial_rate_is_strip_squeeze(li):
    """A plateau of width 2a carrying the load p L descends at the plane-strain closed form (eq. 4)."""
    n_cols, dx, width = 100, 1e-6, 20
    h = np.full(n_cols, 4e-6)
    h[40:40 + width] = 5e-6
    a = 0.5 * width * dx
    rate = creep.squeeze_flow_rate(5e-6, P * n_cols * dx / (2 * a), a, li, T, "strip")
    dt = 1e-4 * 1e-6 / rate
    out = creep.level_profile(h, dx, dt, P, T, li)
    assert (5e-6 - out[50]) / dt == pytest.approx(rate, rel=1e-9)
