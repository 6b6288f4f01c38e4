"""The canonical table: one explicit, versioned Arrow schema that every writer starts from and every
reader ends in. One row per incident (per event, for external datasets).

This is the hub of the data flow: the curated dataset (:mod:`kzevents.dataset`) becomes this table, every
format's reader (:mod:`kzevents.formats`) ends in it, and every writer (:mod:`kzevents.outputs`) and the
matcher (:mod:`kzevents.matching`) start from it. It knows no format and no dataset.
"""

from __future__ import annotations

import functools
import json
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from kzevents._version import __version__
from kzevents.arrays import strings, zeros

# minor versions add nullable columns at the end of FIELDS; a reader of this version fills the columns an
# older file lacks with nulls (``conform``). 1.1: the incident facts (explosion_stage ... parts);
# 1.2: native_geo_precision, source_headlines, fatalities_known (the matcher compares them)
CANONICAL_SCHEMA_VERSION = "1.2"

_DICT = pa.dictionary(pa.int32(), pa.string())

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
WEAPON_TYPE = pa.struct([pa.field("type", pa.string()), pa.field("subtype", pa.string())])
RESPONSIBILITY_TYPE = pa.struct(
    [pa.field("group", pa.string()), pa.field("group_id", pa.string()), pa.field("mode", pa.string())]
)
PART_TYPE = pa.struct(
    [
        pa.field("n", pa.int32()),
        pa.field("title", pa.string()),
        pa.field("event_type", pa.string()),
        pa.field("actor2", pa.string()),
        pa.field("actor2_id", pa.string()),
        pa.field("actor2_type", pa.string()),
        pa.field("actor2_unit", pa.string()),
        pa.field("targets", pa.list_(pa.string())),
        pa.field("weapons", pa.list_(pa.string())),
        pa.field("weapon_details", pa.list_(WEAPON_TYPE)),
        pa.field("fatalities", pa.int32()),
        pa.field("deaths_perpetrators", pa.int32()),
        pa.field("deaths_security", pa.int32()),
        pa.field("deaths_civilians", pa.int32()),
        pa.field("deaths_unknown", pa.int32()),
        pa.field("injured", pa.int32()),
        pa.field("suicide", pa.bool_()),
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
    ("dataset", _DICT, False, "Dataset the row comes from: kzevents, acled, gtd, ged"),
    ("event_date", pa.date32(), False, "First day of the event"),
    ("event_date_end", pa.date32(), False, "Last day of the event (== event_date for one-day events)"),
    ("date_precision", _DICT, False, "day | days | week | month | approximate"),
    (
        "event_type",
        _DICT,
        True,
        "kzevents taxonomy (see data/README.md); null where a dataset's type has no match",
    ),
    (
        "native_event_type",
        _DICT,
        True,
        "The source dataset's own event type (ACLED event_type, GTD attack type…)",
    ),
    ("native_sub_event_type", _DICT, True, "The source dataset's own sub-type (ACLED sub_event_type…)"),
    ("title", pa.string(), True, "Short title"),
    ("summary", pa.string(), True, "Description in kzevents' words (or the dataset's notes)"),
    ("country_iso3", _DICT, True, "ISO 3166-1 alpha-3"),
    ("country", _DICT, True, "Country name as the dataset writes it"),
    ("admin1_code", _DICT, True, "ISO 3166-2 code (numeric form for Kazakhstan)"),
    ("admin1", _DICT, True, "First-level unit, kzevents' English name"),
    ("admin1_code_2011", _DICT, True, "ISO 3166-2 code of the unit at the time (pre-2022 alphabetic code)"),
    ("admin2", pa.string(), True, "Second-level unit (district)"),
    ("place_id", pa.string(), True, "Gazetteer id (kzevents)"),
    ("location", pa.string(), True, "Place name"),
    ("latitude", pa.float64(), True, "WGS84 latitude"),
    ("longitude", pa.float64(), True, "WGS84 longitude"),
    (
        "geo_precision",
        _DICT,
        True,
        "Where the point really is: town (in the named place, its own point) | near_town (near or outside "
        "it, "
        "its point) | town_nearby_point (in the named place, the point of a nearby place) | area (somewhere "
        "in a named area, a nominal point) | region (the first-level unit's point) | country (the country's "
        "point)",
    ),
    ("actor1", pa.string(), True, "Initiating side, ACLED-style name"),
    ("actor1_id", pa.string(), True, "kzevents actor id"),
    ("actor1_type", _DICT, True, "ACLED actor type of actor1"),
    ("actor1_kind", _DICT, True, "state | non_state | civilian (kzevents)"),
    ("actor1_gtd_name", pa.string(), True, "GTD's spelling of actor1 (gname), where it has one"),
    ("assoc_actor_1", pa.list_(pa.string()), True, "Actors associated with actor1"),
    ("actor2", pa.string(), True, "Other side"),
    ("actor2_id", pa.string(), True, "kzevents actor id"),
    ("actor2_type", _DICT, True, "ACLED actor type of actor2"),
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
    ("source_scale", _DICT, True, "ACLED-style source scale, tokens joined by '-'"),
    ("source_citations", pa.list_(pa.string()), True, "Citations: '\"Title,\" Publisher, date.'"),
    ("claims", pa.list_(CLAIM_TYPE), True, "Each source's claim with the sentence it rests on"),
    ("conflicts", pa.list_(pa.string()), True, "Claim fields on which sources disagree"),
    ("rule", pa.string(), True, "How the row's values were chosen from the claims"),
    ("related", pa.list_(RELATED_TYPE), True, "Linked incidents"),
    ("provenance", pa.list_(pa.string()), True, "After a merge: every 'dataset:id' collapsed into this row"),
    (
        "explosion_stage",
        _DICT,
        True,
        "Where a device was when it went off: making | handling (at base) | deploying | at_target | unknown",
    ),
    ("explosion_detonation", _DICT, True, "intended | accidental | unknown"),
    (
        "responsibility",
        pa.list_(RESPONSIBILITY_TYPE),
        True,
        "Claims of responsibility: the group (name, kzevents id) and how it claimed (GTD claimmode)",
    ),
    (
        "property_damage",
        pa.bool_(),
        True,
        "A source reports property damage (false: says none; null: no source)",
    ),
    ("damage_extent", _DICT, True, "catastrophic | major | minor | unknown (GTD propextent)"),
    ("resistance", _DICT, True, "Security operations: fire | security_casualties | none_reported"),
    ("perpetrator_form", _DICT, True, "individual (one person alone) | group | unknown"),
    ("perpetrator_count", pa.int32(), True, "Number of perpetrators where a source gives it"),
    (
        "doubt",
        pa.list_(pa.string()),
        True,
        "Sources' non-terrorist explanations: insurgency | crime | intergroup | unintentional | state",
    ),
    ("weapon_details", pa.list_(WEAPON_TYPE), True, "Weapons with their subtypes, where a source names them"),
    ("protest_intervention", _DICT, True, "Protests: reported | none_reported (state intervention)"),
    (
        "parts",
        pa.list_(PART_TYPE),
        True,
        "A series of attacks at several sites: each part's type, other side, weapons, targets and numbers",
    ),
    # 1.2 (the matcher compares them; readers fill them)
    (
        "native_geo_precision",
        _DICT,
        True,
        "The dataset's own place-precision code as written (GED where_prec 1-7, ACLED geo_precision 1-3, "
        "GTD specificity 1-5); null for kzevents",
    ),
    (
        "source_headlines",
        pa.list_(pa.string()),
        True,
        "Headlines of the source articles, where the dataset gives them (GED source_headline)",
    ),
    (
        "fatalities_known",
        pa.bool_(),
        True,
        "False where the dataset's fatality figure stands for 'not known' (ACLED writes 0 and 'casualties "
        "unknown' in the notes); true where the dataset's reader checked and the figure is a count; null "
        "where the dataset does not say",
    ),
]


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


def assemble(cols: dict[str, pa.Array | pa.ChunkedArray], n: int) -> pa.Table:
    """A canonical table of ``n`` rows from the arrays a reader made (missing columns become nulls; text
    becomes the dictionary columns the schema asks for)."""
    schema = base_schema()
    arrays = []
    for f in schema:
        a = cols.get(f.name)
        if a is None:
            arrays.append(pa.nulls(n, f.type))
        elif pa.types.is_dictionary(f.type):
            arrays.append(a if pa.types.is_dictionary(a.type) else _dictionary(a))
        else:
            arrays.append(a.cast(f.type) if a.type != f.type else a)
    return pa.Table.from_arrays(arrays, schema=schema)


def conform(t: pa.Table) -> pa.Table:
    """A table of an older minor version of the canonical schema (fewer columns) with the columns it lacks
    added as nulls, in the schema's order; a table that has every column is returned as it is."""
    names = set(t.column_names)
    missing = [f for f in base_schema() if f.name not in names]
    if not missing:
        return t
    for f in missing:
        t = t.append_column(f, pa.nulls(t.num_rows, f.type))
    order = [n for n in base_schema().names] + [n for n in t.column_names if n not in base_schema().names]
    return t.select(order)


def _dictionary(a: pa.Array | pa.ChunkedArray) -> pa.Array:
    return pc.dictionary_encode(a.cast(pa.string()))


def part_rows(row: dict[str, Any]) -> list[dict[str, Any]]:
    """A canonical row of an incident that is a series (``parts``) as one row per part: the part's own type,
    other side, weapons, targets and numbers over the incident's values; ``_part_n`` / ``_part_count`` say
    which. A row without parts is itself."""
    parts = row.get("parts") or []
    out = []
    for p in parts:
        killed = p["fatalities"]
        out.append(
            {
                **row,
                **{k: p[k] for k in ("event_type", "actor2", "actor2_id", "actor2_type", "actor2_unit")},
                **{k: p[k] for k in ("targets", "weapons", "weapon_details", "injured", "suicide")},
                **{
                    k: p[k]
                    for k in ("deaths_perpetrators", "deaths_security", "deaths_civilians", "deaths_unknown")
                },
                "title": p["title"],
                "fatalities_low": killed,
                "fatalities_best": killed,
                "fatalities_high": killed,
                "assoc_actor_2": [],
                "_part_n": p["n"],
                "_part_count": len(parts),
            }
        )
    return out or [row]


def constant(value: str, n: int) -> pa.DictionaryArray:
    """A dictionary column holding ``value`` in each of ``n`` rows (``dataset``)."""
    return pa.DictionaryArray.from_arrays(zeros(n), strings((value,)))
