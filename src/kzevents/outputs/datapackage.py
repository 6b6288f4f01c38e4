"""``datapackage.json``: a Frictionless Data Package (v2) describing every file an export wrote.

The Table Schemas are generated from the formats' JSON Schemas (one source of truth): each field's
``description`` is the schema property's, the same text docs/CODEBOOK.md prints; coded fields carry
``enum`` constraints (frictionless-py does not enforce v2 ``categories``, reference/formats.md §3).
Columns whose lexical form is not Table Schema's default are typed from the crosswalk's
``[maps.table_schema]`` (GED's dates written ``YYYY-MM-DD 00:00:00.000`` are dates with that format).
The resources are the files the export reports (:func:`datapackage` takes its results), so the package
lists whatever an export writes: each CSV with its schema, the exclusion lists, the Parquet file.
Cross-field rules stay in kzevents' own validator.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path, PurePath
from typing import Any

from kzevents.dataset.load import DATASET_VERSION
from kzevents.formats import crosswalk, registry
from kzevents.resources import schema as json_schema
from kzevents.validation.schema import ColumnRule, compile_schema

LICENSE = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0 International",
}

# the exclusion lists every CSV export writes beside itself (outputs.exporter)
EXCLUDED_FIELDS = (
    ("event_id", "The kzevents incident left out of this format", True),
    ("title", "The incident's title", False),
    ("reason", "Why the format's inclusion rules leave it out (docs/CODEBOOK.md)", True),
)

# media types of the other files an export may write, by suffix
MEDIA = {
    ".parquet": ("parquet", "application/vnd.apache.parquet"),
    ".geojson": ("geojson", "application/geo+json"),
    ".json": ("json", "application/json"),
    ".csv": ("csv", "text/csv"),
}


def table_field(rule: ColumnRule, description: str | None = None) -> dict[str, Any]:
    """A Table Schema field for one column rule."""
    field: dict[str, Any] = {"name": rule.name}
    if description:
        field["description"] = description
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


def _typed(field: dict[str, Any], cw: crosswalk.Crosswalk) -> dict[str, Any]:
    """A field retyped by the crosswalk's ``[maps.table_schema]`` entry for it, if its condition holds."""
    entry = cw.maps.get("table_schema", {}).get(field["name"])
    if not isinstance(entry, dict):
        return field
    option = entry.get("when_option")
    if option is not None and str(cw.options.get(option)) != str(entry.get("when_value")):
        return field
    out = {**field, "type": entry["type"]}
    if "format" in entry:
        out["format"] = entry["format"]
    constraints = {k: v for k, v in field.get("constraints", {}).items() if k == "required"}
    out.pop("constraints", None)
    if constraints:
        out["constraints"] = constraints
    return out


def resource(fmt: str, path: str | None = None) -> dict[str, Any]:
    """The resource of a format's CSV export (at ``path``, default the crosswalk's file name)."""
    cw = crosswalk.get(fmt)
    compiled = compile_schema(cw.schema)
    props = json_schema(cw.schema)["properties"]
    fields = [_typed(table_field(compiled.rule(c), props[c].get("description")), cw) for c in cw.header]
    schema: dict[str, Any] = {"fields": fields, "missingValues": [""]}
    schema["primaryKey"] = [registry.get(fmt).id_column]
    return {
        "name": f"kzevents-{fmt}",
        "title": cw.title,
        "description": f"kzevents' incidents in the {cw.title}; see docs/CODEBOOK.md",
        "path": path or cw.file,
        "type": "table",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": cw.encoding,
        "schema": schema,
    }


def excluded_resource(fmt: str, path: str) -> dict[str, Any]:
    """The list of the incidents a format leaves out, with the reason for each."""
    fields = [
        {
            "name": n,
            "type": "string",
            "description": d,
            **({"constraints": {"required": True}} if req else {}),
        }
        for n, d, req in EXCLUDED_FIELDS
    ]
    return {
        "name": f"kzevents-{fmt}-excluded",
        "title": f"Incidents left out of the {fmt} export, with the reason",
        "path": path,
        "type": "table",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "schema": {"fields": fields, "missingValues": [""], "primaryKey": ["event_id"]},
    }


def file_resource(name: str, path: str) -> dict[str, Any]:
    """Any other file an export writes (the GeoParquet canonical table...), by its suffix."""
    fmt, media = MEDIA.get(
        PurePath(path).suffix, (PurePath(path).suffix.lstrip("."), "application/octet-stream")
    )
    # "file": frictionless checks the file is there and readable, not its content as a CSV-like table
    out = {"name": f"kzevents-{name}", "path": path, "type": "file", "format": fmt, "mediatype": media}
    if fmt == "parquet":
        out["title"] = "The canonical table with every claim, GeoParquet 1.1 (docs/CODEBOOK.md §10)"
    return out


def datapackage(
    written: Iterable[tuple[str, str]] | list[str] | None = None, out: str | Path | None = None
) -> dict[str, Any]:
    """The package descriptor for the files an export wrote: ``written`` is (kind, path) pairs — a CSV
    format's name, ``<format>-excluded`` for its exclusion list, or any other kind (``parquet``...) —
    with paths made relative to ``out``. A list of format names (or None: every CSV format) describes
    those CSV files at their default names."""
    if written is None:
        written = list(registry.NAMES)
    pairs = [(w, crosswalk.get(w).file) if isinstance(w, str) else w for w in written]
    resources = []
    for kind, path in pairs:
        rel = Path(path).relative_to(out).as_posix() if out is not None and _inside(path, out) else path
        if kind in registry.NAMES:
            resources.append(resource(kind, rel))
        elif kind.endswith("-excluded") and kind.removesuffix("-excluded") in registry.NAMES:
            resources.append(excluded_resource(kind.removesuffix("-excluded"), rel))
        else:
            resources.append(file_resource(kind, rel))
    return {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": "kzevents",
        "title": "kzevents: militant violence in Kazakhstan, 2011-2012",
        "version": DATASET_VERSION,
        "description": (
            "Curated, source-attributed incidents of the 2011-2012 militant violence in Kazakhstan, exported "
            "in ACLED-, GTD- and UCDP GED-style layouts and as a GeoParquet canonical table. Every field is "
            "described in docs/CODEBOOK.md, generated from the same JSON Schemas as these descriptions."
        ),
        "licenses": [LICENSE],
        "resources": resources,
    }


def _inside(path: str, out: str | Path) -> bool:
    try:
        Path(path).relative_to(out)
    except ValueError:
        return False
    return True
