"""The same system solved by an independent formulation gives the same optimal cost.

A case without flexible jobs (PV, battery, grid with time-of-use prices, monthly
capacity charges, unserved load) over 40 days of the Chancay profiles, spanning two
billing months, is written out here as a plain sparse LP for scipy.optimize.linprog
(matrices built by hand from DESIGN.md §4, no code shared with energy.dispatch) and
compared with port-energy's optimum. Without jobs and with positive wear and
efficiencies below 1 the mode binaries never bind, so the LP optimum is the MILP's.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.optimize import linprog

from energy.build import build_profiles
from energy.config import config_from_dict, read_model_file
from energy.inputs import BatteryParams, GridParams, Inputs, TariffParams
from energy.optimise.optimise import optimise
from energy.timegrid import month_fractions
from tests.cases import inputs_on
from tests.conftest import CHANCAY


@pytest.fixture(scope="module")
def inputs() -> Inputs:
    raw = read_model_file(CHANCAY)
    raw["horizon"] = {"start": "2025-01-10", "end": "2025-02-19", "resolution": "1h"}
    cfg = config_from_dict(raw, path=CHANCAY)
    prof = build_profiles(cfg)
    s = prof.series
    return inputs_on(
        s, prof.end,
        battery=BatteryParams(energy_kwh=8000, charge_power_kw=4000, discharge_power_kw=3000,
                              charge_efficiency=0.95, discharge_efficiency=0.93, soc_min=0.1, soc_max=0.95,
                              soc_initial=0.5, self_discharge_per_h=0.0001, wear_cost_usd_per_kwh=0.02),
        grid=GridParams(import_limit_kw=4200.0),
        tariff=TariffParams(generation_capacity_usd_per_kw_month=16.4, distribution_capacity_usd_per_kw_month=4.0),
        value_of_lost_load_usd_per_kwh=10.0, carbon_price_usd_per_kg=0.05,
    )


def linprog_cost(inp: Inputs) -> float:
    s, dt, b = inp.series, inp.dt_h, inp.battery
    T = len(s)
    months = s.index.tz_localize(None).to_period("M")
    mlist = list(dict.fromkeys(months))
    frac = month_fractions(s.index, dt)
    M = len(mlist)
    # variable blocks: pv, imp, ch, dis, soc, u (each T), ppeak (M), pmax (M)
    PV, IMP, CH, DIS, SOC, U = (k * T for k in range(6))
    PP, PM = 6 * T, 6 * T + M
    n = 6 * T + 2 * M
    ef = s["grid_emission_kg_per_kwh"].to_numpy()
    c = np.zeros(n)
    c[IMP:IMP + T] = dt * (s["import_price_usd_per_kwh"].to_numpy() + inp.carbon_price_usd_per_kg * ef)
    c[DIS:DIS + T] = dt * b.wear_cost_usd_per_kwh
    c[U:U + T] = dt * inp.value_of_lost_load_usd_per_kwh
    for i, m in enumerate(mlist):
        c[PP + i] = inp.tariff.generation_capacity_usd_per_kw_month * frac[m]
        c[PM + i] = inp.tariff.distribution_capacity_usd_per_kw_month * frac[m]
    t = np.arange(T)
    # balance: pv + imp + dis + u - ch = L
    rows = np.concatenate([t] * 5)
    cols = np.concatenate([PV + t, IMP + t, DIS + t, U + t, CH + t])
    vals = np.concatenate([np.ones(4 * T), -np.ones(T)])
    A_bal = sp.csr_matrix((vals, (rows, cols)), shape=(T, n))
    b_bal = s["fixed_load_kw"].to_numpy()
    # storage: soc[t] - (1 - sigma dt) soc[t-1] - eta_ch dt ch + dt/eta_dis dis = (t == 0) * (1 - sigma dt) E0
    keep = 1 - b.self_discharge_per_h * dt
    E0 = b.soc_initial * b.energy_kwh
    r = np.concatenate([t, t[1:], t, t])
    cc = np.concatenate([SOC + t, SOC + t[1:] - 1, CH + t, DIS + t])
    v = np.concatenate([np.ones(T), -keep[1:], -b.charge_efficiency * dt, dt / b.discharge_efficiency])
    A_soc = sp.csr_matrix((v, (r, cc)), shape=(T, n))
    b_soc = np.zeros(T)
    b_soc[0] = keep[0] * E0
    # peaks: imp[t] - ppeak[m] <= 0 (peak steps), imp[t] - pmax[m] <= 0 (all steps); end soc >= E0
    midx = np.array([mlist.index(m) for m in months])
    pk = np.flatnonzero(s["is_peak"].to_numpy())
    r1 = np.concatenate([np.arange(len(pk))] * 2)
    A_pk = sp.csr_matrix((np.concatenate([np.ones(len(pk)), -np.ones(len(pk))]),
                          (r1, np.concatenate([IMP + pk, PP + midx[pk]]))), shape=(len(pk), n))
    A_mx = sp.csr_matrix((np.concatenate([np.ones(T), -np.ones(T)]),
                          (np.concatenate([t, t]), np.concatenate([IMP + t, PM + midx]))), shape=(T, n))
    A_end = sp.csr_matrix(([-1.0], ([0], [SOC + T - 1])), shape=(1, n))
    A_ub = sp.vstack([A_pk, A_mx, A_end])
    b_ub = np.concatenate([np.zeros(len(pk) + T), [-E0]])
    bounds = ([(0, a) for a in s["pv_available_kw"]] + [(0, inp.grid.import_limit_kw)] * T
              + [(0, b.charge_power_kw)] * T + [(0, b.discharge_power_kw)] * T
              + [(b.soc_min * b.energy_kwh, b.soc_max * b.energy_kwh)] * T + [(0, None)] * T
              + [(0, None)] * (2 * M))
    res = linprog(c, A_ub=A_ub, b_ub=b_ub, A_eq=sp.vstack([A_bal, A_soc]), b_eq=np.concatenate([b_bal, b_soc]),
                  bounds=bounds, method="highs")
    assert res.status == 0, res.message
    return float(res.fun)


def test_same_optimal_cost_as_independent_lp(inputs):
    ours = optimise(inputs, mip_gap=1e-9)
    theirs = linprog_cost(inputs)
    assert ours.kpis["status"] == "optimal"
    # the issue asks for 0.1%; the two formulations agree far closer than that
    assert ours.kpis["total_cost_usd"] == pytest.approx(theirs, rel=1e-6)
    # and the case exercises what it should: both months' capacity charges, the battery, PV
    assert ours.kpis["capacity_charge_usd"] > 0 and ours.kpis["battery_cycles"] > 1
    assert ours.kpis["carbon_cost_usd"] > 0
