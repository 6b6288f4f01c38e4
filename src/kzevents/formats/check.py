"""Validating a file of any known format: its layout detected, the format's JSON Schema (with the
layout's departures), its cross-field rules, safety checks and duplicate identifiers, streaming in
bounded memory. Every problem names its file, row, column, value and rule.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from concurrent.futures import Future

import attrs
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kzevents.arrays import string_hashes, whole
from kzevents.errors import DataError, Problem
from kzevents.formats import crosswalk, registry
from kzevents.formats.artefacts import DATE_ORDER, integral_decimals
from kzevents.formats.dateorder import file_date_order, shows_slash_dates
from kzevents.formats.detect import SourceSpec, detect_layout, header_of, open_input
from kzevents.io.interrupts import worker_pool
from kzevents.io.locate import locate_csv_error
from kzevents.io.sources import CsvSource, ParquetSource, Source
from kzevents.io.tables import open_stream, string_tables
from kzevents.validation.duplicates import report_duplicates
from kzevents.validation.engine import Rule, bits, check_table
from kzevents.validation.report import WARNING_CODES, Report
from kzevents.validation.safety import nul_rules, safety_rules
from kzevents.validation.schema import ColumnRule, compile_schema

WARNING_CODES.add("source-note")  # what reading a workbook or JSON changed, or an API page's count
WARNING_CODES.add("integral-decimal")  # a spreadsheet's 3.0 in an integer column: read as 3
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
    path: SourceSpec | Source,
    fmt: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    date_order: str | None = None,
) -> Report:
    """Validate a file of any known format and layout (detected from the header unless ``fmt``): a path,
    ``path::member``, ``-`` or a binary file object; CSV in any container, xlsx, JSON, or kzevents' own
    Parquet (its schema and metadata). Whatever is wrong with the data is in the report (a file that is not
    CSV, not UTF-8 or of no known layout too); a file that cannot be read raises
    :class:`~kzevents.errors.AccessError`."""
    name = str(path) if isinstance(path, str) else getattr(path, "name", "<input>")
    try:
        source = open_input(path)
    except DataError as exc:
        return _unreadable(str(name), exc)
    try:
        return _validate(source, fmt, progress, date_order)
    finally:
        if source is not path:
            source.close()


def _unreadable(name: str, exc: DataError) -> Report:
    report = Report(file=exc.problems[0].file or name if exc.problems else name, format="unknown")
    for problem in exc.problems:
        report.add(problem)
    return report


def _validate(
    source: Source, fmt: str | None, progress: Callable[[int, int], None] | None, date_order: str | None
) -> Report:
    name = source.name
    if isinstance(source, ParquetSource):
        return _parquet(source)
    try:
        # UTF-8, or Latin-1 where a format allows it, whatever --format says
        header, encoding, _ = header_of(source)
        layout = detect_layout(header, name, fmt)
    except DataError as exc:
        return _unreadable(name, exc)
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
    integers = [r.name for r in rules if r.types == frozenset({"integer"})]
    dates = [c for c in names if c in plugin.date_columns]
    order = date_order
    report = Report(file=name, format=layout.name)
    id_column = plugin.id_column
    check_ids = id_column in names and layout.unique_ids
    hashes: list[np.ndarray] = []  # of the ids, table by table: 8 bytes a row instead of the strings

    failed: list[np.ndarray] = []  # which rows already failed, packed 8 to a byte (duplicates count once)
    Checked = tuple[Report, np.ndarray | None, np.ndarray | None]

    def check(t: pa.Table, start: int, order: str | None) -> Checked:
        DATE_ORDER.set(order)  # (each worker thread has a context of its own)
        t = t.combine_chunks()  # here, off the parsing thread
        part = Report(file=name, format=layout.name)
        id_hashes = string_hashes(whole(t.column(id_column))) if check_ids else None
        t = integral_warnings(t, integers, part, start)
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
            stream = open_stream(
                source,
                header,
                names,
                encoding,
                coded=coded,
                empty_as_null=False,
                skip_header=layout.has_header,
            )
            for table in string_tables(stream, size, progress):
                if order is None and shows_slash_dates([table], dates):  # decided once, for the file
                    try:
                        order = file_date_order(
                            source, header, names, encoding, layout.has_header, dates, None
                        )
                    except DataError as exc:
                        for problem in exc.problems:
                            report.add(problem)
                        order = "dmy"
                pending.append(pool.submit(check, table, offset, order))
                offset += table.num_rows
                while len(pending) > 2:
                    merge(pending.popleft().result())
        except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
            assert isinstance(source, CsvSource)
            found = locate_csv_error(
                source.raw, encoding, len(names), str(exc), has_header=layout.has_header, columns=names
            )
            report.add(found)
            report.failing_rows += 1 if found.row else 0  # the row that cannot be read
        except DataError as exc:  # a workbook or JSON that breaks off
            for problem in exc.problems:
                report.add(problem)
        while pending:
            merge(pending.popleft().result())
    if offset == 0 and report.valid:
        report.add(Problem("no-rows", "file has a header but no data rows", name, row=1))
    if hashes:
        already = np.concatenate(
            [np.unpackbits(f, count=len(h)).astype(bool) for f, h in zip(failed, hashes, strict=True)]
        )
        stream = open_stream(
            source,
            header,
            names,
            encoding,
            include=[id_column],
            empty_as_null=False,
            skip_header=layout.has_header,
        )
        report_duplicates(stream, id_column, hashes, report, already)
    for problem in source.problems:  # a workbook's error cells
        report.add(problem)
        report.failing_rows += 1
    for what, n in sorted(source.normalised.items()):
        report.add(Problem("source-note", f"{what} ({n})", name))
    return report


def _parquet(source: ParquetSource) -> Report:
    """kzevents' own Parquet file: readable, kzevents' metadata, a compatible canonical schema."""
    from kzevents.formats.canonical import read_parquet

    report = Report(file=source.name, format="kzevents-parquet")
    try:
        table = read_parquet(source.local_file())
    except DataError as exc:
        for problem in exc.problems:
            report.add(attrs.evolve(problem, file=source.name, row=0))
        return report
    report.rows = table.num_rows
    return report


def integral_warnings(t: pa.Table, columns: list[str], report: Report, start: int) -> pa.Table:
    """Integers written as decimals (a spreadsheet's ``3.0``) in integer columns: read as the integer, as
    the readers do, and listed as warnings (one per cell), not as type errors."""
    for name in columns:
        if name not in t.column_names:
            continue
        fixed, mask = integral_decimals(whole(t.column(name)))
        if mask is None:
            continue
        rows = pc.indices_nonzero(mask)
        values = pc.take(t.column(name), rows[:20]).to_pylist()
        for i, value in zip(rows[:20].to_pylist(), values, strict=True):
            report.add(
                Problem(
                    "integral-decimal",
                    "an integer written as a decimal (as spreadsheets save them): read as the integer",
                    report.file,
                    row=start + i + 1,
                    column=name,
                    value=str(value),
                )
            )
        for _ in range(len(rows) - 20):
            report.count("integral-decimal")
        t = t.set_column(t.schema.get_field_index(name), pa.field(name, pa.string()), fixed)
    return t
