"""The bad-input catalogue (issue 6): every case fed through the CLI gives one line and exit 1.

Each case writes the small one-week model (tests/conftest.py ``SMALL_MODEL``), edited,
plus the input files it needs into ``tmp_path`` and runs ``port-energy check`` (or
``profiles`` / ``run --no-plots``). It asserts the documented exit code (1, bad input),
exactly one line on stderr starting ``error:``, no traceback, and the words that name
the offending file or key (and the row where it applies) and what was expected.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pvlib
import pytest

from energy.cli import EXIT_INPUT, main
from tests.conftest import DATA, SMALL_MODEL

EPW = (DATA / "chancay_sample.epw").read_text()
PVGIS_JSON = (DATA / "chancay_sample_pvgis_tmy.json").read_text()
TMY3 = (Path(pvlib.__file__).parent / "data" / "723170TYA.CSV").read_text()

METERED = '\n[loads.metered]\nfile = "load.csv"\nunits = "kW"\n'
PRICES = '\n[tariff.import_price_file]\nfile = "prices.csv"\nunits = "USD/MWh"\n'
EMISSIONS = '\n[emissions.emission_factor_file]\nfile = "ef.csv"\nunits = "g/kWh"\n'
CALLS = '\n[vessels.calls_file]\nfile = "calls.csv"\n'
WEATHER = '\n[weather]\nsource = "file"\nfile = "{name}"\nformat = "{fmt}"\n'
CALLS_HEADER = "vessel,arrival,departure,moves,max_cranes"
REEFERS = "\n[loads.reefers]\n{extra}\n"
FRUIT = ("\n[loads.reefers.classes.fruit]\nshare_of_boxes = 1.0\nsetpoint_c = 1.5\nband_low_c = 1.0\n"
         "band_high_c = 2.0\nthermal_mass_kwh_per_c = 20.0\n")


def series(start="2025-01-06", periods=168, freq="1h", value="1000.5", sep=",", fmt=None,
           tz=None, header="timestamp,value") -> list[str]:
    """Lines of a time-series CSV (header first) covering the small model's week."""
    idx = pd.date_range(start, periods=periods, freq=freq, tz=tz)
    stamps = [t.isoformat() if fmt is None else t.strftime(fmt) for t in idx]
    return [header.replace(",", sep)] + [f"{ts}{sep}{value}" for ts in stamps]


def text(lines: list[str]) -> str:
    return "\n".join(lines) + "\n"


def edited(lines: list[str], row: int, new: str | None) -> str:
    """Replace (or delete, new=None) file line ``row`` (header = line 1)."""
    out = list(lines)
    if new is None:
        del out[row - 1]
    else:
        out[row - 1] = new
    return text(out)


GOOD = series()
STAMP6 = GOOD[5].split(",")[0]  # timestamp of file line 6


@dataclass
class Case:
    """A catalogue entry: the model edits, the files, the command and what the line must say."""

    id: str
    needles: list[str]
    add: str = ""  # text appended to the small model
    replace: tuple = ()  # (old, new) pairs applied to the small model
    files: dict = field(default_factory=dict)  # name -> str, bytes, or None for a folder
    cmd: str = "check"
    options: tuple = ()


def _calls(*rows: str) -> dict:
    return {"calls.csv": text([CALLS_HEADER, *rows])}


WEEK_2025_JAN = (("start = 2025-01-06", "start = 2025-01-03"), ("end = 2025-01-13", "end = 2025-01-08"))

CASES = [
    # ---------------------------------------------------------------- the model file
    Case("toml_syntax_error", ["small.toml", "not valid TOML", "line"], add="\n[grid\n"),
    Case("unknown_key_top_level", ["small.toml", "bogus: unknown key"], add="\n[bogus]\nx = 1\n"),
    Case("unknown_key_nested", ["small.toml", "grid.import_limt_kw: unknown key", "did you mean 'import_limit_kw'"],
         replace=(("[grid]", "[grid]\nimport_limt_kw = 5"),)),
    Case("unknown_key_in_scenario", ["small.toml", "scenario 'big'", "battery.energy_kwhh: unknown key"],
         add="\n[scenarios.big]\nbattery.energy_kwhh = 4000\n"),
    Case("unknown_key_in_scenario_named", ["small.toml", "scenario 'big'", "pv.roof.capacity_kwq: unknown key"],
         add="\n[scenarios.big]\npv.roof.capacity_kwq = 4000\n", cmd="profiles", options=("--scenario", "big")),
    Case("unknown_scenario", ["small.toml", "unknown scenario 'nope'", "base"], options=("--scenario", "nope")),
    Case("scenarios_not_tables", ["small.toml", "scenarios", "expected tables"],
         replace=(("[model]", "scenarios = 5\n\n[model]"),)),
    Case("wrong_type_string_for_number", ["small.toml", "pv.roof.capacity_kwp", "expected a valid number", "'big'"],
         replace=(("capacity_kwp = 2000.0", "capacity_kwp = 'big'"),)),
    Case("wrong_type_number_for_table", ["small.toml", "grid", "expected", "5"],
         replace=(("[grid]\nimport_limit_kw = 20000.0", ""), ("[model]", "grid = 5\n\n[model]"))),
    Case("missing_required_key", ["small.toml", "grid.import_limit_kw: missing required key"],
         replace=(("import_limit_kw = 20000.0", "export_limit_kw = 0.0"),)),
    Case("units_kva_for_load", ["small.toml", "loads.metered", "expected one of kW, MW, W", "'kVA'"],
         add=METERED.replace('"kW"', '"kVA"'), files={"load.csv": text(GOOD)}),
    Case("units_eur_for_prices", ["small.toml", "tariff.import_price_file", "USD/kWh, USD/MWh", "'EUR/kWh'"],
         add=PRICES.replace("USD/MWh", "EUR/kWh"), files={"prices.csv": text(GOOD)}),
    Case("units_lb_for_emissions", ["small.toml", "emissions.emission_factor_file", "kg/kWh", "'lb/MWh'"],
         add=EMISSIONS.replace("g/kWh", "lb/MWh"), files={"ef.csv": text(GOOD)}),
    Case("efficiency_above_1", ["small.toml", "battery.charge_efficiency", "less than or equal to 1", "1.2"],
         replace=(("discharge_power_kw = 1000.0", "discharge_power_kw = 1000.0\ncharge_efficiency = 1.2"),)),
    Case("soc_min_above_soc_max", ["small.toml", "battery", "expected soc_min <= soc_max", "0.9 > 0.5"],
         replace=(("discharge_power_kw = 1000.0", "discharge_power_kw = 1000.0\nsoc_min = 0.9\nsoc_max = 0.5"),)),
    Case("soc_initial_outside", ["small.toml", "battery", "soc_min <= soc_initial <= soc_max", "0.99"],
         replace=(("discharge_power_kw = 1000.0", "discharge_power_kw = 1000.0\nsoc_initial = 0.99"),)),
    Case("negative_capacity", ["small.toml", "pv.roof.capacity_kwp", "greater than or equal to 0", "-5"],
         replace=(("capacity_kwp = 2000.0", "capacity_kwp = -5"),)),
    Case("tilt_outside_0_90", ["small.toml", "pv.roof.tilt_deg", "less than or equal to 90", "95"],
         replace=(("capacity_kwp = 2000.0", "capacity_kwp = 2000.0\ntilt_deg = 95"),)),
    Case("azimuth_outside_0_360", ["small.toml", "pv.roof.azimuth_deg", "less than or equal to 360", "400"],
         replace=(("capacity_kwp = 2000.0", "capacity_kwp = 2000.0\nazimuth_deg = 400"),)),
    Case("latitude_120", ["small.toml", "site.latitude", "less than or equal to 90", "120"],
         replace=(("latitude = -11.59333", "latitude = 120"),)),
    Case("unknown_time_zone", ["small.toml", "site.timezone", "IANA time zone", "'Lima/Peru'"],
         replace=(('timezone = "America/Lima"', 'timezone = "Lima/Peru"'),)),
    Case("battery_power_without_energy", ["small.toml", "battery", "energy_kwh = 0", "expected"],
         replace=(("energy_kwh = 2000.0", "energy_kwh = 0.0"),)),
    Case("battery_energy_without_power", ["small.toml", "battery", "expected both > 0"],
         replace=(("charge_power_kw = 1000.0", "charge_power_kw = 0.0"),)),
    Case("unknown_turbine_type", ["small.toml", "wind.w.turbine_type", "'E82/2300'", "did you mean 'E-82/2300'"],
         add='\n[wind.w]\nturbine_type = "E82/2300"\nhub_height_m = 78\n', cmd="profiles"),
    Case("resolution_not_dividing_a_day", ["small.toml", "horizon.resolution", "divides one day", "'7h'"],
         replace=(('resolution = "1h"', 'resolution = "7h"'),)),
    Case("resolution_not_dividing_horizon", ["small.toml", "horizon", "'1h' to divide the horizon"],
         replace=(("end = 2025-01-13", "end = 2025-01-13T00:30:00"),)),
    Case("resolution_option_bad", ["--resolution '7min': expected a step length"], options=("--resolution", "7min")),
    Case("start_option_garbage", ["--start 'someday': expected a date"], options=("--start", "someday")),
    Case("end_before_start", ["small.toml", "horizon", "expected end after start"],
         replace=(("end = 2025-01-13", "end = 2025-01-01"),)),
    Case("horizon_mixes_offsets", ["small.toml", "horizon", "both with a UTC offset or both without"],
         replace=(("end = 2025-01-13", "end = 2025-01-13T00:00:00-05:00"),)),
    Case("peak_hours_reversed", ["small.toml", "tariff", "expected peak_start_hour < peak_end_hour", "23 and 18"],
         add="\n[tariff]\npeak_start_hour = 23\npeak_end_hour = 18\n"),
    Case("vessel_shares_not_summing_to_1", ["small.toml", "vessels", "share_of_calls to sum to 1", "0.5"],
         add="\n[vessels.classes.only]\nshare_of_calls = 0.5\nmoves_mean = 1000\nmax_cranes = 2\n"),
    Case("truck_shares_not_summing_to_1", ["small.toml", "trucks", "energy_share to sum to 1", "0.5"],
         add="\n[trucks]\nwindows = [{start_hour = 10, end_hour = 16, energy_share = 0.5}]\n"),
    Case("truck_window_too_small", ["small.toml", "trucks", "windows[0]", "charger_kw_total = 100", "expected at most 600 kWh"],
         add="\n[trucks]\ncount = 40\ncharger_kw_total = 100\n"),
    Case("carbon_price_and_cap", ["small.toml", "emissions", "either carbon_price_usd_per_t or cap_t"],
         add="\n[emissions]\ncarbon_price_usd_per_t = 50\ncap_t = 100\n"),
    Case("yard_quota_beyond_cranes", ["small.toml", "yard", "yard.moves_per_quay_move", "at most"],
         add="\n[yard]\nmoves_per_quay_move = 100\n"),
    Case("weather_file_source_without_file", ["small.toml", "weather", "expects a 'file' path"],
         add='\n[weather]\nsource = "file"\n'),
    Case("weather_format_unknown", ["small.toml", "weather.format", "'epw'", "'csv'"],
         add=WEATHER.format(name="w.epw", fmt="csv"), files={"w.epw": EPW}),
    # ---------------------------------------------------------------- metered load CSV
    Case("load_missing_file", ["load.csv", "not found"], add=METERED),
    Case("load_is_a_folder", ["load.csv", "is a folder", "expected"], add=METERED, files={"load.csv": None}),
    Case("load_empty_file", ["load.csv", "empty", "expected a header row"], add=METERED, files={"load.csv": ""}),
    Case("load_header_only", ["load.csv", "no data rows", "expected"], add=METERED,
         files={"load.csv": "timestamp,value\n"}),
    Case("load_binary_garbage", ["load.csv", "binary", "expected"], add=METERED,
         files={"load.csv": bytes(range(256)) * 8}),
    Case("load_missing_column", ["load.csv", "column 'value' not found", "'kW'"], add=METERED,
         files={"load.csv": text(series(header="timestamp,kW"))}),
    Case("load_unparsable_timestamp", ["load.csv", "row 6", "'yesterday'", "expected ISO 8601"], add=METERED,
         files={"load.csv": edited(GOOD, 6, "yesterday,1000")}),
    Case("load_duplicate_timestamp", ["load.csv", "row 6", "duplicate timestamp", "expected unique"], add=METERED,
         files={"load.csv": edited(GOOD, 6, GOOD[4])}),
    Case("load_unordered_timestamps", ["load.csv", "row 7", "earlier than the row before", "expected increasing"],
         add=METERED, files={"load.csv": text(GOOD[:5] + [GOOD[6], GOOD[5]] + GOOD[7:])}),
    Case("load_gap", ["load.csv", "row 6", "gap of 2h", "expected evenly spaced timestamps every 1h"],
         add=METERED, files={"load.csv": edited(GOOD, 6, None)}),
    Case("load_nan_value", ["load.csv", "row 6", "'NaN'", "expected a number"], add=METERED,
         files={"load.csv": edited(GOOD, 6, f"{STAMP6},NaN")}),
    Case("load_empty_value", ["load.csv", "row 6", "is empty", "expected a number"], add=METERED,
         files={"load.csv": edited(GOOD, 6, f"{STAMP6},")}),
    Case("load_negative_value", ["load.csv", "row 6", "'-5'", "expected a value >= 0"], add=METERED,
         files={"load.csv": edited(GOOD, 6, f"{STAMP6},-5")}),
    Case("load_horizon_not_covered", ["load.csv", "covers", "expected it to cover the model horizon"],
         add=METERED, files={"load.csv": text(GOOD[:100])}),
    Case("load_naive_timestamps_in_dst_zone", ["load.csv", "row 28", "'2025-03-09T02:00:00'", "daylight-saving",
                                               "expected timestamps with a UTC offset"],
         add=METERED.replace('units = "kW"', 'units = "kW"\ntimezone = "America/New_York"'),
         replace=(("start = 2025-01-06", "start = 2025-03-08"), ("end = 2025-01-13", "end = 2025-03-15")),
         files={"load.csv": text(series(start="2025-03-08"))}),
    Case("load_wrongly_zoned_offsets", ["load.csv", "covers 2025-01-05T18:00:00-05:00", "expected it to cover"],
         add=METERED, files={"load.csv": text(series(tz="Europe/Madrid"))}),
    Case("load_excel_serial_dates", ["load.csv", "row 2", "Excel serial date", "expected a date-time"], add=METERED,
         files={"load.csv": text(["timestamp,value"] + [f"{45663 + i / 24:.6f},1000" for i in range(168)])}),
    Case("load_wrong_delimiter", ["load.csv", "column 'timestamp' not found", "is the delimiter right"],
         add=METERED, files={"load.csv": text(series(sep=";"))}),
    Case("load_wrong_decimal_separator", ["load.csv", "row 2", "'1000,5'", "is the decimal separator right"],
         add=METERED.replace('units = "kW"', 'units = "kW"\ndelimiter = ";"'),
         files={"load.csv": text(series(sep=";", value="1000,5"))}),
    Case("load_decimal_comma_in_comma_file", ["load.csv", "row 2", "3 fields; expected 2", "decimal comma"],
         add=METERED, files={"load.csv": text(series(value="1000,5"))}),
    Case("load_leap_day_missing", ["load.csv", "row 74", "gap of 25h", "skips 29 February", "expected evenly spaced"],
         add=METERED, replace=(("start = 2025-01-06", "start = 2024-02-26"), ("end = 2025-01-13", "end = 2024-03-04")),
         files={"load.csv": text([ln for ln in series(start="2024-02-26", periods=192)
                                   if not ln.startswith("2024-02-29")])}),
    Case("load_leap_day_in_common_year", ["load.csv", "'2025-02-29 00:00'", "day is out of range"], add=METERED,
         replace=(("start = 2025-01-06", "start = 2025-02-27"), ("end = 2025-01-13", "end = 2025-03-02")),
         files={"load.csv": text(["timestamp,value"]
                                 + [f"{d} {h:02d}:00,1000" for d in ("2025-02-27", "2025-02-28", "2025-02-29",
                                                                        "2025-03-01") for h in range(24)])}),
    Case("load_hour_24", ["load.csv", "row 25", "'06/01/2025 24:00'", "timestamp_label"],
         add=METERED.replace('units = "kW"', 'units = "kW"\ndayfirst = true'),
         files={"load.csv": text(["timestamp,value"] + [f"{d:02d}/01/2025 {h:02d}:00,1000"
                                                        for d in range(6, 13) for h in range(1, 25)])}),
    Case("load_step_not_dividing_resolution", ["load.csv", "step 7min", "model resolution 1h", "expected"],
         add=METERED, files={"load.csv": text(series(freq="7min", periods=1500))}),
    Case("load_timestamps_off_the_steps", ["load.csv", "do not fall on the model steps", "expected"],
         add=METERED, files={"load.csv": text(series(start="2025-01-05 23:30", periods=169))}),
    # ---------------------------------------------------------------- import prices and emission factors
    Case("prices_missing_file", ["prices.csv", "not found"], add=PRICES),
    Case("prices_non_numeric", ["prices.csv", "row 6", "'n/a'", "expected a number"], add=PRICES,
         files={"prices.csv": edited(series(value="62.5"), 6, f"{STAMP6},n/a")}),
    Case("prices_not_covering_horizon", ["prices.csv", "expected it to cover the model horizon"], add=PRICES,
         files={"prices.csv": text(series(start="2025-01-07", periods=100, value="62.5"))}),
    Case("emission_factor_missing_file", ["ef.csv", "not found"], add=EMISSIONS),
    Case("emission_factor_negative", ["ef.csv", "row 6", "'-186'", "expected a value >= 0"], add=EMISSIONS,
         files={"ef.csv": edited(series(value="186"), 6, f"{STAMP6},-186")}),
    Case("emission_factor_is_a_folder", ["ef.csv", "is a folder"], add=EMISSIONS, files={"ef.csv": None}),
    # ---------------------------------------------------------------- weather files
    Case("weather_missing_file", ["w.epw", "not found", "expected an EPW"], add=WEATHER.format(name="w.epw", fmt="epw")),
    Case("weather_is_a_folder", ["w.epw", "is a folder"], add=WEATHER.format(name="w.epw", fmt="auto"),
         files={"w.epw": None}),
    Case("weather_empty_file", ["w.epw", "is empty", "expected an EPW"], add=WEATHER.format(name="w.epw", fmt="epw"),
         files={"w.epw": ""}),
    Case("weather_binary_garbage", ["w.epw", "binary", "expected an EPW"],
         add=WEATHER.format(name="w.epw", fmt="epw"), files={"w.epw": bytes(range(256)) * 8}),
    Case("weather_epw_garbage", ["w.epw", "cannot be read as an EPW file", "LOCATION", "'hello'"],
         add=WEATHER.format(name="w.epw", fmt="epw"), files={"w.epw": "hello\nworld\n"}),
    Case("weather_epw_not_covering_horizon", ["w.epw", "no record for 01-11 00:00", "expected a record for every hour"],
         add=WEATHER.format(name="w.epw", fmt="epw"), files={"w.epw": EPW}),
    Case("weather_epw_non_numeric_value", ["w.epw", "column temp_air_c", "row 20", "'abc'", "expected -90..70"],
         add=WEATHER.format(name="w.epw", fmt="epw"), replace=WEEK_2025_JAN,
         files={"w.epw": "\n".join(ln if i != 20 else ",".join(ln.split(",")[:6] + ["abc"] + ln.split(",")[7:])
                                   for i, ln in enumerate(EPW.splitlines(), start=1)) + "\n"}),
    Case("weather_tmy3_garbage", ["w.csv", "cannot be read as a TMY3 file", "Date (MM/DD/YYYY)"],
         add=WEATHER.format(name="w.csv", fmt="tmy3"), files={"w.csv": "a,b\n1,2\n"}),
    Case("weather_tmy3_truncated", ["w.csv", "no record for", "expected a record for every hour"],
         add=WEATHER.format(name="w.csv", fmt="tmy3"), files={"w.csv": text(TMY3.splitlines()[:100])}),
    Case("weather_pvgis_broken_json", ["w.json", "cannot be read as a PVGIS TMY JSON file"],
         add=WEATHER.format(name="w.json", fmt="pvgis_tmy"), replace=WEEK_2025_JAN, files={"w.json": PVGIS_JSON[:500]}),
    Case("weather_format_not_recognised", ["w.txt", "cannot tell the format", "format = one of epw"],
         add=WEATHER.format(name="w.txt", fmt="auto"), files={"w.txt": "hello\n"}),
    # ---------------------------------------------------------------- vessel calls CSV
    Case("calls_missing_file", ["calls.csv", "not found"], add=CALLS),
    Case("calls_missing_column", ["calls.csv", "column 'max_cranes' not found"], add=CALLS,
         files={"calls.csv": "vessel,arrival,departure,moves\nA,2025-01-07 06:00,2025-01-08 06:00,1500\n"}),
    Case("calls_departure_before_arrival", ["calls.csv", "row 2", "is not after arrival", "expected departure > arrival"],
         add=CALLS, files=_calls("A,2025-01-07 06:00,2025-01-06 06:00,1500,3")),
    Case("calls_more_cranes_than_port", ["calls.csv", "row 3", "max_cranes is 9", "only 6 ship-to-shore cranes"],
         add=CALLS, files=_calls("A,2025-01-07 06:00,2025-01-08 06:00,1500,3", "B,2025-01-08 06:00,2025-01-09 06:00,1500,9")),
    Case("calls_zero_moves", ["calls.csv", "row 2", "moves is 0", "expected a number of moves > 0"], add=CALLS,
         files=_calls("A,2025-01-07 06:00,2025-01-08 06:00,0,3")),
    Case("calls_moves_do_not_fit_window", ["calls.csv", "row 2", "vessel 'A'", "1500 moves cannot be done",
                                           "at most 168 moves", "expected fewer moves"],
         add=CALLS, files=_calls("A,2025-01-07 06:00,2025-01-07 08:00,1500,3")),
    Case("calls_duplicate_vessel", ["calls.csv", "row 3", "'A' repeats", "expected unique"], add=CALLS,
         files=_calls("A,2025-01-07 06:00,2025-01-08 06:00,1500,3", "A,2025-01-09 06:00,2025-01-10 06:00,1500,3")),
    Case("calls_unparsable_arrival", ["calls.csv", "row 2", "'tomorrow'", "column 'arrival'"], add=CALLS,
         files=_calls("A,tomorrow,2025-01-08 06:00,1500,3")),
    Case("calls_excel_dates", ["calls.csv", "row 2", "Excel serial date"], add=CALLS,
         files=_calls("A,45664.25,45665.25,1500,3")),
    # ---------------------------------------------------------------- reefers and shore power (issue 16)
    Case("reefer_mode_unknown", ["small.toml", "loads.reefers.mode", "'fixed', 'thermostat' or 'optimised'",
                                 "'smart'"], add=REEFERS.format(extra='mode = "smart"')),
    Case("reefer_setpoint_outside_band", ["small.toml", "loads.reefers.classes.fruit",
                                          "band_low_c <= setpoint_c <= band_high_c", "found 1, 3, 2"],
         add=REEFERS.format(extra='mode = "optimised"') + FRUIT.replace("setpoint_c = 1.5", "setpoint_c = 3")),
    Case("reefer_shares_not_1", ["small.toml", "loads.reefers", "share_of_boxes to sum to 1", "0.5"],
         add=REEFERS.format(extra='mode = "thermostat"') + FRUIT.replace("share_of_boxes = 1.0", "share_of_boxes = 0.5")),
    Case("reefer_thermal_mass_zero", ["small.toml", "loads.reefers.classes.fruit.thermal_mass_kwh_per_c",
                                      "greater than 0", "0"],
         add=REEFERS.format(extra='mode = "optimised"') + FRUIT.replace("= 20.0", "= 0")),
    Case("reefer_class_unknown_key", ["small.toml", "loads.reefers.classes.fruit.set_point_c: unknown key",
                                      "did you mean 'setpoint_c'"],
         add=REEFERS.format(extra='mode = "optimised"') + FRUIT + "set_point_c = 2\n"),
    Case("reefer_band_cannot_be_held", ["small.toml", "loads.reefers.classes.fruit",
                                        "the compressors cannot hold the band", "rated_kw_per_box"],
         add=REEFERS.format(extra='mode = "optimised"') + FRUIT + "rated_kw_per_box = 0.01\n"),
    Case("reefer_thermal_with_metered_load", ["small.toml", "loads", "metered replaces base + reefers",
                                              "reefers.mode = 'fixed'"],
         add=METERED + REEFERS.format(extra='mode = "optimised"'), files={"load.csv": text(GOOD)}),
    Case("shore_power_negative_connections", ["small.toml", "shore_power.connections",
                                              "greater than or equal to 0", "-1"],
         add="\n[shore_power]\nconnections = -1\n"),
    Case("shore_power_zero_kw_limit", ["small.toml", "shore_power.kw_per_connection", "greater than 0", "0"],
         add="\n[shore_power]\nconnections = 1\nkw_per_connection = 0\n"),
    Case("shore_power_negative_hotelling", ["small.toml", "shore_power.hotelling_kw.feeder",
                                            "greater than or equal to 0", "-700"],
         add="\n[shore_power]\nconnections = 1\nhotelling_kw = { feeder = -700.0 }\n"),
    # ---------------------------------------------------------------- economics and sizing (issue 10)
    Case("negative_pv_capex", ["small.toml", "pv.roof.capex_usd_per_kwp", "greater than or equal to 0", "-100"],
         replace=(("capacity_kwp = 2000.0", "capacity_kwp = 2000.0\ncapex_usd_per_kwp = -100"),)),
    Case("negative_wind_om", ["small.toml", "wind.w.om_usd_per_kw_year", "greater than or equal to 0", "-5"],
         add='\n[wind.w]\nturbine_type = "E-82/2300"\nhub_height_m = 78\nom_usd_per_kw_year = -5\n'),
    Case("battery_life_0", ["small.toml", "battery.lifetime_years", "greater than or equal to 1", "0"],
         replace=(("discharge_power_kw = 1000.0", "discharge_power_kw = 1000.0\nlifetime_years = 0"),)),
    Case("discount_rate_1", ["small.toml", "finance.discount_rate", "less than 1", "1.0"],
         add="\n[finance]\ndiscount_rate = 1.0\n"),
    Case("pv_min_above_max", ["small.toml", "pv.roof", "expected min_kwp <= max_kwp", "5000 > 1000"],
         replace=(("capacity_kwp = 2000.0", "capacity_kwp = 2000.0\nmin_kwp = 5000\nmax_kwp = 1000"),)),
    Case("battery_energy_min_above_max", ["small.toml", "battery", "energy_kwh_min <= energy_kwh_max", "9000 > 100"],
         replace=(("discharge_power_kw = 1000.0",
                   "discharge_power_kw = 1000.0\nenergy_kwh_min = 9000\nenergy_kwh_max = 100"),)),
    Case("wind_count_bound_not_whole", ["small.toml", "wind.w.max_count", "integer", "2.5"],
         add='\n[wind.w]\nturbine_type = "E-82/2300"\nhub_height_m = 78\nmax_count = 2.5\n'),
    Case("size_min_above_max", ["small.toml", "battery", "power_kw_min <= power_kw_max", "500 > 10"],
         replace=(("discharge_power_kw = 1000.0", "discharge_power_kw = 1000.0\npower_kw_min = 500\npower_kw_max = 10"),),
         cmd="size", options=("--no-plots",)),
    Case("flexibility_mode_unknown", ["small.toml", "flexibility.mode", "'optimised'", "'lazy'"],
         add='\n[flexibility]\nmode = "lazy"\n', cmd="run", options=("--no-plots",)),
    # ---------------------------------------------------------------- through run (before any solving)
    Case("run_load_gap", ["load.csv", "row 6", "gap of 2h"], add=METERED,
         files={"load.csv": edited(GOOD, 6, None)}, cmd="run", options=("--no-plots",)),
    Case("run_calls_do_not_fit", ["calls.csv", "row 2", "cannot be done"], add=CALLS,
         files=_calls("A,2025-01-07 06:00,2025-01-07 08:00,1500,3"), cmd="run", options=("--no-plots",)),
    Case("run_unknown_turbine", ["wind.w.turbine_type", "did you mean"],
         add='\n[wind.w]\nturbine_type = "V90"\nhub_height_m = 80\n', cmd="run", options=("--no-plots",)),
]


def _write_case(tmp_path: Path, case: Case) -> Path:
    model = SMALL_MODEL
    for old, new in case.replace:
        assert old in model, old
        model = model.replace(old, new)
    path = tmp_path / "small.toml"
    path.write_text(model + case.add)
    for name, content in case.files.items():
        target = tmp_path / name
        if content is None:
            target.mkdir()
        elif isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content)
    return path


def _argv(tmp_path: Path, model: Path, case: Case) -> list[str]:
    argv = [case.cmd, str(model), *case.options]
    if case.cmd in ("run", "profiles", "size"):
        argv += ["--out", str(tmp_path / "reports")]
    return argv


def assert_one_line(code: int, err: str, needles: list[str]) -> str:
    assert code == EXIT_INPUT, err
    assert "Traceback" not in err
    lines = err.strip("\n").splitlines()
    assert len(lines) == 1, err
    line = lines[0]
    assert line.startswith("error: "), line
    assert "expected" in line or "not found" in line or "unknown" in line, line
    for needle in needles:
        assert needle in line, f"{needle!r} not in {line!r}"
    return line


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_gives_one_line_and_exit_1(case, tmp_path, capsys):
    model = _write_case(tmp_path, case)
    code = main(_argv(tmp_path, model, case))
    out, err = capsys.readouterr()
    assert_one_line(code, err, case.needles)
    assert not (tmp_path / "reports" / "small" / "base").exists()  # nothing written for a bad input


def test_catalogue_is_large_and_distinct():
    assert len(CASES) >= 30
    assert len({c.id for c in CASES}) == len(CASES)
    kinds = {c.id.split("_")[0] for c in CASES}
    assert {"load", "weather", "calls", "prices", "emission"} <= kinds


# ---------------------------------------------------------------- files of the model itself


@pytest.mark.parametrize(
    ("content", "needles"),
    [
        (None, ["is a folder", "expected a TOML model file"]),
        (b"\x00\x01\x02\xff\xfe garbage", ["not valid TOML"]),
        ("", ["model: missing required key", "site: missing required key"]),
    ],
    ids=["model_is_a_folder", "model_binary_garbage", "model_empty"],
)
def test_bad_model_file_itself(tmp_path, capsys, content, needles):
    path = tmp_path / "m.toml"
    if content is None:
        path.mkdir()
    elif isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    code = main(["check", str(path)])
    _, err = capsys.readouterr()
    assert_one_line(code, err, [str(path), *needles])


def test_model_file_missing(tmp_path, capsys):
    code = main(["check", str(tmp_path / "nowhere.toml")])
    _, err = capsys.readouterr()
    assert code == EXIT_INPUT and err.strip() == f"error: {tmp_path / 'nowhere.toml'}: model file not found"


def test_reports_folder_that_is_a_file(tmp_path, capsys):
    model = _write_case(tmp_path, Case("out", []))
    (tmp_path / "taken").write_text("a file, not a folder")
    code = main(["profiles", str(model), "--out", str(tmp_path / "taken")])
    _, err = capsys.readouterr()
    assert_one_line(code, err, [str(tmp_path / "taken"), "Not a directory", "writable reports folder"])


# ---------------------------------------------------------------- the right behaviour, not an error


def test_typical_year_weather_maps_feb_28_onto_feb_29(tmp_path, capsys):
    """A 2024 horizon with a weather file lacking 29 February: valid, with a note (typical years)."""
    case = Case("leap", [], add=WEATHER.format(name="w.epw", fmt="epw"),
                replace=(("start = 2025-01-06", "start = 2024-02-27"), ("end = 2025-01-13", "end = 2024-03-02")),
                files={"w.epw": EPW})
    model = _write_case(tmp_path, case)
    code = main(["check", str(model)])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "warning: w.epw: no 29 February in the file; the horizon's 29 February uses its 28 February" in out


def test_metered_csv_with_feb_29_covers_a_leap_horizon(tmp_path, capsys):
    case = Case("leap_ok", [], add=METERED,
                replace=(("start = 2025-01-06", "start = 2024-02-26"), ("end = 2025-01-13", "end = 2024-03-04")),
                files={"load.csv": text(series(start="2024-02-26", periods=192))})
    code = main(["check", str(_write_case(tmp_path, case))])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "fixed load: metered CSV load.csv" in out


def test_day_first_setting_does_not_misread_iso_dates(tmp_path, capsys):
    """dayfirst = true on an ISO file (2025-01-06 is 6 January, never 1 June)."""
    case = Case("iso_dayfirst", [], add=METERED.replace('units = "kW"', 'units = "kW"\ndayfirst = true'),
                files={"load.csv": text(series(fmt="%Y-%m-%d %H:%M"))})
    code = main(["check", str(_write_case(tmp_path, case))])
    _, err = capsys.readouterr()
    assert code == 0, err


def test_model_file_with_byte_order_mark(tmp_path, capsys):
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + SMALL_MODEL.encode())
    code = main(["check", str(path)])
    _, err = capsys.readouterr()
    assert code == 0, err


def test_calls_cut_by_the_horizon_edge_are_kept_with_a_warning(tmp_path, capsys):
    """A call crossing the horizon end keeps its prorated part; less than one step is left out."""
    case = Case("cut", [], add=CALLS, files=_calls("A,2025-01-12 12:00,2025-01-13 12:00,1500,3",
                                                    "B,2025-01-12 23:30,2025-01-14 00:00,900,2"))
    code = main(["check", str(_write_case(tmp_path, case))])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "2 vessel call(s) cut by the horizon" in out
    assert "vessel call 'B': the part of its window inside the horizon is shorter than one 1h step" in out


# ---------------------------------------------------------------- as a user runs it: a real process


@pytest.mark.parametrize("cmd", ["check", "run"])
def test_subprocess_one_line_no_traceback(tmp_path, cmd):
    case = Case("sub", [], add=METERED, files={"load.csv": edited(GOOD, 6, f"{STAMP6},NaN")})
    model = _write_case(tmp_path, case)
    argv = [sys.executable, "-m", "energy", cmd, str(model)]
    if cmd == "run":
        argv += ["--out", str(tmp_path / "reports"), "--no-plots"]
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip() == f"error: {tmp_path / 'load.csv'}: row 6: column 'value' is 'NaN'; expected a number"


def test_debug_shows_the_traceback(tmp_path):
    case = Case("dbg", [], add=METERED, files={"load.csv": edited(GOOD, 6, None)})
    model = _write_case(tmp_path, case)
    proc = subprocess.run([sys.executable, "-m", "energy", "--debug", "check", str(model)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0
    assert "Traceback" in proc.stderr and "EnergyError" in proc.stderr
