"""The model's time grid: interval starts, edges, midpoints and step lengths.

Time rules (DESIGN §3): every index is tz-aware (naive ones are refused); a timestamp
labels the START of its interval; the last interval ends at ``end`` (default: the last
timestamp plus the index frequency, or plus the last step). Solar geometry is evaluated
at interval midpoints (:func:`interval_midpoints`); every kW -> kWh term multiplies by
the step length :func:`step_hours`.

The calendar rules live here too, so that every module buckets and masks time the
same way: :func:`local_hour` (clock time of day in the index's own zone),
:func:`in_daily_window` and :func:`daily_window_hours` (daily windows ``[start, end)``
that wrap past midnight when ``end <= start``), :func:`peak_mask` (Peru's horas punta),
:func:`months_of` and :func:`month_fractions` (calendar months in the site's zone and
the share of each the horizon covers, for prorating monthly charges), and
:func:`window_steps` / :func:`whole_step_hours` (the steps lying wholly inside a
window: the only steps that may carry a job's work).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from energy.errors import EnergyError

__all__ = [
    "FIRST_YEAR",
    "HOUR",
    "LAST_YEAR",
    "average_onto",
    "check_index",
    "daily_window_hours",
    "hours_since",
    "in_daily_window",
    "interval_edges",
    "interval_midpoints",
    "local_hour",
    "midpoints_of",
    "month_fractions",
    "months_of",
    "peak_mask",
    "step_ends_ns",
    "step_hours",
    "whole_step_hours",
    "window_steps",
]

HOUR = pd.Timedelta(hours=1)
"""One hour, the unit of every step length."""
FIRST_YEAR, LAST_YEAR = 1901, 2199
"""Years a horizon and a data file's timestamps may hold: pandas' nanosecond timestamps end in
1677 and 2262, and solar geometry and tariffs that far from today mean nothing (estimate). [year]"""


def check_index(index: pd.DatetimeIndex, name: str = "index") -> pd.DatetimeIndex:
    """Refuse an index that is not a non-empty, tz-aware, strictly increasing DatetimeIndex.

    Parameters
    ----------
    index : pandas.DatetimeIndex
        Interval start times.
    name : str
        Name used in error messages.

    Returns
    -------
    pandas.DatetimeIndex
        ``index`` unchanged.

    Raises
    ------
    EnergyError
        If ``index`` is not a DatetimeIndex, is empty, naive, or not strictly increasing.
    """
    if not isinstance(index, pd.DatetimeIndex):
        raise EnergyError(f"{name}: expected a pandas DatetimeIndex, found {type(index).__name__}")
    if len(index) == 0:
        raise EnergyError(f"{name}: expected at least one timestamp, found an empty index")
    if index.tz is None:
        raise EnergyError(
            f"{name}: expected tz-aware timestamps (e.g. America/Lima), "
            f"found naive timestamps starting {index[0]}"
        )
    steps = np.diff(index.asi8)
    if (steps <= 0).any():
        bad = int(np.argmax(steps <= 0)) + 1
        raise EnergyError(
            f"{name}: expected strictly increasing timestamps, "
            f"found {index[bad]} after {index[bad - 1]} (row {bad})"
        )
    return index


def interval_edges(index: pd.DatetimeIndex, end=None) -> pd.DatetimeIndex:
    """Start of every interval plus the end of the last one (``len(index) + 1`` edges).

    Parameters
    ----------
    index : pandas.DatetimeIndex
        Interval start times, tz-aware.
    end : pandas.Timestamp or str, optional
        End of the last interval, tz-aware. Default: ``index[-1] + index.freq`` when the
        index has a frequency, else ``index[-1]`` plus the last step length.

    Returns
    -------
    pandas.DatetimeIndex
        Interval edges in the zone of ``index``.
    """
    index = check_index(index)
    if end is None:
        if index.freq is not None:
            end = index[-1] + index.freq
        elif len(index) >= 2:
            end = index[-1] + (index[-1] - index[-2])
        else:
            raise EnergyError(
                f"index: a single timestamp ({index[0]}) has no step length; "
                "pass end= (the end of the last interval)"
            )
    end = pd.Timestamp(end)
    if end.tzinfo is None:
        raise EnergyError(f"end: expected a tz-aware timestamp, found naive {end}")
    end = end.tz_convert(index.tz)
    if end <= index[-1]:
        raise EnergyError(
            f"end: expected a time after the last timestamp {index[-1]}, found {end}"
        )
    return index.append(pd.DatetimeIndex([end]).as_unit(index.unit))


def interval_midpoints(index: pd.DatetimeIndex, end=None) -> pd.DatetimeIndex:
    """Midpoint of every interval, where solar geometry is evaluated.

    Parameters
    ----------
    index, end
        Interval start times and the end of the last interval, as for
        :func:`interval_edges`.

    Returns
    -------
    pandas.DatetimeIndex
        Midpoints, in the zone of ``index``.
    """
    return midpoints_of(interval_edges(index, end))


def midpoints_of(edges: pd.DatetimeIndex) -> pd.DatetimeIndex:
    """Midpoints of the intervals between consecutive ``edges``."""
    return edges[:-1] + (edges[1:] - edges[:-1]) / 2


def step_hours(index: pd.DatetimeIndex, end=None) -> np.ndarray:
    """Length of every interval, ``dt_h``, from the index and the end of the last one. [h]

    Parameters
    ----------
    index, end
        Interval start times and the end of the last interval (the horizon end,
        exclusive), as for :func:`interval_edges`.

    Returns
    -------
    numpy.ndarray
        Step lengths. [h]

    Raises
    ------
    EnergyError
        As :func:`interval_edges`: a naive, empty or unordered index, or an ``end``
        that is naive or not after the last start.
    """
    edges = interval_edges(index, end)
    return np.diff(edges.as_unit("ns").asi8) / 3.6e12


def hours_since(times: pd.DatetimeIndex, ref: pd.Timestamp | None = None) -> np.ndarray:
    """Hours elapsed from ``ref`` (default: the first time) to every time. [h]"""
    times = times.tz_convert("UTC")
    ref = times[0] if ref is None else pd.Timestamp(ref).tz_convert("UTC")
    return np.asarray((times - ref) / HOUR, dtype=float)


def average_onto(src_edges_h, src_values, dst_edges_h) -> np.ndarray:
    """Interval means of a piecewise-constant series over new intervals.

    Exact for any alignment: finer destination intervals hold the source value,
    coarser ones average (weighted by overlap). Works column-wise on 2-D values.
    """
    values = np.asarray(src_values, dtype=float)
    widths = np.diff(src_edges_h)
    one_d = values.ndim == 1
    values = values.reshape(len(widths), -1)
    cum = np.vstack([np.zeros(values.shape[1]), np.cumsum(values * widths[:, None], axis=0)])
    integral = np.column_stack(
        [np.interp(dst_edges_h, src_edges_h, cum[:, j]) for j in range(values.shape[1])]
    )
    out = np.diff(integral, axis=0) / np.diff(dst_edges_h)[:, None]
    return out[:, 0] if one_d else out


# --------------------------------------------------------------------------- calendar rules
def local_hour(times: pd.DatetimeIndex) -> np.ndarray:
    """Clock time of day of each timestamp, in the zone of ``times``. [h]

    Minutes and seconds are fractions of the hour: 18:15 is 18.25.
    """
    return np.asarray(times.hour + times.minute / 60 + times.second / 3600, dtype=float)


def in_daily_window(hour: np.ndarray, start_hour: float, end_hour: float) -> np.ndarray:
    """True where a clock ``hour`` lies in the daily window ``[start_hour, end_hour)``.

    A window with ``end_hour <= start_hour`` wraps past midnight (22-6 is 22:00 to 06:00).
    """
    hour = np.asarray(hour, dtype=float)
    if end_hour > start_hour:
        return (hour >= start_hour) & (hour < end_hour)
    return (hour >= start_hour) | (hour < end_hour)


def daily_window_hours(start_hour: float, end_hour: float) -> float:
    """Length of the daily window ``[start_hour, end_hour)``, wrapping past midnight. [h]

    Equal hours mean the whole day (24 h).
    """
    return (end_hour - start_hour) % 24 or 24.0


def peak_mask(index: pd.DatetimeIndex, start_hour: float, end_hour: float) -> np.ndarray:
    """True for steps STARTING in the peak hours ``[start_hour, end_hour)``, local time.

    Peru's horas punta are 18-23 h: the step starting at 22:00 is peak, 23:00 is not.
    """
    return in_daily_window(local_hour(index), start_hour, end_hour)


def months_of(index: pd.DatetimeIndex) -> tuple[np.ndarray, pd.PeriodIndex]:
    """Calendar month of every step, in the index's own (site) zone.

    Returns
    -------
    (numpy.ndarray, pandas.PeriodIndex)
        For each step the position of its month in the second item, and the months
        in order of appearance.
    """
    local = index.tz_localize(None) if index.tz is not None else index
    codes, months = pd.factorize(local.to_period("M"))
    return codes.astype(np.int64), pd.PeriodIndex(months)


def month_fractions(index: pd.DatetimeIndex, dt_h: np.ndarray) -> pd.Series:
    """Share of each calendar month covered by the horizon (for prorating).

    Returns
    -------
    pandas.Series
        Indexed by month (Period, in order of appearance), value = hours of the month
        inside the horizon / hours in the calendar month. [-]
    """
    codes, months = months_of(index)
    hours = np.bincount(codes, weights=np.asarray(dt_h, dtype=float), minlength=len(months))
    full = np.array([p.days_in_month * 24.0 for p in months])
    return pd.Series(hours / full, index=months)


def step_ends_ns(index: pd.DatetimeIndex, end) -> tuple[np.ndarray, np.ndarray]:
    """Start and end of every step as integer nanoseconds since the epoch (UTC).

    ``end`` is the end of the last step (the horizon end), tz-aware.
    """
    starts = index.asi8 if index.unit == "ns" else index.as_unit("ns").asi8
    end_ts = pd.Timestamp(end)
    if end_ts.tzinfo is None:
        raise EnergyError(f"end: expected a tz-aware timestamp, found naive {end_ts}")
    return starts, np.append(starts[1:], end_ts.as_unit("ns").value)


def window_steps(starts_ns: np.ndarray, ends_ns: np.ndarray, start, end) -> range:
    """The steps whose whole interval ``[t, t + dt)`` lies inside the window ``[start, end)``.

    Only these steps may carry a job's work (a crane job, a truck charging window):
    a step cut by the window's edge does not.

    Parameters
    ----------
    starts_ns, ends_ns : numpy.ndarray
        Step starts and ends, integer ns (:func:`step_ends_ns`).
    start, end : pandas.Timestamp
        The window, tz-aware.
    """
    s_ns, e_ns = pd.Timestamp(start).as_unit("ns").value, pd.Timestamp(end).as_unit("ns").value
    first = int(np.searchsorted(starts_ns, s_ns, side="left"))
    last = int(np.searchsorted(ends_ns, e_ns, side="right"))
    return range(first, max(first, last))


def whole_step_hours(starts_ns: np.ndarray, ends_ns: np.ndarray, dt_h: np.ndarray, start, end) -> float:
    """Hours of the steps lying wholly inside the window ``[start, end)`` (:func:`window_steps`). [h]"""
    steps = window_steps(starts_ns, ends_ns, start, end)
    return float(np.asarray(dt_h, dtype=float)[steps.start : steps.stop].sum())
