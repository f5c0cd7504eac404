"""Command line: ``liplate run | check | params | sweep | kmc | new | schema | info``. No physics here."""
from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path


def _busy(case_dir: str) -> str | None:
    """The lock message if another process is writing ``case_dir/output`` (checked before the slow imports,
    so that a second run refuses at once; run_case takes the lock itself for the whole run)."""
    from .io.lock import DirLock, LockHeld
    from .parallel import launched_by_mpi

    out = Path(case_dir) / "output"
    if not out.is_dir() or launched_by_mpi():  # under mpiexec the ranks would race for it: run_case locks once
        return None
    try:
        DirLock(out).acquire().release()
    except LockHeld as exc:
        return f"{case_dir}: {exc}"
    except OSError:
        pass  # a read-only case, say: run_case decides
    return None


def _cmd_run(args) -> int:
    if (busy := _busy(args.case)) is not None:
        print(f"liplate: error: {busy}", file=sys.stderr)
        return 2
    from .case import CaseError
    from .simulation import run_case

    try:
        summary = run_case(args.case, force=args.force, resume=args.resume,
                           progress=False if args.quiet else None, verbose=args.verbose)
    except CaseError as exc:
        print(f"liplate: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # outputs cannot be written at all (a read-only or full disk): one line, no traceback
        print(f"liplate: error: {args.case}: cannot write its outputs: {exc}", file=sys.stderr)
        return 1
    from .parallel import is_root
    if is_root():
        out = Path(args.case) / "output"
        status = summary.get("status")
        th = summary.get("thickness_mean_um")
        v = summary.get("cell_voltage_final_V")
        print(f"{args.case}: {status}; thickness {th:.4g} um; final voltage {v * 1e3:.2f} mV"
              if th is not None and v is not None else f"{args.case}: {status}")
        if summary.get("counter_exhausted_capacity_mAh_cm2") is not None:
            print(f"counter electrode exhausted at {summary['counter_exhausted_capacity_mAh_cm2']:.4g} mAh/cm^2 "
                  "(all of its Li passed)")
        if summary.get("short_circuit"):
            q, t = summary.get("short_capacity_mAh_cm2"), summary.get("short_time_s")
            print(f"short circuit at {q:.4g} mAh/cm^2, t = {t:.4g} s (Li reached the counter electrode)"
                  if q is not None and t is not None else "short circuit")
        pvds = sorted(p.name for p in out.glob("*.pvd"))
        view = f"open {', '.join(f'{out}/{n}' for n in pvds)} in ParaView; " if pvds else ""
        print(f"results in {out}/ ({view}summary.json)")
    return 0 if summary.get("status") in ("completed", "short_circuit") else 1


def _cmd_check(args) -> int:
    from .case import CaseError, load_case
    from .units import A_M2_PER_MA_CM2, C_M2_PER_MAH_CM2

    try:
        case = load_case(args.case)
    except CaseError as exc:
        print(f"liplate: error: {exc}", file=sys.stderr)
        return 2
    if args.print:
        print(case.to_json())
    else:
        p = case["protocol"]
        c_per_mah = C_M2_PER_MAH_CM2
        to = ""  # kMC: no capacity
        if p["capacity"] is not None:
            q_stop, reason = case.plating_limit()
            to = (f" to {q_stop / c_per_mah:.3g} mAh/cm^2, when the counter electrode's Li is exhausted"
                  if reason else f" to {q_stop / c_per_mah:g} mAh/cm^2")
            # the largest step as the time and the charge it passes (dt_max may be written as either)
            num, j = case["numerics"], p["current_density"]
            to += f"; steps up to {num['dt_max']:g} s = {num['dt_max'] * j / c_per_mah:.3g} mAh/cm^2"
            if num.get("dt_max_late") is not None:
                to += (f", from {num['late_capacity'] / c_per_mah:g} mAh/cm^2 on up to {num['dt_max_late']:g} s = "
                       f"{num['dt_max_late'] * j / c_per_mah:.3g} mAh/cm^2")
        print(f"{args.case}: ok (model {case.model}, substrate {case.substrate}, "
              f"{p['current_density'] / A_M2_PER_MA_CM2:g} mA/cm^2{to})")
    return 0


def _cmd_params(args) -> int:
    from . import citations
    from .parameters import SET_NAMES, describe_set, load_set

    if args.ledger or args.bibtex:
        print(citations.ledger_markdown() if args.ledger else citations.bibtex(), end="")
        return 0
    names = [args.set] if args.set else list(SET_NAMES)
    shown = {}
    for name in names:
        try:
            ps = load_set(name)
        except KeyError as exc:
            print(f"liplate: error: {exc.args[0]}", file=sys.stderr)
            return 2
        shown[name] = ps
        print(f"[{name}] {describe_set(name)}")
        for key, p in ps.items():
            print(f"  {name}.{key:<34s} {p.value:<12.6g} {p.unit:<10s} {p.source}")
        print()
    print("References (liplate params --bibtex prints them as BibTeX):")
    print(citations.format_citations(list(citations.references_for(shown))))
    return 0


def _cmd_sweep(args) -> int:
    from .sweep import main as sweep_main
    return sweep_main(args)


def _cmd_kmc(args) -> int:
    from .case import CaseError, load_case
    from .kmc import run_kmc_case

    try:
        case = load_case(args.case)
    except CaseError as exc:
        print(f"liplate: error: {exc}", file=sys.stderr)
        return 2
    if case.model != "kmc":
        print(f"liplate: error: {args.case}: [case] model = {case.model!r}; 'liplate kmc' runs cases with "
              "model = 'kmc'", file=sys.stderr)
        return 2
    from .io.lock import DirLock, LockHeld, NotADirectory
    try:
        lock = DirLock(case.output_dir, command=f"liplate kmc {args.case}").acquire()
    except (LockHeld, NotADirectory) as exc:
        print(f"liplate: error: {args.case}: {exc}", file=sys.stderr)
        return 2
    try:
        from .io.atomic import write_json
        write_json(case.output_dir / "case_resolved.json", case.resolved())
        run_kmc_case(case)
    finally:
        lock.release()
    print(f"results in {case.output_dir}/")
    return 0


def _cmd_new(args) -> int:
    from .api import new_case
    from .case import CaseError

    try:
        dest = new_case(args.dir, args.source, title=args.title)
    except CaseError as exc:
        print(f"liplate: error: {exc}", file=sys.stderr)
        return 2
    print(f"{dest}: a new case from {args.source} (no outputs); edit {dest}/case.toml, then: liplate run {dest}")
    return 0


def _cmd_schema(args) -> int:
    from .schema_json import dumps, markdown

    print(markdown() if args.markdown else dumps(), end="")
    return 0


def _cmd_info(args) -> int:
    from .env import describe
    print(describe())
    return 0


def build_parser() -> argparse.ArgumentParser:
    from . import __version__

    ap = argparse.ArgumentParser(prog="liplate", description="Lithium plating at the current collector of "
                                 "anode-free all-solid-state cells (FiPy finite volumes).")
    ap.add_argument("--version", action="version", version=f"liplate {__version__}")
    sub = ap.add_subparsers(dest="command", required=True)

    r = sub.add_parser("run", help="validate and run one case directory")
    r.add_argument("case", help="case directory holding case.toml")
    r.add_argument("--resume", action="store_true", help="continue a killed run from its last checkpoint")
    r.add_argument("--force", action="store_true", help="delete existing outputs and run again")
    r.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    r.add_argument("-v", "--verbose", action="store_true", help="log to the terminal too")
    r.set_defaults(func=_cmd_run)

    c = sub.add_parser("check", help="validate a case directory without running it")
    c.add_argument("case")
    c.add_argument("--print", action="store_true", help="print the resolved case (SI, with sources)")
    c.set_defaults(func=_cmd_check)

    p = sub.add_parser("params", help="list parameter sets with units, sources and references")
    p.add_argument("set", nargs="?", help="one set (lpscl, li, cu, li2te_cu, cell, ...)")
    p.add_argument("--ledger", action="store_true", help="print the calibration ledger (docs/calibration.md)")
    p.add_argument("--bibtex", action="store_true", help="print the bibliography as BibTeX")
    p.set_defaults(func=_cmd_params)

    s = sub.add_parser("sweep", help="run a parameter sweep (under mpiexec: distributed over ranks)")
    s.add_argument("file", help="sweep file (TOML)")
    s.add_argument("--force", action="store_true", help="rerun cases that are already completed")
    s.add_argument("-q", "--quiet", action="store_true", help="no progress display")
    s.set_defaults(func=_cmd_sweep)

    n = sub.add_parser("new", help="copy a case directory without its outputs, with a fresh title")
    n.add_argument("dir", help="the new case directory (must not exist, or be empty)")
    n.add_argument("--from", dest="source", required=True, metavar="CASE",
                   help="case to copy, e.g. cases/cu_0p5mA_1mAh")
    n.add_argument("--title", help="[case] title of the copy (default: '<dir name> (from <case name>)')")
    n.set_defaults(func=_cmd_new)

    sc = sub.add_parser("schema", help="print the JSON Schema of case.toml (for editors), or the case reference")
    sc.add_argument("--markdown", action="store_true", help="print docs/case_reference.md instead")
    sc.set_defaults(func=_cmd_schema)

    k = sub.add_parser("kmc", help="run a kinetic Monte Carlo case (model = 'kmc')")
    k.add_argument("case")
    k.set_defaults(func=_cmd_kmc)

    i = sub.add_parser("info", help="which parallel pieces (MPI, PETSc, ParaView) are installed and what each enables")
    i.set_defaults(func=_cmd_info)
    return ap


def main(argv: list[str] | None = None) -> int:
    from .api import configure_run_environment

    configure_run_environment()   # OMP_NUM_THREADS=1 unless set: before NumPy/FiPy load (import liplate sets none)
    from .parallel import MPIUnavailable, comm_info, launched_by_mpi

    args = build_parser().parse_args(argv)
    try:
        if launched_by_mpi() and importlib.util.find_spec("mpi4py") is None:
            comm_info()             # over several ranks without mpi4py: stop before anything is written
        return args.func(args)
    except MPIUnavailable as exc:
        print(f"liplate: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as exc:
        print("liplate: interrupted; outputs written so far are kept (resume with --resume)", file=sys.stderr)
        return 128 + getattr(exc, "signum", 2)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
