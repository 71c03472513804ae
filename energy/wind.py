"""Power of wind turbines from wind speed, with windpowerlib's bundled turbine library.

The turbine data (power curves, nominal power) are the CSV files windpowerlib ships in
``windpowerlib/oedb``; nothing is downloaded. Only turbine types with a power curve are
offered (:func:`turbine_types`).

From wind speed to power
------------------------
The wind speed is carried to hub height with the logarithmic profile
(:func:`windpowerlib.wind_speed.logarithmic_profile`, no obstacles) and turned into
power with the turbine's power curve (:func:`windpowerlib.power_output.power_curve`,
linear interpolation, zero below the first and above the last curve point, i.e.
below cut-in and above cut-out). When ``temp_air_c`` is given, the curve is density
corrected: air density at hub height from the standard-atmosphere pressure at
``altitude_m`` (:func:`pvlib.atmosphere.alt2pres`), the barometric height formula and
a -6.5 K/km temperature gradient from the 2 m air temperature. Power is then capped
at the nominal power (some curves of the library, e.g. E-82/2300's, reach a few %
above it) and multiplied by ``count``. Wake losses are not modelled.

The result is the power at the interval's mean wind speed, a fair estimate for
steps up to about 1 h.
"""

from __future__ import annotations

import difflib
import functools
import os

import numpy as np
import pandas as pd
import pvlib
import windpowerlib
from windpowerlib import density, power_output, temperature, wind_speed
from windpowerlib.wind_turbine import get_turbine_data_from_file

from energy.errors import EnergyError, echo
from energy.timegrid import check_index
from energy.weather import WIND_MEASUREMENT_HEIGHT_M

_LIBRARY_DIR = os.path.join(os.path.dirname(windpowerlib.__file__), "oedb")
_TEMPERATURE_HEIGHT_M = 2.0  # height of the air temperature of a weather frame [m]


@functools.cache
def _library() -> pd.DataFrame:
    """windpowerlib's shipped turbine table, indexed by turbine type."""
    return pd.read_csv(os.path.join(_LIBRARY_DIR, "turbine_data.csv"), index_col=0)


def turbine_types() -> list[str]:
    """Turbine types of windpowerlib's bundled library that have a power curve.

    Returns
    -------
    list of str
        Sorted type names, e.g. ``'E-82/2300'`` or ``'V90/2000'``.
    """
    table = _library()
    has_curve = table["has_power_curve"].astype("boolean").fillna(False).astype(bool)
    return sorted(table.index[has_curve.to_numpy()])


def check_turbine_type(name: str, *, where: str | None = None) -> str:
    """Refuse a turbine type without a power curve in windpowerlib's library.

    Parameters
    ----------
    name : str
        Turbine type, e.g. ``'E-82/2300'``.
    where : str, optional
        Where the name came from (e.g. ``'wind.main.turbine_type'``), put in front of
        the message.

    Returns
    -------
    str
        ``name`` unchanged.

    Raises
    ------
    EnergyError
        Listing the closest known names, e.g. ``unknown turbine type 'E82/2300' in
        windpowerlib's library; did you mean 'E-82/2300', 'E-82/2350'?``.
    """
    known = turbine_types()
    if name in known:
        return name
    close = difflib.get_close_matches(str(name), known, n=3, cutoff=0.6)
    prefix = [k for k in known if k.lower().startswith(str(name).lower()) and k not in close]
    close = (close + prefix)[:5]
    if close:
        hint = "did you mean " + ", ".join(repr(c) for c in close) + "?"
    else:
        hint = f"expected one of the {len(known)} types of energy.wind.turbine_types()"
    prefix = f"{where}: " if where else ""
    raise EnergyError(f"{prefix}unknown turbine type {echo(name)} in windpowerlib's library; {hint}")


def nominal_power_kw(turbine_type: str) -> float:
    """Nominal (rated) power of one turbine of the type. [kW]

    Parameters
    ----------
    turbine_type : str
        A name from :func:`turbine_types`.

    Returns
    -------
    float
        Nominal power. [kW]
    """
    check_turbine_type(turbine_type)
    return float(_library().loc[turbine_type, "nominal_power"]) / 1000.0


def wind_power_kw(
    wind_speed_m_s: pd.Series,
    *,
    turbine_type: str,
    count: int,
    hub_height_m: float,
    measurement_height_m: float = WIND_MEASUREMENT_HEIGHT_M,
    roughness_length_m: float = 0.0002,
    temp_air_c: pd.Series | None = None,
    altitude_m: float = 0.0,
) -> pd.Series:
    """Power of ``count`` identical turbines from the measured wind speed.

    The method is in this module's docstring (*From wind speed to power*).

    Parameters
    ----------
    wind_speed_m_s : pandas.Series
        Wind speed at ``measurement_height_m``, on a tz-aware index. [m/s]
    turbine_type : str
        A name from :func:`turbine_types`, e.g. ``'E-82/2300'``.
    count : int
        Number of turbines, >= 0 (0 gives zeros).
    hub_height_m : float
        Hub height above ground, > half the rotor diameter. [m]
    measurement_height_m : float, default 10.0
        Height of ``wind_speed_m_s`` above ground. [m]
    roughness_length_m : float, default 0.0002
        Surface roughness length (0.0002 m: open sea; about 0.03 m: open flat land). [m]
    temp_air_c : pandas.Series, optional
        Air temperature at 2 m on the same index; switches on the density correction. [°C]
    altitude_m : float, default 0.0
        Ground elevation above sea level (density correction only). [m]

    Returns
    -------
    pandas.Series
        ``wind_kw``: power of all turbines, 0..``count * nominal_power_kw``. [kW]

    Raises
    ------
    EnergyError
        For an unknown turbine type (with close matches), a parameter out of range, a
        naive index, or missing or negative wind speeds.
    """
    check_turbine_type(turbine_type)
    speed = _check_speed(wind_speed_m_s)
    _check_count(count)
    _check_heights(measurement_height_m, roughness_length_m)
    turbine = _turbine(turbine_type, hub_height_m)
    if count == 0:
        return pd.Series(0.0, index=speed.index, name="wind_kw")

    hub_speed = wind_speed.logarithmic_profile(
        speed.to_numpy(dtype=float), measurement_height_m, hub_height_m, roughness_length_m
    )
    curve = turbine.power_curve
    if temp_air_c is None:
        power_w = power_output.power_curve(hub_speed, curve["wind_speed"], curve["value"])
    else:
        rho = _hub_density(_check_temperature(temp_air_c, speed.index), hub_height_m, altitude_m)
        power_w = power_output.power_curve(
            hub_speed, curve["wind_speed"], curve["value"], density=rho,
            density_correction=True,
        )
    one_kw = np.clip(np.asarray(power_w, dtype=float) / 1000.0, 0.0, turbine.nominal_power / 1e3)
    return pd.Series(one_kw * count, index=speed.index, name="wind_kw")


def _check_heights(measurement_height_m: float, roughness_length_m: float) -> None:
    _check_positive("measurement_height_m", measurement_height_m)
    _check_positive("roughness_length_m", roughness_length_m)
    if roughness_length_m >= measurement_height_m:
        raise EnergyError(
            f"roughness_length_m: expected less than measurement_height_m "
            f"({measurement_height_m} m), found {roughness_length_m}"
        )


def _turbine(turbine_type: str, hub_height_m: float) -> windpowerlib.WindTurbine:
    """windpowerlib's turbine object, from the shipped library only."""
    _check_positive("hub_height_m", hub_height_m)
    try:
        return windpowerlib.WindTurbine(hub_height=hub_height_m, turbine_type=turbine_type)
    except ValueError as exc:
        diameter = get_turbine_data_from_file(
            turbine_type, os.path.join(_LIBRARY_DIR, "turbine_data.csv")
        )["rotor_diameter"].iloc[0]
        raise EnergyError(
            f"hub_height_m: expected more than half the rotor diameter of {turbine_type} "
            f"({diameter / 2:g} m), found {hub_height_m}"
        ) from exc


def _hub_density(temp_air_c: np.ndarray, hub_height_m: float, altitude_m: float) -> np.ndarray:
    """Air density at hub height. [kg/m^3]"""
    pressure_pa = pvlib.atmosphere.alt2pres(altitude_m)
    temp_hub_k = temperature.linear_gradient(
        temp_air_c + 273.15, _TEMPERATURE_HEIGHT_M, hub_height_m
    )
    return np.asarray(density.barometric(pressure_pa, 0.0, hub_height_m, temp_hub_k))


def _check_speed(series) -> pd.Series:
    """Wind speeds as a float Series on a tz-aware index, finite and >= 0."""
    if not isinstance(series, pd.Series):
        raise EnergyError(
            f"wind_speed_m_s: expected a pandas Series, found {type(series).__name__}"
        )
    check_index(series.index, "wind_speed_m_s index")
    values = pd.to_numeric(series, errors="coerce")
    bad = values.isna() | (values < 0)
    if bad.any():
        first = bad.idxmax()
        raise EnergyError(
            f"wind_speed_m_s: expected finite values >= 0, found {echo(series[first])} at {first}"
        )
    return values.astype(float)


def _check_temperature(series, index: pd.DatetimeIndex) -> np.ndarray:
    """Air temperatures aligned with the wind speeds. [°C]"""
    if not isinstance(series, pd.Series) or not series.index.equals(index):
        raise EnergyError("temp_air_c: expected a pandas Series on the wind speed's index")
    values = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float)
    if not np.isfinite(values).all() or (np.abs(values) > 90).any():
        raise EnergyError("temp_air_c: expected finite temperatures in -90..90 °C")
    return values


def _check_count(count) -> None:
    """Refuse a turbine count that is not a non-negative integer."""
    if isinstance(count, bool) or not isinstance(count, int | np.integer) or count < 0:
        raise EnergyError(f"count: expected a non-negative integer, found {echo(count)}")


def _check_positive(name: str, value) -> None:
    """Refuse a value that is not a finite positive number."""
    if isinstance(value, bool) or not isinstance(value, int | float | np.number) or not (
        np.isfinite(value) and value > 0
    ):
        raise EnergyError(f"{name}: expected a positive number, found {echo(value)}")
