"""Read a solved dispatch model into plain tables and KPIs (:func:`extract`).

Nothing Pyomo leaves this module: :class:`Results` holds DataFrames, a dict of
floats/str and the :class:`~energy.optimise.solve.SolveOutcome`.

Dispatch columns (one row per step, the model's tz-aware index; a timestamp
starts its interval; powers are averages over the step)

=================================  ===============================================
column                             meaning
=================================  ===============================================
``fixed_load_kw``                  inflexible load (input) [kW]
``crane_load_kw``                  crane power, sum_j eps_j * moves / dt_h [kW]
``truck_load_kw``                  truck charging power [kW]
``reefer_flex_load_kw``            compressor power of the optimised reefer classes
                                   (their fans are in ``fixed_load_kw``) [kW]
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
``grid_emission_kg_per_kwh``       emission factor of import that the optimisation
                                   prices and caps (input) [kg/kWh]
``grid_emission_average_kg_per_kwh``, ``grid_emission_marginal_kg_per_kwh``
                                   SEIN average and marginal factors, reported [kg/kWh]
``is_peak``                        peak hour (horas punta) [bool]
``dt_h``                           step length [h]
``cranes_<pool>_working``          cranes working in the pool: per job the fewest
                                   cranes that make its moves (<= the solver's count,
                                   so within the pool limit) [cranes]
``crane_moves_<pool>``             moves made in the step by the pool [moves]
``crane_load_<pool>_kw``           the pool's crane power [kW]
``site_load_kw``                   total site load: fixed + cranes + trucks [kW]
``pv_<array>_available_kw``,       one PV array: available, and used (the step's
``pv_<array>_used_kw``             curtailment shared pro rata) [kW]
``energy_cost_usd``                import cost - export revenue of the step [USD]
``capacity_charge_usd``            the month's capacity charges, on the step that
                                   set each (:func:`energy.kpis.step_bill`) [USD]
``cost_usd``                       the step's whole bill: energy, capacity, wear,
                                   carbon, unserved; sums to ``total_cost_usd`` [USD]
``emissions_kg``                   emissions of the step's import [kgCO2]
``reefer_<class>_kw``              a reefer class's electric power, compressors +
                                   fans (thermostat or optimised classes) [kW]
``reefer_<class>_temp_c``          its temperature at the END of the step (the
                                   set-point when the class holds no box) [°C]
``reefer_<class>_boxes``           its boxes plugged in during the step [boxes]
``shore_power_kw``,                shore power to vessels at berth, in total and per
``shore_power_c<i>_kw``            connection (part of ``fixed_load_kw``) [kW]
=================================  ===============================================

KPIs (:attr:`Results.kpis`) are computed from these columns by :func:`energy.kpis.run_kpis`
(THE bill, with the rates the objective used), so they agree with the table.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from pyomo.common.gc_manager import PauseGC

from energy.emission_factors import FACTOR_COLUMNS, factors_on, sein_profile
from energy.errors import SolveError
from energy.kpis import bill_rates, reefer_kpis, run_kpis, shore_power_kpis, step_bill
from energy.optimise.pyomo_env import pyo
from energy.optimise.solve import SolveOutcome

__all__ = ["Results", "extract"]

#: Columns of :func:`energy.kpis.step_bill` the dispatch table carries. [USD], [kgCO2]
STEP_BILL_COLUMNS = ("energy_cost_usd", "capacity_charge_usd", "cost_usd", "emissions_kg")

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
        Key figures (:func:`energy.kpis.run_kpis`) plus solver fields.
    outcome : energy.optimise.solve.SolveOutcome
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
    model : pyomo.core.ConcreteModel
        Model from :func:`energy.optimise.dispatch.build_model`, solved by
        :func:`energy.optimise.solve.solve`.
    outcome : energy.optimise.solve.SolveOutcome
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
        **_reported_factors(s),
        "is_peak": s["is_peak"].to_numpy(dtype=bool),
        "dt_h": dt,
    }
    jobs_df, pool_cols = _crane_tables(m, n, dt)
    if pool_cols:
        data["crane_load_kw"] = sum(v for k, v in pool_cols.items() if k.startswith("crane_load_"))
    data.update(pool_cols)
    reefer_cols = _reefer_columns(m, n)
    if lay.has_reefers:  # only with optimised reefers (absent flows count as zero)
        data["reefer_flex_load_kw"] = sum(reefer_cols.pop(f"reefer_{c}_compressor_kw") for c in lay.reefer_names)
    data.update(reefer_cols)
    data.update({c: s[c].to_numpy(dtype=float) for c in s.columns if c.startswith("shore_power_")})
    data["site_load_kw"] = (data["fixed_load_kw"] + data["crane_load_kw"] + data["truck_load_kw"]
                            + data.get("reefer_flex_load_kw", zeros))
    data.update(_pv_arrays(s, pv, pva))
    dispatch = pd.DataFrame(data, index=s.index.copy())

    b = inputs.battery
    usable = b.energy_kwh * (b.soc_max - b.soc_min) if inputs.has_battery else 0.0
    rates = bill_rates(inputs)
    steps = step_bill(dispatch, rates)
    for col in STEP_BILL_COLUMNS:
        dispatch[col] = steps[col].to_numpy()
    kpis = run_kpis(dispatch, rates, usable)
    classes = {st.name: {"setpoint_c": st.setpoint_c, "band_low_c": st.band_low_c,
                         "band_high_c": st.band_high_c} for st in inputs.reefer_stores}
    kpis.update(reefer_kpis(dispatch, {**inputs.meta.get("reefer_classes", {}), **classes}))
    sp = inputs.meta.get("shore_power", {})
    if sp:
        kpis.update(shore_power_kpis(dispatch, rates, sp["aux_engine_kg_per_kwh"]))
    outcome.extract_s = time.perf_counter() - t0
    kpis.update(_solver_kpis(outcome))
    return Results(
        dispatch=dispatch, jobs=jobs_df, kpis=kpis, outcome=outcome, meta=dict(inputs.meta)
    )


def _pv_arrays(series: pd.DataFrame, pv: np.ndarray, pva: np.ndarray) -> dict:
    """Per array: ``pv_<name>_available_kw`` and ``pv_<name>_used_kw`` (curtailment shared pro rata)."""
    names = [c[3:-3] for c in series.columns
             if c.startswith("pv_") and c.endswith("_kw") and c not in ("pv_available_kw", "pv_kw")]
    share = np.divide(pv, pva, out=np.zeros_like(pv), where=pva > 0)
    out = {}
    for name in names:
        avail = series[f"pv_{name}_kw"].to_numpy(dtype=float)
        out[f"pv_{name}_available_kw"] = avail
        out[f"pv_{name}_used_kw"] = _clean(avail * share)
    return out


def _reported_factors(s: pd.DataFrame) -> dict:
    """The average and marginal factors reported beside the decision factor. [kg/kWh]

    Taken from the inputs' series (:func:`energy.build.build_inputs` puts them there);
    for inputs built by hand without them, the bundled SEIN factors on the index.
    """
    out = {}
    for name in ("average", "marginal"):
        col = f"grid_emission_{name}_kg_per_kwh"
        if col in s.columns:
            out[col] = s[col].to_numpy(dtype=float)
        else:
            out[col] = factors_on(s.index, sein_profile(), FACTOR_COLUMNS[name])
    return out


def _reefer_columns(m, n: int) -> dict:
    """Per reefer class: electric power, temperature at the step end and boxes.

    Optimised classes from the solution (``reefer_<c>_compressor_kw`` too, which the caller
    sums into ``reefer_flex_load_kw``); thermostat classes from the input series.
    """
    lay, s = m.layout, m.inputs.series
    cols: dict[str, np.ndarray] = {}
    if lay.has_reefers:
        power = _clean(np.clip(_values(m.reefer_power), 0.0, None))
        temp = np.array([v.value if v.value is not None else v.lb for v in m.reefer_temp.values()], dtype=float)
        for c, st in enumerate(m.inputs.reefer_stores):
            p = power[c * n:(c + 1) * n]
            cols[f"reefer_{st.name}_compressor_kw"] = p
            cols[f"reefer_{st.name}_kw"] = p + st.fan_kw
            cols[f"reefer_{st.name}_temp_c"] = temp[c * n:(c + 1) * n]
            cols[f"reefer_{st.name}_boxes"] = st.mean_boxes
        return cols
    for name in m.inputs.meta.get("reefer_classes", {}):
        for suffix in ("kw", "temp_c", "boxes"):
            col = f"reefer_{name}_{suffix}"
            if col in s.columns:
                cols[col] = s[col].to_numpy(dtype=float)
    return cols


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
    rate = lay.crane_rate
    if inputs.integer_cranes:
        # Fewest whole cranes that make the moves; never above the solver's count
        # (where there is one: the contested job-steps) nor the job's most.
        need = np.ceil(moves / rate - 1e-6)
        n_solver = lay.crane_n_upper[lay.crane_job].astype(float)
        if lay.crane_count_steps:
            n_solver[np.asarray(lay.crane_count_steps)] = np.round(_values(m.crane_working))
        cranes = np.minimum(need, n_solver)
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
        "simplex_iterations": o.simplex_iterations,
        "mip_nodes": o.mip_nodes,
        "threads": o.threads,
    }
