"""The calibration ledger (issue 16; docs/calibration.md): every parameter whose source says calibrated
stands there with the one data point it was calibrated on and its value, and nothing else does."""
from __future__ import annotations

import re
from pathlib import Path

from liplate import citations
from liplate.parameters import Param, all_sets

LEDGER = Path(__file__).resolve().parents[2] / "docs" / "calibration.md"
REGENERATE = "regenerate it: liplate params --ledger > docs/calibration.md"


def _ledger_rows() -> dict[str, str]:
    """parameter -> its table row, read from docs/calibration.md."""
    rows = {}
    for line in LEDGER.read_text().splitlines():
        m = re.match(r"\| `([\w.]+)` \|", line)
        if m:
            rows[m.group(1)] = line
    return rows


def _says_calibrated() -> dict[str, Param]:
    return {f"{s}.{n}": p for s, ps in all_sets().items() for n, p in ps.items()
            if re.search(r"\bcalibrated\b", p.source, re.IGNORECASE)}


def test_ledger_is_up_to_date():
    assert LEDGER.read_text() == citations.ledger_markdown(), f"docs/calibration.md is stale; {REGENERATE}"


def test_every_calibrated_parameter_is_in_the_ledger():
    rows = _ledger_rows()
    for name, p in _says_calibrated().items():
        assert name in rows, f"{name} says calibrated but is not in docs/calibration.md; {REGENERATE}"
        point, _ = citations.calibration_point(p.source)
        assert point and point.replace("|", "\\|") in rows[name], name
        assert citations.value_text(p.value, p.unit, p.kind).replace("|", "\\|") in rows[name], name


def test_the_ledger_holds_nothing_else():
    calibrated = _says_calibrated()
    for name in _ledger_rows():
        assert name in calibrated, f"{name} is in docs/calibration.md but its source no longer says calibrated"


def test_known_calibrations_are_listed():
    # The exchange current density and the creep fill depth are calibrated (issue 16); their data points
    # may change, but each stays a calibrated parameter with one measured data point.
    rows = {r["parameter"]: r for r in citations.calibrated_parameters()}
    assert {"lpscl.exchange_current_density", "interface.roughness_fill_depth"} <= set(rows)
    for r in rows.values():
        assert citations.keys_in(r["data_point"]), f"{r['parameter']}: the data point cites where it was measured"


def test_ledger_follows_the_parameter_sets():
    sets = {"demo": {
        "k": Param(2.0, "A/m^2", "current_density", "calibrated on 18 mV at 0.5 mA/cm^2 [Wang2022]: fitted"),
        "q": Param(1.0, "1", "dimensionless", "assumed: one"),
    }}
    text = citations.ledger_markdown(sets)
    assert "| `demo.k` | 2 A/m^2 (0.2 mA/cm^2) | 18 mV at 0.5 mA/cm^2 [Wang2022] | fitted |" in text
    assert "demo.q" not in text
    assert "[Wang2022]" in text.split("## References")[1]
