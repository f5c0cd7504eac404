"""Which focusing estimator converges in the interface length: the table of docs/phasefield.md, "Mesh convergence"
(interface length).

The summary's ``focusing_factor_peak`` is the largest Butler-Volmer current density of any single cell of the
resolved diffuse interface (0.05 < xi < 0.95) over the applied one; ``focusing_factor_peak_all`` (timeseries.csv)
the largest over the resolved interface and the free surface of the sub-grid nuclei and film. Which Li is resolved
depends on the interface length: a nucleus enters xi once the ridge it becomes is [phasefield] resolve_height
(3) interface lengths high. Column estimators are read from the frames of ``interface.csv`` (one row per collector
column):

- ``interface mean``: the column's interface-weighted mean current density (``current_density_A_m2``, weights
  |grad xi| dV across the diffuse interface): the sharp-interface current density the diffuse band stands for, and
  the current the filament model reads at a flaw (``models/phasefield/filament.py``);
- ``interface mean or sub-grid``: the larger of that and the current density on the free surface of the column's
  sub-grid Li (``subgrid_current_density_A_m2``);
- ``deposition``: the column's total deposition current per collector area (``deposition_current_density_A_m2``):
  how fast the Li over that point of the collector grows (read on ℓ at a moving island side: not a focusing).

For each estimator, the peak over the columns at every frame over the applied current density, then the seed mean per
setting and the change of each setting from the first (the reference) over the seeds both hold, with the 95 %
interval of a paired bootstrap (``mesh_seeds.paired_change``). Settings are told apart by cells_x, cells_y and the
interface length (``mesh_seeds.read_runs``); the first setting found is the reference unless ``--reference`` names one.

    .venv/bin/python postprocessing/focusing_estimators.py --production 600 56 1 60 cases/interface_seeds/runs \
        --reference "2x in x and y" \
        --sequence "2x in x and y" "2x in x and y, interface 0.707 um" "2x in x and y, interface 0.5 um"

(``--production 600 56 1 60``: labels relative to the former base, as the study was documented; without it they are
relative to the shipped case, 1200 x 88 cells at 0.5 um: "1.27273x in y, interface 1 um" ...)
"""
from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

import numpy as np

from liplate.units import C_M2_PER_MAH_CM2

sys.path.insert(0, str(Path(__file__).resolve().parent))
from mesh_seeds import paired_change, pooled_width, read_runs, shipped_production  # noqa: E402

#: estimator -> (source, column): "ts" a timeseries.csv column at the frame's capacity, "col" the peak over the
#: collector columns of an interface.csv column (a tuple: the larger of them per column)
ESTIMATORS = {"cell max, resolved Li (summary)": ("ts", "focusing_factor_peak"),
              "all Li, resolved and sub-grid": ("ts", "focusing_factor_peak_all"),
              "interface mean": ("col", ("current_density_A_m2",)),
              "interface mean or sub-grid": ("col", ("current_density_A_m2", "subgrid_current_density_A_m2")),
              "deposition": ("col", ("deposition_current_density_A_m2",))}


def read_rows(path: Path) -> list[dict]:
    """The rows of a CSV file as dicts of strings."""
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh))


def column_peaks(interface: Path | list[dict], columns: tuple[str, ...], applied: float) -> dict[int, float]:
    """Peak over the collector columns of the largest of ``columns`` / applied, per frame of an interface.csv (its
    path or its rows; {frame: peak}); nan where the file has not all of them (runs before the column was written)."""
    peaks: dict[int, float] = {}
    for r in read_rows(interface) if isinstance(interface, Path) else interface:
        f = int(r["frame"])
        if any(r.get(c) in (None, "") for c in columns):
            peaks[f] = float("nan")
            continue
        peaks[f] = max(peaks.get(f, -np.inf), max(float(r[c]) for c in columns) / applied)
    return peaks


def frame_capacities(interface_rows: list[dict], applied: float) -> dict[int, float]:
    """Passed capacity (mAh/cm^2) of each frame of interface.csv's rows: applied current x the frame's time."""
    return {int(r["frame"]): applied * float(r["time_s"]) / C_M2_PER_MAH_CM2 for r in interface_rows}


def timeseries_value(timeseries_rows: list[dict], key: str, capacity: float) -> float:
    """``key`` at the last time-series row at or before ``capacity`` (passed, mAh/cm^2); nan if none has it."""
    best = float("nan")
    for r in timeseries_rows:
        if float(r["passed_capacity_mAh_cm2"]) <= capacity + 1e-9 and r.get(key) not in (None, "", "nan"):
            best = float(r[key])
    return best


def read(runs_dir: Path, applied: float, production=None) -> list[dict]:
    """The runs of ``runs_dir`` with their estimators per frame; settings labelled relative to ``production``
    (cells_x, cells_y, interface length in um, dt_max in s; default the shipped cu_0p5mA_1mAh's)."""
    out = []
    for r in read_runs(runs_dir, shipped_production() if production is None else production):
        out_dir = Path(runs_dir) / r["run"] / "output"
        interface, timeseries = read_rows(out_dir / "interface.csv"), read_rows(out_dir / "timeseries.csv")
        caps = frame_capacities(interface, applied)
        frames = sorted(f for f in caps if f > 0)
        r["capacities"] = np.array([round(caps[f], 2) for f in frames])
        r["peaks"] = {}
        for name, (source, key) in ESTIMATORS.items():
            if source == "ts":
                r["peaks"][name] = np.array([timeseries_value(timeseries, key, caps[f]) for f in frames])
            else:
                p = column_peaks(interface, key, applied)
                r["peaks"][name] = np.array([p[f] for f in frames])
        out.append(r)
    return out


def richardson(coarse: float, medium: float, fine: float, ratio: float) -> tuple[float, float]:
    """Observed order p and the extrapolated limit of three values on a geometric sequence of a numerical length
    (coarse / medium = medium / fine = ``ratio``): p = ln((f_c - f_m) / (f_m - f_f)) / ln(ratio),
    f_0 = f_f - (f_m - f_f) / (ratio^p - 1). nan where the differences change sign (no monotone convergence)."""
    d1, d2 = coarse - medium, medium - fine
    if d1 == 0 or d2 == 0 or np.sign(d1) != np.sign(d2) or abs(d2) >= abs(d1):
        return float("nan"), float("nan")
    p = float(np.log(d1 / d2) / np.log(ratio))
    return p, float(fine - d2 / (ratio**p - 1.0))


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("runs", nargs="+", help="the sweeps' runs directories; DIR=LABEL puts all runs of DIR under "
                    "LABEL (settings the case files do not tell apart, e.g. a patched module constant)")
    ap.add_argument("--applied", type=float, default=5.0, help="applied current density, A/m^2 (default 5 = 0.5 "
                    "mA/cm^2, cu_0p5mA_1mAh)")
    ap.add_argument("--reference", default=None, help="the reference setting's label (default: the first found)")
    ap.add_argument("--sequence", nargs=3, metavar="LABEL", default=None,
                    help="three settings whose interface lengths fall by --ratio each (coarse, medium, fine): the "
                    "observed order and the extrapolated zero-length limit of each seed-mean focusing estimator "
                    "and of the summary's island metrics")
    ap.add_argument("--ratio", type=float, default=2**0.5, help="ratio of successive interface lengths")
    ap.add_argument("--production", type=float, nargs=4, default=None,
                    metavar=("CELLS_X", "CELLS_Y", "ELL_UM", "DT_MAX_S"),
                    help="the setting the labels are relative to (as postprocessing/mesh_seeds.py; default: the "
                         "shipped cu_0p5mA_1mAh's; the studies of the former base: 600 56 1 60)")
    args = ap.parse_args(argv)
    production = None if args.production is None else \
        (int(args.production[0]), int(args.production[1]), *args.production[2:])
    runs = []
    for arg in args.runs:
        path, _, label = str(arg).partition("=")
        for r in read(Path(path), args.applied, production):
            r["mesh"] = label or r["mesh"]
            runs.append(r)
    if not runs:
        raise SystemExit(f"{args.runs}: no completed runs")
    settings: dict[str, list[dict]] = {}
    for r in runs:
        settings.setdefault(r["mesh"], []).append(r)
    ref_name = args.reference or next(iter(settings))
    if ref_name not in settings:
        raise SystemExit(f"--reference {ref_name!r}: not among the settings {sorted(settings)}")
    reference = settings[ref_name]
    caps = reference[0]["capacities"]
    n = min(len(r["capacities"]) for r in runs)
    header = "| estimator | setting | seeds | " + " | ".join(f"{q:g}" for q in caps[:n]) + " |"
    print("Seed-mean peak focusing per frame (passed capacity, mAh/cm^2):\n")
    print(header)
    print("|---|---|---|" + "---|" * n)
    for est in ESTIMATORS:
        for name, sel in settings.items():
            mean = np.mean([r["peaks"][est][:n] for r in sel], axis=0)
            print(f"| {est} | {name} | {len(sel)} | " + " | ".join(f"{v:.2f}" for v in mean) + " |")
    print(f"\nChange from {ref_name!r}, % [95 % interval, paired bootstrap over seeds]:\n")
    print(header)
    print("|---|---|---|" + "---|" * n)
    for est in ESTIMATORS:
        for name, sel in settings.items():
            if name == ref_name:
                continue
            cells, k = [], 0
            for i in range(n):
                change, low, high, k = paired_change(
                    reference, sel, lambda rs, i=i, est=est: float(np.mean([r["peaks"][est][i] for r in rs])))
                cells.append(f"{100 * change:+.0f} [{100 * low:+.0f}, {100 * high:+.0f}]")
            print(f"| {est} | {name} | {k} | " + " | ".join(cells) + " |")
    if args.sequence:
        missing = [lab for lab in args.sequence if lab not in settings]
        if missing:
            raise SystemExit(f"--sequence {missing}: not among the settings {sorted(settings)}")
        seq = [settings[lab] for lab in args.sequence]
        print(f"\nZero-interface-length limit from {args.sequence} (ratio {args.ratio:.3f}): seed means, observed "
              "order p and limit f_0 (Richardson; nan: not monotone):\n")
        print("| quantity | " + " | ".join(args.sequence) + " | p | f_0 | f_0 / first - 1 |")
        print("|---|" + "---|" * (len(args.sequence) + 3))
        rows = [(f"{est} at {caps[i]:g} mAh/cm^2", [float(np.mean([r["peaks"][est][i] for r in sel])) for sel in seq])
                for est in ("all Li, resolved and sub-grid",) for i in range(n)]
        rows += [(key, [float(np.mean([r[key] for r in sel])) for sel in seq])
                 for key in ("wetted_fraction", "island_width_mean_um", "focusing_factor_peak")]
        rows += [("pooled island width (um)", [pooled_width(sel) for sel in seq])]
        for label, (c, m, f) in rows:
            p, f0 = richardson(c, m, f, args.ratio)
            print(f"| {label} | {c:.3f} | {m:.3f} | {f:.3f} | {p:.2f} | {f0:.3f} | {100 * (f0 / c - 1):+.0f} % |")


if __name__ == "__main__":
    main()
