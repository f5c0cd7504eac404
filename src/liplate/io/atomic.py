"""Atomic file writes: write to a temporary file in the same directory, fsync, then rename.

A killed run, or a write that fails (a full disk: ``ENOSPC``), therefore never leaves a half-written
file under the final name: the previous version stays intact and the temporary file is removed.
Files get the permissions an ordinary ``open()`` would give them (0666 minus the user's umask, so
0644 under umask 022), not the 0600 of :func:`tempfile.mkstemp`.

JSON is written strictly (RFC 8259): JSON has no NaN or Infinity, so a non-finite number is written
as ``null``; anything else that is not JSON is an error, never a silent string.
"""
from __future__ import annotations

import contextlib
import json
import math
import os
import tempfile
from pathlib import Path


def current_umask() -> int:
    """The process's umask, read without changing it where Linux allows (``/proc/self/status``)."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)  # pragma: no cover - not Linux: the classic read-by-setting
    os.umask(mask)
    return mask


def default_file_mode() -> int:
    """Mode a new regular file gets from ``open()``: 0666 minus the umask."""
    return 0o666 & ~current_umask()


@contextlib.contextmanager
def atomic_path(path: str | Path):
    """Yield a temporary path next to ``path``; on success it is renamed onto ``path``.

    On any exception (including ``OSError`` from a full disk) the temporary file is removed and the
    file under ``path`` keeps its previous content.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, default_file_mode())
    finally:
        os.close(fd)
    try:
        yield Path(tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        if exc.filename is None or str(exc.filename) == tmp:
            # A failed write names no file (or the temporary one): name the file the user knows.
            raise OSError(exc.errno, exc.strerror or str(exc), str(path)) from exc
        raise
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def write_text(path: str | Path, text: str) -> None:
    with atomic_path(path) as tmp:
        Path(tmp).write_text(text)


def write_bytes(path: str | Path, data: bytes) -> None:
    with atomic_path(path) as tmp:
        Path(tmp).write_bytes(data)


def json_safe(obj):
    """``obj`` with numpy scalars/arrays turned into Python numbers/lists, paths into strings and every
    non-finite float (NaN, +-Infinity) into ``None``, so that it serialises as strict JSON."""
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: json_safe(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [json_safe(v) for v in obj]
    if obj is None or isinstance(obj, (str, int)):
        return obj
    return json_safe(_json_default(obj))


def dumps(obj, indent: int | None = 2) -> str:
    """Strict JSON text of ``obj`` (non-finite numbers as null; see :func:`json_safe`)."""
    return json.dumps(json_safe(obj), indent=indent, allow_nan=False)


def write_json(path: str | Path, obj) -> None:
    write_text(path, dumps(obj) + "\n")


def _json_default(obj):
    try:
        import numpy as np
        if isinstance(obj, np.generic):
            return obj.item()
        if isinstance(obj, np.ndarray):
            return obj.tolist()
    except ImportError:  # pragma: no cover
        pass
    if isinstance(obj, Path):
        return str(obj)
    raise TypeError(f"not JSON serialisable: {type(obj).__name__}")
