import math

import pytest

from liplate.units import UnitError, to_si


@pytest.mark.parametrize("text,kind,si", [
    ("0.5 mA/cm^2", "current_density", 5.0),
    ("1 mAh/cm^2", "areal_capacity", 3.6e4),
    ("2 um", "length", 2e-6),
    ("2 µm", "length", 2e-6),
    ("13 MPa", "pressure", 13e6),
    ("3.2 mS/cm", "conductivity", 0.32),
    ("37 kJ/mol", "molar_energy", 37e3),
    ("0.8 ohm*cm^2", "area_resistance", 0.8e-4),
])
def test_practical_units_convert_to_si(text, kind, si):
    assert math.isclose(to_si(text, kind), si, rel_tol=1e-12)


@pytest.mark.parametrize("value,kind,fragment", [
    ("5 mV", "length", "expected a length"),
    ("abc", "length", "does not start with a number"),
    ("2 blorps", "length", "not a quantity"),
    ("nan um", "length", "not a finite number"),
    (3, "length", "has no unit"),
    (True, "pressure", "boolean"),
])
def test_bad_quantities_are_named(value, kind, fragment):
    with pytest.raises(UnitError, match=fragment):
        to_si(value, kind)
