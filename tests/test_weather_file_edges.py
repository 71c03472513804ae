"""Weather-file edges (energy.weatherfile): TMY3 end labels, header checks, metadata and whole messages.

The TMY3 file is pvlib's Greensboro sample (UTC-5, end-labelled hours 01:00..24:00); the EPW
is the project's Chancay fixture. Expected values are read from the files' own text here.
"""

from __future__ import annotations

import math
import re
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


def _spencer_eot_min(doy):
    """Equation of time, Spencer (1971) as Iqbal (1983) gives it, written out here. [min]"""
    b = 2 * np.pi * (np.asarray(doy, dtype=float) - 1) / 365
    return 1440 / (2 * np.pi) * (0.0000075 + 0.001868 * np.cos(b) - 0.032077 * np.sin(b)
                     - 0.014615 * np.cos(2 * b) - 0.040849 * np.sin(2 * b))


@pytest.mark.parametrize(("tz", "lon", "shift_h"), [(UTC5, -77.2, 0.0), (UTC5, -77.2, 0.25 + 10 / 3600),
                                                    ("Etc/GMT-12", 170.0, 0.0), ("UTC", 0.0, -0.5)])
def test_noon_offset_is_the_ghi_weighted_solar_time_minus_noon(tz, lon, shift_h):
    """Hand-computed: each record at the middle of its hour (+ shift) in UTC, solar time =
    UTC + longitude / 15 + equation of time, wrapped onto 0-24 h, minus 12 h, GHI-weighted."""
    from energy.weatherfile import irradiance_noon_offset_h

    index = pd.DatetimeIndex([pd.Timestamp("2025-03-01 10:00", tz=tz) + pd.Timedelta(hours=h) for h in (0, 1, 2, 13)])
    ghi = np.array([100.0, 300.0, 200.0, 50.0])
    records = pd.DataFrame({"ghi_w_m2": ghi}, index=index)
    mid = index.tz_convert("UTC") + pd.Timedelta(hours=0.5 + shift_h)
    utc_h = np.array([t.hour + t.minute / 60 + t.second / 3600 for t in mid])
    solar = (utc_h + lon / 15 + _spencer_eot_min([t.day_of_year for t in mid]) / 60) % 24 - 12
    expected = float((ghi * solar).sum() / ghi.sum())
    assert irradiance_noon_offset_h(records, lon, shift_h) == pytest.approx(expected, abs=1e-9)
    dark = records.assign(ghi_w_m2=0.0)
    assert irradiance_noon_offset_h(dark, lon, shift_h) == 0.0  # no sun: no offset, no division by zero


@pytest.mark.parametrize(("off", "warned"), [(0.75, False), (-0.75, False), (0.7501, True), (-0.76, True),
                                             (0.0, False)])
def test_noon_warning_fires_just_past_the_tolerance_and_names_the_side(monkeypatch, off, warned):
    import energy.weatherfile as wf

    seen = {}

    def fake_offset(records, longitude, sun_shift=0.0):
        seen.update(longitude=longitude, sun_shift=sun_shift)
        return off

    monkeypatch.setattr(wf, "irradiance_noon_offset_h", fake_offset)
    records = pd.DataFrame({"ghi_w_m2": [1.0]}, index=pd.DatetimeIndex([pd.Timestamp("2025-03-01 12:00", tz="UTC")]))
    meta = {"longitude": -77.25, "tz_offset_h": -5.0, "sun_shift_h": 0.25}
    got = wf.noon_warning(records, meta, Path("w.epw"))
    assert seen == {"longitude": -77.25, "sun_shift": 0.25}
    if not warned:
        assert got == []
        return
    side = "before" if off < 0 else "after"
    assert got == [f"suspicious data: weather file w.epw: the irradiance peaks {abs(off):.1f} h {side} solar noon "
                   "(file time UTC-5 h, longitude -77.25); expected within 0.75 h: is the file's time zone "
                   "(header) or its hour labelling right?"]
    assert wf.noon_warning(records, {**meta, "longitude": float("nan")}, Path("w.epw")) == []
    assert wf.noon_warning(records, {"tz_offset_h": -5.0}, Path("w.epw")) == []
    del seen["sun_shift"]
    wf.noon_warning(records, {"longitude": 1.0, "tz_offset_h": 0.0}, Path("w.epw"))
    assert seen["sun_shift"] == 0.0  # no stated shift: the middle of the hour


def _typical_records(year: int, start: str, hours: int, zone=UTC5) -> pd.DataFrame:
    """Hourly records of a 'typical year' in file time, each value its own month*10000 + day*100 + hour."""
    idx = pd.date_range(pd.Timestamp(f"{year}-{start}", tz=zone), periods=hours, freq="h")
    key = (idx.month * 10000 + idx.day * 100 + idx.hour).to_numpy(dtype=float)
    return pd.DataFrame({"ghi_w_m2": key, "temp_air_c": -key}, index=idx)


def _edges(a: str, b: str, zone="America/Lima") -> pd.DatetimeIndex:
    return pd.DatetimeIndex([pd.Timestamp(a, tz=zone), pd.Timestamp(b, tz=zone)])


def test_typical_year_lookup_by_month_day_hour_on_whole_hours_of_the_file_zone():
    from energy.weatherfile import _typical_year_hours

    records = _typical_records(2019, "02-27 00:00", 96)  # 27 Feb .. 2 Mar, no 29 February
    # horizon off the hour, in another zone of the same offset: the grid is whole file hours around it
    grid, values = _typical_year_hours(records, _edges("2024-02-28 22:30", "2024-03-01 01:30"), Path("w.epw"), -5.0)
    assert grid[0] == pd.Timestamp("2024-02-28 22:00", tz=UTC5) and grid[-1] == pd.Timestamp("2024-03-01 02:00", tz=UTC5)
    assert (grid[1:] - grid[:-1] == pd.Timedelta("1h")).all()
    hours = grid[:-1]
    want = [(2 if h.day != 1 else 3) * 10000 + (28 if h.month == 2 else h.day) * 100 + h.hour for h in hours]
    assert values.shape == (len(hours), 2) and values.dtype == float
    assert values[:, 0].tolist() == want and values[:, 1].tolist() == [-w for w in want]
    assert values[2:26, 0].tolist() == [22800 + h for h in range(24)]  # 29 February reads 28 February
    # a file with its own 29 February uses it; the file's offset shifts the lookup
    leap = _typical_records(2020, "02-28 00:00", 72)
    _, v = _typical_year_hours(leap, _edges("2024-02-29 05:00", "2024-02-29 07:00", "UTC"), Path("w.epw"), -5.0)
    assert v[:, 0].tolist() == [22900.0, 22901.0]  # 05:00 UTC is 00:00 at UTC-5


def test_typical_year_refuses_off_hour_duplicate_and_missing_records():
    from energy.weatherfile import _typical_year_hours

    good = _typical_records(2019, "02-27 00:00", 48)
    edges = _edges("2019-02-27 03:00", "2019-02-27 05:00")
    for shift, text in [(pd.Timedelta(minutes=30), "03:30:00"), (pd.Timedelta(seconds=20), "03:00:20")]:
        idx = good.index.to_list()
        idx[3] = idx[3] + shift
        bad = good.set_axis(pd.DatetimeIndex(idx))
        with pytest.raises(EnergyError, match=r"^weather file w.epw: expected hourly records on the hour, found one "
                                              rf"at 2019-02-27 {text}-05:00$"):
            _typical_year_hours(bad, edges, Path("w.epw"), -5.0)
    twice = pd.concat([good.iloc[:5], good.iloc[[2]], good.iloc[5:]])
    with pytest.raises(EnergyError, match=r"^weather file w.epw: expected one record per hour of the year, found a "
                                          r"second record for 02-27 02:00$"):
        _typical_year_hours(twice, edges, Path("w.epw"), -5.0)
    holes = good.drop(good.index[[4, 6]])  # the horizon starts at the file's first record (position 0)
    with pytest.raises(EnergyError, match=r"^weather file w.epw: no record for 02-27 04:00 \(file time, UTC-5 h\); "
                                          r"expected a record for every hour of the model horizon "
                                          r"2019-02-27 00:00:00-05:00 \.\. 2019-02-27 05:00:00-05:00 "
                                          r"\(the file has 46 hourly records\)$"):
        _typical_year_hours(holes, _edges("2019-02-27 00:00", "2019-02-27 05:00"), Path("w.epw"), -5.0)
    _, v = _typical_year_hours(holes, _edges("2019-02-27 00:00", "2019-02-27 04:00"), Path("w.epw"), -5.0)
    assert v[:, 0].tolist() == [22700.0, 22701.0, 22702.0, 22703.0]  # up to the hole, not into it


@pytest.mark.parametrize(("a", "b", "zone", "noted"), [
    ("2024-02-28 00:00", "2024-03-01 00:00", "America/Lima", True),
    ("2024-02-28 00:00", "2024-02-29 00:00", "America/Lima", False),  # ends as 29 February begins
    ("2024-02-28 00:00", "2024-02-29 00:30", "America/Lima", True),  # its first half hour is used
    ("2024-02-29 23:30", "2024-03-01 01:00", "America/Lima", True),  # starts in its last hour
    ("2024-03-01 00:00", "2024-03-02 00:00", "America/Lima", False),
    ("2024-03-01 00:00", "2024-03-01 03:00", "UTC", True),  # 19:00-22:00 of 29 February at UTC-5
    ("2023-02-28 00:00", "2023-03-01 00:00", "America/Lima", False),  # no 29 February that year
])
def test_leap_day_note_only_when_the_horizon_uses_a_29_february_the_file_lacks(a, b, zone, noted):
    from energy.weatherfile import _leap_day_note

    plain = _typical_records(2019, "02-27 00:00", 96)
    note = ["w.epw: no 29 February in the file; the horizon's 29 February uses its 28 February"]
    assert _leap_day_note(plain, _edges(a, b, zone), Path("dir/w.epw"), -5.0) == (note if noted else [])
    assert _leap_day_note(_typical_records(2020, "02-28 00:00", 72), _edges(a, b, zone), Path("w.epw"), -5.0) == []


PVGIS_JSON = Path(__file__).parent / "data" / "chancay_sample_pvgis_tmy.json"


def _pvgis_variant(tmp_path: Path, name: str, change) -> Path:
    import json

    d = json.loads(PVGIS_JSON.read_text())
    change(d)
    p = tmp_path / name
    p.write_text(json.dumps(d))
    return p


@pytest.mark.parametrize(("offset", "shift"), [(-1.0, -1.5), (1.0, 0.5), (0.25, -0.25), ("0.5", 0.0)])
def test_pvgis_irradiance_time_offset_from_minus_one_to_one_hour_is_kept(tmp_path, offset, shift):
    p = _pvgis_variant(tmp_path, "w.json", lambda d: d["inputs"]["location"].update(irradiance_time_offset=offset))
    index = pd.date_range(pd.Timestamp("2025-01-01", tz="America/Lima"), periods=3, freq="h")
    data, meta = read_weather_file(p, fmt="pvgis_tmy", index=index)
    assert meta["irradiance_time_offset_h"] == float(offset) and meta["sun_shift_h"] == shift
    assert data.attrs["sun_shift_h"] == shift
    _, plain = read_weather_file(PVGIS_JSON, fmt="pvgis_tmy", index=index)
    assert "irradiance_time_offset_h" not in plain and plain["sun_shift_h"] == 0.0


def _pvgis_refusal(tmp_path: Path, change) -> tuple[Path, str]:
    """The file made by ``change`` of the PVGIS fixture, and the message reading it gives."""
    p = _pvgis_variant(tmp_path, "w.json", change)
    index = pd.date_range(pd.Timestamp("2025-01-01", tz="America/Lima"), periods=3, freq="h")
    with pytest.raises(EnergyError) as err:
        read_weather_file(p, fmt="pvgis_tmy", index=index)
    return p, str(err.value)


@pytest.mark.parametrize(("offset", "shown"), [(1.0001, "1.0001"), (-1.0001, "-1.0001"), ("soon", "nan")])
def test_pvgis_irradiance_time_offset_outside_an_hour_is_refused(tmp_path, offset, shown):
    p, message = _pvgis_refusal(tmp_path, lambda d: d["inputs"]["location"].update(irradiance_time_offset=offset))
    assert message == (f"weather file {p}: irradiance time offset {shown} h; expected a number of hours "
                       "between -1 and 1 (PVGIS states about 0.1-0.5)")


def test_pvgis_json_without_a_column_names_the_file_kind(tmp_path):
    p, message = _pvgis_refusal(tmp_path, lambda d: [r.pop("T2m") for r in d["outputs"]["tmy_hourly"]])
    assert message == (f"weather file {p}: the PVGIS TMY JSON file lacks the column(s) temp_air (pvlib "
                       "names); expected ghi, dni, dhi, temp_air and wind_speed")


def _tmy3_frame(rows):
    return pd.DataFrame(rows, columns=["Date (MM/DD/YYYY)", "Time (HH:MM)"])


def test_tmy3_labels_end_their_hour_and_keep_a_29_february_of_any_year():
    from energy.weatherfile import _tmy3_starts

    rows = [("02/28/1995", "24:00"), (" 02/29/1996", "01:00 "), ("12/31/2001", "24:00"), ("1/2/2003", "5:00")]
    got = _tmy3_starts(_tmy3_frame(rows), Path("t.csv"), -5.0)
    assert got.tolist() == [pd.Timestamp(s, tz=UTC5) for s in
                            ["2000-02-28 23:00", "2000-02-29 00:00", "2000-12-31 23:00", "2000-01-02 04:00"]]


@pytest.mark.parametrize(("date", "time"), [("02/30/1999", "01:00"), ("02/28/1999", "00:00"),
                                            ("02/28/1999", "25:00"), ("2/28", "01:00"), ("02/28/1999", "01:30"),
                                            ("13/01/1999", "01:00")])
def test_tmy3_refuses_a_date_or_hour_that_is_not_one_naming_its_row(date, time):
    from energy.weatherfile import _tmy3_starts

    rows = [("01/01/1999", "01:00"), ("01/01/1999", "02:00"), (date, time)]
    with pytest.raises(EnergyError) as err:
        _tmy3_starts(_tmy3_frame(rows), Path("t.csv"), -5.0)
    assert str(err.value) == (f"weather file t.csv: row 5: date {date!r} and time {time!r}: expected MM/DD/YYYY "
                              "and HH:00 from 01:00 to 24:00")


@pytest.mark.parametrize("keep", [["Date (MM/DD/YYYY)"], ["Time (HH:MM)"], []])
def test_tmy3_without_its_date_or_time_column_is_refused(keep):
    from energy.weatherfile import _tmy3_starts

    frame = _tmy3_frame([("01/01/1999", "01:00")])[keep].assign(GHI=1.0)
    with pytest.raises(EnergyError) as err:
        _tmy3_starts(frame, Path("t.csv"), -5.0)
    assert str(err.value) == ("weather file t.csv: TMY3 file lacks the columns 'Date (MM/DD/YYYY)' and "
                              "'Time (HH:MM)'; expected both")


@pytest.mark.parametrize(("name", "text", "fmt"), [
    ("a.txt", "LOCATION,Chancay,,PER\n", "epw"),
    ("a.txt", "\ufefflocation,Chancay\n", "epw"),  # a byte-order mark, any case
    ("a.txt", "  {\"inputs\": {}}\n", "pvgis_tmy"),
    ("a.txt", "Latitude (decimal degrees): -11.6\n", "pvgis_tmy"),
    ("a.txt", "723170,GREENSBORO,NC,-5.0,36.1,-79.9,273\nDate (MM/DD/YYYY),Time (HH:MM)\n", "tmy3"),
    ("a.EPW", "nothing known\n", "epw"),  # then the extension, any case
    ("a.Json", "nothing known\n", "pvgis_tmy"),
    ("a.epw", "", "epw"),  # an empty file
])
def test_format_is_told_by_the_first_lines_then_the_extension(tmp_path, name, text, fmt):
    from energy.weatherfile import _resolve_format

    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    assert _resolve_format(p, "auto") == fmt
    assert _resolve_format(p, "tmy3") == "tmy3"  # a stated format is taken as it is


@pytest.mark.parametrize("text", ["nothing known\n", "one line only", "Date (MM/DD/YYYY) first\n{\n"])
def test_an_unknown_weather_format_is_refused_with_the_choices(tmp_path, text):
    from energy.weatherfile import _resolve_format

    p = tmp_path / "w.csv"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(EnergyError) as err:
        _resolve_format(p, "auto")
    assert str(err.value) == (f"weather file {p}: cannot tell the format from its first lines; expected an EPW, "
                              "TMY3 or PVGIS TMY file, or [weather] format = one of epw, tmy3, pvgis_tmy")
    with pytest.raises(EnergyError) as err:
        _resolve_format(p, "wrf")
    assert str(err.value) == f"weather file {p}: format 'wrf' is unknown; expected one of auto, epw, tmy3, pvgis_tmy"


def _raiser(exc):
    def reader(path, **kwargs):
        raise exc
    return reader


@pytest.mark.parametrize(("exc", "what", "detail", "noun"), [
    (KeyError("Year"), "an EPW file", "field 'Year' missing", "EPW file"),
    (KeyError(), "a PVGIS TMY JSON file", "a field is missing", "PVGIS TMY JSON file"),
    (ValueError("bad\n  value   here"), "an EPW file", "ValueError: bad value here", "EPW file"),
    (ValueError(""), "the TMY3 file", "ValueError", "the TMY3 file"),
    (IndexError("x" * 250), "an EPW file", "IndexError: " + "x" * 200, "EPW file"),
    (UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte"), "an EPW file",
     "not UTF-8 text (invalid start byte at byte 0)", "EPW file"),
])
def test_a_failing_pvlib_reader_becomes_one_line_naming_the_file(exc, what, detail, noun):
    from energy.weatherfile import _call_reader

    seen = {}

    def ok(path, **kwargs):
        seen.update(path=path, **kwargs)
        return "data", {}

    assert _call_reader(ok, Path("d/w.epw"), what, pvgis_format="json") == ("data", {})
    assert seen == {"path": str(Path("d/w.epw")), "pvgis_format": "json"}
    with pytest.raises(EnergyError) as err:
        _call_reader(_raiser(exc), Path("d/w.epw"), what)
    assert str(err.value) == (f"weather file {Path('d/w.epw')}: cannot be read as {what} ({detail}); "
                              f"expected a well-formed {noun}")
    assert err.value.__cause__ is exc


def _pvlib_frame(**override):
    idx = pd.date_range(pd.Timestamp("2025-01-01", tz="UTC"), periods=3, freq="h")
    base = {"ghi": [0.0, 100.0, 200.0], "dni": [0.0, 50.0, 60.0], "dhi": [0.0, 40.0, 70.0],
            "temp_air": [20.0, 21.0, 22.0], "wind_speed": [3.0, 4.0, 5.0], "other": [1, 2, 3]}
    base.update(override)
    return pd.DataFrame(base, index=idx)


def test_weather_values_at_their_limits_are_kept_and_small_negative_irradiance_is_zeroed():
    from energy.weatherfile import _canonical

    frame = _pvlib_frame(ghi=[-10.0, 2000.0, 5.0], dni=[-0.5, 0.0, 2000.0], temp_air=[-90.0, 70.0, 0.0],
                         wind_speed=[0.0, 90.0, 1.0])
    out = _canonical(frame, Path("w.epw"), "the EPW file")
    assert list(out.columns) == ["ghi_w_m2", "dni_w_m2", "dhi_w_m2", "temp_air_c", "wind_speed_m_s"]
    assert out["ghi_w_m2"].tolist() == [0.0, 2000.0, 5.0] and out["dni_w_m2"].tolist() == [0.0, 0.0, 2000.0]
    assert out["temp_air_c"].tolist() == [-90.0, 70.0, 0.0] and out["wind_speed_m_s"].tolist() == [0.0, 90.0, 1.0]


@pytest.mark.parametrize(("column", "values", "first", "count", "found"), [
    ("ghi", [0.0, 2000.5, 3000.0], 1, 2, "2000.5"),
    ("temp_air", [-90.5, 0.0, 0.0], 0, 1, "-90.5"),
    ("wind_speed", [1.0, 2.0, -0.1], 2, 1, "-0.1"),
    ("dhi", [1.0, None, 1.0], 1, 1, "an empty or non-numeric value"),
    ("dni", [1.0, " n/a ", 1.0], 1, 1, "'n/a'"),
])
def test_weather_values_out_of_range_are_refused_at_the_first_row(column, values, first, count, found):
    from energy.weatherfile import _CANONICAL_TO_PVLIB, _VALID_RANGE, _canonical

    frame = _pvlib_frame(**{column: values})
    canonical = {v: k for k, v in _CANONICAL_TO_PVLIB.items()}[column]
    lo, hi = _VALID_RANGE[canonical]
    stamp = frame.index[first]
    for lines, where in [(np.array([9, 10, 11]), f"row {9 + first} ({stamp})"), (None, f"{stamp}")]:
        with pytest.raises(EnergyError) as err:
            _canonical(frame, Path("w.epw"), "the EPW file", lines=lines)
        assert str(err.value) == (f"weather file w.epw: column {canonical} has {count} missing or out-of-range "
                                  f"value(s), first at {where}: expected {lo:g}..{hi:g}, found {found} "
                                  "(missing-data markers are not filled in)")


def test_weather_without_pvlib_columns_names_every_missing_one():
    from energy.weatherfile import _canonical

    with pytest.raises(EnergyError) as err:
        _canonical(_pvlib_frame().drop(columns=["dni", "wind_speed"]), Path("w.epw"), "the EPW file")
    assert str(err.value) == ("weather file w.epw: the EPW file lacks the column(s) dni, wind_speed (pvlib names); "
                              "expected ghi, dni, dhi, temp_air and wind_speed")


def test_head_reads_the_first_lines_as_text_whatever_the_bytes(tmp_path):
    from energy.weatherfile import _head

    p = tmp_path / "w.epw"
    p.write_bytes(b"LOC\xffATION,x\nsecond\nthird\n")
    assert _head(p) == ["LOC\ufffdATION,x\n", "second\n"]
    assert _head(p, 1) == ["LOC\ufffdATION,x\n"]
    assert _head(p, 4) == ["LOC\ufffdATION,x\n", "second\n", "third\n", ""]
    with pytest.raises(EnergyError, match=rf"^weather file {re.escape(str(tmp_path))}: cannot be opened \(.+\)$"):
        _head(tmp_path)


@pytest.mark.parametrize(("key", "lo", "hi"), [("latitude", -90.0, 90.0), ("longitude", -180.0, 180.0),
                                               ("altitude_m", -500.0, 9000.0), ("tz_offset_h", -12.0, 14.0)])
def test_weather_header_values_at_their_limits_are_kept_and_beyond_refused(key, lo, hi):
    from energy.weatherfile import _meta

    base = {"latitude": -11.6, "longitude": -77.3, "altitude_m": 5.0, "tz_offset_h": -5.0}

    def meta(value, **kw):
        args = {**base, key: value}
        return _meta(Path("w.epw"), "epw", args["latitude"], args["longitude"], args["altitude_m"],
                     args["tz_offset_h"], **kw)

    for edge in (lo, hi, str(hi)):
        assert meta(edge)[key] == float(edge)
    for beyond, shown in [(lo - 0.01, f"{lo - 0.01!r}"), (hi + 0.01, f"{hi + 0.01!r}"), ("north", "'north'"),
                          (None, "None")]:
        with pytest.raises(EnergyError) as err:
            meta(beyond)
        assert str(err.value) == (f"weather file w.epw: header {key} is {shown}; expected a number from {lo:g} "
                                  f"to {hi:g}")
    assert math.isnan(meta(None, missing_ok=True)[key])  # a PVGIS file may leave its location out


def test_weather_metadata_names_the_site_without_quotes():
    from energy.weatherfile import _meta

    m = _meta(Path("d/w.epw"), "tmy3", 1.0, 2.0, 3.0, -5.0, ' "GREENSBORO" ')
    assert m == {"source": "tmy3", "path": str(Path("d/w.epw")), "name": "GREENSBORO", "latitude": 1.0,
                 "longitude": 2.0, "altitude_m": 3.0, "tz_offset_h": -5.0}
    assert _meta(Path("w.epw"), "epw", 1.0, 2.0, 3.0, 0.0)["name"] == ""


def test_tmy3_out_of_range_value_names_its_file_line(tmp_path):
    rows = TMY3.read_text().splitlines(keepends=True)
    header = rows[1].split(",")
    col = header.index("GHI (W/m^2)")
    cells = rows[2 + 4].split(",")  # the fifth record, line 7 of the file
    cells[col] = "2500"
    rows[6] = ",".join(cells)
    bad = tmp_path / "t.csv"
    bad.write_text("".join(rows))
    index = pd.date_range(pd.Timestamp("2025-01-01", tz=UTC5), periods=24, freq="h")
    with pytest.raises(EnergyError, match=r"^weather file .*t\.csv: column ghi_w_m2 has 1 missing or out-of-range "
                                          r"value\(s\), first at row 7 \(2000-01-01 04:00:00-05:00\): expected "
                                          r"-10\.\.2000, found 2500 \(missing-data markers are not filled in\)$"):
        read_weather_file(bad, fmt="tmy3", index=index)
