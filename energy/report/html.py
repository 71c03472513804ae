"""Self-contained HTML reports: one file per run and one per comparison.

Each page carries its figures as base64 ``data:`` URIs and its styling inline:
no scripts, no fonts, no file or network requests, so it opens in any browser
offline and can be mailed as it is. All text from the model, the results and
the user is escaped.
"""

from __future__ import annotations

import base64
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape
from urllib.parse import quote

import numpy as np
import pandas as pd

__all__ = ["Chart", "comparison_html", "pareto_html", "run_report_html", "sweep_html"]


@dataclass(frozen=True)
class Chart:
    """A figure to embed: its file name, heading, caption and PNG bytes."""

    name: str
    title: str
    caption: str
    png: bytes

    def data_uri(self) -> str:
        return "data:image/png;base64," + base64.b64encode(self.png).decode("ascii")


_CSS = """
:root { --ink:#1d2329; --muted:#5f6b76; --line:#dde2e7; --bg:#f6f8fa; --accent:#11908e;
        --warn-bg:#fff4d6; --warn-line:#e0a100; --bad-bg:#fdecea; --bad-line:#c62828;
        --good:#1b7f3b; --worse:#b3261e; }
* { box-sizing: border-box; }
body { margin: 0; font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue",
       Arial, sans-serif; color: var(--ink); background: #fff; line-height: 1.45; font-size: 15px; }
main { max-width: 1240px; margin: 0 auto; padding: 24px 28px 48px; }
header { border-bottom: 3px solid var(--accent); margin-bottom: 18px; padding-bottom: 10px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 34px 0 10px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 16px; margin: 20px 0 6px; }
.sub { color: var(--muted); margin: 0; }
.box { border-left: 6px solid var(--warn-line); background: var(--warn-bg); padding: 12px 16px;
       margin: 14px 0; border-radius: 4px; }
.box.bad { border-left-color: var(--bad-line); background: var(--bad-bg); }
.box strong.head { display: block; font-size: 17px; margin-bottom: 4px; }
.box ul { margin: 4px 0 0 18px; padding: 0; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(175px, 1fr)); gap: 12px;
         margin: 16px 0 6px; }
.card { background: var(--bg); border: 1px solid var(--line); border-radius: 6px; padding: 10px 14px; }
.card .v { font-size: 22px; font-weight: 650; white-space: nowrap; }
.card .l { color: var(--muted); font-size: 13px; }
.grid2 { display: grid; grid-template-columns: repeat(auto-fit, minmax(340px, 1fr)); gap: 8px 28px; }
table { border-collapse: collapse; width: 100%; font-size: 14px; margin: 4px 0 10px; }
th, td { padding: 5px 8px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
th { background: var(--bg); font-weight: 600; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
td.n { white-space: nowrap; }
td.sub1 { padding-left: 22px; color: var(--muted); }
tr.total td { font-weight: 650; border-top: 2px solid var(--ink); }
tr.failed td { background: var(--bad-bg); }
.wide { overflow-x: auto; }
.wide td:first-child { white-space: nowrap; }
.wide td.name { white-space: normal; }
.ok { color: var(--good); font-weight: 600; }
.notok { color: var(--bad-line); font-weight: 700; }
.better { color: var(--good); }
.worse { color: var(--worse); }
.noise { color: #9A9A9A; }
table.cmp { font-size: 13px; table-layout: auto; }
table.cmp th { font-size: 12px; }
table.cmp td.name { min-width: 150px; max-width: 230px; }
table.cmp td.name .desc { display: block; font-size: 11.5px; color: var(--muted); line-height: 1.3; }
table.cmp td, table.cmp th { padding: 4px 6px; }
figure { margin: 18px 0 26px; }
figure img { max-width: 100%; height: auto; display: block; border: 1px solid var(--line); border-radius: 4px; }
figcaption { color: var(--muted); font-size: 13.5px; margin-top: 4px; }
figcaption b { color: var(--ink); }
dl.src dt { font-weight: 600; margin-top: 6px; }
dl.src dd { margin: 0 0 0 18px; color: var(--muted); }
footer { margin-top: 40px; color: var(--muted); font-size: 13px; border-top: 1px solid var(--line);
         padding-top: 8px; }
code { background: var(--bg); padding: 0 4px; border-radius: 3px; }
@media print { main { max-width: none; padding: 0; } figure { break-inside: avoid; } }
"""

# (keys tried in order, label, kind, sub-row)
_COST_ROWS = [
    (("total_cost_usd",), "Total cost", "usd", False),
    (("energy_cost_usd",), "Energy (import - export revenue)", "usd", True),
    (("capacity_charge_usd",), "Capacity charges", "usd", True),
    (("capacity_charge_generation_usd", "generation_capacity_charge_usd"),
     "of which generation (peak-hour max import)", "usd", True),
    (("capacity_charge_distribution_usd", "distribution_capacity_charge_usd"),
     "of which distribution (max import)", "usd", True),
    (("battery_wear_usd",), "Battery wear", "usd", True),
    (("carbon_cost_usd",), "Carbon", "usd", True),
    (("unserved_cost_usd",), "Unserved load", "usd", True),
]
_ENERGY_ROWS = [
    (("load_mwh",), "Load (fixed + cranes + trucks + scheduled reefers)", "mwh", False),
    (("grid_import_mwh",), "Grid import", "mwh", False),
    (("grid_export_mwh",), "Grid export", "mwh", False),
    (("peak_import_kw",), "Max import in peak hours", "kw", False),
    (("max_import_kw",), "Max import, any hour", "kw", False),
    (("emissions_tco2",), "Emissions (factor the optimisation used)", "tco2", False),
    (("emissions_average_tco2",), "Emissions, SEIN average factor", "tco2", False),
    (("emissions_marginal_tco2",), "Emissions, SEIN marginal factor", "tco2", False),
    (("renewable_share",), "Renewable share", "pct", False),
    (("self_consumption",), "Self-consumption of renewables", "pct", False),
    (("pv_curtailment_mwh",), "PV curtailed", "mwh", False),
    (("wind_curtailment_mwh",), "Wind curtailed", "mwh", False),
    (("battery_cycles",), "Battery equivalent full cycles", "cycles", False),
]
_WORK_ROWS = [
    (("crane_energy_mwh",), "Crane energy", "mwh", False),
    (("crane_moves",), "Crane moves", "moves", False),
    (("quay_moves",), "Container moves (ship-to-shore)", "moves", False),
    (("teu",), "Throughput", "teu", False),
    (("cost_usd_per_mwh",), "Cost per MWh of load", "usd_mwh", False),
    (("kwh_per_teu",), "Energy per TEU", "kwh_teu", False),
    (("usd_per_move",), "Cost per container move", "usd_move", False),
    (("kg_co2_per_teu",), "Emissions per TEU", "kg_teu", False),
    (("truck_energy_mwh",), "Truck charging energy", "mwh", False),
    (("reefer_energy_mwh",), "Reefer energy (compressors + fans)", "mwh", False),
    (("reefer_flexible_energy_mwh",), "of which scheduled compressors", "mwh", True),
    (("reefer_band_violations",), "Reefer steps outside the band", "count", False),
    (("shore_power_mwh",), "Shore power supplied", "mwh", False),
    (("shore_power_max_kw",), "Shore power, highest", "kw", True),
    (("shore_power_at_peak_kw",), "Shore power at the monthly peak import", "kw", True),
    (("shore_power_capacity_charge_usd",), "Capacity charge attributed to shore power", "usd", True),
    (("ship_diesel_co2_avoided_t",), "Ship diesel CO2 avoided", "tco2", True),
    (("shore_power_grid_co2_t",), "Grid CO2 of shore power", "tco2", True),
    (("shore_power_net_co2_avoided_t",), "Net CO2 avoided by shore power", "tco2", True),
    (("unserved_mwh",), "Unserved load", "mwh", False),
]
_SOLVER_ROWS = [
    (("status",), "Status", "text", False),
    (("mip_gap",), "Relative MIP gap", "gap", False),
    (("objective_usd",), "Objective", "usd", False),
    (("inputs_s",), "Inputs (profiles, jobs)", "s", False),
    (("build_s",), "Model build", "s", False),
    (("translate_s",), "Translation to the solver", "s", False),
    (("solve_s",), "Solve", "s", False),
    (("extract_s",), "Extraction of results", "s", False),
    (("mode_binary_rounds",), "Mode-binary rounds", "count", False),
    (("n_variables",), "Variables", "count", False),
    (("n_constraints",), "Constraints", "count", False),
    (("n_integer",), "Integer variables", "count", False),
    (("simplex_iterations",), "Simplex iterations", "count", False),
    (("mip_nodes",), "Branch-and-bound nodes", "count", False),
    (("threads",), "Solver threads option (0 = HiGHS's choice)", "count", False),
]
_INVEST_ROWS = [
    (("bau_bill_usd_per_year",), "Bill before: business as usual (existing assets)", "usdyr", False),
    (("bill_usd_per_year",), "Bill after, with the new assets", "usdyr", False),
    (("capex_usd",), "Capital cost (year 0)", "usd", False),
    (("annualised_capex_usd",), "Annualised capital cost", "usdyr", True),
    (("om_usd_per_year",), "Fixed O&M", "usdyr", True),
    (("npv_usd",), "Net present value of the savings", "usd", False),
    (("lcc_usd",), "Life-cycle cost", "usd", False),
    (("bau_lcc_usd",), "Life-cycle cost, business as usual", "usd", True),
    (("irr",), "Internal rate of return", "pct", False),
    (("simple_payback_years",), "Simple payback", "yr", False),
    (("discounted_payback_years",), "Discounted payback", "yr", False),
    (("lcoe_usd_per_kwh",), "LCOE of on-site PV and wind", "usdkwh", False),
    (("usd_per_tco2_avoided",), "Cost per tonne CO2 avoided", "usdt", False),
    (("pv_kwp",), "PV", "kwp", False),
    (("wind_units",), "Wind turbines", "count", False),
    (("battery_kwh",), "Battery energy", "kwh", False),
    (("battery_kw",), "Battery power", "kw", False),
]
_UNITS = {"usdyr": "USD/yr", "yr": "years", "usdkwh": "USD/kWh", "usdt": "USD/tCO2", "kwp": "kWp",
          "kwh": "kWh", "usd": "USD", "mwh": "MWh", "kw": "kW", "tco2": "tCO2", "pct": "", "cycles": "",
          "moves": "moves", "s": "s", "count": "", "gap": "", "text": "", "teu": "TEU",
          "usd_mwh": "USD/MWh", "kwh_teu": "kWh/TEU", "usd_move": "USD/move", "kg_teu": "kgCO2/TEU"}
_KNOWN = {k for rows in (_COST_ROWS, _ENERGY_ROWS, _WORK_ROWS, _SOLVER_ROWS, _INVEST_ROWS)
          for keys, *_ in rows for k in keys}

_SUFFIX_UNITS = [
    ("_usd_per_kw_month", "USD/kW-month"), ("_usd_per_kwh", "USD/kWh"), ("_usd_per_t", "USD/t"),
    ("_kg_per_kwh", "kgCO2/kWh"), ("_usd_per_kg", "USD/kg"), ("_per_h", "1/h"), ("_kwp", "kWp"),
    ("_kwh", "kWh"), ("_mwh", "MWh"), ("_kw", "kW"), ("_deg", "deg"), ("_m", "m"), ("_s", "s"),
    ("_usd", "USD"), ("_tco2", "tCO2"), ("_t", "t"), ("_hour", "h"), ("_hours", "h"), ("_pct", "%"),
]


def _finite(v) -> bool:
    return isinstance(v, int | float | np.integer | np.floating) and not isinstance(v, bool) \
        and math.isfinite(float(v))


def _fmt(v, kind: str) -> str:
    """A KPI value as text (no unit); a dash when missing."""
    if kind == "text":
        return "-" if v is None or v == "" else str(v)
    if not _finite(v):
        return "-"
    v = float(v)
    if kind in ("usd", "usdyr", "usdt"):
        return f"{v:,.0f}"
    if kind in ("kwp", "kwh"):
        return f"{v:,.0f}"
    if kind == "yr":
        return f"{v:,.1f}"
    if kind == "usdkwh":
        return f"{v:.4f}"
    if kind in ("mwh", "tco2"):
        return f"{v:,.1f}" if abs(v) < 1e5 else f"{v:,.0f}"
    if kind in ("kw", "moves", "count", "teu", "kwp", "kwh"):
        return f"{v:,.0f}"
    if kind in ("usd_mwh", "kwh_teu", "usd_move", "kg_teu"):
        return f"{v:,.2f}"
    if kind == "pct":
        return f"{100.0 * v:.1f} %"
    if kind == "gap":
        if abs(v) < 1e-8:
            return "0 %"
        return f"{100.0 * v:.3g} %" if abs(100.0 * v) >= 1e-3 else "< 0.001 %"
    if kind == "cycles":
        return f"{v:,.1f}"
    if kind == "s":
        return f"{v:,.2f}"
    return _plain(v)


def _plain(v) -> str:
    """Any value from the assumptions as short text."""
    if v is None:
        return "-"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, int | np.integer):
        return f"{int(v):,}" if abs(int(v)) >= 10000 else str(int(v))
    if isinstance(v, float | np.floating):
        v = float(v)
        if not math.isfinite(v):
            return "-"
        if v == int(v) and abs(v) < 1e15:
            return f"{v:,.0f}" if abs(v) >= 10000 else f"{v:.0f}"
        if abs(v) >= 100:
            return f"{v:,.2f}".rstrip("0").rstrip(".")
        return f"{v:.6g}"
    if isinstance(v, list | tuple):
        return ", ".join(_plain(x) for x in v) if v else "-"
    if isinstance(v, dict):
        return "; ".join(f"{k}: {_plain(x)}" for k, x in v.items()) if v else "-"
    return str(v)


def _label(key: str) -> str:
    """``capacity_kwp`` -> ``capacity [kWp]``."""
    key = str(key)
    for suf, unit in _SUFFIX_UNITS:
        if key.endswith(suf) and len(key) > len(suf):
            return f"{key[: -len(suf)].replace('_', ' ')} [{unit}]"
    return key.replace("_", " ")


def _e(v) -> str:
    return escape(str(v), quote=True)


def _kpi(kpis: dict, keys: Sequence[str]):
    for k in keys:
        if k in kpis:
            return kpis[k]
    return None


def _kpi_table(kpis: dict, rows, caption: str) -> str:
    body = []
    for keys, label, kind, sub in rows:
        v = _kpi(kpis, keys)
        if v is None and not any(k in kpis for k in keys):
            continue
        unit = _UNITS[kind]
        cls = ' class="sub1"' if sub else ""
        val = _fmt(v, kind)
        if kind == "text" and keys[0] == "status":
            val = f'<span class="{"ok" if v == "optimal" else "notok"}">{_e(val)}</span>'
        else:
            val = _e(val)
        body.append(f"<tr><td{cls}>{_e(label)}</td><td class=\"n\">{val}</td><td>{_e(unit)}</td></tr>")
    if not body:
        return ""
    return (f"<div><h3>{_e(caption)}</h3><table><thead><tr><th>figure</th><th class=\"n\">value</th>"
            f"<th>unit</th></tr></thead><tbody>{''.join(body)}</tbody></table></div>")


def _cards(kpis: dict) -> str:
    items = [
        ("total_cost_usd", "total cost", "usd", "USD"),
        ("emissions_tco2", "emissions", "tco2", "tCO2"),
        ("renewable_share", "renewable share", "pct", ""),
        ("grid_import_mwh", "grid import", "mwh", "MWh"),
        ("peak_import_kw", "max import in peak hours", "kw", "kW"),
        ("unserved_mwh", "unserved load", "mwh", "MWh"),
    ]
    out = []
    for key, label, kind, unit in items:
        if key not in kpis:
            continue
        out.append(f'<div class="card"><div class="v">{_e(_fmt(kpis[key], kind))} '
                   f'<small>{_e(unit)}</small></div><div class="l">{_e(label)}</div></div>')
    return f'<div class="cards">{"".join(out)}</div>' if out else ""


def _status_box(kpis: dict) -> str:
    if kpis.get("status") in (None, ""):
        return ('<div class="box"><strong class="head">Solver status unknown</strong>'
                "This run's summary does not record how the solve ended; treat the figures with "
                "care.</div>")
    status = str(kpis.get("status"))
    if status == "optimal":
        return ""
    gap = kpis.get("mip_gap")
    gap_txt = f" The relative gap to the best bound is {_fmt(gap, 'gap')}." if _finite(gap) else ""
    if status == "time_limit":
        what = ("The solver stopped at its time limit: this schedule is feasible but not proven "
                "optimal, so costs may be overstated." + gap_txt)
    else:
        what = (f"The solver ended with status '{status}': the figures below may not describe an "
                "optimal, or even a valid, schedule." + gap_txt)
    return (f'<div class="box bad" role="alert"><strong class="head">Not optimal: '
            f"{_e(status)}</strong>{_e(what)}</div>")


def _problems_box(kpis: dict, problems: Iterable[str]) -> str:
    items = []
    uns = kpis.get("unserved_mwh")
    if _finite(uns) and float(uns) > 0:
        items.append(f"Unserved load: {_fmt(uns, 'mwh')} MWh of demand could not be supplied "
                     "(supply or grid limit too small).")
    items += [str(p) for p in problems]
    if not items:
        return ""
    lis = "".join(f"<li>{_e(p)}</li>" for p in items)
    return f'<div class="box"><strong class="head">Please note</strong><ul>{lis}</ul></div>'


def _figures(charts: Sequence[Chart]) -> str:
    out = []
    for c in charts:
        out.append(f'<figure id="{_e(c.name)}"><img src="{c.data_uri()}" alt="{_e(c.title)}">'
                   f"<figcaption><b>{_e(c.title)}.</b> {_e(c.caption)} "
                   f"(<code>{_e(c.name)}</code>)</figcaption></figure>")
    return "".join(out)


def _kv_table(d: dict) -> str:
    rows = []
    for k, v in d.items():
        if isinstance(v, dict) and v and all(isinstance(x, dict) for x in v.values()):
            cell = _records_table(v)
        elif isinstance(v, dict) and v:
            cell = _kv_table(v)
        else:
            cell = _e(_plain(v))
        rows.append(f"<tr><td>{_e(_label(k))}</td><td>{cell}</td></tr>")
    return f"<table><tbody>{''.join(rows)}</tbody></table>" if rows else "<p>-</p>"


def _records_table(items: dict) -> str:
    """Named assets (``{name: {field: value}}``) as one table, a row per asset."""
    cols: list[str] = []
    for rec in items.values():
        for k in rec:
            if k not in cols:
                cols.append(k)
    head = "".join(f"<th>{_e(_label(c))}</th>" for c in cols)
    body = []
    for name, rec in items.items():
        cells = "".join(f"<td>{_e(_plain(rec.get(c)))}</td>" for c in cols)
        body.append(f"<tr><td><b>{_e(name)}</b></td>{cells}</tr>")
    return (f'<div class="wide"><table><thead><tr><th>name</th>{head}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table></div>")


def _assumptions(a: dict) -> str:
    if not a:
        return "<p>No assumptions were recorded for this run.</p>"
    parts = []
    if a.get("model_file"):
        parts.append(f"<p>Model file: <code>{_e(a['model_file'])}</code></p>")
    done = {"model_file", "sources", "notes", "pv", "wind", "vessel_calls", "quay_moves",
            "crane_jobs", "truck_windows", "model", "scenario"}
    simple = [("site", "Site"), ("horizon", "Horizon"), ("battery", "Battery"), ("grid", "Grid connection"),
              ("tariff", "Tariff"), ("emissions", "Emissions")]
    grid = []
    for key, title in simple:
        if isinstance(a.get(key), dict):
            grid.append(f"<div><h3>{_e(title)}</h3>{_kv_table(a[key])}</div>")
            done.add(key)
    work = {k: a[k] for k in ("vessel_calls", "quay_moves", "crane_jobs", "truck_windows") if k in a}
    if work:
        grid.append(f"<div><h3>Port work</h3>{_kv_table(work)}</div>")
    for key in ("pv", "wind"):
        v = a.get(key)
        title = "PV arrays" if key == "pv" else "Wind turbines"
        if isinstance(v, dict) and v and all(isinstance(x, dict) for x in v.values()):
            parts.append(f"<h3>{title}</h3>{_records_table(v)}")
        elif isinstance(v, dict):
            parts.append(f"<h3>{title}</h3><p>none</p>")
    parts.append(f'<div class="grid2">{"".join(grid)}</div>')
    rest = {k: v for k, v in a.items() if k not in done}
    if rest:
        parts.append(f"<h3>Other settings</h3>{_kv_table(rest)}")
    src = a.get("sources")
    if isinstance(src, dict) and src:
        items = "".join(f"<dt>{_e(k)}</dt><dd>{_e(_plain(v))}</dd>" for k, v in src.items())
        parts.append(f'<h3>Data sources</h3><dl class="src">{items}</dl>')
    elif isinstance(src, list) and src:
        parts.append("<h3>Data sources</h3><ul>" + "".join(f"<li>{_e(s)}</li>" for s in src) + "</ul>")
    notes = a.get("notes")
    if isinstance(notes, list | tuple) and notes:
        parts.append("<h3>Notes</h3><ul>" + "".join(f"<li>{_e(n)}</li>" for n in notes) + "</ul>")
    elif isinstance(notes, str) and notes:
        parts.append(f"<h3>Notes</h3><p>{_e(notes)}</p>")
    return "".join(parts)


def _kind_of(column: str) -> str:
    return "kw" if column.endswith("_kw") else "tco2" if column.endswith("_tco2") else "usd"


def _monthly_table(me: pd.DataFrame | None, mc: pd.DataFrame | None) -> str:
    if me is None or mc is None or not len(me):
        return ""
    cols_e = [("load_mwh", "load [MWh]"), ("pv_mwh", "PV [MWh]"), ("wind_mwh", "wind [MWh]"),
              ("grid_import_mwh", "import [MWh]"), ("grid_export_mwh", "export [MWh]")]
    cols_c = [("energy_cost_usd", "energy [USD]"), ("capacity_charge_generation_usd", "capacity gen. [USD]"),
              ("capacity_charge_distribution_usd", "capacity dist. [USD]"), ("battery_wear_usd", "wear [USD]"),
              ("carbon_cost_usd", "carbon [USD]"), ("unserved_cost_usd", "unserved [USD]"),
              ("total_cost_usd", "total [USD]"), ("peak_import_kw", "peak-hour max import [kW]"),
              ("emissions_tco2", "emissions [tCO2]"), ("emissions_average_tco2", "emissions, average [tCO2]"),
              ("emissions_marginal_tco2", "emissions, marginal [tCO2]"), ("cost_usd_per_mwh", "cost [USD/MWh]"),
              ("kwh_per_teu", "energy [kWh/TEU]"), ("usd_per_move", "cost [USD/move]")]
    # ratios: the horizon row divides the sums (numerator, denominator, factor)
    ratios = {"cost_usd_per_mwh": ("total_cost_usd", "load_mwh", 1.0),
              "kwh_per_teu": ("load_mwh", "teu", 1000.0), "usd_per_move": ("total_cost_usd", "quay_moves", 1.0)}
    mc = mc.assign(**{f"emissions{k[9:-3]}_tco2": mc[k] / 1000.0 for k in
                      ("emissions_kg", "emissions_average_kg", "emissions_marginal_kg") if k in mc.columns})
    cols_e = [c for c in cols_e if c[0] in me.columns and (c[0] == "load_mwh" or me[c[0]].abs().sum() > 0)]
    cols_c = [c for c in cols_c if c[0] in mc.columns and
              (c[0] in ("energy_cost_usd", "total_cost_usd", "peak_import_kw", "emissions_tco2")
               or mc[c[0]].abs().sum() > 0)]

    def kind(c: str) -> str:
        return "usd_mwh" if c in ratios else _kind_of(c)

    def horizon(c: str):
        if c in ratios:
            num, den, f = ratios[c]
            src = lambda k: me[k].sum() if k in me.columns else mc[k].sum()  # noqa: E731
            d = src(den)
            return f * src(num) / d if d else math.nan
        return mc[c].max() if c.endswith("_kw") else mc[c].sum()

    head = "<th>month</th>" + "".join(f'<th class="n">{_e(t)}</th>' for _, t in cols_e + cols_c)
    body = []
    for p in me.index:
        lab = p.strftime("%b %Y")
        f = float(me.loc[p, "month_fraction"]) if "month_fraction" in me.columns else 1.0
        if f < 0.999:
            lab += f" ({me.loc[p, 'hours'] / 24:.0f} d)" if "hours" in me.columns else " (part)"
        cells = [f'<td class="n">{_e(_fmt(me.loc[p, c], "mwh"))}</td>' for c, _ in cols_e]
        cells += [f'<td class="n">{_e(_fmt(mc.loc[p, c], kind(c)))}</td>' for c, _ in cols_c]
        body.append(f"<tr><td>{_e(lab)}</td>{''.join(cells)}</tr>")
    if len(me) > 1:
        cells = [f'<td class="n">{_e(_fmt(me[c].sum(), "mwh"))}</td>' for c, _ in cols_e]
        cells += [f'<td class="n">{_e(_fmt(horizon(c), kind(c)))}</td>' for c, _ in cols_c]
        body.append(f'<tr class="total"><td>horizon</td>{"".join(cells)}</tr>')
    return (f'<h3>By month</h3><div class="wide"><table><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table></div>")


def _page(title: str, body: str) -> str:
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            "<meta name=\"referrer\" content=\"no-referrer\">"
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
            "img-src data:; style-src 'unsafe-inline'\">"
            f"<title>{_e(title)}</title><style>{_CSS}</style></head>"
            f"<body><main>{body}</main></body></html>\n")


def _horizon_text(assumptions: dict, horizon) -> str:
    parts = []
    site = (assumptions or {}).get("site") or {}
    if site.get("name"):
        parts.append(str(site["name"]))
    if horizon is not None:
        t0, t1, n = horizon
        res = ((assumptions or {}).get("horizon") or {}).get("resolution")
        step = f" steps of {res}" if res else " steps"
        parts.append(f"{t0:%Y-%m-%d %H:%M} to {t1:%Y-%m-%d %H:%M} ({t0.tz}), {n:,}{step}")
    return " | ".join(parts)


def run_report_html(*, model_name: str, scenario: str, kpis: dict, assumptions: dict,
                    charts: Sequence[Chart], monthly_energy: pd.DataFrame | None = None,
                    monthly_costs: pd.DataFrame | None = None, problems: Iterable[str] = (),
                    horizon: tuple | None = None) -> str:
    """The run's report as one self-contained HTML page.

    Parameters
    ----------
    model_name, scenario : str
        Heading of the page.
    kpis : dict
        Key figures and solver fields; missing ones are left out.
    assumptions : dict
        Assets, tariff, emissions, sources and notes of the model.
    charts : sequence of Chart
        Figures, embedded in order as ``data:`` URIs.
    monthly_energy, monthly_costs : pandas.DataFrame, optional
        Tables of :func:`energy.report.periods.monthly_energy` and :func:`energy.report.periods.monthly_costs`.
    problems : iterable of str
        Notes shown in a box at the top (e.g. a figure that could not be drawn).
    horizon : (start, end, steps), optional
        The horizon shown under the heading.

    Returns
    -------
    str
        The page.
    """
    k = kpis or {}
    title = f"{model_name} / {scenario}"
    sub = _horizon_text(assumptions, horizon)
    body = [f"<header><h1>{_e(title)}</h1><p class=\"sub\">port-energy run report"
            f"{' | ' + _e(sub) if sub else ''}</p></header>"]
    body.append(_status_box(k))
    body.append(_problems_box(k, problems))
    body.append(_cards(k))
    body.append("<h2>Key figures</h2><div class=\"grid2\">")
    body.append(_kpi_table(k, _COST_ROWS, "Cost"))
    body.append(_kpi_table(k, _ENERGY_ROWS, "Energy, peaks and emissions"))
    body.append(_kpi_table(k, _WORK_ROWS, "Port work and supply"))
    body.append(_kpi_table(k, _SOLVER_ROWS, "Solver outcome"))
    body.append(_kpi_table(k, _INVEST_ROWS, "Investment against business as usual (cashflow.csv)"))
    body.append("</div>")
    other = {key: v for key, v in k.items() if key not in _KNOWN and (v is None or np.isscalar(v))}
    if other:
        rows = "".join(f"<tr><td>{_e(_label(key))}</td><td class=\"n\">{_e(_plain(v))}</td></tr>"
                       for key, v in other.items())
        body.append(f"<h3>Other figures</h3><table><tbody>{rows}</tbody></table>")
    body.append(_monthly_table(monthly_energy, monthly_costs))
    body.append("<h2>Charts</h2>")
    body.append(_figures(charts) if charts else "<p>No charts were drawn.</p>")
    body.append("<h2>Assumptions</h2>")
    body.append(_assumptions(assumptions or {}))
    body.append("<footer>Written by port-energy. Next to this page: <code>dispatch.csv</code> (every "
                "step), <code>jobs.csv</code> (crane work), <code>summary.json</code> (key figures) "
                "and <code>assumptions.json</code>; <code>port-energy report</code> redraws this page "
                "from them.</footer>")
    return _page(f"{title} - port-energy", "".join(body))


_CMP_COLS = [
    ("total_cost_usd", "total cost [USD]", "usd"),
    ("total_cost_usd_delta", "vs base [USD]", "dusd"),
    ("total_cost_usd_delta_pct", "vs base [%]", "dpct"),
    ("emissions_tco2", "emissions [tCO2]", "tco2"),
    ("emissions_tco2_delta_pct", "vs base [%]", "dpct"),
    ("grid_import_mwh", "grid import [MWh]", "mwh"),
    ("peak_import_kw", "peak-hour max import [kW]", "kw"),
    ("peak_import_kw_delta_pct", "vs base [%]", "dpct"),
    ("renewable_share", "renewable share", "pct"),
    ("unserved_mwh", "unserved [MWh]", "mwh"),
    ("capex_usd", "capex [USD]", "usd"),
    ("annualised_capex_usd", "annualised capex [USD/yr]", "usd"),
    ("npv_usd", "NPV vs business as usual [USD]", "usd"),
    ("lcc_usd", "life-cycle cost [USD]", "usd"),
]


def _delta_cell(v, kind: str, noise: bool = False) -> str:
    if not _finite(v):
        return '<td class="n">-</td>'
    v = float(v)
    cls = "noise" if noise else "better" if v < -1e-9 else "worse" if v > 1e-9 else ""
    txt = f"{v:+,.0f}" if kind == "dusd" else f"{v:+.1f} %"
    if abs(v) <= 1e-9:
        txt = "0" if kind == "dusd" else "0.0 %"
    tip = ' title="within the MIP gap: solver noise, not a difference"' if noise else ""
    return f'<td class="n {cls}"{tip}>{_e(txt)}</td>'


#: Columns of the comparison's second table (investment against business as usual).
_INVEST_KEYS = {"capex_usd", "annualised_capex_usd", "npv_usd", "lcc_usd", "lcc_usd_delta", "irr",
                "simple_payback_years", "lcoe_usd_per_kwh", "usd_per_tco2_avoided"}


def _cmp_table(c: pd.DataFrame, failed: np.ndarray, cols, extra, noise_usd: float) -> str:
    """One table of the comparison: a row per scenario (name and description, status, ``cols``)."""
    head = "<th>scenario</th><th>status</th>"
    head += "".join(f'<th class="n">{_e(t)}</th>' for _, t, _ in cols)
    head += "".join('<th class="n">MIP gap</th>' for _ in extra) + "<th>report / error</th>"
    rows = []
    for i, r in c.iterrows():
        st = str(r.get("status", "")) if pd.notna(r.get("status", None)) else ""
        desc = r.get("description", "")
        desc = str(desc) if desc is not None and pd.notna(desc) else ""
        cells = [f"<td class=\"name\"><b>{_e(r['scenario'])}</b>"
                 + (f'<span class="desc">{_e(desc)}</span>' if desc else "") + "</td>",
                 f'<td class="{"ok" if st == "optimal" else "notok"}">{_e(st or "-")}</td>']
        cost_delta = r.get("total_cost_usd_delta")
        noisy = _finite(cost_delta) and str(r["scenario"]) != "base" and abs(float(cost_delta)) <= noise_usd
        for key, _, kind in cols:
            v = r.get(key)
            cells.append(_delta_cell(v, kind, noisy and key.startswith("total_cost_usd_delta"))
                         if kind in ("dusd", "dpct") else f'<td class="n">{_e(_fmt(v, kind))}</td>')
        cells += [f'<td class="n">{_e(_fmt(r.get(key), "gap"))}</td>' for key in extra]
        err = r.get("error", "")
        err = "" if err is None or (isinstance(err, float) and math.isnan(err)) else str(err)
        if failed[i]:
            cells.append(f"<td>{_e(err or 'failed')}</td>")
        else:
            cells.append(f'<td><a href="{_e(quote(str(r["scenario"])) + "/report.html")}">report</a></td>')
        tr = '<tr class="failed">' if failed[i] else "<tr>"
        rows.append(f"{tr}{''.join(cells)}</tr>")
    return (f'<div class="wide"><table class="cmp"><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table></div>")


def comparison_html(*, model_name: str, comparison: pd.DataFrame, chart: Chart | None = None,
                    failed: Sequence[bool] | None = None, charts: Sequence[Chart] = (),
                    noise_usd: float = 0.0) -> str:
    """The scenario comparison as one self-contained HTML page.

    Parameters
    ----------
    model_name : str
        Heading of the page.
    comparison : pandas.DataFrame
        One row per scenario (``scenario``, ``description``, ``status``, ``error``,
        KPIs and their ``_delta`` / ``_delta_pct`` against the base).
    chart : Chart, optional
        The cost-against-emissions figure.
    failed : sequence of bool, optional
        Which rows failed (default: status ``failed`` or an error message).
    charts : sequence of Chart
        More figures (asset sizes, cost split, waterfall), shown below the table.
    noise_usd : float
        Cost differences at or below this (the MIP gap x the base cost) are greyed as
        solver noise. [USD]

    Returns
    -------
    str
        The page.
    """
    c = comparison.reset_index(drop=True)
    if failed is None:
        st = c["status"].astype(str) if "status" in c.columns else pd.Series("", index=c.index)
        err = c["error"].fillna("").astype(str) if "error" in c.columns else pd.Series("", index=c.index)
        failed = ((st == "failed") | (err.str.strip() != "")).to_numpy()
    failed = np.asarray(failed, dtype=bool)
    body = [f"<header><h1>{_e(model_name)}: scenario comparison</h1><p class=\"sub\">port-energy | "
            f"{len(c)} scenario(s), {int(failed.sum())} failed</p></header>"]
    if failed.any():
        items = []
        for i in np.flatnonzero(failed):
            r = c.iloc[i]
            err = str(r.get("error", "") or "").strip() or f"status {r.get('status', '?')}"
            items.append(f"<li><b>{_e(r['scenario'])}</b>: {_e(err)}</li>")
        body.append(f'<div class="box bad" role="alert"><strong class="head">{int(failed.sum())} '
                    f"scenario(s) failed</strong>They are listed in the table but not plotted."
                    f"<ul>{''.join(items)}</ul></div>")
    nonopt = [str(r["scenario"]) for i, r in c.iterrows()
              if not failed[i] and "status" in c.columns and str(r.get("status")) not in ("optimal", "nan")]
    if nonopt:
        body.append(f'<div class="box"><strong class="head">Not proven optimal</strong>'
                    f"{_e(', '.join(nonopt))}: the solver stopped before proving optimality; see the "
                    "status and gap columns.</div>")
    if chart is not None:
        body.append(_figures([chart]))
    operation = [x for x in _CMP_COLS if x[0] in c.columns and x[0] not in _INVEST_KEYS]
    invest = [x for x in _CMP_COLS if x[0] in c.columns and x[0] in _INVEST_KEYS]
    body.append("<h2>Scenarios</h2>")
    body.append(_cmp_table(c, failed, operation, ["mip_gap"] if "mip_gap" in c.columns else [], noise_usd))
    if invest:  # a second table, so that each fits a 1280 px screen
        body.append("<h3>Investment against business as usual</h3>")
        body.append(_cmp_table(c, failed, invest, [], noise_usd))
    body.append("<p class=\"sub\">Differences are against the base scenario; green is lower (better), "
                f"red higher, grey a cost difference within the MIP gap (at most {noise_usd:,.0f} USD: "
                "solver noise, not a difference). The full table is <code>comparison.csv</code>; each "
                "scenario's own report is in its folder.</p>")
    if charts:
        body.append(_figures(charts))
    body.append("<footer>Written by port-energy.</footer>")
    return _page(f"{model_name}: scenario comparison - port-energy", "".join(body))


def sweep_html(*, model_name: str, scenario: str, table: pd.DataFrame, keys: Sequence[str],
               charts: Sequence[Chart], percentiles: pd.DataFrame | None = None) -> str:
    """A sweep (or Monte Carlo) as one self-contained HTML page: figures, percentiles, points."""
    c = table.reset_index(drop=True)
    failed = (c["status"].astype(str) == "failed").to_numpy() if "status" in c else np.zeros(len(c), bool)
    kind = "Monte Carlo" if percentiles is not None else "sweep"
    body = [f"<header><h1>{_e(model_name)} / {_e(scenario)}: {kind}</h1><p class=\"sub\">port-energy | "
            f"{len(c)} point(s), {int(failed.sum())} failed; varied: {_e(', '.join(keys) or 'nothing')}"
            "</p></header>"]
    if failed.any():
        items = "".join(f"<li><b>point {int(c.loc[i, 'point'])}</b>: {_e(c.loc[i, 'error'])}</li>"
                        for i in np.flatnonzero(failed))
        body.append(f'<div class="box bad" role="alert"><strong class="head">{int(failed.sum())} '
                    f"point(s) failed</strong>They are in the table but not plotted.<ul>{items}</ul></div>")
    body.append(_figures(charts))
    if percentiles is not None and len(percentiles):
        head = "".join(f'<th class="n">{h}</th>' for h in ("P10", "P50", "P90", "mean", "samples"))
        rows = "".join(
            f"<tr><td>{_e(_label(str(r['kpi'])))}</td>"
            + "".join(f'<td class="n">{_e(_plain(r[k]))}</td>' for k in ("p10", "p50", "p90", "mean"))
            + f'<td class="n">{int(r["samples"])}</td></tr>' for _, r in percentiles.iterrows())
        body.append(f"<h2>Percentiles</h2><table><thead><tr><th>KPI</th>{head}</tr></thead>"
                    f"<tbody>{rows}</tbody></table><p class=\"sub\">P10, P50, P90: the 10th, 50th "
                    "and 90th percentiles over the samples that ran.</p>")
    cols = ["point", *keys, "status", "total_cost_usd", "emissions_tco2", "grid_import_mwh",
            "peak_import_kw", "renewable_share", "error"]
    cols = [x for x in cols if x in c.columns]
    head = "".join(f"<th>{_e(x)}</th>" for x in cols)
    rows = []
    for i, r in c.iterrows():
        cells = "".join(f'<td class="n">{_e(_plain(r[x]))}</td>' if x not in ("status", "error")
                        else f"<td>{_e('' if pd.isna(r[x]) else r[x])}</td>" for x in cols)
        tr = '<tr class="failed">' if failed[i] else "<tr>"
        rows.append(f"{tr}{cells}</tr>")
    body.append(f'<h2>Points</h2><div class="wide"><table><thead><tr>{head}</tr></thead>'
                f"<tbody>{''.join(rows)}</tbody></table></div>")
    body.append("<p class=\"sub\">The full table is <code>sweep.csv</code>; seconds per point are in "
                "<code>timings.csv</code>.</p><footer>Written by port-energy.</footer>")
    return _page(f"{model_name} / {scenario}: {kind} - port-energy", "".join(body))


_PARETO_COLS = [
    ("point", "point", "count"), ("kind", "end / point", "text"), ("cap_tco2", "cap [tCO2]", "tco2"),
    ("total_cost_usd", "total cost [USD]", "usd"), ("emissions_tco2", "emissions [tCO2]", "tco2"),
    ("abatement_cost_usd_per_t", "abatement cost [USD/tCO2]", "usd"),
    ("emissions_average_tco2", "average factor [tCO2]", "tco2"),
    ("emissions_marginal_tco2", "marginal factor [tCO2]", "tco2"),
    ("grid_import_mwh", "grid import [MWh]", "mwh"), ("peak_import_kw", "peak-hour max import [kW]", "kw"),
    ("battery_cycles", "battery cycles", "cycles"), ("pv_curtailment_mwh", "PV curtailed [MWh]", "mwh"),
    ("unserved_mwh", "unserved [MWh]", "mwh"), ("status", "status", "text"), ("mip_gap", "MIP gap", "gap"),
]


def pareto_html(*, model_name: str, scenario: str, table: pd.DataFrame, chart: Chart | None = None,
                factor: str = "") -> str:
    """The cost-emissions front of one scenario as one self-contained HTML page.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`energy.pareto.pareto_table` (one row per point).
    chart : Chart, optional
        The front figure.
    factor : str
        What the emissions were counted with (the decision factor's source).
    """
    t = table.reset_index(drop=True)
    body = [f"<header><h1>{_e(model_name)} / {_e(scenario)}: cost against emissions</h1>"
            f"<p class=\"sub\">port-energy | {len(t)} points of the front, from the cost-minimal "
            "to the emission-minimal end</p></header>"]
    nonopt = t[t["status"].astype(str) != "optimal"] if "status" in t.columns else t.iloc[:0]
    if len(nonopt):
        body.append('<div class="box"><strong class="head">Not proven optimal</strong>Point(s) '
                    f"{_e(', '.join(str(p) for p in nonopt['point']))} stopped before proving optimality; "
                    "see the status and gap columns.</div>")
    if len(t) > 1:
        c0, c1 = float(t["total_cost_usd"].iloc[0]), float(t["total_cost_usd"].iloc[-1])
        e0, e1 = float(t["emissions_tco2"].iloc[0]), float(t["emissions_tco2"].iloc[-1])
        avg = (c1 - c0) / (e0 - e1) if e0 - e1 > 1e-3 else math.nan
        body.append(f"<p>Cutting emissions from {_e(_fmt(e0, 'tco2'))} to {_e(_fmt(e1, 'tco2'))} tCO2 "
                    f"({_e(_fmt((e0 - e1) / e0 if e0 else math.nan, 'pct'))}) raises the cost from "
                    f"{_e(_fmt(c0, 'usd'))} to {_e(_fmt(c1, 'usd'))} USD: on average "
                    f"{_e(_fmt(avg, 'usd'))} USD per tonne avoided. No point sheds load to cut emissions.</p>")
    if chart is not None:
        body.append(_figures([chart]))
    cols = [x for x in _PARETO_COLS if x[0] in t.columns]
    head = "".join(f'<th class="n">{_e(lab)}</th>' for _, lab, _ in cols)
    rows = ["<tr>" + "".join(f'<td class="n">{_e(_fmt(r[k], kind))}</td>' for k, _, kind in cols) + "</tr>"
            for _, r in t.iterrows()]
    body.append(f'<h2>Points</h2><div class="wide"><table><thead><tr>{head}</tr></thead>'
                f"<tbody>{''.join(rows)}</tbody></table></div>")
    body.append("<p class=\"sub\">Emissions are counted with the factor the optimisation used"
                + (f" ({_e(factor)})" if factor else "") + "; the average- and marginal-factor "
                "columns count the same schedules with the SEIN average and marginal factors. The "
                "abatement cost of a point is its extra cost over the previous point per tonne it "
                "avoids. The full table is <code>pareto.csv</code>.</p>")
    body.append("<footer>Written by port-energy.</footer>")
    return _page(f"{model_name} / {scenario}: cost against emissions - port-energy", "".join(body))
