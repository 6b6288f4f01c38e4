"""The cross-dataset actor crosswalk: actor names -> actor keys (``exporters/actor_crosswalk.toml``, plus
any files a user adds with ``MatchParams(actor_crosswalks=...)``; its header explains the resolution
order).

An actor key is dataset-neutral: "state:RUS", "group:is", "civilians", "unknown", or "name:<normalised
name>" for a name no entry resolves (compared fuzzily). Each name also has "close" keys (umbrella,
member, ally, proxy), a weaker level of agreement. Resolution runs once per distinct (name, country).
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import attrs

from kzevents.errors import UsageError
from kzevents.matching.names import (
    country_iso3 as _country_of,
)
from kzevents.matching.names import (
    crosswalk_spec,
    fold,
    names_agree,
    parse_actor,
)

UNKNOWN, CIVILIANS, CROWD = "unknown", "civilians", "crowd"
NOT_ARMED = frozenset({UNKNOWN, CIVILIANS, CROWD})


@attrs.define
class Resolver:
    """The crosswalk, indexed for look-ups."""

    exact: dict[str, set[str]] = attrs.field(factory=dict)  # alias -> keys (any country)
    exact_in: dict[tuple[str, str], set[str]] = attrs.field(factory=dict)  # (iso3, alias) -> keys
    close: dict[str, set[str]] = attrs.field(factory=dict)  # key -> close keys
    close_in: dict[tuple[str, str], set[str]] = attrs.field(factory=dict)  # (key, iso3) -> close keys
    close_patterns: list[tuple[re.Pattern[str], str]] = attrs.field(factory=list)
    unknown: list[re.Pattern[str]] = attrs.field(factory=list)
    leaning: dict[str, list[str]] = attrs.field(factory=dict)
    civilians: list[re.Pattern[str]] = attrs.field(factory=list)
    crowd: list[re.Pattern[str]] = attrs.field(factory=list)
    state: list[re.Pattern[str]] = attrs.field(factory=list)
    overrides: dict[str, str] = attrs.field(factory=dict)

    def add_alias(self, alias: str, key: str, iso3: str | None = None) -> None:
        p = parse_actor(alias)
        for a in {p.full, p.base}:
            if iso3:
                self.exact_in.setdefault((iso3, a), set()).add(key)
            else:
                self.exact.setdefault(a, set()).add(key)

    def add(self, doc: dict[str, Any]) -> None:
        """Add one crosswalk document (the shipped one, or a user's file in the same format)."""
        for o in doc.get("override", []):
            for n in o["names"]:
                self.overrides[parse_actor(n).full] = o["key"]
            self.close.setdefault(o["key"], set()).update(o.get("close", []))
        for g in doc.get("group", []):
            key = g["key"]
            for ds in ("ged", "acled", "gtd", "kzevents", "names"):
                for n in g.get(ds, []):
                    self.add_alias(n, key)
            for iso, names in g.get("in", {}).items():
                for n in names:
                    self.add_alias(n, key, iso)
            self.close.setdefault(key, set()).update(g.get("close", []))
            for iso, ks in g.get("close_in", {}).items():
                self.close_in.setdefault((key, iso), set()).update(ks)
            for pat in g.get("close_patterns", []):
                self.close_patterns.append((re.compile(pat), key))
        unknown = doc.get("unknown", {})
        self.unknown += [re.compile(p) for p in unknown.get("patterns", [])]
        self.leaning.update({fold(k): v for k, v in unknown.get("leaning", {}).items()})
        civ = doc.get("civilians", {})
        self.civilians += [re.compile(p) for p in civ.get("patterns", [])]
        self.crowd += [re.compile(p) for p in civ.get("crowd_patterns", [])]
        self.state += [re.compile(p) for p in doc.get("state", {}).get("patterns", [])]

    def symmetric(self) -> None:
        """Close relations hold both ways."""
        for k, vs in list(self.close.items()):
            for v in vs:
                self.close.setdefault(v, set()).add(k)
        for (k, iso), vs in list(self.close_in.items()):
            for v in vs:
                self.close_in.setdefault((v, iso), set()).add(k)


@functools.cache
def resolver(extra: tuple[str, ...] = ()) -> Resolver:
    """The shipped crosswalk, with the user's files ``extra`` (TOML, same format) added over it."""
    r = Resolver()
    r.add(crosswalk_spec())
    for path in extra:
        try:
            doc = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as e:
            raise UsageError(f"actor crosswalk {path}: {e}") from e
        from kzevents.matching.names import country_table

        country_table().update({fold(k): v for k, v in doc.get("countries", {}).items()})
        r.add(doc)
    r.symmetric()
    return r


@attrs.frozen
class Keys:
    """The actor keys of one side of an event: armed actors that agree, and those that are close."""

    agree: frozenset[str]
    close: frozenset[str]

    @property
    def armed(self) -> frozenset[str]:
        return self.agree - NOT_ARMED


def resolve(name: str, iso3: str | None, extra: tuple[str, ...] = ()) -> Keys:
    return _resolve(name.strip(), iso3 or None, extra)


@functools.cache
def _resolve(name: str, iso3: str | None, extra: tuple[str, ...]) -> Keys:
    r = resolver(extra)
    p = parse_actor(name)
    if p.former:  # "Former Military Forces of Afghanistan (2021-)": not the serving force
        inner = _resolve(name[7:], iso3, extra)
        return Keys(frozenset("former:" + k for k in inner.agree), frozenset())
    keys: set[str] = set()
    close: set[str] = set()
    if p.full in r.overrides:
        keys.add(r.overrides[p.full])
    else:
        if any(pat.search(p.full) for pat in r.unknown) or p.base in r.leaning:
            lean = r.leaning.get(p.base, [])
            return Keys(frozenset({UNKNOWN}), frozenset(_star(k, iso3) for k in lean))
        if any(pat.search(p.full) for pat in r.civilians):
            return Keys(frozenset({CIVILIANS}), frozenset())
        if any(pat.search(p.full) for pat in r.crowd):
            return Keys(frozenset({CROWD}), frozenset({CIVILIANS}))
        for a in (p.full, p.base):
            keys |= r.exact.get(a, set())
            if iso3:
                keys |= r.exact_in.get((iso3, a), set())
        if not keys:
            c = _state_country(name)
            if c and any(pat.match(p.base) or pat.match(fold(name.split("(")[0])) for pat in r.state):
                keys.add(f"state:{c}")
        for pat, key in r.close_patterns:
            if pat.search(p.full) and key not in keys:
                close.add(key)
    if not keys:
        # no entry: one key per alias (acronym, long name, faction), compared exactly and then fuzzily;
        # "ABC: Long Name" (ACLED) and "ABC" (GED) then agree on "name:abc"
        keys |= {"name:" + a for a in p.aliases if len(a) >= 2}
    for k in list(keys):
        close |= r.close.get(k, set())
        if iso3:
            close |= r.close_in.get((k, iso3), set())
    return Keys(frozenset(keys), frozenset(close - keys))


def _star(k: str, iso3: str | None) -> str:
    return f"state:{iso3}" if k == "state:*" and iso3 else k


@functools.cache
def _state_country(name: str) -> str | None:
    """The country of "Military Forces of Russia (2000-) Air Force", "Government of Myanmar (Burma)"."""
    m = re.match(
        r"^\s*(?:military forces|police forces|government) of (?:the )?(.+?)\s*(?:\(\s*\d{4}.*)?$", name, re.I
    )
    if not m:
        return None
    return _country_of(m.group(1))


def side_keys(
    names: Sequence[str], associated: Sequence[str], iso3: str | None, extra: tuple[str, ...]
) -> Keys:
    """The keys of one side of an event: its actors (agree level, with their close keys) and its
    associated actors (ACLED assoc_actor_*: close level)."""
    agree: set[str] = set()
    close: set[str] = set()
    for n in names:
        k = resolve(n, iso3, extra)
        agree |= k.agree
        close |= k.close
    for n in associated:
        k = resolve(n, iso3, extra)
        close |= (k.agree - NOT_ARMED) | k.close
    return Keys(frozenset(agree), frozenset(close - agree))


def keys_agree(a: frozenset[str], b: frozenset[str]) -> bool:
    """Two armed key sets name a common actor: a shared key, or two unresolved names whose fuzzy score
    reaches the crosswalk's ``agree`` (see ``[fuzzy]``)."""
    if a & b:
        return True
    na = [x[5:] for x in a if x.startswith("name:")]
    nb = [y[5:] for y in b if y.startswith("name:")]
    return any(names_agree(x, y) for x in na for y in nb)
