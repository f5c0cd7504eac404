"""Parameter sets as data: every value carries its SI unit and its source.

One module per set (``lpscl``, ``li``, ``cu``, ``li2te_cu``, ``cell``). Each defines
``PARAMETERS: dict[str, Param]`` and a one-line ``DESCRIPTION``. A case may override any value
(``[parameters]`` table, keys ``"<set>.<name>"``, values with units); an override records
its source as "case file".
"""
from __future__ import annotations

import difflib
import importlib
from dataclasses import asdict, dataclass, replace

SET_NAMES = ("lpscl", "li", "cu", "li2te_cu", "cell", "sei", "interface")
SUBSTRATES = ("cu", "li2te_cu")


@dataclass(frozen=True)
class Param:
    """One physical parameter: SI value, SI unit, quantity kind (for case overrides), source."""

    value: float
    unit: str
    kind: str
    source: str
    note: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


def load_set(name: str) -> dict[str, Param]:
    if name not in SET_NAMES:
        close = difflib.get_close_matches(name, SET_NAMES, n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise KeyError(f"unknown parameter set {name!r}; allowed: {', '.join(SET_NAMES)}{hint}")
    module = importlib.import_module(f"{__name__}.{name}")
    return dict(module.PARAMETERS)


def describe_set(name: str) -> str:
    return importlib.import_module(f"{__name__}.{name}").DESCRIPTION


def all_sets() -> dict[str, dict[str, Param]]:
    return {name: load_set(name) for name in SET_NAMES}


def with_override(p: Param, value: float) -> Param:
    return replace(p, value=value, source=f"case file (default {p.value:g} {p.unit}: {p.source})")
