"""What a run folder holds for an analyst (issue 13): per-step bill that reconciles with the
totals, column dictionary, provenance, every assumption, by-month table, per-call table."""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pandas as pd
import pytest

from energy.config import load_config
from energy.kpis import BILL_TERMS, monthly_bill, step_bill
from energy.report.periods import rates_of
from energy.runner import run
from tests.conftest import SMALL_MODEL

CALLS = """vessel,arrival,departure,moves,max_cranes
MSC Chiyo,2025-01-06 06:00,2025-01-07 12:00,1800,4
007,2025-01-07 20:00,2025-01-08 20:00,600,2
"""


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """One run of a 3-day model spanning a month end, with two named vessel calls."""
    tmp = tmp_path_factory.mktemp("out")
    (tmp / "calls.csv").write_text(CALLS)
    text = (SMALL_MODEL.replace("start = 2025-01-06", "start = 2025-01-30")
            .replace("end = 2025-01-13", "end = 2025-02-02")
            .replace("2025-01-06", "2025-01-30"))
    calls = CALLS.replace("2025-01-06", "2025-01-30").replace("2025-01-07", "2025-01-31") \
                 .replace("2025-01-08", "2025-02-01")
    (tmp / "calls.csv").write_text(calls)
    model = tmp / "small.toml"
    model.write_text(text + '\n[vessels.calls_file]\nfile = "calls.csv"\n')
    rr = run(model, out=tmp / "r", plots=False)
    return rr, tmp / "r" / "small" / "base", model


def test_step_bill_reconciles_with_the_totals_and_the_month(folder):
    rr, _, _ = folder
    d, k = rr.dispatch, rr.kpis
    assert d["cost_usd"].sum() == pytest.approx(k["total_cost_usd"], rel=1e-9)
    assert d["cost_usd"].sum() == pytest.approx(k["objective_usd"], rel=1e-6)
    assert d["emissions_kg"].sum() / 1000 == pytest.approx(k["emissions_tco2"], rel=1e-9)
    # energy cost computed here from the flows and prices
    mine = d["dt_h"] * (d["import_price_usd_per_kwh"] * d["grid_import_kw"]
                        - d["export_price_usd_per_kwh"] * d["grid_export_kw"])
    np.testing.assert_allclose(d["energy_cost_usd"], mine, rtol=1e-12)
    # per month: the steps add up to the month's bill (Jan and Feb both present)
    bill = monthly_bill(d, rates_of(rr.assumptions))
    assert len(bill) == 2
    month = d.index.tz_localize(None).to_period("M")
    for m, row in bill.iterrows():
        sel = month == m
        assert d.loc[sel, "cost_usd"].sum() == pytest.approx(row["total_cost_usd"], rel=1e-9)
        cap = row["capacity_charge_generation_usd"] + row["capacity_charge_distribution_usd"]
        assert d.loc[sel, "capacity_charge_usd"].sum() == pytest.approx(cap, rel=1e-9)
        # the capacity charges sit on steps that set a monthly maximum, nowhere else
        booked = d.loc[sel & (d["capacity_charge_usd"] > 0), "grid_import_kw"]
        assert set(booked.round(6)) <= {round(row["peak_import_kw"], 6), round(row["max_import_kw"], 6)}


def test_step_bill_terms_match_monthly_bill_terms(folder):
    rr, _, _ = folder
    steps = step_bill(rr.dispatch, rates_of(rr.assumptions))
    bill = monthly_bill(rr.dispatch, rates_of(rr.assumptions))
    for term in ("battery_wear_usd", "carbon_cost_usd", "unserved_cost_usd", "energy_cost_usd"):
        assert steps[term].sum() == pytest.approx(bill[term].sum(), abs=1e-9)
    assert steps["cost_usd"].sum() == pytest.approx(bill[list(BILL_TERMS)].to_numpy().sum(), rel=1e-12)


def test_dispatch_csv_has_site_load_pv_arrays_and_a_column_dictionary(folder):
    _, f, _ = folder
    d = pd.read_csv(f / "dispatch.csv")
    cols = pd.read_csv(f / "dispatch_columns.csv")
    assert list(cols["column"]) == list(d.columns)
    assert "(not described)" not in set(cols["meaning"]) and cols["unit"].str.len().min() > 0
    meaning = cols.set_index("column")["meaning"]
    assert "END of the interval" in meaning["battery_soc_kwh"] and "start of the interval" in meaning["timestamp"]
    # written with 6 significant digits
    np.testing.assert_allclose(d["site_load_kw"], d["fixed_load_kw"] + d["crane_load_kw"] + d["truck_load_kw"],
                               rtol=5e-6)
    assert d["cost_usd"].sum() == pytest.approx(json.loads((f / "summary.json").read_text())["kpis"]
                                                ["total_cost_usd"], rel=1e-5)
    np.testing.assert_allclose(d["pv_roof_used_kw"], d["pv_kw"], atol=1e-6)
    np.testing.assert_allclose(d["pv_roof_available_kw"], d["pv_available_kw"], atol=1e-6)
    # moves are written to a hundredth of a move (no 23.9999997)
    moves = d["crane_moves_sts"].to_numpy()
    np.testing.assert_allclose(moves, np.round(moves, 2), atol=0)


def test_summary_has_provenance_and_intensities(folder):
    rr, f, model = folder
    s = pd.read_csv(f / "summary.csv").iloc[0]
    from energy import __version__

    assert s["scenario"] == "base" and s["package_version"] == __version__
    assert s["model_file_sha256"] == hashlib.sha256(model.read_bytes()).hexdigest()
    assert pd.Timestamp(s["run_date"]).tzinfo is not None
    k = json.loads((f / "summary.json").read_text())["kpis"]
    assert k["cost_usd_per_mwh"] == pytest.approx(k["total_cost_usd"] / k["load_mwh"])
    assert k["quay_moves"] == pytest.approx(2400, rel=1e-6)
    assert k["kwh_per_teu"] == pytest.approx(k["load_mwh"] * 1000 / (2400 * 1.6), rel=1e-6)
    assert k["usd_per_move"] == pytest.approx(k["total_cost_usd"] / 2400, rel=1e-6)


def test_assumptions_hold_every_table(folder):
    rr, f, model = folder
    a = json.loads((f / "assumptions.json").read_text())
    cfg = load_config(model)
    for table in ("loads", "cranes", "vessels", "yard", "trucks", "weather", "solver"):
        assert a[table] == json.loads(getattr(cfg, table).model_dump_json()), table
    assert a["cranes"]["sts"]["energy_kwh_per_move"] == 8.0
    assert a["trucks"]["windows"] and a["loads"]["reefers"]["plugs"] == cfg.loads.reefers.plugs


def test_monthly_table_adds_up(folder):
    rr, f, _ = folder
    m = pd.read_csv(f / "monthly.csv")
    assert list(m["month"]) == ["2025-01", "2025-02"]
    assert m["total_cost_usd"].sum() == pytest.approx(rr.kpis["total_cost_usd"], rel=1e-9)
    assert m["emissions_tco2"].sum() == pytest.approx(rr.kpis["emissions_tco2"], rel=1e-9)
    assert m["quay_moves"].sum() == pytest.approx(2400, rel=1e-6)
    pd.testing.assert_series_equal(rr.monthly()["total_cost_usd"].reset_index(drop=True),
                                   m["total_cost_usd"], check_names=False)


def test_calls_table_per_vessel_as_named(folder):
    rr, f, _ = folder
    c = pd.read_csv(f / "calls.csv", dtype={"vessel": str})
    assert list(c["vessel"]) == ["MSC Chiyo", "007"]  # names as given, no prefix, no number parsing
    assert c["moves"].tolist() == pytest.approx([1800, 600])
    assert c["energy_mwh"].tolist() == pytest.approx([1800 * 8 / 1000, 600 * 8 / 1000], rel=1e-6)
    j = rr.results.jobs[rr.results.jobs["kind"] == "vessel"]
    d = rr.dispatch
    for name, row in c.set_index("vessel").iterrows():
        mine = j[j["job"] == name]
        price = d.loc[pd.DatetimeIndex(mine["timestamp"]), "import_price_usd_per_kwh"].to_numpy()
        assert row["energy_cost_usd_at_import_price"] == pytest.approx(float(mine["energy_kwh"] @ price))
        peak = d.loc[pd.DatetimeIndex(mine["timestamp"]), "is_peak"].to_numpy()
        assert row["peak_hour_energy_share"] == pytest.approx(mine["energy_kwh"][peak].sum() / mine["energy_kwh"].sum())
        dt = d.loc[pd.DatetimeIndex(mine["timestamp"]), "dt_h"].to_numpy()
        assert row["crane_hours"] == pytest.approx(float(mine["cranes"] @ dt))
        assert pd.Timestamp(row["arrival"]) <= pd.Timestamp(row["first_work_step"]) <= pd.Timestamp(row["last_work_step"])
        assert pd.Timestamp(row["last_work_step"]) < pd.Timestamp(row["departure"])


def test_energy_balance_sides_agree(folder):
    rr, _, _ = folder
    b = rr.energy_balance()
    side = b.groupby("side")["mwh"].sum()
    assert side["source"] == pytest.approx(side["use"], rel=1e-6)
    d = rr.dispatch
    assert b.set_index("flow").loc["grid import", "mwh"] == pytest.approx((d["grid_import_kw"] * d["dt_h"]).sum() / 1000)
    losses = b.set_index("flow").loc["losses", "mwh"]
    assert 0 < losses < 0.2 * b.set_index("flow").loc["battery charge", "mwh"]


def test_repr_is_short(folder):
    rr, _, _ = folder
    text = repr(rr)
    assert len(text) < 200 and "small/base" in text and "USD" in text and "\n" not in text
