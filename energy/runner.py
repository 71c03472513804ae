"""The public pipeline: profiles and runs of one model, as a Python user calls them.

The CLI is a thin wrapper around these functions.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from energy.config import Config, deep_merge, horizon_bounds, load_config, revalidate
from energy.errors import EnergyError
from energy.inputcache import CACHE_FOLDER, cached_inputs
from energy.inputs import Inputs
from energy.kpis import bill_rates, intensity_kpis
from energy.optimise.checks import check_inputs, check_model_size
from energy.plausible import is_warning
from energy.report import files
from energy.report.calls import call_windows
from energy.report.runfolder import write_run
from energy.timegrid import step_hours

if TYPE_CHECKING:
    from energy.build import Profiles
    from energy.optimise.extract import Results

DEFAULT_REPORTS = Path("reports")


def horizon_overrides(start=None, end=None, resolution=None, inflexible: bool = False,
                      overrides: dict | None = None) -> dict:
    """Command-line horizon options (and ``--inflexible``) as model-file overrides, then
    ``overrides`` (``--set``) on top."""
    h = {k: v for k, v in {"start": start, "end": end, "resolution": resolution}.items() if v is not None}
    out: dict = {"horizon": h} if h else {}
    if inflexible:
        out["flexibility"] = {"mode": "inflexible"}
    return deep_merge(out, overrides or {})


def load_with_options(model: str | Path, scenario: str | None = None, overrides: dict | None = None) -> Config:
    """:func:`energy.config.load_config` with command-line horizon options, blaming a bad option on itself.

    A ``--start``, ``--end`` or ``--resolution`` the model file would accept in
    ``[horizon]`` but that is wrong (not a date, end before start, a step that does
    not divide the day) is reported as ``--start 'bogus': expected ...``, not as a
    fault of the model file.
    """
    try:
        return load_config(model, scenario, overrides)
    except EnergyError as exc:
        given = (overrides or {}).get("horizon") or {}
        # overrides are blamed on ``--set`` by the loader; horizon keys came from the options
        msg = str(exc).replace(f"{model}: overrides (--set): horizon", f"{model}: horizon")
        for key, value in given.items():
            for where in (f"{model}: horizon.{key}: ", f"horizon.{key}: "):
                if where in msg:
                    raise EnergyError(f"--{key} {value!r}: {msg.split(where, 1)[1]}") from None
        if given and f"{model}: horizon: " in msg:
            opts = " ".join(f"--{k} {v}" for k, v in given.items())
            raise EnergyError(f"{opts} (command line): {msg.split(f'{model}: horizon: ', 1)[1]}") from None
        raise


def model_reports_dir(cfg: Config, out: str | Path | None) -> Path:
    """``<out or reports>/<model name>``, and ``.../inflexible`` for inflexible work.

    Runs with ``[flexibility] mode = "inflexible"`` go to their own folder, so they sit
    beside the optimised runs of the same scenarios instead of replacing them. Refused
    unless it resolves inside the reports folder (:func:`energy.report.files.safe_path`).
    """
    folder = files.safe_path(Path(out if out is not None else DEFAULT_REPORTS), cfg.model.name)
    return files.safe_path(folder, "inflexible") if cfg.flexibility.mode == "inflexible" else folder


def profile_summary(prof: Profiles, cfg: Config) -> dict:
    """Headline figures of the profiles.

    Returns
    -------
    dict
        ``pv_capacity_kwp``, ``pv_specific_yield_kwh_per_kwp`` (scaled to a year
        when the horizon is not one), ``pv_monthly_yield_kwh_per_kwp`` (per month
        of the horizon), ``wind_capacity_kw``, ``wind_capacity_factor``,
        ``load_mwh``, ``load_peak_kw``, ``load_mean_kw``, ``hours``.
    """
    from energy.solar import specific_yield_kwh_per_kwp
    from energy.wind import nominal_power_kw

    df = prof.series
    dt_h = step_hours(df.index, prof.end)
    hours = float(dt_h.sum())
    kwp = sum(a.capacity_kwp for a in cfg.pv.values())
    wind_kw = sum(nominal_power_kw(u.turbine_type) * u.count for u in cfg.wind.values() if u.count)
    pv = df["pv_available_kw"].to_numpy()
    monthly, yearly = {}, float("nan")
    if kwp > 0:
        yearly = specific_yield_kwh_per_kwp(pv, dt_h, kwp) * 8760.0 / hours
        month = df.index.strftime("%Y-%m").to_numpy()
        monthly = {k: round(specific_yield_kwh_per_kwp(pv[month == k], dt_h[month == k], kwp), 1)
                   for k in dict.fromkeys(month)}
    return {
        "hours": hours,
        "pv_capacity_kwp": kwp,
        "pv_specific_yield_kwh_per_kwp": yearly,
        "pv_monthly_yield_kwh_per_kwp": monthly,
        "wind_capacity_kw": wind_kw,
        "wind_capacity_factor": (float((df["wind_available_kw"] * dt_h).sum()) / (wind_kw * hours)
                                 if wind_kw else float("nan")),
        "load_mwh": float((df["fixed_load_kw"] * dt_h).sum()) / 1000.0,
        "load_peak_kw": float(df["fixed_load_kw"].max()),
        "load_mean_kw": float((df["fixed_load_kw"] * dt_h).sum() / hours),
    }


@dataclass
class ProfilesRun:
    """The profiles of a model: its config, the series, their summary and the file written.

    Attributes
    ----------
    config : energy.config.Config
        The validated model (scenario applied).
    profiles : energy.build.Profiles
        The series on the model index (``.series``), their sources and notes.
    summary : dict
        :func:`profile_summary`.
    path : Path or None
        ``profiles.csv`` written (None with ``write=False``).
    """

    config: Config
    profiles: Profiles
    summary: dict
    path: Path | None


def profiles(model: str | Path, scenario: str | None = None, *, out: str | Path | None = None,
             start=None, end=None, resolution=None, write: bool = True,
             overrides: dict | None = None) -> ProfilesRun:
    """Make the model's time series and write ``<out>/<model>/profiles.csv``.

    Parameters
    ----------
    model : str or Path
        The TOML model file.
    scenario : str, optional
        Scenario name; default the base.
    out : str or Path, optional
        Reports folder (default ``reports``).
    start, end, resolution : str, optional
        Horizon overrides, as for :func:`run`.
    write : bool
        Write ``profiles.csv``; ``False`` keeps the series in memory only.

    Examples
    --------
    >>> pr = energy.profiles("models/chancay.toml", write=False)      # doctest: +SKIP
    >>> pr.summary["pv_specific_yield_kwh_per_kwp"]                   # doctest: +SKIP

    Returns
    -------
    ProfilesRun
        The config, the profiles, their summary and the written path.
    """
    from energy.build import build_profiles

    cfg = load_with_options(model, scenario, horizon_overrides(start, end, resolution, overrides=overrides))
    size_check(cfg)
    prof = build_profiles(cfg)
    summ = profile_summary(prof, cfg)
    path = None
    if write:
        name = "profiles.csv" if cfg.scenario == "base" else f"profiles_{cfg.scenario}.csv"
        path = files.write_csv(files.safe_path(model_reports_dir(cfg, out), name), files.series_frame(prof.series))
    return ProfilesRun(cfg, prof, summ, path)


def size_check(cfg: Config) -> None:
    """Refuse, before building anything, a horizon too large for this machine's memory."""
    start, end = horizon_bounds(cfg)
    steps = int((end - start) // pd.Timedelta(cfg.horizon.resolution))
    check_model_size(steps, cfg.horizon.resolution, cfg.where)


def presolve_checks(inputs: Inputs) -> None:
    """The optimisation layer's input checks, without building a model.

    :func:`energy.optimise.checks.check_inputs`, the checks ``build_model`` runs first:
    series, parameters, every crane job and truck window fitting the whole steps of
    its window with the cranes or chargers available.
    """
    check_inputs(inputs)


def _check_one(cfg: Config, cache: dict) -> dict:
    """What one scenario's model and inputs hold, after building them (no solving)."""
    from energy.build import build_inputs, build_profiles
    from energy.wind import nominal_power_kw

    size_check(cfg)
    prof = build_profiles(cfg, cache)
    inputs = build_inputs(cfg, cache, profiles=prof)
    presolve_checks(inputs)
    index, end = inputs.index, inputs.horizon_end
    B, G = cfg.battery, cfg.grid
    meta = inputs.meta
    return {
        "scenario": cfg.scenario,
        "horizon": {
            "start": index[0].isoformat(),
            "end": pd.Timestamp(end).isoformat(),
            "resolution": cfg.horizon.resolution,
            "steps": len(index),
            "hours": float(np.sum(inputs.dt_h)),
        },
        "assets": {
            "pv_kwp": {name: a.capacity_kwp for name, a in cfg.pv.items()},
            "wind": {
                name: {
                    "turbine_type": u.turbine_type,
                    "count": u.count,
                    "hub_height_m": u.hub_height_m,
                    "kw": nominal_power_kw(u.turbine_type) * u.count,
                }
                for name, u in cfg.wind.items()
            },
            "battery": (
                {
                    "energy_kwh": B.energy_kwh,
                    "charge_power_kw": B.charge_power_kw,
                    "discharge_power_kw": B.discharge_power_kw,
                }
                if B.energy_kwh > 0
                else None
            ),
            "grid": {"import_limit_kw": G.import_limit_kw, "export_limit_kw": G.export_limit_kw},
        },
        "sources": dict(prof.sources),
        "objective": {
            "carbon_price_usd_per_t": cfg.emissions.carbon_price_usd_per_t,
            "emissions_cap_t": cfg.emissions.cap_t,
            "export_price_usd_per_kwh": cfg.tariff.export_price_usd_per_kwh,
        },
        "work": {
            "vessel_calls": int(meta.get("vessel_calls", 0)),
            "vessel_calls_cut": int(meta.get("vessel_calls_cut", 0)),
            "quay_moves": float(meta.get("quay_moves", 0.0)),
            "vessel_jobs": sum(1 for j in inputs.crane_jobs if j.kind == "vessel"),
            "yard_jobs": sum(1 for j in inputs.crane_jobs if j.kind == "yard"),
            "truck_windows": len(inputs.truck_windows),
        },
        "reefers": reefer_check(inputs),
        "warnings": list(meta.get("notes", [])),
    }


def reefer_check(inputs: Inputs) -> dict:
    """Per reefer class of a thermal mode: boxes (mean, most) and the band [°C]; {} in fixed mode."""
    s, out = inputs.series, {}
    for name, band in inputs.meta.get("reefer_classes", {}).items():
        boxes = s[f"reefer_{name}_boxes"].to_numpy(dtype=float)
        out[name] = {"mean_boxes": float(boxes.mean()), "max_boxes": float(boxes.max()), **band}
    return out


def check(
    model: str | Path, scenario: str | None = None, *, start=None, end=None, resolution=None,
    progress=None,
    overrides: dict | None = None,
) -> dict:
    """Validate a model file and all its inputs without solving.

    Loads the model, builds every profile (weather, PV, wind, loads, prices,
    emission factors: every input file is read and checked), the vessel calls,
    yard jobs and truck windows and the optimisation inputs, and runs the
    optimisation layer's pre-solve checks (:func:`presolve_checks`). No Pyomo
    model is built, nothing is written.

    Parameters
    ----------
    model : str or Path
        The TOML model file.
    scenario : str, optional
        Check the base and this scenario only; default: the base and every scenario.
    start, end, resolution : optional
        Horizon overrides, as for :func:`run`.
    progress : energy.progress.Progress or callable, optional
        Told ``check <scenario>`` as each scenario starts.
    overrides : dict, optional
        Model keys set on top of every scenario checked, as for :func:`run`.

    Returns
    -------
    dict
        ``model`` (the path), ``name``, ``scenarios``: one report per scenario
        checked (``horizon``, ``assets``, ``sources``, ``work``, ``warnings``).

    Raises
    ------
    EnergyError
        The first problem found, in one line naming the file, key or row (and the
        scenario when it is not the base).
    """
    from energy.config import read_model_file, scenario_names
    from energy.errors import EnergyError, echo

    path = Path(model)
    raw = read_model_file(path)
    names = (
        ["base", *scenario_names(raw)]
        if scenario in (None, "")
        else list(dict.fromkeys(["base", scenario]))
    )
    overrides = horizon_overrides(start, end, resolution, overrides=overrides)
    cache: dict = {}
    reports = []
    name = None
    for name in names:
        if progress:
            progress(f"check {name}")
        cfg = load_with_options(path, name, overrides)
        try:
            reports.append(_check_one(cfg, cache))
        except EnergyError as exc:
            msg = str(exc)
            if name != "base" and f"scenario {echo(name)}" not in msg:
                raise type(exc)(f"scenario {echo(name)}: {msg}") from exc
            raise
    return {"model": str(path), "name": cfg.model.name, "scenarios": reports}


@dataclass
class RunResult:
    """A finished run: its config, results, assumptions and where they were written.

    Attributes
    ----------
    config : energy.config.Config
        The validated model (scenario applied).
    results : energy.optimise.extract.Results
        Dispatch, jobs, KPIs and the solver outcome.
    folder : Path or None
        The run folder written (None with ``write=False``).
    assumptions : dict
        Every parameter that drove the run (written as ``assumptions.json``).
    timings : dict
        Seconds per phase (``inputs_s``, ``total_s``).
    provenance : dict
        Scenario, package version, run date and the model file's SHA-256
        (:func:`run_provenance`).
    cashflow : pandas.DataFrame or None
        The yearly cash flow against business as usual (:func:`energy.economics.cashflow_table`).
    """

    config: Config
    results: Results
    folder: Path | None
    assumptions: dict = field(default_factory=dict)
    timings: dict = field(default_factory=dict)
    provenance: dict = field(default_factory=dict)
    call_windows: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    cashflow: pd.DataFrame | None = None

    @property
    def kpis(self) -> dict:
        """Key figures (:func:`energy.kpis.run_kpis`) and solver fields."""
        return self.results.kpis

    @property
    def warnings(self) -> list[str]:
        """Suspicious-data warnings of the run's inputs (:mod:`energy.plausible`), also in
        ``assumptions["notes"]`` and the report."""
        return [n for n in self.assumptions.get("notes", []) if is_warning(n)]

    @property
    def dispatch(self) -> pd.DataFrame:
        """One row per step: every flow [kW], SOC [kWh], prices, crane work, cost [USD]."""
        return self.results.dispatch

    def monthly(self) -> pd.DataFrame:
        """The run by calendar month (:func:`energy.report.periods.monthly_table`).

        Energy [MWh], the bill's terms [USD], emissions [tCO2], USD/MWh, kWh per TEU
        and USD per container move, one row per month.
        """
        from energy.report.periods import monthly_table

        return monthly_table(self.dispatch, self.assumptions)

    def energy_balance(self) -> pd.DataFrame:
        """The horizon's energy from sources to uses (:func:`energy.report.periods.energy_balance`). [MWh]"""
        from energy.report.periods import energy_balance

        b = self.config.battery
        return energy_balance(self.dispatch, b.energy_kwh * b.soc_initial if b.energy_kwh > 0 else None)

    def calls(self) -> pd.DataFrame:
        """One row per vessel call (:func:`energy.report.calls.call_table`): window, work, MWh, USD."""
        from energy.report.calls import call_table

        return call_table(self.call_windows, self.results.jobs, self.dispatch)

    def __repr__(self) -> str:
        k = self.kpis
        where = f", folder={str(self.folder)!r}" if self.folder is not None else ", not written"
        return (f"RunResult({self.config.model.name}/{self.config.scenario}: {len(self.dispatch)} steps, "
                f"{k.get('status')}, total cost {k.get('total_cost_usd', float('nan')):,.0f} USD, "
                f"{k.get('emissions_tco2', float('nan')):,.1f} tCO2{where})")


def run_assumptions(cfg: Config, inputs: Inputs) -> dict:
    """Every parameter that drove a run, and the bill rates its objective used.

    Returns
    -------
    dict
        The model and scenario names, the model file, every table of the validated
        model (site, horizon, weather, pv, wind, battery, grid, tariff, emissions,
        loads, cranes, vessels, yard, trucks, solver; defaults filled in), the
        ``bill_rates`` of :func:`energy.kpis.bill_rates`, the data ``sources``,
        ``notes`` and work counts (vessel calls, quay moves, crane jobs, truck windows).
    """
    tables = ("site", "horizon", "weather", "battery", "grid", "tariff", "emissions", "loads", "cranes",
              "vessels", "yard", "trucks", "solver")
    out = {"model": cfg.model.name, "scenario": cfg.scenario,
           "model_file": str(cfg.path) if cfg.path else None}
    out.update({t: getattr(cfg, t).model_dump(mode="json") for t in tables})
    out["pv"] = {k: v.model_dump(mode="json") for k, v in cfg.pv.items()}
    out["wind"] = {k: v.model_dump(mode="json") for k, v in cfg.wind.items()}
    out.update({
        "bill_rates": bill_rates(inputs).to_dict(),
        "sources": inputs.meta.get("sources", {}),
        "notes": inputs.meta.get("notes", []),
        "vessel_calls": inputs.meta.get("vessel_calls"),
        "quay_moves": inputs.meta.get("quay_moves"),
        "crane_jobs": len(inputs.crane_jobs),
        "truck_windows": len(inputs.truck_windows),
        "value_of_lost_load_usd_per_kwh": cfg.solver.value_of_lost_load_usd_per_kwh,
        "reefers": {"mode": inputs.meta.get("reefer_mode"), "classes": inputs.meta.get("reefer_classes", {})},
        "shore_power": cfg.shore_power.model_dump(mode="json"),
    })
    return out


def run_provenance(cfg: Config) -> dict:
    """Where a run came from: scenario, package version, run date, model file and its SHA-256."""
    import datetime
    import hashlib

    from energy import __version__

    digest = None
    if cfg.path is not None and Path(cfg.path).is_file():
        digest = hashlib.sha256(Path(cfg.path).read_bytes()).hexdigest()
    return {
        "model": cfg.model.name,
        "scenario": cfg.scenario,
        "package_version": __version__,
        "run_date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "model_file": str(cfg.path) if cfg.path else None,
        "model_file_sha256": digest,
    }


def add_intensities(kpis: dict, dispatch: pd.DataFrame, cfg: Config) -> None:
    """Add :func:`energy.kpis.intensity_kpis` (USD/MWh, kWh/TEU, USD/move) and the asset sizes to a run's KPIs.

    Asset sizes (:func:`energy.appraisal.asset_sizes`: ``pv_kwp``, ``wind_kw``,
    ``battery_kwh``, ``battery_kw``, ...) also without economics, so that a comparison
    shows what each scenario built.
    """
    from energy.appraisal import asset_sizes

    moves = float(dispatch["crane_moves_sts"].sum()) if "crane_moves_sts" in dispatch else 0.0
    kpis.update(intensity_kpis(kpis["total_cost_usd"], kpis["load_mwh"], kpis["emissions_tco2"] * 1000.0,
                               moves, cfg.vessels.teu_per_move))
    kpis.update(asset_sizes(cfg))


def _inputs(cfg: Config, cache: dict | None, cache_folder: Path | None) -> tuple[Inputs, bool]:
    """The run's inputs, from the disk cache when a folder is given (pvlib is then not imported)."""
    def build(c: Config) -> Inputs:
        from energy.build import build_inputs

        return build_inputs(c, cache)

    if cache_folder is None:
        return build(cfg), False
    return cached_inputs(cfg, cache_folder, build)


def bau_kpis(cfg: Config, cache: dict | None, solver: dict, inputs: Inputs | None = None,
             cache_folder: Path | None = None) -> dict:
    """KPIs of the business-as-usual run of ``cfg`` (only existing assets, dispatch optimised).

    Memoised in ``cache`` (shared by the scenarios of a comparison), keyed by the BAU
    model's contents: scenarios that differ only in new assets share one BAU solve.
    """
    import json

    from energy.appraisal import bau_config
    from energy.build import build_inputs
    from energy.optimise.optimise import optimise

    bau = bau_config(cfg)
    key = ("bau", json.dumps(bau.model_dump(mode="json", exclude={"scenarios"}), sort_keys=True),
           json.dumps(solver, sort_keys=True))
    if cache is not None and key in cache:
        return cache[key]
    if inputs is None:
        inputs = _inputs(bau, cache, cache_folder)[0] if cache_folder is not None else build_inputs(bau, cache)
    kpis = optimise(inputs, **solver).kpis
    if cache is not None:
        cache[key] = kpis
    return kpis


def add_economics(cfg: Config, results: Results, cache: dict | None, solver: dict,
                  progress=None, assets=None, cache_folder: Path | None = None) -> pd.DataFrame:
    """Appraise a run against business as usual: sizes and investment KPIs into ``results.kpis``.

    Returns
    -------
    pandas.DataFrame
        The yearly cash flow (:func:`energy.appraisal.appraise`).
    """
    from energy.appraisal import appraise, asset_sizes, has_new_assets

    if progress:
        progress("business as usual")
    new = has_new_assets(cfg) if assets is None else bool(assets)
    bau = bau_kpis(cfg, cache, solver, cache_folder=cache_folder) if new else results.kpis
    table, econ = appraise(cfg, results.kpis, results.dispatch, bau, assets)
    results.kpis.update(asset_sizes(cfg))
    results.kpis.update(econ)
    return table


def run(model: str | Path, scenario: str | None = None, *, out: str | Path | None = None,
        start=None, end=None, resolution=None, time_limit_s: float | None = None,
        mip_gap: float | None = None, threads: int | None = None, overwrite: bool = False,
        plots: bool = True, write: bool = True, cache: dict | None = None,
        config: Config | None = None, progress=None, week: str | None = None,
        solver_log: str | Path | None = None, verbose: bool = False,
        inflexible: bool = False, economics: bool = True, cache_inputs: bool = True,
        overrides: dict | None = None) -> RunResult:
    """Optimise one scenario of a model and (unless ``write=False``) write its run folder.

    Writes ``<out>/<model>/<scenario>/``: ``dispatch.csv``, ``jobs.csv``,
    ``summary.json``, ``summary.csv`` (and plots and ``report.html`` unless
    ``plots=False``; ``week`` = an ISO date picks the dispatch week plotted). The
    folder appears only when complete; an existing one is replaced only with
    ``overwrite=True``. In a notebook, ``write=False`` solves and returns the
    :class:`RunResult` without touching the disk.

    Parameters
    ----------
    model : str or Path
        The TOML model file (ignored when ``config`` is given).
    scenario : str, optional
        Scenario name; default the base.
    out : str or Path, optional
        Reports folder (default ``reports``).
    start, end, resolution : str, optional
        Horizon overrides, e.g. ``"2025-03-01"``, ``"2025-04-01"``, ``"15min"``.
    time_limit_s : float, optional
        Solver time limit (default the model file's ``[solver]``). [s]
    mip_gap : float, optional
        Relative MIP gap at which HiGHS stops. [-]
    threads : int, optional
        HiGHS threads.
    overwrite : bool
        Replace an earlier run folder (only once the new one is complete).
    plots : bool
        Draw the PNG figures and ``report.html``.
    write : bool
        Write the run folder; ``False`` keeps everything in memory.
    cache : dict, optional
        Shared weather cache (used by :func:`energy.compare`).
    config : energy.config.Config, optional
        An already loaded model (then ``model`` and the horizon options are ignored).
    progress : energy.progress.Progress or callable, optional
        Told each phase (``profiles``, ``build``, ``solve``, ``extract``, ``business as
        usual`` with economics, ``write``, ``plots``) and, a Progress, the solver's state
        while it runs.
    week : str, optional
        ISO date of the dispatch week to plot.
    solver_log : str or Path, optional
        Write HiGHS's log (all mode-binary rounds) to this file.
    verbose : bool
        Show HiGHS's log through ``progress`` (or on stdout without one).
    overrides : dict, optional
        Nested model keys (e.g. ``{"battery": {"energy_kwh": 16000}}``, as from
        ``--set``), applied after the scenario and validated like the file.
    inflexible : bool
        Flexible work as early as it can at full rate (``[flexibility] mode =
        "inflexible"``); written to ``<out>/<model>/inflexible/<scenario>/``.
    economics : bool
        Appraise against business as usual (a second solve with only the existing
        assets, :func:`add_economics`): sizes, investment KPIs and ``cashflow.csv``.
    cache_inputs : bool
        Read and write the content-hashed input cache in ``<out>/.cache/``.

    Returns
    -------
    RunResult
        Config, results, assumptions and the folder written.

    Examples
    --------
    >>> rr = energy.run("models/chancay.toml", start="2025-03-01", end="2025-03-08",
    ...                 write=False)                                   # doctest: +SKIP
    >>> rr.monthly()[["grid_import_mwh", "total_cost_usd"]]             # doctest: +SKIP

    Raises
    ------
    EnergyError
        Bad input, or a refused overwrite (before any solving).
    SolveError
        No usable solution (infeasible, solver error, time limit without incumbent).
    """
    t0 = time.perf_counter()
    if progress:
        progress("profiles")
    from energy.optimise.optimise import optimise

    solver = {"time_limit_s": time_limit_s, "mip_gap": mip_gap, "threads": threads}
    cfg = _run_config(model, scenario, config, horizon_overrides(start, end, resolution, inflexible, overrides),
                      solver)
    folder = _run_folder(cfg, out, write=write, overwrite=overwrite, week=week if plots else None)
    cache_folder = folder.parent.parent / CACHE_FOLDER if folder is not None and cache_inputs else None
    inputs, cached = _inputs(cfg, cache, cache_folder)
    t_inputs = time.perf_counter() - t0
    solver = {"time_limit_s": cfg.solver.time_limit_s, "mip_gap": cfg.solver.mip_gap,
              "threads": cfg.solver.threads}
    with _solver_log_sink(solver_log, progress if verbose else None, verbose) as log:
        results = optimise(inputs, **solver, progress=progress, log=log)
    results.kpis["inputs_s"] = round(t_inputs, 3)
    results.kpis["inputs_cached"] = cached
    results.kpis["flexibility"] = inputs.flexibility
    rr = RunResult(cfg, results, folder, run_assumptions(cfg, inputs), {"inputs_s": t_inputs},
                   run_provenance(cfg), call_windows(inputs.crane_jobs))
    if economics:
        rr.cashflow = add_economics(cfg, results, cache, solver, progress, cache_folder=cache_folder)
    add_intensities(results.kpis, results.dispatch, cfg)
    if folder is not None:
        _write(rr, overwrite=overwrite, plots=plots, week=week, progress=progress)
    rr.timings["total_s"] = time.perf_counter() - t0
    return rr


def _write(rr: RunResult, *, overwrite: bool, plots: bool, week: str | None, progress) -> None:
    """Write a finished run's folder (atomically, :func:`energy.report.runfolder.write_run`)."""
    res = rr.results
    write_run(rr.folder, dispatch=res.dispatch, jobs=res.jobs, kpis=res.kpis, assumptions=rr.assumptions,
              model=rr.config.model.name, scenario=rr.config.scenario, overwrite=overwrite, plots=plots,
              week=week, progress=progress, provenance=rr.provenance, calls=rr.calls(), cashflow=rr.cashflow)


def _run_config(model, scenario, config: Config | None, overrides: dict, solver: dict) -> Config:
    """The run's validated model: the file (or ``config``) with the overrides and solver options.

    Solver options go through the schema like the model file's own ``[solver]`` keys; a
    Config built or changed in Python is validated again, as a model file's would be.
    """
    solver = {k: v for k, v in solver.items() if v is not None}
    ov = deep_merge(overrides, {"solver": solver} if solver else {})
    cfg = revalidate(config, ov) if config is not None else load_with_options(model, scenario, ov)
    size_check(cfg)
    return cfg


def _run_folder(cfg: Config, out, *, write: bool, overwrite: bool, week: str | None) -> Path | None:
    """The run folder (None with ``write=False``), refused before solving if it cannot be written."""
    folder = files.safe_path(model_reports_dir(cfg, out), cfg.scenario) if write else None
    if folder is not None:
        files.check_writable(folder, overwrite)
    if week is not None:
        from energy.report.periods import check_week

        check_week(week, *horizon_bounds(cfg))
    return folder


@contextmanager
def _solver_log_sink(path: str | Path | None, progress, verbose: bool):
    """A sink for HiGHS's log lines: the ``--solver-log`` file and/or the display (``-v``)."""
    if path is None and not verbose:
        yield None
        return
    sinks = []
    fh = None
    try:
        if path is not None:
            path = Path(path)
            if path.is_dir():
                raise EnergyError(f"--solver-log {path}: is a folder; expected a file name")
            if not path.parent.is_dir():
                raise EnergyError(f"--solver-log {path}: folder {path.parent} does not exist")
            fh = path.open("w", encoding="utf-8")
            sinks.append(fh.write)
        if verbose:
            sinks.append(getattr(progress, "log", None) or (lambda line: print(line, end="")))
        yield lambda line: [sink(line) for sink in sinks]
    finally:
        if fh is not None:
            fh.close()
