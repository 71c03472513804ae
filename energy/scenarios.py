"""Scenario comparison: run the base and named scenarios, side by side in one CSV.

``compare`` validates every requested scenario first (a bad override fails its
own row, not the batch), sends each scenario as data (:mod:`energy.tasks`) to
the executor layer (:mod:`energy.executors`: serially, in worker processes or on
a Dask cluster), and writes ``<out>/<model>/comparison.csv`` plus each
scenario's own run folder (the driver writes them; workers only compute).
Results do not depend on the number of workers: each scenario is an independent,
deterministic solve with one HiGHS thread.
"""

from __future__ import annotations

import ast
import inspect
import math
import sys
import time
from pathlib import Path

import pandas as pd

from energy.config import load_config, read_model_file, scenario_names
from energy.config.schema import scenario_name
from energy.errors import EnergyError, echo
from energy.report import files

DELTA_KPIS = ("total_cost_usd", "emissions_tco2", "grid_import_mwh", "peak_import_kw", "lcc_usd")
TIMING_COLUMNS = ("build_s", "solve_s", "extract_s", "inputs_s", "elapsed_s")
LEAD_COLUMNS = ("scenario", "description", "status", "error")


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
    """Progress per scenario: a live table on a terminal, plain lines otherwise; k of N done and an ETA."""

    def __init__(self, names: list[str], mode: str):
        self.mode = mode
        self.state = {n: ("queued", 0.0) for n in names}
        self.t0 = time.perf_counter()
        self.live = None
        if mode == "live":
            from rich.live import Live

            self.live = Live(self._table(), refresh_per_second=4, transient=False)
            self.live.start()

    def finished(self) -> int:
        """Scenarios done or failed."""
        return sum(s in ("done", "failed") for s, _ in self.state.values())

    def headline(self) -> str:
        """``'3 of 11 done, 42 s, ETA 1 min 50 s'``: the ETA from the mean time per finished scenario."""
        k, n = self.finished(), len(self.state)
        el = time.perf_counter() - self.t0
        text = f"{k} of {n} done, {_duration(el)}"
        if 0 < k < n:
            text += f", ETA {_duration(el / k * (n - k))}"
        return text

    def _table(self):
        from rich.table import Table

        t = Table(title=f"scenarios: {self.headline()}", show_lines=False)
        t.add_column("scenario")
        t.add_column("state")
        t.add_column("elapsed [s]", justify="right")
        colours = {"done": "green", "failed": "red", "queued": "dim"}
        for n, (s, e) in self.state.items():
            t.add_row(n, f"[{colours.get(s, 'yellow')}]{s}[/]", f"{e:.1f}" if s != "queued" else "")
        return t

    def update(self, name: str, phase: str, elapsed: float) -> None:
        if self.state.get(name, ("",))[0] in ("done", "failed"):
            return  # already reported (a Dask run reports on completion too)
        self.state[name] = (phase, elapsed)
        if self.mode == "live":
            self.live.update(self._table())
        elif self.mode == "plain":
            tail = f" ({self.headline()})" if phase in ("done", "failed") else ""
            print(f"[{time.perf_counter() - self.t0:7.1f} s] {name}: {phase}{tail}", flush=True)

    def note(self, text: str) -> None:
        """A line above the progress (e.g. where the work runs)."""
        if self.mode == "live":
            self.live.console.print(text)
        elif self.mode == "plain":
            print(text, flush=True)

    def close(self) -> None:
        if self.live is not None:
            self.live.update(self._table())
            self.live.stop()


def _duration(s: float) -> str:
    """``'42 s'``, ``'3 min 05 s'``."""
    s = max(0.0, s)
    return f"{s:.0f} s" if s < 60 else f"{int(s // 60)} min {int(s % 60):02d} s"


def compare(model_path: str | Path, scenarios: list[str] | None = None, jobs: int = 1, *,
            out: str | Path | None = None, overwrite: bool = False, plots: bool = True,
            progress: str = "auto", write: bool = True, overrides: dict | None = None,
            cluster: str | None = None, **options) -> pd.DataFrame:
    """Run the base and scenarios of a model and return the comparison table.

    Parameters
    ----------
    model_path : str or Path
        The model file.
    scenarios : list of str, optional
        Scenario names; default all the file defines. The base always runs.
    jobs : int
        Worker processes (1 = serial in this process); with ``cluster="local"`` the
        local Dask cluster's workers.
    out : str or Path, optional
        Reports folder (default ``reports``).
    overwrite : bool
        Replace earlier run folders and comparison files.
    plots : bool
        Write plots and HTML reports.
    write : bool
        Write the run folders and the comparison files; ``False`` keeps everything in
        memory (the returned table only).
    progress : {"auto", "live", "plain", "none"}
        Progress display; ``auto`` is live on a terminal, plain otherwise.
    overrides : dict, optional
        Model keys set on top of every scenario (``--set``), validated like the file.
    cluster : str, optional
        A Dask scheduler address, or ``"local"``; default ``DASK_SCHEDULER_ADDRESS``
        if set, else local processes (:func:`energy.executors.open_pool`).
    **options
        Run options passed to :func:`energy.runner.run` (start, end, resolution,
        time_limit_s, mip_gap, threads, inflexible).

    Returns
    -------
    pandas.DataFrame
        One row per scenario (see :func:`comparison_table`); ``df.attrs`` holds
        ``path`` (the CSV written) and ``failed`` (names of failed scenarios).
    """
    from energy.runner import horizon_overrides, load_with_options, model_reports_dir, size_check

    model_path = Path(model_path)
    raw = read_model_file(model_path)
    names, descriptions = _scenario_list(model_path, raw, scenarios)
    hov = horizon_overrides(options.get("start"), options.get("end"), options.get("resolution"),
                            bool(options.get("inflexible")), overrides)
    base_cfg = load_with_options(model_path, "base", hov)
    size_check(base_cfg)
    folder = model_reports_dir(base_cfg, out)
    if write and not overwrite:
        for n in names:
            files.check_writable(files.safe_path(folder, n), overwrite=False)
        if files.safe_path(folder, "comparison.csv").exists():
            raise EnergyError(f"{folder / 'comparison.csv'}: exists; pass --overwrite to replace it")
    run_opts = {k: v for k, v in options.items()
                if v is not None and k not in ("start", "end", "resolution", "inflexible")}
    # one HiGHS thread per run unless asked otherwise: workers then use the cores, and a
    # serial and a parallel comparison solve the very same way (identical results)
    run_opts.setdefault("threads", 1)
    mode = progress if progress != "auto" else ("live" if sys.stdout.isatty() else "plain")
    display = _Display(names, mode)
    try:
        rows = _run_scenarios(model_path, names, hov, run_opts, jobs, cluster, display,
                              folder if write else None, overwrite=overwrite, plots=plots)
    finally:
        display.close()
    table = comparison_table([rows[n] for n in names], descriptions)
    table.attrs["failed"] = [n for n in names if rows[n].get("status") == "failed"]
    if write:
        path = files.write_csv(files.safe_path(folder, "comparison.csv"), table, float_format=None)
        table.attrs["path"] = path
        if plots:
            from energy.report.plots import write_comparison_report

            write_comparison_report(folder, table, base_cfg.model.name)
    return table


def scenario_overview(model_path: str | Path) -> list[dict]:
    """The base and each scenario of a model file, read without building anything.

    Returns
    -------
    list of dict
        ``scenario``, ``description`` and ``changes`` (the dotted keys the scenario
        overrides, e.g. ``pv.main.capacity_kwp``), base first.

    Raises
    ------
    EnergyError
        A missing or unparsable model file.
    """
    model_path = Path(model_path)
    raw = read_model_file(model_path)
    names, descriptions = _scenario_list(model_path, raw, None)
    rows = []
    for n in names:
        over = {} if n == "base" else {k: v for k, v in raw["scenarios"][n].items() if k != "description"}
        rows.append({"scenario": n, "description": descriptions[n], "changes": _dotted_keys(over)})
    return rows


def _dotted_keys(d: dict, prefix: str = "") -> list[str]:
    out = []
    for k, v in d.items():
        key = f"{prefix}{k}"
        out += _dotted_keys(v, key + ".") if isinstance(v, dict) and v else [key]
    return out


def _scenario_list(model_path: Path, raw: dict, scenarios: list[str] | None) -> tuple[list[str], dict]:
    """The base and the asked-for scenarios (default all), in order, and their descriptions."""
    known = scenario_names(raw)
    names = list(known) if scenarios is None else list(scenarios)
    for n in names:
        if n != "base":
            try:
                scenario_name(n)
            except ValueError as exc:
                raise EnergyError(f"{model_path}: scenarios: {exc}") from None
    unknown = [n for n in names if n != "base" and n not in known]
    if unknown:
        raise EnergyError(f"{model_path}: unknown scenario {echo(unknown[0])}; the file defines: "
                          f"{', '.join(['base', *known])}")
    names = ["base"] + [n for n in dict.fromkeys(names) if n != "base"]
    descriptions = {"base": str(raw.get("model", {}).get("description", ""))}
    for n in names[1:]:
        descriptions[n] = str(raw["scenarios"][n].get("description", ""))
    return names, descriptions


def _run_scenarios(model_path: Path, names: list[str], hov: dict, run_opts: dict, jobs: int,
                   cluster: str | None, display: _Display, folder: Path | None, *,
                   overwrite: bool, plots: bool) -> dict[str, dict]:
    """Validate each scenario, run the valid ones on the pool, write their run folders."""
    from functools import partial

    from energy.executors import cluster_address, open_pool
    from energy.tasks import make_task, result_of, run_task, warm, write_folder

    rows: dict[str, dict] = {}
    tasks = []
    for n in names:
        try:
            tasks.append(make_task(load_config(model_path, n, hov), n, options={**run_opts, "plots": plots},
                                   keep_results=folder is not None))
        except EnergyError as exc:  # a bad scenario fails its own row
            rows[n] = {"scenario": n, "status": "failed", "error": str(exc), "elapsed_s": 0.0}
            display.update(n, "failed", 0.0)
    if folder is not None and cluster_address(cluster) is None:
        for t in tasks:
            t.scratch = str(folder)  # same disk: scratch inside the reports folder
    with open_pool(_local_jobs(jobs, len(tasks), cluster), cluster, on_event=display.update,
                   warm=partial(warm, tasks[0]) if tasks else None) as pool:
        if pool.kind == "dask":
            display.note(f"running on {pool.description}"
                         + (f"; dashboard {pool.dashboard}" if pool.dashboard else ""))
        for t, fut in pool.run_all(run_task, tasks, memory=lambda t: t.memory_bytes):
            res = result_of(fut, t)
            display.update(t.label, "failed" if res.failed else "done", res.row["elapsed_s"])
            if folder is not None and not res.failed:
                write_folder(files.safe_path(folder, t.label), res.folder, overwrite=overwrite)
            rows[t.label] = {"scenario": t.label, **res.row}
    return rows


def _local_jobs(jobs: int, n_tasks: int, cluster: str | None) -> int:
    """Worker processes to use: never more than the scenarios; 1 where spawning would re-run a script.

    From a script without ``if __name__ == "__main__":`` (:func:`unguarded_script_call`)
    or inside a worker process, the scenarios run serially, with one line on stderr.
    """
    import multiprocessing as mp

    from energy.executors import cluster_address

    jobs = min(jobs, max(n_tasks, 1))
    if jobs > 1 and cluster_address(cluster) is None:
        script = unguarded_script_call()
        if script is not None or mp.parent_process() is not None:
            why = (f"{script} calls compare(jobs={jobs}) outside `if __name__ == \"__main__\":` (worker "
                   "processes would run the script again)" if script else
                   f"compare(jobs={jobs}) was called inside a worker process")
            print(f"warning: {why}; running the {n_tasks} scenario(s) serially", file=sys.stderr, flush=True)
            jobs = 1
    return jobs


def unguarded_script_call() -> str | None:
    """The main script, when this call comes from its top level outside ``if __name__ == "__main__":``.

    Spawned worker processes import the main script again; unguarded, that import would call
    :func:`compare` again in every worker (Python refuses with a multiprocessing traceback).
    Found by walking the call stack to the main module's top-level frame and reading the
    script's source (``ast``); None when there is no such script (a REPL, ``python -c``,
    a notebook, pytest, the ``port-energy`` command) or the call is guarded.
    """
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    if main is None or not path or not str(path).endswith(".py"):
        return None
    frame = inspect.currentframe()
    while frame is not None and not (frame.f_globals is vars(main) and frame.f_code.co_name == "<module>"):
        frame = frame.f_back
    if frame is None:
        return None
    line = frame.f_lineno
    try:
        tree = ast.parse(Path(path).read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError):
        return None
    guarded = any(isinstance(node, ast.If) and _is_main_guard(node.test)
                  and node.lineno <= line <= (node.end_lineno or node.lineno) for node in tree.body)
    return None if guarded else str(path)


def _is_main_guard(test: ast.expr) -> bool:
    """``__name__ == "__main__"`` (either way round)."""
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq)):
        return False
    sides = [test.left, test.comparators[0]]
    return (any(isinstance(x, ast.Name) and x.id == "__name__" for x in sides)
            and any(isinstance(x, ast.Constant) and x.value == "__main__" for x in sides))
