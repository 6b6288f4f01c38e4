"""Names as the matcher compares them: folding, actor-name parsing (the spec is the ``[normalise]`` table of
``exporters/actor_crosswalk.toml``), place-name tokens, and the fuzzy score (rapidfuzz).

Everything here works on *distinct* names (a few thousand actor names and some hundred thousand place
names even for a full ACLED download), never once per pair; the per-pair work is in
:mod:`kzevents.matching.comparisons`.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Any

import attrs
import numpy as np

from kzevents.resources import load_toml

_PUNCT = re.compile(r"[^0-9a-z]+")
_PAREN = re.compile(r"\(([^()]*)\)")
_TRAILING = re.compile(r"\(([^()]*)\)\s*$")


@functools.cache
def crosswalk_spec() -> dict[str, Any]:
    """The shipped actor crosswalk (``exporters/actor_crosswalk.toml``)."""
    return load_toml("exporters", "actor_crosswalk.toml")


@functools.cache
def fold(s: str) -> str:
    """Unicode NFKC, accents stripped, casefolded, apostrophes dropped, every other non-alphanumeric
    character a space, a leading "the " dropped: "Família Terror Amapá" -> "familia terror amapa"."""
    s = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", s))
    s = "".join(c for c in s if not unicodedata.combining(c)).casefold()
    s = s.replace("'", "").replace("\u2019", "")
    s = _PUNCT.sub(" ", s).strip()
    return s[4:] if s.startswith("the ") else s


@functools.cache
def _years() -> re.Pattern[str]:
    return re.compile(crosswalk_spec()["normalise"]["acled_years"])


@functools.cache
def _acronym() -> re.Pattern[str]:
    return re.compile(crosswalk_spec()["normalise"]["acronym_prefix"])


@functools.cache
def generic_tokens() -> frozenset[str]:
    return frozenset(crosswalk_spec()["normalise"]["generic_tokens"])


@functools.cache
def country_table() -> dict[str, str]:
    """Country names inside actor names -> ISO3 (the crosswalk's ``[countries]``, folded)."""
    return {fold(k): v for k, v in crosswalk_spec()["countries"].items()}


@functools.cache
def country_iso3(name: str) -> str | None:
    """The ISO3 code of a country named inside an actor name ([countries], then pycountry)."""
    f = fold(name)
    if f in country_table():
        return country_table()[f]
    import pycountry  # pycountry's look-ups run once per distinct name (cached)

    for cand in (name, re.sub(r"\s*\(.*\)\s*$", "", name)):
        try:
            return str(pycountry.countries.lookup(cand.strip()).alpha_3)
        except LookupError:
            continue
    return None


@attrs.frozen
class Parsed:
    """One actor name, normalised (spec: [normalise] a-g)."""

    raw: str
    full: str  # folded, years removed, parentheses kept as words
    base: str  # folded, years and a trailing country qualifier removed
    aliases: tuple[str, ...]  # forms looked up exactly and compared fuzzily
    country: str | None  # the trailing country qualifier, ISO3
    former: bool  # "Former Military Forces of ..."


@functools.cache
def parse_actor(name: str) -> Parsed:
    raw = name.strip()
    former = raw.lower().startswith("former ")
    body = raw[7:] if former else raw
    body = _years().sub(" ", body)
    country = None
    base_body = body
    tail = _TRAILING.search(body)
    if tail:
        # a trailing parenthesis that names a country is a qualifier ("(Kazakhstan)"), not a faction
        c = tail.group(1)
        iso = country_table().get(fold(c)) or _pycountry(c)
        if iso:
            country, base_body = iso, body[: tail.start()]
    aliases: list[str] = []
    head = base_body
    am = _acronym().match(base_body.strip())
    if am:
        aliases += [fold(am.group(1)), fold(am.group(2))]
        head = am.group(2)
    faction = _PAREN.search(head)
    if faction:
        inner = faction.group(1)
        im = _acronym().match(inner.strip())
        aliases += [fold(inner)] + ([fold(im.group(1)), fold(im.group(2))] if im else [])
        aliases.append(fold(_PAREN.sub(" ", head) + " " + inner))
    full, base = fold(body), fold(base_body)
    forms = tuple(dict.fromkeys(a for a in [full, base, *aliases] if a))
    return Parsed(raw, full, base, forms, country, former)


@functools.cache
def _pycountry(s: str) -> str | None:
    import pycountry  # once per distinct qualifier (cached)

    try:
        return str(pycountry.countries.lookup(s.strip()).alpha_3)
    except LookupError:
        return None


def split_multi(name: str | None) -> list[str]:
    """GED joins co-sides with ", " ("GATIA, MSA"), ACLED writes undecided attributions as "A and/or B":
    several actors of one side. Split at the top level only ("Mayi Mayi Militia (FPP/AP: ..., People's
    Army)" is one name) and only before a capital or digit (", Inc." stays)."""
    if not name:
        return []
    parts: list[str] = []
    cur: list[str] = []
    depth, i = 0, 0
    while i < len(name):
        c = name[i]
        depth += (c == "(") - (c == ")")
        if depth == 0 and name.startswith(" and/or ", i):
            parts.append("".join(cur))
            cur, i = [], i + 8
            continue
        if depth == 0 and name.startswith(", ", i) and i + 2 < len(name) and name[i + 2].isupper():
            parts.append("".join(cur))
            cur, i = [], i + 2
            continue
        cur.append(c)
        i += 1
    parts.append("".join(cur))
    return [p.strip() for p in parts if p.strip()]


def strip_generic(s: str) -> str:
    """A folded name without its generic tokens ("militia", "forces", ...), for the fuzzy score."""
    kept = [w for w in s.split() if w not in generic_tokens()]
    return " ".join(kept) or s


def name_score(a: str, b: str) -> float:
    """The documented fuzzy score of two folded names (0-100): rapidfuzz ``fuzz.ratio`` of the names with
    generic tokens removed; names shorter than the crosswalk's ``min_length`` score 100 when equal and 0
    otherwise (acronyms)."""
    from rapidfuzz import fuzz

    if min(len(a), len(b)) < int(crosswalk_spec()["fuzzy"]["min_length"]):
        return 100.0 if a == b else 0.0
    return float(fuzz.ratio(strip_generic(a), strip_generic(b)))


def names_agree(a: str, b: str) -> bool:
    return name_score(a, b) >= float(crosswalk_spec()["fuzzy"]["agree"])


# --- places ------------------------------------------------------------------------------------------

PLACE_GENERIC = frozenset(
    "village town city district province region oblast raion governorate state municipality territory "
    "area near the of in and commune hill colline township department zone county sub division "
    "neighborhood neighbourhood lga direction countryside outskirts".split()
)
REGION_GENERIC = PLACE_GENERIC - {"city"}  # "Almaty City" is not Almaty region


def place_name(s: str | None) -> str:
    """A place name folded, generic words ('village', 'oblast', 'province') dropped."""
    if not s:
        return ""
    return " ".join(t for t in fold(s).split() if t not in PLACE_GENERIC)


def region_name(s: str | None) -> str:
    """An admin-1 name folded, generic words dropped except "city" ("Donetsk oblast" = "Donetsk")."""
    if not s:
        return ""
    return " ".join(t for t in fold(s).split() if t not in REGION_GENERIC)


def places_agree(a: str, b: str) -> bool:
    """Two folded place names are the same place: fuzzy ratio >= 90, or one name is the head of the other
    ("port au prince tabarre" / "port au prince")."""
    from rapidfuzz import fuzz

    if not a or not b:
        return False
    if fuzz.ratio(a, b) >= 90:
        return True
    ta, tb = a.split(), b.split()
    k = min(len(ta), len(tb))
    ha, hb = " ".join(ta[:k]), " ".join(tb[:k])
    return len(ha) >= 5 and fuzz.ratio(ha, hb) >= 90 and (len(ta) == k or len(tb) == k)


def places_agree_many(vocab: tuple[str, ...], a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """:func:`places_agree` for arrays of codes into ``vocab`` (-1: no name): the fuzzy ratio in C for
    every pair, the head rule in Python only for the few pairs whose first words agree."""
    ok = (a >= 0) & (b >= 0)
    out = np.zeros(len(a), bool)
    idx = np.flatnonzero(ok)
    if len(idx) == 0:
        return out
    va = [vocab[i] for i in a[idx]]
    vb = [vocab[i] for i in b[idx]]
    same = (a[idx] == b[idx]) | (fuzzy_equal(va, vb) >= 90)
    out[idx] = same
    for k in np.flatnonzero(~same):
        x, y = va[k], vb[k]
        if x.split(" ", 1)[0] == y.split(" ", 1)[0] and places_agree(x, y):
            out[idx[k]] = True
    return out


_VOWELS = re.compile(r"[aeiouyhw]")


def skeleton(token: str) -> str:
    """A transliteration key: the consonants of a folded token, doubled letters once ("Khumri" and "Kumri"
    -> "kmr", "Surkh" and "Sorkh" -> "srk"). Only tokens of 5+ letters get one (shorter: the token)."""
    if len(token) < 5:
        return token
    s = _VOWELS.sub("", token)
    s = re.sub(r"(.)\1+", r"\1", s)
    return "~" + s if len(s) >= 3 else token


def fuzzy_equal(values_a: list[str], values_b: list[str], scorer: str = "ratio") -> np.ndarray:
    """Element-wise rapidfuzz score of two equally long lists of strings (in C, all cores)."""
    from rapidfuzz import fuzz, process

    fn = getattr(fuzz, scorer)
    if not values_a:
        return np.zeros(0, np.float32)
    return np.asarray(process.cpdist(values_a, values_b, scorer=fn, workers=-1), dtype=np.float32)
