"""Loading and validating the curated data: the model, the schema report, the referential checks."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest

import kzevents
from kzevents import DataError, EventType
from kzevents.dataset.load import load_dataset


def test_mini_dataset_builds_typed_frozen_objects(mini: dict[str, str]) -> None:
    ds = load_dataset(mini)
    inc = ds["KZE-0001"]
    assert inc.event_type is EventType.SUICIDE_BOMBING
    assert inc.date.start == dt.date(2011, 5, 17)
    assert ds.places["aktobe"].admin1 == "KZ-15"  # legacy KZ-AKT accepted on input, stored numeric
    assert inc.sources == ("001",)
    assert inc.conflicts() == {"date": (dt.date(2011, 5, 17), dt.date(2011, 5, 18))}
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        inc.title = "x"  # type: ignore[misc]


def test_every_problem_is_reported_with_file_and_path(mini: dict[str, str]) -> None:
    bad = mini["incidents/KZE-0001.toml"]
    bad = bad.replace('event_type = "suicide_bombing"', 'event_type = "explosion"')
    bad = bad.replace('id = "aktobe"', 'id = "atlantis"')
    bad = bad.replace('source = "001"\nquote = "Another', 'source = "009"\nquote = "Another')
    bad = bad.replace("perpetrators = 1", "perpetrators = 2")
    mini["incidents/KZE-0001.toml"] = bad
    with pytest.raises(DataError) as exc:
        load_dataset(mini)
    got = {(p.code, p.file, p.path) for p in exc.value.problems}
    f = "data/incidents/KZE-0001.toml"
    assert ("schema:enum", f, "$.event_type") in got
    assert ("fatalities-breakdown", f, "$.fatalities") in got
    # referential checks run only on schema-valid incidents; fix the enum and they show up too
    mini["incidents/KZE-0001.toml"] = bad.replace('"explosion"', '"suicide_bombing"')
    with pytest.raises(DataError) as exc:
        load_dataset(mini)
    got = {(p.code, p.path) for p in exc.value.problems}
    assert ("ref-place", "$.place.id") in got
    assert ("ref-source", "$.claims[1].source") in got
    assert "data/incidents/KZE-0001.toml" in str(exc.value)


def test_file_name_must_match_id_and_toml_errors_are_reported(mini: dict[str, str]) -> None:
    mini["incidents/KZE-0002.toml"] = mini.pop("incidents/KZE-0001.toml")
    mini["places.toml"] += "\n[[place]\n"
    with pytest.raises(DataError) as exc:
        load_dataset(mini)
    codes = {(p.code, p.file) for p in exc.value.problems}
    assert ("id-file", "data/incidents/KZE-0002.toml") in codes
    assert ("toml", "data/places.toml") in codes


def test_unknown_admin1_code_is_reported(mini: dict[str, str]) -> None:
    mini["places.toml"] = mini["places.toml"].replace("KZ-AKT", "KZ-XYZ")
    with pytest.raises(DataError) as exc:
        load_dataset(mini)
    assert any(p.code == "admin1" and p.path == "$.place[0].admin1" for p in exc.value.problems)


def test_shipped_dataset_loads() -> None:
    ds = kzevents.load()
    assert 20 <= len(ds) <= 40
    ids = [i.id for i in ds]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)


def test_to_arrow_is_canonical_and_versioned() -> None:
    import json

    from kzevents.table import CANONICAL_SCHEMA_VERSION, schema

    ds = kzevents.load()
    t = ds.to_arrow()
    assert t.schema.equals(schema({"dataset_version": ds.version}), check_metadata=True)
    meta = json.loads(t.schema.metadata[b"kzevents"])
    assert meta["canonical_schema_version"] == CANONICAL_SCHEMA_VERSION
    assert t.num_rows == len(ds)
    assert t.column("claims").to_pylist()[0][0]["quote"] == ds.incidents[0].claims[0].quote
