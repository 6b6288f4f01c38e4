"""UCDP GED export: expected values come from ../shared/reference/ged.md (cited as §n) and the seed
documents, never from the code's own output. The fixture incidents are modelled on the seed documents (the
Aktobe suicide bombing of 17 May 2011, the Boraldai shoot-out of 3 December 2011 with five militants and two
security officers dead (seed 004), the Taraz attack of 12 November 2011, the killing of eleven people in the
Ile-Alatau park (seed 003)...), with titles marked "(fixture)"; places sit on the Kazakh points whose
PRIO-GRID cells ged.md §6 gives.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import runpy
from pathlib import Path

import attrs
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kzevents.dataset.load import load_dataset
from kzevents.dataset.model import (
    Actor,
    Claim,
    Dataset,
    DateSpan,
    Fatalities,
    Incident,
    Participant,
    Place,
    Source,
)
from kzevents.dataset.vocab import (
    ActorKind,
    ActorType,
    DatePrecision,
    EventType,
    PlacePrecision,
    Role,
)
from kzevents.errors import DataError, KzeventsError
from kzevents.formats import crosswalk
from kzevents.formats.check import validate_file, validate_table
from kzevents.formats.ged.coding import priogrid_gid
from kzevents.outputs.exporter import export
from kzevents.outputs.writer import render, to_ged
from kzevents.validation import Report
from kzevents.validation.reference import reference_problems

from .conftest import EXTERNAL, MINI, ROOT, SHARED, need

GED_MD = SHARED / "reference" / "ged.md"
GED_SAMPLE = EXTERNAL / "ged" / "ged_23.1_sample.csv"

# ged.md §1, the 49 columns in order
GED_HEADER = (
    "id,relid,year,active_year,code_status,type_of_violence,conflict_dset_id,conflict_new_id,conflict_name,"
    "dyad_dset_id,dyad_new_id,dyad_name,side_a_dset_id,side_a_new_id,side_a,side_b_dset_id,side_b_new_id,"
    "side_b,number_of_sources,source_article,source_office,source_date,source_headline,source_original,"
    "where_prec,where_coordinates,where_description,adm_1,adm_2,latitude,longitude,geom_wkt,priogrid_gid,"
    "country,country_id,region,event_clarity,date_prec,date_start,date_end,deaths_a,deaths_b,"
    "deaths_civilians,deaths_unknown,best,high,low,gwnoa,gwnob"
).split(",")
GED_IDS_IN_MD = (300380, 21300, 370730, 448810, 61235, 115002, 236880)  # real GED ids cited in ged.md
ID_BASE = 2_000_000_000  # exporters/ged.toml [options] id_base, the documented scheme
# the ranges UCDP's own ids take in the 23.1 sample (checked in test_ucdp_ids_are_below_the_block)
UCDP_ID_COLUMNS = (
    "id,conflict_dset_id,conflict_new_id,dyad_dset_id,dyad_new_id,side_a_dset_id,side_a_new_id,"
    "side_b_dset_id,side_b_new_id"
).split(",")

# --- a fixture dataset modelled on the seed documents ---------------------------------------------------

SOURCES = {
    "s1": Source(
        "s1", "s1.txt", "Reuters", "Seven killed in clashes (fixture)", "en", "International", "2011-12-04"
    ),
    "s2": Source(
        "s2",
        "s2.txt",
        "US Department of State",
        "Country Reports (fixture)",
        "en",
        "International",
        "2012-07-31",
    ),
    "s3": Source("s3", "s3.txt", "Analyst", "Incident list (fixture)", "en", "Other"),
}
# ged.md §6 gives the PRIO-GRID cells of these points
PLACES = {
    "aktobe": Place("aktobe", "Aktobe", "city", "KZ-15", 50.28, 57.17, "town"),
    "atyrau": Place("atyrau", "Atyrau", "city", "KZ-23", 47.1, 51.92, "town"),
    "almaty": Place("almaty", "Almaty", "city", "KZ-75", 43.25, 76.95, "town"),
    "taraz": Place("taraz", "Taraz", "city", "KZ-31", 42.9, 71.37, "town"),
    "boralday": Place("boralday", "Boralday", "village", "KZ-19", 43.3557, 76.8548, "town"),
    "astana": Place("astana", "Astana", "city", "KZ-71", 51.1801, 71.4460, "town"),
    "aktobe-region": Place("aktobe-region", "Aktobe Region", "region", "KZ-15", 48.0, 58.0, "region"),
}
ACTORS = {
    "jak": Actor("jak", "Jund al-Khilafah", ActorType.REBEL_GROUP, ActorKind.NON_STATE),
    "uag": Actor(
        "uag", "Unidentified Armed Group (Kazakhstan)", ActorType.POLITICAL_MILITIA, ActorKind.NON_STATE
    ),
    "police": Actor(
        "police", "Police Forces of Kazakhstan (1991-2019)", ActorType.STATE_FORCES, ActorKind.STATE
    ),
    "gov": Actor("gov", "Government of Kazakhstan (1991-2019)", ActorType.STATE_FORCES, ActorKind.STATE),
    "civ": Actor("civ", "Civilians (Kazakhstan)", ActorType.CIVILIANS, ActorKind.CIVILIAN),
    "rioters": Actor("rioters", "Rioters (Kazakhstan)", ActorType.RIOTERS, ActorKind.CIVILIAN),
}
UAG = "Unidentified Armed Group (Kazakhstan)"
GOV = "Government of Kazakhstan"
SIDE = {GOV: 1, "Jund al-Khilafah": 2, UAG: 3}  # exporters/ged.toml [maps.side_numbers], as documented


def incident(
    n: int,
    etype: EventType,
    start: dt.date,
    place: str,
    actor1: str,
    actor2: str | None,
    *,
    end: dt.date | None = None,
    precision: DatePrecision = DatePrecision.DAY,
    place_precision: PlacePrecision = PlacePrecision.TOWN,
    killed: tuple[int, int, int, int] = (0, 0, 0, 0),  # perpetrators, security, civilians, unknown
    low: int | None = None,
    high: int | None = None,
    sources: tuple[str, ...] = ("s1", "s2"),
) -> Incident:
    best = sum(killed)
    actors = (Participant(actor1, Role.ACTOR1),) + ((Participant(actor2, Role.ACTOR2),) if actor2 else ())
    return Incident(
        id=f"KZE-{n:04d}",
        title=f"{etype.value} {n} (fixture)",
        event_type=etype,
        date=DateSpan(start, end or start, precision),
        place=place,
        place_precision=place_precision,
        fatalities=Fatalities(best if low is None else low, best, best if high is None else high, *killed),
        actors=actors,
        claims=tuple(Claim(s, "A sentence.") for s in sources),
        summary="Fixture summary.",
        rule="Claims agree.",
    )


E = EventType
D = dt.date
INCIDENTS = [
    # seeds 001/002/004: a man blew himself up at the KNB building in Aktobe, killing only himself
    incident(1, E.SUICIDE_BOMBING, D(2011, 5, 17), "aktobe", "uag", "police", killed=(1, 0, 0, 0)),
    # seed 004: the Boraldai shoot-out, five militants and two security officers killed (a police raid)
    incident(2, E.SECURITY_OPERATION, D(2011, 12, 3), "boralday", "police", "uag", killed=(5, 2, 0, 0)),
    # seed 003: eleven (or twelve) people killed in the Ile-Alatau park near Almaty by unknown attackers
    incident(
        3,
        E.MASS_KILLING,
        D(2012, 8, 14),
        "almaty",
        "uag",
        "civ",
        place_precision=PlacePrecision.NEAR_TOWN,
        killed=(0, 0, 11, 0),
        high=12,
        sources=("s3",),
    ),
    # seeds 001/004: 18 suspects arrested in Atyrau
    incident(4, E.ARREST, D(2011, 8, 29), "atyrau", "police", "uag"),
    incident(5, E.WEAPONS_SEIZURE, D(2012, 5, 25), "almaty", "police", "civ"),
    # the Zhanaozen unrest, with deaths: still no organised armed actor
    incident(6, E.UNREST, D(2011, 12, 16), "atyrau", "rioters", "police", killed=(0, 0, 14, 0)),
    # seed 004: the first Atyrau blast of 31 October 2011, claimed by Jund al-Khilafah, killed nobody
    incident(7, E.BOMBING, D(2011, 10, 31), "atyrau", "jak", "gov"),
    # ... the second went off on a vacant lot and killed the bomber
    incident(8, E.PREMATURE_EXPLOSION, D(2011, 10, 31), "atyrau", "jak", None, killed=(1, 0, 0, 0)),
    # seed 004: Taraz, 12 November 2011: the attacker, four security officers and three civilians dead;
    # one source says seven in all
    incident(9, E.ARMED_ATTACK, D(2011, 11, 12), "taraz", "uag", "police", killed=(1, 4, 3, 0), low=7),
    # a bomb in a market that only civilians faced: one-sided
    incident(10, E.BOMBING, D(2012, 4, 2), "taraz", "uag", "civ", killed=(0, 0, 2, 0)),
    # a bombing known only to the month, somewhere in Aktobe Region; one dead of unknown status
    incident(
        11,
        E.BOMBING,
        D(2012, 3, 1),
        "aktobe-region",
        "uag",
        "police",
        end=D(2012, 3, 31),
        precision=DatePrecision.MONTH,
        place_precision=PlacePrecision.REGION,
        killed=(0, 0, 0, 1),
    ),
    # seed 001: the Astana car bomb, dated within two days
    incident(
        12,
        E.SUICIDE_BOMBING,
        D(2011, 5, 24),
        "astana",
        "uag",
        "police",
        end=D(2011, 5, 25),
        precision=DatePrecision.DAYS,
        killed=(2, 0, 0, 0),
    ),
    # an attack known to a week (7 days)
    incident(
        13,
        E.ARMED_ATTACK,
        D(2012, 9, 5),
        "atyrau",
        "uag",
        "police",
        end=D(2012, 9, 11),
        precision=DatePrecision.WEEK,
        killed=(0, 1, 0, 0),
    ),
    # seed 001: two policemen killed at a post on the outskirts of Aktobe
    incident(
        14,
        E.ARMED_ATTACK,
        D(2011, 6, 29),
        "aktobe",
        "uag",
        "police",
        place_precision=PlacePrecision.NEAR_TOWN,
        killed=(0, 2, 0, 0),
    ),
    # seed 002: police kill nine armed men near Kenkiyak, one officer dies
    incident(15, E.SECURITY_OPERATION, D(2011, 7, 9), "aktobe", "police", "uag", killed=(9, 1, 0, 0)),
    # a clash whose best estimate is no death, but one source reports one (GED keeps such events)
    incident(16, E.ARMED_ATTACK, D(2012, 1, 20), "almaty", "uag", "police", high=1),
]
EXCLUDED = {"KZE-0004", "KZE-0005", "KZE-0006", "KZE-0007", "KZE-0008"}
# deaths (best) of the fatal state-based events per year, summed by hand from the fixture above
STATE_BASED_2011 = 1 + 7 + 8 + 2 + 2 + 10  # KZE-0001, 0002, 0009, 0012, 0014, 0015 = 30
STATE_BASED_2012 = 1 + 1 + 0  # KZE-0011, 0013, 0016
ONE_SIDED_2012 = 11 + 2  # KZE-0003, 0010 (the unidentified group against civilians)


def dataset(incidents: list[Incident] | None = None) -> Dataset:
    return Dataset(tuple(incidents or INCIDENTS), PLACES, ACTORS, SOURCES)


def rows_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture(scope="module")
def exported() -> tuple[str, list[dict[str, str]], dict[str, str]]:
    text, _, excluded = render(dataset(), "ged")
    return text, rows_of(text), {e.event_id: e.reason for e in excluded}


def by_incident(rows: list[dict[str, str]]) -> dict[str, dict[str, str]]:
    """Rows by incident, from the documented id scheme id = 2000000000 + incident number."""
    return {f"KZE-{int(r['id']) - ID_BASE:04d}": r for r in rows}


def sample_rows() -> list[dict[str, str]]:
    with need(GED_SAMPLE).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def check(rows: list[dict[str, str]]) -> Report:
    report = Report(file="x.csv", format="ged")
    table = pa.table({c: pa.array([r[c] for r in rows], pa.string()) for c in GED_HEADER})
    validate_table(table, "ged", report)
    return report


def schema_cells(report: Report) -> set[tuple[int, str]]:
    return {(p.row or 0, p.column or "") for p in report.problems if p.code.startswith("schema:")}


# --- the header, the schema -----------------------------------------------------------------------------


def test_header_is_geds_49_columns(exported: tuple[str, list[dict[str, str]], dict[str, str]]) -> None:
    text, _, _ = exported
    assert len(GED_HEADER) == 49
    assert text.splitlines()[0].split(",") == GED_HEADER
    assert crosswalk.get("ged").header == GED_HEADER
    md = need(GED_MD).read_text(encoding="utf-8")
    block = re.search(r"```\n(id,relid,.*?)\n```", md, re.S)
    assert block and block.group(1).split(",") == GED_HEADER
    table = re.findall(r"^\| (\d+) \| `([a-z_0-9]+)` \|", md, re.M)
    assert [name for _, name in table] == GED_HEADER and [int(i) for i, _ in table] == list(range(1, 50))


def test_schema_is_generated_from_the_crosswalk() -> None:
    tool = ROOT / "tools" / "make_ged_schema.py"
    built = runpy.run_path(str(tool), run_name="kzevents_ged_schema")["build"]()
    assert built == json.loads((ROOT / "schemas" / "ged.schema.json").read_text(encoding="utf-8"))
    assert built["x-kzevents-columns"] == GED_HEADER and built["required"] == GED_HEADER
    assert built["additionalProperties"] is False
    # every column says what it means (the codebook and datapackage.json print it); the rules apart
    assert all(len(rule.get("description", "")) > 10 for rule in built["properties"].values())
    props = {k: {x: y for x, y in v.items() if x != "description"} for k, v in built["properties"].items()}
    assert props["type_of_violence"] == {"enum": [1, 2, 3]}  # §2
    assert props["where_prec"] == {"enum": [1, 2, 3, 4, 5, 6, 7]}  # §3
    assert props["date_prec"] == {"enum": [1, 2, 3, 4, 5]}
    assert props["event_clarity"] == {"enum": [1, 2]}  # §4
    assert sorted(props["region"]["enum"]) == ["Africa", "Americas", "Asia", "Europe", "Middle East"]  # §5
    assert props["number_of_sources"]["minimum"] == -1  # §1: -1 occurs


# --- PRIO-GRID (§6) ---------------------------------------------------------------------------------------

PRIOGRID_VECTORS = [
    ((1.55, 1.25), 132123),  # [PG] test vectors
    ((0, 0), 129961),
    ((-10.55, 20.23), 114161),
    ((82, -102.99), 247835),
    ((35.763369, 36.558974), 181154),  # sample rows
    ((-9.65, 20.4), 115601),
    ((42.9, 71.37), 191303),  # Taraz
    ((47.1, 51.92), 197744),  # Atyrau
    ((50.28, 57.17), 202075),  # Aktobe
    ((43.25, 76.95), 192034),  # Almaty
]


@pytest.mark.parametrize(("point", "gid"), PRIOGRID_VECTORS)
def test_priogrid_test_vectors(point: tuple[float, float], gid: int) -> None:
    assert priogrid_gid(*point) == gid


def test_priogrid_of_the_sample_and_the_edges() -> None:
    assert priogrid_gid(-90, -180) == 1 and priogrid_gid(90, 180) == 720 * 360  # the last cell
    with pytest.raises(KzeventsError):
        priogrid_gid(91, 0)
    for row in sample_rows():
        assert priogrid_gid(float(row["latitude"]), float(row["longitude"])) == int(row["priogrid_gid"])


def test_exported_cells_are_md_values(exported: tuple[str, list[dict[str, str]], dict[str, str]]) -> None:
    rows = by_incident(exported[1])
    assert rows["KZE-0009"]["priogrid_gid"] == "191303"  # Taraz
    assert priogrid_gid(47.1, 51.92) == 197744  # Atyrau (its incident here is left out: KZE-0008)
    assert rows["KZE-0001"]["priogrid_gid"] == "202075"  # Aktobe
    assert rows["KZE-0003"]["priogrid_gid"] == "192034"  # Almaty


@settings(max_examples=150, deadline=None)
@given(
    lat=st.floats(-90, 90, allow_nan=False),
    lon=st.floats(-180, 180, allow_nan=False),
)
def test_vectorised_priogrid_rule_agrees_with_the_formula(lat: float, lon: float) -> None:
    row = dict(by_incident(rows_of(render(dataset(INCIDENTS[:1]), "ged")[0]))["KZE-0001"])
    gid = priogrid_gid(lat, lon)
    row.update({"latitude": repr(lat), "longitude": repr(lon), "priogrid_gid": str(gid)})
    row["geom_wkt"] = f"POINT ({lon!r} {lat!r})"
    assert not [p for p in check([row]).problems if p.column == "priogrid_gid"]
    row["priogrid_gid"] = str(gid - 1 if gid > 1 else gid + 1)  # the neighbouring cell (§6: the "+ 1")
    assert any(p.code == "ged-priogrid" for p in check([row]).problems)


# --- country, sides, type of violence (§1, §2, §5) ----------------------------------------------------------


def test_kazakhstan_is_gw_705_in_asia(exported: tuple[str, list[dict[str, str]], dict[str, str]]) -> None:
    for row in exported[1]:
        assert (row["country"], row["country_id"], row["region"]) == ("Kazakhstan", "705", "Asia")
        assert row["gwnob"] == ""
        assert row["gwnoa"] == ("705" if row["side_a"] == GOV else "")
        assert row["code_status"] == "Clear"


def test_police_raid_is_state_based(exported: tuple[str, list[dict[str, str]], dict[str, str]]) -> None:
    raid = by_incident(exported[1])["KZE-0002"]  # seed 004: Boraldai
    assert raid["type_of_violence"] == "1"
    assert (raid["side_a"], raid["side_b"]) == (GOV, UAG)  # the government is side A, whoever initiated
    assert raid["dyad_name"] == f"{GOV} - {UAG}" and raid["conflict_name"] == "Kazakhstan: Government"
    # five militants (side B) and two security officers (side A)
    assert (raid["deaths_a"], raid["deaths_b"], raid["deaths_civilians"], raid["deaths_unknown"]) == (
        "2",
        "5",
        "0",
        "0",
    )
    assert (raid["low"], raid["best"], raid["high"]) == ("7", "7", "7")
    assert raid["gwnoa"] == "705"
    # kzevents' conflict, dyad and side ids, by the scheme documented in the README and exporters/ged.toml:
    # sides GOV = 1, UAG = 3 ([maps.side_numbers]); conflict = base + 1e6 x type + 1e3 x side A
    conflict = ID_BASE + 1_000_000 * 1 + 1_000 * SIDE[GOV]
    for col in ("conflict_dset_id", "conflict_new_id"):
        assert raid[col] == str(conflict)
    for col in ("dyad_dset_id", "dyad_new_id"):
        assert raid[col] == str(conflict + SIDE[UAG])
    for col in ("side_a_dset_id", "side_a_new_id"):
        assert raid[col] == str(ID_BASE + SIDE[GOV])
    for col in ("side_b_dset_id", "side_b_new_id"):
        assert raid[col] == str(ID_BASE + SIDE[UAG])


def test_killing_of_civilians_is_one_sided(
    exported: tuple[str, list[dict[str, str]], dict[str, str]],
) -> None:
    park = by_incident(exported[1])["KZE-0003"]  # seed 003: Ile-Alatau
    assert park["type_of_violence"] == "3"
    assert (park["side_a"], park["side_b"]) == (UAG, "Civilians")
    # the sample's convention for the civilian side (§1 row 17, §8 id 370730)
    assert (park["side_b_dset_id"], park["side_b_new_id"]) == ("9999", "1")
    assert park["dyad_name"] == park["conflict_name"] == f"{UAG} - Civilians"
    # the perpetrator's one-sided conflict and its dyad with Civilians (side B 0) share one id, as a
    # one-sided conflict's dset id is its dyad's in the GED sample (§8 id 370730: 7463 / 7463)
    one_sided = ID_BASE + 1_000_000 * 3 + 1_000 * SIDE[UAG]
    for col in ("conflict_dset_id", "conflict_new_id", "dyad_dset_id", "dyad_new_id"):
        assert park[col] == str(one_sided)
    assert park["side_a_dset_id"] == park["side_a_new_id"] == str(ID_BASE + SIDE[UAG])
    assert (park["deaths_a"], park["deaths_b"], park["deaths_civilians"]) == ("0", "0", "11")
    assert (park["low"], park["best"], park["high"]) == ("11", "11", "12")
    assert park["gwnoa"] == park["gwnob"] == ""  # both empty in one-sided events of non-state actors


def test_sides_settle_the_type(exported: tuple[str, list[dict[str, str]], dict[str, str]]) -> None:
    rows = by_incident(exported[1])
    market = rows["KZE-0010"]  # a bombing that only civilians faced
    assert (market["type_of_violence"], market["side_a"], market["side_b"]) == ("3", UAG, "Civilians")
    taraz = rows["KZE-0009"]  # civilians die too in a fight with the police: still state-based
    assert taraz["type_of_violence"] == "1"
    assert [taraz[c] for c in ("deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown")] == [
        "4",
        "1",
        "3",
        "0",
    ]
    # a killing of civilians in which a policeman also died involved the state
    mixed = incident(20, E.MASS_KILLING, D(2012, 8, 14), "almaty", "uag", "civ", killed=(0, 1, 3, 0))
    (row,) = rows_of(render(dataset([mixed]), "ged")[0])
    assert (row["type_of_violence"], row["side_a"], row["side_b"]) == ("1", GOV, UAG)
    assert (row["deaths_a"], row["deaths_civilians"]) == ("1", "3")


def test_premature_explosion_is_no_ged_event(
    exported: tuple[str, list[dict[str, str]], dict[str, str]],
) -> None:
    # seed 004: the suspected bomber was killed; an accidental detonation is no use of armed force against
    # the other side or against civilians, which a GED event needs (ged.md §2), whatever it kills
    assert "KZE-0008" not in by_incident(exported[1])
    assert "accidental detonation" in exported[2]["KZE-0008"]


def test_deaths_sum_to_best_and_estimates_are_ordered(
    exported: tuple[str, list[dict[str, str]], dict[str, str]],
) -> None:
    for row in exported[1]:
        parts = sum(int(row[c]) for c in ("deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown"))
        assert parts == int(row["best"])  # §4
        assert int(row["low"]) <= int(row["best"]) <= int(row["high"])
        assert int(row["high"]) >= 1  # at least one death


# --- inclusion --------------------------------------------------------------------------------------------


def test_left_out_incidents_have_reasons(exported: tuple[str, list[dict[str, str]], dict[str, str]]) -> None:
    _, rows, excluded = exported
    assert set(excluded) == EXCLUDED and len(rows) == len(INCIDENTS) - len(EXCLUDED)
    assert "arrest" in excluded["KZE-0004"]
    assert "seizure" in excluded["KZE-0005"]
    assert "riot" in excluded["KZE-0006"]  # deaths in unrest do not make it organised violence
    assert "killed" in excluded["KZE-0007"] and "at least one death" in excluded["KZE-0007"]
    assert all(len(reason) > 40 for reason in excluded.values())
    # best 0 with a reported death is a GED event (93 sample rows have best 0, all have high >= 1)
    zero = by_incident(rows)["KZE-0016"]
    assert (zero["low"], zero["best"], zero["high"]) == ("0", "0", "1")


def test_records_of_other_datasets_are_left_out() -> None:
    table = dataset(INCIDENTS[:2]).to_arrow()
    i = table.schema.get_field_index("dataset")
    table = table.set_column(i, table.schema.field(i), pa.array(["acled"] * 2).dictionary_encode())
    _, rows, excluded = render(table, "ged")
    assert rows == [] and all("acled" in e.reason for e in excluded)


def test_export_writes_the_excluded_list(tmp_path: Path) -> None:
    export(dataset(), tmp_path, ["ged"])
    out = list(csv.DictReader((tmp_path / "excluded" / "kzevents_ged_excluded.csv").open(encoding="utf-8")))
    assert {r["event_id"] for r in out} == EXCLUDED and all(r["reason"] for r in out)
    assert validate_file(tmp_path / "kzevents_ged.csv").valid


def test_active_year_and_the_25_death_threshold(
    exported: tuple[str, list[dict[str, str]], dict[str, str]],
) -> None:
    rows = by_incident(exported[1])
    assert STATE_BASED_2011 >= 25 > STATE_BASED_2012 and ONE_SIDED_2012 < 25
    assert rows["KZE-0002"]["active_year"] == rows["KZE-0015"]["active_year"] == "1"  # 2011 state-based
    assert rows["KZE-0011"]["active_year"] == rows["KZE-0013"]["active_year"] == "0"  # 2012 state-based
    assert rows["KZE-0003"]["active_year"] == rows["KZE-0010"]["active_year"] == "0"  # 2012 one-sided
    # GED's global threshold as an option: only the 2011 state-based conflict-year passes it
    _, kept, excluded = render(dataset(), "ged", min_conflict_year_deaths=25)
    kept_ids = {f"KZE-{int(r[0]) - ID_BASE:04d}" for r in kept}
    assert kept_ids == {"KZE-0001", "KZE-0002", "KZE-0009", "KZE-0012", "KZE-0014", "KZE-0015"}
    threshold = {e.event_id: e.reason for e in excluded if "threshold" in e.reason}
    assert set(threshold) == {"KZE-0003", "KZE-0010", "KZE-0011", "KZE-0013", "KZE-0016"}
    assert f"has {ONE_SIDED_2012} death(s) in 2012" in threshold["KZE-0003"]


# --- identifiers (§1, §7) ---------------------------------------------------------------------------------


def test_ids_cannot_collide_with_geds_and_are_stable(
    exported: tuple[str, list[dict[str, str]], dict[str, str]],
) -> None:
    rows = exported[1]
    ids = [int(r["id"]) for r in rows]
    assert len(set(ids)) == len(ids)
    assert all(max(GED_IDS_IN_MD) < i < 2**31 for i in ids)  # beyond GED's ids, still a 32-bit integer
    if GED_SAMPLE.exists():
        assert min(ids) > max(int(r["id"]) for r in sample_rows())
    assert by_incident(rows)["KZE-0001"]["id"] == "2000000001"
    # the same incidents in another order, or with others left out, keep their ids
    again = by_incident(rows_of(render(dataset([INCIDENTS[8], INCIDENTS[1], INCIDENTS[0]]), "ged")[0]))
    assert {k: v["id"] for k, v in again.items()} == {k: by_incident(rows)[k]["id"] for k in again}
    assert render(dataset(), "ged")[0] == exported[0]  # byte-identical across runs


def test_relid_follows_geds_pattern(exported: tuple[str, list[dict[str, str]], dict[str, str]]) -> None:
    rows = by_incident(exported[1])
    for inc_id, row in rows.items():
        # §7: <prefix>-<year>-<type_of_violence>-<dyad>-<sequence>; the year and type parts match the row
        prefix, year, tov, dyad, seq = row["relid"].split("-")
        assert (prefix, year, tov, dyad, int(seq)) == (
            "KZE",
            row["year"],
            row["type_of_violence"],
            "0",
            int(inc_id[4:]),
        )
    assert rows["KZE-0003"]["relid"] == "KZE-2012-3-0-3"
    assert rows["KZE-0002"]["relid"] == "KZE-2011-1-0-2"


def test_ucdp_ids_are_below_the_block() -> None:
    """The reserved block is far above every id UCDP uses in the sample (ged.md §1: conflicts, dyads and
    sides are small positive integers; Civilians 9999 / 1)."""
    rows = sample_rows()
    for column in UCDP_ID_COLUMNS:
        values = [int(r[column]) for r in rows]  # never blank in the sample
        assert 0 < min(values) and max(values) < 500_000 < ID_BASE, column


def test_every_ged_id_column_is_filled_and_numeric(
    exported: tuple[str, list[dict[str, str]], dict[str, str]],
) -> None:
    """No blank id columns: readers then type them as integers, as they type GED's own."""
    for row in exported[1]:
        for column in UCDP_ID_COLUMNS:
            value = int(row[column])
            civilians = column.startswith("side_b") and row["side_b"] == "Civilians"
            assert value in (9999, 1) if civilians else ID_BASE < value < 2**31, (column, value)
        assert row["side_a_dset_id"] == row["side_a_new_id"] and row["dyad_dset_id"] == row["dyad_new_id"]


def test_a_side_without_a_number_is_an_error() -> None:
    other = Actor("other", "Some New Group (Kazakhstan)", ActorType.REBEL_GROUP, ActorKind.NON_STATE)
    raid = incident(
        7, E.SECURITY_OPERATION, D(2011, 12, 3), "boralday", "police", "other", killed=(1, 1, 0, 0)
    )
    with pytest.raises(KzeventsError, match=r"'Some New Group \(Kazakhstan\)'.*side_numbers"):
        render(Dataset((raid,), PLACES, {**ACTORS, "other": other}, SOURCES), "ged")


def test_incident_number_beyond_the_block_is_an_error() -> None:
    big = incident(2**31 - ID_BASE, E.BOMBING, D(2011, 5, 17), "aktobe", "uag", "police", killed=(1, 0, 0, 0))
    with pytest.raises(KzeventsError, match="reserved block"):
        render(dataset([big]), "ged")


# --- dates and places (§1, §3, §4) ------------------------------------------------------------------------


def test_dates_and_their_precision(exported: tuple[str, list[dict[str, str]], dict[str, str]]) -> None:
    rows = by_incident(exported[1])
    first = rows["KZE-0001"]
    # the form of GED's CSV files (§1)
    assert (first["date_start"], first["date_end"]) == ("2011-05-17 00:00:00.000", "2011-05-17 00:00:00.000")
    assert (first["year"], first["date_prec"], first["event_clarity"]) == ("2011", "1", "1")
    astana = rows["KZE-0012"]  # within two days
    assert (astana["date_start"][:10], astana["date_end"][:10], astana["date_prec"]) == (
        "2011-05-24",
        "2011-05-25",
        "2",
    )
    week = rows["KZE-0013"]
    assert (week["date_start"][:10], week["date_end"][:10], week["date_prec"]) == (
        "2012-09-05",
        "2012-09-11",
        "3",
    )
    month = rows["KZE-0011"]  # known to the month, somewhere in the region: a summary report
    assert (month["date_prec"], month["where_prec"], month["event_clarity"]) == ("4", "4", "2")
    # a "week" wider than seven days is no GED week (§3; 1989-05-10..16 is the sample's week)
    wide = incident(
        21,
        E.ARMED_ATTACK,
        D(2012, 9, 5),
        "atyrau",
        "uag",
        "police",
        end=D(2012, 9, 12),
        precision=DatePrecision.WEEK,
        killed=(0, 1, 0, 0),
    )
    (row,) = rows_of(render(dataset([wide]), "ged")[0])
    assert row["date_prec"] == "4"
    # an exact event over two days
    two = incident(
        22, E.ARMED_ATTACK, D(2012, 1, 10), "almaty", "uag", "police", end=D(2012, 1, 11), killed=(0, 1, 0, 0)
    )
    (row,) = rows_of(render(dataset([two]), "ged")[0])
    assert row["date_prec"] == "2"


def test_plain_dates_on_request() -> None:
    text, _, _ = render(dataset(INCIDENTS[:2]), "ged", date_form="date")
    rows = rows_of(text)
    assert rows[0]["date_start"] == "2011-05-17" and check(rows).valid


def test_places(exported: tuple[str, list[dict[str, str]], dict[str, str]]) -> None:
    rows = by_incident(exported[1])
    aktobe = rows["KZE-0001"]
    assert (aktobe["where_prec"], aktobe["where_coordinates"], aktobe["adm_1"]) == (
        "1",
        "Aktobe",
        "Aktobe region",
    )
    assert (aktobe["latitude"], aktobe["longitude"]) == ("50.28", "57.17")
    assert aktobe["geom_wkt"] == "POINT (57.17 50.28)"  # longitude first (§1)
    assert rows["KZE-0014"]["where_prec"] == "2"  # outskirts: a limited area around a named location
    assert rows["KZE-0011"]["where_prec"] == "4" and rows["KZE-0011"]["geom_wkt"] == "POINT (58 48)"
    assert rows["KZE-0002"]["adm_1"] == "Almaty region"  # Boraldai: the region, not the city
    assert rows["KZE-0003"]["adm_1"] == "Almaty city"
    assert rows["KZE-0009"]["adm_1"] == "Jambyl region"


def test_sources(exported: tuple[str, list[dict[str, str]], dict[str, str]]) -> None:
    rows = by_incident(exported[1])
    two = rows["KZE-0001"]
    assert two["number_of_sources"] == "2"
    assert two["source_office"] == "Reuters;US Department of State"
    assert two["source_date"] == "2011-12-04;2012-07-31"
    assert two["source_headline"] == "Seven killed in clashes (fixture);Country Reports (fixture)"
    assert two["source_article"] == (
        '"Reuters,2011-12-04,Seven killed in clashes (fixture)";'
        '"US Department of State,2012-07-31,Country Reports (fixture)"'
    )
    one = rows["KZE-0003"]  # an undated source
    assert (one["number_of_sources"], one["source_office"], one["source_date"]) == ("1", "Analyst", "")
    assert one["source_original"] == ""


# --- validation -------------------------------------------------------------------------------------------


def test_exported_file_validates(tmp_path: Path) -> None:
    path = tmp_path / "kzevents_ged.csv"
    result = to_ged(dataset(), path)
    assert result.rows == len(INCIDENTS) - len(EXCLUDED) and len(result.excluded) == len(EXCLUDED)
    report = validate_file(path)
    assert report.valid, str(report)
    assert report.format == "ged" and report.rows == result.rows


def test_export_agrees_with_jsonschema(exported: tuple[str, list[dict[str, str]], dict[str, str]]) -> None:
    rows = exported[1]
    assert reference_problems(rows, "ged") == set()
    assert check(rows).valid


def test_real_sample_validates() -> None:
    path = need(GED_SAMPLE)
    rows = sample_rows()
    assert reference_problems(rows, "ged") == set()
    report = validate_file(path)
    assert report.valid, str(report)
    assert report.format == "ged" and report.rows == 1000


def test_real_low_best_high_disorder_is_not_an_error(
    exported: tuple[str, list[dict[str, str]], dict[str, str]],
) -> None:
    """§4: low <= best <= high fails in 13 sample rows (id 236880: low 3, best 2, high 3); a validator may
    enforce it on kzevents' rows only."""
    real = next((r for r in sample_rows() if r["id"] == "236880"), None)
    assert real is not None and (real["low"], real["best"], real["high"]) == ("3", "2", "3")
    assert check([real]).valid
    ours = dict(by_incident(exported[1])["KZE-0001"])
    ours.update({"low": "3", "best": "1", "high": "3"})
    assert any(p.code == "ged-estimates" for p in check([ours]).problems)


# (changes to one row; the column and the rule that must catch it)
CORRUPTIONS: list[tuple[dict[str, str], str, str]] = [
    ({"type_of_violence": "4"}, "type_of_violence", "schema:enum"),  # §2
    ({"type_of_violence": "state-based"}, "type_of_violence", "schema:enum"),
    ({"where_prec": "9"}, "where_prec", "schema:enum"),  # §3: 1-7
    ({"date_prec": "0"}, "date_prec", "schema:enum"),
    ({"event_clarity": "3"}, "event_clarity", "schema:enum"),
    ({"active_year": "2"}, "active_year", "schema:enum"),
    ({"region": "Central Asia"}, "region", "schema:enum"),  # §5: five names
    ({"best": ""}, "best", "schema:required"),
    ({"best": "two"}, "best", "schema:type"),
    ({"deaths_a": "-1"}, "deaths_a", "schema:minimum"),
    ({"latitude": "123"}, "latitude", "schema:maximum"),
    ({"longitude": "east"}, "longitude", "schema:type"),
    ({"priogrid_gid": "259201"}, "priogrid_gid", "schema:maximum"),
    ({"number_of_sources": "-2"}, "number_of_sources", "schema:minimum"),  # -1 is GED's, -2 is not
    ({"country_id": "1"}, "country_id", "schema:minimum"),
    ({"id": "0"}, "id", "schema:minimum"),
    ({"id": "abc"}, "id", "schema:type"),
    ({"date_start": "2011-02-30 00:00:00.000"}, "date_start", "schema:pattern"),  # no such day
    ({"date_end": "2011-02-30"}, "date_end", "schema:pattern"),
    ({"date_start": "2011-02-29"}, "date_start", "schema:pattern"),  # 2011 is no leap year
    ({"date_start": "2011-13-01 00:00:00.000"}, "date_start", "schema:pattern"),
    ({"date_start": "17/05/2011"}, "date_start", "schema:pattern"),
    ({"geom_wkt": "POINT(57.17 50.28)"}, "geom_wkt", "schema:pattern"),
    ({"relid": "kze-2011-1-0-1"}, "relid", "schema:pattern"),
    ({"side_a": ""}, "side_a", "schema:required"),
    ({"gwnoa": "USA"}, "gwnoa", "schema:type"),
    # cross-field rules
    ({"deaths_b": "2"}, "best", "ged-deaths-sum"),
    ({"year": "2012"}, "year", "ged-year"),
    ({"date_end": "2011-05-16 00:00:00.000"}, "date_end", "ged-date-order"),
    ({"priogrid_gid": "202074"}, "priogrid_gid", "ged-priogrid"),  # the "+ 1" dropped (§6)
    ({"gwnoa": ""}, "gwnoa", "ged-sides"),  # state-based without the government's code
    ({"type_of_violence": "3", "relid": "KZE-2011-3-0-1"}, "side_b", "ged-sides"),  # not against civilians
    ({"type_of_violence": "2", "relid": "KZE-2011-2-0-1"}, "gwnoa", "ged-sides"),  # a state in non-state
    ({"low": "2"}, "best", "ged-estimates"),  # kzevents rows: low <= best <= high
    ({"low": "0", "best": "0", "high": "0", "deaths_b": "0"}, "high", "ged-no-death"),
    ({"relid": "KZE-2011-1-0-2"}, "relid", "ged-relid"),  # relid and id disagree
    ({"id": "1234"}, "id", "ged-id-range"),  # a kzevents row outside the reserved block
    ({"relid": "AKT-2011-1-0-1"}, "id", "ged-id-reserved"),  # the reserved block used by another row
    ({"geom_wkt": "POINT (50.28 57.17)"}, "geom_wkt", "ged-geom"),  # latitude first
    ({"side_a_new_id": "2000000002"}, "side_a_dset_id", "ged-side-id"),  # dset and new ids differ
    ({"side_b_dset_id": "", "side_b_new_id": ""}, "side_b_dset_id", "ged-side-id"),  # left blank
    ({"side_a_dset_id": "118", "side_a_new_id": "118"}, "side_a_dset_id", "ged-side-id"),  # UCDP's Syria
    ({"dyad_dset_id": "2001001002"}, "dyad_dset_id", "ged-dyad-id"),  # not the dyad of its sides
    ({"dyad_new_id": ""}, "dyad_new_id", "ged-dyad-id"),
    ({"conflict_new_id": "2003003000"}, "conflict_new_id", "ged-conflict-id"),  # a one-sided conflict's
    ({"date_end": "2011-05-31 00:00:00.000"}, "date_prec", "ged-date-prec"),  # 1 = one day
]


@pytest.mark.parametrize(
    ("changes", "column", "code"), CORRUPTIONS, ids=[f"{c}:{'+'.join(ch)}" for ch, c, _ in CORRUPTIONS]
)
def test_validator_catches_corruption_and_agrees_with_jsonschema(
    exported: tuple[str, list[dict[str, str]], dict[str, str]],
    changes: dict[str, str],
    column: str,
    code: str,
) -> None:
    rows = [dict(r) for r in exported[1]]
    first = rows.index(by_incident(rows)["KZE-0001"]) + 1
    rows[first - 1].update(changes)
    report = check(rows)
    assert not report.valid
    assert any(p.row == first and p.column == column and p.code == code for p in report.problems), str(report)
    assert schema_cells(report) == reference_problems(rows, "ged")


# the same on real GED rows (a slice of the sample), where kzevents' own rules do not apply
REAL_CORRUPTIONS: list[tuple[dict[str, str], str, str]] = [
    ({"type_of_violence": "0"}, "type_of_violence", "schema:enum"),
    ({"where_prec": "9"}, "where_prec", "schema:enum"),
    ({"best": ""}, "best", "schema:required"),
    ({"latitude": "123"}, "latitude", "schema:maximum"),
    (
        {"date_start": "2011-02-30 00:00:00.000", "date_end": "2011-03-01 00:00:00.000"},
        "date_start",
        "schema:pattern",
    ),
    ({"number_of_sources": "-3"}, "number_of_sources", "schema:minimum"),
    ({"deaths_a": "5"}, "best", "ged-deaths-sum"),
    ({"year": "2014"}, "year", "ged-year"),
    ({"priogrid_gid": "181153"}, "priogrid_gid", "ged-priogrid"),
    ({"gwnoa": ""}, "gwnoa", "ged-sides"),
    ({"id": "2000000005"}, "id", "ged-id-reserved"),
    ({"conflict_new_id": "2001001000"}, "conflict_new_id", "ged-id-reserved"),
    ({"dyad_dset_id": "2001001003"}, "dyad_dset_id", "ged-id-reserved"),
    ({"side_a_new_id": "2000000001"}, "side_a_new_id", "ged-id-reserved"),
    ({"side_b_dset_id": "2000000003"}, "side_b_dset_id", "ged-id-reserved"),
]


@pytest.mark.parametrize(
    ("changes", "column", "code"),
    REAL_CORRUPTIONS,
    ids=[f"{c}:{'+'.join(ch)}" for ch, c, _ in REAL_CORRUPTIONS],
)
def test_corrupted_real_rows(changes: dict[str, str], column: str, code: str) -> None:
    rows = sample_rows()[:200]
    assert check(rows).valid and reference_problems(rows, "ged") == set()
    i = next(i for i, r in enumerate(rows) if r["id"] == "300380")  # §8: state-based, Syria, exact date
    rows[i] = {**rows[i], **changes}
    report = check(rows)
    assert any(p.row == i + 1 and p.column == column and p.code == code for p in report.problems), str(report)
    assert schema_cells(report) == reference_problems(rows, "ged")
    assert {p.row for p in report.problems} == {i + 1}


def test_an_impossible_date_is_one_problem(
    exported: tuple[str, list[dict[str, str]], dict[str, str]],
) -> None:
    """2011-02-30 is reported once, by the schema: the cross-field date rules do not read it as 2 March."""
    row = dict(by_incident(exported[1])["KZE-0001"])
    row.update({"date_start": "2011-02-30 00:00:00.000", "date_end": "2011-03-01 00:00:00.000"})
    report = check([row])
    assert [(p.column, p.code) for p in report.problems] == [("date_start", "schema:pattern")]
    assert reference_problems([row], "ged") == {(1, "date_start")}


def test_invalid_export_is_refused(tmp_path: Path) -> None:
    """A place off the globe cannot be written: nothing is left behind."""
    off = attrs.evolve(PLACES["aktobe"], latitude=123.0)
    with pytest.raises((DataError, KzeventsError)):
        to_ged(Dataset((INCIDENTS[0],), {"aktobe": off}, ACTORS, SOURCES), tmp_path / "x.csv")
    assert not (tmp_path / "x.csv").exists()


# --- the MINI fixture and the curated dataset -----------------------------------------------------------


def test_mini_fixture_exports() -> None:
    text, _, excluded = render(load_dataset(MINI), "ged")
    (row,) = rows_of(text)
    assert excluded == ()
    assert (row["id"], row["relid"], row["type_of_violence"]) == ("2000000001", "KZE-2011-1-0-1", "1")
    assert row["adm_1"] == "Aktobe region"  # the legacy code KZ-AKT is today's KZ-15
    assert (row["deaths_b"], row["best"]) == ("1", "1")
    assert row["number_of_sources"] == "1"  # two claims, one source


def _curated() -> Dataset:
    import kzevents

    try:
        ds = kzevents.load()
    except DataError as exc:  # the curated files are being written
        pytest.skip(f"the curated dataset does not load yet: {str(exc).splitlines()[0]}")
    if len(ds) == 0:
        pytest.skip("the curated dataset has no incidents yet")
    return ds


def test_curated_dataset_exports_valid_ged(tmp_path: Path) -> None:
    ds = _curated()
    path = tmp_path / "kzevents_ged.csv"
    result = to_ged(ds, path)
    rows = rows_of(path.read_text(encoding="utf-8"))
    assert reference_problems(rows, "ged") == set()
    assert validate_file(path).valid
    assert result.rows + len(result.excluded) == len(ds) == len(rows) + len(result.excluded)
    left_out = {e.event_id for e in result.excluded}
    by_id = {f"KZE-{int(r['id']) - ID_BASE:04d}": r for r in rows}
    for inc in ds:
        forced = (E.ARREST, E.WEAPONS_SEIZURE, E.UNREST, E.PROTEST, E.PREMATURE_EXPLOSION)
        if inc.event_type in forced or inc.fatalities.high == 0:
            assert inc.id in left_out, inc.id
            continue
        facts = inc.facts
        if (facts.perpetrators and facts.perpetrators.form == "individual") or (
            facts.resistance and facts.resistance.value == "none_reported" and not inc.fatalities.security
        ):
            assert inc.id in left_out, inc.id  # no organised actor / no reported use of armed force
            continue
        row = by_id[inc.id]
        assert (row["low"], row["best"], row["high"]) == tuple(
            str(x) for x in (inc.fatalities.low, inc.fatalities.best, inc.fatalities.high)
        )
        if inc.event_type is E.MASS_KILLING:
            assert (row["type_of_violence"], row["side_b"]) == ("3", "Civilians")
        if inc.event_type is E.SECURITY_OPERATION:
            assert (row["type_of_violence"], row["side_a"], row["gwnoa"]) == ("1", GOV, "705")
            assert row["deaths_a"] == str(inc.fatalities.security)
            assert row["deaths_b"] == str(inc.fatalities.perpetrators)
    # seed 004: the Boraldai shoot-out, five militants and two security officers
    boraldai = [r for r in rows if r["date_start"].startswith("2011-12-03") and r["type_of_violence"] == "1"]
    if boraldai:
        assert (boraldai[0]["deaths_a"], boraldai[0]["deaths_b"], boraldai[0]["best"]) == ("2", "5", "7")
