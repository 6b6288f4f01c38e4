"""Writers: the canonical table through a crosswalk into a CSV of the target format.

Every file is validated against its format's JSON Schema (and the cross-field rules) before it is written;
writes are atomic, so a failed export never leaves a half-written file in place of a good one.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import attrs

from kzevents import crosswalk
from kzevents.errors import DataError, UsageError

if TYPE_CHECKING:  # pragma: no cover
    import pyarrow as pa

    from kzevents.model import Dataset

CSV_FORMATS = ("acled", "gtd", "ged")
ALL_FORMATS = (*CSV_FORMATS, "parquet", "datapackage")


@attrs.frozen
class Excluded:
    event_id: str
    title: str
    reason: str


@attrs.frozen
class ExportResult:
    format: str
    path: str | None
    rows: int
    excluded: tuple[Excluded, ...] = ()


def atomic_write_bytes(dest: str | Path, data: bytes) -> None:
    """Write ``data`` to ``dest`` through a temporary file in the same directory and a rename."""
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, dest)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _canonical(data: Dataset | pa.Table) -> pa.Table:
    import pyarrow as pa

    if isinstance(data, pa.Table):
        return data
    return data.to_arrow()


def render(
    data: Dataset | pa.Table, fmt: str, **options: Any
) -> tuple[str, list[list[str]], tuple[Excluded, ...]]:
    """The CSV text of ``data`` in format ``fmt`` (validated), its rows, and what was left out and why."""
    import pyarrow as pa

    from kzevents.validation import Report, validate_table

    cw = crosswalk.get(fmt)
    unknown = set(options) - set(cw.options)
    if unknown:
        raise UsageError(f"format {fmt} has no option(s) {sorted(unknown)}; it has {sorted(cw.options)}")
    cw = attrs.evolve(cw, options={**cw.options, **options})
    table = _canonical(data)
    rows: list[list[str]] = []
    excluded: list[Excluded] = []
    for row, reason in cw.rows(table.to_pylist()):
        if reason is not None:
            excluded.append(Excluded(row["event_id"], row.get("title") or "", reason))
            continue
        rows.append(cw.texts(cw.record(row)))
    # validate before anything is written
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in cw.header]
    check = pa.table(
        {name: pa.array(list(col), pa.string()) for name, col in zip(cw.header, columns, strict=True)}
    )
    report = Report(file=f"<{fmt} export>", format=fmt)
    validate_table(check, cw.schema, report)
    if not report.valid:
        raise DataError(report.problems, f"the {fmt} export does not satisfy schemas/{cw.schema}.schema.json")
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(cw.header)
    writer.writerows(rows)
    return buf.getvalue(), rows, tuple(excluded)


def write_csv(
    data: Dataset | pa.Table,
    dest: str | Path | IO[bytes],
    fmt: str,
    *,
    encoding: str | None = None,
    **options: Any,
) -> ExportResult:
    """Write ``data`` as a CSV file of format ``fmt`` to a path (atomically) or a binary file object."""
    text, rows, excluded = render(data, fmt, **options)
    enc = encoding or crosswalk.get(fmt).encoding
    try:
        payload = text.encode(enc)
    except UnicodeEncodeError as exc:
        raise DataError([], f"the {fmt} export cannot be encoded as {enc}: {exc}") from None
    if isinstance(dest, str | Path):
        atomic_write_bytes(dest, payload)
        path: str | None = str(dest)
    else:
        dest.write(payload)
        path = getattr(dest, "name", None)
    return ExportResult(fmt, path, len(rows), excluded)


def to_acled(
    data: Dataset | pa.Table, dest: str | Path | IO[bytes], *, actor_types: str = "text"
) -> ExportResult:
    """ACLED-style CSV (31 columns); ``actor_types`` "text" (as 2024+ downloads) or "numeric"."""
    if actor_types not in ("text", "numeric"):
        raise UsageError(f"actor_types must be 'text' or 'numeric', not {actor_types!r}")
    return write_csv(data, dest, "acled", actor_types=actor_types)


def to_gtd(
    data: Dataset | pa.Table, dest: str | Path | IO[bytes], *, encoding: str = "utf-8"
) -> ExportResult:
    """GTD-compatible CSV (135 columns), only incidents GTD's inclusion rules admit; ``encoding`` "latin-1"
    writes the file as GTD's own."""
    return write_csv(data, dest, "gtd", encoding=encoding)


def to_ged(data: Dataset | pa.Table, dest: str | Path | IO[bytes]) -> ExportResult:
    """UCDP GED-style CSV (49 columns)."""
    return write_csv(data, dest, "ged")


def export(
    data: Dataset | pa.Table | None = None,
    out: str | Path = "dist",
    formats: Sequence[str] | None = None,
) -> list[ExportResult]:
    """Write the dataset in every format (or those named) into directory ``out``."""
    if data is None:
        from kzevents.load import load

        data = load()
    formats = list(formats or ALL_FORMATS)
    unknown = [f for f in formats if f not in ALL_FORMATS]
    if unknown:
        raise UsageError(f"unknown format(s) {unknown}; known: {', '.join(ALL_FORMATS)}")
    out = Path(out)
    table = _canonical(data)
    results: list[ExportResult] = []
    for fmt in formats:
        if fmt in CSV_FORMATS:
            cw = crosswalk.get(fmt)
            res = write_csv(table, out / cw.file, fmt)
            if res.excluded:
                atomic_write_bytes(
                    out / cw.file.replace(".csv", "_excluded.csv"), _excluded_csv(res.excluded)
                )
            results.append(res)
        elif fmt == "parquet":
            from kzevents.parquet import write_parquet

            write_parquet(table, out / "kzevents.parquet")
            results.append(ExportResult("parquet", str(out / "kzevents.parquet"), table.num_rows))
        elif fmt == "datapackage":
            from kzevents.datapackage import datapackage

            written = [r for r in results if r.format in CSV_FORMATS] or [
                ExportResult(f, str(out / crosswalk.get(f).file), 0)
                for f in CSV_FORMATS
                if (out / crosswalk.get(f).file).exists()
            ]
            desc = datapackage([r.format for r in written])
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
