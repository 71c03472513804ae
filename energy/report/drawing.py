"""The drawing kit shared by every figure: colours, style, time axes, step areas, PNG output.

Every figure is drawn with matplotlib's object API (:class:`matplotlib.figure.Figure`
rendered by Agg, made by :func:`new_figure`), never through :mod:`matplotlib.pyplot`: no
figure is registered with pyplot (``plt.get_fignums()`` stays empty), the user's
backend is never touched, and :func:`save_png` drops each figure's contents as soon as its
PNG is written, so many runs in one process do not grow its memory.
"""

from __future__ import annotations

import io
from pathlib import Path

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from energy.kpis import dispatch_column as column
from energy.report import files
from energy.report.tools import step_ends

__all__ = ["COLOURS", "DPI"]

#: One colour per quantity, the same in every figure.
COLOURS = {
    "pv": "#E3A400",
    "pv_light": "#F7DC8A",
    "wind": "#11908E",
    "wind_light": "#8FD3D1",
    "battery": "#6A3D9A",
    "battery_light": "#C2ABDD",
    "grid": "#8C8C8C",
    "grid_light": "#D0D0D0",
    "load": "#000000",
    "fixed": "#4D4D4D",
    "crane": "#1F5FA6",
    "truck": "#86B6E3",
    "unserved": "#D62728",
    "peak": "#F6D3D3",
    "window": "#DCE9F6",
    "price": "#B03A2E",
    "cap_gen": "#2F4A66",
    "cap_dist": "#8497B0",
    "carbon": "#8C564B",
    "shore": "#2CA02C",
    "reefer": "#17BECF",
    "band": "#CDEFF3",
}

DPI = 110
STYLE = {
    "font.size": 9.5,
    "axes.titlesize": 10.5,
    "axes.labelsize": 9.5,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#E3E3E3",
    "grid.linewidth": 0.7,
    "axes.axisbelow": True,
    "legend.fontsize": 8.5,
    "legend.frameon": False,
    "hatch.linewidth": 0.6,
}
PEAK_VEIL = "#E06060"


def local_times(t) -> np.ndarray:
    """Site-local wall-clock times (naive), for plotting."""
    idx = pd.DatetimeIndex(t)
    return (idx.tz_localize(None) if idx.tz is not None else idx).to_numpy()


def step_edges(d: pd.DataFrame) -> np.ndarray:
    """Step boundaries (n + 1) in local wall-clock time."""
    ends = step_ends(d)
    return local_times(d.index.append(ends[-1:]))


def extend_last(a: np.ndarray) -> np.ndarray:
    """Values repeated at the last edge, for ``step="post"`` drawing."""
    return np.append(a, a[-1]) if len(a) else a


def tz_name(idx: pd.DatetimeIndex) -> str:
    """Name of the index's time zone for axis labels (``"local"`` when naive)."""
    return str(idx.tz) if idx.tz is not None else "local"


def power_scale(max_kw: float) -> tuple[float, str]:
    """Divisor and unit for a power axis: MW from 2,000 kW up, else kW."""
    return (1000.0, "MW") if max_kw >= 2000.0 else (1.0, "kW")


def energy_scale(max_kwh: float) -> tuple[float, str]:
    """Divisor and unit for an energy axis: MWh from 2,000 kWh up, else kWh."""
    return (1000.0, "MWh") if max_kwh >= 2000.0 else (1.0, "kWh")


def thousands(ax_axis, decimals: int = 0) -> None:
    """Tick labels with thousands separators and ``decimals`` decimals."""
    ax_axis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:,.{decimals}f}"))


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """``[i0, i1)`` index ranges where ``mask`` is true."""
    m = np.concatenate([[False], np.asarray(mask, dtype=bool), [False]])
    diff = np.diff(m.astype(np.int8))
    return list(zip(np.flatnonzero(diff == 1).tolist(), np.flatnonzero(diff == -1).tolist(), strict=True))


def shade_peaks(axes, d: pd.DataFrame, over: bool = False) -> bool:
    """Shade the peak-hour steps on every axis; True when any was shaded.

    ``over=True`` lays a translucent veil over filled areas (so the peak hours
    show on stacked supply too) instead of a band behind the data.
    """
    if "is_peak" not in d.columns or not len(d):
        return False
    peak = d["is_peak"].to_numpy().astype(bool)
    edges = step_edges(d)
    spans = _runs(peak)
    for ax in axes:
        for i0, i1 in spans:
            if over:
                ax.axvspan(edges[i0], edges[i1], facecolor=PEAK_VEIL, alpha=0.16, lw=0, zorder=2.5)
                ax.axvspan(edges[i0], edges[i1], ymin=0.965, ymax=1.0, facecolor=COLOURS["price"],
                           alpha=0.75, lw=0, zorder=3)
            else:
                ax.axvspan(edges[i0], edges[i1], color=COLOURS["peak"], alpha=0.55, lw=0, zorder=0)
    return bool(spans)


def peak_patch(assumptions: dict, over: bool = False) -> Patch:
    """Legend patch of the peak-hour shading (``over``: the veil drawn over bars)."""
    if over:
        return Patch(facecolor=PEAK_VEIL, alpha=0.35, edgecolor=COLOURS["price"],
                     label=peak_label(assumptions))
    return Patch(facecolor=COLOURS["peak"], alpha=0.55, label=peak_label(assumptions))


def peak_label(assumptions: dict) -> str:
    """``"peak hours 18-23 h"`` from the tariff of the assumptions."""
    t = (assumptions or {}).get("tariff") or {}
    a, b = t.get("peak_start_hour"), t.get("peak_end_hour")
    if a is not None and b is not None:
        return f"peak hours {int(a):02d}-{int(b):02d} h"
    return "peak hours"


def time_axis(ax, t0, t1, tzname: str, label: bool = True) -> None:
    """Ticks for a local-time axis from ``t0`` to ``t1`` (naive local)."""
    days = (pd.Timestamp(t1) - pd.Timestamp(t0)) / pd.Timedelta(days=1)
    if days <= 3.5:
        ax.xaxis.set_major_locator(mdates.HourLocator(byhour=[0, 6, 12, 18]))

        def fmt(x, _pos):
            t = mdates.num2date(x)
            return t.strftime("%a %d %b") if t.hour == 0 else t.strftime("%H:%M")

        ax.xaxis.set_major_formatter(FuncFormatter(fmt))
        ax.xaxis.set_minor_locator(mdates.HourLocator(byhour=range(3, 24, 6)))
    elif days <= 10.5:
        ax.xaxis.set_major_locator(mdates.DayLocator())
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%a %d %b"))
        ax.xaxis.set_minor_locator(mdates.HourLocator(byhour=[6, 12, 18]))
        ax.grid(True, which="minor", color="#F0F0F0", linewidth=0.5)
    elif days <= 60:
        ax.xaxis.set_major_locator(mdates.WeekdayLocator(byweekday=mdates.MO))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%d %b"))
        ax.xaxis.set_minor_locator(mdates.DayLocator())
    else:
        ax.xaxis.set_major_locator(mdates.MonthLocator())
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%b\n%Y" if days > 400 else "%b"))
    ax.set_xlim(t0, t1)
    if label:
        ax.set_xlabel(f"local time ({tzname})")


def fill_steps(ax, x, lo, hi, colour, label, hatch=None, edge=None):
    """Fill between two step series (values held over each step)."""
    ax.fill_between(x, extend_last(lo), extend_last(hi), step="post", facecolor=colour, label=label, hatch=hatch,
                    edgecolor=edge if edge is not None else colour, linewidth=0.0)


def stack_steps(ax, x, parts, scale: float) -> np.ndarray:
    """Stacked step areas; parts = (label, kW values, colour, hatch, edge). Returns the top."""
    base = np.zeros(len(x) - 1)
    for label, v, colour, hatch, edge in parts:
        if not np.any(v > 1e-9):
            continue
        top = base + v / scale
        fill_steps(ax, x, base, top, colour, label, hatch, edge)
        base = top
    return base


def mpl_text(s) -> str:
    """User text for matplotlib: a ``$`` is a dollar sign, not the start of mathtext."""
    return str(s).replace("$", r"\$")


def save_png(fig: Figure, path: Path) -> bytes:
    """Render a figure to PNG bytes, write them atomically, and drop the figure's contents."""
    buf = io.BytesIO()
    try:
        FigureCanvasAgg(fig)
        fig.savefig(buf, format="png", dpi=DPI)
    finally:
        fig.clear()
    data = buf.getvalue()
    files.write_bytes(path, data)
    return data


def new_figure(w: float, h: float) -> Figure:
    """A constrained-layout figure of ``w`` x ``h`` inches on an Agg canvas (no pyplot)."""
    fig = Figure(figsize=(w, h), dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def battery_energy_kwh(assumptions: dict) -> float:
    """Battery energy of the assumptions; 0 when absent or unreadable. [kWh]"""
    b = (assumptions or {}).get("battery") or {}
    try:
        return float(b.get("energy_kwh") or 0.0)
    except (TypeError, ValueError):
        return 0.0


def has_battery(d: pd.DataFrame, assumptions: dict) -> bool:
    """Whether the run had a battery (by the assumptions, else by non-zero battery columns)."""
    if battery_energy_kwh(assumptions) > 0:
        return True
    cols = ("battery_soc_kwh", "battery_charge_kw", "battery_discharge_kw")
    return any(np.any(np.abs(column(d, c)) > 1e-9) for c in cols)
