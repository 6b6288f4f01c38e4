"""The kernels every format's reader normaliser is built from: columns of a batch of strings, numbers,
dates, and the problems found on the way (each with its file, row, column and value).

A normaliser (``formats/<name>/read.py``) takes a batch of string columns as the CSV reader gives them and
returns the canonical table (:func:`kzevents.table.assemble`); nothing becomes one Python object per row.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kzevents.arrays import FALSE, TRUE, bools, encode, int64s, lit, strings, whole
from kzevents.errors import Problem
from kzevents.formats.artefacts import (
    DATE_ORDER,
    INTEGRAL_LABEL,
    DateOrder,
    has_slash_dates,
    integral_decimals,
    slash_dates,
)
from kzevents.validation.columns import valid_ymd
from kzevents.validation.engine import bits

FIRST_DAY = -719162  # 0001-01-01 in days since 1970-01-01: the first date a Python date (and JSON Schema) has

# --- column helpers -----------------------------------------------------------------------------------


def col(t: pa.Table, name: str) -> pa.Array:
    """A column as one array (strings; all nulls when the file lacks it)."""
    if name not in t.column_names:
        return pa.nulls(t.num_rows, pa.string())
    col = t.column(name)
    return col.chunk(0) if col.num_chunks == 1 else col.combine_chunks()


def as_is(t: pa.Table, name: str) -> pa.Array | pa.ChunkedArray:
    """A column taken over unchanged, its chunks as they are: copying long text such as ACLED's notes
    into one array took a fifth of the normalising time."""
    if name not in t.column_names:
        return pa.nulls(t.num_rows, pa.string())
    return t.column(name)


def split(a: pa.Array, sep: str) -> pa.Array:
    """A list column of a separated text column."""
    return pc.split_pattern(a, sep)  # empty cells are nulls already (strings_can_be_null)


def non_empty_lists(columns: list[pa.Array]) -> pa.Array:
    """Per row, the list of the cells of ``columns`` that are not missing, as they are (null where all are
    missing): GTD's ``scite1``-``scite3`` as one list. (Joining and splitting on a separator would cut a
    cell that holds the separator.)"""
    n, k = len(columns[0]), len(columns)
    values = pa.concat_arrays([whole(c).cast(pa.string()) for c in columns])  # column after column
    row_major = int64s((np.arange(n)[:, None] + np.arange(k)[None, :] * n).ravel())
    taken = values.take(row_major)
    present = pc.and_(
        pc.is_valid(taken), pc.not_equal(pc.fill_null(taken, lit("", pa.string())), lit("", pa.string()))
    )
    keep = bits(pc.fill_null(present, FALSE))
    per_row = keep.reshape(n, k).sum(axis=1)
    offsets = np.zeros(n + 1, np.int32)
    np.cumsum(per_row, out=offsets[1:])
    return pa.ListArray.from_arrays(
        pa.Array.from_buffers(pa.int32(), n + 1, [None, pa.py_buffer(offsets)]),
        taken.filter(bools(keep)),
        mask=bools(per_row == 0),
    )


class Issues:
    """Problems found while normalising one batch (bad numbers, impossible dates). Rows are numbered from
    ``offset`` (or by ``numbers``, the batch's data-row numbers, when the parser skipped rows before it).
    With ``every_row`` (reading with skip_invalid) every bad row is kept with all its reasons
    (``by_row``: index in the batch -> reasons), not only the first of each check."""

    def __init__(
        self, file: str, offset: int, numbers: np.ndarray | None = None, every_row: bool = False
    ) -> None:
        self.file, self.offset, self.numbers = file, offset, numbers
        self.problems: list[Problem] = []
        self.every_row = every_row
        self.by_row: dict[int, list[Problem]] = {}
        self.counts: Counter[str] = Counter()  # what the kernels changed (spreadsheet artefacts)

    def row(self, i: int) -> int:
        """The data-row number of the batch's row ``i``."""
        return int(self.numbers[i]) if self.numbers is not None else self.offset + i + 1

    def check(self, bad: pa.Array, col: pa.Array, column: str, message: str, code: str = "value") -> None:
        bad = pc.fill_null(bad, FALSE)
        if not pc.any(bad).as_py():
            return
        nonzero = pc.indices_nonzero(bad)
        idx = nonzero.to_pylist()
        shown = idx if self.every_row else idx[:20]
        values = pc.take(col, nonzero if self.every_row else nonzero[:20]).to_pylist()
        for i, v in zip(shown, values, strict=False):
            p = Problem(
                code,
                message,
                self.file,
                row=self.row(i),
                column=column,
                value=None if v is None else str(v)[:200],
            )
            if self.every_row:
                self.by_row.setdefault(i, []).append(p)
            if len(self.problems) < 1000:
                self.problems.append(p)
        if len(idx) > 20 and not self.every_row:
            self.problems.append(
                Problem(code, f"{message}: {len(idx) - 20} more rows", self.file, column=column)
            )


def to_int(
    a: pa.Array,
    column: str,
    issues: Issues,
    typ: pa.DataType | None = None,
    missing: tuple[str, ...] = ("",),
) -> pa.Array:
    """Cast a string column to integers: ``-?[0-9]+`` (blanks around it allowed) whose value fits ``typ``.

    ``missing`` strings become null; anything else is a problem. A cell's verdict never depends on the
    other cells of its batch: the fast path (one Arrow cast of the whole column) and the slow path (taken
    when any cell needs trimming or is bad) accept exactly the same cells.
    """
    typ = typ or pa.int32()
    missing_set = strings(missing)
    try:  # fast path: a clean column casts in one pass (Arrow rejects blanks, signs, decimals, overflow)
        out = pc.cast(a, typ)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    else:
        if missing == ("",):  # empty cells are already null
            return out
        return pc.if_else(pc.is_in(a, value_set=missing_set), lit(None, typ), out)
    is_missing = pc.or_(pc.is_null(a), pc.fill_null(pc.is_in(a, value_set=missing_set), FALSE))
    a, decimals = integral_decimals(a)  # a spreadsheet's 3.0: the integer, counted
    if decimals is not None:
        issues.counts[INTEGRAL_LABEL] += pc.sum(pc.cast(decimals, pa.int64())).as_py() or 0
    trimmed = pc.utf8_trim_whitespace(a)
    shaped = pc.fill_null(pc.match_substring_regex(trimmed, r"^-?[0-9]+$"), FALSE)
    # at most 18 significant digits, so the int64 cast below cannot overflow
    digits = pc.utf8_ltrim(pc.utf8_ltrim(trimmed, "-"), "0")
    shaped = pc.and_(shaped, pc.less_equal(pc.utf8_length(digits), lit(18, pa.int32())))
    wide = pc.cast(pc.if_else(shaped, trimmed, lit(None, pa.string())), pa.int64())
    info = _int_range(typ)
    fits = pc.and_(
        pc.greater_equal(wide, lit(info[0], pa.int64())), pc.less_equal(wide, lit(info[1], pa.int64()))
    )
    ok = pc.fill_null(pc.and_(shaped, fits), FALSE)
    issues.check(pc.and_(pc.invert(is_missing), pc.invert(ok)), a, column, "not an integer")
    return pc.cast(pc.if_else(pc.and_(ok, pc.invert(is_missing)), wide, lit(None, pa.int64())), typ)


def to_count(a: pa.Array, column: str, issues: Issues, typ: pa.DataType | None = None) -> pa.Array:
    """A count (deaths, injuries): an integer (:func:`to_int`) that is not negative."""
    out = to_int(a, column, issues, typ)
    issues.check(pc.less(out, lit(0, out.type)), a, column, "a count cannot be negative")
    return out


def _int_range(typ: pa.DataType) -> tuple[int, int]:
    """The smallest and largest value of an Arrow integer type."""
    bits = typ.bit_width
    return (-(1 << (bits - 1)), (1 << (bits - 1)) - 1)


def to_float(a: pa.Array, column: str, issues: Issues, lo: float, hi: float) -> pa.Array:
    """Cast a string column to float64 within [lo, hi]; non-numbers and values outside are problems."""
    try:  # fast path; Arrow also reads nan/inf, which are not numbers here
        v = pc.cast(a, pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        empty = pc.equal(a, lit("", pa.string()))
        ok = pc.match_substring_regex(a, r"^\s*[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?\s*$")
        issues.check(pc.and_(pc.invert(empty), pc.invert(ok)), a, column, "not a number")
        v = pc.cast(pc.if_else(ok, pc.utf8_trim_whitespace(a), lit(None, pa.string())), pa.float64())
    else:
        finite = pc.is_finite(v)
        if not pc.all(finite).as_py():
            issues.check(pc.invert(finite), a, column, "not a number")
            v = pc.if_else(finite, v, lit(None, pa.float64()))
    outside = pc.or_(pc.less(v, lit(float(lo), pa.float64())), pc.greater(v, lit(float(hi), pa.float64())))
    if pc.any(outside).as_py():
        issues.check(outside, a, column, f"outside [{lo}, {hi}]")
        v = pc.if_else(outside, lit(None, pa.float64()), v)
    return v


def parse_dates(a: pa.Array, column: str, issues: Issues, counts: Counter[str]) -> pa.Array:
    """Dates as ``2025-04-01``, ``2025-04-01 00:00:00.000``, ``21 March 2020`` or ``5-Aug-24`` → date32.

    A file has few distinct dates, so each distinct string is parsed once and the result spread by index.
    """
    enc = encode(a)
    values, indices = enc.dictionary, enc.indices
    try:  # fast path: every distinct value is a valid YYYY-MM-DD (Arrow checks the calendar)
        fast = pc.cast(values, pa.date32())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    else:  # ... and none is before year 1 (Arrow reads 0000-01-01, which no Python date can hold)
        earliest = pc.min(pc.cast(fast, pa.int32())).as_py()
        if earliest is None or earliest >= FIRST_DAY:
            return pc.take(fast, indices)
    parsed_values, done_values, labels = _parse_date_values(values)
    result = pc.take(parsed_values, indices)
    done = pc.fill_null(pc.take(done_values, indices), TRUE)  # a missing date is not a malformed one
    for label, mask in labels.items():
        counts[label] += pc.sum(pc.cast(pc.take(mask, indices), pa.int64())).as_py() or 0
    issues.check(
        pc.invert(done), a, column, "not a date (YYYY-MM-DD, 'D Month YYYY', 'D-Mon-YY' or a slash date)"
    )
    return result


def _parse_date_values(a: pa.Array) -> tuple[pa.Array, pa.Array, dict[str, pa.Array]]:
    a = pc.utf8_trim_whitespace(a)
    iso_re = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}( 00:00:00(\.0+)?)?$"
    iso_shape = pc.fill_null(pc.match_substring_regex(a, iso_re), FALSE)
    iso = pc.utf8_slice_codeunits(a, 0, 10)
    iso_ok = pc.and_(iso_shape, valid_ymd(iso, iso_shape))
    result = pc.cast(
        pc.strptime(
            pc.if_else(iso_ok, iso, lit(None, pa.string())),
            format="%Y-%m-%d",
            unit="s",
            error_is_null=True,
        ),
        pa.date32(),
    )
    done = iso_ok
    labels: dict[str, pa.Array] = {}
    for fmt, regex, label in (
        ("%d %B %Y", r"^[0-9]{1,2} [A-Za-z]+ [0-9]{4}$", "dates as 'D Month YYYY'"),
        ("%d-%b-%y", r"^[0-9]{1,2}-[A-Za-z]{3}-[0-9]{2}$", "dates as 'D-Mon-YY' (spreadsheet)"),
        ("%d %b %Y", r"^[0-9]{1,2} [A-Za-z]{3} [0-9]{4}$", "dates as 'D Mon YYYY'"),
    ):
        shaped = pc.fill_null(pc.and_(pc.invert(done), pc.match_substring_regex(a, regex)), FALSE)
        if not pc.any(shaped).as_py():
            continue
        parsed = pc.strptime(
            pc.if_else(shaped, a, lit(None, pa.string())), format=fmt, unit="s", error_is_null=True
        )
        # strptime rolls 31 February over into March: the day must survive the round trip
        # (cells of another shape get a stand-in day: extract_regex fails on a cell that does not match)
        day_text = pc.extract_regex(pc.if_else(shaped, a, lit("1", pa.string())), r"^(?P<d>[0-9]{1,2})")
        day = pc.cast(day_text.field("d"), pa.int64())
        good = pc.fill_null(pc.and_(shaped, pc.equal(pc.day(parsed), day)), FALSE)
        result = pc.if_else(good, pc.cast(parsed, pa.date32()), result)
        labels[label] = good
        done = pc.or_(done, good)
    if has_slash_dates(a):  # a spreadsheet's 4/1/2025: in the file's day/month order
        order = DATE_ORDER.get()
        if order is None:  # (not decided by a reader for the whole file: from these values)
            evidence = DateOrder("<input>")
            evidence.observe(a, "")
            order = evidence.decide()
        parsed, shaped = slash_dates(a, order)
        good = pc.and_(pc.invert(done), pc.and_(shaped, pc.is_valid(parsed)))
        good = pc.fill_null(good, FALSE)
        result = pc.if_else(good, parsed, result)
        labels[f"slash dates read as {'D/M/YYYY' if order == 'dmy' else 'M/D/YYYY'} (spreadsheet)"] = good
        done = pc.or_(done, good)
    # a date before year 1 (0000-01-01, "1 May 0000") cannot be read back from Parquet into Python
    too_early = pc.fill_null(pc.less(pc.cast(result, pa.int32()), lit(FIRST_DAY, pa.int32())), FALSE)
    if pc.any(too_early).as_py():
        result = pc.if_else(too_early, lit(None, pa.date32()), result)
        done = pc.and_(done, pc.invert(too_early))
    return result, done, labels


def geo_precision(precision: pa.Array) -> pa.Array:
    """A 1/2/3+ place-precision code (GTD ``specificity``, GED ``where_prec``) as kzevents' precision:
    1 → town, 2 → near_town, anything else → region."""
    one, two = lit("1", pa.string()), lit("2", pa.string())
    return pc.if_else(
        pc.equal(precision, one),
        lit("town", pa.string()),
        pc.if_else(pc.equal(precision, two), lit("near_town", pa.string()), lit("region", pa.string())),
    )


MAX_VALUES_LISTED = 20  # distinct values named per kind of change in a read report


def count_unmapped(source: pa.Array, mapped: pa.Array, what: str, counts: Counter[str]) -> None:
    """Nothing left empty silently: every distinct ``source`` value that maps to no ``mapped`` value (an
    unknown category, an out-of-range code) is counted under its own name in the read report."""
    lost = pc.and_(pc.is_valid(source), pc.is_null(mapped))
    if not pc.any(lost).as_py():
        return
    taken = pc.filter(source, lost)
    taken = taken.cast(pa.string()) if pa.types.is_dictionary(taken.type) else taken
    values = pc.value_counts(taken)
    pairs = sorted(zip(values.field("values").to_pylist(), values.field("counts").to_pylist(), strict=True))
    for value, n in pairs[:MAX_VALUES_LISTED]:
        counts[f"{what} {value!r}: left empty"] += n
    if len(pairs) > MAX_VALUES_LISTED:
        rest = sum(n for _, n in pairs[MAX_VALUES_LISTED:])
        counts[f"{what}: {len(pairs) - MAX_VALUES_LISTED} other values left empty"] += rest
