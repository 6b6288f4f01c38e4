"""Scoring candidate pairs: distance, day gap, event-type family, fatalities and actors, weighted."""

from __future__ import annotations

import numpy as np

from kzevents.matching.params import EARTH_KM, MatchParams
from kzevents.matching.sides import Side, families


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
    _, compatible, partial = families()
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
