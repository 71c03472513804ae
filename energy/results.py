"""Read a solved dispatch model into plain tables and KPIs (:func:`extract`).

Nothing Pyomo leaves this module: :class:`Results` holds DataFrames, a dict of
floats/str and the :class:`~energy.solve.SolveOutcome`.

Dispatch columns (one row per step, the model's tz-aware index; a timestamp
starts its interval; powers are averages over the step)

=================================  ===============================================
column                             meaning
=================================  ===============================================
``fixed_load_kw``                  inflexible load (input) [kW]
``crane_load_kw``                  crane power, sum_j eps_j * moves / dt_h [kW]
``truck_load_kw``                  truck charging power [kW]
``pv_available_kw``, ``pv_kw``,    PV available, used and curtailed (available -
``pv_curtailed_kw``                used) [kW]
``wind_available_kw``,             wind available, used, curtailed [kW]
``wind_kw``, ``wind_curtailed_kw``
``battery_charge_kw``,             battery AC charge / discharge power [kW]
``battery_discharge_kw``
``battery_soc_kwh``                stored energy at the END of the step [kWh]
``grid_import_kw``,                grid import / export [kW]
``grid_export_kw``
``unserved_kw``                    load not served [kW]
``import_price_usd_per_kwh``,      prices (input) [USD/kWh]
``export_price_usd_per_kwh``
``grid_emission_kg_per_kwh``       emission factor of import (input) [kg/kWh]
``is_peak``                        peak hour (horas punta) [bool]
``dt_h``                           step length [h]
``cranes_<pool>_working``          cranes working in the pool: per job the fewest
                                   cranes that make its moves (<= the solver's count,
                                   so within the pool limit) [cranes]
``crane_moves_<pool>``             moves made in the step by the pool [moves]
``crane_load_<pool>_kw``           the pool's crane power [kW]
=================================  ===============================================

KPIs (:attr:`Results.kpis`) are computed from these columns, so they agree with
the table; see :func:`kpis_from_dispatch` for each definition.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyomo.environ as pyo
from pyomo.common.gc_manager import PauseGC

from energy.errors import SolveError
from energy.inputs import Inputs, month_fractions
from energy.solve import SolveOutcome

__all__ = ["Results", "extract", "kpis_from_dispatch"]

#: Flows below this are reported as exactly zero (solver round-off). [kW]
_ZERO_KW = 1e-9


@dataclass
class Results:
    """The outcome of one optimisation, free of Pyomo objects.

    Attributes
    ----------
    dispatch : pandas.DataFrame
        One row per time step (columns in this module's docstring).
    jobs : pandas.DataFrame
        One row per crane job and step with moves: ``job, pool, kind, timestamp,
        cranes, moves, energy_kwh`` (energy of those moves [kWh]).
    kpis : dict
        Key figures (see :func:`kpis_from_dispatch`) plus solver fields.
    outcome : energy.solve.SolveOutcome
        Status, gap, sizes and timings of the solve.
    meta : dict
        The inputs' provenance (model, scenario, sources).
    """

    dispatch: pd.DataFrame
    jobs: pd.DataFrame
    kpis: dict
    outcome: SolveOutcome
    meta: dict = field(default_factory=dict)


def _values(var, n: int | None = None, steps=None) -> np.ndarray:
    """Values of an indexed variable as floats (None -> 0), spread over ``n`` steps."""
    vals = np.array([v.value for v in var.values()], dtype=float)
    vals = np.nan_to_num(vals, nan=0.0)
    if steps is None:
        return vals
    out = np.zeros(n)
    out[np.asarray(steps, dtype=np.int64)] = vals
    return out


def _clean(x: np.ndarray) -> np.ndarray:
    """Zero out round-off: |x| below :data:`_ZERO_KW`."""
    x = np.where(np.abs(x) < _ZERO_KW, 0.0, x)
    return x


def extract(model: pyo.ConcreteModel, outcome: SolveOutcome) -> Results:
    """Read the solution held in a solved model into :class:`Results`.

    Parameters
    ----------
    model : pyomo.environ.ConcreteModel
        Model from :func:`energy.dispatch.build_model`, solved by :func:`energy.solve.solve`.
    outcome : energy.solve.SolveOutcome
        Its outcome; ``extract_s`` is set here.

    Raises
    ------
    energy.errors.SolveError
        When the outcome has no solution to read.
    """
    if not outcome.has_solution:
        raise SolveError(outcome.message or f"no solution to read (status {outcome.status})")
    with PauseGC():
        return _extract(model, outcome)


def _extract(model: pyo.ConcreteModel, outcome: SolveOutcome) -> Results:
    t0 = time.perf_counter()
    m, lay, inputs = model, model.layout, model.inputs
    s = inputs.series
    n = lay.n_steps
    dt = np.asarray(lay.dt_h, dtype=float)
    zeros = np.zeros(n)

    pva = s["pv_available_kw"].to_numpy(dtype=float)
    wa = s["wind_available_kw"].to_numpy(dtype=float)
    pv = _clean(_values(m.pv, n, lay.pv_steps)) if lay.has_pv else zeros
    wind = _clean(_values(m.wind, n, lay.wind_steps)) if lay.has_wind else zeros
    if lay.has_battery:
        ch = _clean(_values(m.battery_charge))
        dis = _clean(_values(m.battery_discharge))
        soc = _values(m.battery_soc)
    else:
        ch = dis = soc = zeros
    imp = _clean(_values(m.grid_import))
    exp = _clean(_values(m.grid_export)) if lay.has_export else zeros
    unserved = _clean(_values(m.unserved))
    trucks = zeros
    if lay.has_trucks:
        trucks = np.zeros(n)
        np.add.at(trucks, lay.truck_step, _values(m.truck_charge))
        trucks = _clean(trucks)

    data = {
        "fixed_load_kw": s["fixed_load_kw"].to_numpy(dtype=float),
        "crane_load_kw": zeros,
        "truck_load_kw": trucks,
        "pv_available_kw": pva,
        "pv_kw": pv,
        "pv_curtailed_kw": _clean(np.clip(pva - pv, 0.0, None)),
        "wind_available_kw": wa,
        "wind_kw": wind,
        "wind_curtailed_kw": _clean(np.clip(wa - wind, 0.0, None)),
        "battery_charge_kw": ch,
        "battery_discharge_kw": dis,
        "battery_soc_kwh": soc,
        "grid_import_kw": imp,
        "grid_export_kw": exp,
        "unserved_kw": unserved,
        "import_price_usd_per_kwh": s["import_price_usd_per_kwh"].to_numpy(dtype=float),
        "export_price_usd_per_kwh": s["export_price_usd_per_kwh"].to_numpy(dtype=float),
        "grid_emission_kg_per_kwh": s["grid_emission_kg_per_kwh"].to_numpy(dtype=float),
        "is_peak": s["is_peak"].to_numpy(dtype=bool),
        "dt_h": dt,
    }
    jobs_df, pool_cols = _crane_tables(m, n, dt)
    if pool_cols:
        data["crane_load_kw"] = sum(v for k, v in pool_cols.items() if k.startswith("crane_load_"))
    data.update(pool_cols)
    dispatch = pd.DataFrame(data, index=s.index.copy())

    kpis = kpis_from_dispatch(dispatch, inputs)
    outcome.extract_s = time.perf_counter() - t0
    kpis.update(_solver_kpis(outcome))
    return Results(
        dispatch=dispatch, jobs=jobs_df, kpis=kpis, outcome=outcome, meta=dict(inputs.meta)
    )


def _crane_tables(m, n: int, dt: np.ndarray) -> tuple[pd.DataFrame, dict]:
    """Per job-step rows with work, and per-pool columns of the dispatch."""
    lay, inputs = m.layout, m.inputs
    jobs = inputs.crane_jobs
    columns = ["job", "pool", "kind", "timestamp", "cranes", "moves", "energy_kwh"]
    pools = list(inputs.crane_pools)
    cols = {}
    for pool in pools:
        cols[f"cranes_{pool}_working"] = np.zeros(n)
        cols[f"crane_moves_{pool}"] = np.zeros(n)
        cols[f"crane_load_{pool}_kw"] = np.zeros(n)
    if not lay.has_cranes:
        return pd.DataFrame({c: [] for c in columns}), cols

    # Moves are kept unrounded (the energy balance holds on them); rows of the
    # jobs table need at least 1e-6 moves.
    moves = np.clip(_values(m.crane_moves), 0.0, None)
    n_solver = _values(m.crane_working)
    rate = lay.crane_rate
    if inputs.integer_cranes:
        # Fewest whole cranes that make the moves; never above the solver's count.
        need = np.ceil(moves / rate - 1e-6)
        cranes = np.minimum(need, np.round(n_solver))
    else:
        cranes = moves / rate
    cranes = np.clip(cranes, 0.0, None)
    energy = moves * lay.crane_energy_kwh_per_move
    step = lay.crane_step
    job = lay.crane_job
    pool_of_job = np.array([pools.index(jb.pool) for jb in jobs], dtype=np.int64)
    for p, pool in enumerate(pools):
        sel = pool_of_job[job] == p
        for name, vals in (
            (f"cranes_{pool}_working", cranes),
            (f"crane_moves_{pool}", moves),
            (f"crane_load_{pool}_kw", energy),
        ):
            np.add.at(cols[name], step[sel], vals[sel])
        cols[f"crane_load_{pool}_kw"] = cols[f"crane_load_{pool}_kw"] / dt

    work = moves >= 1e-6
    idx = m.inputs.index
    jobs_df = pd.DataFrame(
        {
            "job": [jobs[j].name for j in job[work].tolist()],
            "pool": [jobs[j].pool for j in job[work].tolist()],
            "kind": [jobs[j].kind for j in job[work].tolist()],
            "timestamp": idx[step[work]],
            "cranes": cranes[work],
            "moves": moves[work],
            "energy_kwh": energy[work],
        },
        columns=columns,
    )
    return jobs_df, cols


def kpis_from_dispatch(dispatch: pd.DataFrame, inputs: Inputs) -> dict:
    """Key figures of a dispatch table (energies from kW columns times ``dt_h``).

    Definitions (sums over steps; E = energy in kWh = kW x dt_h):

    - ``energy_cost_usd`` = sum dt*(import_price*import - export_price*export)
    - ``capacity_charge_generation_usd`` = sum over months of
      generation rate x the month's max import in peak steps x month fraction;
      ``capacity_charge_distribution_usd`` likewise with the max over all steps;
      ``capacity_charge_usd`` their sum. Month fraction = share of the calendar
      month inside the horizon (:func:`energy.inputs.month_fractions`).
    - ``battery_wear_usd`` = wear cost x E(discharge)
    - ``unserved_cost_usd`` = value of lost load x E(unserved)
    - ``carbon_cost_usd`` = carbon price x emissions [kg]
    - ``total_cost_usd`` = the five above; equals the solver's objective.
    - ``emissions_tco2`` = sum dt*ef*import / 1000
    - ``grid_import_mwh``, ``grid_export_mwh``, ``unserved_mwh``,
      ``crane_energy_mwh``, ``truck_energy_mwh``: E / 1000
    - ``load_mwh`` = E(fixed + crane + truck load) / 1000 (served or not)
    - ``peak_import_kw`` = max import in peak steps; ``max_import_kw`` = max import
    - ``renewable_share`` = (E(pv) + E(wind) - E(export)) / (E(pv) + E(wind) -
      E(export) + E(import)): the renewable part of all the energy the site took
      in and kept. Battery losses (and any net gain of stored energy) are part of
      that intake, so they count pro rata; export is taken to come from
      renewables first. Unserved load is not consumption. 0 with no intake.
    - ``self_consumption`` = (E(pv) + E(wind) - E(export)) / (E(pv) + E(wind)):
      share of the renewable energy used (after curtailment) consumed on site
      rather than exported; NaN when no renewable energy was used.
    - ``crane_moves``: sum of the ``crane_moves_<pool>`` columns [moves]
    - ``pv_curtailment_mwh``, ``wind_curtailment_mwh``: E(available - used) / 1000
    - ``battery_cycles`` = E(discharge) / (energy_kwh x (soc_max - soc_min)):
      equivalent full cycles of the usable energy; 0 without a battery.

    Parameters
    ----------
    dispatch : pandas.DataFrame
        Table made by :func:`extract`.
    inputs : energy.inputs.Inputs
        Tariff, battery and prices the model used.
    """
    d = dispatch
    dt = d["dt_h"].to_numpy(dtype=float)

    def e(col: str) -> float:
        return float(np.dot(d[col].to_numpy(dtype=float), dt))

    imp = d["grid_import_kw"].to_numpy(dtype=float)
    exp = d["grid_export_kw"].to_numpy(dtype=float)
    pi_imp = d["import_price_usd_per_kwh"].to_numpy(dtype=float)
    pi_exp = d["export_price_usd_per_kwh"].to_numpy(dtype=float)
    ef = d["grid_emission_kg_per_kwh"].to_numpy(dtype=float)
    peak = d["is_peak"].to_numpy(dtype=bool)

    energy_cost = float(np.dot(dt, pi_imp * imp - pi_exp * exp))
    emissions_kg = float(np.dot(dt, ef * imp))

    # Monthly maxima, prorated by the share of each month in the horizon.
    months = d.index.tz_localize(None).to_period("M")
    frac = month_fractions(d.index, dt)
    imp_s = pd.Series(imp, index=months)
    max_all = imp_s.groupby(level=0).max()
    max_peak = imp_s[peak].groupby(level=0).max().reindex(max_all.index, fill_value=0.0)
    f = frac.reindex(max_all.index).to_numpy(dtype=float)
    tariff = inputs.tariff
    cap_gen = float(tariff.generation_capacity_usd_per_kw_month * np.dot(max_peak.to_numpy(), f))
    cap_dist = float(tariff.distribution_capacity_usd_per_kw_month * np.dot(max_all.to_numpy(), f))

    b = inputs.battery
    has_battery = b is not None and b.energy_kwh > 0
    e_dis = e("battery_discharge_kw")
    wear = b.wear_cost_usd_per_kwh * e_dis if has_battery else 0.0
    e_unserved = e("unserved_kw")
    unserved_cost = inputs.value_of_lost_load_usd_per_kwh * e_unserved
    carbon = inputs.carbon_price_usd_per_kg * emissions_kg

    e_re = e("pv_kw") + e("wind_kw")
    e_exp = e("grid_export_kw")
    e_imp = e("grid_import_kw")
    kept = e_re - e_exp
    intake = kept + e_imp
    usable = b.energy_kwh * (b.soc_max - b.soc_min) if has_battery else 0.0
    e_crane = e("crane_load_kw")
    e_truck = e("truck_load_kw")
    return {
        "total_cost_usd": energy_cost + cap_gen + cap_dist + wear + unserved_cost + carbon,
        "energy_cost_usd": energy_cost,
        "capacity_charge_usd": cap_gen + cap_dist,
        "capacity_charge_generation_usd": cap_gen,
        "capacity_charge_distribution_usd": cap_dist,
        "battery_wear_usd": wear,
        "unserved_cost_usd": unserved_cost,
        "carbon_cost_usd": carbon,
        "emissions_tco2": emissions_kg / 1000.0,
        "grid_import_mwh": e_imp / 1000.0,
        "grid_export_mwh": e_exp / 1000.0,
        "peak_import_kw": float(imp[peak].max()) if peak.any() else 0.0,
        "max_import_kw": float(imp.max()) if len(imp) else 0.0,
        "load_mwh": (e("fixed_load_kw") + e_crane + e_truck) / 1000.0,
        "renewable_share": kept / intake if intake > 0 else 0.0,
        "self_consumption": kept / e_re if e_re > 0 else math.nan,
        "pv_curtailment_mwh": e("pv_curtailed_kw") / 1000.0,
        "wind_curtailment_mwh": e("wind_curtailed_kw") / 1000.0,
        "battery_cycles": e_dis / usable if usable > 0 else 0.0,
        "crane_energy_mwh": e_crane / 1000.0,
        "crane_moves": float(sum(d[c].sum() for c in d.columns if c.startswith("crane_moves_"))),
        "truck_energy_mwh": e_truck / 1000.0,
        "unserved_mwh": e_unserved / 1000.0,
    }


def _solver_kpis(o: SolveOutcome) -> dict:
    return {
        "status": o.status,
        "objective_usd": o.objective_usd,
        "mip_gap": o.mip_gap,
        "build_s": o.build_s,
        "translate_s": o.translate_s,
        "solve_s": o.solve_s,
        "extract_s": o.extract_s,
        "mode_binary_rounds": o.mode_binary_rounds,
        "n_variables": o.n_variables,
        "n_constraints": o.n_constraints,
        "n_integer": o.n_integer,
    }
