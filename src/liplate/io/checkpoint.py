"""Restart points: model state + stepper state in one ``.npz`` written atomically.

A checkpoint that cannot be read back whole (truncated, corrupted: the zip's CRC of every member is
checked as it is read) raises :class:`CheckpointError` naming the file, never a numpy traceback.
"""
from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np

from .atomic import atomic_path

CHECKPOINT = "checkpoint.npz"


class CheckpointError(RuntimeError):
    """A checkpoint file that cannot be read back."""


def save(path: Path, model_state: dict[str, np.ndarray], stepper_state: dict, rows: list[dict]) -> None:
    arrays = {f"model__{k}": np.asarray(v) for k, v in model_state.items()}
    arrays["stepper__json"] = np.frombuffer(json.dumps(stepper_state).encode(), dtype=np.uint8)
    arrays["rows__json"] = np.frombuffer(json.dumps(rows).encode(), dtype=np.uint8)
    # Build the archive in memory: a write that fails (a full disk) then fails in one plain write, not
    # inside numpy's zip writer (which would leave an unclosed ZipFile complaining at garbage collection).
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    with atomic_path(path) as tmp:
        with open(tmp, "wb") as fh:
            fh.write(buf.getbuffer())


def load(path: Path) -> tuple[dict[str, np.ndarray], dict, list[dict]]:
    """(model state, stepper state, time-series rows); :class:`CheckpointError` if the file is unreadable."""
    try:
        with np.load(path, allow_pickle=False) as data:
            model_state = {k[len("model__"):]: data[k].copy() for k in data.files if k.startswith("model__")}
            stepper = json.loads(bytes(data["stepper__json"]).decode())
            rows = json.loads(bytes(data["rows__json"]).decode())
        if not isinstance(stepper, dict) or not isinstance(rows, list):
            raise ValueError("stepper state or rows of the wrong type")
    except Exception as exc:  # zipfile.BadZipFile, EOFError, KeyError, ValueError, OSError, ...: all mean "unreadable"
        raise CheckpointError(f"{path} cannot be read ({type(exc).__name__}: {exc}); it is damaged "
                              "(truncated or overwritten)") from exc
    return model_state, stepper, rows


def problem(path: Path) -> str | None:
    """Why the checkpoint at ``path`` cannot be resumed from, or None if it reads back whole."""
    try:
        load(path)
    except CheckpointError as exc:
        return str(exc)
    return None
