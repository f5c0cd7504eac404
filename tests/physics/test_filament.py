"""Filament initiation and propagation (physics/filament.py): analytic limits, independent checks, charge."""
import math

import numpy as np
import pytest
from scipy.integrate import quad, solve_ivp
from scipy.optimize import brentq

from liplate.physics import filament as fl
from liplate.physics.constants import FARADAY
from liplate.physics.creep import CreepLaw

VM = 1.30e-5          # m^3/mol, Li molar volume
K_IC = 0.23e6         # Pa m^1/2, LPSCl
T = 298.0
E_PRIME = 22e9        # Pa
LAW = CreepLaw.lithium()


def test_without_creep_the_flaw_holds_the_plating_pressure():
    eta = np.array([-1e-3, -5e-3, -20e-3])
    expected = FARADAY * np.abs(eta) / VM
    assert fl.flaw_pressure(eta, 50.0, 10e-6, None, T, VM, E_PRIME) == pytest.approx(expected, rel=1e-12)
    frozen = CreepLaw(exponent=6.6, activation_energy=37e3, rate_ref=0.0)     # B = 0: Li cannot flow
    assert fl.flaw_pressure(eta, 50.0, 10e-6, frozen, T, VM, E_PRIME, width=1e-6) == pytest.approx(expected)


@pytest.mark.parametrize("depth, pressure", [(1e-6, 130e6), (10e-6, 40e6)])
def test_criterion_opens_at_the_briefs_pressures(depth, pressure):
    # BRIEF §5: p sqrt(pi a) >= K_IC at ~130 MPa for a = 1 um and ~40 MPa for a = 10 um
    p_open = K_IC / math.sqrt(math.pi * depth)
    assert p_open == pytest.approx(pressure, rel=0.04)
    assert fl.opens(p_open * 1.001, depth, K_IC) and not fl.opens(p_open * 0.999, depth, K_IC)


def test_creep_pressure_newtonian_limit_is_plane_poiseuille():
    # n = 1, B = 1/mu: q = G w^3 / (12 mu) -> p = 12 mu j V_m a^2 / (F w^3)
    mu, a, w, j = 1e9, 5e-6, 0.5e-6, 30.0
    law = CreepLaw.newtonian(mu)
    p = fl.creep_limited_pressure(a, w, j, law, law.temperature_ref, VM)
    assert p == pytest.approx(12 * mu * j * VM * a ** 2 / (FARADAY * w ** 3), rel=1e-9)


def test_creep_pressure_matches_a_quadrature_of_the_power_law_channel_flow():
    # independent of eq. (3): invert the channel flux law q(G) numerically at each s and integrate G over the flaw
    a, w, j = 8e-6, 0.2e-6, 50.0
    n, b = LAW.exponent, LAW.shear_coefficient(T)

    def gradient(s):
        q = 2 * j * VM * s / FARADAY
        flux = lambda g: b * g ** n * w ** (n + 2) / ((n + 2) * 2 ** (n + 1)) - q   # noqa: E731
        return brentq(flux, 0.0, 1e20, xtol=1e-6, rtol=1e-13) if q > 0 else 0.0

    p_quad, _ = quad(gradient, 0.0, a, epsabs=0, epsrel=1e-9, limit=200)
    assert fl.creep_limited_pressure(a, w, j, LAW, T, VM) == pytest.approx(p_quad, rel=1e-6)


def test_sharp_flaw_pressure_is_self_consistent_with_its_elastic_opening():
    for a, j in [(1e-6, 5.0), (14e-6, 50.0), (4e-6, 500.0)]:
        p = fl.sharp_flaw_creep_pressure(a, j, LAW, T, VM, E_PRIME)
        w = fl.crack_mouth_opening(p, a, E_PRIME)
        assert fl.creep_limited_pressure(a, w, j, LAW, T, VM) == pytest.approx(p, rel=1e-9)
    # a blunt flaw (gap = depth) is emptied by creep at a few MPa, far below what opens it
    assert fl.creep_limited_pressure(10e-6, 10e-6, 50.0, LAW, T, VM) < 5e6


def test_creep_limits_only_above_its_own_pressure():
    a, j = 10e-6, 50.0
    p_sharp = float(fl.sharp_flaw_creep_pressure(a, j, LAW, T, VM, E_PRIME))
    low = -0.5 * p_sharp * VM / FARADAY            # overpotential whose drive is half p_sharp
    high = -2.0 * p_sharp * VM / FARADAY
    assert fl.flaw_pressure(low, j, a, LAW, T, VM, E_PRIME) == pytest.approx(0.5 * p_sharp)
    assert fl.flaw_pressure(high, j, a, LAW, T, VM, E_PRIME) == pytest.approx(p_sharp)


def test_crack_front_runs_ahead_of_the_lithium():
    p, L = 100e6, 713e-6
    for ell in (2e-6, 10e-6, 30e-6):
        c = fl.crack_front(ell, p, K_IC, L)
        assert c >= ell
        if c < L:
            assert fl.partial_stress_intensity(c, ell, p) == pytest.approx(K_IC, rel=1e-8)
    # below the opening condition the crack does not run; far ahead it follows c ~ 4 p^2 l^2 / (pi K^2)
    assert fl.crack_front(1e-6, 100e6, K_IC, L) == pytest.approx(1e-6)
    ell = 20e-6
    assert fl.crack_front(ell, p, K_IC, 1.0) == pytest.approx(4 * p ** 2 * ell ** 2 / (math.pi * K_IC ** 2), rel=0.05)
    assert fl.crack_front(60e-6, p, K_IC, L) == L


def test_capture_area_limits():
    r = 2e-6
    assert fl.depolarisation_factor(1.0) == pytest.approx(1 / 3)
    assert fl.capture_area(r, r) == pytest.approx(3 * math.pi * r ** 2)          # hemispherical boss: 3 x footprint
    ell = 1e4 * r                                                                 # slender needle
    assert fl.capture_area(ell, r) == pytest.approx(math.pi * ell ** 2 / (math.log(2 * ell / r) - 1), rel=2e-3)
    # continuous through the sphere, and monotone
    s = np.array([0.5, 0.999, 1.0, 1.001, 3.0, 30.0])
    n = fl.depolarisation_factor(s)
    assert np.all(np.diff(n) < 0) and n[1] == pytest.approx(n[3], rel=5e-3)


def test_filament_holds_the_charge_it_collected():
    # capture capped at a fixed area: dl/dt constant, the Li in the filament = the charge passed through A0
    r, j, a0, dt = 2e-6, 50.0, 1e-10, 20.0
    res = fl.grow(10e-6, dt, j, r, VM, 713e-6, capture_limit=a0)
    assert res.charge == pytest.approx(j * a0 * dt, rel=1e-12)
    assert res.length - 10e-6 == pytest.approx(j * a0 * dt * VM / (FARADAY * math.pi * r ** 2), rel=1e-12)


def test_growth_matches_an_accurate_ode_solution_and_is_step_independent():
    r, j, L = 2e-6, 50.0, 713e-6
    k = j * VM / (FARADAY * math.pi * r ** 2)
    ref = solve_ivp(lambda t, y: [k * float(fl.capture_area(y[0], r))], (0, 60.0), [10e-6], rtol=1e-11, atol=1e-16)
    one = fl.grow(10e-6, 60.0, j, r, VM, L, max_relative_change=0.002)
    assert one.length == pytest.approx(ref.y[0, -1], rel=2e-3)
    # many short calls give the same as one long call; the charge adds up to F pi r^2 dl / V_m
    ell, q = 10e-6, 0.0
    for _ in range(30):
        g = fl.grow(ell, 2.0, j, r, VM, L, max_relative_change=0.002)
        ell, q = g.length, q + g.charge
    assert ell == pytest.approx(one.length, rel=2e-3)
    assert q == pytest.approx(FARADAY * math.pi * r ** 2 * (ell - 10e-6) / VM, rel=1e-12)


def test_crossing_time_and_stop_at_the_crack_front():
    r, j, L = 2e-6, 50.0, 713e-6
    full = fl.grow(10e-6, 1e4, j, r, VM, L)
    assert full.length == L and full.crossed_after is not None and 0 < full.crossed_after < 1e4
    # twice the current, half the time (eq. 8 is linear in j)
    double = fl.grow(10e-6, 1e4, 2 * j, r, VM, L)
    assert double.crossed_after == pytest.approx(full.crossed_after / 2, rel=0.02)
    held = fl.grow(10e-6, 1e4, j, r, VM, L, crack_length=50e-6)
    assert held.length == pytest.approx(50e-6) and held.crossed_after is None


def test_the_crack_front_moves_with_the_lithium_within_a_step():
    # Eq. (6) at fixed p: once p sqrt(pi l) >= K_IC the front is ahead of the Li and stays ahead as the Li advances,
    # so the Li grows at its Faraday rate; the result must not depend on how the time is cut into steps
    r, j, L, l0, dt = 2e-6, 50.0, 713e-6, 5e-6, 60.0
    p = 1.03 * K_IC / math.sqrt(math.pi * l0)                       # just above the running condition at l0
    assert fl.crack_runs(l0, p, K_IC) and not fl.crack_runs(l0, 0.97 * p, K_IC)

    def stepped(n):
        ell = l0
        for _ in range(n):
            c = fl.crack_front(ell, p, K_IC, L)
            ell = fl.grow(ell, dt / n, j, r, VM, L, crack_length=c, pressure=p, fracture_toughness=K_IC,
                          max_relative_change=0.002).length
        return ell

    free = fl.grow(l0, dt, j, r, VM, L, max_relative_change=0.002).length       # no front at all
    assert stepped(1) == pytest.approx(free, rel=1e-9)
    assert stepped(30) == pytest.approx(stepped(1), rel=2e-3)
    # a front held for the whole step (the old scheme) stops the Li a few % beyond l0
    held = fl.grow(l0, dt, j, r, VM, L, crack_length=fl.crack_front(l0, p, K_IC, L)).length
    assert held < 1.1 * l0 < free
    # below the running condition the Li fills a front opened earlier and stops there if the crack does not run
    p_low = 0.9 * K_IC / math.sqrt(math.pi * 8e-6)
    stuck = fl.grow(l0, 1e4, j, r, VM, L, crack_length=8e-6, pressure=p_low, fracture_toughness=K_IC)
    assert stuck.length == pytest.approx(8e-6) and stuck.crossed_after is None
    # ... and runs on from there if it does
    p_mid = 1.05 * K_IC / math.sqrt(math.pi * 8e-6)
    assert not fl.crack_runs(l0, p_mid, K_IC)
    on = fl.grow(l0, 1e4, j, r, VM, L, crack_length=8e-6, pressure=p_mid, fracture_toughness=K_IC)
    assert on.length == L and on.crossed_after is not None


def test_pellet_resistance_drops_with_filaments_and_vanishes_at_the_short():
    L, sigma = 713e-6, 0.32
    assert fl.pellet_area_resistance(L, sigma, [], []) == pytest.approx(L / sigma)
    assert fl.pellet_area_resistance(L, sigma, [100e-6], [0.5]) == pytest.approx((L - 50e-6) / sigma)
    assert fl.pellet_area_resistance(L, sigma, [L], [0.1]) == 0.0


def test_state_round_trip():
    st = fl.FilamentState.closed(3)
    st.opened[1] = True
    st.li_length[1] = 5e-6
    st.short_time = 12.0
    back = fl.FilamentState.from_arrays(st.as_arrays())
    assert back.opened.tolist() == [False, True, False] and back.li_length[1] == 5e-6 and back.short_time == 12.0


# -- the step hook on a small phase-field window (models/phasefield/filament.py) --------------------------------

def _model(extra, width="200 um", j="5 mA/cm^2", nx=50, nucleation=None, **domain):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent))
    from test_phasefield import make_case

    from liplate.models import filament_config
    from liplate.models.phasefield import PhaseFieldModel
    from liplate.models.phasefield.filament import attach

    filament_config.register()
    case = make_case("cu", j=j, width=width, nx=nx, ny=44, extra={"penetration": {"enabled": True, **extra},
                                                                  "domain": domain, "nucleation": nucleation or {}})
    model = PhaseFieldModel(case)
    return model, attach(model)


def _advance_to(model, q_end, j):
    from test_phasefield import run
    run(model, j, q_end=q_end)


def test_disabled_by_default_and_no_hook():
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent))
    from test_phasefield import make_case

    from liplate.models import filament_config
    from liplate.models.phasefield import PhaseFieldModel
    from liplate.models.phasefield.filament import attach

    filament_config.register()
    model = PhaseFieldModel(make_case("cu", width="100 um", nx=25, ny=40))
    assert attach(model) is None and model.step_hooks == []


def test_hook_keeps_the_li_balance_and_reports_penetration():
    # deeper flaws (scale 3 um) at 5 mA/cm^2: flaws under the islands fill and open; the filaments' Li is taken
    # from the deposit, so deposit + SEI + roughness fill + filaments = passed charge (once the nuclei are paid)
    j = 50.0
    model, hook = _model({"flaw_depth_scale": "3 um", "largest_flaw_depth": "40 um"})
    _advance_to(model, 0.08 * 3.6e4, j)
    obs = model.observables()
    assert obs["filaments_open"] > 0 and obs["filament_li_mAh_cm2"] > 0
    assert model.plated_charge() == pytest.approx(model.charge, rel=1e-6)
    assert np.all(hook.owed >= 0)
    # the charge each filament collected is the Li it holds
    assert np.sum(hook.state.charge) == pytest.approx(FARADAY * np.sum(hook.state.li_volume) / VM, rel=1e-12)
    assert obs["penetration_depth_um"] == pytest.approx(np.max(hook.state.li_length) * 1e6)
    assert np.all(hook.state.crack_length[hook.state.opened] >= hook.state.li_length[hook.state.opened])
    fields = model.cell_fields()
    assert fields["filament"].max() == 1.0 and fields["flaw_depth_um"].shape == (model.nx * model.ny,)


def _wetted_window(depths, wet_from, j_local):
    """A 100 um Cu window of 25 columns: the resolved deposit (a 3 um film) wets the columns >= ``wet_from``,
    sub-grid nuclei sit on the bare ones; one flaw of each ``depths`` in column 2 k + 1 (so both kinds of column
    hold flaws), and every column reports the same resolved-interface current ``j_local`` (A/m^2)."""
    from liplate.physics import flaws as flaws_mod
    from liplate.physics import phasefield as pf

    model, hook = _model({}, width="100 um", nx=25)
    nx = model.nx
    X, Y = np.meshgrid(model.x_centres, model.y_centres)
    xi = pf.logistic_profile(3e-6 - Y, model.ell_y) * (X > wet_from * model.dx)
    model.xi.setValue(xi.ravel())
    bare = np.arange(nx) < wet_from
    model.nuclei.count[bare] = 3.0                     # sub-grid nuclei (not in xi) on the bare columns
    model.nuclei.area[bare] = 3 * 1e-14
    x = (2 * np.arange(len(depths)) + 1.5) * model.dx
    hook.flaws = flaws_mod.Flaws(x=x, depth=np.asarray(depths, dtype=float), width=model.width)
    hook.columns = hook.flaws.columns(nx)
    hook.state = fl.FilamentState.closed(hook.flaws.count)
    hook.fill = np.zeros(hook.flaws.count)
    hook.pressure = np.zeros(hook.flaws.count)
    hook.k_ratio = np.zeros(hook.flaws.count)
    hook.owed = np.zeros(hook.flaws.count)
    hook.current_share = np.zeros(hook.flaws.count)
    hook.column_current = lambda _m: np.full(nx, j_local)
    return model, hook


def test_flaws_under_bare_columns_or_sub_grid_nuclei_stay_closed_and_wetted_ones_open_by_the_criterion():
    from liplate.physics.kinetics import overpotential_for_current

    j = 400.0                                  # A/m^2, a focused island edge
    depths = np.array([4e-6, 0.3e-6, 4e-6, 0.3e-6, 4e-6, 0.3e-6, 4e-6, 0.3e-6])
    model, hook = _wetted_window(depths, wet_from=8, j_local=j)   # flaws 0-3 bare (with nuclei), 4-7 wetted
    bare = hook.columns < 8
    assert bare.tolist() == [True] * 4 + [False] * 4
    assert not np.any(hook.wetted_columns(model)[:8]) and np.all(hook.wetted_columns(model)[9:])
    # long enough for the Li of the wetted columns to fill every flaw (eq. 5a): h = j V_m t / F >= a
    dt = 2.0 * depths.max() * FARADAY / (j * model.vm)
    hook(model, dt)
    assert np.all(hook.fill[bare] == 0.0) and np.all(hook.pressure[bare] == 0.0)
    assert not np.any(hook.state.opened[bare])
    assert hook.fill[~bare] == pytest.approx(j * model.vm / FARADAY * dt, rel=1e-12)
    # wetted: the pressure of eqs. (1)/(4) at the resolved interface's current, opened iff p sqrt(pi a) >= K_IC
    eta = overpotential_for_current(j, model.j0, model.alpha, model.temperature)
    p = fl.flaw_pressure(eta, j, depths[~bare], hook.law, model.temperature, model.vm, hook.modulus)
    assert hook.pressure[~bare] == pytest.approx(p, rel=1e-12)
    expected = p * np.sqrt(np.pi * depths[~bare]) >= hook.k_ic
    assert expected.tolist() == [True, False, True, False]          # both sides of the criterion are exercised
    assert hook.state.opened[~bare].tolist() == expected.tolist()


def test_a_sub_grid_film_wets_its_column_at_the_films_current():
    # a continuous sub-grid film (nuclei coalesced over the cell, thinner than the mesh resolves) is Li pressed
    # against the SE: the flaws over it fill and open as under the resolved deposit, at the film's current
    from liplate.models.phasefield.filament import FilamentHook
    from liplate.physics.kinetics import overpotential_for_current

    j = 400.0
    depths = np.array([4e-6, 4e-6, 4e-6, 4e-6])
    model, hook = _wetted_window(depths, wet_from=20, j_local=j)     # resolved deposit on columns >= 20 only
    del hook.column_current                                          # the hook's own column current
    film = np.zeros(model.nx, dtype=bool)
    film[:4] = True                                                  # covers the columns of flaws 0 and 1
    model.nuclei.count[:] = 0.0
    model.nuclei.area[:] = 0.0
    model.nuclei.film[:] = np.where(film, 1e-6 * model.dx, 0.0)
    model.nuclei_current = np.where(film, j, 0.0)
    assert hook.wetted_columns(model)[:20].tolist() == film[:20].tolist()
    assert FilamentHook.column_current(hook, model)[film] == pytest.approx(j)
    dt = 2.0 * fl.intrusion_fill_thickness(depths[0], hook.k_ic, hook.modulus) * FARADAY / (j * model.vm)
    hook(model, dt)
    eta = overpotential_for_current(j, model.j0, model.alpha, model.temperature)
    p = fl.flaw_pressure(eta, j, depths[:2], hook.law, model.temperature, model.vm, hook.modulus)
    assert hook.pressure[:2] == pytest.approx(p, rel=1e-12) and hook.state.opened[:2].all()
    assert np.all(hook.pressure[2:] == 0.0) and not hook.state.opened[2:].any()
    # isolated sub-grid caps (not coalesced) do not wet the column
    model.nuclei.film[:] = 0.0
    model.nuclei.count[:4] = 3.0
    assert not hook.wetted_columns(model)[:20].any()


def test_sub_grid_nuclei_covering_half_their_cell_wet_the_column():
    # sub-grid nuclei are Li on the collector held below the mesh only until they are 3 interface lengths high: where
    # their bases cover at least half of a collector cell (the resolved deposit's rule, xi_wall >= 1/2) the SE over
    # them touches Li, so the column is wetted whatever the interface length; sparse small caps do not wet it
    from liplate.physics import nucleation as nuc

    model, hook = _wetted_window(np.array([4e-6]), wet_from=20, j_local=400.0)
    n = model.nuclei
    n.count[:], n.rows[:], n.area[:], n.film[:] = 0.0, 0.0, 0.0, 0.0
    model.nuclei_current = np.zeros(model.nx)
    for c, half in ((5, 1.9e-6), (12, 0.05e-6)):                   # one wide ridge, one tiny one
        n.count[c], n.rows[c], n.area[c] = 1.0, 1e8, float(nuc.cap_area(half, model.theta_nuclei))
    covered = n.spread()[1]
    assert covered[5] >= 0.5 and covered[12] < 0.5
    wet = hook.wetted_columns(model)
    assert wet[5] and not wet[12]
    assert wet[:20].tolist() == (covered[:20] >= 0.5).tolist()


def test_sub_grid_nuclei_fill_a_flaw_at_their_current_per_collector_area():
    # on a column of sub-grid nuclei the overpotential is that of their surface current density, but the flaw fills
    # (eq. 5a) at the Li the column gains per collector area: nm caps carry a surface density 10-100x that
    from liplate.models.phasefield.filament import FilamentHook
    from liplate.physics import nucleation as nuc
    from liplate.physics.kinetics import overpotential_for_current

    model, hook = _wetted_window(np.array([4e-6]), wet_from=20, j_local=400.0)
    del hook.column_current                                          # the hook's own column current
    n = model.nuclei
    n.count[:], n.rows[:], n.area[:], n.film[:] = 0.0, 0.0, 0.0, 0.0
    c = int(hook.columns[0])
    n.count[c], n.rows[c], n.area[c] = 1.0, 1e8, float(nuc.cap_area(1.9e-6, model.theta_nuclei))
    model.nuclei_current = np.full(model.nx, 400.0)                  # A/m^2 on the nuclei's surface
    model.nuclei_deposition = np.full(model.nx, 40.0)                # A/m^2 of collector
    assert FilamentHook.column_current(hook, model)[c] == pytest.approx(400.0)
    assert hook.column_deposition(model, FilamentHook.column_current(hook, model))[c] == pytest.approx(40.0)
    dt = 1.0
    hook(model, dt)
    assert hook.fill[0] == pytest.approx(fl.fill_rate(40.0, model.vm) * dt, rel=1e-12)
    if hook.pressure[0] > 0:                                         # filled: pressed at the surface's overpotential
        eta = overpotential_for_current(400.0, model.j0, model.alpha, model.temperature)
        p = fl.flaw_pressure(eta, 400.0, np.array([4e-6]), hook.law, model.temperature, model.vm, hook.modulus)
        assert hook.pressure[0] == pytest.approx(float(p[0]), rel=1e-12)


def test_a_wetted_flaw_is_not_pressurised_before_its_li_fills_it():
    j = 400.0
    depths = np.array([4e-6, 4e-6])
    model, hook = _wetted_window(depths, wet_from=0, j_local=j)
    need = fl.intrusion_fill_thickness(depths[0], hook.k_ic, hook.modulus)
    t_fill = need * FARADAY / (j * model.vm)
    hook(model, 0.5 * t_fill)
    assert np.all(hook.pressure == 0.0) and not hook.state.opened.any()
    hook(model, 0.6 * t_fill)                          # now filled: 1.1 x the intrusion thickness of eq. (5a)
    assert np.all(hook.pressure > 0) and hook.state.opened.all()
    # intrusion fills the flaw long before a column-wide layer as thick as the flaw is deep has plated
    assert hook.fill[0] < 0.1 * depths[0]


def test_a_conducting_plate_on_a_grounded_plane_collects_the_flux_of_its_height_on_each_face():
    # eq. (5a)'s derivation: potential E Im f(z), f = z sqrt(1 + s^2 / z^2) = sqrt(z^2 + s^2) in the upper half plane;
    # it is 0 on the plane (y = 0) and on the plate (x = 0, 0 < y < s), and E y far away (a uniform field)
    s, e = 3e-6, 1.0
    phi = lambda x, y: e * np.imag((x + 1j * y) * np.sqrt(1 + s ** 2 / (x + 1j * y) ** 2))   # noqa: E731
    assert abs(phi(1e-15 * s, 0.5 * s)) < 1e-9 * s and abs(phi(2 * s, 0.0)) < 1e-12 * s
    assert phi(0.3 * s, 1e3 * s) == pytest.approx(e * 1e3 * s, rel=1e-6)
    # normal field on the face x = 0+: E Im f'(z) = E Im 1 / sqrt(1 + s^2 / z^2); its integral is the flux E s
    normal = lambda y: e * np.imag(1.0 / np.sqrt(1 + s ** 2 / (1e-14 * s + 1j * y) ** 2))   # noqa: E731
    flux, _ = quad(normal, 0.0, s, limit=200)
    assert flux == pytest.approx(e * s, rel=1e-4)


def test_intrusion_fills_a_sharp_flaw_at_a_faraday_thickness_of_its_gap():
    depth = np.array([0.5e-6, 1e-6, 4e-6, 14e-6])
    delta = fl.intrusion_gap(depth, K_IC, E_PRIME)
    # the gap is the flaw's elastic opening at the pressure that opens it (eq. 4's mouth opening at K_IC / sqrt(pi a))
    p_open = K_IC / np.sqrt(np.pi * depth)
    assert delta == pytest.approx(fl.crack_mouth_opening(p_open, depth, E_PRIME), rel=1e-12)
    assert delta[1] == pytest.approx(34e-9, rel=0.05)
    # the tongue delta ds/dt = 2 s j V_m / F, integrated from s = delta to s = a, against the closed form
    j = 50.0
    for a, d in zip(depth, delta, strict=True):
        def full(t, y, a=a):
            return y[0] - a
        full.terminal = True
        sol = solve_ivp(lambda t, y, d=d: [2 * y[0] * j * VM / (FARADAY * d)], (0, 1e4), [d], events=full,
                        rtol=1e-10, atol=1e-20)
        t_full = sol.t_events[0][0]
        assert j * VM / FARADAY * t_full == pytest.approx(fl.intrusion_fill_thickness(a, K_IC, E_PRIME), rel=1e-6)
    h = fl.intrusion_fill_thickness(depth, K_IC, E_PRIME)
    assert np.all(np.diff(h) > 0) and np.all(h < 0.1 * depth)
    # a flaw no deeper than its gap is full as soon as Li touches it
    assert fl.intrusion_fill_thickness(1e-12, K_IC, E_PRIME) == 0.0


def test_no_flaw_is_pressurised_during_the_nucleation_transient():
    # classical nucleation (no Li at t = 0): the first milliseconds form sub-grid nuclei under a large
    # overpotential; no flaw is pressurised before the resolved deposit wets its column and fills it
    model, hook = _model({"flaw_depth_scale": "3 um", "largest_flaw_depth": "40 um"}, width="100 um", nx=25,
                         nucleation={"source": "classical"})
    from test_phasefield import run
    run(model, 50.0, q_end=50.0 * 0.05, dt=1e-3, dt_max=0.01)
    assert model.nuclei.formed > 0
    assert not hook.state.opened.any() and np.all(hook.pressure == 0.0)


def test_short_is_detected_with_its_capacity_and_the_voltage_collapses():
    j = 50.0
    model, hook = _model({"flaw_depth_scale": "3 um", "largest_flaw_depth": "40 um", "filament_radius": "0.5 um"},
                         electrolyte_thickness="300 um")
    q, obs = 0.0, {}
    state = model.get_state()
    while not obs.get("short_circuit") and q < 0.5 * 3.6e4:
        q += 0.01 * 3.6e4
        _advance_to(model, q, j)
        obs = model.observables()
        if not obs["short_circuit"]:
            state = model.get_state()
    assert obs["short_circuit"] and obs["voltage_V"] == 0.0
    assert obs["penetration_depth_um"] == pytest.approx(300.0)
    assert 0 < obs["short_capacity_mAh_cm2"] <= model.charge / 3.6e4 + 1e-12
    assert obs["short_time_s"] == pytest.approx(obs["short_capacity_mAh_cm2"] * 3.6e4 / j, rel=1e-9)
    # the hook's state rolls back with the model's
    model.set_state(state)
    assert not model.observables()["short_circuit"]


def test_far_field_decays_from_the_focused_to_the_applied_current():
    assert fl.far_field_current(0.0, 500.0, 50.0, 100e-6) == pytest.approx(500.0)
    assert fl.far_field_current(1e-3, 500.0, 50.0, 100e-6) == pytest.approx(50.0)
    # a filament in a focused column grows faster at first, then as in the applied field
    r, L = 2e-6, 713e-6
    plain = fl.grow(10e-6, 1e4, 50.0, r, VM, L)
    focused = fl.grow(10e-6, 1e4, lambda ell: fl.far_field_current(ell, 500.0, 50.0, 100e-6), r, VM, L)
    assert focused.crossed_after < plain.crossed_after


def test_strip_field_limits_and_current_conservation():
    lam = 100e-6
    # a uniform film (w = Lambda) carries the applied current everywhere
    y = np.array([0.0, 1e-6, 30e-6, 1e-3])
    assert fl.strip_current_density(y, lam, lam, 50.0) == pytest.approx(50.0, rel=1e-12)
    w = 2e-6
    j = fl.strip_current_density(y, w, lam, 50.0)
    assert j[0] == pytest.approx(50.0 / math.sin(math.pi * w / (2 * lam)), rel=1e-12)   # centre of the strip
    assert j[-1] == pytest.approx(50.0, rel=1e-6) and np.all(np.diff(j) < 0)
    # a narrow strip seen from w << y << Lambda is a line sink taking the current of its period
    assert fl.strip_current_density(10e-6, 0.02e-6, lam) == pytest.approx(lam / (math.pi * 10e-6), rel=0.04)
    # the complex field cos(pi z / L) / sqrt(s^2 - sin^2(pi z / L)) of eq. (9a): through any line y = h one period
    # carries Lambda x j_app (all the current reaches the strips), and on the axis it is eq. (9a)
    s2 = math.sin(math.pi * w / (2 * lam)) ** 2
    field = lambda z: np.cos(np.pi * z / lam) / np.sqrt(s2 - np.sin(np.pi * z / lam) ** 2 + 0j)   # noqa: E731
    for h in (5e-6, 20e-6):
        flux, _ = quad(lambda x, h=h: abs(field(x + 1j * h).real), -lam / 2, lam / 2, limit=400)
        assert flux == pytest.approx(lam, rel=1e-6)
        assert abs(field(1j * h)) == pytest.approx(float(fl.strip_current_density(h, w, lam)), rel=1e-10)


def test_far_field_of_a_narrow_island_decays_over_its_width():
    lam, j_loc, j_app = 600e-6, 1500.0, 40.0
    for w in (2e-6, 50e-6, 300e-6):
        assert fl.far_field_current(0.0, j_loc, j_app, lam, width=w) == pytest.approx(j_loc)
        assert fl.far_field_current(5e-3, j_loc, j_app, lam, width=w) == pytest.approx(j_app, rel=1e-6)
    # a lone 2 um patch keeps its focusing for a few um, not for Lambda / 2 pi ~ 100 um as the first harmonic does
    strip = fl.far_field_current(20e-6, j_loc, j_app, lam, width=2e-6)
    harmonic = fl.far_field_current(20e-6, j_loc, j_app, lam)
    assert strip < 0.1 * harmonic
    assert fl.far_field_current(20e-6, j_loc, j_app, lam, width=lam) == pytest.approx(j_app)     # a uniform film


def test_wetted_runs_are_periodic():
    length, n = fl.wetted_runs([True, True, False, False, True, False, True])
    assert n == 2 and length.tolist() == [3, 3, 0, 0, 1, 0, 3]        # the last cell wraps onto the first run
    assert fl.wetted_runs([False] * 4)[1] == 0
    length, n = fl.wetted_runs([True] * 5)
    assert n == 1 and length.tolist() == [5] * 5


def test_no_capture_no_growth():
    res = fl.grow(10e-6, 5.0, 50.0, 2e-6, VM, 713e-6, capture_limit=0.0)
    assert res.length == 10e-6 and res.charge == 0.0


# -- eq. (8b): the pressed Li of a filament pays p V_m per mole -------------------------------------------------
J0, ALPHA = 65.4, 0.5          # A/m^2, the calibrated Li|LPSCl exchange current density; symmetric transfer


def test_needle_surface_is_a_half_prolate_spheroid():
    r = 2e-6
    assert fl.needle_surface_area(r, r) == pytest.approx(2 * math.pi * r ** 2, rel=1e-6)     # hemisphere
    for ell in (0.5e-6, 1.5e-6, 3e-6, 20e-6, 700e-6):          # oblate (l < r) and prolate
        # surface of revolution of rho(z) = r sqrt(1 - z^2 / l^2), 0 <= z <= l, by quadrature
        def integrand(z, ell=ell):
            rho = r * math.sqrt(max(1 - (z / ell) ** 2, 0.0))
            drho = -r * z / (ell ** 2 * max(math.sqrt(max(1 - (z / ell) ** 2, 0.0)), 1e-300))
            return 2 * math.pi * rho * math.sqrt(1 + drho ** 2)
        ref = quad(integrand, 0.0, ell, limit=400, epsabs=0.0, epsrel=1e-10)[0]
        assert fl.needle_surface_area(ell, r) == pytest.approx(ref, rel=1e-6)
    # slender limit: pi^2 r l / 2
    assert fl.needle_surface_area(1.0, 1e-6) == pytest.approx(math.pi ** 2 * 1e-6 / 2, rel=1e-5)


def test_pressed_li_takes_the_butler_volmer_current_of_the_overpotential_left():
    from liplate.physics.kinetics import butler_volmer, overpotential_for_current
    j = 20.0
    assert fl.stressed_plating_fraction(j, 0.0, J0, ALPHA, T, VM) == pytest.approx(1.0, rel=1e-12)
    eta = overpotential_for_current(j, J0, ALPHA, T)                 # < 0, plating
    p_stall = -eta * FARADAY / VM                                    # p V_m / F = |eta|
    assert fl.stressed_plating_fraction(j, 1.0001 * p_stall, J0, ALPHA, T, VM) == 0.0
    half = 0.5 * p_stall
    expected = butler_volmer(eta + half * VM / FARADAY, J0, ALPHA, T) / j
    assert fl.stressed_plating_fraction(j, half, J0, ALPHA, T, VM) == pytest.approx(expected, rel=1e-10)
    # linear kinetics (j << j0): phi = 1 - p V_m / (F |eta|)
    small = 0.01
    eta_s = overpotential_for_current(small, J0, ALPHA, T)
    p = 0.3 * -eta_s * FARADAY / VM
    assert fl.stressed_plating_fraction(small, p, J0, ALPHA, T, VM) == pytest.approx(0.7, rel=1e-4)
    # monotone: more pressure, less current
    ps = np.linspace(0.0, p_stall, 20)
    phis = [fl.stressed_plating_fraction(j, q, J0, ALPHA, T, VM) for q in ps]
    assert all(a > b for a, b in zip(phis, phis[1:], strict=False))
    assert fl.running_pressure(1e-6, K_IC) == pytest.approx(K_IC / math.sqrt(math.pi * 1e-6))


def test_stress_kinetics_growth_matches_an_ode_and_keeps_the_charge():
    r, j, L, l0 = 2e-6, 20.0, 713e-6, 5e-6
    kin = fl.StressKinetics(J0, ALPHA, T, VM, K_IC)
    k = j * VM / (FARADAY * math.pi * r ** 2)
    ref = solve_ivp(lambda t, y: [k * float(fl.capture_area(y[0], r)) * kin.fraction(y[0], j, r)], (0, 60.0), [l0],
                    rtol=1e-10, atol=1e-16)
    one = fl.grow(l0, 60.0, j, r, VM, L, kinetics=kin, max_relative_change=0.002)
    assert one.length == pytest.approx(ref.y[0, -1], rel=2e-3)
    assert one.charge == pytest.approx(FARADAY * math.pi * r ** 2 * (one.length - l0) / VM, rel=1e-12)
    free = fl.grow(l0, 60.0, j, r, VM, L, max_relative_change=0.002)
    assert l0 < one.length < free.length
    # no toughness, no pressure: the whole collected current plates, as without the term
    soft = fl.StressKinetics(J0, ALPHA, T, VM, 0.0)
    assert fl.grow(l0, 60.0, j, r, VM, L, kinetics=soft, max_relative_change=0.002).length == \
        pytest.approx(free.length, rel=1e-12)


def test_with_the_stress_term_a_filament_grows_more_per_charge_at_higher_current():
    # Eq. (8) is linear in j: without (8b) the Li gained per passed charge does not depend on the current. With it, a
    # short filament stalls where its running pressure costs more than the local overpotential (low current) and
    # grows at nearly the collected current where the overpotential is large (high current).
    r, L, l0, q = 2e-6, 713e-6, 5e-6, 2.0e3           # q: passed charge per area, C/m^2 (0.056 mAh/cm^2)
    kin = fl.StressKinetics(J0, ALPHA, T, VM, K_IC)
    low = {kin_: fl.grow(l0, q / 5.0, 5.0, r, VM, L, kinetics=kin_).length for kin_ in (None, kin)}
    high = {kin_: fl.grow(l0, q / 50.0, 50.0, r, VM, L, kinetics=kin_).length for kin_ in (None, kin)}
    assert low[None] == pytest.approx(high[None], rel=1e-3)
    assert low[kin] == l0                      # 0.5 mA/cm^2 at 5 um: p V_m/F = 7.8 mV > |eta| (2 mV): stalled
    assert l0 < high[kin] < high[None]
