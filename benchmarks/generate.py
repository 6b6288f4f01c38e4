"""Write realistic synthetic ACLED files of N rows (no download needed).

Value distributions follow the real files in ../shared/external/acled: event types in ACLED's proportions,
actor names, notes of 150-400 characters with commas and quotes, coordinates with 4 decimals, ISO dates.
Layouts: current (text or numeric actor types), pre2023 (dates as "21 March 2020"), monadic ("5-Aug-24").

    python benchmarks/generate.py --rows 1000000 --layout current out.csv
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

import numpy as np
import pyarrow as pa
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
    ("Nigeria", 566, "Western Africa", "NIG"),
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


def table(rows: int, seed: int = 1, numeric: bool = False) -> pa.Table:
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
        "event_id_cnty": [f"{COUNTRIES[int(c)][3]}{i + 1}" for i, c in enumerate(country)],
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


def write(path: Path, rows: int, layout: str = "current", chunk: int = 200_000) -> None:
    opts = pacsv.WriteOptions(include_header=True, quoting_style="needed")
    with pacsv.CSVWriter(str(path), table(1, numeric=layout == "numeric").schema, write_options=opts) as w:
        done = 0
        while done < rows:
            n = min(chunk, rows - done)
            t = table(n, seed=done + 1, numeric=layout == "numeric")
            ids = pa.array([f"SYN{done + i + 1}" for i in range(n)], pa.string())
            t = t.set_column(0, "event_id_cnty", ids)
            w.write_table(t)
            done += n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out")
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--layout", choices=["current", "numeric"], default="current")
    args = ap.parse_args()
    write(Path(args.out), args.rows, args.layout)


if __name__ == "__main__":
    main()
