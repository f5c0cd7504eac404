"""``liplate sweep FILE``: expand a sweep file into case directories, run them, gather the results.

Serial: ``liplate sweep cases/demo_sweep/sweep.toml``. Over MPI (workstation or cluster):
``mpiexec -n 4 liplate sweep cases/demo_sweep/sweep.toml`` or ``srun liplate sweep ...``.

How the work is spread (see docs/sweeps.md, "Design"):

- Every case runs in a *serial* child process (one per rank, kept alive from case to case, started
  with the MPI variables removed from its environment). A case must not run inside an MPI rank:
  FiPy would partition its mesh over all of ``COMM_WORLD`` and liplate writes outputs on world
  rank 0 only. The child also isolates failures: a crash or a hung case (``timeout``) costs that
  case, not the sweep.
- The ranks are connected by mpi4py's own executor, ``MPICommExecutor(COMM_WORLD, root=0)``:
  ranks 1..N-1 serve tasks, rank 0 submits them, never more than one per worker, so each next
  case goes to whichever rank frees up first (dynamic load balancing). Rank 0 would otherwise
  only wait, so it also drives a child of its own: N ranks run N cases at a time.
- Resumable: a case whose ``summary.json`` says ``completed`` is skipped; a case killed part-way
  resumes from its checkpoint; ``results.csv`` / ``results.json`` are rewritten (atomically) each
  time a case finishes, so killing the sweep loses nothing finished.
- Failure isolation: a point whose values do not validate is recorded as ``invalid`` without
  running; a solver failure (``failed``), a crash (``crashed``) or a timeout (``timeout``) is
  recorded with its error, and the sweep goes on. A case being written by another process
  (``liplate run``) is recorded as ``locked``; one stopped by a full disk (``write_failed``) or a
  signal (``interrupted``) resumes at the next sweep run; one whose checkpoint is damaged, or whose
  ``case_resolved.json`` is unreadable, starts over.
- One sweep per directory at a time (``.liplate-sweep.lock`` next to the sweep file). A full disk
  while ``results.csv`` is rewritten is a warning; the next update (or the end) tries again.

The package: ``expand`` reads a sweep file and expands it into points (no MPI); ``plan`` writes each point's
case.toml and decides whether to skip, run, resume or redo it; ``engine`` is the case child
(``python -m liplate.sweep --serve``) and the worker ranks' side; ``table`` writes ``results.csv`` /
``results.json``; ``progress`` reports on rank 0; ``runner`` schedules and gathers (``liplate sweep``).
"""
from .engine import BAD, CASE_LOG, FINAL_OK, RESUMABLE, Engine, child_env, run_job, serve
from .expand import Point, Sweep, SweepError, load_sweep
from .plan import _plan, estimated_cost
from .progress import Progress
from .runner import main, run_sweep
from .table import SweepEntries, results_rows, write_results

__all__ = [
    "main", "run_sweep", "Engine", "CASE_LOG", "FINAL_OK", "BAD", "RESUMABLE", "SweepEntries", "child_env", "serve",
    "run_job", "estimated_cost", "results_rows", "write_results", "Progress", "load_sweep", "Sweep", "Point",
    "SweepError",
    "_plan",  # for the tests
]
