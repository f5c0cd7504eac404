"""Physics checks of the phase-field model (models/phasefield.py).

- the finite-volume operator assembled from FiPy's geometry is FiPy's DiffusionTerm matrix;
- charge conservation: Li added to xi = charge passed (galvanostatic Neumann flux), to solver tolerance;
- flat-film limit: a fully wetted film reproduces the sharp model's cell voltage and grows by
  Faraday's law (4.85 um per mAh/cm^2);
- mesh convergence of the headline metrics (slow).
"""
import functools
from pathlib import Path

import numpy as np
import pytest

from liplate.case import Case, validate
from liplate.models import phasefield_config
from liplate.models.base import StepFailed
from liplate.physics import nucleation as nuc
from liplate.physics.constants import FARADAY
from liplate.physics.kinetics import overpotential_for_current

phasefield_config.register()


def make_case(substrate="cu", j="0.5 mA/cm^2", width="600 um", nx=150, ny=56, height="250 um",
              extra=None, seed=0):
    data = {"case": {"substrate": substrate, "model": "phasefield", "seed": seed},
            "protocol": {"current_density": j, "capacity": "1 mAh/cm^2"},
            "domain": {"width": width, "height": height, "cells_x": nx, "cells_y": ny},
            "numerics": {"dt_initial": "1 s", "dt_max": "120 s", "max_sweeps": 30},
            # seeded nuclei (the checks of conservation, assembly and the flat film); classical nucleation, the
            # default, has its own tests (test_phasefield_nucleation.py)
            "nucleation": {"source": "parameters"}}
    for k, v in (extra or {}).items():
        data.setdefault(k, {}).update(v)
    sections, params = validate(data)
    return Case(path=Path("."), source_file=Path("case.toml"), sections=sections, params=params, raw=data)


def run(model, j, q_end, dt=1.0, dt_max=120.0, growth=1.5):
    """Tiny driver: advance, halve dt on a rejected step, grow it after an accepted one."""
    steps = 0
    while model.charge < q_end * (1 - 1e-12):
        dt_try = min(dt, (q_end - model.charge) / j)
        try:
            model.advance(dt_try, j)
        except StepFailed:
            dt = dt_try / 2
            assert dt > 1e-4, "step size collapsed"
            continue
        steps += 1
        dt = min(dt_try * growth, dt_max)
    return steps


def test_operator_matches_fipy_diffusion_term():
    import fipy as fp
    from fipy.solvers.scipy.scipySolver import ScipySolver

    from liplate.models.phasefield import FVOperator

    mesh = fp.PeriodicGrid2DLeftRight(dx=2.0, dy=np.array([0.5, 0.5, 1.0, 2.5]), nx=5, ny=4)
    rng = np.random.default_rng(3)
    c = fp.CellVariable(mesh=mesh, value=rng.uniform(0.1, 2.0, mesh.numberOfCells))
    var = fp.CellVariable(mesh=mesh, value=0.0)
    grabbed = {}

    class Grab(ScipySolver):
        def _solve_(self, L, x, b):
            grabbed["L"] = L.toarray()
            return x

    (fp.DiffusionTerm(coeff=c.harmonicFaceValue) == 0).sweep(var=var, solver=Grab())
    op = FVOperator(mesh)
    mine = op.matrix(op.face_harmonic(np.asarray(c.value)) * op.geo[op.inner]).toarray()
    # FiPy assembles +div(c grad); ours is -div(c grad)
    assert np.allclose(mine, -grabbed["L"], rtol=1e-12, atol=1e-12)


def test_charge_conservation_islands():
    from liplate.models.phasefield import PhaseFieldModel

    model = PhaseFieldModel(make_case("cu", width="300 um", nx=75, ny=50))
    j = 5.0
    run(model, j, q_end=0.05 * 3.6e4)
    passed = model.charge
    assert model.plated_charge() == pytest.approx(passed, rel=1e-6)
    # the potential really carried the current to the interface: sink integral = applied current
    assert np.sum(model._sink * model.volumes) / model.width == pytest.approx(j, rel=1e-6)


def test_fipy_terms_path_gives_the_same_step():
    from liplate.models.phasefield import PhaseFieldModel

    a = PhaseFieldModel(make_case("cu", width="200 um", nx=50, ny=44))
    b = PhaseFieldModel(make_case("cu", width="200 um", nx=50, ny=44))
    b.use_fipy_terms()
    for dt in (1.0, 2.0):
        a.advance(dt, 5.0)
        b.advance(dt, 5.0)
    assert np.allclose(a.xi.value, b.xi.value, atol=1e-5)
    assert np.allclose(a.phi.value, b.phi.value, atol=1e-7)


@pytest.mark.parametrize("j_mA", [0.5, 1.0])
def test_flat_film_limit_matches_sharp_model_and_faraday(j_mA):
    from liplate.models.phasefield import PhaseFieldModel

    case = make_case("li2te_cu", j=f"{j_mA} mA/cm^2", width="100 um", nx=25, ny=50,
                     extra={"substrate": {"contact_angle": "0 deg"}, "physics": {"sei": False, "creep": False},
                            "phasefield": {"initial_film_thickness": "3 um"},
                            "nucleation": {"density": "1 1/mm^2", "nucleus_height": "0.01 um"}})
    model = PhaseFieldModel(case)
    j = j_mA * 10.0
    h0 = model.film0_volume / model.width * 1e6       # the seeded nucleus is paid by the first charge passed
    q = 0.2 * 3.6e4
    run(model, j, q_end=q, dt=5.0)
    obs = model.observables()
    # Faraday: 4.85 um per mAh/cm^2
    faraday_um = q * case.p("li.molar_volume") / FARADAY * 1e6
    assert obs["thickness_mean_um"] - h0 == pytest.approx(faraday_um, rel=2e-3)
    assert faraday_um / 0.2 == pytest.approx(4.85, rel=2e-3)
    assert obs["wetted_fraction"] == 1.0
    assert obs["thickness_std_um"] / obs["thickness_mean_um"] < 1e-3
    # sharp model of a flat film: BV at the interface, ohmic drop over the whole pellet, counter electrode
    T, a = 298.0, case.p("lpscl.transfer_coefficient")
    v_sharp = (overpotential_for_current(j, case.p("lpscl.exchange_current_density"), a, T)
               - j * case["domain"]["electrolyte_thickness"] / case.p("lpscl.conductivity")
               - overpotential_for_current(-j, case.p("cell.counter_exchange_current_density"), a, T))
    assert obs["voltage_V"] == pytest.approx(v_sharp, rel=5e-3)
    assert obs["focusing_factor_mean"] == pytest.approx(1.0, abs=0.02)


def test_progressive_gate_deposits_only_on_the_bare_collector():
    """Seeded nuclei with the progressive gate (source 'parameters'): Li deposits on the collector itself only
    where it is bare. Under a resolved 3 um film (every wall cell xi >= 1/2) the collector row's sink is the
    interface's alone, with the gate wide open; once half the film is taken away, the bare half takes current
    through the gate and the covered half does not. Before 2026-12-03 the diffuse tail 1 - h(xi_wall) under the
    film counted as bare collector, a parallel path to the interface (the twin of the nucleation bug of
    test_no_nuclei_under_a_resolved_film)."""
    from liplate.models.phasefield import PhaseFieldModel

    case = make_case("li2te_cu", width="100 um", nx=25, ny=50,
                     extra={"substrate": {"contact_angle": "0 deg"}, "physics": {"sei": False, "creep": False},
                            "phasefield": {"initial_film_thickness": "3 um"},
                            "nucleation": {"density": "1 1/mm^2", "nucleus_height": "0.01 um"}})
    model = PhaseFieldModel(case)
    assert model.progressive
    xi = np.array(model.xi.value)
    wall = model._grid(xi)[0]
    assert float(wall.min()) >= 0.5 and float(wall.max()) < 1.0        # a diffuse tail 1 - h(xi) remains
    phi = np.full(xi.shape, 0.3)                                         # 300 mV cathodic: the gate is open
    assert nuc.nucleation_gate(-0.3, model.eta_n, model.gate_width) > 0.99

    def sink(x, progressive):
        model.progressive = progressive
        return model._sinks(x, phi)[0][:model.nx].copy()

    assert np.array_equal(sink(xi, True), sink(xi, False))
    x2 = model._grid(xi.copy())
    x2[:, model.nx // 2:] = 0.0                                         # the right half of the collector bare
    half = x2.ravel()
    extra = sink(half, True) - sink(half, False)
    assert np.all(extra[:model.nx // 2] == 0.0)
    assert np.all(extra[model.nx // 2:] > 0.0)


@functools.cache
def shipped_mesh():
    """(cells_x, cells_y, fine cell height, interface length) of the shipped cases/cu_0p5mA_1mAh, in case units."""
    from liplate.case import load_case

    s = load_case(Path(__file__).resolve().parents[2] / "cases" / "cu_0p5mA_1mAh").sections
    um = lambda v: f"{v * 1e6:g} um"                                          # noqa: E731
    return (s["domain"]["cells_x"], s["domain"]["cells_y"], um(s["phasefield"]["fine_cell_height"]),
            um(s["phasefield"]["interface_length"]))


def production_case(refine_x=1, refine_y=1, substrate="cu", pressure="13 MPa", seed=0):
    """cases/cu_0p5mA_1mAh's mesh and interface length as shipped (classical nucleation, no seeded Li; since
    2026-12-04 interface 0.5 um on 1200 x 88 cells, fine cells 0.25 um), the mesh refined refine_x / refine_y
    times (the fine cells refine_y times thinner), the stack pressure and the seed as arguments."""
    nx, ny, dy, ell = shipped_mesh()
    dy = f"{float(dy.split()[0]) / refine_y:g} um"
    return make_case(substrate, nx=nx * refine_x, ny=ny * refine_y, seed=seed, extra={
        "phasefield": {"fine_cell_height": dy, "interface_length": ell},
        "nucleation": {"source": "classical"}, "protocol": {"stack_pressure": pressure}})


def run_production(case, q_end=3.6e4):
    from liplate.models.phasefield import PhaseFieldModel

    model = PhaseFieldModel(case)
    run(model, 5.0, q_end=q_end, dt=1e-3, dt_max=60.0)
    return model.observables()


MESHES = {"production": {}, "2x in x": {"refine_x": 2}, "2x in y": {"refine_y": 2}}


@functools.cache
def mesh_study(label):
    """Observables at 1 mAh/cm^2 of the Cu reference on one of MESHES (each run once per session)."""
    return run_production(production_case(**MESHES[label]))


def assert_within(label, key, bound=0.10):
    a, b = mesh_study("production")[key], mesh_study(label)[key]
    print(label, key, a, b)
    assert abs(b - a) <= bound * abs(a), f"{label}: {key} {a:.3g} (production) vs {b:.3g}"


@pytest.mark.slow
@pytest.mark.parametrize("label", ["2x in x", "2x in y"])
def test_mesh_convergence_headline_metrics(label):
    """Cu 0.5 mA/cm^2 to 1 mAh/cm^2 on the shipped mesh (cases/cu_0p5mA_1mAh: 1200 x 88, dx = 0.5 um, dy = 0.25
    um, interface 0.5 um; until 2026-12-04 600 x 56 with interface 1 um, which the numbers below are of), refined
    2x in x only and 2x in y only (the fine cells halved): every length that shapes the deposit is in um
    (interface 1 um, region reach 4 interface lengths, nuclei from the classical rate and resolved before they
    enter xi), so only the discretisation changes. The issue's bound: wetted fraction, mean island width and peak
    focusing within 10 % of the production mesh; here wetted fraction and peak focusing on both refinements (the
    island width: the non-strict xfail below; it holds for seed 0 with this driver, by chance). Measured with this
    driver (no filaments) 2026-12-03 (j0 6.78, d981cf3): production 0.928 / 139.25 um / 1.192; 2x in x 0.928
    (0.0 %) / 139.25 um (0.0 %) / 1.198 (+0.5 %); 2x in y 0.917 (-1.3 %) / 137.5 um (-1.3 %) / 1.210 (+1.6 %);
    2026-12-02 (j0 6.64): production 0.888 / 178 um / 1.245, 2x in y 284 um (+60 %) (docs/phasefield.md,
    "Mesh convergence")."""
    assert_within(label, "wetted_fraction")
    assert_within(label, "focusing_factor_peak")


@pytest.mark.slow
@pytest.mark.xfail(strict=False, reason=(
    "not robust: the mean width follows the last coalescence (which of the last 1-7 um gaps has closed by "
    "1 mAh/cm^2). 2026-12-03 (j0 6.78, d981cf3): with this driver 139.25 um (production) vs 137.5 um (2x in y, "
    "-1.3 %, passes); with liplate run (filaments on, cells_y 88) 4 x 139 um vs 3 x 185 um (+33 %, fails); "
    "over seeds 0-2 (cases/mesh_seeds, effbae1) the pooled width is 152 um on the production mesh and 111 / 119 um "
    "on 2x in x / y (-27 / -22 %): the refined meshes keep 14-15 islands open where it has 11; on 62dbc80 (one "
    "variate per nucleus) 204 um vs 161 / 147 um (-21 / -28 %), 8 islands vs 10 / 11. Over seeds 0-10 "
    "(+ cases/mesh_seeds_more, _x, _y, b640014) and 0-30 the paired change is +9.3 % [-2, +22] on 2x in x and "
    "+1.9 % [-10, +16] on 2x in y (95 % intervals): no mesh effect resolved; one seed's "
    "width cannot test 10 %. On the shipped nucleation control (9ed978f): this driver passes both (slow run of "
    "2026-12-03); liplate run of seed 0 gives 106 / 128 / 105 um (production / 2x in x / 2x in y, +21 / -1 %), "
    "and over seeds 0-30 (cases/mesh_xy_seeds) the seed mean of the mean width moves +6.0 % [-7, +20] / +4.5 % "
    "[-11, +23]. On the new base (l = 0.5 um, 1200 x 88; 2026-12-04) liplate run of seed 0 gives 88 / 136 / 106 um "
    "(6 / 4 / 5 islands: a 2 um gap closes or not), over seeds 0-10 +5.4 % [-0, +15] / -1.2 % [-5, +3]"))
@pytest.mark.parametrize("label", ["2x in x", "2x in y"])
def test_mesh_convergence_island_width(label):
    """The issue's island-width bound (10 %) on the refined meshes, seed 0."""
    assert_within(label, "island_width_mean_um")


MARKS_MAH_CM2 = np.round(np.arange(0.2, 1.01, 0.1), 2)      # 0.1 mAh/cm^2 holds only sub-grid nuclei (no islands)


@functools.cache
def seed_trajectory(label, seed):
    """(wetted fraction, peak focusing) of the Cu reference at MARKS_MAH_CM2 on one of MESHES for one seed."""
    from liplate.models.phasefield import PhaseFieldModel

    model = PhaseFieldModel(production_case(**MESHES[label], seed=seed))
    out, dt = [], 1e-3
    for q in MARKS_MAH_CM2:
        run(model, 5.0, q_end=q * 3.6e4, dt=dt, dt_max=60.0)
        obs = model.observables()
        out.append((obs["wetted_fraction"], obs["focusing_factor_peak"]))
        dt = 60.0
    return np.array(out)


@pytest.mark.slow
@pytest.mark.parametrize("label", ["2x in x", "2x in y"])
def test_mesh_convergence_over_seeds_along_the_run(label):
    """One 600 um window holds 2-6 Cu islands at 1 mAh/cm^2, 1-20 um apart, so one run's island count is a
    coalescence lottery (docs/phasefield.md, "Mesh convergence", over seeds: seed 1 has 5 islands of 111 um, seed
    2 has 2 of 281 um, with the same wetted fraction). What the mesh must not move is the deposit's coverage and
    the current it focuses: the seed means (seeds 0, 1, 2) of the wetted fraction and the peak focusing, at every
    0.1 mAh/cm^2 from 0.2 to 1, within 10 % of the production mesh. With liplate run (cases/mesh_seeds,
    2026-12-03) the largest differences were -8.7 % (wetted, 0.4 mAh/cm^2, 2x in y) and +7.8 % (focusing); on
    62dbc80 (one variate per nucleus) -5.5 % and +5.2 %."""
    ref = np.mean([seed_trajectory("production", s) for s in (0, 1, 2)], axis=0)
    fine = np.mean([seed_trajectory(label, s) for s in (0, 1, 2)], axis=0)
    rel = fine / ref - 1.0
    print(label, "wetted", np.round(ref[:, 0], 3), np.round(fine[:, 0], 3))
    print(label, "focusing", np.round(ref[:, 1], 3), np.round(fine[:, 1], 3))
    assert np.all(np.abs(rel[:, 0]) <= 0.10), f"wetted fraction: {np.round(100 * rel[:, 0], 1)} %"
    assert np.all(np.abs(rel[:, 1]) <= 0.10), f"peak focusing: {np.round(100 * rel[:, 1], 1)} %"


def test_no_diffuse_li_away_from_the_deposit():
    """Away from the deposit (more than 4 interface lengths from any xi > 1/2, where the logistic tail is
    < 0.018) the SE stays pure SE: xi is neither a diffuse "fog" of Li (the volume projection once conserved
    such a fog in place between the Cu islands: max 0.18 at 0.2 mAh/cm^2) nor driven below 0 by the reaction
    term (min -0.015 at 0.4 mAh/cm^2). Creep off: the check is of the volume projection (island spreading
    moves Li on purpose, test_phasefield_nucleation)."""
    from scipy import ndimage

    from liplate.models.phasefield import PhaseFieldModel

    model = PhaseFieldModel(make_case("cu", width="300 um", nx=75, ny=50, extra={"physics": {"creep": False}}))
    run(model, 5.0, q_end=0.4 * 3.6e4)
    g = model._grid(model.xi.value)
    kx = int(np.ceil(4 * model.ell_x / model.dx))
    ky = int(np.ceil(4 * model.ell_y / model.dy[0]))
    pad = np.pad(g > 0.5, ((0, 0), (kx, kx)), mode="wrap")           # periodic in x
    near = ndimage.binary_dilation(pad, structure=np.array([[0, 0, 0], [1, 1, 1], [0, 0, 0]], bool), iterations=kx)
    near = ndimage.binary_dilation(near, structure=np.array([[0, 1, 0], [0, 1, 0], [0, 0, 0]], bool) |
                                   np.array([[0, 0, 0], [0, 1, 0], [0, 1, 0]], bool), iterations=ky)
    far = ~near[:, kx:-kx]
    assert far.sum() > 0.5 * g.size
    assert g[far].max() < 0.05
    assert g[far].min() > -1e-3
