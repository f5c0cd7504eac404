"""One case: validated case -> model -> stepper -> writers. The only place that touches the output dir.

``run_case`` writes into ``<case>/output/``:
``case_resolved.json`` (every value SI with unit and source), ``run.log``, ``fields.pvd`` +
``fields_NNNN.vtu``, ``timeseries.csv``, ``checkpoint.npz`` (restart point) and, last,
``summary.json``. Every file is written atomically. A case whose ``summary.json`` says
``completed`` is not recomputed unless ``force``, and is returned only if ``case_resolved.json``
shows the same inputs (an unreadable one fails closed).

One process at a time: ``output/.liplate.lock`` is locked (flock) for the whole run. A run stopped
from outside ends cleanly: a full disk gives status ``write_failed``, SIGINT/SIGTERM ``interrupted``;
both are written to ``run.log`` and (if it fits) ``summary.json``, and ``--resume`` continues from the
last checkpoint. Without a checkpoint, a plain run and ``--resume`` both start the case over.
"""
from __future__ import annotations

import contextlib
import errno
import logging
import signal
import sys
import threading
from pathlib import Path

from . import __version__, citations
from .case import Case, CaseError, counter_li_charge, load_case, stored_input_changes
from .env import git_revision
from .io import checkpoint as ckpt
from .io import summary as summ
from .io import timeseries
from .io.atomic import write_json
from .io.fields import FieldWriter, write_interface_frame
from .io.lock import DirLock, LockHeld, NotADirectory, clear_dir
from .models.base import StepFailed
from .parallel import comm_info, is_root
from .physics.constants import FARADAY
from .physics.potential import SolveFailed
from .solvers import LinearSolveFailed
from .stepping import RunFailed, Stepper, StepperState
from .units import A_M2_PER_MA_CM2, C_M2_PER_MAH_CM2, M_PER_UM

log = logging.getLogger("liplate")

#: statuses of a run that stopped before its end for a reason outside the computation; both continue with
#: ``--resume`` from the last checkpoint (a sweep resumes them too)
WRITE_FAILED = "write_failed"     # an output could not be written: disk full, quota, I/O error
INTERRUPTED = "interrupted"       # SIGINT (Ctrl-C) or SIGTERM (a batch system's time limit)
RESUMABLE = (WRITE_FAILED, INTERRUPTED)
#: files a run writes first; if any is present, output/ holds an earlier run
_RUN_FILES = ("case_resolved.json", "run.log", "timeseries.csv", "summary.json", "fields.pvd")
#: Space held in ``output/`` while a case runs and given back before a compact summary is written after a failed
#: write: a full disk may leave fewer bytes free than the one-line summary needs (~1.4 kB; one 4 KiB page).
SPACE_RESERVE, SPACE_RESERVE_BYTES = ".space_reserve", 4096


def _reserve_space(out: Path) -> None:
    """Hold :data:`SPACE_RESERVE_BYTES` in ``out`` (not atomic on purpose: a partial file is given back as well);
    a disk too full for it is left to the run's own writes to report."""
    try:
        with open(out / SPACE_RESERVE, "wb") as f:
            f.write(b"\0" * SPACE_RESERVE_BYTES)
    except OSError:
        pass


def _release_space(out: Path) -> None:
    (out / SPACE_RESERVE).unlink(missing_ok=True)


#: ``extra=`` of a log record that goes to ``run.log`` only (the progress lines: the terminal has the progress bar)
FILE_ONLY = {"file_only": True}


def _not_file_only(record: logging.LogRecord) -> bool:
    return not getattr(record, "file_only", False)


class _LogFile(logging.FileHandler):
    """``run.log``: a record that cannot be written (a full disk) is dropped quietly; the terminal still
    shows every warning and error, and logging's own traceback would bury them."""

    def handleError(self, record: logging.LogRecord) -> None:
        pass


def _setup_logging(logfile: Path | None, verbose: bool) -> list[logging.Handler]:
    handlers: list[logging.Handler] = []
    log.setLevel(logging.INFO)
    if logfile is not None:
        fh = _LogFile(logfile, mode="a")
        fh.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        handlers.append(fh)
    sh = logging.StreamHandler(sys.stderr)
    sh.setLevel(logging.INFO if verbose else logging.WARNING)
    sh.setFormatter(logging.Formatter("liplate: %(message)s"))
    sh.addFilter(_not_file_only)
    handlers.append(sh)
    for h in handlers:
        log.addHandler(h)
    return handlers


def clear_outputs(outdir: Path) -> None:
    """Delete everything in ``outdir`` but its lock file (which the running process holds)."""
    clear_dir(outdir)


def _holds_a_run(outdir: Path) -> bool:
    return outdir.is_dir() and any((outdir / name).exists() for name in _RUN_FILES)


def _os_error(exc: OSError) -> str:
    """"<file>: No space left on device" for a failed write."""
    what = exc.strerror or str(exc)
    hint = " (the disk is full)" if exc.errno in (errno.ENOSPC, errno.EDQUOT) else ""
    return f"{exc.filename}: {what}{hint}" if exc.filename else f"{what}{hint}"


def _how_to_continue(case: Case, checkpoint_charge: float | None) -> str:
    if checkpoint_charge is None:
        return f"no restart point was written yet: `liplate run {case.path}` starts the case over"
    return (f"the last checkpoint (at {checkpoint_charge / C_M2_PER_MAH_CM2:.4g} mAh/cm^2) is intact: continue with "
            f"`liplate run --resume {case.path}`")


def _on_root(write) -> None:
    """Run ``write()`` on rank 0; an OSError there (a full disk) is raised on every rank, so that all ranks
    stop together instead of the others waiting for rank 0 in the next collective."""
    error = None
    if is_root():
        try:
            write()
        except OSError as exc:
            error = exc
    if comm_info()[0] > 1:
        from mpi4py import MPI
        error = MPI.COMM_WORLD.bcast(error, root=0)
    if error is not None:
        raise error


class Interrupted(KeyboardInterrupt):
    """SIGTERM (or SIGINT) delivered to a run, raised like Ctrl-C so that the run records it and stops."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum
        self.signal_name = signal.Signals(signum).name


#: the handlers a run replaces: the interpreter's own (SIGTERM kills, SIGINT raises KeyboardInterrupt), no one else's
_DEFAULT_HANDLERS = {signal.SIGTERM: signal.SIG_DFL, signal.SIGINT: signal.default_int_handler}


@contextlib.contextmanager
def _signals_as_interrupts():
    """While a run steps, SIGTERM and SIGINT stop it (recorded in run.log and summary.json). Yields
    ``raise_pending``, which the stepper calls between steps.

    The handler raises :class:`Interrupted` at once, so a long step stops where it is, and remembers the
    signal: Python runs a handler wherever the main thread is, and an exception raised inside a library's
    bare ``except:`` (FiPy's variable code has some) or a ``__del__`` is swallowed there. ``raise_pending``
    raises it again at the next step boundary, so a delivered signal always stops the run. Only in the main
    thread, and only for a signal whose handler is still the interpreter's default."""
    pending: list[int] = []

    def raise_pending() -> None:
        if pending:
            raise Interrupted(pending[0])

    if threading.current_thread() is not threading.main_thread():
        yield raise_pending
        return

    def handler(signum, frame):
        pending.append(signum)
        raise Interrupted(signum)

    replaced = [s for s, default in _DEFAULT_HANDLERS.items() if signal.getsignal(s) is default]
    for s in replaced:
        signal.signal(s, handler)
    try:
        yield raise_pending
    finally:
        for s in replaced:
            signal.signal(s, _DEFAULT_HANDLERS[s])


def provenance(case: Case) -> dict:
    size, _ = comm_info()
    return {"liplate_version": __version__, "git_revision": git_revision(), "mpi_size": size,
            "solver_suite": _solver_suite(), "seed": case["case"]["seed"], "model": case.model,
            "case": str(case.path)}


def _solver_suite() -> str | None:
    try:
        import fipy
        return fipy.solvers.solver_suite
    except Exception:  # pragma: no cover
        return None


def run_case(path, force: bool = False, resume: bool = False, progress: bool | None = None,
             verbose: bool = False) -> dict:
    """Run the case in directory ``path``; return its summary dict.

    Raises :class:`CaseError` for invalid input (nothing written); a completed case returns its stored
    summary unless ``force``. The output directory is locked for the whole call (:mod:`liplate.io.lock`):
    a second run of the same case at the same time raises :class:`OutputLocked` at once.
    """
    case = path if isinstance(path, Case) else load_case(path)
    lock = _lock_output(case)
    try:
        return _run_locked(case, force, resume, progress, verbose)
    finally:
        if lock is not None:
            lock.release(remove_dir_if_unused=True)


class OutputLocked(CaseError):
    """Another process is writing this case's output directory."""


def _lock_output(case: Case) -> DirLock | None:
    """Lock ``case.output_dir`` on rank 0 (all ranks learn the outcome); raise a CaseError if it cannot be.

    Where this user cannot write (a read-only copy of a case), there is no lock and nothing to protect:
    a completed run is still returned, and anything that would write fails with its OSError.
    """
    lock, error = None, None
    if is_root():
        lock = DirLock(case.output_dir, command="liplate run " + str(case.path))
        try:
            lock.acquire()
        except LockHeld as exc:
            error = OutputLocked(f"{case.path}: {exc}")
        except NotADirectory as exc:
            error = CaseError(f"{case.path}: {exc}")
        except OSError as exc:
            lock = None
            if exc.errno not in (errno.EACCES, errno.EPERM, errno.EROFS):
                error = exc
    if comm_info()[0] > 1:
        from mpi4py import MPI
        error = MPI.COMM_WORLD.bcast(error, root=0)
    if error is not None:
        raise error
    return lock


def _stored_inputs_problem(case: Case) -> str | None:
    """Why the run stored in ``output/`` cannot be matched to this case: its ``case_resolved.json`` is
    unreadable (fail closed), or its inputs differ (one line per difference). None if they agree."""
    resolved = case.output_dir / "case_resolved.json"
    if not isinstance(summ.read(resolved), dict):
        return (f"{case.output_dir.name}/{resolved.name} is missing or unreadable, so nothing shows which inputs "
                "the stored run used")
    changes = stored_input_changes(case)
    return "its inputs differ:\n  " + "\n  ".join(changes) if changes else None


def _run_locked(case: Case, force: bool, resume: bool, progress: bool | None, verbose: bool) -> dict:
    out = case.output_dir
    summary_path = out / "summary.json"
    if summ.is_complete(summary_path) and not force:
        problem = _stored_inputs_problem(case)
        if problem:
            raise CaseError(f"{case.path}: {out.name}/ holds a completed run that cannot be returned as this "
                            f"case's result: {problem}\nrerun with --force to replace it (a newer liplate or an "
                            "edited case.toml changes the inputs), or copy the case to a new directory to keep both")
        log.info("%s is already completed; returning the stored summary (use --force to redo)", case.path)
        return summ.read(summary_path)
    checkpoint_path = out / ckpt.CHECKPOINT
    restart = None       # checkpoint contents to resume from
    note = None          # why this run starts from the beginning although output/ holds an earlier one
    clear = force        # delete the earlier outputs (once the model is built: bad input deletes nothing)
    if force:
        pass
    elif checkpoint_path.is_file():
        if not resume:
            raise CaseError(f"{case.path}: {out.name}/ holds an unfinished run; continue it with --resume "
                            "or start over with --force")
        problem = _stored_inputs_problem(case)
        if problem:
            raise CaseError(f"{case.path}: the unfinished run in {out.name}/ cannot be resumed for this case "
                            f"(if it was started from other inputs, resuming would mix them): {problem}\nstart "
                            "over with --force")
        try:
            restart = ckpt.load(checkpoint_path)
        except ckpt.CheckpointError as exc:
            raise CaseError(f"{case.path}: cannot resume: {exc}\nstart over with --force (the run restarts "
                            "from the beginning)") from exc
    elif _holds_a_run(out):
        # Stopped (killed, interrupted, failed) before its first restart point: nothing to continue from.
        earlier = (summ.read(summary_path) or {}).get("status") or "unfinished"
        note = (f"{out.name}/ holds an earlier run ({earlier}) with no checkpoint to continue from: starting "
                "the case over from the beginning")
        clear = True
    elif resume:
        note = f"nothing to resume (no {out.name}/{ckpt.CHECKPOINT}): starting from the beginning"
    if case.model == "kmc":
        from .kmc import run_kmc_case
        if clear:
            clear_outputs(out)
        write_json(out / "case_resolved.json", case.resolved())   # what the stored-input check compares
        return run_kmc_case(case)
    size, _ = comm_info()
    from .models import PARALLEL_MODELS
    if size > 1 and case.model not in PARALLEL_MODELS:
        raise CaseError(f"{case.source_file}: the {case.model!r} model runs one case on one MPI rank (this run has "
                        f"{size}); run it without mpiexec, or run many such cases at once with "
                        f"`mpiexec -n {size} liplate sweep FILE` (one case per rank). Models that run across ranks: "
                        f"{', '.join(sorted(PARALLEL_MODELS))}")
    if size > 1 and _solver_suite() != "petsc":
        raise CaseError(f"running one case on {size} MPI ranks needs PETSc (FiPy's parallel solvers); this "
                        f"installation uses {_solver_suite()!r}. Install it with `make system-deps` (Debian's "
                        "python3-petsc4py), or run the case on one rank")

    from .models import build_model

    try:
        # Model construction checks combinations of keys (mesh vs fine layer, ...): still before any output.
        model = build_model(case)
    except ValueError as exc:
        raise CaseError(f"{case.source_file}: {exc}") from exc
    if is_root():
        if clear:
            clear_outputs(out)
        out.mkdir(parents=True, exist_ok=True)
        write_json(out / "case_resolved.json", case.resolved())
        _reserve_space(out)
    handlers = _setup_logging(out / "run.log" if is_root() else None, verbose)
    try:
        if note:
            log.warning("%s: %s", case.path, note)
        with _signals_as_interrupts() as raise_pending:
            return _run(case, model, restart, progress, raise_pending)
    finally:
        if is_root():
            _release_space(out)
        for h in handlers:
            log.removeHandler(h)
            h.close()


def _run(case: Case, model, restart: tuple | None, progress: bool | None, raise_pending=None) -> dict:
    out = case.output_dir
    root = is_root()
    log.info("liplate %s: case %s (model %s, substrate %s)", __version__, case.path, case.model, case.substrate)
    if root and comm_info()[0] > 1 and model.parallel_note:
        log.warning(model.parallel_note)
    x_edges, y_edges = model.grid_edges()
    writer = FieldWriter(out, x_edges, y_edges) if root else None
    rows: list[dict] = []
    state = None
    if restart is not None:
        model_state, stepper_dict, rows = restart
        try:
            model.set_state(model_state)
            state = StepperState(**stepper_dict)
        except (KeyError, TypeError, ValueError) as exc:
            raise CaseError(f"{case.path}: cannot resume: {out / ckpt.CHECKPOINT} does not hold a state of this "
                            f"model ({type(exc).__name__}: {exc})\nstart over with --force") from exc
        if writer:
            from .io.fields import read_pvd
            if writer.pvd_path.is_file():
                writer.frames = [(t, p.name) for t, p in read_pvd(writer.pvd_path)][: state.frame + 1]
        log.info("resumed from checkpoint at t = %.6g s, %.4g mAh/cm^2, step %d",
                 state.time, state.charge / C_M2_PER_MAH_CM2, state.steps)

    j_app = case["protocol"]["current_density"]
    vm = case.p("li.molar_volume")

    def add_row(st, obs, report=None):
        row = {"time_s": st.time, "capacity_mAh_cm2": st.charge / C_M2_PER_MAH_CM2}
        row.update({k: v for k, v in obs.items() if k not in row and not isinstance(v, (list, dict))})
        row["dt_s"] = st.dt
        row["sweeps"] = report.sweeps if report else 0
        rows.append(row)

    def write_frame(st, obs):
        fields = model.cell_fields()
        profile = model.interface_profile()

        if st.frame > 0:
            # a line per frame in run.log: how far a long run has got, for a sweep or a batch job that has no
            # terminal (`tail -f output/run.log`)
            log.info("frame %d/%d: %.4g mAh/cm^2, t = %.6g s, V = %.5g mV, step %d (%d rejected), dt %.3g s, "
                     "wall %.1f s", st.frame, stepper.frames, st.charge / C_M2_PER_MAH_CM2, st.time,
                     1e3 * obs["voltage_V"] if obs.get("voltage_V") is not None else float("nan"), st.steps,
                     st.rejected, st.dt, stepper.elapsed(), extra=FILE_ONLY)

        def write():
            writer.write(st.frame, st.time, fields)
            timeseries.write(out / "timeseries.csv", rows)
            if profile is not None:
                write_interface_frame(out / "interface.csv", st.frame, st.time, profile)
        _on_root(write)

    def write_checkpoint(st):
        snap = st.as_dict()
        snap["wall_time"] = stepper.elapsed()
        state_arrays = model.get_state()

        def write():
            ckpt.save(out / ckpt.CHECKPOINT, state_arrays, snap, rows)
            timeseries.write(out / "timeseries.csv", rows)
        _on_root(write)
        last_checkpoint[0] = st.charge

    bar = _progress_bar(case, progress) if root else None

    def show(st):
        if bar is not None:
            bar.n = round(st.charge / C_M2_PER_MAH_CM2, 4)
            bar.set_postfix(step=st.steps, dt=f"{st.dt:.3g}s", refresh=False)
            bar.refresh()

    stepper = Stepper(model, case, on_row=add_row, on_frame=write_frame, on_checkpoint=write_checkpoint,
                      progress=show, between_steps=raise_pending)
    # The stepper stops at case.plating_limit(): the protocol's capacity or the counter electrode's Li
    stop_reason = case.plating_limit()[1]
    status = summ.COMPLETED
    error = None
    interrupt = None
    last_checkpoint = [state.charge if state is not None else None]   # charge of the last restart point
    try:
        if state is None:
            state = StepperState(dt=case["numerics"]["dt_initial"])
            obs0 = model.observables()
            add_row(state, obs0)
            write_frame(state, obs0)
        state, status = stepper.run(state)
    except (RunFailed, StepFailed, SolveFailed, LinearSolveFailed) as exc:
        # A numerical failure is a result with status "failed"; what was written so far is kept.
        status, error = "failed", f"{type(exc).__name__}: {exc}"
        log.error("run failed: %s", error)
        state = state or StepperState()
    except OSError as exc:
        # A full disk (or a quota, or an I/O error): the file being written was left as it was (atomic
        # writes), so the last checkpoint is whole and the run continues from it once space is free.
        status, error = WRITE_FAILED, f"could not write {_os_error(exc)}"
        log.error("run stopped: %s; %s", error, _how_to_continue(case, last_checkpoint[0]))
        state = state or StepperState()
    except KeyboardInterrupt as exc:
        interrupt = exc
        name = getattr(exc, "signal_name", "SIGINT")
        status, error = INTERRUPTED, f"interrupted by {name}"
        log.error("run %s at t = %.6g s; %s", error, state.time if state else 0.0,
                  _how_to_continue(case, last_checkpoint[0]))
        state = state or StepperState()
    finally:
        if bar is not None:
            bar.close()
    if status in RESUMABLE and hasattr(stepper, "segment_start"):
        state.wall_time = stepper.elapsed()
    if status in RESUMABLE:
        obs = rows[-1] if rows else {}   # the model may be part-way through a step: report the last full one
    else:
        try:
            obs = model.observables()
        except (StepFailed, SolveFailed, LinearSolveFailed):
            obs = rows[-1] if rows else {}
    voltages = [r.get("voltage_V") for r in rows]
    extra = {
        "current_density_mA_cm2": j_app / A_M2_PER_MA_CM2,
        "capacity_mAh_cm2": state.charge / C_M2_PER_MAH_CM2,
        "faraday_thickness_um": state.charge * vm / FARADAY / M_PER_UM,
        "cell_voltage_final_V": obs.get("voltage_V"),
        "cells": int(model.mesh.globalNumberOfCells),
        "steps": state.steps,
        "rejected_steps": state.rejected,
        "wall_time_s": state.wall_time,
        "error": error,
        "provenance": provenance(case),
    }
    if obs.get("eta_nucleation_V") is not None:
        extra.update(summ.nucleation_overpotential_mV([r.get("capacity_mAh_cm2") for r in rows], voltages,
                                                     obs.get("voltage_peak_V")))
    if status == summ.SHORT_CIRCUIT:
        # when the Li reached the counter electrode, as the model reports it (interpolated inside the last step)
        extra.update(short_circuit=True, short_capacity_mAh_cm2=obs.get("short_capacity_mAh_cm2"),
                     short_time_s=obs.get("short_time_s"))
    extra["stop_reason"] = summ.STOP_REASONS.get(status)
    extra["counter_li_mAh_cm2"] = counter_li_charge(case.params) / C_M2_PER_MAH_CM2
    if status == summ.COMPLETED and stop_reason == summ.COUNTER_EXHAUSTED:
        extra.update(stop_reason=stop_reason, counter_exhausted_capacity_mAh_cm2=state.charge / C_M2_PER_MAH_CM2)
        log.info("counter electrode exhausted at %.4g mAh/cm^2 passed: stopping", state.charge / C_M2_PER_MAH_CM2)
    # key and DOI per reference (the full entries are in liplate/references.bib, `liplate params --bibtex`)
    extra["citations"] = [{k: c.get(k) for k in ("key", "doi", "used_for")} for c in citations.used_by(case)]
    summary = summ.build(status, case, obs, extra)
    if root:
        try:
            if status != WRITE_FAILED:
                timeseries.write(out / "timeseries.csv", rows)
            summ.write(out / "summary.json", summary)
            if status in summ.RESULTS:
                (out / ckpt.CHECKPOINT).unlink(missing_ok=True)
        except OSError as exc:
            # The full summary does not fit: the run is not complete, whatever it computed. Record that in a
            # compact summary (one line, a few hundred bytes) if even that fits, and in the log.
            if status in summ.RESULTS:
                status = WRITE_FAILED
            summary.update(status=status, error=(summary.get("error") or "")
                           + f"{'; ' if summary.get('error') else ''}could not write {_os_error(exc)}")
            try:
                _release_space(out)                    # the bytes held for this
                summ.write_compact(out / "summary.json", summary)
                log.error("%s: %s; status %s recorded in a compact %s/summary.json; %s", case.path,
                          summary["error"], status, out.name, _how_to_continue(case, last_checkpoint[0]))
            except OSError:
                log.error("%s: status %s not recorded in %s/summary.json: %s; %s", case.path, status, out.name,
                          summary["error"], _how_to_continue(case, last_checkpoint[0]))
    if interrupt is not None:
        interrupt.summary = summary      # what was written, for a caller that reports it (the sweep's case process)
        raise interrupt
    log.info("%s: %s after %d steps, %.1f s; thickness %.4g um", case.path, status, state.steps,
             state.wall_time, summary.get("thickness_mean_um") or float("nan"))
    timing = _timing_line(getattr(model, "timing", None))
    if timing:
        log.info("wall time of this run segment on rank 0: %s", timing, extra=FILE_ONLY)
    return summary


def _timing_line(timing: dict | None) -> str:
    """"potential solves 46 %, phase-field solves 15 %, step hooks 9 %, the rest 30 % of 55.4 s in steps" from the
    model's own timers (seconds: the solves, the step hooks (filaments) and whole steps; PhaseFieldModel.timing),
    or "" when the model keeps none."""
    if not timing or timing.get("step", 0.0) <= 0.0:
        return ""
    total = timing["step"]
    parts = {"potential solves": timing.get("phi", 0.0), "phase-field solves": timing.get("xi", 0.0),
             "step hooks": timing.get("hooks", 0.0)}
    parts["the rest"] = total - sum(parts.values())
    return ", ".join(f"{k} {100.0 * v / total:.0f} %" for k, v in parts.items()) + f" of {total:.1f} s in steps"


def _progress_bar(case: Case, progress: bool | None):
    if progress is False:
        return None
    from tqdm import tqdm

    total = case.plating_limit()[0] / C_M2_PER_MAH_CM2
    # disable=None: tqdm turns itself off when stderr is not a terminal.
    return tqdm(total=round(total, 4), unit="mAh/cm2", desc=case.path.name, disable=None if progress is None
                else not progress, leave=False, bar_format="{desc}: {percentage:3.0f}%|{bar}| {n:.3g}/{total:.3g} "
                "mAh/cm2 [{elapsed}<{remaining}{postfix}]")
