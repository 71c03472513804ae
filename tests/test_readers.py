"""Edges of the CSV time-series reader (energy.timeseries): coverage, spacing, resampling, units.

A file that covers the horizon exactly (first row at the first model step, last interval
ending at the horizon end) is read; one step less at either end is refused. Resampling
takes the mean of the file steps inside each model step, only those, and holds values
when refining. Messages name the file, the line (header = line 1) and what was expected.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from energy.config import SeriesFile
from energy.errors import EnergyError
from energy.timeseries import fmt_step, read_series_csv

TZ = "America/Lima"
INDEX = pd.date_range(pd.Timestamp("2025-03-01", tz=TZ), periods=6, freq="1h").as_unit("ns")
END = INDEX[-1] + pd.Timedelta("1h")


def write(path, start: str, periods: int, freq: str, values=None, header="timestamp,value"):
    idx = pd.date_range(pd.Timestamp(start, tz=TZ), periods=periods, freq=freq)
    vals = np.arange(periods, dtype=float) if values is None else values
    path.write_text(header + "\n" + "".join(f"{t.isoformat()},{v}\n" for t, v in zip(idx, vals, strict=True)))
    return path


def read(path, index=INDEX, end=END, quantity="power_kw", units="kW", **kw):
    return read_series_csv(SeriesFile(file=path, units=units), index, end, quantity=quantity, **kw)


def test_file_covering_the_horizon_exactly_is_read(tmp_path):
    p = write(tmp_path / "a.csv", "2025-03-01 00:00", 6, "1h")
    got = read(p)
    np.testing.assert_array_equal(got.values.to_numpy(), np.arange(6.0))
    assert got.values.index.equals(INDEX) and got.notes == []


@pytest.mark.parametrize(("start", "periods"), [("2025-03-01 01:00", 5), ("2025-03-01 00:00", 5)])
def test_file_one_step_short_at_either_end_is_refused(tmp_path, start, periods):
    p = write(tmp_path / "a.csv", start, periods, "1h")
    with pytest.raises(EnergyError, match=r"a\.csv: covers .*; expected it to cover the model horizon "
                                          r"2025-03-01T00:00:00-05:00 \.\. 2025-03-01T06:00:00-05:00$"):
        read(p)


def test_coarsening_means_only_the_file_steps_inside_each_model_step(tmp_path):
    # 30-min rows from 23:00 the day before to 07:30: the rows outside the horizon are ignored
    values = np.arange(18, dtype=float) * 10.0
    p = write(tmp_path / "a.csv", "2025-02-28 23:00", 18, "30min", values)
    got = read(p)
    inside = values[2:14]  # 00:00 .. 05:30
    np.testing.assert_allclose(got.values.to_numpy(), inside.reshape(6, 2).mean(axis=1))
    assert got.notes == ["a.csv: resampled from 30min to 1h by the mean of each step"]


def test_refining_holds_each_value(tmp_path):
    p = write(tmp_path / "a.csv", "2025-03-01 00:00", 3, "2h", [5.0, 7.0, 9.0])
    got = read(p)
    np.testing.assert_array_equal(got.values.to_numpy(), [5.0, 5.0, 7.0, 7.0, 9.0, 9.0])
    assert got.notes == ["a.csv: refined from 2h to 1h by holding each value"]


def test_a_file_step_that_does_not_divide_the_model_step_is_refused(tmp_path):
    p = write(tmp_path / "a.csv", "2025-03-01 00:00", 16, "25min")
    with pytest.raises(EnergyError, match=r"step 25min does not divide the model resolution 1h"):
        read(p)
    p = write(tmp_path / "b.csv", "2025-03-01 00:00", 4, "90min")
    with pytest.raises(EnergyError, match=r"step 90min is not a multiple of the model resolution 1h"):
        read(p)


def test_a_file_offset_from_the_model_steps_is_refused(tmp_path):
    p = write(tmp_path / "a.csv", "2025-02-28 23:30", 8, "1h")
    with pytest.raises(EnergyError, match=r"do not fall on the model steps of 1h"):
        read(p)


def test_two_rows_are_a_series_and_one_is_not(tmp_path):
    index = INDEX[:2]
    p = write(tmp_path / "a.csv", "2025-03-01 00:00", 2, "1h", [3.0, 4.0])
    np.testing.assert_array_equal(read(p, index=index, end=index[-1] + pd.Timedelta("1h")).values, [3.0, 4.0])
    p = write(tmp_path / "b.csv", "2025-03-01 00:00", 1, "1h", [3.0])
    with pytest.raises(EnergyError, match=r"b\.csv: only 1 row; expected a series of at least 2 timestamps"):
        read(p, index=index[:1], end=index[0] + pd.Timedelta("1h"))


def test_zero_is_a_valid_value_and_prices_may_be_negative(tmp_path):
    p = write(tmp_path / "a.csv", "2025-03-01 00:00", 6, "1h", [0.0, 1, 2, 3, 4, 5])
    assert read(p).values.iloc[0] == 0.0
    p = write(tmp_path / "p.csv", "2025-03-01 00:00", 6, "1h", [-20.0, 0, 10, 20, 30, 40])
    got = read(p, quantity="price_usd_per_kwh", units="USD/MWh", allow_negative=True)
    np.testing.assert_allclose(got.values.to_numpy(), [-0.02, 0.0, 0.01, 0.02, 0.03, 0.04])
    with pytest.raises(EnergyError, match=r"p\.csv: row 2: column 'value' is '-20\.0'; expected a value >= 0$"):
        read(p, quantity="price_usd_per_kwh", units="USD/MWh")


@pytest.mark.parametrize(("units", "factor"), [("kW", 1.0), ("MW", 1000.0), ("W", 0.001)])
def test_power_units(tmp_path, units, factor):
    p = write(tmp_path / "a.csv", "2025-03-01 00:00", 6, "1h", [2.0] * 6)
    np.testing.assert_allclose(read(p, units=units).values.to_numpy(), 2.0 * factor)


@pytest.mark.parametrize(("units", "factor"), [("g/kWh", 0.001), ("tCO2/MWh", 1.0), ("kgCO2/kWh", 1.0)])
def test_emission_units(tmp_path, units, factor):
    p = write(tmp_path / "a.csv", "2025-03-01 00:00", 6, "1h", [400.0] * 6)
    got = read(p, quantity="emission_kg_per_kwh", units=units)
    np.testing.assert_allclose(got.values.to_numpy(), 400.0 * factor)


def test_unknown_units_list_the_known_ones(tmp_path):
    p = write(tmp_path / "a.csv", "2025-03-01 00:00", 6, "1h")
    with pytest.raises(EnergyError, match=r"a\.csv: units 'kVA' not understood; expected one of kW, MW, W, kWh, MWh, Wh$"):
        read(p, units="kVA")  # energy per interval (kWh, MWh, Wh) is understood since issue 13


@pytest.mark.parametrize(("td", "text"), [("15min", "15min"), ("1h", "1h"), ("2h", "2h"), ("1D", "1D"),
                                          ("2D", "2D"), ("90s", "90s"), ("90min", "90min"), ("25h", "25h")])
def test_step_lengths_as_people_write_them(td, text):
    assert fmt_step(pd.Timedelta(td)) == text
