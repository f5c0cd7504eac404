"""Standard figures of liplate results, drawn against the measurements (matplotlib).

Used by :meth:`liplate.results.Result.plot` and by the scripts in ``postprocessing/`` (``make figures``).
Every panel that has a measurement draws it beside the model, with its conditions:

- deposit thickness on Li2Te-Cu at 0.5 mA/cm^2: 4.2 / 13.3 / 23.8 um after 1 / 3 / 5 mAh/cm^2;
- first-plating voltage of Li2Te-Cu at 0.5 mA/cm^2: 18 mV, the magnitude of the cell voltage at its peak
  at the start of plating (vs the Li counter electrode, so the SE ohmic drop is included);
- short circuits on bare Cu: before 1 mAh/cm^2 at 4 mA/cm^2, at about 0.2 mAh/cm^2 at 5 mA/cm^2, none within
  1 mAh/cm^2 at 0.5, 1 and 2 mA/cm^2; none on Li2Te-Cu up to 8 mA/cm^2 (1 mAh/cm^2).

All from the experiment liplate models, :data:`EXPERIMENT`. Axis labels are words with units
(:func:`label`); legends sit outside the data.
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from .results import Result

#: The experiment the measurements come from.
EXPERIMENT = "Wang et al., Adv. Mater. 2022, doi:10.1002/adma.202206762"

#: First-plating voltage (magnitude of the cell-voltage peak at the start of plating), Li2Te-Cu.
FIRST_PLATING_VOLTAGE = {"substrate": "li2te_cu", "current_density_mA_cm2": 0.5, "voltage_mV": 18.0}

#: Short-circuit observations: (substrate, current density mA/cm^2, capacity at the short in mAh/cm^2 or None
#: for "before" it, "short"/"no short", plating capacity of the test in mAh/cm^2).
SHORT_OBSERVATIONS = (
    ("cu", 0.5, None, "no short", 1.0),
    ("cu", 1.0, None, "no short", 1.0),
    ("cu", 2.0, None, "no short", 1.0),
    ("cu", 4.0, None, "short", 1.0),          # shorts before 1 mAh/cm^2 is plated
    ("cu", 5.0, 0.2, "short", 1.0),           # shorts at about 0.2 mAh/cm^2
    ("li2te_cu", 8.0, None, "no short", 1.0),  # no short at any tested current up to 8 mA/cm^2
)

SUBSTRATE_LABEL = {"cu": "Cu", "li2te_cu": "Li$_2$Te–Cu"}
SUBSTRATE_COLOR = {"cu": "#c0504d", "li2te_cu": "#1f5fa8"}
MEASURED_STYLE = {"color": "k", "mfc": "none", "ms": 8, "mew": 1.5}

# Words for the columns liplate writes (units come from the name's suffix, see label()).
_WORDS = {
    "capacity_mAh_cm2": "plated capacity", "passed_capacity_mAh_cm2": "passed charge",
    "voltage_V": "cell voltage", "time_s": "time", "thickness_mean_um": "mean deposit thickness",
    "thickness_um": "deposit thickness", "thickness_std_um": "deposit thickness spread",
    "faraday_thickness_um": "Faraday thickness", "current_density_mA_cm2": "applied current density",
    "current_density_A_m2": "local current density", "deposition_current_density_A_m2": "deposition current",
    "sei_thickness_nm": "SEI thickness", "sei_thickness_mean_nm": "mean SEI thickness",
    "collector_sei_thickness_nm": "SEI on the bare collector", "li_lost_to_sei_mAh_cm2": "Li lost to SEI",
    "focusing_factor_peak": "peak current focusing (max j / applied)", "wetted_fraction": "wetted fraction",
    "cell_voltage_final_V": "final cell voltage", "short_capacity_mAh_cm2": "capacity at the short",
    "critical_flaw_depth_um": "shallowest SE flaw opened", "plating_pressure_peak_MPa": "peak plating pressure",
    "x_um": "position along the collector", "nucleation_overpotential_mV": "nucleation overpotential",
}
_UNITS = (("_mAh_cm2", "mAh/cm$^2$"), ("_mA_cm2", "mA/cm$^2$"), ("_A_m2", "A/m$^2$"), ("_A_m3", "A/m$^3$"),
          ("_um", "µm"), ("_nm", "nm"), ("_mV", "mV"), ("_V", "V"), ("_MPa", "MPa"), ("_s", "s"), ("_K", "K"),
          ("_deg", "°"))


def label(column: str) -> str:
    """Axis label in words with the unit, from a liplate column name: "capacity_mAh_cm2" -> "plated
    capacity (mAh/cm²)"; an unknown name gets its words and the unit of its suffix."""
    for suffix, unit in _UNITS:
        if column.endswith(suffix):
            stem = column[: -len(suffix)]
            words = _WORDS.get(column, stem.split(".")[-1].replace("_", " "))
            return f"{words} ({unit})"
    return _WORDS.get(column, column.split(".")[-1].replace("_", " "))


def substrate_label(s: str | None) -> str:
    return SUBSTRATE_LABEL.get(s or "", s or "?")


def substrate_color(s: str | None, index: int = 0) -> str:
    return SUBSTRATE_COLOR.get(s or "", f"C{(index + 2) % 10}")


def measured_thickness() -> tuple[list[float], list[float]]:
    """(capacity mAh/cm^2, thickness um) of the Li2Te-Cu cross-sections at 0.5 mA/cm^2."""
    from .physics.deposit import MEASURED_THICKNESS_LI2TE_CU
    from .units import C_M2_PER_MAH_CM2, M_PER_UM

    items = sorted(MEASURED_THICKNESS_LI2TE_CU.items())
    return [q / C_M2_PER_MAH_CM2 for q, _ in items], [h / M_PER_UM for _, h in items]


def faraday_um_per_mAh_cm2() -> float:
    """Faraday thickness per capacity, Q V_m / F, with liplate's Li molar volume (4.85 um per mAh/cm^2)."""
    from .parameters import load_set
    from .physics.constants import FARADAY
    from .units import C_M2_PER_MAH_CM2, M_PER_UM

    return C_M2_PER_MAH_CM2 * load_set("li")["molar_volume"].value / FARADAY / M_PER_UM


def legend_below(ax, ncol: int | None = None, **kw) -> None:
    """A legend under the axes and their x label, where it cannot cover data (the figure's constrained layout
    makes room for it). Repeated labels are shown once; more than four entries go in two columns."""
    from matplotlib.transforms import offset_copy

    handles, labels = ax.get_legend_handles_labels()
    unique = dict(zip(labels, handles, strict=True))
    if not unique:
        return
    below_label = offset_copy(ax.transAxes, fig=ax.figure, y=-0.55, units="inches")
    ax.legend(list(unique.values()), list(unique), loc="upper center", bbox_to_anchor=(0.5, 0.0),
              bbox_transform=below_label, ncol=ncol or (1 if len(unique) <= 4 else 2), frameon=False,
              fontsize=8, **kw)


def _matches(value: float | None, target: float) -> bool:
    return value is not None and math.isfinite(value) and math.isclose(value, target, rel_tol=1e-6)


def first_plating_peak_mV(capacity, voltage) -> float | None:
    """The model's counterpart of the measured first-plating voltage: the magnitude of the cell voltage at
    its first peak after plating starts (the first local maximum of |V|; the last point if |V| only rises)."""
    import numpy as np

    q, v = np.asarray(capacity, float), np.abs(np.asarray(voltage, float))
    ok = np.isfinite(q) & np.isfinite(v) & (q > 0)
    v = v[ok]
    if v.size == 0:
        return None
    falls = np.flatnonzero(np.diff(v) < 0)
    return 1e3 * float(v[falls[0]] if falls.size else v[-1])


# -- panels -------------------------------------------------------------------------------------------

def voltage_panel(ax, results: list[Result], measured: bool = True) -> dict[str, Any]:
    """Cell voltage (mV) against plated capacity, one line per result; the measured first-plating voltage
    where a result matches its conditions (substrate and current density)."""
    data: dict[str, Any] = {"series": [], "measured": None}
    for i, r in enumerate(results):
        ts, s = r.timeseries, r.summary
        if "voltage_V" not in ts or "capacity_mAh_cm2" not in ts:
            continue
        col = substrate_color(s.get("substrate"), i)
        ax.plot(ts["capacity_mAh_cm2"], 1e3 * ts["voltage_V"], "-", color=col, lw=1.5,
                label=f"model: {_describe(r)}")
        data["series"].append({"case": r.case_dir.name, "peak_mV": first_plating_peak_mV(ts["capacity_mAh_cm2"],
                                                                                         ts["voltage_V"])})
    m = FIRST_PLATING_VOLTAGE
    if measured and any(r.summary.get("substrate") == m["substrate"]
                        and _matches(r.summary.get("current_density_mA_cm2"), m["current_density_mA_cm2"])
                        for r in results):
        ax.plot([0.0], [-m["voltage_mV"]], "*", ms=12, color="k", mfc="none", mew=1.3, clip_on=False,
                label=f"measured first-plating peak, {substrate_label(m['substrate'])}, "
                      f"{m['current_density_mA_cm2']:g} mA/cm$^2$: {m['voltage_mV']:g} mV")
        data["measured"] = dict(m)
    ax.set(xlabel=label("capacity_mAh_cm2"), ylabel="cell voltage vs Li (mV)", title="Voltage during plating")
    return data


def thickness_panel(ax, results: list[Result], measured: bool = True) -> dict[str, Any]:
    """Mean deposit thickness against plated capacity: runs, Faraday's law and the measured cross-sections."""
    import numpy as np

    qmax = max([6.0] + [float(r.summary.get("capacity_mAh_cm2") or 0) * 1.1 for r in results])
    q = np.linspace(0.0, qmax, 50)
    k = faraday_um_per_mAh_cm2()
    ax.plot(q, k * q, "k--", lw=1, label=f"Faraday's law, {k:.2f} µm per mAh/cm$^2$")
    data: dict[str, Any] = {"faraday_um_per_mAh_cm2": k, "series": []}
    if measured:
        qm, hm = measured_thickness()
        ax.plot(qm, hm, "s", ls="none", **MEASURED_STYLE,
                label="measured cross-sections, Li$_2$Te–Cu, 0.5 mA/cm$^2$")
        data["measured"] = {"capacity_mAh_cm2": qm, "thickness_um": hm}
    for i, r in enumerate(results):
        ts, s = r.timeseries, r.summary
        col = substrate_color(s.get("substrate"), i)
        if "thickness_mean_um" in ts:
            ax.plot(ts["capacity_mAh_cm2"], ts["thickness_mean_um"], "-", color=col, lw=1, alpha=0.7)
        if s.get("thickness_mean_um") is not None:
            ax.errorbar([s["capacity_mAh_cm2"]], [s["thickness_mean_um"]], yerr=[s.get("thickness_std_um") or 0],
                        fmt="o", color=col, ms=6, label=f"model: {_describe(r)}")
            data["series"].append({"case": r.case_dir.name, "capacity_mAh_cm2": s["capacity_mAh_cm2"],
                                   "thickness_mean_um": s["thickness_mean_um"]})
    ax.set(xlabel=label("capacity_mAh_cm2"), ylabel=label("thickness_mean_um"), xlim=(0, qmax), ylim=(0, None),
           title="Deposit thickness")
    return data


def collector_panel(ax, result: Result, frame: int = -1) -> dict[str, Any]:
    """Quantities per collector column along x: deposit thickness (left axis), local current density over
    the applied one and SEI thickness (right axes). Drawn along the collector, not over the electrolyte."""
    df = result.interface_at(frame) if result.interface is not None else None
    if df is None or df.empty:
        ax.text(0.5, 0.5, "no per-column profile in these outputs", transform=ax.transAxes, ha="center")
        return {}
    x = df["x_um"]
    lines = []
    data: dict[str, Any] = {"x_um": x.tolist()}
    if "thickness_um" in df:
        lines += ax.plot(x, df["thickness_um"], "-", color="0.2", lw=1.8, drawstyle="steps-mid",
                         label=label("thickness_um"))
        data["thickness_um"] = df["thickness_um"].tolist()
    top = float(df["thickness_um"].max()) if "thickness_um" in df else 0.0
    ax.set(xlabel=label("x_um"), ylabel=label("thickness_um"), ylim=(0, 1.2 * top if top > 0 else None))
    j_app = result.summary.get("current_density_mA_cm2")
    if "current_density_A_m2" in df and j_app:
        from .units import A_M2_PER_MA_CM2

        ratio = df["current_density_A_m2"].abs() / (A_M2_PER_MA_CM2 * j_app)
        axj = ax.twinx()
        lines += axj.plot(x, ratio, "-", color="#d98c00", lw=1.3, drawstyle="steps-mid",
                          label="local / applied current density")
        axj.set_ylabel("local / applied current density", color="#d98c00")
        axj.set_ylim(0, max(1.5, float(ratio.max()) * 1.1))
        axj.grid(False)
        data["current_ratio"] = ratio.tolist()
    sei_cols = [c for c in ("sei_thickness_nm", "collector_sei_thickness_nm") if c in df and df[c].abs().sum() > 0]
    if sei_cols:
        axs = ax.twinx()
        axs.spines["right"].set_position(("axes", 1.18))
        for c, ls in zip(sei_cols, ("-", ":"), strict=False):
            lines += axs.plot(x, df[c], ls, color="#3a9a3a", lw=1.3, drawstyle="steps-mid", label=label(c))
            data[c] = df[c].tolist()
        axs.set_ylabel("SEI thickness (nm)", color="#3a9a3a")
        axs.set_ylim(0, None)
        axs.grid(False)
    t = df["time_s"].iloc[0] if "time_s" in df else None
    ax.set_title(f"Along the collector{'' if t is None else f', t = {t:.0f} s'}")
    ax.legend(lines, [ln.get_label() for ln in lines], loc="upper center", bbox_to_anchor=(0.5, -0.2),
              ncol=2, frameon=False, fontsize=8)
    return data


def deposit_grid(result: Result, frame: int = -1):
    """(x edges um, y edges um, Li fraction per cell (ny, nx)) of a field frame: the phase field's ``xi``, or
    for the flat-film model the film of ``interface.csv``'s thickness drawn on a grid of its own."""
    import numpy as np

    from .units import M_PER_UM

    mesh = result.fields(frame)   # coordinates in m (the frames are SI throughout)
    xe = np.unique(np.round(np.asarray(mesh.points[:, 0]) / M_PER_UM, 6))
    ye = np.unique(np.round(np.asarray(mesh.points[:, 1]) / M_PER_UM, 6))
    if "xi" in mesh.cell_data:
        return xe, ye, np.asarray(mesh.cell_data["xi"]).reshape(len(ye) - 1, len(xe) - 1)
    prof = result.interface_at(frame) if result.interface is not None else None
    if prof is None or "thickness_um" not in prof:
        return None
    h = prof["thickness_um"].to_numpy()
    top = max(float(h.max()) * 4.0, 1.0)          # room above the film for a panel shared with taller deposits
    yf = np.linspace(0.0, top, 401)
    yc = 0.5 * (yf[1:] + yf[:-1])
    return xe, yf, (yc[:, None] < h[None, :]).astype(float)


def cross_section_panel(ax, result: Result, frame: int = -1, height_um: float | None = None,
                        colorbar: bool = True) -> dict[str, Any]:
    """The deposit in cross-section, zoomed to its height (``height_um``; default 1.5x the tallest column)."""
    import numpy as np

    grid = deposit_grid(result, frame)
    if grid is None:
        ax.text(0.5, 0.5, "no deposit field in these outputs", transform=ax.transAxes, ha="center")
        return {}
    xe, ye, li = grid
    tall = ye[1:][(li > 0.5).any(axis=1)]
    top = height_um or max(1.5 * (float(tall.max()) if tall.size else 1.0), 1.0)
    m = ax.pcolormesh(xe, ye, li, cmap="Blues", vmin=0, vmax=1, shading="flat", rasterized=True)
    ax.set(xlim=(xe[0], xe[-1]), ylim=(0, top), xlabel=label("x_um"), ylabel="height above the collector (µm)",
           title=f"{_describe(result)}")
    ax.grid(False)
    if colorbar:
        ax.figure.colorbar(m, ax=ax, label="lithium fraction", shrink=0.9)
    return {"mappable": m, "height_um": top, "x_range_um": [float(xe[0]), float(xe[-1])],
            "li_area_um2": float(np.sum(li * np.diff(ye)[:, None] * np.diff(xe)[None, :]))}


def cross_sections(results: list[Result], frame: int = -1):
    """A figure of deposits side by side at the same scale (same x range and height), e.g. Cu islands next
    to the Li2Te-Cu film: today's 5 um deposits are invisible in a 250 um field window."""
    import numpy as np

    grids = [deposit_grid(r, frame) for r in results]
    tops = [float(g[1][1:][(g[2] > 0.5).any(axis=1)].max()) for g in grids
            if g is not None and (g[2] > 0.5).any()]
    height = 1.4 * max(tops) if tops else None
    fig, axes = _figure(nrows=len(results), ncols=1, width=9.0, height=2.3)
    data = {"height_um": height, "panels": []}
    mappable = None
    for ax, r in zip(axes[:, 0], results, strict=True):
        drawn = cross_section_panel(ax, r, frame, height_um=height, colorbar=False)
        mappable = drawn.pop("mappable", None) or mappable
        data["panels"].append({"case": r.case_dir.name, **drawn})
    if mappable is not None:
        fig.colorbar(mappable, ax=axes[:, 0].tolist(), label="lithium fraction (1: Li, 0: electrolyte)", shrink=0.8)
    widths = [g[0][-1] - g[0][0] for g in grids if g is not None]
    if widths:
        for ax in axes[:, 0]:
            ax.set_xlim(0, float(np.max(widths)))
    fig.suptitle("Deposit cross-sections at the same scale (vertical axis stretched)", fontsize=10)
    return fig, data


def short_observations_panel(ax, substrates=None) -> list[dict[str, Any]]:
    """The measured short circuits on a "capacity at the short" against "current density" panel: a cross at
    the capacity where a cell shorted, ▼ at the test capacity for "shorted before it", ▲ for "no short
    within it"; open markers, coloured by collector. Returns what was drawn."""
    drawn = []
    seen = set()
    for substrate, j, q_short, outcome, q_test in SHORT_OBSERVATIONS:
        if substrates is not None and substrate not in substrates:
            continue
        if outcome == "short" and q_short is not None:
            marker, q, what = "X", q_short, "short at"
        elif outcome == "short":
            marker, q, what = "v", q_test, "short before"
        else:
            marker, q, what = "^", q_test, "no short within"
        key = (substrate, what)
        ax.plot([j], [q], marker, ls="none", ms=9, mfc="none", mew=1.6, color=substrate_color(substrate),
                label=None if key in seen else f"measured, {substrate_label(substrate)}: {what}")
        seen.add(key)
        drawn.append({"substrate": substrate, "current_density_mA_cm2": j, "capacity_mAh_cm2": q, "outcome": what})
    return drawn


def _describe(r: Result) -> str:
    s = r.summary
    j, q = s.get("current_density_mA_cm2"), s.get("capacity_mAh_cm2")
    model = (s.get("provenance") or {}).get("model")
    parts = [substrate_label(s.get("substrate")) + (" (flat film)" if model == "sharp" else "")]
    if j is not None:
        parts.append(f"{j:g} mA/cm$^2$")
    if q is not None:
        parts.append(f"{q:.3g} mAh/cm$^2$")
    return ", ".join(parts)


def _figure(nrows: int = 1, ncols: int = 1, width: float = 5.0, height: float = 4.0, **kw):
    import matplotlib.pyplot as plt

    with plt.rc_context({"font.size": 9, "axes.grid": True, "grid.alpha": 0.3}):
        fig, axes = plt.subplots(nrows, ncols, figsize=(width * ncols, height * nrows), squeeze=False,
                                 layout="constrained", **kw)
    return fig, axes


_WHICH = ("voltage", "thickness", "collector", "cross_section")


def plot_result(result: Result, which: str | None = None):
    """The standard figure of one run: voltage and thickness against capacity (with the measurements where
    the run matches their conditions), the quantities along the collector, and the deposit cross-section.
    ``which`` draws one of them ("voltage", "thickness", "collector", "cross_section")."""
    if which is not None and which not in _WHICH:
        raise ValueError(f"which = {which!r}; allowed: {', '.join(_WHICH)} or None (all)")
    panels = _WHICH if which is None else (which,)
    if len(panels) == 1:
        fig, axes = _figure(width=6.0 if which in ("collector", "cross_section") else 5.0)
        flat = [axes[0, 0]]
    else:
        fig, axes = _figure(nrows=2, ncols=2, width=5.6, height=4.2)
        flat = list(axes.ravel())
    draw = {"voltage": lambda ax: voltage_panel(ax, [result]),
            "thickness": lambda ax: thickness_panel(ax, [result]),
            "collector": lambda ax: collector_panel(ax, result),
            "cross_section": lambda ax: cross_section_panel(ax, result)}
    for ax, name in zip(flat, panels, strict=True):
        draw[name](ax)
        if name in ("voltage", "thickness"):
            legend_below(ax)
    fig.suptitle(f"{result.case_dir.name}: {result.summary.get('status', 'unfinished')}", fontsize=10)
    return fig

