"""GeoJSON (RFC 7946) of the canonical table: what QGIS, GDAL builds without the Parquet driver, R ``sf`` and
web maps read.

RFC 7946: a ``FeatureCollection`` (§3.3) of ``Feature`` objects (§3.2), one per row, each with a ``Point``
geometry (§3.1.2) whose position is ``[longitude, latitude]`` (§3.1.1) in WGS 84 decimal degrees (§4), and
no ``crs`` member (removed from GeoJSON, Appendix B.1); a row without coordinates has ``"geometry": null``
(§3.2). The feature's ``id`` (§3.2) is the row's ``event_id``; its ``properties`` are the canonical columns,
with dates as ISO 8601 text, list columns as JSON arrays and the claims as an array of objects. The
collection's ``bbox`` (§5) covers every point. The text is UTF-8 without a byte-order mark (RFC 8259 §8.1,
the JSON that RFC 7946 builds on), written atomically; the same table gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import IO, Any

import pyarrow as pa

from kzevents.dataset.model import Dataset
from kzevents.io.atomic import atomic_write_bytes

MEDIA_TYPE = "application/geo+json"  # RFC 7946 §12


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


def feature_collection(table: pa.Table) -> dict[str, Any]:
    """The table as an RFC 7946 FeatureCollection (a dict ready for ``json.dumps``)."""
    features = []
    lons: list[float] = []
    lats: list[float] = []
    for row in table.to_pylist():
        lon, lat = row.get("longitude"), row.get("latitude")
        geometry = None
        if lon is not None and lat is not None:
            geometry = {"type": "Point", "coordinates": [lon, lat]}
            lons.append(lon)
            lats.append(lat)
        features.append(
            {
                "type": "Feature",
                "id": row["event_id"],
                "geometry": geometry,
                "properties": {k: _jsonable(v) for k, v in row.items()},
            }
        )
    out: dict[str, Any] = {"type": "FeatureCollection"}
    if lons:
        out["bbox"] = [min(lons), min(lats), max(lons), max(lats)]
    out["features"] = features
    return out


def write_geojson(data: Dataset | pa.Table, dest: str | Path | IO[bytes]) -> int:
    """Write ``data`` as a GeoJSON FeatureCollection to a path (atomically) or a binary file object;
    returns the number of features."""
    table = data if isinstance(data, pa.Table) else data.to_arrow()
    doc = feature_collection(table)
    text = json.dumps(doc, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    payload = (text + "\n").encode("utf-8")
    if isinstance(dest, str | Path):
        atomic_write_bytes(dest, payload)
    else:
        dest.write(payload)
    return len(doc["features"])
