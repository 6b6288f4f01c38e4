"""Decisions on top of the match probabilities: the optimal one-to-one assignment per connected group of
strong pairs, then one-to-many links where one record is the coarser unit; and, for the benchmarks,
meltt's first-free selection."""

from __future__ import annotations

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from kzevents.matching.sides import Side


def one_to_one(
    n_left: int, n_right: int, li: np.ndarray, ri: np.ndarray, weight: np.ndarray, eligible: np.ndarray
) -> np.ndarray:
    """The pairs of the optimal one-to-one assignment among the eligible pairs: in each connected group
    of the bipartite graph, the assignment of largest total weight (:func:`scipy.optimize.
    linear_sum_assignment`), not a first-free greedy pick whose result depends on scan order. ``weight``
    is the gain of making each link (positive for eligible pairs; the matcher passes how far each pair's
    log2 odds lie above the threshold's)."""
    chosen = np.zeros(len(li), bool)
    strong = np.flatnonzero(eligible)
    if len(strong) == 0:
        return chosen
    n = n_left + n_right
    g = coo_matrix((np.ones(len(strong)), (li[strong], ri[strong] + n_left)), shape=(n, n))
    _, labels = connected_components(g, directed=False)
    comp = labels[li[strong]]
    sizes = np.bincount(comp)
    single = sizes[comp] == 1
    chosen[strong[single]] = True  # a group of one pair: that pair
    rest = strong[~single]
    if len(rest) == 0:
        return chosen
    order = np.argsort(labels[li[rest]], kind="stable")
    rest = rest[order]
    bounds = np.flatnonzero(np.diff(labels[li[rest]])) + 1
    w = np.maximum(weight, 1e-9)
    for group in np.split(rest, bounds):
        ul, inv_l = np.unique(li[group], return_inverse=True)
        ur, inv_r = np.unique(ri[group], return_inverse=True)
        m = np.zeros((len(ul), len(ur)))
        m[inv_l, inv_r] = w[group]
        rows, cols = linear_sum_assignment(m, maximize=True)
        picked = {(int(ul[a]), int(ur[b])) for a, b in zip(rows, cols, strict=True) if m[a, b] > 0}
        for k in group:
            if (int(li[k]), int(ri[k])) in picked:
                chosen[k] = True
    return chosen


def is_coarser_unit(side: Side, rows: np.ndarray) -> np.ndarray:
    """A record that may stand for several records of the other dataset: one of an incident-level dataset
    (``unit = "incident"`` in taxonomy.toml: kzevents, GTD keep a multi-day or multi-site attack as one
    record). A record of an event-level dataset is one event however vague: GED's ``date_start`` /
    ``date_end`` are the earliest and latest *possible* dates of the event and its ``where_prec`` 3-4
    point says where it is known to have happened (reference/ged.md §1, §3), ACLED's week or month
    ``time_precision`` and region ``geo_precision`` likewise; two events that the other dataset keeps
    apart are at most one of them."""
    return np.asarray(side.incident[rows])


def one_to_many(
    left: Side,
    right: Side,
    li: np.ndarray,
    ri: np.ndarray,
    prob: np.ndarray,
    weight: np.ndarray,
    gap: np.ndarray,
    matched: np.ndarray,
    threshold: float,
) -> np.ndarray:
    """Extra links: an event left unlinked joins the linked partner it resembles most when the pairwise
    probability reaches ``threshold``, the dates overlap, and the linked partner is the coarser unit
    (one incident split by the other dataset into events per day or place, :func:`is_coarser_unit`).
    Two events that their own dataset keeps apart are not folded into one event of another event-level
    dataset, however vague its date or place."""
    ml = np.zeros(left.n, bool)
    mr = np.zeros(right.n, bool)
    ml[li[matched]] = True
    mr[ri[matched]] = True
    free_right = ml[li] & ~mr[ri]  # the left row is linked, the right row is free
    free_left = ~ml[li] & mr[ri]
    coarse_partner = np.where(free_right, is_coarser_unit(left, li), is_coarser_unit(right, ri))
    extra = ~matched & (prob >= threshold) & (gap == 0) & (free_right | free_left) & coarse_partner
    idx = np.flatnonzero(extra)
    out = np.zeros(len(li), bool)
    if len(idx):
        free_id = np.where(free_right[idx], ri[idx] + left.n, li[idx])
        order = np.lexsort((-weight[idx], free_id))
        _, first = np.unique(free_id[order], return_index=True)
        out[idx[order[first]]] = True
    return out


def first_free(
    li: np.ndarray, ri: np.ndarray, days: np.ndarray, score: np.ndarray, threshold: float
) -> np.ndarray:
    """meltt's selection (reference/merging.md §3.7), for comparison: each left event takes the first
    candidate not yet claimed, in date-scan order, not the best one."""
    order = np.lexsort((days, li))
    taken: set[int] = set()
    done: set[int] = set()
    out = np.zeros(len(li), bool)
    for k in order:
        a, b = int(li[k]), int(ri[k])
        if a in done or b in taken or score[k] < threshold:
            continue
        out[k] = True
        taken.add(b)
        done.add(a)
    return out
