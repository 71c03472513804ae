"""The figures of a run: dispatch week, battery, busiest crane call, monthly energy and cost.

Each ``figure_*`` function takes the plain tables of :mod:`energy.optimise.extract` (and the
monthly tables of :mod:`energy.report.periods`) and returns a
:class:`matplotlib.figure.Figure` (or None when there is nothing to draw);
:func:`energy.report.plots.write_run_plots` saves them and names the files. Drawn with the
kit of :mod:`energy.report.drawing`; no pyplot, no Pyomo.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator

from energy.kpis import dispatch_column as column
from energy.report.drawing import (
    COLOURS,
    battery_energy_kwh,
    energy_scale,
    extend_last,
    fill_steps,
    has_battery,
    local_times,
    mpl_text,
    new_figure,
    peak_patch,
    power_scale,
    shade_peaks,
    stack_steps,
    step_edges,
    thousands,
    time_axis,
    tz_name,
)
from energy.report.periods import WeekPick
from energy.report.tools import step_ends, step_lengths

__all__ = [
    "figure_battery",
    "figure_crane_call",
    "figure_dispatch",
    "figure_monthly_costs",
    "figure_monthly_energy",
    "figure_reefer_temperatures",
]


def _month_labels(index: pd.PeriodIndex, frac: np.ndarray, days: np.ndarray) -> list[str]:
    many = len(index) > 6
    labels = []
    for i, (p, f, dd) in enumerate(zip(index, frac, days, strict=True)):
        lab = p.strftime("%b\n%Y") if not many or i == 0 or p.month == 1 else p.strftime("%b")
        if f < 0.999:
            lab += f"\n({dd:.0f} d)" if dd >= 1 else f"\n({dd * 24:.0f} h)"
        labels.append(lab)
    return labels


def figure_dispatch(dispatch: pd.DataFrame, pick: WeekPick, assumptions: dict | None = None) -> Figure:
    """Supply over demand for one stretch, peak hours shaded, SOC underneath."""
    a = assumptions or {}
    d = dispatch[(dispatch.index >= pick.start) & (dispatch.index < pick.end)]
    x = step_edges(d)
    tz = tz_name(dispatch.index)
    pv, wind = column(d, "pv_kw"), column(d, "wind_kw")
    dis, ch = column(d, "battery_discharge_kw"), column(d, "battery_charge_kw")
    imp, exp = column(d, "grid_import_kw"), column(d, "grid_export_kw")
    uns = column(d, "unserved_kw")
    fixed, crane, truck = column(d, "fixed_load_kw"), column(d, "crane_load_kw"), column(d, "truck_load_kw")
    shore, reefer = column(d, "shore_power_kw"), column(d, "reefer_flex_load_kw")
    pva, wa = column(d, "pv_available_kw"), column(d, "wind_available_kw")
    supply = pv + wind + dis + imp + uns
    demand = fixed + crane + truck + reefer + ch + exp
    top_kw = float(max(supply.max(), demand.max(), pva.max(), 1e-9))
    scale, unit = power_scale(top_kw)
    battery = has_battery(dispatch, a)

    fig = new_figure(12.5, 8.2 if battery else 7.0)
    ratios = [3, 3, 1.3] if battery else [3, 3]
    axes = fig.subplots(len(ratios), 1, sharex=True, gridspec_kw={"height_ratios": ratios})
    ax_s, ax_d = axes[0], axes[1]
    shaded = shade_peaks(axes[:2], d, over=True)
    if battery:
        shade_peaks(axes[2:], d)

    stack_steps(ax_s, x, [
        ("PV used", pv, COLOURS["pv"], None, None),
        ("wind used", wind, COLOURS["wind"], None, None),
        ("battery discharge", dis, COLOURS["battery"], None, None),
        ("grid import", imp, COLOURS["grid"], None, None),
        ("unserved", uns, COLOURS["unserved"], "xx", "white"),
    ], scale)
    if np.any(pva - pv > 1e-6):
        ax_s.step(x, extend_last(pva / scale), where="post", color=COLOURS["pv"], lw=1.0, ls=(0, (3, 2)),
                  label="PV available (gap = curtailed)")
    if np.any(wa - wind > 1e-6):
        ax_s.step(x, extend_last(wa / scale), where="post", color=COLOURS["wind"], lw=1.0, ls=(0, (3, 2)),
                  label="wind available (gap = curtailed)")
    ax_s.step(x, extend_last((fixed + crane + truck + reefer) / scale), where="post", color=COLOURS["load"],
              lw=1.3, label="site load (fixed + cranes + trucks" + (" + reefers)" if reefer.any() else ")"))
    optional = [(name, v, COLOURS[c], None, None) for name, v, c in
                (("shore power", shore, "shore"), ("reefer compressors", reefer, "reefer")) if v.any()]
    stack_steps(ax_d, x, [
        ("fixed load", fixed - shore, COLOURS["fixed"], None, None),
        *optional,
        ("cranes", crane, COLOURS["crane"], None, None),
        ("trucks", truck, COLOURS["truck"], None, None),
        ("battery charge", ch, COLOURS["battery_light"], "///", COLOURS["battery"]),
        ("grid export", exp, COLOURS["grid_light"], "\\\\\\", COLOURS["grid"]),
    ], scale)
    ymax = top_kw / scale * 1.08
    for ax, what in ((ax_s, "Supply"), (ax_d, "Demand")):
        ax.set_ylim(0, ymax)
        ax.set_ylabel(f"{what} [{unit}]")
        thousands(ax.yaxis, 0 if ymax > 20 else 1)
        handles, labels = ax.get_legend_handles_labels()
        if shaded:
            handles.append(peak_patch(a, over=True))
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.005, 1.0))
    ax_s.set_title("Supply: where the power came from", loc="left")
    ax_d.set_title("Demand: where it went", loc="left")

    if battery:
        ax_b = axes[2]
        e_cap = battery_energy_kwh(a)
        soc = column(d, "battery_soc_kwh")
        escale, eunit = energy_scale(max(e_cap, float(soc.max()) if len(soc) else 0.0))
        ends = local_times(step_ends(d))
        ax_b.plot(ends, soc / escale, color=COLOURS["battery"], lw=1.4, label="state of charge")
        ax_b.fill_between(ends, 0, soc / escale, color=COLOURS["battery_light"], alpha=0.5, lw=0)
        if e_cap > 0:
            ax_b.set_ylim(0, e_cap / escale * 1.05)
        else:
            ax_b.set_ylim(bottom=0)
        ax_b.set_ylabel(f"SOC [{eunit}]")
        ax_b.set_title("Battery state of charge (end of step)", loc="left")
        ax_b.legend(loc="upper left", bbox_to_anchor=(1.005, 1.0))
    time_axis(axes[-1], x[0], x[-1], tz)
    fig.suptitle(f"{pick.title}  ({pick.why})", fontsize=12, x=0.01, ha="left")
    return fig


def figure_battery(dispatch: pd.DataFrame, assumptions: dict | None = None,
                   kpis: dict | None = None) -> Figure | None:
    """State of charge and charge/discharge; None without a battery."""
    a = assumptions or {}
    d = dispatch
    if not has_battery(d, a):
        return None
    b = a.get("battery") or {}
    e_cap = battery_energy_kwh(a)
    soc = column(d, "battery_soc_kwh")
    ch, dis = column(d, "battery_charge_kw"), column(d, "battery_discharge_kw")
    escale, eunit = energy_scale(max(e_cap, float(soc.max())))
    tz = tz_name(d.index)
    x = step_edges(d)
    days = (x[-1] - x[0]) / np.timedelta64(1, "D")
    fig = new_figure(12.5, 6.2)
    ax_s, ax_p = fig.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [3, 2]})

    if days <= 31.5:
        shade_peaks([ax_s, ax_p], d)
        ends = local_times(step_ends(d))
        t = ends
        y = soc
        s0 = b.get("soc_initial")
        if s0 is not None and e_cap > 0:
            t = np.concatenate([x[:1], ends])
            y = np.concatenate([[float(s0) * e_cap], soc])
        ax_s.plot(t, y / escale, color=COLOURS["battery"], lw=1.5, label="state of charge (end of step)")
        ax_s.fill_between(t, 0, y / escale, color=COLOURS["battery_light"], alpha=0.45, lw=0)
        pscale, punit = power_scale(float(max(ch.max(), dis.max(), 1e-9)))
        fill_steps(ax_p, x, np.zeros(len(d)), ch / pscale, COLOURS["battery_light"], "charge (+)", "///",
              COLOURS["battery"])
        fill_steps(ax_p, x, -dis / pscale, np.zeros(len(d)), COLOURS["battery"], "discharge (-)")
        ax_p.set_ylabel(f"Power [{punit}]")
        handles, labels = ax_p.get_legend_handles_labels()
        handles.append(peak_patch(a))
        ax_p.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.005, 1.0))
        ax_s.set_title("State of charge", loc="left")
        ax_p.set_title("Charge and discharge power (AC)", loc="left")
    else:
        day = pd.DatetimeIndex(local_times(d.index)).normalize()
        g = pd.DataFrame({"soc": soc, "ch": ch * step_lengths(d), "dis": dis * step_lengths(d)}, index=day).groupby(level=0)
        lo, hi, mean = g["soc"].min(), g["soc"].max(), g["soc"].mean()
        days_x = lo.index.to_numpy() + np.timedelta64(12, "h")
        ax_s.fill_between(days_x, lo / escale, hi / escale, color=COLOURS["battery_light"], alpha=0.7,
                          lw=0, label="daily range")
        ax_s.plot(days_x, mean / escale, color=COLOURS["battery"], lw=1.2, label="daily mean")
        e_ch, e_dis = g["ch"].sum(), g["dis"].sum()
        qscale, qunit = energy_scale(float(max(e_ch.max(), e_dis.max(), 1e-9)))
        dx = np.append(lo.index.to_numpy(), lo.index.to_numpy()[-1:] + np.timedelta64(1, "D"))
        zero = np.zeros(len(e_ch))
        fill_steps(ax_p, dx, zero, e_ch.to_numpy() / qscale, COLOURS["battery_light"], "charged (+)")
        fill_steps(ax_p, dx, -e_dis.to_numpy() / qscale, zero, COLOURS["battery"], "discharged (-)")
        ax_p.set_ylabel(f"Energy [{qunit}/day]")
        ax_p.legend(loc="upper left", bbox_to_anchor=(1.005, 1.0))
        ax_s.set_title("State of charge, daily range and mean", loc="left")
        ax_p.set_title("Energy charged and discharged per day (AC)", loc="left")
    ax_p.axhline(0, color="#555555", lw=0.8)
    if e_cap > 0:
        label = "usable limits (SOC min, max)"
        for frac in (b.get("soc_max"), b.get("soc_min")):
            if frac is not None:
                ax_s.axhline(float(frac) * e_cap / escale, color="#555555", lw=0.9, ls="--", label=label)
                label = None
        ax_s.set_ylim(0, e_cap / escale * 1.05)
    else:
        ax_s.set_ylim(bottom=0)
    ax_s.set_ylabel(f"Stored energy [{eunit}]")
    ax_s.legend(loc="upper left", bbox_to_anchor=(1.005, 1.0))
    thousands(ax_p.yaxis, 1)
    time_axis(ax_p, x[0], x[-1], tz)
    title = "Battery"
    if e_cap > 0:
        p = b.get("charge_power_kw")
        title += f" {e_cap / escale:,.1f} {eunit}" + (f" / {float(p) / 1000:,.1f} MW" if p else "")
    cyc = (kpis or {}).get("battery_cycles")
    if isinstance(cyc, int | float) and math.isfinite(cyc):
        title += f": {cyc:,.1f} equivalent full cycles"
    fig.suptitle(title, fontsize=12, x=0.01, ha="left")
    return fig


def _job_times(jobs: pd.DataFrame, tz) -> pd.DatetimeIndex:
    ts = pd.to_datetime(jobs["timestamp"], utc=True, format="ISO8601") \
        if jobs["timestamp"].dtype == object else pd.to_datetime(jobs["timestamp"], utc=True)
    return pd.DatetimeIndex(ts).tz_convert(tz)


def figure_crane_call(dispatch: pd.DataFrame, jobs: pd.DataFrame,
                      assumptions: dict | None = None) -> Figure | None:
    """Cranes working on the busiest vessel call against the import price; None without calls."""
    if jobs is None or not len(jobs) or not {"job", "timestamp", "cranes", "moves"} <= set(jobs.columns):
        return None
    d = dispatch
    j = jobs.copy()
    j["_t"] = _job_times(j, d.index.tz)
    vessel = j[j["kind"] == "vessel"] if "kind" in j.columns else j
    kind = "Vessel call"
    if not len(vessel):
        vessel, kind = j, "Crane job"
    totals = vessel.groupby("job")["moves"].sum()
    name = totals.idxmax()
    rows = vessel[vessel["job"] == name].sort_values("_t")
    cranes = rows.groupby("_t")["cranes"].sum()
    step_end = pd.Series(step_ends(d), index=d.index)
    w0 = rows["_t"].iloc[0]
    w1 = step_end.get(rows["_t"].iloc[-1], rows["_t"].iloc[-1])
    window_text = "work span"
    if {"window_start", "window_end"} <= set(rows.columns):
        ws = pd.to_datetime(rows["window_start"].iloc[0], utc=True)
        we = pd.to_datetime(rows["window_end"].iloc[0], utc=True)
        if pd.notna(ws) and pd.notna(we):
            w0, w1 = ws.tz_convert(d.index.tz), we.tz_convert(d.index.tz)
            window_text = "berth window"
    margin = max(pd.Timedelta(hours=6), (w1 - w0) * 0.3)
    v = d[(d.index >= w0 - margin) & (d.index < w1 + margin)]
    if not len(v):
        return None
    x = step_edges(v)
    n_call = cranes.reindex(v.index, fill_value=0.0).to_numpy(dtype=float)
    pool = rows["pool"].iloc[0] if "pool" in rows.columns else None
    pool_col = f"cranes_{pool}_working"
    price = column(v, "import_price_usd_per_kwh")

    fig = new_figure(12.5, 5.0)
    ax = fig.subplots()
    shade_peaks([ax], v)
    lw0, lw1 = local_times([w0])[0], local_times([w1])[0]
    for t in (lw0, lw1):
        ax.axvline(t, color=COLOURS["crane"], lw=1.0, ls=(0, (4, 3)), zorder=1)
    ax.axvspan(lw0, lw1, ymin=0.94, ymax=1.0, facecolor=COLOURS["window"], lw=0, zorder=1)
    fill_steps(ax, x, np.zeros(len(v)), n_call, COLOURS["crane"], mpl_text(f"cranes on {name}"))
    top = float(n_call.max())
    if pool is not None and pool_col in v.columns:
        pool_n = column(v, pool_col)
        other = np.clip(pool_n - n_call, 0.0, None)
        if np.any(other > 1e-6):
            fill_steps(ax, x, n_call, n_call + other, COLOURS["truck"],
                  mpl_text(f"{str(pool).upper()} cranes on other jobs"))
        top = max(top, float((n_call + other).max()))
    ax.set_ylim(0, max(top, 1.0) * 1.25 + 0.5)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel("Cranes working [cranes]")
    ax2 = ax.twinx()
    ax2.spines["right"].set_visible(True)
    ax2.grid(False)
    ax2.step(x, extend_last(price), where="post", color=COLOURS["price"], lw=1.6, label="import price")
    pmax = float(price.max()) if len(price) else 0.0
    ax2.set_ylim(0, pmax * 1.3 if pmax > 0 else 1.0)
    ax2.set_ylabel("Import price [USD/kWh]", color=COLOURS["price"])
    ax2.tick_params(axis="y", colors=COLOURS["price"])
    ax2.yaxis.set_major_formatter(FuncFormatter(lambda val, _p: f"{val:.3f}"))
    handles, _ = ax.get_legend_handles_labels()
    h2, _ = ax2.get_legend_handles_labels()
    handles += h2 + [Patch(facecolor=COLOURS["window"], edgecolor=COLOURS["crane"], ls="--",
                           label=window_text),
                     peak_patch(assumptions or {})]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.06, 1.0))
    time_axis(ax, x[0], x[-1], tz_name(d.index))
    moves = float(rows["moves"].sum())
    e = float(rows["energy_kwh"].sum()) if "energy_kwh" in rows.columns else float("nan")
    e_txt = f", {e / 1000:,.1f} MWh" if math.isfinite(e) else ""
    fmt = "%a %d %b %H:%M"
    fig.suptitle(mpl_text(f"{kind} {name} (the busiest): {moves:,.0f} moves{e_txt}; {window_text} "
                 f"{w0.strftime(fmt)} - {w1.strftime(fmt)}"), fontsize=12, x=0.01, ha="left")
    return fig


def figure_monthly_energy(me: pd.DataFrame) -> Figure:
    """Stacked monthly supply (PV, wind, grid import) with the load as a line. [MWh]"""
    n = len(me)
    fig = new_figure(max(7.5, min(12.5, 2.5 + 0.85 * n)), 4.8)
    ax = fig.subplots()
    xs = np.arange(n)
    w = 0.62
    base = np.zeros(n)
    for col, label, colour, hatch, edge in (
        ("pv_mwh", "PV used", COLOURS["pv"], None, None),
        ("wind_mwh", "wind used", COLOURS["wind"], None, None),
        ("grid_import_mwh", "grid import", COLOURS["grid"], None, None),
        ("unserved_mwh", "unserved", COLOURS["unserved"], None, None),
        ("pv_curtailed_mwh", "PV curtailed (not used)", "white", "///", COLOURS["pv"]),
        ("wind_curtailed_mwh", "wind curtailed (not used)", "white", "///", COLOURS["wind"]),
    ):
        v = me[col].to_numpy(dtype=float)
        if not np.any(v > 1e-9):
            continue
        ax.bar(xs, v, w, bottom=base, color=colour, label=label, hatch=hatch,
               edgecolor=edge if edge else colour, linewidth=0.6 if edge else 0)
        base = base + v
    exp = me["grid_export_mwh"].to_numpy(dtype=float)
    if np.any(exp > 1e-9):
        ax.bar(xs, -exp, w, color=COLOURS["grid_light"], hatch="\\\\\\", edgecolor=COLOURS["grid"],
               linewidth=0.6, label="grid export")
        ax.axhline(0, color="#555555", lw=0.8)
    load = me["load_mwh"].to_numpy(dtype=float)
    ax.plot(xs, load, color=COLOURS["load"], marker="o", ms=5, lw=1.6,
            label="load (fixed + cranes + trucks)")
    days = me["hours"].to_numpy(dtype=float) / 24.0
    ax.set_xticks(xs, _month_labels(me.index, me["month_fraction"].to_numpy(dtype=float), days))
    ax.set_xlim(-0.6, n - 0.4)
    ax.grid(False, axis="x")
    ax.set_ylabel("Energy [MWh]")
    thousands(ax.yaxis, 0 if base.max() > 20 else 1)
    ax.legend(loc="upper left", bbox_to_anchor=(1.005, 1.0))
    ax.set_title("Monthly energy balance: supply (bars) and load (line)", loc="left", fontsize=12)
    return fig


_COST_PARTS = (
    ("energy_cost_usd", "energy", COLOURS["grid"]),
    ("capacity_charge_generation_usd", "capacity: generation (peak hours)", COLOURS["cap_gen"]),
    ("capacity_charge_distribution_usd", "capacity: distribution", COLOURS["cap_dist"]),
    ("battery_wear_usd", "battery wear", COLOURS["battery"]),
    ("carbon_cost_usd", "carbon", COLOURS["carbon"]),
    ("unserved_cost_usd", "unserved load", COLOURS["unserved"]),
)


def figure_monthly_costs(mc: pd.DataFrame, hours: np.ndarray) -> Figure:
    """Stacked monthly cost components with the total marked. [USD]"""
    n = len(mc)
    fig = new_figure(max(7.5, min(12.5, 2.5 + 0.85 * n)), 4.8)
    ax = fig.subplots()
    xs = np.arange(n)
    w = 0.62
    pos, neg = np.zeros(n), np.zeros(n)
    has_export = np.any(mc["export_revenue_usd"].to_numpy(dtype=float) > 1e-9)
    parts = list(_COST_PARTS)
    if has_export:
        parts[0] = ("import_cost_usd", "energy (import)", COLOURS["grid"])
    for col, label, colour in parts:
        v = mc[col].to_numpy(dtype=float)
        if not np.any(np.abs(v) > 1e-9):
            continue
        vp, vn = np.clip(v, 0, None), np.clip(v, None, 0)
        ax.bar(xs, vp, w, bottom=pos, color=colour, label=label, linewidth=0)
        if np.any(vn < 0):
            ax.bar(xs, vn, w, bottom=neg, color=colour, linewidth=0)
        pos, neg = pos + vp, neg + vn
    if has_export:
        v = -mc["export_revenue_usd"].to_numpy(dtype=float)
        ax.bar(xs, v, w, bottom=neg, color=COLOURS["grid_light"], hatch="\\\\\\",
               edgecolor=COLOURS["grid"], linewidth=0.6, label="export revenue")
        neg = neg + v
    if np.any(neg < 0):
        ax.axhline(0, color="#555555", lw=0.8)
    total = mc["total_cost_usd"].to_numpy(dtype=float)
    ax.plot(xs, total, ls="none", marker="D", ms=5, color=COLOURS["load"], label="total")
    span = float(max(pos.max(), 1e-9) - min(neg.min(), 0.0))
    for xi, t, top in zip(xs, total, pos, strict=True):
        ax.annotate(_short_usd(t), (xi, max(top, t)), xytext=(0, 4), textcoords="offset points",
                    ha="center", va="bottom", fontsize=8)
    ax.set_ylim(min(neg.min(), 0.0) * 1.1, pos.max() + 0.12 * span if span > 0 else 1.0)
    days = np.asarray(hours, dtype=float) / 24.0
    ax.set_xticks(xs, _month_labels(mc.index, mc["month_fraction"].to_numpy(dtype=float), days))
    ax.set_xlim(-0.6, n - 0.4)
    ax.grid(False, axis="x")
    ax.set_ylabel("Cost [USD]")
    thousands(ax.yaxis)
    ax.legend(loc="upper left", bbox_to_anchor=(1.005, 1.0))
    ax.set_title("Monthly cost split", loc="left", fontsize=12)
    return fig


def _short_usd(v: float) -> str:
    if not math.isfinite(v):
        return ""
    a = abs(v)
    if a >= 1e6:
        return f"{v / 1e6:,.2f} M"
    if a >= 1e4:
        return f"{v / 1e3:,.0f} k"
    if a >= 1e3:
        return f"{v / 1e3:,.1f} k"
    return f"{v:,.0f}"


def reefer_classes(dispatch: pd.DataFrame, assumptions: dict | None = None) -> dict:
    """Reefer classes with a temperature column, and their band [°C] when the assumptions give it."""
    bands = ((assumptions or {}).get("reefers") or {}).get("classes") or {}
    names = [c.removeprefix("reefer_").removesuffix("_temp_c") for c in dispatch.columns
             if c.startswith("reefer_") and c.endswith("_temp_c")]
    return {n: bands.get(n, {}) for n in names}


def figure_reefer_temperatures(dispatch: pd.DataFrame, pick: WeekPick,
                               assumptions: dict | None = None) -> Figure | None:
    """Each reefer class's temperature (end of step) in its band over one stretch, its power on the right."""
    classes = reefer_classes(dispatch, assumptions)
    if not classes:
        return None
    d = dispatch[(dispatch.index >= pick.start) & (dispatch.index < pick.end)]
    ends = local_times(step_ends(d))
    x = step_edges(d)
    fig = new_figure(12.5, 2.3 * len(classes) + 0.8)
    axes = np.atleast_1d(fig.subplots(len(classes), 1, sharex=True))
    shade_peaks(axes, d)
    for ax, (name, band) in zip(axes, classes.items(), strict=True):
        t = column(d, f"reefer_{name}_temp_c")
        if band:
            ax.axhspan(band["band_low_c"], band["band_high_c"], color=COLOURS["band"], lw=0, label="allowed band")
            ax.axhline(band["setpoint_c"], color=COLOURS["grid"], lw=1.0, ls=(0, (4, 2)), label="set-point")
        ax.plot(ends, t, color=COLOURS["reefer"], lw=1.5, label="temperature")
        ax.set_ylabel("[°C]")
        ax.set_title(f"{name}", loc="left")
        pw = ax.twinx()
        pw.step(x, extend_last(column(d, f"reefer_{name}_kw")), where="post", color=COLOURS["fixed"], lw=0.8,
                alpha=0.6, label="power (compressors + fans)")
        pw.set_ylim(bottom=0)
        pw.set_ylabel("[kW]")
        handles = ax.get_legend_handles_labels()[0] + pw.get_legend_handles_labels()[0]
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.06, 1.0))
    time_axis(axes[-1], x[0], x[-1], tz_name(dispatch.index))
    fig.suptitle(f"Reefer temperatures: {pick.title}", fontsize=12, x=0.01, ha="left")
    return fig


def figure_cashflow(cashflow: pd.DataFrame) -> Figure | None:
    """Yearly net cash flow against business as usual (bars) and its cumulative sums (lines). [USD]"""
    if cashflow is None or not len(cashflow) or not cashflow["capex_usd"].abs().sum():
        return None
    fig = Figure(figsize=(9.0, 4.0))
    ax = fig.add_subplot()
    y = cashflow["year"].to_numpy()
    net = cashflow["net_cash_flow_usd"].to_numpy() / 1e6
    ax.bar(y, net, color=np.where(net >= 0, "#2b8cbe", "#de2d26"), label="net cash flow")
    ax.plot(y, cashflow["cumulative_net_usd"].to_numpy() / 1e6, color="black", label="cumulative")
    ax.plot(y, cashflow["cumulative_discounted_usd"].to_numpy() / 1e6, color="black", linestyle="--",
            label="cumulative, discounted")
    ax.axhline(0.0, color="grey", linewidth=0.8)
    ax.set_xlabel("year")
    ax.set_ylabel("MUSD (real)")
    ax.legend(loc="lower right", frameon=False)
    fig.tight_layout()
    return fig
