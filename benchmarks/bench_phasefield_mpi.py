"""One phase-field case on N MPI ranks against the same case on one: wall time and agreement.

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/bench_phasefield_mpi.py [--ranks 2] [--repeat 2]
        [--cases cu_0p5mA_1mAh,li2te_cu_0p5mA_1mAh] [--cells-x 150]

Each shipped case is copied to a temporary directory (``--cells-x`` rescales the mesh along the collector)
and run with ``liplate run`` and with ``mpiexec -n N liplate run``, alternately ``--repeat`` times. Printed:
the wall times (the whole command: start-up, imports, outputs), steps, and the largest relative difference
between the two ``summary.json`` files over their numeric keys (wall time excluded). Under mpiexec the phase
field keeps its fields on every rank and shares only its linear solves (docs/phasefield.md, Numerics), so
on a small machine expect agreement, not speed.
"""
from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import tempfile
from pathlib import Path

from _cli import LIPLATE, timed

REPO = Path(__file__).resolve().parents[1]
SKIP = {"wall_time_s"}


def prepare(name: str, dest: Path, cells_x: int | None) -> Path:
    shutil.copytree(REPO / "cases" / name, dest, ignore=shutil.ignore_patterns("output", "runs"))
    text = (dest / "case.toml").read_text()
    if cells_x:
        text = re.sub(r"(?m)^cells_x\s*=\s*\d+", f"cells_x = {cells_x}", text)
    (dest / "case.toml").write_text(re.sub(r"(?m)^frames\s*=\s*\d+", "frames = 2", text))
    return dest


def run(case: Path, ranks: int) -> float:
    cmd = [LIPLATE, "run", "-q", "--force", str(case)]
    return timed(["mpiexec", "-n", str(ranks), *cmd] if ranks > 1 else cmd)

def largest_difference(a: dict, b: dict) -> tuple[float, str]:
    worst = (0.0, "-")
    for key, va in a.items():
        vb = b.get(key)
        if key in SKIP or isinstance(va, bool) or not isinstance(va, (int, float)) or not isinstance(vb, (int, float)):
            continue
        rel = abs(va - vb) / max(abs(va), 1e-300) if va != vb else 0.0
        worst = max(worst, (rel, key))
    return worst


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ranks", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--cases", default="cu_0p5mA_1mAh,li2te_cu_0p5mA_1mAh")
    ap.add_argument("--cells-x", type=int, default=None, help="cells along the collector (default: the case's)")
    args = ap.parse_args()
    if shutil.which("mpiexec") is None:
        print("bench_phasefield_mpi: mpiexec not found; skipped")
        return 0
    tmp = Path(tempfile.mkdtemp(prefix="liplate_bench_pf_mpi_"))
    try:
        print(f"{'case':>22} {'cells':>7} {'ranks':>5} {'steps':>5} {'wall_s':>8}   (each run; then agreement)")
        for name in args.cases.split(","):
            dirs = {1: prepare(name, tmp / f"{name}_1", args.cells_x),
                    args.ranks: prepare(name, tmp / f"{name}_{args.ranks}", args.cells_x)}
            for _ in range(args.repeat):
                for n, d in dirs.items():
                    wall = run(d, n)
                    s = json.loads((d / "output" / "summary.json").read_text())
                    print(f"{name:>22} {s['cells']:>7} {n:>5} {s['steps']:>5} {wall:8.1f}", flush=True)
            a, b = (json.loads((d / "output" / "summary.json").read_text()) for d in dirs.values())
            rel, key = largest_difference(a, b)
            print(f"{name:>22}: {args.ranks} ranks vs 1: steps {b['steps']} vs {a['steps']}, largest relative "
                  f"difference of the summary {rel:.1e} ({key})")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
