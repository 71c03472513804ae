"""Reading a finished run folder back: its dispatch and jobs tables, summary and assumptions.

The inverse of what :func:`energy.runner.write_run` writes (see :mod:`energy.report`),
used to redraw a run's report without solving (:func:`energy.plots.rebuild_report`).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from energy.errors import EnergyError
from energy.periods import _get

__all__ = ["RUN_FILES", "read_run"]

RUN_FILES = ("dispatch.csv", "jobs.csv", "summary.json", "assumptions.json")


def _read_json(run_dir: Path, name: str) -> dict:
    path = run_dir / name
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise EnergyError(f"{run_dir}: {name} is not readable JSON ({exc})") from exc
    if not isinstance(data, dict):
        raise EnergyError(f"{run_dir}: {name} should hold a JSON object, found {type(data).__name__}")
    return data


def _parse_times(values: pd.Series, tz, where: str) -> pd.DatetimeIndex:
    try:
        t = pd.DatetimeIndex(pd.to_datetime(values.astype(str), utc=True, format="ISO8601"))
    except (ValueError, TypeError) as exc:
        raise EnergyError(f"{where}: timestamps should be ISO 8601 with an offset, e.g. "
                          f"2025-01-01T00:00:00-05:00 ({exc})") from exc
    if t.isna().any():
        raise EnergyError(f"{where}: row {int(np.flatnonzero(t.isna())[0]) + 2} has no timestamp")
    return t.tz_convert(tz)


def read_run(run_dir: Path) -> tuple[pd.DataFrame, pd.DataFrame, dict, dict]:
    """Read a finished run folder: ``(dispatch, jobs, summary, assumptions)``.

    Raises
    ------
    energy.errors.EnergyError
        A missing or unreadable file, naming the folder and the file.
    """
    run_dir = Path(run_dir)
    if not run_dir.is_dir():
        raise EnergyError(f"{run_dir}: not a folder; expected a run folder holding {', '.join(RUN_FILES)}")
    missing = [f for f in RUN_FILES if not (run_dir / f).is_file()]
    if missing:
        raise EnergyError(f"{run_dir}: not a complete run folder, missing {', '.join(missing)}")
    summary = _read_json(run_dir, "summary.json")
    if not isinstance(summary.get("kpis"), dict):
        raise EnergyError(f"{run_dir}: summary.json has no 'kpis' object")
    assumptions = _read_json(run_dir, "assumptions.json")
    tz = _get(assumptions, "site", "timezone", default="UTC")
    where = f"{run_dir / 'dispatch.csv'}"
    try:
        raw = pd.read_csv(run_dir / "dispatch.csv")
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        raise EnergyError(f"{where}: not a readable CSV ({exc})") from exc
    need = ["timestamp", "dt_h", "grid_import_kw", "fixed_load_kw"]
    lacking = [c for c in need if c not in raw.columns]
    if lacking or not len(raw):
        what = f"missing column(s) {', '.join(lacking)}" if lacking else "no rows"
        raise EnergyError(f"{where}: expected a dispatch table, found {what}")
    try:
        tz_ok = pd.Timestamp("2025-01-01", tz=tz).tz
    except (LookupError, ValueError, TypeError) as exc:
        raise EnergyError(f"{run_dir / 'assumptions.json'}: site.timezone {tz!r} is not a time zone") from exc
    idx = _parse_times(raw["timestamp"], tz_ok, where)
    dispatch = raw.drop(columns="timestamp").set_index(idx)
    dispatch.index.name = None
    for c in dispatch.columns:
        if c != "is_peak" and not pd.api.types.is_numeric_dtype(dispatch[c]):
            raise EnergyError(f"{where}: column {c} should be numeric, found text")
    if "is_peak" in dispatch.columns:
        dispatch["is_peak"] = pd.to_numeric(dispatch["is_peak"], errors="coerce").fillna(0).astype(bool)
    jpath = run_dir / "jobs.csv"
    try:
        jobs = pd.read_csv(jpath)
    except pd.errors.EmptyDataError:
        jobs = pd.DataFrame(columns=["job", "pool", "kind", "timestamp", "cranes", "moves", "energy_kwh"])
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        raise EnergyError(f"{jpath}: not a readable CSV ({exc})") from exc
    if len(jobs) and "timestamp" in jobs.columns:
        jobs["timestamp"] = _parse_times(jobs["timestamp"], tz_ok, str(jpath))
    return dispatch, jobs, summary, assumptions
