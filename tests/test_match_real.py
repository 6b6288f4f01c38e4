"""Matching on real files: the labelled pairs (tests/fixtures/matching/) between the real ACLED and GED
samples in ../shared/external/ and between our incidents and the GTD- and ACLED-layout fixtures; the
readers' columns the matcher compares (canonical 1.1)."""

from __future__ import annotations

import csv
from pathlib import Path

import pyarrow as pa
import pytest

import kzevents
from kzevents.matching import match

from .conftest import EXTERNAL, FIXTURES, need

PAIRS = FIXTURES / "matching"


def labels(name: str) -> dict[tuple[str, str], str]:
    rows = csv.DictReader(open(PAIRS / name, encoding="utf-8"))
    return {(r["left_id"], r["right_id"]): r["label"] for r in rows}


def linked(links: pa.Table) -> set[tuple[str, str]]:
    rows = zip(
        links.column("left_id").to_pylist(),
        links.column("right_id").to_pylist(),
        links.column("decision").to_pylist(),
        strict=True,
    )
    return {(a, b) for a, b, d in rows if d != "candidate"}


def test_the_labelled_set_is_well_formed() -> None:
    for name in ("real_pairs.csv", "kzevents_pairs.csv"):
        rows = list(csv.DictReader(open(PAIRS / name, encoding="utf-8")))
        assert rows and set(rows[0]) == {
            "left_dataset",
            "left_id",
            "right_dataset",
            "right_id",
            "label",
            "reason",
        }
        assert {r["label"] for r in rows} <= {"same", "different", "unsure"}
        assert all(r["reason"].strip() for r in rows)
        assert len({(r["left_id"], r["right_id"]) for r in rows}) == len(rows)
    assert sum(v == "same" for v in labels("kzevents_pairs.csv").values()) == 14


def test_our_incidents_link_to_the_labelled_fixture_rows() -> None:
    lab = labels("kzevents_pairs.csv")
    ours = kzevents.load().to_arrow()
    found: set[tuple[str, str]] = set()
    for f in (FIXTURES / "labelled" / "acled_labelled.csv", FIXTURES / "gtd" / "gtd_labelled_latin1.csv"):
        found |= linked(match(ours, kzevents.read(f)[0]))
    same = {k for k, v in lab.items() if v == "same"}
    different = {k for k, v in lab.items() if v == "different"}
    assert not found & different, sorted(found & different)
    assert same <= found, sorted(same - found)


@pytest.fixture(scope="module")
def acled_ged() -> pa.Table:
    acled = kzevents.read(need(EXTERNAL / "acled" / "acled_2022_global_sample.csv"))[0]
    ged = kzevents.read(need(EXTERNAL / "ged" / "ged_23.1_sample.csv"))[0]
    return match(acled, ged)


def test_real_acled_x_ged_precision_and_recall(acled_ged: pa.Table) -> None:
    """The issue's targets on the union of the real and our labelled pairs: precision >= 0.95 and recall
    >= 0.9 of the "same" pairs (in-sample: the pairs were read while the comparisons were built)."""
    lab = {**labels("real_pairs.csv"), **labels("kzevents_pairs.csv")}
    found = set(linked(acled_ged))
    afg = kzevents.read(need(EXTERNAL / "acled" / "acled_2020-03_afghanistan_pre2023.csv"))[0]
    ged = kzevents.read(EXTERNAL / "ged" / "ged_23.1_sample.csv")[0]
    found |= linked(match(afg, ged))
    ours = kzevents.load().to_arrow()
    for f in (FIXTURES / "labelled" / "acled_labelled.csv", FIXTURES / "gtd" / "gtd_labelled_latin1.csv"):
        found |= linked(match(ours, kzevents.read(f)[0]))
    same = {k for k, v in lab.items() if v == "same"}
    tp = len(found & same)
    fp = len({k for k in found if lab.get(k) == "different"})
    assert tp / max(tp + fp, 1) >= 0.95
    assert tp / len(same) >= 0.9


def test_the_issues_false_links_are_gone(acled_ged: pa.Table) -> None:
    found = linked(acled_ged)
    for pair in [
        ("DRC25270", "434977"),  # ADF in Kakumbukumbu, DR Congo <-> the Government of Burundi in Cibitoke
        ("DRC25351", "434977"),  # a second Congolese event linked to the same Burundian one
        ("BRA53660", "467629"),  # a man beaten, no fatalities <-> a man shot dead elsewhere
        (
            "UKR54005",
            "433506",
        ),  # a claim of taking a village (0 dead) <-> a child killed, coded to the oblast
        ("MEX61953", "442846"),  # two Tijuana neighbourhoods (Corona del Mar / Lagunitas)
    ]:
        assert pair not in found
    rows = {(r["left_id"], r["right_id"]): r for r in acled_ged.to_pylist()}
    congo = rows.get(("DRC25270", "434977"))
    if congo is not None:  # listed as a candidate: the evidence against is in its levels
        assert congo["country_level"] == "disagree" and congo["country_weight"] < 0
    assert rows[("DRC25768", "427624")]["decision"] == "match"  # NDC-R vs FPP/AP in Walikale, 3 Jan 2022


def test_readers_fill_the_columns_the_matcher_compares() -> None:
    ged, _ = kzevents.read(need(EXTERNAL / "ged" / "ged_23.1_sample.csv"))
    rows = {
        r["event_id"]: r
        for r in ged.select(["event_id", "native_geo_precision", "source_headlines"]).to_pylist()
    }
    # ged.md §3: where_prec 4 is a first-order division; the sample row 433506 is coded to Donetsk oblast
    assert rows["433506"]["native_geo_precision"] == "4"
    assert "Russian invaders killed two more children in Donetsk region" in rows["433506"]["source_headlines"]
    acled, _ = kzevents.read(EXTERNAL / "acled" / "acled_2022_global_sample.csv")
    known = dict(
        zip(acled.column("event_id").to_pylist(), acled.column("fatalities_known").to_pylist(), strict=True)
    )
    notes = dict(zip(acled.column("event_id").to_pylist(), acled.column("summary").to_pylist(), strict=True))
    unknown = [i for i, k in known.items() if k is False]
    assert unknown and all("nknown" in notes[i] or "nspecified" in notes[i] for i in unknown)
    assert known["DRC25768"] is True


def test_acled_fixture_reads_fatalities_known(tmp_path: Path) -> None:
    """Without ../shared: ACLED's 'Casualties unknown' zero, a plain zero and a count."""
    src = (FIXTURES / "acled" / "current_text.csv").read_text(encoding="utf-8").splitlines()
    header = src[0].split(",")
    i_notes, i_fat = header.index("notes"), header.index("fatalities")
    rows = list(csv.reader(src[1:]))[:3]
    rows[0][i_notes], rows[0][i_fat] = "Shelling of a village. Casualties unknown.", "0"
    rows[1][i_notes], rows[1][i_fat] = "A peaceful protest.", "0"
    rows[2][i_notes], rows[2][i_fat] = "Two were killed.", "2"
    path = tmp_path / "a.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    t, _ = kzevents.read(path)
    assert t.column("fatalities_known").to_pylist() == [False, True, True]
    assert t.column("native_geo_precision").to_pylist() == [r[header.index("geo_precision")] for r in rows]
