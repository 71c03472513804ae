"""Sweep throughput at 1 and 2 workers: 16 points of the bundled model on a one-month horizon.

    nice -n 10 python benchmarks/bench_sweep.py [--cluster local] [--points-per-key 4]

Runs the same 4 x 4 grid (battery energy x warehouse-roof PV) twice, with one and
with two workers (serial in this process and two spawned worker processes; with
``--cluster local`` a local Dask cluster of one and of two workers), each into
its own temporary reports folder (nothing is skipped as already finished), and
prints wall time, points per minute and the scaling efficiency
``(T1 / T2) / 2``. The two ``sweep.csv`` files must be identical. Quote the
machine's load (printed) beside the figures: on a shared machine they move with it.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from energy.sweep import sweep

ROOT = Path(__file__).resolve().parents[1]
MODEL = ROOT / "models" / "chancay.toml"


def _grid(n: int) -> list[str]:
    battery = ",".join(str(4000 * (i + 1)) for i in range(n))
    pv = ",".join(str(2000 * (i + 2)) for i in range(n))
    return [f"battery.energy_kwh={battery}", f"pv.warehouse_roofs.capacity_kwp={pv}"]


def _one(jobs: int, cluster: str | None, out: Path, vary: list[str],
         resolution: str = "1h") -> tuple[float, bytes, float]:
    t0 = time.perf_counter()
    table = sweep(MODEL, vary, jobs=jobs, cluster=cluster, out=out, plots=False, progress="none",
                  start="2025-01-01", end="2025-02-01", resolution=resolution,
                  overrides={"battery": {"charge_power_kw": 4000.0, "discharge_power_kw": 4000.0}})
    wall = time.perf_counter() - t0
    if (table["status"] == "failed").any():
        raise SystemExit(f"failed points: {table.loc[table['status'] == 'failed', 'error'].tolist()}")
    return wall, Path(table.attrs["path"]).read_bytes(), float(table["elapsed_s"].mean())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cluster", default=None, help="'local' for a local Dask cluster")
    ap.add_argument("--points-per-key", type=int, default=4)
    ap.add_argument("--resolution", default="1h", help="step length, e.g. 15min for longer solves")
    args = ap.parse_args()
    vary = _grid(args.points_per_key)
    n = args.points_per_key ** 2
    print(f"load before: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f} "
          f"(1, 5, 15 min) on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as tmp:
        t1, csv1, e1 = _one(1, args.cluster, Path(tmp) / "w1", vary, args.resolution)
        print(f"1 worker : {t1:7.1f} s  {60 * n / t1:6.1f} points/min  mean {e1:.2f} s a point  "
              f"load {os.getloadavg()[0]:.2f}")
        t2, csv2, e2 = _one(2, args.cluster, Path(tmp) / "w2", vary, args.resolution)
        print(f"2 workers: {t2:7.1f} s  {60 * n / t2:6.1f} points/min  mean {e2:.2f} s a point  "
              f"load {os.getloadavg()[0]:.2f}")
    assert csv1 == csv2, "sweep.csv differs between 1 and 2 workers"
    print(f"{n} points, one-month horizon at {args.resolution}; speed-up {t1 / t2:.2f}, scaling efficiency {t1 / t2 / 2:.2f}; "
          "sweep.csv identical")


if __name__ == "__main__":
    main()
