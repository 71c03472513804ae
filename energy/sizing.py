"""What should the port build: asset sizes chosen together with the dispatch and the port's work.

:func:`size` reads the sizing bounds of the model file (``[pv.NAME] min_kwp/max_kwp``,
``[wind.NAME] min_count/max_count``, ``[battery] energy_kwh_min/max, power_kw_min/max``),
builds one dispatch MILP whose PV kWp, wind turbines and battery kWh and kW are
variables (:func:`energy.optimise.optimise.optimise_sizes`), minimising the annualised
capital cost + fixed O&M (prorated to the horizon) + the operating bill (+ carbon), and
then runs the model at the chosen sizes (:func:`energy.runner.run`: dispatch, economics
against business as usual, the run folder), written to ``<out>/<model>/sized/<scenario>/``.

Assets without a maximum, and existing ones, keep their size. PV profiles are made for
1000 kWp and scaled (PVWatts is linear in the DC capacity); wind for one turbine.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from energy.build import build_inputs, build_profiles
from energy.config import Config, config_from_dict, deep_merge, load_config, updated
from energy.economics import capital_recovery_factor
from energy.inputs import Inputs, SizedAsset, SizedBattery, Sizing
from energy.kpis import HOURS_PER_YEAR
from energy.report import files

#: The default relative MIP gap (the model file's ``[solver] mip_gap``).
DEFAULT_GAP = 1e-3

__all__ = ["PROFILE_KWP", "SizeResult", "apply_sizes", "size", "sized_assets", "sizing_inputs"]

#: PV profiles for sizing are computed for this DC capacity and divided by it. [kWp]
PROFILE_KWP = 1000.0

#: Sizes below this are taken as none (a solver's round-off). [kWp, kWh, kW]
SIZE_ZERO = 1e-3


def sized_assets(cfg: Config) -> tuple[list[str], list[str], bool]:
    """Names of the PV arrays and wind units that are sized, and whether the battery is."""
    pv = [n for n, a in cfg.pv.items() if a.max_kwp is not None and not a.existing]
    wind = [n for n, u in cfg.wind.items() if u.max_count is not None and not u.existing]
    b = cfg.battery
    battery = b.sized and not b.existing and _battery_bounds(cfg)[0][1] > 0 and _battery_bounds(cfg)[1][1] > 0
    return pv, wind, battery


def _battery_bounds(cfg: Config) -> tuple[tuple[float, float], tuple[float, float]]:
    b = cfg.battery
    p = max(b.charge_power_kw, b.discharge_power_kw)
    e_b = (b.energy_kwh_min or 0.0, b.energy_kwh_max) if b.energy_kwh_max is not None else (b.energy_kwh, b.energy_kwh)
    p_b = (b.power_kw_min or 0.0, b.power_kw_max) if b.power_kw_max is not None else (p, p)
    return e_b, p_b


def _unit_config(cfg: Config, pv: list[str], wind: list[str], battery: bool) -> Config:
    """The model with each sized PV array at :data:`PROFILE_KWP`, each sized wind unit at one
    turbine and a sized battery at its upper bounds (the profiles and limits of the sizing)."""
    unit = cfg.model_copy(deep=True)
    for n in pv:
        unit.pv[n].capacity_kwp = PROFILE_KWP
    for n in wind:
        unit.wind[n].count = 1
    if battery:
        (_, e_hi), (_, p_hi) = _battery_bounds(cfg)
        unit.battery = updated(unit.battery, energy_kwh=e_hi, charge_power_kw=p_hi, discharge_power_kw=p_hi)
    return unit


def sizing_inputs(cfg: Config, cache: dict | None = None) -> Inputs:
    """Optimisation inputs whose :attr:`~energy.inputs.Inputs.sizing` holds the model's sized assets.

    Each asset's cost per unit and year: CRF(discount rate, life) x capital cost, and the
    fixed O&M (battery: O&M share x capital cost), in USD/kWp/yr, USD/turbine/yr,
    USD/kWh/yr and USD/kW/yr.
    """
    from energy.appraisal import wind_unit_kw

    pv, wind, battery = sized_assets(cfg)
    unit = _unit_config(cfg, pv, wind, battery)
    prof = build_profiles(unit, cache)
    inputs = build_inputs(unit, cache, profiles=prof)
    s = inputs.series.copy()
    r = cfg.finance.discount_rate
    assets = []
    for n in pv:
        a = cfg.pv[n]
        assets.append(SizedAsset(f"pv.{n}", "pv", s[f"pv_{n}_kw"].to_numpy(dtype=float) / PROFILE_KWP,
                                 a.min_kwp or 0.0, a.max_kwp,
                                 capital_recovery_factor(r, a.lifetime_years) * a.capex_usd_per_kwp,
                                 a.om_usd_per_kwp_year))
    for n in wind:
        u, kw = cfg.wind[n], wind_unit_kw(cfg.wind[n].turbine_type)
        assets.append(SizedAsset(f"wind.{n}", "wind", s[f"wind_{n}_kw"].to_numpy(dtype=float), u.min_count,
                                 u.max_count, capital_recovery_factor(r, u.lifetime_years) * kw * u.capex_usd_per_kw,
                                 kw * u.om_usd_per_kw_year, integer=True))
    s["pv_available_kw"] = sum((s[f"pv_{n}_kw"] for n, a in unit.pv.items()
                                if n not in pv and a.capacity_kwp > 0), np.zeros(len(s)))
    s["wind_available_kw"] = sum((s[f"wind_{n}_kw"] for n, u in unit.wind.items()
                                  if n not in wind and u.count > 0), np.zeros(len(s)))
    sb = None
    if battery:
        b = cfg.battery
        crf = capital_recovery_factor(r, b.lifetime_years)
        e_b, p_b = _battery_bounds(cfg)
        sb = SizedBattery(e_b, p_b, crf * b.capex_usd_per_kwh, crf * b.capex_usd_per_kw,
                          b.om_fraction_of_capex_per_year * b.capex_usd_per_kwh,
                          b.om_fraction_of_capex_per_year * b.capex_usd_per_kw)
    return dataclasses.replace(inputs, series=s, sizing=Sizing(assets=assets, battery=sb))


def apply_sizes(cfg: Config, sizes: dict) -> Config:
    """The model at the chosen sizes (a battery below :data:`SIZE_ZERO` kWh or kW: none)."""
    out = cfg.model_copy(deep=True)
    for name, v in sizes.items():
        kind, _, key = name.partition(".")
        if kind == "pv":
            out.pv[key].capacity_kwp = v if v >= SIZE_ZERO else 0.0
        elif kind == "wind":
            out.wind[key].count = int(round(v))
    if "battery_kwh" in sizes:
        e, p = sizes["battery_kwh"], sizes["battery_kw"]
        if e < SIZE_ZERO or p < SIZE_ZERO:
            e = p = 0.0
        out.battery = updated(out.battery, energy_kwh=e, charge_power_kw=p, discharge_power_kw=p)
    return out


def bound_notes(cfg: Config, sizes: dict) -> list[str]:
    """Sizes at a bound, with the reason: at the minimum it does not pay; at the maximum more would."""
    bounds = {f"pv.{n}": (a.min_kwp or 0.0, a.max_kwp, "kWp", "max_kwp") for n, a in cfg.pv.items()}
    bounds |= {f"wind.{n}": (u.min_count, u.max_count, "turbines", "max_count") for n, u in cfg.wind.items()}
    (e_lo, e_hi), (p_lo, p_hi) = _battery_bounds(cfg)
    bounds |= {"battery_kwh": (e_lo, e_hi, "kWh", "energy_kwh_max"), "battery_kw": (p_lo, p_hi, "kW", "power_kw_max")}
    notes = []
    for name, v in sizes.items():
        lo, hi, unit, key = bounds[name]
        tol = max(1e-6, 1e-6 * abs(hi or 0.0))
        if hi is not None and v >= hi - tol and hi > lo:
            notes.append(f"{name} = {v:,.0f} {unit} is at its upper bound ({key}): more would pay, "
                         "the bound (space, connection) decides")
        elif v <= lo + tol and hi is not None and hi > lo:
            notes.append(f"{name} = {v:,.0f} {unit} is at its lower bound: more does not pay at its cost")
    return notes


@dataclass
class SizeResult:
    """A sizing: the chosen sizes, the sizing solve's figures and the run at those sizes.

    Attributes
    ----------
    sizes : dict
        ``pv.<array>`` [kWp], ``wind.<name>`` [turbines], ``battery_kwh``, ``battery_kw``.
    figures : dict
        The sizing solve (:func:`energy.optimise.optimise.optimise_sizes`).
    run : energy.runner.RunResult
        The run at the chosen sizes; its KPIs hold the sizes, economics and the
        flexibility figures.
    inflexible : dict or None
        Sizes and figures of the sizing with inflexible work, when asked for.
    """

    sizes: dict
    figures: dict
    run: object
    inflexible: dict | None = None

    @property
    def kpis(self) -> dict:
        return self.run.kpis


def _solver_options(cfg: Config, time_limit_s, mip_gap, threads) -> dict:
    S = cfg.solver
    return {"time_limit_s": time_limit_s if time_limit_s is not None else S.time_limit_s,
            "mip_gap": mip_gap if mip_gap is not None else S.mip_gap,
            "threads": threads if threads is not None else S.threads}


def _sizing_kpis(prefix: str, cfg: Config, sizes: dict, figures: dict, hours: float) -> dict:
    sized = apply_sizes(cfg, sizes)
    out = {
        f"{prefix}pv_kwp": float(sum(a.capacity_kwp for a in sized.pv.values())),
        f"{prefix}wind_units": int(sum(u.count for u in sized.wind.values())),
        f"{prefix}battery_kwh": float(sized.battery.energy_kwh),
        f"{prefix}battery_kw": float(sized.battery.charge_power_kw),
        f"{prefix}sizing_status": figures["status"],
        f"{prefix}sizing_mip_gap": figures["proven_gap"],
        f"{prefix}sizing_method": figures["method"],
        f"{prefix}sizing_objective_usd": figures["cost_usd"],
        f"{prefix}sizing_annual_cost_usd": figures["cost_usd"] * HOURS_PER_YEAR / hours,
    }
    return out


def size(model: str | Path, scenario: str | None = None, *, out: str | Path | None = None, start=None,
         end=None, resolution=None, time_limit_s: float | None = None, mip_gap: float | None = None,
         threads: int | None = None, overwrite: bool = False, plots: bool = True, write: bool = True,
         inflexible: bool = False, flexibility_value: bool = False, cache: dict | None = None,
         progress=None, overrides: dict | None = None, config: Config | None = None) -> SizeResult:
    """Choose PV kWp, wind turbines and battery kWh and kW with the dispatch; run at those sizes.

    Parameters
    ----------
    model, scenario, out, start, end, resolution, time_limit_s, mip_gap, threads, overwrite, plots
        As for :func:`energy.runner.run`.
    overrides : dict, optional
        Model keys set after the scenario (``--set``), validated like the file.
    config : Config, optional
        An already resolved model (a sweep point sent to a worker); replaces loading ``model``.
    write : bool
        Write ``<out>/<model>/sized/<scenario>/`` (``.../inflexible/sized/...`` with inflexible work).
    inflexible : bool
        Size with inflexible work (``[flexibility] mode = "inflexible"``).
    flexibility_value : bool
        Also size with inflexible work and report what the port's scheduling is worth:
        ``flexibility_value_usd_per_year`` (annual cost with inflexible work minus with
        optimised work, both at their own optimal sizes) and ``flexibility_battery_kwh``
        (battery energy the inflexible port would need beyond the flexible one).
    progress : energy.progress.Progress or callable, optional
        Told the phases ``profiles``, ``size`` (the sizing solves and the run at the
        chosen sizes), ``size inflexible`` (with ``flexibility_value``), ``write``, ``plots``.

    Returns
    -------
    SizeResult

    Raises
    ------
    EnergyError
        Bad input or a refused overwrite (before any solving).
    SolveError
        No usable solution.
    """
    from energy.report.runfolder import write_run
    from energy.runner import horizon_overrides, model_reports_dir, size_check

    t0 = time.perf_counter()
    if progress:
        progress("profiles")
    cache = {} if cache is None else cache
    cfg = config if config is not None else load_config(
        model, scenario, horizon_overrides(start, end, resolution, inflexible, overrides))
    size_check(cfg)
    folder = files.safe_path(model_reports_dir(cfg, out), "sized", cfg.scenario) if write else None
    if folder is not None:
        files.check_writable(folder, overwrite)
    opts = _solver_options(cfg, time_limit_s, mip_gap, threads)
    inputs = sizing_inputs(cfg, cache)
    hours = float(np.sum(inputs.dt_h))
    if progress:
        progress("size")
    sizes, figures, rr = solve_sizing(model, cfg, inputs, opts, cache)
    k = rr.kpis
    k.update(_sizing_kpis("", cfg, sizes, figures, hours))
    k["sizing_notes"] = " | ".join(bound_notes(cfg, sizes))
    k["sizing_build_s"], k["sizing_solve_s"] = figures["build_s"], figures["solve_s"]
    k["sizing_operating_cost_usd"] = figures["cost_usd"] - investment_at(inputs, sizes)
    k["sizing_lower_bound_usd"] = figures["lower_bound_usd"]
    fixed = None
    if flexibility_value and not inflexible:
        if progress:
            progress("size inflexible")
        fcfg = config_from_dict(deep_merge(cfg.model_dump(mode="json"), {"flexibility": {"mode": "inflexible"}}),
                                path=cfg.path)
        fcfg.scenario = cfg.scenario
        f_sizes, f_fig, _ = solve_sizing(model, fcfg, sizing_inputs(fcfg, cache), opts, cache)
        fixed = {"sizes": f_sizes, "figures": f_fig}
        k.update(_sizing_kpis("inflexible_", fcfg, f_sizes, f_fig, hours))
        k["flexibility_value_usd_per_year"] = k["inflexible_sizing_annual_cost_usd"] - k["sizing_annual_cost_usd"]
        k["flexibility_battery_kwh"] = k["inflexible_battery_kwh"] - k["battery_kwh"]
    k["total_s"] = round(time.perf_counter() - t0, 3)
    if folder is not None:
        write_run(folder, dispatch=rr.results.dispatch, jobs=rr.results.jobs, kpis=k,
                  assumptions={**rr.assumptions, "sizing": {"sizes": sizes, "notes": k["sizing_notes"]}},
                  model=cfg.model.name, scenario=f"{cfg.scenario} (sized)", overwrite=overwrite, plots=plots,
                  cashflow=rr.cashflow, progress=progress, provenance=rr.provenance, calls=rr.calls())
        rr.folder = folder
    return SizeResult(sizes, figures, rr, fixed)


def investment_at(inputs: Inputs, sizes: dict) -> float:
    """Annualised capex + fixed O&M of ``sizes``, prorated to the horizon (the objective's terms). [USD]"""
    sz = inputs.sizing
    share = float(np.sum(inputs.dt_h)) / HOURS_PER_YEAR
    total = sum((a.capex_usd_per_unit_year + a.om_usd_per_unit_year) * sizes[a.name] for a in sz.assets)
    if sz.battery is not None:
        b = sz.battery
        total += (b.capex_usd_per_kwh_year + b.om_usd_per_kwh_year) * sizes["battery_kwh"]
        total += (b.capex_usd_per_kw_year + b.om_usd_per_kw_year) * sizes["battery_kw"]
    return share * total


def _with_assets(inputs: Inputs, change) -> Inputs:
    assets = [change(a) for a in inputs.sizing.assets]
    return dataclasses.replace(inputs, sizing=dataclasses.replace(inputs.sizing, assets=assets))


def _trials(inputs: Inputs, relaxed: Inputs, sizes: dict, opts: dict):
    """Whole-turbine candidates from the relaxed sizes: rounded to the nearest turbine first,
    then the relaxation re-solved with each turbine count fixed at its floor and ceiling."""
    frac = {a.name: sizes[a.name] for a in inputs.sizing.assets
            if a.integer and abs(sizes[a.name] - round(sizes[a.name])) > 1e-6}
    yield {k: (float(round(v)) if k in frac or k.startswith("wind.") else v) for k, v in sizes.items()}
    if not frac or len(frac) > 2:
        return
    import itertools

    for combo in itertools.product(*[(np.floor(v), np.ceil(v)) for v in frac.values()]):
        fixed = dict(zip(frac, (float(c) for c in combo), strict=True))
        trial = _with_assets(relaxed, lambda a, f=fixed: dataclasses.replace(a, lower=f[a.name], upper=f[a.name])
                             if a.name in f else a)
        yield optimise_sizes_of(trial, opts)[0]


def solve_sizing(model, cfg: Config, inputs: Inputs, opts: dict, cache: dict) -> tuple[dict, dict, object]:
    """Sizes within the MIP gap of the sizing MILP, and the run at those sizes.

    Exact to the gap and fast, like the mode-binary strategy of :mod:`energy.optimise.solve`:
    first the relaxation (crane counts and wind turbines continuous: an LP) is solved; its
    objective L is a lower bound of the sizing MILP. Candidate sizes with whole turbines
    (the relaxed sizes rounded, then the relaxation re-solved with the turbine counts fixed
    at floor and ceiling) are run with whole cranes: each run is a feasible point of the
    MILP of cost U = its bill + the sizes' prorated investment. The first candidate with
    (U - L) / U within the MIP gap is proven optimal to the gap (``sizing_method =
    "relaxation, proven"``); if none is, the full MILP is solved (``"full MILP"``).
    ``figures["proven_gap"]`` is the gap achieved, ``figures["cost_usd"]`` U.
    """
    from energy.runner import run

    relaxed = _with_assets(dataclasses.replace(inputs, integer_cranes=False),
                           lambda a: dataclasses.replace(a, integer=False))
    sizes0, figures = optimise_sizes_of(relaxed, opts)
    gap_of = figures["mip_gap"] if np.isfinite(figures["mip_gap"]) else 0.0
    lower = figures["objective_usd"] * (1.0 - gap_of)
    target = opts["mip_gap"] if opts["mip_gap"] is not None else DEFAULT_GAP
    best = None
    for sizes in _trials(inputs, relaxed, sizes0, opts):
        rr = run(model, config=apply_sizes(cfg, sizes), write=False, cache=cache, **opts)
        upper = rr.kpis["total_cost_usd"] + investment_at(inputs, sizes)
        if best is None or upper < best[0]:
            best = (upper, sizes, rr)
        if (best[0] - lower) / abs(best[0]) <= target:
            break
    upper, sizes, rr = best
    proven = max((upper - lower) / abs(upper), 0.0) if upper else 0.0
    if proven <= target:
        figures.update(method="relaxation, proven", proven_gap=proven, cost_usd=upper, lower_bound_usd=lower)
        return sizes, figures, rr
    sizes, figures = optimise_sizes_of(inputs, opts)
    rr = run(model, config=apply_sizes(cfg, sizes), write=False, cache=cache, **opts)
    upper = rr.kpis["total_cost_usd"] + investment_at(inputs, sizes)
    figures.update(method="full MILP", proven_gap=figures["mip_gap"], cost_usd=upper,
                   lower_bound_usd=figures["objective_usd"] * (1.0 - figures["mip_gap"]))
    return sizes, figures, rr


def optimise_sizes_of(inputs: Inputs, opts: dict) -> tuple[dict, dict]:
    """:func:`energy.optimise.optimise.optimise_sizes` with the run's solver options."""
    from energy.optimise.optimise import optimise_sizes

    return optimise_sizes(inputs, **opts)
