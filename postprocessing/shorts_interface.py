"""Interface length and the short circuits: the tables of docs/penetration.md, "Interface length".

Reads the ``results.csv`` of the short-circuit map and its seeds (production window, ℓ = 1 µm: ``cases/shorts_map``,
``cases/shorts_map_seeds``, cases ``<case>[_seed<n>]``) and of the interface-length sweeps on refined windows
(``cases/shorts_map_interface``, ``cases/shorts_map_interface_fine``, cases ``<case>_interface_<ℓ>um[_seed<n>]``,
ℓ written with ``p`` for the decimal point) and prints, per case, the short capacity per seed at each setting, the
seed mean ± sd where every seed shorted ("no short" with the penetration depth otherwise), the change of the mean
from ℓ = 1 µm to 0.5 µm on the refined window (ℓ/2), and over the last step of the sequence.

    .venv/bin/python postprocessing/shorts_interface.py cases/shorts_map/results.csv \\
        cases/shorts_map_seeds/results.csv cases/shorts_map_interface/results.csv \\
        cases/shorts_map_interface_fine/results.csv
"""
from __future__ import annotations

import argparse
import re
from pathlib import Path

import numpy as np

try:
    from .shorts_time_step import finished_rows, short_capacity
except ImportError:  # run as a script
    from shorts_time_step import finished_rows, short_capacity

NAME = re.compile(r"^(?P<case>.+?)(?:_interface_(?P<ell>[0-9p]+)um)?(?:_seed(?P<seed>\d+))?$")
PRODUCTION = "production"      # the map's window at the shipped interface length


def read_runs(paths) -> dict[str, dict[str, dict[int, dict]]]:
    """{case: {setting: {seed: row}}} of finished runs; setting "production" or the interface length in µm as
    written in the name ("1", "0p707", ...); a name without _seed is seed 0."""
    out: dict[str, dict[str, dict[int, dict]]] = {}
    for name, row in finished_rows(paths):
        m = NAME.match(name)
        out.setdefault(m["case"], {}).setdefault(m["ell"] or PRODUCTION, {})[int(m["seed"] or 0)] = row
    return out


def _ell(setting: str) -> float:
    return float(setting.replace("p", "."))


def _mean(rows: dict[int, dict]) -> tuple[str, float | None]:
    caps = [short_capacity(rows[s]) for s in sorted(rows)]
    cells = [f"{q:.3f}" if q is not None else f"no short ({float(rows[s].get('penetration_depth_um') or 0):.1f} µm)"
             for s, q in zip(sorted(rows), caps, strict=True)]
    if all(q is not None for q in caps) and len(caps) > 1:
        m = float(np.mean(caps))
        return f"{m:.3f} ± {np.std(caps, ddof=1):.3f} ({' / '.join(cells)})", m
    return " / ".join(cells), (caps[0] if len(caps) == 1 and caps[0] is not None else None)


def table(runs: dict) -> list[str]:
    lengths = sorted({s for v in runs.values() for s in v if s != PRODUCTION}, key=_ell, reverse=True)
    head = ["production window, ℓ = 1 µm"] + [f"refined, ℓ = {_ell(s):g} µm" for s in lengths]
    lines = ["| case | " + " | ".join(head) + " | ℓ/2 (refined 1 → 0.5 µm) | last step |",
             "|" + "---|" * (len(head) + 3)]
    for case in sorted(c for c, v in runs.items() if any(s != PRODUCTION for s in v)):
        by = runs[case]
        cells, means = [], {}
        for s in [PRODUCTION, *lengths]:
            if s in by:
                text, m = _mean(by[s])
                cells.append(text)
                means[s] = m
            else:
                cells.append("")
        half = ("" if means.get("1") is None or means.get("0p5") is None
                else f"{100 * (means['0p5'] / means['1'] - 1):+.1f} %")
        seq = [s for s in lengths if means.get(s) is not None]
        last = "" if len(seq) < 3 else f"{100 * (means[seq[-1]] / means[seq[-2]] - 1):+.1f} %"
        lines.append(f"| {case} | " + " | ".join(cells) + f" | {half} | {last} |")
    return lines


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("csv", type=Path, nargs="+", help="results.csv of the map, its seeds and the interface sweeps")
    args = ap.parse_args(argv)
    print("\n".join(table(read_runs(args.csv))))


if __name__ == "__main__":
    main()
