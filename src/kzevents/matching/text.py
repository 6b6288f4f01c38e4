"""The comparisons that read names and text (place names, publishers) and the term-frequency adjustments.

- **place**: the two settlement names agree (fuzzy, on distinct name pairs), or one side's place is named
  in the other's text (ACLED notes, GED ``where_description`` and headlines: every token of 4+ letters of
  the name, compared through a transliteration key, so "Pul-e Khumri" is found in "Pul-i-Kumri"), or
  the admin-2 names agree, or both have names and none of this holds. Unknown for a pair of points
  within 2 km (the distance comparison already counts it) and when either row is region-level (the
  distance comparison compares its region and district). Text is tokenised with Arrow kernels, only
  for the rows of the pairs asked about.
- **neighbourhood**: both texts name a neighbourhood (``exporters/taxonomy.toml`` [neighbourhood]), the
  same one or different ones.

Publishers and term frequencies are in :mod:`kzevents.matching.frequencies`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kzevents.matching import reference as ref
from kzevents.matching.names import fold, places_agree, places_agree_many, skeleton
from kzevents.matching.pairs import (
    Pairs,
    member,
    per_distinct,
    per_distinct_vectorised,
    sorted_unique,
)
from kzevents.matching.sides import Side

PLACE_LEVELS = ("same_name", "same_admin2", "different")
MENTION_LEVELS = ("mutual", "one_way", "none")


def _same(vocab: tuple[str, ...]) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    def fn(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.where((a < 0) | (b < 0), -1, places_agree_many(vocab, a, b).astype(np.int64))

    return fn


def same_admin2(p: Pairs) -> np.ndarray:
    """1 where both rows name the same district (fuzzy), 0 different districts, -1 unknown."""
    ladm, radm, avocab = p.ctx.unified("admin2")
    return per_distinct_vectorised(p.ctx, "admin2", ladm[p.li], radm[p.ri], _same(avocab))


def place(p: Pairs) -> np.ndarray:
    """same_name / same_admin2 / different for two named points more than 2 km apart; unknown else."""
    left, right = p.left, p.right
    lloc, rloc, vocab = p.ctx.unified("location")
    x, y = lloc[p.li], rloc[p.ri]
    same_loc = per_distinct_vectorised(p.ctx, "location", x, y, _same(vocab)) == 1
    same_adm = same_admin2(p) == 1
    named = (x >= 0) & (y >= 0)
    both_points = (
        (left.unit_class[p.li] == 0) & (right.unit_class[p.ri] == 0) & ~np.isnan(p.km) & ~(p.km <= 2.0)
    )
    out = np.where(same_loc, 0, np.where(same_adm, 1, np.where(named, 2, -1)))
    return np.where(both_points, out, -1).astype(np.int8)


def mention_possible(p: Pairs, levels: dict[str, np.ndarray]) -> np.ndarray:
    """Only two points with different settlement names can name each other's place."""
    return np.asarray(np.isin(levels["place"], (1, 2))) if "place" in levels else np.zeros(len(p), bool)


def mention(p: Pairs) -> np.ndarray:
    """Each names the other's place ("Surkh Kotal village" / "the Sorkh Kotal area of Pul-e Khumri"),
    one names the other's, or neither (for the pairs :func:`mention_possible` allows)."""
    left, right = p.left, p.right
    lloc, rloc, _ = p.ctx.unified("location")
    lr = _mentions(p, left, right, lloc, p.li, p.ri, reverse=False)
    rl = _mentions(p, right, left, rloc, p.ri, p.li, reverse=True)
    named = (lloc[p.li] >= 0) & (rloc[p.ri] >= 0)
    return np.where(named, np.where(lr & rl, 0, np.where(lr | rl, 1, 2)), -1).astype(np.int8)


TEXT_CHUNK = 100_000  # rows whose text is tokenised at once (bounds memory)


def _text_keys(p: Pairs, side: Side, rows: np.ndarray, which: str) -> tuple[np.ndarray, int]:
    """Sorted int64 keys (row * V + token key) of the tokens in the text of ``rows`` of ``side`` (and of
    every row tokenised before in this match: each row's text is read once)."""
    tokens: dict[str, int] = p.ctx.cache.setdefault("tokens", {})  # type: ignore[assignment]
    state: dict[str, np.ndarray] = p.ctx.cache.setdefault(f"text:{which}", {})  # type: ignore[assignment]
    if "done" not in state:
        state["done"], state["keys"] = np.zeros(side.n, bool), np.zeros(0, np.int64)
    todo = sorted_unique(rows[~state["done"][rows]])
    parts = [state["keys"]]
    for s0 in range(0, len(todo), TEXT_CHUNK):
        uniq = todo[s0 : s0 + TEXT_CHUNK]
        texts = [_take(a, uniq) for a in side.text]
        loc = _vocab_array(p, which, "location", uniq)
        adm = _vocab_array(p, which, "admin2", uniq)
        joined = pc.binary_join_element_wise(*[pc.fill_null(t, "") for t in [*texts, loc, adm]], " ")
        parent, words = _tokenise(joined)
        enc = pc.dictionary_encode(words)
        ids = np.array([_key_id(tokens, w) for w in enc.dictionary.to_pylist()] or [0], np.int64)
        tok = ids[np.asarray(enc.indices.to_numpy(zero_copy_only=False), np.int64)] if len(words) else ids[:0]
        rows_of = uniq[parent] if len(parent) else parent
        parts.append(sorted_unique(rows_of.astype(np.int64) * KEY_SPACE + tok))
    if len(todo):
        state["done"][todo] = True
        state["keys"] = np.sort(np.concatenate(parts))
    return state["keys"], KEY_SPACE


def _take(a: pa.Array | pa.ChunkedArray, rows: np.ndarray) -> pa.Array:
    out = pc.take(a, pa.array(rows, pa.int64()))
    return out.combine_chunks() if isinstance(out, pa.ChunkedArray) else out


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
    names = sorted_unique(codes[ok])
    words = {int(c): [_key_id(tokens, w) for w in vocab[c].split() if len(w) >= 4] for c in names}
    count = np.array([len(words.get(int(c), [])) if c >= 0 else 0 for c in codes], np.int64)
    has = count > 0
    if not has.any():
        return np.zeros(len(ai), bool)
    present, space = _text_keys(p, b, bi[has], "left" if reverse else "right")
    pair = np.repeat(np.flatnonzero(has), count[has])
    flat = np.concatenate([np.array(words[int(c)], np.int64) for c in codes[has]])
    keys = bi[pair].astype(np.int64) * space + flat
    found = member(present, keys)
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
    all_todo = sorted_unique(rows[codes[rows] == -2])
    for s0 in range(0, len(all_todo), TEXT_CHUNK):
        todo = all_todo[s0 : s0 + TEXT_CHUNK]
        parts = [pc.fill_null(_take(a, todo), "") for a in side.text]
        joined = pc.binary_join_element_wise(*parts, " ; ")
        found = pc.extract_regex(joined, _neighbourhood_regex())
        names = pc.coalesce(
            pc.if_else(pc.equal(found.field("a"), ""), pa.scalar(None, pa.string()), found.field("a")),
            found.field("b"),
        ).to_pylist()
        got = [vocab.setdefault(fold(x), len(vocab)) if x else -1 for x in names]
        codes[todo] = np.array(got, np.int64)
    return np.asarray(codes[rows])


_HOOD_WORDS = (
    r"(?i)colonia|col\.|fraccionamiento|fracc\.|bairro|barrio|quartier|neighbou?rhood"  # [neighbourhood]
)


def _may_name_hood(p: Pairs, side: Side, which: str) -> np.ndarray:
    """Rows whose text has one of the neighbourhood words (a fast literal scan, cached per match)."""
    key = f"hood-words:{which}"
    if key not in p.ctx.cache:
        flags = np.zeros(side.n, bool)
        for a in side.text:
            got = pc.fill_null(pc.match_substring_regex(a, _HOOD_WORDS), False)
            flags |= np.asarray(got.to_numpy(zero_copy_only=False), bool) if len(got) else flags
        p.ctx.cache[key] = flags
    return p.ctx.cache[key]  # type: ignore[return-value]


def neighbourhood_possible(p: Pairs, levels: dict[str, np.ndarray]) -> np.ndarray:
    return np.asarray(_may_name_hood(p, p.left, "left")[p.li] & _may_name_hood(p, p.right, "right")[p.ri])


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
