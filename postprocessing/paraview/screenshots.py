"""ParaView screenshots of a liplate case: xi, phi, |j| with streamlines (pvbatch script).

Run with ParaView's own Python (never the venv), through xvfb-run where there is no display:

    xvfb-run -a pvbatch postprocessing/paraview/screenshots.py \
        cases/li2te_cu_0p5mA_1mAh/output postprocessing/figures/paraview

It opens ``OUTPUT/fields.pvd`` at its last time and writes one PNG per field present in the
frames, each of the whole domain, with a colour bar (Viridis) whose range covers the field over all
time steps (so the views of one case compare across time), the xi = 1/2 contour (the Li|SE interface,
black) where the frames have ``xi``, and axes graduated in metres (the VTU coordinates are SI, as the
fields, so ParaView's Gradient and Integrate Variables give SI numbers):

    paraview_xi.png         phase field xi (1 = lithium, 0 = electrolyte)      array ``xi``
    paraview_phi.png        electrolyte potential phi (V)                       array ``phi_V``
    paraview_current.png    |j| (A/m^2) with streamlines of j (white)          ``current_density_magnitude_A_m2``
    paraview_filament.png   the Li filaments beyond the deposit front           ``filament`` (only if any)

The current is the model's own (face fluxes with its face conductivities, see liplate.io.fields):
the area integral of the frames' ``reaction_A_m3`` (Filters > Integrate Variables; a thin layer at the
interface, not drawn here) is the applied current density times the width (A per metre of depth).
Fields that are absent are skipped with a note. Per-column quantities (SEI thickness) are not screenshot:
the frames repeat them over every cell of a column, which reads as if they filled the electrolyte; they
are drawn along the collector instead (``postprocessing/sei.py``). ``IMAGES/paraview_manifest.json`` lists
each image, its array, the data range mapped to the colour bar (over all time steps) and the colour map,
so a test can find the field's colours in the picture.

``--state FILE.pvsm`` also saves a ParaView state with one view per field in a single layout, at the
last time step (the time label follows the animation time); the colour ranges are those of the case it
was made from (in the GUI, "Rescale to data range over all timesteps" adapts them to another case); the
reader's file name is written as the bare ``fields.pvd`` (no absolute path). Load it in the GUI with
File > Load State, "Load State Data File Options: Search files under specified directory", Data
Directory = a case's ``output/`` directory; or ``LoadState(FILE, data_directory=OUTPUT)`` in pvpython.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import re
import sys

from paraview.simple import (  # noqa: F401  (pvbatch provides paraview.simple)
    AnnotateTime,
    AssignViewToLayout,
    CellDatatoPointData,
    ColorBy,
    Contour,
    CreateLayout,
    CreateView,
    GetAnimationScene,
    GetColorTransferFunction,
    GetScalarBar,
    PVDReader,
    Render,
    SaveScreenshot,
    SaveState,
    Show,
    StreamTracer,
)

COLORMAP = "Viridis (matplotlib)"
# (key, array, colour-bar title, file stem)
FIELDS = (
    ("xi", "xi", "xi: phase field (1 = Li, 0 = SE)", "paraview_xi"),
    ("phi", "phi_V", "phi: electrolyte potential (V)", "paraview_phi"),
    ("current", "current_density_magnitude_A_m2", "current density magnitude (A/m²)", "paraview_current"),
    # [penetration] on: 1 in the cells of a Li filament beyond the deposit front (docs/penetration.md)
    ("filament", "filament", "Li filament in the SE (1 = Li-filled crack)", "paraview_filament"),
)
#: fields drawn only where they are non-zero somewhere (a run without a filament has nothing to show)
ONLY_IF_PRESENT = ("filament",)
VECTOR = "current_density_A_m2"
INTERFACE = ("xi", 0.5)   # the Li|SE interface: contour of the phase field at 1/2



def _finite(obj):
    """``obj`` with every non-finite float as None (strict JSON; pvpython has no liplate to import)."""
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: _finite(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_finite(v) for v in obj]
    return obj

def _array_range(source, name):
    info = source.CellData.GetArray(name)
    if info is None:
        return None
    lo, hi = info.GetRange(-1 if info.GetNumberOfComponents() > 1 else 0)
    return float(lo), float(hi)


def _ranges_over_time(source, names, times):
    """{name: (min, max) over every time step} for the arrays present (a frame may lack none of them)."""
    out = {}
    for t in times:
        source.UpdatePipeline(t)
        for name in names:
            rng = _array_range(source, name)
            if rng is None:
                continue
            lo, hi = out.get(name, rng)
            out[name] = (min(lo, rng[0]), max(hi, rng[1]))
    return out


def _style_view(view, size):
    view.ViewSize = list(size)
    view.OrientationAxesVisibility = 0
    view.CameraParallelProjection = 1
    view.InteractionMode = "2D"
    try:
        view.UseColorPaletteForBackground = 0
    except AttributeError:
        pass
    view.Background = [1.0, 1.0, 1.0]


def _axes_in_m(display):
    grid = display.DataAxesGrid
    grid.GridAxesVisibility = 1
    grid.XTitle = "x (m)"
    grid.YTitle = "y (m)"
    grid.ZTitle = ""
    for axis in ("X", "Y"):
        setattr(grid, f"{axis}AxisNotation", "Scientific")
        setattr(grid, f"{axis}AxisPrecision", 1)
    for axis in ("X", "Y"):
        setattr(grid, f"{axis}TitleColor", [0.0, 0.0, 0.0])
        setattr(grid, f"{axis}LabelColor", [0.0, 0.0, 0.0])
        setattr(grid, f"{axis}TitleFontSize", 14)
        setattr(grid, f"{axis}LabelFontSize", 12)
    grid.GridColor = [0.3, 0.3, 0.3]
    grid.AxesToLabel = 3  # min-X and min-Y faces only: a 2D graph frame


def _fit_camera(view, bounds):
    x0, x1, y0, y1 = bounds[0], bounds[1], bounds[2], bounds[3]
    cx, cy = 0.5 * (x0 + x1), 0.5 * (y0 + y1)
    view.CameraPosition = [cx, cy, 10 * max(x1 - x0, y1 - y0)]
    view.CameraFocalPoint = [cx, cy, 0.0]
    view.CameraViewUp = [0.0, 1.0, 0.0]
    w, h = view.ViewSize
    # leave room for the axis labels and the colour bar
    view.CameraParallelScale = 0.5 * max((y1 - y0) * 1.45, (x1 - x0) * 1.45 * h / w)


def build_view(reader, key, array, title, size, data_range, time, points=None, interface=None):
    view = CreateView("RenderView")
    _style_view(view, size)
    view.ViewTime = time
    disp = Show(reader, view)
    disp.Representation = "Surface"
    ColorBy(disp, ("CELLS", array))
    disp.Ambient, disp.Diffuse, disp.Specular = 1.0, 0.0, 0.0  # unlit: pixels are the colour-map colours
    lut = GetColorTransferFunction(array)
    lut.ApplyPreset(COLORMAP, True)
    lo, hi = data_range
    if hi - lo <= 1e-12 * max(1.0, abs(hi)):
        lo, hi = lo - 0.5 * max(abs(lo), 1e-12), hi + 0.5 * max(abs(hi), 1e-12)
    lut.RescaleTransferFunction(lo, hi)
    lut.AutomaticRescaleRangeMode = "Never"
    bar = GetScalarBar(lut, view)
    bar.Title = title
    bar.ComponentTitle = ""
    bar.Visibility = 1
    bar.TitleColor = [0.0, 0.0, 0.0]
    bar.LabelColor = [0.0, 0.0, 0.0]
    bar.TitleFontSize = 14
    bar.LabelFontSize = 12
    bar.WindowLocation = "Any Location"
    bar.Orientation = "Vertical"
    bar.Position = [0.87, 0.15]
    bar.ScalarBarLength = 0.7
    bar.RangeLabelFormat = "%-#.4g"
    disp.SetScalarBarVisibility(view, True)
    _axes_in_m(disp)
    if key == "current" and VECTOR in reader.CellData.keys():
        b = reader.GetDataInformation().GetBounds()
        st = StreamTracer(Input=points, SeedType="Line")
        st.Vectors = ["POINTS", VECTOR]
        st.SeedType.Point1 = [b[0] + 1e-3 * (b[1] - b[0]), b[3] - 1e-3 * (b[3] - b[2]), 0.0]
        st.SeedType.Point2 = [b[1] - 1e-3 * (b[1] - b[0]), b[3] - 1e-3 * (b[3] - b[2]), 0.0]
        st.SeedType.Resolution = 24
        st.IntegrationDirection = "BOTH"
        st.MaximumStreamlineLength = 4 * max(b[1] - b[0], b[3] - b[2])
        sd = Show(st, view)
        sd.ColorArrayName = ["POINTS", ""]
        sd.AmbientColor = sd.DiffuseColor = [1.0, 1.0, 1.0]
        sd.LineWidth = 1.0
    if interface is not None:
        cd = Show(interface, view)
        cd.ColorArrayName = ["POINTS", ""]
        cd.AmbientColor = cd.DiffuseColor = [0.0, 0.0, 0.0]
        cd.LineWidth = 2.5
    return view


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("output", help="a case's output/ directory (with fields.pvd)")
    p.add_argument("images", help="directory for the PNGs and paraview_manifest.json")
    p.add_argument("--state", help="also save a ParaView state file (.pvsm) with relative data paths")
    p.add_argument("--size", default="1000x560", help="image size WxH in pixels")
    a = p.parse_args(argv)
    size = [int(v) for v in a.size.lower().split("x")]
    pvd = os.path.join(os.path.abspath(a.output), "fields.pvd")
    if not os.path.isfile(pvd):
        print(f"error: {pvd} not found (run the case first)", file=sys.stderr)
        return 2
    os.makedirs(a.images, exist_ok=True)
    reader = PVDReader(registrationName="fields.pvd", FileName=pvd)
    tv = reader.TimestepValues
    try:
        times = [float(t) for t in tv]
    except TypeError:  # a single time step comes back as a scalar
        times = [float(tv)]
    times = times or [0.0]
    t_last = float(times[-1])
    ranges = _ranges_over_time(reader, [f[1] for f in FIELDS], times)
    reader.UpdatePipeline(t_last)
    arrays = list(reader.CellData.keys())
    points = CellDatatoPointData(registrationName="point_data", Input=reader)
    interface = None
    if INTERFACE[0] in arrays:
        interface = Contour(registrationName="interface_xi_0.5", Input=points, ContourBy=["POINTS", INTERFACE[0]],
                            Isosurfaces=[INTERFACE[1]])
    contour = f"{INTERFACE[0]} = {INTERFACE[1]:g}" if interface else None
    manifest = {"output": a.output, "time_s": t_last, "colormap": COLORMAP, "coordinates": "m",
                "colour_range": "all time steps", "contour": contour,
                "time_steps": len(times), "arrays_in_output": arrays, "images": {}, "skipped": {}}
    views = []
    for key, array, title, stem in FIELDS:
        rng = ranges.get(array)
        if rng is None:
            msg = f"array {array!r} not in {os.path.basename(pvd)}: not modelled in these outputs"
            print(f"note: {key}: {msg}; skipped")
            manifest["skipped"][key] = msg
            continue
        if key in ONLY_IF_PRESENT and not rng[1] > rng[0]:
            msg = f"array {array!r} is {rng[0]:g} everywhere at every time: nothing to show"
            print(f"note: {key}: {msg}; skipped")
            manifest["skipped"][key] = msg
            continue
        view = build_view(reader, key, array, title, size, rng, t_last, points, interface)
        # the view's time, not a fixed text: the state shows the time of the frame it displays
        label = AnnotateTime(registrationName=f"time_{key}")
        label.Format = "t = {time:g} s"
        ld = Show(label, view)
        ld.Color = [0.0, 0.0, 0.0]
        ld.FontSize = 12
        ld.WindowLocation = "Upper Left Corner"
        Render(view)
        _fit_camera(view, reader.GetDataInformation().GetBounds())  # after the first render, which resets it
        Render(view)
        png = os.path.join(a.images, stem + ".png")
        SaveScreenshot(png, view, ImageResolution=size, TransparentBackground=0)
        manifest["images"][key] = {"png": stem + ".png", "array": array, "range": list(rng),
                                   "title": title, "streamlines": key == "current"}
        views.append((key, view))
        print(f"wrote {png}")
    with open(os.path.join(a.images, "paraview_manifest.json"), "w") as fh:
        json.dump(_finite(manifest), fh, indent=1, allow_nan=False)   # strict JSON: NaN/inf -> null
    if a.state:
        scene = GetAnimationScene()                  # the state opens at the last frame, as the screenshots
        scene.UpdateAnimationUsingDataTimeSteps()
        scene.AnimationTime = t_last
        layout = CreateLayout("liplate")
        for i, (_key, view) in enumerate(views):
            AssignViewToLayout(view=view, layout=layout, hint=0)
            del i
        SaveState(a.state)
        with open(a.state) as fh:
            text = fh.read()
        # Relative data path: the state must load from any checkout (see the module docstring).
        text = text.replace(pvd, "fields.pvd").replace(os.path.dirname(pvd) + os.sep, "")
        text = re.sub(r'value="[^"]*/fields\.pvd"', 'value="fields.pvd"', text)
        with open(a.state, "w") as fh:
            fh.write(text)
        print(f"wrote {a.state}")
    return 0


if __name__ == "__main__":
    rc = main()
    sys.stdout.flush()
    sys.stderr.flush()
    # Debian's ParaView 5.11 under Xvfb can abort in its GL teardown (GLXBadContext) after all files
    # are written; leave without running it so that the exit status reports the script's own result.
    os._exit(rc)
