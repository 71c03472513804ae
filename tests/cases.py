"""Small optimisation inputs shared by the dispatch, solve and results tests."""

from __future__ import annotations

import numpy as np
import pandas as pd

from energy.inputs import GridParams, Inputs, TariffParams
from energy.timegrid import step_hours

TZ = "America/Lima"


def ts(s: str) -> pd.Timestamp:
    """A timestamp in the site's zone."""
    return pd.Timestamp(s, tz=TZ)


#: The micro-cases' bare rates, where a test does not set them: no capacity charges,
#: lost load at 10 USD/kWh, no crane pools, no chargers (the project's defaults are the
#: model file's Peru tariff, 1000 USD/kWh and the Chancay cranes).
BARE = {
    "tariff": TariffParams(0.0, 0.0),
    "value_of_lost_load_usd_per_kwh": 10.0,
    "crane_pools": {},
    "truck_charger_kw": 0.0,
}


def inputs_on(series: pd.DataFrame, end: pd.Timestamp, **kw) -> Inputs:
    """Inputs on the index of ``series``, the last step ending at ``end``.

    ``dt_h`` is derived from the index; ``kw`` are the other fields of
    :class:`~energy.inputs.Inputs` (``battery`` and ``grid`` at least); those not
    given take the bare micro-case values of :data:`BARE`.
    """
    kw = {**BARE, **kw}
    return Inputs(series=series, dt_h=step_hours(series.index, end), horizon_end=end, **kw)


def small_inputs(
    load,
    *,
    start="2025-01-06 00:00",
    freq="1h",
    pv=0.0,
    wind=0.0,
    price=0.1,
    export_price=0.0,
    ef=0.0,
    peak=None,
    battery=None,
    grid=None,
    **kw,
) -> Inputs:
    """Small inputs: scalars broadcast over the steps given by ``load``.

    Peak hours default to 18:00-23:00; ``grid`` to a 10 MW import limit and no export.
    """
    n = len(load)
    index = pd.date_range(ts(start), periods=n, freq=freq)
    end = index[-1] + pd.Timedelta(freq)

    def col(v):
        return np.broadcast_to(np.asarray(v, dtype=float), (n,)).copy()

    is_peak = (index.hour >= 18) & (index.hour < 23) if peak is None else np.asarray(peak)
    series = pd.DataFrame(
        {
            "fixed_load_kw": col(load),
            "pv_available_kw": col(pv),
            "wind_available_kw": col(wind),
            "import_price_usd_per_kwh": col(price),
            "export_price_usd_per_kwh": col(export_price),
            "grid_emission_kg_per_kwh": col(ef),
            "is_peak": np.broadcast_to(is_peak, (n,)).copy(),
        },
        index=index,
    )
    return inputs_on(
        series, end, battery=battery, grid=grid or GridParams(import_limit_kw=10_000.0), **kw
    )
