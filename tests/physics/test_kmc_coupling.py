"""kMC -> continuum: with [nucleation] source = "kmc" the initial nuclei cover the kMC substrate coverage."""
from pathlib import Path

import numpy as np
import pytest

from liplate import metrics
from liplate.case import Case, validate


def make_case(substrate, source):
    data = {
        "case": {"substrate": substrate, "model": "phasefield", "seed": 3},
        "protocol": {"current_density": "0.5 mA/cm^2", "capacity": "1 mAh/cm^2"},
        "domain": {"width": "600 um", "height": "100 um", "cells_x": 300, "cells_y": 40},
        "nucleation": {"source": source, "kmc_seeds": 2},
    }
    sections, params = validate(data)
    return Case(path=Path("."), source_file=Path("case.toml"), sections=sections, params=params, raw=data)


@pytest.mark.parametrize("substrate", ["cu", "li2te_cu"])
def test_initial_nuclei_cover_the_kmc_coverage(substrate):
    from liplate.models.phasefield import PhaseFieldModel

    model = PhaseFieldModel(make_case(substrate, "kmc"))
    coverage = model.kmc_nuclei["coverage"]
    wall = model._grid(model.xi.value)[0]
    covered = metrics.wetted_fraction(wall)
    n = len(model.nuclei_x)
    # Nuclei may overlap (min spacing 0.5 mean spacings): the covered fraction is at most the coverage,
    # and equals it (to a cell per nucleus edge) when they do not.
    assert covered <= coverage + 2 * n / model.nx
    if substrate == "cu":
        assert covered == pytest.approx(coverage, abs=2 * n / model.nx)
    assert 0.0 < coverage <= 1.0


def test_kmc_coverage_orders_substrates_in_the_continuum():
    from liplate.models.phasefield import PhaseFieldModel

    cu = PhaseFieldModel(make_case("cu", "kmc"))
    te = PhaseFieldModel(make_case("li2te_cu", "kmc"))
    assert te.kmc_nuclei["coverage"] > cu.kmc_nuclei["coverage"]
    wall = lambda m: metrics.wetted_fraction(m._grid(m.xi.value)[0])  # noqa: E731
    assert wall(te) > wall(cu)
    assert np.all(np.isfinite(cu.xi.value))
