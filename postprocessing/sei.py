"""SEI growth and the lithium it consumes, against plated capacity (one line per case).

Left: mean SEI thickness ``sei_thickness_mean_nm``; right: lithium lost to SEI
``li_lost_to_sei_mAh_cm2`` and, for scale, its thickness equivalent (4.85 um per mAh/cm^2, the
Faraday thickness) on a second axis. Both come from each case's ``timeseries.csv``; a case whose
model has no SEI leaves the panel saying "not modelled in these outputs". Third panel: the SEI per
collector column at the end of the run (``interface.csv``: on the Li|SE interface, solid; on the bare
collector between islands, dotted), drawn along the collector because it is a per-column quantity
(the VTU frames repeat it over every cell of a column, which reads as if it filled the electrolyte).

    .venv/bin/python postprocessing/sei.py cases/cu_0p5mA_1mAh cases/li2te_cu_0p5mA_1mAh -o postprocessing/figures
"""
from __future__ import annotations

import sys
from pathlib import Path

try:
    from . import common as C
except ImportError:  # run as a script
    import common as C

NAME = "sei"
PANELS = (("sei_thickness_mean_nm", "mean SEI thickness (nm)", "SEI thickness"),
          ("li_lost_to_sei_mAh_cm2", "Li lost to SEI (mAh/cm$^2$)", "Lithium lost to SEI"))
PROFILE_COLUMNS = (("sei_thickness_nm", "-", "on Li"), ("collector_sei_thickness_nm", ":", "on bare collector"))


def profile_panel(ax, cases: list[C.CaseOutput], data: dict) -> None:
    """SEI thickness per collector column (last frame of interface.csv) against x."""
    from liplate.results import Result

    drawn = False
    for i, c in enumerate(cases):
        try:
            prof = Result(c.outdir).interface_at(-1)
        except (FileNotFoundError, IndexError):
            continue
        color = C.substrate_color(c.substrate, i)
        for col, ls, where in PROFILE_COLUMNS:
            if col in prof and prof[col].abs().sum() > 0:
                ax.plot(prof["x_um"], prof[col], ls, color=color, lw=1.5, drawstyle="steps-mid",
                        label=f"{c.label}, {where}")
                data["profiles"].append({"case": c.name, "column": col, "x_um": prof["x_um"].to_numpy(),
                                         "values": prof[col].to_numpy()})
                drawn = True
    ax.set(xlabel=C.label("x_um"), ylabel="SEI thickness (nm)", title="SEI along the collector (end of run)")
    if drawn:
        ax.set_ylim(bottom=0)
        C.legend_below(ax)
    else:
        C.note(ax, f"SEI per collector column (interface.csv)\n{C.NOT_MODELLED}")
        data["notes"].append(f"SEI along the collector: {C.NOT_MODELLED}")


def plot(case_dirs, outdir: Path, name: str = NAME, profiles=None) -> dict:
    """``profiles``: case directories whose SEI along the collector is drawn (default: all given cases)."""
    cases = C.load_cases(case_dirs)
    cases.sort(key=lambda c: (str(c.substrate), c.current_density_mA_cm2, c.value("capacity_mAh_cm2")))
    fig, axes = C.new_figure(ncols=3, width=4.6, height=4.8)
    data = {"series": [], "notes": [], "profiles": []}
    profile_panel(axes[0][2], cases if profiles is None else C.load_cases(profiles), data)
    for ax, (col, ylabel, title) in zip(axes[0][:2], PANELS, strict=True):
        drawn = False
        for i, c in enumerate(cases):
            q, y = c.column("capacity_mAh_cm2"), c.column(col)
            if q is None or y is None:
                continue
            drawn = True
            ax.plot(q, y, "-", color=C.substrate_color(c.substrate, i), lw=1.6,
                    label=c.label)          # the 1, 3 and 5 mAh/cm^2 runs of a case family share one entry
            data["series"].append({"case": c.name, "column": col, "capacity_mAh_cm2": q, "values": y})
        ax.set(xlabel="plated capacity (mAh/cm$^2$)", ylabel=ylabel, title=title)
        if drawn:
            C.legend_below(ax)
            ax.set_ylim(bottom=0)
        else:
            C.note(ax, f"{col}\n{C.NOT_MODELLED}")
            data["notes"].append(f"{col}: {C.NOT_MODELLED}")
        if drawn and col == "li_lost_to_sei_mAh_cm2":
            sec = ax.secondary_yaxis("right", functions=(lambda v: v * C.FARADAY_UM_PER_MAH_CM2,
                                                         lambda v: v / C.FARADAY_UM_PER_MAH_CM2))
            sec.set_ylabel("equivalent Li thickness (µm)")
    if not cases:
        data["notes"].append("no case outputs")
    C.save_figure(fig, outdir, name, data)
    return data


def main(argv=None) -> int:
    return C.case_script_main(plot, __doc__.splitlines()[0], argv)


if __name__ == "__main__":
    sys.exit(main())
