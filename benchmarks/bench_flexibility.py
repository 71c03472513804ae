"""Value of the port's flexibility (issue 16): reefers as thermal storage and crane scheduling.

Runs the bundled model (a year, hourly, unless --start/--end say otherwise) four ways on two
tariffs and prints what each kind of flexibility saves against the baseline
"thermostat reefers + as-soon-as-possible cranes" (``loads.reefers.mode = "thermostat"``,
``flexibility.mode = "inflexible"``):

==========================  ===================  ====================
case                        reefers              cranes, yard, trucks
==========================  ===================  ====================
baseline                    thermostat           inflexible
reefers                     optimised            inflexible
cranes                      thermostat           optimised
both                        optimised            optimised
==========================  ===================  ====================

Tariffs: the Peru time-of-use tariff of the model file, and a spot-price variant: the same
capacity charges with an hourly energy price of a synthetic COES-like shape (see
:func:`spot_prices_usd_per_mwh`; not market data). Then a shore-power pair on the Peru tariff
(everything optimised, with and without shore power at both container berths): the energy
supplied, the peak import and capacity charge it adds and the CO2 it avoids.

    python benchmarks/bench_flexibility.py [--start 2025-01-01 --end 2026-01-01] [--csv out.csv]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from energy.build import build_inputs
from energy.config import load_config
from energy.optimise.optimise import optimise

MODEL = Path(__file__).resolve().parents[1] / "models" / "chancay.toml"
CASES = {
    "baseline": ("thermostat", "inflexible"),
    "reefers": ("optimised", "inflexible"),
    "cranes": ("thermostat", "optimised"),
    "both": ("optimised", "optimised"),
}
KEYS = ["total_cost_usd", "energy_cost_usd", "capacity_charge_usd", "peak_import_kw", "max_import_kw",
        "grid_import_mwh", "reefer_energy_mwh", "reefer_band_violations", "status", "solve_s"]


def spot_prices_usd_per_mwh(index: pd.DatetimeIndex, seed: int = 16) -> np.ndarray:
    """A synthetic COES-like hourly spot price [USD/MWh] (DESIGN.md: usually 20-60, dry-season highs).

    Night 30, midday 24 (solar in the north), evening 18-23 h 58; +12 in the dry season
    (June-November, less hydro); seeded log-normal day-to-day noise (sigma 0.15). Not market data.
    """
    h = index.hour.to_numpy()
    shape = np.where((h >= 18) & (h < 23), 58.0, np.where((h >= 10) & (h < 16), 24.0, 30.0))
    dry = np.isin(index.month.to_numpy(), [6, 7, 8, 9, 10, 11]) * 12.0
    rng = np.random.default_rng(seed)
    days = (index.normalize() - index[0].normalize()).days.to_numpy()
    noise = np.exp(rng.normal(0.0, 0.15, days.max() + 1))[days]
    return (shape + dry) * noise


def _spot_file(folder: Path, horizon: dict) -> dict:
    cfg = load_config(MODEL, None, {"horizon": horizon} if horizon else {})
    idx = cfg.index()
    path = folder / "spot_prices.csv"
    pd.DataFrame({"timestamp": [t.isoformat() for t in idx], "value": spot_prices_usd_per_mwh(idx)}).to_csv(
        path, index=False)
    return {"import_price_file": {"file": str(path), "units": "USD/MWh"}}


def solve(overrides: dict, cache: dict) -> dict:
    cfg = load_config(MODEL, None, overrides)
    r = optimise(build_inputs(cfg, cache))
    return {k: r.kpis.get(k) for k in KEYS} | {k: v for k, v in r.kpis.items() if "shore" in k or "diesel" in k}


def flexibility_table(horizon: dict, tariffs: dict, cache: dict) -> pd.DataFrame:
    rows = []
    for tariff, t_over in tariffs.items():
        for case, (reefers, cranes) in CASES.items():
            over = {"loads": {"reefers": {"mode": reefers}}, "flexibility": {"mode": cranes}}
            if horizon:
                over["horizon"] = horizon
            if t_over:
                over["tariff"] = t_over
            t0 = time.perf_counter()
            k = solve(over, cache)
            rows.append({"tariff": tariff, "case": case, "reefers": reefers, "cranes": cranes, **k,
                         "wall_s": time.perf_counter() - t0})
            print(f"  {tariff:5s} {case:8s} {k['total_cost_usd']:>14,.0f} USD  peak {k['peak_import_kw']:>8,.0f} kW"
                  f"  band violations {k['reefer_band_violations']}  ({rows[-1]['wall_s']:.1f} s)", flush=True)
    df = pd.DataFrame(rows)
    base = df[df["case"] == "baseline"].set_index("tariff")
    df["saving_usd"] = df["tariff"].map(base["total_cost_usd"]) - df["total_cost_usd"]
    df["saving_pct"] = 100.0 * df["saving_usd"] / df["tariff"].map(base["total_cost_usd"])
    df["peak_reduction_kw"] = df["tariff"].map(base["peak_import_kw"]) - df["peak_import_kw"]
    df["max_import_reduction_kw"] = df["tariff"].map(base["max_import_kw"]) - df["max_import_kw"]
    return df


def shore_power_pair(horizon: dict, cache: dict) -> dict:
    over = {"loads": {"reefers": {"mode": "optimised"}}}
    if horizon:
        over["horizon"] = horizon
    without = solve(over, cache)
    with_sp = solve(over | {"shore_power": {"connections": 2}}, cache)
    return {
        "shore_power_mwh": with_sp["shore_power_mwh"],
        "peak_import_added_kw": with_sp["peak_import_kw"] - without["peak_import_kw"],
        "max_import_added_kw": with_sp["max_import_kw"] - without["max_import_kw"],
        "capacity_charge_added_usd": with_sp["capacity_charge_usd"] - without["capacity_charge_usd"],
        "capacity_charge_attributed_usd": with_sp["shore_power_capacity_charge_usd"],
        "energy_cost_added_usd": with_sp["energy_cost_usd"] - without["energy_cost_usd"],
        "total_cost_added_usd": with_sp["total_cost_usd"] - without["total_cost_usd"],
        "ship_diesel_co2_avoided_t": with_sp["ship_diesel_co2_avoided_t"],
        "shore_power_grid_co2_t": with_sp["shore_power_grid_co2_t"],
        "shore_power_net_co2_avoided_t": with_sp["shore_power_net_co2_avoided_t"],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--start")
    ap.add_argument("--end")
    ap.add_argument("--csv", help="write the flexibility table here")
    args = ap.parse_args()
    horizon = {k: v for k, v in {"start": args.start, "end": args.end}.items() if v}
    cache: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        tariffs = {"peru": {}, "spot": _spot_file(Path(tmp), horizon)}
        df = flexibility_table(horizon, tariffs, cache)
    cols = ["tariff", "case", "total_cost_usd", "saving_usd", "saving_pct", "capacity_charge_usd",
            "peak_import_kw", "peak_reduction_kw", "max_import_reduction_kw", "reefer_band_violations",
            "status", "solve_s"]
    print(df[cols].to_string(index=False, float_format=lambda v: f"{v:,.1f}"))
    if args.csv:
        df.to_csv(args.csv, index=False)
    sp = shore_power_pair(horizon, cache)
    print("shore power at both container berths (Peru tariff, everything optimised):")
    for k, v in sp.items():
        print(f"  {k:34s} {v:>14,.1f}")


if __name__ == "__main__":
    main()
