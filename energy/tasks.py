"""Runs as data: a task carries everything a worker needs, nothing read from the driver's disk.

A :class:`RunTask` holds the fully resolved model (the validated config dumped
to plain JSON values, scenario and overrides applied), the bytes of every file
the model names (weather file, metered load, price and emission series, vessel
calls) and the run options. A worker (another process, or a Dask worker on
another machine, :mod:`energy.executors`) writes the files into a private
temporary folder, rebuilds the config from the data, optimises, and returns
plain results; only the driver writes run folders.

:func:`task_key` is a content hash of the task (resolved config, file bytes,
options, package version): the same key means the same run, which is what lets
a sweep skip points it has already finished.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from energy.config import Config, config_from_dict
from energy.errors import EnergyError

__all__ = ["FILE_FIELDS", "RunTask", "TaskResult", "make_task", "result_of", "run_task", "task_key",
           "task_memory_bytes", "warm", "write_folder"]

#: Dotted paths of the model keys that name input files.
FILE_FIELDS = ("weather.file", "loads.metered.file", "tariff.import_price_file.file",
               "emissions.emission_factor_file.file", "vessels.calls_file.file")

#: Memory of one task: an interpreter with pandas, pvlib, Pyomo and HiGHS loaded,
#: plus the model, per time step. Measured as peak resident memory of single runs of
#: models/chancay.toml with one HiGHS thread: about 195 MB for 48 steps, 225 MB for
#: 744 steps (a month), 383 MB for 4,344 steps (half a year), 559 MB for 8,760 steps
#: (a year hourly): about 195 MB + 42 kB per step; the constants below add headroom. [bytes]
TASK_MEMORY_BASE_BYTES = 250 * 2**20
TASK_MEMORY_PER_STEP_BYTES = 50 * 2**10


def task_memory_bytes(steps: int) -> int:
    """Estimated peak memory of one run of ``steps`` time steps. [bytes]"""
    return int(TASK_MEMORY_BASE_BYTES + TASK_MEMORY_PER_STEP_BYTES * max(steps, 0))


@dataclass
class RunTask:
    """One run, as data.

    Attributes
    ----------
    label : str
        Name of the run in tables and progress (a scenario, a sweep point).
    model : str
        The model file's path on the driver (for messages and ``assumptions.json``).
    scenario : str
        Scenario name (the run folder's name).
    config : dict
        The resolved model, JSON values (:meth:`Config.model_dump`), file keys replaced
        by the names in ``files``.
    files : dict
        File name -> (path on the driver, bytes).
    options : dict
        Run options of :func:`energy.runner.run` (time_limit_s, mip_gap, threads, plots...);
        ``size=True`` sizes the assets first (:func:`energy.sizing.size`).
    steps : int
        Time steps of the horizon (for the memory estimate).
    keep_results : bool
        Return the run folder's files (tables, plots, report), not only the KPIs.
    """

    label: str
    model: str
    scenario: str
    config: dict
    files: dict = field(default_factory=dict)
    options: dict = field(default_factory=dict)
    steps: int = 0
    keep_results: bool = True
    scratch: str | None = None
    """Folder for the worker's private temporary folder: the reports folder when the worker
    shares the driver's disk (serial, local processes), so nothing is written outside it;
    None on Dask (the worker's own temporary folder)."""

    @property
    def memory_bytes(self) -> int:
        return task_memory_bytes(self.steps)


@dataclass
class TaskResult:
    """What a worker sends back: a table row and, when asked for, the run folder's files.

    ``folder`` maps each file of the run folder (relative name) to its bytes: the
    worker renders tables and plots into a private temporary folder and the driver
    writes them into the reports folder (:func:`write_folder`).
    """

    label: str
    row: dict
    folder: dict | None = None

    @property
    def failed(self) -> bool:
        return self.row.get("status") == "failed"


def _get(d: dict, dotted: str):
    for part in dotted.split("."):
        if not isinstance(d, dict) or d.get(part) is None:
            return None
        d = d[part]
    return d


def _set(d: dict, dotted: str, value) -> None:
    *parents, last = dotted.split(".")
    for part in parents:
        d = d[part]
    d[last] = value


def make_task(cfg: Config, label: str | None = None, *, options: dict | None = None,
              keep_results: bool = True) -> RunTask:
    """A task from a validated config: its data and the bytes of the files it names.

    A file missing on the driver is left as a path, so the worker's run fails with
    the usual message naming it.
    """
    data = cfg.model_dump(mode="json")
    data.pop("scenarios", None)
    shipped: dict = {}
    for i, dotted in enumerate(FILE_FIELDS):
        value = _get(data, dotted)
        if value is None:
            continue
        path = cfg.resolve(Path(value))
        try:
            content = path.read_bytes()
        except OSError:
            _set(data, dotted, str(path))
            continue
        name = f"{i}_{path.name}"
        shipped[name] = (str(path), content)
        _set(data, dotted, name)
    steps = len(cfg.index())
    return RunTask(label or cfg.scenario, str(cfg.path) if cfg.path else "<model>", cfg.scenario,
                   data, shipped, dict(options or {}), steps, keep_results)


def task_key(task: RunTask) -> str:
    """Content hash of a task: resolved config, file bytes, run options, package version."""
    from energy import __version__

    h = hashlib.sha256()
    opts = {k: v for k, v in task.options.items() if k not in ("plots", "week", "progress")}
    h.update(json.dumps([task.config, opts, __version__], sort_keys=True, default=str).encode())
    for name in sorted(task.files):
        h.update(name.encode())
        h.update(hashlib.sha256(task.files[name][1]).digest())
    return h.hexdigest()[:16]


_WEATHER_CACHE: dict = {}
_WEATHER_CACHE_MAX = 8


@contextmanager
def _task_folder(task: RunTask) -> Iterator[Path]:
    """A private folder for one task at a time in this process and thread, removed after it.

    Its path is the same for every task the thread runs, and each shipped file is written
    under a name made of its content hash: the same file has the same path in every task,
    so the caches keyed by the model's contents (weather, business as usual) serve every
    point, and a different file never takes an earlier file's cached data.
    """
    folder = Path(task.scratch or tempfile.gettempdir()) / f".port-energy-task-{os.getpid()}-{threading.get_ident()}"
    shutil.rmtree(folder, ignore_errors=True)  # a crashed earlier process of the same id
    folder.mkdir(parents=True)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _config_in(task: RunTask, folder: Path) -> tuple[Config, dict]:
    """The task's config with its files written into ``folder``; local path -> driver path."""
    data = json.loads(json.dumps(task.config))
    renames = {}
    for dotted in FILE_FIELDS:
        name = _get(data, dotted)
        if name is None or name not in task.files:
            continue
        original, content = task.files[name]
        local = folder / f"{hashlib.sha256(content).hexdigest()[:16]}-{name}"
        if not local.is_file():
            local.write_bytes(content)
        _set(data, dotted, str(local))
        renames[str(local)] = original
    cfg = config_from_dict(data, path=Path(task.model))
    cfg.scenario = task.scenario
    return cfg, renames


def warm(task: RunTask) -> None:
    """Prepare this process for tasks like ``task``; never raises (a bad task fails when it runs).

    Imports the solver stack (Pyomo, HiGHS) and the input builders (pvlib), and fills
    the process's shared cache with what every point of a sweep (or scenario of a
    comparison) reuses: the weather on the horizon and the business-as-usual KPIs
    (:func:`energy.runner.bau_kpis`, one solve). Results do not change: the cache
    only memoises. Workers forked after this start with it (:mod:`energy.executors`).
    """
    from energy.appraisal import has_new_assets
    from energy.build import build_profiles
    from energy.config import revalidate
    from energy.runner import bau_kpis

    try:
        with _task_folder(task) as tmp:
            cfg, _ = _config_in(task, tmp)
            solver = {k: task.options[k] for k in ("time_limit_s", "mip_gap", "threads")
                      if task.options.get(k) is not None}
            cfg = revalidate(cfg, {"solver": solver} if solver else {})  # as energy.runner.run does
            build_profiles(cfg, _WEATHER_CACHE)
            if has_new_assets(cfg):
                bau_kpis(cfg, _WEATHER_CACHE, {"time_limit_s": cfg.solver.time_limit_s,
                                               "mip_gap": cfg.solver.mip_gap, "threads": cfg.solver.threads})
    except Exception:  # warming is only an optimisation: the task itself reports the fault
        return


def _message(exc: BaseException, renames: dict) -> str:
    msg = str(exc)
    for local, original in renames.items():
        msg = msg.replace(local, original)
    return msg


def run_task(task: RunTask, events=None) -> TaskResult:
    """Run a task (in a worker or in this process); never raises: a failure is a row.

    ``events``, if given, receives ``put((label, phase, elapsed_s))`` at each phase
    (building, solving, extracting, done or failed).
    """
    from energy.runner import run

    t0 = time.perf_counter()

    def progress(phase: str) -> None:
        if events is not None:
            events.put((task.label, phase, time.perf_counter() - t0))
    renames: dict = {}
    result = TaskResult(task.label, {})
    try:
        with _task_folder(task) as tmp:
            cfg, renames = _config_in(task, tmp)
            if len(_WEATHER_CACHE) > _WEATHER_CACHE_MAX:
                _WEATHER_CACHE.clear()
            opts = {k: v for k, v in task.options.items() if k not in ("plots", "week", "size")}
            if task.options.get("size"):  # size the assets at this point (energy.sizing), then run there
                from energy.sizing import size

                rr = size(task.model, config=cfg, write=False, cache=_WEATHER_CACHE, **opts).run
            elif task.keep_results:  # the run folder is rendered here, sent as bytes, written by the driver
                rr = run(task.model, config=cfg, out=Path(tmp) / "out", write=True, cache=_WEATHER_CACHE,
                         progress=progress, plots=task.options.get("plots", True),
                         week=task.options.get("week"), **opts)
                result.folder = _files_of(rr.folder)
            else:
                rr = run(task.model, config=cfg, write=False, cache=_WEATHER_CACHE, progress=progress, **opts)
        result.row = {"error": "", **_scalars(rr.kpis)}
    except EnergyError as exc:
        result.row = {"status": "failed", "error": _message(exc, renames)}
    except Exception as exc:  # a bug or a broken worker: the row says so, the batch goes on
        result.row = {"status": "failed",
                      "error": f"internal error: {type(exc).__name__}: {_message(exc, renames)}"}
    result.row["elapsed_s"] = round(time.perf_counter() - t0, 3)
    progress("failed" if result.failed else "done")
    return result


def _files_of(folder: Path) -> dict:
    """Every file of a folder (relative name -> bytes)."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def write_folder(target: Path, folder: dict, *, overwrite: bool) -> Path:
    """Write a worker's run folder (:attr:`TaskResult.folder`) into ``target``, atomically.

    The completion mark (``summary.json``) goes last, as :func:`energy.report.runfolder.write_run` does.
    """
    from energy.report import files

    with files.staged_folder(target, overwrite=overwrite) as stage:
        for name in sorted(folder, key=lambda n: n == files.COMPLETE_MARK):
            files.write_bytes(stage / name, folder[name])
    return Path(target)


def result_of(future, task: RunTask) -> TaskResult:
    """A finished future's result; a lost worker (killed, out of memory) becomes a failed row."""
    try:
        return future.result()
    except Exception as exc:
        return TaskResult(task.label, {"status": "failed", "elapsed_s": 0.0,
                                       "error": f"worker failed: {type(exc).__name__}: {exc}"})


def _scalars(kpis: dict) -> dict:
    return {k: v for k, v in kpis.items() if v is None or isinstance(v, str | int | float | bool)}
