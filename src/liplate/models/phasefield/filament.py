"""Li filaments from the SE's surface flaws: a step hook of the phase-field model (docs/penetration.md).

The resolved window carries the deposit; the filaments are a reduced model on top of it
(physics/filament.py):

- the SE's surface flaws are drawn once, with the case's seed, along the window (physics/flaws.py); each sits
  in one collector column, at the Li|SE interface of that column (the SE surface the deposit pushes up);
- each accepted step, the hook reads the step's interfacial current per column of the *resolved* Li|SE
  interface (``model.column_current()``, the column's interfacial current over its interface measure, as
  ``interface_profile``; the current into sub-grid nuclei is not part of it) and takes its charge-transfer
  overpotential (Butler-Volmer inverse, as physics/fracture.py);
- a flaw is pressurised only where Li really is in it (physics/filament.py, "When a flaw can be pressurised"):
  its column is wetted by the resolved deposit (collector cell xi >= 1/2, with a Li|SE interface in the
  column) or covered by a sub-grid film (coalesced nuclei, below the mesh only for numerical reasons; its
  current is the film's, ``model.nuclei_current``) and the Li plated there since has filled the flaw by
  intrusion, the Faraday thickness of the column's current integrated over the wetted steps >=
  (delta / 2) ln(a / delta), delta the flaw's gap at its opening pressure (eq. 5a, ``fill`` and
  ``fill_needed``). A flaw under a bare column, or under isolated sub-grid nuclei, holds no pressure.
  Then p = min(F |eta| / V_m, creep limit), and the flaw opens when
  p sqrt(pi a) >= K_IC;
- an opened flaw is a Li-filled crack of length l (starting at a) beyond the deposit front, whose crack front
  runs ahead (eq. 6 of physics/filament.py) and whose Li fills at the Faraday rate of the current it collects
  (eq. 8), its far field the column's current decaying to the applied one as the exact field above a row of Li
  strips as wide as the run of wetted columns under the flaw, spaced as those runs are (eqs. 9, 9a);
  the tallest filament takes its current first, shorter ones what is left of the patch's current (screening);
  a short is the Li reaching the counter electrode (l >= the pellet thickness);
- charge: the 2D window stands for a W x W patch of collector (W its width). A filament's Li (m^3) is taken
  from the deposit in the columns within its capture radius (xi scaled down there), V / W per unit depth, so
  that deposit + SEI + roughness fill + filaments = passed charge (``plated_charge`` with the filaments).

:func:`attach` (called by ``models.build_model`` when ``[penetration] enabled = true``) installs the hook as a
step hook and as a plug-in of the model, which asks it for its share of ``plated_charge``, ``observables``,
``cell_fields``, ``get_state`` and ``set_state`` (``PhaseFieldModel.plugins``).
"""
from __future__ import annotations

import math

import numpy as np

from ...physics import filament as fl
from ...physics import flaws as flaws_mod
from ...physics.constants import FARADAY
from ...physics.creep import CreepLaw
from ...physics.kinetics import overpotential_for_current
from ...units import C_M2_PER_MAH_CM2, M_PER_UM
from ..filament_config import PENETRATION_SECTION


def penetration_config(case) -> dict:
    """The [penetration] section with defaults, 'auto' resolved from physics.flaws.PARAMETERS (SI)."""
    from .model import _section

    cfg = _section(case, PENETRATION_SECTION)
    for key, param in (("flaw_depth_scale", "depth_scale"), ("largest_flaw_depth", "largest_flaw_depth"),
                       ("flaw_density", "areal_density")):
        if cfg[key] == "auto":
            cfg[key] = flaws_mod.PARAMETERS[param].value
    if cfg["filament_radius"] == "auto":          # the calibrated parameter (a [parameters] override included)
        cfg["filament_radius"] = case.p("lpscl.filament_radius")
    return cfg


class FilamentHook:
    """``hook(model, dt)``: flaws, their opening and the filaments of one phase-field window."""

    def __init__(self, model, cfg: dict):
        case = model.case
        self.cfg = cfg
        self.pellet_area = math.pi * case.p("cell.die_diameter") ** 2 / 4.0
        self.stats = flaws_mod.statistics(cfg["flaw_depth_scale"], cfg["largest_flaw_depth"], cfg["flaw_density"],
                                          self.pellet_area)
        self.flaws = flaws_mod.draw(self.stats, model.width, int(case["case"]["seed"]),
                                    weakest_of_area=self.pellet_area if cfg["weakest_flaw"] else None)
        self.columns = self.flaws.columns(model.nx)
        self.state = fl.FilamentState.closed(self.flaws.count)
        self.k_ic = case.p("lpscl.fracture_toughness")
        # plane-strain modulus E / (1 - nu^2) taken as E (no Poisson ratio of LPSCl in the parameter sets; nu ~ 0.3
        # would raise it by 10 %, the creep-limited pressure by ~6 %)
        self.modulus = case.p("lpscl.youngs_modulus")
        self.law = (CreepLaw.from_parameters(case.params["li"]) if cfg["creep_limit"] else None)
        self.flaw_width = None if cfg["flaw_width"] == "auto" else float(cfg["flaw_width"])
        self.radius = float(cfg["filament_radius"])
        # eq. (8b): the pressed Li of a filament plates at the overpotential left after p V_m / F
        self.kinetics = (fl.StressKinetics(model.j0, model.alpha, model.temperature, model.vm, self.k_ic)
                         if cfg["stress_kinetics"] else None)
        self.thickness = float(case["domain"]["electrolyte_thickness"])   # pellet: deposit front -> counter electrode
        self.patch_area = model.width ** 2
        self.current_share = np.zeros(self.flaws.count)      # share of the patch's current each filament carried
        self.pressure = np.zeros(self.flaws.count)           # Li pressure in each flaw, last step (Pa)
        self.k_ratio = np.zeros(self.flaws.count)            # p sqrt(pi a) / K_IC, last step
        self.fill = np.zeros(self.flaws.count)               # Faraday thickness plated over each flaw (m, eq. 5a)
        self.short_charge: float | None = None               # passed charge at the short (C/m^2)
        self._budget = 0.0                                   # Li (m^2 per depth) the filaments may still take
        self.owed = np.zeros(self.flaws.count)               # filament Li not yet taken off the deposit (m^2/depth)
        self._step_current = None                            # (model, interface_current()) during a hook call

    # -- the step ----------------------------------------------------------------------------------------------
    def column_current(self, model) -> np.ndarray:
        """Current density (A/m^2) of the Li|SE interface over each column: the resolved interface's mean
        current density where the column has one (``model.column_current``: its interfacial current over its
        interface measure); on a column covered only by sub-grid Li
        (:meth:`film_columns`) the current density on its surface (``model.nuclei_current``); 0 elsewhere. Its
        Butler-Volmer inverse is the overpotential that presses the Li in a flaw (eq. 3)."""
        current = self._interface_current(model)
        out = model.column_current(current)
        sub = self._subgrid_only_columns(model, model._grid(current[1]).sum(axis=0))
        if sub.any():
            out = np.where(sub, np.asarray(model.nuclei_current, dtype=float), out)
        return out

    def _subgrid_only_columns(self, model, interface_per_column) -> np.ndarray:
        """Columns covered by sub-grid Li (:meth:`film_columns`) that hold no resolved Li|SE interface."""
        return self.film_columns(model) & (interface_per_column <= 0)

    def column_deposition(self, model, j_column) -> np.ndarray:
        """Current per collector area (A/m^2) of each column: the Faraday rate of the Li it gains, the SE's flux
        there; it fills the flaws (eq. 5a) and feeds the filaments' far field (eq. 8). ``j_column`` (the
        :meth:`column_current`) on resolved columns, where the two are the same mean; on a column covered only by
        sub-grid Li the nuclei's current per collector area (``model.nuclei_deposition``), which is the surface
        density times the nuclei's surface per collector width: 10-100x less for nm caps in the nucleation
        transient (before 2026-12-03 the surface density filled the flaws: 58 nm of intrusion in 0.16 s in a
        190 mV transient)."""
        dep = getattr(model, "nuclei_deposition", None)
        if dep is None:
            return j_column
        _, weight = self._interface_current(model)
        sub = self._subgrid_only_columns(model, model._grid(weight).sum(axis=0))
        return np.where(sub, np.asarray(dep, dtype=float), j_column)

    @staticmethod
    def film_columns(model) -> np.ndarray:
        """Columns whose collector cell sub-grid Li covers (``model._subgrid_covered``: a sub-grid film, or nuclei
        bases over at least half of the cell, the resolved deposit's rule xi_wall >= 1/2). That Li touches the SE as
        a resolved deposit does; it is held below the mesh only until it is 3 interface lengths high (a numerical
        choice of physics/nucleation.py), so counting only the film made the flaws the Li reaches depend on the
        interface length (before 2026-12-03: the Cu shorts 33-43 % earlier with a 0.5 um interface than with 1 um;
        now within 7 %, docs/penetration.md, "Interface length")."""
        if getattr(model, "nuclei", None) is None or getattr(model, "nuclei_current", None) is None:
            return np.zeros(model.nx, dtype=bool)
        return model._subgrid_covered()

    def wetted_columns(self, model) -> np.ndarray:
        """Columns where the SE surface touches Li: the resolved deposit wets the collector cell (xi >= 1/2, the
        observables' wetting rule) and has a Li|SE interface in the column, or sub-grid Li covers the cell
        (:meth:`film_columns`: a sub-grid film, or nuclei bases over at least half of it). Sparse sub-grid nuclei
        (bases over less than half the cell) do not count."""
        _, weight = self._interface_current(model)
        return (model._wall_wetted(model.xi.value) & (model._grid(weight).sum(axis=0) > 0)) | self.film_columns(model)

    def _interface_current(self, model):
        """``model.interface_current()``, computed once per step hook call (the model does not change between the
        hook's reads of it: column current, deposition and wetted columns)."""
        cached = self._step_current
        if cached is not None and cached[0] is model:
            return cached[1]
        return model.interface_current()

    def __call__(self, model, dt: float) -> None:
        st = self.state
        if st.short_time is not None or self.flaws.count == 0:
            return
        self._step_current = (model, model.interface_current())
        try:
            self._step(model, dt, st)
        finally:
            self._step_current = None

    def _step(self, model, dt: float, st) -> None:
        j_col = self.column_current(model)
        j = np.maximum(j_col, 0.0)[self.columns]                                  # the overpotential at the Li (eq. 3)
        j_dep = np.maximum(self.column_deposition(model, j_col), 0.0)[self.columns]  # the Li it gains (eqs. 5a, 8)
        wet_columns = self.wetted_columns(model)          # the model is not changed before the runs below read it
        wet = wet_columns[self.columns]
        # eq. (5a): the Li plated in wetted columns fills their flaws at its Faraday rate per collector area
        self.fill = self.fill + np.where(wet, fl.fill_rate(j_dep, model.vm) * dt, 0.0)
        eta = np.array([overpotential_for_current(float(x), model.j0, model.alpha, model.temperature) for x in j])
        # eq. (5a): the Faraday thickness that fills each flaw by intrusion
        self.fill_needed = fl.intrusion_fill_thickness(self.flaws.depth, self.k_ic, self.modulus)
        p = fl.initiation_pressure(eta, j, self.flaws.depth, wet, self.fill, self.fill_needed, self.law,
                                   model.temperature, model.vm, self.modulus, width=self.flaw_width)
        self.pressure = p
        self.k_ratio = fl.stress_intensity(p, self.flaws.depth) / self.k_ic
        section = math.pi * self.radius ** 2
        newly = (~st.opened) & (j > 0) & fl.opens(p, self.flaws.depth, self.k_ic)
        for k in np.flatnonzero(newly):
            st.opened[k] = True
            st.opened_at[k] = model.time + dt
            # the flaw's own Li (already in the SE's roughness: the model's roughness fill) is the first a of
            # the filament; li_volume and charge count the Li added after the opening
            st.li_length[k] = self.flaws.depth[k]
        self.current_share[:] = 0.0
        j_app = model._j_app
        # the focusing pattern (eq. 9a): the Li the SE touches (resolved deposit or sub-grid film) in contiguous runs
        # of columns; the width of the run under each flaw and the mean spacing of the runs (the window if one or none)
        run_cells, n_runs = fl.wetted_runs(wet_columns)
        period = model.width / max(n_runs, 1)
        width = np.maximum(run_cells[self.columns], 1) * model.dx
        # Screening (Laplacian growth): the taller filament takes the current of its capture area first, a shorter
        # one only what is left of the patch's current j_app W^2 (ties: the deeper flaw first)
        remaining = self.patch_area * j_app
        order = sorted(np.flatnonzero(st.opened), key=lambda i: (-st.li_length[i], -self.flaws.depth[i]))
        for k in order:
            far = ((lambda ell, jk=j_dep[k], wk=width[k]: fl.far_field_current(ell, jk, j_app, period, width=wk))
                   if j_app > 0 else j_dep[k])
            j_start = float(far(st.li_length[k])) if callable(far) else float(far)
            limit = max(remaining, 0.0) / max(j_start, 1e-30)
            # the front moves with the Li within the step (eq. 6 at the step's pressure), not once per step; the
            # front reported is that of the Li length the step ends with (c(l, p) grows with l)
            g = fl.grow(st.li_length[k], dt, far, self.radius, model.vm, self.thickness,
                        crack_length=st.crack_length[k], capture_limit=limit,
                        pressure=float(p[k]), fracture_toughness=self.k_ic, kinetics=self.kinetics)
            added = section * (g.length - st.li_length[k])
            st.li_length[k] = g.length
            st.crack_length[k] = max(st.crack_length[k],
                                     fl.crack_front(g.length, p[k], self.k_ic, self.thickness))
            st.li_volume[k] += added
            st.charge[k] += g.charge
            self.owed[k] += added / model.width
            if dt > 0 and j_app > 0:
                self.current_share[k] = g.charge / dt / (j_app * self.patch_area)
                remaining -= g.charge / dt
            if g.crossed_after is not None and st.short_time is None:
                st.short_time = model.time + g.crossed_after
                self.short_charge = model.charge + j_app * g.crossed_after
        # The filaments' Li is charge that did not plate on the deposit: it is taken off the deposit's top, out of
        # the Li this step adds net (the passed charge beyond what pays for the seeded nuclei, a numerical device),
        # so the deposit never shrinks because of them; what cannot be taken yet stays owed (counted in the balance)
        paid_from = max(model.charge, model.initial_charge())
        self._budget = max(model.charge + j_app * dt - paid_from, 0.0) * model.vm / FARADAY * model.width
        for k in np.flatnonzero(self.owed > 0):
            self.owed[k] = max(self.owed[k] - self._take_li(model, k, self.owed[k] * model.width) / model.width, 0.0)

    def _take_li(self, model, k: int, volume: float) -> float:
        """Move up to ``volume`` (m^3 of the W x W patch) of Li from the deposit around flaw k into its filament.

        The current the filament collects would otherwise have plated on the deposit within its capture radius
        (widened to the window if those columns hold too little Li): the Li is taken off the top of those columns
        (the interface moves down, as growth moves it up), shared in proportion to each column's deposition
        current of the step, at most half of a column's Li. Returns the volume taken."""
        if volume <= 0:
            return 0.0
        per_depth = volume / model.width                   # m^2 per unit depth of the 2D window
        # the Li available per cell is the clipped xi, but the Li is taken off the field as it is: clipping the
        # field itself would add (xi < 0) or remove (xi > 1, within the solver's bound tolerance) Li
        xi_field = model._grid(np.array(model.xi.value))
        xi = np.clip(xi_field, 0.0, 1.0)
        vol = model._grid(model.volumes)
        li_col = (xi * vol).sum(axis=0)
        radius = math.sqrt(float(fl.capture_area(max(self.state.li_length[k], self.flaws.depth[k]), self.radius))
                           / math.pi)
        dist = np.abs(model.x_centres - self.flaws.x[k])
        dist = np.minimum(dist, model.width - dist)
        near = dist <= max(radius, 0.5 * model.dx)
        if 0.5 * li_col[near].sum() < per_depth:
            near = np.ones(model.nx, dtype=bool)
        deposition = np.maximum(model._grid(model._sink * model.volumes).sum(axis=0), 0.0) * near
        weight = deposition if deposition.sum() > 0 else li_col * near
        if weight.sum() <= 0:
            return 0.0
        per_depth = min(per_depth, self._budget)
        share = np.minimum(per_depth * weight / weight.sum(), 0.5 * li_col)
        take = float(share.sum())
        if take <= 0:
            return 0.0
        for i in np.flatnonzero(share > 0):
            remaining = share[i]
            for row in range(model.ny - 1, -1, -1):         # from the top of the column down
                cell = xi[row, i] * vol[row, i]
                if cell <= 0:
                    continue
                d = min(cell, remaining)
                xi_field[row, i] -= d / vol[row, i]
                remaining -= d
                if remaining <= 0:
                    break
        model.xi.setValue(xi_field.ravel())
        self._budget -= take
        return take * model.width

    # -- reporting ----------------------------------------------------------------------------------------------
    def filament_volume_per_depth(self, width: float) -> float:
        """Li in the filaments, m^2 per unit depth of the window (the 2D accounting of plated_charge)."""
        return float(np.sum(self.state.li_volume)) / width

    def observables(self, model) -> dict:
        st = self.state
        opened = st.opened
        li = float(np.sum(st.li_volume)) / self.patch_area * FARADAY / model.vm / C_M2_PER_MAH_CM2
        active = self.pressure > 0
        short = st.short_time is not None
        return {
            "penetration_depth_um": float(np.max(st.li_length[opened])) / M_PER_UM if opened.any() else 0.0,
            "crack_length_max_um": float(np.max(st.crack_length[opened])) / M_PER_UM if opened.any() else 0.0,
            "filaments_open": int(np.count_nonzero(opened)),
            "filament_li_mAh_cm2": li,
            "flaw_count": self.flaws.count,
            "flaw_depth_max_um": float(np.max(self.flaws.depth)) / M_PER_UM if self.flaws.count else 0.0,
            "flaw_pressure_max_MPa": float(np.max(self.pressure)) / 1e6 if active.any() else 0.0,
            "flaw_stress_intensity_ratio_max": float(np.max(self.k_ratio)) if self.flaws.count else 0.0,
            "short_circuit": short,
            "short_time_s": st.short_time,
            "short_capacity_mAh_cm2": self.short_charge / C_M2_PER_MAH_CM2 if short else None,
        }

    # -- the model's plug-in interface (PhaseFieldModel.plugins) ----------------------------------------------------
    def plated_charge(self, model) -> float:
        """The Li in the filaments not yet taken off the deposit (C/m^2 of collector): with it, the model's
        plated charge (deposit + SEI + roughness fill + filaments) equals the passed charge."""
        held = self.filament_volume_per_depth(model.width) - float(np.sum(self.owed))
        return held / model.width * FARADAY / model.vm

    def update_observables(self, model, obs: dict) -> None:
        """Add the penetration observables; the cell voltage gains the pellet resistance the filaments remove,
        and is 0 V once shorted (an electronic short through the Li, whose resistance is neglected)."""
        extra = self.observables(model)
        j_app = model._j_app
        if extra["short_circuit"]:
            obs["voltage_V"] = 0.0
        elif j_app:
            removed = j_app * float(np.sum(self.current_share * self.state.li_length)) / model.sigma
            obs["voltage_V"] = obs["voltage_V"] + removed
            obs["eta_ohmic_V"] = obs["eta_ohmic_V"] + removed
        obs.update(extra)

    def cell_fields(self, model) -> dict[str, np.ndarray]:
        """Per cell: deepest flaw of the column (um), Li length of the column's filament (um), and 'filament' = 1
        in the cells between the column's deposit front and the filament's tip (clipped at the window top)."""
        nx, ny = model.nx, model.ny
        depth = flaws_mod.depth_per_column(self.flaws, nx)
        length = np.zeros(nx)
        if self.flaws.count:
            np.maximum.at(length, self.columns, np.where(self.state.opened, self.state.li_length, 0.0))
        xi = model._grid(np.array(model.xi.value))
        front = (np.clip(xi, 0.0, 1.0) * model.dy[:, None]).sum(axis=0)      # deposit thickness per column
        y = model.y_centres[:, None]
        drawn = (length[None, :] > 0) & (y >= front[None, :]) & (y <= front[None, :] + length[None, :])
        return {"flaw_depth_um": np.tile(depth / M_PER_UM, ny),
                "filament_length_um": np.tile(length / M_PER_UM, ny),
                "filament": drawn.astype(float).ravel()}

    def get_state(self) -> dict[str, np.ndarray]:
        out = {f"filament_{k}": v for k, v in self.state.as_arrays().items()}
        out["filament_short_charge"] = np.array([np.nan if self.short_charge is None else self.short_charge])
        out["filament_owed"] = self.owed.copy()
        out["filament_fill"] = self.fill.copy()
        return out

    def set_state(self, arrays: dict) -> None:
        if "filament_li_length" not in arrays:
            return
        self.state = fl.FilamentState.from_arrays({k[len("filament_"):]: v for k, v in arrays.items()
                                                   if k.startswith("filament_")
                                                   and k not in ("filament_short_charge", "filament_owed",
                                                                 "filament_fill")})
        self.owed = np.array(arrays["filament_owed"], dtype=float)
        if "filament_fill" in arrays:
            self.fill = np.array(arrays["filament_fill"], dtype=float)
        q = float(np.asarray(arrays["filament_short_charge"])[0])
        self.short_charge = None if math.isnan(q) else q


def attach(model, case=None) -> FilamentHook | None:
    """Install the filament hook on a PhaseFieldModel when [penetration] enabled = true (else None).

    Adds the hook to ``model.step_hooks`` (it runs each accepted step) and to ``model.plugins`` (the model asks
    it for its plated charge, observables, cell fields and state: :class:`FilamentHook`'s ``plated_charge``,
    ``update_observables``, ``cell_fields``, ``get_state``, ``set_state``). Called by ``models.build_model``.
    """
    cfg = penetration_config(case if case is not None else model.case)
    if not cfg["enabled"]:
        return None
    hook = FilamentHook(model, cfg)
    model.step_hooks.append(hook)
    model.plugins.append(hook)
    model.filaments = hook
    return hook
