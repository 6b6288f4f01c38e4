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
from kzevents.formats.reader import ReadReport, iter_read
from kzevents.io.interrupts import SerialWorker, finish
from kzevents.io.paths import check_not_sources, check_source
from kzevents.outputs.parquet import GeoParquetWriter, open_parquet

ROW_GROUP_ROWS = 1 << 15  # rows per Parquet row group written by convert


def convert(
    src: str | Path,
    dest: str | Path,
    format: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ReadReport:
    """Stream ``src`` (ACLED/GTD/GED CSV) into a canonical GeoParquet file ``dest`` (atomic; bounded
    memory).

    ``dest`` must not be ``src`` (it would be replaced while it is read); a previous ``dest`` is replaced
    only when the whole file is written. On an error or an interrupt the writer thread is joined before the
    Parquet writer is closed and the temporary file removed, so nothing half-written is left."""
    check_source(src)
    check_not_sources(dest, [src])
    report = ReadReport(str(src), "")
    with contextlib.ExitStack() as stack:
        writer: GeoParquetWriter | None = None

        def open_writer() -> GeoParquetWriter:
            # opened on the first rows, when iter_read has found the layout
            schema = table.schema({"source_file": Path(src).name, "layout": report.layout})
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

        batches = iter_read(src, format, report=report, progress=progress)
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
