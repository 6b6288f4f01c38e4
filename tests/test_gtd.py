"""GTD export: expected values come from ../shared/reference/gtd.md (cited as §n) and the seed documents,
never from the code's own output. The fixture incidents below are modelled on the seed documents (the
Aktobe suicide bombing of 17 May 2011, the two Atyrau blasts of 31 October 2011 claimed by Jund
al-Khilafah, the Boralday raid of 3 December 2011...), with titles marked "(fixture)".
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import runpy
from pathlib import Path

import pyarrow as pa
import pytest

from kzevents.dataset.load import load_dataset
from kzevents.dataset.model import (
    Actor,
    Claim,
    Dataset,
    DateSpan,
    Fatalities,
    Incident,
    Link,
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
    Relation,
    Role,
)
from kzevents.errors import DataError, KzeventsError
from kzevents.formats import crosswalk
from kzevents.formats.check import validate_file, validate_table
from kzevents.formats.gtd.export import gtd_prepare
from kzevents.outputs.exporter import export
from kzevents.outputs.writer import render, to_gtd
from kzevents.validation import Report
from kzevents.validation.reference import reference_problems

from .conftest import MINI, ROOT, SHARED, need

GTD_MD = SHARED / "reference" / "gtd.md"

# gtd.md §3, the header of the 0718 release
GTD_HEADER = (
    "eventid,iyear,imonth,iday,approxdate,extended,resolution,country,country_txt,region,region_txt,provstate,"
    "city,latitude,longitude,specificity,vicinity,location,summary,crit1,crit2,crit3,doubtterr,alternative,"
    "alternative_txt,multiple,success,suicide,attacktype1,attacktype1_txt,attacktype2,attacktype2_txt,"
    "attacktype3,attacktype3_txt,targtype1,targtype1_txt,targsubtype1,targsubtype1_txt,corp1,target1,natlty1,"
    "natlty1_txt,targtype2,targtype2_txt,targsubtype2,targsubtype2_txt,corp2,target2,natlty2,natlty2_txt,"
    "targtype3,targtype3_txt,targsubtype3,targsubtype3_txt,corp3,target3,natlty3,natlty3_txt,gname,gsubname,"
    "gname2,gsubname2,gname3,gsubname3,motive,guncertain1,guncertain2,guncertain3,individual,nperps,nperpcap,"
    "claimed,claimmode,claimmode_txt,claim2,claimmode2,claimmode2_txt,claim3,claimmode3,claimmode3_txt,"
    "compclaim,weaptype1,weaptype1_txt,weapsubtype1,weapsubtype1_txt,weaptype2,weaptype2_txt,weapsubtype2,"
    "weapsubtype2_txt,weaptype3,weaptype3_txt,weapsubtype3,weapsubtype3_txt,weaptype4,weaptype4_txt,"
    "weapsubtype4,weapsubtype4_txt,weapdetail,nkill,nkillus,nkillter,nwound,nwoundus,nwoundte,property,"
    "propextent,propextent_txt,propvalue,propcomment,ishostkid,nhostkid,nhostkidus,nhours,ndays,divert,"
    "kidhijcountry,ransom,ransomamt,ransomamtus,ransompaid,ransompaidus,ransomnote,hostkidoutcome,"
    "hostkidoutcome_txt,nreleased,addnotes,scite1,scite2,scite3,dbsource,INT_LOG,INT_IDEO,INT_MISC,INT_ANY,"
    "related"
).split(",")

# --- a fixture dataset modelled on the seed documents ---------------------------------------------------

SOURCES = {
    "s1": Source("s1", "s1.txt", "Reuters", "Seven killed in clashes (fixture)", "en", "International"),
    "s2": Source(
        "s2", "s2.txt", "US Department of State", "Country Reports (fixture)", "en", "International"
    ),
}
PLACES = {
    "aktobe": Place("aktobe", "Aktobe", "city", "KZ-15", 50.2797, 57.2072, "town"),
    "atyrau": Place("atyrau", "Atyrau", "city", "KZ-23", 47.1167, 51.8833, "town"),
    "almaty": Place("almaty", "Almaty", "city", "KZ-75", 43.2567, 76.9286, "town"),
    "boralday": Place("boralday", "Boralday", "village", "KZ-19", 43.3570, 76.8587, "town"),
    "aktobe-region": Place("aktobe-region", "Aktobe Region", "region", "KZ-15", 48.0, 58.0, "region"),
    "astana": Place("astana", "Astana", "city", "KZ-71", 51.1801, 71.4460, "town"),
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
    injured: int | None = None,
    weapons: tuple[str, ...] = (),
    targets: tuple[str, ...] = (),
    suicide: bool = False,
    related: tuple[Link, ...] = (),
    summary: str = "Fixture summary.",
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
        fatalities=Fatalities(best, best, best, *killed, injured=injured),
        actors=actors,
        claims=(Claim("s1", "A sentence."), Claim("s2", "Another sentence.")),
        summary=summary,
        rule="Claims agree.",
        suicide=suicide,
        weapons=weapons,
        targets=targets,
        related=related,
    )


E = EventType
D = dt.date
INCIDENTS = [
    # seed 001/002/004: a man blew himself up at the KNB building in Aktobe, killing only himself
    incident(
        1,
        E.SUICIDE_BOMBING,
        D(2011, 5, 17),
        "aktobe",
        "uag",
        "police",
        killed=(1, 0, 0, 0),
        injured=0,
        weapons=("explosives",),
        targets=("police",),
        suicide=True,
        summary="A man blew himself up at the regional KNB building.",
    ),
    # seed 002/004: two blasts in Atyrau, claimed by Jund al-Khilafah; the bomber was the only casualty
    incident(
        2,
        E.BOMBING,
        D(2011, 10, 31),
        "atyrau",
        "jak",
        "gov",
        weapons=("explosives",),
        targets=("government",),
        related=(Link("KZE-0003", Relation.SAME_ATTACK),),
    ),
    incident(
        3,
        E.BOMBING,
        D(2011, 10, 31),
        "atyrau",
        "jak",
        None,
        killed=(1, 0, 0, 0),
        weapons=("explosives",),
        targets=("none",),
        related=(Link("KZE-0002", Relation.SAME_ATTACK),),
    ),
    # seed 002/004: the Boralday raid, police against militants: a state action
    incident(
        4,
        E.SECURITY_OPERATION,
        D(2011, 12, 3),
        "boralday",
        "police",
        "uag",
        killed=(5, 2, 0, 0),
        weapons=("firearms",),
        related=(Link("KZE-0005", Relation.RESPONSE_TO),),
    ),
    # seed 000/001: two police officers shot dead by unknown gunmen in Almaty
    incident(
        5,
        E.ARMED_ATTACK,
        D(2011, 11, 8),
        "almaty",
        "uag",
        "police",
        killed=(0, 2, 0, 0),
        weapons=("firearms",),
        targets=("police",),
    ),
    # seed 003: 11 people slaughtered in a national park by unknown attackers
    incident(
        6,
        E.MASS_KILLING,
        D(2012, 8, 14),
        "almaty",
        "uag",
        "civ",
        place_precision=PlacePrecision.NEAR_TOWN,
        killed=(0, 0, 11, 0),
        weapons=("firearms",),
        targets=("private_citizens",),
    ),
    # seed 001: a bomb went off while being made, killing its maker
    incident(7, E.PREMATURE_EXPLOSION, D(2012, 9, 5), "atyrau", "uag", None, killed=(1, 0, 0, 0)),
    # seed 001/004: 18 suspects arrested in Atyrau
    incident(8, E.ARREST, D(2011, 8, 29), "atyrau", "police", "uag"),
    # an attack lasting over two days (for `extended`)
    incident(
        9,
        E.ARMED_ATTACK,
        D(2012, 1, 10),
        "almaty",
        "jak",
        "police",
        end=D(2012, 1, 11),
        killed=(0, 1, 0, 0),
        injured=3,
        weapons=("firearms", "explosives"),
        targets=("police", "government"),
    ),
    # a bombing known only to the month, somewhere in Aktobe Region
    incident(
        10,
        E.BOMBING,
        D(2012, 3, 1),
        "aktobe-region",
        "uag",
        None,
        end=D(2012, 3, 31),
        precision=DatePrecision.MONTH,
        place_precision=PlacePrecision.REGION,
        weapons=("explosives",),
        targets=("police",),
    ),
    # seed 001: the Astana car bomb, date given within two days
    incident(
        11,
        E.SUICIDE_BOMBING,
        D(2011, 5, 24),
        "astana",
        "uag",
        "police",
        end=D(2011, 5, 25),
        precision=DatePrecision.DAYS,
        killed=(2, 0, 0, 0),
        weapons=("explosives",),
        targets=("police",),
        suicide=True,
    ),
    incident(12, E.WEAPONS_SEIZURE, D(2012, 5, 25), "almaty", "police", None),
    incident(13, E.UNREST, D(2011, 12, 16), "atyrau", "rioters", "police", killed=(0, 0, 14, 0)),
]


def dataset(incidents: list[Incident] | None = None) -> Dataset:
    return Dataset(tuple(incidents or INCIDENTS), PLACES, ACTORS, SOURCES)


def rows_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture(scope="module")
def exported() -> tuple[str, list[dict[str, str]], dict[str, str]]:
    text, _, excluded = render(dataset(), "gtd")
    return text, rows_of(text), {e.event_id: e.reason for e in excluded}


def by_incident(rows: list[dict[str, str]]) -> dict[str, dict[str, str]]:
    out = {}
    for r in rows:
        m = re.search(r"kzevents incident (KZE-\d{4})", r["addnotes"])
        assert m, r["addnotes"]
        out[m.group(1)] = r
    return out


# --- gtd.md's tables, read from the reference document ---------------------------------------------------


def md_tables(section: str) -> list[list[list[str]]]:
    """The tables of one numbered section of gtd.md: each a list of rows of cells (header row first)."""
    text = need(GTD_MD).read_text(encoding="utf-8")
    m = re.search(rf"^## {section}\..*?(?=^## |\Z)", text, re.S | re.M)
    assert m, section
    tables: list[list[list[str]]] = []
    current: list[list[str]] = []
    for line in m.group(0).splitlines():
        if line.startswith("|"):
            cells = [c.strip().strip("`") for c in line.strip().strip("|").split("|")]
            if not all(re.fullmatch(r"-*", c) for c in cells):
                current.append(cells)
        elif current:
            tables.append(current)
            current = []
    if current:
        tables.append(current)
    return tables


def md_table(section: str, first_header: str, second_header: str | None = None) -> list[list[str]]:
    for table in md_tables(section):
        head = table[0]
        if head[0] == first_header and (second_header is None or head[1] == second_header):
            return table[1:]
    raise AssertionError(f"no table {first_header!r} in gtd.md §{section}")


@pytest.fixture(scope="module")
def labels() -> dict[str, dict[int, str]]:
    """code -> data-file label, for every code table, from gtd.md."""
    out: dict[str, dict[int, str]] = {}
    out["attacktype"] = {int(c): label for c, label in md_table("8", "code")}
    out["targtype"] = {
        int(c): (codebook if data.startswith("(not seen") else data)
        for c, data, codebook in md_table("9", "code")
    }
    subs: dict[int, str] = {}
    for row in md_table("9", "code", "`targsubtype1_txt`".strip("`")):
        for code, label in ((row[0], row[1]), (row[2], row[3])):
            if code:
                subs[int(code)] = label
    out["targsubtype"] = subs
    out["weaptype"] = {int(c): data for c, data, _ in md_table("10", "code")}
    out["weapsubtype"] = {int(code): label for _, code, label, _ in md_table("10", "weaptype")}
    out["weapsubtype_parent"] = {
        int(code): int(parent.split()[0]) for parent, code, _, _ in md_table("10", "weaptype")
    }
    out["claimmode"] = {int(c): label for c, label in md_table("11", "code")}
    out["region"] = {int(c): label for c, label in md_table("7", "code", "region_txt")}
    # data-file label, without gtd.md's remarks in parentheses ("(codebook: ...)", "(coded ...)")
    out["alternative"] = {
        int(c): re.sub(r" \((codebook|coded)[^)]*\)$", "", label) for c, label in md_table("6", "code")
    }
    out["propextent"] = {int(c): data for c, _, data in md_table("12", "code") if data != "—"}
    return out


# --- the header and the code tables ---------------------------------------------------------------------


def test_header_is_gtds_135_columns(exported: tuple[str, list[dict[str, str]], dict[str, str]]) -> None:
    text, _, _ = exported
    assert len(GTD_HEADER) == 135
    assert text.splitlines()[0].split(",") == GTD_HEADER
    block = re.search(r"```\n(eventid,.*?)\n```", need(GTD_MD).read_text(encoding="utf-8"), re.S)
    assert block is not None and block.group(1).split(",") == GTD_HEADER


def test_code_tables_are_gtd_md_tables(labels: dict[str, dict[int, str]]) -> None:
    maps = crosswalk.get("gtd").maps
    for table in ("attacktype", "targtype", "weaptype", "claimmode", "region", "alternative"):
        assert {int(k): v for k, v in maps[table].items()} == labels[table], table
    subs = {int(k): v for k, v in maps["targsubtype"].items() if k != "102"}
    assert subs == labels["targsubtype"]
    assert maps["targsubtype"]["102"] == "Subway"  # §9: in the codebook only
    assert {int(k): v["label"] for k, v in maps["weapsubtype"].items()} == labels["weapsubtype"]
    assert {int(k): v["weaptype"] for k, v in maps["weapsubtype"].items()} == labels["weapsubtype_parent"]
    for code, label in labels["propextent"].items():
        assert maps["propextent"][str(code)] == label
    # §7 Kazakhstan and its look-alikes
    assert maps["country"] == {
        "102": "Jordan",
        "103": "Kazakhstan",
        "104": "Kenya",
        "106": "Kuwait",
        "107": "Kyrgyzstan",
    }
    assert maps["country_region"]["103"] == 7


def test_schema_is_generated_from_the_crosswalk() -> None:
    import json

    tool = ROOT / "tools" / "make_gtd_schema.py"
    built = runpy.run_path(str(tool), run_name="kzevents_gtd_schema")["build"]()
    assert built == json.loads((ROOT / "schemas" / "gtd.schema.json").read_text(encoding="utf-8"))
    assert built["x-kzevents-columns"] == GTD_HEADER and built["required"] == GTD_HEADER


# --- coding of the fixture incidents ----------------------------------------------------------------------


def test_suicide_bombing_row(exported: tuple[str, list[dict[str, str]], dict[str, str]]) -> None:
    row = by_incident(exported[1])["KZE-0001"]
    # §8 attack type 3, §6 suicide 1, §10 explosives 6 with the suicide subtype 13
    assert (row["attacktype1"], row["attacktype1_txt"]) == ("3", "Bombing/Explosion")
    assert row["suicide"] == "1"
    assert (row["weaptype1"], row["weaptype1_txt"]) == ("6", "Explosives")
    assert (row["weapsubtype1"], row["weapsubtype1_txt"]) == ("13", "Suicide (carried bodily by human being)")
    # §7 Kazakhstan and its region
    assert (row["country"], row["country_txt"], row["region"], row["region_txt"]) == (
        "103",
        "Kazakhstan",
        "7",
        "Central Asia",
    )
    assert (row["targtype1"], row["targtype1_txt"], row["natlty1"]) == ("3", "Police", "103")
    # §12: the bomber's own death counts in nkill, and in nkillter
    assert (row["nkill"], row["nkillter"], row["nwound"]) == ("1", "1", "0")
    # §4 and §13
    assert (row["iyear"], row["imonth"], row["iday"], row["approxdate"], row["extended"]) == (
        "2011",
        "5",
        "17",
        "",
        "0",
    )
    assert row["summary"] == "5/17/2011: A man blew himself up at the regional KNB building."
    assert (row["provstate"], row["city"], row["specificity"], row["vicinity"]) == (
        "Aktobe",
        "Aktobe",
        "1",
        "0",
    )
    assert (row["latitude"], row["longitude"]) == ("50.2797", "57.2072")
    assert row["success"] == "1"  # §6: a bombing succeeds when the device goes off
    assert (row["crit1"], row["crit2"], row["crit3"], row["doubtterr"], row["alternative"]) == (
        "1",
        "1",
        "1",
        "0",
        "",
    )
    assert row["gname"] == "Unknown"  # §11: no information on the group
    assert row["dbsource"] == "kzevents"
    # §5: unknown yes/no -9, unknown counts -99
    assert (row["property"], row["nperps"], row["nperpcap"]) == ("-9", "-99", "-99")
    assert (row["INT_LOG"], row["INT_IDEO"], row["INT_MISC"], row["INT_ANY"]) == ("-9", "-9", "0", "-9")
    # scite: '"Title," Publisher.' (no publication date in the fixture sources)
    assert row["scite1"] == '"Seven killed in clashes (fixture)," Reuters.'
    assert row["scite2"] == '"Country Reports (fixture)," US Department of State.'


def test_jund_al_khilafah_is_gtds_jund_al_khilafa(
    exported: tuple[str, list[dict[str, str]], dict[str, str]],
) -> None:
    rows = by_incident(exported[1])
    assert rows["KZE-0002"]["gname"] == "Jund al-Khilafa"  # §11: GTD's spelling, not "(Tunisia)"
    assert rows["KZE-0002"]["targtype1_txt"] == "Government (General)"
    assert rows["KZE-0003"]["targtype1_txt"] == "Unknown"
    # a named group: no doubt; its bombs went off
    assert rows["KZE-0002"]["doubtterr"] == "0" and rows["KZE-0002"]["success"] == "1"


def test_unattributed_shooting_of_police(exported: tuple[str, list[dict[str, str]], dict[str, str]]) -> None:
    row = by_incident(exported[1])["KZE-0005"]
    assert (row["attacktype1"], row["attacktype1_txt"]) == ("2", "Armed Assault")  # §8: police officers
    assert (row["weaptype1_txt"], row["weapsubtype1_txt"]) == ("Firearms", "Unknown Gun Type")
    assert (row["nkill"], row["nkillter"], row["success"]) == ("2", "0", "1")
    # doubt comes from a source's non-terrorist explanation ([[doubt]]), and this incident has none (§6)
    assert (row["doubtterr"], row["alternative"], row["alternative_txt"]) == ("0", "", "")
    assert row["provstate"] == "Almaty City"
    assert "KZE-0004" not in row["related"]  # a raid in response is no GTD incident


def test_dates_extended_month_and_span(exported: tuple[str, list[dict[str, str]], dict[str, str]]) -> None:
    rows = by_incident(exported[1])
    ext = rows["KZE-0009"]
    assert (ext["extended"], ext["resolution"], ext["iday"], ext["approxdate"]) == (
        "1",
        "2012-01-11",
        "10",
        "",
    )
    # firearms and explosives: Bombing/Explosion is higher in GTD's hierarchy than Armed Assault (§8), and
    # the weapon of attacktype1 comes first; two targets
    assert (ext["attacktype1"], ext["attacktype2"], ext["attacktype3"]) == ("3", "2", "")
    assert (ext["weaptype1_txt"], ext["weaptype2_txt"]) == ("Explosives", "Firearms")
    assert (ext["targtype1_txt"], ext["targtype2_txt"]) == ("Police", "Government (General)")
    assert (ext["nwound"], ext["nwoundus"]) == ("3", "0")
    month = rows["KZE-0010"]
    assert (month["imonth"], month["iday"], month["approxdate"]) == ("3", "0", "March 2012")  # §4
    assert month["eventid"] == "201203009010"  # §4: the unknown day is 00
    assert month["summary"].startswith("3/0/2012: ")
    assert (month["specificity"], month["city"], month["provstate"]) == ("4", "Aktobe Region", "Aktobe")
    span = rows["KZE-0011"]
    assert (span["iday"], span["approxdate"], span["extended"]) == ("24", "May 24-25, 2011", "0")
    assert span["nkill"] == span["nkillter"] == "2"


def test_eventids_are_twelve_digits_in_the_reserved_range_and_stable(
    exported: tuple[str, list[dict[str, str]], dict[str, str]],
) -> None:
    rows = by_incident(exported[1])
    for inc_id, row in rows.items():
        eid = row["eventid"]
        assert re.fullmatch(r"[0-9]{12}", eid)
        assert 9001 <= int(eid[8:]) <= 9999  # never a real GTD sequence (GTD counts a day from 0001, §4)
        assert int(eid[8:]) == 9000 + int(inc_id[4:])
        assert eid[:8] == f"{int(row['iyear']):04d}{int(row['imonth']):02d}{int(row['iday']):02d}"
    assert rows["KZE-0001"]["eventid"] == "201105179001"
    assert rows["KZE-0002"]["eventid"] == "201110319002" and rows["KZE-0003"]["eventid"] == "201110319003"
    # the same incidents in another order, or with others left out, keep their ids
    text, _, _ = render(dataset([INCIDENTS[2], INCIDENTS[0]]), "gtd")
    again = by_incident(rows_of(text))
    assert {k: v["eventid"] for k, v in again.items()} == {k: rows[k]["eventid"] for k in again}


def test_sequence_outside_the_reserved_range_is_an_error() -> None:
    big = incident(1000, E.BOMBING, D(2011, 5, 17), "aktobe", "uag", None, targets=("police",))
    with pytest.raises(KzeventsError, match="reserved range"):
        render(dataset([big]), "gtd")


def test_related_incidents_of_one_set() -> None:
    cw = crosswalk.get("gtd")
    rows = gtd_prepare(dataset().to_arrow().to_pylist(), cw)
    records = {}
    for row, reason in cw.rows(rows):
        if reason is None:
            records[row["event_id"]] = cw.texts(cw.record(row))
    col = {name: i for i, name in enumerate(cw.header)}
    a, b = records["KZE-0002"], records["KZE-0003"]
    # §6: both blasts are one set, each lists the other's eventid
    assert (a[col["multiple"]], a[col["related"]]) == ("1", "201110319003")
    assert (b[col["multiple"]], b[col["related"]]) == ("1", "201110319002")
    assert records["KZE-0001"][col["multiple"]] == "0" and records["KZE-0001"][col["related"]] == ""
    # a set whose other member is not exported is no GTD set
    pre = [r for r in dataset().to_arrow().to_pylist() if r["event_id"] != "KZE-0003"]
    (alone,) = [r for r in gtd_prepare(pre, cw) if r["event_id"] == "KZE-0002"]
    assert alone["_gtd_related"] == []


# --- inclusion ----------------------------------------------------------------------------------------


def test_left_out_incidents_have_reasons(exported: tuple[str, list[dict[str, str]], dict[str, str]]) -> None:
    _, rows, excluded = exported
    assert set(excluded) == {"KZE-0004", "KZE-0006", "KZE-0007", "KZE-0008", "KZE-0012", "KZE-0013"}
    assert {r["dbsource"] for r in rows} == {"kzevents"} and len(rows) == 13 - len(excluded)
    assert "state" in excluded["KZE-0004"]  # the police raid: a state action (§6)
    assert "out the door" in excluded["KZE-0007"]  # premature explosion
    assert "arrest" in excluded["KZE-0008"] and "seizure" in excluded["KZE-0012"]
    assert "crit1" in excluded["KZE-0006"] and "at least two" in excluded["KZE-0006"]
    assert all(len(reason) > 30 for reason in excluded.values())


def test_state_perpetrator_is_left_out_whatever_the_event_type() -> None:
    inc = incident(1, E.ARMED_ATTACK, D(2011, 5, 17), "aktobe", "police", "uag", targets=("police",))
    text, rows, excluded = render(dataset([inc]), "gtd")
    assert rows == [] and len(text.splitlines()) == 1
    assert "state actor" in excluded[0].reason


def test_records_of_other_datasets_are_left_out() -> None:
    table = dataset().to_arrow()
    i = table.schema.get_field_index("dataset")
    table = table.set_column(
        i, table.schema.field(i), pa.array(["acled"] * table.num_rows).dictionary_encode()
    )
    _, rows, excluded = render(table, "gtd")
    assert rows == [] and all("gtd.md §1" in e.reason for e in excluded)  # only our own incidents


@pytest.mark.parametrize(
    ("start", "end", "precision", "text"),
    [
        (D(2011, 6, 28), D(2011, 7, 2), DatePrecision.WEEK, "June 28-July 2, 2011"),
        (D(2011, 12, 30), D(2012, 1, 2), DatePrecision.DAYS, "December 30, 2011-January 2, 2012"),
        (D(2011, 5, 1), D(2011, 6, 30), DatePrecision.MONTH, "May-June 2011"),
        (D(2011, 5, 17), D(2011, 5, 17), DatePrecision.APPROXIMATE, "about May 17, 2011"),
    ],
)
def test_approxdate_words(start: dt.date, end: dt.date, precision: DatePrecision, text: str) -> None:
    inc = incident(
        1, E.BOMBING, start, "aktobe", "uag", None, end=end, precision=precision, targets=("police",)
    )
    (row,) = rows_of(render(dataset([inc]), "gtd")[0])
    assert row["approxdate"] == text and row["extended"] == "0"


def test_export_writes_the_excluded_list(tmp_path: Path) -> None:
    export(dataset(), tmp_path, ["gtd"])
    out = list(csv.DictReader((tmp_path / "excluded" / "kzevents_gtd_excluded.csv").open(encoding="utf-8")))
    assert [r["event_id"] for r in out] == [
        "KZE-0004",
        "KZE-0006",
        "KZE-0007",
        "KZE-0008",
        "KZE-0012",
        "KZE-0013",
    ]
    assert all(r["reason"] for r in out)
    assert validate_file(tmp_path / "kzevents_gtd.csv").valid


# --- labels and validation ----------------------------------------------------------------------------

CODED = [
    *((f"attacktype{i}", "attacktype") for i in (1, 2, 3)),
    *((f"targtype{i}", "targtype") for i in (1, 2, 3)),
    *((f"targsubtype{i}", "targsubtype") for i in (1, 2, 3)),
    *((f"weaptype{i}", "weaptype") for i in (1, 2, 3, 4)),
    *((f"weapsubtype{i}", "weapsubtype") for i in (1, 2, 3, 4)),
    ("claimmode", "claimmode"),
    ("alternative", "alternative"),
    ("region", "region"),
    ("propextent", "propextent"),
]


def test_every_txt_is_the_label_of_its_code(
    exported: tuple[str, list[dict[str, str]], dict[str, str]], labels: dict[str, dict[int, str]]
) -> None:
    for row in exported[1]:
        for column, table in CODED:
            if row[column]:
                assert row[f"{column}_txt"] == labels[table][int(row[column])], (column, row[column])
            else:
                assert row[f"{column}_txt"] == ""
        for i in (1, 2, 3):
            if row[f"natlty{i}"]:
                assert (row[f"natlty{i}"], row[f"natlty{i}_txt"]) == ("103", "Kazakhstan")
        for i in (1, 2, 3, 4):
            if row[f"weapsubtype{i}"]:
                assert labels["weapsubtype_parent"][int(row[f"weapsubtype{i}"])] == int(row[f"weaptype{i}"])


def test_exported_file_validates(tmp_path: Path) -> None:
    path = tmp_path / "kzevents_gtd.csv"
    result = to_gtd(dataset(), path)
    assert result.rows == 7 and len(result.excluded) == 6
    report = validate_file(path)
    assert report.valid, report
    assert report.format == "gtd" and report.rows == 7


def _check(rows: list[dict[str, str]]) -> Report:
    report = Report(file="x.csv", format="gtd")
    table = pa.table({c: pa.array([r[c] for r in rows], pa.string()) for c in GTD_HEADER})
    validate_table(table, "gtd", report)
    return report


def test_export_agrees_with_jsonschema(exported: tuple[str, list[dict[str, str]], dict[str, str]]) -> None:
    rows = exported[1]
    assert reference_problems(rows, "gtd") == set()
    assert _check(rows).valid


# (changes to the first row: KZE-0001, the Aktobe suicide bombing; the rule that must catch it)
CORRUPTIONS: list[tuple[dict[str, str], str, str]] = [
    ({"attacktype1": "10"}, "attacktype1", "schema:enum"),  # no such code (§8)
    ({"attacktype1_txt": "Bombing"}, "attacktype1_txt", "schema:enum"),  # no such label
    ({"attacktype1_txt": "Armed Assault"}, "attacktype1_txt", "gtd-txt"),  # a label, not code 3's
    ({"weaptype1_txt": "Vehicle"}, "weaptype1_txt", "schema:enum"),  # §10: not the official label
    (
        {"weapsubtype1": "2", "weapsubtype1_txt": "Automatic or Semi-Automatic Rifle"},
        "weapsubtype1",
        "gtd-weapsubtype",
    ),
    ({"region": "8", "region_txt": "Western Europe"}, "region", "gtd-region"),  # Kazakhstan is region 7
    ({"country_txt": "Kyrgyzstan"}, "country_txt", "gtd-txt"),  # 103 is Kazakhstan, 107 Kyrgyzstan
    ({"natlty1_txt": ""}, "natlty1_txt", "gtd-txt-blank"),
    ({"country": ""}, "country", "schema:required"),
    ({"gname": ""}, "gname", "schema:required"),
    ({"success": "-9"}, "success", "schema:enum"),  # -9 only where GTD uses it (§5)
    ({"crit1": "-9"}, "crit1", "schema:enum"),
    ({"nkill": "-9"}, "nkill", "schema:minimum"),  # unknown deaths are blank, not -9 (§5)
    ({"nperps": "unknown"}, "nperps", "schema:pattern"),  # -99 or "Unknown" (§5)
    ({"doubtterr": "2"}, "doubtterr", "schema:enum"),
    ({"specificity": "6"}, "specificity", "schema:enum"),
    ({"INT_ANY": "2"}, "INT_ANY", "schema:enum"),
    ({"latitude": "123"}, "latitude", "schema:maximum"),
    ({"imonth": "2", "iday": "30"}, "iday", "gtd-date"),  # 2011-02-30
    ({"imonth": "13"}, "imonth", "schema:maximum"),
    ({"eventid": "20110517901"}, "eventid", "schema:minimum"),  # 11 digits
    ({"eventid": "201105170001"}, "eventid", "gtd-eventid-range"),  # a real GTD sequence
    ({"eventid": "201105189001"}, "eventid", "gtd-eventid-date"),  # not the incident's date
    ({"crit2": "0", "crit3": "0"}, "crit1", "gtd-criteria"),  # fewer than two criteria
    ({"alternative": "2", "alternative_txt": "Other Crime Type"}, "alternative", "gtd-alternative"),
    ({"resolution": "2011-05-18"}, "resolution", "gtd-resolution"),  # extended is 0
    ({"extended": "1"}, "resolution", "gtd-extended"),  # extended without its end date
    ({"summary": "17/5/2011: A man blew himself up."}, "summary", "gtd-summary"),
    ({"nkillter": "5"}, "nkillter", "gtd-casualties"),
    ({"multiple": "1"}, "multiple", "gtd-multiple"),
    ({"specificity": "5"}, "latitude", "gtd-specificity"),
    ({"approxdate": "", "iday": "0"}, "approxdate", "gtd-approxdate"),
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
    report = _check(rows)
    assert not report.valid
    assert any(p.row == first and p.column == column and p.code == code for p in report.problems), str(report)
    ours = {(p.row, p.column) for p in report.problems if p.code.startswith("schema:")}
    assert ours == reference_problems(rows, "gtd")


def test_real_gtd_conventions_are_not_kzevents_rules(
    exported: tuple[str, list[dict[str, str]], dict[str, str]],
) -> None:
    """A row from another GTD source may number its day from 0001 and keep an eventid whose date was later
    corrected (§4); blanks where GTD leaves cells blank are valid (§5)."""
    row = dict(by_incident(exported[1])["KZE-0001"])
    row.update(
        {
            "dbsource": "START Primary Collection",
            "eventid": "201105160001",
            "summary": "",
            "nperps": "Unknown",
            "nkill": "",
            "nkillter": "",
            "specificity": "5",
            "latitude": "",
            "longitude": "",
            "doubtterr": "-9",
            "claimed": "-9",
            "propextent": "1",
            "propextent_txt": "Catastrophic (likely > $1 billion)",
            "property": "1",
        }
    )
    report = _check([row])
    assert report.valid, str(report)
    assert reference_problems([row], "gtd") == set()


# --- encodings ----------------------------------------------------------------------------------------


def test_latin1_output_decodes_and_round_trips(tmp_path: Path) -> None:
    quoted = incident(
        1,
        E.BOMBING,
        D(2011, 10, 31),
        "atyrau",
        "jak",
        "gov",
        weapons=("explosives",),
        targets=("government",),
        summary="Jund al-Khilafah’s communiqué called the blasts a “warning” – no one was hurt.",
    )
    utf8, latin1 = tmp_path / "utf8.csv", tmp_path / "latin1.csv"
    to_gtd(dataset([quoted]), utf8)
    to_gtd(dataset([quoted]), latin1, encoding="latin-1")
    raw = latin1.read_bytes()
    assert b"communiqu\xe9" in raw  # gtd.md §2: é is byte 0xE9 in GTD's own file
    assert raw.decode("latin-1") == utf8.read_bytes().decode("utf-8")
    (row,) = rows_of(raw.decode("latin-1"))
    # typographic quotes and dashes, which Latin-1 cannot hold, are written as ASCII
    assert row["summary"] == (
        '10/31/2011: Jund al-Khilafah\'s communiqué called the blasts a "warning" - no one was hurt.'
    )
    assert validate_file(latin1).valid


def test_text_latin1_cannot_hold_is_a_clear_error(tmp_path: Path) -> None:
    cyrillic = incident(1, E.BOMBING, D(2011, 10, 31), "atyrau", "jak", None, summary="Взрыв в Атырау.")
    to_gtd(dataset([cyrillic]), tmp_path / "utf8.csv")  # UTF-8 holds it
    with pytest.raises(DataError, match="latin-1"):
        to_gtd(dataset([cyrillic]), tmp_path / "latin1.csv", encoding="latin-1")
    assert not (tmp_path / "latin1.csv").exists()  # nothing half-written


# --- the MINI fixture and the curated dataset -----------------------------------------------------------


def test_mini_fixture_exports() -> None:
    text, _, excluded = render(load_dataset(MINI), "gtd")
    (row,) = rows_of(text)
    assert row["eventid"] == "201105179001" and excluded == ()
    assert row["nkill"] == row["nkillter"] == "1"


def _curated() -> Dataset:
    import kzevents

    try:
        ds = kzevents.load()
    except DataError as exc:  # the curated files are being written
        pytest.skip(f"the curated dataset does not load yet: {str(exc).splitlines()[0]}")
    if len(ds) == 0:
        pytest.skip("the curated dataset has no incidents yet")
    return ds


def test_curated_dataset_exports_valid_gtd(tmp_path: Path) -> None:
    ds = _curated()
    result = to_gtd(ds, tmp_path / "kzevents_gtd.csv")
    rows = rows_of((tmp_path / "kzevents_gtd.csv").read_text(encoding="utf-8"))
    assert reference_problems(rows, "gtd") == set()
    assert validate_file(tmp_path / "kzevents_gtd.csv").valid
    assert len({r["eventid"] for r in rows}) == len(rows)
    parts = sum(max(len(inc.facts.parts), 1) for inc in ds if inc.facts.parts) - sum(
        1 for inc in ds if inc.facts.parts
    )
    assert result.rows + len(result.excluded) == len(ds) + parts  # a series is one row per part
    left_out = {e.event_id for e in result.excluded}
    for inc in ds:
        if inc.event_type in (E.SECURITY_OPERATION, E.ARREST, E.WEAPONS_SEIZURE, E.PROTEST):
            assert inc.id in left_out, inc.id
        stage = inc.facts.explosion.stage if inc.facts.explosion else None
        if inc.event_type is E.PREMATURE_EXPLOSION:  # out the door (§6) only on the way or at the target
            assert (inc.id in left_out) == (stage not in ("deploying", "at_target")), inc.id
    groups = {r["gname"] for r in rows}
    assert "Jund al-Khilafah" not in groups  # always GTD's spelling
    for r in rows:
        if r["related"]:
            assert r["multiple"] == "1"
            assert set(r["related"].split(", ")) <= {x["eventid"] for x in rows}
