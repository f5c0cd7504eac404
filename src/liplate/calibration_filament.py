"""Calibration of the filament radius on the one short-circuit data point (docs/penetration.md, "Calibration").

One parameter, one data point: ``lpscl.filament_radius`` (the radius of a Li-filled crack seen as a needle,
physics/filament.py eq. 8) on the Cu cell at 5 mA/cm^2, which shorts at ~0.2 mAh/cm^2 [Wang2022] (BRIEF §2).
The radius sets the Li a filament needs per unit length, hence the time from a flaw's opening to the short; the
short capacity grows with it (crossing time ~ r^1.6 at fixed current), so a bisection on ln r finds it. The
search stays inside a physically plausible range (RADIUS_RANGE: Li-filled cracks are 3-5 um wide in operando
SEM, Duan et al.; 0.5-5 um allows a factor ~3 either way); if the measured capacity is not bracketed there, the
function says so and stops, it does not widen the range or touch another parameter.

Everything else the filament model reports (the other currents, Li2Te-Cu, the seeds) is a prediction.

    python -m liplate.calibration_filament                  # prints every run and the calibrated radius
    python -m liplate.calibration_filament --rtol 0.02 --case cases/cu_5mA_1mAh

Re-run it after a change of the physics that moves the Cu island pattern (nucleation, wetting, j0) and put the
printed value into ``src/liplate/parameters/lpscl.py`` (``filament_radius``), then regenerate the ledger
(``liplate params --ledger > docs/calibration.md``).
"""
from __future__ import annotations

import argparse
import math
import sys
import tempfile
import time
from pathlib import Path

from .units import C_M2_PER_MAH_CM2, M_PER_UM

#: BRIEF §2 [Wang2022]: the Cu | LPSCl | Li cell plated at 5 mA/cm^2 shorts at ~0.2 mAh/cm^2
MEASURED_SHORT_MAH_CM2 = 0.2
CALIBRATION_CASE = "cu_5mA_1mAh"
#: physically plausible filament radii (m): Li-filled cracks 3-5 um wide (r = 1.5-2.5 um), a factor ~3 either way
RADIUS_RANGE = (0.5e-6, 5e-6)


class CalibrationOutOfRange(RuntimeError):
    """The measured short capacity is not reached by any radius of RADIUS_RANGE."""


def default_case() -> Path:
    return Path(__file__).resolve().parents[2] / "cases" / CALIBRATION_CASE


def short_capacity(case_dir: Path, radius: float, workdir: Path) -> float:
    """Short capacity (mAh/cm^2) of the case with ``[penetration] filament_radius`` = ``radius`` (m); inf when it
    does not short within the case's capacity. Runs in this process as ``liplate run`` steps it."""
    from .calibration import run, write_variant

    # only the radius: the output frames also set where steps land, and the case must step as the map runs it
    over = {"penetration.filament_radius": f"{radius / M_PER_UM!r} um"}
    r = run(write_variant(case_dir, workdir, over))
    q = r.model.filaments.short_charge
    return math.inf if q is None else q / C_M2_PER_MAH_CM2


def calibrate_filament_radius(case_dir: Path | None = None, target: float = MEASURED_SHORT_MAH_CM2,
                              radius_range: tuple[float, float] = RADIUS_RANGE, rtol: float = 0.01,
                              log=print) -> tuple[float, float]:
    """Bisection on ln r until the bracket is within ``rtol``: returns (radius m, its short capacity mAh/cm^2).

    Raises :class:`CalibrationOutOfRange` (with both ends' capacities) when the target is not bracketed."""
    case_dir = Path(case_dir) if case_dir is not None else default_case()
    runs: dict[float, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        def q_of(r: float) -> float:
            t0 = time.perf_counter()
            q = short_capacity(case_dir, r, Path(tmp) / f"r{len(runs)}")
            runs[r] = q
            log(f"  filament_radius = {r / M_PER_UM:.4f} um: "
                + (f"short at {q:.4f} mAh/cm^2" if math.isfinite(q) else "no short")
                + f"  ({time.perf_counter() - t0:.0f} s)")
            return q

        lo, hi = radius_range
        q_lo, q_hi = q_of(lo), q_of(hi)
        if not q_lo <= target <= q_hi:
            raise CalibrationOutOfRange(
                f"{case_dir.name}: the short capacity is {q_lo:.4g} mAh/cm^2 at r = {lo / M_PER_UM:g} um and "
                f"{q_hi:.4g} at r = {hi / M_PER_UM:g} um; the measured {target:g} mAh/cm^2 is not inside, so no "
                f"plausible filament radius reproduces it (the range is not widened, nothing else is changed)")
        while hi / lo > 1.0 + rtol:
            mid = math.sqrt(lo * hi)
            if q_of(mid) < target:
                lo = mid
            else:
                hi = mid
        # the end of the bracket whose capacity is closer to the measured one
        best = min((lo, hi), key=lambda r: abs(runs[r] - target))
    return best, runs[best]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m liplate.calibration_filament", description=__doc__.split("\n")[0])
    ap.add_argument("--case", type=Path, default=None, help=f"case directory (default cases/{CALIBRATION_CASE})")
    ap.add_argument("--target", type=float, default=MEASURED_SHORT_MAH_CM2,
                    help="measured short capacity, mAh/cm^2 (default 0.2 [Wang2022])")
    ap.add_argument("--rtol", type=float, default=0.01, help="relative width of the final radius bracket")
    args = ap.parse_args(argv)
    case = args.case or default_case()
    print(f"calibrating lpscl.filament_radius on {case} (target: short at {args.target:g} mAh/cm^2 [Wang2022]), "
          f"radius range {RADIUS_RANGE[0] / M_PER_UM:g}-{RADIUS_RANGE[1] / M_PER_UM:g} um")
    try:
        r, q = calibrate_filament_radius(case, args.target, rtol=args.rtol)
    except CalibrationOutOfRange as exc:
        print(f"not calibrated: {exc}", file=sys.stderr)
        return 1
    print(f"calibrated lpscl.filament_radius = {r / M_PER_UM:.3g} um (Li-filled crack {2 * r / M_PER_UM:.3g} um wide;"
          f" measured 3-5 um): short at {q:.4f} mAh/cm^2")
    return 0


if __name__ == "__main__":
    sys.exit(main())
