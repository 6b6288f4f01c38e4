"""Parquet / GeoParquet 1.1: the canonical table with its explicit schema, zstd, the ``kzevents`` metadata
key, the claims (nothing is lost), a WKB point ``geometry`` column, a ``bbox`` covering column and the
``geo`` file metadata (reference/formats.md §1-2). Writes are atomic.
"""

from __future__ import annotations

import io
import json
import math
from pathlib import Path
from typing import IO, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from kzevents import table as canonical
from kzevents.dataset.model import Dataset
from kzevents.errors import DataError, Problem
from kzevents.io.atomic import atomic_path

BBOX_TYPE = pa.struct(
    [("xmin", pa.float64()), ("ymin", pa.float64()), ("xmax", pa.float64()), ("ymax", pa.float64())]
)


def wkb_points(lon: pa.Array, lat: pa.Array) -> pa.Array:
    """ISO WKB points, little-endian (byte order 1, type 1, x = lon, y = lat); null where a coordinate is."""
    n = len(lon)
    x = pc.fill_null(lon, math.nan).to_numpy(zero_copy_only=False).astype("<f8")
    y = pc.fill_null(lat, math.nan).to_numpy(zero_copy_only=False).astype("<f8")
    rec = np.zeros(n, dtype=[("order", "u1"), ("type", "<u4"), ("x", "<f8"), ("y", "<f8")])
    rec["order"], rec["type"], rec["x"], rec["y"] = 1, 1, x, y
    offsets = np.arange(0, 21 * (n + 1), 21, dtype=np.int32)
    points = pa.BinaryArray.from_buffers(
        pa.binary(), n, [None, pa.py_buffer(offsets), pa.py_buffer(rec.tobytes())]
    )
    valid = pc.and_(pc.is_valid(lon), pc.is_valid(lat))
    if pc.all(valid).as_py():
        return points
    return pc.if_else(valid, points, pa.scalar(None, pa.binary()))


def geo_metadata(lon: pa.Array, lat: pa.Array) -> dict[str, Any]:
    """The GeoParquet 1.1 ``geo`` key (crs omitted: OGC:CRS84)."""
    bbox = [pc.min(lon).as_py(), pc.min(lat).as_py(), pc.max(lon).as_py(), pc.max(lat).as_py()]
    column: dict[str, Any] = {
        "encoding": "WKB",
        "geometry_types": ["Point"],
        "covering": {
            "bbox": {
                "xmin": ["bbox", "xmin"],
                "ymin": ["bbox", "ymin"],
                "xmax": ["bbox", "xmax"],
                "ymax": ["bbox", "ymax"],
            }
        },
    }
    if None not in bbox:
        column["bbox"] = bbox
    return {"version": "1.1.0", "primary_column": "geometry", "columns": {"geometry": column}}


def geo_table(table: pa.Table) -> pa.Table:
    """The canonical table plus ``geometry`` and ``bbox`` columns and the ``geo`` metadata key."""
    lon = table.column("longitude").combine_chunks()
    lat = table.column("latitude").combine_chunks()
    valid = pc.and_(pc.is_valid(lon), pc.is_valid(lat))
    bbox = pa.StructArray.from_arrays([lon, lat, lon, lat], fields=list(BBOX_TYPE), mask=pc.invert(valid))
    out = table.append_column(
        pa.field("geometry", pa.binary(), metadata={"description": "WKB point"}), wkb_points(lon, lat)
    )
    out = out.append_column(pa.field("bbox", BBOX_TYPE), bbox)
    meta = dict(table.schema.metadata or {})
    meta[b"geo"] = json.dumps(geo_metadata(lon, lat)).encode()
    return out.replace_schema_metadata(meta)


def write_parquet(data: Dataset | pa.Table, dest: str | Path | IO[bytes], *, geo: bool = True) -> None:
    """Write the canonical table (of a dataset or as given) as (Geo)Parquet to a path (atomically) or a file
    object."""
    table = data if isinstance(data, pa.Table) else data.to_arrow()
    if geo:
        table = geo_table(table)
    if not isinstance(dest, str | Path):
        pq.write_table(table, dest, compression="zstd")
        return
    with atomic_path(dest) as tmp:
        pq.write_table(table, str(tmp), compression="zstd")


def read_parquet(source: str | Path | IO[bytes]) -> pa.Table:
    """A kzevents Parquet file back as the canonical table (geometry and bbox dropped)."""
    name = str(source) if isinstance(source, str | Path) else getattr(source, "name", "<stream>")
    table = pq.read_table(
        source if not isinstance(source, io.BytesIO) else pa.BufferReader(source.getvalue())
    )
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
    drop = [c for c in ("geometry", "bbox") if c in table.column_names]
    table = table.drop_columns(drop)
    kept = {k: v for k, v in meta.items() if k != b"geo"}
    target = canonical.schema()
    if table.column_names == target.names:  # Parquet names list items "element": back to Arrow's "item"
        return table.cast(target.with_metadata(kept))
    return table.replace_schema_metadata(kept)
