"""Scenario comparison: run the base and named scenarios, side by side in one CSV.

``compare`` validates every requested scenario first (a bad override fails its
own row, not the batch), computes the weather each distinct weather setting
needs once, runs the scenarios serially or in worker processes, and writes
``<out>/<model>/comparison.csv`` plus each scenario's own run folder.
Results do not depend on the number of workers: each scenario is an independent,
deterministic solve.
"""

from __future__ import annotations

import math
import multiprocessing as mp
import queue
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from energy.config import load_config, read_model_file, scenario_names
from energy.errors import EnergyError
from energy.report import files

DELTA_KPIS = ("total_cost_usd", "emissions_tco2", "grid_import_mwh", "peak_import_kw")
TIMING_COLUMNS = ("build_s", "solve_s", "extract_s", "inputs_s", "elapsed_s")
LEAD_COLUMNS = ("scenario", "description", "status", "error")


@dataclass
class _Task:
    model: str
    scenario: str
    out: str | None
    overwrite: bool
    plots: bool
    options: dict


def _run_one(task: _Task, cache: dict | None, events=None) -> dict:
    """Run one scenario; never raises: failures become a row with the error."""
    from energy.runner import run

    t0 = time.perf_counter()

    def progress(phase: str) -> None:
        if events is not None:
            events.put((task.scenario, phase, time.perf_counter() - t0))

    try:
        rr = run(task.model, task.scenario, out=task.out, overwrite=task.overwrite, plots=task.plots,
                 cache=cache, progress=progress, **task.options)
        row = {"scenario": task.scenario, "error": "", **_scalar(rr.kpis)}
        progress("done")
    except EnergyError as exc:
        row = {"scenario": task.scenario, "status": "failed", "error": str(exc)}
        progress("failed")
    except Exception as exc:
        row = {"scenario": task.scenario, "status": "failed", "error": f"internal error: {type(exc).__name__}: {exc}"}
        progress("failed")
    row["elapsed_s"] = round(time.perf_counter() - t0, 3)
    return row


def _scalar(kpis: dict) -> dict:
    return {k: v for k, v in kpis.items() if v is None or isinstance(v, str | int | float | bool)}


def _worker_init(cache: dict) -> None:
    global _WORKER_CACHE
    _WORKER_CACHE = cache


_WORKER_CACHE: dict | None = None


def _run_in_worker(task: _Task, events) -> dict:
    return _run_one(task, _WORKER_CACHE, events)


def comparison_table(rows: list[dict], descriptions: dict[str, str]) -> pd.DataFrame:
    """One row per scenario, base first, with differences from the base.

    For each KPI k in :data:`DELTA_KPIS`: ``k_delta`` = scenario - base and
    ``k_delta_pct`` = 100 x delta / base (empty when the base failed or is 0).
    """
    df = pd.DataFrame(rows)
    df["description"] = df["scenario"].map(descriptions).fillna("")
    if "status" not in df:
        df["status"] = "failed"
    df["error"] = df.get("error", pd.Series("", index=df.index)).fillna("")
    base = df[df["scenario"] == "base"]
    for k in DELTA_KPIS:
        if k not in df:
            df[k] = math.nan
        b = float(base[k].iloc[0]) if len(base) and pd.notna(base[k].iloc[0]) else math.nan
        df[f"{k}_delta"] = df[k] - b
        df[f"{k}_delta_pct"] = (100.0 * (df[k] - b) / b) if b and not math.isnan(b) else math.nan
    order = list(LEAD_COLUMNS) + [c for c in df.columns if c not in LEAD_COLUMNS]
    return df[order].reset_index(drop=True)


class _Display:
    """Progress per scenario: a live table on a terminal, plain lines otherwise."""

    def __init__(self, names: list[str], mode: str):
        self.mode = mode
        self.state = {n: ("queued", 0.0) for n in names}
        self.t0 = time.perf_counter()
        self.live = None
        if mode == "live":
            from rich.live import Live

            self.live = Live(self._table(), refresh_per_second=4, transient=False)
            self.live.start()

    def _table(self):
        from rich.table import Table

        t = Table(title="scenarios", show_lines=False)
        t.add_column("scenario")
        t.add_column("state")
        t.add_column("elapsed [s]", justify="right")
        colours = {"done": "green", "failed": "red", "queued": "dim"}
        for n, (s, e) in self.state.items():
            t.add_row(n, f"[{colours.get(s, 'yellow')}]{s}[/]", f"{e:.1f}" if s != "queued" else "")
        return t

    def update(self, name: str, phase: str, elapsed: float) -> None:
        self.state[name] = (phase, elapsed)
        if self.mode == "live":
            self.live.update(self._table())
        elif self.mode == "plain":
            print(f"[{time.perf_counter() - self.t0:7.1f} s] {name}: {phase}", flush=True)

    def close(self) -> None:
        if self.live is not None:
            self.live.stop()


def compare(model_path: str | Path, scenarios: list[str] | None = None, jobs: int = 1, *,
            out: str | Path | None = None, overwrite: bool = False, plots: bool = True,
            progress: str = "auto", write: bool = True, overrides: dict | None = None,
            **options) -> pd.DataFrame:
    """Run the base and scenarios of a model and return the comparison table.

    Parameters
    ----------
    model_path : str or Path
        The model file.
    scenarios : list of str, optional
        Scenario names; default all the file defines. The base always runs.
    jobs : int
        Worker processes (1 = serial in this process).
    out : str or Path, optional
        Reports folder (default ``reports``).
    overwrite : bool
        Replace earlier run folders and comparison files.
    plots : bool
        Write plots and HTML reports.
    progress : {"auto", "live", "plain", "none"}
        Progress display; ``auto`` is live on a terminal, plain otherwise.
    overrides : dict, optional
        Model keys set on top of every scenario (``--set``), validated like the file.
    **options
        Run options passed to :func:`energy.runner.run` (start, end, resolution,
        time_limit_s, mip_gap, threads).

    Returns
    -------
    pandas.DataFrame
        One row per scenario (see :func:`comparison_table`); ``df.attrs`` holds
        ``path`` (the CSV written) and ``failed`` (names of failed scenarios).
    """
    from energy.runner import horizon_overrides, model_reports_dir

    model_path = Path(model_path)
    raw = read_model_file(model_path)
    names, descriptions = _scenario_list(model_path, raw, scenarios)
    hov = horizon_overrides(options.get("start"), options.get("end"), options.get("resolution"), overrides)
    base_cfg = load_config(model_path, "base", hov)
    folder = model_reports_dir(base_cfg, out)
    if write and not overwrite:
        for n in names:
            files.check_writable(folder / n, overwrite=False)
        if (folder / "comparison.csv").exists():
            raise EnergyError(f"{folder / 'comparison.csv'}: exists; pass --overwrite to replace it")
    cache = _shared_weather(model_path, names, hov)
    run_opts = {k: v for k, v in options.items() if v is not None}
    # one HiGHS thread per run unless asked otherwise: workers then use the cores, and a
    # serial and a parallel comparison solve the very same way (identical results)
    run_opts.setdefault("threads", 1)
    if overrides:
        run_opts["overrides"] = overrides
    tasks = [_Task(str(model_path), n, None if out is None else str(out), overwrite, plots, run_opts)
             for n in names]
    mode = progress if progress != "auto" else ("live" if sys.stdout.isatty() else "plain")
    display = _Display(names, mode)
    try:
        rows = _run_tasks(tasks, jobs, cache, display)
    finally:
        display.close()
    table = comparison_table([rows[n] for n in names], descriptions)
    table.attrs["failed"] = [n for n in names if rows[n].get("status") == "failed"]
    if write:
        path = files.write_csv(folder / "comparison.csv", table, float_format=None)
        table.attrs["path"] = path
        if plots:
            from energy.report.plots import write_comparison_report

            write_comparison_report(folder, table, base_cfg.model.name)
    return table


def _scenario_list(model_path: Path, raw: dict, scenarios: list[str] | None) -> tuple[list[str], dict]:
    """The base and the asked-for scenarios (default all), in order, and their descriptions."""
    known = scenario_names(raw)
    names = list(known) if scenarios is None else list(scenarios)
    unknown = [n for n in names if n != "base" and n not in known]
    if unknown:
        raise EnergyError(f"{model_path}: unknown scenario {unknown[0]!r}; the file defines: "
                          f"{', '.join(['base', *known])}")
    names = ["base"] + [n for n in dict.fromkeys(names) if n != "base"]
    descriptions = {"base": str(raw.get("model", {}).get("description", ""))}
    for n in names[1:]:
        descriptions[n] = str(raw["scenarios"][n].get("description", ""))
    return names, descriptions


def _shared_weather(model_path: Path, names: list[str], hov: dict) -> dict:
    """Weather of every distinct weather setting, computed once and handed to every run."""
    from energy.build import build_weather
    from energy.config import horizon_bounds

    cache: dict = {}
    for n in names:
        try:
            cfg = load_config(model_path, n, hov)
            build_weather(cfg, cfg.index(), horizon_bounds(cfg)[1], cache)
        except EnergyError:
            pass  # reported by that scenario's own run
    return cache


def _run_tasks(tasks: list[_Task], jobs: int, cache: dict, display: _Display) -> dict[str, dict]:
    """Run the scenarios serially (jobs <= 1) or in ``jobs`` spawned worker processes."""
    rows: dict[str, dict] = {}
    if jobs <= 1:
        direct = _Direct(display)
        for t in tasks:
            rows[t.scenario] = _run_one(t, cache, direct)
        return rows
    ctx = mp.get_context("spawn")
    with ctx.Manager() as manager:
        events = manager.Queue()
        done = threading.Event()
        pump = threading.Thread(target=_pump, args=(events, display, done), daemon=True)
        pump.start()
        with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=_worker_init,
                                 initargs=(cache,)) as pool:
            futs = {t.scenario: pool.submit(_run_in_worker, t, events) for t in tasks}
            for n, f in futs.items():
                rows[n] = f.result()
        done.set()
        pump.join()
    return rows


class _Direct:
    """Progress events of a serial run go straight to the display."""

    def __init__(self, display: _Display):
        self.display = display

    def put(self, event: tuple) -> None:
        self.display.update(*event)


def _pump(events, display: _Display, done: threading.Event) -> None:
    while True:
        try:
            name, phase, elapsed = events.get(timeout=0.1)
        except queue.Empty:
            if done.is_set():
                return
            continue
        except (EOFError, OSError):
            return
        display.update(name, phase, elapsed)
