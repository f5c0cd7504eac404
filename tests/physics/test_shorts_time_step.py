"""Time-step convergence of the short circuit (docs/penetration.md, "Time step"; BRIEF §5: the time step is a
numerical choice and must not move a result).

cases/cu_5mA_1mAh (the map's calibration point, the Cu short at ~0.2 mAh/cm^2 measured) for seeds 0, 1, 2 with the
shipped steps (dt_max 6 s, dt_max_subgrid 0.75 s while sub-grid nuclei are in the window, dt_initial 1 ms) and with
all three halved: every run shorts, and the seed-mean short capacity
moves by less than 10 % (the seed spread of one run is ~5 %; the issue's mesh criterion for the same quantity is
15 %). Until 2026-12-03 the filaments' crack front was computed once per step, so near the running condition the
Li advanced only a few % per step, and a batch of nuclei drew from one random stream, so a shorter step reshuffled
the nuclei: Cu 0.5 mA/cm^2 did not short with the shipped step and shorted on every seed with half of it.
Six runs of ~3 min (with the sub-grid step cap): a slow test. And cases/cu_1mA_1mAh with its step cap while nuclei
are sub-grid halved (below).
"""
import shutil

import numpy as np
import pytest
from conftest import REPO

from liplate.simulation import run_case

pytestmark = pytest.mark.slow

SEEDS = (0, 1, 2)


def _short_capacity(tmp_path, case, seed, replacements):
    """Short capacity (mAh/cm^2) of a copy of ``cases/<case>`` with the seed and the case-file lines
    ``replacements`` ((key, shipped line, new line), each asserted to be in the case file) replaced."""
    tag = "_".join(new.split("=")[1].strip().strip('"').replace(" ", "") for _, _, new in replacements)
    dest = tmp_path / f"{case}_seed{seed}_{tag}"
    shutil.copytree(REPO / "cases" / case, dest, ignore=shutil.ignore_patterns("output", "runs"))
    toml = dest / "case.toml"
    text = toml.read_text()
    for key, old, new in (("seed", "seed = 0", f"seed = {seed}"), *replacements):
        assert old in text, f"cases/{case}/case.toml: {key} is not '{old}' any more"
        text = text.replace(old, new, 1)
    toml.write_text(text)
    s = run_case(dest, progress=False)
    assert s["status"] == "short_circuit", (case, seed, replacements, s["status"], s.get("error"))
    return float(s["short_capacity_mAh_cm2"])


def _cu5(tmp_path, seed, dt_max, dt_sub, dt_initial):
    return _short_capacity(tmp_path, "cu_5mA_1mAh", seed, (
        ("dt_max", 'dt_max = "30 mC/cm^2"', f'dt_max = "{dt_max}"'),
        ("dt_max_subgrid", 'dt_max_subgrid = "3.75 mC/cm^2"', f'dt_max_subgrid = "{dt_sub}"'),
        ("dt_initial", 'dt_initial = "1 ms"', f'dt_initial = "{dt_initial}"')))


def test_the_cu_5_short_does_not_move_with_the_time_step(tmp_path):
    shipped = [_cu5(tmp_path, s, "6 s", "0.75 s", "1 ms") for s in SEEDS]
    half = [_cu5(tmp_path, s, "3 s", "0.375 s", "0.5 ms") for s in SEEDS]
    change = np.mean(half) / np.mean(shipped) - 1.0
    assert abs(change) < 0.10, (shipped, half, change)


def _cu1(tmp_path, seed, dt_sub):
    return _short_capacity(tmp_path, "cu_1mA_1mAh", seed, (
        ("dt_max_subgrid", 'dt_max_subgrid = "3.75 mC/cm^2"', f'dt_max_subgrid = "{dt_sub}"'),))


def test_the_cu_1_short_does_not_move_with_the_step_while_nuclei_are_sub_grid(tmp_path):
    """cases/cu_1mA_1mAh, seeds 0-2, with the step cap while sub-grid nuclei are in the window (numerics.dt_max_subgrid,
    3.75 s = dt_max/8) and with it halved: every run shorts and the seed-mean short capacity moves by less than 10 %.
    Without the cap the step decided when each nucleus joined an island, and seed 2 did not short at dt_max but did
    at dt_max / 2, / 4, / 8 (docs/penetration.md, "Time step"; measured with the cap: 0.307 / 0.313 / 0.427 against
    0.306 / 0.303 / 0.429 mAh/cm^2). Six runs of 2-4 min."""
    shipped = [_cu1(tmp_path, s, "3.75 s") for s in SEEDS]
    half = [_cu1(tmp_path, s, "1.875 s") for s in SEEDS]
    change = np.mean(half) / np.mean(shipped) - 1.0
    assert abs(change) < 0.10, (shipped, half, change)
