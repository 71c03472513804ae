"""The content-hashed input cache (issue 14): reused only when nothing that made the inputs changed."""

from __future__ import annotations

import pandas as pd

from energy.config import load_config
from energy.inputcache import CACHE_FOLDER, cache_key
from energy.runner import run

PRICES = """
[tariff]
import_price_file = { file = "prices.csv", units = "USD/kWh" }
"""


def _price_file(folder, value):
    idx = pd.date_range("2025-01-06", "2025-01-13", freq="1h", tz="America/Lima", inclusive="left")
    pd.DataFrame({"timestamp": idx.strftime("%Y-%m-%dT%H:%M:%S%z"), "value": value}).to_csv(
        folder / "prices.csv", index=False)


def test_second_run_reads_the_cache_and_gives_the_same_result(small_model, tmp_path):
    out = tmp_path / "r"
    first = run(small_model, out=out, plots=False, economics=False)
    entries = list((out / CACHE_FOLDER).glob("inputs-*.pickle"))
    assert len(entries) == 1 and not first.kpis["inputs_cached"]
    second = run(small_model, out=out, plots=False, overwrite=True, economics=False)
    assert second.kpis["inputs_cached"]
    assert second.kpis["total_cost_usd"] == first.kpis["total_cost_usd"]
    pd.testing.assert_frame_equal(second.dispatch, first.dispatch)
    # With the appraisal, the business-as-usual model's inputs (no new PV) are cached too.
    third = run(small_model, out=out, plots=False, overwrite=True)
    assert len(list((out / CACHE_FOLDER).glob("inputs-*.pickle"))) == 2
    assert third.kpis["total_cost_usd"] == first.kpis["total_cost_usd"]


def test_key_follows_the_model_and_the_bytes_of_its_files(small_model):
    (small_model.parent / "small.toml").write_text(small_model.read_text() + PRICES)
    _price_file(small_model.parent, 0.10)
    key = cache_key(load_config(small_model))
    assert cache_key(load_config(small_model)) == key  # stable
    _price_file(small_model.parent, 0.11)  # same file name, new contents
    assert cache_key(load_config(small_model)) != key
    _price_file(small_model.parent, 0.10)
    assert cache_key(load_config(small_model)) == key
    longer = load_config(small_model, overrides={"horizon": {"end": "2025-01-12"}})
    assert cache_key(longer) != key


def test_no_cache_and_write_false_leave_no_cache(small_model, tmp_path):
    out = tmp_path / "r"
    run(small_model, out=out, plots=False, cache_inputs=False)
    assert not (out / CACHE_FOLDER).exists()
    run(small_model, out=out, plots=False, write=False)
    assert not (out / CACHE_FOLDER).exists()


def test_a_damaged_entry_is_rebuilt(small_model, tmp_path):
    out = tmp_path / "r"
    first = run(small_model, out=out, plots=False, economics=False)
    (entry,) = (out / CACHE_FOLDER).glob("inputs-*.pickle")
    entry.write_bytes(b"not a pickle")
    again = run(small_model, out=out, plots=False, overwrite=True, economics=False)
    assert not again.kpis["inputs_cached"]
    assert again.kpis["total_cost_usd"] == first.kpis["total_cost_usd"]
    assert run(small_model, out=out, plots=False, overwrite=True, economics=False).kpis["inputs_cached"]
