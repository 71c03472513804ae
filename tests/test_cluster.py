"""The executor layer on a real Dask cluster on localhost: same KPIs as local runs."""

from __future__ import annotations

import pandas as pd
import pytest

from energy.errors import EnergyError
from energy.executors import CLUSTER_ENV, cluster_address, open_pool
from energy.scenarios import TIMING_COLUMNS, compare
from energy.sweep import sweep
from energy.tasks import task_memory_bytes
from tests.test_sweep import TWO_DAYS

distributed = pytest.importorskip("distributed")

KPIS = ["total_cost_usd", "emissions_tco2", "grid_import_mwh", "peak_import_kw", "battery_cycles"]


@pytest.fixture(scope="module")
def local_pool():
    """``--cluster local``: a scheduler and two single-thread worker processes on localhost."""
    with open_pool(2, "local") as pool:
        yield pool


@pytest.fixture(scope="module")
def scheduler(local_pool):
    """The address of that scheduler: work sent there goes through ``Client(address)``."""
    return local_pool.client.scheduler.address


def test_local_cluster(local_pool):
    assert local_pool.kind == "dask" and local_pool.workers == 2
    assert local_pool.description == "local Dask cluster: 2 worker(s), 2 thread(s)"
    assert local_pool.memory_resource >= task_memory_bytes(8760)  # a year's run fits a worker
    assert local_pool.dashboard


@pytest.fixture
def model(tmp_path):
    p = tmp_path / "small.toml"
    p.write_text(TWO_DAYS + '\n[scenarios.more_pv]\npv.roof.capacity_kwp = 4000.0\n')
    return p


def test_sweep_on_the_cluster_equals_local(model, tmp_path, scheduler, capsys):
    vary = ["battery.energy_kwh=1000,3000", "pv.roof.capacity_kwp=1000,3000"]
    local = sweep(model, vary, out=tmp_path / "a", plots=False, progress="none")
    remote = sweep(model, vary, out=tmp_path / "b", plots=False, progress="plain", cluster=scheduler)
    out = capsys.readouterr().out
    assert f"Dask cluster {scheduler}: 2 worker(s)" in out and "4/4 points" in out
    pd.testing.assert_frame_equal(local[["key", "status", *KPIS]], remote[["key", "status", *KPIS]])
    name = "small/base/sweep/sweep.csv"
    assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_compare_on_the_cluster_equals_serial(model, tmp_path, scheduler, monkeypatch):
    serial = compare(model, jobs=1, out=tmp_path / "a", plots=False, progress="none")
    monkeypatch.setenv(CLUSTER_ENV, scheduler)  # picked up without --cluster
    remote = compare(model, out=tmp_path / "b", plots=False, progress="none")
    drop = [c for c in serial.columns if c in TIMING_COLUMNS or c.endswith("_s")]
    pd.testing.assert_frame_equal(serial.drop(columns=drop), remote.drop(columns=drop))
    # only the driver writes run folders, and it wrote them all, as a run on its own writes them
    from energy.runner import run

    run(model, "more_pv", out=tmp_path / "c", plots=False, threads=1)
    for s in ("base", "more_pv"):
        assert (tmp_path / "b" / "small" / s / "summary.json").is_file()
    name = "small/more_pv/dispatch.csv"
    assert (tmp_path / "b" / name).read_bytes() == (tmp_path / "c" / name).read_bytes()


def test_failing_point_isolated_on_the_cluster(model, tmp_path, scheduler):
    t = sweep(model, ["wind.w.turbine_type=NOPE-1,E-82/2300"], out=tmp_path / "r", plots=False,
              progress="none", cluster=scheduler)
    assert list(t["status"]) == ["failed", "optimal"] and "NOPE-1" in t.loc[0, "error"]


def test_cli_cluster_option(model, tmp_path, scheduler, capsys):
    from energy.cli import main

    code = main(["sweep", str(model), "--vary", "battery.energy_kwh=1000,3000", "--cluster", scheduler,
                 "--out", str(tmp_path / "r"), "--no-plots"])
    out = capsys.readouterr().out
    assert code == 0 and f"Dask cluster {scheduler}: 2 worker(s), 2 thread(s); dashboard " in out
    local = sweep(model, ["battery.energy_kwh=1000,3000"], out=tmp_path / "s", plots=False, progress="none")
    got = pd.read_csv(tmp_path / "r" / "small" / "base" / "sweep" / "sweep.csv")
    assert got["total_cost_usd"].tolist() == local["total_cost_usd"].tolist()


def test_cluster_address_and_unreachable_scheduler(monkeypatch):
    import energy.executors

    monkeypatch.setattr(energy.executors, "CONNECT_TIMEOUT_S", 1.0)
    monkeypatch.delenv(CLUSTER_ENV, raising=False)
    assert cluster_address(None) is None
    monkeypatch.setenv(CLUSTER_ENV, "tcp://127.0.0.1:1")
    assert cluster_address(None) == "tcp://127.0.0.1:1" and cluster_address("local") == "local"
    with pytest.raises(EnergyError, match="cannot reach the Dask scheduler"), open_pool(1, None):
        pass
