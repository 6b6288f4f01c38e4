"""The reader loop: any known file into the canonical table, streaming in batches.

Format and layout are detected from the header (:mod:`kzevents.formats.detect`); the CSV is parsed in
small blocks (:mod:`kzevents.io.csvstream`), grouped into batches of a few MB, and each batch is normalised
by its format's plugin on a small thread pool while the next ones are parsed; results come back in file
order. Nothing here names a format.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Callable, Generator, Iterator
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import attrs
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from kzevents.arrays import whole
from kzevents.errors import DataError, Problem
from kzevents.formats import registry
from kzevents.formats.detect import detect_layout, sniff_file
from kzevents.formats.normalise import Issues
from kzevents.io.csvstream import stream_csv
from kzevents.io.interrupts import worker_pool
from kzevents.io.locate import locate_csv_error
from kzevents.io.paths import check_source
from kzevents.validation.safety import NUL_MESSAGE, nul_cells

# per format: the columns its normaliser reads (the others are parsed but not decoded) and those decoded
# straight into dictionary arrays (tests empty these to check the result does not depend on them)
USED_COLUMNS: dict[str, frozenset[str]] = {f.name: f.read_columns for f in registry.FORMATS.values()}
CODED_COLUMNS: dict[str, frozenset[str]] = {f.name: f.read_coded for f in registry.FORMATS.values()}
PARSE_BLOCK = 1 << 20  # bytes of CSV per parsed block


@attrs.define
class ReadReport:
    """What a read normalised (counts per kind), and the layout it found."""

    file: str
    layout: str
    rows_in: int = 0
    rows_out: int = 0
    normalised: Counter[str] = attrs.field(factory=Counter)

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "layout": self.layout,
            "rows_in": self.rows_in,
            "rows_out": self.rows_out,
            "normalised": dict(sorted(self.normalised.items())),
        }


def iter_read(
    path: str | Path,
    fmt: str | None = None,
    batch_bytes: int = 1 << 23,
    report: ReadReport | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Generator[pa.Table, None, None]:
    """Stream ``path`` as canonical tables, one per block. Raises DataError listing bad values."""
    p = check_source(path)
    header, encoding, bom = sniff_file(p)
    layout = detect_layout(header, str(p), fmt)
    report = report if report is not None else ReadReport(str(p), layout.name)
    report.layout = layout.name
    if bom:
        report.normalised["UTF-8 byte-order mark removed"] += 1
    if encoding != "utf-8":
        report.normalised[f"decoded as {encoding}"] += 1
    names = layout.names(header)
    if not layout.has_header:
        report.normalised["no header row: GED's 49 column names assumed"] += 1
    reader = stream_csv(
        p,
        names,
        encoding,
        min(PARSE_BLOCK, batch_bytes),
        pacsv.ConvertOptions(
            column_types={
                c: pa.dictionary(pa.int32(), pa.string())
                if c in CODED_COLUMNS.get(layout.format, ())
                else pa.string()
                for c in names
            },
            # columns the canonical table does not take are parsed (the row must be well formed) but not
            # decoded
            include_columns=[n for n in names if n in USED_COLUMNS.get(layout.format, names)],
            # only the empty field is missing: Arrow's default null markers ("NA", "N/A", "null", "NaN",
            # "nan", "-nan", "#N/A", ...) would turn a place called NA or notes reading "null" into nulls;
            # a format's own conventions (GTD's -9/-99) are its normaliser's business
            null_values=[""],
            strings_can_be_null=True,
            quoted_strings_can_be_null=True,
        ),
        skip_header=layout.has_header,
    )
    normalise = registry.get(layout.format).normalise

    id_column = registry.get(layout.format).id_column

    def work(batches: list[pa.RecordBatch], start: int) -> tuple[pa.Table, Issues, Counter[str]]:
        issues, counts = Issues(str(p), start), Counter[str]()
        t = pa.Table.from_batches(batches)
        for name in t.column_names:  # a NUL byte is never text (validate says the same)
            # chunk by chunk: combining the chunks would copy every column (ACLED's notes) for nothing
            if any(nul_cells(chunk) is not None for chunk in t.column(name).chunks):
                col = whole(t.column(name))
                issues.check(nul_cells(col), col, name, NUL_MESSAGE, code="nul")
        if issues.problems:
            return t.slice(0, 0), issues, counts
        out = normalise(t, layout, issues, counts)
        required(out, issues, id_column)
        return out, issues, counts

    def groups() -> Iterator[list[pa.RecordBatch]]:
        # the parser works on small blocks (its buffers scale with the block size); the normaliser gets
        # groups of about batch_bytes (its cost per call is mostly fixed)
        group: list[pa.RecordBatch] = []
        size = 0
        while True:
            try:
                batch = next(reader)
            except StopIteration:
                if group:
                    yield group
                return
            except pa.ArrowInvalid as exc:
                raise DataError(
                    [
                        locate_csv_error(
                            p, encoding, len(names), str(exc), has_header=layout.has_header, columns=names
                        )
                    ]
                ) from None
            group.append(batch)
            size += batch.get_total_buffer_size()  # nbytes walks every buffer's byte ranges: slower
            if size >= batch_bytes:
                yield group
                group, size = [], 0

    offset = 0
    pending: pa.Table | None = None
    # batches are normalised on a small thread pool while the next ones are read (Arrow releases the GIL);
    # results come back in file order and at most a few batches are in flight
    with worker_pool(2, "kzevents-read") as pool:
        futures: deque[Future[tuple[pa.Table, Issues, Counter[str]]]] = deque()

        def finish() -> pa.Table:
            nonlocal pending
            t, issues, counts = futures.popleft().result()
            if issues.problems:
                raise DataError(issues.problems, f"{p}: values that cannot be read")
            report.normalised.update(counts)
            if layout.collapse is not None:
                # the rows of one event may straddle a batch: the last event waits for the next batch
                if pending is not None:
                    t = pa.concat_tables([pending, t])
                last = t.column("event_id")[-1]
                tail = pc.equal(t.column("event_id"), last)
                pending = t.filter(tail)
                t = layout.collapse(t.filter(pc.invert(tail)))
            return t

        for group in groups():
            n = sum(b.num_rows for b in group)
            futures.append(pool.submit(work, group, offset))
            offset += n
            report.rows_in += n
            if progress is not None:  # rows given, bytes of the file read so far
                progress(report.rows_in, reader.bytes_read)
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
    if layout.collapse is not None:
        report.normalised[layout.collapse_label] = report.rows_in - report.rows_out
    if report.rows_in == 0:
        raise DataError([Problem("no-rows", "file has a header but no data rows", str(p), row=1)])


def required(t: pa.Table, issues: Issues, id_column: str) -> None:
    """Rows a normaliser left without a value the canonical table requires (its id above all) are problems,
    not a writer's crash: a missing identifier is named by the format's id column."""
    if issues.problems:  # the rows are reported already
        return
    for f in t.schema:
        if f.nullable or not t.column(f.name).null_count:
            continue
        column = id_column if f.name == "event_id" else f"{f.name} (canonical column)"
        what = "identifier is missing" if f.name == "event_id" else "a value it needs is missing"
        issues.check(
            pc.is_null(t.column(f.name).combine_chunks()), t.column(f.name).combine_chunks(), column, what
        )


def read(
    path: str | Path, format: str | None = None, progress: Callable[[int, int], None] | None = None
) -> tuple[pa.Table, ReadReport]:
    """Read a whole ACLED/GTD/GED file into one canonical table, with the report of what was normalised."""
    report = ReadReport(str(path), "")
    tables = list(iter_read(path, format, report=report, progress=progress))
    return pa.concat_tables(tables).unify_dictionaries().combine_chunks(), report
