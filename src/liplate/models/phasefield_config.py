"""Case-file sections of the phase-field model: [phasefield], [nucleation], [substrate].

Every default is written once, here, with its reason. Registered in schema.py by the maintainer;
tests call :func:`register` (idempotent).
"""
from __future__ import annotations

from ..schema import Key, Section

PHASEFIELD_SECTION = Section("phasefield", "phase-field deposition model (models/phasefield.py)", {
    "fine_cell_height": Key("length", "0.5 um", "cell height in the uniform layer next to the collector; "
                            "the deposit (~5 um per mAh/cm^2) lives here; 10 nm (a continuum interface needs many "
                            "atoms per cell) to 10 um (the deposit must span several cells)", min=1e-8, max=1e-5),
    "fine_layer_height": Key("length", "16 um", "height of the uniform fine layer; above it cells grow "
                             "geometrically so that domain.cells_y cells reach domain.height; from "
                             "fine_cell_height to domain.height (checked)", positive=True, max=1e-2),
    "interface_length": Key("length", "1 um", "logistic interface length ell of the isotropic interface, "
                            "a numerical length in um independent of the cells (10-90 % width 4.4 ell); the "
                            "cells should resolve it (dx, dy <= ell; docs/phasefield.md, mesh convergence); "
                            "1 nm to 100 um", min=1e-9, max=1e-4),
    "interface_length_y": Key("length", "auto", "interface length normal to the collector ('auto': "
                              "interface_length); 1 nm (atomic) to 100 um (wider blurs the deposit itself)",
                              min=1e-9, max=1e-4),
    "interface_length_x": Key("length", "auto", "interface length along x ('auto': interface_length_y, "
                              "isotropic). A different value stretches the interface, kappa_x = (ell_x/ell_y)^2 "
                              "kappa_y, and flattens every shape by that ratio: a numerical check only; 1 nm to "
                              "1 mm", min=1e-9, max=1e-3),
    "resolve_height": Key("dimensionless", 3.0, "sub-grid nuclei (classical nucleation) enter the phase field "
                          "once the ridge holding a nucleus's Li per depth, or a sub-grid film (each continuous "
                          "run at once), is this many interface lengths high with what the creep fill of the SE "
                          "relief under it leaves (a numerical choice: a thinner layer is smeared by the diffuse "
                          "interface); 3: a ridge whose 10-90 % interface width (4.4 interface lengths) it "
                          "nearly spans; results must not move with it (docs/phasefield.md, mesh convergence); "
                          "1 to 20", min=1.0, max=20.0),
    "relaxation_rate": Key("rate", "1 1/s", "Allen-Cahn relaxation rate L_sigma W; shapes relax to the "
                           "wetting equilibrium faster than they grow (numerical, calibrate); > 0 (no relaxation "
                           "freezes the shapes), at most 1e6 1/s (faster only shortens the steps)",
                           positive=True, max=1e6),
    "li_ionic_conductivity_ratio": Key("dimensionless", 1e-2, "ionic conductivity inside Li relative to the "
                                       "SE: Li carries no Li+ current (equipotential Li); a small floor keeps "
                                       "the potential equation regular: 1e-8 (below, the system is singular "
                                       "to round-off) to 1", min=1e-8, max=1.0),
    "sweep_tolerance_xi": Key("dimensionless", 1e-4, "nonlinear sweeps stop when max |d xi| < this ...; "
                              "1e-12 (round-off) to 0.1", min=1e-12, max=0.1),
    "sweep_tolerance_phi": Key("voltage", "1e-6 V", "... and max |d phi| < this; 1e-12 V (round-off) to "
                               "1 mV (the voltages reported resolve mV)", min=1e-12, max=1e-3),
    "linear_tolerance": Key("dimensionless", 1e-7, "relative residual |Ax-b|/|b| a linear solve must reach, "
                            "else the step fails; 1e-14 (round-off) to 1e-3", min=1e-14, max=1e-3),
    "xi_bound_tolerance": Key("dimensionless", 0.1, "a step giving xi < -tol or > 1 + tol is rejected; "
                              "> 0 and at most 1", positive=True, max=1.0),
    "initial_film_thickness": Key("length", "0 um", "a uniform Li film present at t = 0 (flat-film checks); "
                                  "nuclei are added on top of it; 0 (anode-free) to 100 um", min=0.0, max=1e-4),
})

NUCLEATION_SECTION = Section("nucleation", "nuclei on the collector (physics/nucleation.py)", {
    "density": Key("number_density_area", "auto", "areal density of initial nuclei ('auto': substrate "
                   "parameter <substrate>.nucleus_density, see liplate params); > 0, at most one per nm^2",
                   positive=True, max=1e18),
    "min_spacing_fraction": Key("dimensionless", 0.5, "exclusion distance between nuclei, in units of the "
                                "mean spacing: 0 (random) to 0.99 (a regular row; 1 cannot be packed)",
                                min=0.0, max=0.99),
    "nucleus_half_width": Key("length", "12 um", "half-width of an initial nucleus (fixed in um so that mesh "
                              "refinement does not change it; 'auto': 3 cell widths, 12 um on the 4 um reference "
                              "cells); 10 nm to 1 mm", min=1e-8, max=1e-3),
    "nucleus_height": Key("length", "2 um", "height of an initial nucleus; 10 nm to 100 um", min=1e-8, max=1e-4),
    "log_rate_ratio": Key("dimensionless", 50.0, "Lambda = ln(J0/J_obs) of classical nucleation "
                          "(sets the bare-substrate nucleation overpotential eta_n); > 0, at most 200 (J0/J_obs "
                          "of 1e87: beyond any attempt rate)", positive=True, max=200.0),
    "gate_width": Key("voltage", "2 mV", "smoothness of the bare-substrate nucleation gate around eta_n; "
                      "> 0, at most 100 mV (wider than the overpotentials themselves)", positive=True, max=0.1),
    "source": Key("choice", "classical", "where the nuclei come from: 'classical' (no Li at t = 0: progressive "
                  "heterogeneous nucleation on the bare collector at the classical rate (j0/e) exp(-dG*/kT), "
                  "sub-grid nuclei placed with the case seed, their Li paid by charge, put into the mesh once "
                  "resolvable; docs/phasefield.md); seeded initial nuclei: 'parameters' (density and "
                  "nucleus_half_width as given); 'kmc': a lattice kMC run for this substrate, current and "
                  "temperature sets the fraction of the collector they cover (its substrate coverage; the "
                  "calibrated density keeps the um spacing), see docs/kmc.md",
                  choices=("classical", "parameters", "kmc")),
    "kmc_seeds": Key("int", 3, "kMC runs averaged when source = 'kmc' (seeds case.seed, case.seed + 1, ...)",
                     min=1, max=100),
    "progressive": Key("bool", True, "with seeded nuclei (source 'parameters' or 'kmc'): deposit on bare "
                       "substrate where |eta| > eta_n (a film-like gate); false: initial nuclei only. Not used "
                       "with source = 'classical'"),
})

SUBSTRATE_SECTION = Section("substrate", "collector wetting overrides (physics/wetting.py)", {
    "contact_angle": Key("angle", "auto", "contact angle of Li on the collector against the SE; 'auto': "
                         "from the DFT binding energies (physics/wetting.py); 0 (full wetting) to 180 deg "
                         "(none)", min=0.0, max=180.0),
    "exchange_current_density": Key("current_density", "auto", "exchange current density of Li+ reduction "
                                    "on bare substrate ('auto': parameter <substrate>.bare_exchange_current_density); "
                                    "> 0 (zero blocks the reaction), at most 10 A/cm^2", positive=True, max=1e5),
})

SECTIONS = (PHASEFIELD_SECTION, NUCLEATION_SECTION, SUBSTRATE_SECTION)


def register() -> None:
    from ..schema import register_section
    for s in SECTIONS:
        register_section(s)
