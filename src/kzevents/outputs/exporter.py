"""``kzevents export``: the dataset in every format (or those asked for) into one folder.

The folder's layout (``FILES``): the CSV exports, the GeoJSON and ``datapackage.json`` at the top (so
``kzevents validate dist/*.csv`` checks exactly the exports); each format's list of incidents left out, and
why, in ``excluded/``; the canonical GeoParquet alone in ``parquet/``, so that
``pyarrow.dataset.dataset("dist/parquet")``, DuckDB's ``'dist/parquet/*.parquet'`` and polars'
``scan_parquet`` read the folder as one table (and files that ``kzevents convert`` writes there stack
with it: they have the same schema).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path

import attrs
import pyarrow as pa

from kzevents.dataset.load import load
from kzevents.dataset.model import Dataset
from kzevents.errors import UsageError
from kzevents.formats import crosswalk, registry
from kzevents.io.atomic import atomic_write_bytes
from kzevents.io.csvtext import csv_text
from kzevents.io.paths import ensure_folder
from kzevents.outputs.datapackage import datapackage
from kzevents.outputs.geojson import write_geojson
from kzevents.outputs.parquet import write_parquet
from kzevents.outputs.writer import Excluded, ExportResult, canonical, write_csv

CSV_FORMATS = registry.NAMES
ALL_FORMATS = (*CSV_FORMATS, "parquet", "geojson", "datapackage")
# where each non-CSV output goes, relative to the output folder (the CSVs: their crosswalk's file name)
FILES = {
    "parquet": "parquet/kzevents.parquet",
    "geojson": "kzevents.geojson",
    "datapackage": "datapackage.json",
}


def excluded_name(csv_name: str) -> str:
    """``kzevents_gtd.csv`` -> ``excluded/kzevents_gtd_excluded.csv``: the incidents a format leaves out (in
    a folder of their own: they are not event files)."""
    return "excluded/" + csv_name.replace(".csv", "_excluded.csv")


def export(
    data: Dataset | pa.Table | None = None,
    out: str | Path = "dist",
    formats: Sequence[str] | None = None,
    *,
    actor_types: str = "text",
) -> list[ExportResult]:
    """Write the dataset in every format (or those named) into directory ``out``; one result per format,
    naming every file written. ``actor_types`` ("text" or "numeric") is ACLED's ``inter1``/``inter2``/
    ``interaction`` form: text as ACLED's downloads since 2024, numeric codes as the earlier ones."""
    if data is None:
        data = load()
    formats = list(formats or ALL_FORMATS)
    unknown = [f for f in formats if f not in ALL_FORMATS]
    if unknown:
        raise UsageError(f"unknown format(s) {unknown}; known: {', '.join(ALL_FORMATS)}")
    if actor_types not in ("text", "numeric"):
        raise UsageError(f"actor_types must be 'text' or 'numeric', not {actor_types!r}")
    options = {"acled": {"actor_types": actor_types}}
    out = ensure_folder(out)
    table = canonical(data)
    results: list[ExportResult] = []
    for fmt in formats:
        if fmt in CSV_FORMATS:
            cw = crosswalk.get(fmt)
            res = write_csv(table, out / cw.file, fmt, **options.get(fmt, {}))
            if res.excluded:
                path = _in_folder(out, excluded_name(cw.file))
                atomic_write_bytes(path, _excluded_csv(res.excluded))
                res = attrs.evolve(res, excluded_path=str(path))
            results.append(res)
        elif fmt == "parquet":
            write_parquet(table, _in_folder(out, FILES["parquet"]))
            results.append(ExportResult("parquet", str(out / FILES["parquet"]), table.num_rows))
        elif fmt == "geojson":
            n = write_geojson(table, out / FILES["geojson"])
            results.append(ExportResult("geojson", str(out / FILES["geojson"]), n))
        elif fmt == "datapackage":
            # every file this export wrote (or, when only the descriptor is asked for, the CSV exports and
            # their exclusion lists already in the folder)
            written = [(r.format, r.path) for r in results if r.path] + [
                (f"{r.format}-excluded", r.excluded_path) for r in results if r.excluded_path
            ]
            written = written or [
                (kind, str(path))
                for f in CSV_FORMATS
                for kind, path in (
                    (f, out / crosswalk.get(f).file),
                    (f"{f}-excluded", out / excluded_name(crosswalk.get(f).file)),
                )
                if path.exists()
            ]
            desc = datapackage(written, out)
            atomic_write_bytes(
                out / FILES["datapackage"],
                (json.dumps(desc, indent=2, ensure_ascii=False) + "\n").encode(),
            )
            results.append(ExportResult("datapackage", str(out / FILES["datapackage"]), len(written)))
    return results


def _in_folder(out: Path, name: str) -> Path:
    """``out / name``, the export's sub-folder that holds it created when missing (``parquet/``,
    ``excluded/``)."""
    path = out / name
    ensure_folder(path.parent)
    return path


def _excluded_csv(excluded: Iterable[Excluded]) -> bytes:
    return csv_text(
        [["event_id", "title", "reason"], *([e.event_id, e.title, e.reason] for e in excluded)]
    ).encode()
