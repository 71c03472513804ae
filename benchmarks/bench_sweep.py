"""Sweep throughput at 1 and 2 workers: 16 points of the bundled model on a one-month horizon.

    nice -n 10 python benchmarks/bench_sweep.py [--resolution 15min] [--repeats 3]
                                                [--cluster local] [--points-per-key 4]

Runs the same 4 x 4 grid (battery energy x warehouse-roof PV, January 2025) with
one and with two workers (``jobs=1``: serially in the sweep's own process;
``jobs=2``: two local worker processes; with ``--cluster local`` a local Dask
cluster of one and of two workers), each in a fresh Python process and its own
temporary reports folder, so that no run inherits another's imports, caches or
finished points. Both are timed the same way, start-up included:

* ``sweep``: the call of :func:`energy.sweep.sweep`, from the grid to the written
  ``sweep.csv`` (importing Pyomo, HiGHS and pvlib, starting and warming the
  workers, every point);
* ``process``: the whole command, interpreter start and ``import energy`` too;
* ``busy``: the points' own run times, summed (``elapsed_s`` of ``timings.csv``);
* ``CPU``: processor time of the command and its workers (user + system): more at
  two workers than at one is work done twice (start-up, shared inputs);
* ``start-up``: the two workers' start (``start_s``: imports, weather, business as
  usual), work the serial run does once too; ``bound`` = T1 / (2 (start-up +
  (T1 - start-up) / 2)), the efficiency if everything after it were shared perfectly.

Each repeat runs the two side by side (the order alternating between repeats),
between two CPU checks: a pure-Python loop alone and then in two processes at
once, whose scaling efficiency (the lower of the two checks is printed) is what
the machine itself gives two processes at that moment (1.00 on two idle cores;
less when other jobs hold a core). The scaling efficiency
is ``(T1 / T2) / 2``; the medians over the repeats are printed last, with the
load average before each repeat (``--wait-quiet S`` first waits, up to S seconds,
for the processors to be 85 % idle). The ``sweep.csv`` files must be identical.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from multiprocessing import get_context
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MODEL = ROOT / "models" / "chancay.toml"
SPIN_LOOPS = 10_000_000


def _grid(n: int) -> list[str]:
    battery = ",".join(str(4000 * (i + 1)) for i in range(n))
    pv = ",".join(str(2000 * (i + 2)) for i in range(n))
    return [f"battery.energy_kwh={battery}", f"pv.warehouse_roofs.capacity_kwp={pv}"]


def _child(args) -> None:
    """One measured sweep in this (fresh) process; prints a JSON line."""
    from energy.sweep import sweep

    t0 = time.perf_counter()
    table = sweep(MODEL, _grid(args.points_per_key), jobs=args.jobs, cluster=args.cluster, out=Path(args.out),
                  plots=False, progress="none", start="2025-01-01", end="2025-02-01", resolution=args.resolution,
                  overrides={"battery": {"charge_power_kw": 4000.0, "discharge_power_kw": 4000.0}})
    wall = time.perf_counter() - t0
    if (table["status"] == "failed").any():
        raise SystemExit(f"failed points: {table.loc[table['status'] == 'failed', 'error'].tolist()}")
    csv = Path(table.attrs["path"]).read_bytes()
    print(json.dumps({"sweep_s": wall, "busy_s": float(table["elapsed_s"].sum()), "start_s": table.attrs.get("start_s", math.nan),
                      "sha": hashlib.sha256(csv).hexdigest()}))


def _measure(jobs: int, args, out: Path) -> dict:
    cmd = [sys.executable, __file__, "--child", "--jobs", str(jobs), "--out", str(out),
           "--resolution", args.resolution, "--points-per-key", str(args.points_per_key)]
    if args.cluster:
        cmd += ["--cluster", args.cluster]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    process_s = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the command and its workers, all waited for
    if done.returncode != 0:
        raise SystemExit(f"jobs={jobs} failed:\n{done.stderr[-3000:]}")
    cpu_s = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {**json.loads(done.stdout.strip().splitlines()[-1]), "process_s": process_s, "cpu_s": cpu_s}


def _spin(_=None) -> float:
    t0 = time.perf_counter()
    s = 0
    for i in range(SPIN_LOOPS):
        s += i * i
    return time.perf_counter() - t0


def _cpu_efficiency() -> float:
    """Scaling efficiency of a pure-Python loop in two processes at once (the machine's ceiling now)."""
    one = _spin()
    with get_context("spawn").Pool(2) as pool:
        pool.map(_spin, [0, 0])  # started
        t0 = time.perf_counter()
        pool.map(_spin, [0, 0], chunksize=1)
        two = time.perf_counter() - t0
    return one / two


def _idle_share(seconds: float = 2.0) -> float:
    """Share of the machine's processor time that was idle over ``seconds`` (Linux /proc/stat)."""
    def sample() -> tuple[int, int]:
        with open("/proc/stat", encoding="ascii") as fh:
            v = [int(x) for x in fh.readline().split()[1:]]
        return sum(v), v[3] + v[4]  # total, idle + iowait
    t1, i1 = sample()
    time.sleep(seconds)
    t2, i2 = sample()
    return (i2 - i1) / max(t2 - t1, 1)


def _wait_quiet(limit_s: float) -> str:
    """Wait (at most ``limit_s``) until the processors are at least 85 % idle; say how it went."""
    if limit_s <= 0 or not os.path.exists("/proc/stat"):
        return ""
    t0 = time.perf_counter()
    while True:
        idle = _idle_share()
        if idle >= 0.85 or time.perf_counter() - t0 > limit_s:
            return f" (idle {idle:.0%} after {time.perf_counter() - t0:.0f} s)"


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cluster", default=None, help="'local' for a local Dask cluster")
    ap.add_argument("--points-per-key", type=int, default=4)
    ap.add_argument("--resolution", default="1h", help="step length, e.g. 15min for longer solves")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--wait-quiet", type=float, default=0.0, metavar="S",
                    help="before each repeat, wait up to S seconds for the processors to be 85%% idle")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--jobs", type=int, default=1, help=argparse.SUPPRESS)
    ap.add_argument("--out", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        _child(args)
        return
    n = args.points_per_key ** 2
    where = f"local Dask cluster ({args.cluster})" if args.cluster else "serial vs local worker processes"
    print(f"{n} points, one-month horizon at {args.resolution}; {where}; {os.cpu_count()} cores")
    print("repeat  load (1, 5, 15 min)   T1 sweep  T2 sweep  eff | T1 proc  T2 proc  eff | busy 1/2 [s] | "
          "CPU 1/2 [s] | cpu check | start-up, bound")
    effs, peffs, bounds, shas = [], [], [], set()
    for r in range(args.repeats):
        waited = _wait_quiet(args.wait_quiet)
        load = _load()
        cpu = _cpu_efficiency()
        res = {}
        with tempfile.TemporaryDirectory() as tmp:
            for jobs in ((1, 2) if r % 2 == 0 else (2, 1)):
                res[jobs] = _measure(jobs, args, Path(tmp) / f"w{jobs}")
        cpu = min(cpu, _cpu_efficiency())
        shas |= {res[1]["sha"], res[2]["sha"]}
        eff = res[1]["sweep_s"] / res[2]["sweep_s"] / 2
        peff = res[1]["process_s"] / res[2]["process_s"] / 2
        # the workers' start-up (imports, shared inputs) is work the serial run does too, once:
        # with the points after it perfectly shared, the efficiency would be at most this
        start = res[2]["start_s"]
        bounds.append(res[1]["sweep_s"] / (2 * (start + max(res[1]["sweep_s"] - start, 0) / 2)))
        effs.append(eff)
        peffs.append(peff)
        print(f"{r + 1:>6}  {load:<20}  {res[1]['sweep_s']:7.2f}s  {res[2]['sweep_s']:7.2f}s  {eff:.2f} | "
              f"{res[1]['process_s']:6.2f}s  {res[2]['process_s']:6.2f}s  {peff:.2f} | "
              f"{res[1]['busy_s']:5.1f} {res[2]['busy_s']:5.1f}  | {res[1]['cpu_s']:5.1f} {res[2]['cpu_s']:5.1f} | "
              f"{cpu:.2f} | {start:4.2f}s {bounds[-1]:.2f}{waited}", flush=True)
    assert len(shas) == 1, "sweep.csv differs between runs"
    print(f"median scaling efficiency at 2 workers: {statistics.median(effs):.2f} (sweep call), "
          f"{statistics.median(peffs):.2f} (whole process), bound {statistics.median(bounds):.2f}; sweep.csv identical in all {2 * args.repeats} runs; "
          f"load after: {_load()}")


if __name__ == "__main__":
    main()
