"""Every command-line option of issue 13, through typer's CliRunner (and a pty for the live view)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time

import pytest
from typer.testing import CliRunner

import energy
from energy.cli import app, main
from tests.conftest import CHANCAY, SMALL_MODEL

runner = CliRunner()
SHORT = ["--end", "2025-01-08"]  # two days of the small model's week


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def short_run(tmp_path_factory):
    """A finished two-day run folder with plots (one run for the module)."""
    tmp = tmp_path_factory.mktemp("short")
    model = tmp / "small.toml"
    model.write_text(SMALL_MODEL)
    res = invoke("run", model, *SHORT, "--out", tmp / "r")
    assert res.exit_code == 0, res.output
    return res, tmp / "r" / "small" / "base"


def test_version():
    res = invoke("--version")
    assert res.exit_code == 0 and res.output.strip() == f"port-energy {energy.__version__}"


@pytest.mark.parametrize("command", ["run", "compare", "profiles", "check", "report", "scenarios", "size",
                                     "pareto"])
def test_help_keeps_units_and_shows_flags_without_bool(command):
    res = invoke(command, "--help")
    assert res.exit_code == 0
    assert "<bool>" not in res.output and "-q, --quiet" in res.output
    if command in ("run", "compare", "size"):
        assert "Solver time limit per run [s]." in res.output
        assert "--threads N" in res.output


def test_scenarios_lists_names_and_descriptions_without_building(monkeypatch):
    import energy.build

    def refuse(*a, **k):
        raise AssertionError("scenarios must not build profiles")

    monkeypatch.setattr(energy.build, "build_profiles", refuse)
    monkeypatch.setattr(energy.build, "build_inputs", refuse)
    t = time.perf_counter()
    res = invoke("scenarios", CHANCAY)
    assert res.exit_code == 0 and time.perf_counter() - t < 10
    lines = res.output.splitlines()
    assert lines[0].startswith("base ")
    assert any(ln.startswith("rampup_2025") and "352,591 TEU" in ln for ln in lines)
    assert "changes: battery.energy_kwh" in res.output
    quiet = invoke("scenarios", CHANCAY, "-q").output
    assert "changes:" not in quiet and "pv_wind" in quiet


def test_run_shows_phases_and_prints_the_report_path(short_run):
    res, folder = short_run
    out = res.output
    phases = re.findall(r"^\[\s*[\d.]+ s\] (\w+)$", out, flags=re.M)
    assert phases == ["profiles", "build", "solve", "extract", "write", "plots", "done"], out
    assert re.search(r"HiGHS \d+ s, gap [\d.]+%, best [\d,]+ USD", out)
    assert out.strip().splitlines()[-1] == f"report: {folder / 'report.html'}"
    assert (folder / "report.html").is_file()


def test_quiet_hides_the_phases_of_every_command(small_model, tmp_path, short_run):
    _, folder = short_run
    for args in (["run", small_model, *SHORT, "--out", tmp_path / "q", "--no-plots", "-q"],
                 ["profiles", small_model, *SHORT, "--out", tmp_path / "q", "-q"],
                 ["check", small_model, *SHORT, "-q"],
                 ["report", folder, "-q"]):
        res = invoke(*args)
        assert res.exit_code == 0, res.output
        assert not re.search(r"^\[\s*[\d.]+ s\]", res.output, flags=re.M), (args, res.output)


def test_solver_log_file_and_verbose(small_model, tmp_path):
    log = tmp_path / "highs.log"
    res = invoke("run", small_model, *SHORT, "--out", tmp_path / "r", "--no-plots", "--solver-log", log, "-v")
    assert res.exit_code == 0, res.output
    text = log.read_text()
    assert text.startswith("--- HiGHS round 0 ---") and re.search(r"\d+ rows; \d+ cols", text)
    assert f"wrote {log} (HiGHS log)" in res.output
    assert re.search(r"^(MIP|LP) has \d+ rows", res.output, flags=re.M)  # -v: the log on screen too
    bad = main(["run", str(small_model), *SHORT, "--out", str(tmp_path / "r2"), "--solver-log", str(tmp_path)])
    assert bad == 1


def test_compare_threads_reaches_every_run(small_model, tmp_path, monkeypatch):
    import energy.optimise.optimise as opt

    seen = []
    real = opt.optimise

    def spy(inputs, **kw):
        seen.append(kw["threads"])
        return real(inputs, **kw)

    monkeypatch.setattr(opt, "optimise", spy)
    small_model.write_text(small_model.read_text() + '\n[scenarios.more]\ndescription = "x"\n'
                           'pv.roof.capacity_kwp = 3000.0\n')
    res = invoke("compare", small_model, *SHORT, "--out", tmp_path / "r", "--no-plots", "--threads", 2)
    assert res.exit_code == 0, res.output
    assert len(seen) >= 2 and set(seen) == {2}  # both runs (and their business-as-usual solve)
    assert "base: done (1 of 2 done" in res.output and "ETA" in res.output
    assert "more: done (2 of 2 done" in res.output


def test_report_week_replaces_the_default_week_plots(short_run):
    _, folder = short_run
    assert invoke("report", folder, "-q").exit_code == 0  # the default plots first
    assert (folder / "dispatch.png").is_file()
    res = invoke("report", folder, "--week", "2025-01-07")
    assert res.exit_code == 0, res.output
    pngs = sorted(p.name for p in folder.glob("dispatch*.png"))
    assert pngs == ["dispatch_2025-01-07.png"]
    assert "Dispatch, week Tue 07 Jan 2025" in (folder / "report.html").read_text()
    assert f"wrote {folder / 'report.html'}" in res.output


@pytest.mark.parametrize(("option", "value", "needle"), [
    ("--start", "bogus", "--start 'bogus': expected a date"),
    ("--end", "2024-01-01", "--end 2024-01-01 (command line): expected end after start"),
    ("--resolution", "7min", "--resolution '7min': expected a step length"),
])
def test_bad_horizon_option_is_blamed_on_the_option(small_model, capsys, option, value, needle):
    code = main(["run", str(small_model), option, value])
    err = capsys.readouterr().err
    assert code == 1 and needle in err and "small.toml" not in err


@pytest.mark.skipif(sys.platform == "win32", reason="pty is POSIX")
def test_live_phases_on_a_terminal(small_model, tmp_path):
    """In a terminal (a pty) the run shows the live view: ticks, the clock and HiGHS's line."""
    import fcntl
    import pty
    import select
    import struct
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "120"}
    env.pop("NO_COLOR", None)
    proc = subprocess.Popen([sys.executable, "-m", "energy", "run", str(small_model), *SHORT, "--no-plots",
                             "--out", str(tmp_path / "r")], stdin=slave, stdout=slave, stderr=slave,
                            env=env, close_fds=True)
    os.close(slave)
    buf = b""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            buf += chunk
        elif proc.poll() is not None:
            break
    proc.wait(timeout=30)
    os.close(master)
    text = buf.decode("utf-8", errors="replace")
    assert proc.returncode == 0, text
    assert "\x1b[" in text  # drawn with terminal control codes, redrawn in place
    for phase in ("profiles", "build", "solve", "extract", "write"):
        assert re.search(rf"✓ .*{phase}\s+[\d.]+ s", text), phase
    assert "elapsed" in text and re.search(r"HiGHS \d+ s", text)
    assert "total cost" in text
