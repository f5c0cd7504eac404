"""Unit conversion at the boundary: practical-unit strings from case files -> SI floats.

This is the only place liplate converts units. Everything downstream is SI
(m, s, A, V, mol, K, Pa, J). Capacities per area (mAh/cm^2) become C/m^2.
"""
from __future__ import annotations

import math
import re
from functools import lru_cache

import pint


def _registry() -> pint.UnitRegistry:
    """pint's registry. Its parsed definitions are cached on disk by pint (user cache directory): building
    it takes 0.03 s instead of 0.33 s, in every ``liplate`` command and sweep child. Where the cache cannot
    be read or written, the registry is built from scratch."""
    try:
        return pint.UnitRegistry(cache_folder=":auto:")
    except Exception:  # read-only or broken cache: same registry, built the slow way
        return pint.UnitRegistry()


ureg = _registry()
ureg.define("mAh = milliampere * hour")
ureg.define("Ah = ampere * hour")

# Name of each physical kind a case key may take, with its SI unit and an example for messages.
KINDS: dict[str, tuple[str, str]] = {
    "current_density": ("A/m^2", "0.5 mA/cm^2"),
    "areal_capacity": ("C/m^2", "1 mAh/cm^2"),
    "length": ("m", "2 um"),
    "pressure": ("Pa", "13 MPa"),
    "temperature": ("K", "298 K"),
    "time": ("s", "10 s"),
    "conductivity": ("S/m", "3.2 mS/cm"),
    "voltage": ("V", "10 mV"),
    "energy_per_area": ("J/m^2", "0.556 J/m^2"),
    "energy_per_volume": ("J/m^3", "4.45e6 J/m^3"),
    "energy_per_length": ("J/m", "1.25e-6 J/m"),
    "molar_energy": ("J/mol", "37 kJ/mol"),
    "energy_eV": ("eV", "0.5 eV"),
    "area_resistance": ("ohm*m^2", "0.8 ohm*cm^2"),
    "number_density_area": ("1/m^2", "30 1/mm^2"),
    "rate": ("1/s", "1e-3 1/s"),
    "angle": ("degree", "60 deg"),
    "molar_volume": ("m^3/mol", "1.30e-5 m^3/mol"),
    "concentration": ("mol/m^3", "4.2e4 mol/m^3"),
    "diffusivity": ("m^2/s", "1e-12 m^2/s"),
    "fracture_toughness": ("Pa*m^0.5", "0.23 MPa*m^0.5"),
    "mass": ("kg", "150 mg"),
    "density": ("kg/m^3", "1.86 g/cm^3"),
    "sei_rate": ("m^2/s", "1e-22 m^2/s"),
    "dimensionless": ("", "0.5"),
}


class UnitError(ValueError):
    """A value could not be read as a quantity of the expected kind."""


# One quantity is one number and one unit. pint multiplies juxtaposed numbers ("0.5 mA/cm^2 2" is 1 mA/cm^2)
# and reads a comma as juxtaposition ("1,5 mA/cm^2" is 15 mA/cm^2): both are rejected before pint sees them.
_NUMBER = r"[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|(?i:nan|inf(?:inity)?)\b)"
_QUANTITY = re.compile(rf"\s*(?P<number>{_NUMBER})(?P<unit>.*)", re.DOTALL)
# Digits allowed in a unit: exponents (m^2, m**-3, m^0.5) and a leading "1/" (1/s, 1/mm^2).
_EXPONENT = re.compile(r"(\^|\*\*)\s*(\(\s*[+-]?\d+(\.\d+)?\s*\)|[+-]?\d+(\.\d+)?)")
_RECIPROCAL = re.compile(r"(^|[\s(*/])1\s*/")


def _split(text: str, example: str) -> tuple[float, str]:
    """(number, unit text) of ``text``; :class:`UnitError` unless it is one number and at most one unit."""
    if "," in text:
        raise UnitError(f"{text!r}: write the decimal separator as '.', not ',' (one number and one unit, "
                        f"e.g. {example!r})")
    m = _QUANTITY.fullmatch(text)
    if m is None:
        raise UnitError(f"{text!r} does not start with a number; write one number and one unit, e.g. {example!r}")
    unit = _RECIPROCAL.sub(r"\1", _EXPONENT.sub("^x", m.group("unit")))
    if re.search(r"\d", unit):
        raise UnitError(f"{text!r} holds more than one number; write one number and one unit, e.g. {example!r}")
    return float(m.group("number")), m.group("unit").strip()


@lru_cache(maxsize=256)
def _parse(number: float, unit: str) -> pint.Quantity:
    # Number and unit apart, so that offset units work ("25 degC" is 298.15 K; pint's parser would
    # multiply 25 by degC and refuse).
    cleaned = unit.replace("µ", "u").replace("μ", "u").strip()
    if cleaned.startswith("/"):       # "1e-3 /s"
        cleaned = "1" + cleaned
    return ureg.Quantity(number, cleaned or "dimensionless")


def to_si(value: object, kind: str) -> float:
    """Convert ``value`` (a string with units, or a bare number for dimensionless kinds) to SI.

    Raises :class:`UnitError` with a message naming the value, the expected kind and an example.
    """
    if kind not in KINDS:
        raise KeyError(f"unknown quantity kind {kind!r}")
    si_unit, example = KINDS[kind]
    if isinstance(value, bool):
        raise UnitError(f"{value!r} is a boolean; expected a {kind.replace('_', ' ')} such as {example!r}")
    if isinstance(value, (int, float)):
        if kind == "dimensionless":
            number = float(value)
        elif kind == "angle":
            raise UnitError(f"{value!r} has no unit; expected an angle such as {example!r}")
        else:
            raise UnitError(f"{value!r} has no unit; expected a {kind.replace('_', ' ')} such as {example!r}")
    elif isinstance(value, str):
        number, unit = _split(value, example)
        try:
            q = _parse(number, unit)
        except Exception as exc:  # pint raises several unrelated types
            raise UnitError(f"{value!r} is not a quantity pint can read ({exc.__class__.__name__}); "
                            f"write e.g. {example!r}") from None
        if not isinstance(q, pint.Quantity):
            q = ureg.Quantity(float(q), "")
        target = ureg.Quantity(1.0, si_unit)
        if q.dimensionality != target.dimensionality:
            raise UnitError(f"{value!r} has units of {q.units:~} ({q.dimensionality}), "
                            f"expected a {kind.replace('_', ' ')} such as {example!r}")
        if kind == "angle":
            number = float(q.to("degree").magnitude)
        elif kind == "energy_eV":
            number = float(q.to("eV").magnitude)
        else:
            number = float(q.to(si_unit).magnitude)
    else:
        raise UnitError(f"{value!r} ({type(value).__name__}) is not a quantity; write e.g. {example!r}")
    if not math.isfinite(number):
        raise UnitError(f"{value!r} is not a finite number")
    return number


def si_unit(kind: str) -> str:
    return KINDS[kind][0]


def _si_of(kind: str) -> str:
    if kind == "angle":
        return "deg"
    if kind == "energy_eV":
        return "eV"
    return KINDS[kind][0] if kind in KINDS else ""


def readable_unit(numbers, kind: str, like: object = None) -> str:
    """A unit to show SI values of ``kind`` in: that of ``like`` (what the user wrote, so that for
    "-1 mA/cm^2" the bound 1000 A/m^2 shows as 100 mA/cm^2), else that of the kind's example ("um" for
    lengths), else SI; the first in which every nonzero number lies in [1e-3, 1e5)."""
    si = _si_of(kind)
    candidates = []
    if isinstance(like, str):
        try:
            candidates.append(_split(like, "")[1])
        except UnitError:
            pass
    if kind in KINDS and " " in KINDS[kind][1]:
        candidates.append(KINDS[kind][1].split(" ", 1)[1])
    for unit in candidates:
        try:
            shown = [_convert(x, si, unit) for x in numbers]
        except Exception:  # noqa: S112 - a unit pint cannot convert to: try the next
            continue
        if unit and all(m == 0 or 1e-3 <= abs(m) < 1e5 for m in shown):
            return unit
    return si


def _convert(number: float, si: str, unit: str) -> float:
    target = unit.replace("µ", "u").replace("μ", "u")
    return float(ureg.Quantity(number, si or "dimensionless").to("1" + target if target.startswith("/")
                                                                   else target).magnitude)


def shown_as(number: float, kind: str, unit: str | None = None) -> str:
    """An SI value of ``kind`` in ``unit`` (default SI), for messages: '100 mA/cm^2'."""
    si = _si_of(kind)
    if unit and unit != si:
        return f"{_convert(number, si, unit):.6g} {unit}"
    return f"{number:g} {si}".strip()


# Practical-unit helpers for reports (SI inside, these only at the output boundary).
A_M2_PER_MA_CM2 = 10.0          # 1 mA/cm^2 = 10 A/m^2
C_M2_PER_MAH_CM2 = 3.6e4        # 1 mAh/cm^2 = 3.6 C / 1e-4 m^2
M_PER_UM = 1e-6
