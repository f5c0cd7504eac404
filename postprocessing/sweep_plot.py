"""One metric of a sweep against one parameter, one line per group (by default per substrate).

Reads any CSV with a header, typically a sweep's ``results.csv`` (one row per case: its swept
parameters plus every ``summary.json`` key). Blank / null cells are skipped; a metric with no
values at all gives a panel that says it is not modelled.

    .venv/bin/python postprocessing/sweep_plot.py sweeps_out/current/results.csv \\
        --x current_density_mA_cm2 --y short_capacity_mAh_cm2 --y cell_voltage_final_V --group substrate --logx

``--where key=value`` keeps only matching rows (repeatable), e.g. ``--where capacity_mAh_cm2=1``.
Capacity at the short against current density also shows the measured shorts and no-shorts
(``liplate.plotting.SHORT_OBSERVATIONS``).
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


def _matches(raw: dict[str, list[str]], i: int, where: list[str]) -> bool:
    for w in where:
        k, _, v = w.partition("=")
        cell = raw[k][i]
        try:
            if not np.isclose(float(cell), float(v)):
                return False
        except ValueError:
            if cell.strip() != v.strip():
                return False
    return True


def plot(csv_path: Path, x: str, ys: list[str], outdir: Path, group: str | None = "substrate",
         where: list[str] = (), logx: bool = False, logy: bool = False, name: str | None = None) -> dict:
    raw = C.read_csv_columns(Path(csv_path))
    if not raw:
        raise SystemExit(f"{csv_path}: missing or empty")
    cols = list(raw)
    for k in [x, *ys, *[w.partition("=")[0] for w in where]]:
        if k not in raw:
            raise SystemExit(f"{csv_path}: no column {k!r}; columns are: {', '.join(cols)}")
    if group and group not in raw:
        print(f"note: no column {group!r} to group by; one line for all rows")
        group = None
    n = len(raw[x])
    keep = [i for i in range(n) if _matches(raw, i, list(where))]
    groups = sorted({raw[group][i] for i in keep}, key=lambda g: (g not in C.SUBSTRATE_ORDER, g)) if group else [None]
    xnum = C.numeric([raw[x][i] for i in range(n)])
    categorical = not np.all(np.isfinite(xnum[keep])) if keep else False
    cats = list(dict.fromkeys(raw[x][i] for i in keep)) if categorical else []

    fig, axes = C.new_figure(ncols=len(ys), width=4.8)
    name = name or f"sweep_{ys[0] if len(ys) == 1 else '_'.join(ys)}_vs_{x}"
    data = {"csv": str(csv_path), "x": x, "y": ys, "group": group, "where": list(where), "series": [], "notes": []}
    for ax, y in zip(axes[0], ys, strict=True):
        ynum = C.numeric(raw[y])
        drawn = False
        for gi, g in enumerate(groups):
            rows = [i for i in keep if group is None or raw[group][i] == g]
            xv = np.array([cats.index(raw[x][i]) for i in rows], float) if categorical else xnum[rows]
            yv = ynum[rows]
            ok = np.isfinite(xv) & np.isfinite(yv)
            order = np.argsort(xv[ok], kind="stable")
            xs, ysel = xv[ok][order], yv[ok][order]
            data["series"].append({"y": y, "group": g, "x_values": xs, "y_values": ysel,
                                   "x_labels": [cats[int(v)] for v in xs] if categorical else None})
            if xs.size == 0:
                continue
            drawn = True
            lbl = f"model, {C.substrate_label(g)}" if group == "substrate" else (f"{group} = {g}" if group else None)
            ax.plot(xs, ysel, "o-", color=C.substrate_color(g, gi) if group == "substrate" else f"C{gi}", label=lbl)
        if y == "short_capacity_mAh_cm2" and x == "current_density_mA_cm2":
            subs = set(groups) & set(C.SUBSTRATE_ORDER) if group == "substrate" else None
            data["measured"] = C.P.short_observations_panel(ax, subs or None)
        if not drawn:
            C.note(ax, f"{y}: {C.NOT_MODELLED}")
            data["notes"].append(f"{y}: no values")
        if ax.get_legend_handles_labels()[0]:
            C.legend_below(ax)
        if categorical:
            ax.set_xticks(range(len(cats)), cats, rotation=30, ha="right")
        if logx and not categorical:
            ax.set_xscale("log")
            xs_all = np.unique(xnum[keep][np.isfinite(xnum[keep])])
            if 0 < xs_all.size <= 12:      # label the swept values themselves, not 3 x 10^0 minor ticks
                from matplotlib.ticker import NullFormatter
                ax.set_xticks(xs_all, [f"{v:g}" for v in xs_all])
                ax.xaxis.set_minor_formatter(NullFormatter())
        if logy and drawn:
            ax.set_yscale("log")
        ax.set(xlabel=C.label(x), ylabel=C.label(y))
    if where:
        fig.suptitle(", ".join(where), fontsize=9)
    C.save_figure(fig, outdir, name, data)
    return data


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("csv", type=Path, help="results.csv of a sweep (or any CSV with a header)")
    p.add_argument("--x", required=True, help="column for the horizontal axis (a swept parameter)")
    p.add_argument("--y", required=True, action="append", help="column to plot (repeat for more panels)")
    p.add_argument("--group", default="substrate", help="one line per value of this column ('' for none)")
    p.add_argument("--where", action="append", default=[], metavar="KEY=VALUE", help="keep only matching rows")
    p.add_argument("--logx", action="store_true")
    p.add_argument("--logy", action="store_true")
    p.add_argument("--name", help="file stem of the figure (default sweep_<y>_vs_<x>)")
    C.out_dir_arg(p)
    a = p.parse_args(argv)
    plot(a.csv, a.x, a.y, a.out, group=a.group or None, where=a.where, logx=a.logx, logy=a.logy, name=a.name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
