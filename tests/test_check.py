"""``port-energy check``: validates a model and all its inputs without solving, prints what it found."""

from __future__ import annotations

import pandas as pd
import pytest

from energy import runner
from energy.cli import main
from energy.errors import EnergyError
from tests.conftest import CHANCAY, SMALL_MODEL


def _run(args, capsys):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def _metered_15min(path, start="2025-01-06", days=7):
    idx = pd.date_range(start, periods=days * 96, freq="15min")
    path.write_text("timestamp;value\n" + "".join(f"{t:%Y-%m-%d %H:%M};{1500 + i % 7},5\n"
                                                   for i, t in enumerate(idx)))


def test_check_prints_horizon_assets_sources_and_work(small_model, tmp_path, capsys, monkeypatch):
    import energy.optimise.optimise

    def no_solving(*a, **k):
        raise AssertionError("check must not solve")

    monkeypatch.setattr(energy.optimise.optimise, "optimise", no_solving)
    monkeypatch.chdir(tmp_path)
    code, out, err = _run(["check", small_model], capsys)
    assert code == 0, err
    assert err == ""
    assert "horizon: 2025-01-06T00:00:00-05:00 .. 2025-01-13T00:00:00-05:00, 168 steps of 1h (168 h)" in out
    assert "PV: roof 2,000 kWp" in out
    assert "wind: none" in out
    assert "battery: 2,000 kWh, charge 1,000 kW, discharge 1,000 kW" in out
    assert "grid: import up to 20,000 kW, export up to 0 kW" in out
    for source in ("weather: synthetic", "fixed load: synthetic base load + reefers",
                   "import price: time-of-use", "emission factor: SEIN average factor by month and hour"):
        assert source in out
    assert "vessel call(s)" in out and "7 yard job(s)" in out and "truck charging window(s)" in out
    assert out.strip().splitlines()[-1].startswith(f"ok: {small_model} (small): 1 scenario(s) valid")
    assert not (tmp_path / "reports").exists()  # nothing written


def test_check_all_scenarios_by_default_and_one_with_option(small_model, capsys):
    small_model.write_text(SMALL_MODEL + """
[scenarios.big_pv]
pv.roof.capacity_kwp = 5000.0

[scenarios.no_battery]
battery = { energy_kwh = 0.0, charge_power_kw = 0.0, discharge_power_kw = 0.0 }
""")
    code, out, err = _run(["check", small_model], capsys)
    assert code == 0, err
    assert "[base]" in out and "[big_pv] as base except:" in out and "[no_battery] as base except:" in out
    assert "  PV: roof 5,000 kWp" in out and "  battery: none" in out
    assert "3 scenario(s) valid" in out
    code, out, err = _run(["check", small_model, "--scenario", "no_battery"], capsys)
    assert code == 0, err
    assert "[big_pv]" not in out and "[no_battery]" in out and "2 scenario(s) valid" in out


def test_check_fails_on_a_broken_scenario_naming_it(small_model, tmp_path, capsys):
    small_model.write_text(SMALL_MODEL + """
[scenarios.metered]
loads.metered = { file = "missing.csv", units = "kW" }
""")
    code, out, err = _run(["check", small_model], capsys)
    assert code == 1
    assert err.strip() == f"error: scenario 'metered': {tmp_path / 'missing.csv'}: time-series file not found"
    code, out, err = _run(["check", small_model, "--scenario", "base"], capsys)  # the base alone is fine
    assert code == 0, err


def test_check_warns_about_resampling_cut_calls_and_horizon_options(small_model, tmp_path, capsys):
    _metered_15min(tmp_path / "load.csv")
    (tmp_path / "calls.csv").write_text("vessel,arrival,departure,moves,max_cranes\n"
                                        "A,2025-01-08 06:00,2025-01-09 06:00,1500,3\n"
                                        "B,2025-01-12 12:00,2025-01-13 12:00,1200,3\n")
    small_model.write_text(SMALL_MODEL + """
[loads.metered]
file = "load.csv"
units = "kW"
delimiter = ";"
decimal = ","

[vessels.calls_file]
file = "calls.csv"
""")
    code, out, err = _run(["check", small_model], capsys)
    assert code == 0, err
    assert "fixed load: metered CSV load.csv" in out
    assert "warning: load.csv: resampled from 15min to 1h by the mean of each step" in out
    assert "2 vessel call(s) (2,100 moves)" in out  # B keeps 12 h of 24: 600 moves
    assert "warning: 1 vessel call(s) cut by the horizon, moves prorated to the part inside: B" in out
    code, out, err = _run(["check", small_model, "--resolution", "15min", "--end", "2025-01-09"], capsys)
    assert code == 0, err
    assert "288 steps of 15min" in out and "resampled" not in out
    assert "1 vessel call(s) (1,125 moves)" in out and "cut by the horizon, moves prorated to the part inside: A" in out


def test_check_function_returns_a_report(small_model):
    rep = runner.check(small_model)
    assert rep["model"] == str(small_model) and rep["name"] == "small"
    (base,) = rep["scenarios"]
    assert base["scenario"] == "base"
    assert base["horizon"]["steps"] == 168 and base["horizon"]["resolution"] == "1h"
    assert base["assets"]["pv_kwp"] == {"roof": 2000.0}
    assert base["assets"]["battery"]["energy_kwh"] == 2000.0
    assert set(base["sources"]) == {"weather", "fixed load", "import price", "emission factor"}
    assert base["work"]["yard_jobs"] == 7 and base["work"]["truck_windows"] > 0
    assert isinstance(base["warnings"], list)


def test_check_runs_the_optimisation_layers_presolve_checks(small_model, monkeypatch, capsys):
    seen = []
    monkeypatch.setattr(runner, "presolve_checks", lambda inputs: seen.append(len(inputs.series)))
    code, _, err = _run(["check", small_model], capsys)
    assert code == 0 and seen == [168], err


def test_presolve_checks_refuse_an_impossible_job(small_model):
    """The pre-solve checks of energy.dispatch: a crane job that cannot fit its window."""
    from dataclasses import replace

    from energy.build import build_inputs
    from energy.config import load_config

    inputs = build_inputs(load_config(small_model))
    job = next(j for j in inputs.crane_jobs if j.kind == "yard")
    inputs.crane_jobs = [replace(job, moves=job.moves + 10**7)]
    with pytest.raises(EnergyError, match="cannot be done in its window"):
        runner.presolve_checks(inputs)


def test_check_bundled_model_metered_scenario(capsys):
    code, out, err = _run(["check", CHANCAY, "--scenario", "metered_load"], capsys)
    assert code == 0, err
    assert "8760 steps of 1h" in out and "[metered_load] as base except:" in out
    assert "warning: chancay_metered_load_sample.csv: resampled from 15min to 1h" in out
    assert "ok: " in out and "2 scenario(s) valid" in out


def test_check_usage_and_unknown_scenario(capsys):
    code, _, err = _run(["check"], capsys)
    assert code == 2 and "Missing argument" in err
    code, _, err = _run(["check", CHANCAY, "--scenario", "nope"], capsys)
    assert code == 1 and len(err.strip().splitlines()) == 1 and "unknown scenario 'nope'" in err
