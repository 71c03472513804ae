"""Vessel schedule generation, yard quotas and truck windows."""

from __future__ import annotations

import pandas as pd
import pytest

from energy.config import Trucks, TruckWindowSpec, Vessels
from energy.errors import EnergyError
from energy.jobs import cut_calls, generate_vessel_calls, truck_windows, yard_jobs

TZ = "America/Lima"
Y0 = pd.Timestamp("2025-01-01", tz=TZ)
Y1 = pd.Timestamp("2026-01-01", tz=TZ)


def _calls(start=Y0, end=Y1, teu=1_000_000, seed=7):
    v = Vessels()
    return generate_vessel_calls(start, end, throughput_teu_per_year=teu, teu_per_move=v.teu_per_move,
                                 classes=v.classes, container_berths=2, window_slack=1.5,
                                 mooring_hours=2.0, sts_count=6, moves_per_crane_hour=28.0, seed=seed)


def test_year_schedule_matches_throughput_and_is_feasible():
    calls = _calls()
    # whole calls fully inside the year carry the throughput; edge calls are prorated
    assert calls["moves"].sum() == pytest.approx(1_000_000 / 1.6, rel=0.01)
    assert (calls["departure"] > calls["arrival"]).all()
    # at most two calls alongside at once (two container berths)
    events = sorted([(a, 1) for a in calls["arrival"]] + [(d, -1) for d in calls["departure"]],
                    key=lambda e: (e[0], e[1]))
    alongside = peak = 0
    for _, step in events:
        alongside += step
        peak = max(peak, alongside)
    assert peak <= 2
    # each call can finish with 3 cranes (6 STS over 2 berths) inside its window
    hours = (calls["departure"] - calls["arrival"]) / pd.Timedelta("1h")
    assert (calls["moves"] <= hours * calls["max_cranes"].clip(upper=3) * 28.0).all()


def test_schedule_is_seeded_and_consistent_across_horizons():
    a, b = _calls(), _calls()
    pd.testing.assert_frame_equal(a, b)
    assert not _calls(seed=8).equals(a)
    week = _calls(pd.Timestamp("2025-03-03", tz=TZ), pd.Timestamp("2025-03-10", tz=TZ))
    inside = a[(a["arrival"] >= week["arrival"].min()) & (a["departure"] <= pd.Timestamp("2025-03-10", tz=TZ))]
    assert set(inside["vessel"]) <= set(week["vessel"])


def test_rampup_has_fewer_calls():
    assert len(_calls(teu=300_000)) < 0.4 * len(_calls())


def test_cut_calls_prorates_moves():
    calls = pd.DataFrame({"vessel": ["x"], "arrival": [Y0 - pd.Timedelta("10h")],
                          "departure": [Y0 + pd.Timedelta("30h")], "moves": [400.0], "max_cranes": [2]})
    out = cut_calls(calls, Y0, Y1)
    assert out.loc[0, "arrival"] == Y0 and out.loc[0, "moves"] == pytest.approx(300.0)


def test_yard_jobs_one_per_day_prorated():
    jobs = yard_jobs(Y0 + pd.Timedelta("12h"), Y0 + pd.Timedelta("3D"), moves_per_day=1000, cranes=15,
                     moves_per_crane_hour=18, energy_kwh_per_move=15)
    assert [j.moves for j in jobs] == [500.0, 1000.0, 1000.0]
    assert jobs[0].start == Y0 + pd.Timedelta("12h") and jobs[-1].end == Y0 + pd.Timedelta("3D")


def test_truck_windows_wrap_midnight_and_keep_daily_energy():
    t = Trucks()
    ws = truck_windows(Y0, Y0 + pd.Timedelta("7D"), energy_kwh_per_day=7200, windows=t.windows,
                       charger_kw_total=t.charger_kw_total)
    total = sum(w.energy_kwh for w in ws)
    # 7 middays + 6 whole nights + the Dec 31 night cut to 6 h of 8 + the Jan 7 night cut to 2 h of 8
    assert total == pytest.approx(7 * 0.4 * 7200 + 0.6 * 7200 * (6 + 6 / 8 + 2 / 8))
    assert ws[0].start == Y0 and ws[0].energy_kwh == pytest.approx(0.6 * 7200 * 6 / 8)
    night = [w for w in ws if w.start.hour == 22]
    assert len(night) == 7 and all((w.end - w.start) == pd.Timedelta("8h") for w in night[:-1])
    assert night[-1].end - night[-1].start == pd.Timedelta("2h")


def test_truck_window_too_small_for_chargers():
    with pytest.raises(EnergyError, match=r"trucks.windows\[0\]: .* cannot be charged in 2 h"):
        truck_windows(Y0, Y0 + pd.Timedelta("1D"), energy_kwh_per_day=10_000,
                      windows=[TruckWindowSpec(start_hour=10, end_hour=12, energy_share=1.0)],
                      charger_kw_total=1000)
