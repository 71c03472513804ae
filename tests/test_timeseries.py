"""CSV time-series reader: Spanish-locale exports, checks with row numbers, resampling."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from energy.config import SeriesFile
from energy.errors import EnergyError
from energy.timeseries import read_series_csv, read_vessel_calls
from tests.conftest import ROOT

TZ = "America/Lima"
INDEX = pd.date_range("2025-03-01", periods=48, freq="1h", tz=TZ).as_unit("ns")
END = INDEX[-1] + pd.Timedelta("1h")


def spanish_csv(path, n=48 * 4, start="2025-03-01 00:00", freq="15min", values=None, fmt="%d/%m/%Y %H:%M"):
    idx = pd.date_range(start, periods=n, freq=freq)
    vals = np.arange(n, dtype=float) * 10.5 if values is None else values
    lines = ["Fecha y hora;Potencia activa (kW)"]
    lines += [f"{t.strftime(fmt)};{str(round(v, 2)).replace('.', ',')}" for t, v in zip(idx, vals, strict=True)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def spec(path, **kw):
    base = dict(file=path, timestamp_column="Fecha y hora", value_column="Potencia activa (kW)",
                units="kW", timezone=TZ, delimiter=";", decimal=",", dayfirst=True)
    base.update(kw)
    return SeriesFile(**base)


def test_spanish_15min_export_is_averaged_to_hours(tmp_path):
    p = spanish_csv(tmp_path / "m.csv")
    got = read_series_csv(spec(p), INDEX, END, quantity="power_kw")
    vals = np.arange(48 * 4) * 10.5
    np.testing.assert_allclose(got.values.to_numpy(), vals.reshape(-1, 4).mean(axis=1), rtol=0, atol=1e-9)
    assert got.values.index.equals(INDEX)
    assert "mean" in got.notes[0] and "15min" in got.notes[0]


def test_mw_units_and_hold_when_refining(tmp_path):
    p = spanish_csv(tmp_path / "m.csv", n=48, freq="1h", values=np.full(48, 1.5))
    idx = pd.date_range("2025-03-01", periods=96, freq="30min", tz=TZ).as_unit("ns")
    got = read_series_csv(spec(p, units="MW"), idx, idx[-1] + pd.Timedelta("30min"), quantity="power_kw")
    np.testing.assert_allclose(got.values.to_numpy(), 1500.0)
    assert "holding" in got.notes[0]


def test_utc_offsets_are_converted(tmp_path):
    idx = pd.date_range("2025-03-01 05:00", periods=48, freq="1h", tz="UTC")
    p = tmp_path / "u.csv"
    p.write_text("timestamp,value\n" + "".join(f"{t.isoformat()},{i}\n" for i, t in enumerate(idx)))
    got = read_series_csv(SeriesFile(file=p, units="kW"), INDEX, END, quantity="power_kw")
    np.testing.assert_allclose(got.values.to_numpy(), np.arange(48))  # 05:00 UTC == 00:00 Lima


def _bad(tmp_path, mutate, **kw):
    p = spanish_csv(tmp_path / "bad.csv")
    lines = p.read_text().splitlines()
    mutate(lines)
    p.write_text("\n".join(lines) + "\n")
    with pytest.raises(EnergyError) as ei:
        read_series_csv(spec(p, **kw), INDEX, END, quantity="power_kw")
    msg = str(ei.value)
    assert "\n" not in msg and str(p) in msg
    return msg


def test_unparsable_timestamp_names_row(tmp_path):
    def m(lines):
        lines[5] = "32/13/2025 00:00;1,0"
    assert "row 6" in _bad(tmp_path, m)


def test_duplicate_timestamp_names_row(tmp_path):
    def m(lines):
        lines[10] = lines[9]
    assert "row 11: duplicate timestamp" in _bad(tmp_path, m)


def test_gap_names_row(tmp_path):
    def m(lines):
        del lines[20:24]
    msg = _bad(tmp_path, m)
    assert "row 21: gap of" in msg and "every 15min" in msg


def test_unordered_names_row(tmp_path):
    def m(lines):
        lines[7], lines[8] = lines[8], lines[7]
    assert "row 9" in _bad(tmp_path, m) or "row 8" in _bad(tmp_path, m)


def test_nan_and_negative_values_name_row(tmp_path):
    def nan(lines):
        lines[3] = lines[3].split(";")[0] + ";"
    assert "row 4" in _bad(tmp_path, nan) and "expected a number" in _bad(tmp_path, nan)

    def neg(lines):
        lines[4] = lines[4].split(";")[0] + ";-3,5"
    assert "row 5" in _bad(tmp_path, neg) and ">= 0" in _bad(tmp_path, neg)


def test_wrong_decimal_separator_hints(tmp_path):
    def m(lines):
        pass
    msg = _bad(tmp_path, m, decimal=".")
    assert "decimal separator" in msg


def test_horizon_not_covered(tmp_path):
    p = spanish_csv(tmp_path / "short.csv", n=40)
    with pytest.raises(EnergyError, match="expected it to cover the model horizon"):
        read_series_csv(spec(p), INDEX, END, quantity="power_kw")


def test_missing_column_lists_columns(tmp_path):
    p = spanish_csv(tmp_path / "c.csv")
    with pytest.raises(EnergyError, match="column 'kW' not found; columns are 'Fecha y hora'"):
        read_series_csv(spec(p, value_column="kW"), INDEX, END, quantity="power_kw")


def test_wrong_delimiter_hints(tmp_path):
    p = spanish_csv(tmp_path / "d.csv")
    with pytest.raises(EnergyError, match="is the delimiter right"):
        read_series_csv(spec(p, delimiter=","), INDEX, END, quantity="power_kw")


def test_excel_serial_dates_refused(tmp_path):
    p = tmp_path / "x.csv"
    p.write_text("timestamp,value\n45717.0,1\n45717.0416667,2\n")
    with pytest.raises(EnergyError, match="row 2: .*Excel serial date"):
        read_series_csv(SeriesFile(file=p, units="kW"), INDEX, END, quantity="power_kw")


def test_dst_gap_in_file_zone_names_row(tmp_path):
    # Madrid springs forward 2025-03-30 02:00 -> 03:00: 02:00 local does not exist
    idx = pd.date_range("2025-03-30 00:00", periods=6, freq="1h")
    p = tmp_path / "dst.csv"
    p.write_text("timestamp,value\n" + "".join(f"{t:%Y-%m-%d %H:%M},1\n" for t in idx))
    with pytest.raises(EnergyError, match="row 4: local time '2025-03-30 02:00' does not exist or is ambiguous"):
        read_series_csv(SeriesFile(file=p, units="kW", timezone="Europe/Madrid"), INDEX, END, quantity="power_kw")


def test_units_checked(tmp_path):
    p = spanish_csv(tmp_path / "u.csv")
    with pytest.raises(EnergyError, match="units 'kVA' not understood; expected one of kW, MW, W"):
        read_series_csv(spec(p, units="kVA"), INDEX, END, quantity="power_kw")


def test_bundled_metered_sample_reads():
    from energy.config import horizon_bounds, load_config

    cfg = load_config(ROOT / "models" / "chancay.toml", "metered_load")
    _, end = horizon_bounds(cfg)
    got = read_series_csv(cfg.loads.metered, cfg.index(), end, quantity="power_kw",
                          path=cfg.resolve(cfg.loads.metered.file))
    assert len(got.values) == 8760 and got.values.between(1000, 10000).all()


def test_vessel_calls_csv(tmp_path):
    p = tmp_path / "calls.csv"
    p.write_text("vessel,arrival,departure,moves,max_cranes\n"
                 "A,2025-03-01 06:00,2025-03-02 06:00,1200,3\n"
                 "B,2025-03-01 12:00,2025-03-01 10:00,500,2\n")
    from energy.config import VesselCallsFile
    with pytest.raises(EnergyError, match="row 3: departure .* is not after arrival"):
        read_vessel_calls(VesselCallsFile(file=p), TZ)
    p.write_text("vessel,arrival,departure,moves,max_cranes\nA,2025-03-01 06:00,2025-03-02 06:00,1200,9\n")
    with pytest.raises(EnergyError, match="row 2: max_cranes is 9; the port has only 6"):
        read_vessel_calls(VesselCallsFile(file=p), TZ, pool_size=6)
    p.write_text("vessel,arrival,departure,moves,max_cranes\nA,2025-03-01 06:00,2025-03-02 06:00,1200,3\n")
    df = read_vessel_calls(VesselCallsFile(file=p), TZ, pool_size=6)
    assert df.loc[0, "arrival"] == pd.Timestamp("2025-03-01 06:00", tz=TZ) and df.loc[0, "max_cranes"] == 3
