"""The column dictionary of ``dispatch.csv``: unit and meaning of every column.

A run folder carries ``dispatch_columns.csv`` (:func:`column_dictionary`) beside its
``dispatch.csv``: one row per column of the dispatch, in the same order, with its
unit and what it means. Timestamps label the START of their interval; powers are
averages over the interval; the battery's state of charge is the energy stored at
the END of the interval.
"""

from __future__ import annotations

import re

import pandas as pd

__all__ = ["DISPATCH_COLUMNS", "column_dictionary"]

#: ``(regular expression of the name, unit, meaning)``; the first match wins.
DISPATCH_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("timestamp", "ISO 8601 with UTC offset",
     "start of the interval (site-local time); the row covers [timestamp, timestamp + dt_h)"),
    ("dt_h", "h", "length of the interval"),
    ("fixed_load_kw", "kW", "inflexible load (base + reefers, or the metered series); mean over the interval"),
    ("crane_load_kw", "kW", "crane power of all pools; mean over the interval"),
    ("truck_load_kw", "kW", "truck charging power; mean over the interval"),
    ("site_load_kw", "kW", "total site load = fixed_load_kw + crane_load_kw + truck_load_kw (+ reefer_flex_load_kw)"),
    ("pv_available_kw", "kW", "PV power available (all arrays) before curtailment"),
    ("pv_kw", "kW", "PV power used (all arrays)"),
    ("pv_curtailed_kw", "kW", "PV power curtailed = pv_available_kw - pv_kw"),
    (r"pv_(.+)_available_kw", "kW", "PV array '{0}': power available"),
    (r"pv_(.+)_used_kw", "kW", "PV array '{0}': power used (the interval's curtailment shared pro rata)"),
    ("wind_available_kw", "kW", "wind power available before curtailment"),
    ("wind_kw", "kW", "wind power used"),
    ("wind_curtailed_kw", "kW", "wind power curtailed"),
    ("battery_charge_kw", "kW", "battery charging power (AC side)"),
    ("battery_discharge_kw", "kW", "battery discharging power (AC side)"),
    ("battery_soc_kwh", "kWh", "energy stored at the END of the interval"),
    ("grid_import_kw", "kW", "grid import"),
    ("grid_export_kw", "kW", "grid export"),
    ("unserved_kw", "kW", "load not served (priced at the value of lost load)"),
    ("import_price_usd_per_kwh", "USD/kWh", "grid energy price of import"),
    ("export_price_usd_per_kwh", "USD/kWh", "price paid for export"),
    ("grid_emission_kg_per_kwh", "kgCO2/kWh", "emission factor of grid import"),
    ("grid_emission_average_kg_per_kwh", "kgCO2/kWh", "average emission factor of the grid (reported beside the decision factor)"),
    ("grid_emission_marginal_kg_per_kwh", "kgCO2/kWh", "marginal emission factor of the grid (reported beside the decision factor)"),
    ("reefer_flex_load_kw", "kW", "compressor power of the optimised reefer classes (scheduled load)"),
    (r"reefer_(.+)_temp_c", "°C", "reefer class '{0}': temperature at the END of the interval"),
    (r"reefer_(.+)_boxes", "boxes", "reefer class '{0}': boxes plugged in during the interval"),
    (r"reefer_(.+)_kw", "kW", "reefer class '{0}': electric power, compressors + fans"),
    ("shore_power_kw", "kW", "shore power to vessels at berth (part of fixed_load_kw)"),
    (r"shore_power_c(\d+)_kw", "kW", "shore power of connection {0} (part of fixed_load_kw)"),
    ("is_peak", "0/1", "1 in peak hours (horas punta), when the generation capacity charge applies"),
    (r"cranes_(.+)_working", "cranes", "cranes of pool '{0}' working (whole cranes)"),
    (r"crane_moves_(.+)", "moves", "container moves made by pool '{0}' in the interval"),
    (r"crane_load_(.+)_kw", "kW", "crane power of pool '{0}'"),
    ("energy_cost_usd", "USD", "energy cost of the interval: import cost - export revenue"),
    ("capacity_charge_usd", "USD",
     "the month's capacity charges, booked on the interval that set each (its peak-hour and its overall "
     "maximum import); 0 elsewhere"),
    ("cost_usd", "USD",
     "whole bill of the interval: energy, capacity charges, battery wear, carbon and unserved load; "
     "sums to total_cost_usd of summary.json"),
    ("emissions_kg", "kgCO2", "emissions of the interval's grid import"),
)


def column_dictionary(columns) -> pd.DataFrame:
    """Unit and meaning of each dispatch column, in the order given.

    Parameters
    ----------
    columns : iterable of str
        Column names of ``dispatch.csv`` (``timestamp`` first).

    Returns
    -------
    pandas.DataFrame
        ``column``, ``unit``, ``meaning``; a column no rule knows gets an empty unit
        and ``"(not described)"``.

    Examples
    --------
    >>> column_dictionary(["battery_soc_kwh"]).loc[0, "meaning"]
    'energy stored at the END of the interval'
    """
    rows = []
    for col in columns:
        for pattern, unit, meaning in DISPATCH_COLUMNS:
            m = re.fullmatch(pattern, col)
            if m:
                rows.append((col, unit, meaning.format(*m.groups())))
                break
        else:
            rows.append((col, "", "(not described)"))
    return pd.DataFrame(rows, columns=["column", "unit", "meaning"])
