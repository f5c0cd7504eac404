"""``summary.json``: the contract every case fulfils (keys present from the start, null if not modelled)."""
from __future__ import annotations

import json
from pathlib import Path

from .atomic import write_json

SUMMARY_KEYS = (
    "status", "substrate", "current_density_mA_cm2", "capacity_mAh_cm2", "thickness_mean_um",
    "thickness_std_um", "faraday_thickness_um", "wetted_fraction", "island_count", "island_width_mean_um",
    "focusing_factor_peak",
    "focusing_factor_mean", "plating_pressure_peak_MPa", "critical_flaw_depth_um",
    "penetration_depth_um", "short_circuit", "short_capacity_mAh_cm2",
    "sei_thickness_mean_nm", "li_lost_to_sei_mAh_cm2", "cell_voltage_final_V",
    "nucleation_overpotential_mV", "cells", "steps", "wall_time_s",
)

#: ``status`` values: ``completed``; ``failed`` (the numerics gave up; ``error`` says why); ``write_failed``
#: (an output could not be written, e.g. a full disk) and ``interrupted`` (SIGINT/SIGTERM), both continued
#: with ``liplate run --resume`` from the last checkpoint. Only ``completed`` is a result.
COMPLETED = "completed"


def nucleation_overpotential_mV(voltages: list[float]) -> float | None:
    """Peak of the nucleation transient as read off a plating curve: the depth of the first voltage
    minimum below the plateau that follows it, |V_peak| - |V_trough after the peak| (mV).

    Returns None when the curve has no such dip (monotone curves give 0 with no peak).
    """
    v = [x for x in voltages if x is not None]
    if len(v) < 3:
        return None
    i_peak = min(range(len(v)), key=lambda i: v[i])        # most negative voltage while plating
    after = v[i_peak:]
    trough = max(after)                                     # least negative after the peak
    return 1000.0 * (trough - v[i_peak])


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


def read(path: Path) -> dict | None:
    """The JSON object stored at ``path``, or None if it is missing, unreadable or not a JSON object."""
    try:
        data = json.loads(Path(path).read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def is_complete(path: Path) -> bool:
    s = read(path)
    return bool(s) and s.get("status") == COMPLETED
