"""Column transfers of the phase field (physics/phasefield.fill_columns / drain_columns / add_layer) and the creep
levelling of a film (and spreading of islands) that uses them (models/phasefield.PhaseFieldModel._level_film)."""
import numpy as np
import pytest

from liplate.physics.phasefield import add_layer, drain_columns, fill_columns, logistic_profile


def film(heights, ny=20, dy=1.0):
    """(ny, nx) xi of sharp films of the given heights (in cells, fractional top cell), unit cell volumes."""
    rows = np.arange(ny)[:, None]
    return np.clip(np.asarray(heights, float)[None, :] - rows, 0.0, 1.0), np.full((ny, len(heights)), dy)


def test_fill_adds_from_the_top_of_the_film_and_conserves():
    xi, v = film([2.5, 0.0, 5.0])
    new, added = fill_columns(xi, v, np.array([1.0, 2.25, 0.0]))
    assert added == pytest.approx([1.0, 2.25, 0.0])
    assert (new * v).sum(axis=0) == pytest.approx([3.5, 2.25, 5.0])
    assert new[:, 0].tolist()[:4] == [1.0, 1.0, 1.0, 0.5]       # top cell filled first, then the one above
    assert new[:, 1].tolist()[:3] == [1.0, 1.0, 0.25]
    assert np.all((new >= 0) & (new <= 1))


def test_drain_removes_from_the_top_and_is_the_inverse_of_fill():
    xi, v = film([2.5, 1.0, 5.0])
    amount = np.array([1.0, 0.0, 2.5])
    drained, took = drain_columns(xi, v, amount)
    assert took == pytest.approx(amount)
    assert (drained * v).sum(axis=0) == pytest.approx([1.5, 1.0, 2.5])
    back, _ = fill_columns(drained, v, took)
    assert back == pytest.approx(xi)


def test_transfers_are_capped_by_what_a_column_holds():
    xi, v = film([1.0, 19.5], ny=20)
    _, took = drain_columns(xi, v, np.array([3.0, 0.0]))
    assert took == pytest.approx([1.0, 0.0])
    _, added = fill_columns(xi, v, np.array([0.0, 3.0]))
    assert added == pytest.approx([0.0, 0.5])


def test_a_layer_goes_in_with_the_equilibrium_profile_holding_its_li():
    """add_layer: each column gains exactly its amount, as the logistic profile of the interface length (the
    continuum layer of that Li, cut at the wall); |grad xi| of the layer integrates to its value at the wall; on
    top of Li already there it adds the union, still exactly the amount; a column too full takes what fits."""
    dy, ell, ny = 0.25e-6, 1e-6, 60
    y = (np.arange(ny) + 0.5) * dy
    v = np.full((ny, 3), 2e-6 * dy)                                     # dx = 2 um
    amount = np.array([3e-6, 5e-6, 0.0]) * 2e-6                         # 3 and 5 um thick
    xi, added = add_layer(np.zeros((ny, 3)), v, y, 2e-6, amount, ell)
    assert added == pytest.approx(amount, abs=1e-20)
    assert (xi * v).sum(axis=0) == pytest.approx(amount, abs=1e-20)
    for c, t in ((0, 3e-6), (1, 5e-6)):
        h = ell * np.log(np.expm1(t / ell))                              # the continuum layer's xi = 1/2 height
        np.testing.assert_allclose(xi[:, c], logistic_profile(h - y, ell), atol=2e-3)
        assert np.all(np.diff(xi[:, c]) <= 0.0)
    assert not xi[:, 2].any()
    # on an existing layer: the union, scaled to the amount
    more, added = add_layer(xi, v, y, 2e-6, np.array([1e-6, 0.0, 1e-6]) * 2e-6, ell)
    assert added == pytest.approx([2e-12, 0.0, 2e-12], abs=1e-20)
    assert np.all(more >= xi - 1e-15) and more.max() <= 1.0
    # more than the column holds: what fits
    _, added = add_layer(np.zeros((4, 1)), np.full((4, 1), 1.0), np.arange(4) + 0.5, 1.0, np.array([10.0]), 1.0)
    assert added == pytest.approx([4.0])


def test_creep_levels_a_continuous_film_and_conserves_li():
    """A stepped Li2Te-Cu film (6 / 3 um halves, 200 um period) under 13 MPa for 60 s: the column heights
    follow creep.level_profile (tested against the strip squeeze-flow law in test_creep.py), Li volume is
    unchanged, the step shrinks."""
    from test_phasefield import make_case

    from liplate.models.phasefield import PhaseFieldModel
    from liplate.physics.creep import level_profile

    model = PhaseFieldModel(make_case("li2te_cu", width="200 um", nx=50, ny=56,
                                      extra={"physics": {"sei": False, "creep": True}}))
    x2 = model._grid(model.xi.value).copy()
    v2 = model._grid(model.volumes)
    x2, _ = fill_columns(x2, v2, np.where(np.arange(model.nx) < 25, 4e-6 * model.dx, 1e-6 * model.dx))
    h0 = (x2 * v2).sum(axis=0) / model.dx
    assert h0.std() > 1e-6
    out = model._grid(model._level_film(x2.ravel(), 60.0))
    h1 = (out * v2).sum(axis=0) / model.dx
    # the lowest interface.surface_roughness of each column sits in the SE's relief: only what is above flows
    h_r = model.surface_roughness
    expected = h_r + level_profile(h0 - h_r, model.dx, 60.0, model.stack_pressure, model.temperature,
                                   model.creep_law)
    assert h1 == pytest.approx(expected, rel=1e-9, abs=1e-15)
    assert h1.sum() == pytest.approx(h0.sum(), rel=1e-12)
    assert h1.std() < 0.5 * h0.std() and h1.max() < h0.max() and h1.min() >= h0.min()
    # islands (bare collector between them): since 2026-12-02 the same law spreads them over the bare collector
    bare = x2.copy()
    bare[:, :5] = 0.0
    spread = model._grid(model._level_film(bare.ravel(), 60.0))
    assert (spread * v2).sum() == pytest.approx((bare * v2).sum(), rel=1e-12)
    assert (spread[0] > 0.5).sum() > (bare[0] > 0.5).sum()
