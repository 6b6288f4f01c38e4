"""Finding where a CSV file goes wrong: the first row the parser cannot read, the first byte that does not
decode (slow paths, taken only after an error)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from kzevents.errors import Problem
from kzevents.io.sniff import first_bad_byte


def locate_csv_error(
    path: Path, encoding: str, n_columns: int, message: str, has_header: bool = True
) -> Problem:
    """Find the first row the CSV reader cannot read (slow path, only after an error)."""
    row = 0
    try:
        with open(path, encoding=encoding, newline="") as fh:
            reader = csv.reader(fh, strict=True)
            if has_header:
                next(reader, None)
            for row, fields in enumerate(reader, start=1):
                if len(fields) != n_columns:
                    return Problem(
                        "csv-columns",
                        f"row has {len(fields)} fields, the header has {n_columns}",
                        str(path),
                        row=row,
                        value=",".join(fields)[:200],
                    )
    except UnicodeDecodeError as exc:
        return _locate_bad_bytes(path, encoding, exc.reason, has_header)
    except csv.Error as exc:
        hint = " (a quoted field is never closed)" if "end of data" in str(exc) else ""
        return Problem("csv", f"malformed CSV: {exc}{hint}", str(path), row=row + 1)
    return Problem("csv", f"cannot parse CSV: {message}", str(path), row=row or None)


def _locate_bad_bytes(path: Path, encoding: str, reason: str, has_header: bool = True) -> Problem:
    """The row and column of the first undecodable byte: the text before it is parsed as CSV, so quoted
    line breaks do not throw the row count off."""
    offset = first_bad_byte(path, encoding) or 0
    with open(path, "rb") as fh:
        data = fh.read(offset + 4)
    text = data[:offset].decode(encoding, errors="replace")
    records = list(csv.reader(io.StringIO(text, newline="")))
    at_record_start = text == "" or text.endswith(("\n", "\r"))
    row = len(records) if at_record_start else len(records) - 1
    field = 0 if at_record_start or not records else len(records[-1]) - 1
    header = records[0] if records and has_header else []
    if not has_header:  # every line is data: rows count from 1
        row += 1
    column = header[field] if row > 0 and field < len(header) else None
    return Problem(
        "encoding",
        f"bytes that are not {encoding} ({reason}) at byte {offset}",
        str(path),
        row=row,
        column=column,
        value=repr(data[max(0, offset - 16) : offset + 4]),
    )
