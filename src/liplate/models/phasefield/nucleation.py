"""Nuclei on the collector (methods of PhaseFieldModel).

Default (``[nucleation] source = "classical"``): no Li at t = 0. Progressive heterogeneous nucleation on the
bare collector at the classical rate J = (j0_sub/e) exp(-dG*(eta)/kT), dG* proportional to f(theta)
(physics/nucleation.py); the nuclei are sub-grid per collector cell (``nuc.CollectorNuclei``), placed with
the case seed: each nucleus of the window stands for a row of 3D spherical caps along the depth, born at the
critical radius, growing by the Butler-Volmer current on their surface (a sink of the potential equation in the
collector row, so their Li is paid by charge as they form and grow); a nucleus is put into xi (a diffuse ridge
holding exactly its Li per depth) once that ridge would be resolve_height interface lengths high, or when its
caps' bases (2a in x) touch the resolved (wetted) deposit; bases that only overlap each other stay sub-grid.
Before the first nucleus the charge charges the collector double layer. The step is sub-stepped through the
nucleation transient (model._advance_substeps).

Seeded (``source = "parameters"`` or ``"kmc"``): initial nuclei (optionally sized by the lattice kMC) and the
seed debit that pays for them with the first charge passed."""
from __future__ import annotations

import numpy as np

from ... import metrics
from ...physics import nucleation as nuc
from ...physics import phasefield as pf
from ...physics.constants import FARADAY
from ..base import StepFailed


class NucleationMixin:
    """Initial xi (film + seeded nuclei), nucleus size, the seed debit and the charge the nuclei cost."""

    def _initial_xi(self):
        X, Y = np.meshgrid(self.x_centres, self.y_centres)
        xi = np.zeros_like(X)
        h0 = self.cfg["initial_film_thickness"]
        if h0 > 0:
            xi = np.maximum(xi, pf.logistic_profile(h0 - Y, self.ell_y))
        film = xi.ravel().copy()
        if self.classical:
            self.nuclei_x = np.zeros(0)
            self.kmc_nuclei = None
            return xi.ravel(), film
        count = nuc.nucleus_count(self.width, self.nucleus_density)
        seed = int(self.case["case"]["seed"])
        self.nuclei_x = nuc.place_nuclei(self.width, count, seed, self.ncfg["min_spacing_fraction"])
        a = self._nucleus_half_width(count)
        b = self.ncfg["nucleus_height"] + h0
        for c in self.nuclei_x:
            d = (X - c + 0.5 * self.width) % self.width - 0.5 * self.width
            rho = np.sqrt((d / a) ** 2 + (Y / b) ** 2)
            # signed distance to the half-ellipse, scaled to the y interface length
            xi = np.maximum(xi, pf.logistic_profile(b * (1.0 - rho), self.ell_y))
        return xi.ravel(), film

    def _nucleus_half_width(self, count: int) -> float:
        """Half-width of an initial nucleus (m).

        ``[nucleation] source = "kmc"`` couples the lattice kMC (liplate.kmc) to the continuum: the kMC
        substrate coverage c (a fraction, so it carries over from the nm lattice to the um mesh) is the
        fraction of the collector the initial nuclei cover, a = c * width / (2 * count); the count keeps
        the calibrated um spacing (the kMC nucleus spacing is nanometres and does not transfer).
        """
        self.kmc_nuclei = None
        if self.ncfg["source"] == "kmc":
            from ...kmc import nuclei_from_kmc

            self.kmc_nuclei = nuclei_from_kmc(
                self.substrate, self.temperature, self.case["protocol"]["current_density"],
                int(self.case["case"]["seed"]), dimension=2, seeds=int(self.ncfg["kmc_seeds"]))
            return self.kmc_nuclei["coverage"] * self.width / (2 * max(count, 1))
        if self.ncfg["nucleus_half_width"] == "auto":
            return 3 * self.dx
        return self.ncfg["nucleus_half_width"]

    def _seed_debit(self, dt, j_app):
        """Li volume (m^2 per depth) of this step's charge that pays for the seeded nuclei.

        The initial nuclei stand for the Li deposited at the onset of plating (instantaneous nucleation);
        they are put in at t = 0 so that the mesh resolves them, and the first Q_seed = F V_seed/(V_m W)
        of passed charge is spent on them: until then the Faraday growth only reshapes the deposit at
        constant Li volume. After that, plated Li = passed charge (minus SEI and creep sinks) exactly.
        """
        if j_app <= 0.0:
            return 0.0
        paid = self.charge * self.vm / FARADAY * self.width
        owed = max(self.seed_volume - paid, 0.0)
        return min(owed, j_app * dt * self.vm / FARADAY * self.width)

    def initial_charge(self) -> float:
        """Charge per collector area (C/m^2) that pays for the seeded nuclei (spent during the first steps)."""
        return float(self.seed_volume / self.width * FARADAY / self.vm)

    # -- classical progressive nucleation --------------------------------------------------------------
    def _prepare_nuclei(self):
        """Geometry of the sub-grid nuclei at the start of a step: their bases over the collector cells and
        the free surface over each cell (explicit over the step)."""
        self._spread, covered = self.nuclei.spread()
        self._nuc_cov = np.clip(covered + (self.nuclei.film > 0), 0.0, 1.0)     # the sub-grid film covers its cell
        self._nuc_len = self.nuclei.interface_per_cell(self._spread)

    def _nucleation_after_step(self, dt, dphi) -> bool:
        """After the sweeps converged: grow the sub-grid nuclei by the current the potential solve gave them,
        book the double-layer charge, form the new nuclei, put resolvable ones into xi.

        Sets ``self._nuc_error`` > 1 when the step must be redone shorter: the rate exp(-dG*/kT) fell by more
        than BARRIER_STEP in kT on a bare cell where it matters (the nuclei would be counted at the end-of-step
        rate), or more than max(MAX_NEW_NUCLEI, NEW_NUCLEI_FRACTION x those formed) nuclei would form at once.

        Returns True when sub-grid Li went into xi (the step then settles the potential on the new xi after the
        interface losses, :meth:`_settle_potential`)."""
        nb = self.nx
        p = self._parts
        v_wall = self.volumes[:nb]
        phi = np.asarray(self.phi.value)
        sink_nuc = p["n0"] + p["n1"] * dphi[:nb]
        sink_cap = p["c0"] + p["c1"] * dphi[:nb]
        eta = -phi[:nb]
        b_old = nuc.barrier_over_kt(-self._phi_old[:nb], self.theta_nuclei, self.gamma, self.vm, self.temperature)
        b_new = nuc.barrier_over_kt(eta, self.theta_nuclei, self.gamma, self.vm, self.temperature)
        bare = self._bare_collector(self.xi.value)      # not under resolved Li, nor the sub-grid nuclei and film
        # the rate's time mean over the sub-step (eta linear in time), not its end value: the nuclei counted
        # must not depend on how the sub-steps fall (physics/nucleation.mean_nucleation_rate)
        rate = nuc.mean_nucleation_rate(-self._phi_old[:nb], eta, self.theta_nuclei, self.gamma, self.vm,
                                        self.temperature, self.j0_sub)
        new = self.nuclei.expected_new(dt, rate * bare)
        gain = self.width * (np.sqrt(self.nuclei.exposure + float(np.sum(rate * bare)) * self.dx * dt / self.width)
                             - np.sqrt(self.nuclei.exposure))
        relevant = (b_new < nuc.BARRIER_RELEVANT) & (bare > 0)
        drop = float(np.max(np.where(relevant, np.minimum(b_old, nuc.BARRIER_RELEVANT) - b_new, 0.0), initial=0.0))
        err = drop / nuc.BARRIER_STEP if gain >= 0.2 else 0.0
        self._nuc_error = max(err, new / max(nuc.MAX_NEW_NUCLEI, nuc.NEW_NUCLEI_FRACTION * self.nuclei.formed))
        if self._nuc_error > 1.0:
            return False
        self.q_dl += float(np.sum(sink_cap * v_wall)) * dt / self.width
        # current density on the free surface of the sub-grid nuclei / film over each collector cell (A/m^2), kept
        # for plug-ins (models/phasefield/filament.py reads it on the cells sub-grid Li covers: its overpotential),
        # and the same current per collector area (A/m^2 of collector: the Li the cell's nuclei gain, what the SE
        # delivers there; the filament hook's flaw fill and far field)
        self.nuclei_current = np.zeros(nb)
        self.nuclei_deposition = sink_nuc * v_wall / self.dx
        if self._nuc_len.any():
            j_cell = np.divide(sink_nuc * v_wall, self._nuc_len, out=np.zeros(nb), where=self._nuc_len > 0)
            self.nuclei_current = j_cell
            self.nuclei.grow(dt, j_cell, self.vm, self._spread)
        added, _ = self.nuclei.nucleate(dt, rate, bare, eta, self.gamma, self.vm, int(self.case["case"]["seed"]))
        self.q_dl -= added * FARADAY / self.vm / self.width          # a new nucleus's Li: from the charge passed
        return self._absorb_nuclei(dt)

    def _settle_potential(self, j_app):
        """The potential on xi as the step leaves it, after sub-grid Li went into xi (:meth:`_absorb_nuclei`) and
        the interface losses took the relief fill under it; returns the Li+ sink (A/m^3) of the last solve.

        The step's sweeps converged xi and phi with that Li below the mesh; putting it into xi afterwards moves the
        Li|SE interface (a 3-interface-length film: 1.5 um up, less the relief fill) without the potential
        following. What reads the step (the step hooks' interface current, the reports, the next step's first
        iterate) then read the resolved interface's Butler-Volmer current at the SE potential of the sub-grid
        state: a Li2Te-Cu film handed over at 2 mA/cm^2 read 20.16 A/m^2 against the applied 20 in that one step,
        its flaws' pressure +0.8 % (docs/penetration.md, "Hand-off"). Here the potential equation is solved again
        by Newton with xi held (``_solve_phi_at_fixed_xi``, as at switch-on); xi, and so the Li,
        do not change. The double-layer charge follows the collector row's potential (q_dl stays C (phi - phi_0)),
        and the sub-grid current read by plug-ins is that of the settled state."""
        nb = self.nx
        self._prepare_nuclei()                     # the sub-grid nuclei and film that are left
        phi_step = np.array(self.phi.value[:nb])
        phi_it, s0, s1, dphi, converged = self._solve_phi_at_fixed_xi(np.array(self.xi.value), self.phi.value, j_app)
        if not converged:
            raise StepFailed("potential did not converge on xi after sub-grid Li went into it")
        p = self._parts
        self.q_dl += nuc.DOUBLE_LAYER_CAPACITANCE * float(np.sum((phi_it[:nb] - phi_step) * self.dx)) / self.width
        v_wall = self.volumes[:nb]
        sink_nuc = p["n0"] + p["n1"] * dphi[:nb]
        self.nuclei_deposition = sink_nuc * v_wall / self.dx
        self.nuclei_current = np.divide(sink_nuc * v_wall, self._nuc_len, out=np.zeros(nb), where=self._nuc_len > 0)
        return s0 + s1 * dphi                   # the sink the last solve removed: it sums to the applied current

    def _add_cap_paying_fill(self, x2, v2, X, Y, c, area, dt, owed):
        """xi (grid) with a single nucleus of Li ``area`` (m^2 per depth) put in over collector cell ``c`` as a
        diffuse cap (pf.add_cap). With a step ``dt`` > 0 the cap pays, as it goes in, the creep fill of the SE
        relief under the columns it wets (``owed`` (1 - exp(-dt/tau_fill)) on the columns whose wall cell it takes
        to xi >= 1/2, the rule of ``_interface_losses``), as a sub-grid film does: left to the losses of the step,
        that Li was drained from the top of the new cap, which then read its current on a shape the step's
        potential had not seen (docs/penetration.md, "Hand-off")."""
        xc = (c + 0.5) * self.dx
        cap = pf.add_cap(x2, v2, X, Y, xc, area, self.theta_nuclei, self.ell_y, self.width)
        if dt <= 0.0 or not np.any(owed > 0.0):
            return cap
        newly = metrics.wetted_mask(cap[0]) & ~metrics.wetted_mask(x2[0])
        due = np.where(newly, owed * -np.expm1(-dt / self.tau_fill), 0.0)
        total = float(np.sum(due))
        if total == 0.0:
            return cap                                  # it wets no column that still owes fill
        pay = min(total, area)
        self.fill = self.fill + due * (pay / total)
        owed -= due * (pay / total)                     # a next cap over the same columns owes the rest only
        return pf.add_cap(x2, v2, X, Y, xc, area - pay, self.theta_nuclei, self.ell_y, self.width)

    def _absorb_nuclei(self, dt: float = 0.0) -> bool:
        """Move sub-grid Li into xi, holding exactly its Li; True if any moved. Nuclei whose bases cover their cell
        first coalesce into the cell's sub-grid film (``CollectorNuclei.coalesce``); a single nucleus whose Li per
        depth as a ridge would be resolve_height interface lengths high, or whose base touches the wetted deposit,
        goes in as that ridge (bases that overlap each other stay sub-grid until then), a diffuse 2D cap (pf.add_cap),
        several as a layer over the cells they span;
        a sub-grid film goes in as a layer with the equilibrium profile (pf.add_layer), each continuous run of it
        at once, once it is resolve_height interface lengths thick on average (a thinner layer is not stable in the
        diffuse interface) or borders the wetted deposit. ``dt`` (s), the step: the film, and a single nucleus going in
        as a cap, pay the creep fill of the relief under them as they go in (the losses of the step would take it
        from the new layer's or cap's top).

        "Resolvable" counts the Li that is left once the resolved deposit has paid the creep fill of the SE relief
        under it (``_interface_losses``: the fill follows the wetted collector, with a time constant of ~0.1 s, so
        the Li of a freshly wetted column goes into the relief within the next step). Until 2026-12-04 it counted
        all of it: a Li2Te-Cu film handed in at 3 interface lengths (1.06 um with 0.354 um) lost 0.63 um at once,
        the thin layer left focused the current 1.6x, and that numerical transient opened the SE's flaws
        (docs/penetration.md, "Interface length")."""
        n = self.nuclei
        n.coalesce()
        wet = self._wall_wetted(self.xi.value)
        x2 = self._grid(np.array(self.xi.value))
        v2 = self._grid(self.volumes)
        changed = False
        near_wet = wet | np.roll(wet, 1) | np.roll(wet, -1)
        resolve = self.resolve_height * self.ell_y
        owed = self._fill_owed()                        # Li (m^2 per depth) the relief still takes, per column
        # a continuous sub-grid film (a run of film cells) is one body: it goes in whole, once its Li clears the
        # resolvable layer plus the relief over the run, or once it borders the wetted deposit (cell by cell, it
        # went in over several steps, and each step left a resolved step in the film whose edge focused the
        # current)
        runs = metrics.label_runs_periodic(n.film > 0)
        k = int(runs.max())
        tot = np.bincount(runs, weights=n.film, minlength=k + 1)
        need = np.bincount(runs, weights=resolve * self.dx + owed, minlength=k + 1)
        borders = np.bincount(runs, weights=near_wet.astype(float), minlength=k + 1) > 0
        go = (tot >= need) | borders
        go[0] = False
        film_cells = np.flatnonzero(go[runs])
        if film_cells.size:
            li = n.take_film(film_cells)
            if dt > 0.0:
                # the creep fill of the SE relief that the wetted columns pay within this step (_interface_losses,
                # time constant ~0.1 s) is paid from the film as it goes in, so that the layer is put in with the
                # equilibrium profile of the thickness it keeps (drained from its top by the losses after, the
                # hand-off step's layer read its current 2 % low at 2 mA/cm^2)
                pay = np.minimum(owed * -np.expm1(-dt / self.tau_fill), li)
                self.fill = self.fill + pay
                li = li - pay
            x2, _ = pf.add_layer(x2, v2, self.y_centres, self.dx, li, self.ell_y)
            changed = True
        if np.any(n.count > 0):
            spread, covered = n.spread()
            # only the resolved deposit pulls a nucleus in early; nuclei whose bases merely overlap stay sub-grid
            # until resolvable (handed to xi as 0.3-1 um ridges they were below what the mesh resolves, and
            # whether they survived as wetted Li depended on the cells)
            touch = np.asarray(spread.T @ wet.astype(float)).ravel() > 0
            # the ridge it becomes in xi is resolved with the Li the relief under its base takes
            big = n.resolve_height(owed / self.dx) >= resolve
            sel = np.flatnonzero((n.count > 0) & (touch | big))
            if sel.size:
                count, area = n.take(sel)
                single = sel[count[sel] == 1]
                if single.size:
                    X, Y = np.meshgrid(self.x_centres, self.y_centres)
                    for c in single:
                        x2 = self._add_cap_paying_fill(x2, v2, X, Y, c, float(area[c]), dt, owed)
                layer = area.copy()
                layer[single] = 0.0
                if layer.any():
                    x2, _ = pf.fill_columns(x2, v2, np.asarray(spread @ layer).ravel())
                changed = True
        if changed:
            self.xi.setValue(x2.ravel())
        return changed
