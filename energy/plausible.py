"""Suspicious magnitudes in valid-looking data: one labelled warning each, or a refusal.

A number can be well formed and still wrong by a factor of a thousand: a meter export in
kW declared as MW, USD/MWh prices declared as USD/kWh, a decimal comma declared for a
file that writes points as thousands separators, a weather file of another place. These
functions look at data that passed the format checks and return warnings, each a line
starting with :data:`LABEL` and naming the file or key, what was found and the likely
slip. ``port-energy check`` and ``run`` print them and the report lists them with the
assumptions. What cannot physically be (a port drawing more than a national grid, an
emission factor several times coal's) is refused with :class:`~energy.errors.EnergyError`.

Pure functions on numbers and arrays: no file reading, no pvlib, no Pyomo.
"""

from __future__ import annotations

import math

import numpy as np

from energy.errors import EnergyError

__all__ = [
    "LABEL",
    "MAX_LOAD_KW",
    "MAX_EMISSION_KG_PER_KWH",
    "distance_km",
    "emission_warnings",
    "is_warning",
    "load_warnings",
    "price_warnings",
    "thousands_warning",
    "weather_site_warning",
]

LABEL = "suspicious data: "
"""Start of every warning of this module (``check`` and ``run`` print ``warning: `` before it)."""

MAX_LOAD_KW = 1e7
"""Most load a site can draw: 10 GW, more than Peru's whole grid (SEIN peak demand about
7.5 GW in 2024, COES). [kW]"""
PORT_LOAD_KW = (10.0, 1e6)
"""Plausible peak load of a port: a small terminal's 10 kW to 1 GW, over ten times the largest
ports' demand (Chancay at full capacity: 8-15 MW, DESIGN §5; estimate). [kW]"""
LOAD_TO_IMPORT = 10.0
"""A load peaking over this many times the grid import limit is suspect (estimate). [-]"""
PRICE_USD_PER_KWH = (0.001, 1.0)
"""Plausible typical (median) electricity price: 1 to 1000 USD/MWh (COES spot 20-60 USD/MWh,
regulated MT tariffs about 0.07 USD/kWh, DESIGN §5; spikes beyond are possible, medians are not;
estimate). [USD/kWh]"""
MAX_EMISSION_KG_PER_KWH = 5.0
"""Most a grid can emit: coal plants emit about 1 kgCO2/kWh (IPCC AR5 WG3 Annex III, median
0.82); five times that is no power system. [kgCO2/kWh]"""
PLAUSIBLE_EMISSION_KG_PER_KWH = (0.001, 1.5)
"""Plausible grid average emission factors: hydro/nuclear grids to all-coal ones (estimate). [kgCO2/kWh]"""
WEATHER_DISTANCE_KM = 100.0
"""A weather file's station farther than this from the site is suspect (the bundled Chancay
climate comes from Lima airport, 60 km away; estimate). [km]"""


def is_warning(note: str) -> bool:
    """A note that is one of this module's warnings."""
    return note.startswith(LABEL)


def _typical(values) -> float:
    """Median magnitude of the non-zero values (0 when all are zero)."""
    v = np.abs(np.asarray(values, dtype=float))
    v = v[np.isfinite(v) & (v > 0)]
    return float(np.median(v)) if v.size else 0.0


def load_warnings(load_kw, import_limit_kw: float, where: str) -> list[str]:
    """Warnings on a fixed load's peak; refuses a load no site can draw.

    Parameters
    ----------
    load_kw : array_like
        The fixed load at every step. [kW]
    import_limit_kw : float
        The grid import limit. [kW]
    where : str
        The file or key the load comes from.
    """
    peak = float(np.max(load_kw)) if len(load_kw) else 0.0
    if peak > MAX_LOAD_KW:
        raise EnergyError(f"{where}: the load peaks at {peak:,.0f} kW, more than any site can draw "
                          f"(over {MAX_LOAD_KW:,.0f} kW, a national grid); expected a port's load: are the "
                          "units right (kW values declared as MW?)")
    out = []
    if peak > LOAD_TO_IMPORT * import_limit_kw:
        out.append(f"{LABEL}{where}: the load peaks at {peak:,.0f} kW, {peak / import_limit_kw:,.0f} times "
                   f"grid.import_limit_kw ({import_limit_kw:,.0f} kW): are the units right (kW values "
                   "declared as MW?)")
    elif peak > PORT_LOAD_KW[1]:
        out.append(f"{LABEL}{where}: the load peaks at {peak:,.0f} kW, above a port's plausible "
                   f"{PORT_LOAD_KW[1]:,.0f} kW: are the units right (kW values declared as MW?)")
    if 0 < peak < PORT_LOAD_KW[0]:
        out.append(f"{LABEL}{where}: the load peaks at {peak:,.3g} kW, below a port's plausible "
                   f"{PORT_LOAD_KW[0]:g} kW: are the units right (MW values declared as kW?)")
    return out


def price_warnings(values_usd_per_kwh, where: str) -> list[str]:
    """Warnings on prices implausible for USD/kWh (their units, as read, converted)."""
    typical = _typical(values_usd_per_kwh)
    lo, hi = PRICE_USD_PER_KWH
    if typical > hi:
        return [f"{LABEL}{where}: prices are typically {typical:,.4g} USD/kWh ({typical * 1000:,.0f} "
                f"USD/MWh), above a plausible {hi:g} USD/kWh: are the units right (USD/MWh values "
                "declared as USD/kWh?)"]
    if 0 < typical < lo:
        return [f"{LABEL}{where}: prices are typically {typical:.3g} USD/kWh ({typical * 1000:.3g} USD/MWh), "
                f"below a plausible {lo:g} USD/kWh: are the units right (USD/kWh values declared as USD/MWh?)"]
    return []


def emission_warnings(values_kg_per_kwh, where: str) -> list[str]:
    """Warnings on emission factors; refuses one no power system can have."""
    v = np.asarray(values_kg_per_kwh, dtype=float)
    top = float(np.max(v)) if v.size else 0.0
    if top > MAX_EMISSION_KG_PER_KWH:
        raise EnergyError(f"{where}: emission factor {top:,.4g} kgCO2/kWh; expected at most "
                          f"{MAX_EMISSION_KG_PER_KWH:g} (coal emits about 1): are the units right "
                          "(g/kWh values declared as kg/kWh?)")
    typical = _typical(v)
    lo, hi = PLAUSIBLE_EMISSION_KG_PER_KWH
    if typical > hi:
        return [f"{LABEL}{where}: emission factors are typically {typical:.3g} kgCO2/kWh, above an "
                f"all-coal grid's {hi:g}: are the units right?"]
    if 0 < typical < lo:
        return [f"{LABEL}{where}: emission factors are typically {typical:.3g} kgCO2/kWh, below a "
                f"plausible {lo:g}: are the units right (kg/kWh values declared as g/kWh?)"]
    return []


def thousands_warning(cells, where: str) -> list[str]:
    """With ``decimal = ","``: no cell has a comma but some have a dot before three digits.

    ``1.234`` is then read as 1234 (thousands separator); a file writing decimal points
    (1.234 = one point two) is misread a thousandfold.
    """
    s = [str(c).strip() for c in cells]
    if any("," in c for c in s):
        return []
    dotted = [c for c in s if "." in c]
    if not dotted:
        return []
    return [f"{LABEL}{where}: decimal = ',' but no value has a comma and {len(dotted):,} have a dot "
            f"(e.g. {dotted[0]!r:.20}, read as {dotted[0].replace('.', '')}): if the dots are decimal "
            "points, set decimal = '.'"]


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance on a sphere of radius 6371 km. [km]"""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(a)))


def weather_site_warning(file_lat: float, file_lon: float, site_lat: float, site_lon: float,
                         where: str) -> list[str]:
    """A weather file whose header location is far from the site."""
    if not (math.isfinite(file_lat) and math.isfinite(file_lon)):
        return []
    d = distance_km(file_lat, file_lon, site_lat, site_lon)
    if d <= WEATHER_DISTANCE_KM:
        return []
    return [f"{LABEL}{where}: the file's location ({file_lat:.3f}, {file_lon:.3f}) is {d:,.0f} km from "
            f"the site ({site_lat:.3f}, {site_lon:.3f}); expected weather of the site (within "
            f"{WEATHER_DISTANCE_KM:g} km)"]
