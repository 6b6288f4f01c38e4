"""One side of a match: the columns of a canonical table the comparisons need, as NumPy arrays, computed
once per table (unit vectors for places, day intervals widened by date precision, place units, coded and
folded names, what happened, fatality ranges, actor keys, publishers)."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import attrs
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kzevents.arrays import combinations
from kzevents.matching import features as feat
from kzevents.matching import reference as ref
from kzevents.matching.actors import Keys
from kzevents.matching.names import place_name, region_name

SLACK_DAYS = {"day": 0, "days": 0, "week": 3, "month": 15, "approximate": 15}


@attrs.frozen
class Codes:
    """A categorical feature: a code per row (-1 missing) into ``vocab`` (folded names, each once)."""

    codes: np.ndarray
    vocab: tuple[str, ...]


def dictionary(a: pa.Array | pa.ChunkedArray) -> pa.DictionaryArray:
    """A column as one dictionary array (encoded if it is not yet; chunks unified, not copied as text)."""
    if isinstance(a, pa.ChunkedArray):
        if a.num_chunks == 1:
            a = a.chunk(0)
        elif pa.types.is_dictionary(a.type):
            return a.unify_dictionaries().combine_chunks()
        else:
            enc = pc.dictionary_encode(a)
            return (enc.unify_dictionaries() if isinstance(enc, pa.ChunkedArray) else enc).combine_chunks()
    return a if pa.types.is_dictionary(a.type) else pc.dictionary_encode(a)


def codes_of(a: pa.Array | pa.ChunkedArray, fn: Callable[[str], str] | None = None) -> Codes:
    """A string column as :class:`Codes`, ``fn`` applied to each distinct value (folding), empty results
    as missing."""
    enc = dictionary(a)
    raw = enc.dictionary.cast(pa.string()).to_pylist()
    vals = [fn(v) if fn and v else (v or "") for v in raw]
    vocab = sorted({v for v in vals if v})
    where = {v: i for i, v in enumerate(vocab)}
    remap = np.array([where.get(v, -1) for v in vals] + [-1], np.int32)
    idx = np.asarray(pc.fill_null(enc.indices, len(raw)).to_numpy(zero_copy_only=False), np.int64)
    return Codes(remap[idx], tuple(vocab))


def unify(a: Codes, b: Codes) -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
    """Both sides' codes in one vocabulary (equal codes = equal folded names)."""
    where = {v: i for i, v in enumerate(a.vocab)}
    extra = [v for v in b.vocab if v not in where]
    for v in extra:
        where[v] = len(where)
    remap = np.array([where[v] for v in b.vocab] + [-1], np.int32)
    bc = remap[np.where(b.codes >= 0, b.codes, len(b.vocab))]
    return a.codes, bc, (*a.vocab, *extra)


@attrs.frozen
class Side:
    ids: pa.Array  # event_id
    dataset: Codes
    xyz: np.ndarray  # (n, 3) float32 unit vectors; nan without coordinates
    has_xy: np.ndarray
    lo: np.ndarray  # first day of the (widened) date interval, days since 1970 (int32)
    hi: np.ndarray
    single_day: np.ndarray  # a one-day event dated to the day
    unit: np.ndarray  # int8 code into reference.UNITS
    unit_class: np.ndarray  # 0 point-level, 1 region-level, 2 coarse (see reference.unit_classes)
    iso3: Codes
    region: Codes  # "ISO3|admin-1" (the ISO 3166-2 code where the reader gives one, else the folded name)
    admin2: Codes
    location: Codes
    nature: np.ndarray  # int8 code into reference.natures(), -1 unknown
    fat_lo: np.ndarray  # float32, nan unknown
    fat_hi: np.ndarray
    actor1: np.ndarray  # int32 code into actor_keys
    actor2: np.ndarray
    actor_keys: tuple[Keys, ...]
    civ2: np.ndarray  # side 2 are civilians or a crowd
    src_row: np.ndarray  # publishers, exploded: row index
    src_code: np.ndarray  # and publisher code into src_vocab
    src_vocab: tuple[str, ...]
    incident: np.ndarray  # the row's dataset keeps multi-day / multi-site incidents as one record
    text: tuple[pa.Array, ...]  # summary, title, headlines (for the place-mention comparison)

    @property
    def n(self) -> int:
        return len(self.ids)

    @property
    def coarse(self) -> np.ndarray:
        return np.asarray(self.unit_class == 2)

    def dataset_names(self) -> np.ndarray:
        """Each row's dataset name."""
        names = np.array([*self.dataset.vocab, "?"], dtype=object)
        return names[np.where(self.dataset.codes >= 0, self.dataset.codes, len(self.dataset.vocab))]


def prepare(t: pa.Table, actor_crosswalks: Sequence[str] = (), max_span_days: int = 31) -> Side:
    """A canonical table as the arrays the matcher compares. Columns a table lacks count as null."""
    col = feat.column
    n = t.num_rows
    datasets = col(t, "dataset")
    iso3_raw = col(t, "country_iso3")
    # places
    lat, lon = feat.floats(col(t, "latitude")), feat.floats(col(t, "longitude"))
    has = ~(np.isnan(lat) | np.isnan(lon))
    phi, lam = np.radians(lat), np.radians(lon)
    # float32 unit vectors: 0.3 m at worst, half the memory traffic of the pair gathers
    xyz = np.stack([np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)], axis=1).astype(
        np.float32
    )
    unit = _units(t, datasets, has)
    # dates: a point date of week or month precision stands for a span around it; a stated span as is
    start = _days(col(t, "event_date", pa.date32()))
    end = _days(pc.coalesce(col(t, "event_date_end", pa.date32()), col(t, "event_date", pa.date32())))
    prec = col(t, "date_precision")
    slack = np.asarray(
        pc.fill_null(
            pc.take(
                pa.array(list(SLACK_DAYS.values()), pa.int32()),
                pc.index_in(prec, value_set=pa.array(list(SLACK_DAYS), pa.string())),
            ),
            0,
        ).to_numpy(zero_copy_only=False),
        np.int32,
    )
    point_date = start == end
    lo = np.where(point_date, start - slack, start).astype(np.int32)
    hi = np.where(point_date, end + slack, end).astype(np.int32)
    unit_class = ref.unit_classes()[unit].copy()
    unit_class[(hi - lo) > max_span_days] = 2  # a long span stands for several events: coarse
    # names
    a1, a2, civ2, keys = feat.actor_sides(t, datasets, iso3_raw, tuple(actor_crosswalks))
    fat_lo, fat_hi = feat.fatality_range(t)
    src_row, src_code, src_vocab = feat.sources(t)
    info = ref.dataset_info()
    ds_codes = codes_of(datasets)
    incident_ds = np.array([info.get(d, {}).get("unit") == "incident" for d in ds_codes.vocab] + [False])
    incident = incident_ds[np.where(ds_codes.codes >= 0, ds_codes.codes, len(ds_codes.vocab))]
    headlines = pc.binary_join(feat.raw(t, "source_headlines", pa.list_(pa.string())), " ; ")
    return Side(
        ids=feat.raw(t, "event_id"),
        dataset=ds_codes,
        xyz=xyz,
        has_xy=has,
        lo=lo,
        hi=hi,
        single_day=point_date & (slack == 0),
        unit=unit,
        unit_class=unit_class,
        iso3=codes_of(iso3_raw),
        region=_regions(t),
        admin2=codes_of(feat.raw(t, "admin2"), place_name),
        location=codes_of(feat.raw(t, "location"), place_name),
        nature=feat.natures(t, datasets, civ2),
        fat_lo=fat_lo,
        fat_hi=fat_hi,
        actor1=a1,
        actor2=a2,
        actor_keys=tuple(keys),
        civ2=civ2,
        src_row=src_row,
        src_code=src_code,
        src_vocab=tuple(src_vocab),
        incident=incident if n else np.zeros(0, bool),
        text=(feat.raw(t, "summary"), feat.raw(t, "title"), headlines),
    )


def _regions(t: pa.Table) -> Codes:
    """The admin-1 key of each row: "ISO3|KZ-75" where the reader gives an ISO 3166-2 code, else
    "ISO3|<folded admin-1 name, generic words dropped>" ("UKR|donetsk" for "Donetsk oblast"); missing
    without a country or an admin-1. Decided once per distinct (country, code, name)."""
    cols = [dictionary(feat.raw(t, c)) for c in ("country_iso3", "admin1_code", "admin1")]
    values, row = combinations(cols)
    keys = []
    for iso, code, name in zip(*(v.cast(pa.string()).to_pylist() for v in values), strict=True):
        admin = code or region_name(name)
        keys.append(f"{iso}|{admin}" if iso and admin else "")
    vocab = sorted({k for k in keys if k})
    where = {k: i for i, k in enumerate(vocab)}
    per_combo = np.array([where.get(k, -1) for k in keys], np.int32)
    return Codes(per_combo[np.asarray(row.to_numpy(zero_copy_only=False), np.int64)], tuple(vocab))


def _days(a: pa.Array) -> np.ndarray:
    d = pc.fill_null(a.cast(pa.int32()), 0)
    return np.asarray(d.to_numpy(zero_copy_only=False), np.int64)


def _units(t: pa.Table, datasets: pa.Array, has_xy: np.ndarray) -> np.ndarray:
    """The place unit of each row (reference.UNITS): the dataset's native precision code through its table,
    else the canonical geo_precision; a row without coordinates is compared by its admin-1."""
    col = feat.column
    unit = np.full(t.num_rows, ref.UNKNOWN, np.int8)
    native = col(t, "native_geo_precision")
    for dataset, table in ref.precision_tables().items():
        mine = np.asarray(pc.fill_null(pc.equal(datasets, pa.scalar(dataset)), False), bool)
        if not mine.any():
            continue
        got = pc.fill_null(
            pc.take(
                pa.array(list(table.values()), pa.int8()),
                pc.index_in(native, value_set=pa.array(list(table), pa.string())),
            ),
            ref.UNKNOWN,
        )
        unit = np.where(mine, np.asarray(got.to_numpy(zero_copy_only=False), np.int8), unit)
    table = ref.geo_precision_units()
    canon = pc.fill_null(
        pc.take(
            pa.array(list(table.values()), pa.int8()),
            pc.index_in(col(t, "geo_precision"), value_set=pa.array(list(table), pa.string())),
        ),
        ref.UNKNOWN,
    )
    canon_np = np.asarray(canon.to_numpy(zero_copy_only=False), np.int8)
    unit = np.where(unit == ref.UNKNOWN, canon_np, unit)
    unit = np.where((unit == ref.UNKNOWN) & has_xy, ref.NEAR, unit)  # a point of unknown precision
    point_level = (unit == ref.POINT) | (unit == ref.NEAR)
    return np.where(point_level & ~has_xy, ref.ADMIN1, unit).astype(np.int8)


EARTH_KM = 6371.0088


def km_between(a: Side, b: Side, ai: np.ndarray, bi: np.ndarray) -> np.ndarray:
    """Great-circle km of each pair (nan without coordinates), float32."""
    chord = np.linalg.norm(a.xyz[ai] - b.xyz[bi], axis=1)
    km = 2 * EARTH_KM * np.arcsin(np.clip(chord / 2, 0, 1))
    return np.where(a.has_xy[ai] & b.has_xy[bi], km, np.nan).astype(np.float32)


def day_gap(a: Side, b: Side, ai: np.ndarray, bi: np.ndarray) -> np.ndarray:
    """Days between the two date intervals of each pair (0 when they overlap), int32."""
    return np.asarray(np.maximum(0, np.maximum(b.lo[bi] - a.hi[ai], a.lo[ai] - b.hi[bi])), np.int32)


def chord(km: float) -> float:
    return 2 * math.sin(min(km / EARTH_KM, math.pi) / 2)
