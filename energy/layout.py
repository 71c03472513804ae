"""The dispatch MILP's plain-data map: checked inputs as floats, lists and index arrays.

:func:`_prepare` runs the checks of :mod:`energy.validate` and works out what exists
where (PV and wind steps, crane job-steps, truck window-steps, crane-pool rows, tight
bounds and big-Ms, calendar months): the :class:`Layout` that :mod:`energy.dispatch`
keeps on the model for the solve and results code, and the :class:`_Data` its
``_add_*`` functions build from. No Pyomo here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from energy.inputs import Inputs, month_fractions
from energy.validate import _check_jobs, _check_params, _check_series, _check_trucks, _timestamp_ns

#: Available PV or wind power below this (1 W) is taken as none: no variable.
#: HiGHS warns of "excessively small bounds" below 1e-4. [kW]
AVAILABLE_MIN_KW = 1e-3


@dataclass
class Layout:
    """Plain-data map of the model: what exists where (no Pyomo objects).

    Stored on the model as ``model.layout`` by :func:`energy.dispatch.build_model`;
    the solve and results code read it to know which components exist and how
    job-steps map to time steps.

    Attributes
    ----------
    n_steps : int
    dt_h : list of float
        Step lengths. [h]
    has_battery, has_export, has_pv, has_wind, has_trucks, has_cranes : bool
    pv_steps, wind_steps, truck_steps : list of int
        Steps where the variable exists (available power > 0, inside a window).
    truck_window, truck_step : numpy.ndarray
        Window number (position in ``Inputs.truck_windows``) and step of each
        window-step i of ``truck_charge``.
    crane_job, crane_step : numpy.ndarray
        Job number (position in ``Inputs.crane_jobs``) and step of each job-step k.
    crane_rate : numpy.ndarray
        Moves one crane makes during job-step k: rho_j * dt[t]. [moves/crane]
    crane_energy_kwh_per_move : numpy.ndarray
        eps_j of each job-step k. [kWh/move]
    crane_n_upper : numpy.ndarray
        Per job: most cranes at once, min(max_cranes, pool size). [cranes]
    import_upper_kw : list of float
        Upper bound of ``grid_import[t]`` (the import limit, tightened to the most
        the site could absorb at t). [kW]
    import_mode_bound_kw, export_mode_bound_kw : list of float
        Big-M of ``grid_mode_import[t]`` / ``grid_mode_export[t]``: the most that
        can be imported while not exporting (site sinks), and exported while not
        importing (PV + wind available + battery discharge), within the limits. [kW]
    month_of_step : numpy.ndarray
        Position of each step's calendar month in ``months``.
    months : pandas.PeriodIndex
    month_fraction : numpy.ndarray
        Share of each month covered by the horizon. [-]
    """

    n_steps: int
    dt_h: list
    has_battery: bool = False
    has_export: bool = False
    has_pv: bool = False
    has_wind: bool = False
    has_trucks: bool = False
    has_cranes: bool = False
    pv_steps: list = field(default_factory=list)
    wind_steps: list = field(default_factory=list)
    truck_steps: list = field(default_factory=list)
    truck_window: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    truck_step: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    crane_job: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    crane_step: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    crane_rate: np.ndarray = field(default_factory=lambda: np.zeros(0))
    crane_energy_kwh_per_move: np.ndarray = field(default_factory=lambda: np.zeros(0))
    crane_n_upper: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    import_upper_kw: list = field(default_factory=list)
    import_mode_bound_kw: list = field(default_factory=list)
    export_mode_bound_kw: list = field(default_factory=list)
    month_of_step: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    months: pd.PeriodIndex | None = None
    month_fraction: np.ndarray = field(default_factory=lambda: np.zeros(0))


@dataclass
class _Data:
    """Validated inputs as plain Python floats/lists, shared by the _add_* functions."""

    inputs: Inputs
    n: int
    dt: list
    load: list
    pv_avail: list
    wind_avail: list
    pi_imp: list
    pi_exp: list
    ef: list
    peak_steps: list
    layout: Layout
    job_steps: list  # per job: range of steps (empty range for zero-move jobs)
    job_k0: list  # per job: first k
    window_steps: list  # per truck window: range of steps
    window_i0: list = field(default_factory=list)  # per truck window: first i
    truck_steps_at: dict = field(default_factory=dict)  # step -> [i...] of truck_charge
    crane_steps_at: list = field(default_factory=list)  # per step: list of k
    pool_rows: list = field(default_factory=list)  # [(pool, size, t, [k...])]


def _prepare(inputs: Inputs) -> _Data:
    s = _check_series(inputs)
    dt_arr = np.asarray(inputs.dt_h, dtype=float)
    _check_params(inputs, dt_arr)
    n = len(s)
    index = s.index
    starts = index.asi8 if index.unit == "ns" else index.as_unit("ns").asi8
    end_ns = _timestamp_ns(inputs.horizon_end, "inputs horizon_end")
    ends = np.append(starts[1:], end_ns)

    job_steps, n_upper = _check_jobs(inputs, starts, ends, dt_arr)
    window_steps = _check_trucks(inputs, starts, ends, dt_arr)

    layout = Layout(n_steps=n, dt_h=dt_arr.tolist())
    load = s["fixed_load_kw"].to_numpy(dtype=float)
    # Round-off availability (pvlib gives ~1e-13 kW at dawn) becomes zero: such
    # bounds only upset the solver's numerics ("excessively small bounds").
    pva = s["pv_available_kw"].to_numpy(dtype=float)
    pva = np.where(pva < AVAILABLE_MIN_KW, 0.0, pva)
    wa = s["wind_available_kw"].to_numpy(dtype=float)
    wa = np.where(wa < AVAILABLE_MIN_KW, 0.0, wa)
    b = inputs.battery
    layout.has_battery = bool(
        b is not None and b.energy_kwh > 0 and (b.charge_power_kw > 0 or b.discharge_power_kw > 0)
    )
    layout.has_export = inputs.grid.export_limit_kw > 0
    layout.pv_steps = np.flatnonzero(pva > 0).tolist()
    layout.wind_steps = np.flatnonzero(wa > 0).tolist()
    layout.has_pv = bool(layout.pv_steps)
    layout.has_wind = bool(layout.wind_steps)

    # Crane job-steps k: contiguous per job, in job order.
    job_k0, jobs_of_k, steps_of_k = [], [], []
    k = 0
    for j, steps in enumerate(job_steps):
        job_k0.append(k)
        jobs_of_k.append(np.full(len(steps), j, dtype=np.int64))
        steps_of_k.append(np.arange(steps.start, steps.stop, dtype=np.int64))
        k += len(steps)
    crane_job = np.concatenate(jobs_of_k) if jobs_of_k else np.zeros(0, dtype=np.int64)
    crane_step = np.concatenate(steps_of_k) if steps_of_k else np.zeros(0, dtype=np.int64)
    jobs = inputs.crane_jobs
    rho = np.array([jb.moves_per_crane_hour for jb in jobs], dtype=float)
    eps = np.array([jb.energy_kwh_per_move for jb in jobs], dtype=float)
    layout.crane_job = crane_job
    layout.crane_step = crane_step
    layout.crane_rate = rho[crane_job] * dt_arr[crane_step] if len(crane_job) else np.zeros(0)
    layout.crane_energy_kwh_per_move = eps[crane_job] if len(crane_job) else np.zeros(0)
    layout.has_cranes = len(crane_job) > 0

    crane_steps_at = [[] for _ in range(n)]
    for kk, t in enumerate(crane_step.tolist()):
        crane_steps_at[t].append(kk)

    # Pool rows only where the jobs' crane bounds could exceed the pool.
    pool_rows = []
    for pool, size in inputs.crane_pools.items():
        members = [j for j, jb in enumerate(jobs) if jb.pool == pool and len(job_steps[j])]
        if len(members) < 2:
            continue
        demand = np.zeros(n, dtype=np.int64)
        for j in members:
            demand[job_steps[j].start : job_steps[j].stop] += n_upper[j]
        for t in np.flatnonzero(demand > size).tolist():
            ks = [
                job_k0[j] + t - job_steps[j].start
                for j in members
                if job_steps[j].start <= t < job_steps[j].stop
            ]
            pool_rows.append((pool, int(size), t, ks))
    layout.crane_n_upper = np.array(n_upper, dtype=np.int64)

    # Truck window-steps i: contiguous per window, in window order.
    window_i0, truck_steps_at = [], {}
    i = 0
    for steps in window_steps:
        window_i0.append(i)
        for t in steps:
            truck_steps_at.setdefault(t, []).append(i)
            i += 1
    layout.truck_window = np.repeat(
        np.arange(len(window_steps), dtype=np.int64), [len(s) for s in window_steps]
    )
    layout.truck_step = np.array([t for steps in window_steps for t in steps], dtype=np.int64)
    truck_steps = sorted(truck_steps_at)
    layout.truck_steps = truck_steps
    layout.has_trucks = bool(truck_steps) and inputs.truck_charger_kw > 0

    # Tightest valid import bound: the import limit, or everything the site
    # could absorb at t (imp never exceeds the sinks of the balance).
    sink = load.copy()
    if layout.has_cranes:
        np.add.at(
            sink,
            crane_step,
            layout.crane_energy_kwh_per_move * rho[crane_job] * layout.crane_n_upper[crane_job],
        )
    if layout.has_trucks:
        sink[truck_steps] += inputs.truck_charger_kw
    if layout.has_battery:
        sink += b.charge_power_kw
    limit = inputs.grid.import_limit_kw
    # Big-M values of the mode binaries, as tight as valid: in import mode there
    # is no export, so import covers at most the site's own sinks; in export
    # mode there is no import, so export comes from PV, wind and the battery.
    layout.import_mode_bound_kw = np.minimum(sink, limit).tolist()
    source = pva + wa + (b.discharge_power_kw if layout.has_battery else 0.0)
    layout.export_mode_bound_kw = np.minimum(source, inputs.grid.export_limit_kw).tolist()
    if layout.has_export:
        sink += inputs.grid.export_limit_kw
    layout.import_upper_kw = np.minimum(sink, limit).tolist()

    months = index.tz_localize(None).to_period("M")
    codes, uniques = pd.factorize(months)
    layout.month_of_step = codes.astype(np.int64)
    layout.months = pd.PeriodIndex(uniques)
    layout.month_fraction = (
        month_fractions(index, dt_arr).reindex(layout.months).to_numpy(dtype=float)
    )

    return _Data(
        inputs=inputs,
        n=n,
        dt=layout.dt_h,
        load=load.tolist(),
        pv_avail=pva.tolist(),
        wind_avail=wa.tolist(),
        pi_imp=s["import_price_usd_per_kwh"].to_numpy(dtype=float).tolist(),
        pi_exp=s["export_price_usd_per_kwh"].to_numpy(dtype=float).tolist(),
        ef=s["grid_emission_kg_per_kwh"].to_numpy(dtype=float).tolist(),
        peak_steps=np.flatnonzero(s["is_peak"].to_numpy(dtype=bool)).tolist(),
        layout=layout,
        job_steps=job_steps,
        job_k0=job_k0,
        window_steps=window_steps,
        window_i0=window_i0,
        truck_steps_at=truck_steps_at,
        crane_steps_at=crane_steps_at,
        pool_rows=pool_rows,
    )
