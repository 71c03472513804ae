"""The front folder ``<model>/<scenario>/pareto/``: ``pareto.csv``, ``pareto.png``, ``pareto.html``.

Written in a hidden staging folder and renamed into place when complete
(:func:`energy.report.files.staged_folder`). No Pyomo here.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from energy.report import files
from energy.report import html as html_mod
from energy.report.drawing import COLOURS, STYLE, mpl_text, new_figure, save_png, thousands

__all__ = ["figure_pareto", "write_pareto"]


def figure_pareto(table: pd.DataFrame, title: str) -> Figure:
    """Total cost against emissions along the front; each segment labelled with its abatement cost."""
    x = pd.to_numeric(table["emissions_tco2"]).to_numpy(dtype=float)
    y = pd.to_numeric(table["total_cost_usd"]).to_numpy(dtype=float)
    a = pd.to_numeric(table["abatement_cost_usd_per_t"]).to_numpy(dtype=float)
    fig = new_figure(10.5, 6.4)
    ax = fig.subplots()
    ax.plot(x, y, color=COLOURS["grid"], lw=1.2, zorder=1)
    ax.scatter(x[1:-1], y[1:-1], s=36, color=COLOURS["wind"], zorder=3, label="epsilon-constraint point")
    ax.scatter(x[:1], y[:1], s=90, marker="s", color=COLOURS["pv"], edgecolor="black", lw=0.6, zorder=4,
               label="cost-minimal end")
    ax.scatter(x[-1:], y[-1:], s=110, marker="D", color=COLOURS["battery"], edgecolor="black", lw=0.6,
               zorder=4, label="emission-minimal end")
    for i in range(1, len(x)):
        if np.isfinite(a[i]):
            ax.annotate(f"{a[i]:,.0f} USD/t", ((x[i] + x[i - 1]) / 2, (y[i] + y[i - 1]) / 2),
                        xytext=(6, 6), textcoords="offset points", fontsize=8, color="#444444")
    ax.set_xlabel("Emissions [tCO2]")
    ax.set_ylabel("Total cost [USD]")
    thousands(ax.xaxis, 0 if np.nanmax(np.abs(x)) > 20 else 1)
    thousands(ax.yaxis)
    ax.set_title(mpl_text(title), loc="left", fontsize=12)
    fig.legend(loc="outside upper right", ncols=3)
    return fig


def write_pareto(folder: Path, table: pd.DataFrame, *, model_name: str, scenario: str, factor: str = "",
                 overwrite: bool = False, plots: bool = True) -> Path:
    """Write ``pareto.csv`` (and ``pareto.png``, ``pareto.html`` unless ``plots=False``) atomically.

    Raises
    ------
    energy.errors.EnergyError
        ``folder`` holds an earlier front and ``overwrite`` is False.
    """
    with files.staged_folder(folder, overwrite=overwrite) as stage:
        files.write_csv(stage / "pareto.csv", table, float_format=None)
        if plots:
            title = f"{model_name} / {scenario}: cost against emissions ({len(table)} points)"
            with matplotlib.rc_context(STYLE):
                png = save_png(figure_pareto(table, title), stage / "pareto.png")
            chart = html_mod.Chart("pareto.png", "Cost against emissions",
                                   "The front from the cost-minimal end (square) to the emission-minimal "
                                   "end (diamond); labels give the abatement cost of each segment.", png)
            page = html_mod.pareto_html(model_name=model_name, scenario=scenario, table=table, chart=chart,
                                        factor=factor)
            files.write_text(stage / "pareto.html", page)
    return Path(folder)
