"""Investment economics (issue 10): each figure recomputed here from its textbook formula."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from energy.economics import (
    AssetCost,
    FinanceTerms,
    annualised_capex,
    capital_recovery_factor,
    cashflow_table,
    discounted_payback,
    irr,
    npv,
    payback,
    summarise,
)


def annuity_present_value(rate, years):
    """Present value of 1 USD paid at the end of each of ``years`` years (written out)."""
    return sum(1.0 / (1.0 + rate) ** y for y in range(1, years + 1))


@pytest.mark.parametrize(("rate", "years"), [(0.08, 25), (0.05, 15), (0.12, 1), (0.0, 10)])
def test_crf_is_the_inverse_of_the_annuity_factor(rate, years):
    assert capital_recovery_factor(rate, years) == pytest.approx(1.0 / annuity_present_value(rate, years), rel=1e-12)


def test_crf_hand_value_and_annualised_capex():
    # 8%, 25 years: 0.08 * 1.08^25 / (1.08^25 - 1) = 0.093679 (tables of annuities)
    assert capital_recovery_factor(0.08, 25) == pytest.approx(0.0936788, rel=1e-6)
    assets = [AssetCost("a", "pv", 1000.0, 0.0, 25), AssetCost("b", "battery", 500.0, 0.0, 15)]
    want = 1000.0 / annuity_present_value(0.08, 25) + 500.0 / annuity_present_value(0.08, 15)
    assert annualised_capex(assets, 0.08) == pytest.approx(want, rel=1e-12)


def test_npv_irr_payback_of_a_hand_case():
    flows = [-1000.0, 500.0, 500.0, 500.0]
    explicit = -1000.0 + 500.0 / 1.1 + 500.0 / 1.1**2 + 500.0 / 1.1**3
    assert npv(0.1, flows) == pytest.approx(explicit, rel=1e-12)
    # IRR: x = 1/(1+r) solves 500x^3 + 500x^2 + 500x - 1000 = 0; its real positive root
    roots = np.roots([500.0, 500.0, 500.0, -1000.0])
    x = float(next(r.real for r in roots if abs(r.imag) < 1e-12 and r.real > 0))
    assert irr(flows) == pytest.approx(1.0 / x - 1.0, abs=1e-9)
    assert irr(flows) == pytest.approx(0.233752, abs=1e-6)
    # simple payback: 1000 / 500 = 2 years exactly
    assert payback(flows) == pytest.approx(2.0)
    # discounted: cumulative -1000 + 454.55 + 413.22 = -132.23 after 2 years, + 375.66 in year 3
    d = [f / 1.1**y for y, f in enumerate(flows)]
    assert discounted_payback(0.1, flows) == pytest.approx(2 + (-(d[0] + d[1] + d[2])) / d[3], rel=1e-12)


def test_irr_and_payback_without_a_sign_change_are_none():
    assert irr([-100.0, -5.0, -5.0]) is None
    assert irr([100.0, 5.0]) is None
    assert payback([-100.0, 10.0, 10.0]) is None
    assert irr([-100.0, 110.0]) == pytest.approx(0.10, abs=1e-10)


def test_cashflow_replacement_salvage_and_npv_identity():
    terms = FinanceTerms(analysis_period_years=25, discount_rate=0.08, grid_price_escalation=0.02)
    battery = AssetCost("battery", "battery", 1000.0, 25.0, 10, replacement_cost_fraction=0.5)
    t = cashflow_table([battery], bill_usd_per_year=800.0, bau_bill_usd_per_year=1000.0, terms=terms)
    assert len(t) == 26
    # bought in year 0 (1000), replaced in years 10 and 20 (500 each), the last with 5 of its 10
    # years left at the end of year 25: salvage 500 * 5/10
    assert t.loc[10, "replacement_usd"] == 500.0 and t.loc[20, "replacement_usd"] == 500.0
    assert t["replacement_usd"].sum() == 1000.0
    assert t.loc[25, "salvage_usd"] == pytest.approx(250.0)
    # savings escalate: year y saves 200 * 1.02^(y-1)
    assert t.loc[5, "savings_usd"] == pytest.approx(200.0 * 1.02**4)
    net = [-1000.0] + [200.0 * 1.02 ** (y - 1) - 25.0 - (500.0 if y in (10, 20) else 0.0)
                       + (250.0 if y == 25 else 0.0) for y in range(1, 26)]
    assert t["net_cash_flow_usd"].to_numpy() == pytest.approx(net)
    k = summarise(t, [battery], terms, renewable_kwh_per_year=0.0, emissions_t_per_year=1.0,
                  bau_emissions_t_per_year=2.0)
    explicit_npv = sum(f / 1.08**y for y, f in enumerate(net))
    assert k["npv_usd"] == pytest.approx(explicit_npv, rel=1e-12)
    assert k["npv_usd"] == pytest.approx(k["bau_lcc_usd"] - k["lcc_usd"], rel=1e-12)
    assert k["lcoe_usd_per_kwh"] is None  # no PV or wind
    # cost per t avoided: (annualised capex + O&M + bill - BAU bill) / 1 t
    ann = 1000.0 / annuity_present_value(0.08, 10)
    assert k["usd_per_tco2_avoided"] == pytest.approx(ann + 25.0 - 200.0)


def test_tax_uses_straight_line_depreciation():
    terms = FinanceTerms(analysis_period_years=10, discount_rate=0.05, tax_rate=0.295, salvage="none")
    pv = AssetCost("pv", "pv", 1000.0, 10.0, 20)
    t = cashflow_table([pv], 0.0, 300.0, terms)
    # depreciation 1000/20 = 50 per year; tax = 29.5% x (300 - 10 - 50)
    assert t.loc[1:, "depreciation_usd"].to_numpy() == pytest.approx(50.0)
    assert t.loc[1:, "tax_usd"].to_numpy() == pytest.approx(0.295 * 240.0)
    assert t["salvage_usd"].sum() == 0.0


def test_lcoe_of_pv():
    terms = FinanceTerms(analysis_period_years=25, discount_rate=0.08)
    pv = AssetCost("pv", "pv", 758_000.0, 18_000.0, 30)
    t = cashflow_table([pv], 0.0, 100_000.0, terms)
    k = summarise(t, [pv], terms, renewable_kwh_per_year=1_214_000.0, emissions_t_per_year=0.0,
                  bau_emissions_t_per_year=0.0)
    assert k["lcoe_usd_per_kwh"] == pytest.approx(
        (758_000.0 / annuity_present_value(0.08, 30) + 18_000.0) / 1_214_000.0)
    assert k["usd_per_tco2_avoided"] is None


def test_run_writes_cashflow_and_economic_kpis(small_model, tmp_path):
    import pandas as pd

    from energy.runner import run

    rr = run(small_model, out=tmp_path, start="2025-01-06", end="2025-01-08", plots=False)
    k = rr.kpis
    cash = pd.read_csv(rr.folder / "cashflow.csv")
    summary = json.loads((rr.folder / "summary.json").read_text())["kpis"]
    for name in ("capex_usd", "annualised_capex_usd", "npv_usd", "lcc_usd", "irr", "simple_payback_years",
                 "discounted_payback_years", "lcoe_usd_per_kwh", "bau_total_cost_usd",
                 "pv_kwp", "battery_kwh", "battery_kw", "wind_units"):
        assert name in summary
    # 2000 kWp x 758 + 2000 kWh x 253 + 1000 kW x 968 (the schema's sourced defaults)
    assert k["capex_usd"] == pytest.approx(2000 * 758 + 2000 * 253 + 1000 * 968)
    assert k["npv_usd"] == pytest.approx(cash["discounted_net_usd"].sum(), rel=1e-9)
    # the BAU (grid only) costs more to run than PV + battery, over the same horizon
    assert k["bau_total_cost_usd"] > k["total_cost_usd"]
    assert cash.loc[1, "savings_usd"] == pytest.approx(
        (k["bau_total_cost_usd"] - k["total_cost_usd"]) * 8760 / 48, rel=1e-9)


def test_grid_only_has_no_investment(small_model):
    from energy.runner import run

    text = small_model.read_text().replace("capacity_kwp = 2000.0", "capacity_kwp = 0.0")
    text = text.replace("energy_kwh = 2000.0\ncharge_power_kw = 1000.0\ndischarge_power_kw = 1000.0",
                        "energy_kwh = 0.0")
    small_model.write_text(text)
    k = run(small_model, start="2025-01-06", end="2025-01-07", write=False).kpis
    assert k["capex_usd"] == 0.0 and k["npv_usd"] == 0.0
    assert k["bau_total_cost_usd"] == k["total_cost_usd"]
    assert k["irr"] is None and not math.isnan(k["lcc_usd"])
