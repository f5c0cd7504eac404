"""Mesh and time-step convergence of the Cu islands over seeds: the tables of docs/phasefield.md, "Mesh convergence
over seeds" and "Time step over seeds".

Reads the runs of ``cases/mesh_seeds/sweep.toml`` (cu_0p5mA_1mAh on the production mesh, 2x in x, 2x in y, 2x in
both, and 2x in both with the interface length halved, each for seeds 0, 1, 2) and, if given, of
``cases/time_step_seeds/sweep.toml`` (the production mesh with dt_max / 2 and / 4) and prints, per run, the summary's
wetted fraction, island count and mean width and peak focusing, with the widths of the islands and of the gaps
between them at the last frame (``interface.csv`` ``wetted``, read through liplate.metrics.runs_periodic as the
summary's island count is); then per setting the seeds it holds, the seed means and the pooled island width
(wetted length of all windows / their island count); the change of each setting from the production mesh over the
seeds both hold, with a 95 % interval from a paired bootstrap over seeds (a seed draws the same nucleation variates
on every mesh and step); last, the seed-mean wetted fraction and peak focusing along the run (``timeseries.csv``, at
0.1 ... 1 mAh/cm^2), the spreading, not only its end, and their paired changes.

Any number of runs directories (the sweeps' seeds are pooled per setting):

    .venv/bin/python postprocessing/mesh_seeds.py cases/mesh_xy_seeds/runs

A setting is named by its change from the production setting (cells, interface length, dt_max of the shipped
cu_0p5mA_1mAh): "2x in x", "2x in y", ", interface 0.707 um", "dt_max / 2"; "L W 0.25 1/s" for another Allen-Cahn
relaxation rate (cases/relaxation_seeds). The studies run around the former base (interface length 1 um on
600 x 56 cells, until 2026-12-04: cases/mesh_seeds, mesh_seeds_more, time_step_seeds, ...)
read with ``--production 600 56 1 60``:

    .venv/bin/python postprocessing/mesh_seeds.py --production 600 56 1 60 cases/mesh_seeds/runs \
        cases/time_step_seeds/runs cases/mesh_seeds_more/runs cases/time_step_seeds_more/runs
"""
from __future__ import annotations

import argparse
import csv
import functools
import json
from pathlib import Path

import numpy as np

from liplate.metrics import runs_periodic

#: the case whose setting the labels are relative to; ``--production 600 56 1 60`` labels the studies run around
#: the former base (interface length 1 um on 600 x 56 cells, until 2026-12-04)
PRODUCTION_CASE = Path(__file__).resolve().parents[1] / "cases" / "cu_0p5mA_1mAh"
KEYS = ("wetted_fraction", "island_count", "island_width_mean_um", "focusing_factor_peak")
BOOTSTRAP_SAMPLES = 4000       # resamples of the seeds for the 95 % intervals
BOOTSTRAP_SEED = 20261203      # the intervals' own random stream (reproducible tables)


@functools.cache
def _production_sections() -> dict:
    """PRODUCTION_CASE's resolved sections, read once."""
    from liplate.api import load_case

    return load_case(PRODUCTION_CASE).sections


def shipped_production() -> tuple:
    """(cells_x, cells_y, interface length in um, dt_max in s) of PRODUCTION_CASE, as read_runs keys a run."""
    s = _production_sections()
    return (int(s["domain"]["cells_x"]), int(s["domain"]["cells_y"]),
            round(float(s["phasefield"]["interface_length"]) * 1e6, 3), float(s["numerics"]["dt_max"]))


def shipped_relaxation_rate() -> float:
    """The Allen-Cahn relaxation rate L W (1/s) of PRODUCTION_CASE (the same on the former base)."""
    return float(_production_sections()["phasefield"]["relaxation_rate"])


def setting_label(key, production) -> str:
    """A run's setting named by its change from ``production``: "production", "2x in x", "2x in y", "2x in x
    and y" (else the cells), then ", interface <l> um" and "dt_max / <n>" where those differ."""
    cells_x, cells_y, ell_um, dt_max = key
    rx, ry = cells_x / production[0], cells_y / production[1]
    if rx == 1 and ry == 1:
        label = "production"
    elif ry == 1:
        label = f"{rx:g}x in x"
    elif rx == 1:
        label = f"{ry:g}x in y"
    elif rx == ry:
        label = f"{rx:g}x in x and y"
    else:
        label = f"{cells_x} x {cells_y} cells"
    if ell_um != production[2]:
        label += f", interface {ell_um:g} um"
    if dt_max != production[3] and dt_max > 0:
        step = f"dt_max / {production[3] / dt_max:g}"
        label = step if label == "production" else f"{label}, {step}"
    return label


def setting_order(label: str) -> tuple:
    """Production first, then the other settings by name."""
    return (label != "production", label)


def seed_mean(runs: list[dict], key: str) -> float:
    """The mean of a summary key over runs (one per seed)."""
    return float(np.mean([r[key] for r in runs]))


def seed_ranges(seeds: list[int]) -> list[str]:
    """Sorted seeds as ranges: [0, 1, 2, 5] -> ['0-2', '5']."""
    spans: list[list[int]] = []
    for s in seeds:
        if spans and spans[-1][1] == s - 1:
            spans[-1][1] = s
        else:
            spans.append([s, s])
    return [f"{a}-{b}" if b > a else str(a) for a, b in spans]


def pooled_width(runs: list[dict]) -> float:
    """Wetted length of all windows / their island count, in um: the mean width of an island drawn from the pool."""
    n = sum(len(r["islands_um"]) for r in runs)
    return float(sum(r["islands_um"].sum() for r in runs)) / max(n, 1)


STATISTICS = {"wetted": lambda rs: seed_mean(rs, "wetted_fraction"),
              "focusing": lambda rs: seed_mean(rs, "focusing_factor_peak"),
              "mean width": lambda rs: seed_mean(rs, "island_width_mean_um"),
              "pooled width": pooled_width}


def trajectory_mean(key: str, i: int):
    """The statistic 'seed mean of a trajectory key at CAPACITIES[i]' for paired_change."""
    return lambda runs: float(np.mean([r[key][i] for r in runs]))


def paired_change(ref: list[dict], runs: list[dict], statistic, samples: int = BOOTSTRAP_SAMPLES,
                  rng_seed: int = BOOTSTRAP_SEED) -> tuple[float, float, float, int]:
    """Relative change statistic(runs) / statistic(ref) - 1 over the seeds both hold, and its 95 % interval from a
    paired bootstrap: the seeds are resampled with replacement and the same draw is taken on both settings (a seed
    draws the same flaws and nucleation variates on every mesh, so the pairing removes the seed-to-seed spread the
    two settings share). Returns (change, low, high, number of paired seeds); nan for fewer than two."""
    by_ref = {r["seed"]: r for r in ref}
    seeds = sorted(s for s in {r["seed"] for r in runs} if s in by_ref)
    if len(seeds) < 2:
        return float("nan"), float("nan"), float("nan"), len(seeds)
    by_run = {r["seed"]: r for r in runs}
    a = [by_ref[s] for s in seeds]
    b = [by_run[s] for s in seeds]
    change = statistic(b) / statistic(a) - 1.0
    rng = np.random.default_rng(rng_seed)
    draws = rng.integers(0, len(seeds), size=(samples, len(seeds)))
    boot = np.array([statistic([b[i] for i in d]) / statistic([a[i] for i in d]) - 1.0 for d in draws])
    low, high = np.percentile(boot, [2.5, 97.5])
    return float(change), float(low), float(high), len(seeds)


def last_frame_runs(interface_csv: Path) -> tuple[np.ndarray, np.ndarray]:
    """(island widths, gap widths) in um along the collector at the last frame of an interface.csv."""
    with open(interface_csv, newline="") as fh:
        rows = list(csv.DictReader(fh))
    last = max(int(r["frame"]) for r in rows)
    rows = [r for r in rows if int(r["frame"]) == last]
    x = np.array([float(r["x_um"]) for r in rows])
    wet = np.array([float(r["wetted"]) for r in rows]) > 0.5
    dx = float(x[1] - x[0])
    return runs_periodic(wet) * dx, runs_periodic(~wet) * dx


CAPACITIES = np.round(np.arange(0.1, 1.01, 0.1), 2)      # mAh/cm^2


def trajectory(timeseries_csv: Path, key: str) -> np.ndarray:
    """``key`` of a timeseries.csv at CAPACITIES (the last row at or before each capacity; nan before the first)."""
    with open(timeseries_csv, newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r.get(key) not in (None, "")]
    q = np.array([float(r["capacity_mAh_cm2"]) for r in rows])
    v = np.array([float(r[key]) for r in rows])
    idx = np.searchsorted(q, CAPACITIES + 1e-9, side="right") - 1
    return np.where(idx >= 0, v[np.clip(idx, 0, None)], np.nan)


def read_runs(runs_dir: Path, production) -> list[dict]:
    out = []
    for d in sorted(Path(runs_dir).iterdir()):
        summary = d / "output" / "summary.json"
        if not summary.is_file():
            continue
        s = json.loads(summary.read_text())
        case = json.loads((d / "output" / "case_resolved.json").read_text()) \
            if (d / "output" / "case_resolved.json").is_file() else {}
        sections = case.get("sections", {})
        dom, pf, num = sections.get("domain", {}), sections.get("phasefield", {}), sections.get("numerics", {})
        ell_um = round(float(pf.get("interface_length", 0.0)) * 1e6, 3)
        key = (int(dom.get("cells_x", 0)), int(dom.get("cells_y", 0)), ell_um, float(num.get("dt_max", 0.0)))
        islands, gaps = last_frame_runs(d / "output" / "interface.csv")
        ts = d / "output" / "timeseries.csv"
        label = setting_label(key, production)
        handoff = float(pf.get("resolve_height", 3.0))         # [phasefield] resolve_height, shipped 3
        if handoff != 3.0:
            label += f", hand-off {handoff:g} interface lengths"
        rate = pf.get("relaxation_rate")                       # [phasefield] relaxation_rate (L W), in 1/s
        if rate is not None and float(rate) != shipped_relaxation_rate():
            lw = f"L W {float(rate):g} 1/s"
            label = lw if label == "production" else f"{label}, {lw}"
        out.append({"run": d.name, "mesh": label, "seed": s["provenance"]["seed"],
                    **{k: s[k] for k in KEYS}, "islands_um": islands, "gaps_um": gaps,
                    "wetted_t": trajectory(ts, "wetted_fraction"),
                    "focusing_t": trajectory(ts, "focusing_factor_peak")})
    return out


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("runs", type=Path, nargs="+", help="the sweeps' runs directories")
    ap.add_argument("--production", type=float, nargs=4, default=None,
                    metavar=("CELLS_X", "CELLS_Y", "ELL_UM", "DT_MAX_S"),
                    help="the setting the labels and changes are relative to (default: the shipped "
                         "cu_0p5mA_1mAh's; the studies of the former base: 600 56 1 60)")
    args = ap.parse_args(argv)
    production = shipped_production() if args.production is None else \
        (int(args.production[0]), int(args.production[1]), *args.production[2:])
    runs = [r for d in args.runs for r in read_runs(d, production)]
    if not runs:
        raise SystemExit(f"{args.runs}: no completed runs")
    print("| mesh | seed | wetted | islands | mean width (um) | peak focusing | islands (um) | gaps (um) |")
    print("|---|---|---|---|---|---|---|---|")
    for r in sorted(runs, key=lambda r: (setting_order(r["mesh"]), r["seed"])):
        print(f"| {r['mesh']} | {r['seed']} | {r['wetted_fraction']:.3f} | {r['island_count']} | "
              f"{r['island_width_mean_um']:.0f} | {r['focusing_factor_peak']:.3f} | "
              f"{' '.join(f'{w:.0f}' for w in r['islands_um'])} | {' '.join(f'{g:.0f}' for g in r['gaps_um'])} |")
    print()
    # production first, then every other setting found (a refinement, a step, a hand-off height)
    labels = sorted({r["mesh"] for r in runs}, key=setting_order)
    by_setting = {m: sel for m in labels if (sel := [r for r in runs if r["mesh"] == m])}
    print("| mesh | seeds | wetted (mean) | peak focusing (mean) | islands (total) | mean width (mean, um) |"
          " pooled width (um) |")
    print("|---|---|---|---|---|---|---|")
    for mesh, sel in by_setting.items():
        seeds = ",".join(str(s) for s in seed_ranges(sorted(r["seed"] for r in sel)))
        print(f"| {mesh} | {seeds} | {seed_mean(sel, 'wetted_fraction'):.3f} | "
              f"{seed_mean(sel, 'focusing_factor_peak'):.3f} | {sum(len(r['islands_um']) for r in sel)} | "
              f"{seed_mean(sel, 'island_width_mean_um'):.0f} | {pooled_width(sel):.0f} |")
    reference = by_setting.get("production", [])
    others = {m: sel for m, sel in by_setting.items() if m != "production"}
    if reference:
        print("\nchange from the production mesh over the seeds both hold, with its 95 % interval (paired bootstrap"
              " over seeds):\n")
        print("| mesh | paired seeds | " + " | ".join(STATISTICS) + " |")
        print("|---|---|" + "---|" * len(STATISTICS))
        for mesh, sel in others.items():
            cells, n = [], 0
            for statistic in STATISTICS.values():
                change, low, high, n = paired_change(reference, sel, statistic)
                cells.append(f"{100 * change:+.1f} % [{100 * low:+.0f}, {100 * high:+.0f}]")
            print(f"| {mesh} | {n} | " + " | ".join(cells) + " |")
    for key, what in (("wetted_t", "wetted fraction"), ("focusing_t", "peak focusing")):
        print(f"\nseed-mean {what} along the run (mAh/cm^2):\n")
        print("| mesh | seeds | " + " | ".join(f"{q:g}" for q in CAPACITIES) + " |")
        print("|---|---|" + "---|" * len(CAPACITIES))
        for mesh, sel in by_setting.items():
            mean = np.mean([r[key] for r in sel], axis=0)
            print(f"| {mesh} | {len(sel)} | " + " | ".join(f"{v:.3f}" for v in mean) + " |")
        if not reference:
            continue
        print(f"\nchange of the seed-mean {what} from the production mesh over the seeds both hold, "
              "% [95 % interval, paired bootstrap]:\n")
        print("| mesh | " + " | ".join(f"{q:g}" for q in CAPACITIES) + " |")
        print("|---|" + "---|" * len(CAPACITIES))
        for mesh, sel in others.items():
            cells = []
            for i in range(len(CAPACITIES)):
                change, low, high, _ = paired_change(reference, sel, trajectory_mean(key, i))
                cells.append("nan" if np.isnan(change) else
                             f"{100 * change:+.0f} [{100 * low:+.0f}, {100 * high:+.0f}]")
            print(f"| {mesh} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
