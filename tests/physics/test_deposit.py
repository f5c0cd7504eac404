"""Flat-film Li budget: Faraday with sinks off, Li balance, calibration on 1 mAh/cm^2 only, predictions."""
import numpy as np
import pytest

from liplate.parameters import interface as interface_params
from liplate.physics import deposit
from liplate.physics.constants import FARADAY

J = deposit.MEASUREMENT_CURRENT_DENSITY            # 0.5 mA/cm^2
MAH_CM2 = 3.6e4                                    # C/m^2


@pytest.fixture(scope="module")
def params():
    return deposit.DepositParameters.default()


def run_steps(params, capacity, j, steps):
    j = np.atleast_1d(np.asarray(j, dtype=float))
    state = deposit.FilmState.new(params, columns=j.size)
    t_end = capacity / j.max()
    for _ in range(steps):
        state.step(t_end / steps, j)
    return state


def test_interface_parameter_set_is_well_formed():
    from liplate.units import KINDS
    for name, p in interface_params.PARAMETERS.items():
        assert p.kind in KINDS, name
    assert "calibrated on the Li2Te-Cu deposit thickness 4.2 um after 1 mAh/cm^2 at 0.5 mA/cm^2 [Wang2022]" in \
        interface_params.PARAMETERS["roughness_fill_depth"].source


@pytest.mark.parametrize("mah", [1, 3, 5])
def test_sinks_off_gives_faraday(params, mah):
    off = params.switched(sei_on=False, creep_on=False)
    expected = mah * 4.85e-6                                        # BRIEF §2: 4.85 um per mAh/cm^2
    assert deposit.constant_current_film(J, mah * MAH_CM2, off).thickness == pytest.approx(expected, rel=0.01)
    assert run_steps(off, mah * MAH_CM2, J, 20).thickness[0] == pytest.approx(expected, rel=0.01)
    assert mah * MAH_CM2 * 1.30e-5 / FARADAY == pytest.approx(expected, rel=0.01)


def test_calibration_uses_only_the_1_mAh_point(params):
    fitted = deposit.calibrate_fill_capacity(params, capacity=1 * MAH_CM2, measured_thickness=4.2e-6)
    assert interface_params.PARAMETERS["roughness_fill_depth"].value == pytest.approx(fitted, rel=5e-3)
    assert deposit.constant_current_film(J, MAH_CM2, params).thickness == pytest.approx(4.2e-6, rel=5e-3)


@pytest.mark.parametrize("mah, measured", [(1, 4.2e-6), (3, 13.3e-6), (5, 23.8e-6)])
def test_both_on_within_5_percent_of_measurement(params, mah, measured):
    closed = deposit.constant_current_film(J, mah * MAH_CM2, params)
    assert closed.thickness == pytest.approx(measured, rel=0.05)
    stepped = run_steps(params, mah * MAH_CM2, J, 50)
    assert stepped.thickness[0] == pytest.approx(closed.thickness, rel=1e-3)
    assert stepped.sei_thickness[0] == pytest.approx(closed.sei_thickness, rel=1e-9)


def test_deficit_is_nearly_constant(params):
    rows = deposit.ablation_table(params)
    deficits = [r["faraday"] - r["both"] for r in rows]
    assert max(deficits) - min(deficits) < 0.05e-6          # ~0.65-0.68 um at 1-5 mAh/cm^2
    sei_li = [r["faraday"] - r["sei_only"] for r in rows]
    assert max(sei_li) < 0.1e-6                              # SEI Li is the small sink (~0.02-0.05 um)


def test_li_balance_with_focusing_and_stripping(params):
    """Plated Li + SEI Li = passed charge (BRIEF §7), per column, with unequal local currents."""
    j = np.array([2.0, 5.0, 50.0, 0.0])               # focused column, idle column
    state = run_steps(params, 3 * MAH_CM2, j, 200)
    state.step(600.0, -0.5 * j)                        # a little stripping
    assert np.all(np.abs(state.balance_residual()) < 1e-2)
    assert np.all(np.abs(state.balance_residual()) < 1e-10)
    assert state.sei_thickness[3] == 0.0 and state.thickness[3] == 0.0
    per_charge = state.li_in_sei()[:3] / state.charge[:3]
    assert state.sei_thickness[2] > state.sei_thickness[1] > state.sei_thickness[0]
    assert np.all(per_charge > 0)
    closed = deposit.constant_current_film(J, 5 * MAH_CM2, params)
    assert abs(closed.balance_residual) < 1e-12


def test_squeeze_out_negligible_and_fill_saturates(params):
    state = run_steps(params, 5 * MAH_CM2, J, 20)
    assert state.extruded[0] < 1e-9
    assert state.fill[0] == pytest.approx(params.fill_capacity, rel=1e-9)
    assert params.fill_time_constant() < 1.0


def test_levelling_columns_conserves_li(params):
    levelled = deposit.DepositParameters.default(column_width=1e-6)
    j = J * (1.0 + 0.5 * np.cos(2 * np.pi * np.arange(64) / 64))
    state = run_steps(levelled, MAH_CM2, j, 10)
    assert np.all(np.abs(state.balance_residual()) < 1e-2)
    assert np.abs(state.lateral).max() > 1e-8            # Li did move sideways
    total = (state.li_as_metal().sum() + state.li_in_sei().sum()) * FARADAY / state.charge.sum()
    assert total == pytest.approx(1.0, rel=1e-10)
    assert np.ptp(state.thickness) < 1e-9                 # 64 um wavelength levels within the run
