"""Property-based tests (hypothesis) of the CSV time-series reader and the model file loader.

For any generated input they either load correctly or raise :class:`EnergyError` with a
one-line message, never another exception:

* the reader (:func:`energy.timeseries.read_series_csv`) is fed series with random start,
  file and model steps (15 min, 30 min, 1 h), lengths, values, delimiters, decimal
  separators, timestamp layouts (with or without UTC offsets, day-first), and random
  corruptions; a successful read must equal an independent numpy computation of the
  documented rule (mean of the file intervals when the model is coarser, hold of each value
  when finer);
* the loader (:func:`energy.config.config_from_dict`, :func:`energy.config.load_config` on
  written TOML) is fed mutations of a valid model: dropped keys, unknown keys, values
  replaced by random types and ranges, random scenario overrides.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from energy.config import Config, SeriesFile, config_from_dict, horizon_bounds, load_config
from energy.errors import EnergyError
from energy.timeseries import read_series_csv
from tests.conftest import CHANCAY, SMALL_MODEL

TZ = "America/Lima"
STEPS = {"15min": pd.Timedelta("15min"), "30min": pd.Timedelta("30min"), "1h": pd.Timedelta("1h")}
CORRUPTIONS = ["none", "drop_row", "drop_first", "drop_last", "duplicate_row", "swap_rows", "garbage_row",
               "blank_value", "negative_value", "shift_5min", "text_value"]
# PROPERTY_EXAMPLES=2000 pytest tests/test_properties.py fuzzes longer
SETTINGS = settings(max_examples=int(os.environ.get("PROPERTY_EXAMPLES", "60")), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                           HealthCheck.too_slow])


# ------------------------------------------------------------------ (a) the CSV reader


@st.composite
def csv_cases(draw):
    """A time series written as a CSV file's text, its spec, the model index, and the rows written.

    Each written row is ``(timestamp text, value text, time, value)``; ``time`` or ``value``
    is None where a corruption made the row unreadable.
    """
    file_step = STEPS[draw(st.sampled_from(list(STEPS)))]
    model_step = STEPS[draw(st.sampled_from(list(STEPS)))]
    coarse = max(file_step, model_step)
    day = draw(st.dates(min_value=dt.date(2023, 1, 1), max_value=dt.date(2026, 12, 31)))
    slot = draw(st.integers(0, int(pd.Timedelta("1D") / coarse) - 1))
    start = pd.Timestamp(day, tz=TZ) + slot * coarse
    n_model = draw(st.integers(1, int(pd.Timedelta("2D") / model_step)))
    index = pd.date_range(start, periods=n_model, freq=model_step).as_unit("ns")
    end = start + n_model * model_step
    before = draw(st.integers(0, 3))  # file rows before the horizon
    after = draw(st.integers(0, 3))  # file steps past the horizon end
    file_start = start - before * file_step
    n_file = math.ceil((end - file_start) / file_step) + after
    assume(n_file >= 2)
    times = list(pd.date_range(file_start, periods=n_file, freq=file_step))
    values = [round(v, 3) for v in draw(st.lists(st.floats(0, 1e5, allow_nan=False), min_size=n_file,
                                                 max_size=n_file))]
    units = draw(st.sampled_from(["kW", "MW"]))
    delimiter = draw(st.sampled_from([",", ";"]))
    decimal = draw(st.sampled_from([".", ","]))
    layout = draw(st.sampled_from(["naive_iso", "offset_local", "offset_utc", "dayfirst"]))
    corruption = draw(st.sampled_from(CORRUPTIONS))
    i = draw(st.integers(0, n_file - 1))  # where a corruption strikes

    def stamp(t: pd.Timestamp) -> str:
        if layout == "naive_iso":
            return t.strftime("%Y-%m-%d %H:%M")
        if layout == "offset_local":
            return t.isoformat()
        if layout == "offset_utc":
            return t.tz_convert("UTC").strftime("%Y-%m-%dT%H:%M:%SZ")
        return t.strftime("%d/%m/%Y %H:%M")

    def number(v: float) -> str:
        text = f"{v:.3f}"
        if decimal == ",":
            text = text.replace(".", ",")
            if delimiter == ",":
                text = f'"{text}"'
        return text

    rows = [[stamp(t), number(v), t, v] for t, v in zip(times, values, strict=True)]
    if corruption == "drop_row":
        del rows[i]
    elif corruption == "drop_first":
        del rows[0]
    elif corruption == "drop_last":
        del rows[-1]
    elif corruption == "duplicate_row":
        rows.insert(i, list(rows[i]))
    elif corruption == "swap_rows":
        j = i + 1 if i + 1 < n_file else i - 1
        rows[i], rows[j] = rows[j], rows[i]
    elif corruption == "garbage_row":
        rows.insert(i, [draw(st.text(min_size=1, max_size=12)), draw(st.text(max_size=6)), None, None])
    elif corruption == "blank_value":
        rows[i][1], rows[i][3] = "", None
    elif corruption == "negative_value":
        rows[i][3] = -values[i]
        rows[i][1] = number(-values[i]) if values[i] > 0 else rows[i][1]
    elif corruption == "shift_5min":
        rows = [[stamp(t + pd.Timedelta("5min")), c, t + pd.Timedelta("5min"), v] for _, c, t, v in rows]
    elif corruption == "text_value":
        rows[i][1], rows[i][3] = draw(st.sampled_from(["n/a", "NaN", "inf", "1e999", "--", "1.2.3", "12 kW"])), None
    header = delimiter.join(["timestamp", "value"])
    text = "\n".join([header] + [delimiter.join(r[:2]) for r in rows]) + "\n"
    spec = dict(units=units, delimiter=delimiter, decimal=decimal, timezone=TZ, dayfirst=layout == "dayfirst")
    scale = 1000.0 if units == "MW" else 1.0
    return text, spec, index, end, [(t, None if v is None else v * scale) for _, _, t, v in rows], corruption


def _expected(rows, index: pd.DatetimeIndex, end: pd.Timestamp) -> np.ndarray | None:
    """The documented rule, computed independently on integer nanoseconds; None if the file is bad.

    A good file: every row readable, values >= 0, at least 2 rows, evenly spaced increasing
    timestamps, covering ``[index[0], end)``, intervals starting on the model's step
    boundaries. Then a model step takes the mean of the file intervals inside it (file
    finer or equal) or the value of the file interval holding it (file coarser).
    """
    if len(rows) < 2 or any(t is None or v is None or v < 0 for t, v in rows):
        return None
    t = np.array([pd.Timestamp(tt).value for tt, _ in rows], dtype=np.int64)
    v = np.array([vv for _, vv in rows], dtype=float)
    steps = np.diff(t)
    fs, ms = int(steps[0]), int(pd.Timedelta(index.freq).value)
    m = index.as_unit("ns").asi8
    if fs <= 0 or (steps != fs).any() or t[0] > m[0] or t[-1] + fs < end.value or (m[0] - t[0]) % min(fs, ms):
        return None
    out = np.empty(len(m))
    for j, m0 in enumerate(m):
        if fs <= ms:
            out[j] = v[(t >= m0) & (t + fs <= m0 + ms)].mean()
        else:
            (k,) = np.flatnonzero((t <= m0) & (m0 + ms <= t + fs))
            out[j] = v[k]
    return out


@SETTINGS
@given(case=csv_cases())
def test_series_reader_round_trips_or_raises_energy_error(tmp_path_factory, case):
    text, spec, index, end, rows, corruption = case
    truth = _expected(rows, index, end)
    path = tmp_path_factory.mktemp("csv") / "series.csv"
    path.write_text(text, encoding="utf-8")
    try:
        got = read_series_csv(SeriesFile(file=path, **spec), index, end, quantity="power_kw")
    except EnergyError as exc:
        msg = str(exc)
        event(f"{corruption}: error")
        assert "\n" not in msg and str(path) in msg
        assert truth is None, f"a good file was refused: {msg}"
        return
    event(f"{corruption}: read")
    assert truth is not None, "a bad file was read"
    assert got.values.index.equals(index)
    np.testing.assert_allclose(got.values.to_numpy(), truth, rtol=1e-12, atol=1e-9)


@SETTINGS
@given(data=st.binary(max_size=300) | st.text(max_size=300))
def test_series_reader_on_arbitrary_bytes(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("junk") / "junk.csv"
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data, encoding="utf-8")
    index = pd.date_range("2025-01-06", periods=4, freq="1h", tz=TZ).as_unit("ns")
    try:
        read_series_csv(SeriesFile(file=path, units="kW"), index, index[-1] + pd.Timedelta("1h"),
                        quantity="power_kw")
    except EnergyError as exc:
        assert "\n" not in str(exc)


# ------------------------------------------------------------------ (b) the model file loader

BASE = tomllib.loads(SMALL_MODEL)
BASE["trucks"] = {"count": 10, "windows": [{"start_hour": 10, "end_hour": 16, "energy_share": 1.0}]}
BASE["vessels"] = {"classes": {"big": {"share_of_calls": 1.0, "moves_mean": 2000, "max_cranes": 3}}}
BASE["loads"] = {"metered": {"file": "load.csv", "units": "kW"}}
BASE["wind"] = {"w": {"turbine_type": "E-82/2300", "hub_height_m": 78.0, "count": 1}}
CHANCAY_RAW = tomllib.loads(CHANCAY.read_text())


def _paths(d: dict, prefix: tuple = ()) -> list[tuple]:
    """Every key path of a nested dict (tables, values and list items of tables)."""
    out = []
    for k, v in d.items():
        p = (*prefix, k)
        out.append(p)
        if isinstance(v, dict):
            out += _paths(v, p)
        elif isinstance(v, list):
            for i, item in enumerate(v):
                if isinstance(item, dict):
                    out += _paths(item, (*p, i))
    return out


def _get(d, path):
    for k in path:
        d = d[k]
    return d


scalars = st.one_of(
    st.booleans(),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(["1h", "15min", "7h", "0h", "-1h", "1D", "kW", "MW", "kVA", "auto", "epw", "file",
                     "synthetic", "America/Lima", "Mars/Base", "E-82/2300", ""]),
    st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)),
    st.datetimes(min_value=dt.datetime(1, 1, 2), max_value=dt.datetime(9999, 12, 30)),
    st.datetimes(min_value=dt.datetime(1900, 1, 2), max_value=dt.datetime(2200, 12, 30),
                 timezones=st.just(dt.timezone(dt.timedelta(hours=-5)))),
)
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
    st.text(min_size=1, max_size=8), inner, max_size=3), max_leaves=8)


@st.composite
def mutated_models(draw):
    base = draw(st.sampled_from([BASE, CHANCAY_RAW]))
    raw = json.loads(json.dumps(base, default=str))  # deep copy; dates become strings (still valid)
    for _ in range(draw(st.integers(1, 4))):
        paths = _paths(raw)
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = _get(raw, path[:-1])
        kind = draw(st.sampled_from(["drop", "unknown", "replace", "replace", "scenario"]))
        if kind == "drop":
            del parent[path[-1]]
        elif kind == "unknown":
            target = _get(raw, path) if isinstance(_get(raw, path), dict) else parent
            if isinstance(target, dict):
                target[draw(st.text(min_size=1, max_size=10))] = draw(scalars)
        elif kind == "replace":
            parent[path[-1]] = draw(values)
        else:
            override: dict = {}
            node = override
            for k in path[:-1]:
                if isinstance(k, int):
                    break
                node = node.setdefault(k, {})
            else:
                node[path[-1]] = draw(values)
            raw.setdefault("scenarios", {})
            if isinstance(raw["scenarios"], dict):
                raw["scenarios"]["s"] = override
    scenario = draw(st.sampled_from([None, "base", "s", "nope"]))
    return raw, scenario


def _check_loaded(raw: dict, load) -> None:
    try:
        cfg = load()
    except EnergyError as exc:
        msg = str(exc)
        event("error")
        assert msg and "\n" not in msg, msg
        return
    event("valid")
    assert isinstance(cfg, Config)
    start, end = horizon_bounds(cfg)
    assert end > start and start.tzinfo is not None


@SETTINGS
@given(case=mutated_models())
def test_config_from_dict_validates_or_raises_energy_error(case):
    raw, scenario = case
    _check_loaded(raw, lambda: config_from_dict(raw, path=Path("m.toml"), scenario=scenario))


def _toml_value(v) -> str:
    """A TOML literal for a JSON-like value (inline tables and arrays)."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return "nan" if math.isnan(v) else ("inf" if v > 0 else "-inf") if math.isinf(v) else repr(v)
    if isinstance(v, dt.datetime | dt.date):
        return v.isoformat()
    if isinstance(v, str):
        return json.dumps(v)
    if isinstance(v, list):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{json.dumps(str(k))} = {_toml_value(x)}" for k, x in v.items()) + "}"
    raise TypeError(type(v))


@SETTINGS
@given(case=mutated_models(), raw_date=st.booleans())
def test_load_config_on_written_toml_validates_or_raises_energy_error(tmp_path_factory, case, raw_date):
    raw, scenario = case
    if raw_date and isinstance(raw.get("horizon"), dict):  # TOML dates, not strings
        for key in ("start", "end"):
            try:
                raw["horizon"][key] = dt.date.fromisoformat(str(raw["horizon"][key]))
            except (KeyError, ValueError):
                pass
    path = tmp_path_factory.mktemp("model") / "m.toml"
    path.write_text("\n".join(f"{json.dumps(str(k))} = {_toml_value(v)}" for k, v in raw.items()) + "\n",
                    encoding="utf-8")
    _check_loaded(raw, lambda: load_config(path, scenario))


def test_written_toml_of_the_valid_model_loads(tmp_path):
    path = tmp_path / "m.toml"
    path.write_text("\n".join(f"{json.dumps(k)} = {_toml_value(v)}" for k, v in BASE.items()) + "\n")
    cfg = load_config(path)
    assert cfg.pv["roof"].capacity_kwp == 2000.0 and cfg.trucks.count == 10
