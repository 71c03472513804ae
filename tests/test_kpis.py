"""THE bill (energy.kpis): the objective and the reported bill agree term by term.

The objective of the dispatch model is the sum of named bill terms (``m.bill[term]``)
whose coefficients come from the same :class:`~energy.kpis.BillRates` that
:func:`~energy.kpis.monthly_bill` prices a dispatch table with. Two checks: a dispatch
set by hand into the model's variables, and a solved micro-case read back out.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyomo.environ as pyo
import pytest

from energy.inputs import BatteryParams, GridParams, TariffParams
from energy.kpis import BILL_TERMS, BillRates, bill_rates, monthly_bill, run_kpis
from energy.optimise.dispatch import build_model
from energy.optimise.extract import extract
from energy.optimise.solve import solve
from tests.cases import small_inputs

# 8 half-hour steps across a month boundary: 31 Jan 21:00 .. 1 Feb 01:00 (peak 18-23 h)
START = "2025-01-31 21:00"


def micro_inputs(**kw):
    load = [300.0, 320.0, 1000.0, 340.0, 200.0, 180.0, 1000.0, 210.0]
    pv = [0.0, 0.0, 0.0, 0.0, 400.0, 0.0, 0.0, 0.0]
    price = [0.12, 0.12, 0.12, 0.12, 0.05, 0.05, 0.05, 0.05]
    return small_inputs(
        load, start=START, freq="30min", pv=pv, price=price, export_price=0.03, ef=[0.2, 0.2, 0.25, 0.25,
                                                                                  0.3, 0.3, 0.3, 0.3],
        battery=BatteryParams(200.0, 100.0, 100.0, soc_min=0.1, soc_max=0.9, soc_initial=0.5,
                              wear_cost_usd_per_kwh=0.015),
        grid=GridParams(import_limit_kw=800.0, export_limit_kw=150.0),
        tariff=TariffParams(16.4, 4.0), carbon_price_usd_per_kg=0.04, value_of_lost_load_usd_per_kwh=7.0,
        **kw,
    )


def hand_dispatch(inputs) -> pd.DataFrame:
    """A dispatch table set by hand (not an optimum; the bill does not care)."""
    s = inputs.series
    d = pd.DataFrame(index=s.index)
    d["dt_h"] = inputs.dt_h
    d["grid_import_kw"] = [250.0, 320.0, 800.0, 300.0, 0.0, 180.0, 790.0, 150.0]
    d["grid_export_kw"] = [0.0, 0.0, 0.0, 0.0, 120.0, 0.0, 0.0, 0.0]
    d["battery_discharge_kw"] = [50.0, 0.0, 0.0, 40.0, 0.0, 0.0, 10.0, 60.0]
    d["unserved_kw"] = [0.0, 0.0, 100.0, 0.0, 0.0, 0.0, 100.0, 0.0]
    for c in ("import_price_usd_per_kwh", "export_price_usd_per_kwh", "grid_emission_kg_per_kwh", "is_peak"):
        d[c] = s[c].to_numpy()
    return d


def test_bill_of_a_hand_dispatch_equals_the_objective_terms():
    inputs = micro_inputs()
    m = build_model(inputs)
    d = hand_dispatch(inputs)
    for t in range(len(d)):
        m.grid_import[t].set_value(d["grid_import_kw"].iloc[t])
        m.grid_export[t].set_value(d["grid_export_kw"].iloc[t])
        m.battery_discharge[t].set_value(d["battery_discharge_kw"].iloc[t])
        m.unserved[t].set_value(d["unserved_kw"].iloc[t])
    # monthly maxima: Jan (steps 0-5: 21:00-23:30) and Feb (steps 6-7)
    peak_jan = max(d["grid_import_kw"].iloc[:4])  # 21:00-22:30 are peak, 23:00+ is not
    for mo, (peak, overall) in enumerate([(peak_jan, 800.0), (0.0, 790.0)]):
        if mo in m.grid_peak_import:
            m.grid_peak_import[mo].set_value(peak)
        m.grid_max_import[mo].set_value(overall)
    bill = monthly_bill(d, bill_rates(inputs))
    for term in BILL_TERMS:
        assert bill[term].sum() == pytest.approx(pyo.value(m.bill[term]), rel=1e-12, abs=1e-9), term
    assert bill["total_cost_usd"].sum() == pytest.approx(pyo.value(m.total_cost), rel=1e-12)


def test_bill_terms_by_hand_across_a_month_boundary():
    """Each term computed independently: 0.5 h steps, January has 3 h of 744, February 1 h of 672."""
    inputs = micro_inputs()
    d = hand_dispatch(inputs)
    bill = monthly_bill(d, bill_rates(inputs))
    jan, feb = pd.Period("2025-01", "M"), pd.Period("2025-02", "M")
    imp = d["grid_import_kw"].to_numpy()
    pi = np.array([0.12] * 4 + [0.05] * 4)
    ef = np.array([0.2, 0.2, 0.25, 0.25, 0.3, 0.3, 0.3, 0.3])
    j, f = slice(0, 6), slice(6, 8)
    assert bill.loc[jan, "energy_cost_usd"] == pytest.approx(0.5 * (pi[j] @ imp[j]) - 0.5 * 0.03 * 120)
    assert bill.loc[feb, "energy_cost_usd"] == pytest.approx(0.5 * (pi[f] @ imp[f]))
    # peak hours 18-23: steps at 21:00, 21:30, 22:00, 22:30 (23:00 and 23:30 are off-peak)
    assert bill.loc[jan, "capacity_charge_generation_usd"] == pytest.approx(16.4 * 800 * 3 / 744)
    assert bill.loc[feb, "capacity_charge_generation_usd"] == 0.0
    assert bill.loc[jan, "capacity_charge_distribution_usd"] == pytest.approx(4.0 * 800 * 3 / 744)
    assert bill.loc[feb, "capacity_charge_distribution_usd"] == pytest.approx(4.0 * 790 * 1 / 672)
    assert bill.loc[jan, "battery_wear_usd"] == pytest.approx(0.015 * 0.5 * 90)
    assert bill.loc[feb, "battery_wear_usd"] == pytest.approx(0.015 * 0.5 * 70)
    assert bill.loc[jan, "carbon_cost_usd"] == pytest.approx(0.04 * 0.5 * (ef[j] @ imp[j]))
    assert bill.loc[jan, "unserved_cost_usd"] == pytest.approx(7.0 * 50)
    assert bill.loc[feb, "unserved_cost_usd"] == pytest.approx(7.0 * 50)
    np.testing.assert_allclose(bill["total_cost_usd"], bill[list(BILL_TERMS)].sum(axis=1), rtol=1e-15)


def test_solved_micro_case_reports_the_objective_term_by_term():
    inputs = micro_inputs()
    m = build_model(inputs)
    out = solve(m, mip_gap=0.0)
    assert out.status == "optimal"
    res = extract(m, out)
    bill = monthly_bill(res.dispatch, bill_rates(inputs))
    for term in BILL_TERMS:
        assert bill[term].sum() == pytest.approx(pyo.value(m.bill[term]), rel=1e-9, abs=1e-7), term
        assert res.kpis[term] == pytest.approx(bill[term].sum(), rel=1e-12, abs=1e-12)
    assert res.kpis["total_cost_usd"] == pytest.approx(out.objective_usd, rel=1e-9)
    # the case exercises every term: unserved at the import limit, export at noon, wear, carbon
    assert all(res.kpis[t] > 0 for t in BILL_TERMS)


def test_rates_round_trip_and_refuse_bad_values():
    rates = bill_rates(micro_inputs())
    assert BillRates.from_dict(rates.to_dict()) == rates
    with pytest.raises(Exception, match="carbon_price_usd_per_kg"):
        BillRates.from_dict({**rates.to_dict(), "carbon_price_usd_per_kg": "x"})
    with pytest.raises(Exception, match="finite"):
        BillRates.from_dict({**rates.to_dict(), "value_of_lost_load_usd_per_kwh": float("inf")})


def test_kpis_are_sums_of_the_monthly_bill():
    inputs = micro_inputs()
    d = hand_dispatch(inputs)
    bill = monthly_bill(d, bill_rates(inputs))
    k = run_kpis(d, bill_rates(inputs), battery_usable_kwh=160.0)
    assert k["total_cost_usd"] == pytest.approx(bill["total_cost_usd"].sum(), rel=1e-14)
    assert k["capacity_charge_usd"] == pytest.approx(
        bill["capacity_charge_generation_usd"].sum() + bill["capacity_charge_distribution_usd"].sum())
    assert k["emissions_tco2"] == pytest.approx(bill["emissions_kg"].sum() / 1000.0)
    assert k["battery_cycles"] == pytest.approx(0.5 * 160 / 160.0)
