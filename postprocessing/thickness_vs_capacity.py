"""Deposit thickness against plated capacity: model vs the measured cross-sections and Faraday's law.

Faraday thickness h_F = Q V_m / F (4.85 um per mAh/cm^2). The measured deposits (Wang et al. 2022) on
Li2Te-Cu at 0.5 mA/cm^2 are 4.2 / 13.3 / 23.8 um at 1 / 3 / 5 mAh/cm^2; the lower panel shows the
deficit h_F - h, which the measurements put at a roughly constant 0.5-1.2 um.

    .venv/bin/python postprocessing/thickness_vs_capacity.py cases/li2te_cu_0p5mA_* -o postprocessing/figures

Model points are ``thickness_mean_um`` (error bar ``thickness_std_um``) at ``capacity_mAh_cm2``
from each ``summary.json``; the thin line is the run's ``timeseries.csv`` trajectory.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

try:
    from . import common as C
except ImportError:  # run as a script
    import common as C

NAME = "thickness_vs_capacity"


def plot(case_dirs, outdir: Path, name: str = NAME) -> dict:
    cases = C.load_cases(case_dirs)
    fig, axes = C.new_figure(ncols=2, width=4.8, height=4.8)
    ax, axd = axes[0]
    qmax = max([6.0] + [c.value("capacity_mAh_cm2") * 1.1 for c in cases if np.isfinite(c.value("capacity_mAh_cm2"))])
    q = np.linspace(0, qmax, 50)
    ax.plot(q, C.FARADAY_UM_PER_MAH_CM2 * q, "k--", lw=1,
            label=f"Faraday, {C.FARADAY_UM_PER_MAH_CM2:.2f} µm per mAh/cm$^2$")
    qm, hm = np.array(C.MEASURED_CAPACITY_MAH_CM2), np.array(C.MEASURED_THICKNESS_UM)
    ax.plot(qm, hm, "ks", mfc="none", ms=8, mew=1.5, label=C.MEASURED_SOURCE)
    axd.plot(qm, C.FARADAY_UM_PER_MAH_CM2 * qm - hm, "ks", mfc="none", ms=8, mew=1.5, label=C.MEASURED_SOURCE)
    axd.axhline(0, color="k", ls="--", lw=1)

    data = {"faraday_um_per_mAh_cm2": C.FARADAY_UM_PER_MAH_CM2,
            "measured": {"capacity_mAh_cm2": qm, "thickness_um": hm}, "series": [], "notes": []}
    markers = {0.5: "o", 1.0: "^", 2.0: "D"}
    for i, c in enumerate(sorted(cases, key=lambda c: (str(c.substrate), c.current_density_mA_cm2,
                                                      c.value("capacity_mAh_cm2")))):
        col = C.substrate_color(c.substrate, i)
        mk = markers.get(c.current_density_mA_cm2, "v")
        qs, hs, hstd = c.value("capacity_mAh_cm2"), c.value("thickness_mean_um"), c.value("thickness_std_um")
        tq, th = c.column("capacity_mAh_cm2"), c.column("thickness_mean_um")
        if tq is not None and th is not None:
            ax.plot(tq, th, "-", color=col, lw=1, alpha=0.6)
            axd.plot(tq, C.FARADAY_UM_PER_MAH_CM2 * tq - th, "-", color=col, lw=1, alpha=0.6)
        if np.isfinite(qs) and np.isfinite(hs):
            ax.errorbar([qs], [hs], yerr=[0 if not np.isfinite(hstd) else hstd], fmt=mk, color=col, ms=6,
                        label=f"model: {c.label}")      # capacity is the x axis
            axd.plot([qs], [C.FARADAY_UM_PER_MAH_CM2 * qs - hs], mk, color=col, ms=6)
        else:
            data["notes"].append(f"{c.name}: no thickness in summary.json")
        data["series"].append({"case": c.name, "substrate": c.substrate,
                               "current_density_mA_cm2": c.current_density_mA_cm2,
                               "capacity_mAh_cm2": qs, "thickness_mean_um": hs, "thickness_std_um": hstd,
                               "trajectory_capacity_mAh_cm2": tq, "trajectory_thickness_um": th})
    if not cases:
        C.note(ax, "no case outputs given")
        data["notes"].append("no case outputs")
    ax.set(xlabel="plated capacity (mAh/cm$^2$)", ylabel="deposit thickness (µm)", xlim=(0, qmax), ylim=(0, None),
           title="Deposit thickness")
    axd.set(xlabel="plated capacity (mAh/cm$^2$)", ylabel="Faraday − deposit (µm)", xlim=(0, qmax),
            title="Deficit against Faraday's law")
    C.legend_below(ax)
    C.legend_below(axd)
    C.save_figure(fig, outdir, name, data)
    return data


def main(argv=None) -> int:
    return C.case_script_main(plot, __doc__.splitlines()[0], argv)


if __name__ == "__main__":
    sys.exit(main())
