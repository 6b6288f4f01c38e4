"""GTD's cross-field rules (reference/gtd.md, cited as §n), vectorised over a batch of string columns:
codes and their ``_txt`` labels, weapon subtypes under their types, region of the country, calendar
dates, alternative/resolution only with doubtterr/extended, coordinates and specificity; and, on kzevents'
own rows only (``dbsource`` kzevents), its conventions: eventid from the date in the reserved range,
two of crit1-crit3, approxdate, the summary's opening date, casualty parts, multiple/related.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from kzevents.arrays import FALSE, combinations, strings, whole
from kzevents.arrays import string as _S
from kzevents.formats import crosswalk
from kzevents.validation.columns import valid_ymd
from kzevents.validation.engine import Failure

# (code column, label column, code table, key in the table's entries or None)
_CODED = [
    *((f"attacktype{i}", f"attacktype{i}_txt", "attacktype", None) for i in (1, 2, 3)),
    *((f"targtype{i}", f"targtype{i}_txt", "targtype", None) for i in (1, 2, 3)),
    *((f"targsubtype{i}", f"targsubtype{i}_txt", "targsubtype", None) for i in (1, 2, 3)),
    *((f"natlty{i}", f"natlty{i}_txt", "country", None) for i in (1, 2, 3)),
    *((f"weaptype{i}", f"weaptype{i}_txt", "weaptype", None) for i in (1, 2, 3, 4)),
    *((f"weapsubtype{i}", f"weapsubtype{i}_txt", "weapsubtype", "label") for i in (1, 2, 3, 4)),
    ("claimmode", "claimmode_txt", "claimmode", None),
    ("claimmode2", "claimmode2_txt", "claimmode", None),
    ("claimmode3", "claimmode3_txt", "claimmode", None),
    ("alternative", "alternative_txt", "alternative", None),
    ("propextent", "propextent_txt", "propextent", None),
    ("hostkidoutcome", "hostkidoutcome_txt", "hostkidoutcome", None),
    ("country", "country_txt", "country", None),
    ("region", "region_txt", "region", None),
]


@functools.cache
def _gtd_tables() -> dict[str, Any]:
    cw = crosswalk.get("gtd")
    pairs: dict[str, tuple[list[str], list[str]]] = {}
    for table in {t for _, _, t, _ in _CODED}:
        key = next(k for _, _, t, k in _CODED if t == table)
        codes, allowed = [], []
        for code, entry in cw.maps[table].items():
            label = entry[key] if key else entry
            variants = cw.maps.get("txt_variants", {}).get(table, {}).get(code, [])
            codes.append(code)
            allowed += [f"{code}|{v}" for v in (label, *variants)]
        pairs[table] = (codes, allowed)
    parents = [f"{code}|{entry['weaptype']}" for code, entry in cw.maps["weapsubtype"].items()]
    regions = [f"{c}|{r}" for c, r in cw.maps["country_region"].items()]
    return {
        "pairs": pairs,
        "parents": (list(cw.maps["weapsubtype"]), parents),
        "regions": (list(cw.maps["country_region"]), regions),
        "id_base": int(cw.options["id_base"]),
    }


def _col(t: pa.Table, name: str) -> pa.Array:
    return whole(t.column(name)).cast(pa.string())


def _code(t: pa.Table, name: str) -> pa.Array:
    """A code column as canonical integer text ("07" and "7" are both 7; other text unchanged)."""
    return _code_values(_col(t, name))


def _code_values(col: pa.Array) -> pa.Array:
    is_int = pc.match_substring_regex(col, r"^-?[0-9]{1,18}$")
    as_int = pc.cast(pc.cast(pc.if_else(is_int, col, _S("0")), pa.int64()), pa.string())
    return pc.if_else(is_int, as_int, col)


def _blank(col: pa.Array) -> pa.Array:
    return pc.equal(col, _S(""))


def _pair(a: pa.Array, b: pa.Array) -> pa.Array:
    return pc.binary_join_element_wise(a, b, _S("|"))


def _in(col: pa.Array, values: list[str]) -> pa.Array:
    return pc.is_in(col, value_set=strings(tuple(values)))


def _by_combination(
    t: pa.Table, names: list[str], *fns: Callable[[list[pa.Array]], pa.Array]
) -> list[pa.Array]:
    """Each of ``fns`` (masks over the string values of the named columns) decided once per distinct
    combination of those columns and spread to the rows: GTD's coded columns repeat a few hundred values."""
    columns = []
    for name in names:
        col = whole(t.column(name))
        columns.append(col if pa.types.is_dictionary(col.type) else col.cast(pa.string()))
    values, rows = combinations(columns)
    values = [pc.fill_null(v.cast(pa.string()), _S("")) for v in values]
    return [pc.take(fn(values), rows) for fn in fns]


def _general_rules(t: pa.Table, names: set[str]) -> list[Failure]:
    """Rules every GTD row keeps, real GTD rows included."""
    tables = _gtd_tables()
    out: list[Failure] = []
    for code_col, txt_col, table, _ in _CODED:
        if not {code_col, txt_col} <= names:
            continue
        codes, allowed = tables["pairs"][table]

        def blank_differs(v: list[pa.Array]) -> pa.Array:
            return pc.not_equal(_blank(_code_values(v[0])), _blank(v[1]))

        def wrong_label(
            v: list[pa.Array], codes: list[str] = codes, allowed: list[str] = allowed
        ) -> pa.Array:
            code, txt = _code_values(v[0]), v[1]
            wrong = pc.and_(_in(code, codes), pc.invert(_in(_pair(code, txt), allowed)))
            return pc.and_(wrong, pc.invert(_blank(txt)))

        blank, wrong = _by_combination(t, [code_col, txt_col], blank_differs, wrong_label)
        out.append((blank, txt_col, "gtd-txt-blank", f"{txt_col} must be empty exactly when {code_col} is"))
        out.append((wrong, txt_col, "gtd-txt", f"{txt_col} is not the label of the code in {code_col}"))
    for i in (1, 2, 3, 4):
        sub, typ = f"weapsubtype{i}", f"weaptype{i}"
        if {sub, typ} <= names:
            codes, parents = tables["parents"]

            def not_parent(
                v: list[pa.Array], codes: list[str] = codes, parents: list[str] = parents
            ) -> pa.Array:
                s = _code_values(v[0])
                return pc.and_(_in(s, codes), pc.invert(_in(_pair(s, _code_values(v[1])), parents)))

            (wrong,) = _by_combination(t, [sub, typ], not_parent)
            out.append((wrong, sub, "gtd-weapsubtype", f"{sub} is not a subtype of {typ}"))
    if {"country", "region"} <= names:
        codes, regions = tables["regions"]

        def wrong_region(v: list[pa.Array]) -> pa.Array:
            c = _code_values(v[0])
            return pc.and_(_in(c, codes), pc.invert(_in(_pair(c, _code_values(v[1])), regions)))

        (wrong,) = _by_combination(t, ["country", "region"], wrong_region)
        out.append((wrong, "region", "gtd-region", "region is not the region of country"))
    if {"iyear", "imonth", "iday"} <= names:

        def not_a_date(v: list[pa.Array]) -> pa.Array:
            y, m, d = (_code_values(x) for x in v)
            ymd = pc.binary_join_element_wise(
                pc.utf8_lpad(y, 4, "0"), pc.utf8_lpad(m, 2, "0"), pc.utf8_lpad(d, 2, "0"), _S("-")
            )
            shaped = pc.match_substring_regex(ymd, r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
            day_known = pc.and_(shaped, pc.and_(pc.not_equal(m, _S("0")), pc.not_equal(d, _S("0"))))
            bad_day = pc.and_(day_known, pc.invert(valid_ymd(ymd, day_known)))
            day_without_month = pc.and_(shaped, pc.and_(pc.equal(m, _S("0")), pc.not_equal(d, _S("0"))))
            return pc.or_(bad_day, day_without_month)

        (wrong,) = _by_combination(t, ["iyear", "imonth", "iday"], not_a_date)
        out.append(
            (
                wrong,
                "iday",
                "gtd-date",
                "iyear/imonth/iday is not a calendar date (iday must be 0 when imonth is 0)",
            )
        )
    if {"alternative", "doubtterr"} <= names:
        (wrong,) = _by_combination(
            t,
            ["alternative", "doubtterr"],
            lambda v: pc.and_(pc.invert(_blank(v[0])), pc.not_equal(_code_values(v[1]), _S("1"))),
        )
        out.append((wrong, "alternative", "gtd-alternative", "alternative is only given when doubtterr is 1"))
    if {"resolution", "extended"} <= names:
        (wrong,) = _by_combination(
            t,
            ["resolution", "extended"],
            lambda v: pc.and_(pc.invert(_blank(v[0])), pc.not_equal(_code_values(v[1]), _S("1"))),
        )
        out.append((wrong, "resolution", "gtd-resolution", "resolution is only given when extended is 1"))
    if "resolution" in names:
        res = _col(t, "resolution")
        iso = pc.fill_null(pc.match_substring_regex(res, r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"), FALSE)
        not_a_date = pc.and_(pc.invert(_blank(res)), pc.invert(pc.and_(iso, valid_ymd(res, iso))))
        out.append((not_a_date, "resolution", "gtd-resolution-date", "resolution is not a date (YYYY-MM-DD)"))
    if {"latitude", "longitude"} <= names:
        lat, lon = _blank(_col(t, "latitude")), _blank(_col(t, "longitude"))
        out.append(
            (pc.not_equal(lat, lon), "longitude", "gtd-coordinates", "latitude and longitude go together")
        )
        if "specificity" in names:
            (five,) = _by_combination(t, ["specificity"], lambda v: pc.equal(_code_values(v[0]), _S("5")))
            wrong = pc.and_(five, pc.invert(lat))
            out.append((wrong, "latitude", "gtd-specificity", "coordinates are blank when specificity is 5"))
    return out


def _kzevents_rules(t: pa.Table, names: set[str], ours: pa.Array) -> list[Failure]:
    """kzevents' own conventions, checked on rows with dbsource "kzevents" only: real GTD rows may differ
    (their eventid can disagree with a corrected date, gtd.md §4)."""
    out: list[Failure] = []

    def add(mask: pa.Array, column: str, code: str, message: str) -> None:
        out.append((pc.and_(ours, pc.fill_null(mask, True)), column, code, message))

    if {"eventid", "iyear", "imonth", "iday"} <= names:
        eid = _col(t, "eventid")
        date = pc.binary_join_element_wise(
            pc.utf8_lpad(_code(t, "iyear"), 4, "0"),
            pc.utf8_lpad(_code(t, "imonth"), 2, "0"),
            pc.utf8_lpad(_code(t, "iday"), 2, "0"),
            "",
        )
        add(
            pc.not_equal(pc.utf8_slice_codeunits(eid, 0, 8), date),
            "eventid",
            "gtd-eventid-date",
            "eventid does not start with the date yyyymmdd of iyear/imonth/iday",
        )
        seq = pc.utf8_slice_codeunits(eid, 8, 12)
        shaped = pc.match_substring_regex(seq, r"^[0-9]{4}$")
        seq_n = pc.cast(pc.if_else(shaped, seq, "0"), pa.int64())
        base = _gtd_tables()["id_base"]
        add(
            pc.or_(pc.invert(shaped), pc.less_equal(seq_n, base)),
            "eventid",
            "gtd-eventid-range",
            f"eventid sequence is outside kzevents' reserved range {base + 1:04d}-9999",
        )
    if {"crit1", "crit2", "crit3"} <= names:
        met = [pc.cast(pc.equal(_code(t, c), "1"), pa.int64()) for c in ("crit1", "crit2", "crit3")]
        total = pc.add(pc.add(met[0], met[1]), met[2])
        add(pc.less(total, 2), "crit1", "gtd-criteria", "fewer than two of crit1-crit3 are met (gtd.md §6)")
    if {"doubtterr", "alternative"} <= names:
        add(
            pc.and_(pc.equal(_code(t, "doubtterr"), "1"), _blank(_col(t, "alternative"))),
            "alternative",
            "gtd-doubt",
            "doubtterr is 1 but no alternative is given",
        )
    if {"extended", "resolution", "iyear", "imonth", "iday"} <= names:
        res = _col(t, "resolution")
        iso = pc.match_substring_regex(res, r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
        start = pc.binary_join_element_wise(
            pc.utf8_lpad(_code(t, "iyear"), 4, "0"),
            pc.utf8_lpad(_code(t, "imonth"), 2, "0"),
            pc.utf8_lpad(_code(t, "iday"), 2, "0"),
            "-",
        )
        real = pc.and_(iso, valid_ymd(res, iso))  # (a resolution that is no date is a general rule's)
        wrong = pc.or_(_blank(res), pc.and_(real, pc.less_equal(res, start)))
        add(
            pc.and_(pc.equal(_code(t, "extended"), "1"), wrong),
            "resolution",
            "gtd-extended",
            "an extended incident needs its end date (YYYY-MM-DD, after the start) in resolution",
        )
    if {"imonth", "iday", "approxdate"} <= names:
        unknown = pc.or_(pc.equal(_code(t, "imonth"), "0"), pc.equal(_code(t, "iday"), "0"))
        add(
            pc.and_(unknown, _blank(_col(t, "approxdate"))),
            "approxdate",
            "gtd-approxdate",
            "approxdate is needed when imonth or iday is 0",
        )
    if {"summary", "iyear", "imonth", "iday"} <= names:
        date = pc.binary_join_element_wise(_code(t, "imonth"), _code(t, "iday"), _code(t, "iyear"), "/")
        found = pc.struct_field(
            pc.extract_regex(_col(t, "summary"), r"^(?P<d>[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}): "), [0]
        )
        add(
            pc.invert(pc.fill_null(pc.equal(found, date), False)),
            "summary",
            "gtd-summary",
            "summary does not open with the date as month/day/year and a colon (gtd.md §13)",
        )
    for part, total in (("nkillter", "nkill"), ("nwoundte", "nwound")):
        if {part, total} <= names:
            a, b = _code(t, part), _code(t, total)
            both = pc.and_(pc.match_substring_regex(a, r"^[0-9]+$"), pc.match_substring_regex(b, r"^[0-9]+$"))
            bigger = pc.greater(
                pc.cast(pc.if_else(both, a, "0"), pa.int64()), pc.cast(pc.if_else(both, b, "0"), pa.int64())
            )
            add(pc.and_(both, bigger), part, "gtd-casualties", f"{part} is more than {total}")
    if {"multiple", "related"} <= names:
        related = _col(t, "related")
        add(
            pc.not_equal(pc.equal(_code(t, "multiple"), "1"), pc.invert(_blank(related))),
            "multiple",
            "gtd-multiple",
            "multiple is 1 exactly when related lists other incidents",
        )
        add(
            pc.and_(
                pc.invert(_blank(related)),
                pc.invert(pc.match_substring_regex(related, r"^[0-9]{12}(, [0-9]{12})*$")),
            ),
            "related",
            "gtd-related",
            "related is a list of 12-digit eventids separated by ', '",
        )
    return out


def gtd_rules(t: pa.Table) -> list[Failure]:
    names = set(t.column_names)
    out = _general_rules(t, names)
    if "dbsource" in names:
        ours = pc.equal(_col(t, "dbsource"), _S("kzevents"))
        if pc.any(ours).as_py():
            out += _kzevents_rules(t, names, ours)
    return out
