"""Restart points: model state + stepper state in one ``.npz`` written atomically."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from .atomic import atomic_path

CHECKPOINT = "checkpoint.npz"


def save(path: Path, model_state: dict[str, np.ndarray], stepper_state: dict, rows: list[dict]) -> None:
    arrays = {f"model__{k}": np.asarray(v) for k, v in model_state.items()}
    arrays["stepper__json"] = np.frombuffer(json.dumps(stepper_state).encode(), dtype=np.uint8)
    arrays["rows__json"] = np.frombuffer(json.dumps(rows).encode(), dtype=np.uint8)
    with atomic_path(path) as tmp:
        with open(tmp, "wb") as fh:
            np.savez(fh, **arrays)


def load(path: Path) -> tuple[dict[str, np.ndarray], dict, list[dict]]:
    with np.load(path) as data:
        model_state = {k[len("model__"):]: data[k].copy() for k in data.files if k.startswith("model__")}
        stepper = json.loads(bytes(data["stepper__json"]).decode())
        rows = json.loads(bytes(data["rows__json"]).decode())
    return model_state, stepper, rows
