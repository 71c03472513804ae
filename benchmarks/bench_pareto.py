"""Benchmark: a 10-point cost-emissions front of the bundled year against one ``run``.

Target (issue 11): the front (cost-minimal end, lexicographic emission-minimal end, 8
epsilon points, all on one compiled HiGHS model) costs at most 3x one ``run`` of the
same scenario. Both are timed side by side in this process, each after the inputs are
built (the weather, profile and job building is shared and left out of both), in the
order run, front, run; the ratio uses the mean of the two runs. The machine load
(``os.getloadavg``) is printed beside the figures.

    nice -n 10 python benchmarks/bench_pareto.py              # year, 10 points
    nice -n 10 python benchmarks/bench_pareto.py --points 5 --start 2025-08-01 --end 2025-09-01
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MODEL = ROOT / "models" / "chancay.toml"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--points", type=int, default=10)
    ap.add_argument("--scenario", default=None)
    ap.add_argument("--start", default="2025-01-01")
    ap.add_argument("--end", default="2026-01-01")
    args = ap.parse_args()

    from energy.build import build_inputs
    from energy.config import load_config
    from energy.optimise.front import solve_front
    from energy.optimise.optimise import optimise
    from energy.runner import horizon_overrides

    cfg = load_config(MODEL, args.scenario, horizon_overrides(args.start, args.end, "1h"))
    inputs = build_inputs(cfg)
    S = cfg.solver
    opts = {"mip_gap": S.mip_gap, "threads": S.threads}
    print(f"load before: {os.getloadavg()[0]:.2f} (1-min average, {os.cpu_count()} cores)")

    def one_run():
        t = time.perf_counter()
        r = optimise(inputs, **opts)
        return time.perf_counter() - t, r.kpis

    run1, k = one_run()
    print(f"run 1:  {run1:6.1f} s  cost {k['total_cost_usd']:,.0f} USD, emissions {k['emissions_tco2']:,.1f} tCO2, "
          f"load {os.getloadavg()[0]:.2f}")
    t = time.perf_counter()
    points, tm = solve_front(inputs, args.points, **opts)
    front = time.perf_counter() - t
    print(f"front:  {front:6.1f} s  ({args.points} points; build {tm['build_s']:.1f}, translate "
          f"{tm['translate_s']:.1f}, solve {tm['solve_s']:.1f}, extract {tm['extract_s']:.1f} s), "
          f"load {os.getloadavg()[0]:.2f}")
    run2, _ = one_run()
    print(f"run 2:  {run2:6.1f} s  load {os.getloadavg()[0]:.2f}")
    ratio = front / ((run1 + run2) / 2)
    print(f"front / run = {ratio:.2f} (target <= 3)")
    for i, p in enumerate(points):
        kk = p.results.kpis
        print(f"  {i + 1:>2} {p.kind:<13} cost {kk['total_cost_usd']:>12,.0f} USD  emissions "
              f"{kk['emissions_tco2']:>8,.1f} tCO2  unserved {kk['unserved_mwh']:.3f} MWh  "
              f"solve {p.solve_s:5.1f} s  gap {kk['mip_gap']:.1e}")


if __name__ == "__main__":
    main()
