"""The self-contained HTML pages: embedded charts, KPIs, assumptions, warnings, escaping."""

from __future__ import annotations

import base64
import io
import re

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from energy.report import html

TZ = "America/Lima"


def png(colour=(200, 120, 0)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (8, 6), colour).save(buf, format="PNG")
    return buf.getvalue()


CHARTS = [
    html.Chart("dispatch_summer.png", "Dispatch, summer week", "busiest crane week", png((1, 2, 3))),
    html.Chart("battery.png", "Battery", "state of charge", png((4, 5, 6))),
    html.Chart("monthly_cost.png", "Monthly cost split", "by month", png((7, 8, 9))),
]

KPIS = {
    "total_cost_usd": 3052417.4, "energy_cost_usd": 2100000.0, "capacity_charge_usd": 900000.0,
    "capacity_charge_generation_usd": 720000.0, "capacity_charge_distribution_usd": 180000.0,
    "battery_wear_usd": 12000.0, "unserved_cost_usd": 0.0, "carbon_cost_usd": 20417.4,
    "emissions_tco2": 5432.1, "grid_import_mwh": 29204.56, "grid_export_mwh": 0.0,
    "peak_import_kw": 9876.0, "max_import_kw": 12345.0, "load_mwh": 36000.0,
    "renewable_share": 0.3123, "self_consumption": 0.998, "pv_curtailment_mwh": 321.5,
    "wind_curtailment_mwh": 0.0, "battery_cycles": 287.4, "crane_energy_mwh": 2345.6,
    "crane_moves": 293200.0, "unserved_mwh": 0.0, "status": "optimal", "mip_gap": 0.0004,
    "build_s": 2.5, "solve_s": 8.25, "extract_s": 0.31, "n_variables": 70000,
    "brand_new_kpi": 42.0,
}

ASSUMPTIONS = {
    "model_file": "models/chancay.toml",
    "site": {"name": "Chancay", "latitude": -11.59333, "longitude": -77.27778, "altitude_m": 5.0,
             "timezone": TZ},
    "horizon": {"start": "2025-01-01", "end": "2026-01-01", "resolution": "1h"},
    "pv": {"warehouse_roofs": {"capacity_kwp": 6000.0, "tilt_deg": 10.0, "azimuth_deg": 0.0},
           "reefer_canopy": {"capacity_kwp": 2000.0, "tilt_deg": 5.0, "azimuth_deg": 0.0}},
    "wind": {"breakwater": {"turbine_type": "E-82/2300", "count": 0, "hub_height_m": 78.0}},
    "battery": {"energy_kwh": 8000.0, "charge_power_kw": 4000.0, "soc_min": 0.1},
    "grid": {"import_limit_kw": 30000.0, "export_limit_kw": 0.0},
    "tariff": {"peak_energy_usd_per_kwh": 0.074, "offpeak_energy_usd_per_kwh": 0.063,
               "peak_start_hour": 18, "peak_end_hour": 23,
               "generation_capacity_usd_per_kw_month": 16.4,
               "distribution_capacity_usd_per_kw_month": 4.0, "export_price_usd_per_kwh": 0.0},
    "emissions": {"grid_emission_kg_per_kwh": 0.186, "carbon_price_usd_per_t": 0.0},
    "sources": {"solar": "pvlib clear-sky scaled to Lima IWEC means",
                "tariff": "Osinergmin MT benchmark <regulated>"},
    "notes": ["reefer load is an estimate", "<script>alert('x')</script>"],
    "vessel_calls": 412, "quay_moves": 293200.0, "crane_jobs": 777, "truck_windows": 730,
}


def page(**over) -> str:
    args = {"model_name": "chancay", "scenario": "base", "kpis": KPIS, "assumptions": ASSUMPTIONS,
            "charts": CHARTS}
    args.update(over)
    return html.run_report_html(**args)


def assert_self_contained(text: str) -> None:
    low = text.lower()
    assert "http://" not in low and "https://" not in low
    assert "<script" not in low and "<link" not in low and "@import" not in low
    assert "url(" not in low  # no CSS resources
    for src in re.findall(r'src\s*=\s*"([^"]*)"', text, flags=re.I):
        assert src.startswith("data:image/png;base64,"), src[:40]
    assert re.search(r"src\s*=\s*'", text) is None  # no single-quoted sources either


def test_run_report_embeds_every_chart_as_data_uri():
    text = page()
    assert_self_contained(text)
    uris = re.findall(r'src="data:image/png;base64,([^"]+)"', text)
    assert [base64.b64decode(u) for u in uris] == [c.png for c in CHARTS]
    for c in CHARTS:
        assert f'alt="{c.title}"' in text and c.name in text


def test_run_report_shows_kpis_and_solver_outcome():
    text = page()
    for shown in ("3,052,417", "2,100,000", "720,000", "180,000", "12,000", "20,417",  # cost split
                  "5,432.1", "29,204.6", "9,876", "12,345", "31.2 %", "321.5", "287.4",
                  "2,345.6", "293,200",  # energy, peaks, curtailment, cycles, cranes
                  "optimal", "0.04 %", "8.25", "70,000"):  # solver
        assert shown in text, shown
    assert "brand new kpi" in text and "42" in text  # an unknown KPI is still shown
    assert 'class="box bad"' not in text  # optimal: no warning


@pytest.mark.parametrize("status", ["time_limit", "infeasible", "error"])
def test_non_optimal_status_is_a_warning_box(status):
    text = page(kpis={**KPIS, "status": status, "mip_gap": 0.0123})
    box = re.search(r'<div class="box bad" role="alert">(.*?)</div>', text, flags=re.S)
    assert box is not None
    assert f"Not optimal: {status}" in box.group(1) and "1.23 %" in box.group(1)
    # the box comes before the figures
    assert text.index('class="box bad"') < text.index("<h2>Key figures</h2>")


def test_missing_kpis_show_what_is_there():
    text = page(kpis={"total_cost_usd": 10.0, "emissions_tco2": float("nan")})
    assert "Total cost" in text and "Renewable share" not in text
    assert "Solver status unknown" in text
    assert_self_contained(text)


def test_unserved_load_and_problems_are_noted():
    text = page(kpis={**KPIS, "unserved_mwh": 1.5}, problems=["figure x.png could not be drawn"])
    assert "Unserved load: 1.5 MWh" in text and "figure x.png could not be drawn" in text


def test_assumptions_are_listed_and_escaped():
    text = page()
    for shown in ("warehouse_roofs", "6000", "E-82/2300", "0.074", "16.4",
                  "0.186", "Osinergmin MT benchmark &lt;regulated&gt;", "reefer load is an estimate",
                  "models/chancay.toml", "412", "-11.5933", "America/Lima"):
        assert shown in text, shown
    assert "capacity [kWp]" in text and "peak energy [USD/kWh]" in text
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in text
    assert "<script>" not in text


def test_monthly_table():
    idx = pd.period_range("2025-01", periods=2, freq="M")
    me = pd.DataFrame({"load_mwh": [100.0, 90.0], "pv_mwh": [30.0, 20.0], "wind_mwh": [0.0, 0.0],
                       "grid_import_mwh": [70.0, 70.0], "grid_export_mwh": [0.0, 0.0],
                       "hours": [744.0, 24.0], "month_fraction": [1.0, 1 / 28]}, index=idx)
    mc = pd.DataFrame({"energy_cost_usd": [5000.0, 4000.0], "capacity_charge_generation_usd": [100.0, 10.0],
                       "capacity_charge_distribution_usd": [0.0, 0.0], "battery_wear_usd": [0.0, 0.0],
                       "carbon_cost_usd": [0.0, 0.0], "unserved_cost_usd": [0.0, 0.0],
                       "total_cost_usd": [5100.0, 4010.0], "peak_import_kw": [800.0, 900.0]}, index=idx)
    text = page(monthly_energy=me, monthly_costs=mc)
    assert "Jan 2025" in text and "Feb 2025 (1 d)" in text
    assert "9,110" in text  # total cost over both months
    assert "wind [MWh]" not in text  # an all-zero column is left out


def test_comparison_page():
    df = pd.DataFrame([
        {"scenario": "base", "description": "base", "status": "optimal", "error": "",
         "total_cost_usd": 1000.0, "total_cost_usd_delta": 0.0, "total_cost_usd_delta_pct": 0.0,
         "emissions_tco2": 10.0},
        {"scenario": "cheap", "description": "PV <more>", "status": "time_limit", "error": "",
         "total_cost_usd": 900.0, "total_cost_usd_delta": -100.0, "total_cost_usd_delta_pct": -10.0,
         "emissions_tco2": 8.0, "mip_gap": 0.02},
        {"scenario": "bad", "description": "", "status": "failed", "error": "x.toml: <bad> value",
         "total_cost_usd": np.nan, "total_cost_usd_delta": np.nan, "total_cost_usd_delta_pct": np.nan,
         "emissions_tco2": np.nan},
    ])
    chart = html.Chart("comparison.png", "Cost against emissions", "one point per scenario", png())
    text = html.comparison_html(model_name="chancay", comparison=df, chart=chart)
    assert_self_contained(text)
    assert text.count('src="data:image/png;base64,') == 1
    assert "1 scenario(s) failed" in text and "x.toml: &lt;bad&gt; value" in text
    assert "PV &lt;more&gt;" in text
    assert '<td class="n better">-100</td>' in text and "-10.0 %" in text
    assert "Not proven optimal" in text and "cheap" in text
    assert '<tr class="failed">' in text
    assert 'href="cheap/report.html"' in text and 'href="bad/report.html"' not in text
