"""Continuous plating and the counter electrode's Li (issue 17): a run stops at its capacity or when the Li foil
counter electrode has given all its Li, whichever comes first; ``capacity = "continuous"`` plates until the latter
(or a short). Exhaustion is a result: status "completed", stop_reason "counter electrode exhausted", exit 0,
outputs complete, no restart point left; ``--resume`` continues such a run; a sweep counts it as done.

The counter electrode is made tiny through the parameter override ``[parameters] "cell.counter_li_thickness"``
(1 um: 0.206 mAh/cm^2) so that the runs take seconds. The stop is checked against Faraday's law,
q = h F / V_m, not against a stored model output.
"""
from __future__ import annotations

import csv
import json
import subprocess
import sys
from argparse import Namespace

import pytest
from conftest import small_case, write_case

import liplate.simulation as sim
from liplate.case import load_case
from liplate.io.fields import read_pvd
from liplate.io.summary import SUMMARY_KEYS
from liplate.parameters import load_set
from liplate.physics.constants import FARADAY
from liplate.simulation import run_case
from liplate.units import C_M2_PER_MAH_CM2

J_MA_CM2 = 0.5
H_COUNTER = 1e-6                                                    # m of Li in the counter electrode
Q_COUNTER = H_COUNTER * FARADAY / load_set("li")["molar_volume"].value / C_M2_PER_MAH_CM2   # mAh/cm^2
TINY_COUNTER = {"parameters__cell.counter_li_thickness": f"{H_COUNTER / 1e-6:g} um",
                "protocol__current_density": f"{J_MA_CM2} mA/cm^2"}
#: a tiny phase-field window (as tests/unit/test_case_validation.SMALL_PF), on an even tinier counter electrode
PF = {"case__model": "phasefield", "case__substrate": "cu", "domain__width": "60 um", "domain__height": "40 um",
      "domain__cells_x": 6, "domain__cells_y": 24, "phasefield__fine_layer_height": "10 um",
      "nucleation__source": "parameters", "nucleation__nucleus_half_width": "6 um",
      "protocol__current_density": f"{J_MA_CM2} mA/cm^2", "numerics__dt_initial": "1 s",
      "numerics__dt_max": "10 s", "parameters__cell.counter_li_thickness": "0.05 um"}


def _strict_json(path):
    def no_constant(name):
        raise ValueError(f"{path}: non-standard JSON constant {name}")
    return json.loads(path.read_text(), parse_constant=no_constant)


def _assert_exhausted(d, s, q_counter, frames):
    """The run ended at the counter electrode's Li: a complete result."""
    out = d / "output"
    assert s["status"] == "completed" and s["error"] is None
    assert s["stop_reason"] == "counter electrode exhausted"
    assert s["counter_li_mAh_cm2"] == pytest.approx(q_counter, rel=1e-12)
    assert s["capacity_mAh_cm2"] == pytest.approx(q_counter, rel=1e-12)
    assert s["counter_exhausted_capacity_mAh_cm2"] == pytest.approx(q_counter, rel=1e-12)
    assert s["short_circuit"] in (False, None)
    stored = _strict_json(out / "summary.json")
    assert stored == json.loads(json.dumps(s)) and set(SUMMARY_KEYS) <= set(stored)
    assert not (out / "checkpoint.npz").exists()                 # a result: no restart point left
    # the last frame and the last time-series row at the exhaustion, t = q / j (galvanostatic)
    t_end = q_counter / J_MA_CM2 * 3600.0
    pvd = read_pvd(out / "fields.pvd")
    assert len(pvd) == frames + 1 and all(p.exists() for _, p in pvd)
    assert pvd[-1][0] == pytest.approx(t_end, rel=1e-7)                 # fields.pvd: 9 digits
    with open(out / "timeseries.csv", newline="") as fh:
        last = list(csv.DictReader(fh))[-1]
    assert float(last["time_s"]) == pytest.approx(t_end, rel=1e-9)
    assert float(last["capacity_mAh_cm2"]) == pytest.approx(q_counter, rel=1e-9)


@pytest.mark.parametrize("capacity", ["continuous", "15 mAh/cm^2"])
def test_the_sharp_model_stops_cleanly_when_the_counter_electrode_is_exhausted(tmp_path, capacity):
    d = write_case(tmp_path / "case", small_case(protocol__capacity=capacity, **TINY_COUNTER))
    res = subprocess.run([sys.executable, "-m", "liplate.cli", "run", str(d), "-q"], capture_output=True,
                         text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    assert "counter electrode exhausted at" in res.stdout
    s = _strict_json(d / "output" / "summary.json")
    _assert_exhausted(d, s, Q_COUNTER, frames=4)
    # Faraday: the film holds the counter electrode's Li, h of it (SEI and roughness fill included)
    assert s["faraday_thickness_um"] == pytest.approx(H_COUNTER / 1e-6, rel=1e-9)


def test_a_capacity_below_the_counter_electrode_li_stops_at_the_capacity(case_dir):
    s = run_case(case_dir(protocol__capacity="0.1 mAh/cm^2", **TINY_COUNTER), progress=False)
    assert s["status"] == "completed" and s["stop_reason"] == "capacity reached"
    assert s["capacity_mAh_cm2"] == pytest.approx(0.1, rel=1e-12)
    assert s["counter_exhausted_capacity_mAh_cm2"] is None
    assert s["counter_li_mAh_cm2"] == pytest.approx(Q_COUNTER, rel=1e-12)


def test_the_phase_field_model_stops_the_same_way(tmp_path):
    d = write_case(tmp_path / "pf", small_case(protocol__capacity="continuous", output__frames=2, **PF))
    case = load_case(d)
    q = case.plating_limit()[0] / C_M2_PER_MAH_CM2
    assert q == pytest.approx(0.05e-6 * FARADAY / case.p("li.molar_volume") / C_M2_PER_MAH_CM2, rel=1e-12)
    s = run_case(d, progress=False)
    _assert_exhausted(d, s, q, frames=2)


def test_an_interrupted_continuous_run_resumes_to_the_same_result(case_dir, monkeypatch):
    over = dict(protocol__capacity="continuous", output__frames=8, numerics__dt_max="60 s", **TINY_COUNTER)
    ref = run_case(case_dir("ref", **over), progress=False)
    d = case_dir("cut", **over)
    real_save, calls = sim.ckpt.save, []

    def save_then_stop(*args, **kw):      # Ctrl-C right after the third restart point is written
        real_save(*args, **kw)
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
    monkeypatch.setattr(sim.ckpt, "save", save_then_stop)
    with pytest.raises(KeyboardInterrupt):
        run_case(d, progress=False)
    monkeypatch.setattr(sim.ckpt, "save", real_save)
    assert _strict_json(d / "output" / "summary.json")["status"] == "interrupted"
    assert (d / "output" / "checkpoint.npz").exists()
    s = run_case(d, resume=True, progress=False)
    _assert_exhausted(d, s, Q_COUNTER, frames=8)
    for k in ("capacity_mAh_cm2", "thickness_mean_um", "cell_voltage_final_V", "steps", "faraday_thickness_um"):
        assert s[k] == pytest.approx(ref[k], rel=1e-9), k


def test_a_sweep_counts_an_exhausted_run_as_done_and_does_not_rerun_it(tmp_path):
    from liplate.sweep import main as sweep_main

    write_case(tmp_path / "base", small_case(protocol__capacity="continuous", **TINY_COUNTER))
    f = tmp_path / "sweep.toml"
    f.write_text('base = "base"\n[product]\n"protocol.current_density" = ["0.5 mA/cm^2", "1 mA/cm^2"]\n')
    assert sweep_main(Namespace(file=str(f), force=False, quiet=True)) == 0
    with open(tmp_path / "results.csv", newline="") as fh:
        table = list(csv.DictReader(fh))
    assert [r["status"] for r in table] == ["completed"] * 2
    assert [r["stop_reason"] for r in table] == ["counter electrode exhausted"] * 2
    assert [float(r["capacity_mAh_cm2"]) for r in table] == pytest.approx([Q_COUNTER] * 2, rel=1e-9)
    summaries = sorted(tmp_path.rglob("output/summary.json"))
    mtimes = [p.stat().st_mtime_ns for p in summaries]
    assert len(summaries) == 2
    assert sweep_main(Namespace(file=str(f), force=False, quiet=True)) == 0
    assert [p.stat().st_mtime_ns for p in summaries] == mtimes
