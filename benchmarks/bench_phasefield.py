"""Benchmark of the phase-field model on the reference Cu case (0.5 mA/cm^2) at three mesh sizes.

For each mesh (the shipped cases' production mesh, read from cases/cu_0p5mA_1mAh: since 2026-12-04 1200 x 88
cells; and half and twice its cells in x; the interface length is the cases' (0.5 um) on every mesh, classical
nucleation from the cases' dt_initial) it runs the same first
``--steps`` steps (dt from 1 s growing x1.5, up to the reference case's dt_max (cases/cu_0p5mA_1mAh,
60 s), after steps of <= dt_target_sweeps sweeps, as liplate.stepping.next_dt; rejected steps retried
with dt / 2) and prints cells, steps, wall and CPU time (the process's own: on a shared
machine the CPU figures are the comparable ones), cell-steps/s, the simulated time the steps covered and
simulated seconds per wall second (the step controller sets how long the steps are, so compare
controllers by the latter):

- ``fipy-lu``: FiPy terms rebuilt every sweep, FiPy's LinearLUSolver (the reference; since 2026-12-04 at the
  model's linear tolerance, |Ax - b|/|b| <= 1e-7, where FiPy's default 1e-5 skipped solves the own path makes);
- ``fast-lu``: the model's own FV assembly on FiPy's geometry, SuperLU (no factorisation where the initial
  guess already meets the tolerance, as FiPy's LU);
- ``fast-pyamg``: the model's own FV assembly, potential by CG + classical AMG (pyamg), hierarchy reused;
  Allen-Cahn step by Jacobi-CG (the SciPy-only choice);
- ``fast-hypre``: the same with hypre BoomerAMG through petsc4py (chosen when PETSc is present).

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/bench_phasefield.py [--steps 30] [--skip-fipy-largest]
        [--repeat 3] [--modes fast-lu,fast-hypre]
"""
from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("OMP_NUM_THREADS", "1")


REFERENCE = Path(__file__).resolve().parents[1] / "cases" / "cu_0p5mA_1mAh" / "case.toml"


def reference_meshes():
    """(cells_x, cells_y, fine cell height in um) of the reference case (since 2026-12-04 1200 x 88, fine cells
    0.25 um, interface 0.5 um; before 600 x 56, 0.5 um, 1 um), with half and twice its cells in x."""
    from liplate.api import load_case

    s = load_case(REFERENCE.parent).sections
    nx, ny, dy_um = s["domain"]["cells_x"], s["domain"]["cells_y"], s["phasefield"]["fine_cell_height"] * 1e6
    return [(nx // 2, ny, dy_um), (nx, ny, dy_um), (2 * nx, ny, dy_um)]


def make_case(nx, ny, dy_um):
    import tomllib

    from liplate.case import Case, validate
    from liplate.models import phasefield_config

    phasefield_config.register()
    ref = tomllib.loads(REFERENCE.read_text())
    dt_max = ref["numerics"]["dt_max"]                                       # the reference case's step limit
    data = {"case": {"substrate": "cu", "model": "phasefield", "seed": 0},
            "protocol": {"current_density": "0.5 mA/cm^2", "capacity": "1 mAh/cm^2"},
            "domain": {"width": "600 um", "height": "250 um", "cells_x": nx, "cells_y": ny},
            "numerics": {"dt_max": dt_max, "dt_initial": ref["numerics"]["dt_initial"]},
            "phasefield": {"fine_cell_height": f"{dy_um} um",
                           "interface_length": ref["phasefield"]["interface_length"]},
            "nucleation": {"source": ref["nucleation"]["source"]}}
    s, p = validate(data)
    return Case(path=Path("."), source_file=Path("case.toml"), sections=s, params=p, raw=data)


def bench(case, mode, steps):
    from liplate.models.base import StepFailed
    from liplate.models.phasefield import PhaseFieldModel
    from liplate.stepping import next_dt

    model = PhaseFieldModel(case)
    if mode == "fipy-lu":
        model.use_fipy_terms()
    else:
        model.use_solver(mode.removeprefix("fast-"))
    dt, done, sweeps = case["numerics"]["dt_initial"], 0, 0
    t0, c0 = time.perf_counter(), time.process_time()
    while done < steps:
        try:
            r = model.advance(dt, 5.0)
        except StepFailed:
            dt /= 2
            continue
        done += 1
        sweeps += r.sweeps
        dt = next_dt(dt, r.sweeps, 1.5, case["numerics"]["dt_max"], case["numerics"]["dt_target_sweeps"])
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    return model.mesh.numberOfCells, wall, cpu, sweeps, model.observables()["voltage_V"], model.time


def _bench_mesh(nx, ny, dy, mode, steps):
    return bench(make_case(nx, ny, dy), mode, steps)


def isolated(nx, ny, dy, mode, steps):
    """One timed run in a fresh process: the FiPy-term path grows by ~150 MB per step on 33,600 cells
    (FiPy's variable graph; measured with ru_maxrss), which over a whole benchmark in one process
    exhausted 24 GB. A fresh process per run also keeps runs from sharing caches."""
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=1, mp_context=mp.get_context("spawn")) as pool:
        return pool.submit(_bench_mesh, nx, ny, dy, mode, steps).result()


def _modes():
    from liplate.spd import petsc_available

    return ("fipy-lu", "fast-lu", "fast-pyamg") + (("fast-hypre",) if petsc_available() else ())


def main():
    modes = _modes()
    best = modes[-1]
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=30)
    ap.add_argument("--skip-fipy-largest", action="store_true")
    ap.add_argument("--repeat", type=int, default=1,
                    help="runs per mesh and mode; the fastest is reported (this VM's speed drifts by 20-30 %%)")
    ap.add_argument("--modes", default=None, help="comma-separated subset of " + ",".join(modes))
    args = ap.parse_args()
    meshes = reference_meshes()                    # the shipped mesh, half and twice its cells in x
    print(f"{'mesh':>10} {'mode':>9} {'cells':>7} {'steps':>5} {'sweeps':>6} {'wall_s':>8} {'cpu_s':>8} "
          f"{'cell_steps/s':>12} {'cell_steps/cpu_s':>16} {'V_mV':>8} {'sim_s':>7} {'sim_s/wall_s':>12}")
    walls, cpus = {}, {}
    if args.modes:
        unknown = set(args.modes.split(",")) - set(modes)
        if unknown:
            ap.error(f"--modes: unknown {sorted(unknown)}; allowed: {', '.join(modes)}")
        modes = tuple(m for m in modes if m in args.modes.split(","))
        best = modes[-1]
    for k, (nx, ny, dy) in enumerate(meshes):
        for mode in modes:
            if mode == "fipy-lu" and args.skip_fipy_largest and k == len(meshes) - 1:
                continue
            runs = [isolated(nx, ny, dy, mode, args.steps) for _ in range(max(args.repeat, 1))]
            cells, wall, cpu, sweeps, v, sim = min(runs, key=lambda r: r[1])
            walls[(k, mode)], cpus[(k, mode)] = wall, cpu
            print(f"{nx}x{ny:>4} {mode:>9} {cells:>7} {args.steps:>5} {sweeps:>6} {wall:>8.2f} {cpu:>8.2f} "
                  f"{cells * args.steps / wall:>12.3g} {cells * args.steps / cpu:>16.3g} {v * 1e3:>8.3f} "
                  f"{sim:>7.1f} {sim / wall:>12.2f}", flush=True)
    last = len(meshes) - 1
    if (last, "fipy-lu") in walls and best != "fipy-lu":
        print(f"speed-up of {best} over fipy-lu on the largest mesh: "
              f"{walls[(last, 'fipy-lu')] / walls[(last, best)]:.1f}x wall, "
              f"{cpus[(last, 'fipy-lu')] / cpus[(last, best)]:.1f}x CPU")
    if (last, "fast-lu") in walls and best != "fast-lu":
        print(f"speed-up of {best} over fast-lu on the largest mesh: "
              f"{walls[(last, 'fast-lu')] / walls[(last, best)]:.1f}x wall, "
              f"{cpus[(last, 'fast-lu')] / cpus[(last, best)]:.1f}x CPU")
    cells = [nx * ny for nx, ny, _ in meshes]
    k = np.polyfit(np.log(cells), np.log([walls[(i, best)] for i in range(len(meshes))]), 1)[0]
    print(f"{best}: wall time ~ cells^{k:.2f}")


if __name__ == "__main__":
    main()
