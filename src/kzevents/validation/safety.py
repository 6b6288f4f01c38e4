"""Safety checks for every text column of every format: cells a spreadsheet would run as a formula (CSV
injection) and oversized cells; and the string-buffer helpers they and the column checks use."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kzevents.arrays import FALSE, lit, whole
from kzevents.validation.report import WARNING_CODES

# generic rules for every text column of every format
MAX_CELL = 1_000_000


# OWASP's CSV injection rule: a cell starting with =, +, -, @, a tab or a carriage return is run as a
# formula by a spreadsheet, unless it is a number ("-5", "+3.2", "-1e5"; but "+1+1" and "-2+3" are not
# numbers: a spreadsheet computes them). A social-media handle ("@UN_MINUSMA", "@a;@b", as real GED
# source_office cells have them) is only warned about: a spreadsheet shows #NAME? but runs nothing; a
# cell reference after the @ ("@A1") is not a handle.
FORMULA_START_RE = r"^[=+\-@\t\r]"
NUMBER_RE = r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$"
HANDLE_RE = r"^@[A-Za-z0-9_]+([;, ]|$)"
CELL_REF_RE = r"^@[A-Za-z]{1,3}[0-9]+([;, ]|$)"
FORMULA_MESSAGE = (
    "cell starts with =, +, -, @, a tab or a carriage return and is not a number: a spreadsheet would "
    "run it as a formula (CSV injection)"
)
HANDLE_MESSAGE = "cell starts with @ (a social-media handle?): a spreadsheet would take it for a formula"
WARNING_CODES.add("formula-handle")


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
        starts = pc.match_substring_regex(col, FORMULA_START_RE)
        risky = pc.and_(starts, pc.invert(pc.match_substring_regex(col, NUMBER_RE)))
        handle = pc.and_(
            pc.match_substring_regex(col, HANDLE_RE), pc.invert(pc.match_substring_regex(col, CELL_REF_RE))
        )
        for mask, code, message in (
            (pc.and_(risky, pc.invert(handle)), "formula-like", FORMULA_MESSAGE),
            (pc.and_(risky, handle), "formula-handle", HANDLE_MESSAGE),
        ):
            if pc.any(mask).as_py():
                out.append((mask if indices is None else pc.take(mask, indices), name, code, message))
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
    found = pc.fill_null(pc.match_substring(col, "\x00"), FALSE)
    return found if indices is None else pc.fill_null(pc.take(found, indices), FALSE)


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
