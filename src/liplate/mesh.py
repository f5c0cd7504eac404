"""Geometry -> FiPy mesh.

2D cross-section: x along the collector (periodic), y from the collector (y = 0) into the SE.
Cell heights may grow geometrically away from the collector (``domain.grading``) so a window can
reach far into the pellet at modest cost. 3D will add a periodic z on the same path.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Geometry:
    width: float
    height: float
    nx: int
    ny: int
    grading: float = 1.0

    @classmethod
    def from_case(cls, case) -> Geometry:
        d = case["domain"]
        return cls(d["width"], d["height"], int(d["cells_x"]), int(d["cells_y"]), float(d["grading"]))

    @property
    def dx(self) -> float:
        return self.width / self.nx

    def dy(self) -> np.ndarray:
        """Cell heights (m), bottom to top, summing to ``height``."""
        if self.grading == 1.0:
            return np.full(self.ny, self.height / self.ny)
        w = self.grading ** np.arange(self.ny)
        return self.height * w / w.sum()

    def refined(self, factor: int = 2) -> Geometry:
        return Geometry(self.width, self.height, self.nx * factor, self.ny * factor,
                        self.grading ** (1.0 / factor))


def build_mesh(geom: Geometry):
    """A FiPy mesh periodic in x (a single column of cells in x when nx == 1 is still periodic)."""
    import fipy as fp

    dy = geom.dy()
    if geom.grading == 1.0:
        return fp.PeriodicGrid2DLeftRight(dx=geom.dx, dy=float(dy[0]), nx=geom.nx, ny=geom.ny)
    return fp.PeriodicGrid2DLeftRight(dx=geom.dx, dy=dy, nx=geom.nx, ny=geom.ny)
