"""ACLED export: expected values come from the codebook facts in ../shared/reference/acled.md."""

from __future__ import annotations

import csv
import io

import pytest

from kzevents.dataset.load import load_dataset
from kzevents.errors import UsageError
from kzevents.formats.acled.export import interaction_code, split_evenly
from kzevents.formats.check import validate_table
from kzevents.outputs.writer import render, to_acled
from kzevents.validation.reference import reference_problems

# acled.md §1.1, the current header
ACLED_HEADER = (
    "event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1,assoc_actor_1,"
    "inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,iso,region,country,admin1,admin2,admin3,"
    "location,latitude,longitude,geo_precision,source,source_scale,notes,fatalities,tags,timestamp"
).split(",")


def rows_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize(
    ("inter1", "inter2", "code"),
    # acled.md §4: KAZ2811 5/1 -> 15, MEX17987 3/1 -> 13, one-sided 10*inter1
    [(5, 1, 15), (3, 1, 13), (1, 3, 13), (2, None, 20), (7, 8, 78), (1, 1, 11)],
)
def test_interaction_code(inter1: int, inter2: int | None, code: int) -> None:
    assert interaction_code(inter1, inter2) == code


def test_split_evenly_puts_the_remainder_first() -> None:
    assert split_evenly(10, 3) == [4, 3, 3]  # acled.md §10 (YEM52349...)
    assert split_evenly(7, 1) == [7]
    assert split_evenly(2, 3) == [2, 0, 0]


def test_header_and_kazakhstan_constants(mini: dict[str, str]) -> None:
    text, _, _ = render(load_dataset(mini), "acled")
    assert text.splitlines()[0].split(",") == ACLED_HEADER
    (row,) = rows_of(text)
    assert (row["iso"], row["region"], row["country"]) == ("398", "Caucasus and Central Asia", "Kazakhstan")
    assert row["admin1"] == "Aqtobe"  # ACLED's spelling (acled.md §9), not "Aktobe"
    assert row["latitude"] == "50.2797" and row["longitude"] == "57.2072"
    assert row["event_id_cnty"].startswith("KZE") and not row["event_id_cnty"].startswith("KAZ")
    assert row["notes"].startswith("On 17 May 2011, ")
    # suicide bomb: Explosions/Remote violence / Suicide bomb, Political violence (acled.md §2, §11)
    assert (row["disorder_type"], row["event_type"], row["sub_event_type"]) == (
        "Political violence",
        "Explosions/Remote violence",
        "Suicide bomb",
    )
    assert row["inter1"] == "Rebel group" and row["inter2"] == "State forces"
    assert row["interaction"] == "State forces-Rebel group"


def test_numeric_actor_types(mini: dict[str, str]) -> None:
    text, _, _ = render(load_dataset(mini), "acled", actor_types="numeric")
    (row,) = rows_of(text)
    assert (row["inter1"], row["inter2"], row["interaction"]) == ("2", "1", "12")
    with pytest.raises(UsageError):
        to_acled(load_dataset(mini), io.BytesIO(), actor_types="words")


def test_multi_day_incident_becomes_one_event_per_day(mini: dict[str, str]) -> None:
    inc = mini["incidents/KZE-0001.toml"]
    inc = inc.replace("end = 2011-05-17", "end = 2011-05-19").replace(
        "low = 1\nbest = 1\nhigh = 1\nperpetrators = 1", "low = 10\nbest = 10\nhigh = 10\nperpetrators = 10"
    )
    mini["incidents/KZE-0001.toml"] = inc
    text, _, _ = render(load_dataset(mini), "acled")
    rows = rows_of(text)
    assert [r["event_date"] for r in rows] == ["2011-05-17", "2011-05-18", "2011-05-19"]
    assert [r["fatalities"] for r in rows] == ["4", "3", "3"]
    assert len({r["event_id_cnty"] for r in rows}) == 3
    assert "split over 3 days" in rows[0]["notes"]


def test_disputed_fatalities_take_the_lowest_and_say_so(mini: dict[str, str]) -> None:
    inc = mini["incidents/KZE-0001.toml"].replace(
        "low = 1\nbest = 1\nhigh = 1\nperpetrators = 1", "low = 1\nbest = 2\nhigh = 2\nperpetrators = 2"
    )
    inc = inc.replace("date = 2011-05-18\nkilled = 1", "date = 2011-05-18\nkilled = 2")
    mini["incidents/KZE-0001.toml"] = inc
    text, _, _ = render(load_dataset(mini), "acled")
    (row,) = rows_of(text)
    assert row["fatalities"] == "1"
    assert "differ" in row["notes"] and "lowest" in row["notes"]


def test_export_is_deterministic_and_valid(mini: dict[str, str]) -> None:
    a, _, _ = render(load_dataset(mini), "acled")
    b, _, _ = render(load_dataset(mini), "acled")
    assert a == b


CORRUPTIONS = [
    ("event_type", "Battle"),
    ("sub_event_type", "Armed clash"),  # belongs to Battles, not Explosions/Remote violence
    ("year", "2012"),
    ("interaction", "State forces-Civilians"),
    ("event_date", "2011-02-30"),
    ("latitude", "123"),
    ("fatalities", "-1"),
    ("fatalities", "one"),
    ("iso", ""),
    ("time_precision", "4"),
    ("disorder_type", "Demostrations"),
    ("event_id_cnty", "KZE-1"),
    ("inter1", "9"),
]


@pytest.mark.parametrize(("column", "value"), CORRUPTIONS)
def test_validator_catches_corruption_and_agrees_with_jsonschema(
    mini: dict[str, str], column: str, value: str
) -> None:
    import pyarrow as pa

    from kzevents.validation import Report

    text, _, _ = render(load_dataset(mini), "acled")
    rows = rows_of(text)
    rows[0][column] = value
    report = Report(file="x.csv", format="acled")
    table = pa.table({c: pa.array([r[c] for r in rows], pa.string()) for c in ACLED_HEADER})
    validate_table(table, "acled", report)
    assert not report.valid
    assert any(p.row == 1 and p.column == column for p in report.problems), report
    ours = {(p.row, p.column) for p in report.problems if p.code.startswith("schema:")}
    assert ours == reference_problems(rows, "acled")


def test_real_dataset_exports_valid_acled(tmp_path: object) -> None:
    import kzevents

    ds = kzevents.load()
    text, _, excluded = render(ds, "acled")
    parsed = rows_of(text)
    assert reference_problems(parsed, "acled") == set()
    ids = [r["event_id_cnty"] for r in parsed]
    assert len(ids) == len(set(ids))
    left_out = {e.event_id for e in excluded}
    # every incident is written (at least one event) or listed with its reason, never both
    assert {f"KZE-{i[3:7]}" for i in ids} == {i.id for i in ds} - left_out
    # the total of ACLED fatalities is the total of the most conservative figures of what is written
    assert sum(int(r["fatalities"]) for r in parsed) == sum(
        i.fatalities.low for i in ds if i.id not in left_out
    )
