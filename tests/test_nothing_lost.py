"""Interrupted or failed runs never damage an earlier complete run (issue 6, item 4)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from energy.runner import run
from tests.conftest import CHANCAY


def _snapshot(folder):
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_interrupt_during_solve_keeps_earlier_run(small_model, tmp_path):
    out = tmp_path / "r"
    run(small_model, out=out, plots=False)
    folder = out / "small" / "base"
    before = _snapshot(folder)

    def interrupt(phase):
        if phase == "solve":
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run(small_model, out=out, plots=False, overwrite=True, progress=interrupt)
    assert _snapshot(folder) == before
    assert sorted(p.name for p in (out / "small").iterdir()) == ["base"]


def test_failure_while_writing_keeps_earlier_run(small_model, tmp_path, monkeypatch):
    out = tmp_path / "r"
    run(small_model, out=out, plots=False)
    folder = out / "small" / "base"
    before = _snapshot(folder)
    import energy.report.files as report

    real = report.write_json

    def failing(path, data):
        if path.name == "summary.json":
            raise OSError("disk full")
        return real(path, data)

    monkeypatch.setattr(report, "write_json", failing)
    with pytest.raises(OSError):
        run(small_model, out=out, plots=False, overwrite=True)
    assert _snapshot(folder) == before
    assert sorted(p.name for p in (out / "small").iterdir()) == ["base"]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_killed_process_leaves_no_complete_looking_partial(tmp_path):
    """SIGKILL a full-year run of the bundled model mid-way: the earlier run is intact."""
    out = tmp_path / "r"
    folder = out / "chancay" / "base"
    folder.mkdir(parents=True)
    (folder / "summary.json").write_text('{"kpis": {"status": "optimal"}}')
    before = _snapshot(folder)
    proc = subprocess.Popen([sys.executable, "-m", "energy", "run", str(CHANCAY), "--out", str(out),
                             "--overwrite", "--no-plots"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(4.0)  # profiles ~1 s, then building and solving the year for several seconds
    assert proc.poll() is None, "run finished before it could be killed; lengthen the case"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert _snapshot(folder) == before
    leftovers = [p.name for p in (out / "chancay").iterdir() if p.name != "base"]
    # a killed process may leave its hidden staging folder, never a complete-looking run
    assert all(name.startswith(".base.staging-") for name in leftovers)
    for name in leftovers:
        assert not (out / "chancay" / name / "summary.json").exists()
