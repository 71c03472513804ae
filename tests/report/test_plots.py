"""Run figures, the comparison chart and rebuilding a report from a run folder."""

from __future__ import annotations

import gc
import io
import json
import weakref

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from PIL import Image

from energy.errors import EnergyError
from energy.report import drawing, figures, periods, plots, runfolder
from energy.report import files as report

TZ = "America/Lima"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def make_run(start="2025-01-06", days=2.0, freq="1h", battery=True, cranes=True, wind=False,
             export=False):
    """Small synthetic results shaped like energy.results: (dispatch, jobs, kpis, assumptions)."""
    step = pd.Timedelta(freq)
    idx = pd.date_range(start, periods=int(pd.Timedelta(days=days) / step), freq=freq, tz=TZ)
    n, dt = len(idx), step / pd.Timedelta(hours=1)
    h = idx.hour + idx.minute / 60.0
    winter = np.isin(idx.month, [6, 7, 8, 9])
    pva = 6000.0 * np.clip(np.sin((h - 6) / 12 * np.pi), 0, None) * np.where(winter, 0.5, 1.0)
    wa = 1500.0 * (1 + np.sin((h - 10) / 24 * 2 * np.pi)) if wind else np.zeros(n)
    fixed = 3000.0 + 500.0 * ((h >= 7) & (h < 19))
    truck = np.where((h >= 22) | (h < 6), 400.0, 0.0)
    # one vessel call every three days: 3 cranes for 20 h, 2 during peak hours
    peak = (h >= 18) & (h < 23)
    day = ((idx - idx[0]) / pd.Timedelta(hours=1)).to_numpy()
    working = cranes & ((day % 72) >= 4) & ((day % 72) < 24)
    n_cr = np.where(working, np.where(peak, 2.0, 3.0), 0.0)
    moves = n_cr * 30.0 * dt
    crane = moves * 8.0 / dt
    ch = np.where(battery & (h >= 10) & (h < 14), 1000.0, 0.0)
    dis = np.where(battery & (h >= 18) & (h < 22), 950.0, 0.0)
    soc = np.cumsum(0.95 * ch * dt - dis * dt / 0.95) + 4000.0 if battery else np.zeros(n)
    pv = np.minimum(pva, fixed + crane + truck + ch)
    imp = np.clip(fixed + crane + truck + ch - pv - wa - dis, 0, None)
    exp = np.clip(pv + wa + dis - (fixed + crane + truck + ch), 0, None) if export else np.zeros(n)
    wind_used = wa - (0 if export else np.clip(pv + wa + dis - (fixed + crane + truck + ch), 0, None))
    dispatch = pd.DataFrame({
        "fixed_load_kw": fixed, "crane_load_kw": crane, "truck_load_kw": truck,
        "pv_available_kw": pva, "pv_kw": pv, "pv_curtailed_kw": pva - pv,
        "wind_available_kw": wa, "wind_kw": wind_used, "wind_curtailed_kw": wa - wind_used,
        "battery_charge_kw": ch, "battery_discharge_kw": dis, "battery_soc_kwh": soc,
        "grid_import_kw": imp, "grid_export_kw": exp, "unserved_kw": np.zeros(n),
        "import_price_usd_per_kwh": np.where(peak, 0.074, 0.063),
        "export_price_usd_per_kwh": np.full(n, 0.04 if export else 0.0),
        "grid_emission_kg_per_kwh": np.full(n, 0.186), "is_peak": peak, "dt_h": np.full(n, dt),
        "cranes_sts_working": n_cr, "crane_moves_sts": moves,
    }, index=idx)
    w = np.flatnonzero(moves > 0)
    jobs = pd.DataFrame({
        "job": [f"vessel_{int(day[i] // 72):03d}" for i in w], "pool": "sts", "kind": "vessel",
        "timestamp": idx[w], "cranes": n_cr[w], "moves": moves[w], "energy_kwh": moves[w] * 8.0,
    }, columns=["job", "pool", "kind", "timestamp", "cranes", "moves", "energy_kwh"])
    e = (dispatch.drop(columns="is_peak").mul(dispatch["dt_h"], axis=0)).sum() / 1000.0
    kpis = {
        "total_cost_usd": 12345.0, "energy_cost_usd": 9000.0, "capacity_charge_usd": 3000.0,
        "battery_wear_usd": 0.0, "unserved_cost_usd": 0.0, "carbon_cost_usd": 0.0,
        "emissions_tco2": float(e["grid_import_kw"] * 0.186), "grid_import_mwh": float(e["grid_import_kw"]),
        "peak_import_kw": float(imp[peak].max()), "max_import_kw": float(imp.max()),
        "renewable_share": 0.25, "battery_cycles": 1.5, "crane_energy_mwh": float(e["crane_load_kw"]),
        "crane_moves": float(moves.sum()), "unserved_mwh": 0.0, "status": "optimal", "mip_gap": 0.0,
        "build_s": 0.5, "solve_s": 1.5, "extract_s": 0.1,
    }
    assumptions = {
        "model_file": "models/test.toml",
        "site": {"name": "Test port", "latitude": -11.59, "longitude": -77.28, "altitude_m": 5.0,
                 "timezone": TZ},
        "horizon": {"start": start, "end": None, "resolution": freq},
        "pv": {"roof": {"capacity_kwp": 6000.0, "tilt_deg": 10.0, "azimuth_deg": 0.0}},
        "wind": {},
        "battery": {"energy_kwh": 8000.0 if battery else 0.0, "charge_power_kw": 1000.0 if battery else 0.0,
                    "soc_min": 0.1, "soc_max": 0.95, "soc_initial": 0.5, "wear_cost_usd_per_kwh": 0.0},
        "grid": {"import_limit_kw": 20000.0, "export_limit_kw": 0.0},
        "tariff": {"peak_energy_usd_per_kwh": 0.074, "offpeak_energy_usd_per_kwh": 0.063,
                   "peak_start_hour": 18, "peak_end_hour": 23,
                   "generation_capacity_usd_per_kw_month": 16.4,
                   "distribution_capacity_usd_per_kw_month": 4.0, "export_price_usd_per_kwh": 0.0},
        "emissions": {"grid_emission_kg_per_kwh": 0.186, "carbon_price_usd_per_t": 0.0},
        "bill_rates": {"generation_capacity_usd_per_kw_month": 16.4, "distribution_capacity_usd_per_kw_month": 4.0,
                       "battery_wear_usd_per_kwh": 0.0, "carbon_price_usd_per_kg": 0.0,
                       "value_of_lost_load_usd_per_kwh": 1000.0},
        "sources": {"solar": "synthetic"}, "notes": ["synthetic test data"],
        "vessel_calls": 1, "quay_moves": float(moves.sum()), "crane_jobs": 1, "truck_windows": 2,
    }
    return dispatch, jobs, kpis, assumptions


def assert_png(path, min_w=500, min_h=250):
    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE, path
    with Image.open(io.BytesIO(data)) as im:
        im.load()
        assert im.width >= min_w and im.height >= min_h, (path, im.size)
        assert im.width <= 3000 and im.height <= 3000, (path, im.size)
    assert matplotlib.image.imread(path).ndim == 3


def live_figures() -> int:
    gc.collect()
    return sum(isinstance(o, Figure) for o in gc.get_objects())


@pytest.mark.parametrize(
    ("start", "days", "freq", "weeks"),
    [
        ("2025-01-06", 2, "15min", ["dispatch"]),  # short: the whole horizon once
        ("2025-03-10", 21, "1h", ["dispatch_summer"]),  # summer only; no winter in the horizon
    ],
)
def test_run_plots_write_valid_pngs_and_report(tmp_path, start, days, freq, weeks):
    d, j, k, a = make_run(start, days, freq)
    paths = plots.write_run_plots(tmp_path, d, j, k, a)
    names = [p.name for p in paths]
    expected = [f"{w}.png" for w in weeks] + ["battery.png", "crane_call.png", "monthly_energy.png",
                                               "monthly_cost.png", "energy_balance.png",
                                               "import_duration.png", "import_heatmap.png",
                                               "monthly_emissions.png", "report.html"]
    assert names == expected
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(expected)  # no temp files left
    for p in paths[:-1]:
        assert_png(p)
    assert plt.get_fignums() == []
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert page.count('src="data:image/png;base64,') == len(paths) - 1
    assert "12,345" in page  # total cost KPI


def test_no_figure_outlives_a_run_and_repeats_do_not_grow(tmp_path):
    d, j, k, a = make_run(days=1)
    before = live_figures()
    plots.write_run_plots(tmp_path, d, j, k, a)
    assert live_figures() == before  # nothing kept: N runs cannot pile figures up
    assert plt.get_fignums() == []
    # 20 more figures through the same figure -> PNG path: the object count stays flat
    # (one kept figure alone holds ~2,500 artists, ticks and transforms; weak references
    # are left out: matplotlib's bounded text-metrics cache holds one per text drawn)
    me = periods.monthly_energy(d)

    def count() -> int:
        gc.collect()
        return sum(not isinstance(o, weakref.ref) for o in gc.get_objects())

    with matplotlib.rc_context(drawing.STYLE):
        drawing.save_png(figures.figure_monthly_energy(me), tmp_path / "m.png")
        objects = count()
        for _ in range(20):
            drawing.save_png(figures.figure_monthly_energy(me), tmp_path / "m.png")
        grown = count() - objects
    assert grown < 200, f"{grown} objects more after 20 figures"
    assert live_figures() == before
    assert plt.get_fignums() == []


def test_without_battery_jobs_or_optional_columns(tmp_path):
    d, j, k, a = make_run(days=3, battery=False, cranes=False)
    d = d.drop(columns=["cranes_sts_working", "crane_moves_sts", "wind_available_kw", "wind_kw",
                        "wind_curtailed_kw"])
    empty = j.iloc[0:0]
    bare = {"bill_rates": a["bill_rates"]}  # only what the bill needs
    names = [p.name for p in plots.write_run_plots(tmp_path, d, empty, {}, bare)]
    assert names == ["dispatch.png", "monthly_energy.png", "monthly_cost.png", "energy_balance.png",
                     "import_duration.png", "import_heatmap.png", "monthly_emissions.png", "report.html"]
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "Solver status unknown" in page


def test_weeks_default_to_summer_and_garua_winter():
    d, *_ = make_run("2025-01-01", 365, "1h")
    picks = periods.select_weeks(d)
    assert [p.name for p in picks] == ["dispatch_summer", "dispatch_winter"]
    summer, winter = picks
    assert summer.start.month in (1, 2, 3) and winter.start.month in (5, 6, 7, 8, 9)
    for p in picks:
        assert p.end - p.start == pd.Timedelta(days=7)
        assert p.start == p.start.normalize()  # starts at local midnight
        assert "busiest crane week" in p.why


def test_week_picks_busiest_crane_week_and_falls_back():
    d, *_ = make_run("2025-04-01", 28, "1h")  # April: neither summer nor winter
    d.loc["2025-04-15":"2025-04-16", "crane_load_kw"] *= 10
    (pick,) = periods.select_weeks(d)
    assert pick.name == "dispatch_week"
    assert pick.start <= pd.Timestamp("2025-04-15", tz=TZ) < pick.end
    d2, *_ = make_run("2025-04-01", 28, "1h", cranes=False)
    (pick2,) = periods.select_weeks(d2)
    assert pick2.why == "sunniest week of the horizon"


def test_chosen_week():
    d, *_ = make_run("2025-01-06", 14, "1h")
    (pick,) = periods.select_weeks(d, "2025-01-08")
    assert pick.name == "dispatch_2025-01-08"  # -> dispatch_2025-01-08.png
    assert (pick.start, pick.end) == (pd.Timestamp("2025-01-08", tz=TZ), pd.Timestamp("2025-01-15", tz=TZ))
    (pick,) = periods.select_weeks(d, "2025-01-16")  # cut at the horizon end
    assert pick.end == pd.Timestamp("2025-01-20", tz=TZ)
    with pytest.raises(EnergyError, match="week: 2025-06-01 is outside the horizon"):
        periods.select_weeks(d, "2025-06-01")
    with pytest.raises(EnergyError, match="expected an ISO date"):
        periods.parse_week("next monday", TZ)


def test_check_week_before_solving():
    start, end = pd.Timestamp("2025-01-01", tz=TZ), pd.Timestamp("2026-01-01", tz=TZ)
    assert periods.check_week("2025-07-14", start, end) == pd.Timestamp("2025-07-14", tz=TZ)
    with pytest.raises(EnergyError, match="outside the horizon"):
        periods.check_week("2026-01-01", start, end)


def test_heading_names(tmp_path):
    a = {"model_file": "models/chancay.toml"}
    assert plots._names(tmp_path / "chancay" / "pv_heavy", a, None, None) == ("chancay", "pv_heavy")
    staged = tmp_path / "chancay" / ".pv_heavy.staging-k2j3"
    assert plots._names(staged, a, None, None) == ("chancay", "pv_heavy")
    assert plots._names(staged, a, "m", "s") == ("m", "s")


def test_naive_index_is_refused(tmp_path):
    d, j, k, a = make_run(days=1)
    d.index = d.index.tz_localize(None)
    with pytest.raises(EnergyError, match="tz-aware"):
        plots.write_run_plots(tmp_path, d, j, k, a)


def test_broken_figure_is_reported_not_fatal(tmp_path, monkeypatch):
    d, j, k, a = make_run(days=1)

    def boom(*args, **kwargs):
        raise ValueError("bad data")

    monkeypatch.setattr(plots, "figure_battery", boom)
    for name in ("figure_dispatch", "figure_crane_call", "figure_monthly_energy", "figure_monthly_costs"):
        monkeypatch.setattr(plots, name, lambda *args, **kwargs: None)  # skipped: keeps the test fast
    with pytest.warns(RuntimeWarning, match="battery.png could not be drawn"):
        paths = plots.write_run_plots(tmp_path, d, j, k, a)
    assert "battery.png" not in [p.name for p in paths]
    assert "battery.png could not be drawn: ValueError: bad data" in (tmp_path / "report.html").read_text()


# --------------------------------------------------------------------------- monthly tables
def test_monthly_cost_split_matches_hand_computation():
    """Two half-days across a month boundary in 30-min steps, every component by hand."""
    idx = pd.date_range("2025-01-31", periods=96, freq="30min", tz=TZ)
    h = idx.hour + idx.minute / 60
    peak = (h >= 18) & (h < 23)  # 10 steps a day
    imp = np.full(96, 100.0)
    jan, feb = idx.month == 1, idx.month == 2
    imp[(jan & (h == 19))] = 500.0  # Jan: peak-hour max 500 = overall max
    imp[(feb & (h == 3))] = 400.0  # Feb: overall max 400 off-peak
    imp[(feb & (h == 20))] = 300.0  # Feb: peak-hour max 300
    exp = np.zeros(96)
    exp[jan & (h >= 12) & (h < 13)] = 50.0  # 2 steps: 50 kWh exported in Jan
    dis = np.zeros(96)
    dis[jan & (h == 19.5)] = 200.0  # 100 kWh discharged in Jan
    uns = np.zeros(96)
    uns[feb & (h == 5)] = 20.0  # 10 kWh unserved in Feb
    d = pd.DataFrame({
        "grid_import_kw": imp, "grid_export_kw": exp, "battery_discharge_kw": dis, "unserved_kw": uns,
        "import_price_usd_per_kwh": np.where(peak, 0.08, 0.06), "export_price_usd_per_kwh": 0.03,
        "grid_emission_kg_per_kwh": 0.2, "is_peak": peak, "dt_h": 0.5,
    }, index=idx)
    a = {"bill_rates": {"generation_capacity_usd_per_kw_month": 16.4,
                        "distribution_capacity_usd_per_kw_month": 4.0, "battery_wear_usd_per_kwh": 0.02,
                        "carbon_price_usd_per_kg": 0.05, "value_of_lost_load_usd_per_kwh": 10.0}}
    mc = periods.monthly_costs(d, a)
    jan_m, feb_m = pd.Period("2025-01", "M"), pd.Period("2025-02", "M")
    expected = {
        # 0.5 h x (38 x 100 x 0.06 + 9 x 100 x 0.08 + 500 x 0.08) - 50 kWh x 0.03
        (jan_m, "energy_cost_usd"): 0.5 * (228 + 72 + 40) - 1.5,
        # 0.5 h x (37 x 100 x 0.06 + 400 x 0.06 + 9 x 100 x 0.08 + 300 x 0.08)
        (feb_m, "energy_cost_usd"): 0.5 * (222 + 24 + 72 + 24),
        (jan_m, "capacity_charge_generation_usd"): 16.4 * 500 / 31,  # one day of 31
        (feb_m, "capacity_charge_generation_usd"): 16.4 * 300 / 28,
        (jan_m, "capacity_charge_distribution_usd"): 4.0 * 500 / 31,
        (feb_m, "capacity_charge_distribution_usd"): 4.0 * 400 / 28,
        (jan_m, "battery_wear_usd"): 100 * 0.02, (feb_m, "battery_wear_usd"): 0.0,
        (jan_m, "carbon_cost_usd"): 2600 * 0.2 * 0.05, (feb_m, "carbon_cost_usd"): 2650 * 0.2 * 0.05,
        (jan_m, "unserved_cost_usd"): 0.0, (feb_m, "unserved_cost_usd"): 10 * 10.0,
    }
    for (m, col), v in expected.items():
        assert mc.loc[m, col] == pytest.approx(v, rel=1e-12, abs=1e-12), (m, col)
    parts = ["energy_cost_usd", "capacity_charge_generation_usd", "capacity_charge_distribution_usd",
             "battery_wear_usd", "carbon_cost_usd", "unserved_cost_usd"]
    assert mc["total_cost_usd"].sum() == pytest.approx(sum(expected.values()), rel=1e-12)
    np.testing.assert_allclose(mc["total_cost_usd"], mc[parts].sum(axis=1), rtol=1e-12)
    # one source of rates: assumptions without the run's bill_rates are refused, not guessed
    with pytest.raises(EnergyError, match="bill_rates"):
        periods.monthly_costs(d, {"tariff": {"generation_capacity_usd_per_kw_month": 16.4}})


def test_monthly_energy_is_resolution_invariant():
    d1, *_ = make_run("2025-01-30", 4, "1h")
    d4, *_ = make_run("2025-01-30", 4, "15min")
    m1, m4 = periods.monthly_energy(d1), periods.monthly_energy(d4)
    assert list(m1.index.astype(str)) == ["2025-01", "2025-02"]
    np.testing.assert_allclose(m1["hours"], [48, 48])
    np.testing.assert_allclose(m4["fixed_load_mwh"], m1["fixed_load_mwh"], rtol=1e-12)
    np.testing.assert_allclose(m1["month_fraction"], [2 / 31, 2 / 28])


# --------------------------------------------------------------------------- comparison
def comparison_table() -> pd.DataFrame:
    rows = [
        {"scenario": "base", "description": "base plan", "status": "optimal", "error": "",
         "total_cost_usd": 3.05e6, "emissions_tco2": 5400.0, "grid_import_mwh": 29000.0,
         "peak_import_kw": 9800.0},
        {"scenario": "pv_heavy", "description": "16 MWp", "status": "time_limit", "error": "",
         "total_cost_usd": 2.9e6, "emissions_tco2": 4300.0, "grid_import_mwh": 23000.0,
         "peak_import_kw": 9500.0, "mip_gap": 0.012},
        {"scenario": "grid $only", "description": "no PV", "status": "optimal", "error": "",
         "total_cost_usd": 3.6e6, "emissions_tco2": 7200.0, "grid_import_mwh": 38000.0,
         "peak_import_kw": 12800.0},
        {"scenario": "broken", "description": "bad <override>", "status": "failed",
         "error": "models/x.toml: battery.energy_kwh expected >= 0, found -1"},
    ]
    df = pd.DataFrame(rows)
    for key in ("total_cost_usd", "emissions_tco2", "grid_import_mwh", "peak_import_kw"):
        df[f"{key}_delta"] = df[key] - df.loc[0, key]
        df[f"{key}_delta_pct"] = 100 * df[f"{key}_delta"] / df.loc[0, key]
    return df


def test_comparison_report(tmp_path):
    df = comparison_table()
    paths = plots.write_comparison_report(tmp_path, df, "chancay")
    assert [p.name for p in paths] == ["comparison.png", "comparison.html"]
    assert_png(paths[0])
    assert plt.get_fignums() == []
    page = paths[1].read_text(encoding="utf-8")
    assert page.count('src="data:image/png;base64,') == 1
    assert "1 scenario(s) failed" in page and "found -1" in page
    assert "bad &lt;override&gt;" in page
    assert "3,050,000" in page and "-150,000" in page
    # failed rows are listed, not plotted: one point per scenario that ran
    with matplotlib.rc_context(drawing.STYLE):
        fig = plots.figure_comparison(df, "chancay")
    offsets = [c.get_offsets() for c in fig.axes[0].collections]
    assert sum(len(o) for o in offsets) == 3
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert sorted(texts) == ["base", r"grid \$only", "pv_heavy"]  # a $ is not mathtext
    assert any("broken" in t.get_text() for t in fig.texts)


def test_comparison_with_every_scenario_failed(tmp_path):
    df = comparison_table().iloc[[3]]
    paths = plots.write_comparison_report(tmp_path, df, "chancay")
    assert_png(paths[0])
    assert "1 scenario(s) failed" in paths[1].read_text(encoding="utf-8")


# --------------------------------------------------------------------------- rebuild
def write_run_folder(folder, d, j, k, a):
    """A run folder as energy.runner writes it (same report writers)."""
    report.write_csv(folder / "dispatch.csv", report.series_frame(d))
    jobs = j.copy()
    jobs["timestamp"] = report.iso_index(pd.DatetimeIndex(jobs["timestamp"]))
    report.write_csv(folder / "jobs.csv", jobs)
    report.write_json(folder / "assumptions.json", a)
    report.write_json(folder / "summary.json", {"model": "test", "scenario": "base", "kpis": k})


def test_rebuild_report_from_run_files(tmp_path):
    d, j, k, a = make_run("2025-01-06", 2, "30min")
    first = plots.write_run_plots(tmp_path / "live", d, j, k, a, week="2025-01-07")
    assert first[0].name == "dispatch_2025-01-07.png"
    run = tmp_path / "run"
    write_run_folder(run, d, j, k, a)
    html = runfolder.rebuild_report(run, week="2025-01-07")
    assert html == run / "report.html"
    rebuilt = {p.name for p in run.iterdir()} - {"dispatch.csv", "jobs.csv", "summary.json",
                                                   "assumptions.json"}
    assert rebuilt == {p.name for p in first}
    for name in rebuilt - {"report.html"}:
        assert_png(run / name)
        with Image.open(run / name) as a_im, Image.open(tmp_path / "live" / name) as b_im:
            assert a_im.size == b_im.size
    page = html.read_text(encoding="utf-8")
    assert "<h1>test / base</h1>" in page and "12,345" in page
    assert plt.get_fignums() == []


def test_rebuild_report_refuses_incomplete_folder(tmp_path):
    d, j, k, a = make_run(days=1)
    write_run_folder(tmp_path, d, j, k, a)
    (tmp_path / "summary.json").unlink()
    with pytest.raises(EnergyError, match=r"not a complete run folder, missing summary\.json") as e:
        runfolder.rebuild_report(tmp_path)
    assert str(tmp_path) in str(e.value) and "\n" not in str(e.value)
    with pytest.raises(EnergyError, match="not a folder"):
        runfolder.rebuild_report(tmp_path / "nope")


@pytest.mark.parametrize(
    ("name", "content", "match"),
    [
        ("summary.json", "{not json", r"summary\.json is not readable JSON"),
        ("summary.json", json.dumps({"model": "m"}), "summary.json has no 'kpis' object"),
        ("dispatch.csv", "timestamp,dt_h\n2025-01-01T00:00:00-05:00,1\n", "missing column"),
        ("dispatch.csv", "timestamp,dt_h,grid_import_kw,fixed_load_kw\nyesterday,1,1,1\n",
         "timestamps should be ISO 8601"),
    ],
)
def test_rebuild_report_names_bad_file(tmp_path, name, content, match):
    d, j, k, a = make_run(days=1)
    write_run_folder(tmp_path, d, j, k, a)
    (tmp_path / name).write_text(content)
    with pytest.raises(EnergyError, match=match):
        runfolder.rebuild_report(tmp_path)


def test_read_run_restores_types(tmp_path):
    d, j, k, a = make_run(days=1, freq="15min")
    write_run_folder(tmp_path, d, j.iloc[0:0], k, a)  # no crane work: a header-only jobs.csv
    d2, j2, summary, a2 = runfolder.read_run(tmp_path)
    assert str(d2.index.tz) == TZ and d2.index.equals(d.index)
    assert d2["is_peak"].dtype == bool and d2["is_peak"].equals(d["is_peak"])
    np.testing.assert_allclose(d2["grid_import_kw"], d["grid_import_kw"], rtol=1e-5)
    assert len(j2) == 0 and summary["kpis"]["status"] == "optimal"


def test_reefer_temperature_plot_and_shore_power_in_the_stack(tmp_path):
    """Issue 16: reefer temperatures in their band (a week) and shore power in the demand stack."""
    dispatch, jobs, kpis, a = make_run(days=7.0)
    n = len(dispatch)
    h = dispatch.index.hour.to_numpy()
    dispatch["reefer_fruit_temp_c"] = np.where((h >= 18) & (h < 23), 0.4, -0.3)
    dispatch["reefer_fruit_kw"] = np.where((h >= 18) & (h < 23), 50.0, 400.0)
    dispatch["reefer_fruit_boxes"] = np.full(n, 200.0)
    dispatch["reefer_flex_load_kw"] = dispatch["reefer_fruit_kw"] - 120.0
    dispatch["shore_power_c1_kw"] = np.where((h >= 8) & (h < 20), 1320.0, 0.0)
    dispatch["shore_power_kw"] = dispatch["shore_power_c1_kw"]
    dispatch["fixed_load_kw"] += dispatch["shore_power_kw"]
    a["reefers"] = {"mode": "optimised",
                    "classes": {"fruit": {"setpoint_c": 0.0, "band_low_c": -0.5, "band_high_c": 0.5}}}
    pick = periods.select_weeks(dispatch, None, a)[0]
    fig = figures.figure_reefer_temperatures(dispatch, pick, a)
    ax = fig.axes[0]
    assert ax.get_title(loc="left") == "fruit"
    assert {"allowed band", "set-point", "temperature"} <= set(ax.get_legend_handles_labels()[1])
    stack = figures.figure_dispatch(dispatch, pick, a)
    labels = set(stack.axes[1].get_legend_handles_labels()[1])
    assert {"shore power", "reefer compressors", "fixed load"} <= labels
    written = plots.write_run_plots(tmp_path, dispatch, jobs, kpis, a)
    assert tmp_path / "reefer_temperatures.png" in written
    assert_png(tmp_path / "reefer_temperatures.png")
    d0, j0, k0, a0 = make_run(days=7.0)
    assert figures.figure_reefer_temperatures(d0, pick, a0) is None
