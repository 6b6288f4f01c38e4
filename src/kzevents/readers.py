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
import pyarrow as pa
import pyarrow.compute as pc

from kzevents import canonical
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


@attrs.frozen
class Layout:
    format: str
    name: str
    columns: tuple[str, ...]
    description: str
    encoding: str = "utf-8"


def _layouts() -> list[Layout]:
    from kzevents import crosswalk

    out = [
        Layout("acled", "acled-current", tuple(ACLED_CURRENT), "ACLED, current 31 columns (2023-)"),
        Layout("acled", "acled-pre2023", tuple(ACLED_PRE2023), "ACLED, pre-2023 (data_id, iso3)"),
        Layout("acled", "acled-2016", tuple(ACLED_2016), "ACLED, 2016 era (ally_actor_*, gwno)"),
        Layout("acled", "acled-monadic", tuple(ACLED_MONADIC), "ACLED, monadic (one actor per row)"),
    ]
    if "gtd" in crosswalk.available():
        cw = crosswalk.get("gtd")
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
    best = min(candidates, key=lambda lay: len(set(lay.columns) ^ names))
    missing = [c for c in best.columns if c not in names]
    extra = sorted(names - set(best.columns))
    expected = "; ".join(f"{lay.name} ({len(lay.columns)} columns)" for lay in candidates)
    msg = f"header matches no known layout (expected one of: {expected}); closest is {best.name}"
    if missing:
        msg += f", missing {', '.join(missing[:10])}"
    if extra:
        msg += f", unexpected {', '.join(extra[:10])}"
    raise DataError([Problem("unknown-layout", msg, file, row=0, value=",".join(header)[:300])])


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
    return t.column(name).combine_chunks()


def _null_if_empty(a: pa.Array) -> pa.Array:
    """Empty cells are read as nulls already (strings_can_be_null); this only makes it explicit."""
    return a


def _split(a: pa.Array, sep: str) -> pa.Array:
    a = _null_if_empty(a)
    return pc.split_pattern(a, sep)


def _dict(a: pa.Array) -> pa.Array:
    return pc.dictionary_encode(a.cast(pa.string()))


class _Issues:
    """Problems found while normalising one batch (bad numbers, impossible dates)."""

    def __init__(self, file: str, offset: int) -> None:
        self.file, self.offset = file, offset
        self.problems: list[Problem] = []

    def check(self, bad: pa.Array, col: pa.Array, column: str, message: str) -> None:
        bad = pc.fill_null(bad, False)
        if not pc.any(bad).as_py():
            return
        idx = pc.indices_nonzero(bad).to_pylist()
        values = pc.take(col, pa.array(idx[:20], pa.int64())).to_pylist()
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
    """Cast a string column to integers; ``missing`` strings become null, anything else non-numeric is a
    problem."""
    typ = typ or pa.int32()
    is_missing = pc.is_in(a, value_set=pa.array(list(missing), pa.string()))
    ok = pc.match_substring_regex(a, r"^\s*-?[0-9]{1,9}\s*$")
    issues.check(pc.and_(pc.invert(is_missing), pc.invert(ok)), a, column, "not an integer")
    clean = pc.if_else(
        pc.and_(ok, pc.invert(is_missing)), pc.utf8_trim_whitespace(a), pa.scalar(None, pa.string())
    )
    return pc.cast(clean, typ)


def to_float(a: pa.Array, column: str, issues: _Issues, lo: float, hi: float) -> pa.Array:
    empty = pc.equal(a, "")
    ok = pc.match_substring_regex(a, r"^\s*-?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?\s*$")
    issues.check(pc.and_(pc.invert(empty), pc.invert(ok)), a, column, "not a number")
    v = pc.cast(pc.if_else(ok, pc.utf8_trim_whitespace(a), pa.scalar(None, pa.string())), pa.float64())
    issues.check(pc.or_(pc.less(v, lo), pc.greater(v, hi)), a, column, f"outside [{lo}, {hi}]")
    return pc.if_else(pc.or_(pc.less(v, lo), pc.greater(v, hi)), pa.scalar(None, pa.float64()), v)


def parse_dates(a: pa.Array, column: str, issues: _Issues, counts: Counter[str]) -> pa.Array:
    """Dates as ``2025-04-01``, ``2025-04-01 00:00:00.000``, ``21 March 2020`` or ``5-Aug-24`` → date32.

    A file has few distinct dates, so each distinct string is parsed once and the result spread by index.
    """
    enc = pc.dictionary_encode(a)
    values, indices = enc.dictionary, enc.indices
    parsed_values, done_values, labels = _parse_date_values(values)
    result = pc.take(parsed_values, indices)
    done = pc.fill_null(pc.take(done_values, indices), False)
    for label, mask in labels.items():
        counts[label] += pc.sum(pc.cast(pc.take(mask, indices), pa.int64())).as_py() or 0
    issues.check(pc.invert(done), a, column, "not a date (YYYY-MM-DD, 'D Month YYYY' or 'D-Mon-YY')")
    return result


def _parse_date_values(a: pa.Array) -> tuple[pa.Array, pa.Array, dict[str, pa.Array]]:
    a = pc.utf8_trim_whitespace(a)
    iso_re = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}( 00:00:00(\.0+)?)?$"
    iso_shape = pc.fill_null(pc.match_substring_regex(a, iso_re), False)
    iso = pc.utf8_slice_codeunits(a, 0, 10)
    iso_ok = pc.and_(iso_shape, valid_ymd(iso, iso_shape))
    result = pc.cast(
        pc.strptime(
            pc.if_else(iso_ok, iso, pa.scalar(None, pa.string())),
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
        shaped = pc.fill_null(pc.and_(pc.invert(done), pc.match_substring_regex(a, regex)), False)
        if not pc.any(shaped).as_py():
            continue
        parsed = pc.strptime(
            pc.if_else(shaped, a, pa.scalar(None, pa.string())), format=fmt, unit="s", error_is_null=True
        )
        # strptime rolls 31 February over into March: the day must survive the round trip
        day = pc.cast(pc.extract_regex(a, r"^(?P<d>[0-9]{1,2})").field("d"), pa.int64())
        good = pc.fill_null(pc.and_(shaped, pc.equal(pc.day(parsed), day)), False)
        result = pc.if_else(good, pc.cast(parsed, pa.date32()), result)
        labels[label] = good
        done = pc.or_(done, good)
    return result, done, labels


# --- ACLED ----------------------------------------------------------------------------------------------


@functools.cache
def _acled_tables() -> dict[str, Any]:
    from kzevents import crosswalk

    cw = crosswalk.get("acled")
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
    numeric = pc.match_substring_regex(a, r"^[1-8]$")
    if pc.any(numeric).as_py():
        counts["numeric actor types translated to text"] += pc.sum(pc.cast(numeric, pa.int64())).as_py() or 0
        keys = pa.array([str(k) for k in labels], pa.string())
        idx = pc.index_in(a, value_set=keys)
        text = pc.take(pa.array(list(labels.values()), pa.string()), idx)
        a = pc.if_else(numeric, text, a)
    return pc.if_else(pc.equal(a, "0"), pa.scalar(None, pa.string()), a)


def acled_to_canonical(t: pa.Table, layout: Layout, issues: _Issues, counts: Counter[str]) -> pa.Table:
    n = t.num_rows
    date = parse_dates(_s(t, "event_date"), "event_date", issues, counts)
    assoc1 = "ally_actor_1" if layout.name == "acled-2016" else "assoc_actor_1"
    assoc2 = "ally_actor_2" if layout.name == "acled-2016" else "assoc_actor_2"
    fatal = to_int(_s(t, "fatalities"), "fatalities", issues)
    issues.check(pc.less(fatal, 0), _s(t, "fatalities"), "fatalities", "negative fatalities")
    et, sub = _s(t, "event_type"), _s(t, "sub_event_type")
    a1_type = _actor_type(_s(t, "inter1"), counts)
    ours = _ours_from_acled(et, sub, a1_type)
    time_prec = pc.index_in(_s(t, "time_precision"), value_set=pa.array(["1", "2", "3"]))
    geo_prec = pc.index_in(_s(t, "geo_precision"), value_set=pa.array(["1", "2", "3"]))
    issues.check(
        pc.is_null(time_prec), _s(t, "time_precision"), "time_precision", "not a time precision (1-3)"
    )
    issues.check(pc.is_null(geo_prec), _s(t, "geo_precision"), "geo_precision", "not a geo precision (1-3)")
    for column in ("inter1", "inter2"):
        if column in t.column_names:
            known = pa.array(
                [*(str(i) for i in range(9)), "", *_acled_tables()["labels"].values()], pa.string()
            )
            bad = pc.and_(pc.is_valid(_s(t, column)), pc.invert(pc.is_in(_s(t, column), value_set=known)))
            issues.check(bad, _s(t, column), column, "not an ACLED actor type")
    iso3 = _iso3(t, layout)
    cols: dict[str, pa.Array] = {
        "event_id": _s(t, "event_id_cnty"),
        "dataset": pa.array(["acled"] * n, pa.string()),
        "event_date": date,
        "event_date_end": date,
        "date_precision": pc.take(pa.array(["day", "week", "month"]), time_prec),
        "event_type": ours,
        "native_event_type": _null_if_empty(et),
        "native_sub_event_type": _null_if_empty(sub),
        "summary": _null_if_empty(_s(t, "notes")),
        "country_iso3": iso3,
        "country": _null_if_empty(_s(t, "country")),
        "admin1_code": _kz_admin1(_s(t, "admin1"), iso3),
        "admin1": _null_if_empty(_s(t, "admin1")),
        "admin2": _null_if_empty(_s(t, "admin2")),
        "location": _null_if_empty(_s(t, "location")),
        "latitude": to_float(_s(t, "latitude"), "latitude", issues, -90, 90),
        "longitude": to_float(_s(t, "longitude"), "longitude", issues, -180, 180),
        "geo_precision": pc.take(pa.array(["town", "near_town", "region"]), geo_prec),
        "actor1": _null_if_empty(_s(t, "actor1")),
        "actor1_type": a1_type,
        "assoc_actor_1": _split(_s(t, assoc1), "; "),
        "actor2": _null_if_empty(_s(t, "actor2")),
        "actor2_type": _actor_type(_s(t, "inter2"), counts),
        "assoc_actor_2": _split(_s(t, assoc2), "; "),
        "fatalities_low": fatal,
        "fatalities_best": fatal,
        "fatalities_high": fatal,
        "source_names": _split(_s(t, "source"), "; "),
        "source_scale": _null_if_empty(_s(t, "source_scale")),
    }
    return _assemble(cols, n)


def _ours_from_acled(et: pa.Array, sub: pa.Array, a1_type: pa.Array) -> pa.Array:
    inverse: dict[str, str] = _acled_tables()["inverse"]
    joined = pc.binary_join_element_wise(et, sub, "|")
    idx = pc.index_in(joined, value_set=pa.array(list(inverse), pa.string()))
    mapped = pc.take(pa.array(list(inverse.values()), pa.string()), idx)
    battles = pc.equal(joined, "Battles|Armed clash")
    by_state = pc.fill_null(pc.equal(a1_type, "State forces"), False)
    battle_kind = pc.if_else(by_state, "security_operation", "armed_attack")
    return pc.if_else(battles, battle_kind, mapped)


@functools.cache
def _iso_numeric_to_alpha3() -> dict[str, str]:
    import pycountry

    return {str(int(c.numeric)): c.alpha_3 for c in pycountry.countries}


def _iso3(t: pa.Table, layout: Layout) -> pa.Array:
    if "iso3" in t.column_names:
        return _null_if_empty(_s(t, "iso3"))
    if "iso" in t.column_names:
        table = _iso_numeric_to_alpha3()
        keys = pa.array(list(table), pa.string())
        return pc.take(
            pa.array(list(table.values()), pa.string()),
            pc.index_in(pc.utf8_ltrim(_s(t, "iso"), "0"), value_set=keys),
        )
    import pycountry

    names = pc.unique(_s(t, "country")).to_pylist()
    found = {n: c.alpha_3 for n in names if n and (c := pycountry.countries.get(name=n)) is not None}
    keys = pa.array(list(found), pa.string())
    return pc.take(pa.array(list(found.values()), pa.string()), pc.index_in(_s(t, "country"), value_set=keys))


def _kz_admin1(admin1: pa.Array, iso3: pa.Array) -> pa.Array:
    """ISO 3166-2:KZ code for Kazakhstan rows, through the explicit ACLED spelling table (never by name)."""
    from kzevents.admin import units

    table = {u["acled"]: code for code, u in units().items()}
    codes = pc.take(
        pa.array(list(table.values()), pa.string()),
        pc.index_in(admin1, value_set=pa.array(list(table), pa.string())),
    )
    return pc.if_else(pc.fill_null(pc.equal(iso3, "KAZ"), False), codes, pa.scalar(None, pa.string()))


def _assemble(cols: dict[str, pa.Array], n: int) -> pa.Table:
    schema = canonical.schema()
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
    ids = t.column("event_id").combine_chunks()
    idx = pa.array(range(t.num_rows), pa.int64())
    keyed = pa.table({"event_id": ids, "i": idx})
    first = keyed.group_by("event_id", use_threads=False).aggregate([("i", "min"), ("i", "count")])
    order = pc.sort_indices(first.column("i_min"))
    first = first.take(order)
    first_idx = first.column("i_min").combine_chunks()
    out = t.take(first_idx)
    # the second row of each event (if any) supplies actor2
    is_first = pc.is_in(idx, value_set=first_idx)
    rest = keyed.filter(pc.invert(is_first))
    if rest.num_rows:
        second = rest.group_by("event_id", use_threads=False).aggregate([("i", "min")])
        pos = pc.index_in(out.column("event_id"), value_set=second.column("event_id").combine_chunks())
        src = pc.take(second.column("i_min").combine_chunks(), pos)
        has = pc.is_valid(src)
        taken = t.take(pc.fill_null(src, 0))
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
        if bad_at is None and len(head) == 1 << 20:
            bad_at = _first_bad_utf8(path)
    text = head.decode("utf-8" if bad_at is None else "latin-1", errors="replace")
    first = text.lstrip("\ufeff").splitlines()[0] if text.strip() else ""
    header = next(csv.reader([first]))
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
        is_gtd = "eventid" in header and "gname" in header
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
    import codecs

    decoder = codecs.getincrementaldecoder("utf-8")()
    pos = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 22):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                return pos + exc.start
            pos += len(chunk)
    return None


def iter_read(
    path: str | Path,
    fmt: str | None = None,
    batch_bytes: int = 1 << 22,
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
    names = [h if h else f"_unnamed{i}" for i, h in enumerate(header)]
    try:
        reader = pacsv.open_csv(
            str(p),
            read_options=pacsv.ReadOptions(
                encoding=encoding, block_size=batch_bytes, skip_rows=1, column_names=names
            ),
            parse_options=pacsv.ParseOptions(newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                column_types={c: pa.string() for c in names},
                strings_can_be_null=True,
                quoted_strings_can_be_null=True,
            ),
        )
    except pa.ArrowInvalid as exc:
        raise DataError([Problem("csv", f"cannot parse CSV: {exc}", str(p), row=1)]) from None
    normalise = _normaliser(layout)
    row_bytes = _estimate_row_bytes(p) if progress is not None else 0.0

    def work(batch: pa.RecordBatch, start: int) -> tuple[pa.Table, _Issues, Counter[str]]:
        issues, counts = _Issues(str(p), start), Counter[str]()
        return normalise(pa.Table.from_batches([batch]), layout, issues, counts), issues, counts

    def batches() -> Iterator[pa.RecordBatch]:
        while True:
            try:
                yield reader.read_next_batch()
            except StopIteration:
                return
            except pa.ArrowInvalid as exc:
                from kzevents.validation import locate_csv_error

                raise DataError([locate_csv_error(p, encoding, len(header), str(exc))]) from None

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

        for batch in batches():
            futures.append(pool.submit(work, batch, offset))
            offset += batch.num_rows
            report.rows_in += batch.num_rows
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
        header, _, _ = sniff(Path(src))
        layout = detect_layout(header, str(src), format)
        schema = canonical.schema({"source_file": Path(src).name, "layout": layout.name})
        # dictionary pages only for the dictionary columns: free text (notes, ids) would be tried and dropped
        dict_columns = [f.name for f in schema if pa.types.is_dictionary(f.type)]
        with (
            pq.ParquetWriter(tmp, schema, compression="zstd", use_dictionary=dict_columns) as writer,
            ThreadPoolExecutor(1) as io_pool,
        ):
            # the writer runs on its own thread while the next batches are read and normalised
            writes: deque[Future[None]] = deque()
            for t in iter_read(src, format, report=report, progress=progress):
                writes.append(io_pool.submit(writer.write_table, t.replace_schema_metadata(schema.metadata)))
                while len(writes) > 2:
                    writes.popleft().result()
            while writes:
                writes.popleft().result()
        os.replace(tmp, dest)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return report
