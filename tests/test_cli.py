"""The port-energy command, run in a temporary folder: exit codes, files, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest

from energy.cli import main
from tests.conftest import CHANCAY


def _run(args, capsys):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def test_profiles_writes_csv_with_units_and_offsets(small_model, tmp_path, capsys):
    code, out, err = _run(["profiles", small_model, "--out", tmp_path / "r"], capsys)
    assert code == 0, err
    path = tmp_path / "r" / "small" / "profiles.csv"
    assert f"wrote {path}" in out and "specific yield" in out and "fixed load" in out
    df = pd.read_csv(path)
    assert df["timestamp"].iloc[0] == "2025-01-06T00:00:00-05:00"
    for col in ("pv_available_kw", "wind_available_kw", "fixed_load_kw", "ghi_w_m2", "temp_air_c",
                "import_price_usd_per_kwh", "grid_emission_kg_per_kwh"):
        assert col in df.columns
    assert len(df) == 7 * 24


def test_run_writes_folder_and_refuses_overwrite(small_model, tmp_path, capsys):
    out_dir = tmp_path / "r"
    code, out, err = _run(["run", small_model, "--out", out_dir, "--no-plots"], capsys)
    assert code == 0, err
    folder = out_dir / "small" / "base"
    assert {"dispatch.csv", "summary.json", "summary.csv", "jobs.csv"} <= {p.name for p in folder.iterdir()}
    summary = json.loads((folder / "summary.json").read_text())
    assert summary["kpis"]["status"] == "optimal"
    assert "total cost" in out and "USD" in out
    before = (folder / "dispatch.csv").read_text()
    code, out, err = _run(["run", small_model, "--out", out_dir, "--no-plots"], capsys)
    assert code == 1 and "holds an earlier run; pass --overwrite" in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert (folder / "dispatch.csv").read_text() == before


@pytest.mark.parametrize(
    ("edit", "needle"),
    [
        (("capacity_kwp = 2000.0", "capacity_kwp = 'x'"), "pv.roof.capacity_kwp"),
        (("[grid]", "[grid]\nbogus = 1"), "grid.bogus: unknown key"),
        (("[pv.roof]", "[wind.w]\nturbine_type = 'E82/2300'\nhub_height_m = 78\n\n[pv.roof]"), "did you mean 'E-82/2300'"),
    ],
)
def test_bad_model_one_line_exit_1(small_model, tmp_path, capsys, edit, needle):
    small_model.write_text(small_model.read_text().replace(*edit))
    code, out, err = _run(["run", small_model, "--out", tmp_path / "r"], capsys)
    assert code == 1
    assert needle in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert not (tmp_path / "r" / "small" / "base").exists()


def test_usage_error_exit_2(capsys):
    code, _, err = _run(["run"], capsys)
    assert code == 2 and "Missing argument" in err


def test_console_script_module_entry_point(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "energy", "run", str(tmp_path / "missing.toml")],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    assert proc.stderr.strip() == f"error: {tmp_path / 'missing.toml'}: model file not found"


def test_bundled_model_check_unknown_scenario(capsys):
    code, _, err = _run(["run", CHANCAY, "--scenario", "nope"], capsys)
    assert code == 1 and "unknown scenario 'nope'" in err and "grid_only" in err


def test_time_limit_incumbent_is_written_and_clearly_marked(small_model, tmp_path, capsys, monkeypatch):
    """A run stopped by its time limit with a feasible solution is kept, and marked as such."""
    import energy.optimise.optimise as solve_mod

    real = solve_mod.optimise

    def stopped(inputs, **kw):
        res = real(inputs, **kw)
        res.kpis.update(status="time_limit", mip_gap=0.0234)
        return res

    monkeypatch.setattr(solve_mod, "optimise", stopped)
    code, out, err = _run(["run", small_model, "--out", tmp_path / "r"], capsys)
    assert code == 0, err
    assert "WARNING: solver status 'time_limit'" in out and "within 2.34% of the optimum" in out
    folder = tmp_path / "r" / "small" / "base"
    assert json.loads((folder / "summary.json").read_text())["kpis"]["status"] == "time_limit"
    html = (folder / "report.html").read_text()
    assert "Not optimal: time_limit" in html and "not proven optimal" in html


def test_unreachable_end_soc_is_explained_in_model_terms(small_model, tmp_path, capsys):
    """Regression: 'unserved' load must not feed the battery to fake its end state.

    With a 1 kW grid, no PV and 1 %/h self-discharge the battery cannot end the week
    back at 90 %: the run is infeasible and says why, in model-file terms.
    """
    text = (small_model.read_text().replace("import_limit_kw = 20000.0", "import_limit_kw = 1.0")
            .replace("capacity_kwp = 2000.0", "capacity_kwp = 0.0")
            .replace("discharge_power_kw = 1000.0",
                     "discharge_power_kw = 1000.0\nself_discharge_per_h = 0.01\nsoc_initial = 0.9"))
    small_model.write_text(text)
    code, out, err = _run(["run", small_model, "--out", tmp_path / "r", "--no-plots"], capsys)
    assert code == 3, out + err
    assert "infeasible" in err and "battery.soc_initial = 0.9" in err and "kWh short" in err
    assert len(err.strip().splitlines()) == 1
    assert not (tmp_path / "r" / "small" / "base").exists()
