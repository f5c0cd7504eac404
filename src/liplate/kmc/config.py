"""The ``[kmc]`` case-file section (registered by liplate.schema; tests register it themselves)."""
from __future__ import annotations

from ..schema import Key, Section
from .rates import REFERENCE_ENTRIES, SUBSTRATE_ENTRIES

KMC_SECTION = Section("kmc", "lattice kinetic Monte Carlo of nucleation and early growth (model = 'kmc')", {
    "mode": Key("choice", "single", "'single': one run per seed of the case substrate, with time series "
                "and snapshots; 'sweep': k_ratio swept log-uniformly plus the Cu and Li2Te-Cu DFT ratios, "
                "several seeds each, written to kmc_sweep.csv", choices=("single", "sweep")),
    "dimension": Key("choice", "2d", "'2d': cross-section, a line of substrate sites with columns growing "
                     "up; '3d': a square substrate area", choices=("2d", "3d")),
    "lattice_sites": Key("int", 0, "substrate sites per side (0: 2000 in 2D, 64 in 3D, i.e. about one "
                         "monolayer for 2000 atoms); at most 100000 (a 3D lattice of 1e10 sites does not fit "
                         "in memory)", min=0, max=100000),
    "atoms": Key("int", 2000, "Li atoms deposited per run (BRIEF §4: 2000); at most 1e8 (hours of events)",
                  min=1, max=100_000_000),
    "seeds": Key("int", 1, "runs per ratio, with seeds case.seed, case.seed + 1, ... (sweeps: use >= 3 "
                 "for error bars)", min=1, max=10000),
    "k_ratio": Key("dimensionless", "auto", "k_Li-substrate / k_Li-Li; 'auto' maps it from the DFT tables "
                   "of the case substrate (exp(-(E_sub - E_ref)/k_B T), see docs/kmc.md); 1e-12 to 1e12 (a "
                   "binding difference of +-0.7 eV at 298 K; beyond, one of the two events never happens)",
                   min=1e-12, max=1e12),
    "substrate_entry": Key("choice", "binding_on_2ml", "DFT entry of the substrate set used as E_sub",
                           choices=SUBSTRATE_ENTRIES),
    "reference_entry": Key("choice", "binding_bare", "DFT entry of the Li set used as E_ref (Li on Li)",
                           choices=REFERENCE_ENTRIES),
    "attempt_frequency": Key("rate", "1e13 1/s", "attempt frequency nu of every Arrhenius rate "
                             "(phonon-frequency estimate); phonon frequencies are 1e12-1e14 1/s, allowed 1e9 to "
                             "1e16 1/s", min=1e9, max=1e16),
    "diffusion_barrier": Key("energy_eV", "0.55 eV", "E_a,D of a surface hop on the deposit front "
                             "(Li tracer self-diffusion, Lodding et al. 1970; assumption: the front is "
                             "pressed against the SE); 0 to 5 eV (surface hops are below 1 eV)", min=0.0, max=5.0),
    "bond_energy": Key("energy_eV", "auto", "lateral Li-Li bond E_b; 'auto': Li(110) binding_4li_atoms - "
                       "binding_li4_cluster = 0.047 eV; 0 to 5 eV (Li's cohesive energy is 1.6 eV)", min=0.0, max=5.0),
    "diffusion": Key("bool", True, "surface diffusion on/off (off: adsorption only)"),
    "ratio_min": Key("dimensionless", 0.01, "sweep: smallest k_ratio; 1e-12 to 1e12 as k_ratio, and at most "
                     "ratio_max (checked)", min=1e-12, max=1e12),
    "ratio_max": Key("dimensionless", 100.0, "sweep: largest k_ratio; 1e-12 to 1e12", min=1e-12, max=1e12),
    "ratio_points": Key("int", 9, "sweep: number of log-spaced ratios from ratio_min to ratio_max",
                        min=1, max=1000),
    "include_dft_ratios": Key("bool", True, "sweep: add the Cu and Li2Te-Cu ratios from the DFT tables"),
    "record_every": Key("int", 20, "deposited atoms between time-series rows; 1 to 1e8", min=1, max=100_000_000),
    "snapshots": Key("int", 10, "VTU snapshots of occupied sites over a single run (plus the empty "
                     "start), first seed only; 0: none; at most 1000 (one file each)", min=0, max=1000),
})
