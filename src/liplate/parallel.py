"""MPI facts for the rest of liplate, without importing mpi4py unless MPI is really in use.

mpi4py is optional (``make setup-mpi``, or Debian's with ``make system-deps``): without it every run is serial.
A process started by ``mpiexec -n N`` (N > 1) without a working mpi4py stops with :class:`MPIUnavailable`
instead of running N copies of the same serial job into the same files.
"""
from __future__ import annotations

import os
from functools import lru_cache

_MPI_ENV = ("OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK", "MPI_LOCALNRANKS", "SLURM_STEP_NUM_TASKS")
#: variables a launcher sets to the number of ranks (Open MPI, MPICH/Hydra and PMI-based launchers)
_SIZE_ENV = ("OMPI_COMM_WORLD_SIZE", "PMI_SIZE")


class MPIUnavailable(RuntimeError):
    """Started by an MPI launcher over several ranks, but mpi4py or its MPI library is missing."""


def launched_by_mpi() -> bool:
    return any(v in os.environ for v in _MPI_ENV[:4])


def _launched_size() -> int | None:
    """The number of ranks the launcher announced, or None when it did not say."""
    for var in _SIZE_ENV:
        try:
            return int(os.environ[var])
        except (KeyError, ValueError):
            continue
    return None


@lru_cache(maxsize=1)
def comm_info() -> tuple[int, int]:
    """(size, rank) of COMM_WORLD; (1, 0) when not launched by mpiexec (or by ``mpiexec -n 1`` without
    mpi4py). Raises MPIUnavailable when launched over several ranks without a working mpi4py."""
    if not launched_by_mpi():
        return 1, 0
    try:
        from mpi4py import MPI
    except ImportError as exc:
        reason = "mpi4py is not installed"
        cause = exc
    except RuntimeError as exc:          # mpi4py installed, but it finds no MPI library to load
        reason = f"mpi4py cannot load an MPI library ({exc})"
        cause = exc
    else:
        return MPI.COMM_WORLD.Get_size(), MPI.COMM_WORLD.Get_rank()
    size = _launched_size()
    if size == 1:
        return 1, 0
    ranks = f"{size} ranks" if size else "several ranks"
    raise MPIUnavailable(f"started by an MPI launcher over {ranks}, but {reason}: each rank would run the "
                         "whole job alone. Install MPI with `make setup-mpi` (no root; then use "
                         ".venv/bin/mpiexec) or `make system-deps && make setup` (root, Debian's Open MPI), "
                         "or run without mpiexec (serial); `liplate info` shows what is installed") from cause


def is_root() -> bool:
    return comm_info()[1] == 0
