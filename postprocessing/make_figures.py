"""Build every figure for liplate's reference cases (``make figures``).

    .venv/bin/python postprocessing/make_figures.py                       # -> postprocessing/figures/
    .venv/bin/python postprocessing/make_figures.py --gallery docs/gallery  # also copy the gallery PNGs

For each reference case: skip it with a message if its directory is missing, run it
(``liplate run DIR``) if it has no completed outputs (``--force`` if they are of other inputs: a newer
liplate or an edited case.toml), then draw thickness vs capacity, voltage vs capacity, current
focusing, SEI (against capacity and along the collector), the deposit cross-sections of Cu and Li2Te-Cu at one
scale, a sweep-style plot of the reference cases' summaries, a pyvista quick-look, and
ParaView screenshots (pvbatch, under ``xvfb-run -a`` when there is no display) plus a
ParaView state file. ``--sweep results.csv --sweep-x X --sweep-y Y`` adds a plot of a real sweep; the
short-circuit map (shorts_map.py) is drawn from ``cases/shorts_map/results.csv`` when that sweep has run.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

try:
    from . import common as C
    from . import (
        cross_section,
        focusing,
        quicklook,
        sei,
        shorts_map,
        sweep_plot,
        thickness_vs_capacity,
        voltage_vs_capacity,
    )
except ImportError:  # run as a script
    import common as C
    import cross_section
    import focusing
    import quicklook
    import sei
    import shorts_map
    import sweep_plot
    import thickness_vs_capacity
    import voltage_vs_capacity

REFERENCE_CASES = (
    "cases/li2te_cu_0p5mA_1mAh",
    "cases/li2te_cu_0p5mA_3mAh",
    "cases/li2te_cu_0p5mA_5mAh",
    "cases/cu_0p5mA_1mAh",
    "cases/cu_0p5mA_3mAh",
    "cases/cu_0p5mA_5mAh",
    "cases/cu_1mA_1mAh",
    "cases/li2te_cu_1mA_1mAh",
    "cases/sharp_li2te_cu_0p5mA_1mAh",
    "cases/sharp_li2te_cu_0p5mA_3mAh",
    "cases/sharp_li2te_cu_0p5mA_5mAh",
)
# Case whose fields go to the ParaView screenshots / quick-look, one per substrate if present.
FIELD_CASES = ("cases/li2te_cu_0p5mA_1mAh", "cases/cu_0p5mA_1mAh")
GALLERY = ("thickness_vs_capacity.png", "voltage_vs_capacity.png", "focusing.png", "sei.png", "cross_section.png",
           "reference_voltage_vs_current.png", "quicklook_li2te_cu_0p5mA_1mAh.png", "quicklook_cu_0p5mA_1mAh.png",
           "paraview/li2te_cu_0p5mA_1mAh/paraview_phi.png", "paraview/li2te_cu_0p5mA_1mAh/paraview_current.png",
           "paraview/li2te_cu_0p5mA_1mAh/paraview_xi.png",
           "paraview/cu_0p5mA_1mAh/paraview_xi.png", "paraview/cu_0p5mA_1mAh/paraview_current.png")


def _liplate_cmd() -> list[str]:
    exe = Path(sys.executable).with_name("liplate")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "liplate.cli"]


def _stale(case_dir: Path) -> list[str]:
    """How the stored run's inputs differ from the case's now (a newer liplate, an edited case.toml)."""
    from liplate.case import CaseError, stored_input_changes

    try:
        return stored_input_changes(case_dir)
    except CaseError:
        return []


def ensure_outputs(case_dirs, run_missing: bool = True) -> list[Path]:
    """Case directories that have completed outputs, running those without (unless run_missing is False)."""
    ready = []
    for d in map(Path, case_dirs):
        if not d.is_dir():
            print(f"skip {d}: case directory missing")
            continue
        status = C.CaseOutput(d).summary.get("status")
        stale = status == "completed" and _stale(d)
        if (status != "completed" or stale) and run_missing:
            why = f"outputs from other inputs: {stale[0]}" if stale else "no completed outputs"
            print(f"run  {d} ({why}) ...", flush=True)
            t0 = time.perf_counter()
            force = ["--force"] if stale else []
            r = subprocess.run([*_liplate_cmd(), "run", str(d), *force], capture_output=True, text=True)
            print(f"     {d}: exit {r.returncode} in {time.perf_counter() - t0:.1f} s")
            if r.returncode != 0:
                print((r.stdout + r.stderr)[-2000:])
            status = C.CaseOutput(d).summary.get("status")
        if C.CaseOutput(d).exists:
            if status != "completed":
                print(f"note {d}: status {status!r}; plotted as it is")
            ready.append(d)
        else:
            print(f"skip {d}: no outputs")
    return ready


def write_reference_results(case_dirs, path: Path) -> Path:
    """A results.csv-like table (one row per case, every scalar summary key) for sweep_plot."""
    rows = []
    for d in case_dirs:
        s = C.CaseOutput(d).summary
        rows.append({"case": Path(d).name, **{k: v for k, v in s.items() if not isinstance(v, (dict, list))}})
    cols = list(dict.fromkeys(k for r in rows for k in r))
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=cols)
        w.writeheader()
        for r in rows:
            w.writerow({k: "" if r.get(k) is None else r.get(k) for k in cols})
    return path


def paraview_command() -> list[str] | None:
    """``pvbatch`` (under ``xvfb-run -a`` when there is no display), or None if ParaView is missing."""
    pvbatch = shutil.which("pvbatch")
    if pvbatch is None:
        return None
    if os.environ.get("DISPLAY"):
        return [pvbatch]
    xvfb = shutil.which("xvfb-run")
    return [xvfb, "-a", pvbatch] if xvfb else [pvbatch, "--force-offscreen-rendering"]


def paraview_env() -> dict:
    """The environment for ParaView's own Python: nothing from the venv."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if ".venv" not in p)
    return env


def paraview_screenshots(output_dir: Path, image_dir: Path, state: Path | None = None, timeout: float = 300) -> bool:
    cmd = paraview_command()
    if cmd is None:
        print("skip ParaView screenshots: pvbatch not found (install ParaView; see postprocessing/README.md)")
        return False
    script = Path(__file__).resolve().parent / "paraview" / "screenshots.py"
    args = [*cmd, str(script), str(output_dir), str(image_dir)] + (["--state", str(state)] if state else [])
    for attempt in range(3):
        r = subprocess.run(args, capture_output=True, text=True, env=paraview_env(), timeout=timeout)
        # xvfb-run -a can lose the race for a display number to another X server starting at the same time;
        # pvbatch itself aborts now and then when its render window cannot be created (SIGABRT) on a busy X
        # server. Both are retried; a script error (positive exit code) is not.
        retry = "xvfb" in args[0].lower() or r.returncode < 0
        if r.returncode == 0 or not retry or "wrote" in r.stdout:
            break
        print(f"     ParaView attempt {attempt + 1} failed (exit {r.returncode}); retrying")
        time.sleep(1 + attempt)
    for line in r.stdout.splitlines():
        if line.startswith(("wrote", "note")):
            print("     " + line)
    if r.returncode != 0:
        print(f"ParaView screenshots failed (exit {r.returncode}):\n{(r.stdout + r.stderr)[-2000:]}")
    return r.returncode == 0


def build(out: Path, cases=REFERENCE_CASES, run_missing: bool = True, with_paraview: bool = True,
          with_quicklook: bool = True, gallery: Path | None = None, state: Path | None = None,
          sweep: Path | None = None, sweep_x: str | None = None, sweep_y: list[str] | None = None,
          shorts: Path | None = None) -> dict:
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    ready = ensure_outputs(cases, run_missing)
    report = {"cases": [str(d) for d in ready], "figures": [], "skipped": []}
    if not ready:
        print("no reference case has outputs: nothing to plot")
    thickness_vs_capacity.plot(ready, out)
    voltage_vs_capacity.plot(ready, out)
    one_mAh = [d for d in ready if abs(C.CaseOutput(d).value("capacity_mAh_cm2") - 1.0) < 1e-9] or ready
    focusing.plot(one_mAh, out)
    wanted = [Path(f).name for f in FIELD_CASES]
    field_cases = sorted((Path(d) for d in ready if Path(d).name in wanted), key=lambda d: wanted.index(d.name))
    field_cases = field_cases or [Path(d) for d in ready[:1]]
    sei.plot(ready, out, profiles=field_cases)
    cross_section.plot(list(reversed(field_cases)), out)     # Cu islands above the Li2Te-Cu film, same scale
    report["figures"] += [f"{n}.png" for n in ("thickness_vs_capacity", "voltage_vs_capacity", "focusing", "sei",
                                               "cross_section")]
    if ready:
        table = write_reference_results(ready, out / "reference_results.csv")
        sweep_plot.plot(table, "current_density_mA_cm2", ["cell_voltage_final_V", "focusing_factor_peak"], out,
                        group="substrate", where=["capacity_mAh_cm2=1"], name="reference_voltage_vs_current")
        report["figures"].append("reference_voltage_vs_current.png")
    if shorts is not None:                  # the short-circuit map (cases/shorts_map's results.csv)
        shorts_map.plot(shorts, out)
        report["figures"].append(f"{shorts_map.NAME}.png")
    if sweep is not None:
        name = f"sweep_{'_'.join(sweep_y)}_vs_{sweep_x}"
        sweep_plot.plot(sweep, sweep_x, sweep_y, out, name=name)
        report["figures"].append(f"{name}.png")
    for d in field_cases:
        if with_quicklook:
            quicklook.plot(d, out, name=f"quicklook_{d.name}")
            report["figures"].append(f"quicklook_{d.name}.png")
        if with_paraview:
            img = out / "paraview" / d.name
            st = state if (state is not None and d == field_cases[0]) else None
            if paraview_screenshots(C.CaseOutput(d).outdir, img, st):
                man = json.loads((img / "paraview_manifest.json").read_text())
                report["figures"] += [f"paraview/{d.name}/{v['png']}" for v in man["images"].values()]
                report["skipped"] += [f"paraview/{d.name}: {k}: {v}" for k, v in man["skipped"].items()]
            else:
                report["skipped"].append(f"paraview/{d.name}")
    missing = [f for f in report["figures"] if not (out / f).is_file()]
    if missing:
        print("MISSING figures:", ", ".join(missing))
    report["missing"] = missing
    if gallery is not None:
        gallery.mkdir(parents=True, exist_ok=True)
        for f in GALLERY:
            if (out / f).is_file():
                parts = Path(f).parts  # paraview/<case>/paraview_<field>.png -> paraview_<field>_<case>.png
                dest = gallery / (f"{Path(f).stem}_{parts[1]}.png" if parts[0] == "paraview" else f)
                shutil.copyfile(out / f, dest)
                print(f"gallery: {dest} ({dest.stat().st_size // 1024} kB)")
    C.write_json(out / "make_figures_report.json", report)   # strict JSON (NaN -> null)
    print(f"{len(report['figures']) - len(missing)} figures in {out}; skipped: {len(report['skipped'])}")
    return report


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    C.out_dir_arg(p)
    p.add_argument("--cases", nargs="+", help="case directories (default: the reference cases, from the repo root)")
    p.add_argument("--no-run", action="store_true", help="do not run cases that lack outputs")
    p.add_argument("--no-paraview", action="store_true", help="skip the ParaView screenshots")
    p.add_argument("--no-quicklook", action="store_true", help="skip the pyvista quick-look")
    p.add_argument("--gallery", type=Path, help="copy the gallery PNGs to this directory (e.g. docs/gallery)")
    p.add_argument("--state", type=Path, help="also write a ParaView state (.pvsm) for the first field case")
    p.add_argument("--sweep", type=Path, help="a sweep's results.csv to plot as well")
    p.add_argument("--sweep-x", default="current_density_mA_cm2")
    p.add_argument("--sweep-y", action="append", help="metric(s) for --sweep (default short_capacity_mAh_cm2)")
    p.add_argument("--shorts", type=Path, default=C.REPO_ROOT / "cases" / "shorts_map" / "results.csv",
                   help="results.csv of the short-circuit sweep (drawn if present)")
    a = p.parse_args(argv)
    a.shorts = a.shorts.resolve() if a.shorts.is_file() else None
    if a.cases is None:  # reference cases are named relative to the repository root
        a.out = a.out.resolve()
        a.gallery, a.state, a.sweep = (None if v is None else v.resolve() for v in (a.gallery, a.state, a.sweep))
        os.chdir(C.REPO_ROOT)
        a.cases = list(REFERENCE_CASES)
    rep = build(a.out, a.cases, run_missing=not a.no_run, with_paraview=not a.no_paraview,
                with_quicklook=not a.no_quicklook, gallery=a.gallery, state=a.state, sweep=a.sweep,
                sweep_x=a.sweep_x, sweep_y=a.sweep_y or ["short_capacity_mAh_cm2"], shorts=a.shorts)
    return 1 if rep["missing"] else 0


if __name__ == "__main__":
    sys.exit(main())
