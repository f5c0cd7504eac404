"""Orchestration: ``liplate sweep FILE`` on rank 0 (plan, schedule, gather) and on the other ranks."""
from __future__ import annotations

import sys
import time
from collections import deque

from ..io.lock import SWEEP_LOCK_NAME, DirLock, LockHeld, NotADirectory
from .engine import FINAL_OK, Engine, _engine, run_job
from .expand import Sweep, SweepError, load_sweep
from .plan import _plan
from .progress import Progress, _hms
from .table import SweepEntries, _save_results


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
    from ..parallel import comm_info, launched_by_mpi

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
