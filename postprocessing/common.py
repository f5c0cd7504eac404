"""Shared reading and plotting helpers for liplate's postprocessing scripts.

Every script reads a case's ``output/`` directory through :class:`CaseOutput`, which never raises
on a missing file, column or field: it returns ``None`` and the script draws a note instead. The
physics is still growing (phase field, SEI, nucleation), so today's outputs lack several quantities.

Every figure is written three times by :func:`save_figure`: ``NAME.png`` (for the gallery),
``NAME.pdf`` (for papers) and ``NAME.json``, the exact numbers that were drawn, so that a test can
check the plot against ``summary.json`` / ``timeseries.csv`` / the VTU frames without reading pixels.
"""
from __future__ import annotations

import csv
import json
import math
import os
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from liplate import plotting as P  # noqa: E402  (the package's figure code: measurements, labels, panels)
from liplate.units import M_PER_UM  # noqa: E402

# The measurements live in the package (liplate.plotting, liplate.physics.deposit), with their source.
MEASURED_CAPACITY_MAH_CM2, MEASURED_THICKNESS_UM = (tuple(v) for v in P.measured_thickness())
MEASURED_SOURCE = "measured cross-sections, Li$_2$Te–Cu, 0.5 mA/cm$^2$"
EXPERIMENT = P.EXPERIMENT

# Faraday thickness per unit capacity, Q V_m / F, with liplate's Li molar volume (4.85 um per mAh/cm^2).
FARADAY_UM_PER_MAH_CM2 = P.faraday_um_per_mAh_cm2()
A_M2_PER_MA_CM2 = 10.0  # 1 mA/cm^2 = 10 A/m^2
label = P.label
legend_below = P.legend_below

SUBSTRATE_LABEL = {"cu": "Cu", "li2te_cu": "Li$_2$Te–Cu"}
SUBSTRATE_COLOR = {"cu": "#c0504d", "li2te_cu": "#1f5fa8"}
SUBSTRATE_ORDER = ("cu", "li2te_cu")
NOT_MODELLED = "not modelled in these outputs"

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_FIGURE_DIR = REPO_ROOT / "postprocessing" / "figures"


def substrate_label(s: str | None) -> str:
    return SUBSTRATE_LABEL.get(s or "", s or "?")


def substrate_color(s: str | None, fallback_index: int = 0) -> str:
    if s in SUBSTRATE_COLOR:
        return SUBSTRATE_COLOR[s]
    return f"C{(fallback_index + 2) % 10}"


def _to_float(v) -> float:
    if v is None:
        return math.nan
    if isinstance(v, bool):
        return float(v)
    if isinstance(v, (int, float)):
        return float(v)
    s = str(v).strip()
    if s == "" or s.lower() in ("none", "null", "nan"):
        return math.nan
    if s.lower() in ("true", "false"):
        return 1.0 if s.lower() == "true" else 0.0
    try:
        return float(s)
    except ValueError:
        return math.nan


def read_csv_columns(path: Path) -> dict[str, list[str]]:
    """Raw string columns of a CSV (empty dict when the file is missing or empty)."""
    path = Path(path)
    if not path.is_file():
        return {}
    with open(path, newline="") as fh:
        rows = list(csv.DictReader(fh))
    if not rows:
        return {}
    return {k: [r.get(k, "") or "" for r in rows] for k in rows[0] if k is not None}


def numeric(values: list) -> np.ndarray:
    """Floats with NaN for blanks / null / text."""
    return np.array([_to_float(v) for v in values], dtype=float)


def has_values(a: np.ndarray | None) -> bool:
    return a is not None and np.size(a) > 0 and bool(np.any(np.isfinite(a)))


@dataclass
class CaseOutput:
    """The outputs of one case; ``path`` is the case directory or its ``output/`` directory."""

    path: Path
    _ts: dict | None = field(default=None, repr=False)

    def __post_init__(self):
        p = Path(self.path)
        self.outdir = p if (p / "summary.json").exists() or p.name == "output" else p / "output"
        self.case_dir = self.outdir.parent if self.outdir.name == "output" else self.outdir

    # --- summary.json -------------------------------------------------------------------------
    @property
    def summary(self) -> dict:
        f = self.outdir / "summary.json"
        if not f.is_file():
            return {}
        try:
            return json.loads(f.read_text())
        except json.JSONDecodeError:
            return {}

    def value(self, key: str) -> float:
        """A numeric summary value, NaN when absent or null."""
        return _to_float(self.summary.get(key))

    @property
    def exists(self) -> bool:
        return (self.outdir / "summary.json").is_file()

    @property
    def substrate(self) -> str | None:
        return self.summary.get("substrate")

    @property
    def current_density_mA_cm2(self) -> float:
        return self.value("current_density_mA_cm2")

    @property
    def name(self) -> str:
        return self.case_dir.name

    @property
    def model(self) -> str | None:
        """The case's model ("sharp", "phasefield", ...) from the summary's provenance, or None."""
        return (self.summary.get("provenance") or {}).get("model")

    @property
    def label(self) -> str:
        j = self.current_density_mA_cm2
        js = f", {j:g} mA/cm$^2$" if math.isfinite(j) else ""
        flat = " (flat film)" if self.model == "sharp" else ""
        return f"{substrate_label(self.substrate)}{flat}{js}"

    # --- timeseries.csv -----------------------------------------------------------------------
    @property
    def timeseries(self) -> dict[str, np.ndarray]:
        if self._ts is None:
            raw = read_csv_columns(self.outdir / "timeseries.csv")
            self._ts = {k: numeric(v) for k, v in raw.items()}
        return self._ts

    def column(self, name: str) -> np.ndarray | None:
        """A timeseries column, or None when it is absent or has no values (not modelled)."""
        a = self.timeseries.get(name)
        return a if has_values(a) else None

    # --- fields.pvd / VTU -----------------------------------------------------------------------
    def frames(self) -> list[tuple[float, Path]]:
        pvd = self.outdir / "fields.pvd"
        if not pvd.is_file():
            return []
        root = ET.parse(pvd).getroot()
        return [(float(d.get("timestep")), self.outdir / d.get("file")) for d in root.iter("DataSet")]

    def last_frame(self):
        """The last VTU frame as a meshio Mesh, or None."""
        frames = [f for f in self.frames() if f[1].is_file()]
        if not frames:
            return None
        import meshio

        return meshio.read(frames[-1][1])


def cell_field(mesh, name: str) -> np.ndarray | None:
    if mesh is None or name not in mesh.cell_data:
        return None
    return np.asarray(mesh.cell_data[name][0])


def collector_row(mesh) -> tuple[np.ndarray, np.ndarray] | None:
    """Indices and x centres (um) of the cells touching the collector (lowest row of cell centres).
    The frames' coordinates are SI (m)."""
    if mesh is None:
        return None
    cells = mesh.cells[0].data
    centres = mesh.points[cells].mean(axis=1)
    y = centres[:, 1]
    tol = 1e-6 * float(np.ptp(mesh.points[:, 1]))
    idx = np.flatnonzero(y <= y.min() + tol)
    idx = idx[np.argsort(centres[idx, 0])]
    return idx, centres[idx, 0] / M_PER_UM


def load_cases(paths) -> list[CaseOutput]:
    """CaseOutputs for the directories that have outputs; prints a note for the others."""
    out = []
    for p in paths:
        c = CaseOutput(Path(p))
        if c.exists:
            out.append(c)
        else:
            print(f"note: {p}: no outputs (summary.json missing), skipped")
    return out


def note(ax, text: str = NOT_MODELLED, **kw) -> None:
    """Write a note in the middle of an axes (used for quantities the outputs do not carry)."""
    ax.text(0.5, 0.5, text, transform=ax.transAxes, ha="center", va="center", fontsize=10, color="0.35",
            wrap=True, bbox=dict(boxstyle="round", fc="0.96", ec="0.7"), **kw)


def new_figure(ncols: int = 1, nrows: int = 1, width: float = 5.2, height: float = 3.9, **kw):
    plt.rcParams.update({"font.size": 10, "axes.grid": True, "grid.alpha": 0.3, "legend.fontsize": 8})
    fig, axes = plt.subplots(nrows, ncols, figsize=(width * ncols, height * nrows), squeeze=False,
                             constrained_layout=True, **kw)
    return fig, axes


def _jsonable(v):
    if isinstance(v, np.ndarray):
        return [_jsonable(x) for x in v.tolist()]
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    if isinstance(v, dict):
        return {str(k): _jsonable(x) for k, x in v.items()}
    if isinstance(v, (float, np.floating)):
        return None if not math.isfinite(float(v)) else float(v)
    if isinstance(v, np.integer):
        return int(v)
    return v


def save_figure(fig, outdir: Path, name: str, data: dict, formats=("png", "pdf")) -> list[Path]:
    """Write ``NAME.png``, ``NAME.pdf`` and ``NAME.json`` (the plotted numbers) to ``outdir``."""
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    paths = []
    for ext in formats:
        p = outdir / f"{name}.{ext}"
        fig.savefig(p, dpi=130 if ext == "png" else None, bbox_inches="tight", pad_inches=0.05)
        paths.append(p)
    p = outdir / f"{name}.json"
    p.write_text(json.dumps(_jsonable(data), indent=1) + "\n")
    paths.append(p)
    plt.close(fig)
    print(f"wrote {outdir / name}.{{{','.join(formats)},json}}")
    return paths


def out_dir_arg(parser) -> None:
    parser.add_argument("-o", "--out", type=Path, default=Path(os.environ.get("LIPLATE_FIGURES", DEFAULT_FIGURE_DIR)),
                        help="directory for the figures (default: postprocessing/figures)")


def case_script_main(plot, description: str, argv=None) -> int:
    """Command line shared by the per-case figure scripts: ``SCRIPT CASE... [-o OUT]``."""
    import argparse

    p = argparse.ArgumentParser(description=description)
    p.add_argument("cases", nargs="+", type=Path, help="case directories (or their output/ directories)")
    out_dir_arg(p)
    a = p.parse_args(argv)
    plot(a.cases, a.out)
    return 0
