"""What a file is, from its first bytes (magic numbers), not from its name: a compression to peel off, a zip
(or a workbook, which is a zip), JSON, Parquet, CSV text, or something kzevents does not read (said by name).
"""

from __future__ import annotations

import re

# (offset, bytes, kind): the first match wins. Compressions and zip are containers; the rest is content.
MAGIC: tuple[tuple[int, bytes, str], ...] = (
    (0, b"\x1f\x8b", "gzip"),  # RFC 1952: ID1 ID2
    (0, b"\xfd7zXZ\x00", "xz"),  # xz stream header
    (0, b"\x28\xb5\x2f\xfd", "zstd"),  # zstd frame, magic 0xFD2FB528 little-endian
    (0, b"PK\x03\x04", "zip"),  # local file header; xlsx/ods/docx are zips too (told apart by members)
    (0, b"PK\x05\x06", "zip"),  # empty archive
    (0, b"PK\x07\x08", "zip"),  # spanned archive
    (0, b"PAR1", "parquet"),
    (0, b"ARROW1\x00\x00", "arrow"),
    (0, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole2"),
    (0, b"\x04\x22\x4d\x18", "lz4"),
    (0, b"7z\xbc\xaf\x27\x1c", "7z"),
    (0, b"Rar!\x1a\x07", "rar"),
    (0, b"%PDF-", "pdf"),
    (0, b"SQLite format 3\x00", "sqlite"),
    (0, b"RDX2\n", "rdata"),
    (0, b"RDX3\n", "rdata"),
    (0, b"<stata_dta>", "stata"),
    (0, b"$FL2", "spss"),
    (0, b"$FL3", "spss"),
    (0, b"\xff\xfe", "utf-16"),
    (0, b"\xfe\xff", "utf-16"),
    (257, b"ustar", "tar"),
)
COMPRESSIONS = ("gzip", "bz2", "xz", "zstd")
CONTAINERS = "gzip, bzip2, xz, zstd or zip"
READ_KINDS = (
    "CSV text, .xlsx workbooks, JSON (the ACLED or UCDP API's response, an array of records, JSON Lines) "
    "and kzevents' own Parquet"
)
DESCRIBE = {
    "arrow": "an Arrow IPC / Feather file",
    "ole2": "an OLE2 compound file: an Excel 97-2003 workbook (.xls) or a password-protected workbook "
    "(save it as .xlsx or CSV)",
    "lz4": "an LZ4-compressed file",
    "7z": "a 7-Zip archive (extract it first)",
    "rar": "a RAR archive (extract it first)",
    "pdf": "a PDF document",
    "sqlite": "an SQLite database",
    "rdata": "an R data file (save/saveRDS; write it with write.csv)",
    "stata": "a Stata .dta file",
    "spss": "an SPSS .sav file",
    "utf-16": "binary, not CSV text: UTF-16 text (save it as UTF-8 CSV)",
    "tar": "a tar archive (extract it first)",
    "ods": "an OpenDocument spreadsheet (.ods; save it as .xlsx or CSV)",
    "xlsb": "an Excel binary workbook (.xlsb; save it as .xlsx or CSV)",
    "docx": "a Word document",
    "binary": "binary data of no kind kzevents knows (not CSV text: NUL or control bytes)",
    "empty": "an empty file",
    "foreign-parquet": "a Parquet file not written by kzevents (no 'kzevents' metadata key)",
}
_BZ2 = re.compile(rb"BZh[1-9](1AY&SY|\x17rE8P\x90)")
CONTROL = bytes(range(0, 9)) + bytes(range(14, 32))  # control bytes text files do not hold (not \t\n\r)


def sniff_kind(head: bytes) -> str:
    """What ``head`` (the first bytes of a file) is: a compression, "zip", "parquet", "json", "csv", "empty",
    or the name of a kind kzevents does not read (a key of :data:`DESCRIBE`)."""
    if not head:
        return "empty"
    for offset, magic, kind in MAGIC:
        if head[offset : offset + len(magic)] == magic:
            return kind
    # bzip2: "BZh" + block size '1'..'9' + a block ("1AY&SY", pi) or the end of stream
    if _BZ2.match(head):
        return "bz2"
    if len(head) >= 4 and 0x50 <= head[0] <= 0x5F and head[1:4] == b"\x2a\x4d\x18":
        return "zstd"  # a zstd skippable frame, as pzstd writes first
    text = head[3:] if head.startswith(b"\xef\xbb\xbf") else head
    stripped = text.lstrip(b" \t\r\n")
    if not stripped:
        return "empty"
    if looks_binary(text[:4096]):
        return "binary"
    if stripped[:1] in (b"{", b"["):
        return "json"
    return "csv"


def looks_binary(head: bytes) -> bool:
    """Whether the start of a file is binary rather than text: a UTF-16/32 byte-order mark, or more than
    5% control bytes (NUL among them). A stray NUL in a text file is not binary: it is reported with its
    row and column when the cell is read."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    if not head:
        return False
    return sum(head.count(bytes([c])) for c in CONTROL) > len(head) // 20


def refusal(kind: str) -> str:
    """The message for a file of a kind kzevents does not read: what it is, and what is read."""
    return f"{DESCRIBE.get(kind, kind)}; kzevents reads {READ_KINDS}, also inside {CONTAINERS}"
