"""Lithium budget of a plated film: Faraday's law minus the SEI and creep sinks, per column.

Per unit collector area, with plating current density j (> 0) and passed charge Q = int j dt:

    Q / F = (h + d_fill + h_out) / V_m + c_Li,SEI (delta - delta0)                      (1)

* h       dense Li between the collector and the mean SE surface: the cross-section thickness;
* d_fill  Li crept into the open roughness / surface porosity of the cold-pressed SE pellet (and the
          collector's roughness): d_fill(t) = d_inf (1 - exp(-t/tau_fill)), tau_fill ~ 0.08 s from the
          power-law void-collapse rate (liplate.physics.creep.void_collapse_rate), capped by the Li
          present. d_inf is the one calibrated parameter (parameters/interface.py);
* h_out   Li squeezed out past the collector edge by no-slip squeeze flow (creep.squeeze_flow_rate,
          disc of the collector radius): ~1e-16 1/s, kept to show it is negligible;
* delta   SEI thickness (liplate.physics.sei), Li bound c_Li,SEI per m^3.

The deficit h_Faraday - h is therefore ~d_inf + a small sqrt(t) SEI term: roughly constant in capacity,
as measured (BRIEF §2). Switches ``sei_on``/``creep_on`` give the ablations.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from . import creep as creep_mod
from . import sei as sei_mod
from .constants import FARADAY

# Cross-section thickness of the Li2Te-Cu deposit plated at 0.5 mA/cm^2 (BRIEF §2): capacity (C/m^2)
# -> measured thickness (m). Only the first point is used for calibration; the others are predictions.
MEASUREMENT_CURRENT_DENSITY = 5.0     # A/m^2, 0.5 mA/cm^2 (BRIEF §2)
MEASURED_THICKNESS_LI2TE_CU = {3.6e4: 4.2e-6, 10.8e4: 13.3e-6, 18.0e4: 23.8e-6}   # 1, 3, 5 mAh/cm^2
CALIBRATION_CAPACITY = 3.6e4          # C/m^2, 1 mAh/cm^2: the calibration point (BRIEF §7)


def faraday_thickness(charge_per_area, molar_volume: float):
    """h_F = Q V_m / F (m): 4.85 um per mAh/cm^2 for V_m = 1.30e-5 m^3/mol (BRIEF §2)."""
    return np.asarray(charge_per_area, dtype=float) * molar_volume / FARADAY


@dataclass(frozen=True)
class DepositParameters:
    """Everything the flat-film budget needs, SI. ``DepositParameters.default()`` reads the parameter sets."""

    molar_volume: float
    sei: sei_mod.SeiParameters
    creep: creep_mod.CreepLaw
    fill_capacity: float            # d_inf, m (calibrated)
    film_half_width: float          # collector radius, m
    pressure: float                 # stack pressure, Pa
    temperature: float              # K
    sei_on: bool = True
    creep_on: bool = True
    column_width: float | None = None   # if set, creep also levels the per-column profile (creep.level_profile)

    @classmethod
    def default(cls, sei_on: bool = True, creep_on: bool = True, **overrides) -> DepositParameters:
        from liplate.parameters import interface as interface_set
        from liplate.parameters import load_set
        li, cell = load_set("li"), load_set("cell")
        values = dict(
            molar_volume=li["molar_volume"].value,
            sei=sei_mod.SeiParameters.default(),
            creep=creep_mod.CreepLaw.from_parameters(li),
            fill_capacity=interface_set.PARAMETERS["roughness_fill_depth"].value,
            film_half_width=0.5 * cell["collector_diameter"].value,
            pressure=cell["stack_pressure"].value,
            temperature=cell["temperature"].value,
            sei_on=sei_on, creep_on=creep_on)
        values.update(overrides)
        return cls(**values)

    def switched(self, sei_on: bool, creep_on: bool) -> DepositParameters:
        return replace(self, sei_on=sei_on, creep_on=creep_on)

    def fill_time_constant(self) -> float:
        return float(creep_mod.roughness_fill_time_constant(self.pressure, self.creep, self.temperature))


@dataclass
class FilmState:
    """Incremental budget per collector column (arrays of equal length), SI.

    ``step(dt, j)`` advances by dt with the local plating current density j (A/m^2, > 0 plates, < 0
    strips) and returns (thickness, sei_thickness). Order within a step: charge -> SEI growth (consumes
    plated Li) -> roughness filling -> squeeze-out -> optional lateral levelling. Exact for constant j
    within the step (SEI and filling use their exact updates), so dt is limited only by the caller.
    """

    params: DepositParameters
    thickness: np.ndarray
    sei_thickness: np.ndarray
    fill: np.ndarray
    extruded: np.ndarray
    charge: np.ndarray
    time: float = 0.0
    lateral: np.ndarray | None = None     # net Li volume per area received from neighbours by levelling, m
    _tau_fill: float = field(default=0.0, repr=False)

    @classmethod
    def new(cls, params: DepositParameters, columns: int = 1) -> FilmState:
        z = np.zeros(columns)
        return cls(params, z.copy(), np.full(columns, params.sei.initial_thickness), z.copy(), z.copy(), z.copy(),
                   0.0, z.copy(), params.fill_time_constant())

    def step(self, dt: float, j_local) -> tuple[np.ndarray, np.ndarray]:
        p = self.params
        j = np.broadcast_to(np.asarray(j_local, dtype=float), self.thickness.shape)
        self.charge = self.charge + j * dt
        self.thickness = self.thickness + j * dt * p.molar_volume / FARADAY
        if p.sei_on:
            has_li = (self.thickness + self.fill) > 0.0
            new_sei = sei_mod.grow(self.sei_thickness, dt, j, p.sei, p.temperature, active=has_li)
            # The SEI can only consume Li that is there: early on, growth is limited by the plated Li.
            available = np.clip(self.thickness, 0.0, None) / p.molar_volume          # mol/m^2
            consumed = np.minimum(p.sei.li_per_volume * (new_sei - self.sei_thickness), available)
            new_sei = self.sei_thickness + consumed / p.sei.li_per_volume
            self.thickness = self.thickness - consumed * p.molar_volume
            self.sei_thickness = new_sei
        if p.creep_on:
            target = p.fill_capacity - (p.fill_capacity - self.fill) * np.exp(-dt / self._tau_fill)
            moved = np.clip(np.minimum(target - self.fill, self.thickness), 0.0, None)
            self.fill = self.fill + moved
            self.thickness = self.thickness - moved
            positive = self.thickness > 0.0
            squeezed = np.where(positive, creep_mod.squeeze_film_thickness(
                dt, np.where(positive, self.thickness, 1.0), p.pressure, p.film_half_width, p.creep,
                p.temperature, "disc"), self.thickness)
            self.extruded = self.extruded + (self.thickness - squeezed)
            self.thickness = squeezed
            if p.column_width is not None and self.thickness.size > 1:
                levelled = creep_mod.level_profile(self.thickness, p.column_width, dt, p.pressure,
                                                   p.temperature, p.creep)
                self.lateral = self.lateral + (levelled - self.thickness)
                self.thickness = levelled
        self.time += dt
        return self.thickness, self.sei_thickness

    def li_in_sei(self) -> np.ndarray:
        """mol/m^2 of Li bound in the SEI."""
        return sei_mod.li_consumed(self.sei_thickness, self.params.sei)

    def li_as_metal(self) -> np.ndarray:
        """mol/m^2 of Li metal plated on this column: dense film + filled roughness + squeezed out - received
        from neighbouring columns by levelling."""
        return (self.thickness + self.fill + self.extruded - self.lateral) / self.params.molar_volume

    def balance_residual(self) -> np.ndarray:
        """(metal + SEI Li) / (Q/F) - 1 per column: eq. (1), zero up to round-off."""
        passed = self.charge / FARADAY
        return (self.li_as_metal() + self.li_in_sei()) / np.where(passed != 0.0, passed, 1.0) - np.where(
            passed != 0.0, 1.0, 0.0)


@dataclass(frozen=True)
class FilmBudget:
    """Closed-form budget of a flat film after a constant-current plating (SI, per area)."""

    time: float
    charge: float
    faraday_thickness: float
    thickness: float
    sei_thickness: float
    li_in_sei: float            # mol/m^2
    sei_li_thickness: float     # m of Li metal consumed by the SEI
    fill: float
    extruded: float

    @property
    def balance_residual(self) -> float:
        """(metal + SEI Li) / (Q/F) - 1, in Li-metal thickness units: eq. (1), zero up to round-off."""
        accounted = self.thickness + self.fill + self.extruded + self.sei_li_thickness
        return accounted / self.faraday_thickness - 1.0


def constant_current_film(current_density: float, capacity: float, params: DepositParameters) -> FilmBudget:
    """Closed form of eq. (1) for plating ``capacity`` (C/m^2) at constant j (A/m^2) on a flat film:

        t = Q/j;  delta = sqrt(delta0^2 + k_p f_T(j) t);  d = min(d_inf (1 - e^(-t/tau)), h_F - h_SEI);
        h_out = h1 - h_sq(t; h1) with h1 = h_F - h_SEI - d (squeeze at the final thickness: an upper bound);
        h = h_F - h_SEI - d - h_out.
    """
    p = params
    t = capacity / current_density
    h_f = float(faraday_thickness(capacity, p.molar_volume))
    delta, li_sei = p.sei.initial_thickness, 0.0
    if p.sei_on:
        delta = float(sei_mod.parabolic_thickness(t, p.sei, p.temperature, current_density))
        li_sei = float(sei_mod.li_consumed(delta, p.sei))
    h_sei = li_sei * p.molar_volume
    fill = out = 0.0
    if p.creep_on:
        fill = min(float(creep_mod.roughness_fill_depth(t, p.fill_capacity, p.pressure, p.creep, p.temperature)),
                   h_f - h_sei)
        h1 = h_f - h_sei - fill
        if h1 > 0.0:
            out = h1 - float(creep_mod.squeeze_film_thickness(t, h1, p.pressure, p.film_half_width, p.creep,
                                                              p.temperature, "disc"))
    return FilmBudget(time=t, charge=capacity, faraday_thickness=h_f, thickness=h_f - h_sei - fill - out,
                      sei_thickness=delta, li_in_sei=li_sei, sei_li_thickness=h_sei, fill=fill, extruded=out)


def calibrate_fill_capacity(params: DepositParameters | None = None,
                            capacity: float = CALIBRATION_CAPACITY,
                            current_density: float = MEASUREMENT_CURRENT_DENSITY,
                            measured_thickness: float | None = None) -> float:
    """d_inf such that the full model (SEI and creep on) gives the measured thickness at the calibration
    point (default 4.2 um at 1 mAh/cm^2, 0.5 mA/cm^2; BRIEF §2). Root of a monotone function (brentq)."""
    from scipy.optimize import brentq

    p = (params or DepositParameters.default()).switched(sei_on=True, creep_on=True)
    target = MEASURED_THICKNESS_LI2TE_CU[capacity] if measured_thickness is None else measured_thickness
    h_f = float(faraday_thickness(capacity, p.molar_volume))

    def misfit(d):
        return constant_current_film(current_density, capacity, replace(p, fill_capacity=d)).thickness - target

    return float(brentq(misfit, 0.0, h_f, xtol=1e-15))


def ablation_table(params: DepositParameters | None = None,
                   current_density: float = MEASUREMENT_CURRENT_DENSITY) -> list[dict]:
    """Thickness at each measured capacity for the four switch combinations (closed form), with the
    measured value. Rows: dict(capacity, measured, faraday, neither, sei_only, creep_only, both)."""
    p = params or DepositParameters.default()
    combos = {"neither": (False, False), "sei_only": (True, False), "creep_only": (False, True),
              "both": (True, True)}
    rows = []
    for capacity, measured in MEASURED_THICKNESS_LI2TE_CU.items():
        row = {"capacity": capacity, "measured": measured,
               "faraday": float(faraday_thickness(capacity, p.molar_volume))}
        for name, (s, c) in combos.items():
            row[name] = constant_current_film(current_density, capacity, p.switched(s, c)).thickness
        rows.append(row)
    return rows
