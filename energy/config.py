"""Model files (TOML): schema, validation and scenario overrides.

A model file describes one port: site, horizon, weather source, assets, tariff,
emissions, loads, crane work, trucks, solver options, and named scenarios. It is
validated with pydantic; every error becomes one line naming the file, the key
path and what was expected, e.g.::

    models/chancay.toml: battery.energy_kwh: expected a number >= 0, found -5

Relative file paths inside a model file are resolved against the folder of the
model file.

Scenarios are partial overrides of the base model::

    [scenarios.pv_heavy]
    description = "Twice the PV"
    pv.warehouse_roofs.capacity_kwp = 12000

Tables merge key by key; any other value (numbers, strings, lists) replaces the
base value. A key that the schema does not know is an error naming it.
"""

from __future__ import annotations

import copy
import datetime as dt
import difflib
import json
import re
import tomllib
import types
import typing
import zoneinfo
from pathlib import Path
from typing import Annotated, Any, Literal

import pandas as pd
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from energy.errors import EnergyError

NonNeg = Annotated[float, Field(ge=0)]
Pos = Annotated[float, Field(gt=0)]
Fraction = Annotated[float, Field(ge=0, le=1)]
Efficiency = Annotated[float, Field(gt=0, le=1)]
Monthly = Annotated[list[float], Field(min_length=12, max_length=12)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_default=True)


# --------------------------------------------------------------------- site, time
class Site(_Strict):
    """Where the port is."""

    name: str = "port"
    latitude: Annotated[float, Field(ge=-90, le=90)]
    longitude: Annotated[float, Field(ge=-180, le=180)]
    altitude_m: float = 0.0
    timezone: str = "America/Lima"

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, v: str) -> str:
        try:
            zoneinfo.ZoneInfo(v)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"expected an IANA time zone such as 'America/Lima', found {v!r}") from exc
        return v


MAX_HORIZON_DAYS = 3660
"""Longest horizon a model file may ask for (about ten years). [days]"""


class Horizon(_Strict):
    """Optimisation horizon: ``[start, end)`` at a fixed resolution."""

    start: dt.date | dt.datetime
    end: dt.date | dt.datetime
    resolution: str = "1h"

    @field_validator("resolution")
    @classmethod
    def _resolution(cls, v: str) -> str:
        try:
            td = pd.Timedelta(v)
        except ValueError as exc:
            raise ValueError(f"expected a step length such as '1h' or '15min', found {v!r}") from exc
        if td <= pd.Timedelta(0) or td > pd.Timedelta("1D") or pd.Timedelta("1D") % td:
            raise ValueError(f"expected a step length that divides one day (e.g. '1h', '15min'), found {v!r}")
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
    from energy.timeseries import UNITS

    if spec is not None and spec.units not in UNITS[quantity]:
        raise ValueError(
            f"units: expected one of {', '.join(UNITS[quantity])}, found {spec.units!r}"
        )
    return spec


class SeriesFile(_Strict):
    """A time-series CSV: metered load, import prices or emission factors.

    Spanish-locale exports are common: ``delimiter = ";"`` and ``decimal = ","``.
    """

    file: Path
    timestamp_column: str = "timestamp"
    value_column: str = "value"
    units: str
    timezone: str = "America/Lima"
    delimiter: str = ","
    decimal: Literal[".", ","] = "."
    dayfirst: bool = False

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, v: str) -> str:
        return Site._known_zone(v)


# --------------------------------------------------------------------- weather, assets
LIMA_GHI = [5.71, 5.42, 5.85, 5.13, 3.91, 2.78, 2.78, 2.86, 3.30, 4.21, 4.46, 5.08]
LIMA_TEMP = [22.5, 23.2, 23.1, 20.9, 19.2, 18.5, 17.0, 16.6, 17.1, 17.8, 19.3, 21.5]
LIMA_WIND = [4.3, 5.4, 3.9, 5.0, 3.0, 3.1, 3.2, 2.9, 3.5, 4.9, 4.1, 4.1]


class Weather(_Strict):
    """Weather source: synthetic (pvlib clear-sky scaled to a climatology) or a file."""

    source: Literal["synthetic", "file"] = "synthetic"
    seed: int = 0
    ghi_monthly_kwh_m2_day: Monthly = Field(default_factory=lambda: list(LIMA_GHI))
    temp_air_monthly_c: Monthly = Field(default_factory=lambda: list(LIMA_TEMP))
    wind_monthly_m_s: Monthly = Field(default_factory=lambda: list(LIMA_WIND))
    weibull_k: Pos = 2.09
    file: Path | None = None
    format: Literal["auto", "epw", "tmy3", "pvgis_tmy"] = "auto"
    wind_measurement_height_m: Pos = 10.0
    roughness_length_m: Pos = 0.0002

    @model_validator(mode="after")
    def _file_given(self) -> Weather:
        if self.source == "file" and self.file is None:
            raise ValueError("source = 'file' expects a 'file' path; expected file = \"...\" naming an EPW, "
                             "TMY3 or PVGIS TMY file")
        return self


class PVArray(_Strict):
    """One PV array (pvlib PVWatts chain)."""

    capacity_kwp: NonNeg
    tilt_deg: Annotated[float, Field(ge=0, le=90)] = 10.0
    azimuth_deg: Annotated[float, Field(ge=0, le=360)] = 0.0
    dc_ac_ratio: Pos = 1.2
    losses_pct: Annotated[float, Field(ge=0, lt=100)] = 14.0
    gamma_pdc_per_c: Annotated[float, Field(ge=-0.02, le=0)] = -0.0035
    albedo: Fraction = 0.2
    temperature_model: Literal[
        "open_rack_glass_glass",
        "close_mount_glass_glass",
        "open_rack_glass_polymer",
        "insulated_back_glass_polymer",
    ] = "open_rack_glass_polymer"


class WindUnit(_Strict):
    """Identical wind turbines from windpowerlib's library."""

    turbine_type: str
    count: Annotated[int, Field(ge=0)] = 1
    hub_height_m: Pos


class Battery(_Strict):
    """Battery storage. ``energy_kwh = 0`` means no battery."""

    energy_kwh: NonNeg = 0.0
    charge_power_kw: NonNeg = 0.0
    discharge_power_kw: NonNeg = 0.0
    charge_efficiency: Efficiency = 0.95
    discharge_efficiency: Efficiency = 0.95
    soc_min: Fraction = 0.1
    soc_max: Fraction = 0.95
    soc_initial: Fraction = 0.5
    self_discharge_per_h: Annotated[float, Field(ge=0, lt=1)] = 0.0
    wear_cost_usd_per_kwh: NonNeg = 0.0

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
        if has_power and self.energy_kwh == 0:
            raise ValueError("battery has charge/discharge power but energy_kwh = 0; expected an energy "
                             "capacity energy_kwh > 0, or both powers = 0 for no battery")
        if self.energy_kwh > 0 and not (self.charge_power_kw > 0 and self.discharge_power_kw > 0):
            raise ValueError("battery has energy_kwh > 0 but no charge_power_kw or discharge_power_kw; expected both > 0")
        return self


class Grid(_Strict):
    """Grid connection limits."""

    import_limit_kw: Pos
    export_limit_kw: NonNeg = 0.0


class Tariff(_Strict):
    """Grid tariff: time-of-use energy prices and monthly capacity charges.

    Peak hours are ``[peak_start_hour, peak_end_hour)`` local time (Peru: 18-23).
    ``import_price_file`` replaces the time-of-use prices with a series [USD/kWh]
    (or USD/MWh, by its ``units``).
    """

    peak_energy_usd_per_kwh: NonNeg = 0.074
    offpeak_energy_usd_per_kwh: NonNeg = 0.063
    peak_start_hour: Annotated[int, Field(ge=0, le=23)] = 18
    peak_end_hour: Annotated[int, Field(ge=1, le=24)] = 23
    generation_capacity_usd_per_kw_month: NonNeg = 16.4
    distribution_capacity_usd_per_kw_month: NonNeg = 4.0
    export_price_usd_per_kwh: NonNeg = 0.0
    import_price_file: SeriesFile | None = None

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


class Emissions(_Strict):
    """Grid emission factor, carbon price and an optional emissions cap."""

    grid_emission_kg_per_kwh: NonNeg = 0.186
    carbon_price_usd_per_t: NonNeg = 0.0
    cap_t: NonNeg | None = None
    emission_factor_file: SeriesFile | None = None

    @field_validator("emission_factor_file")
    @classmethod
    def _ef_units(cls, v: SeriesFile | None) -> SeriesFile | None:
        return _series_units(v, "emission_kg_per_kwh")

    @model_validator(mode="after")
    def _cap_or_price(self) -> Emissions:
        if self.cap_t is not None and self.carbon_price_usd_per_t > 0:
            raise ValueError(
                f"expected either carbon_price_usd_per_t or cap_t, not both; found "
                f"carbon_price_usd_per_t = {self.carbon_price_usd_per_t:g} and cap_t = {self.cap_t:g}"
            )
        return self


class BaseLoad(_Strict):
    """Inflexible site load besides reefers: buildings, workshops, gates, lighting."""

    constant_kw: NonNeg = 600.0
    daytime_extra_kw: NonNeg = 300.0
    daytime_start_hour: Annotated[int, Field(ge=0, le=23)] = 7
    daytime_end_hour: Annotated[int, Field(ge=1, le=24)] = 19
    lighting_kw: NonNeg = 400.0
    lighting_start_hour: Annotated[int, Field(ge=0, le=23)] = 18
    lighting_end_hour: Annotated[int, Field(ge=0, le=23)] = 6


class Reefers(_Strict):
    """Refrigerated containers plugged in the reefer yard."""

    plugs: Annotated[int, Field(ge=0)] = 960
    occupancy_monthly: Annotated[list[Fraction], Field(min_length=12, max_length=12)] = Field(
        default_factory=lambda: [0.75, 0.65, 0.55, 0.55, 0.6, 0.65, 0.6, 0.55, 0.6, 0.75, 0.85, 0.85]
    )
    occupancy_scale: Fraction = 1.0
    kw_per_box_at_20c: NonNeg = 2.5
    kw_per_box_per_c: NonNeg = 0.12
    max_kw_per_box: Pos = 7.0


class Loads(_Strict):
    """Fixed (inflexible) load: synthetic base + reefers, or a metered series."""

    base: BaseLoad = Field(default_factory=BaseLoad)
    reefers: Reefers = Field(default_factory=Reefers)
    metered: SeriesFile | None = None

    @field_validator("metered")
    @classmethod
    def _load_units(cls, v: SeriesFile | None) -> SeriesFile | None:
        return _series_units(v, "power_kw")


class CranePool(_Strict):
    """A pool of identical cranes."""

    count: Annotated[int, Field(ge=0)]
    energy_kwh_per_move: NonNeg
    moves_per_crane_hour: Pos


class Cranes(_Strict):
    sts: CranePool = Field(default_factory=lambda: CranePool(count=6, energy_kwh_per_move=8.0, moves_per_crane_hour=28.0))
    armg: CranePool = Field(default_factory=lambda: CranePool(count=15, energy_kwh_per_move=15.0, moves_per_crane_hour=18.0))


class VesselClass(_Strict):
    """A class of vessel calls in the generated schedule."""

    share_of_calls: Fraction
    moves_mean: Pos
    moves_spread: Fraction = 0.25
    max_cranes: Annotated[int, Field(ge=1)]


class VesselCallsFile(_Strict):
    """A user's vessel-call CSV: one row per call."""

    file: Path
    arrival_column: str = "arrival"
    departure_column: str = "departure"
    moves_column: str = "moves"
    max_cranes_column: str = "max_cranes"
    name_column: str | None = "vessel"
    timezone: str = "America/Lima"
    delimiter: str = ","
    dayfirst: bool = False


class Vessels(_Strict):
    """Vessel calls: generated (seeded) from throughput and mix, or a CSV file."""

    throughput_teu_per_year: NonNeg = 1_000_000
    teu_per_move: Pos = 1.6
    container_berths: Annotated[int, Field(ge=1)] = 2
    window_slack: Annotated[float, Field(ge=1.0)] = 1.5
    mooring_hours: NonNeg = 2.0
    seed: int = 0
    classes: dict[str, VesselClass] = Field(
        default_factory=lambda: {
            "neopanamax": VesselClass(share_of_calls=0.35, moves_mean=3000, max_cranes=4),
            "panamax": VesselClass(share_of_calls=0.40, moves_mean=1500, max_cranes=3),
            "feeder": VesselClass(share_of_calls=0.25, moves_mean=600, max_cranes=2),
        }
    )
    calls_file: VesselCallsFile | None = None

    @model_validator(mode="after")
    def _shares(self) -> Vessels:
        total = sum(c.share_of_calls for c in self.classes.values())
        if self.classes and abs(total - 1) > 1e-6:
            raise ValueError(f"expected classes' share_of_calls to sum to 1, found {total:g}")
        return self


class Yard(_Strict):
    """Yard housekeeping: a daily quota of yard-crane moves, free within its day."""

    moves_per_quay_move: NonNeg = 0.4
    enabled: bool = True


class TruckWindowSpec(_Strict):
    """A daily charging window; ``end_hour <= start_hour`` wraps past midnight."""

    start_hour: Annotated[float, Field(ge=0, lt=24)]
    end_hour: Annotated[float, Field(ge=0, le=24)]
    energy_share: Fraction


class Trucks(_Strict):
    """Driverless electric truck fleet charging."""

    count: Annotated[int, Field(ge=0)] = 40
    energy_kwh_per_truck_day: NonNeg = 180.0
    charger_kw_total: NonNeg = 2400.0
    windows: list[TruckWindowSpec] = Field(
        default_factory=lambda: [
            TruckWindowSpec(start_hour=10, end_hour=16, energy_share=0.4),
            TruckWindowSpec(start_hour=22, end_hour=6, energy_share=0.6),
        ]
    )

    @model_validator(mode="after")
    def _shares(self) -> Trucks:
        total = sum(w.energy_share for w in self.windows)
        if self.count and self.windows and abs(total - 1) > 1e-6:
            raise ValueError(f"expected windows' energy_share to sum to 1, found {total:g}")
        if self.count and self.energy_kwh_per_truck_day > 0 and not self.windows:
            raise ValueError("trucks need energy but no charging windows are given; expected a "
                             "list of {start_hour, end_hour, energy_share}")
        daily = self.count * self.energy_kwh_per_truck_day
        for i, w in enumerate(self.windows):
            length_h = (w.end_hour - w.start_hour) % 24 or 24.0
            need = daily * w.energy_share
            if need > self.charger_kw_total * length_h * (1 + 1e-9):
                raise ValueError(
                    f"windows[{i}]: {need:.0f} kWh (count x energy_kwh_per_truck_day x energy_share) "
                    f"cannot be charged in {length_h:g} h at charger_kw_total = "
                    f"{self.charger_kw_total:g} kW; expected at most {self.charger_kw_total * length_h:.0f} kWh"
                )
        return self


class Solver(_Strict):
    """Solver and objective options."""

    time_limit_s: Pos | None = 600.0
    mip_gap: Annotated[float, Field(ge=0, le=1)] = 1e-3
    threads: Annotated[int, Field(ge=1)] | None = None
    value_of_lost_load_usd_per_kwh: Pos = 1000.0
    integer_cranes: bool = True


class ModelInfo(_Strict):
    name: str
    description: str = ""


class Config(_Strict):
    """A validated model file, with one scenario's overrides applied."""

    model: ModelInfo
    site: Site
    horizon: Horizon
    weather: Weather = Field(default_factory=Weather)
    pv: dict[str, PVArray] = Field(default_factory=dict)
    wind: dict[str, WindUnit] = Field(default_factory=dict)
    battery: Battery = Field(default_factory=Battery)
    grid: Grid
    tariff: Tariff = Field(default_factory=Tariff)
    emissions: Emissions = Field(default_factory=Emissions)
    loads: Loads = Field(default_factory=Loads)
    cranes: Cranes = Field(default_factory=Cranes)
    vessels: Vessels = Field(default_factory=Vessels)
    yard: Yard = Field(default_factory=Yard)
    trucks: Trucks = Field(default_factory=Trucks)
    solver: Solver = Field(default_factory=Solver)
    scenarios: dict[str, dict[str, Any]] = Field(default_factory=dict)

    # set by load_config, not part of the file
    path: Path | None = Field(default=None, exclude=True)
    scenario: str = Field(default="base", exclude=True)

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


def horizon_bounds(cfg: Config) -> tuple[pd.Timestamp, pd.Timestamp]:
    """Horizon start and end as tz-aware timestamps in the site's zone."""
    tz = cfg.site.timezone

    def _ts(v: dt.date | dt.datetime) -> pd.Timestamp:
        ts = pd.Timestamp(v)
        return ts.tz_localize(tz) if ts.tzinfo is None else ts.tz_convert(tz)

    return _ts(cfg.horizon.start), _ts(cfg.horizon.end)


# --------------------------------------------------------------------- loading
_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def _fmt_loc(loc: tuple) -> str:
    """A key path as written in TOML: ``pv.roof.tilt_deg``, ``trucks.windows[0]``, ``a."odd key"``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            key = str(part) if _BARE_KEY.match(str(part)) else json.dumps(str(part))
            out += ("." if out else "") + key
    return out


def _unwrap(tp: Any) -> Any:
    """The type inside ``Annotated[...]`` and ``X | None`` (a model class when a union has one)."""
    while True:
        origin = typing.get_origin(tp)
        if origin is Annotated:
            tp = typing.get_args(tp)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            models = [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]
            if not models and len(args) > 1:
                return args[0]
            tp = models[0] if models else args[0]
        else:
            return tp


def _known_keys(loc: tuple) -> list[str]:
    """Keys the schema allows in the table holding the key at ``loc`` ([] if unknown)."""
    node: Any = Config
    for part in loc[:-1]:
        node = _unwrap(node)
        origin = typing.get_origin(node)
        if isinstance(node, type) and issubclass(node, BaseModel):
            field = node.model_fields.get(str(part))
            if field is None:
                return []
            node = field.annotation
        elif origin is dict:
            node = typing.get_args(node)[1]
        elif origin is list:
            node = typing.get_args(node)[0]
        else:
            return []
    node = _unwrap(node)
    if isinstance(node, type) and issubclass(node, BaseModel):
        return [k for k in node.model_fields if k not in ("path", "scenario")]
    return []


def _key_hint(loc: tuple) -> str:
    """'; did you mean ...?' or '; expected one of ...' for an unknown key."""
    known = _known_keys(tuple(loc))
    if not known:
        return ""
    close = difflib.get_close_matches(str(loc[-1]), known, n=2, cutoff=0.6)
    if close:
        return "; did you mean " + " or ".join(repr(c) for c in close) + "?"
    return "; expected one of " + ", ".join(known)


def _describe(err: dict) -> str:
    raw_loc = tuple(p for p in err["loc"] if p not in ("function-after",))
    typ = err["type"]
    found = err.get("input")
    if len(raw_loc) >= 2 and raw_loc[-1] in ("date", "datetime") and raw_loc[-2] in ("start", "end"):
        return (f"{_fmt_loc(raw_loc[:-1])}: expected a date (2025-01-06) or a local date-time "
                f"(2025-01-06T00:00:00), found {_short_repr(found)}")
    loc = _fmt_loc(raw_loc)
    if typ == "extra_forbidden":
        return f"{loc}: unknown key{_key_hint(err['loc'])}"
    if typ == "missing":
        return f"{loc}: missing required key; expected a value for it"
    msg = err["msg"]
    msg = msg.removeprefix("Value error, ")
    if typ in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        msg = "expected a value " + msg.replace("Input should be ", "")
    elif msg.startswith("Input should be "):
        msg = "expected " + msg.removeprefix("Input should be ")
    msg = re.sub(r"a valid dictionary or instance of \w+", "a table", " ".join(msg.split()))
    if "found" in msg or (typ == "value_error" and isinstance(found, dict)):
        return f"{loc}: {msg}" if loc else msg
    found_s = "a table" if isinstance(found, dict) else _short_repr(found)
    return f"{loc}: {msg}, found {found_s}" if loc else f"{msg}, found {found_s}"


def _short_repr(value: Any, limit: int = 80) -> str:
    """``repr`` of a found value, cut to one short line."""
    text = " ".join(repr(value).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def validation_message(where: str, exc: ValidationError) -> str:
    """One line from a pydantic error: file (and scenario), key paths, expectations.

    Unknown keys come first (a typo also makes its intended key "missing").
    """
    errs = sorted(exc.errors(include_url=False), key=lambda e: e["type"] != "extra_forbidden")
    # a typo makes its intended key "missing" too: say it once, as "did you mean"
    meant = set()
    for e in errs:
        if e["type"] == "extra_forbidden":
            loc = tuple(e["loc"])
            for key in difflib.get_close_matches(str(loc[-1]), _known_keys(loc), n=1, cutoff=0.6):
                meant.add((*loc[:-1], key))
    errs = [e for e in errs if not (e["type"] == "missing" and tuple(e["loc"]) in meant)]
    parts = list(dict.fromkeys(_describe(e) for e in errs))  # union branches may repeat a message
    more = f" (and {len(parts) - 3} more)" if len(parts) > 3 else ""
    parts = parts[:3]
    return f"{where}: " + "; ".join(parts) + more


def deep_merge(base: dict, override: dict) -> dict:
    """Merge ``override`` into a copy of ``base``: tables merge, other values replace."""
    out = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def read_model_file(path: str | Path) -> dict:
    """Parse a TOML model file into a dict; errors name the file and line."""
    path = Path(path)
    if path.is_dir():
        raise EnergyError(f"{path}: is a folder; expected a TOML model file")
    if not path.is_file():
        raise EnergyError(f"{path}: model file not found")
    try:
        # utf-8-sig: Windows editors often save a byte-order mark, which TOML itself refuses
        return tomllib.loads(path.read_bytes().decode("utf-8-sig"))
    except tomllib.TOMLDecodeError as exc:
        raise EnergyError(f"{path}: not valid TOML: {exc}; expected TOML syntax (key = value, "
                          "[table], \"quoted strings\")") from None
    except UnicodeDecodeError as exc:
        raise EnergyError(f"{path}: not valid TOML: expected UTF-8 text ({exc.reason})") from None
    except OSError as exc:
        raise EnergyError(f"{path}: cannot be read ({exc.strerror or exc}); expected a readable model file") from None


def scenario_names(raw: dict) -> list[str]:
    """Names of the scenarios a parsed model file defines (base excluded)."""
    scen = raw.get("scenarios", {})
    return list(scen) if isinstance(scen, dict) else []


def load_config(path: str | Path, scenario: str | None = None, overrides: dict | None = None) -> Config:
    """Read, merge the scenario's overrides into, and validate a model file.

    Parameters
    ----------
    path : str or Path
        The TOML model file.
    scenario : str, optional
        Name of a scenario under ``[scenarios]``; None or ``"base"`` for the base.
    overrides : dict, optional
        Nested overrides applied after the scenario's (e.g. from command-line
        options: ``{"horizon": {"resolution": "15min"}}``).

    Raises
    ------
    EnergyError
        On a missing or unparsable file, an unknown scenario, or any invalid field.
    """
    path = Path(path)
    raw = read_model_file(path)
    return config_from_dict(raw, path=path, scenario=scenario, overrides=overrides)


def config_from_dict(raw: dict, *, path: Path | None = None, scenario: str | None = None,
                     overrides: dict | None = None) -> Config:
    """Validate a parsed model (see :func:`load_config`)."""
    where = str(path) if path is not None else "<model>"
    scenarios = raw.get("scenarios", {})
    if not isinstance(scenarios, dict) or any(not isinstance(v, dict) for v in scenarios.values()):
        raise EnergyError(f"{where}: scenarios: expected tables [scenarios.NAME], found {scenarios!r}")
    data = raw
    name = scenario or "base"
    if name != "base":
        if name not in scenarios:
            known = ", ".join(["base", *scenarios]) or "base"
            raise EnergyError(f"{where}: unknown scenario {name!r}; the file defines: {known}")
        override = {k: v for k, v in scenarios[name].items() if k != "description"}
        if "scenarios" in override:
            raise EnergyError(f"{where}: scenarios.{name}.scenarios: a scenario cannot define scenarios")
        data = deep_merge(raw, override)
        where = f"{where}: scenario {name!r}"
    if overrides:
        data = deep_merge(data, overrides)
    try:
        cfg = Config.model_validate(data)
    except ValidationError as exc:
        raise EnergyError(validation_message(where, exc)) from None
    cfg.path = path
    cfg.scenario = name
    return cfg
