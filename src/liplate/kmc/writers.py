"""kMC output files, all written atomically: CSV tables, VTU snapshots of occupied sites, a .pvd.

Snapshots: one cell per occupied site, a unit square (VTK quad, in the x-z plane) in 2D or a unit
cube (VTK hexahedron) in 3D, coordinates in nanometres (site size = lattice constant ``a``), with
cell data ``layer`` (0 = on the substrate) and ``column``. The ``.pvd`` lists the snapshots with
``timestep`` = deposited atoms and relative file names.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path
from xml.sax.saxutils import quoteattr

import numpy as np

from ..io.atomic import atomic_path, write_text

NM = 1e9


def write_csv(path: Path, rows: list[dict], columns: list[str] | None = None) -> None:
    columns = columns or (list(rows[0]) if rows else [])
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: ("" if row.get(k) is None else _fmt(row.get(k))) for k in columns})
    write_text(path, buf.getvalue())


def _fmt(v):
    if isinstance(v, float):
        return f"{v:.10g}"
    return v


def occupied_sites_mesh(h: np.ndarray, a: float):
    """meshio.Mesh with one quad (2D) or hexahedron (3D) per occupied site of heights ``h``."""
    import meshio

    h = np.asarray(h)
    s = a * NM
    if h.ndim == 1:
        cols = np.repeat(np.arange(h.size), h)
        layers = np.concatenate([np.arange(v) for v in h]) if h.sum() else np.zeros(0, int)
        x0, z0 = cols * s, layers * s
        n = cols.size
        pts = np.empty((4 * n, 3))
        for k, (dx, dz) in enumerate(((0, 0), (1, 0), (1, 1), (0, 1))):
            pts[k::4] = np.column_stack([x0 + dx * s, np.zeros(n), z0 + dz * s])
        cells = [("quad", np.arange(4 * n).reshape(n, 4))]
        column = cols
    else:
        L = h.shape[1]
        flat = h.ravel()
        sites = np.repeat(np.arange(flat.size), flat)
        layers = np.concatenate([np.arange(v) for v in flat]) if flat.sum() else np.zeros(0, int)
        x0, y0, z0 = (sites % L) * s, (sites // L) * s, layers * s
        n = sites.size
        pts = np.empty((8 * n, 3))
        corners = ((0, 0, 0), (1, 0, 0), (1, 1, 0), (0, 1, 0), (0, 0, 1), (1, 0, 1), (1, 1, 1), (0, 1, 1))
        for k, (dx, dy, dz) in enumerate(corners):
            pts[k::8] = np.column_stack([x0 + dx * s, y0 + dy * s, z0 + dz * s])
        cells = [("hexahedron", np.arange(8 * n).reshape(n, 8))]
        column = sites
    cell_data = {"layer": [np.asarray(layers, dtype=float)], "column": [np.asarray(column, dtype=float)]}
    return meshio.Mesh(pts, cells, cell_data=cell_data)


class SnapshotWriter:
    """``<stem>_NNNN.vtu`` files and ``<stem>.pvd`` (rewritten atomically after every frame)."""

    def __init__(self, outdir: Path, a: float, stem: str = "kmc_sites"):
        self.outdir = Path(outdir)
        self.a = a
        self.stem = stem
        self.frames: list[tuple[float, str]] = []

    @property
    def pvd_path(self) -> Path:
        return self.outdir / f"{self.stem}.pvd"

    def write(self, h: np.ndarray, step: float) -> Path:
        import meshio

        name = f"{self.stem}_{len(self.frames):04d}.vtu"
        with atomic_path(self.outdir / name) as tmp:
            meshio.write(tmp, occupied_sites_mesh(h, self.a), file_format="vtu")
        self.frames.append((step, name))
        lines = ['<?xml version="1.0"?>',
                 '<VTKFile type="Collection" version="0.1" byte_order="LittleEndian">', "  <Collection>"]
        lines += [f'    <DataSet timestep="{t:.9g}" group="" part="0" file={quoteattr(n)}/>'
                  for t, n in self.frames]
        lines += ["  </Collection>", "</VTKFile>", ""]
        write_text(self.pvd_path, "\n".join(lines))
        return self.outdir / name
