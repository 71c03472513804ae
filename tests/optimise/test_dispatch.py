"""Model structure and input checks of energy.dispatch (building only, no solves)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyomo.environ as pyo
import pytest

from energy.errors import EnergyError
from energy.inputs import BatteryParams, GridParams, Inputs, TariffParams
from energy.jobs import CraneJob, TruckWindow
from energy.optimise.checks import check_inputs
from energy.optimise.dispatch import Layout, add_mode_binaries, build_model
from tests.cases import small_inputs, ts


def make_inputs(n=6, *, start="2025-01-06 00:00", freq="1h", pv=0.0, **kw) -> Inputs:
    """``n`` steps of a flat 100 kW load at 0.1 USD/kWh and 0.2 kg/kWh, 1 MW import limit."""
    kw.setdefault("grid", GridParams(import_limit_kw=1000.0))
    return small_inputs([100.0] * n, start=start, freq=freq, pv=pv, ef=0.2, **kw)


def job(
    name="v1",
    start="2025-01-06 01:00",
    end="2025-01-06 04:00",
    moves=50.0,
    *,
    pool="sts",
    max_cranes=2,
    rho=25.0,
    eps=8.0,
) -> CraneJob:
    return CraneJob(name, pool, ts(start), ts(end), moves, max_cranes, rho, eps)


BATTERY = BatteryParams(energy_kwh=500, charge_power_kw=100, discharge_power_kw=100)


def names(m, ctype) -> set[str]:
    return {c.local_name for c in m.component_objects(ctype, descend_into=True)}


def test_component_names_and_no_params():
    m = build_model(make_inputs(n=24, battery=BATTERY, tariff=TariffParams(16.4, 4.0)))
    assert {
        "grid_import",
        "unserved",
        "battery_charge",
        "battery_discharge",
        "battery_soc",
        "grid_peak_import",
        "grid_max_import",
    } <= names(m, pyo.Var)
    assert {
        "energy_balance",
        "battery_soc_balance",
        "battery_end_soc",
        "grid_max_import_limit",
    } <= names(m, pyo.Constraint)
    assert names(m, pyo.Objective) == {"total_cost"}
    assert not names(m, pyo.Param)  # data enter as plain floats
    assert isinstance(m.layout, Layout)
    assert len(m.energy_balance) == 24


@pytest.mark.parametrize("battery", [None, BatteryParams(0.0, 100, 100)])
def test_no_battery_no_battery_variables(battery):
    m = build_model(make_inputs(battery=battery))
    assert not {"battery_charge", "battery_discharge", "battery_soc"} & names(m, pyo.Var)
    assert not m.layout.has_battery


def test_export_variable_only_when_allowed():
    assert "grid_export" not in names(build_model(make_inputs()), pyo.Var)
    m = build_model(make_inputs(grid=GridParams(1000.0, export_limit_kw=50.0)))
    assert "grid_export" in names(m, pyo.Var)
    assert m.grid_export[0].ub == 50.0


def test_pv_variables_only_where_available():
    m = build_model(make_inputs(pv=[0, 0, 30, 40, 0, 0]))
    assert list(m.pv.keys()) == [2, 3]
    assert m.pv[3].ub == 40.0


def test_crane_variables_only_on_whole_steps_inside_the_window():
    # Window 01:30-04:00: the 01:00 step is only half inside, so steps 02:00 and 03:00.
    m = build_model(make_inputs(crane_pools={"sts": 6}, crane_jobs=[job(start="2025-01-06 01:30")]))
    assert len(m.crane_moves) == 2
    assert m.layout.crane_step.tolist() == [2, 3]
    assert m.crane_moves[0].ub == pytest.approx(50.0)  # 25 moves/h x 1 h x 2 cranes
    assert "crane_pool_limit" not in names(m, pyo.Constraint)  # one job cannot exceed the pool
    # Uncontested: no crane count, its moves' bound is the count's only effect.
    assert len(m.crane_working) == 0 and len(m.crane_moves_capacity) == 0


def overlapping_jobs():
    """Two 2-crane jobs in a 3-crane pool, overlapping at the 02:00 step (job-steps 2 and 3)."""
    return [
        job("a", "2025-01-06 00:00", "2025-01-06 03:00", 20),
        job("b", "2025-01-06 02:00", "2025-01-06 05:00", 20),
    ]


def test_crane_counts_only_on_contested_job_steps():
    m = build_model(make_inputs(crane_pools={"sts": 3}, crane_jobs=overlapping_jobs()))
    assert m.layout.crane_count_steps == [2, 3]
    assert [m.layout.crane_step[k] for k in m.crane_working] == [2, 2]
    assert all(v.is_integer() and v.ub == 2 for v in m.crane_working.values())
    assert list(m.crane_moves_capacity) == [2, 3]
    assert list(m.crane_moves_capacity[2].body.linear_coefs) == [1.0, -25.0]


def test_continuous_cranes_when_asked():
    m = build_model(make_inputs(crane_pools={"sts": 3}, crane_jobs=overlapping_jobs(), integer_cranes=False))
    assert len(m.crane_working) == 2
    assert not any(v.is_integer() for v in m.crane_working.values())


def test_pool_rows_only_where_jobs_could_exceed_the_pool():
    jobs = [
        job("a", "2025-01-06 00:00", "2025-01-06 03:00", 20),
        job("b", "2025-01-06 02:00", "2025-01-06 05:00", 20),
    ]
    m = build_model(make_inputs(crane_pools={"sts": 3}, crane_jobs=jobs))
    # Overlap at step 02:00 only: 2 + 2 cranes > 3.
    assert len(m.crane_pool_limit) == 1
    m = build_model(make_inputs(crane_pools={"sts": 4}, crane_jobs=jobs))
    assert "crane_pool_limit" not in names(m, pyo.Constraint)


def test_truck_variables_only_inside_windows():
    w = TruckWindow("night", ts("2025-01-06 00:00"), ts("2025-01-06 02:00"), 100.0)
    m = build_model(make_inputs(truck_charger_kw=80.0, truck_windows=[w]))
    assert len(m.truck_charge) == 2
    assert m.layout.truck_step.tolist() == [0, 1]
    assert len(m.truck_window_energy) == 1
    assert "truck_charger_limit" not in names(m, pyo.Constraint)


def test_overlapping_truck_windows_share_the_chargers():
    ws = [
        TruckWindow("a", ts("2025-01-06 00:00"), ts("2025-01-06 02:00"), 100.0),
        TruckWindow("b", ts("2025-01-06 01:00"), ts("2025-01-06 03:00"), 100.0),
    ]
    m = build_model(make_inputs(truck_charger_kw=80.0, truck_windows=ws))
    assert len(m.truck_charge) == 4  # one variable per window and step
    assert m.layout.truck_window.tolist() == [0, 0, 1, 1]
    assert list(m.truck_charger_limit.keys()) == [1]  # the shared step only


def test_demand_charge_rows_follow_the_rates_and_peak_steps():
    m = build_model(make_inputs(n=24, tariff=TariffParams(16.4, 0.0)))
    assert len(m.grid_peak_import_limit) == 5  # 18:00-22:00
    assert "grid_max_import" not in names(m, pyo.Var)
    m = build_model(make_inputs(n=24))
    assert not {"grid_peak_import", "grid_max_import"} & names(m, pyo.Var)


def test_step_length_enters_storage_balance():
    m = build_model(make_inputs(n=4, freq="15min", battery=BATTERY))
    from pyomo.repn import generate_standard_repn

    repn = generate_standard_repn(m.battery_soc_balance[1].body)
    coef = {v.name: c for v, c in zip(repn.linear_vars, repn.linear_coefs, strict=True)}
    assert coef["battery_charge[1]"] == pytest.approx(-0.95 * 0.25)
    assert coef["battery_discharge[1]"] == pytest.approx(0.25 / 0.95)


def test_add_mode_binaries_only_on_given_steps():
    m = build_model(make_inputs(battery=BATTERY, grid=GridParams(1000.0, 50.0)))
    assert add_mode_binaries(m, [1, 3], [2]) == 3
    assert sorted(m.battery_mode.keys()) == [1, 3]
    assert all(v.is_binary() for v in m.battery_mode.values())
    assert list(m.grid_mode.keys()) == [2]
    assert len(m.battery_mode_charge) == 2 and len(m.grid_mode_export) == 1
    assert add_mode_binaries(m, [1], []) == 0  # already there


# ---------------------------------------------------------------- refusals


def test_job_window_without_a_whole_step_is_refused():
    bad = job("vessel_007", "2025-01-06 01:15", "2025-01-06 01:45", 1)
    with pytest.raises(EnergyError, match="vessel_007.*no whole time step"):
        build_model(make_inputs(crane_pools={"sts": 6}, crane_jobs=[bad]))


def test_job_with_too_many_moves_names_the_job_and_the_limit():
    bad = job("vessel_008", moves=151, max_cranes=4)  # pool of 2: 2 x 25 x 3 h = 150
    inputs = make_inputs(crane_pools={"sts": 2}, crane_jobs=[bad])
    with pytest.raises(EnergyError, match=r"vessel_008.*limit is 150 moves"):
        check_inputs(inputs)
    with pytest.raises(EnergyError, match=r"vessel_008.*limit is 150 moves"):
        build_model(inputs)
    check_inputs(make_inputs(crane_pools={"sts": 2}, crane_jobs=[job(moves=150)]))


def test_job_in_unknown_pool_is_refused():
    bad = CraneJob("y1", "armg", ts("2025-01-06 00:00"), ts("2025-01-06 02:00"), 10, 1, 20, 15)
    with pytest.raises(EnergyError, match="y1.*pool"):
        build_model(make_inputs(crane_pools={"sts": 6}, crane_jobs=[bad]))


def test_naive_job_time_is_refused():
    bad = CraneJob(
        "v", "sts", pd.Timestamp("2025-01-06 00:00"), ts("2025-01-06 02:00"), 10, 1, 20, 8
    )
    with pytest.raises(EnergyError, match="tz-aware"):
        build_model(make_inputs(crane_pools={"sts": 6}, crane_jobs=[bad]))


def test_truck_window_that_cannot_be_met_is_refused():
    w = TruckWindow("noon", ts("2025-01-06 01:00"), ts("2025-01-06 03:00"), 500.0)
    with pytest.raises(EnergyError, match=r"noon.*limit is 200 kWh"):
        build_model(make_inputs(truck_charger_kw=100.0, truck_windows=[w]))


def test_missing_series_column_is_refused():
    inputs = make_inputs()
    inputs.series = inputs.series.drop(columns="is_peak")
    with pytest.raises(EnergyError, match="is_peak"):
        build_model(inputs)


def test_missing_value_is_refused_with_its_time():
    inputs = make_inputs()
    inputs.series.iloc[2, 0] = np.nan
    with pytest.raises(EnergyError, match="fixed_load_kw.*02:00"):
        build_model(inputs)


def test_battery_soc_initial_out_of_range_is_refused():
    b = BatteryParams(500, 100, 100, soc_min=0.2, soc_max=0.8, soc_initial=0.9)
    with pytest.raises(EnergyError, match="soc_initial"):
        build_model(make_inputs(battery=b))
