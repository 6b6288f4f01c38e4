"""``datapackage.json``: a Frictionless Data Package (v2) describing the CSV exports.

The Table Schemas are generated from the formats' JSON Schemas (one source of truth); coded fields carry
``enum`` constraints (frictionless-py does not enforce v2 ``categories``, reference/formats.md §3).
Cross-field rules stay in kzevents' own validator.
"""

from __future__ import annotations

from typing import Any

from kzevents.dataset.load import DATASET_VERSION
from kzevents.formats import crosswalk, registry
from kzevents.validation.schema import ColumnRule, compile_schema


def table_field(rule: ColumnRule) -> dict[str, Any]:
    """A Table Schema field for one column rule."""
    field: dict[str, Any] = {"name": rule.name}
    constraints: dict[str, Any] = {}
    if rule.enum is not None:
        values = [v for v in rule.enum if v is not None]
        if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
            field["type"] = "integer"
            constraints["enum"] = values
        else:
            field["type"] = "string"
            constraints["enum"] = [str(v) for v in values]
    elif rule.date_format:
        field["type"] = "date"
    elif "integer" in rule.types and "number" not in rule.types:
        field["type"] = "integer"
    elif "number" in rule.types:
        field["type"] = "number"
    else:
        field["type"] = "string"
    if not rule.nullable:
        constraints["required"] = True
    if rule.pattern is not None and field["type"] == "string":
        constraints["pattern"] = rule.pattern
    for key, length in (("minLength", rule.min_length), ("maxLength", rule.max_length)):
        if length is not None and field["type"] == "string":
            constraints[key] = length
    for key, bound in (("minimum", rule.minimum), ("maximum", rule.maximum)):
        if bound is not None and field["type"] in ("integer", "number"):
            constraints[key] = bound
    if constraints:
        field["constraints"] = constraints
    return field


def resource(fmt: str) -> dict[str, Any]:
    cw = crosswalk.get(fmt)
    compiled = compile_schema(cw.schema)
    fields = [table_field(compiled.rule(c)) for c in cw.header]
    schema: dict[str, Any] = {"fields": fields, "missingValues": [""]}
    schema["primaryKey"] = [registry.get(fmt).id_column]
    res: dict[str, Any] = {
        "name": f"kzevents-{fmt}",
        "title": cw.title,
        "path": cw.file,
        "type": "table",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": cw.encoding,
        "schema": schema,
    }
    return res


def datapackage(formats: list[str] | None = None) -> dict[str, Any]:
    """The package descriptor for the CSV exports of ``formats`` (default: all CSV formats)."""
    formats = list(formats or registry.NAMES)
    return {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": "kzevents",
        "title": "kzevents: militant violence in Kazakhstan, 2011-2012",
        "version": DATASET_VERSION,
        "description": (
            "Curated, source-attributed incidents exported in ACLED-, GTD- and UCDP GED-style layouts."
        ),
        "licenses": [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/"}],
        "resources": [resource(f) for f in formats],
    }
