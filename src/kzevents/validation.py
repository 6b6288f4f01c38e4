"""Validating CSV files of a format against its JSON Schema, vectorised over Arrow arrays.

A CSV row is turned into a JSON object by one rule (see :func:`cell_to_json`); :func:`reference_problems`
applies the ``jsonschema`` package to those objects row by row, and the vectorised validator here gives the
same verdict on every row and column, only much faster. Cross-field rules that JSON Schema cannot say
(``sub_event_type`` belongs to ``event_type``, ``year`` matches the date…) are checked after the schema.
"""

from __future__ import annotations

import functools
import re
from collections import Counter, deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kzevents._arrow import FALSE, falses, lit, numbers, string_hashes, strings, whole
from kzevents.errors import Problem, UsageError
from kzevents.resources import schema as load_schema

INT_RE = r"^-?[0-9]{1,18}$"
NUM_RE = r"^-?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$"
_INT = re.compile(INT_RE)
_NUM = re.compile(NUM_RE)
MAX_LISTED = 1000  # problems listed one by one; beyond this only counted per rule


# --- compiling a column's schema ---------------------------------------------------------------------


@attrs.frozen
class ColumnRule:
    name: str
    nullable: bool
    types: frozenset[str]  # "string" | "integer" | "number"; empty = any (enum only)
    enum: tuple[Any, ...] | None = None
    pattern: str | None = None
    min_length: int | None = None
    max_length: int | None = None
    minimum: float | None = None
    maximum: float | None = None
    date_format: bool = False

    @property
    def admits_int(self) -> bool:
        if self.enum is not None:
            return any(isinstance(v, int) and not isinstance(v, bool) for v in self.enum)
        return bool(self.types & {"integer", "number"})

    @property
    def admits_number(self) -> bool:
        if self.enum is not None:
            return any(isinstance(v, float) for v in self.enum)
        return "number" in self.types


_SUPPORTED = {
    "type",
    "enum",
    "pattern",
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "format",
    "anyOf",
    "description",
    "title",
}


def compile_column(name: str, s: dict[str, Any]) -> ColumnRule:
    nullable = False
    if "anyOf" in s:
        branches = s["anyOf"]
        non_null = [b for b in branches if b != {"type": "null"}]
        if len(non_null) != 1 or len(branches) != 2:
            raise UsageError(f"schema for column {name}: only anyOf [schema, null] is supported")
        nullable = True
        s = non_null[0]
    unknown = set(s) - _SUPPORTED
    if unknown:
        raise UsageError(f"schema for column {name}: unsupported keywords {sorted(unknown)}")
    types = s.get("type", [])
    types = {types} if isinstance(types, str) else set(types)
    if "null" in types:
        nullable = True
        types.discard("null")
    enum = tuple(s["enum"]) if "enum" in s else None
    if enum is not None and None in enum:
        nullable = True
    return ColumnRule(
        name=name,
        nullable=nullable,
        types=frozenset(types),
        enum=enum,
        pattern=s.get("pattern"),
        min_length=s.get("minLength"),
        max_length=s.get("maxLength"),
        minimum=s.get("minimum"),
        maximum=s.get("maximum"),
        date_format=s.get("format") == "date",
    )


@attrs.frozen
class CompiledSchema:
    name: str
    columns: tuple[ColumnRule, ...]
    required: frozenset[str]
    additional: bool

    @property
    def header(self) -> list[str]:
        return [c.name for c in self.columns]

    def rule(self, column: str) -> ColumnRule:
        for c in self.columns:
            if c.name == column:
                return c
        raise KeyError(column)


@functools.cache
def compile_schema(name: str) -> CompiledSchema:
    s = load_schema(name)
    order = s.get("x-kzevents-columns", list(s["properties"]))
    return CompiledSchema(
        name=name,
        columns=tuple(compile_column(c, s["properties"][c]) for c in order),
        required=frozenset(s.get("required", [])),
        additional=s.get("additionalProperties", True) is not False,
    )


# --- the CSV -> JSON rule, row by row (the reference) ----------------------------------------------


def cell_to_json(cell: str, rule: ColumnRule) -> Any:
    """The JSON value of one CSV cell: empty is null, numbers in numeric columns are numbers."""
    if cell == "":
        return None
    if rule.admits_int and _INT.fullmatch(cell):
        return int(cell)
    if rule.admits_number and _NUM.fullmatch(cell):
        return float(cell)
    return cell


def reference_problems(rows: list[dict[str, str]], schema_name: str) -> set[tuple[int, str]]:
    """(row, column) pairs that the ``jsonschema`` package rejects; rows are 1-based."""
    import jsonschema

    compiled = compile_schema(schema_name)
    s = load_schema(schema_name)
    cls = jsonschema.validators.validator_for(s)
    validator = cls(s, format_checker=cls.FORMAT_CHECKER)
    out: set[tuple[int, str]] = set()
    for i, row in enumerate(rows, start=1):
        doc = {k: cell_to_json(v, compiled.rule(k)) if k in compiled.header else v for k, v in row.items()}
        for err in validator.iter_errors(doc):
            col = str(err.absolute_path[0]) if err.absolute_path else "<row>"
            out.add((i, col))
    return out


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


CrossRule = Callable[[pa.Table], list[tuple[pa.Array, str, str, str]]]
CROSS_RULES: dict[str, CrossRule] = {}


def cross_rule(fmt: str) -> Callable[[CrossRule], CrossRule]:
    def register(fn: CrossRule) -> CrossRule:
        CROSS_RULES[fmt] = fn
        return fn

    return register


# rule codes that only warn: a file whose rows break them is still valid (exit 0), and the report lists
# them apart. Modules that register cross-field rules add their warning codes here.
WARNING_CODES: set[str] = set()


@attrs.define
class Report:
    """The result of validating a file: every problem (up to a limit) and counts per rule; warnings (rules
    in WARNING_CODES) are kept apart and do not make the file invalid."""

    file: str
    format: str
    rows: int = 0
    problems: list[Problem] = attrs.field(factory=list)
    counts: Counter[str] = attrs.field(factory=Counter)
    failing_rows: int = 0
    warnings: list[Problem] = attrs.field(factory=list)
    warning_counts: Counter[str] = attrs.field(factory=Counter)

    @property
    def valid(self) -> bool:
        return not self.counts

    def add(self, p: Problem) -> None:
        if p.code in WARNING_CODES:
            self.warning_counts[p.code] += 1
            if len(self.warnings) < MAX_LISTED:
                self.warnings.append(p)
            return
        self.counts[p.code] += 1
        if len(self.problems) < MAX_LISTED:
            self.problems.append(p)

    def count(self, code: str) -> None:
        """One more finding of ``code`` beyond those listed."""
        (self.warning_counts if code in WARNING_CODES else self.counts)[code] += 1

    def merge(self, other: Report) -> None:
        """Add a later batch's findings (rows already offset)."""
        room = MAX_LISTED - len(self.problems)
        self.problems.extend(other.problems[: max(room, 0)])
        self.counts.update(other.counts)
        self.warnings.extend(other.warnings[: max(MAX_LISTED - len(self.warnings), 0)])
        self.warning_counts.update(other.warning_counts)
        self.rows += other.rows
        self.failing_rows += other.failing_rows

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "format": self.format,
            "valid": self.valid,
            "rows": self.rows,
            "failing_rows": self.failing_rows,
            "counts": dict(sorted(self.counts.items())),
            "problems": [p.to_dict() for p in self.problems],
            "truncated": sum(self.counts.values()) > len(self.problems),
            "warning_counts": dict(sorted(self.warning_counts.items())),
            "warnings": [p.to_dict() for p in self.warnings],
        }

    def __str__(self) -> str:
        head = f"{self.file}: {self.format}, {self.rows} rows: " + (
            "valid" if self.valid else f"{sum(self.counts.values())} problem(s) in {self.failing_rows} row(s)"
        )
        if self.warning_counts:
            head += f", {sum(self.warning_counts.values())} warning(s)"
        lines = [head, *(f"  {p}" for p in self.problems)]
        if not self.valid:
            lines.append("  per rule: " + ", ".join(f"{k} {v}" for k, v in sorted(self.counts.items())))
        lines += [f"  warning: {p}" for p in self.warnings]
        if self.warning_counts:
            counts = ", ".join(f"{k} {v}" for k, v in sorted(self.warning_counts.items()))
            lines.append(f"  warnings per rule: {counts}")
        return "\n".join(lines)


def validate_table(
    table: pa.Table,
    schema_name: str,
    report: Report,
    row_offset: int = 0,
    rules: tuple[ColumnRule, ...] | None = None,
    extra: Callable[[pa.Table], list[tuple[pa.Array, str, str, str]]] | None = None,
) -> pa.Array:
    """Check one batch (all columns as strings) and add its problems to ``report``; ``extra`` gives more
    rules of the same shape as the cross-field ones (masks, column, code, message). Returns which rows
    failed."""
    compiled = compile_schema(schema_name)
    failing = falses(table.num_rows)
    for rule in compiled.columns if rules is None else rules:
        if rule.name not in table.column_names:
            continue
        col = whole(table.column(rule.name))
        for mask, code, message in check_column(col, rule):
            failing = _collect(mask, col, rule.name, f"schema:{code}", message, report, row_offset, failing)
    import kzevents.derive_ged
    import kzevents.derive_gtd
    import kzevents.rules  # noqa: F401

    fmt = schema_name
    more = CROSS_RULES[fmt](table) if fmt in CROSS_RULES else []
    if extra is not None:
        more += extra(table)
    for mask, column, code, message in more:
        col = whole(table.column(column))  # values are read off only for the failing rows
        failing = _collect(mask, col, column, code, message, report, row_offset, failing)
    report.failing_rows += pc.sum(pc.cast(failing, pa.int64())).as_py() or 0
    report.rows += table.num_rows
    return failing


def _bits(mask: pa.Array) -> np.ndarray:
    """A boolean array without nulls as one bool per row (numpy), read off its bitmap."""
    packed = np.frombuffer(mask.buffers()[1], np.uint8)
    return np.unpackbits(packed, bitorder="little", count=mask.offset + len(mask))[mask.offset :].astype(bool)


def _collect(
    mask: pa.Array,
    col: pa.Array,
    column: str,
    code: str,
    message: str,
    report: Report,
    row_offset: int,
    failing: pa.Array,
) -> pa.Array:
    if mask.null_count:
        mask = pc.fill_null(mask, FALSE)
    if not pc.any(mask).as_py():
        return failing
    idx = pc.indices_nonzero(mask).to_pylist()
    warning = code in WARNING_CODES
    room = MAX_LISTED - len(report.warnings if warning else report.problems)
    values = pc.take(col, pc.indices_nonzero(mask)[: max(room, 0)]).to_pylist() if room > 0 else []
    for k, i in enumerate(idx):
        if k < len(values):
            v = values[k]
            report.add(
                Problem(
                    code=code,
                    message=message,
                    file=report.file,
                    row=row_offset + i + 1,
                    column=column,
                    value=None if v is None else str(v)[:200],
                )
            )
        else:
            report.count(code)
    return failing if warning else pc.or_(failing, mask)


# --- files -------------------------------------------------------------------------------------------


PARSE_BLOCK = 1 << 20  # bytes of CSV per parsed block (the parser's buffers grow with the block)
CHECK_BYTES = 1 << 23  # bytes of strings per checked table (the checks' cost per call is mostly fixed)
CHECK_BYTES_PER_COLUMN = 1 << 18  # ... and per column: wide files (GTD's 135 columns) get larger tables


MAX_BLOCK = 1 << 30
# columns with few distinct values, read as dictionaries: their checks and cross-field rules run once per
# distinct value (or combination)
CODED_COLUMNS: dict[str, frozenset[str]] = {
    "acled": frozenset(
        "event_date,year,time_precision,disorder_type,event_type,sub_event_type,inter1,inter2,interaction,"
        "civilian_targeting,iso,region,country,geo_precision,source_scale".split(",")
    ),
    "gtd": frozenset(
        "iyear,imonth,iday,extended,country,country_txt,region,region_txt,specificity,vicinity,crit1,crit2,"
        "crit3,doubtterr,alternative,alternative_txt,multiple,success,suicide,attacktype1,attacktype1_txt,"
        "attacktype2,attacktype2_txt,attacktype3,attacktype3_txt,targtype1,targtype1_txt,targsubtype1,"
        "targsubtype1_txt,natlty1,natlty1_txt,targtype2,targtype2_txt,targsubtype2,targsubtype2_txt,natlty2,"
        "natlty2_txt,targtype3,targtype3_txt,targsubtype3,targsubtype3_txt,natlty3,natlty3_txt,guncertain1,"
        "guncertain2,guncertain3,individual,claimed,claimmode,claimmode_txt,claim2,claimmode2,claimmode2_txt,"
        "claim3,claimmode3,claimmode3_txt,compclaim,weaptype1,weaptype1_txt,weapsubtype1,weapsubtype1_txt,"
        "weaptype2,weaptype2_txt,weapsubtype2,weapsubtype2_txt,weaptype3,weaptype3_txt,weapsubtype3,"
        "weapsubtype3_txt,weaptype4,weaptype4_txt,weapsubtype4,weapsubtype4_txt,property,propextent,"
        "propextent_txt,ishostkid,ransom,hostkidoutcome,hostkidoutcome_txt,dbsource,INT_LOG,INT_IDEO,INT_MISC,"
        "INT_ANY".split(",")
    ),
    "ged": frozenset(
        "year,active_year,code_status,type_of_violence,conflict_dset_id,conflict_new_id,conflict_name,"
        "dyad_dset_id,dyad_new_id,dyad_name,side_a_dset_id,side_a_new_id,side_a,side_b_dset_id,side_b_new_id,"
        "side_b,number_of_sources,where_prec,country,country_id,region,event_clarity,date_prec,date_start,"
        "date_end,deaths_a,deaths_b,deaths_civilians,deaths_unknown,best,high,low,gwnoa,gwnob".split(",")
    ),
}


def stream_csv(
    path: str | Path,
    columns: list[str],
    encoding: str,
    block_size: int,
    convert_options: Any,
    skip_header: bool = True,
) -> Iterator[pa.RecordBatch]:
    """Record batches of a CSV file with a header line (skipped; ``columns`` name the fields), parsed in
    blocks of ``block_size`` bytes. A row longer than a block (a huge cell) makes Arrow's streaming
    parser give up; the stream then resumes after the rows already given, with blocks 8 times larger.
    (Arrow counts blank lines among the rows it skips, so a file with blank lines and a row longer than a
    block may repeat a few rows; such a row is reported by the validator anyway.)"""
    import pyarrow.csv as pacsv

    done = 0
    while True:
        reader = pacsv.open_csv(
            str(path),
            read_options=pacsv.ReadOptions(
                encoding=encoding,
                block_size=block_size,
                skip_rows=1 if skip_header else 0,
                skip_rows_after_names=done,
                column_names=columns,
            ),
            parse_options=pacsv.ParseOptions(newlines_in_values=True),
            convert_options=convert_options,
        )
        try:
            for batch in reader:
                done += batch.num_rows
                yield batch
            return
        except pa.ArrowInvalid as exc:
            if "straddl" not in str(exc) or block_size >= MAX_BLOCK:
                raise
            block_size *= 8


def iter_csv_tables(
    path: str | Path,
    columns: list[str],
    encoding: str = "utf-8",
    table_bytes: int = CHECK_BYTES,
    skip_header: bool = True,
    coded: frozenset[str] = frozenset(),
) -> Iterator[pa.Table]:
    """Stream a CSV file as tables of strings (empty cells stay empty strings) of about ``table_bytes``;
    the header line is skipped and ``columns`` name the fields (an unnamed index column gets a placeholder
    name). The ``coded`` columns come as dictionary arrays (each distinct value is then checked once)."""
    import pyarrow.csv as pacsv

    reader = stream_csv(
        path,
        columns,
        encoding,
        min(PARSE_BLOCK, table_bytes),
        pacsv.ConvertOptions(
            column_types={
                c: pa.dictionary(pa.int32(), pa.string()) if c in coded else pa.string() for c in columns
            },
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
        skip_header=skip_header,
    )
    group: list[pa.RecordBatch] = []
    size = 0
    for batch in reader:
        group.append(batch)
        size += batch.get_total_buffer_size()  # (a parser's batch owns its buffers: same as nbytes)
        if size >= table_bytes:
            yield pa.Table.from_batches(group).combine_chunks()
            group, size = [], 0
    if group:
        yield pa.Table.from_batches(group).combine_chunks()


def locate_csv_error(
    path: Path, encoding: str, n_columns: int, message: str, has_header: bool = True
) -> Problem:
    """Find the first row the CSV reader cannot read (slow path, only after an error)."""
    import csv

    row = 0
    try:
        with open(path, encoding=encoding, newline="") as fh:
            reader = csv.reader(fh, strict=True)
            if has_header:
                next(reader, None)
            for row, fields in enumerate(reader, start=1):
                if len(fields) != n_columns:
                    return Problem(
                        "csv-columns",
                        f"row has {len(fields)} fields, the header has {n_columns}",
                        str(path),
                        row=row,
                        value=",".join(fields)[:200],
                    )
    except UnicodeDecodeError as exc:
        return _locate_bad_bytes(path, encoding, exc.reason, has_header)
    except csv.Error as exc:
        hint = " (a quoted field is never closed)" if "end of data" in str(exc) else ""
        return Problem("csv", f"malformed CSV: {exc}{hint}", str(path), row=row + 1)
    return Problem("csv", f"cannot parse CSV: {message}", str(path), row=row or None)


def first_bad_byte(path: Path, encoding: str = "utf-8") -> int | None:
    """The file offset of the first byte that does not decode, or None (streams the file)."""
    import codecs

    decoder = codecs.getincrementaldecoder(encoding)()
    pos = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 22):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                return pos + exc.start
            pos += len(chunk)
    return None


def _locate_bad_bytes(path: Path, encoding: str, reason: str, has_header: bool = True) -> Problem:
    """The row and column of the first undecodable byte: the text before it is parsed as CSV, so quoted
    line breaks do not throw the row count off."""
    import csv
    import io

    offset = first_bad_byte(path, encoding) or 0
    with open(path, "rb") as fh:
        data = fh.read(offset + 4)
    text = data[:offset].decode(encoding, errors="replace")
    records = list(csv.reader(io.StringIO(text, newline="")))
    at_record_start = text == "" or text.endswith(("\n", "\r"))
    row = len(records) if at_record_start else len(records) - 1
    field = 0 if at_record_start or not records else len(records[-1]) - 1
    header = records[0] if records and has_header else []
    if not has_header:  # every line is data: rows count from 1
        row += 1
    column = header[field] if row > 0 and field < len(header) else None
    return Problem(
        "encoding",
        f"bytes that are not {encoding} ({reason}) at byte {offset}",
        str(path),
        row=row,
        column=column,
        value=repr(data[max(0, offset - 16) : offset + 4]),
    )


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


def validate_file(
    path: str | Path, fmt: str | None = None, progress: Callable[[int, int], None] | None = None
) -> Report:
    """Validate a CSV file of any known format and layout (detected from the header unless ``fmt``)."""
    import pyarrow as pa_mod

    from kzevents import crosswalk
    from kzevents.readers import detect_layout, sniff

    p = Path(path)
    if not p.is_file():
        raise UsageError(f"{p}: no such file")
    header, encoding, _ = sniff(p)  # UTF-8, or Latin-1 for GTD files (detected, whatever --format says)
    layout = detect_layout(header, str(p), fmt)
    cw = crosswalk.get(layout.format)
    compiled = compile_schema(cw.schema)
    names = layout.names(header)
    overrides = dict(layout.schema_overrides)
    rules = tuple(
        r if r.name not in overrides else attrs.evolve(r, pattern=overrides[r.name])
        for r in compiled.columns
        if r.name in names and (r.name not in overrides or overrides[r.name] is not None)
    )
    # values held to an enum, a number or a pattern cannot hide a formula or a huge cell: check free text only
    constrained = {
        r.name for r in rules if r.admits_int or r.admits_number or r.enum is not None or r.pattern
    }
    free_text = [n for n in names if n not in constrained]
    report = Report(file=str(p), format=layout.name)
    id_column = {"acled": "event_id_cnty", "gtd": "eventid", "ged": "id"}.get(layout.format)
    check_ids = id_column in names and layout.name != "acled-monadic"
    hashes: list[np.ndarray] = []  # of the ids, table by table: 8 bytes a row instead of the strings

    failed: list[np.ndarray] = []  # which rows already failed, packed 8 to a byte (duplicates count once)
    Checked = tuple[Report, np.ndarray | None, np.ndarray | None]

    def check(t: pa.Table, start: int) -> Checked:
        part = Report(file=str(p), format=layout.name)
        id_hashes = string_hashes(whole(t.column(id_column))) if check_ids and id_column else None
        if layout.format == "acled" and "event_date" in t.column_names:
            t = _iso_dates(t)
        failing = validate_table(
            t, cw.schema, part, start, rules=rules, extra=lambda t: safety_rules(t.select(free_text), set())
        )
        return part, id_hashes, np.packbits(_bits(failing)) if id_hashes is not None else None

    def merge(result: Checked) -> None:
        part, id_hashes, failing = result
        report.merge(part)
        if id_hashes is not None and failing is not None:
            hashes.append(id_hashes)
            failed.append(failing)

    offset = 0
    if progress is not None:
        from kzevents.readers import _estimate_row_bytes

        row_bytes = _estimate_row_bytes(p)
    # tables are checked on a small thread pool (Arrow compute releases the GIL); at most a few are in
    # flight, so memory stays bounded whatever the file size
    pending: deque[Future[Checked]] = deque()
    with ThreadPoolExecutor(max_workers=2) as pool:
        try:
            coded = frozenset(n for n in names if n in CODED_COLUMNS.get(layout.format, ()))
            size = max(CHECK_BYTES, CHECK_BYTES_PER_COLUMN * len(names))
            tables = iter_csv_tables(
                p, names, encoding, skip_header=layout.has_header, coded=coded, table_bytes=size
            )
            for table in tables:
                pending.append(pool.submit(check, table, offset))
                offset += table.num_rows
                if progress is not None:
                    progress(offset, int(offset * row_bytes))
                while len(pending) > 2:
                    merge(pending.popleft().result())
        except (pa_mod.ArrowInvalid, UnicodeDecodeError) as exc:
            report.add(locate_csv_error(p, encoding, len(names), str(exc), has_header=layout.has_header))
        while pending:
            merge(pending.popleft().result())
    if offset == 0 and report.valid:
        report.add(Problem("no-rows", "file has a header but no data rows", str(p), row=1))
    if hashes and id_column is not None:
        already = np.concatenate(
            [np.unpackbits(f, count=len(h)).astype(bool) for f, h in zip(failed, hashes, strict=True)]
        )
        _duplicates(p, layout.names(header), encoding, layout.has_header, id_column, hashes, report, already)
    return report


def _iso_dates(t: pa.Table) -> pa.Table:
    """ACLED's other date forms ("21 March 2020", "5-Aug-24") as ISO dates, so the schema checks the date
    and not its spelling; anything that is not a real date is left as it was (and fails)."""
    from collections import Counter as _Counter

    from kzevents.readers import _Issues, parse_dates

    col = whole(t.column("event_date"))
    distinct = col.dictionary if pa.types.is_dictionary(col.type) else pc.unique(col)
    if pc.all(pc.match_substring_regex(distinct, r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")).as_py():
        return t
    col = col.cast(pa.string())
    iso = pc.match_substring_regex(col, r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
    parsed = parse_dates(col, "event_date", _Issues("", 0), _Counter())
    text = pc.strftime(parsed, format="%Y-%m-%d")
    fixed = pc.if_else(pc.and_(pc.invert(iso), pc.is_valid(text)), text, col)
    i = t.schema.get_field_index("event_date")
    return t.set_column(i, pa.field("event_date", pa.string()), fixed)


def _duplicates(
    path: Path,
    names: list[str],
    encoding: str,
    has_header: bool,
    column: str,
    hashes: list[np.ndarray],
    report: Report,
    already: np.ndarray,
) -> None:
    """Identifiers that occur more than once in the file. The first pass kept a 64-bit hash of each id;
    rows whose hash repeats are candidates, and their ids are read again (that column only) and compared
    as strings, so a clash of hashes never reports a duplicate. ``already`` marks the rows that failed
    another rule (counted once in ``failing_rows``)."""
    import pyarrow.csv as pacsv

    every = np.concatenate(hashes)
    hashes.clear()
    ordered = np.sort(every)
    repeated = np.unique(ordered[1:][ordered[1:] == ordered[:-1]])
    del ordered
    if len(repeated) == 0:
        return
    candidates = np.flatnonzero(np.isin(every, repeated))
    del every
    found: dict[int, str] = {}
    start = 0
    for batch in stream_csv(
        path,
        names,
        encoding,
        PARSE_BLOCK,
        pacsv.ConvertOptions(
            column_types={column: pa.string()},
            include_columns=[column],
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
        skip_header=has_header,
    ):
        end = start + batch.num_rows
        lo, hi = np.searchsorted(candidates, [start, end])
        if hi > lo:
            rows = candidates[lo:hi]
            values = batch.column(0).take(pa.array(rows - start)).to_pylist()
            found.update(zip(rows.tolist(), values, strict=True))
        start = end
    seen = Counter(found.values())
    for row, value in sorted(found.items()):
        if seen[value] > 1:
            report.add(
                Problem(
                    code="duplicate-id",
                    message="identifier occurs more than once in the file",
                    file=report.file,
                    row=row + 1,
                    column=column,
                    value=value[:200],
                )
            )
            report.failing_rows += 0 if already[row] else 1
