"""Run kMC cases: one substrate (time series + snapshots) or a k_ratio sweep; nuclei for the continuum.

Outputs (in ``case.output_dir``):

* ``summary.json``: liplate's summary keys (``wetted_fraction`` = final coverage, ...) plus the kMC
  results, the rates and the DFT mapping used, and provenance (version, git revision, seeds);
* single mode: ``kmc_timeseries.csv`` (one row per ``record_every`` atoms and seed) and
  ``kmc_sites_NNNN.vtu`` + ``kmc_sites.pvd`` (first seed);
* sweep mode: ``kmc_sweep.csv`` (mean and standard deviation over seeds per ratio) and
  ``kmc_sweep_runs.csv`` (every run).
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from .. import __version__
from ..env import git_revision
from ..io.atomic import write_json
from ..parameters import SUBSTRATES, load_set
from . import observables as obs
from .engine import Engine
from .lattice import Lattice
from .rates import (
    Rates,
    adsorption_constants,
    arrival_rate,
    binding_energies,
    bond_energy_from_dft,
    diffusion_rate,
    k_ratio_from_energies,
    lattice_constant,
)
from .writers import SnapshotWriter, write_csv

DEFAULT_SITES = {2: 2000, 3: 64}
SWEEP_COLUMNS = ["k_ratio", "coverage_mean", "coverage_std", "tip_height_mean", "tip_height_std",
                 "label", "seeds", "tip_height_mean_nm", "nucleus_count_mean", "nucleus_count_std",
                 "spacing_mean_nm", "events_mean"]
TIMESERIES_COLUMNS = ["seed", "atoms", "time_s", "events", "coverage", "tip_height_sites", "tip_height_m",
                      "mean_height_covered_sites", "roughness_sites", "nucleus_count", "spacing_sites",
                      "spacing_m", "nucleus_density_per_m2"]


@dataclass
class KMCSetup:
    """Everything one kMC run needs, resolved to numbers (SI, eV)."""

    substrate: str
    temperature: float
    current_density: float
    dimension: int = 2
    lattice_sites: int = 0
    atoms: int = 2000
    k_ratio: float | str = "auto"
    substrate_entry: str = "binding_on_2ml"
    reference_entry: str = "binding_bare"
    attempt_frequency: float = 1e13
    diffusion_barrier: float = 0.55
    bond_energy: float | str = "auto"
    diffusion: bool = True
    record_every: int = 20
    molar_volume: float = field(default_factory=lambda: load_set("li")["molar_volume"].value)
    params: dict | None = None

    def __post_init__(self):
        if self.substrate not in SUBSTRATES:
            raise ValueError(f"unknown substrate {self.substrate!r}; allowed: {', '.join(SUBSTRATES)}")
        if isinstance(self.dimension, str):
            self.dimension = int(self.dimension.rstrip("dD"))
        if not self.lattice_sites:
            self.lattice_sites = DEFAULT_SITES[self.dimension]

    @property
    def lattice(self) -> Lattice:
        return Lattice(self.dimension, self.lattice_sites)

    @property
    def a(self) -> float:
        return lattice_constant(self.molar_volume)

    def mapping(self) -> dict:
        """The DFT -> rate mapping actually used, with the energies and absolute constants."""
        e_sub, e_ref = binding_energies(self.substrate, self.substrate_entry, self.reference_entry, self.params)
        k_sub, k_li = adsorption_constants(self.attempt_frequency, e_sub, e_ref, self.temperature)
        dft_ratio = k_ratio_from_energies(e_sub, e_ref, self.temperature)
        return {
            "substrate_entry": f"{self.substrate}.{self.substrate_entry}", "E_sub_eV": e_sub,
            "reference_entry": f"li.{self.reference_entry}", "E_ref_eV": e_ref,
            "k_Li_substrate_per_s": k_sub, "k_Li_Li_per_s": k_li, "k_ratio_dft": dft_ratio,
            "k_ratio_used": self.resolved_ratio(),
            "k_ratio_source": "DFT mapping" if self.k_ratio == "auto" else "case file",
        }

    def resolved_ratio(self) -> float:
        if self.k_ratio != "auto":
            return float(self.k_ratio)
        e_sub, e_ref = binding_energies(self.substrate, self.substrate_entry, self.reference_entry, self.params)
        return k_ratio_from_energies(e_sub, e_ref, self.temperature)

    def rates(self) -> Rates:
        eb = bond_energy_from_dft(self.params) if self.bond_energy == "auto" else float(self.bond_energy)
        kd = diffusion_rate(self.attempt_frequency, self.diffusion_barrier, self.temperature) \
            if self.diffusion else 0.0
        return Rates(temperature=self.temperature,
                     arrival_rate=arrival_rate(self.current_density, self.lattice.n_sites, self.a),
                     k_ratio=self.resolved_ratio(), k_diffusion=kd, bond_energy_eV=eb)


def setup_from_case(case) -> KMCSetup:
    k = case.sections["kmc"]
    return KMCSetup(
        substrate=case.substrate, temperature=case.sections["protocol"]["temperature"],
        current_density=case.sections["protocol"]["current_density"], dimension=k["dimension"],
        lattice_sites=k["lattice_sites"], atoms=k["atoms"], k_ratio=k["k_ratio"],
        substrate_entry=k["substrate_entry"], reference_entry=k["reference_entry"],
        attempt_frequency=k["attempt_frequency"], diffusion_barrier=k["diffusion_barrier"],
        bond_energy=k["bond_energy"], diffusion=k["diffusion"], record_every=k["record_every"],
        molar_volume=case.p("li.molar_volume"), params=case.params)


def simulate(setup: KMCSetup, seed: int, snapshots: SnapshotWriter | None = None, n_snapshots: int = 0,
             series: list | None = None) -> dict:
    """One realisation: deposit ``setup.atoms`` atoms; return final observables and counters.

    ``series`` (a list) receives a row of observables every ``setup.record_every`` atoms (and at 0).
    """
    rates = setup.rates()
    eng = Engine(setup.lattice, rates, seed)
    a = setup.a
    stops = set(range(0, setup.atoms + 1, setup.record_every)) | {setup.atoms}
    snap_at = set()
    if snapshots is not None and n_snapshots > 0:
        snap_at = {round(setup.atoms * i / n_snapshots) for i in range(n_snapshots + 1)}
    stops |= snap_at
    t0 = time.perf_counter()
    for stop in sorted(stops):
        eng.run(stop - eng.atoms)
        h = eng.heights
        if series is not None and (stop % setup.record_every == 0 or stop == setup.atoms):
            row = obs.measure(h, a)
            row.update(seed=seed, time_s=eng.time, events=eng.events)
            series.append(row)
        if stop in snap_at:
            snapshots.write(h, stop)
    wall = time.perf_counter() - t0
    final = obs.measure(eng.heights, a)
    final.update(seed=seed, time_s=eng.time, events=eng.events, wall_time_s=wall,
                 events_per_s=eng.events / wall if wall > 0 else None, counts=dict(eng.counts),
                 k_ratio=rates.k_ratio)
    return final


def _mean_std(values) -> tuple[float | None, float | None]:
    v = [x for x in values if x is not None]
    if not v:
        return None, None
    arr = np.asarray(v, dtype=float)
    return float(arr.mean()), float(arr.std(ddof=1)) if arr.size > 1 else 0.0


def aggregate(runs: list[dict], k_ratio: float, label: str, a: float) -> dict:
    """Mean and sample standard deviation over seeds of the final observables of ``runs``."""
    cov = _mean_std(r["coverage"] for r in runs)
    tip = _mean_std(r["tip_height_sites"] for r in runs)
    nuc = _mean_std(r["nucleus_count"] for r in runs)
    sp = _mean_std(r["spacing_m"] for r in runs)
    ev = _mean_std(r["events"] for r in runs)
    return {"k_ratio": k_ratio, "coverage_mean": cov[0], "coverage_std": cov[1], "tip_height_mean": tip[0],
            "tip_height_std": tip[1], "label": label, "seeds": len(runs),
            "tip_height_mean_nm": tip[0] * a * 1e9, "nucleus_count_mean": nuc[0], "nucleus_count_std": nuc[1],
            "spacing_mean_nm": sp[0] * 1e9 if sp[0] is not None else None, "events_mean": ev[0]}


def sweep_ratios(k: dict) -> np.ndarray:
    lo, hi, n = k["ratio_min"], k["ratio_max"], k["ratio_points"]
    return np.array([lo]) if n == 1 else np.logspace(math.log10(lo), math.log10(hi), n)


def is_monotone(values: list[float], increasing: bool) -> bool:
    pairs = list(zip(values[:-1], values[1:], strict=True))
    return all((b >= a) if increasing else (b <= a) for a, b in pairs)


def _provenance(case, seeds: list[int]) -> dict:
    return {"liplate_version": __version__, "git_revision": git_revision(), "model": "kmc",
            "seeds": seeds, "case_file": case.source_file.name, "kmc": case.sections["kmc"],
            "protocol": case.sections["protocol"]}


def _summary(case, setup: KMCSetup, final: dict, extra: dict) -> dict:
    from ..io import summary as summary_io

    a = setup.a
    observables = {
        "current_density_mA_cm2": setup.current_density / 10.0,
        "wetted_fraction": final.get("coverage"),
        "thickness_mean_um": final["atoms"] / setup.lattice.n_sites * a * 1e6 if "atoms" in final else None,
        "cells": setup.lattice.n_sites,
    }
    return summary_io.build(summary_io.COMPLETED, case, observables, extra)


def run_single(case) -> dict:
    setup = setup_from_case(case)
    k = case.sections["kmc"]
    out = Path(case.output_dir)
    out.mkdir(parents=True, exist_ok=True)
    seed0 = case.sections["case"]["seed"]
    seeds = [seed0 + i for i in range(k["seeds"])]
    series: list[dict] = []
    runs = []
    for i, seed in enumerate(seeds):
        writer = SnapshotWriter(out, setup.a) if i == 0 and k["snapshots"] > 0 else None
        runs.append(simulate(setup, seed, writer, k["snapshots"], series))
    write_csv(out / "kmc_timeseries.csv", series, TIMESERIES_COLUMNS)
    agg = aggregate(runs, setup.resolved_ratio(), case.substrate, setup.a)
    extra = {
        "kmc": {"mode": "single", "dimension": f"{setup.dimension}d", "lattice_sites": setup.lattice_sites,
                "n_sites": setup.lattice.n_sites, "atoms": setup.atoms, "lattice_constant_m": setup.a,
                "rates": setup.rates().as_dict(), "mapping": setup.mapping(), "aggregate": agg,
                "runs": runs},
        "steps": int(sum(r["events"] for r in runs)),
        "wall_time_s": float(sum(r["wall_time_s"] for r in runs)),
        "provenance": _provenance(case, seeds),
    }
    summary = _summary(case, setup, {"coverage": agg["coverage_mean"], "atoms": setup.atoms}, extra)
    write_json(out / "summary.json", summary)
    return summary


def run_sweep(case, progress=None) -> dict:
    base = setup_from_case(case)
    k = case.sections["kmc"]
    out = Path(case.output_dir)
    out.mkdir(parents=True, exist_ok=True)
    seed0 = case.sections["case"]["seed"]
    seeds = [seed0 + i for i in range(k["seeds"])]
    points = [(float(r), "sweep", base.substrate) for r in sweep_ratios(k)]
    dft = {}
    if k["include_dft_ratios"]:
        for sub in SUBSTRATES:
            s = replace(base, substrate=sub, k_ratio="auto")
            dft[sub] = s.mapping()
            points.append((s.resolved_ratio(), sub, sub))
    table, all_runs = [], []
    for ratio, label, sub in points:
        setup = replace(base, substrate=sub, k_ratio=ratio)
        runs = [simulate(setup, seed) for seed in seeds]
        for r in runs:
            all_runs.append({"label": label, **{kk: v for kk, v in r.items() if kk != "counts"}})
        row = aggregate(runs, ratio, label, base.a)
        table.append(row)
        if progress:
            progress(row)
    table.sort(key=lambda r: r["k_ratio"])
    write_csv(out / "kmc_sweep.csv", table, SWEEP_COLUMNS)
    write_csv(out / "kmc_sweep_runs.csv", all_runs,
              ["label", "k_ratio", "seed", "coverage", "tip_height_sites", "tip_height_m", "nucleus_count",
               "spacing_m", "events", "time_s", "wall_time_s"])
    swept = [r for r in table if r["label"] == "sweep"]
    by_label = {r["label"]: r for r in table}
    checks = {
        "coverage_monotone_increasing": is_monotone([r["coverage_mean"] for r in swept], True),
        "tip_height_monotone_decreasing": is_monotone([r["tip_height_mean"] for r in swept], False),
    }
    if "cu" in by_label and "li2te_cu" in by_label:
        checks["li2te_cu_coverage_above_cu"] = by_label["li2te_cu"]["coverage_mean"] > by_label["cu"]["coverage_mean"]
    extra = {
        "kmc": {"mode": "sweep", "dimension": f"{base.dimension}d", "lattice_sites": base.lattice_sites,
                "n_sites": base.lattice.n_sites, "atoms": base.atoms, "lattice_constant_m": base.a,
                "rates_at_case_substrate": base.rates().as_dict(), "dft_mappings": dft, "table": table,
                "checks": checks},
        "steps": int(sum(r["events"] for r in all_runs)),
        "wall_time_s": float(sum(r["wall_time_s"] for r in all_runs)),
        "provenance": _provenance(case, seeds),
    }
    case_row = by_label.get(case.substrate, {})
    summary = _summary(case, base, {"coverage": case_row.get("coverage_mean")}, extra)
    write_json(out / "summary.json", summary)
    return summary


def run_kmc_case(case) -> dict:
    """Run a validated kMC case (``case.model == 'kmc'``); write outputs; return the summary dict."""
    if "kmc" not in case.sections:
        raise ValueError("case has no [kmc] section values: register liplate.kmc.config.KMC_SECTION "
                         "before loading the case")
    mode = case.sections["kmc"]["mode"]
    return run_sweep(case) if mode == "sweep" else run_single(case)


def nuclei_from_kmc(substrate: str, temperature: float, current_density: float, seed: int,
                    **options) -> dict:
    """Initial nuclei for the continuum model from a kMC run (SI).

    ``options``: any :class:`KMCSetup` field (``dimension`` default 3, ``lattice_sites``, ``atoms``,
    ``k_ratio``, ``diffusion_barrier``, ...) and ``seeds`` (runs averaged, default 1). Returns
    ``density_per_m2``, ``spacing_m``, ``coverage`` (means over seeds) and, for the record,
    ``nucleus_count``, ``tip_height_m``, ``k_ratio``, ``lattice_constant_m``, ``seeds``. Note the
    scale: the lattice is nanometres wide, so spacings and densities are those of the first
    nuclei at the atomic scale.
    """
    n_seeds = int(options.pop("seeds", 1))
    options.setdefault("dimension", 3)
    setup = KMCSetup(substrate=substrate, temperature=temperature, current_density=current_density,
                     **options)
    runs = [simulate(setup, seed + i) for i in range(n_seeds)]
    mean = lambda key: float(np.mean([r[key] for r in runs]))  # noqa: E731
    spacings = [r["spacing_m"] for r in runs if r["spacing_m"] is not None]
    return {
        "density_per_m2": mean("nucleus_density_per_m2"),
        "spacing_m": float(np.mean(spacings)) if spacings else None,
        "coverage": mean("coverage"),
        "nucleus_count": mean("nucleus_count"),
        "tip_height_m": mean("tip_height_m"),
        "k_ratio": setup.resolved_ratio(),
        "lattice_constant_m": setup.a,
        "seeds": [seed + i for i in range(n_seeds)],
    }
