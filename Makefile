# liplate: set-up, run and test in one command each (see README.md).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
CASE   ?= cases/li2te_cu_0p5mA_1mAh
# Debian's petsc4py (python3-petsc4py) lives outside the venv; a .pth file makes it importable.
PETSC_PY := $(firstword $(wildcard /usr/lib/petscdir/petsc*/*-real/lib/python3/dist-packages))
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: setup run test test-all lint figures bench system-deps clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

setup: $(VENV)/.installed
	@site=$$($(BIN)/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])'); \
	if [ -n "$(PETSC_PY)" ]; then echo "$(PETSC_PY)" > $$site/debian_petsc4py.pth; \
	else rm -f $$site/debian_petsc4py.pth; fi
	@$(BIN)/python -c 'import liplate.env as e; print(e.describe())'

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

# Needs root (or sudo): Debian's PETSc + Open MPI for parallel runs, ParaView + Xvfb for views.
system-deps:
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq \
	    python3-petsc4py openmpi-bin paraview xvfb

clean:
	rm -rf $(VENV) build *.egg-info
