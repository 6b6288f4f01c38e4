"""kzevents' GED identifiers: events, conflicts, dyads and sides numbered in one reserved block that UCDP's
own identifiers never reach, and the cross-field rules that check them (reference/ged.md §1, §7).

UCDP numbers its events, conflicts, dyads and actors with small positive integers: in the 23.1 sample
``id`` runs 1,648-467,629, ``conflict_*_id`` 10-17,446, ``dyad_*_id`` 10-17,446, ``side_*_id`` 3-8,586,
and Civilians are side 9999 (``dset``) / 1 (``new``) in every one-sided row. kzevents takes the top of the
signed 32-bit range, above ``id_base`` (2,000,000,000, ``exporters/ged.toml`` [options]):

=========  ========================================================================  ====================
column     kzevents value (``dset`` and ``new`` ids are equal)                       e.g.
=========  ========================================================================  ====================
id         id_base + incident number                                                 2000000012
side_*     id_base + the side's number (``maps.side_numbers``, 1-999)                 2000000001
dyad_*     id_base + 1,000,000 x type_of_violence + 1,000 x side A + side B          2001001003
conflict   id_base + 1,000,000 x type_of_violence + 1,000 x side A                   2001001000
=========  ========================================================================  ====================

where "side A" and "side B" are side numbers, and side B is 0 for Civilians (who keep UCDP's own ids
9999 / 1 in ``side_b_*_id``). A state-based conflict is the government's (side A), one-sided violence is a
conflict of its perpetrator, as in GED (where a one-sided conflict's ``dset`` id is its actor's). Every
value is derived from names and codes the row carries, so it is stable and checkable: the rules below
recompute it on kzevents' rows, and flag any other row that uses the block.
"""

from __future__ import annotations

import functools
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from kzevents.arrays import FALSE
from kzevents.arrays import string as _S
from kzevents.errors import KzeventsError
from kzevents.formats import crosswalk
from kzevents.formats.crosswalk import Crosswalk
from kzevents.formats.ged.cells import I, col, ints
from kzevents.formats.ged.coding import INT32_MAX, Coding
from kzevents.validation.engine import Failure

SIDE_LIMIT = 999  # side numbers 1-999: three decimal digits in the dyad and conflict ids
TYPE_STEP = 1_000_000  # type_of_violence's place in dyad and conflict ids
SIDE_A_STEP = 1_000  # side A's place

SIDE_COLUMNS = ("side_a_dset_id", "side_a_new_id", "side_b_dset_id", "side_b_new_id")
DYAD_COLUMNS = ("dyad_dset_id", "dyad_new_id")
CONFLICT_COLUMNS = ("conflict_dset_id", "conflict_new_id")
ID_COLUMNS = ("id", *CONFLICT_COLUMNS, *DYAD_COLUMNS, *SIDE_COLUMNS)


# --- derivation (per row, for the crosswalk) ---------------------------------------------------------


def side_number(name: str, cw: Crosswalk) -> int:
    """The side's kzevents number (``maps.side_numbers``); a side without one is an error, never a
    number made up on the spot (the numbers must stay the same from one export to the next)."""
    number = cw.maps.get("side_numbers", {}).get(name)
    if number is None:
        raise KzeventsError(
            f"GED side {name!r} has no kzevents side number: give it the next free number in "
            "exporters/ged.toml [maps.side_numbers] (numbers are never reused)"
        )
    if not isinstance(number, int) or not 1 <= number <= SIDE_LIMIT:
        raise KzeventsError(f"exporters/ged.toml [maps.side_numbers]: {name!r} = {number!r} is not 1-999")
    return number


def side_id(name: str, cw: Crosswalk) -> int:
    return int(cw.options["id_base"]) + side_number(name, cw)


def _b_number(c: Coding, cw: Crosswalk) -> int:
    return 0 if c.b_is_civilians else side_number(c.side_b, cw)


def dyad_id(c: Coding, cw: Crosswalk) -> int:
    base = int(cw.options["id_base"])
    return base + TYPE_STEP * c.type_of_violence + SIDE_A_STEP * side_number(c.side_a, cw) + _b_number(c, cw)


def conflict_id(c: Coding, cw: Crosswalk) -> int:
    base = int(cw.options["id_base"])
    return base + TYPE_STEP * c.type_of_violence + SIDE_A_STEP * side_number(c.side_a, cw)


# --- the rules (vectorised over a batch of string columns) -------------------------------------------


@functools.cache
def _options() -> dict[str, Any]:
    cw = crosswalk.get("ged")
    return {
        "base": int(cw.options["id_base"]),
        "prefix": f"{cw.options['relid_prefix']}-",
        "civilians": str(cw.options["civilians"]),
        "civilians_dset": str(cw.options["civilians_dset_id"]),
        "civilians_new": str(cw.options["civilians_new_id"]),
    }


def ours(t: pa.Table, names: set[str]) -> pa.Array:
    """kzevents' own rows: relid starts with kzevents' prefix."""
    if "relid" not in names:
        return pa.array([False] * t.num_rows, pa.bool_())
    return pc.fill_null(pc.starts_with(col(t, "relid"), _options()["prefix"]), FALSE)


def reserved_rule(t: pa.Table, names: set[str], mine: pa.Array) -> list[Failure]:
    """Any row, any id column: an id in the reserved block on a row that is not kzevents' own."""
    base = _options()["base"]
    out: list[Failure] = []
    for column in (c for c in ID_COLUMNS if c in names):
        ok, ids = ints(t, column)
        out.append(
            (
                pc.and_(pc.and_(ok, pc.greater(ids, I(base))), pc.invert(mine)),
                column,
                "ged-id-reserved",
                f"{column} is in kzevents' reserved block {base + 1}-{INT32_MAX} but the row is not a "
                f"kzevents row (relid does not start with {_options()['prefix']})",
            )
        )
    return out


def _equal(a: tuple[pa.Array, pa.Array], b: tuple[pa.Array, pa.Array]) -> pa.Array:
    return pc.and_(pc.and_(a[0], b[0]), pc.equal(a[1], b[1]))


def kzevents_rules(t: pa.Table, names: set[str]) -> list[Failure]:
    """kzevents' rows (the caller masks the others): the event id, relid, and the conflict, dyad and side
    ids as the scheme above derives them."""
    o = _options()
    base = o["base"]
    out: list[Failure] = []
    if {"id", "relid", "year", "type_of_violence"} <= names:
        ok, ids = ints(t, "id")
        in_block = pc.and_(pc.and_(ok, pc.greater(ids, I(base))), pc.less_equal(ids, I(INT32_MAX)))
        out.append(
            (
                pc.invert(in_block),
                "id",
                "ged-id-range",
                f"a kzevents id is in the reserved block {base + 1}-{INT32_MAX} (id_base + incident number)",
            )
        )
        expected = pc.binary_join_element_wise(
            pa.scalar(o["prefix"]),
            col(t, "year"),
            pa.scalar("-"),
            col(t, "type_of_violence"),
            pa.scalar("-0-"),
            pc.cast(pc.subtract(ids, I(base)), pa.string()),
            "",
        )
        out.append(
            (
                pc.and_(in_block, pc.not_equal(col(t, "relid"), expected)),
                "relid",
                "ged-relid",
                "a kzevents relid is KZE-<year>-<type_of_violence>-0-<id - id_base>",
            )
        )
    if not {*SIDE_COLUMNS, *DYAD_COLUMNS, *CONFLICT_COLUMNS, "side_b", "type_of_violence"} <= names:
        return out
    civilians = pc.fill_null(pc.equal(col(t, "side_b"), _S(o["civilians"])), FALSE)

    def side(prefix: str, civ: pa.Array | None) -> tuple[pa.Array, pa.Array]:
        """(mask of rows whose side ids are right, the side number; 0 for Civilians)."""
        dset, new = ints(t, f"{prefix}_dset_id"), ints(t, f"{prefix}_new_id")
        number = pc.subtract(dset[1], I(base))
        ok = pc.and_(
            _equal(dset, new), pc.and_(pc.greater(number, I(0)), pc.less_equal(number, I(SIDE_LIMIT)))
        )
        if civ is None:
            return ok, number
        ucdp = pc.and_(
            pc.equal(col(t, f"{prefix}_dset_id"), _S(o["civilians_dset"])),
            pc.equal(col(t, f"{prefix}_new_id"), _S(o["civilians_new"])),
        )
        ok = pc.if_else(civ, pc.fill_null(ucdp, FALSE), ok)
        return ok, pc.if_else(civ, I(0), number)

    ok_a, a = side("side_a", None)
    ok_b, b = side("side_b", civilians)
    out.append(
        (
            pc.invert(ok_a),
            "side_a_dset_id",
            "ged-side-id",
            f"kzevents' side ids are id_base + the side's number (1-{SIDE_LIMIT}), dset = new",
        )
    )
    out.append(
        (
            pc.invert(ok_b),
            "side_b_dset_id",
            "ged-side-id",
            f"kzevents' side ids are id_base + the side's number (1-{SIDE_LIMIT}), dset = new; Civilians "
            f"keep UCDP's {o['civilians_dset']} / {o['civilians_new']}",
        )
    )
    ok_t, tov = ints(t, "type_of_violence")
    conflict = pc.add(pc.add(I(base), pc.multiply(tov, I(TYPE_STEP))), pc.multiply(a, I(SIDE_A_STEP)))
    dyad = pc.add(conflict, b)
    scheme = "id_base + 1,000,000 x type_of_violence + 1,000 x side A"
    for columns, expected, code, what in (
        (DYAD_COLUMNS, dyad, "ged-dyad-id", scheme + " + side B"),
        (CONFLICT_COLUMNS, conflict, "ged-conflict-id", scheme),
    ):
        for column in columns:
            got_ok, got = ints(t, column)
            right = pc.and_(got_ok, pc.equal(got, expected))
            out.append(
                (
                    pc.and_(pc.and_(ok_a, pc.and_(ok_b, ok_t)), pc.invert(right)),
                    column,
                    code,
                    f"a kzevents {column} is {what} (side numbers; side B 0 for Civilians)",
                )
            )
    return out


__all__ = [
    "ID_COLUMNS",
    "conflict_id",
    "dyad_id",
    "kzevents_rules",
    "ours",
    "reserved_rule",
    "side_id",
    "side_number",
]
