"""Looking at a file before it is parsed: its header line, its encoding, a byte-order mark."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable

from kzevents.errors import DataError, Problem
from kzevents.io.locate import Bytes, first_bad_byte, locate_offset
from kzevents.io.magic import looks_binary
from kzevents.io.raw import head as first_bytes
from kzevents.io.raw import name_of

HEAD_BYTES = 1 << 20  # how much of the file the sniffer reads


def sniff(
    path: Bytes, encoding: str | None = None, latin1_ok: Callable[[list[str]], bool] = lambda header: False
) -> tuple[list[str], str, bool]:
    """Header, encoding and whether a UTF-8 byte-order mark is present.

    UTF-8 is assumed; Latin-1 is accepted only for a file whose header ``latin1_ok`` accepts (GTD's own
    file is Latin-1) and only when the file has no UTF-8 multi-byte sequences at all. A file mixing the
    two, or another file that is not UTF-8, is an error naming the row of the first bad byte.
    """
    head = first_bytes(path, HEAD_BYTES)
    file = name_of(path)
    if not head.strip():
        raise DataError([Problem("empty", "file is empty", file, row=0)])
    if looks_binary(head[:4096]):
        raise DataError([Problem("binary", "file is binary, not CSV text (NUL bytes; UTF-16?)", file, row=0)])
    bom = head.startswith(b"\xef\xbb\xbf")
    bad_at: int | None = None
    if encoding is None:
        encoding = "utf-8"
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as exc:
            if exc.start < len(head) - 4:
                bad_at = exc.start
    text = head.decode("utf-8" if bad_at is None else "latin-1", errors="replace")
    first = text.lstrip("\ufeff").splitlines()[0] if text.strip() else ""
    header = next(csv.reader([first]))
    may_be_latin1 = latin1_ok(header)
    if bad_at is None and len(head) == HEAD_BYTES and may_be_latin1:
        # only such files may be Latin-1, and the choice is made up front: scan the rest. Other files are
        # read as UTF-8 and the CSV reader checks every string cell (a bad byte is then located by
        # kzevents.io.locate)
        bad_at = first_bad_byte(path, "utf-8")
    if len(header) < 2:
        raise DataError(
            [
                Problem(
                    "delimiter",
                    f"header has {len(header)} column(s); is the file comma-separated?",
                    file,
                    row=0,
                    value=first[:200],
                )
            ]
        )
    if "\x00" in first:
        raise DataError([Problem("nul", "the header holds a NUL byte (a damaged file?)", file, row=0)])
    if bad_at is not None:
        row, column = locate_offset(path, "utf-8", bad_at, header)
        utf8_multibyte = re.search(rb"[\xc2-\xf4][\x80-\xbf]", head) is not None
        if utf8_multibyte or not may_be_latin1:
            why = "mixes UTF-8 and another encoding" if utf8_multibyte else "is not UTF-8"
            raise DataError(
                [
                    Problem(
                        "encoding",
                        f"file {why}: invalid UTF-8 byte at offset {bad_at}",
                        file,
                        row=row,
                        column=column,
                        value=repr(head[max(0, bad_at - 15) : bad_at + 5]),
                    )
                ]
            )
        encoding = "latin-1"
    return header, encoding, bom
