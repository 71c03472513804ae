"""AC power of a fixed-tilt PV array from site weather, with pvlib (PVWatts chain).

The chain is pvlib's PVWatts one (as ``pvlib.modelchain.ModelChain.with_pvwatts``):
solar position at interval midpoints -> transposition to the plane of array (Perez by
default) -> beam incidence-angle loss (physical IAM) -> SAPM cell temperature ->
PVWatts DC power -> flat system losses -> PVWatts inverter with AC clipping.

In detail, :func:`pv_ac_power_kw` runs :func:`pvlib.solarposition.get_solarposition`
(refraction with the air temperature) -> :func:`pvlib.irradiance.get_total_irradiance`
with ``dni_extra`` and the Kasten-Young relative air mass of the apparent zenith -> beam
times :func:`pvlib.iam.physical` (if ``iam``) plus sky and ground diffuse ->
:func:`pvlib.temperature.sapm_cell` on the plane-of-array irradiance with the 10 m wind
-> :func:`pvlib.pvsystem.pvwatts_dc` with ``pdc0 = capacity_kwp`` -> ``(1 -
losses_pct/100)`` -> :func:`pvlib.inverter.pvwatts` with an AC nameplate of
``capacity_kwp / dc_ac_ratio`` (pvlib's inverter ``pdc0`` is that divided by
:data:`INVERTER_NOMINAL_EFFICIENCY`), so output above the nameplate is clipped.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pvlib

from energy.errors import EnergyError, echo
from energy.timegrid import check_index, interval_midpoints
from energy.weather import WEATHER_COLUMNS

TEMPERATURE_MODELS = tuple(pvlib.temperature.TEMPERATURE_MODEL_PARAMETERS["sapm"])
"""Names of pvlib's SAPM cell-temperature parameter sets."""

TRANSPOSITION_MODELS = ("isotropic", "klucher", "haydavies", "reindl", "king", "perez")
"""Sky-diffuse models of :func:`pvlib.irradiance.get_total_irradiance`."""

INVERTER_NOMINAL_EFFICIENCY = 0.96
"""PVWatts nominal inverter efficiency ``eta_inv_nom``. [-]"""


def pv_ac_power_kw(
    weather: pd.DataFrame, *, latitude: float, longitude: float, altitude_m: float,
    capacity_kwp: float, tilt_deg: float, azimuth_deg: float, dc_ac_ratio: float = 1.2,
    losses_pct: float = 14.0, gamma_pdc_per_c: float = -0.0035, albedo: float = 0.2,
    temperature_model: str = "open_rack_glass_polymer", transposition_model: str = "perez",
    iam: bool = True, end=None, sun_shift_h: float = 0.0,
) -> pd.Series:
    """AC power a fixed PV array can deliver, interval means on the weather's index.

    Solar geometry is taken at interval midpoints (the index labels interval starts);
    the chain's steps are in this module's docstring.

    Parameters
    ----------
    weather : pandas.DataFrame
        Columns ``ghi_w_m2``, ``dni_w_m2``, ``dhi_w_m2`` [W/m^2], ``temp_air_c`` [°C] and
        ``wind_speed_m_s`` (at 10 m) [m/s] on a tz-aware index of interval starts, as made
        by :mod:`energy.weather`.
    latitude, longitude, altitude_m : float
        Site position, north and east positive [°], and elevation above sea level. [m]
    capacity_kwp : float
        DC nameplate capacity at STC, >= 0. [kWp]
    tilt_deg, azimuth_deg : float
        Module tilt from horizontal, 0..90, and the direction the modules face, pvlib
        convention (0 = north, 90 = east, 180 = south), 0..360; south of the equator
        (Chancay) north-facing (0) is best. [°]
    dc_ac_ratio : float, default 1.2
        DC nameplate over inverter AC nameplate, > 0. [-]
    losses_pct : float, default 14.0
        DC system losses (soiling, wiring, mismatch, availability...), 0..100. [%]
    gamma_pdc_per_c : float, default -0.0035
        Temperature coefficient of DC power. [1/°C]
    albedo : float, default 0.2
        Ground reflectance, 0..1. [-]
    temperature_model : str, default "open_rack_glass_polymer"
        A SAPM parameter set of ``pvlib.temperature.TEMPERATURE_MODEL_PARAMETERS['sapm']``.
    transposition_model : str, default "perez"
        Sky-diffuse model, one of :data:`TRANSPOSITION_MODELS`.
    iam : bool, default True
        Apply the physical incidence-angle modifier to the beam component.
    end : pandas.Timestamp, optional
        End of the last interval (default: see :func:`energy.timegrid.interval_edges`).
    sun_shift_h : float, default 0.0
        Solar geometry at the interval midpoints plus this: for irradiance measured at
        another instant than the middle of its interval (a PVGIS SARAH value at ``HH:00 +
        offset``: :func:`energy.weatherfile.sun_shift_h`), -1..1. [h]

    Returns
    -------
    pandas.Series
        ``pv_kw``: AC power, >= 0 and <= ``capacity_kwp / dc_ac_ratio``, on the weather's
        index. [kW]

    Raises
    ------
    EnergyError
        For a parameter out of range (named in the message), a naive index, or missing
        weather columns.
    """
    _check_parameters(
        capacity_kwp=capacity_kwp, tilt_deg=tilt_deg, azimuth_deg=azimuth_deg,
        dc_ac_ratio=dc_ac_ratio, losses_pct=losses_pct, albedo=albedo,
        gamma_pdc_per_c=gamma_pdc_per_c,
    )
    _check_choice("temperature_model", temperature_model, TEMPERATURE_MODELS)
    _check_choice("transposition_model", transposition_model, TRANSPOSITION_MODELS)
    _check_weather(weather)
    index = weather.index
    if capacity_kwp == 0:
        return pd.Series(0.0, index=index, name="pv_kw")

    if not -1.0 <= sun_shift_h <= 1.0:
        raise EnergyError(f"sun_shift_h: expected -1..1 h, found {echo(sun_shift_h)}")
    mid = interval_midpoints(index, end) + pd.Timedelta(hours=float(sun_shift_h))
    temp_air = pd.Series(weather["temp_air_c"].to_numpy(dtype=float), index=mid)
    location = pvlib.location.Location(latitude, longitude, altitude=altitude_m)
    effective, poa_global = _plane_of_array(weather, mid, location, temp_air, tilt_deg, azimuth_deg,
                                            albedo, transposition_model, iam)
    params = pvlib.temperature.TEMPERATURE_MODEL_PARAMETERS["sapm"][temperature_model]
    temp_cell = pvlib.temperature.sapm_cell(poa_global, temp_air, _column(weather, "wind_speed_m_s", mid),
                                            **params)
    ac_kw = _dc_to_ac_kw(effective, temp_cell, capacity_kwp, gamma_pdc_per_c, losses_pct, dc_ac_ratio)
    return pd.Series(ac_kw, index=index, name="pv_kw")


def _plane_of_array(weather, mid, location, temp_air, tilt_deg, azimuth_deg, albedo, model, iam):
    """Effective (after the beam IAM) and total plane-of-array irradiance at the midpoints. [W/m^2]"""
    solpos = location.get_solarposition(mid, temperature=temp_air)
    airmass = location.get_airmass(solar_position=solpos)["airmass_relative"]
    poa = pvlib.irradiance.get_total_irradiance(
        tilt_deg, azimuth_deg, solpos["apparent_zenith"], solpos["azimuth"],
        _column(weather, "dni_w_m2", mid), _column(weather, "ghi_w_m2", mid),
        _column(weather, "dhi_w_m2", mid),
        dni_extra=pvlib.irradiance.get_extra_radiation(mid), airmass=airmass,
        albedo=albedo, model=model,
    ).fillna(0.0)
    effective = poa["poa_direct"] + poa["poa_diffuse"]
    if iam:
        aoi = pvlib.irradiance.aoi(tilt_deg, azimuth_deg, solpos["apparent_zenith"], solpos["azimuth"])
        effective = poa["poa_direct"] * pvlib.iam.physical(aoi) + poa["poa_diffuse"]
    return effective, poa["poa_global"]


def _dc_to_ac_kw(effective, temp_cell, capacity_kwp, gamma_pdc_per_c, losses_pct, dc_ac_ratio) -> np.ndarray:
    """PVWatts DC power, flat losses, then the PVWatts inverter clipped at its AC nameplate. [kW]"""
    dc_w = pvlib.pvsystem.pvwatts_dc(effective, temp_cell, capacity_kwp * 1000.0, gamma_pdc_per_c)
    dc_w = np.maximum(np.asarray(dc_w, dtype=float), 0.0) * (1.0 - losses_pct / 100.0)
    ac_nameplate_w = capacity_kwp * 1000.0 / dc_ac_ratio
    ac_w = pvlib.inverter.pvwatts(dc_w, ac_nameplate_w / INVERTER_NOMINAL_EFFICIENCY,
                                  eta_inv_nom=INVERTER_NOMINAL_EFFICIENCY)
    return np.clip(np.nan_to_num(np.asarray(ac_w, dtype=float)) / 1000.0, 0.0, None)


def specific_yield_kwh_per_kwp(pv_kw, dt_h, capacity_kwp: float) -> float:
    """Energy delivered per kWp of DC capacity over the series. [kWh/kWp]

    Parameters
    ----------
    pv_kw : array_like or pandas.Series
        AC power, interval means. [kW]
    dt_h : float or array_like
        Length of every interval (a scalar for a regular index). [h]
    capacity_kwp : float
        DC nameplate capacity, > 0. [kWp]

    Returns
    -------
    float
        ``sum(pv_kw * dt_h) / capacity_kwp``. [kWh/kWp]
    """
    if not capacity_kwp > 0:
        raise EnergyError(f"capacity_kwp: expected a positive number, found {echo(capacity_kwp)}")
    power = np.asarray(pv_kw, dtype=float)
    steps = np.broadcast_to(np.asarray(dt_h, dtype=float), power.shape)
    return float(np.sum(power * steps) / capacity_kwp)


def _column(weather: pd.DataFrame, name: str, mid: pd.DatetimeIndex) -> pd.Series:
    """A weather column as floats on the midpoint index."""
    return pd.Series(weather[name].to_numpy(dtype=float), index=mid)


def _check_parameters(**values) -> None:
    """Refuse array parameters out of range, naming the parameter."""
    rules = {
        "capacity_kwp": (0.0, np.inf, ">= 0"),
        "tilt_deg": (0.0, 90.0, "in 0..90"),
        "azimuth_deg": (0.0, 360.0, "in 0..360"),
        "losses_pct": (0.0, 100.0, "in 0..100"),
        "albedo": (0.0, 1.0, "in 0..1"),
        "gamma_pdc_per_c": (-0.05, 0.05, "in -0.05..0.05"),
    }
    for name, value in values.items():
        if not isinstance(value, int | float | np.number) or isinstance(value, bool):
            raise EnergyError(f"{name}: expected a number, found {echo(value)}")
        if name == "dc_ac_ratio":
            ok, expected = bool(np.isfinite(value) and value > 0), "> 0"
        else:
            lo, hi, expected = rules[name]
            ok = bool(np.isfinite(value) and lo <= value <= hi)
        if not ok:
            raise EnergyError(f"{name}: expected a value {expected}, found {echo(value)}")


def _check_choice(name: str, value, choices) -> None:
    """Refuse a name that is not one of ``choices``."""
    if value not in choices:
        raise EnergyError(f"{name}: expected one of {', '.join(choices)}, found {echo(value)}")


def _check_weather(weather) -> None:
    """Refuse a weather frame without the canonical columns or with a bad index."""
    if not isinstance(weather, pd.DataFrame):
        raise EnergyError(f"weather: expected a pandas DataFrame, found {type(weather).__name__}")
    check_index(weather.index, "weather index")
    missing = [c for c in WEATHER_COLUMNS if c not in weather.columns]
    if missing:
        raise EnergyError(
            f"weather: missing column(s) {', '.join(missing)}; expected "
            f"{', '.join(WEATHER_COLUMNS)}"
        )
    bad = weather[list(WEATHER_COLUMNS)].isna().any(axis=1)
    if bad.any():
        raise EnergyError(
            f"weather: expected no missing values, found {int(bad.sum())} row(s) with NaN "
            f"(first at {weather.index[bad.to_numpy()][0]})"
        )
