"""docs/CODEBOOK.md is generated from one source (tools/make_codebook.py): it must be what the script
writes, and it must describe every field it is made from."""

from __future__ import annotations

import json
import runpy

import kzevents
from kzevents.formats import crosswalk
from kzevents.table import FIELDS

from .conftest import ROOT

TOOL = runpy.run_path(str(ROOT / "tools" / "make_codebook.py"), run_name="kzevents_codebook")


def test_codebook_is_up_to_date() -> None:
    built = TOOL["build"]()
    current = (ROOT / "docs" / "CODEBOOK.md").read_text(encoding="utf-8")
    assert current == built, "docs/CODEBOOK.md is out of date: run python tools/make_codebook.py"


def test_codebook_describes_every_field() -> None:
    text = (ROOT / "docs" / "CODEBOOK.md").read_text(encoding="utf-8")
    for name, *_ in FIELDS:
        assert f"| `{name}` |" in text, name
    for fmt in ("acled", "gtd", "ged"):
        cw = crosswalk.get(fmt)
        schema = json.loads((ROOT / "schemas" / f"{cw.schema}.schema.json").read_text(encoding="utf-8"))
        for column in cw.header:
            assert f"| `{column}` |" in text, (fmt, column)
            assert len(schema["properties"][column]["description"]) > 5, (fmt, column)
    assert f"Dataset version {kzevents.load().version}." in text


def test_every_incident_schema_property_has_a_description() -> None:
    schema = json.loads((ROOT / "schemas" / "incident.schema.json").read_text(encoding="utf-8"))
    for path, rule in TOOL["_flatten"](schema["properties"]):
        assert rule.get("description"), path
