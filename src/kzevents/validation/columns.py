"""The vectorised JSON-Schema checks of one column: a boolean mask per keyword (True = fails).

Low-cardinality columns are checked once per distinct value; clean numeric and date columns with one cast
instead of a regular expression per cell. Every verdict is the one the ``jsonschema`` package gives for the
JSON value of the cell (:func:`kzevents.validation.schema.cell_to_json`); property tests check it.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kzevents.arrays import falses, lit, numbers, strings
from kzevents.validation.safety import string_bytes, string_heads
from kzevents.validation.schema import INT_RE, NUM_RE, ColumnRule

# --- the vectorised validator ------------------------------------------------------------------------


def valid_ymd(col: pa.Array, shaped: pa.Array) -> pa.Array:
    """True where a ``YYYY-MM-DD``-shaped string is a real calendar date (year >= 1), vectorised."""

    def i(v: int) -> pa.Scalar:
        return lit(v, pa.int32())

    safe = pc.if_else(shaped, col, lit("2000-01-01", pa.string()))
    y = pc.cast(pc.utf8_slice_codeunits(safe, 0, 4), pa.int32())
    m = pc.cast(pc.utf8_slice_codeunits(safe, 5, 7), pa.int32())
    d = pc.cast(pc.utf8_slice_codeunits(safe, 8, 10), pa.int32())
    leap = pc.and_(
        pc.equal(pc.bit_wise_and(y, i(3)), i(0)),
        pc.or_(pc.not_equal(pc.remainder(y, i(100)), i(0)), pc.equal(pc.remainder(y, i(400)), i(0))),
    )
    month_len = pc.take(
        numbers((0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31), pa.int32()),
        pc.if_else(pc.and_(pc.greater_equal(m, i(1)), pc.less_equal(m, i(12))), m, i(0)),
    )
    month_len = pc.if_else(pc.and_(leap, pc.equal(m, i(2))), i(29), month_len)
    return pc.and_(
        pc.and_(pc.greater_equal(y, i(1)), pc.greater_equal(d, i(1))),
        pc.and_(pc.greater(month_len, i(0)), pc.less_equal(d, month_len)),
    )


def low_cardinality(col: pa.Array, sample: int = 2000) -> bool:
    """Whether a column repeats its values enough that checking its distinct values pays off."""
    head = col.slice(0, sample)
    return len(head) > 0 and len(pc.unique(head)) <= len(head) // 4


def check_column(col: pa.Array, rule: ColumnRule) -> list[tuple[pa.Array, str, str]]:
    """Boolean masks (True = fails) for each JSON Schema keyword, with the rule code and message.

    Low-cardinality columns are checked once per distinct value and the verdicts spread back by index.
    """
    # regexes cost per cell, and enums (of coded columns) have few distinct values; numbers and dates in a
    # clean column cost one cast (see _numbers_fast)
    costly = rule.pattern is not None or rule.enum is not None
    if pa.types.is_dictionary(col.type) or (costly and len(col) > 10_000 and low_cardinality(col)):
        enc = col if pa.types.is_dictionary(col.type) else pc.dictionary_encode(col)
        masks = check_values(enc.dictionary.cast(pa.string()), rule)
        return [(pc.take(m, enc.indices), code, msg) for m, code, msg in masks]
    return check_values(col, rule)


def _numbers_fast(
    col: pa.Array, present: pa.Array, any_empty: bool, first: np.ndarray, rule: ColumnRule
) -> tuple[Any, ...] | None:
    """(is_int, is_num, as_number) when every present cell is a number by the regexes, found with one Arrow
    cast instead of a regex per cell; None when the column needs the regexes (some cell is not a plain
    number, or is a form Arrow reads and JSON Schema's rule does not).

    Arrow's float parser also reads nan/inf and a leading "+", and its integer parser reads hex ("0x1F"):
    those are excluded here, so a fast verdict is always the regex's verdict.
    """
    if (first == ord("+")).any():
        return None
    target = pc.if_else(present, col, lit(None, pa.string())) if any_empty else col
    if rule.admits_number:
        try:
            floats = pc.cast(target, pa.float64())
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            return None
        if not pc.all(pc.is_finite(floats)).as_py():
            return None
        is_int = None
        if rule.enum is not None and rule.admits_int:  # an enum of numbers needs to tell ints apart
            is_int = pc.match_substring_regex(col, INT_RE)
        return is_int, present, floats
    if not rule.admits_int:
        return None
    if (pc.max(pc.binary_length(col)).as_py() or 0) > 18:  # INT_RE allows 18 characters of digits
        return None
    try:
        ints = pc.cast(target, pa.int64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    data = string_bytes(col)
    if ((data == ord("x")) | (data == ord("X"))).any():
        return None
    return present, None, ints


def _dates_fast(col: pa.Array, any_empty: bool, present: pa.Array) -> bool:
    """Whether every present cell is a real YYYY-MM-DD date with year >= 1 (one Arrow cast; Arrow checks
    the calendar and reads only that exact form)."""
    target = pc.if_else(present, col, lit(None, pa.string())) if any_empty else col
    try:
        dates = pc.cast(target, pa.date32())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return False
    earliest = pc.min(pc.cast(dates, pa.int32())).as_py()
    return earliest is None or earliest >= -719162  # 0001-01-01


def check_values(col: pa.Array, rule: ColumnRule) -> list[tuple[pa.Array, str, str]]:
    col = col.cast(pa.string()) if col.type != pa.string() else col
    byte_lengths, first = string_heads(col)
    any_empty = bool((byte_lengths == 0).any())
    empty = pc.equal(pc.binary_length(col), lit(0, pa.int32())) if any_empty else falses(len(col))
    failures: list[tuple[pa.Array, str, str]] = []
    if not rule.nullable and any_empty:
        failures.append((empty, "required", "value is missing"))
    present = pc.invert(empty)
    is_int: pa.Array | None = None
    is_num: pa.Array | None = None
    as_number: pa.Array | None = None
    numeric_rule = rule.admits_int or rule.admits_number
    fast = _numbers_fast(col, present, any_empty, first, rule) if numeric_rule else None
    if fast is not None:
        is_int, is_num, as_number = fast
    else:
        is_int = pc.match_substring_regex(col, INT_RE) if rule.admits_int else None
        is_num = pc.match_substring_regex(col, NUM_RE) if rule.admits_number else None
        if is_int is not None or is_num is not None:
            numeric_mask = (
                is_int if is_num is None else (is_num if is_int is None else pc.or_(is_int, is_num))
            )
            # integers stay exact (INT_RE's 18 digits fit int64); anything with a number is a float
            typ = pa.int64() if is_num is None else pa.float64()
            as_number = pc.cast(pc.if_else(numeric_mask, col, lit("0", pa.string())), typ)
    is_str = present
    if is_int is not None:
        is_str = pc.and_(is_str, pc.invert(is_int))
    if is_num is not None:
        is_str = pc.and_(is_str, pc.invert(is_num))

    if rule.enum is not None:
        str_values = [v for v in rule.enum if isinstance(v, str)]
        int_values = [v for v in rule.enum if isinstance(v, int) and not isinstance(v, bool)]
        ok = pc.and_(is_str, pc.is_in(col, value_set=strings(tuple(str_values))))
        if is_int is not None:
            ints = pc.cast(pc.if_else(is_int, col, lit("0", pa.string())), pa.int64())
            ok = pc.or_(ok, pc.and_(is_int, pc.is_in(ints, value_set=numbers(tuple(int_values), pa.int64()))))
        failures.append((pc.and_(present, pc.invert(ok)), "enum", "not one of the allowed values"))
    elif rule.types and "string" not in rule.types:  # a present cell is always a valid string
        numeric = (
            is_int if "number" not in rule.types else (is_num if is_int is None else pc.or_(is_int, is_num))
        )
        assert numeric is not None
        kind = "/".join(sorted(rule.types))
        failures.append((pc.and_(present, pc.invert(numeric)), "type", f"not of type {kind}"))
    if rule.pattern is not None:
        matches = pc.match_substring_regex(col, rule.pattern)
        if rule.pattern.endswith("$") and not rule.pattern.endswith("\\$"):
            # JSON Schema patterns are Python regexes, where "$" also matches before a final newline
            if pc.any(pc.ends_with(col, "\n")).as_py():
                again = pc.match_substring_regex(pc.replace_substring_regex(col, "\n$", ""), rule.pattern)
                matches = pc.or_(matches, again)
        failures.append(
            (
                pc.and_(is_str, pc.invert(matches)),
                "pattern",
                f"does not match {rule.pattern}",
            )
        )
    # lengths count code points; bytes bound them from above, so utf8_length is needed only past the bound
    # (and minLength 1 cannot fail: a present cell has at least one character)
    if rule.min_length is not None and rule.min_length > 1:
        failures.append(
            (
                pc.and_(is_str, pc.less(pc.utf8_length(col), lit(rule.min_length, pa.int32()))),
                "minLength",
                "too short",
            )
        )
    if rule.max_length is not None and len(byte_lengths) and int(byte_lengths.max()) > rule.max_length:
        failures.append(
            (
                pc.and_(is_str, pc.greater(pc.utf8_length(col), lit(rule.max_length, pa.int32()))),
                "maxLength",
                "too long",
            )
        )
    if as_number is not None:
        numeric_present = is_int if is_num is None else (is_num if is_int is None else pc.or_(is_int, is_num))
        for bound, compare, code, text in (
            (rule.minimum, pc.less, "minimum", "less than"),
            (rule.maximum, pc.greater, "maximum", "more than"),
        ):
            if bound is None:
                continue
            if pa.types.is_integer(as_number.type) and float(bound).is_integer():
                limit = lit(int(bound), pa.int64())  # compared exactly, as JSON Schema compares integers
            else:
                limit = lit(float(bound), pa.float64())
                as_number = pc.cast(as_number, pa.float64(), safe=False)
            failures.append((pc.and_(numeric_present, compare(as_number, limit)), code, f"{text} {bound}"))
    if rule.date_format and (numeric_rule or not _dates_fast(col, any_empty, present)):
        shaped = pc.and_(is_str, pc.match_substring_regex(col, r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"))
        # JSON Schema's "date" format: exactly YYYY-MM-DD (no final newline) and a real date
        failures.append(
            (
                pc.and_(is_str, pc.invert(pc.and_(shaped, valid_ymd(col, shaped)))),
                "format",
                "not a valid date (YYYY-MM-DD)",
            )
        )
    return failures
