"""The Fellegi-Sunter model: an m and a u probability per comparison level, estimated by EM on the
candidate pairs of one dataset pair, giving each pair a match weight and probability.

    P(match | levels) = lambda * prod m_k[l_k] / (lambda * prod m_k[l_k] + (1 - lambda) * prod u_k[l_k])

over the comparisons whose level is known (an unknown level contributes a Bayes factor of 1, as in
Splink). The weight of a level is log2(m / u); the links table carries it for every comparison.

Estimation (as Splink does, adapted to event data):

- **u** starts from a prior: for comparisons that blocking does not select on, the level frequencies of
  random pairs (Splink's ``estimate_u_using_random_sampling``: the country comparison from pairs of the
  whole cross product, the others from pairs within one country); for distance and time, which blocking
  does select on, the uniform null inside the window (a non-matching event is as likely at any point of
  the disc and on any day of the window). EM then re-estimates u on the candidates, each weighted by
  1 - p, with ``u_pseudo`` pseudo-pairs of the prior.
- **m** starts from each comparison's documented prior (:mod:`kzevents.matching.comparisons`) and is
  re-estimated by MAP-EM with ``m_pseudo`` pseudo-matches, so that a dataset pair with a handful of true
  matches keeps sensible weights and a large one learns its own.
- **lambda** (the match rate among candidates) starts from Splink's deterministic estimate (the pairs a
  strict rule accepts, divided by an assumed recall of the rule) and is re-estimated by EM.
- **One-to-one competition** in the E-step (a bipartite prior, cf. Sadinle 2017): an event has at most
  one counterpart, so its candidates share the probability (Sinkhorn balancing, :func:`compete`).
  Without it EM takes "same busy town" for the match class.
- **Term frequency** (Splink's TF adjustment): where a pair agrees at level 0 on a common value, u is the
  value's frequency when that is larger than the level's u.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import attrs
import numpy as np

from kzevents.matching.comparisons import Comparison
from kzevents.matching.pairs import group_counts

RECALL_OF_STRICT_RULE = 0.6  # assumed share of the true pairs a strict rule accepts (lambda's start)


@attrs.frozen
class Model:
    comparisons: tuple[Comparison, ...]
    m: dict[str, np.ndarray]
    u: dict[str, np.ndarray]
    lam: float
    seen: dict[str, np.ndarray]  # levels seen among the candidates (the others weigh 0)
    iterations: int = 0
    pi_left: float = 0.5  # P(a left event with candidates has its counterpart among them)
    pi_right: float = 0.5

    def level_weights(self, name: str) -> np.ndarray:
        """log2(m / u) of each level of one comparison (0 for a level never seen)."""
        w = np.log2(self.m[name] / self.u[name])
        return np.where(self.seen[name], w, 0.0)

    def weight_of(self, name: str, lv: np.ndarray) -> np.ndarray:
        """The weight of one comparison's levels per pair, without term frequencies (0 where unknown)."""
        w = self.level_weights(name)
        return np.where(lv >= 0, w[np.maximum(lv, 0)], 0.0)

    def bayes_factors(
        self, levels: Mapping[str, np.ndarray], tf: Mapping[str, np.ndarray] | None = None
    ) -> dict[str, np.ndarray]:
        """log2 Bayes factor of each comparison per pair (0 where the level is unknown)."""
        out = {}
        for c in self.comparisons:
            lv = levels[c.name]
            # a table look-up per pair: the level's weight, 0 at the extra slot for "unknown" (-1)
            w = np.append(self.level_weights(c.name), 0.0).astype(np.float32)
            bf = w[np.where(lv >= 0, lv, len(w) - 1)]
            if tf is not None and c.name in tf and self.seen[c.name][0]:
                at0 = np.flatnonzero(lv == 0)
                adj = np.log2(self.m[c.name][0] / np.maximum(self.u[c.name][0], tf[c.name][at0]))
                bf[at0] = np.minimum(bf[at0], adj)
            out[c.name] = bf
        return out

    @property
    def prior_weight(self) -> float:
        return math.log2(self.lam / (1 - self.lam))

    def weight(
        self, levels: Mapping[str, np.ndarray], tf: Mapping[str, np.ndarray] | None = None
    ) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        bf = self.bayes_factors(levels, tf)
        total = np.full(len(next(iter(levels.values()))), self.prior_weight)
        for v in bf.values():
            total += v
        return total, bf

    def table(self) -> list[dict[str, Any]]:
        """One row per comparison level: m, u and the weight (log2 Bayes factor)."""
        rows = []
        for c in self.comparisons:
            w = self.level_weights(c.name)
            for i, name in enumerate(c.levels):
                rows.append(
                    {
                        "comparison": c.name,
                        "level": name,
                        "m": round(float(self.m[c.name][i]), 6),
                        "u": round(float(self.u[c.name][i]), 6),
                        "weight": round(float(w[i]), 3),
                        "seen": bool(self.seen[c.name][i]),
                    }
                )
        return rows

    def summary(self) -> dict[str, Any]:
        return {
            "lambda": self.lam,
            "prior_weight": round(self.prior_weight, 3),
            "pi_left": round(self.pi_left, 4),
            "pi_right": round(self.pi_right, 4),
            "iterations": self.iterations,
            "levels": self.table(),
        }

    def competition_boost(
        self, li: np.ndarray, ri: np.ndarray, all_li: np.ndarray, all_ri: np.ndarray
    ) -> np.ndarray:
        """log2 of the most the one-to-one competition can raise each pair's odds over the pairwise odds
        (no competitors: sqrt(a_left a_right) against lambda's odds, see :func:`compete`); ``all_*`` are
        the dataset pair's pairs."""
        kl = np.bincount(all_li, minlength=int(li.max(initial=0)) + 1)[li].astype(float)
        kr = np.bincount(all_ri, minlength=int(ri.max(initial=0)) + 1)[ri].astype(float)
        al = self.pi_left / (1 - self.pi_left) / np.maximum(kl, 1)
        ar = self.pi_right / (1 - self.pi_right) / np.maximum(kr, 1)
        return np.asarray(0.5 * (np.log2(al) + np.log2(ar)) - self.prior_weight)  # odds <= BF sqrt(al ar)

    def one_to_one(self, weight: np.ndarray, li: np.ndarray, ri: np.ndarray) -> np.ndarray:
        """The probability that each pair is *the* counterpart of both its events (see :func:`compete`)."""
        return compete(weight - self.prior_weight, li, ri, self.pi_left, self.pi_right, self.lam)


def probability(weight: np.ndarray) -> np.ndarray:
    return np.asarray(1.0 / (1.0 + np.exp2(-np.clip(weight, -60, 60))))


SINKHORN_ITERATIONS = 30
SINKHORN_TOLERANCE = 1e-4  # largest change of a "none" share between two rounds


def compete(
    bf_log2: np.ndarray, li: np.ndarray, ri: np.ndarray, pi_left: float, pi_right: float, lam: float
) -> np.ndarray:
    """The one-to-one competition (a bipartite prior, cf. Sadinle 2017): each event has at most one
    counterpart. From one event's side, with prior probability ``pi`` its counterpart is among its k
    candidates, each equally likely, so the odds that candidate j is it, against "none", are a BF_j with
    a = pi / ((1 - pi) k). Both events' sides are taken together by Sinkhorn balancing with a "none"
    slot on each side (soft assignment): P_ij = w_ij x_i y_j with x_i = 1 / (1 + sum_j w_ij y_j) and
    y_j = 1 / (1 + sum_i w_ij x_i), from the pair's odds o_ij = BF_ij sqrt(a_i a_j) (the geometric mean
    of the two sides' priors). Three equally strong candidates of one event that have no other candidate
    get about a third each; a lone candidate gets o / (1 + o). (``lam`` is not used: the competition's
    prior is ``pi``.)"""
    if len(bf_log2) == 0:
        return np.zeros(0)
    kl = np.bincount(li)
    kr = np.bincount(ri)
    a = np.sqrt(
        (pi_left / (1 - pi_left) / np.maximum(kl, 1))[li]
        * (pi_right / (1 - pi_right) / np.maximum(kr, 1))[ri]
    )
    odds = np.exp2(np.clip(bf_log2, -60, 60)) * a
    # balancing with two "none" slots gives a lone pair P / (1 - P)^2 = w; w = odds (1 + odds) makes
    # that P = odds / (1 + odds), the pair's own posterior, and leaves shared candidates shared
    w = odds * (1.0 + odds)
    # start from each event's "none" share were its candidates apart (exact for a lone pair)
    x = 1.0 / (1.0 + np.bincount(li, weights=odds, minlength=len(kl)))
    y = 1.0 / (1.0 + np.bincount(ri, weights=odds, minlength=len(kr)))
    # the balancing runs on the pairs that weigh in an event's shares (the others' P is w x y after it)
    big = np.flatnonzero(w > SINKHORN_TOLERANCE)
    bl, br, bw = li[big], ri[big], w[big]
    for _ in range(SINKHORN_ITERATIONS):
        x = 1.0 / (1.0 + np.bincount(bl, weights=bw * y[br], minlength=len(kl)))
        y_new = 1.0 / (1.0 + np.bincount(br, weights=bw * x[bl], minlength=len(kr)))
        done = float(np.max(np.abs(y_new - y), initial=0.0)) < SINKHORN_TOLERANCE
        y = y_new
        if done:
            break
    return np.asarray(np.minimum(w * x[li] * y[ri], 1.0))


def frequencies(lv: np.ndarray, k: int, weights: np.ndarray | None = None, alpha: float = 0.5) -> np.ndarray:
    known = lv >= 0
    w = np.ones(len(lv)) if weights is None else weights
    cnt = np.bincount(lv[known], weights=w[known], minlength=k).astype(float)
    return np.asarray((cnt + alpha) / (cnt.sum() + alpha * k))


def strict_lambda(levels: Mapping[str, np.ndarray], comps: Sequence[Comparison], n: int) -> float:
    """Splink's deterministic estimate: the pairs that a strict rule accepts (every level in its
    comparison's ``strict`` set, where -1 says whether unknown passes), divided by the rule's assumed
    recall, over the candidates."""
    if n == 0:
        return 0.01
    ok = np.ones(n, bool)
    for c in comps:
        ok &= np.isin(levels[c.name], np.array(c.strict, np.int8))
    k = max(float(ok.sum()), 1.0) / RECALL_OF_STRICT_RULE
    return float(min(max(k / n, 1e-4), 0.5))


def fit(
    comps: Sequence[Comparison],
    levels: Mapping[str, np.ndarray],
    u_prior: Mapping[str, np.ndarray],
    li: np.ndarray,
    ri: np.ndarray,
    tf: Mapping[str, np.ndarray] | None = None,
    iterations: int = 40,
    m_pseudo: float = 100.0,
    u_pseudo: float = 100.0,
    lam_pseudo: float = 20.0,
    use_competition: bool = True,
    tol: float = 1e-4,
) -> Model:
    """MAP-EM on the candidate pairs (``levels`` per comparison, int8, -1 unknown)."""
    n = len(li)
    lam0 = strict_lambda(levels, comps, n)
    m = {c.name: np.array(c.prior_m, float) for c in comps}
    u = {c.name: np.asarray(u_prior[c.name], float) for c in comps}
    seen = {
        c.name: np.bincount(levels[c.name][levels[c.name] >= 0], minlength=len(c.levels)) > 0 for c in comps
    }
    model = Model(tuple(comps), m, u, lam0, seen)
    if n == 0:
        return model
    li_c, _ = group_counts(li)
    ri_c, _ = group_counts(ri)
    n_l, n_r = int(li_c.max()) + 1, int(ri_c.max()) + 1
    # P(an event has its counterpart among its candidates) starts from lambda times the candidates
    pi_l0 = float(np.clip(lam0 * n / n_l, 0.01, 0.9))
    pi_r0 = float(np.clip(lam0 * n / n_r, 0.01, 0.9))
    model = attrs.evolve(model, pi_left=pi_l0, pi_right=pi_r0)
    for it in range(iterations):
        w, _ = model.weight(levels, tf)
        p = model.one_to_one(w, li_c, ri_c) if use_competition else probability(w)
        p = np.clip(p, 1e-9, 1 - 1e-9)
        lam = float((p.sum() + lam_pseudo * lam0) / (n + lam_pseudo))
        pi_l = float((p.sum() + lam_pseudo * pi_l0) / (n_l + lam_pseudo))
        pi_r = float((p.sum() + lam_pseudo * pi_r0) / (n_r + lam_pseudo))
        new_m, new_u = {}, {}
        for c in comps:
            k = len(c.levels)
            lv = levels[c.name]
            known = lv >= 0
            cm = np.bincount(lv[known], weights=p[known], minlength=k)
            new_m[c.name] = (cm + m_pseudo * np.array(c.prior_m)) / (cm.sum() + m_pseudo)
            cu = np.bincount(lv[known], weights=1 - p[known], minlength=k)
            new_u[c.name] = (cu + u_pseudo * np.asarray(u_prior[c.name])) / (cu.sum() + u_pseudo)
        delta = max(
            abs(lam - model.lam),
            abs(pi_l - model.pi_left),
            abs(pi_r - model.pi_right),
            *(float(np.abs(new_m[c.name] - model.m[c.name]).max()) for c in comps),
        )
        model = Model(
            tuple(comps),
            new_m,
            new_u,
            min(max(lam, 1e-6), 0.5),
            seen,
            it + 1,
            min(max(pi_l, 1e-4), 0.99),
            min(max(pi_r, 1e-4), 0.99),
        )
        if delta < tol:
            break
    return model
