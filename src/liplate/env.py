"""What this installation can do: MPI, PETSc, ParaView. No physics."""
from __future__ import annotations

import importlib.util
import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

from . import __version__


def has_petsc() -> bool:
    return importlib.util.find_spec("petsc4py") is not None


def has_mpiexec() -> bool:
    return shutil.which("mpiexec") is not None


def pvpython() -> str | None:
    return shutil.which("pvpython")


@lru_cache(maxsize=1)
def git_revision() -> str | None:
    """Git revision of the liplate source tree, or None outside a checkout."""
    here = Path(__file__).resolve().parent
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=here, capture_output=True,
                             text=True, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None if out.returncode == 0 else None


def describe() -> str:
    parts = [f"liplate {__version__}", "PETSc: " + ("yes" if has_petsc() else "no (serial SciPy solvers)"),
             "mpiexec: " + ("yes" if has_mpiexec() else "no"),
             "ParaView: " + ("yes" if pvpython() else "no")]
    return "; ".join(parts)
