"""Results of a run, and of a sweep, as Python objects: dicts, pandas DataFrames, pyvista meshes.

:func:`load_results` reads a case's ``output/`` directory (what ``liplate run`` or :func:`liplate.run`
wrote) into a :class:`Result`; :func:`load_sweep` reads a sweep's ``results.csv`` into a DataFrame
whose swept values are numbers, their unit in the column name. Column names of the time series and
of ``interface.csv`` already carry their units (``time_s``, ``voltage_V``, ``x_um``, ...).
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd


class ResultsError(FileNotFoundError):
    """A directory that holds no liplate results, with a message a user can act on."""


def _output_dir(path: str | Path) -> Path:
    p = Path(path)
    if p.is_file():
        p = p.parent
    for d in (p / "output", p):
        if (d / "summary.json").is_file() or (d / "timeseries.csv").is_file():
            return d
    raise ResultsError(f"{path}: no liplate results here (no summary.json or timeseries.csv in it or in its "
                       "output/); run the case first (liplate run CASE, or liplate.run(case))")


class Result:
    """The outputs of one run. ``path`` is the output directory (``CASE/output``)."""

    def __init__(self, path: str | Path):
        self.path = _output_dir(path)
        self.case_dir = self.path.parent if self.path.name == "output" else self.path

    def __repr__(self) -> str:
        s = self.summary
        return (f"Result({str(self.path)!r}: status {s.get('status')!r}, substrate {s.get('substrate')!r}, "
                f"{s.get('capacity_mAh_cm2')} mAh/cm^2, thickness {s.get('thickness_mean_um')} um)")

    # -- summary and inputs ------------------------------------------------------------------------
    @property
    def summary(self) -> dict[str, Any]:
        """``summary.json``: final metrics (units in the key names) and provenance; {} before the run ends."""
        f = self.path / "summary.json"
        return json.loads(f.read_text()) if f.is_file() else {}

    @property
    def status(self) -> str | None:
        """"completed", "failed", ... (None while the run has not finished)."""
        return self.summary.get("status")

    @property
    def inputs(self) -> dict[str, Any]:
        """``case_resolved.json``: every value the run used, SI, with units and sources."""
        f = self.path / "case_resolved.json"
        return json.loads(f.read_text()) if f.is_file() else {}

    # -- tables ---------------------------------------------------------------------------------------
    @property
    def timeseries(self) -> pd.DataFrame:
        """``timeseries.csv``: one row per step; columns ``time_s``, ``capacity_mAh_cm2``, ``voltage_V``,
        ``thickness_mean_um``, the voltage parts ``eta_*_V``, ... (NaN where a quantity is not modelled)."""
        import pandas as pd

        return pd.read_csv(self.path / "timeseries.csv")

    @property
    def interface(self) -> pd.DataFrame | None:
        """``interface.csv``: quantities per collector column (``x_um``, ``current_density_A_m2``,
        ``thickness_um``, ``sei_thickness_nm``, ...), with ``time_s`` (and ``frame`` where the file holds
        every field frame). None when the model writes no such file (the kMC model)."""
        import pandas as pd

        f = self.path / "interface.csv"
        return pd.read_csv(f) if f.is_file() else None

    def interface_frames(self) -> list[Any]:
        """The frames ``interface.csv`` holds (values of its ``frame`` column, else of ``time_s``), in order."""
        df = self.interface
        if df is None or df.empty:
            return []
        key = "frame" if "frame" in df.columns else "time_s"
        return sorted(df[key].unique().tolist())

    def interface_at(self, frame: int = -1) -> pd.DataFrame:
        """The rows of ``interface.csv`` for one stored frame (``frame`` indexes :meth:`interface_frames`;
        -1: the last), sorted by ``x_um``."""
        df = self.interface
        if df is None:
            raise ResultsError(f"{self.path}: no interface.csv (this model writes no per-column profile)")
        frames = self.interface_frames()
        try:
            which = frames[frame]
        except IndexError:
            raise IndexError(f"{self.path}/interface.csv holds {len(frames)} frame(s); frame {frame} is not "
                             "among them") from None
        key = "frame" if "frame" in df.columns else "time_s"
        rows = df[df[key] == which]
        return rows.sort_values("x_um").reset_index(drop=True) if "x_um" in rows else rows.reset_index(drop=True)

    # -- fields ---------------------------------------------------------------------------------------
    @property
    def frames(self) -> list[tuple[float, Path]]:
        """(time in s, VTU file) of every field frame listed in ``fields.pvd``."""
        from .io.fields import read_pvd

        pvd = self.path / "fields.pvd"
        return read_pvd(pvd) if pvd.is_file() else []

    def fields(self, frame: int = -1):
        """A field frame as a pyvista mesh with the cell data (lengths in µm, fields SI with the unit in
        their names: ``phi_V``, ``current_density_A_m2``, ``xi``, ...). ``frame`` indexes :attr:`frames`;
        the frame's time is in ``mesh.field_data["time_s"]``."""
        import numpy as np
        import pyvista as pv

        frames = self.frames
        if not frames:
            raise ResultsError(f"{self.path}: no field frames (fields.pvd missing or empty)")
        try:
            time, vtu = frames[frame]
        except IndexError:
            raise IndexError(f"{self.path}: {len(frames)} field frame(s); frame {frame} is not among them") from None
        mesh = pv.read(vtu)
        mesh.field_data["time_s"] = np.array([time])
        return mesh

    # -- figures --------------------------------------------------------------------------------------
    def plot(self, which: str | None = None, save: str | Path | None = None):
        """The standard figures of a run (matplotlib; :mod:`liplate.plotting`): voltage and thickness against
        capacity with the measurements where the experiment has them, and the profiles along the collector.
        ``which``: "voltage", "thickness", "collector", "cross_section" or None (all in one figure).
        ``save``: a file name to write the figure to. Returns the Figure."""
        from . import plotting

        fig = plotting.plot_result(self, which)
        if save is not None:
            fig.savefig(save, dpi=130, bbox_inches="tight")
        return fig


def load_results(path: str | Path) -> Result:
    """The results of a run: ``path`` is a case directory or its ``output/`` directory."""
    return Result(path)


# -- sweeps ----------------------------------------------------------------------------------------

_QUANTITY = re.compile(r"^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(\S.*?)\s*$")


def unit_slug(unit: str) -> str:
    """A unit as it goes into a column name, as liplate's outputs write it: "mA/cm^2" -> "mA_cm2",
    "MPa" -> "MPa", "ohm*cm^2" -> "ohm_cm2"."""
    s = unit.strip().replace("µ", "u").replace("μ", "u").replace("^", "").replace("**", "")
    return re.sub(r"[^A-Za-z0-9]+", "_", s).strip("_")


def _numeric_column(values: list[str]) -> tuple[list[float], str] | None:
    """Strings "5 MPa", "500 kPa", ... -> numbers in the unit of the first one, and that unit; None if the
    strings are not all quantities with units of one dimension (blanks become NaN)."""
    from .units import _parse

    matches = [_QUANTITY.match(v) if v.strip() else None for v in values]
    present = [m for v, m in zip(values, matches, strict=True) if v.strip()]
    if not present or not all(present):
        return None
    unit = present[0].group(2)
    try:
        first = _parse(f"1 {unit}")
        numbers = [float("nan") if m is None else float(_parse(m.group(0)).to(first.units).magnitude)
                   for m in matches]
    except Exception:  # pint: an undefined unit, different dimensions, ...
        return None
    return numbers, unit


def _results_csv(sweep_file: str | Path) -> Path:
    p = Path(sweep_file)
    if p.is_dir():
        p = p / "results.csv"
    elif p.suffix != ".csv":
        p = p.parent / "results.csv"
    if not p.is_file():
        raise ResultsError(f"{p}: no sweep results; run the sweep first (liplate sweep {sweep_file})")
    return p


def load_sweep(sweep_file: str | Path) -> pd.DataFrame:
    """A sweep's ``results.csv`` as a DataFrame, one row per case.

    ``sweep_file`` is the sweep TOML, its directory or its ``results.csv``. The swept keys (the columns
    between ``dir`` and ``status``) are numbers where the sweep gave quantities: "5 MPa" becomes 5.0 in a
    column ``protocol.stack_pressure_MPa`` (values in other units of the same column are converted to the
    first value's unit); plain numbers, booleans and words stay as they are. The summary columns
    (``thickness_mean_um``, ...) are numbers already. ``df.attrs["units"]`` maps each renamed column to
    its unit and ``df.attrs["swept"]`` lists the swept columns.
    """
    import pandas as pd

    path = _results_csv(sweep_file)
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    cols = list(raw.columns)
    if "dir" in cols and "status" in cols and cols.index("status") > cols.index("dir"):
        swept = cols[cols.index("dir") + 1: cols.index("status")]
    else:
        swept = []
    df = pd.read_csv(path, true_values=["true"], false_values=["false"])
    units: dict[str, str] = {}
    renamed: dict[str, str] = {}
    for col in swept:
        parsed = _numeric_column(raw[col].tolist())
        if parsed is None:
            continue
        numbers, unit = parsed
        name = f"{col}_{unit_slug(unit)}" if unit_slug(unit) else col
        df[col] = numbers
        renamed[col] = name
        units[name] = unit
    df = df.rename(columns=renamed)
    df.attrs["units"] = units
    df.attrs["swept"] = [renamed.get(c, c) for c in swept]
    df.attrs["source"] = str(path)
    return df
