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
