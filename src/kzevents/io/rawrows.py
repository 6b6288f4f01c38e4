"""The raw text of CSV rows (for the list of rejected rows), and where the rows the parser skipped are.

Rows are counted as everywhere (the N-th data row; blank lines are not rows); ``line`` is the line of the
source on which the row starts (the header is line 1). The text is read as a stream by Python's csv module in
its lenient mode (which splits records as Arrow does), each row's physical lines kept as they are.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import attrs
import numpy as np

from kzevents.io.locate import Bytes, no_field_limit
from kzevents.io.raw import open_binary


@attrs.frozen
class RawRow:
    row: int  # the N-th data row
    line: int  # the line of the source it starts on (header = line 1)
    text: str  # the row as the source holds it (its line breaks, without the last)
    fields: int  # how many fields it has


class _Lines:
    """The lines of a text stream, remembering those read since the last :meth:`take`."""

    def __init__(self, text: io.TextIOBase) -> None:
        self.text, self.count = text, 0
        self.seen: list[str] = []

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = self.text.readline()
        if not line:
            raise StopIteration
        self.seen.append(line)
        self.count += 1
        return line

    def take(self) -> tuple[str, int]:
        """The text read since the last call, and the line it started on."""
        text, start = "".join(self.seen), self.count - len(self.seen) + 1
        self.seen = []
        return text, start


def scan(
    src: Bytes, encoding: str, has_header: bool, rows: set[int] | None = None, width: int | None = None
) -> Iterator[RawRow]:
    """The data rows whose number is in ``rows``, or whose field count is not ``width``."""
    last = max(rows) if rows and width is None else None
    with (
        no_field_limit(),
        io.TextIOWrapper(open_binary(src), encoding=encoding, errors="replace", newline="") as fh,
    ):
        lines = _Lines(fh)
        reader = csv.reader(lines)
        row = 0
        if has_header:
            next(reader, None)
            lines.take()
        for fields in reader:
            text, line = lines.take()
            if not fields:  # a blank line: not a row
                continue
            row += 1
            if (rows is not None and row in rows) or (width is not None and len(fields) != width):
                yield RawRow(row, line, text.rstrip("\r\n"), len(fields))
            if last is not None and row >= last:
                return


class RowMap:
    """The data-row numbers of the rows a parser gave, when it skipped some (``skipped``: their numbers)."""

    def __init__(self, skipped: list[int]) -> None:
        b = np.array(sorted(skipped), np.int64)
        self.before = b - np.arange(len(b)) - 1  # rows given before each skipped row

    def numbers(self, given: int, n: int) -> np.ndarray:
        """The data-row numbers (1-based) of given rows ``given`` .. ``given + n - 1`` (0-based)."""
        g = np.arange(given, given + n, dtype=np.int64)
        return g + 1 + np.searchsorted(self.before, g, side="right")
