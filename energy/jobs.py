"""Flexible port work: vessel calls, yard housekeeping and truck charging windows.

The vessel schedule is generated, seeded, for whole calendar years (so a week's
run sees the same vessels as the year's run), then cut to the horizon. A call
whose berth window crosses a horizon edge keeps the part inside, with its moves
prorated by the share of the window kept.

Generated windows are always feasible: each call's window is long enough for it
to finish with its share of the ship-to-shore cranes when every container berth
is busy (``sts.count // container_berths`` cranes, at most its ``max_cranes``),
stretched by ``window_slack`` plus the mooring time.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from energy.errors import EnergyError
from energy.timegrid import daily_window_hours

__all__ = [
    "FIT_TOLERANCE",
    "CraneJob",
    "TruckWindow",
    "crane_limit",
    "crane_limit_text",
    "cut_calls",
    "daily_window_problem",
    "exceeds",
    "generate_vessel_calls",
    "truck_windows",
    "vessel_jobs",
    "yard_jobs",
]


@dataclass(frozen=True)
class CraneJob:
    """Crane work that must be done inside a time window.

    A vessel call (ship-to-shore cranes) or a yard housekeeping quota (yard
    cranes). Steps whose interval lies inside ``[start, end)`` may carry work.

    Attributes
    ----------
    name : str
        Unique job name, e.g. the vessel's name ``"COSCO Shipping Aries"`` (as given) or ``"yard_2025-03-04"``.
    pool : str
        Crane pool the job draws from (a key of :attr:`Inputs.crane_pools`).
    start, end : pandas.Timestamp
        Window start (inclusive) and end (exclusive), tz-aware.
    moves : float
        Container moves to complete inside the window. [moves]
    max_cranes : int
        Most cranes that may work this job at once. [cranes]
    moves_per_crane_hour : float
        Productivity rho of one crane. [moves/h]
    energy_kwh_per_move : float
        Electric energy per move eps. [kWh/move]
    kind : str
        ``"vessel"`` or ``"yard"`` (for reporting).
    """

    name: str
    pool: str
    start: pd.Timestamp
    end: pd.Timestamp
    moves: float
    max_cranes: int
    moves_per_crane_hour: float
    energy_kwh_per_move: float
    kind: str = "vessel"


@dataclass(frozen=True)
class TruckWindow:
    """A charging window of the electric truck fleet.

    Attributes
    ----------
    name : str
        Window name.
    start, end : pandas.Timestamp
        Window start (inclusive) and end (exclusive), tz-aware.
    energy_kwh : float
        Energy the fleet must receive inside the window. [kWh]
    """

    name: str
    start: pd.Timestamp
    end: pd.Timestamp
    energy_kwh: float


# --------------------------------------------------------------------------- the fit rules
#: Relative tolerance of every "the work fits" check (round-off of moves x rate x hours).
FIT_TOLERANCE = 1e-9


def exceeds(need: float, limit: float) -> bool:
    """``need`` is more than ``limit`` allows, beyond round-off (:data:`FIT_TOLERANCE`)."""
    return need > limit * (1 + FIT_TOLERANCE)


def crane_limit(job: CraneJob, pool_size: int, hours: float) -> tuple[int, float]:
    """Most cranes on ``job`` at once and the most moves it can make in ``hours`` of whole steps.

    THE crane rule: a job gets at most ``min(max_cranes, pool size)`` cranes, each making
    ``moves_per_crane_hour``; only steps lying wholly inside its window count
    (:func:`energy.timegrid.window_steps`).

    Returns
    -------
    (int, float)
        Cranes [-] and the move limit [moves].
    """
    cranes = min(int(job.max_cranes), int(pool_size))
    return cranes, cranes * job.moves_per_crane_hour * hours


def crane_limit_text(job: CraneJob, pool_size: int, hours: float, resolution: str = "") -> str:
    """How :func:`crane_limit` arrives at its figure, for an error message."""
    _, limit = crane_limit(job, pool_size, hours)
    steps = f"whole {resolution} steps" if resolution else "whole steps"
    return (f"{limit:g} moves (min(max_cranes {job.max_cranes}, cranes.{job.pool}.count {pool_size}) x "
            f"cranes.{job.pool}.moves_per_crane_hour {job.moves_per_crane_hour:g} x {hours:g} h of {steps})")


def daily_window_problem(i: int, need_kwh: float, length_h: float, charger_kw: float) -> str | None:
    """Why daily charging window ``i`` cannot take its energy, or None when it can.

    THE truck rule: a window receives at most ``charger_kw x its hours``.
    """
    if not exceeds(need_kwh, charger_kw * length_h):
        return None
    return (f"windows[{i}]: {need_kwh:.0f} kWh (count x energy_kwh_per_truck_day x energy_share) "
            f"cannot be charged in {length_h:g} h at charger_kw_total = {charger_kw:g} kW; expected "
            f"at most {charger_kw * length_h:.0f} kWh")


MAX_CALLS_PER_YEAR = 100_000
"""Most vessel calls a generated schedule may hold per year (a sanity bound)."""


def generate_vessel_calls(start: pd.Timestamp, end: pd.Timestamp, *, throughput_teu_per_year: float,
                          teu_per_move: float, classes: dict, container_berths: int,
                          window_slack: float, mooring_hours: float, sts_count: int,
                          moves_per_crane_hour: float, seed: int,
                          arrival_delay_mean_h: float = 0.0, arrival_delay_erlang_k: int = 1) -> pd.DataFrame:
    """Seeded vessel calls for the calendar years spanning ``[start, end)``, cut to it.

    Parameters
    ----------
    throughput_teu_per_year : float
        Quay throughput. [TEU/yr]
    teu_per_move : float
        TEU per container move (TEU factor). [TEU/move]
    classes : dict of name -> VesselClass-like (share_of_calls, moves_mean, moves_spread, max_cranes)
    container_berths : int
        Berths that serve container vessels at once.
    window_slack : float
        Berth window = slack x the time needed with the cranes a call is sure to get. [-]
    mooring_hours : float
        Time alongside without crane work (mooring, lashing, unmooring). [h]
    sts_count : int
        Ship-to-shore cranes of the port.
    moves_per_crane_hour : float
        Productivity of one STS crane. [moves/h]
    seed : int
        Seed; the same seed gives the same schedule.
    arrival_delay_mean_h : float
        Mean arrival delay. [h] Each call's wanted arrival is pushed back by a delay
        drawn from an Erlang distribution of this mean and shape
        ``arrival_delay_erlang_k`` (its own random stream: 0 leaves the schedule exactly
        as without delays); calls then queue for a berth as usual. Song & Wang (2021,
        J. R. Stat. Soc. A 184(1) 354-367) found liner ships' deviations from schedule
        at Dalian, Kaohsiung and Rotterdam to follow Erlang distributions; mean and
        shape are estimates to fit to the port's own berth records.
    arrival_delay_erlang_k : int
        Shape of the Erlang distribution (1 = exponential). [-]

    Returns
    -------
    pandas.DataFrame
        ``vessel, vessel_class, arrival, departure, moves, max_cranes``, tz-aware.
    """
    if throughput_teu_per_year <= 0 or not classes or sts_count == 0:
        return pd.DataFrame(columns=_CALL_COLUMNS)
    spec = _Schedule(throughput_teu_per_year, teu_per_move, classes, container_berths, window_slack,
                     mooring_hours, sts_count, moves_per_crane_hour, seed, arrival_delay_mean_h,
                     arrival_delay_erlang_k)
    frames = [f for year in range(start.year, (end - pd.Timedelta("1ns")).year + 1)
              if len(f := _calls_of_year(spec, year, start.tz))]
    if not frames:
        return pd.DataFrame(columns=_CALL_COLUMNS)
    return cut_calls(pd.concat(frames, ignore_index=True), start, end)


_CALL_COLUMNS = ["vessel", "vessel_class", "arrival", "departure", "moves", "max_cranes"]


@dataclass(frozen=True)
class _Schedule:
    """The arguments of :func:`generate_vessel_calls`."""

    throughput_teu_per_year: float
    teu_per_move: float
    classes: dict
    container_berths: int
    window_slack: float
    mooring_hours: float
    sts_count: int
    moves_per_crane_hour: float
    seed: int
    arrival_delay_mean_h: float = 0.0
    arrival_delay_erlang_k: int = 1


def _calls_of_year(spec: _Schedule, year: int, tz) -> pd.DataFrame:
    """The seeded calls of one calendar year: class, moves, then first-free-berth arrivals."""
    classes, names = spec.classes, list(spec.classes)
    shares = np.array([classes[n].share_of_calls for n in names])
    means = np.array([classes[n].moves_mean for n in names])
    rng = np.random.default_rng([spec.seed, year])
    y0 = pd.Timestamp(year=year, month=1, day=1, tz=tz)
    hours = (pd.Timestamp(year=year + 1, month=1, day=1, tz=tz) - y0) / pd.Timedelta("1h")
    moves_year = spec.throughput_teu_per_year / spec.teu_per_move * hours / 8760.0
    n_calls = int(round(moves_year / float(shares @ means / shares.sum())))  # shares are relative
    if n_calls > MAX_CALLS_PER_YEAR:
        raise EnergyError(
            f"vessels: {n_calls} calls in {year} from throughput_teu_per_year = "
            f"{spec.throughput_teu_per_year:g}, teu_per_move = {spec.teu_per_move:g} and the classes' "
            f"moves_mean; expected at most {MAX_CALLS_PER_YEAR}")
    if n_calls == 0:
        return pd.DataFrame(columns=_CALL_COLUMNS)
    kind = rng.choice(len(names), size=n_calls, p=shares / shares.sum())
    spread = np.array([classes[names[k]].moves_spread for k in kind])
    moves = np.round(means[kind] * (1 + spread * rng.uniform(-1, 1, n_calls)))
    moves *= moves_year / max(moves.sum(), 1.0)  # exact annual throughput
    moves = np.maximum(np.round(moves), 1)
    want = np.sort(rng.uniform(0, hours, n_calls))
    if spec.arrival_delay_mean_h > 0:
        k = spec.arrival_delay_erlang_k
        delays = np.random.default_rng([spec.seed, year, 1]).gamma(k, spec.arrival_delay_mean_h / k, n_calls)
        order = np.argsort(want + delays, kind="stable")
        want, kind, moves = (want + delays)[order], kind[order], moves[order]
    sure_cranes = max(1, spec.sts_count // spec.container_berths)
    berth_free = np.zeros(spec.container_berths)
    rows = []
    for i in range(n_calls):
        mc = int(classes[names[kind[i]]].max_cranes)
        cr = min(mc, sure_cranes)
        stay = math.ceil(moves[i] / (cr * spec.moves_per_crane_hour) * spec.window_slack + spec.mooring_hours)
        if stay > hours:
            raise EnergyError(
                f"vessels: a {names[kind[i]]} call of {moves[i]:g} moves would stay {stay} h at berth "
                f"(moves / ({cr} cranes x {spec.moves_per_crane_hour:g} moves/h) x window_slack "
                f"{spec.window_slack:g} + mooring_hours {spec.mooring_hours:g}); expected a berth window "
                "shorter than a year")
        b = int(np.argmin(berth_free))
        arr_h = math.ceil(max(want[i], berth_free[b]))
        if arr_h > 2 * hours:
            raise EnergyError(
                f"vessels: the {n_calls} calls of {year} do not fit {spec.container_berths} container "
                f"berth(s): they queue past the end of {year + 1}; expected a throughput_teu_per_year the "
                "berths can serve (or more container_berths, cranes or a smaller window_slack)")
        berth_free[b] = arr_h + stay
        rows.append((f"{year}_{i + 1:04d}", names[kind[i]], y0 + pd.Timedelta(hours=arr_h),
                     y0 + pd.Timedelta(hours=arr_h + stay), float(moves[i]), min(mc, spec.sts_count)))
    return pd.DataFrame(rows, columns=_CALL_COLUMNS)


def cut_calls(calls: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """Keep the parts of calls inside ``[start, end)``; prorate moves of cut calls.

    A boolean column ``cut`` marks the calls whose berth window was cut.
    """
    if calls.empty:
        return calls.assign(cut=pd.Series(dtype=bool))
    a = calls["arrival"].clip(lower=start)
    d = calls["departure"].clip(upper=end)
    keep = d > a
    full = (calls["departure"] - calls["arrival"]) / pd.Timedelta("1h")
    kept = (d - a) / pd.Timedelta("1h")
    out = calls.loc[keep].copy()
    out["arrival"] = a[keep]
    out["departure"] = d[keep]
    out["moves"] = (calls["moves"] * kept / full)[keep].round(3)
    out["cut"] = ((calls["arrival"] < start) | (calls["departure"] > end))[keep].to_numpy(dtype=bool)
    return out.reset_index(drop=True)


def vessel_jobs(calls: pd.DataFrame, *, energy_kwh_per_move: float, moves_per_crane_hour: float) -> list[CraneJob]:
    """One ship-to-shore crane job per vessel call, named as the vessel is (no prefix)."""
    return [
        CraneJob(name=str(r.vessel), pool="sts", start=r.arrival, end=r.departure,
                 moves=float(r.moves), max_cranes=int(r.max_cranes),
                 moves_per_crane_hour=moves_per_crane_hour,
                 energy_kwh_per_move=energy_kwh_per_move, kind="vessel")
        for r in calls.itertuples(index=False)
    ]


def yard_jobs(start: pd.Timestamp, end: pd.Timestamp, *, moves_per_day: float, cranes: int,
              moves_per_crane_hour: float, energy_kwh_per_move: float) -> list[CraneJob]:
    """A housekeeping quota per local day, free to move within its day.

    Days cut by the horizon get the quota prorated by the hours kept.
    """
    if moves_per_day <= 0 or cranes == 0:
        return []
    jobs = []
    day = start.normalize()
    while day < end:
        nxt = day + pd.DateOffset(days=1)
        a, b = max(day, start), min(nxt, end)
        share = (b - a) / (nxt - day)
        jobs.append(CraneJob(name=f"yard_{day.date().isoformat()}", pool="armg", start=a, end=b,
                             moves=round(moves_per_day * share, 3), max_cranes=cranes,
                             moves_per_crane_hour=moves_per_crane_hour,
                             energy_kwh_per_move=energy_kwh_per_move, kind="yard"))
        day = nxt
    return jobs


def truck_windows(start: pd.Timestamp, end: pd.Timestamp, *, energy_kwh_per_day: float,
                  windows: list, charger_kw_total: float) -> list[TruckWindow]:
    """Daily charging windows of the truck fleet, cut to the horizon.

    Each day's energy need is split over the windows by ``energy_share``; a window
    wrapping past midnight belongs to the day it starts. A window cut by the
    horizon keeps the energy share of the hours kept.

    Raises
    ------
    EnergyError
        If a window cannot deliver its energy at ``charger_kw_total``.
    """
    if energy_kwh_per_day <= 0 or not windows:
        return []
    out = []
    day = start.normalize() - pd.DateOffset(days=1)
    while day < end:
        for i, w in enumerate(windows):
            length_h = daily_window_hours(w.start_hour, w.end_hour)
            need = energy_kwh_per_day * w.energy_share
            problem = daily_window_problem(i, need, length_h, charger_kw_total)
            if problem:
                raise EnergyError(f"trucks.{problem}")
            ws = day + pd.Timedelta(hours=w.start_hour)
            we = ws + pd.Timedelta(hours=length_h)
            a, b = max(ws, start), min(we, end)
            if b <= a or need <= 0:
                continue
            kept = (b - a) / (we - ws)
            out.append(TruckWindow(name=f"trucks_{ws.strftime('%Y-%m-%dT%H:%M')}", start=a, end=b,
                                   energy_kwh=need * kept))
        day = day + pd.DateOffset(days=1)
    return sorted(out, key=lambda w: w.start)
