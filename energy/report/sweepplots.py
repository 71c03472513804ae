"""Figures and page of a sweep folder: sensitivity, tornado, Monte Carlo distribution.

* one varied key: total cost and emissions against the key's values;
* a two-key grid: a heat map of total cost over the two keys;
* more keys (or zipped lists): a line per key of the mean cost at each of its values;
* Monte Carlo: histograms of total cost and emissions with P10, P50 and P90 marked;
* tornado (grids): for each key, the change of total cost at its lowest and highest
  value against the reference point (each key at the model's own value when that is
  among the values swept, else at its middle value), the other keys at the reference.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd

from energy.report import files
from energy.report import html as html_mod
from energy.report.drawing import COLOURS, STYLE, mpl_text, new_figure, save_png, thousands

__all__ = ["figure_distribution", "figure_sensitivity", "figure_tornado", "tornado_table",
           "write_sweep_report"]

COST, EMIS = "total_cost_usd", "emissions_tco2"


def _ok(table: pd.DataFrame) -> pd.DataFrame:
    t = table[table["status"] != "failed"] if "status" in table else table
    return t[pd.to_numeric(t.get(COST), errors="coerce").notna()] if COST in t else t.iloc[0:0]


def _numeric(values: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)


def figure_sensitivity(table: pd.DataFrame, keys: list[str], title: str):
    """Cost (and emissions) against the varied keys: lines, or a heat map for two keys."""
    ok = _ok(table)
    if len(keys) == 2 and len(ok) and ok.groupby(keys).size().max() == 1 and len(ok) > 2:
        return _heat_map(ok, keys, title)
    fig = new_figure(8.5, 4.2)
    axes = fig.subplots(1, 2)
    for ax, kpi, unit in ((axes[0], COST, "Total cost [USD]"), (axes[1], EMIS, "Emissions [tCO2]")):
        for k in keys:
            if not len(ok) or k not in ok:
                continue
            g = ok.groupby(k, sort=True)[kpi].mean()
            x = g.index.to_numpy() if _numeric(ok[k]) else np.arange(len(g))
            ax.plot(x, g.to_numpy(), marker="o", label=mpl_text(k))
            if not _numeric(ok[k]):
                ax.set_xticks(x, [mpl_text(v) for v in g.index], rotation=20)
        ax.set_ylabel(unit)
        ax.set_xlabel(mpl_text(keys[0]) if len(keys) == 1 else "value of the varied key")
        thousands(ax.yaxis, 0 if kpi == COST else 1)
    if len(keys) > 1:
        axes[0].legend(loc="best")
        fig.text(0.5, -0.02, "each line: the mean over the other keys' values", ha="center", fontsize=8.5)
    if not len(ok):
        axes[0].text(0.5, 0.5, "no point finished", transform=axes[0].transAxes, ha="center",
                     color=COLOURS["unserved"])
    fig.suptitle(mpl_text(title), x=0.01, ha="left", fontsize=12)
    return fig


def _heat_map(ok: pd.DataFrame, keys: list[str], title: str):
    grid = ok.pivot(index=keys[0], columns=keys[1], values=COST).sort_index().sort_index(axis=1)
    fig = new_figure(7.5, 5.0)
    ax = fig.subplots()
    im = ax.imshow(grid.to_numpy(dtype=float), origin="lower", aspect="auto", cmap="viridis_r")
    ax.set_yticks(range(len(grid.index)), [mpl_text(f"{v:g}" if isinstance(v, float) else v) for v in grid.index])
    ax.set_xticks(range(len(grid.columns)), [mpl_text(f"{v:g}" if isinstance(v, float) else v)
                                             for v in grid.columns])
    ax.set_ylabel(mpl_text(keys[0]))
    ax.set_xlabel(mpl_text(keys[1]))
    ax.grid(False)
    for (i, j), v in np.ndenumerate(grid.to_numpy(dtype=float)):
        if np.isfinite(v):
            ax.text(j, i, f"{v:,.0f}", ha="center", va="center", fontsize=7.5, color="white")
    fig.colorbar(im, ax=ax, label="Total cost [USD]")
    ax.set_title(mpl_text(title), loc="left", fontsize=12)
    return fig


def tornado_table(table: pd.DataFrame, keys: list[str], reference: dict) -> pd.DataFrame:
    """Per key: reference cost, cost at its lowest and highest value (others at the reference).

    Keys whose one-at-a-time points are not all in the table (zipped lists, failures)
    are left out.
    """
    ok = _ok(table)
    rows = []
    at_ref = np.ones(len(ok), bool)
    for k in keys:
        at_ref &= (ok[k] == reference.get(k)).to_numpy()
    if not at_ref.any():
        return pd.DataFrame(columns=["key", "low", "high", "cost_low_usd", "cost_high_usd", "cost_reference_usd"])
    ref_cost = float(ok.loc[at_ref, COST].iloc[0])
    for k in keys:
        others = np.ones(len(ok), bool)
        for o in keys:
            if o != k:
                others &= (ok[o] == reference.get(o)).to_numpy()
        sub = ok[others]
        if len(sub) < 2 or not _numeric(sub[k]):
            continue
        lo, hi = sub.loc[sub[k].idxmin()], sub.loc[sub[k].idxmax()]
        rows.append({"key": k, "low": lo[k], "high": hi[k], "cost_low_usd": float(lo[COST]),
                     "cost_high_usd": float(hi[COST]), "cost_reference_usd": ref_cost})
    return pd.DataFrame(rows, columns=["key", "low", "high", "cost_low_usd", "cost_high_usd", "cost_reference_usd"])


def figure_tornado(tt: pd.DataFrame, title: str):
    """Bars of the cost change at each key's low and high value, widest on top."""
    fig = new_figure(8.0, 1.2 + 0.55 * max(len(tt), 1))
    ax = fig.subplots()
    if not len(tt):
        ax.text(0.5, 0.5, "no one-at-a-time points around the reference", transform=ax.transAxes,
                ha="center", va="center")
    else:
        d = tt.assign(lo=tt["cost_low_usd"] - tt["cost_reference_usd"],
                      hi=tt["cost_high_usd"] - tt["cost_reference_usd"])
        d = d.assign(w=(d["hi"] - d["lo"]).abs()).sort_values("w")
        y = np.arange(len(d))
        ax.barh(y, d["lo"], color=COLOURS["grid"], label="lowest value")
        ax.barh(y, d["hi"], color=COLOURS["pv"], label="highest value")
        ax.set_yticks(y, [mpl_text(f"{k} ({lo:g} .. {hi:g})") for k, lo, hi in zip(d["key"], d["low"], d["high"],
                                                                                  strict=True)])
        ax.axvline(0, color="black", linewidth=0.8)
        ax.legend(loc="best")
    ax.set_xlabel("Change of total cost against the reference point [USD]")
    thousands(ax.xaxis)
    ax.set_title(mpl_text(title), loc="left", fontsize=12)
    return fig


def figure_distribution(table: pd.DataFrame, pct: pd.DataFrame, title: str):
    """Histograms of total cost and emissions over the samples, P10/P50/P90 marked."""
    ok = _ok(table)
    fig = new_figure(8.5, 3.8)
    axes = fig.subplots(1, 2)
    p = pct.set_index("kpi") if len(pct) else pd.DataFrame()
    for ax, kpi, unit, col in ((axes[0], COST, "Total cost [USD]", COLOURS["grid"]),
                               (axes[1], EMIS, "Emissions [tCO2]", COLOURS["carbon"])):
        v = pd.to_numeric(ok.get(kpi, pd.Series(dtype=float)), errors="coerce").dropna()
        ax.hist(v, bins=max(5, min(30, len(v) // 2 or 1)), color=col, alpha=0.8)
        if kpi in p.index:
            for q, ls in (("p10", ":"), ("p50", "-"), ("p90", ":")):
                ax.axvline(p.loc[kpi, q], color="black", linestyle=ls, linewidth=1,
                           label=f"{q.upper()} {p.loc[kpi, q]:,.0f}")
            ax.legend(loc="best")
        ax.set_xlabel(unit)
        ax.set_ylabel("samples")
        thousands(ax.xaxis, 0 if kpi == COST else 1)
    fig.suptitle(mpl_text(title), x=0.01, ha="left", fontsize=12)
    return fig


def write_sweep_report(folder: Path, table: pd.DataFrame, keys: list[str], *, reference: dict,
                       percentiles: pd.DataFrame | None, model_name: str, scenario: str) -> list[Path]:
    """Write ``sensitivity.png`` (or the Monte Carlo distribution), ``tornado.png`` and ``sweep.html``."""
    folder = Path(folder)
    charts, paths = [], []
    with matplotlib.rc_context(STYLE):
        if percentiles is not None:
            fig = figure_distribution(table, percentiles, f"{model_name} / {scenario}: {len(table)} samples")
            caption = "Distribution over the Monte Carlo samples; dotted lines P10 and P90, solid P50."
        else:
            fig = figure_sensitivity(table, keys, f"{model_name} / {scenario}: sensitivity")
            caption = "Total cost and emissions against the varied keys (a heat map for a two-key grid)."
        p = folder / "sensitivity.png"
        charts.append(html_mod.Chart(p.name, "Sensitivity", caption, save_png(fig, p)))
        paths.append(p)
        if percentiles is None and keys:
            tt = tornado_table(table, keys, reference)
            files.write_csv(folder / "tornado.csv", tt, float_format=None)
            fig = figure_tornado(tt, f"{model_name} / {scenario}: cost change, one key at a time")
            p = folder / "tornado.png"
            ref = ", ".join(f"{k} = {v}" for k, v in reference.items())
            charts.append(html_mod.Chart(p.name, "Tornado", f"Reference point: {ref}.", save_png(fig, p)))
            paths.append(p)
    page = html_mod.sweep_html(model_name=model_name, scenario=scenario, table=table, keys=keys,
                               charts=charts, percentiles=percentiles)
    paths.append(files.write_text(folder / "sweep.html", page))
    return paths
