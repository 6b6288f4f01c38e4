"""``kzevents convert``: any known file streamed into a canonical Parquet file, in bounded memory.

The file is the same canonical GeoParquet as ``kzevents export`` writes (:mod:`kzevents.outputs.parquet`):
the canonical columns, ``geometry`` and ``bbox``, and a ``geo`` key whose bbox covers every row group.
"""

from __future__ import annotations

import contextlib
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path

import pyarrow as pa

from kzevents import table
from kzevents.formats.detect import SourceSpec, open_input
from kzevents.formats.reader import ReadReport, iter_read
from kzevents.io.atomic import atomic_write_bytes
from kzevents.io.csvtext import csv_text
from kzevents.io.interrupts import SerialWorker, finish
from kzevents.io.opening import split_spec
from kzevents.io.paths import check_destination, check_not_sources
from kzevents.io.sources import ParquetSource, Source
from kzevents.outputs.parquet import GeoParquetWriter, open_parquet

ROW_GROUP_ROWS = 1 << 15  # rows per Parquet row group written by convert


REJECTED_COLUMNS = ("row", "line", "reasons", "text")


def rejected_path(dest: str | Path) -> Path:
    """Where the rows ``skip_invalid`` left out go: beside DEST, ``out.parquet`` -> ``out.rejected.csv``."""
    d = Path(dest)
    stem = d.name[: -len(".parquet")] if d.name.endswith(".parquet") else d.name
    return d.with_name(stem + ".rejected.csv")


def convert(
    src: SourceSpec | Source,
    dest: str | Path,
    format: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    skip_invalid: bool = False,
    date_order: str | None = None,
) -> ReadReport:
    """Stream ``src`` (ACLED/GTD/GED: CSV in any container, xlsx, JSON) into a canonical GeoParquet file
    ``dest`` (atomic; bounded memory).

    ``dest`` must not be ``src`` (it would be replaced while it is read); a previous ``dest`` is replaced
    only when the whole file is written. On an error or an interrupt the writer thread is joined before the
    Parquet writer is closed and the temporary file removed, so nothing half-written is left. With
    ``skip_invalid`` the rows that cannot be read are left out and written, with their row, line, every
    reason and their text, to :func:`rejected_path` (``out.rejected.csv``)."""
    sources = [split_spec(str(src))[0]] if isinstance(src, str | Path) else []
    check_not_sources(dest, sources)
    check_destination(dest)
    if skip_invalid:
        check_not_sources(rejected_path(dest), sources)
        check_destination(rejected_path(dest))
    source = open_input(src)
    try:
        if isinstance(source, ParquetSource):
            from kzevents.errors import UsageError

            raise UsageError(
                f"{source.name}: already a kzevents Parquet file (nothing to convert; "
                "kzevents validate and merge read it as it is)"
                if source.is_kzevents()
                else f"{source.name}: a Parquet file not written by kzevents; convert reads ACLED, GTD "
                "and GED files (CSV, xlsx, JSON)"
            )
        report = _convert(source, dest, format, progress, skip_invalid, date_order)
    finally:
        if source is not src:
            source.close()
    if skip_invalid:
        rows = [
            [str(r.row), "" if r.line is None else str(r.line), r.reason_text(), r.text]
            for r in report.rejected
        ]
        atomic_write_bytes(rejected_path(dest), csv_text([list(REJECTED_COLUMNS), *rows]).encode("utf-8"))
    return report


def _convert(
    src: Source,
    dest: str | Path,
    format: str | None,
    progress: Callable[[int, int], None] | None,
    skip_invalid: bool,
    date_order: str | None,
) -> ReadReport:
    report = ReadReport(src.name, "")
    with contextlib.ExitStack() as stack:
        writer: GeoParquetWriter | None = None

        def open_writer() -> GeoParquetWriter:
            # opened on the first rows, when iter_read has found the layout
            schema = table.schema({"source_file": Path(src.name).name, "layout": report.layout})
            return stack.enter_context(open_parquet(dest, schema))

        # the writer runs on a thread of its own while the next batches are read and normalised; batches
        # are grouped into row groups of about ROW_GROUP_ROWS rows (fewer, larger row groups write faster
        # and compress better) with one dictionary per column
        io_thread = SerialWorker("kzevents-parquet")
        writes: deque[Future[None]] = deque()
        group: list[pa.Table] = []
        rows = 0

        def flush() -> None:
            nonlocal group, rows, writer
            if writer is None:
                writer = open_writer()
            t = pa.concat_tables(group).unify_dictionaries()
            writes.append(io_thread.submit(writer.write, t))
            group, rows = [], 0
            while len(writes) > 1:
                writes.popleft().result()

        batches = iter_read(
            src, format, report=report, progress=progress, skip_invalid=skip_invalid, date_order=date_order
        )
        try:
            for t in batches:
                group.append(t)
                rows += t.num_rows
                if rows >= ROW_GROUP_ROWS:
                    flush()
            if group:
                flush()
            while writes:
                writes.popleft().result()
        finally:
            # whatever happened (an error, Ctrl-C, SIGTERM): the reader's threads and the write in flight
            # end before the file is closed, by the exit stack (closing it under a running write crashed
            # pyarrow), and the temporary file is removed
            finish(batches.close, io_thread.stop)
        if writer is None:  # no rows (the reader raises first on an empty file): a valid empty file
            open_writer().write(table.from_columns(table.empty_columns()))
    return report
