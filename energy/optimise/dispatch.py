"""The dispatch MILP of DESIGN §4: :class:`~energy.inputs.Inputs` -> Pyomo model.

:func:`build_model` validates the inputs (one check per rule, :mod:`energy.optimise.checks`),
lays them out as plain Python floats and lists (:mod:`energy.optimise.layout`, one
``prepare_*`` per family) and builds one flat Pyomo ``ConcreteModel``: each component
is indexed over the step set ``T`` (or over the few steps where it exists), one
``add_*`` function per asset family. No file I/O, no pvlib. Solving is
:mod:`energy.optimise.solve`'s job, reading the solution :mod:`energy.optimise.extract`'s.

Symbols (t a step of length ``dt[t]`` hours, k a (job, step) pair inside that
job's window, mo a calendar month of the index, local time):

=========  ==============================  =======================================
symbol     component                       meaning
=========  ==============================  =======================================
pv, wind   ``pv[t]``, ``wind[t]``          PV / wind power used, <= available [kW]
                                           (steps with nothing available have none)
ch, dis    ``battery_charge[t]``,          battery AC charge / discharge power [kW]
           ``battery_discharge[t]``
soc        ``battery_soc[t]``              stored energy at the END of step t [kWh]
imp, exp   ``grid_import[t]``,             grid import / export power [kW]
           ``grid_export[t]``              (export only if its limit > 0)
u          ``unserved[t]``                 load not served [kW]
q          ``truck_charge[i]``             truck charging power for window w at
                                           step t, i over (window, step) pairs [kW]
n          ``crane_working[k]``            cranes working job j at step t [cranes]
                                           (contested job-steps only: those in a
                                           pool row; elsewhere n = ceil(mv/(rho*dt)))
mv         ``crane_moves[k]``              moves of job j during step t [moves]
                                           (<= rho*dt*K_j: K_j whole cranes at most)
P_r, T_r   ``reefer_power[i]``,            compressor power of optimised reefer class
           ``reefer_temp[i]``              c at step k, i = c*n + k [kW]; its
                                           temperature at the END of step k [°C]
P_peak     ``grid_peak_import[mo]``        month's max import in peak hours [kW]
P_max      ``grid_max_import[mo]``         month's max import [kW]
y          ``battery_mode[t]``,            mode binaries, only on steps that
           ``grid_mode[t]``                :func:`add_mode_binaries` adds
=========  ==============================  =======================================

Constraints::

    energy_balance[t]:        pv + wind + dis + imp + u = L + crane + q + sum_c P_r + ch + exp
                              crane = sum_k(t) eps_j * mv[k] / dt[t]
    unserved_limit[t]:        u <= L + crane + q   (a bound where no flexible work can happen)
    battery_soc_balance[t]:   soc[t] = soc[t-1]*(1 - sigma*dt) + eta_ch*ch*dt - dis*dt/eta_dis
                              (soc[-1] = soc_initial*E)
    battery_end_soc:          soc[last] >= soc_initial*E
    crane_moves_capacity[k]:  mv[k] <= rho_j * dt[t] * n[k]   (contested k only)
    crane_job_moves[j]:       sum_t mv[j, t] = M_j
    crane_pool_limit[r]:      sum_j n[j, t] <= cranes in the pool    (r = (pool, t) pairs
                              where the jobs' max_cranes could exceed the pool)
    truck_window_energy[w]:   sum_(t in w) q[w, t]*dt[t] = E_w
    truck_charger_limit[t]:   sum_w q[w, t] <= truck_charger_kw   (only steps where
                              charging windows overlap; elsewhere it is q's bound)
    grid_peak_import_limit[t]: imp[t] <= P_peak[mo(t)]   for peak steps
    grid_max_import_limit[t]:  imp[t] <= P_max[mo(t)]
    emissions_cap:            sum dt*ef*imp <= cap        (only if a cap is set)
    reefer_heat_balance[i]:   C*N_end*T_r[i] = (C*(N - out) - dt*Nm*UA)*T_r[i-1] + C*in*T_arr
                              + dt*Nm*(UA*T_air + q_int) - dt*COP*P_r[i]  (scaled; energy.reefers)
                              with T_low <= T_r <= T_high and 0 <= P_r <= rated*Nm
    reefer_end_temp[c]:       T_r[c, last] <= set-point
    battery_mode_charge[t]:   ch <= P_ch*y;  battery_mode_discharge[t]: dis <= P_dis*(1-y)
    grid_mode_import[t]:      imp <= M_imp*y; grid_mode_export[t]:     exp <= M_exp*(1-y)
                              (M_imp = site sinks, M_exp = PV + wind + P_dis, within limits)

Objective ``total_cost`` [USD], the sum of the bill's terms (:data:`energy.kpis.BILL_TERMS`),
each a named expression ``bill[term]`` with its rate from :class:`energy.kpis.BillRates`::

    energy_cost_usd                    sum_t dt*(pi_imp*imp - pi_exp*exp)
    capacity_charge_generation_usd     sum_mo f_mo*r_gen*P_peak
    capacity_charge_distribution_usd   sum_mo f_mo*r_dist*P_max
    battery_wear_usd                   c_wear*sum dt*dis
    carbon_cost_usd                    carbon_price*sum dt*ef*imp
    unserved_cost_usd                  VOLL*sum dt*u

with f_mo the share of month mo inside the horizon (:func:`energy.timegrid.month_fractions`):
:func:`energy.kpis.monthly_bill` prices the extracted dispatch with the same rates.
"""

from __future__ import annotations

import numpy as np
from pyomo.common.gc_manager import PauseGC
from pyomo.core.expr.numeric_expr import LinearExpression

from energy.inputs import Inputs
from energy.kpis import BILL_TERMS, HOURS_PER_YEAR, INVESTMENT_TERMS
from energy.optimise.layout import AVAILABLE_MIN_KW, Layout, ModelData, prepare, sized_profiles
from energy.optimise.pyomo_env import pyo

__all__ = [
    "Layout",
    "add_balance",
    "add_battery",
    "add_battery_size",
    "add_investment_terms",
    "add_cranes",
    "add_demand_charges",
    "add_grid",
    "add_mode_binaries",
    "add_objective",
    "add_pv_wind",
    "add_reefers",
    "add_sizing",
    "add_trucks",
    "build_model",
    "dispose_model",
    "fix_inflexible",
    "mode_conflicts",
    "sizes_of",
]

#: Power below which a flow counts as zero when looking for simultaneous
#: charge/discharge or import/export. [kW]
MODE_TOLERANCE_KW = 1e-6


def _lin(coefs, variables, constant=0.0):
    """A LinearExpression from parallel lists (the fastest way Pyomo builds one)."""
    return LinearExpression(
        constant=constant, linear_coefs=list(coefs), linear_vars=list(variables)
    )


# --------------------------------------------------------------------------- build


def add_pv_wind(m: pyo.ConcreteModel, d: ModelData) -> None:
    """``pv[t]`` in [0, PVa[t]] and ``wind[t]`` in [0, Wa[t]] where anything is available."""
    pva, wa = d.pv_avail, d.wind_avail
    if d.layout.has_pv:
        m.pv_steps = pyo.Set(initialize=d.layout.pv_steps, ordered=True)
        m.pv = pyo.Var(m.pv_steps, bounds=lambda m, t: (0.0, pva[t]))
    if d.layout.has_wind:
        m.wind_steps = pyo.Set(initialize=d.layout.wind_steps, ordered=True)
        m.wind = pyo.Var(m.wind_steps, bounds=lambda m, t: (0.0, wa[t]))


def add_battery(m: pyo.ConcreteModel, d: ModelData) -> None:
    """Charge, discharge, state of charge and its balance; nothing without a battery."""
    if not d.layout.has_battery:
        return
    b = d.inputs.battery
    e = b.energy_kwh
    dt = d.dt
    sized = d.layout.battery_sized
    m.battery_charge = pyo.Var(m.T, bounds=(0.0, b.charge_power_kw))
    m.battery_discharge = pyo.Var(m.T, bounds=(0.0, b.discharge_power_kw))
    m.battery_soc = pyo.Var(m.T, bounds=(0.0 if sized else b.soc_min * e, b.soc_max * e))
    eta_ch, inv_eta_dis, sigma = (
        b.charge_efficiency,
        1.0 / b.discharge_efficiency,
        b.self_discharge_per_h,
    )
    soc0 = b.soc_initial * e
    if sized:
        add_battery_size(m, d)

    # Rules read components from their block argument: a closure over a
    # component would make a reference cycle that only the slow cyclic garbage
    # collector can free (0.4 s for a year model).
    def soc_balance(m, t):
        ch, dis, soc = m.battery_charge, m.battery_discharge, m.battery_soc
        h = dt[t]
        if t == 0 and sized:  # soc[-1] = soc_initial * E, E a variable
            body = _lin((1.0, -eta_ch * h, inv_eta_dis * h, -b.soc_initial * (1.0 - sigma * h)),
                        (soc[0], ch[0], dis[0], m.battery_energy_kwh))
            return body == 0.0
        if t == 0:
            body = _lin((1.0, -eta_ch * h, inv_eta_dis * h), (soc[0], ch[0], dis[0]))
            return body == soc0 * (1.0 - sigma * h)
        body = _lin(
            (1.0, -(1.0 - sigma * h), -eta_ch * h, inv_eta_dis * h),
            (soc[t], soc[t - 1], ch[t], dis[t]),
        )
        return body == 0.0

    m.battery_soc_balance = pyo.Constraint(m.T, rule=soc_balance)
    if sized:
        m.battery_end_soc = pyo.Constraint(
            expr=_lin((1.0, -b.soc_initial), (m.battery_soc[d.n - 1], m.battery_energy_kwh)) >= 0.0)
    else:
        m.battery_end_soc = pyo.Constraint(expr=m.battery_soc[d.n - 1] >= soc0)
    # Mode binaries: empty until energy.optimise.solve finds simultaneous charge and discharge.
    m.battery_mode_steps = pyo.Set(initialize=[], ordered=True)
    m.battery_mode = pyo.Var(m.battery_mode_steps, domain=pyo.Binary, dense=False)
    m.battery_mode_charge = pyo.Constraint(m.battery_mode_steps)
    m.battery_mode_discharge = pyo.Constraint(m.battery_mode_steps)


def add_battery_size(m: pyo.ConcreteModel, d: ModelData) -> None:
    """Sized battery: energy E and power P variables; the SOC and power bounds become rows.

    ``battery_power_limit_charge[t]``: ch <= P; ``battery_power_limit_discharge[t]``: dis <= P;
    ``battery_soc_lower[t]``: soc >= soc_min*E; ``battery_soc_upper[t]``: soc <= soc_max*E.
    """
    sb, b = d.inputs.sizing.battery, d.inputs.battery
    m.battery_energy_kwh = pyo.Var(bounds=sb.energy_kwh)
    m.battery_power_kw = pyo.Var(bounds=sb.power_kw)
    lo, hi, e = b.soc_min, b.soc_max, m.battery_energy_kwh
    m.battery_power_limit_charge = pyo.Constraint(
        m.T, rule=lambda m, t: _lin((1.0, -1.0), (m.battery_charge[t], m.battery_power_kw)) <= 0.0)
    m.battery_power_limit_discharge = pyo.Constraint(
        m.T, rule=lambda m, t: _lin((1.0, -1.0), (m.battery_discharge[t], m.battery_power_kw)) <= 0.0)
    m.battery_soc_lower = pyo.Constraint(m.T, rule=lambda m, t: _lin((1.0, -lo), (m.battery_soc[t], e)) >= 0.0)
    m.battery_soc_upper = pyo.Constraint(m.T, rule=lambda m, t: _lin((1.0, -hi), (m.battery_soc[t], e)) <= 0.0)


def add_sizing(m: pyo.ConcreteModel, d: ModelData) -> None:
    """Sized PV arrays and wind units: ``asset_size[a]`` and the availability rows.

    ``pv_available_limit[t]``:   pv[t] - sum_a PVa_a[t] * x_a <= PV of the fixed arrays
    ``wind_available_limit[t]``: wind[t] - sum_w Wa_w[t] * n_w <= wind of the fixed units
    (x_a in kWp, continuous; n_w in turbines, integer; within their bounds).
    """
    sizing = d.inputs.sizing
    if sizing is None or not sizing.assets:
        return
    assets = sizing.assets
    m.sized_assets = pyo.RangeSet(0, len(assets) - 1)
    m.asset_size = pyo.Var(m.sized_assets, bounds=lambda m, i: (assets[i].lower, assets[i].upper),
                           domain=lambda m, i: pyo.NonNegativeIntegers if assets[i].integer else pyo.NonNegativeReals)
    for kind, var_name, steps_name, col in (("pv", "pv", "pv_steps", "pv_available_kw"),
                                            ("wind", "wind", "wind_steps", "wind_available_kw")):
        profiles = sized_profiles(d.inputs, kind)
        if not profiles or not hasattr(m, var_name):
            continue
        fixed = d.inputs.series[col].to_numpy(dtype=float)
        fixed = np.where(fixed < AVAILABLE_MIN_KW, 0.0, fixed).tolist()
        prof = [(i, p.tolist()) for i, p in profiles]

        def limit(m, t, var_name=var_name, fixed=fixed, prof=prof):
            used = [(i, p[t]) for i, p in prof if p[t] > 0.0]
            return _lin([1.0] + [-c for _, c in used],
                        [getattr(m, var_name)[t]] + [m.asset_size[i] for i, _ in used]) <= fixed[t]

        m.add_component(f"{kind}_available_limit", pyo.Constraint(getattr(m, steps_name), rule=limit))


def sizes_of(m: pyo.ConcreteModel) -> dict:
    """The chosen sizes of a solved sizing model: ``{asset name: size}``, ``battery_kwh``, ``battery_kw``."""
    out = {}
    if hasattr(m, "asset_size"):
        for i, a in enumerate(m.inputs.sizing.assets):
            v = float(m.asset_size[i].value or 0.0)
            out[a.name] = float(round(v)) if a.integer else v
    if hasattr(m, "battery_energy_kwh"):
        out["battery_kwh"] = float(m.battery_energy_kwh.value or 0.0)
        out["battery_kw"] = float(m.battery_power_kw.value or 0.0)
    return out


def add_grid(m: pyo.ConcreteModel, d: ModelData) -> None:
    """Import (bounded), export (only if allowed), unserved load, emissions cap."""
    ub = d.layout.import_upper_kw
    m.grid_import = pyo.Var(m.T, bounds=lambda m, t: (0.0, ub[t]))
    if d.layout.has_export:
        m.grid_export = pyo.Var(m.T, bounds=(0.0, d.inputs.grid.export_limit_kw))
        m.grid_mode_steps = pyo.Set(initialize=[], ordered=True)
        m.grid_mode = pyo.Var(m.grid_mode_steps, domain=pyo.Binary, dense=False)
        m.grid_mode_import = pyo.Constraint(m.grid_mode_steps)
        m.grid_mode_export = pyo.Constraint(m.grid_mode_steps)
    # Bounded by the demand it stands for in add_balance (else "unserved" could
    # feed the battery, e.g. to reach the end state of charge).
    m.unserved = pyo.Var(m.T, domain=pyo.NonNegativeReals)
    cap = d.inputs.emissions_cap_kg
    if cap is not None:
        coefs = [h * f for h, f in zip(d.dt, d.ef, strict=True)]
        steps = [t for t in range(d.n) if coefs[t] != 0.0]
        body = _lin([coefs[t] for t in steps], [m.grid_import[t] for t in steps])
        m.emissions_cap = pyo.Constraint(expr=body <= float(cap))


def add_cranes(m: pyo.ConcreteModel, d: ModelData) -> None:
    """Crane counts and moves on the job-steps inside windows; job totals; pool limits."""
    lay = d.layout
    if not lay.has_cranes:
        return
    jobs = d.inputs.crane_jobs
    rate = lay.crane_rate.tolist()
    n_ub = lay.crane_n_upper[lay.crane_job].tolist()
    m.crane_steps = pyo.RangeSet(0, len(rate) - 1)
    m.crane_moves = pyo.Var(m.crane_steps, bounds=lambda m, k: (0.0, rate[k] * n_ub[k]))
    # Counts only on contested job-steps (layout.prepare_cranes says why that is exact).
    m.crane_count_steps = pyo.Set(initialize=lay.crane_count_steps, ordered=True)
    domain = pyo.NonNegativeIntegers if d.inputs.integer_cranes else pyo.NonNegativeReals
    m.crane_working = pyo.Var(m.crane_count_steps, domain=domain, bounds=lambda m, k: (0, n_ub[k]))

    def capacity(m, k):
        return _lin((1.0, -rate[k]), (m.crane_moves[k], m.crane_working[k])) <= 0.0

    m.crane_moves_capacity = pyo.Constraint(m.crane_count_steps, rule=capacity)
    job_ids = [j for j, steps in enumerate(d.job_steps) if len(steps)]
    m.crane_jobs = pyo.Set(initialize=job_ids, ordered=True)

    def job_moves(m, j):
        k0, nk = d.job_k0[j], len(d.job_steps[j])
        mv = m.crane_moves
        return _lin([1.0] * nk, [mv[k] for k in range(k0, k0 + nk)]) == float(jobs[j].moves)

    m.crane_job_moves = pyo.Constraint(m.crane_jobs, rule=job_moves)
    rows = d.pool_rows
    if rows:
        m.crane_pool_rows = pyo.RangeSet(0, len(rows) - 1)

        def pool_limit(m, r):
            _, size, _, ks = rows[r]
            n = m.crane_working
            return _lin([1.0] * len(ks), [n[k] for k in ks]) <= float(size)

        m.crane_pool_limit = pyo.Constraint(m.crane_pool_rows, rule=pool_limit)


def add_trucks(m: pyo.ConcreteModel, d: ModelData) -> None:
    """Truck charging power on window steps; each window's energy delivered."""
    if not d.layout.has_trucks:
        return
    lay = d.layout
    q_max = float(d.inputs.truck_charger_kw)
    m.truck_window_steps = pyo.RangeSet(0, len(lay.truck_step) - 1)
    m.truck_charge = pyo.Var(m.truck_window_steps, bounds=(0.0, q_max))
    windows = [w for w, steps in enumerate(d.window_steps) if len(steps)]
    m.truck_windows = pyo.Set(initialize=windows, ordered=True)
    dt = d.dt

    def window_energy(m, w):
        steps, i0 = d.window_steps[w], d.window_i0[w]
        q = m.truck_charge
        body = _lin([dt[t] for t in steps], [q[i0 + n] for n in range(len(steps))])
        return body == float(d.inputs.truck_windows[w].energy_kwh)

    m.truck_window_energy = pyo.Constraint(m.truck_windows, rule=window_energy)
    shared = [t for t in lay.truck_steps if len(d.truck_steps_at[t]) > 1]
    if shared:
        m.truck_shared_steps = pyo.Set(initialize=shared, ordered=True)

        def charger_limit(m, t):
            ids = d.truck_steps_at[t]
            return _lin([1.0] * len(ids), [m.truck_charge[i] for i in ids]) <= q_max

        m.truck_charger_limit = pyo.Constraint(m.truck_shared_steps, rule=charger_limit)


def add_reefers(m: pyo.ConcreteModel, d: ModelData) -> None:
    """Optimised reefer classes: compressor power, end-of-step temperature in band, heat balance.

    Variable i is class ``i // n`` at step ``k = i % n``; the rows are :mod:`energy.reefers`'
    heat balance, scaled (:func:`energy.optimise.layout.prepare_reefers`). Each class ends
    the horizon at most at its set-point (like the battery's end state of charge).
    """
    if not d.layout.has_reefers:
        return
    rows, bounds, n = d.reefer_rows, d.reefer_bounds, d.n
    m.reefer_steps = pyo.RangeSet(0, len(rows) - 1)
    m.reefer_power = pyo.Var(m.reefer_steps, bounds=lambda m, i: (0.0, bounds[i][0]))
    m.reefer_temp = pyo.Var(m.reefer_steps, bounds=lambda m, i: (bounds[i][1], bounds[i][2]))
    m.reefer_rows = pyo.Set(initialize=[i for i, r in enumerate(rows) if r is not None], ordered=True)

    def heat_balance(m, i):
        a_end, a_prev, b_p, rhs = rows[i]
        if i % n == 0:
            return _lin((a_end, b_p), (m.reefer_temp[i], m.reefer_power[i])) == rhs
        return _lin((a_end, -a_prev, b_p), (m.reefer_temp[i], m.reefer_temp[i - 1], m.reefer_power[i])) == rhs

    m.reefer_heat_balance = pyo.Constraint(m.reefer_rows, rule=heat_balance)
    stores = d.inputs.reefer_stores
    m.reefer_classes = pyo.RangeSet(0, len(stores) - 1)
    m.reefer_end_temp = pyo.Constraint(
        m.reefer_classes, rule=lambda m, c: m.reefer_temp[c * n + n - 1] <= stores[c].setpoint_c)


def fix_inflexible(m: pyo.ConcreteModel, d: ModelData) -> None:
    """Pin crane counts, moves and truck charging to the layout's inflexible schedule.

    Bounds are set to the fixed value (lower = upper) rather than ``Var.fix``, so every
    constraint keeps its variables and the model's structure is that of the flexible one.
    """
    lay = d.layout
    if not lay.inflexible:
        return
    if lay.has_cranes:
        for k, (n, mv) in enumerate(zip(lay.fixed_crane_working.tolist(), lay.fixed_crane_moves.tolist(),
                                        strict=True)):
            if k in m.crane_working:  # contested job-steps only (add_cranes)
                m.crane_working[k].setlb(n)
                m.crane_working[k].setub(n)
            m.crane_moves[k].setlb(mv)
            m.crane_moves[k].setub(mv)
    if lay.has_trucks:
        for i, q in enumerate(lay.fixed_truck_charge_kw.tolist()):
            m.truck_charge[i].setlb(q)
            m.truck_charge[i].setub(q)


def add_demand_charges(m: pyo.ConcreteModel, d: ModelData) -> None:
    """Monthly peak-hour and overall import maxima, where their rate is > 0."""
    tariff = d.inputs.tariff
    lay = d.layout
    month = lay.month_of_step.tolist()
    m.months = pyo.RangeSet(0, len(lay.months) - 1)
    if tariff.generation_capacity_usd_per_kw_month > 0 and d.peak_steps:
        peak_months = sorted({month[t] for t in d.peak_steps})
        ub = max(lay.import_upper_kw)
        m.peak_months = pyo.Set(initialize=peak_months, ordered=True)
        m.peak_steps = pyo.Set(initialize=d.peak_steps, ordered=True)
        m.grid_peak_import = pyo.Var(m.peak_months, bounds=(0.0, ub))

        def peak_limit(m, t):
            return _lin((1.0, -1.0), (m.grid_import[t], m.grid_peak_import[month[t]])) <= 0.0

        m.grid_peak_import_limit = pyo.Constraint(m.peak_steps, rule=peak_limit)
    if tariff.distribution_capacity_usd_per_kw_month > 0:
        m.grid_max_import = pyo.Var(m.months, bounds=(0.0, max(lay.import_upper_kw)))

        def max_limit(m, t):
            return _lin((1.0, -1.0), (m.grid_import[t], m.grid_max_import[month[t]])) <= 0.0

        m.grid_max_import_limit = pyo.Constraint(m.T, rule=max_limit)


def add_balance(m: pyo.ConcreteModel, d: ModelData) -> None:
    """``energy_balance[t]``: supply = demand at every step (kW)."""
    lay = d.layout
    has_pv = set(lay.pv_steps) if lay.has_pv else ()
    has_wind = set(lay.wind_steps) if lay.has_wind else ()
    q_at = d.truck_steps_at if lay.has_trucks else {}
    battery, export = lay.has_battery, lay.has_export
    crane_at, dt, load = d.crane_steps_at, d.dt, d.load
    eps = lay.crane_energy_kwh_per_move.tolist()
    n_reefer = len(lay.reefer_names)

    def reefers(m, t):
        return [m.reefer_power[c * d.n + t] for c in range(n_reefer)]

    def balance(m, t):
        coefs = [1.0, 1.0]
        variables = [m.grid_import[t], m.unserved[t]]
        if t in has_pv:
            coefs.append(1.0)
            variables.append(m.pv[t])
        if t in has_wind:
            coefs.append(1.0)
            variables.append(m.wind[t])
        if battery:
            coefs += (1.0, -1.0)
            variables += (m.battery_discharge[t], m.battery_charge[t])
        if export:
            coefs.append(-1.0)
            variables.append(m.grid_export[t])
        if t in q_at:
            ids = q_at[t]
            coefs += [-1.0] * len(ids)
            variables += [m.truck_charge[i] for i in ids]
        ks = crane_at[t]
        if ks:
            inv = 1.0 / dt[t]
            coefs += [-eps[k] * inv for k in ks]
            variables += [m.crane_moves[k] for k in ks]
        if n_reefer:
            coefs += [-1.0] * n_reefer
            variables += reefers(m, t)
        return _lin(coefs, variables) == load[t]

    m.energy_balance = pyo.Constraint(m.T, rule=balance)

    # unserved_limit[t]: u <= fixed load + crane load + truck load. A plain bound
    # where no flexible work can happen, a row only where it can.
    flexible = [t for t in range(d.n) if crane_at[t] or t in q_at or n_reefer]
    flex_set = set(flexible)
    for t in range(d.n):
        if t not in flex_set:
            m.unserved[t].setub(float(load[t]))

    def unserved_limit(m, t):
        coefs, variables = [1.0], [m.unserved[t]]
        if t in q_at:
            coefs += [-1.0] * len(q_at[t])
            variables += [m.truck_charge[i] for i in q_at[t]]
        ks = crane_at[t]
        if ks:
            inv = 1.0 / dt[t]
            coefs += [-eps[k] * inv for k in ks]
            variables += [m.crane_moves[k] for k in ks]
        if n_reefer:
            coefs += [-1.0] * n_reefer
            variables += reefers(m, t)
        return _lin(coefs, variables) <= load[t]

    m.unserved_limit = pyo.Constraint(flexible, rule=unserved_limit)


def add_investment_terms(m: pyo.ConcreteModel, d: ModelData, term) -> None:
    """``annualised_capex_usd`` and ``fixed_om_usd`` of the sized assets, prorated to the horizon.

    share = horizon hours / 8760: a month's sizing pays a month of the yearly annuity.
    """
    share = float(sum(d.dt)) / HOURS_PER_YEAR
    sizing = d.inputs.sizing
    if hasattr(m, "asset_size"):
        for i, a in enumerate(sizing.assets):
            term("annualised_capex_usd", [share * a.capex_usd_per_unit_year], [m.asset_size[i]])
            term("fixed_om_usd", [share * a.om_usd_per_unit_year], [m.asset_size[i]])
    if hasattr(m, "battery_energy_kwh"):
        sb = sizing.battery
        term("annualised_capex_usd", [share * sb.capex_usd_per_kwh_year, share * sb.capex_usd_per_kw_year],
             [m.battery_energy_kwh, m.battery_power_kw])
        term("fixed_om_usd", [share * sb.om_usd_per_kwh_year, share * sb.om_usd_per_kw_year],
             [m.battery_energy_kwh, m.battery_power_kw])


def add_objective(m: pyo.ConcreteModel, d: ModelData) -> None:
    """``total_cost`` [USD]: the sum of the bill's terms ``bill[term]``, rates from ``d.rates``."""
    lay, dt, rates = d.layout, d.dt, d.rates
    names = BILL_TERMS + (INVESTMENT_TERMS if d.inputs.sizing is not None else ())
    terms: dict[str, tuple[list, list]] = {t: ([], []) for t in names}

    def term(name: str, coefs, variables) -> None:
        terms[name][0].extend(coefs)
        terms[name][1].extend(variables)

    energy = [(dt[t] * d.pi_imp[t], m.grid_import[t]) for t in range(d.n) if dt[t] * d.pi_imp[t] != 0.0]
    if lay.has_export:
        energy += [(-dt[t] * d.pi_exp[t], m.grid_export[t]) for t in range(d.n) if dt[t] * d.pi_exp[t] != 0.0]
    term("energy_cost_usd", [c for c, _ in energy], [v for _, v in energy])
    carbon = rates.carbon_price_usd_per_kg
    if carbon:
        term("carbon_cost_usd", [carbon * dt[t] * d.ef[t] for t in range(d.n)], list(m.grid_import.values()))
    if lay.has_battery and rates.battery_wear_usd_per_kwh:
        term("battery_wear_usd", [rates.battery_wear_usd_per_kwh * h for h in dt],
             list(m.battery_discharge.values()))
    if rates.value_of_lost_load_usd_per_kwh:
        term("unserved_cost_usd", [rates.value_of_lost_load_usd_per_kwh * h for h in dt],
             list(m.unserved.values()))
    frac = lay.month_fraction
    if hasattr(m, "grid_peak_import"):
        term("capacity_charge_generation_usd",
             [rates.generation_capacity_usd_per_kw_month * float(frac[mo]) for mo in m.grid_peak_import],
             list(m.grid_peak_import.values()))
    if hasattr(m, "grid_max_import"):
        term("capacity_charge_distribution_usd",
             [rates.distribution_capacity_usd_per_kw_month * float(frac[mo]) for mo in m.grid_max_import],
             list(m.grid_max_import.values()))
    if d.inputs.sizing is not None:
        add_investment_terms(m, d, term)
    m.bill_terms = pyo.Set(initialize=list(names), ordered=True)
    m.bill = pyo.Expression(m.bill_terms, rule=lambda m, k: _lin(*terms[k]))
    # summed in the order the variables first appear in the standard form: imports (and
    # exports), battery, unserved, monthly peaks (the column order is what HiGHS sees)
    order = ("energy_cost_usd", "carbon_cost_usd", "battery_wear_usd", "unserved_cost_usd",
             "capacity_charge_generation_usd", "capacity_charge_distribution_usd") + names[len(BILL_TERMS):]
    m.total_cost = pyo.Objective(expr=pyo.quicksum(m.bill[k] for k in order), sense=pyo.minimize)


def build_model(inputs: Inputs) -> pyo.ConcreteModel:
    """Build the dispatch MILP of DESIGN §4 from the inputs.

    Parameters
    ----------
    inputs : energy.inputs.Inputs
        Series on the model's time index, asset parameters and flexible jobs.

    Returns
    -------
    pyomo.core.ConcreteModel
        Flat model (components documented in this module's docstring), minimising
        ``total_cost`` [USD]. ``model.layout`` (a :class:`Layout`) tells which
        components exist and maps crane job-steps to time steps.

    Raises
    ------
    energy.errors.EnergyError
        Inputs that cannot make a valid model: missing or non-numeric series,
        out-of-range parameters, a crane job whose window holds no whole step or
        whose moves cannot fit (names the job and the limit), a truck window that
        cannot receive its energy.
    """
    d = prepare(inputs)
    with PauseGC():
        m = pyo.ConcreteModel(name="port_energy_dispatch")
        m.layout = d.layout
        m.T = pyo.RangeSet(0, d.n - 1)
        add_pv_wind(m, d)
        add_sizing(m, d)
        add_battery(m, d)
        add_grid(m, d)
        add_cranes(m, d)
        add_trucks(m, d)
        add_reefers(m, d)
        fix_inflexible(m, d)
        add_demand_charges(m, d)
        add_balance(m, d)
        add_objective(m, d)
    m.inputs = inputs
    return m


# --------------------------------------------------------------------------- modes


def _values(var, steps) -> np.ndarray:
    return np.array([var[t].value or 0.0 for t in steps], dtype=float)


def mode_conflicts(m: pyo.ConcreteModel, tol_kw: float = MODE_TOLERANCE_KW) -> tuple[list, list]:
    """Steps of the loaded solution that charge and discharge, or import and export, at once.

    Steps already carrying a mode binary are left out (there the binary rules it
    out up to the solver's integrality tolerance).

    Returns
    -------
    (list of int, list of int)
        Battery steps and grid steps with both flows above ``tol_kw``.
    """
    lay = m.layout
    battery, grid = [], []
    steps = range(lay.n_steps)
    if lay.has_battery:
        both = (_values(m.battery_charge, steps) > tol_kw) & (
            _values(m.battery_discharge, steps) > tol_kw
        )
        done = set(m.battery_mode_steps)
        battery = [t for t in np.flatnonzero(both).tolist() if t not in done]
    if lay.has_export:
        both = (_values(m.grid_import, steps) > tol_kw) & (_values(m.grid_export, steps) > tol_kw)
        done = set(m.grid_mode_steps)
        grid = [t for t in np.flatnonzero(both).tolist() if t not in done]
    return battery, grid


def add_mode_binaries(m: pyo.ConcreteModel, battery_steps=(), grid_steps=()) -> int:
    """Add charge/discharge and import/export mode binaries on the given steps.

    ``battery_mode[t]`` = 1 allows charging, 0 discharging:
    ``ch[t] <= P_ch*y[t]``, ``dis[t] <= P_dis*(1 - y[t])``; ``grid_mode[t]`` = 1
    allows import, 0 export: ``imp[t] <= M_imp[t]*y[t]``, ``exp[t] <= M_exp[t]*(1 - y[t])``
    with the tight big-Ms of :class:`Layout` (``import_mode_bound_kw``,
    ``export_mode_bound_kw``).

    Returns
    -------
    int
        Number of binaries added.
    """
    added = 0
    lay = m.layout
    if battery_steps and lay.has_battery:
        b = m.inputs.battery
        p_ch, p_dis = float(b.charge_power_kw), float(b.discharge_power_kw)
        for t in battery_steps:
            if t in m.battery_mode_steps:
                continue
            m.battery_mode_steps.add(t)
            y = m.battery_mode[t]
            m.battery_mode_charge[t] = _lin((1.0, -p_ch), (m.battery_charge[t], y)) <= 0.0
            m.battery_mode_discharge[t] = _lin((1.0, p_dis), (m.battery_discharge[t], y)) <= p_dis
            added += 1
    if grid_steps and lay.has_export:
        for t in grid_steps:
            if t in m.grid_mode_steps:
                continue
            m.grid_mode_steps.add(t)
            y = m.grid_mode[t]
            i_ub = float(lay.import_mode_bound_kw[t])
            x_ub = float(lay.export_mode_bound_kw[t])
            m.grid_mode_import[t] = _lin((1.0, -i_ub), (m.grid_import[t], y)) <= 0.0
            m.grid_mode_export[t] = _lin((1.0, x_ub), (m.grid_export[t], y)) <= x_ub
            added += 1
    return added


def dispose_model(m: pyo.ConcreteModel) -> None:
    """Free a model that is no longer needed, now rather than at a later GC pass.

    A Pyomo model is held together by reference cycles, so dropping it leaves
    its ~0.8 M objects (a hourly year) to Python's cyclic garbage collector,
    which spends 0.4-0.6 s on them at some arbitrary later moment (inside the
    next run's build or extraction). Deleting the components first lets
    reference counting free nearly everything in ~0.03 s.
    """
    for component in list(m.component_objects(descend_into=False)):
        m.del_component(component)
