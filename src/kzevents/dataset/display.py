"""How an incident and the dataset show in a terminal and a notebook: one-line ``repr``s (id, date, title,
fatalities; under ``REPR_WIDTH`` characters) and HTML tables for Jupyter's ``_repr_html_``.

The model's objects are read by attribute (not imported), so that :mod:`kzevents.dataset.model` can use
this module.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

REPR_WIDTH = 100  # a repr fits one line of a terminal or a notebook cell
HTML_ROWS = 60  # a dataset longer than this shows its first and last rows


def _dates(span: Any) -> str:
    start, end = span.start.isoformat(), span.end.isoformat()
    return start if start == end else f"{start}..{end}"


def _fatalities(f: Any) -> str:
    return str(f.best) if f.low == f.high else f"{f.best} ({f.low}-{f.high})"


def _shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(width - 1, 0)].rstrip() + "…"


def incident_repr(inc: Any) -> str:
    """``<Incident KZE-0001 2011-05-17 'Suicide bombing …' fatalities 1>``, at most REPR_WIDTH long."""
    head = f"<Incident {inc.id} {_dates(inc.date)} "
    tail = f" fatalities {_fatalities(inc.fatalities)}>"
    room = REPR_WIDTH - len(head) - len(tail) - 2  # the quotes
    return f"{head}{_shorten(inc.title, room)!r}{tail}" if room > 0 else head.rstrip() + tail


def dataset_repr(ds: Any) -> str:
    """``<Dataset 27 incidents 2011-05-17..2012-11-20, 112 killed (best), version 2026.11.0>``."""
    incidents = tuple(ds)
    if not incidents:
        return f"<Dataset 0 incidents, version {ds.version}>"
    first = min(i.date.start for i in incidents).isoformat()
    last = max(i.date.end for i in incidents).isoformat()
    killed = sum(i.fatalities.best for i in incidents)
    return (
        f"<Dataset {len(incidents)} incidents {first}..{last}, {killed} killed (best), version {ds.version}>"
    )


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], caption: str) -> str:
    e = html.escape
    head = "".join(f"<th>{e(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>" for row in rows)
    return (
        f"<table><caption>{e(caption)}</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


def _place(ds: Any, place_id: str) -> str:
    place = ds.places.get(place_id) if ds is not None else None
    return place_id if place is None else f"{place.name} ({place.admin1_name})"


def incident_html(inc: Any, ds: Any = None) -> str:
    """The incident as a two-column HTML table (field, value); place and actor names come from ``ds``
    when it is given."""
    f = inc.fatalities

    def actor(a: str) -> str:
        known = ds.actors.get(a) if ds is not None else None
        return a if known is None else known.name

    rows = [
        ("title", inc.title),
        ("date", f"{_dates(inc.date)} ({inc.date.precision.value})"),
        ("event type", inc.event_type.value),
        ("place", f"{_place(ds, inc.place)}, {inc.place_precision.value}"),
        ("fatalities", f"low {f.low}, best {f.best}, high {f.high}"),
        ("actors", "; ".join(f"{p.role.value}: {actor(p.actor)}" for p in inc.actors)),
        ("claims", f"{len(inc.claims)} from sources {', '.join(inc.sources)}"),
        ("sources disagree on", ", ".join(sorted(inc.conflicts())) or "nothing"),
    ]
    return _table(("field", "value"), rows, f"Incident {inc.id}")


def dataset_html(ds: Any) -> str:
    """One row per incident (id, dates, title, type, place, fatalities), the first and last ones when the
    dataset is long."""
    incidents = tuple(ds)
    shown: list[Any] = list(incidents)
    gap = None
    if len(incidents) > HTML_ROWS:
        shown = [*incidents[: HTML_ROWS - 10], None, *incidents[-10:]]
        gap = len(incidents) - HTML_ROWS
    rows = [
        ("…", f"{gap} more", "", "", "", "")
        if inc is None
        else (
            inc.id,
            _dates(inc.date),
            inc.title,
            inc.event_type.value,
            _place(ds, inc.place),
            _fatalities(inc.fatalities),
        )
        for inc in shown
    ]
    header = ("id", "date", "title", "event type", "place", "fatalities")
    return _table(header, rows, dataset_repr(ds).strip("<>"))
