"""The kMC engine: solid-on-solid deposit on a periodic substrate, residence-time algorithm.

State: one height per substrate site (see :mod:`.lattice`). Events and their total rates:

* adsorption on the bare substrate:  ``R * k_ratio * N_bare / (k_ratio * N_bare + N_Li)``
* adsorption on top of Li:           ``R * N_Li / (k_ratio * N_bare + N_Li)``
  (``R``: arrival rate set by the applied current; ``N_bare``/``N_Li``: sites without/with Li.
  The galvanostatic overpotential scales both adsorption constants by one factor so that they sum
  to ``R``; see :mod:`.rates`.)
* a hop of the top atom of a column to the top of a random lateral neighbour, attempted at
  ``k_D exp(-n E_b / k_B T)`` for ``n`` lateral neighbours, accepted with the Metropolis support
  factor (``min(1, 1/k_ratio)`` substrate -> Li, ``min(1, k_ratio)`` Li -> substrate, 1 otherwise).
  A rejected attempt is a null event: time advances, the state does not change (this keeps the
  algorithm exact while the rate classes stay few).

Selection (BRIEF §4): the first event class whose cumulative rate exceeds ``r1 * k_total``, a
uniform member of that class from the remainder of ``r1``, and ``dt = -ln(r2) / k_total``. Atoms
are grouped in rate classes by ``n`` and the class lists are updated incrementally (only the
moved columns and their neighbours change class), so an event costs O(coordination), not O(N).
Random numbers come from a seeded ``numpy.random.Generator`` (PCG64) in blocks.
"""
from __future__ import annotations

import math

import numpy as np

from .lattice import Lattice
from .rates import Rates

_BLOCK = 1 << 15


class Engine:
    """One kMC realisation. ``run(n)`` deposits ``n`` more atoms; state is in ``heights``."""

    def __init__(self, lattice: Lattice, rates: Rates, seed: int):
        self.lattice = lattice
        self.rates = rates
        self.seed = int(seed)
        n = lattice.n_sites
        z = lattice.coordination
        self._nbr = lattice.neighbours()
        self._nbr_self = [(i, *nb) for i, nb in enumerate(self._nbr)]
        self._h = [0] * n
        # Sites with Li are order[:n_cov], bare sites order[n_cov:]; pos[i] is i's index in order.
        self._order = list(range(n))
        self._pos = list(range(n))
        self.n_cov = 0
        # Mobile top atoms by number of lateral neighbours: members[k], cls[i] (-1: no atom), mpos[i].
        self._members: list[list[int]] = [[] for _ in range(z + 1)]
        self._cls = [-1] * n
        self._mpos = [0] * n
        b = rates.bond_factor()
        self._w = [rates.k_diffusion * b ** k for k in range(z + 1)]
        self._dtot = 0.0
        self.time = 0.0
        self.atoms = 0
        self.events = 0
        self.counts = {"adsorb_substrate": 0, "adsorb_li": 0, "hop": 0, "hop_rejected": 0}
        self._rng = np.random.default_rng(self.seed)
        self._u: list[float] = []
        self._e: list[float] = []
        self._k = 0

    # -- state ----------------------------------------------------------------------------------
    @property
    def heights(self) -> np.ndarray:
        """Column heights (sites) as an int array, shape (L,) in 2D or (L, L) [iy, ix] in 3D."""
        h = np.asarray(self._h, dtype=np.int64)
        if self.lattice.dimension == 3:
            h = h.reshape(self.lattice.width, self.lattice.width)
        return h

    def total_rate(self) -> float:
        """k_total of the current state (1/s)."""
        return self.rates.arrival_rate + self._dtot

    def _refill(self) -> None:
        rng = self._rng
        self._u = rng.random(2 * _BLOCK).tolist()
        # -ln(r2) with r2 in (0, 1]: 1 - random() never hits 0.
        self._e = (-np.log1p(-rng.random(_BLOCK))).tolist()
        self._k = 0
        # Re-sum the diffusion total to stop round-off drift of the incremental updates.
        self._dtot = sum(w * len(m) for w, m in zip(self._w, self._members, strict=True))

    # -- the event loop -----------------------------------------------------------------------
    def run(self, n_atoms: int, trace: list | None = None, max_events: int | None = None) -> int:
        """Run until ``n_atoms`` more atoms are deposited (or ``max_events`` events); return events.

        ``trace``, if a list, receives ``(dt, k_total)`` for every event (tests of the algorithm).
        """
        h = self._h
        nbr = self._nbr
        order = self._order
        pos = self._pos
        members = self._members
        cls = self._cls
        mpos = self._mpos
        w = self._w
        z = self.lattice.coordination
        two_d = z == 2
        nbr1 = self._nbr_self
        nsites = self.lattice.n_sites
        R = self.rates.arrival_rate
        r = self.rates.k_ratio
        f_up = min(1.0, 1.0 / r)    # substrate-supported -> Li-supported
        f_down = min(1.0, r)        # Li-supported -> substrate-supported
        counts = self.counts
        n_sub = n_li = n_hop = n_rej = 0
        target = self.atoms + n_atoms
        atoms = self.atoms
        t = self.time
        ncov = self.n_cov
        events = 0
        limit = max_events if max_events is not None else -1
        u = self._u
        e = self._e
        k = self._k
        dtot = self._dtot

        while atoms < target and events != limit:
            if k >= len(e):
                self._dtot = dtot
                self._refill()
                u = self._u
                e = self._e
                k = 0
                dtot = self._dtot
            ktot = R + dtot
            x = u[2 * k] * ktot
            dt = e[k] / ktot
            u3 = u[2 * k + 1]
            k += 1
            t += dt
            events += 1
            if trace is not None:
                trace.append((dt, ktot))
            if x < R:
                # Adsorption: substrate vs Li weighted by k_ratio * N_bare : N_Li.
                nbare = nsites - ncov
                y = x / R * (r * nbare + ncov)
                if y < r * nbare:
                    j = int(y / r)
                    site = order[ncov + (j if j < nbare else nbare - 1)]
                    n_sub += 1
                else:
                    j = int(y - r * nbare)
                    site = order[j if j < ncov else ncov - 1]
                    n_li += 1
                if h[site] == 0:
                    # Move site into the covered block.
                    p = pos[site]
                    other = order[ncov]
                    order[ncov] = site
                    order[p] = other
                    pos[site] = ncov
                    pos[other] = p
                    ncov += 1
                h[site] += 1
                atoms += 1
                todo = nbr1[site]
            else:
                # Diffusion: choose the class, then the atom, from the remainder of r1.
                x -= R
                atom = -1
                for cidx in range(z + 1):
                    lst = members[cidx]
                    c = w[cidx] * len(lst)
                    if x < c:
                        j = int(x / w[cidx])
                        atom = lst[j if j < len(lst) else len(lst) - 1]
                        break
                    x -= c
                if atom < 0:
                    # Round-off put x past the last class: take the last non-empty class.
                    for cidx in range(z, -1, -1):
                        if members[cidx]:
                            atom = members[cidx][-1]
                            break
                d = int(u3 * z)
                frac = u3 * z - d
                dest = nbr[atom][d]
                hx = h[atom]
                hy = h[dest]
                if hx == 1:
                    f = 1.0 if hy == 0 else f_up
                else:
                    f = f_down if hy == 0 else 1.0
                if frac >= f:
                    n_rej += 1
                    continue
                n_hop += 1
                h[atom] = hx - 1
                h[dest] = hy + 1
                if hx == 1:
                    # atom's site becomes bare: move it out of the covered block.
                    ncov -= 1
                    p = pos[atom]
                    other = order[ncov]
                    order[ncov] = atom
                    order[p] = other
                    pos[atom] = ncov
                    pos[other] = p
                if hy == 0:
                    p = pos[dest]
                    other = order[ncov]
                    order[ncov] = dest
                    order[p] = other
                    pos[dest] = ncov
                    pos[other] = p
                    ncov += 1
                # atom and dest are neighbours, so their neighbour lists contain both.
                todo = nbr[atom] + nbr[dest]
            # Re-class the changed columns and their neighbours (class = lateral neighbours at
            # or above the top atom's level; -1 for a bare site).
            for i in todo:
                hi = h[i]
                if hi == 0:
                    new = -1
                elif two_d:
                    a1, a2 = nbr[i]
                    new = (h[a1] >= hi) + (h[a2] >= hi)
                else:
                    a1, a2, a3, a4 = nbr[i]
                    new = (h[a1] >= hi) + (h[a2] >= hi) + (h[a3] >= hi) + (h[a4] >= hi)
                old = cls[i]
                if new != old:
                    if old >= 0:
                        lst = members[old]
                        p = mpos[i]
                        last = lst.pop()
                        if last != i:
                            lst[p] = last
                            mpos[last] = p
                        dtot -= w[old]
                    if new >= 0:
                        lst = members[new]
                        mpos[i] = len(lst)
                        lst.append(i)
                        dtot += w[new]
                    cls[i] = new

        self._k = k
        self._dtot = dtot
        self.atoms = atoms
        self.time = t
        self.n_cov = ncov
        self.events += events
        counts["adsorb_substrate"] += n_sub
        counts["adsorb_li"] += n_li
        counts["hop"] += n_hop
        counts["hop_rejected"] += n_rej
        return events

    def check_invariants(self) -> None:
        """Recompute every bookkeeping structure from the heights and compare (tests, debugging)."""
        h = self._h
        ncov = sum(1 for v in h if v > 0)
        assert ncov == self.n_cov, (ncov, self.n_cov)
        assert all(h[i] > 0 for i in self._order[:ncov])
        assert all(h[i] == 0 for i in self._order[ncov:])
        assert all(self._order[self._pos[i]] == i for i in range(len(h)))
        assert sum(h) == self.atoms
        for i, hi in enumerate(h):
            want = -1 if hi == 0 else sum(1 for y in self._nbr[i] if h[y] >= hi)
            assert self._cls[i] == want, (i, self._cls[i], want)
            if want >= 0:
                assert self._members[want][self._mpos[i]] == i
        dtot = sum(w * len(m) for w, m in zip(self._w, self._members, strict=True))
        assert math.isclose(dtot, self._dtot, rel_tol=1e-9, abs_tol=1e-9)
