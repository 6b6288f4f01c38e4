"""Comparisons with levels, as declarative, vectorised functions over arrays of pairs.

A :class:`Comparison` is a name, its levels (agreement first, evidence against last), a documented prior
``m`` (P(level | the two rows are one event)), where its ``u`` prior comes from, and a function from
:class:`Pairs` to one int8 level per pair (-1: unknown, no evidence either way). The model
(:mod:`kzevents.matching.model`) learns a weight per level; the registry ``COMPARISONS`` is what
``MatchParams.comparisons`` names. A dataset with its own codes (CAMEO or PLOVER event codes, actor
country codes) adds a comparison here over features its ``Side`` carries; every function is a column
expression over the pair arrays, so an SQL or distributed engine can run the same definitions.

Set- and string-valued comparisons (actors, names) are decided once per distinct combination of codes
found among the pairs and spread back by index, so their Python cost grows with the distinct
combinations, not with the pairs.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import attrs
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kzevents.matching import frequencies as freq
from kzevents.matching import reference as ref
from kzevents.matching import text
from kzevents.matching.actors import UNKNOWN, keys_agree
from kzevents.matching.pairs import Pairs, per_distinct
from kzevents.matching.sides import Side


@attrs.frozen
class Comparison:
    name: str
    levels: tuple[str, ...]
    prior_m: tuple[float, ...]  # P(level | match); reasons in the comment above each definition
    compute: Callable[[Pairs], np.ndarray]
    # P(level | no match) when the data give too few pairs to estimate it (measured on the real ACLED 2022
    # x GED 23.1 samples: random same-country pairs, or their candidates for the "candidates" comparisons)
    typical_u: tuple[float, ...] = ()
    # the levels (-1: unknown) a strict deterministic rule accepts (lambda's starting value)
    strict: tuple[int, ...] = ()
    # where the u prior comes from: "random" (random pairs within one country), "random_any" (random
    # pairs of the whole cross product), "candidates" (the candidates' level frequencies: for a
    # comparison that depends on the window, such as place names), "window" (``u_window``)
    u_source: str = "random"
    u_window: Callable[[Pairs], np.ndarray] | None = None
    expensive: bool = False  # computed only for pairs whose other weights can still reach the lists
    # for an expensive comparison: which pairs can have a known level at all, from the cheap levels, and
    # its rank among the expensive ones (the cheaper first: the pairs it rules out skip the next)
    possible: Callable[[Pairs, dict[str, np.ndarray]], np.ndarray] | None = None
    cost: int = 0
    tf: Callable[[Pairs], np.ndarray] | None = None  # frequency of the agreed value (level 0)

    def __attrs_post_init__(self) -> None:
        if not self.strict:
            object.__setattr__(self, "strict", (-1, *range(len(self.levels))))
        if not self.typical_u:
            object.__setattr__(self, "typical_u", tuple(1 / len(self.levels) for _ in self.levels))
        if len(self.typical_u) != len(self.levels):
            raise ValueError(f"comparison {self.name}: one typical u per level")
        if len(self.levels) != len(self.prior_m) or abs(sum(self.prior_m) - 1) > 1e-9:
            raise ValueError(f"comparison {self.name}: one prior m per level, summing to 1")


# --- country: a link across a border needs a geocoding error on one side ---------------------------


def country(p: Pairs) -> np.ndarray:
    a, b, _ = p.ctx.unified("iso3")
    x, y = a[p.li], b[p.ri]
    return np.where((x < 0) | (y < 0), -1, np.where(x == y, 0, 1)).astype(np.int8)


# --- actors: the two events' sides through the crosswalk (undirected dyads: either orientation) -------

ACTOR_LEVELS = ("both_sides_agree", "one_side_agrees", "close_only", "one_agrees_other_clashes", "disagree")
SAME_UNARMED = -2  # one side of both events: civilians, a crowd, or no one named, alike on both


def _keyset_level(left: Side, right: Side) -> Callable[[int, int], int]:
    """One side of each event: 2 agree, 1 close, 0 different, -1 unnamed, SAME_UNARMED (cached)."""
    cache: dict[tuple[int, int], int] = {}

    def level(a: int, b: int) -> int:
        if (a, b) not in cache:
            ka, kb = left.actor_keys[a], right.actor_keys[b]
            xa, xb = ka.armed, kb.armed
            if not xa and not xb and ka.agree == kb.agree and UNKNOWN not in ka.agree:
                cache[a, b] = SAME_UNARMED
            elif not xa or not xb:
                cache[a, b] = -1
            elif keys_agree(xa, xb):
                cache[a, b] = 2
            else:
                cache[a, b] = 1 if (xa & kb.close) or (xb & ka.close) else 0
        return cache[a, b]

    return level


def _dyad_level(a11: int, a22: int, a12: int, a21: int) -> int:
    """The actors level from the four side-by-side agreements (either orientation)."""
    if max(a11, a22, a12, a21) < 0:
        return -1
    o1 = (a11 == 2) + (a22 == 2)
    o2 = (a12 == 2) + (a21 == 2)
    best = max(o1, o2)
    if best == 2:
        return 0
    if best == 1:
        # in the orientation with one agreement, the other two sides: both named and different = a clash
        if o1 >= o2:
            other = a22 if a11 == 2 else a11
        else:
            other = a21 if a12 == 2 else a12
        return 3 if other == 0 else 0 if other == SAME_UNARMED else 1
    return 2 if 1 in (a11, a22, a12, a21) else 4


def _profiles(side: Side) -> tuple[np.ndarray, np.ndarray]:
    """Each row's (actor1, actor2) combination as one code, and the combinations (k, 2)."""
    key = side.actor1.astype(np.int64) * (len(side.actor_keys) + 1) + side.actor2
    enc = pc.dictionary_encode(pa.array(key))
    uniq = np.asarray(enc.dictionary.to_numpy(zero_copy_only=False), np.int64)
    pairs = np.stack([uniq // (len(side.actor_keys) + 1), uniq % (len(side.actor_keys) + 1)], axis=1)
    return np.asarray(enc.indices.to_numpy(zero_copy_only=False), np.int64), pairs


def actors(p: Pairs) -> np.ndarray:
    """Decided once per distinct pair of (actor1, actor2) combinations."""
    if "actors:profiles" not in p.ctx.cache:
        p.ctx.cache["actors:profiles"] = (_profiles(p.left), _profiles(p.right))
    profiles: tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]
    profiles = p.ctx.cache["actors:profiles"]  # type: ignore[assignment]
    (lp, lpairs), (rp, rpairs) = profiles
    side = _keyset_level(p.left, p.right)

    def level(a: int, b: int) -> int:
        (l1, l2), (r1, r2) = lpairs[a], rpairs[b]
        return _dyad_level(side(l1, r1), side(l2, r2), side(l1, r2), side(l2, r1))

    return per_distinct(lp[p.li], rp[p.ri], level)


# --- what happened -----------------------------------------------------------------------------------


def what(p: Pairs) -> np.ndarray:
    a, b = p.left.nature[p.li], p.right.nature[p.ri]
    out = ref.what_matrix()[np.maximum(a, 0), np.maximum(b, 0)]
    return np.where((a < 0) | (b < 0), -1, out).astype(np.int8)


# --- fatalities: ranges (GED low-high), ACLED's "casualties unknown" as unknown ----------------------

FATALITY_LEVELS = ("agree", "close", "far", "zero_vs_some")


def fatalities(p: Pairs) -> np.ndarray:
    alo, ahi = p.left.fat_lo[p.li], p.left.fat_hi[p.li]
    blo, bhi = p.right.fat_lo[p.ri], p.right.fat_hi[p.ri]
    known = ~(np.isnan(alo) | np.isnan(blo))
    with np.errstate(invalid="ignore", divide="ignore"):
        overlap = (alo <= bhi) & (blo <= ahi)
        zero_vs_some = ((ahi == 0) & (blo >= 1)) | ((bhi == 0) & (alo >= 1))
        gap = np.maximum(blo - ahi, alo - bhi)
        ratio = np.fmax(np.fmax(alo, blo), 1) / np.fmax(np.fmin(ahi, bhi), 1)
    close = (gap <= 2) | (ratio <= 2)
    out = np.where(overlap, 0, np.where(zero_vs_some, 3, np.where(close, 1, 2)))
    return np.where(known, out, -1).astype(np.int8)


# --- time: the gap between the date intervals (widened by date precision) ----------------------------

TIME_LEVELS = ("same_day", "overlap", "1_day", "2_3_days", "4_plus_days")


def time(p: Pairs) -> np.ndarray:
    single = p.left.single_day[p.li] & p.right.single_day[p.ri]
    g = p.gap
    return np.where(g == 0, np.where(single, 0, 1), np.where(g == 1, 2, np.where(g <= 3, 3, 4))).astype(
        np.int8
    )


def time_u(p: Pairs) -> np.ndarray:
    """u prior of the time levels: the other event's interval uniformly placed in the window."""
    a = (p.left.hi[p.li] - p.left.lo[p.li] + 1).astype(float)
    b = (p.right.hi[p.ri] - p.right.lo[p.ri] + 1).astype(float)
    w = float(p.ctx.days)
    tot = 2 * w + a + b - 1
    single = p.left.single_day[p.li] & p.right.single_day[p.ri]
    g = 2 / tot
    u = np.zeros(len(TIME_LEVELS))
    if len(p):
        u[0] = np.mean(np.where(single, (a + b - 1) / tot, 0))
        u[1] = np.mean(np.where(single, 0, (a + b - 1) / tot))
        u[2] = np.mean(g) if w >= 1 else 0
        u[3] = np.mean(g * min(max(w - 1, 0), 2))
        u[4] = np.mean(g * max(w - 3, 0))
    u = np.maximum(u, 1e-6)
    return np.asarray(u / u.sum())


# --- distance, relative to each side's precision; region-level points by admin-1 ----------------------

DISTANCE_LEVELS = (
    "same_spot",
    "within_precision",
    "near",
    "far",
    "same_admin2",
    "same_region",
    "other_admin2",
    "other_region",
)
RADIUS_KM = {ref.POINT: 3.0, ref.NEAR: 15.0}  # the extent a town-level / "near" point stands for
SAME_SPOT_KM = 2.0


def radius(side: Side, rows: np.ndarray) -> np.ndarray:
    u = side.unit[rows]
    return np.where(u == ref.POINT, RADIUS_KM[ref.POINT], RADIUS_KM[ref.NEAR]).astype(np.float32)


def distance(p: Pairs) -> np.ndarray:
    """Two points: km against the two precisions (same spot, within their precision, near: inside the
    window, far: beyond it). A region-level row: is the other in its region, and for a district-level
    row (or a point against one) in its district ("same_admin2" / "other_admin2" when both name a
    district and the region-level row stands for one)."""
    point = (p.left.unit_class[p.li] == 0) & (p.right.unit_class[p.ri] == 0) & ~np.isnan(p.km)
    r = radius(p.left, p.li) + radius(p.right, p.ri)
    town = (p.left.unit[p.li] == ref.POINT) & (p.right.unit[p.ri] == ref.POINT)
    window = np.where(town, p.ctx.km, p.ctx.km_near)
    km = np.nan_to_num(p.km, nan=np.inf)
    lvl = np.where(km <= SAME_SPOT_KM, 0, np.where(km <= r + 5, 1, np.where(km <= window, 2, 3)))
    a, b, _ = p.ctx.unified("region")
    x, y = a[p.li], b[p.ri]
    region = np.where((x < 0) | (y < 0), -1, np.where(x == y, 5, 7))
    district = (p.left.unit[p.li] == ref.ADMIN2) | (p.right.unit[p.ri] == ref.ADMIN2)
    same2 = text.same_admin2(p)
    region = np.where(district & (same2 >= 0) & (region == 5), np.where(same2 == 1, 4, 6), region)
    return np.where(point, lvl, region).astype(np.int8)


def distance_u(p: Pairs) -> np.ndarray:
    """u prior of the distance levels: a point-level non-match anywhere in the window's disc (the share
    of the disc within each level's radius); a region-level one in the same region (blocking's key)."""
    point = (p.left.unit_class[p.li] == 0) & (p.right.unit_class[p.ri] == 0) & ~np.isnan(p.km)
    town = (p.left.unit[p.li] == ref.POINT) & (p.right.unit[p.ri] == ref.POINT)
    window = np.where(town, p.ctx.km, p.ctx.km_near)
    r = radius(p.left, p.li) + radius(p.right, p.ri)
    c0 = np.minimum((SAME_SPOT_KM / window) ** 2, 1)
    c1 = np.minimum(((r + 5) / window) ** 2, 1)
    u = np.zeros(len(DISTANCE_LEVELS))
    q = float((~point).mean()) if len(p) else 0.0
    if point.any():
        u[0] = (1 - q) * float(np.mean(c0[point]))
        u[1] = (1 - q) * float(np.mean((c1 - c0)[point]))
        u[2] = (1 - q) * float(np.mean((1 - c1)[point]))
    u[4], u[5], u[6], u[7] = 0.1 * q, 0.7 * q, 0.15 * q, 0.05 * q
    u = np.maximum(u, 1e-6)
    return np.asarray(u / u.sum())


@functools.cache
def registry() -> dict[str, Comparison]:
    """The comparisons by name (``MatchParams.comparisons`` chooses among them)."""
    return {
        c.name: c
        for c in (
            # a cross-border link needs a geocoding error on one side: rare; its u is that of pairs inside the
            # window (where two events are nearly always in one country, agreeing is no evidence)
            Comparison(
                "country",
                ("agree", "disagree"),
                (0.995, 0.005),
                country,
                (0.95, 0.05),
                strict=(-1, 0),
                u_source="candidates",
            ),
            # once names go through the crosswalk a true pair names the same armed actors, or one side
            # is unnamed (shelling without actor2); "disagree" needs a coding error
            Comparison(
                "actors",
                ACTOR_LEVELS,
                (0.55, 0.30, 0.10, 0.03, 0.02),
                actors,
                (0.11, 0.37, 0.09, 0.09, 0.34),
                strict=(-1, 0, 1, 2),
                tf=freq.actor_tf,
            ),
            # the same or a compatible nature; civilian harm vs a clash, or non-violent vs violent, are
            # coding differences that happen, rarely
            Comparison(
                "what", ref.WHAT_LEVELS, (0.55, 0.35, 0.07, 0.03), what, (0.14, 0.30, 0.18, 0.38), strict=(0,)
            ),
            # GED's range and ACLED's count usually overlap or are close; 0 vs some is rare
            Comparison(
                "fatalities",
                FATALITY_LEVELS,
                (0.55, 0.30, 0.12, 0.03),
                fatalities,
                (0.20, 0.08, 0.08, 0.64),
                strict=(-1, 0, 1),
                tf=freq.fatality_tf,
            ),
            # the same settlement name mostly, the same district otherwise; its u is that of pairs inside
            # the window (two events 10 km apart share a town name far more often than random pairs)
            Comparison(
                "place",
                text.PLACE_LEVELS,
                (0.50, 0.25, 0.25),
                text.place,
                (0.12, 0.06, 0.82),
                strict=(-1, 0, 1),
                u_source="candidates",
                tf=freq.place_tf,
            ),
            # two different settlement names of one event: the texts often name each other's place (a
            # village and the town it belongs to)
            Comparison(
                "mention",
                text.MENTION_LEVELS,
                (0.30, 0.40, 0.30),
                text.mention,
                (0.01, 0.20, 0.79),
                strict=(-1, 0, 1),
                u_source="candidates",
                expensive=True,
                possible=text.mention_possible,
                cost=3,
            ),
            # two texts of one event that name a neighbourhood mostly name the same one
            Comparison(
                "neighbourhood",
                text.NEIGHBOURHOOD_LEVELS,
                (0.75, 0.25),
                text.neighbourhood,
                (0.05, 0.95),
                strict=(-1, 0),
                u_source="candidates",
                expensive=True,
                possible=text.neighbourhood_possible,
                cost=2,
            ),
            # within each side's precision mostly; region-level pairs mostly share the admin-1
            Comparison(
                "distance",
                DISTANCE_LEVELS,
                (0.25, 0.42, 0.13, 0.01, 0.08, 0.08, 0.02, 0.01),
                distance,
                strict=(0, 1, 4),
                u_source="window",
                u_window=distance_u,
                tf=freq.spot_tf,
            ),
            # the same day or overlapping intervals; a gap of 2-3 days between day-precise rows is rare
            Comparison(
                "time",
                TIME_LEVELS,
                (0.50, 0.22, 0.18, 0.08, 0.02),
                time,
                strict=(0, 1),
                u_source="window",
                u_window=time_u,
            ),
            # two datasets share a publisher for about half of the true pairs (learned from the data)
            Comparison(
                "source",
                ("shared", "none_shared"),
                (0.45, 0.55),
                freq.source,
                (0.04, 0.96),
                expensive=True,
                possible=freq.source_possible,
                cost=1,
                tf=freq.source_tf,
            ),
        )
    }


COMPARISONS = (
    "country",
    "actors",
    "what",
    "fatalities",
    "place",
    "mention",
    "neighbourhood",
    "distance",
    "time",
    "source",
)
DEFAULT_COMPARISONS = COMPARISONS
