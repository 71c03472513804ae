"""Boundary hours and off-by-one steps of the time rules (energy.timegrid, energy.jobs, loads).

Every window of the model is half-open, ``[start, end)``: the first instant counts, the
last does not. These tests put a step exactly on each edge (and one just inside, one just
outside), so that turning a ``<`` into ``<=`` (or the reverse) anywhere is caught: the
peak hours, the daily windows that wrap past midnight (trucks, lighting), the whole steps
a crane or truck window may use, the berth windows cut by the horizon, the yard days,
the calendar months and the first and last step of a horizon.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from energy.config import TruckWindowSpec
from energy.errors import EnergyError
from energy.jobs import (
    CraneJob,
    crane_limit,
    cut_calls,
    daily_window_problem,
    exceeds,
    truck_windows,
    yard_jobs,
)
from energy.loads import base_load_kw
from energy.timegrid import (
    average_onto,
    check_index,
    daily_window_hours,
    hours_since,
    in_daily_window,
    interval_edges,
    interval_midpoints,
    local_hour,
    month_fractions,
    months_of,
    peak_mask,
    step_ends_ns,
    step_hours,
    whole_step_hours,
    window_steps,
)

TZ = "America/Lima"


def ts(s: str) -> pd.Timestamp:
    return pd.Timestamp(s, tz=TZ)


def quarter_hours(start: str, periods: int) -> pd.DatetimeIndex:
    return pd.date_range(ts(start), periods=periods, freq="15min")


# --------------------------------------------------------------------------- peak hours
def test_peak_mask_counts_the_step_starting_at_18_and_not_the_one_at_23():
    # 17:45 .. 23:15 in quarter hours: peak = steps starting in [18:00, 23:00)
    index = quarter_hours("2025-03-10 17:45", 23)
    mask = peak_mask(index, 18, 23)
    hours = local_hour(index)
    assert not mask[0]  # 17:45
    assert mask[1]  # 18:00, the first peak step
    assert mask[-3]  # 22:45, the last peak step
    assert not mask[-2] and not mask[-1]  # 23:00 and 23:15
    np.testing.assert_array_equal(mask, (hours >= 18) & (hours < 23))
    assert mask.sum() == 5 * 4


def test_peak_mask_on_an_hourly_day_is_exactly_five_hours():
    index = pd.date_range(ts("2025-03-10"), periods=24, freq="1h")
    mask = peak_mask(index, 18, 23)
    assert np.flatnonzero(mask).tolist() == [18, 19, 20, 21, 22]


def test_peak_mask_reads_the_clock_of_the_index_zone():
    # 17:00 .. 23:00 Lima is 22:00 .. 04:00 UTC: the same instants, other clock hours
    lima = pd.date_range(ts("2025-03-10 17:00"), periods=7, freq="1h")
    assert peak_mask(lima, 18, 23).tolist() == [False, True, True, True, True, True, False]
    assert peak_mask(lima.tz_convert("UTC"), 18, 23).tolist() == [True] + [False] * 6


def test_local_hour_counts_minutes_and_seconds():
    index = pd.DatetimeIndex([ts("2025-03-10 18:15"), ts("2025-03-10 06:00:36"), ts("2025-03-10 00:00")])
    np.testing.assert_allclose(local_hour(index), [18.25, 6.01, 0.0])


# --------------------------------------------------------------------------- daily windows
@pytest.mark.parametrize(
    ("start", "end", "inside", "outside"),
    [
        (8, 17, [8.0, 12.0, 16.75], [7.75, 17.0, 17.25, 0.0]),
        (22, 6, [22.0, 23.5, 0.0, 5.75], [6.0, 6.25, 21.75, 12.0]),  # wraps past midnight
        (0, 24, [0.0, 12.0, 23.75], []),
        (18.5, 19.25, [18.5, 19.0], [18.25, 19.25]),
    ],
)
def test_daily_window_is_start_inclusive_end_exclusive(start, end, inside, outside):
    assert in_daily_window(np.array(inside), start, end).all()
    assert not in_daily_window(np.array(outside), start, end).any()


def test_daily_window_of_equal_hours_is_the_whole_day():
    hours = np.arange(0, 24, 0.5)
    assert in_daily_window(hours, 7, 7).all()
    assert daily_window_hours(7, 7) == 24.0


@pytest.mark.parametrize(("start", "end", "length"), [(8, 17, 9.0), (22, 6, 8.0), (0, 24, 24.0),
                                                        (23.5, 0.25, 0.75), (6, 5, 23.0)])
def test_daily_window_hours(start, end, length):
    assert daily_window_hours(start, end) == pytest.approx(length)


def test_lighting_and_daytime_windows_edges():
    index = pd.date_range(ts("2025-03-10"), periods=24, freq="1h")
    kw = base_load_kw(index, constant_kw=100.0, daytime_extra_kw=10.0, daytime_start_hour=7,
                      daytime_end_hour=19, lighting_kw=1.0, lighting_start_hour=18, lighting_end_hour=6)
    expected = np.full(24, 100.0)
    expected[7:19] += 10.0  # 07:00 .. 18:00 inclusive, 19:00 not
    expected[18:] += 1.0  # lighting from 18:00 ...
    expected[:6] += 1.0  # ... to 05:00 inclusive, 06:00 dark-free
    np.testing.assert_allclose(kw.to_numpy(), expected)


# --------------------------------------------------------------------------- months
def test_months_are_local_calendar_months():
    # 2025-01-31 23:00 Lima is 2025-02-01 04:00 UTC: still January for the bill
    index = pd.date_range(ts("2025-01-31 22:00"), periods=4, freq="1h")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "drops timezone" warning reaches the user
        codes, months = months_of(index)
    assert codes.tolist() == [0, 0, 1, 1]
    assert [str(p) for p in months] == ["2025-01", "2025-02"]


def test_month_fractions_of_a_partial_horizon_by_hand():
    # 31 Jan 12:00 .. 2 Feb 00:00 in half hours: 12 h of January's 744, 24 h of February's 672
    index = pd.date_range(ts("2025-01-31 12:00"), ts("2025-02-01 23:30"), freq="30min")
    frac = month_fractions(index, step_hours(index))
    assert frac.tolist() == pytest.approx([12 / 744, 24 / 672])
    assert [str(p) for p in frac.index] == ["2025-01", "2025-02"]


def test_month_fraction_of_a_leap_february_and_of_a_whole_month():
    index = pd.date_range(ts("2024-02-01"), ts("2024-03-01 23:00"), freq="1h")
    frac = month_fractions(index, step_hours(index))
    assert frac.tolist() == pytest.approx([1.0, 24 / 744])


def test_month_fractions_weigh_by_step_length():
    # irregular steps: 1 h, 2 h, 3 h (to the given end): 6 h of March
    index = pd.DatetimeIndex([ts("2025-03-10 00:00"), ts("2025-03-10 01:00"), ts("2025-03-10 03:00")])
    frac = month_fractions(index, step_hours(index, end=ts("2025-03-10 06:00")))
    assert frac.tolist() == pytest.approx([6 / 744])


# --------------------------------------------------------------------------- steps and horizon ends
def test_step_hours_first_and_last_steps():
    index = pd.DatetimeIndex([ts("2025-03-10 00:00"), ts("2025-03-10 00:15"), ts("2025-03-10 01:15"),
                              ts("2025-03-10 03:15")])
    np.testing.assert_allclose(step_hours(index), [0.25, 1.0, 2.0, 2.0])  # last = previous step
    np.testing.assert_allclose(step_hours(index, end=ts("2025-03-10 03:45")), [0.25, 1.0, 2.0, 0.5])
    hourly = pd.date_range(ts("2025-03-10"), periods=3, freq="1h")
    assert step_hours(hourly).tolist() == [1.0, 1.0, 1.0]  # from the frequency, exactly
    assert step_hours(index[:2]).tolist() == [0.25, 0.25]  # two steps without a frequency
    edges = interval_edges(hourly)
    assert len(edges) == 4 and edges[-1] == ts("2025-03-10 03:00") and edges[0] == hourly[0]


def test_single_step_needs_an_end_and_end_must_follow_the_last_start():
    one = pd.DatetimeIndex([ts("2025-03-10 00:00")])
    np.testing.assert_allclose(step_hours(one, end=ts("2025-03-10 00:30")), [0.5])
    with pytest.raises(EnergyError, match=r"^index: a single timestamp \(2025-03-10 00:00:00-05:00\) has no "
                                          r"step length; pass end= \(the end of the last interval\)$"):
        step_hours(one)
    two = pd.DatetimeIndex([ts("2025-03-10 00:00"), ts("2025-03-10 01:00")])
    with pytest.raises(EnergyError, match=r"^end: expected a time after the last timestamp "
                                          r"2025-03-10 01:00:00-05:00, found 2025-03-10 01:00:00-05:00$"):
        step_hours(two, end=ts("2025-03-10 01:00"))  # ends where the last step starts
    three = pd.DatetimeIndex([ts("2025-03-10 00:00"), ts("2025-03-10 01:00"), ts("2025-03-10 02:00")])
    with pytest.raises(EnergyError, match=r"last timestamp 2025-03-10 02:00:00-05:00, found 2025-03-10 00:30"):
        step_hours(three, end=ts("2025-03-10 00:30"))
    np.testing.assert_allclose(step_hours(two, end=ts("2025-03-10 01:00:01")), [1.0, 1 / 3600])
    with pytest.raises(EnergyError, match="naive"):
        step_hours(two, end=pd.Timestamp("2025-03-10 02:00"))


def test_end_in_another_zone_is_the_same_instant():
    index = pd.date_range(ts("2025-03-10"), periods=2, freq="1h")
    edges = interval_edges(index, end=pd.Timestamp("2025-03-10 07:00", tz="UTC"))  # 02:00 Lima
    assert edges[-1] == ts("2025-03-10 02:00") and str(edges.tz) == TZ


def test_midpoints_are_half_a_step_in():
    index = pd.DatetimeIndex([ts("2025-03-10 00:00"), ts("2025-03-10 01:00"), ts("2025-03-10 03:00")])
    mids = interval_midpoints(index, end=ts("2025-03-10 03:30"))
    assert list(mids) == [ts("2025-03-10 00:30"), ts("2025-03-10 02:00"), ts("2025-03-10 03:15")]


@pytest.mark.parametrize(
    ("stamps", "message"),
    [
        ([], "at least one timestamp"),
        (["2025-03-10 01:00", "2025-03-10 01:00"], r"strictly increasing.*\(row 1\)"),
        (["2025-03-10 00:00", "2025-03-10 02:00", "2025-03-10 01:00"], r"strictly increasing.*\(row 2\)"),

        (["2025-03-10 00:00", "2025-03-10 01:00", "2025-03-10 01:00"], r"strictly increasing.*\(row 2\)"),
    ],
)
def test_check_index_refuses_empty_and_unordered(stamps, message):
    index = pd.DatetimeIndex([ts(s) for s in stamps], tz=TZ) if stamps else pd.DatetimeIndex([], tz=TZ)
    with pytest.raises(EnergyError, match="^index: expected " + message):
        check_index(index)
    with pytest.raises(EnergyError, match="^load: expected " + message):
        check_index(index, "load")


def test_check_index_names_the_row_and_both_timestamps():
    index = pd.DatetimeIndex([ts("2025-03-10 00:00"), ts("2025-03-10 01:00"), ts("2025-03-10 03:00"),
                              ts("2025-03-10 02:00")])
    with pytest.raises(EnergyError, match=r"^index: expected strictly increasing timestamps, found "
                                          r"2025-03-10 02:00:00-05:00 after 2025-03-10 03:00:00-05:00 \(row 3\)$"):
        check_index(index)
    tiny = pd.DatetimeIndex([ts("2025-03-10 00:00"), ts("2025-03-10 00:00") + pd.Timedelta(1, "ns")])
    assert check_index(tiny) is tiny  # any positive step is increasing
    ns = pd.DatetimeIndex([tiny[0], tiny[1], tiny[1] + pd.Timedelta(1, "ns"), tiny[1] + pd.Timedelta(1, "ns")])
    with pytest.raises(EnergyError, match=r"\(row 3\)$"):
        check_index(ns)


def test_check_index_refuses_naive_and_non_datetime():
    with pytest.raises(EnergyError, match=r"^index: expected tz-aware timestamps \(e\.g\. America/Lima\), "
                                          r"found naive timestamps starting 2025-03-10 00:00:00$"):
        check_index(pd.date_range("2025-03-10", periods=2, freq="1h"))
    with pytest.raises(EnergyError, match="^index: expected a pandas DatetimeIndex, found RangeIndex$"):
        check_index(pd.RangeIndex(3))
    ok = pd.date_range(ts("2025-03-10"), periods=2, freq="1h")
    assert check_index(ok) is ok


def test_hours_since_first_time_or_a_reference():
    index = pd.DatetimeIndex([ts("2025-03-10 00:00"), ts("2025-03-10 01:30"), ts("2025-03-11 00:00")])
    np.testing.assert_allclose(hours_since(index), [0.0, 1.5, 24.0])
    np.testing.assert_allclose(hours_since(index, pd.Timestamp("2025-03-10 04:00", tz="UTC")),
                               [1.0, 2.5, 25.0])


def test_average_onto_finer_and_coarser_intervals():
    src_edges = np.array([0.0, 1.0, 3.0])
    values = np.array([2.0, 5.0])
    np.testing.assert_allclose(average_onto(src_edges, values, np.array([0.0, 0.5, 1.0, 2.0, 3.0])),
                               [2.0, 2.0, 5.0, 5.0])
    np.testing.assert_allclose(average_onto(src_edges, values, np.array([0.0, 3.0])), [4.0])
    two = average_onto(src_edges, np.column_stack([values, 10 * values]), np.array([0.0, 2.0, 3.0]))
    np.testing.assert_allclose(two, [[3.5, 35.0], [5.0, 50.0]])


# --------------------------------------------------------------------------- whole steps in a window
def hourly_steps(periods: int = 8, start: str = "2025-03-10 08:00"):
    index = pd.date_range(ts(start), periods=periods, freq="1h")
    end = index[-1] + pd.Timedelta("1h")
    starts, ends = step_ends_ns(index, end)
    return index, starts, ends


@pytest.mark.parametrize(
    ("win_start", "win_end", "steps"),
    [
        ("10:00", "14:00", [2, 3, 4, 5]),  # window on step edges: first and last step both in
        ("10:30", "14:00", [3, 4, 5]),  # a step cut at the start is out
        ("10:00", "13:30", [2, 3, 4]),  # a step cut at the end is out
        ("09:59", "10:01", []),  # no whole step
        ("08:00", "16:00", [0, 1, 2, 3, 4, 5, 6, 7]),  # the horizon's first and last step
        ("07:00", "17:00", [0, 1, 2, 3, 4, 5, 6, 7]),  # a window past both horizon ends
        ("15:00", "16:00", [7]),  # only the last step
        ("08:00", "09:00", [0]),  # only the first step
    ],
)
def test_window_steps_are_the_whole_steps_inside(win_start, win_end, steps):
    _, starts, ends = hourly_steps()
    w = window_steps(starts, ends, ts(f"2025-03-10 {win_start}"), ts(f"2025-03-10 {win_end}"))
    assert list(w) == steps


def test_whole_step_hours_with_irregular_steps():
    index = pd.DatetimeIndex([ts("2025-03-10 00:00"), ts("2025-03-10 00:30"), ts("2025-03-10 02:00"),
                              ts("2025-03-10 02:15")])
    end = ts("2025-03-10 03:00")
    starts, ends = step_ends_ns(index, end)
    dt = step_hours(index, end)
    assert whole_step_hours(starts, ends, dt, ts("2025-03-10 00:30"), end) == pytest.approx(2.5)
    assert whole_step_hours(starts, ends, dt, ts("2025-03-10 00:00"), ts("2025-03-10 02:15")) == 2.25
    assert whole_step_hours(starts, ends, dt, ts("2025-03-10 00:10"), ts("2025-03-10 02:14")) == 1.5
    with pytest.raises(EnergyError, match="^end: expected a tz-aware timestamp, found naive 2025-03-10 03:00:00$"):
        step_ends_ns(index, pd.Timestamp("2025-03-10 03:00"))


def test_step_ends_of_a_non_ns_index():
    index = pd.date_range(ts("2025-03-10"), periods=2, freq="1h").as_unit("s")
    starts, ends = step_ends_ns(index, ts("2025-03-10 02:00"))
    assert (ends - starts).tolist() == [3_600 * 10**9] * 2
    assert starts[0] == ts("2025-03-10").value


# --------------------------------------------------------------------------- truck windows
MIDDAY = TruckWindowSpec(start_hour=11, end_hour=14, energy_share=0.25)
NIGHT = TruckWindowSpec(start_hour=22, end_hour=6, energy_share=0.75)


def trucks(start: str, end: str, windows=(MIDDAY, NIGHT), energy=800.0, charger=1000.0):
    return truck_windows(ts(start), ts(end), energy_kwh_per_day=energy, windows=list(windows),
                         charger_kw_total=charger)


def test_truck_window_ending_at_the_horizon_start_is_left_out():
    # the night window of 9 Mar ends at 06:00 on 10 Mar, where the horizon starts
    ws = trucks("2025-03-10 06:00", "2025-03-10 22:00")
    assert [(w.start, w.end, w.energy_kwh) for w in ws] == [
        (ts("2025-03-10 11:00"), ts("2025-03-10 14:00"), pytest.approx(200.0))]


def test_truck_window_starting_at_the_horizon_end_is_left_out():
    ws = trucks("2025-03-10 00:00", "2025-03-10 11:00")
    assert [(w.start, w.end) for w in ws] == [(ts("2025-03-10 00:00"), ts("2025-03-10 06:00"))]
    assert ws[0].energy_kwh == pytest.approx(600.0 * 6 / 8)  # the 9 Mar night, 6 h of 8 kept
    assert ws[0].name == "trucks_2025-03-09T22:00"


def test_truck_window_cut_one_hour_inside_each_end():
    ws = trucks("2025-03-10 12:00", "2025-03-10 23:00")
    assert [(w.start, w.end) for w in ws] == [(ts("2025-03-10 12:00"), ts("2025-03-10 14:00")),
                                              (ts("2025-03-10 22:00"), ts("2025-03-10 23:00"))]
    assert [w.energy_kwh for w in ws] == pytest.approx([200.0 * 2 / 3, 600.0 / 8])


def test_truck_windows_of_a_whole_day_and_empty_cases():
    ws = trucks("2025-03-10 06:00", "2025-03-11 06:00")
    assert [w.name for w in ws] == ["trucks_2025-03-10T11:00", "trucks_2025-03-10T22:00"]
    assert sum(w.energy_kwh for w in ws) == pytest.approx(800.0)
    assert ws[1].end == ts("2025-03-11 06:00")
    assert trucks("2025-03-10", "2025-03-11", energy=0.0) == []
    assert trucks("2025-03-10", "2025-03-11", windows=()) == []
    tiny = trucks("2025-03-10 06:00", "2025-03-11 06:00", windows=(MIDDAY,), energy=0.8)
    assert [w.energy_kwh for w in tiny] == pytest.approx([0.2])  # under 1 kWh a day still counts
    zero = TruckWindowSpec(start_hour=1, end_hour=2, energy_share=0.0)
    assert [w.start.hour for w in trucks("2025-03-10 06:00", "2025-03-11 06:00",
                                         windows=(MIDDAY, zero))] == [11]


def test_truck_window_exactly_at_the_charger_limit_is_accepted():
    # 3 h x 100 kW = 300 kWh = 0.25 x 1200 kWh: just fits
    ws = trucks("2025-03-10 06:00", "2025-03-11 06:00", windows=(MIDDAY,), energy=1200.0, charger=100.0)
    assert [w.energy_kwh for w in ws] == pytest.approx([300.0])
    with pytest.raises(EnergyError, match=r"trucks\.windows\[0\]: 301 kWh .* expected at most 300 kWh"):
        trucks("2025-03-10 06:00", "2025-03-11 06:00", windows=(MIDDAY,), energy=1204.0, charger=100.0)


def test_fit_rules_at_the_limit():
    assert not exceeds(300.0, 300.0)
    assert not exceeds(300.0 * (1 + 0.5e-9), 300.0)
    assert not exceeds(300.0 * (1 + 1e-9), 300.0)  # the tolerance itself still fits
    assert exceeds(300.0 * (1 + 2e-9), 300.0)
    assert daily_window_problem(0, 300.0, 3.0, 100.0) is None
    assert "windows[2]" in daily_window_problem(2, 301.0, 3.0, 100.0)
    job = CraneJob("j", "sts", ts("2025-03-10"), ts("2025-03-11"), 100.0, max_cranes=3,
                   moves_per_crane_hour=25.0, energy_kwh_per_move=8.0)
    assert crane_limit(job, 6, 4.0) == (3, 300.0)
    assert crane_limit(job, 2, 4.0) == (2, 200.0)


# --------------------------------------------------------------------------- berth windows
def calls_frame(*windows):
    return pd.DataFrame({
        "vessel": [f"v{i}" for i in range(len(windows))],
        "arrival": [ts(a) for a, _ in windows],
        "departure": [ts(d) for _, d in windows],
        "moves": [100.0] * len(windows),
        "max_cranes": [2] * len(windows),
    })


def test_berth_windows_touching_the_horizon_edges():
    start, end = ts("2025-03-10"), ts("2025-03-11")
    calls = calls_frame(
        ("2025-03-09 20:00", "2025-03-10 00:00"),  # departs as the horizon starts: out
        ("2025-03-10 00:00", "2025-03-10 10:00"),  # arrives as it starts: whole, not cut
        ("2025-03-10 14:00", "2025-03-11 00:00"),  # departs as it ends: whole, not cut
        ("2025-03-11 00:00", "2025-03-11 05:00"),  # arrives as it ends: out
        ("2025-03-10 22:00", "2025-03-11 02:00"),  # cut at the end: half kept
        ("2025-03-09 23:00", "2025-03-10 03:00"),  # cut at the start: 3 h of 4 kept
    )
    out = cut_calls(calls, start, end)
    assert out["vessel"].tolist() == ["v1", "v2", "v4", "v5"]
    assert out["cut"].tolist() == [False, False, True, True]
    assert out["moves"].tolist() == pytest.approx([100.0, 100.0, 50.0, 75.0])
    assert out["arrival"].tolist() == [start, ts("2025-03-10 14:00"), ts("2025-03-10 22:00"), start]
    assert out["departure"].tolist() == [ts("2025-03-10 10:00"), end, end, ts("2025-03-10 03:00")]
    assert out.index.tolist() == [0, 1, 2, 3]
    assert list(out.columns) == ["vessel", "arrival", "departure", "moves", "max_cranes", "cut"]


def test_cut_calls_of_no_calls():
    empty = calls_frame().astype({"arrival": "datetime64[ns, America/Lima]"})
    out = cut_calls(empty.iloc[:0], ts("2025-03-10"), ts("2025-03-11"))
    assert out.empty and "cut" in out.columns and out["cut"].dtype == bool


def test_cut_moves_are_rounded_to_thousandths():
    calls = calls_frame(("2025-03-10 22:00", "2025-03-11 01:00"))  # 2 h of 3 kept
    out = cut_calls(calls, ts("2025-03-10"), ts("2025-03-11"))
    assert out["moves"].tolist() == [66.667] and out["cut"].dtype == bool


# --------------------------------------------------------------------------- yard days
def test_yard_days_end_at_the_horizon_without_an_empty_day():
    jobs = yard_jobs(ts("2025-03-10"), ts("2025-03-12"), moves_per_day=480.0, cranes=4,
                     moves_per_crane_hour=20.0, energy_kwh_per_move=15.0)
    assert [(j.start, j.end, j.moves) for j in jobs] == [
        (ts("2025-03-10"), ts("2025-03-11"), 480.0), (ts("2025-03-11"), ts("2025-03-12"), 480.0)]
    assert jobs[0].name == "yard_2025-03-10" and jobs[0].pool == "armg" and jobs[0].kind == "yard"
    assert jobs[0].max_cranes == 4 and jobs[0].energy_kwh_per_move == 15.0
    cut = yard_jobs(ts("2025-03-10 18:00"), ts("2025-03-11 06:00"), moves_per_day=480.0, cranes=4,
                    moves_per_crane_hour=20.0, energy_kwh_per_move=15.0)
    assert [(j.start, j.end, j.moves) for j in cut] == [
        (ts("2025-03-10 18:00"), ts("2025-03-11"), 120.0), (ts("2025-03-11"), ts("2025-03-11 06:00"), 120.0)]
    assert yard_jobs(ts("2025-03-10"), ts("2025-03-11"), moves_per_day=0.0, cranes=4,
                     moves_per_crane_hour=20.0, energy_kwh_per_move=15.0) == []
    assert yard_jobs(ts("2025-03-10"), ts("2025-03-11"), moves_per_day=10.0, cranes=0,
                     moves_per_crane_hour=20.0, energy_kwh_per_move=15.0) == []
    small = yard_jobs(ts("2025-03-10"), ts("2025-03-10 08:00"), moves_per_day=500.0, cranes=1,
                      moves_per_crane_hour=20.0, energy_kwh_per_move=15.0)
    assert [(j.moves, j.max_cranes, j.moves_per_crane_hour) for j in small] == [(166.667, 1, 20.0)]
    tiny = yard_jobs(ts("2025-03-10"), ts("2025-03-11"), moves_per_day=0.5, cranes=2,
                     moves_per_crane_hour=20.0, energy_kwh_per_move=15.0)
    assert [j.moves for j in tiny] == [0.5]
