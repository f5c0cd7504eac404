"""``timeseries.csv``: one row per accepted step (or every N), columns fixed at the first row."""
from __future__ import annotations

import csv
import io
import math
from pathlib import Path

from .atomic import write_text

REQUIRED_COLUMNS = ("time_s", "capacity_mAh_cm2", "voltage_V", "thickness_mean_um")


def _fmt(v) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return str(int(v))
    if isinstance(v, float):
        return "nan" if math.isnan(v) else f"{v:.10g}"
    return str(v)


def to_csv(rows: list[dict], required: tuple[str, ...] = REQUIRED_COLUMNS) -> str:
    if not rows:
        return ",".join(required) + "\n"
    cols = list(required) + [k for k in rows[0] if k not in required]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(cols)
    for r in rows:
        w.writerow([_fmt(r.get(c)) for c in cols])
    return buf.getvalue()


def write(path: Path, rows: list[dict]) -> None:
    write_text(path, to_csv(rows))


def read(path: Path) -> list[dict[str, float | None]]:
    with open(path, newline="") as fh:
        return [{k: (float(v) if v not in ("", None) else None) for k, v in r.items()} for r in csv.DictReader(fh)]
