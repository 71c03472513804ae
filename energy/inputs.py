"""Typed inputs of the optimisation: the seam between data and optimisation.

:func:`energy.build.build_inputs` makes an :class:`Inputs` from a model file;
:mod:`energy.optimise` reads nothing else. Everything here is plain data (floats,
DataFrames, dataclasses): no Pyomo, no file I/O.

Defaults are the model file's (:mod:`energy.config.schema`), read from its classes: a
Python user building ``Inputs`` by hand gets the numbers a model-file user gets.
Crane jobs and truck windows are :class:`energy.jobs.CraneJob` and
:class:`energy.jobs.TruckWindow`.

Series columns of :attr:`Inputs.series` (one row per time step, tz-aware index,
each timestamp the start of its interval):

======================================  ================================================
column                                  meaning
======================================  ================================================
``fixed_load_kw``                       inflexible load: base + reefers (fixed or thermostat
                                        reefers; only the fans of optimised ones) or
                                        metered, + shore power to vessels at berth [kW]
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

from energy.config import schema
from energy.config.schema import default_of
from energy.jobs import CraneJob, TruckWindow
from energy.reefers import ReeferStore

__all__ = ["SERIES_COLUMNS", "BatteryParams", "GridParams", "Inputs", "SizedAsset", "SizedBattery", "Sizing",
           "TariffParams"]

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
    charge_efficiency: float = default_of(schema.Battery, "charge_efficiency")
    discharge_efficiency: float = default_of(schema.Battery, "discharge_efficiency")
    soc_min: float = default_of(schema.Battery, "soc_min")
    soc_max: float = default_of(schema.Battery, "soc_max")
    soc_initial: float = default_of(schema.Battery, "soc_initial")
    self_discharge_per_h: float = default_of(schema.Battery, "self_discharge_per_h")
    wear_cost_usd_per_kwh: float = default_of(schema.Battery, "wear_cost_usd_per_kwh")


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
    export_limit_kw: float = default_of(schema.Grid, "export_limit_kw")


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

    generation_capacity_usd_per_kw_month: float = default_of(
        schema.Tariff, "generation_capacity_usd_per_kw_month")
    distribution_capacity_usd_per_kw_month: float = default_of(
        schema.Tariff, "distribution_capacity_usd_per_kw_month")


@dataclass(frozen=True)
class SizedAsset:
    """A PV array or wind unit type whose size the optimisation chooses.

    Attributes
    ----------
    name : str
        ``pv.<array>`` or ``wind.<name>``.
    kind : str
        ``pv`` (size in kWp, continuous) or ``wind`` (size in turbines, integer).
    kw_per_unit : numpy.ndarray
        Available AC power of one unit (1 kWp, one turbine) at each step. [kW]
    lower, upper : float
        Bounds of the size. [kWp or turbines]
    capex_usd_per_unit_year : float
        Annualised capital cost of one unit: CRF x capital cost. [USD/yr]
    om_usd_per_unit_year : float
        Fixed O&M of one unit. [USD/yr]
    integer : bool
        The size is a whole number (wind turbines; a relaxation may drop it).
    """

    name: str
    kind: str
    kw_per_unit: np.ndarray
    lower: float
    upper: float
    capex_usd_per_unit_year: float
    om_usd_per_unit_year: float
    integer: bool = False


@dataclass(frozen=True)
class SizedBattery:
    """Battery energy E [kWh] and power P [kW] (charge = discharge) chosen by the optimisation.

    Bounds ``energy_kwh`` and ``power_kw`` as (lower, upper); annualised capital cost and
    fixed O&M per kWh and per kW. [USD/kWh/yr, USD/kW/yr]
    """

    energy_kwh: tuple[float, float]
    power_kw: tuple[float, float]
    capex_usd_per_kwh_year: float
    capex_usd_per_kw_year: float
    om_usd_per_kwh_year: float
    om_usd_per_kw_year: float


@dataclass(frozen=True)
class Sizing:
    """What the optimisation sizes, besides the dispatch (``port-energy size``).

    The series' ``pv_available_kw`` and ``wind_available_kw`` then hold only the assets
    of fixed size; each :class:`SizedAsset` adds ``size x kw_per_unit``. With a
    :class:`SizedBattery`, ``Inputs.battery`` carries the efficiencies and SOC limits, and
    its energy and powers are the upper bounds.
    """

    assets: list[SizedAsset] = field(default_factory=list)
    battery: SizedBattery | None = None


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
    reefer_stores : list of energy.reefers.ReeferStore
        Reefer classes whose compressors the optimisation schedules inside their
        temperature band (optimised reefers); their fans are in ``fixed_load_kw``.
    flexibility : str
        ``"optimised"`` (the optimisation schedules crane work and truck charging)
        or ``"inflexible"`` (fixed schedule: work as early as it can, at full rate;
        :func:`energy.optimise.layout.prepare_inflexible`).
    sizing : Sizing or None
        Asset sizes to choose with the dispatch (None: the sizes are fixed).
    meta : dict
        Free-form provenance for reports (model name, scenario, sources).
    """

    series: pd.DataFrame
    dt_h: np.ndarray
    horizon_end: pd.Timestamp
    battery: BatteryParams | None
    grid: GridParams
    tariff: TariffParams = field(default_factory=TariffParams)
    crane_pools: dict[str, int] = field(default_factory=lambda: {
        name: pool.count for name, pool in default_of(schema.Config, "cranes")})
    crane_jobs: list[CraneJob] = field(default_factory=list)
    truck_charger_kw: float = default_of(schema.Trucks, "charger_kw_total")
    truck_windows: list[TruckWindow] = field(default_factory=list)
    value_of_lost_load_usd_per_kwh: float = default_of(schema.Solver, "value_of_lost_load_usd_per_kwh")
    carbon_price_usd_per_kg: float = default_of(schema.Emissions, "carbon_price_usd_per_t") / 1000.0
    emissions_cap_kg: float | None = None
    integer_cranes: bool = default_of(schema.Solver, "integer_cranes")
    reefer_stores: list[ReeferStore] = field(default_factory=list)
    flexibility: str = default_of(schema.Flexibility, "mode")
    sizing: Sizing | None = None
    meta: dict = field(default_factory=dict)

    @property
    def index(self) -> pd.DatetimeIndex:
        """Step starts (tz-aware)."""
        return self.series.index

    @property
    def has_battery(self) -> bool:
        """THE battery rule of the optimisation: a battery with energy and some power."""
        b = self.battery
        return b is not None and b.energy_kwh > 0 and (b.charge_power_kw > 0 or b.discharge_power_kw > 0)
