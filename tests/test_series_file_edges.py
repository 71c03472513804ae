"""More edges of the CSV time-series reader (energy.timeseries): a model index without a freq,
files that start before the horizon, whole messages naming the first bad row or step, and PVGIS
files in their other shapes (energy.weatherfile).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from energy.config import SeriesFile
from energy.errors import EnergyError
from energy.timeseries import read_series_csv
from energy.weatherfile import read_weather_file

TZ = "America/Lima"
DATA = Path(__file__).parent / "data"


def write(path, start, periods, freq, values=None):
    idx = pd.date_range(pd.Timestamp(start, tz=TZ), periods=periods, freq=freq)
    vals = np.arange(periods, dtype=float) if values is None else values
    path.write_text("timestamp,value\n" + "".join(f"{t.isoformat()},{v}\n" for t, v in zip(idx, vals, strict=True)))
    return path


def read(path, index, end, **kw):
    return read_series_csv(SeriesFile(file=path, units="kW"), index, end, quantity="power_kw", **kw)


def no_freq(start, periods, freq):
    """A model index like one read back from a file: the same steps, but no freq attribute."""
    idx = pd.date_range(pd.Timestamp(start, tz=TZ), periods=periods, freq=freq)
    out = pd.DatetimeIndex(list(idx))
    assert out.freq is None
    return out, idx[-1] + pd.Timedelta(freq)


def test_a_model_index_without_freq_takes_its_step_from_the_first_two_steps(tmp_path):
    index, end = no_freq("2025-03-01 00:00", 3, "1h")
    p = write(tmp_path / "q.csv", "2025-03-01 00:00", 12, "15min")
    got = read(p, index, end)
    np.testing.assert_allclose(got.values.to_numpy(), np.arange(12.0).reshape(3, 4).mean(axis=1))
    assert got.notes == ["q.csv: resampled from 15min to 1h by the mean of each step"]
    p = write(tmp_path / "h.csv", "2025-03-01 00:00", 2, "2h", [4.0, 8.0])
    index4, end4 = no_freq("2025-03-01 00:00", 4, "1h")
    np.testing.assert_array_equal(read(p, index4, end4).values.to_numpy(), [4.0, 4.0, 8.0, 8.0])


def test_refining_a_file_that_starts_before_the_horizon_keeps_the_model_steps(tmp_path):
    index = pd.date_range(pd.Timestamp("2025-03-01 00:00", tz=TZ), periods=4, freq="30min")
    end = index[-1] + pd.Timedelta("30min")
    p = write(tmp_path / "a.csv", "2025-02-28 22:00", 5, "1h", [1.0, 2.0, 3.0, 4.0, 5.0])
    got = read(p, index, end)
    assert got.values.index.equals(index)
    np.testing.assert_array_equal(got.values.to_numpy(), [3.0, 3.0, 4.0, 4.0])


def test_the_offset_message_names_the_file_start_and_the_horizon_start(tmp_path):
    index = pd.date_range(pd.Timestamp("2025-03-01 00:00", tz=TZ), periods=3, freq="1h")
    p = write(tmp_path / "a.csv", "2025-02-28 23:30", 6, "1h")
    with pytest.raises(EnergyError, match=r"a\.csv: timestamps every 1h from 2025-02-28T23:30:00-05:00 do not fall "
                                          r"on the model steps of 1h from 2025-03-01T00:00:00-05:00; expected "
                                          r"intervals that start on the model's step boundaries$"):
        read(p, index, index[-1] + pd.Timedelta("1h"))


def test_an_index_with_a_gap_holds_the_file_value_of_each_model_step(tmp_path):
    # 2-hourly file from 00:00, a model of 1-hour steps whose index skips 02:00 and 03:00 (no freq):
    # a file that ends at 04:00 does not cover the horizon; one that goes on to 06:00 is held
    index = pd.DatetimeIndex([pd.Timestamp(f"2025-03-01 {h:02d}:00", tz=TZ) for h in (0, 1, 4, 5)])
    p = write(tmp_path / "a.csv", "2025-03-01 00:00", 2, "2h", [1.0, 2.0])
    with pytest.raises(EnergyError, match=r"a\.csv: covers .*expected it to cover the model horizon"):
        read(p, index, pd.Timestamp("2025-03-01 06:00", tz=TZ))
    p = write(tmp_path / "b.csv", "2025-03-01 00:00", 3, "2h", [1.0, 2.0, 3.0])
    got = read(p, index, pd.Timestamp("2025-03-01 06:00", tz=TZ))
    np.testing.assert_array_equal(got.values.to_numpy(), [1.0, 1.0, 3.0, 3.0])


def test_pvgis_tmy_as_epw_json_without_its_extension_and_with_a_bom(tmp_path):
    index = pd.date_range(pd.Timestamp("2025-01-04", tz=TZ), periods=3, freq="h")
    data_epw, meta = read_weather_file(DATA / "chancay_sample.epw", fmt="pvgis_tmy", index=index)
    assert meta["source"] == "pvgis_tmy" and meta["name"] == "Chancay fixture"
    bom = tmp_path / "bom.epw"
    bom.write_text("\ufeff" + (DATA / "chancay_sample.epw").read_text(), encoding="utf-8")
    data_bom, meta = read_weather_file(bom, fmt="pvgis_tmy", index=index)
    assert meta["source"] == "pvgis_tmy"
    pd.testing.assert_frame_equal(data_bom, data_epw)
    as_text = tmp_path / "pvgis.txt"  # the JSON under a name that does not say so
    as_text.write_text((DATA / "chancay_sample_pvgis_tmy.json").read_text())
    data_txt, meta = read_weather_file(as_text, fmt="pvgis_tmy", index=index)
    data_json, _ = read_weather_file(DATA / "chancay_sample_pvgis_tmy.json", fmt="pvgis_tmy", index=index)
    pd.testing.assert_frame_equal(data_txt, data_json)
    assert meta["source"] == "pvgis_tmy"
    doc = json.loads((DATA / "chancay_sample_pvgis_tmy.json").read_text())
    assert meta["latitude"] == pytest.approx(doc["inputs"]["location"]["latitude"])


@pytest.mark.parametrize(("text", "dayfirst", "reason"), [
    ("2025-02-30 10:00", False, " (day is out of range for month)"),
    ("2025-02-30 10:00", True, " (day is out of range for month)"),
    ("2025-13-01 10:00", False, " (month must be in 1..12)"),
    ("30/02/2025 10:00", False, " (day-first dates need dayfirst = true)"),
    ("30/02/2025 10:00", True, " (day is out of range for month)"),
    ("2025-01-01 25:00", False, " (hour must be in 0..23)"),
    ("2025-01-01 10:00 later", False, ""),
])
def test_an_unparsable_timestamp_says_why_when_pandas_says_so_briefly(text, dayfirst, reason):
    from energy.timeseries import parse_timestamps

    raw = pd.Series(["2025-01-01 00:00", text])
    with pytest.raises(EnergyError) as err:
        parse_timestamps(raw, Path("a.csv"), "timestamp", tz=TZ, file_tz=TZ, dayfirst=dayfirst)
    assert str(err.value) == (f"a.csv: row 3: cannot parse timestamp '{text}' in column 'timestamp'; "
                              f"expected ISO 8601 such as 2025-01-31 18:15{reason}")


def test_coarsening_onto_an_index_with_a_gap_is_refused_naming_the_file_start(tmp_path):
    index = pd.DatetimeIndex([pd.Timestamp(f"2025-03-01 {h:02d}:00", tz=TZ) for h in (0, 1, 4, 5)])
    p = write(tmp_path / "a.csv", "2025-03-01 00:00", 12, "30min")
    with pytest.raises(EnergyError) as err:
        read(p, index, pd.Timestamp("2025-03-01 06:00", tz=TZ))
    assert str(err.value) == (f"{p}: timestamps every 30min starting 2025-03-01T00:00:00-05:00 do not align with "
                              "the model steps of 1h; expected timestamps on the model's step boundaries")


def test_a_non_numeric_crane_count_names_its_column(tmp_path):
    from energy.config.schema import VesselCallsFile
    from energy.timeseries import read_vessel_calls

    p = tmp_path / "calls.csv"
    p.write_text("vessel,arrival,departure,moves,max_cranes\nA,2025-01-06 00:00,2025-01-06 04:00,10,x\n")
    with pytest.raises(EnergyError) as err:
        read_vessel_calls(VesselCallsFile(file=p), TZ)
    assert str(err.value) == f"{p}: row 2: column 'max_cranes' is 'x'; expected a number"


def test_pvgis_json_metadata_and_a_location_that_is_not_a_table(tmp_path):
    index = pd.date_range(pd.Timestamp("2025-01-04", tz=TZ), periods=2, freq="h")
    _, meta = read_weather_file(DATA / "chancay_sample_pvgis_tmy.json", fmt="pvgis_tmy", index=index)
    assert meta["name"] == "PVGIS TMY" and meta["tz_offset_h"] == 0.0
    assert meta["path"] == str(DATA / "chancay_sample_pvgis_tmy.json")
    doc = json.loads((DATA / "chancay_sample_pvgis_tmy.json").read_text())
    del doc["inputs"]["location"]["elevation"]  # a PVGIS file may leave its location out
    no_elevation = tmp_path / "no_elevation.json"
    no_elevation.write_text(json.dumps(doc))
    _, meta = read_weather_file(no_elevation, fmt="pvgis_tmy", index=index)
    assert np.isnan(meta["altitude_m"])
    doc["inputs"]["location"] = "Chancay"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc))
    with pytest.raises(EnergyError) as err:
        read_weather_file(bad, fmt="pvgis_tmy", index=index)
    assert str(err.value) == (f"weather file {bad}: inputs.location is 'Chancay'; expected a table of latitude, "
                              "longitude and elevation")


def numbers(values, **kw):
    from energy.timeseries import parse_numbers

    return parse_numbers(pd.Series(["0", *values]), Path("a.csv"), "v", **kw)


def test_decimal_commas_thousands_dots_and_no_break_spaces():
    np.testing.assert_array_equal(numbers(["1.234,5", "1234,5", "7", " 2\u00a0000,25 "], decimal=","),
                                  [0.0, 1234.5, 1234.5, 7.0, 2000.25])
    np.testing.assert_array_equal(numbers(["1\u00a0234.5"]), [0.0, 1234.5])


@pytest.mark.parametrize(("value", "kw", "message"), [
    ("1,5", {}, "column 'v' is '1,5'; expected a number (is the decimal separator right? it is '.')"),
    ("1.5", {"decimal": ","}, "column 'v' is '1.5'; expected a number (is the decimal separator right? it is ',')"),
    ("abc", {"decimal": ","}, "column 'v' is 'abc'; expected a number"),
    (" ", {}, "column 'v' is empty; expected a number"),
    ("-1", {}, "column 'v' is '-1'; expected a value >= 0"),
    ("1.000001e12", {}, "column 'v' is '1.000001e12'; expected a number of magnitude at most 1e12"),
    ("-2e12", {"allow_negative": True}, "column 'v' is '-2e12'; expected a number of magnitude at most 1e12"),
])
def test_bad_numbers_name_the_first_bad_row(value, kw, message):
    with pytest.raises(EnergyError) as err:
        numbers([value, value], **kw)
    assert str(err.value) == f"a.csv: row 3: {message}"


def test_numbers_of_magnitude_1e12_are_the_largest_accepted():
    np.testing.assert_array_equal(numbers(["1e12", "-1e12"], allow_negative=True), [0.0, 1e12, -1e12])


def spacing(stamps):
    from energy.timeseries import check_spacing

    idx = pd.DatetimeIndex([pd.Timestamp(s, tz=TZ) for s in stamps])
    return check_spacing(idx, Path("a.csv"))


def test_spacing_returns_the_step_and_names_the_first_bad_row():
    assert spacing(["2025-01-01 00:00", "2025-01-01 00:15", "2025-01-01 00:30"]) == pd.Timedelta("15min")
    cases = [
        (["2024-02-27", "2024-02-28", "2024-03-01", "2024-03-02"],
         "row 4: gap of 2D before 2024-03-01T00:00:00-05:00 (the file skips 29 February); "
         "expected evenly spaced timestamps every 1D"),
        (["2025-02-27", "2025-02-28", "2025-03-02", "2025-03-03"],
         "row 4: gap of 2D before 2025-03-02T00:00:00-05:00; expected evenly spaced timestamps every 1D"),
        (["2025-01-01 00:00", "2025-01-01 01:00", "2025-01-01 01:30", "2025-01-01 02:30"],
         "row 4: irregular step of 30min before 2025-01-01T01:30:00-05:00; expected evenly spaced timestamps every 1h"),
        (["2025-01-01 00:00", "2025-01-01 01:00", "2025-01-01 00:30"],
         "row 4: timestamp 2025-01-01T00:30:00-05:00 is earlier than the row before (2025-01-01T01:00:00-05:00); "
         "expected increasing timestamps"),
        (["2025-01-01 00:00", "2025-01-01 01:00", "2025-01-01 01:00"],
         "row 4: duplicate timestamp 2025-01-01T01:00:00-05:00; expected unique timestamps"),
    ]
    for stamps, message in cases:
        with pytest.raises(EnergyError) as err:
            spacing(stamps)
        assert str(err.value) == f"a.csv: {message}"


def _model(start: str, periods: int, freq: str) -> tuple[pd.DatetimeIndex, pd.Timestamp]:
    index = pd.date_range(pd.Timestamp(start, tz="America/Lima"), periods=periods, freq=freq)
    return index, index[-1] + pd.Timedelta(freq)


def test_to_model_index_same_step_keeps_values_as_float_and_no_note():
    from energy.timeseries import to_model_index

    index, end = _model("2025-03-01 00:00", 4, "1h")
    idx = pd.date_range(index[0] - pd.Timedelta("2h"), periods=7, freq="1h")  # the file starts earlier
    out, note = to_model_index(np.arange(7), idx, pd.Timedelta("1h"), Path("p.csv"), index, end)
    assert out.tolist() == [2.0, 3.0, 4.0, 5.0] and out.dtype == np.float64 and note is None
    one, one_end = _model("2025-03-01 02:00", 1, "1h")  # a one-step horizon: its step from its freq
    out, note = to_model_index(np.arange(7), idx, pd.Timedelta("1h"), Path("p.csv"), one, one_end)
    assert out.tolist() == [4.0] and note is None


def test_to_model_index_coarsens_by_the_mean_of_each_model_step():
    from energy.timeseries import to_model_index

    index, end = _model("2025-03-01 00:00", 3, "1h")
    # from 23:30 the day before: two quarter-hours outside, then 00:00-00:45, 01:00-01:45, 02:00-02:45
    vals = np.array([100.0, 100.0, 1, 2, 3, 4, 10, 20, 30, 40, 0, 0, 0, 0])
    idx = pd.date_range(index[0] - pd.Timedelta("30min"), periods=len(vals), freq="15min")
    out, note = to_model_index(vals, idx, pd.Timedelta("15min"), Path("d/p.csv"), index, end)
    assert out.tolist() == [2.5, 25.0, 0.0]
    assert note == "p.csv: resampled from 15min to 1h by the mean of each step"


def test_to_model_index_names_the_first_model_step_without_a_value():
    from energy.timeseries import to_model_index

    index, end = _model("2025-03-01 00:00", 3, "1h")
    idx = pd.date_range(index[0], periods=3, freq="1h")
    with pytest.raises(EnergyError, match=r"^p.csv: no value for model step 2025-03-01T01:00:00-05:00; the file's "
                                          r"timestamps do not align with the model steps of 1h; expected timestamps "
                                          r"on the model's step boundaries$"):
        to_model_index(np.array([1.0, np.nan, np.nan]), idx, pd.Timedelta("1h"), Path("p.csv"), index, end)
    # coarsening a file with a missing quarter-hour block: a model step has no values at all
    fine = pd.date_range(index[0], periods=12, freq="15min").delete([4, 5, 6, 7])
    with pytest.raises(EnergyError, match=r"^p.csv: timestamps every 15min starting 2025-03-01T00:00:00-05:00 do not "
                                          r"align with the model steps of 1h; expected timestamps on the model's "
                                          r"step boundaries$"):
        to_model_index(np.ones(8), fine, pd.Timedelta("15min"), Path("p.csv"), index, end)


def _stamps(values, **kw):
    from energy.timeseries import parse_timestamps

    return parse_timestamps(pd.Series(values), Path("m.csv"), "time", tz="America/Lima", file_tz="America/Lima", **kw)


def _stamp_error(values, **kw) -> str:
    with pytest.raises(EnergyError) as err:
        _stamps(values, **kw)
    return str(err.value)


def test_timestamp_refusals_name_the_first_bad_row_and_the_column():
    ok = "2025-01-01 00:00"
    assert _stamp_error([ok, ok, "  ", ""]) == "m.csv: row 4: column 'time' is empty; expected a timestamp"
    assert _stamp_error([ok, "45658.25", "45658.5"]) == (
        "m.csv: row 3: timestamp '45658.25' looks like a number (an Excel serial date?); expected a date-time such "
        "as 2025-01-31 18:15 or 2025-01-31T18:15-05:00")
    assert _stamp_error(["2025-01-01T00:00-05:00", ok, "2025-01-01 02:00", "2025-01-01T03:00-05:00"]) == (
        "m.csv: row 3: timestamp '2025-01-01 00:00' has no UTC offset while others do; expected all timestamps "
        "with an offset or none")


def test_timestamps_with_offsets_are_converted_and_without_are_file_time():
    got = _stamps(["2025-01-01T05:00Z", "2025-01-01T01:00-04:00"])
    assert got.tolist() == [pd.Timestamp("2025-01-01 00:00", tz="America/Lima")] * 2
    local = _stamps(["2025-01-01 00:00", "2025-01-01 01:00"])
    assert str(local.tz) == "America/Lima" and local[1] == pd.Timestamp("2025-01-01 01:00", tz="America/Lima")
    # month first unless asked: 02/01/2025 is 1 February by default, 2 January read day first
    assert _stamps(["02/01/2025 00:00"])[0] == pd.Timestamp("2025-02-01", tz="America/Lima")
    assert _stamps(["02/01/2025 00:00"], dayfirst=True)[0] == pd.Timestamp("2025-01-02", tz="America/Lima")
    assert _stamps(["2025-02-01 00:00"], dayfirst=True)[0] == pd.Timestamp("2025-02-01", tz="America/Lima")


def _spacing_error(stamps: list[str]) -> str:
    from energy.timeseries import check_spacing

    with pytest.raises(EnergyError) as err:
        check_spacing(pd.DatetimeIndex([pd.Timestamp(s, tz="America/Lima") for s in stamps]), Path("m.csv"))
    return str(err.value)


def _hourly(start: str, n: int) -> list[str]:
    return [str(t) for t in pd.date_range(start, periods=n, freq="h")]


def test_spacing_says_29_february_only_when_a_gap_skips_it():
    # the first step is the gap (a day and an hour over 29 February), then hours
    first = _spacing_error(["2024-02-28 23:00"] + _hourly("2024-03-01 00:00", 6))
    assert first == ("m.csv: row 3: gap of 25h before 2024-03-01T00:00:00-05:00 (the file skips 29 February); "
                     "expected evenly spaced timestamps every 1h")
    # a February gap on another day, and one that starts in 29 February's last hour, skip no 29 February
    feb10 = _spacing_error(_hourly("2024-02-10 00:00", 5) + _hourly("2024-02-10 08:00", 5))
    assert "29 February" not in feb10 and "gap of 4h before 2024-02-10T08:00:00-05:00" in feb10
    late = _spacing_error(_hourly("2024-02-29 20:00", 4) + _hourly("2024-03-01 02:00", 5))
    assert "29 February" not in late and "before 2024-03-01T02:00:00-05:00" in late


def test_numbers_are_floats_whatever_they_look_like():
    from energy.timeseries import parse_numbers

    vals = parse_numbers(pd.Series(["1", " 2 ", "3\u00a0000"]), Path("m.csv"), "kw")
    assert vals.dtype == np.float64 and vals.tolist() == [1.0, 2.0, 3000.0]
    comma = parse_numbers(pd.Series(["1.234,5", "7", "0,25"]), Path("m.csv"), "kw", decimal=",")
    assert comma.dtype == np.float64 and comma.tolist() == [1234.5, 7.0, 0.25]


def test_month_day_hour_keys():
    from energy.weatherfile import _mdh_key

    times = pd.DatetimeIndex(["2025-12-31 23:00", "2025-01-01 00:00", "2024-02-29 05:00"])
    assert _mdh_key(times).tolist() == [123123, 10100, 22905]


def _meter(times, *, label="start", dayfirst=False, hours=None):
    from types import SimpleNamespace

    from energy.timeseries import _meter_times

    df = pd.DataFrame({"Fecha": times} | ({} if hours is None else {"Hora": hours}))
    spec = SimpleNamespace(timestamp_column="Fecha", timezone="America/Lima", dayfirst=dayfirst)
    return _meter_times(df, spec, Path("m.csv"), "America/Lima", None if hours is None else "Hora", label)


def test_meter_times_end_labels_and_24_00_are_the_next_midnight():
    ends = [f"2025-01-01 {h:02d}:00" for h in range(1, 24)] + ["2025-01-01 24:00"]
    idx, step = _meter(ends, label="end")
    assert step == pd.Timedelta("1h")
    assert idx[0] == pd.Timestamp("2025-01-01 00:00", tz="America/Lima")
    assert idx[-1] == pd.Timestamp("2025-01-01 23:00", tz="America/Lima") and len(idx) == 24
    # a date column and an hour column, joined
    hours = [f" {h:02d}:00" for h in range(1, 25)]
    idx, step = _meter(["2025-01-01"] * 24, hours=hours, label="end")
    assert step == pd.Timedelta("1h")
    assert idx.tolist() == list(pd.date_range(pd.Timestamp("2025-01-01", tz="America/Lima"), periods=24, freq="h"))
    with pytest.raises(EnergyError, match=r"^m\.csv: row 4: column 'Fecha \+ Hora' is empty; expected a timestamp$"):
        _meter(["2025-01-01", "2025-01-01", ""], hours=["01:00", "02:00", ""])


def test_meter_times_say_to_read_day_first_when_only_that_is_evenly_spaced():
    days = ["01/02/2025 00:00", "02/02/2025 00:00", "03/02/2025 00:00", "04/02/2025 00:00"]
    with pytest.raises(EnergyError) as err:
        _meter(days)
    assert str(err.value) == ("m.csv: timestamps in column 'Fecha' such as '01/02/2025 00:00' are not evenly spaced "
                              "when read month first, but they are when read day first; expected dayfirst = true "
                              "for this file")
    idx, step = _meter(days, dayfirst=True)
    assert step == pd.Timedelta("1D") and idx[1] == pd.Timestamp("2025-02-02", tz="America/Lima")


def test_read_table_keeps_strings_as_written_and_reads_latin_1(tmp_path):
    from energy.timeseries import read_table

    p = tmp_path / "m.csv"
    p.write_bytes("\ufefftime , kW\n2025-01-01 00:00, 007\n\n2025-01-01 01:00,NA\n2025-01-01 02:00\n".encode())
    df = read_table(p)
    assert list(df.columns) == ["time", "kW"]  # a byte-order mark and spaces stripped from the header
    assert df.to_dict("list") == {"time": ["2025-01-01 00:00", "2025-01-01 01:00", "2025-01-01 02:00"],
                                  "kW": ["007", "NA", ""]}  # strings as written, blank lines skipped
    latin = tmp_path / "l.csv"
    latin.write_bytes("tiempo;potencia (kW)\n01/01/2025 00:00;1,5 \xb0\n".encode("latin-1"))
    df = read_table(latin, delimiter=";")
    assert list(df.columns) == ["tiempo", "potencia (kW)"] and df.iloc[0, 1] == "1,5 \xb0"


def test_read_table_ragged_rows_and_parse_failures_are_one_line(tmp_path):
    from energy.timeseries import read_table

    p = tmp_path / "m.csv"
    p.write_text("time,kW\n2025-01-01 00:00,1\n2025-01-01 01:00,1,5\n")
    with pytest.raises(EnergyError) as err:
        read_table(p)
    assert str(err.value) == (f"{p}: row 3: 3 fields; expected 2 as in the header with delimiter ','"
                              " (is the delimiter right? a decimal comma needs another delimiter, e.g. ';')")
    q = tmp_path / "s.csv"
    q.write_text("time;kW\n2025-01-01 00:00;1\n2025-01-01 01:00;1;5\n")
    with pytest.raises(EnergyError) as err:
        read_table(q, delimiter=";")
    assert str(err.value) == (f"{q}: row 3: 3 fields; expected 2 as in the header with delimiter ';'"
                              " (is the delimiter right?)")
    header_only = tmp_path / "h.csv"
    header_only.write_text("time,kW\n")
    with pytest.raises(EnergyError, match=r"h\.csv: no data rows; expected a header row and data rows$"):
        read_table(header_only)
