"""What liplate reports about its parallel pieces, and how it behaves without them (issue 14)."""
from __future__ import annotations

import os
import stat
import subprocess
import sys

import pytest

from liplate import env, parallel


def test_describe_names_every_piece_and_what_it_gives():
    text = env.describe()
    for piece in ("mpi4py", "mpiexec", "PETSc", "ParaView"):
        assert f" {piece} " in text
    assert text.count("enables:") + text.count("so:") == 4        # each piece: what it enables, or what not
    for piece in env.parallel_pieces():
        assert piece.found or piece.hint, f"{piece.name} missing without a way to add it"


def test_one_mpi_library_per_process():
    """mpi4py and petsc4py, imported as FiPy does, load at most one libmpi (make setup guarantees it)."""
    assert env.mpi_conflict() is None, env.probe()["libmpi"]


def test_info_command_exits_0():
    out = subprocess.run([sys.executable, "-m", "liplate.cli", "info"], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert "PETSc" in out.stdout and "mpi4py" in out.stdout


def _executable(path, mode):
    path.write_text("#!/bin/sh\n")
    path.chmod(mode)
    return path


def test_mpiexec_next_to_the_venv_python_comes_first(tmp_path, monkeypatch):
    """The MPICH wheel puts its mpiexec next to the venv's python; the one on PATH may start another MPI."""
    local = _executable(tmp_path / "mpiexec", stat.S_IRWXU)
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python"))
    assert env.mpiexec() == str(local)
    local.chmod(stat.S_IRUSR)                                  # not executable: the one on PATH, or None
    path_dir = tmp_path / "path"
    path_dir.mkdir()
    on_path = _executable(path_dir / "mpiexec", stat.S_IRWXU)
    monkeypatch.setenv("PATH", str(path_dir))
    assert env.mpiexec() == str(on_path)


@pytest.fixture
def no_mpi4py(monkeypatch):
    monkeypatch.setitem(sys.modules, "mpi4py", None)          # `import mpi4py` raises ImportError
    for var in ("OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK", "MPI_LOCALNRANKS"):
        monkeypatch.delenv(var, raising=False)
    parallel.comm_info.cache_clear()
    yield monkeypatch
    parallel.comm_info.cache_clear()


def test_serial_without_mpi4py(no_mpi4py):
    assert parallel.comm_info() == (1, 0)
    no_mpi4py.setenv("OMPI_COMM_WORLD_SIZE", "1")               # mpiexec -n 1: still one serial process
    parallel.comm_info.cache_clear()
    assert parallel.comm_info() == (1, 0)


@pytest.mark.parametrize("var", ["OMPI_COMM_WORLD_SIZE", "PMI_SIZE"])
def test_several_ranks_without_mpi4py_is_an_error(no_mpi4py, var):
    no_mpi4py.setenv(var, "2")
    with pytest.raises(parallel.MPIUnavailable, match=r"over 2 ranks, but mpi4py is not installed.*make setup-mpi"):
        parallel.comm_info()


def test_cli_under_mpiexec_without_mpi4py_stops_cleanly(case_dir):
    """`mpiexec -n 2 liplate run` without mpi4py: exit 2, one message, no traceback, nothing written."""
    d = case_dir()
    code = "import sys; sys.modules['mpi4py'] = None; from liplate.cli import main; sys.exit(main(sys.argv[1:]))"
    env_vars = {k: v for k, v in os.environ.items() if not k.startswith(("OMPI_COMM", "PMI", "PMIX"))}
    out = subprocess.run([sys.executable, "-c", code, "run", str(d), "-q"], capture_output=True, text=True,
                         env=dict(env_vars, OMPI_COMM_WORLD_SIZE="2", OMPI_COMM_WORLD_RANK="0"), timeout=300)
    assert out.returncode == 2
    assert "mpi4py is not installed" in out.stderr and "Traceback" not in out.stderr
    assert not (d / "output").exists()
