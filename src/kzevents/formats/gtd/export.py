"""The named functions ``exporters/gtd.toml`` refers to: inclusion, perpetrators, targets, weapons,
criteria, related incidents and every derived value of a GTD row.

Facts come from ../shared/reference/gtd.md (cited as §n below): §3 the columns, §4 eventid and dates, §5
missing values, §6 inclusion criteria, §7 location, §8-10 attack, target and weapon codes, §11 perpetrators,
§12 casualties, §13 text fields.

One canonical incident becomes at most one GTD row, or one per part when it is a series of attacks at
several sites (``parts``): GTD's single-incident rule (§6); the curated data keeps other discontinuous
events apart (the two Atyrau blasts of 31 October 2011 are two incidents). The expander
:func:`gtd_incident` works out every derived value of a row once and stores it in
fields starting with ``_gtd_``; the columns of the crosswalk read those fields and turn codes into labels
through the code tables kept in the crosswalk. :func:`gtd_include` says why an incident is left out.

Some values need more than one canonical row: ``related`` lists the eventids of the other incidents of a
set, which depend on those incidents' dates and on whether they are exported at all. :func:`gtd_prepare`
computes them over the whole table, the crosswalk's whole-table step.

Field conventions (text, dates, eventid) are in :mod:`kzevents.formats.gtd.fields`; the cross-field rules
of a GTD file in :mod:`kzevents.formats.gtd.rules`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from kzevents.dataset.admin1 import gtd_name
from kzevents.errors import KzeventsError
from kzevents.formats.crosswalk import Crosswalk, Row, expand, include, prepare
from kzevents.formats.gtd.coding import attack_types, claims, damage, doubt, weapon_codes
from kzevents.formats.gtd.fields import (
    date_span,
    gtd_approxdate,
    gtd_date,
    gtd_eventid,
    gtd_extended,
    gtd_part_eventid,
    gtd_text,
)
from kzevents.table import part_rows

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
    if "exclude_without_actor1" in event and not row.get("actor1"):
        return str(event["exclude_without_actor1"])
    if "exclude_stages" in event:
        if (row.get("explosion_stage") or "unknown") in event["exclude_stages"]:
            return str(event["exclude"])
    elif "exclude" in event:
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


def row_eventids(row: Row, cw: Crosswalk) -> list[int]:
    """The eventids of an incident's GTD rows: one, or one per part."""
    if row.get("parts"):
        return [gtd_part_eventid(p, cw) for p in part_rows(row)]
    return [gtd_eventid(row, cw)]


def exported_eventids(rows: Iterable[Row], cw: Crosswalk) -> dict[str, list[int]]:
    """Incident id -> the eventids of its rows, for the incidents the export keeps."""
    out: dict[str, list[int]] = {}
    for row in rows:
        if exclusion_reason(row, cw) is None:
            out[str(row["event_id"])] = row_eventids(row, cw)
    return out


def related_eventids(row: Row, cw: Crosswalk, exported: dict[str, list[int]]) -> list[int]:
    """Eventids of the rows of the incident's set that are themselves exported: its own parts, and the
    incidents linked by a relation in ``related_relations`` (GTD's ``related``, §6). A part's own eventid is
    removed by :func:`gtd_incident`."""
    wanted = set(cw.options["related_relations"])
    ids = {e for i, rel in _links(row) if rel in wanted for e in exported.get(i, [])}
    if row.get("parts"):
        ids |= set(exported.get(str(row["event_id"]), []))
    return sorted(ids)


@prepare("gtd_prepare")
def gtd_prepare(rows: list[Row], cw: Crosswalk) -> list[Row]:
    """Whole-table step: adds ``_gtd_related`` (eventids of the exported rows of each row's set)."""
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
                return gtd_name(str(candidate))
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


def gtd_values(row: Row, cw: Crosswalk, incident: Row | None = None) -> dict[str, Any]:
    """Every derived value of an included incident's GTD row (or of one part of it: ``incident`` is then
    the whole incident's row, whose inclusion criteria the parts share), as ``_gtd_*`` fields."""
    incident = incident or row
    event = _entry(cw, "event", row["event_type"])
    perp = perpetrator(row, cw)
    y, m, d = gtd_date(row)
    _, end, _ = date_span(row)
    country = int(cw.lookup("country_code", row["country_iso3"]))
    accidental = row.get("explosion_detonation") == "accidental"
    suicide = (bool(row.get("suicide")) or bool(event.get("suicide"))) and not accidental
    types = attack_types(row, event, cw)
    attacktype = types[0]
    out: dict[str, Any] = {
        "_gtd_eventid": gtd_part_eventid(row, cw) if "_part_n" in row else gtd_eventid(row, cw),
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
        **{f"_gtd_attacktype{i}": t for i, t in enumerate(types, start=1)},
        **claims(row, cw),
        **damage(row, cw),
        **doubt(row, cw),
        "_gtd_nperps": _int(row.get("perpetrator_count")),
        "_gtd_gname": gtd_text(gtd_gname(row, cw)),
        "_gtd_individual": int(perp["individual"]),
    }
    # location (§7): coordinates of the place; specificity from the place precision
    lat, lon = row.get("latitude"), row.get("longitude")
    precision = row.get("geo_precision") or "town"
    key = "region+admin2" if precision == "region" and row.get("admin2") else precision
    place = cw.lookup("place", key)
    if lat is None or lon is None or int(place["specificity"]) == 5:
        place = {"specificity": 5, "vicinity": 0}
        lat = lon = None
    out["_gtd_latitude"], out["_gtd_longitude"] = lat, lon
    out["_gtd_specificity"] = int(place["specificity"])
    out["_gtd_vicinity"] = int(place["vicinity"])
    location = row.get("location")
    out["_gtd_location"] = gtd_text(
        {
            "region": f"The exact place is not known; the coordinates are those of {location}.",
            "town_nearby_point": f"{location} has no coordinates of its own; these are a nearby place's.",
            "area": f"Somewhere in {location}; the coordinates are a nominal point of it.",
        }.get(str(precision))
    )
    # criteria and doubt (§6)
    (c1, c2, c3), _ = criteria(incident, cw)
    out["_gtd_crit1"], out["_gtd_crit2"], out["_gtd_crit3"] = c1, c2, c3
    # targets (§9): up to three, each with the nationality of the country (Kazakh police, officials, people)
    for i, name in enumerate(_targets(row)[:3], start=1):
        t = cw.lookup("target", name)
        sub = t.get("targsubtype_bombing") if attacktype == 3 else None
        out[f"_gtd_targtype{i}"] = int(t["targtype"])
        out[f"_gtd_targsubtype{i}"] = _int(sub if sub is not None else t.get("targsubtype"))
        out[f"_gtd_natlty{i}"] = None if int(t["targtype"]) == 20 else country
    # corp1, the entity attacked: the actor's unit where the registry has one (the KNB, the MVD police...)
    out["_gtd_corp1"] = gtd_text(row.get("actor2_unit") or row.get("actor2"))
    # weapons (§10): up to four, the weapon of attacktype1 first
    for i, (wtype, wsub) in enumerate(weapon_codes(row, event, attacktype, suicide, cw), start=1):
        out[f"_gtd_weaptype{i}"] = wtype
        out[f"_gtd_weapsubtype{i}"] = wsub
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
    related = [r for r in _related(row, cw) if r != out["_gtd_eventid"]]
    out["_gtd_multiple"] = int(bool(related))
    out["_gtd_related"] = [f"{r:012d}" for r in related] or None
    # text (§13): the summary opens with the date as month/day/year, no zero padding
    text = row.get("summary") or row.get("title") or ""
    if "_part_n" in row:
        text = f"{row['title']}. Part {row['_part_n']} of {row['_part_count']} of a series: {text}"
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
    """One GTD row per incident, or per part of a series (the single-incident rule, §6), with every derived
    value; the incident's inclusion decides for all its parts."""
    reason = exclusion_reason(row, cw)
    if reason is not None:
        yield {**row, "_gtd_reason": reason}
        return
    for part in part_rows(row):
        yield {**part, "_gtd_reason": None, **gtd_values(part, cw, row)}
