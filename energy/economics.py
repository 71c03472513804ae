"""Investment economics: annuities, a yearly cash-flow table and its figures. Pure numpy.

Money is real (constant) USD of year 0, discounted at the real rate r. A project is a
set of new assets (capital cost in year 0) whose yearly operating bill is compared with
the business-as-usual (BAU) bill: the same port with only its existing assets.

Definitions (year y = 0..N, N the analysis period):

==============================  ============================================================
quantity                        definition
==============================  ============================================================
CRF(r, L)                       r (1+r)^L / ((1+r)^L - 1); 1/L when r = 0
annualised capex                sum over assets CRF(r, L_a) * capex_a          [USD/yr]
bill_y, bau_bill_y              operating bill x (1+g)^(y-1), g the grid escalation
savings_y                       bau_bill_y - bill_y
replacement_y                   fraction_a * capex_a in years k * L_a < N (k = 1, 2, ...)
salvage_N                       ``linear``: last purchase cost x remaining life / L_a
tax_y                           tax rate x (savings_y - O&M - straight-line depreciation_y)
net_y                           -capex (y = 0); savings - O&M - replacement - tax + salvage
NPV                             sum_y net_y / (1+r)^y  (= LCC_BAU - LCC)
LCC                             capex + sum_y (bill + O&M + replacement + tax - salvage)/(1+r)^y
IRR                             r* with sum_y net_y / (1+r*)^y = 0; None without a sign change
simple / discounted payback     first time the (discounted) cumulative net cash flow reaches 0,
                                interpolated within the year; None if it never does
LCOE of on-site supply          (annualised capex + O&M of new PV and wind) / their energy used
USD per tCO2 avoided            (annualised capex + O&M + bill - BAU bill) / (BAU - project tCO2)
==============================  ============================================================

Existing assets carry no capital cost; their O&M is the same with and without the
project and is left out of both sides.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = [
    "CASHFLOW_COLUMNS",
    "AssetCost",
    "FinanceTerms",
    "annualised_capex",
    "capital_recovery_factor",
    "cashflow_table",
    "discounted_payback",
    "irr",
    "npv",
    "payback",
    "summarise",
]

CASHFLOW_COLUMNS = (
    "year", "capex_usd", "om_usd", "replacement_usd", "salvage_usd", "bau_bill_usd", "bill_usd",
    "savings_usd", "depreciation_usd", "tax_usd", "net_cash_flow_usd", "discount_factor",
    "discounted_net_usd", "cumulative_net_usd", "cumulative_discounted_usd",
)


@dataclass(frozen=True)
class AssetCost:
    """The cost of one new asset.

    Attributes
    ----------
    name : str
        E.g. ``pv.warehouse_roofs`` or ``battery``.
    kind : str
        ``pv``, ``wind`` or ``battery``.
    capex_usd : float
        Capital cost in year 0. [USD]
    om_usd_per_year : float
        Fixed operation and maintenance. [USD/yr]
    lifetime_years : int
        Economic life L. [yr]
    replacement_cost_fraction : float
        Cost of each replacement at the end of a life, share of ``capex_usd``. [-]
    """

    name: str
    kind: str
    capex_usd: float
    om_usd_per_year: float
    lifetime_years: int
    replacement_cost_fraction: float = 1.0


@dataclass(frozen=True)
class FinanceTerms:
    """The ``[finance]`` table: N [yr], r, g [1/yr], tax rate [-], salvage rule."""

    analysis_period_years: int = 25
    discount_rate: float = 0.08
    grid_price_escalation: float = 0.0
    tax_rate: float = 0.0
    salvage: str = "linear"


def capital_recovery_factor(rate: float, years: int) -> float:
    """CRF(r, L) = r (1+r)^L / ((1+r)^L - 1), the annuity of 1 USD over L years. [1/yr]"""
    if years <= 0:
        raise ValueError(f"expected a life of at least 1 year, found {years}")
    if rate == 0:
        return 1.0 / years
    f = (1.0 + rate) ** years
    return rate * f / (f - 1.0)


def annualised_capex(assets: list[AssetCost], rate: float) -> float:
    """Sum over assets of CRF(r, L_a) x capex_a. [USD/yr]"""
    return float(sum(capital_recovery_factor(rate, a.lifetime_years) * a.capex_usd for a in assets))


def npv(rate: float, flows) -> float:
    """sum_y flows[y] / (1 + rate)^y, year 0 first. [USD]"""
    f = np.asarray(flows, dtype=float)
    return float(np.sum(f / (1.0 + rate) ** np.arange(len(f))))


def irr(flows, lo: float = -0.99, hi: float = 10.0) -> float | None:
    """Internal rate of return: the lowest root of :func:`npv` in (lo, hi), or None.

    Robust root finding: NPV is evaluated on a grid of rates, the first bracket where it
    changes sign is bisected to 1e-12. None when the flows do not change sign or no
    root lies in the range.
    """
    f = np.asarray(flows, dtype=float)
    if not ((f > 0).any() and (f < 0).any()):
        return None
    grid = np.concatenate([np.linspace(lo, 1.0, 400, endpoint=False), np.geomspace(1.0, hi, 100)])
    values = np.array([npv(r, f) for r in grid])
    zero = np.flatnonzero(values == 0)
    if len(zero):
        return float(grid[zero[0]])
    change = np.flatnonzero(np.sign(values[:-1]) * np.sign(values[1:]) < 0)
    if not len(change):
        return None
    a, b = grid[change[0]], grid[change[0] + 1]
    fa = values[change[0]]
    for _ in range(200):
        mid = 0.5 * (a + b)
        fm = npv(mid, f)
        if (fm > 0) == (fa > 0):
            a, fa = mid, fm
        else:
            b = mid
        if b - a < 1e-12:
            break
    return float(0.5 * (a + b))


def payback(flows) -> float | None:
    """Years until the cumulative flow (year 0 first) first reaches 0, interpolated; None if never."""
    f = np.asarray(flows, dtype=float)
    cum = np.cumsum(f)
    if cum[0] >= 0:
        return 0.0
    for y in range(1, len(f)):
        if cum[y] >= 0:
            return float(y - 1 + (-cum[y - 1]) / f[y])
    return None


def discounted_payback(rate: float, flows) -> float | None:
    """:func:`payback` of the discounted flows."""
    f = np.asarray(flows, dtype=float)
    return payback(f / (1.0 + rate) ** np.arange(len(f)))


def _schedule(a: AssetCost, n: int) -> tuple[np.ndarray, np.ndarray, float]:
    """Replacement costs and straight-line depreciation per year 0..n, and the salvage value."""
    repl, dep = np.zeros(n + 1), np.zeros(n + 1)
    life = a.lifetime_years
    buys = [(0, a.capex_usd)] + [(y, a.replacement_cost_fraction * a.capex_usd)
                                 for y in range(life, n, life)]
    for y, cost in buys:
        if y > 0:
            repl[y] += cost
        dep[y + 1: min(y + life, n) + 1] += cost / life
    last_year, last_cost = buys[-1]
    remaining = max(0, last_year + life - n)
    return repl, dep, last_cost * remaining / life


def cashflow_table(assets: list[AssetCost], bill_usd_per_year: float, bau_bill_usd_per_year: float,
                   terms: FinanceTerms) -> pd.DataFrame:
    """The yearly cash flow of a project against business as usual (module table). [USD]

    Parameters
    ----------
    assets : list of AssetCost
        The new assets (existing ones carry no capital cost and are left out).
    bill_usd_per_year, bau_bill_usd_per_year : float
        The operating bill of year 1 with the project and without it. [USD/yr]
    terms : FinanceTerms

    Returns
    -------
    pandas.DataFrame
        One row per year 0..N, columns :data:`CASHFLOW_COLUMNS`.
    """
    n, r, g = terms.analysis_period_years, terms.discount_rate, terms.grid_price_escalation
    years = np.arange(n + 1)
    esc = np.where(years > 0, (1.0 + g) ** np.maximum(years - 1, 0), 0.0)
    capex = np.zeros(n + 1)
    capex[0] = sum(a.capex_usd for a in assets)
    om = np.where(years > 0, sum(a.om_usd_per_year for a in assets), 0.0)
    repl, dep, salvage = np.zeros(n + 1), np.zeros(n + 1), np.zeros(n + 1)
    for a in assets:
        ra, da, sa = _schedule(a, n)
        repl += ra
        dep += da
        if terms.salvage == "linear":
            salvage[n] += sa
    bill, bau = bill_usd_per_year * esc, bau_bill_usd_per_year * esc
    savings = bau - bill
    tax = np.where(years > 0, terms.tax_rate * (savings - om - dep), 0.0)
    net = -capex + savings - om - repl - tax + salvage
    disc = 1.0 / (1.0 + r) ** years
    return pd.DataFrame({
        "year": years, "capex_usd": capex, "om_usd": om, "replacement_usd": repl, "salvage_usd": salvage,
        "bau_bill_usd": bau, "bill_usd": bill, "savings_usd": savings, "depreciation_usd": dep,
        "tax_usd": tax, "net_cash_flow_usd": net, "discount_factor": disc, "discounted_net_usd": net * disc,
        "cumulative_net_usd": np.cumsum(net), "cumulative_discounted_usd": np.cumsum(net * disc),
    }, columns=list(CASHFLOW_COLUMNS))


def summarise(table: pd.DataFrame, assets: list[AssetCost], terms: FinanceTerms, *,
              renewable_kwh_per_year: float, emissions_t_per_year: float,
              bau_emissions_t_per_year: float) -> dict:
    """The economic KPIs of a cash-flow table (module table).

    Returns
    -------
    dict
        ``capex_usd``, ``annualised_capex_usd``, ``om_usd_per_year``, ``npv_usd``, ``lcc_usd``,
        ``bau_lcc_usd``, ``irr`` (None without a sign change), ``simple_payback_years`` and
        ``discounted_payback_years`` (None if never), ``lcoe_usd_per_kwh`` (None without PV or
        wind energy), ``usd_per_tco2_avoided`` (None without a reduction).
    """
    r = terms.discount_rate
    net = table["net_cash_flow_usd"].to_numpy()
    disc = table["discount_factor"].to_numpy()
    costs = table["bill_usd"] + table["om_usd"] + table["replacement_usd"] + table["tax_usd"] - table["salvage_usd"]
    lcc = float(table["capex_usd"].iloc[0] + (costs.to_numpy()[1:] * disc[1:]).sum())
    bau_lcc = float((table["bau_bill_usd"].to_numpy()[1:] * disc[1:]).sum())
    ann = annualised_capex(assets, r)
    om = float(sum(a.om_usd_per_year for a in assets))
    supply = [a for a in assets if a.kind in ("pv", "wind")]
    supply_cost = annualised_capex(supply, r) + sum(a.om_usd_per_year for a in supply)
    avoided = bau_emissions_t_per_year - emissions_t_per_year
    extra = ann + om + float(table["bill_usd"].iloc[1] - table["bau_bill_usd"].iloc[1]) if len(table) > 1 else 0.0
    return {
        "capex_usd": float(table["capex_usd"].iloc[0]),
        "annualised_capex_usd": ann,
        "om_usd_per_year": om,
        "npv_usd": npv(r, net),
        "lcc_usd": lcc,
        "bau_lcc_usd": bau_lcc,
        "irr": irr(net),
        "simple_payback_years": payback(net),
        "discounted_payback_years": discounted_payback(r, net),
        "lcoe_usd_per_kwh": supply_cost / renewable_kwh_per_year if supply and renewable_kwh_per_year > 0 else None,
        "usd_per_tco2_avoided": extra / avoided if avoided > 1e-9 else None,
    }
