"""Faults end cleanly and lose nothing; a run never hands back a wrong result with exit 0.

Covered: the output lock (a second run refuses while the first runs; a dead holder blocks nobody),
the stored-input check failing closed, one way out after a run that stopped before its first
checkpoint, damaged checkpoints (run and sweep), a full disk (injected ENOSPC, and a real small tmpfs
when run as root), interrupts recorded in run.log (also one that a library swallows mid-step), a sweep
whose results.csv cannot be written, strict JSON in every JSON output, file modes that follow the umask,
and a plain file where output/ goes.
Cases are 8 x 8 (or 20 x 20 where a run must last long enough to be caught) sharp-model cases.
"""
from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_sweep import make_sweep, rows
from test_sweep import run as sweep

import liplate.sweep.table as sweep_table
from liplate.case import CaseError
from liplate.io import checkpoint as ckpt
from liplate.io.lock import LOCK_NAME, SWEEP_LOCK_NAME, DirLock
from liplate.simulation import OutputLocked, run_case
from liplate.sweep import _plan
from liplate.sweep.expand import load_sweep

REPO = Path(__file__).resolve().parents[2]
#: long enough (tens of seconds) to be caught while it runs
SLOW = dict(domain__cells_x=20, domain__cells_y=20, numerics__dt_max="30 s", output__frames=20)
COMPARE = ("thickness_mean_um", "capacity_mAh_cm2", "cell_voltage_final_V", "steps", "faraday_thickness_um")


def _liplate(*args, **kw):
    return subprocess.Popen([sys.executable, "-m", "liplate.cli", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, **kw)


def _wait_for(predicate, proc=None, timeout=120.0, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        if proc is not None and proc.poll() is not None:
            pytest.fail(f"the run ended (exit {proc.returncode}) before {what}: {proc.stderr.read()[-2000:]}")
        time.sleep(0.05)
    pytest.fail(f"timed out waiting for {what}")


def _mkdir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def _strict_json(text: str):
    """json.loads that rejects NaN, Infinity and -Infinity (which Python's json accepts by default)."""
    def reject(name):
        raise ValueError(f"non-JSON constant {name}")
    return json.loads(text, parse_constant=reject)


def _assert_same_result(got: dict, ref: dict) -> None:
    for k in COMPARE:
        assert got[k] == pytest.approx(ref[k], rel=1e-9), k


# --- the lock ------------------------------------------------------------------------------------


#: the first run must outlive three refused runs (each a Python start-up of 2-3 s, longer on a loaded machine): with
#: SLOW it took ~6 s and once finished first under CI load (exit 0 instead of SIGTERM's 143); at dt 2 s it takes
#: ~70 s, and the test stops it with SIGTERM after the refusals, so it costs no more
LOCKED_SLOW = dict(SLOW, numerics__dt_max="2 s", numerics__dt_initial="2 s")


def test_second_run_refuses_while_the_first_runs_and_sigterm_is_recorded(case_dir):
    d = case_dir("busy", **LOCKED_SLOW)
    lock_file = d / "output" / LOCK_NAME
    first = _liplate("run", str(d), "-q")
    _wait_for(lambda: (d / "output" / ckpt.CHECKPOINT).is_file(), first, what="the first checkpoint")
    assert f"pid={first.pid}" in lock_file.read_text()
    others = [_liplate("run", str(d), "-q", *flags) for flags in ((), ("--force",), ("--resume",))]
    for p in others:
        assert p.wait(timeout=120) == 2
        err = p.stderr.read()
        assert f"PID {first.pid}" in err and LOCK_NAME in err and "Traceback" not in err, err
    assert first.poll() is None, "the first run ended before the others were refused; make it slower"
    # SIGTERM (a batch system's time limit) is recorded, the status too, and the run can continue.
    first.send_signal(signal.SIGTERM)
    try:
        assert first.wait(timeout=60) == 128 + signal.SIGTERM
    except subprocess.TimeoutExpired:
        first.kill()
        log = (d / "output" / "run.log").read_text()
        pytest.fail(f"the first run did not stop within 60 s of SIGTERM; its stderr: {first.communicate()[1][-2000:]}"
                    f"\nthe end of its run.log: {log[-2000:]}")
    assert "Traceback" not in first.stderr.read()
    log = (d / "output" / "run.log").read_text()
    assert "interrupted by SIGTERM" in log and "--resume" in log
    assert _strict_json((d / "output" / "summary.json").read_text())["status"] == "interrupted"
    assert (d / "output" / ckpt.CHECKPOINT).is_file()
    # A holder killed with SIGKILL leaves its lock file but not its lock: nobody is blocked.
    second = _liplate("run", str(d), "-q", "--resume")
    _wait_for(lambda: f"pid={second.pid}" in lock_file.read_text(), second, what="the second run's lock")
    second.send_signal(signal.SIGKILL)
    second.wait()
    assert lock_file.is_file()
    with DirLock(d / "output"):                                          # what the next run does first
        ckpt.load(d / "output" / ckpt.CHECKPOINT)                        # and what it resumes from is whole


def test_a_signal_lost_inside_a_step_still_stops_the_run(case_dir, monkeypatch):
    """Python runs a signal handler wherever the main thread is. Inside a library's bare ``except:`` (FiPy's
    variable code has some) or a ``__del__``, the Interrupted it raises is swallowed and the step goes on; the run
    must stop at the next step boundary all the same, with its status recorded (a SIGTERM from a batch system that
    a run outlives is a job killed later without a checkpoint or a summary)."""
    from liplate.models.sharp import SharpInterfaceModel

    steps = []
    advance = SharpInterfaceModel.advance

    def advance_that_swallows(self, dt, current_density):
        steps.append(dt)
        if len(steps) == 3:
            try:
                os.kill(os.getpid(), signal.SIGTERM)
                time.sleep(5)                     # the handler runs here (sleep is interrupted) and raises ...
            except BaseException:                 # ... into what a bare except: does
                pass
        return advance(self, dt, current_density)

    monkeypatch.setattr(SharpInterfaceModel, "advance", advance_that_swallows)
    d = case_dir("lost")
    with pytest.raises(KeyboardInterrupt) as exc:
        run_case(d, progress=False)
    assert exc.value.signal_name == "SIGTERM"
    assert len(steps) == 3, "the run took another step after the signal"
    assert "interrupted by SIGTERM" in (d / "output" / "run.log").read_text()
    assert _strict_json((d / "output" / "summary.json").read_text())["status"] == "interrupted"
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL          # the handler is gone with the run


def test_lock_names_its_holder_in_run_and_sweep(case_dir, tmp_path):
    d = case_dir()
    with DirLock(d / "output", command="a test"):
        with pytest.raises(OutputLocked) as err:
            run_case(d, progress=False)
        assert f"PID {os.getpid()}" in str(err.value) and LOCK_NAME in str(err.value)
        with pytest.raises(OutputLocked):
            run_case(d, force=True, progress=False)
    assert run_case(d, progress=False)["status"] == "completed"       # released: runs

    f = make_sweep(_mkdir(tmp_path / "sw"), '[product]\n"output.timeseries_every" = [1, 2]\n')
    with DirLock(tmp_path / "sw", name=SWEEP_LOCK_NAME):               # another sweep of this directory
        assert sweep(f) == 2
        assert not (tmp_path / "sw" / "results.csv").exists()
    busy = load_sweep(f).runs_dir / load_sweep(f).points[0].name
    with DirLock(busy / "output", command="liplate run"):               # a `liplate run` of one of its cases
        assert sweep(f) == 1
        by = {r["dir"]: r for r in rows(tmp_path / "sw")}
    assert {r["status"] for r in by.values()} == {"locked", "completed"}
    locked = next(r for r in by.values() if r["status"] == "locked")
    assert busy.name in locked["dir"] and f"PID {os.getpid()}" in locked["error"]


# --- stored inputs, restarts, damaged checkpoints ------------------------------------------------


def test_stored_input_check_fails_closed(case_dir, tmp_path):
    d = case_dir()
    run_case(d, progress=False)
    resolved = d / "output" / "case_resolved.json"
    for damage in (lambda: resolved.write_text('{"sections": '), lambda: resolved.write_bytes(b"\xff\xfe"),
                   resolved.unlink):
        damage()
        with pytest.raises(CaseError) as err:
            run_case(d, progress=False)
        assert "case_resolved.json" in str(err.value) and "--force" in str(err.value)
    assert run_case(d, force=True, progress=False)["status"] == "completed"

    f = make_sweep(_mkdir(tmp_path / "sw"), '[product]\n"output.timeseries_every" = [1]\n')
    assert sweep(f) == 0
    s = load_sweep(f)
    (s.runs_dir / s.points[0].name / "output" / "case_resolved.json").write_text("not json")
    plan = _plan(s, s.points[0], force=False)
    assert plan["action"] == "force" and "case_resolved.json" in plan["note"]


def test_a_run_stopped_before_its_first_checkpoint_has_one_way_out(case_dir):
    """Killed before its first restart point, output/ holds case_resolved.json, run.log, frame 0 and
    timeseries.csv but no checkpoint: a plain run and --resume both start the case over, and say so."""
    d = case_dir()
    ref = run_case(d, progress=False)
    out = d / "output"
    for resume in (False, True):
        (out / "summary.json").unlink()
        assert not (out / ckpt.CHECKPOINT).exists() and (out / "timeseries.csv").is_file()
        s = run_case(d, resume=resume, progress=False)
        assert s["status"] == "completed" and s["steps"] == ref["steps"]
        log = (out / "run.log").read_text()
        assert "starting the case over from the beginning" in log         # the old log is gone with the old run
    (out / "summary.json").unlink()
    shutil.rmtree(out)
    out.mkdir()
    assert run_case(d, resume=True, progress=False)["status"] == "completed"
    assert "nothing to resume" in (out / "run.log").read_text()


def _interrupt_after_checkpoints(monkeypatch, n: int):
    """Ctrl-C right after the n-th checkpoint (so a real checkpoint stays behind)."""
    real, count = ckpt.save, [0]

    def save(*args, **kw):
        real(*args, **kw)
        count[0] += 1
        if count[0] >= n:
            raise KeyboardInterrupt
    monkeypatch.setattr(ckpt, "save", save)


def test_damaged_checkpoint_is_a_clean_error_and_interrupts_are_recorded(case_dir, monkeypatch):
    ref = run_case(case_dir("ref"), progress=False)
    d = case_dir()
    with monkeypatch.context() as m:
        _interrupt_after_checkpoints(m, 2)
        with pytest.raises(KeyboardInterrupt):
            run_case(d, progress=False)
    out = d / "output"
    assert "interrupted by SIGINT" in (out / "run.log").read_text()
    assert _strict_json((out / "summary.json").read_text())["status"] == "interrupted"
    good = (out / ckpt.CHECKPOINT).read_bytes()
    ckpt.load(out / ckpt.CHECKPOINT)                                    # whole
    flipped = bytearray(good)
    flipped[len(good) // 2: len(good) // 2 + 64] = bytes(64)
    for bad in (good[: len(good) // 2], bytes(flipped), b""):
        (out / ckpt.CHECKPOINT).write_bytes(bad)
        with pytest.raises(CaseError) as err:
            run_case(d, resume=True, progress=False)
        msg = str(err.value)
        assert "checkpoint.npz" in msg and "--force" in msg, msg
    cli = _liplate("run", str(d), "--resume", "-q")                     # on the command line: one message
    assert cli.wait(timeout=120) == 2
    err = cli.stderr.read()
    assert "checkpoint.npz" in err and "Traceback" not in err, err
    (out / ckpt.CHECKPOINT).write_bytes(good)
    _assert_same_result(run_case(d, resume=True, progress=False), ref)


def test_sweep_starts_a_case_with_a_damaged_checkpoint_over(tmp_path):

    f = make_sweep(tmp_path, '[product]\n"output.timeseries_every" = [1]\n')
    assert sweep(f) == 0
    s = load_sweep(f)
    out = s.runs_dir / s.points[0].name / "output"
    (out / "summary.json").unlink()                                      # as if killed after a checkpoint
    (out / ckpt.CHECKPOINT).write_bytes(b"PK\x03\x04 truncated")
    plan = _plan(s, s.points[0], force=False)
    assert plan["action"] == "force" and "checkpoint.npz" in plan["note"]
    for _ in range(2):                                                   # and every rerun stays fine
        assert sweep(f) == 0
        assert [r["status"] for r in rows(tmp_path)] == ["completed"]


# --- a full disk -----------------------------------------------------------------------------------


def _enospc(path):
    return OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))


def test_disk_full_injected_ends_cleanly_and_resumes(case_dir, monkeypatch):
    from liplate.io import summary as summ
    from liplate.io.fields import FieldWriter

    ref = run_case(case_dir("ref"), progress=False)
    d = case_dir()
    real_write = FieldWriter.write

    def write(self, index, *args, **kw):
        if index == 3:
            raise _enospc(self.outdir / f"fields_{index:04d}.vtu")
        return real_write(self, index, *args, **kw)

    with monkeypatch.context() as m:
        m.setattr(FieldWriter, "write", write)
        s = run_case(d, progress=False)
    out = d / "output"
    assert s["status"] == "write_failed" and "No space left on device" in s["error"] and "fields_0003" in s["error"]
    stored = _strict_json((out / "summary.json").read_text())
    assert stored["status"] == "write_failed"
    log = (out / "run.log").read_text()
    assert "No space left on device" in log and "--resume" in log
    ckpt.load(out / ckpt.CHECKPOINT)                                    # the last checkpoint is whole
    _assert_same_result(run_case(d, resume=True, progress=False), ref)

    # The full summary.json does not fit: a compact one (the summary keys on one line) records the status.
    full_fails = lambda path, summary: (_ for _ in ()).throw(_enospc(path))  # noqa: E731
    d1 = case_dir("compact")
    with monkeypatch.context() as m:
        m.setattr(FieldWriter, "write", write)
        m.setattr(summ, "write", full_fails)
        s = run_case(d1, progress=False)
    stored = _strict_json((d1 / "output" / "summary.json").read_text())
    assert s["status"] == stored["status"] == "write_failed" and "compact" in stored["note"]
    assert set(summ.SUMMARY_KEYS) <= set(stored) and "summary.json" in stored["error"]
    _assert_same_result(run_case(d1, resume=True, progress=False), ref)

    # Not even the compact summary fits: the status goes to run.log and the terminal, the run is not
    # reported complete, and --resume finishes it.
    d2 = case_dir("nosummary")
    with monkeypatch.context() as m:
        m.setattr(FieldWriter, "write", write)
        m.setattr(summ, "write", full_fails)
        m.setattr(summ, "write_compact", full_fails)
        s = run_case(d2, progress=False)
    assert s["status"] == "write_failed" and not (d2 / "output" / "summary.json").exists()
    assert "not recorded in output/summary.json" in (d2 / "output" / "run.log").read_text()
    _assert_same_result(run_case(d2, resume=True, progress=False), ref)


def _mount_tmpfs(where: Path, size: str) -> bool:
    where.mkdir(parents=True, exist_ok=True)
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)], capture_output=True)
    return r.returncode == 0


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0 or shutil.which("mount") is None,
                    reason="mounting a small tmpfs needs root")
@pytest.mark.parametrize("size", ["100k", "128k"])
def test_disk_full_on_a_small_tmpfs(case_dir, tmp_path, size):
    """A real full disk: a small tmpfs holds case_resolved.json and a few frames, not the whole run. Whatever the
    failed frame left free must record the write_failed status: the full summary (~100 kB) may not fit there, the
    compact one (one line) does. 100 and 128 KiB are sizes at which the full summary alone did not fit."""
    ref = run_case(case_dir("ref", domain__cells_x=20, domain__cells_y=20, output__frames=10), progress=False)
    mnt = tmp_path / "small_disk"
    if not _mount_tmpfs(mnt, size):
        pytest.skip("cannot mount a tmpfs here (no CAP_SYS_ADMIN)")
    try:
        d = mnt / "case"
        d.mkdir()
        src = case_dir("src", domain__cells_x=20, domain__cells_y=20, output__frames=10)
        shutil.copy(src / "case.toml", d / "case.toml")
        proc = _liplate("run", str(d), "-q")
        assert proc.wait(timeout=300) == 1
        err = proc.stderr.read()
        assert "No space left on device" in err and "--resume" in err and "Traceback" not in err, err
        assert "Exception ignored" not in err, err
        out = d / "output"
        assert "No space left on device" in (out / "run.log").read_text()
        assert _strict_json((out / "summary.json").read_text())["status"] == "write_failed"
        assert not list(out.glob(".*.tmp"))                             # no half-written leftovers
        again = _liplate("run", str(d), "-q")                            # the way on is named
        assert again.wait(timeout=120) == 2 and "--resume" in again.stderr.read()
        subprocess.run(["mount", "-o", "remount,size=4m", str(mnt)], check=True)   # space is free again
        _assert_same_result(run_case(d, resume=True, progress=False), ref)
    finally:
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


def test_sweep_survives_a_full_disk_while_writing_results(tmp_path, monkeypatch, capsys):

    f = make_sweep(tmp_path, '[product]\n"output.timeseries_every" = [1, 2]\n')
    real, calls = sweep_table.write_results, [0]

    def flaky(sweep_, *args, **kw):
        calls[0] += 1
        if calls[0] <= 2:                                                # the first two updates hit a full disk
            raise _enospc(sweep_.root / "results.csv")
        return real(sweep_, *args, **kw)

    monkeypatch.setattr(sweep_table, "write_results", flaky)
    assert sweep(f) == 0
    assert "could not update" in capsys.readouterr().err
    assert [r["status"] for r in rows(tmp_path)] == ["completed"] * 2
    # Full until the end: the cases still finish; the exit code and the message say the tables are stale.
    monkeypatch.setattr(sweep_table, "write_results",
                        lambda sweep_, *a, **k: (_ for _ in ()).throw(_enospc(sweep_.root)))
    assert sweep(f, force=True) == 1
    assert "not up to date" in capsys.readouterr().err
    assert len(list((tmp_path / "runs").glob("*/output/summary.json"))) == 2


# --- outputs that are valid and readable -----------------------------------------------------------


def test_json_writer_is_strict(tmp_path):
    import numpy as np

    from liplate.io.atomic import write_json
    p = tmp_path / "x.json"
    write_json(p, {"nan": float("nan"), "inf": np.float64("inf"), "list": [1.0, -np.inf, np.nan],
                   "arr": np.array([np.nan, 2.0]), "ok": np.int64(3), "path": tmp_path})
    got = _strict_json(p.read_text())
    assert got == {"nan": None, "inf": None, "list": [1.0, None, None], "arr": [None, 2.0], "ok": 3,
                   "path": str(tmp_path)}


def test_every_json_output_is_strict_json_and_files_follow_the_umask(case_dir, tmp_path):

    old = os.umask(0o022)
    try:
        d = case_dir()
        run_case(d, progress=False)
        k = tmp_path / "kmc"
        shutil.copytree(REPO / "cases" / "kmc_2d_cu", k, ignore=shutil.ignore_patterns("output"))
        text = (k / "case.toml").read_text()
        for key, small in (("lattice_sites", 100), ("atoms", 100), ("seeds", 1), ("snapshots", 2)):
            text = "\n".join(f"{key} = {small}" if line.split("=")[0].strip() == key else line
                             for line in text.splitlines())
        (k / "case.toml").write_text(text + "\n")
        assert run_case(k, progress=False)["status"] == "completed"
        f = make_sweep(_mkdir(tmp_path / "sw"), '[product]\n"output.timeseries_every" = [1]\n')
        assert sweep(f) == 0
    finally:
        os.umask(old)
    files = [p for p in tmp_path.rglob("*") if p.is_file() and "base" not in p.parts]
    jsons = [p for p in files if p.suffix == ".json"]
    names = {p.name for p in jsons}
    assert {"summary.json", "case_resolved.json", "results.json"} <= names
    for p in jsons:
        _strict_json(p.read_text())
    written = [p for p in files if "output" in p.parts or p.name.startswith("results.")]
    assert written
    modes = {str(p.relative_to(tmp_path)): oct(stat.S_IMODE(p.stat().st_mode)) for p in written}
    assert set(modes.values()) == {"0o644"}, modes


def test_atomic_files_follow_a_strict_umask_too(tmp_path):
    from liplate.io.atomic import write_text
    old = os.umask(0o077)
    try:
        write_text(tmp_path / "a.txt", "x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "a.txt").stat().st_mode) == 0o600


def test_a_plain_file_where_output_goes_is_a_one_line_error(case_dir):
    d = case_dir()
    (d / "output").write_text("my notes\n")
    proc = _liplate("run", str(d), "-q")
    assert proc.wait(timeout=120) == 2
    err = proc.stderr.read().strip()
    assert "Traceback" not in err and len(err.splitlines()) == 1, err
    assert "output" in err and "not a directory" in err
    assert (d / "output").read_text() == "my notes\n"


@pytest.mark.mpi
@pytest.mark.skipif(shutil.which("mpiexec") is None, reason="needs mpiexec")
def test_a_locked_case_is_refused_on_every_rank(case_dir):
    """Under mpiexec rank 0 takes the lock and tells the others: all stop with the message, none hangs."""
    d = case_dir()
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1", OMP_NUM_THREADS="1")
    with DirLock(d / "output", command="a test"):
        out = subprocess.run(["mpiexec", "-n", "2", sys.executable, "-m", "liplate.cli", "run", str(d), "-q"],
                             capture_output=True, text=True, timeout=180, env=env)
    assert out.returncode != 0
    assert out.stderr.count(f"PID {os.getpid()}") == 2 and "Traceback" not in out.stderr, out.stderr[-2000:]
    assert [p.name for p in (d / "output").iterdir()] == [LOCK_NAME]     # nothing written
