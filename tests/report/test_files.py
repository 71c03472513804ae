"""Atomic writers and the run-folder protocol: nothing half-written, nothing lost."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from energy.errors import EnergyError
from energy.report import files as report


def test_iso_timestamps_carry_offset():
    idx = pd.date_range("2025-01-01", periods=2, freq="15min", tz="America/Lima")
    assert report.iso_index(idx) == ["2025-01-01T00:00:00-05:00", "2025-01-01T00:15:00-05:00"]


def test_write_csv_and_json_leave_no_temp_files(tmp_path):
    df = pd.DataFrame({"a_kw": [1.0, 2.0]})
    report.write_csv(tmp_path / "x.csv", df)
    report.write_json(tmp_path / "s.json", {"v": float("nan"), "t": pd.Timestamp("2025-01-01", tz="UTC")})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.json", "x.csv"]
    assert json.loads((tmp_path / "s.json").read_text()) == {"v": None, "t": "2025-01-01T00:00:00+00:00"}


def test_failed_write_keeps_old_file(tmp_path):
    p = tmp_path / "x.txt"
    report.write_text(p, "complete")

    def boom(fh):
        fh.write("half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        report._atomic(p, boom)
    assert p.read_text() == "complete"
    assert [q.name for q in tmp_path.iterdir()] == ["x.txt"]


def test_staged_folder_refuses_then_replaces_atomically(tmp_path):
    target = tmp_path / "base"
    with report.staged_folder(target) as stage:
        report.write_text(stage / "summary.json", "{}")
    assert (target / "summary.json").exists()
    with pytest.raises(EnergyError, match="holds an earlier run; pass --overwrite"):
        with report.staged_folder(target):
            pass
    # a failure while writing the new run leaves the old one untouched and no staging folder
    with pytest.raises(KeyboardInterrupt):
        with report.staged_folder(target, overwrite=True) as stage:
            report.write_text(stage / "dispatch.csv", "partial")
            raise KeyboardInterrupt
    assert sorted(p.name for p in target.iterdir()) == ["summary.json"]
    assert [p.name for p in tmp_path.iterdir()] == ["base"]
    with report.staged_folder(target, overwrite=True) as stage:
        report.write_text(stage / "new.txt", "x")
    assert sorted(p.name for p in target.iterdir()) == ["new.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["base"]
