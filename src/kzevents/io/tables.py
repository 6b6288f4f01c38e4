"""The one stream of string columns every reader and the validator take, whatever the source: CSV text (in
any container) parsed by Arrow's streaming reader, or the cells of a workbook or of JSON records. The same
file gives the same columns in every container, and row N is the N-th data row in all of them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from kzevents.io.csvstream import PARSE_BLOCK, TABLE_BYTES, CsvStream, stream_csv
from kzevents.io.sources import CsvSource, Source, TableSource

DICT = pa.dictionary(pa.int32(), pa.string())


class CellStream:
    """Record batches of a workbook's or JSON's cells with the interface of a :class:`CsvStream`
    (``rows`` given so far, ``bytes_read``), named as the CSV reader would name them."""

    def __init__(
        self,
        src: TableSource,
        header: list[str],
        names: list[str],
        include: list[str] | None,
        coded: frozenset[str],
        empty_as_null: bool,
    ) -> None:
        self.src, self.rows, self.bytes_read, self.restarts = src, 0, 0, 0
        by_header = dict(zip(header, names, strict=True))
        wanted = set(include) if include is not None else None
        ask = [h for h, n in by_header.items() if wanted is None or n in wanted]
        self._batches = self._stream(ask, by_header, coded, empty_as_null)

    def __iter__(self) -> CellStream:
        return self

    def __next__(self) -> pa.RecordBatch:
        return next(self._batches)

    def _stream(
        self, ask: list[str], by_header: dict[str, str], coded: frozenset[str], empty_as_null: bool
    ) -> Iterator[pa.RecordBatch]:
        for batch in self.src.batches(ask, empty_as_null):
            names = [by_header[h] for h in batch.schema.names]
            cols = [
                pc.dictionary_encode(batch.column(i)).cast(DICT) if n in coded else batch.column(i)
                for i, n in enumerate(names)
            ]
            self.rows += batch.num_rows
            self.bytes_read = self.src.raw.consumed()
            yield pa.RecordBatch.from_arrays(cols, names=names)


Stream = CsvStream | CellStream


def open_stream(
    src: Source,
    header: list[str],
    names: list[str],
    encoding: str,
    *,
    include: list[str] | None = None,
    coded: frozenset[str] = frozenset(),
    empty_as_null: bool,
    block_size: int = PARSE_BLOCK,
    skip_header: bool = True,
    invalid_row: Callable[[Any], str] | None = None,
) -> Stream:
    """Batches of string columns (``coded`` ones as dictionaries; only ``include`` decoded) named by
    ``names``, in file order. Empty cells are nulls when ``empty_as_null`` (the readers) or empty strings
    (the validator). Only CSV text can hold a row of the wrong width (``invalid_row``: Arrow's handler)."""
    if isinstance(src, TableSource):
        return CellStream(src, header, names, include, coded, empty_as_null)
    assert isinstance(src, CsvSource)
    convert = pacsv.ConvertOptions(
        column_types={c: DICT if c in coded else pa.string() for c in names},
        include_columns=include if include is not None else [],
        # only the empty field is missing: Arrow's default null markers ("NA", "N/A", "null", "NaN", ...)
        # would turn a place called NA or notes reading "null" into nulls
        null_values=[""],
        strings_can_be_null=empty_as_null,
        quoted_strings_can_be_null=empty_as_null,
    )
    return stream_csv(
        src.parse_source(), names, encoding, block_size, convert, skip_header, invalid_row=invalid_row
    )


def string_tables(
    stream: Stream, table_bytes: int = TABLE_BYTES, progress: Callable[[int, int], None] | None = None
) -> Iterator[pa.Table]:
    """The batches of ``stream`` grouped into tables of about ``table_bytes``, one chunk per parsed
    block: the consumer combines them on its worker thread (0.2-0.3 s of copying per 1M ACLED rows that
    would otherwise sit on the parsing thread, the one every other stage waits for); ``progress`` is told
    (rows given, bytes of the file read) after each table."""
    group: list[pa.RecordBatch] = []
    size = 0
    for batch in stream:
        group.append(batch)
        size += batch.get_total_buffer_size()  # (a parser's batch owns its buffers: same as nbytes)
        if size >= table_bytes:
            yield pa.Table.from_batches(group)
            group, size = [], 0
            if progress is not None:
                progress(stream.rows, stream.bytes_read)
    if group:
        yield pa.Table.from_batches(group)
    if progress is not None:
        progress(stream.rows, stream.bytes_read)
