"""GTD's layout: the 135 columns of ``exporters/gtd.toml`` (reference/gtd.md §3), Latin-1 like GTD's own
file or UTF-8; the columns the reader decodes and those checked as dictionaries."""

from __future__ import annotations

from kzevents.formats import crosswalk
from kzevents.formats.plugin import Layout

_CW = crosswalk.get("gtd")
LAYOUTS = (Layout("gtd", "gtd", tuple(_CW.header), _CW.title, _CW.encoding),)


def may_be_latin1(header: list[str]) -> bool:
    """GTD's own CSV is Latin-1: a GTD header (eventid and gname) allows it."""
    return "eventid" in header and "gname" in header


# the columns gtd_to_canonical reads; 110 of GTD's 135 columns have no canonical column and are not decoded
READ_COLUMNS = frozenset(
    "eventid,iyear,imonth,iday,extended,resolution,country_txt,provstate,city,location,latitude,longitude,"
    "specificity,summary,suicide,attacktype1_txt,targtype1_txt,corp1,gname,weaptype1_txt,nkill,nwound,"
    "scite1,scite2,scite3".split(",")
)
# columns with few distinct values, validated as dictionaries (their rules run once per distinct value)
CHECK_CODED = frozenset(
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
)
