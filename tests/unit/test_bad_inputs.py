"""A corpus of hand-made bad inputs (tests/data/bad_inputs/, issue 14): each is rejected by the real CLI.

Every file starts with a comment saying what is wrong with it (``# BAD INPUT: ...``) and what the message
must name (``# key:``, ``# value:``, ``# expect:``; ``# expect: lines: N`` for the number of error lines).
``case_*.toml`` are case files (run as ``liplate check`` and ``liplate run`` on a directory holding them as
case.toml), ``sweep_*.toml`` sweep files (``liplate sweep``, their bases are ``_bases/<model>``).

For each: exit code != 0, one ``liplate: error:`` message on stderr naming the file, the key and the value,
no traceback, nothing written. In-process through ``liplate.cli.main`` (validation only, fast), plus a
few through the installed ``liplate`` executable.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from liplate.cli import main

CORPUS = Path(__file__).resolve().parents[1] / "data" / "bad_inputs"
FILES = sorted(CORPUS.glob("*.toml"))


def meta(path: Path) -> dict[str, list[str]]:
    """The header comment of a corpus file: {"key": [...], "value": [...], "expect": [...], ...}."""
    out: dict[str, list[str]] = {}
    for line in path.read_bytes().decode("utf-8", errors="replace").splitlines():
        if not line.startswith("#"):
            break
        field, sep, text = line[1:].strip().partition(":")
        if sep:
            out.setdefault(field.strip(), []).append(text.strip())
    return out


def stage(path: Path, tmp_path: Path) -> tuple[list[list[str]], Path, Path]:
    """Copy a corpus file to where the CLI reads it; return (commands, file the message must name, root)."""
    m = meta(path)
    if path.name.startswith("sweep_"):
        for base in (CORPUS / "_bases").iterdir():
            shutil.copytree(base, tmp_path / f"base_{base.name}")
        target = tmp_path / "sweep.toml"
        target.write_bytes(path.read_bytes())
        return [["sweep", str(target), "-q"]], target, tmp_path
    case = tmp_path / "case"
    case.mkdir()
    target = case / "case.toml"
    target.write_bytes(path.read_bytes())
    if "output-file" in m.get("setup", []):
        (case / "output").write_text("a plain file, not liplate's output directory\n")
        target = case / "output"
    return [["check", str(case)], ["run", str(case), "-q"]], target, tmp_path


def tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def assert_rejected(path: Path, target: Path, code: int, out: str, err: str) -> None:
    m = meta(path)
    assert code not in (0, None), f"{path.name}: accepted"
    assert "Traceback" not in out + err, f"{path.name}: traceback\n{err}"
    assert out == "", f"{path.name}: printed on stdout: {out}"
    assert err.startswith("liplate: error: ") and err.count("liplate: error:") == 1, f"{path.name}: {err}"
    assert str(target) in err, f"{path.name}: the message does not name {target}:\n{err}"
    for field in ("key", "value", "expect"):
        for fragment in m.get(field, []):
            if fragment.startswith("lines: "):
                assert len(err.strip().splitlines()) == int(fragment[7:]), f"{path.name}: {err}"
            else:
                assert fragment in err, f"{path.name}: {field} {fragment!r} not in the message:\n{err}"


def test_the_corpus_has_at_least_40_bad_inputs_each_saying_what_is_wrong():
    assert len(FILES) >= 40
    for f in FILES:
        m = meta(f)
        assert m.get("BAD INPUT"), f"{f.name}: no '# BAD INPUT:' comment at its top"
        assert m.get("key") or m.get("expect"), f"{f.name}: says nothing the message must name"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_bad_input_is_rejected_with_one_message_and_nothing_written(path, tmp_path, capsys):
    commands, target, root = stage(path, tmp_path)
    before = tree(root)
    for argv in commands:
        code = main(argv)
        captured = capsys.readouterr()
        assert_rejected(path, target, code, captured.out, captured.err)
    assert tree(root) == before, f"{path.name}: files were written"
    assert not (root / "case" / "output").is_dir() and not (root / "runs").exists()


@pytest.mark.parametrize("name", ["case_comma_decimal_current.toml", "case_zero_conductivity.toml",
                                  "case_not_utf8.toml", "sweep_molten_zip.toml"])
def test_the_installed_command_rejects_without_a_traceback(name, tmp_path):
    path = CORPUS / name
    commands, target, root = stage(path, tmp_path)
    exe = Path(sys.executable).with_name("liplate")
    for argv in commands:
        r = subprocess.run([str(exe), *argv], capture_output=True, text=True, timeout=120)
        assert_rejected(path, target, r.returncode, r.stdout, r.stderr)
    assert not (root / "case" / "output").exists() and not (root / "runs").exists()
