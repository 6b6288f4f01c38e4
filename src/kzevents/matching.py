"""Matching events across datasets by place, time and type, and merging them into a de-duplicated union.

How it works (all on Arrow/NumPy arrays, block by block):

1. **Blocking.** Each event with coordinates is put in a cell of a 3-D grid over the unit sphere whose cell
   edge is the chord of the spatial window, so two events within ``km`` of each other are in the same or
   adjacent cells (27 neighbours, no seams at the date line or the poles). Time is cut into buckets of
   ``days + 1`` days; an event occupies every bucket its date interval touches (date precision widens the
   interval: a week-precise ACLED date is the middle of a week). Candidate pairs come from one hash join
   on (cell, bucket) keys. Events without coordinates are blocked on (country, admin-1) and bucket.
2. **Scoring.** Distance, day gap between the date intervals, event-type family (``exporters/taxonomy.toml``),
   fatality agreement and actor names, weighted (:class:`MatchParams`).
3. **Assignment.** Pairs at or above ``threshold`` form a bipartite graph; in each connected component the
   optimal one-to-one assignment (maximum total score, :func:`scipy.optimize.linear_sum_assignment`) is
   taken — not a first-free greedy pick, whose result depends on scan order. Remaining pairs at or above
   ``many_threshold`` whose other side is already matched become one-to-many links (one incident of ours
   split into several ACLED events, one per day or place).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from typing import Any

import attrs
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kzevents import canonical
from kzevents.resources import load_toml

EARTH_KM = 6371.0088
SLACK_DAYS = {"day": 0, "days": 0, "week": 3, "month": 15, "approximate": 15}


@attrs.frozen
class MatchParams:
    """Every threshold of the matcher, with its default."""

    km: float = 25.0  # spatial window, great-circle km
    days: int = 2  # temporal window: largest gap between the two events' date intervals
    threshold: float = 0.55  # a pair needs this total score to be linked
    many_threshold: float = 0.7  # an extra (one-to-many) link needs this
    w_distance: float = 0.3
    w_time: float = 0.25
    w_type: float = 0.3
    w_fatalities: float = 0.1
    w_actors: float = 0.05
    admin_distance_score: float = 0.4  # distance score when one side has no coordinates (admin-1 match)
    require_type: bool = True  # link only events whose type families are the same or compatible

    def __attrs_post_init__(self) -> None:
        if self.km <= 0 or self.days < 0:
            raise ValueError("km must be > 0 and days >= 0")
        total = self.w_distance + self.w_time + self.w_type + self.w_fatalities + self.w_actors
        if not math.isclose(total, 1.0):
            raise ValueError(f"weights must sum to 1, not {total}")


# --- preparing one side ---------------------------------------------------------------------------------


@functools.cache
def _families() -> tuple[dict[str, dict[str, str]], set[frozenset[str]], float]:
    doc = load_toml("exporters", "taxonomy.toml")
    tables = {k: doc[k] for k in ("kzevents", "acled", "gtd", "ged")}
    pairs = {frozenset(p) for p in doc["compatible"]["pairs"]}
    return tables, pairs, float(doc["options"]["partial"])


def type_family(t: pa.Table) -> np.ndarray:
    """The event-type family of each row (``other`` when unknown), from our type or the native one."""
    tables, _, _ = _families()
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


# --- blocking -------------------------------------------------------------------------------------------


def _chord(km: float) -> float:
    return 2 * math.sin(min(km / EARTH_KM, math.pi) / 2)


def _expand_buckets(lo: np.ndarray, hi: np.ndarray, width: int) -> tuple[np.ndarray, np.ndarray]:
    """(row index, bucket) for every bucket the interval [lo, hi] touches."""
    b0 = np.floor_divide(lo, width)
    b1 = np.floor_divide(hi, width)
    count = (b1 - b0 + 1).astype(np.int64)
    rows = np.repeat(np.arange(len(lo)), count)
    offsets = np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count)
    return rows, np.repeat(b0, count) + offsets


def _pack(*parts: np.ndarray) -> np.ndarray:
    """Combine small non-negative integer arrays into one int64 key (bits checked)."""
    key = np.zeros(len(parts[0]), dtype=np.int64)
    for p in parts:
        key = key * np.int64(1 << 16) + p.astype(np.int64)
    return key


def candidate_pairs(left: Side, right: Side, p: MatchParams) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(left index, right index, via_admin) of every pair within the windows, each pair once."""
    width = p.days + 1
    pairs_l: list[np.ndarray] = []
    pairs_r: list[np.ndarray] = []
    via: list[np.ndarray] = []
    # spatial grid on the unit sphere
    c = _chord(p.km)
    lcell = np.floor(np.nan_to_num(left.xyz) / c).astype(np.int64)
    rcell = np.floor(np.nan_to_num(right.xyz) / c).astype(np.int64)
    off = math.ceil(1 / c) + 2
    if 2 * off + 2 >= 1 << 16:
        raise ValueError(f"spatial window {p.km} km is too small for the grid")
    # time buckets: the right side occupies its buckets, the left side asks for buckets within `days`
    r_rows, r_b = _expand_buckets(right.lo, right.hi, width)
    keep = right.has_xy[r_rows]
    r_rows, r_b = r_rows[keep], r_b[keep]
    bmin = min(
        int(r_b.min()) if len(r_b) else 0,
        int(np.floor_divide(left.lo.min() - p.days, width)) if left.n else 0,
    )
    l_rows, l_b = _expand_buckets(left.lo - p.days, left.hi + p.days, width)
    keep = left.has_xy[l_rows]
    l_rows, l_b = l_rows[keep], l_b[keep]
    if len(r_rows) and len(l_rows):
        rk = _pack(*(rcell[r_rows, k] + off for k in range(3)), r_b - bmin)
        right_keys = pa.table({"key": rk, "r": r_rows})
        shifts = np.array([(a, b, d) for a in (-1, 0, 1) for b in (-1, 0, 1) for d in (-1, 0, 1)])
        for chunk in range(0, len(l_rows), 2_000_000):  # bounded memory for huge left sides
            lr, lb = l_rows[chunk : chunk + 2_000_000], l_b[chunk : chunk + 2_000_000]
            keys = []
            rows = []
            for s in shifts:
                keys.append(_pack(*(lcell[lr, k] + s[k] + off for k in range(3)), lb - bmin))
                rows.append(lr)
            left_keys = pa.table({"key": np.concatenate(keys), "l": np.concatenate(rows)})
            joined = left_keys.join(right_keys, "key", join_type="inner", use_threads=True)
            pairs_l.append(joined.column("l").to_numpy())
            pairs_r.append(joined.column("r").to_numpy())
            via.append(np.zeros(joined.num_rows, dtype=bool))
    # events without coordinates: same country and admin-1, within the time window
    lno, rno = ~left.has_xy, ~right.has_xy
    if lno.any() or rno.any():
        regions = pa.array(np.concatenate([left.region, right.region]).astype(str))
        codes = pc.dictionary_encode(regions).indices.to_numpy()
        lcode, rcode = codes[: left.n], codes[left.n :]
        l_rows, l_b = _expand_buckets(left.lo - p.days, left.hi + p.days, width)
        r_rows, r_b = _expand_buckets(right.lo, right.hi, width)
        lt = pa.table({"key": lcode[l_rows].astype(np.int64) * (1 << 32) + (l_b - l_b.min()), "l": l_rows})
        rt = pa.table({"key": rcode[r_rows].astype(np.int64) * (1 << 32) + (r_b - l_b.min()), "r": r_rows})
        joined = lt.join(rt, "key", join_type="inner")
        jl, jr = joined.column("l").to_numpy(), joined.column("r").to_numpy()
        keep = lno[jl] | rno[jr]
        pairs_l.append(jl[keep])
        pairs_r.append(jr[keep])
        via.append(np.ones(int(keep.sum()), dtype=bool))
    if not pairs_l:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, bool)
    li, ri, va = np.concatenate(pairs_l), np.concatenate(pairs_r), np.concatenate(via)
    # each pair once (a pair can share several buckets)
    key = li.astype(np.int64) * (right.n + 1) + ri
    _, first = np.unique(key, return_index=True)
    return li[first], ri[first], va[first]


# --- scoring and assignment -----------------------------------------------------------------------------


def score_pairs(
    left: Side, right: Side, li: np.ndarray, ri: np.ndarray, via_admin: np.ndarray, p: MatchParams
) -> dict[str, np.ndarray]:
    chord = np.linalg.norm(left.xyz[li] - right.xyz[ri], axis=1)
    km = 2 * EARTH_KM * np.arcsin(np.clip(chord / 2, 0, 1))
    km = np.where(via_admin, np.nan, km)
    gap = np.maximum(0, np.maximum(right.lo[ri] - left.hi[li], left.lo[li] - right.hi[ri]))
    ok = (via_admin | (km <= p.km)) & (gap <= p.days)
    li, ri, via_admin, km, gap = li[ok], ri[ok], via_admin[ok], km[ok], gap[ok]
    # quadratic decay: a few km or one day apart is still a strong sign, the window's edge is not
    d_score = np.where(via_admin, p.admin_distance_score, 1 - (np.nan_to_num(km) / p.km) ** 2)
    t_score = 1 - (gap / (p.days + 1)) ** 2
    _, compatible, partial = _families()
    fl, fr = left.family[li], right.family[ri]
    same = fl == fr
    compat = (
        np.array([frozenset((a, b)) in compatible for a, b in zip(fl, fr, strict=True)], dtype=bool)
        if len(fl)
        else np.zeros(0, bool)
    )
    type_score = np.where(same, 1.0, np.where(compat, partial, 0.0))
    fa, fb = left.fatalities[li], right.fatalities[ri]
    known = ~(np.isnan(fa) | np.isnan(fb))
    f_score = np.where(known, 1 - np.abs(fa - fb) / np.maximum(np.maximum(fa, fb), 1), 0.5)
    f_score = np.clip(np.nan_to_num(f_score, nan=0.5), 0, 1)
    a1l, a2l, a1r, a2r = left.actor1[li], left.actor2[li], right.actor1[ri], right.actor2[ri]
    a_score = (
        ((a1l == a1r) & (a1l != ""))
        | ((a1l == a2r) & (a1l != ""))
        | ((a2l == a1r) & (a2l != ""))
        | ((a2l == a2r) & (a2l != ""))
    ).astype(float)
    total = (
        p.w_distance * d_score
        + p.w_time * t_score
        + p.w_type * type_score
        + p.w_fatalities * f_score
        + p.w_actors * a_score
    )
    return {
        "l": li,
        "r": ri,
        "km": km,
        "days": gap.astype(np.int64),
        "type_score": type_score,
        "fatality_score": f_score,
        "actor_score": a_score,
        "score": total,
        "via_admin": via_admin,
    }


def assign(
    n_left: int, n_right: int, li: np.ndarray, ri: np.ndarray, score: np.ndarray, p: MatchParams
) -> np.ndarray:
    """Decision per pair: 'match' (optimal one-to-one), 'match-many', or 'candidate'."""
    from scipy.optimize import linear_sum_assignment
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    decision = np.full(len(li), "candidate", dtype=object)
    strong = np.flatnonzero(score >= p.threshold)
    if len(strong):
        n = n_left + n_right
        g = coo_matrix((np.ones(len(strong)), (li[strong], ri[strong] + n_left)), shape=(n, n))
        _, labels = connected_components(g, directed=False)
        comp = labels[li[strong]]
        order = np.argsort(comp, kind="stable")
        strong, comp = strong[order], comp[order]
        bounds = np.flatnonzero(np.diff(comp)) + 1
        for group in np.split(strong, bounds):
            if len(group) == 1:
                decision[group[0]] = "match"
                continue
            ul, inv_l = np.unique(li[group], return_inverse=True)
            ur, inv_r = np.unique(ri[group], return_inverse=True)
            m = np.full((len(ul), len(ur)), -1.0)
            m[inv_l, inv_r] = score[group]
            rows, cols = linear_sum_assignment(m, maximize=True)
            chosen = {(ul[a], ur[b]) for a, b in zip(rows, cols, strict=True) if m[a, b] >= 0}
            for k in group:
                if (li[k], ri[k]) in chosen:
                    decision[k] = "match"
    # one-to-many: an unmatched event whose partner is matched, with a strong score
    matched_l = np.zeros(n_left, bool)
    matched_r = np.zeros(n_right, bool)
    is_match = decision == "match"
    matched_l[li[is_match]] = True
    matched_r[ri[is_match]] = True
    extra = (
        (~is_match)
        & (score >= p.many_threshold)
        & ((~matched_r[ri] & matched_l[li]) | (~matched_l[li] & matched_r[ri]))
    )
    # each unmatched event joins at most its best partner
    idx = np.flatnonzero(extra)
    if len(idx):
        free_side_id = np.where(~matched_r[ri[idx]], ri[idx] + n_left, li[idx])
        order = np.lexsort((-score[idx], free_side_id))
        _, first = np.unique(free_side_id[order], return_index=True)
        decision[idx[order[first]]] = "match-many"
    return decision


LINKS_SCHEMA = pa.schema(
    [
        ("left_dataset", pa.string()),
        ("left_id", pa.string()),
        ("right_dataset", pa.string()),
        ("right_id", pa.string()),
        ("km", pa.float64()),
        ("days", pa.int32()),
        ("type_score", pa.float64()),
        ("fatality_score", pa.float64()),
        ("actor_score", pa.float64()),
        ("score", pa.float64()),
        ("via", pa.string()),
        ("decision", pa.string()),
    ]
)


def match(left: pa.Table, right: pa.Table, params: MatchParams | None = None, **kwargs: Any) -> pa.Table:
    """Links between the events of two canonical tables (see the module docstring)."""
    p = params or MatchParams(**kwargs)
    a, b = prepare(left), prepare(right)
    li, ri, via = candidate_pairs(a, b, p)
    s = score_pairs(a, b, li, ri, via, p)
    decision = assign(a.n, b.n, s["l"], s["r"], s["score"], p)
    order = np.lexsort((-s["score"], s["r"], s["l"]))
    return pa.table(
        {
            "left_dataset": a.dataset[s["l"]][order].astype(str),
            "left_id": a.ids[s["l"]][order].astype(str),
            "right_dataset": b.dataset[s["r"]][order].astype(str),
            "right_id": b.ids[s["r"]][order].astype(str),
            "km": np.round(s["km"][order], 3),
            "days": s["days"][order].astype(np.int32),
            "type_score": s["type_score"][order],
            "fatality_score": np.round(s["fatality_score"][order], 4),
            "actor_score": s["actor_score"][order],
            "score": np.round(s["score"][order], 4),
            "via": np.where(s["via_admin"][order], "admin1", "distance").astype(str),
            "decision": decision[order].astype(str),
        },
        schema=LINKS_SCHEMA,
    )


def merge(
    tables: Sequence[pa.Table], params: MatchParams | None = None, **kwargs: Any
) -> tuple[pa.Table, pa.Table, dict[str, Any]]:
    """De-duplicated union of several canonical tables.

    Tables are merged in order; when events match, the row of the earlier table is kept (precedence = the
    order given: put the most trusted or most detailed dataset first) and its ``provenance`` lists every
    ``dataset:id`` collapsed into it. Returns (merged table, links, summary).
    """
    p = params or MatchParams(**kwargs)
    merged = _with_provenance(tables[0])
    all_links = []
    summary: dict[str, Any] = {"datasets": [], "params": attrs.asdict(p)}
    for t in tables[1:]:
        links = match(merged, t, p)
        all_links.append(links)
        linked = pc.is_in(links.column("decision"), value_set=pa.array(["match", "match-many"]))
        ok = links.filter(linked)
        # right rows that duplicate a merged row: add their ids to that row's provenance
        dup_ids = ok.column("right_id").to_pylist()
        owners = ok.column("left_id").to_pylist()
        right_ds = ok.column("right_dataset").to_pylist()
        extra: dict[str, list[str]] = {}
        for owner, ds, rid in zip(owners, right_ds, dup_ids, strict=True):
            extra.setdefault(owner, []).append(f"{ds}:{rid}")
        prov = merged.column("provenance").to_pylist()
        ids = merged.column("event_id").to_pylist()
        prov = [(pv or []) + extra.get(i, []) for i, pv in zip(ids, prov, strict=True)]
        idx = merged.schema.get_field_index("provenance")
        merged = merged.set_column(idx, merged.schema.field(idx), pa.array(prov, pa.list_(pa.string())))
        keep = pc.invert(
            pc.is_in(t.column("event_id"), value_set=pa.array(sorted(set(dup_ids)), pa.string()))
        )
        new_rows = _with_provenance(t.filter(keep))
        summary["datasets"].append(
            {
                "dataset": str(t.column("dataset")[0]) if t.num_rows else "?",
                "rows": t.num_rows,
                "matched": len(set(dup_ids)),
                "unmatched": new_rows.num_rows,
            }
        )
        merged = pa.concat_tables([merged, new_rows.cast(merged.schema)], promote_options="none")
    first = tables[0]
    matched_first = set()
    for links in all_links:
        linked = pc.is_in(links.column("decision"), value_set=pa.array(["match", "match-many"]))
        matched_first |= set(links.filter(linked).column("left_id").to_pylist())
    summary["datasets"].insert(
        0,
        {
            "dataset": str(first.column("dataset")[0]) if first.num_rows else "?",
            "rows": first.num_rows,
            "matched": len(matched_first & set(first.column("event_id").to_pylist())),
            "unmatched": first.num_rows - len(matched_first & set(first.column("event_id").to_pylist())),
        },
    )
    summary["merged_rows"] = merged.num_rows
    links_all = pa.concat_tables(all_links) if all_links else LINKS_SCHEMA.empty_table()
    return merged.unify_dictionaries().combine_chunks(), links_all, summary


def _with_provenance(t: pa.Table) -> pa.Table:
    t = t.cast(canonical.schema(), safe=False) if t.schema.names == canonical.schema().names else t
    idx = t.schema.get_field_index("provenance")
    ds = t.column("dataset").cast(pa.string())
    current = t.column(idx)
    own = pc.binary_join_element_wise(ds, t.column("event_id"), ":")
    values = [pv if pv else [o] for pv, o in zip(current.to_pylist(), own.to_pylist(), strict=True)]
    return t.set_column(idx, t.schema.field(idx), pa.array(values, pa.list_(pa.string())))


def update_acled(current: pa.Table, newer: pa.Table, deleted_ids: Sequence[str] = ()) -> pa.Table:
    """ACLED is a living dataset: upsert a newer download by ``event_id`` and drop deleted events."""
    newer_ids = newer.column("event_id")
    keep = pc.invert(pc.is_in(current.column("event_id"), value_set=newer_ids.combine_chunks()))
    out = pa.concat_tables([current.filter(keep), newer.cast(current.schema)])
    if deleted_ids:
        gone = pc.is_in(out.column("event_id"), value_set=pa.array(list(deleted_ids), pa.string()))
        out = out.filter(pc.invert(gone))
    return out.unify_dictionaries().combine_chunks()
