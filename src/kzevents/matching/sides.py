"""One side of a match: the columns of a canonical table the matcher needs, as NumPy arrays (unit vectors
for places, day intervals widened by date precision, event-type families, fatalities, actor names)."""

from __future__ import annotations

import functools
import math

import attrs
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kzevents.resources import load_toml

SLACK_DAYS = {"day": 0, "days": 0, "week": 3, "month": 15, "approximate": 15}


@functools.cache
def families() -> tuple[dict[str, dict[str, str]], set[frozenset[str]], float]:
    doc = load_toml("exporters", "taxonomy.toml")
    tables = {k: doc[k] for k in ("kzevents", "acled", "gtd", "ged")}
    pairs = {frozenset(p) for p in doc["compatible"]["pairs"]}
    return tables, pairs, float(doc["options"]["partial"])


def type_family(t: pa.Table) -> np.ndarray:
    """The event-type family of each row (``other`` when unknown), from our type or the native one."""
    tables, _, _ = families()
    ours = t.column("event_type").combine_chunks().cast(pa.string())
    sub = t.column("native_sub_event_type").combine_chunks().cast(pa.string())
    native = t.column("native_event_type").combine_chunks().cast(pa.string())
    out = pa.nulls(t.num_rows, pa.string())
    for table, col in (("kzevents", ours), ("acled", sub), ("gtd", native), ("ged", native)):
        m = tables[table]
        mapped = pc.take(
            pa.array(list(m.values()), pa.string()),
            pc.index_in(col, value_set=pa.array(list(m), pa.string())),
        )
        out = pc.coalesce(out, mapped)
    return np.asarray(pc.fill_null(out, "other").to_numpy(zero_copy_only=False), dtype=object)


@attrs.frozen
class Side:
    ids: np.ndarray
    dataset: np.ndarray
    xyz: np.ndarray  # (n, 3) unit vectors; nan without coordinates
    has_xy: np.ndarray
    lo: np.ndarray  # first day of the (widened) date interval, days since 1970
    hi: np.ndarray
    family: np.ndarray
    fatalities: np.ndarray  # float, nan unknown
    actor1: np.ndarray
    actor2: np.ndarray
    region: np.ndarray  # "KAZ|KZ-75" / "KAZ|almaty"

    @property
    def n(self) -> int:
        return len(self.ids)


def prepare(t: pa.Table) -> Side:
    def col(name: str) -> pa.Array:
        return t.column(name).combine_chunks()

    lat = pc.fill_null(col("latitude"), math.nan).to_numpy(zero_copy_only=False).astype(float)
    lon = pc.fill_null(col("longitude"), math.nan).to_numpy(zero_copy_only=False).astype(float)
    has = ~(np.isnan(lat) | np.isnan(lon))
    phi, lam = np.radians(lat), np.radians(lon)
    xyz = np.stack([np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)], axis=1)
    start = col("event_date").cast(pa.int32()).to_numpy(zero_copy_only=False).astype(np.int64)
    end = (
        pc.coalesce(col("event_date_end"), col("event_date"))
        .cast(pa.int32())
        .to_numpy(zero_copy_only=False)
        .astype(np.int64)
    )
    prec = col("date_precision").cast(pa.string())
    slack_keys = pa.array(list(SLACK_DAYS), pa.string())
    slack = pc.fill_null(
        pc.take(pa.array(list(SLACK_DAYS.values()), pa.int64()), pc.index_in(prec, value_set=slack_keys)), 0
    ).to_numpy(zero_copy_only=False)
    admin = pc.coalesce(col("admin1_code").cast(pa.string()), pc.utf8_lower(col("admin1").cast(pa.string())))
    region = pc.binary_join_element_wise(
        pc.fill_null(col("country_iso3").cast(pa.string()), "?"), pc.fill_null(admin, ""), "|"
    )
    best = pc.coalesce(col("fatalities_low"), col("fatalities_best"))
    return Side(
        ids=np.asarray(col("event_id").to_numpy(zero_copy_only=False), dtype=object),
        dataset=np.asarray(col("dataset").cast(pa.string()).to_numpy(zero_copy_only=False), dtype=object),
        xyz=xyz,
        has_xy=has,
        # a point date of week or month precision stands for a span around it; a stated span is used as is
        lo=np.where(start == end, start - slack, start),
        hi=np.where(start == end, end + slack, end),
        family=type_family(t),
        fatalities=pc.fill_null(best.cast(pa.float64()), math.nan).to_numpy(zero_copy_only=False),
        actor1=np.asarray(
            pc.utf8_lower(pc.fill_null(col("actor1"), "")).to_numpy(zero_copy_only=False), dtype=object
        ),
        actor2=np.asarray(
            pc.utf8_lower(pc.fill_null(col("actor2"), "")).to_numpy(zero_copy_only=False), dtype=object
        ),
        region=np.asarray(region.to_numpy(zero_copy_only=False), dtype=object),
    )
