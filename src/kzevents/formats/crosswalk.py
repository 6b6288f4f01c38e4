"""The crosswalk engine: ``exporters/<format>.toml`` says, column by column, how a canonical row becomes a
row of the target format. Values that need code are small named functions (``derive = "name"``) that a
format plugin registers with the decorators here (``formats/<name>/export.py``); code tables
(``map = "name"``) are data in the crosswalk file. The engine knows no format.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import attrs

from kzevents.errors import KzeventsError, UsageError
from kzevents.resources import load_toml, resource_dir

Row = dict[str, Any]
DeriveFn = Callable[[Row, "Crosswalk"], Any]
ExpandFn = Callable[[Row, "Crosswalk"], Iterable[Row]]
IncludeFn = Callable[[Row, "Crosswalk"], "str | None"]  # None = included, else the reason for leaving out
PrepareFn = Callable[
    [list[Row], "Crosswalk"], list[Row]
]  # a whole-table step (values that depend on other rows)

DERIVE: dict[str, DeriveFn] = {}
EXPAND: dict[str, ExpandFn] = {}
INCLUDE: dict[str, IncludeFn] = {}
PREPARE: dict[str, PrepareFn] = {}


def derive(name: str) -> Callable[[DeriveFn], DeriveFn]:
    def register(fn: DeriveFn) -> DeriveFn:
        DERIVE[name] = fn
        return fn

    return register


def expand(name: str) -> Callable[[ExpandFn], ExpandFn]:
    def register(fn: ExpandFn) -> ExpandFn:
        EXPAND[name] = fn
        return fn

    return register


def prepare(name: str) -> Callable[[PrepareFn], PrepareFn]:
    def register(fn: PrepareFn) -> PrepareFn:
        PREPARE[name] = fn
        return fn

    return register


def include(name: str) -> Callable[[IncludeFn], IncludeFn]:
    def register(fn: IncludeFn) -> IncludeFn:
        INCLUDE[name] = fn
        return fn

    return register


@attrs.frozen
class ColumnSpec:
    """One output column: where its value comes from and how it is written."""

    name: str
    source: str | None = None  # a canonical column (or a field an expander adds)
    const: Any = None
    derive: str | None = None
    map: str | None = None  # a code table in the crosswalk's [maps]
    key: str | None = None  # for maps whose values are tables: which entry to take
    missing: str = ""  # what a null value is written as
    fmt: str | None = None  # format spec for numbers, e.g. ".4f"
    join: str | None = None  # separator for list values

    def value(self, row: Row, cw: Crosswalk) -> Any:
        if self.derive is not None:
            v = _registered(DERIVE, self.derive, cw.name)(row, cw)
        elif self.source is not None:
            v = row.get(self.source)
        else:
            v = self.const
        if self.map is not None and v is not None:
            v = cw.lookup(self.map, v, self.key)
        if isinstance(v, list | tuple) and self.join is not None:
            v = self.join.join(str(x) for x in v) if v else None
        return v

    def text(self, value: Any) -> str:
        if value is None or value == "":
            return self.missing
        if isinstance(value, bool):
            return "1" if value else "0"
        if self.fmt is not None and isinstance(value, int | float):
            return format(value, self.fmt)
        return str(value)


@attrs.frozen
class Crosswalk:
    name: str
    title: str
    file: str  # default output file name
    schema: str  # schemas/<schema>.schema.json
    columns: tuple[ColumnSpec, ...]
    maps: dict[str, dict[str, Any]]
    encoding: str = "utf-8"
    expand: str | None = None
    include: str | None = None
    prepare: str | None = None
    options: dict[str, Any] = attrs.field(factory=dict)

    @property
    def header(self) -> list[str]:
        return [c.name for c in self.columns]

    def lookup(self, table: str, value: Any, key: str | None = None) -> Any:
        try:
            entry = self.maps[table][str(value)]
        except KeyError:
            raise KzeventsError(
                f"crosswalk {self.name}: no entry for {value!r} in code table {table!r}"
            ) from None
        if key is not None:
            return entry[key]
        return entry

    def rows(self, canonical_rows: Iterable[Row]) -> Iterator[tuple[Row, str | None]]:
        """Expanded canonical rows with the reason each is left out (None when included)."""
        if self.prepare:
            canonical_rows = _registered(PREPARE, self.prepare, self.name)(list(canonical_rows), self)
        expand = _registered(EXPAND, self.expand, self.name) if self.expand else None
        include = _registered(INCLUDE, self.include, self.name) if self.include else None
        for row in canonical_rows:
            parts = expand(row, self) if expand else [row]
            for part in parts:
                reason = include(part, self) if include else None
                yield part, reason

    def record(self, row: Row) -> dict[str, Any]:
        """One output row as typed values (None for missing), in column order."""
        return {c.name: c.value(row, self) for c in self.columns}

    def texts(self, record: dict[str, Any]) -> list[str]:
        return [c.text(record[c.name]) for c in self.columns]


def _registered(registry: dict[str, Any], name: str, crosswalk: str) -> Any:
    try:
        return registry[name]
    except KeyError:
        raise KzeventsError(
            f"crosswalk {crosswalk}: no function {name!r} is registered (its format plugin in "
            "kzevents.formats.registry registers it)"
        ) from None


@functools.cache
def available() -> list[str]:
    """The formats that have a crosswalk (``exporters/*.toml`` with a ``[format]`` table)."""
    return sorted(
        p.name.removesuffix(".toml")
        for p in resource_dir("exporters").iterdir()
        if p.name.endswith(".toml") and "format" in load_toml("exporters", p.name)
    )


@functools.cache
def get(name: str) -> Crosswalk:
    """The crosswalk ``exporters/<name>.toml`` as written: header, code tables and options. The functions
    its columns name are looked up when rows are written (see :func:`check`)."""
    if name not in available():
        raise UsageError(f"unknown format {name!r}; known formats: {', '.join(available())}")
    doc = load_toml("exporters", f"{name}.toml")
    fmt = doc["format"]
    cols = tuple(ColumnSpec(**c) for c in doc["columns"])
    return Crosswalk(
        name=fmt["name"],
        title=fmt["title"],
        file=fmt["file"],
        schema=fmt["schema"],
        encoding=fmt.get("encoding", "utf-8"),
        expand=fmt.get("expand"),
        include=fmt.get("include"),
        prepare=fmt.get("prepare"),
        columns=cols,
        maps=doc.get("maps", {}),
        options=doc.get("options", {}),
    )


def check(cw: Crosswalk) -> Crosswalk:
    """``cw`` once every function and code table it refers to is known (its plugin must be registered)."""
    for kind, fn_name, registry in (
        ("expand", cw.expand, EXPAND),
        ("include", cw.include, INCLUDE),
        ("prepare", cw.prepare, PREPARE),
    ):
        if fn_name is not None and fn_name not in registry:
            raise KzeventsError(f"crosswalk {cw.name}: unknown {kind} function {fn_name!r}")
    for c in cw.columns:
        if c.derive is not None and c.derive not in DERIVE:
            raise KzeventsError(
                f"crosswalk {cw.name}: column {c.name} refers to unknown function {c.derive!r}"
            )
        if c.map is not None and c.map not in cw.maps:
            raise KzeventsError(
                f"crosswalk {cw.name}: column {c.name} refers to unknown code table {c.map!r}"
            )
    return cw
