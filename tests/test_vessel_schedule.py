"""The generated vessel schedule's rules (energy.jobs.generate_vessel_calls), checked call by call.

- a calendar year carries the quay's throughput exactly (up to the rounding of each call to
  whole moves), leap years an extra day's share;
- each berth window is the time the call needs with the cranes it is sure to get
  (``sts_count // container_berths``, at most its class's ``max_cranes``), stretched by
  ``window_slack``, plus the mooring time, rounded up to whole hours, starting on a whole hour;
- a window longer than the year, or calls queueing past the next year, are refused;
- the same seed gives the same schedule (pinned below: a change to the generator changes
  every report made with it, and must be deliberate).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from energy.config import Vessels
from energy.config.schema import VesselClass
from energy.errors import EnergyError
from energy.jobs import CraneJob, crane_limit_text, generate_vessel_calls, vessel_jobs

TZ = "America/Lima"
COLUMNS = ["vessel", "vessel_class", "arrival", "departure", "moves", "max_cranes"]


def y(year: int) -> pd.Timestamp:
    return pd.Timestamp(f"{year}-01-01", tz=TZ)


Y2025, Y2027 = y(2025), y(2027)


def calls(start=Y2025, end=Y2027, *, teu=1_000_000.0, berths=2, sts=6, slack=1.5, mooring=2.0,
          rho=28.0, classes=None, teu_per_move=None, seed=7, **delays):
    v = Vessels()
    return generate_vessel_calls(start, end, throughput_teu_per_year=teu,
                                 teu_per_move=v.teu_per_move if teu_per_move is None else teu_per_move,
                                 classes=v.classes if classes is None else classes, container_berths=berths,
                                 window_slack=slack, mooring_hours=mooring, sts_count=sts,
                                 moves_per_crane_hour=rho, seed=seed, **delays)


def of_year(c: pd.DataFrame, year: int) -> pd.DataFrame:
    return c[c["vessel"].str.startswith(f"{year}_")]


def test_a_year_carries_the_throughput_exactly():
    v = Vessels()
    c = calls()
    year = of_year(c, 2025)
    moves_year = 1_000_000 / v.teu_per_move
    mean_moves = sum(k.share_of_calls * k.moves_mean for k in v.classes.values())
    assert len(year) == round(moves_year / mean_moves)
    assert not year["cut"].any()
    assert year["moves"].sum() == pytest.approx(moves_year, abs=20)  # each call rounded to whole moves
    assert (year["moves"] == year["moves"].round()).all() and (year["moves"] >= 1).all()
    leap = of_year(calls(y(2024), y(2026)), 2024)
    assert leap["moves"].sum() == pytest.approx(moves_year * 8784 / 8760, abs=20)


def test_calls_are_numbered_in_order_and_start_on_whole_hours():
    c = of_year(calls(), 2025)
    assert c["vessel"].tolist() == [f"2025_{i:04d}" for i in range(1, len(c) + 1)]
    assert (c["arrival"] >= y(2025)).all() and c["arrival"].is_monotonic_increasing
    assert ((c["arrival"] - y(2025)) % pd.Timedelta("1h") == pd.Timedelta(0)).all()
    assert set(c["vessel_class"]) == set(Vessels().classes)


@pytest.mark.parametrize(("sts", "berths", "sure"), [(6, 2, 3), (5, 2, 2), (2, 2, 1), (1, 2, 1)])
def test_berth_window_is_the_time_with_the_sure_cranes_stretched(sts, berths, sure):
    classes = Vessels().classes
    c = of_year(calls(sts=sts, berths=berths, teu=300_000.0), 2025)
    for r in c.itertuples():
        cranes = min(classes[r.vessel_class].max_cranes, sure)
        hours = math.ceil(r.moves / (cranes * 28.0) * 1.5 + 2.0)
        assert (r.departure - r.arrival) == pd.Timedelta(hours=hours), r.vessel
        assert r.max_cranes == min(classes[r.vessel_class].max_cranes, sts)


def one_class(moves_mean: float, max_cranes: int = 1) -> dict:
    return {"only": VesselClass(share_of_calls=1.0, moves_mean=moves_mean, moves_spread=0.0,
                                max_cranes=max_cranes)}


def test_a_window_of_exactly_a_year_is_accepted_and_a_longer_one_refused():
    # 1 crane at 1 move/h, no slack or mooring: a call of 8760 moves stays 8760 h = the year 2025
    args = dict(berths=1, sts=1, slack=1.0, mooring=0.0, rho=1.0, teu_per_move=1.0)
    c = of_year(calls(teu=8760.0, classes=one_class(8760.0), **args), 2025)
    assert len(c) == 1 and c["moves"].iloc[0] == 8760.0
    assert c["departure"].iloc[0] - c["arrival"].iloc[0] == pd.Timedelta(hours=8760)
    with pytest.raises(EnergyError, match=r"^vessels: a only call of 8761 moves would stay 8761 h at berth "
                                          r"\(moves / \(1 cranes x 1 moves/h\) x window_slack 1 \+ "
                                          r"mooring_hours 0\); expected a berth window shorter than a year$"):
        calls(teu=8761.0, classes=one_class(8761.0), **args)


def test_calls_queueing_past_the_next_year_are_refused():
    # 5 calls of half a year each at one berth: the fifth arrives after two years
    args = dict(berths=1, sts=1, slack=1.0, mooring=0.0, rho=1.0, teu_per_move=1.0, classes=one_class(4380.0))
    with pytest.raises(EnergyError, match=r"^vessels: the 5 calls of 2025 do not fit 1 container berth\(s\): "
                                          r"they queue past the end of 2026; expected a throughput_teu_per_year "
                                          r"the berths can serve \(or more container_berths, cranes or a "
                                          r"smaller window_slack\)$"):
        calls(teu=5 * 4380.0, **args)
    assert len(of_year(calls(teu=4 * 4380.0, **args), 2025)) == 4


def test_a_queue_ending_exactly_two_years_on_is_accepted():
    # one berth, one-hour calls, two wanted an hour: seed 2's 17,520th call of 2025 arrives at
    # exactly 2 x 8760 h (the end of 2026), the limit itself; a 17,521st call queues past it
    args = dict(berths=1, sts=1, slack=1.0, mooring=0.0, rho=1.0, teu_per_move=1.0, classes=one_class(1.0),
                seed=2)
    c = calls(y(2025), y(2028), teu=17_520.0, **args)
    c = of_year(c, 2025)
    assert len(c) == 17_520 and c["arrival"].max() == y(2027)
    with pytest.raises(EnergyError, match=r"^vessels: the 17521 calls of 2025 do not fit 1 container berth"):
        calls(y(2025), y(2026), teu=17_521.0, **args)


def test_exactly_the_most_calls_a_year_are_accepted(monkeypatch):
    import energy.jobs

    monkeypatch.setattr(energy.jobs, "MAX_CALLS_PER_YEAR", 5)
    assert len(of_year(calls(teu=5.0, teu_per_move=1.0, classes=one_class(1.0)), 2025)) == 5
    with pytest.raises(EnergyError, match=r"^vessels: 6 calls in 2025 .* expected at most 5$"):
        calls(teu=6.0, teu_per_move=1.0, classes=one_class(1.0))


@pytest.mark.parametrize(("mean_h", "k"), [(0.5, 1), (24.0, None), (24.0, 4), (6.0, 2)])
def test_arrival_delays_are_their_own_seeded_erlang_stream(mean_h, k):
    """Each wanted arrival is pushed back by an Erlang(k, mean_h) delay of stream [seed, year, 1].

    Rebuilt independently: one class of equal calls and berths to spare (no queue), so a call
    arrives at the whole hour after its wanted time plus its delay; ``k=None`` is the default
    shape, 1 (exponential).
    """
    n, seed, hours = 300, 11, 8760
    kw = dict(arrival_delay_mean_h=mean_h) | ({} if k is None else dict(arrival_delay_erlang_k=k))
    c = of_year(calls(y(2025), y(2027), teu=n * 10.0, teu_per_move=1.0, classes=one_class(10.0, 1),
                      berths=n, sts=n, seed=seed, **kw), 2025)
    rng = np.random.default_rng([seed, 2025])
    rng.choice(1, size=n, p=[1.0])  # the class of each call
    rng.uniform(-1, 1, n)  # its moves' spread
    want = np.sort(rng.uniform(0, hours, n))
    shape = 1 if k is None else k
    delays = np.random.default_rng([seed, 2025, 1]).gamma(shape, mean_h / shape, n)
    expected = y(2025) + pd.to_timedelta(np.ceil(np.sort(want + delays)), unit="h")
    assert len(c) == n and (c["arrival"].to_numpy() == expected.to_numpy()).all()
    on_time = of_year(calls(y(2025), y(2027), teu=n * 10.0, teu_per_move=1.0, classes=one_class(10.0, 1),
                            berths=n, sts=n, seed=seed), 2025)
    assert (on_time["arrival"].to_numpy() == (y(2025) + pd.to_timedelta(np.ceil(want), unit="h")).to_numpy()).all()
    shift_h = (c["arrival"] - on_time["arrival"]).mean() / pd.Timedelta("1h")
    assert shift_h == pytest.approx(delays.mean(), abs=1.0)  # ceil moves each by under an hour


def test_too_many_calls_are_refused_before_drawing_them():
    with pytest.raises(EnergyError, match=r"^vessels: 100001 calls in 2025 from throughput_teu_per_year = "
                                          r"100001, teu_per_move = 1 and the classes' moves_mean; expected at "
                                          r"most 100000$"):
        calls(teu=100_001.0, teu_per_move=1.0, classes=one_class(1.0))


def test_single_move_calls_keep_one_move():
    c = calls(teu=3.0, teu_per_move=1.0, classes=one_class(1.0), berths=1, sts=1)
    assert of_year(c, 2025)["moves"].tolist() == [1.0, 1.0, 1.0]
    one = calls(teu=1.0, teu_per_move=1.0, classes=one_class(1.0), berths=1, sts=1)  # 1 TEU a year
    assert of_year(one, 2025)["moves"].tolist() == [1.0]


def test_class_shares_are_relative():
    classes = {"a": VesselClass(share_of_calls=0.25, moves_mean=100.0, moves_spread=0.0, max_cranes=1),
               "b": VesselClass(share_of_calls=0.25, moves_mean=300.0, moves_spread=0.0, max_cranes=1)}
    c = of_year(calls(teu=40_000.0, teu_per_move=1.0, classes=classes), 2025)
    assert len(c) == 200 and set(c["vessel_class"]) == {"a", "b"}  # 40000 moves / 200 a call


@pytest.mark.parametrize("kw", [dict(teu=0.0), dict(teu=0.1), dict(classes={}), dict(sts=0)])
def test_no_schedule_without_throughput_classes_or_cranes(kw):
    c = calls(**kw)
    assert c.empty and list(c.columns)[:6] == COLUMNS


def test_a_horizon_across_new_year_sees_the_calls_of_both_years():
    whole = calls(y(2025), y(2027))
    start, end = pd.Timestamp("2025-12-20", tz=TZ), pd.Timestamp("2026-01-10", tz=TZ)
    part = calls(start, end)
    inside = whole[(whole["arrival"] >= start) & (whole["departure"] <= end)]
    assert set(inside["vessel"]) <= set(part["vessel"])
    assert {v[:4] for v in part["vessel"]} == {"2025", "2026"}
    assert part.index.tolist() == list(range(len(part)))
    merged = part.merge(whole, on="vessel", suffixes=("", "_whole"))
    assert len(merged) == len(part)
    full = merged[~merged["cut"]]
    assert (full["arrival"] == full["arrival_whole"]).all() and (full["moves"] == full["moves_whole"]).all()


def test_seed_7_schedule_is_pinned():
    c = calls().head(3)
    assert c[COLUMNS].to_dict("records") == [
        {"vessel": "2025_0001", "vessel_class": "panamax", "arrival": pd.Timestamp("2025-01-01 12:00", tz=TZ),
         "departure": pd.Timestamp("2025-01-02 11:00", tz=TZ), "moves": 1162.0, "max_cranes": 3},
        {"vessel": "2025_0002", "vessel_class": "panamax", "arrival": pd.Timestamp("2025-01-02 16:00", tz=TZ),
         "departure": pd.Timestamp("2025-01-03 15:00", tz=TZ), "moves": 1172.0, "max_cranes": 3},
        {"vessel": "2025_0003", "vessel_class": "panamax", "arrival": pd.Timestamp("2025-01-02 21:00", tz=TZ),
         "departure": pd.Timestamp("2025-01-04 05:00", tz=TZ), "moves": 1629.0, "max_cranes": 3},
    ]
    counts = of_year(calls(), 2025)["vessel_class"].value_counts().to_dict()
    assert counts == of_year(calls(), 2025)["vessel_class"].value_counts().to_dict()  # same seed, same draw
    assert not calls(seed=8).head(3).equals(c)


def test_vessel_jobs_carry_the_call():
    c = calls(pd.Timestamp("2025-03-03", tz=TZ), pd.Timestamp("2025-03-10", tz=TZ))
    jobs = vessel_jobs(c, energy_kwh_per_move=8.0, moves_per_crane_hour=28.0)
    assert len(jobs) == len(c) > 0
    for job, r in zip(jobs, c.itertuples(), strict=True):
        # named as the vessel is, no prefix (issue 13)
        assert job == CraneJob(name=str(r.vessel), pool="sts", start=r.arrival, end=r.departure,
                               moves=float(r.moves), max_cranes=int(r.max_cranes), moves_per_crane_hour=28.0,
                               energy_kwh_per_move=8.0, kind="vessel")
        assert isinstance(job.moves, float) and isinstance(job.max_cranes, int)
    assert vessel_jobs(c.iloc[:0], energy_kwh_per_move=8.0, moves_per_crane_hour=28.0) == []


def test_crane_limit_text_explains_the_figure():
    job = CraneJob("v", "sts", y(2025), y(2026), 100.0, max_cranes=3, moves_per_crane_hour=25.0,
                   energy_kwh_per_move=8.0)
    assert crane_limit_text(job, 2, 4.0) == (
        "200 moves (min(max_cranes 3, cranes.sts.count 2) x cranes.sts.moves_per_crane_hour 25 x 4 h of "
        "whole steps)")
    assert crane_limit_text(job, 6, 1.5, "30min").endswith("x 1.5 h of whole 30min steps)")
    assert crane_limit_text(job, 6, 1.5, "30min").startswith("112.5 moves (")
