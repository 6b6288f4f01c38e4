"""Every Parquet file that ``export``, ``convert`` and ``merge`` write is the one canonical GeoParquet:
geopandas, DuckDB, polars and pyarrow read each of them, and the folder they share as one table (the README's
"Using the data"). The links table keeps its own schema."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.dataset as pads
import pyarrow.parquet as pq
import pytest

import kzevents
from kzevents.cli import main
from kzevents.matching.union import LINKS_SCHEMA

from .conftest import EXTERNAL, FIXTURES

gpd = pytest.importorskip("geopandas", reason="geopandas is in the test extra")
duckdb = pytest.importorskip("duckdb", reason="duckdb is in the test extra")
pl = pytest.importorskip("polars", reason="polars is in the test extra")

INPUTS = {  # convert: our own fixtures (GTD has rows without coordinates), and the GED sample if present
    "acled": FIXTURES / "acled" / "current_text.csv",
    "acled_pre2023": FIXTURES / "acled" / "pre2023.csv",
    "gtd": FIXTURES / "gtd" / "gtd_labelled_latin1.csv",
    "ged": EXTERNAL / "ged" / "ged_23.1_sample.csv",
}


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    dist = tmp_path_factory.mktemp("dist")
    assert main(["export", "--out", str(dist), "--format", "parquet"]) == 0
    files = {"export": dist / "parquet" / "kzevents.parquet"}
    for name, src in INPUTS.items():
        if src.exists():
            dest = dist / "parquet" / f"{name}.parquet"  # beside the export: the folder stacks
            assert main(["convert", str(src), str(dest)]) == 0
            files[f"convert-{name}"] = dest
    merged = tmp_path_factory.mktemp("merged")
    assert main(["merge", str(files["export"]), str(INPUTS["acled"]), "--out", str(merged)]) == 0
    files["merge"] = merged / "merged.parquet"
    files["links"] = merged / "links.parquet"
    return files


def _canonical(written: dict[str, Path]) -> dict[str, Path]:
    return {k: v for k, v in written.items() if k != "links"}


def test_every_file_has_the_same_canonical_schema(written: dict[str, Path]) -> None:
    schemas = {k: pq.read_schema(p) for k, p in _canonical(written).items()}
    first = schemas["export"]
    assert first.names[-2:] == ["geometry", "bbox"]
    assert first.names[:-2] == kzevents.load().to_arrow().column_names
    for name, schema in schemas.items():
        assert schema.remove_metadata() == first.remove_metadata(), name
        geo = json.loads(schema.metadata[b"geo"])
        assert geo["version"] == "1.1.0" and geo["columns"]["geometry"]["geometry_types"] == ["Point"], name
        assert b"kzevents" in schema.metadata, name


@pytest.mark.parametrize(
    "name", ["export", "convert-acled", "convert-acled_pre2023", "convert-gtd", "convert-ged", "merge"]
)
def test_geopandas_reads_points_and_nulls(written: dict[str, Path], name: str) -> None:
    if name not in written:
        pytest.skip(f"{INPUTS[name.split('-', 1)[1]]} is absent (the ../shared checkout is not beside us)")
    path = written[name]
    frame = gpd.read_parquet(path)
    raw = pq.read_table(path, columns=["longitude", "latitude"])
    assert len(frame) == raw.num_rows > 0
    assert frame.crs is not None and frame.crs.to_string() == "OGC:CRS84"
    has_xy = frame["longitude"].notna() & frame["latitude"].notna()
    assert frame.geometry.isna().equals(~has_xy)  # null geometry exactly where there are no coordinates
    points = frame.geometry[has_xy]
    assert set(points.geom_type) <= {"Point"}
    assert points.x.tolist() == frame.loc[has_xy, "longitude"].tolist()
    assert points.y.tolist() == frame.loc[has_xy, "latitude"].tolist()
    # the geo bbox covers every row
    bbox = json.loads(pq.read_schema(path).metadata[b"geo"])["columns"]["geometry"]["bbox"]
    assert bbox == pytest.approx(list(points.total_bounds))


def test_gtd_rows_without_coordinates_are_kept(written: dict[str, Path]) -> None:
    frame = gpd.read_parquet(written["convert-gtd"])
    assert frame.geometry.isna().sum() == 2  # the fixture's two rows without latitude/longitude


def test_duckdb_and_polars_read_each_file(written: dict[str, Path]) -> None:
    for name, path in _canonical(written).items():
        n = pq.ParquetFile(path).metadata.num_rows
        (count, geometry_type), *_ = duckdb.sql(
            f"SELECT count(*), any_value(typeof(geometry)) FROM read_parquet('{path}')"
        ).fetchall()
        assert count == n and geometry_type.startswith("GEOMETRY"), name
        frame = pl.read_parquet(path)
        assert frame.height == n, name
        assert frame.schema["event_date"] == pl.Date and frame.schema["dataset"] == pl.Categorical, name


def test_the_parquet_folder_reads_as_one_table(written: dict[str, Path]) -> None:
    folder = written["export"].parent
    in_folder = [p for p in _canonical(written).values() if p.parent == folder]
    total = sum(pq.ParquetFile(p).metadata.num_rows for p in in_folder)
    assert len(in_folder) >= 4
    assert pads.dataset(folder).to_table().num_rows == total
    assert duckdb.sql(f"SELECT count(*) FROM '{folder}/*.parquet'").fetchall() == [(total,)]
    assert pl.scan_parquet(f"{folder}/*.parquet").select(pl.len()).collect().item() == total
    datasets = pl.read_parquet(f"{folder}/*.parquet")["dataset"].cast(pl.String).unique().sort()
    assert set(datasets) >= {"kzevents", "acled", "gtd"}


def test_links_keep_their_own_schema(written: dict[str, Path]) -> None:
    schema = pq.read_schema(written["links"])
    assert schema.remove_metadata() == LINKS_SCHEMA
    assert b"geo" not in (schema.metadata or {})
