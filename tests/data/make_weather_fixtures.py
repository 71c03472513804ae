"""Write the small weather-file fixtures of the test suite.

Run once from the repository root (the files it writes are committed)::

    python tests/data/make_weather_fixtures.py

It writes, for a Chancay-like site, the same deterministic data in two formats:

* ``chancay_sample.epw``: an EPW (UTC-5 local standard time, hour-ending records)
* ``chancay_sample_pvgis_tmy.json``: a PVGIS TMY JSON (UTC, hour-beginning records)

covering 1-10 January, 25 February - 3 March (no 29 February), 1-10 July and
29-31 December, each month taken from a different year as typical-year files do.
The data come from pvlib only (Ineichen clear sky at the middle of each hour times a
monthly clearness, Erbs split, simple diurnal temperature and wind), not from
``energy``, so the tests that read them stay independent of the synthetic generator.

The tests also call :func:`write_pvgis_tmy_csv` to write a full-year PVGIS CSV (pvlib's
CSV reader needs all 8760 rows) into a temporary folder.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pvlib

HERE = Path(__file__).parent
LATITUDE, LONGITUDE, ALTITUDE_M = -11.59333, -77.27778, 5.0
EPW_TZ_H = -5
# month -> year the typical-year file took that month from
YEARS = {1: 2011, 2: 2009, 3: 2009, 4: 2014, 5: 2012, 6: 2006, 7: 2005, 8: 2016,
         9: 2010, 10: 2007, 11: 2015, 12: 2013}
CLEARNESS = {1: 0.75, 2: 0.72, 3: 0.76, 4: 0.74, 5: 0.62, 6: 0.48, 7: 0.45, 8: 0.46,
             9: 0.52, 10: 0.64, 11: 0.68, 12: 0.72}
SPANS = [("01-01", "01-10"), ("02-25", "03-03"), ("07-01", "07-10"), ("12-29", "12-31")]


def hour_starts(tz_offset_h: float, spans=SPANS) -> pd.DatetimeIndex:
    """Hour starts in a fixed-offset zone, month by month in the years of :data:`YEARS`."""
    parts = []
    for first, last in spans:
        month = int(first[:2])
        year = YEARS[month]
        start = pd.Timestamp(f"{year}-{first} 00:00")
        stop = pd.Timestamp(f"{YEARS[int(last[:2])]}-{last} 23:00")
        parts.append(pd.date_range(start, stop, freq="h"))
    zone = f"Etc/GMT{-int(tz_offset_h):+d}" if tz_offset_h else "UTC"
    return pd.DatetimeIndex(np.concatenate([p.to_numpy() for p in parts])).tz_localize(zone)


def chancay_data(starts: pd.DatetimeIndex) -> pd.DataFrame:
    """Deterministic hourly weather for the hours that start at ``starts``."""
    mid = starts + pd.Timedelta(minutes=30)
    location = pvlib.location.Location(LATITUDE, LONGITUDE, altitude=ALTITUDE_M)
    solpos = location.get_solarposition(mid)
    clear = location.get_clearsky(mid, model="ineichen", solar_position=solpos)["ghi"]
    local = mid.tz_convert("Etc/GMT+5")
    day = np.asarray(local.day, dtype=float)
    hour = np.asarray(local.hour + local.minute / 60, dtype=float)
    clearness = np.array([CLEARNESS[m] for m in local.month]) * (1 - 0.08 * np.sin(day))
    ghi = np.round(clear.to_numpy() * clearness)
    split = pvlib.irradiance.erbs(ghi, solpos["zenith"].to_numpy(), mid)
    dni = np.round(np.asarray(split["dni"]))
    dhi = np.round(np.asarray(split["dhi"]))
    temp = np.round(20 + 3 * np.sin(2 * np.pi * (hour - 9) / 24) + 0.3 * np.cos(day), 1)
    wind = np.round(4 + 2 * np.sin(2 * np.pi * (hour - 11) / 24) + 0.5 * np.cos(day), 1)
    return pd.DataFrame(
        {"ghi": ghi, "dni": dni, "dhi": dhi, "temp_air": temp, "wind_speed": wind},
        index=starts,
    )


def write_epw(path: Path, data: pd.DataFrame, tz_offset_h: float = EPW_TZ_H) -> None:
    """Write an EPW: hour ``h`` (1..24) holds the hour that starts at ``h-1``."""
    header = [
        f"LOCATION,Chancay fixture,LIM,PER,port-energy test data,846280,"
        f"{LATITUDE},{LONGITUDE},{tz_offset_h:.1f},{ALTITUDE_M}",
        "DESIGN CONDITIONS,0",
        "TYPICAL/EXTREME PERIODS,0",
        "GROUND TEMPERATURES,0",
        "HOLIDAYS/DAYLIGHT SAVINGS,No,0,0,0",
        "COMMENTS 1,Deterministic test data written by tests/data/make_weather_fixtures.py",
        "COMMENTS 2,Not a real weather record",
        "DATA PERIODS,1,1,Data,Sunday, 1/ 1,12/31",
    ]
    rows = []
    for ts, rec in data.iterrows():
        rows.append(",".join(str(v) for v in [
            ts.year, ts.month, ts.day, ts.hour + 1, 60, "?9?9?9?9E0?9?9?9?9?9?9?9?9?9?9?9?9",
            rec.temp_air, 15.0, 75, 101200, 0, 0, 380, int(rec.ghi), int(rec.dni),
            int(rec.dhi), 999999, 999999, 999999, 9999, 180, rec.wind_speed, 5, 5, 9999,
            77777, 9, 999999999, 20, 0.1, 0, 88, 0.2, 0, 0,
        ]))
    path.write_text("\n".join(header + rows) + "\n")


def _pvgis_records(data: pd.DataFrame) -> list[dict]:
    """PVGIS TMY hourly records (UTC, hour-beginning)."""
    utc = data.index.tz_convert("UTC")
    return [
        {"time(UTC)": f"{ts:%Y%m%d:%H%M}", "T2m": float(rec.temp_air), "RH": 75.0,
         "G(h)": float(rec.ghi), "Gb(n)": float(rec.dni), "Gd(h)": float(rec.dhi),
         "IR(h)": 380.0, "WS10m": float(rec.wind_speed), "WD10m": 180.0, "SP": 101200.0}
        for ts, rec in zip(utc, data.itertuples(), strict=True)
    ]


def write_pvgis_tmy_json(path: Path, data: pd.DataFrame) -> None:
    """Write a PVGIS TMY JSON file."""
    doc = {
        "inputs": {
            "location": {"latitude": LATITUDE, "longitude": LONGITUDE, "elevation": ALTITUDE_M},
            "meteo_data": {"radiation_db": "PVGIS-ERA5", "year_min": 2005, "year_max": 2020},
        },
        "outputs": {
            "months_selected": [{"month": m, "year": y} for m, y in YEARS.items()],
            "tmy_hourly": _pvgis_records(data),
        },
        "meta": {"inputs": {"location": {"description": "Selected location"}},
                 "outputs": {"tmy_hourly": {"type": "time series"}}},
    }
    path.write_text(json.dumps(doc, separators=(",", ":")))


def write_pvgis_tmy_csv(path: Path, data: pd.DataFrame) -> None:
    """Write a PVGIS TMY CSV file (``data`` must hold exactly 8760 hours)."""
    if len(data) != 8760:
        raise ValueError(f"a PVGIS TMY CSV needs 8760 rows, got {len(data)}")
    lines = [
        f"Latitude (decimal degrees): {LATITUDE}",
        f"Longitude (decimal degrees): {LONGITUDE}",
        f"Elevation (m): {ALTITUDE_M}",
        "Irradiance Time Offset (h): 0.5",
        "month,year",
        *[f"{m},{y}" for m, y in YEARS.items()],
        "time(UTC),T2m,RH,G(h),Gb(n),Gd(h),IR(h),WS10m,WD10m,SP",
    ]
    for rec in _pvgis_records(data):
        lines.append(",".join(str(v) for v in rec.values()))
    lines += ["T2m: 2-m air temperature (degree Celsius)", "G(h): Global irradiance (W/m2)"]
    path.write_text("\r\n".join(lines) + "\r\n")


def full_year_utc() -> pd.DatetimeIndex:
    """8760 UTC hour starts, each month from its :data:`YEARS` year (no 29 February)."""
    return hour_starts(0, [(f"{m:02d}-01", f"{m:02d}-{pd.Timestamp(2001, m, 1).days_in_month}")
                           for m in range(1, 13)])


def main() -> None:
    """Write the committed fixtures next to this script."""
    write_epw(HERE / "chancay_sample.epw", chancay_data(hour_starts(EPW_TZ_H)))
    write_pvgis_tmy_json(HERE / "chancay_sample_pvgis_tmy.json", chancay_data(hour_starts(0)))


if __name__ == "__main__":
    main()
