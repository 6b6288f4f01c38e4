"""Zip archives: a workbook (xlsx is a zip), or a zip of data files, whose member is chosen by its header.

One member: it is read, whatever it is (CSV, xlsx, a .csv.gz, JSON). Several: the one whose header is a
known layout's (``accept_header``, given by the readers); none or several such members is an error listing
every member and asking for ``archive.zip::MEMBER``. Directories, ``__MACOSX/``, ``._*`` and ``.DS_Store``
entries are not members.
"""

from __future__ import annotations

import zipfile
from pathlib import PurePosixPath

from kzevents.errors import DataError, KzeventsError, Problem
from kzevents.io.magic import DESCRIBE, READ_KINDS
from kzevents.io.raw import Raw, ZipMemberRaw, head, local
from kzevents.io.sources import AcceptHeader, CsvSource, OpenRaw, Source, TableSource, missing_member

METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA)


def members(zf: zipfile.ZipFile) -> list[str]:
    """The data members of an archive (not folders nor the litter of macOS)."""
    out = []
    for info in zf.infolist():
        base = PurePosixPath(info.filename).name
        if info.is_dir() or info.filename.startswith("__MACOSX/") or base.startswith("._"):
            continue
        if base in (".DS_Store", "Thumbs.db"):
            continue
        out.append(info.filename)
    return out


def _damaged(raw: Raw, exc: Exception) -> DataError:
    return DataError([Problem("container", f"damaged zip archive ({exc})", raw.name, row=0)])


def open_zip(
    raw: Raw, member: str | None, chain: list[str], accept: AcceptHeader | None, open_raw: OpenRaw
) -> Source:
    raw = local(raw)  # a zip's directory is at its end: a file (standard input is spooled)
    assert raw.path is not None
    try:
        with zipfile.ZipFile(raw.path) as zf:
            names = set(zf.namelist())
            if "xl/workbook.xml" in names:  # an xlsx workbook
                from kzevents.io.spreadsheet import XlsxSource  # fastexcel: imported for workbooks only

                return XlsxSource(raw, chain, member, accept)
            if "xl/workbook.bin" in names:
                kind = "xlsb"
            elif "mimetype" in names and zf.read("mimetype").startswith(
                b"application/vnd.oasis.opendocument.spreadsheet"
            ):
                kind = "ods"
            elif "word/document.xml" in names:
                kind = "docx"
            else:
                kind = ""
            if kind:
                raise DataError(
                    [Problem("kind", f"{DESCRIBE[kind]}; kzevents reads {READ_KINDS}", raw.name, row=0)]
                )
            listed = members(zf)
            methods = {i.filename: i.compress_type for i in zf.infolist()}
    except zipfile.BadZipFile as exc:
        raise _damaged(raw, exc) from None
    chain = [*chain, "zip"]
    if member is not None:
        if member not in listed:
            raise missing_member(raw.name, f"member {member!r}", listed)
        return _member(raw, member, methods[member], chain, accept, open_raw)
    if not listed:
        raise DataError([Problem("empty", "the zip archive holds no file", raw.name, row=0)])
    if len(listed) == 1:
        return _member(raw, listed[0], methods[listed[0]], chain, accept, open_raw)
    verdicts: list[str] = []
    found: list[Source] = []
    for m in listed:
        try:
            src = _member(raw, m, methods[m], chain, accept, open_raw)
        except KzeventsError as exc:
            verdicts.append(f"{m} ({_short(exc)})")
            continue
        ok = accept is None or _header_accepted(src, accept)
        verdicts.append(f"{m} ({src.kind}{', a known layout' if ok else ', header matches no layout'})")
        if ok:
            found.append(src)
    if len(found) == 1:
        return found[0]
    which = "several members have" if found else "no member has"
    message = f"{which} the header of a known layout: {'; '.join(verdicts)}; name one as {raw.name}::MEMBER"
    raise DataError([Problem("zip-members", message, raw.name, row=0)])


def _member(
    raw: Raw, name: str, method: int, chain: list[str], accept: AcceptHeader | None, open_raw: OpenRaw
) -> Source:
    if method not in METHODS:
        raise DataError(
            [
                Problem(
                    "container",
                    f"member {name!r} is compressed with a method Python's zipfile cannot read "
                    f"(method {method}: Deflate64, as Windows Explorer writes?); unzip it first",
                    raw.name,
                    row=0,
                )
            ]
        )
    try:
        return open_raw(ZipMemberRaw(raw, name), None, chain, accept)
    except zipfile.BadZipFile as exc:
        raise _damaged(raw, exc) from None


def _short(exc: Exception) -> str:
    text = str(exc).splitlines()[-1].strip()
    return text.split(": ", 1)[-1][:80] if ": " in text else text[:80]


def _header_accepted(src: Source, accept: AcceptHeader) -> bool:
    """Whether a member's first line (or sheet row, or records' keys) is a known layout's header."""
    if isinstance(src, TableSource):
        return accept(src.header())
    if isinstance(src, CsvSource):
        import csv

        text = head(src.raw, 1 << 16)
        for encoding in ("utf-8", "latin-1"):
            try:
                decoded = text.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        lines = decoded.lstrip("\ufeff").splitlines()
        return bool(lines) and accept(next(csv.reader([lines[0]]), []))
    return False
