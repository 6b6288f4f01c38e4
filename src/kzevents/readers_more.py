"""Normalisers for GTD and UCDP GED files: a batch of string columns → the canonical table.

Facts: ../shared/reference/gtd.md (date parts with 0 for unknown, ``approxdate``, ``specificity``,
``-9``/``-99``), ged.md (``date_prec``, ``where_prec``, dates with or without a time part).
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from kzevents._arrow import FALSE, lit, strings
from kzevents._arrow import string as _s_
from kzevents.readers import (
    Layout,
    _as_is,
    _assemble,
    _constant,
    _Issues,
    _kz_admin1,
    _s,
    _split,
    parse_dates,
    to_float,
    to_int,
)

Normaliser = Callable[[pa.Table, Any, Any, Counter[str]], pa.Table]


def _null(n: int) -> pa.Array:
    return pa.nulls(n, pa.string())


@functools.cache
def _country_names() -> dict[str, str]:
    import pycountry

    out = {c.name: c.alpha_3 for c in pycountry.countries}
    out.update({getattr(c, "common_name", c.name): c.alpha_3 for c in pycountry.countries})
    return out


@functools.cache
def _resolve_country(name: str) -> str | None:
    """ISO alpha-3 for a country name as GTD or GED write it ("Russia (Soviet Union)", "DR Congo (Zaire)")."""
    import re

    import pycountry

    table = _country_names()
    if name in table:
        return table[name]
    plain = re.sub(r"\s*\(.*\)\s*$", "", name).strip()
    aliases = {
        "DR Congo": "COD",
        "Russia": "RUS",
        "Yemen": "YEM",
        "Iran": "IRN",
        "Syria": "SYR",
        "Ivory Coast": "CIV",
        "Laos": "LAO",
        "Vietnam": "VNM",
        "Bolivia": "BOL",
        "Venezuela": "VEN",
        "Tanzania": "TZA",
        "Moldova": "MDA",
        "Macedonia": "MKD",
        "Macedonia, FYR": "MKD",
        "Kosovo": "XKX",
        "Cambodia": "KHM",
        "Myanmar": "MMR",
        "Burma": "MMR",
        "Congo": "COG",
        "Bosnia-Herzegovina": "BIH",
        "South Korea": "KOR",
        "North Korea": "PRK",
        "Turkey": "TUR",
        "West Bank and Gaza Strip": "PSE",
    }
    if plain in aliases:
        return aliases[plain]
    if plain in table:
        return table[plain]
    try:
        return str(pycountry.countries.lookup(plain).alpha_3)
    except LookupError:
        return None


def _geo(precision: pa.Array) -> pa.Array:
    """GTD specificity / GED where_prec 1 → town, 2 → near_town, anything else → region."""
    return pc.if_else(
        pc.equal(precision, _s_("1")),
        _s_("town"),
        pc.if_else(pc.equal(precision, _s_("2")), _s_("near_town"), _s_("region")),
    )


def _iso3_from_names(names: pa.Array) -> pa.Array:
    uniques = [u for u in pc.unique(names).to_pylist() if u]
    table = {u: code for u in uniques if (code := _resolve_country(u)) is not None}
    keys = strings(tuple(table))
    return pc.take(strings(tuple(table.values())), pc.index_in(names, value_set=keys))


def _gtd_kz_admin1(provstate: pa.Array, iso3: pa.Array) -> pa.Array:
    from kzevents.admin import units

    table = {n: code for code, u in units().items() for n in u["gtd"]}
    codes = pc.take(
        strings(tuple(table.values())),
        pc.index_in(provstate, value_set=strings(tuple(table))),
    )
    return pc.if_else(pc.fill_null(pc.equal(iso3, _s_("KAZ")), FALSE), codes, lit(None, pa.string()))


def gtd_to_canonical(t: pa.Table, layout: Layout, issues: _Issues, counts: Counter[str]) -> pa.Table:
    n = t.num_rows
    year = to_int(_s(t, "iyear"), "iyear", issues)
    month = to_int(_s(t, "imonth"), "imonth", issues)
    day = to_int(_s(t, "iday"), "iday", issues)
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
    extended = pc.fill_null(pc.equal(_s(t, "extended"), _s_("1")), FALSE)
    resolution = _s(t, "resolution")
    if "resolution" in t.column_names and pc.any(pc.and_(extended, pc.is_valid(resolution))).as_py():
        end = parse_dates(
            pc.fill_null(resolution, _s_("")), "resolution", _Issues(issues.file, issues.offset), Counter()
        )
        end = pc.if_else(pc.and_(extended, pc.is_valid(end)), end, start)
    else:
        end = start
    nkill = to_int(_s(t, "nkill"), "nkill", issues, missing=("", "-9", "-99"))
    nwound = to_int(_s(t, "nwound"), "nwound", issues, missing=("", "-9", "-99"))
    country = _s(t, "country_txt")
    iso3 = _iso3_from_names(country)
    spec = _s(t, "specificity")
    geo = _geo(spec)
    attack = _s(t, "attacktype1_txt")
    suicide = pc.fill_null(pc.equal(_s(t, "suicide"), _s_("1")), FALSE)
    ours = pc.if_else(
        pc.equal(attack, _s_("Bombing/Explosion")),
        pc.if_else(suicide, _s_("suicide_bombing"), _s_("bombing")),
        pc.if_else(pc.equal(attack, _s_("Armed Assault")), _s_("armed_attack"), lit(None, pa.string())),
    )
    sources = [pc.fill_null(_s(t, c), _s_("")) for c in ("scite1", "scite2", "scite3")]
    joined = pc.binary_join_element_wise(*sources, _s_("\x1f"))
    source_list = pc.split_pattern(pc.utf8_trim(joined, "\x1f"), "\x1f")
    cols: dict[str, pa.Array] = {
        "event_id": _as_is(t, "eventid"),
        "dataset": _constant("gtd", n),
        "event_date": start,
        "event_date_end": end,
        "date_precision": pc.fill_null(precision, _s_("approximate")),
        "event_type": ours,
        "native_event_type": attack,
        "native_sub_event_type": _s(t, "targtype1_txt"),
        "summary": _as_is(t, "summary"),
        "country_iso3": iso3,
        "country": country,
        "admin1_code": _gtd_kz_admin1(_s(t, "provstate"), iso3),
        "admin1": _s(t, "provstate"),
        "location": pc.coalesce(_s(t, "city"), _s(t, "location")),
        "latitude": to_float(_s(t, "latitude"), "latitude", issues, -90, 90),
        "longitude": to_float(_s(t, "longitude"), "longitude", issues, -180, 180),
        "geo_precision": geo,
        "actor1": _as_is(t, "gname"),
        "actor1_gtd_name": _as_is(t, "gname"),
        "actor2": _as_is(t, "corp1"),
        "fatalities_low": nkill,
        "fatalities_best": nkill,
        "fatalities_high": nkill,
        "injured": nwound,
        "suicide": suicide,
        "weapons": _split(_s(t, "weaptype1_txt"), "; "),
        "source_names": source_list,
    }
    return _assemble(cols, n)


def ged_to_canonical(t: pa.Table, layout: Layout, issues: _Issues, counts: Counter[str]) -> pa.Table:
    n = t.num_rows
    start = parse_dates(_s(t, "date_start"), "date_start", issues, counts)
    issues.check(pc.is_null(start), _s(t, "date_start"), "date_start", "start date is missing")
    end = parse_dates(_s(t, "date_end"), "date_end", issues, Counter())
    prec = pc.take(
        strings(("day", "days", "week", "month", "approximate")),
        pc.index_in(_s(t, "date_prec"), value_set=strings(("1", "2", "3", "4", "5"))),
    )
    issues.check(pc.is_null(prec), _s(t, "date_prec"), "date_prec", "not a GED date precision (1-5)")
    where = _s(t, "where_prec")
    geo = _geo(where)
    violence = pc.take(
        strings(("state-based", "non-state", "one-sided")),
        pc.index_in(_s(t, "type_of_violence"), value_set=strings(("1", "2", "3"))),
    )
    issues.check(pc.is_null(violence), _s(t, "type_of_violence"), "type_of_violence", "not 1, 2 or 3")
    country = _s(t, "country")
    iso3 = _iso3_from_names(country)
    best = to_int(_s(t, "best"), "best", issues)
    deaths_a = to_int(_s(t, "deaths_a"), "deaths_a", issues)
    deaths_b = to_int(_s(t, "deaths_b"), "deaths_b", issues)
    state_based = pc.fill_null(pc.equal(_s(t, "type_of_violence"), _s_("1")), FALSE)
    one_sided = pc.fill_null(pc.equal(_s(t, "type_of_violence"), _s_("3")), FALSE)
    cols: dict[str, pa.Array] = {
        "event_id": _as_is(t, "id"),
        "dataset": _constant("ged", n),
        "event_date": start,
        "event_date_end": pc.coalesce(end, start),
        "date_precision": prec,
        "native_event_type": violence,
        "native_sub_event_type": _s(t, "dyad_name"),
        "summary": _as_is(t, "where_description"),
        "country_iso3": iso3,
        "country": country,
        "admin1_code": _kz_admin1(_null(n), iso3),
        "admin1": _s(t, "adm_1"),
        "admin2": _as_is(t, "adm_2"),
        "location": _as_is(t, "where_coordinates"),
        "latitude": to_float(_s(t, "latitude"), "latitude", issues, -90, 90),
        "longitude": to_float(_s(t, "longitude"), "longitude", issues, -180, 180),
        "geo_precision": geo,
        "actor1": _as_is(t, "side_a"),
        "actor2": _as_is(t, "side_b"),
        "fatalities_low": to_int(_s(t, "low"), "low", issues),
        "fatalities_best": best,
        "fatalities_high": to_int(_s(t, "high"), "high", issues),
        # side A is the government in state-based events (1) and the perpetrator in one-sided ones (3);
        # in non-state events (2) both sides are groups, which kzevents' breakdown does not name
        "deaths_security": pc.if_else(state_based, deaths_a, lit(None, pa.int32())),
        "deaths_perpetrators": pc.if_else(
            state_based, deaths_b, pc.if_else(one_sided, deaths_a, lit(None, pa.int32()))
        ),
        "deaths_civilians": to_int(_s(t, "deaths_civilians"), "deaths_civilians", issues),
        "deaths_unknown": to_int(_s(t, "deaths_unknown"), "deaths_unknown", issues),
        "source_names": _split(_s(t, "source_office"), ";"),
    }
    return _assemble(cols, n)


NORMALISERS: dict[str, Normaliser] = {"gtd": gtd_to_canonical, "ged": ged_to_canonical}
