"""UCDP GED (the UCDP Georeferenced Event Dataset): its 49-column layout read (with or without a header
row) and written (``exporters/ged.toml``, ``schemas/ged.schema.json``)."""

from kzevents.formats.ged import export  # noqa: F401 - registers the crosswalk's named functions
from kzevents.formats.ged.layouts import CHECK_CODED, LAYOUTS, READ_COLUMNS, headerless
from kzevents.formats.ged.read import ged_to_canonical
from kzevents.formats.ged.rules import ged_rules
from kzevents.formats.plugin import Format

FORMAT = Format(
    name="ged",
    layouts=LAYOUTS,
    normalise=ged_to_canonical,
    rules=ged_rules,
    id_column="id",
    read_columns=READ_COLUMNS,
    date_columns=frozenset(
        (
            "date_start",
            "date_end",
        )
    ),
    check_coded=CHECK_CODED,
    headerless=headerless,
)
