"""Find, load and validate a case directory; convert every value to SI once.

A case directory holds ``case.toml``. :func:`load_case` returns a :class:`Case` whose numbers
are SI floats, or raises :class:`CaseError` naming the file, the key, the value and what is
allowed, before anything is computed.
"""
from __future__ import annotations

import difflib
import fnmatch
import json
import math
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import __version__
from .io.summary import COUNTER_EXHAUSTED
from .io.summary import read as read_json
from .parameters import SET_NAMES, SUBSTRATES, Param, load_set, with_override
from .parameters.ranges import RANGES
from .physics.constants import FARADAY
from .schema import MODEL_INPUTS, REPLACED_BY_KEY, SECTIONS, Key
from .units import C_M2_PER_MAH_CM2, KINDS, M_PER_UM, UnitError, readable_unit, shown_as, to_si
from .units import _split as units_split

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

    def plating_limit(self) -> tuple[float, str | None]:
        """(charge per area, C/m^2, at which the run stops, why): :func:`plating_limit`."""
        return plating_limit(self.sections, self.params)

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
        raise CaseError(f"{where}: key '{name}' = {_shown(value)}: {msg}")

    if key.kind == "str":
        if not isinstance(value, str):
            fail("expected a string")
        return value
    if key.kind == "bool":
        if not isinstance(value, bool):
            fail("expected true or false")
        return value
    if key.kind == "choice":
        if not isinstance(value, str) or value not in key.choices:
            fail(f"allowed: {', '.join(repr(c) for c in key.choices)}"
                 + (did_you_mean(value, key.choices) if isinstance(value, str) else ""))
        return value
    if key.kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            fail("expected an integer" + (f" {_allowed(key)[0]}" if key.min is not None or key.max is not None
                                          else ""))
        number = float(value)
    else:
        if key.default == "auto" and value == "auto":
            return "auto"
        if isinstance(value, str) and value in key.words:
            return value
        try:
            number = to_si(value, key.kind)
        except UnitError as exc:
            words = ("auto",) * (key.default == "auto") + key.words
            fail(str(exc) + "".join(f"; or {w!r}" for w in words)
                 + ("; or a charge per area such as '0.0083 mAh/cm^2' (the step that passes it at "
                    "protocol.current_density)" if key.per_charge else "")
                 + (did_you_mean(value, words) if isinstance(value, str) else ""))
    if not math.isfinite(number):
        fail("must be a finite number")
    low = (key.positive and number <= 0) or (key.min is not None and number < key.min)
    high = key.max is not None and (number >= key.max if key.max_open else number > key.max)
    if low or high:
        allowed, unit = _allowed(key, value)
        written = _split_unit(value)
        got = f" (= {shown_as(number, key.kind, unit)})" if unit and written != unit else ""
        fail(f"must be {allowed}{got}; {key.doc}")
    return int(value) if key.kind == "int" else number


def _is_charge(value: Any) -> bool:
    """Whether ``value`` is written as a charge per area ("0.0083 mAh/cm^2")."""
    try:
        to_si(value, "areal_capacity")
    except UnitError:
        return False
    return True


def _check_charge_step(where: str, name: str, key: Key, value: Any, current_density: Any) -> float:
    """A time step given as a charge per area (a ``per_charge`` key): the time (s) the applied current density
    (SI, validated before [numerics]) takes to pass it, checked against the key's bounds in seconds."""
    if not isinstance(current_density, float) or current_density <= 0.0:
        raise CaseError(f"{where}: key '{name}' = {_shown(value)}: a charge per area needs a valid "
                        "protocol.current_density (the step is the time that current takes to pass it); "
                        f"or give a time, e.g. {KINDS['time'][1]!r}")
    seconds = to_si(value, "areal_capacity") / current_density
    as_time = f"{seconds!r} s"
    try:
        return _check_value(where, name, key, as_time)
    except CaseError as exc:
        msg = str(exc).removeprefix(f"{where}: key '{name}' = {_shown(as_time)}: ")
        raise CaseError(f"{where}: key '{name}' = {_shown(value)} (= {seconds:g} s at protocol.current_density "
                        f"= {shown_as(current_density, 'current_density', 'mA/cm^2')}): {msg}") from None


def _shown(value: Any) -> str:
    """A value as the user wrote it (TOML-like), for messages."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value)


def _allowed(key: Key, like: Any = None) -> tuple[str, str]:
    """(">= 10 um and <= 1e+04 um", "um"): a key's bounds, in the unit of ``like`` (the value as written)
    where that reads well (units.readable_unit), and that unit ("" for ints and when there are no bounds)."""
    kind = key.kind if key.kind in KINDS else "dimensionless"
    lo = 0.0 if key.positive and (key.min is None or key.min <= 0) else key.min
    bounds = [b for b in (lo, key.max) if b is not None]
    unit = "" if key.kind == "int" else readable_unit(bounds, kind, like)

    def bound(x: float) -> str:
        return f"{x:g}" if key.kind == "int" else shown_as(x, kind, unit)

    parts = []
    if lo is not None:
        parts.append(f"{'>' if lo == 0.0 and key.positive else '>='} {bound(lo)}")
    if key.max is not None:
        parts.append(f"{'<' if key.max_open else '<='} {bound(key.max)}")
    return " and ".join(parts), unit


def _split_unit(value: Any) -> str | None:
    """The unit of a value as written ("mA/cm^2" of "-1 mA/cm^2"), or None."""
    try:
        return units_split(value, "")[1] if isinstance(value, str) else None
    except UnitError:
        return None


def _matches(name: str, patterns, substrate: str | None) -> bool:
    return any(fnmatch.fnmatchcase(name, pat.replace("{substrate}", substrate or "?")) for pat in patterns)


def _condition(name: str, inputs, substrate: str | None):
    """The :class:`~liplate.schema.When` under which ``name`` has an effect on the model, or None (always)."""
    for pattern, cond in inputs.conditions.items():
        if fnmatch.fnmatchcase(name, pattern.replace("{substrate}", substrate or "?")):
            return cond
    return None


def _getter(given: dict):
    """get("section.key") -> the value as written in the file, else the schema default."""
    def get(dotted: str):
        sname, _, kname = dotted.partition(".")
        if kname in given.get(sname, {}):
            return given[sname][kname]
        return SECTIONS[sname].keys[kname].default
    return get


def validate(data: dict[str, Any], where: str = CASE_FILE) -> tuple[dict, dict]:
    """Validate a parsed case dict; return (SI sections, parameter sets).

    Every error of the file is collected, then all are raised together as one :class:`CaseError`
    (one line each, naming the file, the key, the value and what is allowed)."""
    errors: list[str] = []

    def check(func, *args):
        try:
            return func(*args)
        except CaseError as exc:
            errors.append(str(exc))
            return _INVALID

    allowed_top = set(SECTIONS) | {"parameters"}
    given: dict[str, dict] = {}
    for top, value in data.items():
        if top not in allowed_top:
            errors.append(f"{where}: unknown section [{top}]; allowed: {', '.join(sorted(allowed_top))}"
                          + did_you_mean(top, allowed_top))
        elif not isinstance(value, dict):
            errors.append(f"{where}: '{top}' = {_shown(value)}: must be a table [{top}]")
        else:
            given[top] = value

    model = given.get("case", {}).get("model", SECTIONS["case"].keys["model"].default)
    inputs = MODEL_INPUTS.get(model) if isinstance(model, str) else None
    substrate = given.get("case", {}).get("substrate")
    substrate = substrate if substrate in SUBSTRATES else None

    sections: dict[str, dict[str, Any]] = {}
    for sname, sec in SECTIONS.items():
        sgiven = given.get(sname, {})
        for kname in sgiven:
            if kname not in sec.keys:
                errors.append(f"{where}: unknown key '{kname}' in [{sname}]; allowed: "
                              f"{', '.join(sec.keys)}" + did_you_mean(kname, sec.keys))
        out = {}
        for kname, key in sec.keys.items():
            dotted = f"{sname}.{kname}"
            read = inputs is None or _matches(dotted, inputs.keys, substrate)
            if kname in sgiven and key.per_charge and _is_charge(sgiven[kname]):
                out[kname] = check(_check_charge_step, where, dotted, key, sgiven[kname],
                                   sections.get("protocol", {}).get("current_density"))
            elif kname in sgiven:
                out[kname] = check(_check_value, where, dotted, key, sgiven[kname])
            elif key.required and read:
                errors.append(f"{where}: missing required key '{kname}' in [{sname}] ({key.doc})")
                out[kname] = _INVALID
            elif key.default is None:
                out[kname] = None
            else:
                out[kname] = _check_value(f"{where} (default)", dotted, key, key.default)
        sections[sname] = out

    # Keys the chosen model never reads would be silently ignored.
    if inputs is not None:
        for sname, sgiven in given.items():
            if sname == "parameters" or sname not in SECTIONS:
                continue
            for kname, value in sgiven.items():
                dotted = f"{sname}.{kname}"
                if kname not in SECTIONS[sname].keys or sections[sname].get(kname) is _INVALID:
                    continue
                if not _matches(dotted, inputs.keys, substrate):
                    errors.append(f"{where}: key '{dotted}' = {_shown(value)}: has no effect on the {model!r} "
                                  f"model (it reads {_section_keys(sname, inputs, substrate)}); remove it"
                                  + _other_models(dotted, substrate))
                    continue
                cond = _condition(dotted, inputs, substrate)
                if cond and not cond.test(_getter(given)):
                    errors.append(f"{where}: key '{dotted}' = {_shown(value)}: has no effect on the {model!r} "
                                  f"model unless {cond.text}; remove it")
        if substrate and substrate not in inputs.substrates:
            errors.append(f"{where}: key 'case.substrate' = {_shown(substrate)}: the {model!r} model allows "
                          f"{', '.join(repr(s) for s in inputs.substrates)}: {inputs.substrate_reason}")

    params = {name: load_set(name) for name in SET_NAMES}
    for dotted, value in given.get("parameters", {}).items():
        if isinstance(value, dict):  # [parameters.lpscl] sub-table form
            items = [(f"{dotted}.{k}", v) for k, v in value.items()]
        else:
            items = [(dotted, value)]
        for full, val in items:
            errors.extend(_override(params, full, val, where, inputs, model, substrate, sections, given))

    if not errors:
        check(_derive, sections, params, where, inputs, given)
    if errors:
        raise CaseError("\n".join(errors))
    return sections, params


_INVALID = object()   # placeholder of a value that did not validate (its error is already collected)


def _section_keys(sname: str, inputs, substrate) -> str:
    read = [k for k in SECTIONS[sname].keys if _matches(f"{sname}.{k}", inputs.keys, substrate)]
    return f"[{sname}] {', '.join(read)}" if read else f"nothing in [{sname}]"


def _other_models(dotted: str, substrate, parameter: bool = False) -> str:
    users = [m for m, inp in MODEL_INPUTS.items()
             if _matches(dotted, inp.parameters if parameter else inp.keys, substrate)]
    return f" (read by the {' and '.join(repr(m) for m in users)} model{'s' if len(users) > 1 else ''})" \
        if users else " (no model reads it)"


def _override(params, full: str, val: Any, where: str, inputs, model, substrate, sections, given) -> list[str]:
    """Apply one [parameters] override to ``params``; return its errors."""
    set_name, _, pname = full.partition(".")
    head = f"{where}: [parameters] key '{full}' = {_shown(val)}"
    if set_name not in params:
        return [f"{where}: [parameters] key '{full}': unknown parameter set '{set_name}'; "
                f"allowed: {', '.join(SET_NAMES)}" + did_you_mean(set_name, SET_NAMES)]
    if pname not in params[set_name]:
        return [f"{where}: [parameters] key '{full}': set '{set_name}' has no parameter "
                f"'{pname}'; allowed: {', '.join(params[set_name])}" + did_you_mean(pname, params[set_name])]
    if full in REPLACED_BY_KEY:
        return [f"{head}: set by the case key {REPLACED_BY_KEY[full]} (which replaces it); write that key instead"]
    p = params[set_name][pname]
    try:
        si = to_si(val, p.kind)
    except UnitError as exc:
        return [f"{head}: {exc}"]
    rng = RANGES.get(full)
    if rng and rng.violation(si) is not None:
        kind = p.kind if p.kind in KINDS else "dimensionless"
        unit = readable_unit([b for b in (rng.min, rng.max) if b is not None], kind, val)
        got = f" (= {shown_as(si, kind, unit)})" if unit and _split_unit(val) != unit else ""
        return [f"{head}: {rng.violation(si, unit, lambda x: shown_as(x, kind, unit))}{got}"]
    errors = []
    if inputs is not None:
        if not _matches(full, inputs.parameters, substrate):
            if set_name in SUBSTRATES and set_name != substrate and _matches(
                    full, inputs.parameters, set_name):
                why = f" (a parameter of the {set_name!r} collector; this case has substrate = {substrate!r})"
            else:
                why = _other_models(full, substrate, parameter=True)
            errors.append(f"{head}: has no effect on the {model!r} model; remove it{why}")
        else:
            cond = _condition(f"parameters {full}", inputs, substrate)
            if cond and not cond.test(_getter(given)):
                errors.append(f"{head}: has no effect on the {model!r} model unless {cond.text}; remove it")
    params[set_name][pname] = with_override(p, si)
    return errors


def _derive(sections: dict, params: dict, where: str = CASE_FILE, inputs=None, given=None) -> None:
    """Quantities computed from others (documented where computed), and checks between keys."""
    reads = (lambda dotted: True) if inputs is None else (lambda dotted: _matches(dotted, inputs.keys, None))
    given = given or {}

    def shown(dotted: str, si_text: str) -> str:
        """The value as written in the file, or (a default) in SI."""
        sname, _, kname = dotted.partition(".")
        if kname not in given.get(sname, {}):
            return f"{si_text} (default)"
        value = given[sname][kname]
        return _shown(value) + (f" (= {si_text})" if _is_charge(value) else "")

    errors = []
    dom = sections["domain"]
    if dom["electrolyte_thickness"] == "auto":
        # Pellet thickness from its mass, density and die area (BRIEF §1): 150 mg, 1.86 g/cm^3, 12 mm.
        area = math.pi * (params["cell"]["die_diameter"].value / 2) ** 2
        dom["electrolyte_thickness"] = params["cell"]["pellet_mass"].value / (
            params["lpscl"]["density"].value * area)
    height = shown("domain.height", f"{dom['height'] / M_PER_UM:g} um")
    if reads("domain.height") and dom["height"] > dom["electrolyte_thickness"]:
        errors.append(f"{where}: key 'domain.height' = {height}: "
                      f"must be <= the SE thickness domain.electrolyte_thickness = "
                      f"{dom['electrolyte_thickness'] / M_PER_UM:.4g} um (the window is part of the pellet)")
    num = sections["numerics"]
    if num["dt_min"] > num["dt_initial"] or num["dt_initial"] > num["dt_max"]:
        values = ", ".join(shown(f"numerics.{k}", f"{num[k]:g} s") for k in ("dt_min", "dt_initial", "dt_max"))
        errors.append(f"{where}: keys 'numerics.dt_min', 'numerics.dt_initial', 'numerics.dt_max' = {values}: "
                      "must be dt_min <= dt_initial <= dt_max")
    late = [k for k in ("dt_max_late", "late_capacity") if num.get(k) is not None]
    if len(late) == 1:
        other = "late_capacity" if late[0] == "dt_max_late" else "dt_max_late"
        errors.append(f"{where}: key 'numerics.{late[0]}' = {_shown(given['numerics'][late[0]])} without "
                      f"'numerics.{other}': give both (the step cap numerics.dt_max_late from the passed capacity "
                      "numerics.late_capacity on) or neither")
    elif late and num["dt_max_late"] < num["dt_min"]:
        late_shown = shown("numerics.dt_max_late", f"{num['dt_max_late']:g} s")
        errors.append(f"{where}: key 'numerics.dt_max_late' = {late_shown}: "
                      f"must be >= numerics.dt_min = {num['dt_min']:g} s")
    prot = sections["protocol"]
    if reads("protocol.capacity") and prot["capacity"] is not None:
        # The deposit can grow to the protocol's capacity or to the counter electrode's Li, whichever is less.
        q_stop, _ = plating_limit(sections, params)
        pf = sections.get("phasefield", {})
        if reads("phasefield.fine_layer_height") and pf.get("fine_layer_height") is not None:
            if pf["fine_cell_height"] > pf["fine_layer_height"] or pf["fine_layer_height"] > dom["height"]:
                values = ", ".join(shown(k, f"{v / M_PER_UM:g} um") for k, v in (
                    ("phasefield.fine_cell_height", pf["fine_cell_height"]),
                    ("phasefield.fine_layer_height", pf["fine_layer_height"]), ("domain.height", dom["height"])))
                errors.append(f"{where}: keys 'phasefield.fine_cell_height', 'phasefield.fine_layer_height', "
                              f"'domain.height' = {values}: must be fine_cell_height <= fine_layer_height <= height")
            h_faraday = q_stop * params["li"]["molar_volume"].value / FARADAY
            if h_faraday >= dom["height"]:
                limit = ("" if q_stop == prot["capacity"] else
                         f", limited by the counter electrode's Li, {q_stop / C_M2_PER_MAH_CM2:.3g} mAh/cm^2")
                errors.append(f"{where}: key 'domain.height' = {height}: "
                              f"must exceed the deposit, {h_faraday / M_PER_UM:.3g} um of Li for protocol.capacity = "
                              f"{shown('protocol.capacity', '')}{limit} (the deposit grows inside the window)")
    k = sections.get("kmc", {})
    if reads("kmc.ratio_min") and k.get("mode") == "sweep" and k["ratio_min"] > k["ratio_max"]:
        values = ", ".join(shown(f"kmc.{n}", f"{k[n]:g}") for n in ("ratio_min", "ratio_max"))
        errors.append(f"{where}: keys 'kmc.ratio_min', 'kmc.ratio_max' = {values}: must be ratio_min <= ratio_max")
    if errors:
        raise CaseError("\n".join(errors))
    # Stack pressure and temperature of the protocol are the ones used for the cell.
    params["cell"]["stack_pressure"] = Param(sections["protocol"]["stack_pressure"], "Pa", "pressure",
                                             "case protocol.stack_pressure")
    params["cell"]["temperature"] = Param(sections["protocol"]["temperature"], "K", "temperature",
                                          "case protocol.temperature")


def counter_li_charge(params: dict) -> float:
    """Charge per area (C/m^2) the Li foil counter electrode can give: its usable thickness h (parameter
    cell.counter_li_thickness) stripped at F / V_m, q = h F / V_m (70 um: 14.4 mAh/cm^2)."""
    return params["cell"]["counter_li_thickness"].value / params["li"]["molar_volume"].value * FARADAY


def plating_limit(sections: dict, params: dict) -> tuple[float, str | None]:
    """(charge per area at which a galvanostatic run stops, why): the protocol's capacity, or the counter
    electrode's Li (:func:`counter_li_charge`) when that comes first or the capacity is 'continuous'; the reason is
    :data:`COUNTER_EXHAUSTED` then, None for the capacity. A short circuit can end the run earlier (stepping.py)."""
    q_counter = counter_li_charge(params)
    capacity = sections["protocol"]["capacity"]
    if capacity == "continuous" or capacity > q_counter:
        return q_counter, COUNTER_EXHAUSTED
    return capacity, None


def read_toml(source: Path, error=None) -> dict[str, Any]:
    """Parse a TOML file (case or sweep) with one-line errors: not readable, not UTF-8, not TOML.

    A UTF-8 byte-order mark (written by some Windows editors) is accepted and ignored."""
    error = error or CaseError
    try:
        raw = source.read_bytes()
    except OSError as exc:
        raise error(f"{source}: cannot be read ({exc.strerror})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise error(f"{source}: not UTF-8 text: byte 0x{raw[exc.start]:02x} at line {line} (offset {exc.start}); "
                    "save the file as UTF-8") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise error(f"{source}: not valid TOML: {exc}") from None


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
    data = read_toml(source)
    out = path / "output"
    if out.exists() and not out.is_dir():
        raise CaseError(f"{out}: exists and is not a directory; liplate writes the results of {source} there: "
                        "rename or remove it")
    sections, params = validate(data, where=str(source))
    return Case(path=path, source_file=source, sections=sections, params=params, raw=data)
