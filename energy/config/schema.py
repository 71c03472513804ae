"""The model file's schema: pydantic classes, one per table, every field with its unit.

A model file describes one port: site, horizon, weather source, assets, tariff,
emissions, loads, crane work, trucks, solver options, and named scenarios. These
classes validate it; :mod:`energy.config.load` reads the TOML, applies a scenario and
turns validation errors into one line. The defaults written here are THE defaults of
the project: :mod:`energy.inputs` takes its own from these classes, so a Python user
building inputs by hand gets the numbers a model-file user gets.

Each field's docstring (the string under it) gives its meaning and unit in brackets;
pydantic keeps it as the field's ``description``.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from pathlib import Path
from typing import Annotated, Any, Literal

import pandas as pd
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from energy import jobs as jobs_rules
from energy.emission_factors import FACTOR_NAMES as EMISSION_FACTOR_NAMES
from energy.errors import MAX_MAGNITUDE, EnergyError, echo
from energy.timegrid import FIRST_YEAR, LAST_YEAR, daily_window_hours

# The bounded-magnitude rule (``_bounded``) rides on the number types too, so a number
# inside a table of numbers (``dict[str, NonNeg]``) is refused with its own dotted key.
NonNeg = Annotated[float, Field(ge=0), AfterValidator(lambda v: _bounded(v))]
Pos = Annotated[float, Field(gt=0), AfterValidator(lambda v: _bounded(v))]
Fraction = Annotated[float, Field(ge=0, le=1)]
Efficiency = Annotated[float, Field(gt=0, le=1)]
Monthly = Annotated[list[float], Field(min_length=12, max_length=12)]
Hour = Annotated[int, Field(ge=0, le=23)]
Years = Annotated[int, Field(ge=1, le=100)]

__all__ = [
    "FIRST_YEAR",
    "LAST_YEAR",
    "MAX_ENTRIES",
    "MAX_HEIGHT_M",
    "MAX_HORIZON_DAYS",
    "MAX_MAGNITUDE",
    "RESERVED_NAMES",
    "Battery",
    "BaseLoad",
    "Config",
    "CranePool",
    "Cranes",
    "Emissions",
    "Finance",
    "Flexibility",
    "Grid",
    "Horizon",
    "Loads",
    "ModelInfo",
    "PVArray",
    "ReeferClass",
    "Reefers",
    "SeriesFile",
    "ShorePower",
    "Site",
    "Solver",
    "Tariff",
    "TruckWindowSpec",
    "Trucks",
    "VesselCallsFile",
    "VesselClass",
    "Vessels",
    "Weather",
    "WindUnit",
    "Yard",
    "ECONOMIC_FIELDS",
    "check_bounds",
    "default_of",
    "physics",
    "horizon_bounds",
    "known_zone",
    "safe_name",
    "scenario_name",
    "updated",
]


def _bounded(value: Any, item: str = "") -> Any:
    """Refuse a number (also inside a list or a table of numbers) beyond :data:`~energy.errors.MAX_MAGNITUDE`."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and abs(value) > MAX_MAGNITUDE:
        raise ValueError(f"{item}expected a number of magnitude at most 1e12, found {value:g}")
    if isinstance(value, list | tuple):
        for i, v in enumerate(value):
            _bounded(v, f"item [{i}]: ")
    if isinstance(value, dict):
        for k, v in value.items():
            _bounded(v, f"item [{k}]: ")
    return value


def _assignment_message(table: str, name: str, exc: ValidationError) -> str:
    """One line for a refused assignment: ``Battery.charge_efficiency: expected ..., found 1.5``."""
    err = exc.errors(include_url=False)[0]
    loc = ".".join(str(p) for p in err["loc"]) or name
    msg = err["msg"].removeprefix("Value error, ").replace("Input should be less", "expected a value less")
    msg = msg.replace("Input should be greater", "expected a value greater").replace("Input should be", "expected")
    found = "" if "found" in msg else f", found {echo(err.get('input'))}"
    return f"{table}.{loc}: {msg}{found}"


class Strict(BaseModel):
    """Base of every table: unknown keys are errors; field docstrings become descriptions.

    Every number must be finite (``inf``, ``nan``, which TOML allows, are refused) and
    of a magnitude of at most :data:`MAX_MAGNITUDE`; a field changed in Python
    (``cfg.battery.charge_efficiency = 1.5``) is validated as a model file's would be,
    and a refusal is an :class:`~energy.errors.EnergyError` naming the key.
    """

    model_config = ConfigDict(extra="forbid", validate_default=True, use_attribute_docstrings=True,
                              allow_inf_nan=False, validate_assignment=True)

    @field_validator("*", mode="after")
    @classmethod
    def _not_absurd(cls, v: Any) -> Any:
        return _bounded(v)

    def __setattr__(self, name: str, value: Any) -> None:
        try:
            super().__setattr__(name, value)
        except ValidationError as exc:
            raise EnergyError(_assignment_message(type(self).__name__, name, exc)) from None


def updated(table: Strict, **changes: Any) -> Strict:
    """A copy of ``table`` with several fields changed at once, validated as a whole.

    Fields that only together keep a rule (a battery's energy and powers) cannot be
    assigned one by one (each assignment is validated); this changes them together.
    """
    try:
        return type(table).model_validate({**table.model_dump(), **changes})
    except ValidationError as exc:
        raise EnergyError(_assignment_message(type(table).__name__, ", ".join(changes), exc)) from None


def default_of(model: type[BaseModel], name: str) -> Any:
    """The default of field ``name`` of a schema class (the project's one default)."""
    return model.model_fields[name].get_default(call_default_factory=True)


def known_zone(v: str) -> str:
    """Refuse a time zone name that is not in the IANA database."""
    try:
        zoneinfo.ZoneInfo(v)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError) as exc:
        raise ValueError(f"expected an IANA time zone such as 'America/Lima', found {echo(v)}") from exc
    return v


RESERVED_NAMES = frozenset({"base", "comparison", "profiles", "inflexible", "sized"})
"""Scenario names with a meaning of their own: ``base`` is the model without overrides,
``comparison`` and ``profiles`` name report files beside the scenario folders, ``inflexible``
and ``sized`` the folders of the inflexible and the sized runs."""
_DEVICE_NAMES = frozenset({"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)),
                           *(f"lpt{i}" for i in range(1, 10))})
_SAFE_NAME = re.compile(r"^[^\W_][\w-]{0,63}$")


def safe_name(v: str, what: str) -> str:
    """A name that becomes a folder: 1-64 letters, digits, ``_`` or ``-``, starting with a
    letter or digit; no path separator, no ``.``/``..``, no device name (``NUL``, ``CON``)."""
    if not isinstance(v, str) or not _SAFE_NAME.match(v) or v.lower() in _DEVICE_NAMES:
        raise ValueError(f"{what}: expected 1-64 letters, digits, '_' or '-', starting with a letter or "
                         f"digit (it names a reports folder: no '/', '\\', '.', spaces), found {echo(v)}")
    return v


MAX_ENTRIES = 32
"""Most PV arrays, wind units or vessel classes in one model: a port has a handful; each one
costs a profile (estimate). [-]"""
MAX_HEIGHT_M = 500.0
"""Highest wind measurement or hub height: the tallest turbines' hubs stand below 200 m
(estimate). [m]"""


# --------------------------------------------------------------------- site, time
class Site(Strict):
    """Where the port is."""

    name: str = "port"
    """Site name (reports only)."""
    latitude: Annotated[float, Field(ge=-90, le=90)]
    """Latitude, north positive. [deg]"""
    longitude: Annotated[float, Field(ge=-180, le=180)]
    """Longitude, east positive. [deg]"""
    altitude_m: float = 0.0
    """Altitude above sea level. [m]"""
    timezone: str = "America/Lima"
    """IANA time zone of the site; every report is in it."""

    @field_validator("timezone")
    @classmethod
    def _zone(cls, v: str) -> str:
        return known_zone(v)


MAX_HORIZON_DAYS = 3660
"""Longest horizon a model file may ask for (about ten years). [days]"""


class Horizon(Strict):
    """Optimisation horizon: ``[start, end)`` at a fixed resolution."""

    start: dt.date | dt.datetime
    """First step start: a date or a local date-time (site zone unless an offset is given)."""
    end: dt.date | dt.datetime
    """End of the horizon, exclusive."""
    resolution: str = "1h"
    """Step length (``1h``, ``15min``, ...); must divide a day and the horizon."""

    @field_validator("resolution")
    @classmethod
    def _resolution(cls, v: str) -> str:
        try:
            td = pd.Timedelta(v)
        except (ValueError, OverflowError) as exc:
            raise ValueError(f"expected a step length such as '1h' or '15min', found {echo(v)}") from exc
        if td <= pd.Timedelta(0) or td > pd.Timedelta("1D") or pd.Timedelta("1D") % td:
            raise ValueError(f"expected a step length that divides one day (e.g. '1h', '15min'), found {echo(v)}")
        if td % pd.Timedelta("1min"):
            raise ValueError(f"expected a step length of whole minutes (e.g. '1h', '15min', '5min'), "
                             f"found {echo(v)}")
        return v

    @field_validator("start", "end")
    @classmethod
    def _year(cls, v: dt.date | dt.datetime) -> dt.date | dt.datetime:
        if not FIRST_YEAR <= v.year <= LAST_YEAR:
            raise ValueError(f"expected a date in the years {FIRST_YEAR}-{LAST_YEAR}, found {v}")
        return v

    @model_validator(mode="after")
    def _order(self) -> Horizon:
        start, end = pd.Timestamp(self.start), pd.Timestamp(self.end)
        if (start.tzinfo is None) != (end.tzinfo is None):
            raise ValueError(
                f"expected start and end both with a UTC offset or both without, found start "
                f"{self.start} and end {self.end}"
            )
        if end <= start:
            raise ValueError(f"expected end after start, found start {self.start} and end {self.end}")
        span = end - start
        if span > pd.Timedelta(days=MAX_HORIZON_DAYS):
            raise ValueError(
                f"expected a horizon of at most {MAX_HORIZON_DAYS} days, found {span.days} days "
                f"({self.start} .. {self.end})"
            )
        if span % pd.Timedelta(self.resolution):
            raise ValueError(
                f"expected the resolution {self.resolution!r} to divide the horizon "
                f"{self.start} .. {self.end} into whole steps"
            )
        return self


def _series_units(spec: SeriesFile | None, quantity: str) -> SeriesFile | None:
    """Refuse units a series file of this quantity cannot have (e.g. kVA for a load)."""
    from energy.timeseries import ENERGY_UNITS, UNITS

    known = [*UNITS[quantity], *ENERGY_UNITS.get(quantity, {})]
    if spec is not None and spec.units not in known:
        raise ValueError(f"units: expected one of {', '.join(known)}, found {spec.units!r}")
    return spec


class SeriesFile(Strict):
    """A time-series CSV: metered load, import prices or emission factors.

    Spanish-locale exports are common: ``delimiter = ";"`` and ``decimal = ","``.
    """

    file: Path
    """The CSV, relative to the model file's folder."""
    timestamp_column: str = "timestamp"
    """Column of the timestamps (the date alone when ``time_column`` is given)."""
    time_column: str | None = None
    """Column of the time of day, for exports with date and time apart (``Fecha;Hora``)."""
    timestamp_label: Literal["start", "end"] = "start"
    """What a timestamp marks: the ``start`` of its interval, or its ``end`` (meter
    exports: ``00:15`` closes the first quarter hour; ``24:00`` the day's last)."""
    value_column: str = "value"
    """Column of the values."""
    units: str
    """Units of the values (load: power kW, MW, W, or energy per interval kWh, MWh, Wh;
    price: USD/kWh, USD/MWh; emission factor: kg/kWh, g/kWh, t/MWh)."""
    timezone: str = "America/Lima"
    """Zone of timestamps written without a UTC offset."""
    delimiter: str = ","
    """Field separator."""
    decimal: Literal[".", ","] = "."
    """Decimal mark of the numbers."""
    dayfirst: bool = False
    """Dates written day first (31/01/2025)."""

    @field_validator("timezone")
    @classmethod
    def _zone(cls, v: str) -> str:
        return known_zone(v)


# --------------------------------------------------------------------- weather, assets
LIMA_GHI = [5.71, 5.42, 5.85, 5.13, 3.91, 2.78, 2.78, 2.86, 3.30, 4.21, 4.46, 5.08]
LIMA_TEMP = [22.5, 23.2, 23.1, 20.9, 19.2, 18.5, 17.0, 16.6, 17.1, 17.8, 19.3, 21.5]
LIMA_WIND = [4.3, 5.4, 3.9, 5.0, 3.0, 3.1, 3.2, 2.9, 3.5, 4.9, 4.1, 4.1]


class Weather(Strict):
    """Weather source: synthetic (pvlib clear-sky scaled to a climatology) or a file."""

    source: Literal["synthetic", "file"] = "synthetic"
    """``synthetic`` or ``file``."""
    seed: int = 0
    """Seed of the synthetic day-to-day variability."""
    ghi_monthly_kwh_m2_day: Monthly = Field(default_factory=lambda: list(LIMA_GHI))
    """Monthly mean daily global horizontal irradiation, Jan..Dec. [kWh/m2/day]"""
    temp_air_monthly_c: Monthly = Field(default_factory=lambda: list(LIMA_TEMP))
    """Monthly mean air temperature, Jan..Dec. [°C]"""
    wind_monthly_m_s: Monthly = Field(default_factory=lambda: list(LIMA_WIND))
    """Monthly mean wind speed at the measurement height, Jan..Dec. [m/s]"""
    weibull_k: Pos = 2.09
    """Weibull shape of the wind speed. [-]"""
    file: Path | None = None
    """Weather file (EPW, TMY3, PVGIS TMY) for ``source = "file"``."""
    format: Literal["auto", "epw", "tmy3", "pvgis_tmy"] = "auto"
    """Format of the weather file."""
    wind_measurement_height_m: Annotated[float, Field(gt=0, le=MAX_HEIGHT_M)] = 10.0
    """Height of the wind speed measurement. [m]"""
    roughness_length_m: Annotated[float, Field(gt=0, le=10)] = 0.0002
    """Surface roughness length for hub-height extrapolation. [m]"""

    @model_validator(mode="after")
    def _file_given(self) -> Weather:
        if self.source == "file" and self.file is None:
            raise ValueError("source = 'file' expects a 'file' path; expected file = \"...\" naming an EPW, "
                             "TMY3 or PVGIS TMY file")
        return self


class PVArray(Strict):
    """One PV array (pvlib PVWatts chain)."""

    capacity_kwp: NonNeg
    """DC nameplate capacity. [kWp]"""
    tilt_deg: Annotated[float, Field(ge=0, le=90)] = 10.0
    """Tilt from horizontal. [deg]"""
    azimuth_deg: Annotated[float, Field(ge=0, le=360)] = 0.0
    """Azimuth, pvlib convention (0 = north, 180 = south). [deg]"""
    dc_ac_ratio: Pos = 1.2
    """DC capacity over inverter AC capacity. [-]"""
    losses_pct: Annotated[float, Field(ge=0, lt=100)] = 14.0
    """DC system losses (soiling, wiring, mismatch, ...). [%]"""
    gamma_pdc_per_c: Annotated[float, Field(ge=-0.02, le=0)] = -0.0035
    """Temperature coefficient of DC power. [1/°C]"""
    albedo: Fraction = 0.2
    """Ground reflectance. [-]"""
    temperature_model: Literal[
        "open_rack_glass_glass",
        "close_mount_glass_glass",
        "open_rack_glass_polymer",
        "insulated_back_glass_polymer",
    ] = "open_rack_glass_polymer"
    """SAPM cell temperature parameters (pvlib name)."""
    existing: bool = False
    """Already built: no capital cost, and part of the business-as-usual case."""
    capex_usd_per_kwp: NonNeg = 758.0
    """Installed cost. [USD/kWp]"""
    om_usd_per_kwp_year: NonNeg = 18.0
    """Fixed operation and maintenance. [USD/kWp/yr]"""
    lifetime_years: Years = 30
    """Economic life. [yr]"""
    min_kwp: NonNeg | None = None
    """Smallest size ``port-energy size`` may choose; with ``max_kwp`` unset the size is fixed. [kWp]"""
    max_kwp: NonNeg | None = None
    """Largest size ``port-energy size`` may choose (roof or land area); unset = not sized. [kWp]"""

    @model_validator(mode="after")
    def _bounds(self) -> PVArray:
        check_bounds(self.min_kwp, self.max_kwp, "min_kwp", "max_kwp")
        return self


def check_bounds(lo, hi, lo_name: str, hi_name: str) -> None:
    """Refuse sizing bounds with the minimum above the maximum."""
    if lo is not None and hi is not None and lo > hi:
        raise ValueError(f"expected {lo_name} <= {hi_name}, found {lo:g} > {hi:g}")


#: Fields of the asset tables that are economics or sizing, not physics (left out of
#: what the PV and battery models receive).
ECONOMIC_FIELDS = frozenset({
    "existing", "capex_usd_per_kwp", "om_usd_per_kwp_year", "lifetime_years", "min_kwp", "max_kwp",
    "capex_usd_per_kw", "om_usd_per_kw_year", "min_count", "max_count", "capex_usd_per_kwh",
    "om_fraction_of_capex_per_year", "replacement_cost_fraction", "energy_kwh_min", "energy_kwh_max",
    "power_kw_min", "power_kw_max",
})


def physics(table: BaseModel) -> dict:
    """An asset table's fields without its economics and sizing bounds (:data:`ECONOMIC_FIELDS`)."""
    return {k: v for k, v in table.model_dump().items() if k not in ECONOMIC_FIELDS}


class WindUnit(Strict):
    """Identical wind turbines from windpowerlib's library."""

    turbine_type: str
    """windpowerlib turbine name, e.g. ``E-82/2300``."""
    count: Annotated[int, Field(ge=0)] = 1
    """Number of turbines. [-]"""
    hub_height_m: Annotated[float, Field(gt=0, le=MAX_HEIGHT_M)]
    """Hub height. [m]"""
    existing: bool = False
    """Already built: no capital cost, and part of the business-as-usual case."""
    capex_usd_per_kw: NonNeg = 1160.0
    """Installed cost per kW of rated power. [USD/kW]"""
    om_usd_per_kw_year: NonNeg = 43.0
    """Fixed operation and maintenance. [USD/kW/yr]"""
    lifetime_years: Years = 30
    """Economic life. [yr]"""
    min_count: Annotated[int, Field(ge=0)] = 0
    """Fewest turbines ``port-energy size`` may choose. [-]"""
    max_count: Annotated[int, Field(ge=0)] | None = None
    """Most turbines ``port-energy size`` may choose; unset = not sized. [-]"""

    @model_validator(mode="after")
    def _bounds(self) -> WindUnit:
        check_bounds(self.min_count, self.max_count, "min_count", "max_count")
        return self


class Battery(Strict):
    """Battery storage. ``energy_kwh = 0`` means no battery."""

    energy_kwh: NonNeg = 0.0
    """Usable nameplate energy capacity; 0 = no battery. [kWh]"""
    charge_power_kw: NonNeg = 0.0
    """Maximum AC charge power. [kW]"""
    discharge_power_kw: NonNeg = 0.0
    """Maximum AC discharge power. [kW]"""
    charge_efficiency: Efficiency = 0.95
    """One-way charge efficiency. [-]"""
    discharge_efficiency: Efficiency = 0.95
    """One-way discharge efficiency. [-]"""
    soc_min: Fraction = 0.1
    """Lowest state of charge, fraction of ``energy_kwh``. [-]"""
    soc_max: Fraction = 0.95
    """Highest state of charge, fraction of ``energy_kwh``. [-]"""
    soc_initial: Fraction = 0.5
    """State of charge at the start; the end must be at least this. [-]"""
    self_discharge_per_h: Annotated[float, Field(ge=0, lt=1)] = 0.0
    """Fraction of the stored energy lost per hour. [1/h]"""
    wear_cost_usd_per_kwh: NonNeg = 0.0
    """Degradation cost per kWh discharged. [USD/kWh]"""
    existing: bool = False
    """Already built: no capital cost, and part of the business-as-usual case."""
    capex_usd_per_kwh: NonNeg = 253.0
    """Installed cost of the energy part. [USD/kWh]"""
    capex_usd_per_kw: NonNeg = 968.0
    """Installed cost of the power part (inverter, grid connection). [USD/kW]"""
    om_fraction_of_capex_per_year: Annotated[float, Field(ge=0, lt=1)] = 0.025
    """Fixed operation and maintenance, as a share of the capital cost per year. [1/yr]"""
    lifetime_years: Years = 15
    """Life of the battery; it is replaced at the end of each life inside the analysis period. [yr]"""
    replacement_cost_fraction: NonNeg = 0.6
    """Cost of a replacement as a share of the first capital cost (costs fall meanwhile). [-]"""
    energy_kwh_min: NonNeg | None = None
    """Smallest energy ``port-energy size`` may choose. [kWh]"""
    energy_kwh_max: NonNeg | None = None
    """Largest energy ``port-energy size`` may choose; unset = energy not sized. [kWh]"""
    power_kw_min: NonNeg | None = None
    """Smallest charge = discharge power ``port-energy size`` may choose. [kW]"""
    power_kw_max: NonNeg | None = None
    """Largest charge = discharge power ``port-energy size`` may choose; unset = power not sized. [kW]"""

    @property
    def sized(self) -> bool:
        """``port-energy size`` chooses this battery's energy and power."""
        return self.energy_kwh_max is not None or self.power_kw_max is not None

    @property
    def exists(self) -> bool:
        """The model has a battery: THE rule (the validator makes both powers > 0 then)."""
        return self.energy_kwh > 0

    @model_validator(mode="after")
    def _consistent(self) -> Battery:
        if self.soc_min > self.soc_max:
            raise ValueError(f"expected soc_min <= soc_max, found {self.soc_min} > {self.soc_max}")
        if not self.soc_min <= self.soc_initial <= self.soc_max:
            raise ValueError(
                f"expected soc_min <= soc_initial <= soc_max, found {self.soc_initial} "
                f"outside [{self.soc_min}, {self.soc_max}]"
            )
        has_power = self.charge_power_kw > 0 or self.discharge_power_kw > 0
        if has_power and not self.exists:
            raise ValueError("battery has charge/discharge power but energy_kwh = 0; expected an energy "
                             "capacity energy_kwh > 0, or both powers = 0 for no battery")
        if self.exists and not (self.charge_power_kw > 0 and self.discharge_power_kw > 0):
            raise ValueError("battery has energy_kwh > 0 but no charge_power_kw or discharge_power_kw; expected both > 0")
        check_bounds(self.energy_kwh_min, self.energy_kwh_max, "energy_kwh_min", "energy_kwh_max")
        check_bounds(self.power_kw_min, self.power_kw_max, "power_kw_min", "power_kw_max")
        return self


class Grid(Strict):
    """Grid connection limits."""

    import_limit_kw: Pos
    """Most import at the point of connection. [kW]"""
    export_limit_kw: NonNeg = 0.0
    """Most export; 0 forbids export. [kW]"""


class Tariff(Strict):
    """Grid tariff: time-of-use energy prices and monthly capacity charges.

    Peak hours are ``[peak_start_hour, peak_end_hour)`` local time (Peru: 18-23).
    ``import_price_file`` replaces the time-of-use prices with a series [USD/kWh]
    (or USD/MWh, by its ``units``).
    """

    peak_energy_usd_per_kwh: NonNeg = 0.074
    """Energy price in peak hours. [USD/kWh]"""
    offpeak_energy_usd_per_kwh: NonNeg = 0.063
    """Energy price outside peak hours. [USD/kWh]"""
    peak_start_hour: Hour = 18
    """First peak hour, local time. [h]"""
    peak_end_hour: Annotated[int, Field(ge=1, le=24)] = 23
    """End of the peak hours (exclusive), local time. [h]"""
    generation_capacity_usd_per_kw_month: NonNeg = 16.4
    """Charge on the month's highest import in peak hours. [USD/kW-month]"""
    distribution_capacity_usd_per_kw_month: NonNeg = 4.0
    """Charge on the month's highest import at any hour. [USD/kW-month]"""
    export_price_usd_per_kwh: NonNeg = 0.0
    """Price paid for export. [USD/kWh]"""
    import_price_file: SeriesFile | None = None
    """A price series replacing the time-of-use energy prices."""

    @field_validator("import_price_file")
    @classmethod
    def _price_units(cls, v: SeriesFile | None) -> SeriesFile | None:
        return _series_units(v, "price_usd_per_kwh")

    @model_validator(mode="after")
    def _hours(self) -> Tariff:
        if self.peak_end_hour <= self.peak_start_hour:
            raise ValueError(
                f"expected peak_start_hour < peak_end_hour, found {self.peak_start_hour} and {self.peak_end_hour}"
            )
        return self


class Emissions(Strict):
    """Grid emission factor, carbon price and an optional emissions cap.

    The factor that the optimisation prices and caps (the *decision* factor) is one of:

    - ``factor`` = ``"average"`` (default) or ``"marginal"`` (life-cycle basis), or
      ``"average_combustion"`` / ``"marginal_combustion"`` (stack CO2 only): a column of
      the bundled SEIN month x hour table (:mod:`energy.emission_factors`,
      ``profiles/sein_emission_factors.csv``);
    - ``factor`` = a path to a ``.csv`` month x hour table in that format, column
      ``factor_column`` (default ``average_kg_per_kwh``);
    - ``grid_emission_kg_per_kwh``: one constant (then ``factor`` must not be set);
    - ``emission_factor_file``: a time series (then ``factor`` must not be set).

    Whatever decides, reports carry emissions under the average and the marginal
    factors too (from the table's ``average_kg_per_kwh`` / ``marginal_kg_per_kwh``
    columns, the bundled SEIN ones when a user table lacks them).
    """

    factor: str = "average"
    """Decision factor: a bundled factor name or a path to a month x hour CSV. [-]"""
    factor_column: str = "average_kg_per_kwh"
    """Column of a ``factor`` CSV to use as the decision factor. [-]"""
    grid_emission_kg_per_kwh: NonNeg | None = None
    """A constant emission factor of grid import, replacing ``factor``. [kgCO2/kWh]"""
    carbon_price_usd_per_t: NonNeg = 0.0
    """Price on the emissions of grid import. [USD/tCO2]"""
    cap_t: NonNeg | None = None
    """Most emissions over the horizon (replaces the carbon price). [tCO2]"""
    emission_factor_file: SeriesFile | None = None
    """An emission factor series replacing ``factor``."""

    @field_validator("emission_factor_file")
    @classmethod
    def _ef_units(cls, v: SeriesFile | None) -> SeriesFile | None:
        return _series_units(v, "emission_kg_per_kwh")

    @field_validator("factor")
    @classmethod
    def _factor_name(cls, v: str) -> str:
        if v in EMISSION_FACTOR_NAMES or v.lower().endswith(".csv"):
            return v
        raise ValueError(f"expected one of {', '.join(EMISSION_FACTOR_NAMES)} or a path to a "
                         f".csv month x hour table, found {v!r}")

    @model_validator(mode="after")
    def _cap_or_price(self) -> Emissions:
        if self.cap_t is not None and self.carbon_price_usd_per_t > 0:
            raise ValueError(
                f"expected either carbon_price_usd_per_t or cap_t, not both; found "
                f"carbon_price_usd_per_t = {self.carbon_price_usd_per_t:g} and cap_t = {self.cap_t:g}"
            )
        if "factor" in self.model_fields_set:
            for key in ("grid_emission_kg_per_kwh", "emission_factor_file"):
                if getattr(self, key) is not None:
                    raise ValueError(f"expected either factor or {key}, not both; found factor = "
                                     f"{self.factor!r} and {key} set")
        if self.grid_emission_kg_per_kwh is not None and self.emission_factor_file is not None:
            raise ValueError("expected either grid_emission_kg_per_kwh or emission_factor_file, not both")
        return self

    @property
    def decision(self) -> str:
        """What sets the decision factor: ``"constant"``, ``"series"`` or ``factor``."""
        if self.grid_emission_kg_per_kwh is not None:
            return "constant"
        if self.emission_factor_file is not None:
            return "series"
        return self.factor


class BaseLoad(Strict):
    """Inflexible site load besides reefers: buildings, workshops, gates, lighting."""

    constant_kw: NonNeg = 600.0
    """Load at every hour. [kW]"""
    daytime_extra_kw: NonNeg = 300.0
    """Extra load in the daytime window. [kW]"""
    daytime_start_hour: Hour = 7
    """Start of the daytime window, local time. [h]"""
    daytime_end_hour: Annotated[int, Field(ge=1, le=24)] = 19
    """End of the daytime window (exclusive). [h]"""
    lighting_kw: NonNeg = 400.0
    """Yard and quay lighting. [kW]"""
    lighting_start_hour: Hour = 18
    """Lights on, local time. [h]"""
    lighting_end_hour: Hour = 6
    """Lights off (wraps past midnight). [h]"""


class ReeferClass(Strict):
    """One commodity class of reefers, an aggregate thermal store (:mod:`energy.reefers`)."""

    share_of_boxes: Fraction
    """Share of the reefer boxes in this class. [-]"""
    setpoint_c: float
    """Set-point of the cargo temperature. [°C]"""
    band_low_c: float
    """Lowest allowed cargo temperature. [°C]"""
    band_high_c: float
    """Highest allowed cargo temperature. [°C]"""
    thermal_mass_kwh_per_c: Pos
    """Heat capacity of one loaded box (cargo mass x specific heat). [kWh/°C]"""
    ua_kw_per_c: Pos = 0.044
    """Envelope heat gain of one box per °C between air and box. [kW/°C]"""
    internal_heat_kw_per_box: NonNeg = 0.8
    """Respiration heat of the cargo plus the evaporator fans' heat. [kW]"""
    fan_kw_per_box: NonNeg = 0.6
    """Electric power of fans and controls, always on. [kW]"""
    rated_kw_per_box: Pos = 5.0
    """Most electric compressor power of one box. [kW]"""
    cop_at_20c: Pos = 2.0
    """Coefficient of performance at 20 °C air temperature. [-]"""
    cop_per_c: NonNeg = 0.05
    """Drop of the COP per °C of air temperature above 20 °C. [1/°C]"""
    arrival_offset_c: NonNeg = 0.5
    """Arriving boxes are this much warmer than the set-point (time unplugged). [°C]"""

    @model_validator(mode="after")
    def _band(self) -> ReeferClass:
        if not self.band_low_c <= self.setpoint_c <= self.band_high_c:
            raise ValueError(f"expected band_low_c <= setpoint_c <= band_high_c, found {self.band_low_c:g}, "
                             f"{self.setpoint_c:g}, {self.band_high_c:g}")
        return self


def _default_reefer_classes() -> dict[str, ReeferClass]:
    # thermal masses: cargo mass x specific heat (Siebel: 0.837 + 3.349 x water fraction kJ/kg K)
    return {
        "blueberries": ReeferClass(share_of_boxes=0.25, setpoint_c=0.0, band_low_c=-0.5, band_high_c=0.5,
                                   thermal_mass_kwh_per_c=15.2, internal_heat_kw_per_box=0.87),
        "avocados": ReeferClass(share_of_boxes=0.35, setpoint_c=6.0, band_low_c=5.0, band_high_c=7.0,
                                thermal_mass_kwh_per_c=20.0, internal_heat_kw_per_box=1.9, cop_at_20c=2.4),
        "grapes": ReeferClass(share_of_boxes=0.40, setpoint_c=-0.5, band_low_c=-1.0, band_high_c=0.0,
                              thermal_mass_kwh_per_c=19.7, internal_heat_kw_per_box=0.72, cop_at_20c=1.9),
    }


class Reefers(Strict):
    """Refrigerated containers plugged in the reefer yard.

    ``mode = "fixed"`` (default): the load of ``plugs x occupancy x power per box``, a fixed
    series. ``"thermostat"`` and ``"optimised"`` model the boxes per commodity class
    (``classes``) as thermal stores (:mod:`energy.reefers`): export boxes arrive through the
    gate ``dwell_hours`` before their vessel and leave while it is alongside; thermostat
    compressors hold the set-point, optimised ones are scheduled by the MILP inside the band.
    """

    plugs: Annotated[int, Field(ge=0)] = 960
    """Reefer plugs. [-]"""
    occupancy_monthly: Annotated[list[Fraction], Field(min_length=12, max_length=12)] = Field(
        default_factory=lambda: [0.75, 0.65, 0.55, 0.55, 0.6, 0.65, 0.6, 0.55, 0.6, 0.75, 0.85, 0.85]
    )
    """Share of plugs in use, Jan..Dec. [-]"""
    occupancy_scale: Fraction = 1.0
    """Factor on the monthly occupancy. [-]"""
    kw_per_box_at_20c: NonNeg = 2.5
    """Mean power of a box at 20 °C air temperature. [kW]"""
    kw_per_box_per_c: NonNeg = 0.12
    """Rise of a box's power per °C of air temperature. [kW/°C]"""
    max_kw_per_box: Pos = 7.0
    """Most power of a box. [kW]"""
    mode: Literal["fixed", "thermostat", "optimised"] = "fixed"
    """``fixed`` load series, ``thermostat`` or ``optimised`` thermal stores per class."""
    boxes_per_move: NonNeg = 0.125
    """Export reefer boxes loaded per container move of a call (thermal modes). [boxes/move]"""
    dwell_hours: Pos = 96.0
    """Time an export reefer box is plugged in before its vessel arrives (thermal modes). [h]"""
    import_boxes_per_move: NonNeg = 0.0
    """Import reefer boxes discharged per container move of a call (thermal modes). [boxes/move]"""
    import_dwell_hours: Pos = 48.0
    """Time an import reefer box stays plugged in after its vessel leaves (thermal modes). [h]"""
    classes: dict[str, ReeferClass] = Field(default_factory=_default_reefer_classes)
    """Commodity classes (thermal modes)."""

    def fixed_kwargs(self) -> dict:
        """The keys :func:`energy.loads.reefer_load_kw` (the fixed reefer load) reads."""
        keys = ("plugs", "occupancy_monthly", "occupancy_scale", "kw_per_box_at_20c", "kw_per_box_per_c",
                "max_kw_per_box")
        return {k: getattr(self, k) for k in keys}

    @model_validator(mode="after")
    def _classes(self) -> Reefers:
        if self.mode == "fixed":
            return self
        if not self.classes:
            raise ValueError(f"mode = {self.mode!r} expects at least one entry in classes; expected "
                             "[loads.reefers.classes.NAME] tables")
        total = sum(c.share_of_boxes for c in self.classes.values())
        if abs(total - 1) > 1e-6:
            raise ValueError(f"expected classes' share_of_boxes to sum to 1, found {total:g}")
        return self


class Loads(Strict):
    """Fixed (inflexible) load: synthetic base + reefers, or a metered series."""

    base: BaseLoad = Field(default_factory=BaseLoad)
    """Base load."""
    reefers: Reefers = Field(default_factory=Reefers)
    """Reefer load."""
    metered: SeriesFile | None = None
    """A metered load series replacing base + reefers."""

    @field_validator("metered")
    @classmethod
    def _load_units(cls, v: SeriesFile | None) -> SeriesFile | None:
        return _series_units(v, "power_kw")

    @model_validator(mode="after")
    def _metered_reefers(self) -> Loads:
        if self.metered is not None and self.reefers.mode != "fixed":
            raise ValueError(f"metered replaces base + reefers, but reefers.mode = {self.reefers.mode!r}; "
                             "expected reefers.mode = 'fixed' with a metered load")
        return self


class ShorePower(Strict):
    """Shore-power connections at the container berths (cold ironing)."""

    connections: Annotated[int, Field(ge=0)] = 0
    """Berths with a shore-power connection; 0 = no shore power. [-]"""
    kw_per_connection: Pos = 7500.0
    """Most power one connection delivers. [kW]"""
    connection_hours: NonNeg = 1.0
    """Time alongside before the ship is connected. [h]"""
    disconnection_hours: NonNeg = 0.5
    """Time before departure when the ship is already disconnected. [h]"""
    hotelling_kw: dict[str, NonNeg] = Field(
        default_factory=lambda: {"neopanamax": 1320.0, "panamax": 1000.0, "feeder": 700.0})
    """Hotelling power at berth per vessel class. [kW]"""
    default_hotelling_kw: NonNeg = 1000.0
    """Hotelling power of a call whose class is not in ``hotelling_kw``. [kW]"""
    aux_engine_kg_per_kwh: NonNeg = 0.696
    """CO2 of the ships' auxiliary diesel engines per kWh they would have made. [kgCO2/kWh]"""


class CranePool(Strict):
    """A pool of identical cranes."""

    count: Annotated[int, Field(ge=0)]
    """Cranes in the pool. [-]"""
    energy_kwh_per_move: NonNeg
    """Electric energy of one container move. [kWh/move]"""
    moves_per_crane_hour: Pos
    """Productivity of one crane. [moves/h]"""


class Cranes(Strict):
    """The port's crane pools."""

    sts: CranePool = Field(default_factory=lambda: CranePool(count=6, energy_kwh_per_move=8.0, moves_per_crane_hour=28.0))
    """Ship-to-shore cranes (vessel calls)."""
    armg: CranePool = Field(default_factory=lambda: CranePool(count=15, energy_kwh_per_move=15.0, moves_per_crane_hour=18.0))
    """Automated rail-mounted yard gantries (yard housekeeping)."""


class VesselClass(Strict):
    """A class of vessel calls in the generated schedule."""

    share_of_calls: Fraction
    """Share of the calls of this class. [-]"""
    moves_mean: Pos
    """Mean container moves per call. [moves]"""
    moves_spread: Fraction = 0.25
    """Half-width of the uniform spread of moves around the mean, relative. [-]"""
    max_cranes: Annotated[int, Field(ge=1)]
    """Most ship-to-shore cranes on one call. [-]"""


class VesselCallsFile(Strict):
    """A user's vessel-call CSV: one row per call."""

    file: Path
    """The CSV, relative to the model file's folder."""
    arrival_column: str = "arrival"
    """Column of the berth window start."""
    departure_column: str = "departure"
    """Column of the berth window end."""
    moves_column: str = "moves"
    """Column of the container moves. [moves]"""
    max_cranes_column: str = "max_cranes"
    """Column of the most cranes per call. [-]"""
    name_column: str | None = "vessel"
    """Column of the vessel names (optional)."""
    timezone: str = "America/Lima"
    """Zone of timestamps without a UTC offset."""
    delimiter: str = ","
    """Field separator."""
    dayfirst: bool = False
    """Dates written day first."""


class Vessels(Strict):
    """Vessel calls: generated (seeded) from throughput and mix, or a CSV file."""

    throughput_teu_per_year: NonNeg = 1_000_000
    """Quay throughput. [TEU/yr]"""
    teu_per_move: Pos = 1.6
    """TEU per container move (TEU factor). [TEU/move]"""
    container_berths: Annotated[int, Field(ge=1)] = 2
    """Berths serving container vessels at once. [-]"""
    window_slack: Annotated[float, Field(ge=1.0)] = 1.5
    """Berth window over the time needed with the cranes a call is sure to get. [-]"""
    mooring_hours: NonNeg = 2.0
    """Time alongside without crane work. [h]"""
    seed: int = 0
    """Seed of the generated schedule."""
    arrival_delay_mean_h: NonNeg = 0.0
    """Mean delay of a call's arrival behind its slot (0 = on time); each delay is drawn
    from an Erlang distribution of shape ``arrival_delay_erlang_k``. [h]"""
    arrival_delay_erlang_k: Annotated[int, Field(ge=1)] = 1
    """Shape of the Erlang distribution of arrival delays (1 = exponential; larger = less
    spread). Song & Wang (2021, J. R. Stat. Soc. A 184(1) 354-367) found liner ships'
    deviations from schedule to follow Erlang distributions; the default shape is an
    estimate. [-]"""
    classes: Annotated[dict[str, VesselClass], Field(max_length=MAX_ENTRIES)] = Field(
        default_factory=lambda: {
            "neopanamax": VesselClass(share_of_calls=0.35, moves_mean=3000, max_cranes=4),
            "panamax": VesselClass(share_of_calls=0.40, moves_mean=1500, max_cranes=3),
            "feeder": VesselClass(share_of_calls=0.25, moves_mean=600, max_cranes=2),
        }
    )
    """Vessel classes of the generated schedule."""
    calls_file: VesselCallsFile | None = None
    """A calls CSV replacing the generated schedule."""

    @model_validator(mode="after")
    def _shares(self) -> Vessels:
        total = sum(c.share_of_calls for c in self.classes.values())
        if self.classes and abs(total - 1) > 1e-6:
            raise ValueError(f"expected classes' share_of_calls to sum to 1, found {total:g}")
        return self


class Yard(Strict):
    """Yard housekeeping: a daily quota of yard-crane moves, free within its day."""

    moves_per_quay_move: NonNeg = 0.4
    """Yard-crane housekeeping moves per quay move. [-]"""
    enabled: bool = True
    """Schedule yard housekeeping."""


class TruckWindowSpec(Strict):
    """A daily charging window; ``end_hour <= start_hour`` wraps past midnight."""

    start_hour: Annotated[float, Field(ge=0, lt=24)]
    """Window start, local time. [h]"""
    end_hour: Annotated[float, Field(ge=0, le=24)]
    """Window end (exclusive). [h]"""
    energy_share: Fraction
    """Share of the fleet's daily energy charged in this window. [-]"""


class Trucks(Strict):
    """Driverless electric truck fleet charging."""

    count: Annotated[int, Field(ge=0)] = 40
    """Trucks. [-]"""
    energy_kwh_per_truck_day: NonNeg = 180.0
    """Energy one truck needs per day. [kWh/day]"""
    charger_kw_total: NonNeg = 2400.0
    """Power of all chargers together. [kW]"""
    windows: Annotated[list[TruckWindowSpec], Field(max_length=24)] = Field(
        default_factory=lambda: [
            TruckWindowSpec(start_hour=10, end_hour=16, energy_share=0.4),
            TruckWindowSpec(start_hour=22, end_hour=6, energy_share=0.6),
        ]
    )
    """Daily charging windows."""

    @property
    def energy_kwh_per_day(self) -> float:
        """The fleet's daily charging need. [kWh/day]"""
        return self.count * self.energy_kwh_per_truck_day

    @model_validator(mode="after")
    def _shares(self) -> Trucks:
        total = sum(w.energy_share for w in self.windows)
        if self.count and self.windows and abs(total - 1) > 1e-6:
            raise ValueError(f"expected windows' energy_share to sum to 1, found {total:g}")
        if self.count and self.energy_kwh_per_truck_day > 0 and not self.windows:
            raise ValueError("trucks need energy but no charging windows are given; expected a "
                             "list of {start_hour, end_hour, energy_share}")
        for i, w in enumerate(self.windows):
            problem = jobs_rules.daily_window_problem(
                i, self.energy_kwh_per_day * w.energy_share,
                daily_window_hours(w.start_hour, w.end_hour), self.charger_kw_total)
            if problem:
                raise ValueError(problem)
        return self


class Solver(Strict):
    """Solver and objective options."""

    time_limit_s: Pos | None = 600.0
    """Wall-clock limit of the solve. [s]"""
    mip_gap: Annotated[float, Field(ge=0, le=1)] = 1e-3
    """Relative MIP gap at which the solver stops. [-]"""
    threads: Annotated[int, Field(ge=1)] | None = None
    """Solver threads (default 1, chosen by measurement: ``energy.optimise.solve.DEFAULT_THREADS``)."""
    value_of_lost_load_usd_per_kwh: Pos = 1000.0
    """Penalty on unserved load. [USD/kWh]"""
    integer_cranes: bool = True
    """Crane counts are whole numbers (False relaxes them)."""


class Finance(Strict):
    """Investment appraisal: analysis period, discount rate, escalation, tax, salvage.

    All money is in real (constant) USD of year 0; the discount rate is real.
    """

    analysis_period_years: Years = 25
    """Years of operation appraised (cash flows in years 1..N, capital cost in year 0). [yr]"""
    discount_rate: Annotated[float, Field(ge=0, lt=1)] = 0.08
    """Real discount rate. [1/yr]"""
    grid_price_escalation: Annotated[float, Field(gt=-1, lt=1)] = 0.0
    """Real yearly change of the grid bill (energy, capacity and carbon). [1/yr]"""
    tax_rate: Annotated[float, Field(ge=0, lt=1)] = 0.0
    """Income tax on the savings less O&M and straight-line depreciation; 0 = pre-tax. [-]"""
    salvage: Literal["linear", "none"] = "linear"
    """Value of the assets at the end of the period: ``linear`` (capital cost x remaining
    life / life) or ``none``."""


class Flexibility(Strict):
    """How the port's flexible work (cranes, yard, trucks) is scheduled.

    ``optimised``: the optimisation places crane work inside berth windows and
    days, and truck charging inside its windows. ``inflexible`` (the baseline that
    tells what scheduling is worth): cranes work from the start of each berth
    window (yard: of each day) with the most cranes until the moves are done,
    first come first served within a pool; trucks charge from the start of each
    window at full charger power until charged.
    """

    mode: Literal["optimised", "inflexible"] = "optimised"
    """``optimised`` or ``inflexible``."""


class ModelInfo(Strict):
    """The model's name and description."""

    name: str
    """Name of the model: its reports folder (letters, digits, ``_``, ``-``)."""
    description: str = ""
    """One line on what the model is."""

    @field_validator("name")
    @classmethod
    def _safe(cls, v: str) -> str:
        return safe_name(v, "model name")


class Config(Strict):
    """A validated model file, with one scenario's overrides applied."""

    model: ModelInfo
    site: Site
    horizon: Horizon
    weather: Weather = Field(default_factory=Weather)
    pv: dict[str, PVArray] = Field(default_factory=dict, max_length=MAX_ENTRIES)
    wind: dict[str, WindUnit] = Field(default_factory=dict, max_length=MAX_ENTRIES)
    battery: Battery = Field(default_factory=Battery)
    grid: Grid
    tariff: Tariff = Field(default_factory=Tariff)
    emissions: Emissions = Field(default_factory=Emissions)
    loads: Loads = Field(default_factory=Loads)
    cranes: Cranes = Field(default_factory=Cranes)
    vessels: Vessels = Field(default_factory=Vessels)
    yard: Yard = Field(default_factory=Yard)
    trucks: Trucks = Field(default_factory=Trucks)
    shore_power: ShorePower = Field(default_factory=ShorePower)
    solver: Solver = Field(default_factory=Solver)
    flexibility: Flexibility = Field(default_factory=Flexibility)
    finance: Finance = Field(default_factory=Finance)
    scenarios: dict[str, dict[str, Any]] = Field(default_factory=dict, max_length=200)

    # set by load_config, not part of the file
    path: Path | None = Field(default=None, exclude=True)
    scenario: str = Field(default="base", exclude=True)

    @field_validator("scenarios")
    @classmethod
    def _scenario_names(cls, v: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
        for name in v:
            scenario_name(name)
        return v

    @field_validator("scenario")
    @classmethod
    def _current(cls, v: str) -> str:
        return v if v == "base" else scenario_name(v)

    @property
    def where(self) -> str:
        """The model file (and scenario) for the start of an error message."""
        where = str(self.path) if self.path is not None else "<model>"
        return where if self.scenario == "base" else f"{where}: scenario {self.scenario!r}"

    @property
    def folder(self) -> Path:
        return self.path.parent if self.path is not None else Path.cwd()

    def resolve(self, p: Path) -> Path:
        """A path from the model file, resolved against the model file's folder."""
        p = Path(p).expanduser()
        return p if p.is_absolute() else (self.folder / p)

    def index(self) -> pd.DatetimeIndex:
        """The model's time index (step starts, tz-aware, site zone)."""
        start, end = horizon_bounds(self)
        idx = pd.date_range(start, end, freq=pd.Timedelta(self.horizon.resolution), inclusive="left")
        return idx.as_unit("ns")


def scenario_name(v: str) -> str:
    """A scenario name the file may define: :func:`safe_name`, and not a reserved name."""
    safe_name(v, "scenario name")
    if v.lower() in RESERVED_NAMES:
        raise ValueError(f"scenario name: expected a name other than {', '.join(sorted(RESERVED_NAMES))} "
                         f"(reserved), found {echo(v)}")
    return v


def horizon_bounds(cfg: Config) -> tuple[pd.Timestamp, pd.Timestamp]:
    """Horizon start and end as tz-aware timestamps in the site's zone."""
    tz = cfg.site.timezone

    def _ts(v: dt.date | dt.datetime) -> pd.Timestamp:
        ts = pd.Timestamp(v)
        return ts.tz_localize(tz) if ts.tzinfo is None else ts.tz_convert(tz)

    return _ts(cfg.horizon.start), _ts(cfg.horizon.end)
