"""Event rates of the kMC from the DFT tables, the applied current and stated assumptions.

Every rate is Arrhenius, ``k = nu * exp(-E / (k_B T))`` with attempt frequency ``nu`` (default
1e13 1/s, the usual phonon-frequency estimate). The mapping (docs/kmc.md gives the reasoning):

Adsorption (reduction and incorporation of an interfacial Li+). Bronsted-Evans-Polanyi with
slope 1: the adsorption barrier shifts one-for-one with the DFT binding energy of the adsorbed Li
(eV per Li, lower = more stable; BRIEF §3), so::

    k_Li-substrate = nu exp(-E_sub / k_B T),     k_Li-Li = nu exp(-E_ref / k_B T),
    k_ratio = k_Li-substrate / k_Li-Li = exp(-(E_sub - E_ref) / k_B T).

``E_sub`` is the substrate-table entry ``substrate_entry`` (default ``binding_on_2ml``: a Li atom
on the substrate-supported Li film, where BRIEF §3 places the Cu / Li2Te difference); ``E_ref``
is the Li(110) entry ``reference_entry`` (default ``binding_bare``: one Li on a Li(110) surface,
i.e. Li on Li). The constant part of the barrier cancels in the ratio, and under galvanostatic
control the absolute scale cancels as well (the overpotential scales all adsorption rates by one
factor so that they sum to the arrival rate), so only ``k_ratio`` enters the dynamics. At 298 K
with the defaults: Cu 1.37, Li2Te-Cu 243. With ``substrate_entry = "binding_bare"`` the order
reverses (Cu ~4e11, Li2Te-Cu ~8e-8): a first Li binds far more strongly on bare Cu than on bare
Li2Te.

Surface diffusion of the top atom of a column, per attempt::

    k_hop = nu exp(-E_a,D / k_B T) * exp(-n E_b / k_B T) * min(1, exp(-dE_support / k_B T))

with ``n`` lateral Li neighbours of the atom (bond counting, initial state) and ``dE_support =
+/-(E_ref - E_sub) = -/+ k_B T ln(k_ratio)`` when the atom moves between a substrate-supported and
a Li-supported site (Metropolis), so hops obey detailed balance with the same energies that set
the adsorption ratio. ``E_a,D`` default 0.55 eV: Li tracer self-diffusion activation energy
(Lodding, Mundy & Ott, 1970, ~12.6 kcal/mol), on the assumption that the deposit front pressed
against the SE moves like bulk Li rather than a free Li surface (free-surface DFT barriers,
~0.05-0.15 eV, would give ~1e6 times more hops per deposited atom). ``E_b`` default: Li(110)
Table 1, ``binding_4li_atoms - binding_li4_cluster`` = 0.047 eV per atom, read as one lateral
bond per atom of a square Li4 cluster.

Ion transport: with t+ ~ 1 (BRIEF §1) the applied current fixes the arrival rate of Li+ at the
interface, ``R = j N_sites a^2 / e`` (``a`` = lattice constant from the Li molar volume). The
interfacial ion is not localised: its hop rate from the SE conductivity, ``~4 D / a^2`` with
``D = sigma R T / (c F^2) ~ 2e-12 m^2/s``, is ~1e8 1/s, orders of magnitude above the reduction
rate per site, so it samples the whole (nm-wide) lattice before it is reduced and picks its site
with probability proportional to the site's adsorption rate.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass

from ..parameters import load_set
from ..physics.constants import BOLTZMANN_EV, ELEMENTARY_CHARGE, FARADAY

AVOGADRO = FARADAY / ELEMENTARY_CHARGE

SUBSTRATE_ENTRIES = ("binding_on_2ml", "binding_on_1ml", "binding_bare", "binding_4li_atoms",
                     "binding_li4_cluster", "binding_5li_atoms", "binding_li5_cluster")
REFERENCE_ENTRIES = ("binding_bare", "binding_on_1ml", "binding_4li_atoms", "binding_li4_cluster",
                     "binding_5li_atoms", "binding_li5_cluster")


def lattice_constant(molar_volume: float) -> float:
    """Simple-cubic lattice constant (m) holding one Li per site: ``a = (V_m / N_A)^(1/3)``."""
    return (molar_volume / AVOGADRO) ** (1.0 / 3.0)


def arrival_rate(current_density: float, n_sites: int, a: float) -> float:
    """Li+ arrivals per second on ``n_sites`` substrate sites of area ``a^2`` at ``current_density`` (A/m^2)."""
    return current_density * n_sites * a * a / ELEMENTARY_CHARGE


def binding_energies(substrate: str, substrate_entry: str = "binding_on_2ml",
                     reference_entry: str = "binding_bare", params: dict | None = None) -> tuple[float, float]:
    """(E_sub, E_ref) in eV from ``params`` (a case's parameter sets, with its overrides) or the defaults."""
    if substrate_entry not in SUBSTRATE_ENTRIES:
        raise KeyError(f"unknown substrate_entry {substrate_entry!r}; allowed: {', '.join(SUBSTRATE_ENTRIES)}")
    if reference_entry not in REFERENCE_ENTRIES:
        raise KeyError(f"unknown reference_entry {reference_entry!r}; allowed: {', '.join(REFERENCE_ENTRIES)}")
    sub = params[substrate] if params else load_set(substrate)
    li = params["li"] if params else load_set("li")
    return sub[substrate_entry].value, li[reference_entry].value


def k_ratio_from_energies(e_sub: float, e_ref: float, temperature: float) -> float:
    """``k_Li-substrate / k_Li-Li = exp(-(E_sub - E_ref) / k_B T)`` (energies in eV)."""
    return math.exp(-(e_sub - e_ref) / (BOLTZMANN_EV * temperature))


def k_ratio_from_dft(substrate: str, temperature: float, substrate_entry: str = "binding_on_2ml",
                     reference_entry: str = "binding_bare") -> float:
    """The substrate's adsorption-rate ratio from the DFT tables (see the module docstring)."""
    e_sub, e_ref = binding_energies(substrate, substrate_entry, reference_entry)
    return k_ratio_from_energies(e_sub, e_ref, temperature)


def bond_energy_from_dft(params: dict | None = None) -> float:
    """Lateral Li-Li bond (eV): Li(110) ``binding_4li_atoms - binding_li4_cluster`` (one bond per atom)."""
    li = params["li"] if params else load_set("li")
    return li["binding_4li_atoms"].value - li["binding_li4_cluster"].value


@dataclass(frozen=True)
class Rates:
    """Everything the engine needs, in SI (1/s) and eV.

    ``arrival_rate``: Li+ arrivals per second on the whole lattice; ``k_ratio``:
    k_Li-substrate / k_Li-Li; ``k_diffusion``: hop attempts per second of a top atom with no lateral
    neighbour (0 switches diffusion off); ``bond_energy_eV``: lateral Li-Li bond.
    """

    temperature: float
    arrival_rate: float
    k_ratio: float
    k_diffusion: float
    bond_energy_eV: float

    def __post_init__(self):
        for name in ("temperature", "arrival_rate", "k_ratio"):
            if not getattr(self, name) > 0:
                raise ValueError(f"{name} must be > 0, got {getattr(self, name)!r}")
        if self.k_diffusion < 0:
            raise ValueError(f"k_diffusion must be >= 0, got {self.k_diffusion!r}")

    @property
    def kT_eV(self) -> float:
        return BOLTZMANN_EV * self.temperature

    def bond_factor(self) -> float:
        """``exp(-E_b / k_B T)``: the factor per lateral bond on a hop rate."""
        return math.exp(-self.bond_energy_eV / self.kT_eV)

    def as_dict(self) -> dict:
        return asdict(self)


def diffusion_rate(attempt_frequency: float, barrier_eV: float, temperature: float) -> float:
    """``k_D = nu exp(-E_a,D / k_B T)`` (1/s)."""
    return attempt_frequency * math.exp(-barrier_eV / (BOLTZMANN_EV * temperature))


def adsorption_constants(attempt_frequency: float, e_sub: float, e_ref: float,
                         temperature: float) -> tuple[float, float]:
    """(k_Li-substrate, k_Li-Li) in 1/s as in the module docstring (reported; only their ratio is used)."""
    kT = BOLTZMANN_EV * temperature
    return attempt_frequency * math.exp(-e_sub / kT), attempt_frequency * math.exp(-e_ref / kT)
