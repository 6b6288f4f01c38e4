"""Facts an incident may record beyond its date, place, numbers and actors, each with its evidence.

A fact is what the exports' coding rules need and the documents settle: where a device went off, who
claimed an attack, whether property was damaged, whether a raid met fire, whether one person acted alone, a
source's non-terrorist explanation, the subtype of a weapon, the parts of a series of attacks. Each carries
``source`` and ``quote`` like a claim, and the quote must lie inside the quote of one of the incident's
claims from the same source, so the test that every claim is verbatim covers the facts too. An absent fact
means "no document says", never a default (data/README.md, docs/CODEBOOK.md).
"""

from __future__ import annotations

from typing import Any

import attrs

from kzevents.dataset.vocab import (
    WEAPON_SUBTYPES,
    ClaimMode,
    DamageExtent,
    Detonation,
    DoubtAlternative,
    EventType,
    ExplosionStage,
    Intervention,
    PerpetratorForm,
    Resistance,
)
from kzevents.errors import Problem


@attrs.frozen
class Explosion:
    """Where the device was when it went off and whether it went off as intended."""

    stage: ExplosionStage
    detonation: Detonation
    source: str
    quote: str


@attrs.frozen
class Responsibility:
    """A group's claim of responsibility (not an attribution by the authorities)."""

    group: str  # actor id
    mode: ClaimMode
    source: str
    quote: str


@attrs.frozen
class Damage:
    reported: bool  # True: a source reports damage; False: a source says there was none
    extent: DamageExtent | None
    source: str
    quote: str


@attrs.frozen
class ResistanceFact:
    value: Resistance
    source: str
    quote: str


@attrs.frozen
class Perpetrators:
    form: PerpetratorForm
    count: int | None
    source: str
    quote: str


@attrs.frozen
class Doubt:
    alternative: DoubtAlternative
    source: str
    quote: str


@attrs.frozen
class Weapon:
    type: str
    subtype: str
    source: str
    quote: str


@attrs.frozen
class Protest:
    intervention: Intervention
    source: str
    quote: str


@attrs.frozen
class Part:
    """One site or stage of an incident that is a series (GTD's single-incident rule, gtd.md §6): its own
    type, other side, weapons, targets and numbers; the parts' numbers sum to the incident's."""

    n: int
    title: str
    event_type: EventType
    actor2: str | None  # actor id
    targets: tuple[str, ...]
    weapons: tuple[tuple[str, str], ...]  # (type, subtype)
    perpetrators: int
    security: int
    civilians: int
    unknown: int
    injured: int | None
    suicide: bool
    source: str
    quote: str

    @property
    def killed(self) -> int:
        return self.perpetrators + self.security + self.civilians + self.unknown


@attrs.frozen
class Facts:
    explosion: Explosion | None = None
    responsibility: tuple[Responsibility, ...] = ()
    damage: Damage | None = None
    resistance: ResistanceFact | None = None
    perpetrators: Perpetrators | None = None
    doubt: tuple[Doubt, ...] = ()
    weapon: tuple[Weapon, ...] = ()
    protest: Protest | None = None
    parts: tuple[Part, ...] = ()


def build_facts(d: dict[str, Any]) -> Facts:
    """The facts of one (schema-valid) incident document."""

    def ev(x: dict[str, Any]) -> dict[str, str]:
        return {"source": x["source"], "quote": x["quote"]}

    e, dmg, res, perp, pro = (
        d.get(k) for k in ("explosion", "damage", "resistance", "perpetrators", "protest")
    )
    return Facts(
        explosion=Explosion(ExplosionStage(e["stage"]), Detonation(e["detonation"]), **ev(e)) if e else None,
        responsibility=tuple(
            Responsibility(r["group"], ClaimMode(r["mode"]), **ev(r)) for r in d.get("responsibility", ())
        ),
        damage=(
            Damage(dmg["reported"], DamageExtent(dmg["extent"]) if "extent" in dmg else None, **ev(dmg))
            if dmg
            else None
        ),
        resistance=ResistanceFact(Resistance(res["value"]), **ev(res)) if res else None,
        perpetrators=Perpetrators(PerpetratorForm(perp["form"]), perp.get("count"), **ev(perp))
        if perp
        else None,
        doubt=tuple(Doubt(DoubtAlternative(x["alternative"]), **ev(x)) for x in d.get("doubt", ())),
        weapon=tuple(Weapon(w["type"], w["subtype"], **ev(w)) for w in d.get("weapon", ())),
        protest=Protest(Intervention(pro["intervention"]), **ev(pro)) if pro else None,
        parts=tuple(
            Part(
                n=p["n"],
                title=p["title"],
                event_type=EventType(p["event_type"]),
                actor2=p.get("actor2"),
                targets=tuple(p.get("targets", ())),
                weapons=tuple((w["type"], w["subtype"]) for w in p.get("weapons", ())),
                perpetrators=p.get("perpetrators", 0),
                security=p.get("security", 0),
                civilians=p.get("civilians", 0),
                unknown=p.get("unknown", 0),
                injured=p.get("injured"),
                suicide=p.get("suicide", False),
                **ev(p),
            )
            for p in d.get("parts", ())
        ),
    )


FACT_TABLES = ("explosion", "damage", "resistance", "perpetrators", "protest")
FACT_LISTS = ("responsibility", "doubt", "weapon", "parts")


def fact_problems(rel: str, d: dict[str, Any]) -> list[Problem]:
    """Rules JSON Schema cannot say about an incident's facts: evidence inside a claim, facts that fit the
    event type, parts that add up."""
    out: list[Problem] = []
    claims: dict[str, list[str]] = {}
    for c in d.get("claims", []):
        claims.setdefault(str(c.get("source")), []).append(str(c.get("quote", "")))
    located: list[tuple[str, dict[str, Any]]] = [(f"$.{k}", d[k]) for k in FACT_TABLES if k in d]
    for k in FACT_LISTS:
        located += [(f"$.{k}[{i}]", x) for i, x in enumerate(d.get(k, []))]
    for path, fact in located:
        quote = str(fact.get("quote", ""))
        if not any(quote in q for q in claims.get(str(fact.get("source")), [])):
            out.append(
                Problem(
                    "fact-evidence",
                    "a fact's quote must lie inside the quote of one of the incident's claims from the same "
                    "source (so the verbatim check covers it)",
                    rel,
                    f"{path}.quote",
                )
            )
    etype = d.get("event_type")
    exp = d.get("explosion")
    if etype == "premature_explosion" and (not exp or exp.get("detonation") != "accidental"):
        out.append(
            Problem(
                "fact-explosion",
                "a premature explosion needs [explosion] detonation = 'accidental'",
                rel,
                "$",
            )
        )
    if "resistance" in d and etype != "security_operation":
        out.append(Problem("fact-resistance", "[resistance] is for security operations", rel, "$.resistance"))
    if "protest" in d and etype != "protest":
        out.append(Problem("fact-protest", "[protest] is for protests", rel, "$.protest"))
    weapons = set(d.get("weapons", []))
    for i, w in enumerate(d.get("weapon", [])):
        if w.get("type") not in weapons:
            out.append(
                Problem("fact-weapon", "a [[weapon]] type must be in `weapons`", rel, f"$.weapon[{i}]")
            )
    ws = list(d.get("weapon", []))
    for p in d.get("parts", []):
        ws += list(p.get("weapons", []))
    for w in ws:
        if w.get("subtype") not in WEAPON_SUBTYPES.get(str(w.get("type")), ()):
            out.append(
                Problem(
                    "fact-weapon",
                    f"weapon {w.get('type')!r} has no subtype {w.get('subtype')!r} "
                    f"(allowed: {', '.join(WEAPON_SUBTYPES.get(str(w.get('type')), ()))})",
                    rel,
                    "$.weapon",
                )
            )
    out += _part_problems(rel, d)
    f = d.get("fatalities", {})
    if f.get("injured") == 0 and not any(c.get("injured") == 0 for c in d.get("claims", [])):
        out.append(
            Problem(
                "injured-zero",
                "injured = 0 needs a claim that says so (injured = 0); leave it out when no document says",
                rel,
                "$.fatalities.injured",
            )
        )
    return out


def _part_problems(rel: str, d: dict[str, Any]) -> list[Problem]:
    parts = d.get("parts", [])
    if not parts:
        return []
    out: list[Problem] = []
    if [p.get("n") for p in parts] != list(range(1, len(parts) + 1)):
        out.append(Problem("parts", "parts are numbered 1, 2, ... in order", rel, "$.parts"))
    f = d.get("fatalities", {})
    for key in ("perpetrators", "security", "civilians", "unknown"):
        total = sum(int(p.get(key, 0)) for p in parts)
        if total != int(f.get(key, 0)):
            out.append(
                Problem(
                    "parts",
                    f"the parts' {key} sum to {total}, the incident has {f.get(key, 0)}",
                    rel,
                    "$.parts",
                )
            )
    if f.get("low") != f.get("best"):
        out.append(
            Problem(
                "parts",
                "an incident with parts needs low == best (each part's figure is itemised)",
                rel,
                "$.fatalities",
            )
        )
    injured = [p.get("injured") for p in parts]
    if all(i is not None for i in injured) and f.get("injured") is not None and sum(injured) != f["injured"]:
        out.append(Problem("parts", "the parts' injured do not sum to the incident's", rel, "$.parts"))
    return out
