"""A sessile lithium cap relaxing on the collector reaches the contact angle of the Cahn wall condition.

Physics: with no current the phase-field model is Allen-Cahn with a volume-conserving Lagrange
multiplier (models/phasefield.py) and the Cahn wall condition n.grad xi = cos(theta) xi (1-xi)/ell
(physics/wetting.py). Its equilibrium on a flat wall is a circular cap meeting the wall at theta
(Young). Start from a semicircle (90 deg), relax at fixed volume, and read the angle from the
xi = 1/2 contour: theta = 2 atan(height / base half-width). Isotropic interface (stretch 1),
interface length 0.25 um = one cell, cap radius ~ 13-30 interface lengths.
"""
import math
from pathlib import Path

import numpy as np
import pytest

from liplate import schema
from liplate.case import Case, validate
from liplate.models import phasefield_config
from liplate.physics import nucleation, wetting
from liplate.physics.constants import FARADAY

phasefield_config.register()


def make_case(theta_deg):
    data = {
        "case": {"substrate": "cu", "model": "phasefield", "seed": 1},
        "protocol": {"current_density": "0.5 mA/cm^2", "capacity": "1 mAh/cm^2"},
        "domain": {"width": "30 um", "height": "12 um", "cells_x": 120, "cells_y": 48},
        "phasefield": {"fine_cell_height": "0.25 um", "fine_layer_height": "12 um",
                       "interface_length": "0.25 um", "relaxation_rate": "20 1/s"},
        "nucleation": {"source": "parameters", "density": "1 1/mm^2", "nucleus_half_width": "4 um",
                       "nucleus_height": "4 um", "progressive": False},
        "substrate": {"contact_angle": f"{theta_deg} deg"},
        # A relaxing cap passes no charge; the roughness fill would take Li from newly wetted columns
        # and pin the contact line, so the wetting condition is tested alone.
        "physics": {"sei": False, "creep": False},
    }
    sections, params = validate(data)
    assert "phasefield" in schema.SECTIONS
    return Case(path=Path("."), source_file=Path("case.toml"), sections=sections, params=params, raw=data)


def relax(model, t_end=60.0, dt_max=0.2):
    dt, t = 0.05, 0.0
    while t < t_end:
        model.advance(dt, 0.0)
        t += dt
        dt = min(dt * 1.3, dt_max)
    return model


@pytest.mark.parametrize("theta", [30.0, 60.0, 90.0, 120.0])
def test_sessile_cap_reaches_contact_angle(theta):
    from liplate.models.phasefield import PhaseFieldModel

    model = PhaseFieldModel(make_case(theta))
    assert model.stretch == pytest.approx(1.0)
    v0 = model.plated_charge()
    relax(model)
    xi = model._grid(model.xi.value)
    measured = wetting.measure_contact_angle(xi, model.x_centres, model.y_centres)
    # volume conserved by the Lagrange multiplier (no current)
    li_charge = model.xi0_total / model.width * FARADAY / model.vm       # C/m^2 held in the cap
    assert model.plated_charge() == pytest.approx(v0, abs=1e-9 * li_charge)
    print(f"theta {theta}: measured {measured:.2f} deg")
    assert abs(measured - theta) < 5.0, f"cap angle {measured:.1f} deg for theta = {theta} deg"


def production_mesh_case(theta_deg):
    """A cap on the cells of the shipped phase-field cases in units of the interface length: dx = ell, dy =
    ell / 2 (not square); here ell = 1 um (the shipped 1 mAh/cm^2 cases: 0.5 um since 2026-12-04, the same
    cells per ell), a 14 um semicircle in a 70 um x 30 um window."""
    data = {
        "case": {"substrate": "cu", "model": "phasefield", "seed": 1},
        "protocol": {"current_density": "0.5 mA/cm^2", "capacity": "1 mAh/cm^2"},
        "domain": {"width": "70 um", "height": "30 um", "cells_x": 70, "cells_y": 60},
        "phasefield": {"fine_cell_height": "0.5 um", "fine_layer_height": "30 um", "interface_length": "1 um",
                       "relaxation_rate": "20 1/s"},
        "nucleation": {"source": "parameters", "density": "1 1/mm^2", "nucleus_half_width": "14 um",
                       "nucleus_height": "14 um", "progressive": False},
        "substrate": {"contact_angle": f"{theta_deg} deg"},
        "physics": {"sei": False, "creep": False},
    }
    sections, params = validate(data)
    return Case(path=Path("."), source_file=Path("case.toml"), sections=sections, params=params, raw=data)


@pytest.mark.parametrize("theta", [30.0, 60.0, 90.0, 120.0])
def test_sessile_cap_on_the_production_mesh(theta):
    """The interface energy is isotropic in physical space: on the production cells (dx = 2 dy) a cap meets
    the collector at theta, within 5 deg. Measured 2026-12-02 after 80 s: 29.86, 58.91, 90.39, 115.83 deg (the
    120 deg cap 4.2 deg short: the diffuse Cahn wall condition at theta > 90 deg; the square 0.25 um cells of
    test_sessile_cap_reaches_contact_angle give 115.16 deg). With the former region reach of 3 cells the tails
    outside the cap's region were handed back to its interface and the 120 deg cap stopped at 114.83 deg."""
    from liplate.models.phasefield import PhaseFieldModel

    model = PhaseFieldModel(production_mesh_case(theta))
    assert model.stretch == pytest.approx(1.0) and model.dx == pytest.approx(2.0 * model.dy[0])
    relax(model, t_end=80.0)
    xi = model._grid(model.xi.value)
    measured = wetting.measure_contact_angle(xi, model.x_centres, model.y_centres)
    print(f"theta {theta}: measured {measured:.2f} deg on dx = 1 um, dy = 0.5 um")
    assert abs(measured - theta) < 5.0, f"cap angle {measured:.1f} deg for theta = {theta} deg"


def test_li110_site_density_from_the_molar_volume():
    """n_s = sqrt(2)/a^2 with the bcc lattice parameter from V_m: a = 3.51 A (handbook bcc Li at room
    temperature: 3.51 A), n_s = 1.15e19 m^-2."""
    vm = 1.30e-5
    a = (2 * vm / wetting.AVOGADRO) ** (1 / 3)
    assert a == pytest.approx(3.51e-10, rel=0.005)
    assert wetting.li110_site_density(vm) == pytest.approx(math.sqrt(2) / a**2)


def test_adhesion_mapping_limits():
    """Young-Dupre with W_ad = 2 gamma + n_s dE: a collector binding Li as Li does (dE = 0) is wetted completely
    (Li on Li); theta = 90 deg where n_s dE = -gamma; theta = 180 deg where W_ad = 0; theta falls as dE rises."""
    gamma, vm = 0.556, 1.30e-5
    ns_e = wetting.li110_site_density(vm) * 1.602176634e-19        # J/m^2 per eV of dE
    assert wetting.contact_angle_from_binding(0.0, gamma, vm) == pytest.approx(0.0, abs=1e-6)
    assert wetting.contact_angle_from_binding(-gamma / ns_e, gamma, vm) == pytest.approx(90.0)
    assert wetting.contact_angle_from_binding(-2 * gamma / ns_e, gamma, vm) == pytest.approx(180.0)
    angles = [wetting.contact_angle_from_binding(de, gamma, vm) for de in np.linspace(-0.6, 0.0, 13)]
    assert all(a > b for a, b in zip(angles, angles[1:], strict=False))
    # Young-Dupre round trip and the heterogeneous-nucleation shape factor
    for theta in (10.0, 60.0, 120.0):
        assert wetting.contact_angle_from_adhesion(gamma, wetting.adhesion_energy(gamma, theta)) == pytest.approx(theta)
    assert nucleation.shape_factor(180.0) == pytest.approx(1.0)
    assert nucleation.shape_factor(90.0) == pytest.approx(0.5)
    assert nucleation.shape_factor(0.0) == pytest.approx(0.0)


def test_dft_tables_wet_li2te_cu_and_cannot_fix_theta_cu():
    """BRIEF §3 through the adhesion mapping, with the DFT uncertainty (+-0.03 eV): Li2Te-Cu is completely wetted
    over the whole range (a film, BRIEF §2); for Cu the range spans complete wetting (0 deg) to partial wetting,
    so the tables cannot fix theta_Cu, which is a calibrated parameter (source: "calibrated on ...")."""
    case = make_case(90.0)
    gamma, vm = case.p("li.surface_energy"), case.p("li.molar_volume")
    lo_te, hi_te = wetting.contact_angle_range(wetting.binding_advantage(case, "li2te_cu"), gamma, vm)
    assert lo_te == hi_te == pytest.approx(0.0, abs=1e-6)
    lo_cu, hi_cu = wetting.contact_angle_range(wetting.binding_advantage(case, "cu"), gamma, vm)
    assert lo_cu == pytest.approx(0.0, abs=1e-6) and hi_cu > 10.0
    assert case.params["cu"]["contact_angle"].source.startswith("calibrated on")
    assert "contact_angle" not in case.params["li2te_cu"]


def test_substrate_contact_angle_precedence():
    """[substrate] contact_angle (case) > calibrated parameter (Cu) > DFT mapping (Li2Te-Cu)."""
    case = make_case(90.0)
    assert wetting.substrate_contact_angle(case) == 90.0
    case.sections["substrate"]["contact_angle"] = "auto"
    assert wetting.substrate_contact_angle(case, "cu") == case.p("cu.contact_angle")
    assert wetting.substrate_contact_angle(case, "li2te_cu") == pytest.approx(0.0, abs=1e-6)


def test_cahn_gradient_consistent_with_logistic_profile():
    """For a straight interface meeting the wall at theta, the logistic profile satisfies the condition."""
    ell, theta = 1e-6, 50.0
    # profile xi(d) with d the distance to the interface; along the wall normal, dd/dn = cos(theta)
    d = np.linspace(-3e-6, 3e-6, 7)
    xi = 1.0 / (1.0 + np.exp(-d / ell))
    dxi_dd = xi * (1 - xi) / ell
    assert np.allclose(wetting.cahn_wall_gradient(xi, theta, ell), math.cos(math.radians(theta)) * dxi_dd)
