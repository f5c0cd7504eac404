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
# Sub-grid nuclei in the 2D cross-section (x along the collector, z the depth the window stands for). Nuclei
# that form with areal density n2 (per collector area) are seen by a cross-section with linear density
# sqrt(n2) (the convention of nucleus_count above): the window of width W holds N(t) = floor(W sqrt(n2(t)))
# nuclei, n2(t) = the integral of J over time and the bare collector. A nucleus of the window is not a ridge
# along z (a cylindrical cap would have a free surface per unit depth that no row of real, 3D nuclei has): it
# stands for a row of 3D spherical caps (contact angle theta, base radius a, :func:`spherical_cap_volume`,
# :func:`spherical_cap_surface`) spaced along z. Per unit depth the row holds Li = n_z V(a) and carries the
# plating current on its surface n_z A(a), n_z its caps per unit depth (1/m).
#
# The spacing is fixed when the nucleus forms (its Li per depth then only changes by the charge it takes, so
# the Li balance is exact) and counts the nuclei per area exactly: the window's i-th nucleus (i = 1, 2, ...)
# raises the areal density from ((i - 1)/W)^2 to (i/W)^2, so it stands for the (2i - 1)/W^2 nuclei per area
# that formed with it, i.e. n_z = (2i - 1)/W caps per unit depth (:func:`row_density`). Summed over the
# window's N nuclei: N^2/W caps per depth = n2 W, the areal density of the 3D array. (Updating every row to
# the current spacing W/N would make an existing nucleus gain or lose Li without charge.) The first nucleus of
# a window stands for caps W apart along z, the later ones for ever denser rows, about half the x spacing of
# the window at their birth.
#
# Caps of one row that grow to touch along z (2a >= 1/n_z) have merged into a ridge: from then on the nucleus
# has the 2D geometry of a cylindrical cap (:func:`cap_area`, :func:`cap_arc_length`) holding the same Li per
# depth. The mesh itself holds ridges: a nucleus goes into xi as the 2D cap (ridge) holding its Li per depth.

#: Smallest contact angle of a sub-grid cap nucleus (deg): complete wetting has no barrier; 1 deg caps coalesce
#: into a layer at once (numerical stand-in for layer-by-layer growth, models/phasefield/model.py)
THETA_NUCLEUS_MIN = 1.0

#: Double-layer capacitance of the collector|SE interface (F/m^2). Before the first nucleus the charge passed
#: has nowhere else to go: it charges the interface and sets how fast eta rises to the nucleation onset.
#: 10 uF/cm^2, the order of a compact (Helmholtz) double layer at a metal electrode (Bard & Faulkner,
#: Electrochemical Methods, 2nd ed., 2001, sec. 1.2.3 and 13.3: 10-40 uF/cm^2); not measured for Cu|LPSCl or
#: Li2Te|LPSCl. Enters only the first milliseconds (the nucleation transient), not the morphology after it.
DOUBLE_LAYER_CAPACITANCE = 0.1

#: Time control of the nucleation transient (numerical): a sub-step may lower dG*/kT by at most this much on a
#: cell where it matters (the rate changes < e-fold within it) ...
BARRIER_STEP = 0.5
#: ... only where dG*/kT is below this (above, J0 exp(-dG*/kT) x window^2 x any run time is < 1e-6 nuclei) ...
BARRIER_RELEVANT = 60.0
#: ... and may add at most max(MAX_NEW_NUCLEI, NEW_NUCLEI_FRACTION x the nuclei formed so far): a new nucleus
#: carries current (and lowers the overpotential, hence the rate) only from the end of the sub-step that forms
#: it, so the batch size is a lag in that feedback. Until 2026-12-03 max(20, half of them): on Cu the window's
#: count after the transient was 42 / 34 / 42 with the first step dt_initial = 1 / 0.5 / 0.25 ms (seed 0), and
#: the Cu islands 26 % wider with 0.5 ms (11 seeds); with max(1, 5 %) and BARRIER_STEP 0.5 it is 22 / 22 / 22
#: (21 with BARRIER_STEP 0.25; docs/phasefield.md, "Nucleation transient: the first step").
MAX_NEW_NUCLEI = 1
NEW_NUCLEI_FRACTION = 0.05


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


#: Gauss-Legendre nodes and weights on [0, 1] for the time mean of the rate over a sub-step
_GAUSS_NODES = 0.5 * (1.0 + np.polynomial.legendre.leggauss(4)[0])
_GAUSS_WEIGHTS = 0.5 * np.polynomial.legendre.leggauss(4)[1]


def mean_nucleation_rate(eta_start, eta_end, theta_deg, gamma, molar_volume, temperature, exchange_current_density):
    """Time mean of J over a step in which the overpotential goes linearly from ``eta_start`` to ``eta_end``:
    sum_k w_k J(eta(s_k)) with 4-point Gauss-Legendre on s in [0, 1] (1/(m^2 s), per cell).

    The number of nuclei a step forms is dt times this. The rate at the end of the step alone (the former rule)
    is off by up to (1 - e^-1)^-1 = 1.58x on a sub-step over which dG*/kT falls by 1 (the sub-step limit
    BARRIER_STEP) and the other way round while it rises, so the nuclei counted depended on how the steps fell;
    with dG*/kT changing by <= 1 the Gauss rule is exact to ~1e-5 (tests/physics/test_nucleation.py)."""
    e0 = np.asarray(eta_start, dtype=float)
    e1 = np.asarray(eta_end, dtype=float)
    out = np.zeros(np.broadcast(e0, e1).shape)
    for s, w in zip(_GAUSS_NODES, _GAUSS_WEIGHTS, strict=True):
        out = out + w * nucleation_rate(e0 + s * (e1 - e0), theta_deg, gamma, molar_volume, temperature,
                                        exchange_current_density)
    return out


def barrier_step_limit(eta, theta_deg, gamma, molar_volume, temperature, change=1.0):
    """Largest |d eta| (V) that changes dG*/k_B T by ``change`` at eta: d(B/eta^2) = 2 B / |eta|^3 d eta.

    The rate is exp(-B/eta^2): a time step over which eta moves by more than this changes J by more than
    a factor e^change within the step, and the nuclei it counts would depend on the step.
    """
    e = np.abs(np.asarray(eta, dtype=float))
    b_kt = barrier_over_kt(-np.maximum(e, 1e-300), theta_deg, gamma, molar_volume, temperature) * e**2
    return change * e**3 / (2.0 * b_kt)


def critical_radius(eta, gamma, molar_volume):
    """Radius of curvature (m) of the critical nucleus, a spherical cap: Gibbs-Thomson for a sphere,
    2 gamma V_m / r = F |eta| (the radius of the same dG* as :func:`barrier_over_kt`: dG* = f 16 pi gamma^3 v^2 /
    (3 (e eta)^2) = f (4/3) pi r*^2 gamma with r* = 2 gamma v / (e |eta|))."""
    return 2.0 * gamma * molar_volume / (FARADAY * np.abs(np.asarray(eta, dtype=float)))


def _check_angle(theta_deg):
    if not 0.0 < float(theta_deg) < 180.0:
        raise ValueError(f"contact angle must lie strictly between 0 and 180 deg, got {theta_deg}")
    return math.radians(theta_deg)


def cap_area(half_width, theta_deg):
    """Cross-section area (m^2 per unit depth) of a ridge (cylindrical cap) of base half-width a meeting the
    wall at theta: R^2 (theta - sin theta cos theta), R = a / sin theta."""
    t = _check_angle(theta_deg)
    a = np.asarray(half_width, dtype=float)
    return a**2 * (t - math.sin(t) * math.cos(t)) / math.sin(t) ** 2


def cap_half_width(area, theta_deg):
    """Inverse of :func:`cap_area`: base half-width (m) of a cap of the given cross-section area."""
    return np.sqrt(np.asarray(area, dtype=float) / cap_area(1.0, theta_deg))


def cap_arc_length(half_width, theta_deg):
    """Length (m) of a ridge's free surface (its Li|SE interface per unit depth): 2 R theta."""
    t = _check_angle(theta_deg)
    return 2.0 * np.asarray(half_width, dtype=float) * t / math.sin(t)


def cap_height(half_width, theta_deg):
    """Apex height (m) of a cap of base (half-)width a, a ridge or a spherical cap alike: a tan(theta / 2)."""
    t = _check_angle(theta_deg)
    return np.asarray(half_width, dtype=float) * math.tan(0.5 * t)


def spherical_cap_volume(base_radius, theta_deg):
    """Volume (m^3) of a spherical cap of base radius a meeting the wall at theta:
    pi a^3 (2 - 3 cos t + cos^3 t) / (3 sin^3 t) = (4/3) pi R^3 f(theta), R = a / sin t; written as
    pi a^3 tan(t/2) (2 + cos t) / (6 cos^2(t/2)) (no cancellation at small angles)."""
    t = _check_angle(theta_deg)
    a = np.asarray(base_radius, dtype=float)
    return math.pi * a**3 * math.tan(0.5 * t) * (2.0 + math.cos(t)) / (6.0 * math.cos(0.5 * t) ** 2)


def spherical_cap_base_radius(volume, theta_deg):
    """Inverse of :func:`spherical_cap_volume`: base radius (m) of a cap of the given volume."""
    return np.cbrt(np.asarray(volume, dtype=float) / spherical_cap_volume(1.0, theta_deg))


def spherical_cap_surface(base_radius, theta_deg):
    """Free (Li|SE) surface (m^2) of a spherical cap of base radius a at theta: 2 pi R^2 (1 - cos t),
    R = a / sin t; written as pi a^2 / cos^2(t/2)."""
    t = _check_angle(theta_deg)
    return math.pi * np.asarray(base_radius, dtype=float) ** 2 / math.cos(0.5 * t) ** 2


def row_density(serial, width):
    """Caps per unit depth (1/m) of the row the window's ``serial``-th nucleus (1, 2, ...) stands for:
    (2 serial - 1) / width, the areal density it adds, ((serial/W)^2 - ((serial - 1)/W)^2), times the width
    (see the block comment: the rows of N nuclei hold N^2/W caps per depth, n2 W)."""
    return (2.0 * np.asarray(serial, dtype=float) - 1.0) / width


def line_count(areal_exposure, width):
    """Nuclei seen by a cross-section of periodic width ``width`` after an areal density n2 has formed:
    floor(width sqrt(n2)) (linear density sqrt(n2), as :func:`nucleus_count`)."""
    return int(math.floor(width * math.sqrt(max(float(areal_exposure), 0.0)) + 1e-9))


def pick_sites(weights, count, seed, serial):
    """Indices of ``count`` collector cells for new nuclei, drawn with probability proportional to ``weights``
    (the local rate times the bare fraction), reproducible and independent of how the steps fell: the window's
    n-th nucleus (n = serial + k + 1 for the k-th drawn here) takes the one uniform variate u_n of NumPy
    default_rng([seed, n]) and the cell where the weights' cumulative sum along the collector first exceeds
    u_n times their total (inverse CDF). So nucleus n gets the same u_n whether it forms alone in a short step or
    in a batch of a long one, and its position moves continuously with the weights when the time step or the
    mesh changes. (Main up to 2026-12-03 drew a batch from the stream [seed, serial]: a step that formed k nuclei
    gave nuclei serial + 2 ... serial + k the variates of that stream, not their own, so halving the step
    reshuffled the nuclei like a change of seed.)"""
    w = np.clip(np.asarray(weights, dtype=float), 0.0, None)
    if count <= 0 or not np.any(w > 0):
        return np.zeros(0, dtype=int)
    cdf = np.cumsum(w)
    u = np.array([np.random.default_rng([int(seed), int(serial) + k + 1]).random() for k in range(int(count))])
    return np.minimum(np.searchsorted(cdf, u * cdf[-1], side="right"), w.size - 1)


class CollectorNuclei:
    """Nuclei smaller than the mesh resolves, per collector cell of a periodic 2D window (models/phasefield).

    Cell i holds ``count[i]`` nuclei of the window, ``rows[i]`` caps per unit depth (the sum of their rows'
    :func:`row_density`) and ``area[i]`` Li per unit depth (m^2; paid by charge). Its nuclei are taken as equal
    spherical caps at contact angle theta, of volume area / rows, base radius a and free surface
    :func:`spherical_cap_surface`, centred on the cell; once the caps of a row touch along z (2a >= the mean
    spacing count / rows) the cell's nuclei are ridges holding area / count each (block comment above). Every
    nucleus covers a band 2a of the collector in x. They carry the plating current on their surface per depth,
    spread over the cells their bases span, and are born at the critical radius of their cell's overpotential
    (:func:`critical_radius`). Where bases touch (the covered fraction of a spanned cell reaches 1) or the
    ridge holding a nucleus's Li per depth is resolvable, the caller moves the Li into the mesh (:meth:`take`):
    from then on the phase field carries it.
    """

    def __init__(self, width, n_cells, theta_deg):
        self.width = float(width)
        self.n_cells = int(n_cells)
        self.dx = self.width / self.n_cells
        self.theta = float(theta_deg)
        self.count = np.zeros(self.n_cells)
        self.rows = np.zeros(self.n_cells)
        self.area = np.zeros(self.n_cells)
        #: Li (m^2 per unit depth) of nuclei that coalesced into a continuous layer over a cell (bases covering
        #: it): a sub-grid film with the flat surface dx, until it is thick enough for the mesh
        self.film = np.zeros(self.n_cells)
        self.formed = 0                 # nuclei formed since t = 0 (serial of the next draw)
        self.exposure = 0.0             # n2: integral of J over time and bare collector / width (1/m^2)

    # -- geometry ------------------------------------------------------------------------------
    def _caps(self):
        """(base radius of the caps in each cell, whether they have merged into ridges along z)."""
        vol = np.divide(self.area, self.rows, out=np.zeros(self.n_cells), where=self.rows > 0)
        a = spherical_cap_base_radius(vol, self.theta)
        spacing = np.divide(self.count, self.rows, out=np.full(self.n_cells, np.inf), where=self.rows > 0)
        return a, (self.count > 0) & (2.0 * a >= spacing)

    def _ridge_area(self):
        """Li per depth (m^2) of one nucleus in each cell, area / count (0 where there is none)."""
        return np.divide(self.area, self.count, out=np.zeros(self.n_cells), where=self.count > 0)

    def _ridge_half_width(self):
        """Base half-width of the ridge holding one nucleus's Li per depth, area / count."""
        return cap_half_width(self._ridge_area(), self.theta)

    def half_width(self):
        """Base half-width in x of one nucleus in each cell (0 where there is none): the caps' base radius, or
        the ridge's half-width once the caps touch along z."""
        a, ridge = self._caps()
        return np.where(ridge, self._ridge_half_width(), a)

    def surface(self):
        """Free (Li|SE) surface per unit depth (m) of the nuclei of each cell, on the cell itself."""
        a, ridge = self._caps()
        return np.where(ridge, self.count * cap_arc_length(self._ridge_half_width(), self.theta),
                        self.rows * spherical_cap_surface(a, self.theta))

    def resolve_height(self, loss_depth=0.0):
        """Height (m) of the ridge holding one nucleus's Li per depth, less what its base 2a loses once it is in xi
        (``loss_depth``, m per cell: Li per collector length, the creep fill of the SE relief): the shape it would
        have in xi."""
        loss = 2.0 * self._ridge_half_width() * np.asarray(loss_depth, dtype=float)
        return cap_height(cap_half_width(np.clip(self._ridge_area() - loss, 0.0, None), self.theta), self.theta)

    def height(self):
        """Apex height (m) of one nucleus (cap or ridge) in each cell."""
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
        self.rows[full] = 0.0
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
        half = self.half_width()
        a = half[occupied]
        centre = (occupied + 0.5) * self.dx
        reach = np.ceil(a / self.dx - 0.5).astype(int)                  # cells beyond the own one
        offsets = np.arange(-int(reach.max()), int(reach.max()) + 1)
        lo = centre[:, None] - a[:, None]
        hi = centre[:, None] + a[:, None]
        cell = occupied[:, None] + offsets[None, :]
        ov = np.clip(np.minimum(hi, (cell + 1) * self.dx) - np.maximum(lo, cell * self.dx), 0.0, None)
        # a base of zero width (a cap not yet grown from its seed size) lies in its own cell
        own = np.broadcast_to(offsets[None, :] == 0, ov.shape)
        frac = np.divide(ov, 2.0 * a[:, None], out=own.astype(float), where=a[:, None] > 0)
        rows = (cell % n).ravel()
        cols = np.repeat(occupied, offsets.size)
        s = sparse.csr_matrix((frac.ravel(), (rows, cols)), shape=(n, n))
        covered = np.asarray(s @ (2.0 * half * self.count)).ravel() / self.dx
        return s, covered

    def interface_per_cell(self, spread=None):
        """Free surface (m per unit depth) of the nuclei lying over each cell."""
        s = spread if spread is not None else self.spread()[0]
        return np.asarray(s @ self.surface()).ravel() + np.where(self.film > 0, self.dx, 0.0)

    # -- evolution -----------------------------------------------------------------------------
    def grow(self, dt, current_density_per_cell, molar_volume, spread=None):
        """Grow the nuclei of every cell by dt j V_m / F on their surface, j the base-weighted mean current
        density of the cells they span (A/m^2); dissolving nuclei stop at 0. Returns the Li volume added."""
        s = spread if spread is not None else self.spread()[0]
        jc = np.asarray(current_density_per_cell, dtype=float)
        j = np.asarray(s.T @ jc).ravel()
        before = self.volume()
        self.area = np.clip(self.area + dt * j * self.surface() * molar_volume / FARADAY, 0.0, None)
        gone = self.area <= 0.0
        self.count[gone] = 0.0
        self.rows[gone] = 0.0
        on_film = self.film > 0
        self.film[on_film] = np.clip(self.film[on_film] + dt * jc[on_film] * self.dx * molar_volume / FARADAY,
                                     0.0, None)
        return self.volume() - before

    def nucleate(self, dt, rate_per_cell, bare_fraction, eta_per_cell, gamma, molar_volume, seed):
        """Add the nuclei that the rate J (1/(m^2 s), per collector cell) forms on the bare fraction in dt.

        n2 += sum(J bare dx) dt / width; the window holds floor(width sqrt(n2)) nuclei formed in all
        (:func:`line_count`); the new ones go to cells drawn with weights J bare (:func:`pick_sites`), each a row
        of :func:`row_density` caps per depth born at the critical radius of its cell's overpotential (a cap of
        radius of curvature r*, base radius r* sin theta). Returns (Li volume per depth of the new nuclei, paid
        by the step's charge; their number).
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
        n_z = row_density(self.formed + 1 + np.arange(cells.size), self.width)
        born = n_z * spherical_cap_volume(r * math.sin(math.radians(self.theta)), self.theta)
        np.add.at(self.count, cells, 1.0)
        np.add.at(self.rows, cells, n_z)
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
        self.rows[mask] = 0.0
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
        return {"nuclei_count": self.count.copy(), "nuclei_rows": self.rows.copy(), "nuclei_area": self.area.copy(),
                "nuclei_film": self.film.copy(), "nuclei_totals": np.array([self.formed, self.exposure], dtype=float)}

    def set_state(self, state):
        if "nuclei_count" not in state:
            return
        self.count = np.array(state["nuclei_count"], dtype=float)
        self.area = np.array(state["nuclei_area"], dtype=float)
        self.film = np.array(state.get("nuclei_film", np.zeros(self.n_cells)), dtype=float)
        self.formed, self.exposure = int(state["nuclei_totals"][0]), float(state["nuclei_totals"][1])
        if "nuclei_rows" in state:
            self.rows = np.array(state["nuclei_rows"], dtype=float)
        else:
            # a state written before the 3D caps held ridges: give each cell the row density at which its caps
            # just touch along z (2a = count / rows: rows^2 = count^3 V(1) / (8 area)), where the geometry is the
            # ridge's, so every nucleus keeps its Li, base and surface
            unit = float(spherical_cap_volume(1.0, self.theta))
            self.rows = (1.0 + 1e-9) * np.sqrt(np.divide(self.count**3 * unit, 8.0 * self.area,
                                                         out=np.zeros(self.n_cells), where=self.area > 0))
