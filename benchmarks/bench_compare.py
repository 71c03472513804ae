"""Benchmark: `compare` serial vs. parallel on the bundled model (year, hourly).

Runs the base and four scenarios with --jobs 1 and --jobs 2 into temporary
folders, prints the wall time of each and checks that both comparison tables are
identical up to timing columns.

    python benchmarks/bench_compare.py
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import pandas as pd

from energy.scenarios import TIMING_COLUMNS, compare

MODEL = Path(__file__).resolve().parents[1] / "models" / "chancay.toml"
SCENARIOS = ["grid_only", "pv_heavy", "pv_wind", "pv_battery_large"]


def main() -> None:
    tables, times = {}, {}
    for jobs in (1, 2):
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            tables[jobs] = compare(MODEL, SCENARIOS, jobs=jobs, out=tmp, plots=False, progress="none")
            times[jobs] = time.perf_counter() - t0
        print(f"jobs={jobs}: {len(tables[jobs])} scenarios in {times[jobs]:.1f} s")
    drop = [c for c in tables[1].columns if c in TIMING_COLUMNS or c.endswith("_s")]
    pd.testing.assert_frame_equal(tables[1].drop(columns=drop), tables[2].drop(columns=drop))
    print(f"identical tables (up to timing columns); speed-up {times[1] / times[2]:.2f}x")


if __name__ == "__main__":
    main()
