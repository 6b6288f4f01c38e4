"""Which format and layout a file is, from its header (columns are matched by name, never by position),
and the sources the readers take, opened through the input layer (:mod:`kzevents.io.opening`)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import IO

from kzevents.errors import DataError, Problem
from kzevents.formats import registry
from kzevents.formats.plugin import Layout
from kzevents.io.opening import open_source
from kzevents.io.raw import Raw
from kzevents.io.sniff import sniff
from kzevents.io.sources import CsvSource, Source, TableSource

SourceSpec = str | os.PathLike[str] | IO[bytes]  # a path, "path::member", "-" or a binary file object


def sniff_file(path: Path | Raw) -> tuple[list[str], str, bool]:
    """Header, encoding and byte-order mark of a file (Latin-1 only where a format allows it)."""
    return sniff(path, latin1_ok=registry.latin1_ok)


def accepts(header: list[str]) -> bool:
    """Whether a header is a known layout's (to choose a zip's member or a workbook's sheet)."""
    try:
        detect_layout(header)
    except DataError:
        return False
    return True


def open_input(spec: SourceSpec | Source) -> Source:
    """The source a user named (an opened :class:`Source` is taken as it is)."""
    return spec if isinstance(spec, Source) else open_source(spec, accept_header=accepts)


def header_of(src: Source) -> tuple[list[str], str, bool]:
    """Header, encoding and byte-order mark of a CSV or table source."""
    if isinstance(src, CsvSource):
        return sniff_file(src.raw)
    assert isinstance(src, TableSource), src
    return src.header(), "utf-8", False


def detect_layout(header: list[str], file: str = "<input>", fmt: str | None = None) -> Layout:
    """The layout whose columns the header has (by name; a leading unnamed index column is ignored)."""
    names = {h for h in header if h}
    plugins = [registry.get(fmt)] if fmt is not None else list(registry.FORMATS.values())
    candidates = [lay for f in plugins for lay in f.layouts]
    for lay in candidates:
        if set(lay.columns) == names:
            _no_duplicates(header, file)
            return lay
    for f in plugins:
        if f.headerless is not None and (found := f.headerless(header)) is not None:
            return found
    best = min(candidates, key=lambda lay: len(set(lay.columns) ^ names))
    missing = [c for c in best.columns if c not in names]
    extra = sorted(names - set(best.columns))
    expected = "; ".join(f"{lay.name} ({len(lay.columns)} columns)" for lay in candidates)
    msg = f"header matches no known layout (expected one of: {expected})"
    if (len(best.columns) - len(missing)) * 2 < len(best.columns):
        # too far from every layout for a list of differences to help
        most = max(len(set(lay.columns) & names) for lay in candidates)
        msg += f"; it shares at most {most} column names with any of them: is this an event file?"
    else:
        msg += f"; closest is {best.name}"
        if missing:
            msg += f", missing {', '.join(missing[:10])}"
        if extra:
            msg += f", unexpected {', '.join(extra[:10])}"
    twice = sorted({h for h in header if h and header.count(h) > 1})
    if twice:
        msg += f"; named twice: {', '.join(twice)}"
    raise DataError([Problem("unknown-layout", msg, file, row=0, value=",".join(header)[:300])])


def _no_duplicates(header: list[str], file: str) -> None:
    """A header naming a column twice: which of the two is the data's column cannot be told."""
    seen: dict[str, int] = {}
    for i, h in enumerate(header):
        if h and h in seen:
            raise DataError(
                [
                    Problem(
                        "duplicate-column",
                        f"the header names column {h!r} twice (fields {seen[h] + 1} and {i + 1}): "
                        "rename or remove one",
                        file,
                        row=0,
                        column=h,
                    )
                ]
            )
        seen[h] = i
