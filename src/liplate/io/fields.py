"""Field output for ParaView: one XML ``.vtu`` per frame (meshio) and a ``fields.pvd`` collection.

The VTU geometry is the structured cell grid of :class:`liplate.mesh.Geometry` (not FiPy's
periodic vertex numbering, which wraps the last column onto the first); cells are ordered x
fastest, as FiPy numbers them. Coordinates are SI metres, as every field array (A/m^2, A/m^3, V, m),
so that ParaView's filters compute in one unit system: Gradient of ``phi_V`` is V/m, and Integrate
Variables over a 2D frame gives area integrals in m^2 (``reaction_A_m3`` integrates to A per metre of
depth, i.e. the applied current density times the width). Array names carry their unit.
"""
from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import quoteattr

import numpy as np

from .atomic import atomic_path, write_text


def grid_points_and_quads(x_edges: np.ndarray, y_edges: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Points (z = 0) and quad connectivity of a tensor grid, cells numbered x fastest."""
    nx, ny = len(x_edges) - 1, len(y_edges) - 1
    X, Y = np.meshgrid(x_edges, y_edges)  # (ny+1, nx+1)
    pts = np.column_stack([X.ravel(), Y.ravel(), np.zeros(X.size)])
    i, j = np.meshgrid(np.arange(nx), np.arange(ny))
    i, j = i.ravel(), j.ravel()
    v0 = j * (nx + 1) + i
    quads = np.column_stack([v0, v0 + 1, v0 + nx + 2, v0 + nx + 1])
    return pts, quads


class FieldWriter:
    """Writes frames ``fields_NNNN.vtu`` and keeps ``fields.pvd`` listing them (rewritten atomically)."""

    def __init__(self, outdir: Path, x_edges: np.ndarray, y_edges: np.ndarray, stem: str = "fields"):
        self.outdir = Path(outdir)
        self.stem = stem
        pts, quads = grid_points_and_quads(np.asarray(x_edges), np.asarray(y_edges))
        self.points = pts                      # metres (SI, as the fields)
        self.quads = quads
        self.ncells = len(quads)
        self.frames: list[tuple[float, str]] = []

    @property
    def pvd_path(self) -> Path:
        return self.outdir / f"{self.stem}.pvd"

    def write(self, index: int, time: float, fields: dict[str, np.ndarray], field_data: dict | None = None) -> Path:
        import meshio

        cell_data = {}
        for name, arr in fields.items():
            a = np.asarray(arr, dtype=float)
            if a.shape[0] != self.ncells:
                raise ValueError(f"field {name!r} has {a.shape[0]} values, mesh has {self.ncells} cells")
            if not np.all(np.isfinite(a)):
                raise ValueError(f"field {name!r} has non-finite values; refusing to write it")
            if a.ndim == 2 and a.shape[1] == 2:  # 2D vectors -> 3 components for ParaView glyphs/streamlines
                a = np.column_stack([a, np.zeros(len(a))])
            cell_data[name] = [a]
        mesh = meshio.Mesh(self.points, [("quad", self.quads)], cell_data=cell_data)
        name = f"{self.stem}_{index:04d}.vtu"
        with atomic_path(self.outdir / name) as tmp:
            meshio.write(tmp, mesh, file_format="vtu")
        self.frames = [f for f in self.frames if f[1] != name] + [(time, name)]
        self._write_pvd()
        return self.outdir / name

    def truncate(self, n_frames: int) -> None:
        """Forget frames beyond the first ``n_frames`` (used when resuming from a checkpoint)."""
        self.frames = self.frames[:n_frames]
        self._write_pvd()

    def _write_pvd(self) -> None:
        lines = ['<?xml version="1.0"?>',
                 '<VTKFile type="Collection" version="0.1" byte_order="LittleEndian">',
                 "  <Collection>"]
        for t, name in self.frames:
            lines.append(f'    <DataSet timestep="{t:.9g}" group="" part="0" file={quoteattr(name)}/>')
        lines += ["  </Collection>", "</VTKFile>", ""]
        write_text(self.pvd_path, "\n".join(lines))


def read_pvd(path: Path) -> list[tuple[float, Path]]:
    """(time, vtu path) pairs listed in a .pvd file."""
    import xml.etree.ElementTree as ET

    root = ET.parse(path).getroot()
    return [(float(d.get("timestep")), Path(path).parent / d.get("file")) for d in root.iter("DataSet")]


def write_interface_frame(path: Path, frame: int, time: float, profile: dict[str, np.ndarray]) -> None:
    """Add frame ``frame``'s interface profile to ``interface.csv`` (long format: one row per frame and column).

    Columns ``frame``, ``time_s``, then the profile's (``x_um``, ...). Rows of frames >= ``frame`` already in
    the file (a run killed after its last checkpoint and resumed from it) are replaced, so the file holds each
    frame once, in order; the file is rewritten atomically, never left half-written.
    """
    from .timeseries import read, to_csv

    path = Path(path)
    rows = [r for r in read(path) if r.get("frame") is not None and r["frame"] < frame] if path.is_file() else []
    for r in rows:
        r["frame"] = int(r["frame"])
    n = len(profile["x_um"])
    rows += [{"frame": int(frame), "time_s": float(time), **{k: float(v[i]) for k, v in profile.items()}}
             for i in range(n)]
    write_text(path, to_csv(rows, required=("frame", "time_s", "x_um")))
