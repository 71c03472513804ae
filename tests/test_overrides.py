"""``--set KEY=VALUE`` and ``overrides={...}``: parsed as TOML, applied after the scenario, validated like the file."""

from __future__ import annotations

import datetime as dt

import pytest

from energy.cli import main
from energy.config import load_config, parse_override, parse_overrides
from energy.errors import EnergyError
from tests.conftest import CHANCAY


@pytest.mark.parametrize(("item", "expected"), [
    ("battery.energy_kwh=16000", {"battery": {"energy_kwh": 16000}}),
    ("tariff.peak_energy_usd_per_kwh = 0.25", {"tariff": {"peak_energy_usd_per_kwh": 0.25}}),
    ("horizon.resolution=15min", {"horizon": {"resolution": "15min"}}),  # not TOML: a string
    ("horizon.start=2025-03-01", {"horizon": {"start": dt.date(2025, 3, 1)}}),
    ("yard.enabled=false", {"yard": {"enabled": False}}),
    ("weather.temp_air_monthly_c=[1, 2]", {"weather": {"temp_air_monthly_c": [1, 2]}}),
    ('model.name="2025"', {"model": {"name": "2025"}}),
    ("wind.breakwater.turbine_type=E-82/2300", {"wind": {"breakwater": {"turbine_type": "E-82/2300"}}}),
])
def test_values_are_toml_literals(item, expected):
    assert parse_override(item) == expected


def test_later_set_wins_and_tables_merge():
    got = parse_overrides(["battery.energy_kwh=1", "battery.soc_min=0.2", "battery.energy_kwh=2"])
    assert got == {"battery": {"energy_kwh": 2, "soc_min": 0.2}}


def test_applied_after_the_scenario():
    heavy = load_config(CHANCAY, "pv_heavy")
    cfg = load_config(CHANCAY, "pv_heavy", {"battery": {"energy_kwh": 1234.0}})
    assert cfg.battery.energy_kwh == 1234.0
    assert cfg.pv == heavy.pv  # the scenario's own change stays
    key = next(iter(heavy.pv))
    cfg = load_config(CHANCAY, "pv_heavy", parse_overrides([f"pv.{key}.capacity_kwp=10"]))
    assert cfg.pv[key].capacity_kwp == 10 and cfg.pv[key].tilt_deg == heavy.pv[key].tilt_deg


@pytest.mark.parametrize(("items", "message"), [
    (["battery.energy_kwhh=1"], "overrides (--set): battery.energy_kwhh: unknown key; did you mean 'energy_kwh'"),
    (["battery.energy_kwh=-5"], "overrides (--set): battery.energy_kwh: expected a value greater than or equal to 0, found -5"),
    (["battery.energy_kwh=lots"], "battery.energy_kwh: expected a valid number"),
    (["horizon.resolution=7min"], "horizon.resolution: expected a step length that divides one day"),
    (["batery.energy_kwh=1"], "batery: unknown key; did you mean 'battery'"),
])
def test_bad_overrides_give_the_file_errors(items, message):
    with pytest.raises(EnergyError) as exc:
        load_config(CHANCAY, "pv_heavy", parse_overrides(items))
    assert message in str(exc.value)
    assert str(exc.value).startswith(f"{CHANCAY}: scenario 'pv_heavy': overrides (--set): ")


@pytest.mark.parametrize(("item", "message"), [
    ("battery.energy_kwh", "expected KEY=VALUE"),
    ("=3", "expected KEY=VALUE"),
    ("a b=1", "'a b' is not a dotted key"),
    ("scenarios.x.battery.energy_kwh=1", "overrides cannot change scenarios"),
])
def test_malformed_set(item, message):
    with pytest.raises(EnergyError, match=message):
        parse_override(item)


def test_cli_check_with_set(capsys):
    code = main(["check", str(CHANCAY), "-s", "pv_heavy", "--set", "horizon.end=2025-01-03",
                 "--set", "battery.energy_kwh=3000"])
    out = capsys.readouterr().out
    assert code == 0
    assert "48 steps of 1h" in out and "battery: 3,000 kWh" in out
    code = main(["check", str(CHANCAY), "--set", "battery.energy_kwhh=1"])
    err = capsys.readouterr().err
    assert code == 1 and err.count("\n") == 1 and "did you mean 'energy_kwh'" in err


def test_cli_run_with_set(small_model, tmp_path, capsys):
    code = main(["run", str(small_model), "--set", "horizon.end=2025-01-08", "--set", "pv.roof.capacity_kwp=0",
                 "--no-plots", "--out", str(tmp_path / "r")])
    out = capsys.readouterr().out
    assert code == 0 and "48 steps of 1h" in out
    import json

    summary = json.loads((tmp_path / "r" / "small" / "base" / "summary.json").read_text())
    assert summary["kpis"]["renewable_share"] == 0 and summary["kpis"]["pv_curtailment_mwh"] == 0


def test_compare_with_overrides(small_model, tmp_path):
    from energy.scenarios import compare

    t = compare(small_model, [], out=tmp_path / "r", plots=False, progress="none",
                overrides=parse_overrides(["horizon.end=2025-01-07", "pv.roof.capacity_kwp=0"]))
    assert list(t["scenario"]) == ["base"] and t.loc[0, "renewable_share"] == 0
    assert t.loc[0, "load_mwh"] > 0 and t.loc[0, "status"] == "optimal"


@pytest.mark.parametrize("command", ["size", "pareto", "sweep"])
def test_set_on_size_pareto_and_sweep(command, small_model, tmp_path, capsys):
    code = main([command, str(small_model), "--set", "battery.energy_kwhh=1", "--out", str(tmp_path / "r")])
    err = capsys.readouterr().err
    assert code == 1 and err.count("\n") == 1 and "overrides (--set): battery.energy_kwhh: unknown key" in err
    assert not (tmp_path / "r").exists()
