"""The vectorised JSON-Schema validator: compiled column rules, the checks, the report, safety checks and
duplicate identifiers. It knows no format; :mod:`kzevents.formats.check` binds a format's layout and
cross-field rules to it.

============================  ==========================================================================
``validation.schema``         a JSON Schema compiled into column rules; the CSV -> JSON rule
``validation.reference``      the ``jsonschema`` package applied row by row (the tests' reference)
``validation.columns``        the checks of one column, vectorised (one mask per keyword)
``validation.engine``         a whole batch: schema checks plus further rules, into a report
``validation.report``         the report: problems, counts per rule, warnings apart
``validation.safety``         formula-like and oversized cells
``validation.duplicates``     repeated identifiers, in bounded memory
============================  ==========================================================================
"""

from kzevents.validation.columns import check_column, check_values, valid_ymd
from kzevents.validation.engine import Failure, Rule, check_table
from kzevents.validation.report import MAX_LISTED, WARNING_CODES, Report
from kzevents.validation.schema import (
    INT_RE,
    NUM_RE,
    ColumnRule,
    CompiledSchema,
    cell_to_json,
    compile_column,
    compile_schema,
)

__all__ = [
    "INT_RE",
    "MAX_LISTED",
    "NUM_RE",
    "WARNING_CODES",
    "ColumnRule",
    "CompiledSchema",
    "Failure",
    "Report",
    "Rule",
    "cell_to_json",
    "check_column",
    "check_table",
    "check_values",
    "compile_column",
    "compile_schema",
    "valid_ymd",
]
