"""The model's time grid: interval starts, edges, midpoints and step lengths.

Time rules (DESIGN §3): every index is tz-aware (naive ones are refused); a timestamp
labels the START of its interval; the last interval ends at ``end`` (default: the last
timestamp plus the index frequency, or plus the last step). Solar geometry is evaluated
at interval midpoints (:func:`interval_midpoints`); every kW -> kWh term multiplies by
the step length :func:`step_hours`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from energy.errors import EnergyError

__all__ = ["check_index", "interval_edges", "interval_midpoints", "step_hours"]

_HOUR = pd.Timedelta(hours=1)


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
    return _midpoints(interval_edges(index, end))


def _midpoints(edges: pd.DatetimeIndex) -> pd.DatetimeIndex:
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


def _hours_since(times: pd.DatetimeIndex, ref: pd.Timestamp | None = None) -> np.ndarray:
    """Hours elapsed from ``ref`` (default: the first time) to every time. [h]"""
    times = times.tz_convert("UTC")
    ref = times[0] if ref is None else pd.Timestamp(ref).tz_convert("UTC")
    return np.asarray((times - ref) / _HOUR, dtype=float)


def _average_onto(src_edges_h, src_values, dst_edges_h) -> np.ndarray:
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
