"""The typed in-memory model of the curated dataset (frozen attrs classes).

The classes mirror the TOML files under ``data/`` (see ``data/README.md``). Every source's claim about an
incident is kept as a :class:`Claim`; the incident's own values (:attr:`Incident.date`,
:attr:`Incident.fatalities`, :attr:`Incident.place`) are the values chosen by the rule written in
:attr:`Incident.rule`.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import attrs

if TYPE_CHECKING:  # pragma: no cover
    import pyarrow as pa


class DatePrecision(enum.StrEnum):
    """How precisely an event's date is known."""

    DAY = "day"  # the exact day
    DAYS = "days"  # within a few days (start..end)
    WEEK = "week"
    MONTH = "month"
    APPROXIMATE = "approximate"


class PlacePrecision(enum.StrEnum):
    """How precisely an event's place is known (ACLED geo_precision 1/2/3)."""

    TOWN = "town"  # in the named town
    NEAR_TOWN = "near_town"  # near the named town, or a part of a region
    REGION = "region"  # only the region is known


class EventType(enum.StrEnum):
    """kzevents' own event taxonomy; ``exporters/`` maps it onto ACLED, GTD and GED."""

    SUICIDE_BOMBING = "suicide_bombing"
    BOMBING = "bombing"
    PREMATURE_EXPLOSION = "premature_explosion"
    ARMED_ATTACK = "armed_attack"
    SECURITY_OPERATION = "security_operation"
    MASS_KILLING = "mass_killing"
    ARREST = "arrest"
    WEAPONS_SEIZURE = "weapons_seizure"
    UNREST = "unrest"


class ActorType(enum.StrEnum):
    """ACLED's actor types (``inter1``/``inter2``), numeric code in :attr:`code`."""

    STATE_FORCES = "State forces"
    REBEL_GROUP = "Rebel group"
    POLITICAL_MILITIA = "Political militia"
    IDENTITY_MILITIA = "Identity militia"
    RIOTERS = "Rioters"
    PROTESTERS = "Protesters"
    CIVILIANS = "Civilians"
    EXTERNAL_OTHER = "External/Other forces"

    @property
    def code(self) -> int:
        return list(ActorType).index(self) + 1


class ActorKind(enum.StrEnum):
    STATE = "state"
    NON_STATE = "non_state"
    CIVILIAN = "civilian"


class Role(enum.StrEnum):
    """An actor's side in an incident, by ACLED's convention (actor 1 initiates)."""

    ACTOR1 = "actor1"
    ASSOC1 = "assoc1"
    ACTOR2 = "actor2"
    ASSOC2 = "assoc2"


class Relation(enum.StrEnum):
    SAME_PERPETRATORS = "same_perpetrators"
    FOLLOW_UP = "follow_up"
    RESPONSE_TO = "response_to"
    SAME_OPERATION = "same_operation"


@attrs.frozen
class Source:
    id: str
    file: str
    publisher: str
    title: str
    language: str
    scale: str
    published: str | None = None
    notes: str | None = None


@attrs.frozen
class Place:
    id: str
    name: str
    feature: str
    admin1: str  # ISO 3166-2:KZ, numeric form (KZ-75)
    latitude: float
    longitude: float
    precision: str  # town | area | region: what the coordinates stand for
    admin2: str | None = None
    admin1_2011: str | None = None
    admin1_name_2011: str | None = None
    geonames_id: int | None = None
    coord_source: str | None = None
    coord_verified: bool = True
    spellings: tuple[str, ...] = ()
    notes: str | None = None

    @property
    def admin1_name(self) -> str:
        from kzevents.admin import subdivision_name

        return subdivision_name(self.admin1)


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
        """The canonical pyarrow Table (see :mod:`kzevents.canonical`)."""
        from kzevents.canonical import dataset_to_table

        return dataset_to_table(self)

    def to_pandas(self) -> Any:
        return self.to_arrow().to_pandas()
