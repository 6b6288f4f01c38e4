"""One incident of the curated dataset as a row of the canonical table (:mod:`kzevents.table`), as Python
values: the one place where the attrs model becomes the hub's columns. (The model's classes are read by
attribute here, not imported, so that :mod:`kzevents.dataset.model` can use this module.)"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import attrs

from kzevents.dataset.vocab import Role

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


def canonical_row(ds: Any, inc: Any) -> dict[str, Any]:
    """One incident as a row of the canonical table (:mod:`kzevents.table`), as Python values."""
    place = ds.places[inc.place]

    def actor(role: Role) -> tuple[str | None, str | None, str | None]:
        ids = inc.actors_in(role)
        if not ids:
            return None, None, None
        a = ds.actors[ids[0]]
        return a.name, a.id, a.acled_type.value

    def assoc(role: Role) -> list[str]:
        return list(dict.fromkeys(ds.actors[i].name for i in inc.actors_in(role)))

    a1, a1_id, a1_t = actor(Role.ACTOR1)
    a2, a2_id, a2_t = actor(Role.ACTOR2)
    f = inc.fatalities
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
        "admin1_code": place.admin1,
        "admin1": place.admin1_name,
        "admin1_code_2011": place.admin1_2011,
        "admin2": place.admin2,
        "place_id": place.id,
        "location": place.name,
        "latitude": place.latitude,
        "longitude": place.longitude,
        "geo_precision": inc.place_precision.value,
        "actor1": a1,
        "actor1_id": a1_id,
        "actor1_type": a1_t,
        "actor1_kind": ds.actors[a1_id].kind.value if a1_id else None,
        "actor1_gtd_name": ds.actors[a1_id].gtd_name if a1_id else None,
        "assoc_actor_1": assoc(Role.ASSOC1),
        "actor2": a2,
        "actor2_id": a2_id,
        "actor2_type": a2_t,
        "actor2_unit": ds.actors[a2_id].unit if a2_id else None,
        "assoc_actor_2": assoc(Role.ASSOC2),
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
    }
