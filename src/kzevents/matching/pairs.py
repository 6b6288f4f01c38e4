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
