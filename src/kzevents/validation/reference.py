"""The reference validator: the ``jsonschema`` package applied to each CSV row's JSON object, row by row.

Slow, and used only by the tests and benchmarks, which check that the vectorised validator gives the same
verdict on every row and column (nothing on the path of ``kzevents validate`` imports this module).
"""

from __future__ import annotations

import jsonschema

from kzevents.resources import schema as load_schema
from kzevents.validation.schema import cell_to_json, compile_schema


def reference_problems(rows: list[dict[str, str]], schema_name: str) -> set[tuple[int, str]]:
    """(row, column) pairs that the ``jsonschema`` package rejects; rows are 1-based."""
    compiled = compile_schema(schema_name)
    s = load_schema(schema_name)
    cls = jsonschema.validators.validator_for(s)
    validator = cls(s, format_checker=cls.FORMAT_CHECKER)
    out: set[tuple[int, str]] = set()
    for i, row in enumerate(rows, start=1):
        doc = {k: cell_to_json(v, compiled.rule(k)) if k in compiled.header else v for k, v in row.items()}
        for err in validator.iter_errors(doc):
            col = str(err.absolute_path[0]) if err.absolute_path else "<row>"
            out.add((i, col))
    return out
