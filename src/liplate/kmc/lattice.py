"""Periodic substrate lattices for the solid-on-solid kMC.

The deposit is stored as one integer height per substrate site (a "column"): occupied sites are
``(site, z)`` for ``0 <= z < h[site]``. 2D is a cross-section (a line of ``L`` substrate sites,
columns growing up, periodic in x); 3D is a square ``L x L`` substrate (periodic in x and y),
sites numbered ``i = ix + L * iy``.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Lattice:
    """A periodic substrate lattice: ``dimension`` 2 (line) or 3 (square), ``width`` sites per side."""

    dimension: int
    width: int

    def __post_init__(self):
        if self.dimension not in (2, 3):
            raise ValueError(f"dimension must be 2 or 3, got {self.dimension!r}")
        if self.width < 3:
            raise ValueError(f"lattice width must be >= 3 sites, got {self.width}")

    @property
    def n_sites(self) -> int:
        """Number of substrate sites (columns)."""
        return self.width if self.dimension == 2 else self.width * self.width

    @property
    def coordination(self) -> int:
        """Lateral nearest neighbours of a site: 2 in 2D, 4 in 3D."""
        return 2 if self.dimension == 2 else 4

    def neighbours(self) -> list[tuple[int, ...]]:
        """Periodic nearest-neighbour table: ``neighbours()[i]`` is a tuple of site indices."""
        L = self.width
        if self.dimension == 2:
            return [((i - 1) % L, (i + 1) % L) for i in range(L)]
        out = []
        for iy in range(L):
            for ix in range(L):
                out.append((((ix - 1) % L) + L * iy, ((ix + 1) % L) + L * iy,
                            ix + L * ((iy - 1) % L), ix + L * ((iy + 1) % L)))
        return out

    def coordinates(self, site: int) -> tuple[int, int]:
        """(ix, iy) of a site (iy = 0 in 2D)."""
        if self.dimension == 2:
            return site, 0
        return site % self.width, site // self.width
