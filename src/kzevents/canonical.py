"""The canonical table: one explicit, versioned Arrow schema that every writer starts from and every
reader ends in. One row per incident (per event, for external datasets).

pyarrow is imported here, never at package import time.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from kzevents._version import __version__

if TYPE_CHECKING:  # pragma: no cover
    from kzevents.model import Dataset

CANONICAL_SCHEMA_VERSION = "1.0"

_dict = pa.dictionary(pa.int32(), pa.string())

CLAIM_TYPE = pa.struct(
    [
        pa.field("source", pa.string(), nullable=False),
        pa.field("quote", pa.string(), nullable=False),
        pa.field("date", pa.date32()),
        pa.field("date_text", pa.string()),
        pa.field("place", pa.string()),
        pa.field("place_text", pa.string()),
        pa.field("killed", pa.int32()),
        pa.field("killed_perpetrators", pa.int32()),
        pa.field("killed_security", pa.int32()),
        pa.field("killed_civilians", pa.int32()),
        pa.field("injured", pa.int32()),
        pa.field("arrested", pa.int32()),
        pa.field("note", pa.string()),
    ]
)
RELATED_TYPE = pa.struct(
    [pa.field("incident", pa.string(), nullable=False), pa.field("relation", pa.string())]
)

# columns whose Parquet column chunks carry min/max statistics (what queries filter on: ids, dates, types,
# places, coordinates, counts); free text and lists carry none, which saves a pass over them when writing
STATISTICS_COLUMNS = [
    "event_id",
    "dataset",
    "event_date",
    "event_date_end",
    "date_precision",
    "event_type",
    "native_event_type",
    "country_iso3",
    "admin1_code",
    "latitude",
    "longitude",
    "fatalities_low",
    "fatalities_best",
    "fatalities_high",
]

FIELDS: list[tuple[str, pa.DataType, bool, str]] = [
    # name, type, nullable, description
    ("event_id", pa.string(), False, "Identifier within its dataset (KZE-0001 for kzevents)"),
    ("dataset", _dict, False, "Dataset the row comes from: kzevents, acled, gtd, ged"),
    ("event_date", pa.date32(), False, "First day of the event"),
    ("event_date_end", pa.date32(), False, "Last day of the event (== event_date for one-day events)"),
    ("date_precision", _dict, False, "day | days | week | month | approximate"),
    (
        "event_type",
        _dict,
        True,
        "kzevents taxonomy (see data/README.md); null where a dataset's type has no match",
    ),
    (
        "native_event_type",
        _dict,
        True,
        "The source dataset's own event type (ACLED event_type, GTD attack type…)",
    ),
    ("native_sub_event_type", _dict, True, "The source dataset's own sub-type (ACLED sub_event_type…)"),
    ("title", pa.string(), True, "Short title"),
    ("summary", pa.string(), True, "Description in kzevents' words (or the dataset's notes)"),
    ("country_iso3", _dict, True, "ISO 3166-1 alpha-3"),
    ("country", _dict, True, "Country name as the dataset writes it"),
    ("admin1_code", _dict, True, "ISO 3166-2 code (numeric form for Kazakhstan)"),
    ("admin1", _dict, True, "First-level unit, kzevents' English name"),
    ("admin1_code_2011", _dict, True, "ISO 3166-2 code of the unit at the time (pre-2022 alphabetic code)"),
    ("admin2", pa.string(), True, "Second-level unit (district)"),
    ("place_id", pa.string(), True, "Gazetteer id (kzevents)"),
    ("location", pa.string(), True, "Place name"),
    ("latitude", pa.float64(), True, "WGS84 latitude"),
    ("longitude", pa.float64(), True, "WGS84 longitude"),
    ("geo_precision", _dict, True, "town | near_town | region"),
    ("actor1", pa.string(), True, "Initiating side, ACLED-style name"),
    ("actor1_id", pa.string(), True, "kzevents actor id"),
    ("actor1_type", _dict, True, "ACLED actor type of actor1"),
    ("actor1_kind", _dict, True, "state | non_state | civilian (kzevents)"),
    ("actor1_gtd_name", pa.string(), True, "GTD's spelling of actor1 (gname), where it has one"),
    ("assoc_actor_1", pa.list_(pa.string()), True, "Actors associated with actor1"),
    ("actor2", pa.string(), True, "Other side"),
    ("actor2_id", pa.string(), True, "kzevents actor id"),
    ("actor2_type", _dict, True, "ACLED actor type of actor2"),
    ("actor2_unit", pa.string(), True, "Unit of actor2 (e.g. the KNB's Arystan special forces)"),
    ("assoc_actor_2", pa.list_(pa.string()), True, "Actors associated with actor2"),
    ("fatalities_low", pa.int32(), True, "Lowest figure any source gives"),
    ("fatalities_best", pa.int32(), True, "Best estimate"),
    ("fatalities_high", pa.int32(), True, "Highest figure any source gives"),
    ("deaths_perpetrators", pa.int32(), True, "Breakdown of the best estimate: attackers / militants"),
    ("deaths_security", pa.int32(), True, "Breakdown: security forces"),
    ("deaths_civilians", pa.int32(), True, "Breakdown: civilians"),
    ("deaths_unknown", pa.int32(), True, "Breakdown: unknown status"),
    ("injured", pa.int32(), True, "Injured (null when no source gives a number)"),
    ("suicide", pa.bool_(), True, "Suicide attack"),
    ("weapons", pa.list_(pa.string()), True, "explosives | firearms | incendiary | melee | unknown"),
    (
        "targets",
        pa.list_(pa.string()),
        True,
        "police | military | government | private_citizens | business | none",
    ),
    ("sources", pa.list_(pa.string()), True, "Source ids (kzevents)"),
    ("source_names", pa.list_(pa.string()), True, "Source names (publishers), as ACLED's source column"),
    ("source_scale", _dict, True, "ACLED-style source scale, tokens joined by '-'"),
    ("source_citations", pa.list_(pa.string()), True, "Citations: '\"Title,\" Publisher, date.'"),
    ("claims", pa.list_(CLAIM_TYPE), True, "Each source's claim with the sentence it rests on"),
    ("conflicts", pa.list_(pa.string()), True, "Claim fields on which sources disagree"),
    ("rule", pa.string(), True, "How the row's values were chosen from the claims"),
    ("related", pa.list_(RELATED_TYPE), True, "Linked incidents"),
    ("provenance", pa.list_(pa.string()), True, "After a merge: every 'dataset:id' collapsed into this row"),
]


# ACLED writes combined scales lowest level first ("Other-National", "National-International"),
# reference/acled.md §7
SCALE_ORDER = ("Local partner", "Other", "New media", "Subnational", "National", "Regional", "International")


def source_scale(scales: Iterable[str]) -> str | None:
    """Combine source scales the way ACLED's ``source_scale`` does."""
    found = set(scales)
    ordered = [s for s in SCALE_ORDER if s in found]
    return "-".join(ordered) or None


def citation(s: Any) -> str:
    """A source as '"Title," Publisher, date.' (GTD's scite style)."""
    return f'"{s.title}," {s.publisher}' + (f", {s.published}." if s.published else ".")


def metadata(extra: dict[str, Any] | None = None) -> dict[bytes, bytes]:
    meta: dict[str, Any] = {
        "canonical_schema_version": CANONICAL_SCHEMA_VERSION,
        "kzevents_version": __version__,
    }
    meta.update(extra or {})
    return {b"kzevents": json.dumps(meta, sort_keys=True).encode()}


def schema(extra_metadata: dict[str, Any] | None = None) -> pa.Schema:
    """The canonical Arrow schema, with the ``kzevents`` metadata key."""
    fields = [pa.field(n, t, nullable=nl, metadata={"description": d}) for n, t, nl, d in FIELDS]
    return pa.schema(fields, metadata=metadata(extra_metadata))


@functools.cache
def base_schema() -> pa.Schema:
    """``schema()`` without extra metadata, built once (readers assemble every batch against it)."""
    return schema()


def empty_columns() -> dict[str, list[Any]]:
    return {name: [] for name, *_ in FIELDS}


def from_columns(columns: dict[str, list[Any]], extra_metadata: dict[str, Any] | None = None) -> pa.Table:
    """Build a canonical table from Python lists (missing columns become nulls)."""
    s = schema(extra_metadata)
    n = max((len(v) for v in columns.values()), default=0)
    arrays = []
    for f in s:
        values = columns.get(f.name) or [None] * n
        if pa.types.is_dictionary(f.type):
            arrays.append(pa.array(values, type=pa.string()).dictionary_encode())
        else:
            arrays.append(pa.array(values, type=f.type))
    return pa.Table.from_arrays(arrays, schema=s)


def dataset_to_table(ds: Dataset) -> pa.Table:
    """The curated dataset as the canonical table: one row per incident, claims included."""
    from kzevents.model import Role

    cols = empty_columns()
    for inc in ds:
        place = ds.places[inc.place]

        def actor(role: Role, inc: Any = inc) -> tuple[str | None, str | None, str | None]:
            ids = inc.actors_in(role)
            if not ids:
                return None, None, None
            a = ds.actors[ids[0]]
            return a.name, a.id, a.acled_type.value

        def assoc(role: Role, inc: Any = inc) -> list[str]:
            return list(dict.fromkeys(ds.actors[i].name for i in inc.actors_in(role)))

        a1, a1_id, a1_t = actor(Role.ACTOR1)
        a2, a2_id, a2_t = actor(Role.ACTOR2)
        f = inc.fatalities
        row: dict[str, Any] = {
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
            "source_citations": [citation(ds.sources[s]) for s in inc.sources],
            "claims": [
                {
                    "source": c.source,
                    "quote": c.quote,
                    "date": c.date,
                    "date_text": c.date_text,
                    "place": c.place,
                    "place_text": c.place_text,
                    "killed": c.killed,
                    "killed_perpetrators": c.killed_perpetrators,
                    "killed_security": c.killed_security,
                    "killed_civilians": c.killed_civilians,
                    "injured": c.injured,
                    "arrested": c.arrested,
                    "note": c.note,
                }
                for c in inc.claims
            ],
            "conflicts": sorted(inc.conflicts()),
            "rule": inc.rule,
            "related": [{"incident": r.incident, "relation": r.relation.value} for r in inc.related],
        }
        for k, v in row.items():
            cols[k].append(v)
    return from_columns(cols, {"dataset_version": ds.version})
