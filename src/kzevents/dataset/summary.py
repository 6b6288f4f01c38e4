"""``kzevents info``: what is in the dataset, including where the sources disagree."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from kzevents.dataset.admin1 import subdivision_name
from kzevents.dataset.load import load
from kzevents.dataset.model import Dataset


def info(ds: Dataset | None = None) -> dict[str, Any]:
    """A JSON-ready summary of the dataset."""
    if ds is None:
        ds = load()
    incidents = list(ds)
    by_year: dict[str, int] = defaultdict(int)
    by_region: dict[str, int] = defaultdict(int)
    for inc in incidents:
        by_year[str(inc.date.start.year)] += inc.fatalities.best
        # the unit the event lies in (an incident's own admin1 wins over its reference place's)
        code = inc.admin1 or ds.places[inc.place].admin1
        by_region[subdivision_name(code) if code else "(country level)"] += inc.fatalities.best
    claims_per_source = Counter(c.source for inc in incidents for c in inc.claims)
    return {
        "dataset_version": ds.version,
        "incidents": len(incidents),
        "claims": sum(len(i.claims) for i in incidents),
        "date_range": [
            min(i.date.start for i in incidents).isoformat(),
            max(i.date.end for i in incidents).isoformat(),
        ]
        if incidents
        else None,
        "event_types": dict(sorted(Counter(i.event_type.value for i in incidents).items())),
        "fatalities_best_by_year": dict(sorted(by_year.items())),
        "fatalities_best_by_region": dict(sorted(by_region.items())),
        "fatalities_total": {
            k: sum(getattr(i.fatalities, k) for i in incidents) for k in ("low", "best", "high")
        },
        "sources": [
            {
                "id": s.id,
                "file": s.file,
                "publisher": s.publisher,
                "language": s.language,
                "claims": claims_per_source[s.id],
            }
            for s in sorted(ds.sources.values(), key=lambda s: s.id)
        ],
        "conflicts": [
            {
                "incident": i.id,
                "title": i.title,
                "fields": {k: [str(v) for v in vs] for k, vs in i.conflicts().items()},
                "rule": i.rule,
            }
            for i in incidents
            if i.conflicts()
        ],
        "out_of_scope": len(ds.out_of_scope),
        "places": len(ds.places),
        "actors": len(ds.actors),
    }


def format_info(d: dict[str, Any]) -> str:
    """The human-readable form of :func:`info`."""
    lines = [
        f"kzevents dataset {d['dataset_version']}",
        f"incidents: {d['incidents']} ({d['claims']} claims), {d['date_range'][0]} to {d['date_range'][1]}"
        if d["date_range"]
        else "incidents: 0",
        f"fatalities (low/best/high): {d['fatalities_total']['low']}/{d['fatalities_total']['best']}/"
        f"{d['fatalities_total']['high']}",
        "event types: " + ", ".join(f"{k} {v}" for k, v in d["event_types"].items()),
        "fatalities by year: " + ", ".join(f"{k} {v}" for k, v in d["fatalities_best_by_year"].items()),
        "fatalities by region:",
        *(f"  {k}: {v}" for k, v in d["fatalities_best_by_region"].items()),
        "sources:",
        *(
            f"  {s['id']} {s['publisher']} ({s['language']}, {s['file']}): {s['claims']} claims"
            for s in d["sources"]
        ),
        f"conflicts between sources: {len(d['conflicts'])} incident(s)",
    ]
    for c in d["conflicts"]:
        fields = "; ".join(f"{k}: {' vs '.join(v)}" for k, v in c["fields"].items())
        lines.append(f"  {c['incident']} {c['title']}: {fields}")
        lines.append(f"    rule: {c['rule']}")
    lines.append(f"reported outside scope: {d['out_of_scope']} item(s) (data/out_of_scope.toml)")
    return "\n".join(lines)
