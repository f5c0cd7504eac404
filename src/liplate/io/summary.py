"""``summary.json``: the contract every case fulfils (keys present from the start, null if not modelled)."""
from __future__ import annotations

import json
from pathlib import Path

from .atomic import dumps, write_json, write_text

SUMMARY_KEYS = (
    "status", "substrate", "current_density_mA_cm2", "capacity_mAh_cm2", "thickness_mean_um",
    "thickness_std_um", "subgrid_li_mean_um", "faraday_thickness_um", "wetted_fraction", "island_count",
    "island_width_mean_um", "focusing_factor_peak", "focusing_factor_mean", "plating_pressure_peak_MPa",
    "critical_flaw_depth_um",
    "penetration_depth_um", "short_circuit", "short_capacity_mAh_cm2", "short_time_s", "stop_reason",
    "counter_li_mAh_cm2", "counter_exhausted_capacity_mAh_cm2",
    "filaments_open", "filament_li_mAh_cm2", "crack_length_max_um", "flaw_depth_max_um",
    "flaw_stress_intensity_ratio_max",
    "sei_thickness_mean_nm", "li_lost_to_sei_mAh_cm2", "cell_voltage_final_V",
    "nucleation_overpotential_mV", "nucleation_overshoot_mV", "cells", "steps", "wall_time_s",
)

#: ``status`` values: ``completed`` (the protocol ended: its capacity reached, or the counter electrode's Li exhausted
#: first, ``stop_reason`` says which); ``short_circuit`` (the Li reached the counter electrode: the run ended there,
#: cleanly; ``short_capacity_mAh_cm2`` and ``short_time_s`` say when); ``failed`` (the numerics gave up; ``error``
#: says why); ``write_failed`` (an output could not be written, e.g. a full disk) and ``interrupted``
#: (SIGINT/SIGTERM), both continued with ``liplate run --resume`` from the last checkpoint. Only ``completed`` and
#: ``short_circuit`` are results (:data:`RESULTS`).
COMPLETED = "completed"
SHORT_CIRCUIT = "short_circuit"
RESULTS = (COMPLETED, SHORT_CIRCUIT)
#: ``stop_reason`` of a result: why the run ended. A run whose protocol capacity is above the counter electrode's
#: Li, or 'continuous', ends ``completed`` with the stop reason "counter electrode exhausted" (liplate.case.
#: COUNTER_EXHAUSTED) at ``counter_exhausted_capacity_mAh_cm2`` = ``counter_li_mAh_cm2``
#: (cell.counter_li_thickness x F / V_m).
CAPACITY_REACHED = "capacity reached"
COUNTER_EXHAUSTED = "counter electrode exhausted"
STOP_REASONS = {COMPLETED: CAPACITY_REACHED, SHORT_CIRCUIT: "short circuit"}


def nucleation_overpotential_mV(capacities_mAh_cm2: list, voltages: list, substep_peak_V=None) -> dict:
    """``nucleation_overpotential_mV`` (magnitude of the cell voltage at its peak in the first-plating transient,
    vs the Li counter electrode, SE ohmic drop included: the paper's definition, BRIEF §2) and
    ``nucleation_overshoot_mV`` (that peak minus the plateau that follows), from the time-series rows
    (liplate.metrics.first_plating_voltage: both read within the first 0.1 mAh/cm^2). None where no row is
    in that window. ``substep_peak_V`` (the model's ``voltage_peak``, the most negative cell voltage over every
    sub-step of the first-plating window) replaces the rows' peak where it is larger: the nucleation transient is
    sub-stepped inside one output step, so the rows alone sample the double-layer ramp where a step happens to
    end (as liplate.calibration.Run.first_plating, on which j0 is calibrated)."""
    from ..metrics import first_plating_voltage
    from ..units import C_M2_PER_MAH_CM2

    rows = [(q, v) for q, v in zip(capacities_mAh_cm2, voltages, strict=True) if q is not None and v is not None]
    peak, plateau = first_plating_voltage([q * C_M2_PER_MAH_CM2 for q, _ in rows], [v for _, v in rows],
                                          substep_peak=substep_peak_V)
    if peak is None:
        return {"nucleation_overpotential_mV": None, "nucleation_overshoot_mV": None}
    return {"nucleation_overpotential_mV": 1e3 * peak, "nucleation_overshoot_mV": 1e3 * (peak - plateau)}


def build(status: str, case, observables: dict, extra: dict) -> dict:
    """Assemble the summary from the last observables and run bookkeeping (``extra``)."""
    out = {k: None for k in SUMMARY_KEYS}
    out.update({k: observables.get(k) for k in SUMMARY_KEYS if k in observables})
    out.update({k: v for k, v in extra.items()})
    out["status"] = status
    out["substrate"] = case.substrate
    return out


def write(path: Path, summary: dict) -> None:
    write_json(path, summary)


def write_compact(path: Path, summary: dict) -> None:
    """The fallback when :func:`write` hits a full disk: the :data:`SUMMARY_KEYS` and ``error`` only, on one line
    (a few hundred bytes where the full summary, with its citations and per-flaw lists, takes ~100 kB), so that a
    ``write_failed`` status is recorded in whatever the failed write left free. Atomic, as every output."""
    compact = {k: summary.get(k) for k in (*SUMMARY_KEYS, "error")}
    compact["note"] = "compact summary (the disk was full); liplate run --resume writes the full one"
    write_text(path, dumps(compact, indent=None) + "\n")


def read(path: Path) -> dict | None:
    """The JSON object stored at ``path``, or None if it is missing, unreadable or not a JSON object."""
    try:
        data = json.loads(Path(path).read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def is_complete(path: Path) -> bool:
    """The stored run is a result (:data:`RESULTS`: completed, or ended by a short circuit)."""
    s = read(path)
    return bool(s) and s.get("status") in RESULTS
