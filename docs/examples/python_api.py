"""liplate from Python: load a shipped case, change it in code, run it, plot it, sweep it.

    python docs/examples/python_api.py [WORKDIR]        # default WORKDIR: ./liplate_example

1. ``liplate.load_case`` reads ``cases/sharp_li2te_cu_0p5mA_1mAh`` (flat Li film on Li2Te-Cu, 0.5 mA/cm^2
   to 1 mAh/cm^2) and validates it.
2. ``case.with_values`` changes the current density to 4 mA/cm^2 in practical units; the new case is
   validated exactly as a case file is (try "4 mA" or "-4 mA/cm^2": a CaseError names key, value and
   what is allowed).
3. ``liplate.run(case, output=DIR)`` writes ``DIR/case.toml`` (the case as run) and runs it into
   ``DIR/output``; it returns a ``Result``: ``summary`` (dict), ``timeseries`` and ``interface`` (pandas
   DataFrames, units in the column names), ``fields()`` (a pyvista mesh), ``plot()``.
4. Voltage against plated capacity of both runs, with matplotlib, from the DataFrames.
5. A three-point sweep of the current density (``liplate.run_sweep``; ``mpiexec -n N liplate sweep FILE``
   for large ones) and its results as a DataFrame whose swept values are numbers
   (``liplate.load_sweep``: "2 mA/cm^2" becomes 2.0 in a column ``protocol.current_density_mA_cm2``).

The checks at the end are physics, not stored outputs: the plated charge is the current density times
the time; the film is Faraday's thickness less the Li lost to creep (a fixed roughness fill) and to SEI
(which grows with time), so the faster run, with less time for SEI, plates a film at least as thick as
the slow one and never thicker than Faraday's law allows.
"""
from __future__ import annotations

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")                      # files only; drop this line in a notebook
import matplotlib.pyplot as plt  # noqa: E402

import liplate  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
SHIPPED = REPO / "cases" / "sharp_li2te_cu_0p5mA_1mAh"


def main(workdir: Path) -> dict:
    workdir.mkdir(parents=True, exist_ok=True)

    # 1-2. a shipped case, and the same case at 8x the current density
    base = liplate.load_case(SHIPPED)
    fast = base.with_values({"protocol.current_density": "4 mA/cm^2"})
    print(f"current density: {base['protocol']['current_density']:g} -> {fast['protocol']['current_density']:g} "
          "A/m^2 (SI inside)")

    # 3. run both into the work directory (a completed run of the same inputs is reused)
    results = {label: liplate.run(case, output=workdir / label, progress=False)
               for label, case in (("0.5 mA/cm^2", base), ("4 mA/cm^2", fast))}
    for label, r in results.items():
        s = r.summary
        print(f"{label}: {s['status']}; {s['thickness_mean_um']:.3f} um after {s['capacity_mAh_cm2']:.3g} "
              f"mAh/cm^2; final voltage {1e3 * s['cell_voltage_final_V']:.1f} mV")

    # 4. voltage against capacity, from the time series DataFrames
    fig, ax = plt.subplots(figsize=(5, 3.5), layout="constrained")
    for label, r in results.items():
        ts = r.timeseries
        ax.plot(ts["capacity_mAh_cm2"], 1e3 * ts["voltage_V"], label=label)
    ax.set(xlabel="plated capacity (mAh/cm$^2$)", ylabel="cell voltage vs Li (mV)")
    ax.legend(title="current density", loc="lower left")
    fig.savefig(workdir / "voltage_vs_capacity.png", dpi=120)
    results["4 mA/cm^2"].plot(save=workdir / "standard_figures.png")   # the standard figures of one run
    plt.close("all")

    # 5. a small sweep over the current density, its results as numbers
    sweep_file = workdir / "current_sweep" / "sweep.toml"
    sweep_file.parent.mkdir(exist_ok=True)
    sweep_file.write_text(f'base = "{SHIPPED.as_posix()}"\n'
                          'title = "current density sweep"\n'
                          '[common]\n"domain.cells_x" = 4\n"domain.cells_y" = 4\n"output.frames" = 1\n'
                          '[product]\n"protocol.current_density" = ["0.5 mA/cm^2", "1 mA/cm^2", "2 mA/cm^2"]\n')
    df = liplate.run_sweep(sweep_file)
    table = df[["protocol.current_density_mA_cm2", "status", "thickness_mean_um", "cell_voltage_final_V"]]
    print(table.to_string(index=False))
    print("dtypes:", dict(table.dtypes.astype(str)))

    # the check: charge = j t, and the film is Faraday's less losses that do not scale with the current
    for r in results.values():
        ts, s = r.timeseries, r.summary
        j_mA_cm2 = s["current_density_mA_cm2"]
        passed = j_mA_cm2 * ts["time_s"].iloc[-1] / 3600.0            # mA/cm^2 x h = mAh/cm^2
        assert s["status"] == "completed", s
        assert abs(passed - s["capacity_mAh_cm2"]) < 1e-6 * passed, (passed, s["capacity_mAh_cm2"])
    slow, fast = (results[k].summary for k in ("0.5 mA/cm^2", "4 mA/cm^2"))
    assert slow["thickness_mean_um"] <= fast["thickness_mean_um"] <= fast["faraday_thickness_um"], (slow, fast)
    assert str(df["protocol.current_density_mA_cm2"].dtype).startswith("float")
    assert sorted(df["protocol.current_density_mA_cm2"]) == [0.5, 1.0, 2.0]
    print(f"figures in {workdir}/")
    return {"results": results, "sweep": df}


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("liplate_example"))
