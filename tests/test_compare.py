"""Scenario comparison: one row per scenario, deltas, failures isolated, workers give the same CSV."""

from __future__ import annotations

import pandas as pd
import pytest

from energy.cli import main
from energy.scenarios import TIMING_COLUMNS, compare
from tests.conftest import SMALL_MODEL

SCENARIOS = """
[scenarios.grid_only]
description = "no PV, no battery"
pv.roof.capacity_kwp = 0.0
battery = { energy_kwh = 0.0, charge_power_kw = 0.0, discharge_power_kw = 0.0 }

[scenarios.more_pv]
description = "more PV"
pv.roof.capacity_kwp = 4000.0

[scenarios.typo]
description = "bad override"
battery.energy_kwhh = 1.0

[scenarios.missing_file]
description = "metered load file absent"
loads.metered = { file = "nope.csv", units = "kW" }
"""


@pytest.fixture
def model(tmp_path):
    p = tmp_path / "small.toml"
    p.write_text(SMALL_MODEL.replace('end = 2025-01-13', 'end = 2025-01-09') + SCENARIOS)
    return p


def test_compare_rows_deltas_and_isolated_failures(model, tmp_path):
    table = compare(model, jobs=1, out=tmp_path / "r", plots=False, progress="none")
    assert list(table["scenario"]) == ["base", "grid_only", "more_pv", "typo", "missing_file"]
    row = table.set_index("scenario")
    assert row.loc["typo", "status"] == "failed" and "battery.energy_kwhh: unknown key" in row.loc["typo", "error"]
    assert row.loc["missing_file", "status"] == "failed" and "nope.csv" in row.loc["missing_file", "error"]
    assert table.attrs["failed"] == ["typo", "missing_file"]
    ok = row.loc[["base", "grid_only", "more_pv"]]
    assert (ok["status"] == "optimal").all()
    # grid-only emits most; more PV costs and emits less than the base
    assert ok["emissions_tco2"].idxmax() == "grid_only"
    assert ok.loc["more_pv", "total_cost_usd"] < ok.loc["base", "total_cost_usd"]
    assert ok.loc["more_pv", "emissions_tco2"] < ok.loc["base", "emissions_tco2"]
    # percent columns equal the figures they are computed from
    for k in ("total_cost_usd", "emissions_tco2", "grid_import_mwh", "peak_import_kw"):
        base = ok.loc["base", k]
        for s in ok.index:
            assert ok.loc[s, f"{k}_delta"] == pytest.approx(ok.loc[s, k] - base)
            assert ok.loc[s, f"{k}_delta_pct"] == pytest.approx(100 * (ok.loc[s, k] - base) / base)
    csv = pd.read_csv(tmp_path / "r" / "small" / "comparison.csv")
    assert list(csv["scenario"]) == list(table["scenario"])
    # emissions under both SEIN factors (issue 11): the default decision factor is the average
    good = csv.set_index("scenario").loc[["base", "grid_only", "more_pv"]]
    assert good["emissions_average_tco2"].to_numpy() == pytest.approx(good["emissions_tco2"].to_numpy())
    assert (good["emissions_marginal_tco2"] > 2 * good["emissions_average_tco2"]).all()
    for s in ("base", "grid_only", "more_pv"):
        assert (tmp_path / "r" / "small" / s / "summary.json").exists()
    assert not (tmp_path / "r" / "small" / "typo").exists()


def test_parallel_gives_the_same_table(model, tmp_path):
    kw = dict(scenarios=["grid_only", "more_pv"], plots=False, progress="none")
    serial = compare(model, jobs=1, out=tmp_path / "a", **kw)
    parallel = compare(model, jobs=2, out=tmp_path / "b", **kw)
    drop = [c for c in serial.columns if c in TIMING_COLUMNS or c.endswith("_s")]
    pd.testing.assert_frame_equal(serial.drop(columns=drop), parallel.drop(columns=drop))


def test_cli_compare_exit_code_on_failure(model, tmp_path, capsys):
    code = main(["compare", str(model), "--scenarios", "more_pv,typo", "--out", str(tmp_path / "r"),
                 "--no-plots", "--quiet"])
    out, err = capsys.readouterr()
    assert code == 4
    assert "more_pv" in out and "wrote" in out
    assert err.count("\n") == 1 and "scenario 'typo' failed" in err
    code = main(["compare", str(model), "--scenarios", "nope", "--out", str(tmp_path / "r2")])
    assert code == 1 and "unknown scenario 'nope'" in capsys.readouterr().err


def test_plain_progress_lines_when_not_a_terminal(model, tmp_path, capsys):
    compare(model, ["more_pv"], out=tmp_path / "r", plots=False, progress="auto")
    out = capsys.readouterr().out  # captured output is not a terminal: plain lines
    for scenario in ("base", "more_pv"):
        phases = [line.split(": ")[1].split(" (")[0] for line in out.splitlines() if f"] {scenario}: " in line]
        assert phases == ["profiles", "build", "solve", "extract", "business as usual", "write", "done"], out
    assert "(1 of 2 done, " in out and "ETA" in out and "(2 of 2 done, " in out
    compare(model, ["more_pv"], out=tmp_path / "q", plots=False, progress="none")
    assert capsys.readouterr().out == ""


def test_compare_without_writing_leaves_no_file(model, tmp_path):
    table = compare(model, ["more_pv"], out=tmp_path / "r", plots=False, progress="none", write=False)
    assert list(table["scenario"]) == ["base", "more_pv"] and (table["status"] == "optimal").all()
    assert not (tmp_path / "r").exists()
