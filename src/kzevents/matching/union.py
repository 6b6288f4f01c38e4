"""Links between two canonical tables (with every comparison's level and weight and the match
probability), and the de-duplicated union of several tables with provenance."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import attrs
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kzevents import table as canonical
from kzevents.matching.comparisons import COMPARISONS
from kzevents.matching.linking import DECISIONS, Scored, score
from kzevents.matching.params import MatchParams
from kzevents.matching.sides import Side, prepare

_LEVEL = pa.dictionary(pa.int8(), pa.string())


def links_schema(comparisons: Sequence[str] = COMPARISONS) -> pa.Schema:
    """The links table: the pair, km and day gap, how it was blocked, each comparison's level and weight
    (log2 Bayes factor), the prior weight (log2 of the dataset pair's lambda odds), the match weight
    (their sum), the pairwise match probability, the probability after the one-to-one competition between
    the events' candidates, and the decision (match, match-many or candidate)."""
    fields = [
        ("left_dataset", pa.string()),
        ("left_id", pa.string()),
        ("right_dataset", pa.string()),
        ("right_id", pa.string()),
        ("km", pa.float64()),
        ("days", pa.int32()),
        ("via", pa.string()),
    ]
    for c in comparisons:
        fields += [(f"{c}_level", _LEVEL), (f"{c}_weight", pa.float32())]
    fields += [
        ("prior_weight", pa.float32()),
        ("match_weight", pa.float32()),
        ("match_probability", pa.float64()),
        ("match_probability_1to1", pa.float64()),
        ("decision", pa.string()),
    ]
    return pa.schema(fields)


LINKS_SCHEMA = links_schema()


def _links(s: Scored, left: Side, right: Side, p: MatchParams) -> pa.Table:
    keep = np.flatnonzero((s.decision > 0) | (s.prob >= p.list_threshold))
    li, ri = s.pairs.li[keep], s.pairs.ri[keep]
    order = np.lexsort((-s.prob[keep], ri, li))
    keep, li, ri = keep[order], li[order], ri[order]
    km = s.pairs.km[keep].astype(np.float64)
    cols: dict[str, Any] = {
        "left_dataset": pa.array(left.dataset_names()[li].tolist(), pa.string()),
        "left_id": pc.take(left.ids, pa.array(li, pa.int64())),
        "right_dataset": pa.array(right.dataset_names()[ri].tolist(), pa.string()),
        "right_id": pc.take(right.ids, pa.array(ri, pa.int64())),
        "km": pa.array(np.round(km, 3), pa.float64(), mask=np.isnan(km)),
        "days": pa.array(s.pairs.gap[keep], pa.int32()),
        "via": pa.array(np.where(s.pairs.via_region[keep], "region", "distance").tolist(), pa.string()),
    }
    for c in s.comparisons:
        lv = s.levels[c.name][keep]
        names = pa.array([*c.levels, "unknown"], pa.string())
        idx = np.where(lv >= 0, lv, len(c.levels)).astype(np.int8)
        cols[f"{c.name}_level"] = pa.DictionaryArray.from_arrays(pa.array(idx, pa.int8()), names)
        cols[f"{c.name}_weight"] = pa.array(np.round(s.weights[c.name][keep], 3), pa.float32())
    cols["prior_weight"] = pa.array(np.round(s.prior[keep], 3), pa.float32())
    cols["match_weight"] = pa.array(np.round(s.weight[keep], 3), pa.float32())
    cols["match_probability"] = pa.array(np.round(s.prob[keep], 6), pa.float64())
    cols["match_probability_1to1"] = pa.array(np.round(s.prob1[keep], 6), pa.float64())
    cols["decision"] = pa.array(np.array(DECISIONS, dtype=object)[s.decision[keep]].tolist(), pa.string())
    schema = links_schema([c.name for c in s.comparisons])
    models = {f"{a}|{b}": m.summary() for (a, b), m in s.models.items()}
    meta = {b"kzevents_model": json.dumps({"params": _params(p), "models": models}).encode()}
    return pa.table(cols, schema=schema).replace_schema_metadata(meta)


def _params(p: MatchParams) -> dict[str, Any]:
    return {k: (list(v) if isinstance(v, tuple) else v) for k, v in attrs.asdict(p).items()}


def match(left: pa.Table, right: pa.Table, params: MatchParams | None = None, **kwargs: Any) -> pa.Table:
    """Links between the events of two canonical tables (README, "Matching"). The fitted model of each
    dataset pair (lambda, m, u and weight per level) is in the schema metadata key ``kzevents_model``."""
    p = params or MatchParams(**kwargs)
    a, b = _prepare(left, p), _prepare(right, p)
    return _links(score(a, b, p), a, b, p)


def _prepare(t: pa.Table, p: MatchParams) -> Side:
    side = prepare(t, p.actor_crosswalks, p.max_span_days)
    pa.default_memory_pool().release_unused()  # the encodings' scratch memory
    return side


def models_of(links: pa.Table) -> dict[str, Any]:
    """The fitted models recorded in a links table (see :func:`match`)."""
    meta = links.schema.metadata or {}
    raw = meta.get(b"kzevents_model")
    return dict(json.loads(raw)) if raw else {}


def merge(
    tables: Sequence[pa.Table], params: MatchParams | None = None, **kwargs: Any
) -> tuple[pa.Table, pa.Table, dict[str, Any]]:
    """De-duplicated union of several canonical tables.

    Tables are merged in order; when events match, the row of the earlier table is kept (precedence = the
    order given: put the most trusted or most detailed dataset first) and its ``provenance`` lists every
    ``dataset:id`` collapsed into it. Returns (merged table, links, summary). The summary counts, per
    input, its rows, how many of them are linked to a row of another input (``linked``), how many were
    folded into an earlier row (``collapsed``), how many the union keeps as rows of their own (``kept``)
    and how many stand for several events and are never linked (``coarse``); and it records each step's
    fitted models.
    """
    p = params or MatchParams(**kwargs)
    tables = [canonical.conform(t) for t in tables]
    merged = _with_provenance(tables[0])
    linked: list[set[str]] = [set() for _ in tables]
    collapsed: list[set[str]] = [set() for _ in tables]
    origin = np.zeros(tables[0].num_rows, np.int64)  # input index of each merged row
    all_links = []
    steps = []
    coarse = []
    for k, t in enumerate(tables):
        side = _prepare(t, p)
        coarse.append(int(side.coarse.sum()))
        if k == 0:
            continue
        a = _prepare(merged, p)
        s = score(a, side, p)
        links = _links(s, a, side, p)
        all_links.append(links)
        steps.append({"step": k, "models": models_of(links)["models"]})
        is_link = s.decision > 0
        li, ri = s.pairs.li[is_link], s.pairs.ri[is_link]
        right_ids = pc.take(side.ids, pa.array(ri, pa.int64())).to_pylist()
        left_ids = pc.take(a.ids, pa.array(li, pa.int64())).to_pylist()
        for row, lid in zip(li.tolist(), left_ids, strict=True):
            linked[int(origin[row])].add(lid)
        linked[k] |= set(right_ids)
        collapsed[k] |= set(right_ids)
        # right rows that duplicate a merged row: their ids join that row's provenance
        ds = side.dataset_names()[ri]
        extra: dict[int, list[str]] = {}
        for row, d, rid in zip(li.tolist(), ds.tolist(), right_ids, strict=True):
            extra.setdefault(row, []).append(f"{d}:{rid}")
        if extra:
            prov = merged.column("provenance").to_pylist()
            for row, more in extra.items():
                prov[row] = (prov[row] or []) + more
            idx = merged.schema.get_field_index("provenance")
            merged = merged.set_column(idx, merged.schema.field(idx), pa.array(prov, pa.list_(pa.string())))
        dup = np.zeros(t.num_rows, bool)
        dup[ri] = True
        new_rows = _with_provenance(t.filter(pa.array(~dup)))
        merged = pa.concat_tables([merged, new_rows.cast(merged.schema)], promote_options="none")
        origin = np.concatenate([origin, np.full(new_rows.num_rows, k, np.int64)])
    summary: dict[str, Any] = {"datasets": [], "params": _params(p)}
    for k, t in enumerate(tables):
        name = str(t.column("dataset")[0]) if t.num_rows else "?"
        summary["datasets"].append(
            {
                "dataset": name,
                "rows": t.num_rows,
                "linked": len(linked[k]),
                "collapsed": len(collapsed[k]),
                "kept": t.num_rows - len(collapsed[k]),
                "coarse": coarse[k],
            }
        )
    summary["merged_rows"] = merged.num_rows
    summary["steps"] = steps
    links_all = (
        pa.concat_tables([x.replace_schema_metadata(None) for x in all_links])
        if all_links
        else links_schema(p.comparisons).empty_table()
    )
    return merged.unify_dictionaries().combine_chunks(), links_all, summary


def _with_provenance(t: pa.Table) -> pa.Table:
    """``provenance`` set to the row's own ``dataset:id`` where it is empty."""
    t = t.cast(canonical.schema(), safe=False) if t.schema.names == canonical.schema().names else t
    idx = t.schema.get_field_index("provenance")
    own = pc.binary_join_element_wise(t.column("dataset").cast(pa.string()), t.column("event_id"), ":")
    own = own.combine_chunks() if isinstance(own, pa.ChunkedArray) else own
    single = pa.ListArray.from_arrays(pa.array(np.arange(len(own) + 1), pa.int32()), own)
    current = t.column(idx).combine_chunks()
    empty = pc.fill_null(pc.equal(pc.list_value_length(current), 0), True)
    values = pc.if_else(empty, single, current)
    return t.set_column(idx, t.schema.field(idx), values)
