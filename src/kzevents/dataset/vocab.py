"""The controlled vocabularies of the curated dataset: kzevents' event taxonomy, date and place precision,
ACLED's actor types, actor kinds, roles and relations between incidents. ``exporters/`` maps them onto each
format's own codes."""

from __future__ import annotations

import enum


class DatePrecision(enum.StrEnum):
    """How precisely an event's date is known."""

    DAY = "day"  # the exact day
    DAYS = "days"  # within a few days (start..end)
    WEEK = "week"
    MONTH = "month"
    APPROXIMATE = "approximate"


class PlacePrecision(enum.StrEnum):
    """How precisely an incident's place is known (what the documents say about where it happened)."""

    TOWN = "town"  # in the named place
    NEAR_TOWN = "near_town"  # near, outside or on the outskirts of the named place
    AREA = "area"  # somewhere in a named area that is no town (a park)
    REGION = "region"  # only the first-level unit is known
    COUNTRY = "country"  # only the country is known


class PointPrecision(enum.StrEnum):
    """What a gazetteer point (data/places.toml) stands for."""

    TOWN = "town"  # the named place itself
    NEARBY = "nearby"  # another, nearby place: the named place has no coordinates of its own
    AREA = "area"  # a nominal point of a large area
    REGION = "region"  # a first-level unit's point (its centre)
    COUNTRY = "country"  # the country's point


class GeoPrecision(enum.StrEnum):
    """The canonical location code: the incident's precision and what its point stands for, combined once
    (``dataset.model.geo_precision``); each crosswalk maps it onto its format's code."""

    TOWN = "town"  # in the named place, the point is the place's own
    NEAR_TOWN = "near_town"  # near the named place, the point is the place's
    TOWN_NEARBY_POINT = "town_nearby_point"  # in the named place, the point is a nearby place's
    AREA = "area"  # somewhere in a named area, nominal point
    REGION = "region"  # the first-level unit, its point
    COUNTRY = "country"  # the country, its point


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
    PROTEST = "protest"
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
    SAME_ATTACK = "same_attack"  # parts of one coordinated attack (GTD multiple / related)


# --- facts an incident may record, each with its evidence (dataset.facts) ------------------------------


class ExplosionStage(enum.StrEnum):
    """Where a device was when it went off (GTD's 'out the door' threshold, gtd.md §6)."""

    MAKING = "making"  # while being made or prepared, at home or base
    HANDLING = "handling"  # while stored, moved or handled at base, no attack under way
    DEPLOYING = "deploying"  # on the way to, or placed near, the target: the attack was under way
    AT_TARGET = "at_target"
    UNKNOWN = "unknown"


class Detonation(enum.StrEnum):
    INTENDED = "intended"
    ACCIDENTAL = "accidental"
    UNKNOWN = "unknown"


class ClaimMode(enum.StrEnum):
    """How a group claimed an attack (GTD claimmode 1-10, gtd.md §11)."""

    LETTER = "letter"
    CALL_POST = "call_post"
    CALL_PRE = "call_pre"
    EMAIL = "email"
    NOTE = "note"
    VIDEO = "video"
    WEBSITE = "website"
    PERSONAL = "personal"
    OTHER = "other"
    UNKNOWN = "unknown"


class DamageExtent(enum.StrEnum):
    """GTD propextent 1-4 (gtd.md §12); ``minor`` = likely under $1 million."""

    CATASTROPHIC = "catastrophic"
    MAJOR = "major"
    MINOR = "minor"
    UNKNOWN = "unknown"


class Resistance(enum.StrEnum):
    """What the documents report of fighting in a security operation."""

    FIRE = "fire"  # armed resistance, shots or a shoot-out reported
    SECURITY_CASUALTIES = "security_casualties"  # the operating forces were killed or wounded
    NONE_REPORTED = "none_reported"  # no fighting and no security casualties reported


class PerpetratorForm(enum.StrEnum):
    INDIVIDUAL = "individual"  # one person acting alone: no organised actor (UCDP)
    GROUP = "group"
    UNKNOWN = "unknown"


class DoubtAlternative(enum.StrEnum):
    """A source's non-terrorist explanation (GTD alternative 1-5, gtd.md §6)."""

    INSURGENCY = "insurgency"
    CRIME = "crime"
    INTERGROUP = "intergroup"
    UNINTENTIONAL = "unintentional"
    STATE = "state"


class Intervention(enum.StrEnum):
    """Whether the documents report state intervention against a protest (ACLED acled.md §2)."""

    REPORTED = "reported"
    NONE_REPORTED = "none_reported"


# weapon type -> the subtypes a [[weapon]] table may give it (exporters/gtd.toml maps them, gtd.md §10)
WEAPON_SUBTYPES: dict[str, tuple[str, ...]] = {
    "explosives": ("ied", "vehicle", "suicide", "projectile", "grenade", "tnt", "unknown"),
    "firearms": ("automatic_rifle", "handgun", "rifle", "unknown"),
    "incendiary": ("arson", "molotov", "unknown"),
    "melee": ("unknown",),
    "unknown": ("unknown",),
}
