"""What this installation can do: MPI, PETSc, ParaView, and what each of them enables. No physics.

The parallel pieces are optional; liplate runs every case serially without any of them:

- mpi4py + an MPI library + ``mpiexec``: sweeps over MPI ranks (``mpiexec -n N liplate sweep FILE``).
  Without root: ``make setup-mpi`` (mpi4py and MPICH from PyPI, both in the venv, ``.venv/bin/mpiexec``).
- petsc4py (Debian's PETSc, linked to Debian's Open MPI): FiPy's PETSc solvers, hypre AMG, one case over
  several ranks. With root: ``make system-deps && make setup`` (mpi4py then loads that same Open MPI).
- ParaView (``pvpython``/``pvbatch``): screenshots in ``make figures`` and the ParaView tests.

One process must never load two MPI libraries (PETSc's and another one): :func:`mpi_conflict` reports it.
"""
from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from . import __version__

#: what the probe subprocess may take at most (s): importing petsc4py and initialising MPI on a loaded machine
PROBE_TIMEOUT_S = 120

#: run in a fresh interpreter, so that this process neither initialises MPI nor loads an MPI library. mpi4py
#: first, as FiPy imports it, then petsc4py; prints JSON: versions, errors, the libmpi files the process mapped.
_PROBE = r"""
import json, sys
out = {"mpi4py": None, "mpi4py_error": None, "petsc": None, "petsc_error": None}
try:
    import mpi4py
    mpi4py.rc.initialize = False
    mpi4py.rc.finalize = False
    from mpi4py import MPI
    out["mpi4py"] = mpi4py.__version__
    out["mpi_library"] = " ".join(MPI.Get_library_version().strip().splitlines()[0].split(",")[0].split())
except ImportError:
    pass
except Exception as exc:  # mpi4py installed but no MPI library it can load
    out["mpi4py_error"] = f"{type(exc).__name__}: {exc}"
def libmpi():  # the MPI library files this process has mapped (Linux; elsewhere unknown: [])
    try:
        with open("/proc/self/maps") as maps:
            return sorted({line.split()[-1] for line in maps if "/libmpi.so" in line or "/libmpich.so" in line})
    except OSError:
        return []
out["mpi4py_libmpi"] = libmpi()
if "--petsc" in sys.argv:
    try:
        import petsc4py
        petsc4py.init([])
        from petsc4py import PETSc
        out["petsc"] = ".".join(map(str, PETSc.Sys.getVersion())) + " from " + petsc4py.__path__[0]
    except Exception as exc:
        out["petsc_error"] = f"{type(exc).__name__}: {exc}"
out["libmpi"] = libmpi()
print(json.dumps(out))
"""


@dataclass(frozen=True)
class Piece:
    """One optional parallel piece: whether it was found, what was found, what it enables, how to get it."""
    name: str
    found: bool
    detail: str
    enables: str
    hint: str = ""


def has_petsc() -> bool:
    return importlib.util.find_spec("petsc4py") is not None


def mpiexec() -> str | None:
    """The launcher for this installation's MPI: the venv's own ``mpiexec`` (``make setup-mpi`` puts MPICH's
    next to the venv's python) before the one on PATH (Debian's Open MPI)."""
    local = Path(sys.executable).with_name("mpiexec")
    if local.is_file() and os.access(local, os.X_OK):
        return str(local)
    return shutil.which("mpiexec")


def has_mpiexec() -> bool:
    return mpiexec() is not None


def pvpython() -> str | None:
    return shutil.which("pvpython")


@lru_cache(maxsize=2)
def probe(petsc: bool = True) -> dict:
    """What a fresh interpreter of this installation loads: mpi4py and its MPI library, petsc4py (optional),
    and every libmpi file mapped. Never raises; errors are in the dict."""
    cmd = [sys.executable, "-c", _PROBE] + (["--petsc"] if petsc else [])
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=PROBE_TIMEOUT_S)
        return json.loads(out.stdout.strip().splitlines()[-1])
    except (OSError, subprocess.SubprocessError, ValueError, IndexError) as exc:
        return {"mpi4py": None, "mpi4py_error": f"probe failed: {exc}", "petsc": None,
                "petsc_error": None, "libmpi": []}


def mpi_ready() -> bool:
    """mpi4py loads an MPI library and an mpiexec exists: ``mpiexec -n N liplate ...`` can run."""
    return has_mpiexec() and probe(petsc=False).get("mpi4py") is not None


def parallel_pieces() -> list[Piece]:
    """The optional pieces this installation has, each with what it enables (see the module docstring)."""
    p = probe(petsc=has_petsc())
    pieces = []
    if p.get("mpi4py"):
        lib = ", ".join(p.get("mpi4py_libmpi") or []) or "?"
        pieces.append(Piece("mpi4py", True, f"mpi4py {p['mpi4py']}, {p.get('mpi_library', '?')} ({lib})",
                            "sweeps over ranks: mpiexec -n N liplate sweep FILE"))
    else:
        why = p.get("mpi4py_error") or "not installed"
        pieces.append(Piece("mpi4py", False, why, "sweeps run serially, one case after the other",
                            "make setup-mpi (no root: mpi4py + MPICH from PyPI), or make system-deps (root)"))
    launcher = mpiexec()
    pieces.append(Piece("mpiexec", launcher is not None, launcher or "not found",
                        "starts N ranks (with mpi4py)" if launcher else "no MPI launches",
                        "" if launcher else "make setup-mpi (puts .venv/bin/mpiexec), or make system-deps"))
    if p.get("petsc"):
        pieces.append(Piece("PETSc", True, f"PETSc {p['petsc']}",
                            "FiPy's PETSc solvers, hypre AMG for the phase field, one case over N ranks "
                            "(mpiexec -n N liplate run CASE)"))
    else:
        why = p.get("petsc_error") or "petsc4py not importable"
        pieces.append(Piece("PETSc", False, why, "SciPy solvers and pyamg, one case on one rank",
                            "make system-deps && make setup (root: Debian's PETSc + Open MPI)"))
    pv = pvpython()
    pieces.append(Piece("ParaView", pv is not None, pv or "pvpython not found",
                        "ParaView screenshots (make figures) and the ParaView tests" if pv
                        else "no ParaView screenshots (the rest of make figures runs)",
                        "" if pv else "make system-deps (root), or a ParaView binary from paraview.org"))
    return pieces


def mpi_conflict() -> str | None:
    """A sentence when importing mpi4py and petsc4py loads two MPI libraries into one process, else None."""
    libs = probe(petsc=has_petsc()).get("libmpi", [])
    if len(libs) < 2:
        return None
    return (f"one process loads two MPI libraries ({', '.join(libs)}): MPI will fail; run make setup (with "
            "Debian's PETSc present it removes the PyPI MPI from the venv and uses Debian's Open MPI)")


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
    """Several lines: liplate's version and interpreter, then each parallel piece, found or not, what it
    enables, and how to add it."""
    lines = [f"liplate {__version__} (Python {sys.version.split()[0]}, {sys.prefix})"]
    for piece in parallel_pieces():
        mark = "yes" if piece.found else "no "
        lines.append(f"  {mark} {piece.name:<9s} {piece.detail}")
        lines.append(f"      {'enables' if piece.found else 'so'}: {piece.enables}")
        if piece.hint:
            lines.append(f"      to add: {piece.hint}")
    conflict = mpi_conflict()
    if conflict:
        lines.append(f"  WARNING: {conflict}")
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover
    print(describe())
