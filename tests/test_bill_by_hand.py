"""THE bill and the run's key figures, computed by hand for a horizon of two partial months.

Six half-hour steps, 28 Feb 2025 22:00 .. 1 Mar 00:30 (Lima): February's part is 2 h of its
672 h, March's 1 h of 744. Peak hours are 18-23 h, so 22:00 and 22:30 are peak and 23:00
is not: February's highest import (400 kW at 23:00) is off-peak, its highest peak import
is 300 kW. Every figure below is written out term by term, not recomputed with the code's
own vector rules.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from energy.errors import EnergyError
from energy.inputs import BatteryParams
from energy.kpis import BILL_TERMS, BillRates, bill_rates, check_dispatch, monthly_bill, run_kpis
from tests.cases import small_inputs

TZ = "America/Lima"
FEB, MAR = pd.Period("2025-02", "M"), pd.Period("2025-03", "M")
RATES = BillRates(generation_capacity_usd_per_kw_month=16.0, distribution_capacity_usd_per_kw_month=4.0,
                  battery_wear_usd_per_kwh=0.02, carbon_price_usd_per_kg=0.05,
                  value_of_lost_load_usd_per_kwh=7.0)


def dispatch() -> pd.DataFrame:
    index = pd.date_range(pd.Timestamp("2025-02-28 22:00", tz=TZ), periods=6, freq="30min")
    return pd.DataFrame({
        "dt_h": 0.5,
        "grid_import_kw": [300.0, 250.0, 400.0, 100.0, 50.0, 120.0],
        "grid_export_kw": [0.0, 0.0, 0.0, 0.0, 30.0, 0.0],
        "battery_discharge_kw": [0.0, 50.0, 0.0, 0.0, 0.0, 20.0],
        "unserved_kw": [0.0, np.nan, 10.0, 0.0, 0.0, 0.0],  # NaN counts as none
        "import_price_usd_per_kwh": [0.1, 0.2, 0.2, 0.1, 0.05, 0.05],
        "export_price_usd_per_kwh": 0.02,
        "grid_emission_kg_per_kwh": [0.2, 0.2, 0.3, 0.3, 0.4, 0.4],
        "grid_emission_average_kg_per_kwh": [0.3, 0.3, 0.3, 0.3, 0.1, 0.1],  # reported, not priced
        "grid_emission_marginal_kg_per_kwh": [0.6, 0.6, 0.6, 0.6, 0.5, 0.5],
        "is_peak": [True, True, False, False, False, False],
        "pv_kw": [0.0, 0.0, 0.0, 0.0, 80.0, 60.0],
        "wind_kw": 20.0,
        "pv_curtailed_kw": [0.0, 0.0, 0.0, 0.0, 10.0, 0.0],
        "wind_curtailed_kw": [5.0, 0.0, 0.0, 0.0, 0.0, 0.0],
        "fixed_load_kw": 500.0,
        "crane_load_kw": [0.0, 40.0, 0.0, 0.0, 0.0, 0.0],
        "truck_load_kw": [0.0, 0.0, 0.0, 30.0, 30.0, 0.0],
        "reefer_flex_load_kw": [0.0, 0.0, 20.0, 0.0, 0.0, 0.0],
        "crane_moves_sts": [0.0, 5.0, 0.0, 0.0, 0.0, 0.0],
        "crane_moves_armg": [1.0, 0.0, 0.0, 0.0, 2.0, 0.0],
    }, index=index)


# February by hand (steps 0-3), March (steps 4-5); E = kW x 0.5 h
FEB_IMPORT_USD = 0.5 * (0.1 * 300 + 0.2 * 250 + 0.2 * 400 + 0.1 * 100)  # 85
MAR_IMPORT_USD = 0.5 * (0.05 * 50 + 0.05 * 120)  # 4.25
MAR_EXPORT_USD = 0.5 * 0.02 * 30  # 0.3
FEB_KG = 0.5 * (0.2 * 300 + 0.2 * 250 + 0.3 * 400 + 0.3 * 100)  # 130
MAR_KG = 0.5 * (0.4 * 50 + 0.4 * 120)  # 34
EXPECTED = {
    FEB: {
        "import_cost_usd": FEB_IMPORT_USD,
        "export_revenue_usd": 0.0,
        "energy_cost_usd": FEB_IMPORT_USD,
        "capacity_charge_generation_usd": 16.0 * 300 * 2 / 672,
        "capacity_charge_distribution_usd": 4.0 * 400 * 2 / 672,
        "battery_wear_usd": 0.02 * 0.5 * 50,
        "carbon_cost_usd": 0.05 * FEB_KG,
        "unserved_cost_usd": 7.0 * 0.5 * 10,
        "emissions_kg": FEB_KG,
        "emissions_average_kg": 0.5 * 0.3 * (300 + 250 + 400 + 100),
        "emissions_marginal_kg": 0.5 * 0.6 * (300 + 250 + 400 + 100),
        "peak_import_kw": 300.0,
        "max_import_kw": 400.0,
        "month_fraction": 2 / 672,
    },
    MAR: {
        "import_cost_usd": MAR_IMPORT_USD,
        "export_revenue_usd": MAR_EXPORT_USD,
        "energy_cost_usd": MAR_IMPORT_USD - MAR_EXPORT_USD,
        "capacity_charge_generation_usd": 0.0,  # no peak step in March's part
        "capacity_charge_distribution_usd": 4.0 * 120 * 1 / 744,
        "battery_wear_usd": 0.02 * 0.5 * 20,
        "carbon_cost_usd": 0.05 * MAR_KG,
        "unserved_cost_usd": 0.0,
        "emissions_kg": MAR_KG,
        "emissions_average_kg": 0.5 * 0.1 * (50 + 120),
        "emissions_marginal_kg": 0.5 * 0.5 * (50 + 120),
        "peak_import_kw": 0.0,
        "max_import_kw": 120.0,
        "month_fraction": 1 / 744,
    },
}


def test_bill_of_two_partial_months_by_hand():
    bill = monthly_bill(dispatch(), RATES)
    assert bill.index.name == "month" and list(bill.index) == [FEB, MAR]
    for month, terms in EXPECTED.items():
        for col, value in terms.items():
            assert bill.loc[month, col] == pytest.approx(value, rel=1e-12, abs=1e-12), (month, col)
        total = sum(terms[t] for t in BILL_TERMS)
        assert bill.loc[month, "total_cost_usd"] == pytest.approx(total, rel=1e-12)


def test_bill_without_peak_column_or_optional_flows():
    d = dispatch()[["dt_h", "grid_import_kw", "import_price_usd_per_kwh"]]
    bill = monthly_bill(d, RATES)
    assert bill["peak_import_kw"].tolist() == [0.0, 0.0]
    assert bill["capacity_charge_generation_usd"].tolist() == [0.0, 0.0]
    assert bill["max_import_kw"].tolist() == [400.0, 120.0]
    for col in ("export_revenue_usd", "battery_wear_usd", "carbon_cost_usd", "unserved_cost_usd",
                "emissions_kg"):
        assert bill[col].tolist() == [0.0, 0.0], col
    assert bill["total_cost_usd"].tolist() == pytest.approx(
        [FEB_IMPORT_USD + 4.0 * 400 * 2 / 672, MAR_IMPORT_USD + 4.0 * 120 / 744])


def test_kpis_of_two_partial_months_by_hand():
    k = run_kpis(dispatch(), RATES, battery_usable_kwh=70.0)
    feb, mar = EXPECTED[FEB], EXPECTED[MAR]
    e_pv, e_wind, e_exp, e_imp = 0.5 * 140, 0.5 * 120, 0.5 * 30, 0.5 * 1220
    kept = e_pv + e_wind - e_exp  # 115 kWh of renewables kept on site
    expected = {
        "total_cost_usd": sum(feb[t] + mar[t] for t in BILL_TERMS),
        "energy_cost_usd": feb["energy_cost_usd"] + mar["energy_cost_usd"],
        "capacity_charge_usd": sum(feb[t] + mar[t] for t in ("capacity_charge_generation_usd",
                                                              "capacity_charge_distribution_usd")),
        "capacity_charge_generation_usd": feb["capacity_charge_generation_usd"],
        "capacity_charge_distribution_usd": feb["capacity_charge_distribution_usd"]
        + mar["capacity_charge_distribution_usd"],
        "battery_wear_usd": 0.02 * 0.5 * 70,
        "unserved_cost_usd": 35.0,
        "carbon_cost_usd": 0.05 * (FEB_KG + MAR_KG),
        "emissions_tco2": 0.164,
        "emissions_average_tco2": (157.5 + 8.5) / 1000,
        "emissions_marginal_tco2": (315.0 + 42.5) / 1000,
        "grid_import_mwh": 0.61,
        "grid_export_mwh": 0.015,
        "peak_import_kw": 300.0,
        "max_import_kw": 400.0,
        "load_mwh": (0.5 * 6 * 500 + 0.5 * 40 + 0.5 * 60 + 0.5 * 20) / 1000,  # fixed + crane + truck + reefer
        "renewable_share": kept / (kept + e_imp),
        "self_consumption": kept / (e_pv + e_wind),
        "pv_curtailment_mwh": 0.005,
        "wind_curtailment_mwh": 0.0025,
        "battery_cycles": 35.0 / 70.0,
        "crane_energy_mwh": 0.02,
        "crane_moves": 8.0,
        "truck_energy_mwh": 0.03,
        "unserved_mwh": 0.005,
    }
    assert set(k) == set(expected)
    for name, value in expected.items():
        assert k[name] == pytest.approx(value, rel=1e-12), name
        assert isinstance(k[name], float), name


def test_reported_emissions_of_one_month_and_without_their_factors():
    one = dispatch().iloc[:4]  # February only
    k = run_kpis(one, RATES)
    assert k["emissions_average_tco2"] == pytest.approx(0.1575)
    assert k["emissions_marginal_tco2"] == pytest.approx(0.315)
    bare = one.drop(columns=["grid_emission_average_kg_per_kwh", "grid_emission_marginal_kg_per_kwh"])
    bill = monthly_bill(bare, RATES)
    assert bill["emissions_average_kg"].dtype == float and bill["emissions_average_kg"].isna().all()
    assert bill["emissions_marginal_kg"].dtype == float and bill["emissions_marginal_kg"].isna().all()
    k = run_kpis(bare, RATES)
    assert math.isnan(k["emissions_average_tco2"]) and math.isnan(k["emissions_marginal_tco2"])


def test_kpis_without_renewables_battery_or_peak_steps():
    d = dispatch()
    for c in ("pv_kw", "wind_kw", "grid_export_kw", "battery_discharge_kw"):
        d[c] = 0.0
    d = d.drop(columns=["is_peak"])
    k = run_kpis(d, RATES)  # no battery: no cycles
    assert k["battery_cycles"] == 0.0 and k["peak_import_kw"] == 0.0
    assert k["renewable_share"] == 0.0 and math.isnan(k["self_consumption"])
    k = run_kpis(d, RATES, battery_usable_kwh=0.0)
    assert k["battery_cycles"] == 0.0
    d["grid_import_kw"] = 0.0  # nothing taken in at all
    k = run_kpis(d, RATES)
    assert k["renewable_share"] == 0.0 and k["max_import_kw"] == 0.0 and k["total_cost_usd"] == 35.0


def test_all_renewable_intake_has_share_one():
    d = dispatch()
    d["grid_import_kw"] = 0.0
    k = run_kpis(d, RATES)
    assert k["renewable_share"] == 1.0
    assert k["self_consumption"] == pytest.approx(115 / 130)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda d: d.tz_localize(None), r"^dispatch: expected a tz-aware DatetimeIndex \(site-local time\), "
                                        r"found DatetimeIndex without a time zone$"),
        (lambda d: d.reset_index(drop=True), r"found RangeIndex without a time zone$"),
        (lambda d: d.drop(columns=["dt_h"]),
         r"^dispatch: expected a 'dt_h' column \(step length in hours\), found none$"),
        (lambda d: d.iloc[:0], r"^dispatch: expected at least one time step, found an empty table$"),
    ],
)
def test_bad_dispatch_tables_are_refused_in_one_line(make, message):
    with pytest.raises(EnergyError, match=message):
        check_dispatch(make(dispatch()))
    with pytest.raises(EnergyError, match=message):
        monthly_bill(make(dispatch()), RATES)


def test_rates_from_a_run_folder_name_the_bad_rate():
    good = RATES.to_dict()
    assert BillRates.from_dict(good) == RATES
    assert BillRates.from_dict({k: str(v) for k, v in good.items()}) == RATES
    with pytest.raises(EnergyError, match=r"^bill_rates\.carbon_price_usd_per_kg: expected a number, "
                                          r"found 'x'$"):
        BillRates.from_dict({**good, "carbon_price_usd_per_kg": "x"})
    with pytest.raises(EnergyError, match=r"^assumptions\.json\.battery_wear_usd_per_kwh: expected a "
                                          r"number, found None$"):
        BillRates.from_dict({k: v for k, v in good.items() if k != "battery_wear_usd_per_kwh"},
                            where="assumptions.json")
    with pytest.raises(EnergyError, match=r"^bill_rates\.generation_capacity_usd_per_kw_month: expected "
                                          r"a number, found None$"):
        BillRates.from_dict(None)
    with pytest.raises(EnergyError, match=r"^bill_rates\.value_of_lost_load_usd_per_kwh: expected a finite "
                                          r"number, found nan$"):
        BillRates.from_dict({**good, "value_of_lost_load_usd_per_kwh": float("nan")})


def test_bill_rates_of_inputs_with_and_without_a_battery():
    battery = BatteryParams(200.0, 100.0, 100.0, wear_cost_usd_per_kwh=0.03)
    with_battery = bill_rates(small_inputs([100.0, 100.0], battery=battery, carbon_price_usd_per_kg=0.05))
    assert with_battery.battery_wear_usd_per_kwh == 0.03
    assert with_battery.carbon_price_usd_per_kg == 0.05
    assert with_battery.value_of_lost_load_usd_per_kwh == 10.0
    assert bill_rates(small_inputs([100.0, 100.0])).battery_wear_usd_per_kwh == 0.0
    no_power = BatteryParams(200.0, 0.0, 0.0, wear_cost_usd_per_kwh=0.03)
    assert bill_rates(small_inputs([100.0, 100.0], battery=no_power)).battery_wear_usd_per_kwh == 0.0


def test_small_flows_below_one_kwh_still_count():
    # 0.5 h steps: 0.2 kWh of PV, 0.3 kWh imported, a 0.5 kWh battery cycled 0.4 times
    index = pd.date_range(pd.Timestamp("2025-03-10 12:00", tz=TZ), periods=2, freq="30min")
    d = pd.DataFrame({"dt_h": 0.5, "pv_kw": [0.4, 0.0], "grid_import_kw": [0.0, 0.6],
                      "battery_discharge_kw": [0.0, 0.4]}, index=index)
    k = run_kpis(d, RATES, battery_usable_kwh=0.5)
    assert k["renewable_share"] == pytest.approx(0.2 / 0.5)
    assert k["self_consumption"] == 1.0
    assert k["battery_cycles"] == pytest.approx(0.4)


def test_battery_cycles_need_the_usable_energy():
    assert run_kpis(dispatch(), RATES)["battery_cycles"] == 0.0  # default: no battery


# step_bill by hand: E = kW x 0.5 h; each month's capacity charges on the step that set them
STEP_ENERGY_USD = [0.5 * 0.1 * 300, 0.5 * 0.2 * 250, 0.5 * 0.2 * 400, 0.5 * 0.1 * 100,
                   0.5 * (0.05 * 50 - 0.02 * 30), 0.5 * 0.05 * 120]  # 15, 25, 40, 5, 0.95, 3
STEP_KG = [0.5 * 0.2 * 300, 0.5 * 0.2 * 250, 0.5 * 0.3 * 400, 0.5 * 0.3 * 100, 0.5 * 0.4 * 50, 0.5 * 0.4 * 120]
STEP_CAPACITY_USD = [16.0 * 300 * 2 / 672, 0.0, 4.0 * 400 * 2 / 672, 0.0, 0.0, 4.0 * 120 * 1 / 744]
STEP_WEAR_USD = [0.0, 0.02 * 0.5 * 50, 0.0, 0.0, 0.0, 0.02 * 0.5 * 20]
STEP_UNSERVED_USD = [0.0, 0.0, 7.0 * 0.5 * 10, 0.0, 0.0, 0.0]


def test_step_bill_by_hand():
    from energy.kpis import step_bill

    s = step_bill(dispatch(), RATES)
    assert list(s.columns) == ["energy_cost_usd", "capacity_charge_usd", "battery_wear_usd", "carbon_cost_usd",
                               "unserved_cost_usd", "cost_usd", "emissions_kg"]
    assert s.index.equals(dispatch().index)
    carbon = [0.05 * kg for kg in STEP_KG]
    expected = {"energy_cost_usd": STEP_ENERGY_USD, "capacity_charge_usd": STEP_CAPACITY_USD,
                "battery_wear_usd": STEP_WEAR_USD, "carbon_cost_usd": carbon,
                "unserved_cost_usd": STEP_UNSERVED_USD, "emissions_kg": STEP_KG,
                "cost_usd": [sum(v) for v in zip(STEP_ENERGY_USD, STEP_CAPACITY_USD, STEP_WEAR_USD, carbon,
                                                 STEP_UNSERVED_USD, strict=True)]}
    for name, values in expected.items():
        np.testing.assert_allclose(s[name].to_numpy(), values, rtol=1e-12, atol=1e-12, err_msg=name)


def test_step_bill_puts_both_charges_on_one_step_when_it_sets_both_maxima():
    from energy.kpis import step_bill

    d = dispatch()
    d["is_peak"] = [True, True, True, False, False, False]  # February's 400 kW at 23:00 is now peak too
    s = step_bill(d, RATES)
    np.testing.assert_allclose(s["capacity_charge_usd"].to_numpy(),
                               [0.0, 0.0, (16.0 + 4.0) * 400 * 2 / 672, 0.0, 0.0, 4.0 * 120 / 744], rtol=1e-12)


def test_step_bill_without_a_peak_column_has_only_distribution_charges():
    from energy.kpis import step_bill

    s = step_bill(dispatch().drop(columns="is_peak"), RATES)
    np.testing.assert_allclose(s["capacity_charge_usd"].to_numpy(),
                               [0.0, 0.0, 4.0 * 400 * 2 / 672, 0.0, 0.0, 4.0 * 120 / 744], rtol=1e-12)


def test_intensity_kpis_by_hand():
    from energy.kpis import intensity_kpis

    k = intensity_kpis(1000.0, 50.0, 2000.0, 400, 1.5)  # 400 moves x 1.5 TEU = 600 TEU
    assert k == pytest.approx({"cost_usd_per_mwh": 20.0, "quay_moves": 400.0, "teu": 600.0,
                               "kwh_per_teu": 50_000.0 / 600, "usd_per_move": 2.5, "kg_co2_per_teu": 2000.0 / 600},
                              rel=1e-12)
    assert isinstance(k["quay_moves"], float) and isinstance(k["teu"], float)
    one = intensity_kpis(30.0, 1.0, 5.0, 1, 1.0)  # divisors of exactly 1 divide like any other
    assert one == pytest.approx({"cost_usd_per_mwh": 30.0, "quay_moves": 1.0, "teu": 1.0, "kwh_per_teu": 1000.0,
                                 "usd_per_move": 30.0, "kg_co2_per_teu": 5.0}, rel=1e-12)
    none = intensity_kpis(30.0, 0.0, 5.0, 0, 1.5)  # nothing to divide by: NaN, not an error
    assert all(math.isnan(none[k]) for k in ("cost_usd_per_mwh", "kwh_per_teu", "usd_per_move", "kg_co2_per_teu"))
    assert none["quay_moves"] == 0.0 and none["teu"] == 0.0


def test_step_bill_puts_a_months_generation_charge_on_its_own_peak_step():
    from energy.kpis import step_bill

    d = dispatch()
    # March's 00:00 marked peak (50 kW): its generation charge falls there, not on February's
    # 22:30 peak step that happens to import 50 kW too
    d["grid_import_kw"] = [300.0, 50.0, 400.0, 100.0, 50.0, 120.0]
    d["is_peak"] = [True, True, False, False, True, False]
    s = step_bill(d, RATES)
    np.testing.assert_allclose(s["capacity_charge_usd"].to_numpy(),
                               [16.0 * 300 * 2 / 672, 0.0, 4.0 * 400 * 2 / 672, 0.0, 16.0 * 50 / 744,
                                4.0 * 120 / 744], rtol=1e-12)
