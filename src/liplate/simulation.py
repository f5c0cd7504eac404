"""One case: validated case -> model -> stepper -> writers. The only place that touches the output dir.

``run_case`` writes into ``<case>/output/``:
``case_resolved.json`` (every value SI with unit and source), ``run.log``, ``fields.pvd`` +
``fields_NNNN.vtu``, ``timeseries.csv``, ``checkpoint.npz`` (restart point) and, last,
``summary.json``. Every file is written atomically. A case whose ``summary.json`` says
``completed`` is not recomputed unless ``force``.
"""
from __future__ import annotations

import logging
import shutil
import sys
from pathlib import Path

from . import __version__
from .case import Case, CaseError, load_case, stored_input_changes
from .env import git_revision
from .io import checkpoint as ckpt
from .io import summary as summ
from .io import timeseries
from .io.atomic import write_text
from .io.fields import FieldWriter, write_interface_frame
from .models.base import StepFailed
from .parallel import comm_info, is_root
from .physics.constants import FARADAY
from .physics.potential import SolveFailed
from .solvers import LinearSolveFailed
from .stepping import RunFailed, Stepper, StepperState
from .units import A_M2_PER_MA_CM2, C_M2_PER_MAH_CM2, M_PER_UM

log = logging.getLogger("liplate")

def _setup_logging(logfile: Path | None, verbose: bool) -> list[logging.Handler]:
    handlers: list[logging.Handler] = []
    log.setLevel(logging.INFO)
    if logfile is not None:
        fh = logging.FileHandler(logfile, mode="a")
        fh.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        handlers.append(fh)
    sh = logging.StreamHandler(sys.stderr)
    sh.setLevel(logging.INFO if verbose else logging.WARNING)
    sh.setFormatter(logging.Formatter("liplate: %(message)s"))
    handlers.append(sh)
    for h in handlers:
        log.addHandler(h)
    return handlers


def clear_outputs(outdir: Path) -> None:
    if outdir.is_dir():
        shutil.rmtree(outdir)


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
    summary unless ``force``.
    """
    case = path if isinstance(path, Case) else load_case(path)
    out = case.output_dir
    summary_path = out / "summary.json"
    if summ.is_complete(summary_path) and not force:
        changes = stored_input_changes(case)
        if changes:
            raise CaseError(f"{case.path}: {out.name}/ holds a completed run of different inputs (a newer liplate or "
                            "an edited case.toml); its results do not answer this case:\n  " + "\n  ".join(changes)
                            + "\nrerun with --force to replace them, or copy the case to a new directory to keep both")
        log.info("%s is already completed; returning the stored summary (use --force to redo)", case.path)
        return summ.read(summary_path)
    checkpoint_path = out / ckpt.CHECKPOINT
    if force:
        if is_root():
            clear_outputs(out)
    elif resume:
        if not checkpoint_path.is_file():
            raise CaseError(f"{case.path}: nothing to resume (no {out.name}/{ckpt.CHECKPOINT}); "
                            "run without --resume")
        changes = stored_input_changes(case)
        if changes:
            raise CaseError(f"{case.path}: the unfinished run in {out.name}/ was started from different inputs; "
                            "resuming would mix them:\n  " + "\n  ".join(changes)
                            + "\nstart over with --force")
    elif checkpoint_path.is_file() or (out / "timeseries.csv").is_file():
        raise CaseError(f"{case.path}: {out.name}/ holds an unfinished run; continue it with --resume "
                        "or start over with --force")
    if case.model == "kmc":
        from .kmc import run_kmc_case
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
        out.mkdir(parents=True, exist_ok=True)
        write_text(out / "case_resolved.json", case.to_json() + "\n")
    handlers = _setup_logging(out / "run.log" if is_root() else None, verbose)
    try:
        return _run(case, model, resume, progress)
    finally:
        for h in handlers:
            log.removeHandler(h)
            h.close()


def _run(case: Case, model, resume: bool, progress: bool | None) -> dict:
    out = case.output_dir
    root = is_root()
    log.info("liplate %s: case %s (model %s, substrate %s)", __version__, case.path, case.model, case.substrate)
    if root and comm_info()[0] > 1 and model.parallel_note:
        log.warning(model.parallel_note)
    x_edges, y_edges = model.grid_edges()
    writer = FieldWriter(out, x_edges, y_edges) if root else None
    rows: list[dict] = []
    state = None
    if resume:
        model_state, stepper_dict, rows = ckpt.load(out / ckpt.CHECKPOINT)
        model.set_state(model_state)
        state = StepperState(**stepper_dict)
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
        if writer:
            writer.write(st.frame, st.time, fields)
            timeseries.write(out / "timeseries.csv", rows)
            if profile is not None:
                write_interface_frame(out / "interface.csv", st.frame, st.time, profile)

    def write_checkpoint(st):
        snap = st.as_dict()
        snap["wall_time"] = stepper.elapsed()
        state_arrays = model.get_state()
        if root:
            ckpt.save(out / ckpt.CHECKPOINT, state_arrays, snap, rows)
            timeseries.write(out / "timeseries.csv", rows)

    bar = _progress_bar(case, progress) if root else None

    def show(st):
        if bar is not None:
            bar.n = round(st.charge / C_M2_PER_MAH_CM2, 4)
            bar.set_postfix(step=st.steps, dt=f"{st.dt:.3g}s", refresh=False)
            bar.refresh()

    stepper = Stepper(model, case, on_row=add_row, on_frame=write_frame, on_checkpoint=write_checkpoint,
                      progress=show)
    status = summ.COMPLETED
    error = None
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
    finally:
        if bar is not None:
            bar.close()
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
        extra["nucleation_overpotential_mV"] = summ.nucleation_overpotential_mV(voltages)
    if obs.get("short_circuit"):
        extra["short_capacity_mAh_cm2"] = state.charge / C_M2_PER_MAH_CM2
    summary = summ.build(status, case, obs, extra)
    if root:
        timeseries.write(out / "timeseries.csv", rows)
        summ.write(out / "summary.json", summary)
        if status == summ.COMPLETED:
            (out / ckpt.CHECKPOINT).unlink(missing_ok=True)
    log.info("%s: %s after %d steps, %.1f s; thickness %.4g um", case.path, status, state.steps,
             state.wall_time, summary.get("thickness_mean_um") or float("nan"))
    return summary


def _progress_bar(case: Case, progress: bool | None):
    if progress is False:
        return None
    from tqdm import tqdm

    total = case["protocol"]["capacity"] / C_M2_PER_MAH_CM2
    # disable=None: tqdm turns itself off when stderr is not a terminal.
    return tqdm(total=round(total, 4), unit="mAh/cm2", desc=case.path.name, disable=None if progress is None
                else not progress, leave=False, bar_format="{desc}: {percentage:3.0f}%|{bar}| {n:.3g}/{total:.3g} "
                "mAh/cm2 [{elapsed}<{remaining}{postfix}]")
