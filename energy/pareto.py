"""The cost-emissions trade-off of one scenario: :func:`pareto`.

``energy.pareto("models/chancay.toml", points=10)`` solves the front of the base
scenario (:func:`energy.optimise.front.solve_front`: the cost-minimal end, the
lexicographic emission-minimal end and ``points - 2`` epsilon-constraint points, all on
one compiled model, never by shedding load) and writes
``reports/<model>/<scenario>/pareto/``:

- ``pareto.csv``: one row per point, from the cost-minimal to the emission-minimal end:
  ``point``, ``kind``, ``cap_tco2``, ``total_cost_usd``, ``emissions_tco2`` (under the
  decision factor, ``emissions.factor``), ``emissions_average_tco2``,
  ``emissions_marginal_tco2``, ``abatement_cost_usd_per_t`` (extra cost per tonne
  avoided against the previous point), the main KPIs, the sizes (``pv_kwp``,
  ``wind_kw``, ``battery_kwh``, ``battery_kw``; with ``size=True`` each point's chosen
  sizes and ``investment_usd``, the cost then being investment + operation) and the
  point's solver status, gap (``mip_gap``), what proves the gap (``gap_proof``:
  ``lp_relaxation`` when the point's repaired solution is within the MIP gap of its
  LP relaxation, ``branch_and_bound`` when HiGHS's MILP closed it) and time;
- ``pareto.png`` (cost against emissions, abatement cost per segment) and
  ``pareto.html`` (self-contained).

The folder is written atomically (staged, then renamed into place); an existing one
is replaced only with ``overwrite=True``. No Pyomo here.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from energy.build import build_inputs
from energy.config import Config, load_config
from energy.errors import EnergyError
from energy.report import files
from energy.runner import horizon_overrides, model_reports_dir
from energy.wind import nominal_power_kw

__all__ = ["PARETO_KPIS", "ParetoResult", "abatement_costs", "pareto", "pareto_table"]

#: KPIs of each point carried into ``pareto.csv`` (after cost and emissions).
PARETO_KPIS = (
    "energy_cost_usd", "capacity_charge_usd", "battery_wear_usd", "carbon_cost_usd", "unserved_cost_usd",
    "grid_import_mwh", "grid_export_mwh", "peak_import_kw", "max_import_kw", "renewable_share",
    "self_consumption", "pv_curtailment_mwh", "wind_curtailment_mwh", "battery_cycles", "unserved_mwh",
)


@dataclass
class ParetoResult:
    """A solved front: the table, where it was written and how long it took.

    Attributes
    ----------
    table : pandas.DataFrame
        :func:`pareto_table` of the points.
    folder : Path or None
        ``<out>/<model>/<scenario>/pareto`` (None when not written).
    timings : dict
        ``inputs_s``, ``build_s``, ``translate_s``, ``solve_s``, ``extract_s``, ``total_s``. [s]
    config : energy.config.Config
    """

    table: pd.DataFrame
    folder: Path | None
    timings: dict = field(default_factory=dict)
    config: Config | None = None


def abatement_costs(cost_usd, emissions_t) -> np.ndarray:
    """Extra cost per tonne avoided between neighbouring points. [USD/tCO2]

    ``a[i] = (cost[i] - cost[i-1]) / (emissions[i-1] - emissions[i])``; NaN for the
    first point and where emissions do not fall (less than 1 kg).
    """
    c = np.asarray(cost_usd, dtype=float)
    e = np.asarray(emissions_t, dtype=float)
    out = np.full(len(c), np.nan)
    de = e[:-1] - e[1:]
    ok = de > 1e-3
    out[1:][ok] = (c[1:] - c[:-1])[ok] / de[ok]
    return out


def _sizes(cfg: Config, inputs) -> dict:
    wind_kw = sum(u.count * nominal_power_kw(u.turbine_type) for u in cfg.wind.values() if u.count)
    b = inputs.battery if inputs.has_battery else None
    return {
        "pv_kwp": float(sum(a.capacity_kwp for a in cfg.pv.values())),
        "wind_kw": wind_kw,
        "battery_kwh": float(b.energy_kwh) if b else 0.0,
        "battery_kw": float(max(b.charge_power_kw, b.discharge_power_kw)) if b else 0.0,
    }


def _size_columns(sizes: dict) -> dict:
    """Chosen sizes as columns: ``pv_<name>_kwp``, ``wind_<name>_turbines``, ``battery_kwh``, ``battery_kw``."""
    out = {}
    for key, v in sizes.items():
        if key.startswith("pv."):
            out[f"pv_{key[3:]}_kwp"] = v
        elif key.startswith("wind."):
            out[f"wind_{key[5:]}_turbines"] = v
        else:
            out[key] = v
    return out


def pareto_table(points, sizes: dict) -> pd.DataFrame:
    """One row per front point (a list of :class:`energy.optimise.front.FrontPoint`).

    ``sizes`` are the fixed sizes of the model; a sizing front adds each point's chosen
    sizes (:func:`_size_columns`) and ``investment_usd``.
    """
    rows = []
    for i, p in enumerate(points):
        k = p.kpis
        row = {"point": i + 1, "kind": p.kind,
               "cap_tco2": math.nan if p.cap_kg is None else p.cap_kg / 1000.0,
               "total_cost_usd": k["total_cost_usd"], "emissions_tco2": k["emissions_tco2"],
               "emissions_average_tco2": k.get("emissions_average_tco2", math.nan),
               "emissions_marginal_tco2": k.get("emissions_marginal_tco2", math.nan)}
        row.update({key: k.get(key, math.nan) for key in PARETO_KPIS})
        if "investment_usd" in k:
            row["investment_usd"] = k["investment_usd"]
        row.update(sizes)
        row.update(_size_columns(p.sizes))
        row.update({"status": k.get("status"), "mip_gap": k.get("mip_gap"), "gap_proof": k.get("gap_proof", ""),
                    "solve_s": p.solve_s})
        rows.append(row)
    df = pd.DataFrame(rows)
    df.insert(5, "abatement_cost_usd_per_t", abatement_costs(df["total_cost_usd"], df["emissions_tco2"]))
    return df


def _sized_inputs(cfg: Config):
    from energy.sizing import sized_assets, sizing_inputs

    pv, wind, battery = sized_assets(cfg)
    if not (pv or wind or battery):
        raise EnergyError(f"{cfg.where}: pareto --size: no asset "
                          "has sizing bounds; expected pv.NAME.max_kwp, wind.NAME.max_count or "
                          "battery.energy_kwh_max and power_kw_max")
    return sizing_inputs(cfg)


def pareto(model: str | Path, scenario: str | None = None, *, points: int = 10, size: bool = False,
           out: str | Path | None = None, start=None, end=None, resolution=None,
           time_limit_s: float | None = None, mip_gap: float | None = None, threads: int | None = None,
           overwrite: bool = False, plots: bool = True, write: bool = True, progress=None,
           overrides: dict | None = None) -> ParetoResult:
    """Solve and write the cost-emissions front of one scenario.

    Parameters
    ----------
    model, scenario, out, start, end, resolution, time_limit_s, mip_gap, threads, overwrite
        As in :func:`energy.run` (``time_limit_s`` applies to each solve).
    points : int
        Points of the front, both ends included (>= 2).
    size : bool
        Choose the sizes of the assets with sizing bounds (:mod:`energy.sizing`) at each
        point: the front is then over investment (annualised capex + fixed O&M,
        prorated to the horizon) + operation, and ``pareto.csv`` carries each point's
        sizes and ``investment_usd``. The points' dispatch tables are not extracted.
    plots : bool
        Write ``pareto.png`` and ``pareto.html`` besides ``pareto.csv``.
    overrides : dict, optional
        Model keys set after the scenario (``--set``), validated like the file.

    Raises
    ------
    energy.errors.EnergyError
        Bad input, ``points`` < 2, ``size`` without sizing bounds, or a refused overwrite
        (before solving).
    energy.errors.SolveError
        A point without a usable solution.
    """
    from energy.optimise.front import solve_front

    if int(points) != points or points < 2:
        raise EnergyError(f"pareto: points: expected a whole number >= 2, found {points!r}")
    t0 = time.perf_counter()
    cfg = load_config(model, scenario, horizon_overrides(start, end, resolution, overrides=overrides))
    folder = model_reports_dir(cfg, out) / cfg.scenario / "pareto" if write else None
    if folder is not None:
        files.check_writable(folder, overwrite)
    if progress:
        progress("building")
    inputs = _sized_inputs(cfg) if size else build_inputs(cfg)
    inputs_s = time.perf_counter() - t0
    S = cfg.solver
    front, timings = solve_front(
        inputs, int(points),
        time_limit_s=time_limit_s if time_limit_s is not None else S.time_limit_s,
        mip_gap=mip_gap if mip_gap is not None else S.mip_gap,
        threads=threads if threads is not None else S.threads, progress=progress)
    table = pareto_table(front, _sizes(cfg, inputs))
    timings["inputs_s"] = inputs_s
    if folder is not None:
        from energy.report.pareto import write_pareto

        write_pareto(folder, table, model_name=cfg.model.name, scenario=cfg.scenario,
                     factor=inputs.meta.get("sources", {}).get("emission factor", ""),
                     overwrite=overwrite, plots=plots)
    timings["total_s"] = time.perf_counter() - t0
    return ParetoResult(table, folder, timings, cfg)
