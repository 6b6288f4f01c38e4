"""Reading ACLED files: a batch of string columns in any ACLED layout -> the canonical table.

Facts: ../shared/reference/acled.md (event types and sub-event types, actor types as text or numeric
codes 1-8, time and geo precision 1-3, the layouts' date spellings).
"""

from __future__ import annotations

import functools
from collections import Counter
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kzevents.arrays import FALSE, bools, encode, int64s, lit, strings, whole
from kzevents.arrays import per_combination as _recode
from kzevents.dataset.vocab import EventType
from kzevents.formats import crosswalk
from kzevents.formats.countries import iso3_from_names, iso_numeric_to_alpha3, kz_spellings
from kzevents.formats.normalise import (
    Issues,
    as_is,
    col,
    count_unmapped,
    parse_dates,
    split,
    to_count,
    to_float,
)
from kzevents.formats.plugin import Layout
from kzevents.table import assemble, constant


@functools.cache
def _acled_tables() -> dict[str, Any]:
    cw = crosswalk.get("acled")
    labels = {int(v): k for k, v in cw.maps["inter_code"].items()}
    inverse: dict[str, list[str]] = {}
    for key, native in cw.maps["acled_type"].items():
        ours = native.get("reads_as", key)
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


def _check_known(a: pa.Array, known: pa.Array, column: str, message: str, issues: Issues) -> None:
    """Report the rows of a coded column whose value is not in ``known`` (checked on distinct values)."""
    d = encode(a)
    bad = pc.invert(pc.is_in(d.dictionary, value_set=known))
    if pc.any(bad).as_py():
        issues.check(pc.take(bad, d.indices), a, column, message)


def _lookup(a: pa.Array, keys: tuple[str, ...], values: tuple[str, ...]) -> pa.Array:
    """Map a coded column through a fixed table (unknown → null), on its distinct values."""
    key_set, value_set = strings(keys), strings(values)
    return _recode([a], lambda v: pc.take(value_set, pc.index_in(v[0], value_set=key_set)))[0]


def acled_to_canonical(t: pa.Table, layout: Layout, issues: Issues, counts: Counter[str]) -> pa.Table:
    n = t.num_rows
    date = parse_dates(col(t, "event_date"), "event_date", issues, counts)
    # (a date that is there but cannot be read is reported once, by parse_dates)
    issues.check(
        pc.is_null(col(t, "event_date")), col(t, "event_date"), "event_date", "event date is missing"
    )
    assoc1 = "ally_actor_1" if layout.name == "acled-2016" else "assoc_actor_1"
    assoc2 = "ally_actor_2" if layout.name == "acled-2016" else "assoc_actor_2"
    fatal = to_count(col(t, "fatalities"), "fatalities", issues)
    et, sub = encode(col(t, "event_type")), encode(col(t, "sub_event_type"))
    a1_type = _actor_type(col(t, "inter1"), counts)
    ours = _ours_from_acled(et, sub, a1_type)
    native = pc.binary_join_element_wise(
        et.cast(pa.string()),
        pc.fill_null(sub.cast(pa.string()), lit("", pa.string())),
        lit(" / ", pa.string()),
    )
    count_unmapped(native, ours, "ACLED event type / sub-event type with no kzevents event type", counts)
    time_prec = _lookup(col(t, "time_precision"), ("1", "2", "3"), ("day", "week", "month"))
    geo_prec = _lookup(col(t, "geo_precision"), ("1", "2", "3"), ("town", "near_town", "region"))
    issues.check(
        pc.is_null(time_prec), col(t, "time_precision"), "time_precision", "not a time precision (1-3)"
    )
    issues.check(pc.is_null(geo_prec), col(t, "geo_precision"), "geo_precision", "not a geo precision (1-3)")
    known = strings((*(str(i) for i in range(9)), "", *_acled_tables()["labels"].values()))
    for column in ("inter1", "inter2"):
        if column in t.column_names:
            _check_known(col(t, column), known, column, "not an ACLED actor type", issues)
    iso3 = _iso3(t, layout)
    country_key = "iso" if "iso" in t.column_names else "iso3" if "iso3" in t.column_names else "country"
    count_unmapped(col(t, country_key), iso3, f"ACLED {country_key} with no ISO 3166 country", counts)
    cols: dict[str, pa.Array] = {
        "event_id": as_is(t, "event_id_cnty"),
        "dataset": constant("acled", n),
        "event_date": date,
        "event_date_end": date,
        "date_precision": time_prec,
        "event_type": ours,
        "native_event_type": et,
        "native_sub_event_type": sub,
        "summary": as_is(t, "notes"),
        "country_iso3": iso3,
        "country": encode(col(t, "country")),
        "admin1_code": _kz_admin1(col(t, "admin1"), iso3),
        "admin1": encode(col(t, "admin1")),
        "admin2": as_is(t, "admin2"),
        "location": as_is(t, "location"),
        "latitude": to_float(col(t, "latitude"), "latitude", issues, -90, 90),
        "longitude": to_float(col(t, "longitude"), "longitude", issues, -180, 180),
        "geo_precision": geo_prec,
        "native_geo_precision": encode(col(t, "geo_precision")),
        "actor1": as_is(t, "actor1"),
        "actor1_type": a1_type,
        "assoc_actor_1": split(col(t, assoc1), "; "),
        "actor2": as_is(t, "actor2"),
        "actor2_type": _actor_type(col(t, "inter2"), counts),
        "assoc_actor_2": split(col(t, assoc2), "; "),
        "fatalities_low": fatal,
        "fatalities_best": fatal,
        "fatalities_high": fatal,
        "fatalities_known": _fatalities_known(fatal, as_is(t, "notes")),
        "source_names": split(col(t, "source"), "; "),
        "source_scale": encode(col(t, "source_scale")),
    }
    return assemble(cols, n)


# ACLED codes unknown casualties as 0 and says so in the notes ("Casualties unknown", in 901 of the 7,675
# zero-fatality rows of the 2022 sample; "unknown casualties", "unspecified number of casualties" in a few)
UNKNOWN_CASUALTIES = (
    r"(?i)(casualties|fatalities) (are |were |remain )?(unknown|not known)|unknown (number of )?"
    r"(casualties|fatalities)|unspecified number of (casualties|fatalities)"
)
MENTION = r"(?i)ties"  # in every match of UNKNOWN_CASUALTIES (casualties, fatalities); one literal: fast


def _fatalities_known(fatal: pa.Array, notes: pa.Array | pa.ChunkedArray) -> pa.Array:
    """False where the 0 in ``fatalities`` stands for unknown casualties (the notes say so), else true
    (null without a figure); a non-zero figure is ACLED's count or its coded estimate ("unknown
    fatalities coded as 10")."""
    zero = pc.fill_null(pc.equal(fatal, lit(0, pa.int32())), FALSE)
    # every match of the pattern names casualties or fatalities: a one-literal pattern (fast) finds the
    # zero rows whose notes hold "ties", and the full pattern looks at those only (22% of the real
    # 2022 sample's rows; 0.46 s of CPU per 1M rows when it looked at every row)
    said = np.zeros(len(fatal), bool)
    maybe = pc.and_(zero, pc.fill_null(pc.match_substring_regex(notes, MENTION), FALSE))
    rows = pc.indices_nonzero(maybe)
    if len(rows):
        hit = pc.fill_null(pc.match_substring_regex(pc.take(notes, rows), UNKNOWN_CASUALTIES), FALSE)
        said[np.asarray(pc.filter(rows, hit).to_numpy(zero_copy_only=False), np.int64)] = True
    known = pc.invert(pc.and_(zero, bools(said)))
    return pc.if_else(pc.is_valid(fatal), known, lit(None, pa.bool_()))


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


def _iso3(t: pa.Table, layout: Layout) -> pa.Array:
    if "iso3" in t.column_names:
        return encode(col(t, "iso3"))
    if "iso" in t.column_names:
        table = iso_numeric_to_alpha3()
        keys, values = strings(tuple(table)), strings(tuple(table.values()))
        return _recode(
            [col(t, "iso")],
            lambda v: pc.take(values, pc.index_in(pc.utf8_ltrim(v[0], "0"), value_set=keys)),
        )[0]
    # the 2016 layout has country names only
    return _recode([col(t, "country")], lambda v: iso3_from_names(v[0]))[0]


def _kz_admin1(admin1: pa.Array, iso3: pa.Array) -> pa.Array:
    """ISO 3166-2:KZ code for Kazakhstan rows, through the explicit ACLED spelling table (never by name)."""
    table = kz_spellings("acled")
    keys, values = strings(tuple(table)), strings(tuple(table.values()))

    def code(v: list[pa.Array]) -> pa.Array:
        codes = pc.take(values, pc.index_in(v[0], value_set=keys))
        return pc.if_else(
            pc.fill_null(pc.equal(v[1], lit("KAZ", pa.string())), FALSE),
            codes,
            lit(None, pa.string()),
        )

    return _recode([admin1, iso3], code)[0]


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


def iso_dates(t: pa.Table) -> pa.Table:
    """ACLED's other date forms ("21 March 2020", "5-Aug-24") as ISO dates, so the schema checks the date
    and not its spelling; anything that is not a real date is left as it was (and fails)."""
    if "event_date" not in t.column_names:
        return t
    col = whole(t.column("event_date"))
    distinct = col.dictionary if pa.types.is_dictionary(col.type) else pc.unique(col)
    if pc.all(pc.match_substring_regex(distinct, r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")).as_py():
        return t
    col = col.cast(pa.string())
    iso = pc.match_substring_regex(col, r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
    parsed = parse_dates(col, "event_date", Issues("", 0), Counter())
    text = pc.strftime(parsed, format="%Y-%m-%d")
    fixed = pc.if_else(pc.and_(pc.invert(iso), pc.is_valid(text)), text, col)
    i = t.schema.get_field_index("event_date")
    return t.set_column(i, pa.field("event_date", pa.string()), fixed)
