"""The stretches of a run its report looks at: the weeks drawn and the calendar months.

Plain pandas on the dispatch table of :mod:`energy.results` (tz-aware index, one row
per step, a ``dt_h`` column); no matplotlib here (the pictures are
:mod:`energy.figures`, written by :mod:`energy.plots`).

- :func:`select_weeks` picks the weeks the dispatch figures show (:func:`check_week`
  checks a user's choice against the horizon before any work is done).
- :func:`monthly_energy` and :func:`monthly_costs` sum the run per calendar month.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from energy.errors import EnergyError
from energy.inputs import month_fractions

__all__ = [
    "WeekPick",
    "check_week",
    "monthly_costs",
    "monthly_energy",
    "parse_week",
    "select_weeks",
]

_SUMMER = {-1: (1, 2, 3), 1: (6, 7, 8)}  # by hemisphere sign: south (-1), north (+1)
_WINTER = {-1: (6, 7, 8, 9), 1: (12, 1, 2)}
_WEEK = pd.Timedelta(days=7)
_STEP_TOL = pd.Timedelta(minutes=1)


# --------------------------------------------------------------------------- dispatch table
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


def _check_dispatch(d: pd.DataFrame) -> None:
    if not isinstance(d.index, pd.DatetimeIndex) or d.index.tz is None:
        raise EnergyError("dispatch: expected a tz-aware DatetimeIndex (site-local time), "
                          f"found {type(d.index).__name__} without a time zone")
    if "dt_h" not in d.columns:
        raise EnergyError("dispatch: expected a 'dt_h' column (step length in hours), found none")
    if not len(d):
        raise EnergyError("dispatch: expected at least one time step, found an empty table")


def _hemisphere(assumptions: dict) -> int:
    lat = ((assumptions or {}).get("site") or {}).get("latitude")
    try:
        return 1 if float(lat) > 0 else -1
    except (TypeError, ValueError):
        return -1


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
