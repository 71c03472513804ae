"""Mutation testing of the code whose mistakes cost users money or correctness (not part of CI).

One command, scope by scope (one mutmut worker, niced: the machine is shared)::

    python benchmarks/mutation.py                 # every scope, then the ratchet check
    python benchmarks/mutation.py --scope bill    # one scope
    python benchmarks/mutation.py --scope time --fresh   # forget cached results first
    python benchmarks/mutation.py --update-ratchet       # raise the ratchet to this run's scores

Each scope mutates its files with mutmut 3 (``pip install -e ".[dev]"``) and runs only its
own fast subset of the tests (mutmut further narrows that to the tests that call the mutated
function). Work happens in ``.mutation/<scope>/`` (a copy of the package, tests, models and
profiles; git-ignored), so the worktree is never touched and a second run reuses the results
of unchanged functions.

Score of a file = killed / (mutants - equivalent), where "killed" includes timeouts and
"not killed" covers survivors, mutants no selected test reaches and suspicious ones.
Equivalent mutants (no behaviour can tell them from the original) are listed with a one-line
reason in ``benchmarks/mutation_equivalent.toml``, keyed by function and mutated line, so the
list survives renumbering. ``benchmarks/mutation_ratchet.toml`` holds the minimum score per
file; the command exits 1 when a file scores lower.
Survivors, with their diffs, are written to ``.mutation/<scope>/survivors.txt``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / ".mutation"
EQUIVALENT = ROOT / "benchmarks" / "mutation_equivalent.toml"
RATCHET = ROOT / "benchmarks" / "mutation_ratchet.toml"
COPIED = ("energy", "tests", "models", "profiles")


@dataclass(frozen=True)
class Scope:
    """Files to mutate and the tests that guard them."""

    files: tuple[str, ...]
    tests: tuple[str, ...]
    deselect: str = ""  # pytest -k pattern of tests to leave out ("not <pattern>")


SCOPES = {
    "bill": Scope(
        files=("energy/kpis.py",),
        tests=("tests/test_kpis.py", "tests/test_bill_by_hand.py", "tests/test_reefer_shore_kpis.py",
               "tests/optimise/test_independent.py"),
    ),
    "model": Scope(
        files=("energy/optimise/dispatch.py", "energy/optimise/layout.py"),
        tests=("tests/optimise/test_dispatch.py", "tests/optimise/test_solve.py",
               "tests/optimise/test_independent.py", "tests/test_model_rules.py", "tests/test_kpis.py",
               "tests/optimise/test_sizing.py", "tests/optimise/test_inflexible.py",
               "tests/optimise/test_reefer_dispatch.py", "tests/test_model_rows.py"),
        # the command-line tests of those files write run folders (seconds each) and add no
        # model rule that their in-process neighbours do not check
        deselect="cli",
    ),
    "time": Scope(
        files=("energy/timegrid.py", "energy/jobs.py"),
        tests=("tests/test_jobs.py", "tests/test_boundaries.py", "tests/test_vessel_schedule.py",
               "tests/test_timeseries.py",
               "tests/test_kpis.py", "tests/test_solar.py"),
    ),
    "readers": Scope(
        files=("energy/timeseries.py", "energy/weatherfile.py"),
        tests=("tests/test_timeseries.py", "tests/test_weather.py", "tests/test_bad_inputs.py",
               "tests/test_readers.py", "tests/test_meter_formats.py", "tests/test_weather_timing.py",
               "tests/test_vessel_schedule.py", "tests/test_vessel_calls_file.py",
               "tests/test_weather_file_edges.py", "tests/test_series_file_edges.py"),
    ),
}

KILLED = {"killed", "timeout", "caught by type check", "segfault"}


def mutmut_config(scope: Scope, without=()) -> str:
    """The ``[tool.mutmut]`` table of one scope (appended to a copy of pyproject.toml)."""
    tests = [t for t in scope.tests if (ROOT / t).exists() and t not in without]

    def toml_list(items) -> str:
        return "[" + ", ".join(json.dumps(i) for i in items) + "]"

    return "\n".join([
        "", "[tool.mutmut]",
        'source_paths = ["energy"]',
        f"only_mutate = {toml_list(scope.files)}",
        f"pytest_add_cli_args_test_selection = "
        f"{toml_list(tests + (['-k', 'not ' + scope.deselect] if scope.deselect else []))}",
        'pytest_add_cli_args = ["-p", "no:cacheprovider", "-q"]',
        'also_copy = ["models", "profiles"]',
        "use_git_change_detection = false",
        # a mutant that makes the solver loop (e.g. mode-binary rounds that add nothing) is
        # stopped after 3 x (its tests' clean time + 10 s) of wall time (mutmut's default:
        # 15 x (t + 1 s)); the model's tests take about 3 s, so a looping mutant costs ~40 s
        "timeout_multiplier = 3.0",
        "timeout_constant = 10.0",
        "",
    ])


def prepare(work: Path, scope: Scope, fresh: bool, without=()) -> Path:
    """Lay out ``work``: fresh copies of the sources, this scope's config."""
    if fresh and work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True, exist_ok=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for d in COPIED:
        if (work / d).exists():
            shutil.rmtree(work / d)
        shutil.copytree(ROOT / d, work / d, ignore=ignore)
        mutated_copy = work / "mutants" / d
        if d != "energy" and mutated_copy.exists():
            shutil.rmtree(mutated_copy)  # mutmut copies these again, fresh
    text = (ROOT / "pyproject.toml").read_text()
    (work / "pyproject.toml").write_text(text + mutmut_config(scope, without))
    retry_survivors_if_tests_changed(work, scope)
    return work


def retry_survivors_if_tests_changed(work: Path, scope: Scope) -> None:
    """mutmut keeps a mutant's verdict until its function changes; new tests must retry survivors."""
    digest = hashlib.sha256()
    for t in sorted(scope.tests):
        for f in sorted((ROOT / t).rglob("*.py")) if (ROOT / t).is_dir() else [ROOT / t]:
            if f.exists():
                digest.update(f.read_bytes())
    for f in ("tests/conftest.py", "tests/cases.py"):
        digest.update((ROOT / f).read_bytes())
    stamp = work / "tests.sha256"
    if stamp.exists() and stamp.read_text() == digest.hexdigest():
        return
    from mutmut.stats import status_by_exit_code

    for path in scope.files:
        meta_path = work / "mutants" / (path + ".meta")
        if not meta_path.exists():
            continue
        meta = json.loads(meta_path.read_text())
        codes = meta["exit_code_by_key"]
        for key, code in codes.items():
            if status_by_exit_code[code] not in KILLED:
                codes[key] = None
        meta_path.write_text(json.dumps(meta, indent=4))
    stamp.write_text(digest.hexdigest())


def run_mutmut(work: Path, names=()) -> int:
    """``mutmut run`` with one worker at low priority, in the scope's folder (only ``names`` if given)."""
    cmd = ["nice", "-n", "15", sys.executable, "-m", "mutmut", "run", "--max-children", "1", *names]
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    with open(work / "mutmut.log", "w") as log:
        return subprocess.call(cmd, cwd=work, stdout=log, stderr=subprocess.STDOUT, env=env)


def sample_names(name: str, scope: Scope, n: int) -> list[str]:
    """A seeded sample of ``n`` mutant names of a scope, from its last full run's results."""
    keys = []
    for path in scope.files:
        meta = WORK / name / "mutants" / (path + ".meta")
        if not meta.exists():
            raise SystemExit(f"--sample needs a full run of scope {name!r} first (no {meta})")
        keys += sorted(json.loads(meta.read_text())["exit_code_by_key"])
    return sorted(random.Random(17).sample(keys, min(n, len(keys))))


def load_equivalent() -> dict[tuple[str, str], str]:
    """(function, mutated line) -> reason, from ``mutation_equivalent.toml``."""
    if not EQUIVALENT.exists():
        return {}
    data = tomllib.loads(EQUIVALENT.read_text())
    return {(e["function"], e["line"].strip()): e["reason"] for e in data.get("equivalent", [])}


def mutant_diff(work: Path, path: str, key: str) -> str:
    """The diff of one mutant, from mutmut (run inside the scope's folder)."""
    old = Path.cwd()
    os.chdir(work)
    try:
        from mutmut.configuration import reset_config
        from mutmut.mutation.diff_apply import get_diff_for_mutant

        reset_config()
        return get_diff_for_mutant(key, path=path)
    finally:
        os.chdir(old)


def changed_line(diff: str) -> str:
    """The mutated source line(s) of a diff, stripped (joined by `` / `` when several)."""
    lines = [ln[1:].strip() for ln in diff.splitlines() if ln.startswith("+") and not ln.startswith("+++")]
    return " / ".join(lines)


def function_of(key: str) -> str:
    """``energy.kpis.x_monthly_bill__mutmut_12`` -> ``monthly_bill`` (class methods keep ``Class.``)."""
    head = key.rsplit("__mutmut_", 1)[0]
    module, _, func = head.rpartition(".")
    func = func.removeprefix("x_")
    if "ǁ" in func:  # mutmut's mangling of methods: xǁClassǁmethod
        parts = [p for p in func.split("ǁ") if p]
        func = ".".join(parts)
    return func


def score(work: Path, scope: Scope, equivalent: dict) -> dict[str, dict]:
    """Per file: counts, score and survivors (function, line, diff)."""
    from mutmut.stats import status_by_exit_code

    out = {}
    for path in scope.files:
        meta = json.loads((work / "mutants" / (path + ".meta")).read_text())
        counts = {"killed": 0, "survived": 0, "equivalent": 0, "other": 0}
        survivors = []
        for key, code in sorted(meta["exit_code_by_key"].items()):
            status = status_by_exit_code[code]
            if status == "not checked":  # left out of a --sample run
                continue
            if status in KILLED:
                counts["killed"] += 1
                continue
            diff = mutant_diff(work, path, key)
            func, line = function_of(key), changed_line(diff)
            if (func, line) in equivalent:
                counts["equivalent"] += 1
                continue
            counts["survived" if status == "survived" else "other"] += 1
            survivors.append((key, status, func, line, diff))
        live = sum(counts.values()) - counts["equivalent"]
        out[path] = dict(counts, total=sum(counts.values()),
                         score=round(100.0 * counts["killed"] / live, 1) if live else 100.0,
                         survivors=survivors)
    return out


def write_survivors(work: Path, result: dict) -> None:
    with open(work / "survivors.txt", "w") as f:
        for r in result.values():
            for key, status, func, line, diff in r["survivors"]:
                f.write(f"## {key} [{status}] function={func!r} line={line!r}\n{diff}\n\n")


def load_ratchet() -> dict[str, float]:
    return tomllib.loads(RATCHET.read_text()).get("minimum_score", {}) if RATCHET.exists() else {}


def write_ratchet(scores: dict[str, float]) -> None:
    lines = ["# Minimum mutation score per file [% of non-equivalent mutants killed].",
             "# Checked by `python benchmarks/mutation.py`; raise with --update-ratchet, never lower.",
             "[minimum_score]"]
    lines += [f'"{p}" = {s}' for p, s in sorted(scores.items())]
    RATCHET.write_text("\n".join(lines) + "\n")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scope", choices=sorted(SCOPES), action="append",
                    help="scope to run (repeatable; default: all)")
    ap.add_argument("--fresh", action="store_true", help="discard cached mutmut results")
    ap.add_argument("--no-run", action="store_true",
                    help="only score the results of the last run (no mutmut run)")
    ap.add_argument("--without", action="append", default=[], metavar="TEST_FILE",
                    help="leave a test file out of the selection (to measure what it adds; "
                         "results go to .mutation/<scope>-without/, the ratchet is not checked)")
    ap.add_argument("--sample", type=int, metavar="N",
                    help="run only a seeded random sample of N of the scope's mutants (named by a "
                         "previous full run); the score is then an estimate")
    ap.add_argument("--update-ratchet", action="store_true",
                    help="raise the ratchet's minimum scores to this run's")
    args = ap.parse_args(argv)
    names = args.scope or list(SCOPES)
    equivalent = load_equivalent()
    ratchet = load_ratchet()
    scores: dict[str, float] = {}
    failed = []
    for name in names:
        scope = SCOPES[name]
        t0 = time.monotonic()
        work = WORK / (name + "-without" if args.without else name)
        if not args.no_run:
            prepare(work, scope, args.fresh, args.without)
        names = sample_names(name, scope, args.sample) if args.sample else ()
        rc = 0 if args.no_run else run_mutmut(work, names)
        if rc != 0:
            print(f"{name}: mutmut failed (exit {rc}); see {work / 'mutmut.log'}")
            failed.append(name)
            continue
        result = score(work, scope, equivalent)
        write_survivors(work, result)
        minutes = (time.monotonic() - t0) / 60
        for path, r in result.items():
            scores[path] = r["score"]
            floor = None if (args.without or args.sample) else ratchet.get(path)
            verdict = "" if floor is None else ("ok" if r["score"] >= floor else f"BELOW {floor}")
            print(f"{name:8s} {path:32s} {r['score']:5.1f}%  killed {r['killed']:4d}  survived "
                  f"{r['survived']:3d}  untested {r['other']:3d}  equivalent {r['equivalent']:3d}  "
                  f"of {r['total']:4d}  {verdict}")
            if floor is not None and r["score"] < floor:
                failed.append(path)
            if floor is None and not (args.update_ratchet or args.without or args.sample):
                print(f"{name:8s} {path}: no ratchet entry yet (--update-ratchet sets one)")
        print(f"{name:8s} {minutes:.1f} min; survivors in {work / 'survivors.txt'}")
    if args.update_ratchet and not (args.without or args.sample):
        write_ratchet({**ratchet, **{p: max(s, ratchet.get(p, 0.0)) for p, s in scores.items()}})
        print(f"ratchet written: {RATCHET}")
    if failed:
        print("mutation check failed: " + ", ".join(failed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
