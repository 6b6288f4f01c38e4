"""The comparisons that read names and text (place names, publishers) and the term-frequency adjustments.

- **place**: the two settlement names agree (fuzzy, on distinct name pairs), or one side's place is named
  in the other's text (ACLED notes, GED ``where_description`` and headlines: every token of 4+ letters of
  the name, compared through a transliteration key, so "Pul-e Khumri" is found in "Pul-i-Kumri"), or
  the admin-2 names agree, or both have names and none of this holds. Unknown for a pair of points
  within 2 km (the distance comparison already counts it) and when either row is region-level (the
  distance comparison compares its region and district). Text is tokenised with Arrow kernels, only
  for the rows of the pairs asked about.
- **source**: the rows share a publisher (folded names, ``exporters/taxonomy.toml`` [sources]).
- **term frequency** (as Splink's): agreeing on a value that many events of the same country and month
  carry (a city centroid, "Tijuana", "Russia vs Ukraine" in Ukraine, a national outlet) is weaker
  evidence than agreeing on a rare one. Each function gives, per pair, how common the agreed value is.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kzevents.matching import reference as ref
from kzevents.matching.names import fold, places_agree, skeleton
from kzevents.matching.pairs import Pairs, per_distinct
from kzevents.matching.sides import Side

PLACE_LEVELS = ("same_name", "named_in_other", "same_admin2", "different")
TF_PSEUDO = 10.0  # pseudo-events per country-month: a month with one event says little


def _same(vocab: tuple[str, ...]) -> Callable[[int, int], int]:
    return lambda a, b: -1 if a < 0 or b < 0 else int(a == b or places_agree(vocab[a], vocab[b]))


def same_admin2(p: Pairs) -> np.ndarray:
    """1 where both rows name the same district (fuzzy), 0 different districts, -1 unknown."""
    ladm, radm, avocab = p.ctx.unified("admin2")
    return per_distinct(ladm[p.li], radm[p.ri], _same(avocab))


def place(p: Pairs) -> np.ndarray:
    left, right = p.left, p.right
    lloc, rloc, vocab = p.ctx.unified("location")
    x, y = lloc[p.li], rloc[p.ri]
    same_loc = per_distinct(x, y, _same(vocab)) == 1
    same_adm = same_admin2(p) == 1
    named = (x >= 0) & (y >= 0)
    both_points = (
        (left.unit_class[p.li] == 0) & (right.unit_class[p.ri] == 0) & ~np.isnan(p.km) & ~(p.km <= 2.0)
    )
    need = np.flatnonzero(both_points & ~same_loc)
    mention = np.zeros(len(p), bool)
    mutual = np.zeros(len(p), bool)
    if len(need):
        sub = p.subset(need)
        lr = _mentions(sub, left, right, lloc, sub.li, sub.ri, reverse=False)
        rl = _mentions(sub, right, left, rloc, sub.ri, sub.li, reverse=True)
        mention[need], mutual[need] = lr | rl, lr & rl
    out = np.where(named, 3, -1)
    out = np.where(same_adm, 2, out)
    out = np.where(mention, 1, out)
    # each names the other's place ("Surkh Kotal village" / "the Sorkh Kotal area of Pul-e Khumri"): as
    # good as the same name
    out = np.where(same_loc | mutual, 0, out)
    return np.where(both_points, out, -1).astype(np.int8)


def _text_keys(p: Pairs, side: Side, rows: np.ndarray, which: str) -> tuple[np.ndarray, int]:
    """Sorted int64 keys (row * V + token key) of the tokens in the text of ``rows`` of ``side``."""
    tokens: dict[str, int] = p.ctx.cache.setdefault("tokens", {})  # type: ignore[assignment]
    uniq = np.unique(rows)
    texts = [pc.take(a, pa.array(uniq)) for a in side.text]
    loc = _vocab_array(p, which, "location", uniq)
    adm = _vocab_array(p, which, "admin2", uniq)
    joined = pc.binary_join_element_wise(*[pc.fill_null(t, "") for t in [*texts, loc, adm]], " ")
    parent, words = _tokenise(joined)
    enc = pc.dictionary_encode(words)
    ids = np.array([_key_id(tokens, w) for w in enc.dictionary.to_pylist()] or [0], np.int64)
    tok = ids[np.asarray(enc.indices.to_numpy(zero_copy_only=False), np.int64)] if len(words) else ids[:0]
    rows_of = uniq[parent] if len(parent) else parent
    return np.unique(rows_of.astype(np.int64) * KEY_SPACE + tok), KEY_SPACE


KEY_SPACE = 1 << 24  # token keys per row (a vocabulary larger than this is an error, checked below)


def _key_id(tokens: dict[str, int], word: str) -> int:
    k = skeleton(word)
    if k not in tokens:
        if len(tokens) >= KEY_SPACE:
            raise ValueError("too many distinct words for the place-mention comparison")
        tokens[k] = len(tokens)
    return tokens[k]


def _vocab_array(p: Pairs, which: str, name: str, rows: np.ndarray) -> pa.Array:
    lc, rc, vocab = p.ctx.unified(name)
    codes = (lc if which == "left" else rc)[rows]
    values = np.array([*vocab, ""], dtype=object)[np.where(codes >= 0, codes, len(vocab))]
    return pa.array(values.tolist(), pa.string())


def _tokenise(text: pa.Array) -> tuple[np.ndarray, pa.Array]:
    """(row, word) of every word of 4+ letters: NFKD, accents dropped, lower case, split at anything
    that is not a letter or digit (the same folding as :func:`kzevents.matching.names.fold`)."""
    s = pc.utf8_normalize(text, form="NFKD")
    s = pc.replace_substring_regex(s, pattern=r"\p{Mn}|'|\x{2019}", replacement="")
    s = pc.replace_substring_regex(pc.utf8_lower(s), pattern=r"[^a-z0-9]+", replacement=" ")
    lists = pc.split_pattern(pc.utf8_trim_whitespace(s), " ")
    words = pc.list_flatten(lists)
    parent = np.asarray(pc.list_parent_indices(lists).to_numpy(zero_copy_only=False), np.int64)
    keep = pc.greater_equal(pc.utf8_length(words), 4)
    return parent[np.asarray(keep.to_numpy(zero_copy_only=False), bool)], pc.filter(words, keep)


def _mentions(
    p: Pairs, a: Side, b: Side, a_loc: np.ndarray, ai: np.ndarray, bi: np.ndarray, reverse: bool
) -> np.ndarray:
    """Every word (4+ letters) of a's place name occurs in b's text, per pair."""
    tokens: dict[str, int] = p.ctx.cache.setdefault("tokens", {})  # type: ignore[assignment]
    _, _, vocab = p.ctx.unified("location")
    codes = a_loc[ai]
    ok = codes >= 0
    if not ok.any():
        return np.zeros(len(ai), bool)
    names = np.unique(codes[ok])
    words = {int(c): [_key_id(tokens, w) for w in vocab[c].split() if len(w) >= 4] for c in names}
    count = np.array([len(words.get(int(c), [])) if c >= 0 else 0 for c in codes], np.int64)
    has = count > 0
    if not has.any():
        return np.zeros(len(ai), bool)
    present, space = _text_keys(p, b, bi[has], "left" if reverse else "right")
    pair = np.repeat(np.flatnonzero(has), count[has])
    flat = np.concatenate([np.array(words[int(c)], np.int64) for c in codes[has]])
    keys = bi[pair].astype(np.int64) * space + flat
    found = np.isin(keys, present, assume_unique=False)
    hits = np.bincount(pair, weights=found, minlength=len(ai))
    return np.asarray(has & (hits == count))


# --- neighbourhoods named in the text --------------------------------------------------------------------

NEIGHBOURHOOD_LEVELS = ("same", "different")


@functools.cache
def _neighbourhood_regex() -> str:
    spec = ref.taxonomy()["neighbourhood"]
    words = r"[\p{Lu}][\p{L}'\x{2019}-]+"
    conn = "|".join(spec["connectors"])
    name = rf"{words}(?:\s+(?:(?:{conn})\s+)?{words}){{0,3}}"
    before = "|".join(re.escape(w) for w in spec["before_name"])
    after = "|".join(re.escape(w) for w in spec["after_name"])
    return rf"(?:(?i:\b(?:{before}))\s+(?P<a>{name}))|(?:(?P<b>{name})\s+(?i:{after})\b)"


def _neighbourhoods(p: Pairs, side: Side, rows: np.ndarray, which: str) -> np.ndarray:
    """The folded neighbourhood name each row's text gives (a code into the context's shared
    vocabulary, -1 none), for ``rows``."""
    vocab: dict[str, int] = p.ctx.cache.setdefault("neighbourhoods", {})  # type: ignore[assignment]
    cache: dict[str, np.ndarray] = p.ctx.cache.setdefault(f"neighbourhood:{which}", {})  # type: ignore[assignment]
    if "codes" not in cache:
        cache["codes"] = np.full(side.n, -2, np.int64)  # -2: not read yet
    codes = cache["codes"]
    todo = np.unique(rows[codes[rows] == -2])
    if len(todo):
        parts = [pc.fill_null(pc.take(a, pa.array(todo)), "") for a in side.text]
        joined = pc.binary_join_element_wise(*parts, " ; ")
        found = pc.extract_regex(joined, _neighbourhood_regex())
        names = pc.coalesce(
            pc.if_else(pc.equal(found.field("a"), ""), pa.scalar(None, pa.string()), found.field("a")),
            found.field("b"),
        ).to_pylist()
        got = [vocab.setdefault(fold(x), len(vocab)) if x else -1 for x in names]
        codes[todo] = np.array(got, np.int64)
    return np.asarray(codes[rows])


def neighbourhood(p: Pairs) -> np.ndarray:
    """Both texts name a neighbourhood: the same one (fuzzy) or different ones; unknown otherwise."""
    a = _neighbourhoods(p, p.left, p.li, "left")
    b = _neighbourhoods(p, p.right, p.ri, "right")
    vocab: dict[str, int] = p.ctx.cache["neighbourhoods"]  # type: ignore[assignment]
    names = {v: k for k, v in vocab.items()}

    def level(x: int, y: int) -> int:
        if x < 0 or y < 0:
            return -1
        return 0 if x == y or places_agree(names[x], names[y]) else 1

    return per_distinct(a, b, level)


# --- publishers ----------------------------------------------------------------------------------------


def _shared_sources(p: Pairs) -> tuple[np.ndarray, np.ndarray]:
    """(pair index, publisher code in the left vocabulary) for every publisher both rows name."""
    left, right = p.left, p.right
    where = {v: i for i, v in enumerate(left.src_vocab)}
    rmap = np.array([where.get(v, -1) for v in right.src_vocab] + [-1], np.int64)
    r_codes = rmap[right.src_code] if len(right.src_code) else np.zeros(0, np.int64)
    space = max(len(left.src_vocab), 1)
    r_keys = np.unique(right.src_row.astype(np.int64) * space + r_codes)
    # left publishers of each pair's left row
    order = np.argsort(left.src_row, kind="stable")
    rows_sorted = left.src_row[order]
    start = np.searchsorted(rows_sorted, p.li, "left")
    stop = np.searchsorted(rows_sorted, p.li, "right")
    cnt = stop - start
    pair = np.repeat(np.arange(len(p)), cnt)
    offs = np.arange(int(cnt.sum())) - np.repeat(np.cumsum(cnt) - cnt, cnt)
    codes = left.src_code[order[np.repeat(start, cnt) + offs]].astype(np.int64)
    hit = np.isin(p.ri[pair].astype(np.int64) * space + codes, r_keys)
    return pair[hit], codes[hit]


def source(p: Pairs) -> np.ndarray:
    has_l = np.zeros(p.left.n, bool)
    has_l[p.left.src_row] = True
    has_r = np.zeros(p.right.n, bool)
    has_r[p.right.src_row] = True
    pair, _ = _shared_sources(p)
    shared = np.zeros(len(p), bool)
    shared[pair] = True
    return np.where(has_l[p.li] & has_r[p.ri], np.where(shared, 0, 1), -1).astype(np.int8)


# --- term frequencies ------------------------------------------------------------------------------------


def _months(side: Side) -> np.ndarray:
    return side.lo.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)


def frequency(side: Side, values: np.ndarray) -> np.ndarray:
    """Per row: the share of the other events of its country and month that carry the same value
    (smoothed with TF_PSEUDO pseudo-events; 0 where the value is missing)."""
    if side.n == 0:
        return np.zeros(0, np.float32)
    c = side.iso3.codes.astype(np.int64) + 1
    m = _months(side) - _months(side).min()
    v = values.astype(np.int64) + 1
    cm = c * (int(m.max()) + 1) + m
    _, inv_cm, n_cm = np.unique(cm, return_inverse=True, return_counts=True)
    _, inv_v, n_v = np.unique(cm * (int(v.max()) + 1) + v, return_inverse=True, return_counts=True)
    out = (n_v[inv_v] - 1) / np.maximum(n_cm[inv_cm] - 1 + TF_PSEUDO, 1)
    return np.where(values >= 0, out, 0.0).astype(np.float32)


def _cached(p: Pairs, name: str, fn: object) -> tuple[np.ndarray, np.ndarray]:
    key = f"tf:{name}"
    if key not in p.ctx.cache:
        p.ctx.cache[key] = (fn(p.left), fn(p.right))  # type: ignore[operator]
    return p.ctx.cache[key]  # type: ignore[return-value]


def place_tf(p: Pairs) -> np.ndarray:
    tl, tr = _cached(p, "place", lambda s: frequency(s, s.location.codes))
    return np.asarray(np.maximum(tl[p.li], tr[p.ri]))


def _spot(side: Side) -> np.ndarray:
    """A code per ~1 km cell of the coordinates (-1 without)."""
    xyz = np.nan_to_num(side.xyz)
    lat = np.round(np.degrees(np.arcsin(np.clip(xyz[:, 2], -1, 1))) * 100).astype(np.int64)
    lon = np.round(np.degrees(np.arctan2(xyz[:, 1], xyz[:, 0])) * 100).astype(np.int64)
    code = (lat + 9000) * 40000 + (lon + 18000)
    return np.where(side.has_xy, code, -1)


def spot_tf(p: Pairs) -> np.ndarray:
    tl, tr = _cached(p, "spot", lambda s: frequency(s, _spot(s)))
    return np.asarray(np.maximum(tl[p.li], tr[p.ri]))


def _profiles(side: Side) -> np.ndarray:
    """A code per distinct pair of armed actor sets (undirected)."""
    if side.n == 0:
        return np.zeros(0, np.int64)
    names = ["+".join(sorted(k.armed)) for k in side.actor_keys] or [""]
    vocab: dict[str, int] = {}

    def code(a: int, b: int) -> int:
        x, y = sorted((names[a], names[b]))
        return -1 if not (x or y) else vocab.setdefault(x + "|" + y, len(vocab))

    key = side.actor1.astype(np.int64) * (len(names) + 1) + side.actor2
    uniq, inv = np.unique(key, return_inverse=True)
    codes = np.array([code(int(k // (len(names) + 1)), int(k % (len(names) + 1))) for k in uniq], np.int64)
    return codes[inv]


def fatality_tf(p: Pairs) -> np.ndarray:
    """How common the agreed death toll is (one dead is common, twelve rare)."""

    def values(s: Side) -> np.ndarray:
        lo = s.fat_lo
        return np.where(np.isnan(lo), -1, np.minimum(np.nan_to_num(lo), 10_000)).astype(np.int64)

    tl, tr = _cached(p, "fatalities", lambda s: frequency(s, values(s)))
    return np.asarray(np.maximum(tl[p.li], tr[p.ri]))


def actor_tf(p: Pairs) -> np.ndarray:
    tl, tr = _cached(p, "actors", lambda s: frequency(s, _profiles(s)))
    return np.asarray(np.maximum(tl[p.li], tr[p.ri]))


SourceTable = tuple[np.ndarray, np.ndarray, int]


def _source_table(side: Side) -> SourceTable:
    """Per exploded (row, publisher), sorted by row * space + publisher: the share of the row's
    country-month events that cite the publisher (smoothed as :func:`frequency`)."""
    space = len(side.src_vocab) + 1
    if len(side.src_row) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.float32), space
    m = _months(side) - _months(side).min()
    c = side.iso3.codes.astype(np.int64) + 1
    row_cm = c * (int(m.max()) + 1) + m
    _, inv_row, n_cm = np.unique(row_cm, return_inverse=True, return_counts=True)
    cm = row_cm[side.src_row]
    _, inv, n = np.unique(cm * space + side.src_code, return_inverse=True, return_counts=True)
    freq = (n[inv] - 1) / np.maximum(n_cm[inv_row[side.src_row]] - 1 + TF_PSEUDO, 1)
    key = side.src_row.astype(np.int64) * space + side.src_code
    order = np.argsort(key, kind="stable")
    return key[order], freq[order].astype(np.float32), space


def _lookup(table: SourceTable, rows: np.ndarray, codes: np.ndarray) -> np.ndarray:
    keys, freq, space = table
    if len(keys) == 0:
        return np.zeros(len(rows), np.float32)
    q = rows.astype(np.int64) * space + codes
    pos = np.minimum(np.searchsorted(keys, q), len(keys) - 1)
    return np.where(keys[pos] == q, freq[pos], 0.0).astype(np.float32)


def source_tf(p: Pairs) -> np.ndarray:
    """For pairs sharing a publisher: how common the rarest shared publisher is (the larger of the two
    sides' shares); 0 elsewhere."""
    pair, codes = _shared_sources(p)
    out = np.zeros(len(p), np.float32)
    if len(pair) == 0:
        return out
    if "tf:source" not in p.ctx.cache:
        p.ctx.cache["tf:source"] = (_source_table(p.left), _source_table(p.right))
    tables: tuple[SourceTable, SourceTable] = p.ctx.cache["tf:source"]  # type: ignore[assignment]
    tl, tr = tables
    where = {v: i for i, v in enumerate(p.right.src_vocab)}
    to_right = np.array([where.get(v, -1) for v in p.left.src_vocab], np.int64)
    f = np.maximum(_lookup(tl, p.li[pair], codes), _lookup(tr, p.ri[pair], to_right[codes]))
    out[:] = np.inf
    np.minimum.at(out, pair, f)
    out[np.isinf(out)] = 0.0
    return out
