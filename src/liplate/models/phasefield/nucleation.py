"""Initial nuclei (seeding, optionally sized by the lattice kMC) and the seed debit that pays for them with
the first charge passed (methods of PhaseFieldModel)."""
from __future__ import annotations

import numpy as np

from ...physics import nucleation as nuc
from ...physics import phasefield as pf
from ...physics.constants import FARADAY


class NucleationMixin:
    """Initial xi (film + seeded nuclei), nucleus size, the seed debit and the charge the nuclei cost."""

    def _initial_xi(self):
        X, Y = np.meshgrid(self.x_centres, self.y_centres)
        xi = np.zeros_like(X)
        h0 = self.cfg["initial_film_thickness"]
        if h0 > 0:
            xi = np.maximum(xi, pf.logistic_profile(h0 - Y, self.ell_y))
        film = xi.ravel().copy()
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
