"""The dispatch MILP's plain-data map: checked inputs as floats, lists and index arrays.

:func:`prepare` runs the checks of :mod:`energy.optimise.checks` and works out what
exists where, one ``prepare_*`` function per family, mirroring the ``add_*`` functions
of :mod:`energy.optimise.dispatch`: PV and wind steps, battery, crane job-steps and
crane-pool rows, truck window-steps, tight import bounds and big-Ms, calendar months.
It returns the :class:`ModelData` the ``add_*`` functions build from; its
:class:`Layout` is kept on the model for the solve and extract code. No Pyomo here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from energy.errors import EnergyError
from energy.inputs import Inputs
from energy.kpis import BillRates, bill_rates
from energy.optimise.checks import StepMap, check_inputs
from energy.reefers import MIN_BOXES
from energy.timegrid import month_fractions, months_of

__all__ = ["AVAILABLE_MIN_KW", "FIX_TOLERANCE", "UNIT_AVAILABLE_MIN_KW", "Layout", "ModelData", "prepare",
           "prepare_inflexible", "sized_profiles"]

#: Moves [moves] or energy [kWh] left over that count as done in the inflexible schedule.
FIX_TOLERANCE = 1e-6

#: Available PV or wind power below this (1 W) is taken as none: no variable.
#: HiGHS warns of "excessively small bounds" below 1e-4. [kW]
AVAILABLE_MIN_KW = 1e-3


@dataclass
class Layout:
    """Plain-data map of the model: what exists where (no Pyomo objects).

    Stored on the model as ``model.layout`` by :func:`energy.optimise.dispatch.build_model`;
    the solve and results code read it to know which components exist and how
    job-steps map to time steps.

    Attributes
    ----------
    n_steps : int
    dt_h : list of float
        Step lengths. [h]
    has_battery, has_export, has_pv, has_wind, has_trucks, has_cranes, has_reefers : bool
    reefer_names : list of str
        Optimised reefer classes, in the order of ``Inputs.reefer_stores``; reefer
        variable i is class ``i // n_steps`` at step ``i % n_steps``.
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
    crane_count_steps : list of int
        The contested job-steps k: those in a pool row (:attr:`ModelData.pool_rows`).
        Only they carry a crane count ``crane_working[k]``; elsewhere the count is
        ``ceil(moves / rate)`` and the moves' bound ``rate * n_upper`` says all.
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
    battery_sized : bool
        The battery's energy and power are variables (``Inputs.sizing.battery``).
    inflexible : bool
        The flexible work follows the fixed schedule below (``Inputs.flexibility``).
    fixed_crane_working, fixed_crane_moves : numpy.ndarray
        Inflexible schedule per job-step k: cranes [cranes] and moves [moves].
    fixed_truck_charge_kw : numpy.ndarray
        Inflexible schedule per window-step i: charging power. [kW]
    """

    n_steps: int
    dt_h: list
    has_battery: bool = False
    has_export: bool = False
    has_pv: bool = False
    has_wind: bool = False
    has_trucks: bool = False
    has_cranes: bool = False
    has_reefers: bool = False
    reefer_names: list = field(default_factory=list)
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
    crane_count_steps: list = field(default_factory=list)
    import_upper_kw: list = field(default_factory=list)
    import_mode_bound_kw: list = field(default_factory=list)
    export_mode_bound_kw: list = field(default_factory=list)
    month_of_step: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    months: pd.PeriodIndex | None = None
    month_fraction: np.ndarray = field(default_factory=lambda: np.zeros(0))
    battery_sized: bool = False
    inflexible: bool = False
    fixed_crane_working: np.ndarray = field(default_factory=lambda: np.zeros(0))
    fixed_crane_moves: np.ndarray = field(default_factory=lambda: np.zeros(0))
    fixed_truck_charge_kw: np.ndarray = field(default_factory=lambda: np.zeros(0))


@dataclass
class ModelData:
    """Validated inputs as plain Python floats and lists, shared by the ``add_*`` functions.

    Attributes
    ----------
    inputs : energy.inputs.Inputs
    rates : energy.kpis.BillRates
        The bill's rates: the objective's coefficients come from them.
    n : int
        Steps.
    dt : list of float
        Step lengths. [h]
    load, pv_avail, wind_avail : list of float
        Fixed load and available PV / wind power (round-off availability as 0). [kW]
    pi_imp, pi_exp : list of float
        Import and export prices. [USD/kWh]
    ef : list of float
        Grid emission factor. [kg/kWh]
    peak_steps : list of int
        Steps in peak hours.
    layout : Layout
    job_steps, job_k0 : list
        Per crane job: its steps (a range) and its first job-step k.
    window_steps, window_i0 : list
        Per truck window: its steps (a range) and its first window-step i.
    truck_steps_at : dict
        Step -> the window-steps i of ``truck_charge`` at that step.
    crane_steps_at : list
        Per step, the job-steps k at that step.
    pool_rows : list
        ``(pool, size, t, [k...])`` where the jobs' cranes could exceed the pool.
    reefer_rows : list
        Per reefer variable i (class c, step k), the scaled heat balance
        ``(a_end, a_prev, b_power, rhs)`` of :mod:`energy.reefers` (``a_end*T[i] - a_prev*T[i-1]
        + b_power*P[i] = rhs``; at k = 0, ``T[i-1]`` is the set-point, folded into ``rhs``),
        or None where the class holds no box at the step end.
    reefer_bounds : list
        Per reefer variable i: ``(power_upper_kw, temp_low_c, temp_high_c)``.
    """

    inputs: Inputs
    rates: BillRates
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
    job_steps: list
    job_k0: list = field(default_factory=list)
    window_steps: list = field(default_factory=list)
    window_i0: list = field(default_factory=list)
    truck_steps_at: dict = field(default_factory=dict)
    crane_steps_at: list = field(default_factory=list)
    pool_rows: list = field(default_factory=list)
    reefer_rows: list = field(default_factory=list)
    reefer_bounds: list = field(default_factory=list)


#: Available power per sized unit (kWp, turbine) below this is taken as none. [kW]
UNIT_AVAILABLE_MIN_KW = 1e-7


def sized_profiles(inputs: Inputs, kind: str) -> list[tuple[int, np.ndarray]]:
    """``(position in Inputs.sizing.assets, kW per unit)`` of the sized assets of ``kind``, round-off as 0."""
    if inputs.sizing is None:
        return []
    return [(i, np.where(a.kw_per_unit < UNIT_AVAILABLE_MIN_KW, 0.0, np.asarray(a.kw_per_unit, dtype=float)))
            for i, a in enumerate(inputs.sizing.assets) if a.kind == kind]


def prepare_pv_wind(lay: Layout, s: pd.DataFrame, inputs: Inputs | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Available PV and wind power, round-off as none, and the steps where any is available.

    pvlib gives ~1e-13 kW at dawn: such bounds only upset the solver's numerics
    ("excessively small bounds"), so availability below :data:`AVAILABLE_MIN_KW` is zero.
    With sizing (``inputs.sizing``) the availability returned is the most there can be:
    the fixed assets' plus each sized asset at its upper bound.
    """
    pva = s["pv_available_kw"].to_numpy(dtype=float)
    pva = np.where(pva < AVAILABLE_MIN_KW, 0.0, pva)
    wa = s["wind_available_kw"].to_numpy(dtype=float)
    wa = np.where(wa < AVAILABLE_MIN_KW, 0.0, wa)
    if inputs is not None and inputs.sizing is not None:
        assets = inputs.sizing.assets
        pva = pva + sum((p * assets[i].upper for i, p in sized_profiles(inputs, "pv")), np.zeros(len(pva)))
        wa = wa + sum((p * assets[i].upper for i, p in sized_profiles(inputs, "wind")), np.zeros(len(wa)))
    lay.pv_steps = np.flatnonzero(pva > 0).tolist()
    lay.wind_steps = np.flatnonzero(wa > 0).tolist()
    lay.has_pv = bool(lay.pv_steps)
    lay.has_wind = bool(lay.wind_steps)
    return pva, wa


def prepare_battery(lay: Layout, inputs: Inputs) -> None:
    """Whether the battery family exists (:attr:`energy.inputs.Inputs.has_battery`), and is sized."""
    lay.has_battery = inputs.has_battery
    lay.battery_sized = lay.has_battery and inputs.sizing is not None and inputs.sizing.battery is not None


def prepare_cranes(d: ModelData, steps: StepMap) -> None:
    """Crane job-steps k (contiguous per job, in job order), rates, and the pool rows.

    Pool rows are made only where the jobs' crane bounds could exceed the pool, and
    only their job-steps get a crane count (``Layout.crane_count_steps``). Elsewhere an
    integer count is implied: with ``n`` in ``0..K_j`` the only link of ``n`` is
    ``mv <= rho*dt*n``, so any ``mv`` in ``[0, rho*dt*K_j]`` has ``n = ceil(mv/(rho*dt))``
    (K_j is whole). Dropping those counts changes no feasible set of moves and no
    optimum; on the Chancay year it drops two thirds of the integer columns and their
    capacity rows (21,144 job-steps, 7,134 contested).
    """
    lay, n, jobs = d.layout, d.n, d.inputs.crane_jobs
    job_steps, n_upper, dt_arr = steps.job_steps, steps.crane_n_upper, steps.dt_h
    jobs_of_k, steps_of_k = [], []
    k = 0
    for j, st in enumerate(job_steps):
        d.job_k0.append(k)
        jobs_of_k.append(np.full(len(st), j, dtype=np.int64))
        steps_of_k.append(np.arange(st.start, st.stop, dtype=np.int64))
        k += len(st)
    crane_job = np.concatenate(jobs_of_k) if jobs_of_k else np.zeros(0, dtype=np.int64)
    crane_step = np.concatenate(steps_of_k) if steps_of_k else np.zeros(0, dtype=np.int64)
    rho = np.array([jb.moves_per_crane_hour for jb in jobs], dtype=float)
    eps = np.array([jb.energy_kwh_per_move for jb in jobs], dtype=float)
    lay.crane_job, lay.crane_step = crane_job, crane_step
    lay.crane_rate = rho[crane_job] * dt_arr[crane_step] if len(crane_job) else np.zeros(0)
    lay.crane_energy_kwh_per_move = eps[crane_job] if len(crane_job) else np.zeros(0)
    lay.has_cranes = len(crane_job) > 0
    lay.crane_n_upper = np.array(n_upper, dtype=np.int64)
    d.crane_steps_at = [[] for _ in range(n)]
    for kk, t in enumerate(crane_step.tolist()):
        d.crane_steps_at[t].append(kk)
    for pool, size in d.inputs.crane_pools.items():
        members = [j for j, jb in enumerate(jobs) if jb.pool == pool and len(job_steps[j])]
        if len(members) < 2:
            continue
        demand = np.zeros(n, dtype=np.int64)
        for j in members:
            demand[job_steps[j].start : job_steps[j].stop] += n_upper[j]
        for t in np.flatnonzero(demand > size).tolist():
            ks = [d.job_k0[j] + t - job_steps[j].start for j in members
                  if job_steps[j].start <= t < job_steps[j].stop]
            d.pool_rows.append((pool, int(size), t, ks))
    lay.crane_count_steps = sorted({k for row in d.pool_rows for k in row[3]})


def prepare_trucks(d: ModelData, steps: StepMap) -> None:
    """Truck window-steps i (contiguous per window, in window order)."""
    lay = d.layout
    d.window_steps = steps.truck_steps
    i = 0
    for st in d.window_steps:
        d.window_i0.append(i)
        for t in st:
            d.truck_steps_at.setdefault(t, []).append(i)
            i += 1
    lay.truck_window = np.repeat(np.arange(len(d.window_steps), dtype=np.int64),
                                 [len(st) for st in d.window_steps])
    lay.truck_step = np.array([t for st in d.window_steps for t in st], dtype=np.int64)
    lay.truck_steps = sorted(d.truck_steps_at)
    lay.has_trucks = bool(lay.truck_steps) and d.inputs.truck_charger_kw > 0


def prepare_reefers(d: ModelData) -> None:
    """Scaled heat-balance rows and bounds of every optimised reefer class and step.

    Each row of :mod:`energy.reefers`' balance is divided by ``C*max(N_end, 1)`` so that the
    end temperature has coefficient ~1. A step whose class ends empty has no row, its end
    temperature is fixed at the set-point and its compressor at 0.
    """
    stores = d.inputs.reefer_stores
    lay = d.layout
    lay.reefer_names = [s.name for s in stores]
    lay.has_reefers = bool(stores)
    for s in stores:
        c, nm, rated = s.thermal_mass_kwh_per_c, s.mean_boxes, s.rated_kw
        for k in range(d.n):
            n_end = float(s.boxes[k + 1])
            if n_end < MIN_BOXES:
                d.reefer_rows.append(None)
                d.reefer_bounds.append((0.0, s.setpoint_c, s.setpoint_c))
                continue
            h = float(s.dt_h[k])
            scale = 1.0 / (c * max(n_end, 1.0))
            a_prev = (c * (float(s.boxes[k]) - float(s.leaving[k])) - h * nm[k] * s.ua_kw_per_c) * scale
            rhs = (c * float(s.arriving[k]) * s.arrival_temp_c
                   + h * nm[k] * (s.ua_kw_per_c * float(s.temp_air_c[k]) + s.internal_heat_kw_per_box)) * scale
            if k == 0:
                rhs += a_prev * s.setpoint_c
            d.reefer_rows.append((c * n_end * scale, a_prev, h * float(s.cop[k]) * scale, rhs))
            d.reefer_bounds.append((float(rated[k]), s.band_low_c, s.band_high_c))


def prepare_grid(d: ModelData, pva: np.ndarray, wa: np.ndarray, load: np.ndarray) -> None:
    """Export, the tightest valid import bound, and the big-Ms of the grid mode binaries.

    Import never exceeds what the site could absorb at t (its sinks): load, cranes at
    their most, chargers, battery charging, and export. In import mode there is no
    export, so import covers at most the sinks; in export mode there is no import, so
    export comes from PV, wind and the battery.
    """
    lay, inputs = d.layout, d.inputs
    lay.has_export = inputs.grid.export_limit_kw > 0
    b = inputs.battery
    sink = load.copy()
    if lay.has_cranes:
        rho = np.array([jb.moves_per_crane_hour for jb in inputs.crane_jobs], dtype=float)
        np.add.at(sink, lay.crane_step,
                  lay.crane_energy_kwh_per_move * rho[lay.crane_job] * lay.crane_n_upper[lay.crane_job])
    if lay.has_trucks:
        sink[lay.truck_steps] += inputs.truck_charger_kw
    if lay.has_battery:
        sink += b.charge_power_kw
    for st in inputs.reefer_stores:
        sink += st.rated_kw
    limit = inputs.grid.import_limit_kw
    lay.import_mode_bound_kw = np.minimum(sink, limit).tolist()
    source = pva + wa + (b.discharge_power_kw if lay.has_battery else 0.0)
    lay.export_mode_bound_kw = np.minimum(source, inputs.grid.export_limit_kw).tolist()
    if lay.has_export:
        sink += inputs.grid.export_limit_kw
    lay.import_upper_kw = np.minimum(sink, limit).tolist()


def prepare_months(lay: Layout, index: pd.DatetimeIndex, dt_arr: np.ndarray) -> None:
    """Calendar month of each step and the share of each month inside the horizon."""
    lay.month_of_step, lay.months = months_of(index)
    lay.month_fraction = month_fractions(index, dt_arr).to_numpy(dtype=float)


def _fixed_cranes(d: ModelData) -> tuple[np.ndarray, np.ndarray]:
    """Cranes and moves per job-step k: every job as early as it can, with its most cranes.

    Steps are walked in time order; at each step the jobs of a pool take cranes in the
    order of their window start (first come, first served) up to ``crane_n_upper``, and
    no more than the moves left need.
    """
    lay, jobs = d.layout, d.inputs.crane_jobs
    rate = lay.crane_rate
    n_fix, mv_fix = np.zeros(len(rate)), np.zeros(len(rate))
    left = [float(jb.moves) for jb in jobs]
    pools = d.inputs.crane_pools
    for ks in d.crane_steps_at:
        free = dict(pools)
        for k in sorted(ks, key=lambda k: (jobs[lay.crane_job[k]].start, lay.crane_job[k])):
            j = int(lay.crane_job[k])
            if left[j] <= FIX_TOLERANCE or rate[k] <= 0:
                continue
            need = math.ceil(left[j] / rate[k] - FIX_TOLERANCE)
            n = min(int(lay.crane_n_upper[j]), free.get(jobs[j].pool, int(lay.crane_n_upper[j])), need)
            free[jobs[j].pool] = free.get(jobs[j].pool, n) - n
            n_fix[k], mv_fix[k] = n, min(left[j], n * rate[k])
            left[j] -= mv_fix[k]
    for j, jb in enumerate(jobs):
        if left[j] > FIX_TOLERANCE * max(1.0, jb.moves):
            raise EnergyError(
                f"flexibility.mode = 'inflexible': crane job {jb.name!r} cannot finish its {jb.moves:g} moves "
                f"in its window {jb.start.isoformat()} .. {jb.end.isoformat()} when the {jb.pool} cranes "
                f"serve jobs first come, first served ({left[j]:.1f} moves left); expected windows that "
                "fit first-come-first-served work, or flexibility.mode = 'optimised'")
    return n_fix, mv_fix


def _fixed_trucks(d: ModelData) -> np.ndarray:
    """Charging power per window-step i: each window from its start at full charger power."""
    windows, q_max = d.inputs.truck_windows, float(d.inputs.truck_charger_kw)
    q_fix = np.zeros(len(d.layout.truck_step))
    left = [float(w.energy_kwh) for w in windows]
    for t in d.layout.truck_steps:
        free = q_max
        for i in sorted(d.truck_steps_at[t], key=lambda i: windows[d.layout.truck_window[i]].start):
            w = int(d.layout.truck_window[i])
            q = min(free, left[w] / d.dt[t]) if left[w] > FIX_TOLERANCE else 0.0
            q_fix[i], free, left[w] = q, free - q, left[w] - q * d.dt[t]
    for w, tw in enumerate(windows):
        if left[w] > FIX_TOLERANCE * max(1.0, tw.energy_kwh):
            raise EnergyError(
                f"flexibility.mode = 'inflexible': truck window {tw.name!r} cannot receive its "
                f"{tw.energy_kwh:.0f} kWh from its start at {q_max:g} kW shared with earlier windows; "
                "expected non-overlapping charging windows, or flexibility.mode = 'optimised'")
    return q_fix


def prepare_inflexible(d: ModelData) -> None:
    """The fixed schedule of inflexible work (``Inputs.flexibility == "inflexible"``).

    Cranes work from the start of each window (a berth window, a yard day) with the
    most cranes allowed until its moves are done; trucks charge from the start of each
    window at the full charger power until charged. :func:`energy.optimise.dispatch.build_model`
    then fixes the crane and truck variables to this schedule.

    Raises
    ------
    energy.errors.EnergyError
        A job or window that this rule cannot complete (the pool or charger shared).
    """
    lay = d.layout
    lay.inflexible = d.inputs.flexibility == "inflexible"
    if not lay.inflexible:
        return
    if lay.has_cranes:
        lay.fixed_crane_working, lay.fixed_crane_moves = _fixed_cranes(d)
    if lay.has_trucks:
        lay.fixed_truck_charge_kw = _fixed_trucks(d)


def prepare(inputs: Inputs) -> ModelData:
    """Check the inputs and lay them out for :func:`energy.optimise.dispatch.build_model`.

    Raises
    ------
    energy.errors.EnergyError
        As :func:`energy.optimise.checks.check_inputs`.
    """
    steps = check_inputs(inputs)
    s = inputs.series
    n = len(s)
    lay = Layout(n_steps=n, dt_h=steps.dt_h.tolist())
    load = s["fixed_load_kw"].to_numpy(dtype=float)
    pva, wa = prepare_pv_wind(lay, s, inputs)
    prepare_battery(lay, inputs)
    d = ModelData(
        inputs=inputs, rates=bill_rates(inputs), n=n, dt=lay.dt_h, load=load.tolist(),
        pv_avail=pva.tolist(), wind_avail=wa.tolist(),
        pi_imp=s["import_price_usd_per_kwh"].to_numpy(dtype=float).tolist(),
        pi_exp=s["export_price_usd_per_kwh"].to_numpy(dtype=float).tolist(),
        ef=s["grid_emission_kg_per_kwh"].to_numpy(dtype=float).tolist(),
        peak_steps=np.flatnonzero(s["is_peak"].to_numpy(dtype=bool)).tolist(),
        layout=lay, job_steps=steps.job_steps,
    )
    prepare_cranes(d, steps)
    prepare_trucks(d, steps)
    prepare_reefers(d)
    prepare_grid(d, pva, wa, load)
    prepare_months(lay, s.index, steps.dt_h)
    prepare_inflexible(d)
    return d
