"""Model file loading: schema, one-line errors, scenario overrides."""

from __future__ import annotations

import pandas as pd
import pytest

from energy.config import deep_merge, load_config, read_model_file, scenario_names
from energy.errors import EnergyError
from tests.conftest import CHANCAY, SMALL_MODEL

BUNDLED_SCENARIOS = {
    "grid_only", "pv_only", "pv_heavy", "pv_wind", "pv_battery_small", "pv_battery_large",
    "export_net_billing", "high_carbon", "rampup_2025", "metered_load",
}


def test_bundled_model_loads_with_every_scenario():
    raw = read_model_file(CHANCAY)
    names = scenario_names(raw)
    assert BUNDLED_SCENARIOS <= set(names)
    for name in ["base", *names]:
        cfg = load_config(CHANCAY, name)
        assert cfg.scenario == name
    base = load_config(CHANCAY)
    assert base.site.timezone == "America/Lima"
    assert base.cranes.sts.count == 6 and base.cranes.armg.count == 15
    assert base.loads.reefers.plugs == 960


def test_bundled_numbers_carry_sources():
    """Every number of the base model has a comment naming its source or 'estimate'.

    A comment may sit on the line, on its table header, or on the first line that
    sets the same key (later arrays repeating a parameter need not repeat it).
    """
    text = CHANCAY.read_text()
    base = text[: text.index("[scenarios.")]
    sourced_keys, unsourced = set(), []
    table_comment = prev_comment = False
    for i, line in enumerate(base.splitlines(), 1):
        s = line.strip()
        above, prev_comment = prev_comment, s.startswith("#")
        if s.startswith("["):
            table_comment = "#" in s
            continue
        if "=" not in s or s.startswith("#"):
            continue
        key, value = (x.strip() for x in s.split("#")[0].split("=", 1))
        if value.startswith(('"', "'")) or not any(c.isdigit() for c in value):
            continue
        if "#" in s or above:
            sourced_keys.add(key)
        elif not table_comment and key not in sourced_keys:
            unsourced.append((i, s))
    assert not unsourced, unsourced


def test_index_and_step_hours():
    cfg = load_config(CHANCAY)
    idx = cfg.index()
    assert len(idx) == 8760 and str(idx.tz) == "America/Lima"
    assert idx[0] == pd.Timestamp("2025-01-01 00:00", tz="America/Lima")
    q = load_config(CHANCAY, overrides={"horizon": {"resolution": "15min", "end": "2025-01-08"}})
    assert len(q.index()) == 7 * 96


def _write(tmp_path, text):
    p = tmp_path / "m.toml"
    p.write_text(text)
    return p


@pytest.mark.parametrize(
    ("replace", "by", "expect"),
    [
        ("capacity_kwp = 2000.0", "capacity_kwp = 'lots'", "pv.roof.capacity_kwp: expected a valid number"),
        ("capacity_kwp = 2000.0", "capacity_kwp = -1", "pv.roof.capacity_kwp: expected a value greater than or equal to 0"),
        ("capacity_kwp = 2000.0", "capacity_kwpp = 2000.0", "pv.roof.capacity_kwpp: unknown key"),
        ("import_limit_kw = 20000.0", "", "grid.import_limit_kw: missing required key"),
        ('resolution = "1h"', 'resolution = "7min"', "horizon: Value error" if False else "horizon.resolution"),
        ("energy_kwh = 2000.0", "energy_kwh = 0.0", "battery: battery has charge/discharge power but energy_kwh = 0"),
        ('timezone = "America/Lima"', 'timezone = "Mars/Olympus"', "site.timezone: expected an IANA time zone"),
        ("end = 2025-01-13", "end = 2025-01-01", "horizon: expected end after start"),
        ("[pv.roof]", "[pv.roof]\ntilt_deg = 95", "pv.roof.tilt_deg: expected a value less than or equal to 90"),
    ],
)
def test_bad_fields_give_one_line_naming_the_key(tmp_path, replace, by, expect):
    p = _write(tmp_path, SMALL_MODEL.replace(replace, by))
    with pytest.raises(EnergyError) as ei:
        load_config(p)
    msg = str(ei.value)
    assert "\n" not in msg
    assert msg.startswith(str(p))
    assert expect in msg, msg


def test_toml_syntax_error_names_file_and_line(tmp_path):
    p = _write(tmp_path, SMALL_MODEL.replace("capacity_kwp = 2000.0", "capacity_kwp = = 2"))
    with pytest.raises(EnergyError, match=r"m\.toml: not valid TOML: .*line \d+"):
        load_config(p)


def test_missing_model_file(tmp_path):
    with pytest.raises(EnergyError, match="model file not found"):
        load_config(tmp_path / "nope.toml")


def test_scenario_override_merges_and_unknown_key_is_named(tmp_path):
    text = SMALL_MODEL + """
[scenarios.big]
description = "bigger"
pv.roof.capacity_kwp = 5000.0
battery = { energy_kwh = 4000.0 }

[scenarios.typo]
pv.roof.capacity_kwq = 1.0
"""
    p = _write(tmp_path, text)
    big = load_config(p, "big")
    assert big.pv["roof"].capacity_kwp == 5000.0
    assert big.pv["roof"].tilt_deg == 10.0  # untouched siblings kept
    assert big.battery.energy_kwh == 4000.0 and big.battery.charge_power_kw == 1000.0
    base = load_config(p)
    assert base.pv["roof"].capacity_kwp == 2000.0
    with pytest.raises(EnergyError, match=r"scenario 'typo': pv\.roof\.capacity_kwq: unknown key"):
        load_config(p, "typo")
    with pytest.raises(EnergyError, match="unknown scenario 'nope'.*base, big, typo"):
        load_config(p, "nope")


def test_deep_merge_does_not_mutate():
    a = {"x": {"y": 1, "z": [1]}}
    b = deep_merge(a, {"x": {"y": 2}})
    assert b == {"x": {"y": 2, "z": [1]}} and a == {"x": {"y": 1, "z": [1]}}


def test_bundled_model_cites_no_file_missing_from_the_repo():
    """Issue 13: comments and file keys of models/chancay.toml name only files the repo holds."""
    import re

    from tests.conftest import ROOT

    text = CHANCAY.read_text(encoding="utf-8")
    named = re.findall(r"[\w./-]+\.(?:md|csv|epw|json|py|toml|txt|xlsx)\b", text)
    assert named, "the model file names its sample files"
    for name in named:
        assert (CHANCAY.parent / name).exists() or (ROOT / name).exists(), name


def test_rampup_2025_matches_chancay_first_year_figures():
    """rampup_2025: 352,591 TEU projected for 2025 and 67 % of 289 calls in containers (EFE, 14 Nov 2025)."""
    from energy.build import vessel_calls

    calls = vessel_calls(load_config(CHANCAY, "rampup_2025"))
    teu = calls["moves"].sum() * 1.6
    assert teu == pytest.approx(352_591, rel=1e-3)
    assert len(calls) == pytest.approx(0.67 * 289, rel=0.05)
