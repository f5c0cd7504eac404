"""Lithium filaments through the SE: initiation in a surface flaw and propagation across the pellet (pure functions).

Two separate steps, as Ning et al. observed in Li | Li6PS5Cl | Li by operando tomography [Ning2021]:
a flaw at the plating interface opens (initiation), then a crack runs across the pellet ahead of the lithium,
which fills it from behind; the cell shorts when the lithium reaches the counter electrode.

1. Initiation (a flaw of depth a under the Li|SE interface)
-----------------------------------------------------------
Lithium plated into a flaw is confined. Plating can press it up to the pressure at which the driving force is
spent, V_m p = F |eta| (Monroe & Newman's stress term; physics/fracture.py)::

    p_drive = F |eta| / V_m                                                                      (1)

but the confined lithium also creeps out of the flaw through its mouth [Klinsmann2019; BarrosoLuque2020], so
the pressure is only what it takes to push out the Li plated in it. Slot of depth a and gap w (per unit
length along the mouth), Li plating on both walls at the local current density j, power-law creep
gamma_dot = B tau^n (physics/creep.py eq. 2). The Li plated between the bottom (s = 0) and s flows through
the section at s::

    q(s) = 2 j V_m s / F                                                                          (2)

A power-law fluid between no-slip walls a gap w apart carries q = B G^n w^(n+2) / ((n+2) 2^(n+1)) under the
pressure gradient G = -dp/ds (physics/creep.py eq. 3). So G(s) = [(n+2) 2^(n+1) q(s) / (B w^(n+2))]^(1/n) and
the overpressure at the bottom, with the deposit at the mouth taken as the reference, is the integral of G::

    p_creep(a, w, j) = n/(n+1) a^(1+1/n) [ (n+2) 2^(n+2) j V_m / (F B w^(n+2)) ]^(1/n)            (3)

(p along the flaw: p_creep (1 - (s/a)^(1+1/n)); the criterion below uses the bottom value, where the crack
tip is.) The flaw holds p = min(p_drive, p_creep): where creep empties the flaw at a lower pressure, the
pressure stays there; where it cannot, plating stalls at p_drive. With no creep (B = 0), p = p_drive.

The gap of a *sharp* flaw (a crack) is not a free parameter: it is the crack's own elastic opening under the
pressure, the mouth opening of an edge crack of depth a loaded by p on its faces,
w = beta p a / E' with beta = 4 x 1.454 (Tada, Paris & Irwin, The Stress Analysis of Cracks Handbook,
edge crack in a half plane) and E' the plane-strain modulus. Put into (3), p_creep(w(p)) = p has the
closed form::

    p_sharp = [ D(a, j) (beta a / E')^(-(n+2)/n) ]^(n / (2n+2)),
    D(a, j) = n/(n+1) a^(1+1/n) [ (n+2) 2^(n+2) j V_m / (F B) ]^(1/n)                             (4)

For Li at 298 K (n = 6.6), j = 50 A/m^2 and a = 10 um this is ~110 MPa: creep barely limits a sharp crack,
while a blunt pore (w ~ a) is emptied at ~1-2 MPa and never opens. p_sharp grows as j^(1/(2n+2)) only.

The flaw opens (Griffith; geometry factor 1 as physics/fracture.py) when::

    p sqrt(pi a) >= K_IC                                                                        (5)

(K_IC / sqrt(pi a) = 130 MPa at a = 1 um, 41 MPa at 10 um.)

When a flaw can be pressurised at all (:func:`initiation_pressure`). Eqs. (1)-(4) describe Li *in* the flaw,
plating on its walls. That needs two things, both read from the resolved deposit of the flaw's column:

(a) the Li is there: the resolved deposit wets the flaw's collector column (its collector cell holds
    xi >= 1/2, the wetting rule of the observables) and has a Li|SE interface in that column, the SE surface
    at the flaw. Sub-grid nuclei on a bare column do not count: they are caps of a few nm to ~1 um on the
    *collector*, below the SE surface, and the SE surface over a bare column touches no Li. The current and
    overpotential of eqs. (1)-(4) are then those of that resolved interface (its mean current density in
    the column, its interfacial current over its interface area; its Butler-Volmer overpotential), never the
    current density of the nuclei.
(b) the flaw is full: until Li fills the flaw, the Li in it is not confined and holds no pressure (it plates
    into empty space). A sharp flaw is filled by intrusion [BarrosoLuque2020]: the Li at its mouth is a
    tongue of length s in the gap delta, a thin conductor standing on the (grounded) deposit in the SE's ionic
    field, and all the current it collects plates at its front. In 2D a conducting plate of height s on a
    grounded plane in a uniform field collects the flux of a width s on each face (complex potential
    E Im sqrt(z^2 + s^2): the stream function on the plate runs from E s at its foot to 0 at its tip), so
    delta ds/dt = 2 s j V_m / F, with j the current density of the column's Li|SE interface at the mouth. The
    tongue grows exponentially from s = delta (its rounded front at the mouth) and reaches the bottom (s = a)
    once the Faraday thickness plated in the wetted column is::

        h_fill = integral over the wetted time of j V_m / F dt  >=  (delta / 2) ln(a / delta)         (5a)

    The gap is the flaw's elastic opening at the pressure that opens it (the mouth opening of eq. 4's edge
    crack at p = K_IC / sqrt(pi a)), delta_c = beta K_IC sqrt(a / pi) / E': the widest the flaw gets before it
    opens, so (5a) is an upper bound of the filling (a narrower gap fills faster). 34 nm at a = 1 um, 68 nm at
    4 um: h_fill = 58 nm and 138 nm, i.e. 17-30x less than the flaw's depth
    (:func:`intrusion_fill_thickness`). No free parameter. A blunt flaw (gap ~ depth) fills by creep instead,
    in ~0.1 s under the stack pressure (physics/creep.py, the model's roughness fill), but holds no pressure
    (eq. 3). During the nucleation transient (milliseconds) no flaw is full yet, even under the first Li: 58 nm
    of Faraday thickness take 43 ms even at 1 A/cm^2.

    (Superseded: until December 2026 a flaw counted as full once a *column-wide* layer as thick as the flaw
    was deep had plated, h_fill >= a. That treats the flaw as filled only through its mouth at the column's
    Faraday rate, ignoring that the Li inside it is itself an electrode that collects the current around it;
    it delayed the initiation by 0.1-0.3 mAh/cm^2 on Cu, docs/penetration.md.)

2. Propagation: crack front ahead, Li filling from behind
--------------------------------------------------------
Crack front. Li at pressure p fills the first l of a crack of length c >= l. The stress intensity of a crack
loaded on part of its faces (Tada et al., crack loaded over a central part of its length; geometry factor 1
as in (5))::

    K(c, l) = p sqrt(pi c) (2/pi) arcsin(l / c)                                                   (6)

decreases with c at fixed l (K -> 2 p l / sqrt(pi c)), so the crack is arrested at K(c, l) = K_IC: a front
that runs ahead of the Li, c ~ 4 p^2 l^2 / (pi K_IC^2) for c >> l (at p = 100 MPa the crack crosses the
0.71 mm pellet once ~50 um of it is filled). The Li fills it from behind and never overtakes it (l <= c).

Li filling. The filament is a Li needle, radius r, length l beyond the deposit front, at the collector's
potential (Li conducts electrons 1e7 x better than the SE conducts ions). In the SE's ionic field it is a
grounded conductor on the grounded deposit, so it collects the ionic flux of a far-field current density
j_far over the area of its electrostatic capture: for a half prolate spheroid (semi-axes l, r) on a grounded
plane in a uniform field, the flux through its surface is j_far pi r^2 / N, N the depolarisation factor
along its axis (N = 1/3 for a hemisphere: a boss collects three times its footprint; slender needles:
pi r^2 / N -> pi l^2 / (ln(2 l / r) - 1))::

    A_cap(l) = pi r^2 / N(l / r)                                                                  (7)

All of that current plates in the filament (it is the Li|SE interface closest to the counter electrode), so
the Li advances at the Faraday rate of the focused current::

    pi r^2 dl/dt = j_far A_cap(l) V_m / F          (A_cap <= the collector area the filament can draw on) (8)

which runs away (dl/dt ~ l^2 / ln l): the filament takes a finite time to cross.

The Li in a running filament is pressed: it is the body that wedges the crack open. Plated onto Li at pressure p,
each mole pays p V_m: the equilibrium potential of the pressed Li is shifted by -p V_m / F [MonroeNewman2005]
(physics/creep.py, ``equilibrium_potential_shift``), so the filament plates at the overpotential that is left,
eta + p V_m / F (eta < 0 for plating), and the current it can take from its capture area is only the fraction::

    phi(l) = BV(eta_s + p(l) V_m / F) / BV(eta_s),   eta_s = BV^-1(j_far A_cap / S),   phi in [0, 1]      (8b)

of it, the rest plating on the unpressed deposit around it. S is the filament's surface (the half spheroid of
:func:`capture_area`, :func:`needle_surface_area`), so j_far A_cap / S is the current density the unpressed needle
would take on its surface and eta_s its overpotential. The pressure is the one that advances the Li-filled crack,
p(l) = K_IC / sqrt(pi l) (eq. 6 at c = l; :func:`running_pressure`): below it the crack does not grow, and a Li
body above it drives the crack ahead, which relieves it (hydraulic fracture in its toughness-dominated regime). So
a short filament (l of a few um: 60-130 MPa, 8-18 mV) grows only where the local overpotential exceeds that, a
long one (700 um: 5 MPa, 0.7 mV) at nearly the whole collected current. :class:`StressKinetics`; off (phi = 1) as
before December 2026 with ``[penetration] stress_kinetics = false``. The charge it holds is
F pi r^2 l / V_m, taken from the plating elsewhere (the Li balance is: deposit + SEI + filament = passed).

The far field j_far is the column's focused current near the deposit, decaying upwards as the exact 2D field
above a periodic row of Li strips (islands of width w, spacing Lambda) that take all the current: over ~w / 2 to
the line-sink field j_app Lambda / (pi l) of a narrow island, then over ~Lambda / 2 pi to the applied current
(eqs. 9, 9a, :func:`far_field_current`).

Series resistance. The current a filament collects crosses only the SE above its tip, L - l instead of L, so
the pellet's area resistance L / sigma drops by f l / sigma (f the share of the current the filament
carries); when the Li reaches the counter electrode (l >= L) it is an electronic short.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .constants import FARADAY
from .creep import CreepLaw, equilibrium_potential_shift
from .fracture import plating_pressure
from .kinetics import butler_volmer, overpotential_for_current

#: mouth opening of an edge crack of depth a in a half plane under uniform face pressure p: 4 x 1.454 p a / E'
#: (Tada, Paris & Irwin, The Stress Analysis of Cracks Handbook)
EDGE_CRACK_MOUTH_OPENING = 4.0 * 1.454


# -- 1. initiation ---------------------------------------------------------------------------------------------

def creep_limited_pressure(depth, width, current_density, law: CreepLaw, temperature: float, molar_volume: float):
    """Overpressure (Pa) at the bottom of a slot flaw (depth a, gap w, m) needed to push out by creep the Li
    plated on its walls at ``current_density`` (A/m^2): eq. (3). inf without creep, 0 without current."""
    n = law.exponent
    b = law.shear_coefficient(temperature) if law.rate_ref > 0 else 0.0
    a = np.asarray(depth, dtype=float)
    w = np.asarray(width, dtype=float)
    j = np.abs(np.asarray(current_density, dtype=float))
    if b == 0.0:
        return np.where(j > 0, np.inf, 0.0) + 0.0 * a * w
    flux = (n + 2.0) * 2.0 ** (n + 2.0) * j * molar_volume / (FARADAY * b)
    return n / (n + 1.0) * a ** (1.0 + 1.0 / n) * (flux / w ** (n + 2.0)) ** (1.0 / n)


def crack_mouth_opening(pressure, depth, plane_strain_modulus: float):
    """Mouth opening (m) of an edge crack of ``depth`` (m) pressed open by ``pressure`` (Pa) on its faces."""
    return EDGE_CRACK_MOUTH_OPENING * np.asarray(pressure, dtype=float) * np.asarray(depth, dtype=float) \
        / plane_strain_modulus


def sharp_flaw_creep_pressure(depth, current_density, law: CreepLaw, temperature: float, molar_volume: float,
                              plane_strain_modulus: float):
    """Creep-limited pressure (Pa) of a crack whose gap is its own elastic opening, eq. (4)."""
    n = law.exponent
    d = creep_limited_pressure(depth, 1.0, current_density, law, temperature, molar_volume)   # D of eq. (4)
    a = np.asarray(depth, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return (d * (EDGE_CRACK_MOUTH_OPENING * a / plane_strain_modulus) ** (-(n + 2.0) / n)) ** (n / (2.0 * n + 2.0))


def flaw_pressure(overpotential, current_density, depth, law: CreepLaw | None, temperature: float,
                  molar_volume: float, plane_strain_modulus: float, width=None):
    """Pressure (Pa) of the Li in a flaw: min(p_drive (1), p_creep) with p_creep of eq. (4) for a sharp flaw
    (``width`` None) or eq. (3) for a flaw of the given gap. ``law`` None: no creep, p = p_drive."""
    p_drive = plating_pressure(overpotential, molar_volume)
    if law is None:
        return np.asarray(p_drive, dtype=float) + 0.0 * np.asarray(depth, dtype=float)
    if width is None:
        p_creep = sharp_flaw_creep_pressure(depth, current_density, law, temperature, molar_volume,
                                            plane_strain_modulus)
    else:
        p_creep = creep_limited_pressure(depth, width, current_density, law, temperature, molar_volume)
    return np.minimum(p_drive, p_creep)


def initiation_pressure(overpotential, current_density, depth, wetted, filled_thickness, required_thickness,
                        law: CreepLaw | None, temperature: float, molar_volume: float, plane_strain_modulus: float,
                        width=None):
    """Pressure (Pa) of the Li in each flaw, with the conditions (a) and (b) of the module docstring: eq. (1)/(4)
    (:func:`flaw_pressure`) where the flaw's column is ``wetted`` by the resolved deposit, its interface plates
    (``current_density`` > 0, the resolved interface's, A/m^2) and the Li plated there has filled the flaw
    (``filled_thickness`` >= ``required_thickness``, m, eq. 5a, :func:`intrusion_fill_thickness`); 0 elsewhere
    (the flaw holds no pressure)."""
    j = np.asarray(current_density, dtype=float)
    a = np.asarray(depth, dtype=float)
    full = np.asarray(filled_thickness, dtype=float) >= np.asarray(required_thickness, dtype=float)
    active = np.asarray(wetted, dtype=bool) & (j > 0) & full
    p = flaw_pressure(overpotential, np.where(active, j, 0.0), a, law, temperature, molar_volume,
                      plane_strain_modulus, width=width)
    return np.where(active, p, 0.0)


def fill_rate(current_density, molar_volume: float):
    """Faraday thickness rate (m/s) of the column's interface that fills a flaw under it, j V_m / F (eq. 5a)."""
    return np.maximum(np.asarray(current_density, dtype=float), 0.0) * molar_volume / FARADAY


def intrusion_gap(depth, fracture_toughness: float, plane_strain_modulus: float):
    """Gap (m) of a sharp flaw of ``depth`` (m) at the pressure that opens it: the edge crack's mouth opening
    (eq. 4's beta p a / E') at p = K_IC / sqrt(pi a), i.e. beta K_IC sqrt(a / pi) / E'."""
    a = np.asarray(depth, dtype=float)
    return EDGE_CRACK_MOUTH_OPENING * fracture_toughness * np.sqrt(a / np.pi) / plane_strain_modulus


def intrusion_fill_thickness(depth, fracture_toughness: float, plane_strain_modulus: float):
    """Faraday thickness (m) the flaw's column must plate for Li to intrude a sharp flaw of ``depth`` (m) to its
    bottom, eq. (5a): (delta / 2) ln(a / delta) with delta the gap of :func:`intrusion_gap` (0 where a <= delta:
    the flaw is no deeper than its gap and is full as soon as Li touches it)."""
    a = np.asarray(depth, dtype=float)
    delta = intrusion_gap(a, fracture_toughness, plane_strain_modulus)
    with np.errstate(divide="ignore", invalid="ignore"):
        h = 0.5 * delta * np.log(np.where(a > delta, a / np.where(delta > 0, delta, 1.0), 1.0))
    return np.where(a > delta, h, 0.0)


def stress_intensity(pressure, depth):
    """K (Pa m^1/2) of a flaw of ``depth`` (m) pressed by ``pressure`` (Pa): p sqrt(pi a) (eq. 5)."""
    return np.asarray(pressure, dtype=float) * np.sqrt(np.pi * np.asarray(depth, dtype=float))


def opens(pressure, depth, fracture_toughness: float):
    """Eq. (5): True where the flaw opens."""
    return stress_intensity(pressure, depth) >= fracture_toughness


# -- 2. propagation --------------------------------------------------------------------------------------------

def partial_stress_intensity(crack_length, li_length, pressure):
    """K (Pa m^1/2) of a crack of length c pressed by p over its first l (eq. 6)."""
    c = np.asarray(crack_length, dtype=float)
    ratio = np.clip(np.asarray(li_length, dtype=float) / c, 0.0, 1.0)
    return pressure * np.sqrt(np.pi * c) * (2.0 / np.pi) * np.arcsin(ratio)


def crack_front(li_length: float, pressure: float, fracture_toughness: float, max_length: float) -> float:
    """Arrest length c >= l of a crack Li-filled over l at pressure p: K(c, l) = K_IC (eq. 6), capped at
    ``max_length`` (the crack has crossed). c = l where p sqrt(pi l) < K_IC (the crack does not run)."""
    if li_length <= 0 or pressure <= 0:
        return float(max(li_length, 0.0))
    if partial_stress_intensity(li_length, li_length, pressure) < fracture_toughness:
        return float(li_length)
    if li_length >= max_length or partial_stress_intensity(max_length, li_length, pressure) >= fracture_toughness:
        return float(max_length)
    lo, hi = math.log(li_length), math.log(max_length)
    for _ in range(200):                        # bisection in ln c; K decreases with c beyond l
        mid = 0.5 * (lo + hi)
        if partial_stress_intensity(math.exp(mid), li_length, pressure) >= fracture_toughness:
            lo = mid
        else:
            hi = mid
        if hi - lo < 1e-12:
            break
    return float(math.exp(lo))


def depolarisation_factor(aspect) -> np.ndarray:
    """Axial depolarisation factor N of a spheroid of axis ratio l / r (prolate > 1, oblate < 1); 1/3 at 1."""
    s = np.asarray(aspect, dtype=float)
    out = np.full(s.shape, 1.0 / 3.0)
    pro = s > 1.0 + 1e-6
    obl = s < 1.0 - 1e-6
    if np.any(pro):
        e = np.sqrt(1.0 - 1.0 / s[pro] ** 2)
        out[pro] = (1.0 - e ** 2) / e ** 3 * (np.arctanh(e) - e)
    if np.any(obl):
        e = np.sqrt(1.0 / s[obl] ** 2 - 1.0)
        out[obl] = (1.0 + e ** 2) / e ** 3 * (e - np.arctan(e))
    return out if out.ndim else float(out)


def capture_area(length, radius: float):
    """Collector-equivalent area (m^2) whose current a grounded Li needle of ``length`` and ``radius`` (m) on
    the deposit collects in a uniform field: pi r^2 / N (eq. 7)."""
    ell = np.maximum(np.asarray(length, dtype=float), 1e-3 * radius)
    return np.pi * radius ** 2 / depolarisation_factor(ell / radius)


def needle_surface_area(length, radius: float):
    """Surface (m^2) of the half spheroid (semi-axes l along its axis, r) standing on the deposit, the shape of
    :func:`capture_area`: half of 2 pi r^2 (1 + (l / (r e)) arcsin e), e = sqrt(1 - r^2 / l^2), for l > r
    (prolate); half of 2 pi r^2 (1 + ((1 - e^2) / e) artanh e), e = sqrt(1 - l^2 / r^2), for l < r (oblate);
    2 pi r^2 for a hemisphere (l = r)."""
    ell = np.maximum(np.asarray(length, dtype=float), 1e-6 * radius)
    out = np.full(ell.shape, 2.0 * np.pi * radius ** 2)
    pro = ell > radius * (1.0 + 1e-9)
    obl = ell < radius * (1.0 - 1e-9)
    if np.any(pro):
        e = np.sqrt(1.0 - (radius / ell[pro]) ** 2)
        out[pro] = np.pi * radius ** 2 * (1.0 + ell[pro] / (radius * e) * np.arcsin(e))
    if np.any(obl):
        e = np.sqrt(1.0 - (ell[obl] / radius) ** 2)
        out[obl] = np.pi * radius ** 2 * (1.0 + (1.0 - e ** 2) / e * np.arctanh(e))
    return out if out.ndim else float(out)


def running_pressure(li_length, fracture_toughness: float):
    """Pressure (Pa) that advances a crack Li-filled to its tip over ``li_length``: K_IC / sqrt(pi l) (eq. 6 at
    c = l)."""
    return fracture_toughness / np.sqrt(np.pi * np.asarray(li_length, dtype=float))


def stressed_plating_fraction(current_density: float, pressure: float, exchange_current_density: float,
                              transfer_coefficient: float, temperature: float, molar_volume: float) -> float:
    """Fraction (0-1) of the plating current density ``current_density`` (A/m^2, > 0) that Li at ``pressure``
    (Pa) still takes at the same electrode overpotential (eq. 8b): BV(eta + p V_m / F) / BV(eta) with
    eta = BV^-1(j) (physics/kinetics.py; plating eta < 0). 0 where p V_m / F >= |eta|: the pressed Li does not
    grow (it is not stripped either: the filament keeps its Li)."""
    if current_density <= 0:
        return 0.0
    eta = overpotential_for_current(current_density, exchange_current_density, transfer_coefficient, temperature)
    shifted = eta - float(equilibrium_potential_shift(pressure, molar_volume))     # eta + p V_m / F
    if shifted >= 0.0:
        return 0.0
    return float(butler_volmer(shifted, exchange_current_density, transfer_coefficient, temperature)) / current_density


@dataclass(frozen=True)
class StressKinetics:
    """Eq. (8b) for :func:`grow`: the Butler-Volmer kinetics of the filament's surface and the toughness that sets
    the pressure of its Li."""

    exchange_current_density: float   # A/m^2
    transfer_coefficient: float
    temperature: float                # K
    molar_volume: float               # m^3/mol
    fracture_toughness: float         # Pa m^1/2

    def fraction(self, length: float, far_current_density: float, radius: float) -> float:
        """phi(l) of eq. (8b) for a needle of ``length`` and ``radius`` (m) in the far field (A/m^2)."""
        ell = max(float(length), 1e-3 * radius)        # as capture_area: a Li length of zero is a flat boss
        surface_current = far_current_density * float(capture_area(ell, radius)) / float(
            needle_surface_area(ell, radius))
        return stressed_plating_fraction(surface_current, float(running_pressure(ell, self.fracture_toughness)),
                                         self.exchange_current_density, self.transfer_coefficient,
                                         self.temperature, self.molar_volume)


@dataclass
class GrowthResult:
    length: float            # m, Li length after the step
    charge: float            # C, collected by the filament during the step (F / V_m x its new Li volume)
    crossed_after: float | None = None   # s into the step at which l reached max_length (None: not crossed)


def crack_runs(li_length: float, pressure: float, fracture_toughness: float) -> bool:
    """Whether a crack Li-filled to its tip over ``li_length`` at ``pressure`` runs: K(l, l) = p sqrt(pi l) >=
    K_IC (eq. 6 at c = l). Then its front is ahead of the Li (:func:`crack_front` > l) and stays ahead as the Li
    advances at fixed p (p sqrt(pi l) grows with l)."""
    return li_length > 0 and pressure > 0 and \
        float(partial_stress_intensity(li_length, li_length, pressure)) >= fracture_toughness


def grow(length: float, dt: float, far_current_density: float, radius: float, molar_volume: float,
         max_length: float, crack_length: float | None = None, capture_limit: float = np.inf,
         max_relative_change: float = 0.02, pressure: float | None = None,
         fracture_toughness: float | None = None, kinetics: StressKinetics | None = None) -> GrowthResult:
    """Integrate eq. (8) over ``dt`` (s): Li filling a filament of ``radius`` at the Faraday rate of the current
    ``far_current_density`` (A/m^2, or a function of l, see :func:`far_field_current`) collected over
    A_cap(l) <= ``capture_limit`` (m^2). The Li stops at the crack front (``crack_length``, if given) and at
    ``max_length`` (the counter electrode). With ``pressure`` and ``fracture_toughness`` given (the Li's pressure
    p, held over the step like every explicit input of the hook), the front moves with the Li inside the step,
    as eq. (6) says it does: while the crack runs (:func:`crack_runs` at the Li's current length) its front is
    ahead of the Li and does not stop it; once it does not, the Li stops at the larger of ``crack_length`` (a
    front opened earlier) and its own length. Without them the front is held at ``crack_length`` for the whole
    step (main up to 2026-12-03: a front computed once per step let the Li advance by at most c(l, p) - l per
    step, a few % of l near the opening condition, so the filaments' growth depended on the time step).
    With ``kinetics`` the Li plates only the fraction phi(l) of eq. (8b) of the collected current (the pressed Li
    pays p V_m per mole); None: all of it (phi = 1).
    Explicit midpoint sub-steps, each changing l by at most ``max_relative_change``; the charge is
    F pi r^2 (l_new - l_old) / V_m exactly."""
    if dt < 0 or radius <= 0:
        raise ValueError(f"dt must be >= 0 and radius > 0, got dt={dt!r}, radius={radius!r}")
    far = far_current_density if callable(far_current_density) else (lambda _ell: far_current_density)
    j = max(float(far(length)), 0.0)
    moving = pressure is not None and fracture_toughness is not None

    def stop_at(ell):
        if crack_length is None or (moving and crack_runs(ell, pressure, fracture_toughness)):
            return max_length
        return max(min(max_length, crack_length), ell)

    stop = stop_at(float(length))
    section = np.pi * radius ** 2
    k = molar_volume / (FARADAY * section)          # dl/dt = k j_far(l) A_cap(l)

    def rate(ell):
        j_far = max(float(far(ell)), 0.0)
        phi = 1.0 if kinetics is None or j_far <= 0 else kinetics.fraction(ell, j_far, radius)
        return k * j_far * phi * min(float(capture_area(ell, radius)), capture_limit)

    ell, t = float(length), 0.0
    crossed = None
    while t < dt and ell < stop and j > 0:
        r0 = rate(ell)
        if r0 <= 0:
            break
        h = min(dt - t, max_relative_change * max(ell, radius) / r0)
        mid = ell + 0.5 * h * r0
        new = ell + h * rate(mid)
        if new >= stop:
            # land on the stop: the time to it at the last rate
            h = (stop - ell) / rate(0.5 * (ell + stop))
            new = stop
            if stop >= max_length:
                crossed = t + h
            ell, t = new, t + h
            stop = stop_at(ell)               # a front opened earlier reached: does the crack run from here?
            continue
        ell, t = new, t + h
    return GrowthResult(length=ell, charge=FARADAY * section * (ell - length) / molar_volume, crossed_after=crossed)


def strip_current_density(height, width: float, period: float, applied_current_density: float = 1.0):
    """Current density (A/m^2) at ``height`` y above the centre of a Li strip of ``width`` w in a periodic row of
    strips (period Lambda) that takes all the current, the rest of the collector insulating (2D Laplace, exact):

        j(y) = j_app cosh(pi y / Lambda) / sqrt(sin^2(pi w / (2 Lambda)) + sinh^2(pi y / Lambda))        (9a)

    (complex field E cos(pi z / Lambda) / sqrt(sin^2(pi w / 2 Lambda) - sin^2(pi z / Lambda)): equipotential on
    the strips, no normal flux between them, E at infinity; its flux over a strip is E Lambda). j_app / sin(pi w /
    2 Lambda) at the strip's centre, the line sink j_app Lambda / (pi y) for w << y << Lambda, j_app far above;
    uniform (j_app everywhere) for w = Lambda."""
    y = np.asarray(height, dtype=float)
    w = min(max(float(width), 0.0), float(period))
    s = math.sin(0.5 * math.pi * w / period)
    k = np.minimum(np.pi * y / period, 350.0)     # beyond, cosh / sinh = 1 to double precision
    return applied_current_density * np.cosh(k) / np.sqrt(s ** 2 + np.sinh(k) ** 2)


def far_field_current(length, local_current_density: float, applied_current_density: float, period: float,
                      width: float | None = None):
    """Far-field current density (A/m^2) at a filament tip l above the deposit: the focused local current of the
    column decays to the applied one above the focusing pattern.

    ``width`` given (the width w of the Li island or patch the filament stands on, Lambda the islands' spacing):
    the decay of the exact strip field (9a), scaled to the column's current at l = 0::

        j_far(l) = j_app + (j_local - j_app) (j(l) - j_app) / (j(0) - j_app),   j of (9a)              (9)

    which falls over ~w / 2 to the line-sink field j_app Lambda / (pi l) of a narrow island and over ~Lambda / 2 pi
    to j_app; for w -> Lambda (a uniform film) j_far = j_app. ``width`` None: the decay of the pattern's first
    harmonic alone, exp(-2 pi l / Lambda) (the rule before December 2026; it keeps a narrow island's focusing for
    ~Lambda / 2 pi, ~100 um for a lone 1 um patch in a 600 um window)."""
    ell = np.asarray(length, dtype=float)
    if width is None:
        decay = np.exp(-2.0 * np.pi * ell / period)
    else:
        j0 = float(strip_current_density(0.0, width, period))
        if j0 <= 1.0 + 1e-12:
            decay = np.zeros_like(ell)
        else:
            decay = (strip_current_density(ell, width, period) - 1.0) / (j0 - 1.0)
    return applied_current_density + (local_current_density - applied_current_density) * decay


def wetted_runs(mask) -> tuple[np.ndarray, np.ndarray]:
    """Contiguous runs of True in a periodic row of cells: (run length in cells of the run each cell belongs to, 0
    where False; number of runs). A row that is all True is one run of its length."""
    m = np.asarray(mask, dtype=bool)
    n = m.size
    length = np.zeros(n, dtype=int)
    if not m.any():
        return length, 0
    if m.all():
        return np.full(n, n), 1
    start = int(np.flatnonzero(~m)[0])              # roll so that the row starts on a False cell: no wrapped run
    r = np.roll(m, -start)
    runs = 0
    i = 0
    while i < n:
        if r[i]:
            j = i
            while j < n and r[j]:
                j += 1
            length[(np.arange(i, j) + start) % n] = j - i
            runs += 1
            i = j
        else:
            i += 1
    return length, runs


def pellet_area_resistance(thickness: float, conductivity: float, li_lengths, current_shares) -> float:
    """Area resistance (ohm m^2) of the pellet with filaments: (L - sum_k f_k l_k) / sigma, f_k the share of the
    current filament k carries; 0 once a filament reaches the counter electrode (an electronic short)."""
    ell = np.asarray(li_lengths, dtype=float)
    f = np.asarray(current_shares, dtype=float)
    if ell.size and np.max(ell) >= thickness:
        return 0.0
    return max(thickness - float(np.sum(f * ell)), 0.0) / conductivity


# -- the filaments of one window ---------------------------------------------------------------------------------

@dataclass
class FilamentState:
    """Per flaw of a window: opened (bool), Li length l and crack length c (m, beyond the deposit front), the Li
    it holds (m^3, 3D) and the charge it collected (C). ``short_time`` is set when Li reaches the counter
    electrode (s since the start)."""

    opened: np.ndarray
    li_length: np.ndarray
    crack_length: np.ndarray
    li_volume: np.ndarray
    charge: np.ndarray
    opened_at: np.ndarray
    short_time: float | None = None
    extra: dict = field(default_factory=dict)

    @classmethod
    def closed(cls, count: int) -> FilamentState:
        z = np.zeros(count)
        return cls(opened=np.zeros(count, dtype=bool), li_length=z.copy(), crack_length=z.copy(),
                   li_volume=z.copy(), charge=z.copy(), opened_at=np.full(count, np.nan))

    def as_arrays(self) -> dict[str, np.ndarray]:
        return {"opened": self.opened.astype(float), "li_length": self.li_length.copy(),
                "crack_length": self.crack_length.copy(), "li_volume": self.li_volume.copy(),
                "charge": self.charge.copy(), "opened_at": self.opened_at.copy(),
                "short_time": np.array([np.nan if self.short_time is None else self.short_time])}

    @classmethod
    def from_arrays(cls, a: dict) -> FilamentState:
        st = float(np.asarray(a["short_time"])[0])
        return cls(opened=np.asarray(a["opened"]) > 0.5, li_length=np.array(a["li_length"], dtype=float),
                   crack_length=np.array(a["crack_length"], dtype=float),
                   li_volume=np.array(a["li_volume"], dtype=float), charge=np.array(a["charge"], dtype=float),
                   opened_at=np.array(a["opened_at"], dtype=float), short_time=None if math.isnan(st) else st)
