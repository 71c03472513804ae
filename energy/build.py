"""From a validated :class:`~energy.config.Config` to profiles and optimisation inputs.

``build_profiles`` makes every exogenous series on the model's time index
(weather, PV and wind power, fixed load, prices, emission factors);
``build_inputs`` adds the asset parameters and the flexible jobs and returns the
:class:`~energy.inputs.Inputs` the optimisation reads.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from energy import (
    emission_factors,
    loads,
    plausible,
    reefers,
    shorepower,
    solar,
    weather,
    weatherfile,
    wind,
)
from energy import jobs as jobs_mod
from energy.config import Config, horizon_bounds
from energy.config.schema import physics
from energy.errors import EnergyError, echo
from energy.inputs import BatteryParams, GridParams, Inputs, TariffParams
from energy.jobs import crane_limit_text, exceeds
from energy.timegrid import interval_edges, peak_mask, step_ends_ns, step_hours, whole_step_hours
from energy.timeseries import read_series_csv, read_vessel_calls

__all__ = ["Profiles", "build_inputs", "build_profiles", "build_weather", "vessel_calls"]


@dataclass
class Profiles:
    """Exogenous series on the model index, plus provenance notes."""

    series: pd.DataFrame
    end: pd.Timestamp
    notes: list[str] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)
    reefer_stores: list = field(default_factory=list)


def _weather_key(cfg: Config) -> str:
    return json.dumps(
        [cfg.site.model_dump(mode="json"), cfg.horizon.model_dump(mode="json"),
         cfg.weather.model_dump(mode="json"), str(cfg.folder)],
        sort_keys=True,
    )


def build_weather(cfg: Config, index: pd.DatetimeIndex, end: pd.Timestamp,
                  cache: dict | None = None) -> tuple[pd.DataFrame, str]:
    """Weather on the model index: synthetic or from the model's weather file."""
    key = _weather_key(cfg)
    if cache is not None and key in cache:
        return cache[key]
    w = cfg.weather
    if w.source == "synthetic":
        wx = weather.synthetic_weather(
            index, latitude=cfg.site.latitude, longitude=cfg.site.longitude,
            altitude_m=cfg.site.altitude_m, ghi_monthly_kwh_m2_day=w.ghi_monthly_kwh_m2_day,
            temp_air_monthly_c=w.temp_air_monthly_c, wind_monthly_m_s=w.wind_monthly_m_s,
            weibull_k=w.weibull_k, seed=w.seed, end=end,
        )
        src = f"synthetic (pvlib Ineichen clear sky scaled to monthly climatology, seed {w.seed})"
    else:
        path = cfg.resolve(w.file)
        wx, meta = weatherfile.read_weather_file(path, fmt=w.format, index=index, end=end)
        wx.attrs["notes"] = list(meta.get("notes", [])) + plausible.weather_site_warning(
            meta["latitude"], meta["longitude"], cfg.site.latitude, cfg.site.longitude, f"weather file {path}")
        src = f"weather file {path.name} ({meta.get('source', w.format)})"
    out = (wx, src)
    if cache is not None:
        cache[key] = out
    return out


def _pv_and_wind(cfg: Config, wx: pd.DataFrame, df: pd.DataFrame, end: pd.Timestamp) -> None:
    """Per-array PV and per-unit wind power columns, and their totals [kW]."""
    index = df.index
    site = {"latitude": cfg.site.latitude, "longitude": cfg.site.longitude, "altitude_m": cfg.site.altitude_m}
    pv_total = np.zeros(len(index))
    for name, arr in cfg.pv.items():
        if arr.capacity_kwp == 0:
            continue
        p = solar.pv_ac_power_kw(wx, **site, **physics(arr), end=end,
                                 sun_shift_h=wx.attrs.get("sun_shift_h", 0.0)).to_numpy()
        df[f"pv_{name}_kw"] = p
        pv_total += p
    df["pv_available_kw"] = pv_total
    wind_total = np.zeros(len(index))
    for name, unit in cfg.wind.items():
        wind.check_turbine_type(unit.turbine_type, where=f"{cfg.where}: wind.{name}.turbine_type")
        if unit.count == 0:
            continue
        p = wind.wind_power_kw(
            wx["wind_speed_m_s"], turbine_type=unit.turbine_type, count=unit.count,
            hub_height_m=unit.hub_height_m, measurement_height_m=cfg.weather.wind_measurement_height_m,
            roughness_length_m=cfg.weather.roughness_length_m, temp_air_c=wx["temp_air_c"],
            altitude_m=cfg.site.altitude_m,
        ).to_numpy()
        df[f"wind_{name}_kw"] = p
        wind_total += p
    df["wind_available_kw"] = wind_total


def _fixed_load(cfg: Config, df: pd.DataFrame, end: pd.Timestamp, notes: list, sources: dict) -> list:
    """``fixed_load_kw``: metered, or synthetic base + reefers (with their columns) [kW].

    Returns the reefer stores the optimisation schedules (optimised reefers), else [].
    """
    L = cfg.loads
    if L.metered is not None:
        path = cfg.resolve(L.metered.file)
        got = read_series_csv(L.metered, df.index, end, quantity="power_kw", path=path)
        df["metered_load_kw"] = got.values.to_numpy()
        df["fixed_load_kw"] = df["metered_load_kw"]
        notes += got.notes + plausible.load_warnings(df["fixed_load_kw"].to_numpy(), cfg.grid.import_limit_kw,
                                                     str(path))
        sources["fixed load"] = f"metered CSV {path.name}"
        return []
    else:
        df["base_load_kw"] = loads.base_load_kw(df.index, **L.base.model_dump()).to_numpy()
        if L.reefers.mode == "fixed":
            df["reefer_load_kw"] = loads.reefer_load_kw(df.index, df["temp_air_c"],
                                                        **L.reefers.fixed_kwargs()).to_numpy()
            sources["fixed load"] = "synthetic base load + reefers (model file [loads])"
        else:
            stores = _reefer_columns(cfg, df, end, notes)
            sources["fixed load"] = (f"synthetic base load + reefer thermal stores ({L.reefers.mode}, "
                                     f"{len(stores)} classes)")
            return stores
        df["fixed_load_kw"] = df["base_load_kw"] + df["reefer_load_kw"]
    notes += plausible.load_warnings(df["fixed_load_kw"].to_numpy(), cfg.grid.import_limit_kw, f"{cfg.where}: loads")
    return []


def _reefer_columns(cfg: Config, df: pd.DataFrame, end: pd.Timestamp, notes: list) -> list:
    """Reefer thermal stores per class and their columns; ``fixed_load_kw`` = base + the fixed reefer part.

    thermostat: compressors + fans are a fixed series (:func:`energy.reefers.simulate`);
    optimised: only the fans are fixed, the compressors are the MILP's (the stores are returned).
    """
    R = cfg.loads.reefers
    edges = interval_edges(df.index, end)
    calls = vessel_calls(cfg, pad_h=R.dwell_hours + R.import_dwell_hours)
    mean_occ = float(np.mean(R.occupancy_monthly)) or 1.0
    seasonal = [o / mean_occ * R.occupancy_scale for o in R.occupancy_monthly]
    total, arriving, leaving = reefers.box_flows(
        edges, calls, boxes_per_move=R.boxes_per_move, dwell_h=R.dwell_hours, seasonal=seasonal,
        import_boxes_per_move=R.import_boxes_per_move * R.occupancy_scale, import_dwell_h=R.import_dwell_hours)
    if total.max(initial=0.0) > R.plugs * (1 + 1e-9):
        k = int(np.argmax(total))
        notes.append(f"loads.reefers: {total[k]:.0f} export reefer boxes in the yard at {edges[k].isoformat()}, "
                     f"more than the {R.plugs} plugs; the boxes beyond the plugs are modelled as plugged in")
    dt_h = step_hours(df.index, end)
    stores, fixed = [], np.zeros(len(df))
    for name, spec in R.classes.items():
        st = reefers.store_of(name, spec, total, arriving, leaving, df["temp_air_c"].to_numpy(), dt_h)
        df[f"reefer_{name}_boxes"] = st.mean_boxes
        if R.mode == "thermostat":
            power, temp = reefers.simulate(st)
            df[f"reefer_{name}_kw"] = power + st.fan_kw
            df[f"reefer_{name}_temp_c"] = temp[1:]
            fixed += power + st.fan_kw
        else:
            problem = reefers.band_problem(st, f"{cfg.where}: loads.reefers.classes.{name}", edges)
            if problem:
                raise EnergyError(problem)
            fixed += st.fan_kw
        stores.append(st)
    df["reefer_load_kw"] = fixed
    df["fixed_load_kw"] = df["base_load_kw"] + df["reefer_load_kw"]
    return stores if R.mode == "optimised" else []


def _shore_power(cfg: Config, df: pd.DataFrame, end: pd.Timestamp, sources: dict) -> None:
    """Shore power per connection ``shore_power_c<i>_kw`` and in total, added to ``fixed_load_kw``. [kW]"""
    S = cfg.shore_power
    if S.connections == 0:
        return
    calls = vessel_calls(cfg)
    assigned = shorepower.assign_connections(calls, connections=S.connections,
                                             connection_hours=S.connection_hours,
                                             disconnection_hours=S.disconnection_hours)
    power = shorepower.berth_power_kw(interval_edges(df.index, end), assigned, connections=S.connections,
                                      hotelling_kw=S.hotelling_kw, default_kw=S.default_hotelling_kw,
                                      kw_limit=S.kw_per_connection)
    for i in range(S.connections):
        df[f"shore_power_c{i + 1}_kw"] = power[i]
    df["shore_power_kw"] = power.sum(axis=0)
    df["fixed_load_kw"] = df["fixed_load_kw"] + df["shore_power_kw"]
    connected = int((assigned["connection"] >= 0).sum())
    sources["shore power"] = (f"{S.connections} connection(s) of {S.kw_per_connection:g} kW; {connected} of "
                              f"{len(assigned)} calls connected; hotelling power by vessel class")


def _prices_and_factors(cfg: Config, df: pd.DataFrame, end: pd.Timestamp, notes: list, sources: dict) -> None:
    """Peak mask, import and export prices [USD/kWh] and grid emission factors [kg/kWh]."""
    index = df.index
    T = cfg.tariff
    df["is_peak"] = peak_mask(index, T.peak_start_hour, T.peak_end_hour)
    if T.import_price_file is not None:
        path = cfg.resolve(T.import_price_file.file)
        got = read_series_csv(T.import_price_file, index, end, quantity="price_usd_per_kwh", path=path,
                              allow_negative=True)
        df["import_price_usd_per_kwh"] = got.values.to_numpy()
        notes += got.notes + plausible.price_warnings(got.values.to_numpy(), f"{path} ({T.import_price_file.units})")
        sources["import price"] = f"price CSV {path.name}"
    else:
        df["import_price_usd_per_kwh"] = np.where(df["is_peak"], T.peak_energy_usd_per_kwh,
                                                  T.offpeak_energy_usd_per_kwh)
        for key in ("peak_energy_usd_per_kwh", "offpeak_energy_usd_per_kwh"):
            notes += plausible.price_warnings([getattr(T, key)], f"{cfg.where}: tariff.{key}")
        sources["import price"] = (f"time-of-use {T.peak_energy_usd_per_kwh} USD/kWh peak "
                                   f"({T.peak_start_hour}-{T.peak_end_hour} h), "
                                   f"{T.offpeak_energy_usd_per_kwh} off-peak")
    df["export_price_usd_per_kwh"] = T.export_price_usd_per_kwh
    notes += plausible.price_warnings([T.export_price_usd_per_kwh], f"{cfg.where}: tariff.export_price_usd_per_kwh")
    _emission_factors(cfg, df, end, notes, sources)


def _emission_factors(cfg: Config, df: pd.DataFrame, end: pd.Timestamp, notes: list, sources: dict) -> None:
    """The decision factor ``grid_emission_kg_per_kwh`` and the reported average and marginal factors.

    ``grid_emission_average_kg_per_kwh`` and ``grid_emission_marginal_kg_per_kwh`` [kg/kWh]
    come from the month x hour table (a user's ``factor`` CSV where it has those
    columns, else the bundled SEIN one).
    """
    index = df.index
    E = cfg.emissions
    table = sein = emission_factors.sein_profile()
    how = E.decision
    if how.lower().endswith(".csv"):
        path = cfg.resolve(Path(how))
        table = emission_factors.read_profile(path)
        try:
            df["grid_emission_kg_per_kwh"] = emission_factors.factors_on(index, table, E.factor_column)
        except EnergyError as exc:
            raise EnergyError(f"{path}: emissions.factor_column: {exc}") from None
        sources["emission factor"] = f"month x hour table {path.name}, column {E.factor_column}"
    elif how == "series":
        path = cfg.resolve(E.emission_factor_file.file)
        got = read_series_csv(E.emission_factor_file, index, end, quantity="emission_kg_per_kwh", path=path)
        df["grid_emission_kg_per_kwh"] = got.values.to_numpy()
        notes += got.notes + plausible.emission_warnings(got.values.to_numpy(),
                                                          f"{path} ({E.emission_factor_file.units})")
        sources["emission factor"] = f"emission CSV {path.name}"
    elif how == "constant":
        df["grid_emission_kg_per_kwh"] = E.grid_emission_kg_per_kwh
        notes += plausible.emission_warnings([E.grid_emission_kg_per_kwh], f"{cfg.where}: emissions.grid_emission_kg_per_kwh")
        sources["emission factor"] = f"constant {E.grid_emission_kg_per_kwh} kgCO2/kWh"
    else:
        df["grid_emission_kg_per_kwh"] = emission_factors.factors_on(index, sein, emission_factors.FACTOR_COLUMNS[how])
        sources["emission factor"] = f"SEIN {how} factor by month and hour (bundled profile)"
    for name in ("average", "marginal"):
        col = emission_factors.FACTOR_COLUMNS[name]
        src = table if col in table.columns else sein
        df[f"grid_emission_{name}_kg_per_kwh"] = emission_factors.factors_on(index, src, col)


def build_profiles(cfg: Config, cache: dict | None = None) -> Profiles:
    """Every exogenous series of the model on its time index.

    Columns: weather (``ghi_w_m2, dni_w_m2, dhi_w_m2, temp_air_c, wind_speed_m_s``),
    per-array ``pv_<name>_kw`` and ``pv_available_kw``, per-unit ``wind_<name>_kw``
    and ``wind_available_kw``, ``base_load_kw`` and ``reefer_load_kw`` (or
    ``metered_load_kw``), ``fixed_load_kw``, ``import_price_usd_per_kwh``,
    ``export_price_usd_per_kwh``, ``grid_emission_kg_per_kwh``, ``is_peak``.
    """
    _, end = horizon_bounds(cfg)
    index = cfg.index()
    notes: list[str] = []
    sources: dict[str, str] = {}
    wx, sources["weather"] = build_weather(cfg, index, end, cache)
    notes += wx.attrs.get("notes", [])
    df = pd.DataFrame(index=index)
    for col in ("ghi_w_m2", "dni_w_m2", "dhi_w_m2", "temp_air_c", "wind_speed_m_s"):
        df[col] = wx[col].to_numpy()
    _pv_and_wind(cfg, wx, df, end)
    stores = _fixed_load(cfg, df, end, notes, sources)
    _shore_power(cfg, df, end, sources)
    _prices_and_factors(cfg, df, end, notes, sources)
    return Profiles(series=df, end=end, notes=notes, sources=sources, reefer_stores=stores)


def vessel_calls(cfg: Config, pad_h: float = 0.0) -> pd.DataFrame:
    """The vessel calls inside the horizon (widened by ``pad_h`` hours each side): generated, or from the file."""
    start, end = horizon_bounds(cfg)
    start, end = start - pd.Timedelta(hours=pad_h), end + pd.Timedelta(hours=pad_h)
    V, sts = cfg.vessels, cfg.cranes.sts
    if V.calls_file is not None:
        path = cfg.resolve(V.calls_file.file)
        calls = read_vessel_calls(V.calls_file, cfg.site.timezone, path=path, pool_size=sts.count)
        return jobs_mod.cut_calls(calls, start, end)
    try:
        return jobs_mod.generate_vessel_calls(
            start, end, throughput_teu_per_year=V.throughput_teu_per_year, teu_per_move=V.teu_per_move,
            classes=V.classes, container_berths=V.container_berths, window_slack=V.window_slack,
            mooring_hours=V.mooring_hours, sts_count=sts.count, moves_per_crane_hour=sts.moves_per_crane_hour,
            seed=V.seed, arrival_delay_mean_h=V.arrival_delay_mean_h,
            arrival_delay_erlang_k=V.arrival_delay_erlang_k,
        )
    except EnergyError as exc:
        raise EnergyError(f"{cfg.where}: {exc}") from None


def _crane_job_error(cfg: Config, job, calls: pd.DataFrame, pool_size: int, hours: float) -> EnergyError:
    """A crane job that cannot fit its window, explained in model-file terms (file row or key)."""
    why = f"at most {crane_limit_text(job, pool_size, hours, cfg.horizon.resolution)}"
    span = f"{job.start.isoformat()} .. {job.end.isoformat()}"
    rows = (dict(zip(calls["vessel"].astype(str).tolist(), calls["row"].tolist(), strict=True))
            if "row" in calls.columns else {})
    if job.kind == "vessel" and job.name in rows and cfg.vessels.calls_file is not None:
        return EnergyError(
            f"{cfg.resolve(cfg.vessels.calls_file.file)}: row {rows[job.name]}: vessel "
            f"{echo(job.name)}: {job.moves:g} moves cannot be done in its berth window "
            f"{span}; {why}; expected fewer moves, more cranes or a longer window")
    if job.kind == "yard":
        return EnergyError(
            f"{cfg.where}: yard: {job.moves:g} housekeeping moves on {job.name.removeprefix('yard_')} "
            f"(yard.moves_per_quay_move x quay moves per day) are more than the yard cranes can do: {why}; "
            "expected a smaller yard.moves_per_quay_move or more cranes.armg")
    return EnergyError(
        f"{cfg.where}: vessels: generated call {echo(job.name)} cannot do its "
        f"{job.moves:g} moves in its berth window {span}; {why}; expected a finer horizon.resolution or a "
        "larger vessels.window_slack")


def _fit_jobs_to_steps(cfg: Config, calls: pd.DataFrame, crane_jobs: list, windows: list,
                       index: pd.DatetimeIndex, end: pd.Timestamp, dt_h: np.ndarray,
                       notes: list[str]) -> tuple[list, list]:
    """Check that every job fits the whole model steps of its window; explain in model-file terms.

    The optimisation only places work in steps lying wholly inside a window (the
    rules of :mod:`energy.timegrid` and :mod:`energy.jobs`). A window cut by a horizon
    edge to less than one step is left out (with a note); any other job that cannot
    be done raises an error naming the file row or key.
    """
    start, res = index[0], cfg.horizon.resolution
    starts, ends = step_ends_ns(index, end)
    cut = (set(calls.loc[calls["cut"].to_numpy(dtype=bool), "vessel"].astype(str).tolist())
           if "cut" in calls.columns else set())
    pools = {"sts": cfg.cranes.sts.count, "armg": cfg.cranes.armg.count}
    kept_jobs = []
    for job in crane_jobs:
        hours = whole_step_hours(starts, ends, dt_h, job.start, job.end)
        at_edge = job.name in cut if job.kind == "vessel" else (job.start <= start or job.end >= end)
        if job.moves > 0 and hours == 0 and at_edge:
            what = f"vessel call {job.name!r}" if job.kind == "vessel" else f"yard job {job.name!r}"
            notes.append(f"{what}: the part of its window inside the horizon is shorter than one "
                         f"{res} step; its {job.moves:g} prorated moves are left out")
            continue
        pool_size = pools.get(job.pool, job.max_cranes)
        if exceeds(job.moves, jobs_mod.crane_limit(job, pool_size, hours)[1]):
            raise _crane_job_error(cfg, job, calls, pool_size, hours)
        kept_jobs.append(job)
    kept_windows = []
    charger = cfg.trucks.charger_kw_total
    for w in windows:
        hours = whole_step_hours(starts, ends, dt_h, w.start, w.end)
        if w.energy_kwh > 0 and hours == 0 and (w.start <= start or w.end >= end):
            notes.append(f"{w.name}: the part of the charging window inside the horizon is shorter than "
                         f"one {res} step; its {w.energy_kwh:.0f} kWh are left out")
            continue
        if exceeds(w.energy_kwh, charger * hours):
            raise EnergyError(
                f"{cfg.where}: trucks.windows: {w.name} needs {w.energy_kwh:.0f} kWh but has only "
                f"{hours:g} h of whole {res} steps at trucks.charger_kw_total = {charger:g} kW; expected "
                "charging windows aligned with the horizon.resolution or a finer resolution")
        kept_windows.append(w)
    return kept_jobs, kept_windows


def _reefer_class_meta(cfg: Config) -> dict:
    """Per reefer class (thermal modes): set-point and band [°C], for reports and the band check."""
    R = cfg.loads.reefers
    if R.mode == "fixed" or cfg.loads.metered is not None:
        return {}
    return {name: {"setpoint_c": c.setpoint_c, "band_low_c": c.band_low_c, "band_high_c": c.band_high_c}
            for name, c in R.classes.items()}


def _shore_power_meta(cfg: Config) -> dict:
    """Shore-power settings for the summary (empty without connections)."""
    S = cfg.shore_power
    if S.connections == 0:
        return {}
    return {"connections": S.connections, "kw_per_connection": S.kw_per_connection,
            "aux_engine_kg_per_kwh": S.aux_engine_kg_per_kwh}


def build_inputs(cfg: Config, cache: dict | None = None, profiles: Profiles | None = None) -> Inputs:
    """All optimisation inputs for one scenario of a model.

    Parameters
    ----------
    cfg : Config
        A validated model (scenario overrides applied).
    cache : dict, optional
        Shared between scenarios so that identical weather is computed once.
    profiles : Profiles, optional
        Already built profiles of this ``cfg``.
    """
    prof = profiles if profiles is not None else build_profiles(cfg, cache)
    index, end = prof.series.index, prof.end
    start = index[0]
    dt_h = step_hours(index, end)

    B = cfg.battery
    battery = BatteryParams(**physics(B)) if B.exists else None

    calls = vessel_calls(cfg)
    sts, armg = cfg.cranes.sts, cfg.cranes.armg
    crane_jobs = jobs_mod.vessel_jobs(calls, energy_kwh_per_move=sts.energy_kwh_per_move,
                                      moves_per_crane_hour=sts.moves_per_crane_hour)
    horizon_days = float(dt_h.sum()) / 24.0
    if cfg.yard.enabled and len(calls):
        per_day = float(calls["moves"].sum()) * cfg.yard.moves_per_quay_move / horizon_days
        crane_jobs += jobs_mod.yard_jobs(start, end, moves_per_day=per_day, cranes=armg.count,
                                         moves_per_crane_hour=armg.moves_per_crane_hour,
                                         energy_kwh_per_move=armg.energy_kwh_per_move)
    Tk = cfg.trucks
    windows = jobs_mod.truck_windows(start, end, energy_kwh_per_day=Tk.energy_kwh_per_day,
                                     windows=Tk.windows, charger_kw_total=Tk.charger_kw_total)
    notes = list(prof.notes)
    if "cut" in calls.columns and calls["cut"].any():
        cut = calls.loc[calls["cut"].to_numpy(dtype=bool), "vessel"].astype(str).tolist()
        notes.append(f"{len(cut)} vessel call(s) cut by the horizon, moves prorated to the part inside: "
                     + ", ".join(cut[:5]) + (", ..." if len(cut) > 5 else ""))
    crane_jobs, windows = _fit_jobs_to_steps(cfg, calls, crane_jobs, windows, index, end, dt_h, notes)
    if not len(calls) and cfg.vessels.calls_file is None and cfg.vessels.throughput_teu_per_year > 0:
        why = ("cranes.sts.count = 0" if sts.count == 0 else
               "no vessels.classes" if not cfg.vessels.classes else "no call falls inside the horizon")
        notes.append(f"vessels: throughput_teu_per_year > 0 but no vessel call is scheduled ({why})")
    E = cfg.emissions
    meta = {
        "model": cfg.model.name,
        "scenario": cfg.scenario,
        "sources": prof.sources,
        "notes": notes,
        "vessel_calls": len(calls),
        "quay_moves": float(calls["moves"].sum()) if len(calls) else 0.0,
        "vessel_calls_cut": int(calls["cut"].sum()) if "cut" in calls.columns else 0,
        "reefer_mode": cfg.loads.reefers.mode if cfg.loads.metered is None else "metered",
        "reefer_classes": _reefer_class_meta(cfg),
        "shore_power": _shore_power_meta(cfg),
    }
    return Inputs(
        series=prof.series,
        dt_h=dt_h,
        horizon_end=end,
        battery=battery,
        grid=GridParams(import_limit_kw=cfg.grid.import_limit_kw, export_limit_kw=cfg.grid.export_limit_kw),
        tariff=TariffParams(
            generation_capacity_usd_per_kw_month=cfg.tariff.generation_capacity_usd_per_kw_month,
            distribution_capacity_usd_per_kw_month=cfg.tariff.distribution_capacity_usd_per_kw_month,
        ),
        crane_pools={"sts": sts.count, "armg": armg.count},
        crane_jobs=crane_jobs,
        truck_charger_kw=Tk.charger_kw_total,
        truck_windows=windows,
        value_of_lost_load_usd_per_kwh=cfg.solver.value_of_lost_load_usd_per_kwh,
        carbon_price_usd_per_kg=E.carbon_price_usd_per_t / 1000.0,
        emissions_cap_kg=None if E.cap_t is None else E.cap_t * 1000.0,
        integer_cranes=cfg.solver.integer_cranes,
        reefer_stores=list(prof.reefer_stores),
        flexibility=cfg.flexibility.mode,
        meta=meta,
    )
