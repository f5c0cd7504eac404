"""Shared by the benchmarks that time whole ``liplate`` commands (bench_sweep.py, bench_phasefield_mpi.py)."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

#: the ``liplate`` entry point of the Python that runs the benchmark
LIPLATE = str(Path(sys.executable).with_name("liplate"))


def timed(cmd: list[str]) -> float:
    """Wall time (s) of ``cmd``, one core per process (Open MPI allowed to run as root); exits with the
    command's output if it fails."""
    env = dict(os.environ, OMP_NUM_THREADS="1", OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
    t0 = time.perf_counter()
    out = subprocess.run(cmd, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if out.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({out.returncode}):\n{out.stdout}{out.stderr}")
    return wall
