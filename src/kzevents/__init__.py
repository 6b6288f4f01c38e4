"""kzevents: the 2011-2012 militant violence in Kazakhstan as a curated, source-attributed dataset.

>>> import kzevents
>>> ds = kzevents.load()          # doctest: +SKIP
>>> ds.to_arrow()                 # doctest: +SKIP
"""

from __future__ import annotations

from kzevents._version import __version__
from kzevents.errors import DataError, KzeventsError, Problem, UsageError
from kzevents.load import load, load_dataset
from kzevents.model import (
    Actor,
    ActorType,
    Claim,
    Dataset,
    DatePrecision,
    DateSpan,
    EventType,
    Fatalities,
    Incident,
    OutOfScope,
    Place,
    PlacePrecision,
    Role,
    Source,
)
from kzevents.summary import info

__all__ = [
    "Actor",
    "ActorType",
    "Claim",
    "DataError",
    "Dataset",
    "DatePrecision",
    "DateSpan",
    "EventType",
    "Fatalities",
    "Incident",
    "KzeventsError",
    "OutOfScope",
    "Place",
    "PlacePrecision",
    "Problem",
    "Role",
    "Source",
    "UsageError",
    "__version__",
    "info",
    "load",
    "load_dataset",
]
