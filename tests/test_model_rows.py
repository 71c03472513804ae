"""The dispatch model's rows, coefficient by coefficient, against DESIGN §4 written out by hand.

Each micro-model has half-hour steps (so a step length multiplied and one divided differ),
lossy efficiencies and self-discharge (so no coefficient is 1 by accident). A row is read
back as ``(lower, {variable: coefficient}, upper)`` with the body's constant moved to the
bounds, and compared with the rule as the design states it: a wrong sign, index, rate or
step length in any row shows up here even when the optimum would not move.
"""

from __future__ import annotations

import numpy as np
import pyomo.environ as pyo
import pytest
from pyomo.repn import generate_standard_repn

from energy.inputs import BatteryParams, GridParams, SizedAsset, SizedBattery, Sizing, TariffParams
from energy.jobs import CraneJob, TruckWindow
from energy.optimise.dispatch import add_mode_binaries, build_model, mode_conflicts
from energy.optimise.optimise import optimise
from energy.reefers import ReeferStore
from tests.cases import small_inputs, ts

H = 0.5  # step length of every micro-model here [h]
BATTERY = BatteryParams(200.0, charge_power_kw=80.0, discharge_power_kw=60.0, charge_efficiency=0.9,
                        discharge_efficiency=0.8, soc_min=0.1, soc_max=0.9, soc_initial=0.5,
                        self_discharge_per_h=0.02)


def row(con):
    """``(lower, {variable name: coefficient}, upper)`` of a linear row; constants moved to the bounds."""
    repn = generate_standard_repn(con.body, compute_values=True)
    assert repn.is_linear()
    coefs: dict[str, float] = {}
    for v, c in zip(repn.linear_vars, repn.linear_coefs, strict=True):
        coefs[v.name] = coefs.get(v.name, 0.0) + float(c)
    k = float(repn.constant)
    lo = None if con.lower is None else float(pyo.value(con.lower)) - k
    up = None if con.upper is None else float(pyo.value(con.upper)) - k
    return lo, coefs, up


def assert_row(con, lower, coefs, upper):
    lo, got, up = row(con)
    assert set(got) == set(coefs), con.name
    for name, c in coefs.items():
        assert got[name] == pytest.approx(c, rel=1e-12, abs=1e-12), (con.name, name)
    assert (lo is None) == (lower is None) and (up is None) == (upper is None), con.name
    if lower is not None:
        assert lo == pytest.approx(lower, rel=1e-12, abs=1e-12), con.name
    if upper is not None:
        assert up == pytest.approx(upper, rel=1e-12, abs=1e-12), con.name


def expression_coefs(expr) -> dict[str, float]:
    repn = generate_standard_repn(expr, compute_values=True)
    out: dict[str, float] = {}
    for v, c in zip(repn.linear_vars, repn.linear_coefs, strict=True):
        out[v.name] = out.get(v.name, 0.0) + float(c)
    assert float(repn.constant) == 0.0
    return out


def test_battery_rows_with_half_hour_steps_losses_and_self_discharge():
    m = build_model(small_inputs([50.0, 50.0, 50.0], freq="30min", battery=BATTERY))
    keep, ch, dis = 1.0 - 0.02 * H, 0.9 * H, H / 0.8  # 0.99, 0.45, 0.625
    soc0 = 0.5 * 200.0
    # soc[0] = soc_initial x E x (1 - sigma h) + eta_ch h ch[0] - h / eta_dis dis[0]
    assert_row(m.battery_soc_balance[0], soc0 * keep,
               {"battery_soc[0]": 1.0, "battery_charge[0]": -ch, "battery_discharge[0]": dis}, soc0 * keep)
    for t in (1, 2):
        assert_row(m.battery_soc_balance[t], 0.0,
                   {f"battery_soc[{t}]": 1.0, f"battery_soc[{t - 1}]": -keep,
                    f"battery_charge[{t}]": -ch, f"battery_discharge[{t}]": dis}, 0.0)
    assert_row(m.battery_end_soc, soc0, {"battery_soc[2]": 1.0}, None)
    for t in range(3):
        assert m.battery_soc[t].bounds == pytest.approx((20.0, 180.0))
        assert m.battery_charge[t].bounds == (0.0, 80.0)
        assert m.battery_discharge[t].bounds == (0.0, 60.0)
    assert len(m.battery_mode_steps) == 0 and len(m.battery_mode) == 0


def sized_inputs(**kw):
    pv = SizedAsset("pv.roof", "pv", np.array([5e-8, 0.4, 0.8, 0.2]), 0.0, 300.0, 876.0, 87.6)
    wind = SizedAsset("wind.w", "wind", np.array([500.0, 0.0, 250.0, 100.0]), 0.0, 3.0, 17520.0, 1752.0,
                      integer=True)
    battery = SizedBattery((10.0, 400.0), (5.0, 150.0), 43.8, 87.6, 8.76, 17.52)
    return small_inputs([100.0] * 4, freq="30min", pv=[0.0, 20.0, 40.0, 0.0005], wind=[0.0, 0.0, 0.0, 0.001],
                        battery=BATTERY, sizing=Sizing(assets=[pv, wind], battery=battery), **kw)


def test_sized_battery_rows_take_energy_and_power_as_variables():
    m = build_model(sized_inputs())
    keep, ch, dis = 1.0 - 0.02 * H, 0.9 * H, H / 0.8
    assert m.battery_energy_kwh.bounds == (10.0, 400.0)
    assert m.battery_power_kw.bounds == (5.0, 150.0)
    # soc[-1] = soc_initial x E with E a variable: its term moves into the first row
    assert_row(m.battery_soc_balance[0], 0.0,
               {"battery_soc[0]": 1.0, "battery_charge[0]": -ch, "battery_discharge[0]": dis,
                "battery_energy_kwh": -0.5 * keep}, 0.0)
    assert_row(m.battery_soc_balance[1], 0.0,
               {"battery_soc[1]": 1.0, "battery_soc[0]": -keep, "battery_charge[1]": -ch,
                "battery_discharge[1]": dis}, 0.0)
    assert_row(m.battery_end_soc, 0.0, {"battery_soc[3]": 1.0, "battery_energy_kwh": -0.5}, None)
    for t in range(4):
        assert m.battery_soc[t].lb == 0.0  # the SOC range is the rows below, in E
        assert_row(m.battery_power_limit_charge[t], None,
                   {f"battery_charge[{t}]": 1.0, "battery_power_kw": -1.0}, 0.0)
        assert_row(m.battery_power_limit_discharge[t], None,
                   {f"battery_discharge[{t}]": 1.0, "battery_power_kw": -1.0}, 0.0)
        assert_row(m.battery_soc_lower[t], 0.0, {f"battery_soc[{t}]": 1.0, "battery_energy_kwh": -0.1}, None)
        assert_row(m.battery_soc_upper[t], None, {f"battery_soc[{t}]": 1.0, "battery_energy_kwh": -0.9}, 0.0)


def test_sized_pv_and_wind_availability_rows():
    m = build_model(sized_inputs())
    assert [m.asset_size[i].bounds for i in (0, 1)] == [(0.0, 300.0), (0.0, 3.0)]
    assert m.asset_size[0].domain is pyo.NonNegativeReals and m.asset_size[1].domain is pyo.NonNegativeIntegers
    assert list(m.sized_assets) == [0, 1]
    # PV steps: where the fixed array or the sized one at its upper bound gives power (not 5e-8 kW/kWp)
    assert list(m.pv_steps) == [1, 2, 3] and list(m.wind_steps) == [0, 2, 3]
    assert_row(m.pv_available_limit[1], None, {"pv[1]": 1.0, "asset_size[0]": -0.4}, 20.0)
    assert_row(m.pv_available_limit[2], None, {"pv[2]": 1.0, "asset_size[0]": -0.8}, 40.0)
    # the fixed array's 0.5 W is none, the sized array's 0.2 kW/kWp is some; a fixed 1 W counts
    assert_row(m.pv_available_limit[3], None, {"pv[3]": 1.0, "asset_size[0]": -0.2}, 0.0)
    assert_row(m.wind_available_limit[0], None, {"wind[0]": 1.0, "asset_size[1]": -500.0}, 0.0)
    assert_row(m.wind_available_limit[2], None, {"wind[2]": 1.0, "asset_size[1]": -250.0}, 0.0)
    assert_row(m.wind_available_limit[3], None, {"wind[3]": 1.0, "asset_size[1]": -100.0}, 0.001)
    assert m.pv[2].ub == pytest.approx(40.0 + 0.8 * 300.0)  # the most there can be
    assert m.wind[0].ub == pytest.approx(500.0 * 3.0)


def test_investment_terms_prorate_the_yearly_costs_to_the_horizon():
    m = build_model(sized_inputs())
    share = 4 * H / 8760.0  # 2 h of a year
    assert expression_coefs(m.bill["annualised_capex_usd"]) == pytest.approx(
        {"asset_size[0]": share * 876.0, "asset_size[1]": share * 17520.0,
         "battery_energy_kwh": share * 43.8, "battery_power_kw": share * 87.6}, rel=1e-12)
    assert expression_coefs(m.bill["fixed_om_usd"]) == pytest.approx(
        {"asset_size[0]": share * 87.6, "asset_size[1]": share * 1752.0,
         "battery_energy_kwh": share * 8.76, "battery_power_kw": share * 17.52}, rel=1e-12)
    objective = expression_coefs(m.total_cost.expr)
    assert objective["battery_power_kw"] == pytest.approx(share * (87.6 + 17.52), rel=1e-12)


def test_sizes_of_a_solved_sizing_model_round_whole_units():
    from energy.optimise.dispatch import sizes_of

    m = build_model(sized_inputs())
    m.asset_size[0].value, m.asset_size[1].value = 12.5, 2.0000001
    m.battery_energy_kwh.value, m.battery_power_kw.value = 30.0, None
    assert sizes_of(m) == {"pv.roof": 12.5, "wind.w": 2.0, "battery_kwh": 30.0, "battery_kw": 0.0}
    assert sizes_of(build_model(small_inputs([1.0, 1.0]))) == {}


def test_balance_and_grid_rows_with_every_family():
    inputs = small_inputs([100.0, 120.0], freq="30min", pv=[0.0, 30.0], wind=[10.0, 0.0], battery=BATTERY,
                          grid=GridParams(import_limit_kw=500.0, export_limit_kw=40.0), ef=[0.5, 0.0],
                          emissions_cap_kg=77.0)
    m = build_model(inputs)
    assert_row(m.energy_balance[0], 100.0,
               {"grid_import[0]": 1.0, "unserved[0]": 1.0, "wind[0]": 1.0, "battery_discharge[0]": 1.0,
                "battery_charge[0]": -1.0, "grid_export[0]": -1.0}, 100.0)
    assert_row(m.energy_balance[1], 120.0,
               {"grid_import[1]": 1.0, "unserved[1]": 1.0, "pv[1]": 1.0, "battery_discharge[1]": 1.0,
                "battery_charge[1]": -1.0, "grid_export[1]": -1.0}, 120.0)
    # the cap counts only the step that emits: 0.5 h x 0.5 kg/kWh
    assert_row(m.emissions_cap, None, {"grid_import[0]": 0.25}, 77.0)
    assert [m.grid_export[t].bounds for t in (0, 1)] == [(0.0, 40.0), (0.0, 40.0)]
    assert m.wind[0].bounds == (0.0, 10.0) and m.pv[1].bounds == (0.0, 30.0)
    assert [m.unserved[t].bounds for t in (0, 1)] == [(0.0, 100.0), (0.0, 120.0)]
    assert len(m.grid_mode_steps) == 0 and len(m.grid_mode) == 0


def test_mode_binary_rows_use_the_powers_and_the_tight_big_ms():
    inputs = small_inputs([100.0, 120.0], freq="30min", pv=[5.0, 30.0], wind=[10.0, 0.0], battery=BATTERY,
                          grid=GridParams(import_limit_kw=500.0, export_limit_kw=200.0))
    m = build_model(inputs)
    assert add_mode_binaries(m, battery_steps=[1], grid_steps=[0]) == 2
    assert add_mode_binaries(m, battery_steps=[1], grid_steps=[0]) == 0  # already there
    assert add_mode_binaries(m, grid_steps=[0, 1]) == 1  # a step already there, then a new one
    assert add_mode_binaries(m, battery_steps=[1, 0]) == 1
    assert list(m.battery_mode_steps) == [1, 0] and list(m.grid_mode_steps) == [0, 1]
    assert_row(m.battery_mode_charge[1], None, {"battery_charge[1]": 1.0, "battery_mode[1]": -80.0}, 0.0)
    assert_row(m.battery_mode_discharge[1], None, {"battery_discharge[1]": 1.0, "battery_mode[1]": 60.0}, 60.0)
    lay = m.layout
    for t in (0, 1):
        i_ub, x_ub = lay.import_mode_bound_kw[t], lay.export_mode_bound_kw[t]
        assert_row(m.grid_mode_import[t], None, {f"grid_import[{t}]": 1.0, f"grid_mode[{t}]": -i_ub}, 0.0)
        assert_row(m.grid_mode_export[t], None, {f"grid_export[{t}]": 1.0, f"grid_mode[{t}]": x_ub}, x_ub)
    assert lay.import_mode_bound_kw == [100.0 + 80.0, 120.0 + 80.0]
    assert lay.export_mode_bound_kw == [5.0 + 10.0 + 60.0, 30.0 + 60.0]  # PV + wind + discharge
    assert m.battery_mode[1].domain is pyo.Binary
    # without a battery: no battery binaries, and export comes from PV and wind only
    bare = build_model(small_inputs([100.0, 120.0], freq="30min", pv=[5.0, 30.0], wind=[10.0, 0.0],
                                    grid=GridParams(import_limit_kw=500.0, export_limit_kw=0.5)))
    assert bare.layout.has_export and bare.layout.export_mode_bound_kw == [0.5, 0.5]
    assert add_mode_binaries(bare, battery_steps=[0]) == 0
    assert bare.layout.import_mode_bound_kw == [100.0, 120.0]
    wide = build_model(small_inputs([100.0, 120.0], freq="30min", pv=[5.0, 30.0], wind=[10.0, 0.0],
                                    grid=GridParams(import_limit_kw=500.0, export_limit_kw=200.0)))
    assert wide.layout.export_mode_bound_kw == [15.0, 30.0]
    no_export = build_model(small_inputs([100.0, 120.0], freq="30min", battery=BATTERY))
    assert add_mode_binaries(no_export, grid_steps=[0]) == 0 and not hasattr(no_export, "grid_mode")


def test_mode_conflicts_find_simultaneous_flows_above_the_tolerance_only():
    inputs = small_inputs([100.0, 120.0, 90.0, 80.0], freq="30min", battery=BATTERY,
                          grid=GridParams(import_limit_kw=500.0, export_limit_kw=40.0))
    m = build_model(inputs)
    # flows of exactly the tolerance (1e-6 kW) count as none, on either side
    flows = [(5.0, 3.0, 2.0, 2.0), (5.0, 1e-6, 2e-6, 1.0), (1e-6, 4.0, 1e-6, 3.0), (0.0, 0.0, 5.0, 1e-6)]
    for t, (c, d, i, x) in enumerate(flows):
        m.battery_charge[t].value, m.battery_discharge[t].value = c, d
        m.grid_import[t].value, m.grid_export[t].value = i, x
    assert mode_conflicts(m) == ([0], [0, 1])
    assert mode_conflicts(m, tol_kw=1.5) == ([0], [0])
    add_mode_binaries(m, battery_steps=[0], grid_steps=[0])
    assert mode_conflicts(m) == ([], [1])  # steps with a binary are left out
    m.grid_import[1].value = None  # an unset value counts as 0
    assert mode_conflicts(m) == ([], [])


def test_demand_charge_rows_link_each_step_to_its_months_maximum():
    # 30-min steps 31 Jan 22:00 .. 1 Feb 00:30; peak 18-23 h: steps 0 and 1 (January)
    inputs = small_inputs([300.0, 500.0, 100.0, 400.0, 200.0], start="2025-01-31 22:00", freq="30min",
                          tariff=TariffParams(16.0, 4.0))
    m = build_model(inputs)
    assert list(m.months) == [0, 1]
    assert list(m.peak_months) == [0] and list(m.peak_steps) == [0, 1]
    for t in (0, 1):
        assert_row(m.grid_peak_import_limit[t], None,
                   {f"grid_import[{t}]": 1.0, "grid_peak_import[0]": -1.0}, 0.0)
    for t, mo in enumerate([0, 0, 0, 0, 1]):
        assert_row(m.grid_max_import_limit[t], None,
                   {f"grid_import[{t}]": 1.0, f"grid_max_import[{mo}]": -1.0}, 0.0)
    assert m.grid_peak_import[0].bounds == (0.0, 500.0) and m.grid_max_import[1].bounds == (0.0, 500.0)
    f_jan, f_feb = 2.0 / 744, 0.5 / 672
    assert expression_coefs(m.bill["capacity_charge_generation_usd"]) == pytest.approx(
        {"grid_peak_import[0]": 16.0 * f_jan}, rel=1e-12)
    assert expression_coefs(m.bill["capacity_charge_distribution_usd"]) == pytest.approx(
        {"grid_max_import[0]": 4.0 * f_jan, "grid_max_import[1]": 4.0 * f_feb}, rel=1e-12)
    small = build_model(small_inputs([300.0, 500.0], start="2025-01-31 22:00", freq="30min",
                                     tariff=TariffParams(0.5, 0.25)))  # any rate > 0 has its maxima
    assert hasattr(small, "grid_peak_import") and hasattr(small, "grid_max_import")
    # without rates, no maxima at all
    bare = build_model(small_inputs([300.0, 500.0], start="2025-01-31 22:00", freq="30min"))
    assert not hasattr(bare, "grid_peak_import") and not hasattr(bare, "grid_max_import")


def test_objective_prices_every_flow_by_its_rate_and_step_length():
    battery = BatteryParams(100.0, 50.0, 50.0, wear_cost_usd_per_kwh=0.02)
    inputs = small_inputs([10.0, 20.0], freq="30min", price=[2.0, 0.0], export_price=[0.05, 2.0], ef=[0.4, 0.3],
                          battery=battery, grid=GridParams(1000.0, export_limit_kw=30.0),
                          carbon_price_usd_per_kg=0.03, value_of_lost_load_usd_per_kwh=9.0)
    m = build_model(inputs)
    # a zero price gives no energy term (step 1's import); 0.5 h x 2 USD/kWh = 1 is a term like any
    assert expression_coefs(m.bill["energy_cost_usd"]) == pytest.approx(
        {"grid_import[0]": 1.0, "grid_export[0]": -H * 0.05, "grid_export[1]": -1.0}, rel=1e-12)
    assert expression_coefs(m.bill["carbon_cost_usd"]) == pytest.approx(
        {"grid_import[0]": 0.03 * H * 0.4, "grid_import[1]": 0.03 * H * 0.3}, rel=1e-12)
    assert expression_coefs(m.bill["battery_wear_usd"]) == pytest.approx(
        {"battery_discharge[0]": 0.02 * H, "battery_discharge[1]": 0.02 * H}, rel=1e-12)
    assert expression_coefs(m.bill["unserved_cost_usd"]) == pytest.approx(
        {"unserved[0]": 9.0 * H, "unserved[1]": 9.0 * H}, rel=1e-12)
    total = expression_coefs(m.total_cost.expr)
    assert total["grid_import[0]"] == pytest.approx(1.0 + 0.03 * H * 0.4, rel=1e-12)
    assert m.total_cost.sense == pyo.minimize
    assert list(m.bill_terms) == ["energy_cost_usd", "capacity_charge_generation_usd",
                                  "capacity_charge_distribution_usd", "battery_wear_usd", "carbon_cost_usd",
                                  "unserved_cost_usd"]


def test_a_sized_model_solves_to_its_hand_optimum_with_the_investment_terms():
    # one 0.5-h step, 100 kW at 0.2 USD/kWh = 10 USD; PV 1 kW/kWp at 0.01 USD per kWp over the
    # horizon covers it all: 100 kWp for 1 USD
    pv = SizedAsset("pv.a", "pv", np.array([1.0]), 0.0, 1000.0, 0.01 * 8760.0 / H, 0.0)
    res = optimise(small_inputs([100.0], freq="30min", price=0.2, sizing=Sizing(assets=[pv])), mip_gap=0.0)
    assert res.outcome.objective_usd == pytest.approx(1.0, rel=1e-9)


# --------------------------------------------------------------------------- cranes and trucks


def work_inputs(**kw):
    """Six half-hour steps from 00:00: two crane jobs sharing a pool of 2, two truck windows sharing a charger.

    Job A 00:00-02:00 (steps 0-3): 45 moves, at most 2 cranes, 20 moves/crane-h, 8 kWh/move;
    job B 01:00-03:00 (steps 2-5): 20 moves, at most 2 cranes, 10 moves/crane-h, 6 kWh/move.
    Both jobs could want 4 cranes at steps 2-3: pool rows there. Job C 02:00-03:00 (steps 4-5),
    alone in its pool: 10 moves, 1 crane, 20 moves/crane-h, 2 kWh/move. Window W1 00:00-01:30
    (steps 0-2) 40 kWh, W2 01:00-03:00 (steps 2-5) 30 kWh, a 50 kW charger: shared at step 2.
    """
    jobs = [CraneJob("A", "sts", ts("2025-01-06 00:00"), ts("2025-01-06 02:00"), 45.0, 2, 20.0, 8.0),
            CraneJob("B", "sts", ts("2025-01-06 01:00"), ts("2025-01-06 03:00"), 20.0, 2, 10.0, 6.0),
            CraneJob("C", "rtg", ts("2025-01-06 02:00"), ts("2025-01-06 03:00"), 10.0, 1, 20.0, 2.0)]
    windows = [TruckWindow("W1", ts("2025-01-06 00:00"), ts("2025-01-06 01:30"), 40.0),
               TruckWindow("W2", ts("2025-01-06 01:00"), ts("2025-01-06 03:00"), 30.0)]
    return small_inputs([100.0, 110.0, 120.0, 130.0, 140.0, 150.0], freq="30min", crane_pools={"rtg": 5, "sts": 2},
                        crane_jobs=jobs, truck_charger_kw=50.0, truck_windows=windows, **kw)


def test_crane_rows_per_job_step_with_pool_limits():
    m = build_model(work_inputs())
    # A's k = 0..3 (steps 0-3), B's k = 4..7 (steps 2-5), C's k = 8..9 (steps 4-5)
    assert list(m.crane_steps) == list(range(10))
    rate = [10.0] * 4 + [5.0] * 4 + [10.0] * 2  # moves per crane and step: rho x 0.5 h
    most = [2] * 8 + [1] * 2
    assert [m.crane_moves[k].bounds for k in range(10)] == [(0.0, n * r) for n, r in zip(most, rate, strict=True)]
    assert list(m.crane_count_steps) == [2, 3, 4, 5]  # only where the pool is contested
    for k in (2, 3, 4, 5):
        assert m.crane_working[k].bounds == (0, 2)
        assert m.crane_working[k].domain is pyo.NonNegativeIntegers
        assert_row(m.crane_moves_capacity[k], None, {f"crane_moves[{k}]": 1.0, f"crane_working[{k}]": -rate[k]},
                   0.0)
    assert_row(m.crane_job_moves[0], 45.0, {f"crane_moves[{k}]": 1.0 for k in range(4)}, 45.0)
    assert_row(m.crane_job_moves[1], 20.0, {f"crane_moves[{k}]": 1.0 for k in range(4, 8)}, 20.0)
    assert_row(m.crane_job_moves[2], 10.0, {"crane_moves[8]": 1.0, "crane_moves[9]": 1.0}, 10.0)
    assert list(m.crane_pool_rows) == [0, 1]
    assert_row(m.crane_pool_limit[0], None, {"crane_working[2]": 1.0, "crane_working[4]": 1.0}, 2.0)
    assert_row(m.crane_pool_limit[1], None, {"crane_working[3]": 1.0, "crane_working[5]": 1.0}, 2.0)
    continuous = build_model(work_inputs(integer_cranes=False))
    assert continuous.crane_working[2].domain is pyo.NonNegativeReals


def test_truck_rows_per_window_step_with_a_shared_charger():
    m = build_model(work_inputs())
    assert list(m.truck_window_steps) == list(range(7))  # W1's i = 0..2 (steps 0-2), W2's 3..6 (steps 2-5)
    assert [m.truck_charge[i].bounds for i in range(7)] == [(0.0, 50.0)] * 7
    assert_row(m.truck_window_energy[0], 40.0, {f"truck_charge[{i}]": H for i in range(3)}, 40.0)
    assert_row(m.truck_window_energy[1], 30.0, {f"truck_charge[{i}]": H for i in range(3, 7)}, 30.0)
    assert list(m.truck_shared_steps) == [2]
    assert_row(m.truck_charger_limit[2], None, {"truck_charge[2]": 1.0, "truck_charge[3]": 1.0}, 50.0)


def test_balance_and_unserved_rows_carry_the_crane_energy_per_step_and_the_chargers():
    m = build_model(work_inputs())
    # crane power = kWh per move / step length x moves: 8 / 0.5 = 16 kW per move of A, 12 of B
    assert_row(m.energy_balance[2], 120.0,
               {"grid_import[2]": 1.0, "unserved[2]": 1.0, "truck_charge[2]": -1.0, "truck_charge[3]": -1.0,
                "crane_moves[2]": -16.0, "crane_moves[4]": -12.0}, 120.0)
    assert_row(m.energy_balance[5], 150.0,
               {"grid_import[5]": 1.0, "unserved[5]": 1.0, "truck_charge[6]": -1.0, "crane_moves[7]": -12.0,
                "crane_moves[9]": -4.0},
               150.0)
    # unserved load is at most the demand it stands for
    assert sorted(m.unserved_limit) == list(range(6))
    assert_row(m.unserved_limit[2], None,
               {"unserved[2]": 1.0, "truck_charge[2]": -1.0, "truck_charge[3]": -1.0,
                "crane_moves[2]": -16.0, "crane_moves[4]": -12.0}, 120.0)
    assert_row(m.unserved_limit[0], None, {"unserved[0]": 1.0, "truck_charge[0]": -1.0, "crane_moves[0]": -16.0},
               100.0)
    assert m.unserved[2].ub is None


def test_inflexible_work_pins_the_first_come_first_served_schedule():
    m = build_model(work_inputs(flexibility="inflexible"))
    # A from 00:00 with 2 cranes (10 moves each per step): 20, 20, then 5 with 1 crane at step 2,
    # leaving B 1 crane there (5 moves), 2 at step 3 (10), 1 at step 4 (the 5 left); C, in its own
    # pool, does its 10 moves at step 4 with its one crane
    working = [2, 2, 1, 0, 1, 2, 1, 0]
    moves = [20.0, 20.0, 5.0, 0.0, 5.0, 10.0, 5.0, 0.0, 10.0, 0.0]
    for k in range(10):
        assert m.crane_moves[k].bounds == (moves[k], moves[k]), k
    for k in (2, 3, 4, 5):
        assert m.crane_working[k].bounds == (working[k], working[k]), k
    # W1 from 00:00 at 50 kW (25 kWh), 30 kW for its last 15 kWh; W2 gets the charger at 01:00:
    # 50 kW (25 kWh), then 10 kW for the 5 kWh left
    q = [50.0, 30.0, 0.0, 50.0, 10.0, 0.0, 0.0]
    assert [m.truck_charge[i].bounds for i in range(7)] == [(v, v) for v in q]
    flexible = build_model(work_inputs())
    assert flexible.crane_moves[0].bounds == (0.0, 20.0) and flexible.truck_charge[0].bounds == (0.0, 50.0)


# --------------------------------------------------------------------------- reefers


def reefer_store(name, boxes, arriving, leaving, *, c, ua, q_int, air, cop, setpoint, band, rated, arrival):
    n = len(arriving)
    return ReeferStore(name=name, boxes=np.asarray(boxes, dtype=float), arriving=np.asarray(arriving, dtype=float),
                       leaving=np.asarray(leaving, dtype=float), temp_air_c=np.asarray(air, dtype=float),
                       cop=np.asarray(cop, dtype=float), dt_h=np.full(n, H), setpoint_c=setpoint,
                       band_low_c=band[0], band_high_c=band[1], thermal_mass_kwh_per_c=c, ua_kw_per_c=ua,
                       internal_heat_kw_per_box=q_int, fan_kw_per_box=0.0, rated_kw_per_box=rated,
                       arrival_temp_c=arrival)


def test_reefer_heat_balance_rows_scaled_per_class_and_step():
    fruit = reefer_store("fruit", [10, 10, 12, 12], [0, 2, 0], [0, 0, 0], c=20.0, ua=0.1, q_int=0.5,
                         air=[20.0, 22.0, 24.0], cop=[2.0, 2.5, 3.0], setpoint=1.0, band=(0.0, 3.0), rated=10.0,
                         arrival=1.5)
    meat = reefer_store("meat", [4, 1, 0, 0], [0, 0, 0], [3, 1, 0], c=30.0, ua=0.2, q_int=0.3,
                        air=[20.0, 20.0, 20.0], cop=[1.5, 1.5, 1.5], setpoint=-20.0, band=(-22.0, -18.0),
                        rated=2.0, arrival=-20.0)
    m = build_model(small_inputs([50.0, 50.0, 50.0], freq="30min", reefer_stores=[fruit, meat]))
    # variable i = class x 3 + step; each row divided by C x (boxes at the step's end)
    assert list(m.reefer_steps) == list(range(6))
    assert list(m.reefer_rows) == [0, 1, 2, 3]  # the meat store is empty after step 1: no rows
    a_prev0 = (20 * 10 - H * 10 * 0.1) / 200
    assert_row(m.reefer_heat_balance[0], H * 10 * (0.1 * 20 + 0.5) / 200 + a_prev0 * 1.0,
               {"reefer_temp[0]": 1.0, "reefer_power[0]": H * 2.0 / 200},
               H * 10 * (0.1 * 20 + 0.5) / 200 + a_prev0 * 1.0)
    rhs1 = (20 * 2 * 1.5 + H * 11 * (0.1 * 22 + 0.5)) / 240  # 2 boxes arrive at 1.5 °C
    assert_row(m.reefer_heat_balance[1], rhs1,
               {"reefer_temp[1]": 1.0, "reefer_temp[0]": -(20 * 10 - H * 11 * 0.1) / 240,
                "reefer_power[1]": H * 2.5 / 240}, rhs1)
    rhs2 = H * 12 * (0.1 * 24 + 0.5) / 240
    assert_row(m.reefer_heat_balance[2], rhs2,
               {"reefer_temp[2]": 1.0, "reefer_temp[1]": -(20 * 12 - H * 12 * 0.1) / 240,
                "reefer_power[2]": H * 3.0 / 240}, rhs2)
    a_prev3 = (30 * (4 - 3) - H * 2.5 * 0.2) / 30  # three boxes leave in step 0, one is left
    rhs3 = H * 2.5 * (0.2 * 20 + 0.3) / 30 + a_prev3 * -20.0
    assert_row(m.reefer_heat_balance[3], rhs3, {"reefer_temp[3]": 1.0, "reefer_power[3]": H * 1.5 / 30}, rhs3)
    assert [m.reefer_power[i].bounds for i in range(6)] == [(0.0, 100.0), (0.0, 110.0), (0.0, 120.0),
                                                            (0.0, 5.0), (0.0, 0.0), (0.0, 0.0)]
    # import can absorb the load and every class's rated compressors (10 x 10, 10 x 11, ...; 2 x 2.5, 2 x 0.5)
    assert m.layout.import_upper_kw == pytest.approx([50.0 + 100.0 + 5.0, 50.0 + 110.0 + 1.0, 50.0 + 120.0])
    assert [m.reefer_temp[i].bounds for i in range(6)] == [(0.0, 3.0)] * 3 + [(-22.0, -18.0)] + [(-20.0, -20.0)] * 2
    assert_row(m.reefer_end_temp[0], None, {"reefer_temp[2]": 1.0}, 1.0)
    assert_row(m.reefer_end_temp[1], None, {"reefer_temp[5]": 1.0}, -20.0)
    for t in range(3):
        assert_row(m.energy_balance[t], 50.0, {f"grid_import[{t}]": 1.0, f"unserved[{t}]": 1.0,
                                               f"reefer_power[{t}]": -1.0, f"reefer_power[{3 + t}]": -1.0}, 50.0)
        assert_row(m.unserved_limit[t], None, {f"unserved[{t}]": 1.0, f"reefer_power[{t}]": -1.0,
                                               f"reefer_power[{3 + t}]": -1.0}, 50.0)


def test_no_crane_family_without_job_steps_and_one_with_a_single_step():
    m = build_model(small_inputs([10.0, 10.0]))
    assert not m.layout.has_cranes and len(m.layout.crane_rate) == 0 and not hasattr(m, "crane_moves")
    assert len(m.layout.crane_energy_kwh_per_move) == 0
    one = CraneJob("one", "sts", ts("2025-01-06 01:00"), ts("2025-01-06 02:00"), 5.0, 1, 10.0, 3.0)
    m = build_model(small_inputs([10.0, 10.0], crane_pools={"sts": 1}, crane_jobs=[one]))
    assert m.layout.has_cranes and list(m.crane_steps) == [0]
    assert_row(m.energy_balance[1], 10.0, {"grid_import[1]": 1.0, "unserved[1]": 1.0, "crane_moves[0]": -3.0}, 10.0)


def test_sized_pv_alone_adds_no_wind_rows_and_a_unit_profile_of_exactly_0_1_mw_counts():
    pv = SizedAsset("pv.a", "pv", np.array([1e-7, 5e-8, 0.5]), 0.0, 100.0, 1.0, 0.0)
    m = build_model(small_inputs([10.0] * 3, freq="30min", wind=[0.0, 4.0, 0.0], sizing=Sizing(assets=[pv])))
    assert list(m.pv_steps) == [0, 2] and list(m.wind_steps) == [1]
    assert_row(m.pv_available_limit[0], None, {"pv[0]": 1.0, "asset_size[0]": -1e-7}, 0.0)
    assert not hasattr(m, "wind_available_limit")  # no sized wind: the bounds say it all


def test_dispose_model_removes_every_component():
    from energy.optimise.dispatch import dispose_model

    m = build_model(work_inputs())
    dispose_model(m)
    assert list(m.component_objects()) == []


def test_trucks_exist_only_with_a_window_step_and_a_charger():
    w = [TruckWindow("w", ts("2025-01-06 00:00"), ts("2025-01-06 02:00"), 1.0)]
    assert build_model(small_inputs([1.0, 1.0], truck_windows=w, truck_charger_kw=1.0)).layout.has_trucks
    no_charger = build_model(small_inputs([1.0, 1.0], truck_windows=[
        TruckWindow("w", ts("2025-01-06 00:00"), ts("2025-01-06 02:00"), 0.0)], truck_charger_kw=0.0))
    assert not no_charger.layout.has_trucks and not hasattr(no_charger, "truck_charge")
    no_window = build_model(small_inputs([1.0, 1.0], truck_charger_kw=50.0))
    assert not no_window.layout.has_trucks and not hasattr(no_window, "truck_charge")


def test_inflexible_serves_jobs_and_windows_by_start_time_not_list_order():
    jobs = [CraneJob("late", "sts", ts("2025-01-06 01:00"), ts("2025-01-06 03:00"), 20.0, 2, 10.0, 6.0),
            CraneJob("early", "sts", ts("2025-01-06 00:00"), ts("2025-01-06 02:00"), 45.0, 2, 20.0, 8.0)]
    # the charger (30 kW) is shared at step 2: the early window takes 20 kW, the late one the 10 left
    windows = [TruckWindow("late", ts("2025-01-06 01:00"), ts("2025-01-06 03:00"), 30.0),
               TruckWindow("early", ts("2025-01-06 00:00"), ts("2025-01-06 01:30"), 40.0)]
    m = build_model(small_inputs([100.0] * 6, freq="30min", crane_pools={"sts": 2}, crane_jobs=jobs,
                                 truck_charger_kw=30.0, truck_windows=windows, flexibility="inflexible"))
    # k: "late" 0..3 (steps 2-5), "early" 4..7 (steps 0-3); early has the cranes first at step 2
    assert [m.crane_moves[k].ub for k in range(8)] == [5.0, 10.0, 5.0, 0.0, 20.0, 20.0, 5.0, 0.0]
    # i: "late" 0..3 (steps 2-5), "early" 4..6 (steps 0-2)
    assert [m.truck_charge[i].ub for i in range(7)] == [10.0, 30.0, 20.0, 0.0, 30.0, 30.0, 20.0]


def test_inflexible_crane_doing_one_move_a_step_still_works():
    job = CraneJob("slow", "sts", ts("2025-01-06 00:00"), ts("2025-01-06 02:00"), 3.0, 1, 2.0, 5.0)
    m = build_model(small_inputs([10.0] * 4, freq="30min", crane_pools={"sts": 1}, crane_jobs=[job],
                                 flexibility="inflexible"))
    assert [m.crane_moves[k].ub for k in range(4)] == [1.0, 1.0, 1.0, 0.0]


def test_inflexible_schedules_that_cannot_finish_say_what_to_change():
    from energy.errors import EnergyError

    jobs = [CraneJob("a", "sts", ts("2025-01-06 00:00"), ts("2025-01-06 01:00"), 10.0, 1, 10.0, 8.0),
            CraneJob("b", "sts", ts("2025-01-06 00:00"), ts("2025-01-06 01:00"), 10.0, 1, 10.0, 8.0)]
    with pytest.raises(EnergyError, match=r"crane job 'b' cannot finish its 10 moves .* \(10\.0 moves left\); "
                                          r"expected windows that fit first-come-first-served work, or "
                                          r"flexibility\.mode = 'optimised'$"):
        build_model(small_inputs([10.0] * 2, freq="30min", crane_pools={"sts": 1}, crane_jobs=jobs,
                                 flexibility="inflexible"))
    windows = [TruckWindow("a", ts("2025-01-06 00:00"), ts("2025-01-06 01:00"), 40.0),
               TruckWindow("b", ts("2025-01-06 00:00"), ts("2025-01-06 01:00"), 40.0)]
    with pytest.raises(EnergyError, match=r"truck window 'b' cannot receive its 40 kWh from its start at 50 kW "
                                          r"shared with earlier windows; expected non-overlapping charging "
                                          r"windows, or flexibility\.mode = 'optimised'$"):
        build_model(small_inputs([10.0] * 2, freq="30min", truck_charger_kw=50.0, truck_windows=windows,
                                 flexibility="inflexible"))
