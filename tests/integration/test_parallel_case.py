"""One case domain-decomposed over 2 MPI ranks (PETSc) gives the serial summary within 1e-3."""
import json
import os
import shutil
import subprocess
import sys

import pytest

from liplate.env import has_petsc
from liplate.simulation import run_case

pytestmark = [pytest.mark.mpi,
              pytest.mark.skipif(shutil.which("mpiexec") is None, reason="mpiexec not installed"),
              pytest.mark.skipif(not has_petsc(), reason="petsc4py not importable (make system-deps)")]

KEYS = ("thickness_mean_um", "faraday_thickness_um", "capacity_mAh_cm2", "cell_voltage_final_V",
        "focusing_factor_peak", "sei_thickness_mean_nm", "li_lost_to_sei_mAh_cm2", "steps", "cells")


def test_two_ranks_equal_serial(case_dir):
    over = dict(domain__cells_x=16, domain__cells_y=16, output__frames=2)
    serial = run_case(case_dir("serial", **over), progress=False)
    d = case_dir("parallel", **over)
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1", OMP_NUM_THREADS="1")
    out = subprocess.run(["mpiexec", "-n", "2", sys.executable, "-m", "liplate.cli", "run", str(d), "-q"],
                         capture_output=True, text=True, timeout=300, env=env)
    assert out.returncode == 0, out.stderr[-3000:]
    par = json.loads((d / "output" / "summary.json").read_text())
    assert par["provenance"]["mpi_size"] == 2
    for k in KEYS:
        assert par[k] == pytest.approx(serial[k], rel=1e-3), k


def test_serial_model_on_two_ranks_is_refused_with_a_clear_error(case_dir):
    """The phase field runs one case per rank: under mpiexec -n 2 it stops before any output and says
    to use a sweep instead (instead of two ranks each doing half a case wrongly)."""
    d = case_dir("pf", case__model="phasefield", domain__cells_x=20, domain__cells_y=10)
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1", OMP_NUM_THREADS="1")
    out = subprocess.run(["mpiexec", "-n", "2", sys.executable, "-m", "liplate.cli", "run", str(d), "-q"],
                         capture_output=True, text=True, timeout=300, env=env)
    assert out.returncode != 0
    assert "'phasefield' model runs one case on one MPI rank" in out.stderr + out.stdout
    assert "liplate sweep" in out.stderr + out.stdout
    assert not (d / "output" / "summary.json").exists()
