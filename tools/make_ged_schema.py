"""Generate schemas/ged.schema.json from the crosswalk exporters/ged.toml (column order, code tables).

Run once when the tables change; the schema is committed and reviewed like any other file. The schema
describes any row of a UCDP GED file, real GED rows included (the 1,000 rows of the GED 23.1 sample pass
it): UCDP's conflict, dyad and actor ids are optional (kzevents has none), number_of_sources may be -1,
dates may carry GED's time part. kzevents' own stricter conventions are cross-field rules
(kzevents.derive_ged), checked on rows whose relid has kzevents' prefix.

Facts: ../shared/reference/ged.md (§1 columns and formats, §2-4 codes, §5 regions, §6 PRIO-GRID, §7 relid).
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

# A calendar date YYYY-MM-DD (leap years included, so 2011-02-30 and 2011-02-29 fail and 2012-02-29
# passes), optionally followed by the time part of GED's CSV files ("2013-01-03 00:00:00.000", ged.md §1).
# A pattern, not format "date": format "date" rejects the time part.
_DAY_31 = "(?:0[1-9]|[12][0-9]|3[01])"
_DAY_30 = "(?:0[1-9]|[12][0-9]|30)"
_DAY_28 = "(?:0[1-9]|1[0-9]|2[0-8])"
_ANY_YEAR = f"[0-9]{{4}}-(?:(?:0[13578]|1[02])-{_DAY_31}|(?:0[469]|11)-{_DAY_30}|02-{_DAY_28})"
_LEAP_YEAR = "(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)"
_TIME = "(?: (?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\\.[0-9]{1,6})?)?"
DATE_PATTERN = f"^(?:{_ANY_YEAR}|{_LEAP_YEAR}-02-29){_TIME}$"
# geom_wkt: "POINT (<lon> <lat>)", numbers as GED writes them ("POINT (64 31)", "POINT (36.558974 35.763369)")
_NUMBER = "-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?"
WKT_PATTERN = f"^POINT \\({_NUMBER} {_NUMBER}\\)$"


def opt(s: dict[str, Any]) -> dict[str, Any]:
    """Allow an empty cell (null)."""
    return {"anyOf": [s, {"type": "null"}]}


def build() -> dict[str, Any]:
    cw = tomllib.loads((ROOT / "exporters" / "ged.toml").read_text(encoding="utf-8"))
    maps = cw["maps"]
    columns = [c["name"] for c in cw["columns"]]

    def codes(table: str) -> dict[str, Any]:
        return {"enum": sorted(int(k) for k in maps[table])}

    text = {"type": "string", "minLength": 1}
    free = opt({"type": "string"})
    ucdp_id = opt({"type": "integer", "minimum": 1})  # UCDP's ids; blank in kzevents rows
    deaths = {"type": "integer", "minimum": 0}
    gw_code = {"type": "integer", "minimum": 2, "maximum": 999}  # Gleditsch-Ward state codes (§5)
    date = {"type": "string", "pattern": DATE_PATTERN}

    props: dict[str, Any] = {
        "id": {"type": "integer", "minimum": 1},
        # §7: <prefix>-<year>-<type_of_violence>-<dyad>-<sequence>; otherwise opaque
        "relid": {"type": "string", "pattern": "^[A-Z]{2,}-[0-9]{4}-[1-3]-[^ ]+$"},
        "year": {"type": "integer", "minimum": 1946, "maximum": 2100},
        "active_year": {"enum": [0, 1]},  # boolean, written 1/0 (§1)
        "code_status": text,
        "type_of_violence": codes("type_of_violence_codes"),
        "conflict_dset_id": ucdp_id,
        "conflict_new_id": ucdp_id,
        "conflict_name": text,
        "dyad_dset_id": ucdp_id,
        "dyad_new_id": ucdp_id,
        "dyad_name": text,
        "side_a_dset_id": ucdp_id,
        "side_a_new_id": ucdp_id,
        "side_a": text,
        "side_b_dset_id": ucdp_id,
        "side_b_new_id": ucdp_id,
        "side_b": text,
        "number_of_sources": {"type": "integer", "minimum": -1},  # -1 in 326 of 1,000 sample rows (§1)
        "source_article": free,
        "source_office": free,
        "source_date": free,
        "source_headline": free,
        "source_original": free,
        "where_prec": codes("where_prec_codes"),
        "where_coordinates": text,
        "where_description": free,
        "adm_1": free,
        "adm_2": free,
        "latitude": {"type": "number", "minimum": -90, "maximum": 90},
        "longitude": {"type": "number", "minimum": -180, "maximum": 180},
        "geom_wkt": {"type": "string", "pattern": WKT_PATTERN},
        "priogrid_gid": {"type": "integer", "minimum": 1, "maximum": 259200},  # 720 x 360 cells (§6)
        "country": text,
        "country_id": gw_code,
        "region": {"enum": list(maps["regions"])},
        "event_clarity": codes("event_clarity_codes"),
        "date_prec": codes("date_prec_codes"),
        "date_start": date,
        "date_end": date,
        "deaths_a": deaths,
        "deaths_b": deaths,
        "deaths_civilians": deaths,
        "deaths_unknown": deaths,
        "best": deaths,
        "high": deaths,
        "low": deaths,
        "gwnoa": opt(gw_code),
        "gwnob": opt(gw_code),
    }
    if list(props) != columns:
        raise SystemExit(f"schema properties and crosswalk columns differ: {set(props) ^ set(columns)}")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://kzevents.invalid/schemas/ged.schema.json",
        "title": "A row of a UCDP GED CSV file (49 columns)",
        "description": (
            "A CSV row becomes a JSON object before validation: an empty cell is null; a cell in a column "
            "whose schema admits integers or numbers and that reads as one becomes that number; every other "
            "cell is a string. Dates are YYYY-MM-DD, optionally with GED's time part (YYYY-MM-DD "
            "00:00:00.000). Generated by tools/make_ged_schema.py from exporters/ged.toml."
        ),
        "type": "object",
        "required": columns,
        "additionalProperties": False,
        "properties": DESC["describe"](props, DESC["GED"]),
        "x-kzevents-columns": columns,
    }


def main() -> None:
    out = ROOT / "schemas" / "ged.schema.json"
    out.write_text(json.dumps(build(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(out)


if __name__ == "__main__":
    main()
