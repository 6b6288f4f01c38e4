"""Named crosswalk functions and cross-field rules for the GTD format (``exporters/gtd.toml``).

Facts come from ../shared/reference/gtd.md (cited as §n below): §3 the columns, §4 eventid and dates, §5
missing values, §6 inclusion criteria, §7 location, §8-10 attack, target and weapon codes, §11 perpetrators,
§12 casualties, §13 text fields.

One canonical incident becomes at most one GTD row: GTD's single-incident rule (§6) is already applied by
the curated data, which keeps discontinuous events apart (the two Atyrau blasts of 31 October 2011 are two
incidents). The expander :func:`gtd_incident` works out every derived value of a row once and stores it in
fields starting with ``_gtd_``; the columns of the crosswalk read those fields and turn codes into labels
through the code tables kept in the crosswalk. :func:`gtd_include` says why an incident is left out.

Some values need more than one canonical row: ``related`` lists the eventids of the other incidents of a
set, which depend on those incidents' dates and on whether they are exported at all. :func:`gtd_prepare`
computes them over the whole table; until the crosswalk engine runs such a whole-table step, the expander
falls back to the shipped dataset when (and only when) the row is one of its incidents.
"""

from __future__ import annotations

import datetime as dt
import functools
import unicodedata
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.compute as pc

from kzevents import admin, crosswalk
from kzevents._arrow import combinations, strings, whole
from kzevents._arrow import string as _S
from kzevents.crosswalk import Crosswalk, Row, expand, include, prepare
from kzevents.errors import KzeventsError
from kzevents.validation import cross_rule, valid_ymd

if TYPE_CHECKING:  # pragma: no cover
    pass

Failure = tuple[pa.Array, str, str, str]

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

# --- text --------------------------------------------------------------------------------------------

# Typographic characters that GTD's own Latin-1 file cannot hold, written as their ASCII forms so that the
# export can always be encoded as Latin-1 (reference/gtd.md §2). Anything else outside Latin-1 (Cyrillic,
# Arabic...) is kept: the UTF-8 export holds it, and a Latin-1 export fails with a DataError naming the
# character, rather than silently losing it.
_TYPOGRAPHY = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u2026": "...",
        "\u2022": "-",
        "\u2002": " ",
        "\u2003": " ",
        "\u2007": " ",
        "\u2009": " ",
        "\u202f": " ",
        "\u200b": "",
        "\ufeff": "",
    }
)


def gtd_text(value: Any) -> str | None:
    """A free-text cell: NFC, typographic punctuation as ASCII, whitespace (newlines too) collapsed.

    >>> gtd_text("“Two blasts” – Atyrau\\n")
    '"Two blasts" - Atyrau'
    """
    if value is None:
        return None
    text = " ".join(unicodedata.normalize("NFC", str(value)).translate(_TYPOGRAPHY).split())
    return text or None


# --- dates (§4) --------------------------------------------------------------------------------------


def _span(row: Row) -> tuple[dt.date, dt.date, str]:
    start: dt.date = row["event_date"]
    end: dt.date = row.get("event_date_end") or start
    return start, end, row.get("date_precision") or "day"


def gtd_date(row: Row) -> tuple[int, int, int]:
    """``iyear``, ``imonth``, ``iday``: the start date; 0 for what is not known (§4).

    A date known to the day, or to a span of a few days or a week, keeps its (first) day, with the span in
    ``approxdate``; a date known to the month has ``iday`` 0; an approximate date has ``iday`` 0 and also
    ``imonth`` 0 when its span crosses a month boundary.
    """
    start, end, precision = _span(row)
    if precision == "month":
        return start.year, start.month, 0
    if precision == "approximate":
        same_month = (start.year, start.month) == (end.year, end.month)
        return start.year, start.month if same_month else 0, 0
    return start.year, start.month, start.day


def _day_text(d: dt.date, year: bool = True) -> str:
    return f"{MONTHS[d.month - 1]} {d.day}, {d.year}" if year else f"{MONTHS[d.month - 1]} {d.day}"


def day_range_text(start: dt.date, end: dt.date) -> str:
    """``May 24, 2011``, ``May 24-25, 2011``, ``June 28-July 2, 2011``,
    ``December 30, 2011-January 2, 2012``."""
    if start == end:
        return _day_text(start)
    if start.year != end.year:
        return f"{_day_text(start)}-{_day_text(end)}"
    if start.month != end.month:
        return f"{_day_text(start, year=False)}-{_day_text(end)}"
    return f"{MONTHS[start.month - 1]} {start.day}-{end.day}, {start.year}"


def month_range_text(start: dt.date, end: dt.date) -> str:
    """``May 2011``, ``May-June 2011``, ``December 2011-January 2012``."""
    if (start.year, start.month) == (end.year, end.month):
        return f"{MONTHS[start.month - 1]} {start.year}"
    if start.year == end.year:
        return f"{MONTHS[start.month - 1]}-{MONTHS[end.month - 1]} {start.year}"
    return f"{MONTHS[start.month - 1]} {start.year}-{MONTHS[end.month - 1]} {end.year}"


def gtd_approxdate(row: Row) -> str | None:
    """``approxdate``: empty for a date known to the day, else the span in words (§4: "June 1978")."""
    start, end, precision = _span(row)
    if precision == "day":
        return None
    if precision == "month":
        return month_range_text(start, end)
    if precision == "approximate":
        return f"about {day_range_text(start, end)}"
    return day_range_text(start, end)  # days, week: the window the date lies in


def gtd_extended(row: Row) -> bool:
    """``extended`` (§4): the incident lasted more than 24 hours. Only a date known to the day can say so; an
    incident that runs over two or more calendar days (``date.end`` after ``date.start``) is counted as
    extended. For the other precisions start..end is the window the date lies in, not a duration."""
    start, end, precision = _span(row)
    return precision == "day" and end > start


def gtd_eventid(row: Row, cw: Crosswalk) -> int:
    """``yyyymmdd`` of the (start) date, ``00`` for an unknown month or day (§4), then ``id_base`` + the
    kzevents incident number: KZE-0012 on 17 May 2011 is 201105179012.

    GTD numbers each date's incidents from 0001 (§4); ``id_base`` (9000) puts kzevents far above any day's
    count, so our ids can never be a real GTD id, and the number comes from the incident's identifier, so
    it does not depend on which other incidents are exported or in which order.
    """
    from kzevents.derive import incident_number

    base = int(cw.options["id_base"])
    try:
        n = incident_number(str(row["event_id"]))
    except (ValueError, IndexError):
        raise KzeventsError(
            f"cannot derive a GTD eventid from event_id {row['event_id']!r} (expected KZE-NNNN)"
        ) from None
    seq = base + n
    if not (base < seq <= 9999 and n > 0):
        raise KzeventsError(
            f"incident {row['event_id']}: GTD sequence {seq} is outside kzevents' reserved range "
            f"{base + 1:04d}-9999 (incident numbers 1-{9999 - base})"
        )
    y, m, d = gtd_date(row)
    return int(f"{y:04d}{m:02d}{d:02d}{seq:04d}")


# --- perpetrators, targets, weapons ------------------------------------------------------------------


def _entry(cw: Crosswalk, table: str, key: Any) -> dict[str, Any]:
    value = cw.maps.get(table, {}).get(str(key))
    return value if isinstance(value, dict) else {}


def perpetrator(row: Row, cw: Crosswalk) -> dict[str, Any]:
    """What GTD needs to know about actor1: its kind (state / non_state / civilian), whether it is a named
    non-state group, whether it is unidentified, whether it acted as an individual."""
    name = row.get("actor1") or ""
    entry = _entry(cw, "actor_kind", row.get("actor1_type"))
    kind = row.get("actor1_kind") or entry.get("kind")
    unidentified = not name or any(name.startswith(p) for p in cw.options["unidentified_prefixes"])
    return {
        "name": name,
        "kind": kind,
        "unidentified": unidentified,
        "named_group": kind == "non_state" and bool(entry.get("group")) and not unidentified,
        "individual": kind == "civilian" or bool(entry.get("individual")),
    }


def _targets(row: Row) -> list[str]:
    names = [t for t in row.get("targets") or [] if t]
    real = [t for t in names if t != "none"]
    return real or ["none"]


def _weapons(row: Row, event: dict[str, Any]) -> list[str]:
    names = list(dict.fromkeys(w for w in row.get("weapons") or [] if w))
    known = [w for w in names if w != "unknown"]
    names = known or ["unknown"]
    main = event.get("main_weapon")
    if main in names:  # the weapon that gives the attack its type comes first
        names = [main] + [w for w in names if w != main]
    return names[:4]


def criteria(row: Row, cw: Crosswalk) -> tuple[tuple[int, int, int], list[str]]:
    """``crit1``-``crit3`` (§6) from what the incident records, and the reason for each value.

    - crit1, a political, economic, religious or social goal: met when a named non-state group carried out
      the attack (a group's violence serves the group's aims), or when the targets are the state (police,
      military, officials: violence against the state's agents outside any criminal context aims at the
      state). Unidentified men killing civilians give no such indication (pure profit or a personal motive
      would not count), so 0.
    - crit2, intent to coerce, intimidate or send a message to an audience larger than the victims: met for
      a named group, for attacks on the state, and for bombings (an explosion in a public place speaks to
      everyone around it). Otherwise no indication, 0.
    - crit3, outside legitimate warfare: there was no armed conflict in Kazakhstan in 2011-2012
      (``armed_conflict = false`` in the crosswalk options), so no attack there falls under international
      humanitarian law; attacks on civilians are outside it in any case.
    """
    perp = perpetrator(row, cw)
    targets = [_entry(cw, "target", t) for t in _targets(row)]
    state_target = any(t.get("state") for t in targets)
    civilian_target = any(t.get("civilian") for t in targets)
    event = _entry(cw, "event", row.get("event_type"))
    explosives = "explosives" in (row.get("weapons") or []) or event.get("attacktype") == 3
    crit1 = perp["named_group"] or state_target
    crit2 = perp["named_group"] or state_target or explosives
    crit3 = not cw.options["armed_conflict"] or civilian_target
    if crit1:
        why1 = "crit1 met: " + (
            "a named non-state group" if perp["named_group"] else "the targets are the state"
        )
    else:
        why1 = (
            "crit1 not met: unidentified perpetrators and no state target, so no political, economic, "
            "religious or social goal is indicated"
        )
    if crit2:
        by = "a named non-state group" if perp["named_group"] else "an attack on the state"
        why2 = "crit2 met: " + (by if perp["named_group"] or state_target else "a bombing")
    else:
        why2 = (
            "crit2 not met: no named group, no state target and no explosives, so no intent to coerce or "
            "intimidate a wider audience is indicated"
        )
    if crit3:
        why3 = "crit3 met: " + (
            "no armed conflict, so outside legitimate warfare"
            if not cw.options["armed_conflict"]
            else "civilian targets"
        )
    else:
        why3 = "crit3 not met: within an armed conflict, against a non-civilian target"
    why = [why1, why2, why3]
    return (int(crit1), int(crit2), int(crit3)), why


# --- inclusion (§6) ----------------------------------------------------------------------------------


def exclusion_reason(row: Row, cw: Crosswalk) -> str | None:
    """Why GTD's inclusion rules leave the incident out (None when they admit it)."""
    if row.get("dataset") != "kzevents":
        return (
            f"a {row.get('dataset')} record, not a kzevents incident: the GTD layout is written for "
            "kzevents' own incidents only (gtd.md §1)"
        )
    etype = row.get("event_type")
    if etype is None:
        return "no kzevents event type, so no GTD attack type can be given"
    event = _entry(cw, "event", etype)
    if not event:
        return f"event type {etype!r} has no entry in the GTD crosswalk (exporters/gtd.toml, maps.event)"
    if "exclude" in event:
        return str(event["exclude"])
    iso3 = row.get("country_iso3")
    if str(iso3) not in cw.maps["country_code"]:
        return f"country {iso3!r} has no GTD country code in the crosswalk (exporters/gtd.toml)"
    perp = perpetrator(row, cw)
    if not row.get("actor1"):
        return "no perpetrator (actor1) is recorded; GTD needs a non-state perpetrator (gtd.md §6)"
    if perp["kind"] is None:
        return (
            f"the perpetrator's actor type {row.get('actor1_type')!r} is unknown, so it cannot be shown "
            "to be non-state (gtd.md §6)"
        )
    if perp["kind"] == "state":
        return (
            f"the perpetrator, {perp['name']} ({row.get('actor1_type')}), is a state actor; GTD excludes "
            "acts of state actors (gtd.md §6, inclusion criterion 3)"
        )
    (c1, c2, c3), why = criteria(row, cw)
    if c1 + c2 + c3 < 2:
        return (
            f"meets {c1 + c2 + c3} of GTD's criteria crit1-crit3, GTD needs at least two (gtd.md §6): "
            + "; ".join(why)
        )
    return None


@include("gtd_include")
def gtd_include(row: Row, cw: Crosswalk) -> str | None:
    if "_gtd_reason" in row:
        reason: str | None = row["_gtd_reason"]
        return reason
    return exclusion_reason(row, cw)


# --- related incidents -------------------------------------------------------------------------------


def _links(row: Row) -> list[tuple[str, str]]:
    return [(str(r["incident"]), str(r.get("relation") or "")) for r in row.get("related") or []]


def exported_eventids(rows: Iterable[Row], cw: Crosswalk) -> dict[str, int]:
    """Incident id -> eventid for the rows the export keeps."""
    out: dict[str, int] = {}
    for row in rows:
        if exclusion_reason(row, cw) is None:
            out[str(row["event_id"])] = gtd_eventid(row, cw)
    return out


def related_eventids(row: Row, cw: Crosswalk, exported: dict[str, int]) -> list[int]:
    """Eventids of the other incidents of the row's set (relations in ``related_relations``) that are
    themselves exported: GTD's ``related`` (§6)."""
    wanted = set(cw.options["related_relations"])
    return sorted({exported[i] for i, rel in _links(row) if rel in wanted and i in exported})


@prepare("gtd_prepare")
def gtd_prepare(rows: list[Row], cw: Crosswalk) -> list[Row]:
    """Whole-table step: adds ``_gtd_related`` (eventids of the exported incidents of each row's set)."""
    exported = exported_eventids(rows, cw)
    return [{**row, "_gtd_related": related_eventids(row, cw, exported)} for row in rows]


def _related(row: Row, cw: Crosswalk) -> list[int]:
    """Set by :func:`gtd_prepare`, the crosswalk's whole-table step."""
    return list(row.get("_gtd_related") or [])


# --- names, places, sources --------------------------------------------------------------------------


def gtd_gname(row: Row, cw: Crosswalk) -> str:
    """``gname`` (§11): the actor's GTD spelling, "Unknown" for unidentified perpetrators."""
    registered = row.get("actor1_gtd_name")
    if registered:
        return str(registered)
    names = cw.maps.get("gname", {})
    for key in (row.get("actor1_id"), row.get("actor1")):
        if key is not None and str(key) in names:
            return str(names[str(key)])
    perp = perpetrator(row, cw)
    if perp["unidentified"] or perp["individual"]:
        return "Unknown"
    return str(row["actor1"])


def gtd_provstate(row: Row) -> str | None:
    """``provstate`` (§7): the first-order unit at the time of the incident, GTD spelling (data/admin1.toml).

    The canonical table has today's unit; the unit of 2011-2012 (Almaty Region before Jetisu was split off
    in 2022...) comes from the canonical ``admin1_code_2011`` column.
    """
    code = row.get("admin1_code_2011")
    for candidate in (code, row.get("admin1_code")):
        if candidate:
            try:
                return admin.gtd_name(str(candidate))
            except KzeventsError:
                continue
    return row.get("admin1")


def gtd_citations(row: Row) -> list[str]:
    """``scite1``-``scite3``: the sources, as '"Title," Publisher, date.' where the titles are known."""
    if row.get("source_citations"):
        return [str(c) for c in row["source_citations"]]
    return [str(s) for s in row.get("source_names") or []]


# --- the row -----------------------------------------------------------------------------------------


def _int(value: Any) -> int | None:
    return None if value is None else int(value)


def gtd_values(row: Row, cw: Crosswalk) -> dict[str, Any]:
    """Every derived value of an included incident's GTD row, as ``_gtd_*`` fields."""
    event = _entry(cw, "event", row["event_type"])
    perp = perpetrator(row, cw)
    y, m, d = gtd_date(row)
    _, end, _ = _span(row)
    country = int(cw.lookup("country_code", row["country_iso3"]))
    suicide = bool(row.get("suicide")) or bool(event.get("suicide"))
    attacktype = int(event["attacktype"])
    out: dict[str, Any] = {
        "_gtd_eventid": gtd_eventid(row, cw),
        "_gtd_iyear": y,
        "_gtd_imonth": m,
        "_gtd_iday": d,
        "_gtd_approxdate": gtd_approxdate(row),
        "_gtd_extended": int(gtd_extended(row)),
        "_gtd_resolution": end.isoformat() if gtd_extended(row) else None,
        "_gtd_country": country,
        "_gtd_region": int(cw.lookup("country_region", country)),
        "_gtd_provstate": gtd_text(gtd_provstate(row)),
        "_gtd_city": gtd_text(row.get("location")),
        "_gtd_suicide": int(suicide),
        "_gtd_attacktype1": attacktype,
        "_gtd_gname": gtd_text(gtd_gname(row, cw)),
        "_gtd_individual": int(perp["individual"]),
    }
    # location (§7): coordinates of the place; specificity from the place precision
    lat, lon = row.get("latitude"), row.get("longitude")
    precision = row.get("geo_precision") or "town"
    if lat is None or lon is None:
        place = {"specificity": 5, "vicinity": 0}
        lat = lon = None
    else:
        key = "region+admin2" if precision == "region" and row.get("admin2") else precision
        place = cw.lookup("place", key)
    out["_gtd_latitude"], out["_gtd_longitude"] = lat, lon
    out["_gtd_specificity"] = int(place["specificity"])
    out["_gtd_vicinity"] = int(place["vicinity"])
    location = row.get("location")
    out["_gtd_location"] = gtd_text(
        f"The exact place is not known; the coordinates are those of {location}."
        if precision == "region"
        else None
    )
    # criteria and doubt (§6)
    (c1, c2, c3), _ = criteria(row, cw)
    out["_gtd_crit1"], out["_gtd_crit2"], out["_gtd_crit3"] = c1, c2, c3
    weapons = _weapons(row, event)
    # Doubt: an unattributed shooting or stabbing (no named group, no bombing, no suicide) may be ordinary
    # crime, and for such attacks the sources report official criminal explanations (seed 002: the MVD held
    # the Shubarshy attackers' motives "purely criminal"), so doubtterr = 1 with the alternative "Other Crime
    # Type" (gtd.md §6). Bombings, suicide attacks and attacks by named groups: essentially no doubt (0).
    doubt = not perp["named_group"] and "explosives" not in weapons and not suicide
    out["_gtd_doubtterr"] = int(doubt)
    out["_gtd_alternative"] = int(cw.options["doubt_alternative"]) if doubt else None
    # targets (§9): up to three, each with the nationality of the country (Kazakh police, officials, people)
    for i, name in enumerate(_targets(row)[:3], start=1):
        t = cw.lookup("target", name)
        sub = t.get("targsubtype_bombing") if attacktype == 3 else None
        out[f"_gtd_targtype{i}"] = int(t["targtype"])
        out[f"_gtd_targsubtype{i}"] = _int(sub if sub is not None else t.get("targsubtype"))
        out[f"_gtd_natlty{i}"] = None if int(t["targtype"]) == 20 else country
    # corp1, the entity attacked: the actor's unit where the registry has one (the KNB, the MVD police...)
    out["_gtd_corp1"] = gtd_text(row.get("actor2_unit") or row.get("actor2"))
    # weapons (§10): up to four, the attack's own weapon first; a suicide bomb is 6/13
    for i, name in enumerate(weapons, start=1):
        w = cw.lookup("weapon", name)
        sub = w.get("weapsubtype_suicide") if suicide and "weapsubtype_suicide" in w else w.get("weapsubtype")
        out[f"_gtd_weaptype{i}"] = int(w["weaptype"])
        out[f"_gtd_weapsubtype{i}"] = _int(sub)
    # casualties (§12): nkill counts victims and attackers together
    nkill = _int(row.get("fatalities_best"))
    nwound = _int(row.get("injured"))
    out["_gtd_nkill"] = nkill
    out["_gtd_nkillter"] = None if nkill is None else _int(row.get("deaths_perpetrators"))
    out["_gtd_nkillus"] = None if nkill is None else 0  # no source reports a US citizen among the victims
    out["_gtd_nwound"] = nwound
    out["_gtd_nwoundus"] = None if nwound is None else 0
    victims = sum(row.get(k) or 0 for k in ("deaths_security", "deaths_civilians", "deaths_unknown"))
    hit = victims > 0 or (nwound or 0) > 0
    out["_gtd_success"] = 1 if event.get("success") == "detonated" else int(hit)
    # international (§12): the targets' nationality against the place; group and ideology not known
    natlty = out["_gtd_natlty1"]
    out["_gtd_int_misc"] = None if natlty is None else int(natlty != country)
    out["_gtd_int_any"] = 1 if out["_gtd_int_misc"] == 1 else None
    # the set of incidents (§6)
    related = _related(row, cw)
    out["_gtd_multiple"] = int(bool(related))
    out["_gtd_related"] = [f"{r:012d}" for r in related] or None
    # text (§13): the summary opens with the date as month/day/year, no zero padding
    text = row.get("summary") or row.get("title") or ""
    out["_gtd_summary"] = gtd_text(f"{m}/{d}/{y}: {text}")
    notes = [f"kzevents incident {row['event_id']}."]
    if row.get("rule"):
        notes.append(f"Values: {row['rule']}")
    others = [f"{i} ({rel.replace('_', ' ')})" for i, rel in _links(row)]
    if others:
        notes.append("Linked kzevents incidents: " + ", ".join(others) + ".")
    out["_gtd_addnotes"] = gtd_text(" ".join(notes))
    for i, cite in enumerate(gtd_citations(row)[:3], start=1):
        out[f"_gtd_scite{i}"] = gtd_text(cite)
    return out


@expand("gtd_incident")
def gtd_incident(row: Row, cw: Crosswalk) -> Iterable[Row]:
    """One GTD row per incident (the single-incident rule, §6), with every derived value."""
    reason = exclusion_reason(row, cw)
    if reason is not None:
        yield {**row, "_gtd_reason": reason}
        return
    yield {**row, "_gtd_reason": None, **gtd_values(row, cw)}


# --- cross-field rules -------------------------------------------------------------------------------

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
        good = pc.and_(pc.and_(iso, valid_ymd(res, iso)), pc.greater(res, start))
        add(
            pc.and_(pc.equal(_code(t, "extended"), "1"), pc.invert(good)),
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


@cross_rule("gtd")
def gtd_rules(t: pa.Table) -> list[Failure]:
    names = set(t.column_names)
    out = _general_rules(t, names)
    if "dbsource" in names:
        ours = pc.equal(_col(t, "dbsource"), _S("kzevents"))
        if pc.any(ours).as_py():
            out += _kzevents_rules(t, names, ours)
    return out
