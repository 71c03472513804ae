"""Reefers as thermal storage: boxes per commodity class, their flows and their heat balance.

Each commodity class (blueberries, avocados, grapes, ...) is one aggregate thermal store:
``N`` plugged boxes of thermal mass ``C`` each at one temperature ``T``. Export boxes arrive
through the gate during a dwell time before their vessel and leave while it is alongside;
import boxes are plugged in while their vessel is alongside and leave through the gate
(:func:`box_flows`); arriving boxes come in a little warmer than the set-point (the time
unplugged on the way) and mix into the store. The heat balance of step k (length ``dt``,
boxes ``N_k`` at its start, ``in_k`` arriving, ``out_k`` leaving, ``N_{k+1} = N_k + in_k - out_k``,
``Nm = (N_k + N_{k+1}) / 2`` the step's mean), explicit in the temperature at the step start:

    C*N_{k+1}*T_{k+1} = C*(N_k - out_k)*T_k + C*in_k*T_arr
                        + dt*Nm*(UA*(T_air,k - T_k) + q_int) - dt*COP_k*P_k

with ``UA`` the envelope heat gain per box [kW/°C], ``q_int`` the internal heat per box
(respiration + evaporator fans) [kW], ``COP_k`` the compressor's coefficient of performance at
the step's air temperature and ``P_k`` the class's compressor power [kW] in
``[0, rated*Nm]``. Leaving boxes take the store's temperature with them.

Two ways to run the compressors:

- **thermostat**: each step removes as much heat as brings the store back to its set-point,
  within the rated power (:func:`simulate`): today's fixed reefer load, as physics.
- **optimised**: ``P_k`` is a decision of the dispatch MILP (:mod:`energy.optimise.dispatch`,
  ``add_reefers``) and ``T`` must stay in the class's band at every step.

The electric reefer load is compressor + fans (``fan_kw_per_box * Nm``). Pure functions; no
Pyomo, no file I/O.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = [
    "BAND_TOLERANCE_C",
    "MIN_BOXES",
    "ReeferStore",
    "band_problem",
    "box_flows",
    "ramp_sum",
    "cop",
    "simulate",
    "store_of",
]

#: Fewer boxes than this count as an empty store (no temperature state). [boxes]
MIN_BOXES = 1e-6
#: A temperature this far outside its band counts as a band violation (solver round-off). [°C]
BAND_TOLERANCE_C = 1e-6


@dataclass(frozen=True)
class ReeferStore:
    """One commodity class of reefers on the model grid (n steps).

    Attributes
    ----------
    name : str
    boxes : numpy.ndarray
        Plugged boxes at each step boundary (n + 1 values). [boxes]
    arriving, leaving : numpy.ndarray
        Boxes plugged in / leaving during each step (n values). [boxes]
    temp_air_c : numpy.ndarray
        Air temperature of each step. [°C]
    cop : numpy.ndarray
        Coefficient of performance of each step (heat removed / electric power). [-]
    dt_h : numpy.ndarray
        Step lengths. [h]
    setpoint_c, band_low_c, band_high_c : float
        Set-point and allowed band of the store temperature. [°C]
    thermal_mass_kwh_per_c : float
        Heat capacity of one loaded box (cargo + packaging). [kWh/°C]
    ua_kw_per_c : float
        Envelope heat gain of one box per °C of air-to-box difference. [kW/°C]
    internal_heat_kw_per_box : float
        Respiration heat of the cargo plus the heat of the evaporator fans. [kW]
    fan_kw_per_box : float
        Electric power of the evaporator fans and controls, always on. [kW]
    rated_kw_per_box : float
        Most electric compressor power of one box. [kW]
    arrival_temp_c : float
        Temperature of arriving boxes. [°C]
    """

    name: str
    boxes: np.ndarray
    arriving: np.ndarray
    leaving: np.ndarray
    temp_air_c: np.ndarray
    cop: np.ndarray
    dt_h: np.ndarray
    setpoint_c: float
    band_low_c: float
    band_high_c: float
    thermal_mass_kwh_per_c: float
    ua_kw_per_c: float
    internal_heat_kw_per_box: float
    fan_kw_per_box: float
    rated_kw_per_box: float
    arrival_temp_c: float

    @property
    def n_steps(self) -> int:
        return len(self.dt_h)

    @property
    def mean_boxes(self) -> np.ndarray:
        """Boxes plugged during each step: mean of its start and end. [boxes]"""
        return 0.5 * (self.boxes[:-1] + self.boxes[1:])

    @property
    def fan_kw(self) -> np.ndarray:
        """Electric fan power of the class at each step. [kW]"""
        return self.fan_kw_per_box * self.mean_boxes

    @property
    def rated_kw(self) -> np.ndarray:
        """Most compressor power of the class at each step. [kW]"""
        return self.rated_kw_per_box * self.mean_boxes

    def heat_in_kwh(self) -> np.ndarray:
        """Heat entering each step at the set-point, before any cooling (arrivals + gains). [kWh]"""
        c, nm = self.thermal_mass_kwh_per_c, self.mean_boxes
        gain = self.ua_kw_per_c * (self.temp_air_c - self.setpoint_c) + self.internal_heat_kw_per_box
        return c * self.arriving * (self.arrival_temp_c - self.setpoint_c) + self.dt_h * nm * gain


def cop(temp_air_c, *, cop_at_20c: float, cop_per_c: float, cop_min: float = 0.5) -> np.ndarray:
    """Compressor COP falling linearly with air temperature: ``cop_at_20c - cop_per_c*(T_air - 20)``.

    Clipped below at ``cop_min`` (a unit never cools for free in a heat wave). [-]
    """
    t = np.asarray(temp_air_c, dtype=float)
    return np.maximum(cop_at_20c - cop_per_c * (t - 20.0), cop_min)


def ramp_sum(tau: np.ndarray, starts: np.ndarray, ends: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """``sum_i w_i * clip((tau - s_i) / (e_i - s_i), 0, 1)`` at every ``tau``, without an (i, tau) matrix.

    Each ramp is ``w/L * (max(tau - s, 0) - max(tau - e, 0))``; a sum of hinges
    ``sum c_i * max(tau - x_i, 0)`` is ``tau * C(tau) - CX(tau)`` with C and CX the prefix sums of
    ``c`` and ``c*x`` over the hinges left of tau. O((ramps + times) log ramps).
    """
    length = np.maximum(ends - starts, 1e-9)
    c = np.concatenate([weights / length, -weights / length])
    x = np.concatenate([starts, starts + length])
    order = np.argsort(x, kind="stable")
    x, c = x[order], c[order]
    cs, cxs = np.r_[0.0, np.cumsum(c)], np.r_[0.0, np.cumsum(c * x)]
    k = np.searchsorted(x, tau, side="right")
    return tau * cs[k] - cxs[k]


def box_flows(edges: pd.DatetimeIndex, calls: pd.DataFrame, *, boxes_per_move: float,
              dwell_h: float, seasonal, import_boxes_per_move: float = 0.0,
              import_dwell_h: float = 0.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Reefer boxes in the yard at each step edge, and the boxes arriving and leaving per step.

    Exports: each vessel call loads ``B = moves x boxes_per_move x seasonal(month of arrival)``
    reefer boxes. They arrive through the gate evenly over the ``dwell_h`` hours before the
    call's arrival and leave evenly over its time alongside ``[arrival, departure)``.
    Imports: each call discharges ``moves x import_boxes_per_move`` reefer boxes evenly while
    alongside (the plug-in surge of a vessel's reefers); they leave through the gate evenly over
    the ``import_dwell_h`` hours after its departure.

    Parameters
    ----------
    edges : pandas.DatetimeIndex
        Step boundaries (n + 1, tz-aware).
    calls : pandas.DataFrame
        ``arrival, departure, moves`` (tz-aware): every call whose boxes may be in the yard
        during the horizon (the horizon widened by ``dwell_h`` on both sides).
    boxes_per_move : float
        Reefer boxes per container move. [boxes/move]
    dwell_h : float
        Time export boxes spend plugged in before their vessel arrives. [h]
    seasonal : sequence of 12 floats
        Factor on the export boxes of calls arriving in each month, Jan..Dec. [-]
    import_boxes_per_move : float
        Import reefer boxes discharged per container move. [boxes/move]
    import_dwell_h : float
        Time import boxes stay plugged in after their vessel leaves. [h]

    Returns
    -------
    (numpy.ndarray, numpy.ndarray, numpy.ndarray)
        Boxes at each edge (n + 1), arriving per step (n), leaving per step (n). [boxes]
    """
    n = len(edges) - 1
    if calls is None or not len(calls) or (boxes_per_move <= 0 and import_boxes_per_move <= 0):
        z = np.zeros(n)
        return np.zeros(n + 1), z, z.copy()
    tz = edges.tz
    arr = pd.DatetimeIndex(calls["arrival"]).tz_convert(tz).as_unit("ns")
    dep = pd.DatetimeIndex(calls["departure"]).tz_convert(tz).as_unit("ns")
    season = np.asarray(seasonal, dtype=float)[arr.month.to_numpy() - 1]
    moves = calls["moves"].to_numpy(dtype=float)
    b = moves * boxes_per_move * season
    t0 = int(edges.as_unit("ns").asi8[0])
    tau = (edges.as_unit("ns").asi8 - t0).astype(float) / 3.6e12  # hours since the first edge
    a_h = (arr.asi8 - t0).astype(float) / 3.6e12
    d_h = (dep.asi8 - t0).astype(float) / 3.6e12
    cum_in, cum_out = ramp_sum(tau, a_h - dwell_h, a_h, b), ramp_sum(tau, a_h, d_h, b)
    if import_boxes_per_move > 0:
        bi = moves * import_boxes_per_move
        cum_in = cum_in + ramp_sum(tau, a_h, d_h, bi)
        cum_out = cum_out + ramp_sum(tau, d_h, d_h + import_dwell_h, bi)
    boxes = np.clip(cum_in - cum_out, 0.0, None)
    return boxes, np.diff(cum_in), np.diff(cum_out)


def store_of(name: str, spec, total_boxes: np.ndarray, arriving: np.ndarray, leaving: np.ndarray,
             temp_air_c, dt_h) -> ReeferStore:
    """The store of one class: its share of the boxes and flows, its physics from ``spec``.

    ``spec`` has the fields of :class:`energy.config.schema.ReeferClass`.
    """
    share = float(spec.share_of_boxes)
    return ReeferStore(
        name=name, boxes=share * np.asarray(total_boxes, dtype=float),
        arriving=share * np.asarray(arriving, dtype=float), leaving=share * np.asarray(leaving, dtype=float),
        temp_air_c=np.asarray(temp_air_c, dtype=float),
        cop=cop(temp_air_c, cop_at_20c=spec.cop_at_20c, cop_per_c=spec.cop_per_c),
        dt_h=np.asarray(dt_h, dtype=float), setpoint_c=float(spec.setpoint_c),
        band_low_c=float(spec.band_low_c), band_high_c=float(spec.band_high_c),
        thermal_mass_kwh_per_c=float(spec.thermal_mass_kwh_per_c),
        ua_kw_per_c=float(spec.ua_kw_per_c), internal_heat_kw_per_box=float(spec.internal_heat_kw_per_box),
        fan_kw_per_box=float(spec.fan_kw_per_box), rated_kw_per_box=float(spec.rated_kw_per_box),
        arrival_temp_c=float(spec.setpoint_c + spec.arrival_offset_c),
    )


def simulate(store: ReeferStore, target_c: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Thermostat control: each step cools the store back to ``target_c`` (default: the set-point).

    The compressor removes the heat that brings the store to the target at the step end, at
    most its rated power and never less than nothing (it does not heat). The store starts at
    its set-point.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        Compressor power of each step [kW] and the temperature at each step edge (n + 1) [°C].
    """
    s = store
    target = s.setpoint_c if target_c is None else float(target_c)
    c, n = s.thermal_mass_kwh_per_c, s.n_steps
    nm = s.mean_boxes
    power, temp = np.zeros(n), np.empty(n + 1)
    temp[0] = s.setpoint_c
    for k in range(n):
        t = temp[k]
        h = s.dt_h[k]
        content = (c * (s.boxes[k] - s.leaving[k]) * t + c * s.arriving[k] * s.arrival_temp_c
                   + h * nm[k] * (s.ua_kw_per_c * (s.temp_air_c[k] - t) + s.internal_heat_kw_per_box))
        n1 = s.boxes[k + 1]
        if n1 < MIN_BOXES:
            temp[k + 1] = s.setpoint_c
            continue
        q_max = s.cop[k] * s.rated_kw_per_box * nm[k] * h
        q = min(max(content - c * n1 * target, 0.0), q_max)
        power[k] = q / (s.cop[k] * h)
        temp[k + 1] = (content - q) / (c * n1)
    return power, temp


def band_problem(store: ReeferStore, where: str, edges: pd.DatetimeIndex | None = None) -> str | None:
    """Why the class cannot stay in its band with any compressor schedule, or None when it can.

    Cooling as hard as the band allows (thermostat aimed at the band's low edge) keeps the store
    coldest; if even that leaves the band's high edge, no schedule can. ``edges`` (the n + 1
    step boundaries) name the time in the message.
    """
    _, temp = simulate(store, store.band_low_c)
    over = temp - store.band_high_c > BAND_TOLERANCE_C
    if not over.any():
        return None
    k = int(np.argmax(over))
    at = edges[k].isoformat() if edges is not None else f"the end of step {k - 1}"
    return (f"{where}: the compressors cannot hold the band: cooling at full rated power "
            f"({store.rated_kw_per_box:g} kW per box) the store reaches {temp[k]:.2f} °C at {at}, "
            f"above band_high_c = {store.band_high_c:g}; expected a larger rated_kw_per_box, a wider band "
            "or fewer warm arrivals (arrival_offset_c)")
