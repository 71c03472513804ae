"""Reefer and shore-power key figures, computed by hand on six half-hour steps.

The steps run 28 Feb 2025 22:00 .. 1 Mar 00:30 (Lima), so February holds 2 h of its 672 h
and March 1 h of its 744 h. ``is_peak`` is taken as given: February's 22:00 and 22:30 and
March's 00:00 are marked peak, so both months have a peak-hour maximum. Every figure is
written out term by term, not recomputed with the code's own vector rules.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from energy.kpis import BillRates, reefer_band_violations, reefer_kpis, shore_power_kpis
from energy.reefers import BAND_TOLERANCE_C

TZ = "America/Lima"
RATES = BillRates(generation_capacity_usd_per_kw_month=16.0, distribution_capacity_usd_per_kw_month=4.0,
                  battery_wear_usd_per_kwh=0.02, carbon_price_usd_per_kg=0.05,
                  value_of_lost_load_usd_per_kwh=7.0)
AUX_KG_PER_KWH = 0.7  # ship auxiliary engines' factor for the test [kgCO2/kWh]
F_FEB, F_MAR = 2 / 672, 1 / 744  # the months' shares inside the horizon

FROZEN = {"band_low_c": -25.0, "band_high_c": -18.0}
CHILLED = {"band_low_c": 2.0, "band_high_c": 6.0}
CLASSES = {"ambient": {"band_low_c": 10.0, "band_high_c": 30.0},  # no columns: skipped, not an end
           "frozen": FROZEN, "chilled": CHILLED}


def dispatch() -> pd.DataFrame:
    index = pd.date_range(pd.Timestamp("2025-02-28 22:00", tz=TZ), periods=6, freq="30min")
    lo_f, hi_f = FROZEN["band_low_c"], FROZEN["band_high_c"]
    lo_c, hi_c = CHILLED["band_low_c"], CHILLED["band_high_c"]
    tol = BAND_TOLERANCE_C
    return pd.DataFrame({
        "dt_h": 0.5,
        # Feb: highest import 400 kW at 23:00 (off-peak), highest peak import 350 kW at 22:30;
        # Mar: highest import 120 kW at 00:30, highest peak import 50 kW at 00:00
        "grid_import_kw": [300.0, 350.0, 400.0, 100.0, 50.0, 120.0],
        "is_peak": [True, True, False, False, True, False],
        "shore_power_kw": [100.0, 90.0, 60.0, np.nan, 30.0, 20.0],  # NaN counts as none
        "grid_emission_kg_per_kwh": [0.2, 0.2, 0.3, 0.3, 0.4, 0.4],
        "reefer_frozen_kw": [10.0, 12.0, 0.0, 8.0, 10.0, 0.0],
        "reefer_chilled_kw": [4.0, 4.0, 6.0, 6.0, 0.0, 2.0],
        "reefer_flex_load_kw": [8.0, 10.0, 0.0, 6.0, 0.0, 0.0],
        # frozen: on both edges, inside and exactly at the tolerance (in band), beyond it (out)
        "reefer_frozen_temp_c": [lo_f, hi_f, hi_f + tol, lo_f - tol, hi_f + 3 * tol, -26.0],
        # chilled: in band except 6.5 and 1.0; 2 + tol/2 and 6 - tol/2 are inside
        "reefer_chilled_temp_c": [lo_c + tol / 2, hi_c - tol / 2, 6.5, lo_c - 3 * tol, 1.0, 4.0],
    }, index=index)


def test_reefer_band_violations_count_steps_outside_the_band_plus_tolerance_per_class():
    # frozen: hi + 3 tol and -26 are out; lo, hi, hi + tol and lo - tol are in
    # chilled: 6.5, lo - 3 tol and 1.0 are out
    assert reefer_band_violations(dispatch(), CLASSES) == {"frozen": 2, "chilled": 3}
    assert reefer_band_violations(dispatch(), {}) == {}


def test_reefer_kpis_by_hand():
    k = reefer_kpis(dispatch(), CLASSES)
    assert set(k) == {"reefer_energy_mwh", "reefer_flexible_energy_mwh", "reefer_band_violations"}
    frozen_kwh = 0.5 * (10 + 12 + 0 + 8 + 10 + 0)  # 20
    chilled_kwh = 0.5 * (4 + 4 + 6 + 6 + 0 + 2)  # 11
    assert k["reefer_energy_mwh"] == pytest.approx((frozen_kwh + chilled_kwh) / 1000, rel=1e-12)
    assert k["reefer_flexible_energy_mwh"] == pytest.approx(0.5 * (8 + 10 + 6) / 1000, rel=1e-12)
    assert k["reefer_band_violations"] == 5
    assert isinstance(k["reefer_band_violations"], int)


def test_reefer_kpis_are_empty_in_fixed_mode():
    assert reefer_kpis(dispatch(), {}) == {}


def test_reefer_kpis_with_one_class_count_only_that_class():
    k = reefer_kpis(dispatch(), {"chilled": CHILLED})
    assert k["reefer_energy_mwh"] == pytest.approx(0.5 * 22 / 1000, rel=1e-12)
    assert k["reefer_band_violations"] == 3


def test_shore_power_kpis_by_hand():
    k = shore_power_kpis(dispatch(), RATES, AUX_KG_PER_KWH)
    e_kwh = 0.5 * (100 + 90 + 60 + 0 + 30 + 20)  # 150 kWh
    grid_kg = 0.5 * (0.2 * 100 + 0.2 * 90 + 0.3 * 60 + 0.3 * 0 + 0.4 * 30 + 0.4 * 20)  # 38 kg
    diesel_kg = e_kwh * AUX_KG_PER_KWH  # 105 kg
    # shore power at each month's max-import step (Feb 23:00: 60, Mar 00:30: 20) pays the
    # distribution charge, at the max peak-import step (Feb 22:30: 90, Mar 00:00: 30) the
    # generation charge, each x the month's share
    charge = (4.0 * 60 * F_FEB + 16.0 * 90 * F_FEB
              + 4.0 * 20 * F_MAR + 16.0 * 30 * F_MAR)
    expected = {
        "shore_power_mwh": 0.150,
        "shore_power_max_kw": 100.0,
        "shore_power_at_peak_kw": 90.0,  # the larger of February's 90 and March's 30
        "shore_power_capacity_charge_usd": charge,
        "ship_diesel_co2_avoided_t": 0.105,
        "shore_power_grid_co2_t": 0.038,
        "shore_power_net_co2_avoided_t": 0.067,
    }
    assert set(k) == set(expected)
    assert grid_kg == pytest.approx(38.0) and diesel_kg == pytest.approx(105.0)
    for name, value in expected.items():
        assert k[name] == pytest.approx(value, rel=1e-12), name


def test_shore_power_at_peak_is_the_largest_over_the_months_not_the_last():
    d = dispatch()
    d["shore_power_kw"] = [100.0, 20.0, 60.0, 0.0, 70.0, 20.0]  # Feb peak max 20, Mar 70
    k = shore_power_kpis(d, RATES, AUX_KG_PER_KWH)
    assert k["shore_power_at_peak_kw"] == 70.0
    assert k["shore_power_capacity_charge_usd"] == pytest.approx(
        4.0 * 60 * F_FEB + 16.0 * 20 * F_FEB + 4.0 * 20 * F_MAR + 16.0 * 70 * F_MAR, rel=1e-12)


def test_shore_power_without_peak_steps_pays_only_the_distribution_charge():
    d = dispatch().drop(columns="is_peak")  # no peak column: no step is peak
    k = shore_power_kpis(d, RATES, AUX_KG_PER_KWH)
    assert k["shore_power_at_peak_kw"] == 0.0
    assert k["shore_power_capacity_charge_usd"] == pytest.approx(4.0 * 60 * F_FEB + 4.0 * 20 * F_MAR,
                                                                 rel=1e-12)
    d = dispatch()
    d["is_peak"] = False
    assert shore_power_kpis(d, RATES, AUX_KG_PER_KWH)["shore_power_capacity_charge_usd"] == pytest.approx(
        4.0 * 60 * F_FEB + 4.0 * 20 * F_MAR, rel=1e-12)


def test_shore_power_without_grid_emission_column_has_no_grid_co2():
    d = dispatch().drop(columns="grid_emission_kg_per_kwh")
    k = shore_power_kpis(d, RATES, 0.5)
    assert k["shore_power_grid_co2_t"] == 0.0
    assert k["ship_diesel_co2_avoided_t"] == pytest.approx(150 * 0.5 / 1000, rel=1e-12)
    assert k["shore_power_net_co2_avoided_t"] == pytest.approx(150 * 0.5 / 1000, rel=1e-12)


def test_shore_power_kpis_are_empty_without_shore_power():
    assert shore_power_kpis(dispatch().drop(columns="shore_power_kw"), RATES, AUX_KG_PER_KWH) == {}


def test_shore_power_charge_uses_the_first_step_of_a_tied_maximum():
    d = dispatch()
    d["grid_import_kw"] = [300.0, 300.0, 400.0, 400.0, 50.0, 120.0]  # ties in Feb, peak and all
    k = shore_power_kpis(d, RATES, AUX_KG_PER_KWH)
    assert k["shore_power_at_peak_kw"] == 100.0  # 22:00, the first of the tied peak steps
    assert math.isclose(k["shore_power_capacity_charge_usd"],
                        4.0 * 60 * F_FEB + 16.0 * 100 * F_FEB + 4.0 * 20 * F_MAR + 16.0 * 30 * F_MAR,
                        rel_tol=1e-12)


def test_shore_power_kpis_of_a_table_without_steps_are_zero():
    empty = pd.DataFrame({"dt_h": [], "shore_power_kw": [], "grid_import_kw": []},
                         index=pd.DatetimeIndex([], tz=TZ))
    k = shore_power_kpis(empty, RATES, AUX_KG_PER_KWH)
    assert k["shore_power_max_kw"] == 0.0 and k["shore_power_mwh"] == 0.0
    assert k["shore_power_capacity_charge_usd"] == 0.0
