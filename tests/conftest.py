"""Shared fixtures: paths to the bundled model and small model files made per test."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHANCAY = ROOT / "models" / "chancay.toml"
DATA = Path(__file__).resolve().parent / "data"

SMALL_MODEL = """
[model]
name = "small"

[site]
latitude = -11.59333
longitude = -77.27778
altitude_m = 5.0
timezone = "America/Lima"

[horizon]
start = 2025-01-06
end = 2025-01-13
resolution = "1h"

[pv.roof]
capacity_kwp = 2000.0

[battery]
energy_kwh = 2000.0
charge_power_kw = 1000.0
discharge_power_kw = 1000.0

[grid]
import_limit_kw = 20000.0
"""


@pytest.fixture
def small_model(tmp_path: Path) -> Path:
    """A one-week model file with defaults for everything not given."""
    p = tmp_path / "small.toml"
    p.write_text(SMALL_MODEL)
    return p


@pytest.fixture(autouse=True)
def _no_cluster_from_the_environment(monkeypatch):
    """A DASK_SCHEDULER_ADDRESS in the caller's shell must not send the tests to a cluster."""
    monkeypatch.delenv("DASK_SCHEDULER_ADDRESS", raising=False)
