"""Meter exports as they come (issue 13): interval-end timestamps with 24:00, date and time in
two columns, energy per interval; each plugs into [loads.metered] and the run's load energy
equals the file's energy over the horizon (to 0.1 %)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from energy.cli import main
from energy.runner import profiles, run
from tests.conftest import SMALL_MODEL

START, DAYS = pd.Timestamp("2025-01-06"), 2
STEP = pd.Timedelta("15min")


def _kw() -> np.ndarray:
    """A daily load shape with noise, one value per 15 min over the horizon plus one day. [kW]"""
    n = (DAYS + 1) * 96
    rng = np.random.default_rng(13)
    hour = np.arange(n) / 4 % 24
    return 3000 + 800 * np.sin(hour / 24 * 2 * np.pi) + rng.uniform(0, 300, n)


def _label(t: pd.Timestamp, end: bool, fmt: str) -> str:
    """A meter's stamp of the interval starting at t: its start, or its end with 24:00 for midnight."""
    if not end:
        return t.strftime(fmt)
    e = t + STEP
    if e.hour == 0 and e.minute == 0:  # the day's last interval ends at 24:00 of that day
        return (e - pd.Timedelta("1D")).strftime(fmt).replace("00:00", "24:00")
    return e.strftime(fmt)


def _write(path, *, end: bool, split: bool, energy: bool, dayfirst: bool = True) -> float:
    """Write a meter CSV; return the file's energy inside the model horizon. [kWh]"""
    kw = _kw()
    starts = pd.date_range(START, periods=len(kw), freq=STEP)
    value = kw * 0.25 if energy else kw
    datefmt = "%d/%m/%Y" if dayfirst else "%m/%d/%Y"
    head = "Fecha;Hora;Valor" if split else "Fecha y hora;Valor"
    lines = [head]
    for t, v in zip(starts, value, strict=True):
        stamp = _label(t, end, f"{datefmt} %H:%M")
        if split:
            stamp = stamp.replace(" ", ";", 1)
        lines.append(f"{stamp};{f'{v:.3f}'.replace('.', ',')}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    inside = starts < START + pd.Timedelta(days=DAYS)
    return float((kw[inside] * 0.25).sum())


def _model(tmp_path, csv: str, **metered) -> object:
    keys = {"file": csv, "value_column": "Valor", "units": "kW", "delimiter": ";", "decimal": ",",
            "dayfirst": True, "timestamp_column": "Fecha y hora", **metered}
    table = "\n".join(f"{k} = {v!r}".replace("'", '"') if not isinstance(v, bool) else f"{k} = {str(v).lower()}"
                      for k, v in keys.items())
    text = SMALL_MODEL.replace("end = 2025-01-13", "end = 2025-01-08") + f"\n[loads.metered]\n{table}\n"
    p = tmp_path / "small.toml"
    p.write_text(text)
    return p


VARIANTS = {
    "interval_end_24h": ({"end": True, "split": False, "energy": False}, {"timestamp_label": "end"}),
    "date_time_columns": ({"end": False, "split": True, "energy": False},
                          {"timestamp_column": "Fecha", "time_column": "Hora"}),
    "energy_per_interval": ({"end": False, "split": False, "energy": True}, {"units": "kWh"}),
    "all_three": ({"end": True, "split": True, "energy": True},
                  {"timestamp_column": "Fecha", "time_column": "Hora", "timestamp_label": "end",
                   "units": "kWh"}),
}


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_meter_variant_load_energy_equals_file_energy(variant, tmp_path):
    write_kw, keys = VARIANTS[variant]
    want_kwh = _write(tmp_path / "meter.csv", **write_kw)
    pr = profiles(_model(tmp_path, "meter.csv", **keys), write=False)
    assert pr.summary["load_mwh"] * 1000 == pytest.approx(want_kwh, rel=1e-3)
    # and hour by hour: the mean of the four quarter hours of each model step
    kw = _kw()[: DAYS * 96].reshape(-1, 4).mean(axis=1)
    np.testing.assert_allclose(pr.profiles.series["fixed_load_kw"].to_numpy(), kw, rtol=1e-5)


def test_the_run_serves_the_metered_energy(tmp_path):
    """End to end: the optimised run's fixed load is the meter's energy."""
    want_kwh = _write(tmp_path / "meter.csv", **VARIANTS["all_three"][0])
    rr = run(_model(tmp_path, "meter.csv", **VARIANTS["all_three"][1]), write=False)
    d = rr.dispatch
    assert float((d["fixed_load_kw"] * d["dt_h"]).sum()) == pytest.approx(want_kwh, rel=1e-3)


def test_24h_without_interval_end_points_to_timestamp_label(tmp_path, capsys):
    _write(tmp_path / "meter.csv", end=True, split=False, energy=False)
    code = main(["check", str(_model(tmp_path, "meter.csv"))])
    err = capsys.readouterr().err
    assert code == 1 and 'timestamp_label = "end"' in err and "24:00" in err


def test_month_first_reading_of_day_first_dates_suggests_dayfirst(tmp_path, capsys):
    """A day-first file read month first: told to set dayfirst, not of a 27-day gap."""
    _write(tmp_path / "meter.csv", end=False, split=False, energy=False)
    code = main(["check", str(_model(tmp_path, "meter.csv", dayfirst=False))])
    err = capsys.readouterr().err
    assert code == 1 and "dayfirst = true" in err, err
    assert "gap" not in err and len(err.strip().splitlines()) == 1
