"""Unit tests of the lattice kMC: residence-time algorithm, analytic limits, reproducibility, I/O."""
from __future__ import annotations

import csv
import json
import math
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from scipy import stats

from liplate.kmc import nuclei_from_kmc, run_kmc_case
from liplate.kmc.config import KMC_SECTION
from liplate.kmc.engine import Engine
from liplate.kmc.lattice import Lattice
from liplate.kmc.observables import measure, nucleus_count
from liplate.kmc.rates import Rates, bond_energy_from_dft, diffusion_rate, k_ratio_from_dft
from liplate.kmc.runner import KMCSetup, simulate
from liplate.schema import register_section

register_section(KMC_SECTION)

T = 298.0


def _rates(n_sites: int, k_ratio: float = 1.0, k_diffusion: float = 0.0, arrival_per_site: float = 2.4,
           bond: float = 0.047) -> Rates:
    return Rates(temperature=T, arrival_rate=arrival_per_site * n_sites, k_ratio=k_ratio,
                 k_diffusion=k_diffusion, bond_energy_eV=bond)


# -- residence-time algorithm ------------------------------------------------------------------
def test_time_increments_are_exponential_with_mean_one_over_k_total_constant_rate():
    lat = Lattice(2, 200)
    rates = _rates(lat.n_sites)  # adsorption only: k_total = R at every event
    eng = Engine(lat, rates, seed=11)
    trace: list = []
    eng.run(5000, trace=trace)
    dt = np.array([d for d, _ in trace])
    assert {k for _, k in trace} == {rates.arrival_rate}
    res = stats.kstest(dt, "expon", args=(0.0, 1.0 / rates.arrival_rate))
    assert res.pvalue > 0.01, res
    assert dt.mean() * rates.arrival_rate == pytest.approx(1.0, abs=4 / math.sqrt(dt.size))


def test_time_increments_scaled_by_k_total_are_unit_exponential_with_diffusion():
    lat = Lattice(3, 16)
    rates = _rates(lat.n_sites, k_ratio=0.5, k_diffusion=50.0)  # k_total changes from event to event
    eng = Engine(lat, rates, seed=3)
    trace: list = []
    eng.run(300, trace=trace)
    ks = np.array([k for _, k in trace])
    scaled = np.array([d * k for d, k in trace])
    assert ks.std() > 0
    res = stats.kstest(scaled, "expon")
    assert res.pvalue > 0.01, res


def test_single_hopping_atom_matches_its_analytic_rate():
    """One atom on the bare substrate, no arrivals in practice: hops per second = k_D (n = 0, f = 1)."""
    lat = Lattice(2, 50)
    kd = 1.0e3
    rates = _rates(lat.n_sites, k_diffusion=kd, arrival_per_site=1e-12)
    eng = Engine(lat, rates, seed=5)
    eng.run(1)
    t0, hops0 = eng.time, eng.counts["hop"]
    eng.run(1, max_events=20000)
    assert eng.atoms == 1
    hops = eng.counts["hop"] - hops0
    assert eng.counts["hop_rejected"] == 0
    assert hops / (eng.time - t0) == pytest.approx(kd, rel=4 / math.sqrt(hops))


def test_deposition_time_follows_the_arrival_rate():
    """Adsorption only: N atoms take a Gamma(N, 1/R) time, mean N/R."""
    lat = Lattice(2, 100)
    rates = _rates(lat.n_sites, k_ratio=3.0)
    n = 4000
    eng = Engine(lat, rates, seed=1)
    eng.run(n)
    assert eng.time * rates.arrival_rate == pytest.approx(n, abs=4 * math.sqrt(n))


def test_coverage_without_diffusion_matches_random_deposition_at_unit_ratio():
    """k_ratio = 1, no diffusion: every atom lands on a uniformly random column, so
    E[coverage] = 1 - (1 - 1/L)^n."""
    L, n = 400, 400
    lat = Lattice(2, L)
    covs = []
    for seed in range(20):
        eng = Engine(lat, _rates(L), seed=seed)
        eng.run(n)
        covs.append(eng.n_cov / L)
    expected = 1 - (1 - 1 / L) ** n
    sem = np.std(covs, ddof=1) / math.sqrt(len(covs))
    assert np.mean(covs) == pytest.approx(expected, abs=4 * sem + 1e-3)


# -- bookkeeping and reproducibility -------------------------------------------------------------
@pytest.mark.parametrize("dim,width,ratio", [(2, 60, 0.05), (2, 60, 20.0), (3, 12, 0.05), (3, 12, 20.0)])
def test_incremental_bookkeeping_matches_recomputation(dim, width, ratio):
    lat = Lattice(dim, width)
    eng = Engine(lat, _rates(lat.n_sites, k_ratio=ratio, k_diffusion=30.0), seed=2)
    for _ in range(5):
        eng.run(40)
        eng.check_invariants()
    assert eng.heights.sum() == 200


def test_fixed_seed_is_reproducible_and_seeds_differ():
    setup = KMCSetup(substrate="cu", temperature=T, current_density=5.0, dimension=2, lattice_sites=300,
                     atoms=300)
    a, b, c = simulate(setup, 7), simulate(setup, 7), simulate(setup, 8)
    for key in ("coverage", "tip_height_sites", "nucleus_count", "events", "time_s"):
        assert a[key] == b[key]
    assert (a["events"], a["time_s"]) != (c["events"], c["time_s"])


# -- mapping and observables ----------------------------------------------------------------------
def test_dft_mapping_values():
    assert k_ratio_from_dft("cu", T) == pytest.approx(1.366, rel=1e-3)
    assert k_ratio_from_dft("li2te_cu", T) == pytest.approx(242.4, rel=1e-3)
    # The bare-surface entries reverse the order (reported in docs/kmc.md).
    assert k_ratio_from_dft("cu", T, "binding_bare") > 1e11
    assert k_ratio_from_dft("li2te_cu", T, "binding_bare") < 1e-7
    assert bond_energy_from_dft() == pytest.approx(0.047)
    assert diffusion_rate(1e13, 0.55, T) == pytest.approx(1e13 * math.exp(-0.55 / (8.617333262e-5 * T)))


def test_nucleus_count_periodic():
    assert nucleus_count(np.array([1, 0, 2, 2, 0, 1])) == 2       # ends join across the boundary
    assert nucleus_count(np.array([0, 0, 0])) == 0
    assert nucleus_count(np.array([1, 1, 1])) == 1
    h = np.zeros((5, 5), int)
    h[0, 0] = h[0, 4] = h[4, 0] = 1                                  # one cluster through both wraps
    h[2, 2] = 3
    assert nucleus_count(h) == 2
    m = measure(h, 1e-9)
    assert m["coverage"] == pytest.approx(4 / 25)
    assert m["tip_height_sites"] == 3
    assert m["spacing_m"] == pytest.approx(math.sqrt(25 / 2) * 1e-9)


def test_higher_ratio_gives_more_coverage_and_lower_tips():
    low = [simulate(KMCSetup("cu", T, 5.0, lattice_sites=500, atoms=500, k_ratio=0.01), s) for s in range(3)]
    high = [simulate(KMCSetup("cu", T, 5.0, lattice_sites=500, atoms=500, k_ratio=100.0), s) for s in range(3)]
    assert np.mean([r["coverage"] for r in high]) > np.mean([r["coverage"] for r in low]) + 0.3
    assert np.mean([r["tip_height_sites"] for r in high]) < np.mean([r["tip_height_sites"] for r in low])


def test_nuclei_from_kmc():
    out = nuclei_from_kmc("li2te_cu", T, 5.0, seed=0, lattice_sites=24, atoms=300)
    assert set(out) >= {"density_per_m2", "spacing_m", "coverage"}
    assert 0 < out["coverage"] <= 1
    assert out["density_per_m2"] > 0 and out["spacing_m"] > 0
    assert out["spacing_m"] == pytest.approx(out["density_per_m2"] ** -0.5, rel=0.3)


# -- cases end to end ---------------------------------------------------------------------------
def _write_case(tmp_path, kmc: str, substrate: str = "cu"):
    (tmp_path / "case.toml").write_text(f"""
[case]
substrate = "{substrate}"
model = "kmc"
seed = 4
[protocol]
current_density = "0.5 mA/cm^2"
[kmc]
{kmc}
""")
    from liplate.case import load_case

    return load_case(tmp_path)


def test_single_case_writes_outputs(tmp_path):
    case = _write_case(tmp_path, 'dimension = "3d"\nlattice_sites = 10\natoms = 150\nseeds = 2\n'
                                 'snapshots = 3\nrecord_every = 50')
    summary = run_kmc_case(case)
    out = tmp_path / "output"
    on_disk = json.loads((out / "summary.json").read_text())
    assert on_disk["status"] == "completed" and summary["status"] == "completed"
    assert on_disk["provenance"]["seeds"] == [4, 5]
    assert on_disk["kmc"]["mapping"]["k_ratio_used"] == pytest.approx(1.366, rel=1e-3)
    rows = list(csv.DictReader((out / "kmc_timeseries.csv").open()))
    assert [int(r["atoms"]) for r in rows if r["seed"] == "4"] == [0, 50, 100, 150]
    frames = [d.get("file") for d in ET.parse(out / "kmc_sites.pvd").getroot().iter("DataSet")]
    assert frames == [f"kmc_sites_{i:04d}.vtu" for i in range(4)]
    import meshio

    mesh = meshio.read(out / frames[-1])
    assert len(mesh.cells_dict["hexahedron"]) == 150


def test_sweep_case_writes_table(tmp_path):
    case = _write_case(tmp_path, 'mode = "sweep"\nlattice_sites = 200\natoms = 200\nseeds = 2\n'
                                 'ratio_min = 0.1\nratio_max = 10.0\nratio_points = 3')
    summary = run_kmc_case(case)
    rows = list(csv.DictReader((tmp_path / "output" / "kmc_sweep.csv").open()))
    assert list(rows[0])[:5] == ["k_ratio", "coverage_mean", "coverage_std", "tip_height_mean",
                                 "tip_height_std"]
    assert sorted(r["label"] for r in rows) == ["cu", "li2te_cu", "sweep", "sweep", "sweep"]
    assert [float(r["k_ratio"]) for r in rows] == sorted(float(r["k_ratio"]) for r in rows)
    assert "coverage_monotone_increasing" in summary["kmc"]["checks"]
