"""Write the bundled metered-load sample: a SYNTHETIC 15-min meter export.

It is not measured data: it imitates what a Peruvian utility meter export looks
like (semicolon-delimited, decimal comma, day-first dates, local time, a header
in Spanish) so users can see the format and test the import path. The values are
the model's synthetic fixed load (base + reefers) with seeded meter noise.

Run from the project root:  python profiles/make_metered_sample.py
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from energy.config import LIMA_TEMP
from energy.loads import base_load_kw, reefer_load_kw

OUT = Path(__file__).with_name("chancay_metered_load_sample.csv")


def main() -> None:
    idx = pd.date_range("2025-01-01", "2026-01-01", freq="15min", inclusive="left", tz="America/Lima")
    rng = np.random.default_rng(15)
    hour = idx.hour + idx.minute / 60
    temp = np.asarray(LIMA_TEMP)[idx.month - 1] + 2.5 * np.sin(2 * np.pi * (hour - 9) / 24)
    base = base_load_kw(idx, constant_kw=640, daytime_extra_kw=330, daytime_start_hour=7,
                        daytime_end_hour=19, lighting_kw=380, lighting_start_hour=18, lighting_end_hour=6)
    reef = reefer_load_kw(idx, temp, plugs=960,
                          occupancy_monthly=[0.75, 0.65, 0.55, 0.55, 0.6, 0.65, 0.6, 0.55, 0.6, 0.75, 0.85, 0.85],
                          occupancy_scale=1.0, kw_per_box_at_20c=2.5, kw_per_box_per_c=0.12, max_kw_per_box=7.0)
    kw = (base + reef).to_numpy() * (1 + 0.03 * rng.standard_normal(len(idx)))
    df = pd.DataFrame({
        "Fecha y hora": idx.strftime("%d/%m/%Y %H:%M"),
        "Potencia activa (kW)": [f"{v:.1f}".replace(".", ",") for v in kw],
    })
    df.to_csv(OUT, sep=";", index=False)
    print(f"wrote {OUT} ({len(df)} rows)")


if __name__ == "__main__":
    main()
