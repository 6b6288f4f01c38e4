"""Packing a CSV file into every container users hold (tests/test_containers.py): compressed (gzip, bzip2,
xz, zstd), zipped (alone, among other files, a zipped .gz), as an .xlsx workbook with typed cells (numbers as
numbers, ISO dates as date cells, as GTD's and UCDP's workbooks have them; one sheet, or behind a README
sheet), and as JSON (an array of text records, JSON Lines with typed values, the ACLED and UCDP API
responses)."""

from __future__ import annotations

import bz2
import csv
import datetime as dt
import gzip
import json
import lzma
import re
import zipfile
from pathlib import Path

import pyarrow as pa

from kzevents.formats import crosswalk
from kzevents.validation.schema import compile_schema

NUMBER = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")
ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
DATE_COLUMNS = {"event_date", "resolution"}  # written as date cells (GED's keep their time part as text)


def rows_of(path: Path, encoding: str = "utf-8") -> tuple[list[str], list[list[str]]]:
    with open(path, encoding=encoding, newline="") as f:
        records = [r for r in csv.reader(f) if r]
    return records[0], records[1:]


def kinds(fmt: str, header: list[str]) -> list[str]:
    """Each column's cell type in a workbook or typed JSON: "num", "date" or "str" (from the JSON Schema)."""
    rules = {r.name: r for r in compile_schema(crosswalk.get(fmt).schema).columns}
    out = []
    for h in header:
        r = rules.get(h)
        if h in DATE_COLUMNS:
            out.append("date")
        elif r is not None and (r.admits_int or r.admits_number) and "string" not in r.types:
            out.append("num")
        else:
            out.append("str")
    return out


def typed(v: str, kind: str) -> object:
    if v == "":
        return None
    if kind == "num" and NUMBER.match(v) and len(v) < 16:
        return int(v) if "." not in v else float(v)
    if kind == "date" and ISO_DATE.match(v):
        return dt.date.fromisoformat(v)
    return v


def write_xlsx(
    dest: Path, header: list[str], rows: list[list[str]], ks: list[str], readme: bool = False
) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(
        str(dest), {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False}
    )
    date_format = wb.add_format({"num_format": "yyyy-mm-dd"})
    if readme:
        wb.add_worksheet("README").write(0, 0, "The data is on the next sheet.")
    ws = wb.add_worksheet("Events")
    ws.write_row(0, 0, header)
    for i, row in enumerate(rows, start=1):
        for j, v in enumerate(row):
            x = typed(v, ks[j])
            if x is None:
                continue
            if isinstance(x, dt.date):
                ws.write_datetime(i, j, dt.datetime(x.year, x.month, x.day), date_format)
            elif isinstance(x, int | float):
                ws.write_number(i, j, x)
            else:
                ws.write_string(i, j, x)
    wb.close()


def json_value(v: str, kind: str) -> object:
    x = typed(v, kind)
    return v if isinstance(x, dt.date) else x


def pack(src: Path, fmt: str, folder: Path, encoding: str = "utf-8") -> dict[str, str]:
    """{container: source spec} for one file."""
    folder.mkdir(parents=True, exist_ok=True)
    data = src.read_bytes()
    name = src.stem
    out: dict[str, str] = {}

    def put(label: str, file: str, content: bytes) -> Path:
        p = folder / file
        p.write_bytes(content)
        out[label] = str(p)
        return p

    gz = put("gz", f"{name}.csv.gz", gzip.compress(data, mtime=0))
    cut = data.index(b"\n", len(data) // 2) + 1
    put("gz-2-members", f"{name}.2.csv.gz", gzip.compress(data[:cut]) + gzip.compress(data[cut:]))
    put("bz2", f"{name}.csv.bz2", bz2.compress(data))
    put("xz", f"{name}.csv.xz", lzma.compress(data))
    sink = pa.BufferOutputStream()
    with pa.CompressedOutputStream(sink, "zstd") as z:
        z.write(data)
    put("zst", f"{name}.csv.zst", sink.getvalue().to_pybytes())
    put("csv-named-gz", f"{name}.plain.gz", data)  # content decides, not the name
    with zipfile.ZipFile(folder / f"{name}-csv.zip", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(f"{name}.csv", data)
    out["zip"] = str(folder / f"{name}-csv.zip")
    with zipfile.ZipFile(folder / f"{name}-several.zip", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("README.txt", "Codebook: see the website.\n")
        z.writestr("__MACOSX/._x.csv", b"\x00\x05\x16\x07")
        z.writestr("countries.csv", "country,iso\nKazakhstan,398\n")
        z.writestr(f"data/{name}.csv", data)
    out["zip-several"] = str(folder / f"{name}-several.zip")
    out["zip::member"] = f"{folder / f'{name}-several.zip'}::data/{name}.csv"
    with zipfile.ZipFile(folder / f"{name}-gz.zip", "w", zipfile.ZIP_STORED) as z:
        z.write(gz, f"{name}.csv.gz")
    out["zip-of-gz"] = str(folder / f"{name}-gz.zip")
    if encoding != "utf-8":  # a Latin-1 text: the text containers only (a workbook or JSON holds Unicode)
        return out
    header, rows = rows_of(src, encoding)
    ks = kinds(fmt, header)
    write_xlsx(folder / f"{name}.xlsx", header, rows, ks)
    out["xlsx"] = str(folder / f"{name}.xlsx")
    write_xlsx(folder / f"{name}-2.xlsx", header, rows, ks, readme=True)
    out["xlsx-2-sheets"] = str(folder / f"{name}-2.xlsx")
    out["xlsx::sheet"] = f"{folder / f'{name}-2.xlsx'}::Events"
    with zipfile.ZipFile(folder / f"{name}-xlsx.zip", "w", zipfile.ZIP_DEFLATED) as z:
        z.write(folder / f"{name}.xlsx", f"{name}.xlsx")
    out["zip-of-xlsx"] = str(folder / f"{name}-xlsx.zip")
    text_records = [dict(zip(header, r, strict=True)) for r in rows]
    put("json-array", f"{name}.json", json.dumps(text_records, ensure_ascii=False, indent=1).encode())
    lines = [json.dumps({h: json_value(v, k) for h, v, k in zip(header, r, ks, strict=True)}) for r in rows]
    put("jsonl", f"{name}.jsonl", ("\n".join(lines) + "\n").encode())
    if fmt == "acled":  # ACLED's API: strings, numbers for some fields
        numbers = {"fatalities", "latitude", "longitude", "timestamp"}
        records = [
            {h: (json_value(v, k) if h in numbers else v) for h, v, k in zip(header, r, ks, strict=True)}
            for r in rows
        ]
        envelope = {"status": 200, "success": True, "count": len(rows), "messages": [], "data": records}
        put("acled-api", f"{name}.acled-api.json", json.dumps(envelope).encode())
    if fmt == "ged":  # UCDP's API: typed values
        records = [{h: json_value(v, k) for h, v, k in zip(header, r, ks, strict=True)} for r in rows]
        envelope = {"TotalCount": len(rows), "TotalPages": 1, "NextPageUrl": "", "Result": records}
        put("ucdp-api", f"{name}.ucdp-api.json.gz", gzip.compress(json.dumps(envelope).encode()))
    return out
