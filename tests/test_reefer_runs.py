"""Properties of full runs with optimised reefers and shore power (bundled model, one week each)."""

from __future__ import annotations

import numpy as np
import pytest

from energy.build import build_inputs
from energy.config import load_config
from energy.kpis import reefer_band_violations
from energy.optimise.optimise import optimise
from tests.conftest import CHANCAY

RUNS = {
    "summer_1h_shore": {"horizon": {"start": "2025-01-06", "end": "2025-01-13"},
                        "shore_power": {"connections": 2}},
    "winter_30min_shore_1": {"horizon": {"start": "2025-07-07", "end": "2025-07-14", "resolution": "30min"},
                             "shore_power": {"connections": 1, "kw_per_connection": 1000.0}},
}


@pytest.fixture(scope="module", params=list(RUNS))
def run(request):
    cfg = load_config(CHANCAY, "reefers_optimised", RUNS[request.param])
    inputs = build_inputs(cfg)
    return inputs, optimise(inputs)


def test_temperature_never_leaves_its_band(run):
    inputs, r = run
    d, classes = r.dispatch, inputs.meta["reefer_classes"]
    assert set(classes) == {"blueberries", "avocados", "grapes"}
    assert reefer_band_violations(d, classes) == dict.fromkeys(classes, 0)
    for name, band in classes.items():
        t = d[f"reefer_{name}_temp_c"].to_numpy()
        assert (t >= band["band_low_c"] - 1e-6).all() and (t <= band["band_high_c"] + 1e-6).all()
    assert r.kpis["reefer_band_violations"] == 0


def test_energy_balance_with_reefers_and_shore_power_closes_every_step(run):
    _, r = run
    d = r.dispatch
    supply = d["pv_kw"] + d["wind_kw"] + d["battery_discharge_kw"] + d["grid_import_kw"] + d["unserved_kw"]
    demand = (d["fixed_load_kw"] + d["crane_load_kw"] + d["truck_load_kw"] + d["reefer_flex_load_kw"]
              + d["battery_charge_kw"] + d["grid_export_kw"])
    np.testing.assert_allclose(supply, demand, atol=1e-5)
    assert r.kpis["unserved_mwh"] == 0.0


def test_fixed_load_holds_base_fans_and_shore_power_and_compressors_stay_rated(run):
    inputs, r = run
    s, d = inputs.series, r.dispatch
    shore = [c for c in d.columns if c.startswith("shore_power_c")]
    np.testing.assert_allclose(d[shore].sum(axis=1), d["shore_power_kw"])
    fans = sum(st.fan_kw for st in inputs.reefer_stores)
    np.testing.assert_allclose(d["fixed_load_kw"], s["base_load_kw"] + fans + d["shore_power_kw"])
    for st in inputs.reefer_stores:
        assert (d[f"reefer_{st.name}_kw"] <= st.rated_kw + st.fan_kw + 1e-6).all()
    dt = d["dt_h"].to_numpy()
    assert r.kpis["shore_power_mwh"] == pytest.approx(float((d["shore_power_kw"] * dt).sum()) / 1000)
    assert r.kpis["ship_diesel_co2_avoided_t"] == pytest.approx(r.kpis["shore_power_mwh"] * 0.696)
    assert r.kpis["shore_power_net_co2_avoided_t"] == pytest.approx(
        r.kpis["ship_diesel_co2_avoided_t"] - r.kpis["shore_power_grid_co2_t"])
    assert 0.0 < r.kpis["shore_power_max_kw"] <= inputs.meta["shore_power"]["connections"] * 1320.0 + 1e-9


def test_bundled_week_flexibility_saves_against_thermostat_and_asap_cranes_without_band_violations():
    """The comparison of benchmarks/bench_flexibility.py on one week: same physics, both cases in band."""
    week = {"start": "2025-01-13", "end": "2025-01-20"}
    out = {}
    for case, (reefers, cranes) in {"baseline": ("thermostat", "inflexible"), "both": ("optimised", "optimised")}.items():
        cfg = load_config(CHANCAY, None, {"horizon": week, "loads": {"reefers": {"mode": reefers}},
                                          "flexibility": {"mode": cranes}})
        out[case] = optimise(build_inputs(cfg)).kpis
    for k in out.values():
        assert k["reefer_band_violations"] == 0 and k["unserved_mwh"] == 0.0
    assert out["both"]["total_cost_usd"] < out["baseline"]["total_cost_usd"]
    assert out["both"]["peak_import_kw"] <= out["baseline"]["peak_import_kw"] + 1e-6
    # the same boxes and weather: the reefer energy stays close, its timing is what moves
    assert out["both"]["reefer_energy_mwh"] == pytest.approx(out["baseline"]["reefer_energy_mwh"], rel=0.15)
