"""The canonical Parquet file: GeoParquet 1.1 of the canonical table, written the same way by ``export``,
``convert`` and ``merge`` (reference/formats.md §1-2).

The file holds the canonical columns with their explicit schema (claims included: nothing is lost), then a
WKB point ``geometry`` column (null where a row has no coordinates) and a ``bbox`` covering column, zstd,
the ``kzevents`` metadata key and the ``geo`` key, whose bbox covers every row. :class:`GeoParquetWriter`
takes canonical tables one after another (``convert`` streams row groups through it) and writes the
``geo`` key when it closes; writes go through the one atomic writer (:func:`open_parquet`).
"""

from __future__ import annotations

import base64
import contextlib
import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from kzevents import table as canonical
from kzevents.arrays import lit
from kzevents.dataset.model import Dataset
from kzevents.errors import DataError
from kzevents.formats.canonical import read_parquet as read_parquet  # (where it was)
from kzevents.io.atomic import atomic_path

BBOX_TYPE = pa.struct(
    [("xmin", pa.float64()), ("ymin", pa.float64()), ("xmax", pa.float64()), ("ymax", pa.float64())]
)
GEOMETRY_FIELD = pa.field(
    "geometry", pa.binary(), metadata={"description": "WKB point (longitude, latitude), OGC:CRS84"}
)
BBOX_FIELD = pa.field("bbox", BBOX_TYPE, metadata={"description": "GeoParquet 1.1 bbox covering"})
# min/max statistics: what queries filter on (the canonical list, and the bbox covering, whose row-group
# statistics are what a spatial filter reads)
STATISTICS = [*canonical.STATISTICS_COLUMNS, *(f"bbox.{k}" for k in ("xmin", "ymin", "xmax", "ymax"))]


def _float64s(a: pa.Array) -> np.ndarray:
    """A float64 array as NumPy, NaN where null, read from its buffer (``to_numpy`` imports pandas, which
    convert and the readers never need)."""
    a = pc.fill_null(a.cast(pa.float64()), lit(math.nan, pa.float64()))
    return np.frombuffer(a.buffers()[1], "<f8", count=len(a), offset=a.offset * 8)


def wkb_points(lon: pa.Array, lat: pa.Array) -> pa.Array:
    """ISO WKB points, little-endian (byte order 1, type 1, x = lon, y = lat); null where a coordinate is."""
    n = len(lon)
    x, y = _float64s(lon), _float64s(lat)
    rec = np.zeros(n, dtype=[("order", "u1"), ("type", "<u4"), ("x", "<f8"), ("y", "<f8")])
    rec["order"], rec["type"], rec["x"], rec["y"] = 1, 1, x, y
    offsets = np.arange(0, 21 * (n + 1), 21, dtype=np.int32)
    points = pa.BinaryArray.from_buffers(
        pa.binary(), n, [None, pa.py_buffer(offsets), pa.py_buffer(rec.tobytes())]
    )
    valid = pc.and_(pc.is_valid(lon), pc.is_valid(lat))
    if pc.all(valid).as_py():
        return points
    return pc.if_else(valid, points, lit(None, pa.binary()))


def geo_metadata(bbox: list[float] | None) -> dict[str, Any]:
    """The GeoParquet 1.1 ``geo`` key (crs omitted: OGC:CRS84); ``bbox`` [xmin, ymin, xmax, ymax] of every
    row, or None when no row has coordinates."""
    column: dict[str, Any] = {
        "encoding": "WKB",
        "geometry_types": ["Point"],
        "covering": {"bbox": {k: ["bbox", k] for k in ("xmin", "ymin", "xmax", "ymax")}},
    }
    if bbox is not None:
        column["bbox"] = bbox
    return {"version": "1.1.0", "primary_column": "geometry", "columns": {"geometry": column}}


def file_schema(schema: pa.Schema) -> pa.Schema:
    """The canonical schema (with its metadata) plus ``geometry`` and ``bbox``: the file's columns."""
    return schema.append(GEOMETRY_FIELD).append(BBOX_FIELD)


def conform(table: pa.Table) -> pa.Table:
    """``table`` with the canonical schema: its columns must be the canonical ones, in order (a merged or
    read table); its ``kzevents`` metadata is kept, or the package's added."""
    target = canonical.schema()
    if table.column_names != target.names:
        missing = [n for n in target.names if n not in table.column_names]
        extra = [n for n in table.column_names if n not in target.names]
        raise DataError(
            [],
            f"not a canonical table: missing columns {missing}, extra columns {extra}"
            if missing or extra
            else "not a canonical table: the columns are out of order",
        )
    meta = dict(target.metadata)
    meta.update({k: v for k, v in (table.schema.metadata or {}).items() if k != b"geo"})
    return table.cast(target.with_metadata(meta))


def geo_columns(table: pa.Table) -> tuple[pa.Table, list[float] | None]:
    """``table`` with ``geometry`` and ``bbox`` appended, and the bbox of its rows (None if no row has
    coordinates)."""
    lon = table.column("longitude").combine_chunks()
    lat = table.column("latitude").combine_chunks()
    valid = pc.and_(pc.is_valid(lon), pc.is_valid(lat))
    box = pa.StructArray.from_arrays([lon, lat, lon, lat], fields=list(BBOX_TYPE), mask=pc.invert(valid))
    out = table.append_column(GEOMETRY_FIELD, wkb_points(lon, lat)).append_column(BBOX_FIELD, box)
    x, y = pc.filter(lon, valid), pc.filter(lat, valid)
    if len(x) == 0:
        return out, None
    xs, ys = pc.min_max(x).as_py(), pc.min_max(y).as_py()
    return out, [xs["min"], ys["min"], xs["max"], ys["max"]]


def _union(a: list[float] | None, b: list[float] | None) -> list[float] | None:
    if a is None or b is None:
        return a or b
    return [min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3])]


class GeoParquetWriter:
    """Canonical tables written one after another as the row groups of one GeoParquet file.

    The ``geo`` key, whose bbox must cover every row, is known only at the end: the file's key-value
    metadata and its stored Arrow schema (``ARROW:schema``, which pyarrow and geopandas read the metadata
    from) are written when the writer closes (``store_schema=False``, then both added).
    """

    def __init__(self, where: str | Path | IO[bytes], schema: pa.Schema) -> None:
        self.schema = file_schema(schema)
        self.bbox: list[float] | None = None
        self.rows = 0
        dictionaries = [f.name for f in self.schema if pa.types.is_dictionary(f.type)]
        self._writer = pq.ParquetWriter(
            where if not isinstance(where, Path) else str(where),
            self.schema,
            compression="zstd",
            use_dictionary=dictionaries,  # free text (notes, ids) would be tried and dropped
            write_statistics=STATISTICS,
            store_schema=False,
        )
        self._closed = False

    def write(self, table: pa.Table) -> None:
        """Append a canonical table (its schema's metadata is the writer's)."""
        with_geo, bbox = geo_columns(table)
        self.bbox = _union(self.bbox, bbox)
        self.rows += table.num_rows
        self._writer.write_table(with_geo.replace_schema_metadata(self.schema.metadata))

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        meta = dict(self.schema.metadata or {})
        meta[b"geo"] = json.dumps(geo_metadata(self.bbox)).encode()
        stored = self.schema.with_metadata(meta)
        meta[b"ARROW:schema"] = base64.b64encode(stored.serialize().to_pybytes())
        self._writer.add_key_value_metadata({k.decode(): v.decode() for k, v in meta.items()})
        self._writer.close()

    def abort(self) -> None:
        """Close the file after an error (it is then removed by :func:`open_parquet`)."""
        if not self._closed:
            self._closed = True
            self._writer.close()


@contextlib.contextmanager
def open_parquet(dest: str | Path | IO[bytes], schema: pa.Schema) -> Iterator[GeoParquetWriter]:
    """A :class:`GeoParquetWriter` to ``dest``: a path is written atomically (the file appears complete
    when the block ends without an error, and is never left half-written), a file object as it is."""
    with contextlib.ExitStack() as stack:
        where = dest if not isinstance(dest, str | Path) else stack.enter_context(atomic_path(dest))
        writer = GeoParquetWriter(where, schema)
        try:
            yield writer
        except BaseException:
            writer.abort()
            raise
        writer.close()


def write_parquet(data: Dataset | pa.Table, dest: str | Path | IO[bytes]) -> None:
    """Write the canonical table (of a dataset, or a canonical table such as a merge's) as canonical
    GeoParquet to a path (atomically) or a binary file object."""
    table = conform(data if isinstance(data, pa.Table) else data.to_arrow())
    with open_parquet(dest, table.schema) as writer:
        writer.write(table)
