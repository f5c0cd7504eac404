"""Citations a reader can follow (issue 15): every parameter source resolves to the shipped bibliography or
states that it is calibrated, assumed or derived; every reference has a DOI or says why not; no source
points to a file outside the repository."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from liplate import citations
from liplate.parameters import SET_NAMES, all_sets

ROOT = Path(__file__).resolve().parents[2]
ALL_PARAMS = [(s, n, p) for s, ps in all_sets().items() for n, p in ps.items()]
IDS = [f"{s}.{n}" for s, n, _ in ALL_PARAMS]


@pytest.mark.parametrize(("set_name", "name", "p"), ALL_PARAMS, ids=IDS)
def test_every_parameter_source_can_be_followed(set_name, name, p):
    assert citations.check_source(p.source, p.note) == [], f"{set_name}.{name}: {p.source!r}"


@pytest.mark.parametrize(("set_name", "name", "p"), ALL_PARAMS, ids=IDS)
def test_no_source_mentions_a_file_outside_the_repository(set_name, name, p):
    for text in (p.source, p.note):
        assert not re.search(r"\bBRIEF\b|\.\./|shared/|/work/", text, re.IGNORECASE), f"{set_name}.{name}: {text!r}"


def test_every_parameter_set_is_covered():
    assert {s for s, _, _ in ALL_PARAMS} == set(SET_NAMES)
    assert len(ALL_PARAMS) > 50


def test_every_cited_key_exists_and_every_entry_is_complete():
    bib = citations.bibliography()
    cited = {k for _, _, p in ALL_PARAMS for k in citations.keys_in(p.source)}
    assert cited <= set(bib), sorted(cited - set(bib))
    for key, entry in bib.items():
        assert citations.check_entry(entry) == [], key


def test_every_reference_has_a_doi_or_a_stated_reason():
    for key, entry in citations.bibliography().items():
        if "doi" in entry:
            assert re.fullmatch(r"10\.\d{4,9}/\S+", entry["doi"]), key
        else:
            assert len(entry.get("nodoi", "")) > 20, f"{key}: no DOI and no reason why"
    dois = [e["doi"].lower() for e in citations.bibliography().values() if "doi" in e]
    assert len(dois) == len(set(dois))


def test_the_experiment_is_in_the_bibliography():
    exp = citations.bibliography()[citations.EXPERIMENT]
    assert exp["doi"] == "10.1002/adma.202206762"
    assert exp["journal"] == "Advanced Materials" and exp["year"] == "2022"


def test_bibliography_ships_with_the_package():
    assert citations.BIB_PATH.parent == Path(citations.__file__).parent
    assert '"references.bib"' in (ROOT / "pyproject.toml").read_text()   # [tool.setuptools.package-data]


def test_bibtex_parser_reads_nested_braces_accents_and_comments():
    text = """% a comment @article{Nope, title = {x}}
@article{Key2020,
  author = {M{\\"u}ller, Anna and Smith, B.},
  title  = {{FiPy}: a {Python} tool, with = signs},
  year   = {2020},
  doi    = {10.1000/xyz},
}
@book{Book, title = {A book}, publisher = {P}, nodoi = {no DOI: a book},}
"""
    bib = citations.parse_bibtex(text)
    assert set(bib) == {"Key2020", "Book"}
    assert bib["Key2020"]["title"] == "FiPy: a Python tool, with = signs"
    assert bib["Key2020"]["author"] == "Müller, Anna and Smith, B."
    assert bib["Book"]["type"] == "book" and bib["Book"]["nodoi"] == "no DOI: a book"


@pytest.mark.parametrize("source", [
    "150 mg, BRIEF §1",                               # the unshipped project notes
    "see ../shared/physics/notes.md [Wang2022]",      # a path outside the repository
    "see docs/missing_file.md [Wang2022]",            # a file that is not in the repository
    "handbook",                                       # nothing to follow
    "[Nobody1999]",                                   # a key that is not in the bibliography
    "calibrated: so that islands are 150 um",         # calibrated, but not 'calibrated on <data point>'
    "derived: x, later calibrated on y",              # 'calibrated' not at the start: the ledger would miss it
    "calibrated on a number from an issue",           # calibrated on a data point nobody measured
])
def test_bad_sources_are_rejected(source):
    assert citations.check_source(source) != []


@pytest.mark.parametrize("source", [
    "[Masias2019]",
    "0.7-0.8 MPa [Masias2019; LePage2019]",
    "assumed: symmetric Butler-Volmer",
    "derived: M / rho [CRC]; see docs/phasefield.md",
    "calibrated on 4.2 um after 1 mAh/cm^2 [Wang2022]: fill depth",
])
def test_good_sources_are_accepted(source):
    assert citations.check_source(source) == []


def test_keys_and_status_are_parsed():
    assert citations.keys_in("a [A1; B-2] b [A1] [c]") == ["A1", "B-2", "c"]
    assert citations.source_status("Calibrated on x [K]") == "calibrated"
    assert citations.calibration_point("calibrated on 18 mV at 0.5 mA/cm^2 [Wang2022]: j0 fitted") == (
        "18 mV at 0.5 mA/cm^2 [Wang2022]", "j0 fitted")


def test_format_entry_names_doi_or_reason():
    assert "doi:10.1007/s10853-018-2971-3" in citations.format_entry("Masias2019")
    assert "No DOI:" in citations.format_entry("CRC")


@pytest.mark.parametrize("case_dir", ["cases/li2te_cu_0p5mA_1mAh", "cases/cu_0p5mA_1mAh"])
def test_used_by_lists_experiment_model_and_parameter_sources(case_dir):
    from liplate.case import load_case

    case = load_case(ROOT / case_dir)
    items = citations.used_by(case)
    keys = [i["key"] for i in items]
    assert keys[0] == citations.EXPERIMENT and len(keys) == len(set(keys))
    for k in citations.MODEL_REFERENCES[case.model]:
        assert k in keys
    by_key = {i["key"]: i for i in items}
    assert "li.creep_exponent" in by_key["Masias2019"]["used_for"]
    assert by_key["Aktekin2023"]["doi"] == "10.1038/s41467-023-42512-y"
    other = ({"cu", "li2te_cu"} - {case.substrate}).pop()
    assert not any(u.startswith(other + ".") for i in items for u in i["used_for"])
    for i in items:
        assert i["reference"].startswith(f"[{i['key']}]")


def test_cli_params_prints_the_references(capsys):
    from liplate.cli import main

    assert main(["params", "sei"]) == 0
    out = capsys.readouterr().out
    assert "References" in out and "[Aktekin2023] Aktekin et al. (2023)" in out
    assert "doi:10.1038/s41467-023-42512-y" in out
    assert main(["params", "--bibtex"]) == 0
    assert capsys.readouterr().out == citations.bibtex()


def test_citation_cff_cites_the_experiment():
    text = (ROOT / "CITATION.cff").read_text()
    assert text.startswith("cff-version: 1.2.0\n")
    for key in ("\nmessage:", "\ntitle:", "\nauthors:", "\nreferences:", "doi: 10.1002/adma.202206762"):
        assert key in text
    yaml = pytest.importorskip("yaml")
    cff = yaml.safe_load(text)
    assert cff["cff-version"] == "1.2.0" and cff["authors"]
    assert any(r.get("doi") == "10.1002/adma.202206762" for r in cff["references"])


def test_overridden_parameters_cite_nothing():
    from types import SimpleNamespace

    from liplate.parameters import with_override

    params = all_sets()
    params["lpscl"]["exchange_current_density"] = with_override(params["lpscl"]["exchange_current_density"], 20.0)
    case = SimpleNamespace(params=params, substrate="li2te_cu", model="sharp")
    keys = [i["key"] for i in citations.used_by(case)]
    assert "LiLPSClKinetics" not in keys and keys[:2] == ["Wang2022", "Guyer2009"]
