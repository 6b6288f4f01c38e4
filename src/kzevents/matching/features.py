"""Per-event features the comparisons need, computed once per table and never per pair: what happened
(nature), the fatality range, the actor keys of each side, the publishers. Python runs once per distinct
value or combination (actor names, publisher names); rows get their codes by Arrow take/index_in."""

from __future__ import annotations

import functools

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kzevents.arrays import combinations
from kzevents.matching import reference as ref
from kzevents.matching.actors import CIVILIANS, CROWD, Keys, side_keys
from kzevents.matching.names import fold, split_multi


def column(t: pa.Table, name: str, typ: pa.DataType | None = None) -> pa.Array:
    """One column as a plain array (dictionaries decoded), all nulls when the table lacks it (a table
    of an older canonical schema or one made by hand)."""
    if name not in t.column_names:
        return pa.nulls(t.num_rows, typ or pa.string())
    c = t.column(name)
    a = c.combine_chunks() if isinstance(c, pa.ChunkedArray) else c
    if pa.types.is_dictionary(a.type):
        a = a.cast(a.type.value_type)
    return a.cast(typ) if typ is not None and a.type != typ else a


def raw(t: pa.Table, name: str, typ: pa.DataType | None = None) -> pa.ChunkedArray | pa.Array:
    """One column as it is (chunked, dictionary-encoded or not: no copy), all nulls when missing."""
    if name not in t.column_names:
        return pa.nulls(t.num_rows, typ or pa.string())
    return t.column(name)


def floats(a: pa.Array) -> np.ndarray:
    return np.asarray(pc.fill_null(a.cast(pa.float64()), np.nan).to_numpy(zero_copy_only=False), np.float64)


def _map(values: pa.Array, table: dict[str, str]) -> pa.Array:
    keys = pa.array(list(table), pa.string())
    return pc.take(pa.array(list(table.values()), pa.string()), pc.index_in(values, value_set=keys))


def natures(t: pa.Table, datasets: pa.Array, civ2: np.ndarray) -> np.ndarray:
    """What happened, per row (int8 code into ``reference.natures()``, -1 unknown): each dataset's own type
    through its table, the "kzevents" table on ``event_type`` as the fallback, then the derived natures
    (harm to civilians)."""
    out = pa.nulls(t.num_rows, pa.string())
    fallback = None
    for dataset, col, table in ref.nature_tables():
        mapped = _map(column(t, col), table)
        if dataset == "kzevents":
            fallback = mapped
        mine = pc.fill_null(pc.equal(datasets, pa.scalar(dataset)), False)
        out = pc.if_else(mine, pc.coalesce(out, mapped), out)
    if fallback is not None:
        out = pc.coalesce(out, fallback)
    names = ref.natures()
    codes = pc.fill_null(pc.index_in(out, value_set=pa.array(names, pa.string())), -1)
    nature = np.asarray(codes.to_numpy(zero_copy_only=False), np.int8).copy()
    derived = ref.derived_natures()
    for a, b in derived.get("civilian_victims", {}).items():
        nature[(nature == names.index(a)) & civ2] = names.index(b)
    best = floats(column(t, "fatalities_best"))
    civ = floats(column(t, "deaths_civilians"))
    for a, b in derived.get("all_dead_civilians", {}).items():
        nature[(nature == names.index(a)) & (best > 0) & (civ == best)] = names.index(b)
    return nature


def fatality_range(t: pa.Table) -> tuple[np.ndarray, np.ndarray]:
    """(low, high) deaths per row as floats (GED's low/best/high as a range; one figure elsewhere), nan
    where unknown: no figure, or a figure the dataset marks as not known (``fatalities_known`` false)."""
    best = floats(column(t, "fatalities_best"))
    lo = floats(column(t, "fatalities_low"))
    hi = floats(column(t, "fatalities_high"))
    lo = np.where(np.isnan(lo), best, lo)
    hi = np.where(np.isnan(hi), best, hi)
    lo, hi = np.fmin(lo, hi), np.fmax(lo, hi)
    known = column(t, "fatalities_known", pa.bool_())
    unknown = np.asarray(pc.fill_null(pc.invert(known), False).to_numpy(zero_copy_only=False), bool)
    lo[unknown] = np.nan
    hi[unknown] = np.nan
    return lo.astype(np.float32), hi.astype(np.float32)


def _joined(t: pa.Table, name: str) -> pa.Array:
    """A list column as one string per row ('\\x1f'-joined), for combination keys."""
    a = column(t, name, pa.list_(pa.string()))
    return pc.binary_join(a, "\x1f")


def actor_sides(
    t: pa.Table, datasets: pa.Array, iso3: pa.Array, extra: tuple[str, ...]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[Keys]]:
    """Per row: the codes of its two sides' actor keys (into the returned list of :class:`Keys`) and
    whether side 2 are civilians or crowds. Resolved once per distinct combination of the actor columns."""
    info = ref.dataset_info()
    cols = [
        column(t, "actor1"),
        column(t, "actor1_gtd_name"),  # GTD's spelling of actor1: an alias of the same side
        _joined(t, "assoc_actor_1"),
        column(t, "actor2"),
        _joined(t, "assoc_actor_2"),
        iso3,
        datasets,
    ]
    values, row_combo = combinations(cols)
    py = [v.to_pylist() for v in values]
    vocab: dict[Keys, int] = {}
    n = len(py[0])
    k1 = np.empty(n, np.int32)
    k2 = np.empty(n, np.int32)
    civ = np.zeros(n, bool)
    for i, (a1, g1, s1, a2, s2, c, ds) in enumerate(zip(*py, strict=True)):
        names1 = split_multi(a1) + ([g1] if g1 and g1 != a1 else [])
        target = info.get(ds or "", {}).get("actor2") == "target"
        names2 = [] if target else split_multi(a2)
        side1 = side_keys(names1, _assoc(s1), c, extra)
        side2 = side_keys(names2, [] if target else _assoc(s2), c, extra)
        k1[i] = vocab.setdefault(side1, len(vocab))
        k2[i] = vocab.setdefault(side2, len(vocab))
        civ[i] = bool({CIVILIANS, CROWD} & side2.agree)
    idx = np.asarray(row_combo.to_numpy(zero_copy_only=False), np.int64)
    return k1[idx], k2[idx], civ[idx], list(vocab)


def _assoc(joined: str | None) -> list[str]:
    return [x for part in (joined or "").split("\x1f") for x in split_multi(part)]


@functools.cache
def _source_rules() -> tuple[frozenset[str], dict[str, str]]:
    s = ref.taxonomy()["sources"]
    return frozenset(s["drop_words"]), {k.replace(" ", ""): v for k, v in s["aliases"].items()}


def source_key(name: str) -> str:
    drop, aliases = _source_rules()
    f = " ".join(w for w in fold(name).split() if w not in drop)
    return aliases.get(f.replace(" ", ""), f)


def sources(t: pa.Table) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """The publishers of each row, exploded: (row index, publisher code) and the publisher vocabulary
    (folded; see taxonomy.toml [sources])."""
    lists = column(t, "source_names", pa.list_(pa.string()))
    flat = pc.list_flatten(lists)
    parent = np.asarray(pc.list_parent_indices(lists).to_numpy(zero_copy_only=False), np.int64)
    if len(flat) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int32), []
    enc = pc.dictionary_encode(pc.fill_null(flat, ""))
    keys = [source_key(x) for x in enc.dictionary.to_pylist()]
    vocab = sorted({k for k in keys if k})
    where = {k: i for i, k in enumerate(vocab)}
    remap = np.array([where.get(k, -1) for k in keys], np.int32)
    codes = remap[np.asarray(enc.indices.to_numpy(zero_copy_only=False), np.int64)]
    keep = codes >= 0
    return parent[keep], codes[keep], vocab
