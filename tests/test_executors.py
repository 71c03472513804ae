"""Local worker pools: started at once, kept for every task, one thread each, warmed once."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from functools import partial
from pathlib import Path

import pytest

import energy.optimise.optimise as optimise_mod
from energy import executors
from energy.config import load_config
from energy.executors import open_pool, start_method
from energy.sweep import sweep
from energy.tasks import make_task, run_task, warm
from tests.conftest import DATA, ROOT
from tests.test_sweep import TWO_DAYS


def _record(path: str) -> None:
    """A warm-up that leaves a line per process it runs in."""
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(f"{os.getpid()}\n")


def _worker_state(_=None) -> tuple[int, str | None, str | None]:
    return os.getpid(), os.environ.get("OMP_NUM_THREADS"), os.environ.get("OPENBLAS_NUM_THREADS")


@pytest.fixture
def model(tmp_path):
    p = tmp_path / "small.toml"
    p.write_text(TWO_DAYS)
    return p


def test_start_method_forks_only_a_single_threaded_driver_on_linux(monkeypatch):
    monkeypatch.setattr(executors.sys, "platform", "linux")
    assert start_method() == ("fork" if threading.active_count() == 1 else "spawn")
    stop = threading.Event()
    t = threading.Thread(target=stop.wait)
    t.start()
    try:
        assert start_method() == "spawn"  # forking a process that runs threads is unsafe
    finally:
        stop.set()
        t.join()
    monkeypatch.setattr(executors.sys, "platform", "darwin")
    assert start_method() == "spawn"


def check_pool(method: str, marks: str) -> None:
    """Two workers started by ``method``: kept for every task, one thread each, warmed as documented."""
    executors.start_method = lambda: method
    os.environ.pop("OMP_NUM_THREADS", None)
    with open_pool(2, warm=partial(_record, marks)) as pool:
        states = [f.result() for f in [pool.submit(_worker_state) for _ in range(8)]]
        started = {p.pid for p in pool.executor._processes.values()}
    pids = {s[0] for s in states}
    assert pids <= started and len(started) == 2 and os.getpid() not in pids
    assert {s[1:] for s in states} == {("1", "1")}  # one BLAS/OpenMP thread in every worker
    assert "OMP_NUM_THREADS" not in os.environ  # the driver's own environment is restored
    warmed = [int(x) for x in Path(marks).read_text().split()]
    # forked: warmed once, here, before the workers were made; spawned: once in each worker
    assert warmed == [os.getpid()] if method == "fork" else sorted(warmed) == sorted(started)


def test_spawned_pool(tmp_path, monkeypatch):
    monkeypatch.setattr(executors, "start_method", executors.start_method)  # restored afterwards
    monkeypatch.setenv("OMP_NUM_THREADS", "")
    check_pool("spawn", str(tmp_path / "warm.txt"))


def test_forked_pool(tmp_path):
    """In a fresh process: this one may run threads (a Dask test's), and forking it would be unsafe."""
    code = f"from tests.test_executors import check_pool; check_pool('fork', {str(tmp_path / 'w.txt')!r})"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr[-2000:]


def test_warm_fills_the_shared_cache_the_runs_use(model, monkeypatch):
    """After ``warm`` a point's run solves only itself: the business-as-usual solve is cached."""
    monkeypatch.setattr("energy.tasks._WEATHER_CACHE", {})
    calls = []
    real = optimise_mod.optimise
    monkeypatch.setattr(optimise_mod, "optimise", lambda *a, **k: calls.append(1) or real(*a, **k))
    cfg = load_config(model, overrides={"battery": {"energy_kwh": 3000.0}})
    task = make_task(cfg, options={"threads": 1}, keep_results=False)
    cold = run_task(make_task(cfg, options={"threads": 1}, keep_results=False))  # fills the cache itself
    assert len(calls) == 2  # the point and its business as usual
    monkeypatch.setattr("energy.tasks._WEATHER_CACHE", {})
    calls.clear()
    warm(task)
    assert len(calls) == 1  # business as usual, once
    res = run_task(task)
    assert len(calls) == 2 and not res.failed
    assert res.row["total_cost_usd"] == cold.row["total_cost_usd"]
    assert res.row["npv_usd"] == cold.row["npv_usd"]


def test_warm_never_raises(model):
    cfg = load_config(model)
    task = make_task(cfg, options={"threads": 1}, keep_results=False)
    task.config["site"]["latitude"] = "not a number"
    warm(task)  # the task reports the fault when it runs
    assert run_task(task).failed


def test_sweep_on_two_workers_writes_the_serial_csv(model, tmp_path):
    vary = ["battery.energy_kwh=1000,3000", "pv.roof.capacity_kwp=0,2000"]
    sweep(model, vary, out=tmp_path / "a", plots=False, progress="none")
    two = sweep(model, vary, out=tmp_path / "b", plots=False, progress="none", jobs=2)
    assert two.attrs["start_s"] > 0  # the workers' start-up, reported apart from the points
    name = "small/base/sweep/sweep.csv"
    assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def _epw_model(folder: Path, ghi_scale: float) -> Path:
    """The small model on a weather file ``site.epw`` (the sample's GHI scaled)."""
    folder.mkdir()
    lines = (DATA / "chancay_sample.epw").read_text().splitlines()
    for i in range(8, len(lines)):
        f = lines[i].split(",")
        f[13] = f"{float(f[13]) * ghi_scale:g}"  # global horizontal irradiance [Wh/m2]
        lines[i] = ",".join(f)
    (folder / "site.epw").write_text("\n".join(lines) + "\n")
    model = folder / "small.toml"
    model.write_text(TWO_DAYS.replace("[pv.roof]", '[weather]\nsource = "file"\nfile = "site.epw"\n\n[pv.roof]'))
    return model


def test_points_on_a_weather_file_share_the_cache_and_never_mix_files(tmp_path, monkeypatch):
    monkeypatch.setattr("energy.tasks._WEATHER_CACHE", {})
    calls = []
    real = optimise_mod.optimise
    monkeypatch.setattr(optimise_mod, "optimise", lambda *a, **k: calls.append(1) or real(*a, **k))
    sunny, dull = _epw_model(tmp_path / "a", 1.0), _epw_model(tmp_path / "b", 0.5)

    def task(model, kwh):
        return make_task(load_config(model, overrides={"battery": {"energy_kwh": kwh}}), options={"threads": 1},
                         keep_results=False)

    rows = [run_task(task(sunny, kwh)).row for kwh in (1000.0, 3000.0)]
    assert len(calls) == 3  # two points, one business-as-usual solve: the file's path is the same in both
    other = run_task(task(dull, 1000.0)).row  # a file of the same name, other contents: its own weather
    assert len(calls) == 5
    assert other["total_cost_usd"] > rows[0]["total_cost_usd"]  # half the sun: more bought from the grid
    direct = run_task(task(dull, 1000.0))
    assert direct.row["total_cost_usd"] == other["total_cost_usd"]
    assert not list(tmp_path.glob("**/.port-energy-task-*"))  # nothing left behind
