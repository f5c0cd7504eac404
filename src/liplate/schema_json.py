"""A JSON Schema (draft 2020-12) of ``case.toml``, generated from :mod:`liplate.schema`, and the case
reference (``docs/case_reference.md``) generated from that schema.

``liplate schema`` prints the schema; editors read it to complete and check keys (VS Code with
"Even Better TOML"/Taplo: put ``#:schema ./case.schema.json`` on the first line of a case.toml, or
point a ``.taplo.toml`` ``[[rule]]`` at it). ``liplate schema --markdown`` prints the reference page.
Both come from the same :data:`liplate.schema.SECTIONS` that validates case files, so neither can drift
from what ``liplate check`` accepts: a test regenerates the page and compares.

What a JSON Schema can check: section and key names (unknown ones are errors), types, choices, ranges of
plain numbers, and that a quantity is "number unit". What it cannot: that the unit has the right
dimension and the quantity is in range; those are in each key's description and ``x-liplate``
annotation, and ``liplate check`` enforces them.
"""
from __future__ import annotations

import json
from typing import Any

SCHEMA_DRAFT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_ID = "urn:liplate:case.toml"

#: "number unit": 0.5 mA/cm^2, 1e-6 s, 30 1/mm^2, 13MPa (a unit glued to the number must start with a letter)
QUANTITY_PATTERN = r"^\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?(\s+\S.*|\s*[A-Za-z\u00b5\u03bc\u00b0%].*)$"
NUMBER_PATTERN = r"^\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$"


def _attr(key: Any, name: str, default: Any = None) -> Any:
    """A Key attribute, read defensively: Key gains fields over time (ranges, units, ...)."""
    value = getattr(key, name, default)
    return default if value is None and default is not None else value


def _practical_unit(kind: str) -> str | None:
    """The unit of a kind's example ("mA/cm^2" for current_density), None for dimensionless kinds."""
    from .units import KINDS

    if kind not in KINDS:
        return None
    example = KINDS[kind][1].split(None, 1)
    return example[1] if len(example) == 2 else None


def _show(number: float, kind: str) -> str:
    """An SI bound of a quantity key in the practical unit of its kind (SI if pint cannot convert)."""
    from .units import KINDS, ureg

    si = KINDS.get(kind, ("",))[0]
    unit = _practical_unit(kind)
    if kind in ("angle", "energy_eV") or not unit or not si:
        return f"{number:g} {si}".strip()
    try:
        return f"{ureg.Quantity(number, si).to(unit.replace('um', 'micrometer')).magnitude:.6g} {unit}"
    except Exception:  # pragma: no cover - a unit pint cannot convert: show SI
        return f"{number:g} {si}"


def range_text(key: Any) -> str:
    """The allowed range of a key in words ("> 0, <= 100 mA/cm^2"), "" when unbounded."""
    kind = _attr(key, "kind", "str")
    if kind in ("str", "bool", "choice"):
        return ""
    parts = []
    if _attr(key, "positive", False):
        parts.append("> 0")
    lo, hi = _attr(key, "min"), _attr(key, "max")
    unit_kind = kind if kind not in ("int",) else "dimensionless"
    if lo is not None and not (_attr(key, "positive", False) and lo <= 0):
        parts.append(f">= {_show(lo, unit_kind)}")
    if hi is not None:
        parts.append(f"<= {_show(hi, unit_kind)}")
    return ", ".join(parts)


def key_schema(key: Any) -> dict[str, Any]:
    """The JSON Schema of one case-file key."""
    from .units import KINDS

    kind = _attr(key, "kind", "str")
    doc = _attr(key, "doc", "") or ""
    default = _attr(key, "default")
    lo, hi, positive = _attr(key, "min"), _attr(key, "max"), _attr(key, "positive", False)
    meta: dict[str, Any] = {"kind": kind}
    s: dict[str, Any]
    if kind == "str":
        s = {"type": "string"}
    elif kind == "bool":
        s = {"type": "boolean"}
    elif kind == "choice":
        s = {"enum": list(_attr(key, "choices", ()) or ())}
    elif kind == "int":
        s = {"type": "integer"}
        if lo is not None:
            s["minimum"] = int(lo) if float(lo).is_integer() else lo
        if hi is not None:
            s["maximum"] = int(hi) if float(hi).is_integer() else hi
        if positive:
            s["exclusiveMinimum"] = 0
    elif kind == "dimensionless":
        number: dict[str, Any] = {"type": "number"}
        if lo is not None:
            number["minimum"] = lo
        if hi is not None:
            number["maximum"] = hi
        if positive:
            number["exclusiveMinimum"] = 0
        s = {"anyOf": [number, {"type": "string", "pattern": NUMBER_PATTERN}]}
    else:
        si, example = KINDS.get(kind, ("", ""))
        s = {"type": "string", "pattern": QUANTITY_PATTERN, "examples": [example] if example else []}
        meta.update({"unit_SI": si or "1", "example": example})
        if _attr(key, "per_charge", False):     # a time step that also takes a charge per area (case.py)
            meta["per_charge"] = True
    # words taken instead of a value: 'auto' (a default computed from parameters), Key.words ('continuous')
    words = ("auto",) * (default == "auto") + tuple(_attr(key, "words", ()) or ())
    if words:
        consts = [{"const": w} for w in words]
        s = {"anyOf": [*consts, s]} if "anyOf" not in s else {"anyOf": [*consts, *s["anyOf"]]}
        if _attr(key, "words", ()):
            meta["words"] = list(_attr(key, "words", ()))
    rng = range_text(key)
    if rng:
        meta["range"] = rng
    if lo is not None:
        meta["min_SI"] = lo
    if hi is not None:
        meta["max_SI"] = hi
    if positive:
        meta["positive"] = True
    unit = _practical_unit(kind) if kind in KINDS and kind != "dimensionless" else None
    words = doc
    if unit:
        words += f" [{kind.replace('_', ' ')}, e.g. {KINDS[kind][1]!r}]"
    if rng:
        words += f" (range: {rng})"
    out = {"description": words.strip(), **s}
    if default is not None:
        out["default"] = default
    if _attr(key, "required", False):
        meta["required"] = True
    for extra in ("unit", "source", "note"):          # fields Key may gain; carried when present
        value = _attr(key, extra)
        if value not in (None, ""):
            meta[extra] = value
    out["x-liplate"] = meta
    return out


def _parameters_schema() -> dict[str, Any]:
    """[parameters]: "<set>.<name>" = "value unit" overrides, or [parameters.<set>] sub-tables."""
    from .parameters import SET_NAMES, describe_set, load_set
    from .units import KINDS

    props: dict[str, Any] = {}
    for set_name in SET_NAMES:
        sub: dict[str, Any] = {}
        for name, p in load_set(set_name).items():
            example = KINDS.get(p.kind, ("", ""))[1]
            value_schema = ({"anyOf": [{"type": "number"}, {"type": "string", "pattern": NUMBER_PATTERN}]}
                            if p.kind == "dimensionless" else {"type": "string", "pattern": QUANTITY_PATTERN})
            entry = {"description": f"override of {set_name}.{name} ({p.kind.replace('_', ' ')}, SI unit "
                                    f"{p.unit or '1'}{', e.g. ' + repr(example) if example else ''}); default "
                                    f"value and source: liplate params {set_name}",
                     **value_schema, "x-liplate": {"kind": p.kind, "unit_SI": p.unit or "1"}}
            sub[name] = entry
            props[f"{set_name}.{name}"] = entry
        props[set_name] = {"type": "object", "description": describe_set(set_name), "properties": sub,
                           "additionalProperties": False}
    return {"type": "object", "description": "override any parameter of any set, with units: "
            "\"lpscl.conductivity\" = \"3.2 mS/cm\" (or a [parameters.lpscl] table); list them with "
            "liplate params", "properties": props, "additionalProperties": False}


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a case.toml, from :data:`liplate.schema.SECTIONS`."""
    from . import __version__
    from .schema import SECTIONS

    props: dict[str, Any] = {}
    required_sections = []
    conditional: list[dict[str, Any]] = []
    for sname, sec in SECTIONS.items():
        keys = {kname: key_schema(key) for kname, key in sec.keys.items()}
        required = []
        for kname, key in sec.keys.items():
            if not _attr(key, "required", False):
                continue
            readers = _models_reading(f"{sname}.{kname}")
            if readers is None:
                required.append(kname)
            else:   # required only by the models that read it (a kMC case has no capacity)
                conditional.append(_required_for_models(sname, kname, readers))
        entry: dict[str, Any] = {"type": "object", "description": _attr(sec, "doc", "") or "",
                                 "properties": keys, "additionalProperties": False}
        if required:
            entry["required"] = required
            required_sections.append(sname)
        props[sname] = entry
    props["parameters"] = _parameters_schema()
    schema = {
        "$schema": SCHEMA_DRAFT,
        "$id": SCHEMA_ID,
        "title": "liplate case.toml",
        "description": f"A liplate {__version__} case file (generated by `liplate schema` from liplate.schema). "
                       "Quantities are strings in practical units (\"0.5 mA/cm^2\"); `liplate check CASE` also "
                       "checks their dimensions and ranges.",
        "type": "object",
        "properties": props,
        "required": required_sections,
        "additionalProperties": False,
    }
    if conditional:
        schema["allOf"] = conditional
    return schema


def _models_reading(dotted: str) -> list[str] | None:
    """The models that read ``section.key`` (schema.MODEL_INPUTS), or None when every model does."""
    import fnmatch

    from .schema import MODEL_INPUTS

    readers = [m for m, inputs in MODEL_INPUTS.items()
               if any(fnmatch.fnmatchcase(dotted, p) for p in getattr(inputs, "keys", ()))]
    return None if len(readers) == len(MODEL_INPUTS) else readers


def _required_for_models(section: str, key: str, models: list[str]) -> dict[str, Any]:
    """``if case.model is one of models then [section] key is required`` (an absent model is the default)."""
    from .schema import SECTIONS

    default = _attr(SECTIONS["case"].keys["model"], "default", None)
    model_is = {"properties": {"model": {"enum": models}}}
    if default not in models:
        model_is["required"] = ["model"]
    return {"if": {"properties": {"case": model_is}},
            "then": {"required": [section], "properties": {section: {"required": [key]}}}}


def dumps(schema: dict[str, Any] | None = None) -> str:
    return json.dumps(schema or json_schema(), indent=2, ensure_ascii=False) + "\n"


# -- the case reference ----------------------------------------------------------------------------

def _cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _default_text(entry: dict[str, Any]) -> str:
    if "default" not in entry:
        return "required" if entry["x-liplate"].get("required") else "none"
    d = entry["default"]
    if isinstance(d, bool):
        return f"`{str(d).lower()}`"
    return f"`{json.dumps(d, ensure_ascii=False)}`" if isinstance(d, str) else f"`{d:g}`" if isinstance(
        d, float) else f"`{d}`"


def _type_text(entry: dict[str, Any]) -> str:
    meta = entry["x-liplate"]
    kind = meta["kind"]
    if kind == "choice":
        return "one of " + ", ".join(f"`{json.dumps(c)}`" for c in entry.get("enum", []) or
                                     next((a["enum"] for a in entry.get("anyOf", []) if "enum" in a), []))
    if kind in ("str", "bool", "int"):
        return {"str": "text", "bool": "true / false", "int": "integer"}[kind]
    if kind == "dimensionless":
        return "number"
    words = "".join(f" or `{json.dumps(w)}`" for w in meta.get("words", ()))
    if meta.get("per_charge"):
        words += " or charge per area (e.g. `30 mC/cm^2`: the time protocol.current_density takes to pass it)"
    return f"{kind.replace('_', ' ')} (e.g. `{meta.get('example', '')}`; SI {meta.get('unit_SI', '')}){words}"


def _meaning(entry: dict[str, Any]) -> str:
    """The description without the kind/range suffixes that have their own columns."""
    text = entry["description"]
    for marker in (" [", " (range:"):
        i = text.find(marker)
        if i > 0 and (marker == " (range:" or "e.g." in text[i:]):
            text = text[:i]
    return text


def markdown(schema: dict[str, Any] | None = None) -> str:
    """``docs/case_reference.md``: every section and key with its type and unit, default, range and meaning."""
    schema = schema or json_schema()
    lines = [
        "# Case file reference",
        "",
        "<!-- Generated by `liplate schema --markdown > docs/case_reference.md` from liplate.schema; do not "
        "edit by hand (tests/unit/test_schema_json.py fails when this file is out of date). -->",
        "",
        "Every section and key a `case.toml` may hold: its type and unit, default, allowed range and meaning.",
        "Quantities are strings in practical units (`\"0.5 mA/cm^2\"`, `\"13 MPa\"`, `\"2 um\"`), converted to SI",
        "once at load; ranges are shown in the unit of the example. Unknown sections and keys are errors.",
        "`liplate check CASE` validates a case; `liplate schema` prints the JSON Schema this page is generated",
        "from (for editors: `liplate schema > case.schema.json`, then `#:schema ./case.schema.json` on the",
        "first line of a case.toml gives completion and checks in VS Code with Even Better TOML / Taplo).",
        "",
    ]
    props = schema["properties"]
    lines.append("Sections: " + ", ".join(f"[`[{s}]`](#{s})" for s in props) + ".")
    lines.append("")
    for sname, sec in props.items():
        if sname == "parameters":
            continue
        lines += [f"## [{sname}]", "", _cell(sec.get("description", "")).rstrip(".") + ".", ""]
        if sec.get("required"):
            lines += ["Required keys: " + ", ".join(f"`{k}`" for k in sec["required"]) + ".", ""]
        lines += ["| key | type and unit | default | range | meaning |", "|---|---|---|---|---|"]
        for kname, entry in sec["properties"].items():
            rng = entry["x-liplate"].get("range", "")
            lines.append(f"| `{kname}` | {_cell(_type_text(entry))} | {_cell(_default_text(entry))} | "
                         f"{_cell(rng)} | {_cell(_meaning(entry))} |")
        lines.append("")
    par = props["parameters"]
    lines += ["## [parameters]", "", _cell(par["description"]).rstrip(".") + ".",
              "Default values and their sources: `liplate params [SET]`.", ""]
    for set_name, sub in par["properties"].items():
        if "." in set_name:
            continue
        lines += [f"### {set_name}", "", _cell(sub.get("description", "")).rstrip(".") + ".", "",
                  "| key | kind | SI unit |", "|---|---|---|"]
        for name, entry in sub["properties"].items():
            meta = entry["x-liplate"]
            lines.append(f"| `\"{set_name}.{name}\"` | {meta['kind'].replace('_', ' ')} | {meta['unit_SI']} |")
        lines.append("")
    return "\n".join(lines)
