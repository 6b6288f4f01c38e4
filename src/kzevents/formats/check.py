"""Validating a file of any known format: its layout detected, the format's JSON Schema (with the
layout's departures), its cross-field rules, safety checks and duplicate identifiers, streaming in
bounded memory. Every problem names its file, row, column, value and rule.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path

import attrs
import numpy as np
import pyarrow as pa

from kzevents.arrays import string_hashes, whole
from kzevents.errors import DataError, Problem
from kzevents.formats import crosswalk, registry
from kzevents.formats.detect import detect_layout, sniff_file
from kzevents.io.csvstream import iter_csv_tables
from kzevents.io.interrupts import worker_pool
from kzevents.io.locate import locate_csv_error
from kzevents.io.paths import check_source
from kzevents.validation.duplicates import report_duplicates
from kzevents.validation.engine import Rule, bits, check_table
from kzevents.validation.report import Report
from kzevents.validation.safety import nul_rules, safety_rules
from kzevents.validation.schema import ColumnRule, compile_schema

CHECK_BYTES = 1 << 23  # bytes of strings per checked table (the checks' cost per call is mostly fixed)
CHECK_BYTES_PER_COLUMN = 1 << 18  # ... and per column: wide files (GTD's 135 columns) get larger tables
# per format: the columns read as dictionaries, whose checks and cross-field rules run once per distinct
# value or combination (tests empty this to check the verdicts do not depend on it)
CODED_COLUMNS: dict[str, frozenset[str]] = {f.name: f.check_coded for f in registry.FORMATS.values()}


def validate_table(
    table: pa.Table,
    fmt: str,
    report: Report,
    row_offset: int = 0,
    rules: tuple[ColumnRule, ...] | None = None,
    extra: Rule | None = None,
) -> pa.Array:
    """Check one batch of string columns of format ``fmt``: its JSON Schema (or the column ``rules``
    given), its cross-field rules, then ``extra``; the problems go into ``report``. Returns which rows
    failed."""
    cross = registry.get(fmt).rules

    def more(t: pa.Table) -> list[tuple[pa.Array, str, str, str]]:
        return cross(t) + (extra(t) if extra is not None else [])

    return check_table(table, crosswalk.get(fmt).schema, report, row_offset, rules=rules, extra=more)


def validate_file(
    path: str | Path, fmt: str | None = None, progress: Callable[[int, int], None] | None = None
) -> Report:
    """Validate a CSV file of any known format and layout (detected from the header unless ``fmt``).
    Whatever is wrong with the data is in the report (a file that is not CSV, not UTF-8 or of no known
    layout too); a file that cannot be read raises :class:`~kzevents.errors.AccessError`."""
    p = check_source(path)
    try:
        # UTF-8, or Latin-1 where a format allows it, whatever --format says
        header, encoding, _ = sniff_file(p)
        layout = detect_layout(header, str(p), fmt)
    except DataError as exc:
        report = Report(file=str(p), format="unknown")
        for problem in exc.problems:
            report.add(problem)
        return report
    plugin = registry.get(layout.format)
    cw = crosswalk.get(layout.format)
    compiled = compile_schema(cw.schema)
    names = layout.names(header)
    overrides = dict(layout.schema_overrides)
    rules = tuple(
        r if r.name not in overrides else attrs.evolve(r, pattern=overrides[r.name])
        for r in compiled.columns
        if r.name in names and (r.name not in overrides or overrides[r.name] is not None)
    )
    # values held to an enum, a number or a pattern cannot hide a formula or a huge cell: check free text only
    constrained = {
        r.name for r in rules if r.admits_int or r.admits_number or r.enum is not None or r.pattern
    }
    free_text = [n for n in names if n not in constrained]
    report = Report(file=str(p), format=layout.name)
    id_column = plugin.id_column
    check_ids = id_column in names and layout.unique_ids
    hashes: list[np.ndarray] = []  # of the ids, table by table: 8 bytes a row instead of the strings

    failed: list[np.ndarray] = []  # which rows already failed, packed 8 to a byte (duplicates count once)
    Checked = tuple[Report, np.ndarray | None, np.ndarray | None]

    def check(t: pa.Table, start: int) -> Checked:
        part = Report(file=str(p), format=layout.name)
        id_hashes = string_hashes(whole(t.column(id_column))) if check_ids else None
        if plugin.before_check is not None:
            t = plugin.before_check(t)
        failing = validate_table(
            t,
            layout.format,
            part,
            start,
            rules=rules,
            extra=lambda t: nul_rules(t) + safety_rules(t.select(free_text), set()),
        )
        return part, id_hashes, np.packbits(bits(failing)) if id_hashes is not None else None

    def merge(result: Checked) -> None:
        part, id_hashes, failing = result
        report.merge(part)
        if id_hashes is not None and failing is not None:
            hashes.append(id_hashes)
            failed.append(failing)

    offset = 0
    # tables are checked on a small thread pool (Arrow compute releases the GIL); at most a few are in
    # flight, so memory stays bounded whatever the file size
    pending: deque[Future[Checked]] = deque()
    with worker_pool(2, "kzevents-check") as pool:
        try:
            coded = frozenset(n for n in names if n in CODED_COLUMNS.get(layout.format, ()))
            size = max(CHECK_BYTES, CHECK_BYTES_PER_COLUMN * len(names))
            tables = iter_csv_tables(
                p,
                names,
                encoding,
                skip_header=layout.has_header,
                coded=coded,
                table_bytes=size,
                progress=progress,
            )
            for table in tables:
                pending.append(pool.submit(check, table, offset))
                offset += table.num_rows
                while len(pending) > 2:
                    merge(pending.popleft().result())
        except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
            found = locate_csv_error(
                p, encoding, len(names), str(exc), has_header=layout.has_header, columns=names
            )
            report.add(found)
            report.failing_rows += 1 if found.row else 0  # the row that cannot be read
        while pending:
            merge(pending.popleft().result())
    if offset == 0 and report.valid:
        report.add(Problem("no-rows", "file has a header but no data rows", str(p), row=1))
    if hashes:
        already = np.concatenate(
            [np.unpackbits(f, count=len(h)).astype(bool) for f, h in zip(failed, hashes, strict=True)]
        )
        report_duplicates(
            p, layout.names(header), encoding, layout.has_header, id_column, hashes, report, already
        )
    return report
