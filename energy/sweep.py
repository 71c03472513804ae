"""Sweeps and Monte Carlo: many runs of one model, each a point of varied model keys.

``sweep`` turns ``--vary`` options into points (the Cartesian grid, or zipped
lists; or ``samples`` random draws), runs every point through the executor layer
(:mod:`energy.executors`) and writes ``<out>/<model>/<scenario>/sweep/``:

* ``sweep.csv``: one row per point: ``point``, the varied keys (dotted names as
  in the model file), ``key`` (content hash of the point's resolved run),
  ``status``, ``error`` and the run's KPIs;
* ``timings.csv``: seconds per phase of each point (kept out of ``sweep.csv`` so
  that a resumed sweep writes the very same ``sweep.csv``);
* Monte Carlo: ``percentiles.csv``: P10, P50, P90 (10th, 50th and 90th
  percentiles over the samples that ran, linear interpolation), mean and count
  of cost, emissions, import, peak and the other KPIs;
* ``sensitivity.png`` (a line per key; a heat map for a two-key grid; the
  distribution of cost and emissions for Monte Carlo), ``tornado.png`` (cost
  change at each key's lowest and highest value, the others at the reference),
  and ``sweep.html``.

The folder is written in a staging folder and renamed into place when complete.
Each finished point is also kept as ``.sweep-points/<key>.json`` beside it: a
sweep killed half-way and started again skips the points it finished (same key:
same resolved config, same input files, same options) and writes the same
``sweep.csv``. A failed point gets a row with its error; the others finish.

Monte Carlo (``samples = N``): sample i sets ``weather.seed`` (synthetic weather)
or picks ``weather.file`` from ``weather_files``, sets ``vessels.seed`` (a new
generated schedule) and ``vessels.arrival_delay_mean_h`` (arrival delays drawn
per call from an Erlang distribution of that mean, see
:func:`energy.jobs.generate_vessel_calls`), and draws each ``--vary`` key: a list
is drawn from uniformly, ``normal(mu, sd)``, ``uniform(lo, hi)`` and
``triangular(lo, mode, hi)`` as numpy draws them. Draws use
``numpy.random.default_rng([seed, i])``: the same seed gives the same samples.
"""

from __future__ import annotations

import itertools
import json
import math
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from energy.config import deep_merge, load_config, parse_override
from energy.errors import EnergyError
from energy.report import files

__all__ = ["Distribution", "SweepSpec", "monte_carlo_points", "parse_vary", "percentiles",
           "sweep", "sweep_points"]

TIMING_COLUMNS = ("build_s", "translate_s", "solve_s", "extract_s", "inputs_s", "elapsed_s")
PERCENTILE_KPIS = ("total_cost_usd", "energy_cost_usd", "capacity_charge_usd", "emissions_tco2",
                   "grid_import_mwh", "peak_import_kw", "max_import_kw", "renewable_share",
                   "unserved_mwh")
POINTS_DIR = ".sweep-points"
_DIST = re.compile(r"^(normal|uniform|triangular)\((.*)\)$")
_RANGE = re.compile(r"^([^:,]+):([^:,]+):(\d+)$")


@dataclass(frozen=True)
class Distribution:
    """A Monte Carlo distribution of one key: ``normal``, ``uniform`` or ``triangular``."""

    kind: str
    args: tuple[float, ...]

    def draw(self, rng: np.random.Generator) -> float:
        return float(getattr(rng, self.kind)(*self.args))

    def __str__(self) -> str:
        return f"{self.kind}({', '.join(f'{a:g}' for a in self.args)})"


@dataclass
class SweepSpec:
    """What to vary: key -> list of values (or a :class:`Distribution`)."""

    keys: dict = field(default_factory=dict)
    zip: bool = False


def _literal(text: str, where: str):
    """A TOML literal (``4000``, ``0.5``, ``true``, ``"E-82/2300"``); else the text as a string."""
    return parse_override(f"x={text}")["x"] if text.strip() else _bad(where, "an empty value")


def _bad(where: str, found: str):
    raise EnergyError(f"--vary {where!r}: expected KEY=v1,v2,... or KEY=start:stop:count or "
                      f"KEY=normal(mu,sd)|uniform(lo,hi)|triangular(lo,mode,hi), found {found}")


def parse_vary(item: str) -> tuple[str, list | Distribution]:
    """One ``--vary``: ``KEY=v1,v2,...``, ``KEY=a:b:n`` (n values from a to b) or a distribution."""
    key, sep, text = item.partition("=")
    key, text = key.strip(), text.strip()
    if not sep or not key or not text:
        _bad(item, "no KEY=VALUES")
    parse_override(f"{key}=0")  # the key is a dotted key (one-line error otherwise)
    m = _DIST.match(text.replace(" ", ""))
    if m:
        nargs = {"normal": 2, "uniform": 2, "triangular": 3}[m.group(1)]
        try:
            args = tuple(float(a) for a in m.group(2).split(","))
        except ValueError:
            _bad(item, f"non-numeric arguments {m.group(2)!r}")
        if len(args) != nargs:
            _bad(item, f"{len(args)} argument(s) to {m.group(1)}, expected {nargs}")
        return key, Distribution(m.group(1), args)
    m = _RANGE.match(text.replace(" ", ""))
    if m:
        a, b, n = _literal(m.group(1), item), _literal(m.group(2), item), int(m.group(3))
        if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in (a, b)) or n < 2:
            _bad(item, f"{text!r} (start and stop must be numbers and count at least 2)")
        values = np.linspace(a, b, n)
        if isinstance(a, int) and isinstance(b, int) and np.allclose(values, np.round(values)):
            return key, [int(round(v)) for v in values]
        return key, [float(v) for v in values]
    return key, [_literal(v, item) for v in text.split(",")]


def _nest(key: str, value) -> dict:
    """``battery.energy_kwh``, 4000 -> ``{"battery": {"energy_kwh": 4000}}``."""
    out = parse_override(f"{key}=0")
    node = out
    while True:
        (k, v), = node.items()
        if not isinstance(v, dict):
            node[k] = value
            return out
        node = v


def sweep_points(spec: SweepSpec) -> list[dict]:
    """The points of a grid (Cartesian product in key order) or of zipped lists."""
    dists = [k for k, v in spec.keys.items() if isinstance(v, Distribution)]
    if dists:
        raise EnergyError(f"--vary {dists[0]}: a distribution needs --samples N (Monte Carlo); "
                          "expected a list or start:stop:count for a grid")
    keys, lists = list(spec.keys), list(spec.keys.values())
    if not keys:
        return [{}]
    if spec.zip:
        lengths = {k: len(v) for k, v in spec.keys.items()}
        if len(set(lengths.values())) > 1:
            raise EnergyError("--zip: expected lists of the same length, found "
                              + ", ".join(f"{k}: {n}" for k, n in lengths.items()))
        combos = zip(*lists, strict=True)
    else:
        combos = itertools.product(*lists)
    return [dict(zip(keys, c, strict=True)) for c in combos]


def monte_carlo_points(spec: SweepSpec, samples: int, *, seed: int = 0, weather_seed: bool = True,
                       weather_files: list[str] | None = None,
                       arrival_delay_mean_h: float | None = None) -> list[dict]:
    """``samples`` random points (see the module docstring); ``default_rng([seed, i])`` each."""
    if samples < 1:
        raise EnergyError(f"--samples: expected at least 1, found {samples}")
    points = []
    for i in range(samples):
        rng = np.random.default_rng([seed, i])
        p: dict = {}
        if weather_files:
            p["weather.source"] = "file"
            p["weather.file"] = str(weather_files[int(rng.integers(len(weather_files)))])
        elif weather_seed:
            p["weather.seed"] = int(rng.integers(2**31))
        p["vessels.seed"] = int(rng.integers(2**31))
        if arrival_delay_mean_h is not None:
            p["vessels.arrival_delay_mean_h"] = float(arrival_delay_mean_h)
        for k, v in spec.keys.items():
            p[k] = v.draw(rng) if isinstance(v, Distribution) else v[int(rng.integers(len(v)))]
        points.append(p)
    return points


def percentiles(table: pd.DataFrame, kpis=PERCENTILE_KPIS) -> pd.DataFrame:
    """P10, P50, P90 (linear), mean and count of each KPI over the points that ran."""
    ok = table[table["status"] != "failed"] if "status" in table else table
    rows = []
    for k in kpis:
        if k not in ok:
            continue
        v = pd.to_numeric(ok[k], errors="coerce").dropna().to_numpy(dtype=float)
        p10, p50, p90 = (np.percentile(v, [10, 50, 90]) if len(v) else (math.nan,) * 3)
        rows.append({"kpi": k, "p10": p10, "p50": p50, "p90": p90,
                     "mean": float(v.mean()) if len(v) else math.nan, "samples": len(v)})
    return pd.DataFrame(rows, columns=["kpi", "p10", "p50", "p90", "mean", "samples"])


class _Progress:
    """k of N, failures and ETA: one plain line per finished point."""

    def __init__(self, total: int, skipped: int, mode: str, failed: int = 0):
        self.total, self.done, self.failed, self.skipped = total, skipped, failed, skipped
        self.mode, self.t0 = mode, time.perf_counter()

    def say(self, text: str) -> None:
        if self.mode != "none":
            print(text, flush=True)

    def finished(self, label: str, failed: bool) -> None:
        self.done += 1
        self.failed += failed
        ran = self.done - self.skipped
        el = time.perf_counter() - self.t0
        eta = el / ran * (self.total - self.done) if ran else math.nan
        self.say(f"[{el:7.1f} s] {self.done}/{self.total} points ({label} {'failed' if failed else 'done'}); "
                 f"{self.failed} failed; ETA {eta:,.0f} s")


def sweep(model: str | Path, vary: list[str] | None = None, *, scenario: str | None = None,
          zip: bool = False, samples: int | None = None, seed: int = 0,
          weather_files: list[str] | None = None, arrival_delay_mean_h: float | None = None,
          jobs: int = 1, cluster: str | None = None, out: str | Path | None = None,
          overwrite: bool = False, plots: bool = True, progress: str = "auto",
          overrides: dict | None = None, size: bool = False, **options) -> pd.DataFrame:
    """Run a grid (or Monte Carlo samples) of one model and write its sweep folder.

    Parameters
    ----------
    model : str or Path
        The model file.
    vary : list of str
        ``KEY=v1,v2,...``, ``KEY=start:stop:count`` or (with ``samples``) a distribution.
    scenario : str, optional
        Scenario the points start from (default the base).
    zip : bool
        Pair the lists (all the same length) instead of the Cartesian grid.
    samples : int, optional
        Monte Carlo: that many random points (weather, vessel schedule, ``vary`` draws).
    seed : int
        Seed of the Monte Carlo draws.
    weather_files : list of str, optional
        Monte Carlo: weather files to draw from (else the synthetic weather's seed varies).
    arrival_delay_mean_h : float, optional
        Monte Carlo: mean vessel arrival delay. [h]
    jobs, cluster
        Where the points run (:func:`energy.executors.open_pool`).
    out, overwrite, plots, progress, overrides, **options
        As for :func:`energy.scenarios.compare` (options: start, end, resolution,
        time_limit_s, mip_gap, threads).
    size : bool
        Size the assets at each point (:func:`energy.sizing.size`: PV, wind and battery
        within the model's bounds), then run there; the row holds the sizes and economics.

    Returns
    -------
    pandas.DataFrame
        The ``sweep.csv`` table; ``attrs``: ``path``, ``failed`` (point numbers),
        ``percentiles`` (Monte Carlo), ``skipped`` (points already finished),
        ``start_s`` (seconds to start the workers: processes, imports, shared inputs;
        serial work warms up in its first point instead).
    """
    from energy.runner import horizon_overrides, model_reports_dir

    spec = SweepSpec(dict(parse_vary(v) for v in vary or ()), zip)
    mc = samples is not None
    weather_files = [str(Path(f).expanduser().resolve()) for f in weather_files or ()]
    base_ov = horizon_overrides(options.pop("start", None), options.pop("end", None),
                                options.pop("resolution", None), bool(options.pop("inflexible", False)),
                                overrides)
    base_cfg = load_config(model, scenario, base_ov)
    points = (monte_carlo_points(spec, samples, seed=seed, weather_files=weather_files,
                                 weather_seed=base_cfg.weather.source == "synthetic",
                                 arrival_delay_mean_h=arrival_delay_mean_h)
              if mc else sweep_points(spec))
    _check_keys(model, scenario, base_ov, points)
    scen_dir = model_reports_dir(base_cfg, out) / base_cfg.scenario
    folder = scen_dir / "sweep"
    files.check_writable(folder, overwrite)
    run_opts = {k: v for k, v in options.items() if v is not None}
    run_opts.setdefault("threads", 1)
    if size:
        run_opts["size"] = True
    mode = progress if progress != "auto" else "plain"
    table, info = _run_points(model, scenario, base_ov, points, run_opts, jobs, cluster,
                              scen_dir / POINTS_DIR, mode)
    table.attrs.update(info)
    keys = list(points[0]) if points else []
    pct = percentiles(table) if mc else None
    table.attrs["percentiles"] = pct
    reference = {k: _reference(base_cfg, k, spec.keys.get(k)) for k in keys} if not mc else {}
    with files.staged_folder(folder, overwrite=overwrite) as stage:
        files.write_csv(stage / "sweep.csv", table.drop(columns=[c for c in TIMING_COLUMNS if c in table]),
                        float_format=None)
        files.write_csv(stage / "timings.csv", table[["point", "key", *[c for c in TIMING_COLUMNS if c in table]]],
                        float_format=None)
        if pct is not None:
            files.write_csv(stage / "percentiles.csv", pct, float_format=None)
        if plots:
            from energy.report.sweepplots import write_sweep_report

            write_sweep_report(stage, table, keys, reference=reference, percentiles=pct,
                               model_name=base_cfg.model.name, scenario=base_cfg.scenario)
    table.attrs["path"] = folder / "sweep.csv"
    return table


def _check_keys(model, scenario, base_ov: dict, points: list[dict]) -> None:
    """An unknown key fails the whole sweep at once (one line), not every point."""
    if not points or not points[0]:
        return
    for k, v in points[0].items():
        try:
            load_config(model, scenario, deep_merge(base_ov, _nest(k, v)))
        except EnergyError as exc:
            if "unknown key" in str(exc):
                raise EnergyError(f"--vary {k}: {exc}") from None


def _reference(cfg, key: str, values) -> object:
    """The model's own value of ``key`` if it is among the values, else the middle value."""
    node = cfg.model_dump(mode="json")
    for part in key.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    if isinstance(values, list) and values:
        return node if node in values else values[(len(values) - 1) // 2]
    return node


def _point_tasks(model, scenario, base_ov, points, run_opts):
    """A task per point, or a failed row when the point does not validate."""
    from energy.tasks import make_task, task_key

    out = []
    for i, p in enumerate(points):
        ov = base_ov
        for k, v in p.items():
            ov = deep_merge(ov, _nest(k, v))
        try:
            task = make_task(load_config(model, scenario, ov), f"point {i}", options=run_opts,
                             keep_results=False)
            out.append((i, task, task_key(task), None))
        except EnergyError as exc:
            out.append((i, None, "", str(exc).replace("overrides (--set)", "overrides (--set, --vary)")))
    return out


def _run_points(model, scenario, base_ov, points, run_opts, jobs, cluster, store: Path, mode: str):
    """Run the points not yet in ``store``; keep each finished one there; the table in point order."""
    from functools import partial

    from energy.executors import cluster_address, open_pool
    from energy.tasks import result_of, run_task, warm

    prepared = _point_tasks(model, scenario, base_ov, points, run_opts)
    rows: dict[int, dict] = {}
    todo = []
    for i, task, key, error in prepared:
        if error is not None:
            rows[i] = {"status": "failed", "error": error}
        elif (store / f"{key}.json").is_file() and (row := _stored(store / f"{key}.json")) is not None:
            rows[i] = row
        else:
            todo.append((i, task, key))
    invalid = sum(1 for p in prepared if p[3] is not None)
    prog = _Progress(len(points), len(points) - len(todo), mode, failed=invalid)
    if prog.skipped - invalid:
        prog.say(f"{prog.skipped - invalid} of {len(points)} points already finished: not run again")
    if invalid:
        prog.say(f"{invalid} of {len(points)} points do not validate: failed rows, not run")
    if cluster_address(cluster) is None:
        for _, t, _ in todo:
            t.scratch = str(store.parent)  # same disk: scratch inside the reports folder
    t_open = time.perf_counter()
    with open_pool(min(jobs, max(len(todo), 1)), cluster, warm=partial(warm, todo[0][1]) if todo else None) as pool:
        start_s = time.perf_counter() - t_open
        prog.say(f"running {len(todo)} point(s) on {pool.description}"
                 + (f"; dashboard {pool.dashboard}" if pool.dashboard else ""))
        index = {id(t): (i, k) for i, t, k in todo}
        for t, fut in pool.run_all(run_task, [t for _, t, _ in todo], memory=lambda t: t.memory_bytes):
            i, k = index[id(t)]
            res = result_of(fut, t)
            rows[i] = res.row
            if not res.failed:
                files.write_json(store / f"{k}.json", res.row)
            prog.finished(t.label, res.failed)
    table = _table(points, prepared, rows)
    return table, {"failed": [i for i in rows if rows[i].get("status") == "failed"],
                   "skipped": prog.skipped, "start_s": start_s}


def _stored(path: Path) -> dict | None:
    try:
        row = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # a damaged point file: run the point again
    return row if isinstance(row, dict) else None


def _table(points, prepared, rows) -> pd.DataFrame:
    recs = []
    for (i, _task, key, _err), p in zip(prepared, points, strict=True):
        r = rows[i]
        recs.append({"point": i, **p, "key": key, "status": r.get("status", "failed"),
                     "error": r.get("error", "") or "",
                     **{k: v for k, v in r.items() if k not in ("status", "error")}})
    return pd.DataFrame(recs)


def print_summary(table: pd.DataFrame, keys: list[str], stream=None) -> None:
    """The sweep table's headline columns, and the percentiles of a Monte Carlo."""
    stream = stream or sys.stdout

    def fmt(v: float) -> str:
        return f"{v:,.1f}" if abs(v) >= 100 else f"{v:.4g}"

    cols = ["point", *keys, "status", "total_cost_usd", "emissions_tco2", "peak_import_kw"]
    shown = table[[c for c in cols if c in table.columns]]
    print(shown.to_string(index=False, float_format=fmt), file=stream)
    pct = table.attrs.get("percentiles")
    if pct is not None and len(pct):
        print(pct.to_string(index=False, float_format=fmt), file=stream)
