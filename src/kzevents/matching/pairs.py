"""Pairs of rows of two sides, as the comparisons see them: the index arrays, km and day gap, and the
context both sides share (one vocabulary per coded feature, the windows)."""

from __future__ import annotations

from collections.abc import Callable

import attrs
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kzevents.matching.sides import Codes, Side, unify


@attrs.define
class Context:
    """The two sides of one match, with what both sides' pairs share (one vocabulary per coded feature),
    computed on first use."""

    left: Side
    right: Side
    km: float = 25.0  # the windows (MatchParams.km, km_near)
    km_near: float = 50.0
    days: int = 3
    cache: dict[str, object] = attrs.field(factory=dict)

    def unified(self, name: str) -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
        key = f"codes:{name}"
        if key not in self.cache:
            a: Codes = getattr(self.left, name)
            b: Codes = getattr(self.right, name)
            self.cache[key] = unify(a, b)
        return self.cache[key]  # type: ignore[return-value]


@attrs.frozen
class Pairs:
    """Candidate (or random) pairs: row indices into the two sides, km (nan without two points) and the
    day gap between the widened date intervals."""

    ctx: Context
    li: np.ndarray
    ri: np.ndarray
    km: np.ndarray
    gap: np.ndarray
    via_region: np.ndarray

    @property
    def left(self) -> Side:
        return self.ctx.left

    @property
    def right(self) -> Side:
        return self.ctx.right

    def __len__(self) -> int:
        return len(self.li)

    def subset(self, idx: np.ndarray) -> Pairs:
        return Pairs(self.ctx, self.li[idx], self.ri[idx], self.km[idx], self.gap[idx], self.via_region[idx])


def per_distinct(a: np.ndarray, b: np.ndarray, fn: Callable[[int, int], int]) -> np.ndarray:
    """``fn(a, b)`` (an int8 level) decided once per distinct (a, b) among the pairs."""
    if len(a) == 0:
        return np.zeros(0, np.int8)
    base = int(b.max()) + 2
    key = (a.astype(np.int64) + 1) * base + (b.astype(np.int64) + 1)
    enc = pc.dictionary_encode(pa.array(key))
    uniq = np.asarray(enc.dictionary.to_numpy(zero_copy_only=False), np.int64)
    vals = np.array([fn(int(k // base) - 1, int(k % base) - 1) for k in uniq], np.int8)
    return vals[np.asarray(enc.indices.to_numpy(zero_copy_only=False), np.int64)]


def per_distinct_vectorised(
    ctx: Context, name: str, a: np.ndarray, b: np.ndarray, fn: Callable[[np.ndarray, np.ndarray], np.ndarray]
) -> np.ndarray:
    """``fn`` over arrays of distinct (a, b) codes (one call, vectorised: rapidfuzz in C), remembered in
    the context under ``name`` so that another comparison asking for the same pairs pays nothing."""
    if len(a) == 0:
        return np.zeros(0, np.int8)
    memo: dict[int, int] = ctx.cache.setdefault(f"distinct:{name}", {})  # type: ignore[assignment]
    base = 1 << 31
    key = (a.astype(np.int64) + 1) * base + (b.astype(np.int64) + 1)
    enc = pc.dictionary_encode(pa.array(key))
    uniq = np.asarray(enc.dictionary.to_numpy(zero_copy_only=False), np.int64)
    known = np.array([memo.get(int(k), -9) for k in uniq], np.int64)
    todo = np.flatnonzero(known == -9)
    if len(todo):
        got = np.asarray(fn(uniq[todo] // base - 1, uniq[todo] % base - 1), np.int64)
        known[todo] = got
        memo.update(zip(uniq[todo].tolist(), got.tolist(), strict=True))
    return known.astype(np.int8)[np.asarray(enc.indices.to_numpy(zero_copy_only=False), np.int64)]


def sorted_unique(a: np.ndarray) -> np.ndarray:
    """The distinct values of ``a``, sorted (by sorting: numpy's hash-based unique is slow on millions)."""
    if len(a) == 0:
        return a
    s = np.sort(a)
    return np.asarray(s[np.concatenate([[True], s[1:] != s[:-1]])])


def member(sorted_keys: np.ndarray, queries: np.ndarray) -> np.ndarray:
    """Which ``queries`` occur in ``sorted_keys`` (sorted, distinct)."""
    if len(sorted_keys) == 0:
        return np.zeros(len(queries), bool)
    pos = np.minimum(np.searchsorted(sorted_keys, queries), len(sorted_keys) - 1)
    return np.asarray(sorted_keys[pos] == queries)


def group_counts(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(group index of each value, size of each group), by Arrow's hash table: sorting millions of keys
    with numpy's unique is several times slower."""
    if len(keys) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    enc = pc.dictionary_encode(pa.array(keys))
    idx = np.asarray(enc.indices.to_numpy(zero_copy_only=False), np.int64)
    return idx, np.bincount(idx, minlength=len(enc.dictionary))
