"""Sweeps and Monte Carlo: points, runs as data, resumable, failures isolated, percentiles."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import numpy as np
import pandas as pd
import pytest

from energy.cli import main
from energy.config import load_config, parse_overrides
from energy.errors import EnergyError
from energy.runner import run
from energy.sweep import (
    Distribution,
    SweepSpec,
    monte_carlo_points,
    parse_vary,
    percentiles,
    sweep,
    sweep_points,
)
from energy.tasks import make_task, run_task, task_key
from tests.conftest import DATA, ROOT, SMALL_MODEL

TWO_DAYS = SMALL_MODEL.replace("end = 2025-01-13", "end = 2025-01-08") + """
[wind.w]
turbine_type = "E-82/2300"
count = 0
hub_height_m = 78.0
"""
VARY = ["battery.energy_kwh=1000,3000", "pv.roof.capacity_kwp=0:2000:2"]


@pytest.fixture
def model(tmp_path):
    p = tmp_path / "small.toml"
    p.write_text(TWO_DAYS)
    return p


@pytest.mark.parametrize(("item", "key", "values"), [
    ("battery.energy_kwh=0,4000,8000", "battery.energy_kwh", [0, 4000, 8000]),
    ("battery.energy_kwh=0:8000:3", "battery.energy_kwh", [0, 4000, 8000]),
    ("tariff.peak_energy_usd_per_kwh=0.1:0.2:3", "tariff.peak_energy_usd_per_kwh", [0.1, 0.15000000000000002, 0.2]),
    ("wind.w.turbine_type=E-82/2300,V90/2000", "wind.w.turbine_type", ["E-82/2300", "V90/2000"]),
    ("yard.enabled=true,false", "yard.enabled", [True, False]),
])
def test_parse_vary_lists_and_ranges(item, key, values):
    k, v = parse_vary(item)
    assert k == key and v == pytest.approx(values) if isinstance(values[0], float) else v == values


def test_parse_vary_distributions_and_errors():
    assert parse_vary("tariff.peak_energy_usd_per_kwh=normal(0.2, 0.02)")[1] == Distribution("normal", (0.2, 0.02))
    assert parse_vary("x.y=triangular(1,2,4)")[1] == Distribution("triangular", (1.0, 2.0, 4.0))
    for bad in ("battery.energy_kwh", "battery.energy_kwh=", "x.y=normal(1)", "x.y=a:b:3", "x.y=1:2:1"):
        with pytest.raises(EnergyError, match="--vary"):
            parse_vary(bad)


def test_grid_and_zip_points():
    spec = SweepSpec({"a.x": [1, 2], "b.y": [10, 20, 30]})
    pts = sweep_points(spec)
    assert len(pts) == 6 and pts[0] == {"a.x": 1, "b.y": 10} and pts[-1] == {"a.x": 2, "b.y": 30}
    assert sweep_points(SweepSpec({"a.x": [1, 2], "b.y": [10, 20]}, zip=True)) == [
        {"a.x": 1, "b.y": 10}, {"a.x": 2, "b.y": 20}]
    with pytest.raises(EnergyError, match="same length"):
        sweep_points(SweepSpec({"a.x": [1, 2], "b.y": [10, 20, 30]}, zip=True))
    with pytest.raises(EnergyError, match="needs --samples"):
        sweep_points(SweepSpec({"a.x": Distribution("uniform", (0, 1))}))


def test_monte_carlo_points_are_seeded_draws():
    spec = SweepSpec({"t.p": Distribution("uniform", (0.1, 0.2)), "b.e": [1, 2]})
    a = monte_carlo_points(spec, 50, seed=7, arrival_delay_mean_h=6.0)
    assert a == monte_carlo_points(spec, 50, seed=7, arrival_delay_mean_h=6.0)
    assert a != monte_carlo_points(spec, 50, seed=8, arrival_delay_mean_h=6.0)
    assert len({p["weather.seed"] for p in a}) == 50 and len({p["vessels.seed"] for p in a}) == 50
    draws = np.array([p["t.p"] for p in a])
    assert ((draws >= 0.1) & (draws <= 0.2)).all() and {p["b.e"] for p in a} == {1, 2}
    files = monte_carlo_points(SweepSpec(), 20, weather_files=["a.epw", "b.epw"])
    assert {p["weather.file"] for p in files} == {"a.epw", "b.epw"} and "weather.seed" not in files[0]


def test_percentiles_over_the_points_that_ran():
    cost = np.arange(1.0, 12.0)  # 1..11: P10 = 2, P50 = 6, P90 = 10 (linear)
    t = pd.DataFrame({"status": ["optimal"] * 11 + ["failed"], "total_cost_usd": [*cost, np.nan]})
    p = percentiles(t).set_index("kpi")
    assert p.loc["total_cost_usd", ["p10", "p50", "p90"]].tolist() == [2.0, 6.0, 10.0]
    assert p.loc["total_cost_usd", "samples"] == 11 and p.loc["total_cost_usd", "mean"] == 6.0


def test_arrival_delays_push_calls_back():
    from energy.build import vessel_calls

    ov = {"horizon": {"start": "2025-01-01", "end": "2027-01-01"}}
    chancay = ROOT / "models" / "chancay.toml"
    on_time = vessel_calls(load_config(chancay, None, ov))
    same = vessel_calls(load_config(chancay, None, {**ov, **parse_overrides(["vessels.arrival_delay_mean_h=0"])}))
    pd.testing.assert_frame_equal(on_time, same)  # no delay: exactly the schedule without delays
    late = vessel_calls(load_config(chancay, None, {**ov, "vessels": {"arrival_delay_mean_h": 24.0}}))

    def of_2025(calls):
        return calls[calls["vessel"].str.startswith("2025_")]

    a, b = of_2025(on_time), of_2025(late)
    assert len(a) == len(b) and b["moves"].sum() == pytest.approx(a["moves"].sum())
    # every call waits its delay (exponential, mean 24 h) and then any queue for a berth
    shift_h = (b["arrival"].mean() - a["arrival"].mean()) / pd.Timedelta("1h")
    assert 18 < shift_h < 60, shift_h
    # Erlang of shape 4 keeps the mean delay
    k4 = of_2025(vessel_calls(load_config(chancay, None, {**ov, "vessels": {
        "arrival_delay_mean_h": 24.0, "arrival_delay_erlang_k": 4}})))
    shift4_h = (k4["arrival"].mean() - a["arrival"].mean()) / pd.Timedelta("1h")
    assert 18 < shift4_h < 60, shift4_h


def test_task_carries_its_files(tmp_path):
    """A worker needs no access to the model's folder: the files travel with the task."""
    folder = tmp_path / "m"
    folder.mkdir()
    epw = folder / "site.epw"
    epw.write_bytes((DATA / "chancay_sample.epw").read_bytes())
    model = folder / "small.toml"
    model.write_text(SMALL_MODEL.replace("end = 2025-01-13", "end = 2025-01-08").replace("[pv.roof]", '[weather]\nsource = "file"\nfile = "site.epw"\n\n[pv.roof]'))
    cfg = load_config(model)
    direct = run(model, write=False, threads=1)
    task = make_task(cfg, options={"threads": 1}, keep_results=False)
    key = task_key(task)
    epw.unlink()
    model.unlink()
    res = run_task(task)
    assert not res.failed, res.row["error"]
    assert res.row["total_cost_usd"] == direct.kpis["total_cost_usd"]
    assert task_key(task) == key
    other = make_task(load_config(ROOT / "models" / "chancay.toml"), options={"threads": 1})
    assert task_key(other) != key


def test_sweep_rows_equal_single_runs(model, tmp_path):
    table = sweep(model, VARY, out=tmp_path / "r", progress="none")
    assert list(table["battery.energy_kwh"]) == [1000, 1000, 3000, 3000]
    assert list(table["pv.roof.capacity_kwp"]) == [0, 2000, 0, 2000]
    assert (table["status"] == "optimal").all() and table["key"].nunique() == 4
    for _, r in table.iterrows():
        ov = {"battery": {"energy_kwh": r["battery.energy_kwh"]}, "pv": {"roof": {"capacity_kwp": r["pv.roof.capacity_kwp"]}}}
        single = run(model, write=False, threads=1, overrides=ov)
        assert r["total_cost_usd"] == single.kpis["total_cost_usd"]
    # more battery and more PV each cost less
    c = table.set_index(["battery.energy_kwh", "pv.roof.capacity_kwp"])["total_cost_usd"]
    assert c[(3000, 0)] < c[(1000, 0)] and c[(1000, 2000)] < c[(1000, 0)]
    folder = tmp_path / "r" / "small" / "base" / "sweep"
    for name in ("sweep.csv", "timings.csv", "sensitivity.png", "tornado.png", "tornado.csv", "sweep.html"):
        assert (folder / name).is_file(), name
    csv = pd.read_csv(folder / "sweep.csv")
    assert "solve_s" not in csv and "elapsed_s" not in csv
    tornado = pd.read_csv(folder / "tornado.csv").set_index("key")
    # reference: the model's own battery (2000 is not swept -> middle value 1000) and PV 2000
    assert tornado.loc["battery.energy_kwh", "cost_high_usd"] == c[(3000, 2000)]
    assert tornado.loc["battery.energy_kwh", "cost_reference_usd"] == c[(1000, 2000)]
    with pytest.raises(EnergyError, match="pass --overwrite"):
        sweep(model, VARY, out=tmp_path / "r", progress="none")


def test_failing_points_are_isolated(model, tmp_path, capsys):
    code = main(["sweep", str(model), "--vary", "battery.energy_kwh=-5,2000", "--vary",
                 "wind.w.turbine_type=NOPE-1,E-82/2300", "--zip", "--out", str(tmp_path / "r"), "--no-plots"])
    out, err = capsys.readouterr()
    assert code == 4
    csv = pd.read_csv(tmp_path / "r" / "small" / "base" / "sweep" / "sweep.csv")
    assert list(csv["status"]) == ["failed", "optimal"]
    assert "battery.energy_kwh: expected a value greater than or equal to 0" in csv.loc[0, "error"]
    assert "2/2 points" in out and "1 failed" in out
    assert err.count("\n") == 1 and "point 0 failed" in err
    # a point failing in the worker (unknown turbine, found while building) is a row too
    t = sweep(model, ["wind.w.turbine_type=NOPE-1,E-82/2300"], out=tmp_path / "q", progress="none", plots=False)
    assert list(t["status"]) == ["failed", "optimal"] and "NOPE-1" in t.loc[0, "error"]
    code = main(["sweep", str(model), "--vary", "battery.energy_kwhh=1,2", "--out", str(tmp_path / "z")])
    assert code == 1 and "did you mean 'energy_kwh'" in capsys.readouterr().err


def test_killed_sweep_resumes_to_the_same_csv(model, tmp_path):
    vary = ["battery.energy_kwh=500,1000,1500,2000,2500,3000"]
    sweep(model, vary, out=tmp_path / "whole", progress="none", plots=False)
    out = tmp_path / "resumed"
    store = out / "small" / "base" / ".sweep-points"
    cmd = [sys.executable, "-m", "energy.cli", "sweep", str(model), "--no-plots", "--quiet", "--out", str(out)]
    for v in vary:
        cmd += ["--vary", v]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list(store.glob("*.json"))) < 2 and proc.poll() is None:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    finished = len(list(store.glob("*.json")))
    assert 1 <= finished < 6, finished
    assert not (out / "small" / "base" / "sweep").exists()  # nothing half-written
    table = sweep(model, vary, out=out, progress="none", plots=False)
    assert table.attrs["skipped"] >= finished
    name = "small/base/sweep/sweep.csv"
    assert (out / name).read_bytes() == (tmp_path / "whole" / name).read_bytes()


def test_monte_carlo_writes_percentiles(model, tmp_path):
    t = sweep(model, ["tariff.peak_energy_usd_per_kwh=uniform(0.15,0.30)"], samples=4, seed=3,
              arrival_delay_mean_h=12.0, out=tmp_path / "r", progress="none")
    assert len(t) == 4 and (t["status"] == "optimal").all()
    assert t["weather.seed"].nunique() == 4 and (t["vessels.arrival_delay_mean_h"] == 12.0).all()
    p = pd.read_csv(tmp_path / "r" / "small" / "base" / "sweep" / "percentiles.csv").set_index("kpi")
    cost = t["total_cost_usd"].to_numpy()
    assert p.loc["total_cost_usd", "p50"] == pytest.approx(np.median(cost))
    assert cost.min() <= p.loc["total_cost_usd", "p10"] <= p.loc["total_cost_usd", "p90"] <= cost.max()
    assert (tmp_path / "r" / "small" / "base" / "sweep" / "sensitivity.png").is_file()


def test_a_run_keeps_the_sweep_in_its_folder(model, tmp_path):
    out = tmp_path / "r"
    sweep(model, ["battery.energy_kwh=1000,3000"], out=out, progress="none", plots=False)
    folder = out / "small" / "base"
    csv = (folder / "sweep" / "sweep.csv").read_bytes()
    run(model, out=out, plots=False)  # the sweep alone is no earlier run
    run(model, out=out, plots=False, overwrite=True)
    assert (folder / "summary.json").is_file()
    assert (folder / "sweep" / "sweep.csv").read_bytes() == csv
    assert len(list((folder / ".sweep-points").glob("*.json"))) == 2


def test_monte_carlo_over_weather_files(model, tmp_path):
    epw = tmp_path / "elsewhere" / "site.epw"
    epw.parent.mkdir()
    epw.write_bytes((DATA / "chancay_sample.epw").read_bytes())
    t = sweep(model, samples=2, weather_files=[str(epw)], out=tmp_path / "r", progress="none", plots=False)
    assert (t["status"] == "optimal").all(), t["error"].tolist()
    assert (t["weather.file"] == str(epw)).all() and "weather.seed" not in t
    assert t["vessels.seed"].nunique() == 2


def test_sweep_with_sizing_equals_size_at_each_point(tmp_path):
    from energy.sizing import size
    from tests.optimise.test_sizing import sized_model

    model = sized_model(tmp_path)
    vary = ["tariff.peak_energy_usd_per_kwh=0.15,0.30"]
    t = sweep(model, vary, size=True, out=tmp_path / "r", progress="none", plots=False)
    assert (t["status"] != "failed").all(), t["error"].tolist()
    for _, r in t.iterrows():
        sr = size(model, write=False, threads=1,
                  overrides={"tariff": {"peak_energy_usd_per_kwh": r["tariff.peak_energy_usd_per_kwh"]}})
        for k in ("pv_kwp", "battery_kwh", "battery_kw", "total_cost_usd", "npv_usd"):
            assert r[k] == pytest.approx(sr.kpis[k], rel=1e-9), k
    # dearer peak energy never buys less battery
    assert t["battery_kwh"].iloc[1] >= t["battery_kwh"].iloc[0] - 1e-6
