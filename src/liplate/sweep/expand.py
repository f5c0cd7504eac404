"""Sweep files: read one, expand it into points, write one case directory per point. No MPI here.

A sweep file (TOML) names a base case and the values that change::

    base = "../li2te_cu_0p5mA_1mAh"        # case directory (or its case.toml), relative to this file
    runs = "runs"                          # where the case directories go (default "runs")
    timeout = "2 h"                        # optional: wall-clock limit per case

    [common]                               # every point: overrides of the base
    "domain.cells_x" = 8

    [product]                              # every combination of these lists
    "protocol.current_density" = ["0.5 mA/cm^2", "1 mA/cm^2"]
    "case.substrate" = ["cu", "li2te_cu"]

    [zip]                                  # lists of equal length, paired element by element;
    "protocol.capacity" = ["1 mAh/cm^2", "2 mAh/cm^2"]          # the pairs act as one more axis
    "numerics.dt_max" = ["600 s", "300 s"]

    [[cases]]                              # explicit points, added after the grid
    name = "thin_pellet"                   # optional directory name
    "parameters.cell.pellet_mass" = "100 mg"

A ``[[cases]]`` table may name its own base (``base = "../cu_5mA_1mAh"``, relative to this file): the point is
that case with the table's values (none: the case as it is, named after its directory). A sweep whose
``[[cases]]`` all have their own base needs no top-level ``base``: it runs a list of existing case directories.

Keys are dotted paths into ``case.toml`` (``section.key`` or ``parameters.<set>.<name>``);
values are written exactly as in a case file, units included. Several zip groups are written as
``[[zip]]`` tables. The grid is the product of the ``[product]`` lists and the zip groups, in
file order, the first axis varying slowest; the ``[[cases]]`` points follow it.

A point's directory is named from the values it sets, e.g.
``current_density_0.5mA_per_cm2__substrate_cu``.
"""
from __future__ import annotations

import hashlib
import itertools
import json
import math
import re
import sys
from copy import deepcopy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib  # noqa: F401 (liplate.sweep.plan reads case files with it)
else:  # pragma: no cover
    import tomli as tomllib  # noqa: F401

SWEEP_KEYS = ("base", "runs", "title", "timeout", "common", "product", "zip", "cases")
MAX_NAME = 120


class SweepError(ValueError):
    """A sweep file that cannot be expanded, with a message a user can act on."""


@dataclass
class Point:
    """One case of a sweep: its directory name and the values it sets (dotted path -> raw value)."""

    name: str
    values: dict[str, Any]
    explicit_name: bool = False
    #: a [[cases]] point's own base case (``base = "../dir"`` in the table): its directory and case file
    base_dir: Path | None = None
    base: dict[str, Any] | None = None


@dataclass
class Sweep:
    file: Path
    base_dir: Path
    base: dict[str, Any]
    runs_dir: Path
    common: dict[str, Any]
    points: list[Point]
    title: str = ""
    timeout_s: float | None = None
    axes: list[str] = field(default_factory=list)

    @property
    def root(self) -> Path:
        """Directory holding the sweep file; results.csv and results.json go here."""
        return self.file.parent

    def case_dict(self, point: Point) -> dict[str, Any]:
        """The base case with ``[common]`` and the point's values applied."""
        data = _normalise_parameters(deepcopy(point.base if point.base is not None else self.base))
        for path, value in itertools.chain(self.common.items(), point.values.items()):
            set_path(data, path, value)
        case = data.setdefault("case", {})
        if point.base is not None and not point.values:
            pass                # an existing case directory run as it is: its own title
        elif "case.title" not in point.values and "case.title" not in self.common:
            label = ", ".join(f"{short} = {point.values[p]}" for p, short in _short_names(point.values).items())
            # Not the base's title: it often names the very values the sweep changes.
            head = self.title or f"sweep {self.file.parent.name}"
            case["title"] = f"{head} [{label}]" if label else head
        return data

    def case_text(self, point: Point) -> str:
        """``case.toml`` of a point, with a header saying where it came from."""
        base_dir = point.base_dir if point.base_dir is not None else self.base_dir
        header = (f"# Written by 'liplate sweep' from {self.file.name} (base: {_rel(base_dir, self.root)}).\n"
                  "# Edit the sweep file, not this file: the next sweep run rewrites it.\n\n")
        return header + dumps_toml(self.case_dict(point))


def _rel(path: Path, start: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(Path(start).resolve()))
    except ValueError:
        import os
        return os.path.relpath(Path(path).resolve(), Path(start).resolve())


# --- reading ----------------------------------------------------------------------------------


def _flatten(table: dict[str, Any], where: str, prefix: str = "") -> dict[str, Any]:
    """Nested tables -> dotted paths, so ``protocol.current_density = ...`` and
    ``"protocol.current_density" = ...`` mean the same."""
    out: dict[str, Any] = {}
    for key, value in table.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flatten(value, where, prefix=f"{path}."))
        else:
            out[path] = value
    return out


def check_path(path: str, where: str) -> None:
    """Raise :class:`SweepError` unless ``path`` names a case-file key."""
    from ..case import did_you_mean as hint
    from ..parameters import SET_NAMES, load_set
    from ..schema import SECTIONS

    parts = path.split(".")
    top = parts[0]
    if top == "parameters":
        if len(parts) != 3:
            raise SweepError(f"{where}: key '{path}': parameters are written 'parameters.<set>.<name>', "
                             "e.g. 'parameters.lpscl.conductivity'")
        _, set_name, pname = parts
        if set_name not in SET_NAMES:
            raise SweepError(f"{where}: key '{path}': unknown parameter set '{set_name}'; allowed: "
                             f"{', '.join(SET_NAMES)}" + hint(set_name, SET_NAMES))
        names = load_set(set_name)
        if pname not in names:
            raise SweepError(f"{where}: key '{path}': set '{set_name}' has no parameter '{pname}'"
                             + hint(pname, names))
        return
    if top not in SECTIONS:
        allowed = [*SECTIONS, "parameters"]
        raise SweepError(f"{where}: key '{path}': unknown section '{top}'; allowed: {', '.join(allowed)}"
                         + hint(top, allowed))
    if len(parts) != 2 or parts[1] not in SECTIONS[top].keys:
        name = ".".join(parts[1:])
        raise SweepError(f"{where}: key '{path}': [{top}] has no key '{name}'; allowed: "
                         f"{', '.join(SECTIONS[top].keys)}" + hint(name, SECTIONS[top].keys))


def _check_scalar(path: str, value: Any, where: str) -> None:
    if isinstance(value, (dict, list)):
        raise SweepError(f"{where}: key '{path}' = {value!r}: expected one value (a string with units, "
                         "a number, true/false)")


def _axis_lists(table: dict[str, Any], where: str) -> dict[str, list]:
    out = {}
    for path, values in _flatten(table, where).items():
        check_path(path, where)
        if not isinstance(values, list) or not values:
            raise SweepError(f"{where}: key '{path}' = {values!r}: expected a non-empty list of values, "
                             f"e.g. [\"0.5 mA/cm^2\", \"1 mA/cm^2\"]")
        for v in values:
            _check_scalar(path, v, where)
        out[path] = values
    return out


def load_sweep(file: str | Path, check: bool = True) -> Sweep:
    """Read and expand a sweep file; raise :class:`SweepError` for anything wrong with it.

    With ``check`` (the default) the case of every point is validated exactly as a case file is, and
    all errors of all points are raised together (:func:`check_points`): a sweep with one bad value is
    rejected before anything is written. ``check=False`` only expands.
    """
    file = Path(file)
    if file.is_dir():
        file = file / "sweep.toml"
    if not file.is_file():
        raise SweepError(f"sweep file '{file}' does not exist")
    from ..case import read_toml

    data = read_toml(file, SweepError)
    where = str(file)
    for key in data:
        if key not in SWEEP_KEYS:
            from ..case import did_you_mean

            raise SweepError(f"{where}: unknown key '{key}'; allowed: {', '.join(SWEEP_KEYS)}"
                             + did_you_mean(key, SWEEP_KEYS, n=2))
    explicit = data.get("cases", [])
    if not isinstance(explicit, list) or not all(isinstance(c, dict) for c in explicit):
        raise SweepError(f"{where}: 'cases' must be tables [[cases]]")
    own_bases = explicit and all("base" in c for c in explicit) and not data.get("product") and not data.get("zip")
    if "base" not in data and not own_bases:
        raise SweepError(f"{where}: missing 'base', the case directory every point starts from, "
                         "e.g. base = \"../li2te_cu_0p5mA_1mAh\" (or a 'base' in every [[cases]] table)")
    base_dir, base = (_read_base(file, data["base"], where) if "base" in data else (file.parent, {}))

    timeout_s = None
    if data.get("timeout") is not None:
        from ..units import UnitError, to_si
        try:
            timeout_s = to_si(data["timeout"], "time")
        except UnitError as exc:
            raise SweepError(f"{where}: timeout = {data['timeout']!r}: {exc}") from None
        if not timeout_s > 0:
            raise SweepError(f"{where}: timeout = {data['timeout']!r}: must be > 0")

    common = {}
    for path, value in _flatten(_table(data, "common", where), where).items():
        check_path(path, where)
        _check_scalar(path, value, where)
        common[path] = value

    # The grid: each [product] list is an axis; each zip group is one axis of tuples.
    axes: list[list[dict[str, Any]]] = []
    axis_paths: list[str] = []
    for path, values in _axis_lists(_table(data, "product", where), f"{where} [product]").items():
        axes.append([{path: v} for v in values])
        axis_paths.append(path)
    zip_data = data.get("zip", [])
    groups = [zip_data] if isinstance(zip_data, dict) else zip_data
    if not isinstance(groups, list) or not all(isinstance(g, dict) for g in groups):
        raise SweepError(f"{where}: 'zip' must be a table [zip] or tables [[zip]]")
    for i, group in enumerate(groups):
        gw = f"{where} [zip]" if len(groups) == 1 else f"{where} [[zip]] #{i + 1}"
        lists = _axis_lists(group, gw)
        if not lists:
            continue
        lengths = {p: len(v) for p, v in lists.items()}
        if len(set(lengths.values())) != 1:
            raise SweepError(f"{gw}: lists to pair must have equal lengths; got "
                             + ", ".join(f"{p}: {n}" for p, n in lengths.items()))
        n = next(iter(lengths.values()))
        axes.append([{p: lists[p][k] for p in lists} for k in range(n)])
        axis_paths.extend(lists)
    dup = sorted({p for p in axis_paths if axis_paths.count(p) > 1} | (set(axis_paths) & set(common)))
    if dup:
        raise SweepError(f"{where}: key(s) {', '.join(dup)} set in more than one of [common], [product], [zip]")

    points: list[Point] = []
    if axes:
        for combo in itertools.product(*axes):
            values: dict[str, Any] = {}
            for part in combo:
                values.update(part)
            points.append(Point("", values))

    for i, entry in enumerate(explicit):
        cw = f"{where} [[cases]] #{i + 1}"
        entry = dict(entry)
        name = entry.pop("name", None)
        own = None
        if "base" in entry:         # a point with its own base case (e.g. an existing case directory, run as is)
            own = _read_base(file, entry.pop("base"), cw)
            if name is None:
                name = own[0].name
        values = {}
        for path, value in _flatten(entry, cw).items():
            check_path(path, cw)
            _check_scalar(path, value, cw)
            values[path] = value
        if name is not None:
            if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._+=-]*", name):
                raise SweepError(f"{cw}: name = {name!r}: use letters, digits and . _ + = - only")
            points.append(Point(name, values, explicit_name=True, base_dir=own and own[0], base=own and own[1]))
        else:
            points.append(Point("", values))
        axis_paths.extend(p for p in values if p not in axis_paths)

    if not points:
        raise SweepError(f"{where}: no points: give lists under [product] or [zip], or [[cases]] tables")
    _name_points(points)
    runs = data.get("runs", "runs")
    if not isinstance(runs, str) or not runs:
        raise SweepError(f"{where}: runs = {runs!r}: expected a directory name")
    title = data.get("title", "")
    sweep = Sweep(file=file, base_dir=base_dir, base=base, runs_dir=file.parent / runs, common=common,
                  points=points, title=str(title), timeout_s=timeout_s, axes=axis_paths)
    if check:
        check_points(sweep)
    return sweep


def _read_base(file: Path, base: Any, where: str) -> tuple[Path, dict[str, Any]]:
    """(directory, case-file dict) of a base case named relative to the sweep file."""
    from ..case import read_toml

    base_dir = file.parent / str(base)
    if base_dir.is_file():
        base_dir = base_dir.parent
    base_file = base_dir / "case.toml"
    if not base_file.is_file():
        raise SweepError(f"{where}: base = {base!r}: no case.toml in '{base_dir}'")
    return base_dir, read_toml(base_file, SweepError)


def check_points(sweep: Sweep) -> None:
    """Validate the case of every point as a case file is validated; raise one :class:`SweepError` listing
    every error of every point (an error shared by all points once), before anything is written."""
    from ..case import CaseError, validate

    where = str(sweep.file)
    by_message: dict[str, list[str]] = {}
    for point in sweep.points:
        try:
            validate(sweep.case_dict(point), where=where)
        except CaseError as exc:
            for line in str(exc).splitlines():
                message = line[len(where) + 2:] if line.startswith(where + ": ") else line
                by_message.setdefault(message, []).append(point.name)
    if not by_message:
        return
    lines = []
    n = len(sweep.points)
    for message, names in by_message.items():
        if len(names) == n and n > 1:
            lines.append(f"{where}: every point: {message}")
        else:
            lines.extend(f"{where}: point '{name}': {message}" for name in names)
    raise SweepError("\n".join(lines))


def _table(data: dict, key: str, where: str) -> dict:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise SweepError(f"{where}: '{key}' must be a table [{key}]")
    return value


# --- names ------------------------------------------------------------------------------------


def _short_names(values: dict[str, Any]) -> dict[str, str]:
    """Shortest unambiguous tail of each dotted path: 'protocol.current_density' -> 'current_density'."""
    out = {}
    paths = list(values)
    for p in paths:
        parts = p.split(".")
        for n in range(1, len(parts) + 1):
            tail = ".".join(parts[-n:])
            if not any(q != p and (q == tail or q.endswith("." + tail)) for q in paths):
                break
        out[p] = tail.replace(".", "_")
    return out


def slug(value: Any) -> str:
    """A value as a piece of a directory name: '0.5 mA/cm^2' -> '0.5mA_per_cm2'; a space between two digits
    stays a separator, '0.25 1/s' -> '0.25_1_per_s' (not '0.251_per_s', which reads as another number)."""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, float):
        text = repr(value)
    else:
        text = str(value)
    text = re.sub(r"(?<=\d)\s+(?=\d)", "_", text)
    text = text.replace("µ", "u").replace("μ", "u").replace(" ", "").replace("/", "_per_").replace("^", "")
    text = text.replace("*", "")
    text = re.sub(r"[^A-Za-z0-9._+-]+", "_", text).strip("_")
    return text or "empty"


def point_name(values: dict[str, Any]) -> str:
    if not values:
        return "base"
    short = _short_names(values)
    name = "__".join(f"{short[p]}_{slug(v)}" for p, v in values.items())
    if len(name) > MAX_NAME:
        digest = hashlib.sha1(json.dumps(values, sort_keys=True, default=str).encode()).hexdigest()[:8]
        name = f"{name[:MAX_NAME - 10]}__{digest}"
    return name


def _name_points(points: list[Point]) -> None:
    seen: dict[str, int] = {}
    for p in points:
        if not p.explicit_name:
            p.name = point_name(p.values)
    for p in points:
        n = seen.get(p.name, 0)
        seen[p.name] = n + 1
        if n:
            p.name = f"{p.name}__{n + 1}"


# --- case dictionaries ------------------------------------------------------------------------


def _normalise_parameters(data: dict[str, Any]) -> dict[str, Any]:
    """[parameters] written as "lpscl.conductivity" = ... becomes [parameters.lpscl] conductivity = ...,
    so an override of 'parameters.lpscl.conductivity' replaces it instead of standing beside it."""
    params = data.get("parameters")
    if isinstance(params, dict):
        nested: dict[str, Any] = {}
        for key, value in params.items():
            if isinstance(value, dict):
                nested.setdefault(key, {}).update(value)
            else:
                set_name, _, name = key.partition(".")
                nested.setdefault(set_name, {})[name] = value
        data["parameters"] = nested
    return data


def set_path(data: dict[str, Any], path: str, value: Any) -> None:
    parts = path.split(".")
    node = data
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    node[parts[-1]] = value


def check_point(sweep: Sweep, point: Point, where: str) -> str | None:
    """The error message if the point's case would not validate, else None."""
    from ..case import CaseError, validate

    try:
        validate(sweep.case_dict(point), where=where)
    except CaseError as exc:
        return str(exc)
    return None


# --- TOML -------------------------------------------------------------------------------------

_BARE = re.compile(r"[A-Za-z0-9_-]+")


def _key(k: str) -> str:
    return k if _BARE.fullmatch(k) else json.dumps(k, ensure_ascii=False)


def _value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return repr(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, list):
        return "[" + ", ".join(_value(x) for x in v) + "]"
    raise TypeError(f"cannot write {type(v).__name__} {v!r} to TOML")


def dumps_toml(data: dict[str, Any]) -> str:
    """TOML text for nested tables of str/int/float/bool/list values (what a case file holds)."""
    lines: list[str] = []

    def table(node: dict[str, Any], prefix: list[str]) -> None:
        scalars = [(k, v) for k, v in node.items() if not isinstance(v, dict)]
        subs = [(k, v) for k, v in node.items() if isinstance(v, dict)]
        if prefix and (scalars or not subs):
            if lines:
                lines.append("")
            lines.append("[" + ".".join(_key(p) for p in prefix) + "]")
        for k, v in scalars:
            lines.append(f"{_key(k)} = {_value(v)}")
        for k, v in subs:
            table(v, [*prefix, k])

    table(data, [])
    return "\n".join(lines) + "\n"
