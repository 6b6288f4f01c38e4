"""CSV writers: the canonical table through a format's crosswalk into a CSV of that format.

Every file is validated against its format's JSON Schema (and the cross-field rules) before it is written;
writes are atomic, so a failed export never leaves a half-written file in place of a good one.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any

import attrs
import pyarrow as pa

from kzevents.dataset.model import Dataset
from kzevents.errors import DataError, UsageError
from kzevents.formats import crosswalk, registry
from kzevents.formats.check import validate_table
from kzevents.io.atomic import atomic_write_bytes
from kzevents.io.csvtext import csv_text
from kzevents.validation.report import Report


@attrs.frozen
class Excluded:
    event_id: str
    title: str
    reason: str


@attrs.frozen
class ExportResult:
    """One format written: its file (``path``), its rows, what it left out and why, and the file that
    lists those (``excluded_path``, written by ``export``), and the format options it was written with
    (ACLED's ``actor_types``)."""

    format: str
    path: str | None
    rows: int
    excluded: tuple[Excluded, ...] = ()
    excluded_path: str | None = None
    options: tuple[tuple[str, str], ...] = ()


def canonical(data: Dataset | pa.Table) -> pa.Table:
    """The canonical table of a dataset, or the table itself."""
    if isinstance(data, pa.Table):
        return data
    return data.to_arrow()


def render(
    data: Dataset | pa.Table, fmt: str, **options: Any
) -> tuple[str, list[list[str]], tuple[Excluded, ...]]:
    """The CSV text of ``data`` in format ``fmt`` (validated), its rows, and what was left out and why."""
    cw = registry.writer_crosswalk(fmt)
    unknown = set(options) - set(cw.options)
    if unknown:
        raise UsageError(f"format {fmt} has no option(s) {sorted(unknown)}; it has {sorted(cw.options)}")
    cw = attrs.evolve(cw, options={**cw.options, **options})
    table = canonical(data)
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
    return csv_text([cw.header, *rows]), rows, tuple(excluded)


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
    used = tuple(sorted((k, str(v)) for k, v in options.items()))
    return ExportResult(fmt, path, len(rows), excluded, options=used)


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
