"""Matching and merging: blocking windows, the optimal assignment, the admin-1 block, one-to-many links,
provenance and the merge summary, ACLED updates, the links table, and the labelled rows of our fixtures."""

from __future__ import annotations

import csv
import datetime as dt
import math
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pytest

import kzevents
from kzevents import table as canonical
from kzevents.matching import (
    COMPARISONS,
    MatchParams,
    candidate_pairs,
    match,
    merge,
    models_of,
    one_to_one,
    prepare,
    update_acled,
)

from .conftest import FIXTURES


def table(rows: list[dict[str, Any]], dataset: str = "acled") -> pa.Table:
    cols: dict[str, list[Any]] = {}
    defaults = {"dataset": dataset, "date_precision": "day", "country_iso3": "KAZ", "geo_precision": "town"}
    for r in rows:
        r = {**defaults, **r}
        r.setdefault("event_date_end", r["event_date"])
        for k, v in r.items():
            cols.setdefault(k, []).append(v)
    n = len(rows)
    for k in list(cols):
        assert len(cols[k]) == n, k
    return canonical.from_columns(cols)


D = dt.date(2011, 11, 12)


def ev(
    i: str,
    lat: float | None,
    lon: float | None,
    day: int = 0,
    sub: str = "Armed clash",
    fat: int = 1,
    **kw: Any,
) -> dict[str, Any]:
    return {
        "event_id": i,
        "latitude": lat,
        "longitude": lon,
        "event_date": D + dt.timedelta(days=day),
        "native_sub_event_type": sub,
        "fatalities_low": fat,
        "fatalities_best": fat,
        "actor1": "Unidentified Armed Group (Kazakhstan)",
        "actor2": "Police Forces of Kazakhstan (1991-2019)",
        **kw,
    }


def decisions(links: pa.Table) -> dict[tuple[str, str], str]:
    return {
        (a, b): d
        for a, b, d in zip(
            links.column("left_id").to_pylist(),
            links.column("right_id").to_pylist(),
            links.column("decision").to_pylist(),
            strict=True,
        )
    }


def candidates(left: pa.Table, right: pa.Table, p: MatchParams | None = None) -> set[tuple[str, str]]:
    a, b = prepare(left), prepare(right)
    li, ri, _, _ = candidate_pairs(a, b, p or MatchParams())
    la, rb = a.ids.to_pylist(), b.ids.to_pylist()
    return {(la[i], rb[j]) for i, j in zip(li.tolist(), ri.tolist(), strict=True)}


def test_best_candidate_wins_not_the_first_in_scan_order() -> None:
    # reference/merging.md §3.7: A (day 10) with B1 (day 9, 7 km off) and B2 (day 10, same spot);
    # meltt's first-free selection pairs A with B1
    left = table([ev("A", 43.0, 76.0, 10)])
    right = table([ev("B1", 43.05, 76.05, 9), ev("B2", 43.0, 76.0, 10)])
    d = decisions(match(left, right))
    assert d[("A", "B2")] == "match"
    assert d.get(("A", "B1"), "candidate") == "candidate"


def test_assignment_is_globally_optimal() -> None:
    # greedy by best weight takes A-X (9) and leaves B with nothing; the optimum is A-Y + B-X (8 + 7)
    li, ri = np.array([0, 0, 1]), np.array([0, 1, 0])
    weight = np.array([9.0, 8.0, 7.0])
    chosen = one_to_one(2, 2, li, ri, weight, np.ones(3, bool))
    assert chosen.tolist() == [False, True, True]


def test_window_limits_in_km_and_days() -> None:
    left = table([ev("A", 43.0, 76.0)])
    near = 43.0 + 20 / 111.2  # 20 km north
    far = 43.0 + 30 / 111.2
    right = table(
        [
            ev("N", near, 76.0),
            ev("F", far, 76.0),
            ev("L", 43.0, 76.0, 3),
            ev("V", far, 76.0, geo_precision="near_town"),  # "near" a town: the wider window
        ]
    )
    assert candidates(left, right, MatchParams(km=25, km_near=50, days=2)) == {("A", "N"), ("A", "V")}
    assert candidates(left, right, MatchParams(km=25, km_near=25, days=3)) == {("A", "N"), ("A", "L")}


def test_blocking_finds_pairs_across_the_date_line_and_cell_edges() -> None:
    left = table([ev("A", 65.0, 179.99), ev("C", 0.0, 0.0)])
    right = table([ev("B", 65.0, -179.99), ev("D", 0.0, 0.05)])  # ~1 km and ~5.6 km apart
    assert candidates(left, right) == {("A", "B"), ("C", "D")}
    d = decisions(match(left, right))
    assert d[("A", "B")] == "match" and d[("C", "D")] == "match"


def test_week_precision_widens_the_time_window() -> None:
    left = table([ev("A", 43.0, 76.0, 0)])
    right = table([ev("W", 43.0, 76.0, 6, date_precision="week")])  # the middle of a reported week
    assert candidates(left, right, MatchParams(days=3)) == {("A", "W")}
    assert candidates(left, table([ev("W", 43.0, 76.0, 6)]), MatchParams(days=3)) == set()


def test_rows_without_coordinates_match_on_admin1() -> None:
    left = table([ev("A", 42.9, 71.3667, admin1_code="KZ-31")])
    right = table([ev("G", None, None, admin1_code="KZ-31"), ev("H", None, None, admin1_code="KZ-75")])
    links = match(left, right)
    d = decisions(links)
    assert d[("A", "G")] == "match" and ("A", "H") not in d
    assert links.column("via").to_pylist() == ["region"]
    assert links.column("distance_level").to_pylist() == ["same_region"]


def test_a_region_level_point_is_compared_by_region_not_km() -> None:
    # a province-level point (GED where_prec 4) 1 km from an event of the next province: no candidate;
    # an event of its own province 80 km away: a candidate, at level same_region
    left = table([ev("R", 43.0, 76.0, native_geo_precision="4", admin1="Almaty Region")], dataset="ged")
    right = table(
        [ev("X", 43.01, 76.0, admin1="Zhambyl Region"), ev("Y", 43.72, 76.0, admin1="Almaty Region")]
    )
    assert candidates(left, right) == {("R", "Y")}
    links = match(left, right)
    assert links.column("distance_level").to_pylist() == ["same_region"]


def test_coarse_rows_are_never_linked() -> None:
    """A country-level row (GED where_prec 6) or a row spanning months stands for several events."""
    right = table([ev("E", 43.0, 76.0)])
    country = table([ev("C", 43.0, 76.0, native_geo_precision="6")], dataset="ged")
    months = table([ev("M", 43.0, 76.0, event_date_end=D + dt.timedelta(days=90))], dataset="ged")
    assert match(country, right).num_rows == 0
    assert match(months, right).num_rows == 0
    _, _, summary = merge([right, country])
    assert summary["datasets"][1]["coarse"] == 1


def test_one_incident_split_into_several_events_gets_one_to_many_links() -> None:
    left = table(
        [ev("TARAZ", 42.9, 71.3667, fat=7, native_sub_event_type=None, event_type="armed_attack")],
        dataset="kzevents",
    )
    right = table([ev("E1", 42.9, 71.3667, fat=5), ev("E2", 42.9, 71.3667, sub="Attack", fat=2)])
    d = decisions(match(left, right))
    assert sorted(d.values()) == ["match", "match-many"]


def test_two_events_of_one_dataset_are_not_folded_into_one_event_of_another() -> None:
    # two ACLED events on one day and place that ACLED keeps apart, both like the GED event: at most one
    # is linked (here none: the competition leaves each at about half), and the other is not folded into
    # it as a one-to-many link (a single-day, town-level GED event is no coarser unit)
    left = table([ev("G", 42.9, 71.3667, fat=5)], dataset="ged")
    right = table([ev("E1", 42.9, 71.3667, fat=5), ev("E2", 42.9, 71.3667, fat=5)])
    got = decisions(match(left, right, many_threshold=0.01, list_threshold=0.001))
    assert len(got) == 2 and "match-many" not in got.values()
    # a three-day GED interval is no coarser unit either: date_start and date_end are the earliest and
    # latest possible dates of one event (reference/ged.md), so the second event still does not join it
    wide = table([ev("G", 42.9, 71.3667, fat=5, event_date_end=D + dt.timedelta(days=2))], dataset="ged")
    got = decisions(match(wide, right, threshold=0.01, many_threshold=0.01))
    assert sorted(got.values()) == ["candidate", "match"]
    # nor is a province-level GED point (where_prec 4: where the one event is known to have happened)
    vague = table([ev("G", 42.9, 71.3667, fat=5, native_geo_precision="4", admin1="Zhambyl")], dataset="ged")
    right_a1 = table(
        [{**e, "admin1": "Zhambyl"} for e in (ev("E1", 42.9, 71.3667, fat=5), ev("E2", 42.9, 71.3667, fat=5))]
    )
    got = decisions(match(vague, right_a1, threshold=0.01, many_threshold=0.01))
    assert sorted(got.values()) == ["candidate", "match"]
    # the same three days as one kzevents incident (an incident-level dataset) are: the second joins it
    incident = table(
        [ev("K", 42.9, 71.3667, fat=5, event_date_end=D + dt.timedelta(days=2))], dataset="kzevents"
    )
    got = decisions(match(incident, right, threshold=0.01, many_threshold=0.01))
    assert sorted(got.values()) == ["match", "match-many"]


def test_links_carry_each_comparison_level_and_weight_and_the_probability() -> None:
    left = table([ev("A", 43.0, 76.0, 0, fat=3), ev("B", 43.0, 76.2, 1, fat=0)])
    right = table([ev("X", 43.0, 76.0, 0, fat=3), ev("Y", 43.0, 76.05, 0, fat=12)])
    links = match(left, right, list_threshold=1e-9)
    for c in COMPARISONS:
        assert f"{c}_level" in links.column_names and f"{c}_weight" in links.column_names
    for row in links.to_pylist():
        total = row["prior_weight"] + sum(row[f"{c}_weight"] for c in COMPARISONS)
        assert math.isclose(row["match_weight"], total, abs_tol=0.01)
        assert math.isclose(row["match_probability"], 1 / (1 + 2 ** -row["match_weight"]), abs_tol=1e-3)
        assert row["match_probability_1to1"] <= 1
        # a level that is unknown carries no weight
        for c in COMPARISONS:
            if row[f"{c}_level"] == "unknown":
                assert row[f"{c}_weight"] == 0
    by_pair = {(r["left_id"], r["right_id"]): r for r in links.to_pylist()}
    assert by_pair[("B", "Y")]["fatalities_level"] == "zero_vs_some"  # 0 vs 12 dead is evidence against
    assert by_pair[("B", "Y")]["fatalities_weight"] < 0
    model = models_of(links)
    assert set(model["models"]) == {"acled|acled"}
    levels = model["models"]["acled|acled"]["levels"]
    assert {(x["comparison"], x["level"]) for x in levels} >= {("time", "same_day"), ("place", "same_name")}


def test_the_threshold_is_a_probability() -> None:
    left = table([ev("A", 43.0, 76.0, 0)])
    right = table([ev("X", 43.0, 76.02, 1)])
    links = match(left, right)
    (row,) = links.to_pylist()
    p = row["match_probability_1to1"]
    assert 0 < p < 1
    assert decisions(match(left, right, threshold=(1 + p) / 2))[("A", "X")] == "candidate"
    assert decisions(match(left, right, threshold=p * 0.99))[("A", "X")] == "match"


def test_merge_collapses_duplicates_with_provenance_and_counts_linked_rows() -> None:
    a = table([ev("A", 43.0, 76.0), ev("B", 50.0, 57.0)], dataset="kzevents")
    b = table([ev("X", 43.0, 76.0), ev("Y", 47.0, 51.0)], dataset="acled")
    merged, _, summary = merge([a, b])
    assert merged.column("event_id").to_pylist() == ["A", "B", "Y"]
    assert merged.column("provenance").to_pylist() == [["kzevents:A", "acled:X"], ["kzevents:B"], ["acled:Y"]]
    # every input counts the rows linked to a row of another input (issue 14: the first input too)
    assert summary["datasets"][0] == {
        "dataset": "kzevents",
        "rows": 2,
        "linked": 1,
        "collapsed": 0,
        "kept": 2,
        "coarse": 0,
    }
    assert summary["datasets"][1] == {
        "dataset": "acled",
        "rows": 2,
        "linked": 1,
        "collapsed": 1,
        "kept": 1,
        "coarse": 0,
    }
    assert summary["merged_rows"] == 3
    assert summary["steps"][0]["models"]["kzevents|acled"]["levels"]


def test_acled_update_upserts_and_deletes() -> None:
    old = table([ev("KAZ1", 43.0, 76.0, fat=1), ev("KAZ2", 43.0, 76.0), ev("KAZ3", 43.0, 76.0)])
    new = table([ev("KAZ1", 43.0, 76.0, fat=4), ev("KAZ4", 43.0, 76.0)])
    out = update_acled(old, new, deleted_ids=["KAZ3"])
    got = dict(
        zip(out.column("event_id").to_pylist(), out.column("fatalities_best").to_pylist(), strict=True)
    )
    assert got == {"KAZ2": 1, "KAZ1": 4, "KAZ4": 1}


def test_params_are_checked() -> None:
    for bad in (
        {"threshold": 1.5},
        {"threshold": 0},
        {"km": 0},
        {"km": 30, "km_near": 20},
        {"days": -1},
        {"comparisons": ("country", "horoscope")},
        {"list_threshold": 0.9},
    ):
        with pytest.raises(ValueError):
            MatchParams(**bad)  # type: ignore[arg-type]


def test_a_table_of_an_older_canonical_schema_matches() -> None:
    """Tables written before the 1.1 columns (native_geo_precision, source_headlines, fatalities_known)."""
    old = table([ev("A", 43.0, 76.0)]).drop_columns(
        ["native_geo_precision", "source_headlines", "fatalities_known"]
    )
    assert canonical.conform(old).column_names == canonical.schema().names
    assert decisions(match(old, table([ev("X", 43.0, 76.0)])))[("A", "X")] == "match"


# --- the labelled rows of our fixtures ---------------------------------------------------------------


def test_labelled_acled_rows_link_to_the_right_incidents() -> None:
    ds = kzevents.load()
    if not len(ds):
        pytest.skip("no curated incidents")
    ours = ds.to_arrow()
    theirs, _ = kzevents.read(FIXTURES / "labelled" / "acled_labelled.csv")
    truth_rows = list(csv.DictReader(open(FIXTURES / "labelled" / "acled_truth.csv", encoding="utf-8")))
    by_day_place: dict[tuple[str, str], list[str]] = {}
    for inc in ds:
        for k in range((inc.date.end - inc.date.start).days + 1):
            day = (inc.date.start + dt.timedelta(days=k)).isoformat()
            by_day_place.setdefault((day, inc.place), []).append(inc.id)
    truth = set()
    for r in truth_rows:
        if r["kzevents_date"]:
            found = by_day_place.get((r["kzevents_date"], r["kzevents_place"]), [])
            assert found, f"no curated incident on {r['kzevents_date']} at {r['kzevents_place']}"
            truth |= {(c, r["acled_id"]) for c in found}
    links = match(ours, theirs)
    found_links = {(a, b) for (a, b), d in decisions(links).items() if d in ("match", "match-many")}
    tp = len(found_links & truth)
    # the two Atyrau blasts are two incidents and two ACLED rows: each truth pair names both, so count
    # a row as recalled when it is linked to one of its candidate incidents
    recalled = {b for (a, b) in found_links & truth}
    expected_rows = {r["acled_id"] for r in truth_rows if r["kzevents_date"]}
    assert tp / max(len(found_links), 1) >= 0.95, sorted(found_links - truth)
    assert len(recalled) / len(expected_rows) >= 0.95, sorted(expected_rows - recalled)


def test_labelled_gtd_rows_link_to_the_right_incidents() -> None:
    """GTD-layout rows (Latin-1, one without coordinates) against the curated incidents: the two Atyrau
    blasts pair one-to-one by type and fatalities, the Taraz row matches on its province."""
    ds = kzevents.load()
    theirs, report = kzevents.read(FIXTURES / "gtd" / "gtd_labelled_latin1.csv")
    assert report.layout == "gtd" and report.normalised["decoded as latin-1"] == 1
    truth_rows = list(csv.DictReader(open(FIXTURES / "gtd" / "gtd_truth.csv", encoding="utf-8")))
    truth = set()
    for r in truth_rows:
        if r["kzevents_date"]:
            (inc,) = [
                i
                for i in ds
                if i.date.start.isoformat() == r["kzevents_date"]
                and i.place == r["kzevents_place"]
                and i.event_type.value == r["kzevents_type"]
            ]
            truth.add((inc.id, r["gtd_id"]))
    links = match(ds.to_arrow(), theirs)
    found = {(a, b) for (a, b), d in decisions(links).items() if d in ("match", "match-many")}
    assert found == truth
    via = dict(zip(links.column("right_id").to_pylist(), links.column("via").to_pylist(), strict=True))
    assert via["201111120001"] == "region"


def test_merged_table_is_writable_in_every_format(tmp_path: Path) -> None:
    """The de-duplicated union keeps the canonical schema: every writer takes it. Foreign rows keep their
    own ACLED ids and types; rows no format can represent are listed with the reason, not dropped."""
    from kzevents.outputs.parquet import read_parquet, write_parquet
    from kzevents.outputs.writer import to_acled, to_ged, to_gtd

    ours = kzevents.load().to_arrow()
    acled, _ = kzevents.read(FIXTURES / "labelled" / "acled_labelled.csv")
    gtd, _ = kzevents.read(FIXTURES / "gtd" / "gtd_labelled_latin1.csv")
    merged, _, summary = merge([ours, acled, gtd])
    assert merged.num_rows == sum(d["kept"] for d in summary["datasets"])
    result = to_acled(merged, tmp_path / "a.csv")
    ids = [line.split(",", 1)[0] for line in (tmp_path / "a.csv").read_text().splitlines()[1:]]
    assert "LAB51" in ids and "LAB1" not in ids  # a distractor kept with its own id; a duplicate collapsed
    assert result.rows + len(result.excluded) >= merged.num_rows
    assert all(e.reason for e in result.excluded)
    to_gtd(merged, tmp_path / "g.csv")
    to_ged(merged, tmp_path / "e.csv")
    write_parquet(merged, tmp_path / "m.parquet")
    assert read_parquet(tmp_path / "m.parquet").num_rows == merged.num_rows


def test_merge_command_with_our_parquet_and_a_gtd_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    import pyarrow.parquet as pq

    from kzevents.cli import main
    from kzevents.outputs.parquet import write_parquet

    write_parquet(kzevents.load(), tmp_path / "kzevents.parquet")
    out = tmp_path / "merged"
    code = main(
        [
            "merge",
            str(tmp_path / "kzevents.parquet"),
            str(FIXTURES / "gtd" / "gtd_labelled_latin1.csv"),
            "--out",
            str(out),
            "--km",
            "25",
            "--days",
            "3",
            "--threshold",
            "0.5",
            "--json",
        ]
    )
    assert code == 0
    summary = json.loads(capsys.readouterr().out)["result"]
    assert summary["datasets"][1] == {
        "dataset": "gtd",
        "rows": 8,
        "linked": 5,
        "collapsed": 5,
        "kept": 3,
        "coarse": 0,
    }
    assert summary["datasets"][0]["linked"] == 5
    merged = pq.read_table(out / "merged.parquet")
    assert merged.num_rows == len(kzevents.load()) + 3
    links = pq.read_table(out / "links.parquet")
    assert set(links.column("decision").to_pylist()) <= {"match", "match-many", "candidate"}
    assert "match_probability" in links.column_names
