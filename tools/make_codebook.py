"""Generate docs/CODEBOOK.md from one source: the hand-written rules (docs/codebook/rules.md), the curated
incident file's JSON Schema (schemas/incident.schema.json), the canonical table's field descriptions
(kzevents.table.FIELDS), and for each export format its JSON Schema (what a column means and may hold)
and its crosswalk (exporters/<format>.toml: how kzevents fills the column, with the crosswalk's own
comments). datapackage.json takes its field descriptions from the same schemas.

    python tools/make_codebook.py          # writes docs/CODEBOOK.md
    python tools/make_codebook.py --check  # exit 1 when docs/CODEBOOK.md is out of date

tests/test_codebook.py fails when docs/CODEBOOK.md is not what this script writes.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "CODEBOOK.md"
MAX_VALUES = 12  # longer code lists are named, not printed


def _cell(text: Any) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def _values(rule: dict[str, Any]) -> tuple[str, str]:
    """(type, allowed values) of a JSON Schema property, for a table cell."""
    nullable = False
    if "anyOf" in rule:
        options = [o for o in rule["anyOf"] if o.get("type") != "null"]
        nullable = len(options) < len(rule["anyOf"])
        rule = {**options[0], **{k: v for k, v in rule.items() if k != "anyOf"}} if options else rule
    blank = " (may be blank)" if nullable else ""
    if "enum" in rule:
        values = [v for v in rule["enum"] if v is not None]
        nullable = nullable or None in rule["enum"]
        blank = " (may be blank)" if nullable else ""
        kind = "code" if all(isinstance(v, int) for v in values) else "text"
        if len(values) > MAX_VALUES:
            return kind, f"{len(values)} codes (code table){blank}"
        return kind, ", ".join(f"`{v}`" for v in values) + blank
    t = rule.get("type", "any")
    kind = " or ".join(t) if isinstance(t, list) else str(t)
    if rule.get("format") == "date":
        kind = "date"
    bounds = []
    if "minimum" in rule or "maximum" in rule:
        bounds.append(f"{rule.get('minimum', '')}..{rule.get('maximum', '')}")
    if "pattern" in rule:
        bounds.append(f"pattern `{rule['pattern']}`")
    if kind == "array" and "items" in rule:
        inner = _values(rule["items"])[1]
        bounds.append(f"list of {inner}" if inner else "list")
    return kind, "; ".join(bounds) + blank


def _flatten(props: dict[str, Any], prefix: str = "") -> list[tuple[str, dict[str, Any]]]:
    out: list[tuple[str, dict[str, Any]]] = []
    for name, rule in props.items():
        path = f"{prefix}{name}"
        out.append((path, rule))
        if rule.get("type") == "object" and "properties" in rule:
            out += _flatten(rule["properties"], f"{path}.")
        items = rule.get("items")
        if rule.get("type") == "array" and isinstance(items, dict) and "properties" in items:
            out += _flatten(items["properties"], f"{path}[].")
    return out


def incident_section() -> list[str]:
    schema = json.loads((ROOT / "schemas" / "incident.schema.json").read_text(encoding="utf-8"))
    required = set(schema["required"])
    lines = [
        "## 9. The curated incident file (`data/incidents/KZE-NNNN.toml`)",
        "",
        "From `schemas/incident.schema.json`; nested fields as `table.field`, list entries as "
        "`list[].field`. Top-level fields marked * are required.",
        "",
        "| field | type | values | meaning |",
        "|---|---|---|---|",
    ]
    for path, rule in _flatten(schema["properties"]):
        kind, values = _values(rule)
        star = "*" if path in required else ""
        lines.append(f"| `{path}`{star} | {kind} | {_cell(values)} | {_cell(rule.get('description', ''))} |")
    return lines


def registry_section() -> list[str]:
    schema = json.loads((ROOT / "schemas" / "registry.schema.json").read_text(encoding="utf-8"))
    lines = [
        "### The registries (`data/places.toml`, `actors.toml`, `sources.toml`, `out_of_scope.toml`)",
        "",
        "From `schemas/registry.schema.json`.",
        "",
        "| field | type | values | meaning |",
        "|---|---|---|---|",
    ]
    for path, rule in _flatten(schema["properties"]):
        kind, values = _values(rule)
        lines.append(f"| `{path}` | {kind} | {_cell(values)} | {_cell(rule.get('description', ''))} |")
    return lines


def canonical_section() -> list[str]:
    sys.path.insert(0, str(ROOT / "src"))
    from kzevents.table import CANONICAL_SCHEMA_VERSION, FIELDS

    lines = [
        f"## 10. The canonical table (schema {CANONICAL_SCHEMA_VERSION}: `kzevents.parquet`, "
        "`Dataset.to_arrow()`)",
        "",
        "From `kzevents.table.FIELDS`: one row per incident (per event for external datasets); every reader "
        "ends in it, every writer starts from it.",
        "",
        "| column | Arrow type | nullable | meaning |",
        "|---|---|---|---|",
    ]
    for name, typ, nullable, description in FIELDS:
        lines.append(f"| `{name}` | {_cell(typ)} | {'yes' if nullable else 'no'} | {_cell(description)} |")
    return lines


def _comments(fmt: str) -> dict[str, str]:
    """The crosswalk's comment lines just above each ``[[columns]]`` entry, by column name."""
    text = (ROOT / "exporters" / f"{fmt}.toml").read_text(encoding="utf-8")
    out: dict[str, str] = {}
    pending: list[str] = []
    waiting = False
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("# ---"):
            pending = []  # a section rule: what follows is the next column's comment
        elif stripped.startswith("#"):
            pending.append(stripped.lstrip("#").strip())
        elif stripped == "[[columns]]":
            waiting = True
        elif waiting and (m := re.match(r'name = "([^"]+)"', stripped)):
            if pending:
                out[m.group(1)] = " ".join(pending)
            pending, waiting = [], False
        elif stripped:
            pending = []
    return out


def _derivation(spec: Any, doc: dict[str, str], comment: str | None) -> str:
    parts = []
    if spec.derive:
        parts.append(f"`{spec.derive}()`" + (f": {doc[spec.derive]}" if doc.get(spec.derive) else ""))
    elif spec.source:
        parts.append(
            f"worked out by the format's expander (`{spec.source}`)"
            if spec.source.startswith("_")
            else f"canonical `{spec.source}`"
        )
    elif spec.const is not None:
        parts.append(f"constant `{spec.const}`")
    else:
        parts.append("left blank")
    if spec.map:
        parts.append(f"through code table `{spec.map}`")
    if spec.join:
        parts.append(f"joined by `{spec.join}`")
    if spec.missing:
        parts.append(f"unknown written `{spec.missing}`")
    text = ", ".join(parts)
    return f"{text}. {comment[:1].upper()}{comment[1:]}" if comment else text


def format_section(number: int, fmt: str) -> list[str]:
    sys.path.insert(0, str(ROOT / "src"))
    from kzevents.formats import crosswalk, registry

    cw = registry.writer_crosswalk(fmt)
    schema = json.loads((ROOT / "schemas" / f"{cw.schema}.schema.json").read_text(encoding="utf-8"))
    doc = {
        name: (fn.__doc__ or "").strip().split("\n\n")[0]
        for name, fn in crosswalk.DERIVE.items()
        if fn.__module__.startswith(f"kzevents.formats.{fmt}.")
    }
    comments = _comments(fmt)
    lines = [
        f"## {number}. {cw.title} (`{cw.file}`)",
        "",
        f"Meaning and values from `schemas/{cw.schema}.schema.json`; how kzevents fills each column from "
        f"`exporters/{fmt}.toml` and `formats/{fmt}/`.",
        "",
        "| # | column | type | values | meaning | how kzevents fills it |",
        "|---|---|---|---|---|---|",
    ]
    for i, spec in enumerate(cw.columns, start=1):
        rule = schema["properties"][spec.name]
        kind, values = _values(rule)
        how = _derivation(spec, doc, comments.get(spec.name))
        lines.append(
            f"| {i} | `{spec.name}` | {kind} | {_cell(values)} | {_cell(rule.get('description', ''))} "
            f"| {_cell(how)} |"
        )
    return lines


def build() -> str:
    sys.path.insert(0, str(ROOT / "src"))
    from kzevents.dataset.load import DATASET_VERSION

    rules = (ROOT / "docs" / "codebook" / "rules.md").read_text(encoding="utf-8").strip()
    head = [
        "# kzevents codebook",
        "",
        f"Dataset version {DATASET_VERSION}. Generated by `tools/make_codebook.py` from "
        "`docs/codebook/rules.md` (the rules, §1-8), `schemas/*.schema.json` (what every field means and "
        "may hold), `kzevents.table.FIELDS` (the canonical table) and `exporters/*.toml` (how each export "
        "column is filled). Do not edit this file: edit those and run the script (a test fails when this "
        "file is out of date). `datapackage.json` describes its fields with the same text.",
        "",
    ]
    body = [rules, ""]
    body += [*incident_section(), "", *registry_section(), ""]
    body += [*canonical_section(), ""]
    for n, fmt in enumerate(("acled", "gtd", "ged"), start=11):
        body += [*format_section(n, fmt), ""]
    return "\n".join(head + body).rstrip() + "\n"


def main() -> None:
    text = build()
    if "--check" in sys.argv[1:]:
        current = OUT.read_text(encoding="utf-8") if OUT.exists() else ""
        if current != text:
            raise SystemExit(f"{OUT} is out of date: run python tools/make_codebook.py")
        return
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(text, encoding="utf-8")
    print(OUT)


if __name__ == "__main__":
    main()
