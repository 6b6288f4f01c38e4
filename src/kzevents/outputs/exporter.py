"""``kzevents export``: the dataset in every format (or those asked for) into one folder."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from pathlib import Path

import pyarrow as pa

from kzevents.dataset.load import load
from kzevents.dataset.model import Dataset
from kzevents.errors import UsageError
from kzevents.formats import crosswalk, registry
from kzevents.io.atomic import atomic_write_bytes
from kzevents.outputs.datapackage import datapackage
from kzevents.outputs.parquet import write_parquet
from kzevents.outputs.writer import Excluded, ExportResult, canonical, write_csv

CSV_FORMATS = registry.NAMES
ALL_FORMATS = (*CSV_FORMATS, "parquet", "datapackage")


def export(
    data: Dataset | pa.Table | None = None,
    out: str | Path = "dist",
    formats: Sequence[str] | None = None,
) -> list[ExportResult]:
    """Write the dataset in every format (or those named) into directory ``out``."""
    if data is None:
        data = load()
    formats = list(formats or ALL_FORMATS)
    unknown = [f for f in formats if f not in ALL_FORMATS]
    if unknown:
        raise UsageError(f"unknown format(s) {unknown}; known: {', '.join(ALL_FORMATS)}")
    out = Path(out)
    table = canonical(data)
    results: list[ExportResult] = []
    for fmt in formats:
        if fmt in CSV_FORMATS:
            cw = crosswalk.get(fmt)
            res = write_csv(table, out / cw.file, fmt)
            results.append(res)
            if res.excluded:
                listed = out / cw.file.replace(".csv", "_excluded.csv")
                atomic_write_bytes(listed, _excluded_csv(res.excluded))
                results.append(ExportResult(f"{fmt}-excluded", str(listed), len(res.excluded)))
        elif fmt == "parquet":
            write_parquet(table, out / "kzevents.parquet")
            results.append(ExportResult("parquet", str(out / "kzevents.parquet"), table.num_rows))
        elif fmt == "datapackage":
            # every file this export wrote (or, when only the descriptor is asked for, the CSV exports and
            # their exclusion lists already in the folder)
            written = [(r.format, r.path) for r in results if r.path] or [
                (kind, str(path))
                for f in CSV_FORMATS
                for kind, path in (
                    (f, out / crosswalk.get(f).file),
                    (f"{f}-excluded", out / crosswalk.get(f).file.replace(".csv", "_excluded.csv")),
                )
                if path.exists()
            ]
            desc = datapackage(written, out)
            atomic_write_bytes(
                out / "datapackage.json", (json.dumps(desc, indent=2, ensure_ascii=False) + "\n").encode()
            )
            results.append(ExportResult("datapackage", str(out / "datapackage.json"), len(written)))
    return results


def _excluded_csv(excluded: Iterable[Excluded]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["event_id", "title", "reason"])
    for e in excluded:
        w.writerow([e.event_id, e.title, e.reason])
    return buf.getvalue().encode()
