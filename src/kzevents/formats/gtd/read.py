"""Reading GTD files (135 columns, Latin-1 or UTF-8): a batch of string columns -> the canonical table.

Facts: ../shared/reference/gtd.md (date parts with 0 for unknown, ``approxdate``, ``extended`` and
``resolution``, ``specificity``, ``-9``/``-99`` for unknown counts).
"""

from __future__ import annotations

from collections import Counter

import pyarrow as pa
import pyarrow.compute as pc

from kzevents.arrays import FALSE, lit, strings
from kzevents.arrays import string as _s_
from kzevents.formats.countries import iso3_from_names, kz_spellings
from kzevents.formats.normalise import (
    Issues,
    as_is,
    col,
    count_unmapped,
    geo_precision,
    non_empty_lists,
    parse_dates,
    split,
    to_count,
    to_float,
    to_int,
)
from kzevents.formats.plugin import Layout
from kzevents.table import assemble, constant


def _kz_admin1(provstate: pa.Array, iso3: pa.Array) -> pa.Array:
    table = kz_spellings("gtd")
    codes = pc.take(
        strings(tuple(table.values())),
        pc.index_in(provstate, value_set=strings(tuple(table))),
    )
    return pc.if_else(pc.fill_null(pc.equal(iso3, _s_("KAZ")), FALSE), codes, lit(None, pa.string()))


def gtd_to_canonical(t: pa.Table, layout: Layout, issues: Issues, counts: Counter[str]) -> pa.Table:
    n = t.num_rows
    year = to_int(col(t, "iyear"), "iyear", issues)
    month = to_int(col(t, "imonth"), "imonth", issues)
    day = to_int(col(t, "iday"), "iday", issues)
    zero = lit(0, month.type)
    unknown_month = pc.fill_null(pc.equal(month, zero), FALSE)
    unknown_day = pc.fill_null(pc.equal(day, zero), FALSE)
    for label, mask in (
        ("GTD dates with unknown month (month 0)", unknown_month),
        ("GTD dates with unknown day (day 0)", unknown_day),
    ):
        if k := pc.sum(pc.cast(mask, pa.int64())).as_py():
            counts[label] += k
    one = lit(1, month.type)
    m = pc.if_else(unknown_month, one, month)
    d = pc.if_else(pc.or_(unknown_day, unknown_month), one, day)
    iso = pc.binary_join_element_wise(
        pc.cast(year, pa.string()),
        pc.utf8_lpad(pc.cast(m, pa.string()), 2, "0"),
        pc.utf8_lpad(pc.cast(d, pa.string()), 2, "0"),
        _s_("-"),
    )
    start = parse_dates(pc.fill_null(iso, _s_("")), "iyear/imonth/iday", issues, Counter())
    precision = pc.if_else(
        unknown_month, _s_("approximate"), pc.if_else(unknown_day, _s_("month"), _s_("day"))
    )
    end = _end_date(t, start, issues, counts)
    # GTD writes an unknown count as a blank (gtd.md §5: -9/-99 are the conventions of other fields)
    nkill = to_count(col(t, "nkill"), "nkill", issues)
    nwound = to_count(col(t, "nwound"), "nwound", issues)
    country = col(t, "country_txt")
    iso3 = iso3_from_names(country)
    spec = col(t, "specificity")
    geo = geo_precision(spec)
    attack = col(t, "attacktype1_txt")
    suicide = pc.fill_null(pc.equal(col(t, "suicide"), _s_("1")), FALSE)
    ours = pc.if_else(
        pc.equal(attack, _s_("Bombing/Explosion")),
        pc.if_else(suicide, _s_("suicide_bombing"), _s_("bombing")),
        pc.if_else(pc.equal(attack, _s_("Armed Assault")), _s_("armed_attack"), lit(None, pa.string())),
    )
    count_unmapped(attack, ours, "GTD attack type with no kzevents event type", counts)
    count_unmapped(country, iso3, "GTD country_txt with no ISO 3166 country", counts)
    source_list = non_empty_lists([col(t, c) for c in ("scite1", "scite2", "scite3")])
    cols: dict[str, pa.Array] = {
        "event_id": as_is(t, "eventid"),
        "dataset": constant("gtd", n),
        "event_date": start,
        "event_date_end": end,
        "date_precision": pc.fill_null(precision, _s_("approximate")),
        "event_type": ours,
        "native_event_type": attack,
        "native_sub_event_type": col(t, "targtype1_txt"),
        "summary": as_is(t, "summary"),
        "country_iso3": iso3,
        "country": country,
        "admin1_code": _kz_admin1(col(t, "provstate"), iso3),
        "admin1": col(t, "provstate"),
        "location": pc.coalesce(col(t, "city"), col(t, "location")),
        "latitude": to_float(col(t, "latitude"), "latitude", issues, -90, 90),
        "longitude": to_float(col(t, "longitude"), "longitude", issues, -180, 180),
        "geo_precision": geo,
        "native_geo_precision": spec,
        "actor1": as_is(t, "gname"),
        "actor1_gtd_name": as_is(t, "gname"),
        "actor2": as_is(t, "corp1"),
        "fatalities_low": nkill,
        "fatalities_best": nkill,
        "fatalities_high": nkill,
        "injured": nwound,
        "suicide": suicide,
        "weapons": split(col(t, "weaptype1_txt"), "; "),
        "source_names": source_list,
    }
    return assemble(cols, n)


def _end_date(t: pa.Table, start: pa.Array, issues: Issues, counts: Counter[str]) -> pa.Array:
    """The end date: ``resolution`` where ``extended`` is 1 (a resolution that is not a date is a problem,
    not silently the start date); the start date otherwise, counted in the report when a resolution is
    given without ``extended`` 1 or an extended incident has none."""
    extended = pc.fill_null(pc.equal(col(t, "extended"), _s_("1")), FALSE)
    if "resolution" not in t.column_names:
        return start
    resolution = col(t, "resolution")
    given = pc.is_valid(resolution)
    ignored = pc.sum(pc.cast(pc.and_(given, pc.invert(extended)), pa.int64())).as_py() or 0
    if ignored:
        counts["GTD resolution given though extended is not 1: not used as the end date"] += ignored
    unresolved = pc.sum(pc.cast(pc.and_(extended, pc.invert(given)), pa.int64())).as_py() or 0
    if unresolved:
        counts["GTD extended incidents without a resolution date: end = start"] += unresolved
    if not pc.any(pc.and_(extended, given)).as_py():
        return start
    used = pc.if_else(extended, resolution, lit(None, pa.string()))
    end = parse_dates(used, "resolution", issues, Counter())
    return pc.if_else(pc.is_valid(end), end, start)
