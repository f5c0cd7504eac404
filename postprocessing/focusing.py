"""Current focusing: local current density along the collector, Cu vs Li2Te-Cu.

Left: the normal current density j_n(x) at the collector in the last field frame, in mA/cm^2, with
each case's applied current density dashed; on a partially wetted collector (Cu) the current
crowds into the wetted islands, so j_n peaks above the applied value. Right: the focusing factor
max j_n / applied over the run (``focusing_factor_peak`` in ``timeseries.csv``).

    .venv/bin/python postprocessing/focusing.py cases/cu_0p5mA_1mAh cases/li2te_cu_0p5mA_1mAh -o postprocessing/figures

Source of j_n(x): ``output/interface.csv`` when the model writes one (columns ``x_um`` and a
``current_density_*`` column), else the y-component of ``current_density_A_m2`` in the row of
cells touching the collector (y = 0) of the last ``fields_NNNN.vtu``.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

try:
    from . import common as C
except ImportError:  # run as a script
    import common as C

NAME = "focusing"
_TO_MA_CM2 = {"_mA_cm2": 1.0, "_A_m2": 1.0 / C.A_M2_PER_MA_CM2, "_A_cm2": 1e3}


def collector_current(case: C.CaseOutput) -> tuple[np.ndarray, np.ndarray, str] | None:
    """(x in um, |j_n| in mA/cm^2, source description) along the collector, or None."""
    iface = C.read_csv_columns(case.outdir / "interface.csv")
    if iface and "x_um" in iface:
        for col in iface:
            if col.startswith("current_density") and "magnitude" not in col:
                unit = next((s for s in _TO_MA_CM2 if col.endswith(s)), None)
                if unit is None:
                    continue
                x, j = C.numeric(iface["x_um"]), C.numeric(iface[col])
                if "time_s" in iface:  # keep the last time only
                    t = C.numeric(iface["time_s"])
                    last = t == np.nanmax(t)
                    x, j = x[last], j[last]
                return x, np.abs(j) * _TO_MA_CM2[unit], f"interface.csv:{col}"
    mesh = case.last_frame()
    j = C.cell_field(mesh, "current_density_A_m2")
    row = C.collector_row(mesh)
    if j is None or row is None:
        return None
    idx, x = row
    jn = np.abs(j[idx, 1]) if j.ndim == 2 else np.abs(j[idx])
    return x, jn / C.A_M2_PER_MA_CM2, "fields (last frame): |current_density_A_m2[y]|, collector cell row"


def plot(case_dirs, outdir: Path, name: str = NAME) -> dict:
    cases = C.load_cases(case_dirs)
    cases.sort(key=lambda c: (c.substrate not in C.SUBSTRATE_ORDER, str(c.substrate), c.current_density_mA_cm2))
    fig, axes = C.new_figure(ncols=2, width=4.8, height=4.6)
    ax, axf = axes[0]
    data = {"series": [], "notes": []}
    styles = ["-", "--", ":", "-."]
    js = sorted({c.current_density_mA_cm2 for c in cases})
    any_profile = any_ff = False
    for i, c in enumerate(cases):
        col = C.substrate_color(c.substrate, i)
        ls = styles[js.index(c.current_density_mA_cm2) % len(styles)]
        prof = collector_current(c)
        entry = {"case": c.name, "substrate": c.substrate, "current_density_mA_cm2": c.current_density_mA_cm2}
        if prof is None:
            data["notes"].append(f"{c.name}: no current density field along the collector")
        else:
            x, jn, src = prof
            any_profile = True
            ax.plot(x, jn, ls, color=col, lw=1.6, drawstyle="steps-mid", label=c.label)
            japp = c.current_density_mA_cm2
            if np.isfinite(japp):
                ax.axhline(japp, color=col, ls=(0, (2, 3)), lw=0.8)
                ratio = float(np.nanmean(jn) / japp)
                entry["row_mean_over_applied"] = ratio
                if abs(ratio - 1) > 0.1:
                    data["notes"].append(f"{c.name}: collector row mean is {ratio:.2f} x the applied current density")
            entry.update({"x_um": x, "j_collector_mA_cm2": jn, "source": src})
        q, ff = c.column("capacity_mAh_cm2"), c.column("focusing_factor_peak")
        if q is not None and ff is not None:
            any_ff = True
            axf.plot(q, ff, ls, color=col, lw=1.6, label=c.label)
            entry.update({"capacity_mAh_cm2": q, "focusing_factor_peak": ff})
        data["series"].append(entry)
    ax.set(xlabel="x along the collector (µm)", ylabel="local current density (mA/cm$^2$)", ylim=(0, None),
           title="Current at the collector (last frame)")
    axf.set(xlabel="plated capacity (mAh/cm$^2$)", ylabel="peak current focusing (max j / applied)",
            title="Peak focusing over the run")
    if any_profile:
        C.legend_below(ax, title="dotted: applied current density")
    else:
        C.note(ax, "current density along the collector " + C.NOT_MODELLED)
    if any_ff:
        axf.axhline(1, color="k", lw=0.8, ls="--")
        C.legend_below(axf)
    else:
        C.note(axf, "focusing_factor_peak " + C.NOT_MODELLED)
    if not {c.substrate for c in cases} >= {"cu", "li2te_cu"}:
        missing = {"cu", "li2te_cu"} - {c.substrate for c in cases}
        data["notes"].append("no case outputs for " + ", ".join(sorted(missing)))
    for n in data["notes"]:
        print("note:", n)
    if data["notes"]:
        fig.suptitle("; ".join(data["notes"]), fontsize=7, color="0.35")
    C.save_figure(fig, outdir, name, data)
    return data


def main(argv=None) -> int:
    return C.case_script_main(plot, __doc__.splitlines()[0], argv)


if __name__ == "__main__":
    sys.exit(main())
