"""Matching benchmark: synthetic datasets with known duplicates (jittered dates, coordinates and types).

Prints precision and recall of kzevents' optimal assignment against a meltt-style first-free greedy
selection on the same candidate pairs, and the time and peak memory of matching N x M events.

    python benchmarks/match_bench.py --left 100000 --right 1000000
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import time

import numpy as np
import pyarrow as pa

from kzevents import table as canonical
from kzevents.matching import MatchParams, assign, candidate_pairs, match, prepare, score_pairs

SUBS = [
    "Armed clash",
    "Attack",
    "Remote explosive/landmine/IED",
    "Peaceful protest",
    "Arrests",
    "Suicide bomb",
]
TYPES = [
    "Battles",
    "Violence against civilians",
    "Explosions/Remote violence",
    "Protests",
    "Strategic developments",
    "Explosions/Remote violence",
]


def events(n: int, rng: np.random.Generator, prefix: str, dataset: str) -> dict[str, np.ndarray]:
    # events cluster in 2,000 "towns" over a 3-year span, as real data do
    towns = rng.uniform([-35, -100], [60, 120], size=(300, 2))
    town = rng.integers(0, 300, size=n)
    lat = towns[town, 0] + rng.normal(0, 0.05, size=n)
    lon = towns[town, 1] + rng.normal(0, 0.05, size=n)
    day = rng.integers(0, 1100, size=n)
    kind = rng.integers(0, len(SUBS), size=n)
    fat = rng.geometric(0.4, size=n) - 1
    return {
        "id": np.array([f"{prefix}{i}" for i in range(n)]),
        "lat": lat,
        "lon": lon,
        "day": day,
        "kind": kind,
        "fat": fat,
        "dataset": np.array([dataset] * n),
    }


def to_table(e: dict[str, np.ndarray]) -> pa.Table:
    n = len(e["id"])
    base = dt.date(2019, 1, 1)
    dates = [base + dt.timedelta(days=int(d)) for d in e["day"]]
    cols = {
        "event_id": e["id"].tolist(),
        "dataset": e["dataset"].tolist(),
        "event_date": dates,
        "event_date_end": dates,
        "date_precision": ["day"] * n,
        "native_event_type": [TYPES[k] for k in e["kind"]],
        "native_sub_event_type": [SUBS[k] for k in e["kind"]],
        "country_iso3": ["XXX"] * n,
        "latitude": np.round(e["lat"], 4).tolist(),
        "longitude": np.round(e["lon"], 4).tolist(),
        "geo_precision": ["town"] * n,
        "fatalities_low": e["fat"].tolist(),
        "fatalities_best": e["fat"].tolist(),
    }
    return canonical.from_columns(cols)


def make(
    n_left: int, n_right: int, dup: float, seed: int = 7
) -> tuple[pa.Table, pa.Table, set[tuple[str, str]]]:
    rng = np.random.default_rng(seed)
    right = events(n_right, rng, "R", "acled")
    left = events(n_left, rng, "L", "gtd")
    k = int(n_left * dup)
    src = rng.choice(n_right, size=k, replace=False)
    # duplicates: the same event seen by the other dataset, a few km and at most a day away, type mostly kept
    left["lat"][:k] = right["lat"][src] + rng.normal(0, 0.03, size=k)
    left["lon"][:k] = right["lon"][src] + rng.normal(0, 0.03, size=k)
    left["day"][:k] = right["day"][src] + rng.integers(-1, 2, size=k)
    # 15% coded differently, the way datasets differ: a clash in one is an attack in the other
    swap = np.array([1, 0, 5, 3, 4, 2])  # Armed clash<->Attack, IED<->Suicide bomb
    left["kind"][:k] = np.where(rng.random(k) < 0.85, right["kind"][src], swap[right["kind"][src]])
    left["fat"][:k] = np.maximum(0, right["fat"][src] + rng.integers(-1, 2, size=k))
    truth = {(f"L{i}", f"R{j}") for i, j in zip(range(k), src, strict=True)}
    return to_table(left), to_table(right), truth


def first_free(
    n_left: int, li: np.ndarray, ri: np.ndarray, days: np.ndarray, score: np.ndarray, threshold: float
) -> set[tuple[int, int]]:
    """meltt's selection as described in reference/merging.md §3.7: each left event takes the first
    candidate not yet claimed, in date-scan order, not the best one."""
    order = np.lexsort((days, li))
    taken: set[int] = set()
    out = set()
    done = set()
    for k in order:
        a, b = int(li[k]), int(ri[k])
        if a in done or b in taken or score[k] < threshold:
            continue
        out.add((a, b))
        taken.add(b)
        done.add(a)
    return out


def quality(n_left: int, n_right: int, dup: float, p: MatchParams) -> dict[str, float]:
    left, right, truth = make(n_left, n_right, dup)
    links = match(left, right, p)
    chosen = {
        (a, b)
        for a, b, d in zip(
            links.column("left_id").to_pylist(),
            links.column("right_id").to_pylist(),
            links.column("decision").to_pylist(),
            strict=True,
        )
        if d == "match"
    }
    a, b = prepare(left), prepare(right)
    li, ri, via = candidate_pairs(a, b, p)
    s = score_pairs(a, b, li, ri, via, p)
    greedy = {
        (str(a.ids[x]), str(b.ids[y]))
        for x, y in first_free(a.n, s["l"], s["r"], s["days"], s["score"], p.threshold)
    }
    _ = assign

    def pr(found: set[tuple[str, str]]) -> tuple[float, float]:
        tp = len(found & truth)
        return tp / max(len(found), 1), tp / max(len(truth), 1)

    (p1, r1), (p2, r2) = pr(chosen), pr(greedy)
    return {
        "precision": round(p1, 4),
        "recall": round(r1, 4),
        "first_free_precision": round(p2, 4),
        "first_free_recall": round(r2, 4),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--left", type=int, default=100_000)
    ap.add_argument("--right", type=int, default=1_000_000)
    ap.add_argument("--quality-size", type=int, default=20_000)
    args = ap.parse_args()
    p = MatchParams(km=10, days=1)
    q = quality(args.quality_size, args.quality_size * 4, 0.3, p)
    print(f"synthetic quality ({args.quality_size} x {args.quality_size * 4}, 30% duplicates): {q}")
    left, right, _ = make(args.left, args.right, 0.25)
    for scale in (0.5, 1.0):
        nl, nr = int(args.left * scale), int(args.right * scale)
        t0 = time.perf_counter()
        links = match(left.slice(0, nl), right.slice(0, nr), p)
        secs = time.perf_counter() - t0
        print(
            f"match {nl} x {nr}: {secs:.1f} s, {links.num_rows} candidate links, "
            f"peak RSS so far {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"
        )


if __name__ == "__main__":
    main()
