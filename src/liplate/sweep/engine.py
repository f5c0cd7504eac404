"""The case child process (``python -m liplate.sweep --serve``) and the MPI worker side of a sweep."""
from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import time
import traceback
from pathlib import Path

CASE_LOG = "sweep.log"  # per case, next to case.toml: everything the case printed (warnings, tracebacks)
# Environment variables through which a process learns it is an MPI rank; a case child must not see them.
_MPI_ENV_PREFIXES = ("OMPI_", "PMIX_", "PMI_", "PRTE_", "HYDRA_", "I_MPI_", "MPI_LOCALNRANKS", "MPI_LOCALRANKID")
_PARENT_ENV = "LIPLATE_SWEEP_PARENT"

# The case statuses live here, in the module with no imports from the rest of the package, so that plan,
# progress and runner can all import them without a cycle.
FINAL_OK = ("completed", "short_circuit")   # results (io.summary.RESULTS): done, not rerun
BAD = ("failed", "invalid", "crashed", "timeout", "error", "locked", "write_failed", "interrupted")
#: a case stopped from outside (a full disk, a signal): continued from its checkpoint, not started over
RESUMABLE = ("write_failed", "interrupted")


# --- the child that runs cases ----------------------------------------------------------------


def child_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(_MPI_ENV_PREFIXES)}
    env.setdefault("OMP_NUM_THREADS", "1")  # one core per case: the ranks are the parallelism
    env[_PARENT_ENV] = str(os.getpid())
    return env


class Engine:
    """A serial ``python -m liplate.sweep --serve`` child; one JSON line per job each way."""

    def __init__(self) -> None:
        self.proc: subprocess.Popen | None = None
        self.job: dict | None = None
        self.started = 0.0
        self._buf = b""  # bytes read from the child, not yet a whole line

    def start(self) -> None:
        """Start the child unless it is running (it imports FiPy and the models while this process does
        other work); a child that died is replaced."""
        if self.proc is None or self.proc.poll() is not None:
            self._start()

    def _start(self) -> None:
        self._buf = b""
        self.proc = subprocess.Popen([sys.executable, "-m", "liplate.sweep", "--serve"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, env=child_env())

    def submit(self, job: dict) -> None:
        self.start()
        self.job, self.started = job, time.monotonic()
        try:
            self.proc.stdin.write((json.dumps(job) + "\n").encode())
            self.proc.stdin.flush()
        except OSError:
            pass  # the child died; poll() reports it as a crash

    def poll(self, wait: float) -> dict | None:
        """The finished job's record, or None if it is still running after ``wait`` seconds."""
        assert self.job is not None and self.proc is not None
        record = None
        while record is None:
            if b"\n" not in self._buf:
                ready, _, _ = select.select([self.proc.stdout], [], [], wait)
                if not ready:
                    break
                chunk = os.read(self.proc.stdout.fileno(), 1 << 16)
                if not chunk:
                    rc = self.proc.wait()
                    why = f"signal {signal.Signals(-rc).name}" if rc < 0 else f"exit code {rc}"
                    record = {"status": "crashed", "error": f"case process died ({why}); "
                              f"{_log_tail(self.job)}", "summary": None}
                    self.proc, self._buf = None, b""
                    break
                self._buf += chunk
                continue
            line, self._buf = self._buf.split(b"\n", 1)
            record = json.loads(line)
            if record.get("ready"):  # the child has imported FiPy: the case's clock starts now
                self.started = time.monotonic()
                record = None
            elif record.pop("stop", False):  # the child stops after this answer (a signal): the next job gets a new one
                try:
                    self.proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    pass
                self.kill()                  # reaps it (a no-op signal once it has exited)
        if record is None:
            limit = self.job.get("timeout_s")
            if not limit or time.monotonic() - self.started < limit:
                return None
            self.kill()
            record = {"status": "timeout", "error": f"no result after {limit:g} s; stopped (the next sweep "
                      "run continues it from its last checkpoint, if it wrote one)", "summary": None}
        record["seconds"] = time.monotonic() - self.started
        self.job = None
        return record

    def run(self, job: dict) -> dict:
        self.submit(job)
        while (record := self.poll(1.0)) is None:
            pass
        return record

    def kill(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
            self.proc, self._buf = None, b""

    def close(self) -> None:
        if self.proc is not None and self.job is None:
            # Idle: every answer it gave was written after its case's outputs, so there is nothing to lose,
            # and Python's tear-down of FiPy/PETSc (~0.4 s) would only delay the end of the sweep.
            self.kill()
        if self.proc is not None:
            try:
                self.proc.stdin.close()
                self.proc.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                self.kill()
            self.proc = None


def _log_tail(job: dict, lines: int = 3) -> str:
    try:
        text = (Path(job["cwd"]) / job["dir"] / CASE_LOG).read_text(errors="replace").strip().splitlines()
    except OSError:
        return "no log"
    tail = " | ".join(line.strip() for line in text[-lines:] if line.strip())
    return f"last lines of {job['dir']}/{CASE_LOG}: {tail}" if tail else f"{job['dir']}/{CASE_LOG} is empty"


def _die_with_parent() -> None:
    """Linux: have the kernel send SIGTERM to this child when its parent (a rank) dies."""
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        return
    if str(os.getppid()) != os.environ.get(_PARENT_ENV, str(os.getppid())):
        os._exit(1)


def serve() -> int:
    """Child loop: read a job per line on stdin, run the case, answer one line on the real stdout.

    While a case runs, file descriptors 1 and 2 point at ``<case>/sweep.log``.
    """
    _die_with_parent()
    answer = os.fdopen(os.dup(1), "w", buffering=1)
    saved_err = os.dup(2)
    os.dup2(2, 1)
    from ..case import CaseError
    from ..simulation import OutputLocked, run_case

    _warm_up()
    answer.write(json.dumps({"ready": True}) + "\n")
    for line in sys.stdin:
        job = json.loads(line)
        os.chdir(job["cwd"])
        sys.stdout.flush()
        sys.stderr.flush()
        with open(Path(job["dir"]) / CASE_LOG, "w") as logf:
            os.dup2(logf.fileno(), 1)
            os.dup2(logf.fileno(), 2)
            try:
                summary = run_case(job["dir"], force=job["force"], resume=job["resume"], progress=False)
                record = {"status": summary.get("status") or "error", "error": summary.get("error"),
                          "summary": summary}
            except OutputLocked as exc:  # another process (a `liplate run` of this case) is writing it
                record = {"status": "locked", "error": str(exc), "summary": None}
            except CaseError as exc:
                record = {"status": "invalid", "error": str(exc), "summary": None}
            except KeyboardInterrupt as exc:
                # SIGTERM (or SIGINT) to this case: run_case recorded it ("interrupted", checkpoint kept); say so
                # and stop serving (the signal may be meant for the whole sweep; a next case gets a new child)
                name = getattr(exc, "signal_name", "SIGINT")
                record = {"status": "interrupted", "error": f"interrupted by {name}; the next sweep run continues "
                          "it from its last checkpoint", "summary": getattr(exc, "summary", None), "stop": True}
            except Exception as exc:  # any other failure belongs to this case only
                traceback.print_exc()
                record = {"status": "error", "error": f"{type(exc).__name__}: {exc}", "summary": None}
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os.dup2(saved_err, 1)
                os.dup2(saved_err, 2)
        answer.write(json.dumps(record, default=_json_default) + "\n")
        if record.get("stop"):
            return 130
    return 0


def _warm_up() -> None:
    """Import what every case needs (FiPy, the models, the field writer) before saying ``ready``.

    The child is started before the sweep is planned, so these imports (~1-2 s) overlap the
    planning instead of adding to the first case on each rank.
    """
    import importlib

    for name in ("fipy", "meshio", "liplate.models.sharp", "liplate.models.phasefield"):
        try:
            importlib.import_module(name)
        except Exception:  # noqa: S112 - a missing optional module fails in the case that needs it, with its log
            continue


def _json_default(obj):
    from ..io.atomic import _json_default as default
    return default(obj)


_ENGINE: Engine | None = None


def _engine() -> Engine:
    """This process's case child, started on first use (closed at exit)."""
    global _ENGINE
    if _ENGINE is None:
        import atexit
        _ENGINE = Engine()
        atexit.register(_ENGINE.close)
    return _ENGINE


def run_job(job: dict) -> dict:
    """Executor task on ranks 1..N-1: run one case in this rank's child."""
    record = _engine().run(job)
    record["rank"] = _rank()
    return record


def _rank() -> int:
    from ..parallel import comm_info
    return comm_info()[1]
