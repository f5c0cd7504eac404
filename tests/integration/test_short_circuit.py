"""A short circuit is a result: Li filaments from the SE's flaws (``[penetration] enabled = true``,
docs/penetration.md) reach the counter electrode, the run ends there cleanly with status "short_circuit", its
outputs complete; a rerun returns it; a sweep counts it as done; the filaments' Li is in the Li balance.

The case is a tiny Cu phase-field window (6 x 24 cells) at 5 mA/cm^2 with deep flaws (Weibull scale 20 um) and a
thin pellet (0.1 mm), so that a flaw opens once the deposit's Li has filled it and the filament crosses before
1 mAh/cm^2 (a few seconds of computing). What is asserted is behaviour and conservation, not the short's capacity.
"""
from __future__ import annotations

import csv
import json
import subprocess
import sys
from argparse import Namespace
from pathlib import Path

import numpy as np
import pytest
from conftest import small_case, write_case

from liplate.case import CaseError, load_case
from liplate.io.fields import read_pvd
from liplate.io.summary import SUMMARY_KEYS
from liplate.physics.constants import FARADAY
from liplate.simulation import run_case

J_MA_CM2 = 5.0
SHORTING = {"case__model": "phasefield", "case__substrate": "cu", "domain__width": "60 um",
            "domain__height": "40 um", "domain__cells_x": 6, "domain__cells_y": 24,
            "domain__electrolyte_thickness": "0.1 mm", "phasefield__fine_layer_height": "10 um",
            "nucleation__source": "parameters", "nucleation__nucleus_half_width": "6 um",
            "nucleation__nucleus_height": "1 um", "protocol__current_density": f"{J_MA_CM2} mA/cm^2",
            "protocol__capacity": "1 mAh/cm^2", "numerics__dt_initial": "0.5 s", "numerics__dt_max": "6 s",
            "output__frames": 10, "penetration__enabled": True, "penetration__flaw_depth_scale": "20 um",
            "penetration__largest_flaw_depth": "200 um"}


def _strict_json(path: Path) -> dict:
    def no_constant(name):
        raise ValueError(f"{path}: non-standard JSON constant {name}")
    return json.loads(path.read_text(), parse_constant=no_constant)


def _rows(path: Path) -> list[dict]:
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def shorted(tmp_path_factory):
    d = write_case(tmp_path_factory.mktemp("short") / "case", small_case(**SHORTING))
    return d, run_case(d, progress=False)


def test_a_short_ends_the_run_cleanly_with_complete_outputs(shorted):
    d, s = shorted
    out = d / "output"
    assert s["status"] == "short_circuit" and s["short_circuit"] is True and s["error"] is None
    assert s["stop_reason"] == "short circuit"
    stored = _strict_json(out / "summary.json")
    assert stored == json.loads(json.dumps(s)) and set(SUMMARY_KEYS) <= set(stored)
    # the run stopped at the short, before its target capacity; the restart point is gone (a result)
    q_short, t_short = stored["short_capacity_mAh_cm2"], stored["short_time_s"]
    assert 0 < q_short <= stored["capacity_mAh_cm2"] < 1.0
    assert q_short == pytest.approx(J_MA_CM2 * t_short / 3600.0, rel=1e-9)   # Q = j t (galvanostatic)
    assert not (out / "checkpoint.npz").exists()
    # the timeseries ends on the step of the short: the voltage collapsed to 0 V (electronic short), and the
    # short fell inside that step
    rows = _rows(out / "timeseries.csv")
    last, before = rows[-1], rows[-2]
    assert float(last["voltage_V"]) == 0.0 and last["short_circuit"] == "1"
    assert all(r["short_circuit"] == "0" and float(r["voltage_V"]) < 0 for r in rows[1:-1])
    assert float(before["time_s"]) < t_short <= float(last["time_s"]) * (1 + 1e-12)
    assert float(last["capacity_mAh_cm2"]) == pytest.approx(stored["capacity_mAh_cm2"], rel=1e-9)   # CSV: 10 digits
    # a last frame at the short, written whole, with the filament drawn in it
    frames = read_pvd(out / "fields.pvd")
    assert frames and all(p.exists() for _, p in frames)
    assert frames[-1][0] == pytest.approx(float(last["time_s"]), rel=1e-9)
    assert b'Name="filament"' in frames[-1][1].read_bytes()
    assert stored["penetration_depth_um"] > 0 and stored["filaments_open"] >= 1


def test_a_rerun_returns_the_shorted_case_without_recomputing(shorted):
    d, s = shorted
    summary = d / "output" / "summary.json"
    mtime = summary.stat().st_mtime_ns
    again = run_case(d, progress=False)
    assert again == _strict_json(summary) and again["status"] == "short_circuit"
    assert summary.stat().st_mtime_ns == mtime
    # liplate run: a short is a result (exit 0), and it says so
    res = subprocess.run([sys.executable, "-m", "liplate.cli", "run", str(d), "-q"], capture_output=True,
                         text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    assert "short_circuit" in res.stdout and "short circuit at" in res.stdout
    assert summary.stat().st_mtime_ns == mtime


def test_li_balance_with_filaments_over_a_shorting_run(tmp_path):
    """deposit (+ roughness fill) + SEI + filaments - owed = passed charge at the end of a run that shorted, with
    the filaments holding a real share of it."""
    from liplate.models import build_model
    from liplate.stepping import Stepper

    # a 0.2 mm pellet: the short comes after the passed charge has paid for the seeded nuclei (initial_charge,
    # ~4100 C/m^2 here), so the filaments' Li is partly taken off the deposit, not only owed. On the 0.1 mm pellet
    # of SHORTING the short came at 3900 C/m^2, before that (plated = initial_charge there, by design)
    case = load_case(write_case(tmp_path / "case", small_case(**dict(SHORTING,
                                                                     domain__electrolyte_thickness="0.2 mm"))))
    model = build_model(case)
    assert model.plugins == [model.filaments]
    state, status = Stepper(model, case).run()
    assert status == "short_circuit"
    assert model.charge > model.initial_charge(), "the test needs a short after the seeded nuclei are paid for"
    to_c = FARADAY / model.vm / model.width           # Li volume per depth of the window (m^2) -> C/m^2
    hook = model.filaments
    deposit = (np.sum(np.asarray(model.xi.value) * model.volumes) - model.film0_volume + np.sum(model.fill)
               + model.nuclei.volume()) * to_c
    sei = (np.sum(model.sei_li) + np.sum(model.collector_sei_li)) * to_c
    filaments = hook.filament_volume_per_depth(model.width) * to_c
    owed = float(np.sum(hook.owed)) * to_c
    assert filaments > 0.05 * model.charge and owed < filaments
    assert deposit + sei + filaments - owed == pytest.approx(model.charge, rel=1e-6)
    assert model.plated_charge() == pytest.approx(model.charge, rel=1e-6)
    assert state.charge == pytest.approx(model.charge, rel=1e-12)
    # the state round trip carries the filaments (a checkpoint or a rejected step restores them)
    saved = model.get_state()
    model.set_state({k: v for k, v in model.get_state().items()})
    assert model.get_state().keys() == saved.keys() and model.observables()["short_circuit"]


def test_a_sweep_counts_a_short_as_done_and_does_not_rerun_it(tmp_path):
    from liplate.sweep import main as sweep_main

    base = small_case(**SHORTING)
    write_case(tmp_path / "base", base)
    f = tmp_path / "sweep.toml"
    f.write_text('base = "base"\n[product]\n"penetration.filament_radius" = ["2 um"]\n')
    assert sweep_main(Namespace(file=str(f), force=False, quiet=True)) == 0
    table = _rows(tmp_path / "results.csv")
    assert [r["status"] for r in table] == ["short_circuit"]
    summary = next(tmp_path.rglob("output/summary.json"))
    mtime = summary.stat().st_mtime_ns
    assert sweep_main(Namespace(file=str(f), force=False, quiet=True)) == 0
    assert [r["status"] for r in _rows(tmp_path / "results.csv")] == ["short_circuit"]
    assert summary.stat().st_mtime_ns == mtime


def test_a_sweep_runs_a_list_of_existing_case_directories(tmp_path):
    """cases/shorts_map/sweep.toml's form: [[cases]] tables each naming a case directory as their own base (no
    top-level base); a point is that case as it is, named after its directory, with its own title."""
    from liplate.sweep import main as sweep_main
    from liplate.sweep.expand import load_sweep

    write_case(tmp_path / "cases" / "short_5mA", small_case(**SHORTING))
    off = {k: v for k, v in SHORTING.items() if not k.startswith("penetration__")}
    write_case(tmp_path / "cases" / "short_off", small_case(**{**off, "protocol__capacity": "0.05 mAh/cm^2"}))
    f = tmp_path / "map" / "sweep.toml"
    f.parent.mkdir()
    f.write_text('[[cases]]\nbase = "../cases/short_5mA"\n\n[[cases]]\nbase = "../cases/short_off"\n')
    sweep = load_sweep(f)
    assert [p.name for p in sweep.points] == ["short_5mA", "short_off"]
    assert "penetration" not in sweep.case_dict(sweep.points[1])
    assert sweep_main(Namespace(file=str(f), force=False, quiet=True)) == 0
    table = {r["case"]: r for r in _rows(f.parent / "results.csv")}
    assert table["short_5mA"]["status"] == "short_circuit" and table["short_off"]["status"] == "completed"
    assert float(table["short_5mA"]["current_density_mA_cm2"]) == J_MA_CM2


def test_penetration_keys_have_no_effect_unless_enabled(case_dir):
    over = {k: v for k, v in SHORTING.items() if not k.startswith("penetration__")}
    with pytest.raises(CaseError, match=r"penetration.filament_radius.*unless penetration.enabled = true"):
        load_case(case_dir("off", **over, penetration__filament_radius="3 um"))
    with pytest.raises(CaseError, match=r"penetration.flaw_width.*unless.*penetration.creep_limit = true"):
        load_case(case_dir("nocreep", **over, penetration__enabled=True, penetration__creep_limit=False,
                           penetration__flaw_width="1 um"))
    with pytest.raises(CaseError, match=r"lpscl.youngs_modulus.*unless penetration.enabled = true"):
        load_case(case_dir("modulus", **over, **{"parameters__lpscl.youngs_modulus": "20 GPa"}))
    # the sharp model has no filaments
    with pytest.raises(CaseError, match=r"penetration.enabled.*has no effect on the 'sharp' model"):
        load_case(case_dir("sharp", penetration__enabled=True))
    case = load_case(case_dir("on", **over, penetration__enabled=True, penetration__filament_radius="3 um"))
    assert case["penetration"]["filament_radius"] == pytest.approx(3e-6)
