"""Safety checks for every text column of every format: cells a spreadsheet would run as a formula (CSV
injection) and oversized cells; and the string-buffer helpers they and the column checks use."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kzevents.arrays import lit, whole

# generic rules for every text column of every format
MAX_CELL = 1_000_000


# a cell a spreadsheet would run as a formula: "=...", "+"/"-" not starting a number, "@FUNCTION(", or a
# leading tab or carriage return. "@handle" (a Twitter account in GED's source_office) is plain text.
FORMULA_RE = r"^=|^[+-][^0-9.]|^@[A-Za-z_.]+\(|^[\t\r]"


def safety_rules(t: pa.Table, numeric: set[str]) -> list[tuple[pa.Array, str, str, str]]:
    """Cells that look like spreadsheet formulas in text columns, and oversized cells. Costs a look at
    each cell's first byte and length (read off the string buffers) when nothing is wrong."""
    out = []
    for name in t.column_names:
        col = whole(t.column(name))
        indices = None
        if pa.types.is_dictionary(col.type):  # look at the distinct values, spread the verdicts by index
            col, indices = col.dictionary, col.indices
        lengths, first = string_heads(col)
        if len(lengths) and int(lengths.max()) > MAX_CELL:
            too_long = pc.greater(pc.binary_length(col), lit(MAX_CELL, pa.int32()))
            out.append(
                (
                    too_long if indices is None else pc.take(too_long, indices),
                    name,
                    "cell-too-long",
                    f"cell longer than {MAX_CELL} bytes",
                )
            )
        if name in numeric or not np.isin(first, FORMULA_STARTERS).any():
            continue
        formula = pc.match_substring_regex(col, FORMULA_RE)
        out.append(
            (
                formula if indices is None else pc.take(formula, indices),
                name,
                "formula-like",
                "cell starts like a spreadsheet formula (=, +, -, @FUNCTION(): a CSV injection risk",
            )
        )
    return out


FORMULA_STARTERS = np.frombuffer(b"=+@\t\r-", np.uint8)
NUL_MESSAGE = "cell holds a NUL byte (binary data or a damaged file?)"


def nul_cells(col: pa.Array) -> pa.Array | None:
    """Which cells of a string (or dictionary) column hold a NUL byte, or None when none does: one look at
    the column's bytes (about 8 GB/s), a per-cell search only when there is one."""
    indices = None
    if pa.types.is_dictionary(col.type):
        col, indices = col.dictionary, col.indices
    data = string_bytes(col)
    if not len(data) or data.min() != 0:
        return None
    found = pc.fill_null(pc.match_substring(col, "\x00"), False)
    return found if indices is None else pc.fill_null(pc.take(found, indices), False)


def nul_rules(t: pa.Table) -> list[tuple[pa.Array, str, str, str]]:
    """Cells holding a NUL byte, in every column: never text, whatever the column's rules."""
    out = []
    for name in t.column_names:
        mask = nul_cells(whole(t.column(name)))
        if mask is not None:
            out.append((mask, name, "nul", NUL_MESSAGE))
    return out


def string_bytes(col: pa.Array) -> np.ndarray:
    """The bytes of all of a string column's cells, end to end (no copy)."""
    if not pa.types.is_string(col.type):
        col = col.cast(pa.string())
    _, offsets_buf, data_buf = col.buffers()[:3]
    offsets = np.frombuffer(offsets_buf, np.int32, count=len(col) + 1, offset=col.offset * 4)
    if data_buf is None or len(col) == 0:
        return np.zeros(0, np.uint8)
    return np.frombuffer(data_buf, np.uint8)[offsets[0] : offsets[-1]]


def string_heads(col: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Each cell's length in bytes and first byte (0 for an empty cell), from the string buffers: no copy,
    no per-cell work in Python."""
    if not (pa.types.is_string(col.type) or pa.types.is_large_string(col.type)):
        col = col.cast(pa.string())
    n = len(col)
    _, offsets_buf, data_buf = col.buffers()[:3]
    width = np.int64 if pa.types.is_large_string(col.type) else np.int32
    offsets = np.frombuffer(offsets_buf, width, count=n + 1, offset=col.offset * np.dtype(width).itemsize)
    lengths = np.diff(offsets)
    data = (
        np.frombuffer(data_buf, np.uint8) if data_buf is not None and data_buf.size else np.zeros(1, np.uint8)
    )
    starts = np.minimum(offsets[:-1], len(data) - 1)
    first = np.where(lengths > 0, data[starts], 0).astype(np.uint8)
    return lengths, first
