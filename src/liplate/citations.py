"""Citations a reader can follow: liplate's bibliography, the sources of its parameters, the calibration ledger.

The bibliography ships with the package as BibTeX (``liplate/references.bib``; :func:`bibtex` returns
its text). Every parameter's ``source`` (``liplate/parameters/*.py``) follows one convention:

- it cites bibliography entries by key in square brackets, ``"[Masias2019]"`` or
  ``"[Masias2019; LePage2019]"``, for a value taken from the literature or from the experiment
  (``[Wang2022]``); and/or
- it starts with its status: ``"calibrated on <the one data point> [Key]: <how>"``,
  ``"assumed: <reason>"`` or ``"derived: <formula> from <parameters or [Keys]>"``.

A source that says "calibrated" must start with "calibrated on" and cite where its data point was
measured; :func:`calibrated_parameters` collects those into the calibration ledger
(``docs/calibration.md``, written by ``liplate params --ledger``). No source points to a file that
does not ship with liplate. :func:`check_source` states the rules; ``tests/unit/test_citations.py``
applies them to every parameter set.

As PyBaMM's ``print_citations()`` does, :func:`used_by` lists the references a case uses (the
experiment, the model and solver papers, every entry its parameters cite), with the parameters that
cite each; a run writes them to its summary.
"""
from __future__ import annotations

import functools
import re
from pathlib import Path

BIB_PATH = Path(__file__).with_name("references.bib")

EXPERIMENT = "Wang2022"
# Papers behind a model's equations and its solver (parameters cite their own sources).
MODEL_REFERENCES = {"phasefield": ("Chen2015", "Guyer2009"), "sharp": ("Guyer2009",), "kmc": ()}

STATUS_PREFIXES = {"calibrated on ": "calibrated", "assumed: ": "assumed", "derived: ": "derived"}
# Fields every entry has, unless its "unverified" field names them.
REQUIRED_FIELDS = {"article": ("author", "title", "journal", "year"), "book": ("title", "publisher")}

_KEY_GROUP = re.compile(r"\[([A-Za-z][\w-]*(?:\s*;\s*[A-Za-z][\w-]*)*)\]")
_CALIBRATED_WORD = re.compile(r"\bcalibrated\b", re.IGNORECASE)
# Things a source must not point to: the project's unshipped notes, paths outside the repository.
_OUTSIDE = (re.compile(r"\bBRIEF\b", re.IGNORECASE), re.compile(r"\.\./"), re.compile(r"(?<![\w.])/(work|home|tmp)/"),
            re.compile(r"\bshared/"))
_FILE_MENTION = re.compile(r"(?<![\w/.-])([\w./-]+\.(?:md|txt|pdf|toml|json|csv|bib|py))\b")
_DOI = re.compile(r"^10\.\d{4,9}/\S+$")
REPO_ROOT = Path(__file__).resolve().parents[2]
_IN_SOURCE_TREE = (REPO_ROOT / "pyproject.toml").is_file()  # file mentions are checked in a checkout only


# -- the bibliography ---------------------------------------------------------------------------------------

def _read_braced(text: str, i: int) -> tuple[str, int]:
    """Text inside the brace group opening at text[i] (nested braces kept), and the index after it."""
    depth = 0
    for j in range(i, len(text)):
        if text[j] == "{":
            depth += 1
        elif text[j] == "}":
            depth -= 1
            if depth == 0:
                return text[i + 1:j], j + 1
    raise ValueError(f"{BIB_PATH.name}: unbalanced braces from character {i}")


_LATEX = ((r'{\"u}', "ü"), (r'{\"o}', "ö"), (r'{\"a}', "ä"), (r"\&", "&"))


def _clean(value: str) -> str:
    for tex, char in _LATEX:
        value = value.replace(tex, char)
    return " ".join(value.replace("{", "").replace("}", "").split())


def parse_bibtex(text: str) -> dict[str, dict]:
    """Parse the subset of BibTeX liplate writes: ``@type{key, field = {value}, ...}``; comments are ``%`` lines."""
    text = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("%"))
    entries: dict[str, dict] = {}
    for m in re.finditer(r"@(\w+)\s*\{\s*([^,\s]+)\s*,", text):
        start = text.index("{", m.start())
        body, _ = _read_braced(text, start)
        body = body[body.index(",") + 1:]
        entry: dict = {"type": m.group(1).lower(), "key": m.group(2)}
        i = 0
        for f in re.finditer(r"(\w+)\s*=\s*", body):
            if f.start() < i:
                continue  # "name =" inside a value already read
            j = f.end()
            if body[j] == "{":
                value, i = _read_braced(body, j)
            else:
                end = re.match(r"[^,\n]*", body[j:]).end()
                value, i = body[j:j + end], j + end
            entry[f.group(1).lower()] = _clean(value)
        if entry["key"] in entries:
            raise ValueError(f"{BIB_PATH.name}: duplicate key {entry['key']!r}")
        entries[entry["key"]] = entry
    return entries


@functools.lru_cache(maxsize=1)
def bibliography() -> dict[str, dict]:
    """All entries of liplate's bibliography by key (fields as plain text, ``author`` a list)."""
    entries = parse_bibtex(BIB_PATH.read_text(encoding="utf-8"))
    for e in entries.values():
        if "author" in e:
            e["author"] = [a.strip() for a in e["author"].split(" and ")]
    return entries


def bibtex() -> str:
    """The bibliography as BibTeX (the shipped file)."""
    return BIB_PATH.read_text(encoding="utf-8")


def check_entry(entry: dict) -> list[str]:
    """What an entry lacks: a required field not explained in ``unverified``, or a DOI without a reason."""
    problems = []
    unverified = entry.get("unverified", "")
    for field in REQUIRED_FIELDS.get(entry["type"], ("title", "year")):
        if field not in entry and field not in unverified:
            problems.append(f"no {field} (and 'unverified' does not say why)")
    if "doi" in entry:
        if not _DOI.match(entry["doi"]):
            problems.append(f"doi {entry['doi']!r} is not of the form 10.NNNN/suffix")
    elif not entry.get("nodoi"):
        problems.append("neither a doi nor a 'nodoi' reason")
    return problems


def _short_authors(authors: list[str]) -> str:
    names = [a.split(",")[0].strip() for a in authors]
    if "others" in names or len(names) > 3:
        return f"{names[0]} et al."
    return ", ".join(names[:-1]) + (" and " if len(names) > 1 else "") + names[-1]


def format_entry(key: str) -> str:
    """One line a reader can follow: authors (year). Title. Journal volume, pages. doi (or why none)."""
    e = bibliography()[key]
    parts = []
    if e.get("author"):
        parts.append(f"{_short_authors(e['author'])} ({e.get('year', 'year not verified')}).")
    elif e.get("year"):
        parts.append(f"({e['year']}).")
    if e.get("title"):
        parts.append(e["title"] + ".")
    venue = e.get("journal") or e.get("publisher") or ""
    if e.get("volume"):
        venue += f" {e['volume']}"
    if e.get("pages"):
        venue += f", {e['pages'].replace('--', '-')}"
    if venue:
        parts.append(venue + ".")
    parts.append(f"doi:{e['doi']}" if e.get("doi") else f"No DOI: {e['nodoi']}")
    if e.get("unverified"):
        parts.append(f"(Not verified: {e['unverified']})")
    return f"[{key}] " + " ".join(parts)


# -- parameter sources ---------------------------------------------------------------------------------------

def keys_in(text: str) -> list[str]:
    """Bibliography keys cited in ``text`` ("[A]" or "[A; B]"), in order of appearance, without repeats."""
    keys: list[str] = []
    for group in _KEY_GROUP.findall(text or ""):
        for k in (s.strip() for s in group.split(";")):
            if k not in keys:
                keys.append(k)
    return keys


def source_status(source: str) -> str:
    """'calibrated', 'assumed' or 'derived' (from the prefix), 'cited' (keys only), or 'unsourced'."""
    low = source.lower()
    for prefix, status in STATUS_PREFIXES.items():
        if low.startswith(prefix):
            return status
    return "cited" if keys_in(source) else "unsourced"


def check_source(source: str, note: str = "") -> list[str]:
    """Why a parameter source cannot be followed (empty list: it can)."""
    problems = []
    status = source_status(source)
    if status == "unsourced":
        problems.append("cites no [Key] and does not start with 'calibrated on ', 'assumed: ' or 'derived: '")
    if _CALIBRATED_WORD.search(source) and status != "calibrated":
        problems.append("says 'calibrated' but does not start with 'calibrated on <data point>' "
                        "(so the calibration ledger would miss it)")
    if status == "calibrated" and not keys_in(calibration_point(source)[0]):
        problems.append("calibrated on a data point that cites no [Key] for where it was measured")
    known = bibliography()
    for k in keys_in(source) + keys_in(note):
        if k not in known:
            problems.append(f"cites [{k}], which is not in {BIB_PATH.name}")
    for text in (source, note):
        for pattern in _OUTSIDE:
            if pattern.search(text):
                problems.append(f"points outside the repository ({pattern.pattern!r} in {text!r})")
        for path in _FILE_MENTION.findall(text) if _IN_SOURCE_TREE else ():
            if not (REPO_ROOT / path).exists() and not (REPO_ROOT / "src" / "liplate" / path).exists():
                problems.append(f"mentions file {path!r}, which is not in the repository")
    return problems


def calibration_point(source: str) -> tuple[str, str]:
    """For a 'calibrated on X: how' (or 'X; how') source: (X, how). Else ('', '')."""
    if source_status(source) != "calibrated":
        return "", ""
    rest = source[len("calibrated on "):]
    cut = min((i for i in (rest.find(":"), rest.find(";")) if i >= 0), default=len(rest))
    return rest[:cut].strip(), rest[cut + 1:].strip()


def _parameter_sets() -> dict:
    from .parameters import all_sets
    return all_sets()


def calibrated_parameters(sets: dict | None = None) -> list[dict]:
    """Every parameter whose source says it was calibrated, with the data point and the method."""
    rows = []
    for set_name, params in (sets if sets is not None else _parameter_sets()).items():
        for name, p in params.items():
            if source_status(p.source) == "calibrated":
                point, how = calibration_point(p.source)
                rows.append({"parameter": f"{set_name}.{name}", "value": p.value, "unit": p.unit, "kind": p.kind,
                             "data_point": point, "how": how, "references": keys_in(p.source)})
    return rows


def _md(text: str) -> str:
    return text.replace("|", "\\|")


def value_text(value: float, unit: str, kind: str) -> str:
    """'320 A/m^2 (32 mA/cm^2)': the SI value and, where the case files use another unit, that one too."""
    from .units import KINDS, to_si

    text = f"{value:.4g} {unit}".strip()
    example = KINDS.get(kind, ("", ""))[1].split(" ", 1)
    if len(example) == 2 and example[1] != unit:
        try:
            text += f" ({value / to_si(f'1 {example[1]}', kind):.4g} {example[1]})"
        except ValueError:
            pass
    return text


def ledger_markdown(sets: dict | None = None) -> str:
    """The calibration ledger (docs/calibration.md) from the parameter sets."""
    rows = calibrated_parameters(sets)
    lines = [
        "# Calibration ledger",
        "",
        "Generated from liplate's parameter sets by `liplate params --ledger > docs/calibration.md`; do not edit",
        "it by hand (`tests/unit/test_ledger.py` fails when it is stale).",
        "",
        "Every parameter whose source says *calibrated* stands here with the one data point it was calibrated",
        "on. Every other parameter is an input with its own source (a cited measurement, an assumption or a",
        "derivation: `liplate params` lists them all), and every other number liplate reports is a prediction.",
        "",
        "| parameter | value | calibrated on | how |",
        "|---|---|---|---|",
    ]
    keys: list[str] = []
    for r in rows:
        lines.append(f"| `{r['parameter']}` | {_md(value_text(r['value'], r['unit'], r['kind']))} "
                     f"| {_md(r['data_point'])} | {_md(r['how'])} |")
        keys += [k for k in r["references"] if k not in keys]
    if not rows:
        lines.append("| (none) | | | |")
    lines += ["", "## References", ""]
    known = bibliography()
    lines += [f"- {_md(format_entry(k))}" for k in keys if k in known]
    return "\n".join(lines) + "\n"


# -- what a case uses ------------------------------------------------------------------------------------------

def references_for(params: dict[str, dict]) -> dict[str, list[str]]:
    """Bibliography keys cited by parameter sets ``{set: {name: Param}}`` -> the parameters citing each.

    A value the case file overrides (source "case file (default ...)") cites nothing: it is the user's.
    """
    cited: dict[str, list[str]] = {}
    for set_name, ps in params.items():
        for name, p in ps.items():
            if p.source.startswith("case file"):
                continue
            for k in keys_in(p.source) + keys_in(getattr(p, "note", "")):
                cited.setdefault(k, [])
                if f"{set_name}.{name}" not in cited[k]:
                    cited[k].append(f"{set_name}.{name}")
    return cited


def used_by(case) -> list[dict]:
    """The references a case uses: the experiment, its model's papers, and every entry its parameters cite.

    ``case`` is a :class:`liplate.case.Case`. Parameter sets of the other substrate are left out. Each item:
    ``{"key", "reference" (one formatted line), "doi" (or None), "used_for" (what cites it)}``.
    """
    from .parameters import SUBSTRATES

    params = {s: ps for s, ps in case.params.items() if s not in SUBSTRATES or s == case.substrate}
    used: dict[str, list[str]] = {EXPERIMENT: ["the experiment liplate reproduces"]}
    for k in MODEL_REFERENCES.get(case.model, ()):
        used.setdefault(k, []).append(f"model '{case.model}'")
    for k, names in references_for(params).items():
        used.setdefault(k, []).extend(names)
    known = bibliography()
    return [{"key": k, "reference": format_entry(k) if k in known else f"[{k}] (not in the bibliography)",
             "doi": known.get(k, {}).get("doi"), "used_for": names} for k, names in used.items()]


def format_citations(items: list[dict]) -> str:
    """Text block of :func:`used_by` items (or of keys), one reference per line."""
    return "\n".join(i["reference"] if isinstance(i, dict) else format_entry(i) for i in items)
