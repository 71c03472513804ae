"""Weather-file timing (issue 12): the project's PV from a weather file equals pvlib's own.

For a full year, PV energy from pvlib's bundled TMY3 files and from the PVGIS fixture
(with and without an irradiance time offset) is within 0.1% of a direct pvlib computation
on the same file: pvlib's reader, sun positions at the middle of each record's hour, the
same transposition, temperature, DC and inverter models. PV only, no solve.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pvlib
import pytest

from energy import solar
from energy.build import build_weather
from energy.config import config_from_dict
from energy.solar import INVERTER_NOMINAL_EFFICIENCY
from tests.conftest import DATA

PVLIB_DATA = Path(pvlib.__file__).parent / "data"
_spec = importlib.util.spec_from_file_location("make_weather_fixtures", DATA / "make_weather_fixtures.py")
fixtures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fixtures)
ARRAY = {"capacity_kwp": 1000.0, "tilt_deg": 20.0, "azimuth_deg": 180.0}


def _direct_kwh(data: pd.DataFrame, mid: pd.DatetimeIndex, lat: float, lon: float, alt: float,
                azimuth: float) -> float:
    """Year's AC energy straight from pvlib, sun at ``mid`` (one per record). [kWh]"""
    loc = pvlib.location.Location(lat, lon, altitude=alt)
    temp = pd.Series(data["temp_air"].to_numpy(float), index=mid)
    sp = loc.get_solarposition(mid, temperature=temp)
    poa = pvlib.irradiance.get_total_irradiance(
        ARRAY["tilt_deg"], azimuth, sp["apparent_zenith"], sp["azimuth"],
        pd.Series(data["dni"].to_numpy(float), index=mid), pd.Series(data["ghi"].to_numpy(float), index=mid),
        pd.Series(data["dhi"].to_numpy(float), index=mid), dni_extra=pvlib.irradiance.get_extra_radiation(mid),
        airmass=loc.get_airmass(solar_position=sp)["airmass_relative"], albedo=0.2, model="perez").fillna(0.0)
    aoi = pvlib.irradiance.aoi(ARRAY["tilt_deg"], azimuth, sp["apparent_zenith"], sp["azimuth"])
    eff = poa["poa_direct"] * pvlib.iam.physical(aoi) + poa["poa_diffuse"]
    params = pvlib.temperature.TEMPERATURE_MODEL_PARAMETERS["sapm"]["open_rack_glass_polymer"]
    tcell = pvlib.temperature.sapm_cell(poa["poa_global"], temp,
                                        pd.Series(data["wind_speed"].to_numpy(float), index=mid), **params)
    dc = np.maximum(pvlib.pvsystem.pvwatts_dc(eff, tcell, 1e6, -0.0035).to_numpy(), 0) * 0.86
    ac = pvlib.inverter.pvwatts(dc, 1e6 / 1.2 / INVERTER_NOMINAL_EFFICIENCY, eta_inv_nom=INVERTER_NOMINAL_EFFICIENCY)
    return float(np.clip(np.nan_to_num(np.asarray(ac, float)), 0, None).sum() / 1000.0)


def _project_kwh(path: Path, fmt: str, lat: float, lon: float, alt: float, tz: str, azimuth: float) -> float:
    raw = {"model": {"name": "t"}, "site": {"latitude": lat, "longitude": lon, "altitude_m": alt, "timezone": tz},
           "horizon": {"start": "2025-01-01", "end": "2026-01-01"}, "grid": {"import_limit_kw": 1000},
           "weather": {"source": "file", "file": str(path), "format": fmt}}
    cfg = config_from_dict(raw)
    index = cfg.index()
    end = index[-1] + pd.Timedelta("1h")
    wx, _ = build_weather(cfg, index, end)
    pv = solar.pv_ac_power_kw(wx, latitude=lat, longitude=lon, altitude_m=alt, end=end,
                              sun_shift_h=wx.attrs["sun_shift_h"], **{**ARRAY, "azimuth_deg": azimuth})
    return float(pv.sum())


@pytest.mark.parametrize("name", ["723170TYA.CSV", "703165TY.csv"])
def test_tmy3_pv_energy_matches_pvlib(name):
    path = PVLIB_DATA / name
    data, meta = pvlib.iotools.read_tmy3(str(path), coerce_year=2025, map_variables=True)
    mid = data.index - pd.Timedelta("30min")  # TMY3 labels the end of the hour
    tz = f"Etc/GMT{-int(meta['TZ']):+d}"
    args = (meta["latitude"], meta["longitude"], meta["altitude"])
    ours = _project_kwh(path, "tmy3", *args, tz, 180.0)
    direct = _direct_kwh(data, mid, *args, 180.0)
    assert ours == pytest.approx(direct, rel=1e-3)


@pytest.mark.parametrize(("fmt", "offset_h"), [("json", None), ("json", 0.5), ("json", 0.1797), ("csv", 0.5)])
def test_pvgis_pv_energy_matches_pvlib(tmp_path, fmt, offset_h):
    """A full-year PVGIS file (the fixture's data, JSON or CSV), its offset key honoured."""
    data = fixtures.chancay_data(fixtures.full_year_utc())
    path = tmp_path / f"pvgis.{fmt}"
    if fmt == "json":
        fixtures.write_pvgis_tmy_json(path, data)
        if offset_h is not None:
            doc = json.loads(path.read_text())
            doc["inputs"]["location"]["irradiance_time_offset"] = offset_h
            path.write_text(json.dumps(doc))
    else:
        fixtures.write_pvgis_tmy_csv(path, data)  # states "Irradiance Time Offset (h): 0.5"
    data, _ = pvlib.iotools.read_pvgis_tmy(str(path), pvgis_format=fmt, map_variables=True)
    labels = pd.DatetimeIndex(data.index.map(lambda t: t.replace(year=2025)))
    # a record is centred on HH:00 + offset (SARAH snapshots); without one, ERA5 hourly means at HH:30
    mid = labels + pd.Timedelta(hours=0.5 if offset_h is None else offset_h)
    args = (fixtures.LATITUDE, fixtures.LONGITUDE, fixtures.ALTITUDE_M)
    ours = _project_kwh(path, "pvgis_tmy", *args, "America/Lima", 0.0)
    direct = _direct_kwh(data, mid, *args, 0.0)
    assert ours == pytest.approx(direct, rel=1e-3)
