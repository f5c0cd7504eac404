"""``liplate sweep FILE``: expand a sweep file into case directories, run them, gather the results.

Serial: ``liplate sweep cases/demo_sweep/sweep.toml``. Over MPI (workstation or cluster):
``mpiexec -n 4 liplate sweep cases/demo_sweep/sweep.toml`` or ``srun liplate sweep ...``.

How the work is spread (see docs/sweeps.md, "Design"):

- Every case runs in a *serial* child process (one per rank, kept alive from case to case, started
  with the MPI variables removed from its environment). A case must not run inside an MPI rank:
  FiPy would partition its mesh over all of ``COMM_WORLD`` and liplate writes outputs on world
  rank 0 only. The child also isolates failures: a crash or a hung case (``timeout``) costs that
  case, not the sweep.
- The ranks are connected by mpi4py's own executor, ``MPICommExecutor(COMM_WORLD, root=0)``:
  ranks 1..N-1 serve tasks, rank 0 submits them, never more than one per worker, so each next
  case goes to whichever rank frees up first (dynamic load balancing). Rank 0 would otherwise
  only wait, so it also drives a child of its own: N ranks run N cases at a time.
- Resumable: a case whose ``summary.json`` says ``completed`` is skipped; a case killed part-way
  resumes from its checkpoint; ``results.csv`` / ``results.json`` are rewritten (atomically) each
  time a case finishes, so killing the sweep loses nothing finished.
- Failure isolation: a point whose values do not validate is recorded as ``invalid`` without
  running; a solver failure (``failed``), a crash (``crashed``) or a timeout (``timeout``) is
  recorded with its error, and the sweep goes on. A case being written by another process
  (``liplate run``) is recorded as ``locked``; one stopped by a full disk (``write_failed``) or a
  signal (``interrupted``) resumes at the next sweep run; one whose checkpoint is damaged, or whose
  ``case_resolved.json`` is unreadable, starts over.
- One sweep per directory at a time (``.liplate-sweep.lock`` next to the sweep file). A full disk
  while ``results.csv`` is rewritten is a warning; the next update (or the end) tries again.
"""
from __future__ import annotations

import csv
import io
import json
import os
import select
import signal
import subprocess
import sys
import time
import traceback
from collections import deque
from pathlib import Path
from typing import Any

from .io.lock import SWEEP_LOCK_NAME, DirLock, LockHeld, NotADirectory
from .sweep_expand import Point, Sweep, SweepError, load_sweep

CASE_LOG = "sweep.log"  # per case, next to case.toml: everything the case printed (warnings, tracebacks)
# Environment variables through which a process learns it is an MPI rank; a case child must not see them.
_MPI_ENV_PREFIXES = ("OMPI_", "PMIX_", "PMI_", "PRTE_", "HYDRA_", "I_MPI_", "MPI_LOCALNRANKS", "MPI_LOCALRANKID")
_PARENT_ENV = "LIPLATE_SWEEP_PARENT"

FINAL_OK = ("completed", "short_circuit")   # results (io.summary.RESULTS): done, not rerun
BAD = ("failed", "invalid", "crashed", "timeout", "error", "locked", "write_failed", "interrupted")
#: a case stopped from outside (a full disk, a signal): continued from its checkpoint, not started over
RESUMABLE = ("write_failed", "interrupted")


# --- the child that runs cases ----------------------------------------------------------------


def child_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(_MPI_ENV_PREFIXES)}
    env.setdefault("OMP_NUM_THREADS", "1")  # one core per case: the ranks are the parallelism
    env[_PARENT_ENV] = str(os.getpid())
    return env


class Engine:
    """A serial ``python -m liplate.sweep --serve`` child; one JSON line per job each way."""

    def __init__(self) -> None:
        self.proc: subprocess.Popen | None = None
        self.job: dict | None = None
        self.started = 0.0
        self._buf = b""  # bytes read from the child, not yet a whole line

    def start(self) -> None:
        """Start the child unless it is running (it imports FiPy and the models while this process does
        other work); a child that died is replaced."""
        if self.proc is None or self.proc.poll() is not None:
            self._start()

    def _start(self) -> None:
        self._buf = b""
        self.proc = subprocess.Popen([sys.executable, "-m", "liplate.sweep", "--serve"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, env=child_env())

    def submit(self, job: dict) -> None:
        self.start()
        self.job, self.started = job, time.monotonic()
        try:
            self.proc.stdin.write((json.dumps(job) + "\n").encode())
            self.proc.stdin.flush()
        except OSError:
            pass  # the child died; poll() reports it as a crash

    def poll(self, wait: float) -> dict | None:
        """The finished job's record, or None if it is still running after ``wait`` seconds."""
        assert self.job is not None and self.proc is not None
        record = None
        while record is None:
            if b"\n" not in self._buf:
                ready, _, _ = select.select([self.proc.stdout], [], [], wait)
                if not ready:
                    break
                chunk = os.read(self.proc.stdout.fileno(), 1 << 16)
                if not chunk:
                    rc = self.proc.wait()
                    why = f"signal {signal.Signals(-rc).name}" if rc < 0 else f"exit code {rc}"
                    record = {"status": "crashed", "error": f"case process died ({why}); "
                              f"{_log_tail(self.job)}", "summary": None}
                    self.proc, self._buf = None, b""
                    break
                self._buf += chunk
                continue
            line, self._buf = self._buf.split(b"\n", 1)
            record = json.loads(line)
            if record.get("ready"):  # the child has imported FiPy: the case's clock starts now
                self.started = time.monotonic()
                record = None
        if record is None:
            limit = self.job.get("timeout_s")
            if not limit or time.monotonic() - self.started < limit:
                return None
            self.kill()
            record = {"status": "timeout", "error": f"no result after {limit:g} s; stopped (the next sweep "
                      "run continues it from its last checkpoint, if it wrote one)", "summary": None}
        record["seconds"] = time.monotonic() - self.started
        self.job = None
        return record

    def run(self, job: dict) -> dict:
        self.submit(job)
        while (record := self.poll(1.0)) is None:
            pass
        return record

    def kill(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
            self.proc, self._buf = None, b""

    def close(self) -> None:
        if self.proc is not None and self.job is None:
            # Idle: every answer it gave was written after its case's outputs, so there is nothing to lose,
            # and Python's tear-down of FiPy/PETSc (~0.4 s) would only delay the end of the sweep.
            self.kill()
        if self.proc is not None:
            try:
                self.proc.stdin.close()
                self.proc.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                self.kill()
            self.proc = None


def _log_tail(job: dict, lines: int = 3) -> str:
    try:
        text = (Path(job["cwd"]) / job["dir"] / CASE_LOG).read_text(errors="replace").strip().splitlines()
    except OSError:
        return "no log"
    tail = " | ".join(line.strip() for line in text[-lines:] if line.strip())
    return f"last lines of {job['dir']}/{CASE_LOG}: {tail}" if tail else f"{job['dir']}/{CASE_LOG} is empty"


def _die_with_parent() -> None:
    """Linux: have the kernel send SIGTERM to this child when its parent (a rank) dies."""
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        return
    if str(os.getppid()) != os.environ.get(_PARENT_ENV, str(os.getppid())):
        os._exit(1)


def serve() -> int:
    """Child loop: read a job per line on stdin, run the case, answer one line on the real stdout.

    While a case runs, file descriptors 1 and 2 point at ``<case>/sweep.log``.
    """
    _die_with_parent()
    answer = os.fdopen(os.dup(1), "w", buffering=1)
    saved_err = os.dup(2)
    os.dup2(2, 1)
    from .case import CaseError
    from .simulation import OutputLocked, run_case

    _warm_up()
    answer.write(json.dumps({"ready": True}) + "\n")
    for line in sys.stdin:
        job = json.loads(line)
        os.chdir(job["cwd"])
        sys.stdout.flush()
        sys.stderr.flush()
        with open(Path(job["dir"]) / CASE_LOG, "w") as logf:
            os.dup2(logf.fileno(), 1)
            os.dup2(logf.fileno(), 2)
            try:
                summary = run_case(job["dir"], force=job["force"], resume=job["resume"], progress=False)
                record = {"status": summary.get("status") or "error", "error": summary.get("error"),
                          "summary": summary}
            except OutputLocked as exc:  # another process (a `liplate run` of this case) is writing it
                record = {"status": "locked", "error": str(exc), "summary": None}
            except CaseError as exc:
                record = {"status": "invalid", "error": str(exc), "summary": None}
            except KeyboardInterrupt:
                return 130
            except Exception as exc:  # any other failure belongs to this case only
                traceback.print_exc()
                record = {"status": "error", "error": f"{type(exc).__name__}: {exc}", "summary": None}
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os.dup2(saved_err, 1)
                os.dup2(saved_err, 2)
        answer.write(json.dumps(record, default=_json_default) + "\n")
    return 0


def _warm_up() -> None:
    """Import what every case needs (FiPy, the models, the field writer) before saying ``ready``.

    The child is started before the sweep is planned, so these imports (~1-2 s) overlap the
    planning instead of adding to the first case on each rank.
    """
    import importlib

    for name in ("fipy", "meshio", "liplate.models.sharp", "liplate.models.phasefield"):
        try:
            importlib.import_module(name)
        except Exception:  # noqa: S112 - a missing optional module fails in the case that needs it, with its log
            continue


def _json_default(obj):
    from .io.atomic import _json_default as default
    return default(obj)


_ENGINE: Engine | None = None


def _engine() -> Engine:
    """This process's case child, started on first use (closed at exit)."""
    global _ENGINE
    if _ENGINE is None:
        import atexit
        _ENGINE = Engine()
        atexit.register(_ENGINE.close)
    return _ENGINE


def run_job(job: dict) -> dict:
    """Executor task on ranks 1..N-1: run one case in this rank's child."""
    record = _engine().run(job)
    record["rank"] = _rank()
    return record


def _rank() -> int:
    from .parallel import comm_info
    return comm_info()[1]


# --- rank 0: plan, schedule, gather -----------------------------------------------------------


def _plan(sweep: Sweep, point: Point, force: bool) -> dict:
    """Write the point's case.toml; decide whether to skip, run, resume or redo it."""
    from .io.atomic import write_text
    from .sweep_expand import check_point

    case_dir = sweep.runs_dir / point.name
    rel = os.path.relpath(case_dir, sweep.root)
    # Every axis of the sweep, with the value this case has (its own, or the base's where it sets none).
    merged = sweep.case_dict(point)
    params = {path: point.values.get(path, _get_path(merged, path)) for path in sweep.axes}
    entry: dict[str, Any] = {"case": point.name, "dir": rel, "parameters": params, "status": "pending",
                             "error": None, "summary": None, "note": None, "cost": estimated_cost(merged)}
    text = sweep.case_text(point)
    case_file = case_dir / "case.toml"
    old = case_file.read_text() if case_file.is_file() else None
    changed = old is not None and _physics(old) != _physics(text)  # a new title or layout redoes nothing
    if old != text:
        write_text(case_file, text)
    error = check_point(sweep, point, where=f"{rel}/case.toml")
    if error:
        entry.update(status="invalid", error=error, action="none")
        return entry
    out = case_dir / "output"
    lock = None
    if out.is_dir():
        # Nobody else may be writing this case while it is planned (and perhaps deleted) here.
        try:
            lock = DirLock(out, command="liplate sweep (planning)").acquire()
        except LockHeld as exc:
            entry.update(status="locked", error=f"{rel}: {exc}", action="none")
            return entry
    try:
        _plan_output(entry, case_dir, out, changed, force)
    finally:
        if lock is not None:
            lock.release()
    return entry


def _plan_output(entry: dict, case_dir: Path, out: Path, changed: bool, force: bool) -> None:
    """Set ``entry``'s action (skip, run, resume, force) from what ``out`` holds."""
    from .case import stored_input_changes
    from .io import checkpoint as ckpt
    from .io import summary as summ

    stored = summ.read(out / "summary.json")
    completed = bool(stored) and stored.get("status") in summ.RESULTS
    checkpoint = (out / ckpt.CHECKPOINT).is_file()
    if changed and out.is_dir():
        # The stored run answers an old question; remove it now, so that an interrupted sweep cannot
        # later mistake it for the result of the new case.toml. (Its lock file goes too; the lock is held
        # until _plan releases it, and a process that opens the old file sees it has gone: io/lock.py.)
        import shutil
        shutil.rmtree(out)
        entry.update(note="case.toml changed since the last run (base or [common] edited): old output "
                     "deleted, run again", action="run")
    elif force:
        entry["action"] = "force" if out.is_dir() else "run"
    elif (completed or checkpoint) and not isinstance(summ.read(out / "case_resolved.json"), dict):
        # Fail closed: without the stored inputs nothing shows that the stored run answers this case.
        entry.update(note="output/case_resolved.json missing or unreadable, so the stored run cannot be matched "
                     "to this case: run again", action="force")
    elif (completed or checkpoint) and (moved := stored_input_changes(case_dir)):
        # Same case.toml, but what it resolves to moved (a newer liplate's defaults or parameter sets):
        # neither the stored result nor the checkpoint belongs to this case any more.
        entry.update(note="stored run of different inputs (" + "; ".join(moved[:2]) + "): run again",
                     action="force")
    elif completed:
        entry.update(status=stored["status"], summary=stored, action="skip")
    elif checkpoint and (not stored or stored.get("status") in RESUMABLE):
        # Killed, interrupted or stopped by a full disk: continue from the checkpoint if it reads back whole.
        damaged = ckpt.problem(out / ckpt.CHECKPOINT)
        if damaged:
            entry.update(note=f"{damaged}: started over", action="force")
        else:
            entry["action"] = "resume"
    elif stored or (out / "timeseries.csv").is_file():  # failed before, or stopped before a checkpoint
        entry["action"] = "force"
    else:
        entry["action"] = "run"


def _physics(case_text: str) -> dict | None:
    """A case file's content without its title, for telling whether a stored run is still valid."""
    from .sweep_expand import tomllib

    try:
        data = tomllib.loads(case_text)
    except tomllib.TOMLDecodeError:
        return None
    data.get("case", {}).pop("title", None)
    return data


def _get_path(data: dict, path: str) -> Any:
    node: Any = data
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def _flat(prefix: str, value: Any, out: dict) -> None:
    if isinstance(value, dict):
        for k, v in value.items():
            _flat(f"{prefix}.{k}" if prefix else k, v, out)
    elif isinstance(value, list):
        out[prefix] = json.dumps(value)
    else:
        out[prefix] = value


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def results_rows(entries: list[dict]) -> tuple[list[str], list[dict]]:
    """One row per case: name, directory, parameters, status, error, then every summary key."""
    from .io.summary import SUMMARY_KEYS

    params: list[str] = []
    extra: list[str] = []
    rows = []
    for e in entries:
        row = {"case": e["case"], "dir": e["dir"]}
        for p, v in e["parameters"].items():
            row[p] = v
            if p not in params:
                params.append(p)
        flat: dict[str, Any] = {}
        _flat("", e.get("summary") or {}, flat)
        for k, v in flat.items():
            if k in ("status", "error", "citations"):   # the citations list stays in summary.json
                continue
            row[k] = v
            if k not in SUMMARY_KEYS and k not in extra:
                extra.append(k)
        row["status"] = e["status"]
        row["error"] = e["error"]
        rows.append(row)
    columns = ["case", "dir", *params, "status", "error", *[k for k in SUMMARY_KEYS if k != "status"], *extra]
    return columns, rows


def write_results(sweep: Sweep, entries: list[dict], started: str, size: int) -> None:
    from . import __version__
    from .io.atomic import write_json, write_text

    columns, rows = results_rows(entries)
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    for row in rows:
        w.writerow({k: _cell(row.get(k)) for k in columns})
    write_text(sweep.root / "results.csv", buf.getvalue())
    counts: dict[str, int] = {}
    for e in entries:
        counts[e["status"]] = counts.get(e["status"], 0) + 1
    write_json(sweep.root / "results.json", {
        "sweep_file": sweep.file.name, "base": os.path.relpath(sweep.base_dir, sweep.root),
        "runs": os.path.relpath(sweep.runs_dir, sweep.root), "axes": sweep.axes,
        "liplate_version": __version__, "git_revision": _git(), "mpi_size": size, "started": started,
        "updated": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "counts": counts,
        "cases": [{k: e.get(k) for k in ("case", "dir", "parameters", "status", "error", "note", "seconds",
                                          "finished", "rank", "summary")} for e in entries],
    })


def _git() -> str | None:
    from .env import git_revision
    return git_revision()


class Progress:
    """Rank 0's account of the sweep: a line per finished case, and one every minute otherwise."""

    def __init__(self, total: int, todo: int, slots: int, quiet: bool) -> None:
        self.total, self.todo, self.slots, self.quiet = total, todo, slots, quiet
        self.t0 = time.monotonic()
        self.last = self.t0
        self.done = self.failed = self.running = 0
        self.durations: list[float] = []

    def say(self, text: str) -> None:
        if not self.quiet:
            print(text, flush=True)
            self.last = time.monotonic()

    def status(self) -> str:
        elapsed = time.monotonic() - self.t0
        left = self.todo - self.done - self.failed
        eta = ""
        if self.durations and left > 0:
            mean = sum(self.durations) / len(self.durations)
            eta = f", about {_hms(mean * (left - self.running / 2) / self.slots)} left"
        return (f"{self.done + self.failed}/{self.todo} done ({self.failed} failed), {self.running} running, "
                f"{left - self.running} waiting; elapsed {_hms(elapsed)}{eta}")

    def finished(self, entry: dict) -> None:
        if entry["status"] in FINAL_OK:
            self.done += 1
        else:
            self.failed += 1
        if entry.get("seconds") is not None:
            self.durations.append(entry["seconds"])
        took = f" in {entry['seconds']:.1f} s" if entry.get("seconds") is not None else ""
        err = f": {_one_line(entry['error'])}" if entry["status"] not in FINAL_OK and entry.get("error") else ""
        rank = f" (rank {entry['rank']})" if entry.get("rank") is not None else ""
        self.say(f"sweep: {entry['case']}: {entry['status']}{took}{rank}{err}")
        self.say(f"sweep: {self.status()}")

    def tick(self) -> None:
        if time.monotonic() - self.last > 60:
            self.say(f"sweep: {self.status()}")


def _one_line(text: str, limit: int = 300) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _hms(seconds: float) -> str:
    seconds = max(0, int(round(seconds)))
    h, rem = divmod(seconds, 3600)
    m, s = divmod(rem, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}" if m else f"{s} s"


def estimated_cost(case: dict) -> float:
    """Rough relative cost of a case, for longest-first scheduling: simulated time x cells,
    (charge plated / current density) x cells_x x cells_y. The charge plated is the capacity, or the counter
    electrode's Li where that comes first or the capacity is 'continuous' (:func:`liplate.case.plating_limit`;
    the case's own `cell.counter_li_thickness` override counts). 0 where the case does not say (those run last;
    the order only affects how evenly the ranks finish, never a result)."""
    from .parameters import load_set
    from .physics.constants import FARADAY
    from .units import to_si

    try:
        protocol, domain = case["protocol"], case.get("domain", {})
        given = case.get("parameters", {})
        thickness = (given.get("cell", {}) if isinstance(given.get("cell"), dict) else {}).get(
            "counter_li_thickness", given.get("cell.counter_li_thickness"))
        h = to_si(thickness, "length") if thickness is not None else load_set("cell")["counter_li_thickness"].value
        q_counter = h / load_set("li")["molar_volume"].value * FARADAY
        capacity = protocol["capacity"]
        charge = q_counter if capacity == "continuous" else min(to_si(capacity, "areal_capacity"), q_counter)
        duration = charge / to_si(protocol["current_density"], "current_density")
        return float(duration * int(domain.get("cells_x", 1)) * int(domain.get("cells_y", 1)))
    except Exception:  # a missing or unreadable value is check_point's business, not the scheduler's
        return 0.0


class SweepEntries(list):
    """The sweep's entries (one dict per case); ``results_written`` is False if ``results.csv`` and
    ``results.json`` could not be brought up to date at the end (a full disk)."""

    results_written = True


def _save_results(sweep: Sweep, entries: list[dict], started: str, size: int) -> bool:
    """Rewrite results.csv/json; on a write error (a full disk) warn and return False: the sweep goes on
    (every case keeps its own outputs) and the next update tries again."""
    try:
        write_results(sweep, entries, started, size)
        return True
    except OSError as exc:
        print(f"liplate: warning: sweep: could not update {sweep.root}/results.csv and results.json "
              f"({exc}); the sweep goes on, each case keeps its own outputs, and the next update tries again",
              file=sys.stderr, flush=True)
        return False


def run_sweep(sweep: Sweep, force: bool = False, quiet: bool = False, executor=None, workers: int = 0,
              size: int = 1, engine: Engine | None = None) -> SweepEntries:
    """Run every point of ``sweep`` (rank 0): ``workers`` executor slots plus this process's own child
    (``engine``, a new one if not given; closed at the end either way).

    One sweep at a time per sweep directory: a second one raises :class:`SweepError` naming the first.
    """
    lock = DirLock(sweep.root, command=f"liplate sweep {sweep.file}", name=SWEEP_LOCK_NAME)
    try:
        lock.acquire()
    except (LockHeld, NotADirectory) as exc:
        raise SweepError(f"{sweep.file}: another sweep is running here: {exc}") from None
    try:
        return _run_sweep(sweep, force, quiet, executor, workers, size, engine)
    finally:
        lock.release()


def _run_sweep(sweep: Sweep, force: bool, quiet: bool, executor, workers: int, size: int,
               engine: Engine | None) -> SweepEntries:
    started = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    root_abs = str(sweep.root.resolve())
    entries = SweepEntries(_plan(sweep, p, force) for p in sweep.points)
    # Longest first (LPT): the last cases to start are short ones, so the ranks finish close together.
    todo = deque(sorted((i for i, e in enumerate(entries) if e["action"] in ("run", "force", "resume")),
                        key=lambda i: (-entries[i]["cost"], i)))
    skipped = sum(e["action"] == "skip" for e in entries)
    invalid = [e for e in entries if e["action"] == "none"]   # invalid, or locked by another process
    slots = workers + 1
    prog = Progress(len(entries), len(todo) + len(invalid), slots, quiet)
    prog.say(f"sweep: {sweep.file}: {len(entries)} cases; {skipped} already completed (skipped), "
             f"{len(invalid)} invalid or locked, {len(todo)} to run on {slots} process{'es' if slots > 1 else ''} "
             f"({size} MPI rank{'s' if size > 1 else ''}); results in {sweep.root}/results.csv")
    redone = sum(bool(e["note"]) for e in entries)
    if redone:
        prog.say(f"sweep: {redone} case(s) changed since their last run (base case or [common] edited): "
                 "their old outputs were deleted and they run again")
    for e in invalid:
        prog.finished(e)
    results_ok = _save_results(sweep, entries, started, size)

    def job(i: int) -> dict:
        e = entries[i]
        e["status"] = "running"
        return {"dir": e["dir"], "cwd": root_abs, "force": e["action"] == "force",
                "resume": e["action"] == "resume", "timeout_s": sweep.timeout_s, "case": e["case"]}

    def finish(i: int, record: dict) -> None:
        e = entries[i]
        e.update(status=record.get("status") or "error", error=record.get("error"),
                 summary=record.get("summary"), seconds=record.get("seconds"), rank=record.get("rank"),
                 finished=time.strftime("%Y-%m-%dT%H:%M:%S%z"))
        prog.running -= 1
        prog.finished(e)
        nonlocal results_ok
        results_ok = _save_results(sweep, entries, started, size)

    engine = engine or Engine()
    local: int | None = None
    inflight: dict = {}
    try:
        while todo or inflight or local is not None:
            while executor is not None and todo and len(inflight) < workers:
                i = todo.popleft()
                inflight[executor.submit(run_job, job(i))] = i
                prog.running += 1
            if local is None and todo:
                local = todo.popleft()
                engine.submit(job(local))
                prog.running += 1
            if local is not None:
                record = engine.poll(0.05)
                if record is not None:
                    record["rank"] = 0 if size > 1 else None
                    finish(local, record)
                    local = None
            else:
                time.sleep(0.05)
            for fut in [f for f in inflight if f.done()]:
                i = inflight.pop(fut)
                try:
                    record = fut.result()
                except Exception as exc:  # the worker rank itself failed
                    record = {"status": "error", "error": f"worker: {type(exc).__name__}: {exc}", "summary": None}
                finish(i, record)
            prog.tick()
    finally:
        engine.close()
    if not results_ok and not _save_results(sweep, entries, started, size):
        entries.results_written = False
        print(f"liplate: error: sweep: {sweep.root}/results.csv and results.json are not up to date (could not "
              f"write them); free some space and run `liplate sweep {sweep.file}` again: finished cases are "
              "skipped and the tables rewritten", file=sys.stderr, flush=True)
    failed = [e for e in entries if e["status"] not in FINAL_OK]
    prog.say(f"sweep: finished: {len(entries) - len(failed)}/{len(entries)} completed, {len(failed)} not "
             f"({', '.join(sorted({e['status'] for e in failed}))}) in {_hms(time.monotonic() - prog.t0)}; "
             f"see {sweep.root}/results.csv" if failed else
             f"sweep: finished: all {len(entries)} cases completed in {_hms(time.monotonic() - prog.t0)}; "
             f"see {sweep.root}/results.csv")
    return entries


def _exit_code(entries: list[dict]) -> int:
    ok = all(e["status"] in FINAL_OK for e in entries) and getattr(entries, "results_written", True)
    return 0 if ok else 1


def _load_and_run(args, engine: Engine, **kw) -> int:
    """Rank 0: load the sweep file and run it; the exit code (2 for a bad file or a sweep already running)."""
    try:
        sweep = load_sweep(args.file)
        return _exit_code(run_sweep(sweep, force=args.force, quiet=args.quiet, engine=engine, **kw))
    except SweepError as exc:
        engine.kill()
        print(f"liplate: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # the case files cannot be written (a read-only or full disk): one line, no traceback
        engine.kill()
        print(f"liplate: error: {args.file}: cannot write the sweep's case files: {exc}", file=sys.stderr)
        return 1


def main(args) -> int:
    """``liplate sweep FILE [--force] [-q]``; exit 0 if every case completed, 1 if some did not, 2 for a bad file."""
    from .parallel import comm_info, launched_by_mpi

    # Every process (each rank) starts its case child first: its imports overlap MPI start-up and planning.
    engine = _engine()
    engine.start()
    size = comm_info()[0] if launched_by_mpi() else 1
    if size == 1:
        return _load_and_run(args, engine)

    from mpi4py import MPI
    from mpi4py.futures import MPICommExecutor

    code = 0
    # backoff: idle ranks poll for work every 10 ms instead of every 1 ms (cases take seconds to hours).
    with MPICommExecutor(MPI.COMM_WORLD, root=0, backoff=0.01) as executor:
        if executor is not None:  # rank 0; the other ranks serve run_job until it leaves this block
            code = _load_and_run(args, engine, executor=executor, workers=size - 1, size=size)
    return code


if __name__ == "__main__":
    if sys.argv[1:] == ["--serve"]:
        sys.exit(serve())
    from .cli import main as cli_main
    sys.exit(cli_main(["sweep", *sys.argv[1:]]))
