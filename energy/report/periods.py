"""The stretches of a run its report looks at: the weeks drawn and the calendar months.

Plain pandas on the dispatch table of :mod:`energy.optimise.extract` (tz-aware index,
one row per step, a ``dt_h`` column); no matplotlib here (the pictures are
:mod:`energy.report.figures`, written by :mod:`energy.report.plots`).

- :func:`select_weeks` picks the weeks the dispatch figures show (:func:`check_week`
  checks a user's choice against the horizon before any work is done).
- :func:`monthly_energy` sums the energy flows per calendar month; :func:`monthly_costs`
  is THE bill (:func:`energy.kpis.monthly_bill`) with the rates the run recorded.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from energy.errors import EnergyError, echo
from energy.kpis import BillRates, check_dispatch, monthly_bill
from energy.kpis import dispatch_column as column
from energy.report.tools import step_ends, step_lengths
from energy.timegrid import month_fractions, months_of

__all__ = [
    "WeekPick",
    "check_week",
    "energy_balance",
    "monthly_costs",
    "monthly_energy",
    "monthly_table",
    "parse_week",
    "rates_of",
    "select_weeks",
]

_SUMMER = {-1: (1, 2, 3), 1: (6, 7, 8)}  # by hemisphere sign: south (-1), north (+1)
_WINTER = {-1: (6, 7, 8, 9), 1: (12, 1, 2)}
_WEEK = pd.Timedelta(days=7)
_STEP_TOL = pd.Timedelta(minutes=1)


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
        raise EnergyError(f"week: expected an ISO date such as 2025-07-14, found {echo(week)}") from exc
    if pd.isna(t):
        raise EnergyError(f"week: expected an ISO date such as 2025-07-14, found {echo(week)}")
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
    check_dispatch(d)
    idx = d.index
    h0, h1 = idx[0], step_ends(d)[-1]
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

    dt = step_lengths(d)
    crane = column(d, "crane_load_kw") * dt
    pv = column(d, "pv_available_kw") * dt
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
    check_dispatch(d)
    dt = step_lengths(d)
    cols = {
        "pv_mwh": "pv_kw", "wind_mwh": "wind_kw", "battery_discharge_mwh": "battery_discharge_kw",
        "battery_charge_mwh": "battery_charge_kw", "grid_import_mwh": "grid_import_kw",
        "grid_export_mwh": "grid_export_kw", "unserved_mwh": "unserved_kw",
        "pv_curtailed_mwh": "pv_curtailed_kw", "wind_curtailed_mwh": "wind_curtailed_kw",
        "fixed_load_mwh": "fixed_load_kw", "crane_mwh": "crane_load_kw", "truck_mwh": "truck_load_kw",
    }
    codes, months = months_of(d.index)
    data = {k: column(d, c) * dt / 1000.0 for k, c in cols.items()}
    data["hours"] = dt
    out = pd.DataFrame(data).groupby(codes).sum()
    out.index = pd.PeriodIndex(months, name="month")
    out["load_mwh"] = out["fixed_load_mwh"] + out["crane_mwh"] + out["truck_mwh"]
    out["month_fraction"] = month_fractions(d.index, dt).to_numpy(dtype=float)
    return out


def monthly_costs(dispatch: pd.DataFrame, assumptions: dict) -> pd.DataFrame:
    """The run's bill per calendar month: :func:`energy.kpis.monthly_bill`. [USD]

    The rates are those the optimisation used, as the run recorded them in
    ``assumptions["bill_rates"]`` (:meth:`energy.kpis.BillRates.to_dict`).

    Raises
    ------
    energy.errors.EnergyError
        Assumptions without ``bill_rates`` (or with a bad rate).
    """
    return monthly_bill(dispatch, rates_of(assumptions))


def rates_of(assumptions: dict) -> BillRates:
    """The bill's rates a run recorded in its assumptions (``bill_rates``)."""
    rates = (assumptions or {}).get("bill_rates")
    if not isinstance(rates, dict):
        raise EnergyError("assumptions: expected 'bill_rates' (the rates the optimisation used, written "
                          "by port-energy run), found none; rerun the model to write them")
    return BillRates.from_dict(rates, where="assumptions: bill_rates")


#: The flows of :func:`energy_balance`: ``(side, flow, dispatch column)``.
BALANCE_FLOWS = (
    ("source", "PV used", "pv_kw"),
    ("source", "wind used", "wind_kw"),
    ("source", "grid import", "grid_import_kw"),
    ("source", "battery discharge", "battery_discharge_kw"),
    ("source", "unserved", "unserved_kw"),
    ("use", "fixed load", "fixed_load_kw"),
    ("use", "cranes", "crane_load_kw"),
    ("use", "trucks", "truck_load_kw"),
    ("use", "battery charge", "battery_charge_kw"),
    ("use", "grid export", "grid_export_kw"),
)


def energy_balance(dispatch: pd.DataFrame, soc_initial_kwh: float | None = None) -> pd.DataFrame:
    """Energy of the horizon from each source to each use. [MWh]

    Sources (PV and wind used, grid import, battery discharge, unserved load) equal
    uses (fixed load, cranes, trucks, battery charge, export) step by step, so the two
    sides have the same total. Curtailed PV and wind are listed as ``not used`` (not
    part of either total); given the battery's initial stored energy, its losses are
    charge - discharge - the stored energy gained over the horizon.

    Parameters
    ----------
    dispatch : pandas.DataFrame
        The dispatch table.
    soc_initial_kwh : float, optional
        Stored energy at the start of the horizon. [kWh]

    Returns
    -------
    pandas.DataFrame
        ``side`` (source, use, not used, battery), ``flow``, ``mwh`` and ``share`` (of
        its side's total; NaN for the last two sides).
    """
    d = dispatch
    check_dispatch(d)
    dt = step_lengths(d)
    rows = [(side, flow, float(np.dot(column(d, col), dt)) / 1000.0) for side, flow, col in BALANCE_FLOWS]
    rows += [("not used", "PV curtailed", float(np.dot(column(d, "pv_curtailed_kw"), dt)) / 1000.0),
             ("not used", "wind curtailed", float(np.dot(column(d, "wind_curtailed_kw"), dt)) / 1000.0)]
    if soc_initial_kwh is not None and "battery_soc_kwh" in d.columns:
        ch, dis = (float(np.dot(column(d, c), dt)) / 1000.0 for c in ("battery_charge_kw", "battery_discharge_kw"))
        stored = (float(column(d, "battery_soc_kwh")[-1]) - soc_initial_kwh) / 1000.0
        rows.append(("battery", "losses", ch - dis - stored))
        rows.append(("battery", "stored energy gained", stored))
    out = pd.DataFrame(rows, columns=["side", "flow", "mwh"])
    totals = out.groupby("side")["mwh"].transform("sum")
    out["share"] = np.where(out["side"].isin(["source", "use"]) & (totals > 0),
                            out["mwh"] / totals.where(totals > 0), np.nan)
    return out


def monthly_table(dispatch: pd.DataFrame, assumptions: dict) -> pd.DataFrame:
    """The run by calendar month: energy, THE bill, emissions and cost per unit of work.

    Parameters
    ----------
    dispatch : pandas.DataFrame
        The dispatch table.
    assumptions : dict
        The run's assumptions (``bill_rates``; ``vessels.teu_per_move`` for TEU).

    Returns
    -------
    pandas.DataFrame
        Indexed by month: the columns of :func:`monthly_energy` [MWh] and of
        :func:`energy.kpis.monthly_bill` [USD], ``emissions_tco2`` [tCO2],
        ``cost_usd_per_mwh`` [USD/MWh], ``quay_moves``, ``teu``, ``kwh_per_teu``
        [kWh/TEU], ``usd_per_move`` [USD/move], ``kg_co2_per_teu`` [kgCO2/TEU].
    """
    from energy.kpis import intensity_kpis

    me = monthly_energy(dispatch)
    mc = monthly_costs(dispatch, assumptions)
    out = me.join(mc.drop(columns=["month_fraction"]))
    out["emissions_tco2"] = out["emissions_kg"] / 1000.0
    codes, _ = months_of(dispatch.index)
    moves = np.bincount(codes, weights=column(dispatch, "crane_moves_sts"), minlength=len(out))
    teu_per_move = float(((assumptions or {}).get("vessels") or {}).get("teu_per_move") or np.nan)
    rows = [intensity_kpis(c, e, k, m, teu_per_move) for c, e, k, m in
            zip(out["total_cost_usd"], out["load_mwh"], out["emissions_kg"], moves, strict=True)]
    return out.join(pd.DataFrame(rows, index=out.index))
