"""Time-step convergence of the short circuits: the table of docs/penetration.md, "Time step".

Reads the ``results.csv`` of the short-circuit map (``cases/shorts_map``, seed 0 at the shipped step), of its
seeds (``cases/shorts_map_seeds``, cases ``<case>_seed<n>``) and of the time-step sweep (``cases/shorts_map_dt``,
cases ``<case>_dt<k>_seed<n>``: dt_max and dt_initial divided by k) and prints, for every case of the time-step
sweep, the short capacity (or "no short" with the penetration depth) per seed and step, the seed mean ± sd where
every seed shorted, and the change of that mean from the shipped step.

    .venv/bin/python postprocessing/shorts_time_step.py cases/shorts_map/results.csv \\
        cases/shorts_map_seeds/results.csv cases/shorts_map_dt/results.csv
"""
from __future__ import annotations

import argparse
import re
from pathlib import Path

import numpy as np

try:
    from . import common as C
    from .shorts_map import DONE
except ImportError:  # run as a script
    import common as C
    from shorts_map import DONE

NAME = re.compile(r"^(?P<case>.+?)(?:_dt(?P<div>\d+))?(?:_seed(?P<seed>\d+))?$")


def finished_rows(paths):
    """(case name, row) of every finished run (status in shorts_map.DONE) in the results.csv files ``paths``."""
    for path in paths:
        cols = C.read_csv_columns(Path(path))
        if not cols:
            raise SystemExit(f"{path}: missing or empty")
        for i, name in enumerate(cols["case"]):
            row = {k: v[i] for k, v in cols.items()}
            if row.get("status") in DONE:
                yield str(name), row


def read_runs(paths) -> dict[str, dict[tuple[int, int], dict]]:
    """{case: {(step divisor, seed): row}} of finished runs; a case without _dt is the shipped step (1), without
    _seed seed 0."""
    out: dict[str, dict[tuple[int, int], dict]] = {}
    for name, row in finished_rows(paths):
        m = NAME.match(name)
        out.setdefault(m["case"], {})[(int(m["div"] or 1), int(m["seed"] or 0))] = row
    return out


def short_capacity(row) -> float | None:
    """Short capacity (mAh/cm^2) of a finished run, None if it did not short (the rule of shorts_map.read_outcomes:
    status "short_circuit" with a capacity)."""
    q = C.numeric([row.get("short_capacity_mAh_cm2")])[0]
    return float(q) if row["status"] == "short_circuit" and np.isfinite(q) else None


def table(runs: dict) -> list[str]:
    """Markdown rows: case, step, seeds 0-2, mean +- sd, change of the mean from the shipped step."""
    lines = ["| case | step | seed 0 | seed 1 | seed 2 | mean ± sd | change of the mean |",
             "|---|---|---|---|---|---|---|"]
    for case in sorted(c for c, v in runs.items() if any(div > 1 for div, _ in v)):
        by = runs[case]
        ref = None
        for div in sorted({d for d, _ in by}):
            cells, caps = [], []
            for seed in (0, 1, 2):
                row = by.get((div, seed))
                if row is None:
                    cells.append("")
                    continue
                q = short_capacity(row)
                caps.append(q)
                cells.append(f"{q:.3f}" if q is not None else
                             f"no short ({float(row.get('penetration_depth_um') or 0.0):.1f} µm)")
            done = [q for q in caps if q is not None]
            mean = float(np.mean(done)) if done and len(done) == len(caps) else None
            if div == 1:
                ref = mean
            stat = "–" if mean is None else (f"{mean:.3f} ± {np.std(done, ddof=1):.3f}" if len(done) > 1
                                             else f"{mean:.3f}")
            change = "" if mean is None or ref is None or div == 1 else f"{100 * (mean / ref - 1):+.1f} %"
            step = "dt_max" if div == 1 else f"dt_max / {div}"
            lines.append(f"| {case} | {step} | " + " | ".join(cells) + f" | {stat} | {change} |")
    return lines


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("csv", type=Path, nargs="+", help="results.csv of shorts_map, shorts_map_seeds, shorts_map_dt")
    args = ap.parse_args(argv)
    print("\n".join(table(read_runs(args.csv))))


if __name__ == "__main__":
    main()
