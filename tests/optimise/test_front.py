"""The cost-emissions front and emission caps (issue 11): hand-solved micro-cases and a SEIN week.

Micro-case (two hours, two emission factors), solved by hand:

- hour 0: import 0.05 USD/kWh at 0.8 kgCO2/kWh; hour 1: 0.10 USD/kWh at 0.2 kg/kWh;
  fixed load 100 kW in each hour.
- a battery of 50 kWh / 50 kW, charge efficiency 0.8 (discharge 1.0), empty at the start:
  charging 50 kWh in hour 0 delivers 40 kWh in hour 1;
- a truck window over both hours needing 60 kWh (charger 60 kW).

Cost-minimal: trucks and battery charge in hour 0: imports 210 and 60 kWh, cost 16.5 USD,
180 kgCO2. Giving up the battery shift first (it saves 1.5 USD for 32 kg: 46.875 USD/t)
reaches the kink at 148 kg and 18 USD (trucks still in hour 0); moving the trucks to hour 1
(3 USD for 36 kg: 83.33 USD/t) reaches the emission-minimal end at 112 kg and 21 USD.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyomo.environ as pyo
import pytest

from energy.cli import main, print_kpis
from energy.errors import CapError
from energy.inputs import BatteryParams, GridParams
from energy.jobs import TruckWindow
from energy.optimise.dispatch import build_model
from energy.optimise.front import solve_front
from energy.optimise.optimise import optimise
from energy.pareto import abatement_costs, pareto_table
from tests.cases import small_inputs, ts
from tests.conftest import SMALL_MODEL

BATTERY = BatteryParams(energy_kwh=50.0, charge_power_kw=50.0, discharge_power_kw=50.0,
                        charge_efficiency=0.8, discharge_efficiency=1.0, soc_min=0.0, soc_max=1.0,
                        soc_initial=0.0, self_discharge_per_h=0.0, wear_cost_usd_per_kwh=0.0)


def micro(**kw):
    return small_inputs([100.0, 100.0], price=[0.05, 0.10], ef=[0.8, 0.2], peak=[False, False],
                        battery=BATTERY, truck_charger_kw=60.0,
                        truck_windows=[TruckWindow("w", ts("2025-01-06 00:00"), ts("2025-01-06 02:00"), 60.0)],
                        **kw)


def hand_cost(e_kg: float) -> float:
    """The front of the micro-case: least cost at emissions e_kg [USD]."""
    if e_kg >= 148.0:
        return 16.5 + (180.0 - e_kg) * 1.5 / 32.0
    return 18.0 + (148.0 - e_kg) * 3.0 / 36.0


def test_micro_front_has_the_hand_solved_kink_and_abatement_costs():
    points, _ = solve_front(micro(), 5)
    cost = np.array([p.results.kpis["total_cost_usd"] for p in points])
    em = np.array([p.results.kpis["emissions_tco2"] * 1000 for p in points])
    np.testing.assert_allclose(em, [180, 163, 146, 129, 112], atol=1e-2)
    np.testing.assert_allclose(cost, [hand_cost(e) for e in em], atol=1e-5)
    a = abatement_costs(cost, em / 1000)
    # 180 -> 163 on the battery segment; 163 -> 146 across the kink at 148; then the truck segment
    straddle = (15 * 1.5 / 32 + 2 * 3 / 36) / 0.017
    np.testing.assert_allclose(a[1:], [46.875, straddle, 250 / 3, 250 / 3], rtol=1e-3)
    assert [p.kind for p in points] == ["cost_min", "epsilon", "epsilon", "epsilon", "emissions_min"]
    assert all(p.results.kpis["unserved_mwh"] == 0 for p in points)
    table = pareto_table(points, {"pv_kwp": 0.0})
    np.testing.assert_allclose(table["abatement_cost_usd_per_t"].iloc[1:], a[1:])


def test_kink_point_itself_at_18_points():
    points, _ = solve_front(micro(), 18)        # caps every 4 kg: the 9th point is the kink
    k = points[8].results.kpis
    assert k["emissions_tco2"] * 1000 == pytest.approx(148.0, abs=1e-2)
    assert k["total_cost_usd"] == pytest.approx(18.0, abs=1e-4)
    assert k["total_cost_usd"] == pytest.approx(hand_cost(k["emissions_tco2"] * 1000), abs=1e-6)
    costs = [p.results.kpis["total_cost_usd"] for p in points]
    assert all(b >= a - 1e-9 for a, b in zip(costs, costs[1:], strict=False))


def test_cap_below_the_least_emissions_is_refused_not_met_by_shedding():
    # lost load at 10 USD/kWh: shedding 1 kWh in hour 0 "saves" 0.8 kg for 10 USD, which a
    # cost-minimal capped solve would buy; it must be refused instead
    with pytest.raises(CapError) as err:
        optimise(micro(emissions_cap_kg=100.0))
    e = err.value
    assert e.cap_t == pytest.approx(0.100) and e.min_t == pytest.approx(0.112, abs=1e-6)
    msg = str(e)
    assert msg.startswith("emissions.cap_t: a cap of 0.100 tCO2 cannot be met without shedding load")
    assert "the least emissions any schedule reaches are 0.112 tCO2" in msg and "\n" not in msg


def test_cap_within_reach_gives_the_front_cost_and_serves_all_load():
    r = optimise(micro(emissions_cap_kg=130.0))
    assert r.kpis["unserved_mwh"] == 0
    assert r.kpis["emissions_tco2"] * 1000 == pytest.approx(130.0, abs=1e-3)
    assert r.kpis["total_cost_usd"] == pytest.approx(hand_cost(130.0), abs=1e-5)


def test_supply_really_short_keeps_its_shortfall_and_says_so(capsys):
    # import limit 80 kW against 100 kW of load, no battery or trucks: 40 kWh cannot be served
    short = small_inputs([100.0, 100.0], price=0.05, ef=[0.8, 0.2], peak=[False, False],
                         grid=GridParams(import_limit_kw=80.0), emissions_cap_kg=200.0)
    r = optimise(short)
    assert r.kpis["unserved_mwh"] == pytest.approx(0.040, abs=1e-9)
    assert r.kpis["unserved_unavoidable_mwh"] == pytest.approx(0.040, abs=1e-9)
    print_kpis(r.kpis)
    out = capsys.readouterr().out
    assert "unserved load 0.040 MWh: supply is short of demand (0.040 MWh cannot be served" in out
    # a cap needing more shedding than the shortfall is refused, naming the shortfall
    short.emissions_cap_kg = 50.0
    with pytest.raises(CapError, match=r"without shedding load \(and 0.040 MWh that no schedule can serve\); "
                                       r"the least emissions any schedule reaches are 0.080 tCO2"):
        optimise(short)


def test_load_shed_because_cheap_is_not_blamed_on_supply(capsys):
    cheap = small_inputs([100.0, 100.0], price=0.05, ef=0.5, value_of_lost_load_usd_per_kwh=0.01)
    r = optimise(cheap)
    assert r.kpis["unserved_mwh"] == pytest.approx(0.2) and r.kpis["unserved_unavoidable_mwh"] == 0
    print_kpis(r.kpis)
    out = capsys.readouterr().out
    assert "supply is short" not in out
    assert "could be served but costs more than solver.value_of_lost_load_usd_per_kwh" in out


# --------------------------------------------------------------------------- a SEIN week

@pytest.fixture(scope="module")
def week():
    """Two August days: PV, battery with losses, cranes relaxed, SEIN hourly average factors."""
    from energy.emission_factors import factors_on, sein_profile

    idx = pd.date_range(ts("2025-08-04"), periods=48, freq="1h")
    hour = idx.hour.to_numpy()
    pv = np.clip(np.sin(np.pi * (hour - 6) / 12), 0, None) * 1500.0
    ef = factors_on(idx, sein_profile(), "average_kg_per_kwh")
    price = np.where((hour >= 18) & (hour < 23), 0.074, 0.063)
    b = BatteryParams(energy_kwh=2000.0, charge_power_kw=1000.0, discharge_power_kw=1000.0)
    return small_inputs(1500.0 + 300.0 * ((hour >= 7) & (hour < 19)), start="2025-08-04", pv=pv, price=price,
                        ef=ef, battery=b)


@pytest.fixture(scope="module")
def week_front(week):
    return solve_front(week, 4)


def _direct_min_emissions(inputs):
    """Least emissions and then least cost, solved directly through Pyomo (another HiGHS path)."""
    m = build_model(inputs)
    dt, ef = inputs.dt_h, inputs.series["grid_emission_kg_per_kwh"].to_numpy()
    em = sum(float(dt[t] * ef[t]) * m.grid_import[t] for t in range(len(dt)))
    for t in range(len(dt)):
        m.unserved[t].fix(0.0)
    m.total_cost.deactivate()
    m.min_emissions = pyo.Objective(expr=em)
    solver = pyo.SolverFactory("appsi_highs")
    solver.solve(m)
    e_min = pyo.value(em)
    m.min_emissions.deactivate()
    m.total_cost.activate()
    m.at_least = pyo.Constraint(expr=em <= e_min * (1 + 1e-7) + 1e-3)
    solver.solve(m)
    return e_min, pyo.value(m.total_cost)


def test_week_front_ends_match_run_and_a_direct_min_emissions_solve(week, week_front):
    points, timings = week_front
    run = optimise(week)
    gap = 1e-3
    lo, hi = points[-1].results.kpis, points[0].results.kpis
    assert hi["total_cost_usd"] == pytest.approx(run.kpis["total_cost_usd"], rel=gap)
    e_min, cost_at = _direct_min_emissions(week)
    assert lo["emissions_tco2"] * 1000 == pytest.approx(e_min, rel=gap)
    assert lo["total_cost_usd"] == pytest.approx(cost_at, rel=gap)
    assert lo["emissions_tco2"] < hi["emissions_tco2"] - 0.1      # hourly factors: a real trade-off
    assert timings["unserved_unavoidable_kwh"] == 0


def test_week_front_is_monotone_and_sheds_nothing(week_front):
    points, _ = week_front
    k = [p.results.kpis for p in points]
    e = [x["emissions_tco2"] for x in k]
    c = [x["total_cost_usd"] for x in k]
    assert all(b < a for a, b in zip(e, e[1:], strict=False))
    assert all(b >= a * (1 - 1e-3) for a, b in zip(c, c[1:], strict=False))
    for p in points:
        d = p.results.dispatch
        assert p.results.kpis["unserved_mwh"] == 0
        supply = d.pv_kw + d.battery_discharge_kw + d.grid_import_kw + d.unserved_kw
        demand = d.fixed_load_kw + d.battery_charge_kw + d.crane_load_kw + d.truck_load_kw + d.grid_export_kw
        np.testing.assert_allclose(supply, demand, atol=1e-5)
        if p.cap_kg is not None:
            assert p.results.kpis["emissions_tco2"] * 1000 <= p.cap_kg * (1 + 1e-6) + 1e-2


# --------------------------------------------------------------------------- command line

def _run(args, capsys):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_pareto_writes_the_folder_and_refuses_size_and_points(tmp_path, capsys):
    model = tmp_path / "small.toml"
    model.write_text(SMALL_MODEL)
    base = ["pareto", model, "--start", "2025-01-06", "--end", "2025-01-08", "--out", tmp_path / "r"]
    code, out, err = _run([*base, "--points", "3"], capsys)
    assert code == 0, err
    folder = tmp_path / "r" / "small" / "base" / "pareto"
    assert {p.name for p in folder.iterdir()} == {"pareto.csv", "pareto.png", "pareto.html"}
    t = pd.read_csv(folder / "pareto.csv")
    assert list(t["kind"]) == ["cost_min", "epsilon", "emissions_min"]
    for col in ("total_cost_usd", "emissions_tco2", "abatement_cost_usd_per_t", "emissions_average_tco2",
                "emissions_marginal_tco2", "pv_kwp", "battery_kwh", "peak_import_kw", "unserved_mwh"):
        assert col in t.columns
    assert (t["unserved_mwh"] == 0).all()
    # a later run --overwrite of the scenario keeps the front
    code, _, err = _run(["run", model, "--start", "2025-01-06", "--end", "2025-01-08", "--out", tmp_path / "r",
                         "--no-plots"], capsys)
    assert code == 0, err
    assert (folder / "pareto.csv").is_file()
    code, _, err = _run(["run", model, "--start", "2025-01-06", "--end", "2025-01-08", "--out", tmp_path / "r",
                         "--no-plots", "--overwrite"], capsys)
    assert code == 0, err
    assert (folder / "pareto.csv").is_file()
    code, _, err = _run([*base, "--points", "3"], capsys)
    assert code == 1 and "holds an earlier run" in err
    code, _, err = _run([*base, "--size", "--overwrite"], capsys)
    assert code == 1 and "pareto --size: no asset has sizing bounds; expected pv.NAME.max_kwp" in err
    code, _, err = _run([*base, "--points", "1", "--overwrite"], capsys)
    assert code == 1 and "points: expected a whole number >= 2, found 1" in err


def test_cli_cap_refusal_exit_code_and_one_line(tmp_path, capsys):
    model = tmp_path / "small.toml"
    model.write_text(SMALL_MODEL + "\n[emissions]\ncap_t = 1.0\n")
    code, out, err = _run(["run", model, "--start", "2025-01-06", "--end", "2025-01-07", "--out", tmp_path / "r"],
                          capsys)
    assert code == 1
    assert err.startswith("error: emissions.cap_t: a cap of 1.000 tCO2 cannot be met without shedding load")
    assert err.count("\n") == 1 and "least emissions any schedule reaches are" in err
    assert not (tmp_path / "r" / "small" / "base").exists()


def test_sizing_front_chooses_sizes_and_costs_investment(tmp_path, capsys):
    """--size: PV and battery sized at each point; cleaner points build more, cost rises."""
    model = tmp_path / "sized.toml"
    model.write_text(SMALL_MODEL.replace("capacity_kwp = 2000.0", "capacity_kwp = 0.0\nmax_kwp = 6000.0")
                     .replace("discharge_power_kw = 1000.0",
                              "discharge_power_kw = 1000.0\nenergy_kwh_max = 4000.0\npower_kw_max = 2000.0"))
    code, out, err = _run(["pareto", model, "--start", "2025-01-06", "--end", "2025-01-08", "--points", "3",
                           "--size", "--out", tmp_path / "r"], capsys)
    assert code == 0, err
    t = pd.read_csv(tmp_path / "r" / "small" / "base" / "pareto" / "pareto.csv")
    for col in ("pv_roof_kwp", "battery_kwh", "battery_kw", "investment_usd"):
        assert col in t.columns
    assert t["emissions_tco2"].is_monotonic_decreasing
    assert t["total_cost_usd"].is_monotonic_increasing
    assert t["pv_roof_kwp"].iloc[-1] >= t["pv_roof_kwp"].iloc[0]
    assert (t["investment_usd"] > 0).all() and (t["unserved_mwh"] == 0).all()
    # the cost is bill + investment
    bill = t[["energy_cost_usd", "capacity_charge_usd", "battery_wear_usd", "carbon_cost_usd",
              "unserved_cost_usd"]].sum(axis=1)
    np.testing.assert_allclose(t["total_cost_usd"], bill + t["investment_usd"], rtol=1e-6)
