"""Links between two canonical tables, and the de-duplicated union of several with provenance."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kzevents import table as canonical
from kzevents.matching.assignment import assign
from kzevents.matching.blocking import candidate_pairs
from kzevents.matching.params import MatchParams
from kzevents.matching.scoring import score_pairs
from kzevents.matching.sides import prepare

LINKS_SCHEMA = pa.schema(
    [
        ("left_dataset", pa.string()),
        ("left_id", pa.string()),
        ("right_dataset", pa.string()),
        ("right_id", pa.string()),
        ("km", pa.float64()),
        ("days", pa.int32()),
        ("type_score", pa.float64()),
        ("fatality_score", pa.float64()),
        ("actor_score", pa.float64()),
        ("score", pa.float64()),
        ("via", pa.string()),
        ("decision", pa.string()),
    ]
)


def match(left: pa.Table, right: pa.Table, params: MatchParams | None = None, **kwargs: Any) -> pa.Table:
    """Links between the events of two canonical tables (see the module docstring)."""
    p = params or MatchParams(**kwargs)
    a, b = prepare(left), prepare(right)
    li, ri, via = candidate_pairs(a, b, p)
    s = score_pairs(a, b, li, ri, via, p)
    decision = assign(a.n, b.n, s["l"], s["r"], s["score"], p)
    order = np.lexsort((-s["score"], s["r"], s["l"]))
    return pa.table(
        {
            "left_dataset": a.dataset[s["l"]][order].astype(str),
            "left_id": a.ids[s["l"]][order].astype(str),
            "right_dataset": b.dataset[s["r"]][order].astype(str),
            "right_id": b.ids[s["r"]][order].astype(str),
            "km": np.round(s["km"][order], 3),
            "days": s["days"][order].astype(np.int32),
            "type_score": s["type_score"][order],
            "fatality_score": np.round(s["fatality_score"][order], 4),
            "actor_score": s["actor_score"][order],
            "score": np.round(s["score"][order], 4),
            "via": np.where(s["via_admin"][order], "admin1", "distance").astype(str),
            "decision": decision[order].astype(str),
        },
        schema=LINKS_SCHEMA,
    )


def merge(
    tables: Sequence[pa.Table], params: MatchParams | None = None, **kwargs: Any
) -> tuple[pa.Table, pa.Table, dict[str, Any]]:
    """De-duplicated union of several canonical tables.

    Tables are merged in order; when events match, the row of the earlier table is kept (precedence = the
    order given: put the most trusted or most detailed dataset first) and its ``provenance`` lists every
    ``dataset:id`` collapsed into it. Returns (merged table, links, summary).
    """
    p = params or MatchParams(**kwargs)
    merged = _with_provenance(tables[0])
    all_links = []
    summary: dict[str, Any] = {"datasets": [], "params": attrs.asdict(p)}
    for t in tables[1:]:
        links = match(merged, t, p)
        all_links.append(links)
        linked = pc.is_in(links.column("decision"), value_set=pa.array(["match", "match-many"]))
        ok = links.filter(linked)
        # right rows that duplicate a merged row: add their ids to that row's provenance
        dup_ids = ok.column("right_id").to_pylist()
        owners = ok.column("left_id").to_pylist()
        right_ds = ok.column("right_dataset").to_pylist()
        extra: dict[str, list[str]] = {}
        for owner, ds, rid in zip(owners, right_ds, dup_ids, strict=True):
            extra.setdefault(owner, []).append(f"{ds}:{rid}")
        prov = merged.column("provenance").to_pylist()
        ids = merged.column("event_id").to_pylist()
        prov = [(pv or []) + extra.get(i, []) for i, pv in zip(ids, prov, strict=True)]
        idx = merged.schema.get_field_index("provenance")
        merged = merged.set_column(idx, merged.schema.field(idx), pa.array(prov, pa.list_(pa.string())))
        keep = pc.invert(
            pc.is_in(t.column("event_id"), value_set=pa.array(sorted(set(dup_ids)), pa.string()))
        )
        new_rows = _with_provenance(t.filter(keep))
        summary["datasets"].append(
            {
                "dataset": str(t.column("dataset")[0]) if t.num_rows else "?",
                "rows": t.num_rows,
                "matched": len(set(dup_ids)),
                "unmatched": new_rows.num_rows,
            }
        )
        merged = pa.concat_tables([merged, new_rows.cast(merged.schema)], promote_options="none")
    first = tables[0]
    matched_first = set()
    for links in all_links:
        linked = pc.is_in(links.column("decision"), value_set=pa.array(["match", "match-many"]))
        matched_first |= set(links.filter(linked).column("left_id").to_pylist())
    summary["datasets"].insert(
        0,
        {
            "dataset": str(first.column("dataset")[0]) if first.num_rows else "?",
            "rows": first.num_rows,
            "matched": len(matched_first & set(first.column("event_id").to_pylist())),
            "unmatched": first.num_rows - len(matched_first & set(first.column("event_id").to_pylist())),
        },
    )
    summary["merged_rows"] = merged.num_rows
    links_all = pa.concat_tables(all_links) if all_links else LINKS_SCHEMA.empty_table()
    return merged.unify_dictionaries().combine_chunks(), links_all, summary


def _with_provenance(t: pa.Table) -> pa.Table:
    t = t.cast(canonical.schema(), safe=False) if t.schema.names == canonical.schema().names else t
    idx = t.schema.get_field_index("provenance")
    ds = t.column("dataset").cast(pa.string())
    current = t.column(idx)
    own = pc.binary_join_element_wise(ds, t.column("event_id"), ":")
    values = [pv if pv else [o] for pv, o in zip(current.to_pylist(), own.to_pylist(), strict=True)]
    return t.set_column(idx, t.schema.field(idx), pa.array(values, pa.list_(pa.string())))
