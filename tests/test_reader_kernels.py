"""The vectorised conversions the readers use: a cell's verdict and value never depend on the other cells of
its batch (fast and slow paths agree), coded columns mapped per distinct combination equal the row-by-row
mapping, and reading a file does not drag pandas in."""

from __future__ import annotations

import csv
import datetime as dt
import io
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kzevents import arrays as _arrow
from kzevents.arrays import per_combination as _recode
from kzevents.formats.normalise import Issues as _Issues
from kzevents.formats.normalise import parse_dates, to_float, to_int

from .conftest import FIXTURES

# cells built from the characters that make numbers, and the ones that break them
NUMERIC_CELL = st.one_of(
    st.none(),
    st.text(alphabet="0123456789-+. eEnaif", max_size=22),
    st.integers(-(2**40), 2**40).map(str),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
)


def _alone(fn, cells):  # type: ignore[no-untyped-def]
    """Each cell converted in a batch of its own: (value, flagged)."""
    out = []
    for cell in cells:
        issues = _Issues("f", 0)
        value = fn(pa.array([cell], pa.string()), issues).to_pylist()[0]
        out.append((value, bool(issues.problems)))
    return out


def _together(fn, cells):  # type: ignore[no-untyped-def]
    issues = _Issues("f", 0)
    values = fn(pa.array(cells, pa.string()), issues).to_pylist()
    flagged = {p.row for p in issues.problems if p.row is not None}
    return [(v, i + 1 in flagged) for i, v in enumerate(values)]


@settings(max_examples=300, deadline=None)
@given(st.lists(NUMERIC_CELL, min_size=1, max_size=12))
def test_integers_do_not_depend_on_their_neighbours(cells: list[str | None]) -> None:
    def fn(a: pa.Array, issues: _Issues) -> pa.Array:
        return to_int(a, "c", issues, missing=("", "-9"))

    assert _together(fn, cells) == _alone(fn, cells)


@settings(max_examples=300, deadline=None)
@given(st.lists(NUMERIC_CELL, min_size=1, max_size=12))
def test_floats_do_not_depend_on_their_neighbours(cells: list[str | None]) -> None:
    def fn(a: pa.Array, issues: _Issues) -> pa.Array:
        return to_float(a, "c", issues, -90, 90)

    together, alone = _together(fn, cells), _alone(fn, cells)
    assert [f for _, f in together] == [f for _, f in alone]
    assert [v for v, _ in together] == pytest.approx([v for v, _ in alone], nan_ok=False)


def test_integer_edges() -> None:
    cells = ["7", " 8 ", "-0", "0000000000000000000001", "2147483647", "2147483648", "+1", "1.0", None, "-9"]
    issues = _Issues("f", 0)
    got = to_int(pa.array(cells, pa.string()), "c", issues, missing=("", "-9")).to_pylist()
    # a spreadsheet's 1.0 is the integer 1 (counted); int32 overflow and a sign are problems
    assert got == [7, 8, 0, 1, 2147483647, None, None, 1, None, None]
    assert [p.value for p in issues.problems] == ["2147483648", "+1"]
    assert issues.counts == {"integers written as decimals (3.0 read as 3)": 1}


def test_floats_reject_nan_and_infinity_whichever_path() -> None:
    for cells in (["1.5", "nan"], ["1.5", "inf", " 2"]):
        issues = _Issues("f", 0)
        to_float(pa.array(cells, pa.string()), "c", issues, -90, 90)
        assert [p.value for p in issues.problems] == cells[1:2]


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.sampled_from(["2020-02-29", "2021-02-29", "21 March 2020", "5-Aug-24", "31-Feb-21", "x", None]),
        min_size=1,
        max_size=10,
    )
)
def test_dates_do_not_depend_on_their_neighbours(cells: list[str | None]) -> None:
    def fn(a: pa.Array, issues: _Issues) -> pa.Array:
        return parse_dates(a, "d", issues, Counter())

    assert _together(fn, cells) == _alone(fn, cells)


def test_real_dates_only() -> None:
    issues = _Issues("f", 0)
    got = parse_dates(pa.array(["2020-02-29", "2021-02-29"]), "d", issues, Counter()).to_pylist()
    assert got == [dt.date(2020, 2, 29), None]
    assert [p.value for p in issues.problems] == ["2021-02-29"]


CODES = st.one_of(st.none(), st.sampled_from(["a", "b", "c", "ab"]))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(CODES, CODES, CODES), min_size=1, max_size=30))
def test_recode_equals_row_by_row_mapping(rows: list[tuple[str | None, str | None, str | None]]) -> None:
    def join(values: list[pa.Array]) -> pa.Array:  # null-aware, so null combinations are exercised
        parts = [pc.fill_null(v, "_") for v in values]
        return pc.binary_join_element_wise(*parts, "|")

    columns = [pa.array([r[i] for r in rows], pa.string()) for i in range(3)]
    got, _ = _recode(columns, join)
    expected = ["|".join("_" if v is None else v for v in r) for r in rows]
    assert got.cast(pa.string()).to_pylist() == expected
    single, _ = _recode([columns[0]], join)
    assert single.cast(pa.string()).to_pylist() == ["_" if r[0] is None else r[0] for r in rows]


def test_combinations_that_cannot_be_packed_fall_back_to_rows() -> None:
    columns = [pa.array(["a", None, "a"]), pa.array(["x", "y", "x"])]
    values, rows = _arrow.combinations(columns, max_key=2)
    assert [v.to_pylist() for v in values] == [["a", None, "a"], ["x", "y", "x"]]
    assert rows.to_pylist() == [0, 1, 2]
    values, rows = _arrow.combinations(columns)
    assert len(values[0]) == 2 and rows.to_pylist() == [0, 1, 0]


def test_constants_are_what_they_say() -> None:
    assert _arrow.strings(("a", None, "ü")).to_pylist() == ["a", None, "ü"]
    assert _arrow.numbers((1, None, -3), pa.int32()).to_pylist() == [1, None, -3]
    assert _arrow.lit(None, pa.string()).as_py() is None
    assert _arrow.lit(False, pa.bool_()).as_py() is False and _arrow.TRUE.as_py() is True
    assert _arrow.lit(2.5, pa.float64()).as_py() == 2.5
    assert _arrow.zeros(3).to_pylist() == [0, 0, 0]


def test_reading_and_converting_do_not_import_pandas(tmp_path: pytest.TempPathFactory) -> None:
    pytest.importorskip("pandas")  # the point is moot where pandas is not installed
    code = (
        "import sys\n"
        "from kzevents.formats.reader import read\n"
        "from kzevents.outputs.converter import convert\n"
        f"read({str(FIXTURES / 'acled' / 'current_text.csv')!r})\n"
        f"convert({str(FIXTURES / 'acled' / 'current_text.csv')!r}, {str(tmp_path)!r} + '/x.parquet')\n"
        "print('pandas' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize(
    "path",
    [
        *sorted((FIXTURES / "acled").glob("*.csv")),
        FIXTURES / "labelled" / "acled_labelled.csv",
        FIXTURES / "gtd" / "gtd_labelled_latin1.csv",
    ],
    ids=lambda p: p.name,
)
def test_columns_left_undecoded_are_not_used(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Reading only USED_COLUMNS, with CODED_COLUMNS decoded as dictionaries, gives the same canonical table
    as decoding every column as plain strings: a column the normaliser reads but the list forgot would come
    back as nulls and differ here."""
    from kzevents.formats import reader as readers

    fast, _ = readers.read(path)
    monkeypatch.setattr(readers, "USED_COLUMNS", {})
    monkeypatch.setattr(readers, "CODED_COLUMNS", {})
    full, _ = readers.read(path)
    assert fast.equals(full)


def test_convert_writes_statistics_for_the_filter_columns(tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    from kzevents import table as canonical
    from kzevents.outputs.converter import convert

    dest = tmp_path / "x.parquet"
    convert(FIXTURES / "acled" / "current_text.csv", dest)
    meta = pq.ParquetFile(dest).metadata
    names = [meta.schema.column(i).path for i in range(meta.num_columns)]
    with_stats = {n for i, n in enumerate(names) if meta.row_group(0).column(i).is_stats_set}
    assert set(canonical.STATISTICS_COLUMNS) <= with_stats
    assert "summary" not in with_stats
    event_date = meta.row_group(0).column(names.index("event_date")).statistics
    assert str(event_date.min) == "2022-01-05"  # the file's earliest event_date


@settings(max_examples=200)
@given(st.lists(st.one_of(st.none(), st.text(max_size=300)), min_size=1, max_size=40), st.integers(0, 5))
def test_string_hashes_equal_exactly_for_equal_strings(cells: list[str | None], cut: int) -> None:
    col = pa.array(cells, pa.string()).slice(min(cut, len(cells) - 1))  # a sliced array has an offset
    values = ["" if v is None else v for v in col.to_pylist()]
    hashes = _arrow.string_hashes(col).tolist()
    for i, a in enumerate(values):
        for j, b in enumerate(values):
            assert (hashes[i] == hashes[j]) == (a == b)


def test_duplicate_ids_are_confirmed_on_the_strings(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every id hashing alike (a clash) must not make a duplicate: candidates are compared as strings."""
    import numpy as np

    from kzevents.formats import check as validation

    monkeypatch.setattr(validation, "string_hashes", lambda col: np.zeros(len(col), np.uint64))
    assert validation.validate_file(FIXTURES / "acled" / "current_text.csv").valid
    report = validation.validate_file(FIXTURES / "bad" / "duplicate_event_id.csv")
    assert [(p.row, p.value) for p in report.problems] == [(1, "KAZ9001"), (2, "KAZ9001")]


def test_a_duplicate_row_that_fails_another_rule_counts_once(tmp_path: Path) -> None:
    """failing_rows counts rows, not problems: the second KAZ9001 row also gets a latitude of 123."""
    from kzevents.formats import check as validation

    src = FIXTURES / "bad" / "duplicate_event_id.csv"
    rows = list(csv.reader(io.StringIO(src.read_text(encoding="utf-8"))))
    rows[2][rows[0].index("latitude")] = "123"
    path = tmp_path / "dup_and_latitude.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    report = validation.validate_file(path)
    assert sorted((p.row, p.code) for p in report.problems) == [
        (1, "duplicate-id"),
        (2, "duplicate-id"),
        (2, "schema:maximum"),
    ]
    assert report.failing_rows == 2


# --- cheap prefilters in front of costly patterns ------------------------------------------------


def test_fatalities_known_is_the_pattern_over_every_row() -> None:
    """The prefilter changes nothing: the flag is what ACLED's "casualties unknown" pattern says of each
    zero-fatality row's notes, in any case, wherever the words fall."""
    from kzevents.formats.acled.read import UNKNOWN_CASUALTIES, _fatalities_known

    notes = [
        "Shelling. Casualties unknown.",
        "FATALITIES WERE NOT KNOWN",
        "an unspecified number of casualties",
        "Unknown number of fatalities reported",
        "an unknown armed group attacked",  # "known", but not the pattern
        "casualties unknown",  # a count: the flag stays true
        None,
        "Casualties unknown",  # no figure: null
        "peaceful protest",
    ]
    fatal = pa.array([0, 0, 0, 0, 0, 3, 0, None, 0], pa.int32())
    said = pc.fill_null(pc.match_substring_regex(pa.array(notes, pa.string()), UNKNOWN_CASUALTIES), False)
    expected = [
        None if f is None else not (f == 0 and s)
        for f, s in zip(fatal.to_pylist(), said.to_pylist(), strict=True)
    ]
    assert expected == [False, False, False, False, True, True, True, None, True]
    assert _fatalities_known(fatal, pa.array(notes, pa.string())).to_pylist() == expected
    sliced = pa.array(["x", *notes], pa.string()).slice(1)
    assert _fatalities_known(fatal, sliced).to_pylist() == expected


def test_holds_byte_and_slash_dates() -> None:
    from kzevents.arrays import holds_byte
    from kzevents.formats.artefacts import has_slash_dates

    dates = pa.array(["2024-01-05", None, "2024-02-06"], pa.string())
    assert not holds_byte(dates, 0x2F) and not has_slash_dates(dates)
    slashed = pa.array(["2024-01-05", "4/1/2025"], pa.string())
    assert holds_byte(slashed, 0x2F) and has_slash_dates(slashed)
    assert not holds_byte(slashed.slice(0, 1), 0x2F)  # the slice's bytes only
    assert not has_slash_dates(pa.array(["a/b"], pa.string()))  # a slash, but no date
    assert not holds_byte(pa.array(["", None], pa.string()), 0x2F)
