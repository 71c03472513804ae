"""Compare every bundled scenario's optimum with a stored reference, to the MIP gap.

    python benchmarks/check_optima.py --save ref.json        # record the references
    python benchmarks/check_optima.py --against ref.json     # compare (exit 1 on a change)

Each scenario of ``models/chancay.toml`` (year 2025, hourly) is solved without writing
anything; the totals of the summary (total cost, each bill term, emissions, grid
import) are recorded. Against a reference, a scenario passes when its total cost
differs from the reference by at most the larger of the two runs' achieved MIP gaps
(relative, at least the default gap 1e-3): both are optimal to that gap, so they may
differ by that much and no more.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MODEL = ROOT / "models" / "chancay.toml"
KEYS = ("total_cost_usd", "objective_usd", "emissions_tco2", "grid_import_mwh", "mip_gap", "status")


def solve_all(names: list[str] | None) -> dict:
    from energy.config import read_model_file, scenario_names
    from energy.runner import run

    all_names = ["base", *scenario_names(read_model_file(MODEL))]
    out = {}
    for name in names or all_names:
        t0 = time.perf_counter()
        rr = run(MODEL, name, write=False, plots=False, economics=False)
        k = rr.kpis
        row = {key: k.get(key) for key in KEYS}
        row["seconds"] = round(time.perf_counter() - t0, 2)
        out[name] = row
        print(f"{name:>20}  {k['total_cost_usd']:>14,.2f} USD  gap {k['mip_gap']:.1e}  "
              f"{row['seconds']:6.1f} s", flush=True)
    return out


def compare(new: dict, ref: dict) -> list[str]:
    bad = []
    for name, r in ref.items():
        n = new.get(name)
        if n is None:
            continue
        gap = max(1e-3, r.get("mip_gap") or 0.0, n.get("mip_gap") or 0.0)
        a, b = r["total_cost_usd"], n["total_cost_usd"]
        rel = abs(a - b) / max(abs(a), 1.0)
        flag = "ok" if rel <= gap else "CHANGED"
        print(f"{name:>20}  ref {a:>14,.2f}  new {b:>14,.2f}  rel diff {rel:.2e}  (gap {gap:.1e})  {flag}")
        if rel > gap:
            bad.append(name)
    return bad


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--save")
    p.add_argument("--against")
    p.add_argument("scenarios", nargs="*")
    a = p.parse_args()
    new = solve_all(a.scenarios)
    if a.save:
        Path(a.save).write_text(json.dumps(new, indent=1))
    if a.against:
        bad = compare(new, json.loads(Path(a.against).read_text()))
        print("all scenarios unchanged to the MIP gap" if not bad else f"changed: {', '.join(bad)}")
        return 1 if bad else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
