"""The bad-input catalogue, round 2 (issue 12): classes of inputs, each refused at its root.

1. non-finite and absurd numbers: ``inf``, ``-inf``, ``nan`` and ``1e300`` in EVERY numeric
   key of the model file (the keys are read from the schema's own dump, so a new key is
   covered without a new case) and in every CSV series; horizon years pandas cannot hold;
   seconds; more steps than the machine can hold;
2. pathological model files: deep nesting, huge files, 100 kB keys and values (echoed cut);
3. names that would become paths: model and scenario names, ``--scenario ..``;
5. weather files whose timing fields are broken.

Each case runs the CLI in-process on a small model in ``tmp_path`` and asserts exit 1,
one line ``error: ...`` naming the file and the key or row and what was expected, no
traceback, nothing written (no reports folder, no staging folder anywhere in ``tmp_path``).
"""

from __future__ import annotations

import json
import math
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from energy.cli import EXIT_INPUT, main
from energy.config import config_from_dict
from tests.conftest import DATA, SMALL_MODEL
from tests.test_bad_inputs import CALLS_HEADER, EPW, GOOD, STAMP6, TMY3, edited, series, text

MAX_LINE = 600  # characters: a 100 kB key or value is echoed cut to ~80

# ---------------------------------------------------------------- a TOML writer for whole models


def _toml_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return repr(v)
    if isinstance(v, int):
        return str(v)
    if isinstance(v, str):
        return json.dumps(v)
    if isinstance(v, list):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{json.dumps(k)} = {_toml_value(x)}" for k, x in v.items() if x is not None) + "}"
    raise TypeError(v)


def to_toml(d: dict, prefix: tuple = ()) -> str:
    """TOML for a nested dict (None values left out)."""
    scalars = {k: v for k, v in d.items() if v is not None and not isinstance(v, dict)}
    tables = {k: v for k, v in d.items() if isinstance(v, dict)}
    out = []
    if prefix and (scalars or not tables):
        out.append("[" + ".".join(json.dumps(p) for p in prefix) + "]")
    out += [f"{json.dumps(k)} = {_toml_value(v)}" for k, v in scalars.items()]
    for k, v in tables.items():
        out.append(to_toml(v, (*prefix, k)))
    return "\n".join(out) + "\n"


def full_model() -> dict:
    """The small model with every table written out (the schema's defaults) plus the optional keys."""
    raw = tomllib.loads(SMALL_MODEL)
    raw["wind"] = {"w": {"turbine_type": "E-82/2300", "hub_height_m": 78.0, "count": 1}}
    raw["emissions"] = {"cap_t": 100.0}
    raw["solver"] = {"threads": 1}
    d = config_from_dict(raw).model_dump(mode="json")
    d["vessels"]["classes"] = {"neopanamax": {**d["vessels"]["classes"]["neopanamax"], "share_of_calls": 1.0}}
    return d


def numeric_keys(node, loc=()) -> list[tuple]:
    """Key paths of every number (first item of lists) in a nested dict."""
    if isinstance(node, dict):
        return [k for key, v in node.items() for k in numeric_keys(v, (*loc, key))]
    if isinstance(node, list):
        return numeric_keys(node[0], (*loc, 0)) if node else []
    if isinstance(node, int | float) and not isinstance(node, bool):
        return [loc]
    return []


def key_text(loc: tuple) -> str:
    out = ""
    for p in loc:
        out += f"[{p}]" if isinstance(p, int) else ("." if out else "") + str(p)
    return out


def with_value(d: dict, loc: tuple, value) -> dict:
    d = json.loads(json.dumps(d))
    node = d
    for p in loc[:-1]:
        node = node[p]
    node[loc[-1]] = value
    return d


FULL = full_model()
KEYS = numeric_keys(FULL)

# ---------------------------------------------------------------- the runner


@dataclass
class Case:
    id: str
    needles: list[str]
    model: str = ""  # the whole model file (default: SMALL_MODEL + add)
    add: str = ""
    replace: tuple = ()
    files: dict = field(default_factory=dict)
    cmd: str = "check"
    options: tuple = ()


def _write(tmp_path: Path, case: Case) -> Path:
    model = case.model or SMALL_MODEL
    for old, new in case.replace:
        assert old in model, old
        model = model.replace(old, new)
    path = tmp_path / "small.toml"
    path.write_bytes((model + case.add).encode("utf-8", "surrogatepass"))
    for name, content in case.files.items():
        target = tmp_path / name
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content)
    return path


def assert_refused(tmp_path: Path, code: int, err: str, needles: list[str]) -> str:
    assert code == EXIT_INPUT, err
    assert "Traceback" not in err
    lines = err.strip("\n").splitlines()
    assert len(lines) == 1, err[:2000]
    line = lines[0]
    assert line.startswith("error: "), line
    assert "expected" in line or "not found" in line or "unknown" in line, line
    assert len(line) <= MAX_LINE + len(str(tmp_path)) * 3, f"{len(line)} characters: {line[:300]}"
    for needle in needles:
        assert needle in line, f"{needle!r} not in {line[:1000]!r}"
    written = [p for p in tmp_path.rglob("*") if p.is_dir() and ("reports" in p.parts or "staging" in p.name)]
    assert not written, written
    return line


def run_case(tmp_path: Path, case: Case, capsys) -> str:
    model = _write(tmp_path, case)
    argv = [case.cmd, str(model), *case.options]
    if case.cmd in ("run", "profiles", "compare"):
        argv += ["--out", str(tmp_path / "reports")]
    code = main(argv)
    _, err = capsys.readouterr()
    return assert_refused(tmp_path, code, err, case.needles)


# ---------------------------------------------------------------- 1. every numeric key: inf, -inf, nan, 1e300

NON_FINITE = [("inf", math.inf), ("nan", math.nan), ("huge", 1e300)]  # -inf: as inf (CSV cases have it)
def key_needles(loc: tuple, name: str) -> list[str]:
    """What the line names: the key path, and for a list item its index."""
    if name == "huge" and isinstance(loc[-1], int) and loc[:2] != ("trucks", "windows"):
        return [key_text(loc[:-1]), f"[{loc[-1]}]"]
    return [key_text(loc)]


KEY_CASES = [Case(f"key_{name}_{key_text(loc)}", ["small.toml", *key_needles(loc, name), "expected"],
                  model=to_toml(with_value(FULL, loc, value)))
             for loc in KEYS for name, value in NON_FINITE]


@pytest.mark.parametrize("case", KEY_CASES, ids=[c.id for c in KEY_CASES])
def test_every_numeric_key_refuses_non_finite_and_absurd(case, tmp_path, capsys):
    line = run_case(tmp_path, case, capsys)
    if case.id.startswith(("key_inf", "key_nan")):
        assert "finite" in line or "valid integer" in line, line


def test_the_full_model_itself_is_valid(tmp_path, capsys):
    """The written-out model the key cases edit is valid: each case fails for its key alone."""
    path = tmp_path / "full.toml"
    path.write_text(to_toml(FULL))
    assert main(["check", str(path)]) == 0, capsys.readouterr().err
    assert len(KEYS) >= 80


# ---------------------------------------------------------------- 1. CSV series, horizon, resolution, size

METERED = '\n[loads.metered]\nfile = "load.csv"\nunits = "kW"\n'
PRICES = '\n[tariff.import_price_file]\nfile = "prices.csv"\nunits = "USD/MWh"\n'
EMISSIONS = '\n[emissions.emission_factor_file]\nfile = "ef.csv"\nunits = "g/kWh"\n'
CALLS = '\n[vessels.calls_file]\nfile = "calls.csv"\n'
WEATHER = '\n[weather]\nsource = "file"\nfile = "{name}"\nformat = "{fmt}"\n'
WEEK_2025_JAN = (("start = 2025-01-06", "start = 2025-01-03"), ("end = 2025-01-13", "end = 2025-01-08"))
CALL_OK = "A,2025-01-07 06:00,2025-01-08 06:00,1500,3"


def _horizon(start: str, end: str) -> tuple:
    return (("start = 2025-01-06", f"start = {start}"), ("end = 2025-01-13", f"end = {end}"))


def _epw_cell(row: int, col: int, value: str) -> str:
    """The EPW fixture with one cell (file line ``row``, 0-based field ``col``) replaced."""
    lines = EPW.splitlines()
    fields = lines[row - 1].split(",")
    fields[col] = value
    lines[row - 1] = ",".join(fields)
    return "\n".join(lines) + "\n"


def _header(content: str, i: int, value: str) -> str:
    """A weather file with field ``i`` of its first (header) line replaced."""
    lines = content.splitlines()
    head = lines[0].split(",")
    head[i] = value
    return "\n".join([",".join(head), *lines[1:]]) + "\n"


HEADER_CASES = [
    *[Case(f"weather_epw_header_{name}_{v}", ["w.epw", f"header {name}" if name != "tz" else "", "expected"],
           add=WEATHER.format(name="w.epw", fmt="epw"), replace=WEEK_2025_JAN, files={"w.epw": _header(EPW, i, v)})
      for name, i, values in (("latitude", 6, ("nan", "999", "-inf")), ("longitude", 7, ("inf", "200")),
                              ("altitude_m", 9, ("nan", "1e9")), ("tz", 8, ("99", "nan", "inf")))
      for v in values],
    *[Case(f"weather_tmy3_header_{name}_{v}", ["w.csv", "expected"], add=WEATHER.format(name="w.csv", fmt="tmy3"),
           replace=WEEK_2025_JAN, files={"w.csv": _header(TMY3, i, v)})
      for name, i, values in (("tz", 3, ("99", "nan")), ("latitude", 4, ("nan", "91")), ("longitude", 5, ("-999",)))
      for v in values],
    *[Case(f"weather_pvgis_location_{k}", ["w.json", "expected"], add=WEATHER.format(name="w.json", fmt="pvgis_tmy"),
           replace=WEEK_2025_JAN, files={"w.json": (DATA / "chancay_sample_pvgis_tmy.json").read_text().replace(
               '"latitude":-11.59333', f'"latitude":{v}')})
      for k, v in (("text", '"x"'), ("out_of_range", "-123.0"), ("a_list", "[1]"))],
]

CSV_CELLS = ["inf", "-inf", "Infinity", "nan", "1e400", "1e300"]
SERIES_CASES = [
    *[Case(f"load_value_{v}", ["load.csv", "row 6", "column 'value'", "expected"], add=METERED,
           files={"load.csv": edited(GOOD, 6, f"{STAMP6},{v}")}) for v in CSV_CELLS],
    *[Case(f"prices_value_{v}", ["prices.csv", "row 6", "column 'value'", "expected"], add=PRICES,
           files={"prices.csv": edited(series(value="62.5"), 6, f"{STAMP6},{v}")}) for v in CSV_CELLS],
    *[Case(f"emission_factor_value_{v}", ["ef.csv", "row 6", "column 'value'", "expected"], add=EMISSIONS,
           files={"ef.csv": edited(series(value="186"), 6, f"{STAMP6},{v}")}) for v in CSV_CELLS],
    *[Case(f"calls_moves_{v}", ["calls.csv", "row 2", "column 'moves'", "expected"], add=CALLS,
           files={"calls.csv": text([CALLS_HEADER, f"A,2025-01-07 06:00,2025-01-08 06:00,{v},3"])})
      for v in CSV_CELLS],
    *[Case(f"calls_max_cranes_{v}", ["calls.csv", "row 2", "column 'max_cranes'", "expected"], add=CALLS,
           files={"calls.csv": text([CALLS_HEADER, f"A,2025-01-07 06:00,2025-01-08 06:00,1500,{v}"])})
      for v in CSV_CELLS],
    *[Case(f"weather_epw_{col_name}_{v}", ["w.epw", f"column {col_name}", "row 20", "expected"],
           add=WEATHER.format(name="w.epw", fmt="epw"), replace=WEEK_2025_JAN,
           files={"w.epw": _epw_cell(20, col, v)})
      for col_name, col in (("ghi_w_m2", 13), ("temp_air_c", 6), ("wind_speed_m_s", 21)) for v in ("inf", "nan", "1e300")],
    Case("calls_arrival_year_2300", ["calls.csv", "row 2", "'2300-01-07 06:00'"], add=CALLS,
         files={"calls.csv": text([CALLS_HEADER, "A,2300-01-07 06:00,2300-01-08 06:00,1500,3"])}),
    Case("load_timestamp_year_2300", ["load.csv", "row 2", "years 1901-2199"], add=METERED,
         files={"load.csv": text(series(start="2300-01-06"))}),
    Case("pvgis_offset_not_a_number", ["w.json", "irradiance time offset", "expected a number of hours"],
         add=WEATHER.format(name="w.json", fmt="pvgis_tmy"), replace=WEEK_2025_JAN,
         files={"w.json": (DATA / "chancay_sample_pvgis_tmy.json").read_text().replace(
             '"elevation":5.0', '"elevation":5.0,"irradiance_time_offset":"soon"')}),
    Case("pvgis_offset_of_days", ["w.json", "irradiance time offset", "expected a number of hours"],
         add=WEATHER.format(name="w.json", fmt="pvgis_tmy"), replace=WEEK_2025_JAN,
         files={"w.json": (DATA / "chancay_sample_pvgis_tmy.json").read_text().replace(
             '"elevation":5.0', '"elevation":5.0,"irradiance_time_offset":36')}),
    Case("tmy3_bad_time_label", ["w.csv", "row 3", "'25:00'", "expected MM/DD/YYYY and HH:00"],
         add=WEATHER.format(name="w.csv", fmt="tmy3"), replace=WEEK_2025_JAN,
         files={"w.csv": "\n".join(ln if i != 3 else ln.replace("01:00", "25:00", 1)
                                   for i, ln in enumerate(TMY3.splitlines(), start=1)) + "\n"}),
]

HORIZON_CASES = [
    *[Case(f"horizon_year_{y}", ["small.toml", "horizon.start", "years 1901-2199", str(y)],
           replace=_horizon(f"{y}-01-06", f"{y}-01-13")) for y in (1600, 1677, 1700, 1900, 2200, 2262, 2300, 9999)],
    Case("horizon_end_year_2300", ["small.toml", "horizon.end", "years 1901-2199"],
         replace=_horizon("2199-12-25", "2300-01-01")),
    Case("horizon_option_year_2300", ["--start '2300-01-01'", "2300"], options=("--start", "2300-01-01")),
    *[Case(f"resolution_{r}", ["small.toml", "horizon.resolution", "whole minutes", repr(r)],
           replace=(('resolution = "1h"', f'resolution = "{r}"'),)) for r in ("1s", "30s", "90s", "1.5min", "2s")],
    Case("resolution_option_seconds", ["--resolution '10s'", "whole minutes"], options=("--resolution", "10s")),
    Case("resolution_overflow", ["small.toml", "horizon.resolution", "expected"],
         replace=(('resolution = "1h"', 'resolution = "99999999999999999999h"'),)),
    Case("resolution_negative", ["small.toml", "horizon.resolution", "'-1h'"],
         replace=(('resolution = "1h"', 'resolution = "-1h"'),)),
    Case("horizon_too_many_steps", ["small.toml", "horizon", "steps of 1min", "GB", "this machine has",
                                    "expected a shorter horizon or a coarser resolution"],
         replace=(*_horizon("2025-01-01", "2034-12-01"), ('resolution = "1h"', 'resolution = "1min"'))),
    Case("run_too_many_steps", ["small.toml", "steps of 1min", "GB"], cmd="run", options=("--no-plots",),
         replace=(*_horizon("2025-01-01", "2034-12-01"), ('resolution = "1h"', 'resolution = "1min"'))),
    Case("horizon_longer_than_ten_years", ["small.toml", "horizon", "at most 3660 days"],
         replace=_horizon("2025-01-01", "2045-01-01")),
]

# ---------------------------------------------------------------- 2. pathological model files

BIG = "x" * 100_000


def _deep_tables(n: int) -> str:
    return "\n" + ".".join(f"k{i}" for i in range(n)) + " = 1\n"


FILE_CASES = [
    Case("deep_array_nesting", ["small.toml", "nested too deeply", "expected"], add="\nz = " + "[" * 50_000 + "]" * 50_000 + "\n"),
    Case("deep_inline_tables", ["small.toml", "expected"], add="\nz = " + "{a = " * 3000 + "1" + "}" * 3000 + "\n"),
    Case("deep_dotted_keys", ["small.toml", "nested", "deep", "expected"], add=_deep_tables(200)),
    Case("deep_dotted_keys_in_scenario", ["small.toml", "nested", "expected"], add="\n[scenarios.s]" + _deep_tables(100)),
    Case("deep_array_of_tables", ["small.toml", "nested", "expected"],
         add="\nz = " + "[" * 40 + "1" + "]" * 40 + "\n"),
    Case("file_over_10_mb", ["small.toml", "bytes", "expected a model file of at most"],
         add="\n# " + "padding " * 1_400_000 + "\n"),
    Case("key_of_100_kb_top", ["small.toml", "unknown key", "characters"], add=f"\n{BIG} = 1\n"),
    Case("key_of_100_kb_nested", ["small.toml", "grid.", "unknown key"],
         replace=(("[grid]", f"[grid]\n{BIG} = 1"),)),
    Case("key_of_100_kb_in_scenario", ["small.toml", "unknown key"], add=f"\n[scenarios.s]\n{BIG} = 1\n"),
    Case("quoted_key_with_newlines", ["small.toml", "unknown key"], add='\n"a\\nb\\nc" = 1\n'),
    Case("value_of_100_kb_name", ["small.toml", "model.name", "characters"],
         replace=(('name = "small"', f'name = "{BIG}"'),)),
    Case("value_of_100_kb_timezone", ["small.toml", "site.timezone", "characters"],
         replace=(('timezone = "America/Lima"', f'timezone = "{BIG}"'),)),
    Case("value_of_100_kb_resolution", ["small.toml", "horizon.resolution", "characters"],
         replace=(('resolution = "1h"', f'resolution = "{BIG}"'),)),
    Case("value_of_100_kb_number_text", ["small.toml", "pv.roof.capacity_kwp", "characters"],
         replace=(("capacity_kwp = 2000.0", f'capacity_kwp = "{BIG}"'),)),
    Case("value_of_100_kb_turbine", ["small.toml", "wind.w.turbine_type", "characters"],
         add=f'\n[wind.w]\nturbine_type = "{BIG}"\nhub_height_m = 78\n'),
    Case("value_of_100_kb_temperature_model", ["small.toml", "pv.roof.temperature_model"],
         replace=(("capacity_kwp = 2000.0", f'capacity_kwp = 2000.0\ntemperature_model = "{BIG}"'),)),
    Case("value_of_100_kb_list", ["small.toml", "weather.ghi_monthly_kwh_m2_day", "expected"],
         add="\n[weather]\nghi_monthly_kwh_m2_day = [" + ", ".join(["1.0"] * 30_000) + "]\n"),
    Case("value_of_100_kb_column_name", ["load.csv", "not found", "characters"],
         add=METERED.replace('units = "kW"', f'units = "kW"\nvalue_column = "{BIG}"'),
         files={"load.csv": text(GOOD)}),
    Case("csv_cell_of_100_kb", ["load.csv", "row 6", "characters", "expected a number"], add=METERED,
         files={"load.csv": edited(GOOD, 6, f"{STAMP6},{BIG}")}),
    Case("csv_timestamp_of_100_kb", ["load.csv", "row 6", "characters", "expected ISO 8601"], add=METERED,
         files={"load.csv": edited(GOOD, 6, f"{BIG},1000")}),
    Case("csv_header_of_100_kb", ["load.csv", "column 'value' not found", "characters"], add=METERED,
         files={"load.csv": text([f"timestamp,{BIG}", *GOOD[1:]])}),
    Case("calls_name_of_100_kb_repeated", ["calls.csv", "row 3", "repeats", "characters"], add=CALLS,
         files={"calls.csv": text([CALLS_HEADER, CALL_OK.replace("A,", f"{BIG},"),
                                   CALL_OK.replace("A,", f"{BIG},").replace("01-07", "01-09").replace("01-08", "01-10")])}),
    Case("scenario_option_of_100_kb", ["small.toml", "scenario", "characters"], options=("--scenario", BIG)),
    Case("too_many_pv_arrays", ["small.toml", "pv: expected at most 32 entries"],
         add="".join(f"\n[pv.a{i}]\ncapacity_kwp = 1\n" for i in range(40))),
    Case("too_many_wind_units", ["small.toml", "wind: expected at most 32 entries"],
         add="".join(f'\n[wind.w{i}]\nturbine_type = "E-82/2300"\nhub_height_m = 78\n' for i in range(40))),
    Case("too_many_vessel_classes", ["small.toml", "vessels.classes: expected at most 32 entries"],
         add="".join(f"\n[vessels.classes.c{i}]\nshare_of_calls = 0.025\nmoves_mean = 100\nmax_cranes = 1\n"
                     for i in range(40))),
    Case("too_many_truck_windows", ["small.toml", "trucks.windows: expected at most 24 entries, found 10000"],
         add="\n[trucks]\nwindows = [" + ",".join(["{start_hour = 10, end_hour = 16, energy_share = 0.0001}"] * 10000)
         + "]\n"),
    Case("too_many_scenarios", ["small.toml", "scenarios: expected at most 200 entries"],
         add="".join(f"\n[scenarios.s{i}]\nbattery.energy_kwh = {i + 1}\n" for i in range(201))),
    Case("hub_height_of_a_satellite", ["small.toml", "wind.w.hub_height_m", "less than or equal to 500"],
         add='\n[wind.w]\nturbine_type = "E-82/2300"\nhub_height_m = 1e11\n'),
    Case("roughness_of_a_mountain_range", ["small.toml", "weather.roughness_length_m", "less than or equal to 10"],
         add="\n[weather]\nroughness_length_m = 1e5\n"),
    Case("model_is_an_array_of_tables", ["small.toml", "expected"], model="[[model]]\nname = 'x'\n"),
    Case("model_only_a_comment", ["small.toml", "missing required key"], model="# nothing\n"),
]

# ---------------------------------------------------------------- 3. names that would become paths

BAD_NAMES = {"dotdot": "..", "dot": ".", "empty": "", "slash": "a/b", "up": "../../escape", "absolute": "/tmp/abs",
             "backslash": "a\\\\b", "windows_drive": "C:evil", "space": "my model", "leading_dot": ".hidden",
             "leading_dash": "-rf", "device_con": "CON", "device_nul": "nul", "device_com1": "com1",
             "tilde": "~user", "too_long": "n" * 65, "newline": "a\\nb", "nul_char": "a\\u0000b",
             "star": "run*", "colon": "a:b"}
NAME_CASES = [
    *[Case(f"model_name_{k}", ["small.toml", "model.name", "letters, digits", "expected"],
           replace=(('name = "small"', f'name = "{v}"'),)) for k, v in BAD_NAMES.items()],
    *[Case(f"scenario_defined_{k}", ["small.toml", "scenario name", "expected"],
           add=f'\n[scenarios."{v}"]\nbattery.energy_kwh = 4000\n') for k, v in BAD_NAMES.items() if v],
    *[Case(f"scenario_reserved_{v}", ["small.toml", "scenario name", "reserved", repr(v)],
           add=f'\n[scenarios.{v}]\nbattery.energy_kwh = 4000\n') for v in ("base", "BASE", "comparison", "profiles")],
    *[Case(f"scenario_option_{k}_{cmd}", ["small.toml", "scenario", "expected"], cmd=cmd, options=("--scenario", v))
      for k, v in {"dotdot": "..", "up": "../x", "absolute": "/etc", "slash": "a/b", "dot": "."}.items()
      for cmd in ("check", "run")],
    Case("compare_scenarios_option_dotdot", ["small.toml", "scenario", "expected"], cmd="compare",
         options=("--scenarios", "..")),
    Case("profiles_scenario_option_dotdot", ["small.toml", "scenario", "expected"], cmd="profiles",
         options=("--scenario", "..")),
]

ALL = SERIES_CASES + HEADER_CASES + HORIZON_CASES + FILE_CASES + NAME_CASES


@pytest.mark.parametrize("case", ALL, ids=[c.id for c in ALL])
def test_bad_input_round2_gives_one_line_and_exit_1(case, tmp_path, capsys):
    run_case(tmp_path, case, capsys)


def test_catalogue_round2_is_large_and_distinct():
    from tests.test_bad_inputs import CASES

    ids = [c.id for c in ALL + KEY_CASES]
    assert len(ids) == len(set(ids))
    assert len(ids) >= 150
    assert len(ids) + len(CASES) >= 400
