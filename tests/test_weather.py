"""Synthetic Chancay weather (energy.weather), weather files (energy.weatherfile: EPW, TMY3,
PVGIS) and the time grid they share (energy.timegrid)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pvlib
import pytest
import windpowerlib
from numpy.testing import assert_allclose
from scipy.stats import weibull_min

from energy.errors import EnergyError
from energy.solar import pv_ac_power_kw
from energy.timegrid import interval_edges, interval_midpoints, step_hours
from energy.weather import WEATHER_COLUMNS, synthetic_weather
from energy.weatherfile import read_weather_file
from energy.wind import nominal_power_kw, wind_power_kw

DATA = Path(__file__).parent / "data"
EPW = DATA / "chancay_sample.epw"
PVGIS_JSON = DATA / "chancay_sample_pvgis_tmy.json"
TMY3 = Path(pvlib.__file__).parent / "data" / "723170TYA.CSV"  # Greensboro NC, UTC-5

_spec = importlib.util.spec_from_file_location("make_weather_fixtures", DATA / "make_weather_fixtures.py")
fixtures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fixtures)

LIMA = "America/Lima"
CHANCAY = {"latitude": -11.59333, "longitude": -77.27778, "altitude_m": 5.0}
GHI_KWH = [5.71, 5.42, 5.85, 5.13, 3.91, 2.78, 2.78, 2.86, 3.30, 4.21, 4.46, 5.08]
TEMP_C = [22.5, 23.2, 23.1, 20.9, 19.2, 18.5, 17.0, 16.6, 17.1, 17.8, 19.3, 21.5]
WIND_M_S = [4.3, 5.4, 3.9, 5.0, 3.0, 3.1, 3.2, 2.9, 3.5, 4.9, 4.1, 4.1]
CLIMATE = {
    "ghi_monthly_kwh_m2_day": GHI_KWH,
    "temp_air_monthly_c": TEMP_C,
    "wind_monthly_m_s": WIND_M_S,
}


def hours(start, stop, tz=LIMA, freq="h"):
    """Interval starts from ``start`` up to (excluding) ``stop``."""
    return pd.date_range(start, stop, freq=freq, tz=tz, inclusive="left")


def chancay(index, **kwargs):
    return synthetic_weather(index, **CHANCAY, **CLIMATE, **kwargs)


@pytest.fixture(scope="module")
def year():
    """Synthetic Chancay weather for 2025, hourly."""
    return chancay(hours("2025-01-01", "2026-01-01"))


@pytest.fixture(scope="module")
def solpos(year):
    """Solar position at the interval midpoints of ``year``."""
    mid = interval_midpoints(year.index)
    return pvlib.solarposition.get_solarposition(mid, CHANCAY["latitude"],
                                                 CHANCAY["longitude"], altitude=5.0)


# ----------------------------------------------------------------------- time helpers


def test_interval_edges_use_freq_last_step_or_end():
    idx = hours("2025-01-01", "2025-01-02", freq="15min")
    assert interval_edges(idx)[-1] == pd.Timestamp("2025-01-02", tz=LIMA)
    irregular = pd.DatetimeIndex(["2025-01-01 00:00", "2025-01-01 01:00", "2025-01-01 03:00"],
                                 tz=LIMA)
    assert_allclose(step_hours(irregular), [1.0, 2.0, 2.0])
    assert_allclose(step_hours(irregular, end=pd.Timestamp("2025-01-01 03:30", tz=LIMA)),
                    [1.0, 2.0, 0.5])
    mid = interval_midpoints(idx[:2])
    assert mid[0] == pd.Timestamp("2025-01-01 00:07:30", tz=LIMA)


def test_interval_edges_refuse_bad_input():
    with pytest.raises(EnergyError, match="tz-aware"):
        interval_edges(pd.date_range("2025-01-01", periods=3, freq="h"))
    with pytest.raises(EnergyError, match="single timestamp"):
        interval_edges(pd.DatetimeIndex([pd.Timestamp("2025-01-01", tz=LIMA)]))
    with pytest.raises(EnergyError, match="end: expected a time after"):
        interval_edges(hours("2025-01-01", "2025-01-02"), end=pd.Timestamp("2025-01-01", tz=LIMA))
    shuffled = pd.DatetimeIndex(["2025-01-01 01:00", "2025-01-01 00:00"], tz=LIMA)
    with pytest.raises(EnergyError, match="strictly increasing"):
        interval_edges(shuffled)


# ------------------------------------------------------------------ synthetic weather


def test_same_seed_same_weather_other_seed_differs():
    idx = hours("2025-03-01", "2025-03-11")
    first, again, other = chancay(idx, seed=7), chancay(idx, seed=7), chancay(idx, seed=8)
    pd.testing.assert_frame_equal(first, again)
    assert list(first.columns) == list(WEATHER_COLUMNS)
    assert first.index.equals(idx)
    assert not np.allclose(first["ghi_w_m2"], other["ghi_w_m2"])
    assert not np.allclose(first["wind_speed_m_s"], other["wind_speed_m_s"])


def test_monthly_climatology_is_reproduced(year):
    monthly = year.groupby(year.index.month)
    days = monthly.size() / 24
    ghi_kwh_day = monthly["ghi_w_m2"].sum() / 1000 / days  # hourly steps: W -> Wh
    assert_allclose(ghi_kwh_day, GHI_KWH, rtol=0.02)
    assert_allclose(monthly["temp_air_c"].mean(), TEMP_C, atol=0.05)
    assert_allclose(monthly["wind_speed_m_s"].mean(), WIND_M_S, rtol=0.01)


def test_irradiance_is_non_negative_and_closes(year, solpos):
    zenith = solpos["zenith"].to_numpy()  # Erbs works with the true zenith
    assert (year[["ghi_w_m2", "dni_w_m2", "dhi_w_m2"]] >= 0).all().all()
    beam = year["dni_w_m2"] * np.cos(np.radians(zenith))
    assert_allclose(beam + year["dhi_w_m2"], year["ghi_w_m2"], atol=1e-6)
    assert year["ghi_w_m2"].max() < 1100


def test_no_sun_at_night(year, solpos):
    night = solpos["apparent_zenith"].to_numpy() > 90  # the sun is below the horizon
    assert night.sum() > 4000
    assert (year.loc[night, ["ghi_w_m2", "dni_w_m2", "dhi_w_m2"]] == 0).all().all()
    assert (year.loc[year.index.hour < 5, "ghi_w_m2"] == 0).all()


def test_garua_winter_is_mostly_diffuse(year):
    def diffuse_fraction(months):
        sel = year.index.month.isin(months)
        return year.loc[sel, "dhi_w_m2"].sum() / year.loc[sel, "ghi_w_m2"].sum()

    summer, winter = diffuse_fraction([1, 2, 3]), diffuse_fraction([6, 7, 8, 9])
    assert winter > 0.8
    assert winter > summer + 0.15


def test_sea_breeze_diurnal_wind(year):
    profile = year["wind_speed_m_s"].groupby(year.index.hour).mean()
    assert profile.loc[15:17].mean() > 2 * profile.loc[6:7].mean()
    assert 5 <= profile.idxmin() <= 7
    assert 15 <= profile.idxmax() <= 18
    # DESIGN §5: about 2.0 m/s at 06-07 h and 5.7 m/s at 16-18 h (annual mean)
    assert_allclose(profile.min(), 2.0, atol=0.3)
    assert_allclose(profile.max(), 5.7, atol=0.4)
    assert (year["wind_speed_m_s"] >= 0).all()


def test_wind_speeds_have_the_weibull_shape(year):
    speeds = year["wind_speed_m_s"].to_numpy()
    k, _, _ = weibull_min.fit(speeds[speeds > 0], floc=0)
    assert_allclose(k, 2.09, atol=0.2)


def test_temperature_diurnal_cycle(year):
    profile = year["temp_air_c"].groupby(year.index.hour).mean()
    assert 4 <= profile.idxmin() <= 7
    assert 12 <= profile.idxmax() <= 15
    assert 2.0 < profile.max() - profile.min() < 8.0


def test_resolution_changes_little_daily_and_monthly():
    stop = "2025-08-01"
    hourly = chancay(hours("2025-06-01", stop))
    quarter = chancay(hours("2025-06-01", stop, freq="15min"))
    daily_h = hourly.resample("D").mean()
    daily_q = quarter.resample("D").mean()
    assert_allclose(daily_q["ghi_w_m2"], daily_h["ghi_w_m2"], rtol=0.02)
    assert_allclose(daily_q["wind_speed_m_s"], daily_h["wind_speed_m_s"], rtol=0.02)
    assert_allclose(daily_q["temp_air_c"], daily_h["temp_air_c"], atol=0.05)
    monthly_h = hourly.resample("MS").mean()
    monthly_q = quarter.resample("MS").mean()
    assert_allclose(monthly_q.to_numpy(), monthly_h.to_numpy(), rtol=0.01)


def test_steps_longer_than_an_hour_average_the_hourly_weather():
    hourly = chancay(hours("2025-02-01", "2025-02-11"))
    coarse = chancay(hours("2025-02-01", "2025-02-11", freq="3h"))
    assert_allclose(coarse.to_numpy(), hourly.resample("3h").mean().to_numpy(), rtol=1e-9,
                    atol=1e-9)


def test_single_step_with_end():
    idx = pd.DatetimeIndex([pd.Timestamp("2025-01-15 12:00", tz=LIMA)])
    one = chancay(idx, end=pd.Timestamp("2025-01-15 12:15", tz=LIMA))
    assert one["ghi_w_m2"].iloc[0] > 300
    with pytest.raises(EnergyError, match="end="):
        chancay(idx)


def test_synthetic_refuses_naive_index_and_bad_climatology():
    with pytest.raises(EnergyError, match="tz-aware"):
        chancay(pd.date_range("2025-01-01", periods=24, freq="h"))
    idx = hours("2025-07-01", "2025-07-03")
    with pytest.raises(EnergyError, match="ghi_monthly_kwh_m2_day: expected 12"):
        synthetic_weather(idx, **CHANCAY, ghi_monthly_kwh_m2_day=GHI_KWH[:11],
                          temp_air_monthly_c=TEMP_C, wind_monthly_m_s=WIND_M_S)
    with pytest.raises(EnergyError, match="clear-sky"):
        synthetic_weather(idx, **CHANCAY, ghi_monthly_kwh_m2_day=[12.0] * 12,
                          temp_air_monthly_c=TEMP_C, wind_monthly_m_s=WIND_M_S)
    with pytest.raises(EnergyError, match="wind_monthly_m_s"):
        synthetic_weather(idx, **CHANCAY, ghi_monthly_kwh_m2_day=GHI_KWH,
                          temp_air_monthly_c=TEMP_C, wind_monthly_m_s=[-1.0] * 12)
    with pytest.raises(EnergyError, match="seed"):
        chancay(idx, seed=-1)


# ------------------------------------------------------------------------ weather files
#
# The expected values are looked up in pvlib's own parse of each file, with each
# format's documented convention written out here:
#   EPW:   pvlib labels EPW hour h (covering h-1..h) as h-1 -> the record IS the start
#   TMY3:  pvlib keeps TMY3's end label -> the hour starting at t is labelled t + 1 h
#   PVGIS: time(UTC) labels the start of the hour, in UTC


def _records(raw, times):
    """Rows of ``raw`` whose (month, day, hour) match ``times`` (raw's zone)."""
    position = {(t.month, t.day, t.hour): i for i, t in enumerate(raw.index)}
    return raw.iloc[[position[(t.month, t.day, t.hour)] for t in times]]


def _expected_epw(index):
    raw, _ = pvlib.iotools.read_epw(EPW)
    return _records(raw, index.tz_convert(raw.index.tz))


def _expected_tmy3(index):
    raw, _ = pvlib.iotools.read_tmy3(TMY3, map_variables=True)
    return _records(raw, (index + pd.Timedelta(hours=1)).tz_convert(raw.index.tz))


def _expected_pvgis(index, path=PVGIS_JSON):
    raw, _ = pvlib.iotools.read_pvgis_tmy(path, map_variables=True)
    return _records(raw, index.tz_convert("UTC"))


FILE_CASES = {
    # format: (path, model index, expected records, site of the file)
    "epw": (EPW, hours("2025-01-03", "2025-01-09"), _expected_epw, CHANCAY),
    "tmy3": (TMY3, hours("2025-06-18", "2025-06-25", tz="UTC"), _expected_tmy3,
             {"latitude": 36.1, "longitude": -79.95, "altitude_m": 273.0}),
    "pvgis_tmy": (PVGIS_JSON, hours("2025-07-02", "2025-07-09"), _expected_pvgis, CHANCAY),
}


def modelchain_pv_kw(records, index, site, *, capacity_kwp=100.0, tilt_deg=10.0,
                     azimuth_deg=0.0, dc_ac_ratio=1.2):
    """AC power from pvlib's own PVWatts ModelChain at the model's interval midpoints. [kW]"""
    location = pvlib.location.Location(site["latitude"], site["longitude"],
                                       altitude=site["altitude_m"])
    system = pvlib.pvsystem.PVSystem(
        surface_tilt=tilt_deg, surface_azimuth=azimuth_deg, albedo=0.2,
        module_parameters={"pdc0": capacity_kwp * 1000, "gamma_pdc": -0.0035},
        inverter_parameters={"pdc0": capacity_kwp * 1000 / dc_ac_ratio / 0.96},
        temperature_model_parameters=pvlib.temperature.TEMPERATURE_MODEL_PARAMETERS["sapm"][
            "open_rack_glass_polymer"],
    )
    weather = records[["ghi", "dni", "dhi", "temp_air", "wind_speed"]].astype(float)
    weather = weather.set_axis(interval_midpoints(index))
    chain = pvlib.modelchain.ModelChain.with_pvwatts(system, location)
    chain.run_model(weather)
    return chain.results.ac.fillna(0.0).clip(lower=0.0).to_numpy() / 1000


def windpowerlib_kw(speed_10m, turbine_type="E-82/2300", hub_height_m=78.0, roughness=0.0002):
    """Power of one turbine from windpowerlib's ModelChain (log profile, power curve). [kW]"""
    turbine = windpowerlib.WindTurbine(hub_height=hub_height_m, turbine_type=turbine_type)
    weather = pd.DataFrame(
        {("wind_speed", 10): np.asarray(speed_10m, dtype=float),
         ("roughness_length", 0): roughness},
    )
    chain = windpowerlib.ModelChain(turbine, wind_speed_model="logarithmic",
                                    power_output_model="power_curve")
    chain.run_model(weather)
    return chain.power_output.to_numpy() / 1000


@pytest.mark.parametrize("fmt", list(FILE_CASES))
def test_file_weather_pv_and_wind_match_direct_pvlib(fmt):
    path, index, expected_records, site = FILE_CASES[fmt]
    data, meta = read_weather_file(path, fmt=fmt, index=index)
    expected = expected_records(index)
    assert data.index.equals(index)
    assert list(data.columns) == list(WEATHER_COLUMNS)
    pvlib_names = ["ghi", "dni", "dhi", "temp_air", "wind_speed"]
    assert_allclose(data.to_numpy(), expected[pvlib_names].to_numpy(dtype=float), atol=1e-9)
    assert_allclose([meta["latitude"], meta["longitude"], meta["altitude_m"]],
                    [site["latitude"], site["longitude"], site["altitude_m"]], atol=1e-3)
    assert meta["source"] == fmt

    pv = pv_ac_power_kw(data, **site, capacity_kwp=100.0, tilt_deg=10.0, azimuth_deg=0.0,
                        losses_pct=float(pvlib.pvsystem.pvwatts_losses()))
    assert_allclose(pv.to_numpy(), modelchain_pv_kw(expected, index, site), rtol=1e-6, atol=1e-6)
    assert pv.max() > 20

    wind = wind_power_kw(data["wind_speed_m_s"], turbine_type="E-82/2300", count=2,
                         hub_height_m=78.0)
    reference = np.minimum(windpowerlib_kw(expected["wind_speed"]), nominal_power_kw("E-82/2300"))
    assert_allclose(wind.to_numpy(), 2 * reference, rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("fmt", list(FILE_CASES))
def test_file_irradiance_is_centred_on_solar_noon(fmt):
    """The GHI-weighted time of day lies within 20 min of solar noon (a 1 h or a zone
    error would move it by 60 min or more)."""
    path, index, _, site = FILE_CASES[fmt]
    data, _ = read_weather_file(path, fmt="auto", index=index)
    mid = interval_midpoints(index)
    transit = pvlib.solarposition.sun_rise_set_transit_spa(
        mid, site["latitude"], site["longitude"])["transit"]
    offset_h = np.asarray((mid - pd.DatetimeIndex(transit)) / pd.Timedelta(hours=1))
    ghi = data["ghi_w_m2"].to_numpy()
    assert abs(np.sum(ghi * offset_h) / np.sum(ghi)) < 1 / 3
    daily_peak = data["ghi_w_m2"].groupby(data.index.date).idxmax()
    peak_offset = [abs(offset_h[index.get_loc(t)]) for t in daily_peak]
    assert np.median(peak_offset) <= 1.0


def test_pvgis_csv_full_year_leap_day_and_year_wrap(tmp_path):
    path = tmp_path / "tmy_chancay.csv"
    fixtures.write_pvgis_tmy_csv(path, fixtures.chancay_data(fixtures.full_year_utc()))
    index = hours("2024-01-01", "2025-01-01")  # a leap year in Lima time
    data, meta = read_weather_file(path, fmt="pvgis_tmy", index=index)
    assert meta["irradiance_time_offset_h"] == 0.5
    assert meta["tz_offset_h"] == 0.0
    assert not data.isna().any().any()
    # 29 February takes 28 February's data (the file has no 29 February)
    utc = index.tz_convert("UTC")
    feb29 = (utc.month == 2) & (utc.day == 29)
    feb28 = (utc.month == 2) & (utc.day == 28)
    assert_allclose(data[feb29].to_numpy(), data[feb28].to_numpy())
    # the last Lima evening of the year (UTC 1 January) wraps to the file's January
    raw, _ = pvlib.iotools.read_pvgis_tmy(path, map_variables=True)
    assert_allclose(data["temp_air_c"].iloc[-5:], raw["temp_air"].iloc[:5])
    expected = _expected_pvgis(index[~feb29], path)
    pv = pv_ac_power_kw(data[~feb29], **CHANCAY, capacity_kwp=100.0, tilt_deg=10.0,
                        azimuth_deg=0.0, losses_pct=float(pvlib.pvsystem.pvwatts_losses()),
                        end=index[~feb29][-1] + pd.Timedelta(hours=1))
    ref = modelchain_pv_kw(expected, index[~feb29], CHANCAY)
    assert_allclose(pv.to_numpy(), ref, rtol=1e-6, atol=1e-6)


def test_finer_model_holds_and_coarser_model_averages():
    hourly, _ = read_weather_file(EPW, fmt="epw", index=hours("2025-01-03", "2025-01-05"))
    quarter, _ = read_weather_file(EPW, fmt="epw",
                                   index=hours("2025-01-03", "2025-01-05", freq="15min"))
    assert_allclose(quarter.to_numpy(), hourly.reindex(quarter.index, method="ffill").to_numpy())
    coarse, _ = read_weather_file(EPW, fmt="epw",
                                  index=hours("2025-01-03", "2025-01-05", freq="3h"))
    assert_allclose(coarse.to_numpy(), hourly.resample("3h").mean().to_numpy(), rtol=1e-12)
    shifted_idx = hours("2025-01-03 00:30", "2025-01-04 00:30")
    shifted, _ = read_weather_file(EPW, fmt="epw", index=shifted_idx)
    both = hourly.to_numpy()
    assert_allclose(shifted.to_numpy(), (both[:24] + both[1:25]) / 2, rtol=1e-12)


def test_leap_day_uses_feb_28_of_a_non_leap_file():
    data, _ = read_weather_file(EPW, fmt="epw", index=hours("2024-02-28", "2024-03-01"))
    assert_allclose(data.iloc[24:].to_numpy(), data.iloc[:24].to_numpy())


def test_auto_format_detection(tmp_path):
    idx = hours("2025-01-04", "2025-01-05")
    for path, fmt in [(EPW, "epw"), (PVGIS_JSON, "pvgis_tmy")]:
        _, meta = read_weather_file(path, index=idx)
        assert meta["source"] == fmt
    _, meta = read_weather_file(TMY3, index=hours("2025-03-01", "2025-03-02"))
    assert meta["source"] == "tmy3"
    assert meta["tz_offset_h"] == -5.0


def test_weather_file_errors(tmp_path):
    idx = hours("2025-01-04", "2025-01-05")
    with pytest.raises(EnergyError, match=r"nowhere\.epw: not found"):
        read_weather_file(tmp_path / "nowhere.epw", fmt="epw", index=idx)
    garbage = tmp_path / "garbage.epw"
    garbage.write_text("this is not a weather file\n")
    with pytest.raises(EnergyError, match=r"garbage\.epw: cannot be read as an EPW"):
        read_weather_file(garbage, fmt="epw", index=idx)
    with pytest.raises(EnergyError, match="format 'wrf' is unknown"):
        read_weather_file(EPW, fmt="wrf", index=idx)
    with pytest.raises(EnergyError, match="tz-aware"):
        read_weather_file(EPW, fmt="epw", index=pd.date_range("2025-01-04", periods=3, freq="h"))
    with pytest.raises(EnergyError, match=r"no record for 05-01 00:00 \(file time, UTC-5 h\)"):
        read_weather_file(EPW, fmt="epw", index=hours("2025-05-01", "2025-05-02"))


def test_weather_file_missing_column_and_missing_values(tmp_path):
    idx = hours("2025-01-04", "2025-01-05")
    doc = json.loads(PVGIS_JSON.read_text())
    for rec in doc["outputs"]["tmy_hourly"]:
        del rec["WS10m"]
    no_wind = tmp_path / "no_wind.json"
    no_wind.write_text(json.dumps(doc))
    with pytest.raises(EnergyError, match=r"no_wind\.json: .*lacks the column\(s\) wind_speed"):
        read_weather_file(no_wind, fmt="pvgis_tmy", index=idx)

    lines = EPW.read_text().splitlines()
    fields = lines[8 + 80].split(",")
    fields[13] = "9999"  # EPW missing-data marker for GHI
    lines[8 + 80] = ",".join(fields)
    marked = tmp_path / "marked.epw"
    marked.write_text("\n".join(lines) + "\n")
    with pytest.raises(EnergyError, match=r"marked\.epw: column ghi_w_m2 has 1 missing"):
        read_weather_file(marked, fmt="epw", index=idx)


@pytest.mark.parametrize("tau_h", [3.0, 30.0, 0.5])
def test_ar1_noise_is_scipy_lfilter_bit_for_bit(tau_h):
    """The weather's AR(1) noise: the recursion scipy.signal.lfilter computes, exactly, and
    stationary with unit variance (the synthetic weather's statistics rest on it)."""
    from scipy.signal import lfilter

    from energy.weather import _ar1

    x = np.random.default_rng(3).standard_normal(20_000)
    phi = np.exp(-1 / tau_h)
    scale = np.sqrt(1 - phi**2)
    expected, _ = lfilter([scale], [1.0, -phi], x, zi=[(1 - scale) * x[0]])
    got = _ar1(x, phi)
    assert np.array_equal(got, expected)
    assert got.std() == pytest.approx(1.0, abs=0.05)
    assert np.corrcoef(got[1:], got[:-1])[0, 1] == pytest.approx(phi, abs=0.03)
    assert _ar1(np.array([]), phi).shape == (0,) and _ar1(x[:1], phi)[0] == pytest.approx(x[0])
