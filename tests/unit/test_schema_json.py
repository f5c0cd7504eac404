"""The JSON Schema of case.toml (``liplate schema``) and the case reference generated from it.

The schema is a standard draft 2020-12 schema (checked against its meta-schema by ``jsonschema``); every
shipped case file validates against it; it rejects what ``liplate check`` rejects by name (unknown
sections and keys, bad choices, plain numbers out of range); and ``docs/case_reference.md`` is what
``liplate schema --markdown`` prints now, so adding a key without regenerating the page fails here.
"""
from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

jsonschema = pytest.importorskip("jsonschema")

from liplate.case import CaseError, validate  # noqa: E402
from liplate.schema import SECTIONS, Key  # noqa: E402
from liplate.schema_json import json_schema, markdown  # noqa: E402

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

REPO = Path(__file__).resolve().parents[2]
CASE_FILES = sorted((REPO / "cases").glob("*/case.toml"))
REFERENCE = REPO / "docs" / "case_reference.md"


@pytest.fixture(scope="module")
def validator():
    schema = json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_the_schema_is_draft_2020_12_and_names_every_section_and_key(validator):
    schema = validator.schema
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    for sname, sec in SECTIONS.items():
        props = schema["properties"][sname]["properties"]
        assert list(props) == list(sec.keys), sname
        for kname, entry in props.items():
            assert entry["description"], f"{sname}.{kname} has no description"
    assert "parameters" in schema["properties"]


@pytest.mark.parametrize("case_file", CASE_FILES, ids=[p.parent.name for p in CASE_FILES])
def test_every_shipped_case_validates_against_the_schema(validator, case_file):
    data = tomllib.loads(case_file.read_text())
    errors = [f"{'/'.join(map(str, e.path))}: {e.message}" for e in validator.iter_errors(data)]
    assert not errors, errors


def test_the_cli_prints_the_same_schema():
    out = subprocess.run([sys.executable, "-m", "liplate.cli", "schema"], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == json_schema()


def _rejected(validator, data) -> bool:
    return any(True for _ in validator.iter_errors(data))


def _valid_base() -> dict:
    return tomllib.loads((REPO / "cases" / "sharp_li2te_cu_0p5mA_1mAh" / "case.toml").read_text())


@pytest.mark.parametrize("section, key, value", [
    ("protocol", "current_densty", "1 mA/cm^2"),            # unknown key
    ("case", "substrate", "copper"),                         # not a choice
    ("domain", "cells_x", 0),                                # integer below its minimum
    ("domain", "cells_x", 2.5),                              # not an integer
    ("physics", "sei", "yes"),                               # not a boolean
    ("protocol", "current_density", 5),                      # a quantity without its unit
    ("protocol", "current_density", "fast"),                 # not "number unit"
    ("protocol", "capacity", "continuos"),                   # not 'continuous' (a typo)
])
def test_the_schema_rejects_what_the_case_loader_rejects(validator, section, key, value):
    data = _valid_base()
    data.setdefault(section, {})[key] = value
    assert _rejected(validator, data)
    with pytest.raises(CaseError):
        validate(data)


def test_capacity_is_required_by_the_models_that_stop_on_it(validator):
    """The sharp model (also the default when `model` is absent) and the phase field stop at a capacity;
    the kMC stops at a number of atoms, so a kMC case has none. The schema says so as the loader does."""
    data = _valid_base()
    del data["protocol"]["capacity"]
    assert _rejected(validator, data)
    data["case"].pop("model", None)                          # the default model, sharp, needs it too
    assert _rejected(validator, data)
    kmc = tomllib.loads((REPO / "cases" / "kmc_2d_cu" / "case.toml").read_text())
    assert "capacity" not in kmc.get("protocol", {}) and not _rejected(validator, kmc)


def test_a_continuous_capacity_and_the_counter_electrode_li_are_accepted_and_documented(validator):
    """capacity = 'continuous' (plate until the counter electrode's Li is exhausted) and a capacity above that
    Li are valid for the schema and the loader; the case reference says so."""
    data = _valid_base()
    data["parameters"] = {"cell.counter_li_thickness": "30 um"}
    for capacity in ("continuous", "15 mAh/cm^2"):
        data["protocol"]["capacity"] = capacity
        assert not _rejected(validator, data), [e.message for e in validator.iter_errors(data)]
        sections, _ = validate(data)
        assert sections["protocol"]["capacity"] == (capacity if capacity == "continuous" else pytest.approx(5.4e5))
    row = next(line for line in REFERENCE.read_text().splitlines() if line.startswith("| `capacity` |"))
    assert '`"continuous"`' in row and "counter electrode exhausted" in row


def test_the_schema_accepts_the_defaults_and_parameter_overrides(validator):
    data = _valid_base()
    for sname, sec in SECTIONS.items():
        for kname, key in sec.keys.items():
            if key.default is not None:
                data.setdefault(sname, {})[kname] = key.default
    data["parameters"] = {"lpscl.conductivity": "3 mS/cm", "li": {"molar_volume": "1.3e-5 m^3/mol"}}
    assert not _rejected(validator, data), [e.message for e in validator.iter_errors(data)]
    data["parameters"] = {"lpscl.conductivty": "3 mS/cm"}
    assert _rejected(validator, data)


def test_the_case_reference_is_up_to_date():
    """Regenerate with: .venv/bin/liplate schema --markdown > docs/case_reference.md"""
    assert REFERENCE.read_text() == markdown(), (
        "docs/case_reference.md is out of date with liplate.schema; regenerate it with "
        "`liplate schema --markdown > docs/case_reference.md`")


def test_the_case_reference_documents_every_key_with_unit_default_and_range():
    text = REFERENCE.read_text()
    for sname, sec in SECTIONS.items():
        assert f"## [{sname}]" in text
        for kname in sec.keys:
            assert f"| `{kname}` |" in text, f"{sname}.{kname} missing from docs/case_reference.md"
    row = next(line for line in text.splitlines() if line.startswith("| `current_density` |"))
    assert "mA/cm^2" in row and "required" in row and "> 0" in row


def test_a_key_added_without_regenerating_the_reference_fails_the_check(monkeypatch):
    """What the up-to-date test guards against: a new key changes the generated page."""
    keys = dict(SECTIONS["protocol"].keys)
    keys["rest_time"] = Key("time", "0 s", "rest before plating", min=0.0)
    monkeypatch.setattr(SECTIONS["protocol"], "keys", keys)
    page = markdown()
    assert page != REFERENCE.read_text()
    assert "| `rest_time` |" in page and "rest before plating" in page


def test_keys_the_generator_does_not_know_are_read_defensively(monkeypatch):
    """Key may gain attributes (units, sources, ...); a Key-like object lacking some still renders."""
    class Bare:
        kind = "length"
        default = "1 um"
        doc = "a key with only three attributes"

    keys = dict(SECTIONS["domain"].keys)
    keys["bare"] = Bare()
    keys["renamed"] = replace(SECTIONS["domain"].keys["width"], doc="width again")
    monkeypatch.setattr(SECTIONS["domain"], "keys", keys)
    schema = json_schema()
    assert schema["properties"]["domain"]["properties"]["bare"]["default"] == "1 um"
    assert "| `bare` |" in markdown(schema)
