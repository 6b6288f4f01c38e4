"""GTD codings that follow from an incident's facts (reference/gtd.md, cited as §n): the attack types in
GTD's hierarchy (§8), weapon types and subtypes (§10), claims of responsibility (§11), property damage
(§12) and doubt (§6). Each reads canonical columns and the code tables of ``exporters/gtd.toml``; none
names an incident."""

from __future__ import annotations

from typing import Any

from kzevents.formats.crosswalk import Crosswalk, Row


def _entry(cw: Crosswalk, table: str, key: Any) -> dict[str, Any]:
    value = cw.maps.get(table, {}).get(str(key))
    return value if isinstance(value, dict) else {}


def weapon_list(row: Row) -> list[tuple[str, str | None]]:
    """(type, subtype) of every weapon: the subtypes a document names ([[weapon]]), then each remaining type
    without one; ``unknown`` only when no weapon is known."""
    details = [(str(w["type"]), str(w["subtype"])) for w in row.get("weapon_details") or []]
    typed = {t for t, _ in details}
    rest: list[tuple[str, str | None]] = [
        (str(w), None) for w in dict.fromkeys(row.get("weapons") or []) if w and w not in typed
    ]
    weapons = details + rest
    known = [w for w in weapons if w[0] != "unknown"]
    return known or [("unknown", None)]


def _weapon_attacktype(cw: Crosswalk, wtype: str, subtype: str | None, firearms: bool) -> int | None:
    w = _entry(cw, "weapon", wtype)
    if firearms and subtype in (w.get("attacktype_with_firearms") or {}):
        return int(w["attacktype_with_firearms"][subtype])
    return int(w["attacktype"]) if "attacktype" in w else None


def attack_types(row: Row, event: dict[str, Any], cw: Crosswalk) -> list[int]:
    """attacktype1-3 (§8): the event type's attack type and those the weapons make apply (explosives a
    Bombing/Explosion, grenades or projectiles with firearms an Armed Assault, firearms an Armed Assault...),
    highest in GTD's hierarchy first."""
    weapons = weapon_list(row)
    firearms = any(t == "firearms" for t, _ in weapons)
    found = {int(event["attacktype"])}
    for wtype, subtype in weapons:
        at = _weapon_attacktype(cw, wtype, subtype, firearms)
        if at is not None:
            found.add(at)
    order = [int(x) for x in cw.options["attack_hierarchy"]]
    return sorted(found, key=order.index)[:3]


def weapon_codes(
    row: Row, event: dict[str, Any], attacktype1: int, suicide: bool, cw: Crosswalk
) -> list[tuple[int, int | None]]:
    """(weaptype, weapsubtype) of up to four weapons (§10), the weapon of attacktype1 first, then the event
    type's main weapon. A subtype a document names wins; without one a suicide attack's explosive is 13."""
    weapons = weapon_list(row)
    firearms = any(t == "firearms" for t, _ in weapons)
    main = event.get("main_weapon")

    def key(item: tuple[int, tuple[str, str | None]]) -> tuple[bool, bool, int]:
        i, (wtype, subtype) = item
        return (_weapon_attacktype(cw, wtype, subtype, firearms) != attacktype1, wtype != main, i)

    out: list[tuple[int, int | None]] = []
    for _, (wtype, subtype) in sorted(enumerate(weapons), key=key):
        w = cw.lookup("weapon", wtype)
        subtypes = w.get("subtypes") or {}
        if subtype is not None:
            sub = subtypes.get(subtype)
        elif suicide and "weapsubtype_suicide" in w:
            sub = w["weapsubtype_suicide"]
        else:
            sub = w.get("weapsubtype")
        code = (int(w["weaptype"]), None if sub is None else int(sub))
        if code not in out:
            out.append(code)
    return out[:4]


def claims(row: Row, cw: Crosswalk) -> dict[str, Any]:
    """claimed, claimmode, claim2, claimmode2, compclaim (§11) from the claims of responsibility: claimed 0
    when no document reports one (an authorities' accusation is not a claim)."""
    groups: dict[str, str] = {}
    for r in row.get("responsibility") or []:
        groups.setdefault(str(r.get("group_id") or r.get("group")), str(r.get("mode")))
    modes = [int(cw.lookup("claimmode_code", m)) for m in groups.values()]
    return {
        "_gtd_claimed": int(bool(modes)),
        "_gtd_claimmode": modes[0] if modes else None,
        "_gtd_claim2": 1 if len(modes) > 1 else None,
        "_gtd_claimmode2": modes[1] if len(modes) > 1 else None,
        "_gtd_compclaim": 1 if len(modes) > 1 else None,
    }


def damage(row: Row, cw: Crosswalk) -> dict[str, Any]:
    """property (1 / 0 / -9 when no document says) and propextent, only with property = 1 (§12)."""
    reported = row.get("property_damage")
    extent = row.get("damage_extent")
    return {
        "_gtd_property": None if reported is None else int(bool(reported)),
        "_gtd_propextent": int(cw.lookup("propextent_code", extent)) if reported and extent else None,
    }


def doubt(row: Row, cw: Crosswalk) -> dict[str, Any]:
    """doubtterr = 1 exactly when a source offers a non-terrorist explanation, with the first one as the
    alternative (§6); 0 = essentially no doubt."""
    alternatives = [str(a) for a in row.get("doubt") or []]
    return {
        "_gtd_doubtterr": int(bool(alternatives)),
        "_gtd_alternative": int(cw.lookup("alternative_code", alternatives[0])) if alternatives else None,
    }
