"""The dispatch model's rules checked on micro-cases: bounds, the step rules at the horizon's
ends, the storage recursion and the balance of every solved step (energy.optimise).

Bounds are checked against the rules :class:`energy.optimise.layout.Layout` documents (the
site's sinks and sources), optima against hand computations; solved dispatches against the
energy balance and the state-of-charge recursion written out here, independently of the model.
"""

from __future__ import annotations

import numpy as np
import pyomo.environ as pyo
import pytest

from energy.inputs import BatteryParams, GridParams, TariffParams
from energy.jobs import CraneJob, TruckWindow
from energy.kpis import BILL_TERMS, bill_rates, monthly_bill
from energy.optimise.dispatch import build_model
from energy.optimise.optimise import optimise
from tests.cases import small_inputs, ts

EXACT = {"mip_gap": 0.0}


def rich_inputs(**kw):
    """Six hourly steps with every family: PV, wind, battery, export, a crane job, a truck window."""
    kw.setdefault("grid", GridParams(import_limit_kw=700.0, export_limit_kw=50.0))
    kw.setdefault("battery", BatteryParams(400.0, charge_power_kw=100.0, discharge_power_kw=60.0))
    return small_inputs(
        [100.0, 100.0, 120.0, 100.0, 100.0, 90.0],
        pv=[0.0, 30.0, 80.0, 0.0, 0.0, 0.0], wind=[10.0, 0.0, 0.0, 0.0, 5.0, 0.0],
        price=[0.1, 0.1, 0.2, 0.3, 0.1, 0.1], export_price=0.05,
        crane_pools={"sts": 6},
        crane_jobs=[CraneJob("v1", "sts", ts("2025-01-06 01:00"), ts("2025-01-06 04:00"), 50.0,
                             max_cranes=2, moves_per_crane_hour=25.0, energy_kwh_per_move=8.0)],
        truck_charger_kw=80.0,
        truck_windows=[TruckWindow("night", ts("2025-01-06 00:00"), ts("2025-01-06 02:00"), 100.0)],
        **kw,
    )


def test_import_bounds_and_big_ms_are_the_documented_sinks_and_sources():
    m = build_model(rich_inputs())
    lay = m.layout
    load = np.array([100.0, 100.0, 120.0, 100.0, 100.0, 90.0])
    crane = np.array([0, 1, 1, 1, 0, 0]) * 8.0 * 25.0 * 2  # eps x rho x most cranes
    trucks = np.array([1, 1, 0, 0, 0, 0]) * 80.0
    sinks = load + crane + trucks + 100.0  # + battery charging
    np.testing.assert_allclose(lay.import_mode_bound_kw, np.minimum(sinks, 700.0))
    np.testing.assert_allclose(lay.import_upper_kw, np.minimum(sinks + 50.0, 700.0))
    assert [m.grid_import[t].ub for t in range(6)] == pytest.approx(np.minimum(sinks + 50.0, 700.0))
    sources = np.array([10.0, 30.0, 80.0, 0.0, 5.0, 0.0]) + 60.0  # PV + wind + discharge
    np.testing.assert_allclose(lay.export_mode_bound_kw, np.minimum(sources, 50.0))
    assert [m.grid_export[t].ub for t in range(6)] == [50.0] * 6
    assert lay.has_pv and lay.has_wind and lay.has_battery and lay.has_export
    assert lay.has_cranes and lay.has_trucks
    assert lay.pv_steps == [1, 2] and lay.wind_steps == [0, 4]


def test_bounds_without_export_battery_or_flexible_work():
    inputs = small_inputs([100.0, 300.0], grid=GridParams(import_limit_kw=250.0))
    m = build_model(inputs)
    assert m.layout.import_upper_kw == [100.0, 250.0]  # the load, within the limit
    assert m.layout.import_mode_bound_kw == [100.0, 250.0]
    assert m.layout.export_mode_bound_kw == [0.0, 0.0]
    assert [m.unserved[t].ub for t in range(2)] == [100.0, 300.0]  # a plain bound: no flexible work
    assert not hasattr(m, "unserved_limit") or len(m.unserved_limit) == 0


def test_availability_below_one_watt_is_none_and_one_watt_is_some():
    inputs = small_inputs([100.0] * 4, pv=[0.0005, 0.001, 0.002, 0.0], wind=[0.001, 0.0009, 0.0, 3.0])
    m = build_model(inputs)
    assert m.layout.pv_steps == [1, 2] and list(m.pv.keys()) == [1, 2]
    assert m.layout.wind_steps == [0, 3] and list(m.wind.keys()) == [0, 3]
    assert m.pv[1].ub == 0.001 and m.pv[1].lb == 0.0 and m.wind[3].ub == 3.0


def test_unserved_limit_rows_only_where_flexible_work_can_happen():
    m = build_model(rich_inputs())
    assert sorted(m.unserved_limit.keys()) == [0, 1, 2, 3]  # trucks at 0-1, cranes at 1-3
    assert [m.unserved[t].ub for t in (4, 5)] == [100.0, 90.0]
    assert m.unserved[0].ub is None


def energy_balance_residual(d):
    supply = d["pv_kw"] + d["wind_kw"] + d["battery_discharge_kw"] + d["grid_import_kw"] + d["unserved_kw"]
    demand = (d["fixed_load_kw"] + d["crane_load_kw"] + d["truck_load_kw"] + d["battery_charge_kw"]
              + d["grid_export_kw"])
    return (supply - demand).to_numpy()


def soc_recursion_residual(d, b: BatteryParams):
    dt = d["dt_h"].to_numpy()
    soc = d["battery_soc_kwh"].to_numpy()
    before = np.concatenate([[b.soc_initial * b.energy_kwh], soc[:-1]])
    expected = (before * (1 - b.self_discharge_per_h * dt) + b.charge_efficiency * d["battery_charge_kw"] * dt
                - d["battery_discharge_kw"] * dt / b.discharge_efficiency)
    return soc - expected.to_numpy()


def test_every_solved_step_balances_and_the_battery_follows_its_recursion():
    battery = BatteryParams(400.0, charge_power_kw=100.0, discharge_power_kw=60.0, charge_efficiency=0.9,
                            discharge_efficiency=0.8, soc_initial=0.5, self_discharge_per_h=0.01)
    inputs = rich_inputs(battery=battery, tariff=TariffParams(10.0, 2.0))
    res = optimise(inputs, **EXACT)
    d = res.dispatch
    assert res.outcome.status == "optimal"
    np.testing.assert_allclose(energy_balance_residual(d), 0.0, atol=1e-6)
    np.testing.assert_allclose(soc_recursion_residual(d, battery), 0.0, atol=1e-6)
    assert d["battery_soc_kwh"].iloc[-1] >= 200.0 - 1e-6  # ends at least where it started
    assert d["crane_load_kw"].sum() == pytest.approx(50 * 8.0)  # 1 h steps: kWh = kW
    assert d["truck_load_kw"].iloc[:2].sum() == pytest.approx(100.0)
    assert (d["grid_export_kw"] <= 50.0 + 1e-9).all()
    assert res.outcome.objective_usd == pytest.approx(
        monthly_bill(d, bill_rates(inputs))["total_cost_usd"].sum(), rel=1e-9)


def test_half_hour_steps_at_the_horizon_ends():
    """A battery that can only gain by moving energy from the first step to the last, 0.5 h each.

    Load 100 kW for 3 steps of 0.5 h at 0.1, 0.3 and 0.5 USD/kWh. Battery 40 kWh from 10 kWh
    (soc 0.25), at most 30 kWh (soc_max 0.75), 40 kW each way, efficiencies 1: charging
    40 kW x 0.5 h = 20 kWh in the first step and discharging them in the last saves
    20 x (0.5 - 0.1) = 8 USD against 0.5 x 100 x (0.1 + 0.3 + 0.5) = 45 USD; any other use
    of the middle step saves less.
    """
    battery = BatteryParams(40.0, 40.0, 40.0, charge_efficiency=1.0, discharge_efficiency=1.0, soc_min=0.0,
                            soc_max=0.75, soc_initial=0.25, self_discharge_per_h=0.0)
    inputs = small_inputs([100.0] * 3, freq="30min", price=[0.1, 0.3, 0.5], battery=battery)
    res = optimise(inputs, **EXACT)
    d = res.dispatch
    assert res.outcome.objective_usd == pytest.approx(45.0 - 8.0, abs=1e-6)
    assert d["battery_charge_kw"].tolist() == pytest.approx([40.0, 0.0, 0.0], abs=1e-6)
    assert d["battery_discharge_kw"].tolist() == pytest.approx([0.0, 0.0, 40.0], abs=1e-6)
    assert d["battery_soc_kwh"].tolist() == pytest.approx([30.0, 30.0, 10.0], abs=1e-6)


def test_end_state_of_charge_binds_on_the_last_step():
    # Flat price, lossy battery: any discharge would have to be bought back with losses
    battery = BatteryParams(100.0, 50.0, 50.0, charge_efficiency=0.9, discharge_efficiency=0.9, soc_min=0.0,
                            soc_max=1.0, soc_initial=0.6, self_discharge_per_h=0.0)
    res = optimise(small_inputs([40.0, 40.0], price=0.2, battery=battery), **EXACT)
    assert res.dispatch["battery_discharge_kw"].sum() == pytest.approx(0.0, abs=1e-6)
    assert res.dispatch["battery_soc_kwh"].iloc[-1] == pytest.approx(60.0, abs=1e-6)
    assert res.outcome.objective_usd == pytest.approx(0.2 * 80, abs=1e-6)


def test_self_discharge_costs_energy_each_step():
    # 50 kWh kept at 1 %/h over two 1-h steps: the losses are bought in the cheap first step
    # so that 0.99 x soc[0] >= 50 at the end: soc[0] = 50/0.99, bought 50/0.99 - 0.99 x 50
    battery = BatteryParams(100.0, 50.0, 50.0, charge_efficiency=1.0, discharge_efficiency=1.0, soc_min=0.0,
                            soc_max=1.0, soc_initial=0.5, self_discharge_per_h=0.01)
    res = optimise(small_inputs([0.0, 0.0], price=[0.1, 0.5], battery=battery), **EXACT)
    bought = 50 / 0.99 - 0.99 * 50
    assert res.dispatch["battery_charge_kw"].tolist() == pytest.approx([bought, 0.0], abs=1e-6)
    assert res.outcome.objective_usd == pytest.approx(0.1 * bought, abs=1e-7)


def test_capacity_charges_per_month_prorated_in_the_objective():
    # 30-min steps 31 Jan 22:30 .. 1 Feb 01:00: January has 1.5 h of 744, February 1.5 h of 672;
    # the only peak step is 22:30 (300 kW), January's highest import is off-peak (500 kW at 23:00)
    inputs = small_inputs([300.0, 500.0, 100.0, 400.0, 200.0, 100.0], start="2025-01-31 22:30",
                          freq="30min", price=0.1, tariff=TariffParams(16.0, 4.0))
    m = build_model(inputs)
    res = optimise(inputs, **EXACT)
    expected = (0.1 * 0.5 * 1600.0 + 16.0 * 300.0 * 1.5 / 744 + 4.0 * 500.0 * 1.5 / 744
                + 4.0 * 400.0 * 1.5 / 672)
    assert res.outcome.objective_usd == pytest.approx(expected, rel=1e-9)
    assert list(m.grid_peak_import.keys()) == [0] and list(m.grid_max_import.keys()) == [0, 1]
    assert list(m.grid_peak_import_limit.keys()) == [0]
    assert m.grid_peak_import[0].ub == 500.0 and m.grid_max_import[1].ub == 500.0
    bill = monthly_bill(res.dispatch, bill_rates(inputs))
    for term in BILL_TERMS:
        assert bill[term].sum() == pytest.approx(res.kpis[term], rel=1e-9, abs=1e-9)


def test_emissions_cap_counts_only_steps_that_emit():
    # Trucks need 100 kWh in 00:00-03:00; 1 kg/kWh (a coefficient of exactly 1 x 1 h) in the
    # cheap steps 1-2, none in the dear step 0: a 60 kg cap moves 40 kWh to step 0
    window = TruckWindow("w", ts("2025-01-06 00:00"), ts("2025-01-06 03:00"), 100.0)
    inputs = small_inputs([0.0, 0.0, 0.0], ef=[0.0, 1.0, 1.0], price=[0.3, 0.1, 0.1], truck_charger_kw=100.0,
                          truck_windows=[window], emissions_cap_kg=60.0)
    m = build_model(inputs)
    assert m.emissions_cap.upper == 60.0
    res = optimise(inputs, **EXACT)
    assert res.dispatch["grid_import_kw"].iloc[0] == pytest.approx(40.0, abs=1e-6)
    assert res.dispatch["grid_import_kw"].iloc[1:].sum() == pytest.approx(60.0, abs=1e-6)
    assert res.outcome.objective_usd == pytest.approx(0.3 * 40 + 0.1 * 60, abs=1e-6)


def test_objective_terms_carry_their_rates_and_step_lengths():
    battery = BatteryParams(100.0, 50.0, 50.0, wear_cost_usd_per_kwh=0.02)
    inputs = small_inputs([10.0, 20.0], freq="15min", price=[0.1, 0.2], export_price=0.05, ef=0.4,
                          battery=battery, grid=GridParams(1000.0, export_limit_kw=30.0),
                          carbon_price_usd_per_kg=0.03, value_of_lost_load_usd_per_kwh=9.0)
    m = build_model(inputs)
    values = {"grid_import": [10.0, 25.0], "grid_export": [0.0, 5.0], "battery_discharge": [4.0, 0.0],
              "unserved": [2.0, 0.0]}
    for name, vals in values.items():
        for t, v in enumerate(vals):
            getattr(m, name)[t].set_value(v)
    assert pyo.value(m.bill["energy_cost_usd"]) == pytest.approx(0.25 * (0.1 * 10 + 0.2 * 25 - 0.05 * 5))
    assert pyo.value(m.bill["carbon_cost_usd"]) == pytest.approx(0.03 * 0.25 * 0.4 * 35)
    assert pyo.value(m.bill["battery_wear_usd"]) == pytest.approx(0.02 * 0.25 * 4)
    assert pyo.value(m.bill["unserved_cost_usd"]) == pytest.approx(9.0 * 0.25 * 2)
    assert pyo.value(m.total_cost) == pytest.approx(sum(pyo.value(m.bill[k]) for k in BILL_TERMS))
