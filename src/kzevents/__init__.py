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

_LAZY = {
    "read": ("kzevents.readers", "read"),
    "convert": ("kzevents.readers", "convert"),
    "validate": ("kzevents.validation", "validate_file"),
    "export": ("kzevents.exports", "export"),
    "match": ("kzevents.matching", "match"),
    "merge": ("kzevents.matching", "merge"),
    "MatchParams": ("kzevents.matching", "MatchParams"),
}


def __getattr__(name: str) -> object:
    """Functions that need pyarrow are imported on first use, so ``import kzevents`` stays light."""
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        return getattr(importlib.import_module(module), attr)
    raise AttributeError(f"module 'kzevents' has no attribute {name!r}")


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
    "MatchParams",
    "OutOfScope",
    "Place",
    "PlacePrecision",
    "Problem",
    "Role",
    "Source",
    "UsageError",
    "__version__",
    "convert",
    "export",
    "info",
    "load",
    "load_dataset",
    "match",
    "merge",
    "read",
    "validate",
]
