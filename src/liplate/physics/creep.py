"""Power-law creep of lithium under stack pressure: strain rate, squeeze flow, void filling, levelling.

Constitutive law (uniaxial, von Mises equivalent stress and strain rate):

    eps_dot = A sigma^n exp(-Q / R T)                                            (1)

with n = 6.6, Q = 37 kJ/mol (Masias et al. 2019; LePage et al. 2019) and the prefactor fixed by
eps_dot = 6.7e-3 1/s at sigma = 1 MPa, 298 K (back-computed from a 0.75 MPa flow stress at 1e-3 1/s,
BRIEF §6). In simple shear the same law reads gamma_dot = B tau^n with

    B = 3^((n+1)/2) A exp(-Q/RT)                                                 (2)

(von Mises: sigma_e = sqrt(3) tau, eps_dot_e = gamma_dot / sqrt(3)).

How creep acts at each scale (decided here, documented in docs/sei_creep.md):

* mm-scale film (the 10 mm collector): lubrication squeeze flow between no-slip plates thins the film
  at -dh/dt ~ B P^n h^(n+2) / R^(n+1) (eq. 4). For h = 5 um, R = 5 mm, P = 13 MPa this is ~1e-16 1/s:
  negligible. Kept in the budget, computed, and shown to be negligible.
* um-scale bumps and island edges: the same squeeze law with R = the bump half-width; at R ~ 10 um
  it acts in well under a second, at R ~ 100-200 um (island size) in minutes. `level_profile`
  applies it per column of the deposit.
* interfacial roughness / open surface porosity of the cold-pressed SE: collapse of an unloaded void
  in a power-law creeping solid under the pressure P (Budiansky, Hutchinson & Slutsky 1982; eq. 6),
  time constant ~0.1 s at 13 MPa, independent of the void size. The fill depth (open volume per area)
  is the one calibrated parameter (parameters/interface.py).

The stack pressure also lowers the equilibrium potential of the stressed Li electrode by V_m p / F
(eq. 7).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from .constants import FARADAY, GAS_CONSTANT

# The BRIEF's creep prefactor (6.7e-3 1/s) is quoted at this stress and temperature (BRIEF §6).
CREEP_REFERENCE_STRESS = 1.0e6     # Pa
CREEP_REFERENCE_TEMPERATURE = 298.0  # K

GEOMETRIES = ("disc", "strip")


@dataclass(frozen=True)
class CreepLaw:
    """Power-law creep eps_dot = rate_ref (sigma/stress_ref)^n exp(-Q/R (1/T - 1/T_ref)) (eq. 1)."""

    exponent: float                 # n (1)
    activation_energy: float        # Q (J/mol)
    rate_ref: float                 # eps_dot at stress_ref, T_ref (1/s)
    stress_ref: float = CREEP_REFERENCE_STRESS
    temperature_ref: float = CREEP_REFERENCE_TEMPERATURE

    @classmethod
    def from_parameters(cls, li: Mapping) -> CreepLaw:
        """Build from the "li" parameter set (creep_exponent, creep_activation_energy, creep_rate_at_1MPa)."""
        return cls(exponent=li["creep_exponent"].value,
                   activation_energy=li["creep_activation_energy"].value,
                   rate_ref=li["creep_rate_at_1MPa"].value)

    @classmethod
    def lithium(cls) -> CreepLaw:
        from liplate.parameters import load_set
        return cls.from_parameters(load_set("li"))

    @classmethod
    def newtonian(cls, viscosity: float) -> CreepLaw:
        """A linear viscous solid (n = 1, no activation): eps_dot = sigma / (3 mu) (uniaxial Trouton)."""
        return cls(exponent=1.0, activation_energy=0.0, rate_ref=CREEP_REFERENCE_STRESS / (3.0 * viscosity))

    def prefactor(self) -> float:
        """A of eq. (1) in Pa^-n 1/s: A = rate_ref / stress_ref^n * exp(Q / (R T_ref))."""
        return self.rate_ref / self.stress_ref ** self.exponent * np.exp(
            self.activation_energy / (GAS_CONSTANT * self.temperature_ref))

    def arrhenius(self, temperature: float) -> float:
        """exp(-Q/R (1/T - 1/T_ref)): thermal factor relative to the reference temperature."""
        inverse = 1.0 / temperature - 1.0 / self.temperature_ref
        return float(np.exp(-self.activation_energy / GAS_CONSTANT * inverse))

    def strain_rate(self, stress, temperature: float):
        """Uniaxial (von Mises equivalent) creep rate, eq. (1), 1/s. Sign follows the stress."""
        s = np.asarray(stress, dtype=float)
        magnitude = (np.abs(s) / self.stress_ref) ** self.exponent
        return self.rate_ref * self.arrhenius(temperature) * np.sign(s) * magnitude

    def shear_coefficient(self, temperature: float) -> float:
        """B of eq. (2): gamma_dot = B tau^n in simple shear, Pa^-n 1/s (von Mises equivalence)."""
        n = self.exponent
        thermal = np.exp(-self.activation_energy / (GAS_CONSTANT * temperature))
        return 3.0 ** ((n + 1.0) / 2.0) * self.prefactor() * thermal


def equilibrium_potential_shift(pressure, molar_volume: float):
    """Shift of the Li/Li+ equilibrium potential of a Li electrode under pressure p, in V (eq. 7):

        dE_eq = -V_m p / F        (Monroe & Newman, J. Electrochem. Soc. 152, A396 (2005); BRIEF §5)

    Negative: compressed Li is less stable, so plating onto it needs ~1.75 mV more at 13 MPa.
    """
    return -molar_volume * np.asarray(pressure, dtype=float) / FARADAY


# --------------------------------------------------------------------------------------------------
# Squeeze flow of a power-law film between parallel no-slip plates (lubrication approximation)
# --------------------------------------------------------------------------------------------------

def _geometry_factor(n: float, geometry: str) -> float:
    """G_n of eq. (4): -dh/dt = G_n B h^(n+2) P^n / R^(n+1)."""
    if geometry == "disc":
        return ((3.0 * n + 1.0) / n) ** n / ((n + 2.0) * 2.0 ** n)
    if geometry == "strip":
        return ((2.0 * n + 1.0) / n) ** n / ((n + 2.0) * 2.0 ** (n + 1.0))
    raise ValueError(f"geometry must be one of {GEOMETRIES}, got {geometry!r}")


def squeeze_flow_rate(thickness, mean_pressure, half_width, law: CreepLaw, temperature: float,
                      geometry: str = "disc"):
    """Thinning rate -dh/dt (m/s, > 0) of a power-law film squeezed between no-slip parallel plates.

    Lubrication flux per unit width in a gap h under a pressure gradient G = -dp/dx, with gamma_dot = B tau^n:
        q = B G^n h^(n+2) / ((n+2) 2^(n+1))                                               (3)
    With continuity (q = x(-h') for a strip of half-width R, q = r(-h')/2 for a disc of radius R),
    p(R) = 0 and the mean pressure P = F / area:

        -dh/dt = G_n B P^n h^(n+2) / R^(n+1)                                              (4)
        disc:  G_n = ((3n+1)/n)^n / ((n+2) 2^n);   strip: G_n = ((2n+1)/n)^n / ((n+2) 2^(n+1))

    n = 1, B = 1/mu, disc: -dh/dt = 2 F h^3 / (3 pi mu R^4) (Stefan 1874). General n: Scott (1931);
    review Engmann, Servais & Burbidge, J. Non-Newt. Fluid Mech. 132, 1 (2005), eq. for a power-law
    fluid with no slip (their flow index is 1/n).
    """
    n = law.exponent
    b = law.shear_coefficient(temperature)
    h = np.asarray(thickness, dtype=float)
    p = np.asarray(mean_pressure, dtype=float)
    return _geometry_factor(n, geometry) * b * np.abs(p) ** n * h ** (n + 2.0) / half_width ** (n + 1.0)


def squeeze_film_thickness(time, initial_thickness, mean_pressure, half_width, law: CreepLaw,
                           temperature: float, geometry: str = "disc"):
    """Closed-form h(t) of eq. (4) at constant load and radius:

        h(t) = [h0^-(n+1) + (n+1) c t]^(-1/(n+1)),   c = G_n B P^n / R^(n+1)

    (n = 1: Stefan's 1/h^2 = 1/h0^2 + 2 c t.)
    """
    n = law.exponent
    c = squeeze_flow_rate(1.0, mean_pressure, half_width, law, temperature, geometry)
    t = np.asarray(time, dtype=float)
    return (initial_thickness ** (-(n + 1.0)) + (n + 1.0) * c * t) ** (-1.0 / (n + 1.0))


def squeeze_flow_rate_numerical(thickness: float, mean_pressure: float, half_width: float, law: CreepLaw,
                                temperature: float, geometry: str = "disc", cells: int = 400) -> float:
    """-dh/dt from a finite-volume lubrication solve (independent of the closed form, eq. 4).

    Cells of width dr on [0, R]. For a trial rate -h' = 1 m/s the face flux follows from the cell volumes
    between the axis and the face (discrete continuity), the face pressure gradient from inverting the
    face flux law (3), the cell pressures by summing gradients inwards from p = 0 at r = R, and the load
    by the midpoint rule over cell areas. The problem is homogeneous of degree 1/n in the rate, so the
    rate at the requested mean pressure is (P / P_trial)^n.
    """
    n = law.exponent
    b = law.shear_coefficient(temperature)
    faces = np.linspace(0.0, half_width, cells + 1)
    if geometry == "disc":
        area = np.pi * (faces[1:] ** 2 - faces[:-1] ** 2)        # cell areas
        perimeter = 2.0 * np.pi * faces[1:]                      # outer face of each cell
    elif geometry == "strip":
        area = np.diff(faces)                                     # per unit length, half strip
        perimeter = np.ones(cells)
    else:
        raise ValueError(f"geometry must be one of {GEOMETRIES}, got {geometry!r}")
    flux = np.cumsum(area) / perimeter                            # q at each outer face, rate 1 m/s
    gradient = (flux * (n + 2.0) * 2.0 ** (n + 1.0) / (b * thickness ** (n + 2.0))) ** (1.0 / n)  # -dp/dr
    # Face gradients between cell centres: the gradient at face i+1/2 drops p from centre i to i+1; the
    # last half cell drops from the outermost centre to p(R) = 0 over dr/2 (flux there ~ outer face flux).
    dr = half_width / cells
    drops = gradient[:-1] * dr
    p_outer = gradient[-1] * 0.5 * dr
    pressure = p_outer + np.concatenate([np.cumsum(drops[::-1])[::-1], [0.0]])
    mean = float(np.sum(pressure * area) / np.sum(area))
    return float((mean_pressure / mean) ** n)


def integrate_squeeze_film(times, initial_thickness: float, mean_pressure: float, half_width: float,
                           law: CreepLaw, temperature: float, geometry: str = "disc", cells: int = 400):
    """h(t) by integrating dh/dt = -rate(h) with scipy's solve_ivp, the rate from the FV solve.

    The FV rate scales exactly as h^(n+2) (it is homogeneous in h), so it is computed once at h0 and
    rescaled; the time integration (LSODA, rtol 1e-10) is the numerical part checked against
    :func:`squeeze_film_thickness`.
    """
    from scipy.integrate import solve_ivp

    n = law.exponent
    rate0 = squeeze_flow_rate_numerical(initial_thickness, mean_pressure, half_width, law, temperature,
                                        geometry, cells)
    times = np.asarray(times, dtype=float)

    def rhs(_t, y):
        return [-rate0 * (max(y[0], 0.0) / initial_thickness) ** (n + 2.0)]

    sol = solve_ivp(rhs, (0.0, float(times[-1])), [initial_thickness], t_eval=times, method="LSODA",
                    rtol=1e-10, atol=initial_thickness * 1e-14)
    return sol.y[0]


# --------------------------------------------------------------------------------------------------
# Filling of interfacial roughness / open surface porosity
# --------------------------------------------------------------------------------------------------

def void_collapse_rate(pressure, law: CreepLaw, temperature: float):
    """Volumetric collapse rate -V_dot/V (1/s) of an unloaded void in a power-law creeping solid under
    remote pressure p (incompressible matrix, spherical void, exact):

        -V_dot / V = (3/2) eps_dot(sigma = 3 p / (2 n))                                  (6)

    Budiansky, Hutchinson & Slutsky, in Mechanics of Solids (Pergamon 1982) 13-45; n = 1 recovers the
    viscous bubble -V_dot/V = 3 p / (4 mu). Independent of the void size (power-law creep has no length).
    """
    n = law.exponent
    return 1.5 * law.strain_rate(3.0 * np.asarray(pressure, dtype=float) / (2.0 * n), temperature)


def roughness_fill_time_constant(pressure, law: CreepLaw, temperature: float):
    """tau_fill = 1 / (-V_dot/V) of eq. (6), in s: ~0.08 s for Li at 13 MPa, 298 K."""
    return 1.0 / void_collapse_rate(pressure, law, temperature)


def roughness_fill_depth(time, fill_capacity, pressure, law: CreepLaw, temperature: float):
    """Depth (volume per area, m) of Li crept into the open interfacial roughness after a time t:

        d(t) = d_inf (1 - exp(-t / tau_fill))

    the open volume shrinking as a void does in eq. (6); d_inf = fill_capacity (calibrated, see
    parameters/interface.py). The caller caps d by the Li available.
    """
    tau = roughness_fill_time_constant(pressure, law, temperature)
    return fill_capacity * -np.expm1(-np.asarray(time, dtype=float) / tau)


# --------------------------------------------------------------------------------------------------
# Lateral levelling of a deposit profile (per column)
# --------------------------------------------------------------------------------------------------

def level_profile(h: np.ndarray, dx: float, dt: float, pressure: float, temperature: float,
                  params: CreepLaw, geometry: str = "strip", max_events: int | None = None) -> np.ndarray:
    """Level a periodic column-thickness profile h (m) under a rigid flat SE pressed with pressure p for dt.

    Model: the (rigid) SE touches the Li only on the tallest columns (the contact plateaus, height H).
    Each plateau segment of half-width a is squeezed out sideways as a no-slip lubrication film of
    thickness H (eq. 4, plane strain for a 2D cross-section); all plateaus descend together (one rigid
    plate), so the load L p splits between segments as P_s ~ a_s^((n+1)/n) with sum P_s 2 a_s = p L.
    The squeezed volume piles up on the two columns bordering each segment; a column that reaches the
    descending plate joins the plateau. Events (a column joining) are resolved exactly, so any dt is
    stable, volume is conserved to round-off and a flat profile is a fixed point.
    """
    h = np.array(h, dtype=float)
    n_cols = h.size
    if n_cols < 2 or dt <= 0.0:
        return h
    n = params.exponent
    rate_coeff = _geometry_factor(n, geometry) * params.shear_coefficient(temperature)
    length = n_cols * dx
    remaining = float(dt)
    tol = 1e-12 * max(float(np.max(np.abs(h))), 1e-30)
    events = 0
    limit = max_events if max_events is not None else 4 * n_cols + 10
    while remaining > 0.0 and events < limit:
        top = float(h.max())
        contact = h >= top - tol
        if contact.all():
            break
        h[contact] = top
        # Segments of the periodic contact set: roll so that index 0 is out of contact.
        shift = int(np.argmin(contact))
        c = np.roll(contact, -shift)
        edges = np.flatnonzero(np.diff(np.append(c, False).astype(int)))
        starts, ends = edges[0::2] + 1, edges[1::2] + 1    # contact on [start, end) in rolled indices
        half = 0.5 * (ends - starts) * dx
        # Common descent rate of the rigid plate, eq. (4) with the load shared between segments.
        share = np.sum(2.0 * half ** ((2.0 * n + 1.0) / n))
        c_load = pressure * length / share
        rate = rate_coeff * top ** (n + 2.0) * c_load ** n
        # Columns bordering the segments (rolled indices back to the original ones) rise by
        # gain[col] per unit plate descent; a column between two segments collects from both.
        left = (starts - 1 + shift) % n_cols
        right = (ends + shift) % n_cols
        gain = np.zeros(n_cols)
        np.add.at(gain, left, half / dx)
        np.add.at(gain, right, half / dx)
        rim = gain > 0.0
        d_event = float(np.min((top - h[rim]) / (1.0 + gain[rim])))
        d_time = rate * remaining
        step = min(d_event, d_time)
        h[contact] -= step
        h += step * gain
        if d_time <= d_event:
            remaining = 0.0
        else:
            remaining -= step / rate
        events += 1
    return h
