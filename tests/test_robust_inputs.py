"""Robust inputs, round 2 (issue 12): warnings on suspicious data, weather timing, API safety, paths.

* Suspicious magnitudes in valid data give one line ``warning: suspicious data: ...`` naming
  the file or key in ``check`` and ``run`` and land in the report's notes; what is physically
  impossible is refused.
* Weather-file timing: TMY3 with a leap-year February, an irradiance peak off solar noon.
* A ``Config`` changed in Python is validated; ``compare(jobs=2)`` from an unguarded script.
* Nothing is ever written outside ``--out``: every write path is checked while a run writes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd
import pytest

import energy
from energy.cli import EXIT_INPUT, main
from energy.config import load_config
from energy.errors import EnergyError
from energy.plausible import LABEL, distance_km
from tests.conftest import DATA, SMALL_MODEL
from tests.test_bad_inputs import EPW, GOOD, TMY3, series, text

METERED = '\n[loads.metered]\nfile = "load.csv"\nunits = "{units}"\n'
PRICES = '\n[tariff.import_price_file]\nfile = "prices.csv"\nunits = "{units}"\n'
WEATHER = '\n[weather]\nsource = "file"\nfile = "{name}"\nformat = "{fmt}"\n'
WEEK_2025_JAN = (("start = 2025-01-06", "start = 2025-01-03"), ("end = 2025-01-13", "end = 2025-01-08"))
DAY = (("end = 2025-01-13", "end = 2025-01-07"),)


def write_model(tmp_path: Path, add: str = "", replace=(), files=None) -> Path:
    model = SMALL_MODEL
    for old, new in replace:
        assert old in model, old
        model = model.replace(old, new)
    path = tmp_path / "small.toml"
    path.write_text(model + add)
    for name, content in (files or {}).items():
        (tmp_path / name).write_text(content)
    return path


def _epw_with(header_fields: dict) -> str:
    """The EPW fixture with LOCATION fields replaced (index -> value)."""
    lines = EPW.splitlines()
    head = lines[0].split(",")
    for i, v in header_fields.items():
        head[i] = v
    return "\n".join([",".join(head), *lines[1:]]) + "\n"


# ---------------------------------------------------------------- 4. suspicious magnitudes: warn

WARN_CASES = {
    "load_kw_declared_as_mw": (METERED.format(units="MW"), (), {"load.csv": text(GOOD)},
                               ["load.csv", "times grid.import_limit_kw", "kW values declared as MW"]),
    "load_mw_declared_as_kw": (METERED.format(units="kW"), (), {"load.csv": text(series(value="3.2"))},
                               ["load.csv", "below a port's plausible", "MW values declared as kW"]),
    "load_w_declared_as_kw": (METERED.format(units="kW"), (("import_limit_kw = 20000.0", "import_limit_kw = 5e6"),),
                              {"load.csv": text(series(value="3200000"))},
                              ["load.csv", "above a port's plausible", "kW values declared as MW"]),
    "prices_usd_per_mwh_declared_as_kwh": (PRICES.format(units="USD/kWh"), (), {"prices.csv": text(series(value="62.5"))},
                                           ["prices.csv (USD/kWh)", "USD/MWh values declared as USD/kWh"]),
    "prices_usd_per_kwh_declared_as_mwh": (PRICES.format(units="USD/MWh"), (), {"prices.csv": text(series(value="0.065"))},
                                           ["prices.csv (USD/MWh)", "USD/kWh values declared as USD/MWh"]),
    "tariff_key_in_usd_per_mwh": ("\n[tariff]\npeak_energy_usd_per_kwh = 74\n", (), {},
                                  ["small.toml", "tariff.peak_energy_usd_per_kwh", "USD/MWh values declared"]),
    "export_price_in_usd_per_mwh": ("\n[tariff]\nexport_price_usd_per_kwh = 40\n", (), {},
                                    ["tariff.export_price_usd_per_kwh", "above a plausible"]),
    "emission_factor_in_t_per_kwh": ("\n[emissions]\ngrid_emission_kg_per_kwh = 0.0002\n", (), {},
                                     ["emissions.grid_emission_kg_per_kwh", "kg/kWh values declared as g/kWh"]),
    "decimal_comma_with_thousands_points": (
        METERED.format(units="kW") + 'delimiter = ";"\ndecimal = ","\n', (),
        {"load.csv": text(series(sep=";", value="1.234"))},
        ["load.csv: column 'value'", "decimal = ','", "no value has a comma", "read as 1234", "set decimal = '.'"]),
    "weather_station_far_away": (WEATHER.format(name="w.epw", fmt="epw"), WEEK_2025_JAN,
                                 {"w.epw": _epw_with({6: "-33.45", 7: "-70.67"})},
                                 ["w.epw", "km from the site", "within 100 km"]),
    "weather_tmy3_of_greensboro_for_chancay": (WEATHER.format(name="w.csv", fmt="tmy3"), WEEK_2025_JAN,
                                               {"w.csv": TMY3}, ["w.csv", "km from the site"]),
    "weather_epw_header_zone_wrong_by_1h": (WEATHER.format(name="w.epw", fmt="epw"), WEEK_2025_JAN,
                                            {"w.epw": _epw_with({8: "-6.0"})},
                                            ["w.epw", "irradiance peaks 1.0 h after solar noon", "UTC-6",
                                             "time zone (header)"]),
    "weather_epw_header_zone_utc": (WEATHER.format(name="w.epw", fmt="epw"), WEEK_2025_JAN,
                                    {"w.epw": _epw_with({8: "0.0"})},
                                    ["w.epw", "h before solar noon", "UTC+0"]),
}


@pytest.mark.parametrize("name", list(WARN_CASES))
def test_suspicious_data_warns_in_one_labelled_line(name, tmp_path, capsys):
    add, replace, files, needles = WARN_CASES[name]
    code = main(["check", str(write_model(tmp_path, add, replace, files))])
    out, err = capsys.readouterr()
    assert code == 0, err
    lines = [ln.strip() for ln in out.splitlines() if ln.strip().startswith(f"warning: {LABEL}")]
    assert len(lines) == 1, out
    for needle in needles:
        assert needle in lines[0], f"{needle!r} not in {lines[0]!r}"


def test_good_data_gives_no_suspicious_warning(tmp_path, capsys):
    for add, files in ((METERED.format(units="kW"), {"load.csv": text(GOOD)}),
                       (PRICES.format(units="USD/MWh"), {"prices.csv": text(series(value="62.5"))}),
                       (WEATHER.format(name="w.epw", fmt="epw"), {"w.epw": EPW})):
        code = main(["check", str(write_model(tmp_path, add, WEEK_2025_JAN if "epw" in add else (), files))])
        out, err = capsys.readouterr()
        assert code == 0, err
        assert LABEL not in out


def test_run_prints_the_warning_and_the_report_keeps_it(tmp_path, capsys):
    model = write_model(tmp_path, "\n[tariff]\npeak_energy_usd_per_kwh = 74\n", DAY)
    code = main(["run", str(model), "--out", str(tmp_path / "reports"), "--no-plots"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert sum(ln.startswith(f"warning: {LABEL}") for ln in out.splitlines()) == 1, out
    notes = json.loads((tmp_path / "reports" / "small" / "base" / "assumptions.json").read_text())["notes"]
    assert any(n.startswith(LABEL) and "tariff.peak_energy_usd_per_kwh" in n for n in notes)


# ---------------------------------------------------------------- 4. physically impossible: refuse

REFUSED = {
    "load_over_a_national_grid": (METERED.format(units="MW"), {"load.csv": text(series(value="20000"))},
                                  ["load.csv", "more than any site can draw", "expected a port's load"]),
    "emission_factor_grams_as_kg": ('\n[emissions.emission_factor_file]\nfile = "ef.csv"\nunits = "kg/kWh"\n',
                                    {"ef.csv": text(series(value="186"))},
                                    ["ef.csv (kg/kWh)", "expected at most 5", "g/kWh values declared as kg/kWh"]),
    "emission_key_grams_as_kg": ("\n[emissions]\ngrid_emission_kg_per_kwh = 186\n", {},
                                 ["small.toml", "emissions.grid_emission_kg_per_kwh", "expected at most 5"]),
}


@pytest.mark.parametrize("name", list(REFUSED))
def test_physically_impossible_data_is_refused(name, tmp_path, capsys):
    add, files, needles = REFUSED[name]
    code = main(["run", str(write_model(tmp_path, add, DAY, files)), "--out", str(tmp_path / "reports")])
    _, err = capsys.readouterr()
    assert code == EXIT_INPUT and "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    for needle in needles:
        assert needle in err
    assert not (tmp_path / "reports").exists()


def test_distance_is_the_great_circle():
    assert distance_km(0, 0, 0, 1) == pytest.approx(111.19, abs=0.01)  # 2*pi*6371/360
    assert distance_km(-11.59, -77.28, -12.02, -77.11) == pytest.approx(51, abs=2)  # Chancay - Lima airport


# ---------------------------------------------------------------- 5. weather timing


@pytest.mark.parametrize(("start", "end"), [("2025-02-27", "2025-03-02"), ("2024-02-27", "2024-03-02"),
                                            ("2025-12-30", "2026-01-02")])
def test_tmy3_with_a_leap_february_covers_28_february(tmp_path, capsys, start, end):
    """pvlib's 723170TYA.CSV takes February from 1996: its 28 February 24:00 is 28 February, not 1 March."""
    model = write_model(tmp_path, WEATHER.format(name="w.csv", fmt="tmy3"),
                        (("start = 2025-01-06", f"start = {start}"), ("end = 2025-01-13", f"end = {end}")),
                        {"w.csv": TMY3})
    code = main(["check", str(model)])
    out, err = capsys.readouterr()
    assert code == 0, err


def test_tmy3_record_hours_follow_the_file_columns():
    """The 24:00 record of 28 February lands on 28 February 23:00-24:00 in the file's zone."""
    from energy.weatherfile import read_weather_file

    index = pd.date_range("2025-02-28 22:00", periods=3, freq="h", tz="Etc/GMT+5")
    data, _ = read_weather_file(Path(pvlib_data()) / "723170TYA.CSV", fmt="tmy3", index=index)
    rows = [ln.split(",") for ln in TMY3.splitlines()[2:] if ln.startswith("02/28/") and ln.split(",")[1] in ("23:00", "24:00")]
    rows += [ln.split(",") for ln in TMY3.splitlines()[2:] if ln.startswith("03/01/") and ln.split(",")[1] == "01:00"]
    assert data["temp_air_c"].tolist() == pytest.approx([float(r[31]) for r in rows])


def pvlib_data() -> str:
    import pvlib

    return os.path.join(os.path.dirname(pvlib.__file__), "data")


# ---------------------------------------------------------------- 7. the Python API is as safe as the CLI


def test_config_assignment_is_validated(small_model):
    cfg = load_config(small_model)
    with pytest.raises(EnergyError, match=r"Battery.charge_efficiency: expected a value less than or equal to 1"):
        cfg.battery.charge_efficiency = 1.5
    assert cfg.battery.charge_efficiency == 0.95
    for table, key, value in (("grid", "import_limit_kw", float("inf")), ("horizon", "resolution", "1s"),
                              ("model", "name", "../x"), ("pv", "roof", 5)):
        with pytest.raises(EnergyError, match=key if table != "pv" else "roof"):
            if table == "pv":
                cfg.pv = {"roof": value}
            else:
                setattr(getattr(cfg, table), key, value)


def test_run_validates_a_config_changed_in_place(small_model, tmp_path):
    cfg = load_config(small_model)
    cfg.pv["roof"] = {"capacity_kwp": float("nan")}  # a dict item: no assignment validation
    with pytest.raises(EnergyError, match=r"pv.roof.capacity_kwp: expected a finite number"):
        energy.run(small_model, config=cfg, out=tmp_path / "reports")
    assert not (tmp_path / "reports").exists()


def test_compare_with_jobs_from_an_unguarded_script(tmp_path):
    (tmp_path / "m.toml").write_text(SMALL_MODEL.replace("end = 2025-01-13", "end = 2025-01-07")
                                     + "\n[scenarios.more_pv]\npv.roof.capacity_kwp = 3000\n")
    (tmp_path / "script.py").write_text(
        "import energy\n"
        "t = energy.compare('m.toml', jobs=2, out='out', plots=False, progress='none')\n"
        "print('statuses', t['status'].tolist())\n")
    proc = subprocess.run([sys.executable, "script.py"], cwd=tmp_path, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])})
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "statuses ['optimal', 'optimal']" in proc.stdout
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "outside `if __name__ == \"__main__\":`" in lines[0] and "serially" in lines[0]
    assert (tmp_path / "out" / "small" / "comparison.csv").is_file()


def test_guarded_call_is_not_flagged(tmp_path):
    (tmp_path / "g.py").write_text(
        "from energy.scenarios import unguarded_script_call\n"
        "print('top', unguarded_script_call() is not None)\n"
        "if __name__ == '__main__':\n    print('guarded', unguarded_script_call() is not None)\n")
    proc = subprocess.run([sys.executable, "g.py"], cwd=tmp_path, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])})
    assert proc.stdout.split() == ["top", "True", "guarded", "False"], proc.stderr


# ---------------------------------------------------------------- 3. nothing outside --out


@pytest.fixture
def record_writes(monkeypatch):
    """Every file or folder the report writers create or rename, recorded as it happens."""
    import energy.report.plots  # noqa: F401  (matplotlib sets up its own cache before recording)

    seen: list[Path] = []
    real = {"mkstemp": tempfile.mkstemp, "mkdtemp": tempfile.mkdtemp, "replace": os.replace,
            "mkdir": Path.mkdir}

    def mkstemp(*a, **k):
        fd, p = real["mkstemp"](*a, **k)
        seen.append(Path(p))
        return fd, p

    def mkdtemp(*a, **k):
        p = real["mkdtemp"](*a, **k)
        seen.append(Path(p))
        return p

    def replace(src, dst, *a, **k):
        seen.append(Path(dst))
        return real["replace"](src, dst, *a, **k)

    def mkdir(self, *a, **k):
        seen.append(Path(self))
        return real["mkdir"](self, *a, **k)

    monkeypatch.setattr(tempfile, "mkstemp", mkstemp)
    monkeypatch.setattr(tempfile, "mkdtemp", mkdtemp)
    monkeypatch.setattr(os, "replace", replace)
    monkeypatch.setattr(Path, "mkdir", mkdir)
    return seen


def test_every_write_resolves_inside_out(tmp_path, record_writes, capsys):
    model = write_model(tmp_path, "\n[scenarios.more_pv]\npv.roof.capacity_kwp = 3000\n", DAY)
    out = tmp_path / "out"
    assert main(["compare", str(model), "--out", str(out), "--quiet", "--no-plots"]) == 0, capsys.readouterr().err
    assert main(["profiles", str(model), "--out", str(out), "--scenario", "more_pv"]) == 0
    assert main(["report", str(out / "small" / "base")]) == 0
    assert len(record_writes) > 10
    outside = [p for p in record_writes if not p.resolve().is_relative_to(out.resolve())]
    assert not outside, outside


def test_reports_folder_linked_outside_is_refused(tmp_path, capsys):
    model = write_model(tmp_path, replace=DAY)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "small").symlink_to(elsewhere)
    code = main(["run", str(model), "--out", str(tmp_path / "out"), "--no-plots"])
    _, err = capsys.readouterr()
    assert code == EXIT_INPUT and "outside the reports folder" in err and len(err.strip().splitlines()) == 1, err
    assert not any(elsewhere.iterdir())


def test_scenario_dotdot_fails_before_solving_and_leaves_no_staging_folder(tmp_path, capsys):
    model = write_model(tmp_path, '\n[scenarios.ok]\nbattery.energy_kwh = 3000\n', DAY)
    (tmp_path / "out").mkdir()
    for argv in (["run", str(model), "--scenario", ".."], ["compare", str(model), "--scenarios", "ok,.."]):
        code = main([*argv, "--out", str(tmp_path / "out")])
        _, err = capsys.readouterr()
        assert code == EXIT_INPUT and "scenario" in err and "found '..'" in err, err
    assert list((tmp_path / "out").rglob("*")) == []


def test_scenario_name_rule_in_the_schema(small_model):
    from energy.config.schema import safe_name, scenario_name

    for ok in ("base_case", "pv-heavy", "rampup_2025", "ampliación"):
        assert scenario_name(ok) == ok
    for bad in ("..", "a/b", "base", "Comparison", "", "nul", "x" * 65, "a.b", " a"):
        with pytest.raises(ValueError):
            scenario_name(bad)
    assert safe_name("base", "model name") == "base"  # only scenarios reserve 'base'


def test_example_data_files_still_have_no_warning(capsys):
    from tests.conftest import CHANCAY

    assert main(["check", str(CHANCAY), "--scenario", "grid_only", "--end", "2025-01-08"]) == 0
    out = capsys.readouterr().out
    assert LABEL not in out, out


def test_pvgis_fixture_reads_its_location(tmp_path, capsys):
    model = write_model(tmp_path, WEATHER.format(name="w.json", fmt="pvgis_tmy"), WEEK_2025_JAN,
                        {"w.json": (DATA / "chancay_sample_pvgis_tmy.json").read_text()})
    assert main(["check", str(model)]) == 0
    assert LABEL not in capsys.readouterr().out
