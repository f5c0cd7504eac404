"""The interfacial kinetics of this paper's cell: calibration on its one first-plating voltage, the predictions
that follow, and the small-signal interfacial resistances of the model's own state (docs/phasefield.md,
"Interfacial kinetics of this paper's cell").

One command each (rerun after any physics change that moves the first-plating voltage, e.g. nucleation)::

    OMP_NUM_THREADS=1 python -m liplate.calibration kinetics   # root-find j0: Li2Te-Cu, 0.5 mA/cm^2 peak = 18 mV
    OMP_NUM_THREADS=1 python -m liplate.calibration predict    # the docs table: predictions and R_SEI + R_ct

**Which parameter, and why one.** BRIEF §2 gives one voltage of this paper's cell, the first-plating peak of
Li2Te-Cu at 0.5 mA/cm^2, 18 mV (vs the Li counter electrode: SE ohmic drop and counter electrode included).
The pellet's ohmic drop is fixed by measured numbers (0.713 mm at 3.2 mS/cm: 11.1 mV), so the measurement
sets the two Li|LPSCl interfaces of the cell. The calibrated parameter is the exchange current density j0 of
Li+ + e- -> Li on Li|LPSCl, one value for the working interface (``lpscl.exchange_current_density``), the Li
counter electrode (``cell.counter_exchange_current_density``, the same interface) and the reduction on the bare
collectors (``cu/li2te_cu.bare_exchange_current_density``, assumed equal to it): BRIEF §6 marks j0 *calibrate*
on this point. An interphase resistance instead would have to sit at the working interface, which in an
anode-free cell starts without Li and without SEI (``sei.initial_thickness`` = 0; its growth is calibrated on
Aktekin et al.), or at the counter electrode alone; one data point cannot split the two, so the counter
electrode's own interphase is lumped into its effective j0 (said in the docs).

**Plausibility.** R_P ~ 0.8 ohm cm^2 of another study's Li|LPSCl cell bounds that interface's j0 from below,
j0 >= RT/(F R_P) = 32 mA/cm^2 (BRIEF §6); this cell is more resistive (BRIEF §2), so the calibrated j0 is
compared with it and with the 1-5 mA/cm^2 of most reports, not tied to it.

**Small-signal resistance.** At the model's state after plating (xi, SEI, fill frozen) the applied current is
perturbed by +-1 % over a probe step of 1 ms (the Faraday growth in it is 1e-12 m) and the voltage parts are
differenced (central): R = -dV/dj (ohm m^2 of collector). Working interface: R_WE = -d<eta>/dj with <eta> the
current-weighted interfacial overpotential (charge transfer + SEI, on the Li|SE area that carries the current);
counter electrode: R_CE = -d eta_CE/dj; constriction: -d eta_ohmic/dj - L/sigma (the window's ohmic drop beyond
a uniform pellet: current crowding into islands). An impedance measurement of the half-cell puts the high-
frequency intercept at L/sigma (the double layer shorts every interface, bare Cu included) and R_WE +
constriction + R_CE into its arcs.
"""
from __future__ import annotations

import argparse
import math
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import metrics
from .physics.constants import FARADAY, GAS_CONSTANT
from .units import A_M2_PER_MA_CM2, C_M2_PER_MAH_CM2

REPO = Path(__file__).resolve().parents[2]

#: BRIEF §2, *calibrate*: first-plating voltage (peak magnitude, vs Li) of Li2Te-Cu at 0.5 mA/cm^2 (V)
MEASURED_FIRST_PLATING_V = 18e-3
CALIBRATION_CASE = "li2te_cu_0p5mA_1mAh"
#: the one j0 of Li+ + e- -> Li on Li|LPSCl and where it enters (the parameter sets take the last three from
#: the first; a calibration run overrides all four)
TIED_J0_KEYS = ("lpscl.exchange_current_density", "cell.counter_exchange_current_density",
                "cu.bare_exchange_current_density", "li2te_cu.bare_exchange_current_density")
#: BRIEF §6: polarization resistance of Li|LPSCl in another study's cell (ohm m^2): 0.8 ohm cm^2
OTHER_STUDY_R_P = 0.8e-4
#: the predictions (BRIEF §2: "report them, do not guess them") and the cases that carry them
PREDICTION_CASES = ("li2te_cu_1mA_1mAh", "cu_0p5mA_1mAh", "cu_1mA_1mAh")
RESISTANCE_CASES = ("cu_0p5mA_1mAh", "li2te_cu_0p5mA_1mAh")
#: small-signal probe: relative current perturbation and probe step (s)
PROBE_REL = 0.01
PROBE_DT = 1e-3
#: bracket of the root search (A/m^2): 0.5-100 mA/cm^2
J0_BRACKET = (5.0, 1000.0)


def case_data(case_dir: Path) -> dict:
    """The case file as a dict, ``[parameters]`` nested by set (liplate.sweep.expand's form)."""
    from .sweep.expand import _normalise_parameters, tomllib

    return _normalise_parameters(tomllib.loads((Path(case_dir) / "case.toml").read_text()))


def write_variant(case_dir: Path, dest: Path, overrides: dict) -> Path:
    """A copy of the case in ``dest`` with dotted-path ``overrides`` (values as in case files)."""
    from .sweep.expand import dumps_toml, set_path

    data = case_data(case_dir)
    for path, value in overrides.items():
        set_path(data, path, value)
    dest.mkdir(parents=True, exist_ok=True)
    (dest / "case.toml").write_text(dumps_toml(data))
    return dest


def j0_overrides(j0: float, substrate: str = "li2te_cu") -> dict:
    """Case-file overrides that set the tied j0 (A/m^2) everywhere it enters a case on ``substrate`` (the
    other collector's parameter has no effect there, and a case may not set it)."""
    from .parameters import SUBSTRATES

    text = f"{j0 / A_M2_PER_MA_CM2!r} mA/cm^2"
    other = tuple(f"{s}." for s in SUBSTRATES if s != substrate)
    return {f"parameters.{k}": text for k in TIED_J0_KEYS if not k.startswith(other)}


@dataclass
class Run:
    model: object
    case: object
    rows: list[dict]

    def first_plating(self) -> tuple[float, float]:
        """(peak |V|, plateau |V|) in V (liplate.metrics.first_plating_voltage on the rows), the peak taken over
        every sub-step as well: the model's ``voltage_peak`` (the most negative cell voltage of the first-
        plating window, models/phasefield/model.py). The nucleation transient is sub-stepped inside one output
        step, so the rows alone sample the double-layer ramp where an output step happens to end (on Cu the
        rows give the same 420 mV for any contact angle, the sub-steps 474-537 mV)."""
        q = [r["charge_C_m2"] for r in self.rows]
        v = [r["voltage_V"] for r in self.rows]
        return metrics.first_plating_voltage(q, v, substep_peak=getattr(self.model, "voltage_peak", None))


def run(case_dir: Path) -> Run:
    """Run a case in this process, as ``liplate run`` steps it (same Stepper), writing nothing; keep the model."""
    from .case import load_case
    from .models import build_model
    from .stepping import Stepper, StepperState

    case = load_case(case_dir)
    model = build_model(case)
    rows: list[dict] = []

    def on_row(st, obs, report=None):
        rows.append({"charge_C_m2": st.charge, **obs})

    Stepper(model, case, on_row=on_row).run(StepperState(dt=case["numerics"]["dt_initial"]))
    return Run(model, case, rows)


def first_plating_peak(case_dir: Path, overrides: dict, workdir: Path) -> float:
    """Peak |V| (V) of the first-plating transient of the case with ``overrides``, run only through the window
    (capacity = metrics.FIRST_PLATING_CHARGE, one frame: the same steps as the full case's first frame when
    the full case has 10 frames per 1 mAh/cm^2)."""
    window = metrics.FIRST_PLATING_CHARGE / C_M2_PER_MAH_CM2
    over = {"protocol.capacity": f"{window!r} mAh/cm^2", "output.frames": 1, **overrides}
    r = run(write_variant(case_dir, workdir, over))
    return r.first_plating()[0]


def calibrate_exchange_current(case_dir: Path | None = None, target: float = MEASURED_FIRST_PLATING_V,
                               rtol: float = 1e-4, log=print) -> float:
    """j0 (A/m^2) at which the case's first-plating peak equals ``target`` (brentq on log j0)."""
    from scipy.optimize import brentq

    case_dir = Path(case_dir or REPO / "cases" / CALIBRATION_CASE)
    with tempfile.TemporaryDirectory(prefix="liplate_cal_") as tmp:
        def residual(log_j0):
            j0 = math.exp(log_j0)
            peak = first_plating_peak(case_dir, j0_overrides(j0), Path(tmp) / f"j0_{j0:.6g}")
            log(f"  j0 = {j0 / A_M2_PER_MA_CM2:8.4f} mA/cm^2: first-plating peak {1e3 * peak:7.3f} mV")
            return peak - target

        lo, hi = (math.log(b) for b in J0_BRACKET)
        return math.exp(brentq(residual, lo, hi, rtol=rtol))


def small_signal(model, j_app: float, rel: float = PROBE_REL, dt: float = PROBE_DT) -> dict:
    """Area resistances (ohm m^2) of the model's present state by a +-rel perturbation of the current (module
    docstring). The state is restored afterwards."""
    saved = model.get_state()
    obs = {}
    try:
        for sign in (1, -1):
            model.set_state(saved)
            model.advance(dt, j_app * (1.0 + sign * rel))
            obs[sign] = model.observables()
    finally:
        model.set_state(saved)
    dj = 2.0 * rel * j_app

    def r(key):
        return -(obs[1][key] - obs[-1][key]) / dj

    case = model.case
    bulk = case["domain"]["electrolyte_thickness"] / case.p("lpscl.conductivity")
    out = {"cell": r("voltage_V"), "working_interface": r("eta_interface_mean_V"), "counter": r("eta_counter_V"),
           "ohmic": r("eta_ohmic_V"), "bulk": bulk}
    out["constriction"] = out["ohmic"] - bulk
    return out


def _ohm_cm2(r: float) -> float:
    return r / 1e-4


def predict(log=print) -> dict:
    """The docs table: first-plating peak/overshoot of every shipped 1 mAh/cm^2 case and the small-signal
    resistances after 1 mAh/cm^2 at 0.5 mA/cm^2, at the shipped parameters."""
    out: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="liplate_predict_") as tmp:
        for name in (CALIBRATION_CASE, *PREDICTION_CASES):
            out[name] = _predict_case(name, Path(tmp) / name)
            log(f"{name}: " + ", ".join(f"{k} {v:.4g}" for k, v in out[name].items()))
    return out


def _predict_case(name: str, workdir: Path) -> dict:
    """One row of :func:`predict`. The resistance cases run without the filament model: the resistances are those
    of the deposit after 1 mAh/cm^2, which the shipped Cu cases (penetration on) do not reach, they short first; the
    first-plating window (0.1 mAh/cm^2) ends before any short of the map."""
    from .physics.kinetics import small_signal_interface_resistance

    case_dir = REPO / "cases" / name
    if name in RESISTANCE_CASES:
        case_dir = write_variant(case_dir, workdir, {"penetration.enabled": False})
    r = run(case_dir)
    peak, plateau = r.first_plating()
    entry = {"peak_mV": 1e3 * peak, "overshoot_mV": 1e3 * (peak - plateau)}
    if name in RESISTANCE_CASES:
        m = r.model
        j_app = r.case["protocol"]["current_density"]
        ss = small_signal(m, j_app)
        entry.update({f"R_{k}_ohm_cm2": _ohm_cm2(v) for k, v in ss.items()})
        obs = m.observables()
        sei = (obs.get("sei_thickness_mean_nm") or 0.0) * 1e-9
        entry["R_flat_analytic_ohm_cm2"] = _ohm_cm2(small_signal_interface_resistance(
            j_app, r.case.p("lpscl.exchange_current_density"), r.case.p("lpscl.transfer_coefficient"),
            r.case["protocol"]["temperature"], sei / r.case.p("sei.effective_conductivity")))
        entry["wetted_fraction"] = obs["wetted_fraction"]
    return entry


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m liplate.calibration", description=__doc__.split("\n\n")[0])
    ap.add_argument("what", choices=("kinetics", "predict"))
    args = ap.parse_args(argv)
    if args.what == "kinetics":
        from .case import load_case

        case = load_case(REPO / "cases" / CALIBRATION_CASE)
        T = case["protocol"]["temperature"]
        print(f"calibrating j0 ({', '.join(TIED_J0_KEYS)}) on {CALIBRATION_CASE}: first-plating peak "
              f"{1e3 * MEASURED_FIRST_PLATING_V:g} mV (BRIEF §2)")
        j0 = calibrate_exchange_current()
        r_ct = GAS_CONSTANT * T / (FARADAY * j0)
        print(f"j0 = {j0 / A_M2_PER_MA_CM2:.4g} mA/cm^2 = {j0:.4g} A/m^2  (shipped: "
              f"{case.p('lpscl.exchange_current_density'):.4g} A/m^2)")
        print(f"plausibility: R_ct = RT/(F j0) = {_ohm_cm2(r_ct):.3g} ohm cm^2 per interface, "
              f"{r_ct / OTHER_STUDY_R_P:.2g} x the other study's R_P = {_ohm_cm2(OTHER_STUDY_R_P):g} ohm cm^2 "
              f"(its j0 >= {GAS_CONSTANT * T / (FARADAY * OTHER_STUDY_R_P) / A_M2_PER_MA_CM2:.3g} mA/cm^2); "
              "most reports: 1-5 mA/cm^2 (BRIEF §6)")
        print("set this value (3 significant digits) in lpscl.exchange_current_density "
              "(src/liplate/parameters/lpscl.py); " + ", ".join(TIED_J0_KEYS[1:]) + " take it from there")
    else:
        res = predict()
        if not np.isfinite(res[CALIBRATION_CASE]["peak_mV"]):
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
