"""Pictures of a run and of a scenario comparison, and the run's HTML report.

Every figure is drawn with matplotlib's object API (:class:`matplotlib.figure.Figure`
rendered by Agg), never through :mod:`matplotlib.pyplot`: no figure is registered
with pyplot (``plt.get_fignums()`` stays empty), the user's backend is never
touched, and each figure is dropped as soon as its PNG is written, so many runs
in one process do not grow its memory. No Pyomo here: the inputs are the plain
tables of :mod:`energy.results`.

Run figures (one PNG each, in the run folder)

===========================  =====================================================
file                         what it shows
===========================  =====================================================
``dispatch_summer.png``,     one week: stacked supply (PV used, wind used, battery
``dispatch_winter.png``      discharge, grid import) over stacked demand (fixed
(or ``dispatch.png`` for a   load, cranes, trucks, battery charge, export), peak
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
===========================  =====================================================

plus ``report.html`` (:mod:`energy.html`). A comparison writes
``comparison.png`` (cost against emissions) and ``comparison.html``.
"""

from __future__ import annotations

import io
import json
import math
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import matplotlib
import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.text import Text
from matplotlib.ticker import FuncFormatter, MaxNLocator

from energy import html as html_mod
from energy import report
from energy.errors import EnergyError
from energy.inputs import month_fractions

__all__ = [
    "COLOURS",
    "monthly_costs",
    "monthly_energy",
    "parse_week",
    "rebuild_report",
    "select_weeks",
    "write_comparison_report",
    "write_run_plots",
]

#: One colour per quantity, the same in every figure.
COLOURS = {
    "pv": "#E3A400",
    "pv_light": "#F7DC8A",
    "wind": "#11908E",
    "wind_light": "#8FD3D1",
    "battery": "#6A3D9A",
    "battery_light": "#C2ABDD",
    "grid": "#8C8C8C",
    "grid_light": "#D0D0D0",
    "load": "#000000",
    "fixed": "#4D4D4D",
    "crane": "#1F5FA6",
    "truck": "#86B6E3",
    "unserved": "#D62728",
    "peak": "#F6D3D3",
    "window": "#DCE9F6",
    "price": "#B03A2E",
    "cap_gen": "#2F4A66",
    "cap_dist": "#8497B0",
    "carbon": "#8C564B",
}

DPI = 110
_STYLE = {
    "font.size": 9.5,
    "axes.titlesize": 10.5,
    "axes.labelsize": 9.5,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#E3E3E3",
    "grid.linewidth": 0.7,
    "axes.axisbelow": True,
    "legend.fontsize": 8.5,
    "legend.frameon": False,
    "hatch.linewidth": 0.6,
}
_PEAK_VEIL = "#E06060"
_SUMMER = {-1: (1, 2, 3), 1: (6, 7, 8)}  # by hemisphere sign: south (-1), north (+1)
_WINTER = {-1: (6, 7, 8, 9), 1: (12, 1, 2)}
_WEEK = pd.Timedelta(days=7)
_STEP_TOL = pd.Timedelta(minutes=1)


# --------------------------------------------------------------------------- helpers
def _col(d: pd.DataFrame, name: str) -> np.ndarray:
    """A column as floats, zeros when it is absent (NaN -> 0)."""
    if name not in d.columns:
        return np.zeros(len(d))
    return np.nan_to_num(d[name].to_numpy(dtype=float), nan=0.0)


def _dt(d: pd.DataFrame) -> np.ndarray:
    return d["dt_h"].to_numpy(dtype=float)


def _ends(d: pd.DataFrame) -> pd.DatetimeIndex:
    """End of each step (start + ``dt_h``)."""
    return d.index + pd.to_timedelta(_dt(d) * 3600.0, unit="s")


def _local(t) -> np.ndarray:
    """Site-local wall-clock times (naive), for plotting."""
    idx = pd.DatetimeIndex(t)
    return (idx.tz_localize(None) if idx.tz is not None else idx).to_numpy()


def _edges(d: pd.DataFrame) -> np.ndarray:
    """Step boundaries (n + 1) in local wall-clock time."""
    ends = _ends(d)
    return _local(d.index.append(ends[-1:]))


def _ext(a: np.ndarray) -> np.ndarray:
    """Values repeated at the last edge, for ``step="post"`` drawing."""
    return np.append(a, a[-1]) if len(a) else a


def _tzname(idx: pd.DatetimeIndex) -> str:
    return str(idx.tz) if idx.tz is not None else "local"


def _power_scale(max_kw: float) -> tuple[float, str]:
    return (1000.0, "MW") if max_kw >= 2000.0 else (1.0, "kW")


def _energy_scale(max_kwh: float) -> tuple[float, str]:
    return (1000.0, "MWh") if max_kwh >= 2000.0 else (1.0, "kWh")


def _thousands(ax_axis, decimals: int = 0) -> None:
    ax_axis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:,.{decimals}f}"))


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """``[i0, i1)`` index ranges where ``mask`` is true."""
    m = np.concatenate([[False], np.asarray(mask, dtype=bool), [False]])
    diff = np.diff(m.astype(np.int8))
    return list(zip(np.flatnonzero(diff == 1).tolist(), np.flatnonzero(diff == -1).tolist(), strict=True))


def _shade_peaks(axes, d: pd.DataFrame, over: bool = False) -> bool:
    """Shade the peak-hour steps on every axis; True when any was shaded.

    ``over=True`` lays a translucent veil over filled areas (so the peak hours
    show on stacked supply too) instead of a band behind the data.
    """
    if "is_peak" not in d.columns or not len(d):
        return False
    peak = d["is_peak"].to_numpy().astype(bool)
    edges = _edges(d)
    spans = _runs(peak)
    for ax in axes:
        for i0, i1 in spans:
            if over:
                ax.axvspan(edges[i0], edges[i1], facecolor=_PEAK_VEIL, alpha=0.16, lw=0, zorder=2.5)
                ax.axvspan(edges[i0], edges[i1], ymin=0.965, ymax=1.0, facecolor=COLOURS["price"],
                           alpha=0.75, lw=0, zorder=3)
            else:
                ax.axvspan(edges[i0], edges[i1], color=COLOURS["peak"], alpha=0.55, lw=0, zorder=0)
    return bool(spans)


def _peak_patch(assumptions: dict, over: bool = False) -> Patch:
    if over:
        return Patch(facecolor=_PEAK_VEIL, alpha=0.35, edgecolor=COLOURS["price"],
                     label=_peak_label(assumptions))
    return Patch(facecolor=COLOURS["peak"], alpha=0.55, label=_peak_label(assumptions))


def _peak_label(assumptions: dict) -> str:
    t = (assumptions or {}).get("tariff") or {}
    a, b = t.get("peak_start_hour"), t.get("peak_end_hour")
    if a is not None and b is not None:
        return f"peak hours {int(a):02d}-{int(b):02d} h"
    return "peak hours"


def _time_axis(ax, t0, t1, tzname: str, label: bool = True) -> None:
    """Ticks for a local-time axis from ``t0`` to ``t1`` (naive local)."""
    days = (pd.Timestamp(t1) - pd.Timestamp(t0)) / pd.Timedelta(days=1)
    if days <= 3.5:
        ax.xaxis.set_major_locator(mdates.HourLocator(byhour=[0, 6, 12, 18]))

        def fmt(x, _pos):
            t = mdates.num2date(x)
            return t.strftime("%a %d %b") if t.hour == 0 else t.strftime("%H:%M")

        ax.xaxis.set_major_formatter(FuncFormatter(fmt))
        ax.xaxis.set_minor_locator(mdates.HourLocator(byhour=range(3, 24, 6)))
    elif days <= 10.5:
        ax.xaxis.set_major_locator(mdates.DayLocator())
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%a %d %b"))
        ax.xaxis.set_minor_locator(mdates.HourLocator(byhour=[6, 12, 18]))
        ax.grid(True, which="minor", color="#F0F0F0", linewidth=0.5)
    elif days <= 60:
        ax.xaxis.set_major_locator(mdates.WeekdayLocator(byweekday=mdates.MO))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%d %b"))
        ax.xaxis.set_minor_locator(mdates.DayLocator())
    else:
        ax.xaxis.set_major_locator(mdates.MonthLocator())
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%b\n%Y" if days > 400 else "%b"))
    ax.set_xlim(t0, t1)
    if label:
        ax.set_xlabel(f"local time ({tzname})")


def _fill(ax, x, lo, hi, colour, label, hatch=None, edge=None):
    ax.fill_between(x, _ext(lo), _ext(hi), step="post", facecolor=colour, label=label, hatch=hatch,
                    edgecolor=edge if edge is not None else colour, linewidth=0.0)


def _stack(ax, x, parts, scale: float) -> np.ndarray:
    """Stacked step areas; parts = (label, kW values, colour, hatch, edge). Returns the top."""
    base = np.zeros(len(x) - 1)
    for label, v, colour, hatch, edge in parts:
        if not np.any(v > 1e-9):
            continue
        top = base + v / scale
        _fill(ax, x, base, top, colour, label, hatch, edge)
        base = top
    return base


def _txt(s) -> str:
    """User text for matplotlib: a ``$`` is a dollar sign, not the start of mathtext."""
    return str(s).replace("$", r"\$")


def _save(fig: Figure, path: Path) -> bytes:
    """Render a figure to PNG bytes, write them atomically, and drop the figure's contents."""
    buf = io.BytesIO()
    try:
        FigureCanvasAgg(fig)
        fig.savefig(buf, format="png", dpi=DPI)
    finally:
        fig.clear()
    data = buf.getvalue()
    report.write_bytes(path, data)
    return data


def _figure(w: float, h: float) -> Figure:
    fig = Figure(figsize=(w, h), dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _hemisphere(assumptions: dict) -> int:
    lat = ((assumptions or {}).get("site") or {}).get("latitude")
    try:
        return 1 if float(lat) > 0 else -1
    except (TypeError, ValueError):
        return -1


def _battery_energy(assumptions: dict) -> float:
    b = (assumptions or {}).get("battery") or {}
    try:
        return float(b.get("energy_kwh") or 0.0)
    except (TypeError, ValueError):
        return 0.0


def _has_battery(d: pd.DataFrame, assumptions: dict) -> bool:
    if _battery_energy(assumptions) > 0:
        return True
    cols = ("battery_soc_kwh", "battery_charge_kw", "battery_discharge_kw")
    return any(np.any(np.abs(_col(d, c)) > 1e-9) for c in cols)


def _check_dispatch(d: pd.DataFrame) -> None:
    if not isinstance(d.index, pd.DatetimeIndex) or d.index.tz is None:
        raise EnergyError("dispatch: expected a tz-aware DatetimeIndex (site-local time), "
                          f"found {type(d.index).__name__} without a time zone")
    if "dt_h" not in d.columns:
        raise EnergyError("dispatch: expected a 'dt_h' column (step length in hours), found none")
    if not len(d):
        raise EnergyError("dispatch: expected at least one time step, found an empty table")


# --------------------------------------------------------------------------- weeks
@dataclass(frozen=True)
class WeekPick:
    """A stretch of the horizon to draw as a dispatch figure."""

    name: str  #: file stem, e.g. ``dispatch_summer``
    start: pd.Timestamp  #: first step start (tz-aware)
    end: pd.Timestamp  #: end of the stretch (exclusive, tz-aware)
    title: str  #: heading of the figure
    why: str  #: how it was chosen


def parse_week(week: str, tz) -> pd.Timestamp:
    """The local midnight starting a chosen week.

    Parameters
    ----------
    week : str
        ISO date, e.g. ``"2025-07-14"``.
    tz : str or tzinfo
        Site time zone.

    Raises
    ------
    energy.errors.EnergyError
        When ``week`` is not an ISO date.
    """
    try:
        t = pd.Timestamp(str(week).strip())
    except (ValueError, TypeError) as exc:
        raise EnergyError(f"week: expected an ISO date such as 2025-07-14, found {week!r}") from exc
    if pd.isna(t):
        raise EnergyError(f"week: expected an ISO date such as 2025-07-14, found {week!r}")
    t = t.tz_localize(tz) if t.tz is None else t.tz_convert(tz)
    return t.normalize()


def check_week(week: str, start: pd.Timestamp, end: pd.Timestamp) -> pd.Timestamp:
    """Check a chosen week against a horizon before any work is done (e.g. by the CLI).

    Parameters
    ----------
    week : str
        ISO date of the week's first day.
    start, end : pandas.Timestamp
        Horizon start and (exclusive) end, tz-aware.

    Returns
    -------
    pandas.Timestamp
        The local midnight starting the week.

    Raises
    ------
    energy.errors.EnergyError
        When ``week`` is not a date, or no part of its day lies inside the horizon.
    """
    s = parse_week(week, start.tz)
    if not (start.normalize() <= s < end):
        raise EnergyError(
            f"week: {week} is outside the horizon {start:%Y-%m-%d %H:%M} - {end:%Y-%m-%d %H:%M} "
            f"({start.tz}); give a date inside it"
        )
    return s


def _window_sums(idx: pd.DatetimeIndex, values: np.ndarray, starts: pd.DatetimeIndex,
                 length: pd.Timedelta) -> np.ndarray:
    cum = np.concatenate([[0.0], np.cumsum(values)])
    i0 = idx.searchsorted(starts)
    i1 = idx.searchsorted(starts + length)
    return cum[i1] - cum[i0]


def select_weeks(dispatch: pd.DataFrame, week: str | None = None,
                 assumptions: dict | None = None) -> list[WeekPick]:
    """The stretches the dispatch figures show.

    - ``week`` given: the seven days from that local midnight (cut to the horizon).
    - A horizon of a week or less: the whole horizon, once.
    - Otherwise a summer week (Jan-Mar in the southern hemisphere) and a winter,
      garua week (Jun-Sep): in each season the week (starting at local midnight)
      with the most crane energy, or, without crane work, the sunniest summer and
      the dullest winter week. A season the horizon does not cover is left out;
      covering neither, the busiest week of the horizon is shown.

    Raises
    ------
    energy.errors.EnergyError
        A chosen ``week`` that is not a date or lies outside the horizon.
    """
    d = dispatch
    _check_dispatch(d)
    idx = d.index
    h0, h1 = idx[0], _ends(d)[-1]
    fmt = "%a %d %b %Y"

    def span_text(a, b):
        last = b - pd.Timedelta(seconds=1)
        return f"{a.strftime(fmt)} - {last.strftime(fmt)}" if last.date() != a.date() else a.strftime(fmt)

    if week is not None:
        s = check_week(week, h0, h1)
        a, b = max(s, h0), min(s + _WEEK, h1)
        return [WeekPick(f"dispatch_{s:%Y-%m-%d}", a, b, f"Dispatch, week {span_text(a, b)}",
                         "chosen week")]
    if h1 - h0 <= _WEEK + _STEP_TOL:
        return [WeekPick("dispatch", h0, h1, f"Dispatch, {span_text(h0, h1)}", "whole horizon")]

    dt = _dt(d)
    crane = _col(d, "crane_load_kw") * dt
    pv = _col(d, "pv_available_kw") * dt
    starts = pd.date_range(h0.normalize(), h1, freq="D", tz=idx.tz)
    starts = starts[(starts >= h0) & (starts + _WEEK <= h1)]
    if not len(starts):
        starts = pd.DatetimeIndex([h0])
    c = _window_sums(idx, crane, starts, _WEEK)
    p = _window_sums(idx, pv, starts, _WEEK)
    mid_month = (starts + _WEEK / 2).month
    has_cranes = crane.sum() > 0
    hemi = _hemisphere(assumptions or {})
    picks: list[WeekPick] = []

    def best(mask: np.ndarray, sunny: bool) -> int:
        ii = np.flatnonzero(mask)
        if has_cranes:
            key = np.lexsort((-p[ii], -c[ii]))  # most crane energy, then most sun
        else:
            key = np.argsort(-p[ii] if sunny else p[ii], kind="stable")
        return int(ii[key[0]])

    seasons = [
        ("summer", _SUMMER[hemi], True, "summer week", "Jan-Mar" if hemi < 0 else "Jun-Aug"),
        ("winter", _WINTER[hemi], False, "garúa winter week" if hemi < 0 else "winter week",
         "Jun-Sep" if hemi < 0 else "Dec-Feb"),
    ]
    for name, months, sunny, label, months_text in seasons:
        mask = np.isin(mid_month, months)
        if not mask.any():
            continue
        i = best(mask, sunny)
        if has_cranes:
            why = f"busiest crane week of {months_text}"
        else:
            why = f"{'sunniest' if sunny else 'dullest'} week of {months_text}"
        a, b = starts[i], starts[i] + _WEEK
        picks.append(WeekPick(f"dispatch_{name}", a, b, f"Dispatch, {label} {span_text(a, b)}", why))
    if not picks:
        i = best(np.ones(len(starts), dtype=bool), True)
        a, b = starts[i], min(starts[i] + _WEEK, h1)
        why = "busiest crane week of the horizon" if has_cranes else "sunniest week of the horizon"
        picks.append(WeekPick("dispatch_week", a, b, f"Dispatch, week {span_text(a, b)}", why))
    return picks


# --------------------------------------------------------------------------- monthly tables
def _months(idx: pd.DatetimeIndex) -> pd.PeriodIndex:
    return (idx.tz_localize(None) if idx.tz is not None else idx).to_period("M")


def monthly_energy(dispatch: pd.DataFrame) -> pd.DataFrame:
    """Energy per calendar month (site-local). [MWh]

    Returns
    -------
    pandas.DataFrame
        Indexed by month (Period), columns ``pv_mwh``, ``wind_mwh``,
        ``battery_discharge_mwh``, ``battery_charge_mwh``, ``grid_import_mwh``,
        ``grid_export_mwh``, ``unserved_mwh``, ``pv_curtailed_mwh``,
        ``wind_curtailed_mwh``, ``fixed_load_mwh``, ``crane_mwh``, ``truck_mwh``,
        ``load_mwh`` (fixed + cranes + trucks), ``hours`` and ``month_fraction``
        (share of the calendar month inside the horizon).
    """
    d = dispatch
    _check_dispatch(d)
    dt = _dt(d)
    cols = {
        "pv_mwh": "pv_kw", "wind_mwh": "wind_kw", "battery_discharge_mwh": "battery_discharge_kw",
        "battery_charge_mwh": "battery_charge_kw", "grid_import_mwh": "grid_import_kw",
        "grid_export_mwh": "grid_export_kw", "unserved_mwh": "unserved_kw",
        "pv_curtailed_mwh": "pv_curtailed_kw", "wind_curtailed_mwh": "wind_curtailed_kw",
        "fixed_load_mwh": "fixed_load_kw", "crane_mwh": "crane_load_kw", "truck_mwh": "truck_load_kw",
    }
    months = _months(d.index)
    data = {k: _col(d, c) * dt / 1000.0 for k, c in cols.items()}
    data["hours"] = dt
    out = pd.DataFrame(data, index=months).groupby(level=0).sum()
    out["load_mwh"] = out["fixed_load_mwh"] + out["crane_mwh"] + out["truck_mwh"]
    out["month_fraction"] = month_fractions(d.index, dt).reindex(out.index).to_numpy(dtype=float)
    out.index.name = "month"
    return out


def _get(dct: dict, *path, default=None):
    cur = dct
    for p in path:
        if not isinstance(cur, dict) or p not in cur:
            return default
        cur = cur[p]
    return default if cur is None else cur


def _rate(given, kpi_total, driver_total: float) -> float:
    """A unit rate: as given, else the run's total over its driver, else 0."""
    if given is not None:
        try:
            return float(given)
        except (TypeError, ValueError):
            pass
    if kpi_total is not None and driver_total > 0:
        try:
            v = float(kpi_total)
        except (TypeError, ValueError):
            return 0.0
        return v / driver_total if math.isfinite(v) else 0.0
    return 0.0


def monthly_costs(dispatch: pd.DataFrame, assumptions: dict | None = None,
                  kpis: dict | None = None) -> pd.DataFrame:
    """The bill per calendar month, from the dispatch and the tariff. [USD]

    - ``import_cost_usd`` = sum dt * import price * import
    - ``export_revenue_usd`` = sum dt * export price * export
    - ``energy_cost_usd`` = import cost - export revenue
    - ``capacity_generation_usd`` = generation rate x the month's max import in
      peak steps x month fraction; ``capacity_distribution_usd`` likewise with the
      distribution rate and the max over all steps (rates from
      ``assumptions['tariff']``; month fraction = share of the calendar month in
      the horizon, as in :func:`energy.results.kpis_from_dispatch`)
    - ``battery_wear_usd`` = wear cost x discharged energy
    - ``carbon_cost_usd`` = carbon price x emissions (dt * factor * import)
    - ``unserved_cost_usd`` = value of lost load x unserved energy
    - ``total_cost_usd`` = energy + capacity + wear + carbon + unserved

    Wear cost, carbon price and value of lost load come from ``assumptions``
    (``battery.wear_cost_usd_per_kwh``, ``emissions.carbon_price_usd_per_t``,
    ``solver.value_of_lost_load_usd_per_kwh``); one that is missing there is
    taken as the run's KPI total over its driver, so the months still add up.
    """
    d = dispatch
    _check_dispatch(d)
    a = assumptions or {}
    k = kpis or {}
    dt = _dt(d)
    imp, exp = _col(d, "grid_import_kw"), _col(d, "grid_export_kw")
    months = _months(d.index)

    def by_month(v: np.ndarray) -> pd.Series:
        return pd.Series(v, index=months).groupby(level=0).sum()

    imp_s = pd.Series(imp, index=months)
    max_all = imp_s.groupby(level=0).max()
    peak = d["is_peak"].to_numpy().astype(bool) if "is_peak" in d.columns else np.zeros(len(d), bool)
    max_peak = imp_s[peak].groupby(level=0).max().reindex(max_all.index, fill_value=0.0)
    frac = month_fractions(d.index, dt).reindex(max_all.index).to_numpy(dtype=float)
    r_gen = _rate(_get(a, "tariff", "generation_capacity_usd_per_kw_month"), None, 0.0)
    r_dist = _rate(_get(a, "tariff", "distribution_capacity_usd_per_kw_month"), None, 0.0)

    e_dis = _col(d, "battery_discharge_kw") * dt
    e_uns = _col(d, "unserved_kw") * dt
    emis_kg = _col(d, "grid_emission_kg_per_kwh") * imp * dt
    wear_given = _get(a, "battery", "wear_cost_usd_per_kwh")
    r_wear = _rate(wear_given, k.get("battery_wear_usd"), float(e_dis.sum()))
    carbon_t = _get(a, "emissions", "carbon_price_usd_per_t")
    r_carbon = _rate(None if carbon_t is None else float(carbon_t) / 1000.0,
                     k.get("carbon_cost_usd"), float(emis_kg.sum()))
    voll = _get(a, "solver", "value_of_lost_load_usd_per_kwh",
                default=a.get("value_of_lost_load_usd_per_kwh"))
    r_voll = _rate(voll, k.get("unserved_cost_usd"), float(e_uns.sum()))

    out = pd.DataFrame(index=max_all.index)
    out["import_cost_usd"] = by_month(dt * _col(d, "import_price_usd_per_kwh") * imp)
    out["export_revenue_usd"] = by_month(dt * _col(d, "export_price_usd_per_kwh") * exp)
    out["energy_cost_usd"] = out["import_cost_usd"] - out["export_revenue_usd"]
    out["capacity_generation_usd"] = r_gen * max_peak.to_numpy() * frac
    out["capacity_distribution_usd"] = r_dist * max_all.to_numpy() * frac
    out["battery_wear_usd"] = r_wear * by_month(e_dis)
    out["carbon_cost_usd"] = r_carbon * by_month(emis_kg)
    out["unserved_cost_usd"] = r_voll * by_month(e_uns)
    out["total_cost_usd"] = out[["energy_cost_usd", "capacity_generation_usd",
                                 "capacity_distribution_usd", "battery_wear_usd",
                                 "carbon_cost_usd", "unserved_cost_usd"]].sum(axis=1)
    out["peak_import_kw"] = max_peak.to_numpy()
    out["max_import_kw"] = max_all.to_numpy()
    out["month_fraction"] = frac
    out.index.name = "month"
    return out


# --------------------------------------------------------------------------- run figures
def _month_labels(index: pd.PeriodIndex, frac: np.ndarray, days: np.ndarray) -> list[str]:
    many = len(index) > 6
    labels = []
    for i, (p, f, dd) in enumerate(zip(index, frac, days, strict=True)):
        lab = p.strftime("%b\n%Y") if not many or i == 0 or p.month == 1 else p.strftime("%b")
        if f < 0.999:
            lab += f"\n({dd:.0f} d)" if dd >= 1 else f"\n({dd * 24:.0f} h)"
        labels.append(lab)
    return labels


def figure_dispatch(dispatch: pd.DataFrame, pick: WeekPick, assumptions: dict | None = None) -> Figure:
    """Supply over demand for one stretch, peak hours shaded, SOC underneath."""
    a = assumptions or {}
    d = dispatch[(dispatch.index >= pick.start) & (dispatch.index < pick.end)]
    x = _edges(d)
    tz = _tzname(dispatch.index)
    pv, wind = _col(d, "pv_kw"), _col(d, "wind_kw")
    dis, ch = _col(d, "battery_discharge_kw"), _col(d, "battery_charge_kw")
    imp, exp = _col(d, "grid_import_kw"), _col(d, "grid_export_kw")
    uns = _col(d, "unserved_kw")
    fixed, crane, truck = _col(d, "fixed_load_kw"), _col(d, "crane_load_kw"), _col(d, "truck_load_kw")
    pva, wa = _col(d, "pv_available_kw"), _col(d, "wind_available_kw")
    supply = pv + wind + dis + imp + uns
    demand = fixed + crane + truck + ch + exp
    top_kw = float(max(supply.max(), demand.max(), pva.max(), 1e-9))
    scale, unit = _power_scale(top_kw)
    battery = _has_battery(dispatch, a)

    fig = _figure(12.5, 8.2 if battery else 7.0)
    ratios = [3, 3, 1.3] if battery else [3, 3]
    axes = fig.subplots(len(ratios), 1, sharex=True, gridspec_kw={"height_ratios": ratios})
    ax_s, ax_d = axes[0], axes[1]
    shaded = _shade_peaks(axes[:2], d, over=True)
    if battery:
        _shade_peaks(axes[2:], d)

    _stack(ax_s, x, [
        ("PV used", pv, COLOURS["pv"], None, None),
        ("wind used", wind, COLOURS["wind"], None, None),
        ("battery discharge", dis, COLOURS["battery"], None, None),
        ("grid import", imp, COLOURS["grid"], None, None),
        ("unserved", uns, COLOURS["unserved"], "xx", "white"),
    ], scale)
    if np.any(pva - pv > 1e-6):
        ax_s.step(x, _ext(pva / scale), where="post", color=COLOURS["pv"], lw=1.0, ls=(0, (3, 2)),
                  label="PV available (gap = curtailed)")
    if np.any(wa - wind > 1e-6):
        ax_s.step(x, _ext(wa / scale), where="post", color=COLOURS["wind"], lw=1.0, ls=(0, (3, 2)),
                  label="wind available (gap = curtailed)")
    ax_s.step(x, _ext((fixed + crane + truck) / scale), where="post", color=COLOURS["load"], lw=1.3,
              label="site load (fixed + cranes + trucks)")
    _stack(ax_d, x, [
        ("fixed load", fixed, COLOURS["fixed"], None, None),
        ("cranes", crane, COLOURS["crane"], None, None),
        ("trucks", truck, COLOURS["truck"], None, None),
        ("battery charge", ch, COLOURS["battery_light"], "///", COLOURS["battery"]),
        ("grid export", exp, COLOURS["grid_light"], "\\\\\\", COLOURS["grid"]),
    ], scale)
    ymax = top_kw / scale * 1.08
    for ax, what in ((ax_s, "Supply"), (ax_d, "Demand")):
        ax.set_ylim(0, ymax)
        ax.set_ylabel(f"{what} [{unit}]")
        _thousands(ax.yaxis, 0 if ymax > 20 else 1)
        handles, labels = ax.get_legend_handles_labels()
        if shaded:
            handles.append(_peak_patch(a, over=True))
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.005, 1.0))
    ax_s.set_title("Supply: where the power came from", loc="left")
    ax_d.set_title("Demand: where it went", loc="left")

    if battery:
        ax_b = axes[2]
        e_cap = _battery_energy(a)
        soc = _col(d, "battery_soc_kwh")
        escale, eunit = _energy_scale(max(e_cap, float(soc.max()) if len(soc) else 0.0))
        ends = _local(_ends(d))
        ax_b.plot(ends, soc / escale, color=COLOURS["battery"], lw=1.4, label="state of charge")
        ax_b.fill_between(ends, 0, soc / escale, color=COLOURS["battery_light"], alpha=0.5, lw=0)
        if e_cap > 0:
            ax_b.set_ylim(0, e_cap / escale * 1.05)
        else:
            ax_b.set_ylim(bottom=0)
        ax_b.set_ylabel(f"SOC [{eunit}]")
        ax_b.set_title("Battery state of charge (end of step)", loc="left")
        ax_b.legend(loc="upper left", bbox_to_anchor=(1.005, 1.0))
    _time_axis(axes[-1], x[0], x[-1], tz)
    fig.suptitle(f"{pick.title}  ({pick.why})", fontsize=12, x=0.01, ha="left")
    return fig


def figure_battery(dispatch: pd.DataFrame, assumptions: dict | None = None,
                   kpis: dict | None = None) -> Figure | None:
    """State of charge and charge/discharge; None without a battery."""
    a = assumptions or {}
    d = dispatch
    if not _has_battery(d, a):
        return None
    b = a.get("battery") or {}
    e_cap = _battery_energy(a)
    soc = _col(d, "battery_soc_kwh")
    ch, dis = _col(d, "battery_charge_kw"), _col(d, "battery_discharge_kw")
    escale, eunit = _energy_scale(max(e_cap, float(soc.max())))
    tz = _tzname(d.index)
    x = _edges(d)
    days = (x[-1] - x[0]) / np.timedelta64(1, "D")
    fig = _figure(12.5, 6.2)
    ax_s, ax_p = fig.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [3, 2]})

    if days <= 31.5:
        _shade_peaks([ax_s, ax_p], d)
        ends = _local(_ends(d))
        t = ends
        y = soc
        s0 = b.get("soc_initial")
        if s0 is not None and e_cap > 0:
            t = np.concatenate([x[:1], ends])
            y = np.concatenate([[float(s0) * e_cap], soc])
        ax_s.plot(t, y / escale, color=COLOURS["battery"], lw=1.5, label="state of charge (end of step)")
        ax_s.fill_between(t, 0, y / escale, color=COLOURS["battery_light"], alpha=0.45, lw=0)
        pscale, punit = _power_scale(float(max(ch.max(), dis.max(), 1e-9)))
        _fill(ax_p, x, np.zeros(len(d)), ch / pscale, COLOURS["battery_light"], "charge (+)", "///",
              COLOURS["battery"])
        _fill(ax_p, x, -dis / pscale, np.zeros(len(d)), COLOURS["battery"], "discharge (-)")
        ax_p.set_ylabel(f"Power [{punit}]")
        handles, labels = ax_p.get_legend_handles_labels()
        handles.append(_peak_patch(a))
        ax_p.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.005, 1.0))
        ax_s.set_title("State of charge", loc="left")
        ax_p.set_title("Charge and discharge power (AC)", loc="left")
    else:
        day = pd.DatetimeIndex(_local(d.index)).normalize()
        g = pd.DataFrame({"soc": soc, "ch": ch * _dt(d), "dis": dis * _dt(d)}, index=day).groupby(level=0)
        lo, hi, mean = g["soc"].min(), g["soc"].max(), g["soc"].mean()
        days_x = lo.index.to_numpy() + np.timedelta64(12, "h")
        ax_s.fill_between(days_x, lo / escale, hi / escale, color=COLOURS["battery_light"], alpha=0.7,
                          lw=0, label="daily range")
        ax_s.plot(days_x, mean / escale, color=COLOURS["battery"], lw=1.2, label="daily mean")
        e_ch, e_dis = g["ch"].sum(), g["dis"].sum()
        qscale, qunit = _energy_scale(float(max(e_ch.max(), e_dis.max(), 1e-9)))
        dx = np.append(lo.index.to_numpy(), lo.index.to_numpy()[-1:] + np.timedelta64(1, "D"))
        zero = np.zeros(len(e_ch))
        _fill(ax_p, dx, zero, e_ch.to_numpy() / qscale, COLOURS["battery_light"], "charged (+)")
        _fill(ax_p, dx, -e_dis.to_numpy() / qscale, zero, COLOURS["battery"], "discharged (-)")
        ax_p.set_ylabel(f"Energy [{qunit}/day]")
        ax_p.legend(loc="upper left", bbox_to_anchor=(1.005, 1.0))
        ax_s.set_title("State of charge, daily range and mean", loc="left")
        ax_p.set_title("Energy charged and discharged per day (AC)", loc="left")
    ax_p.axhline(0, color="#555555", lw=0.8)
    if e_cap > 0:
        label = "usable limits (SOC min, max)"
        for frac in (b.get("soc_max"), b.get("soc_min")):
            if frac is not None:
                ax_s.axhline(float(frac) * e_cap / escale, color="#555555", lw=0.9, ls="--", label=label)
                label = None
        ax_s.set_ylim(0, e_cap / escale * 1.05)
    else:
        ax_s.set_ylim(bottom=0)
    ax_s.set_ylabel(f"Stored energy [{eunit}]")
    ax_s.legend(loc="upper left", bbox_to_anchor=(1.005, 1.0))
    _thousands(ax_p.yaxis, 1)
    _time_axis(ax_p, x[0], x[-1], tz)
    title = "Battery"
    if e_cap > 0:
        p = b.get("charge_power_kw")
        title += f" {e_cap / escale:,.1f} {eunit}" + (f" / {float(p) / 1000:,.1f} MW" if p else "")
    cyc = (kpis or {}).get("battery_cycles")
    if isinstance(cyc, int | float) and math.isfinite(cyc):
        title += f": {cyc:,.1f} equivalent full cycles"
    fig.suptitle(title, fontsize=12, x=0.01, ha="left")
    return fig


def _job_times(jobs: pd.DataFrame, tz) -> pd.DatetimeIndex:
    ts = pd.to_datetime(jobs["timestamp"], utc=True, format="ISO8601") \
        if jobs["timestamp"].dtype == object else pd.to_datetime(jobs["timestamp"], utc=True)
    return pd.DatetimeIndex(ts).tz_convert(tz)


def figure_crane_call(dispatch: pd.DataFrame, jobs: pd.DataFrame,
                      assumptions: dict | None = None) -> Figure | None:
    """Cranes working on the busiest vessel call against the import price; None without calls."""
    if jobs is None or not len(jobs) or not {"job", "timestamp", "cranes", "moves"} <= set(jobs.columns):
        return None
    d = dispatch
    j = jobs.copy()
    j["_t"] = _job_times(j, d.index.tz)
    vessel = j[j["kind"] == "vessel"] if "kind" in j.columns else j
    kind = "Vessel call"
    if not len(vessel):
        vessel, kind = j, "Crane job"
    totals = vessel.groupby("job")["moves"].sum()
    name = totals.idxmax()
    rows = vessel[vessel["job"] == name].sort_values("_t")
    cranes = rows.groupby("_t")["cranes"].sum()
    step_end = pd.Series(_ends(d), index=d.index)
    w0 = rows["_t"].iloc[0]
    w1 = step_end.get(rows["_t"].iloc[-1], rows["_t"].iloc[-1])
    window_text = "work span"
    if {"window_start", "window_end"} <= set(rows.columns):
        ws = pd.to_datetime(rows["window_start"].iloc[0], utc=True)
        we = pd.to_datetime(rows["window_end"].iloc[0], utc=True)
        if pd.notna(ws) and pd.notna(we):
            w0, w1 = ws.tz_convert(d.index.tz), we.tz_convert(d.index.tz)
            window_text = "berth window"
    margin = max(pd.Timedelta(hours=6), (w1 - w0) * 0.3)
    v = d[(d.index >= w0 - margin) & (d.index < w1 + margin)]
    if not len(v):
        return None
    x = _edges(v)
    n_call = cranes.reindex(v.index, fill_value=0.0).to_numpy(dtype=float)
    pool = rows["pool"].iloc[0] if "pool" in rows.columns else None
    pool_col = f"cranes_{pool}_working"
    price = _col(v, "import_price_usd_per_kwh")

    fig = _figure(12.5, 5.0)
    ax = fig.subplots()
    _shade_peaks([ax], v)
    lw0, lw1 = _local([w0])[0], _local([w1])[0]
    for t in (lw0, lw1):
        ax.axvline(t, color=COLOURS["crane"], lw=1.0, ls=(0, (4, 3)), zorder=1)
    ax.axvspan(lw0, lw1, ymin=0.94, ymax=1.0, facecolor=COLOURS["window"], lw=0, zorder=1)
    _fill(ax, x, np.zeros(len(v)), n_call, COLOURS["crane"], _txt(f"cranes on {name}"))
    top = float(n_call.max())
    if pool is not None and pool_col in v.columns:
        pool_n = _col(v, pool_col)
        other = np.clip(pool_n - n_call, 0.0, None)
        if np.any(other > 1e-6):
            _fill(ax, x, n_call, n_call + other, COLOURS["truck"],
                  _txt(f"{str(pool).upper()} cranes on other jobs"))
        top = max(top, float((n_call + other).max()))
    ax.set_ylim(0, max(top, 1.0) * 1.25 + 0.5)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel("Cranes working [cranes]")
    ax2 = ax.twinx()
    ax2.spines["right"].set_visible(True)
    ax2.grid(False)
    ax2.step(x, _ext(price), where="post", color=COLOURS["price"], lw=1.6, label="import price")
    pmax = float(price.max()) if len(price) else 0.0
    ax2.set_ylim(0, pmax * 1.3 if pmax > 0 else 1.0)
    ax2.set_ylabel("Import price [USD/kWh]", color=COLOURS["price"])
    ax2.tick_params(axis="y", colors=COLOURS["price"])
    ax2.yaxis.set_major_formatter(FuncFormatter(lambda val, _p: f"{val:.3f}"))
    handles, _ = ax.get_legend_handles_labels()
    h2, _ = ax2.get_legend_handles_labels()
    handles += h2 + [Patch(facecolor=COLOURS["window"], edgecolor=COLOURS["crane"], ls="--",
                           label=window_text),
                     _peak_patch(assumptions or {})]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.06, 1.0))
    _time_axis(ax, x[0], x[-1], _tzname(d.index))
    moves = float(rows["moves"].sum())
    e = float(rows["energy_kwh"].sum()) if "energy_kwh" in rows.columns else float("nan")
    e_txt = f", {e / 1000:,.1f} MWh" if math.isfinite(e) else ""
    fmt = "%a %d %b %H:%M"
    fig.suptitle(_txt(f"{kind} {name} (the busiest): {moves:,.0f} moves{e_txt}; {window_text} "
                 f"{w0.strftime(fmt)} - {w1.strftime(fmt)}"), fontsize=12, x=0.01, ha="left")
    return fig


def figure_monthly_energy(me: pd.DataFrame) -> Figure:
    """Stacked monthly supply (PV, wind, grid import) with the load as a line. [MWh]"""
    n = len(me)
    fig = _figure(max(7.5, min(12.5, 2.5 + 0.85 * n)), 4.8)
    ax = fig.subplots()
    xs = np.arange(n)
    w = 0.62
    base = np.zeros(n)
    for col, label, colour, hatch, edge in (
        ("pv_mwh", "PV used", COLOURS["pv"], None, None),
        ("wind_mwh", "wind used", COLOURS["wind"], None, None),
        ("grid_import_mwh", "grid import", COLOURS["grid"], None, None),
        ("unserved_mwh", "unserved", COLOURS["unserved"], None, None),
        ("pv_curtailed_mwh", "PV curtailed (not used)", "white", "///", COLOURS["pv"]),
        ("wind_curtailed_mwh", "wind curtailed (not used)", "white", "///", COLOURS["wind"]),
    ):
        v = me[col].to_numpy(dtype=float)
        if not np.any(v > 1e-9):
            continue
        ax.bar(xs, v, w, bottom=base, color=colour, label=label, hatch=hatch,
               edgecolor=edge if edge else colour, linewidth=0.6 if edge else 0)
        base = base + v
    exp = me["grid_export_mwh"].to_numpy(dtype=float)
    if np.any(exp > 1e-9):
        ax.bar(xs, -exp, w, color=COLOURS["grid_light"], hatch="\\\\\\", edgecolor=COLOURS["grid"],
               linewidth=0.6, label="grid export")
        ax.axhline(0, color="#555555", lw=0.8)
    load = me["load_mwh"].to_numpy(dtype=float)
    ax.plot(xs, load, color=COLOURS["load"], marker="o", ms=5, lw=1.6,
            label="load (fixed + cranes + trucks)")
    days = me["hours"].to_numpy(dtype=float) / 24.0
    ax.set_xticks(xs, _month_labels(me.index, me["month_fraction"].to_numpy(dtype=float), days))
    ax.set_xlim(-0.6, n - 0.4)
    ax.grid(False, axis="x")
    ax.set_ylabel("Energy [MWh]")
    _thousands(ax.yaxis, 0 if base.max() > 20 else 1)
    ax.legend(loc="upper left", bbox_to_anchor=(1.005, 1.0))
    ax.set_title("Monthly energy balance: supply (bars) and load (line)", loc="left", fontsize=12)
    return fig


_COST_PARTS = (
    ("energy_cost_usd", "energy", COLOURS["grid"]),
    ("capacity_generation_usd", "capacity: generation (peak hours)", COLOURS["cap_gen"]),
    ("capacity_distribution_usd", "capacity: distribution", COLOURS["cap_dist"]),
    ("battery_wear_usd", "battery wear", COLOURS["battery"]),
    ("carbon_cost_usd", "carbon", COLOURS["carbon"]),
    ("unserved_cost_usd", "unserved load", COLOURS["unserved"]),
)


def figure_monthly_costs(mc: pd.DataFrame, hours: np.ndarray) -> Figure:
    """Stacked monthly cost components with the total marked. [USD]"""
    n = len(mc)
    fig = _figure(max(7.5, min(12.5, 2.5 + 0.85 * n)), 4.8)
    ax = fig.subplots()
    xs = np.arange(n)
    w = 0.62
    pos, neg = np.zeros(n), np.zeros(n)
    has_export = np.any(mc["export_revenue_usd"].to_numpy(dtype=float) > 1e-9)
    parts = list(_COST_PARTS)
    if has_export:
        parts[0] = ("import_cost_usd", "energy (import)", COLOURS["grid"])
    for col, label, colour in parts:
        v = mc[col].to_numpy(dtype=float)
        if not np.any(np.abs(v) > 1e-9):
            continue
        vp, vn = np.clip(v, 0, None), np.clip(v, None, 0)
        ax.bar(xs, vp, w, bottom=pos, color=colour, label=label, linewidth=0)
        if np.any(vn < 0):
            ax.bar(xs, vn, w, bottom=neg, color=colour, linewidth=0)
        pos, neg = pos + vp, neg + vn
    if has_export:
        v = -mc["export_revenue_usd"].to_numpy(dtype=float)
        ax.bar(xs, v, w, bottom=neg, color=COLOURS["grid_light"], hatch="\\\\\\",
               edgecolor=COLOURS["grid"], linewidth=0.6, label="export revenue")
        neg = neg + v
    if np.any(neg < 0):
        ax.axhline(0, color="#555555", lw=0.8)
    total = mc["total_cost_usd"].to_numpy(dtype=float)
    ax.plot(xs, total, ls="none", marker="D", ms=5, color=COLOURS["load"], label="total")
    span = float(max(pos.max(), 1e-9) - min(neg.min(), 0.0))
    for xi, t, top in zip(xs, total, pos, strict=True):
        ax.annotate(_short_usd(t), (xi, max(top, t)), xytext=(0, 4), textcoords="offset points",
                    ha="center", va="bottom", fontsize=8)
    ax.set_ylim(min(neg.min(), 0.0) * 1.1, pos.max() + 0.12 * span if span > 0 else 1.0)
    days = np.asarray(hours, dtype=float) / 24.0
    ax.set_xticks(xs, _month_labels(mc.index, mc["month_fraction"].to_numpy(dtype=float), days))
    ax.set_xlim(-0.6, n - 0.4)
    ax.grid(False, axis="x")
    ax.set_ylabel("Cost [USD]")
    _thousands(ax.yaxis)
    ax.legend(loc="upper left", bbox_to_anchor=(1.005, 1.0))
    ax.set_title("Monthly cost split", loc="left", fontsize=12)
    return fig


def _short_usd(v: float) -> str:
    if not math.isfinite(v):
        return ""
    a = abs(v)
    if a >= 1e6:
        return f"{v / 1e6:,.2f} M"
    if a >= 1e4:
        return f"{v / 1e3:,.0f} k"
    if a >= 1e3:
        return f"{v / 1e3:,.1f} k"
    return f"{v:,.0f}"


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


def write_run_plots(folder: Path, dispatch: pd.DataFrame, jobs: pd.DataFrame, kpis: dict,
                    assumptions: dict, week: str | None = None, *, model_name: str | None = None,
                    scenario: str | None = None) -> list[Path]:
    """Write a run's figures (PNG) and ``report.html`` into ``folder``.

    Parameters
    ----------
    folder : Path
        The run folder (or its staging folder).
    dispatch : pandas.DataFrame
        Dispatch table of :mod:`energy.results` (tz-aware index, ``dt_h`` column).
    jobs : pandas.DataFrame
        Crane work per job and step (may be empty).
    kpis : dict
        Key figures and solver fields (any may be missing).
    assumptions : dict
        What the model assumed (assets, tariff, emissions, sources, notes).
    week : str, optional
        ISO date: draw the week starting that day instead of the default weeks.
    model_name, scenario : str, optional
        Names for the report's heading (default: ``assumptions["model"]`` and
        ``["scenario"]`` when present, else the folder layout
        ``<reports>/<model>/<scenario>``, staging folder included).

    Returns
    -------
    list of Path
        The PNGs written, then ``report.html``.

    Raises
    ------
    energy.errors.EnergyError
        A dispatch table without a tz-aware index or ``dt_h``; a ``week`` that is
        not a date inside the horizon. A figure that fails for any other reason is
        left out, with a warning in the report, so the report is still written.
    """
    folder = Path(folder)
    _check_dispatch(dispatch)
    a = assumptions or {}
    k = kpis or {}
    jobs = jobs if jobs is not None else pd.DataFrame()
    picks = select_weeks(dispatch, week, a)
    me = monthly_energy(dispatch)
    mc = monthly_costs(dispatch, a, k)
    paths: list[Path] = []
    charts: list[html_mod.Chart] = []
    problems: list[str] = []

    def draw(name: str, title: str, caption: str, make: Callable[[], Figure | None]) -> None:
        try:
            with matplotlib.rc_context(_STYLE):
                fig = make()
                if fig is None:
                    return
                path = folder / f"{name}.png"
                png = _save(fig, path)
        except EnergyError:
            raise
        except Exception as exc:  # one broken figure must not lose the report
            msg = f"figure {name}.png could not be drawn: {type(exc).__name__}: {exc}"
            warnings.warn(msg, RuntimeWarning, stacklevel=2)
            problems.append(msg)
            return
        paths.append(path)
        charts.append(html_mod.Chart(path.name, title, caption, png))

    peak_txt = _peak_label(a)
    soc_txt = " Bottom: battery state of charge." if _has_battery(dispatch, a) else ""
    for p in picks:
        draw(p.name, p.title, f"{p.why}. Top: supply stacked (PV used, wind used, battery discharge, "
             f"grid import); black line: site load. Middle: demand stacked (fixed load, cranes, trucks, "
             f"battery charge, export). Shaded: {peak_txt}.{soc_txt}",
             lambda p=p: figure_dispatch(dispatch, p, a))
    draw("battery", "Battery state of charge",
         "Stored energy (dashed: usable limits) and charge/discharge, daily for horizons over a month.",
         lambda: figure_battery(dispatch, a, k))
    draw("crane_call", "Crane work of the busiest vessel call against the import price",
         "Cranes working on the call per step (dark blue) and on other jobs of its pool (light blue); "
         "import price on "
         f"the right axis; the call's work span and the {peak_txt} shaded.",
         lambda: figure_crane_call(dispatch, jobs, a))
    draw("monthly_energy", "Monthly energy balance",
         "Energy per calendar month: PV, wind and grid import stacked; load (fixed + cranes + trucks) "
         "as the line. Partial months say how many days they hold.",
         lambda: figure_monthly_energy(me))
    draw("monthly_cost", "Monthly cost split",
         "Energy, capacity charges (prorated for partial months), battery wear, carbon and unserved "
         "load per month; the diamond marks the month's total.",
         lambda: figure_monthly_costs(mc, me["hours"].to_numpy(dtype=float)))

    m, s = _names(folder, a, model_name, scenario)
    total = k.get("total_cost_usd")
    if isinstance(total, int | float) and math.isfinite(total):
        diff = float(mc["total_cost_usd"].sum()) - float(total)
        if abs(diff) > max(1.0, 0.005 * abs(float(total))):
            problems.append(f"the monthly cost split adds up to {mc['total_cost_usd'].sum():,.0f} USD, "
                            f"the run's total cost is {float(total):,.0f} USD: the rates in the "
                            "assumptions differ from those the solver used")
    page = html_mod.run_report_html(model_name=m, scenario=s, kpis=k, assumptions=a, charts=charts,
                                    monthly_energy=me, monthly_costs=mc, problems=problems,
                                    horizon=(dispatch.index[0], _ends(dispatch)[-1], len(dispatch)))
    paths.append(report.write_text(folder / "report.html", page))
    return paths


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
    fig = _figure(10.5, 6.4)
    ax = fig.subplots()
    names = [_txt(n) for n in ok["scenario"].astype(str)]
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
    _thousands(ax.xaxis, 0 if (len(xs) and np.nanmax(np.abs(xs)) > 20) else 1)
    _thousands(ax.yaxis)
    ax.set_title(_txt(f"{model_name}: cost against emissions, one point per scenario"), loc="left",
                 fontsize=12)
    bad = c[failed]
    if len(bad):
        lines = [str(n) for n in bad["scenario"].astype(str)]
        txt = _txt("not plotted (failed): " + ", ".join(lines))
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
        ``[comparison.png, comparison.html]``.
    """
    folder = Path(folder)
    if "scenario" not in comparison.columns:
        raise EnergyError("comparison: expected a 'scenario' column, found "
                          + (", ".join(map(str, comparison.columns)) or "no columns"))
    with matplotlib.rc_context(_STYLE):
        fig = figure_comparison(comparison, model_name)
        png_path = folder / "comparison.png"
        png = _save(fig, png_path)
    chart = html_mod.Chart(png_path.name, "Cost against emissions",
                           "One point per scenario that ran; failed scenarios are listed below the "
                           "chart and in the table.", png)
    page = html_mod.comparison_html(model_name=model_name, comparison=comparison, chart=chart,
                                    failed=_failed_mask(comparison.reset_index(drop=True)))
    return [png_path, report.write_text(folder / "comparison.html", page)]


# --------------------------------------------------------------------------- rebuild
RUN_FILES = ("dispatch.csv", "jobs.csv", "summary.json", "assumptions.json")


def _read_json(run_dir: Path, name: str) -> dict:
    path = run_dir / name
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise EnergyError(f"{run_dir}: {name} is not readable JSON ({exc})") from exc
    if not isinstance(data, dict):
        raise EnergyError(f"{run_dir}: {name} should hold a JSON object, found {type(data).__name__}")
    return data


def _parse_times(values: pd.Series, tz, where: str) -> pd.DatetimeIndex:
    try:
        t = pd.DatetimeIndex(pd.to_datetime(values.astype(str), utc=True, format="ISO8601"))
    except (ValueError, TypeError) as exc:
        raise EnergyError(f"{where}: timestamps should be ISO 8601 with an offset, e.g. "
                          f"2025-01-01T00:00:00-05:00 ({exc})") from exc
    if t.isna().any():
        raise EnergyError(f"{where}: row {int(np.flatnonzero(t.isna())[0]) + 2} has no timestamp")
    return t.tz_convert(tz)


def read_run(run_dir: Path) -> tuple[pd.DataFrame, pd.DataFrame, dict, dict]:
    """Read a finished run folder: ``(dispatch, jobs, summary, assumptions)``.

    Raises
    ------
    energy.errors.EnergyError
        A missing or unreadable file, naming the folder and the file.
    """
    run_dir = Path(run_dir)
    if not run_dir.is_dir():
        raise EnergyError(f"{run_dir}: not a folder; expected a run folder holding {', '.join(RUN_FILES)}")
    missing = [f for f in RUN_FILES if not (run_dir / f).is_file()]
    if missing:
        raise EnergyError(f"{run_dir}: not a complete run folder, missing {', '.join(missing)}")
    summary = _read_json(run_dir, "summary.json")
    if not isinstance(summary.get("kpis"), dict):
        raise EnergyError(f"{run_dir}: summary.json has no 'kpis' object")
    assumptions = _read_json(run_dir, "assumptions.json")
    tz = _get(assumptions, "site", "timezone", default="UTC")
    where = f"{run_dir / 'dispatch.csv'}"
    try:
        raw = pd.read_csv(run_dir / "dispatch.csv")
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        raise EnergyError(f"{where}: not a readable CSV ({exc})") from exc
    need = ["timestamp", "dt_h", "grid_import_kw", "fixed_load_kw"]
    lacking = [c for c in need if c not in raw.columns]
    if lacking or not len(raw):
        what = f"missing column(s) {', '.join(lacking)}" if lacking else "no rows"
        raise EnergyError(f"{where}: expected a dispatch table, found {what}")
    try:
        tz_ok = pd.Timestamp("2025-01-01", tz=tz).tz
    except (LookupError, ValueError, TypeError) as exc:
        raise EnergyError(f"{run_dir / 'assumptions.json'}: site.timezone {tz!r} is not a time zone") from exc
    idx = _parse_times(raw["timestamp"], tz_ok, where)
    dispatch = raw.drop(columns="timestamp").set_index(idx)
    dispatch.index.name = None
    for c in dispatch.columns:
        if c != "is_peak" and not pd.api.types.is_numeric_dtype(dispatch[c]):
            raise EnergyError(f"{where}: column {c} should be numeric, found text")
    if "is_peak" in dispatch.columns:
        dispatch["is_peak"] = pd.to_numeric(dispatch["is_peak"], errors="coerce").fillna(0).astype(bool)
    jpath = run_dir / "jobs.csv"
    try:
        jobs = pd.read_csv(jpath)
    except pd.errors.EmptyDataError:
        jobs = pd.DataFrame(columns=["job", "pool", "kind", "timestamp", "cranes", "moves", "energy_kwh"])
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        raise EnergyError(f"{jpath}: not a readable CSV ({exc})") from exc
    if len(jobs) and "timestamp" in jobs.columns:
        jobs["timestamp"] = _parse_times(jobs["timestamp"], tz_ok, str(jpath))
    return dispatch, jobs, summary, assumptions


def rebuild_report(run_dir: Path, week: str | None = None) -> Path:
    """Redraw the figures and ``report.html`` of a finished run from its files alone.

    Parameters
    ----------
    run_dir : Path
        A run folder holding ``dispatch.csv``, ``jobs.csv``, ``summary.json`` and
        ``assumptions.json``.
    week : str, optional
        ISO date of a week to draw instead of the default weeks.

    Returns
    -------
    Path
        The ``report.html`` written.

    Raises
    ------
    energy.errors.EnergyError
        When the folder is not a complete run (the message names the folder and
        the missing or bad file).
    """
    run_dir = Path(run_dir)
    dispatch, jobs, summary, assumptions = read_run(run_dir)
    paths = write_run_plots(run_dir, dispatch, jobs, summary["kpis"], assumptions, week,
                            model_name=summary.get("model"), scenario=summary.get("scenario"))
    return paths[-1]
