"""ISO 3166-2:KZ first-level units: normalising codes and crosswalking names.

Codes are the numeric ones (``KZ-75``) that pycountry has since 24.6.1; the pre-2022 alphabetic codes
(``KZ-ALA``) are accepted on input. A unit is never resolved by a bare name: names go through the explicit
tables in ``data/admin1.toml`` (Almaty the city is ``KZ-75``, Almaty the region ``KZ-19``).
"""

from __future__ import annotations

import functools
import re
from typing import Any

from kzevents.errors import KzeventsError
from kzevents.resources import load_toml

_CODE = re.compile(r"^KZ-(\d{2}|[A-Z]{3})$")


@functools.cache
def units() -> dict[str, dict[str, Any]]:
    """The admin-1 table by numeric code."""
    return {u["code"]: u for u in load_toml("data", "admin1.toml")["unit"]}


@functools.cache
def _legacy() -> dict[str, str]:
    return {u["legacy"]: code for code, u in units().items() if "legacy" in u}


def normalize_code(code: str) -> str:
    """Return the current numeric ISO 3166-2:KZ code for a current or legacy (alphabetic) code.

    >>> normalize_code("KZ-ALA")
    'KZ-75'
    """
    c = code.strip().upper()
    if not _CODE.match(c):
        raise KzeventsError(f"not an ISO 3166-2:KZ code: {code!r}")
    if c in units():
        return c
    if c in _legacy():
        return _legacy()[c]
    raise KzeventsError(f"unknown ISO 3166-2:KZ code: {code!r}")


def subdivision_name(code: str) -> str:
    """kzevents' English display name of a unit (stable across pycountry releases)."""
    return str(units()[normalize_code(code)]["name"])


def acled_name(code: str) -> str:
    return str(units()[normalize_code(code)]["acled"])


def gtd_name(code: str) -> str:
    return str(units()[normalize_code(code)]["gtd"][0])


def ged_name(code: str) -> str:
    return str(units()[normalize_code(code)]["ged"])


@functools.cache
def _by_name(table: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for code, u in units().items():
        names = u[table] if isinstance(u[table], list) else [u[table]]
        for n in names:
            out[n.casefold()] = code
    return out


def code_from_name(name: str, table: str) -> str | None:
    """The code for an exact spelling from one dataset's table (``acled``, ``gtd`` or ``ged``)."""
    return _by_name(table).get(name.strip().casefold())
