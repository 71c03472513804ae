"""The vessel-call CSV reader (energy.timeseries.read_vessel_calls): each rule on its edge, whole messages.

Rows are written out here; the file's line of a data row is its position + 2 (header = line 1).
"""

from __future__ import annotations

import pandas as pd
import pytest

from energy.config.schema import VesselCallsFile
from energy.errors import EnergyError
from energy.timeseries import read_vessel_calls

TZ = "America/Lima"
HEADER = "vessel,arrival,departure,moves,max_cranes"


def calls(tmp_path, *rows, header=HEADER, name="calls.csv"):
    p = tmp_path / name
    p.write_text(header + "\n" + "".join(r + "\n" for r in rows))
    return p


def test_rows_on_every_edge_are_read(tmp_path):
    # moves just above 0, exactly 1 crane, exactly the pool's cranes, departure 1 min after arrival
    p = calls(tmp_path, "A,2025-01-06 00:00,2025-01-06 00:01,0.5,1",
              "B,2025-01-06 05:00,2025-01-06 10:00,1,6")
    df = read_vessel_calls(VesselCallsFile(file=p), TZ, pool_size=6)
    assert df["vessel"].tolist() == ["A", "B"]
    assert df["arrival"].tolist() == [pd.Timestamp("2025-01-06 00:00", tz=TZ), pd.Timestamp("2025-01-06 05:00", tz=TZ)]
    assert df["departure"].iloc[0] == pd.Timestamp("2025-01-06 00:01", tz=TZ)
    assert df["moves"].tolist() == [0.5, 1.0]
    assert df["max_cranes"].tolist() == [1, 6] and df["max_cranes"].dtype.kind == "i"
    assert df["row"].tolist() == [2, 3]
    assert list(df.columns) == ["vessel", "arrival", "departure", "moves", "max_cranes", "row"]


def test_calls_without_a_name_column_are_numbered_from_one(tmp_path):
    p = calls(tmp_path, "2025-01-06 00:00,2025-01-06 04:00,10,1", "2025-01-07 00:00,2025-01-07 04:00,10,2",
              header="arrival,departure,moves,max_cranes")
    df = read_vessel_calls(VesselCallsFile(file=p, name_column=None), TZ)
    assert df["vessel"].tolist() == ["call_001", "call_002"]


def test_a_named_column_that_is_missing_is_refused(tmp_path):
    p = calls(tmp_path, "2025-01-06 00:00,2025-01-06 04:00,10,1", header="arrival,departure,moves,max_cranes")
    with pytest.raises(EnergyError, match=r"calls\.csv: column 'vessel' not found; columns are "):
        read_vessel_calls(VesselCallsFile(file=p), TZ)


def test_semicolon_files_with_day_first_dates_in_another_zone(tmp_path):
    p = calls(tmp_path, "A;06/01/2025 10:00;06/01/2025 12:00;30;2", header=HEADER.replace(",", ";"))
    spec = VesselCallsFile(file=p, delimiter=";", dayfirst=True, timezone="UTC")
    df = read_vessel_calls(spec, TZ)
    assert df["arrival"].iloc[0] == pd.Timestamp("2025-01-06 05:00", tz=TZ)  # 10:00 UTC
    assert df["departure"].iloc[0] == pd.Timestamp("2025-01-06 07:00", tz=TZ)


@pytest.mark.parametrize(("row", "message"), [
    ("A,2025-01-06 04:00,2025-01-06 04:00,10,1",
     r"calls\.csv: row 2: departure 2025-01-06T04:00:00-05:00 is not after arrival 2025-01-06T04:00:00-05:00; "
     r"expected departure > arrival$"),
    ("A,2025-01-06 00:00,2025-01-06 04:00,0,1",
     r"calls\.csv: row 2: moves is 0; expected a number of moves > 0$"),
    ("A,2025-01-06 00:00,2025-01-06 04:00,10,0.5",
     r"calls\.csv: row 2: max_cranes is 0\.5; expected a whole number >= 1$"),
    ("A,2025-01-06 00:00,2025-01-06 04:00,10,1.5",
     r"calls\.csv: row 2: max_cranes is 1\.5; expected a whole number >= 1$"),
    ("A,2025-01-06 00:00,2025-01-06 04:00,10,7",
     r"calls\.csv: row 2: max_cranes is 7; the port has only 6 ship-to-shore cranes \(cranes\.sts\.count\); "
     r"expected at most 6$"),
    ("A,2025-01-06 00:00,2025-01-06 04:00,x,1",
     r"calls\.csv: row 2: column 'moves' is 'x'; expected a number$"),
    ("A,2025-01-06 00:00,soon,10,1",
     r"calls\.csv: row 2: cannot parse timestamp 'soon' in column 'departure'; expected ISO 8601"),
])
def test_each_bad_row_is_one_line_naming_the_row(tmp_path, row, message):
    p = calls(tmp_path, "Z,2025-01-05 00:00,2025-01-05 04:00,10,1", row)
    with pytest.raises(EnergyError, match=message.replace("row 2", "row 3")):
        read_vessel_calls(VesselCallsFile(file=p), TZ, pool_size=6)


def test_repeated_names_are_refused_at_the_repeat(tmp_path):
    p = calls(tmp_path, "A,2025-01-06 00:00,2025-01-06 04:00,10,1", "A,2025-01-07 00:00,2025-01-07 04:00,10,1")
    with pytest.raises(EnergyError, match=r"calls\.csv: row 3: vessel name 'A' repeats; expected unique names$"):
        read_vessel_calls(VesselCallsFile(file=p), TZ)


def test_the_file_is_named_as_a_vessel_call_file(tmp_path):
    with pytest.raises(EnergyError, match=r"missing\.csv: vessel-call file not found$"):
        read_vessel_calls(VesselCallsFile(file=tmp_path / "missing.csv"), TZ)
    p = calls(tmp_path, "A;2025-01-06 00:00;2025-01-06 04:00;10;1", header=HEADER.replace(",", ";"))
    with pytest.raises(EnergyError, match=r"is the delimiter right\? it is ','"):
        read_vessel_calls(VesselCallsFile(file=p), TZ)
