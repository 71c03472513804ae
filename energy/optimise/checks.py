"""Checks of the optimisation inputs, one per rule, before any model is built.

Each check raises :class:`~energy.errors.EnergyError` naming the series, parameter,
job or window at fault, with what was expected and what was found. The job and truck
checks also return the steps each window covers, which :mod:`energy.optimise.layout`
lays out. The rules themselves (the steps inside a window, the crane and charger
limits) are :mod:`energy.timegrid`'s and :mod:`energy.jobs`'; this module applies
them. No Pyomo here: ``port-energy check`` runs these without building a model.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

import numpy as np
import pandas as pd

from energy.errors import EnergyError, echo
from energy.inputs import SERIES_COLUMNS, Inputs
from energy.jobs import crane_limit, crane_limit_text, exceeds
from energy.reefers import band_problem
from energy.timegrid import interval_edges, step_ends_ns, window_steps

__all__ = [
    "BYTES_PER_VARIABLE",
    "VARIABLES_PER_STEP",
    "StepMap",
    "check_inputs",
    "check_model_size",
    "check_jobs",
    "check_params",
    "check_reefers",
    "check_series",
    "check_trucks",
    "machine_memory_bytes",
    "model_memory_bytes",
    "timestamp_ns",
]

VARIABLES_PER_STEP = 12
"""Variables of the dispatch model per time step: PV, wind, battery (3), grid (2), unserved,
trucks and the crane jobs' counts and moves (measured: 95k variables for the Chancay year's
8,760 hourly steps, 10.8 a step; rounded up). [-]"""
BYTES_PER_VARIABLE = 5_000
"""Memory of one variable with its share of the constraints, the solver's copy and the
profiles (measured: peak RSS of ``port-energy run`` on Chancay, one day 204 MB, two months
277 MB, so about 52 kB per hourly step). [bytes]"""
BASE_MEMORY_BYTES = 250_000_000
"""Memory of the program before its first step (measured: 204 MB for a one-day run). [bytes]"""


def model_memory_bytes(steps: int) -> float:
    """Memory a run of ``steps`` time steps needs, estimated before anything is built. [bytes]"""
    return BASE_MEMORY_BYTES + float(steps) * VARIABLES_PER_STEP * BYTES_PER_VARIABLE


def machine_memory_bytes() -> float:
    """Physical memory of this machine (inf when the system does not say). [bytes]"""
    try:
        return float(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    except (ValueError, OSError, AttributeError):
        return math.inf


def check_model_size(steps: int, resolution: str, where: str, memory_bytes: float | None = None) -> None:
    """Refuse a horizon whose model would not fit this machine's memory, with the figure.

    Called before any profile or model is built (steps x :data:`VARIABLES_PER_STEP` x
    :data:`BYTES_PER_VARIABLE`, plus the program itself).
    """
    need = model_memory_bytes(steps)
    have = machine_memory_bytes() if memory_bytes is None else memory_bytes
    if need > have:
        raise EnergyError(
            f"{where}: horizon: {steps:,} steps of {resolution} need about {need / 1e9:,.1f} GB to optimise "
            f"(estimate: {VARIABLES_PER_STEP} variables per step, {BYTES_PER_VARIABLE / 1000:g} kB each), "
            f"this machine has {have / 1e9:,.1f} GB; expected a shorter horizon or a coarser resolution"
        )


def timestamp_ns(value, what: str) -> int:
    """Integer ns of a tz-aware timestamp; a naive one is refused, naming ``what``."""
    ts = pd.Timestamp(value)
    if ts.tzinfo is None:
        raise EnergyError(f"{what}: expected a tz-aware timestamp, found naive {ts}")
    return ts.value


def check_series(inputs: Inputs) -> pd.DataFrame:
    """The exogenous series: every column present and finite, a tz-aware index, no negative power."""
    s = inputs.series
    missing = [c for c in SERIES_COLUMNS if c not in s.columns]
    if missing:
        raise EnergyError(
            f"inputs series: expected columns {list(SERIES_COLUMNS)}, missing {missing}"
        )
    if not isinstance(s.index, pd.DatetimeIndex) or s.index.tz is None:
        raise EnergyError("inputs series: expected a tz-aware DatetimeIndex")
    if len(s) == 0:
        raise EnergyError("inputs series: expected at least one time step, found none")
    dt = np.asarray(inputs.dt_h, dtype=float)
    if dt.shape != (len(s),):
        raise EnergyError(
            f"inputs dt_h: expected {len(s)} step lengths (one per row), found {dt.shape}"
        )
    if not np.all(np.isfinite(dt)) or (dt <= 0).any():
        raise EnergyError("inputs dt_h: expected finite step lengths > 0 h")
    for col in SERIES_COLUMNS:
        values = s[col].to_numpy(dtype=float)
        bad = ~np.isfinite(values)
        if bad.any():
            raise EnergyError(
                f"inputs series column '{col}': expected numbers, found a missing or "
                f"infinite value at {s.index[int(np.argmax(bad))]}"
            )
    for col in ("fixed_load_kw", "pv_available_kw", "wind_available_kw"):
        values = s[col].to_numpy(dtype=float)
        if (values < 0).any():
            i = int(np.argmax(values < 0))
            raise EnergyError(
                f"inputs series column '{col}': expected >= 0 kW, found {values[i]:g} "
                f"at {s.index[i]}"
            )
    return s


def check_params(inputs: Inputs, dt: np.ndarray) -> None:
    """Battery, grid, tariff, penalty and crane-pool parameters in their ranges."""
    b = inputs.battery
    if b is not None:
        checks = [
            ("energy_kwh", b.energy_kwh >= 0, ">= 0 kWh"),
            ("charge_power_kw", b.charge_power_kw >= 0, ">= 0 kW"),
            ("discharge_power_kw", b.discharge_power_kw >= 0, ">= 0 kW"),
            ("charge_efficiency", 0 < b.charge_efficiency <= 1, "in (0, 1]"),
            ("discharge_efficiency", 0 < b.discharge_efficiency <= 1, "in (0, 1]"),
            ("soc_min", 0 <= b.soc_min <= b.soc_max, "in [0, soc_max]"),
            ("soc_max", b.soc_min <= b.soc_max <= 1, "in [soc_min, 1]"),
            ("soc_initial", b.soc_min <= b.soc_initial <= b.soc_max, "in [soc_min, soc_max]"),
            (
                "self_discharge_per_h",
                0 <= b.self_discharge_per_h * dt.max() < 1,
                ">= 0 and below 1/(step length in h)",
            ),
            ("wear_cost_usd_per_kwh", b.wear_cost_usd_per_kwh >= 0, ">= 0 USD/kWh"),
        ]
        for name, ok, expected in checks:
            if not ok:
                raise EnergyError(
                    f"battery {name}: expected {expected}, found {echo(getattr(b, name))}"
                )
    g = inputs.grid
    if not g.import_limit_kw >= 0:
        raise EnergyError(f"grid import_limit_kw: expected >= 0 kW, found {echo(g.import_limit_kw)}")
    if not (g.export_limit_kw >= 0 and math.isfinite(g.export_limit_kw)):
        raise EnergyError(
            f"grid export_limit_kw: expected a finite value >= 0 kW, found {echo(g.export_limit_kw)}"
        )
    t = inputs.tariff
    for name in ("generation_capacity_usd_per_kw_month", "distribution_capacity_usd_per_kw_month"):
        v = getattr(t, name)
        if not (v >= 0 and math.isfinite(v)):
            raise EnergyError(f"tariff {name}: expected a finite value >= 0, found {echo(v)}")
    for name, v in (
        ("value_of_lost_load_usd_per_kwh", inputs.value_of_lost_load_usd_per_kwh),
        ("carbon_price_usd_per_kg", inputs.carbon_price_usd_per_kg),
        ("truck_charger_kw", inputs.truck_charger_kw),
    ):
        if not (v >= 0 and math.isfinite(v)):
            raise EnergyError(f"inputs {name}: expected a finite value >= 0, found {echo(v)}")
    cap = inputs.emissions_cap_kg
    if cap is not None and not (cap >= 0 and math.isfinite(cap)):
        raise EnergyError(
            f"inputs emissions_cap_kg: expected a finite value >= 0 kg, found {echo(cap)}"
        )
    for pool, size in inputs.crane_pools.items():
        if not (isinstance(size, int | np.integer) and size >= 0):
            raise EnergyError(
                f"crane pool '{pool}': expected a whole number >= 0 of cranes, found {echo(size)}"
            )


def _fmt_window(start, end) -> str:
    return f"[{pd.Timestamp(start).isoformat()}, {pd.Timestamp(end).isoformat()})"


def _check_job_fields(job, inputs: Inputs, what: str) -> None:
    if job.pool not in inputs.crane_pools:
        raise EnergyError(f"{what}: expected pool in {sorted(inputs.crane_pools)}, found '{job.pool}'")
    for name, ok, expected in (
        ("moves", job.moves >= 0 and math.isfinite(job.moves), "a finite value >= 0"),
        ("max_cranes", job.max_cranes >= 0, ">= 0"),
        ("moves_per_crane_hour", job.moves_per_crane_hour > 0, "> 0 moves/h"),
        ("energy_kwh_per_move", job.energy_kwh_per_move >= 0, ">= 0 kWh/move"),
    ):
        if not ok:
            raise EnergyError(f"{what} {name}: expected {expected}, found {echo(getattr(job, name))}")


def check_jobs(inputs: Inputs, starts, ends, dt) -> tuple[list, list]:
    """Map each crane job to its steps and refuse jobs that cannot be done.

    Returns
    -------
    (list of range, list of int)
        Per job the steps wholly inside its window (empty for a job without moves),
        and the most cranes it may use at once (:func:`energy.jobs.crane_limit`).
    """
    seen = set()
    job_steps, n_upper = [], []
    horizon = (f"[{pd.Timestamp(starts[0], tz='UTC').tz_convert(inputs.index.tz).isoformat()}, "
               f"{pd.Timestamp(inputs.horizon_end).isoformat()})")
    for job in inputs.crane_jobs:
        what = f"crane job '{job.name}'"
        if job.name in seen:
            raise EnergyError(f"{what}: expected unique job names, found '{job.name}' twice")
        seen.add(job.name)
        _check_job_fields(job, inputs, what)
        timestamp_ns(job.start, f"{what} start")
        timestamp_ns(job.end, f"{what} end")
        steps = window_steps(starts, ends, job.start, job.end)
        if job.moves > 0 and len(steps) == 0:
            raise EnergyError(f"{what}: its window {_fmt_window(job.start, job.end)} contains no whole "
                              f"time step of the horizon {horizon}; expected at least one")
        pool_size = int(inputs.crane_pools[job.pool])
        hours = float(dt[steps.start : steps.stop].sum())
        k_max, limit = crane_limit(job, pool_size, hours)
        if exceeds(job.moves, limit):
            raise EnergyError(f"{what}: {job.moves:g} moves cannot be done in its window "
                              f"{_fmt_window(job.start, job.end)}; the limit is "
                              f"{crane_limit_text(job, pool_size, hours)}")
        job_steps.append(steps if job.moves > 0 else range(0))
        n_upper.append(k_max)
    return job_steps, n_upper


def check_trucks(inputs: Inputs, starts, ends, dt) -> list:
    """Map each truck window to its steps and refuse a window the chargers cannot fill."""
    out = []
    q = inputs.truck_charger_kw
    for w in inputs.truck_windows:
        what = f"truck window '{w.name}'"
        if not (w.energy_kwh >= 0 and math.isfinite(w.energy_kwh)):
            raise EnergyError(f"{what} energy_kwh: expected a finite value >= 0, found {echo(w.energy_kwh)}")
        timestamp_ns(w.start, f"{what} start")
        timestamp_ns(w.end, f"{what} end")
        steps = window_steps(starts, ends, w.start, w.end)
        if w.energy_kwh > 0 and len(steps) == 0:
            raise EnergyError(f"{what}: its window {_fmt_window(w.start, w.end)} contains no whole time "
                              "step of the horizon; expected at least one")
        hours = float(dt[steps.start : steps.stop].sum())
        if exceeds(w.energy_kwh, q * hours):
            raise EnergyError(f"{what}: {w.energy_kwh:g} kWh cannot be charged in its window "
                              f"{_fmt_window(w.start, w.end)}; the limit is {q * hours:g} kWh "
                              f"(truck_charger_kw {q:g} kW x {hours:g} h)")
        out.append(steps if w.energy_kwh > 0 else range(0))
    return out


@dataclass
class StepMap:
    """What the checks found: step lengths and edges, and the steps of every window.

    Attributes
    ----------
    dt_h : numpy.ndarray
        Step lengths. [h]
    starts_ns, ends_ns : numpy.ndarray
        Step starts and ends, integer ns (UTC).
    job_steps : list of range
        Per crane job, the steps wholly inside its window.
    crane_n_upper : list of int
        Per crane job, the most cranes at once.
    truck_steps : list of range
        Per truck window, the steps wholly inside it.
    """

    dt_h: np.ndarray
    starts_ns: np.ndarray
    ends_ns: np.ndarray
    job_steps: list
    crane_n_upper: list
    truck_steps: list


def check_reefers(inputs: Inputs) -> None:
    """Each optimised reefer class: arrays on the model grid, and a band its compressors can hold."""
    n = len(inputs.series)
    for st in inputs.reefer_stores:
        where = f"loads.reefers.classes.{st.name}"
        shapes = {"boxes": (st.boxes, n + 1), "arriving": (st.arriving, n), "leaving": (st.leaving, n),
                  "temp_air_c": (st.temp_air_c, n), "cop": (st.cop, n), "dt_h": (st.dt_h, n)}
        for name, (arr, size) in shapes.items():
            a = np.asarray(arr, dtype=float)
            if a.shape != (size,) or not np.all(np.isfinite(a)):
                raise EnergyError(f"{where}: {name}: expected {size} finite values, found shape {a.shape}")
        if (np.asarray(st.cop) <= 0).any():
            raise EnergyError(f"{where}: cop: expected values > 0")
        problem = band_problem(st, where, interval_edges(inputs.index, inputs.horizon_end))
        if problem:
            raise EnergyError(problem)


def check_inputs(inputs: Inputs) -> StepMap:
    """Run every check of the optimisation inputs (no Pyomo model is built).

    Raises
    ------
    energy.errors.EnergyError
        The first problem found, naming the series, parameter, job or window.
    """
    check_series(inputs)
    dt = np.asarray(inputs.dt_h, dtype=float)
    check_params(inputs, dt)
    timestamp_ns(inputs.horizon_end, "inputs horizon_end")
    starts, ends = step_ends_ns(inputs.index, inputs.horizon_end)
    job_steps, n_upper = check_jobs(inputs, starts, ends, dt)
    truck_steps = check_trucks(inputs, starts, ends, dt)
    check_reefers(inputs)
    return StepMap(dt, starts, ends, job_steps, n_upper, truck_steps)
