"""Sizing in the dispatch model (issue 10): micro-cases with closed-form optimal sizes."""

from __future__ import annotations

import numpy as np
import pytest
from cases import small_inputs

from energy.inputs import BatteryParams, SizedAsset, SizedBattery, Sizing
from energy.optimise.optimise import optimise_sizes

LOSSLESS = {"charge_efficiency": 1.0, "discharge_efficiency": 1.0, "soc_min": 0.0, "soc_max": 1.0,
            "soc_initial": 0.0}


def per_year(usd_per_horizon: float, hours: float) -> float:
    """A cost per unit over the horizon, as the yearly figure the model prorates. [USD/yr]"""
    return usd_per_horizon * 8760.0 / hours


@pytest.mark.parametrize(("c_kwh", "want_kwh"), [(0.05, 100.0), (0.15, 60.0), (0.25, 0.0)])
def test_two_step_battery_has_its_closed_form_size(c_kwh, want_kwh):
    """Cheap, dear, cheap, dear (spread 0.10 USD/kWh); load 100 then 60 kWh in the dear steps.

    A lossless battery's first 60 kWh are used twice (worth 2 x 0.10 each), the next 40
    once (0.10): the optimal energy is 100 kWh if c < 0.10, 60 kWh if 0.10 < c < 0.20,
    else 0 (c the cost per kWh over the horizon; power is free).
    """
    sizing = Sizing(battery=SizedBattery((0.0, 1000.0), (0.0, 1000.0), per_year(c_kwh, 4), 0.0, 0.0, 0.0))
    inp = small_inputs([0.0, 100.0, 0.0, 60.0], price=[0.05, 0.15, 0.05, 0.15],
                       battery=BatteryParams(1000.0, 1000.0, 1000.0, **LOSSLESS), sizing=sizing)
    sizes, fig = optimise_sizes(inp, mip_gap=0.0)
    assert sizes["battery_kwh"] == pytest.approx(want_kwh, abs=1e-6)
    # objective by hand: grid energy for what the battery does not shift, plus the battery
    shifted = min(want_kwh, 100.0) + min(want_kwh, 60.0)
    energy = 0.05 * shifted + 0.15 * (160.0 - shifted)
    assert fig["objective_usd"] == pytest.approx(energy + c_kwh * want_kwh, rel=1e-9)
    assert fig["bill_annualised_capex_usd"] == pytest.approx(c_kwh * want_kwh, rel=1e-9, abs=1e-9)


def test_battery_power_is_sized_too():
    # power now costs 0.02 per kW over the horizon: still worth it, and P = the 100 kW discharge
    sizing = Sizing(battery=SizedBattery((0.0, 1000.0), (0.0, 1000.0), per_year(0.05, 4), per_year(0.02, 4), 0, 0))
    inp = small_inputs([0.0, 100.0, 0.0, 60.0], price=[0.05, 0.15, 0.05, 0.15],
                       battery=BatteryParams(1000.0, 1000.0, 1000.0, **LOSSLESS), sizing=sizing)
    sizes, _ = optimise_sizes(inp, mip_gap=0.0)
    assert sizes["battery_kwh"] == pytest.approx(100.0)
    assert sizes["battery_kw"] == pytest.approx(100.0)


def pv_case(capex_per_kwp_horizon: float, upper: float = 500.0):
    profile = np.array([0.0, 0.5, 1.0, 0.5, 0.0])  # kW per kWp
    a = SizedAsset("pv.roof", "pv", profile, 0.0, upper, per_year(capex_per_kwp_horizon, 5), 0.0)
    return small_inputs([200.0] * 5, price=0.10, sizing=Sizing(assets=[a]))


def test_pv_dearer_than_the_grid_energy_it_saves_is_not_built():
    # 1 kWp gives 2 kWh over the horizon, worth 0.20 USD at 0.10 USD/kWh: at 0.21 USD it is not built
    sizes, fig = optimise_sizes(pv_case(0.21), mip_gap=0.0)
    assert sizes["pv.roof"] == pytest.approx(0.0, abs=1e-9)
    assert fig["objective_usd"] == pytest.approx(0.10 * 200.0 * 5)


def test_cheap_pv_is_built_until_the_load_is_met_at_noon():
    # at 0.19 USD per kWp it pays until PV covers the 200 kW load at the 1 kW/kWp step: 200 kWp
    # (beyond that, the noon surplus is curtailed and the extra kWp earns 2 x 0.5 kWh only)
    sizes, _ = optimise_sizes(pv_case(0.19), mip_gap=0.0)
    assert sizes["pv.roof"] == pytest.approx(200.0, rel=1e-9)
    sizes, _ = optimise_sizes(pv_case(0.09), mip_gap=0.0)
    assert sizes["pv.roof"] == pytest.approx(400.0, rel=1e-9)  # then up to 0.5 kW/kWp x 400 = 200 kW
    sizes, _ = optimise_sizes(pv_case(0.09, upper=300.0), mip_gap=0.0)
    assert sizes["pv.roof"] == pytest.approx(300.0)  # at its upper bound


def test_wind_units_are_whole():
    prof = np.array([1000.0, 1000.0, 0.0])  # one turbine: 1 MW in the first two steps
    a = SizedAsset("wind.w", "wind", prof, 0.0, 5.0, per_year(150.0, 3), 0.0, integer=True)
    inp = small_inputs([1500.0] * 3, price=0.10, sizing=Sizing(assets=[a]))
    sizes, _ = optimise_sizes(inp, mip_gap=0.0)
    # the first turbine saves 200 USD, the second 100 (only 500 kW of load left): one at 150 USD each
    assert sizes["wind.w"] == 1.0


SIZED_MODEL = """
[model]
name = "small"

[site]
latitude = -11.59333
longitude = -77.27778
altitude_m = 5.0

[horizon]
start = 2025-01-06
end = 2025-01-09

[pv.roof]
capacity_kwp = 2000.0
min_kwp = {pv_min}
max_kwp = {pv_max}

[battery]
energy_kwh = 2000.0
charge_power_kw = 1000.0
discharge_power_kw = 1000.0
energy_kwh_min = {e_min}
energy_kwh_max = {e_max}
power_kw_min = {p_min}
power_kw_max = {p_max}

[grid]
import_limit_kw = 20000.0
"""


def sized_model(tmp_path, **bounds):
    p = tmp_path / "sized.toml"
    p.write_text(SIZED_MODEL.format(**{"pv_min": 0.0, "pv_max": 8000.0, "e_min": 0.0, "e_max": 20000.0,
                                       "p_min": 0.0, "p_max": 10000.0, **bounds}))
    return p


def test_fixed_size_sizing_equals_run(tmp_path):
    from energy.runner import run
    from energy.sizing import size

    fixed = sized_model(tmp_path, pv_min=2000.0, pv_max=2000.0, e_min=2000.0, e_max=2000.0,
                        p_min=1000.0, p_max=1000.0)
    sr = size(fixed, write=False)
    rr = run(fixed, write=False)
    assert sr.sizes == pytest.approx({"pv.roof": 2000.0, "battery_kwh": 2000.0, "battery_kw": 1000.0})
    # the sizing solve's operating part is the run's bill (to the MIP gap), and its investment
    # terms are the run's annualised capex + O&M prorated to the 72 h horizon
    k = sr.kpis
    assert k["sizing_operating_cost_usd"] == pytest.approx(rr.kpis["total_cost_usd"], rel=1e-3)
    invest = (rr.kpis["annualised_capex_usd"] + rr.kpis["om_usd_per_year"]) * 72 / 8760
    assert k["sizing_objective_usd"] - rr.kpis["total_cost_usd"] == pytest.approx(invest, rel=1e-9)
    # sizes from the crane-relaxed solve, proven to the gap by the run with whole cranes
    assert k["sizing_method"] == "relaxation, proven" and 0.0 <= k["sizing_mip_gap"] <= 1e-3
    assert k["sizing_lower_bound_usd"] <= k["sizing_objective_usd"] * (1 + 1e-9)
    assert k["total_cost_usd"] == pytest.approx(rr.kpis["total_cost_usd"], rel=1e-9)
    assert k["npv_usd"] == pytest.approx(rr.kpis["npv_usd"], rel=1e-6)


def test_size_writes_a_run_folder_and_flexibility_needs_no_more_battery(tmp_path):
    import json

    from energy.sizing import size

    sr = size(sized_model(tmp_path), out=tmp_path / "r", plots=False, flexibility_value=True)
    k = sr.kpis
    summary = json.loads((tmp_path / "r" / "small" / "sized" / "base" / "summary.json").read_text())["kpis"]
    for name in ("pv_kwp", "battery_kwh", "battery_kw", "wind_units", "npv_usd", "flexibility_value_usd_per_year"):
        assert name in summary
    assert (tmp_path / "r" / "small" / "sized" / "base" / "cashflow.csv").exists()
    assert 0.0 <= k["pv_kwp"] <= 8000.0 and 0.0 <= k["battery_kwh"] <= 20000.0
    # restricting the port's work can only cost more, and the flexible port needs no more battery
    assert k["flexibility_value_usd_per_year"] >= -1e-3 * k["sizing_annual_cost_usd"]
    assert k["battery_kwh"] <= k["inflexible_battery_kwh"] + 1e-6
    if k["pv_kwp"] >= 8000.0 - 1e-6:
        assert "pv.roof" in k["sizing_notes"] and "upper bound" in k["sizing_notes"]


def test_cli_size_prints_sizes_and_report_redraws_the_cash_flow(tmp_path, capsys):
    from energy.cli import main

    model = sized_model(tmp_path)
    args = ["size", str(model), "--end", "2025-01-08", "--out", str(tmp_path / "r"), "--no-plots"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "sizes: PV" in out and "NPV" in out and "wrote" in out
    folder = tmp_path / "r" / "small" / "sized" / "base"
    assert (folder / "cashflow.csv").exists() and not (folder / "report.html").exists()
    assert main(["report", str(folder)]) == 0
    assert (folder / "cashflow.png").exists()
    assert "Investment against business as usual" in (folder / "report.html").read_text()
    assert main(args) == 1  # an existing sizing is not replaced without --overwrite
