"""Hourly grid emission factors of Peru's SEIN: average and marginal, by month and hour.

A small, documented model of the SEIN generation mix, built from public facts (each
number below names its source or says "estimate"):

1. **Season** (MINEM, *Principales indicadores del sector eléctrico*, as reported by the
   press): hydro made 62.8 % of national generation in February 2023 (3,037 of 4,836
   GWh; gas 1,538 GWh, non-conventional renewables 201 GWh; energiminas.com 2023-04-17)
   and 67.7 % in January 2020 (3,357 of 4,956 GWh; petroguia.com), but 40.9 % in August
   2022 (2,042 of 4,995 GWh; gas 2,505 GWh, renewables 297 GWh; andina.pe 2022) and
   41.9 % in August 2017 (1,860 of 4,439 GWh; gestion.pe). So the wet season
   (December-May) runs on hydro and the dry season (June-November) on Camisea gas.
   :data:`HYDRO_SHARE_MONTHLY` interpolates these points (estimate between them).
2. **Thermal fleet**: 96 % of thermal generation burns natural gas (2013, PCR sector
   report); diesel, residual oil and coal units are mostly cold reserve (PCR 2021),
   running in dry-season evening peaks: 3.0 % of generation in August 2022 besides
   hydro, gas and renewables (andina.pe figures above), 1.2 % in February 2023.
3. **Day**: SEIN demand peaks in the evening (maximum demand of August 2017 at 19:00,
   gestion.pe); :data:`DEMAND_SHAPE` is an estimate of the daily load curve relative
   to its daily mean.
4. **Plant factors**, combustion only: IPCC 2006 Guidelines vol. 2 ch. 2 table 2.2
   default CO2 factors (natural gas 56,100, gas/diesel oil 74,100, residual fuel oil
   77,400 kgCO2/TJ) divided by estimated net efficiencies: combined cycle 55 %, open
   cycle 35 %, diesel/residual engines and turbines 35 % -> 0.367, 0.577 and 0.77
   kgCO2/kWh. Life-cycle factors: IPCC AR5 (2014) medians as used by Electricity Maps
   (gas 490, hydro 24, solar 45, wind 11, biomass 230, oil 650 gCO2eq/kWh); the open
   cycle scales gas's 490 by its heat rate (estimate), oil takes the combustion figure
   plus 10 % upstream (estimate; Electricity Maps' 650 is for efficient oil plants).
5. **Marginal unit** (:data:`MARGINAL_MIX`, estimate): in the wet season the combined
   cycles set the margin off-peak (hydro in the spilling hours), combined and open
   cycles at the evening peak; in the dry season open cycles join off-peak and
   diesel/residual units at the peak.
6. **Calibration**: the hydro shares are shifted by one constant so that the
   generation-weighted yearly average life-cycle factor equals 0.186 kgCO2/kWh, the
   SEIN 2024 figure of Electricity Maps (the model file's former constant; 0.219 in
   the dry year 2023). The shift is +0.10: the cited months come from drier years
   (2017, 2022, 2023), and without it the profile averages 0.234.

The result (:func:`sein_profile`): yearly averages of about 0.186 (life-cycle) and 0.14
(combustion) kgCO2/kWh for the average factor, 0.53 (life-cycle) and 0.40 (combustion)
for the marginal one; a CDM combined margin for SEIN of the order of 0.6-0.7 tCO2/MWh
sits between them (it weights the operating margin with recently built plants).

No Pyomo and no file I/O here: :func:`factors_on` maps the table onto a model index,
``profiles/make_sein_emission_factors.py`` writes it as ``profiles/sein_emission_factors.csv``,
and :func:`read_profile` reads a table in that format.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from energy.errors import EnergyError
from energy.timegrid import local_hour

__all__ = [
    "DEMAND_SHAPE",
    "FACTOR_COLUMNS",
    "FACTOR_NAMES",
    "HYDRO_SHARE_MONTHLY",
    "MARGINAL_MIX",
    "PLANT_FACTORS",
    "factors_on",
    "read_profile",
    "sein_profile",
]

#: Factor names a model file may select (``emissions.factor``) and their table columns.
FACTOR_NAMES = ("average", "marginal", "average_combustion", "marginal_combustion")
FACTOR_COLUMNS = {name: f"{name}_kg_per_kwh" for name in FACTOR_NAMES}

#: Hydro share of SEIN generation by month, Jan..Dec [-]: estimate interpolated between
#: MINEM's 0.677 (Jan 2020), 0.628 (Feb 2023), 0.409 (Aug 2022) and 0.419 (Aug 2017),
#: before the calibration shift of the module docstring (item 6).
HYDRO_SHARE_MONTHLY = (0.66, 0.64, 0.63, 0.60, 0.53, 0.47, 0.44, 0.41, 0.41, 0.43, 0.47, 0.57)

#: Diesel/residual/coal share of generation by month [-] (3.0 % Aug 2022, 1.2 % Feb 2023,
#: MINEM; the other months an estimate), dispatched in the peak hours 18-23 only.
OIL_SHARE_MONTHLY = (0.010, 0.012, 0.012, 0.012, 0.015, 0.022, 0.028, 0.030, 0.030, 0.025, 0.020, 0.012)

#: Non-conventional renewables' share of generation [-]: 4.2 % (Feb 2023) to 5.9 %
#: (Aug 2022), MINEM; split (estimate) into wind 2.5 %, biomass/biogas 0.7 %, solar the rest.
RENEWABLE_SHARE = {"wind": 0.025, "biomass": 0.007, "solar": 0.018}

#: SEIN load by local hour 0..23 relative to the daily mean [-] (estimate; evening
#: maximum at 19:00 as in COES's daily records).
DEMAND_SHAPE = np.array([
    0.90, 0.87, 0.85, 0.84, 0.84, 0.86, 0.90, 0.95, 0.99, 1.02, 1.04, 1.05,
    1.04, 1.04, 1.04, 1.03, 1.02, 1.05, 1.13, 1.15, 1.13, 1.08, 1.01, 0.96,
])

#: Emission factors per kWh generated [kgCO2/kWh]: (combustion, life-cycle); see item 4.
PLANT_FACTORS = {
    "hydro": (0.0, 0.024),
    "wind": (0.0, 0.011),
    "solar": (0.0, 0.045),
    "biomass": (0.0, 0.230),
    "gas_cc": (56_100 / 277_778 / 0.55, 0.490),
    "gas_oc": (56_100 / 277_778 / 0.35, 0.490 * 0.55 / 0.35),
    "oil": (75_750 / 277_778 / 0.35, 1.10 * 75_750 / 277_778 / 0.35),
}

#: Share of the gas fleet's output above which open cycles run, of the month's mean gas
#: output [-] (estimate: combined cycles carry the base, open cycles the swing).
OPEN_CYCLE_ABOVE = 1.10

#: The marginal unit's technology mix by (season, block) (estimate, item 5).
MARGINAL_MIX = {
    ("wet", "offpeak"): {"gas_cc": 0.85, "hydro": 0.15},
    ("wet", "peak"): {"gas_cc": 0.60, "gas_oc": 0.40},
    ("dry", "offpeak"): {"gas_cc": 0.70, "gas_oc": 0.30},
    ("dry", "peak"): {"gas_cc": 0.20, "gas_oc": 0.50, "oil": 0.30},
}

#: Wet season months (December-May).
WET_MONTHS = (12, 1, 2, 3, 4, 5)
#: The SEIN's peak block (horas punta), local hours [18, 23).
PEAK_HOURS = range(18, 23)
#: Yearly generation-weighted average life-cycle factor the profile is calibrated to
#: (Electricity Maps, SEIN 2024). [kgCO2/kWh]
CALIBRATION_AVERAGE_LIFECYCLE = 0.186


def _solar_shape() -> np.ndarray:
    """PV output by local hour, relative to its daily mean (clear-sky bell 6-18 h)."""
    h = np.arange(24) + 0.5
    s = np.clip(np.sin(np.pi * (h - 6.0) / 12.0), 0.0, None)
    return s / s.mean()


def _mix(month: int, hydro_shift: float) -> dict[str, np.ndarray]:
    """Generation by technology for the 24 hours of a month, as shares of mean demand."""
    m = month - 1
    demand = DEMAND_SHAPE / DEMAND_SHAPE.mean()
    hydro = (HYDRO_SHARE_MONTHLY[m] + hydro_shift) * (0.7 + 0.3 * demand)
    oil = np.zeros(24)
    oil[list(PEAK_HOURS)] = OIL_SHARE_MONTHLY[m] * 24 / len(PEAK_HOURS)
    out = {
        "hydro": hydro,
        "wind": np.full(24, RENEWABLE_SHARE["wind"]),
        "biomass": np.full(24, RENEWABLE_SHARE["biomass"]),
        "solar": RENEWABLE_SHARE["solar"] * _solar_shape(),
        "oil": oil,
    }
    gas = np.clip(demand - sum(out.values()), 0.0, None)
    cc_cap = OPEN_CYCLE_ABOVE * gas.mean()
    out["gas_cc"] = np.minimum(gas, cc_cap)
    out["gas_oc"] = gas - out["gas_cc"]
    return out


def _average(mix: dict[str, np.ndarray], basis: int) -> np.ndarray:
    total = sum(mix.values())
    return sum(v * PLANT_FACTORS[k][basis] for k, v in mix.items()) / total


def _marginal(month: int, basis: int) -> np.ndarray:
    season = "wet" if month in WET_MONTHS else "dry"
    out = np.zeros(24)
    for h in range(24):
        block = "peak" if h in PEAK_HOURS else "offpeak"
        mix = MARGINAL_MIX[(season, block)]
        out[h] = sum(share * PLANT_FACTORS[k][basis] for k, share in mix.items())
    return out


def _yearly_average_lifecycle(hydro_shift: float) -> float:
    emitted = generated = 0.0
    for month in range(1, 13):
        mix = _mix(month, hydro_shift)
        total = sum(mix.values())
        emitted += float((_average(mix, 1) * total).sum())
        generated += float(total.sum())
    return emitted / generated


def _calibration_shift() -> float:
    """The hydro-share shift that makes the yearly average life-cycle factor 0.186 (bisection)."""
    lo, hi = -0.3, 0.3
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        if _yearly_average_lifecycle(mid) > CALIBRATION_AVERAGE_LIFECYCLE:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def sein_profile() -> pd.DataFrame:
    """The bundled SEIN emission factors (a fresh copy of :func:`_sein_table`)."""
    return _sein_table().copy()


@lru_cache(maxsize=1)
def _sein_table() -> pd.DataFrame:
    """The bundled SEIN emission factors: one row per (month, local hour).

    Returns
    -------
    pandas.DataFrame
        Columns ``month`` (1-12), ``hour`` (0-23), ``average_kg_per_kwh``,
        ``marginal_kg_per_kwh`` (life-cycle), ``average_combustion_kg_per_kwh``,
        ``marginal_combustion_kg_per_kwh`` [kgCO2/kWh] and ``hydro_share`` [-]; 288 rows.
    """
    shift = _calibration_shift()
    rows = []
    for month in range(1, 13):
        mix = _mix(month, shift)
        avg = (_average(mix, 1), _average(mix, 0))
        marg = (_marginal(month, 1), _marginal(month, 0))
        hydro = mix["hydro"] / sum(mix.values())
        for h in range(24):
            rows.append((month, h, avg[0][h], marg[0][h], avg[1][h], marg[1][h], hydro[h]))
    cols = ["month", "hour", *FACTOR_COLUMNS.values(), "hydro_share"]
    df = pd.DataFrame(rows, columns=cols)
    return df.round({c: 4 for c in cols[2:]})


def read_profile(path: Path) -> pd.DataFrame:
    """Read a month x hour emission factor table (the bundled CSV's format; ``#`` starts a comment).

    Raises
    ------
    EnergyError
        A missing file or column, a (month, hour) missing or repeated, a factor that
        is not a number >= 0; one line naming the file and what was expected.
    """
    path = Path(path)
    if not path.is_file():
        raise EnergyError(f"{path}: emission factor table not found; expected a CSV with columns "
                          "month, hour and the factor columns")
    try:
        df = pd.read_csv(path, comment="#")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise EnergyError(f"{path}: not a readable CSV ({exc}); expected month, hour and factor columns") from None
    missing = [c for c in ("month", "hour") if c not in df.columns]
    if missing:
        raise EnergyError(f"{path}: missing column(s) {', '.join(missing)}; expected month (1-12) and hour (0-23)")
    key = pd.MultiIndex.from_arrays([pd.to_numeric(df["month"], errors="coerce"),
                                     pd.to_numeric(df["hour"], errors="coerce")])
    want = pd.MultiIndex.from_product([range(1, 13), range(24)])
    if key.has_duplicates or not want.isin(key).all() or len(key) != len(want):
        raise EnergyError(f"{path}: expected exactly one row per month 1-12 and hour 0-23 "
                          f"(288 rows), found {len(df)} rows")
    for col in df.columns.drop(["month", "hour"]):
        v = pd.to_numeric(df[col], errors="coerce")
        bad = v.isna() | (v < 0)
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0])
            raise EnergyError(f"{path}: column '{col}', data row {row + 1}: expected a factor >= 0 "
                              f"[kgCO2/kWh], found {df[col].iloc[row]!r}")
        df[col] = v.astype(float)
    df["month"], df["hour"] = key.get_level_values(0).astype(int), key.get_level_values(1).astype(int)
    return df


def factors_on(index: pd.DatetimeIndex, table: pd.DataFrame, column: str) -> np.ndarray:
    """A month x hour factor on a model index: each step takes its local month and hour. [kgCO2/kWh]

    Raises
    ------
    EnergyError
        ``column`` is not in the table (names the columns it has).
    """
    if column not in table.columns:
        have = [c for c in table.columns if c not in ("month", "hour")]
        raise EnergyError(f"emission factor table: no column '{column}'; found {', '.join(have)}")
    lut = np.zeros((13, 24))
    lut[table["month"].to_numpy(int), table["hour"].to_numpy(int)] = table[column].to_numpy(float)
    hour = np.floor(local_hour(index)).astype(int) % 24
    return lut[index.month.to_numpy(), hour]
