"""Phase-field model of lithium deposition at the collector, with substrate wetting and nucleation.

Fields on a periodic 2D cross-section (x along the collector, y into the SE, collector at y = 0):
``xi`` (1 = Li metal, 0 = SE) and ``phi``, the ionic (Li+) potential of the SE. See
docs/phasefield.md for the full derivation; in short:

Equipotential lithium. Li conducts electrons 3e7 times better than LPSCl conducts ions, so the
ohmic drop in the deposit is < 1e-9 V and Li is held at the collector potential phi_s = 0 (the
reference). Only the ionic potential is solved; it lives in the SE, and Li is an ion blocker
(ionic conductivity sigma_SE [(1 - h) + eps h], eps = ``li_ionic_conductivity_ratio``). The
local overpotential is eta = phi_s - phi - E_eq with E_eq = 0 (the stack-pressure shift V_m p / F
is the same at the Li counter electrode and cancels in the cell voltage). No 1e7 conductivity
contrast enters the matrix (unlike Chen et al.'s sigma_eff), so CG + AMG converges in a few
iterations and the answer does not depend on the contrast.

Potential (charge conservation in the SE, single-ion conductor, t+ = 1)::

    div(sigma grad phi) = S(phi),   S = |grad xi| j_BV(eta; j0)  +  (collector row) nuclei + double layer

S (A/m^3) is the Li+ consumed at the Li|SE interface (diffuse delta function |grad xi|, which
integrates to 1 across any monotone profile) and, in the collector row, by the sub-grid nuclei (Butler-Volmer
on their surface) and the charging of the collector double layer (classical progressive nucleation, the
default; nucleation.py). With seeded nuclei (source 'parameters' / 'kmc') the collector row instead takes
a_w (1 - h(xi)) G(eta) j_BV(eta; j0_sub), a gate G switching on past eta_n(theta).
Top of the window: the applied current density enters (galvanostatic control: the Neumann flux fixes the
current, the solvability condition fixes the potential level). Collector: no ion flux.

Order parameter (Allen-Cahn with a volume-conserving Lagrange multiplier, plus Faraday growth)::

    d xi/dt = L [div(kappa grad xi) - g'(xi) + lambda w(xi)] + S V_m / F

The reaction term moves the interface with the Faraday velocity j V_m / F; the Allen-Cahn part
relaxes the shape towards the wetting equilibrium at constant volume (lambda is enforced exactly
each sweep by projection onto w = xi (1 - xi), one lambda per connected Li region so that no Li moves
between separate islands), so plated Li = passed charge to solver tolerance.
kappa is isotropic, W = 3 gamma / ell, kappa = 6 gamma ell with ell = [phasefield] interface_length (1 um), a
length in um independent of the cells (docs/phasefield.md; an interface_length_x different from ell_y
stretches it, kappa_x = (ell_x/ell_y)^2 kappa_y, a numerical check only). Islands are flattened by creep
under the stack load concentrated on them (losses.py), not by the interface.
Cahn wall condition at the collector (physics/wetting.py): n.grad xi = cos(theta) xi (1 - xi) / ell_y.

Layout (one responsibility per module; PhaseFieldModel is assembled from mixins, pure functions where the code
needs no model state):

- ``model.py``: PhaseFieldModel: construction (mesh, parameters, variables), ``advance`` and the sweep loop of
  the step, state save/restore; ``check_contraction`` (pure).
- ``operators.py``: ``graded_heights``, ``FVOperator`` (own finite-volume assembly from FiPy's geometry) and
  the two linear solves, on the own assembly or on FiPy's terms (``use_fipy_terms``, the reference path that
  checks the own assembly).
- ``sources.py``: |grad xi|, the SEI series resistance, Butler-Volmer through it, the sink S(phi) with
  progressive nucleation on the bare collector.
- ``nucleation.py``: initial film and seeded nuclei (optionally sized by the kMC) and the seed debit.
- ``regions.py``: connected Li regions and the per-region volume projection (pure), Li per column.
- ``losses.py``: interface losses after a step: per-column SEI, collector SEI, creep filling, film levelling.
- ``observables.py``: plated charge, voltage parts, interface current and profile, observables, cell fields.

Step hooks (the plug-in point for further processes, e.g. a filament / penetration model in a module of its
own): ``model.step_hooks`` is a list of callables ``hook(model, dt) -> None``, ``dt`` the step (s). ``advance``
calls each, in list order, once per step, after the sweeps converged, xi passed its bound check and the
interface losses (SEI, creep) were applied. There ``model.xi`` and ``model.phi`` are the step's converged
fields, ``model._j_app`` is the step's applied current density (A/m^2), ``model._sink`` its Li+ sink
(A/m^3) and ``model._delta`` its |grad xi| (1/m), so ``model.interface_current()`` gives the step's local
current; ``model.time`` and ``model.charge``
are still those of the step's start (the step covers [time, time + dt]). After the hooks, the interface
measure and the cell voltage are computed from the xi the hooks leave. A hook may change ``model.xi``
(``model.xi.setValue``) but must conserve the Li volume (the charge balance of ``plated_charge``) or count
the Li it moves in state it reports. A hook may raise ``StepFailed``: the step is then rolled back
(``get_state`` / ``set_state``) and retried with a smaller dt; state a hook keeps outside the model is not
rolled back, so a hook keeps its state in arrays it adds to ``get_state`` / ``set_state``, or changes it only
where nothing after it can fail.
"""
from .model import PhaseFieldModel
from .operators import FVOperator, graded_heights

__all__ = ["FVOperator", "PhaseFieldModel", "graded_heights"]
