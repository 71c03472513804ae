"""Solve micro-models with hand-computed optima through HiGHS (no mocks).

Every exact case runs with ``mip_gap=0`` so the optimum is proven; objectives are
asserted to 1e-6.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from energy.errors import EnergyError, SolveError
from energy.inputs import BatteryParams, GridParams, Inputs, TariffParams
from energy.jobs import CraneJob, TruckWindow
from energy.optimise.dispatch import build_model
from energy.optimise.optimise import optimise
from energy.optimise.solve import DEFAULT_MIP_GAP, SolveOutcome, solve
from energy.timegrid import month_fractions
from tests.cases import small_inputs, ts

EXACT = {"mip_gap": 0.0}


def battery_100_kwh(soc_initial: float) -> BatteryParams:
    """100 kWh, 50 kW each way, efficiency 0.9 each way, SOC anywhere in [0, 1]."""
    return BatteryParams(
        energy_kwh=100,
        charge_power_kw=50,
        discharge_power_kw=50,
        charge_efficiency=0.9,
        discharge_efficiency=0.9,
        soc_min=0.0,
        soc_max=1.0,
        soc_initial=soc_initial,
    )


# ---------------------------------------------------------------- exact optima


def test_battery_arbitrage_two_prices_hand_optimum():
    # Cheap steps 0-1 (0.10), dear steps 2-3 (0.30); load 100 kW throughout.
    # E = 100 kWh from 20 kWh, 50 kW, eta 0.9 each way, soc in [0, 1].
    # Charge c in cheap steps: soc 20 + 0.9c <= 100 -> c <= 800/9 (< 2 x 50).
    # Discharge d in dear steps: end soc 20 + 0.9c - d/0.9 >= 20 -> d <= 0.81c = 72.
    # Each cheap kWh is worth 0.81 x 0.30 = 0.243 > 0.10, so c and d are maximal.
    battery = battery_100_kwh(soc_initial=0.2)
    inputs = small_inputs([100] * 4, price=[0.1, 0.1, 0.3, 0.3], battery=battery)
    res = optimise(inputs, **EXACT)
    c, d = 800 / 9, 72.0
    expected = 0.1 * (200 + c) + 0.3 * (200 - d)
    assert res.outcome.status == "optimal"
    assert res.outcome.objective_usd == pytest.approx(expected, abs=1e-6)
    assert res.kpis["total_cost_usd"] == pytest.approx(expected, abs=1e-6)
    disp = res.dispatch
    assert disp["battery_charge_kw"].iloc[:2].sum() == pytest.approx(c, abs=1e-6)
    assert disp["battery_discharge_kw"].iloc[2:].sum() == pytest.approx(d, abs=1e-6)
    assert disp["battery_soc_kwh"].iloc[1] == pytest.approx(100.0, abs=1e-6)
    assert disp["battery_soc_kwh"].iloc[-1] == pytest.approx(20.0, abs=1e-6)


def test_crane_job_moves_out_of_the_expensive_peak_step():
    # Steps 16:00-19:00; 18:00 is peak at 0.50, the rest 0.10. A 100-move job
    # (2 kWh/move, 1 crane at 100 moves/h) may work 17:00-19:00: it all goes to 17:00.
    inputs = small_inputs(
        [1000] * 3,
        start="2025-01-06 16:00",
        price=[0.1, 0.1, 0.5],
        crane_pools={"sts": 1},
        crane_jobs=[
            CraneJob(
                "vessel_a",
                "sts",
                ts("2025-01-06 17:00"),
                ts("2025-01-06 19:00"),
                moves=100,
                max_cranes=1,
                moves_per_crane_hour=100,
                energy_kwh_per_move=2.0,
            )
        ],
    )
    res = optimise(inputs, **EXACT)
    expected = 0.1 * 1000 + 0.1 * (1000 + 200) + 0.5 * 1000
    assert res.kpis["total_cost_usd"] == pytest.approx(expected, abs=1e-6)
    assert res.dispatch["is_peak"].tolist() == [False, False, True]
    assert res.dispatch["crane_load_kw"].tolist() == pytest.approx([0.0, 200.0, 0.0], abs=1e-6)
    assert res.dispatch["crane_moves_sts"].tolist() == pytest.approx([0, 100, 0], abs=1e-6)
    assert res.dispatch["cranes_sts_working"].tolist() == [0, 1, 0]
    jobs = res.jobs
    assert list(jobs["job"]) == ["vessel_a"]
    assert jobs["timestamp"].iloc[0] == ts("2025-01-06 17:00")
    assert jobs["energy_kwh"].iloc[0] == pytest.approx(200.0, abs=1e-6)
    assert res.kpis["crane_moves"] == pytest.approx(100.0)
    assert res.kpis["crane_energy_mwh"] == pytest.approx(0.2)


def test_capacity_charge_makes_peak_shaving_with_the_battery_worth_it():
    # 17:00 off-peak 100 kW, 18:00 peak 300 kW, flat 0.10 USD/kWh. Battery 200 kWh,
    # 100 kW, lossless, from 100 kWh, wear 0.02 USD/kWh. Charge 100 at 17:00,
    # discharge 100 at 18:00: imports 200/200, so both the peak-hour maximum and
    # the overall maximum fall from 300 to 200 kW.
    battery = BatteryParams(
        energy_kwh=200,
        charge_power_kw=100,
        discharge_power_kw=100,
        charge_efficiency=1.0,
        discharge_efficiency=1.0,
        soc_min=0.0,
        soc_max=1.0,
        soc_initial=0.5,
        wear_cost_usd_per_kwh=0.02,
    )
    tariff = TariffParams(16.4, 4.0)
    inputs = small_inputs([100, 300], start="2025-01-06 17:00", battery=battery, tariff=tariff)
    f = 2 / (31 * 24)
    assert month_fractions(inputs.index, inputs.dt_h).iloc[0] == pytest.approx(f)
    res = optimise(inputs, **EXACT)
    energy = 0.1 * 400
    expected = energy + 0.02 * 100 + (16.4 + 4.0) * 200 * f
    assert res.kpis["total_cost_usd"] == pytest.approx(expected, abs=1e-6)
    assert res.outcome.objective_usd == pytest.approx(expected, abs=1e-6)
    assert res.kpis["capacity_charge_generation_usd"] == pytest.approx(16.4 * 200 * f, abs=1e-6)
    assert res.kpis["capacity_charge_distribution_usd"] == pytest.approx(4.0 * 200 * f, abs=1e-6)
    assert res.kpis["peak_import_kw"] == pytest.approx(200, abs=1e-6)
    # Without the capacity charge shaving would only cost wear: the battery rests.
    flat = optimise(small_inputs([100, 300], start="2025-01-06 17:00", battery=battery), **EXACT)
    assert flat.kpis["total_cost_usd"] == pytest.approx(energy, abs=1e-6)
    assert flat.kpis["peak_import_kw"] == pytest.approx(300, abs=1e-6)


def _flat_day(freq: str) -> Inputs:
    """One day of hourly data repeated at ``freq`` (piecewise constant)."""
    hours = pd.date_range(ts("2025-03-03"), periods=24, freq="1h")
    h = hours.hour.to_numpy()
    hourly = pd.DataFrame(
        {
            "load": 800 + 200 * (h >= 8) * (h < 20),
            "pv": np.clip(np.sin((h - 6) / 12 * np.pi), 0, None) * 900,
            "price": np.where((h >= 18) & (h < 23), 0.074, 0.063),
            "ef": np.where(h < 12, 0.2, 0.3),
        },
        index=hours,
    )
    end = hours[-1] + pd.Timedelta("1h")
    fine = hourly.reindex(pd.date_range(hours[0], end, freq=freq, inclusive="left"), method="ffill")
    battery = BatteryParams(
        energy_kwh=1000,
        charge_power_kw=300,
        discharge_power_kw=300,
        charge_efficiency=0.95,
        discharge_efficiency=0.92,
        wear_cost_usd_per_kwh=0.005,
    )
    inputs = small_inputs(
        fine["load"].to_numpy(),
        start=str(hours[0].tz_localize(None)),
        freq=freq,
        pv=fine["pv"].to_numpy(),
        price=fine["price"].to_numpy(),
        ef=fine["ef"].to_numpy(),
        battery=battery,
        tariff=TariffParams(16.4, 4.0),
        carbon_price_usd_per_kg=0.05,
        crane_pools={"sts": 2},
        crane_jobs=[
            CraneJob(
                "v1",
                "sts",
                ts("2025-03-03 06:00"),
                ts("2025-03-03 22:00"),
                moves=300,
                max_cranes=2,
                moves_per_crane_hour=30,
                energy_kwh_per_move=8.0,
            )
        ],
        truck_charger_kw=400.0,
        truck_windows=[
            TruckWindow("night", ts("2025-03-03 00:00"), ts("2025-03-03 06:00"), 1200.0)
        ],
    )
    return inputs


def test_resolution_invariance_hourly_and_quarter_hourly_give_the_same_cost():
    hourly = optimise(_flat_day("1h"), **EXACT)
    quarter = optimise(_flat_day("15min"), **EXACT)
    assert len(quarter.dispatch) == 4 * len(hourly.dispatch)
    for key in (
        "total_cost_usd",
        "grid_import_mwh",
        "emissions_tco2",
        "load_mwh",
        "crane_energy_mwh",
        "capacity_charge_usd",
    ):
        assert quarter.kpis[key] == pytest.approx(hourly.kpis[key], abs=1e-6), key


def test_short_supply_reports_unserved_energy_not_infeasible():
    inputs = small_inputs(
        [100, 120], grid=GridParams(import_limit_kw=80.0), value_of_lost_load_usd_per_kwh=5.0
    )
    res = optimise(inputs, **EXACT)
    assert res.outcome.status == "optimal"
    assert res.dispatch["unserved_kw"].tolist() == pytest.approx([20, 40], abs=1e-6)
    assert res.kpis["unserved_mwh"] == pytest.approx(0.06, abs=1e-9)
    assert res.kpis["total_cost_usd"] == pytest.approx(0.1 * 160 + 5.0 * 60, abs=1e-6)


def test_unserved_never_exceeds_demand_even_when_the_battery_wants_energy():
    """Regression: with a short grid and an end-SOC to restore, 'unserved' must not
    act as a generator charging the battery; the shortfall is infeasible instead."""
    from energy.errors import SolveError
    from energy.inputs import BatteryParams

    battery = BatteryParams(energy_kwh=100.0, charge_power_kw=100.0, discharge_power_kw=100.0,
                            soc_initial=0.9, soc_max=0.95, self_discharge_per_h=0.2)
    inputs = small_inputs([10, 10, 10], grid=GridParams(import_limit_kw=1.0), battery=battery)
    with pytest.raises(SolveError, match="battery.soc_initial"):
        optimise(inputs, **EXACT)
    # with enough grid it is feasible, and unserved stays within the demand
    inputs = small_inputs([10, 10, 10], grid=GridParams(import_limit_kw=60.0), battery=battery)
    res = optimise(inputs, **EXACT)
    d = res.dispatch
    assert (d["unserved_kw"] <= d["fixed_load_kw"] + d["crane_load_kw"] + d["truck_load_kw"] + 1e-9).all()


def test_negative_prices_need_battery_mode_binaries():
    # Import pays 0.1 USD/kWh, so the relaxation burns energy by charging and
    # discharging at once. With the binaries the battery can only fill its
    # 50 kWh headroom: 50/0.9 kWh more import.
    battery = battery_100_kwh(soc_initial=0.5)
    inputs = small_inputs([10, 10], price=-0.1, battery=battery)
    res = optimise(inputs, **EXACT)
    assert res.outcome.mode_binary_rounds >= 1
    assert res.kpis["total_cost_usd"] == pytest.approx(-0.1 * (20 + 50 / 0.9), abs=1e-6)
    d = res.dispatch
    assert not ((d["battery_charge_kw"] > 1e-6) & (d["battery_discharge_kw"] > 1e-6)).any()
    assert res.outcome.n_integer >= 1


def test_export_dearer_than_import_needs_grid_mode_binaries():
    # Export 0.10 > import 0.05: the relaxation imports to export. With the
    # binaries the best is exporting the 10 kW PV surplus each step.
    inputs = small_inputs(
        [10, 10],
        pv=20,
        price=0.05,
        export_price=0.10,
        grid=GridParams(import_limit_kw=100.0, export_limit_kw=30.0),
    )
    res = optimise(inputs, **EXACT)
    assert res.outcome.mode_binary_rounds >= 1
    assert res.kpis["total_cost_usd"] == pytest.approx(-0.1 * 20, abs=1e-6)
    d = res.dispatch
    assert not ((d["grid_import_kw"] > 1e-6) & (d["grid_export_kw"] > 1e-6)).any()
    assert d["grid_export_kw"].tolist() == pytest.approx([10, 10], abs=1e-6)


def test_emissions_cap_binds_and_is_never_met_by_shedding_load():
    # 100 kW at ef 0.5 then 0.1 kg/kWh: 60 kg uncapped, and 60 kg is also the least any
    # schedule serving the load reaches. A 50 kg cap could be "met" by leaving 20 kWh
    # unserved in the dirty step (VOLL 10 USD/kWh): it is refused instead (issue 11).
    from energy.errors import CapError
    from energy.inputs import BatteryParams

    base = {"price": [0.1, 0.2], "ef": [0.5, 0.1]}
    free = optimise(small_inputs([100, 100], **base), **EXACT)
    assert free.kpis["emissions_tco2"] == pytest.approx(0.060, abs=1e-9)
    with pytest.raises(CapError, match=r"emissions.cap_t: a cap of 0.050 tCO2 .* reaches are 0.060 tCO2"):
        optimise(small_inputs([100, 100], emissions_cap_kg=50.0, **base), **EXACT)
    # with a lossless battery, load can move from the dirty second step to the clean (dearer)
    # first one: 25 kWh at 0.4 kg/kWh less meet the cap at 50 kg for 0.1 USD/kWh more
    b = BatteryParams(energy_kwh=100.0, charge_power_kw=100.0, discharge_power_kw=100.0, charge_efficiency=1.0,
                      discharge_efficiency=1.0, soc_min=0.0, soc_initial=0.0, wear_cost_usd_per_kwh=0.0)
    base = {"price": [0.2, 0.1], "ef": [0.1, 0.5], "battery": b}
    capped = optimise(small_inputs([100, 100], emissions_cap_kg=50.0, **base), **EXACT)
    assert capped.kpis["emissions_tco2"] * 1000 == pytest.approx(50.0, abs=1e-6)
    assert capped.kpis["unserved_mwh"] == 0
    assert capped.kpis["total_cost_usd"] == pytest.approx(0.2 * 125 + 0.1 * 75, abs=1e-6)


def test_export_only_when_allowed():
    surplus = {"pv": 50.0, "export_price": 0.04}
    closed = optimise(small_inputs([10, 10], **surplus), **EXACT)
    assert (closed.dispatch["grid_export_kw"] == 0).all()
    assert closed.dispatch["pv_curtailed_kw"].tolist() == pytest.approx([40, 40], abs=1e-6)
    opened = optimise(
        small_inputs([10, 10], grid=GridParams(10_000.0, export_limit_kw=25.0), **surplus), **EXACT
    )
    assert opened.dispatch["grid_export_kw"].tolist() == pytest.approx([25, 25], abs=1e-6)
    assert opened.kpis["total_cost_usd"] == pytest.approx(-0.04 * 50, abs=1e-6)


# ---------------------------------------------------------------- outcomes


def test_impossible_crane_job_raises_before_solving():
    job = CraneJob(
        "vessel_big",
        "sts",
        ts("2025-01-06 00:00"),
        ts("2025-01-06 02:00"),
        moves=500,
        max_cranes=4,
        moves_per_crane_hour=25,
        energy_kwh_per_move=8,
    )
    inputs = small_inputs([100] * 4, crane_pools={"sts": 6}, crane_jobs=[job])
    with pytest.raises(EnergyError, match=r"vessel_big.*limit is 200 moves"):
        optimise(inputs)


def test_overlapping_jobs_beyond_the_pool_are_reported_infeasible_with_a_hint():
    # Each job alone fits, together they need 4 cranes of a pool of 3.
    jobs = [
        CraneJob(
            f"v{i}",
            "sts",
            ts("2025-01-06 00:00"),
            ts("2025-01-06 02:00"),
            moves=100,
            max_cranes=2,
            moves_per_crane_hour=25,
            energy_kwh_per_move=8,
        )
        for i in range(2)
    ]
    inputs = small_inputs([100] * 3, crane_pools={"sts": 3}, crane_jobs=jobs)
    out = solve(build_model(inputs))
    assert out.status == "infeasible"
    assert not out.has_solution
    assert "crane job 'v" in out.message and "pool 'sts' (3 cranes)" in out.message
    with pytest.raises(SolveError, match="infeasible"):
        optimise(inputs)


def test_overlapping_truck_windows_count_each_kwh_once():
    # Windows [0, 2) and [1, 3) h need 150 kWh each from 100 kW of chargers: 300 kWh
    # in 3 h is just possible, with the shared hour split between them.
    windows = [
        TruckWindow("a", ts("2025-01-06 00:00"), ts("2025-01-06 02:00"), 150.0),
        TruckWindow("b", ts("2025-01-06 01:00"), ts("2025-01-06 03:00"), 150.0),
    ]
    res = optimise(small_inputs([0, 0, 0], truck_charger_kw=100.0, truck_windows=windows), **EXACT)
    assert res.dispatch["truck_load_kw"].tolist() == pytest.approx([100, 100, 100], abs=1e-6)
    assert res.kpis["truck_energy_mwh"] == pytest.approx(0.3, abs=1e-9)
    # 400 kWh cannot fit: each window alone could, so only the solve finds out.
    windows = [dataclasses.replace(w, energy_kwh=200.0) for w in windows]
    out = solve(small_inputs([0, 0, 0], truck_charger_kw=100.0, truck_windows=windows))
    assert out.status == "infeasible"
    assert "truck window" in out.message and "100 kW" in out.message


def three_steps_one_crane_job() -> Inputs:
    """Three hours of 100 kW and a 30-move job that two cranes may work in any of them."""
    return small_inputs(
        [100] * 3,
        crane_pools={"sts": 2},
        crane_jobs=[
            CraneJob(
                "v",
                "sts",
                ts("2025-01-06 00:00"),
                ts("2025-01-06 03:00"),
                moves=30,
                max_cranes=2,
                moves_per_crane_hour=25,
                energy_kwh_per_move=8,
            )
        ],
    )


def test_outcome_fields_and_solve_accepts_inputs():
    inputs = three_steps_one_crane_job()
    out = solve(inputs)
    assert isinstance(out, SolveOutcome)
    assert out.status == "optimal" and out.has_solution
    assert out.build_s > 0 and out.solve_s > 0 and out.translate_s > 0
    assert out.n_integer == 0  # one job alone cannot exceed its pool: no crane count needed
    assert out.n_variables > 0 and out.n_constraints > 0
    assert 0 <= out.mip_gap <= DEFAULT_MIP_GAP
    assert out.mode_binary_rounds == 0
    assert "optimal" in out.message.lower()


def test_time_limit_without_incumbent_is_reported_plainly():
    inputs = three_steps_one_crane_job()
    out = solve(build_model(inputs), time_limit_s=0.0)
    assert out.status == "time_limit"
    assert not out.has_solution
    with pytest.raises(SolveError, match="time limit"):
        optimise(inputs, time_limit_s=0.0)


def test_invalid_gap_is_refused():
    with pytest.raises(ValueError, match="mip_gap"):
        solve(small_inputs([1.0]), mip_gap=1.5)


def test_progress_is_told_the_phases():
    phases = []
    optimise(
        small_inputs([10, 10], price=-0.1, battery=BatteryParams(100, 50, 50)),
        progress=phases.append,
    )
    assert phases[:2] == ["build", "solve"] and phases[-1] == "extract"
    assert "solve, round 2" in phases  # the first mode-binary round re-solves


def test_progress_object_gets_solver_states_and_log_lines():
    """A Progress is told HiGHS's state (final at each round's end); the log sink gets HiGHS's log."""
    from energy.progress import Progress

    states, lines = [], []

    class Recorder(Progress):
        def solver(self, state, final=False):
            states.append((state, final))

    with Recorder("none") as p:
        res = optimise(small_inputs([10, 10], price=-0.1, battery=BatteryParams(100, 50, 50)),
                       progress=p, log=lines.append)
    finals = [s for s, f in states if f]
    assert len(finals) == res.outcome.mode_binary_rounds + 1
    assert finals[-1].best_usd == pytest.approx(res.outcome.objective_usd)
    assert {"build", "solve", "solve, round 2", "extract"} <= set(p.timings)
    assert any("HiGHS round 0" in ln for ln in lines) and any("HiGHS round 1" in ln for ln in lines)
    assert sum("rows" in ln for ln in lines) >= 2  # HiGHS's own model-size line, once per round


def test_lp_first_whole_crane_counts_reach_the_hand_optimum_with_a_proven_gap():
    # Two 60-move jobs (at most 2 cranes of 25 moves/h each) share a 3-crane pool over
    # the same 3 hours; the middle hour is cheap. The pool takes 75 moves there (3 cranes),
    # the other 45 moves go to the dear hours: 75*8*0.1 + 45*8*0.3 = 168 USD. The LP
    # relaxation may split the cheap hour 1.5 + 1.5 cranes; whole counts 2 + 1 keep it.
    jobs = [
        CraneJob(f"v{i}", "sts", ts("2025-01-06 00:00"), ts("2025-01-06 03:00"), moves=60,
                 max_cranes=2, moves_per_crane_hour=25, energy_kwh_per_move=8)
        for i in range(2)
    ]
    inputs = small_inputs([0, 0, 0], price=[0.3, 0.1, 0.3], crane_pools={"sts": 3}, crane_jobs=jobs)
    m = build_model(inputs)
    out = solve(m, mip_gap=0.0)
    assert out.status == "optimal" and out.objective_usd == pytest.approx(168.0, abs=1e-6)
    assert out.mip_gap == pytest.approx(0.0, abs=1e-9) and out.mip_nodes == 0  # no branch and bound
    counts = {k: v.value for k, v in m.crane_working.items()}
    assert all(abs(n - round(n)) < 1e-9 for n in counts.values())
    steps = m.layout.crane_step
    for t in set(steps[list(counts)].tolist()):
        assert sum(n for k, n in counts.items() if steps[k] == t) <= 3 + 1e-9
    moves = np.array([v.value for v in m.crane_moves.values()])
    assert (moves <= m.layout.crane_rate * np.array([counts.get(k, 2) for k in range(len(moves))]) + 1e-6).all()


def _printed_by_fresh_process(code: str) -> list[str]:
    """What ``code`` prints in a fresh interpreter (this one has imported whatever other tests needed)."""
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout.split()


def test_a_solve_imports_scipy_sparse_but_not_scipy_stats():
    """Pyomo's deferred scipy import would add scipy.stats (~0.5 s per process) to every run:
    solving a small model must load scipy.sparse (the compiler's) and nothing of scipy.stats."""
    assert _printed_by_fresh_process(
        "import sys\n"
        "from tests.cases import small_inputs\n"
        "from energy.optimise.optimise import optimise\n"
        "assert 'scipy.stats' not in sys.modules, 'imported before the solve'\n"
        "res = optimise(small_inputs([100.0, 200.0, 150.0], pv=50.0))\n"
        "assert res.kpis['status'] == 'optimal', res.kpis['status']\n"
        "print(int('scipy.sparse' in sys.modules), int('scipy.stats' in sys.modules))\n") == ["1", "0"]


def test_pvlib_after_pyomo_does_not_import_scipy_stats():
    """Pyomo's scipy hook fires on anyone's scipy import: pvlib after Pyomo (a sweep's
    workers warming up) would load scipy.stats too (0.45-0.5 s); pvlib alone does not."""
    assert _printed_by_fresh_process(
        "import sys\nimport energy.optimise.optimise\nimport pvlib\nimport scipy.integrate\n"
        "print(int('scipy.stats' in sys.modules))\n") == ["0"]
