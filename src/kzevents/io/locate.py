"""Finding where a CSV file goes wrong (slow paths, taken only after an error): the row and column of the
first row the parser cannot read, of the first byte that does not decode, of a byte offset.

Rows are counted as the readers count them: the header is row 0, data rows count from 1, blank lines are
not rows (Arrow skips them). The file is read as a stream by Python's csv module in its lenient mode, which
splits records and fields as Arrow's parser does (a quote inside an unquoted field is a character; text
after a closing quote joins the field); its field-size limit is lifted while it runs, so a huge cell before
the error does not stop it early.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import typing
from collections.abc import Iterator
from pathlib import Path

from kzevents.errors import Problem
from kzevents.io.raw import Raw, name_of, open_binary

Bytes = Path | Raw  # a file, or a re-openable source (a container's text, a spool)

FIELD_LIMIT = (1 << 31) - 1  # as large as the csv module takes everywhere (Arrow's own limit is 2 GB)


@contextlib.contextmanager
def no_field_limit() -> Iterator[None]:
    """Lift the csv module's field-size limit (128 KB by default) for the block."""
    old = csv.field_size_limit(FIELD_LIMIT)
    try:
        yield
    finally:
        csv.field_size_limit(old)


class _Head(io.RawIOBase):
    """The first ``size`` bytes of a binary file, as a stream."""

    def __init__(self, fh: typing.IO[bytes], size: int) -> None:
        self.fh, self.left = fh, size

    def readable(self) -> bool:
        return True

    def readinto(self, b: bytearray | memoryview) -> int:  # type: ignore[override]
        if self.left <= 0:
            return 0
        view = memoryview(b)[: self.left]
        n: int = self.fh.readinto(view)  # type: ignore[attr-defined]
        self.left -= n
        return n


def _with_mark(lines: Iterator[str]) -> Iterator[str]:
    """The lines, with a private-use character right after the last one's text: in the field the text
    ends in, or (after a line break) in the next record, or the same field when the break is quoted."""
    last = None
    for line in lines:
        if last is not None:
            yield last
        last = line
    if last is None or last.endswith(("\n", "\r")):
        if last is not None:
            yield last
        yield "\ue000"
    else:
        yield last + "\ue000"


def where(path: Bytes, encoding: str, offset: int, has_header: bool = True) -> tuple[int, int]:
    """The (row, field index) holding byte ``offset`` of the file: the text before it is parsed as CSV,
    so quoted line breaks do not throw the count off. (A character put at the end of that text lands in
    the last field of the record that holds the offset, or starts the next record.)"""
    with no_field_limit(), open_binary(path) as fh:
        text = io.TextIOWrapper(
            io.BufferedReader(_Head(fh, offset)), encoding=encoding, errors="replace", newline=""
        )
        records = 0
        last: list[str] = []
        for fields in csv.reader(_with_mark(text)):
            if fields:
                records += 1
                last = fields
        row = records - 1 if has_header else records
        return row, max(len(last) - 1, 0)


def _name(columns: list[str], index: int, row: int) -> str | None:
    return columns[index] if row > 0 and 0 <= index < len(columns) else None


def locate_offset(
    path: Bytes, encoding: str, offset: int, columns: list[str], has_header: bool = True
) -> tuple[int, str | None]:
    """The row and column name (None in the header or past the last column) of byte ``offset``."""
    row, field = where(path, encoding, offset, has_header)
    return row, _name(columns, field, row)


def locate_csv_error(
    path: Bytes,
    encoding: str,
    n_columns: int,
    message: str,
    has_header: bool = True,
    columns: list[str] | None = None,
) -> Problem:
    """The first row the CSV reader cannot read, with its column: a row with too few or too many fields, a
    quoted field never closed, a byte that does not decode, a NUL byte. ``message`` (the parser's) is
    given when nothing is found."""
    names = columns or []
    row = 0
    try:
        with (
            no_field_limit(),
            io.TextIOWrapper(open_binary(path), encoding=encoding, newline="", errors="strict") as fh,
        ):
            reader = csv.reader(fh)
            if has_header:
                next(reader, None)
            for fields in reader:
                if not fields:  # a blank line: not a row
                    continue
                row += 1
                if len(fields) != n_columns:
                    return _wrong_fields(path, row, fields, n_columns, names, fh)
                for i, value in enumerate(fields):
                    if "\x00" in value:
                        return nul_problem(
                            name_of(path), row, _name(names, i, row) or f"field {i + 1}", value
                        )
    except UnicodeDecodeError as exc:
        return locate_bad_bytes(path, encoding, exc.reason, has_header, names)
    return Problem("csv", f"cannot parse CSV: {message}", name_of(path), row=row or None)


def _wrong_fields(
    path: Bytes,
    row: int,
    fields: list[str],
    n_columns: int,
    names: list[str],
    fh: io.TextIOWrapper,
) -> Problem:
    at_end = fh.read(1) == ""
    value = ",".join(fields)[:200]
    if at_end and len(fields) < n_columns and ("\n" in fields[-1] or "\r" in fields[-1]):
        # the last record ran to the end of the file over several lines: a quote opened and never closed
        column = _name(names, len(fields) - 1, row)
        return Problem(
            "csv",
            "a quoted field is never closed: the rest of the file was read into it",
            name_of(path),
            row=row,
            column=column,
            value=value,
        )
    if len(fields) < n_columns:
        message = (
            f"row has {len(fields)} fields, the header has {n_columns}: "
            "the fields from this column on are missing"
        )
        column = _name(names, len(fields), row)
    else:
        message = f"row has {len(fields)} fields, the header has {n_columns}: more fields than columns"
        column = None
    return Problem("csv-columns", message, name_of(path), row=row, column=column, value=value)


def nul_problem(file: str, row: int, column: str | None, value: str) -> Problem:
    """A cell holding a NUL byte: binary data or a damaged file, never text."""
    return Problem(
        "nul",
        "cell holds a NUL byte (binary data or a damaged file?)",
        file,
        row=row,
        column=column,
        value=repr(value[:60]),
    )


def locate_bad_bytes(
    path: Bytes, encoding: str, reason: str, has_header: bool = True, columns: list[str] | None = None
) -> Problem:
    """The row and column of the first byte that does not decode (the file is read as a stream)."""
    offset = first_bad_byte(path, encoding) or 0
    row, column = locate_offset(path, encoding, offset, columns or [], has_header)
    with open_binary(path) as fh:
        skip = max(0, offset - 16)
        while skip:  # (a container's text cannot seek)
            skip -= len(fh.read(min(skip, 1 << 20))) or skip
        around = fh.read(min(offset, 16) + 4)
    return Problem(
        "encoding",
        f"bytes that are not {encoding} ({reason}) at byte {offset}",
        name_of(path),
        row=row,
        column=column,
        value=repr(around),
    )


def first_bad_byte(path: Bytes, encoding: str = "utf-8") -> int | None:
    """The file offset of the first byte that does not decode, or None (streams the file)."""
    decoder = codecs.getincrementaldecoder(encoding)()
    pos = 0
    with open_binary(path) as fh:
        while chunk := fh.read(1 << 22):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                return pos + exc.start
            pos += len(chunk)
    return None
