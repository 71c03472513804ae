"""Tests of energy.solar: PV AC power for the Chancay site."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pvlib
import pytest
from numpy.testing import assert_allclose

from energy.errors import EnergyError
from energy.solar import pv_ac_power_kw, specific_yield_kwh_per_kwp
from energy.timegrid import interval_midpoints, step_hours
from energy.weather import synthetic_weather

LIMA = "America/Lima"
CHANCAY = {"latitude": -11.59333, "longitude": -77.27778, "altitude_m": 5.0}
CLIMATE = {
    "ghi_monthly_kwh_m2_day": [5.71, 5.42, 5.85, 5.13, 3.91, 2.78, 2.78, 2.86, 3.30, 4.21,
                               4.46, 5.08],
    "temp_air_monthly_c": [22.5, 23.2, 23.1, 20.9, 19.2, 18.5, 17.0, 16.6, 17.1, 17.8, 19.3,
                           21.5],
    "wind_monthly_m_s": [4.3, 5.4, 3.9, 5.0, 3.0, 3.1, 3.2, 2.9, 3.5, 4.9, 4.1, 4.1],
}
ARRAY = {"capacity_kwp": 1.0, "tilt_deg": 10.0, "azimuth_deg": 0.0}  # 10° facing north


def weather_for(start, stop, freq="h"):
    index = pd.date_range(start, stop, freq=freq, tz=LIMA, inclusive="left")
    return synthetic_weather(index, **CHANCAY, **CLIMATE)


@pytest.fixture(scope="module")
def weather():
    return weather_for("2025-01-01", "2026-01-01")


@pytest.fixture(scope="module")
def pv(weather):
    return pv_ac_power_kw(weather, **CHANCAY, **ARRAY)


def test_chancay_specific_yield_and_garua(pv):
    assert pv.name == "pv_kw"
    annual = specific_yield_kwh_per_kwp(pv, step_hours(pv.index), 1.0)
    assert 1050 <= annual <= 1450  # DESIGN §5: about 1,250 kWh/kWp/yr
    monthly = pv.groupby(pv.index.month).sum()  # hourly steps: kW -> kWh
    garua = monthly.loc[[6, 7, 8]].mean() / monthly.loc[[1, 2, 3]].mean()
    assert garua < 0.65


def test_north_facing_beats_south_facing(weather, pv):
    south = pv_ac_power_kw(weather, **CHANCAY, **{**ARRAY, "azimuth_deg": 180.0})
    assert pv.sum() > south.sum()


def test_zero_at_night_and_bounded_by_the_inverter(weather, pv):
    solpos = pvlib.solarposition.get_solarposition(
        interval_midpoints(weather.index), CHANCAY["latitude"], CHANCAY["longitude"])
    night = solpos["apparent_zenith"].to_numpy() > 90
    assert (pv[night] == 0).all()
    assert (pv >= 0).all()
    assert pv.max() <= 1.0 / 1.2 + 1e-12


def test_daily_peak_within_an_hour_of_solar_noon(pv):
    days = pd.date_range("2025-01-01", "2026-01-01", freq="D", tz=LIMA, inclusive="left")
    transit = pvlib.solarposition.sun_rise_set_transit_spa(
        days, CHANCAY["latitude"], CHANCAY["longitude"])["transit"]
    peak = pv.groupby(pv.index.date).idxmax()
    peak_mid = pd.DatetimeIndex(peak.to_numpy()).tz_convert(LIMA) + pd.Timedelta(minutes=30)
    offset_h = (peak_mid - pd.DatetimeIndex(transit).tz_convert(LIMA)) / pd.Timedelta(hours=1)
    assert np.abs(offset_h).max() <= 1.0


def test_matches_a_hand_computation_with_pvlib():
    """Three hours of one day computed step by step with pvlib, independently."""
    index = pd.date_range("2025-02-10 08:00", periods=3, freq="2h", tz=LIMA)  # 08, 10, 12 h
    weather = pd.DataFrame(
        {"ghi_w_m2": [300.0, 700.0, 950.0], "dni_w_m2": [200.0, 550.0, 700.0],
         "dhi_w_m2": [220.0, 210.0, 190.0], "temp_air_c": [21.0, 26.0, 24.0],
         "wind_speed_m_s": [2.0, 4.0, 6.0]},
        index=index,
    )
    got = pv_ac_power_kw(weather, **CHANCAY, capacity_kwp=250.0, tilt_deg=15.0,
                         azimuth_deg=20.0, dc_ac_ratio=1.5, losses_pct=10.0,
                         transposition_model="haydavies")

    mid = index + pd.Timedelta(hours=1)  # every step is 2 h long
    sun = pvlib.solarposition.get_solarposition(
        mid, CHANCAY["latitude"], CHANCAY["longitude"], altitude=5.0,
        pressure=pvlib.atmosphere.alt2pres(5.0), temperature=weather["temp_air_c"].to_numpy())
    zen, azi = sun["apparent_zenith"].to_numpy(), sun["azimuth"].to_numpy()
    poa = pvlib.irradiance.get_total_irradiance(
        15.0, 20.0, zen, azi, weather["dni_w_m2"].to_numpy(), weather["ghi_w_m2"].to_numpy(),
        weather["dhi_w_m2"].to_numpy(), dni_extra=pvlib.irradiance.get_extra_radiation(mid),
        airmass=pvlib.atmosphere.get_relative_airmass(zen), albedo=0.2, model="haydavies")
    aoi = pvlib.irradiance.aoi(15.0, 20.0, zen, azi)
    effective = poa["poa_direct"] * pvlib.iam.physical(aoi) + poa["poa_diffuse"]
    cell = pvlib.temperature.sapm_cell(poa["poa_global"], weather["temp_air_c"].to_numpy(),
                                       weather["wind_speed_m_s"].to_numpy(), a=-3.56, b=-0.075,
                                       deltaT=3)
    dc = pvlib.pvsystem.pvwatts_dc(effective, cell, 250e3, -0.0035) * 0.90
    ac = pvlib.inverter.pvwatts(dc, 250e3 / 1.5 / 0.96, eta_inv_nom=0.96)
    assert_allclose(got.to_numpy(), np.asarray(ac) / 1000, rtol=1e-9)
    assert got.iloc[2] == pytest.approx(250 / 1.5)  # clipped at the AC nameplate at noon


def test_resolution_keeps_the_yield():
    hourly = weather_for("2025-03-01", "2025-03-15")
    quarter = weather_for("2025-03-01", "2025-03-15", freq="15min")
    yield_h = specific_yield_kwh_per_kwp(pv_ac_power_kw(hourly, **CHANCAY, **ARRAY), 1.0, 1.0)
    yield_q = specific_yield_kwh_per_kwp(pv_ac_power_kw(quarter, **CHANCAY, **ARRAY), 0.25, 1.0)
    assert_allclose(yield_q, yield_h, rtol=0.01)


def test_zero_capacity_gives_zeros(weather):
    zero = pv_ac_power_kw(weather.iloc[:48], **CHANCAY, **{**ARRAY, "capacity_kwp": 0.0})
    assert (zero == 0).all()
    assert zero.index.equals(weather.index[:48])


@pytest.mark.parametrize(
    ("parameter", "value"),
    [("tilt_deg", 95.0), ("tilt_deg", -1.0), ("azimuth_deg", 400.0), ("capacity_kwp", -5.0),
     ("losses_pct", 120.0), ("dc_ac_ratio", 0.0), ("albedo", 1.5), ("tilt_deg", float("nan"))],
)
def test_bad_parameters_are_named(weather, parameter, value):
    kwargs = {**ARRAY, parameter: value}
    with pytest.raises(EnergyError, match=f"^{parameter}: expected"):
        pv_ac_power_kw(weather.iloc[:24], **CHANCAY, **kwargs)


def test_bad_weather_and_model_names(weather):
    with pytest.raises(EnergyError, match="temperature_model: expected one of"):
        pv_ac_power_kw(weather.iloc[:24], **CHANCAY, **ARRAY, temperature_model="roof")
    with pytest.raises(EnergyError, match="missing column"):
        pv_ac_power_kw(weather.iloc[:24].drop(columns="dni_w_m2"), **CHANCAY, **ARRAY)
    naive = weather.iloc[:24].tz_localize(None)
    with pytest.raises(EnergyError, match="tz-aware"):
        pv_ac_power_kw(naive, **CHANCAY, **ARRAY)


def test_specific_yield_helper():
    assert specific_yield_kwh_per_kwp([1.0, 2.0, 3.0], 0.5, 2.0) == pytest.approx(1.5)
    assert specific_yield_kwh_per_kwp([1.0, 2.0], [1.0, 2.0], 1.0) == pytest.approx(5.0)
    with pytest.raises(EnergyError, match="capacity_kwp"):
        specific_yield_kwh_per_kwp([1.0], 1.0, 0.0)
