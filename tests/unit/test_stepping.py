"""The time loop's step controller (liplate.stepping): the step cap dt_max, dt_max_late from late_capacity on, and the
model's own cap (Model.step_limit: the phase field's numerics.dt_max_subgrid while it holds sub-grid nuclei)."""
from types import SimpleNamespace

import numpy as np
import pytest

from liplate.case import CaseError, load_case
from liplate.models.base import Model, StepReport
from liplate.models.phasefield.model import PhaseFieldModel
from liplate.stepping import Stepper

MAH_CM2 = 3.6e4     # C/m^2


class _Recorder(Model):
    """A model with no physics: it accepts every step and records (charge at the step's start, dt)."""

    def __init__(self):
        self.charge, self.steps = 0.0, []

    def advance(self, dt, current_density):
        self.steps.append((self.charge, dt))
        self.charge += current_density * dt
        return StepReport(sweeps=1)

    def get_state(self):
        return {"charge": np.array([self.charge])}

    def set_state(self, state):
        self.charge = float(state["charge"][0])

    def observables(self):
        return {}

    def cell_fields(self):
        return {}


def _run(case_dir, **over):
    case = load_case(case_dir(**{"protocol__capacity": "3 mAh/cm^2", "numerics__dt_initial": "10 s",
                                 "numerics__dt_max": "60 s", "output__frames": 3, **over}))
    model = _Recorder()
    state, status = Stepper(model, case).run()
    return model.steps, state, status


def test_the_step_is_capped_by_dt_max_late_from_late_capacity_on(case_dir):
    steps, state, status = _run(case_dir, numerics__dt_max_late="300 s", numerics__late_capacity="1 mAh/cm^2")
    assert status == "completed" and state.charge == pytest.approx(3 * MAH_CM2, rel=1e-12)
    early = [dt for q, dt in steps if q < MAH_CM2 * (1 - 1e-12)]
    late = [dt for q, dt in steps if q >= MAH_CM2 * (1 - 1e-12)]
    assert max(early) == pytest.approx(60.0) and max(late) == pytest.approx(300.0)
    # from the switch on, dt grows from the early cap by dt_growth (1.5) per step, not in one jump
    assert late[:5] == pytest.approx([60.0, 60 * 1.5, 60 * 1.5**2, 60 * 1.5**3, 300.0])
    # the early stage takes the very steps of a run without the late cap
    plain, _, _ = _run(case_dir)
    assert early == [dt for q, dt in plain if q < MAH_CM2 * (1 - 1e-12)]
    # a smaller late cap takes over at once
    steps, _, _ = _run(case_dir, numerics__dt_max_late="20 s", numerics__late_capacity="2 mAh/cm^2")
    assert max(dt for q, dt in steps if q >= 2 * MAH_CM2 * (1 - 1e-12)) == pytest.approx(20.0)


@pytest.mark.parametrize("over,fragments", [
    ({"numerics__dt_max_late": "300 s"}, ["numerics.dt_max_late", "'300 s'", "numerics.late_capacity", "both"]),
    ({"numerics__late_capacity": "1 mAh/cm^2"}, ["numerics.late_capacity", "numerics.dt_max_late", "both"]),
    ({"numerics__dt_max_late": "-3 s", "numerics__late_capacity": "1 mAh/cm^2"}, ["numerics.dt_max_late", "> 0"]),
    ({"numerics__dt_max_late": "300 mV", "numerics__late_capacity": "1 mAh/cm^2"}, ["numerics.dt_max_late", "mV"]),
    ({"numerics__dt_max_late": "1e-9 s", "numerics__late_capacity": "1 mAh/cm^2"},
     ["numerics.dt_max_late", ">= numerics.dt_min"]),
])
def test_a_late_step_cap_given_half_or_wrong_is_a_case_error(case_dir, over, fragments):
    _assert_case_error(case_dir, over, fragments)


def _assert_case_error(case_dir, over, fragments):
    """Loading the case with ``over`` raises a CaseError naming the file and every one of ``fragments``."""
    with pytest.raises(CaseError) as err:
        load_case(case_dir(**over))
    msg = str(err.value)
    assert "case.toml" in msg
    for f in fragments:
        assert f in msg, msg


class _CapsWhileEarly(_Recorder):
    """A model that asks for steps of at most 5 s while less than 0.5 mAh/cm^2 has passed (as the phase field
    does while it holds sub-grid nuclei), and for nothing after."""

    def step_limit(self):
        return 5.0 if self.charge < 0.5 * MAH_CM2 * (1 - 1e-12) else None


def test_the_model_s_own_cap_holds_while_it_asks_and_dt_grows_back_after(case_dir):
    case = load_case(case_dir(**{"protocol__capacity": "3 mAh/cm^2", "numerics__dt_initial": "10 s",
                                 "numerics__dt_max": "60 s", "output__frames": 3}))
    model = _CapsWhileEarly()
    state, status = Stepper(model, case).run()
    assert status == "completed" and state.charge == pytest.approx(3 * MAH_CM2, rel=1e-12)
    early = [dt for q, dt in model.steps if q < 0.5 * MAH_CM2 * (1 - 1e-12)]
    late = [dt for q, dt in model.steps if q >= 0.5 * MAH_CM2 * (1 - 1e-12)]
    assert max(early) == pytest.approx(5.0)           # the first step (dt_initial 10 s) is capped too
    assert late[:6] == pytest.approx([5.0 * 1.5 ** k for k in range(1, 7)])
    assert max(late) == pytest.approx(60.0)


def test_the_phase_field_caps_the_step_only_while_sub_grid_nuclei_are_in_the_window():
    nuclei = SimpleNamespace(count=np.zeros(8))
    model = SimpleNamespace(dt_max_subgrid=2.0, classical=True, nuclei=nuclei)
    assert PhaseFieldModel.step_limit(model) is None             # none formed yet
    nuclei.count[3] = 1
    assert PhaseFieldModel.step_limit(model) == 2.0
    model.dt_max_subgrid = None                                  # the key not given: dt_max alone
    assert PhaseFieldModel.step_limit(model) is None
    model.dt_max_subgrid, model.classical = 2.0, False           # seeded nuclei: no sub-grid Li
    assert PhaseFieldModel.step_limit(model) is None


@pytest.mark.parametrize("over,fragments", [
    # the sharp model holds no Li below a mesh
    ({"numerics__dt_max_subgrid": "1 s"}, ["numerics.dt_max_subgrid", "sharp"]),
    ({"case__model": "phasefield", "case__substrate": "cu", "nucleation__source": "parameters",
      "numerics__dt_max_subgrid": "1 s"}, ["numerics.dt_max_subgrid", "nucleation.source"]),
    ({"case__model": "phasefield", "case__substrate": "cu", "numerics__dt_max_subgrid": "0 s"},
     ["numerics.dt_max_subgrid", "> 0"]),
])
def test_a_sub_grid_step_cap_a_model_does_not_read_or_out_of_range_is_a_case_error(case_dir, over, fragments):
    _assert_case_error(case_dir, over, fragments)
