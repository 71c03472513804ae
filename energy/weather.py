"""Site weather on the model's time index: synthetic from a climatology, or read from a file.

Both entry points return one DataFrame on the model index with the canonical columns
:data:`WEATHER_COLUMNS`:

====================  ===========================================================
column                meaning
====================  ===========================================================
``ghi_w_m2``          global horizontal irradiance, interval mean [W/m^2]
``dni_w_m2``          direct normal irradiance, interval mean [W/m^2]
``dhi_w_m2``          diffuse horizontal irradiance, interval mean [W/m^2]
``temp_air_c``        air temperature (about 2 m) [°C]
``wind_speed_m_s``    wind speed at the 10 m measurement height [m/s]
====================  ===========================================================

Time rules (DESIGN §3): every index is tz-aware (naive ones are refused); a timestamp
labels the START of its interval; the last interval ends at ``end`` (default: the last
timestamp plus the index frequency, or plus the last step). Solar geometry is evaluated
at interval midpoints (:func:`interval_midpoints`).
"""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

import numpy as np
import pandas as pd
import pvlib
from scipy.optimize import brentq
from scipy.signal import lfilter
from scipy.special import gamma as _gamma
from scipy.special import ndtr

from energy.errors import EnergyError

WEATHER_COLUMNS = ("ghi_w_m2", "dni_w_m2", "dhi_w_m2", "temp_air_c", "wind_speed_m_s")
"""Canonical weather columns, in order."""

WIND_MEASUREMENT_HEIGHT_M = 10.0
"""Height of ``wind_speed_m_s`` in every weather frame made here. [m]"""

WEATHER_FORMATS = ("epw", "tmy3", "pvgis_tmy")
"""File formats :func:`read_weather_file` reads (plus ``"auto"``)."""

_HOUR = pd.Timedelta(hours=1)
_PVLIB_TO_CANONICAL = {
    "ghi": "ghi_w_m2",
    "dni": "dni_w_m2",
    "dhi": "dhi_w_m2",
    "temp_air": "temp_air_c",
    "wind_speed": "wind_speed_m_s",
}
_CANONICAL_TO_PVLIB = {v: k for k, v in _PVLIB_TO_CANONICAL.items()}
# plausible ranges of file values; EPW/TMY missing-data markers (9999, 99.9, 999) fall outside
_VALID_RANGE = {
    "ghi_w_m2": (-10.0, 2000.0),
    "dni_w_m2": (-10.0, 2000.0),
    "dhi_w_m2": (-10.0, 2000.0),
    "temp_air_c": (-90.0, 70.0),
    "wind_speed_m_s": (0.0, 90.0),
}

# synthetic weather constants (estimates tuned to the Lima/Chancay coast, DESIGN §5)
_DAY_SIGMA = 0.15  # relative std of daily GHI around the monthly mean [-]
_DAY_PHI = 0.5  # day-to-day autocorrelation of the daily GHI factor [-]
_DAILY_CLEARSKY_CAP = 1.0  # a day's GHI may reach its clear-sky GHI, not more [-]
_TEMP_RANGE_C_PER_KWH = 1.2  # diurnal temperature range per kWh/m^2/day of GHI [°C]
_TEMP_MIN_H, _TEMP_MAX_H = 6.0, 14.5  # local hours of daily min / max temperature [h]
_TEMP_DAY_SIGMA_C, _TEMP_DAY_PHI = 0.7, 0.7  # day-to-day temperature anomaly [°C], [-]
_TEMP_HOUR_SIGMA_C, _TEMP_HOUR_TAU_H = 0.3, 3.0  # hourly noise [°C] and its memory [h]
_WIND_MIN_H, _WIND_MAX_H = 6.5, 17.0  # sea breeze: local hours of min / max wind [h]
_WIND_DIURNAL_AMPLITUDE = 0.47  # half range of the diurnal wind shape, 2.0..5.7 m/s [-]
_WIND_TAU_H = 3.0  # memory of the wind speed fluctuations [h]
_MAX_SYNTHETIC_STEP = _HOUR  # longer steps are generated hourly and averaged


# --------------------------------------------------------------------------- time index


def check_index(index: pd.DatetimeIndex, name: str = "index") -> pd.DatetimeIndex:
    """Refuse an index that is not a non-empty, tz-aware, strictly increasing DatetimeIndex.

    Parameters
    ----------
    index : pandas.DatetimeIndex
        Interval start times.
    name : str
        Name used in error messages.

    Returns
    -------
    pandas.DatetimeIndex
        ``index`` unchanged.

    Raises
    ------
    EnergyError
        If ``index`` is not a DatetimeIndex, is empty, naive, or not strictly increasing.
    """
    if not isinstance(index, pd.DatetimeIndex):
        raise EnergyError(f"{name}: expected a pandas DatetimeIndex, found {type(index).__name__}")
    if len(index) == 0:
        raise EnergyError(f"{name}: expected at least one timestamp, found an empty index")
    if index.tz is None:
        raise EnergyError(
            f"{name}: expected tz-aware timestamps (e.g. America/Lima), "
            f"found naive timestamps starting {index[0]}"
        )
    steps = np.diff(index.asi8)
    if (steps <= 0).any():
        bad = int(np.argmax(steps <= 0)) + 1
        raise EnergyError(
            f"{name}: expected strictly increasing timestamps, "
            f"found {index[bad]} after {index[bad - 1]} (row {bad})"
        )
    return index


def interval_edges(index: pd.DatetimeIndex, end=None) -> pd.DatetimeIndex:
    """Start of every interval plus the end of the last one (``len(index) + 1`` edges).

    Parameters
    ----------
    index : pandas.DatetimeIndex
        Interval start times, tz-aware.
    end : pandas.Timestamp or str, optional
        End of the last interval, tz-aware. Default: ``index[-1] + index.freq`` when the
        index has a frequency, else ``index[-1]`` plus the last step length.

    Returns
    -------
    pandas.DatetimeIndex
        Interval edges in the zone of ``index``.
    """
    index = check_index(index)
    if end is None:
        if index.freq is not None:
            end = index[-1] + index.freq
        elif len(index) >= 2:
            end = index[-1] + (index[-1] - index[-2])
        else:
            raise EnergyError(
                f"index: a single timestamp ({index[0]}) has no step length; "
                "pass end= (the end of the last interval)"
            )
    end = pd.Timestamp(end)
    if end.tzinfo is None:
        raise EnergyError(f"end: expected a tz-aware timestamp, found naive {end}")
    end = end.tz_convert(index.tz)
    if end <= index[-1]:
        raise EnergyError(
            f"end: expected a time after the last timestamp {index[-1]}, found {end}"
        )
    return index.append(pd.DatetimeIndex([end]).as_unit(index.unit))


def interval_midpoints(index: pd.DatetimeIndex, end=None) -> pd.DatetimeIndex:
    """Midpoint of every interval, where solar geometry is evaluated.

    Parameters
    ----------
    index : pandas.DatetimeIndex
        Interval start times, tz-aware.
    end : pandas.Timestamp, optional
        End of the last interval (see :func:`interval_edges`).

    Returns
    -------
    pandas.DatetimeIndex
        Midpoints, in the zone of ``index``.
    """
    edges = interval_edges(index, end)
    return edges[:-1] + (edges[1:] - edges[:-1]) / 2


def step_hours(index: pd.DatetimeIndex, end=None) -> np.ndarray:
    """Length of every interval, ``dt_h``. [h]

    Parameters
    ----------
    index : pandas.DatetimeIndex
        Interval start times, tz-aware.
    end : pandas.Timestamp, optional
        End of the last interval (see :func:`interval_edges`).

    Returns
    -------
    numpy.ndarray
        Step lengths. [h]
    """
    return np.diff(_hours_since(interval_edges(index, end)))


def _hours_since(times: pd.DatetimeIndex, ref: pd.Timestamp | None = None) -> np.ndarray:
    """Hours elapsed from ``ref`` (default: the first time) to every time. [h]"""
    times = times.tz_convert("UTC")
    ref = times[0] if ref is None else pd.Timestamp(ref).tz_convert("UTC")
    return np.asarray((times - ref) / _HOUR, dtype=float)


def _wall_hour(times: pd.DatetimeIndex) -> np.ndarray:
    """Local clock time of day in the zone of ``times``. [h]"""
    return np.asarray(times.hour + times.minute / 60 + times.second / 3600, dtype=float)


def _average_onto(src_edges_h, src_values, dst_edges_h) -> np.ndarray:
    """Interval means of a piecewise-constant series over new intervals.

    Exact for any alignment: finer destination intervals hold the source value,
    coarser ones average (weighted by overlap). Works column-wise on 2-D values.
    """
    values = np.asarray(src_values, dtype=float)
    widths = np.diff(src_edges_h)
    one_d = values.ndim == 1
    values = values.reshape(len(widths), -1)
    cum = np.vstack([np.zeros(values.shape[1]), np.cumsum(values * widths[:, None], axis=0)])
    integral = np.column_stack(
        [np.interp(dst_edges_h, src_edges_h, cum[:, j]) for j in range(values.shape[1])]
    )
    out = np.diff(integral, axis=0) / np.diff(dst_edges_h)[:, None]
    return out[:, 0] if one_d else out


def _month_groups(times: pd.DatetimeIndex) -> np.ndarray:
    """Integer label of the (year, month) of every time, in its own zone."""
    return np.asarray(times.year * 12 + times.month - 1, dtype=int)


def _group_mean(values, weights, groups) -> np.ndarray:
    """Weighted mean of ``values`` within each group, broadcast back to every element."""
    _, inverse = np.unique(groups, return_inverse=True)
    total = np.bincount(inverse, weights=values * weights)
    weight = np.bincount(inverse, weights=weights)
    return (total / np.where(weight > 0, weight, 1.0))[inverse]


# ------------------------------------------------------------------- synthetic weather


def synthetic_weather(
    index: pd.DatetimeIndex,
    *,
    latitude: float,
    longitude: float,
    altitude_m: float,
    ghi_monthly_kwh_m2_day,
    temp_air_monthly_c,
    wind_monthly_m_s,
    weibull_k: float = 2.09,
    seed: int = 0,
    end=None,
) -> pd.DataFrame:
    """Reproducible synthetic weather that follows a monthly climatology.

    Irradiance: pvlib's Ineichen clear sky (with pvlib's Linke turbidity climatology,
    read offline) at interval midpoints, scaled day by day so that each day's GHI is the
    month's climatological mean times a seeded random factor (AR(1) from day to day,
    relative std 0.15, renormalised to mean 1 within each month of the horizon and capped
    at the day's clear-sky GHI). Hence the monthly mean daily GHI equals the climatology
    (up to the midpoint sampling, well under 1 % for steps up to 1 h) and the daily
    factors depend only on the seed and the calendar days, not on the step length. GHI
    is split into DNI and DHI with the Erbs model (:func:`pvlib.irradiance.erbs`), so a
    dull month (Lima's June-September garúa, clearness index about 0.35) comes out
    mostly diffuse. ``GHI = DNI * cos(zenith) + DHI`` with the solar zenith at the
    interval midpoint; all three are zero when the sun is down at the midpoint.

    Air temperature: the monthly mean plus a diurnal cycle (minimum 06:00, maximum 14:30
    local; daily range 1.2 °C per kWh/m^2/day of the month's GHI, i.e. about 7 °C in a
    sunny Lima January and 3.5 °C in the garúa) plus seeded day-to-day and hourly noise
    whose mean is removed within each month.

    Wind at 10 m: the monthly mean times a sea-breeze diurnal shape (minimum about
    06:30, maximum about 17:00 local, factor 0.53..1.47, i.e. 2.1..5.8 m/s at a 3.95 m/s
    mean) times seeded hourly fluctuations (3 h memory) with a Weibull marginal whose
    shape is chosen so that the distribution of all values has Weibull shape
    ``weibull_k``; the fluctuations are rescaled within each month so that the monthly
    mean equals the climatology. Calm spells are not modelled.

    The day and the month of a timestamp are read in the zone of ``index``. Steps
    longer than 1 h are generated hourly and averaged onto the index.

    Parameters
    ----------
    index : pandas.DatetimeIndex
        Interval start times, tz-aware (normally America/Lima).
    latitude, longitude : float
        Site position, north and east positive. [°]
    altitude_m : float
        Site elevation above sea level. [m]
    ghi_monthly_kwh_m2_day : sequence of 12 float
        Mean daily global horizontal irradiation, January to December. [kWh/m^2/day]
    temp_air_monthly_c : sequence of 12 float
        Mean air temperature, January to December. [°C]
    wind_monthly_m_s : sequence of 12 float
        Mean wind speed at 10 m, January to December. [m/s]
    weibull_k : float, default 2.09
        Weibull shape of the distribution of all wind speeds. [-]
    seed : int, default 0
        Seed of the random generator; the same seed gives identical output.
    end : pandas.Timestamp, optional
        End of the last interval (see :func:`interval_edges`).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`WEATHER_COLUMNS` on ``index``.

    Raises
    ------
    EnergyError
        For a naive or unordered index, a climatology that is not 12 finite values in
        range, a month whose GHI exceeds the clear sky, or a bad site or seed.
    """
    edges = interval_edges(index, end)
    _check_site(latitude, longitude, altitude_m)
    ghi_clim = _monthly("ghi_monthly_kwh_m2_day", ghi_monthly_kwh_m2_day, 0.0, 15.0)
    temp_clim = _monthly("temp_air_monthly_c", temp_air_monthly_c, -90.0, 70.0)
    wind_clim = _monthly("wind_monthly_m_s", wind_monthly_m_s, 0.0, 50.0)
    if isinstance(weibull_k, bool) or not isinstance(weibull_k, int | float | np.number) or not (
        np.isfinite(weibull_k) and weibull_k > 0
    ):
        raise EnergyError(f"weibull_k: expected a positive number, found {weibull_k!r}")
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise EnergyError(f"seed: expected a non-negative integer, found {seed!r}")

    dt_h = np.diff(_hours_since(edges))
    if dt_h.max() > _MAX_SYNTHETIC_STEP / _HOUR:
        return _synthetic_via_hourly(
            index, edges, latitude=latitude, longitude=longitude, altitude_m=altitude_m,
            ghi_monthly_kwh_m2_day=ghi_clim, temp_air_monthly_c=temp_clim,
            wind_monthly_m_s=wind_clim, weibull_k=weibull_k, seed=seed,
        )

    rng_sun, rng_temp, rng_wind = (
        np.random.default_rng(s) for s in np.random.SeedSequence(int(seed)).spawn(3)
    )
    location = pvlib.location.Location(latitude, longitude, altitude=altitude_m)
    mid = edges[:-1] + (edges[1:] - edges[:-1]) / 2
    solpos = location.get_solarposition(mid)
    clear_ghi = location.get_clearsky(mid, model="ineichen", solar_position=solpos)["ghi"]

    days = _Days(index)
    ratio = _daily_clearsky_ratio(days, location, ghi_clim, rng_sun)
    ghi = np.asarray(clear_ghi, dtype=float) * ratio[days.number]
    ghi = np.where(np.isfinite(ghi), np.maximum(ghi, 0.0), 0.0)
    split = pvlib.irradiance.erbs(ghi, solpos["zenith"].to_numpy(), mid)
    dni = np.clip(np.nan_to_num(np.asarray(split["dni"], dtype=float)), 0.0, None)
    dhi = np.clip(np.nan_to_num(np.asarray(split["dhi"], dtype=float)), 0.0, None)

    month0 = np.asarray(index.month, dtype=int) - 1
    groups = _month_groups(index)
    local_h = _wall_hour(mid)
    temp = _synthetic_temperature(
        edges, dt_h, days, groups, local_h, temp_clim[month0], ghi_clim[month0], rng_temp
    )
    wind = _synthetic_wind(edges, dt_h, groups, local_h, wind_clim, weibull_k, rng_wind)
    return pd.DataFrame(
        {
            "ghi_w_m2": ghi,
            "dni_w_m2": dni,
            "dhi_w_m2": dhi,
            "temp_air_c": temp,
            "wind_speed_m_s": wind,
        },
        index=index,
    )


def _synthetic_via_hourly(index, edges, **kwargs) -> pd.DataFrame:
    """Generate on an hourly grid spanning ``edges`` and average onto the coarse steps."""
    start = edges[0].floor("h")
    stop = edges[-1].ceil("h")
    hourly = pd.date_range(start, stop, freq="h")
    fine = synthetic_weather(hourly[:-1], end=stop, **kwargs)
    values = _average_onto(_hours_since(hourly), fine.to_numpy(), _hours_since(edges, start))
    return pd.DataFrame(values, index=index, columns=list(WEATHER_COLUMNS))


class _Days:
    """Calendar days (in the zone of the index) covered by a horizon."""

    def __init__(self, index: pd.DatetimeIndex):
        wall = index.tz_localize(None).normalize()
        self.tz = index.tz
        self.first = wall[0]
        self.number = np.asarray((wall - self.first) / pd.Timedelta(days=1), dtype=int)
        self.count = int(self.number[-1]) + 1
        self.dates = self.first + pd.to_timedelta(np.arange(self.count), unit="D")


def _daily_clearsky_ratio(days: _Days, location, ghi_clim, rng) -> np.ndarray:
    """Per-day ratio of synthetic to clear-sky GHI. [-]"""
    clear_kwh = _daily_clearsky_kwh_m2(days, location)
    factor = 1.0 + _DAY_SIGMA * _ar1(rng.standard_normal(days.count), _DAY_PHI)
    factor = np.maximum(factor, 0.2)
    months = np.asarray(days.dates.month, dtype=int)
    groups = np.asarray(days.dates.year * 12 + months - 1, dtype=int)
    target = np.empty(days.count)
    for group in np.unique(groups):
        sel = groups == group
        month = int(months[sel][0])
        target[sel] = _fit_month(
            factor[sel], ghi_clim[month - 1], _DAILY_CLEARSKY_CAP * clear_kwh[sel], month
        )
    return np.divide(target, clear_kwh, out=np.zeros(days.count), where=clear_kwh > 0)


def _daily_clearsky_kwh_m2(days: _Days, location) -> np.ndarray:
    """Clear-sky GHI of every whole day, from 15-min midpoints. [kWh/m^2/day]"""
    offsets = pd.to_timedelta((np.arange(96) + 0.5) * 15, unit="min")
    wall = pd.DatetimeIndex(np.repeat(days.dates.to_numpy(), 96)) + np.tile(offsets, days.count)
    times = wall.tz_localize(days.tz, ambiguous="NaT", nonexistent="NaT")
    ok = ~times.isna()
    ghi = np.zeros(len(times))
    ghi[ok] = location.get_clearsky(times[ok], model="ineichen")["ghi"].to_numpy()
    return ghi.reshape(days.count, 96).sum(axis=1) * 0.25 / 1000.0


def _fit_month(factor, mean_kwh, cap_kwh, month: int) -> np.ndarray:
    """Daily GHI with the given monthly mean, shaped by ``factor``, capped at the clear sky."""
    if mean_kwh == 0:
        return np.zeros_like(factor)
    if mean_kwh > cap_kwh.mean() * (1 - 1e-9):
        raise EnergyError(
            f"ghi_monthly_kwh_m2_day: month {month} asks for {mean_kwh:.2f} kWh/m2/day, "
            f"expected at most the clear-sky {cap_kwh.mean():.2f} kWh/m2/day at this site"
        )
    daily = factor * (mean_kwh / factor.mean())
    for _ in range(100):
        over = daily > cap_kwh
        if not over.any():
            break
        excess = (daily[over] - cap_kwh[over]).sum()
        daily[over] = cap_kwh[over]
        room = np.maximum(cap_kwh - daily, 0.0)
        daily += excess * room / room.sum()
    return daily


def _synthetic_temperature(edges, dt_h, days, groups, local_h, mean_c, ghi_kwh, rng):
    """Air temperature: monthly mean + diurnal cycle + noise with zero monthly mean. [°C]"""
    diurnal = 0.5 * _TEMP_RANGE_C_PER_KWH * ghi_kwh * _diurnal_shape(
        local_h, _TEMP_MIN_H, _TEMP_MAX_H
    )
    day_noise = _TEMP_DAY_SIGMA_C * _ar1(rng.standard_normal(days.count), _TEMP_DAY_PHI)
    hour_noise = _TEMP_HOUR_SIGMA_C * _hourly_noise(edges, rng, _TEMP_HOUR_TAU_H)
    noise = day_noise[days.number] + hour_noise
    noise -= _group_mean(noise, dt_h, groups)
    return mean_c + diurnal + noise


def _synthetic_wind(edges, dt_h, groups, local_h, wind_clim, weibull_k, rng):
    """Wind at 10 m: monthly mean x sea-breeze shape x Weibull fluctuations. [m/s]"""
    month0 = np.asarray(edges[:-1].month, dtype=int) - 1
    deterministic = wind_clim[month0] * _wind_shape(local_h)
    # calibrate the fluctuations on an hourly grid so the result does not depend on dt
    grid = _hourly_grid(edges)
    grid_mid = grid[:-1] + pd.Timedelta(minutes=30)
    grid_mid = grid_mid.tz_convert(edges.tz)
    grid_det = wind_clim[np.asarray(grid_mid.month) - 1] * _wind_shape(_wall_hour(grid_mid))
    k_noise = _fluctuation_shape(grid_det, weibull_k)
    uniform = np.clip(ndtr(_ar1(rng.standard_normal(len(grid) - 1), np.exp(-1 / _WIND_TAU_H))),
                      1e-12, 1 - 1e-12)
    fluct = (-np.log1p(-uniform)) ** (1 / k_noise) / _gamma(1 + 1 / k_noise)
    fluct = _average_onto(_hours_since(grid), fluct, _hours_since(edges, grid[0]))
    # monthly means of the result equal those of the deterministic part
    fluct *= _group_mean(deterministic, dt_h, groups) / np.maximum(
        _group_mean(deterministic * fluct, dt_h, groups), 1e-12
    )
    return np.maximum(deterministic * fluct, 0.0)


def _wind_shape(local_h) -> np.ndarray:
    """Sea-breeze diurnal factor, mean 1 over a day. [-]"""
    return 1.0 + _WIND_DIURNAL_AMPLITUDE * _diurnal_shape(local_h, _WIND_MIN_H, _WIND_MAX_H)


def _diurnal_shape(local_h, h_min: float, h_max: float) -> np.ndarray:
    """Piecewise cosine: -1 at ``h_min``, +1 at ``h_max``, daily mean 0. [-]"""
    rise_len = (h_max - h_min) % 24
    since_min = (np.asarray(local_h, dtype=float) - h_min) % 24
    rising = since_min < rise_len
    return np.where(
        rising,
        -np.cos(np.pi * since_min / rise_len),
        np.cos(np.pi * (since_min - rise_len) / (24 - rise_len)),
    )


def _fluctuation_shape(deterministic, weibull_k: float) -> float:
    """Weibull shape of mean-1 fluctuations that give all values the shape ``weibull_k``."""

    def cv(k):
        return np.sqrt(_gamma(1 + 2 / k) / _gamma(1 + 1 / k) ** 2 - 1)

    m1 = float(np.mean(deterministic))
    m2 = float(np.mean(np.square(deterministic)))
    if m1 <= 0:
        return weibull_k
    cv2 = (1 + cv(weibull_k) ** 2) * m1**2 / m2 - 1
    target = np.sqrt(max(cv2, 0.01))
    return float(brentq(lambda k: cv(k) - target, 0.3, 100.0))


def _hourly_grid(edges: pd.DatetimeIndex) -> pd.DatetimeIndex:
    """Whole UTC hours spanning ``edges`` (the noise grid, independent of the step)."""
    start = edges[0].tz_convert("UTC").floor("h")
    stop = edges[-1].tz_convert("UTC").ceil("h")
    return pd.date_range(start, stop, freq="h")


def _hourly_noise(edges, rng, tau_h: float) -> np.ndarray:
    """Unit-variance AR(1) noise on whole hours, averaged onto the intervals."""
    grid = _hourly_grid(edges)
    noise = _ar1(rng.standard_normal(len(grid) - 1), np.exp(-1 / tau_h))
    return _average_onto(_hours_since(grid), noise, _hours_since(edges, grid[0]))


def _ar1(innovations, phi: float) -> np.ndarray:
    """Stationary unit-variance AR(1) series driven by standard normal ``innovations``."""
    scale = np.sqrt(1 - phi**2)
    out, _ = lfilter([scale], [1.0, -phi], innovations, zi=[(1 - scale) * innovations[0]])
    return out


def _check_site(latitude, longitude, altitude_m) -> None:
    """Refuse coordinates out of range."""
    for name, value, lo, hi in (
        ("latitude", latitude, -90, 90),
        ("longitude", longitude, -180, 180),
        ("altitude_m", altitude_m, -500, 9000),
    ):
        if not (isinstance(value, int | float | np.number) and lo <= value <= hi):
            raise EnergyError(f"{name}: expected a number in {lo}..{hi}, found {value!r}")


def _monthly(name: str, values, lo: float, hi: float) -> np.ndarray:
    """Twelve finite monthly values within ``lo..hi``, as an array."""
    try:
        arr = np.asarray(values, dtype=float).reshape(-1)
    except (TypeError, ValueError) as exc:
        raise EnergyError(f"{name}: expected 12 numbers (Jan..Dec), found {values!r}") from exc
    if arr.size != 12:
        raise EnergyError(f"{name}: expected 12 monthly values (Jan..Dec), found {arr.size}")
    bad = ~np.isfinite(arr) | (arr < lo) | (arr > hi)
    if bad.any():
        month = int(np.argmax(bad)) + 1
        raise EnergyError(
            f"{name}: expected values in {lo:g}..{hi:g}, found {arr[month - 1]!r} "
            f"for month {month}"
        )
    return arr


# ------------------------------------------------------------------------ weather files


def read_weather_file(path, *, fmt: str = "auto", index: pd.DatetimeIndex, end=None):
    """Read an EPW, TMY3 or PVGIS TMY file onto the model's time index.

    The file is parsed by :mod:`pvlib.iotools` (:func:`~pvlib.iotools.read_epw`,
    :func:`~pvlib.iotools.read_tmy3`, :func:`~pvlib.iotools.read_pvgis_tmy`); then:

    * Interval labels: a record is placed on the hour it covers, labelled by its
      start. EPW hour ``h`` covers ``h-1..h`` and pvlib already labels it ``h-1``;
      TMY3 ``HH:00`` also covers the preceding hour but pvlib keeps the end label, so
      it is moved back 1 h here; PVGIS ``time(UTC)`` ``HH:00`` is taken as the start of
      the hour it describes (ERA5-based PVGIS data are hourly means centred at
      ``HH:30``; SARAH-based ones are instantaneous near ``HH:10``, see
      ``irradiance_time_offset_h`` in the metadata). Temperature and wind move with
      the irradiance of their record.
    * Time zones: records are in the file's standard time (EPW/TMY3: the UTC offset of
      the header; PVGIS: UTC) and are moved to real time before they meet the model
      index, so a UTC file read for a UTC-5 model is shifted by 5 h.
    * Typical years mix years: each hour of the model horizon (in the file's zone) takes
      the record with the same (month, day, hour), whatever the file's year; the ends
      of the year wrap around (the model's last evening of December may use the
      file's 1 January in UTC). On 29 February the file's 29 February is used if
      present, else its 28 February (TMY3 leap-day records are dropped, because pvlib
      moves them onto 1 March).
    * Resolution: each record is constant over its hour. A finer model step holds the
      value of the hour it lies in; a coarser step takes the mean of the hours it covers
      (overlap-weighted, so odd zone offsets and irregular steps are exact).

    Wind speed of all three formats is at 10 m (:data:`WIND_MEASUREMENT_HEIGHT_M`).

    Parameters
    ----------
    path : str or pathlib.Path
        The weather file.
    fmt : {"auto", "epw", "tmy3", "pvgis_tmy"}
        File format; ``"auto"`` guesses from the content (then the extension). PVGIS TMY
        files may be JSON, CSV or EPW as downloaded from PVGIS.
    index : pandas.DatetimeIndex
        Model interval start times, tz-aware.
    end : pandas.Timestamp, optional
        End of the last interval (see :func:`interval_edges`).

    Returns
    -------
    data : pandas.DataFrame
        Columns :data:`WEATHER_COLUMNS` on ``index``.
    metadata : dict
        ``latitude``, ``longitude`` [°], ``altitude_m`` [m], ``tz_offset_h`` (UTC offset
        of the file's timestamps) [h], ``source`` (the format read), ``path``, ``name``
        (station or site name when the file gives one), ``notes`` (list of str, e.g. a
        29 February taken from 28 February) and, for PVGIS files that state it,
        ``irradiance_time_offset_h`` [h].

    Raises
    ------
    EnergyError
        If the file is missing or unreadable, lacks a needed column, holds values out of
        range (missing-data markers such as 9999 are not filled in), or has no record
        for an hour of the model horizon.
    """
    edges = interval_edges(index, end)
    path = Path(path)
    _check_weather_file(path)
    fmt = _resolve_format(path, fmt)
    reader = {"epw": _read_epw, "tmy3": _read_tmy3, "pvgis_tmy": _read_pvgis_tmy}[fmt]
    records, meta = reader(path)
    grid, values = _typical_year_hours(records, edges, path, meta["tz_offset_h"])
    meta["notes"] = _leap_day_note(records, edges, path, meta["tz_offset_h"])
    data = _average_onto(_hours_since(grid), values, _hours_since(edges, grid[0]))
    return pd.DataFrame(data, index=index, columns=list(WEATHER_COLUMNS)), meta


def _check_weather_file(path: Path) -> None:
    """A weather file that exists, is a file, is not empty and holds text."""
    if path.is_dir():
        raise EnergyError(f"weather file {path}: is a folder; expected an EPW, TMY3 or PVGIS TMY file")
    if not path.is_file():
        raise EnergyError(
            f"weather file {path}: not found (expected an EPW, TMY3 or PVGIS TMY file)"
        )
    try:
        with path.open("rb") as fh:
            head = fh.read(65536)
    except OSError as exc:
        raise EnergyError(f"weather file {path}: cannot be opened ({exc.strerror or exc})") from None
    if not head.strip():
        raise EnergyError(f"weather file {path}: is empty; expected an EPW, TMY3 or PVGIS TMY file")
    if b"\x00" in head:
        raise EnergyError(
            f"weather file {path}: binary content, not text; expected an EPW, TMY3 or PVGIS TMY file"
        )


def _resolve_format(path: Path, fmt: str) -> str:
    """The format to read: ``fmt`` itself, or a guess from content and extension."""
    if fmt in WEATHER_FORMATS:
        return fmt
    if fmt != "auto":
        raise EnergyError(
            f"weather file {path}: format {fmt!r} is unknown; expected one of "
            f"auto, {', '.join(WEATHER_FORMATS)}"
        )
    head = _head(path)
    first = head[0].lstrip("\ufeff").strip() if head else ""
    if first.upper().startswith("LOCATION"):
        return "epw"
    if first.startswith("{") or first.startswith("Latitude (decimal degrees)"):
        return "pvgis_tmy"
    if len(head) > 1 and head[1].startswith("Date (MM/DD/YYYY)"):
        return "tmy3"
    suffix = path.suffix.lower()
    if suffix == ".epw":
        return "epw"
    if suffix == ".json":
        return "pvgis_tmy"
    raise EnergyError(
        f"weather file {path}: cannot tell the format from its first lines; expected an EPW, "
        f"TMY3 or PVGIS TMY file, or [weather] format = one of {', '.join(WEATHER_FORMATS)}"
    )


def _head(path: Path, lines: int = 2) -> list[str]:
    """First lines of a text file ([] if it cannot be read as text)."""
    try:
        with path.open("r", encoding="utf-8", errors="replace") as fh:
            return [fh.readline() for _ in range(lines)]
    except OSError as exc:
        raise EnergyError(f"weather file {path}: cannot be opened ({exc})") from exc


def _call_reader(func, path: Path, what: str, **kwargs):
    """Run a pvlib reader; turn any failure into an EnergyError naming the file."""
    try:
        return func(str(path), **kwargs)
    except Exception as exc:  # a third-party parser on a user's file: any failure is theirs
        if isinstance(exc, KeyError):
            detail = f"field {exc.args[0]!r} missing" if exc.args else "a field is missing"
        elif isinstance(exc, UnicodeDecodeError):
            detail = f"not UTF-8 text ({exc.reason} at byte {exc.start})"
        else:
            text = " ".join(str(exc).split())
            detail = f"{type(exc).__name__}{': ' + text[:200] if text else ''}"
        noun = what.split(" ", 1)[1] if what.startswith(("a ", "an ")) else what
        raise EnergyError(
            f"weather file {path}: cannot be read as {what} ({detail}); expected a well-formed {noun}"
        ) from exc


def _check_first_line(path: Path, what: str, ok, expected: str) -> None:
    """Refuse a file whose first line is not what its format starts with."""
    head = _head(path, 1)
    first = head[0].lstrip("\ufeff").strip() if head else ""
    if not ok(first):
        shown = first if len(first) <= 40 else first[:37] + "..."
        raise EnergyError(
            f"weather file {path}: cannot be read as {what}; expected {expected}, found {shown!r}"
        )


def _canonical(data: pd.DataFrame, path: Path, what: str, lines=None) -> pd.DataFrame:
    """Keep the needed pvlib columns under canonical names; check their values."""
    missing = [name for name in _PVLIB_TO_CANONICAL if name not in data.columns]
    if missing:
        raise EnergyError(
            f"weather file {path}: {what} lacks the column(s) {', '.join(missing)} "
            "(pvlib names); expected ghi, dni, dhi, temp_air and wind_speed"
        )
    out = data[list(_PVLIB_TO_CANONICAL)].rename(columns=_PVLIB_TO_CANONICAL)
    out = out.apply(pd.to_numeric, errors="coerce")
    for column, (lo, hi) in _VALID_RANGE.items():
        values = out[column]
        bad = values.isna() | (values < lo) | (values > hi)
        if bad.any():
            pos = int(np.argmax(bad.to_numpy()))
            raw = data[_CANONICAL_TO_PVLIB[column]].iloc[pos]
            found = "an empty or non-numeric value" if pd.isna(values.iloc[pos]) else f"{float(values.iloc[pos]):g}"
            if pd.isna(values.iloc[pos]) and isinstance(raw, str) and raw.strip():
                found = repr(raw.strip())
            where = f"row {int(lines[pos])} ({values.index[pos]})" if lines is not None else f"{values.index[pos]}"
            raise EnergyError(
                f"weather file {path}: column {column} has {int(bad.sum())} missing or "
                f"out-of-range value(s), first at {where}: expected {lo:g}..{hi:g}, found {found} "
                f"(missing-data markers are not filled in)"
            )
    irradiance = ["ghi_w_m2", "dni_w_m2", "dhi_w_m2"]
    out[irradiance] = out[irradiance].clip(lower=0.0)
    return out


def _file_zone(offset_h: float) -> _dt.timezone:
    """Fixed-offset zone of a file's standard time."""
    return _dt.timezone(_dt.timedelta(hours=float(offset_h)))


def _meta(path, source, latitude, longitude, altitude, tz_offset_h, name="") -> dict:
    """The metadata dict returned by :func:`read_weather_file`."""
    return {
        "latitude": float(latitude),
        "longitude": float(longitude),
        "altitude_m": float(altitude),
        "tz_offset_h": float(tz_offset_h),
        "source": source,
        "path": str(path),
        "name": str(name).strip().strip('"'),
    }


def _read_epw(path: Path, source: str = "epw"):
    """EPW records, start-labelled (pvlib labels hour h as h-1), plus metadata."""
    _check_first_line(path, "an EPW file", lambda first: first.upper().startswith("LOCATION"),
                      "a first line starting with LOCATION")
    data, meta = _call_reader(pvlib.iotools.read_epw, path, "an EPW file")
    return _canonical(data, path, "the EPW file", lines=np.arange(9, 9 + len(data))), _meta(
        path, source, meta["latitude"], meta["longitude"], meta["altitude"], meta["TZ"],
        meta.get("city", ""),
    )


def _read_tmy3(path: Path):
    """TMY3 records, moved from pvlib's end labels to start labels, plus metadata."""
    head = _head(path, 2)
    if len(head) < 2 or not head[1].startswith("Date (MM/DD/YYYY)"):
        shown = head[1].strip()[:37] if len(head) > 1 else ""
        raise EnergyError(
            f"weather file {path}: cannot be read as a TMY3 file; expected a site line and then a "
            f"header line starting 'Date (MM/DD/YYYY)', found {shown!r} on line 2"
        )
    data, meta = _call_reader(pvlib.iotools.read_tmy3, path, "a TMY3 file", map_variables=True)
    date_col = "Date (MM/DD/YYYY)"
    data = data.assign(_line=np.arange(3, 3 + len(data)))
    if date_col in data.columns:
        data = data[~data[date_col].astype(str).str.startswith("02/29")]
    data = data.set_axis(data.index - _HOUR)
    return _canonical(data, path, "the TMY3 file", lines=data["_line"].to_numpy()), _meta(
        path, "tmy3", meta["latitude"], meta["longitude"], meta["altitude"], meta["TZ"],
        meta.get("Name", ""),
    )


def _read_pvgis_tmy(path: Path):
    """PVGIS TMY records (JSON, CSV or EPW), UTC and start-labelled, plus metadata."""
    head = _head(path, 1)
    first = head[0].lstrip("\ufeff").strip() if head else ""
    if first.upper().startswith("LOCATION"):
        return _read_epw(path, source="pvgis_tmy")
    sub = "json" if first.startswith("{") else "csv"
    data, meta = _call_reader(
        pvlib.iotools.read_pvgis_tmy, path, f"a PVGIS TMY {sub.upper()} file", pvgis_format=sub
    )
    inputs = meta.get("inputs", {})
    location = inputs.get("location", inputs)
    info = _meta(
        path, "pvgis_tmy", location.get("latitude", np.nan), location.get("longitude", np.nan),
        location.get("elevation", np.nan), 0.0, "PVGIS TMY",
    )
    offset = inputs.get("irradiance time offset")
    if offset is not None:
        info["irradiance_time_offset_h"] = float(offset)
    return _canonical(data, path, f"the PVGIS TMY {sub.upper()} file"), info


def _typical_year_hours(records: pd.DataFrame, edges, path: Path, tz_offset_h: float):
    """Hourly values over the model horizon, looked up by (month, day, hour) in file time.

    Returns the hourly grid edges (file zone) and an array of shape (hours, columns).
    """
    zone = _file_zone(tz_offset_h)
    local = records.index.tz_convert(zone)
    if ((local.minute != 0) | (local.second != 0)).any():
        first = local[(local.minute != 0) | (local.second != 0)][0]
        raise EnergyError(
            f"weather file {path}: expected hourly records on the hour, found one at {first}"
        )
    keys = _mdh_key(local)
    duplicated = pd.Index(keys).duplicated()
    if duplicated.any():
        first = local[duplicated][0]
        raise EnergyError(
            f"weather file {path}: expected one record per hour of the year, found a "
            f"second record for {first:%m-%d %H}:00"
        )
    table = pd.DataFrame(records.to_numpy(), index=keys, columns=records.columns)

    start = edges[0].tz_convert(zone).floor("h")
    stop = edges[-1].tz_convert(zone).ceil("h")
    grid = pd.date_range(start, stop, freq="h")
    hours = grid[:-1]
    wanted = _mdh_key(hours)
    if not ((local.month == 2) & (local.day == 29)).any():
        feb29 = (hours.month == 2) & (hours.day == 29)
        wanted = np.where(feb29, wanted - 100, wanted)  # day 29 -> day 28
    pos = table.index.get_indexer(wanted)
    if (pos < 0).any():
        first = hours[pos < 0][0]
        raise EnergyError(
            f"weather file {path}: no record for {first:%m-%d %H}:00 "
            f"(file time, UTC{tz_offset_h:+g} h); expected a record for every hour of the model "
            f"horizon {edges[0]} .. {edges[-1]} (the file has {len(table)} hourly records)"
        )
    return grid, table.to_numpy(dtype=float)[pos]


def _leap_day_note(records: pd.DataFrame, edges, path: Path, tz_offset_h: float) -> list[str]:
    """A note when the horizon has a 29 February that the file lacks (28 February is used)."""
    zone = _file_zone(tz_offset_h)
    local = records.index.tz_convert(zone)
    if ((local.month == 2) & (local.day == 29)).any():
        return []
    span = pd.date_range(edges[0].tz_convert(zone).floor("h"), edges[-1].tz_convert(zone), freq="h")
    if ((span.month == 2) & (span.day == 29)).any():
        return [f"{path.name}: no 29 February in the file; the horizon's 29 February uses its 28 February"]
    return []


def _mdh_key(times: pd.DatetimeIndex) -> np.ndarray:
    """Integer key month*10000 + day*100 + hour of every time (its own zone)."""
    return np.asarray(times.month * 10000 + times.day * 100 + times.hour, dtype=int)
