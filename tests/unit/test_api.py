"""The Python API: ``import liplate`` is inert, a case changed in code is validated as a file is, runs give
Results whose tables and fields are the files on disk, sweeps load with numeric swept values, ``liplate new``
copies a case without its outputs, and the example in docs/examples runs."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import liplate
from liplate.case import CaseError, load_case

REPO = Path(__file__).resolve().parents[2]
SHARP = REPO / "cases" / "sharp_li2te_cu_0p5mA_1mAh"
EXAMPLE = REPO / "docs" / "examples" / "python_api.py"


def test_import_liplate_changes_nothing_in_the_process_and_stays_light():
    # liplate.api and liplate.cli too: the CLI sets OMP_NUM_THREADS from liplate.api before NumPy loads
    code = ("import os, sys, json; before = dict(os.environ); import liplate, liplate.api, liplate.cli; "
            "print(json.dumps({'env_same': before == dict(os.environ), "
            "'heavy': sorted(m for m in ('numpy', 'fipy', 'pint', 'pandas', 'matplotlib', 'pyvista', 'mpi4py') "
            "if m in sys.modules)}))")
    env = {k: v for k, v in os.environ.items() if k not in ("OMP_NUM_THREADS",
                                                             "OMPI_MCA_mca_base_component_show_load_errors")}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    result = json.loads(out.stdout)
    assert result == {"env_same": True, "heavy": []}


@pytest.mark.parametrize("module", ["liplate.models.phasefield", "liplate.models.phasefield_config",
                                    "liplate.models.filament_config", "liplate.schema"])
def test_a_model_module_imports_first_in_a_fresh_interpreter(module):
    # the schema registers sections defined next to the models, which import the schema back: entered from
    # a model module, that cycle once found the schema half-built (ImportError on `SECTIONS`)
    r = subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr[-2000:]


def test_every_public_name_resolves():
    for name in liplate.__all__:
        assert getattr(liplate, name) is not None, name
    with pytest.raises(AttributeError):
        liplate.no_such_thing  # noqa: B018


def test_a_run_sets_one_thread_unless_told_otherwise(monkeypatch):
    from liplate.api import configure_run_environment

    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    monkeypatch.delenv("OMPI_MCA_mca_base_component_show_load_errors", raising=False)
    assert configure_run_environment()["OMP_NUM_THREADS"] == "1"
    assert os.environ["OMP_NUM_THREADS"] == "1"
    monkeypatch.setenv("OMP_NUM_THREADS", "3")
    assert "OMP_NUM_THREADS" not in configure_run_environment()
    assert os.environ["OMP_NUM_THREADS"] == "3"


# -- with_values -----------------------------------------------------------------------------------

def test_with_values_converts_practical_units_once_and_returns_a_new_case():
    case = liplate.load_case(SHARP)
    fast = case.with_values({"protocol.current_density": "4 mA/cm^2", "parameters.lpscl.conductivity": "3 mS/cm",
                             "domain": {"cells_x": 8}})
    assert fast["protocol"]["current_density"] == pytest.approx(40.0)        # A/m^2
    assert fast.p("lpscl.conductivity") == pytest.approx(0.3)                # S/m
    assert fast["domain"]["cells_x"] == 8
    assert case["protocol"]["current_density"] == pytest.approx(5.0)         # the original is unchanged
    assert case.p("lpscl.conductivity") != pytest.approx(0.3)
    assert "protocol.current_density = 4 mA/cm^2" in fast["case"]["title"]


def _message(exc: CaseError, where: str) -> str:
    """A CaseError's text with its 'where' (the file, or the file + "(with_values)") made anonymous."""
    return str(exc).replace(where, "WHERE")


@pytest.mark.parametrize("key, value", [
    ("protocol.current_density", "4 mA"),                 # wrong dimension
    ("protocol.current_density", "-4 mA/cm^2"),           # out of range
    ("domain.cells_x", 0),                                # integer out of range
    ("case.substrate", "copper"),                         # not a choice
    ("domain.grading", 7.0),                              # above its maximum
])
def test_with_values_is_validated_exactly_as_a_case_file_is(tmp_path, key, value):
    from liplate.sweep.expand import dumps_toml, set_path

    case = liplate.load_case(SHARP)
    with pytest.raises(CaseError) as in_code:
        case.with_values({key: value})
    data = json.loads(json.dumps(case.raw))
    set_path(data, key, value)
    (tmp_path / "case.toml").write_text(dumps_toml(data))
    with pytest.raises(CaseError) as in_file:
        load_case(tmp_path)
    assert _message(in_code.value, f"{case.source_file} (with_values)") == \
        _message(in_file.value, str(tmp_path / "case.toml"))


def test_with_values_names_unknown_keys_with_a_suggestion():
    case = liplate.load_case(SHARP)
    with pytest.raises(CaseError, match="did you mean 'current_density'"):
        case.with_values({"protocol.current_densty": "1 mA/cm^2"})
    with pytest.raises(CaseError, match="did you mean 'conductivity'"):
        case.with_values({"parameters.lpscl.conductivty": "1 mS/cm"})


# -- run and Result --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def small_run(tmp_path_factory):
    case = liplate.load_case(SHARP).with_values({"domain.cells_x": 6, "domain.cells_y": 6, "output.frames": 3,
                                                 "protocol.current_density": "2 mA/cm^2"})
    out = tmp_path_factory.mktemp("api") / "run"
    return case, liplate.run(case, output=out, progress=False)


def test_run_writes_the_case_it_ran_and_its_results(small_run):
    case, result = small_run
    assert result.status == "completed"
    assert (result.case_dir / "case.toml").is_file()
    again = load_case(result.case_dir)                     # the written case.toml reproduces the case
    assert again.sections == case.sections
    assert result.summary == json.loads((result.path / "summary.json").read_text())
    # charge conservation as the run reports it: capacity = j t
    ts = result.timeseries
    q = result.summary["current_density_mA_cm2"] * ts["time_s"].iloc[-1] / 3600.0
    assert q == pytest.approx(result.summary["capacity_mAh_cm2"], rel=1e-9)


def test_result_tables_are_the_csv_files_with_units_in_the_column_names(small_run):
    _, result = small_run
    ts = result.timeseries
    assert {"time_s", "capacity_mAh_cm2", "voltage_V", "thickness_mean_um"} <= set(ts.columns)
    assert ts["voltage_V"].iloc[-1] == pytest.approx(result.summary["cell_voltage_final_V"], rel=1e-9)
    iface = result.interface
    assert iface is not None and {"x_um", "thickness_um"} <= set(iface.columns)
    last = result.interface_at(-1)
    assert np.all(np.diff(last["x_um"]) > 0)
    assert last["thickness_um"].mean() == pytest.approx(result.summary["thickness_mean_um"], rel=1e-6)


def test_result_fields_are_the_last_vtu_frame(small_run):
    _, result = small_run
    mesh = result.fields()
    assert mesh.n_cells == 36
    assert "phi_V" in mesh.cell_data
    assert mesh.field_data["time_s"][0] == pytest.approx(result.frames[-1][0])
    assert result.fields(0).field_data["time_s"][0] == 0.0
    with pytest.raises(IndexError):
        result.fields(99)


def test_interface_holds_every_frame_and_gives_one_at_a_time(small_run):
    _, result = small_run
    rows = result.interface
    frames = sorted(rows["frame"].unique().tolist())
    assert result.interface_frames() == frames and len(frames) > 1
    assert (result.interface_at(0)["thickness_um"] == 0).all()            # nothing plated at t = 0
    last = rows[rows["frame"] == frames[-1]].sort_values("x_um")
    assert result.interface_at(-1)["thickness_um"].tolist() == last["thickness_um"].tolist()
    assert (result.interface_at(-1)["thickness_um"] > 0).all()


def test_a_rerun_returns_the_stored_result_and_another_case_is_refused(small_run):
    case, result = small_run
    mtime = (result.path / "summary.json").stat().st_mtime_ns
    again = liplate.run(case, output=result.case_dir, progress=False)
    assert (again.path / "summary.json").stat().st_mtime_ns == mtime
    with pytest.raises(CaseError, match="holds another case"):
        liplate.run(case.with_values({"protocol.capacity": "0.5 mAh/cm^2"}), output=result.case_dir)


def test_a_case_changed_in_code_is_not_run_over_the_case_files_results():
    case = liplate.load_case(SHARP).with_values({"protocol.current_density": "4 mA/cm^2"})
    with pytest.raises(CaseError, match="output=DIR"):
        liplate.run(case)


def test_load_results_reads_a_case_or_its_output_and_says_when_there_is_none(small_run, tmp_path):
    _, result = small_run
    assert liplate.load_results(result.case_dir).path == liplate.load_results(result.path).path
    with pytest.raises(FileNotFoundError, match="no liplate results"):
        liplate.load_results(tmp_path)


def test_result_plot_draws_the_standard_figures(small_run, tmp_path):
    _, result = small_run
    fig = result.plot(save=tmp_path / "fig.png")
    assert len(fig.axes) >= 4 and (tmp_path / "fig.png").stat().st_size > 10_000
    ax = result.plot("thickness").axes[0]
    assert ax.get_xlabel() == "plated capacity (mAh/cm$^2$)"
    with pytest.raises(ValueError, match="allowed"):
        result.plot("nonsense")


# -- sweeps ----------------------------------------------------------------------------------------

def test_load_sweep_turns_swept_quantities_into_numbers(tmp_path):
    (tmp_path / "sweep.toml").write_text("")
    (tmp_path / "results.csv").write_text(
        "case,dir,protocol.current_density,case.substrate,protocol.stack_pressure,domain.cells_x,status,error,"
        "thickness_mean_um,short_circuit\n"
        "a,runs/a,0.5 mA/cm^2,cu,5 MPa,4,completed,,4.1,false\n"
        "b,runs/b,1 mA/cm^2,li2te_cu,500 kPa,8,completed,,4.2,false\n"
        "c,runs/c,2000 uA/cm^2,cu,13 MPa,4,failed,SolveFailed: x,,\n")
    df = liplate.load_sweep(tmp_path / "sweep.toml")
    assert df["protocol.current_density_mA_cm2"].tolist() == pytest.approx([0.5, 1.0, 2.0])
    assert df["protocol.stack_pressure_MPa"].tolist() == pytest.approx([5.0, 0.5, 13.0])
    assert df["case.substrate"].tolist() == ["cu", "li2te_cu", "cu"]
    assert df["domain.cells_x"].tolist() == [4, 8, 4]
    assert np.isnan(df["thickness_mean_um"].iloc[2])
    assert df.attrs["units"] == {"protocol.current_density_mA_cm2": "mA/cm^2", "protocol.stack_pressure_MPa": "MPa"}
    assert df.attrs["swept"] == ["protocol.current_density_mA_cm2", "case.substrate", "protocol.stack_pressure_MPa",
                                 "domain.cells_x"]
    assert liplate.load_sweep(tmp_path).equals(df) and liplate.load_sweep(tmp_path / "results.csv").equals(df)
    with pytest.raises(FileNotFoundError, match="run the sweep first"):
        liplate.load_sweep(tmp_path / "elsewhere" / "sweep.toml")


# -- liplate new -------------------------------------------------------------------------------------

def test_liplate_new_copies_the_case_without_outputs_and_runs(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    text = (SHARP / "case.toml").read_text()
    text = text.replace("cells_x = 20", "cells_x = 6").replace("cells_y = 20", "cells_y = 6")
    (src / "case.toml").write_text(text)
    (src / "output").mkdir()
    (src / "output" / "summary.json").write_text("{}")
    (src / "notes.md").write_text("why this case\n")
    cli = [sys.executable, "-m", "liplate.cli"]
    r = subprocess.run([*cli, "new", str(tmp_path / "mine"), "--from", str(src)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    new = tmp_path / "mine"
    assert sorted(p.name for p in new.iterdir()) == ["case.toml", "notes.md"]
    copied = (new / "case.toml").read_text()
    assert 'title = "mine (from src)"' in copied
    assert copied.replace('"mine (from src)"', "X") == text.replace(
        '"Li2Te-Cu, 0.5 mA/cm^2, 1 mAh/cm^2"', "X")       # comments and layout kept, only the title changed
    r = subprocess.run([*cli, "new", str(new), "--from", str(src)], capture_output=True, text=True)
    assert r.returncode == 2 and "not empty" in r.stderr
    r = subprocess.run([*cli, "run", str(new), "-q"], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    assert liplate.load_results(new).status == "completed"


def test_liplate_new_refuses_a_broken_source(tmp_path):
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "case.toml").write_text('[case]\nsubstrate = "copper"\n')
    with pytest.raises(CaseError, match="copper"):
        liplate.new_case(tmp_path / "copy", tmp_path / "bad")
    assert not (tmp_path / "copy").exists()


# -- the documented example ---------------------------------------------------------------------------

def test_the_python_api_example_runs(tmp_path):
    r = subprocess.run([sys.executable, str(EXAMPLE), str(tmp_path / "example")], capture_output=True, text=True,
                       cwd=tmp_path, timeout=600)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    assert "protocol.current_density_mA_cm2" in r.stdout
    assert (tmp_path / "example" / "voltage_vs_capacity.png").stat().st_size > 10_000
