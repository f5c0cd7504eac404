"""One case domain-decomposed over 2 MPI ranks (PETSc) gives the serial summary within 1e-3."""
import json
import os
import subprocess
import sys

import pytest
from conftest import FORMER_MESH

from liplate.calibration import write_variant
from liplate.env import has_petsc, mpiexec
from liplate.simulation import run_case

pytestmark = [pytest.mark.mpi,                  # skipped without mpi4py + MPI + mpiexec (conftest)
              pytest.mark.skipif(not has_petsc(), reason="petsc4py not importable (make system-deps)")]

KEYS = ("thickness_mean_um", "faraday_thickness_um", "capacity_mAh_cm2", "cell_voltage_final_V",
        "focusing_factor_peak", "sei_thickness_mean_nm", "li_lost_to_sei_mAh_cm2", "steps", "cells")


def _mpirun(d, ranks=2):
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1", OMP_NUM_THREADS="1")
    return subprocess.run([mpiexec(), "-n", str(ranks), sys.executable, "-m", "liplate.cli", "run", str(d), "-q"],
                          capture_output=True, text=True, timeout=300, env=env)


def test_two_ranks_equal_serial(case_dir):
    over = dict(domain__cells_x=16, domain__cells_y=16, output__frames=2)
    serial = run_case(case_dir("serial", **over), progress=False)
    d = case_dir("parallel", **over)
    out = _mpirun(d)
    assert out.returncode == 0, out.stderr[-3000:]
    par = json.loads((d / "output" / "summary.json").read_text())
    assert par["provenance"]["mpi_size"] == 2
    for k in KEYS:
        assert par[k] == pytest.approx(serial[k], rel=1e-3), k


def test_phase_field_on_two_ranks_equals_serial(shipped_case):
    """The phase field keeps its fields on every rank and solves its two linear systems across the ranks
    (PETSc, hypre / Jacobi): the Cu case with islands takes the same steps and gives the serial summary."""
    summaries = {}
    for name in ("serial", "parallel"):
        d = shipped_case("cu_1mA_1mAh")
        d = d.rename(d.parent / name)
        text = (d / "case.toml").read_text()
        text = text.replace('capacity = "1 mAh/cm^2"', 'capacity = "0.25 mAh/cm^2"')
        text = text.replace("frames = 10", "frames = 2")
        (d / "case.toml").write_text(text)
        write_variant(d, d, FORMER_MESH)                    # serial = parallel is not a mesh question
        if name == "serial":
            summaries[name] = run_case(d, progress=False)
        else:
            out = _mpirun(d)
            assert out.returncode == 0, out.stderr[-3000:]
            summaries[name] = json.loads((d / "output" / "summary.json").read_text())
    serial, par = summaries["serial"], summaries["parallel"]
    assert par["provenance"]["mpi_size"] == 2 and serial["provenance"]["mpi_size"] == 1
    assert par["island_count"] == serial["island_count"] and par["steps"] == serial["steps"]
    for k in (*KEYS, "wetted_fraction", "focusing_factor_mean", "nucleation_overpotential_mV"):
        assert par[k] == pytest.approx(serial[k], rel=1e-3), k


def test_solver_that_cannot_run_across_ranks_is_refused_with_a_clear_error(shipped_case):
    """Only PETSc's solvers share one phase-field case between ranks; LU under mpiexec -n 2 stops before any
    output and names the key, the value and what is allowed."""
    d = shipped_case("cu_1mA_1mAh")
    text = (d / "case.toml").read_text().replace('solver = "pcg-amg"', 'solver = "lu"')
    (d / "case.toml").write_text(text)
    out = _mpirun(d)
    assert out.returncode != 0
    msg = out.stderr + out.stdout
    assert "[numerics] solver = 'lu' solves on one MPI rank only" in msg and "pcg-amg" in msg
    assert not (d / "output" / "summary.json").exists()
