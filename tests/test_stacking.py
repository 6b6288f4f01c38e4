"""Our CSV exports stack with the real datasets' own files: for every shared column, the type DuckDB's
sniffer (``DESCRIBE``) and polars infer from our file is the type they infer from the real one, so a
``UNION ALL`` / ``pl.concat(how="vertical")`` (strict) of ours and theirs works without casts.

The one allowed difference: a column that is empty in every row of ours and may be empty in the real file
too (it has empty cells there), e.g. GED's ``gwnob`` (no state on side B). The real files are the samples
in ../shared/external (acled/README: the 2022 global sample has numeric actor types, the 2025 Somalia file
text ones); without them the project's own fixtures (ACLED) and the benchmark generator (GED) stand in.
"""

from __future__ import annotations

import csv
import importlib.util
import sys
from pathlib import Path

import pytest

from kzevents.outputs.exporter import export

from .conftest import EXTERNAL, FIXTURES, ROOT

duckdb = pytest.importorskip("duckdb", reason="duckdb is in the test extra")
pl = pytest.importorskip("polars", reason="polars is in the test extra")

REAL = {
    "acled-numeric": EXTERNAL / "acled" / "acled_2022_global_sample.csv",
    "acled-text": EXTERNAL / "acled" / "acled_2025-04_somalia_current.csv",
    "ged": EXTERNAL / "ged" / "ged_23.1_sample.csv",
}
OWN = {  # stand-ins when ../shared is absent
    "acled-numeric": FIXTURES / "acled" / "current_numeric_bom.csv",
    "acled-text": FIXTURES / "acled" / "current_text.csv",
}


@pytest.fixture(scope="module")
def ours(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out: dict[str, Path] = {}
    for actor_types in ("numeric", "text"):
        d = tmp_path_factory.mktemp(actor_types)
        export(out=d, formats=["acled", "ged"], actor_types=actor_types)
        out[f"acled-{actor_types}"] = d / "kzevents_acled.csv"
        out["ged"] = d / "kzevents_ged.csv"
    return out


def _generated_ged(tmp: Path) -> Path:
    path = ROOT / "benchmarks" / "generate.py"
    spec = importlib.util.spec_from_file_location("kzevents_bench_generate_stacking", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    dest = tmp / "ged_generated.csv"
    module.write(dest, 400, "ged")
    return dest


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = {k: p if p.exists() else OWN.get(k, p) for k, p in REAL.items()}
    if not out["ged"].exists():
        out["ged"] = _generated_ged(tmp_path_factory.mktemp("ged"))
    return out


def duckdb_types(path: Path) -> dict[str, str]:
    return {r[0]: r[1] for r in duckdb.sql(f"DESCRIBE SELECT * FROM read_csv('{path}')").fetchall()}


def polars_types(path: Path) -> dict[str, object]:
    return dict(pl.read_csv(path).schema)


def empty_columns(path: Path) -> tuple[set[str], set[str]]:
    """(columns empty in every row, columns empty in at least one row)."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    names = list(rows[0]) if rows else []
    every = {c for c in names if all(r[c] == "" for r in rows)}
    some = {c for c in names if any(r[c] == "" for r in rows)}
    return every, some


def differences(ours_file: Path, real_file: Path, types: object) -> dict[str, tuple[object, object]]:
    a, b = types(ours_file), types(real_file)  # type: ignore[operator]
    assert set(a) <= set(b) or set(b) <= set(a), "the layouts differ"
    empty_here, empty_there = empty_columns(ours_file)[0], empty_columns(real_file)[1]
    return {
        c: (a[c], b[c]) for c in a if c in b and a[c] != b[c] and not (c in empty_here and c in empty_there)
    }


@pytest.mark.parametrize("which", ["acled-numeric", "acled-text", "ged"])
@pytest.mark.parametrize("reader", [duckdb_types, polars_types], ids=["duckdb", "polars"])
def test_our_export_types_like_the_real_file(
    ours: dict[str, Path], real: dict[str, Path], which: str, reader: object
) -> None:
    assert differences(ours[which], real[which], reader) == {}


@pytest.mark.parametrize("which", ["acled-numeric", "acled-text", "ged"])
def test_strict_concat_with_the_real_file(ours: dict[str, Path], real: dict[str, Path], which: str) -> None:
    mine, theirs = pl.read_csv(ours[which]), pl.read_csv(real[which])
    shared = [c for c in theirs.columns if c in mine.columns]
    allowed = empty_columns(ours[which])[0] & empty_columns(real[which])[1]
    keep = [c for c in shared if not (c in allowed and mine.schema[c] != theirs.schema[c])]
    stacked = pl.concat([theirs.select(keep), mine.select(keep)], how="vertical")  # strict: no casts
    assert stacked.height == theirs.height + mine.height
    # DuckDB's UNION widens a mismatch silently (BIGINT with VARCHAR is VARCHAR): the union's types must be
    # the real file's own
    cols = ", ".join(f'"{c}"' for c in keep)
    union = (
        f"SELECT {cols} FROM read_csv('{real[which]}') UNION ALL SELECT {cols} FROM read_csv('{ours[which]}')"
    )
    described = {r[0]: r[1] for r in duckdb.sql(f"DESCRIBE {union}").fetchall()}
    assert described == {c: t for c, t in duckdb_types(real[which]).items() if c in keep}
    assert duckdb.sql(f"SELECT count(*) FROM ({union})").fetchall() == [(theirs.height + mine.height,)]


def test_text_actor_types_do_not_stack_with_numeric_downloads(
    ours: dict[str, Path], real: dict[str, Path]
) -> None:
    """Why --actor-types exists: the text form against a numeric download differs in exactly the three
    actor-type columns (acled.md §3-4)."""
    diff = differences(ours["acled-text"], real["acled-numeric"], duckdb_types)
    assert set(diff) == {"inter1", "inter2", "interaction"}
    assert all(theirs == "BIGINT" and mine == "VARCHAR" for mine, theirs in diff.values())
