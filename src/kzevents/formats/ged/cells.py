"""Cells of a batch of GED string columns as values, for the cross-field rules (:mod:`.rules`,
:mod:`.ids`): integers, numbers and dates with a mask of the cells that parse, computed once per distinct
value when a column was read as a dictionary (GED's coded columns and dates repeat)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from kzevents.arrays import FALSE, TRUE, lit, numbers, whole
from kzevents.arrays import string as S
from kzevents.validation.columns import valid_ymd
from kzevents.validation.schema import INT_RE, NUM_RE

EPOCH = numbers((0,), pa.int32()).cast(pa.date32())[0]  # 1970-01-01
DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}"

_LOCAL = threading.local()


def F(value: float) -> pa.Scalar:
    return lit(value, pa.float64())


def I(value: int) -> pa.Scalar:  # noqa: E743 - named like F, S: a literal of its type
    return lit(value, pa.int64())


def col(t: pa.Table, name: str) -> pa.Array:
    return whole(t.column(name)).cast(pa.string())


def blank(c: pa.Array) -> pa.Array:
    return pc.fill_null(pc.equal(c, S("")), TRUE)


def all_of(*masks: pa.Array) -> pa.Array:
    out = masks[0]
    for m in masks[1:]:
        out = pc.and_(out, m)
    return out


def per_value(
    t: pa.Table, name: str, fn: Callable[[pa.Array], tuple[pa.Array, pa.Array]]
) -> tuple[pa.Array, pa.Array]:
    """``fn`` of a string column, computed once per distinct value when the column was read as a
    dictionary, and kept for the other rules of the same table (per thread: tables are checked on a thread
    pool)."""
    cache: dict[Any, Any] = _LOCAL.__dict__.setdefault("cache", {})
    if cache.get("table") is not t:
        cache.clear()
        cache["table"] = t  # holding the table keeps id(t) from being reused while cached
    key = (name, fn)
    if key not in cache:
        c = whole(t.column(name))
        if pa.types.is_dictionary(c.type):
            ok, value = fn(c.dictionary)
            cache[key] = (pc.take(ok, c.indices), pc.take(value, c.indices))
        else:
            cache[key] = fn(c.cast(pa.string()))
    result: tuple[pa.Array, pa.Array] = cache[key]
    return result


def int_values(c: pa.Array) -> tuple[pa.Array, pa.Array]:
    ok = pc.fill_null(pc.match_substring_regex(c, INT_RE), FALSE)
    return ok, pc.cast(pc.if_else(ok, c, S("0")), pa.int64())


def ints(t: pa.Table, name: str) -> tuple[pa.Array, pa.Array]:
    """(mask of cells that are integers, their values; 0 elsewhere)."""
    return per_value(t, name, int_values)


def floats(c: pa.Array) -> tuple[pa.Array, pa.Array]:
    ok = pc.fill_null(pc.match_substring_regex(c, NUM_RE), FALSE)
    return ok, pc.cast(pc.if_else(ok, c, S("0")), pa.float64())


def day_values(c: pa.Array) -> tuple[pa.Array, pa.Array]:
    ymd = pc.utf8_slice_codeunits(c, 0, 10)
    shaped = pc.fill_null(pc.match_substring_regex(ymd, DATE + "$"), FALSE)
    ok = pc.and_(shaped, valid_ymd(ymd, shaped))  # strptime would read 2011-02-30 as 2 March
    parsed = pc.strptime(
        pc.if_else(ok, ymd, S("1970-01-01")), format="%Y-%m-%d", unit="s", error_is_null=True
    )
    ok = pc.and_(ok, pc.is_valid(parsed))
    return ok, pc.fill_null(pc.cast(parsed, pa.date32()), EPOCH)


def day(t: pa.Table, name: str) -> tuple[pa.Array, pa.Array]:
    """(mask of cells that start with a real YYYY-MM-DD date, the date; 1970-01-01 elsewhere)."""
    return per_value(t, name, day_values)
