"""The time loop: adaptive dt, rejected-step retries, frames and checkpoints at fixed capacities.

Galvanostatic protocol: the applied current density j is constant; the run ends when the passed
charge reaches the target capacity (status "completed") or when the model reports a short circuit
(status "short_circuit", after writing that step's row and a last frame). Output frames fall at
capacities Q k / frames (steps are cut to land on them exactly), so a resumed run takes the same steps
as an uninterrupted one.
A step the model rejects (:class:`StepFailed`) is rolled back and retried with dt / 2; below
``dt_min`` the run stops with status ``failed``. After an accepted step dt grows by ``dt_growth``
unless the step needed more than ``dt_target_sweeps`` nonlinear sweeps (:func:`next_dt`), up to ``dt_max``,
or ``dt_max_late`` once the passed charge reaches ``late_capacity``, and up to the model's own cap in its state
(``Model.step_limit``) (:meth:`Stepper.step_cap`).
"""
from __future__ import annotations

import logging
import math
import time as _time
from dataclasses import asdict, dataclass

from .models.base import Model, StepFailed

log = logging.getLogger("liplate")


class RunFailed(RuntimeError):
    pass


def next_dt(dt: float, sweeps: int, growth: float, dt_max: float, target_sweeps: int = 0) -> float:
    """The step controller: after an easy step (at most ``target_sweeps`` nonlinear sweeps, or always when
    it is 0) dt grows by ``growth``; after a harder one it stays, so dt settles where the sweeps converge
    in about the target instead of growing into rejected steps (each costs a full set of sweeps)."""
    if target_sweeps and sweeps > target_sweeps:
        return min(dt, dt_max)
    return min(dt * growth, dt_max)


@dataclass
class StepperState:
    time: float = 0.0          # s
    charge: float = 0.0        # C/m^2 passed
    dt: float = 1.0            # s, the controller's next step
    steps: int = 0
    rejected: int = 0
    frame: int = 0             # index of the last frame written (0 = initial)
    wall_time: float = 0.0     # s spent in earlier (resumed) segments

    def as_dict(self) -> dict:
        return asdict(self)


class Stepper:
    """Runs ``model`` under a galvanostatic protocol; callbacks write rows, frames and checkpoints."""

    def __init__(self, model: Model, case, on_row=None, on_frame=None, on_checkpoint=None, progress=None,
                 between_steps=None):
        self.model = model
        p, n, o = case["protocol"], case["numerics"], case["output"]
        self.j = p["current_density"]
        # the protocol's capacity or the counter electrode's Li, whichever comes first (liplate.case.plating_limit)
        self.q_target = case.plating_limit()[0]
        self.dt_max, self.dt_min, self.growth = n["dt_max"], n["dt_min"], n["dt_growth"]
        #: optional later cap: dt_max_late from the passed charge late_capacity on (both set or neither)
        self.dt_max_late, self.q_late = n.get("dt_max_late"), n.get("late_capacity")
        self.target_sweeps = int(n.get("dt_target_sweeps", 0))
        self.frames = int(o["frames"])
        self.row_every = int(o["timeseries_every"])
        self.checkpoint_every = o["checkpoint_every"]
        self.on_row, self.on_frame, self.on_checkpoint = on_row, on_frame, on_checkpoint
        self.progress = progress
        #: called before every step attempt; raises to stop the run there (a signal that arrived during a step)
        self.between_steps = between_steps
        self.dt_initial = n["dt_initial"]

    def step_cap(self, charge: float) -> float:
        """The largest step at a passed charge: dt_max, or dt_max_late once the charge reaches late_capacity
        (dt then grows to the new cap by dt_growth per accepted step, or stays below a smaller one), and at most
        the model's own cap in its present state (``Model.step_limit``, e.g. while the phase field holds Li below
        its mesh)."""
        cap = self.dt_max
        if self.q_late is not None and charge >= self.q_late * (1 - 1e-12):
            cap = self.dt_max_late
        own = self.model.step_limit()
        return cap if own is None else min(cap, own)

    def frame_charge(self, k: int) -> float:
        return self.q_target * k / self.frames

    def elapsed(self) -> float:
        """Wall time of this run including earlier resumed segments (s)."""
        return self.wall_before + _time.perf_counter() - self.segment_start

    def run(self, state: StepperState | None = None) -> tuple[StepperState, str]:
        """Step until the target capacity or a short circuit. Returns (state, status), status "completed" or
        "short_circuit"."""
        st = state or StepperState(dt=self.dt_initial)
        t_start = self.segment_start = _time.perf_counter()
        self.wall_before = st.wall_time
        last_ckpt = t_start
        status = "completed"
        while st.frame < self.frames:
            if self.between_steps:
                self.between_steps()
            q_next = self.frame_charge(st.frame + 1)
            # the controller's dt never exceeds the cap in force (a smaller cap, e.g. the model's own, takes over
            # at once, and once it is lifted dt grows from it by dt_growth per step, not in one jump)
            st.dt = min(st.dt, self.step_cap(st.charge))
            dt_try = min(st.dt, (q_next - st.charge) / self.j)
            saved = self.model.get_state()
            try:
                report = self.model.advance(dt_try, self.j)
            except StepFailed as exc:
                self.model.set_state(saved)
                st.rejected += 1
                st.dt = dt_try / 2
                log.warning("step rejected at t=%.6g s (dt=%.3g s): %s; retrying with dt=%.3g s",
                            st.time, dt_try, exc, st.dt)
                if st.dt < self.dt_min:
                    st.wall_time += _time.perf_counter() - t_start
                    raise RunFailed(f"time step fell below dt_min = {self.dt_min:g} s at t = {st.time:.6g} s "
                                    f"after {st.rejected} rejected steps; last error: {exc}") from exc
                continue
            st.time += dt_try
            st.charge += self.j * dt_try
            st.steps += 1
            reached = st.charge >= q_next * (1 - 1e-12)
            if reached:
                st.charge = q_next
            # Grow from the controller's dt, not from a step that was cut to land on a frame.
            if dt_try >= st.dt * (1 - 1e-12):
                st.dt = next_dt(st.dt, report.sweeps, self.growth, self.step_cap(st.charge), self.target_sweeps)
            obs = self.model.observables()
            shorted = bool(obs.get("short_circuit"))
            if self.on_row and (reached or shorted or st.steps % self.row_every == 0):
                self.on_row(st, obs, report)
            if self.progress:
                self.progress(st)
            if shorted:
                # a short is a result, not a failure: the run ends here, its last row and frame written
                status = "short_circuit"
                st.frame += 1
                if self.on_frame:
                    self.on_frame(st, obs)
                log.info("short circuit at %.4g C/m^2 passed (t = %.4g s); stopping", st.charge, st.time)
                break
            now = _time.perf_counter()
            if reached:
                st.frame += 1
                if self.on_frame:
                    self.on_frame(st, obs)
                if self.on_checkpoint and self.checkpoint_every == 0:
                    self.on_checkpoint(st)
                    last_ckpt = now
            if self.on_checkpoint and self.checkpoint_every > 0 and now - last_ckpt >= self.checkpoint_every:
                self.on_checkpoint(st)
                last_ckpt = now
        st.wall_time += _time.perf_counter() - t_start
        if not math.isfinite(st.charge):
            raise RunFailed("non-finite charge")
        return st, status
