"""Benchmark: build, solve and extract the bundled Chancay model at realistic sizes.

Runs each case in its own process (so peak memory is per case) and prints one
row per case: steps, variables, integers, constraints, seconds per phase
(inputs = weather/profiles/jobs, build = Pyomo model, translate = Pyomo -> HiGHS
arrays, solve = HiGHS, extract = results), total wall time, peak memory (RSS) and
the solver status and gap.

    python benchmarks/bench_chancay.py            # all cases
    python benchmarks/bench_chancay.py week year  # some cases

Target (issue 3): the year at hourly resolution solves within the default gap in
under 60 s on a 2-core machine, build + extract taking less time than HiGHS.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MODEL = ROOT / "models" / "chancay.toml"

CASES = {
    "week_1h": dict(start="2025-03-03", end="2025-03-10", resolution="1h"),
    "month_1h": dict(start="2025-03-01", end="2025-04-01", resolution="1h"),
    "year_1h": dict(start="2025-01-01", end="2026-01-01", resolution="1h"),
    "month_15min": dict(start="2025-03-01", end="2025-04-01", resolution="15min"),
}


def run_case(name: str) -> dict:
    from energy.runner import run

    t0 = time.perf_counter()
    rr = run(MODEL, write=False, plots=False, **CASES[name])
    total = time.perf_counter() - t0
    k = rr.kpis
    return {
        "case": name,
        "steps": len(rr.dispatch),
        "variables": k.get("n_variables"),
        "integers": k.get("n_integer"),
        "constraints": k.get("n_constraints"),
        "inputs_s": k.get("inputs_s"),
        "build_s": k.get("build_s"),
        "translate_s": k.get("translate_s"),
        "solve_s": k.get("solve_s"),
        "extract_s": k.get("extract_s"),
        "total_s": round(total, 2),
        "peak_mem_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 0),
        "status": k.get("status"),
        "mip_gap": k.get("mip_gap"),
        "binary_rounds": k.get("mode_binary_rounds"),
        "total_cost_usd": round(k["total_cost_usd"], 2),
    }


def main(argv: list[str]) -> None:
    if argv[:1] == ["--case"]:
        print(json.dumps(run_case(argv[1])))
        return
    names = [n for n in CASES if not argv or any(a in n for a in argv)]
    rows = []
    for n in names:
        proc = subprocess.run([sys.executable, __file__, "--case", n], capture_output=True, text=True,
                              cwd=ROOT)
        if proc.returncode:
            print(f"{n}: failed\n{proc.stderr}", file=sys.stderr)
            continue
        rows.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    cols = ["case", "steps", "variables", "integers", "constraints", "inputs_s", "build_s", "translate_s",
            "solve_s", "extract_s", "total_s", "peak_mem_mb", "status", "mip_gap", "binary_rounds",
            "total_cost_usd"]
    print("  ".join(f"{c:>12}" for c in cols))
    for r in rows:
        cells = []
        for c in cols:
            v = r.get(c)
            cells.append(f"{v:>12.4g}" if isinstance(v, float) else f"{v!s:>12}")
        print("  ".join(cells))


if __name__ == "__main__":
    main(sys.argv[1:])
