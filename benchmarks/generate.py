"""Write realistic synthetic files of N rows in every layout kzevents reads (no download needed).

Value distributions follow the real files in ../shared/external and the codebooks in ../shared/reference:
- ACLED (current, numeric, pre2023, 2016, monadic): event types in ACLED's proportions, actor names, notes of
  20-60 words with commas and quotes, coordinates with 4 decimals, empty cells unquoted; pre2023 quotes every
  field and writes "21 March 2020", monadic writes "5-Aug-24" and one row per actor (about 1.4 rows per
  event), 2016 has the index column, ally_actor_*, gwno and the older event types.
- GTD (gtd, gtd-latin1): the 135 columns, codes with their labels from kzevents' GTD crosswalk, weapon
  subtypes under their types, month or day 0 with approxdate, resolution only for extended incidents,
  -9/-99 and blanks where the codebook has them, eventids yyyymmdd+nnnn in date order, accented place names.
- GED (ged, ged-plain, ged-headerless): the 49 columns, dyads of the GED 23.1 sample in their proportions,
  deaths adding up to best, low <= best <= high, PRIO-GRID cells, number_of_sources -1 in a tenth of rows.

    python benchmarks/generate.py --rows 1000000 --layout current out.csv
    python benchmarks/generate.py --rows 210000 --layout gtd-latin1 gtd.csv
    python benchmarks/generate.py --rows 400000 --layout ged ged.csv
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

TYPES = [  # (event_type, sub_event_type, disorder_type, weight, inter1, inter2)
    ("Protests", "Peaceful protest", "Demonstrations", 0.33, 6, 0),
    ("Battles", "Armed clash", "Political violence", 0.17, 1, 2),
    ("Violence against civilians", "Attack", "Political violence", 0.14, 3, 7),
    ("Explosions/Remote violence", "Shelling/artillery/missile attack", "Political violence", 0.10, 1, 2),
    ("Explosions/Remote violence", "Air/drone strike", "Political violence", 0.05, 8, 2),
    ("Riots", "Mob violence", "Political violence", 0.07, 5, 7),
    ("Riots", "Violent demonstration", "Demonstrations", 0.04, 5, 0),
    ("Strategic developments", "Arrests", "Strategic developments", 0.04, 1, 7),
    ("Protests", "Protest with intervention", "Demonstrations", 0.03, 6, 1),
    ("Explosions/Remote violence", "Remote explosive/landmine/IED", "Political violence", 0.02, 2, 1),
    ("Explosions/Remote violence", "Suicide bomb", "Political violence", 0.005, 2, 1),
    ("Strategic developments", "Disrupted weapons use", "Strategic developments", 0.005, 1, 0),
]
LABELS = [
    "",
    "State forces",
    "Rebel group",
    "Political militia",
    "Identity militia",
    "Rioters",
    "Protesters",
    "Civilians",
    "External/Other forces",
]
COUNTRIES = [
    ("Ukraine", 804, "Europe", "UKR"),
    ("India", 356, "South Asia", "IND"),
    ("Syria", 760, "Middle East", "SYR"),
    ("Mexico", 484, "North America", "MEX"),
    ("Somalia", 706, "Eastern Africa", "SOM"),
    ("Kazakhstan", 398, "Caucasus and Central Asia", "KAZ"),
    ("Brazil", 76, "South America", "BRA"),
    ("Nigeria", 566, "Western Africa", "NGA"),
]
ACTORS = {
    1: "Military Forces of {c} (2019-)",
    2: "Rebel Group of {c}",
    3: "Unidentified Armed Group ({c})",
    5: "Rioters ({c})",
    6: "Protesters ({c})",
    7: "Civilians ({c})",
    8: "Military Forces of Russia (2000-)",
}
WORDS = (
    "the attack a group of armed men clashed with police forces in the district, killing several people "
    'and injuring others; the army said it responded to "provocations" near the border village'
).split()


def interaction_text(a: int, b: int) -> str:
    if not b:
        return f"{LABELS[a]} only"
    lo, hi = sorted((a, b))
    if (lo, hi) == (7, 8):
        return "External/Other forces-Civilians"
    return f"{LABELS[lo]}-{LABELS[hi]}"


def table(rows: int, seed: int = 1, numeric: bool = False, first_id: int = 1) -> pa.Table:
    """ACLED events in the current layout (text or numeric actor types), ids SYN<first_id>..."""
    rng = np.random.default_rng(seed)
    w = np.array([t[3] for t in TYPES])
    kind = rng.choice(len(TYPES), size=rows, p=w / w.sum())
    country = rng.choice(len(COUNTRIES), size=rows)
    start = dt.date(2018, 1, 1).toordinal()
    days = rng.integers(0, 2500, size=rows)
    dates = np.array([dt.date.fromordinal(start + int(d)).isoformat() for d in range(2500)])[days]
    c_names = np.array([c[0] for c in COUNTRIES])[country]
    inter1 = np.array([t[4] for t in TYPES])[kind]
    inter2 = np.array([t[5] for t in TYPES])[kind]
    actor_tbl = {
        (k, ci): ACTORS.get(k, "X").format(c=c[0]) for k in range(9) for ci, c in enumerate(COUNTRIES)
    }
    actor1 = [actor_tbl[(int(a), int(ci))] for a, ci in zip(inter1, country, strict=True)]
    actor2 = [actor_tbl[(int(b), int(ci))] if b else "" for b, ci in zip(inter2, country, strict=True)]
    lens = rng.integers(20, 60, size=rows)
    vocab = np.array(WORDS)
    notes_pool = [" ".join(vocab[rng.integers(0, len(vocab), size=n)]) for n in range(20, 60)]
    notes = [f"On {d}, {notes_pool[int(n) - 20]}." for d, n in zip(dates, lens, strict=True)]
    fat = np.where(rng.random(rows) < 0.7, 0, rng.geometric(0.3, size=rows))
    lat = np.round(rng.uniform(-35, 60, size=rows), 4)
    lon = np.round(rng.uniform(-100, 120, size=rows), 4)

    def fmt4(a: np.ndarray) -> list[str]:
        return [f"{x:.4f}" for x in a]

    def lab(codes: np.ndarray) -> list[str]:
        return [str(int(c)) if numeric else LABELS[int(c)] for c in codes]

    inter_codes = [10 * min(a, b) + max(a, b) if b else 10 * a for a, b in zip(inter1, inter2, strict=True)]
    cols = {
        "event_id_cnty": [f"SYN{first_id + i}" for i in range(rows)],
        "event_date": dates.tolist(),
        "year": [d[:4] for d in dates],
        "time_precision": rng.choice(["1", "2", "3"], size=rows, p=[0.9, 0.08, 0.02]).tolist(),
        "disorder_type": [TYPES[int(k)][2] for k in kind],
        "event_type": [TYPES[int(k)][0] for k in kind],
        "sub_event_type": [TYPES[int(k)][1] for k in kind],
        "actor1": actor1,
        "assoc_actor_1": np.where(
            rng.random(rows) < 0.2, "Labour Group (International); Women (International)", ""
        ).tolist(),
        "inter1": lab(inter1),
        "actor2": actor2,
        "assoc_actor_2": [""] * rows,
        "inter2": [
            ("0" if numeric else "") if not b else (str(int(b)) if numeric else LABELS[int(b)])
            for b in inter2
        ],
        "interaction": [
            str(c) if numeric else interaction_text(int(a), int(b))
            for c, a, b in zip(inter_codes, inter1, inter2, strict=True)
        ],
        "civilian_targeting": np.where(inter2 == 7, "Civilian targeting", "").tolist(),
        "iso": [str(COUNTRIES[int(c)][1]) for c in country],
        "region": [COUNTRIES[int(c)][2] for c in country],
        "country": c_names.tolist(),
        "admin1": rng.choice(["North", "South", "East", "West", "Central"], size=rows).tolist(),
        "admin2": rng.choice(["District A", "District B", "Town, Outskirts"], size=rows).tolist(),
        "admin3": [""] * rows,
        "location": rng.choice(["Springfield", "Riverside", "Hill Town", "Port"], size=rows).tolist(),
        "latitude": fmt4(lat),
        "longitude": fmt4(lon),
        "geo_precision": rng.choice(["1", "2", "3"], size=rows, p=[0.7, 0.25, 0.05]).tolist(),
        "source": rng.choice(["Reuters", "Xinhua; Khaama Press", "Local media; Twitter"], size=rows).tolist(),
        "source_scale": rng.choice(["National", "International", "Subnational-National"], size=rows).tolist(),
        "notes": notes,
        "fatalities": [str(int(f)) for f in fat],
        "tags": np.where(rng.random(rows) < 0.3, "crowd size=no report", "").tolist(),
        "timestamp": [str(1700000000 + int(d)) for d in days],
    }
    return pa.table({k: pa.array(v, pa.string()) for k, v in cols.items()})


# --- the older ACLED layouts, derived from the same events ------------------------------------------------

GWNO = {
    "Ukraine": 369,
    "India": 750,
    "Syria": 652,
    "Mexico": 70,
    "Somalia": 520,
    "Kazakhstan": 705,
    "Brazil": 140,
    "Nigeria": 475,
}  # Gleditsch-Ward codes (the 2016 layout's gwno)
OLD_TYPES = {  # 2016-era event types (acled.md §1.3)
    "Battles": "Battle-No change of territory",
    "Violence against civilians": "Violence against civilians",
    "Explosions/Remote violence": "Remote violence",
    "Protests": "Riots/Protests",
    "Riots": "Riots/Protests",
    "Strategic developments": "Strategic development",
}


def _col(t: pa.Table, name: str) -> list[str]:
    return t.column(name).to_pylist()


def _dates(t: pa.Table, fmt: str) -> list[str]:
    iso = _col(t, "event_date")
    distinct = {d: dt.date.fromisoformat(d) for d in set(iso)}
    if fmt == "pre2023":  # "21 March 2020", day zero-padded as in the 2020 export-tool file
        out = {d: f"{v.day:02d} {v.strftime('%B')} {v.year}" for d, v in distinct.items()}
    else:  # spreadsheet-mangled "5-Aug-24"
        out = {d: f"{v.day}-{v.strftime('%b')}-{v.strftime('%y')}" for d, v in distinct.items()}
    return [out[d] for d in iso]


def pre2023(t: pa.Table, rng: np.random.Generator) -> pa.Table:
    """Pre-2023 export-tool layout: data_id, event_id_no_cnty, iso3, numeric actor types, dates as
    "21 March 2020", no disorder_type / civilian_targeting / tags."""
    alpha3 = {str(c[1]): c[3] for c in COUNTRIES}
    ids = _col(t, "event_id_cnty")
    cols = {name: t.column(name) for name in t.column_names}
    cols["data_id"] = pa.array([str(6_000_000 + i) for i in rng.permutation(t.num_rows)], pa.string())
    cols["event_id_no_cnty"] = pa.array([i[3:] for i in ids], pa.string())
    cols["event_date"] = pa.array(_dates(t, "pre2023"), pa.string())
    cols["iso3"] = pa.array([alpha3[i] for i in _col(t, "iso")], pa.string())
    from kzevents.formats.acled.layouts import ACLED_PRE2023

    return pa.table({name: cols[name] for name in ACLED_PRE2023})


def layout2016(t: pa.Table, rng: np.random.Generator, first_id: int) -> pa.Table:
    """2016-era layout: columns in alphabetical order after an unnamed index column, ally_actor_*, gwno,
    older event types, numeric actor types, ids like 8188RTA."""
    from kzevents.formats.acled.layouts import ACLED_2016

    cols = {name: t.column(name) for name in t.column_names}
    cols["ally_actor_1"], cols["ally_actor_2"] = cols["assoc_actor_1"], cols["assoc_actor_2"]
    cols["gwno"] = pa.array([str(GWNO[c]) for c in _col(t, "country")], pa.string())
    cols["event_type"] = pa.array([OLD_TYPES[e] for e in _col(t, "event_type")], pa.string())
    cols["event_id_cnty"] = pa.array([f"{first_id + i}RTA" for i in range(t.num_rows)], pa.string())
    cols["event_id_no_cnty"] = pa.array([str(first_id + i) for i in range(t.num_rows)], pa.string())
    cols["data_id"] = pa.array([str(first_id + i) for i in rng.permutation(t.num_rows)], pa.string())
    out = {"": pa.array([str(first_id - 1 + i) for i in range(t.num_rows)], pa.string())}
    out.update({name: cols[name] for name in ACLED_2016})
    return pa.table(out)


def monadic(t: pa.Table) -> pa.Table:
    """Monadic layout: one row per actor (an event with two actors has two rows with the same
    event_id_cnty, the second with actor 2 in the actor1 columns), dates as "5-Aug-24"."""
    from kzevents.formats.acled.layouts import ACLED_MONADIC

    t = t.set_column(t.schema.get_field_index("event_date"), "event_date", pa.array(_dates(t, "monadic")))
    second = pc.indices_nonzero(pc.not_equal(t.column("actor2"), ""))
    two = t.take(second)
    for a, b in (("actor1", "actor2"), ("assoc_actor_1", "assoc_actor_2"), ("inter1", "inter2")):
        two = two.set_column(two.schema.get_field_index(a), a, two.column(b))
    rows = pa.concat_tables(
        [
            t.append_column("_order", pa.array(np.arange(t.num_rows) * 2)),
            two.append_column("_order", pa.array(second.to_numpy().astype(np.int64) * 2 + 1)),
        ]
    )
    rows = rows.take(pc.sort_indices(rows.column("_order")))
    return rows.select(ACLED_MONADIC)


# --- GTD: the 135 columns, codes and labels from kzevents' GTD crosswalk (gtd.md) --------------------------

GTD_COUNTRIES = [  # (code, label, region, provstate, city, lat, lon): codes from gtd.md §7
    (102, "Jordan", 10, "Amman", "Amman", 31.9539, 35.9106),
    (103, "Kazakhstan", 7, "Aktobe", "Aktobe", 50.2797, 57.2072),
    (104, "Kenya", 11, "Nairobi", "Nairobi", -1.2833, 36.8167),
    (106, "Kuwait", 10, "Al Asimah", "Kuwait City", 29.3697, 47.9783),
    (107, "Kyrgyzstan", 7, "Osh", "Osh", 40.5283, 72.7985),
]
GTD_GROUPS = [
    "Unknown",
    "Al-Shabaab",
    "Jund al-Khilafa",
    "Islamic State of Iraq and the Levant (ISIL)",
    "Individual",
    "Gunmen",
    "Muslim extremists",
]
GTD_YEARS = (1970, 2020)  # first year, year after the last


def gtd_table(rows: int, seed: int, day_range: tuple[int, int]) -> pa.Table:
    """GTD rows whose dates fall in ``day_range`` (ordinals), sorted by eventid like GTD's own file; the
    values keep GTD's rules (labels match codes, weapon subtypes their types, blanks and -9/-99 where the
    codebook has them, approxdate with month or day 0, resolution only when extended)."""
    from kzevents.formats import crosswalk
    from kzevents.formats.gtd.fields import MONTHS

    cw = crosswalk.get("gtd")
    m = cw.maps
    rng = np.random.default_rng(seed)
    day = np.sort(rng.integers(day_range[0], day_range[1], size=rows))
    ymd = [dt.date.fromordinal(int(d)) for d in day]
    y = np.array([d.year for d in ymd])
    mo = np.array([d.month for d in ymd])
    da = np.array([d.day for d in ymd])
    no_day = rng.random(rows) < 0.01
    no_month = rng.random(rows) < 0.002
    da = np.where(no_day | no_month, 0, da)
    mo = np.where(no_month, 0, mo)
    key = y * 10000 + mo * 100 + da
    order = np.argsort(key, kind="stable")
    sk = key[order]
    starts = np.r_[0, np.flatnonzero(np.diff(sk)) + 1]
    seq_sorted = np.arange(rows) - np.repeat(starts, np.diff(np.r_[starts, rows]))
    seq = np.empty(rows, np.int64)
    seq[order] = seq_sorted + 1
    eventid = key * 10000 + seq
    order = np.argsort(eventid)
    y, mo, da, eventid, day = y[order], mo[order], da[order], eventid[order], day[order]
    approx = [
        "" if (mm and dd) else (f"{MONTHS[mm - 1]} {yy}" if mm else str(yy))
        for yy, mm, dd in zip(y, mo, da, strict=True)
    ]
    extended = rng.random(rows) < 0.04
    resolution = [
        (dt.date.fromordinal(int(d) + 3).isoformat() if e else "") for d, e in zip(day, extended, strict=True)
    ]
    country = rng.choice(len(GTD_COUNTRIES), size=rows)
    cinfo = [GTD_COUNTRIES[int(c)] for c in country]
    spec = rng.choice([1, 2, 3, 4, 5], size=rows, p=[0.65, 0.15, 0.1, 0.08, 0.02])
    lat = [("" if s == 5 else f"{c[5] + rng.normal(0, 0.3):.6f}") for s, c in zip(spec, cinfo, strict=True)]
    lon = [("" if s == 5 else f"{c[6] + rng.normal(0, 0.3):.6f}") for s, c in zip(spec, cinfo, strict=True)]

    def coded(table: dict[str, Any], n: int, p: np.ndarray | None = None) -> tuple[list[str], list[str]]:
        keys = list(table)
        pick = rng.choice(len(keys), size=n, p=p)
        return [keys[i] for i in pick], [str(table[keys[i]]) for i in pick]

    attack, attack_txt = coded(m["attacktype"], rows)
    targ, targ_txt = coded(m["targtype"], rows)
    targsub, targsub_txt = coded(m["targsubtype"], rows)
    subs = list(m["weapsubtype"])
    wsub = [subs[i] for i in rng.choice(len(subs), size=rows)]
    wtype = [str(m["weapsubtype"][s]["weaptype"]) for s in wsub]
    doubt = rng.choice(["0", "1", "-9"], size=rows, p=[0.75, 0.2, 0.05])
    alt, alt_txt = coded(m["alternative"], rows)
    alt = [a if d == "1" else "" for a, d in zip(alt, doubt, strict=True)]
    alt_txt = [a if d == "1" else "" for a, d in zip(alt_txt, doubt, strict=True)]
    claimed = rng.choice(["0", "1", "-9"], size=rows, p=[0.8, 0.1, 0.1])
    cmode, cmode_txt = coded(m["claimmode"], rows)
    cmode = [c if k == "1" else "" for c, k in zip(cmode, claimed, strict=True)]
    cmode_txt = [c if k == "1" else "" for c, k in zip(cmode_txt, claimed, strict=True)]
    prop = rng.choice(["0", "1", "-9"], size=rows, p=[0.5, 0.4, 0.1])
    pext, pext_txt = coded(m["propextent"], rows)
    pext = [c if k == "1" else "" for c, k in zip(pext, prop, strict=True)]
    pext_txt = [c if k == "1" else "" for c, k in zip(pext_txt, prop, strict=True)]
    nkill = np.where(rng.random(rows) < 0.06, -1, rng.geometric(0.4, size=rows) - 1)
    nwound = np.where(rng.random(rows) < 0.08, -1, rng.geometric(0.3, size=rows) - 1)

    def num(a: np.ndarray) -> list[str]:
        return ["" if v < 0 else str(int(v)) for v in a]

    words = np.array(WORDS)
    summary = [
        (
            f"{mm:02d}/{dd:02d}/{yy}: " + " ".join(words[rng.integers(0, len(words), size=25)]) + "."
            if yy >= 1998 and mm and dd
            else ""
        )
        for yy, mm, dd in zip(y, mo, da, strict=True)
    ]
    country_codes = [str(c[0]) for c in cinfo]
    cols: dict[str, Any] = {
        "eventid": [str(e) for e in eventid],
        "iyear": [str(v) for v in y],
        "imonth": [str(v) for v in mo],
        "iday": [str(v) for v in da],
        "approxdate": approx,
        "extended": ["1" if e else "0" for e in extended],
        "resolution": resolution,
        "country": country_codes,
        "country_txt": [c[1] for c in cinfo],
        "region": [str(c[2]) for c in cinfo],
        "region_txt": [str(m["region"][str(c[2])]) for c in cinfo],
        "provstate": [c[3] for c in cinfo],
        "city": rng.choice(
            [
                "Unknown",
                "Almaty",
                "Kyzylorda",
                "Bishkek",
                "Jalal-Abad",
                "Mombasa",
                "Zarqa",
                "Irbid",
                "Garissa",
                "Ahmadi",
                "Kitui",
                "Ma'an",
                "Öskemen",
            ],
            size=rows,
        ).tolist(),
        "latitude": lat,
        "longitude": lon,
        "specificity": [str(s) for s in spec],
        "vicinity": rng.choice(["0", "1", "-9"], size=rows, p=[0.9, 0.08, 0.02]).tolist(),
        "location": np.where(
            rng.random(rows) < 0.1, "The attack took place near the market, café and bus stop.", ""
        ).tolist(),
        "summary": summary,
        "crit1": ["1"] * rows,
        "crit2": ["1"] * rows,
        "crit3": rng.choice(["0", "1"], size=rows, p=[0.1, 0.9]).tolist(),
        "doubtterr": doubt.tolist(),
        "alternative": alt,
        "alternative_txt": alt_txt,
        "multiple": ["0"] * rows,
        "success": rng.choice(["0", "1"], size=rows, p=[0.1, 0.9]).tolist(),
        "suicide": rng.choice(["0", "1"], size=rows, p=[0.96, 0.04]).tolist(),
        "attacktype1": attack,
        "attacktype1_txt": attack_txt,
        "targtype1": targ,
        "targtype1_txt": targ_txt,
        "targsubtype1": targsub,
        "targsubtype1_txt": targsub_txt,
        "corp1": rng.choice(
            ["Not Applicable", "Unknown", "Ministry of Internal Affairs", "Société Générale"], size=rows
        ).tolist(),
        "target1": rng.choice(["Civilians", "Police station", 'Patrol, "Border" unit'], size=rows).tolist(),
        "natlty1": country_codes,
        "natlty1_txt": [c[1] for c in cinfo],
        "gname": rng.choice(GTD_GROUPS, size=rows).tolist(),
        "guncertain1": rng.choice(["0", "1"], size=rows, p=[0.9, 0.1]).tolist(),
        "individual": ["0"] * rows,
        "nperps": np.where(
            rng.random(rows) < 0.6, "-99", rng.integers(1, 12, size=rows).astype(str)
        ).tolist(),
        "nperpcap": np.where(rng.random(rows) < 0.6, "-99", "0").tolist(),
        "claimed": claimed.tolist(),
        "claimmode": cmode,
        "claimmode_txt": cmode_txt,
        "weaptype1": wtype,
        "weaptype1_txt": [str(m["weaptype"][w]) for w in wtype],
        "weapsubtype1": wsub,
        "weapsubtype1_txt": [str(m["weapsubtype"][s]["label"]) for s in wsub],
        "weapdetail": np.where(rng.random(rows) < 0.3, "Explosive device, 5 kg of TNT", "").tolist(),
        "nkill": num(nkill),
        "nkillus": ["0" if v >= 0 else "" for v in nkill],
        "nkillter": ["0" if v >= 0 else "" for v in nkill],
        "nwound": num(nwound),
        "nwoundus": ["0" if v >= 0 else "" for v in nwound],
        "nwoundte": ["0" if v >= 0 else "" for v in nwound],
        "property": prop.tolist(),
        "propextent": pext,
        "propextent_txt": pext_txt,
        "propvalue": ["-99" if p == "1" else "" for p in prop],
        "ishostkid": rng.choice(["0", "-9"], size=rows, p=[0.97, 0.03]).tolist(),
        "scite1": np.where(
            rng.random(rows) < 0.5, '"Attack in the city," Reuters, March 3, 2012.', ""
        ).tolist(),
        "dbsource": rng.choice(["START Primary Collection", "PGIS", "CETIS", "ISVG"], size=rows).tolist(),
        "INT_LOG": rng.choice(["-9", "0", "1"], size=rows).tolist(),
        "INT_IDEO": rng.choice(["-9", "0", "1"], size=rows).tolist(),
        "INT_MISC": rng.choice(["-9", "0", "1"], size=rows).tolist(),
        "INT_ANY": rng.choice(["-9", "0", "1"], size=rows).tolist(),
    }
    return pa.table({name: _strings(cols.get(name), rows) for name in cw.header})


# --- UCDP GED: the 49 columns (ged.md) ---------------------------------------------------------------------

GED_DYADS = [  # (weight, type_of_violence, conflict id, conflict name, dyad id, dyad name, side a id, side a,
    #  side b id, side b, country, country_id, region, gwnoa, gwnob, lat, lon): from the GED 23.1 sample
    (
        0.30,
        1,
        299,
        "Syria: Government",
        11973,
        "Government of Syria - Syrian insurgents",
        118,
        "Government of Syria",
        4456,
        "Syrian insurgents",
        "Syria",
        652,
        "Middle East",
        "652",
        "",
        35.0,
        38.0,
    ),
    (
        0.17,
        1,
        333,
        "Afghanistan: Government",
        735,
        "Government of Afghanistan - Taleban",
        130,
        "Government of Afghanistan",
        303,
        "Taleban",
        "Afghanistan",
        700,
        "Asia",
        "700",
        "",
        34.0,
        67.0,
    ),
    (
        0.05,
        1,
        354,
        "Turkey: Kurdistan",
        781,
        "Government of Turkey - PKK",
        115,
        "Government of Turkey",
        323,
        "PKK",
        "Turkey",
        640,
        "Middle East",
        "640",
        "",
        38.0,
        41.0,
    ),
    (
        0.05,
        1,
        364,
        "India: Kashmir",
        792,
        "Government of India - Kashmir insurgents",
        141,
        "Government of India",
        325,
        "Kashmir insurgents",
        "India",
        750,
        "Asia",
        "750",
        "",
        34.0,
        74.5,
    ),
    (
        0.05,
        1,
        13243,
        "Russia - Ukraine",
        14117,
        "Government of Russia (Soviet Union) - Government of Ukraine",
        57,
        "Government of Russia (Soviet Union)",
        61,
        "Government of Ukraine",
        "Ukraine",
        369,
        "Europe",
        "365",
        "369",
        48.0,
        37.5,
    ),
    (
        0.13,
        2,
        13616,
        "IS - SDF",
        14637,
        "IS - SDF",
        234,
        "IS",
        6288,
        "SDF",
        "Syria",
        652,
        "Middle East",
        "",
        "",
        36.0,
        40.0,
    ),
    (
        0.10,
        3,
        499,
        "CPI-Maoist - Civilians",
        966,
        "CPI-Maoist - Civilians",
        195,
        "CPI-Maoist",
        1,
        "Civilians",
        "India",
        750,
        "Asia",
        "",
        "",
        20.0,
        82.0,
    ),
    (
        0.15,
        3,
        514,
        "Taleban - Civilians",
        981,
        "Taleban - Civilians",
        303,
        "Taleban",
        1,
        "Civilians",
        "Afghanistan",
        700,
        "Asia",
        "",
        "",
        33.0,
        66.0,
    ),
]


def ged_table(rows: int, seed: int, first_id: int, timed: bool) -> pa.Table:
    """GED rows: deaths_a + deaths_b + deaths_civilians + deaths_unknown = best, low <= best <= high,
    PRIO-GRID cell of the coordinates, year of date_start; dates with or without GED's time part."""
    from kzevents.formats.ged.layouts import GED_COLUMNS

    rng = np.random.default_rng(seed)
    w = np.array([d[0] for d in GED_DYADS])
    pick = rng.choice(len(GED_DYADS), size=rows, p=w / w.sum())
    dyad = [GED_DYADS[int(i)] for i in pick]
    start = rng.integers(dt.date(1989, 1, 1).toordinal(), dt.date(2022, 12, 31).toordinal(), size=rows)
    length = np.where(rng.random(rows) < 0.85, 0, rng.integers(1, 7, size=rows))
    lat = np.round(np.array([d[15] for d in dyad]) + rng.normal(0, 1.0, rows), 6)
    lon = np.round(np.array([d[16] for d in dyad]) + rng.normal(0, 1.0, rows), 6)
    gid = np.floor((lat + 90) * 2).astype(np.int64) * 720 + np.floor((lon + 180) * 2).astype(np.int64) + 1
    tov = np.array([d[1] for d in dyad])
    deaths_a = np.where(tov == 3, 0, rng.geometric(0.5, rows) - 1)
    deaths_b = np.where(tov == 3, 0, rng.geometric(0.4, rows) - 1)
    civ = np.where(tov == 3, rng.geometric(0.3, rows), rng.geometric(0.8, rows) - 1)
    unknown = rng.geometric(0.7, rows) - 1
    best = deaths_a + deaths_b + civ + unknown
    low = np.maximum(best - rng.integers(0, 2, rows), 0)
    high = best + rng.geometric(0.6, rows) - 1
    suffix = " 00:00:00.000" if timed else ""
    days = {int(d): dt.date.fromordinal(int(d)).isoformat() for d in np.unique(np.r_[start, start + length])}
    d_start = [days[int(d)] for d in start]
    d_end = [days[int(d)] for d in start + length]
    sources = rng.integers(1, 4, rows)
    no_count = rng.random(rows) < 0.1
    articles = [
        ";".join(f"\"Agency {k},{s},Clashes in the '{d[7]}' area, {k} dead\"" for k in range(n))
        for n, s, d in zip(sources, d_start, dyad, strict=True)
    ]
    iso = {"Syria": "SYR", "Afghanistan": "AFG", "Turkey": "TUR", "India": "IND", "Ukraine": "UKR"}
    cols: dict[str, Any] = {
        "id": [str(first_id + i) for i in range(rows)],
        "relid": [
            f"{iso[d[10]]}-{s[:4]}-{d[1]}-{d[4]}-{first_id + i}"
            for i, (d, s) in enumerate(zip(dyad, d_start, strict=True))
        ],
        "year": [s[:4] for s in d_start],
        "active_year": rng.choice(["1", "0"], size=rows, p=[0.9, 0.1]).tolist(),
        "code_status": ["Clear"] * rows,
        "type_of_violence": [str(d[1]) for d in dyad],
        "conflict_dset_id": [str(d[2]) for d in dyad],
        "conflict_new_id": [str(d[2]) for d in dyad],
        "conflict_name": [d[3] for d in dyad],
        "dyad_dset_id": [str(d[4]) for d in dyad],
        "dyad_new_id": [str(d[4]) for d in dyad],
        "dyad_name": [d[5] for d in dyad],
        "side_a_dset_id": [str(d[6]) for d in dyad],
        "side_a_new_id": [str(d[6]) for d in dyad],
        "side_a": [d[7] for d in dyad],
        "side_b_dset_id": [str(d[8]) for d in dyad],
        "side_b_new_id": [str(d[8]) for d in dyad],
        "side_b": [d[9] for d in dyad],
        "number_of_sources": ["-1" if nc else str(n) for nc, n in zip(no_count, sources, strict=True)],
        "source_article": articles,
        "source_office": [";".join(f"Agency {k}" for k in range(n)) for n in sources],
        "source_date": [";".join([s] * n) for s, n in zip(d_start, sources, strict=True)],
        "source_headline": [";".join(["Clashes reported"] * n) for n in sources],
        "source_original": rng.choice(
            ["army statement", "SOHR; VDC", "local residents", ""], size=rows
        ).tolist(),
        "where_prec": rng.choice(
            ["1", "2", "3", "4", "5", "6", "7"], size=rows, p=[0.47, 0.23, 0.1, 0.1, 0.04, 0.05, 0.01]
        ).tolist(),
        "where_coordinates": rng.choice(
            ["Rami village", "Kabul town", "Lunda Sul province"], size=rows
        ).tolist(),
        "where_description": rng.choice(
            ["in the al-Rami village", "near the town, north of the river", ""], size=rows
        ).tolist(),
        "adm_1": rng.choice(
            ["Idlib governorate", "Kabul province", "Chhattisgarh state"], size=rows
        ).tolist(),
        "adm_2": rng.choice(["Ariha district", "", "Bijapur district"], size=rows).tolist(),
        "latitude": [f"{v:.6f}".rstrip("0").rstrip(".") for v in lat],
        "longitude": [f"{v:.6f}".rstrip("0").rstrip(".") for v in lon],
        "geom_wkt": [],
        "priogrid_gid": [str(g) for g in gid],
        "country": [d[10] for d in dyad],
        "country_id": [str(d[11]) for d in dyad],
        "region": [d[12] for d in dyad],
        "event_clarity": rng.choice(["1", "2"], size=rows, p=[0.93, 0.07]).tolist(),
        "date_prec": rng.choice(
            ["1", "2", "3", "4", "5"], size=rows, p=[0.85, 0.1, 0.01, 0.02, 0.02]
        ).tolist(),
        "date_start": [s + suffix for s in d_start],
        "date_end": [e + suffix for e in d_end],
        "deaths_a": deaths_a.astype(str).tolist(),
        "deaths_b": deaths_b.astype(str).tolist(),
        "deaths_civilians": civ.astype(str).tolist(),
        "deaths_unknown": unknown.astype(str).tolist(),
        "best": best.astype(str).tolist(),
        "high": high.astype(str).tolist(),
        "low": low.astype(str).tolist(),
        "gwnoa": [d[13] for d in dyad],
        "gwnob": [d[14] for d in dyad],
    }
    cols["geom_wkt"] = [f"POINT ({a} {b})" for a, b in zip(cols["longitude"], cols["latitude"], strict=True)]
    return pa.table({name: _strings(cols[name], rows) for name in GED_COLUMNS})


def _strings(values: list[str] | None, rows: int) -> pa.Array:
    """A string column whose empty cells are nulls: written unquoted, as the real files have them."""
    if values is None:
        return pa.nulls(rows, pa.string())
    a = pa.array(values, pa.string())
    return pc.if_else(pc.equal(a, ""), pa.scalar(None, pa.string()), a)


# --- writing ------------------------------------------------------------------------------------------------

LAYOUTS = {  # layout -> (what kzevents should detect, description)
    "current": ("acled-current", "ACLED 31 columns, text actor types, ISO dates, quoted where needed"),
    "numeric": ("acled-current", "ACLED 31 columns, numeric actor types"),
    "pre2023": ("acled-pre2023", "ACLED pre-2023 export tool: data_id/iso3, '21 March 2020', all quoted"),
    "2016": ("acled-2016", "ACLED 2016 era: index column, ally_actor_*, gwno, older event types"),
    "monadic": ("acled-monadic", "ACLED monadic: one row per actor, dates '5-Aug-24'"),
    "gtd": ("gtd", "GTD 135 columns, UTF-8"),
    "gtd-latin1": ("gtd", "GTD 135 columns, Latin-1 as GTD's own CSV"),
    "ged": ("ged", "UCDP GED 49 columns, dates with GED's time part"),
    "ged-plain": ("ged", "UCDP GED 49 columns, plain YYYY-MM-DD dates"),
    "ged-headerless": ("ged-headerless", "UCDP GED 49 columns without a header row"),
}


def chunk_table(layout: str, n: int, done: int, rows: int) -> pa.Table:
    """Rows ``done`` .. ``done + n`` of a ``rows``-row file in ``layout``."""
    seed = done + 1
    if layout.startswith("gtd"):  # whole years per chunk: eventids with month or day 0 cannot collide
        years = GTD_YEARS[1] - GTD_YEARS[0]
        lo = dt.date(GTD_YEARS[0] + years * done // rows, 1, 1).toordinal()
        hi = dt.date(GTD_YEARS[0] + years * (done + n) // rows, 1, 1).toordinal()
        return gtd_table(n, seed, (lo, hi))
    if layout.startswith("ged"):
        return ged_table(n, seed, done + 1, timed=layout != "ged-plain")
    t = table(n, seed=seed, numeric=layout in ("numeric", "pre2023", "2016"), first_id=done + 1)
    rng = np.random.default_rng(seed)
    if layout == "pre2023":
        t = pre2023(t, rng)
    elif layout == "2016":
        t = layout2016(t, rng, done + 1)
    elif layout == "monadic":
        t = monadic(t)
    return pa.table({name: _strings(t.column(name).to_pylist(), t.num_rows) for name in t.column_names})


def write(path: Path, rows: int, layout: str = "current", chunk: int = 100_000) -> None:
    """Write a ``rows``-row synthetic file in ``layout`` (monadic: ``rows`` events, more lines)."""
    if layout not in LAYOUTS:
        raise SystemExit(f"unknown layout {layout!r}; known: {', '.join(LAYOUTS)}")
    if layout.startswith("gtd"):  # at most one chunk per year
        chunk = max(chunk, -(-rows // (GTD_YEARS[1] - GTD_YEARS[0])))
    encoding = "latin-1" if layout == "gtd-latin1" else "utf-8"
    from kzevents.io.atomic import atomic_open  # (kzevents' one writer: no truncated file if interrupted)

    with atomic_open(path) as out:
        done = 0
        while done < rows or done == 0:
            n = min(chunk, rows - done)
            t = chunk_table(layout, n, done, rows)
            header = done == 0 and layout != "ged-headerless"
            if layout == "pre2023":  # the export tool quoted every field
                buf = io.BytesIO()
                opts = pacsv.WriteOptions(include_header=header, quoting_style="all_valid")
                pacsv.write_csv(t, buf, write_options=opts)
                data = buf.getvalue()
                if header:  # pyarrow quotes every name; the real files quote none
                    head, _, body = data.partition(b"\n")
                    data = head.replace(b'"', b"") + b"\n" + body
            else:  # quotes only where a cell needs them, as the real files (pyarrow's "needed" quotes
                # every string)
                text = io.StringIO()
                writer = csv.writer(text, lineterminator="\n")
                if header:
                    writer.writerow(t.column_names)
                writer.writerows(zip(*(t.column(c).to_pylist() for c in t.column_names), strict=True))
                data = text.getvalue().encode("utf-8")
            if encoding != "utf-8":
                data = data.decode("utf-8").encode(encoding)
            out.write(data)
            done += n
            if rows == 0:
                break


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out")
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--layout", choices=list(LAYOUTS), default="current")
    args = ap.parse_args()
    write(Path(args.out), args.rows, args.layout)


if __name__ == "__main__":
    main()
