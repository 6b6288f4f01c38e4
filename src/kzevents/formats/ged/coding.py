"""An incident as a UCDP GED event: its type of violence, its two sides and how its deaths split over
them, and whether GED includes it (reference/ged.md, cited as §n: §1 the columns, §2 type_of_violence,
§5 the 25-deaths threshold, §6 the PRIO-GRID cell).

One canonical incident becomes at most one GED event. :func:`coding` decides an incident's type of
violence, its two sides and how its deaths split over them; every column that depends on the sides reads
it. :func:`exclusion_reason` says why GED leaves an incident out. :func:`ged_prepare`, the crosswalk's
whole-table step, adds the deaths of each event's conflict in its calendar year (``active_year``).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import attrs

from kzevents.errors import KzeventsError
from kzevents.formats.crosswalk import Crosswalk, Row, include, prepare

INT32_MAX = 2**31 - 1
PRIOGRID_COLUMNS = 720  # 0.5 degree cells, 720 per row, 360 rows (§6)
PRIOGRID_ROWS = 360

# --- the PRIO-GRID cell (§6) ---------------------------------------------------------------------------


def priogrid_gid(lat: float, lon: float) -> int:
    """The PRIO-GRID cell of a point: 0.5 degree cells counted row-major from (-90, -180), 1-based.

    ``gid = floor((lat + 90) * 2) * 720 + floor((lon + 180) * 2) + 1``; the north pole and the
    antimeridian (lat 90, lon 180) fall in the last row / column.

    >>> priogrid_gid(1.55, 1.25), priogrid_gid(0, 0), priogrid_gid(-10.55, 20.23), priogrid_gid(82, -102.99)
    (132123, 129961, 114161, 247835)
    """
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise KzeventsError(f"no PRIO-GRID cell for latitude {lat}, longitude {lon}")
    row = min(math.floor((lat + 90) * 2), PRIOGRID_ROWS - 1)
    col = min(math.floor((lon + 180) * 2), PRIOGRID_COLUMNS - 1)
    return row * PRIOGRID_COLUMNS + col + 1


# --- type of violence and sides (§1, §2, §4) -----------------------------------------------------------


@attrs.frozen
class Coding:
    """An incident as a GED event: type of violence, the sides and the deaths of each."""

    type_of_violence: int
    side_a: str
    side_b: str
    a_is_state: bool
    b_is_civilians: bool
    deaths_a: int
    deaths_b: int
    deaths_civilians: int
    deaths_unknown: int


def _deaths(row: Row, key: str) -> int:
    return int(row.get(key) or 0)


def _side_kind(actor_type: Any, cw: Crosswalk) -> str | None:
    if actor_type is None:
        return None
    kind = cw.maps["actor_side"].get(str(actor_type))
    return None if kind is None else str(kind)


def coding(row: Row, cw: Crosswalk) -> Coding | str:
    """The GED coding of an incident, or the reason it cannot be a GED event.

    The taxonomy gives the usual type (``maps.violence``); the actors settle it (§2):

    - state-based (1): the government against an organised armed group. Side A is the government (the
      security forces' deaths), side B the group (the militants' deaths), whoever initiated;
    - one-sided (3): an organised actor against civilians. Side A is the perpetrator, side B "Civilians";
      the victims are ``deaths_civilians`` and ``deaths_b`` is 0, as in every one-sided row of the sample;
    - a type-1 incident with no state actor in which the group faced only civilians (a bomb in a market)
      is one-sided; a type-3 incident in which state forces died involved the state: state-based.
    """
    etype = row.get("event_type")
    if etype is None:
        return "no kzevents event type, so no GED type of violence can be given"
    entry = cw.maps["violence"].get(str(etype))
    if entry is None:
        return f"event type {etype!r} has no entry in the GED crosswalk (exporters/ged.toml, maps.violence)"
    if "exclude" in entry:
        return str(entry["exclude"])
    reason = _no_armed_force(row)
    if reason is not None:
        return reason
    actors = [
        (str(name), _side_kind(row.get(f"{k}_type"), cw))
        for k in ("actor1", "actor2")
        if (name := row.get(k))
    ]
    if row.get("actor1_kind") == "state" and actors:
        actors[0] = (actors[0][0], "state")
    kinds = [kind for _, kind in actors]
    group = next((name for name, kind in actors if kind == "armed"), None)
    perpetrators = _deaths(row, "deaths_perpetrators")
    security = _deaths(row, "deaths_security")
    civilians = _deaths(row, "deaths_civilians")
    unknown = _deaths(row, "deaths_unknown")
    tov = int(entry["type"])
    if tov == 1 and "state" not in kinds and kinds[1:] == ["civilians"] and security == 0:
        tov = 3
    if tov == 3:
        first_kind = kinds[0] if kinds else None
        if first_kind == "armed" and security > 0:
            tov = 1
        elif first_kind == "armed":
            return Coding(
                type_of_violence=3,
                side_a=actors[0][0],
                side_b=str(cw.options["civilians"]),
                a_is_state=False,
                b_is_civilians=True,
                deaths_a=perpetrators,
                deaths_b=0,
                deaths_civilians=civilians,
                deaths_unknown=unknown,
            )
        elif first_kind == "state":
            if perpetrators > 0:
                return (
                    "militants died in what is curated as the state's violence against civilians; GED "
                    "would need it split into a state-based and a one-sided event"
                )
            return Coding(
                type_of_violence=3,
                side_a=str(cw.options["government"]),
                side_b=str(cw.options["civilians"]),
                a_is_state=True,
                b_is_civilians=True,
                deaths_a=security,
                deaths_b=0,
                deaths_civilians=civilians,
                deaths_unknown=unknown,
            )
        else:
            return (
                "one-sided violence needs a government or a formally organised group as perpetrator "
                f"(ged.md §2); actor1 is {row.get('actor1')!r} ({row.get('actor1_type')})"
            )
    if tov != 1:
        return f"type of violence {tov} is not one kzevents codes (exporters/ged.toml, maps.violence)"
    if group is None:
        return (
            "no organised armed group takes part, and state-based conflict is between the government and "
            "such a group (ged.md §2)"
        )
    return Coding(
        type_of_violence=1,
        side_a=str(cw.options["government"]),
        side_b=group,
        a_is_state=True,
        b_is_civilians=False,
        deaths_a=security,
        deaths_b=perpetrators,
        deaths_civilians=civilians,
        deaths_unknown=unknown,
    )


def _no_armed_force(row: Row) -> str | None:
    """Why the incident's facts show no organised actor using armed force (UCDP's definitions), if so."""
    if row.get("perpetrator_form") == "individual":
        return (
            "no organised actor: one person acting alone (UCDP: 'Actor: A state or a non-state formally "
            "organised or organised group')"
        )
    if row.get("explosion_detonation") == "accidental":
        return (
            "an accidental detonation: no armed force was used against the other side or against civilians, "
            "which a GED event needs (ged.md §2)"
        )
    if (
        row.get("event_type") == "security_operation"
        and row.get("resistance") == "none_reported"
        and not row.get("deaths_security")
    ):
        return (
            "no reported use of armed force: the documents report no fighting and no security casualties, "
            "and not how or by whom anyone died"
        )
    return None


def coding_of(row: Row, cw: Crosswalk) -> Coding:
    c = coding(row, cw)
    if isinstance(c, str):
        raise KzeventsError(f"incident {row.get('event_id')}: not a GED event: {c}")
    return c


def conflict_name(c: Coding, cw: Crosswalk) -> str:
    """``<country>: Government`` for state-based conflict, the dyad's name otherwise (as in the sample)."""
    if c.type_of_violence == 1:
        return str(cw.options["conflict_name"])
    return f"{c.side_a} - {c.side_b}"


# --- inclusion -----------------------------------------------------------------------------------------


def event_dates(row: Row) -> tuple[dt.date, dt.date]:
    start: dt.date = row["event_date"]
    end: dt.date = row.get("event_date_end") or start
    return start, end


def exclusion_reason(row: Row, cw: Crosswalk) -> str | None:
    """Why GED leaves the incident out (None when it is a GED event), before any threshold."""
    if row.get("dataset") != "kzevents":
        return (
            f"a {row.get('dataset')} record, not a kzevents incident: the GED layout is written for "
            "kzevents' own incidents only"
        )
    c = coding(row, cw)
    if isinstance(c, str):
        return c
    high = row.get("fatalities_high")
    if not high:
        return (
            "nobody was killed: GED records events of organised violence with at least one death (every "
            "row of the GED sample has high >= 1)"
        )
    return None


def conflict_year_deaths(row: Row) -> int:
    """Set by :func:`ged_prepare`; without the whole-table step an event is its own conflict-year."""
    value = row.get("_ged_conflict_year_deaths")
    return int(value if value is not None else row.get("fatalities_best") or 0)


@prepare("ged_prepare")
def ged_prepare(rows: list[Row], cw: Crosswalk) -> list[Row]:
    """Whole-table step: ``_ged_conflict_year_deaths``, the deaths (best) of all GED events of the row's
    conflict (:func:`conflict_name`) in the row's calendar year."""
    totals: dict[tuple[str, int], int] = {}
    keys: list[tuple[str, int] | None] = []
    for row in rows:
        key = None
        if exclusion_reason(row, cw) is None:
            key = (conflict_name(coding_of(row, cw), cw), event_dates(row)[0].year)
            totals[key] = totals.get(key, 0) + int(row.get("fatalities_best") or 0)
        keys.append(key)
    return [
        {**row, "_ged_conflict_year_deaths": None if key is None else totals[key]}
        for row, key in zip(rows, keys, strict=True)
    ]


@include("ged_include")
def ged_include(row: Row, cw: Crosswalk) -> str | None:
    reason = exclusion_reason(row, cw)
    if reason is not None:
        return reason
    minimum = int(cw.options["min_conflict_year_deaths"])
    deaths = conflict_year_deaths(row)
    if deaths < minimum:
        c = coding_of(row, cw)
        year = event_dates(row)[0].year
        return (
            f"the conflict {conflict_name(c, cw)!r} has {deaths} death(s) in {year}, below "
            f"the threshold of {minimum} (option min_conflict_year_deaths; GED's global release drops dyads "
            "below 25 battle-related deaths a year, ged.md §5)"
        )
    return None
