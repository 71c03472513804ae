"""Pictures of a run and of a scenario comparison, and the run's HTML report.

The entry points the run folder and the comparison call: :func:`write_run_plots`,
:func:`write_comparison_report` (:func:`energy.report.runfolder.rebuild_report` redraws a
finished run folder with the first). The weeks and months come from
:mod:`energy.report.periods` (the monthly bill is :func:`energy.kpis.monthly_bill`), the
run figures are drawn by :mod:`energy.report.figures` with the kit of
:mod:`energy.report.drawing` (matplotlib's object API, never pyplot). No Pyomo here: the
inputs are the plain tables of :mod:`energy.optimise.extract`.

Run figures (one PNG each, in the run folder)

===========================  =====================================================
file                         what it shows
===========================  =====================================================
``dispatch_summer.png``,     one week: stacked supply (PV used, wind used, battery
``dispatch_winter.png``      discharge, grid import) over stacked demand (fixed
(or ``dispatch.png`` for a   load, shore power, reefer compressors, cranes,
                             trucks, battery charge, export), peak
horizon of a week or less,   hours shaded, battery state of charge underneath;
``dispatch_<date>.png`` for  the summer week is the busiest crane week of Jan-Mar,
a chosen week)               the winter one that of the garua season (Jun-Sep)
``battery.png``              state of charge and charge/discharge (daily for long
                             horizons); absent without a battery
``crane_call.png``           the busiest vessel call: cranes working per step
                             against the import price, its work span shaded
``monthly_energy.png``       monthly PV, wind, grid import (bars) and load (line)
``monthly_cost.png``         monthly cost split: energy, capacity charges, wear,
                             carbon, unserved
``energy_balance.png``,      the overview figures of :mod:`energy.report.charts`
``import_duration.png``,     (energy balance, import duration curve, import
``import_heatmap.png``,      heat map, monthly emissions, berth/crane timeline)
``monthly_emissions.png``,
``call_gantt.png``
``reefer_temperatures.png``  each reefer class's temperature in its band over the
                             first dispatch week; absent in fixed reefer mode
===========================  =====================================================

plus ``report.html`` (:mod:`energy.report.html`). A comparison writes
``comparison.png`` (cost against emissions) and ``comparison.html``.
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Callable
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.text import Text

from energy.errors import EnergyError
from energy.kpis import check_dispatch
from energy.report import files
from energy.report import html as html_mod
from energy.report.charts import (
    figure_call_gantt,
    figure_comparison_assets,
    figure_comparison_costs,
    figure_comparison_waterfall,
    figure_energy_balance,
    figure_import_duration,
    figure_import_heatmap,
    figure_monthly_emissions,
    noise_threshold_usd,
)
from energy.report.drawing import (
    COLOURS,
    STYLE,
    has_battery,
    mpl_text,
    new_figure,
    peak_label,
    save_png,
    thousands,
)
from energy.report.figures import (
    figure_battery,
    figure_cashflow,
    figure_crane_call,
    figure_dispatch,
    figure_monthly_costs,
    figure_monthly_energy,
    figure_reefer_temperatures,
)
from energy.report.periods import (
    energy_balance,
    monthly_costs,
    monthly_energy,
    monthly_table,
    select_weeks,
)
from energy.report.tools import step_ends

__all__ = ["figure_comparison", "write_comparison_report", "write_run_plots"]


# --------------------------------------------------------------------------- run report
def _names(folder: Path, assumptions: dict, model_name: str | None,
           scenario: str | None) -> tuple[str, str]:
    """Heading names: as given, else from the assumptions, else from the run-folder layout
    ``<reports>/<model>/<scenario>`` (a staging folder ``.<scenario>.staging-*`` included)."""
    a = assumptions or {}
    folder = Path(folder).resolve()
    staged = re.fullmatch(r"\.(.+)\.staging-.*", folder.name)
    s = scenario or a.get("scenario") or (staged.group(1) if staged else folder.name) or "base"
    m = model_name or a.get("model") or folder.parent.name or (
        Path(a["model_file"]).stem if a.get("model_file") else "model")
    return str(m), str(s)


class _Drawer:
    """Draws figures into a run folder, keeping each PNG as a chart of the report.

    A figure that fails for any reason but bad input is left out with a warning (and a
    line in the report), so one broken figure never loses the report.
    """

    def __init__(self, folder: Path):
        self.folder = folder
        self.paths: list[Path] = []
        self.charts: list[html_mod.Chart] = []
        self.problems: list[str] = []

    def draw(self, name: str, title: str, caption: str, make: Callable[[], Figure | None]) -> None:
        try:
            with matplotlib.rc_context(STYLE):
                fig = make()
                if fig is None:
                    return
                path = self.folder / f"{name}.png"
                png = save_png(fig, path)
        except EnergyError:
            raise
        except Exception as exc:  # one broken figure must not lose the report
            msg = f"figure {name}.png could not be drawn: {type(exc).__name__}: {exc}"
            warnings.warn(msg, RuntimeWarning, stacklevel=3)
            self.problems.append(msg)
            return
        self.paths.append(path)
        self.charts.append(html_mod.Chart(path.name, title, caption, png))


def _draw_run_figures(dr: _Drawer, dispatch: pd.DataFrame, jobs: pd.DataFrame, kpis: dict,
                      a: dict, picks, me: pd.DataFrame, mc: pd.DataFrame) -> None:
    """The figures of the module's table, in the report's order."""
    peak_txt = peak_label(a)
    soc_txt = " Bottom: battery state of charge." if has_battery(dispatch, a) else ""
    for p in picks:
        dr.draw(p.name, p.title, f"{p.why}. Top: supply stacked (PV used, wind used, battery discharge, "
                f"grid import); black line: site load. Middle: demand stacked (fixed load, shore power and "
                f"scheduled reefer compressors when present, cranes, trucks, battery charge, export). Shaded: {peak_txt}.{soc_txt}",
                lambda p=p: figure_dispatch(dispatch, p, a))
    if picks:
        dr.draw("reefer_temperatures", "Reefer temperatures in their bands",
                f"{picks[0].title}: each reefer class's temperature at the end of every step (line) inside its "
                f"allowed band (shaded) around the set-point (dashed); its electric power on the right axis. "
                f"Shaded: {peak_txt}.",
                lambda: figure_reefer_temperatures(dispatch, picks[0], a))
    dr.draw("battery", "Battery state of charge",
            "Stored energy (dashed: usable limits) and charge/discharge, daily for horizons over a month.",
            lambda: figure_battery(dispatch, a, kpis))
    dr.draw("crane_call", "Crane work of the busiest vessel call against the import price",
            "Cranes working on the call per step (dark blue) and on other jobs of its pool (light blue); "
            f"import price on the right axis; the call's work span and the {peak_txt} shaded.",
            lambda: figure_crane_call(dispatch, jobs, a))
    dr.draw("monthly_energy", "Monthly energy balance",
            "Energy per calendar month: PV, wind and grid import stacked; load (fixed + cranes + trucks) "
            "as the line. Partial months say how many days they hold.",
            lambda: figure_monthly_energy(me))
    dr.draw("monthly_cost", "Monthly cost split",
            "Energy, capacity charges (prorated for partial months), battery wear, carbon and unserved "
            "load per month; the diamond marks the month's total.",
            lambda: figure_monthly_costs(mc, me["hours"].to_numpy(dtype=float)))


def _draw_overview_figures(dr: _Drawer, dispatch: pd.DataFrame, jobs: pd.DataFrame, a: dict,
                           calls: pd.DataFrame | None, monthly: pd.DataFrame) -> None:
    """The overview figures of :mod:`energy.report.charts`."""
    soc0 = None
    b = a.get("battery") or {}
    try:
        if float(b.get("energy_kwh") or 0) > 0:
            soc0 = float(b["energy_kwh"]) * float(b["soc_initial"])
    except (KeyError, TypeError, ValueError):
        soc0 = None
    balance = energy_balance(dispatch, soc0)
    dr.draw("energy_balance", "Energy balance of the horizon",
            "Sources (PV and wind used, grid import, battery discharge, unserved) and uses (fixed load, "
            "cranes, trucks, battery charge, export) of all the energy over the horizon; equal totals.",
            lambda: figure_energy_balance(balance))
    dr.draw("import_duration", "Grid import duration curve",
            "Grid import of every step, sorted from highest to lowest, against the hours it is reached or "
            "exceeded; red dots: steps in peak hours (they set the generation capacity charge).",
            lambda: figure_import_duration(dispatch))
    dr.draw("import_heatmap", "Grid import by hour and day",
            "Mean grid import in each hour of each day (local time): the battery's evening peak shaving and "
            "the PV midday show as dark bands.",
            lambda: figure_import_heatmap(dispatch))
    dr.draw("monthly_emissions", "Monthly emissions",
            "Emissions of grid import per month [tCO2] and per MWh of site load [kgCO2/MWh].",
            lambda: figure_monthly_emissions(monthly))
    if calls is not None and len(calls):
        dr.draw("call_gantt", "Vessel calls: berth and crane timeline",
                "Each call's berth window (light bar) on a berth lane, calls packed in arrival order; the "
                "darker cells are steps with crane work, darker for more cranes.",
                lambda: figure_call_gantt(calls, jobs, dispatch))


def write_run_plots(folder: Path, dispatch: pd.DataFrame, jobs: pd.DataFrame, kpis: dict,
                    assumptions: dict, week: str | None = None, *, model_name: str | None = None,
                    scenario: str | None = None, calls: pd.DataFrame | None = None,
                    cashflow: pd.DataFrame | None = None) -> list[Path]:
    """Write a run's figures (PNG) and ``report.html`` into ``folder``.

    Parameters
    ----------
    folder : Path
        The run folder (or its staging folder).
    dispatch : pandas.DataFrame
        Dispatch table of :mod:`energy.optimise.extract` (tz-aware index, ``dt_h`` column).
    jobs : pandas.DataFrame
        Crane work per job and step (may be empty).
    kpis : dict
        Key figures and solver fields (any may be missing).
    assumptions : dict
        What the model assumed (assets, tariff, emissions, sources, notes) and the
        ``bill_rates`` the optimisation used (the monthly bill is priced with them).
    week : str, optional
        ISO date: draw the week starting that day instead of the default weeks.
    model_name, scenario : str, optional
        Names for the report's heading (default: ``assumptions["model"]`` and
        ``["scenario"]`` when present, else the folder layout
        ``<reports>/<model>/<scenario>``, staging folder included).
    calls : pandas.DataFrame, optional
        The per-call table (:func:`energy.report.calls.call_table`) for the berth timeline.
    cashflow : pandas.DataFrame, optional
        The yearly cash flow against business as usual: drawn as ``cashflow.png``.

    Returns
    -------
    list of Path
        The PNGs written, then ``report.html``.

    Raises
    ------
    energy.errors.EnergyError
        A dispatch table without a tz-aware index or ``dt_h``; a ``week`` that is
        not a date inside the horizon; assumptions without ``bill_rates``.
    """
    folder = Path(folder)
    check_dispatch(dispatch)
    a = assumptions or {}
    k = kpis or {}
    jobs = jobs if jobs is not None else pd.DataFrame()
    picks = select_weeks(dispatch, week, a)
    me = monthly_energy(dispatch)
    mc = monthly_costs(dispatch, a)
    dr = _Drawer(folder)
    _draw_run_figures(dr, dispatch, jobs, k, a, picks, me, mc)
    dr.draw("cashflow", "Cash flow against business as usual",
            "Net cash flow per year (capital cost in year 0, then savings less O&M, replacements and tax, "
            "salvage in the last year); solid: cumulative, dashed: cumulative discounted at the real "
            "discount rate. Where a line crosses zero is the (discounted) payback.",
            lambda: figure_cashflow(cashflow))
    mt = monthly_table(dispatch, a)  # the bill per month and emissions, USD/MWh, kWh/TEU, USD/move
    _draw_overview_figures(dr, dispatch, jobs, a, calls, mt)
    mc = mt
    m, s = _names(folder, a, model_name, scenario)
    page = html_mod.run_report_html(model_name=m, scenario=s, kpis=k, assumptions=a, charts=dr.charts,
                                    monthly_energy=me, monthly_costs=mc, problems=dr.problems,
                                    horizon=(dispatch.index[0], step_ends(dispatch)[-1], len(dispatch)))
    return [*dr.paths, files.write_text(folder / "report.html", page)]


# --------------------------------------------------------------------------- comparison
def _failed_mask(c: pd.DataFrame) -> np.ndarray:
    status = c["status"].astype(str).str.lower() if "status" in c.columns else pd.Series("", index=c.index)
    err = c["error"].fillna("").astype(str).str.strip() if "error" in c.columns else pd.Series("", index=c.index)
    cost = pd.to_numeric(c.get("total_cost_usd"), errors="coerce") if "total_cost_usd" in c.columns \
        else pd.Series(np.nan, index=c.index)
    em = pd.to_numeric(c.get("emissions_tco2"), errors="coerce") if "emissions_tco2" in c.columns \
        else pd.Series(np.nan, index=c.index)
    bad = status.isin(["failed", "error", "infeasible", "unbounded"]) | (err != "")
    return (bad | ~np.isfinite(cost) | ~np.isfinite(em)).to_numpy()


def _place_labels(fig: Figure, ax, xs, ys, names) -> None:
    """Label points, each at the nearest free spot (a thin leader line when it sits apart).

    Candidates ring the point at growing distances; the first whose box overlaps
    no point, no earlier label and stays inside the axes is taken.
    """
    renderer = fig.canvas.get_renderer()
    fig.draw_without_rendering()
    pts = ax.transData.transform(np.column_stack([xs, ys]))
    placed = [(px - 6, py - 6, px + 6, py + 6) for px, py in pts]
    axbox = ax.get_window_extent(renderer)
    dirs = [(1, 1, "left", "bottom"), (1, -1, "left", "top"), (-1, 1, "right", "bottom"),
            (-1, -1, "right", "top"), (0, 1, "center", "bottom"), (0, -1, "center", "top"),
            (1, 0, "left", "center"), (-1, 0, "right", "center")]
    candidates = [(r * dx, r * dy, ha, va) for r in (7, 18, 30, 44) for dx, dy, ha, va in dirs]

    def overlaps(bb) -> bool:
        for x0, y0, x1, y1 in placed:
            if bb.x0 < x1 and bb.x1 > x0 and bb.y0 < y1 and bb.y1 > y0:
                return True
        return bb.x0 < axbox.x0 or bb.x1 > axbox.x1 or bb.y0 < axbox.y0 or bb.y1 > axbox.y1

    def dist(bb, p) -> float:
        return math.hypot(max(bb.x0 - p[0], 0.0, p[0] - bb.x1), max(bb.y0 - p[1], 0.0, p[1] - bb.y1))

    def ambiguous(bb, k: int) -> bool:
        """A label without a leader line must sit clearly nearest its own point."""
        own = dist(bb, pts[k])
        return any(dist(bb, q) < own + 6.0 for i, q in enumerate(pts) if i != k)

    for k, (x, y, name) in enumerate(zip(xs, ys, names, strict=True)):
        chosen = None
        for dx, dy, ha, va in candidates:
            far = abs(dx) > 7 or abs(dy) > 7
            t = ax.annotate(name, (x, y), xytext=(dx, dy), textcoords="offset points", ha=ha, va=va,
                            fontsize=8.5, zorder=5,
                            arrowprops={"arrowstyle": "-", "color": "#8A8A8A", "lw": 0.7,
                                        "shrinkA": 1, "shrinkB": 4} if far else None)
            t.update_positions(renderer)
            bb = Text.get_window_extent(t, renderer)  # the text alone, not its leader line
            if not overlaps(bb) and (far or not ambiguous(bb, k)):
                chosen = bb
                break
            t.remove()
        if chosen is None:
            t = ax.annotate(name, (x, y), xytext=(7, 7), textcoords="offset points", fontsize=8.5)
            chosen = t.get_window_extent(renderer)
        placed.append((chosen.x0 - 2, chosen.y0 - 1, chosen.x1 + 2, chosen.y1 + 1))


def figure_comparison(comparison: pd.DataFrame, model_name: str) -> Figure:
    """Total cost against emissions, one labelled point per scenario that ran."""
    c = comparison.reset_index(drop=True)
    failed = _failed_mask(c)
    ok = c[~failed]
    fig = new_figure(10.5, 6.4)
    ax = fig.subplots()
    names = [mpl_text(n) for n in ok["scenario"].astype(str)]
    xs = pd.to_numeric(ok["emissions_tco2"]).to_numpy(dtype=float)
    ys = pd.to_numeric(ok["total_cost_usd"]).to_numpy(dtype=float)
    if len(ok):
        order = np.lexsort((ys, xs))
        front, best = [], math.inf
        for i in order:  # non-dominated: no scenario is both cheaper and cleaner
            if ys[i] < best - 1e-9:
                front.append(i)
                best = ys[i]
        if len(front) > 1:
            front = sorted(front, key=lambda i: xs[i])
            ax.plot(xs[front], ys[front], color="#999999", lw=1, ls="--", zorder=1,
                    label="non-dominated (no scenario cheaper and cleaner)")
        is_base = (ok["scenario"].astype(str) == "base").to_numpy()
        ax.scatter(xs[~is_base], ys[~is_base], s=46, color=COLOURS["crane"], zorder=3, label="scenario")
        if is_base.any():
            ax.scatter(xs[is_base], ys[is_base], s=120, marker="*", color=COLOURS["pv"],
                       edgecolor="black", lw=0.6, zorder=4, label="base")
        xr = (xs.max() - xs.min()) or max(abs(xs.max()), 1.0)
        yr = (ys.max() - ys.min()) or max(abs(ys.max()), 1.0)
        ax.set_xlim(xs.min() - 0.12 * xr, xs.max() + 0.22 * xr)
        ax.set_ylim(ys.min() - 0.12 * yr, ys.max() + 0.15 * yr)
        fig.legend(loc="outside upper right", ncols=3)
        _place_labels(fig, ax, xs, ys, names)
    else:
        ax.text(0.5, 0.5, "no scenario finished", transform=ax.transAxes, ha="center", va="center",
                fontsize=12, color=COLOURS["unserved"])
    ax.set_xlabel("Emissions [tCO2]")
    ax.set_ylabel("Total cost [USD]")
    thousands(ax.xaxis, 0 if (len(xs) and np.nanmax(np.abs(xs)) > 20) else 1)
    thousands(ax.yaxis)
    ax.set_title(mpl_text(f"{model_name}: cost against emissions, one point per scenario"), loc="left",
                 fontsize=12)
    bad = c[failed]
    if len(bad):
        lines = [str(n) for n in bad["scenario"].astype(str)]
        txt = mpl_text("not plotted (failed): " + ", ".join(lines))
        fig.text(0.01, 0.005, txt, fontsize=8.5, color=COLOURS["unserved"], ha="left", va="bottom",
                 wrap=True)
        fig.get_layout_engine().set(rect=(0, 0.05, 1, 0.95))
    return fig


def write_comparison_report(folder: Path, comparison: pd.DataFrame, model_name: str) -> list[Path]:
    """Write ``comparison.png`` (cost against emissions) and ``comparison.html``.

    Failed scenarios (status ``failed``, an error message or no KPIs) are listed
    in the chart and the table, not plotted.

    Returns
    -------
    list of Path
        ``[comparison.png, comparison_assets.png, comparison_costs.png,
        comparison_waterfall.png, comparison.html]`` (a chart with nothing to show is left out).
    """
    folder = Path(folder)
    if "scenario" not in comparison.columns:
        raise EnergyError("comparison: expected a 'scenario' column, found "
                          + (", ".join(map(str, comparison.columns)) or "no columns"))
    with matplotlib.rc_context(STYLE):
        fig = figure_comparison(comparison, model_name)
        png_path = folder / "comparison.png"
        png = save_png(fig, png_path)
    chart = html_mod.Chart(png_path.name, "Cost against emissions",
                           "One point per scenario that ran; failed scenarios are listed below the "
                           "chart and in the table.", png)
    failed = _failed_mask(comparison.reset_index(drop=True))
    ok = comparison.reset_index(drop=True)[~failed]
    dr = _Drawer(folder)
    dr.draw("comparison_assets", "Asset sizes",
            "PV [MWp], wind [MW] and battery energy [MWh] / power [MW] built in each scenario.",
            lambda: figure_comparison_assets(ok))
    dr.draw("comparison_costs", "Cost split",
            "Each scenario's bill over the horizon, term by term; the number is the total [USD].",
            lambda: figure_comparison_costs(ok))
    dr.draw("comparison_waterfall", "Against the base, term by term",
            "From the base's total cost (grey bar) through the change of each bill term to the "
            "scenario's total; changes within the MIP gap are grey: solver noise, not a difference.",
            lambda: figure_comparison_waterfall(ok))
    page = html_mod.comparison_html(model_name=model_name, comparison=comparison, chart=chart,
                                    failed=failed, charts=dr.charts,
                                    noise_usd=noise_threshold_usd(ok) if len(ok) else 0.0)
    return [png_path, *dr.paths, files.write_text(folder / "comparison.html", page)]
