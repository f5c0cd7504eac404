"""Events per second of the kMC engine for 2000-atom runs (one core, pure Python).

Run: .venv/bin/python benchmarks/bench_kmc.py [--repeat N]
Target (issue 7): >= 1e5 events/s for a 2000-atom run. Each line: lattice, k_ratio, events, CPU
time of the event loop only (observables and output excluded), events per CPU second (mean and
best over seeds) and per wall-clock second (these differ when other processes share the core).
"""
from __future__ import annotations

import argparse
import time

from liplate.kmc.engine import Engine
from liplate.kmc.runner import KMCSetup

CASES = [  # (label, substrate, dimension, lattice sites per side, k_ratio)
    ("2d Cu (DFT ratio)", "cu", 2, 2000, "auto"),
    ("2d Li2Te-Cu (DFT ratio)", "li2te_cu", 2, 2000, "auto"),
    ("2d k_ratio 0.01", "cu", 2, 2000, 0.01),
    ("3d Cu (DFT ratio)", "cu", 3, 64, "auto"),
    ("3d Li2Te-Cu (DFT ratio)", "li2te_cu", 3, 64, "auto"),
]


def bench(substrate: str, dimension: int, sites: int, k_ratio, seed: int = 0) -> tuple[int, float, float, float]:
    setup = KMCSetup(substrate=substrate, temperature=298.0, current_density=5.0,  # 0.5 mA/cm^2
                     dimension=dimension, lattice_sites=sites, atoms=2000, k_ratio=k_ratio)
    eng = Engine(setup.lattice, setup.rates(), seed)
    t0, c0 = time.perf_counter(), time.process_time()
    eng.run(setup.atoms)
    cpu, wall = time.process_time() - c0, time.perf_counter() - t0
    return eng.events, cpu, wall, setup.resolved_ratio()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3, help="seeds per case (best and mean reported)")
    args = ap.parse_args()
    print(f"{'case':26s} {'k_ratio':>9s} {'events':>9s} {'cpu_s':>6s} {'events/cpu-s':>13s} {'best':>9s} "
          f"{'events/wall-s':>14s}")
    worst = float("inf")
    for label, sub, dim, sites, ratio in CASES:
        per_cpu, per_wall = [], []
        for seed in range(args.repeat):
            events, cpu, wall, k = bench(sub, dim, sites, ratio, seed)
            per_cpu.append(events / cpu)
            per_wall.append(events / wall)
        mean = sum(per_cpu) / len(per_cpu)
        worst = min(worst, mean)
        print(f"{label:26s} {k:9.3g} {events:9d} {cpu:6.2f} {mean:13.3g} {max(per_cpu):9.3g} "
              f"{sum(per_wall) / len(per_wall):14.3g}")
    print(f"slowest case: {worst:.3g} events per CPU second "
          f"({'meets' if worst >= 1e5 else 'BELOW'} the 1e5 events/s target)")


if __name__ == "__main__":
    main()
