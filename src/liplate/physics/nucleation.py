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

#: Smallest contact angle of a sub-grid cap nucleus (deg): complete wetting has no barrier; 1 deg caps coalesce
#: into a layer at once (numerical stand-in for layer-by-layer growth, models/phasefield/model.py)
THETA_NUCLEUS_MIN = 1.0

#: Double-layer capacitance of the collector|SE interface (F/m^2). Before the first nucleus the charge passed
#: has nowhere else to go: it charges the interface and sets how fast eta rises to the nucleation onset.
#: 10 uF/cm^2, the order of a compact (Helmholtz) double layer at a metal electrode (Bard & Faulkner,
#: Electrochemical Methods, 2nd ed., 2001, sec. 1.2.3 and 13.3: 10-40 uF/cm^2); not measured for Cu|LPSCl or
#: Li2Te|LPSCl. Enters only the first milliseconds (the nucleation transient), not the morphology after it.
DOUBLE_LAYER_CAPACITANCE = 0.1

#: A sub-grid nucleus is put into the phase field once its height reaches this many interface lengths (a
#: numerical choice: smaller caps are not resolved by the diffuse interface and would be dissolved by it).
RESOLVE_HEIGHT_IN_INTERFACE_LENGTHS = 3.0

#: Time control of the nucleation transient (numerical): a sub-step may lower dG*/kT by at most this much on a
#: cell where it matters (the rate changes < e-fold within it) ...
BARRIER_STEP = 1.0
#: ... only where dG*/kT is below this (above, J0 exp(-dG*/kT) x window^2 x any run time is < 1e-6 nuclei) ...
BARRIER_RELEVANT = 60.0
#: ... and may add at most max(this, half the nuclei formed so far).
MAX_NEW_NUCLEI = 20


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


class CollectorNuclei:
    """Nuclei smaller than the mesh resolves, per collector cell of a periodic 2D window (models/phasefield).

    Cell i holds ``count[i]`` nuclei of equal size (cylindrical caps at contact angle theta) with total
    cross-section ``area[i]`` (m^2 per unit depth; Li paid by charge): each nucleus has area area/count, base
    half-width a (:func:`cap_half_width`) and free surface :func:`cap_arc_length`, centred on the cell. They
    carry the plating current on that surface, spread over the cells their bases span. Nuclei are born at
    the critical radius of their cell's overpotential (:func:`critical_radius`). Where bases touch (the
    covered fraction of a spanned cell reaches 1) or a nucleus has grown to the resolvable height, the
    caller moves the Li into the mesh (:meth:`take`): from then on the phase field carries it.
    """

    def __init__(self, width, n_cells, theta_deg):
        self.width = float(width)
        self.n_cells = int(n_cells)
        self.dx = self.width / self.n_cells
        self.theta = float(theta_deg)
        self.count = np.zeros(self.n_cells)
        self.area = np.zeros(self.n_cells)
        #: Li (m^2 per unit depth) of nuclei that coalesced into a continuous layer over a cell (bases covering
        #: it): a sub-grid film with the flat surface dx, until it is thick enough for the mesh
        self.film = np.zeros(self.n_cells)
        self.formed = 0                 # nuclei formed since t = 0 (serial of the next draw)
        self.exposure = 0.0             # n2: integral of J over time and bare collector / width (1/m^2)

    # -- geometry ------------------------------------------------------------------------------
    def half_width(self):
        """Base half-width of one nucleus in each cell (0 where there is none)."""
        each = np.divide(self.area, self.count, out=np.zeros(self.n_cells), where=self.count > 0)
        return cap_half_width(each, self.theta)

    def height(self):
        return cap_height(self.half_width(), self.theta)

    def volume(self):
        """Li (m^2 per unit depth) held in the sub-grid nuclei and sub-grid film."""
        return float(np.sum(self.area) + np.sum(self.film))

    def coalesce(self):
        """Nuclei whose bases cover their cell (the sum of base lengths in it exceeds dx) have coalesced into a
        continuous layer: their Li moves to the cell's sub-grid film. Returns the cells that changed."""
        spread, covered = self.spread()
        full = np.flatnonzero((self.count > 0) & (covered > 1.0 + 1e-9) & (self.count > 1))
        self.film[full] += self.area[full]
        self.count[full] = 0.0
        self.area[full] = 0.0
        return full

    def spread(self):
        """(cells x cells) sparse matrix S: S[i, k] = fraction of the bases of cell k's nuclei lying in cell i
        (periodic), and the covered fraction of every cell (sum of base lengths in it / dx)."""
        from scipy import sparse

        occupied = np.flatnonzero(self.count > 0)
        n = self.n_cells
        if occupied.size == 0:
            return sparse.csr_matrix((n, n)), np.zeros(n)
        a = self.half_width()[occupied]
        centre = (occupied + 0.5) * self.dx
        reach = np.ceil(a / self.dx - 0.5).astype(int)                  # cells beyond the own one
        offsets = np.arange(-int(reach.max()), int(reach.max()) + 1)
        lo = centre[:, None] - a[:, None]
        hi = centre[:, None] + a[:, None]
        cell = occupied[:, None] + offsets[None, :]
        ov = np.clip(np.minimum(hi, (cell + 1) * self.dx) - np.maximum(lo, cell * self.dx), 0.0, None)
        frac = ov / (2.0 * a[:, None])
        rows = (cell % n).ravel()
        cols = np.repeat(occupied, offsets.size)
        s = sparse.csr_matrix((frac.ravel(), (rows, cols)), shape=(n, n))
        covered = np.asarray(s @ (2.0 * self.half_width() * self.count)).ravel() / self.dx
        return s, covered

    def interface_per_cell(self, spread=None):
        """Free surface (m per unit depth) of the nuclei lying over each cell."""
        s = spread if spread is not None else self.spread()[0]
        arc = self.count * cap_arc_length(self.half_width(), self.theta)
        return np.asarray(s @ arc).ravel() + np.where(self.film > 0, self.dx, 0.0)

    # -- evolution -----------------------------------------------------------------------------
    def grow(self, dt, current_density_per_cell, molar_volume, spread=None):
        """Grow the nuclei of every cell by dt j V_m / F on their surface, j the base-weighted mean current
        density of the cells they span (A/m^2); dissolving nuclei stop at 0. Returns the Li volume added."""
        s = spread if spread is not None else self.spread()[0]
        jc = np.asarray(current_density_per_cell, dtype=float)
        j = np.asarray(s.T @ jc).ravel()
        arc = self.count * cap_arc_length(self.half_width(), self.theta)
        before = self.volume()
        self.area = np.clip(self.area + dt * j * arc * molar_volume / FARADAY, 0.0, None)
        self.count[self.area <= 0.0] = 0.0
        on_film = self.film > 0
        self.film[on_film] = np.clip(self.film[on_film] + dt * jc[on_film] * self.dx * molar_volume / FARADAY,
                                     0.0, None)
        return self.volume() - before

    def nucleate(self, dt, rate_per_cell, bare_fraction, eta_per_cell, gamma, molar_volume, seed):
        """Add the nuclei that the rate J (1/(m^2 s), per collector cell) forms on the bare fraction in dt.

        n2 += sum(J bare dx) dt / width; the window holds floor(width sqrt(n2)) nuclei formed in all
        (:func:`line_count`); the new ones go to cells drawn with weights J bare (:func:`pick_sites`), born
        at the critical radius of their cell's overpotential. Returns (Li volume of the new nuclei, paid by
        the step's charge; their number).
        """
        w = np.asarray(rate_per_cell) * np.asarray(bare_fraction)
        self.exposure += float(np.sum(w)) * self.dx * dt / self.width
        new = self.expected_new(0.0, w)
        if new <= 0:
            return 0.0, 0
        cells = pick_sites(w, new, seed, self.formed)
        if cells.size == 0:
            return 0.0, 0
        r = critical_radius(np.asarray(eta_per_cell)[cells], gamma, molar_volume)
        born = cap_area(r * math.sin(math.radians(self.theta)), self.theta)
        np.add.at(self.count, cells, 1.0)
        np.add.at(self.area, cells, born)
        self.formed += int(cells.size)
        return float(np.sum(born)), int(cells.size)

    def expected_new(self, dt, weighted_rate):
        """Nuclei that dt more at the rate J bare (per cell) would add to the count (without adding them)."""
        n2 = self.exposure + float(np.sum(weighted_rate)) * self.dx * dt / self.width
        return line_count(n2, self.width) - self.formed

    def take(self, cells):
        """Remove the nuclei of the selected cells; returns (count, area) per cell of what was taken."""
        mask = np.zeros(self.n_cells, dtype=bool)
        mask[np.asarray(cells, dtype=int)] = True
        out = (np.where(mask, self.count, 0.0), np.where(mask, self.area, 0.0))
        self.count[mask] = 0.0
        self.area[mask] = 0.0
        return out

    def take_film(self, cells):
        """Remove the sub-grid film of the selected cells; returns its Li per cell."""
        mask = np.zeros(self.n_cells, dtype=bool)
        mask[np.asarray(cells, dtype=int)] = True
        out = np.where(mask, self.film, 0.0)
        self.film[mask] = 0.0
        return out

    # -- state -----------------------------------------------------------------------------------
    def get_state(self):
        return {"nuclei_count": self.count.copy(), "nuclei_area": self.area.copy(), "nuclei_film": self.film.copy(),
                "nuclei_totals": np.array([self.formed, self.exposure], dtype=float)}

    def set_state(self, state):
        if "nuclei_count" not in state:
            return
        self.count = np.array(state["nuclei_count"], dtype=float)
        self.area = np.array(state["nuclei_area"], dtype=float)
        self.film = np.array(state.get("nuclei_film", np.zeros(self.n_cells)), dtype=float)
        self.formed, self.exposure = int(state["nuclei_totals"][0]), float(state["nuclei_totals"][1])
