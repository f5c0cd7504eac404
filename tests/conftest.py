"""Shared fixtures: small case directories written from dicts."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from liplate.physics.deposit import MEASURED_THICKNESS_LI2TE_CU
from liplate.units import C_M2_PER_MAH_CM2, M_PER_UM

os.environ.setdefault("OMPI_ALLOW_RUN_AS_ROOT", "1")
os.environ.setdefault("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

REPO = Path(__file__).resolve().parents[1]
#: how long the session's Xvfb may take to accept connections (s); a loaded 2-core machine needs more than 1 s
XVFB_START_TIMEOUT_S = 60
#: measured Li2Te-Cu deposit thickness (um) at 0.5 mA/cm^2 by capacity (mAh/cm^2), BRIEF §2; the data live in
#: liplate.physics.deposit (SI, keyed by charge per area)
MEASURED_LI2TE_CU_UM = {round(q / C_M2_PER_MAH_CM2): h / M_PER_UM for q, h in MEASURED_THICKNESS_LI2TE_CU.items()}
LIPLATE = shutil.which("liplate") or str(Path(os.sys.executable).with_name("liplate"))


def pytest_collection_modifyitems(config, items):
    """Tests marked ``mpi`` skip, with the reason, unless mpi4py loads an MPI library and an mpiexec exists
    (``make setup-mpi`` or ``make system-deps``); the probe runs only when such a test was collected."""
    mpi_items = [item for item in items if item.get_closest_marker("mpi")]
    if not mpi_items:
        return
    from liplate.env import mpi_ready, probe

    if mpi_ready():
        return
    why = probe(petsc=False).get("mpi4py_error") or "mpi4py not installed"
    skip = pytest.mark.skip(reason=f"needs mpi4py with an MPI library and mpiexec ({why}; make setup-mpi)")
    for item in mpi_items:
        item.add_marker(skip)


def toml_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return repr(v)


def write_case(directory: Path, sections: dict) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    lines = []
    for sec, keys in sections.items():
        lines.append(f"[{sec}]")
        for k, v in keys.items():
            key = f'"{k}"' if "." in k else k
            lines.append(f"{key} = {toml_value(v)}")
        lines.append("")
    (directory / "case.toml").write_text("\n".join(lines))
    return directory


#: The former production cells of the 1 mAh/cm^2 cases: interface length 1 um on 600 x 56 cells (fine cells 0.5 um).
#: Fast tests that run a shipped case for something that is not a mesh question (the small-signal analysis, the
#: postprocessing scripts, serial = parallel) run it on these cells, in the same ratio of cells to interface
#: length as the shipped 1200 x 88 cells at 0.5 um, which cost ~4x (docs/phasefield.md, "Shipped cases since
#: 2026-12-04"); the slow tests run the shipped cells. Apply with liplate.calibration.write_variant (dotted paths).
FORMER_MESH = {"domain.cells_x": 600, "domain.cells_y": 56, "phasefield.fine_cell_height": "0.5 um",
               "phasefield.interface_length": "1 um"}


def small_case(**over) -> dict:
    base = {
        "case": {"substrate": "li2te_cu", "model": "sharp"},
        "protocol": {"current_density": "0.5 mA/cm^2", "capacity": "1 mAh/cm^2"},
        "domain": {"width": "100 um", "height": "50 um", "cells_x": 8, "cells_y": 8},
        "numerics": {"dt_initial": "10 s", "dt_max": "600 s"},
        "output": {"frames": 4},
    }
    for dotted, value in over.items():
        sec, key = dotted.split("__", 1)
        base.setdefault(sec, {})[key] = value
    return base


@pytest.fixture
def shipped_case(tmp_path):
    """A copy of ``cases/<name>`` (without its output) in a temporary directory, to run without touching
    the repository's results."""
    def copy(name: str) -> Path:
        dest = tmp_path / name
        shutil.copytree(REPO / "cases" / name, dest, ignore=shutil.ignore_patterns("output", "runs"))
        return dest
    return copy


@pytest.fixture
def case_dir(tmp_path):
    def make(name="case", **over):
        return write_case(tmp_path / name, small_case(**over))
    return make


def _x_accepts(n: int) -> bool:
    """Whether X server :n accepts a connection on its Unix socket (the socket file alone can appear first)."""
    import socket

    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        try:
            sock.connect(f"/tmp/.X11-unix/X{n}")
            return True
        except OSError:
            return False


@pytest.fixture(scope="session")
def x_display():
    """One Xvfb server for the session's ParaView renders (``xvfb-run -a`` per call races for display
    numbers and loses under load). Yields the DISPLAY in use, or None where there is neither a display nor
    Xvfb (the ParaView tests then skip or fall back)."""
    import subprocess
    import time

    if os.environ.get("DISPLAY"):
        yield os.environ["DISPLAY"]
        return
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        yield None
        return
    for n in range(90, 130):
        if not Path(f"/tmp/.X{n}-lock").exists() and not Path(f"/tmp/.X11-unix/X{n}").exists():
            break
    proc = subprocess.Popen([xvfb, f":{n}", "-screen", "0", "1280x1024x24", "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + XVFB_START_TIMEOUT_S
    while time.time() < deadline and proc.poll() is None and not _x_accepts(n):
        time.sleep(0.1)
    if not _x_accepts(n):
        # say so here, instead of letting pvbatch abort on a display that is not there (seen with the suite
        # niced behind two busy ranks: three pvbatch attempts died creating their window on :90)
        code = proc.poll()
        if code is None:
            proc.terminate()
            proc.wait(timeout=10)
        raise RuntimeError(f"Xvfb :{n} did not accept connections within {XVFB_START_TIMEOUT_S} s "
                           f"(exit code {code}); the ParaView tests need a display")
    os.environ["DISPLAY"] = f":{n}"
    try:
        yield os.environ["DISPLAY"]
    finally:
        del os.environ["DISPLAY"]
        proc.terminate()
        proc.wait(timeout=10)
