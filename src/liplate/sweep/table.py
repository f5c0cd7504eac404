"""The sweep's results table: ``results.csv`` and ``results.json`` next to the sweep file."""
from __future__ import annotations

import csv
import io
import json
import os
import sys
import time
from typing import Any

from .expand import Sweep


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
    from ..io.summary import SUMMARY_KEYS

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
    from .. import __version__
    from ..io.atomic import write_json, write_text

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
    from ..env import git_revision
    return git_revision()


class SweepEntries(list):
    """The sweep's entries (one dict per case); ``results_written`` is False if ``results.csv`` and
    ``results.json`` could not be brought up to date at the end (a full disk)."""

    results_written = True


def _save_results(sweep: Sweep, entries: list[dict], started: str, size: int) -> bool:
    """Rewrite results.csv/json; on a write error (a full disk) warn and return False: the sweep goes on
    (every case keeps its own outputs) and the next update tries again."""
    # ``write_results`` is looked up in this module at each call (tests/integration/test_faults.py patches
    # liplate.sweep.table.write_results to fill the disk).
    try:
        write_results(sweep, entries, started, size)
        return True
    except OSError as exc:
        print(f"liplate: warning: sweep: could not update {sweep.root}/results.csv and results.json "
              f"({exc}); the sweep goes on, each case keeps its own outputs, and the next update tries again",
              file=sys.stderr, flush=True)
        return False
