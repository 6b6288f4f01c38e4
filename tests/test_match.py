"""Matching and merging: blocking, optimal assignment, admin-1 fallback, one-to-many, provenance, ACLED
updates, and the labelled set of hand-coded ACLED-layout rows for the curated incidents."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

import kzevents
from kzevents import table as canonical
from kzevents.matching import MatchParams, match, merge, update_acled

from .conftest import FIXTURES


def table(rows: list[dict[str, Any]], dataset: str = "acled") -> pa.Table:
    cols: dict[str, list[Any]] = {}
    defaults = {"dataset": dataset, "date_precision": "day", "country_iso3": "KAZ"}
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


def test_best_candidate_wins_not_the_first_in_scan_order() -> None:
    # reference/merging.md §3.7: A (day 10) with B1 (day 9, worse) and B2 (day 10, better);
    # meltt's first-free selection pairs A with B1
    left = table([ev("A", 43.0, 76.0, 10)])
    right = table([ev("B1", 43.05, 76.05, 9), ev("B2", 43.0, 76.0, 10)])
    d = decisions(match(left, right))
    assert d[("A", "B2")] == "match"
    assert d[("A", "B1")] != "match"


def test_assignment_is_globally_optimal() -> None:
    # greedy by best score would give A->X and leave B unmatched; the optimum is A->Y, B->X
    left = table([ev("A", 43.0, 76.0, 0, fat=5), ev("B", 43.0, 76.0, 2, fat=5)])
    right = table([ev("X", 43.0, 76.0, 1, fat=5), ev("Y", 43.0, 76.02, 0, fat=5)])
    d = decisions(match(left, right, MatchParams(km=25, days=2)))
    matched = {k for k, v in d.items() if v == "match"}
    assert matched == {("A", "Y"), ("B", "X")}


def test_window_limits_in_km_and_days() -> None:
    left = table([ev("A", 43.0, 76.0)])
    near = 43.0 + 20 / 111.2  # 20 km north
    far = 43.0 + 30 / 111.2
    right = table([ev("N", near, 76.0), ev("F", far, 76.0), ev("L", 43.0, 76.0, 3)])
    ids = {b for (_, b) in decisions(match(left, right, km=25, days=2))}
    assert ids == {"N"}


def test_blocking_finds_pairs_across_the_date_line_and_cell_edges() -> None:
    left = table([ev("A", 65.0, 179.99), ev("C", 0.0, 0.0)])
    right = table([ev("B", 65.0, -179.99), ev("D", 0.0, 0.1)])  # ~1 km and ~11 km apart
    d = decisions(match(left, right))
    assert d[("A", "B")] == "match" and d[("C", "D")] == "match"


def test_week_precision_widens_the_time_window() -> None:
    left = table([ev("A", 43.0, 76.0, 0)])
    right = table([ev("W", 43.0, 76.0, 5, date_precision="week")])  # middle of a reported week
    assert decisions(match(left, right, days=2))[("A", "W")] == "match"


def test_rows_without_coordinates_match_on_admin1() -> None:
    left = table([ev("A", 42.9, 71.3667, admin1_code="KZ-31")])
    right = table([ev("G", None, None, admin1_code="KZ-31"), ev("H", None, None, admin1_code="KZ-75")])
    links = match(left, right)
    d = decisions(links)
    assert d[("A", "G")] == "match" and ("A", "H") not in d
    assert links.column("via").to_pylist() == ["admin1"]


def test_one_incident_split_into_several_events_gets_one_to_many_links() -> None:
    left = table(
        [ev("TARAZ", 42.9, 71.3667, fat=7, native_sub_event_type=None, event_type="armed_attack")],
        dataset="kzevents",
    )
    right = table([ev("E1", 42.9, 71.3667, fat=5), ev("E2", 42.9, 71.3667, sub="Attack", fat=2)])
    d = decisions(match(left, right))
    assert sorted(d.values()) == ["match", "match-many"]


def test_merge_collapses_duplicates_with_provenance() -> None:
    a = table([ev("A", 43.0, 76.0), ev("B", 50.0, 57.0)], dataset="kzevents")
    b = table([ev("X", 43.0, 76.0), ev("Y", 47.0, 51.0)], dataset="acled")
    merged, _links, summary = merge([a, b])
    assert merged.column("event_id").to_pylist() == ["A", "B", "Y"]
    assert merged.column("provenance").to_pylist() == [["kzevents:A", "acled:X"], ["kzevents:B"], ["acled:Y"]]
    assert summary["datasets"][1] == {"dataset": "acled", "rows": 2, "matched": 1, "unmatched": 1}


def test_acled_update_upserts_and_deletes() -> None:
    old = table([ev("KAZ1", 43.0, 76.0, fat=1), ev("KAZ2", 43.0, 76.0), ev("KAZ3", 43.0, 76.0)])
    new = table([ev("KAZ1", 43.0, 76.0, fat=4), ev("KAZ4", 43.0, 76.0)])
    out = update_acled(old, new, deleted_ids=["KAZ3"])
    got = dict(
        zip(out.column("event_id").to_pylist(), out.column("fatalities_best").to_pylist(), strict=True)
    )
    assert got == {"KAZ2": 1, "KAZ1": 4, "KAZ4": 1}


def test_params_are_checked() -> None:
    with pytest.raises(ValueError):
        MatchParams(w_distance=0.9)
    with pytest.raises(ValueError):
        MatchParams(km=0)


# --- the labelled set ------------------------------------------------------------------------------------


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
            candidates = by_day_place.get((r["kzevents_date"], r["kzevents_place"]), [])
            assert candidates, f"no curated incident on {r['kzevents_date']} at {r['kzevents_place']}"
            truth |= {(c, r["acled_id"]) for c in candidates}
    links = match(ours, theirs, km=25, days=2)
    found = {(a, b) for (a, b), d in decisions(links).items() if d in ("match", "match-many")}
    tp = len(found & truth)
    # the two Atyrau blasts are two incidents and two ACLED rows: each truth pair names both, so count
    # a row as recalled when it is linked to one of its candidate incidents
    recalled = {b for (a, b) in found & truth}
    expected_rows = {r["acled_id"] for r in truth_rows if r["kzevents_date"]}
    precision = tp / max(len(found), 1)
    recall = len(recalled) / len(expected_rows)
    assert precision >= 0.95, sorted(found - truth)
    assert recall >= 0.95, sorted(expected_rows - recalled)


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
    assert via["201111120001"] == "admin1"


def test_merged_table_is_writable_in_every_format(tmp_path: Path) -> None:
    """The de-duplicated union keeps the canonical schema: every writer takes it. Foreign rows keep their
    own ACLED ids and types; rows no format can represent are listed with the reason, not dropped."""
    from kzevents.outputs.parquet import read_parquet, write_parquet
    from kzevents.outputs.writer import to_acled, to_ged, to_gtd

    ours = kzevents.load().to_arrow()
    acled, _ = kzevents.read(FIXTURES / "labelled" / "acled_labelled.csv")
    gtd, _ = kzevents.read(FIXTURES / "gtd" / "gtd_labelled_latin1.csv")
    merged, _, summary = merge([ours, acled, gtd])
    assert merged.num_rows == sum(d["unmatched"] for d in summary["datasets"][1:]) + ours.num_rows
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
            "2",
            "--json",
        ]
    )
    assert code == 0
    summary = json.loads(capsys.readouterr().out)["result"]
    assert summary["datasets"][1] == {"dataset": "gtd", "rows": 8, "matched": 5, "unmatched": 3}
    merged = pq.read_table(out / "merged.parquet")
    assert merged.num_rows == len(kzevents.load()) + 3
    links = pq.read_table(out / "links.parquet")
    assert set(links.column("decision").to_pylist()) <= {"match", "match-many", "candidate"}
