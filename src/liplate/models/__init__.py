"""Physical models. Each builds its FiPy equations from a validated Case; the stepper owns time."""
from __future__ import annotations

# the case schema first: it registers the sections defined next to the models (phasefield_config,
# filament_config), which import it back; entered from a model module instead, that cycle would find
# the schema half-built (`import liplate.models.phasefield` as the first import failed)
from .. import schema  # noqa: F401  (isort: skip)
from .base import Model, StepFailed, StepReport

#: models that run one case domain-decomposed over several MPI ranks (FiPy + PETSc); the others are serial
#: (run them one per rank in a sweep)
PARALLEL_MODELS = frozenset({"sharp", "phasefield"})


def build_model(case) -> Model:
    """The model named by ``case.model``."""
    if case.model == "sharp":
        from .sharp import SharpInterfaceModel
        return SharpInterfaceModel(case)
    if case.model == "phasefield":
        from .phasefield import PhaseFieldModel
        from .phasefield.filament import attach

        model = PhaseFieldModel(case)
        attach(model, case)          # Li filaments from the SE's flaws, when [penetration] enabled = true
        return model
    raise ValueError(f"model {case.model!r} is not a time-stepped continuum model")


__all__ = ["PARALLEL_MODELS", "Model", "StepFailed", "StepReport", "build_model"]
