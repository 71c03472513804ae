"""Timed full-year run of the dispatch MILP on synthetic Chancay-like inputs.

Not part of the test suite. Builds a year (hourly by default) with PV, wind, a
battery, ToU prices, about 250 vessel calls (24-48 h windows, 3-4 of 6 STS
cranes, 1,500-4,000 moves), one yard housekeeping job per day (pool of 15 ARMG)
and two truck-charging windows per day, then runs :func:`energy.solve.optimise`
and prints build / translate / solve / extract seconds, model size and peak memory.

Usage::

    /tmp/venv/bin/python benchmarks/bench_dispatch_synthetic.py [--freq 1h] [--days 365]
        [--gap 1e-3] [--export [--export-price 0.03]] [--threads N] [--repeat 1] [--verbose]

Measured on the 2-core development machine (HiGHS 1.16, Pyomo 6.10.1; seconds;
"translate" is Pyomo -> HiGHS arrays, first run of a process +0.35 s of imports):

========================  ======  =====  =====  =========  =====  =======  ====  ========
case                      steps   cols   ints   build      trans  HiGHS    extr  peak RSS
========================  ======  =====  =====  =========  =====  =======  ====  ========
year, 1 h (default)       8,760   94k    17.7k  0.26-0.28  0.36   2.1-2.3  0.02  0.50 GB
year, 1 h, --export       8,760   103k   17.7k  0.27       0.36   1.85     0.02  0.49 GB
year, 15 min              35,040  379k   71.6k  1.07       1.98   33.0     0.07  1.6 GB
========================  ======  =====  =====  =========  =====  =======  ====  ========

All reach gap ~1e-6 with no mode-binary round (prices positive, export cheaper
than import). ``--export --export-price 0.07`` (export dearer than off-peak
import in most hours) is the pathological case: thousands of mode binaries,
~2 min per round for a year.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time

import numpy as np
import pandas as pd

from energy.inputs import BatteryParams, GridParams, Inputs, TariffParams
from energy.jobs import CraneJob, TruckWindow
from energy.timegrid import step_hours

TZ = "America/Lima"


def synthetic_inputs(
    days: int = 365,
    freq: str = "1h",
    *,
    seed: int = 7,
    export: bool = False,
    export_price: float = 0.03,
    start: str = "2025-01-01",
) -> Inputs:
    """Chancay-like synthetic inputs for ``days`` days at step ``freq``.

    Parameters
    ----------
    days : int
        Horizon length. [d]
    freq : str
        Step length (pandas offset alias).
    seed : int
        Seed of the random generator (inputs are reproducible).
    export : bool
        Allow 5 MW of export.
    export_price : float
        Export price when ``export``; above the off-peak import price (0.063) the
        relaxation imports to export, which exercises the mode-binary rounds. [USD/kWh]
    """
    rng = np.random.default_rng(seed)
    t0 = pd.Timestamp(start, tz=TZ)
    end = t0 + pd.Timedelta(days=days)
    index = pd.date_range(t0, end, freq=freq, inclusive="left")
    dt = step_hours(index, end)
    hour = index.hour.to_numpy() + index.minute.to_numpy() / 60.0
    doy = index.day_of_year.to_numpy()
    n = len(index)

    # Fixed load: base + reefers, daily shape and noise. [kW]
    load = 3000 + 600 * np.sin((hour - 9) / 24 * 2 * np.pi) + rng.normal(0, 150, n)
    load = np.clip(load, 1500, None)
    # PV 6 MWp: daylight bell scaled by season and daily cloudiness. [kW]
    day_cloud = rng.uniform(0.35, 1.0, days + 1)[doy - doy[0]]
    season = 0.75 + 0.25 * np.cos((doy - 15) / 365 * 2 * np.pi)
    bell = np.clip(np.sin((hour - 6) / 12 * np.pi), 0, None)
    pv = 6000 * 0.8 * bell * season * day_cloud
    # Wind 2 x 2.3 MW, sea breeze peaking in the afternoon. [kW]
    speed = np.clip(
        3.8 + 1.8 * np.sin((hour - 11) / 24 * 2 * np.pi) + rng.normal(0, 1.2, n), 0, None
    )
    wind = 4600 * np.clip((speed - 2.5) / (12 - 2.5), 0, 1) ** 3 * 3.0
    wind = np.clip(wind, 0, 4600)
    is_peak = (hour >= 18) & (hour < 23)
    series = pd.DataFrame(
        {
            "fixed_load_kw": load,
            "pv_available_kw": pv,
            "wind_available_kw": wind,
            "import_price_usd_per_kwh": np.where(is_peak, 0.074, 0.063),
            "export_price_usd_per_kwh": np.full(n, export_price if export else 0.0),
            "grid_emission_kg_per_kwh": np.full(n, 0.186),
            "is_peak": is_peak,
        },
        index=index,
    )

    # ~250 vessel calls a year on 2 container berths, each berth sequential.
    jobs = []
    calls = round(250 * days / 365)
    per_berth = [calls // 2 + calls % 2, calls // 2]
    for berth, count in enumerate(per_berth):
        if count == 0:
            continue
        slot_h = days * 24 / count
        for i in range(count):
            hours = int(rng.integers(24, 49))
            slack = max(0.0, slot_h - hours)
            arrive = t0 + pd.Timedelta(hours=int(i * slot_h + rng.uniform(0, slack)) + berth * 7)
            depart = min(arrive + pd.Timedelta(hours=hours), end)
            k = int(rng.integers(3, 5))
            rho = 25.0
            h = (depart - arrive) / pd.Timedelta(hours=1)
            moves = float(min(rng.integers(1500, 4001), int(0.6 * rho * k * h)))
            jobs.append(
                CraneJob(
                    name=f"vessel_b{berth}_{i:03d}",
                    pool="sts",
                    start=arrive,
                    end=depart,
                    moves=moves,
                    max_cranes=k,
                    moves_per_crane_hour=rho,
                    energy_kwh_per_move=8.0,
                    kind="vessel",
                )
            )
    # Yard housekeeping: one job per day.
    for dday in range(days):
        s = t0 + pd.Timedelta(days=dday)
        jobs.append(
            CraneJob(
                name=f"yard_{s.date()}",
                pool="armg",
                start=s,
                end=s + pd.Timedelta(days=1),
                moves=float(rng.integers(1500, 3000)),
                max_cranes=12,
                moves_per_crane_hour=20.0,
                energy_kwh_per_move=15.0,
                kind="yard",
            )
        )
    # Trucks: midday and night windows every day.
    trucks = []
    for dday in range(days):
        s = t0 + pd.Timedelta(days=dday)
        trucks.append(
            TruckWindow(
                f"trucks_noon_{s.date()}",
                s + pd.Timedelta(hours=11),
                s + pd.Timedelta(hours=15),
                3000.0,
            )
        )
        trucks.append(
            TruckWindow(
                f"trucks_night_{s.date()}",
                s + pd.Timedelta(hours=22),
                min(s + pd.Timedelta(hours=30), end),
                6000.0,
            )
        )
    return Inputs(
        series=series,
        dt_h=dt,
        horizon_end=end,
        battery=BatteryParams(
            energy_kwh=8000.0,
            charge_power_kw=4000.0,
            discharge_power_kw=4000.0,
            wear_cost_usd_per_kwh=0.01,
        ),
        grid=GridParams(import_limit_kw=20000.0, export_limit_kw=5000.0 if export else 0.0),
        tariff=TariffParams(16.4, 4.0),
        crane_pools={"sts": 6, "armg": 15},
        crane_jobs=jobs,
        truck_charger_kw=3000.0,
        truck_windows=trucks,
        value_of_lost_load_usd_per_kwh=10.0,
        carbon_price_usd_per_kg=0.0,
        meta={"model": "synthetic"},
    )


def main(argv=None) -> int:
    from energy.optimise.optimise import optimise

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--days", type=int, default=365)
    p.add_argument("--freq", default="1h")
    p.add_argument("--gap", type=float, default=None, help="relative MIP gap (default: solve's)")
    p.add_argument("--threads", type=int, default=None)
    p.add_argument("--export", action="store_true", help="allow 5 MW of export")
    p.add_argument("--export-price", type=float, default=0.03, help="USD/kWh (with --export)")
    p.add_argument("--repeat", type=int, default=1)
    p.add_argument("--verbose", action="store_true")
    a = p.parse_args(argv)

    t = time.perf_counter()
    inputs = synthetic_inputs(a.days, a.freq, export=a.export, export_price=a.export_price)
    print(
        f"inputs: {len(inputs.series)} steps, {len(inputs.crane_jobs)} crane jobs, "
        f"{len(inputs.truck_windows)} truck windows ({time.perf_counter() - t:.2f} s)"
    )
    opts = {"verbose": a.verbose, "threads": a.threads}
    if a.gap is not None:
        opts["mip_gap"] = a.gap
    for r in range(a.repeat):
        t = time.perf_counter()
        res = optimise(inputs, **opts)
        wall = time.perf_counter() - t
        k = res.kpis
        print(
            f"run {r + 1}: status={k['status']} cost={k['total_cost_usd']:.2f} USD "
            f"(solver objective {k['objective_usd']:.2f}) "
            f"gap={k['mip_gap']:.2e} build={k['build_s']:.2f}s translate={k['translate_s']:.2f}s "
            f"solve={k['solve_s']:.2f}s "
            f"extract={k['extract_s']:.2f}s wall={wall:.2f}s rounds={k['mode_binary_rounds']} "
            f"vars={k['n_variables']} ints={k['n_integer']}"
        )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (max RSS): {peak_mb:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
