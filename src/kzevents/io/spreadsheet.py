"""Excel workbooks (.xlsx) read with fastexcel (calamine in Rust, Arrow out: no Python object per cell).

A sheet is read as the CSV a spreadsheet would save: every cell as text, numbers without a needless decimal
part (``3``, ``197001190001``), date cells as ISO dates (``2025-04-01``; with the time when it is not
midnight), booleans as ``1``/``0`` (counted), Excel error cells (``#DIV/0!``) as empty and listed as
problems. The header is the sheet's first non-empty row, read off the start of the sheet's XML (fastexcel
parses the whole sheet before it gives one row); row N is the N-th row below it (Excel's row N + header row).

No fast xlsx reader streams: calamine builds the whole sheet in memory first, so a workbook's peak memory
is its sheet (about 1.4 GB for GTD's 210,000 x 135) plus the columns asked for, which is why the readers ask
only for the columns they use.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from kzevents.arrays import FALSE, lit, strings
from kzevents.errors import Problem, UsageError
from kzevents.io.sources import AcceptHeader, TableSource, missing_member
from kzevents.io.xlsxml import peek_header, sheet_names

BLOCK_ROWS = 1 << 16  # rows per block handed on (slices of one Arrow batch: no copy)
EXCEL_ERRORS = {
    "Div0": "#DIV/0!",
    "NA": "#N/A",
    "Value": "#VALUE!",
    "Ref": "#REF!",
    "Name": "#NAME?",
    "Num": "#NUM!",
    "Null": "#NULL!",
    "GettingData": "#GETTING_DATA",
}
_ODD = strings(("true", "false", "-0"))
_ODD_TEXT = strings(("1", "0", "0"))
_BOOLS = strings(("true", "false"))


class XlsxSource(TableSource):
    """A worksheet of an .xlsx workbook: the sheet named, the only one, or the first whose header is a
    known layout's."""

    kind = "xlsx"

    def __init__(self, raw: Any, chain: list[str], sheet: str | None, accept: AcceptHeader | None) -> None:
        super().__init__(raw, chain)
        self.path: Path = raw.path
        try:
            self.sheets = sheet_names(self.path)
        except (KeyError, zipfile.BadZipFile, UnicodeDecodeError, ValueError) as exc:
            raise self.problem("xlsx", f"not a readable workbook ({type(exc).__name__}: {exc})") from None
        self.sheet = self._pick(sheet, accept)
        if sheet is not None or len(self.sheets) > 1:
            self.name = f"{raw.name}::{self.sheet}"
        peek = self._peek(self.sheet)
        if peek is None:
            raise self.problem("empty", f"sheet {self.sheet!r} is empty")
        self.header_row, self.first_col, self._header = peek

    def _peek(self, sheet: str) -> tuple[int, int, list[str]] | None:
        try:
            return peek_header(self.path, sheet)
        except (KeyError, zipfile.BadZipFile, EOFError, ValueError, UnicodeDecodeError) as exc:
            raise self.problem("xlsx", f"not a readable workbook ({type(exc).__name__}: {exc})") from None

    def _pick(self, sheet: str | None, accept: AcceptHeader | None) -> str:
        if sheet is not None:
            if sheet in self.sheets:
                return sheet
            if sheet.isdigit() and 1 <= int(sheet) <= len(self.sheets):  # "::2": the second sheet
                return self.sheets[int(sheet) - 1]
            raise missing_member(self.raw.name, f"sheet {sheet!r}", self.sheets)
        if not self.sheets:
            raise self.problem("empty", "the workbook has no sheet")
        if len(self.sheets) == 1 or accept is None:
            return self.sheets[0]
        verdicts = []
        for name in self.sheets:
            peek = self._peek(name)
            if peek is not None and accept(peek[2]):
                return name
            verdicts.append(f"{name!r} ({'empty' if peek is None else 'header matches no layout'})")
        raise UsageError(
            f"{self.raw.name}: no sheet has the header of a known layout: {'; '.join(verdicts)}; "
            f"name one as {self.raw.name}::SHEET"
        )

    def header(self) -> list[str]:
        return list(self._header)

    def batches(self, columns: list[str] | None, empty_as_null: bool) -> Iterator[pa.RecordBatch]:
        """Blocks of the data rows as string columns named by the header (``columns``: only those)."""
        header = self._header
        wanted = [i for i, h in enumerate(header) if columns is None or h in columns]
        batch = self._load(wanted)
        names = [header[i] for i in wanted]
        for start in range(0, batch.num_rows, BLOCK_ROWS):
            part = batch.slice(start, BLOCK_ROWS)
            cols = [_finish(self._cells(part.column(k)), empty_as_null) for k in range(part.num_columns)]
            yield pa.RecordBatch.from_arrays(cols, names=names)

    def _load(self, wanted: list[int]) -> pa.RecordBatch:
        import fastexcel

        # header_row=None and skip_rows=0: result row i is sheet row i + 1 (fastexcel otherwise drops
        # leading empty rows without saying how many); columns by letter (absolute; indices are relative
        # to the used range); trailing rows of blanks (formatted cells) are not data
        letters = ",".join(_letters(self.first_col + i) for i in wanted)
        try:
            reader = fastexcel.read_excel(str(self.path))
            sheet = reader.load_sheet(
                self.sheet,
                header_row=None,
                skip_rows=0,
                dtypes="string",
                use_columns=letters,
                skip_whitespace_tail_rows=True,
            )
            batch, errors = sheet.to_arrow_with_errors()
        except Exception as exc:  # fastexcel's errors have no common base but Exception
            raise self.problem("xlsx", f"cannot read the sheet ({type(exc).__name__}: {exc})") from None
        if errors is not None:
            for e in errors.errors:
                r, c = e.position
                if r > self.header_row:
                    self.problems.append(
                        Problem(
                            "xlsx-error-cell",
                            f"cell holds an Excel error ({_excel_error(e.detail)}), read as empty",
                            self.name,
                            row=r - self.header_row,
                            column=self._header[wanted[c]] if c < len(wanted) else None,
                        )
                    )
        if batch.num_columns < len(wanted):  # columns with no cell at all below the header
            batch = _pad(batch, len(wanted))
        return batch.slice(self.header_row + 1)

    def _cells(self, a: pa.Array) -> pa.Array:
        """fastexcel's text of a cell as a CSV holds it: a date cell ("2025-04-01 00:00:00") as the date,
        booleans ("true") as 1/0 (counted), -0 as 0."""
        if a.null_count == len(a):
            return a
        if pc.any(pc.equal(pc.binary_length(a), lit(19, pa.int32()))).as_py():
            midnight = pc.fill_null(
                pc.match_substring_regex(a, r"^[0-9]{4}-[0-9]{2}-[0-9]{2} 00:00:00$"), FALSE
            )
            if pc.any(midnight).as_py():
                a = pc.if_else(midnight, pc.utf8_slice_codeunits(a, 0, 10), a)
        if pc.any(pc.less_equal(pc.binary_length(a), lit(5, pa.int32()))).as_py():
            odd = pc.fill_null(pc.is_in(a, value_set=_ODD), FALSE)
            if pc.any(odd).as_py():
                n = pc.sum(pc.cast(pc.fill_null(pc.is_in(a, value_set=_BOOLS), FALSE), pa.int64())).as_py()
                if n:
                    self.normalised["spreadsheet booleans read as 1/0"] += n
                a = pc.if_else(odd, pc.take(_ODD_TEXT, pc.index_in(a, value_set=_ODD)), a)
        return a

    def raw_texts(self, rows: set[int]) -> dict[int, str]:
        """The rows' cells (all columns) as CSV lines."""
        import csv
        import io

        out: dict[int, str] = {}
        done = 0
        for batch in self.batches(None, empty_as_null=False):
            for i in range(batch.num_rows):
                if done + i + 1 in rows:
                    buf = io.StringIO()
                    csv.writer(buf, lineterminator="").writerow(
                        [batch.column(k)[i].as_py() or "" for k in range(batch.num_columns)]
                    )
                    out[done + i + 1] = buf.getvalue()
            done += batch.num_rows
        return out


def _finish(a: pa.Array, empty_as_null: bool) -> pa.Array:
    if a.type != pa.string():
        a = a.cast(pa.string())
    empty = lit("", pa.string())
    if empty_as_null:
        return pc.if_else(pc.equal(a, empty), lit(None, pa.string()), a) if len(a) else a
    return pc.fill_null(a, empty) if a.null_count else a


def _pad(batch: pa.RecordBatch, n: int) -> pa.RecordBatch:
    cols = [batch.column(i) for i in range(batch.num_columns)]
    cols += [pa.nulls(batch.num_rows, pa.string())] * (n - len(cols))
    return pa.RecordBatch.from_arrays(cols, names=[f"c{i}" for i in range(n)])


def _excel_error(detail: str) -> str:
    m = re.search(r"Error\((\w+)\)", detail)
    return EXCEL_ERRORS.get(m.group(1), m.group(1)) if m else detail


def _letters(i: int) -> str:
    """The Excel column letters of 0-based column ``i`` (0 → A, 26 → AA)."""
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s
