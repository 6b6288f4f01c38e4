"""Publishers and term frequencies.

- **source**: the two rows share a publisher (folded names, ``exporters/taxonomy.toml`` [sources]).
- **term frequency** (as Splink's): agreeing on a value that many events of the same country and month
  carry (a city centroid, "Tijuana", "Russia vs Ukraine" in Ukraine, one death, a national outlet) is
  weaker evidence than agreeing on a rare one. Each function gives, per pair, how common the agreed value
  is; the model uses it where a pair agrees at level 0.

  Two datasets carry a value in different shares (GED records only fatal, organised violence: a third of
  its events have one death, a few percent of ACLED's). Agreeing on value v by chance has probability
  f_A(v) f_B(v), and a true pair agrees on it with probability m f_M(v), f_M the value's share among the
  events both datasets record, so u_v = f_A(v) f_B(v) / f_M(v). The events both record are the narrower
  dataset's kind, where a count such as "1 dead" is at least as common as in either dataset: f_M(v) ~
  max(f_A, f_B), and the u of an agreed death toll is the *smaller* of the two sides' shares (the larger
  one, GED's share of one-death events, made an agreed "1 dead" weigh less than 2 dead against 1, which
  the comparison calls only "close"). Names (actors, places, spots, publishers) keep the larger share, a
  conservative choice: among near-by events agreeing on a name goes with agreeing on place and time (a
  hotspot's dyad in its town), which the product of Bayes factors ignores; the smaller share there made
  the realistic benchmark's probabilities over-confident (pairs at 0.5-0.6 true 47 % of the time).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kzevents.matching.pairs import Pairs, group_counts, member, sorted_unique
from kzevents.matching.sides import Side

TF_PSEUDO = 10.0  # pseudo-events per country-month: a month with one event says little


# --- publishers ----------------------------------------------------------------------------------------


def _source_index(p: Pairs) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Built once per match: the left publishers sorted by row (order, rows), the right (row, publisher)
    keys in the left vocabulary, sorted, and the key space."""
    key = "sources:index"
    if key not in p.ctx.cache:
        left, right = p.left, p.right
        where = {v: i for i, v in enumerate(left.src_vocab)}
        rmap = np.array([where.get(v, -1) for v in right.src_vocab] + [-1], np.int64)
        r_codes = rmap[right.src_code] if len(right.src_code) else np.zeros(0, np.int64)
        space = max(len(left.src_vocab), 1)
        ok = r_codes >= 0
        r_keys = sorted_unique(right.src_row[ok].astype(np.int64) * space + r_codes[ok])
        order = np.argsort(left.src_row, kind="stable")
        p.ctx.cache[key] = (order, left.src_row[order], r_keys, space)
    return p.ctx.cache[key]  # type: ignore[return-value]


def _shared_sources(p: Pairs) -> tuple[np.ndarray, np.ndarray]:
    """(pair index, publisher code in the left vocabulary) for every publisher both rows name."""
    order, rows_sorted, r_keys, space = _source_index(p)
    start = np.searchsorted(rows_sorted, p.li, "left")
    stop = np.searchsorted(rows_sorted, p.li, "right")
    cnt = stop - start
    pair = np.repeat(np.arange(len(p)), cnt)
    offs = np.arange(int(cnt.sum())) - np.repeat(np.cumsum(cnt) - cnt, cnt)
    codes = p.left.src_code[order[np.repeat(start, cnt) + offs]].astype(np.int64)
    hit = member(r_keys, p.ri[pair].astype(np.int64) * space + codes)
    return pair[hit], codes[hit]


def source_possible(p: Pairs, levels: dict[str, np.ndarray]) -> np.ndarray:
    has_l = np.zeros(p.left.n, bool)
    has_l[p.left.src_row] = True
    has_r = np.zeros(p.right.n, bool)
    has_r[p.right.src_row] = True
    return np.asarray(has_l[p.li] & has_r[p.ri])


def source(p: Pairs) -> np.ndarray:
    has_l = np.zeros(p.left.n, bool)
    has_l[p.left.src_row] = True
    has_r = np.zeros(p.right.n, bool)
    has_r[p.right.src_row] = True
    pair, _ = _shared_sources(p)
    shared = np.zeros(len(p), bool)
    shared[pair] = True
    return np.where(has_l[p.li] & has_r[p.ri], np.where(shared, 0, 1), -1).astype(np.int8)


# --- term frequencies ------------------------------------------------------------------------------------


def _months(side: Side) -> np.ndarray:
    return side.lo.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)


def country_months(side: Side) -> tuple[np.ndarray, np.ndarray]:
    """(group of each row, group sizes) by country and month."""
    c = side.iso3.codes.astype(np.int64) + 1
    m = _months(side) - _months(side).min()
    return group_counts(c * (int(m.max()) + 1) + m)


def frequency(
    side: Side, values: np.ndarray, groups: tuple[np.ndarray, np.ndarray] | None = None
) -> np.ndarray:
    """Per row: the share of the other events of its country and month that carry the same value
    (smoothed with TF_PSEUDO pseudo-events; 0 where the value is missing)."""
    if side.n == 0:
        return np.zeros(0, np.float32)
    inv_cm, n_cm = groups if groups is not None else country_months(side)
    v = values.astype(np.int64) + 1
    inv_v, n_v = group_counts(inv_cm * (int(v.max()) + 1) + v)
    out = (n_v[inv_v] - 1) / np.maximum(n_cm[inv_cm] - 1 + TF_PSEUDO, 1)
    return np.where(values >= 0, out, 0.0).astype(np.float32)


def _cached(p: Pairs, name: str, values: Callable[[Side], np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Both sides' frequencies of ``values`` (see :func:`frequency`), computed once per match."""
    key = f"tf:{name}"
    if key not in p.ctx.cache:
        if "tf:groups" not in p.ctx.cache:
            p.ctx.cache["tf:groups"] = (country_months(p.left), country_months(p.right))
        groups: tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]
        groups = p.ctx.cache["tf:groups"]  # type: ignore[assignment]
        gl, gr = groups
        p.ctx.cache[key] = (frequency(p.left, values(p.left), gl), frequency(p.right, values(p.right), gr))
    return p.ctx.cache[key]  # type: ignore[return-value]


def place_tf(p: Pairs) -> np.ndarray:
    tl, tr = _cached(p, "place", lambda s: s.location.codes)
    return np.asarray(np.maximum(tl[p.li], tr[p.ri]))


def _spot(side: Side) -> np.ndarray:
    """A code per ~1 km cell of the coordinates (-1 without)."""
    xyz = np.nan_to_num(side.xyz)
    lat = np.round(np.degrees(np.arcsin(np.clip(xyz[:, 2], -1, 1))) * 100).astype(np.int64)
    lon = np.round(np.degrees(np.arctan2(xyz[:, 1], xyz[:, 0])) * 100).astype(np.int64)
    code = (lat + 9000) * 40000 + (lon + 18000)
    return np.where(side.has_xy, code, -1)


def spot_tf(p: Pairs) -> np.ndarray:
    tl, tr = _cached(p, "spot", _spot)
    return np.asarray(np.maximum(tl[p.li], tr[p.ri]))


def _profiles(side: Side) -> np.ndarray:
    """A code per distinct pair of armed actor sets (undirected)."""
    if side.n == 0:
        return np.zeros(0, np.int64)
    names = ["+".join(sorted(k.armed)) for k in side.actor_keys] or [""]
    vocab: dict[str, int] = {}

    def code(a: int, b: int) -> int:
        x, y = sorted((names[a], names[b]))
        return -1 if not (x or y) else vocab.setdefault(x + "|" + y, len(vocab))

    key = side.actor1.astype(np.int64) * (len(names) + 1) + side.actor2
    enc = pc.dictionary_encode(pa.array(key))
    uniq = np.asarray(enc.dictionary.to_numpy(zero_copy_only=False), np.int64)
    codes = np.array([code(int(k // (len(names) + 1)), int(k % (len(names) + 1))) for k in uniq], np.int64)
    return np.asarray(codes[np.asarray(enc.indices.to_numpy(zero_copy_only=False), np.int64)])


def fatality_tf(p: Pairs) -> np.ndarray:
    """How common the agreed death toll is (one dead is common, twelve rare)."""

    def values(s: Side) -> np.ndarray:
        lo = s.fat_lo
        return np.where(np.isnan(lo), -1, np.minimum(np.nan_to_num(lo), 10_000)).astype(np.int64)

    tl, tr = _cached(p, "fatalities", values)
    return np.asarray(np.minimum(tl[p.li], tr[p.ri]))


def actor_tf(p: Pairs) -> np.ndarray:
    tl, tr = _cached(p, "actors", _profiles)
    return np.asarray(np.maximum(tl[p.li], tr[p.ri]))


SourceTable = tuple[np.ndarray, np.ndarray, int]


def _source_table(side: Side) -> SourceTable:
    """Per exploded (row, publisher), sorted by row * space + publisher: the share of the row's
    country-month events that cite the publisher (smoothed as :func:`frequency`)."""
    space = len(side.src_vocab) + 1
    if len(side.src_row) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.float32), space
    m = _months(side) - _months(side).min()
    c = side.iso3.codes.astype(np.int64) + 1
    row_cm = c * (int(m.max()) + 1) + m
    inv_row, n_cm = group_counts(row_cm)
    cm = row_cm[side.src_row]
    inv, n = group_counts(cm * space + side.src_code)
    freq = (n[inv] - 1) / np.maximum(n_cm[inv_row[side.src_row]] - 1 + TF_PSEUDO, 1)
    key = side.src_row.astype(np.int64) * space + side.src_code
    order = np.argsort(key, kind="stable")
    return key[order], freq[order].astype(np.float32), space


def _lookup(table: SourceTable, rows: np.ndarray, codes: np.ndarray) -> np.ndarray:
    keys, freq, space = table
    if len(keys) == 0:
        return np.zeros(len(rows), np.float32)
    q = rows.astype(np.int64) * space + codes
    pos = np.minimum(np.searchsorted(keys, q), len(keys) - 1)
    return np.where(keys[pos] == q, freq[pos], 0.0).astype(np.float32)


def source_tf(p: Pairs) -> np.ndarray:
    """For pairs sharing a publisher: how common the rarest shared publisher is (the larger of the two
    sides' shares: see the module's docstring); 0 elsewhere."""
    pair, codes = _shared_sources(p)
    out = np.zeros(len(p), np.float32)
    if len(pair) == 0:
        return out
    if "tf:source" not in p.ctx.cache:
        p.ctx.cache["tf:source"] = (_source_table(p.left), _source_table(p.right))
    tables: tuple[SourceTable, SourceTable] = p.ctx.cache["tf:source"]  # type: ignore[assignment]
    tl, tr = tables
    where = {v: i for i, v in enumerate(p.right.src_vocab)}
    to_right = np.array([where.get(v, -1) for v in p.left.src_vocab], np.int64)
    f = np.maximum(_lookup(tl, p.li[pair], codes), _lookup(tr, p.ri[pair], to_right[codes]))
    out[:] = np.inf
    np.minimum.at(out, pair, f)
    out[np.isinf(out)] = 0.0
    return out
