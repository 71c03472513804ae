"""The run folder: writing it (:func:`write_run`) and reading it back (:func:`read_run`).

A run folder ``<reports>/<model>/<scenario>/`` holds ``dispatch.csv`` and its column
dictionary ``dispatch_columns.csv``, ``jobs.csv``, ``calls.csv`` (one row per vessel call),
``assumptions.json`` (every parameter that drove the run, and the ``bill_rates`` the
optimisation used), ``summary.csv``, the plots and ``report.html``, and last
``summary.json``, whose presence marks it complete. It is written in a hidden staging
folder and renamed into place (:func:`energy.report.files.staged_folder`).
:func:`rebuild_report` redraws a finished folder's plots and report from its files alone.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from energy.errors import EnergyError, echo
from energy.kpis import dispatch_column
from energy.report import files
from energy.report.columns import column_dictionary
from energy.report.periods import monthly_table
from energy.report.tools import lookup
from energy.timegrid import months_of

__all__ = ["RUN_FILES", "emissions_by_month", "read_calls", "read_run", "rebuild_report", "rounded_moves",
           "summary_row", "write_run"]

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
    tz = lookup(assumptions, "site", "timezone", default="UTC")
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
        raise EnergyError(f"{run_dir / 'assumptions.json'}: site.timezone {echo(tz)} is not a time zone") from exc
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
        jobs = pd.read_csv(jpath, dtype={"job": str})
    except pd.errors.EmptyDataError:
        jobs = pd.DataFrame(columns=["job", "pool", "kind", "timestamp", "cranes", "moves", "energy_kwh"])
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        raise EnergyError(f"{jpath}: not a readable CSV ({exc})") from exc
    if len(jobs) and "timestamp" in jobs.columns:
        jobs["timestamp"] = _parse_times(jobs["timestamp"], tz_ok, str(jpath))
    return dispatch, jobs, summary, assumptions


def summary_row(kpis: dict) -> dict:
    """KPIs as one flat row (scalars only)."""
    return {k: v for k, v in kpis.items() if np.isscalar(v) or v is None}


#: Decimals kept for container moves in CSV files (a hundredth of a move; the solver's
#: round-off, e.g. 23.9999997, disappears). Cranes working are whole numbers already.
MOVES_DECIMALS = 2


def rounded_moves(df: pd.DataFrame) -> pd.DataFrame:
    """A copy with move columns (``crane_moves_<pool>``, ``moves``) rounded to :data:`MOVES_DECIMALS`."""
    out = df.copy()
    for c in out.columns:
        if c == "moves" or c.startswith("crane_moves_"):
            out[c] = out[c].astype(float).round(MOVES_DECIMALS)
    return out


def _calls_csv(calls: pd.DataFrame) -> pd.DataFrame:
    out = rounded_moves(calls).rename(columns={"moves_planned": "moves_planned"})
    for c in ("arrival", "departure", "first_work_step", "last_work_step"):
        t = pd.DatetimeIndex(out[c])
        out[c] = [s if ok else "" for s, ok in zip(files.iso_index(t), ~t.isna(), strict=True)]
    return out


def read_calls(run_dir: Path, tz) -> pd.DataFrame | None:
    """``calls.csv`` of a run folder (timestamps tz-aware, vessel names as text), or None."""
    path = Path(run_dir) / "calls.csv"
    if not path.is_file():
        return None
    try:
        calls = pd.read_csv(path, dtype={"vessel": str})
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        raise EnergyError(f"{path}: not a readable CSV ({exc})") from exc
    for c in ("arrival", "departure"):
        calls[c] = _parse_times(calls[c], tz, str(path))
    return calls


def emissions_by_month(dispatch: pd.DataFrame) -> dict:
    """Emissions per calendar month under the decision, average and marginal factors. [tCO2]

    Returns
    -------
    dict
        ``{"2025-01": {"emissions_tco2": ..., "emissions_average_tco2": ...,
        "emissions_marginal_tco2": ...}, ...}`` (a factor column the table lacks is left out).
    """
    codes, months = months_of(dispatch.index)
    dt = dispatch["dt_h"].to_numpy(dtype=float)
    imp = dispatch_column(dispatch, "grid_import_kw")
    out = {str(p): {} for p in months}
    for key, col in (("emissions_tco2", "grid_emission_kg_per_kwh"),
                     ("emissions_average_tco2", "grid_emission_average_kg_per_kwh"),
                     ("emissions_marginal_tco2", "grid_emission_marginal_kg_per_kwh")):
        if col not in dispatch.columns:
            continue
        t = np.bincount(codes, weights=dt * imp * dispatch_column(dispatch, col), minlength=len(months)) / 1000.0
        for p, v in zip(months, t, strict=True):
            out[str(p)][key] = float(v)
    return out


def write_run(folder: Path, *, dispatch: pd.DataFrame, jobs: pd.DataFrame, kpis: dict, assumptions: dict,
              model: str, scenario: str, overwrite: bool, plots: bool, week: str | None = None,
              progress=None, provenance: dict | None = None, calls: pd.DataFrame | None = None,
              cashflow: pd.DataFrame | None = None) -> Path:
    """Write a run folder atomically: tables, assumptions, plots, then ``summary.json`` last.

    ``cashflow`` (the yearly cash flow against business as usual) is written as
    ``cashflow.csv`` when given.

    Raises
    ------
    energy.errors.EnergyError
        ``folder`` holds an earlier run and ``overwrite`` is False.
    """
    if progress:
        progress("write")
    with files.staged_folder(folder, overwrite=overwrite) as stage:
        table = files.series_frame(rounded_moves(dispatch))
        files.write_csv(stage / "dispatch.csv", table)
        files.write_csv(stage / "dispatch_columns.csv", column_dictionary(table.columns))
        jobs_csv = rounded_moves(jobs)
        if "timestamp" in jobs_csv.columns and len(jobs_csv):
            jobs_csv["timestamp"] = files.iso_index(pd.DatetimeIndex(jobs_csv["timestamp"]))
        files.write_csv(stage / "jobs.csv", jobs_csv)
        files.write_json(stage / "assumptions.json", assumptions)
        if calls is not None:
            files.write_csv(stage / "calls.csv", _calls_csv(calls))
        files.write_csv(stage / "monthly.csv", monthly_table(dispatch, assumptions).reset_index()
                        .assign(month=lambda t: t["month"].astype(str)), float_format=None)
        if cashflow is not None:
            files.write_csv(stage / "cashflow.csv", cashflow, float_format=None)
        if plots:
            if progress:
                progress("plots")
            from energy.report.plots import write_run_plots

            write_run_plots(stage, dispatch, jobs, kpis, assumptions, week=week, model_name=model,
                            scenario=scenario, calls=calls, cashflow=cashflow)
        prov = {"model": model, "scenario": scenario, **(provenance or {})}
        files.write_csv(stage / "summary.csv", pd.DataFrame([{**prov, **summary_row(kpis)}]),
                        float_format=None)
        # summary.json last: its presence marks a complete run folder
        files.write_json(stage / files.COMPLETE_MARK, {**prov, "kpis": kpis,
                                                       "emissions_by_month_tco2": emissions_by_month(dispatch)})
    return Path(folder)


def rebuild_report(run_dir: Path, week: str | None = None) -> Path:
    """Redraw the figures and ``report.html`` of a finished run from its files alone.

    Parameters
    ----------
    run_dir : Path
        A run folder holding ``dispatch.csv``, ``jobs.csv``, ``summary.json`` and
        ``assumptions.json``.
    week : str, optional
        ISO date of a week to draw instead of the default weeks.

    The dispatch-week plots of the earlier report that this one does not draw
    (the default summer and winter weeks when ``week`` is given, or an earlier
    chosen week) are removed, so the folder holds what its report shows.

    Returns
    -------
    Path
        The ``report.html`` written.

    Raises
    ------
    energy.errors.EnergyError
        When the folder is not a complete run (the message names the folder and
        the missing or bad file).
    """
    from energy.report.plots import write_run_plots

    run_dir = Path(run_dir)
    dispatch, jobs, summary, assumptions = read_run(run_dir)
    cashflow = None
    if (run_dir / "cashflow.csv").is_file():
        try:
            cashflow = pd.read_csv(run_dir / "cashflow.csv")
        except (OSError, ValueError, pd.errors.ParserError) as exc:
            raise EnergyError(f"{run_dir / 'cashflow.csv'}: not a readable CSV ({exc})") from exc
    calls = read_calls(run_dir, dispatch.index.tz)
    paths = write_run_plots(run_dir, dispatch, jobs, summary["kpis"], assumptions, week,
                            model_name=summary.get("model"), scenario=summary.get("scenario"),
                            calls=calls, cashflow=cashflow)
    drawn = {p.name for p in paths}
    for old in run_dir.glob("dispatch*.png"):  # week plots this report replaced (e.g. by --week)
        if old.name not in drawn:
            old.unlink()
    return paths[-1]
