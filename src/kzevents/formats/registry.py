"""The format plugins, in one place. Adding a dataset is adding ``formats/<name>/`` (which builds a
:class:`~kzevents.formats.plugin.Format`), ``exporters/<name>.toml`` and ``schemas/<name>.schema.json``,
and listing the plugin here."""

from __future__ import annotations

from kzevents.errors import UsageError
from kzevents.formats import acled, crosswalk, ged, gtd
from kzevents.formats.plugin import Format, Layout

# in this order: layouts are tried in it, and exports are written in it
FORMATS: dict[str, Format] = {f.name: f for f in (acled.FORMAT, gtd.FORMAT, ged.FORMAT)}
NAMES: tuple[str, ...] = tuple(FORMATS)


def get(name: str) -> Format:
    """The plugin of format ``name``."""
    try:
        return FORMATS[name]
    except KeyError:
        raise UsageError(f"unknown format {name!r}; known: {', '.join(NAMES)}") from None


def layouts() -> list[Layout]:
    """Every layout of every format, in registry order."""
    return [layout for f in FORMATS.values() for layout in f.layouts]


def latin1_ok(header: list[str]) -> bool:
    """Whether a file with this header may be Latin-1 (some format's own files are)."""
    return any(f.latin1 is not None and f.latin1(header) for f in FORMATS.values())


def writer_crosswalk(name: str) -> crosswalk.Crosswalk:
    """The crosswalk of format ``name`` with every function it names checked (its plugin is loaded)."""
    get(name)
    return crosswalk.check(crosswalk.get(name))
