"""Overview figures of a run: import duration curve and heat map, energy balance, monthly
emissions and the berth/crane timeline of the vessel calls.

Same contract as :mod:`energy.report.figures`: plain tables in, a
:class:`matplotlib.figure.Figure` (or None when there is nothing to draw) out; no pyplot,
no Pyomo. :func:`energy.report.plots.write_run_plots` saves them.

======================  =================================================================
figure                  what it shows
======================  =================================================================
``import_duration``     grid import of every step sorted from highest to lowest, against
                        the hours of the horizon (peak-hour steps marked) [kW]
``import_heatmap``      grid import by hour of day (rows) and day (columns), HOMER's DMap [kW]
``energy_balance``      the horizon's energy from sources to uses, two stacked bars [MWh]
``monthly_emissions``   emissions of grid import per month [tCO2], and per MWh of load
``call_gantt``          each vessel call's berth window (light) and crane work (shade = cranes
                        working), calls packed on berth lanes
======================  =================================================================
"""

from __future__ import annotations

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure

from energy.kpis import dispatch_column as column
from energy.report.drawing import COLOURS, local_times, new_figure, thousands, tz_name
from energy.report.tools import step_lengths

__all__ = [
    "COST_TERMS",
    "figure_call_gantt",
    "figure_comparison_assets",
    "figure_comparison_costs",
    "figure_comparison_waterfall",
    "figure_energy_balance",
    "figure_import_duration",
    "figure_import_heatmap",
    "figure_monthly_emissions",
    "noise_threshold_usd",
]


def figure_import_duration(dispatch: pd.DataFrame) -> Figure | None:
    """Load-duration curve of grid import: steps sorted by import, x in hours. [kW]"""
    imp = column(dispatch, "grid_import_kw")
    if not np.any(imp > 0):
        return None
    dt = step_lengths(dispatch)
    peak = dispatch["is_peak"].to_numpy(dtype=bool) if "is_peak" in dispatch else np.zeros(len(imp), bool)
    order = np.argsort(-imp, kind="stable")
    hours = np.cumsum(dt[order])
    fig = new_figure(10.5, 4.4)
    ax = fig.subplots()
    ax.fill_between(np.concatenate([[0.0], hours]), np.concatenate([[imp[order][0]], imp[order]]),
                    step="pre", color=COLOURS["grid_light"], lw=0)
    ax.step(np.concatenate([[0.0], hours]), np.concatenate([[imp[order][0]], imp[order]]),
            where="pre", color=COLOURS["grid"], lw=1.4, label="grid import")
    sel = peak[order]
    if sel.any():
        ax.scatter(hours[sel], imp[order][sel], s=4, color=COLOURS["price"], zorder=3,
                   label="steps in peak hours")
    ax.set_xlim(0, hours[-1])
    ax.set_ylim(0, None)
    ax.set_xlabel("Hours of the horizon with at least this import [h]")
    ax.set_ylabel("Grid import [kW]")
    thousands(ax.xaxis)
    thousands(ax.yaxis)
    ax.legend(loc="upper right")
    ax.set_title("Grid import duration curve", loc="left", fontsize=12)
    return fig


def figure_import_heatmap(dispatch: pd.DataFrame) -> Figure | None:
    """Grid import by hour of day and day (local time), mean over each hour. [kW]"""
    imp = column(dispatch, "grid_import_kw")
    if not len(imp):
        return None
    t = pd.DatetimeIndex(local_times(dispatch.index))
    frame = pd.DataFrame({"kw": imp * step_lengths(dispatch), "h": step_lengths(dispatch)},
                         index=t)
    day = t.normalize()
    grid = frame.groupby([t.hour, day]).sum()
    kw = (grid["kw"] / grid["h"]).unstack(level=1)  # rows: hour of day, columns: day
    kw = kw.reindex(range(24))
    days = kw.columns
    fig = new_figure(10.5, 4.6)
    ax = fig.subplots()
    x = np.arange(len(days) + 1)
    mesh = ax.pcolormesh(x, np.arange(25), kw.to_numpy(dtype=float), cmap="viridis", shading="flat")
    cb = fig.colorbar(mesh, ax=ax, pad=0.01)
    cb.set_label("Grid import [kW]")
    ticks = [i for i, d in enumerate(days) if d.day == 1] if len(days) > 45 else list(range(0, len(days), 7))
    ax.set_xticks([i + 0.5 for i in ticks], [days[i].strftime("%d %b") for i in ticks])
    ax.set_yticks([0, 6, 12, 18, 24], ["00", "06", "12", "18", "24"])
    ax.set_ylabel(f"Hour of day ({tz_name(dispatch.index)})")
    ax.set_xlabel("Day")
    ax.grid(False)
    ax.set_title("Grid import by hour and day", loc="left", fontsize=12)
    return fig


def figure_energy_balance(balance: pd.DataFrame) -> Figure | None:
    """Sources and uses of the horizon's energy as two stacked bars. [MWh]"""
    colours = {"PV used": COLOURS["pv"], "wind used": COLOURS["wind"], "grid import": COLOURS["grid"],
               "battery discharge": COLOURS["battery"], "unserved": COLOURS["unserved"],
               "fixed load": COLOURS["fixed"], "cranes": COLOURS["crane"], "trucks": COLOURS["truck"],
               "battery charge": COLOURS["battery_light"], "grid export": COLOURS["grid_light"]}
    b = balance[balance["side"].isin(["source", "use"]) & (balance["mwh"] > 1e-6)]
    if not len(b):
        return None
    fig = new_figure(10.5, 3.8)
    ax = fig.subplots()
    total = float(b[b["side"] == "source"]["mwh"].sum())
    for y, side in ((1, "source"), (0, "use")):
        left = 0.0
        for _, r in b[b["side"] == side].iterrows():
            ax.barh(y, r["mwh"], left=left, color=colours.get(r["flow"], "#999999"), height=0.6,
                    edgecolor="white", lw=0.8)
            if r["mwh"] > 0.09 * total:
                dark = r["flow"] in ("fixed load", "cranes", "battery discharge", "grid import", "wind used")
                ax.text(left + r["mwh"] / 2, y, f"{r['flow']}\n{r['mwh']:,.0f} MWh ({r['share']:.0%})",
                        ha="center", va="center", fontsize=8, color="white" if dark else "black")
            left += r["mwh"]
    small = b[b["mwh"] <= 0.09 * total]
    if len(small):
        txt = "; ".join(f"{r.flow} {r.mwh:,.1f} MWh" for r in small.itertuples())
        fig.text(0.01, 0.01, f"small flows: {txt}", fontsize=8, ha="left", va="bottom")
        fig.get_layout_engine().set(rect=(0, 0.06, 1, 0.94))
    ax.set_yticks([1, 0], ["sources", "uses"])
    ax.set_xlabel("Energy over the horizon [MWh]")
    thousands(ax.xaxis)
    ax.grid(False, axis="y")
    ax.set_title("Energy balance: where the energy came from and where it went", loc="left", fontsize=12)
    return fig


def figure_monthly_emissions(monthly: pd.DataFrame) -> Figure | None:
    """Monthly emissions of grid import [tCO2] (bars) and per MWh of load [kgCO2/MWh] (line)."""
    if "emissions_tco2" not in monthly or not np.any(monthly["emissions_tco2"].to_numpy(dtype=float) > 0):
        return None
    n = len(monthly)
    fig = new_figure(max(7.5, min(12.5, 2.5 + 0.85 * n)), 4.2)
    ax = fig.subplots()
    xs = np.arange(n)
    ax.bar(xs, monthly["emissions_tco2"].to_numpy(dtype=float), 0.62, color=COLOURS["carbon"],
           label="emissions [tCO2]")
    ax.set_ylabel("Emissions of grid import [tCO2]")
    ax2 = ax.twinx()
    per = 1000.0 * monthly["emissions_tco2"] / monthly["load_mwh"].where(monthly["load_mwh"] > 0)
    ax2.plot(xs, per.to_numpy(dtype=float), color="black", marker="o", ms=4, lw=1.3,
             label="per MWh of load [kgCO2/MWh]")
    ax2.set_ylabel("Per MWh of load [kgCO2/MWh]")
    ax2.set_ylim(0, None)
    ax2.grid(False)
    ax.set_xticks(xs, [p.strftime("%b\n%Y") if i == 0 or p.month == 1 else p.strftime("%b")
                       for i, p in enumerate(monthly.index)])
    ax.grid(False, axis="x")
    fig.legend(loc="outside upper right", ncols=2)
    ax.set_title("Monthly emissions", loc="left", fontsize=12)
    return fig


def _lanes(calls: pd.DataFrame) -> np.ndarray:
    """Pack calls on lanes (berths): the first lane free at the call's arrival."""
    free: list[pd.Timestamp] = []
    lane = np.zeros(len(calls), dtype=int)
    for i, (a, d) in enumerate(zip(calls["arrival"], calls["departure"], strict=True)):
        for k, f in enumerate(free):
            if f <= a:
                lane[i], free[k] = k, d
                break
        else:
            lane[i] = len(free)
            free.append(d)
    return lane


def figure_call_gantt(calls: pd.DataFrame, jobs: pd.DataFrame, dispatch: pd.DataFrame) -> Figure | None:
    """Berth/crane timeline: each call's window on a berth lane, its crane work shaded by cranes."""
    if not len(calls):
        return None
    c = calls.sort_values("arrival", kind="stable").reset_index(drop=True)
    c["arrival"] = pd.to_datetime(c["arrival"])
    c["departure"] = pd.to_datetime(c["departure"])
    lane = _lanes(c)
    fig = new_figure(10.5, max(2.8, 1.2 + 0.55 * (lane.max() + 1)))
    ax = fig.subplots()
    tz = dispatch.index.tz
    a = local_times(pd.DatetimeIndex(c["arrival"]).tz_convert(tz))
    d = local_times(pd.DatetimeIndex(c["departure"]).tz_convert(tz))
    ax.barh(lane, d - a, left=a, height=0.7, color=COLOURS["window"], edgecolor=COLOURS["crane"], lw=0.5,
            label="berth window")
    j = jobs[jobs["kind"] == "vessel"] if len(jobs) else jobs
    if len(j):
        lane_of = dict(zip(c["vessel"].astype(str), lane, strict=True))
        ts = pd.DatetimeIndex(j["timestamp"])
        dt = pd.to_timedelta(dispatch["dt_h"].reindex(ts).to_numpy(dtype=float), unit="h")
        top = max(float(j["cranes"].max()), 1.0)
        y = j["job"].astype(str).map(lane_of).to_numpy(dtype=float)
        ok = ~np.isnan(y)
        alpha = 0.25 + 0.75 * j["cranes"].to_numpy(dtype=float)[ok] / top
        x0 = mdates.date2num(local_times(ts[ok]))
        x1 = x0 + dt[ok].total_seconds().to_numpy() / 86400.0
        yy = y[ok]
        boxes = np.stack([np.column_stack([x0, yy - 0.25]), np.column_stack([x1, yy - 0.25]),
                          np.column_stack([x1, yy + 0.25]), np.column_stack([x0, yy + 0.25])], axis=1)
        colours = np.column_stack([np.full((len(alpha), 3), (0.12, 0.37, 0.65)), alpha])
        # thousands of cells: one artist
        ax.add_collection(PolyCollection(boxes, facecolors=colours, linewidths=0,
                                         label=f"crane work (darker = more cranes, up to {top:.0f})"))
    if len(c) <= 12:  # names fit beside the bars only for a few calls
        for i, r in c.iterrows():
            ax.text(a[i], lane[i] + 0.42, str(r["vessel"]), fontsize=7, va="bottom", ha="left", clip_on=True)
    ax.set_yticks(range(lane.max() + 1), [f"berth {k + 1}" for k in range(lane.max() + 1)])
    ax.set_ylim(lane.max() + 0.9, -0.6)
    ax.set_xlabel(f"Local time ({tz_name(dispatch.index)})")
    ax.grid(False, axis="y")
    fig.legend(loc="outside upper right", ncols=2)
    ax.set_title(f"Vessel calls: berth windows and crane work ({len(c)} calls)", loc="left", fontsize=12)
    return fig


# --------------------------------------------------------------------------- comparison
#: Bill terms of a comparison row, stacked in that order: (column, label, colour).
COST_TERMS = (
    ("energy_cost_usd", "energy", COLOURS["grid"]),
    ("capacity_charge_generation_usd", "capacity: generation", COLOURS["cap_gen"]),
    ("capacity_charge_distribution_usd", "capacity: distribution", COLOURS["cap_dist"]),
    ("battery_wear_usd", "battery wear", COLOURS["battery"]),
    ("carbon_cost_usd", "carbon", COLOURS["carbon"]),
    ("unserved_cost_usd", "unserved", COLOURS["unserved"]),
)


def noise_threshold_usd(comparison: pd.DataFrame) -> float:
    """Cost differences at or below this are solver noise: the largest MIP gap x the base cost. [USD]"""
    c = comparison
    base = c[c["scenario"].astype(str) == "base"]
    if not len(base) or "total_cost_usd" not in c:
        return 0.0
    gaps = pd.to_numeric(c.get("mip_gap", pd.Series(dtype=float)), errors="coerce").fillna(0.0)
    return float(gaps.clip(lower=0).max() * abs(float(base["total_cost_usd"].iloc[0])))


def figure_comparison_assets(ok: pd.DataFrame) -> Figure | None:
    """PV [MWp], wind [MW] and battery [MWh] (with its power [MW]) of each scenario, three panels."""
    if "pv_kwp" not in ok:
        return None
    names = ok["scenario"].astype(str).tolist()
    fig = new_figure(10.5, max(2.6, 0.9 + 0.32 * len(names)))
    axes = fig.subplots(1, 3, sharey=True)
    y = np.arange(len(names))
    for ax, col, label, colour in ((axes[0], "pv_kwp", "PV [MWp]", COLOURS["pv"]),
                                   (axes[1], "wind_kw", "wind [MW]", COLOURS["wind"]),
                                   (axes[2], "battery_kwh", "battery [MWh]", COLOURS["battery"])):
        v = pd.to_numeric(ok[col], errors="coerce").fillna(0.0).to_numpy() / 1000.0
        ax.barh(y, v, color=colour, height=0.65)
        for yi, vi in zip(y, v, strict=True):
            text = f"{vi:,.1f}"
            if col == "battery_kwh" and vi > 0:
                text += f" / {float(ok['battery_kw'].iloc[yi]) / 1000:,.1f} MW"
            ax.text(vi, yi, " " + text, va="center", fontsize=7.5)
        ax.set_xlabel(label)
        ax.set_xlim(0, max(v.max() * 1.45, 1.0))
        ax.grid(False, axis="y")
    axes[0].set_yticks(y, names)
    axes[0].invert_yaxis()
    fig.suptitle("Asset sizes per scenario", x=0.01, ha="left", fontsize=12)
    return fig


def figure_comparison_costs(ok: pd.DataFrame) -> Figure | None:
    """Stacked cost terms of each scenario (horizontal bars), total at the end. [USD]"""
    terms = [t for t in COST_TERMS if t[0] in ok]
    if not terms:
        return None
    names = ok["scenario"].astype(str).tolist()
    fig = new_figure(10.5, max(2.8, 1.2 + 0.34 * len(names)))
    ax = fig.subplots()
    y = np.arange(len(names))
    left = np.zeros(len(names))
    for col, label, colour in terms:
        v = pd.to_numeric(ok[col], errors="coerce").fillna(0.0).to_numpy()
        if not np.any(np.abs(v) > 0.5):
            continue
        ax.barh(y, v, left=left, color=colour, height=0.65, label=label)
        left += v
    for yi, total in zip(y, pd.to_numeric(ok["total_cost_usd"]).to_numpy(), strict=True):
        ax.text(left[yi], yi, f" {total:,.0f}", va="center", fontsize=7.5)
    ax.set_yticks(y, names)
    ax.invert_yaxis()
    ax.set_xlim(0, left.max() * 1.18)
    ax.set_xlabel("Total cost over the horizon [USD]")
    thousands(ax.xaxis)
    ax.grid(False, axis="y")
    fig.legend(loc="outside upper right", ncols=3)
    ax.set_title("Cost split per scenario", loc="left", fontsize=12)
    return fig


def figure_comparison_waterfall(ok: pd.DataFrame) -> Figure | None:
    """For each scenario, a waterfall from the base's total cost through each term's change. [USD]

    Changes no larger than the solver's MIP gap (:func:`noise_threshold_usd`) are grey: noise.
    """
    base = ok[ok["scenario"].astype(str) == "base"]
    others = ok[ok["scenario"].astype(str) != "base"]
    terms = [t for t in COST_TERMS if t[0] in ok]
    if not len(base) or not len(others) or not terms:
        return None
    noise = noise_threshold_usd(ok)
    b = base.iloc[0]
    n = len(others)
    cols = min(3, n)
    rows = int(np.ceil(n / cols))
    fig = new_figure(10.5, 0.6 + 2.6 * rows)
    axes = np.atleast_1d(fig.subplots(rows, cols, squeeze=False)).ravel()
    labels = ["base", *[t[1].replace("capacity: ", "cap. ") for t in terms], "scenario"]
    for ax, (_, r) in zip(axes, others.iterrows(), strict=False):
        level = float(b["total_cost_usd"])
        ax.bar(0, level, color="#BBBBBB", width=0.7)
        for k, (col, _, _) in enumerate(terms, start=1):
            d = float(r[col]) - float(b[col])
            shade = "#D9D9D9" if abs(d) <= max(noise, 0.5) else (COLOURS["wind"] if d < 0 else COLOURS["price"])
            ax.bar(k, d, bottom=level, color=shade, width=0.7)
            level += d
        total = float(r["total_cost_usd"])
        grey = abs(total - float(b["total_cost_usd"])) <= noise
        ax.bar(len(terms) + 1, total, color="#D9D9D9" if grey else COLOURS["crane"], width=0.7)
        delta = total - float(b["total_cost_usd"])
        ax.set_title(f"{r['scenario']}: {delta:+,.0f} USD" + (" (noise)" if grey else ""), fontsize=9,
                     loc="left")
        ax.set_xticks(range(len(labels)), labels, rotation=60, ha="right", fontsize=7)
        lo = min(float(b["total_cost_usd"]), total, level) * 0.8
        ax.set_ylim(lo, max(float(b["total_cost_usd"]), total) * 1.05)
        thousands(ax.yaxis)
        ax.grid(False, axis="x")
    for ax in axes[n:]:
        ax.set_visible(False)
    fig.supylabel("Total cost [USD]", fontsize=9)
    fig.suptitle("Cost against the base, term by term (green: saves, red: costs more, grey: within the "
                 "MIP gap)", x=0.01, ha="left", fontsize=11)
    return fig
