"""Bad case files are rejected before computing, with the file, key, value and what is allowed."""
import pytest

from liplate.case import CaseError, load_case
from liplate.cli import main
from liplate.simulation import run_case


def test_default_case_loads_and_converts():
    case = load_case("cases/li2te_cu_0p5mA_1mAh")
    assert case["protocol"]["current_density"] == pytest.approx(5.0)
    assert case["protocol"]["capacity"] == pytest.approx(3.6e4)
    # 150 mg / (1.86 g/cm^3 * pi * (6 mm)^2) = 0.713 mm (BRIEF §1 asks to compute it)
    assert case["domain"]["electrolyte_thickness"] == pytest.approx(7.131e-4, rel=1e-3)
    assert case.params["lpscl"]["conductivity"].source


@pytest.mark.parametrize("over,fragments", [
    ({"protocol__curent_density": "1 mA/cm^2"}, ["curent_density", "did you mean 'current_density'"]),
    ({"protocol__current_density": "0.5 mV"}, ["protocol.current_density", "0.5 mV", "current density"]),
    ({"protocol__current_density": "-1 mA/cm^2"}, ["protocol.current_density", "must be > 0"]),
    ({"protocol__current_density": "0 mA/cm^2"}, ["protocol.current_density", "must be > 0"]),
    ({"case__substrate": "gold"}, ["case.substrate", "'gold'", "allowed: 'cu', 'li2te_cu'"]),
    ({"protocol__capacity": "nan mAh/cm^2"}, ["protocol.capacity", "finite"]),
    ({"domain__cells_x": 2.5}, ["domain.cells_x", "integer"]),
    ({"parameters__lpscl.conductivity": "3 mS"}, ["lpscl.conductivity", "3 mS"]),
    ({"parameters__lpscl.conductivty": "3 mS/cm"}, ["did you mean 'conductivity'"]),
])
def test_bad_case_rejected_without_output(case_dir, over, fragments):
    d = case_dir(**over)
    with pytest.raises(CaseError) as err:
        run_case(d)
    msg = str(err.value)
    assert "case.toml" in msg
    for f in fragments:
        assert f in msg
    assert not (d / "output").exists()


def test_missing_case_file(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    assert main(["run", str(tmp_path / "empty")]) == 2
    assert "has no case.toml" in capsys.readouterr().err
    assert main(["check", str(tmp_path / "nowhere")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert not (tmp_path / "empty" / "output").exists()


def test_unknown_section(case_dir):
    d = case_dir()
    (d / "case.toml").write_text((d / "case.toml").read_text() + "\n[protocl]\nx = 1\n")
    with pytest.raises(CaseError, match=r"unknown section \[protocl\].*did you mean 'protocol'"):
        load_case(d)


def test_check_command_ok(capsys):
    assert main(["check", "cases/li2te_cu_0p5mA_1mAh"]) == 0
    assert "ok" in capsys.readouterr().out


def test_model_level_inconsistency_is_a_case_error(case_dir):
    """A key combination only the model can check (too few cells for the fine layer) fails before output."""
    d = case_dir(case__model="phasefield", domain__cells_y=4)
    with pytest.raises(CaseError, match="cells_y"):
        run_case(d)
    assert not (d / "output").exists()


def test_the_li_lpscl_exchange_current_density_is_one_value_in_every_set():
    """The bare collectors and the counter electrode use the Li|LPSCl j0 (the same Li+ + e- step; their
    sources say "assumed equal"); a recalibration must move all of them together."""
    from liplate.parameters import load_set

    j0 = load_set("lpscl")["exchange_current_density"].value
    assert load_set("cu")["bare_exchange_current_density"].value == j0
    assert load_set("li2te_cu")["bare_exchange_current_density"].value == j0
    assert load_set("cell")["counter_exchange_current_density"].value == j0


def test_input_changes_names_what_can_change_a_result_and_nothing_else():
    from liplate.case import input_changes

    def resolved(title="a", source="s", value=20.0, dt=60, extra=None):
        sec = {"case": {"title": title, "seed": 0}, "numerics": {"dt_max": dt, "tol": float("nan")}}
        sec["numerics"].update(extra or {})
        return {"liplate_version": "x", "sections": sec,
                "parameters": {"lpscl": {"j0": {"value": value, "unit": "A/m^2", "source": source}}}}

    base = resolved()
    assert input_changes(base, resolved(title="b", source="other", dt=60.0)) == []   # text, 60 == 60.0, NaN
    assert input_changes(base, resolved(value=320.0)) == ["parameters lpscl.j0: 20 A/m^2 -> 320 A/m^2"]
    assert input_changes(base, resolved(extra={"new": 1})) == ["numerics.new: (not set) -> 1"]
    many = resolved(extra={f"k{i}": i for i in range(10)})
    assert input_changes(base, many, limit=3)[-1] == "... and 7 more"
