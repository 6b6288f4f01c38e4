"""Text stays text (hypothesis): random cells in every text column that the canonical table takes, in every
format, come out of `convert` with exactly the CSV's text. `NA` is a place name, `null` a word, `NaN` a
note; only the empty field is missing. The CSV is written by hand (every way a writer may quote), so the
test does not depend on Python's csv module agreeing with the reader."""

from __future__ import annotations

import functools
import io
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kzevents
from kzevents.formats.reader import read
from kzevents.outputs.converter import convert
from kzevents.outputs.writer import to_acled, to_ged, to_gtd

# CSV column -> (canonical column, separator when the canonical column is a list of the cell's parts)
TEXT_COLUMNS: dict[str, dict[str, tuple[str, str | None]]] = {
    "acled": {
        "event_id_cnty": ("event_id", None),
        "event_type": ("native_event_type", None),
        "sub_event_type": ("native_sub_event_type", None),
        "actor1": ("actor1", None),
        "assoc_actor_1": ("assoc_actor_1", "; "),
        "actor2": ("actor2", None),
        "assoc_actor_2": ("assoc_actor_2", "; "),
        "country": ("country", None),
        "admin1": ("admin1", None),
        "admin2": ("admin2", None),
        "location": ("location", None),
        "source": ("source_names", "; "),
        "source_scale": ("source_scale", None),
        "notes": ("summary", None),
    },
    "gtd": {
        "eventid": ("event_id", None),
        "country_txt": ("country", None),
        "provstate": ("admin1", None),
        "city": ("location", None),
        "summary": ("summary", None),
        "attacktype1_txt": ("native_event_type", None),
        "targtype1_txt": ("native_sub_event_type", None),
        "corp1": ("actor2", None),
        "gname": ("actor1", None),
        "weaptype1_txt": ("weapons", "; "),
    },
    "ged": {
        "id": ("event_id", None),
        "dyad_name": ("native_sub_event_type", None),
        "side_a": ("actor1", None),
        "side_b": ("actor2", None),
        "source_office": ("source_names", ";"),
        "country": ("country", None),
        "adm_1": ("admin1", None),
        "adm_2": ("admin2", None),
        "where_coordinates": ("location", None),
        "where_description": ("summary", None),
    },
}
WRITERS = {"acled": to_acled, "gtd": to_gtd, "ged": to_ged}

# values that tools commonly take for "missing" or for numbers, and awkward characters
TRICKY = [
    "NA", "N/A", "n/a", "#N/A", "null", "NULL", "None", "nan", "NaN", "-nan", "-NaN", "1.#IND", "1.#QNAN",
    "<NA>", "#NA", "-1.#IND", "TRUE", "False", "-9", "-99", "0", " ", "  padded  ", '"', '""', ",", "\n",
    "\r\n", "\r", "a\rb", "line\nbreak", "\ufeffbom", "\t", "tab\tinside", "Aqtöbe", "Алматы", "الرياض", "🙂",
    "a; b", "; ", ";", "x\u2028y", "'quoted'", "\\", "=1+1",
]  # fmt: skip

text_cells = st.one_of(
    st.sampled_from(TRICKY),
    st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=30),
)


@functools.cache
def _row_of(fmt: str) -> tuple[list[str], list[str]]:
    buf = io.BytesIO()
    WRITERS[fmt](kzevents.load(), buf)
    lines = buf.getvalue().decode("utf-8").splitlines()
    import csv

    header, first = list(csv.reader(lines[:2]))
    return header, first


def _field(value: str, quote_all: bool) -> str:
    if quote_all or (value == "" and quote_all) or any(c in value for c in ',"\r\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


def _csv(header: list[str], rows: list[list[str]], quote_all: bool, crlf: bool) -> bytes:
    end = "\r\n" if crlf else "\n"
    lines = [",".join(_field(v, quote_all) for v in r) for r in [header, *rows]]
    return (end.join(lines) + end).encode("utf-8")


def canonical_id(name: str, columns: dict[str, tuple[str, str | None]]) -> bool:
    return columns[name][0] == "event_id"


def _expected(cell: str, sep: str | None) -> object:
    if cell == "":
        return None  # the format's own missing value: the empty field
    return cell if sep is None else cell.split(sep)


@pytest.mark.parametrize("fmt", sorted(TEXT_COLUMNS))
@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_text_cells_keep_their_exact_text(fmt: str, data: st.DataObject, tmp_path: Path) -> None:
    header, base = _row_of(fmt)
    columns = TEXT_COLUMNS[fmt]
    n = data.draw(st.integers(1, 3), label="rows")
    rows = []
    for _ in range(n):
        row = list(base)
        for name in columns:
            required = canonical_id(name, columns)  # an identifier cannot be missing (that is an error)
            row[header.index(name)] = data.draw(
                text_cells.filter(bool) if required else text_cells, label=name
            )
        rows.append(row)
    quote_all = data.draw(st.booleans(), label="quote every field")
    crlf = data.draw(st.booleans(), label="CRLF")
    src = tmp_path / f"{fmt}.csv"
    src.write_bytes(_csv(header, rows, quote_all, crlf))
    dest = tmp_path / "out.parquet"
    report = convert(src, dest)
    assert report.rows_in == n
    table = pq.read_table(dest)
    for name, (canonical, sep) in columns.items():
        got = table.column(canonical).to_pylist()
        want = [_expected(r[header.index(name)], sep) for r in rows]
        assert got == want, f"{fmt} column {name} -> {canonical}"


def test_null_markers_in_text_are_text_in_every_format(tmp_path: Path) -> None:
    """The examples of the issue, fixed: a location NA, notes N/A, an admin-2 null, a GTD corp1 N/A, a GED
    where_description NA."""
    cases = {"acled": {"location": "NA", "notes": "N/A", "admin2": "null"}, "gtd": {"corp1": "N/A"},
             "ged": {"where_description": "NA", "adm_2": "NaN"}}  # fmt: skip
    for fmt, cells in cases.items():
        header, row = _row_of(fmt)
        row = list(row)
        for name, value in cells.items():
            row[header.index(name)] = value
        src = tmp_path / f"{fmt}.csv"
        src.write_bytes(_csv(header, [row], False, False))
        table, _ = read(src)
        for name, value in cells.items():
            assert table.column(TEXT_COLUMNS[fmt][name][0]).to_pylist() == [value], (fmt, name)
