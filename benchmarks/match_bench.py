"""Matching benchmark (issue 18): precision and recall on the real labelled set and on a realistic
synthetic set, against meltt's first-free selection on the same candidates, and the time and peak memory
of a GED x full-ACLED sized match.

1. **Real labelled set** (tests/fixtures/matching/): every pair the old matcher proposed between the real
   ACLED and GED samples in ../shared/external/ plus near misses (real_pairs.csv, 401 pairs), and our
   curated incidents against the GTD- and ACLED-layout fixtures (kzevents_pairs.csv, 31 pairs), each
   labelled same / different / unsure from the rows' notes and sources. Precision and recall of the "same"
   pairs, on the union of both files (only these real files exist here; the figures are in-sample: the
   pairs were read while the comparisons were built).
2. **Calibration** of the synthetic world against the real samples: density, precision codes, name
   variation, unknown casualties (real figure beside synthetic).
3. **Realistic synthetic set** (benchmarks/realistic.py): kzevents' matcher, meltt's first-free pick on
   the same candidates, and how calibrated the one-to-one probability is.
4. **Scale**: a GED-sized (420,000) x full-ACLED-sized (2.4 million) synthetic match, time and peak memory
   against the targets (30 s, 4 GB), in a fresh process.

    python benchmarks/match_bench.py                 # all four (the scale run takes a few minutes)
    python benchmarks/match_bench.py --no-scale
    python benchmarks/match_bench.py --only-scale
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
EXTERNAL = ROOT.parent / "shared" / "external"
FIXTURES = ROOT / "tests" / "fixtures"
sys.path.insert(0, str(HERE))

import realistic as world  # noqa: E402

import kzevents  # noqa: E402
from kzevents.matching import MatchParams, first_free, prepare, score  # noqa: E402
from kzevents.matching.blocking import candidate_pairs  # noqa: E402

# latent events per zone and year: set so that the world's density (A candidates per B event, A neighbours
# per A event) comes near the real samples' (section 2 prints both)
QUALITY_RATES = [36000, 27000, 24000, 18000, 12000, 9000, 6000, 4500, 3000, 1500]
TARGET_SECONDS, TARGET_GB = 30.0, 4.0


def pr(found: set[Any], same: set[Any], different: set[Any]) -> str:
    tp, fp = len(found & same), len(found & different)
    p = tp / (tp + fp) if tp + fp else float("nan")
    r = tp / len(same) if same else float("nan")
    return f"P {p:.3f}  R {r:.3f}  ({tp} of {len(same)} same linked, {fp} different linked)"


# --- 1. the real labelled set ------------------------------------------------------------------------


def labels(path: Path) -> dict[tuple[str, str], str]:
    return {(r["left_id"], r["right_id"]): r["label"] for r in csv.DictReader(open(path, encoding="utf-8"))}


def _linked(left: pa.Table, right: pa.Table, p: MatchParams) -> tuple[set[Any], set[Any]]:
    """(kzevents' links, meltt's first-free pick on the same candidates and pairwise probabilities)."""
    a, b = prepare(left), prepare(right)
    s = score(a, b, p)
    la, rb = a.ids.to_pylist(), b.ids.to_pylist()
    ids = [(la[i], rb[j]) for i, j in zip(s.pairs.li.tolist(), s.pairs.ri.tolist(), strict=True)]
    ff = first_free(s.pairs.li, s.pairs.ri, s.pairs.gap, s.prob, p.threshold)
    return {k for k, d in zip(ids, s.decision, strict=True) if d > 0}, {
        k for k, f in zip(ids, ff, strict=True) if f
    }


def real_set(p: MatchParams) -> None:
    print("== 1. Real labelled set (in-sample: the pairs were read while the comparisons were built)")
    lab = {
        **labels(FIXTURES / "matching" / "real_pairs.csv"),
        **labels(FIXTURES / "matching" / "kzevents_pairs.csv"),
    }
    ours = kzevents.load().to_arrow()
    runs = [
        (
            "kzevents x ACLED-layout fixture",
            ours,
            kzevents.read(FIXTURES / "labelled" / "acled_labelled.csv")[0],
        ),
        (
            "kzevents x GTD-layout fixture",
            ours,
            kzevents.read(FIXTURES / "gtd" / "gtd_labelled_latin1.csv")[0],
        ),
    ]
    if (EXTERNAL / "ged" / "ged_23.1_sample.csv").exists():
        ged = kzevents.read(EXTERNAL / "ged" / "ged_23.1_sample.csv")[0]
        runs = [
            (
                "ACLED 2022 sample x GED 23.1 sample",
                kzevents.read(EXTERNAL / "acled" / "acled_2022_global_sample.csv")[0],
                ged,
            ),
            (
                "ACLED 2020-03 Afghanistan x GED sample",
                kzevents.read(EXTERNAL / "acled" / "acled_2020-03_afghanistan_pre2023.csv")[0],
                ged,
            ),
            *runs,
        ]
    else:
        print(f"   {EXTERNAL} is absent: the real ACLED x GED pairs are skipped")
    n_same = sum(v == "same" for v in lab.values())
    print(
        f"   labelled pairs: {len(lab)} ({n_same} same, {sum(v == 'unsure' for v in lab.values())} unsure, "
        f"{sum(v == 'different' for v in lab.values())} different)"
    )
    all_ours, all_ff, all_same, all_diff = set(), set(), set(), set()
    for name, left, right in runs:
        lids, rids = set(left.column("event_id").to_pylist()), set(right.column("event_id").to_pylist())
        here = {k: v for k, v in lab.items() if k[0] in lids and k[1] in rids}
        same = {k for k, v in here.items() if v == "same"}
        diff = {k for k, v in here.items() if v == "different"}
        found, ff = _linked(left, right, p)
        unsure = len({k for k in found if here.get(k) == "unsure"})
        unlabelled = len({k for k in found if k not in here})
        print(
            f"   {name:40} kzevents {pr(found, same, diff)}; unsure linked {unsure}, unlabelled {unlabelled}"
        )
        print(f"   {'':40} meltt    {pr(ff, same, diff)}")
        all_ours |= found
        all_ff |= ff
        all_same |= same
        all_diff |= diff
    print(f"   {'union (targets P >= 0.95, R >= 0.90)':40} kzevents {pr(all_ours, all_same, all_diff)}")
    print(f"   {'':40} meltt    {pr(all_ff, all_same, all_diff)}")


# --- 2. calibration --------------------------------------------------------------------------------------


def acled_fraction(t: pa.Table) -> float:
    """The share of ACLED's events a sample holds, from its ids: ACLED numbers each country's events
    consecutively, so a country's ids span the events coded over the sample's period."""
    spans: dict[str, list[int]] = {}
    for i in t.column("event_id").to_pylist():
        m = re.match(r"([A-Z]+)(\d+)$", i or "")
        if m:
            spans.setdefault(m.group(1), []).append(int(m.group(2)))
    big = [v for v in spans.values() if len(v) >= 50]
    return sum(len(v) for v in big) / sum(max(v) - min(v) + 1 for v in big)


def density(a: pa.Table, b: pa.Table, p: MatchParams) -> tuple[float, float]:
    """(A candidates per B event, A neighbours per A event) in the default windows."""
    sa, sb = prepare(a), prepare(b)
    li, _, _, _ = candidate_pairs(sb, sa, p)
    ai, _, _, _ = candidate_pairs(sa, sa, p)
    return len(li) / max(sb.n, 1), len(ai) / max(sa.n, 1) - 1


def shares(t: pa.Table, column: str) -> str:
    vals = [v for v in t.column(column).to_pylist() if v is not None]
    keys = sorted(set(vals))
    return " ".join(f"{k}:{vals.count(k) / len(vals):.3f}" for k in keys)


def ranged(t: pa.Table, column: str, sign: int) -> float:
    """The share of rows whose ``column`` lies below (sign 1) or above (-1) the best estimate."""
    best = np.asarray(t.column("fatalities_best").to_numpy(zero_copy_only=False), float)
    other = np.asarray(t.column(column).to_numpy(zero_copy_only=False), float)
    return float(np.mean(sign * (best - other) > 0))


def calibration(syn: world.Synthetic, p: MatchParams) -> None:
    print("\n== 2. The synthetic world against the real samples (real | synthetic)")
    a, b = syn.a, syn.b
    sd, sn = density(a, b, p)
    if (EXTERNAL / "ged" / "ged_23.1_sample.csv").exists():
        acled = kzevents.read(EXTERNAL / "acled" / "acled_2022_global_sample.csv")[0]
        ged = kzevents.read(EXTERNAL / "ged" / "ged_23.1_sample.csv")[0]
        f = acled_fraction(acled)
        days = ged.column("event_date").cast(pa.int32()).to_numpy()
        lo, hi = (
            (dt.date(2022, 1, 1) - dt.date(1970, 1, 1)).days,
            (dt.date(2022, 7, 1) - dt.date(1970, 1, 1)).days,
        )
        g22 = ged.filter(pa.array((days >= lo) & (days < hi)))
        rd, rn = density(acled, g22, p)
        print(f"   ACLED sample = {f:.3f} of ACLED's events (from its ids); real figures scaled by 1/{f:.3f}")
        print(f"   ACLED candidates per GED event (default windows)  {rd / f:6.1f} | {sd:6.1f}")
        print(f"   ACLED neighbours per ACLED event                  {rn / f:6.1f} | {sn:6.1f}")
        print(
            f"   ACLED geo_precision   {shares(acled, 'native_geo_precision')} | "
            f"{shares(a, 'native_geo_precision')}"
        )
        print(
            f"   GED where_prec        {shares(ged, 'native_geo_precision')} | "
            f"{shares(b, 'native_geo_precision')}"
        )
        print(f"   ACLED date_precision  {shares(acled, 'date_precision')} | {shares(a, 'date_precision')}")
        print(f"   GED date_precision    {shares(ged, 'date_precision')} | {shares(b, 'date_precision')}")
        print(
            f"   GED rows with low < best, high > best             {ranged(ged, 'fatalities_low', 1):.3f}, "
            f"{ranged(ged, 'fatalities_high', -1):.3f} | {ranged(b, 'fatalities_low', 1):.3f}, "
            f"{ranged(b, 'fatalities_high', -1):.3f}"
        )
        zero = [
            k
            for f_, k in zip(
                acled.column("fatalities_best").to_pylist(),
                acled.column("fatalities_known").to_pylist(),
                strict=True,
            )
            if f_ == 0
        ]
        szero = [
            k
            for f_, k in zip(
                a.column("fatalities_best").to_pylist(), a.column("fatalities_known").to_pylist(), strict=True
            )
            if f_ == 0
        ]
        print(
            f"   ACLED zeros that mean 'casualties unknown'        {zero.count(False) / len(zero):6.3f} | "
            f"{szero.count(False) / len(szero):6.3f}"
        )
    else:
        print(
            f"   (real figures need {EXTERNAL})  synthetic: {sd:.1f} candidates per B event, "
            f"{sn:.1f} A neighbours"
        )
    styles = [s for z in syn.zones for s in z.styles]
    print(
        "   GED group names (crosswalk's 58 groups named by both | world): "
        + ", ".join(
            f"{k} {v:.2f} | {styles.count(k) / len(styles):.2f}" for k, v in world.B_NAME_STYLE.items()
        )
    )
    print(
        f"   A events with a counterpart in B (synthetic only)  {len(syn.truth) / a.num_rows:.3f}; "
        f"B rows {b.num_rows}, A rows {a.num_rows}, true pairs {len(syn.truth)} "
        f"(+{syn.coarse_truth} whose B row is coarse)"
    )


# --- 3. the realistic synthetic set ----------------------------------------------------------------------


def make_world() -> world.Synthetic:
    rng = np.random.default_rng(11)
    zones = world.world(rng, QUALITY_RATES)
    return world.make(rng, zones, world.day_number(dt.date(2022, 1, 1)), 365)


def synthetic(syn: world.Synthetic, p: MatchParams) -> None:
    zones = syn.zones
    print(
        f"\n== 3. Realistic synthetic set: {syn.a.num_rows} A (ACLED-like) x {syn.b.num_rows} B (GED-like) "
        "rows, "
        f"{len(syn.truth)} true pairs (targets P >= 0.95, R >= 0.95, ahead of meltt)"
    )
    with tempfile.NamedTemporaryFile("w", suffix=".toml", delete=False) as fh:
        fh.write(world.crosswalk_toml(zones))
    try:
        for label, params in (
            (
                "with crosswalk entries for the world's groups",
                MatchParams(**{**_kw(p), "actor_crosswalks": (fh.name,)}),
            ),
            ("shipped crosswalk only (translated names unresolved)", p),
        ):
            t0 = time.perf_counter()
            a, b = prepare(syn.a, params.actor_crosswalks), prepare(syn.b, params.actor_crosswalks)
            s = score(a, b, params)
            secs = time.perf_counter() - t0
            la, rb = a.ids.to_pylist(), b.ids.to_pylist()
            ids = [(la[i], rb[j]) for i, j in zip(s.pairs.li.tolist(), s.pairs.ri.tolist(), strict=True)]
            truth = np.array([k in syn.truth for k in ids])
            found = s.decision > 0
            print(f"   {label} ({len(ids)} candidate pairs, {secs:.1f} s):")
            print(f"     kzevents (optimal one-to-one)           {_pr(found, truth, len(syn.truth))}")
            ff1 = first_free(s.pairs.li, s.pairs.ri, s.pairs.gap, s.prob, params.threshold)
            ff2 = first_free(s.pairs.li, s.pairs.ri, s.pairs.gap, s.prob1, params.threshold)
            print(f"     meltt first-free, pairwise probability  {_pr(ff1, truth, len(syn.truth))}")
            print(f"     meltt first-free, one-to-one probability {_pr(ff2, truth, len(syn.truth))}")
            if label.startswith("with"):
                bins = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0001]
                k = np.digitize(s.prob1, bins) - 1
                cells = [
                    f"{bins[i]:.1f}+: {truth[k == i].mean():.2f}"
                    for i in range(len(bins) - 1)
                    if (k == i).any()
                ]
                print("     share true by one-to-one probability: " + ", ".join(cells))
    finally:
        os.unlink(fh.name)


def _pr(found: np.ndarray, truth: np.ndarray, n_true: int) -> str:
    tp = int((found & truth).sum())
    return f"P {tp / max(int(found.sum()), 1):.3f}  R {tp / max(n_true, 1):.3f}"


def _kw(p: MatchParams) -> dict[str, Any]:
    import attrs

    return attrs.asdict(p)


# --- 4. scale ---------------------------------------------------------------------------------------------

GENERATE = """
import sys, numpy as np, datetime as dt, pyarrow as pa, pyarrow.parquet as pq
sys.path.insert(0, {here!r})
import realistic as world
rng = np.random.default_rng(5)
zones = world.world(rng, ({rates!r} * 3)[:25])  # 25 zones: about 2.7 million A rows in 8 years
ev = world.latent(rng, zones, world.day_number(dt.date(2018, 1, 1)), 8 * 365)
seen_a = rng.random(len(ev.day)) < world.P_A
organised = (ev.deaths >= 1) & (ev.nature >= 3) & (ev.side1 != -2)
seen_b = organised & (ev.day < world.day_number(dt.date(2023, 1, 1))) & (rng.random(len(ev.day)) < world.P_B)
a = world.observe_a(rng, zones, ev, seen_a)
b = world.observe_b(rng, zones, ev, seen_b)
early = world.latent(rng, zones, world.day_number(dt.date(1989, 1, 1)), 29 * 365, scale=0.9)
org = np.flatnonzero((early.deaths >= 1) & (early.nature >= 3) & (early.side1 != -2))
pick = np.zeros(len(early.day), bool)
pick[rng.choice(org, min({n_b} - b.num_rows, len(org)), replace=False)] = True
b = pa.concat_tables([b, world.observe_b(rng, zones, early, pick, prefix="E").cast(b.schema)])
if a.num_rows > {n_a}:  # a random subset of the right size (every zone keeps its share)
    a = a.take(np.sort(rng.choice(a.num_rows, {n_a}, replace=False)))
pq.write_table(a, {out!r} + "/a.parquet")
pq.write_table(b.slice(0, {n_b}), {out!r} + "/b.parquet")
print(a.num_rows, min(b.num_rows, {n_b}))
"""

MATCH = """
import resource, time, json, pyarrow.parquet as pq
from kzevents import table as canonical
a = canonical.conform(pq.read_table({out!r} + "/a.parquet"))
b = canonical.conform(pq.read_table({out!r} + "/b.parquet"))
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
from kzevents.matching import match
t0 = time.perf_counter()
links = match(b, a)
secs = time.perf_counter() - t0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
decided = sum(d != "candidate" for d in links.column("decision").to_pylist())
out = {{"seconds": secs, "peak_mb": peak, "input_mb": base, "links": links.num_rows, "decided": decided}}
print(json.dumps(out))
"""


def scale(n_b: int, n_a: int, repeat: int) -> None:
    import json

    print(
        f"\n== 4. Scale: GED-sized x full-ACLED-sized synthetic match ({n_b:,} x {n_a:,}), fresh process each"
    )
    with tempfile.TemporaryDirectory() as out:
        t0 = time.perf_counter()
        got = subprocess.run(
            [
                sys.executable,
                "-c",
                GENERATE.format(here=str(HERE), rates=QUALITY_RATES, out=out, n_a=n_a, n_b=n_b),
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.split()
        print(
            f"   generated {int(got[1]):,} B and {int(got[0]):,} A rows in {time.perf_counter() - t0:.0f} s "
            "(B: GED's 1989-2022 shares of years; A: 2018-2025, the quality set's density per zone)"
        )
        runs = []
        for _ in range(repeat):
            r = subprocess.run(
                [sys.executable, "-c", MATCH.format(out=out)], check=True, capture_output=True, text=True
            )
            runs.append(json.loads(r.stdout.strip().splitlines()[-1]))
        for r in runs:
            print(
                f"   match: {r['seconds']:.1f} s (target {TARGET_SECONDS:.0f} s: "
                f"{r['seconds'] / TARGET_SECONDS:.2f}), peak RSS {r['peak_mb'] / 1024:.2f} GB "
                f"(target {TARGET_GB:.0f} GB: {r['peak_mb'] / 1024 / TARGET_GB:.2f}; "
                f"of which the two input tables {r['input_mb'] / 1024:.2f} GB), {r['links']:,} pairs listed, "
                f"{r['decided']:,} linked"
            )
        best = min(runs, key=lambda r: r["seconds"])
        print(
            f"   fastest run: {best['seconds']:.1f} s; load average now {os.getloadavg()[0]:.1f} "
            f"on {os.cpu_count()} cores"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--no-scale", action="store_true")
    ap.add_argument("--only-scale", action="store_true")
    ap.add_argument("--ged", type=int, default=420_000)
    ap.add_argument("--acled", type=int, default=2_400_000)
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args()
    p = MatchParams()
    if not args.only_scale:
        real_set(p)
        syn = make_world()
        calibration(syn, p)
        synthetic(syn, p)
    if not args.no_scale:
        scale(args.ged, args.acled, args.repeat)


if __name__ == "__main__":
    main()
