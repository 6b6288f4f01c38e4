"""ACLED (Armed Conflict Location & Event Data): every layout read, the current layout written
(``exporters/acled.toml``, ``schemas/acled.schema.json``)."""

from kzevents.formats.acled import export  # noqa: F401 - registers the crosswalk's named functions
from kzevents.formats.acled.layouts import CHECK_CODED, LAYOUTS, READ_CODED, READ_COLUMNS
from kzevents.formats.acled.read import acled_to_canonical, iso_dates
from kzevents.formats.acled.rules import acled_rules
from kzevents.formats.plugin import Format

FORMAT = Format(
    name="acled",
    layouts=LAYOUTS,
    normalise=acled_to_canonical,
    rules=acled_rules,
    id_column="event_id_cnty",
    read_columns=READ_COLUMNS,
    date_columns=frozenset(("event_date",)),
    read_coded=READ_CODED,
    check_coded=CHECK_CODED,
    before_check=iso_dates,
)
