"""The vectorised validator: a batch of string columns against a compiled JSON Schema and further rules,
every failing cell reported with its row, column, value and rule.

It knows no format: a format's cross-field rules come in as ``extra`` (see
:func:`kzevents.formats.check.validate_table`).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kzevents.arrays import FALSE, falses, whole
from kzevents.errors import Problem
from kzevents.validation.columns import check_column
from kzevents.validation.report import MAX_LISTED, WARNING_CODES, Report
from kzevents.validation.schema import ColumnRule, compile_schema

# a rule JSON Schema cannot say: (mask of failing rows, column to report, rule code, message)
Failure = tuple[pa.Array, str, str, str]
Rule = Callable[[pa.Table], list[Failure]]


def check_table(
    table: pa.Table,
    schema_name: str,
    report: Report,
    row_offset: int = 0,
    rules: tuple[ColumnRule, ...] | None = None,
    extra: Rule | None = None,
) -> pa.Array:
    """Check one batch (all columns as strings) against ``schemas/<schema_name>.schema.json`` (or the
    column ``rules`` given) and add its problems to ``report``; ``extra`` gives the rules JSON Schema
    cannot say (a format's cross-field rules, safety checks): masks, column, code, message. Returns which
    rows failed."""
    compiled = compile_schema(schema_name)
    failing = falses(table.num_rows)
    for rule in compiled.columns if rules is None else rules:
        if rule.name not in table.column_names:
            continue
        col = whole(table.column(rule.name))
        for mask, code, message in check_column(col, rule):
            failing = _collect(mask, col, rule.name, f"schema:{code}", message, report, row_offset, failing)
    more = extra(table) if extra is not None else []
    for mask, column, code, message in more:
        col = whole(table.column(column))  # values are read off only for the failing rows
        failing = _collect(mask, col, column, code, message, report, row_offset, failing)
    report.failing_rows += pc.sum(pc.cast(failing, pa.int64())).as_py() or 0
    report.rows += table.num_rows
    return failing


def bits(mask: pa.Array) -> np.ndarray:
    """A boolean array without nulls as one bool per row (numpy), read off its bitmap."""
    packed = np.frombuffer(mask.buffers()[1], np.uint8)
    return np.unpackbits(packed, bitorder="little", count=mask.offset + len(mask))[mask.offset :].astype(bool)


def _collect(
    mask: pa.Array,
    col: pa.Array,
    column: str,
    code: str,
    message: str,
    report: Report,
    row_offset: int,
    failing: pa.Array,
) -> pa.Array:
    if mask.null_count:
        mask = pc.fill_null(mask, FALSE)
    if not pc.any(mask).as_py():
        return failing
    idx = pc.indices_nonzero(mask).to_pylist()
    warning = code in WARNING_CODES
    room = MAX_LISTED - len(report.warnings if warning else report.problems)
    values = pc.take(col, pc.indices_nonzero(mask)[: max(room, 0)]).to_pylist() if room > 0 else []
    for k, i in enumerate(idx):
        if k < len(values):
            v = values[k]
            report.add(
                Problem(
                    code=code,
                    message=message,
                    file=report.file,
                    row=row_offset + i + 1,
                    column=column,
                    value=None if v is None else str(v)[:200],
                )
            )
        else:
            report.count(code)
    return failing if warning else pc.or_(failing, mask)
