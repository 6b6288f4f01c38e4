"""Readers: real ACLED (every layout), GTD and UCDP GED files into the canonical table, in batches.

Format and layout are detected from the header (columns are selected by name, never by position). Each
batch of strings is normalised with Arrow compute functions; nothing becomes one Python object per row.
"""

from __future__ import annotations

import functools
from collections import Counter, deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kzevents import canonical
from kzevents._arrow import FALSE, TRUE, bools, encode, int64s, lit, strings, zeros
from kzevents._arrow import per_combination as _recode
from kzevents.errors import DataError, Problem, UsageError
from kzevents.validation import valid_ymd

ACLED_CURRENT = (
    "event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1,assoc_actor_1,"
    "inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,iso,region,country,admin1,admin2,admin3,"
    "location,latitude,longitude,geo_precision,source,source_scale,notes,fatalities,tags,timestamp"
).split(",")
ACLED_PRE2023 = (
    "data_id,iso,event_id_cnty,event_id_no_cnty,event_date,year,time_precision,event_type,sub_event_type,actor1,"
    "assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,region,country,admin1,admin2,admin3,location,"
    "latitude,longitude,geo_precision,source,source_scale,notes,fatalities,timestamp,iso3"
).split(",")
ACLED_2016 = (
    "actor1,actor2,admin1,admin2,admin3,ally_actor_1,ally_actor_2,country,data_id,event_date,event_id_cnty,"
    "event_id_no_cnty,event_type,fatalities,geo_precision,gwno,inter1,inter2,interaction,latitude,location,"
    "longitude,notes,source,time_precision,year"
).split(",")
GED_COLUMNS = (
    "id,relid,year,active_year,code_status,type_of_violence,conflict_dset_id,conflict_new_id,conflict_nam"
    "e,dyad_dset_id,dyad_new_id,dyad_name,side_a_dset_id,side_a_new_id,side_a,side_b_dset_id,side_b_new_i"
    "d,side_b,number_of_sources,source_article,source_office,source_date,source_headline,source_original,"
    "where_prec,where_coordinates,where_description,adm_1,adm_2,latitude,longitude,geom_wkt,priogrid_gid,"
    "country,country_id,region,event_clarity,date_prec,date_start,date_end,deaths_a,deaths_b,deaths_civil"
    "ians,deaths_unknown,best,high,low,gwnoa,gwnob"
).split(",")
ACLED_MONADIC = [c for c in ACLED_CURRENT if c not in ("actor2", "assoc_actor_2", "inter2")]
# coded columns (few distinct values) the CSV reader decodes straight into dictionary arrays: it hashes
# each cell instead of copying it, and the normaliser then works on the distinct values
CODED_COLUMNS: dict[str, frozenset[str]] = {
    "acled": frozenset(
        "event_date,time_precision,event_type,sub_event_type,inter1,inter2,iso,iso3,country,admin1,"
        "geo_precision,source_scale".split(",")
    ),
}
# the columns each normaliser reads (of any of its layouts); the others are not decoded. The ACLED columns
# left out are derived (year, disorder_type, interaction, region) or have no canonical column
# (civilian_targeting, admin3, tags, timestamp, data_id, event_id_no_cnty, gwno); GTD's and GED's are the
# ones gtd_to_canonical and ged_to_canonical read (110 of GTD's 135 columns have no canonical column). Tests
# read fixtures and generated files with and without this list and compare.
USED_COLUMNS: dict[str, frozenset[str]] = {
    "acled": frozenset(
        "event_id_cnty,event_date,time_precision,event_type,sub_event_type,actor1,assoc_actor_1,ally_actor_1,"
        "inter1,actor2,assoc_actor_2,ally_actor_2,inter2,iso,iso3,country,admin1,admin2,location,latitude,"
        "longitude,geo_precision,source,source_scale,notes,fatalities".split(",")
    ),
    "gtd": frozenset(
        "eventid,iyear,imonth,iday,extended,resolution,country_txt,provstate,city,location,latitude,longitude,"
        "specificity,summary,suicide,attacktype1_txt,targtype1_txt,corp1,gname,weaptype1_txt,nkill,nwound,"
        "scite1,scite2,scite3".split(",")
    ),
    "ged": frozenset(
        "id,dyad_name,side_a,side_b,source_office,where_prec,where_coordinates,where_description,adm_1,adm_2,"
        "latitude,longitude,country,type_of_violence,date_prec,date_start,date_end,deaths_a,deaths_b,"
        "deaths_civilians,deaths_unknown,best,high,low".split(",")
    ),
}


@attrs.frozen
class Layout:
    format: str
    name: str
    columns: tuple[str, ...]
    description: str
    encoding: str = "utf-8"
    has_header: bool = True  # False: line 1 is data and ``columns`` name the fields
    # how this layout departs from the format's JSON Schema, column by column: a pattern of its own, or
    # None where the column follows an older coding the schema does not describe (not checked)
    schema_overrides: tuple[tuple[str, str | None], ...] = ()

    def names(self, header: list[str]) -> list[str]:
        """The field names to read the file with (an unnamed index column gets a placeholder name)."""
        if not self.has_header:
            return list(self.columns)
        return [h if h else f"_unnamed{i}" for i, h in enumerate(header)]


def _layouts() -> list[Layout]:
    from kzevents import crosswalk

    out = [
        Layout("acled", "acled-current", tuple(ACLED_CURRENT), "ACLED, current 31 columns (2023-)"),
        Layout("acled", "acled-pre2023", tuple(ACLED_PRE2023), "ACLED, pre-2023 (data_id, iso3)"),
        Layout(
            "acled",
            "acled-2016",
            tuple(ACLED_2016),
            "ACLED, 2016 era (ally_actor_*, gwno)",
            # older event types and actor coding (acled.md §1.3); ids like 8188RTA
            schema_overrides=(
                *((c, None) for c in ("event_type", "sub_event_type", "interaction", "inter1", "inter2")),
                ("event_id_cnty", "^([0-9]+[A-Z]{3}|[A-Z]{3}[0-9]+)$"),
            ),
        ),
        Layout("acled", "acled-monadic", tuple(ACLED_MONADIC), "ACLED, monadic (one actor per row)"),
    ]
    if "gtd" in crosswalk.available():
        cw = crosswalk.spec("gtd")
        out.append(Layout("gtd", "gtd", tuple(cw.header), cw.title, cw.encoding))
    out.append(Layout("ged", "ged", tuple(GED_COLUMNS), "UCDP GED (49 columns)"))
    return out


def detect_layout(header: list[str], file: str = "<input>", fmt: str | None = None) -> Layout:
    """The layout whose columns the header has (by name; a leading unnamed index column is ignored)."""
    names = {h for h in header if h}
    candidates = [lay for lay in _layouts() if fmt is None or lay.format == fmt]
    if fmt is not None and not candidates:
        raise UsageError(f"unknown format {fmt!r}; known: acled, gtd, ged")
    for lay in candidates:
        if set(lay.columns) == names:
            return lay
    if (fmt is None or fmt == "ged") and _headerless_ged(header):
        return Layout(
            "ged", "ged-headerless", tuple(GED_COLUMNS), "UCDP GED without a header row", has_header=False
        )
    best = min(candidates, key=lambda lay: len(set(lay.columns) ^ names))
    missing = [c for c in best.columns if c not in names]
    extra = sorted(names - set(best.columns))
    expected = "; ".join(f"{lay.name} ({len(lay.columns)} columns)" for lay in candidates)
    msg = f"header matches no known layout (expected one of: {expected})"
    if (len(best.columns) - len(missing)) * 2 < len(best.columns):
        # too far from every layout for a list of differences to help
        most = max(len(set(lay.columns) & names) for lay in candidates)
        msg += f"; it shares at most {most} column names with any of them: is this an event file?"
    else:
        msg += f"; closest is {best.name}"
        if missing:
            msg += f", missing {', '.join(missing[:10])}"
        if extra:
            msg += f", unexpected {', '.join(extra[:10])}"
    raise DataError([Problem("unknown-layout", msg, file, row=0, value=",".join(header)[:300])])


def _headerless_ged(first: list[str]) -> bool:
    """Line 1 is a GED row, not a header (some GED candidate releases came without one; ged.md §1): 49
    fields, a numeric id first, and dates where date_start and date_end are."""
    import re

    if len(first) != len(GED_COLUMNS) or not first[0].isdigit():
        return False
    date = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}( 00:00:00(\.0+)?)?$")
    start, end = GED_COLUMNS.index("date_start"), GED_COLUMNS.index("date_end")
    return bool(date.match(first[start]) and date.match(first[end]))


@attrs.define
class ReadReport:
    """What a read normalised (counts per kind), and the layout it found."""

    file: str
    layout: str
    rows_in: int = 0
    rows_out: int = 0
    normalised: Counter[str] = attrs.field(factory=Counter)

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "layout": self.layout,
            "rows_in": self.rows_in,
            "rows_out": self.rows_out,
            "normalised": dict(sorted(self.normalised.items())),
        }


# --- column helpers -----------------------------------------------------------------------------------


def _s(t: pa.Table, name: str) -> pa.Array:
    if name not in t.column_names:
        return pa.nulls(t.num_rows, pa.string())
    col = t.column(name)
    return col.chunk(0) if col.num_chunks == 1 else col.combine_chunks()


def _as_is(t: pa.Table, name: str) -> pa.Array | pa.ChunkedArray:
    """A column taken over unchanged, its chunks as they are: copying long text such as ACLED's notes
    into one array took a fifth of the normalising time."""
    if name not in t.column_names:
        return pa.nulls(t.num_rows, pa.string())
    return t.column(name)


def _split(a: pa.Array, sep: str) -> pa.Array:
    return pc.split_pattern(a, sep)  # empty cells are nulls already (strings_can_be_null)


def _dict(a: pa.Array) -> pa.Array:
    return pc.dictionary_encode(a.cast(pa.string()))


class _Issues:
    """Problems found while normalising one batch (bad numbers, impossible dates)."""

    def __init__(self, file: str, offset: int) -> None:
        self.file, self.offset = file, offset
        self.problems: list[Problem] = []

    def check(self, bad: pa.Array, col: pa.Array, column: str, message: str) -> None:
        bad = pc.fill_null(bad, FALSE)
        if not pc.any(bad).as_py():
            return
        idx = pc.indices_nonzero(bad).to_pylist()
        values = pc.take(col, pc.indices_nonzero(bad)[:20]).to_pylist()
        for i, v in zip(idx[:20], values, strict=False):
            self.problems.append(
                Problem(
                    "value",
                    message,
                    self.file,
                    row=self.offset + i + 1,
                    column=column,
                    value=None if v is None else str(v)[:200],
                )
            )
        if len(idx) > 20:
            self.problems.append(
                Problem("value", f"{message}: {len(idx) - 20} more rows", self.file, column=column)
            )


def to_int(
    a: pa.Array,
    column: str,
    issues: _Issues,
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


def _int_range(typ: pa.DataType) -> tuple[int, int]:
    """The smallest and largest value of an Arrow integer type."""
    bits = typ.bit_width
    return (-(1 << (bits - 1)), (1 << (bits - 1)) - 1)


def to_float(a: pa.Array, column: str, issues: _Issues, lo: float, hi: float) -> pa.Array:
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


def parse_dates(a: pa.Array, column: str, issues: _Issues, counts: Counter[str]) -> pa.Array:
    """Dates as ``2025-04-01``, ``2025-04-01 00:00:00.000``, ``21 March 2020`` or ``5-Aug-24`` → date32.

    A file has few distinct dates, so each distinct string is parsed once and the result spread by index.
    """
    enc = encode(a)
    values, indices = enc.dictionary, enc.indices
    try:  # fast path: every distinct value is a valid YYYY-MM-DD (Arrow checks the calendar)
        return pc.take(pc.cast(values, pa.date32()), indices)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    parsed_values, done_values, labels = _parse_date_values(values)
    result = pc.take(parsed_values, indices)
    done = pc.fill_null(pc.take(done_values, indices), TRUE)  # a missing date is not a malformed one
    for label, mask in labels.items():
        counts[label] += pc.sum(pc.cast(pc.take(mask, indices), pa.int64())).as_py() or 0
    issues.check(pc.invert(done), a, column, "not a date (YYYY-MM-DD, 'D Month YYYY' or 'D-Mon-YY')")
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
    return result, done, labels


# --- ACLED ----------------------------------------------------------------------------------------------


@functools.cache
def _acled_tables() -> dict[str, Any]:
    from kzevents import crosswalk

    cw = crosswalk.spec("acled")
    labels = {int(v): k for k, v in cw.maps["inter_code"].items()}
    inverse: dict[str, list[str]] = {}
    from kzevents.model import EventType

    for ours, native in cw.maps["acled_type"].items():
        if ours not in set(EventType):
            continue  # variants such as premature_explosion_harming_others are export-only
        inverse.setdefault(f"{native['event_type']}|{native['sub_event_type']}", []).append(ours)
    return {"labels": labels, "inverse": {k: v[0] for k, v in inverse.items() if len(v) == 1}}


def _actor_type(a: pa.Array, counts: Counter[str]) -> pa.Array:
    """ACLED actor type as its text label; numeric codes (1-8) are translated, 0/blank are null."""
    labels = _acled_tables()["labels"]
    keys = strings(tuple(str(k) for k in labels))
    texts = strings(tuple(labels.values()))
    d = encode(a)
    numeric = pc.match_substring_regex(d.dictionary, r"^[1-8]$")
    if pc.any(numeric).as_py():
        n_numeric = pc.sum(pc.cast(pc.take(numeric, d.indices), pa.int64())).as_py() or 0
        counts["numeric actor types translated to text"] += n_numeric

    def label(v: list[pa.Array]) -> pa.Array:
        x = v[0]
        is_code = pc.fill_null(pc.match_substring_regex(x, r"^[1-8]$"), FALSE)
        x = pc.if_else(is_code, pc.take(texts, pc.index_in(x, value_set=keys)), x)
        return pc.if_else(pc.equal(x, lit("0", pa.string())), lit(None, pa.string()), x)

    return _recode([d], label)[0]


def _check_known(a: pa.Array, known: pa.Array, column: str, message: str, issues: _Issues) -> None:
    """Report the rows of a coded column whose value is not in ``known`` (checked on distinct values)."""
    d = encode(a)
    bad = pc.invert(pc.is_in(d.dictionary, value_set=known))
    if pc.any(bad).as_py():
        issues.check(pc.take(bad, d.indices), a, column, message)


def _lookup(a: pa.Array, keys: tuple[str, ...], values: tuple[str, ...]) -> pa.Array:
    """Map a coded column through a fixed table (unknown → null), on its distinct values."""
    key_set, value_set = strings(keys), strings(values)
    return _recode([a], lambda v: pc.take(value_set, pc.index_in(v[0], value_set=key_set)))[0]


def acled_to_canonical(t: pa.Table, layout: Layout, issues: _Issues, counts: Counter[str]) -> pa.Table:
    n = t.num_rows
    date = parse_dates(_s(t, "event_date"), "event_date", issues, counts)
    issues.check(pc.is_null(date), _s(t, "event_date"), "event_date", "event date is missing")
    assoc1 = "ally_actor_1" if layout.name == "acled-2016" else "assoc_actor_1"
    assoc2 = "ally_actor_2" if layout.name == "acled-2016" else "assoc_actor_2"
    fatal = to_int(_s(t, "fatalities"), "fatalities", issues)
    issues.check(pc.less(fatal, lit(0, pa.int32())), _s(t, "fatalities"), "fatalities", "negative fatalities")
    et, sub = encode(_s(t, "event_type")), encode(_s(t, "sub_event_type"))
    a1_type = _actor_type(_s(t, "inter1"), counts)
    ours = _ours_from_acled(et, sub, a1_type)
    time_prec = _lookup(_s(t, "time_precision"), ("1", "2", "3"), ("day", "week", "month"))
    geo_prec = _lookup(_s(t, "geo_precision"), ("1", "2", "3"), ("town", "near_town", "region"))
    issues.check(
        pc.is_null(time_prec), _s(t, "time_precision"), "time_precision", "not a time precision (1-3)"
    )
    issues.check(pc.is_null(geo_prec), _s(t, "geo_precision"), "geo_precision", "not a geo precision (1-3)")
    known = strings((*(str(i) for i in range(9)), "", *_acled_tables()["labels"].values()))
    for column in ("inter1", "inter2"):
        if column in t.column_names:
            _check_known(_s(t, column), known, column, "not an ACLED actor type", issues)
    iso3 = _iso3(t, layout)
    cols: dict[str, pa.Array] = {
        "event_id": _as_is(t, "event_id_cnty"),
        "dataset": _constant("acled", n),
        "event_date": date,
        "event_date_end": date,
        "date_precision": time_prec,
        "event_type": ours,
        "native_event_type": et,
        "native_sub_event_type": sub,
        "summary": _as_is(t, "notes"),
        "country_iso3": iso3,
        "country": encode(_s(t, "country")),
        "admin1_code": _kz_admin1(_s(t, "admin1"), iso3),
        "admin1": encode(_s(t, "admin1")),
        "admin2": _as_is(t, "admin2"),
        "location": _as_is(t, "location"),
        "latitude": to_float(_s(t, "latitude"), "latitude", issues, -90, 90),
        "longitude": to_float(_s(t, "longitude"), "longitude", issues, -180, 180),
        "geo_precision": geo_prec,
        "actor1": _as_is(t, "actor1"),
        "actor1_type": a1_type,
        "assoc_actor_1": _split(_s(t, assoc1), "; "),
        "actor2": _as_is(t, "actor2"),
        "actor2_type": _actor_type(_s(t, "inter2"), counts),
        "assoc_actor_2": _split(_s(t, assoc2), "; "),
        "fatalities_low": fatal,
        "fatalities_best": fatal,
        "fatalities_high": fatal,
        "source_names": _split(_s(t, "source"), "; "),
        "source_scale": encode(_s(t, "source_scale")),
    }
    return _assemble(cols, n)


def _constant(value: str, n: int) -> pa.DictionaryArray:
    return pa.DictionaryArray.from_arrays(zeros(n), strings((value,)))


def _ours_from_acled(et: pa.Array, sub: pa.Array, a1_type: pa.Array) -> pa.Array:
    """Our event type from ACLED's event type, sub-event type and actor 1's type (per combination)."""
    inverse: dict[str, str] = _acled_tables()["inverse"]
    keys, values = strings(tuple(inverse)), strings(tuple(inverse.values()))

    def ours(v: list[pa.Array]) -> pa.Array:
        joined = pc.binary_join_element_wise(v[0], v[1], lit("|", pa.string()))
        mapped = pc.take(values, pc.index_in(joined, value_set=keys))
        battles = pc.fill_null(pc.equal(joined, lit("Battles|Armed clash", pa.string())), FALSE)
        # the 2016 layout has no sub-event types; its "Battle-No change of territory" is today's armed clash
        old = pc.fill_null(pc.equal(v[0], lit("Battle-No change of territory", pa.string())), FALSE)
        battles = pc.or_(battles, old)
        by_state = pc.fill_null(pc.equal(v[2], lit("State forces", pa.string())), FALSE)
        battle_kind = pc.if_else(
            by_state, lit("security_operation", pa.string()), lit("armed_attack", pa.string())
        )
        return pc.if_else(battles, battle_kind, mapped)

    return _recode([et, sub, a1_type], ours)[0]


@functools.cache
def _iso_numeric_to_alpha3() -> dict[str, str]:
    import pycountry

    return {str(int(c.numeric)): c.alpha_3 for c in pycountry.countries}


def _iso3(t: pa.Table, layout: Layout) -> pa.Array:
    if "iso3" in t.column_names:
        return encode(_s(t, "iso3"))
    if "iso" in t.column_names:
        table = _iso_numeric_to_alpha3()
        keys, values = strings(tuple(table)), strings(tuple(table.values()))
        return _recode(
            [_s(t, "iso")],
            lambda v: pc.take(values, pc.index_in(pc.utf8_ltrim(v[0], "0"), value_set=keys)),
        )[0]
    from kzevents.readers_more import _iso3_from_names  # the 2016 layout has country names only

    return _recode([_s(t, "country")], lambda v: _iso3_from_names(v[0]))[0]


def _kz_admin1(admin1: pa.Array, iso3: pa.Array) -> pa.Array:
    """ISO 3166-2:KZ code for Kazakhstan rows, through the explicit ACLED spelling table (never by name)."""
    from kzevents.admin import units

    table = {u["acled"]: code for code, u in units().items()}
    keys, values = strings(tuple(table)), strings(tuple(table.values()))

    def code(v: list[pa.Array]) -> pa.Array:
        codes = pc.take(values, pc.index_in(v[0], value_set=keys))
        return pc.if_else(
            pc.fill_null(pc.equal(v[1], lit("KAZ", pa.string())), FALSE),
            codes,
            lit(None, pa.string()),
        )

    return _recode([admin1, iso3], code)[0]


def _assemble(cols: dict[str, pa.Array], n: int) -> pa.Table:
    schema = canonical.base_schema()
    arrays = []
    for f in schema:
        a = cols.get(f.name)
        if a is None:
            arrays.append(pa.nulls(n, f.type))
        elif pa.types.is_dictionary(f.type):
            arrays.append(_dict(a) if not pa.types.is_dictionary(a.type) else a)
        else:
            arrays.append(a.cast(f.type) if a.type != f.type else a)
    return pa.Table.from_arrays(arrays, schema=schema)


def collapse_monadic(t: pa.Table) -> pa.Table:
    """Monadic ACLED: one row per actor → one row per event (first actor is actor1, the next actor2)."""
    if t.num_rows == 0:
        return t
    encoded = pc.dictionary_encode(t.column("event_id").combine_chunks())
    none = len(encoded.dictionary)  # rows without an id count as one event, as a group-by would have them
    filled = pc.fill_null(encoded.indices, lit(none, pa.int32()))  # int32, no nulls left
    codes = np.frombuffer(filled.buffers()[1], np.int32, count=len(filled), offset=filled.offset * 4)
    _, first = np.unique(codes, return_index=True)  # first row of each event, in file order once sorted
    first.sort()
    out = t.take(int64s(first))
    # the second row of each event (if any) supplies actor2
    rest = np.ones(len(codes), bool)
    rest[first] = False
    rest_rows = np.flatnonzero(rest)
    if len(rest_rows):
        _, second = np.unique(codes[rest_rows], return_index=True)
        second_rows = rest_rows[second]
        by_code = np.full(none + 1, -1, np.int64)
        by_code[codes[second_rows]] = second_rows
        src = by_code[codes[first]]
        has = bools(src >= 0)
        taken = t.take(int64s(np.maximum(src, 0)))
        for name in ("actor2", "actor2_type", "assoc_actor_2"):
            col = out.schema.get_field_index(name)
            out_col = out.column(name).combine_chunks()
            other = taken.column(name.replace("2", "1")).combine_chunks()
            if pa.types.is_dictionary(out_col.type):
                merged = pc.if_else(has, other.cast(pa.string()), out_col.cast(pa.string()))
                merged = pc.dictionary_encode(merged)
            else:
                merged = pc.if_else(has, other, out_col)
            out = out.set_column(col, out.schema.field(col), merged)
    return out


# --- reading files --------------------------------------------------------------------------------------

Normaliser = Callable[[pa.Table, Layout, _Issues, Counter[str]], pa.Table]


def _normaliser(layout: Layout) -> Normaliser:
    if layout.format == "acled":
        return acled_to_canonical
    from kzevents import readers_more

    return readers_more.NORMALISERS[layout.format]


def sniff(path: Path, encoding: str | None = None) -> tuple[list[str], str, bool]:
    """Header, encoding and whether a UTF-8 byte-order mark is present.

    UTF-8 is assumed; Latin-1 is accepted only for GTD (its own file is Latin-1) and only when the file has
    no UTF-8 multi-byte sequences at all. A file mixing the two, or a non-GTD file that is not UTF-8, is an
    error naming the row of the first bad byte.
    """
    import csv
    import re

    with open(path, "rb") as fh:
        head = fh.read(1 << 20)
    if not head.strip():
        raise DataError([Problem("empty", "file is empty", str(path), row=0)])
    if b"\x00" in head[:4096]:
        raise DataError(
            [Problem("binary", "file is binary, not CSV text (NUL bytes; UTF-16?)", str(path), row=0)]
        )
    bom = head.startswith(b"\xef\xbb\xbf")
    bad_at: int | None = None
    if encoding is None:
        encoding = "utf-8"
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as exc:
            if exc.start < len(head) - 4:
                bad_at = exc.start
    text = head.decode("utf-8" if bad_at is None else "latin-1", errors="replace")
    first = text.lstrip("\ufeff").splitlines()[0] if text.strip() else ""
    header = next(csv.reader([first]))
    is_gtd = "eventid" in header and "gname" in header
    if bad_at is None and len(head) == 1 << 20 and is_gtd:
        # only GTD may be Latin-1, and the choice is made up front: scan the rest. Other files are read as
        # UTF-8 and the CSV reader checks every string cell (a bad byte is located by locate_csv_error)
        bad_at = _first_bad_utf8(path)
    if len(header) < 2:
        raise DataError(
            [
                Problem(
                    "delimiter",
                    f"header has {len(header)} column(s); is the file comma-separated?",
                    str(path),
                    row=0,
                    value=first[:200],
                )
            ]
        )
    if bad_at is not None:
        row = head[:bad_at].count(b"\n")
        utf8_multibyte = re.search(rb"[\xc2-\xf4][\x80-\xbf]", head) is not None
        if utf8_multibyte or not is_gtd:
            why = "mixes UTF-8 and another encoding" if utf8_multibyte else "is not UTF-8"
            raise DataError(
                [
                    Problem(
                        "encoding",
                        f"file {why}: invalid UTF-8 byte at offset {bad_at}",
                        str(path),
                        row=row,
                        value=repr(head[max(0, bad_at - 15) : bad_at + 5]),
                    )
                ]
            )
        encoding = "latin-1"
    return header, encoding, bom


def _first_bad_utf8(path: Path) -> int | None:
    from kzevents.validation import first_bad_byte

    return first_bad_byte(path, "utf-8")


PARSE_BLOCK = 1 << 20  # bytes of CSV per parsed block


def iter_read(
    path: str | Path,
    fmt: str | None = None,
    batch_bytes: int = 1 << 23,
    report: ReadReport | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Iterator[pa.Table]:
    """Stream ``path`` as canonical tables, one per block. Raises DataError listing bad values."""
    import pyarrow.csv as pacsv

    p = Path(path)
    if not p.is_file():
        raise UsageError(f"{p}: no such file")
    header, encoding, bom = sniff(p)
    layout = detect_layout(header, str(p), fmt)
    report = report if report is not None else ReadReport(str(p), layout.name)
    report.layout = layout.name
    if bom:
        report.normalised["UTF-8 byte-order mark removed"] += 1
    if encoding != "utf-8":
        report.normalised[f"decoded as {encoding}"] += 1
    names = layout.names(header)
    if not layout.has_header:
        report.normalised["no header row: GED's 49 column names assumed"] += 1
    from kzevents.validation import stream_csv

    reader = stream_csv(
        p,
        names,
        encoding,
        min(PARSE_BLOCK, batch_bytes),
        pacsv.ConvertOptions(
            column_types={
                c: pa.dictionary(pa.int32(), pa.string())
                if c in CODED_COLUMNS.get(layout.format, ())
                else pa.string()
                for c in names
            },
            # columns the canonical table does not take are parsed (the row must be well formed) but not
            # decoded
            include_columns=[n for n in names if n in USED_COLUMNS.get(layout.format, names)],
            strings_can_be_null=True,
            quoted_strings_can_be_null=True,
        ),
        skip_header=layout.has_header,
    )
    normalise = _normaliser(layout)
    row_bytes = _estimate_row_bytes(p) if progress is not None else 0.0

    def work(batches: list[pa.RecordBatch], start: int) -> tuple[pa.Table, _Issues, Counter[str]]:
        issues, counts = _Issues(str(p), start), Counter[str]()
        return normalise(pa.Table.from_batches(batches), layout, issues, counts), issues, counts

    def groups() -> Iterator[list[pa.RecordBatch]]:
        # the parser works on small blocks (its buffers scale with the block size); the normaliser gets
        # groups of about batch_bytes (its cost per call is mostly fixed)
        group: list[pa.RecordBatch] = []
        size = 0
        while True:
            try:
                batch = next(reader)
            except StopIteration:
                if group:
                    yield group
                return
            except pa.ArrowInvalid as exc:
                from kzevents.validation import locate_csv_error

                raise DataError(
                    [locate_csv_error(p, encoding, len(names), str(exc), has_header=layout.has_header)]
                ) from None
            group.append(batch)
            size += batch.get_total_buffer_size()  # nbytes walks every buffer's byte ranges: slower
            if size >= batch_bytes:
                yield group
                group, size = [], 0

    offset = 0
    pending: pa.Table | None = None
    # batches are normalised on a small thread pool while the next ones are read (Arrow releases the GIL);
    # results come back in file order and at most a few batches are in flight
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures: deque[Future[tuple[pa.Table, _Issues, Counter[str]]]] = deque()

        def finish() -> pa.Table:
            nonlocal pending
            t, issues, counts = futures.popleft().result()
            if issues.problems:
                raise DataError(issues.problems, f"{p}: values that cannot be read")
            report.normalised.update(counts)
            if layout.name == "acled-monadic":
                if pending is not None:
                    t = pa.concat_tables([pending, t])
                last = t.column("event_id")[-1]
                tail = pc.equal(t.column("event_id"), last)
                pending = t.filter(tail)
                t = collapse_monadic(t.filter(pc.invert(tail)))
            return t

        for group in groups():
            n = sum(b.num_rows for b in group)
            futures.append(pool.submit(work, group, offset))
            offset += n
            report.rows_in += n
            if progress is not None:  # bytes so far, estimated from the average line length
                progress(report.rows_in, int(report.rows_in * row_bytes))
            while len(futures) > 2:
                t = finish()
                if t.num_rows:
                    report.rows_out += t.num_rows
                    yield t
        while futures:
            t = finish()
            if t.num_rows:
                report.rows_out += t.num_rows
                yield t
    if pending is not None and pending.num_rows:
        t = collapse_monadic(pending)
        report.rows_out += t.num_rows
        yield t
    if layout.name == "acled-monadic":
        report.normalised["monadic rows merged into events"] = report.rows_in - report.rows_out
    if report.rows_in == 0:
        raise DataError([Problem("no-rows", "file has a header but no data rows", str(p), row=1)])


def read(path: str | Path, format: str | None = None) -> tuple[pa.Table, ReadReport]:
    """Read a whole ACLED/GTD/GED file into one canonical table, with the report of what was normalised."""
    report = ReadReport(str(path), "")
    tables = list(iter_read(path, format, report=report))
    return pa.concat_tables(tables).unify_dictionaries().combine_chunks(), report


def _estimate_row_bytes(path: Path) -> float:
    """Average bytes per line over the first MB (for the progress estimate only)."""
    with open(path, "rb") as fh:
        head = fh.read(1 << 20)
    return len(head) / max(head.count(b"\n"), 1)


ROW_GROUP_ROWS = 1 << 15  # rows per Parquet row group written by convert


def convert(
    src: str | Path,
    dest: str | Path,
    format: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ReadReport:
    """Stream ``src`` (ACLED/GTD/GED CSV) into a canonical Parquet file ``dest`` (atomic; bounded memory)."""
    import os
    import tempfile

    import pyarrow.parquet as pq

    dest = Path(dest)
    report = ReadReport(str(src), "")
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent)
    os.close(fd)
    try:
        writer: pq.ParquetWriter | None = None
        with ThreadPoolExecutor(1) as io_pool:
            # the writer runs on its own thread while the next batches are read and normalised; batches
            # are grouped into row groups of about ROW_GROUP_ROWS rows (fewer, larger row groups write
            # faster and compress better) with one dictionary per column
            writes: deque[Future[None]] = deque()
            group: list[pa.Table] = []
            rows = 0

            def flush() -> None:
                nonlocal group, rows, writer
                if writer is None:  # created on the first rows, when iter_read has found the layout
                    schema = canonical.schema({"source_file": Path(src).name, "layout": report.layout})
                    # dictionary pages only for dictionary columns: free text (notes, ids) would be tried
                    # and dropped
                    dict_columns = [f.name for f in schema if pa.types.is_dictionary(f.type)]
                    writer = pq.ParquetWriter(
                        tmp,
                        schema,
                        compression="zstd",
                        use_dictionary=dict_columns,
                        write_statistics=canonical.STATISTICS_COLUMNS,
                    )
                t = (
                    pa.concat_tables(group)
                    .unify_dictionaries()
                    .replace_schema_metadata(writer.schema.metadata)
                )
                writes.append(io_pool.submit(writer.write_table, t))
                group, rows = [], 0
                while len(writes) > 1:
                    writes.popleft().result()

            try:
                for t in iter_read(src, format, report=report, progress=progress):
                    group.append(t)
                    rows += t.num_rows
                    if rows >= ROW_GROUP_ROWS:
                        flush()
                if group:
                    flush()
                while writes:
                    writes.popleft().result()
            finally:
                for f in writes:  # an error: let the writes in flight end before the file is closed
                    f.exception()
                if writer is not None:
                    writer.close()
        os.replace(tmp, dest)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return report
