"""Cross-field rules that JSON Schema cannot say, vectorised over a batch of string columns.

Each rule returns (mask of failing rows, column to report, rule code, message).
"""

from __future__ import annotations

import functools

import pyarrow as pa
import pyarrow.compute as pc

from kzevents import crosswalk
from kzevents.derive import interaction_code
from kzevents.validation import cross_rule

Failure = tuple[pa.Array, str, str, str]


def _col(t: pa.Table, name: str) -> pa.Array:
    return t.column(name).combine_chunks().cast(pa.string())


def _pairs(t: pa.Table, a: str, b: str) -> pa.Array:
    return pc.binary_join_element_wise(_col(t, a), _col(t, b), "|")


@functools.cache
def _acled_sets() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    cw = crosswalk.get("acled")
    subs = frozenset(f"{et}|{s}" for et, ss in cw.maps["sub_event_types"].items() for s in ss)
    disorder = frozenset(f"{s}|{d}" for s, d in cw.maps["disorder_type"].items())
    labels = {int(v): k for k, v in cw.maps["inter_code"].items()}
    texts = {int(k): v for k, v in cw.maps["interaction_text"].items()}
    triples = set()
    for a in range(1, 9):
        for b in range(0, 9):
            code = interaction_code(a, b or None)
            for ra in (str(a), labels[a]):
                for rb in ("", "0") if b == 0 else (str(b), labels[b]):
                    for ri in (str(code), texts[code]):
                        triples.add(f"{ra}|{rb}|{ri}")
    return subs, disorder, frozenset(triples)


@cross_rule("acled")
def acled_rules(t: pa.Table) -> list[Failure]:
    subs, disorder, triples = _acled_sets()
    out: list[Failure] = []
    names = set(t.column_names)
    if {"event_type", "sub_event_type"} <= names:
        ok = pc.is_in(_pairs(t, "event_type", "sub_event_type"), value_set=pa.array(sorted(subs)))
        known_types = {x.split("|", 1)[0] for x in subs}
        known_subs = {x.split("|", 1)[1] for x in subs}
        unknown = pc.or_(
            pc.invert(pc.is_in(_col(t, "event_type"), value_set=pa.array(sorted(known_types)))),
            pc.invert(pc.is_in(_col(t, "sub_event_type"), value_set=pa.array(sorted(known_subs)))),
        )
        ok = pc.or_(ok, unknown)
        out.append(
            (
                pc.invert(ok),
                "sub_event_type",
                "sub-event-type",
                "sub_event_type does not belong to event_type",
            )
        )
    if {"sub_event_type", "disorder_type"} <= names:
        ok = pc.is_in(_pairs(t, "sub_event_type", "disorder_type"), value_set=pa.array(sorted(disorder)))
        # a value that is no disorder type at all is the schema's finding; do not report it twice
        known = {d.split("|", 1)[1] for d in disorder}
        ok = pc.or_(ok, pc.invert(pc.is_in(_col(t, "disorder_type"), value_set=pa.array(sorted(known)))))
        out.append(
            (pc.invert(ok), "disorder_type", "disorder-type", "disorder_type does not match sub_event_type")
        )
    if {"event_date", "year"} <= names:
        ok = pc.equal(pc.utf8_slice_codeunits(_col(t, "event_date"), 0, 4), _col(t, "year"))
        out.append((pc.invert(ok), "year", "year", "year does not match event_date"))
    if {"inter1", "inter2", "interaction"} <= names:
        joined = pc.binary_join_element_wise(
            _col(t, "inter1"), _col(t, "inter2"), _col(t, "interaction"), "|"
        )
        ok = pc.is_in(joined, value_set=pa.array(sorted(triples)))
        out.append(
            (pc.invert(ok), "interaction", "interaction", "interaction does not match inter1 and inter2")
        )
    if {"actor2", "inter2"} <= names:
        no_actor = pc.equal(_col(t, "actor2"), "")
        no_type = pc.is_in(_col(t, "inter2"), value_set=pa.array(["", "0"]))
        out.append(
            (
                pc.not_equal(no_actor, no_type),
                "inter2",
                "inter2",
                "inter2 must be blank/0 exactly when actor2 is",
            )
        )
    return out
