"""Optional Nernst-Planck salt transport against closed forms (physics/nernst_planck.py).

1. Sand's transient at a galvanostatic electrode in a region much taller than sqrt(D t).
2. The steady linear profile between the electrode and the bulk held at the window top.
3. t+ = 1 (LPSCl): no gradient and no concentration overpotential.
"""
import numpy as np
import pytest

from liplate.mesh import Geometry, build_mesh
from liplate.physics import nernst_planck as npk

D, C_REF, J = 1e-11, 1000.0, 10.0


def _solver(height, ny, t_plus, grading=1.0):
    g = Geometry(20e-6, height, 2, ny, grading)
    return g, npk.ConcentrationSolver(build_mesh(g), g.nx, D, t_plus, C_REF)


def test_sand_transient():
    t_plus, t_end = 0.4, 20.0                     # sqrt(D t) = 14 um << 400 um window
    g, s = _solver(400e-6, 400, t_plus, grading=1.01)
    dt, t = 0.05, 0.0
    while t < t_end - 1e-12:
        c0 = s.advance(dt, J)
        t += dt
    # the bottom cell centre sits dy0/2 above the electrode: compare at that height (erfc profile)
    from scipy.special import erfc
    flux = npk.interface_salt_flux(J, t_plus)
    y = g.dy()[0] / 2
    a = np.sqrt(D * t)
    exact = C_REF - flux * (2 * a / np.sqrt(np.pi) * np.exp(-y**2 / (4 * a**2)) - y * erfc(y / (2 * a))) / D
    assert c0.mean() == pytest.approx(exact, rel=2e-3)
    assert npk.sand_interface_concentration(t, C_REF, J, D, t_plus) < c0.mean()


def test_steady_profile():
    t_plus, H = 0.3, 20e-6
    g, s = _solver(H, 40, t_plus)
    for _ in range(60):                           # H^2 / D = 40 s: run to steady state with large steps
        s.advance(50.0, J)
    c = np.asarray(s.c.value).reshape(g.ny, g.nx)[:, 0]
    y = np.cumsum(g.dy()) - g.dy() / 2
    assert np.allclose(c, npk.steady_profile(y, H, C_REF, J, D, t_plus), rtol=1e-6)


def test_single_ion_conductor_has_no_gradient():
    g, s = _solver(20e-6, 10, 1.0)
    c0 = s.advance(100.0, J)
    assert np.allclose(c0, C_REF)
    assert npk.concentration_overpotential(c0, C_REF, 1.0, 298.0) == pytest.approx(0.0)
    assert npk.concentration_overpotential(900.0, C_REF, 0.5, 298.0) < 0


def test_sharp_model_with_salt_transport(case_dir):
    """Switched on with t+ < 1 the sharp model gains a (negative) concentration overpotential that
    closes the voltage sum; with LPSCl's t+ = 1 it changes nothing."""
    import csv

    from liplate.simulation import run_case

    base = run_case(case_dir("base", output__frames=1), progress=False)
    same = run_case(case_dir("tplus1", output__frames=1, physics__nernst_planck=True), progress=False)
    assert same["cell_voltage_final_V"] == pytest.approx(base["cell_voltage_final_V"], rel=1e-9)
    d = case_dir("tplus05", output__frames=1, physics__nernst_planck=True,
                 **{"parameters__lpscl.transference_number": "0.5",
                    "parameters__lpscl.diffusivity": "1e-11 m^2/s"})
    s = run_case(d, progress=False)
    r = list(csv.DictReader(open(d / "output" / "timeseries.csv")))[-1]
    assert float(r["eta_concentration_V"]) < 0
    parts = sum(float(r[k]) for k in ("eta_ct_V", "eta_ohmic_V", "eta_counter_V", "eta_sei_V", "eta_concentration_V"))
    assert parts == pytest.approx(float(r["voltage_V"]), abs=1e-9)
    assert s["thickness_mean_um"] == pytest.approx(base["thickness_mean_um"], rel=1e-9)
