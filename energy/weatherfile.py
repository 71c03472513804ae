"""Weather files read onto the model's time index: EPW, TMY3 and PVGIS TMY (pvlib.iotools).

:func:`read_weather_file` returns the canonical columns of
:data:`energy.weather.WEATHER_COLUMNS` on the model index, like the synthetic weather
of :mod:`energy.weather`, plus the file's metadata.
"""

from __future__ import annotations

import datetime as _dt
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pvlib

from energy.errors import EnergyError, echo
from energy.plausible import LABEL
from energy.timegrid import average_onto, hours_since, interval_edges
from energy.weather import WEATHER_COLUMNS

WEATHER_FORMATS = ("epw", "tmy3", "pvgis_tmy")
"""File formats :func:`read_weather_file` reads (plus ``"auto"``)."""

_PVLIB_TO_CANONICAL = {
    "ghi": "ghi_w_m2",
    "dni": "dni_w_m2",
    "dhi": "dhi_w_m2",
    "temp_air": "temp_air_c",
    "wind_speed": "wind_speed_m_s",
}
_CANONICAL_TO_PVLIB = {v: k for k, v in _PVLIB_TO_CANONICAL.items()}
# plausible ranges of file values; EPW/TMY missing-data markers (9999, 99.9, 999) fall outside
_VALID_RANGE = {
    "ghi_w_m2": (-10.0, 2000.0),
    "dni_w_m2": (-10.0, 2000.0),
    "dhi_w_m2": (-10.0, 2000.0),
    "temp_air_c": (-90.0, 70.0),
    "wind_speed_m_s": (0.0, 90.0),
}


def read_weather_file(path, *, fmt: str = "auto", index: pd.DatetimeIndex, end=None):
    """Read an EPW, TMY3 or PVGIS TMY file onto the model's time index.

    The file is parsed by :mod:`pvlib.iotools` (:func:`~pvlib.iotools.read_epw`,
    :func:`~pvlib.iotools.read_tmy3`, :func:`~pvlib.iotools.read_pvgis_tmy`); then:

    * Interval labels: a record is placed on the hour it covers, labelled by its
      start. EPW hour ``h`` covers ``h-1..h`` and pvlib already labels it ``h-1``;
      TMY3 ``HH:00`` also covers the preceding hour but pvlib keeps the end label, so
      it is moved back 1 h here; PVGIS ``time(UTC)`` ``HH:00`` is taken as the start of
      the hour it describes (ERA5-based PVGIS data are hourly means centred at
      ``HH:30``; SARAH-based ones are instantaneous near ``HH:10``, see
      ``irradiance_time_offset_h`` in the metadata). Temperature and wind move with
      the irradiance of their record.
    * Time zones: records are in the file's standard time (EPW/TMY3: the UTC offset of
      the header; PVGIS: UTC) and are moved to real time before they meet the model
      index, so a UTC file read for a UTC-5 model is shifted by 5 h.
    * Typical years mix years: each hour of the model horizon (in the file's zone) takes
      the record with the same (month, day, hour), whatever the file's year; the ends
      of the year wrap around (the model's last evening of December may use the
      file's 1 January in UTC). On 29 February the file's 29 February is used if
      present, else its 28 February (TMY3 leap-day records are dropped, because pvlib
      moves them onto 1 March).
    * Resolution: each record is constant over its hour. A finer model step holds the
      value of the hour it lies in; a coarser step takes the mean of the hours it covers
      (overlap-weighted, so odd zone offsets and irregular steps are exact).

    Wind speed of all three formats is at 10 m (:data:`energy.weather.WIND_MEASUREMENT_HEIGHT_M`).

    Parameters
    ----------
    path : str or pathlib.Path
        The weather file.
    fmt : {"auto", "epw", "tmy3", "pvgis_tmy"}
        File format; ``"auto"`` guesses from the content (then the extension). PVGIS TMY
        files may be JSON, CSV or EPW as downloaded from PVGIS.
    index : pandas.DatetimeIndex
        Model interval start times, tz-aware.
    end : pandas.Timestamp, optional
        End of the last interval (see :func:`energy.timegrid.interval_edges`).

    Returns
    -------
    data : pandas.DataFrame
        Columns :data:`~energy.weather.WEATHER_COLUMNS` on ``index``.
    metadata : dict
        ``latitude``, ``longitude`` [°], ``altitude_m`` [m], ``tz_offset_h`` (UTC offset
        of the file's timestamps) [h], ``source`` (the format read), ``path``, ``name``
        (station or site name when the file gives one), ``notes`` (list of str, e.g. a
        29 February taken from 28 February) and, for PVGIS files that state it,
        ``irradiance_time_offset_h`` [h]; ``sun_shift_h`` [h] (:func:`sun_shift_h`, also in
        ``data.attrs``).

    Raises
    ------
    EnergyError
        If the file is missing or unreadable, lacks a needed column, holds values out of
        range (missing-data markers such as 9999 are not filled in), or has no record
        for an hour of the model horizon.
    """
    edges = interval_edges(index, end)
    path = Path(path)
    _check_weather_file(path)
    fmt = _resolve_format(path, fmt)
    reader = {"epw": _read_epw, "tmy3": _read_tmy3, "pvgis_tmy": _read_pvgis_tmy}[fmt]
    records, meta = reader(path)
    grid, values = _typical_year_hours(records, edges, path, meta["tz_offset_h"])
    meta["sun_shift_h"] = sun_shift_h(meta)
    meta["notes"] = _leap_day_note(records, edges, path, meta["tz_offset_h"]) + noon_warning(records, meta, path)
    data = average_onto(hours_since(grid), values, hours_since(edges, grid[0]))
    out = pd.DataFrame(data, index=index, columns=list(WEATHER_COLUMNS))
    out.attrs["sun_shift_h"] = meta["sun_shift_h"]
    return out, meta


NOON_TOLERANCE_H = 0.75
"""Largest offset of a file's irradiance from solar noon taken as right: typical-year files
peak within a few minutes of it; a wrong zone or label convention gives whole hours. [h]"""


def irradiance_noon_offset_h(records: pd.DataFrame, longitude: float, sun_shift: float = 0.0) -> float:
    """GHI-weighted mean solar time of a file's records minus 12:00: 0 when the timing is right. [h]

    Each record is taken at the middle of its (start-labelled) hour plus ``sun_shift``;
    solar time = UTC time + longitude / 15 + the equation of time (Spencer 1971).
    """
    mid = records.index.tz_convert("UTC") + pd.Timedelta(hours=0.5 + sun_shift)
    eot_min = pvlib.solarposition.equation_of_time_spencer71(mid.day_of_year.to_numpy())
    hours = mid.hour + mid.minute / 60 + mid.second / 3600
    solar = (np.asarray(hours, dtype=float) + longitude / 15.0 + np.asarray(eot_min) / 60.0) % 24.0 - 12.0
    ghi = records["ghi_w_m2"].to_numpy(dtype=float)
    return float(np.sum(ghi * solar) / np.sum(ghi)) if np.sum(ghi) > 0 else 0.0


def noon_warning(records: pd.DataFrame, meta: dict, path: Path) -> list[str]:
    """A labelled warning when the file's irradiance does not peak within the tolerance of solar noon."""
    lon = meta.get("longitude", math.nan)
    if not math.isfinite(lon):
        return []
    off = irradiance_noon_offset_h(records, lon, meta.get("sun_shift_h", 0.0))
    if abs(off) <= NOON_TOLERANCE_H:
        return []
    side = "before" if off < 0 else "after"
    return [f"{LABEL}weather file {path}: the irradiance peaks {abs(off):.1f} h {side} solar noon (file time "
            f"UTC{meta['tz_offset_h']:+g} h, longitude {lon:.2f}); expected within {NOON_TOLERANCE_H:g} h: is "
            "the file's time zone (header) or its hour labelling right?"]


def sun_shift_h(meta: dict) -> float:
    """How far from the middle of its hour a record's irradiance was taken. [h]

    EPW and TMY3 records, and PVGIS ones without an offset (ERA5: hourly means centred at
    ``HH:30``), describe the whole hour starting at their (start) label: 0. A PVGIS file
    stating an irradiance time offset ``o`` (SARAH: instantaneous values at ``HH:00 + o``)
    gives ``o - 0.5``: the PV of that hour is computed with the sun where it stood when the
    irradiance was measured (:func:`energy.solar.pv_ac_power_kw`, ``sun_shift_h``).
    """
    offset = meta.get("irradiance_time_offset_h")
    return 0.0 if offset is None else float(offset) - 0.5


def _check_weather_file(path: Path) -> None:
    """A weather file that exists, is a file, is not empty and holds text."""
    if path.is_dir():
        raise EnergyError(f"weather file {path}: is a folder; expected an EPW, TMY3 or PVGIS TMY file")
    if not path.is_file():
        raise EnergyError(
            f"weather file {path}: not found (expected an EPW, TMY3 or PVGIS TMY file)"
        )
    try:
        with path.open("rb") as fh:
            head = fh.read(65536)
    except OSError as exc:
        raise EnergyError(f"weather file {path}: cannot be opened ({exc.strerror or exc})") from None
    if not head.strip():
        raise EnergyError(f"weather file {path}: is empty; expected an EPW, TMY3 or PVGIS TMY file")
    if b"\x00" in head:
        raise EnergyError(
            f"weather file {path}: binary content, not text; expected an EPW, TMY3 or PVGIS TMY file"
        )


def _resolve_format(path: Path, fmt: str) -> str:
    """The format to read: ``fmt`` itself, or a guess from content and extension."""
    if fmt in WEATHER_FORMATS:
        return fmt
    if fmt != "auto":
        raise EnergyError(
            f"weather file {path}: format {echo(fmt)} is unknown; expected one of "
            f"auto, {', '.join(WEATHER_FORMATS)}"
        )
    head = _head(path)
    first = head[0].lstrip("\ufeff").strip() if head else ""
    if first.upper().startswith("LOCATION"):
        return "epw"
    if first.startswith("{") or first.startswith("Latitude (decimal degrees)"):
        return "pvgis_tmy"
    if len(head) > 1 and head[1].startswith("Date (MM/DD/YYYY)"):
        return "tmy3"
    suffix = path.suffix.lower()
    if suffix == ".epw":
        return "epw"
    if suffix == ".json":
        return "pvgis_tmy"
    raise EnergyError(
        f"weather file {path}: cannot tell the format from its first lines; expected an EPW, "
        f"TMY3 or PVGIS TMY file, or [weather] format = one of {', '.join(WEATHER_FORMATS)}"
    )


def _head(path: Path, lines: int = 2) -> list[str]:
    """First lines of a text file ([] if it cannot be read as text)."""
    try:
        with path.open("r", encoding="utf-8", errors="replace") as fh:
            return [fh.readline() for _ in range(lines)]
    except OSError as exc:
        raise EnergyError(f"weather file {path}: cannot be opened ({exc})") from exc


def _call_reader(func, path: Path, what: str, **kwargs):
    """Run a pvlib reader; turn any failure into an EnergyError naming the file."""
    try:
        return func(str(path), **kwargs)
    except Exception as exc:  # a third-party parser on a user's file: any failure is theirs
        if isinstance(exc, KeyError):
            detail = f"field {echo(exc.args[0])} missing" if exc.args else "a field is missing"
        elif isinstance(exc, UnicodeDecodeError):
            detail = f"not UTF-8 text ({exc.reason} at byte {exc.start})"
        else:
            text = " ".join(str(exc).split())
            detail = f"{type(exc).__name__}{': ' + text[:200] if text else ''}"
        noun = what.split(" ", 1)[1] if what.startswith(("a ", "an ")) else what
        raise EnergyError(
            f"weather file {path}: cannot be read as {what} ({detail}); expected a well-formed {noun}"
        ) from exc


def _check_first_line(path: Path, what: str, ok, expected: str) -> None:
    """Refuse a file whose first line is not what its format starts with."""
    head = _head(path, 1)
    first = head[0].lstrip("\ufeff").strip() if head else ""
    if not ok(first):
        shown = first if len(first) <= 40 else first[:37] + "..."
        raise EnergyError(
            f"weather file {path}: cannot be read as {what}; expected {expected}, found {echo(shown)}"
        )


def _canonical(data: pd.DataFrame, path: Path, what: str, lines=None) -> pd.DataFrame:
    """Keep the needed pvlib columns under canonical names; check their values."""
    missing = [name for name in _PVLIB_TO_CANONICAL if name not in data.columns]
    if missing:
        raise EnergyError(
            f"weather file {path}: {what} lacks the column(s) {', '.join(missing)} "
            "(pvlib names); expected ghi, dni, dhi, temp_air and wind_speed"
        )
    out = data[list(_PVLIB_TO_CANONICAL)].rename(columns=_PVLIB_TO_CANONICAL)
    out = out.apply(pd.to_numeric, errors="coerce")
    for column, (lo, hi) in _VALID_RANGE.items():
        values = out[column]
        bad = values.isna() | (values < lo) | (values > hi)
        if bad.any():
            pos = int(np.argmax(bad.to_numpy()))
            raw = data[_CANONICAL_TO_PVLIB[column]].iloc[pos]
            found = "an empty or non-numeric value" if pd.isna(values.iloc[pos]) else f"{float(values.iloc[pos]):g}"
            if pd.isna(values.iloc[pos]) and isinstance(raw, str) and raw.strip():
                found = repr(raw.strip())
            where = f"row {int(lines[pos])} ({values.index[pos]})" if lines is not None else f"{values.index[pos]}"
            raise EnergyError(
                f"weather file {path}: column {column} has {int(bad.sum())} missing or "
                f"out-of-range value(s), first at {where}: expected {lo:g}..{hi:g}, found {found} "
                f"(missing-data markers are not filled in)"
            )
    irradiance = ["ghi_w_m2", "dni_w_m2", "dhi_w_m2"]
    out[irradiance] = out[irradiance].clip(lower=0.0)
    return out


def _file_zone(offset_h: float) -> _dt.timezone:
    """Fixed-offset zone of a file's standard time."""
    return _dt.timezone(_dt.timedelta(hours=float(offset_h)))


_HEADER_RANGE = {"latitude": (-90.0, 90.0), "longitude": (-180.0, 180.0), "altitude_m": (-500.0, 9000.0),
                 "tz_offset_h": (-12.0, 14.0)}
"""What a weather file's header may state: coordinates, an altitude on Earth, a UTC offset."""


def _meta(path, source, latitude, longitude, altitude, tz_offset_h, name="", missing_ok=False) -> dict:
    """The metadata dict returned by :func:`read_weather_file`; header values checked.

    A header value that is not a number or outside :data:`_HEADER_RANGE` is refused (a
    PVGIS file may leave its location out: ``missing_ok``).
    """
    out = {"source": source, "path": str(path), "name": str(name).strip().strip('"')}
    for key, value in (("latitude", latitude), ("longitude", longitude), ("altitude_m", altitude),
                       ("tz_offset_h", tz_offset_h)):
        if value is None and missing_ok:
            out[key] = math.nan
            continue
        try:
            v = float(value)
        except (TypeError, ValueError):
            v = math.nan
        lo, hi = _HEADER_RANGE[key]
        if not lo <= v <= hi:
            raise EnergyError(f"weather file {path}: header {key} is {echo(value)}; expected a number "
                              f"from {lo:g} to {hi:g}")
        out[key] = v
    return out


def _read_epw(path: Path, source: str = "epw"):
    """EPW records, start-labelled (pvlib labels hour h as h-1), plus metadata."""
    _check_first_line(path, "an EPW file", lambda first: first.upper().startswith("LOCATION"),
                      "a first line starting with LOCATION")
    data, meta = _call_reader(pvlib.iotools.read_epw, path, "an EPW file")
    return _canonical(data, path, "the EPW file", lines=np.arange(9, 9 + len(data))), _meta(
        path, source, meta["latitude"], meta["longitude"], meta["altitude"], meta["TZ"],
        meta.get("city", ""),
    )


def _read_tmy3(path: Path):
    """TMY3 records, moved from pvlib's end labels to start labels, plus metadata."""
    head = _head(path, 2)
    if len(head) < 2 or not head[1].startswith("Date (MM/DD/YYYY)"):
        shown = head[1].strip()[:37] if len(head) > 1 else ""
        raise EnergyError(
            f"weather file {path}: cannot be read as a TMY3 file; expected a site line and then a "
            f"header line starting 'Date (MM/DD/YYYY)', found {echo(shown)} on line 2"
        )
    data, meta = _call_reader(pvlib.iotools.read_tmy3, path, "a TMY3 file", map_variables=True)
    data = data.set_axis(_tmy3_starts(data, path, float(meta["TZ"])))
    data = data.assign(_line=np.arange(3, 3 + len(data)))
    return _canonical(data, path, "the TMY3 file", lines=data["_line"].to_numpy()), _meta(
        path, "tmy3", meta["latitude"], meta["longitude"], meta["altitude"], meta["TZ"],
        meta.get("Name", ""),
    )


_TMY3_DATE, _TMY3_TIME = "Date (MM/DD/YYYY)", "Time (HH:MM)"


def _tmy3_starts(data: pd.DataFrame, path: Path, tz_offset_h: float) -> pd.DatetimeIndex:
    """Start of each TMY3 record's hour, from the file's own date and time columns.

    ``MM/DD/YYYY`` and ``HH:00`` (01:00..24:00) label the END of the hour, so the record
    covers hour ``HH-1`` of that date (24:00 is the last hour of the day, never the next
    day). Typical years mix years (a leap-year February among them): the year is set to
    2000, a leap year, so that a file's own 29 February is kept and nothing moves to 1 March.
    """
    if _TMY3_DATE not in data.columns or _TMY3_TIME not in data.columns:
        raise EnergyError(f"weather file {path}: TMY3 file lacks the columns {_TMY3_DATE!r} and "
                          f"{_TMY3_TIME!r}; expected both")
    date = data[_TMY3_DATE].astype(str).str.strip()
    time = data[_TMY3_TIME].astype(str).str.strip()
    parts = date.str.extract(r"^(\d{1,2})/(\d{1,2})/\d{4}$")
    hour = pd.to_numeric(time.str.extract(r"^(\d{1,2}):00$")[0], errors="coerce")
    bad = parts.isna().any(axis=1).to_numpy() | ~hour.between(1, 24).to_numpy()
    stamps = pd.to_datetime(dict(year=2000, month=pd.to_numeric(parts[0], errors="coerce"),
                                 day=pd.to_numeric(parts[1], errors="coerce"), hour=hour - 1), errors="coerce")
    bad |= stamps.isna().to_numpy()
    if bad.any():
        i = int(np.argmax(bad))
        raise EnergyError(f"weather file {path}: row {i + 3}: date {echo(date.iloc[i])} and time "
                          f"{echo(time.iloc[i])}: expected MM/DD/YYYY and HH:00 from 01:00 to 24:00")
    return pd.DatetimeIndex(stamps).tz_localize(_file_zone(tz_offset_h))


def _read_pvgis_tmy(path: Path):
    """PVGIS TMY records (JSON, CSV or EPW), UTC and start-labelled, plus metadata."""
    head = _head(path, 1)
    first = head[0].lstrip("\ufeff").strip() if head else ""
    if first.upper().startswith("LOCATION"):
        return _read_epw(path, source="pvgis_tmy")
    sub = "json" if first.startswith("{") else "csv"
    data, meta = _call_reader(
        pvlib.iotools.read_pvgis_tmy, path, f"a PVGIS TMY {sub.upper()} file", pvgis_format=sub
    )
    inputs = meta.get("inputs", {})
    location = inputs.get("location", inputs)
    if not isinstance(location, dict):
        raise EnergyError(f"weather file {path}: inputs.location is {echo(location)}; expected a table of "
                          "latitude, longitude and elevation")
    info = _meta(
        path, "pvgis_tmy", location.get("latitude"), location.get("longitude"),
        location.get("elevation"), 0.0, "PVGIS TMY", missing_ok=True,
    )
    # the CSV states "Irradiance Time Offset (h)" (pvlib: inputs["irradiance time offset"]),
    # the JSON inputs.location.irradiance_time_offset
    offset = inputs.get("irradiance time offset", location.get("irradiance_time_offset"))
    if offset is not None:
        try:
            offset = float(offset)
        except (TypeError, ValueError):
            offset = math.nan
        if not -1.0 <= offset <= 1.0:
            raise EnergyError(f"weather file {path}: irradiance time offset {echo(offset)} h; expected a "
                              "number of hours between -1 and 1 (PVGIS states about 0.1-0.5)")
        info["irradiance_time_offset_h"] = offset
    return _canonical(data, path, f"the PVGIS TMY {sub.upper()} file"), info


def _typical_year_hours(records: pd.DataFrame, edges, path: Path, tz_offset_h: float):
    """Hourly values over the model horizon, looked up by (month, day, hour) in file time.

    Returns the hourly grid edges (file zone) and an array of shape (hours, columns).
    """
    zone = _file_zone(tz_offset_h)
    local = records.index.tz_convert(zone)
    if ((local.minute != 0) | (local.second != 0)).any():
        first = local[(local.minute != 0) | (local.second != 0)][0]
        raise EnergyError(
            f"weather file {path}: expected hourly records on the hour, found one at {first}"
        )
    keys = _mdh_key(local)
    duplicated = pd.Index(keys).duplicated()
    if duplicated.any():
        first = local[duplicated][0]
        raise EnergyError(
            f"weather file {path}: expected one record per hour of the year, found a "
            f"second record for {first:%m-%d %H}:00"
        )
    table = pd.DataFrame(records.to_numpy(), index=keys, columns=records.columns)

    grid = _file_hour_grid(edges, zone)
    hours = grid[:-1]
    wanted = _mdh_key(hours)
    if not ((local.month == 2) & (local.day == 29)).any():
        feb29 = (hours.month == 2) & (hours.day == 29)
        wanted = np.where(feb29, wanted - 100, wanted)  # day 29 -> day 28
    pos = table.index.get_indexer(wanted)
    if (pos < 0).any():
        first = hours[pos < 0][0]
        raise EnergyError(
            f"weather file {path}: no record for {first:%m-%d %H}:00 "
            f"(file time, UTC{tz_offset_h:+g} h); expected a record for every hour of the model "
            f"horizon {edges[0]} .. {edges[-1]} (the file has {len(table)} hourly records)"
        )
    return grid, table.to_numpy(dtype=float)[pos]


def _leap_day_note(records: pd.DataFrame, edges, path: Path, tz_offset_h: float) -> list[str]:
    """A note when the horizon has a 29 February that the file lacks (28 February is used)."""
    zone = _file_zone(tz_offset_h)
    local = records.index.tz_convert(zone)
    if ((local.month == 2) & (local.day == 29)).any():
        return []
    span = _file_hour_grid(edges, zone)[:-1]  # the hours the lookup uses
    if ((span.month == 2) & (span.day == 29)).any():
        return [f"{path.name}: no 29 February in the file; the horizon's 29 February uses its 28 February"]
    return []


def _file_hour_grid(edges, zone) -> pd.DatetimeIndex:
    """Edges of the whole file hours (zone ``zone``) covering the horizon ``edges``.

    Its hours (all edges but the last) are the records a horizon uses: one ending at
    29 February 00:00 uses no hour of that day.
    """
    return pd.date_range(edges[0].tz_convert(zone).floor("h"), edges[-1].tz_convert(zone).ceil("h"), freq="h")


def _mdh_key(times: pd.DatetimeIndex) -> np.ndarray:
    """Integer key month*10000 + day*100 + hour of every time (its own zone)."""
    return np.asarray(times.month * 10000 + times.day * 100 + times.hour, dtype=int)
