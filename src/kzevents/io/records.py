"""JSON records: the ACLED API's response (``{"status": 200, "success": true, "count": N, "data": [...]}``),
UCDP's (``{"TotalCount": N, "TotalPages": P, ..., "Result": [...]}``), a plain array of records, another
object holding one array of records, or JSON Lines. Arrays are streamed with ijson (memory does not grow
with the file); JSON Lines are read line by line.

Each record becomes a row of the CSV's string columns: the header is the keys of all records (in first-seen
order: a first pass over the records, so a key first met late is still read), and layout detection sees the
names a CSV header has. Values: strings as they are,
integers as written (``3``), decimals as written (``3.0`` stays ``3.0``: the readers count integral
decimals as they do in a CSV), ``true``/``false`` as ``1``/``0`` (counted), ``null`` or a missing key as an
empty cell, a nested array or object as its JSON text (counted). Row N is the N-th record.
"""

from __future__ import annotations

import json
import operator
from collections import Counter
from collections.abc import Iterator
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kzevents.arrays import lit
from kzevents.errors import DataError, Problem
from kzevents.io.raw import Raw
from kzevents.io.sources import TableSource

BLOCK_ROWS = 1 << 14  # records per block (a block's Python objects are the memory of this path)
# the APIs' envelopes: the key holding the records, and keys that tell the API apart
ENVELOPES = (
    ("ACLED API response", "data", {"status", "success"}),
    ("UCDP API response", "Result", {"TotalCount"}),
)
COUNT_KEYS = ("count", "TotalCount")


class JsonSource(TableSource):
    kind = "json"

    def __init__(
        self, raw: Raw, chain: list[str], flavor: str, prefix: str, envelope: dict[str, Any]
    ) -> None:
        super().__init__(raw, chain)
        self.flavor, self.prefix, self.envelope = flavor, prefix, envelope
        self._header: list[str] | None = None

    @classmethod
    def open(cls, raw: Raw, chain: list[str], head: bytes) -> JsonSource:
        flavor, prefix, envelope = _flavor(raw, head)
        return cls(raw, chain, flavor, prefix, envelope)

    def describe(self) -> str:
        return super().describe() + f" [{self.flavor}]"

    def _bad(self, message: str, row: int | None) -> DataError:
        return DataError([Problem("json", message, self.name, row=row)])

    def records(self) -> Iterator[dict[str, Any]]:
        import ijson

        n = 0
        if self.flavor == "JSON Lines":
            with self.raw.open() as f:
                for line in f:
                    if not line.strip():
                        continue
                    n += 1
                    try:
                        rec = json.loads(line)
                    except ValueError as exc:
                        raise self._bad(f"record {n} is not JSON ({exc})", n) from None
                    if not isinstance(rec, dict):
                        raise self._bad(f"record {n} is not a JSON object", n)
                    yield rec
            return
        with self.raw.open() as f:
            try:
                for rec in ijson.items(f, self.prefix, use_float=True):
                    n += 1
                    if not isinstance(rec, dict):
                        raise self._bad(f"record {n} is not a JSON object ({type(rec).__name__})", n)
                    yield rec
            except ijson.JSONError as exc:
                raise self._bad(f"the JSON breaks off after record {n} ({exc})", n + 1) from None
            except (EOFError, OSError) as exc:  # a truncated or damaged container around it
                raise self._bad(f"the data breaks off after record {n} ({exc})", n + 1) from None

    def header(self) -> list[str]:
        if self._header is None:
            keys: dict[str, None] = {}
            for rec in self.records():
                if len(rec) != len(keys) or not keys.keys() >= rec.keys():
                    keys.update(dict.fromkeys(rec))
            if not keys:
                raise self._bad("no records", 0)
            self._header = list(keys)
        return self._header

    def batches(self, columns: list[str] | None, empty_as_null: bool) -> Iterator[pa.RecordBatch]:
        header = self.header()
        names = [h for h in header if columns is None or h in columns]
        # each record's values in one visit, then the block is transposed (a column at a time from many
        # dicts is memory-bound and ten times slower)
        get = operator.itemgetter(*names) if len(names) > 1 else (lambda r, k=names[0]: (r[k],))
        rows: list[tuple[Any, ...]] = []
        done = 0
        for rec in self.records():
            try:
                rows.append(get(rec))
            except KeyError:  # a record without some key: an empty cell
                rows.append(tuple(rec.get(c) for c in names))
            if len(rows) >= BLOCK_ROWS:
                yield self._block(rows, names, empty_as_null)
                done += len(rows)
                rows = []
        if rows or not done:
            yield self._block(rows, names, empty_as_null)
            done += len(rows)
        total = next((self.envelope[k] for k in COUNT_KEYS if isinstance(self.envelope.get(k), int)), None)
        if total is not None and total != done and not isinstance(total, bool):
            pages = self.envelope.get("TotalPages")
            self.normalised[
                f"the {self.flavor} says {total} records and holds {done}"
                + (f" (one page of {pages}?)" if pages else " (one page of a larger download?)")
            ] += 1

    def _block(self, rows: list[tuple[Any, ...]], names: list[str], empty_as_null: bool) -> pa.RecordBatch:
        cols = list(zip(*rows, strict=True)) if rows else [() for _ in names]
        arrays = [self._column(list(c), empty_as_null) for c in cols]
        return pa.RecordBatch.from_arrays(arrays, names=names)

    def _column(self, values: list[Any], empty_as_null: bool) -> pa.Array:
        kinds = {type(v) for v in values}
        if not kinds <= {str, type(None)}:
            values = [_text(v, self.normalised) for v in values]
        a = pa.array(values, pa.string())
        empty = lit("", pa.string())
        if empty_as_null:
            return pc.if_else(pc.equal(a, empty), lit(None, pa.string()), a) if len(a) else a
        return pc.fill_null(a, empty) if a.null_count else a

    def raw_texts(self, rows: set[int]) -> dict[int, str]:
        out: dict[int, str] = {}
        for i, rec in enumerate(self.records(), start=1):
            if i in rows:
                out[i] = json.dumps(rec, ensure_ascii=False)
        return out


def _text(v: Any, counts: Counter[str]) -> str | None:
    """A JSON value as the text of a CSV cell (None: empty)."""
    if v is None or isinstance(v, str):
        return v
    if isinstance(v, bool):
        counts["JSON booleans read as 1/0"] += 1
        return "1" if v else "0"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        r = repr(v)  # as written: 3.0 stays "3.0", 33.5 "33.5"
        return np.format_float_positional(v, trim="0") if "e" in r else r
    counts["nested JSON values kept as JSON text"] += 1
    return json.dumps(v, ensure_ascii=False, separators=(",", ":"))


def _flavor(raw: Raw, head: bytes) -> tuple[str, str, dict[str, Any]]:
    """(what it is, ijson prefix of the records, the envelope's scalar values)."""
    text = head[3:] if head.startswith(b"\xef\xbb\xbf") else head
    stripped = text.lstrip()
    if stripped.startswith(b"["):
        return "JSON array", "item", {}
    first, _, rest = stripped.partition(b"\n")
    try:
        rec = json.loads(first)
    except ValueError:
        rec = None
    if isinstance(rec, dict) and rest.lstrip().startswith(b"{"):
        return "JSON Lines", "", {}
    import ijson

    envelope: dict[str, Any] = {}
    key = None
    error = False
    with raw.open() as f:
        array_at = None  # a top-level key whose value is an array: the records if it holds objects
        try:
            for prefix, event, value in ijson.parse(f, use_float=True):
                if array_at is not None:
                    if prefix == array_at + ".item" and event == "start_map":
                        key = array_at
                        break
                    array_at = None
                if prefix.startswith("error") and event == "string":
                    envelope[prefix] = value
                if "." in prefix:
                    continue
                if event in ("string", "number", "boolean", "null") and prefix:
                    envelope[prefix] = value
                elif event == "start_array" and prefix:
                    array_at = prefix
                elif event == "start_map" and prefix == "error":
                    error = True
        except ijson.JSONError as exc:
            if key is None and isinstance(rec, dict):  # one object on one line: JSON Lines of one record
                return "JSON Lines", "", {}
            raise DataError([Problem("json", f"not valid JSON ({exc})", raw.name, row=0)]) from None
    if envelope.get("success") is False or error:
        said = {k: v for k, v in envelope.items() if k not in ("status", "success")}
        raise DataError(
            [
                Problem(
                    "json",
                    f"an API error response, not data (status {envelope.get('status')}: {said})",
                    raw.name,
                    row=0,
                )
            ]
        )
    for flavor, records_key, marks in ENVELOPES:
        if marks & set(envelope) and key == records_key:
            return flavor, records_key + ".item", envelope
    if key is not None:
        return f"JSON object (records under {key!r})", key + ".item", envelope
    if isinstance(rec, dict) and not rest.strip():
        return "JSON Lines", "", {}
    keys = ", ".join(envelope) or "none"
    raise DataError(
        [Problem("json", f"a JSON object with no array of records (its keys: {keys})", raw.name, row=0)]
    )
