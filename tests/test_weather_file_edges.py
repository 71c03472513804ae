"""Weather-file edges (energy.weatherfile): TMY3 end labels, header checks, metadata and whole messages.

The TMY3 file is pvlib's Greensboro sample (UTC-5, end-labelled hours 01:00..24:00); the EPW
is the project's Chancay fixture. Expected values are read from the files' own text here.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pvlib
import pytest

from energy.errors import EnergyError
from energy.weatherfile import read_weather_file

TMY3 = Path(pvlib.__file__).parent / "data" / "723170TYA.CSV"
EPW = Path(__file__).parent / "data" / "chancay_sample.epw"
UTC5 = "Etc/GMT+5"  # the TMY3 file's standard time, UTC-5


def tmy3_rows():
    return pd.read_csv(TMY3, skiprows=1, dtype=str)


def test_tmy3_hour_labelled_hh00_is_the_hour_before_it_and_24_00_ends_the_same_day():
    index = pd.date_range(pd.Timestamp("2025-01-01 10:00", tz=UTC5), periods=4, freq="h")
    data, meta = read_weather_file(TMY3, fmt="tmy3", index=index)
    rows = tmy3_rows()
    day = rows[rows["Date (MM/DD/YYYY)"].str.startswith("01/01/")]
    for k, label in enumerate(["11:00", "12:00", "13:00", "14:00"]):  # hour 10 ends at 11:00, ...
        row = day[day["Time (HH:MM)"] == label].iloc[0]
        assert data["ghi_w_m2"].iloc[k] == pytest.approx(float(row["GHI (W/m^2)"]), rel=1e-12)
        assert data["temp_air_c"].iloc[k] == pytest.approx(float(row["Dry-bulb (C)"]), rel=1e-12)
    last = read_weather_file(TMY3, fmt="tmy3", index=pd.date_range(pd.Timestamp("2025-01-01 23:00", tz=UTC5),
                                                                   periods=1, freq="h"))[0]
    row = day[day["Time (HH:MM)"] == "24:00"].iloc[0]
    assert last["temp_air_c"].iloc[0] == pytest.approx(float(row["Dry-bulb (C)"]), rel=1e-12)
    assert meta["source"] == "tmy3" and meta["tz_offset_h"] == -5.0
    assert meta["name"] == "GREENSBORO PIEDMONT TRIAD INT"
    assert (meta["latitude"], meta["longitude"], meta["altitude_m"]) == (36.1, -79.95, 273.0)


def test_tmy3_with_a_wrong_second_line_is_refused_showing_it(tmp_path):
    lines = TMY3.read_text().splitlines()
    lines[1] = "Datum;Zeit;" + "x" * 60
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join(lines) + "\n")
    with pytest.raises(EnergyError, match=r"bad\.csv: cannot be read as a TMY3 file; expected a site line and "
                                          r"then a header line starting 'Date \(MM/DD/YYYY\)', found "
                                          r"'Datum;Zeit;x{26}' on line 2$"):
        read_weather_file(bad, fmt="tmy3", index=pd.date_range("2025-01-01", periods=2, freq="h", tz=UTC5))


@pytest.mark.parametrize(("date", "time"), [("01/01/1988", "25:00"), ("01/01/1988", "00:00"),
                                            ("01/01/1988", "5:30")])
def test_tmy3_record_times_outside_01_00_to_24_00_are_refused_with_their_row(tmp_path, date, time):
    lines = TMY3.read_text().splitlines()
    fields = lines[2 + 4].split(",")  # data row 4: file line 7
    fields[0], fields[1] = date, time
    lines[2 + 4] = ",".join(fields)
    bad = tmp_path / "times.csv"
    bad.write_text("\n".join(lines) + "\n")
    with pytest.raises(EnergyError, match=rf"times\.csv: row 7: date '{date}' and time '{time}': expected "
                                          r"MM/DD/YYYY and HH:00 from 01:00 to 24:00$"):
        read_weather_file(bad, fmt="tmy3", index=pd.date_range("2025-01-01", periods=2, freq="h", tz=UTC5))


def test_epw_whose_first_line_is_not_location_shows_its_first_37_characters(tmp_path):
    bad = tmp_path / "long.epw"
    bad.write_text("\ufeff" + "NOT A LOCATION LINE, " * 4 + "\n" + EPW.read_text().split("\n", 1)[1])
    with pytest.raises(EnergyError, match=r"long\.epw: cannot be read as an EPW file; expected a first line "
                                          r"starting with LOCATION, found 'NOT A LOCATION LINE, NOT A LOCATION "
                                          r"L\.\.\.'$"):
        read_weather_file(bad, fmt="epw", index=pd.date_range("2025-01-04", periods=2, freq="h", tz="America/Lima"))
    short = tmp_path / "short.epw"
    short.write_text("x" * 40 + "\n")  # 40 characters are shown whole
    with pytest.raises(EnergyError, match=rf"found '{'x' * 40}'$"):
        read_weather_file(short, fmt="epw", index=pd.date_range("2025-01-04", periods=2, freq="h", tz="America/Lima"))


def test_epw_metadata_and_the_file_line_of_a_bad_value(tmp_path):
    index = pd.date_range(pd.Timestamp("2025-01-04", tz="America/Lima"), periods=2, freq="h")
    _, meta = read_weather_file(EPW, fmt="epw", index=index)
    assert meta["name"] == "Chancay fixture" and meta["source"] == "epw"
    assert (meta["latitude"], meta["longitude"], meta["altitude_m"], meta["tz_offset_h"]) == (
        -11.59333, -77.27778, 5.0, -5.0)
    lines = EPW.read_text().splitlines()
    fields = lines[8 + 80].split(",")
    fields[21] = "-3"  # wind direction is not read; wind speed is field 21
    lines[8 + 80] = ",".join(fields)
    bad = tmp_path / "wind.epw"
    bad.write_text("\n".join(lines) + "\n")
    with pytest.raises(EnergyError, match=r"wind\.epw: column wind_speed_m_s has 1 missing or out-of-range "
                                          r"value\(s\), first at row 89 \(.*\): expected 0\.\.[0-9]+, found -3 "
                                          r"\(missing-data markers are not filled in\)$"):
        read_weather_file(bad, fmt="epw", index=index)


def test_weather_values_are_held_over_finer_steps_and_averaged_over_coarser_ones():
    hourly = pd.date_range(pd.Timestamp("2025-01-04 10:00", tz="America/Lima"), periods=2, freq="h")
    h, _ = read_weather_file(EPW, fmt="epw", index=hourly)
    fine, _ = read_weather_file(EPW, fmt="epw", index=pd.date_range(hourly[0], periods=4, freq="30min"))
    np.testing.assert_array_equal(fine["ghi_w_m2"].to_numpy(), np.repeat(h["ghi_w_m2"].to_numpy(), 2))
    coarse, _ = read_weather_file(EPW, fmt="epw", index=pd.date_range(hourly[0], periods=1, freq="2h"))
    assert coarse["ghi_w_m2"].iloc[0] == pytest.approx(h["ghi_w_m2"].mean(), rel=1e-12)
