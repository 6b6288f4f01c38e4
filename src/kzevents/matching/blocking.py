"""Blocking: the candidate pairs, from sort-merge band joins in NumPy (no hash join, no per-pair Python).

- **Point-level pairs** (both points stand for a place or its surroundings): a 3-D grid over the unit
  sphere whose cell edge is the chord of the spatial window, so two events within the window are in the
  same or adjacent cells (27 neighbours; no seams at the date line or the poles). The window depends on
  the two points' precision (``MatchParams.km`` for two town-level points, ``km_near`` when either is
  "near" a place). The right side is sorted by (cell, first day); each left event asks, for each
  neighbour cell, for the contiguous range of right events whose first day can fall in its time window
  (``searchsorted``), and the ranges are expanded into pairs and filtered on the exact km and day gap.
- **Region-level pairs** (a point that stands for a district, a province or a vaguer area, or a row
  without coordinates): the same band join on the admin-1 key ("ISO3|admin-1"), or on the country where
  the row names no admin-1. A region-level point is compared with the events *in its region*, not in km.
- **Coarse rows** (a whole country, water, or a span of more than ``max_span_days``) are not blocked:
  they stand for several events and are never linked one-to-one (README, "Matching").

Each generator returns arrays of (left index, right index); a distributed engine would run the same
equi-joins on (key, day) in SQL.
"""

from __future__ import annotations

import math

import numpy as np

from kzevents.matching import reference as ref
from kzevents.matching.params import MatchParams
from kzevents.matching.sides import Side, chord, day_gap, km_between, unify

MAX_CHUNK_PAIRS = 4_000_000  # pairs expanded at once before the exact filter (bounds memory)
QUERY_CHUNK = 2_000_000  # range queries looked up at once


def band_join(
    q_key: np.ndarray,
    q_row: np.ndarray,
    q_lo: np.ndarray,
    q_hi: np.ndarray,
    r_key: np.ndarray,
    r_row: np.ndarray,
    r_lo: np.ndarray,
    r_span: int,
    days: int,
) -> list[tuple[np.ndarray, np.ndarray]]:
    """(query row, right row) for every query whose key equals the right key and whose day window
    [q_lo - days - r_span, q_hi + days] holds the right row's first day; keys are non-negative int64.
    The right rows are sorted once by (key, first day); each query is one contiguous range of them
    (``searchsorted``). Returned in pieces of at most MAX_CHUNK_PAIRS pairs."""
    if len(q_key) == 0 or len(r_key) == 0:
        return []
    base = int(min(r_lo.min(), q_lo.min())) - days - r_span - 1
    width = int(max(r_lo.max(), q_hi.max())) + days + 2 - base
    if (int(max(r_key.max(), q_key.max())) + 1) * width >= 2**62:
        raise ValueError("the spatial window is too small (or the dates too far apart) for the join keys")
    rk = r_key.astype(np.int64) * width + (r_lo.astype(np.int64) - base)
    order = np.argsort(rk, kind="stable")
    rk_sorted = rk[order]
    out = []
    for s0 in range(0, len(q_key), QUERY_CHUNK):
        sl = slice(s0, s0 + QUERY_CHUNK)
        qk = q_key[sl].astype(np.int64) * width
        start = np.searchsorted(rk_sorted, qk + (q_lo[sl].astype(np.int64) - days - r_span - base), "left")
        stop = np.searchsorted(rk_sorted, qk + (q_hi[sl].astype(np.int64) + days - base), "right")
        count = stop - start
        keep = np.flatnonzero(count > 0)
        start, count, rows = start[keep], count[keep], q_row[sl][keep]
        cum = np.cumsum(count)
        begin = 0
        while begin < len(count):
            done = int(cum[begin - 1]) if begin else 0
            end = max(begin + 1, int(np.searchsorted(cum, done + MAX_CHUNK_PAIRS, "right")))
            c = count[begin:end]
            total = int(c.sum())
            offsets = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(c) - c, c)
            right = r_row[order[np.repeat(start[begin:end], c) + offsets]]
            out.append((np.repeat(rows[begin:end], c), right))
            begin = end
    return out


def overlapping(
    left: Side, right: Side, lrows: np.ndarray, rrows: np.ndarray, days: int
) -> tuple[np.ndarray, np.ndarray]:
    """The rows of each side whose dates can meet a row of the other within ``days`` (GED's decades
    before ACLED's coverage need no look-up)."""
    if len(lrows) == 0 or len(rrows) == 0:
        return lrows[:0], rrows[:0]
    r0, r1 = int(right.lo[rrows].min()), int(right.hi[rrows].max())
    lrows = lrows[(left.hi[lrows] >= r0 - days) & (left.lo[lrows] <= r1 + days)]
    if len(lrows) == 0:
        return lrows, rrows[:0]
    l0, l1 = int(left.lo[lrows].min()), int(left.hi[lrows].max())
    return lrows, rrows[(right.hi[rrows] >= l0 - days) & (right.lo[rrows] <= l1 + days)]


def _grid(
    left: Side, right: Side, lrows: np.ndarray, rrows: np.ndarray, km: float, days: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs of the given rows within ``km`` and ``days``: (left, right, km)."""
    empty = np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.float32)
    lrows, rrows = overlapping(left, right, lrows, rrows, days)
    if len(lrows) == 0 or len(rrows) == 0:
        return empty
    c = chord(km)
    off = math.ceil(1 / c) + 2
    m = 2 * off + 3

    def cell(xyz: np.ndarray) -> np.ndarray:
        return np.floor(xyz / c).astype(np.int64) + off

    rc = cell(right.xyz[rrows])
    r_key = (rc[:, 0] * m + rc[:, 1]) * m + rc[:, 2]
    lc = cell(left.xyz[lrows])
    # queries sorted by (cell, day): each shifted block below stays sorted (a shift adds a constant to
    # the packed key), and numpy's searchsorted is several times faster on sorted keys
    order = np.lexsort((left.lo[lrows], (lc[:, 0] * m + lc[:, 1]) * m + lc[:, 2]))
    lrows, lc = lrows[order], lc[order]
    shifts = [(dx, dy, dz) for dx in (-1, 0, 1) for dy in (-1, 0, 1) for dz in (-1, 0, 1)]
    q_key = np.concatenate([((lc[:, 0] + a) * m + (lc[:, 1] + b)) * m + (lc[:, 2] + d) for a, b, d in shifts])
    q_row = np.tile(lrows, 27)
    q_lo, q_hi = np.tile(left.lo[lrows], 27), np.tile(left.hi[lrows], 27)
    out_l, out_r, out_km = [], [], []
    span = right.hi[rrows] - right.lo[rrows]
    # right rows with long spans are joined apart, so that they do not widen every query's day range
    for sel in (span <= 3, span > 3):
        if not sel.any():
            continue
        rr = rrows[sel]
        for li, ri in band_join(
            q_key, q_row, q_lo, q_hi, r_key[sel], rr, right.lo[rr], int(span[sel].max()), days
        ):
            d = km_between(left, right, li, ri)
            ok = (d <= km) & (day_gap(left, right, li, ri) <= days)
            out_l.append(li[ok])
            out_r.append(ri[ok])
            out_km.append(d[ok])
    if not out_l:
        return empty
    return np.concatenate(out_l), np.concatenate(out_r), np.concatenate(out_km)


def point_pairs(left: Side, right: Side, p: MatchParams) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs of point-level events within the precision-adaptive window: (left, right, km)."""
    lp = np.flatnonzero((left.unit_class == 0) & left.has_xy)
    rp = np.flatnonzero((right.unit_class == 0) & right.has_xy)
    l_near = left.unit[lp] == ref.NEAR
    r_near = right.unit[rp] == ref.NEAR
    parts = [
        _grid(left, right, lp[~l_near], rp[~r_near], p.km, p.days),  # town x town
        _grid(left, right, lp[l_near], rp, p.km_near, p.days),  # near x any
        _grid(left, right, lp[~l_near], rp[r_near], p.km_near, p.days),  # town x near
    ]
    return tuple(np.concatenate([x[k] for x in parts]) for k in range(3))  # type: ignore[return-value]


def region_pairs(left: Side, right: Side, p: MatchParams) -> tuple[np.ndarray, np.ndarray]:
    """Pairs where one side is region-level: same admin-1 key (or the same country where the
    region-level row names no admin-1), within ``days``."""
    lreg, rreg, _ = unify(left.region, right.region)
    liso, riso, _ = unify(left.iso3, right.iso3)
    l_ok, r_ok = left.unit_class < 2, right.unit_class < 2
    l_region, r_region = left.unit_class == 1, right.unit_class == 1
    out_l, out_r = [], []

    def join(lsel: np.ndarray, rsel: np.ndarray, lkey: np.ndarray, rkey: np.ndarray) -> None:
        lrows, rrows = np.flatnonzero(lsel & (lkey >= 0)), np.flatnonzero(rsel & (rkey >= 0))
        lrows, rrows = overlapping(left, right, lrows, rrows, p.days)
        if len(lrows) == 0 or len(rrows) == 0:
            return
        lrows = lrows[np.lexsort((left.lo[lrows], lkey[lrows]))]  # sorted queries (see _grid)
        r_span = int((right.hi[rrows] - right.lo[rrows]).max())
        for li, ri in band_join(
            lkey[lrows],
            lrows,
            left.lo[lrows],
            left.hi[lrows],
            rkey[rrows],
            rrows,
            right.lo[rrows],
            r_span,
            p.days,
        ):
            ok = day_gap(left, right, li, ri) <= p.days
            out_l.append(li[ok])
            out_r.append(ri[ok])

    l_has, r_has = lreg >= 0, rreg >= 0
    join(l_region & l_has, r_ok, lreg, rreg)  # region-level left x any right, same admin-1
    join(l_ok & ~l_region, r_region & r_has, lreg, rreg)  # point-level left x region-level right
    join(l_region & ~l_has, r_ok, liso, riso)  # region-level left without admin-1 x any right, country
    join(l_ok & ~(l_region & ~l_has), r_region & ~r_has, liso, riso)  # any left x such a right
    if not out_l:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.concatenate(out_l), np.concatenate(out_r)


def candidate_pairs(
    left: Side, right: Side, p: MatchParams
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(left index, right index, km, via region) of every candidate pair, each once, sorted by left then
    right index."""
    pl, pr, pkm = point_pairs(left, right, p)
    rl, rr = region_pairs(left, right, p)
    li = np.concatenate([pl, rl])
    ri = np.concatenate([pr, rr])
    km = np.concatenate([pkm, km_between(left, right, rl, rr)])
    via = np.concatenate([np.zeros(len(pl), bool), np.ones(len(rl), bool)])
    order = np.lexsort((ri, li))
    return li[order], ri[order], km[order], via[order]
