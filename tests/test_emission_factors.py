"""SEIN hourly emission factors: the bundled table, its selection in a model file, reports of both."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from energy import emission_factors as ef
from energy.build import build_profiles
from energy.config import load_config
from energy.errors import EnergyError
from tests.conftest import ROOT, SMALL_MODEL

CSV = ROOT / "profiles" / "sein_emission_factors.csv"


def test_bundled_csv_is_the_module_table():
    got = ef.read_profile(CSV)
    want = ef.sein_profile()
    pd.testing.assert_frame_equal(got[want.columns], want, check_dtype=False, atol=1e-9)


def test_table_shape_and_season_and_hour_order():
    t = ef.sein_profile()
    assert len(t) == 288 and t[["month", "hour"]].drop_duplicates().shape[0] == 288
    wet = t[t.month.isin(ef.WET_MONTHS)]
    dry = t[~t.month.isin(ef.WET_MONTHS)]
    for col in ef.FACTOR_COLUMNS.values():
        assert (t[col] > 0).all()
        assert dry[col].mean() > wet[col].mean()        # dry season burns more gas
        peak = t.hour.isin(ef.PEAK_HOURS)
        assert t.loc[peak, col].mean() > t.loc[~peak, col].mean()
    # the marginal unit is thermal: never below the hour's average; life-cycle >= combustion
    assert (t.marginal_kg_per_kwh >= t.average_kg_per_kwh).all()
    assert (t.average_kg_per_kwh >= t.average_combustion_kg_per_kwh).all()
    # hydro share follows MINEM's seasons: wet months above dry months
    assert wet.hydro_share.mean() > dry.hydro_share.mean() + 0.1


def test_calibrated_yearly_average_is_the_cited_figure():
    """Generation-weighted over the year, recomputed here from the mix (item 6 of the module)."""
    shift = ef._calibration_shift()
    num = den = 0.0
    for month in range(1, 13):
        mix = ef._mix(month, shift)
        gen = sum(mix.values())
        num += sum(float((v * ef.PLANT_FACTORS[k][1]).sum()) for k, v in mix.items())
        den += float(gen.sum())
    assert num / den == pytest.approx(ef.CALIBRATION_AVERAGE_LIFECYCLE, abs=1e-6)


def test_factors_on_maps_local_month_and_hour_also_at_15_min():
    t = ef.sein_profile()
    idx = pd.date_range("2025-08-01 18:00", periods=8, freq="15min", tz="America/Lima")
    got = ef.factors_on(idx, t, "marginal_kg_per_kwh")
    row18 = t[(t.month == 8) & (t.hour == 18)].marginal_kg_per_kwh.item()
    row19 = t[(t.month == 8) & (t.hour == 19)].marginal_kg_per_kwh.item()
    np.testing.assert_allclose(got, [row18] * 4 + [row19] * 4)


def _cfg(tmp_path, emissions: str):
    p = tmp_path / "m.toml"
    p.write_text(SMALL_MODEL + "\n[emissions]\n" + emissions)
    return load_config(p)


@pytest.mark.parametrize("name", ["average", "marginal", "average_combustion"])
def test_factor_selects_the_decision_column_and_both_are_reported(tmp_path, name):
    s = build_profiles(_cfg(tmp_path, f'factor = "{name}"\n')).series
    t = ef.sein_profile()
    np.testing.assert_allclose(s["grid_emission_kg_per_kwh"], ef.factors_on(s.index, t, ef.FACTOR_COLUMNS[name]))
    np.testing.assert_allclose(s["grid_emission_average_kg_per_kwh"], ef.factors_on(s.index, t, "average_kg_per_kwh"))
    np.testing.assert_allclose(s["grid_emission_marginal_kg_per_kwh"],
                               ef.factors_on(s.index, t, "marginal_kg_per_kwh"))


def test_factor_path_and_column(tmp_path):
    t = ef.sein_profile()[["month", "hour"]].assign(mine_kg_per_kwh=0.3, average_kg_per_kwh=0.1)
    t.to_csv(tmp_path / "f.csv", index=False)
    s = build_profiles(_cfg(tmp_path, 'factor = "f.csv"\nfactor_column = "mine_kg_per_kwh"\n')).series
    assert (s["grid_emission_kg_per_kwh"] == 0.3).all()
    assert (s["grid_emission_average_kg_per_kwh"] == 0.1).all()        # the user's average column
    assert s["grid_emission_marginal_kg_per_kwh"].max() > 0.4           # bundled SEIN marginal
    with pytest.raises(EnergyError, match=r"f.csv: emissions.factor_column: .*no column 'nope'"):
        build_profiles(_cfg(tmp_path, 'factor = "f.csv"\nfactor_column = "nope"\n'))


def test_constant_factor_still_works(tmp_path):
    s = build_profiles(_cfg(tmp_path, "grid_emission_kg_per_kwh = 0.25\n")).series
    assert (s["grid_emission_kg_per_kwh"] == 0.25).all()


@pytest.mark.parametrize("text, match", [
    ('factor = "marginal"\ngrid_emission_kg_per_kwh = 0.2\n',
     r"emissions: expected either factor or grid_emission_kg_per_kwh, not both"),
    ('factor = "margin"\n', r"emissions.factor: expected one of average, marginal, .* found 'margin'"),
])
def test_bad_factor_settings_are_one_line(tmp_path, text, match):
    with pytest.raises(EnergyError, match=match):
        _cfg(tmp_path, text)


def test_bad_table_names_file_and_row(tmp_path):
    t = ef.sein_profile()
    t.loc[5, "average_kg_per_kwh"] = -1
    t.to_csv(tmp_path / "bad.csv", index=False)
    with pytest.raises(EnergyError, match=r"bad.csv: column 'average_kg_per_kwh', data row 6: expected a factor >= 0"):
        ef.read_profile(tmp_path / "bad.csv")
    t.iloc[:100].to_csv(tmp_path / "short.csv", index=False)
    with pytest.raises(EnergyError, match=r"short.csv: expected exactly one row per month 1-12 and hour 0-23"):
        ef.read_profile(tmp_path / "short.csv")


def test_emissions_by_month_in_summary_and_report(tmp_path):
    import json

    from energy.runner import run

    p = tmp_path / "m.toml"
    p.write_text(SMALL_MODEL.replace("start = 2025-01-06", "start = 2025-01-31")
                 .replace("end = 2025-01-13", "end = 2025-02-02"))
    rr = run(p, out=tmp_path / "r")
    summary = json.loads((rr.folder / "summary.json").read_text())
    months = summary["emissions_by_month_tco2"]
    assert list(months) == ["2025-01", "2025-02"]
    for key in ("emissions_tco2", "emissions_average_tco2", "emissions_marginal_tco2"):
        assert sum(m[key] for m in months.values()) == pytest.approx(summary["kpis"][key], rel=1e-9)
    html = (rr.folder / "report.html").read_text()
    for text in ("emissions [tCO2]", "emissions, average [tCO2]", "emissions, marginal [tCO2]",
                 "Emissions, SEIN marginal factor"):
        assert text in html
