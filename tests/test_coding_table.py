"""The coding table: one row per incident and coded field of each export, with the codebook rule and the
source sentence it rests on (tests/fixtures/coding_table.csv), against what the exports write.

The table was written from the five documents and the codebook facts in ../shared/reference, not from the
exports' output (the research behind it and its review are described in docs/CODEBOOK.md, "The coding
table"). Addressing: ``KZE-NNNN`` is the incident's row; ``KZE-0013.1``-``.4`` are its GTD rows (the
parts, in order) and ``KZE-0013.A``/``.B`` its ACLED events, in order. ``expected``: a code with its label
in brackets (the code is compared), ``(blank)`` for an empty cell, text as written; for ``included``:
``yes``, ``yes, as N ...`` (N rows) or ``no (...)``, in which case the export's exclusion reason must
contain ``reason_phrase``.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from pathlib import Path

import pytest

import kzevents
from kzevents.outputs.writer import render

from .conftest import SEEDS, need

TABLE = Path(__file__).parent / "fixtures" / "coding_table.csv"
ROWS = list(csv.DictReader(TABLE.open(encoding="utf-8")))
FORMATS = {"ACLED": "acled", "GTD": "gtd", "GED": "ged"}


def _incident_of(fmt: str, row: dict[str, str]) -> str:
    if fmt == "acled":
        return f"KZE-{row['event_id_cnty'][3:7]}"
    if fmt == "gtd":
        m = re.search(r"kzevents incident (KZE-\d{4})\.", row["addnotes"])
        assert m, row["addnotes"]
        return m.group(1)
    return f"KZE-{int(row['id']) - 2000000000:04d}"


def _export(fmt: str) -> tuple[dict[str, list[dict[str, str]]], dict[str, str]]:
    text, rows, excluded = render(kzevents.load(), fmt)
    header = next(csv.reader([text.splitlines()[0]]))
    by_incident: dict[str, list[dict[str, str]]] = defaultdict(list)
    for cells in rows:
        row = dict(zip(header, cells, strict=True))
        by_incident[_incident_of(fmt, row)].append(row)
    return by_incident, {e.event_id: e.reason for e in excluded}


EXPORTS = {name: _export(fmt) for name, fmt in FORMATS.items()}


def _target(fmt: str, incident: str) -> tuple[str, int | None]:
    """(incident id, index of the row among the incident's rows, or None for its only row)."""
    base, _, part = incident.partition(".")
    if not part:
        return base, None
    return base, (int(part) - 1 if part.isdigit() else ord(part) - ord("A"))


def _code(expected: str) -> str:
    if expected == "(blank)":
        return ""
    m = re.fullmatch(r"(-?\d+) \(.*\)", expected)
    return m.group(1) if m else expected


@pytest.mark.parametrize("spec", ROWS, ids=[f"{r['format']}-{r['incident']}-{r['field']}" for r in ROWS])
def test_coding(spec: dict[str, str]) -> None:
    rows, excluded = EXPORTS[spec["format"]]
    incident, index = _target(spec["format"], spec["incident"])
    why = f"{spec['rule']} | {spec['seed']}: {spec['quote']!r}"
    if spec["field"] == "included":
        expected = spec["expected"]
        if expected.startswith("no"):
            assert incident in excluded, f"{incident} should be left out of {spec['format']}: {why}"
            assert spec["reason_phrase"] in excluded[incident], excluded[incident]
            return
        assert incident not in excluded, f"{incident} is left out: {excluded.get(incident)} | {why}"
        m = re.match(r"yes, as (\d+)", expected)
        count = int(m.group(1)) if m else 1
        assert len(rows[incident]) == count if index is None else len(rows[incident]) > index
        return
    got = rows[incident][index or 0] if index is not None else rows[incident]
    if index is None:
        assert len(got) == 1, f"{incident} has {len(got)} {spec['format']} rows; address its parts"
        got = got[0]
    assert isinstance(got, dict)
    assert got[spec["field"]] == _code(spec["expected"]), f"{spec['field']}: {why}"


def test_the_table_covers_every_incident_in_every_format() -> None:
    covered = {(r["format"], r["incident"]) for r in ROWS if r["field"] == "included"}
    for fmt in FORMATS:
        assert {inc.id for inc in kzevents.load()} <= {i for f, i in covered if f == fmt}


@pytest.mark.parametrize(
    "spec", [r for r in ROWS if r["quote"]], ids=lambda r: f"{r['incident']}-{r['field']}"
)
def test_the_sentence_is_in_its_document(spec: dict[str, str]) -> None:
    text = need(SEEDS / spec["seed"]).read_text(encoding="utf-8")
    assert spec["quote"] in text
