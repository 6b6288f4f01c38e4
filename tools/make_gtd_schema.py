"""Generate schemas/gtd.schema.json from the crosswalk exporters/gtd.toml (column order, code tables).

Run once when the tables change; the schema is committed and reviewed like any other file. The schema
describes any row of a GTD file, real GTD rows included (any country code, blanks where GTD leaves cells
blank), with the code tables as enums; kzevents' own stricter conventions are cross-field rules
(kzevents.derive_gtd), checked on rows whose dbsource is "kzevents".

Facts: ../shared/reference/gtd.md (§3 columns, §4 dates, §5 missing values, §6-12 codes).
"""

from __future__ import annotations

import json
import runpy
import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
# each column's meaning (the description the codebook and datapackage.json print)
DESC = runpy.run_path(str(Path(__file__).with_name("column_descriptions.py")))


def opt(s: dict[str, Any]) -> dict[str, Any]:
    """Allow an empty cell (null)."""
    return {"anyOf": [s, {"type": "null"}]}


def build() -> dict[str, Any]:
    cw = tomllib.loads((ROOT / "exporters" / "gtd.toml").read_text(encoding="utf-8"))
    maps = cw["maps"]
    columns = [c["name"] for c in cw["columns"]]

    def codes(table: str, nullable: bool) -> dict[str, Any]:
        values: list[Any] = sorted(int(k) for k in maps[table])
        return {"enum": values + ([None] if nullable else [])}

    def labels(table: str, nullable: bool, key: str | None = None) -> dict[str, Any]:
        values: list[Any] = []
        for code in sorted(maps[table], key=int):
            entry = maps[table][code]
            values.append(entry[key] if key else entry)
            values += maps.get("txt_variants", {}).get(table, {}).get(code, [])
        return {"enum": list(dict.fromkeys(values)) + ([None] if nullable else [])}

    text = {"type": "string"}
    yes_no = {"enum": [0, 1]}
    yes_no_unknown = {"enum": [0, 1, -9]}  # -9 = unknown (gtd.md §5)
    count = {"type": "integer", "minimum": 0}  # people: blank when not known (gtd.md §5, §12)
    count_99 = {"type": "integer", "minimum": -99}  # -99 = unknown count (gtd.md §5)
    amount_99 = {"type": "number", "minimum": -99}  # dollars, hours: -99 = unknown (gtd.md §5)

    props: dict[str, Any] = {
        # §4: 12 digits, yyyymmdd + sequence
        "eventid": {"type": "integer", "minimum": 100000000000, "maximum": 999999999999},
        "iyear": {"type": "integer", "minimum": 1970, "maximum": 2100},
        "imonth": {"type": "integer", "minimum": 0, "maximum": 12},  # 0 = unknown
        "iday": {"type": "integer", "minimum": 0, "maximum": 31},  # 0 = unknown
        "approxdate": opt(text),
        "extended": yes_no,
        "resolution": opt(text),  # only when extended = 1; kzevents writes YYYY-MM-DD
        # §7: any country code (the table has only a few), region from its table
        "country": {"type": "integer"},
        "country_txt": {"type": "string", "minLength": 1},
        "region": codes("region", False),
        "region_txt": labels("region", False),
        "provstate": opt(text),
        "city": opt(text),
        "latitude": opt({"type": "number", "minimum": -90, "maximum": 90}),  # blank when specificity = 5
        "longitude": opt({"type": "number", "minimum": -180, "maximum": 180}),
        "specificity": {"enum": [1, 2, 3, 4, 5, None]},
        "vicinity": yes_no_unknown,
        "location": opt(text),
        "summary": opt(text),
        # §6
        "crit1": yes_no,
        "crit2": yes_no,
        "crit3": yes_no,
        "doubtterr": {"enum": [0, 1, -9, None]},  # -9 = not collected (before 1998)
        "alternative": codes("alternative", True),
        "alternative_txt": labels("alternative", True),
        "multiple": {"enum": [0, 1, None]},
        "success": yes_no,
        "suicide": yes_no,
    }
    for i in (1, 2, 3):  # §8
        props[f"attacktype{i}"] = codes("attacktype", i > 1)
        props[f"attacktype{i}_txt"] = labels("attacktype", i > 1)
    for i in (1, 2, 3):  # §9
        props[f"targtype{i}"] = codes("targtype", i > 1)
        props[f"targtype{i}_txt"] = labels("targtype", i > 1)
        props[f"targsubtype{i}"] = codes("targsubtype", True)
        props[f"targsubtype{i}_txt"] = labels("targsubtype", True)
        props[f"corp{i}"] = opt(text)
        props[f"target{i}"] = opt(text)
        props[f"natlty{i}"] = opt({"type": "integer"})  # country codes (§7)
        props[f"natlty{i}_txt"] = opt(text)
    # §11
    props["gname"] = {"type": "string", "minLength": 1}
    for name in ("gsubname", "gname2", "gsubname2", "gname3", "gsubname3", "motive"):
        props[name] = opt(text)
    for name in ("guncertain1", "guncertain2", "guncertain3"):
        props[name] = {"enum": [0, 1, None]}
    props["individual"] = yes_no
    # nperps: -99 or "Unknown" when not reported (§5, §11); nperpcap: -99
    props["nperps"] = opt({"type": ["integer", "string"], "minimum": -99, "pattern": "^Unknown$"})
    props["nperpcap"] = opt(count_99)
    props["claimed"] = {"enum": [0, 1, -9, None]}
    props["claimmode"] = codes("claimmode", True)
    props["claimmode_txt"] = labels("claimmode", True)
    for i in (2, 3):
        props[f"claim{i}"] = {"enum": [0, 1, -9, None]}
        props[f"claimmode{i}"] = codes("claimmode", True)
        props[f"claimmode{i}_txt"] = labels("claimmode", True)
    props["compclaim"] = {"enum": [0, 1, -9, None]}
    for i in (1, 2, 3, 4):  # §10
        props[f"weaptype{i}"] = codes("weaptype", i > 1)
        props[f"weaptype{i}_txt"] = labels("weaptype", i > 1)
        props[f"weapsubtype{i}"] = codes("weapsubtype", True)
        props[f"weapsubtype{i}_txt"] = labels("weapsubtype", True, key="label")
    props["weapdetail"] = opt(text)
    # §12: casualties (nkill counts attackers too), property, hostages
    for name in ("nkill", "nkillus", "nkillter", "nwound", "nwoundus", "nwoundte"):
        props[name] = opt(count)
    props["property"] = yes_no_unknown
    props["propextent"] = codes("propextent", True)
    props["propextent_txt"] = labels("propextent", True)
    props["propvalue"] = opt(amount_99)
    props["propcomment"] = opt(text)
    props["ishostkid"] = {"enum": [0, 1, -9, None]}
    props["nhostkid"] = opt(count_99)
    props["nhostkidus"] = opt(count_99)
    props["nhours"] = opt(amount_99)
    props["ndays"] = opt(amount_99)
    props["divert"] = opt(text)
    props["kidhijcountry"] = opt(text)
    props["ransom"] = {"enum": [0, 1, -9, None]}
    for name in ("ransomamt", "ransomamtus", "ransompaid", "ransompaidus"):
        props[name] = opt(amount_99)
    props["ransomnote"] = opt(text)
    props["hostkidoutcome"] = codes("hostkidoutcome", True)
    props["hostkidoutcome_txt"] = labels("hostkidoutcome", True)
    props["nreleased"] = opt(count_99)
    # §13
    props["addnotes"] = opt(text)
    for i in (1, 2, 3):
        props[f"scite{i}"] = opt(text)
    props["dbsource"] = {"type": "string", "minLength": 1}
    for name in ("INT_LOG", "INT_IDEO", "INT_MISC", "INT_ANY"):
        props[name] = {"enum": [-9, 0, 1]}  # 1 international, 0 domestic, -9 unknown (§12)
    props["related"] = opt(text)  # eventids, comma-separated (§6)

    if list(props) != columns:
        missing = [c for c in columns if c not in props]
        extra = [c for c in props if c not in columns]
        raise SystemExit(f"schema columns differ from exporters/gtd.toml: missing {missing}, extra {extra}")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://kzevents.invalid/schemas/gtd.schema.json",
        "title": "A row of a GTD-compatible CSV file (the 135 columns of the Global Terrorism Database)",
        "description": (
            "A CSV row becomes a JSON object before validation: an empty cell is null; a cell in a column "
            "whose schema admits integers or numbers and that reads as one becomes that number; every other "
            "cell is a string. Describes real GTD rows too (any country code; blanks where GTD leaves cells "
            "blank); kzevents' own conventions are cross-field rules. Generated by tools/make_gtd_schema.py "
            "from exporters/gtd.toml."
        ),
        "type": "object",
        "required": columns,
        "additionalProperties": False,
        "properties": DESC["describe"](props, DESC["gtd"]),
        "x-kzevents-columns": columns,
    }


def main() -> None:
    out = ROOT / "schemas" / "gtd.schema.json"
    out.write_text(json.dumps(build(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(out)


if __name__ == "__main__":
    main()
