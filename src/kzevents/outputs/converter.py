"""``kzevents convert``: any known file streamed into a canonical Parquet file, in bounded memory."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from kzevents import table
from kzevents.formats.reader import ReadReport, iter_read
from kzevents.io.atomic import atomic_path

ROW_GROUP_ROWS = 1 << 15  # rows per Parquet row group written by convert


def convert(
    src: str | Path,
    dest: str | Path,
    format: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ReadReport:
    """Stream ``src`` (ACLED/GTD/GED CSV) into a canonical Parquet file ``dest`` (atomic; bounded memory)."""
    report = ReadReport(str(src), "")
    with atomic_path(dest) as tmp:
        writer: pq.ParquetWriter | None = None
        with ThreadPoolExecutor(1) as io_pool:
            # the writer runs on its own thread while the next batches are read and normalised; batches
            # are grouped into row groups of about ROW_GROUP_ROWS rows (fewer, larger row groups write
            # faster and compress better) with one dictionary per column
            writes: deque[Future[None]] = deque()
            group: list[pa.Table] = []
            rows = 0

            def flush() -> None:
                nonlocal group, rows, writer
                if writer is None:  # created on the first rows, when iter_read has found the layout
                    schema = table.schema({"source_file": Path(src).name, "layout": report.layout})
                    # dictionary pages only for dictionary columns: free text (notes, ids) would be tried
                    # and dropped
                    dict_columns = [f.name for f in schema if pa.types.is_dictionary(f.type)]
                    writer = pq.ParquetWriter(
                        str(tmp),
                        schema,
                        compression="zstd",
                        use_dictionary=dict_columns,
                        write_statistics=table.STATISTICS_COLUMNS,
                    )
                t = (
                    pa.concat_tables(group)
                    .unify_dictionaries()
                    .replace_schema_metadata(writer.schema.metadata)
                )
                writes.append(io_pool.submit(writer.write_table, t))
                group, rows = [], 0
                while len(writes) > 1:
                    writes.popleft().result()

            try:
                for t in iter_read(src, format, report=report, progress=progress):
                    group.append(t)
                    rows += t.num_rows
                    if rows >= ROW_GROUP_ROWS:
                        flush()
                if group:
                    flush()
                while writes:
                    writes.popleft().result()
            finally:
                for f in writes:  # an error: let the writes in flight end before the file is closed
                    f.exception()
                if writer is not None:
                    writer.close()
    return report
