"""The named functions ``exporters/ged.toml`` refers to: identifiers, sides, deaths, sources, place and
dates of a GED row (reference/ged.md, cited as §n: §1 the 49 columns and their formats, §3 where_prec and
date_prec, §4 event_clarity, §6 the PRIO-GRID cell, §7 relid; and the 1,000-row GED 23.1 sample).

The coding of an incident as a GED event (type of violence, sides, inclusion) is in
:mod:`kzevents.formats.ged.coding`; the cross-field rules of a GED file in :mod:`kzevents.formats.ged.rules`.
"""

from __future__ import annotations

import datetime as dt
import re

from kzevents.dataset.admin1 import ged_name
from kzevents.dataset.rows import incident_number
from kzevents.errors import KzeventsError
from kzevents.formats.crosswalk import Crosswalk, Row, derive
from kzevents.formats.ged import ids
from kzevents.formats.ged.coding import (
    INT32_MAX,
    coding_of,
    conflict_name,
    conflict_year_deaths,
    event_dates,
    priogrid_gid,
)

# --- identifiers (§1, §7) ------------------------------------------------------------------------------


def _incident_number(row: Row) -> int:
    try:
        n = incident_number(str(row["event_id"]))
    except (ValueError, IndexError):
        raise KzeventsError(
            f"cannot derive a GED id from event_id {row['event_id']!r} (expected KZE-NNNN)"
        ) from None
    if n <= 0:
        raise KzeventsError(f"incident {row['event_id']}: incident numbers start at 1")
    return n


@derive("ged_id")
def ged_id(row: Row, cw: Crosswalk) -> int:
    """``id_base`` + the incident number: KZE-0012 is 2000000012 (see exporters/ged.toml, [options])."""
    base = int(cw.options["id_base"])
    value = base + _incident_number(row)
    if value > INT32_MAX:
        raise KzeventsError(
            f"incident {row['event_id']}: GED id {value} is beyond kzevents' reserved block "
            f"{base + 1}-{INT32_MAX}"
        )
    return value


@derive("ged_relid")
def ged_relid(row: Row, cw: Crosswalk) -> str:
    """``KZE-<year>-<type_of_violence>-0-<incident number>``: GED's pattern (§7), dyad 0 = none."""
    c = coding_of(row, cw)
    prefix = cw.options["relid_prefix"]
    return f"{prefix}-{event_dates(row)[0].year}-{c.type_of_violence}-0-{_incident_number(row)}"


@derive("ged_year")
def ged_year(row: Row, cw: Crosswalk) -> int:
    return event_dates(row)[0].year


@derive("ged_active_year")
def ged_active_year(row: Row, cw: Crosswalk) -> bool:
    """Whether the event's conflict reaches ``active_threshold`` deaths in the year (§1: written 1/0)."""
    return conflict_year_deaths(row) >= int(cw.options["active_threshold"])


# --- sides ---------------------------------------------------------------------------------------------


@derive("ged_type_of_violence")
def ged_type_of_violence(row: Row, cw: Crosswalk) -> int:
    return coding_of(row, cw).type_of_violence


@derive("ged_conflict_name")
def ged_conflict_name(row: Row, cw: Crosswalk) -> str:
    return conflict_name(coding_of(row, cw), cw)


@derive("ged_dyad_name")
def ged_dyad_name(row: Row, cw: Crosswalk) -> str:
    c = coding_of(row, cw)
    return f"{c.side_a} - {c.side_b}"


@derive("ged_side_a")
def ged_side_a(row: Row, cw: Crosswalk) -> str:
    return coding_of(row, cw).side_a


@derive("ged_side_b")
def ged_side_b(row: Row, cw: Crosswalk) -> str:
    return coding_of(row, cw).side_b


# conflict, dyad and side ids: kzevents' reserved block (kzevents.formats.ged.ids); Civilians keep UCDP's


@derive("ged_conflict_id")
def ged_conflict_id(row: Row, cw: Crosswalk) -> int:
    return ids.conflict_id(coding_of(row, cw), cw)


@derive("ged_dyad_id")
def ged_dyad_id(row: Row, cw: Crosswalk) -> int:
    return ids.dyad_id(coding_of(row, cw), cw)


@derive("ged_side_a_id")
def ged_side_a_id(row: Row, cw: Crosswalk) -> int:
    return ids.side_id(coding_of(row, cw).side_a, cw)


@derive("ged_side_b_dset_id")
def ged_side_b_dset_id(row: Row, cw: Crosswalk) -> int:
    c = coding_of(row, cw)
    return int(cw.options["civilians_dset_id"]) if c.b_is_civilians else ids.side_id(c.side_b, cw)


@derive("ged_side_b_new_id")
def ged_side_b_new_id(row: Row, cw: Crosswalk) -> int:
    c = coding_of(row, cw)
    return int(cw.options["civilians_new_id"]) if c.b_is_civilians else ids.side_id(c.side_b, cw)


@derive("ged_gwnoa")
def ged_gwnoa(row: Row, cw: Crosswalk) -> int | None:
    """Kazakhstan's Gleditsch-Ward code when the government is side A, else blank (§1, §5)."""
    return int(cw.options["gwno"]) if coding_of(row, cw).a_is_state else None


@derive("ged_gwnob")
def ged_gwnob(row: Row, cw: Crosswalk) -> int | None:
    """Blank: side B is never a state in kzevents (militants or civilians); GED fills it only for
    interstate events (§1)."""
    return None


@derive("ged_deaths_a")
def ged_deaths_a(row: Row, cw: Crosswalk) -> int:
    return coding_of(row, cw).deaths_a


@derive("ged_deaths_b")
def ged_deaths_b(row: Row, cw: Crosswalk) -> int:
    return coding_of(row, cw).deaths_b


@derive("ged_deaths_civilians")
def ged_deaths_civilians(row: Row, cw: Crosswalk) -> int:
    return coding_of(row, cw).deaths_civilians


@derive("ged_deaths_unknown")
def ged_deaths_unknown(row: Row, cw: Crosswalk) -> int:
    return coding_of(row, cw).deaths_unknown


# --- sources (§1) --------------------------------------------------------------------------------------

_CITATION = re.compile(r'^"(?P<title>.*),"\s(?P<rest>.*?)\.?$', re.S)
_PUBLISHED = re.compile(r"^(?P<publisher>.*), (?P<date>[0-9]{4}(-[0-9]{2}){0,2})$", re.S)


def parse_citation(citation: str) -> tuple[str, str, str]:
    """(publisher, date, title) of a canonical citation '"Title," Publisher, date.' (date may be absent).

    >>> parse_citation('"Seven killed in clashes in Kazakhstan," Reuters, 2011-12-04.')
    ('Reuters', '2011-12-04', 'Seven killed in clashes in Kazakhstan')
    """
    m = _CITATION.match(citation)
    if m is None:
        return citation, "", ""
    rest = m.group("rest")
    p = _PUBLISHED.match(rest)
    if p is None:
        return rest, "", m.group("title")
    return p.group("publisher"), p.group("date"), m.group("title")


def sources(row: Row) -> list[tuple[str, str, str]]:
    """(publisher, date, title) of each of the incident's sources, in the incident's order.

    The canonical table keeps one citation per source (``source_citations``, parallel to ``sources``);
    publishers alone (``source_names``) are the fallback.
    """
    citations = row.get("source_citations") or []
    if citations:
        return [parse_citation(str(c)) for c in citations]
    return [(str(name), "", "") for name in row.get("source_names") or []]


def _joined(values: list[str]) -> str | None:
    return ";".join(values) if any(values) else None


@derive("ged_number_of_sources")
def ged_number_of_sources(row: Row, cw: Crosswalk) -> int:
    return len(row.get("sources") or []) or len(sources(row))


@derive("ged_source_article")
def ged_source_article(row: Row, cw: Crosswalk) -> str | None:
    return _joined([f'"{office},{date},{title}"' for office, date, title in sources(row)])


@derive("ged_source_office")
def ged_source_office(row: Row, cw: Crosswalk) -> str | None:
    return _joined([office for office, _, _ in sources(row)])


@derive("ged_source_date")
def ged_source_date(row: Row, cw: Crosswalk) -> str | None:
    return _joined([date for _, date, _ in sources(row)])


@derive("ged_source_headline")
def ged_source_headline(row: Row, cw: Crosswalk) -> str | None:
    return _joined([title for _, _, title in sources(row)])


# --- place (§1, §3, §6) --------------------------------------------------------------------------------


@derive("ged_where_description")
def ged_where_description(row: Row, cw: Crosswalk) -> str | None:
    precision = row.get("geo_precision")
    template = cw.maps["where_description"].get(str(precision)) if precision else None
    if template is None or not row.get("location"):
        return None
    return str(template).format(location=row["location"], admin1=row.get("admin1") or "")


@derive("ged_adm_1")
def ged_adm_1(row: Row, cw: Crosswalk) -> str | None:
    code = row.get("admin1_code")
    return ged_name(str(code)) if code else None


def wkt_number(x: float) -> str:
    """A coordinate as GED's geom_wkt writes it: shortest form, no trailing ``.0`` (``POINT (64 31)``)."""
    text = repr(float(x))
    return text[:-2] if text.endswith(".0") else text


@derive("ged_geom_wkt")
def ged_geom_wkt(row: Row, cw: Crosswalk) -> str | None:
    """``POINT (lon lat)``, longitude first (§1)."""
    lat, lon = row.get("latitude"), row.get("longitude")
    if lat is None or lon is None:
        return None
    return f"POINT ({wkt_number(lon)} {wkt_number(lat)})"


@derive("ged_priogrid_gid")
def ged_priogrid_gid(row: Row, cw: Crosswalk) -> int | None:
    lat, lon = row.get("latitude"), row.get("longitude")
    if lat is None or lon is None:
        return None
    return priogrid_gid(float(lat), float(lon))


# --- dates and clarity (§1, §3, §4) --------------------------------------------------------------------


def window_code(days: int, cw: Crosswalk) -> int:
    """The most precise date_prec whose window (end - start, days) admits ``days``."""
    windows = sorted((int(code), int(limit)) for code, limit in cw.maps["date_prec_window"].items())
    for code, limit in windows:
        if days <= limit:
            return code
    return windows[-1][0]


@derive("ged_date_prec")
def ged_date_prec(row: Row, cw: Crosswalk) -> int:
    """The curated precision's code (``maps.date_prec``), never more precise than the window allows: an
    event over two days known exactly is 2, as GED has no code for an exact span."""
    start, end = event_dates(row)
    code = int(cw.lookup("date_prec", row.get("date_precision") or "day"))
    return max(code, window_code((end - start).days, cw))


def _date_text(d: dt.date, cw: Crosswalk) -> str:
    form = cw.options["date_form"]
    if form == "datetime":
        return f"{d.isoformat()} 00:00:00.000"
    if form == "date":
        return d.isoformat()
    raise KzeventsError(f"GED option date_form must be 'datetime' or 'date', not {form!r}")


@derive("ged_date_start")
def ged_date_start(row: Row, cw: Crosswalk) -> str:
    return _date_text(event_dates(row)[0], cw)


@derive("ged_date_end")
def ged_date_end(row: Row, cw: Crosswalk) -> str:
    return _date_text(event_dates(row)[1], cw)


@derive("ged_event_clarity")
def ged_event_clarity(row: Row, cw: Crosswalk) -> int:
    """1 = the reporting identifies the event fully (§4). Each curated incident is one identified event,
    so 1, unless it is known only to a month (or vaguer) somewhere in a region: then the reports are of
    the summary kind that GED codes 2."""
    vague_date = row.get("date_precision") in ("month", "approximate")
    vague_place = row.get("geo_precision") in ("region", "country")
    return 2 if vague_date and vague_place else 1
