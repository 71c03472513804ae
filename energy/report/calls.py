"""The port's view of a run: one row per vessel call (``calls.csv``).

Plain pandas on the tables of :mod:`energy.optimise.extract` (the crane work per
job and step, the dispatch) and the calls' berth windows; no Pyomo, no matplotlib
(the berth/crane timeline is :func:`energy.report.figures.figure_call_gantt`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["CALL_COLUMNS", "call_table", "call_windows"]

#: Columns of :func:`call_table`, with units in the names.
CALL_COLUMNS = (
    "vessel", "arrival", "departure", "berth_hours", "first_work_step", "last_work_step",
    "moves_planned", "moves", "crane_hours", "energy_mwh", "energy_cost_usd_at_import_price",
    "peak_hour_energy_share",
)


def call_windows(crane_jobs) -> pd.DataFrame:
    """Berth windows of the vessel calls among crane jobs (``kind == "vessel"``).

    Returns
    -------
    pandas.DataFrame
        ``vessel`` (the name as given), ``arrival``, ``departure`` (tz-aware; the
        part inside the horizon for a cut call) and ``moves_planned`` [moves].
    """
    rows = [(j.name, j.start, j.end, float(j.moves)) for j in crane_jobs if j.kind == "vessel"]
    return pd.DataFrame(rows, columns=["vessel", "arrival", "departure", "moves_planned"])


def call_table(windows: pd.DataFrame, jobs: pd.DataFrame, dispatch: pd.DataFrame) -> pd.DataFrame:
    """One row per vessel call: window, working span, moves, crane-hours, energy and its price.

    Parameters
    ----------
    windows : pandas.DataFrame
        :func:`call_windows`.
    jobs : pandas.DataFrame
        Crane work per job and step (``job, kind, timestamp, cranes, moves, energy_kwh``).
    dispatch : pandas.DataFrame
        The dispatch table (``dt_h``, ``import_price_usd_per_kwh``, ``is_peak``).

    Returns
    -------
    pandas.DataFrame
        :data:`CALL_COLUMNS`: ``berth_hours`` [h]; ``first_work_step`` and
        ``last_work_step`` (starts of the first and last steps with moves);
        ``moves`` done [moves]; ``crane_hours`` = sum of cranes x step length
        [crane-h]; ``energy_mwh`` of the call's moves [MWh];
        ``energy_cost_usd_at_import_price`` = that energy priced at each step's import
        price [USD] (capacity charges are not split between calls);
        ``peak_hour_energy_share`` = share of the energy drawn in peak hours [-].
    """
    j = jobs[jobs["kind"] == "vessel"] if len(jobs) else jobs
    steps = dispatch.reindex(pd.DatetimeIndex(j["timestamp"])) if len(j) else dispatch.iloc[:0]
    work = pd.DataFrame({
        "vessel": j["job"].astype(str).to_numpy() if len(j) else [],
        "timestamp": pd.DatetimeIndex(j["timestamp"]) if len(j) else pd.DatetimeIndex([]),
        "moves": j["moves"].to_numpy(dtype=float) if len(j) else [],
        "crane_hours": (j["cranes"].to_numpy(dtype=float) * steps["dt_h"].to_numpy(dtype=float)) if len(j) else [],
        "energy_kwh": j["energy_kwh"].to_numpy(dtype=float) if len(j) else [],
        "cost": (j["energy_kwh"].to_numpy(dtype=float) * steps["import_price_usd_per_kwh"].to_numpy(dtype=float))
        if len(j) else [],
        "peak_kwh": (j["energy_kwh"].to_numpy(dtype=float) * steps["is_peak"].to_numpy(dtype=float))
        if len(j) else [],
    })
    g = work.groupby("vessel", sort=False).agg(
        first_work_step=("timestamp", "min"), last_work_step=("timestamp", "max"), moves=("moves", "sum"),
        crane_hours=("crane_hours", "sum"), energy_kwh=("energy_kwh", "sum"), cost=("cost", "sum"),
        peak_kwh=("peak_kwh", "sum"))
    w = windows.copy()
    w["vessel"] = w["vessel"].astype(str)
    out = w.merge(g, left_on="vessel", right_index=True, how="left")
    out["berth_hours"] = (pd.to_datetime(out["departure"]) - pd.to_datetime(out["arrival"])).dt.total_seconds() / 3600
    for c in ("moves", "crane_hours", "energy_kwh", "cost", "peak_kwh"):
        out[c] = out[c].fillna(0.0)
    out["energy_mwh"] = out["energy_kwh"] / 1000.0
    out["energy_cost_usd_at_import_price"] = out["cost"]
    out["peak_hour_energy_share"] = np.where(out["energy_kwh"] > 0,
                                             out["peak_kwh"] / out["energy_kwh"].where(out["energy_kwh"] > 0),
                                             np.nan)
    return out[list(CALL_COLUMNS)].sort_values("arrival", kind="stable").reset_index(drop=True)
