"""GTD's field conventions (reference/gtd.md, cited as §n): free text in GTD's Latin-1 repertoire (§2,
§13), the date parts with 0 for what is not known, ``approxdate`` and ``extended`` (§4), and kzevents'
``eventid`` in GTD's form (§4)."""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Any

from kzevents.dataset.rows import incident_number
from kzevents.errors import KzeventsError
from kzevents.formats.crosswalk import Crosswalk, Row

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

# --- text --------------------------------------------------------------------------------------------

# Typographic characters that GTD's own Latin-1 file cannot hold, written as their ASCII forms so that the
# export can always be encoded as Latin-1 (reference/gtd.md §2). Anything else outside Latin-1 (Cyrillic,
# Arabic...) is kept: the UTF-8 export holds it, and a Latin-1 export fails with a DataError naming the
# character, rather than silently losing it.
_TYPOGRAPHY = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u2026": "...",
        "\u2022": "-",
        "\u2002": " ",
        "\u2003": " ",
        "\u2007": " ",
        "\u2009": " ",
        "\u202f": " ",
        "\u200b": "",
        "\ufeff": "",
    }
)


def gtd_text(value: Any) -> str | None:
    """A free-text cell: NFC, typographic punctuation as ASCII, whitespace (newlines too) collapsed.

    >>> gtd_text("“Two blasts” – Atyrau\\n")
    '"Two blasts" - Atyrau'
    """
    if value is None:
        return None
    text = " ".join(unicodedata.normalize("NFC", str(value)).translate(_TYPOGRAPHY).split())
    return text or None


# --- dates (§4) --------------------------------------------------------------------------------------


def date_span(row: Row) -> tuple[dt.date, dt.date, str]:
    start: dt.date = row["event_date"]
    end: dt.date = row.get("event_date_end") or start
    return start, end, row.get("date_precision") or "day"


def gtd_date(row: Row) -> tuple[int, int, int]:
    """``iyear``, ``imonth``, ``iday``: the start date; 0 for what is not known (§4).

    A date known to the day, or to a span of a few days or a week, keeps its (first) day, with the span in
    ``approxdate``; a date known to the month has ``iday`` 0; an approximate date has ``iday`` 0 and also
    ``imonth`` 0 when its span crosses a month boundary.
    """
    start, end, precision = date_span(row)
    if precision == "month":
        return start.year, start.month, 0
    if precision == "approximate":
        same_month = (start.year, start.month) == (end.year, end.month)
        return start.year, start.month if same_month else 0, 0
    return start.year, start.month, start.day


def _day_text(d: dt.date, year: bool = True) -> str:
    return f"{MONTHS[d.month - 1]} {d.day}, {d.year}" if year else f"{MONTHS[d.month - 1]} {d.day}"


def day_range_text(start: dt.date, end: dt.date) -> str:
    """``May 24, 2011``, ``May 24-25, 2011``, ``June 28-July 2, 2011``,
    ``December 30, 2011-January 2, 2012``."""
    if start == end:
        return _day_text(start)
    if start.year != end.year:
        return f"{_day_text(start)}-{_day_text(end)}"
    if start.month != end.month:
        return f"{_day_text(start, year=False)}-{_day_text(end)}"
    return f"{MONTHS[start.month - 1]} {start.day}-{end.day}, {start.year}"


def month_range_text(start: dt.date, end: dt.date) -> str:
    """``May 2011``, ``May-June 2011``, ``December 2011-January 2012``."""
    if (start.year, start.month) == (end.year, end.month):
        return f"{MONTHS[start.month - 1]} {start.year}"
    if start.year == end.year:
        return f"{MONTHS[start.month - 1]}-{MONTHS[end.month - 1]} {start.year}"
    return f"{MONTHS[start.month - 1]} {start.year}-{MONTHS[end.month - 1]} {end.year}"


def gtd_approxdate(row: Row) -> str | None:
    """``approxdate``: empty for a date known to the day, else the span in words (§4: "June 1978")."""
    start, end, precision = date_span(row)
    if precision == "day":
        return None
    if precision == "month":
        return month_range_text(start, end)
    if precision == "approximate":
        return f"about {day_range_text(start, end)}"
    return day_range_text(start, end)  # days, week: the window the date lies in


def gtd_extended(row: Row) -> bool:
    """``extended`` (§4): the incident lasted more than 24 hours. Only a date known to the day can say so; an
    incident that runs over two or more calendar days (``date.end`` after ``date.start``) is counted as
    extended. For the other precisions start..end is the window the date lies in, not a duration."""
    start, end, precision = date_span(row)
    return precision == "day" and end > start


def gtd_eventid(row: Row, cw: Crosswalk) -> int:
    """``yyyymmdd`` of the (start) date, ``00`` for an unknown month or day (§4), then ``id_base`` + the
    kzevents incident number: KZE-0012 on 17 May 2011 is 201105179012.

    GTD numbers each date's incidents from 0001 (§4); ``id_base`` (9000) puts kzevents far above any day's
    count, so our ids can never be a real GTD id, and the number comes from the incident's identifier, so
    it does not depend on which other incidents are exported or in which order.
    """
    base = int(cw.options["id_base"])
    try:
        n = incident_number(str(row["event_id"]))
    except (ValueError, IndexError):
        raise KzeventsError(
            f"cannot derive a GTD eventid from event_id {row['event_id']!r} (expected KZE-NNNN)"
        ) from None
    seq = base + n
    if not (base < seq <= 9999 and n > 0):
        raise KzeventsError(
            f"incident {row['event_id']}: GTD sequence {seq} is outside kzevents' reserved range "
            f"{base + 1:04d}-9999 (incident numbers 1-{9999 - base})"
        )
    y, m, d = gtd_date(row)
    return int(f"{y:04d}{m:02d}{d:02d}{seq:04d}")


def gtd_part_eventid(row: Row, cw: Crosswalk) -> int:
    """The eventid of one part of a series (``_part_n``): part 1 has the incident's own, the others the
    sequence ``options.part_sequence`` lists for ``<incident>.<n>`` (explicit, so an id never depends on
    order)."""
    n = int(row.get("_part_n") or 1)
    if n == 1:
        return gtd_eventid(row, cw)
    key = f"{row['event_id']}.{n}"
    seq = (cw.options.get("part_sequence") or {}).get(key)
    if seq is None:
        raise KzeventsError(
            f"incident {row['event_id']}: part {n} has no GTD eventid sequence; add {key!r} to "
            "[options] part_sequence in exporters/gtd.toml (a number in 9001-9999 unused on that date)"
        )
    if not int(cw.options["id_base"]) < int(seq) <= 9999:
        raise KzeventsError(f"part_sequence {key!r} = {seq} is outside kzevents' reserved range 9001-9999")
    y, m, d = gtd_date(row)
    return int(f"{y:04d}{m:02d}{d:02d}{int(seq):04d}")
