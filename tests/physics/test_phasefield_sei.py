"""SEI and creep on the Li|SE interface of the phase-field model (models/phasefield.py).

- Li balance: Li in the deposit + Li crept into the SE roughness + Li bound in the SEI = passed charge;
- the seeded nuclei are paid by the first charge: with SEI and creep off, the mean thickness is Faraday's
  4.85 um per mAh/cm^2 (no Li from nowhere);
- the SEI follows physics/sei.py on a flat film (the sharp model's closed form);
- current focusing on Cu islands and the Tafel factor of the SEI growth (Cu vs Li2Te-Cu);
- the interphase on the bare Cu between islands (SE reduced at the plating potential).
"""
import numpy as np
import pytest
from conftest import MEASURED_LI2TE_CU_UM
from test_phasefield import make_case, run

from liplate.physics.constants import FARADAY

MAH = 3.6e4      # C/m^2 per mAh/cm^2
J = 5.0          # A/m^2, 0.5 mA/cm^2


def model_for(substrate, sei, creep, width="200 um", nx=50, ny=56, parameters=None, interface=None):
    from liplate.models.phasefield import PhaseFieldModel

    extra = {"physics": {"sei": sei, "creep": creep}}
    if interface:
        extra["phasefield"] = {"interface_length": interface}
    if parameters:   # the other collector's parameters have no effect on this case: an error (issue 14)
        other = {"cu": "li2te_cu", "li2te_cu": "cu"}[substrate]
        extra["parameters"] = {k: v for k, v in parameters.items() if not k.startswith(other + ".")}
    return PhaseFieldModel(make_case(substrate, width=width, nx=nx, ny=ny, extra=extra))


def li_inventory(model):
    """(deposit, roughness fill, SEI) Li as charge per collector area (C/m^2), counted independently."""
    to_q = FARADAY / model.vm / model.width
    deposit = (np.sum(np.asarray(model.xi.value) * model.volumes) - model.film0_volume) * to_q
    sei = float(np.sum(model.sei_li) + np.sum(model.collector_sei_li)) * to_q
    return deposit, float(np.sum(model.fill)) * to_q, sei


def test_li_balance_with_sei_and_creep_on_cu_islands():
    model = model_for("cu", True, True, width="300 um", nx=75, ny=50)
    q = 0.25 * MAH
    run(model, J, q_end=q)
    deposit, fill, sei = li_inventory(model)
    assert model.charge == pytest.approx(q, rel=1e-9)
    assert deposit + fill + sei == pytest.approx(q, rel=1e-2)
    assert fill > 0 and sei > 0
    # the Li bound in the SEI is c_Li,SEI V_m x SEI volume (interface area x thickness) of the columns
    obs = model.observables()
    assert obs["li_lost_to_sei_mAh_cm2"] == pytest.approx(sei / MAH, rel=1e-9)
    assert obs["sei_thickness_mean_nm"] > 0
    assert model.cell_fields()["sei_thickness_m"].shape == (model.nx * model.ny,)


def test_faraday_thickness_with_sei_and_creep_off():
    model = model_for("li2te_cu", False, False)
    assert model.initial_charge() > 0.1 * MAH          # the seeded nuclei overlap into a film on Li2Te-Cu ...
    run(model, J, q_end=1.0 * MAH)
    obs = model.observables()
    # ... and are paid by the first charge: mean thickness = Faraday (4.85 um per mAh/cm^2)
    assert obs["faraday_thickness_um"] == pytest.approx(4.85, rel=2e-3)
    assert obs["thickness_mean_um"] == pytest.approx(obs["faraday_thickness_um"], rel=1e-2)
    assert obs["plated_capacity_mAh_cm2"] == pytest.approx(1.0, rel=1e-6)


def test_flat_film_sei_and_fill_follow_the_film_budget():
    """Li2Te-Cu wets fully: SEI thickness, SEI Li and the roughness fill are the flat-film closed form."""
    from liplate.models.sharp import deposit_parameters
    from liplate.physics.deposit import constant_current_film

    # SEI grows on columns holding >= one interface length of Li: 0.5 um, as the film budget's thin start
    model = model_for("li2te_cu", True, True, interface="0.5 um")
    q = 1.0 * MAH
    run(model, J, q_end=q)
    obs = model.observables()
    budget = constant_current_film(J, q, deposit_parameters(model.case))
    assert obs["wetted_fraction"] == 1.0
    # within the SEI, the local current is the applied one (flat film): delta = sqrt(k_p f_T(j) t)
    assert obs["sei_thickness_mean_nm"] * 1e-9 == pytest.approx(budget.sei_thickness, rel=2e-2)
    assert obs["li_lost_to_sei_mAh_cm2"] * MAH / FARADAY == pytest.approx(budget.li_in_sei, rel=5e-2)
    assert obs["roughness_fill_um"] * 1e-6 == pytest.approx(budget.fill, rel=1e-3)
    assert obs["thickness_mean_um"] * 1e-6 == pytest.approx(budget.thickness, rel=1e-2)


def cu_and_li2te_after(q, parameters=None):
    """Cu (islands) and Li2Te-Cu (film) with SEI on, creep off, after q at 0.5 mA/cm^2: observables."""
    cu = model_for("cu", True, False, width="300 um", nx=75, ny=50, parameters=parameters)
    run(cu, J, q_end=q)
    li2te = model_for("li2te_cu", True, False, parameters=parameters)
    run(li2te, J, q_end=q)
    a, b = cu.observables(), li2te.observables()
    print("SEI nm cu / li2te:", a["sei_thickness_mean_nm"], b["sei_thickness_mean_nm"],
          "Li lost per mAh:", a["li_lost_to_sei_mAh_cm2"] * MAH / q, b["li_lost_to_sei_mAh_cm2"] * MAH / q,
          "focusing mean:", a["focusing_factor_mean"], b["focusing_factor_mean"])
    return a, b


@pytest.fixture(scope="module")
def cu_and_li2te():
    """The shipped parameters, after 0.25 mAh/cm^2."""
    return cu_and_li2te_after(0.25 * MAH)


def test_sei_grows_faster_where_current_is_focused():
    """Tafel factor: on Cu islands the focused current grows a thicker SEI than on the uniform Li2Te-Cu film.

    The Tafel factor is exp(alpha_s F |eta_ct(j)| / RT): with the calibrated j0 = 32 mA/cm^2 it is 1.01-1.03
    at the local currents of 0.5 mA/cm^2 plating (0.25 mAh/cm^2: Cu 16.5 nm vs Li2Te-Cu 18.6 nm, the Cu
    mean being lowered by island columns that became wet late and started at no SEI). The mechanism is
    checked where it is large: j0 = 2 mA/cm^2 (the BRIEF's prior range; f_T = 1.13 on the film, 1.3-1.6 on
    the islands), same Cu and Li2Te-Cu runs."""
    slow = {"lpscl.exchange_current_density": "2 mA/cm^2", "cu.bare_exchange_current_density": "2 mA/cm^2",
            "li2te_cu.bare_exchange_current_density": "2 mA/cm^2"}
    a, b = cu_and_li2te_after(0.25 * MAH, parameters=slow)
    assert a["focusing_factor_mean"] > 1.2
    assert a["sei_thickness_mean_nm"] > b["sei_thickness_mean_nm"]


def test_cu_loses_more_li_to_sei_per_mah_than_li2te_cu(cu_and_li2te):
    """Everything at the plating potential that touches the SE grows an interphase: on Cu the islands' Li|SE
    interface (focused current, larger Tafel factor) and the bare Cu between them (physics/sei.py (5)), so
    the SEI area on Cu is at least the collector area and its growth is faster than on the uniform film.
    Measured at 0.25 mAh/cm^2: Cu 0.0091 vs Li2Te-Cu 0.0089 mAh lost per mAh (j0 = 2 mA/cm^2: 0.0096 vs 0.0094)."""
    a, b = cu_and_li2te
    assert a["li_lost_to_collector_sei_mAh_cm2"] > 0 and b["li_lost_to_collector_sei_mAh_cm2"] == 0
    assert a["li_lost_to_sei_mAh_cm2"] > b["li_lost_to_sei_mAh_cm2"]


def test_collector_sei_off_restores_the_li_se_only_budget():
    """[physics] collector_sei = false: only the Li|SE interface grows SEI (the ablation of (5))."""
    from liplate.models.phasefield import PhaseFieldModel

    model = PhaseFieldModel(make_case("cu", width="300 um", nx=75, ny=50,
                                      extra={"physics": {"sei": True, "creep": False, "collector_sei": False}}))
    run(model, J, q_end=0.05 * MAH)
    obs = model.observables()
    assert obs["li_lost_to_collector_sei_mAh_cm2"] == 0.0
    assert obs["li_lost_to_sei_mAh_cm2"] > 0.0


@pytest.mark.slow
@pytest.mark.parametrize("capacity", [1, 3, 5])
def test_shipped_phasefield_li2te_cu_cases_match_the_measured_thickness(capacity, shipped_case):
    """cases/li2te_cu_0p5mA_{1,3,5}mAh (phase field; fill depth calibrated on 1 mAh/cm^2 only) within 5 % of
    4.2 / 13.3 / 23.8 um (BRIEF §2, §7, issue 4), fully wetted; uniform (std/mean <= 5 %) at 1 mAh/cm^2 (issue 3).
    Measured: 4.20 +- 0.01, 13.89 +- 0.00, 23.57 +- 0.00 um (with creep levelling of the continuous film;
    without it the 3 mAh/cm^2 film grew two plateaus, 13.88 +- 1.53 um)."""
    from liplate.simulation import run_case

    s = run_case(shipped_case(f"li2te_cu_0p5mA_{capacity}mAh"), progress=False)
    assert s["status"] == "completed"
    assert s["thickness_mean_um"] == pytest.approx(MEASURED_LI2TE_CU_UM[capacity], rel=0.05)
    assert s["wetted_fraction"] >= 0.95
    if capacity == 1:
        assert s["thickness_std_um"] <= 0.05 * s["thickness_mean_um"]
