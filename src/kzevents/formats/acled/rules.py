"""ACLED's cross-field rules that JSON Schema cannot say, vectorised over a batch of string columns:
sub-event type within event type, disorder type, year of the date, interaction of inter1/inter2, inter2
blank exactly when actor2 is (reference/acled.md §3-4).

Each rule returns (mask of failing rows, column to report, rule code, message).
"""

from __future__ import annotations

import functools

import pyarrow as pa
import pyarrow.compute as pc

from kzevents.arrays import lit, spread, strings, whole
from kzevents.formats import crosswalk
from kzevents.formats.acled.export import interaction_code
from kzevents.validation.engine import Failure


def _col(t: pa.Table, name: str) -> pa.Array:
    """A column as strings, or as the dictionary array it was read as (decoding it would cost a copy)."""
    col = whole(t.column(name))
    return col if pa.types.is_dictionary(col.type) else col.cast(pa.string())


def _joined_in(t: pa.Table, names: list[str], allowed: frozenset[str]) -> pa.Array:
    """Whether "a|b(|c)" of the named columns is in ``allowed``, decided once per distinct combination."""
    value_set = strings(tuple(sorted(allowed)))

    def check(values: list[pa.Array]) -> pa.Array:
        return pc.is_in(pc.binary_join_element_wise(*values, lit("|", pa.string())), value_set=value_set)

    return spread([_col(t, n) for n in names], check)


def _in(t: pa.Table, name: str, allowed: set[str]) -> pa.Array:
    value_set = strings(tuple(sorted(allowed)))
    return spread([_col(t, name)], lambda v: pc.is_in(v[0], value_set=value_set))


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


def acled_rules(t: pa.Table) -> list[Failure]:
    subs, disorder, triples = _acled_sets()
    out: list[Failure] = []
    names = set(t.column_names)
    if {"event_type", "sub_event_type"} <= names:
        ok = _joined_in(t, ["event_type", "sub_event_type"], subs)
        known_types = {x.split("|", 1)[0] for x in subs}
        known_subs = {x.split("|", 1)[1] for x in subs}
        unknown = pc.or_(
            pc.invert(_in(t, "event_type", known_types)), pc.invert(_in(t, "sub_event_type", known_subs))
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
        ok = _joined_in(t, ["sub_event_type", "disorder_type"], disorder)
        # a value that is no disorder type at all is the schema's finding; do not report it twice
        known = {d.split("|", 1)[1] for d in disorder}
        ok = pc.or_(ok, pc.invert(_in(t, "disorder_type", known)))
        out.append(
            (pc.invert(ok), "disorder_type", "disorder-type", "disorder_type does not match sub_event_type")
        )
    if {"event_date", "year"} <= names:

        def same_year(v: list[pa.Array]) -> pa.Array:
            return pc.equal(pc.utf8_slice_codeunits(v[0], 0, 4), v[1])

        ok = spread([_col(t, "event_date"), _col(t, "year")], same_year)
        out.append((pc.invert(ok), "year", "year", "year does not match event_date"))
    if {"inter1", "inter2", "interaction"} <= names:
        ok = _joined_in(t, ["inter1", "inter2", "interaction"], triples)
        out.append(
            (pc.invert(ok), "interaction", "interaction", "interaction does not match inter1 and inter2")
        )
    if {"actor2", "inter2"} <= names:
        no_actor = pc.equal(pc.binary_length(_col(t, "actor2")), lit(0, pa.int32()))
        no_type = _in(t, "inter2", {"", "0"})
        out.append(
            (
                pc.not_equal(no_actor, no_type),
                "inter2",
                "inter2",
                "inter2 must be blank/0 exactly when actor2 is",
            )
        )
    return out
