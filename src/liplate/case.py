"""Find, load and validate a case directory; convert every value to SI once.

A case directory holds ``case.toml``. :func:`load_case` returns a :class:`Case` whose numbers
are SI floats, or raises :class:`CaseError` naming the file, the key, the value and what is
allowed, before anything is computed.
"""
from __future__ import annotations

import difflib
import json
import math
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import __version__
from .io.summary import read as read_json
from .parameters import SET_NAMES, Param, load_set, with_override
from .schema import SECTIONS, Key
from .units import KINDS, UnitError, to_si

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

CASE_FILE = "case.toml"


class CaseError(ValueError):
    """A case that cannot be run, with a message a user can act on."""


def did_you_mean(word: str, options, n: int = 3) -> str:
    """"; did you mean 'x' or 'y'?" for the close matches of ``word`` among ``options`` ("" if none)."""
    close = difflib.get_close_matches(word, list(options), n=n, cutoff=0.6)
    return f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""


@dataclass
class Case:
    """A validated case: SI values per section, parameter sets with overrides applied."""

    path: Path
    source_file: Path
    sections: dict[str, dict[str, Any]]
    params: dict[str, dict[str, Param]]
    raw: dict[str, Any] = field(default_factory=dict)

    def __getitem__(self, section: str) -> dict[str, Any]:
        return self.sections[section]

    def p(self, dotted: str) -> float:
        """SI value of a parameter, e.g. ``case.p('lpscl.conductivity')``."""
        set_name, name = dotted.split(".", 1)
        return self.params[set_name][name].value

    @property
    def substrate(self) -> str:
        return self.sections["case"]["substrate"]

    @property
    def model(self) -> str:
        return self.sections["case"]["model"]

    @property
    def output_dir(self) -> Path:
        return self.path / "output"

    def resolved(self) -> dict[str, Any]:
        """Everything the run used, in SI with units and sources (written as ``case_resolved.json``)."""
        units = {}
        for sname, sec in SECTIONS.items():
            for kname, key in sec.keys.items():
                if key.kind in KINDS:
                    units[f"{sname}.{kname}"] = KINDS[key.kind][0] or "1"
        return {
            "liplate_version": __version__,
            "case_file": str(self.source_file.name),
            "sections": self.sections,
            "units_SI": units,
            "parameters": {s: {k: v.as_dict() for k, v in ps.items()} for s, ps in self.params.items()},
        }

    def to_json(self) -> str:
        return json.dumps(self.resolved(), indent=2, sort_keys=False)

    def with_values(self, values: dict[str, Any]) -> Case:
        """A new case with ``values`` set ({"protocol.current_density": "4 mA/cm^2", ...}: dotted keys,
        values as in a case file), validated exactly as a file is (:func:`liplate.api.with_values`)."""
        from .api import with_values
        return with_values(self, values)


def _inputs(resolved: dict[str, Any]) -> dict[str, Any]:
    """The values of a resolved case that can change a result, flat: "section.key" (all but the title)
    and "parameters <set>.<name>" (value and unit; sources and notes are text)."""
    flat: dict[str, Any] = {}
    for sname, sec in (resolved.get("sections") or {}).items():
        for k, v in sec.items():
            if (sname, k) != ("case", "title"):
                flat[f"{sname}.{k}"] = v
    for set_name, ps in (resolved.get("parameters") or {}).items():
        for name, p in ps.items():
            flat[f"parameters {set_name}.{name}"] = (p.get("value"), p.get("unit"))
    return json.loads(json.dumps(flat))      # the JSON form, as stored in case_resolved.json


def input_changes(stored: dict[str, Any], current: dict[str, Any], limit: int = 6) -> list[str]:
    """How two resolved cases (``Case.resolved()``, ``output/case_resolved.json``) differ in anything that
    can change a result: one line per differing value ("key: stored -> now"), at most ``limit`` lines
    plus a count of the rest; [] when they agree. Catches what the case file does not show: a default
    or a parameter set changed by a newer liplate."""
    old, new = _inputs(stored), _inputs(current)
    missing = "(not set)"
    lines = []
    for key in sorted(old.keys() | new.keys()):
        a, b = old.get(key, missing), new.get(key, missing)
        if a != b and json.dumps(a, sort_keys=True) != json.dumps(b, sort_keys=True):   # 1 == 1.0, NaN == NaN
            if key.startswith("parameters ") and isinstance(a, list) and isinstance(b, list):
                a, b = f"{a[0]:g} {a[1]}", f"{b[0]:g} {b[1]}"
            lines.append(f"{key}: {a} -> {b}")
    if len(lines) > limit:
        lines = lines[:limit] + [f"... and {len(lines) - limit} more"]
    return lines


def stored_input_changes(path: Case | str | Path) -> list[str]:
    """How the inputs stored with a case's output (``output/case_resolved.json``) differ from what the
    case (a :class:`Case` or its directory) resolves to now ([] if they agree or nothing is stored)."""
    case = path if isinstance(path, Case) else load_case(path)
    stored = read_json(case.output_dir / "case_resolved.json")
    return input_changes(stored, case.resolved()) if stored else []


def _check_value(where: str, name: str, key: Key, value: Any) -> Any:
    def fail(msg: str):
        raise CaseError(f"{where}: key '{name}' = {value!r}: {msg}")

    if key.kind == "str":
        if not isinstance(value, str):
            fail("expected a string")
        return value
    if key.kind == "bool":
        if not isinstance(value, bool):
            fail("expected true or false")
        return value
    if key.kind == "choice":
        if value not in key.choices:
            fail(f"allowed: {', '.join(repr(c) for c in key.choices)}"
                 + (did_you_mean(value, key.choices) if isinstance(value, str) else ""))
        return value
    if key.kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            fail("expected an integer")
        number = float(value)
    else:
        if key.default == "auto" and value == "auto":
            return "auto"
        try:
            number = to_si(value, key.kind)
        except UnitError as exc:
            fail(str(exc))
    if not math.isfinite(number):
        fail("must be a finite number")
    unit = KINDS.get(key.kind, ("",))[0]
    shown = f"{number:g} {unit}".strip()
    if key.positive and number <= 0:
        fail(f"must be > 0 (got {shown})")
    if key.min is not None and number < key.min:
        fail(f"must be >= {key.min:g} {unit} (got {shown})".replace("  ", " "))
    if key.max is not None and number > key.max:
        fail(f"must be <= {key.max:g} {unit} (got {shown})".replace("  ", " "))
    return int(value) if key.kind == "int" else number


def validate(data: dict[str, Any], where: str = CASE_FILE) -> tuple[dict, dict]:
    """Validate a parsed case dict; return (SI sections, parameter sets)."""
    allowed_top = set(SECTIONS) | {"parameters"}
    for top, value in data.items():
        if top not in allowed_top:
            raise CaseError(f"{where}: unknown section [{top}]; allowed: {', '.join(sorted(allowed_top))}"
                            + did_you_mean(top, allowed_top))
        if not isinstance(value, dict):
            raise CaseError(f"{where}: '{top}' must be a table [{top}], got {value!r}")
    sections: dict[str, dict[str, Any]] = {}
    for sname, sec in SECTIONS.items():
        given = data.get(sname, {})
        for kname in given:
            if kname not in sec.keys:
                raise CaseError(f"{where}: unknown key '{kname}' in [{sname}]; allowed: "
                                f"{', '.join(sec.keys)}" + did_you_mean(kname, sec.keys))
        out = {}
        for kname, key in sec.keys.items():
            if kname in given:
                out[kname] = _check_value(where, f"{sname}.{kname}", key, given[kname])
            elif key.required:
                raise CaseError(f"{where}: missing required key '{kname}' in [{sname}] ({key.doc})")
            elif key.default is None:
                out[kname] = None
            else:
                out[kname] = _check_value(f"{where} (default)", f"{sname}.{kname}", key, key.default)
        sections[sname] = out

    params = {name: load_set(name) for name in SET_NAMES}
    for dotted, value in data.get("parameters", {}).items():
        if isinstance(value, dict):  # [parameters.lpscl] sub-table form
            items = [(f"{dotted}.{k}", v) for k, v in value.items()]
        else:
            items = [(dotted, value)]
        for full, val in items:
            set_name, _, pname = full.partition(".")
            if set_name not in params:
                raise CaseError(f"{where}: [parameters] key '{full}': unknown parameter set '{set_name}'; "
                                f"allowed: {', '.join(SET_NAMES)}" + did_you_mean(set_name, SET_NAMES))
            if pname not in params[set_name]:
                raise CaseError(f"{where}: [parameters] key '{full}': set '{set_name}' has no parameter "
                                f"'{pname}'" + did_you_mean(pname, params[set_name]))
            p = params[set_name][pname]
            try:
                si = to_si(val, p.kind)
            except UnitError as exc:
                raise CaseError(f"{where}: [parameters] key '{full}' = {val!r}: {exc}") from None
            params[set_name][pname] = with_override(p, si)

    _derive(sections, params, where)
    return sections, params


def _derive(sections: dict, params: dict, where: str = CASE_FILE) -> None:
    """Quantities computed from others (documented where computed)."""
    dom = sections["domain"]
    if dom["electrolyte_thickness"] == "auto":
        # Pellet thickness from its mass, density and die area (BRIEF §1): 150 mg, 1.86 g/cm^3, 12 mm.
        area = math.pi * (params["cell"]["die_diameter"].value / 2) ** 2
        dom["electrolyte_thickness"] = params["cell"]["pellet_mass"].value / (
            params["lpscl"]["density"].value * area)
    if dom["height"] > dom["electrolyte_thickness"]:
        raise CaseError(f"{where}: key 'domain.height' = {dom['height']:g} m exceeds the SE thickness "
                        f"{dom['electrolyte_thickness']:g} m")
    num = sections["numerics"]
    if num["dt_min"] > num["dt_initial"] or num["dt_initial"] > num["dt_max"]:
        raise CaseError(f"{where}: numerics must satisfy dt_min <= dt_initial <= dt_max "
                        f"(got {num['dt_min']:g} s, {num['dt_initial']:g} s, {num['dt_max']:g} s)")
    # Stack pressure and temperature of the protocol are the ones used for the cell.
    params["cell"]["stack_pressure"] = Param(sections["protocol"]["stack_pressure"], "Pa", "pressure",
                                             "case protocol.stack_pressure")
    params["cell"]["temperature"] = Param(sections["protocol"]["temperature"], "K", "temperature",
                                          "case protocol.temperature")


def load_case(path: str | Path) -> Case:
    """Load and validate ``path`` (a case directory, or its case.toml)."""
    path = Path(path)
    if path.is_file() and path.name == CASE_FILE:
        path = path.parent
    if not path.exists():
        raise CaseError(f"case directory '{path}' does not exist")
    source = path / CASE_FILE
    if not source.is_file():
        raise CaseError(f"'{path}' has no {CASE_FILE}: a case directory holds a case.toml "
                        "(see cases/li2te_cu_0p5mA_1mAh/case.toml)")
    try:
        data = tomllib.loads(source.read_text())
    except tomllib.TOMLDecodeError as exc:
        raise CaseError(f"{source}: not valid TOML: {exc}") from None
    sections, params = validate(data, where=str(source))
    return Case(path=path, source_file=source, sections=sections, params=params, raw=data)
