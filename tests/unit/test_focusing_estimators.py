"""postprocessing/focusing_estimators.py: the Richardson limit of a geometric sequence of interface lengths and the
column peaks of interface.csv (docs/phasefield.md, "Mesh convergence", interface length)."""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from postprocessing.focusing_estimators import column_peaks, richardson  # noqa: E402


@pytest.mark.parametrize("p", [1.0, 1.5, 2.0])
def test_richardson_recovers_order_and_limit(p):
    """f(l) = f0 + c l^p on l = 1, 1/r, 1/r^2: the observed order is p and the limit f0, exactly."""
    f0, c, r = 1.2, 0.8, 2**0.5
    f = [f0 + c * (1.0 / r**k) ** p for k in range(3)]
    order, limit = richardson(*f, ratio=r)
    assert order == pytest.approx(p, rel=1e-12)
    assert limit == pytest.approx(f0, rel=1e-12)


def test_richardson_refuses_a_sequence_that_does_not_converge():
    """Differences that change sign or grow give no order and no limit (nan), not a number."""
    assert all(np.isnan(richardson(1.0, 0.9, 0.95, 2**0.5)))
    assert all(np.isnan(richardson(1.0, 0.9, 0.7, 2**0.5)))


def test_column_peaks_take_the_larger_column_per_frame(tmp_path):
    csv = tmp_path / "interface.csv"
    csv.write_text("frame,time_s,x_um,current_density_A_m2,subgrid_current_density_A_m2\n"
                   "1,720,0.5,10,0\n1,720,1.5,4,20\n2,1440,0.5,6,0\n2,1440,1.5,8,1\n")
    assert column_peaks(csv, ("current_density_A_m2",), 5.0) == {1: 2.0, 2: 1.6}
    assert column_peaks(csv, ("current_density_A_m2", "subgrid_current_density_A_m2"), 5.0) == {1: 4.0, 2: 1.6}
    old = tmp_path / "old.csv"                     # a run written before the sub-grid column existed
    old.write_text("frame,time_s,x_um,current_density_A_m2\n1,720,0.5,10\n")
    assert np.isnan(column_peaks(old, ("current_density_A_m2", "subgrid_current_density_A_m2"), 5.0)[1])
