"""Flaw opening by plated Li (physics/fracture.py) against the numbers of BRIEF §5-6."""
import numpy as np
import pytest

from liplate.physics import fracture
from liplate.physics.constants import FARADAY, GAS_CONSTANT

VM = 1.30e-5        # m^3/mol, Li molar volume (BRIEF §6)
K_IC = 0.23e6       # Pa m^1/2, sulfide SEs (BRIEF §6)


def test_pressure_per_overpotential_is_the_briefs():
    # BRIEF §5: p ~ F |eta| / V_m, about 74 MPa per 10 mV (Duan et al.: ~75 MPa at ~10 mV)
    assert fracture.plating_pressure(-10e-3, VM) == pytest.approx(74.2e6, rel=2e-3)
    assert fracture.plating_pressure(10e-3, VM) == fracture.plating_pressure(-10e-3, VM)


@pytest.mark.parametrize("depth, pressure, eta_mV", [(1e-6, 130e6, 18), (10e-6, 40e6, 5)])
def test_opening_pressure_of_a_flaw_is_the_briefs(depth, pressure, eta_mV):
    # BRIEF §5: p sqrt(pi a) >= K_IC, i.e. ~130 MPa for a = 1 um and ~40 MPa for a = 10 um (5-18 mV)
    p = fracture.opening_pressure(depth, K_IC)
    assert p == pytest.approx(pressure, rel=0.04)
    assert p * VM / FARADAY * 1e3 == pytest.approx(eta_mV, abs=0.6)


def test_critical_depth_inverts_the_opening_pressure():
    a = np.array([0.1e-6, 1e-6, 7.5e-6, 100e-6])
    assert fracture.critical_flaw_depth(fracture.opening_pressure(a, K_IC), K_IC) == pytest.approx(a, rel=1e-12)
    assert fracture.critical_flaw_depth(0.0, K_IC) == np.inf
    # a deeper flaw opens at a lower pressure
    assert np.all(np.diff(fracture.opening_pressure(a, K_IC)) < 0)


def test_at_current_uses_the_butler_volmer_overpotential():
    j0, alpha, T = 320.0, 0.5, 298.0
    j = 1e-3 * j0                                            # linear kinetics: eta = RT j / (F j0)
    p, a = fracture.at_current(j, j0, alpha, T, VM, K_IC)
    assert p == pytest.approx(FARADAY * GAS_CONSTANT * T * j / (FARADAY * j0) / VM, rel=1e-3)
    assert a == pytest.approx((K_IC / p) ** 2 / np.pi, rel=1e-12)
    # symmetric BV, any current: |eta| = (2RT/F) asinh(j / 2 j0); 8 mA/cm^2 at j0 = 32 mA/cm^2 -> 6.4 mV
    p8, a8 = fracture.at_current(80.0, j0, alpha, T, VM, K_IC)
    eta = 2 * GAS_CONSTANT * T / FARADAY * np.arcsinh(80.0 / (2 * j0))
    assert p8 == pytest.approx(FARADAY * eta / VM, rel=1e-9)
    assert eta * 1e3 == pytest.approx(6.40, abs=0.01)
