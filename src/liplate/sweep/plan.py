"""Planning of each point of a sweep: its case.toml, and whether to skip, run, resume or redo it."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ..io.lock import DirLock, LockHeld
from .engine import RESUMABLE
from .expand import Point, Sweep

# --- rank 0: plan, schedule, gather -----------------------------------------------------------


def _plan(sweep: Sweep, point: Point, force: bool) -> dict:
    """Write the point's case.toml; decide whether to skip, run, resume or redo it."""
    from ..io.atomic import write_text
    from .expand import check_point

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
    from ..case import stored_input_changes
    from ..io import checkpoint as ckpt
    from ..io import summary as summ

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
    from .expand import tomllib

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


def estimated_cost(case: dict) -> float:
    """Rough relative cost of a case, for longest-first scheduling: simulated time x cells,
    (charge plated / current density) x cells_x x cells_y. The charge plated is the capacity, or the counter
    electrode's Li where that comes first or the capacity is 'continuous' (:func:`liplate.case.plating_limit`;
    the case's own `cell.counter_li_thickness` override counts). 0 where the case does not say (those run last;
    the order only affects how evenly the ranks finish, never a result)."""
    from ..parameters import load_set
    from ..physics.constants import FARADAY
    from ..units import to_si

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
