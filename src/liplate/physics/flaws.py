"""Surface flaws of the solid electrolyte: a seeded population with stated statistics (pure functions).

A cold-pressed Li6PS5Cl pellet is not a flat, dense surface: it carries grain-boundary grooves, pores and
cracks whose depth decides whether lithium pressed into them can fracture the electrolyte (Porz et al.:
penetration is set by the surface flaws, their size and density [Porz2017]). This module states the
population and draws it; physics/filament.py decides what the lithium does with it.

Depth distribution (two-parameter Weibull, the extreme-value law of the weakest link)::

    F(a) = 1 - exp(-(a / lambda)^k),      mean = lambda Gamma(1 + 1/k)                         (1)

Its two parameters are sourced from the measured surface statistics of Li6PS5Cl pellets [Singh2022]
(roughness 1.1 um for small grains and 6.5 um for large grains; a 14 um pre-existing flaw):

* scale lambda = the surface roughness (1.1 um; 6.5 um for large-grain pellets), assumed: the depth scale of
  the flaws is the roughness of the surface they sit in;
* shape k, derived: the 14 um flaw is the median largest of the N = rho_A A flaws on the pellet face
  (area A = pi D^2 / 4 of the die). The largest of N draws from (1) has F(a)^N as its distribution, so its
  median a_max obeys (a_max / lambda)^k = -ln(1 - 2^(-1/N)) ~ ln N + ln(1 / ln 2), i.e.::

      k = ln(-ln(1 - 2^(-1/N))) / ln(a_max / lambda)                                          (2)

  (k ~ 1.05 for rho_A = 1e10 1/m^2, D = 12 mm, a_max = 14 um, lambda = 1.1 um: nearly exponential).

Areal density rho_A: one flaw per surface grain of ~10 um (assumed order of the grain size of cold-pressed
argyrodite); eq. (2) depends on it only through ln ln N.

Positions. The 2D model is a cross-section of the collector; it cuts the flaws that lie on its line. For a
random areal pattern of flaws about as wide as their spacing, a line meets them at the linear density
rho_L = sqrt(rho_A) (derived, exact for a square lattice). Positions along the periodic window are uniform
(a Poisson line pattern conditioned on the count, which is Poisson with mean rho_L W). Optionally the window
also holds the largest flaw of a stated area (the pellet face): a short starts at the weakest spot of the
whole cell, which a 2D window of ~0.6 mm would otherwise almost never contain (``weakest_of_area``).

Randomness: ``numpy.random.default_rng([seed, FLAW_STREAM])``, a stream of its own, so that the flaws of a
case are reproducible for its seed and do not change the nuclei drawn from the same seed.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from ..parameters import Param

#: second entropy word of the flaw generator (any fixed number distinct from other streams of the seed)
FLAW_STREAM = 17

#: The flaw statistics with their sources (liplate.citations rules). Case keys ([penetration]) override them.
PARAMETERS: dict[str, Param] = {
    "depth_scale": Param(1.1e-6, "m", "length",
                         "1.1 um surface roughness of small-grain Li6PS5Cl [Singh2022] (6.5 um for large grains); "
                         "assumed: the Weibull depth scale of the surface flaws equals the roughness"),
    "largest_flaw_depth": Param(14e-6, "m", "length",
                                "14 um pre-existing surface flaw of a Li6PS5Cl pellet [Singh2022]; assumed: the "
                                "median largest flaw of the pellet face (sets the Weibull shape, eq. 2)"),
    "areal_density": Param(1e10, "1/m^2", "number_density_area",
                           "assumed: one flaw per ~10 um x 10 um surface grain, the order of the grain size of "
                           "cold-pressed argyrodite; the Weibull shape depends on it only through ln ln N"),
}


@dataclass(frozen=True)
class FlawStatistics:
    """Weibull depth law (1) (scale ``depth_scale`` m, shape ``shape``) and areal density (1/m^2)."""

    depth_scale: float
    shape: float
    areal_density: float

    def __post_init__(self):
        for name in ("depth_scale", "shape", "areal_density"):
            v = getattr(self, name)
            if not (math.isfinite(v) and v > 0):
                raise ValueError(f"flaw statistics: {name} must be a positive finite number, got {v!r}")

    @property
    def linear_density(self) -> float:
        """Flaws per metre of a line across the surface, sqrt(rho_A) (1/m)."""
        return math.sqrt(self.areal_density)

    def cdf(self, depth):
        a = np.maximum(np.asarray(depth, dtype=float), 0.0)
        return -np.expm1(-(a / self.depth_scale) ** self.shape)

    def quantile(self, u):
        """Depth (m) with F(a) = u (inverse of eq. 1)."""
        u = np.asarray(u, dtype=float)
        return self.depth_scale * (-np.log1p(-u)) ** (1.0 / self.shape)

    def mean(self) -> float:
        return self.depth_scale * math.gamma(1.0 + 1.0 / self.shape)

    def variance(self) -> float:
        k = self.shape
        return self.depth_scale ** 2 * (math.gamma(1.0 + 2.0 / k) - math.gamma(1.0 + 1.0 / k) ** 2)

    def largest_quantile(self, u, count: float):
        """Depth (m) below which the largest of ``count`` flaws lies with probability u: F(a)^N = u."""
        u = np.asarray(u, dtype=float)
        # 1 - u^(1/N) without cancellation: -expm1(ln(u) / N)
        return self.depth_scale * (-np.log(-np.expm1(np.log(u) / count))) ** (1.0 / self.shape)

    def largest_median(self, count: float) -> float:
        return float(self.largest_quantile(0.5, count))


def weibull_shape(depth_scale: float, largest_depth: float, count: float) -> float:
    """Shape k of eq. (2): the median largest of ``count`` flaws of scale ``depth_scale`` is ``largest_depth``."""
    if not largest_depth > depth_scale:
        raise ValueError(f"largest flaw depth {largest_depth:g} m must exceed the depth scale {depth_scale:g} m")
    if not count > 1:
        raise ValueError(f"the flaw count behind the largest flaw must exceed 1, got {count:g}")
    return math.log(-math.log(-math.expm1(math.log(0.5) / count))) / math.log(largest_depth / depth_scale)


def statistics(depth_scale: float, largest_depth: float, areal_density: float, area: float) -> FlawStatistics:
    """The population of eq. (1)-(2): the largest flaw ``largest_depth`` is the median largest on ``area``."""
    return FlawStatistics(depth_scale, weibull_shape(depth_scale, largest_depth, areal_density * area),
                          areal_density)


def default_statistics(params: Mapping[str, Param] | None = None, pellet_area: float | None = None
                       ) -> FlawStatistics:
    """The population from :data:`PARAMETERS` (or ``params``) on the face of the die (cell.die_diameter)."""
    p = dict(PARAMETERS if params is None else params)
    if pellet_area is None:
        from ..parameters import load_set
        pellet_area = math.pi * load_set("cell")["die_diameter"].value ** 2 / 4.0
    return statistics(p["depth_scale"].value, p["largest_flaw_depth"].value, p["areal_density"].value, pellet_area)


@dataclass(frozen=True)
class Flaws:
    """A drawn population along a periodic window: positions (m, in [0, width)) and depths (m), sorted by x."""

    x: np.ndarray
    depth: np.ndarray
    width: float

    @property
    def count(self) -> int:
        return int(self.x.size)

    def columns(self, nx: int) -> np.ndarray:
        """Index of the collector column (of ``nx`` equal columns) each flaw sits in."""
        return np.minimum((self.x / self.width * nx).astype(int), nx - 1)


def rng_for(seed: int) -> np.random.Generator:
    return np.random.default_rng([int(seed), FLAW_STREAM])


def draw(stats: FlawStatistics, width: float, seed: int, weakest_of_area: float | None = None) -> Flaws:
    """Flaws cut by a periodic line of length ``width`` (m), reproducible for ``seed``.

    Count ~ Poisson(rho_L W), positions uniform, depths from eq. (1). With ``weakest_of_area`` (m^2) one more
    flaw, the largest of the rho_A x area flaws of that area (depth from F^N), at a uniform position.
    """
    if not width > 0:
        raise ValueError(f"window width must be positive, got {width!r}")
    rng = rng_for(seed)
    n = int(rng.poisson(stats.linear_density * width))
    x = rng.uniform(0.0, width, n)
    depth = stats.quantile(rng.uniform(0.0, 1.0, n))
    if weakest_of_area:
        count = stats.areal_density * weakest_of_area
        x = np.append(x, rng.uniform(0.0, width))
        depth = np.append(depth, stats.largest_quantile(rng.uniform(0.0, 1.0), count))
    order = np.argsort(x, kind="stable")
    return Flaws(x=x[order], depth=depth[order], width=float(width))


def depth_per_column(flaws: Flaws, nx: int) -> np.ndarray:
    """Deepest flaw (m) in each of ``nx`` columns (0 where none): the field drawn in ParaView."""
    out = np.zeros(nx)
    if flaws.count:
        np.maximum.at(out, flaws.columns(nx), flaws.depth)
    return out
