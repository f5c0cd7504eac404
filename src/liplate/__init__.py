"""liplate: lithium plating at the current collector of anode-free all-solid-state cells.

Data flows one way: case directory -> validated :class:`Case` (SI numbers with sources) -> model
(FiPy equations) -> stepper -> writers -> :class:`Result` / postprocessing.

This file is the one place that says what is public::

    import liplate
    case = liplate.load_case("cases/sharp_li2te_cu_0p5mA_1mAh")
    faster = case.with_values({"protocol.current_density": "4 mA/cm^2"})   # validated as a file is
    result = liplate.run(faster, output="runs/4mA")                          # -> Result
    result.timeseries.plot(x="capacity_mAh_cm2", y="voltage_V")
    liplate.load_results("runs/4mA").summary["thickness_mean_um"]
    liplate.load_sweep("cases/demo_sweep/sweep.toml")                        # pandas DataFrame

Importing liplate is cheap and changes nothing in the process (no environment variables, no solver
choice): the names below are imported on first use. Thread settings (``OMP_NUM_THREADS=1`` unless
already set) are made where a run starts: the ``liplate`` command and :func:`liplate.run`
(see :func:`liplate.api.configure_run_environment`).
"""
from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

__version__ = "0.1.0"

# public name -> module that defines it (imported lazily, on first attribute access)
_PUBLIC = {
    "load_case": "liplate.api",
    "run": "liplate.api",
    "run_sweep": "liplate.api",
    "new_case": "liplate.api",
    "load_results": "liplate.results",
    "load_sweep": "liplate.results",
    "Case": "liplate.case",
    "CaseError": "liplate.case",
    "Result": "liplate.results",
    "json_schema": "liplate.schema_json",
}

__all__ = ["__version__", "load_case", "run", "run_sweep", "new_case", "load_results", "load_sweep", "Case",
           "CaseError", "Result", "json_schema"]
assert set(__all__) == {"__version__", *_PUBLIC}

if TYPE_CHECKING:  # pragma: no cover - for editors and type checkers only
    from .api import load_case, new_case, run, run_sweep
    from .case import Case, CaseError
    from .results import Result, load_results, load_sweep
    from .schema_json import json_schema


def __getattr__(name: str):
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'liplate' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_PUBLIC))
