"""The port's fixed (inflexible) load: base load and reefers.

Crane work and truck charging are flexible and scheduled by the optimisation
(see :mod:`energy.jobs`); this module gives the load that must be served when it
occurs. A user's metered series replaces both parts (see
:func:`energy.timeseries.read_series_csv`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from energy.timegrid import in_daily_window, local_hour

__all__ = ["base_load_kw", "reefer_load_kw"]


def base_load_kw(index: pd.DatetimeIndex, *, constant_kw: float, daytime_extra_kw: float,
                 daytime_start_hour: int, daytime_end_hour: int, lighting_kw: float,
                 lighting_start_hour: int, lighting_end_hour: int) -> pd.Series:
    """Base load of buildings, workshops, gates and yard lighting.

    A constant part, a daytime extra (offices, workshops and gates working
    ``[daytime_start_hour, daytime_end_hour)`` local time, every day: the port
    works 24/7) and yard/quay lighting between ``lighting_start_hour`` and
    ``lighting_end_hour`` (wrapping past midnight).

    Returns
    -------
    pandas.Series
        Base load. [kW]
    """
    h = local_hour(index)
    kw = np.full(len(index), float(constant_kw))
    kw += daytime_extra_kw * in_daily_window(h, daytime_start_hour, daytime_end_hour)
    kw += lighting_kw * in_daily_window(h, lighting_start_hour, lighting_end_hour)
    return pd.Series(kw, index=index, name="base_load_kw")


def reefer_load_kw(index: pd.DatetimeIndex, temp_air_c: pd.Series | np.ndarray, *, plugs: int,
                   occupancy_monthly: list[float], occupancy_scale: float, kw_per_box_at_20c: float,
                   kw_per_box_per_c: float, max_kw_per_box: float) -> pd.Series:
    """Power of the plugged-in refrigerated containers.

    boxes = plugs x occupancy(month) x occupancy_scale; power per box rises
    linearly with air temperature around its value at 20 °C and is clipped to
    ``[0, max_kw_per_box]``. Occupancy follows Peru's export seasons (grapes and
    blueberries Oct-Mar, avocados Apr-Aug).

    Parameters
    ----------
    temp_air_c : Series or array
        Air temperature at each step. [°C]

    Returns
    -------
    pandas.Series
        Reefer load. [kW]
    """
    occ = np.asarray(occupancy_monthly, dtype=float)[index.month.to_numpy() - 1] * occupancy_scale
    t = np.asarray(temp_air_c, dtype=float)
    per_box = np.clip(kw_per_box_at_20c + kw_per_box_per_c * (t - 20.0), 0.0, max_kw_per_box)
    return pd.Series(plugs * occ * per_box, index=index, name="reefer_load_kw")
