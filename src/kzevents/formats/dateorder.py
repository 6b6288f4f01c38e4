"""The day/month order of a file's slash dates (``4/1/2025``), decided once for the whole file: when a batch
shows slash dates in a format's date columns, those columns alone are read over the whole source and the
evidence decides (:class:`kzevents.formats.artefacts.DateOrder`); ``--date-order`` decides instead."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pyarrow as pa

from kzevents.formats.artefacts import DateOrder, has_slash_dates
from kzevents.io.sources import CsvSource, Source
from kzevents.io.tables import open_stream


def shows_slash_dates(batches: Iterable[pa.RecordBatch | pa.Table], columns: Iterable[str]) -> bool:
    for b in batches:
        for c in columns:
            if c in b.schema.names:
                col = b.column(c)
                chunks = col.chunks if isinstance(col, pa.ChunkedArray) else [col]
                if any(has_slash_dates(ch.cast(pa.string())) for ch in chunks if len(ch)):
                    return True
    return False


def file_date_order(
    source: Source,
    header: list[str],
    names: list[str],
    encoding: str,
    has_header: bool,
    columns: list[str],
    given: str | None,
) -> str:
    """The order of the whole file's slash dates (a DataError when it cannot be told)."""
    if given is not None:
        return given
    evidence = DateOrder(source.name)

    def skip(row: Any) -> str:  # (a row the main pass reports)
        return "skip"

    stream = open_stream(
        source,
        header,
        names,
        encoding,
        include=columns,
        empty_as_null=True,
        skip_header=has_header,
        invalid_row=skip if isinstance(source, CsvSource) else None,
    )
    for batch in stream:
        for c in columns:
            evidence.observe(batch.column(c), c)
    return evidence.decide()
