"""The short-circuit map: short / no short and the capacity at the short against the current density, both collectors.

Reads a sweep's ``results.csv`` (``cases/shorts_map/sweep.toml``: one row per case with its ``summary.json`` keys)
and draws, per collector, the model's outcome of each case (filled markers): × at the capacity where it shorted,
▲ at the capacity it reached without a short; beside them (open markers, the same shapes) what the cells did
[Wang2022] (liplate.plotting.SHORT_OBSERVATIONS, and continuous plating on Li2Te-Cu past 15 mAh/cm^2; BRIEF
§2). Cases that did not finish (pending, failed, ...) are listed in the figure's JSON sidecar, not drawn.
Capacity on a log axis (1 mAh/cm^2 runs and continuous plating to > 15 mAh/cm^2 on one panel).

    .venv/bin/python postprocessing/shorts_map.py cases/shorts_map/results.csv -o postprocessing/figures
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

try:
    from . import common as C
except ImportError:  # run as a script
    import common as C

NAME = "shorts_map"
#: the model's markers sit this factor left of the measured ones on the log current axis (so both are visible);
#: the second collector's model markers one more factor left (so the two collectors' "no short" do not overlap)
MODEL_OFFSET = 0.93
DONE = ("completed", "short_circuit")
#: BRIEF §2 [Wang2022]: continuous plating on Li2Te-Cu at 0.5 and 1 mA/cm^2 runs past 15 mAh/cm^2 without a short
#: (until the counter electrode is exhausted); (substrate, mA/cm^2, mAh/cm^2 reached)
CONTINUOUS_OBSERVATIONS = (("li2te_cu", 0.5, 15.0), ("li2te_cu", 1.0, 15.0))


def read_outcomes(csv_path: Path) -> tuple[list[dict], list[dict]]:
    """(finished cases, unfinished ones) of a results.csv: substrate, current density (mA/cm^2), shorted,
    capacity (mAh/cm^2: at the short, or reached without one), case name, status."""
    raw = C.read_csv_columns(Path(csv_path))
    if not raw:
        raise SystemExit(f"{csv_path}: missing or empty")
    need = ("substrate", "current_density_mA_cm2", "status", "short_capacity_mAh_cm2", "capacity_mAh_cm2")
    missing = [k for k in need if k not in raw]
    if missing:
        raise SystemExit(f"{csv_path}: no column(s) {', '.join(missing)}; is it a sweep's results.csv?")
    j = C.numeric(raw["current_density_mA_cm2"])
    q_short = C.numeric(raw["short_capacity_mAh_cm2"])
    q_end = C.numeric(raw["capacity_mAh_cm2"])
    done, other = [], []
    for i, status in enumerate(raw["status"]):
        row = {"case": raw.get("case", [""] * len(j))[i], "status": status, "substrate": raw["substrate"][i],
               "current_density_mA_cm2": j[i]}
        if status not in DONE or not np.isfinite(j[i]):
            other.append(row)
            continue
        shorted = status == "short_circuit" and np.isfinite(q_short[i])
        row.update(shorted=bool(shorted), capacity_mAh_cm2=float(q_short[i] if shorted else q_end[i]))
        done.append(row)
    return done, other


def plot(csv_path: Path, outdir: Path, name: str = NAME) -> dict:
    done, other = read_outcomes(csv_path)
    fig, axes = C.new_figure(width=6.0, height=4.4)
    ax = axes[0][0]
    data = {"csv": str(csv_path), "model_x_offset_factor": MODEL_OFFSET, "model": done, "not_drawn": other}
    seen = set()
    subs = sorted({r["substrate"] for r in done}, key=lambda s: (s not in C.SUBSTRATE_ORDER, s))
    for k, sub in enumerate(subs):
        for shorted, marker, what in ((True, "X", "short at"), (False, "^", "no short within")):
            rows = [r for r in done if r["substrate"] == sub and r["shorted"] == shorted]
            if not rows:
                continue
            x = np.array([r["current_density_mA_cm2"] for r in rows]) * MODEL_OFFSET ** (k + 1)
            y = np.array([r["capacity_mAh_cm2"] for r in rows])
            label = f"model, {C.substrate_label(sub)}: {what}"
            ax.plot(x, y, marker, ls="none", ms=8, color=C.substrate_color(sub),
                    label=None if label in seen else label)
            seen.add(label)
    data["measured"] = C.P.short_observations_panel(ax)
    for sub, j, q in CONTINUOUS_OBSERVATIONS:
        ax.plot([j], [q], "^", ls="none", ms=9, mfc="none", mew=1.6, color=C.substrate_color(sub))
        data["measured"].append({"substrate": sub, "current_density_mA_cm2": j, "capacity_mAh_cm2": q,
                                 "outcome": "no short within (continuous plating)"})
    if not done:
        C.note(ax, "no finished case in this results.csv")
    ax.set_xscale("log")
    ax.set_yscale("log")
    xs = sorted({r["current_density_mA_cm2"] for r in done} | {m["current_density_mA_cm2"] for m in data["measured"]})
    if xs:
        from matplotlib.ticker import NullFormatter
        ax.set_xticks(xs, [f"{v:g}" for v in xs])
        ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set(xlabel="applied current density (mA/cm$^2$)",
           ylabel="plated capacity at the short, or reached without one (mAh/cm$^2$)")
    ax.set_title("short circuits: model (filled) and cells [Wang2022] (open)", fontsize=9)
    if ax.get_legend_handles_labels()[0]:
        C.legend_below(ax)
    C.save_figure(fig, outdir, name, data)
    return data


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("csv", type=Path, help="results.csv of the short-circuit sweep (cases/shorts_map)")
    C.out_dir_arg(p)
    a = p.parse_args(argv)
    plot(a.csv, a.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
