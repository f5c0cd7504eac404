"""The SE potential solver against closed forms.

1. Uniform current through a slab: ohmic drop j H / sigma, interface overpotential = BV^-1(j).
2. Secondary current distribution of a periodic linear-kinetics interface: with a charge-transfer
   resistance R(x) = R0 (1 + eps cos kx) under a uniform far-field current j_app, first-order
   perturbation of Laplace's equation with phi = phi0(y) + A cos(kx) cosh(k(H - y)) / cosh(kH) gives
   the local current j(x) = j_app [1 - eps kappa / (1 + kappa) cos kx] with the Wagner-type number
   kappa = sigma R0 k tanh(kH). The first Fourier coefficient is exact to O(eps^3).
"""
import numpy as np
import pytest

from liplate.mesh import Geometry, build_mesh
from liplate.physics.kinetics import charge_transfer_resistance, overpotential_for_current
from liplate.physics.potential import InterfacePotentialSolver
from liplate.solvers import make_solver

SIGMA, T, ALPHA = 0.32, 298.0, 0.5


def test_uniform_slab():
    g = Geometry(200e-6, 100e-6, 10, 20)
    s = InterfacePotentialSolver(build_mesh(g), g.nx, SIGMA, T, ALPHA, solver=make_solver("lu"))
    j = 50.0
    sol = s.solve(j, 20.0, tol=1e-12)
    assert np.allclose(sol.j, j, rtol=1e-10)
    assert np.mean(sol.phi_top - sol.phi_interface) == pytest.approx(j * g.height / SIGMA, rel=1e-9)
    assert np.mean(sol.eta) == pytest.approx(overpotential_for_current(j, 20.0, ALPHA, T), rel=1e-9)


def _modulation(nx, ny, wagner_scale):
    W, H = 200e-6, 100e-6
    g = Geometry(W, H, nx, ny)
    s = InterfacePotentialSolver(build_mesh(g), nx, SIGMA, T, ALPHA, solver=make_solver("lu"))
    eps, k = 0.1, 2 * np.pi / W
    j0 = 1000.0 * wagner_scale
    japp = 1e-3 * j0                     # |eta| << RT/F: linear kinetics
    x = (np.arange(nx) + 0.5) * W / nx
    sol = s.solve(japp, j0 / (1 + eps * np.cos(k * x)), tol=1e-11)
    amp = 2 * np.mean(sol.j * np.cos(k * x)) / japp
    R0 = charge_transfer_resistance(j0, T)
    kappa = SIGMA * R0 * k * np.tanh(k * H)
    return amp, -eps * kappa / (1 + kappa), np.mean(sol.j) / japp


@pytest.mark.parametrize("wagner_scale", [0.1, 1.0, 10.0])
def test_secondary_current_distribution(wagner_scale):
    amp, expected, mean = _modulation(40, 40, wagner_scale)
    assert mean == pytest.approx(1.0, abs=1e-9)         # galvanostatic by construction
    assert amp == pytest.approx(expected, rel=0.01)


def test_secondary_distribution_converges_with_mesh():
    errs = []
    for n in (10, 20, 40):
        amp, expected, _ = _modulation(n, n, 1.0)
        errs.append(abs(amp - expected) / abs(expected))
    assert errs[2] < errs[1] < errs[0]
    assert errs[1] / errs[2] > 1.8                      # about second order
