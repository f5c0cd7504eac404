"""Postprocessing end to end: every figure is written, is not blank, and draws the numbers in the outputs.

A copy of the reference case ``cases/li2te_cu_0p5mA_1mAh`` and a Cu twin of it are run into a
temporary directory (the repository's own ``cases/*/output`` are left alone), then
``make_figures.build`` draws everything from them. Each figure's ``.json`` sidecar holds the plotted
numbers; they are compared with ``summary.json``, ``timeseries.csv`` and the VTU frames.

The ParaView test runs ``pvbatch`` (under ``xvfb-run`` without a display) and finds the field's
colour-map colours in the screenshot: a large area of Viridis colours spanning most of the map, which
an empty view or a colour bar alone cannot give. It is skipped only when ParaView is not installed.
"""
from __future__ import annotations

import json
import math
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import FORMER_MESH

from liplate.calibration import write_variant

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from postprocessing import common as C  # noqa: E402
from postprocessing import make_figures, sweep_plot  # noqa: E402

REFERENCE = REPO / "cases" / "li2te_cu_0p5mA_1mAh"


def _run_case(src_toml: Path, dest: Path, substrate: str | None = None) -> Path:
    dest.mkdir(parents=True)
    text = src_toml.read_text()
    if substrate:
        text = text.replace('substrate = "li2te_cu"', f'substrate = "{substrate}"')
        # the morphology to 1 mAh/cm^2: on Cu the filament model shorts the cell at ~0.2 mAh/cm^2
        # (docs/penetration.md), where much of the Li is still below the mesh and not in the drawn field
        text, n = re.subn(r"(\[penetration\]\s*\nenabled\s*=\s*)true", r"\1false", text)
        assert n == 1, f"{src_toml}: [penetration] enabled = true not found"
    (dest / "case.toml").write_text(text)
    write_variant(dest, dest, FORMER_MESH)                          # the scripts, not the mesh, are tested
    r = subprocess.run(make_figures._liplate_cmd() + ["run", str(dest)], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    return dest


@pytest.fixture(scope="module")
def cases(tmp_path_factory) -> list[Path]:
    root = tmp_path_factory.mktemp("cases")
    toml = REFERENCE / "case.toml"
    return [_run_case(toml, root / "li2te_cu_0p5mA_1mAh"), _run_case(toml, root / "cu_0p5mA_1mAh", "cu")]


@pytest.fixture(scope="module")
def figures(cases, tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("figures")
    missing_case = cases[0].parent / "not_there"
    report = make_figures.build(out, cases=[*cases, missing_case], run_missing=False, with_paraview=False)
    return out, report


def _image(path: Path) -> np.ndarray:
    from PIL import Image

    return np.asarray(Image.open(path).convert("RGB"), dtype=float)


def assert_not_blank(path: Path) -> None:
    img = _image(path)
    assert img.shape[0] > 100 and img.shape[1] > 100, path
    assert img.std(axis=(0, 1)).max() > 10.0, f"{path.name}: blank image (pixel std {img.std():.2f})"
    packed = img.astype(np.int64) @ np.array([65536, 256, 1])
    assert len(np.unique(packed)) > 20, f"{path.name}: almost a single colour"


def test_every_figure_is_written_and_not_blank(figures):
    out, report = figures
    assert not report["missing"]
    expected = {"thickness_vs_capacity.png", "voltage_vs_capacity.png", "focusing.png", "sei.png", "cross_section.png",
                "reference_voltage_vs_current.png", "quicklook_li2te_cu_0p5mA_1mAh.png", "quicklook_cu_0p5mA_1mAh.png"}
    assert expected <= set(report["figures"])
    for name in report["figures"]:
        assert_not_blank(out / name)
        stem = (out / name).with_suffix("")
        if not name.startswith("quicklook"):
            assert stem.with_suffix(".pdf").stat().st_size > 1000


def _close(a, b, rtol=1e-9):
    a = np.array([math.nan if v is None else v for v in a], float)
    b = np.asarray(b, float)
    return a.shape == b.shape and np.allclose(a, b, rtol=rtol, atol=0, equal_nan=True)


def test_thickness_figure_draws_the_summary_and_the_measurements(figures, cases):
    out, _ = figures
    d = json.loads((out / "thickness_vs_capacity.json").read_text())
    assert d["measured"]["thickness_um"] == [4.2, 13.3, 23.8]
    assert d["measured"]["capacity_mAh_cm2"] == [1.0, 3.0, 5.0]
    assert d["faraday_um_per_mAh_cm2"] == pytest.approx(4.85, abs=0.005)
    by_case = {s["case"]: s for s in d["series"]}
    for c in map(C.CaseOutput, cases):
        s = by_case[c.name]
        assert s["thickness_mean_um"] == c.summary["thickness_mean_um"]
        assert s["capacity_mAh_cm2"] == c.summary["capacity_mAh_cm2"]
        assert _close(s["trajectory_thickness_um"], c.timeseries["thickness_mean_um"])


def test_voltage_figure_draws_the_timeseries(figures, cases):
    out, _ = figures
    d = json.loads((out / "voltage_vs_capacity.json").read_text())
    by_case = {s["case"]: s for s in d["series"]}
    assert {s["substrate"] for s in d["series"]} == {"cu", "li2te_cu"}
    for c in map(C.CaseOutput, cases):
        assert _close(by_case[c.name]["voltage_V"], c.timeseries["voltage_V"])
        assert _close(by_case[c.name]["capacity_mAh_cm2"], c.timeseries["capacity_mAh_cm2"])


def test_voltage_figure_shows_the_measured_first_plating_voltage_beside_the_model(figures, cases):
    from liplate.plotting import first_plating_peak_mV

    out, _ = figures
    d = json.loads((out / "voltage_vs_capacity.json").read_text())
    m = d["measured_first_plating"]
    assert (m["substrate"], m["current_density_mA_cm2"], m["voltage_mV"]) == ("li2te_cu", 0.5, 18.0)
    li = C.CaseOutput(cases[0])
    assert m["model_peak_mV"] == [pytest.approx(first_plating_peak_mV(li.timeseries["capacity_mAh_cm2"],
                                                                      li.timeseries["voltage_V"]))]


def test_first_plating_peak_is_the_first_maximum_of_the_voltage_magnitude():
    from liplate.plotting import first_plating_peak_mV

    q = [0.0, 0.1, 0.2, 0.3, 0.4]
    assert first_plating_peak_mV(q, [0.0, -0.020, -0.015, -0.016, -0.017]) == pytest.approx(20.0)   # a dip
    assert first_plating_peak_mV(q, [0.0, -0.010, -0.011, -0.012, -0.013]) == pytest.approx(13.0)   # rising


def test_cross_sections_share_one_scale_and_hold_the_plated_lithium(figures, cases):
    out, _ = figures
    d = json.loads((out / "cross_section.json").read_text())
    assert {p["case"] for p in d["panels"]} == {c.name for c in cases}
    assert len({p["height_um"] for p in d["panels"]}) == 1
    for p in d["panels"]:
        s = C.CaseOutput(cases[0].parent / p["case"]).summary
        width = p["x_range_um"][1] - p["x_range_um"][0]
        # lithium area in the window / width = mean deposit thickness (xi integrates to the film)
        assert p["li_area_um2"] / width == pytest.approx(s["thickness_mean_um"], rel=0.05)
        assert d["height_um"] < 10 * s["thickness_mean_um"]     # zoomed on the deposit, not the 250 um window


def test_sei_is_drawn_along_the_collector_from_the_per_column_profile(figures, cases):
    import pandas as pd

    out, _ = figures
    d = json.loads((out / "sei.json").read_text())
    assert d["profiles"]
    for prof in d["profiles"]:
        iface = pd.read_csv(next(c for c in cases if c.name == prof["case"]) / "output" / "interface.csv")
        last = iface[iface["time_s"] == iface["time_s"].max()].sort_values("x_um")
        assert _close(prof["x_um"], last["x_um"]) and _close(prof["values"], last[prof["column"]])


def test_legends_sit_outside_the_data(cases, tmp_path):
    """Legends are placed below their axes: no legend box overlaps the plotting area."""
    import matplotlib.pyplot as plt

    from postprocessing import sei, thickness_vs_capacity, voltage_vs_capacity

    checked = 0
    for module in (thickness_vs_capacity, voltage_vs_capacity, sei):
        orig = C.save_figure

        def keep(fig, outdir, name, data, formats=("png",)):
            fig.canvas.draw()
            nonlocal checked
            for ax in fig.axes:
                leg = ax.get_legend()
                if leg is None:
                    continue
                box, area = leg.get_window_extent(), ax.get_window_extent()
                assert box.y1 <= area.y0 + 1, f"{name}: a legend overlaps the axes"
                checked += 1
            plt.close(fig)

        C.save_figure = keep
        try:
            module.plot(cases, tmp_path)
        finally:
            C.save_figure = orig
    assert checked >= 4


def test_focusing_figure_draws_the_collector_row_of_the_last_frame(figures, cases):
    out, _ = figures
    d = json.loads((out / "focusing.json").read_text())
    by_case = {s["case"]: s for s in d["series"]}
    for c in map(C.CaseOutput, cases):
        s = by_case[c.name]
        if (c.outdir / "interface.csv").exists():
            continue  # the interface file takes precedence; its reader is exercised by the model's own tests
        mesh = c.last_frame()
        idx, x = C.collector_row(mesh)
        j = mesh.cell_data["current_density_A_m2"][0][idx, 1]
        assert _close(s["x_um"], x)
        assert _close(s["j_collector_mA_cm2"], np.abs(j) / 10.0)
        if c.column("focusing_factor_peak") is not None:
            assert _close(s["focusing_factor_peak"], c.timeseries["focusing_factor_peak"])


def test_sei_figure_draws_the_timeseries_or_says_not_modelled(figures, cases):
    out, _ = figures
    d = json.loads((out / "sei.json").read_text())
    for col in ("sei_thickness_mean_nm", "li_lost_to_sei_mAh_cm2"):
        present = [c for c in map(C.CaseOutput, cases) if c.column(col) is not None]
        drawn = {s["case"]: s for s in d["series"] if s["column"] == col}
        if not present:
            assert f"{col}: {C.NOT_MODELLED}" in d["notes"]
        for c in present:
            assert _close(drawn[c.name]["values"], c.timeseries[col])


def test_sweep_plot_reads_a_generic_csv(tmp_path):
    csv_path = tmp_path / "results.csv"
    csv_path.write_text("case,substrate,current_density_mA_cm2,short_capacity_mAh_cm2,sei_thickness_mean_nm\n"
                        "a,cu,4,0.6,\nb,cu,0.5,,\nc,cu,5,0.2,\nd,li2te_cu,5,,\n")
    d = sweep_plot.plot(csv_path, "current_density_mA_cm2", ["short_capacity_mAh_cm2", "sei_thickness_mean_nm"],
                        tmp_path, name="s")
    cu = next(s for s in d["series"] if s["group"] == "cu" and s["y"] == "short_capacity_mAh_cm2")
    assert list(cu["x_values"]) == [4.0, 5.0] and list(cu["y_values"]) == [0.6, 0.2]
    assert any("sei_thickness_mean_nm" in n for n in d["notes"])
    assert_not_blank(tmp_path / "s.png")
    with pytest.raises(SystemExit, match="no column 'nope'"):
        sweep_plot.plot(csv_path, "nope", ["short_capacity_mAh_cm2"], tmp_path)


def test_shorts_map_draws_each_case_outcome_beside_the_measurements(tmp_path):
    """postprocessing/shorts_map.py on a synthetic results.csv (no run): a short at its capacity, no short at the
    capacity reached, unfinished cases left out and listed; the measured outcomes drawn; the legend below."""
    import matplotlib.pyplot as plt

    from liplate.plotting import SHORT_OBSERVATIONS
    from postprocessing import shorts_map

    csv_path = tmp_path / "results.csv"
    csv_path.write_text(
        "case,dir,status,error,substrate,current_density_mA_cm2,capacity_mAh_cm2,short_circuit,short_capacity_mAh_cm2\n"
        "cu_0p5mA_1mAh,runs/a,completed,,cu,0.5,1.0,false,\n"
        "cu_5mA_1mAh,runs/b,short_circuit,,cu,5,0.2013,true,0.2013\n"
        "li2te_cu_8mA_1mAh,runs/c,completed,,li2te_cu,8,1.0,false,\n"
        "li2te_cu_1mA_15mAh,runs/d,pending,,,,,,\n")
    legend_ok = []
    orig = C.save_figure

    def keep(fig, outdir, name, data, formats=("png",)):
        fig.canvas.draw()
        for ax in fig.axes:
            leg = ax.get_legend()
            box, area = leg.get_window_extent(), ax.get_window_extent()
            legend_ok.append(box.y1 <= area.y0 + 1)
        return orig(fig, outdir, name, data, formats)

    C.save_figure = keep
    try:
        d = shorts_map.plot(csv_path, tmp_path)
    finally:
        C.save_figure = orig
        plt.close("all")
    model = {r["case"]: r for r in d["model"]}
    assert set(model) == {"cu_0p5mA_1mAh", "cu_5mA_1mAh", "li2te_cu_8mA_1mAh"}
    assert model["cu_5mA_1mAh"]["shorted"] and model["cu_5mA_1mAh"]["capacity_mAh_cm2"] == 0.2013
    assert not model["cu_0p5mA_1mAh"]["shorted"] and model["cu_0p5mA_1mAh"]["capacity_mAh_cm2"] == 1.0
    assert [r["case"] for r in d["not_drawn"]] == ["li2te_cu_1mA_15mAh"]
    assert len(d["measured"]) == len(SHORT_OBSERVATIONS) + len(shorts_map.CONTINUOUS_OBSERVATIONS)
    assert legend_ok == [True]
    assert_not_blank(tmp_path / "shorts_map.png")
    with pytest.raises(SystemExit, match="no column"):
        (tmp_path / "bad.csv").write_text("case,x\na,1\n")
        shorts_map.plot(tmp_path / "bad.csv", tmp_path)


def test_scripts_cope_with_outputs_that_lack_fields_and_columns(tmp_path, cases):
    bare = tmp_path / "bare" / "output"
    bare.mkdir(parents=True)
    shutil.copy(C.CaseOutput(cases[0]).outdir / "summary.json", bare / "summary.json")
    (bare / "timeseries.csv").write_text("time_s,capacity_mAh_cm2,voltage_V,thickness_mean_um\n0,0,-0.02,0\n")
    report = make_figures.build(tmp_path / "fig", cases=[bare.parent], run_missing=False, with_paraview=False,
                                with_quicklook=False)
    assert not report["missing"]
    sei = json.loads((tmp_path / "fig" / "sei.json").read_text())
    assert len(sei["notes"]) == 3 and all(C.NOT_MODELLED in n for n in sei["notes"])
    xs = json.loads((tmp_path / "fig" / "cross_section.json").read_text())
    assert xs["notes"] == ["no field frames"]
    foc = json.loads((tmp_path / "fig" / "focusing.json").read_text())
    assert any("no current density field" in n for n in foc["notes"])


# --- ParaView -----------------------------------------------------------------------------------

def _viridis_parameter(img: np.ndarray, tol: float = 14.0) -> np.ndarray:
    """For each pixel close to a Viridis colour, its position on the map in [0, 1]; NaN elsewhere."""
    import matplotlib

    lut = matplotlib.colormaps["viridis"](np.linspace(0, 1, 256))[:, :3] * 255
    packed, inverse = np.unique(img.reshape(-1, 3).astype(np.int64) @ np.array([65536, 256, 1]), return_inverse=True)
    colours = np.column_stack([packed // 65536, packed // 256 % 256, packed % 256]).astype(float)
    dist = np.linalg.norm(colours[:, None, :] - lut[None, :, :], axis=2)  # few distinct colours in a render
    param = np.where(dist.min(axis=1) < tol, dist.argmin(axis=1) / 255.0, np.nan)
    return param[inverse.ravel()]


def _paraview_or_skip() -> list[str]:
    cmd = make_figures.paraview_command()
    if cmd is None or (not os.environ.get("DISPLAY") and shutil.which("xvfb-run") is None):
        pytest.skip("pvbatch / xvfb-run not installed")
    return cmd


def test_paraview_screenshots_show_the_fields_and_the_state_loads(cases, tmp_path, x_display):
    cmd = _paraview_or_skip()
    out = C.CaseOutput(cases[0]).outdir
    images, state = tmp_path / "pv", tmp_path / "liplate_view.pvsm"
    assert make_figures.paraview_screenshots(out, images, state, timeout=240)
    man = json.loads((images / "paraview_manifest.json").read_text())
    assert {"phi", "current"} <= set(man["images"]), man
    for key, info in man["images"].items():
        png = images / info["png"]
        assert_not_blank(png)
        t = _viridis_parameter(_image(png))
        on_map = np.isfinite(t)
        # the field fills a good part of the view, not just the colour bar (a few % of the pixels)
        assert on_map.mean() > 0.15, f"{key}: only {on_map.mean():.1%} of the pixels carry colour-map colours"
        if key == "phi":  # linear in y across the window: the picture spans the last frame's share of the map
            phi = np.asarray(C.CaseOutput(cases[0]).last_frame().cell_data[info["array"]][0])
            lo_all, hi_all = info["range"]           # the colour range covers every time step
            expected = (float(phi.max()) - float(phi.min())) / (hi_all - lo_all)
            lo, hi = np.percentile(t[on_map], [2, 98])
            assert hi - lo > 0.8 * expected, f"phi colours span {lo:.2f}..{hi:.2f} of the map, data {expected:.2f}"
    assert "xi" in man["images"] or C.NOT_MODELLED in man["skipped"]["xi"]
    assert "sei" not in man["images"]      # a per-column quantity: drawn along the collector, not over the SE

    # The state file holds no absolute path and loads against a data directory.
    text = state.read_text()
    assert 'value="fields.pvd"' in text and str(out) not in text and str(REPO) not in text
    loader = tmp_path / "load_state.py"
    loader.write_text(
        "import os, sys\n"
        "from paraview.simple import LoadState, GetRenderViews, Render, SaveScreenshot\n"
        "LoadState(sys.argv[1], data_directory=sys.argv[2], restrict_to_data_directory=True)\n"
        "v = GetRenderViews()[0]\nRender(v)\n"
        "SaveScreenshot(sys.argv[3], v, ImageResolution=[800, 450])\nsys.stdout.flush()\nos._exit(0)\n")
    png = tmp_path / "from_state.png"
    r = subprocess.run([*cmd, str(loader), str(state), str(out), str(png)], capture_output=True, text=True,
                       env=make_figures.paraview_env(), timeout=240, cwd=tmp_path)
    assert r.returncode == 0 and png.is_file(), r.stdout + r.stderr
    t = _viridis_parameter(_image(png))
    assert np.isfinite(t).mean() > 0.15


def test_shorts_time_step_table_groups_runs_by_case_step_and_seed(tmp_path, capsys):
    """postprocessing/shorts_time_step.py on synthetic results.csv files (no run): the map's case is seed 0 at the
    shipped step, <case>_seed<n> the other seeds, <case>_dt<k>_seed<n> the step / k; the seed mean and its change
    from the shipped step; a run without a short shows its penetration depth and leaves the mean out."""
    from postprocessing import shorts_time_step

    head = "case,status,short_circuit,short_capacity_mAh_cm2,penetration_depth_um\n"
    (tmp_path / "map.csv").write_text(head + "cu_5mA_1mAh,short_circuit,true,0.30,713\n"
                                      "li2te_cu_1mA_1mAh,completed,false,,0\n")
    (tmp_path / "seeds.csv").write_text(head + "cu_5mA_1mAh_seed1,short_circuit,true,0.32,713\n"
                                        "cu_5mA_1mAh_seed2,short_circuit,true,0.31,713\n")
    (tmp_path / "dt.csv").write_text(head + "".join(f"cu_5mA_1mAh_dt2_seed{n},short_circuit,true,{q},713\n"
                                                    for n, q in enumerate((0.33, 0.34, 0.32)))
                                     + "cu_5mA_1mAh_dt4_seed0,completed,false,,6.5\n"
                                     + "cu_5mA_1mAh_dt4_seed1,failed,,,\n")
    shorts_time_step.main([str(tmp_path / f) for f in ("map.csv", "seeds.csv", "dt.csv")])
    rows = [r.split(" | ") for r in capsys.readouterr().out.strip().splitlines()[2:]]
    assert [r[0].lstrip("| ") for r in rows] == ["cu_5mA_1mAh"] * 3          # only the case the dt sweep has
    shipped, half, quarter = rows
    assert shipped[2:5] == ["0.300", "0.320", "0.310"] and shipped[5] == "0.310 ± 0.010"
    assert half[1] == "dt_max / 2" and half[5] == "0.330 ± 0.010" and half[6].startswith("+6.5 %")
    assert quarter[2] == "no short (6.5 µm)" and quarter[3] == "" and quarter[5] == "–"


def test_shorts_seeds_counts_shorts_per_case_with_an_exact_binomial_interval(tmp_path, capsys):
    """postprocessing/shorts_seeds.py on synthetic results.csv files (no run): the map's case is seed 0,
    <case>_seed<n> the others; time-step runs (_dt<k>) and unfinished runs are left out; the interval is
    Clopper-Pearson's (0 of 8: upper bound 1 - 0.025^(1/8) = 0.369; 8 of 8: lower bound 0.025^(1/8) = 0.631)."""
    from postprocessing import shorts_seeds

    head = "case,status,short_circuit,short_capacity_mAh_cm2,penetration_depth_um\n"
    (tmp_path / "map.csv").write_text(head + "cu_1mA_1mAh,short_circuit,true,0.30,713\n"
                                      "cu_0p5mA_1mAh,completed,false,,7.5\n")
    (tmp_path / "seeds.csv").write_text(head + "".join(
        f"cu_1mA_1mAh_seed{n},short_circuit,true,{0.30 + 0.02 * n},713\n" for n in range(1, 8)) + "".join(
        f"cu_0p5mA_1mAh_seed{n},completed,false,,{n}.0\n" for n in range(1, 8))
        + "cu_0p5mA_1mAh_dt2_seed1,short_circuit,true,0.4,713\ncu_0p5mA_1mAh_seed8,failed,,,\n")
    shorts_seeds.main([str(tmp_path / "map.csv"), str(tmp_path / "seeds.csv")])
    rows = {r.split(" | ")[0].lstrip("| "): r.split(" | ") for r in capsys.readouterr().out.splitlines()[2:]}
    assert set(rows) == {"cu_0p5mA_1mAh", "cu_1mA_1mAh"}
    low, high = rows["cu_0p5mA_1mAh"], rows["cu_1mA_1mAh"]
    assert low[1:4] == ["0–7", "0 of 8", "0.00 [0.00, 0.37]"] and low[5].startswith("7.5 / 1.0 / 2.0")
    assert high[1:5] == ["0–7", "8 of 8", "1.00 [0.63, 1.00]", "0.370 ± 0.049"]
    assert shorts_seeds.clopper_pearson(1, 3) == pytest.approx((0.00840, 0.90570), abs=1e-4)


def test_shorts_interface_table_groups_runs_by_case_interface_length_and_seed(tmp_path, capsys):
    """postprocessing/shorts_interface.py on synthetic results.csv files (no run): the map's cases are the production
    window, <case>_interface_<l>um[_seed<n>] the refined windows at l (no _seed: seed 0); the seed means, the change
    from l = 1 to 0.5 um and over the sequence's last step; a run without a short leaves its mean out."""
    from postprocessing import shorts_interface

    head = "case,status,short_circuit,short_capacity_mAh_cm2,penetration_depth_um\n"
    (tmp_path / "map.csv").write_text(head + "cu_5mA_1mAh,short_circuit,true,0.30,713\n"
                                      "cu_5mA_1mAh_seed1,short_circuit,true,0.32,713\n")
    rows = [("1", (0.30, 0.32)), ("0p707", (0.33, 0.35)), ("0p5", (0.33, 0.37)), ("0p354", (0.36, 0.38))]
    (tmp_path / "ell.csv").write_text(head + "".join(
        f"cu_5mA_1mAh_interface_{ell}um{'' if n == 0 else f'_seed{n}'},short_circuit,true,{q},713\n"
        for ell, qs in rows for n, q in enumerate(qs)) + "li2te_cu_4mA_1mAh_interface_0p5um,completed,false,,0.4\n"
        "li2te_cu_4mA_1mAh_interface_1um_seed0,failed,,,\n")
    shorts_interface.main([str(tmp_path / "map.csv"), str(tmp_path / "ell.csv")])
    out = capsys.readouterr().out.strip().splitlines()
    assert "refined, ℓ = 1 µm" in out[0] and out[0].index("ℓ = 0.707") < out[0].index("ℓ = 0.354")
    cu = next(r for r in out if r.startswith("| cu_5mA_1mAh |")).split(" | ")
    assert cu[1].startswith("0.310 ± 0.014") and cu[4].startswith("0.350 ± 0.028")
    assert cu[6] == "+12.9 %" and cu[7].rstrip(" |") == "+5.7 %"
    li = next(r for r in out if r.startswith("| li2te_cu_4mA_1mAh |")).split(" | ")
    assert li[4] == "no short (0.4 µm)" and li[6] == ""


def test_mesh_seeds_paired_change_and_its_bootstrap_interval():
    """postprocessing/mesh_seeds.py's paired change on synthetic runs (no run): a setting that scales every seed's
    value by 1.1 changes by +10 % with a zero-width interval (the pairing removes the seed spread, however large);
    the pooled island width is the wetted length over the island count; a change made of independent noise has an
    interval that holds 0 and is as wide as the normal theory's for the mean of a difference."""
    from postprocessing import mesh_seeds as M

    def run(seed, wetted, islands):
        return {"seed": seed, "wetted_fraction": wetted, "focusing_factor_peak": 1.0,
                "island_width_mean_um": float(np.mean(islands)), "islands_um": np.asarray(islands, float)}

    spread = np.random.default_rng(1).uniform(0.5, 1.0, 10)
    ref = [run(s, v, [100.0]) for s, v in enumerate(spread)]
    scaled = [run(s, 1.1 * v, [60.0, 40.0]) for s, v in enumerate(spread)]
    change, low, high, n = M.paired_change(ref, scaled, M.STATISTICS["wetted"])
    assert n == 10 and change == pytest.approx(0.1) and low == pytest.approx(0.1) and high == pytest.approx(0.1)
    assert M.pooled_width(scaled) == pytest.approx(50.0)
    assert M.paired_change(ref, scaled, M.pooled_width)[0] == pytest.approx(-0.5)
    assert np.isnan(M.paired_change(ref[:1], scaled, M.pooled_width)[0])          # one paired seed: no interval

    rng = np.random.default_rng(2)
    seeds, sd, mean = 100, 0.05, 0.8
    a = [run(s, mean + sd * rng.standard_normal(), [100.0]) for s in range(seeds)]
    b = [run(s, mean + sd * rng.standard_normal(), [100.0]) for s in range(seeds)]
    _, low, high, _ = M.paired_change(a, b, M.STATISTICS["wetted"], samples=2000)
    assert low < 0.0 < high
    normal_width = 2 * 1.96 * np.sqrt(2) * sd / mean / np.sqrt(seeds)      # the normal theory's 95 % interval
    assert high - low == pytest.approx(normal_width, rel=0.2)


def test_mesh_seeds_labels_are_relative_to_the_shipped_production():
    """postprocessing/mesh_seeds.py names a run's setting by its change from the production setting, which is the
    shipped cu_0p5mA_1mAh's (so a study re-run around a new base gets its tables, not a tuple for a label); with
    the former base given, the labels of the tables in docs/phasefield.md come back."""
    from postprocessing import mesh_seeds as M

    shipped = M.shipped_production()
    assert shipped == (1200, 88, 0.5, 60.0)                  # cases/cu_0p5mA_1mAh since 2026-12-04
    assert [M.setting_label((cx, cy, 0.5, 60.0), shipped) for cx, cy in ((1200, 88), (2400, 88), (1200, 176))] \
        == ["production", "2x in x", "2x in y"]
    former = (600, 56, 1.0, 60.0)
    assert [M.setting_label(k, former) for k in ((600, 56, 1.0, 60.0), (1200, 112, 0.707, 60.0),
                                                 (600, 56, 1.0, 15.0), (900, 56, 1.0, 60.0))] == \
        ["production", "2x in x and y, interface 0.707 um", "dt_max / 4", "1.5x in x"]


def test_seed_study_scripts_read_real_runs(cases, capsys):
    """postprocessing/mesh_seeds.py and focusing_estimators.py on the runs of this module (real outputs, the former
    mesh, so labelled relative to it and to the shipped case): each prints its tables with one row per run. (The
    estimators' script called mesh_seeds.read_runs with an argument missing from 2026-12-04 to 2026-12-05.)"""
    from postprocessing import focusing_estimators, mesh_seeds

    runs = cases[1].parent
    for production in (["--production", "600", "56", "1", "60"], []):
        mesh_seeds.main([*production, str(runs)])
        out = capsys.readouterr().out
        assert out.count("| 0 |") >= len(cases), out
        focusing_estimators.main([*production, str(runs)])
        out = capsys.readouterr().out
        peaks = [ln.split("|") for ln in out.splitlines() if ln.startswith("| cell max, resolved Li (summary) |")]
        # one setting (both runs on one mesh), both runs in it, a finite peak focusing at the last frame (1 mAh/cm^2)
        assert len(peaks) == 1 and int(peaks[0][3]) == len(cases) and float(peaks[0][-2]) >= 1.0, out
