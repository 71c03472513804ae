"""Tests of energy.wind: turbine power from wind speed with windpowerlib's library."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pvlib
import pytest
import windpowerlib
from numpy.testing import assert_allclose

from energy.errors import EnergyError
from energy.weather import synthetic_weather
from energy.wind import check_turbine_type, nominal_power_kw, turbine_types, wind_power_kw

LIMA = "America/Lima"
E82 = "E-82/2300"


def speeds(values, start="2025-01-01"):
    index = pd.date_range(start, periods=len(values), freq="h", tz=LIMA)
    return pd.Series(np.asarray(values, dtype=float), index=index)


def e82_curve():
    """E-82/2300 power curve as shipped with windpowerlib. [m/s], [W]"""
    curve = windpowerlib.WindTurbine(hub_height=78, turbine_type=E82).power_curve
    return curve["wind_speed"].to_numpy(), curve["value"].to_numpy()


def test_library_is_read_offline():
    types = turbine_types()
    assert {E82, "E-82/2350", "V90/2000"} <= set(types)
    assert nominal_power_kw(E82) == 2300.0
    assert nominal_power_kw("V90/2000") == 2000.0


def test_zero_below_cut_in_and_above_cut_out():
    # measured at hub height: no extrapolation, so the speeds are the hub speeds
    power = wind_power_kw(speeds([0.0, 0.5, 1.0, 25.5, 30.0]), turbine_type=E82, count=1,
                          hub_height_m=78.0, measurement_height_m=78.0)
    assert (power == 0).all()
    assert power.name == "wind_kw"


def test_nominal_power_above_rated_speed():
    power = wind_power_kw(speeds([14.0, 17.0, 20.0, 24.0]), turbine_type=E82, count=3,
                          hub_height_m=78.0, measurement_height_m=78.0)
    # the shipped curve reaches 2,350 kW; the output is capped at the 2,300 kW rating
    assert e82_curve()[1].max() > 2300e3
    assert_allclose(power.to_numpy(), 3 * 2300.0)


def test_hand_picked_speed_matches_windpowerlib():
    measured = 5.0  # m/s at 10 m
    hub = measured * np.log(78 / 0.0002) / np.log(10 / 0.0002)  # logarithmic profile
    curve_speed, curve_w = e82_curve()
    expected_kw = np.interp(hub, curve_speed, curve_w) / 1000
    got = wind_power_kw(speeds([measured]), turbine_type=E82, count=1, hub_height_m=78.0)
    assert_allclose(got.iloc[0], expected_kw, rtol=1e-12)
    assert 100 < expected_kw < 2300  # on the steep part of the curve

    weather = pd.DataFrame({("wind_speed", 10): [measured], ("roughness_length", 0): [0.0002]})
    chain = windpowerlib.ModelChain(windpowerlib.WindTurbine(hub_height=78, turbine_type=E82),
                                    wind_speed_model="logarithmic").run_model(weather)
    assert_allclose(got.iloc[0], chain.power_output.iloc[0] / 1000, rtol=1e-12)


def test_density_correction_matches_windpowerlib():
    v10 = np.array([4.0, 6.0, 8.0, 9.5])
    temp_c = np.array([18.0, 22.0, 25.0, 15.0])
    got = wind_power_kw(speeds(v10), turbine_type=E82, count=1, hub_height_m=78.0,
                        roughness_length_m=0.03, temp_air_c=speeds(temp_c), altitude_m=120.0)
    weather = pd.DataFrame({
        ("wind_speed", 10): v10, ("roughness_length", 0): 0.03,
        ("temperature", 2): temp_c + 273.15,
        ("pressure", 0): pvlib.atmosphere.alt2pres(120.0),
    })
    chain = windpowerlib.ModelChain(
        windpowerlib.WindTurbine(hub_height=78, turbine_type=E82),
        wind_speed_model="logarithmic", density_model="barometric",
        temperature_model="linear_gradient", density_correction=True,
    ).run_model(weather)
    assert_allclose(got.to_numpy(), chain.power_output.to_numpy() / 1000, rtol=1e-9)
    plain = wind_power_kw(speeds(v10), turbine_type=E82, count=1, hub_height_m=78.0,
                          roughness_length_m=0.03)
    assert (got < plain).all()  # warm coastal air is lighter than the standard 1.225 kg/m3


def test_count_scales_and_zero_count_gives_zeros():
    v = speeds([3.0, 5.0, 7.0])
    one = wind_power_kw(v, turbine_type=E82, count=1, hub_height_m=78.0)
    assert_allclose(wind_power_kw(v, turbine_type=E82, count=4, hub_height_m=78.0), 4 * one)
    zero = wind_power_kw(v, turbine_type=E82, count=0, hub_height_m=78.0)
    assert (zero == 0).all()
    assert zero.index.equals(v.index)


def test_unknown_type_lists_close_matches():
    with pytest.raises(EnergyError, match=r"unknown turbine type 'E82/2300' in windpowerlib's "
                                          r"library; did you mean 'E-82/2300'"):
        check_turbine_type("E82/2300")
    with pytest.raises(EnergyError, match="'V90/2000'"):
        wind_power_kw(speeds([5.0]), turbine_type="V90", count=1, hub_height_m=80.0)
    assert check_turbine_type(E82) == E82
    with pytest.raises(EnergyError, match=r"^wind\.main\.turbine_type: unknown turbine type"):
        check_turbine_type("E-82", where="wind.main.turbine_type")


def test_bad_inputs_are_refused():
    v = speeds([5.0, 6.0])
    with pytest.raises(EnergyError, match="tz-aware"):
        wind_power_kw(v.tz_localize(None), turbine_type=E82, count=1, hub_height_m=78.0)
    with pytest.raises(EnergyError, match="wind_speed_m_s: expected finite values >= 0"):
        wind_power_kw(speeds([5.0, -1.0]), turbine_type=E82, count=1, hub_height_m=78.0)
    with pytest.raises(EnergyError, match="hub_height_m: expected more than half the rotor"):
        wind_power_kw(v, turbine_type=E82, count=1, hub_height_m=30.0)
    with pytest.raises(EnergyError, match="count: expected a non-negative integer"):
        wind_power_kw(v, turbine_type=E82, count=-1, hub_height_m=78.0)
    with pytest.raises(EnergyError, match="roughness_length_m"):
        wind_power_kw(v, turbine_type=E82, count=1, hub_height_m=78.0, roughness_length_m=0.0)


def test_capacity_factor_on_synthetic_chancay_wind():
    index = pd.date_range("2025-01-01", "2026-01-01", freq="h", tz=LIMA, inclusive="left")
    weather = synthetic_weather(
        index, latitude=-11.59333, longitude=-77.27778, altitude_m=5.0,
        ghi_monthly_kwh_m2_day=[5.71, 5.42, 5.85, 5.13, 3.91, 2.78, 2.78, 2.86, 3.30, 4.21,
                                4.46, 5.08],
        temp_air_monthly_c=[22.5, 23.2, 23.1, 20.9, 19.2, 18.5, 17.0, 16.6, 17.1, 17.8,
                            19.3, 21.5],
        wind_monthly_m_s=[4.3, 5.4, 3.9, 5.0, 3.0, 3.1, 3.2, 2.9, 3.5, 4.9, 4.1, 4.1],
    )
    power = wind_power_kw(weather["wind_speed_m_s"], turbine_type=E82, count=1,
                          hub_height_m=78.0)
    capacity_factor = power.mean() / 2300.0
    assert 0.08 < capacity_factor < 0.18  # a light-wind coast: 4 m/s mean at 10 m
    assert power.max() <= 2300.0
