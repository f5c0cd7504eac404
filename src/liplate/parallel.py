"""MPI facts for the rest of liplate, without importing mpi4py unless MPI is really in use."""
from __future__ import annotations

import os
from functools import lru_cache

_MPI_ENV = ("OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK", "MPI_LOCALNRANKS", "SLURM_STEP_NUM_TASKS")


def launched_by_mpi() -> bool:
    return any(v in os.environ for v in _MPI_ENV[:4])


@lru_cache(maxsize=1)
def comm_info() -> tuple[int, int]:
    """(size, rank) of COMM_WORLD; (1, 0) when not launched by mpiexec."""
    if not launched_by_mpi():
        return 1, 0
    from mpi4py import MPI
    return MPI.COMM_WORLD.Get_size(), MPI.COMM_WORLD.Get_rank()


def is_root() -> bool:
    return comm_info()[1] == 0
