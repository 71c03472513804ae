"""Benchmark: size the bundled Chancay model (issue 10) and time each phase.

One case per process; prints one JSON row per case: the sizing solve's build and HiGHS
seconds, the whole ``energy.size`` wall time (sizing solve + the run at the chosen sizes
+ its business-as-usual solve), the sizes, the solver status and gap, and the load
average of the machine at the start and end (``os.getloadavg``).

    nice -n 10 python benchmarks/bench_sizing.py              # year_1h
    nice -n 10 python benchmarks/bench_sizing.py month_1h year_1h_flex

Target (issue 10): the one-year hourly sizing of the bundled model solves to the default
gap in at most 60 s on a 2-core machine.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MODEL = ROOT / "models" / "chancay.toml"

YEAR = dict(start="2025-01-01", end="2026-01-01", resolution="1h")
MONTH = dict(start="2025-03-01", end="2025-04-01", resolution="1h")
CASES = {
    "month_1h": (MONTH, False),
    "month_1h_flex": (MONTH, True),
    "year_1h": (YEAR, False),
    "year_1h_flex": (YEAR, True),  # also the inflexible sizing: the value of flexibility
}


def run_case(name: str) -> dict:
    from energy.sizing import size

    horizon, flex = CASES[name]
    load0 = os.getloadavg()[0]
    t0 = time.perf_counter()
    sr = size(MODEL, write=False, plots=False, flexibility_value=flex, **horizon)
    total = time.perf_counter() - t0
    k = sr.kpis
    row = {
        "case": name,
        "sizing_build_s": round(sr.figures["build_s"], 2),
        "sizing_translate_s": round(sr.figures["translate_s"], 2),
        "sizing_solve_s": round(sr.figures["solve_s"], 2),
        "sizing_status": sr.figures["status"],
        "sizing_method": sr.figures["method"],
        "sizing_proven_gap": sr.figures["proven_gap"],
        "size_total_s": round(total, 2),
        "sizes": {key: round(v, 1) for key, v in sr.sizes.items()},
        "annual_cost_usd": round(k["sizing_annual_cost_usd"]),
        "npv_usd": round(k["npv_usd"]),
        "load_avg_start": round(load0, 2),
        "load_avg_end": round(os.getloadavg()[0], 2),
    }
    if flex:
        row["flexibility_value_usd_per_year"] = round(k["flexibility_value_usd_per_year"])
        row["flexibility_battery_kwh"] = round(k["flexibility_battery_kwh"], 1)
        row["inflexible_sizes"] = {key: round(v, 1) for key, v in sr.inflexible["sizes"].items()}
    return row


def main(argv: list[str]) -> None:
    if len(argv) == 2 and argv[0] == "--case":
        print(json.dumps(run_case(argv[1])))
        return
    for name in argv or ["year_1h"]:
        out = subprocess.run([sys.executable, __file__, "--case", name], capture_output=True, text=True,
                             check=False)
        print(out.stdout.strip() or f'{{"case": "{name}", "error": {json.dumps(out.stderr[-400:])}}}')


if __name__ == "__main__":
    main(sys.argv[1:])
