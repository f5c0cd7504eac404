"""Lattice kinetic Monte Carlo of Li nucleation and early growth on the current collector.

Solid-on-solid deposit on a periodic substrate, 2D (cross-section) or 3D (area). Events:
adsorption on the substrate (k_Li-substrate), adsorption on Li (k_Li-Li), surface diffusion
(k_D = nu exp(-E_a,D / k_B T)) and ion arrival set by the applied current, selected with the
residence-time algorithm (BRIEF §4). Rates come from the DFT tables (BRIEF §3) through the mapping
documented in :mod:`liplate.kmc.rates` and docs/kmc.md.

Public API:

* :func:`run_kmc_case` -- run a validated case with ``model = "kmc"``, write its outputs;
* :func:`nuclei_from_kmc` -- nucleus density, spacing and coverage for the continuum model;
* :class:`~liplate.kmc.engine.Engine`, :class:`~liplate.kmc.lattice.Lattice`,
  :class:`~liplate.kmc.rates.Rates`, :class:`~liplate.kmc.runner.KMCSetup` for scripting;
* :data:`~liplate.kmc.config.KMC_SECTION` -- the ``[kmc]`` case-file section.

The heavy modules are imported on first use, so ``liplate.schema`` can import
``liplate.kmc.config`` without a cycle.
"""
from __future__ import annotations

__all__ = ["run_kmc_case", "nuclei_from_kmc", "KMC_SECTION"]


def run_kmc_case(case) -> dict:
    """Run a validated kMC case and write its outputs; return the summary (see :mod:`.runner`)."""
    from .runner import run_kmc_case as _run

    return _run(case)


def nuclei_from_kmc(substrate: str, temperature: float, current_density: float, seed: int, **options) -> dict:
    """Initial nuclei (``density_per_m2``, ``spacing_m``, ``coverage``) from a kMC run (see :mod:`.runner`)."""
    from .runner import nuclei_from_kmc as _nuclei

    return _nuclei(substrate, temperature, current_density, seed, **options)


def __getattr__(name: str):
    if name == "KMC_SECTION":
        from .config import KMC_SECTION

        return KMC_SECTION
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
