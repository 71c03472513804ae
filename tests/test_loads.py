"""Base and reefer load shapes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from energy.config import BaseLoad, Reefers
from energy.loads import base_load_kw, reefer_load_kw

IDX = pd.date_range("2025-01-01", periods=24, freq="1h", tz="America/Lima")


def test_base_load_day_and_night_parts():
    kw = base_load_kw(IDX, **BaseLoad().model_dump())
    assert kw.iloc[12] == 600 + 300  # midday: constant + daytime
    assert kw.iloc[2] == 600 + 400  # night: constant + lighting
    assert kw.iloc[18] == 600 + 300 + 400  # 18:00: both
    assert kw.iloc[6] == 600  # 06:00: lighting off, offices not yet open


def test_reefer_power_rises_with_temperature_and_is_clipped():
    r = Reefers().fixed_kwargs()
    cool = reefer_load_kw(IDX, np.full(24, 16.0), **r)
    warm = reefer_load_kw(IDX, np.full(24, 24.0), **r)
    boxes = 960 * 0.75  # January occupancy
    assert cool.iloc[0] == pytest.approx(boxes * (2.5 - 0.12 * 4))
    assert warm.iloc[0] == pytest.approx(boxes * (2.5 + 0.12 * 4))
    hot = reefer_load_kw(IDX, np.full(24, 80.0), **r)
    assert hot.iloc[0] == pytest.approx(boxes * 7.0)
