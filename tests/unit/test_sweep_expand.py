"""Sweep files -> points -> case directories (no case is run here)."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from liplate.case import load_case
from liplate.sweep.expand import SweepError, dumps_toml, load_sweep, point_name, slug

REPO = Path(__file__).resolve().parents[2]

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

BASE = """\
[case]
substrate = "li2te_cu"
model = "phasefield"

[protocol]
current_density = "0.5 mA/cm^2"
capacity = "1 mAh/cm^2"

[domain]
cells_x = 4
cells_y = 4

[parameters]
"lpscl.conductivity" = "3 mS/cm"
"""


@pytest.fixture
def sweep_file(tmp_path):
    (tmp_path / "base").mkdir()
    (tmp_path / "base" / "case.toml").write_text(BASE)

    def make(body: str, header: str = 'base = "base"\n'):
        f = tmp_path / "sweep.toml"
        f.write_text(header + body)
        return f
    return make


def test_product_expands_every_combination_first_axis_slowest(sweep_file):
    s = load_sweep(sweep_file('[product]\n"protocol.current_density" = ["0.5 mA/cm^2", "1 mA/cm^2"]\n'
                              '"case.substrate" = ["cu", "li2te_cu"]\n"case.seed" = [0, 1]\n'))
    assert len(s.points) == 8
    assert [p.values["protocol.current_density"] for p in s.points[:4]] == ["0.5 mA/cm^2"] * 4
    assert [p.values["case.seed"] for p in s.points[:2]] == [0, 1]
    assert s.points[0].name == "current_density_0.5mA_per_cm2__substrate_cu__seed_0"
    assert len({p.name for p in s.points}) == 8
    assert s.axes == ["protocol.current_density", "case.substrate", "case.seed"]


def test_zip_pairs_lists_and_multiplies_with_product(sweep_file):
    s = load_sweep(sweep_file('[product]\n"case.substrate" = ["cu", "li2te_cu"]\n'
                              '[zip]\n"protocol.current_density" = ["0.5 mA/cm^2", "1 mA/cm^2", "2 mA/cm^2"]\n'
                              '"protocol.capacity" = ["1 mAh/cm^2", "2 mAh/cm^2", "4 mAh/cm^2"]\n'))
    assert len(s.points) == 6
    pairs = {(p.values["protocol.current_density"], p.values["protocol.capacity"]) for p in s.points}
    assert pairs == {("0.5 mA/cm^2", "1 mAh/cm^2"), ("1 mA/cm^2", "2 mAh/cm^2"), ("2 mA/cm^2", "4 mAh/cm^2")}


def test_several_zip_groups(sweep_file):
    s = load_sweep(sweep_file('[[zip]]\n"protocol.current_density" = ["0.5 mA/cm^2", "1 mA/cm^2"]\n'
                              '"protocol.capacity" = ["1 mAh/cm^2", "2 mAh/cm^2"]\n'
                              '[[zip]]\n"domain.cells_x" = [4, 8]\n"domain.cells_y" = [4, 8]\n'))
    assert len(s.points) == 4
    assert all(p.values["domain.cells_x"] == p.values["domain.cells_y"] for p in s.points)


def test_zip_of_unequal_lengths_is_an_error(sweep_file):
    with pytest.raises(SweepError, match="equal lengths"):
        load_sweep(sweep_file('[zip]\n"protocol.current_density" = ["0.5 mA/cm^2", "1 mA/cm^2"]\n'
                              '"protocol.capacity" = ["1 mAh/cm^2"]\n'))


def test_explicit_cases_follow_the_grid_with_their_own_names(sweep_file):
    s = load_sweep(sweep_file('[product]\n"case.seed" = [0, 1]\n'
                              '[[cases]]\nname = "hot"\n"protocol.temperature" = "330 K"\n'
                              '[[cases]]\n"protocol.temperature" = "280 K"\n'))
    assert [p.name for p in s.points] == ["seed_0", "seed_1", "hot", "temperature_280K"]


def test_unknown_keys_are_errors_with_suggestions(sweep_file):
    with pytest.raises(SweepError, match="did you mean 'current_density'"):
        load_sweep(sweep_file('[product]\n"protocol.current_densty" = ["1 mA/cm^2"]\n'))
    with pytest.raises(SweepError, match="unknown parameter set"):
        load_sweep(sweep_file('[product]\n"parameters.lpscI.conductivity" = ["1 mS/cm"]\n'))
    with pytest.raises(SweepError, match="did you mean 'product'"):
        load_sweep(sweep_file('[produkt]\n"case.seed" = [0]\n'))
    with pytest.raises(SweepError, match="non-empty list"):
        load_sweep(sweep_file('[product]\n"case.seed" = 3\n'))
    with pytest.raises(SweepError, match="no points"):
        load_sweep(sweep_file(""))
    with pytest.raises(SweepError, match="no case.toml"):
        load_sweep(sweep_file('[product]\n"case.seed" = [0]\n', header='base = "nowhere"\n'))


def test_written_case_keeps_units_and_loads_to_si(sweep_file, tmp_path):
    s = load_sweep(sweep_file('[common]\n"output.frames" = 1\n'
                              '[product]\n"protocol.current_density" = ["0.5 mA/cm^2", "2 mA/cm^2"]\n'
                              '"parameters.lpscl.conductivity" = ["1 mS/cm", "10 mS/cm"]\n'))
    p = s.points[-1]
    text = s.case_text(p)
    assert '"2 mA/cm^2"' in text and '"10 mS/cm"' in text
    d = tmp_path / "runs" / p.name
    d.mkdir(parents=True)
    (d / "case.toml").write_text(text)
    case = load_case(d)
    assert case["protocol"]["current_density"] == pytest.approx(20.0)       # 2 mA/cm^2 in A/m^2
    assert case.p("lpscl.conductivity") == pytest.approx(1.0)               # 10 mS/cm in S/m, not the base's 3
    assert case["output"]["frames"] == 1
    assert case["domain"]["cells_x"] == 4                                   # from the base


def test_toml_writer_round_trips():
    data = {"case": {"title": 'a "quoted" title, µm', "seed": 3, "flag": True},
            "protocol": {"current_density": "0.5 mA/cm^2", "x": 1.5e-7},
            "parameters": {"lpscl": {"conductivity": "3 mS/cm"}, "li": {"molar_volume": "13 cm^3/mol"}},
            "weird key": {"a.b": [1, 2]}}
    assert tomllib.loads(dumps_toml(data)) == data


def test_names_are_filesystem_friendly():
    assert slug("0.5 mA/cm^2") == "0.5mA_per_cm2"
    assert slug("0.8 ohm*cm^2") == "0.8ohmcm2"
    assert slug("0.25 1/s") == "0.25_1_per_s" != slug("0.251 /s")       # a digit after the space: kept apart
    assert slug(True) == "true"
    long = point_name({f"parameters.lpscl.p{i}": "1234567890 mS/cm" for i in range(10)})
    assert len(long) <= 120


def test_invalid_values_reject_the_sweep_naming_file_point_key_and_value(sweep_file):
    """Every point is validated at load, as a case file is: all errors at once, nothing written."""
    from liplate.sweep.expand import check_point

    text = ('[product]\n"protocol.current_density" = ["1 mA/cm^2", "-1 mA/cm^2", "1,5 mA/cm^2"]\n'
            '[[cases]]\nname = "hot"\n"protocol.temperature" = "500 K"\n')
    f = sweep_file(text)
    with pytest.raises(SweepError) as err:
        load_sweep(f)
    lines = str(err.value).splitlines()
    assert len(lines) == 3 and all(line.startswith(f"{f}: point '") for line in lines)
    assert "'current_density_-1mA_per_cm2': key 'protocol.current_density' = '-1 mA/cm^2': must be > 0" in lines[0]
    assert "'1,5 mA/cm^2'" in lines[1] and "decimal separator" in lines[1]
    assert "'hot': key 'protocol.temperature' = '500 K'" in lines[2] and "< 453.69 K" in lines[2]
    assert not (f.parent / "runs").exists()
    s = load_sweep(f, check=False)                                 # expansion alone still works
    assert check_point(s, s.points[0], "x") is None
    assert "must be > 0" in check_point(s, s.points[1], "x")


def test_an_error_of_every_point_is_reported_once(sweep_file):
    f = sweep_file('[common]\n"domain.grading" = 1.2\n[product]\n"case.seed" = [0, 1, 2]\n')
    with pytest.raises(SweepError) as err:
        load_sweep(f)
    assert str(err.value).splitlines() == [f"{f}: every point: key 'domain.grading' = 1.2: has no effect on the "
                                           "'phasefield' model (it reads [domain] width, height, cells_x, cells_y, "
                                           "electrolyte_thickness); remove it (read by the 'sharp' model)"]


def test_estimated_cost_orders_cases_longest_first():
    """Scheduling estimate: simulated time x cells; unreadable cases cost 0 (they run last)."""
    from liplate.sweep import estimated_cost

    slow = {"protocol": {"capacity": "1 mAh/cm^2", "current_density": "0.5 mA/cm^2"},
            "domain": {"cells_x": 4, "cells_y": 4}}
    fast = {"protocol": {"capacity": "1 mAh/cm^2", "current_density": "1 mA/cm^2"},
            "domain": {"cells_x": 4, "cells_y": 4}}
    assert estimated_cost(slow) == pytest.approx(7200.0 * 16)
    assert estimated_cost(slow) == pytest.approx(2 * estimated_cost(fast))
    assert estimated_cost({"protocol": {"capacity": "oops"}}) == 0.0


def test_estimated_cost_of_continuous_plating_is_the_counter_electrode_charge():
    """'continuous' (or a capacity beyond the counter electrode's Li) costs the charge the run will plate:
    the counter Li (70 um: h F / V_m), with the case's own counter_li_thickness where it sets one."""
    from liplate.sweep import estimated_cost

    q = 70e-6 / 1.30e-5 * 96485.33212  # C/m^2, the default counter electrode (70 um of Li)
    cont = {"protocol": {"capacity": "continuous", "current_density": "1 mA/cm^2"}}
    assert estimated_cost(cont) == pytest.approx(q / 10.0, rel=1e-6)
    beyond = {"protocol": {"capacity": "20 mAh/cm^2", "current_density": "1 mA/cm^2"}}
    assert estimated_cost(beyond) == pytest.approx(estimated_cost(cont))
    thin = {**cont, "parameters": {"cell": {"counter_li_thickness": "35 um"}}}
    assert estimated_cost(thin) == pytest.approx(estimated_cost(cont) / 2, rel=1e-9)
    dotted = {**cont, "parameters": {"cell.counter_li_thickness": "35 um"}}
    assert estimated_cost(dotted) == pytest.approx(estimated_cost(thin))


@pytest.mark.parametrize("sweep_file", sorted((REPO / "cases").glob("*/sweep.toml")), ids=lambda p: p.parent.name)
def test_shipped_sweep_files_expand_and_validate(sweep_file):
    """Every sweep file in cases/ loads and each of its points is a valid case, except the deliberately
    broken demo, which is rejected as a whole."""
    if "broken" in sweep_file.parent.name:
        with pytest.raises(SweepError, match="point 'negative_current'"):
            load_sweep(sweep_file)
        return
    sweep = load_sweep(sweep_file)
    assert sweep.points
