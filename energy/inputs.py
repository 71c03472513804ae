"""Typed inputs of the optimisation: what `build_inputs` hands to `build_model`.

Everything here is plain data (floats, DataFrames, dataclasses): no Pyomo, no
file I/O. The optimisation code (`dispatch.py`) reads only these objects.

Series columns of :attr:`Inputs.series` (one row per time step, tz-aware index,
each timestamp the start of its interval):

======================================  ================================================
column                                  meaning
======================================  ================================================
``fixed_load_kw``                       inflexible load: base + reefers or metered [kW]
``pv_available_kw``                     AC power the PV arrays could deliver [kW]
``wind_available_kw``                   power the wind units could deliver [kW]
``import_price_usd_per_kwh``            energy price of grid import [USD/kWh]
``export_price_usd_per_kwh``            price paid for grid export [USD/kWh]
``grid_emission_kg_per_kwh``            emission factor of grid import [kgCO2/kWh]
``is_peak``                             True in Peru's peak hours (horas punta) [bool]
======================================  ================================================

Extra columns (per-array PV, base/reefer split) may be present for reporting;
the optimisation ignores them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from energy.timegrid import step_hours as step_hours  # re-exported: Inputs.dt_h is made by it

SERIES_COLUMNS = (
    "fixed_load_kw",
    "pv_available_kw",
    "wind_available_kw",
    "import_price_usd_per_kwh",
    "export_price_usd_per_kwh",
    "grid_emission_kg_per_kwh",
    "is_peak",
)


@dataclass(frozen=True)
class BatteryParams:
    """Battery storage parameters.

    Attributes
    ----------
    energy_kwh : float
        Usable nameplate energy capacity E. [kWh]
    charge_power_kw, discharge_power_kw : float
        Maximum charge / discharge power at the AC terminals. [kW]
    charge_efficiency, discharge_efficiency : float
        One-way efficiencies eta_ch, eta_dis in (0, 1]. [-]
    soc_min, soc_max : float
        State-of-charge bounds as fractions of ``energy_kwh``. [-]
    soc_initial : float
        State of charge at the start of the horizon, fraction of ``energy_kwh``;
        the end state must be at least this. [-]
    self_discharge_per_h : float
        Fraction of stored energy lost per hour, sigma. [1/h]
    wear_cost_usd_per_kwh : float
        Degradation cost per kWh discharged. [USD/kWh]
    """

    energy_kwh: float
    charge_power_kw: float
    discharge_power_kw: float
    charge_efficiency: float = 0.95
    discharge_efficiency: float = 0.95
    soc_min: float = 0.1
    soc_max: float = 0.9
    soc_initial: float = 0.5
    self_discharge_per_h: float = 0.0
    wear_cost_usd_per_kwh: float = 0.0


@dataclass(frozen=True)
class GridParams:
    """Grid connection.

    Attributes
    ----------
    import_limit_kw : float
        Maximum import power at the point of connection. [kW]
    export_limit_kw : float
        Maximum export power; 0 forbids export (no export variable is built). [kW]
    """

    import_limit_kw: float
    export_limit_kw: float = 0.0


@dataclass(frozen=True)
class TariffParams:
    """Monthly capacity charges (Peru MT tariff structure).

    Attributes
    ----------
    generation_capacity_usd_per_kw_month : float
        Charge on the month's maximum import within peak hours. [USD/kW-month]
    distribution_capacity_usd_per_kw_month : float
        Charge on the month's maximum import at any hour. [USD/kW-month]
    """

    generation_capacity_usd_per_kw_month: float = 0.0
    distribution_capacity_usd_per_kw_month: float = 0.0


@dataclass(frozen=True)
class CraneJob:
    """Crane work that must be done inside a time window.

    A vessel call (ship-to-shore cranes) or a yard housekeeping quota (yard
    cranes). Steps whose interval lies inside ``[start, end)`` may carry work.

    Attributes
    ----------
    name : str
        Unique job name, e.g. ``"vessel_012"`` or ``"yard_2025-03-04"``.
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


@dataclass
class Inputs:
    """Everything the optimisation needs, on the model's time index.

    Attributes
    ----------
    series : pandas.DataFrame
        Exogenous series, columns :data:`SERIES_COLUMNS` (and extras). Index is a
        tz-aware DatetimeIndex; each timestamp starts its interval.
    dt_h : numpy.ndarray
        Length of each step, derived from the index (the last step's length is
        the horizon end minus its start). [h]
    horizon_end : pandas.Timestamp
        End of the last step (exclusive).
    battery : BatteryParams or None
        None when the model has no battery.
    grid : GridParams
    tariff : TariffParams
    crane_pools : dict of str to int
        Cranes available in each pool, e.g. ``{"sts": 6, "armg": 15}``.
    crane_jobs : list of CraneJob
    truck_charger_kw : float
        Total charging power of the truck chargers. [kW]
    truck_windows : list of TruckWindow
    value_of_lost_load_usd_per_kwh : float
        Penalty on unserved load. [USD/kWh]
    carbon_price_usd_per_kg : float
        Price on grid-import emissions. [USD/kgCO2]
    emissions_cap_kg : float or None
        If set, total emissions must not exceed it (epsilon constraint). [kgCO2]
    integer_cranes : bool
        Crane counts are integers (True) or relaxed to continuous (False).
    meta : dict
        Free-form provenance for reports (model name, scenario, sources).
    """

    series: pd.DataFrame
    dt_h: np.ndarray
    horizon_end: pd.Timestamp
    battery: BatteryParams | None
    grid: GridParams
    tariff: TariffParams = field(default_factory=TariffParams)
    crane_pools: dict[str, int] = field(default_factory=dict)
    crane_jobs: list[CraneJob] = field(default_factory=list)
    truck_charger_kw: float = 0.0
    truck_windows: list[TruckWindow] = field(default_factory=list)
    value_of_lost_load_usd_per_kwh: float = 10.0
    carbon_price_usd_per_kg: float = 0.0
    emissions_cap_kg: float | None = None
    integer_cranes: bool = True
    meta: dict = field(default_factory=dict)

    @property
    def index(self) -> pd.DatetimeIndex:
        return self.series.index


def month_fractions(index: pd.DatetimeIndex, dt_h: np.ndarray) -> pd.Series:
    """Share of each calendar month covered by the horizon (for prorating).

    Returns
    -------
    pandas.Series
        Indexed by month start (tz-aware), value = hours of the month inside the
        horizon / hours in the calendar month. [-]
    """
    months = index.tz_localize(None).to_period("M")
    hours = pd.Series(dt_h, index=months).groupby(level=0).sum()
    full = np.array([p.days_in_month * 24.0 for p in hours.index])
    out = pd.Series(hours.to_numpy() / full, index=hours.index)
    return out
