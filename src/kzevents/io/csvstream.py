"""Streaming a CSV file as Arrow record batches in bounded blocks (memory does not grow with the file)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv

PARSE_BLOCK = 1 << 20  # bytes of CSV per parsed block (the parser's buffers grow with the block)
MAX_BLOCK = 1 << 30  # the largest block tried for a row longer than a block
TABLE_BYTES = 1 << 23  # bytes of strings per table handed on by iter_csv_tables


def stream_csv(
    path: str | Path,
    columns: list[str],
    encoding: str,
    block_size: int,
    convert_options: Any,
    skip_header: bool = True,
) -> Iterator[pa.RecordBatch]:
    """Record batches of a CSV file with a header line (skipped; ``columns`` name the fields), parsed in
    blocks of ``block_size`` bytes. A row longer than a block (a huge cell) makes Arrow's streaming
    parser give up; the stream then resumes after the rows already given, with blocks 8 times larger.
    (Arrow counts blank lines among the rows it skips, so a file with blank lines and a row longer than a
    block may repeat a few rows; such a row is reported by the validator anyway.)"""
    done = 0
    while True:
        reader = pacsv.open_csv(
            str(path),
            read_options=pacsv.ReadOptions(
                encoding=encoding,
                block_size=block_size,
                skip_rows=1 if skip_header else 0,
                skip_rows_after_names=done,
                column_names=columns,
            ),
            parse_options=pacsv.ParseOptions(newlines_in_values=True),
            convert_options=convert_options,
        )
        try:
            for batch in reader:
                done += batch.num_rows
                yield batch
            return
        except pa.ArrowInvalid as exc:
            if "straddl" not in str(exc) or block_size >= MAX_BLOCK:
                raise
            block_size *= 8


def iter_csv_tables(
    path: str | Path,
    columns: list[str],
    encoding: str = "utf-8",
    table_bytes: int = TABLE_BYTES,
    skip_header: bool = True,
    coded: frozenset[str] = frozenset(),
) -> Iterator[pa.Table]:
    """Stream a CSV file as tables of strings (empty cells stay empty strings) of about ``table_bytes``;
    the header line is skipped and ``columns`` name the fields (an unnamed index column gets a placeholder
    name). The ``coded`` columns come as dictionary arrays (each distinct value is then checked once)."""
    reader = stream_csv(
        path,
        columns,
        encoding,
        min(PARSE_BLOCK, table_bytes),
        pacsv.ConvertOptions(
            column_types={
                c: pa.dictionary(pa.int32(), pa.string()) if c in coded else pa.string() for c in columns
            },
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
        skip_header=skip_header,
    )
    group: list[pa.RecordBatch] = []
    size = 0
    for batch in reader:
        group.append(batch)
        size += batch.get_total_buffer_size()  # (a parser's batch owns its buffers: same as nbytes)
        if size >= table_bytes:
            yield pa.Table.from_batches(group).combine_chunks()
            group, size = [], 0
    if group:
        yield pa.Table.from_batches(group).combine_chunks()


def estimate_row_bytes(path: Path) -> float:
    """Average bytes per line over the first MB (for a progress estimate only)."""
    with open(path, "rb") as fh:
        head = fh.read(1 << 20)
    return len(head) / max(head.count(b"\n"), 1)
