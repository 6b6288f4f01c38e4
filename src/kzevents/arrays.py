"""Arrow constants built from buffers.

Converting Python objects to Arrow (``pa.array`` of a list or a NumPy array, ``pa.scalar``, a bare Python
literal passed to a compute function) makes pyarrow import pandas whenever pandas is installed. For a
reader or validator that never needs pandas that is 0.2 s and about 40 MB for nothing, so the hot paths
build their constants here, from raw buffers, once.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

_NUMPY = {
    pa.int8(): np.int8,
    pa.int16(): np.int16,
    pa.int32(): np.int32,
    pa.int64(): np.int64,
    pa.float64(): np.float64,
}


def _validity(values: tuple[object, ...]) -> pa.Buffer | None:
    if all(v is not None for v in values):
        return None
    return pa.py_buffer(np.packbits(np.array([v is not None for v in values]), bitorder="little"))


@functools.cache
def strings(values: tuple[str | None, ...]) -> pa.Array:
    """A string array of ``values`` (None is null)."""
    encoded = [b"" if v is None else v.encode() for v in values]
    offsets = np.zeros(len(values) + 1, np.int32)
    np.cumsum([len(e) for e in encoded], out=offsets[1:])
    return pa.StringArray.from_buffers(
        len(values), pa.py_buffer(offsets), pa.py_buffer(b"".join(encoded)), _validity(values)
    )


@functools.cache
def numbers(values: tuple[int | float | None, ...], typ: pa.DataType) -> pa.Array:
    """A numeric array of ``values`` (None is null) of an integer or float64 type."""
    data = np.array([0 if v is None else v for v in values], _NUMPY[typ])
    return pa.Array.from_buffers(typ, len(values), [_validity(values), pa.py_buffer(data)])


def zeros(n: int) -> pa.Array:
    """``n`` int32 zeros (the dictionary indices of a constant column)."""
    return pa.Array.from_buffers(pa.int32(), n, [None, pa.py_buffer(np.zeros(n, np.int32))])


def int64s(values: np.ndarray) -> pa.Array:
    """An int64 array over a NumPy array's values."""
    return pa.Array.from_buffers(
        pa.int64(), len(values), [None, pa.py_buffer(np.ascontiguousarray(values, np.int64))]
    )


def bools(mask: np.ndarray) -> pa.Array:
    """A boolean array of a NumPy boolean mask."""
    return pa.Array.from_buffers(
        pa.bool_(), len(mask), [None, pa.py_buffer(np.packbits(mask, bitorder="little"))]
    )


def falses(n: int) -> pa.Array:
    """``n`` False values."""
    return pa.Array.from_buffers(pa.bool_(), n, [None, pa.py_buffer(np.zeros((n + 7) // 8, np.uint8))])


@functools.cache
def lit(value: str | bool | int | float | None, typ: pa.DataType) -> pa.Scalar:
    """An Arrow scalar of type ``typ`` (None is the null of that type)."""
    if value is None:
        return pa.nulls(1, typ)[0]
    if pa.types.is_string(typ):
        assert isinstance(value, str)
        return strings((value,))[0]
    if pa.types.is_boolean(typ):
        bits = pa.py_buffer(np.packbits(np.array([bool(value)]), bitorder="little"))
        return pa.Array.from_buffers(typ, 1, [None, bits])[0]
    assert isinstance(value, int | float)
    return numbers((value,), typ)[0]


def string(value: str) -> pa.Scalar:
    """A string scalar, built without pyarrow's conversion of Python values (which imports pandas)."""
    return lit(value, pa.string())


TRUE = lit(True, pa.bool_())
FALSE = lit(False, pa.bool_())


def whole(col: pa.ChunkedArray | pa.Array) -> pa.Array:
    """A column as one array: the chunk itself when there is one (``combine_chunks`` would copy it)."""
    if isinstance(col, pa.ChunkedArray):
        return col.chunk(0) if col.num_chunks == 1 else col.combine_chunks()
    return col


def holds_byte(col: pa.Array, byte: int) -> bool:
    """Whether any cell of a string column holds ``byte``: one vectorised look at its data buffer (a
    prefilter: a pattern that needs the byte cannot match a column without it)."""
    a = whole(col)
    if pa.types.is_dictionary(a.type):
        a = a.dictionary
    if len(a) == 0 or not (pa.types.is_string(a.type) or pa.types.is_large_string(a.type)):
        return True  # not plain text: the caller's pattern decides
    width = np.int64 if pa.types.is_large_string(a.type) else np.int32
    offsets = np.frombuffer(a.buffers()[1], width, count=len(a) + 1, offset=a.offset * width().itemsize)
    data = a.buffers()[2]
    if data is None or offsets[-1] == offsets[0]:
        return False
    return bool((np.frombuffer(data, np.uint8)[offsets[0] : offsets[-1]] == byte).any())


# --- work on distinct values ----------------------------------------------------------------------------


def encode(a: pa.Array) -> pa.DictionaryArray:
    """``a`` dictionary-encoded (left as it is if it already is)."""
    return a if pa.types.is_dictionary(a.type) else pc.dictionary_encode(a)


def combinations(columns: list[pa.Array], max_key: float = 2**62) -> tuple[list[pa.Array], pa.Array]:
    """The distinct combinations of values across ``columns`` (nulls kept as values), one array per column,
    and each row's combination index.

    Coded columns (event types, actor types, precisions, admin units) have a few dozen distinct values per
    batch, so work done per combination instead of per row costs next to nothing. Rows are keyed by packing
    the columns' dictionary indices into one int64 (a null is the index just past its dictionary).
    """
    encoded = [encode(c) for c in columns]
    radices = [len(d.dictionary) + 1 for d in encoded]
    if float(np.prod([float(r) for r in radices])) >= max_key:  # cannot pack: each row on its own
        rows = int64s(np.arange(len(columns[0])))
        return [pc.take(d.dictionary, d.indices) for d in encoded], rows
    with_null = [pa.concat_arrays([d.dictionary, pa.nulls(1, d.dictionary.type)]) for d in encoded]
    if len(encoded) == 1:
        d = encoded[0]
        if not d.null_count:
            return [d.dictionary], d.indices
        return with_null, pc.fill_null(d.indices, lit(radices[0] - 1, pa.int32()))
    key = None
    for d, radix in zip(encoded, radices, strict=True):
        i = pc.cast(pc.fill_null(d.indices, lit(radix - 1, pa.int32())), pa.int64())
        key = i if key is None else pc.add(pc.multiply(key, lit(radix, pa.int64())), i)
    combos = pc.dictionary_encode(key)
    rest = combos.dictionary
    digits = []
    for radix in reversed(radices):
        r = lit(radix, pa.int64())
        digits.append(pc.cast(pc.subtract(rest, pc.multiply(pc.divide(rest, r), r)), pa.int32()))
        rest = pc.divide(rest, r)
    values = [pc.take(v, digit) for v, digit in zip(with_null, reversed(digits), strict=True)]
    return values, combos.indices


def per_combination(
    columns: list[pa.Array], fn: Callable[[list[pa.Array]], pa.Array]
) -> tuple[pa.DictionaryArray, pa.Array]:
    """``fn`` applied to the distinct combinations of ``columns`` only (see :func:`combinations`), spread to
    every row as a dictionary array; also returns each row's combination index."""
    values, row_index = combinations(columns)
    out = pc.dictionary_encode(fn(values))
    return pa.DictionaryArray.from_arrays(pc.take(out.indices, row_index), out.dictionary), row_index


def spread(columns: list[pa.Array], fn: Callable[[list[pa.Array]], pa.Array]) -> pa.Array:
    """``fn`` applied to the distinct combinations of ``columns`` only, spread to every row as a plain
    array (for masks and numbers)."""
    values, row_index = combinations(columns)
    return pc.take(fn(values), row_index)


# --- hashing strings ------------------------------------------------------------------------------------


def _mix(h: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser, in place: every input bit moves every output bit."""
    with np.errstate(over="ignore"):
        h ^= h >> np.uint64(30)
        h *= np.uint64(0xBF58476D1CE4E5B9)
        h ^= h >> np.uint64(27)
        h *= np.uint64(0x94D049BB133111EB)
        h ^= h >> np.uint64(31)
    return h


# odd pseudo-random weights, one per byte position (modulo 256); numpy.random would cost an import
with np.errstate(over="ignore"):
    _WEIGHTS = _mix(np.arange(1, 257, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)) | np.uint64(1)


def string_hashes(col: pa.Array) -> np.ndarray:
    """A 64-bit hash of each cell of a string column (empty and null cells hash as ""), vectorised over the
    column's buffers: a weighted sum of the bytes (weight by position modulo 256), mixed with the length
    and scrambled. Equal strings hash equal; a clash of different strings is possible (about one in 2^64
    per pair), so callers confirm matches on the strings themselves."""
    if not pa.types.is_string(col.type):
        col = col.cast(pa.string())
    if col.null_count:
        col = pc.fill_null(col, lit("", pa.string()))
    n = len(col)
    if n == 0:
        return np.zeros(0, np.uint64)
    _, offsets_buf, data_buf = col.buffers()[:3]
    offsets = np.frombuffer(offsets_buf, np.int32, count=n + 1, offset=col.offset * 4).astype(np.int64)
    starts = offsets[:-1] - offsets[0]
    lengths = np.diff(offsets)
    h = lengths.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    total = int(offsets[-1] - offsets[0])
    if total:
        data = np.frombuffer(data_buf, np.uint8)[offsets[0] : offsets[-1]].astype(np.uint64)
        position = np.arange(total, dtype=np.int64) - np.repeat(starts, lengths)
        with np.errstate(over="ignore"):
            weighted = data * _WEIGHTS[position % 256]
            nonempty = lengths > 0
            h[nonempty] += np.add.reduceat(weighted, starts[nonempty])
    _mix(h)
    return h
