"""Butler-Volmer kinetics (physics/kinetics.py): the fused value-and-slope evaluation used in the phase
field's Newton loop is the pair of the separate functions, and the slope is the derivative; the small-signal
interface resistance is the slope of the inverse; the calibrated j0 enters every Li|LPSCl interface as one
value; and the model's own small-signal response (liplate.calibration.small_signal) on a flat film is the
analytic Butler-Volmer + SEI linearisation, on Cu islands larger (BRIEF §2)."""
import math
import shutil

import numpy as np
import pytest
from conftest import FORMER_MESH, REPO

from liplate import calibration, parameters
from liplate.physics.constants import FARADAY, GAS_CONSTANT
from liplate.physics.kinetics import (
    butler_volmer,
    butler_volmer_slope,
    butler_volmer_with_slope,
    overpotential_for_current,
    small_signal_interface_resistance,
)
from liplate.units import M_PER_UM, to_si

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


def test_small_signal_resistance_is_the_slope_of_the_inverse():
    """R(j) = d eta / d j at the operating point (+ R_SEI); RT/(F j0) in the linear limit."""
    r_sei = 0.3e-4
    for j in (1e-6, 5.0, 40.0):
        h = 1e-4 * max(j, 1.0)
        fd = -(overpotential_for_current(j + h, J0, ALPHA, T)
               - overpotential_for_current(j - h, J0, ALPHA, T)) / (2 * h)
        assert small_signal_interface_resistance(j, J0, ALPHA, T, r_sei) == pytest.approx(fd + r_sei, rel=1e-6)
    assert small_signal_interface_resistance(1e-9, J0, ALPHA, T) == pytest.approx(GAS_CONSTANT * T / (FARADAY * J0))


def test_one_exchange_current_density_for_every_li_lpscl_interface():
    """The calibrated j0 (python -m liplate.calibration kinetics) is one value: working interface, Li counter
    electrode and Li+ reduction on the bare collectors (the same Li+ + e- -> Li step)."""
    values = {k: parameters.load_set(k.split(".")[0])[k.split(".")[1]].value for k in calibration.TIED_J0_KEYS}
    assert len(set(values.values())) == 1, values
    assert "calibrated on the first-plating voltage" in parameters.load_set("lpscl")["exchange_current_density"].source


#: initial film of the flat-film check, in interface lengths: the logistic profile 1/(1 + e^(-d/ell)) of a film
#: of thickness h meets the collector at xi = 1/(1 + e^(-h/ell)), and its interface measure per collector area,
#: the integral of |grad xi| over the column, is that value instead of 1; at 6 ell the collector cuts 0.25 %
FLAT_FILM_INTERFACE_LENGTHS = 6


def flat_film_thickness() -> str:
    """Initial film (case-file value) of the flat-film check: FLAT_FILM_INTERFACE_LENGTHS x the runs' ell."""
    ell = FORMER_MESH["phasefield.interface_length"]
    return f"{FLAT_FILM_INTERFACE_LENGTHS * to_si(ell, 'length') / M_PER_UM!r} um"


@pytest.fixture(scope="module")
def first_plating_runs(tmp_path_factory):
    """The shipped 0.5 mA/cm^2 cases through the first-plating window (0.1 mAh/cm^2, ~2 s each), on the former
    production cells (conftest.FORMER_MESH: the small-signal analysis is not a mesh question)."""
    window = calibration.metrics.FIRST_PLATING_CHARGE / calibration.C_M2_PER_MAH_CM2
    out = {}
    for name, extra in (("li2te_cu_0p5mA_1mAh", {}), ("cu_0p5mA_1mAh", {}),
                        ("li2te_cu_0p5mA_1mAh", {"phasefield.initial_film_thickness":
                                                 flat_film_thickness(),
                                                 "nucleation.source": "parameters",
                                                 "nucleation.progressive": False})):
        dest = tmp_path_factory.mktemp("ss") / name
        shutil.copytree(REPO / "cases" / name, dest, ignore=shutil.ignore_patterns("output", "runs"))
        if extra.get("nucleation.source", "classical") != "classical":
            # seeded nuclei: no Li below the mesh, so the step cap while there is (numerics.dt_max_subgrid) is not
            # an input of this variant (a case error if given)
            toml = dest / "case.toml"
            toml.write_text("".join(line for line in toml.read_text().splitlines(keepends=True)
                                    if not line.startswith("dt_max_subgrid")))
        over = {"protocol.capacity": f"{window!r} mAh/cm^2", "output.frames": 1, **FORMER_MESH, **extra}
        out[name + ("_film_only" if extra else "")] = calibration.run(calibration.write_variant(dest, dest, over))
    return out


def test_model_small_signal_of_a_flat_film_is_butler_volmer_plus_sei(first_plating_runs):
    """Flat Li2Te-Cu film (FLAT_FILM_INTERFACE_LENGTHS x ell thick, here 6 um) after 0.1 mAh/cm^2 with seeded
    nuclei and no bare-collector deposition (progressive = false: no gate path in the collector row).

    The film must be thick against the diffuse interface: the model's reaction area per collector area is the
    column integral of |grad xi|, which the collector cuts off at xi_wall, and R_WE = R_analytic / that area.
    The former 2 um film (2 ell since ell = 1 um; it was 4 ell at ell = 0.5 um) gave +2.35 % with an area of
    0.9775 (R_WE x area / R_analytic = 1.0005), unchanged on refined meshes (dy/2: +3.1 %, dx/2: +2.3 %); at
    4 ell +0.20 %, at 6 ell -0.09 % (the seeded bumps add area)."""
    r = first_plating_runs["li2te_cu_0p5mA_1mAh_film_only"]
    m, case = r.model, r.case
    assert m.observables()["wetted_fraction"] == 1.0
    # the whole diffuse interface lies above the collector: its wall row is Li
    assert float(np.min(np.asarray(m.xi.value)[:m.nx])) > 0.99
    ss = calibration.small_signal(m, case["protocol"]["current_density"])
    sei = m.sei_thickness_mean() / case.p("sei.effective_conductivity")
    analytic = small_signal_interface_resistance(case["protocol"]["current_density"],
                                                 case.p("lpscl.exchange_current_density"),
                                                 case.p("lpscl.transfer_coefficient"),
                                                 case["protocol"]["temperature"], sei)
    assert ss["working_interface"] == pytest.approx(analytic, rel=0.01)
    # counter electrode: the same interface without SEI; the ohmic part: the uniform pellet L / sigma
    assert ss["counter"] == pytest.approx(analytic - sei, rel=0.01)
    assert abs(ss["constriction"]) < 0.01 * ss["bulk"]
    assert ss["cell"] == pytest.approx(ss["working_interface"] + ss["counter"] + ss["ohmic"], rel=1e-9)
    # the perturbation left the state as it was
    assert m.observables()["voltage_V"] == pytest.approx(r.rows[-1]["voltage_V"], rel=1e-12)


def test_interfacial_resistance_is_higher_on_cu(first_plating_runs):
    """BRIEF §2: interfacial resistance markedly higher on Cu: the current crosses only the islands."""
    res = {k: calibration.small_signal(r.model, r.case["protocol"]["current_density"])
           for k, r in first_plating_runs.items()}
    cu, te = res["cu_0p5mA_1mAh"], res["li2te_cu_0p5mA_1mAh"]
    assert cu["working_interface"] + cu["constriction"] > 1.5 * te["working_interface"]
    assert math.isfinite(cu["constriction"]) and cu["constriction"] > te["constriction"]
