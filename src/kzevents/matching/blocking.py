"""Blocking: candidate pairs within the spatial and temporal windows, from one hash join on (grid cell,
time bucket) keys; events without coordinates on (country, admin-1) and bucket."""

from __future__ import annotations

import math

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kzevents.matching.params import EARTH_KM, MatchParams
from kzevents.matching.sides import Side


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
