"""Shore power (cold ironing): the hotelling load of vessels at berth, served from the port's grid.

A vessel alongside draws its hotelling power (crew, ship systems, its own reefers) from its
auxiliary diesel engines, or from the quay when its berth has a shore-power connection. Each
call is connected ``connection_hours`` after it arrives and disconnected ``disconnection_hours``
before it leaves, if one of the port's ``connections`` is free then (first come, first served);
while connected it draws ``min(hotelling power of its class, kW limit of a connection)``.

The port pays that energy and any peak it adds; the ship avoids burning diesel for it
(:func:`diesel_co2_avoided_kg`). Pure functions; no Pyomo, no file I/O.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["assign_connections", "berth_power_kw", "diesel_co2_avoided_kg"]


def assign_connections(calls: pd.DataFrame, *, connections: int, connection_hours: float,
                       disconnection_hours: float) -> pd.DataFrame:
    """The shore-power connection each call uses, and when.

    Parameters
    ----------
    calls : pandas.DataFrame
        ``vessel, arrival, departure`` (tz-aware), optional ``vessel_class``.
    connections : int
        Shore-power connections of the port (berths equipped). [-]
    connection_hours, disconnection_hours : float
        Time alongside before connecting and before departure when already disconnected. [h]

    Returns
    -------
    pandas.DataFrame
        The calls with ``connection`` (0-based, -1 = not connected: every connection busy or
        too short a stay), ``on`` and ``off`` (tz-aware; NaT when not connected).
    """
    out = calls.copy().sort_values("arrival").reset_index(drop=True)
    on = out["arrival"] + pd.Timedelta(hours=connection_hours)
    off = out["departure"] - pd.Timedelta(hours=disconnection_hours)
    free = [None] * connections
    conn = np.full(len(out), -1, dtype=np.int64)
    for i in range(len(out)):
        if off.iloc[i] <= on.iloc[i]:
            continue
        for c in range(connections):
            if free[c] is None or free[c] <= on.iloc[i]:
                conn[i], free[c] = c, off.iloc[i]
                break
    out["connection"] = conn
    out["on"] = on.where(conn >= 0)
    out["off"] = off.where(conn >= 0)
    return out


def berth_power_kw(edges: pd.DatetimeIndex, assigned: pd.DataFrame, *, connections: int,
                   hotelling_kw: dict, default_kw: float, kw_limit: float) -> np.ndarray:
    """Mean shore power of each connection in each step. [kW]

    A call draws ``min(hotelling_kw[its vessel_class] or default_kw, kw_limit)`` while connected;
    a step partly inside ``[on, off)`` gets the matching share.

    Returns
    -------
    numpy.ndarray
        Shape (connections, n steps). [kW]
    """
    n = len(edges) - 1
    out = np.zeros((connections, n))
    if not len(assigned):
        return out
    e = edges.as_unit("ns").asi8.astype(float)
    length = np.diff(e)
    classes = assigned["vessel_class"] if "vessel_class" in assigned.columns else [None] * len(assigned)
    for r, cls in zip(assigned.itertuples(index=False), classes, strict=True):
        if r.connection < 0:
            continue
        kw = min(float(hotelling_kw.get(cls, default_kw)) if cls is not None else float(default_kw),
                 float(kw_limit))
        a, b = float(pd.Timestamp(r.on).value), float(pd.Timestamp(r.off).value)
        overlap = np.clip(np.minimum(e[1:], b) - np.maximum(e[:-1], a), 0.0, None)
        out[r.connection] += kw * overlap / length
    return out


def diesel_co2_avoided_kg(shore_kwh: float, aux_engine_kg_per_kwh: float) -> float:
    """CO2 the ships' auxiliary engines would have emitted for the shore energy. [kgCO2]"""
    return float(shore_kwh) * float(aux_engine_kg_per_kwh)
