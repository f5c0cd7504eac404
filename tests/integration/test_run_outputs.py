"""End to end: a killed run resumes to the same result; outputs load in pyvista and ParaView."""
import json
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

from liplate.io.fields import read_pvd
from liplate.parameters import load_set
from liplate.simulation import run_case

SLOW_ENOUGH = dict(domain__cells_x=20, domain__cells_y=20, numerics__dt_max="30 s", output__frames=20)
COMPARE = ("thickness_mean_um", "thickness_std_um", "capacity_mAh_cm2", "cell_voltage_final_V", "steps",
           "focusing_factor_peak", "faraday_thickness_um")


def _liplate(*args, **kw):
    return subprocess.Popen([sys.executable, "-m", "liplate.cli", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, **kw)


def test_sigkill_then_resume_matches_uninterrupted(case_dir):
    ref = run_case(case_dir("ref", **SLOW_ENOUGH), progress=False)
    d = case_dir("killed", **SLOW_ENOUGH)
    proc = _liplate("run", str(d), "-q")
    ckpt = d / "output" / "checkpoint.npz"
    deadline = time.time() + 60
    while time.time() < deadline and proc.poll() is None:
        if ckpt.exists() and len(read_pvd(d / "output" / "fields.pvd")) >= 4:
            break
        time.sleep(0.05)
    assert proc.poll() is None, "the run finished before it could be killed; make it slower"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert not (d / "output" / "summary.json").exists()
    # A plain rerun refuses to overwrite the unfinished run.
    again = _liplate("run", str(d), "-q")
    assert again.wait() == 2 and "--resume" in again.stderr.read()
    res = _liplate("run", str(d), "--resume", "-q")
    assert res.wait() == 0, res.stderr.read()
    got = json.loads((d / "output" / "summary.json").read_text())
    for k in COMPARE:
        assert got[k] == pytest.approx(ref[k], rel=1e-9), k
    frames = read_pvd(d / "output" / "fields.pvd")
    assert len(frames) == 21 and all(p.exists() for _, p in frames)
    assert not ckpt.exists()  # a completed run drops its restart point


def test_completed_case_not_recomputed(case_dir):
    d = case_dir()
    first = run_case(d, progress=False)
    mtime = (d / "output" / "summary.json").stat().st_mtime_ns
    again = run_case(d, progress=False)
    assert again["steps"] == first["steps"]
    assert (d / "output" / "summary.json").stat().st_mtime_ns == mtime
    forced = run_case(d, force=True, progress=False)
    assert forced["status"] == "completed"
    assert (d / "output" / "summary.json").stat().st_mtime_ns != mtime


def test_completed_run_of_other_inputs_is_not_returned(case_dir):
    """A stored run whose resolved inputs differ from the case's now (an edited case.toml, or a newer
    liplate with other defaults) is not handed back as this case's result: a clear error, --force redoes it.
    A new title, or another source text of a parameter, is not a different input."""
    from liplate.case import CaseError

    d = case_dir()
    run_case(d, progress=False)
    resolved = d / "output" / "case_resolved.json"
    stored = json.loads(resolved.read_text())
    stored["sections"]["case"]["title"] = "another title"
    stored["parameters"]["lpscl"]["conductivity"]["source"] = "another source"
    resolved.write_text(json.dumps(stored))
    assert run_case(d, progress=False)["status"] == "completed"          # same inputs: the stored result

    stored["parameters"]["lpscl"]["exchange_current_density"]["value"] = 20.0
    stored["sections"]["numerics"]["dt_max"] = 60.0
    resolved.write_text(json.dumps(stored))
    with pytest.raises(CaseError) as err:
        run_case(d, progress=False)
    msg = str(err.value)
    shipped = load_set("lpscl")["exchange_current_density"].value
    assert f"lpscl.exchange_current_density: 20 A/m^2 -> {shipped:g} A/m^2" in msg
    assert "numerics.dt_max: 60.0 -> 600.0" in msg and "--force" in msg
    assert run_case(d, force=True, progress=False)["status"] == "completed"
    assert run_case(d, progress=False)["status"] == "completed"

    # An unfinished run of other inputs is not resumed either (it would mix the two).
    from liplate.io.checkpoint import CHECKPOINT
    (d / "output" / "summary.json").unlink()
    (d / "output" / CHECKPOINT).write_bytes(b"not read")
    resolved.write_text(json.dumps(stored))
    with pytest.raises(CaseError, match="resuming would mix them"):
        run_case(d, resume=True, progress=False)


def test_outputs_complete_and_read_by_pyvista(case_dir):
    os.environ.setdefault("VTK_DEFAULT_OPENGL_WINDOW", "vtkEGLRenderWindow")
    pv = pytest.importorskip("pyvista")
    d = case_dir()
    s = run_case(d, progress=False)
    out = d / "output"
    for name in ("summary.json", "timeseries.csv", "fields.pvd", "case_resolved.json", "run.log"):
        assert (out / name).is_file(), name
    from liplate.io.summary import SUMMARY_KEYS
    assert set(SUMMARY_KEYS) <= set(s)
    # 1 mAh/cm^2 is below the 70 um counter electrode's 14.4 mAh/cm^2: the run ends at its capacity
    assert s["status"] == "completed" and s["stop_reason"] == "capacity reached"
    assert s["counter_exhausted_capacity_mAh_cm2"] is None and s["counter_li_mAh_cm2"] == pytest.approx(14.4, rel=3e-3)
    header = (out / "timeseries.csv").read_text().splitlines()[0].split(",")
    assert header[:4] == ["time_s", "capacity_mAh_cm2", "voltage_V", "thickness_mean_um"]
    reader = pv.get_reader(str(out / "fields.pvd"))
    assert len(reader.time_values) == 5
    reader.set_active_time_value(reader.time_values[-1])
    mesh = reader.read()[0]
    assert mesh.n_cells == 64
    for name in ("phi_V", "current_density_A_m2", "current_density_magnitude_A_m2"):
        assert name in mesh.cell_data
    assert mesh.bounds[3] == pytest.approx(50e-6)  # y extent in m (SI, as the fields)
    # Uniform film: the current is -j_app e_y in every cell, boundary rows included (flux-based field).
    import numpy as np
    j = np.asarray(mesh.cell_data["current_density_A_m2"])
    assert np.allclose(j[:, 1], -5.0, rtol=1e-6) and np.allclose(j[:, 0], 0.0, atol=1e-9)
    resolved = json.loads((out / "case_resolved.json").read_text())
    assert resolved["parameters"]["lpscl"]["conductivity"]["source"]


@pytest.mark.skipif(shutil.which("pvpython") is None, reason="ParaView (pvpython) not installed")
def test_paraview_opens_output(case_dir, tmp_path):
    d = case_dir()
    run_case(d, progress=False)
    script = tmp_path / "read.py"
    script.write_text(
        "from paraview.simple import PVDReader\n"
        f"r = PVDReader(FileName={str(d / 'output' / 'fields.pvd')!r})\n"
        "r.UpdatePipeline(max(r.TimestepValues))\n"
        "info = r.GetDataInformation()\n"
        "print('CELLS', info.GetNumberOfCells())\n"
        "print('ARRAYS', ','.join(r.CellData.keys()))\n"
        "print('RANGE', *r.CellData['phi_V'].GetRange())\n")
    env = dict(os.environ, DISPLAY="")
    out = subprocess.run(["pvpython", "--force-offscreen-rendering", str(script)], capture_output=True, text=True,
                         timeout=120, env=env)
    assert out.returncode == 0, out.stderr[-2000:]
    lines = dict(line.split(" ", 1) for line in out.stdout.splitlines() if line[:5] in ("CELLS", "ARRAY", "RANGE"))
    assert int(lines["CELLS"]) == 64
    assert "phi_V" in lines["ARRAYS"]
    lo, hi = map(float, lines["RANGE"].split())
    assert hi > lo


def test_solver_failure_is_a_failed_run_with_summary(case_dir):
    from liplate.case import load_case

    d = case_dir()
    case = load_case(d)
    # Newton cannot reach this: every step fails. Below the tolerance a case file may ask for (1e-14,
    # round-off), so it is set past validation.
    case.sections["numerics"]["tolerance"] = 1e-30
    s = run_case(case, progress=False)
    assert s["status"] == "failed"
    assert "SolveFailed" in s["error"] or "dt_min" in s["error"]
    assert (d / "output" / "summary.json").is_file()


def test_run_log_has_a_line_per_frame_and_the_terminal_does_not(case_dir):
    """A long run reports its progress in run.log, one line per field frame (a sweep or a batch job has no
    terminal); the terminal, which has the progress bar, does not get those lines."""
    d = case_dir(output__frames=4)
    res = subprocess.run([sys.executable, "-m", "liplate.cli", "run", str(d)], capture_output=True, text=True,
                         timeout=300)
    assert res.returncode == 0, res.stderr
    lines = [ln for ln in (d / "output" / "run.log").read_text().splitlines() if " frame " in ln]
    assert [ln.split(" frame ")[1].split(":")[0] for ln in lines] == ["1/4", "2/4", "3/4", "4/4"]
    # each at its frame's capacity, Q k / frames (1 mAh/cm^2 in 4 frames)
    assert [float(ln.split(": ")[1].split(" mAh")[0]) for ln in lines] == pytest.approx([0.25, 0.5, 0.75, 1.0])
    assert " frame " not in res.stderr + res.stdout


def test_timing_line_splits_the_steps_wall_time():
    from liplate.simulation import _timing_line

    line = _timing_line({"phi": 6.0, "xi": 3.0, "hooks": 1.2, "step": 12.0})
    assert line == "potential solves 50 %, phase-field solves 25 %, step hooks 10 %, the rest 15 % of 12.0 s in steps"
    assert _timing_line(None) == "" and _timing_line({"phi": 0.0, "xi": 0.0, "step": 0.0}) == ""
