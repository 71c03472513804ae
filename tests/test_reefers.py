"""Reefer thermal stores (energy.reefers) and shore power per vessel call (energy.shorepower): the physics."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from energy.config.schema import Reefers
from energy.reefers import band_problem, box_flows, cop, ramp_sum, simulate, store_of
from energy.shorepower import assign_connections, berth_power_kw
from tests.cases import ts


def edges(n: int, start="2025-01-06 00:00", freq="1h") -> pd.DatetimeIndex:
    return pd.date_range(ts(start), periods=n + 1, freq=freq)


def calls(*rows) -> pd.DataFrame:
    return pd.DataFrame([{"vessel": v, "arrival": ts(a), "departure": ts(d), "moves": m} for v, a, d, m in rows])


def test_box_flows_conserve_boxes_and_follow_gate_then_berth():
    e = edges(48)
    c = calls(("A", "2025-01-07 00:00", "2025-01-07 10:00", 400.0))
    boxes, arriving, leaving = box_flows(e, c, boxes_per_move=0.1, dwell_h=20.0, seasonal=[1.0] * 12)
    np.testing.assert_allclose(np.diff(boxes), arriving - leaving, atol=1e-9)
    assert arriving.sum() == pytest.approx(40.0) and leaving.sum() == pytest.approx(40.0)
    # gate-in evenly over the 20 h before arrival (2 boxes/h), loading evenly while alongside (4 boxes/h)
    np.testing.assert_allclose(arriving[4:24], 2.0)
    assert arriving[:4].sum() == 0.0 and arriving[24:].sum() == 0.0
    np.testing.assert_allclose(leaving[24:34], 4.0)
    assert boxes[24] == pytest.approx(40.0) and boxes[-1] == pytest.approx(0.0)


def test_seasonal_factor_scales_the_boxes_of_a_call_by_its_arrival_month():
    e = edges(48)
    c = calls(("A", "2025-01-07 00:00", "2025-01-07 10:00", 400.0))
    season = [0.5] + [1.0] * 11
    _, arriving, _ = box_flows(e, c, boxes_per_move=0.1, dwell_h=20.0, seasonal=season)
    assert arriving.sum() == pytest.approx(20.0)


def _store(name="avocados", n=24, boxes=100.0, temp_air=20.0, **over):
    spec = Reefers().classes[name].model_copy(update=over)
    b = np.full(n + 1, boxes)
    return store_of(name, spec, b, np.zeros(n), np.zeros(n), np.full(n, temp_air), np.ones(n))


def test_thermostat_holds_the_setpoint_and_pays_the_heat_over_the_cop():
    st = _store()
    power, temp = simulate(st)
    np.testing.assert_allclose(temp, st.setpoint_c)
    spec = Reefers().classes["avocados"]
    assert st.boxes[0] == pytest.approx(100 * spec.share_of_boxes)   # the class's share of the boxes
    heat_kw = st.boxes[0] * (spec.ua_kw_per_c * (20.0 - spec.setpoint_c) + spec.internal_heat_kw_per_box)
    np.testing.assert_allclose(power, heat_kw / spec.cop_at_20c)


def test_cop_falls_with_air_temperature_and_stays_positive():
    c = cop([10.0, 20.0, 30.0, 100.0], cop_at_20c=2.0, cop_per_c=0.05)
    np.testing.assert_allclose(c, [2.5, 2.0, 1.5, 0.5])


@pytest.mark.parametrize("name", ["blueberries", "avocados", "grapes"])
def test_unpowered_warming_of_the_defaults_is_near_the_rule_of_thumb(name):
    """Without power (no fans, no compressor) a box warms by (UA*dT + respiration)/C.

    The reefer rule of thumb for chilled cargo is 0.0054*dT °C/h (about 0.11 °C/h at dT = 20 °C);
    the defaults, from cargo mass x specific heat, must warm at 0.4-1.2 times that.
    """
    spec = Reefers().classes[name]
    dT = 20.0
    respiration = spec.internal_heat_kw_per_box - spec.fan_kw_per_box
    rate = (spec.ua_kw_per_c * dT + respiration) / spec.thermal_mass_kwh_per_c
    assert 0.4 * 0.0054 * dT <= rate <= 1.2 * 0.0054 * dT


def test_warm_arrivals_are_pulled_down_within_the_rated_power():
    n = 6
    spec = Reefers().classes["blueberries"]
    b = np.r_[0.0, np.full(n, 10.0)]
    arriving = np.r_[10.0, np.zeros(n - 1)]
    st = store_of("blueberries", spec, b, arriving, np.zeros(n), np.full(n, 20.0), np.ones(n))
    power, temp = simulate(st)
    assert temp[1] <= spec.setpoint_c + spec.arrival_offset_c
    assert (power <= st.rated_kw + 1e-9).all()
    assert temp[-1] == pytest.approx(spec.setpoint_c)
    assert band_problem(st, "x") is None


def test_band_problem_names_the_class_when_cooling_cannot_keep_up():
    st = _store(rated_kw_per_box=0.1, temp_air=35.0)
    msg = band_problem(st, "loads.reefers.classes.avocados")
    assert msg and msg.startswith("loads.reefers.classes.avocados: the compressors cannot hold the band")


def test_shore_power_first_come_first_served_minus_connection_time():
    c = calls(("A", "2025-01-06 02:00", "2025-01-06 12:00", 1.0),
              ("B", "2025-01-06 05:00", "2025-01-06 09:00", 1.0),
              ("C", "2025-01-06 12:30", "2025-01-06 20:00", 1.0)).assign(vessel_class=["big", "small", "x"])
    a = assign_connections(c, connections=1, connection_hours=1.0, disconnection_hours=0.5)
    assert a["connection"].tolist() == [0, -1, 0]      # B finds the only connection busy
    p = berth_power_kw(edges(24), a, connections=1, hotelling_kw={"big": 2000.0, "small": 500.0},
                       default_kw=800.0, kw_limit=1500.0)
    # A: 03:00-11:30 at min(2000, 1500) kW; C: 13:30-19:30 at the default 800 kW
    assert p.sum() == pytest.approx(8.5 * 1500.0 + 6.0 * 800.0)
    assert p[0, 11] == pytest.approx(750.0) and p[0, 3] == pytest.approx(1500.0)
    two = assign_connections(c, connections=2, connection_hours=1.0, disconnection_hours=0.5)
    assert two["connection"].tolist() == [0, 1, 0]


def test_thermostat_energy_is_resolution_invariant_with_box_flows():
    """The same calls at 1 h and 15 min steps: thermostat energy within 0.5 %, the same boxes."""
    c = calls(("A", "2025-01-07 03:00", "2025-01-07 21:00", 900.0), ("B", "2025-01-08 10:00", "2025-01-09 02:00", 600.0))
    spec = Reefers().classes["grapes"]
    energy = {}
    for freq, per_h in (("1h", 1), ("15min", 4)):
        e = edges(72 * per_h, freq=freq)
        boxes, arriving, leaving = box_flows(e, c, boxes_per_move=0.12, dwell_h=24.0, seasonal=[1.0] * 12)
        n = len(e) - 1
        air = 18.0 + 4.0 * np.sin(2 * np.pi * ((e[:-1].hour + e[:-1].minute / 60) / 24.0))
        st = store_of("grapes", spec, boxes, arriving, leaving, air, np.full(n, 1.0 / per_h))
        power, _ = simulate(st)
        energy[freq] = float((power * st.dt_h).sum())
        if freq == "1h":
            boxes_1h = boxes
        else:
            np.testing.assert_allclose(boxes[::4], boxes_1h, atol=1e-9)
    assert energy["15min"] == pytest.approx(energy["1h"], rel=5e-3)


def test_import_boxes_plug_in_while_alongside_and_leave_by_gate():
    e = edges(48)
    c = calls(("A", "2025-01-06 10:00", "2025-01-06 20:00", 1000.0))
    boxes, arriving, leaving = box_flows(e, c, boxes_per_move=0.0, dwell_h=20.0, seasonal=[1.0] * 12,
                                         import_boxes_per_move=0.02, import_dwell_h=10.0)
    np.testing.assert_allclose(np.diff(boxes), arriving - leaving, atol=1e-9)
    np.testing.assert_allclose(arriving[10:20], 2.0)        # 20 boxes discharged over 10 h
    np.testing.assert_allclose(leaving[20:30], 2.0)         # and gone by truck over the next 10 h
    assert boxes[20] == pytest.approx(20.0) and boxes[30] == pytest.approx(0.0)


def test_ramp_sum_equals_the_matrix_of_ramps():
    rng = np.random.default_rng(3)
    s = rng.uniform(0, 100, 40)
    e = s + rng.uniform(0.5, 30, 40)
    w = rng.uniform(0, 10, 40)
    tau = np.linspace(-10, 150, 333)
    expect = (w[:, None] * np.clip((tau[None, :] - s[:, None]) / (e - s)[:, None], 0, 1)).sum(axis=0)
    np.testing.assert_allclose(ramp_sum(tau, s, e, w), expect, atol=1e-9)
