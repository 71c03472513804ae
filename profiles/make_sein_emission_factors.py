"""Write ``profiles/sein_emission_factors.csv``: the bundled SEIN emission factors.

The table is :func:`energy.emission_factors.sein_profile` (sources and estimates are
in that module's docstring), with a ``#`` comment header naming them. The model uses
the same numbers from the module, so an installed package needs no file; this CSV is
there to read, plot, or copy and edit (``emissions.factor = "path/to/copy.csv"`` with
``emissions.factor_column``). ``tests/test_emission_factors.py`` checks the two agree.

Run from the project root:  python profiles/make_sein_emission_factors.py
"""

from __future__ import annotations

from pathlib import Path

from energy.emission_factors import sein_profile

OUT = Path(__file__).with_name("sein_emission_factors.csv")

HEADER = """\
# SEIN (Peru) grid emission factors by month (1-12) and local hour (0-23, America/Lima) [kgCO2/kWh]
# Made by profiles/make_sein_emission_factors.py from energy/emission_factors.py (full sources there).
# average_*: generation-weighted mix of the hour; marginal_*: the unit that follows a change in load.
# *_kg_per_kwh: life-cycle (IPCC AR5 medians as used by Electricity Maps: gas 490, hydro 24 g/kWh);
# *_combustion_*: stack CO2 only (IPCC 2006 vol. 2 table 2.2: gas 56.1, diesel 74.1, residual 77.4 tCO2/TJ;
#   efficiencies estimate: combined cycle 55 %, open cycle and oil 35 %).
# Season: MINEM monthly generation (hydro 62.8 % Feb 2023, 67.7 % Jan 2020, 40.9 % Aug 2022, 41.9 % Aug 2017);
# hydro shares shifted +0.10 so the yearly average life-cycle factor is 0.186 (Electricity Maps, SEIN 2024).
# Daily load shape, open-cycle threshold, oil in peak hours 18-23, marginal-unit mix: estimates.
"""


def main() -> None:
    table = sein_profile()
    with OUT.open("w", encoding="utf-8", newline="\n") as f:
        f.write(HEADER)
        table.to_csv(f, index=False, lineterminator="\n")
    print(f"wrote {OUT} ({len(table)} rows)")


if __name__ == "__main__":
    main()
