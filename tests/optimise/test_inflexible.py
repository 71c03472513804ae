"""The inflexible-work switch (issue 10, item 4): fixed schedules, as early as they can, at full rate."""

from __future__ import annotations

import numpy as np
import pytest
from cases import small_inputs, ts

from energy.errors import EnergyError
from energy.jobs import CraneJob, TruckWindow
from energy.optimise.layout import prepare
from energy.optimise.optimise import optimise

#: dear early, cheap late: the optimised schedule moves work later, the inflexible cannot
CHEAP_LATE = [0.20, 0.20, 0.20, 0.05, 0.05, 0.05, 0.05, 0.05]


def job(name, start, end, moves, max_cranes, pool="sts", rho=10.0, eps=8.0) -> CraneJob:
    return CraneJob(name, pool, ts(start), ts(end), moves, max_cranes, rho, eps)


def crane_case(flexibility: str, jobs, pools=None, price=CHEAP_LATE):
    return small_inputs([100.0] * len(price), price=price, crane_pools=pools or {"sts": 6},
                        crane_jobs=jobs, flexibility=flexibility)


def test_crane_moves_start_at_the_window_start_with_the_most_cranes():
    inp = crane_case("inflexible", [job("v1", "2025-01-06 00:00", "2025-01-06 08:00", 50, 2)])
    res = optimise(inp)
    jobs = res.jobs.set_index("timestamp")
    # 2 cranes x 10 moves/h: 20, 20, then the 10 left with one crane; nothing after
    assert jobs["moves"].tolist() == pytest.approx([20.0, 20.0, 10.0])
    assert jobs["cranes"].tolist() == pytest.approx([2, 2, 1])
    assert jobs.index[0] == ts("2025-01-06 00:00")
    crane_kw = res.dispatch["crane_load_kw"].to_numpy()
    assert crane_kw[:3] == pytest.approx([160.0, 160.0, 80.0])  # 8 kWh/move over 1 h steps
    assert crane_kw[3:] == pytest.approx(0.0)


def test_inflexible_costs_at_least_the_optimised_schedule():
    jobs = [job("v1", "2025-01-06 00:00", "2025-01-06 08:00", 50, 2)]
    flex = optimise(crane_case("optimised", jobs)).kpis["total_cost_usd"]
    fixed = optimise(crane_case("inflexible", jobs)).kpis["total_cost_usd"]
    # hand-solved: 400 kWh of crane energy at 0.20 (inflexible) or at 0.05 (optimised)
    assert fixed - flex == pytest.approx(400.0 * (0.20 - 0.05), rel=1e-6)
    assert fixed >= flex


def test_pool_is_shared_first_come_first_served():
    jobs = [job("early", "2025-01-06 00:00", "2025-01-06 08:00", 40, 2),
            job("late", "2025-01-06 01:00", "2025-01-06 08:00", 40, 2)]
    d = prepare(crane_case("inflexible", jobs, pools={"sts": 3}))
    lay = d.layout
    at = {(lay.crane_job[k], lay.crane_step[k]): lay.fixed_crane_working[k] for k in range(len(lay.crane_step))}
    assert [at[(0, t)] for t in range(3)] == [2, 2, 0]   # early: 2, 2 cranes -> 40 moves done
    assert [at[(1, t)] for t in range(1, 5)] == [1, 2, 1, 0]  # late: what the pool has left, then 2, 1
    moves = np.bincount(lay.crane_job, weights=lay.fixed_crane_moves)
    assert moves == pytest.approx([40.0, 40.0])


def test_first_come_first_served_that_cannot_finish_is_one_clear_line():
    jobs = [job("early", "2025-01-06 00:00", "2025-01-06 04:00", 80, 2),
            job("late", "2025-01-06 00:00", "2025-01-06 02:00", 20, 2)]
    with pytest.raises(EnergyError, match=r"inflexible.*'late'.*first come, first served") as exc:
        prepare(crane_case("inflexible", jobs, pools={"sts": 2}))
    assert "\n" not in str(exc.value)


def test_trucks_charge_from_the_window_start_at_full_power():
    w = TruckWindow("night", ts("2025-01-06 01:00"), ts("2025-01-06 07:00"), 250.0)
    inp = small_inputs([50.0] * 8, price=[0.1] * 8, truck_charger_kw=100.0, truck_windows=[w],
                       flexibility="inflexible")
    truck = optimise(inp).dispatch["truck_load_kw"].to_numpy()
    assert truck == pytest.approx([0, 100, 100, 50, 0, 0, 0, 0])


def test_model_file_switch_and_cli_folder(small_model, tmp_path):
    from energy.config import load_config
    from energy.runner import horizon_overrides, model_reports_dir, run

    text = small_model.read_text() + '\n[flexibility]\nmode = "inflexible"\n'
    small_model.write_text(text)
    cfg = load_config(small_model)
    assert cfg.flexibility.mode == "inflexible"
    assert model_reports_dir(cfg, tmp_path) == tmp_path / "small" / "inflexible"
    assert horizon_overrides(inflexible=True) == {"flexibility": {"mode": "inflexible"}}
    opts = {"start": "2025-01-06", "end": "2025-01-08", "write": False}
    fixed = run(small_model, **opts)
    assert fixed.kpis["flexibility"] == "inflexible"
    small_model.write_text(text.replace('"inflexible"', '"optimised"'))
    flex = run(small_model, **opts)
    assert fixed.kpis["total_cost_usd"] >= flex.kpis["total_cost_usd"] * (1 - 1e-3)
    # yard work sits at the start of its day: the first steps of each day hold the ARMG moves
    d = fixed.dispatch
    armg = d["crane_moves_armg"].to_numpy()
    day_start = d.index.hour == 0
    assert (armg[day_start] > 0).all()
    assert armg.sum() == pytest.approx(flex.dispatch["crane_moves_armg"].sum(), rel=1e-6)


def test_bad_mode_is_one_line(small_model):
    from energy.config import load_config

    small_model.write_text(small_model.read_text() + '\n[flexibility]\nmode = "lazy"\n')
    with pytest.raises(EnergyError, match=r"flexibility.mode: .*'optimised'.*'inflexible'") as exc:
        load_config(small_model)
    assert "\n" not in str(exc.value)


def test_cli_inflexible_writes_its_own_folder(small_model, tmp_path):
    from energy.cli import main

    args = ["run", str(small_model), "--start", "2025-01-06", "--end", "2025-01-07", "--no-plots",
            "--out", str(tmp_path), "--inflexible"]
    assert main(args) == 0
    assert (tmp_path / "small" / "inflexible" / "base" / "summary.json").exists()
    assert not (tmp_path / "small" / "base").exists()
