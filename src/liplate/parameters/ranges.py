"""The physical range of every parameter of every set, checked when a case overrides it.

Keyed ``"<set>.<name>"`` (as in ``[parameters]``), SI like the sets, each with a one-line reason. A range
is wide (a user exploring a sensitivity must be free to), but it stops what no material can be: a negative
molar volume, a zero conductivity (the potential equation divides by it), an exchange current density of
zero (Butler-Volmer cannot carry the applied current), a transfer coefficient outside (0, 1). The test
``tests/unit/test_case_validation.py`` asserts that every parameter has a range and that every shipped
value lies in it.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Range:
    """Allowed values of one parameter (SI). ``min_open``/``max_open``: the bound itself is excluded."""

    min: float | None
    max: float | None
    reason: str
    min_open: bool = False
    max_open: bool = False

    def violation(self, value: float, unit: str = "", fmt=None) -> str | None:
        """What is wrong with ``value`` ("must be > 0 S/m (reason)"), or None when it is allowed.
        ``fmt`` formats a bound (default: ``f"{x:g} {unit}"``)."""
        low = self.min is not None and (value <= self.min if self.min_open else value < self.min)
        high = self.max is not None and (value >= self.max if self.max_open else value > self.max)
        if low or high:
            return f"must be {self.describe(unit, fmt)} ({self.reason})"
        return None

    def describe(self, unit: str = "", fmt=None) -> str:
        """The allowed values in words: "> 0 S/m and <= 10 S/m"."""
        u = f" {unit}" if unit and unit != "1" else ""
        fmt = fmt or (lambda x: f"{x:g}{u}")
        parts = []
        if self.min is not None:
            parts.append(f"{'>' if self.min_open else '>='} {fmt(self.min)}")
        if self.max is not None:
            parts.append(f"{'<' if self.max_open else '<='} {fmt(self.max)}")
        return " and ".join(parts) or "any value"


def positive(max: float | None, reason: str) -> Range:
    return Range(0.0, max, reason, min_open=True)


def between(lo: float, hi: float, reason: str, open_lo: bool = False, open_hi: bool = False) -> Range:
    return Range(lo, hi, reason, min_open=open_lo, max_open=open_hi)


_J0 = ("zero blocks the reaction (Butler-Volmer cannot carry the applied current); measured Li|SE values are "
       "0.01-30 mA/cm^2, the bound is 300x the largest")
_MODULUS = "an elastic modulus is > 0 and below diamond's 1.2 TPa"
_BINDING = ("a single Li adsorption energy difference is a few eV at most; beyond +-5 eV is a unit slip "
            "(kJ/mol or meV for eV)")
_NUCLEI = "a density of nuclei is > 0 and at most one per nm^2 (the atomic spacing)"

RANGES: dict[str, Range] = {
    # Li6PS5Cl
    "lpscl.conductivity": positive(10.0, "zero or negative carries no ionic current (the potential equation "
                                   "divides by it); the best sulfide SEs reach 2.5 S/m"),
    "lpscl.activation_energy": between(0.05, 2.0, "Li+ migration barriers in solid electrolytes are 0.1-1 eV"),
    "lpscl.transference_number": between(0.0, 1.0, "the fraction of the current carried by Li+", open_lo=True),
    "lpscl.li_concentration": positive(2e5, "Li metal holds 7.7e4 mol/m^3; no Li compound holds 2e5"),
    "lpscl.density": between(500.0, 1e4, "inorganic solid electrolytes are 1.5-7 g/cm^3"),
    "lpscl.youngs_modulus": positive(1.2e12, _MODULUS),
    "lpscl.fracture_toughness": positive(1e7, "ceramics and glasses have 0.1-10 MPa m^0.5"),
    "lpscl.diffusivity": positive(1e-7, "> 0 (Fick's law); ions in solids diffuse far below liquids' 1e-9 m^2/s"),
    "lpscl.exchange_current_density": positive(1e5, _J0),
    "lpscl.transfer_coefficient": between(0.0, 1.0, "Butler-Volmer: alpha and 1 - alpha are both > 0",
                                          open_lo=True, open_hi=True),
    "lpscl.filament_radius": between(1e-8, 1e-4, "a Li needle in a crack: wider than ~10 nm (a continuum of Li), "
                                     "narrower than 100 um (the measured cracks are 3-5 um wide)", open_lo=True),
    # lithium metal
    "li.molar_volume": between(0.65e-5, 2.6e-5, "the deposit is Li metal, 1.30e-5 m^3/mol (bcc, 298 K); "
                               "a factor 2 either way allows sensitivity studies, not a sign or unit slip"),
    "li.surface_energy": positive(5.0, "metal surface energies are 0.3-3 J/m^2"),
    "li.conductivity": positive(1e8, "> 0 for a metal; silver, the best conductor, has 6.3e7 S/m"),
    "li.creep_exponent": between(1.0, 20.0, "power-law creep: n = 1 (diffusional) to ~8 (dislocation creep)"),
    "li.creep_activation_energy": positive(5e5, "thermally activated creep: 10-500 kJ/mol"),
    "li.creep_rate_at_1MPa": positive(1e3, "a strain rate > 0; 1e3 1/s at 1 MPa is already impact loading"),
    "li.yield_strength": positive(1e8, "bulk Li yields at 0.4-1 MPa, micropillars at up to ~100 MPa"),
    "li.youngs_modulus": positive(1.2e12, _MODULUS),
    "li.shear_modulus": positive(1.2e12, _MODULUS),
    "li.poisson_ratio": between(-1.0, 0.5, "elastic stability: -1 < nu < 0.5", open_lo=True, open_hi=True),
    # collectors
    "cu.nucleus_density": positive(1e18, _NUCLEI),
    "cu.bare_exchange_current_density": positive(1e5, _J0),
    "cu.contact_angle": between(0.0, 180.0, "a contact angle lies in 0-180 deg (0: complete wetting, a film)"),
    "li2te_cu.nucleus_density": positive(1e18, _NUCLEI),
    "li2te_cu.bare_exchange_current_density": positive(1e5, _J0),
    "li2te_cu.layer_thickness": positive(1e-4, "a collector coating is > 0 and thinner than 100 um"),
    # the cell
    "cell.pellet_mass": positive(1e-2, "a lab pellet is > 0 and below 10 g"),
    "cell.die_diameter": positive(0.1, "a pressing die is > 0 and below 10 cm"),
    "cell.collector_diameter": positive(0.1, "a lab collector disc is > 0 and below 10 cm"),
    "cell.counter_li_thickness": positive(1e-3, "a Li foil is > 0 and below 1 mm"),
    "cell.counter_exchange_current_density": positive(1e5, _J0),
    "cell.stack_pressure": positive(5e8, "> 0 (creep divides by it); set by protocol.stack_pressure"),
    "cell.temperature": between(200.0, 453.69, "solid Li; set by protocol.temperature", open_hi=True),
    # SEI
    "sei.parabolic_rate_constant": positive(1e-12, "> 0 (switch SEI off with physics.sei = false); 1e-12 m^2/s "
                                            "would grow 1 um of SEI per second"),
    "sei.li_per_volume": positive(2e5, "Li bound per SEI volume: > 0 and below 2e5 mol/m^3 (Li metal: 7.7e4)"),
    "sei.effective_conductivity": positive(10.0, "> 0 (the SEI resistance is thickness / conductivity); "
                                           "no interphase conducts Li+ better than the best SE, 2.5 S/m"),
    "sei.tafel_transfer_coefficient": between(0.0, 1.0, "a transfer coefficient lies in (0, 1)",
                                              open_lo=True, open_hi=True),
    "sei.initial_thickness": between(0.0, 1e-5, "an SEI is >= 0 (none in an anode-free cell) and < 10 um"),
    # Li|SE interface
    "interface.roughness_fill_depth": between(0.0, 1e-4, "open volume per area of the SE surface: >= 0 "
                                              "(smooth) and < 100 um (deeper is not surface roughness)"),
    "interface.surface_roughness": between(0.0, 1e-4, "height of the SE surface relief: >= 0 (a flat SE) and "
                                           "< 100 um (higher is not surface roughness)"),
}

for _set in ("li", "cu", "li2te_cu"):
    for _name in ("binding_4li_atoms", "binding_li4_cluster", "binding_5li_atoms", "binding_li5_cluster",
                  "binding_bare", "binding_on_1ml", "binding_on_2ml"):
        RANGES[f"{_set}.{_name}"] = between(-5.0, 5.0, _BINDING)
# Li on Li: Table 2 has no 2 ML row for Li itself (the set has binding_on_1ml only).
del RANGES["li.binding_on_2ml"]


def range_of(dotted: str) -> Range | None:
    return RANGES.get(dotted)
