"""GTD (the Global Terrorism Database): its 135-column layout read and written (``exporters/gtd.toml``,
``schemas/gtd.schema.json``), with GTD's inclusion rules applied to kzevents' incidents."""

from kzevents.formats.gtd import export  # noqa: F401 - registers the crosswalk's named functions
from kzevents.formats.gtd.layouts import CHECK_CODED, LAYOUTS, READ_COLUMNS, may_be_latin1
from kzevents.formats.gtd.read import gtd_to_canonical
from kzevents.formats.gtd.rules import gtd_rules
from kzevents.formats.plugin import Format

FORMAT = Format(
    name="gtd",
    layouts=LAYOUTS,
    normalise=gtd_to_canonical,
    rules=gtd_rules,
    id_column="eventid",
    read_columns=READ_COLUMNS,
    date_columns=frozenset(("resolution",)),
    check_coded=CHECK_CODED,
    latin1=may_be_latin1,
)
