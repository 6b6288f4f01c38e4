"""ACLED's column layouts (reference/acled.md §1): the current 31 columns (2023-), pre-2023 (``data_id``,
``iso3``), the 2016 era (``ally_actor_*``, ``gwno``, a leading index column) and monadic (one actor per
row); the columns the reader decodes, and those read and checked as dictionaries."""

from __future__ import annotations

from kzevents.formats.acled.read import collapse_monadic
from kzevents.formats.plugin import Layout

ACLED_CURRENT = (
    "event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1,assoc_actor_1,"
    "inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,iso,region,country,admin1,admin2,admin3,"
    "location,latitude,longitude,geo_precision,source,source_scale,notes,fatalities,tags,timestamp"
).split(",")
ACLED_PRE2023 = (
    "data_id,iso,event_id_cnty,event_id_no_cnty,event_date,year,time_precision,event_type,sub_event_type,actor1,"
    "assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,region,country,admin1,admin2,admin3,location,"
    "latitude,longitude,geo_precision,source,source_scale,notes,fatalities,timestamp,iso3"
).split(",")
ACLED_2016 = (
    "actor1,actor2,admin1,admin2,admin3,ally_actor_1,ally_actor_2,country,data_id,event_date,event_id_cnty,"
    "event_id_no_cnty,event_type,fatalities,geo_precision,gwno,inter1,inter2,interaction,latitude,location,"
    "longitude,notes,source,time_precision,year"
).split(",")
ACLED_MONADIC = [c for c in ACLED_CURRENT if c not in ("actor2", "assoc_actor_2", "inter2")]

LAYOUTS = (
    Layout("acled", "acled-current", tuple(ACLED_CURRENT), "ACLED, current 31 columns (2023-)"),
    Layout("acled", "acled-pre2023", tuple(ACLED_PRE2023), "ACLED, pre-2023 (data_id, iso3)"),
    Layout(
        "acled",
        "acled-2016",
        tuple(ACLED_2016),
        "ACLED, 2016 era (ally_actor_*, gwno)",
        # older event types and actor coding (acled.md §1.3); ids like 8188RTA
        schema_overrides=(
            *((c, None) for c in ("event_type", "sub_event_type", "interaction", "inter1", "inter2")),
            ("event_id_cnty", "^([0-9]+[A-Z]{3}|[A-Z]{3}[0-9]+)$"),
        ),
    ),
    Layout(
        "acled",
        "acled-monadic",
        tuple(ACLED_MONADIC),
        "ACLED, monadic (one actor per row)",
        unique_ids=False,
        collapse=collapse_monadic,
        collapse_label="monadic rows merged into events",
    ),
)

# coded columns (few distinct values) the CSV reader decodes straight into dictionary arrays: it hashes
# each cell instead of copying it, and the normaliser then works on the distinct values
READ_CODED = frozenset(
    "event_date,time_precision,event_type,sub_event_type,inter1,inter2,iso,iso3,country,admin1,"
    "geo_precision,source_scale".split(",")
)
# the columns the normaliser reads (of any layout); the others are not decoded. Those left out are derived
# (year, disorder_type, interaction, region) or have no canonical column (civilian_targeting, admin3, tags,
# timestamp, data_id, event_id_no_cnty, gwno). Tests read fixtures and generated files with and without
# this list and compare.
READ_COLUMNS = frozenset(
    "event_id_cnty,event_date,time_precision,event_type,sub_event_type,actor1,assoc_actor_1,ally_actor_1,"
    "inter1,actor2,assoc_actor_2,ally_actor_2,inter2,iso,iso3,country,admin1,admin2,location,latitude,"
    "longitude,geo_precision,source,source_scale,notes,fatalities".split(",")
)
# columns validated as dictionaries: their checks and cross-field rules run once per distinct value
CHECK_CODED = frozenset(
    "event_date,year,time_precision,disorder_type,event_type,sub_event_type,inter1,inter2,interaction,"
    "civilian_targeting,iso,region,country,geo_precision,source_scale".split(",")
)
