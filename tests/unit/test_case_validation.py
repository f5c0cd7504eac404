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


# --- every parameter has a physical range -------------------------------------------------------------------


def test_every_parameter_of_every_set_has_a_range_that_holds_its_value():
    from liplate.parameters import all_sets
    from liplate.parameters.ranges import RANGES

    names = {f"{s}.{n}": p for s, ps in all_sets().items() for n, p in ps.items()}
    assert sorted(set(names) - set(RANGES)) == [], "parameters without a range in parameters/ranges.py"
    assert sorted(set(RANGES) - set(names)) == [], "ranges of parameters that do not exist"
    for dotted, p in names.items():
        assert RANGES[dotted].violation(p.value, p.unit) is None, f"{dotted} = {p.value:g} {p.unit} out of range"
        assert RANGES[dotted].reason


@pytest.mark.parametrize("dotted,value,fragment", [
    ("li.molar_volume", "-1.3e-5 m^3/mol", ">= 6.5e-06 m^3/mol"),
    ("lpscl.conductivity", "0 S/m", "> 0 S/m and <= 10 S/m"),
    ("lpscl.exchange_current_density", "-5 mA/cm^2", "> 0 mA/cm^2"),
    ("sei.tafel_transfer_coefficient", "1", "< 1"),
])
def test_a_parameter_override_outside_its_range_is_an_error(case_dir, dotted, value, fragment):
    with pytest.raises(CaseError) as err:
        load_case(case_dir(**{f"parameters__{dotted}": value}))
    assert f"key '{dotted}' = '{value}'" in str(err.value) and fragment in str(err.value)


# --- keys and their ranges -------------------------------------------------------------------------------------


def test_every_default_lies_in_its_range_and_every_bounded_key_says_why():
    from liplate.case import _check_value
    from liplate.schema import SECTIONS

    for sname, sec in SECTIONS.items():
        for kname, key in sec.keys.items():
            if key.default is not None:
                _check_value("schema", f"{sname}.{kname}", key, key.default)
            assert key.doc, f"{sname}.{kname} has no doc"


def test_all_errors_of_a_file_are_reported_at_once(case_dir):
    d = case_dir(protocol__current_density="1,5 mA/cm^2", protocol__temperature="500 K", domain__width="1 nm",
                 output__frames=100000, **{"parameters__lpscl.conductivity": "0 S/m"})
    with pytest.raises(CaseError) as err:
        load_case(d)
    lines = str(err.value).splitlines()
    assert len(lines) == 5
    assert all(line.startswith(f"{d / 'case.toml'}: ") for line in lines)
    for key in ("protocol.current_density", "protocol.temperature", "domain.width", "output.frames",
                "lpscl.conductivity"):
        assert sum(f"key '{key}'" in line for line in lines) == 1


def test_a_utf8_byte_order_mark_is_accepted(case_dir):
    d = case_dir()
    text = (d / "case.toml").read_bytes()
    (d / "case.toml").write_bytes(b"\xef\xbb\xbf" + text)
    assert load_case(d)["protocol"]["current_density"] == pytest.approx(5.0)


def test_offset_temperatures_convert(case_dir):
    assert load_case(case_dir(protocol__temperature="25 degC"))["protocol"]["temperature"] == pytest.approx(298.15)


# --- the keys each model reads (schema.MODEL_INPUTS) are the keys its code reads -----------------------------


class _Recorder(dict):
    """A dict that records which of its keys are read (``prefix.key``)."""

    def __init__(self, data, prefix, log):
        super().__init__(data)
        self.prefix, self.log = prefix, log

    def __getitem__(self, k):
        self.log.add(f"{self.prefix}.{k}")
        return super().__getitem__(k)

    def get(self, k, default=None):
        if k in self:
            self.log.add(f"{self.prefix}.{k}")
        return super().get(k, default)

    def __iter__(self):          # dict(recorder) reads every key
        for k in super().__iter__():
            self.log.add(f"{self.prefix}.{k}")
            yield k


def _traced(case):
    keys, params = set(), set()
    case.sections = {s: _Recorder(v, s, keys) for s, v in case.sections.items()}
    case.params = {s: _Recorder(v, s, params) for s, v in case.params.items()}
    return case, keys, params


def _run_traced(case_dir_path, tmp_path):
    """Load a case, run its model as liplate run does (model, stepper; kMC: its runner), return what it read."""
    case, keys, params = _traced(load_case(case_dir_path))
    if case.model == "kmc":
        from liplate.kmc import run_kmc_case
        run_kmc_case(case)
    else:
        from liplate.models import build_model
        from liplate.stepping import Stepper

        model = build_model(case)
        Stepper(model, case).run()
        model.observables(), model.cell_fields(), model.interface_profile()
    return case, keys, params


SMALL_PF = {"case__model": "phasefield", "domain__width": "60 um", "domain__height": "40 um", "domain__cells_x": 6,
            "domain__cells_y": 24, "protocol__capacity": "0.01 mAh/cm^2", "phasefield__fine_layer_height": "10 um",
            "nucleation__source": "parameters", "nucleation__nucleus_half_width": "6 um", "output__frames": 1}
CONFIGS = {
    "sharp": [{"output__frames": 1, "protocol__capacity": "0.05 mAh/cm^2"},
              {"output__frames": 1, "protocol__capacity": "0.05 mAh/cm^2", "physics__nernst_planck": True,
               "domain__electrolyte_thickness": "0.5 mm"}],
    "phasefield": [dict(SMALL_PF, case__substrate="cu"),
                   # classical nucleation (the default): long enough for a nucleus to join the mesh
                   dict({k: v for k, v in SMALL_PF.items()
                         if k not in ("nucleation__source", "nucleation__nucleus_half_width")},
                        protocol__capacity="1 mAh/cm^2"),
                   dict(SMALL_PF, substrate__contact_angle="30 deg", nucleation__density="1e9 1/m^2",
                        substrate__exchange_current_density="10 mA/cm^2"),
                   # Li filaments from the SE's flaws (models/phasefield/filament.py) on a given pellet thickness
                   dict(SMALL_PF, case__substrate="cu", penetration__enabled=True,
                        domain__electrolyte_thickness="0.5 mm")],
    "kmc": [{"case__model": "kmc", "case__substrate": "cu", "kmc__atoms": 50, "kmc__lattice_sites": 50,
             "kmc__snapshots": 1},
            {"case__model": "kmc", "case__substrate": "li2te_cu", "kmc__mode": "sweep", "kmc__atoms": 30,
             "kmc__lattice_sites": 30, "kmc__ratio_points": 2}],
}
#: parameters read while the case loads (case._derive), before the model is built
READ_AT_LOAD = {"cell.pellet_mass", "cell.die_diameter", "lpscl.density"}
#: read while the case loads by every galvanostatic model: where the run stops (case.plating_limit)
READ_AT_LOAD_ALWAYS = {"cell.counter_li_thickness"}


@pytest.mark.parametrize("model", sorted(CONFIGS))
def test_each_model_reads_exactly_the_keys_it_declares(model, tmp_path):
    """Run each model on small cases, recording every case key and parameter its code reads. Whatever it
    reads must be declared in schema.MODEL_INPUTS (else a user setting it would be told it has no effect),
    and whatever is declared, with its condition holding in that case, must be read (else a key with no
    effect would be accepted)."""
    import fnmatch

    from conftest import small_case, write_case

    from liplate.case import _condition, _getter
    from liplate.parameters import all_sets
    from liplate.schema import MODEL_INPUTS, SECTIONS

    inputs = MODEL_INPUTS[model]
    every_key = {f"{s}.{k}" for s, sec in SECTIONS.items() for k in sec.keys}
    every_param = {f"{s}.{n}" for s, ps in all_sets().items() for n in ps}
    for i, over in enumerate(CONFIGS[model]):
        data = small_case(**over)
        if model == "kmc":
            for section in ("domain", "numerics", "output"):
                data.pop(section)
            data["protocol"].pop("capacity")
        d = write_case(tmp_path / f"c{i}", data)
        case, keys, params = _run_traced(d, tmp_path)
        sub = case.substrate
        read_keys = {k for k in keys if k.partition(".")[0] in SECTIONS} - {"case.title", "case.model"}
        auto_thickness = "electrolyte_thickness" not in data.get("domain", {})
        read_params = params | (READ_AT_LOAD if auto_thickness else set()) \
            | (READ_AT_LOAD_ALWAYS if model != "kmc" else set())
        get = _getter(data)

        def declared(name, patterns, sub=sub):
            return any(fnmatch.fnmatchcase(name, p.replace("{substrate}", sub)) for p in patterns)

        def effective(name, patterns, prefix="", sub=sub, get=get):
            cond = _condition(prefix + name, inputs, sub)
            return declared(name, patterns) and (cond is None or cond.test(get))

        assert sorted(k for k in read_keys if not declared(k, inputs.keys)) == [], f"config {i}"
        assert sorted(p for p in params if not declared(p, inputs.parameters)) == [], f"config {i}"
        # 'case.*' and the model's own sections are copied whole (phasefield._section): read means copied
        unread_keys = {k for k in every_key if effective(k, inputs.keys)} - read_keys - {"case.title", "case.model"}
        assert sorted(unread_keys) == [], f"config {i}: declared and in effect, but not read"
        unread = {p for p in every_param if effective(p, inputs.parameters, "parameters ")} - read_params
        assert sorted(unread) == [], f"config {i}: declared and in effect, but not read"


#: a case setting that makes each condition of the sharp model false
_FALSE = {"physics.creep = true": {"physics__creep": False}, "physics.sei = true": {"physics__sei": False},
          "physics.nernst_planck = true": {}, "domain.electrolyte_thickness = 'auto'":
          {"domain__electrolyte_thickness": "0.5 mm"}}


def test_what_the_sharp_model_reads_only_under_a_condition_has_no_effect_otherwise(case_dir):
    """For every conditional input of the sharp model: with its condition false, changing the value (by 1.5x,
    past validation) leaves every observable of a short run unchanged, to the last bit."""
    import fnmatch
    from dataclasses import replace

    from liplate.models import build_model
    from liplate.parameters import all_sets
    from liplate.schema import MODEL_INPUTS
    from liplate.stepping import Stepper

    def observe(case):
        model = build_model(case)
        Stepper(model, case).run()
        return model.observables()

    base = {"output__frames": 1, "protocol__capacity": "0.02 mAh/cm^2"}
    every_param = [f"{s}.{n}" for s, ps in all_sets().items() for n in ps]
    checked = 0
    for pattern, cond in MODEL_INPUTS["sharp"].conditions.items():
        d = case_dir(f"c{checked}", **base, **_FALSE[cond.text])
        reference = observe(load_case(d))
        if pattern.startswith("parameters "):
            names = [p for p in every_param if fnmatch.fnmatchcase(p, pattern[len("parameters "):])]
            names = [p for p in names if p not in READ_AT_LOAD]       # used by case._derive only
        else:
            names = [pattern]
        for name in names:
            case = load_case(d)
            set_name, _, key = name.partition(".")
            if pattern.startswith("parameters "):
                case.params[set_name][key] = replace(case.params[set_name][key],
                                                     value=1.5 * case.params[set_name][key].value + 1e-9)
            else:
                case.sections[set_name][key] = 1.5 * case.sections[set_name][key]
            assert observe(case) == reference, f"{name} changes the result although {cond.text} is false"
            checked += 1
    assert checked >= 10


@pytest.mark.parametrize("current", ["0.5 mA/cm^2", "2 mA/cm^2", "8 mA/cm^2"])
def test_a_step_given_as_a_charge_per_area_is_the_time_the_applied_current_takes_to_pass_it(case_dir, current):
    """dt_max, dt_max_late (and the phase field's dt_max_subgrid) take a charge per area: the case holds the
    step in seconds (SI, converted once when it is read), so a sweep over the current keeps the charge per step."""
    case = load_case(case_dir(protocol__current_density=current, numerics__dt_initial="1 s",
                              numerics__dt_max="30 mC/cm^2", numerics__dt_max_late="0.1 mAh/cm^2",
                              numerics__late_capacity="0.5 mAh/cm^2"))
    j = case["protocol"]["current_density"]                                  # A/m^2
    assert case["numerics"]["dt_max"] * j == pytest.approx(300.0, rel=1e-12)    # 30 mC/cm^2 = 300 C/m^2
    assert case["numerics"]["dt_max_late"] * j == pytest.approx(3600.0, rel=1e-12)  # 0.1 mAh/cm^2 = 3600 C/m^2
    assert case.resolved()["sections"]["numerics"]["dt_max"] == case["numerics"]["dt_max"]


@pytest.mark.parametrize("over,fragments", [
    # no valid current to convert with: both keys are named
    ({"protocol__current_density": "-1 mA/cm^2", "numerics__dt_max": "30 mC/cm^2"},
     ["protocol.current_density", "numerics.dt_max' = '30 mC/cm^2'", "needs a valid protocol.current_density"]),
    # the bound is checked in seconds, and the message gives both
    ({"numerics__dt_max": "1e4 mAh/cm^2"},
     ["numerics.dt_max' = '1e4 mAh/cm^2' (= 7.2e+07 s at protocol.current_density = 0.5 mA/cm^2)", "<= 1e+06 s"]),
    # a charge below the first step
    ({"numerics__dt_max": "0.001 mC/cm^2", "numerics__dt_initial": "1 s"},
     ["'numerics.dt_max'", "'0.001 mC/cm^2' (= 0.002 s)", "dt_min <= dt_initial <= dt_max"]),
    # neither a time nor a charge per area: the message offers both
    ({"numerics__dt_max": "0.0083 mAh"}, ["numerics.dt_max", "expected a time", "or a charge per area"]),
    # the first step is a time only (it resolves the nucleation transient, milliseconds at any current)
    ({"numerics__dt_initial": "1 mC/cm^2"}, ["numerics.dt_initial", "expected a time"]),
])
def test_a_bad_charge_step_is_rejected_naming_key_value_and_seconds(case_dir, over, fragments):
    with pytest.raises(CaseError) as err:
        load_case(case_dir(**over))
    msg = str(err.value)
    for f in fragments:
        assert f in msg, (f, msg)


def test_check_prints_the_largest_step_as_time_and_charge(capsys):
    """`liplate check` shows what a step written as a charge per area (cases/cu_5mA_1mAh: 30 mC/cm^2) is at the
    case's current: 6 s at 5 mA/cm^2, and the late cap of a continuous case (300 mC/cm^2: 600 s at 0.5 mA/cm^2)."""
    assert main(["check", "cases/cu_5mA_1mAh"]) == 0
    assert "steps up to 6 s = 0.00833 mAh/cm^2" in capsys.readouterr().out
    assert main(["check", "cases/cu_0p5mA_continuous"]) == 0
    assert "from 1 mAh/cm^2 on up to 600 s = 0.0833 mAh/cm^2" in capsys.readouterr().out
