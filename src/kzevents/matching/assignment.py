"""Assignment: the optimal one-to-one links per connected group of strong pairs, then one-to-many links."""

from __future__ import annotations

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from kzevents.matching.params import MatchParams


def assign(
    n_left: int, n_right: int, li: np.ndarray, ri: np.ndarray, score: np.ndarray, p: MatchParams
) -> np.ndarray:
    """Decision per pair: 'match' (optimal one-to-one), 'match-many', or 'candidate'."""
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
