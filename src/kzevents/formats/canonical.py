"""kzevents' own Parquet files (canonical table, GeoParquet) read back, below the readers, so that ``read``,
``validate`` and ``merge`` take them as they take a CSV."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import IO

import pyarrow as pa
import pyarrow.parquet as pq

from kzevents import table as canonical
from kzevents.errors import DataError, Problem

GEO_COLUMNS = ("geometry", "bbox")


def read_parquet(source: str | Path | IO[bytes]) -> pa.Table:
    """A kzevents Parquet file back as the canonical table (geometry and bbox dropped)."""
    name = str(source) if isinstance(source, str | Path) else getattr(source, "name", "<stream>")
    try:
        table = pq.read_table(
            source if not isinstance(source, io.BytesIO) else pa.BufferReader(source.getvalue())
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError) as exc:
        # not Parquet at all, or cut short (a truncated download): no footer to read
        raise DataError(
            [Problem("parquet", f"not a readable Parquet file (truncated or another format?): {exc}", name)]
        ) from None
    meta = table.schema.metadata or {}
    if b"kzevents" not in meta:
        raise DataError(
            [Problem("parquet", "not a kzevents Parquet file (no 'kzevents' metadata key)", name)]
        )
    info = json.loads(meta[b"kzevents"])
    major = str(info.get("canonical_schema_version", "0")).split(".")[0]
    if major != canonical.CANONICAL_SCHEMA_VERSION.split(".")[0]:
        raise DataError(
            [
                Problem(
                    "parquet",
                    f"canonical schema version {info.get('canonical_schema_version')} "
                    f"is not compatible with {canonical.CANONICAL_SCHEMA_VERSION}",
                    name,
                )
            ]
        )
    table = table.drop_columns([c for c in GEO_COLUMNS if c in table.column_names])
    kept = {k: v for k, v in meta.items() if k != b"geo"}
    target = canonical.schema()
    table = canonical.conform(table)  # an older minor version: the columns it lacks as nulls
    if table.column_names == target.names:  # Parquet names list items "element": back to Arrow's "item"
        return table.cast(target.with_metadata(kept))
    return table.replace_schema_metadata(kept)
