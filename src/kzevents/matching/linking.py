"""Two prepared sides -> candidate pairs -> comparison levels -> a model per dataset pair (EM) -> match
probabilities -> one-to-one and one-to-many decisions.

Speed: the cheap comparisons run on every candidate pair; the model is fitted on at most
``em_max_pairs`` pairs (all the candidates of a random subset of left events); the expensive comparisons
(place names and text, publishers) then run only on the pairs whose cheap weights plus the best weight
the expensive ones could add can still reach ``list_threshold``. Pairs below it keep those levels
unknown: they can be neither listed nor linked.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import attrs
import numpy as np
import pyarrow as pa

from kzevents.matching import model as fs
from kzevents.matching.assignment import one_to_many, one_to_one
from kzevents.matching.blocking import candidate_pairs
from kzevents.matching.comparisons import Comparison, registry
from kzevents.matching.pairs import Context, Pairs, group_counts
from kzevents.matching.params import MatchParams
from kzevents.matching.sides import Side, day_gap, km_between


@attrs.frozen
class Scored:
    """Every candidate pair with its levels, weights, probabilities and decision."""

    pairs: Pairs
    comparisons: tuple[Comparison, ...]
    levels: dict[str, np.ndarray]
    weights: dict[str, np.ndarray]  # log2 Bayes factor per comparison
    prior: np.ndarray  # log2 lambda / (1 - lambda) of the pair's model
    weight: np.ndarray
    prob: np.ndarray
    prob1: np.ndarray  # after the one-to-one competition
    decision: np.ndarray  # 0 candidate, 1 match, 2 match-many
    models: dict[tuple[str, str], fs.Model]


DECISIONS = ("candidate", "match", "match-many")


def make_pairs(
    ctx: Context, li: np.ndarray, ri: np.ndarray, via: np.ndarray | None = None, km: np.ndarray | None = None
) -> Pairs:
    a, b = ctx.left, ctx.right
    v = np.zeros(len(li), bool) if via is None else via
    d = km_between(a, b, li, ri) if km is None else km
    return Pairs(ctx, li.astype(np.int32), ri.astype(np.int32), d, day_gap(a, b, li, ri), v)


def random_pairs(
    ctx: Context, lrows: np.ndarray, rrows: np.ndarray, n: int, rng: np.random.Generator
) -> tuple[Pairs, Pairs]:
    """(pairs from the whole cross product, pairs within one country) of the given rows, for the u
    priors; every pair when the cross product is small."""
    if len(lrows) * len(rrows) <= n:
        li, ri = np.divmod(np.arange(len(lrows) * len(rrows)), len(rrows))
        li, ri = lrows[li], rrows[ri]
        any_pairs = make_pairs(ctx, li, ri)
        lc, rc, _ = ctx.unified("iso3")
        same = (lc[li] == rc[ri]) & (lc[li] >= 0)
        return any_pairs, any_pairs.subset(np.flatnonzero(same))
    li = lrows[rng.integers(0, len(lrows), n)]
    ri = rrows[rng.integers(0, len(rrows), n)]
    any_pairs = make_pairs(ctx, li, ri)
    lc, rc, _ = ctx.unified("iso3")
    rcodes = rc[rrows]
    order = np.argsort(rcodes, kind="stable")
    sorted_codes = rcodes[order]
    want = lc[li]
    lo = np.searchsorted(sorted_codes, want, "left")
    hi = np.searchsorted(sorted_codes, want, "right")
    ok = (hi > lo) & (want >= 0)
    pick = lo[ok] + (rng.random(int(ok.sum())) * (hi[ok] - lo[ok])).astype(np.int64)
    return any_pairs, make_pairs(ctx, li[ok], rrows[order[pick]])


TYPICAL_U_PAIRS = 1000.0  # pseudo-pairs of a comparison's typical u mixed into the estimate


def _u_priors(
    comps: Sequence[Comparison],
    sample: Pairs,
    levels: dict[str, np.ndarray],
    rand_any: Pairs,
    rand_country: Pairs,
) -> dict[str, np.ndarray]:
    """Each comparison's u prior: its level frequencies among random pairs (or among the candidates),
    mixed with TYPICAL_U_PAIRS pseudo-pairs of its typical u, so that a small table (a few candidates,
    a few hundred random pairs) does not learn its u from almost nothing; or the window's null."""
    out = {}
    for c in comps:
        if c.u_source == "window" and c.u_window is not None:
            out[c.name] = c.u_window(sample)
            continue
        if c.u_source == "candidates":
            lv = levels[c.name]
        else:
            lv = c.compute(rand_any if c.u_source == "random_any" else rand_country)
        k = float((lv >= 0).sum())
        freq = fs.frequencies(lv, len(c.levels))
        out[c.name] = (k * freq + TYPICAL_U_PAIRS * np.array(c.typical_u)) / (k + TYPICAL_U_PAIRS)
    return out


def _sample(li: np.ndarray, idx: np.ndarray, limit: int, rng: np.random.Generator) -> np.ndarray:
    """At most ``limit`` of the pairs ``idx``: all candidates of a random subset of left events (the
    competition between an event's candidates needs all of them)."""
    if len(idx) <= limit:
        return idx
    inv, counts = group_counts(li[idx])
    perm = rng.permutation(len(counts))
    take = np.zeros(len(counts), bool)
    take[perm[np.cumsum(counts[perm]) <= limit]] = True
    return np.asarray(idx[take[inv]])


def score(left: Side, right: Side, p: MatchParams) -> Scored:
    ctx = Context(left, right, p.km, p.km_near, p.days)
    li, ri, km, via = candidate_pairs(left, right, p)
    pa.default_memory_pool().release_unused()
    pairs = make_pairs(ctx, li, ri, via, km)
    li, ri = pairs.li, pairs.ri
    del km
    comps = tuple(registry()[n] for n in p.comparisons)
    rng = np.random.default_rng(p.seed)
    n = len(pairs)
    levels = {c.name: (np.full(n, -1, np.int8) if c.expensive else c.compute(pairs)) for c in comps}
    weights: dict[str, np.ndarray] = {}
    prior = np.zeros(n)
    total = np.zeros(n)
    models: dict[tuple[str, str], fs.Model] = {}
    lds, rds = left.dataset.codes[li], right.dataset.codes[ri]
    group = (lds.astype(np.int64) + 1) * (len(right.dataset.vocab) + 2) + (rds + 1)
    group_models: list[tuple[fs.Model, np.ndarray]] = []
    for g in np.unique(group):
        idx = np.flatnonzero(group == g)
        ld, rd = int(lds[idx[0]]), int(rds[idx[0]])
        names = (left.dataset.vocab[ld] if ld >= 0 else "?", right.dataset.vocab[rd] if rd >= 0 else "?")
        lrows = np.flatnonzero((left.dataset.codes == ld) & (left.unit_class < 2))
        rrows = np.flatnonzero((right.dataset.codes == rd) & (right.unit_class < 2))
        sample = _sample(li, idx, p.em_max_pairs, rng)
        sp = pairs.subset(sample)
        _expensive(comps, pairs, sample, levels)
        lv_s = {c.name: levels[c.name][sample] for c in comps}
        tf_s = _tf(comps, sp, lv_s) if p.term_frequency else None
        rand_any, rand_country = random_pairs(ctx, lrows, rrows, p.random_pairs, rng)
        model = fs.fit(
            comps,
            lv_s,
            _u_priors(comps, sp, lv_s, rand_any, rand_country),
            sp.li,
            sp.ri,
            tf_s,
            p.em_iterations,
            p.m_pseudo,
            p.u_pseudo,
            use_competition=p.compete,
        )
        models[names] = model
        group_models.append((model, idx))
        # the expensive comparisons for the pairs that can still reach the list threshold
        rest = np.setdiff1d(idx, sample, assume_unique=True)
        if len(rest):
            _prune_and_compare(comps, pairs, rest, idx, levels, model, p.list_threshold)
        whole = len(idx) == n  # one dataset pair (the usual case): no copies of the per-pair arrays
        lv = levels if whole else {c.name: levels[c.name][idx] for c in comps}
        tf = _tf(comps, pairs if whole else pairs.subset(idx), lv) if p.term_frequency else None
        w, bf = model.weight(lv, tf)
        total[idx] = w
        prior[idx] = model.prior_weight
        for name, v in bf.items():
            if whole:
                weights[name] = v
            else:
                weights.setdefault(name, np.zeros(n, np.float32))[idx] = v
    for c in comps:  # no candidate pairs at all
        weights.setdefault(c.name, np.zeros(n, np.float32))
    prob = fs.probability(total)
    prob1 = prob.copy()
    if p.compete:  # the one-to-one competition within each dataset pair, with its model's priors
        for model, idx in group_models:
            prob1[idx] = model.one_to_one(total[idx], li[idx], ri[idx])
    # the assignment maximises the links' total log2 odds above the threshold's
    gain = (
        np.log2(np.maximum(prob1, 1e-300))
        - np.log2(np.maximum(1 - prob1, 1e-300))
        - math.log2(p.threshold / (1 - p.threshold))
    )
    chosen = one_to_one(left.n, right.n, li, ri, gain + 1e-6, prob1 >= p.threshold)
    many = one_to_many(left, right, li, ri, prob, total, pairs.gap, chosen, p.many_threshold)
    decision = np.where(chosen, 1, np.where(many, 2, 0)).astype(np.int8)
    ctx.cache.clear()  # tokens, text keys, term frequencies: not needed once the pairs are scored
    pa.default_memory_pool().release_unused()
    return Scored(pairs, comps, levels, weights, prior, total, prob, prob1, decision, models)


def _prune_and_compare(
    comps: Sequence[Comparison],
    pairs: Pairs,
    rest: np.ndarray,
    idx: np.ndarray,
    levels: dict[str, np.ndarray],
    model: fs.Model,
    threshold: float,
) -> None:
    """The expensive comparisons, cheapest first, each for the pairs whose weights so far plus the most
    the comparisons still to come could add (where they can be known at all), plus the most the
    one-to-one competition could raise the odds (see ``Model.competition_boost``), reach ``threshold``."""
    cheap = {c.name: levels[c.name][rest] for c in comps if not c.expensive}
    known_w = np.full(len(rest), model.prior_weight)
    for name, lv in cheap.items():
        known_w += model.weight_of(name, lv)
    rp = pairs.subset(rest)
    todo = sorted((c for c in comps if c.expensive), key=lambda c: c.cost)
    tops = {}
    for c in todo:
        top = max(0.0, float(model.level_weights(c.name).max()))
        can = c.possible(rp, cheap) if c.possible is not None else np.ones(len(rest), bool)
        tops[c.name] = np.where(can, top, 0.0)
    boost = np.maximum(
        model.competition_boost(pairs.li[rest], pairs.ri[rest], pairs.li[idx], pairs.ri[idx]), 0.0
    )
    alive = np.arange(len(rest))
    for k, c in enumerate(todo):
        ahead = sum((tops[d.name][alive] for d in todo[k:]), np.zeros(len(alive)))
        alive = alive[fs.probability(known_w[alive] + ahead + boost[alive]) >= threshold]
        if len(alive) == 0:
            return
        _expensive([c, *[x for x in comps if not x.expensive]], pairs, rest[alive], levels)
        known_w[alive] += model.weight_of(c.name, levels[c.name][rest[alive]])


def _expensive(
    comps: Sequence[Comparison], pairs: Pairs, idx: np.ndarray, levels: dict[str, np.ndarray]
) -> None:
    """The expensive comparisons of the pairs ``idx``, each only where it can be known."""
    if len(idx) == 0:
        return
    sub = pairs.subset(idx)
    cheap = {c.name: levels[c.name][idx] for c in comps if not c.expensive}
    for c in comps:
        if not c.expensive:
            continue
        can = c.possible(sub, cheap) if c.possible is not None else np.ones(len(idx), bool)
        where = np.flatnonzero(can)
        if len(where):
            levels[c.name][idx[where]] = c.compute(sub.subset(where))


def _tf(comps: Sequence[Comparison], pairs: Pairs, levels: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Term frequencies of the agreed values, for the pairs that agree at level 0."""
    out = {}
    for c in comps:
        if c.tf is None:
            continue
        at0 = np.flatnonzero(levels[c.name] == 0)
        f = np.zeros(len(pairs), np.float32)
        if len(at0):
            f[at0] = c.tf(pairs.subset(at0))
        out[c.name] = f
    return out
