"""Heterogeneous nucleation of lithium on the collector (classical nucleation theory) and seeded nuclei.

Classical heterogeneous nucleation (e.g. Pei et al., Nano Lett. 17, 1132 (2017); Markov,
*Crystal Growth for Beginners*, ch. 2): a spherical-cap nucleus at overpotential eta has the barrier

    dG*(eta) = f(theta) 16 pi gamma^3 v^2 / (3 (e eta)^2),   f(theta) = (2 + cos theta)(1 - cos theta)^2 / 4

with v = V_m / N_A the volume per Li atom. Nucleation becomes observable when the rate
J0 exp(-dG*/k_B T) reaches a detectable value, i.e. dG* = k_B T ln(J0/J_obs) = k_B T Lambda, so

    eta_n(theta) = sqrt( f(theta) 16 pi gamma^3 v^2 / (3 e^2 k_B T Lambda) )

``Lambda`` (~50 for heterogeneous nucleation: J0 ~ 1e25-1e30 m^-2 s^-1 against ~1e4 observed) is
an order-of-magnitude input; eta_n depends on it only as Lambda^-1/2. eta_n gates the deposition
on bare substrate in the phase-field model (progressive nucleation). The peak of the voltage
transient that an experimenter reads as "nucleation overpotential" is *not* eta_n: in the model
it comes out of the run (nuclei carry the whole current at first).

Initial (instantaneous) nuclei: their areal density is a substrate parameter. The Cu value is
calibrated on the observed 100-200 um islands (BRIEF §2); other substrates scale it with the
kMC rate ratio of BRIEF §3-4 (kMC: substrate coverage by nuclei rises with k_Li-sub/k_Li-Li;
assumed here proportional to it). Positions are random, reproducible for a given seed.
"""
from __future__ import annotations

import math

import numpy as np

from .constants import BOLTZMANN_EV, ELEMENTARY_CHARGE, FARADAY

AVOGADRO = FARADAY / ELEMENTARY_CHARGE


def shape_factor(theta_deg):
    """f(theta) = (2 + cos theta)(1 - cos theta)^2 / 4: heterogeneous / homogeneous barrier ratio."""
    c = np.cos(np.radians(theta_deg))
    return (2.0 + c) * (1.0 - c) ** 2 / 4.0


def nucleation_barrier(eta, theta_deg, gamma, molar_volume):
    """dG*(eta) (J) of a spherical-cap nucleus at overpotential eta (V) on a substrate with angle theta."""
    v = molar_volume / AVOGADRO
    return shape_factor(theta_deg) * 16.0 * math.pi * gamma**3 * v**2 / (3.0 * (ELEMENTARY_CHARGE * eta) ** 2)


def nucleation_overpotential(theta_deg, gamma, molar_volume, temperature, log_rate_ratio=50.0):
    """eta_n (V, > 0): overpotential at which dG* = k_B T Lambda (onset of observable nucleation)."""
    v = molar_volume / AVOGADRO
    kt = BOLTZMANN_EV * ELEMENTARY_CHARGE * temperature
    return math.sqrt(shape_factor(theta_deg) * 16.0 * math.pi * gamma**3 * v**2
                     / (3.0 * ELEMENTARY_CHARGE**2 * kt * log_rate_ratio))


def nucleation_gate(eta, eta_n, width):
    """Smooth 0 -> 1 switch of bare-substrate deposition as the plating overpotential |eta| passes eta_n.

    ``1 / (1 + exp(-(-eta - eta_n)/width))`` (eta < 0 while plating).
    """
    z = np.clip((-np.asarray(eta) - eta_n) / width, -60.0, 60.0)
    return 1.0 / (1.0 + np.exp(-z))


def nucleus_count(width, areal_density):
    """Number of nuclei in a 2D window of periodic width ``width``: linear density sqrt(areal density)."""
    return max(1, int(round(width * math.sqrt(areal_density))))


def place_nuclei(width, count, seed, min_spacing_fraction=0.5, max_tries=100000):
    """Centres (m) of ``count`` nuclei on a periodic line of length ``width``, reproducible for ``seed``.

    Random sequential placement with an exclusion distance ``min_spacing_fraction * width / count``
    (nuclei cannot form inside the depletion zone of a neighbour). Sorted ascending.
    """
    rng = np.random.default_rng(seed)
    d_min = min_spacing_fraction * width / count
    centres: list[float] = []
    tries = 0
    while len(centres) < count:
        tries += 1
        if tries > max_tries:
            raise ValueError(f"cannot place {count} nuclei {d_min:g} m apart on {width:g} m")
        x = rng.uniform(0.0, width)
        if all(min(abs(x - c), width - abs(x - c)) >= d_min for c in centres):
            centres.append(x)
    return np.sort(np.array(centres))


# --------------------------------------------------------------------------------------------------
# Progressive nucleation: classical rate, 2D cap geometry, sub-grid nuclei (models/phasefield)
# --------------------------------------------------------------------------------------------------
#
# Rate (classical heterogeneous nucleation, Markov ch. 2; Kashchiev, *Nucleation* (2000) ch. 13):
#
#     J(eta) = J0 exp(-dG*(eta) / k_B T)                    (nuclei per collector area and time)
#
# J0 = j0_sub / e: the attachment flux of Li+ to the bare collector at equilibrium (the exchange current
# density in atoms per area and time); the Zeldovich factor and the number of attachment sites on the
# critical nucleus, together of order 1, are taken as 1 (an order-of-magnitude prefactor: eta at a given
# rate moves with ln J0 only as (ln J0)^-1/2, like eta_n with Lambda). No extra parameter: j0_sub, theta,
# gamma and V_m set it.
#
# 2D cross-section: a nucleus is a cylindrical cap (a ridge along z) of base half-width a meeting the
# collector at theta; its cross-section is a circular segment of radius R = a / sin(theta). Nuclei that
# form with areal density n2 (per collector area) are seen by a cross-section of a 2D array with linear
# density sqrt(n2) (the convention of nucleus_count above): the window of width W holds
# N(t) = floor(W sqrt(n2(t))) nuclei, n2(t) = the integral of J over time and the bare collector.

def attachment_prefactor(exchange_current_density):
    """J0 = j0 / e (m^-2 s^-1): exchange flux of Li atoms per collector area (see the block comment)."""
    return np.asarray(exchange_current_density) / ELEMENTARY_CHARGE


def barrier_over_kt(eta, theta_deg, gamma, molar_volume, temperature):
    """dG*(eta) / k_B T of a cap nucleus at plating overpotential eta (V, < 0 while plating); inf for eta >= 0."""
    eta = np.abs(np.minimum(np.asarray(eta, dtype=float), 0.0))
    v = molar_volume / AVOGADRO
    kt = BOLTZMANN_EV * ELEMENTARY_CHARGE * temperature
    b = shape_factor(theta_deg) * 16.0 * math.pi * gamma**3 * v**2 / (3.0 * ELEMENTARY_CHARGE**2 * kt)
    with np.errstate(divide="ignore"):
        return np.where(eta > 0.0, b / np.where(eta > 0.0, eta, 1.0) ** 2, np.inf)


def nucleation_rate(eta, theta_deg, gamma, molar_volume, temperature, exchange_current_density):
    """J(eta) = (j0/e) exp(-dG*(eta)/k_B T), nuclei per m^2 and s on bare collector (0 for eta >= 0)."""
    return attachment_prefactor(exchange_current_density) * np.exp(
        -barrier_over_kt(eta, theta_deg, gamma, molar_volume, temperature))


def barrier_step_limit(eta, theta_deg, gamma, molar_volume, temperature, change=1.0):
    """Largest |d eta| (V) that changes dG*/k_B T by ``change`` at eta: d(B/eta^2) = 2 B / |eta|^3 d eta.

    The rate is exp(-B/eta^2): a time step over which eta moves by more than this changes J by more than
    a factor e^change within the step, and the nuclei it counts would depend on the step.
    """
    e = np.abs(np.asarray(eta, dtype=float))
    b_kt = barrier_over_kt(-np.maximum(e, 1e-300), theta_deg, gamma, molar_volume, temperature) * e**2
    return change * e**3 / (2.0 * b_kt)


def critical_radius(eta, gamma, molar_volume):
    """Radius (m) of the critical cylindrical (2D) nucleus: Gibbs-Thomson gamma V_m / r = F |eta|."""
    return gamma * molar_volume / (FARADAY * np.abs(np.asarray(eta, dtype=float)))


def _check_angle(theta_deg):
    if not 0.0 < float(theta_deg) < 180.0:
        raise ValueError(f"contact angle must lie strictly between 0 and 180 deg, got {theta_deg}")
    return math.radians(theta_deg)


def cap_area(half_width, theta_deg):
    """Cross-section area (m^2 per unit depth) of a circular cap of base half-width a meeting the wall at theta:
    R^2 (theta - sin theta cos theta), R = a / sin theta."""
    t = _check_angle(theta_deg)
    a = np.asarray(half_width, dtype=float)
    return a**2 * (t - math.sin(t) * math.cos(t)) / math.sin(t) ** 2


def cap_half_width(area, theta_deg):
    """Inverse of :func:`cap_area`: base half-width (m) of a cap of the given cross-section area."""
    return np.sqrt(np.asarray(area, dtype=float) / cap_area(1.0, theta_deg))


def cap_arc_length(half_width, theta_deg):
    """Length (m) of the cap's free surface (its Li|SE interface per unit depth): 2 R theta."""
    t = _check_angle(theta_deg)
    return 2.0 * np.asarray(half_width, dtype=float) * t / math.sin(t)


def cap_height(half_width, theta_deg):
    """Apex height (m) of the cap: a tan(theta / 2)."""
    t = _check_angle(theta_deg)
    return np.asarray(half_width, dtype=float) * math.tan(0.5 * t)


def line_count(areal_exposure, width):
    """Nuclei seen by a cross-section of periodic width ``width`` after an areal density n2 has formed:
    floor(width sqrt(n2)) (linear density sqrt(n2), as :func:`nucleus_count`)."""
    return int(math.floor(width * math.sqrt(max(float(areal_exposure), 0.0)) + 1e-9))


def pick_sites(weights, count, seed, serial):
    """Indices of ``count`` collector cells for new nuclei, drawn with probability proportional to ``weights``
    (the local rate times the bare fraction), reproducible: NumPy default_rng([seed, serial]) with ``serial``
    the number of nuclei formed before (independent of how the steps fell)."""
    w = np.clip(np.asarray(weights, dtype=float), 0.0, None)
    if count <= 0 or not np.any(w > 0):
        return np.zeros(0, dtype=int)
    rng = np.random.default_rng([int(seed), int(serial)])
    return np.sort(rng.choice(w.size, size=count, replace=True, p=w / w.sum()))


class SubgridNuclei:
    """Nuclei smaller than the mesh resolves, on the collector of a periodic 2D window (models/phasefield).

    Each is a cylindrical cap at contact angle theta (cross-section area ``area``, m^2 per unit depth) at
    position ``x`` (m), in collector cell ``cell``. A nucleus carries the plating current j_BV(eta) of its cell
    on its free surface (:func:`cap_arc_length`), so its Li is paid by charge as it forms and grows; it is
    born at the critical radius of its cell's overpotential. Two nuclei whose bases overlap coalesce into
    one of their summed area at their area-weighted centre (a cap again, as the contact line sets it).
    """

    def __init__(self, width, n_cells, theta_deg):
        self.width = float(width)
        self.n_cells = int(n_cells)
        self.dx = self.width / self.n_cells
        self.theta = float(theta_deg)
        _check_angle(theta_deg)
        self.x = np.zeros(0)
        self.area = np.zeros(0)
        self.formed = 0                 # nuclei formed since t = 0 (serial of the next draw)
        self.exposure = 0.0             # n2: integral of J over time and bare collector / width (1/m^2)

    # -- geometry ------------------------------------------------------------------------------
    @property
    def cell(self):
        return np.floor(self.x / self.dx).astype(int) % self.n_cells

    def half_width(self):
        return cap_half_width(self.area, self.theta)

    def arc_length(self):
        return cap_arc_length(self.half_width(), self.theta)

    def height(self):
        return cap_height(self.half_width(), self.theta)

    def volume(self):
        """Li (m^2 per unit depth) held in the sub-grid nuclei."""
        return float(np.sum(self.area))

    def interface_per_cell(self):
        """Free-surface length (m per unit depth) of the nuclei in each collector cell."""
        return np.bincount(self.cell, weights=self.arc_length(), minlength=self.n_cells)

    # -- evolution -----------------------------------------------------------------------------
    def grow(self, dt, current_density_per_cell, molar_volume):
        """Grow every nucleus by dt j V_m / F times its arc length (j of its cell, A/m^2; < 0 dissolves,
        to 0 at most). Returns the Li volume added (m^2 per unit depth)."""
        if self.area.size == 0:
            return 0.0
        j = np.asarray(current_density_per_cell)[self.cell]
        before = self.area.copy()
        self.area = np.clip(self.area + dt * j * self.arc_length() * molar_volume / FARADAY, 0.0, None)
        keep = self.area > 0.0
        added = float(np.sum(self.area - before))
        self.x, self.area = self.x[keep], self.area[keep]
        return added

    def nucleate(self, dt, rate_per_cell, bare_fraction, eta_per_cell, gamma, molar_volume, seed):
        """Add the nuclei that the rate J (1/(m^2 s), per collector cell) forms on the bare fraction in dt.

        The areal exposure n2 += sum(J bare dx) dt / width; the window holds floor(width sqrt(n2)) nuclei
        formed in all (:func:`line_count`); the new ones are placed in cells drawn with weights J bare
        (:func:`pick_sites`), at a uniformly drawn position inside the cell, with the critical radius of
        their cell's overpotential (area of a cap of that radius of curvature). Returns the Li volume of the
        new nuclei (m^2 per unit depth, paid by the step's charge) and their number.
        """
        w = np.asarray(rate_per_cell) * np.asarray(bare_fraction)
        self.exposure += float(np.sum(w)) * self.dx * dt / self.width
        new = line_count(self.exposure, self.width) - self.formed
        if new <= 0:
            return 0.0, 0
        cells = pick_sites(w, new, seed, self.formed)
        if cells.size == 0:
            return 0.0, 0
        rng = np.random.default_rng([int(seed), int(self.formed), 1])
        x = (cells + rng.uniform(0.0, 1.0, cells.size)) * self.dx
        r = critical_radius(np.asarray(eta_per_cell)[cells], gamma, molar_volume)
        a = r * math.sin(math.radians(self.theta))
        area = cap_area(a, self.theta)
        self.x = np.concatenate([self.x, x])
        self.area = np.concatenate([self.area, area])
        self.formed += int(cells.size)
        return float(np.sum(area)), int(cells.size)

    def coalesce(self):
        """Merge nuclei whose bases overlap (periodic), repeatedly, conserving area."""
        while self.x.size > 1:
            order = np.argsort(self.x)
            x, area = self.x[order], self.area[order]
            a = cap_half_width(area, self.theta)
            gap = np.diff(np.append(x, x[0] + self.width)) - a - np.roll(a, -1)
            i = int(np.argmin(gap))
            if gap[i] > 0.0:
                self.x, self.area = x, area
                return
            j = (i + 1) % x.size
            xj = x[j] + (self.width if j == 0 else 0.0)
            tot = area[i] + area[j]
            xm = ((x[i] * area[i] + xj * area[j]) / tot) % self.width
            keep = np.ones(x.size, dtype=bool)
            keep[[i, j]] = False
            self.x = np.append(x[keep], xm)
            self.area = np.append(area[keep], tot)

    def take(self, mask):
        """Remove the nuclei selected by ``mask`` and return (x, area) of them (to be put into the mesh)."""
        mask = np.asarray(mask, dtype=bool)
        out = (self.x[mask].copy(), self.area[mask].copy())
        self.x, self.area = self.x[~mask], self.area[~mask]
        return out

    # -- state -----------------------------------------------------------------------------------
    def get_state(self):
        return {"nuclei_x": self.x.copy(), "nuclei_area": self.area.copy(),
                "nuclei_counts": np.array([self.formed, self.exposure], dtype=float)}

    def set_state(self, state):
        if "nuclei_x" not in state:
            return
        self.x = np.array(state["nuclei_x"], dtype=float)
        self.area = np.array(state["nuclei_area"], dtype=float)
        self.formed, self.exposure = int(state["nuclei_counts"][0]), float(state["nuclei_counts"][1])
