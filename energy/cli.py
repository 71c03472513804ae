"""The ``port-energy`` command: a thin layer over :mod:`energy.runner`.

Exit codes: 0 success; 1 bad input or refused request (one line on stderr);
2 command-line usage error; 3 the optimisation found no usable solution;
4 some scenarios of a comparison failed; 130 interrupted. Tracebacks appear only
with ``--debug``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from energy.errors import EnergyError, SolveError, echo
from energy.plausible import is_warning

EXIT_INPUT = 1
EXIT_SOLVE = 3
EXIT_PARTIAL = 4
EXIT_INTERRUPTED = 130

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help: units such as [s] stay visible, flags without <bool>
    help="Optimise a seaport's renewable energy supply (PV, wind, battery, grid, flexible load).",
)

_state = {"debug": False}

Model = Annotated[Path, typer.Argument(help="Model file (TOML), e.g. models/chancay.toml.", metavar="MODEL")]
Out = Annotated[Path | None, typer.Option("--out", help="Reports folder (default: reports).", metavar="DIR")]
Scenario = Annotated[str | None, typer.Option("--scenario", "-s", help="Scenario name (default: base).",
                                              metavar="NAME")]
Start = Annotated[str | None, typer.Option("--start", help="Horizon start, local date, e.g. 2025-03-01.",
                                           metavar="DATE")]
End = Annotated[str | None, typer.Option("--end", help="Horizon end date (exclusive).", metavar="DATE")]
Resolution = Annotated[str | None, typer.Option("--resolution", help="Step length: 1h or 15min.",
                                                metavar="STEP")]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="No progress display.")]
TimeLimit = Annotated[float | None, typer.Option("--time-limit", help="Solver time limit per run [s].",
                                                 metavar="SECONDS")]
MipGap = Annotated[float | None, typer.Option("--mip-gap", help="Relative MIP gap [-], e.g. 0.001.",
                                              metavar="GAP")]
Threads = Annotated[int | None, typer.Option("--threads", min=1, help="HiGHS threads per run.",
                                             metavar="N")]
Week = Annotated[str | None, typer.Option("--week", help="Plot the dispatch week starting on this date.",
                                          metavar="DATE")]
SetOption = Annotated[
    list[str] | None,
    typer.Option("--set", metavar="KEY=VALUE",
                 help="Set a model key after the scenario, e.g. --set battery.energy_kwh=16000 "
                      "(dotted key as in the model file, TOML value; repeatable)."),
]
"""``--set`` for any command: add ``set_: SetOption = None`` and pass ``overrides=overrides_of(set_)``."""
Jobs = Annotated[int, typer.Option("--jobs", "-j", min=1, help="Worker processes (or local Dask workers).")]
Cluster = Annotated[
    str | None,
    typer.Option("--cluster", metavar="ADDRESS",
                 help="Run on a Dask cluster: its scheduler address (tcp://host:8786), or 'local' for a "
                      "local cluster of --jobs workers. Default: $DASK_SCHEDULER_ADDRESS if set."),
]


def overrides_of(items: list[str] | None) -> dict | None:
    """The ``--set`` options as nested model-file overrides (None when there are none)."""
    from energy.config import parse_overrides

    return parse_overrides(items) or None
Inflexible = Annotated[bool, typer.Option(
    "--inflexible", help="Work as early as it can at full rate (cranes from berthing, trucks from the "
    "window start), not scheduled by the optimisation; writes to <out>/<model>/inflexible/.")]

def _version(value: bool) -> None:
    if value:
        from energy import __version__

        typer.echo(f"port-energy {__version__}")
        raise typer.Exit(0)


@app.callback()
def _main(
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")] = False,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    _state["debug"] = debug


def _echo(msg: str = "") -> None:
    typer.echo(msg)


def _fmt(v, nd=0) -> str:
    try:
        return f"{v:,.{nd}f}"
    except (TypeError, ValueError):
        return str(v)


@app.command("profiles")
def profiles_cmd(model: Model, scenario: Scenario = None, out: Out = None, start: Start = None,
                 end: End = None, resolution: Resolution = None, quiet: Quiet = False) -> None:
    """Write the model's time series (weather, PV, wind, loads, prices) to profiles.csv."""
    from energy.progress import Progress
    from energy.runner import profiles

    with Progress.for_cli(quiet) as progress:
        progress("profiles")
        pr = profiles(model, scenario, out=out, start=start, end=end, resolution=resolution)
    s = pr.summary
    _echo(f"wrote {pr.path}  ({len(pr.profiles.series)} steps of {pr.config.horizon.resolution})")
    if s["pv_capacity_kwp"]:
        _echo(f"PV: {_fmt(s['pv_capacity_kwp'])} kWp, specific yield "
              f"{_fmt(s['pv_specific_yield_kwh_per_kwp'])} kWh/kWp/yr")
        _echo("  monthly kWh/kWp: " + "  ".join(f"{k[-2:]}:{v:.0f}" for k, v in s["pv_monthly_yield_kwh_per_kwp"].items()))
    else:
        _echo("PV: none")
    if s["wind_capacity_kw"]:
        _echo(f"wind: {_fmt(s['wind_capacity_kw'])} kW, capacity factor {s['wind_capacity_factor']:.1%}")
    else:
        _echo("wind: none")
    _echo(f"fixed load: {_fmt(s['load_mwh'])} MWh, mean {_fmt(s['load_mean_kw'])} kW, "
          f"peak {_fmt(s['load_peak_kw'])} kW")
    for note in pr.profiles.notes:
        _echo(f"{'warning' if is_warning(note) else 'note'}: {note}")


@app.command("check")
def check_cmd(model: Model, scenario: Scenario = None, start: Start = None, end: End = None,
              resolution: Resolution = None, quiet: Quiet = False, set_: SetOption = None) -> None:
    """Validate the model file and all its inputs without solving; print what was found.

    Checks the base and every scenario (or the base and --scenario). Scenarios
    print only the lines that differ from the base.
    """
    from energy.progress import Progress
    from energy.runner import check

    with Progress.for_cli(quiet) as progress:
        rep = check(model, scenario, start=start, end=end, resolution=resolution, progress=progress,
                    overrides=overrides_of(set_))
    base_lines: list[str] = []
    for r in rep["scenarios"]:
        lines = check_lines(r)
        if r["scenario"] == "base":
            base_lines = lines
            shown = lines
        else:
            shown = [ln for ln in lines if ln not in base_lines]
        _echo(f"[{r['scenario']}]" + ("" if r["scenario"] == "base" else " as base except:"))
        for ln in shown:
            _echo(f"  {ln}")
    names = [r["scenario"] for r in rep["scenarios"]]
    n_warn = sum(len(r["warnings"]) for r in rep["scenarios"])
    _echo(f"ok: {rep['model']} ({rep['name']}): {len(names)} scenario(s) valid, nothing solved"
          + (f"; {n_warn} warning(s)" if n_warn else ""))


def check_lines(r: dict) -> list[str]:
    """One scenario's check report as lines: horizon, assets, data sources, work, warnings."""
    h, a, w = r["horizon"], r["assets"], r["work"]
    lines = [f"horizon: {h['start']} .. {h['end']}, {h['steps']} steps of {h['resolution']} "
             f"({_fmt(h['hours'])} h)"]
    pv = a["pv_kwp"]
    lines.append("PV: " + ("; ".join(f"{k} {_fmt(v)} kWp" for k, v in pv.items()) if pv else "none"))
    wind = a["wind"]
    lines.append("wind: " + ("; ".join(f"{k} {u['count']} x {u['turbine_type']} at {_fmt(u['hub_height_m'])} m "
                                       f"({_fmt(u['kw'])} kW)" for k, u in wind.items()) if wind else "none"))
    b = a["battery"]
    lines.append("battery: " + (f"{_fmt(b['energy_kwh'])} kWh, charge {_fmt(b['charge_power_kw'])} kW, "
                                f"discharge {_fmt(b['discharge_power_kw'])} kW" if b else "none"))
    g = a["grid"]
    lines.append(f"grid: import up to {_fmt(g['import_limit_kw'])} kW, "
                 f"export up to {_fmt(g['export_limit_kw'])} kW")
    lines += [f"{key}: {src}" for key, src in r["sources"].items()]
    o = r["objective"]
    cap = o["emissions_cap_t"]
    lines.append(f"carbon: price {_fmt(o['carbon_price_usd_per_t'], 1)} USD/tCO2, "
                 + (f"emissions cap {_fmt(cap, 1)} tCO2" if cap is not None else "no emissions cap")
                 + f"; export price {o['export_price_usd_per_kwh']:g} USD/kWh")
    lines.append(f"work: {w['vessel_calls']} vessel call(s) ({_fmt(w['quay_moves'])} moves), "
                 f"{w['yard_jobs']} yard job(s), {w['truck_windows']} truck charging window(s)")
    lines += [f"reefers {name}: {_fmt(c['mean_boxes'])} boxes on average (most {_fmt(c['max_boxes'])}), "
              f"set-point {c['setpoint_c']:g} °C, band {c['band_low_c']:g} .. {c['band_high_c']:g} °C"
              for name, c in r.get("reefers", {}).items()]
    lines += [f"warning: {note}" for note in r["warnings"]]
    return lines


def print_kpis(k: dict) -> None:
    """The headline KPIs of a run."""
    gap = k.get("mip_gap")
    gap_s = f", gap {gap:.3%}" if isinstance(gap, float) else ""
    _echo(f"solver: {k.get('status')}{gap_s}; build {k.get('build_s', 0):.1f} s, "
          f"solve {k.get('solve_s', 0):.1f} s, extract {k.get('extract_s', 0):.1f} s")
    _echo(f"total cost: {_fmt(k['total_cost_usd'])} USD  (energy {_fmt(k['energy_cost_usd'])}, "
          f"capacity {_fmt(k['capacity_charge_usd'])}, battery wear {_fmt(k.get('battery_wear_usd', 0))}, "
          f"unserved {_fmt(k.get('unserved_cost_usd', 0))})")
    both = ""
    if "emissions_average_tco2" in k:
        both = (f" (SEIN average factor {_fmt(k['emissions_average_tco2'], 1)}, "
                f"marginal {_fmt(k['emissions_marginal_tco2'], 1)})")
    _echo(f"emissions: {_fmt(k['emissions_tco2'], 1)} tCO2{both}; grid import {_fmt(k['grid_import_mwh'], 1)} MWh; "
          f"peak import {_fmt(k['peak_import_kw'])} kW in peak hours, {_fmt(k['max_import_kw'])} kW overall")
    _echo(f"renewable share {k['renewable_share']:.1%}; curtailed PV {_fmt(k['pv_curtailment_mwh'], 1)} MWh; "
          f"battery {k.get('battery_cycles', 0):.0f} cycles; crane energy {_fmt(k['crane_energy_mwh'], 1)} MWh")
    if "reefer_energy_mwh" in k:
        _echo(f"reefers: {_fmt(k['reefer_energy_mwh'], 1)} MWh ({_fmt(k['reefer_flexible_energy_mwh'], 1)} MWh "
              f"scheduled compressors); {k['reefer_band_violations']} step(s) outside the band")
    if "shore_power_mwh" in k:
        _echo(f"shore power: {_fmt(k['shore_power_mwh'], 1)} MWh, up to {_fmt(k['shore_power_max_kw'])} kW; "
              f"ship diesel CO2 avoided {_fmt(k['ship_diesel_co2_avoided_t'], 1)} t, net of grid CO2 "
              f"{_fmt(k['shore_power_net_co2_avoided_t'], 1)} t")
    if k.get("status") != "optimal":
        gap_txt = f"; it is within {gap:.2%} of the optimum" if isinstance(gap, float) else ""
        _echo(f"WARNING: solver status {k.get('status')!r}: this is the best solution found, not a "
              f"proven optimum{gap_txt}")
    if k.get("unserved_mwh", 0) > 0:
        short = k.get("unserved_unavoidable_mwh", k["unserved_mwh"])
        if short > 0:
            _echo(f"WARNING: unserved load {_mwh(k['unserved_mwh'])} MWh: supply is short of demand "
                  f"({_mwh(short)} MWh cannot be served by any schedule)")
        if k["unserved_mwh"] - short > 1e-6:
            _echo(f"WARNING: unserved load {_mwh(k['unserved_mwh'] - short)} MWh could be served but costs more "
                  "than solver.value_of_lost_load_usd_per_kwh")


def _mwh(v: float) -> str:
    return f"{v:,.1f}" if abs(v) >= 10 else f"{v:.3f}"


@app.command("run")
def run_cmd(
    model: Model,
    scenario: Scenario = None,
    start: Start = None,
    end: End = None,
    resolution: Resolution = None,
    out: Out = None,
    time_limit: TimeLimit = None,
    mip_gap: MipGap = None,
    threads: Threads = None,
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Replace an earlier run's folder.")] = False,
    no_plots: Annotated[bool, typer.Option("--no-plots", help="Skip plots and the HTML report.")] = False,
    week: Week = None,
    solver_log: Annotated[Path | None, typer.Option("--solver-log", help="Write HiGHS's log to this file.",
                                                    metavar="FILE")] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show HiGHS's log while it solves.")] = False,
    quiet: Quiet = False,
    set_: SetOption = None,
    inflexible: Inflexible = False,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Build the inputs afresh; neither read nor "
                                           "write OUT/.cache.")] = False,
    no_economics: Annotated[bool, typer.Option("--no-economics", help="Skip the appraisal against business "
                                               "as usual (its second solve).")] = False,
) -> None:
    """Optimise the dispatch of one scenario and write its reports.

    Shows the phases (profiles, build, solve with HiGHS's elapsed time, gap and best
    cost, extract, write, plots) with their seconds; -q hides them.
    """
    from energy.progress import Progress
    from energy.runner import run

    with Progress.for_cli(quiet) as progress:
        rr = run(model, scenario, out=out, start=start, end=end, resolution=resolution,
                 time_limit_s=time_limit, mip_gap=mip_gap, threads=threads, overwrite=overwrite,
                 plots=not no_plots, week=week, progress=progress, solver_log=solver_log,
                 verbose=verbose, inflexible=inflexible, cache_inputs=not no_cache,
                 economics=not no_economics,
                 overrides=overrides_of(set_))
    _echo(f"{rr.config.model.name} / {rr.config.scenario}: {len(rr.dispatch)} steps of "
          f"{rr.config.horizon.resolution}")
    print_kpis(rr.kpis)
    for note in rr.warnings:
        _echo(f"warning: {note}")
    if "npv_usd" in rr.kpis:
        print_economics(rr.kpis)
    if solver_log is not None:
        _echo(f"wrote {solver_log} (HiGHS log)")
    _echo(f"wrote {rr.folder}")
    if not no_plots:
        _echo(f"report: {rr.folder / 'report.html'}")


@app.command("compare")
def compare_cmd(
    model: Model,
    scenarios: Annotated[str | None, typer.Option("--scenarios", help="Comma-separated names (default: all).",
                                                  metavar="A,B")] = None,
    jobs: Jobs = 1,
    cluster: Cluster = None,
    out: Out = None,
    start: Start = None,
    end: End = None,
    resolution: Resolution = None,
    time_limit: TimeLimit = None,
    mip_gap: MipGap = None,
    threads: Annotated[int | None, typer.Option("--threads", min=1, help="HiGHS threads per run (default 1).",
                                                metavar="N")] = None,
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Replace earlier run folders.")] = False,
    no_plots: Annotated[bool, typer.Option("--no-plots", help="Skip plots and HTML reports.")] = False,
    quiet: Quiet = False,
    set_: SetOption = None,
    inflexible: Inflexible = False,
) -> None:
    """Run the base and scenarios and write one comparison CSV (k of N done and an ETA on the way)."""
    from energy.scenarios import compare

    names = [s.strip() for s in scenarios.split(",") if s.strip()] if scenarios else None
    table = compare(model, names, jobs, out=out, overwrite=overwrite, plots=not no_plots,
                    progress="none" if quiet else "auto", start=start, end=end, resolution=resolution,
                    time_limit_s=time_limit, mip_gap=mip_gap, threads=threads,
                    inflexible=inflexible or None, overrides=overrides_of(set_), cluster=cluster)
    cols = ["scenario", "status", "total_cost_usd", "total_cost_usd_delta_pct", "emissions_tco2",
            "emissions_tco2_delta_pct", "peak_import_kw"]
    shown = table[[c for c in cols if c in table.columns]]
    _echo(shown.to_string(index=False, float_format=lambda v: f"{v:,.1f}"))
    _echo(f"wrote {table.attrs.get('path')}")
    if not no_plots and table.attrs.get("path") is not None:
        _echo(f"report: {Path(table.attrs['path']).with_name('comparison.html')}")
    failed = table.attrs.get("failed", [])
    if failed:
        for _, r in table[table["scenario"].isin(failed)].iterrows():
            typer.secho(f"error: scenario {r['scenario']!r} failed: {r['error']}", err=True, fg="red")
        raise typer.Exit(EXIT_PARTIAL)


@app.command("scenarios")
def scenarios_cmd(model: Model, quiet: Quiet = False) -> None:
    """List the model's scenarios with their descriptions and what they change (instant: nothing is built)."""
    from energy.scenarios import scenario_overview

    for row in scenario_overview(model):
        _echo(f"{row['scenario']:<20} {row['description']}")
        if row["changes"] and not quiet:
            _echo(f"{'':<20}   changes: {', '.join(row['changes'])}")


@app.command("sweep")
def sweep_cmd(
    model: Model,
    vary: Annotated[list[str] | None, typer.Option(
        "--vary", metavar="KEY=VALUES",
        help="A model key and its values: KEY=v1,v2,... or KEY=start:stop:count; with --samples also "
             "KEY=normal(mu,sd), uniform(lo,hi) or triangular(lo,mode,hi). Repeatable.")] = None,
    zip_: Annotated[bool, typer.Option("--zip", help="Pair the --vary lists instead of the grid.")] = False,
    samples: Annotated[int | None, typer.Option("--samples", min=1, help="Monte Carlo: this many samples "
                                                "of weather, vessel schedule and --vary draws.")] = None,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the Monte Carlo draws.")] = 0,
    weather_files: Annotated[str | None, typer.Option(
        "--weather-files", help="Monte Carlo: comma-separated weather files to draw from "
                                "(default: the synthetic weather's seed varies).")] = None,
    delay: Annotated[float | None, typer.Option(
        "--arrival-delay-h", min=0,
        help="Monte Carlo: mean vessel arrival delay, Erlang of shape vessels.arrival_delay_erlang_k [h].")] = None,
    scenario: Scenario = None,
    size: Annotated[bool, typer.Option("--size", help="Size PV, wind and battery at each point (as `size`).")] = False,
    jobs: Jobs = 1,
    cluster: Cluster = None,
    out: Out = None,
    start: Start = None,
    end: End = None,
    resolution: Resolution = None,
    time_limit: Annotated[float | None, typer.Option("--time-limit", help="Solver time limit per point [s].")] = None,
    mip_gap: Annotated[float | None, typer.Option("--mip-gap", help="Relative MIP gap.")] = None,
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Replace an earlier sweep folder.")] = False,
    no_plots: Annotated[bool, typer.Option("--no-plots", help="Skip plots and sweep.html.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress lines.")] = False,
    set_: SetOption = None,
) -> None:
    """Run a grid of model keys (or Monte Carlo samples) and write sweep.csv, plots and sweep.html.

    Finished points are kept: a stopped sweep started again runs only the rest.
    Exits 4 if some points failed (the others still finish).
    """
    from energy.sweep import print_summary, sweep

    table = sweep(model, vary, scenario=scenario, zip=zip_, samples=samples, seed=seed,
                  weather_files=[f.strip() for f in weather_files.split(",") if f.strip()] if weather_files else None,
                  arrival_delay_mean_h=delay, jobs=jobs, cluster=cluster, out=out, overwrite=overwrite,
                  plots=not no_plots, progress="none" if quiet else "plain", overrides=overrides_of(set_),
                  size=size, start=start, end=end, resolution=resolution, time_limit_s=time_limit,
                  mip_gap=mip_gap)
    keys = [c for c in table.columns if "." in c]
    print_summary(table, keys)
    _echo(f"wrote {table.attrs['path']}")
    failed = table[table["status"] == "failed"]
    for _, r in failed.iterrows():
        typer.secho(f"error: point {r['point']} failed: {_one_line(Exception(r['error']))}", err=True, fg="red")
    if len(failed):
        raise typer.Exit(EXIT_PARTIAL)


def print_economics(k: dict) -> None:
    """The investment figures of a run against business as usual."""
    def opt(v, fmt):
        return "-" if v is None else fmt.format(v)

    _echo(f"investment: capex {_fmt(k.get('capex_usd'))} USD, annualised {_fmt(k.get('annualised_capex_usd'))} "
          f"USD/yr, O&M {_fmt(k.get('om_usd_per_year'))} USD/yr; bill {_fmt(k.get('bill_usd_per_year'))} USD/yr "
          f"against {_fmt(k.get('bau_bill_usd_per_year'))} USD/yr business as usual")
    _echo(f"NPV {_fmt(k.get('npv_usd'))} USD, IRR {opt(k.get('irr'), '{:.1%}')}, payback "
          f"{opt(k.get('simple_payback_years'), '{:.1f}')} yr (discounted {opt(k.get('discounted_payback_years'), '{:.1f}')}"
          f" yr), LCOE {opt(k.get('lcoe_usd_per_kwh'), '{:.4f}')} USD/kWh, "
          f"{opt(k.get('usd_per_tco2_avoided'), '{:,.0f}')} USD/tCO2 avoided")


@app.command("size")
def size_cmd(
    model: Model,
    scenario: Scenario = None,
    start: Start = None,
    end: End = None,
    resolution: Resolution = None,
    out: Out = None,
    time_limit: TimeLimit = None,
    mip_gap: MipGap = None,
    threads: Threads = None,
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Replace an earlier sizing's folder.")] = False,
    no_plots: Annotated[bool, typer.Option("--no-plots", help="Skip plots and the HTML report.")] = False,
    inflexible: Inflexible = False,
    flexibility_value: Annotated[bool, typer.Option(
        "--flexibility-value", help="Also size with inflexible work and report what the port's crane and "
        "truck scheduling is worth (USD/yr, battery kWh).")] = False,
    quiet: Quiet = False,
    set_: SetOption = None,
) -> None:
    """Choose PV kWp, wind turbines and battery kWh/kW with the dispatch, then run at those sizes."""
    from energy.progress import Progress
    from energy.sizing import size

    with Progress.for_cli(quiet) as progress:
        sr = size(model, scenario, out=out, start=start, end=end, resolution=resolution, time_limit_s=time_limit,
                  mip_gap=mip_gap, threads=threads, overwrite=overwrite, plots=not no_plots, inflexible=inflexible,
                  flexibility_value=flexibility_value, progress=progress,
                  overrides=overrides_of(set_))
    k = sr.kpis
    _echo(f"sizes: PV {_fmt(k['pv_kwp'])} kWp ("
          + ", ".join(f"{n.removeprefix('pv_kwp_')} {_fmt(v)}" for n, v in k.items() if n.startswith("pv_kwp_"))
          + f"); wind {k['wind_units']} turbine(s); battery {_fmt(k['battery_kwh'])} kWh / {_fmt(k['battery_kw'])} kW")
    _echo(f"sizing: {k['sizing_status']}, {_fmt(k['sizing_annual_cost_usd'])} USD/yr (bill + annualised capex and O&M of the "
          f"sized assets); build {k['sizing_build_s']:.1f} s, solve {k['sizing_solve_s']:.1f} s, total {k['total_s']:.1f} s")
    for note in filter(None, k.get("sizing_notes", "").split(" | ")):
        _echo(f"note: {note}")
    print_kpis(k)
    print_economics(k)
    if "flexibility_value_usd_per_year" in k:
        _echo(f"value of the port's flexibility: {_fmt(k['flexibility_value_usd_per_year'])} USD/yr; with "
              f"inflexible work the sizing picks {_fmt(k['inflexible_battery_kwh'])} kWh of battery "
              f"({_fmt(k['flexibility_battery_kwh'])} kWh more) and {_fmt(k['inflexible_pv_kwp'])} kWp of PV")
    if sr.run.folder is not None:
        _echo(f"wrote {sr.run.folder}")


@app.command("pareto")
def pareto_cmd(
    model: Model,
    scenario: Scenario = None,
    points: Annotated[int, typer.Option("--points", "-n", help="Points of the front, both ends included.")] = 10,
    size: Annotated[bool, typer.Option("--size", help="Choose the sized assets at each point: investment + operation.")] = False,
    start: Start = None,
    end: End = None,
    resolution: Resolution = None,
    out: Out = None,
    time_limit: Annotated[float | None, typer.Option("--time-limit", help="Solver time limit per point [s].",
                                                     metavar="SECONDS")] = None,
    mip_gap: MipGap = None,
    threads: Threads = None,
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Replace an earlier front's folder.")] = False,
    no_plots: Annotated[bool, typer.Option("--no-plots", help="Skip pareto.png and pareto.html.")] = False,
    quiet: Quiet = False,
    set_: SetOption = None,
) -> None:
    """Solve the cost-emissions front of one scenario and write its pareto folder."""
    from energy.pareto import pareto
    from energy.progress import Progress

    with Progress.for_cli(quiet) as progress:
        pr = pareto(model, scenario, points=points, size=size, out=out, start=start, end=end,
                    resolution=resolution, time_limit_s=time_limit, mip_gap=mip_gap, threads=threads,
                    overwrite=overwrite, plots=not no_plots, progress=progress,
                    overrides=overrides_of(set_))
    t = pr.table
    _echo(f"{pr.config.model.name} / {pr.config.scenario}: {len(t)} points of the cost-emissions front "
          f"in {pr.timings['total_s']:.1f} s (solve {pr.timings['solve_s']:.1f} s)")
    for _, r in t.iterrows():
        a = r["abatement_cost_usd_per_t"]
        _echo(f"  {int(r['point']):>2} {r['kind']:<13} cost {_fmt(r['total_cost_usd'])} USD, emissions "
              f"{_fmt(r['emissions_tco2'], 1)} tCO2" + ("" if a != a else f", {_fmt(a)} USD/t avoided"))
    if pr.folder is not None:
        _echo(f"wrote {pr.folder}")


def _one_line(exc: BaseException) -> str:
    """An exception's message on one line (the CLI promises one line per error)."""
    return " ".join(str(exc).split())


@app.command("report")
def report_cmd(
    run_dir: Annotated[Path, typer.Argument(help="A finished run folder, e.g. reports/chancay/base.")],
    week: Week = None,
    quiet: Quiet = False,
) -> None:
    """Rebuild the plots and report.html of a finished run from its CSVs (no solving).

    With --week the chosen week's dispatch plot replaces the default week plots.
    """
    from energy.progress import Progress
    from energy.report.runfolder import rebuild_report

    with Progress.for_cli(quiet) as progress:
        progress("plots")
        path = rebuild_report(run_dir, week)
    _echo(f"wrote {path}")


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the app, turning user errors into one line and an exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    try:
        rv = app(args=args, standalone_mode=False)
        if isinstance(rv, int) and rv:
            return rv  # typer.Exit(code) inside a command, returned in non-standalone mode
    except SolveError as exc:
        if debug:
            raise
        typer.secho(f"error: {_one_line(exc)}", err=True, fg="red")
        return EXIT_SOLVE
    except EnergyError as exc:
        if debug:
            raise
        typer.secho(f"error: {_one_line(exc)}", err=True, fg="red")
        return EXIT_INPUT
    except OSError as exc:  # the file system refused (not a folder, no permission, disk full)
        if debug:
            raise
        where = echo(str(exc.filename), quote=False) if exc.filename is not None else "file system"
        typer.secho(f"error: {where}: {exc.strerror or _one_line(exc)}; expected a readable file or a "
                    "writable reports folder (see --out)", err=True, fg="red")
        return EXIT_INPUT
    except (KeyboardInterrupt, typer.Abort):
        typer.secho("interrupted: no report was written or replaced"
                    + ("; the points finished so far are kept: run the same sweep again to go on"
                       if "sweep" in args else ""), err=True, fg="red")
        return EXIT_INTERRUPTED
    except typer.Exit as exc:
        return exc.exit_code
    except Exception as exc:
        # usage errors: click's exception API (typer may vendor click, so duck-type it)
        if hasattr(exc, "show") and isinstance(getattr(exc, "exit_code", None), int):
            exc.show()
            return exc.exit_code
        if debug:
            raise
        typer.secho(f"internal error: {type(exc).__name__}: {_one_line(exc)} (run with --debug for the "
                    "traceback)", err=True, fg="red")
        return 70
    return 0


if __name__ == "__main__":
    sys.exit(main())
