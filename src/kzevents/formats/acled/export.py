"""The named functions ``exporters/acled.toml`` refers to (``derive = "..."``, ``expand = "..."``,
``include = "..."``): one ACLED event per day of an incident, the event and actor types, the interaction
code, admin-1 spellings and the notes (reference/acled.md).

Each takes a canonical row (a dict; expanders may add fields starting with ``_``) and the crosswalk.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from kzevents.dataset.admin1 import acled_name
from kzevents.dataset.rows import incident_number
from kzevents.formats.crosswalk import Crosswalk, Row, derive, expand, include
from kzevents.table import part_rows

# the dataset's release time: ACLED's `timestamp` column (upload time) is this, so exports are deterministic
RELEASE_TIMESTAMP = int(dt.datetime(2026, 11, 25, tzinfo=dt.UTC).timestamp())


def split_evenly(total: int, parts: int) -> list[int]:
    """Split ``total`` over ``parts`` as ACLED does: as evenly as possible, the remainder to the first.

    >>> split_evenly(10, 3)
    [4, 3, 3]
    """
    base, rest = divmod(total, parts)
    return [base + rest] + [base] * (parts - 1)


def note_date(d: dt.date) -> str:
    return f"{d.day} {d.strftime('%B')} {d.year}"


# --- ACLED -------------------------------------------------------------------------------------------


def _rank(event_type: str, cw: Crosswalk) -> int:
    """An event type's place in ACLED's hierarchy (acled.md §5: the higher type wins; the order of
    ``maps.sub_event_types``, Battles first)."""
    order = list(cw.maps["sub_event_types"])
    return order.index(event_type) if event_type in order else len(order)


def side_events(row: Row, cw: Crosswalk) -> list[Row]:
    """An incident's events by other side: one per incident, or for a series (``parts``) one per actor2
    (acled.md §5: one event = same actors, same location, same day), typed by the highest of its parts'
    types, with the parts' dead summed and their titles as the event's summary."""
    parts = part_rows(row) if row.get("parts") else []
    if not parts:
        return [row]
    groups: dict[str, list[Row]] = {}
    for p in parts:
        groups.setdefault(str(p.get("actor2")), []).append(p)
    out = []
    for members in groups.values():
        top = min(members, key=lambda p: _rank(_acled_types(p, cw)[0], cw))
        killed = sum(int(p["fatalities_best"]) for p in members)
        titles = "; ".join(str(p["title"]) for p in members)
        out.append(
            {
                **top,
                **{k: killed for k in ("fatalities_low", "fatalities_best", "fatalities_high")},
                "_acled_summary": f"{titles}. One of {len(groups)} events of a series: {row.get('summary')}",
            }
        )
    return out


@expand("acled_events")
def acled_events(row: Row, cw: Crosswalk) -> Iterable[Row]:
    """One ACLED event per other side and per day of the incident; fatalities (the lowest figure) split
    over the days."""
    n = 0
    events = side_events(row, cw)
    for event in events:
        start: dt.date = event["event_date"]
        end: dt.date = event["event_date_end"]
        days = (end - start).days + 1 if event["date_precision"] == "day" else 1
        total = event["fatalities_low"] or 0
        shares = split_evenly(total, days)
        # a span known only roughly is one event dated to its middle (ACLED time_precision 2, 3, acled.md §6)
        first = start if days > 1 or start == end else start + (end - start) // 2
        for i in range(days):
            n += 1
            yield {
                **event,
                "_part": n,
                "_parts": days,
                "_date": first + dt.timedelta(days=i),
                "_fatalities": shares[i],
                "_shares": shares,
            }


@derive("acled_category")
def acled_category(row: Row, cw: Crosswalk) -> str:
    """The key into the ACLED type table: our type, except that a premature explosion that killed others
    than its makers (civilians or people of unknown status) is coded as an explosion (acled.md §11)."""
    etype = str(row["event_type"])
    others = (row.get("deaths_civilians") or 0) + (row.get("deaths_unknown") or 0)
    if etype == "premature_explosion" and others > 0:
        return "premature_explosion_harming_others"
    if etype == "security_operation" and row.get("resistance") == "none_reported":
        arrests = any((c.get("arrested") or 0) > 0 for c in row.get("claims") or [])
        return "security_operation_arrests" if arrests else "security_operation_other"
    if etype == "protest" and row.get("protest_intervention") == "reported":
        return "protest_intervention"
    return etype


@include("acled_include")
def acled_include(row: Row, cw: Crosswalk) -> str | None:
    """What ACLED would record (acled.md §6): an event with an acting side (actor1), placed at least to a
    region, except Strategic developments, which ACLED records at country level too. Rows from other
    datasets (after a merge) need an ACLED type: their own, or one from our taxonomy."""
    if _native_acled(row):
        return None
    if row.get("dataset") == "kzevents" and not row.get("actor1"):
        return (
            "no acting side: no document names who acted (e.g. who found a cache), and an ACLED event needs "
            "an actor1 (acled.md §3)"
        )
    if row.get("geo_precision") == "country" and row.get("event_type") is not None:
        etype = _acled_types(row, cw)[0]
        if etype != "Strategic developments":
            return (
                f"known only at country level ({etype}): ACLED does not record events with no place below "
                "the country, Strategic developments excepted (acled.md §6)"
            )
    if row.get("event_type") is None:
        return (
            f"no ACLED event type for this {row.get('dataset')} event (its type has no kzevents equivalent)"
        )
    if row.get("actor1_type") is None:
        return f"no ACLED actor type for actor1 of this {row.get('dataset')} event"
    return None


def _native_acled(row: Row) -> bool:
    return row.get("dataset") == "acled" and bool(row.get("native_sub_event_type"))


def _acled_types(row: Row, cw: Crosswalk) -> tuple[str, str, str]:
    """(event_type, sub_event_type, disorder_type): ACLED's own for ACLED rows, else from our taxonomy."""
    if _native_acled(row):
        sub = str(row["native_sub_event_type"])
        return str(row["native_event_type"]), sub, str(cw.maps["disorder_type"].get(sub, ""))
    entry = cw.lookup("acled_type", acled_category(row, cw))
    return str(entry["event_type"]), str(entry["sub_event_type"]), str(entry["disorder_type"])


@derive("acled_event_type")
def acled_event_type(row: Row, cw: Crosswalk) -> str:
    return _acled_types(row, cw)[0]


@derive("acled_sub_event_type")
def acled_sub_event_type(row: Row, cw: Crosswalk) -> str:
    return _acled_types(row, cw)[1]


@derive("acled_disorder_type")
def acled_disorder_type(row: Row, cw: Crosswalk) -> str:
    return _acled_types(row, cw)[2]


@derive("acled_event_id")
def acled_event_id(row: Row, cw: Crosswalk) -> str:
    """Ours: KZE + incident (4 digits) + part (2); ACLED rows keep their id; other datasets' rows get their
    dataset's name as prefix (GTD201105170001, GED300380), which ACLED's country acronyms never are."""
    if row.get("dataset") == "kzevents":
        return f"{cw.options['id_prefix']}{incident_number(row['event_id']):04d}{row['_part']:02d}"
    if row.get("dataset") == "acled":
        return str(row["event_id"])
    digits = "".join(ch for ch in str(row["event_id"]) if ch.isdigit())
    return f"{str(row.get('dataset')).upper()[:3]}{digits}"


@derive("year")
def year(row: Row, cw: Crosswalk) -> int:
    d: dt.date = row.get("_date") or row["event_date"]
    return d.year


def _inter(actor_type: str | None, cw: Crosswalk) -> Any:
    if actor_type is None:
        return 0 if cw.options.get("actor_types") == "numeric" else None
    if cw.options.get("actor_types") == "numeric":
        return cw.lookup("inter_code", actor_type)
    return actor_type


@derive("acled_inter1")
def acled_inter1(row: Row, cw: Crosswalk) -> Any:
    return _inter(row["actor1_type"], cw)


@derive("acled_inter2")
def acled_inter2(row: Row, cw: Crosswalk) -> Any:
    return _inter(row["actor2_type"] if row.get("actor2") else None, cw)


def interaction_code(inter1: int, inter2: int | None) -> int:
    """ACLED's numeric interaction: 10*min+max for two sides, 10*inter1 for one (acled.md §4)."""
    if not inter2:
        return 10 * inter1
    return 10 * min(inter1, inter2) + max(inter1, inter2)


@derive("acled_interaction")
def acled_interaction(row: Row, cw: Crosswalk) -> Any:
    c1 = int(cw.lookup("inter_code", row["actor1_type"]))
    c2 = int(cw.lookup("inter_code", row["actor2_type"])) if row.get("actor2") else None
    code = interaction_code(c1, c2)
    if cw.options.get("actor_types") == "numeric":
        return code
    return cw.lookup("interaction_text", code)


@derive("acled_civilian_targeting")
def acled_civilian_targeting(row: Row, cw: Crosswalk) -> str | None:
    """Civilians as the main or only target (acled.md §7): never inside Battles."""
    etype = _acled_types(row, cw)[0]
    if row.get("explosion_detonation") == "accidental":
        return None  # a device that went off by accident targeted nobody
    if row.get("actor2_type") == "Civilians" and etype in (
        "Violence against civilians",
        "Explosions/Remote violence",
    ):
        return "Civilian targeting"
    return None


@derive("acled_admin1")
def acled_admin1(row: Row, cw: Crosswalk) -> str | None:
    code = row.get("admin1_code")
    return acled_name(code) if code else row.get("admin1")


def _claimed_killed(row: Row) -> list[tuple[str, int]]:
    return [(c["source"], c["killed"]) for c in row.get("claims") or [] if c.get("killed") is not None]


# after "On 17 May 2011," a summary's first word is lower-cased unless it is an acronym or a proper noun
_KEEP_CAPITAL = frozenset(
    "Kazakh Kazakhstan Jund Nazarbayev Maksat Erik Nurlybek Rakhimzhan Almaty Astana Aktobe Atyrau Taraz "
    "Kulsary Boraldai Boralday Shubarshi Kenkiyak Tausamaly Ridder Zhanaozen Kyzylorda Aktau Arkankergen "
    "Ile-Alatau KNB MVD JAK I".split()
)


def _sentence_case(summary: str) -> str:
    first = summary.split(" ", 1)[0].strip(",.;:")
    if not first or first in _KEEP_CAPITAL or (len(first) > 1 and first[:2].isupper()):
        return summary
    return summary[0].lower() + summary[1:]


@derive("acled_notes")
def acled_notes(row: Row, cw: Crosswalk) -> str:
    d: dt.date = row["_date"]
    precision = row["date_precision"]
    opening = f"On {note_date(d)}," if precision == "day" else f"Around {note_date(d)} (as reported),"
    summary = (row.get("_acled_summary") or row.get("summary") or row.get("title") or "").strip()
    text = f"{opening} {_sentence_case(summary)}"
    label = (
        None if _native_acled(row) else cw.lookup("acled_type", acled_category(row, cw)).get("notes_label")
    )
    if label:
        text = f"{label}: {text}"
    claimed = _claimed_killed(row)
    figures = sorted({k for _, k in claimed})
    if len(figures) > 1:
        ids, names = row.get("sources") or [], row.get("source_names") or []
        publisher = dict(zip(ids, names, strict=True)) if len(ids) == len(names) else {}
        by = "; ".join(f"{n} according to {publisher.get(s, 'source ' + s)}" for s, n in claimed)
        text += f" Reports of fatalities differ ({by}); the lowest figure, {row['fatalities_low']}, is coded."
    if row.get("_parts", 1) > 1:
        shares = ", ".join(str(x) for x in row["_shares"])
        text += f" Fatalities ({row['fatalities_low']}) split over {row['_parts']} days: {shares}."
    return text


@derive("release_timestamp")
def release_timestamp(row: Row, cw: Crosswalk) -> int:
    return RELEASE_TIMESTAMP
