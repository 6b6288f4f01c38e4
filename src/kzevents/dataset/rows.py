"""One incident of the curated dataset as a row of the canonical table (:mod:`kzevents.table`), as Python
values: the one place where the attrs model becomes the hub's columns. (The model's classes are read by
attribute here, not imported, so that :mod:`kzevents.dataset.model` can use this module.)"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import attrs

from kzevents.dataset.admin1 import subdivision_name
from kzevents.dataset.vocab import GeoPrecision, PlacePrecision, PointPrecision, Role

# ACLED writes combined scales lowest level first ("Other-National", "National-International"),
# reference/acled.md §7
SCALE_ORDER = ("Local partner", "Other", "New media", "Subnational", "National", "Regional", "International")


def source_scale(scales: Iterable[str]) -> str | None:
    """Combine source scales the way ACLED's ``source_scale`` does."""
    found = set(scales)
    ordered = [s for s in SCALE_ORDER if s in found]
    return "-".join(ordered) or None


def incident_number(event_id: str) -> int:
    """``KZE-0012`` -> 12."""
    return int(event_id.rsplit("-", 1)[1])


# (incident precision, what the point stands for) -> the canonical location code; a pair not listed keeps
# the incident's precision (a region named as such, its point)
_GEO = {
    (PlacePrecision.TOWN, PointPrecision.NEARBY): GeoPrecision.TOWN_NEARBY_POINT,
    (PlacePrecision.NEAR_TOWN, PointPrecision.NEARBY): GeoPrecision.TOWN_NEARBY_POINT,
}


def geo_precision(precision: PlacePrecision, point: PointPrecision) -> GeoPrecision:
    """The canonical location code: how precisely the documents place the event and what its point stands
    for, combined once so that every format's precision says where the point really is.

    >>> geo_precision(PlacePrecision.TOWN, PointPrecision.NEARBY).value
    'town_nearby_point'
    """
    return _GEO.get((precision, point), GeoPrecision(precision.value))


def canonical_row(ds: Any, inc: Any) -> dict[str, Any]:
    """One incident as a row of the canonical table (:mod:`kzevents.table`), as Python values."""
    place = ds.places[inc.place]

    def actor(ids: tuple[str, ...]) -> tuple[str | None, str | None, str | None]:
        if not ids:
            return None, None, None
        a = ds.actors[ids[0]]
        return a.name, a.id, a.acled_type.value

    def assoc(role: Role, main: str | None) -> list[str]:
        # an associated actor never repeats the side's main actor (units share their force's ACLED name)
        return [n for n in dict.fromkeys(ds.actors[i].name for i in inc.actors_in(role)) if n != main]

    a1, a1_id, a1_t = actor(inc.actors_in(Role.ACTOR1))
    a2, a2_id, a2_t = actor(inc.actors_in(Role.ACTOR2))
    f = inc.fatalities
    x = inc.facts
    admin1 = inc.admin1 or place.admin1
    own_unit = inc.admin1 is None or inc.admin1 == place.admin1
    return {
        "event_id": inc.id,
        "dataset": "kzevents",
        "event_date": inc.date.start,
        "event_date_end": inc.date.end,
        "date_precision": inc.date.precision.value,
        "event_type": inc.event_type.value,
        "title": inc.title,
        "summary": inc.summary,
        "country_iso3": "KAZ",
        "country": "Kazakhstan",
        "admin1_code": admin1,
        "admin1": subdivision_name(admin1) if admin1 else None,
        "admin1_code_2011": place.admin1_2011 if own_unit else inc.admin1_2011,
        "admin2": place.admin2 if own_unit else None,
        "place_id": place.id,
        "location": place.name,
        "latitude": place.latitude,
        "longitude": place.longitude,
        "geo_precision": geo_precision(inc.place_precision, place.precision).value,
        "actor1": a1,
        "actor1_id": a1_id,
        "actor1_type": a1_t,
        "actor1_kind": ds.actors[a1_id].kind.value if a1_id else None,
        "actor1_gtd_name": ds.actors[a1_id].gtd_name if a1_id else None,
        "assoc_actor_1": assoc(Role.ASSOC1, a1),
        "actor2": a2,
        "actor2_id": a2_id,
        "actor2_type": a2_t,
        "actor2_unit": ds.actors[a2_id].unit if a2_id else None,
        "assoc_actor_2": assoc(Role.ASSOC2, a2),
        "fatalities_low": f.low,
        "fatalities_best": f.best,
        "fatalities_high": f.high,
        "deaths_perpetrators": f.perpetrators,
        "deaths_security": f.security,
        "deaths_civilians": f.civilians,
        "deaths_unknown": f.unknown,
        "injured": f.injured,
        "suicide": inc.suicide,
        "weapons": list(inc.weapons),
        "targets": list(inc.targets),
        "sources": list(inc.sources),
        "source_names": list(dict.fromkeys(ds.sources[s].publisher for s in inc.sources)),
        "source_scale": source_scale(ds.sources[s].scale for s in inc.sources),
        "source_citations": [ds.sources[s].citation for s in inc.sources],
        "claims": [attrs.asdict(c, recurse=False) for c in inc.claims],
        "conflicts": sorted(inc.conflicts()),
        "rule": inc.rule,
        "related": [{"incident": r.incident, "relation": r.relation.value} for r in inc.related],
        "explosion_stage": x.explosion.stage.value if x.explosion else None,
        "explosion_detonation": x.explosion.detonation.value if x.explosion else None,
        "responsibility": [
            {"group": ds.actors[r.group].name, "group_id": r.group, "mode": r.mode.value}
            for r in x.responsibility
        ],
        "property_damage": x.damage.reported if x.damage else None,
        "damage_extent": x.damage.extent.value if x.damage and x.damage.extent else None,
        "resistance": x.resistance.value.value if x.resistance else None,
        "perpetrator_form": x.perpetrators.form.value if x.perpetrators else None,
        "perpetrator_count": x.perpetrators.count if x.perpetrators else None,
        "doubt": [d.alternative.value for d in x.doubt],
        "weapon_details": [{"type": w.type, "subtype": w.subtype} for w in x.weapon],
        "protest_intervention": x.protest.intervention.value if x.protest else None,
        "parts": [_part_row(ds, p) for p in x.parts],
    }


def _part_row(ds: Any, p: Any) -> dict[str, Any]:
    a = ds.actors[p.actor2] if p.actor2 else None
    return {
        "n": p.n,
        "title": p.title,
        "event_type": p.event_type.value,
        "actor2": a.name if a else None,
        "actor2_id": a.id if a else None,
        "actor2_type": a.acled_type.value if a else None,
        "actor2_unit": a.unit if a else None,
        "targets": list(p.targets),
        "weapons": list(dict.fromkeys(t for t, _ in p.weapons)),
        "weapon_details": [{"type": t, "subtype": s} for t, s in p.weapons],
        "fatalities": p.killed,
        "deaths_perpetrators": p.perpetrators,
        "deaths_security": p.security,
        "deaths_civilians": p.civilians,
        "deaths_unknown": p.unknown,
        "injured": p.injured,
        "suicide": p.suicide,
    }
