"""The collector cuts the diffuse interface of a thin film (physics.phasefield.wall_cut_measure): the interface
measure of the phase-field model is the sharp interface's area for a film of any thickness and for sessile caps."""
import numpy as np
import pytest
from test_phasefield import make_case

from liplate.physics import phasefield as pf

ELL = 0.5e-6


@pytest.fixture(scope="module")
def model():
    from liplate.models.phasefield import PhaseFieldModel

    return PhaseFieldModel(make_case("li2te_cu", width="60 um", nx=120, ny=88, extra={
        "phasefield": {"fine_cell_height": "0.25 um", "interface_length": "0.5 um"}}))


def column_measure(model, xi):
    return (model._grid(model._delta_function(xi.ravel())) * model.dy[:, None]).sum(axis=0)


def test_pure_function_limits():
    x = np.full(50, 0.95)
    assert np.allclose(pf.wall_cut_measure(x, 3), pf.interp(0.95) * 0.05)       # a covering film: 1 - xi_wall
    assert np.all(pf.wall_cut_measure(np.zeros(50), 3) == 0.0)                    # bare collector
    assert np.all(pf.wall_cut_measure(np.ones(50), 3) == 0.0)                     # a thick deposit: no cut
    x[20:] = 0.0                                                                  # a contact line at column 20
    w = pf.wall_cut_measure(x, 3)
    assert np.all(w[17:] == 0.0) and np.all(w[3:17] > 0) and w[0] == 0.0          # none within 3 columns (periodic)


@pytest.mark.parametrize("h_ell", [3.0, 4.5, 6.0, 9.0])
def test_flat_film_carries_unit_interface_per_column(model, h_ell):
    """A flat film h thick (logistic profile): without the cut term its column measures xi_wall ~ 1 - exp(-h/ell)
    (0.95 at 3 ell), with it 1 to 1e-3 (the sharp film's interface, one per unit area)."""
    prof = pf.logistic_profile(h_ell * ELL - model.y_centres, ELL)
    xi = np.tile(prof[:, None], (1, model.nx))
    measure = column_measure(model, xi)
    assert np.allclose(measure, 1.0, atol=1e-3)
    gy0 = (xi[1, 0] - xi[0, 0]) / (model.y_centres[1] - model.y_centres[0])
    x_wall = xi[0, 0] - 0.5 * model.dy[0] * gy0
    cut = pf.interp(x_wall) * (1.0 - x_wall)
    # what it adds is the logistic tail the collector cut off, 1/(1 + exp(h/ell)) (4.7 % at 3 ell), to the
    # discretisation of the cut (the wall row's one-sided gradient extrapolates xi to the wall linearly)
    assert cut == pytest.approx(1.0 / (1.0 + np.exp(h_ell)), rel=0.2)


@pytest.mark.parametrize("theta", [60, 81, 90, 120])
def test_sessile_cap_measure_is_its_arc(model, theta):
    """A cap of radius 10 um at contact angle theta: the measure is its arc 2 R theta to 0.2 %, and the cut term
    adds nothing at its contact lines (they lie within the reach)."""
    R, t = 10e-6, np.radians(theta)
    X = model._grid(np.asarray(model.mesh.cellCenters[0]))
    Y = model._grid(np.asarray(model.mesh.cellCenters[1]))
    xi = pf.logistic_profile(R - np.hypot(X - 30e-6, Y + R * np.cos(t)), ELL)
    depth = float(model.volumes[0] / (model.dx * model.dy[0]))
    total = float(np.sum(model._delta_function(xi.ravel()) * model.volumes)) / depth
    assert total == pytest.approx(2 * R * t, rel=2e-3)
