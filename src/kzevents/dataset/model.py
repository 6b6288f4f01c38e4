"""The typed in-memory model of the curated dataset (frozen attrs classes).

The classes mirror the TOML files under ``data/`` (see ``data/README.md``). Every source's claim about an
incident is kept as a :class:`Claim`; the incident's own values (:attr:`Incident.date`,
:attr:`Incident.fatalities`, :attr:`Incident.place`) are the values chosen by the rule written in
:attr:`Incident.rule`.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, TypeVar, overload

import attrs

from kzevents.dataset import display
from kzevents.dataset.admin1 import subdivision_name
from kzevents.dataset.facts import Facts
from kzevents.dataset.rows import canonical_row
from kzevents.dataset.vocab import (
    ActorKind,
    ActorType,
    DatePrecision,
    EventType,
    PlacePrecision,
    PointPrecision,
    Relation,
    Role,
)

if TYPE_CHECKING:  # pragma: no cover
    import geopandas
    import pandas
    import polars
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


@attrs.frozen(repr=False)
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

    def __repr__(self) -> str:
        return display.incident_repr(self)

    def _repr_html_(self) -> str:
        return display.incident_html(self)

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


K = TypeVar("K")
V = TypeVar("V")


class FrozenMap(Mapping[K, V]):
    """A read-only mapping (the dataset's registries): no item can be set or removed through it, and unlike
    ``types.MappingProxyType`` it pickles (for multiprocessing and notebook caches)."""

    __slots__ = ("_data",)

    def __init__(self, data: Mapping[K, V] | Iterable[tuple[K, V]] = ()) -> None:
        self._data: dict[K, V] = dict(data)

    def __getitem__(self, key: K) -> V:
        return self._data[key]

    def __iter__(self) -> Iterator[K]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        keys = ", ".join(map(repr, list(self._data)[:5]))
        return f"FrozenMap({len(self._data)} entries: {keys}" + (", …)" if len(self._data) > 5 else ")")

    def __getstate__(self) -> dict[K, V]:
        return self._data

    def __setstate__(self, state: dict[K, V]) -> None:
        self._data = state


def _frozen_map(data: Mapping[str, Any]) -> FrozenMap[str, Any]:
    return data if isinstance(data, FrozenMap) else FrozenMap(data)


def _out_of_scope(items: Iterable[OutOfScope]) -> tuple[OutOfScope, ...]:
    return tuple(items)


def _in_id_order(incidents: Iterable[Incident]) -> tuple[Incident, ...]:
    out = tuple(sorted(incidents, key=lambda inc: inc.id))
    for a, b in itertools.pairwise(out):
        if a.id == b.id:
            raise ValueError(f"two incidents have the id {a.id}")
    return out


@attrs.frozen(repr=False)
class Dataset:
    """The curated dataset: a sequence of incidents in id order (``ds[0]``, ``ds[1:3]``, ``for inc in
    ds``) and a mapping from incident id (``ds["KZE-0001"]``, ``"KZE-0001" in ds``, ``ds.keys()``,
    ``ds.get(id)``: a dict look-up); its registries of places, actors and sources are read-only mappings
    by id. The dataset that :func:`kzevents.load` caches cannot be changed through any of them."""

    incidents: tuple[Incident, ...] = attrs.field(converter=_in_id_order)
    places: FrozenMap[str, Place] = attrs.field(converter=_frozen_map)
    actors: FrozenMap[str, Actor] = attrs.field(converter=_frozen_map)
    sources: FrozenMap[str, Source] = attrs.field(converter=_frozen_map)
    out_of_scope: tuple[OutOfScope, ...] = attrs.field(default=(), converter=_out_of_scope)
    version: str = "0"
    _index: FrozenMap[str, int] = attrs.field(init=False, eq=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_index", FrozenMap({inc.id: i for i, inc in enumerate(self.incidents)}))

    def __iter__(self) -> Iterator[Incident]:
        return iter(self.incidents)

    def __len__(self) -> int:
        return len(self.incidents)

    @overload
    def __getitem__(self, key: str | int) -> Incident: ...
    @overload
    def __getitem__(self, key: slice) -> tuple[Incident, ...]: ...
    def __getitem__(self, key: str | int | slice) -> Incident | tuple[Incident, ...]:
        """By incident id (a dict look-up), by position in id order, or a slice of positions."""
        if isinstance(key, str):
            try:
                return self.incidents[self._index[key]]
            except KeyError:
                raise KeyError(f"no incident {key!r} in the dataset") from None
        return self.incidents[key]

    def __contains__(self, item: object) -> bool:
        if isinstance(item, str):
            return item in self._index
        return isinstance(item, Incident) and self._index.get(item.id) is not None and item in self.incidents

    def keys(self) -> tuple[str, ...]:
        """Incident ids, in order."""
        return tuple(self._index)

    def values(self) -> tuple[Incident, ...]:
        return self.incidents

    def items(self) -> tuple[tuple[str, Incident], ...]:
        return tuple((inc.id, inc) for inc in self.incidents)

    def get(self, incident_id: str, default: Incident | None = None) -> Incident | None:
        i = self._index.get(incident_id)
        return default if i is None else self.incidents[i]

    def __repr__(self) -> str:
        return display.dataset_repr(self)

    def _repr_html_(self) -> str:
        return display.dataset_html(self)

    def to_arrow(self) -> pa.Table:
        """The canonical pyarrow Table (see :mod:`kzevents.table`): one row per incident, claims included."""
        from kzevents import table  # pyarrow: imported on use, so that ``import kzevents`` stays light

        cols = table.empty_columns()
        for inc in self.incidents:
            for k, v in canonical_row(self, inc).items():
                cols[k].append(v)
        return table.from_columns(cols, {"dataset_version": self.version})

    # pandas, polars and geopandas are extras: kzevents.frames imports each when its conversion runs and
    # says which extra to install when it is missing

    def to_pandas(self) -> pandas.DataFrame:
        """A pandas DataFrame: datetime64 dates, categoricals, nullable counts (``kzevents[pandas]``)."""
        from kzevents import frames  # pandas: imported on use, so that ``import kzevents`` stays light

        return frames.to_pandas(self.to_arrow())

    def to_polars(self) -> polars.DataFrame:
        """A polars DataFrame: ``Date``, ``Categorical`` (``kzevents[polars]``)."""
        from kzevents import frames  # polars: imported on use

        return frames.to_polars(self.to_arrow())

    def to_geopandas(self) -> geopandas.GeoDataFrame:
        """A GeoDataFrame of the incidents as points, OGC:CRS84 (``kzevents[geo]``)."""
        from kzevents import frames  # geopandas: imported on use

        return frames.to_geopandas(self.to_arrow())
