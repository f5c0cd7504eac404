"""Deposit cross-sections side by side at the same scale: Cu islands next to the Li2Te-Cu film.

The field windows are hundreds of µm high and the deposits a few µm: in a full-window view (ParaView,
quick-look) a 5 µm film is a line. Here every panel shares one height (1.4x the tallest deposit) and one
x range, so the islands on Cu and the film on Li2Te-Cu compare directly (vertical axis stretched; both
stretched the same). Phase-field runs show the lithium fraction ξ of the last frame; a flat-film (sharp)
run shows its film from ``interface.csv``. The figure code is ``liplate.plotting.cross_sections``.

    .venv/bin/python postprocessing/cross_section.py cases/cu_0p5mA_1mAh cases/li2te_cu_0p5mA_1mAh -o OUT
"""
from __future__ import annotations

import sys
from pathlib import Path

try:
    from . import common as C
except ImportError:  # run as a script
    import common as C

NAME = "cross_section"


def plot(case_dirs, outdir: Path, name: str = NAME) -> dict:
    from liplate import plotting
    from liplate.results import Result

    cases = C.load_cases(case_dirs)
    results = [Result(c.outdir) for c in cases if c.frames()]
    if not results:
        fig, axes = C.new_figure()
        C.note(axes[0][0], "no field frames in these outputs")
        data = {"panels": [], "notes": ["no field frames"]}
    else:
        fig, data = plotting.cross_sections(results)
    C.save_figure(fig, outdir, name, data)
    return data


def main(argv=None) -> int:
    return C.case_script_main(plot, __doc__.splitlines()[0], argv)


if __name__ == "__main__":
    sys.exit(main())
