"""The Python API: load a case, change it in code, run it, get a :class:`~liplate.results.Result`.

    import liplate
    case = liplate.load_case("cases/sharp_li2te_cu_0p5mA_1mAh")
    fast = case.with_values({"protocol.current_density": "4 mA/cm^2"})
    result = liplate.run(fast, output="runs/4mA")

A case changed in code is validated exactly as a case file is (the same :func:`liplate.case.validate`
on the same dictionary a ``case.toml`` parses to), and :func:`run` writes it to ``OUTPUT/case.toml``
before running it, so every result on disk has the case file that made it (``liplate run OUTPUT``
reproduces it). Nothing here imports FiPy until a run starts.
"""
from __future__ import annotations

import os
import re
import shutil
import sys
from copy import deepcopy
from pathlib import Path
from typing import TYPE_CHECKING, Any

# Nothing heavy at import: the CLI imports this module for configure_run_environment() before NumPy loads.
if TYPE_CHECKING:  # pragma: no cover
    from .case import Case

CASE_FILE = "case.toml"

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

#: Environment a run sets up when the caller has not: one OpenMP/BLAS thread per process (liplate's
#: parallelism is MPI ranks and sweep processes; threads only oversubscribe the cores) and no Open MPI
#: loader noise for fabric plug-ins absent on workstations (real errors still print).
RUN_ENVIRONMENT = {
    "OMP_NUM_THREADS": "1",
    "OMPI_MCA_mca_base_component_show_load_errors": "0",
}


def configure_run_environment() -> dict[str, str]:
    """Set :data:`RUN_ENVIRONMENT` in ``os.environ`` where not already set; return what was set.

    Called where a run starts: the ``liplate`` command (before anything heavy is imported) and
    :func:`run`. ``import liplate`` does not call it. Thread counts are read by OpenBLAS/OpenMP when
    they load: in a notebook that has already imported NumPy, export ``OMP_NUM_THREADS=1`` before
    starting Python (or use ``threadpoolctl``) to limit them.
    """
    changed = {}
    for key, value in RUN_ENVIRONMENT.items():
        if key not in os.environ:
            os.environ[key] = value
            changed[key] = value
    return changed


def load_case(path: str | Path) -> Case:
    """Load and validate a case directory (or its ``case.toml``); raises :class:`CaseError`."""
    from .case import load_case as _load_case

    return _load_case(path)


def _flatten(values: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in values.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flatten(value, f"{path}."))
        else:
            out[path] = value
    return out


def with_values(case: Case, values: dict[str, Any]) -> Case:
    """A new :class:`Case`: ``case`` with ``values`` set, validated exactly as a case file is.

    ``values`` maps dotted case-file paths to values written as in a case file, practical units
    included: ``{"protocol.current_density": "4 mA/cm^2", "domain.cells_x": 40,
    "parameters.lpscl.conductivity": "3 mS/cm"}`` (nested dicts are accepted too). Unknown keys,
    wrong units and out-of-range values raise :class:`CaseError` naming the key, the value and what
    is allowed. ``case`` itself is not changed.
    """
    from .case import Case, CaseError, validate
    from .sweep.expand import SweepError, _normalise_parameters, check_path, set_path

    where = f"{case.source_file} (with_values)"
    data = _normalise_parameters(deepcopy(case.raw))
    flat = _flatten(dict(values))
    for path, value in flat.items():
        try:
            check_path(path, where)
        except SweepError as exc:
            raise CaseError(str(exc)) from None
        set_path(data, path, value)
    if "case.title" not in flat and flat and isinstance(data.get("case", {}).get("title", ""), str):
        # the old title often names the very value changed ("0.5 mA/cm^2"): say what was changed
        changes = ", ".join(f"{k} = {v}" for k, v in flat.items())
        data.setdefault("case", {})["title"] = f"{data['case'].get('title', '')} [{changes}]".strip()
    sections, params = validate(data, where=where)
    return Case(path=case.path, source_file=case.source_file, sections=sections, params=params, raw=data)


def case_toml(case: Case, header: str = "") -> str:
    """The text of a ``case.toml`` holding exactly ``case.raw`` (what the case was validated from)."""
    from .sweep.expand import dumps_toml

    return header + dumps_toml(case.raw)


def _changed_in_code(case: Case) -> bool:
    """Whether ``case`` differs from its case file on disk (changed with :meth:`Case.with_values`)."""
    try:
        return tomllib.loads(case.source_file.read_text()) != case.raw
    except (OSError, tomllib.TOMLDecodeError):
        return True


def run(case_or_path: Case | str | Path, output: str | Path | None = None, progress: bool | None = True,
        force: bool = False, resume: bool = False, verbose: bool = False):
    """Run a case; return its :class:`~liplate.results.Result`.

    ``case_or_path`` is a :class:`Case` (from :func:`load_case`, possibly changed with
    ``with_values``) or a case directory. Without ``output`` the case runs in place (``CASE/output/``,
    as ``liplate run CASE``); a case changed in code needs ``output``. With ``output=DIR``, DIR becomes
    a case directory: ``DIR/case.toml`` (the case as run) and ``DIR/output/`` (the results).

    As on the command line, a completed run of the same inputs is returned as it is; a completed run
    of other inputs raises :class:`CaseError` listing the differences (``force=True`` recomputes);
    ``resume=True`` continues a killed run. ``progress``: True shows a progress bar, False none, None
    only on a terminal. The run's status is ``result.summary["status"]`` ("completed", "failed", ...).
    """
    from .case import Case, CaseError
    from .results import load_results

    configure_run_environment()
    case = case_or_path if isinstance(case_or_path, Case) else load_case(case_or_path)
    if output is None:
        if _changed_in_code(case):
            raise CaseError(f"{case.source_file}: this case was changed in code (with_values); give "
                            "liplate.run an output=DIR for it, so that the results of the case file stay "
                            "theirs")
        target = case.path
    else:
        target = Path(output)
        same = target.resolve() == case.path.resolve()
        if same and _changed_in_code(case):
            raise CaseError(f"{target}: output is the case's own directory, but the case was changed in "
                            "code; choose another output directory")
        if not same:
            _write_case_dir(case, target, force=force)
    from .simulation import run_case

    run_case(target, force=force, resume=resume, progress=progress, verbose=verbose)
    return load_results(target)


def _write_case_dir(case: Case, target: Path, force: bool) -> None:
    """Write ``target/case.toml`` for ``case``; refuse to replace another case's file unless ``force``."""
    from .case import CaseError

    toml = target / CASE_FILE
    if toml.is_file() and not force:
        try:
            existing = tomllib.loads(toml.read_text())
        except tomllib.TOMLDecodeError:
            existing = None
        if existing == case.raw:
            return
        raise CaseError(f"{toml} holds another case; choose another output directory, or pass force=True "
                        "to replace it (and its results)")
    if target.exists() and not target.is_dir():
        raise CaseError(f"output {target} exists and is not a directory")
    from .io.atomic import write_text

    how = "with values set in code" if _changed_in_code(case) else "a copy"
    header = (f"# Written by liplate.run from {case.source_file} ({how}).\n"
              f"# Rerun with: liplate run {target}\n\n")
    write_text(toml, case_toml(case, header))


_TITLE = re.compile(r'^(\s*title\s*=\s*)(".*?(?<!\\)"|\'.*?\')(.*)$')
_HEADER = re.compile(r"^\s*\[\s*([^\]]+?)\s*\]")


def _retitle(text: str, title: str) -> str:
    """``text`` (a case.toml) with ``[case] title`` set to ``title``; comments and layout are kept."""
    import json

    lines = text.splitlines(keepends=True)
    section = None
    case_header = None
    quoted = json.dumps(title, ensure_ascii=False)
    for i, line in enumerate(lines):
        m = _HEADER.match(line)
        if m:
            section = m.group(1)
            if section == "case":
                case_header = i
            continue
        if section == "case":
            t = _TITLE.match(line.rstrip("\n"))
            if t:
                lines[i] = f"{t.group(1)}{quoted}{t.group(3)}\n"
                return "".join(lines)
    if case_header is None:
        return f"[case]\ntitle = {quoted}\n\n" + text
    lines.insert(case_header + 1, f"title = {quoted}\n")
    return "".join(lines)


#: What ``liplate new`` does not copy: results (of a case or of a sweep) and caches.
NOT_COPIED = ("output", "runs", "results.csv", "results.json", "__pycache__", ".*")


def new_case(dest: str | Path, source: str | Path, title: str | None = None) -> Path:
    """Copy the case directory ``source`` to ``dest`` without its outputs, with a fresh title.

    ``dest`` must not exist or be an empty directory. The copy keeps ``case.toml``'s comments and every
    other input file; ``[case] title`` becomes ``title`` (default: "<dest name> (from <source name>)").
    The source must validate; the copy is validated too. Returns ``dest``.
    """
    from .case import CaseError

    src = Path(source)
    if src.is_file() and src.name == CASE_FILE:
        src = src.parent
    load_case(src)                                   # a broken source is reported as what it is
    dest = Path(dest)
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise CaseError(f"{dest} exists and is not empty; liplate new writes a new case directory "
                        "(choose another name, or remove it first)")
    if dest.exists():
        dest.rmdir()
    shutil.copytree(src, dest, ignore=shutil.ignore_patterns(*NOT_COPIED))
    toml = dest / CASE_FILE
    toml.write_text(_retitle(toml.read_text(), title or f"{dest.name} (from {src.name})"))
    load_case(dest)
    return dest


def run_sweep(sweep_file: str | Path, force: bool = False, quiet: bool = True):
    """Run a sweep file serially in this process's own child (as ``liplate sweep FILE``); return
    :func:`liplate.load_sweep` of its results. For many cases, use ``mpiexec -n N liplate sweep FILE``."""
    from .case import CaseError
    from .results import load_sweep
    from .sweep import run_sweep as _run_sweep
    from .sweep.expand import SweepError
    from .sweep.expand import load_sweep as _expand

    configure_run_environment()
    try:
        sweep = _expand(sweep_file)
    except SweepError as exc:
        raise CaseError(str(exc)) from None
    _run_sweep(sweep, force=force, quiet=quiet)
    return load_sweep(sweep_file)
