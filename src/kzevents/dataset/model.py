"""The typed in-memory model of the curated dataset (frozen attrs classes).

The classes mirror the TOML files under ``data/`` (see ``data/README.md``). Every source's claim about an
incident is kept as a :class:`Claim`; the incident's own values (:attr:`Incident.date`,
:attr:`Incident.fatalities`, :attr:`Incident.place`) are the values chosen by the rule written in
:attr:`Incident.rule`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

import attrs

from kzevents.dataset.admin1 import subdivision_name
from kzevents.dataset.facts import Facts, Part
from kzevents.dataset.vocab import (
    ActorKind,
    ActorType,
    DatePrecision,
    EventType,
    GeoPrecision,
    PlacePrecision,
    PointPrecision,
    Relation,
    Role,
)

if TYPE_CHECKING:  # pragma: no cover
    import pyarrow as pa


@attrs.frozen
class Source:
    """A source document; its claims quote it by file name."""

    id: str
    file: str
    publisher: str
    title: str
    language: str
    scale: str
    published: str | None = None
    notes: str | None = None

    @property
    def citation(self) -> str:
        """'"Title," Publisher, date.' (GTD's scite style)."""
        return f'"{self.title}," {self.publisher}' + (f", {self.published}." if self.published else ".")


@attrs.frozen
class Place:
    id: str
    name: str
    feature: str
    admin1: str | None  # ISO 3166-2:KZ, numeric form (KZ-75); None for the country
    latitude: float
    longitude: float
    precision: PointPrecision  # what the coordinates stand for
    admin2: str | None = None
    point_place: str | None = None
    admin1_2011: str | None = None
    admin1_name_2011: str | None = None
    geonames_id: int | None = None
    coord_source: str | None = None
    coord_verified: bool = True
    spellings: tuple[str, ...] = ()
    notes: str | None = None

    @property
    def admin1_name(self) -> str | None:
        return subdivision_name(self.admin1) if self.admin1 else None


@attrs.frozen
class Actor:
    id: str
    name: str
    acled_type: ActorType
    kind: ActorKind
    unit: str | None = None
    gtd_name: str | None = None
    aliases: tuple[str, ...] = ()
    notes: str | None = None


@attrs.frozen
class DateSpan:
    start: dt.date
    end: dt.date
    precision: DatePrecision = DatePrecision.DAY

    def __attrs_post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"date end {self.end} before start {self.start}")


@attrs.frozen
class Fatalities:
    """Deaths as low / best / high, the breakdown of ``best`` and the injured."""

    low: int
    best: int
    high: int
    perpetrators: int = 0
    security: int = 0
    civilians: int = 0
    unknown: int = 0
    injured: int | None = None

    def __attrs_post_init__(self) -> None:
        if not 0 <= self.low <= self.best <= self.high:
            raise ValueError(
                f"fatalities need 0 <= low <= best <= high, got {self.low}/{self.best}/{self.high}"
            )
        parts = self.perpetrators + self.security + self.civilians + self.unknown
        if parts != self.best:
            raise ValueError(f"fatality breakdown sums to {parts}, best is {self.best}")


@attrs.frozen
class Participant:
    actor: str  # actor id
    role: Role


@attrs.frozen
class Link:
    incident: str
    relation: Relation


@attrs.frozen
class Claim:
    """What one source says about one incident, and the sentence it says it in."""

    source: str  # source id
    quote: str
    date: dt.date | None = None
    date_text: str | None = None
    place: str | None = None  # place id
    place_text: str | None = None
    killed: int | None = None
    killed_perpetrators: int | None = None
    killed_security: int | None = None
    killed_civilians: int | None = None
    injured: int | None = None
    arrested: int | None = None
    note: str | None = None


@attrs.frozen
class Incident:
    id: str
    title: str
    event_type: EventType
    date: DateSpan
    place: str  # place id
    place_precision: PlacePrecision
    fatalities: Fatalities
    actors: tuple[Participant, ...]
    claims: tuple[Claim, ...]
    summary: str
    rule: str
    suicide: bool = False
    weapons: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()
    related: tuple[Link, ...] = ()
    facts: Facts = attrs.field(factory=Facts)
    admin1: str | None = None  # the unit the event lies in, when it differs from the place's
    admin1_2011: str | None = None

    def actors_in(self, role: Role) -> tuple[str, ...]:
        return tuple(p.actor for p in self.actors if p.role is role)

    @property
    def sources(self) -> tuple[str, ...]:
        """Source ids in first-claim order, without repeats."""
        return tuple(dict.fromkeys(c.source for c in self.claims))

    def conflicts(self) -> dict[str, tuple[Any, ...]]:
        """Fields on which the claims disagree, with the distinct values claimed."""
        out: dict[str, tuple[Any, ...]] = {}
        for field in ("date", "place", "killed", "killed_security", "killed_perpetrators", "injured"):
            values = tuple(
                dict.fromkeys(getattr(c, field) for c in self.claims if getattr(c, field) is not None)
            )
            if len(values) > 1:
                out[field] = values
        return out


@attrs.frozen
class OutOfScope:
    source: str
    quote: str
    reason: str
    country: str | None = None


@attrs.frozen
class Dataset:
    """The curated dataset: iterate it for incidents; registries by id."""

    incidents: tuple[Incident, ...]
    places: dict[str, Place]
    actors: dict[str, Actor]
    sources: dict[str, Source]
    out_of_scope: tuple[OutOfScope, ...] = ()
    version: str = "0"

    def __iter__(self) -> Iterator[Incident]:
        return iter(self.incidents)

    def __len__(self) -> int:
        return len(self.incidents)

    def __getitem__(self, incident_id: str) -> Incident:
        for inc in self.incidents:
            if inc.id == incident_id:
                return inc
        raise KeyError(incident_id)

    def to_arrow(self) -> pa.Table:
        """The canonical pyarrow Table (see :mod:`kzevents.table`): one row per incident, claims included."""
        from kzevents import table  # pyarrow: imported on use, so that ``import kzevents`` stays light

        cols = table.empty_columns()
        for inc in self.incidents:
            for k, v in canonical_row(self, inc).items():
                cols[k].append(v)
        return table.from_columns(cols, {"dataset_version": self.version})

    def to_pandas(self) -> Any:
        return self.to_arrow().to_pandas()


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


def canonical_row(ds: Dataset, inc: Incident) -> dict[str, Any]:
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


def _part_row(ds: Dataset, p: Part) -> dict[str, Any]:
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
