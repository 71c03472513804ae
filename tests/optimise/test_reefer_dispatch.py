"""Optimised reefers in the dispatch MILP: a hand-solved pre-cooling case and the physics of the solution."""

from __future__ import annotations

import numpy as np
import pytest

from energy.errors import EnergyError
from energy.inputs import GridParams
from energy.optimise.optimise import optimise
from energy.reefers import ReeferStore
from tests.cases import small_inputs


def store(n: int, *, boxes=10.0, q_int=6.0, ua=0.0, rated=10.0, cop=2.0, arriving=None, leaving=None,
          temp_air=20.0, band=(-0.5, 0.5)) -> ReeferStore:
    """One class of ``boxes`` boxes of 20 kWh/°C each, set-point 0 °C, on ``n`` hourly steps."""
    b = np.full(n + 1, float(boxes)) if np.isscalar(boxes) else np.asarray(boxes, dtype=float)
    return ReeferStore(
        name="fruit", boxes=b,
        arriving=np.zeros(n) if arriving is None else np.asarray(arriving, dtype=float),
        leaving=np.zeros(n) if leaving is None else np.asarray(leaving, dtype=float),
        temp_air_c=np.full(n, float(temp_air)), cop=np.full(n, float(cop)), dt_h=np.ones(n),
        setpoint_c=0.0, band_low_c=band[0], band_high_c=band[1], thermal_mass_kwh_per_c=20.0,
        ua_kw_per_c=ua, internal_heat_kw_per_box=q_int, fan_kw_per_box=0.0, rated_kw_per_box=rated,
        arrival_temp_c=0.5)


def test_price_step_precools_to_the_band_edge_hand_optimum():
    """4 h, price 0.1 then 0.3 USD/kWh; 10 boxes x 20 kWh/°C, 60 kWh of heat a step, COP 2.

    The store (200 kWh/°C) must end at its 0 °C set-point: 240 kWh of heat to remove. Cooling in
    the cheap hours is worth it down to the band edge -0.5 °C (100 kWh below the set-point), so the
    cheap hours remove 120 + 100 = 220 kWh (110 kWh electric, 11 USD) and the dear hours the 20 kWh
    left (10 kWh electric, 3 USD): 14 USD, against 24 USD for a thermostat (30 kWh every hour).
    """
    inp = small_inputs([0.0] * 4, price=[0.1, 0.1, 0.3, 0.3], reefer_stores=[store(4)],
                       grid=GridParams(import_limit_kw=1000.0))
    r = optimise(inp)
    d = r.dispatch
    assert r.kpis["total_cost_usd"] == pytest.approx(14.0, abs=1e-6)
    assert d["reefer_fruit_temp_c"].iloc[1] == pytest.approx(-0.5, abs=1e-7)
    assert d["reefer_fruit_temp_c"].iloc[3] == pytest.approx(0.0, abs=1e-7)
    p = d["reefer_fruit_kw"]   # compressor (+ fans, none here)
    np.testing.assert_allclose(p, d["reefer_flex_load_kw"])
    assert p.iloc[:2].sum() == pytest.approx(110.0, abs=1e-6)
    assert p.iloc[2:].sum() == pytest.approx(10.0, abs=1e-6)
    assert r.kpis["reefer_band_violations"] == 0
    assert r.kpis["reefer_flexible_energy_mwh"] == pytest.approx(0.120, abs=1e-9)


def test_flat_price_needs_no_precooling_and_pays_the_thermostat_energy():
    inp = small_inputs([0.0] * 4, price=0.1, reefer_stores=[store(4)])
    r = optimise(inp)
    assert r.kpis["total_cost_usd"] == pytest.approx(4 * 30 * 0.1, abs=1e-6)


def _replay(st: ReeferStore, power: np.ndarray) -> np.ndarray:
    """The heat balance written out again: end-of-step temperatures from the compressor power."""
    c, t, out = st.thermal_mass_kwh_per_c, st.setpoint_c, []
    for k in range(st.n_steps):
        nm = 0.5 * (st.boxes[k] + st.boxes[k + 1])
        heat = (c * (st.boxes[k] - st.leaving[k]) * t + c * st.arriving[k] * st.arrival_temp_c
                + st.dt_h[k] * nm * (st.ua_kw_per_c * (st.temp_air_c[k] - t) + st.internal_heat_kw_per_box)
                - st.dt_h[k] * st.cop[k] * power[k])
        t = heat / (c * st.boxes[k + 1])
        out.append(t)
    return np.array(out)


def test_solution_follows_the_heat_balance_with_arrivals_leavings_and_envelope_gain():
    n = 12
    arriving = np.r_[np.zeros(3), np.full(3, 2.0), np.zeros(6)]
    leaving = np.r_[np.zeros(7), np.full(3, 1.5), np.zeros(2)]
    boxes = np.r_[10.0, 10.0 + np.cumsum(arriving - leaving)]
    st = store(n, boxes=boxes, arriving=arriving, leaving=leaving, ua=0.044, q_int=0.8, rated=5.0)
    price = np.where(np.arange(n) % 6 < 3, 0.05, 0.2)
    r = optimise(small_inputs([50.0] * n, price=price, reefer_stores=[st]))
    d = r.dispatch
    temp = d["reefer_fruit_temp_c"].to_numpy()
    np.testing.assert_allclose(temp, _replay(st, d["reefer_flex_load_kw"].to_numpy()), atol=1e-6)
    assert (temp >= -0.5 - 1e-6).all() and (temp <= 0.5 + 1e-6).all()
    assert temp[-1] <= 1e-6
    served = d["grid_import_kw"] + d["unserved_kw"]
    np.testing.assert_allclose(served, d["fixed_load_kw"] + d["reefer_flex_load_kw"], atol=1e-6)


def test_a_band_the_compressors_cannot_hold_is_refused_before_solving():
    st = store(4, q_int=60.0, rated=1.0)   # 600 kWh of heat a step against 20 kWh of cooling
    with pytest.raises(EnergyError, match="fruit: the compressors cannot hold the band"):
        optimise(small_inputs([0.0] * 4, reefer_stores=[st]))
