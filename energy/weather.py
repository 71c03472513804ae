"""Synthetic site weather on the model's time index: pvlib clear sky scaled to a climatology.

:func:`synthetic_weather` (and :func:`energy.weatherfile.read_weather_file`, which reads
EPW, TMY3 and PVGIS files) return one DataFrame on the model index with the canonical
columns :data:`WEATHER_COLUMNS`:

====================  ===========================================================
column                meaning
====================  ===========================================================
``ghi_w_m2``          global horizontal irradiance, interval mean [W/m^2]
``dni_w_m2``          direct normal irradiance, interval mean [W/m^2]
``dhi_w_m2``          diffuse horizontal irradiance, interval mean [W/m^2]
``temp_air_c``        air temperature (about 2 m) [°C]
``wind_speed_m_s``    wind speed at the 10 m measurement height [m/s]
====================  ===========================================================

Time rules are those of :mod:`energy.timegrid`: a timestamp labels the start of its
interval, and solar geometry is evaluated at interval midpoints.

The synthetic model
-------------------
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
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pvlib
from scipy.optimize import brentq
from scipy.special import gamma as _gamma
from scipy.special import ndtr

from energy.errors import EnergyError
from energy.timegrid import (
    HOUR,
    average_onto,
    hours_since,
    interval_edges,
    local_hour,
    midpoints_of,
    months_of,
)

WEATHER_COLUMNS = ("ghi_w_m2", "dni_w_m2", "dhi_w_m2", "temp_air_c", "wind_speed_m_s")
"""Canonical weather columns, in order."""

WIND_MEASUREMENT_HEIGHT_M = 10.0
"""Height of ``wind_speed_m_s`` in every weather frame made here. [m]"""

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
_MAX_SYNTHETIC_STEP = HOUR  # longer steps are generated hourly and averaged


# --------------------------------------------------------------------------- time helpers


def _group_mean(values, weights, groups) -> np.ndarray:
    """Weighted mean of ``values`` within each group, broadcast back to every element."""
    _, inverse = np.unique(groups, return_inverse=True)
    total = np.bincount(inverse, weights=values * weights)
    weight = np.bincount(inverse, weights=weights)
    return (total / np.where(weight > 0, weight, 1.0))[inverse]


# --------------------------------------------------------------------------- synthetic weather
def _check_synthetic_args(latitude, longitude, altitude_m, ghi, temp, wind, weibull_k, seed):
    """The site, the three climatologies (as arrays), the Weibull shape and the seed, checked."""
    _check_site(latitude, longitude, altitude_m)
    ghi_clim = _monthly("ghi_monthly_kwh_m2_day", ghi, 0.0, 15.0)
    temp_clim = _monthly("temp_air_monthly_c", temp, -90.0, 70.0)
    wind_clim = _monthly("wind_monthly_m_s", wind, 0.0, 50.0)
    if isinstance(weibull_k, bool) or not isinstance(weibull_k, int | float | np.number) or not (
        np.isfinite(weibull_k) and weibull_k > 0
    ):
        raise EnergyError(f"weibull_k: expected a positive number, found {weibull_k!r}")
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise EnergyError(f"seed: expected a non-negative integer, found {seed!r}")
    return ghi_clim, temp_clim, wind_clim


def _synthetic_irradiance(location, mid: pd.DatetimeIndex, days: _Days, ghi_clim, rng):
    """GHI (clear sky x daily ratio), DNI and DHI (Erbs) at the interval midpoints. [W/m^2]"""
    solpos = location.get_solarposition(mid)
    clear_ghi = location.get_clearsky(mid, model="ineichen", solar_position=solpos)["ghi"]
    ratio = _daily_clearsky_ratio(days, location, ghi_clim, rng)
    ghi = np.asarray(clear_ghi, dtype=float) * ratio[days.number]
    ghi = np.where(np.isfinite(ghi), np.maximum(ghi, 0.0), 0.0)
    split = pvlib.irradiance.erbs(ghi, solpos["zenith"].to_numpy(), mid)
    dni = np.clip(np.nan_to_num(np.asarray(split["dni"], dtype=float)), 0.0, None)
    dhi = np.clip(np.nan_to_num(np.asarray(split["dhi"], dtype=float)), 0.0, None)
    return ghi, dni, dhi


def synthetic_weather(
    index: pd.DatetimeIndex, *, latitude: float, longitude: float, altitude_m: float,
    ghi_monthly_kwh_m2_day, temp_air_monthly_c, wind_monthly_m_s, weibull_k: float = 2.09,
    seed: int = 0, end=None,
) -> pd.DataFrame:
    """Reproducible synthetic weather that follows a monthly climatology.

    The model is described in this module's docstring (*The synthetic model*).

    The day and the month of a timestamp are read in the zone of ``index``. Steps
    longer than 1 h are generated hourly and averaged onto the index.

    Parameters
    ----------
    index : pandas.DatetimeIndex
        Interval start times, tz-aware (normally America/Lima).
    latitude, longitude, altitude_m : float
        Site position, north and east positive [°], and elevation above sea level. [m]
    ghi_monthly_kwh_m2_day, temp_air_monthly_c, wind_monthly_m_s : sequence of 12 float
        Monthly means, January to December: daily global horizontal irradiation
        [kWh/m^2/day], air temperature [°C] and wind speed at 10 m [m/s].
    weibull_k : float, default 2.09
        Weibull shape of the distribution of all wind speeds. [-]
    seed : int, default 0
        Seed of the random generator; the same seed gives identical output.
    end : pandas.Timestamp, optional
        End of the last interval (see :func:`energy.timegrid.interval_edges`).

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
    ghi_clim, temp_clim, wind_clim = _check_synthetic_args(
        latitude, longitude, altitude_m, ghi_monthly_kwh_m2_day, temp_air_monthly_c, wind_monthly_m_s,
        weibull_k, seed)
    dt_h = np.diff(hours_since(edges))
    if dt_h.max() > _MAX_SYNTHETIC_STEP / HOUR:
        return _synthetic_via_hourly(
            index, edges, latitude=latitude, longitude=longitude, altitude_m=altitude_m,
            ghi_monthly_kwh_m2_day=ghi_clim, temp_air_monthly_c=temp_clim,
            wind_monthly_m_s=wind_clim, weibull_k=weibull_k, seed=seed,
        )
    rng_sun, rng_temp, rng_wind = (
        np.random.default_rng(s) for s in np.random.SeedSequence(int(seed)).spawn(3)
    )
    location = pvlib.location.Location(latitude, longitude, altitude=altitude_m)
    mid = midpoints_of(edges)
    days = _Days(index)
    ghi, dni, dhi = _synthetic_irradiance(location, mid, days, ghi_clim, rng_sun)
    month0 = np.asarray(index.month, dtype=int) - 1
    groups = months_of(index)[0]
    local_h = local_hour(mid)
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
    values = average_onto(hours_since(hourly), fine.to_numpy(), hours_since(edges, start))
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
    codes, months = months_of(days.dates)
    target = np.empty(days.count)
    for group, period in enumerate(months):
        sel = codes == group
        month = int(period.month)
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
    grid_det = wind_clim[np.asarray(grid_mid.month) - 1] * _wind_shape(local_hour(grid_mid))
    k_noise = _fluctuation_shape(grid_det, weibull_k)
    uniform = np.clip(ndtr(_ar1(rng.standard_normal(len(grid) - 1), np.exp(-1 / _WIND_TAU_H))),
                      1e-12, 1 - 1e-12)
    fluct = (-np.log1p(-uniform)) ** (1 / k_noise) / _gamma(1 + 1 / k_noise)
    fluct = average_onto(hours_since(grid), fluct, hours_since(edges, grid[0]))
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
    return average_onto(hours_since(grid), noise, hours_since(edges, grid[0]))


def _ar1(innovations, phi: float) -> np.ndarray:
    """Stationary unit-variance AR(1) series driven by standard normal ``innovations``."""
    x = np.asarray(innovations, dtype=float).tolist()
    if not x:
        return np.empty(0)
    scale, phi = float(np.sqrt(1 - phi**2)), float(phi)
    # y[0] = x[0], y[n] = scale x[n] + phi y[n-1]: the first-order recursion
    # scipy.signal.lfilter([scale], [1, -phi], x, zi=[(1 - scale) x[0]]) computes, bit for
    # bit (checked by tests/test_weather.py); a loop over the hourly noise grid takes
    # ~1.5 ms a year, where importing scipy.signal took 0.27 s of every cold run
    y = scale * x[0] + (1 - scale) * x[0]
    out = [y]
    for v in x[1:]:
        y = scale * v + phi * y
        out.append(y)
    return np.array(out)


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
