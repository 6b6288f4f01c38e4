"""kzevents: the 2011-2012 militant violence in Kazakhstan as a curated, source-attributed dataset.

>>> import kzevents
>>> ds = kzevents.load()          # doctest: +SKIP
>>> ds.to_arrow()                 # doctest: +SKIP

The names below are the public surface. The curated dataset and its model import without pyarrow; the
functions that read, write and match tables import it on first use (``_LAZY``), and are typed for type
checkers through the ``TYPE_CHECKING`` imports.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kzevents._version import __version__
from kzevents.dataset.load import load, load_dataset
from kzevents.dataset.model import (
    Actor,
    Claim,
    Dataset,
    DateSpan,
    Fatalities,
    Incident,
    OutOfScope,
    Place,
    Source,
)
from kzevents.dataset.summary import info
from kzevents.dataset.vocab import ActorType, DatePrecision, EventType, PlacePrecision, Role
from kzevents.errors import DataError, KzeventsError, Problem, UsageError

if TYPE_CHECKING:  # the lazy names below, for type checkers (never imported at run time from here)
    from kzevents.formats.check import validate_file as validate
    from kzevents.formats.reader import read
    from kzevents.matching import MatchParams, match, merge
    from kzevents.outputs.converter import convert
    from kzevents.outputs.exporter import export

# name -> (module, attribute): imported on first use, so that ``import kzevents`` does not import pyarrow
_LAZY = {
    "read": ("kzevents.formats.reader", "read"),
    "convert": ("kzevents.outputs.converter", "convert"),
    "validate": ("kzevents.formats.check", "validate_file"),
    "export": ("kzevents.outputs.exporter", "export"),
    "match": ("kzevents.matching", "match"),
    "merge": ("kzevents.matching", "merge"),
    "MatchParams": ("kzevents.matching", "MatchParams"),
}


def __getattr__(name: str) -> object:
    """Functions that need pyarrow are imported on first use, so ``import kzevents`` stays light."""
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        value = getattr(importlib.import_module(module), attr)
        globals()[name] = value  # later look-ups find it directly
        return value
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
