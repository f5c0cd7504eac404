"""Quick look at a case's fields without ParaView (pyvista, off-screen): one PNG, one panel per field.

    .venv/bin/python postprocessing/quicklook.py cases/li2te_cu_0p5mA_1mAh -o postprocessing/figures
    .venv/bin/python postprocessing/quicklook.py cases/li2te_cu_0p5mA_1mAh --show      # interactive window

Panels: xi, phi_V, current density magnitude (with arrows of j), and xi zoomed on the deposit (the cells
up to 1.4x its height, stretched vertically: a 5 um deposit is a line in the 250 um window), from the last
frame of ``fields.pvd``; an absent field leaves its panel saying "not modelled in these outputs". SEI is a
per-column quantity and is drawn along the collector by sei.py, not painted over the electrolyte here.
Off-screen rendering needs no display: EGL is used when $DISPLAY is unset (override with
VTK_DEFAULT_OPENGL_WINDOW, or run under ``xvfb-run -a``).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import numpy as np

try:
    from . import common as C
except ImportError:  # run as a script
    import common as C

NAME = "quicklook"
PANELS = (("xi", "xi (1 = Li)"), ("phi_V", "phi (V)"),
          ("current_density_magnitude_A_m2", "current density (A/m^2)"), ("xi@zoom", "xi zoomed"))
ZOOM = "@zoom"


def zoomed(mesh, array: str):
    """The cells next to the collector up to 1.4x the deposit height, and the vertical stretch that shows them
    as wide as high: a few-um deposit is a line in a 250 um window. None when there is no deposit."""
    import numpy as np

    xi = np.asarray(mesh.cell_data[array])
    centres = np.asarray(mesh.cell_centers().points)
    li = centres[xi > 0.5, 1]
    if li.size == 0:
        return None
    top = 1.4 * float(li.max() + np.sqrt(mesh.area / mesh.n_cells))
    sub = mesh.extract_cells(np.flatnonzero(centres[:, 1] < top))
    width = float(np.ptp(mesh.points[:, 0]))
    stretch = max(1.0, 0.35 * width / top)
    ranges = list(sub.bounds)
    sub.points[:, 1] *= stretch          # drawn stretched; the axes keep the true lengths (m) (show_bounds axes_ranges)
    return sub, stretch, ranges


def plot(case_dir, outdir: Path, name: str = NAME, show: bool = False, size=(1400, 900)) -> dict:
    if not show and not os.environ.get("DISPLAY"):
        os.environ.setdefault("VTK_DEFAULT_OPENGL_WINDOW", "vtkEGLRenderWindow")
    import pyvista as pv

    case = C.CaseOutput(Path(case_dir))
    frames = [f for f in case.frames() if f[1].is_file()]
    data = {"case": case.name, "panels": {}, "notes": []}
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    mesh = pv.read(frames[-1][1]) if frames else None
    w, h = size[0] // 2, size[1] // 2
    tiles = []
    plotters = []
    for array, title in PANELS:
        pl = pv.Plotter(off_screen=not show, window_size=[w, h])
        pl.set_background("white")
        array, zoom = array.removesuffix(ZOOM), array.endswith(ZOOM)
        shown, stretch, msg, ranges = mesh, 1.0, None, None
        if mesh is None:
            msg = f"{case.name}: no field frames"
        elif array not in mesh.cell_data:
            msg = f"{array}: {C.NOT_MODELLED}"
        elif zoom:
            z = zoomed(mesh, array)
            if z is None:
                msg = f"{array}: no deposit to zoom on"
            else:
                shown, stretch, ranges = z
                title = f"{title} (y x{stretch:.0f})"
        if msg is not None:
            pl.add_text(msg, position="upper_left", font_size=10, color="black")
            data["notes"].append(msg)
        else:
            vals = np.asarray(mesh.cell_data[array])
            lo, hi = float(vals.min()), float(vals.max())
            clim = (lo, hi) if hi > lo else (lo - 0.5 * max(abs(lo), 1e-12), hi + 0.5 * max(abs(hi), 1e-12))
            pl.add_mesh(shown, scalars=array, preference="cell", cmap="viridis", clim=clim, lighting=False,
                        scalar_bar_args={"title": title, "color": "black", "vertical": True, "position_x": 0.84,
                                         "position_y": 0.12, "height": 0.72, "width": 0.06, "fmt": "%.4g",
                                         "title_font_size": 14, "label_font_size": 12})
            if array.startswith("current_density") and "current_density_A_m2" in mesh.cell_data:
                centres = mesh.cell_centers()
                vec = np.asarray(mesh.cell_data["current_density_A_m2"])
                cell = float(np.sqrt(mesh.area / mesh.n_cells))
                centres["j"] = vec * (0.8 * cell / max(float(np.abs(vec).max()), 1e-30))
                pl.add_mesh(centres.glyph(orient="j", scale="j", factor=1.0), color="white", lighting=False)
            pl.add_text(f"{case.name}  t = {frames[-1][0]:g} s", position="upper_left", font_size=9, color="black")
            pl.show_bounds(bounds=shown.bounds, axes_ranges=ranges, xtitle="x (m)", ytitle="y (m)", color="black",
                           location="outer",
                           ticks="outside", font_size=10, use_2d=True)
            pl.view_xy()
            pl.camera.zoom(0.85)
            data["panels"][array + (ZOOM if zoom else "")] = {"range": [lo, hi], "vertical_stretch": stretch}
        if show:
            plotters.append(pl)
        else:
            tiles.append(pl.screenshot(return_img=True))
            pl.close()
    png = outdir / f"{name}.png"
    if show:
        for pl in plotters:
            pl.show()
    else:
        top, bottom = np.hstack(tiles[:2]), np.hstack(tiles[2:])
        grid = np.vstack([top, bottom])
        grid[:, w - 1: w + 1] = 160  # thin grey separators
        grid[h - 1: h + 1, :] = 160
        from PIL import Image

        Image.fromarray(grid).save(png)
        print(f"wrote {png}")
    (outdir / f"{name}.json").write_text(json.dumps(data, indent=1) + "\n")
    return data


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("case", type=Path, help="a case directory (or its output/ directory)")
    p.add_argument("--show", action="store_true", help="open an interactive window instead of writing a PNG")
    p.add_argument("--name", default=NAME, help="file stem of the PNG")
    C.out_dir_arg(p)
    a = p.parse_args(argv)
    plot(a.case, a.out, name=a.name, show=a.show)
    return 0


if __name__ == "__main__":
    sys.exit(main())
