"""Ablation of the deposit-thickness sinks: Li2Te-Cu film plated at 0.5 mA/cm^2 (Wang et al. 2022).

Prints the cross-section thickness at 1, 3 and 5 mAh/cm^2 with neither sink, SEI only, creep only and
both, against the measurement. The creep fill depth is calibrated on the 1 mAh/cm^2 point only
(parameters/interface.py); 3 and 5 mAh/cm^2 are predictions. Closed-form flat-film budget
(liplate.physics.deposit); the lead may switch it to full cases later.

    .venv/bin/python postprocessing/ablation.py [--json]
"""
from __future__ import annotations

import argparse
import json

from liplate.physics import creep, deposit
from liplate.units import C_M2_PER_MAH_CM2, M_PER_UM

COLUMNS = ("neither", "sei_only", "creep_only", "both")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the table as JSON instead")
    args = parser.parse_args(argv)

    params = deposit.DepositParameters.default()
    rows = deposit.ablation_table(params)
    if args.json:
        print(json.dumps([{("capacity_mAh_cm2" if k == "capacity" else f"{k}_um"):
                           (v / C_M2_PER_MAH_CM2 if k == "capacity" else v / M_PER_UM) for k, v in r.items()}
                          for r in rows], indent=2))
        return 0

    fitted = deposit.calibrate_fill_capacity(params)
    tau = params.fill_time_constant()
    film = creep.squeeze_flow_rate(5e-6, params.pressure, params.film_half_width, params.creep,
                                   params.temperature, "disc") / 5e-6
    print(f"fill depth d_inf = {params.fill_capacity / M_PER_UM:.3f} um "
          f"(calibration on 4.2 um at 1 mAh/cm^2 gives {fitted / M_PER_UM:.4f} um); "
          f"fill time constant {tau:.3g} s; squeeze thinning of the 10 mm film (h = 5 um) {film:.2g} 1/s")
    header = f"{'mAh/cm2':>8} {'measured':>9} {'Faraday':>8} " + " ".join(f"{c:>11}" for c in COLUMNS)
    print(header + f" {'both err %':>10}")
    for r in rows:
        cells = " ".join(f"{r[c] / M_PER_UM:11.2f}" for c in COLUMNS)
        err = 100.0 * (r["both"] / r["measured"] - 1.0)
        print(f"{r['capacity'] / C_M2_PER_MAH_CM2:8.0f} {r['measured'] / M_PER_UM:9.2f} "
              f"{r['faraday'] / M_PER_UM:8.2f} {cells} {err:10.1f}")
    print("thickness in um at 0.5 mA/cm^2; 1 mAh/cm^2 is the calibration point, 3 and 5 are predictions")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
