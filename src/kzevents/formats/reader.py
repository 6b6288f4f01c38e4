"""The reader loop: any known file into the canonical table, streaming in batches.

The source is opened by the input layer (a path, ``path::member``, ``-``, a file object; CSV in any
container, a workbook, JSON records, kzevents' own Parquet); format and layout are detected from the header
(:mod:`kzevents.formats.detect`); the rows come as string columns in small blocks
(:mod:`kzevents.io.tables`), grouped into batches of a few MB, and each batch is normalised by its format's
plugin on a small thread pool while the next ones are parsed; results come back in file order. With
``skip_invalid`` the rows that cannot be read (a row of the wrong width, a value the format refuses) are
left out and listed in the report with every reason; without it the first batch holding one stops the
read. Nothing here names a format.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Callable, Generator, Iterator
from concurrent.futures import Future
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kzevents.arrays import bools, whole
from kzevents.errors import DataError, Problem
from kzevents.formats import registry
from kzevents.formats.artefacts import DATE_ORDER
from kzevents.formats.canonical import read_parquet
from kzevents.formats.dateorder import file_date_order, shows_slash_dates
from kzevents.formats.detect import SourceSpec, detect_layout, header_of, open_input
from kzevents.formats.normalise import Issues
from kzevents.formats.readreport import ReadReport, Rejected
from kzevents.io.interrupts import worker_pool
from kzevents.io.locate import locate_csv_error
from kzevents.io.rawrows import RowMap, scan
from kzevents.io.sources import CsvSource, ParquetSource, Source, TableSource
from kzevents.io.tables import open_stream
from kzevents.validation.safety import NUL_MESSAGE, nul_cells

__all__ = ["ReadReport", "Rejected", "iter_read", "read"]

# per format: the columns its normaliser reads (the others are parsed but not decoded) and those decoded
# straight into dictionary arrays (tests empty these to check the result does not depend on them)
USED_COLUMNS: dict[str, frozenset[str]] = {f.name: f.read_columns for f in registry.FORMATS.values()}
CODED_COLUMNS: dict[str, frozenset[str]] = {f.name: f.read_coded for f in registry.FORMATS.values()}
PARSE_BLOCK = 1 << 20  # bytes of CSV per parsed block
SKIP_HINT = "; give --skip-invalid (skip_invalid=True) to keep the readable rows and list the others"
Done = tuple[pa.Table, Issues, Counter[str]]


def iter_read(
    src: SourceSpec | Source,
    fmt: str | None = None,
    batch_bytes: int = 1 << 23,
    report: ReadReport | None = None,
    progress: Callable[[int, int], None] | None = None,
    skip_invalid: bool = False,
    date_order: str | None = None,
) -> Generator[pa.Table, None, None]:
    """Stream ``src`` as canonical tables, one per block. Raises DataError listing bad values (or, with
    ``skip_invalid``, leaves their rows out and lists them in ``report.rejected``). ``date_order``
    ("dmy" or "mdy") is the order of slash dates (4/1/2025); by default it is decided from the file."""
    source = open_input(src)
    try:
        yield from _read(source, fmt, batch_bytes, report, progress, skip_invalid, date_order)
    finally:
        if source is not src:
            source.close()


def _read(
    source: Source,
    fmt: str | None,
    batch_bytes: int,
    report: ReadReport | None,
    progress: Callable[[int, int], None] | None,
    skip_invalid: bool,
    date_order: str | None,
) -> Iterator[pa.Table]:
    name = source.name
    report = report if report is not None else ReadReport(name, "")
    report.file = name
    if isinstance(source, ParquetSource):
        yield from _parquet(source, report)
        return
    header, encoding, bom = header_of(source)
    layout = detect_layout(header, name, fmt)
    report.layout = layout.name
    if bom:
        report.normalised["UTF-8 byte-order mark removed"] += 1
    if encoding != "utf-8":
        report.normalised[f"decoded as {encoding}"] += 1
    names = layout.names(header)
    if not layout.has_header:
        report.normalised["no header row: GED's 49 column names assumed"] += 1
    skipped: list[bool] = []  # set by Arrow's parser when it skips a row of the wrong width

    def invalid_row(row: Any) -> str:
        skipped.append(True)
        return "skip"

    stream = open_stream(
        source,
        header,
        names,
        encoding,
        include=[n for n in names if n in USED_COLUMNS.get(layout.format, names)],
        coded=frozenset(c for c in names if c in CODED_COLUMNS.get(layout.format, ())),
        empty_as_null=True,
        block_size=min(PARSE_BLOCK, batch_bytes),
        skip_header=layout.has_header,
        invalid_row=invalid_row if skip_invalid and isinstance(source, CsvSource) else None,
    )
    plugin = registry.get(layout.format)
    dates = [c for c in names if c in plugin.date_columns]
    row_map: RowMap | None = None
    wrong_width: dict[int, Rejected] = {}

    def work(
        batches: list[pa.RecordBatch], start: int, numbers: np.ndarray | None, order: str | None
    ) -> Done:
        DATE_ORDER.set(order)  # (each worker thread has a context of its own)
        issues, counts = Issues(name, start, numbers, every_row=skip_invalid), Counter[str]()
        t = pa.Table.from_batches(batches)
        for column in t.column_names:  # a NUL byte is never text (validate says the same)
            # chunk by chunk: combining the chunks would copy every column (ACLED's notes) for nothing
            if any(nul_cells(chunk) is not None for chunk in t.column(column).chunks):
                col = whole(t.column(column))
                issues.check(nul_cells(col), col, column, NUL_MESSAGE, code="nul")
        for p in _source_problems(source, issues, t.num_rows):
            issues.problems.append(p)
            issues.by_row.setdefault((p.row or 0) - start - 1, []).append(p)
        if issues.problems and not skip_invalid:
            return t.slice(0, 0), issues, counts
        out = plugin.normalise(t, layout, issues, counts)
        required(out, issues, plugin.id_column)
        counts.update(issues.counts)
        if issues.by_row:  # skip_invalid: the rows with a problem are left out (and listed)
            keep = np.ones(out.num_rows, bool)
            keep[list(issues.by_row)] = False
            out = out.filter(bools(keep))
        return out, issues, counts

    def groups() -> Iterator[list[pa.RecordBatch]]:
        # the parser works on small blocks (its buffers scale with the block size); the normaliser gets
        # groups of about batch_bytes (its cost per call is mostly fixed)
        group: list[pa.RecordBatch] = []
        size = 0
        while True:
            try:
                batch = next(stream)
            except StopIteration:
                if group:
                    yield group
                return
            except pa.ArrowInvalid as exc:
                assert isinstance(source, CsvSource)
                where = locate_csv_error(
                    source.raw, encoding, len(names), str(exc), has_header=layout.has_header, columns=names
                )
                hint = SKIP_HINT if where.code in ("csv-columns", "csv") and not skip_invalid else ""
                raise DataError([where], f"{name}: a row that cannot be read{hint}") from None
            group.append(batch)
            size += batch.get_total_buffer_size()  # nbytes walks every buffer's byte ranges: slower
            if size >= batch_bytes:
                yield group
                group, size = [], 0

    offset = 0  # rows given by the parser so far
    pending: pa.Table | None = None
    # batches are normalised on a small thread pool while the next ones are read (Arrow releases the GIL);
    # results come back in file order and at most a few batches are in flight
    with worker_pool(2, "kzevents-read") as pool:
        futures: deque[Future[Done]] = deque()

        def finish() -> pa.Table:
            nonlocal pending
            t, issues, counts = futures.popleft().result()
            if issues.problems and not skip_invalid:
                raise DataError(issues.problems, f"{name}: values that cannot be read{SKIP_HINT}")
            for rejected in _rejections(issues):
                report.rejected.append(rejected)
            report.normalised.update(counts)
            if layout.collapse is not None:
                # the rows of one event may straddle a batch: the last event waits for the next batch
                if pending is not None:
                    t = pa.concat_tables([pending, t])
                if t.num_rows:
                    last = t.column("event_id")[-1]
                    tail = pc.equal(t.column("event_id"), last)
                    pending = t.filter(tail)
                    t = layout.collapse(t.filter(pc.invert(tail)))
            return t

        for group in groups():
            n = sum(b.num_rows for b in group)
            if skipped and row_map is None:  # the parser left out rows of the wrong width: where?
                assert isinstance(source, CsvSource)
                for r in scan(source.raw, encoding, layout.has_header, width=len(names)):
                    reason = Problem(
                        "csv-columns",
                        f"row has {r.fields} fields, the header has {len(names)}",
                        name,
                        row=r.row,
                    )
                    wrong_width[r.row] = Rejected(r.row, r.line, r.text, [reason])
                row_map = RowMap(list(wrong_width))
            numbers = row_map.numbers(offset, n) if row_map is not None else None
            if date_order is None and shows_slash_dates(group, dates):  # decided once, for the file
                date_order = file_date_order(
                    source, header, names, encoding, layout.has_header, dates, date_order
                )
            futures.append(pool.submit(work, group, offset, numbers, date_order))
            offset += n
            if progress is not None:  # rows given, bytes of the file read so far
                progress(offset, stream.bytes_read)
            while len(futures) > 2:
                t = finish()
                if t.num_rows:
                    report.rows_out += t.num_rows
                    yield t
        while futures:
            t = finish()
            if t.num_rows:
                report.rows_out += t.num_rows
                yield t
    if pending is not None and pending.num_rows and layout.collapse is not None:
        t = layout.collapse(pending)
        report.rows_out += t.num_rows
        yield t
    if skipped and row_map is None:  # every row the parser gave came before it skipped one
        assert isinstance(source, CsvSource)
        for r in scan(source.raw, encoding, layout.has_header, width=len(names)):
            message = f"row has {r.fields} fields, the header has {len(names)}"
            reason = Problem("csv-columns", message, name, row=r.row)
            wrong_width[r.row] = Rejected(r.row, r.line, r.text, [reason])
    report.rows_in = offset + len(wrong_width)
    report.normalised.update(source.normalised)
    if report.rejected or wrong_width:
        _raw_texts(source, encoding, layout.has_header, report, wrong_width)
    if layout.collapse is not None:
        rows_kept = report.rows_in - report.rows_rejected
        report.normalised[layout.collapse_label] = rows_kept - report.rows_out
    if report.rows_in == 0:
        raise DataError([Problem("no-rows", "file has a header but no data rows", name, row=1)])


def _source_problems(source: Source, issues: Issues, n: int) -> list[Problem]:
    """The source's own problems (a workbook's error cells) in the batch's rows."""
    if not source.problems:
        return []
    first, last = issues.row(0) if n else 0, issues.row(n - 1) if n else -1
    return [p for p in source.problems if p.row is not None and first <= p.row <= last]


def _rejections(issues: Issues) -> Iterator[Rejected]:
    for i in sorted(issues.by_row):
        problems = issues.by_row[i]
        yield Rejected(problems[0].row or 0, None, "", problems)


def _raw_texts(
    source: Source, encoding: str, has_header: bool, report: ReadReport, wrong_width: dict[int, Rejected]
) -> None:
    """The rejected rows' text and line, in row order, from a second pass over the source."""
    by_row = {r.row: r for r in report.rejected}
    for row, r in wrong_width.items():
        if row in by_row:
            by_row[row].reasons[:0] = r.reasons
        else:
            by_row[row] = r
    want = {row for row, r in by_row.items() if not r.text}
    if want and isinstance(source, CsvSource):
        for raw in scan(source.raw, encoding, has_header, rows=want):
            by_row[raw.row].text, by_row[raw.row].line = raw.text, raw.line
    elif want and isinstance(source, TableSource):
        for row, text in source.raw_texts(want).items():
            by_row[row].text = text
    report.rejected[:] = [by_row[k] for k in sorted(by_row)]


def _parquet(source: ParquetSource, report: ReadReport) -> Iterator[pa.Table]:
    """kzevents' own Parquet: the canonical table back (a foreign Parquet file is refused)."""
    table = read_parquet(source.local_file())
    report.layout = "kzevents-parquet"
    report.rows_in = report.rows_out = table.num_rows
    yield table


def required(t: pa.Table, issues: Issues, id_column: str) -> None:
    """Rows a normaliser left without a value the canonical table requires (its id above all) are problems,
    not a writer's crash: a missing identifier is named by the format's id column."""
    if issues.problems and not issues.every_row:  # the rows are reported already
        return
    known = np.zeros(t.num_rows, bool)  # rows with a problem already: not reported again
    known[list(issues.by_row)] = True
    for f in t.schema:
        if f.nullable or not t.column(f.name).null_count:
            continue
        column = id_column if f.name == "event_id" else f"{f.name} (canonical column)"
        what = "identifier is missing" if f.name == "event_id" else "a value it needs is missing"
        values = t.column(f.name).combine_chunks()
        missing = pc.and_(pc.is_null(values), bools(~known))
        issues.check(missing, values, column, what)
        known |= np.asarray(missing.to_numpy(zero_copy_only=False), bool)


def read(
    src: SourceSpec | Source,
    format: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    skip_invalid: bool = False,
    date_order: str | None = None,
) -> tuple[pa.Table, ReadReport]:
    """Read a whole ACLED/GTD/GED file (a path, ``path::member``, ``-``, a binary file object; CSV in any
    container, xlsx, JSON, kzevents Parquet) into one canonical table, with the report of what was
    normalised (and, with ``skip_invalid``, of the rows left out)."""
    report = ReadReport(str(src) if isinstance(src, str) else "", "")
    tables = list(
        iter_read(
            src, format, report=report, progress=progress, skip_invalid=skip_invalid, date_order=date_order
        )
    )
    return pa.concat_tables(tables).unify_dictionaries().combine_chunks(), report
