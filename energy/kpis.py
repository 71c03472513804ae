"""THE bill, and the key figures of a run: one computation, from a dispatch table and its rates.

:func:`monthly_bill` prices a dispatch table (one row per step, the columns of
:mod:`energy.optimise.extract`) per calendar month with the :class:`BillRates` the
optimisation used; :func:`run_kpis` adds the month rows up and measures the energy
flows. The optimisation's objective (:mod:`energy.optimise.dispatch`) takes its
coefficients from the same :class:`BillRates` (:func:`bill_rates`), so the objective
and the reported bill agree term by term. No Pyomo here.

The bill, per calendar month m (site-local), E = energy in kWh = kW x ``dt_h``:

==================================  ==========================================================
term                                definition
==================================  ==========================================================
``import_cost_usd``                 sum dt * import price * import
``export_revenue_usd``              sum dt * export price * export
``energy_cost_usd``                 import cost - export revenue
``capacity_charge_generation_usd``  generation rate x month's max import in peak steps x f_m
``capacity_charge_distribution_usd``  distribution rate x month's max import x f_m
``battery_wear_usd``                wear cost x E(discharge)
``carbon_cost_usd``                 carbon price x emissions (sum dt * factor * import)
``unserved_cost_usd``               value of lost load x E(unserved)
``total_cost_usd``                  energy + both capacity charges + wear + carbon + unserved
==================================  ==========================================================

f_m is the share of the calendar month inside the horizon
(:func:`energy.timegrid.month_fractions`): a partial month pays its share of the
monthly charges.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields

import numpy as np
import pandas as pd

from energy.errors import EnergyError
from energy.reefers import BAND_TOLERANCE_C
from energy.timegrid import month_fractions, months_of

__all__ = [
    "BILL_TERMS",
    "HOURS_PER_YEAR",
    "INVESTMENT_TERMS",
    "BillRates",
    "bill_rates",
    "check_dispatch",
    "dispatch_column",
    "intensity_kpis",
    "monthly_bill",
    "reefer_band_violations",
    "reefer_kpis",
    "run_kpis",
    "shore_power_kpis",
    "step_bill",
]

#: The terms of the bill that add up to ``total_cost_usd`` (also the objective's terms).
BILL_TERMS = (
    "energy_cost_usd",
    "capacity_charge_generation_usd",
    "capacity_charge_distribution_usd",
    "battery_wear_usd",
    "carbon_cost_usd",
    "unserved_cost_usd",
)


#: The terms a sizing model adds to the objective (:func:`energy.optimise.dispatch.add_investment_terms`):
#: the sized assets' annualised capital cost and fixed O&M, prorated to the horizon.
INVESTMENT_TERMS = ("annualised_capex_usd", "fixed_om_usd")

#: Hours of a (non-leap) year: annual figures are prorated by horizon hours / this. [h]
HOURS_PER_YEAR = 8760.0


@dataclass(frozen=True)
class BillRates:
    """Every rate of the bill that is not a time series (prices and factors are columns).

    Attributes
    ----------
    generation_capacity_usd_per_kw_month : float
        Charge on the month's highest import in peak hours. [USD/kW-month]
    distribution_capacity_usd_per_kw_month : float
        Charge on the month's highest import at any hour. [USD/kW-month]
    battery_wear_usd_per_kwh : float
        Degradation cost per kWh discharged (0 without a battery). [USD/kWh]
    carbon_price_usd_per_kg : float
        Price on the emissions of grid import. [USD/kgCO2]
    value_of_lost_load_usd_per_kwh : float
        Penalty on unserved load. [USD/kWh]
    """

    generation_capacity_usd_per_kw_month: float
    distribution_capacity_usd_per_kw_month: float
    battery_wear_usd_per_kwh: float
    carbon_price_usd_per_kg: float
    value_of_lost_load_usd_per_kwh: float

    def to_dict(self) -> dict:
        """The rates as a plain dict (written to ``assumptions.json`` as ``bill_rates``)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict, where: str = "bill_rates") -> BillRates:
        """Rates read back from a run folder's ``assumptions.json``.

        Raises
        ------
        EnergyError
            A missing or non-numeric rate, naming it.
        """
        out = {}
        for f in fields(cls):
            v = (data or {}).get(f.name)
            try:
                out[f.name] = float(v)
            except (TypeError, ValueError):
                raise EnergyError(f"{where}.{f.name}: expected a number, found {v!r}") from None
            if not math.isfinite(out[f.name]):
                raise EnergyError(f"{where}.{f.name}: expected a finite number, found {v!r}")
        return cls(**out)


def bill_rates(inputs) -> BillRates:
    """The rates of an :class:`energy.inputs.Inputs`: what the objective and the bill both use."""
    tariff = inputs.tariff
    return BillRates(
        generation_capacity_usd_per_kw_month=float(tariff.generation_capacity_usd_per_kw_month),
        distribution_capacity_usd_per_kw_month=float(tariff.distribution_capacity_usd_per_kw_month),
        battery_wear_usd_per_kwh=float(inputs.battery.wear_cost_usd_per_kwh) if inputs.has_battery else 0.0,
        carbon_price_usd_per_kg=float(inputs.carbon_price_usd_per_kg),
        value_of_lost_load_usd_per_kwh=float(inputs.value_of_lost_load_usd_per_kwh),
    )


def dispatch_column(d: pd.DataFrame, name: str) -> np.ndarray:
    """A column of a dispatch table as floats; zeros when absent (no export flow without export), NaN as 0."""
    if name not in d.columns:
        return np.zeros(len(d))
    return np.nan_to_num(d[name].to_numpy(dtype=float), nan=0.0)


def check_dispatch(dispatch: pd.DataFrame) -> None:
    """Refuse a dispatch table without a tz-aware index, a ``dt_h`` column or any step."""
    if not isinstance(dispatch.index, pd.DatetimeIndex) or dispatch.index.tz is None:
        raise EnergyError("dispatch: expected a tz-aware DatetimeIndex (site-local time), "
                          f"found {type(dispatch.index).__name__} without a time zone")
    if "dt_h" not in dispatch.columns:
        raise EnergyError("dispatch: expected a 'dt_h' column (step length in hours), found none")
    if not len(dispatch):
        raise EnergyError("dispatch: expected at least one time step, found an empty table")


def monthly_bill(dispatch: pd.DataFrame, rates: BillRates) -> pd.DataFrame:
    """THE bill of a dispatch table, per calendar month. [USD]

    Parameters
    ----------
    dispatch : pandas.DataFrame
        One row per step (tz-aware index in the site zone): ``dt_h`` [h],
        ``grid_import_kw``, ``grid_export_kw``, ``battery_discharge_kw``,
        ``unserved_kw`` [kW], ``import_price_usd_per_kwh``,
        ``export_price_usd_per_kwh`` [USD/kWh], ``grid_emission_kg_per_kwh`` [kg/kWh],
        ``is_peak`` [bool]. Absent flows count as zero.
    rates : BillRates
        The rates the optimisation used (:func:`bill_rates`).

    Returns
    -------
    pandas.DataFrame
        Indexed by month (Period, named ``month``): the terms of the module's table,
        ``emissions_kg`` [kgCO2] (under the factor the optimisation used),
        ``emissions_average_kg`` and ``emissions_marginal_kg`` [kgCO2] (under the
        ``grid_emission_average_kg_per_kwh`` / ``..._marginal_...`` columns; NaN when
        absent), ``peak_import_kw`` (max import in peak steps; 0 in a
        month without any), ``max_import_kw`` [kW] and ``month_fraction`` [-].
    """
    d = dispatch
    check_dispatch(d)
    dt = d["dt_h"].to_numpy(dtype=float)
    imp, exp = dispatch_column(d, "grid_import_kw"), dispatch_column(d, "grid_export_kw")
    peak = d["is_peak"].to_numpy().astype(bool) if "is_peak" in d.columns else np.zeros(len(d), bool)
    codes, months = months_of(d.index)
    n = len(months)

    def by_month(v: np.ndarray) -> np.ndarray:
        return np.bincount(codes, weights=v, minlength=n)

    max_all = np.zeros(n)
    np.maximum.at(max_all, codes, imp)
    max_peak = np.zeros(n)
    np.maximum.at(max_peak, codes[peak], imp[peak])
    frac = month_fractions(d.index, dt).to_numpy(dtype=float)
    emissions_kg = by_month(dt * dispatch_column(d, "grid_emission_kg_per_kwh") * imp)
    reported = {f"emissions_{name}_kg": by_month(dt * dispatch_column(d, f"grid_emission_{name}_kg_per_kwh") * imp)
                if f"grid_emission_{name}_kg_per_kwh" in d.columns else np.full(n, np.nan)
                for name in ("average", "marginal")}

    out = pd.DataFrame(index=pd.PeriodIndex(months, name="month"))
    out["import_cost_usd"] = by_month(dt * dispatch_column(d, "import_price_usd_per_kwh") * imp)
    out["export_revenue_usd"] = by_month(dt * dispatch_column(d, "export_price_usd_per_kwh") * exp)
    out["energy_cost_usd"] = out["import_cost_usd"] - out["export_revenue_usd"]
    out["capacity_charge_generation_usd"] = rates.generation_capacity_usd_per_kw_month * max_peak * frac
    out["capacity_charge_distribution_usd"] = rates.distribution_capacity_usd_per_kw_month * max_all * frac
    out["battery_wear_usd"] = rates.battery_wear_usd_per_kwh * by_month(dt * dispatch_column(d, "battery_discharge_kw"))
    out["carbon_cost_usd"] = rates.carbon_price_usd_per_kg * emissions_kg
    out["unserved_cost_usd"] = rates.value_of_lost_load_usd_per_kwh * by_month(dt * dispatch_column(d, "unserved_kw"))
    out["total_cost_usd"] = out[list(BILL_TERMS)].sum(axis=1)
    out["emissions_kg"] = emissions_kg
    for k, v in reported.items():
        out[k] = v
    out["peak_import_kw"] = max_peak
    out["max_import_kw"] = max_all
    out["month_fraction"] = frac
    return out


def step_bill(dispatch: pd.DataFrame, rates: BillRates) -> pd.DataFrame:
    """THE bill of :func:`monthly_bill`, step by step: what each step cost. [USD]

    Energy cost, battery wear, carbon and unserved load fall in the step that
    causes them. A month's capacity charges fall in the step that set them: the
    generation charge on the first peak step with the month's highest peak-hour
    import, the distribution charge on the first step with its highest import.
    The columns therefore add up, over the steps of a month, to that month's
    :func:`monthly_bill` row, and over the horizon to :func:`run_kpis`'s totals.

    Returns
    -------
    pandas.DataFrame
        The dispatch's index; ``energy_cost_usd`` (import cost - export revenue),
        ``capacity_charge_usd`` (both charges), ``battery_wear_usd``,
        ``carbon_cost_usd``, ``unserved_cost_usd``, ``cost_usd`` (their sum) [USD]
        and ``emissions_kg`` [kgCO2].
    """
    d = dispatch
    bill = monthly_bill(d, rates)
    dt = d["dt_h"].to_numpy(dtype=float)
    imp, exp = dispatch_column(d, "grid_import_kw"), dispatch_column(d, "grid_export_kw")
    peak = d["is_peak"].to_numpy().astype(bool) if "is_peak" in d.columns else np.zeros(len(d), bool)
    codes, _ = months_of(d.index)
    emissions = dt * dispatch_column(d, "grid_emission_kg_per_kwh") * imp
    capacity = np.zeros(len(d))
    gen = bill["capacity_charge_generation_usd"].to_numpy()
    dist = bill["capacity_charge_distribution_usd"].to_numpy()
    for m in range(len(bill)):
        in_month = codes == m
        for charge, steps, level in ((gen[m], in_month & peak, bill["peak_import_kw"].iloc[m]),
                                     (dist[m], in_month, bill["max_import_kw"].iloc[m])):
            hits = np.flatnonzero(steps & (imp == level))
            if charge and len(hits):
                capacity[hits[0]] += charge
    out = pd.DataFrame(index=d.index)
    out["energy_cost_usd"] = dt * (dispatch_column(d, "import_price_usd_per_kwh") * imp
                                   - dispatch_column(d, "export_price_usd_per_kwh") * exp)
    out["capacity_charge_usd"] = capacity
    out["battery_wear_usd"] = rates.battery_wear_usd_per_kwh * dt * dispatch_column(d, "battery_discharge_kw")
    out["carbon_cost_usd"] = rates.carbon_price_usd_per_kg * emissions
    out["unserved_cost_usd"] = rates.value_of_lost_load_usd_per_kwh * dt * dispatch_column(d, "unserved_kw")
    out["cost_usd"] = out.sum(axis=1)
    out["emissions_kg"] = emissions
    return out


def run_kpis(dispatch: pd.DataFrame, rates: BillRates, battery_usable_kwh: float = 0.0) -> dict:
    """Key figures of a run: the bill's totals (sums of :func:`monthly_bill`) and energy flows.

    Definitions (sums over steps; E = energy in kWh = kW x ``dt_h``):

    - the bill terms of :data:`BILL_TERMS`, ``capacity_charge_usd`` (both capacity
      charges) and ``total_cost_usd``: sums over the months of :func:`monthly_bill`;
      the total equals the solver's objective.
    - ``emissions_tco2`` = sum dt*ef*import / 1000, ef the factor the optimisation
      priced and capped (``grid_emission_kg_per_kwh``)
    - ``emissions_average_tco2``, ``emissions_marginal_tco2``: the same under the SEIN
      average and marginal factors (``grid_emission_average_kg_per_kwh``,
      ``grid_emission_marginal_kg_per_kwh``; NaN without those columns)
    - ``grid_import_mwh``, ``grid_export_mwh``, ``unserved_mwh``, ``crane_energy_mwh``,
      ``truck_energy_mwh``: E / 1000
    - ``load_mwh`` = E(fixed + crane + truck + optimised reefer compressor load) / 1000
      (served or not)
    - ``peak_import_kw`` = max import in peak steps; ``max_import_kw`` = max import
    - ``renewable_share`` = (E(pv) + E(wind) - E(export)) / (E(pv) + E(wind) - E(export)
      + E(import)): the renewable part of all the energy the site took in and kept.
      Battery losses (and any net gain of stored energy) are part of that intake, so
      they count pro rata; export is taken to come from renewables first. Unserved
      load is not consumption. 0 with no intake.
    - ``self_consumption`` = (E(pv) + E(wind) - E(export)) / (E(pv) + E(wind)): share of
      the renewable energy used (after curtailment) consumed on site rather than
      exported; NaN when no renewable energy was used.
    - ``crane_moves``: sum of the ``crane_moves_<pool>`` columns [moves]
    - ``pv_curtailment_mwh``, ``wind_curtailment_mwh``: E(available - used) / 1000
    - ``battery_cycles`` = E(discharge) / ``battery_usable_kwh``: equivalent full cycles
      of the usable energy (energy_kwh x (soc_max - soc_min)); 0 without a battery.

    Parameters
    ----------
    dispatch : pandas.DataFrame
        Table made by :func:`energy.optimise.extract.extract`.
    rates : BillRates
        The rates the optimisation used.
    battery_usable_kwh : float
        Usable battery energy; 0 without a battery. [kWh]
    """
    d = dispatch
    bill = monthly_bill(d, rates)
    dt = d["dt_h"].to_numpy(dtype=float)

    def e(col: str) -> float:
        return float(np.dot(dispatch_column(d, col), dt))

    totals = {k: float(bill[k].sum()) for k in BILL_TERMS}
    imp = dispatch_column(d, "grid_import_kw")
    peak = d["is_peak"].to_numpy().astype(bool) if "is_peak" in d.columns else np.zeros(len(d), bool)
    e_re = e("pv_kw") + e("wind_kw")
    e_exp, e_imp, e_dis = e("grid_export_kw"), e("grid_import_kw"), e("battery_discharge_kw")
    kept = e_re - e_exp
    intake = kept + e_imp
    e_crane, e_truck, e_reefer = e("crane_load_kw"), e("truck_load_kw"), e("reefer_flex_load_kw")
    return {
        "total_cost_usd": float(sum(totals.values())),
        "energy_cost_usd": totals["energy_cost_usd"],
        "capacity_charge_usd": totals["capacity_charge_generation_usd"] + totals["capacity_charge_distribution_usd"],
        "capacity_charge_generation_usd": totals["capacity_charge_generation_usd"],
        "capacity_charge_distribution_usd": totals["capacity_charge_distribution_usd"],
        "battery_wear_usd": totals["battery_wear_usd"],
        "unserved_cost_usd": totals["unserved_cost_usd"],
        "carbon_cost_usd": totals["carbon_cost_usd"],
        "emissions_tco2": float(bill["emissions_kg"].sum()) / 1000.0,
        "emissions_average_tco2": float(bill["emissions_average_kg"].sum(min_count=1)) / 1000.0,
        "emissions_marginal_tco2": float(bill["emissions_marginal_kg"].sum(min_count=1)) / 1000.0,
        "grid_import_mwh": e_imp / 1000.0,
        "grid_export_mwh": e_exp / 1000.0,
        "peak_import_kw": float(imp[peak].max()) if peak.any() else 0.0,
        "max_import_kw": float(imp.max()) if len(imp) else 0.0,
        "load_mwh": (e("fixed_load_kw") + e_crane + e_truck + e_reefer) / 1000.0,
        "renewable_share": kept / intake if intake > 0 else 0.0,
        "self_consumption": kept / e_re if e_re > 0 else math.nan,
        "pv_curtailment_mwh": e("pv_curtailed_kw") / 1000.0,
        "wind_curtailment_mwh": e("wind_curtailed_kw") / 1000.0,
        "battery_cycles": e_dis / battery_usable_kwh if battery_usable_kwh > 0 else 0.0,
        "crane_energy_mwh": e_crane / 1000.0,
        "crane_moves": float(sum(d[c].sum() for c in d.columns if c.startswith("crane_moves_"))),
        "truck_energy_mwh": e_truck / 1000.0,
        "unserved_mwh": e("unserved_kw") / 1000.0,
    }


def intensity_kpis(total_cost_usd: float, load_mwh: float, emissions_kg: float, quay_moves: float,
                   teu_per_move: float) -> dict:
    """Cost and energy per unit of work: what a port compares with other ports.

    Parameters
    ----------
    total_cost_usd : float
        The bill (:func:`run_kpis` ``total_cost_usd`` or a month's). [USD]
    load_mwh : float
        Site load served or not: fixed + cranes + trucks. [MWh]
    emissions_kg : float
        Emissions of grid import. [kgCO2]
    quay_moves : float
        Container moves of the ship-to-shore cranes (the port's throughput in moves). [moves]
    teu_per_move : float
        TEU per container move (``vessels.teu_per_move``). [TEU/move]

    Returns
    -------
    dict
        ``cost_usd_per_mwh`` = total cost / load [USD/MWh]; ``quay_moves`` [moves];
        ``teu`` = moves x TEU per move [TEU]; ``kwh_per_teu`` = load / TEU [kWh/TEU];
        ``usd_per_move`` = total cost / moves [USD/move]; ``kg_co2_per_teu`` [kgCO2/TEU].
        NaN where the divisor is 0.
    """
    teu = quay_moves * teu_per_move

    def per(a: float, b: float) -> float:
        return a / b if b > 0 else math.nan

    return {
        "cost_usd_per_mwh": per(total_cost_usd, load_mwh),
        "quay_moves": float(quay_moves),
        "teu": float(teu),
        "kwh_per_teu": per(load_mwh * 1000.0, teu),
        "usd_per_move": per(total_cost_usd, quay_moves),
        "kg_co2_per_teu": per(emissions_kg, teu),
    }


def reefer_band_violations(dispatch: pd.DataFrame, classes: dict) -> dict:
    """Steps whose reefer temperature is outside its band, per class (``{}`` without reefer classes).

    ``classes`` maps a class name to its ``band_low_c`` and ``band_high_c`` [°C]; the
    temperature is the dispatch column ``reefer_<class>_temp_c`` (tolerance
    :data:`BAND_TOLERANCE_C`).
    """
    out = {}
    for name, band in classes.items():
        col = f"reefer_{name}_temp_c"
        if col not in dispatch.columns:
            continue
        t = dispatch[col].to_numpy(dtype=float)
        out[name] = int(((t < band["band_low_c"] - BAND_TOLERANCE_C) | (t > band["band_high_c"] + BAND_TOLERANCE_C)).sum())
    return out


def reefer_kpis(dispatch: pd.DataFrame, classes: dict) -> dict:
    """Reefer figures of a thermal-mode run: energy and band violations (``{}`` in fixed mode).

    - ``reefer_energy_mwh``: E(sum of ``reefer_<class>_kw``) / 1000, compressors + fans
    - ``reefer_flexible_energy_mwh``: E(``reefer_flex_load_kw``) / 1000, the scheduled compressors
    - ``reefer_band_violations``: steps x classes outside the band (0 for optimised classes)
    """
    if not classes:
        return {}
    dt = dispatch["dt_h"].to_numpy(dtype=float)
    total = sum(float(np.dot(dispatch_column(dispatch, f"reefer_{c}_kw"), dt)) for c in classes)
    return {
        "reefer_energy_mwh": total / 1000.0,
        "reefer_flexible_energy_mwh": float(np.dot(dispatch_column(dispatch, "reefer_flex_load_kw"), dt)) / 1000.0,
        "reefer_band_violations": int(sum(reefer_band_violations(dispatch, classes).values())),
    }


def shore_power_kpis(dispatch: pd.DataFrame, rates: BillRates, aux_engine_kg_per_kwh: float) -> dict:
    """Shore-power figures of a run (``{}`` without a ``shore_power_kw`` column).

    - ``shore_power_mwh``: E(shore power) / 1000
    - ``shore_power_max_kw``: highest shore power of a step
    - ``shore_power_at_peak_kw``: the most shore power drawn at a month's highest peak-hour
      import (its part of the generation capacity charge's demand)
    - ``shore_power_capacity_charge_usd``: the capacity charges attributed to shore power by
      its coincident demand: per month, generation rate x shore power at the peak-hour max
      import step + distribution rate x shore power at the max import step, x the month's
      share f_m. (The exact charge added is the difference of a run without shore power:
      ``benchmarks/bench_flexibility.py``.)
    - ``ship_diesel_co2_avoided_t``: E(shore) x the auxiliary engines' factor / 1000
    - ``shore_power_grid_co2_t``: sum dt x grid factor x shore power / 1000 (all of it from
      the grid, an upper bound when PV or the battery serve part of it)
    - ``shore_power_net_co2_avoided_t``: diesel avoided - grid CO2
    """
    if "shore_power_kw" not in dispatch.columns:
        return {}
    d = dispatch
    dt = d["dt_h"].to_numpy(dtype=float)
    sp = dispatch_column(d, "shore_power_kw")
    imp = dispatch_column(d, "grid_import_kw")
    peak = d["is_peak"].to_numpy().astype(bool) if "is_peak" in d.columns else np.zeros(len(d), bool)
    codes, months = months_of(d.index)
    frac = month_fractions(d.index, dt).to_numpy(dtype=float)
    at_peak, charge = 0.0, 0.0
    for mo in range(len(months)):
        sel = np.flatnonzero(codes == mo)
        k_all = sel[int(np.argmax(imp[sel]))]
        charge += rates.distribution_capacity_usd_per_kw_month * sp[k_all] * frac[mo]
        sel_peak = sel[peak[sel]]
        if len(sel_peak):
            k_peak = sel_peak[int(np.argmax(imp[sel_peak]))]
            at_peak = max(at_peak, float(sp[k_peak]))
            charge += rates.generation_capacity_usd_per_kw_month * sp[k_peak] * frac[mo]
    e_kwh = float(np.dot(sp, dt))
    grid_kg = float(np.dot(sp * dispatch_column(d, "grid_emission_kg_per_kwh"), dt))
    diesel_kg = e_kwh * float(aux_engine_kg_per_kwh)
    return {
        "shore_power_mwh": e_kwh / 1000.0,
        "shore_power_max_kw": float(sp.max()) if len(sp) else 0.0,
        "shore_power_at_peak_kw": at_peak,
        "shore_power_capacity_charge_usd": float(charge),
        "ship_diesel_co2_avoided_t": diesel_kg / 1000.0,
        "shore_power_grid_co2_t": grid_kg / 1000.0,
        "shore_power_net_co2_avoided_t": (diesel_kg - grid_kg) / 1000.0,
    }
