"""Row accounting: the streaming reader, the validator and the error locator never repeat or skip a row and
put every error in its row and column, whatever the cell sizes (0 bytes to 20 MB), blank lines, quoted line
breaks and where the parser's blocks fall.

These tests are the contract of any CSV parser behind kzevents (a parallel one may replace Arrow's streaming
reader): they know the block sizes only through the module constants they shrink
(``kzevents.formats.reader.PARSE_BLOCK`` for reading, ``kzevents.io.csvstream.PARSE_BLOCK`` for validating),
and compare with a plain reference parse of the same bytes (Python's csv module, blank lines skipped).
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Callable
from pathlib import Path

import pyarrow.parquet as pq
import pytest

import kzevents.formats.reader as reader_module
import kzevents.io.csvstream as csvstream
from kzevents.cli import main
from kzevents.formats.check import validate_file
from kzevents.formats.reader import read
from kzevents.io.locate import no_field_limit
from kzevents.outputs.converter import convert

from .conftest import FIXTURES

sys.path.insert(0, str(FIXTURES))
from make_bad_corpus import COLS, HEADER, ROW1, ROW2, ROW3


def with_cell(line: str, column: str, value: str) -> str:
    """``line`` with one cell replaced, quoted as RFC 4180 asks (Python's csv writer leaves a lone CR
    unquoted when its line terminator is a LF)."""
    fields = next(csv.reader([line]))
    fields[COLS.index(column)] = value
    return ",".join('"' + f.replace('"', '""') + '"' if any(c in f for c in ',"\r\n') else f for f in fields)


BLOCKS = [1 << 12, 1 << 16, None]  # None: the modules' own block sizes


@pytest.fixture(params=BLOCKS, ids=lambda b: f"block={b or 'default'}")
def blocks(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> int | None:
    size = request.param
    if size is not None:
        monkeypatch.setattr(reader_module, "PARSE_BLOCK", size)
        monkeypatch.setattr(csvstream, "PARSE_BLOCK", size)
    return size


def row(i: int, notes: str | None = None, base: str = ROW1) -> str:
    r = with_cell(base, "event_id_cnty", f"KAZ{i}")
    return r if notes is None else with_cell(r, "notes", notes)


def reference(data: bytes) -> list[list[str]]:
    """The data rows as a plain CSV parse reads them (blank lines are not rows)."""
    with no_field_limit():
        records = [r for r in csv.reader(io.StringIO(data.decode("utf-8"), newline="")) if r]
    return records[1:]


def write(path: Path, rows: list[str], blank_after: set[int] = frozenset(), crlf: bool = False) -> bytes:  # type: ignore[assignment]
    end = "\r\n" if crlf else "\n"
    out = [HEADER]
    for i, r in enumerate(rows):
        out.append(r)
        if i in blank_after:
            out.append("")
    data = (end.join(out) + end).encode("utf-8")
    path.write_bytes(data)
    return data


SIZES = [
    0,
    1,
    100,
    (1 << 12) - 1,
    1 << 12,
    (1 << 12) + 1,
    128 * 1024 + 1,
    (1 << 16) + 7,
    (1 << 20) + 1,
    3 << 20,
]


def test_cells_of_every_size_with_blank_lines_and_line_breaks(tmp_path: Path, blocks: int | None) -> None:
    rows = []
    for k, size in enumerate(SIZES):
        text = ('On 1 May, "quoted"\nline break. ' + "x" * size)[:size] if size else ""
        rows += [row(3 * k, text), row(3 * k + 1), row(3 * k + 2, "a\r\nb\n\nc")]
    data = write(tmp_path / "f.csv", rows, blank_after={0, 1, 5, 10, 11, 20, len(rows) - 2})
    ref = reference(data)
    assert len(ref) == len(rows)
    table, report = read(tmp_path / "f.csv")
    assert report.rows_in == table.num_rows == len(rows)
    assert table.column("event_id").to_pylist() == [r[0] for r in ref]
    notes = COLS.index("notes")
    assert table.column("summary").to_pylist() == [r[notes] or None for r in ref]
    v = validate_file(tmp_path / "f.csv")
    assert v.rows == len(rows)
    assert set(v.counts) <= {"cell-too-long"}, str(v)  # no duplicate ids: no row was read twice
    too_long = [p.row for p in v.problems]
    assert too_long == [i + 1 for i, r in enumerate(ref) if len(r[notes].encode()) > 1_000_000]


def test_a_20_mb_cell(tmp_path: Path) -> None:
    """The largest cell the issue names, at the default block size: read, validated and converted, every
    row once, the long cell reported where it is."""
    rows = [row(i) for i in range(2000)]
    rows[1500] = row(1500, "y" * (20 << 20))
    write(tmp_path / "f.csv", rows, blank_after={3, 4, 1499})
    dest = tmp_path / "out.parquet"
    report = convert(tmp_path / "f.csv", dest)
    assert report.rows_in == report.rows_out == 2000
    ids = pq.read_table(dest, columns=["event_id"]).column(0).to_pylist()
    assert ids == [f"KAZ{i}" for i in range(2000)]
    v = validate_file(tmp_path / "f.csv")
    assert v.rows == 2000 and [(p.row, p.column, p.code) for p in v.problems] == [
        (1501, "notes", "cell-too-long")
    ]


@pytest.mark.parametrize("pad", range(0, 260, 13))
def test_rows_at_block_boundaries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pad: int) -> None:
    """Padding the first row moves every later row across the 4 KB block boundaries: the rows, the ids and
    the row of a bad value right after a boundary stay the same."""
    monkeypatch.setattr(reader_module, "PARSE_BLOCK", 1 << 12)
    monkeypatch.setattr(csvstream, "PARSE_BLOCK", 1 << 12)
    rows = [row(0, "p" * pad)] + [row(i, f"line\n{i}" if i % 7 == 0 else None) for i in range(1, 60)]
    data = write(tmp_path / "f.csv", rows, blank_after={2, 9, 30})
    ids = [r[0] for r in reference(data)]
    table, _ = read(tmp_path / "f.csv")
    assert table.column("event_id").to_pylist() == ids
    # a bad latitude in each row that starts a block (of the first rows after a boundary)
    starts = _rows_after_boundaries(data, 1 << 12)
    assert starts
    for r in starts[:3]:
        bad = list(rows)
        bad[r - 1] = with_cell(bad[r - 1], "latitude", "NaN")
        write(tmp_path / "bad.csv", bad, blank_after={2, 9, 30})
        v = validate_file(tmp_path / "bad.csv")
        assert [(p.row, p.column) for p in v.problems] == [(r, "latitude")], (pad, r)
        assert main(["convert", str(tmp_path / "bad.csv"), str(tmp_path / "o.parquet")]) == 1
        assert not (tmp_path / "o.parquet").exists()


def _rows_after_boundaries(data: bytes, block: int) -> list[int]:
    """Data rows (1-based) whose line starts within 300 bytes after a multiple of ``block``."""
    out = []
    pos, line_starts = 0, []
    for line in data.split(b"\n"):
        line_starts.append(pos)
        pos += len(line) + 1
    text_rows = reference(data)
    # map physical line starts to data rows by walking the records again
    with no_field_limit():
        buf = io.StringIO(data.decode(), newline="")
        rdr = csv.reader(buf)
        next(rdr)
        row_no, prev_line = 0, rdr.line_num
        for rec in rdr:
            if rec:
                row_no += 1
                start = line_starts[prev_line]
                if start % block < 300 and start >= block:
                    out.append(row_no)
            prev_line = rdr.line_num
    assert row_no == len(text_rows)
    return out


@pytest.mark.parametrize("where", ["first", "after_boundary", "last"])
def test_a_bad_row_is_located_wherever_it_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A row with a field too many, after blank lines and a cell larger than Python csv's 128 KB limit: the
    locator names the row (not the huge cell's), for validate and convert alike."""
    monkeypatch.setattr(reader_module, "PARSE_BLOCK", 1 << 12)
    monkeypatch.setattr(csvstream, "PARSE_BLOCK", 1 << 12)
    rows = [row(i) for i in range(40)]
    rows[5] = row(5, "z" * 200_000)
    at = {"first": 0, "after_boundary": 14, "last": 39}[where]
    rows[at] = rows[at] + ",surplus"
    write(tmp_path / "f.csv", rows, blank_after={1, 2, 20})
    for command in ("validate", "convert"):
        args = [command, str(tmp_path / "f.csv")] + (
            [str(tmp_path / "o.parquet")] if command == "convert" else []
        )
        assert main(args) == 1
        out = capsys.readouterr()
        assert f"row {at + 1}:" in out.out + out.err and "32 fields" in out.out + out.err, out
    assert not (tmp_path / "o.parquet").exists()


def test_a_bad_byte_after_a_huge_cell_names_row_and_column(tmp_path: Path) -> None:
    rows = [row(i) for i in range(10)]
    rows[2] = row(2, "q" * 300_000)
    rows[7] = with_cell(rows[7], "location", "Caf\u00e9")
    path = tmp_path / "f.csv"
    data = write(path, rows, blank_after={0}).replace("Caf\u00e9".encode(), b"Caf\xe9")
    path.write_bytes(data)
    v = validate_file(path)
    assert [(p.row, p.column, p.code) for p in v.problems] == [(8, "location", "encoding")]


@pytest.mark.parametrize("at", [1, 20])
def test_a_nul_byte_is_located_the_same_in_any_row(
    tmp_path: Path, at: int, capsys: pytest.CaptureFixture[str]
) -> None:
    """A NUL in the first row was called "binary (UTF-16?)" and the same NUL in row 20 passed."""
    rows = [row(i, base=(ROW1, ROW2, ROW3)[i % 3]) for i in range(30)]
    rows[at - 1] = with_cell(rows[at - 1], "location", "Al\x00maty")
    write(tmp_path / "f.csv", rows)
    for command in ("validate", "convert"):
        args = [command, str(tmp_path / "f.csv")] + (
            [str(tmp_path / "o.parquet")] if command == "convert" else []
        )
        assert main(args) == 1
        out = capsys.readouterr()
        text = out.out + out.err
        assert f"row {at}, column location: cell holds a NUL byte" in text, text
        assert "binary" not in text.split("NUL byte")[0]
    assert not (tmp_path / "o.parquet").exists()


def test_duplicates_pass_reads_the_same_rows(tmp_path: Path, blocks: int | None) -> None:
    """The duplicate-id pass streams the file again: with a long cell and blank lines it names exactly the
    rows holding the repeated id."""
    rows = [row(i) for i in range(300)]
    rows[100] = row(100, "w" * ((1 << 16) + 5))
    rows[250] = row(7)
    write(tmp_path / "f.csv", rows, blank_after={10, 99, 100, 200})
    v = validate_file(tmp_path / "f.csv")
    assert [(p.row, p.code) for p in v.problems if p.code == "duplicate-id"] == [
        (8, "duplicate-id"),
        (251, "duplicate-id"),
    ]


# --- where the parser cuts: a block boundary at every position of a quoted field, a row after a cut ------

BLOCK = 1 << 12
# a cell with every kind of byte a cut must not split a row on: doubled quotes, a comma, a line break, a
# CR LF; in the file it reads "On 3 May ""quote"" said, "" \n then,\r\n ""gunfire"" ends,",12,
QUOTED = 'On 3 May "quote" said, " \n then,\r\n "gunfire" ends,'
MARKS = {  # name -> (text in the file, offset in it): the byte a block boundary is put at
    "opening quote": ('"On 3 May', 0),
    "inside the text": ("3 May", 0),
    "first quote of a pair": ('""quote', 0),
    "second quote of a pair": ('""quote', 1),
    "a pair before a space": ('"" \n', 0),
    "quoted line break": ("\n then", 0),
    "CR of a quoted CR LF": ("\r\n ", 0),
    "LF of a quoted CR LF": ("\r\n ", 1),
    "closing quote": ('ends,",12', 5),
    "comma after the closing quote": ('ends,",12', 6),
    "next row": ("KAZ2,", 0),
}


def _placed(rows_for: Callable[[int], list[str]], mark: tuple[str, int], delta: int, tmp: Path) -> Path:
    """The file of ``rows_for(pad)``, the pad (row 1's notes, before the mark) chosen so that the marked
    byte lies ``delta`` bytes after a multiple of BLOCK, in the second block or later."""
    text, offset = mark
    path = tmp / "f.csv"
    at = write(path, rows_for(0)).index(text.encode()) + offset
    pad = (BLOCK - at % BLOCK + delta) % BLOCK + BLOCK
    data = write(path, rows_for(pad))
    assert (data.index(text.encode()) + offset) % BLOCK == delta % BLOCK
    return path


def _quoted_rows(pad: int) -> list[str]:
    return [row(0, "p" * pad), row(1, QUOTED), row(2), row(3, "x\ny")]


@pytest.mark.parametrize("delta", [-1, 0, 1])
@pytest.mark.parametrize("mark", list(MARKS))
def test_a_block_boundary_anywhere_in_a_quoted_cell(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mark: str, delta: int
) -> None:
    """Quotes spanning a cut: whichever byte of a quoted cell (its opening quote, either quote of a pair,
    a line break, a CR LF, its closing quote) a block boundary falls on or beside, every command reads the
    same rows, cells and verdicts as a plain parse of the bytes."""
    monkeypatch.setattr(reader_module, "PARSE_BLOCK", BLOCK)
    monkeypatch.setattr(csvstream, "PARSE_BLOCK", BLOCK)
    path = _placed(_quoted_rows, MARKS[mark], delta, tmp_path)
    ref = reference(path.read_bytes())
    notes = COLS.index("notes")
    assert len(ref) == 4 and ref[1][notes] == QUOTED
    table, report = read(path)
    assert report.rows_in == table.num_rows == 4
    assert table.column("event_id").to_pylist() == [r[0] for r in ref]
    assert table.column("summary").to_pylist() == [r[notes] or None for r in ref]
    v = validate_file(path)
    assert v.rows == 4 and v.valid, str(v)
    dest = tmp_path / "o.parquet"
    assert convert(path, dest).rows_out == 4
    assert pq.read_table(dest, columns=["summary"]).column(0).to_pylist()[1] == QUOTED


@pytest.mark.parametrize("delta", [-1, 0, 1, 2])
@pytest.mark.parametrize("fault", ["surplus field", "missing field", "bad latitude"])
def test_a_bad_row_right_after_a_cut(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    fault: str,
    delta: int,
) -> None:
    """The bad row is the first of a block (its first byte just before, on or just after a boundary):
    validate and convert name that row, and --skip-invalid keeps every other row."""
    monkeypatch.setattr(reader_module, "PARSE_BLOCK", BLOCK)
    monkeypatch.setattr(csvstream, "PARSE_BLOCK", BLOCK)

    def rows_for(pad: int) -> list[str]:
        rows = [row(0, "p" * pad)] + [row(i, "a\nb" if i % 3 == 0 else None) for i in range(1, 12)]
        if fault == "surplus field":
            rows[6] += ",surplus"
        elif fault == "missing field":
            rows[6] = rows[6].rsplit(",", 1)[0]
        else:
            rows[6] = with_cell(rows[6], "latitude", "north")
        return rows

    path = _placed(rows_for, ("KAZ6,", 0), delta, tmp_path)
    v = validate_file(path)
    assert [p.row for p in v.problems] == [7], str(v)
    dest = tmp_path / "o.parquet"
    assert main(["convert", str(path), str(dest)]) == 1
    assert "row 7" in "".join(capsys.readouterr())
    assert not dest.exists()
    main(["convert", "--skip-invalid", str(path), str(dest)])
    kept = pq.read_table(dest, columns=["event_id"]).column(0).to_pylist()
    assert kept == [f"KAZ{i}" for i in range(12) if i != 6]
