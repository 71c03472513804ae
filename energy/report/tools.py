"""Small helpers shared by the report modules: step lengths and ends of a dispatch table, dict look-ups."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["lookup", "step_ends", "step_lengths"]


def step_lengths(d: pd.DataFrame) -> np.ndarray:
    """The ``dt_h`` column of a dispatch table. [h]"""
    return d["dt_h"].to_numpy(dtype=float)


def step_ends(d: pd.DataFrame) -> pd.DatetimeIndex:
    """End of each step (start + ``dt_h``)."""
    return d.index + pd.to_timedelta(step_lengths(d) * 3600.0, unit="s")


def lookup(dct: dict, *path, default=None):
    """``dct[p0][p1]...``, or ``default`` where a key is missing or the value is None."""
    cur = dct
    for p in path:
        if not isinstance(cur, dict) or p not in cur:
            return default
        cur = cur[p]
    return default if cur is None else cur
