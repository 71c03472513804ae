"""Time-series CSV files: reading, checking and resampling onto the model index.

Users bring metered load, prices and emission factors as CSV exports from meters
and spreadsheets. :func:`read_series_csv` reads one value column against one
timestamp column and checks, in this order, that

1. the file exists, is text (UTF-8, Latin-1 or UTF-16 with a BOM), not a folder,
   not empty, every row has at most the header's number of fields (a decimal
   comma in a comma-separated file would shift the columns), and has the named
   columns;
2. every timestamp parses (ISO 8601 with or without offset, or day-first dates
   such as ``31/01/2025 18:15`` when ``dayfirst = true``; ISO dates are never
   read day-first); Excel serial numbers are refused with a hint, and so is
   ``24:00`` unless timestamps mark interval ends (``timestamp_label = "end"``);
   a date and a time column may be joined (``time_column``); month-first dates
   that are unevenly spaced but evenly spaced day-first ask for ``dayfirst = true``;
3. timestamps without an offset exist in the file's zone (no DST gap or
   ambiguous hour); timestamps with an offset are converted to the model's zone;
4. every value is a number, not NaN, not negative (unless the series allows
   it); with ``decimal = ","`` a dot is accepted only as a thousands separator
   between groups of three digits (``1.234,5``), so ``2759.5`` is refused, not
   read as 27595;
5. timestamps are unique, increasing and evenly spaced (no gaps);
6. the series covers the whole model horizon.

Every failure raises :class:`~energy.errors.EnergyError` naming the file and the
row (the line number in the file, header = line 1).

Values are power (kW, MW, W) or energy per interval (kWh, MWh, Wh: divided by the
interval's length in hours to give its mean power). Timestamps marking interval
ends are moved back by one step to the interval starts the model uses.

Resampling rule onto the model resolution: when the file is finer, the value of
a model step is the **mean** of the file intervals inside it (energy-preserving
for power); when the file is coarser, each file value is **held** over the model
steps inside its interval. File and model intervals must align: a file step
that is not a multiple or divisor of the model step, or file intervals that do
not start on the model's step boundaries, are errors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from energy.errors import MAX_MAGNITUDE, EnergyError, echo
from energy.plausible import thousands_warning
from energy.timegrid import FIRST_YEAR, LAST_YEAR

_OFFSET = re.compile(r"(?:Z|[+-]\d{2}:?\d{2})$")
_NUMERIC = re.compile(r"^\s*\d+(\.\d+)?\s*$")
_DECIMAL_COMMA = re.compile(r"^[+-]?(?=[\d,])(\d*|\d{1,3}(\.\d{3})+)(,\d+)?$")

#: Energy per interval, turned into the interval's mean power: value / interval length [h].
ENERGY_UNITS: dict[str, dict[str, float]] = {"power_kw": {"kWh": 1.0, "MWh": 1000.0, "Wh": 0.001}}

UNITS: dict[str, dict[str, float]] = {
    "power_kw": {"kW": 1.0, "MW": 1000.0, "W": 0.001},
    "price_usd_per_kwh": {"USD/kWh": 1.0, "USD/MWh": 0.001},
    "emission_kg_per_kwh": {"kg/kWh": 1.0, "kgCO2/kWh": 1.0, "g/kWh": 0.001, "gCO2/kWh": 0.001, "t/MWh": 1.0, "tCO2/MWh": 1.0},
}


def fmt_step(td: pd.Timedelta) -> str:
    """A step length as people write it: '15min', '1h', '1D'."""
    secs = int(pd.Timedelta(td).total_seconds())
    if secs % 86400 == 0:
        return f"{secs // 86400}D"
    if secs % 3600 == 0:
        return f"{secs // 3600}h"
    if secs % 60 == 0:
        return f"{secs // 60}min"
    return f"{secs}s"


@dataclass
class SeriesRead:
    """A series on the model index, with notes for the run's log."""

    values: pd.Series
    notes: list[str] = field(default_factory=list)


def _line(i: int) -> int:
    """File line number of data row i (0-based), header being line 1."""
    return int(i) + 2


def check_file(path: Path, what: str) -> str | None:
    """A file that exists, is not a folder, and holds text; returns its encoding.

    UTF-8 (with or without BOM) and UTF-16 with a BOM (Excel's "Unicode text")
    are read; other 8-bit text falls back to Latin-1.
    """
    if path.is_dir():
        raise EnergyError(f"{path}: is a folder; expected a {what}")
    if not path.is_file():
        raise EnergyError(f"{path}: {what} not found")
    try:
        with path.open("rb") as fh:
            head = fh.read(65536)
    except OSError as exc:
        raise EnergyError(f"{path}: cannot be opened ({exc.strerror or exc}); expected a readable {what}") from None
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    if not head.strip():
        raise EnergyError(f"{path}: file is empty; expected a header row and data rows")
    if b"\x00" in head:
        raise EnergyError(f"{path}: binary content, not text; expected a {what} (CSV text)")
    return None


_FIELDS = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")


def read_table(path: Path, *, delimiter: str = ",", what: str = "file") -> pd.DataFrame:
    """Read a CSV file as strings; errors name the file (and the line).

    Every row must have at most as many fields as the header (a decimal comma in
    a comma-separated file would shift the columns); missing trailing fields are
    empty strings.
    """
    encoding = check_file(path, what)
    kwargs = dict(sep=delimiter, dtype=str, keep_default_na=False, skipinitialspace=True,
                  header=None, skip_blank_lines=True)
    try:
        try:
            raw = pd.read_csv(path, encoding=encoding or "utf-8", **kwargs)
        except UnicodeDecodeError:
            raw = pd.read_csv(path, encoding="latin-1", **kwargs)
    except pd.errors.EmptyDataError:
        raise EnergyError(f"{path}: file is empty; expected a header row and data rows") from None
    except (pd.errors.ParserError, ValueError, UnicodeError) as exc:
        text = str(exc).strip()
        m = _FIELDS.search(text)
        if m:
            hint = (" (is the delimiter right? a decimal comma needs another delimiter, e.g. ';')"
                    if delimiter == "," else " (is the delimiter right?)")
            raise EnergyError(
                f"{path}: row {m.group(2)}: {m.group(3)} fields; expected {m.group(1)} as in the header "
                f"with delimiter {echo(delimiter)}{hint}"
            ) from None
        msg = " ".join(text.splitlines()[-1].split()) if text else type(exc).__name__
        raise EnergyError(f"{path}: cannot parse as CSV with delimiter {echo(delimiter)}: {msg}") from None
    header = [str(c).strip().lstrip("\ufeff").strip() for c in raw.iloc[0]] if len(raw) else []
    df = raw.iloc[1:].reset_index(drop=True).fillna("")
    df.columns = header
    if df.empty:
        raise EnergyError(f"{path}: no data rows; expected a header row and data rows")
    return df


def require_columns(df: pd.DataFrame, path: Path, columns: list[str], delimiter: str) -> None:
    """Error naming the missing column and the columns found."""
    for col in columns:
        if list(df.columns).count(col) > 1:
            raise EnergyError(f"{path}: column {echo(col)} appears more than once in the header; expected it once")
        if col not in df.columns:
            found = echo(", ".join(echo(c) for c in df.columns), 240, quote=False)
            hint = ""
            if len(df.columns) == 1 and any(d in df.columns[0] for d in ";,\t"):
                hint = f" (is the delimiter right? it is {echo(delimiter)})"
            raise EnergyError(f"{path}: column {echo(col)} not found; columns are {found}{hint}")


def _parse_reason(text: str, dayfirst: bool) -> str:
    """Why pandas refuses one timestamp, when it says so briefly (e.g. a day out of range)."""
    try:
        pd.to_datetime(text, dayfirst=dayfirst, format="mixed")
    except (ValueError, TypeError, OverflowError) as exc:
        reason = str(exc).split(":")[0].split(",")[0].strip()
        if "out of range" in reason or "must be in" in reason:
            return f" ({reason})"
    return ""


def parse_timestamps(raw: pd.Series, path: Path, column: str, *, tz: str, file_tz: str,
                     dayfirst: bool = False) -> pd.DatetimeIndex:
    """Parse a column of timestamps into a tz-aware index in zone ``tz``.

    Strings with an offset (``2025-01-01T00:00-05:00``, ``...Z``) are converted;
    strings without one are read as local time of ``file_tz``.
    """
    s = raw.astype(str).str.strip()
    empty = s == ""
    if empty.any():
        i = int(np.flatnonzero(empty.to_numpy())[0])
        raise EnergyError(f"{path}: row {_line(i)}: column {echo(column)} is empty; expected a timestamp")
    numeric = s.str.match(_NUMERIC)
    if numeric.any():
        i = int(np.flatnonzero(numeric.to_numpy())[0])
        raise EnergyError(
            f"{path}: row {_line(i)}: timestamp {echo(s.iloc[i])} looks like a number (an Excel serial date?); "
            "expected a date-time such as 2025-01-31 18:15 or 2025-01-31T18:15-05:00"
        )
    has_offset = s.str.contains(_OFFSET)
    if has_offset.any() and not has_offset.all():
        i = int(np.flatnonzero((~has_offset).to_numpy())[0])
        raise EnergyError(
            f"{path}: row {_line(i)}: timestamp {echo(s.iloc[i])} has no UTC offset while others do; "
            "expected all timestamps with an offset or none"
        )
    # ISO 8601 (year first) is unambiguous: never read it day-first (2025-01-06 is not 1 June)
    iso = s.str.match(r"^\d{4}-\d{2}-\d{2}") if dayfirst else pd.Series(True, index=s.index)
    utc = bool(has_offset.all())
    parsed = pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns, UTC]" if utc else "datetime64[ns]")
    for mask, kwargs in ((iso, {"format": "ISO8601"}), (~iso, {"dayfirst": True, "format": "mixed"})):
        if mask.any():
            try:
                parsed[mask] = pd.to_datetime(s[mask], errors="coerce", utc=utc, **kwargs)
            except (ValueError, TypeError, OverflowError):
                pass
    bad = parsed.isna()
    if bad.all() and not dayfirst:
        # tolerate other unambiguous layouts (e.g. "2025/01/31 18:15")
        try:
            parsed = pd.to_datetime(s, errors="coerce", utc=bool(has_offset.all()), format="mixed")
        except (ValueError, TypeError, OverflowError):
            pass
        bad = parsed.isna()
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        hint = " (day-first dates need dayfirst = true)" if not dayfirst and "/" in s.iloc[i] else ""
        if not hint and re.search(r"\b24:00", s.iloc[i]):
            hint = (" (24:00 ends a day: for timestamps that mark the end of their interval set "
                    "timestamp_label = \"end\")")
        if not hint:
            hint = _parse_reason(s.iloc[i], dayfirst)
        raise EnergyError(
            f"{path}: row {_line(i)}: cannot parse timestamp {echo(s.iloc[i])} in column {echo(column)}; "
            f"expected ISO 8601 such as 2025-01-31 18:15{hint}"
        )
    idx = pd.DatetimeIndex(parsed)
    far = (idx.year < FIRST_YEAR) | (idx.year > LAST_YEAR)
    if far.any():
        i = int(np.flatnonzero(far)[0])
        raise EnergyError(f"{path}: row {_line(i)}: timestamp {echo(s.iloc[i])} in column {echo(column)}; "
                          f"expected a date in the years {FIRST_YEAR}-{LAST_YEAR}")
    if idx.tz is not None:
        return idx.tz_convert(tz)
    try:
        local = idx.tz_localize(file_tz, ambiguous="raise", nonexistent="raise")
    except Exception:
        for i, ts in enumerate(idx):
            try:
                pd.Timestamp(ts).tz_localize(file_tz, ambiguous="raise", nonexistent="raise")
            except Exception:
                raise EnergyError(
                    f"{path}: row {_line(i)}: local time {echo(s.iloc[i])} does not exist or is ambiguous in "
                    f"{file_tz} (a daylight-saving change); expected timestamps with a UTC offset "
                    "or in a zone without daylight saving"
                ) from None
        raise
    return local.tz_convert(tz)


def parse_numbers(raw: pd.Series, path: Path, column: str, *, decimal: str = ".",
                  allow_negative: bool = False) -> np.ndarray:
    """Parse a column of numbers; decimal comma allowed. Errors name the row."""
    s = raw.astype(str).str.strip().str.replace("\u00a0", "", regex=False)
    if decimal == ",":
        # "1.234,5" and "1234,5"; a dot is only a thousands separator between groups of 3 digits
        ok = s.str.match(_DECIMAL_COMMA)
        s = s.str.replace(".", "", regex=False).str.replace(",", ".", regex=False).where(ok, "nan")
    vals = pd.to_numeric(s, errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(vals)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        shown = raw.iloc[i]
        what = "is empty" if str(shown).strip() == "" else f"is {echo(shown)}"
        wrong_sep = ("," in str(shown) and decimal == ".") or ("." in str(shown) and decimal == ",")
        hint = f" (is the decimal separator right? it is {echo(decimal)})" if wrong_sep else ""
        raise EnergyError(f"{path}: row {_line(i)}: column {echo(column)} {what}; expected a number{hint}")
    if not allow_negative and (vals < 0).any():
        i = int(np.flatnonzero(vals < 0)[0])
        raise EnergyError(f"{path}: row {_line(i)}: column {echo(column)} is {echo(raw.iloc[i])}; expected a value >= 0")
    huge = np.abs(vals) > MAX_MAGNITUDE
    if huge.any():
        i = int(np.flatnonzero(huge)[0])
        raise EnergyError(f"{path}: row {_line(i)}: column {echo(column)} is {echo(raw.iloc[i])}; expected a number "
                          "of magnitude at most 1e12")
    return vals


def check_spacing(idx: pd.DatetimeIndex, path: Path) -> pd.Timedelta:
    """Unique, increasing, evenly spaced timestamps; returns the step."""
    if len(idx) < 2:
        raise EnergyError(f"{path}: only {len(idx)} row; expected a series of at least 2 timestamps")
    ns = idx.as_unit("ns").asi8
    d = np.diff(ns)
    if (d == 0).any():
        i = int(np.flatnonzero(d == 0)[0]) + 1
        raise EnergyError(f"{path}: row {_line(i)}: duplicate timestamp {idx[i].isoformat()}; expected unique timestamps")
    if (d < 0).any():
        i = int(np.flatnonzero(d < 0)[0]) + 1
        raise EnergyError(
            f"{path}: row {_line(i)}: timestamp {idx[i].isoformat()} is earlier than the row before "
            f"({idx[i - 1].isoformat()}); expected increasing timestamps"
        )
    step = int(np.median(d))
    off = d != step
    if off.any():
        i = int(np.flatnonzero(off)[0]) + 1
        gap = pd.Timedelta(int(d[i - 1]), unit="ns")
        kind = "gap" if d[i - 1] > step else "irregular step"
        skipped = pd.date_range(idx[i - 1], idx[i], freq=pd.Timedelta(step, unit="ns"), inclusive="neither")
        leap = " (the file skips 29 February)" if ((skipped.month == 2) & (skipped.day == 29)).any() else ""
        raise EnergyError(
            f"{path}: row {_line(i)}: {kind} of {fmt_step(gap)} before {idx[i].isoformat()}{leap}; "
            f"expected evenly spaced timestamps every {fmt_step(pd.Timedelta(step, unit='ns'))}"
        )
    return pd.Timedelta(step, unit="ns")


def to_model_index(values: np.ndarray, idx: pd.DatetimeIndex, step: pd.Timedelta, path: Path,
                   index: pd.DatetimeIndex, end: pd.Timestamp) -> tuple[np.ndarray, str | None]:
    """Cover check and resampling (mean when coarsening, hold when refining)."""
    file_end = idx[-1] + step
    if idx[0] > index[0] or file_end < end:
        raise EnergyError(
            f"{path}: covers {idx[0].isoformat()} .. {file_end.isoformat()}; expected it to cover the "
            f"model horizon {index[0].isoformat()} .. {end.isoformat()}"
        )
    model_step = pd.Timedelta(index.freq) if index.freq is not None else pd.Timedelta(index[1] - index[0])
    if (index[0] - idx[0]) % min(step, model_step):
        raise EnergyError(
            f"{path}: timestamps every {fmt_step(step)} from {idx[0].isoformat()} do not fall on the model "
            f"steps of {fmt_step(model_step)} from {index[0].isoformat()}; expected intervals that start on "
            "the model's step boundaries"
        )
    ser = pd.Series(values, index=idx)
    if step == model_step:
        out = ser.reindex(index)
        note = None
    elif step < model_step:
        if model_step % step:
            raise EnergyError(
                f"{path}: step {fmt_step(step)} does not divide the model resolution {fmt_step(model_step)}; "
                f"expected a file step such as {fmt_step(model_step)} or a divisor of it"
            )
        sel = ser[(ser.index >= index[0]) & (ser.index < end)]
        out = sel.groupby((sel.index - index[0]) // model_step).mean()  # model step k -> group k
        if len(out) != len(index):
            raise EnergyError(
                f"{path}: timestamps every {fmt_step(step)} starting {idx[0].isoformat()} do not align with "
                f"the model steps of {fmt_step(model_step)}; expected timestamps on the model's step boundaries"
            )
        note = f"{path.name}: resampled from {fmt_step(step)} to {fmt_step(model_step)} by the mean of each step"
    else:
        if step % model_step:
            raise EnergyError(
                f"{path}: step {fmt_step(step)} is not a multiple of the model resolution {fmt_step(model_step)}; "
                f"expected a file step that the model step divides"
            )
        out = ser.reindex(ser.index.union(index)).ffill().reindex(index)
        note = f"{path.name}: refined from {fmt_step(step)} to {fmt_step(model_step)} by holding each value"
    if out.isna().any():
        i = int(np.flatnonzero(out.isna().to_numpy())[0])
        raise EnergyError(
            f"{path}: no value for model step {index[i].isoformat()}; the file's timestamps do not align "
            f"with the model steps of {fmt_step(model_step)}; expected timestamps on the model's step boundaries"
        )
    return out.to_numpy(dtype=float), note


def read_series_csv(spec, index: pd.DatetimeIndex, end: pd.Timestamp, *, quantity: str,
                    path: Path | None = None, allow_negative: bool = False) -> SeriesRead:
    """Read a time-series CSV described by a :class:`~energy.config.SeriesFile`.

    Parameters
    ----------
    spec : energy.config.SeriesFile
        File, columns, units, time zone, delimiter, decimal separator.
    index : pandas.DatetimeIndex
        The model's step starts (tz-aware).
    end : pandas.Timestamp
        End of the model horizon (exclusive).
    quantity : {"power_kw", "price_usd_per_kwh", "emission_kg_per_kwh"}
        What the values are; selects the accepted units and the conversion.
    path : Path, optional
        The resolved file path (default ``spec.file``).
    allow_negative : bool
        Accept negative values (prices).

    Returns
    -------
    SeriesRead
        Values on the model index, in the canonical unit of ``quantity``.
    """
    path = Path(path if path is not None else spec.file)
    units = {**UNITS[quantity], **ENERGY_UNITS.get(quantity, {})}
    if spec.units not in units:
        raise EnergyError(f"{path}: units {echo(spec.units)} not understood; expected one of {', '.join(units)}")
    df = read_table(path, delimiter=spec.delimiter, what="time-series file")
    time_col = getattr(spec, "time_column", None)
    require_columns(df, path, [spec.timestamp_column, *([time_col] if time_col else []), spec.value_column],
                    spec.delimiter)
    label = getattr(spec, "timestamp_label", "start")
    idx, step = _meter_times(df, spec, path, str(index.tz), time_col, label)
    vals = parse_numbers(df[spec.value_column], path, spec.value_column, decimal=spec.decimal,
                         allow_negative=allow_negative) * units[spec.units]
    if spec.units in ENERGY_UNITS.get(quantity, {}):
        vals = vals / (step / pd.Timedelta(hours=1))  # energy per interval -> mean power
    out, note = to_model_index(vals, idx, step, path, index, end)
    notes = [note] if note else []
    if spec.decimal == ",":
        notes += thousands_warning(df[spec.value_column], f"{path}: column {echo(spec.value_column)}")
    return SeriesRead(pd.Series(out, index=index), notes)


_HOUR_24 = re.compile(r"^(.*?)(?:[ T])?24:00(?::00)?$")


def _meter_times(df: pd.DataFrame, spec, path: Path, tz: str, time_col: str | None,
                 label: str) -> tuple[pd.DatetimeIndex, pd.Timedelta]:
    """Interval starts of a series file, and its step.

    Joins a date and a time column (``Fecha;Hora``), reads ``24:00`` as the next
    day's midnight when timestamps mark interval ends, shifts interval ends back to
    starts, and, when month-first timestamps are not evenly spaced but day-first
    ones would be, says to set ``dayfirst = true``.
    """
    raw = df[spec.timestamp_column].astype(str).str.strip()
    column = spec.timestamp_column
    if time_col:
        raw = raw + " " + df[time_col].astype(str).str.strip()
        column = f"{spec.timestamp_column} + {time_col}"
    next_day = np.zeros(len(raw), dtype=bool)
    if label == "end":
        m = raw.str.extract(_HOUR_24)[0]
        next_day = m.notna().to_numpy()
        raw = raw.where(~next_day, m.fillna("").str.strip() + " 00:00")

    def parse(dayfirst: bool) -> tuple[pd.DatetimeIndex, pd.Timedelta]:
        idx = parse_timestamps(raw, path, column, tz=tz, file_tz=spec.timezone, dayfirst=dayfirst)
        if next_day.any():
            idx = idx + pd.to_timedelta(next_day.astype(int), unit="D")
        step = check_spacing(idx, path)
        return (idx - step if label == "end" else idx), step

    try:
        return parse(spec.dayfirst)
    except EnergyError as exc:
        if spec.dayfirst or not raw.str.contains(r"^\d{1,2}[/.]\d{1,2}[/.]\d{2,4}").any():
            raise
        try:
            parse(True)
        except EnergyError:
            raise exc from None
        raise EnergyError(
            f"{path}: timestamps in column {column!r} such as {raw.iloc[0]!r} are not evenly spaced when read "
            "month first, but they are when read day first; expected dayfirst = true for this file"
        ) from None


def read_vessel_calls(spec, tz: str, *, path: Path | None = None, pool_size: int | None = None) -> pd.DataFrame:
    """Read a vessel-call CSV described by :class:`~energy.config.VesselCallsFile`.

    Returns
    -------
    pandas.DataFrame
        Columns ``vessel, arrival, departure, moves, max_cranes`` and ``row`` (the
        file line, for messages); arrival and departure tz-aware in ``tz``.
    """
    path = Path(path if path is not None else spec.file)
    df = read_table(path, delimiter=spec.delimiter, what="vessel-call file")
    cols = [spec.arrival_column, spec.departure_column, spec.moves_column, spec.max_cranes_column]
    require_columns(df, path, cols + ([spec.name_column] if spec.name_column else []), spec.delimiter)
    arr = parse_timestamps(df[spec.arrival_column], path, spec.arrival_column, tz=tz,
                           file_tz=spec.timezone, dayfirst=spec.dayfirst)
    dep = parse_timestamps(df[spec.departure_column], path, spec.departure_column, tz=tz,
                           file_tz=spec.timezone, dayfirst=spec.dayfirst)
    moves = parse_numbers(df[spec.moves_column], path, spec.moves_column)
    cranes = parse_numbers(df[spec.max_cranes_column], path, spec.max_cranes_column)
    for i in range(len(df)):
        if dep[i] <= arr[i]:
            raise EnergyError(
                f"{path}: row {_line(i)}: departure {dep[i].isoformat()} is not after arrival "
                f"{arr[i].isoformat()}; expected departure > arrival"
            )
        if moves[i] <= 0:
            raise EnergyError(f"{path}: row {_line(i)}: {spec.moves_column} is {moves[i]:g}; expected a number of moves > 0")
        if cranes[i] < 1 or cranes[i] != int(cranes[i]):
            raise EnergyError(f"{path}: row {_line(i)}: {spec.max_cranes_column} is {cranes[i]:g}; expected a whole number >= 1")
        if pool_size is not None and cranes[i] > pool_size:
            raise EnergyError(
                f"{path}: row {_line(i)}: {spec.max_cranes_column} is {int(cranes[i])}; the port has only "
                f"{pool_size} ship-to-shore cranes (cranes.sts.count); expected at most {pool_size}"
            )
    names = (df[spec.name_column].astype(str).str.strip() if spec.name_column
             else pd.Series([f"call_{i + 1:03d}" for i in range(len(df))]))
    if names.duplicated().any():
        i = int(np.flatnonzero(names.duplicated().to_numpy())[0])
        raise EnergyError(f"{path}: row {_line(i)}: vessel name {echo(names.iloc[i])} repeats; expected unique names")
    return pd.DataFrame({
        "vessel": names.to_numpy(),
        "arrival": arr,
        "departure": dep,
        "moves": moves,
        "max_cranes": cranes.astype(int),
        "row": [_line(i) for i in range(len(df))],
    })
