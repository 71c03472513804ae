"""From a model and its runs to the investment figures: assets, business as usual, cash flow.

:mod:`energy.economics` holds the arithmetic (pure numpy); this module reads the
model's asset tables (:mod:`energy.config.schema`) into :class:`~energy.economics.AssetCost`
rows, makes the business-as-usual (BAU) model (only the assets marked ``existing``;
grid only for Chancay today) and appraises a run against the BAU run.

A run's horizon need not be a year: its bill and emissions are scaled to a year by
8760 h / horizon hours before they enter the yearly cash flow.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from energy.config import Config, updated
from energy.economics import AssetCost, FinanceTerms, cashflow_table, summarise
from energy.kpis import HOURS_PER_YEAR

__all__ = [
    "HOURS_PER_YEAR",
    "asset_costs",
    "asset_sizes",
    "appraise",
    "bau_config",
    "finance_terms",
    "has_new_assets",
]


def finance_terms(cfg: Config) -> FinanceTerms:
    """The model's ``[finance]`` table."""
    f = cfg.finance
    return FinanceTerms(f.analysis_period_years, f.discount_rate, f.grid_price_escalation, f.tax_rate, f.salvage)


def wind_unit_kw(turbine_type: str) -> float:
    """Rated power of one turbine from windpowerlib's library. [kW]"""
    from energy.wind import nominal_power_kw

    return float(nominal_power_kw(turbine_type))


def battery_power_kw(cfg: Config) -> float:
    """The battery's rated power: the larger of charge and discharge power. [kW]"""
    b = cfg.battery
    return max(b.charge_power_kw, b.discharge_power_kw) if b.exists else 0.0


def asset_sizes(cfg: Config) -> dict:
    """Sizes of all assets (new and existing) as KPIs.

    ``pv_kwp`` (total) and ``pv_kwp_<array>``; ``wind_units`` (total) and
    ``wind_units_<name>``, ``wind_kw``; ``battery_kwh``, ``battery_kw``.
    """
    out = {"pv_kwp": float(sum(a.capacity_kwp for a in cfg.pv.values()))}
    out.update({f"pv_kwp_{k}": float(a.capacity_kwp) for k, a in cfg.pv.items()})
    out["wind_units"] = int(sum(u.count for u in cfg.wind.values()))
    out.update({f"wind_units_{k}": int(u.count) for k, u in cfg.wind.items()})
    out["wind_kw"] = float(sum(u.count * wind_unit_kw(u.turbine_type) for u in cfg.wind.values() if u.count))
    out["battery_kwh"] = float(cfg.battery.energy_kwh) if cfg.battery.exists else 0.0
    out["battery_kw"] = battery_power_kw(cfg)
    return out


def asset_costs(cfg: Config) -> list[AssetCost]:
    """One :class:`AssetCost` per new asset (not ``existing``) of non-zero size."""
    out = []
    for name, a in cfg.pv.items():
        if not a.existing and a.capacity_kwp > 0:
            out.append(AssetCost(f"pv.{name}", "pv", a.capacity_kwp * a.capex_usd_per_kwp,
                                 a.capacity_kwp * a.om_usd_per_kwp_year, a.lifetime_years))
    for name, u in cfg.wind.items():
        if not u.existing and u.count > 0:
            kw = u.count * wind_unit_kw(u.turbine_type)
            out.append(AssetCost(f"wind.{name}", "wind", kw * u.capex_usd_per_kw, kw * u.om_usd_per_kw_year,
                                 u.lifetime_years))
    b = cfg.battery
    if b.exists and not b.existing:
        capex = b.energy_kwh * b.capex_usd_per_kwh + battery_power_kw(cfg) * b.capex_usd_per_kw
        out.append(AssetCost("battery", "battery", capex, b.om_fraction_of_capex_per_year * capex,
                             b.lifetime_years, b.replacement_cost_fraction))
    return out


def has_new_assets(cfg: Config) -> bool:
    """The model holds an asset that is not ``existing``, of non-zero size."""
    return bool(asset_costs(cfg))


def bau_config(cfg: Config) -> Config:
    """Business as usual: the same model with every new asset removed (existing ones kept)."""
    bau = cfg.model_copy(deep=True)
    for a in bau.pv.values():
        if not a.existing:
            a.capacity_kwp = 0.0
    for u in bau.wind.values():
        if not u.existing:
            u.count = 0
    if not bau.battery.existing:
        bau.battery = updated(bau.battery, energy_kwh=0.0, charge_power_kw=0.0, discharge_power_kw=0.0)
    return bau


def _energy_kwh(dispatch: pd.DataFrame, *cols: str) -> float:
    dt = dispatch["dt_h"].to_numpy(dtype=float)
    return float(sum(np.dot(np.nan_to_num(dispatch[c].to_numpy(dtype=float)), dt)
                     for c in cols if c in dispatch.columns))


def appraise(cfg: Config, kpis: dict, dispatch: pd.DataFrame, bau_kpis: dict,
             assets: list[AssetCost] | None = None) -> tuple[pd.DataFrame, dict]:
    """The cash-flow table and economic KPIs of a run against its business-as-usual run.

    Parameters
    ----------
    cfg : Config
        The run's model (its assets and ``[finance]``).
    kpis, bau_kpis : dict
        The run's and the BAU run's KPIs (``total_cost_usd`` [USD], ``emissions_tco2``)
        over the same horizon.
    dispatch : pandas.DataFrame
        The run's dispatch (PV and wind energy used, ``dt_h``).
    assets : list of AssetCost, optional
        Default :func:`asset_costs` of ``cfg``.

    Returns
    -------
    (pandas.DataFrame, dict)
        :func:`energy.economics.cashflow_table` and :func:`energy.economics.summarise`
        plus ``bau_total_cost_usd``, ``bau_emissions_tco2`` (horizon) and
        ``bill_usd_per_year``, ``bau_bill_usd_per_year`` (scaled to a year).
    """
    assets = asset_costs(cfg) if assets is None else assets
    terms = finance_terms(cfg)
    scale = HOURS_PER_YEAR / float(dispatch["dt_h"].sum())
    bill, bau = kpis["total_cost_usd"] * scale, bau_kpis["total_cost_usd"] * scale
    table = cashflow_table(assets, bill, bau, terms)
    out = summarise(table, assets, terms,
                    renewable_kwh_per_year=_energy_kwh(dispatch, "pv_kw", "wind_kw") * scale,
                    emissions_t_per_year=kpis["emissions_tco2"] * scale,
                    bau_emissions_t_per_year=bau_kpis["emissions_tco2"] * scale)
    out.update({
        "bau_total_cost_usd": float(bau_kpis["total_cost_usd"]),
        "bau_emissions_tco2": float(bau_kpis["emissions_tco2"]),
        "bill_usd_per_year": bill,
        "bau_bill_usd_per_year": bau,
    })
    return table, out
