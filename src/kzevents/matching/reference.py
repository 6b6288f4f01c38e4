"""The matcher's reference tables, read once from ``exporters/taxonomy.toml``: the "what happened"
vocabulary with each dataset's mapping onto it and the levels between two natures, the place units of
each dataset's precision codes, and what one record of each dataset stands for."""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from kzevents.resources import load_toml

# what a record's point stands for (taxonomy.toml [units]); the order is the code
UNITS = ("point", "near", "admin2", "admin1", "area", "country", "water", "unknown")
POINT, NEAR, ADMIN2, ADMIN1, AREA, COUNTRY, WATER, UNKNOWN = range(len(UNITS))
# levels of the "what" comparison (taxonomy.toml [what])
WHAT_LEVELS = ("same", "compatible", "civilian_harm_vs_clash", "nonviolent_vs_violent")


@functools.cache
def taxonomy() -> dict[str, Any]:
    return load_toml("exporters", "taxonomy.toml")


@functools.cache
def natures() -> tuple[str, ...]:
    return tuple(taxonomy()["natures"])


def nature_code(name: str) -> int:
    return natures().index(name)


@functools.cache
def nature_tables() -> list[tuple[str, str, dict[str, str]]]:
    """(dataset, column, native value -> nature) per dataset; the "kzevents" table is also every other
    dataset's fallback on ``event_type``."""
    return [(t["dataset"], t["column"], dict(t["map"])) for t in taxonomy()["nature_table"]]


@functools.cache
def what_matrix() -> np.ndarray:
    """The "what" level of every (nature, nature) pair, as an int8 matrix (rules: taxonomy.toml [what])."""
    w = taxonomy()["what"]
    names = natures()
    violent, nonviolent = set(w["violent"]), set(w["nonviolent"])
    harm, fighting = set(w["civilian_harm"]), set(w["fighting"])
    compatible = {frozenset(p) for p in w["compatible"]}
    inside = {frozenset((wide, n)) for wide, narrow in w.get("broader", {}).items() for n in narrow}
    k = len(names)
    out = np.full((k, k), 1, np.int8)
    for i, a in enumerate(names):
        for j, b in enumerate(names):
            if a == b or frozenset((a, b)) in inside:
                out[i, j] = 0
            elif frozenset((a, b)) in compatible:
                out[i, j] = 1
            elif {a, b} <= violent and ({a, b} & harm) and ({a, b} & fighting):
                out[i, j] = 2
            elif (a in nonviolent and b not in nonviolent) or (b in nonviolent and a not in nonviolent):
                out[i, j] = 3
    return out


@functools.cache
def derived_natures() -> dict[str, dict[str, str]]:
    return {k: dict(v) for k, v in taxonomy()["derived"].items()}


@functools.cache
def precision_tables() -> dict[str, dict[str, int]]:
    """dataset -> native precision code -> unit code."""
    return {
        t["dataset"]: {code: UNITS.index(unit) for code, unit in t["map"].items()}
        for t in taxonomy()["precision_table"]
    }


@functools.cache
def geo_precision_units() -> dict[str, int]:
    """canonical geo_precision -> unit code (rows without a native code)."""
    return {k: UNITS.index(v) for k, v in taxonomy()["geo_precision"].items()}


@functools.cache
def unit_classes() -> np.ndarray:
    """unit code -> 0 point-level (compared in km), 1 region-level, 2 coarse (never linked one-to-one)."""
    classes = {"point": 0, "near": 0, "region": 1, "coarse": 2}
    table = taxonomy()["units"]
    return np.array([classes[table[u]] if u in table else 1 for u in UNITS], np.int8)


@functools.cache
def dataset_info() -> dict[str, dict[str, str]]:
    """dataset -> {unit: incident|event, actor2: actor|target}."""
    return {k: dict(v) for k, v in taxonomy()["datasets"].items()}
