"""SEI growth and the lithium it consumes, against plated capacity (one line per case).

Left: mean SEI thickness ``sei_thickness_mean_nm``; right: lithium lost to SEI
``li_lost_to_sei_mAh_cm2`` and, for scale, its thickness equivalent (4.85 um per mAh/cm^2, the
Faraday thickness, BRIEF §2) on a second axis. Both come from each case's ``timeseries.csv``;
a case whose model has no SEI leaves the panel saying "not modelled in these outputs".

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


def plot(case_dirs, outdir: Path, name: str = NAME) -> dict:
    cases = C.load_cases(case_dirs)
    cases.sort(key=lambda c: (str(c.substrate), c.current_density_mA_cm2, c.value("capacity_mAh_cm2")))
    fig, axes = C.new_figure(ncols=2, width=4.8)
    data = {"series": [], "notes": []}
    for ax, (col, ylabel, title) in zip(axes[0], PANELS, strict=True):
        drawn = False
        for i, c in enumerate(cases):
            q, y = c.column("capacity_mAh_cm2"), c.column(col)
            if q is None or y is None:
                continue
            drawn = True
            ax.plot(q, y, "-", color=C.substrate_color(c.substrate, i), lw=1.6,
                    label=f"{c.label}, {c.value('capacity_mAh_cm2'):g} mAh/cm$^2$")
            data["series"].append({"case": c.name, "column": col, "capacity_mAh_cm2": q, "values": y})
        ax.set(xlabel="plated capacity (mAh/cm$^2$)", ylabel=ylabel, title=title)
        if drawn:
            ax.legend(loc="upper left")
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
