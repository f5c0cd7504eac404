"""Cell voltage against plated capacity, one panel per collector (Cu, Li2Te-Cu), one line per current density.

The nucleation peak is the most negative voltage of the early transient before the plating
plateau; it is marked on each curve (▼), with the depth ``nucleation_overpotential_mV`` from
``summary.json`` when the model computes it (null today for the sharp-interface model).

    .venv/bin/python postprocessing/voltage_vs_capacity.py cases/cu_* cases/li2te_cu_* -o postprocessing/figures

Curves are ``voltage_V`` against ``capacity_mAh_cm2`` from each ``timeseries.csv``. The Li2Te-Cu panel also
shows the measured first-plating voltage at 0.5 mA/cm^2 (18 mV, the cell-voltage magnitude at its peak at the
start of plating; ☆ at zero capacity), ``liplate.plotting.FIRST_PLATING_VOLTAGE``.
"""
from __future__ import annotations

import sys
from pathlib import Path

import matplotlib as mpl
import numpy as np

try:
    from . import common as C
except ImportError:  # run as a script
    import common as C

NAME = "voltage_vs_capacity"


def nucleation_peak(q: np.ndarray, v: np.ndarray, min_depth_V: float = 0.5e-3) -> tuple[float, float] | None:
    """(capacity, voltage) of the most negative voltage if the curve recovers from it by at least
    ``min_depth_V`` afterwards (a dip, not a monotone or flat curve); otherwise None."""
    ok = np.isfinite(q) & np.isfinite(v)
    if not ok.any():
        return None
    i = int(np.argmin(np.where(ok, v, np.inf)))
    after = v[i:][np.isfinite(v[i:])]
    if after.max() - v[i] < min_depth_V:
        return None
    return float(q[i]), float(v[i])


def plot(case_dirs, outdir: Path, name: str = NAME) -> dict:
    cases = C.load_cases(case_dirs)
    substrates = list(C.SUBSTRATE_ORDER) + sorted({str(c.substrate) for c in cases} - set(C.SUBSTRATE_ORDER))
    substrates = [s for s in substrates if s in C.SUBSTRATE_ORDER or any(c.substrate == s for c in cases)]
    fig, axes = C.new_figure(ncols=len(substrates), width=4.6, sharey=True)
    js = sorted({c.current_density_mA_cm2 for c in cases if np.isfinite(c.current_density_mA_cm2)})
    norm = mpl.colors.LogNorm(vmin=min(js + [0.5]) / 1.5, vmax=max(js + [8.0])) if js else None
    cmap = mpl.colormaps["viridis"]
    data = {"series": [], "notes": []}
    for ax, s in zip(axes[0], substrates, strict=True):
        sel = sorted([c for c in cases if c.substrate == s], key=lambda c: (c.current_density_mA_cm2, c.name))
        ax.set_title(C.substrate_label(s))
        ax.set_xlabel("plated capacity (mAh/cm$^2$)")
        if not sel:
            C.note(ax, f"no {C.substrate_label(s)} case outputs")
            data["notes"].append(f"no {s} cases")
            continue
        annotated: set = set()
        for c in sel:
            q, v = c.column("capacity_mAh_cm2"), c.column("voltage_V")
            if q is None or v is None:
                data["notes"].append(f"{c.name}: no voltage_V / capacity_mAh_cm2 in timeseries.csv")
                continue
            j = c.current_density_mA_cm2
            col = cmap(norm(j)) if norm is not None and np.isfinite(j) else "k"
            flat = c.model == "sharp"
            lbl = f"{j:g} mA/cm$^2$" + (", flat film" if flat else "")     # 1, 3, 5 mAh/cm^2 share one entry
            ax.plot(q, 1e3 * v, "--" if flat else "-", color=col, lw=1.5, label=lbl)
            peak = nucleation_peak(q, v)
            eta_n = c.value("nucleation_overpotential_mV")
            if peak is not None:
                ax.plot(peak[0], 1e3 * peak[1], "v", color=col, ms=7, mec="k", mew=0.6)
                if np.isfinite(eta_n) and eta_n > 0 and j not in annotated:   # one label per current
                    annotated.add(j)
                    ax.annotate(f"η$_n$ = {eta_n:.0f} mV", (peak[0], 1e3 * peak[1]), textcoords="offset points",
                                xytext=(6, -10), fontsize=8, color=col)
            if c.summary.get("short_circuit"):
                qs = c.value("short_capacity_mAh_cm2")
                if np.isfinite(qs):
                    ax.axvline(qs, color=col, ls=":", lw=1)
            data["series"].append({"case": c.name, "substrate": s, "current_density_mA_cm2": j,
                                   "capacity_mAh_cm2": q, "voltage_V": v,
                                   "peak_capacity_mAh_cm2": None if peak is None else peak[0],
                                   "peak_voltage_V": None if peak is None else peak[1],
                                   "nucleation_overpotential_mV": eta_n})
        m = C.P.FIRST_PLATING_VOLTAGE
        if s == m["substrate"]:
            # the measured first-plating voltage: |V| at its peak at the start of plating (vs the Li counter
            # electrode, SE ohmic drop included), drawn at zero capacity beside the model's start
            ax.plot([0.0], [-m["voltage_mV"]], "*", ms=12, color="k", mfc="none", mew=1.3, clip_on=False,
                    label=f"measured first-plating peak, {m['current_density_mA_cm2']:g} mA/cm$^2$: "
                          f"{m['voltage_mV']:g} mV")
            model = [sr for sr in data["series"] if sr["substrate"] == s
                     and np.isclose(sr["current_density_mA_cm2"], m["current_density_mA_cm2"])]
            data["measured_first_plating"] = {**m, "source": C.EXPERIMENT, "model_peak_mV": [
                C.P.first_plating_peak_mV(sr["capacity_mAh_cm2"], sr["voltage_V"]) for sr in model]}
        C.legend_below(ax, title="current density")
    axes[0][0].set_ylabel("cell voltage vs Li (mV)")
    if all(not np.isfinite(sr["nucleation_overpotential_mV"]) for sr in data["series"]):
        data["notes"].append("nucleation_overpotential_mV " + C.NOT_MODELLED)
        fig.suptitle("▼ nucleation peak (voltage minimum) where the curve has one; "
                     "nucleation overpotential " + C.NOT_MODELLED, fontsize=8, color="0.35")
    C.save_figure(fig, outdir, name, data)
    return data


def main(argv=None) -> int:
    return C.case_script_main(plot, __doc__.splitlines()[0], argv)


if __name__ == "__main__":
    sys.exit(main())
