"""Countries and Kazakhstan's first-level units as the datasets write them: names and numeric ISO codes to
ISO 3166-1 alpha-3, and each dataset's spelling of a unit to its ISO 3166-2:KZ code (through the explicit
tables of ``data/admin1.toml``; a unit is never resolved by a bare name)."""

from __future__ import annotations

import functools
import re

import pyarrow as pa
import pyarrow.compute as pc

from kzevents.arrays import strings
from kzevents.dataset.admin1 import units


@functools.cache
def country_names() -> dict[str, str]:
    import pycountry  # 50 ms: imported when a file names its countries, never when one is validated

    out = {c.name: c.alpha_3 for c in pycountry.countries}
    out.update({getattr(c, "common_name", c.name): c.alpha_3 for c in pycountry.countries})
    return out


@functools.cache
def resolve_country(name: str) -> str | None:
    """ISO alpha-3 for a country name as GTD or GED write it ("Russia (Soviet Union)", "DR Congo (Zaire)")."""
    import pycountry  # (see country_names)

    table = country_names()
    if name in table:
        return table[name]
    plain = re.sub(r"\s*\(.*\)\s*$", "", name).strip()
    aliases = {
        "DR Congo": "COD",
        "Russia": "RUS",
        "Yemen": "YEM",
        "Iran": "IRN",
        "Syria": "SYR",
        "Ivory Coast": "CIV",
        "Laos": "LAO",
        "Vietnam": "VNM",
        "Bolivia": "BOL",
        "Venezuela": "VEN",
        "Tanzania": "TZA",
        "Moldova": "MDA",
        "Macedonia": "MKD",
        "Macedonia, FYR": "MKD",
        "Kosovo": "XKX",
        "Cambodia": "KHM",
        "Myanmar": "MMR",
        "Burma": "MMR",
        "Congo": "COG",
        "Bosnia-Herzegovina": "BIH",
        "South Korea": "KOR",
        "North Korea": "PRK",
        "Turkey": "TUR",
        "West Bank and Gaza Strip": "PSE",
    }
    if plain in aliases:
        return aliases[plain]
    if plain in table:
        return table[plain]
    try:
        return str(pycountry.countries.lookup(plain).alpha_3)
    except LookupError:
        return None


def iso3_from_names(names: pa.Array) -> pa.Array:
    """ISO alpha-3 codes of a column of country names (each distinct name resolved once; unknown → null)."""
    uniques = [u for u in pc.unique(names).to_pylist() if u]
    table = {u: code for u in uniques if (code := resolve_country(u)) is not None}
    keys = strings(tuple(table))
    return pc.take(strings(tuple(table.values())), pc.index_in(names, value_set=keys))


@functools.cache
def iso_numeric_to_alpha3() -> dict[str, str]:
    """ISO 3166-1 numeric code (without leading zeros) -> alpha-3."""
    import pycountry  # (see country_names)

    return {str(int(c.numeric)): c.alpha_3 for c in pycountry.countries}


@functools.cache
def kz_spellings(table: str) -> dict[str, str]:
    """One dataset's spellings of Kazakhstan's units (``acled``, ``gtd`` or ``ged`` in data/admin1.toml)
    -> ISO 3166-2:KZ code."""
    out: dict[str, str] = {}
    for code, unit in units().items():
        names = unit[table] if isinstance(unit[table], list) else [unit[table]]
        for name in names:
            out[name] = code
    return out
