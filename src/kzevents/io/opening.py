"""Opening what a user names: a path, ``path::member``, ``-`` or a file object, its containers peeled off by
their magic bytes (see :mod:`kzevents.io.sources`)."""

from __future__ import annotations

import os
import sys
import zipfile
from typing import IO

from kzevents.errors import AccessError, DataError, Problem, UsageError
from kzevents.io.magic import COMPRESSIONS, refusal, sniff_kind
from kzevents.io.paths import STDIO, check_source
from kzevents.io.raw import Decompressed, FileObjRaw, FileRaw, Raw, SpoolRaw, head
from kzevents.io.sources import HEAD, STDIN_NAME, AcceptHeader, CsvSource, ParquetSource, Source


def split_spec(spec: str) -> tuple[str, str | None]:
    """``path::member`` (a zip member or a sheet) as (path, member); a path that exists is taken whole."""
    if "::" in spec and not os.path.lexists(spec):
        path, member = spec.rsplit("::", 1)
        return path, member
    return spec, None


def open_source(
    spec: str | os.PathLike[str] | IO[bytes],
    accept_header: AcceptHeader | None = None,
    name: str | None = None,
) -> Source:
    """Open a path, ``path::member`` (a zip member or a sheet), ``-`` (standard input) or a binary file
    object. A missing or unreadable file is an :class:`~kzevents.errors.AccessError`; a file kzevents does
    not read, an empty or damaged container a :class:`~kzevents.errors.DataError` naming it."""
    member: str | None = None
    raw: Raw
    if isinstance(spec, str | os.PathLike):
        text = os.fspath(spec)
        if text == STDIO:
            if sys.stdin is None or sys.stdin.isatty():
                raise AccessError(
                    STDIN_NAME, "standard input is a terminal, not a file", "pipe a file in: ... - < file.csv"
                )
            raw = SpoolRaw(sys.stdin.buffer, name or STDIN_NAME)
        else:
            text, member = split_spec(text)
            raw = FileRaw(check_source(text), name)
    else:
        label = str(name or getattr(spec, "name", None) or "<file object>")
        seekable = bool(getattr(spec, "seekable", lambda: False)())
        raw = FileObjRaw(spec, label) if seekable else SpoolRaw(spec, label)
    try:
        return open_raw(raw, member, [], accept_header)
    except BaseException:
        raw.close()
        raise


def open_raw(raw: Raw, member: str | None, chain: list[str], accept: AcceptHeader | None) -> Source:
    """The source ``raw`` holds, its containers peeled off."""
    try:
        start = head(raw, HEAD)
    except (OSError, EOFError, zipfile.BadZipFile) as exc:
        outer = chain[-1] if chain else "file"
        raise DataError([Problem("container", f"damaged {outer} data: {exc}", raw.name, row=0)]) from None
    kind = sniff_kind(start)
    if kind in COMPRESSIONS:
        if len(chain) >= 3:
            raise DataError([Problem("container", "more than three containers deep", raw.name, row=0)])
        return open_raw(Decompressed(raw, kind), member, [*chain, kind], accept)
    if kind == "zip":
        from kzevents.io.archive import open_zip  # (zip and workbooks: a module of their own)

        return open_zip(raw, member, chain, accept, open_raw)
    if member is not None:
        raise UsageError(f"{raw.name}: '::{member}' names a zip member or a sheet, but this is not a zip")
    if kind == "csv":
        return CsvSource(raw, chain)
    if kind == "json":
        from kzevents.io.records import JsonSource  # ijson: imported only for JSON

        return JsonSource.open(raw, chain, start)
    if kind == "parquet":
        return ParquetSource(raw, chain)
    code = "empty" if kind == "empty" else "binary" if kind in ("binary", "utf-16") else "kind"
    raise DataError([Problem(code, refusal(kind), raw.name, row=0)])
