"""Arrow constants built from buffers.

Converting Python objects to Arrow (``pa.array`` of a list or a NumPy array, ``pa.scalar``, a bare Python
literal passed to a compute function) makes pyarrow import pandas whenever pandas is installed. For a
reader or validator that never needs pandas that is 0.2 s and about 40 MB for nothing, so the hot paths
build their constants here, from raw buffers, once.
"""

from __future__ import annotations

import functools

import numpy as np
import pyarrow as pa

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


TRUE = lit(True, pa.bool_())
FALSE = lit(False, pa.bool_())
