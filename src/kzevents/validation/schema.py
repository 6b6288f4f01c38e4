"""Compiling a format's JSON Schema into column rules, and the CSV -> JSON rule for one cell.

A CSV row is turned into a JSON object by one rule (:func:`cell_to_json`);
:func:`kzevents.validation.reference.reference_problems` applies the ``jsonschema`` package to those
objects row by row. The vectorised checks in :mod:`kzevents.validation.columns` give the same verdict on
every row and column, only much faster.
"""

from __future__ import annotations

import functools
import re
from typing import Any

import attrs

from kzevents.errors import UsageError
from kzevents.resources import schema as load_schema

INT_RE = r"^-?[0-9]{1,18}$"
NUM_RE = r"^-?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$"
_INT = re.compile(INT_RE)
_NUM = re.compile(NUM_RE)


# --- compiling a column's schema ---------------------------------------------------------------------


@attrs.frozen
class ColumnRule:
    name: str
    nullable: bool
    types: frozenset[str]  # "string" | "integer" | "number"; empty = any (enum only)
    enum: tuple[Any, ...] | None = None
    pattern: str | None = None
    min_length: int | None = None
    max_length: int | None = None
    minimum: float | None = None
    maximum: float | None = None
    date_format: bool = False

    @property
    def admits_int(self) -> bool:
        if self.enum is not None:
            return any(isinstance(v, int) and not isinstance(v, bool) for v in self.enum)
        return bool(self.types & {"integer", "number"})

    @property
    def admits_number(self) -> bool:
        if self.enum is not None:
            return any(isinstance(v, float) for v in self.enum)
        return "number" in self.types


_SUPPORTED = {
    "type",
    "enum",
    "pattern",
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "format",
    "anyOf",
    "description",
    "title",
}


def compile_column(name: str, s: dict[str, Any]) -> ColumnRule:
    nullable = False
    if "anyOf" in s:
        branches = s["anyOf"]
        non_null = [b for b in branches if b != {"type": "null"}]
        if len(non_null) != 1 or len(branches) != 2:
            raise UsageError(f"schema for column {name}: only anyOf [schema, null] is supported")
        nullable = True
        s = non_null[0]
    unknown = set(s) - _SUPPORTED
    if unknown:
        raise UsageError(f"schema for column {name}: unsupported keywords {sorted(unknown)}")
    types = s.get("type", [])
    types = {types} if isinstance(types, str) else set(types)
    if "null" in types:
        nullable = True
        types.discard("null")
    enum = tuple(s["enum"]) if "enum" in s else None
    if enum is not None and None in enum:
        nullable = True
    return ColumnRule(
        name=name,
        nullable=nullable,
        types=frozenset(types),
        enum=enum,
        pattern=s.get("pattern"),
        min_length=s.get("minLength"),
        max_length=s.get("maxLength"),
        minimum=s.get("minimum"),
        maximum=s.get("maximum"),
        date_format=s.get("format") == "date",
    )


@attrs.frozen
class CompiledSchema:
    name: str
    columns: tuple[ColumnRule, ...]
    required: frozenset[str]
    additional: bool

    @property
    def header(self) -> list[str]:
        return [c.name for c in self.columns]

    def rule(self, column: str) -> ColumnRule:
        for c in self.columns:
            if c.name == column:
                return c
        raise KeyError(column)


@functools.cache
def compile_schema(name: str) -> CompiledSchema:
    s = load_schema(name)
    order = s.get("x-kzevents-columns", list(s["properties"]))
    return CompiledSchema(
        name=name,
        columns=tuple(compile_column(c, s["properties"][c]) for c in order),
        required=frozenset(s.get("required", [])),
        additional=s.get("additionalProperties", True) is not False,
    )


# --- the CSV -> JSON rule, row by row (the reference) ----------------------------------------------


def cell_to_json(cell: str, rule: ColumnRule) -> Any:
    """The JSON value of one CSV cell: empty is null, numbers in numeric columns are numbers."""
    if cell == "":
        return None
    if rule.admits_int and _INT.fullmatch(cell):
        return int(cell)
    if rule.admits_number and _NUM.fullmatch(cell):
        return float(cell)
    return cell
