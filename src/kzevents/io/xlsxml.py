"""The parts of an .xlsx workbook read without an engine: its sheets' names and the first non-empty row of
a sheet, off the first bytes of the sheet's XML and of the shared strings (milliseconds, where the engines
parse the whole sheet first)."""

from __future__ import annotations

import html
import re
import zipfile
from pathlib import Path

_ROW = re.compile(rb"<row\b[^>]*?(?:/>|>(.*?)</row>)", re.S)
_CELL = re.compile(rb'<c r="([A-Z]+)([0-9]+)"([^>]*?)(?:/>|>(.*?)</c>)', re.S)
_T = re.compile(rb"<t[^>]*>(.*?)</t>", re.S)
_V = re.compile(rb"<v>(.*?)</v>", re.S)
_SI = re.compile(rb"<si>(.*?)</si>", re.S)
MAX_HEADER_ROWS = 50  # rows looked through for the first non-empty one


def sheet_names(path: Path) -> list[str]:
    """The workbook's sheets, in their order."""
    with zipfile.ZipFile(path) as zf:
        wb = zf.read("xl/workbook.xml").decode("utf-8")
    return [_unescape(m.group(1)) for m in re.finditer(r'<sheet\b[^>]*?name="([^"]*)"', wb)]


def _sheet_part(zf: zipfile.ZipFile, sheet: str) -> str:
    wb = zf.read("xl/workbook.xml").decode("utf-8")
    rels = zf.read("xl/_rels/workbook.xml.rels").decode("utf-8")
    for m in re.finditer(r"<sheet\b[^>]*>", wb):
        tag = m.group(0)
        name = re.search(r'name="([^"]*)"', tag)
        rid = re.search(r'r:id="([^"]*)"', tag)
        if name and rid and _unescape(name.group(1)) == sheet:
            target = re.search(rf'<Relationship\b[^>]*Id="{re.escape(rid.group(1))}"[^>]*>', rels)
            found = re.search(r'Target="([^"]*)"', target.group(0)) if target else None
            if found:
                part = found.group(1).lstrip("/")
                return part if part.startswith("xl/") else "xl/" + part
    raise KeyError(f"no sheet {sheet!r}")


def peek_header(path: Path, sheet: str) -> tuple[int, int, list[str]] | None:
    """(0-based sheet row, 0-based first column, cell texts) of the sheet's first non-empty row, or None
    for an empty sheet. An empty cell before the first named one (a row-index column) is an unnamed
    column."""
    with zipfile.ZipFile(path) as zf:
        part = _sheet_part(zf, sheet)
        data = b""
        with zf.open(part) as f:
            while True:
                chunk = f.read(1 << 16)
                data += chunk
                found = _first_row(zf, data)
                if found == "none":
                    return None
                if isinstance(found, tuple):
                    return found
                if not chunk:
                    return None


def _first_row(zf: zipfile.ZipFile, data: bytes) -> tuple[int, int, list[str]] | str | None:
    dim = re.search(rb'<dimension ref="([A-Z]+)[0-9]+', data)
    for k, r in enumerate(_ROW.finditer(data)):
        if k >= MAX_HEADER_ROWS:
            return "none"
        cells: list[tuple[int, str | int]] = []
        for c in _CELL.finditer(r.group(1) or b""):
            attrs, body = c.group(3), c.group(4) or b""
            typed = re.search(rb't="([a-zA-Z]+)"', attrs)
            kind = typed.group(1) if typed else b"n"
            text: str | int
            if kind == b"inlineStr":
                text = _text(b"".join(_T.findall(body)))
            else:
                v = _V.search(body)
                raw = v.group(1) if v else b""
                if kind == b"s":
                    text = int(raw) if raw else ""
                elif kind == b"b":
                    text = "1" if raw == b"1" else "0"
                elif kind in (b"str", b"d", b"e"):
                    text = _text(raw)
                else:
                    text = _number(raw.decode()) if raw else ""
            cells.append((_col(c.group(1)), text))
        if not any(t != "" for _, t in cells):
            continue
        needed = [t for _, t in cells if isinstance(t, int)]
        shared = _shared_strings(zf, max(needed) + 1) if needed else []
        resolved = [(col, shared[t] if isinstance(t, int) else t) for col, t in cells]
        first = min(col for col, _ in resolved)
        if dim:
            first = min(first, _col(dim.group(1)))
        last = max(col for col, t in resolved if t != "")
        out = [""] * (last - first + 1)
        for col, t in resolved:
            if first <= col <= last:
                out[col - first] = t
        number = re.search(rb'r="([0-9]+)"', r.group(0))
        return (int(number.group(1)) - 1 if number else k), first, out
    return None  # no complete non-empty row yet: read on


def _shared_strings(zf: zipfile.ZipFile, n: int) -> list[str]:
    """The first ``n`` shared strings (streamed: the table of a big workbook is tens of MB)."""
    if "xl/sharedStrings.xml" not in zf.namelist():
        return []
    out: list[str] = []
    data = b""
    with zf.open("xl/sharedStrings.xml") as f:
        while len(out) < n:
            chunk = f.read(1 << 16)
            data += chunk
            end = 0
            for m in _SI.finditer(data):
                body = re.sub(rb"<rPh\b.*?</rPh>", b"", m.group(1), flags=re.S)  # phonetic runs: not text
                out.append(_text(b"".join(_T.findall(body))))
                end = m.end()
                if len(out) >= n:
                    break
            data = data[end:]
            if not chunk:
                break
    return out + [""] * (n - len(out))


def _number(raw: str) -> str:
    x = float(raw)
    return str(int(x)) if x.is_integer() and abs(x) < 2**63 else raw


def _col(letters: bytes) -> int:
    col = 0
    for ch in letters:
        col = col * 26 + ch - 64
    return col - 1


def _text(raw: bytes) -> str:
    text = html.unescape(raw.decode("utf-8"))
    # OOXML escapes control characters as _xHHHH_
    return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m.group(1), 16)), text)


def _unescape(s: str) -> str:
    return html.unescape(s)
