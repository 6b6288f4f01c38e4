"""UCDP GED's layout: 49 columns (reference/ged.md §1), also without a header row as some candidate
releases came; the columns the reader decodes and those checked as dictionaries."""

from __future__ import annotations

import re

from kzevents.formats.plugin import Layout

GED_COLUMNS = (
    "id,relid,year,active_year,code_status,type_of_violence,conflict_dset_id,conflict_new_id,conflict_nam"
    "e,dyad_dset_id,dyad_new_id,dyad_name,side_a_dset_id,side_a_new_id,side_a,side_b_dset_id,side_b_new_i"
    "d,side_b,number_of_sources,source_article,source_office,source_date,source_headline,source_original,"
    "where_prec,where_coordinates,where_description,adm_1,adm_2,latitude,longitude,geom_wkt,priogrid_gid,"
    "country,country_id,region,event_clarity,date_prec,date_start,date_end,deaths_a,deaths_b,deaths_civil"
    "ians,deaths_unknown,best,high,low,gwnoa,gwnob"
).split(",")

LAYOUTS = (Layout("ged", "ged", tuple(GED_COLUMNS), "UCDP GED (49 columns)"),)
HEADERLESS = Layout(
    "ged", "ged-headerless", tuple(GED_COLUMNS), "UCDP GED without a header row", has_header=False
)
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}( 00:00:00(\.0+)?)?$")


def headerless(first: list[str]) -> Layout | None:
    """The layout of a file whose line 1 is a GED row, not a header (ged.md §1): 49 fields, a numeric id
    first, and dates where date_start and date_end are."""
    if len(first) != len(GED_COLUMNS) or not first[0].isdigit():
        return None
    start, end = GED_COLUMNS.index("date_start"), GED_COLUMNS.index("date_end")
    return HEADERLESS if _DATE.match(first[start]) and _DATE.match(first[end]) else None


# the columns ged_to_canonical reads (the others are parsed, not decoded)
READ_COLUMNS = frozenset(
    "id,dyad_name,side_a,side_b,source_office,source_headline,where_prec,where_coordinates,where_description,adm_1,adm_2,"
    "latitude,longitude,country,type_of_violence,date_prec,date_start,date_end,deaths_a,deaths_b,"
    "deaths_civilians,deaths_unknown,best,high,low".split(",")
)
# columns with few distinct values, validated as dictionaries
CHECK_CODED = frozenset(
    "year,active_year,code_status,type_of_violence,conflict_dset_id,conflict_new_id,conflict_name,"
    "dyad_dset_id,dyad_new_id,dyad_name,side_a_dset_id,side_a_new_id,side_a,side_b_dset_id,side_b_new_id,"
    "side_b,number_of_sources,where_prec,country,country_id,region,event_clarity,date_prec,date_start,"
    "date_end,deaths_a,deaths_b,deaths_civilians,deaths_unknown,best,high,low,gwnoa,gwnob".split(",")
)
