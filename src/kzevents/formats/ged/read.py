"""Reading UCDP GED files (49 columns, with or without a header row): a batch of string columns -> the
canonical table.

Facts: ../shared/reference/ged.md (``date_prec``, ``where_prec``, dates with or without a time part, the
sides and deaths of each type of violence).
"""

from __future__ import annotations

from collections import Counter

import pyarrow as pa
import pyarrow.compute as pc

from kzevents.arrays import FALSE, lit, strings
from kzevents.arrays import string as _s_
from kzevents.formats.countries import iso3_from_names
from kzevents.formats.normalise import (
    Issues,
    as_is,
    col,
    count_unmapped,
    geo_precision,
    parse_dates,
    split,
    to_count,
    to_float,
)
from kzevents.formats.plugin import Layout
from kzevents.table import assemble, constant


def ged_to_canonical(t: pa.Table, layout: Layout, issues: Issues, counts: Counter[str]) -> pa.Table:
    n = t.num_rows
    start = parse_dates(col(t, "date_start"), "date_start", issues, counts)
    issues.check(
        pc.is_null(col(t, "date_start")), col(t, "date_start"), "date_start", "start date is missing"
    )
    end = parse_dates(col(t, "date_end"), "date_end", issues, Counter())
    prec = pc.take(
        strings(("day", "days", "week", "month", "approximate")),
        pc.index_in(col(t, "date_prec"), value_set=strings(("1", "2", "3", "4", "5"))),
    )
    issues.check(pc.is_null(prec), col(t, "date_prec"), "date_prec", "not a GED date precision (1-5)")
    where = col(t, "where_prec")
    geo = geo_precision(where)
    violence = pc.take(
        strings(("state-based", "non-state", "one-sided")),
        pc.index_in(col(t, "type_of_violence"), value_set=strings(("1", "2", "3"))),
    )
    issues.check(pc.is_null(violence), col(t, "type_of_violence"), "type_of_violence", "not 1, 2 or 3")
    country = col(t, "country")
    iso3 = iso3_from_names(country)
    count_unmapped(country, iso3, "GED country with no ISO 3166 country", counts)
    best = to_count(col(t, "best"), "best", issues)
    deaths_a = to_count(col(t, "deaths_a"), "deaths_a", issues)
    deaths_b = to_count(col(t, "deaths_b"), "deaths_b", issues)
    state_based = pc.fill_null(pc.equal(col(t, "type_of_violence"), _s_("1")), FALSE)
    one_sided = pc.fill_null(pc.equal(col(t, "type_of_violence"), _s_("3")), FALSE)
    cols: dict[str, pa.Array] = {
        "event_id": as_is(t, "id"),
        "dataset": constant("ged", n),
        "event_date": start,
        "event_date_end": pc.coalesce(end, start),
        "date_precision": prec,
        "native_event_type": violence,
        "native_sub_event_type": col(t, "dyad_name"),
        "summary": as_is(t, "where_description"),
        "country_iso3": iso3,
        "country": country,
        # GED writes no Kazakh unit in a form kzevents maps to an ISO code (adm_1 is kept as written)
        "admin1": col(t, "adm_1"),
        "admin2": as_is(t, "adm_2"),
        "location": as_is(t, "where_coordinates"),
        "latitude": to_float(col(t, "latitude"), "latitude", issues, -90, 90),
        "longitude": to_float(col(t, "longitude"), "longitude", issues, -180, 180),
        "geo_precision": geo,
        "native_geo_precision": where,
        "actor1": as_is(t, "side_a"),
        "actor2": as_is(t, "side_b"),
        "fatalities_low": to_count(col(t, "low"), "low", issues),
        "fatalities_best": best,
        "fatalities_high": to_count(col(t, "high"), "high", issues),
        # side A is the government in state-based events (1) and the perpetrator in one-sided ones (3);
        # in non-state events (2) both sides are groups, which kzevents' breakdown does not name
        "deaths_security": pc.if_else(state_based, deaths_a, lit(None, pa.int32())),
        "deaths_perpetrators": pc.if_else(
            state_based, deaths_b, pc.if_else(one_sided, deaths_a, lit(None, pa.int32()))
        ),
        "deaths_civilians": to_count(col(t, "deaths_civilians"), "deaths_civilians", issues),
        "deaths_unknown": to_count(col(t, "deaths_unknown"), "deaths_unknown", issues),
        "source_names": split(col(t, "source_office"), ";"),
        "source_headlines": split(col(t, "source_headline"), ";"),  # ged.md §1: headlines joined with ';'
    }
    return assemble(cols, n)
