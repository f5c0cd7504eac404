"""How often each case of the short-circuit map shorts over the seeds of the SE's flaws and nuclei.

The Cu islands are a chaotic trajectory (docs/phasefield.md, "Over seeds"): near the threshold a case shorts on
some realisations and not on others, so the model's prediction there is a probability, not one outcome. Reads the
``results.csv`` of the map (``cases/shorts_map``: seed 0) and of its seed sweeps (``cases/shorts_map_seeds``,
``cases/shorts_map_seeds_more``: cases ``<case>_seed<n>``) and prints per case: the seeds run, how many shorted,
the short probability with its exact (Clopper-Pearson) 95 % interval, the short capacity's mean ± sd over the
seeds that shorted, and the penetration depths of those that did not.

    .venv/bin/python postprocessing/shorts_seeds.py cases/shorts_map/results.csv \\
        cases/shorts_map_seeds/results.csv cases/shorts_map_seeds_more/results.csv
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
from scipy.stats import beta

try:
    from .shorts_time_step import NAME, finished_rows, short_capacity
except ImportError:  # run as a script
    from shorts_time_step import NAME, finished_rows, short_capacity


def clopper_pearson(k: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """Exact binomial interval of a probability from k successes in n trials (Clopper & Pearson 1934): the
    alpha/2 quantile of Beta(k, n - k + 1) and the 1 - alpha/2 quantile of Beta(k + 1, n - k); 0 and 1 at the
    ends (k = 0: upper bound 1 - (alpha/2)^(1/n))."""
    if n <= 0 or not 0 <= k <= n:
        raise ValueError(f"need 0 <= k <= n and n > 0, got k={k}, n={n}")
    a = 1.0 - level
    lo = 0.0 if k == 0 else float(beta.ppf(a / 2, k, n - k + 1))
    hi = 1.0 if k == n else float(beta.ppf(1 - a / 2, k + 1, n - k))
    return lo, hi


def read_seeds(paths) -> dict[str, dict[int, dict]]:
    """{case: {seed: row}} of the finished runs at the shipped step (names ``<case>`` = seed 0, ``<case>_seed<n>``;
    runs of a time-step study, ``_dt<k>``, are left out). A seed met twice keeps its last row."""
    out: dict[str, dict[int, dict]] = {}
    for name, row in finished_rows(paths):
        m = NAME.match(name)
        if m["div"] is None:
            out.setdefault(m["case"], {})[int(m["seed"] or 0)] = row
    return out


def table(runs: dict[str, dict[int, dict]]) -> list[str]:
    lines = ["| case | seeds | shorts | P(short), 95 % interval | short capacity (mAh/cm²), mean ± sd | "
             "no short: penetration (µm) |", "|---|---|---|---|---|---|"]
    for case in sorted(runs):
        by = runs[case]
        seeds = sorted(by)
        caps = [short_capacity(by[s]) for s in seeds]
        shorted = [q for q in caps if q is not None]
        depths = [float(by[s].get("penetration_depth_um") or 0.0) for s, q in zip(seeds, caps, strict=True)
                  if q is None]
        k, n = len(shorted), len(seeds)
        lo, hi = clopper_pearson(k, n)
        cap = "–" if not shorted else (f"{np.mean(shorted):.3f} ± {np.std(shorted, ddof=1):.3f}" if k > 1
                                       else f"{shorted[0]:.3f}")
        pen = " / ".join(f"{d:.1f}" for d in depths) or "–"
        span = f"{seeds[0]}–{seeds[-1]}" if seeds == list(range(seeds[0], seeds[-1] + 1)) else ", ".join(
            str(s) for s in seeds)
        lines.append(f"| {case} | {span} | {k} of {n} | {k / n:.2f} [{lo:.2f}, {hi:.2f}] | {cap} | {pen} |")
    return lines


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("csv", type=Path, nargs="+", help="results.csv of shorts_map and its seed sweeps")
    args = ap.parse_args(argv)
    print("\n".join(table(read_seeds(args.csv))))


if __name__ == "__main__":
    main()
