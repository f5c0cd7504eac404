"""The case file shown in README.md is a valid case: the documentation cannot drift from the schema."""
import re
from pathlib import Path

from liplate.case import load_case

README = Path(__file__).resolve().parents[2] / "README.md"


def test_every_toml_case_in_the_readme_validates(tmp_path):
    blocks = re.findall(r"```toml\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    cases = [b for b in blocks if "[case]" in b]
    assert cases, "README shows no case file"
    for i, text in enumerate(cases):
        d = tmp_path / f"readme_{i}"
        d.mkdir()
        (d / "case.toml").write_text(text, encoding="utf-8")
        load_case(d)                      # raises CaseError naming the key if the README is out of date
