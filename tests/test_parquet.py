"""(Geo)Parquet: content and metadata round trip (never bytes), GeoParquet 1.1 rules, readers, atomicity."""

from __future__ import annotations

import datetime as dt
import json
import struct
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kzevents
from kzevents import table as canonical
from kzevents.errors import DataError
from kzevents.outputs.parquet import read_parquet, write_parquet

from .conftest import FIXTURES


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pq") / "kzevents.parquet"
    write_parquet(kzevents.load(), path)
    return path


def test_round_trip_keeps_content_schema_and_claims(written: Path) -> None:
    original = kzevents.load().to_arrow()
    back = read_parquet(written)
    assert back.equals(original)
    assert back.schema.equals(original.schema, check_metadata=True)
    assert back.column("claims").to_pylist() == original.column("claims").to_pylist()


def test_kzevents_metadata_key(written: Path) -> None:
    meta = json.loads(pq.read_schema(written).metadata[b"kzevents"])
    assert meta["canonical_schema_version"] == canonical.CANONICAL_SCHEMA_VERSION
    assert meta["dataset_version"] == kzevents.load().version
    assert pq.ParquetFile(written).metadata.row_group(0).column(0).compression == "ZSTD"


def test_geoparquet_1_1_metadata(written: Path) -> None:
    # reference/formats.md §2
    t = pq.read_table(written)
    geo = json.loads(t.schema.metadata[b"geo"])
    assert geo["version"] == "1.1.0" and geo["primary_column"] == "geometry"
    col = geo["columns"]["geometry"]
    assert col["encoding"] == "WKB" and col["geometry_types"] == ["Point"]
    assert "crs" not in col  # omitted: OGC:CRS84
    lon, lat = t.column("longitude").to_pylist(), t.column("latitude").to_pylist()
    assert col["bbox"] == [min(lon), min(lat), max(lon), max(lat)]
    assert col["covering"]["bbox"] == {k: ["bbox", k] for k in ("xmin", "ymin", "xmax", "ymax")}
    for g, x, y, box in zip(
        t.column("geometry").to_pylist(), lon, lat, t.column("bbox").to_pylist(), strict=True
    ):
        assert struct.unpack("<BIdd", g) == (1, 1, x, y)
        assert box == {"xmin": x, "ymin": y, "xmax": x, "ymax": y}


def test_geopandas_reads_points(written: Path) -> None:
    gpd = pytest.importorskip("geopandas")
    frame = gpd.read_parquet(written)
    assert set(frame.geometry.geom_type) == {"Point"}
    assert list(frame.geometry.x) == frame["longitude"].tolist()


def test_duckdb_reads_rows(written: Path) -> None:
    duckdb = pytest.importorskip("duckdb")
    rows = duckdb.sql(f"select count(*), typeof(any_value(geometry)) from '{written}'").fetchall()
    assert rows[0][0] == len(kzevents.load())
    assert rows[0][1].startswith("GEOMETRY") or rows[0][1] == "BLOB"


def test_failed_write_leaves_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "k.parquet"
    path.write_bytes(b"old")
    write_table = pq.ParquetWriter.write_table

    def boom(self: pq.ParquetWriter, *args: object, **kwargs: object) -> None:
        write_table(self, *args, **kwargs)  # a row group is in the temporary file, then the disk fills
        raise OSError("disk full")

    monkeypatch.setattr(pq.ParquetWriter, "write_table", boom)
    with pytest.raises(OSError):
        write_parquet(kzevents.load(), path)
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["k.parquet"]


def test_a_table_that_is_not_canonical_is_refused(tmp_path: Path) -> None:
    t = kzevents.load().to_arrow().drop_columns(["claims"])
    with pytest.raises(DataError, match=r"missing columns \['claims'\]"):
        write_parquet(t, tmp_path / "x.parquet")
    assert not list(tmp_path.iterdir())


def test_convert_streams_row_groups_and_the_bbox_covers_them_all(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """convert writes one row group at a time; the ``geo`` bbox, written at the end, covers every row, and
    the file is the canonical GeoParquet that export writes (the same columns and types)."""
    from kzevents.outputs import converter

    read = converter.iter_read

    def one_row_at_a_time(*args: object, **kwargs: object) -> object:
        for t in read(*args, **kwargs):  # type: ignore[arg-type]
            for i in range(t.num_rows):
                yield t.slice(i, 1)

    monkeypatch.setattr(converter, "iter_read", one_row_at_a_time)
    monkeypatch.setattr(converter, "ROW_GROUP_ROWS", 3)
    src = FIXTURES / "labelled" / "acled_labelled.csv"
    dest = tmp_path / "acled.parquet"
    converter.convert(src, dest)
    meta = pq.ParquetFile(dest).metadata
    assert meta.num_row_groups >= 4
    t = pq.read_table(dest)
    lon, lat = t.column("longitude"), t.column("latitude")
    box = json.loads(t.schema.metadata[b"geo"])["columns"]["geometry"]["bbox"]
    assert box == [pc.min(lon).as_py(), pc.min(lat).as_py(), pc.max(lon).as_py(), pc.max(lat).as_py()]
    # the first row group alone does not span the file: the bbox is the union, not the first group's
    first = pq.ParquetFile(dest).read_row_group(0)
    assert (pc.min(first.column("longitude")).as_py(), pc.max(first.column("longitude")).as_py()) != (
        box[0],
        box[2],
    )
    exported = tmp_path / "k.parquet"
    write_parquet(kzevents.load(), exported)
    assert pq.read_schema(dest).remove_metadata() == pq.read_schema(exported).remove_metadata()


def test_rows_without_coordinates_get_a_null_geometry(tmp_path: Path) -> None:
    gpd = pytest.importorskip("geopandas", reason="geopandas is in the test extra")
    t = kzevents.load().to_arrow()
    lat = t.column("latitude").to_pylist()
    lat[0] = None
    t = t.set_column(t.schema.get_field_index("latitude"), t.schema.field("latitude"), pa.array(lat))
    path = tmp_path / "k.parquet"
    write_parquet(t, path)
    raw = pq.read_table(path)
    assert raw.column("geometry")[0].as_py() is None and raw.column("bbox")[0].as_py() is None
    frame = gpd.read_parquet(path)
    assert frame.geometry.iloc[0] is None and frame.geometry.iloc[1:].geom_type.eq("Point").all()


def test_foreign_parquet_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.parquet"
    pq.write_table(pa.table({"a": [1]}), path)
    with pytest.raises(DataError) as exc:
        read_parquet(path)
    assert "other.parquet" in str(exc.value)


coords = st.one_of(st.none(), st.tuples(st.floats(40.6, 55.4), st.floats(46.6, 87.3)))


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(1, 9999),
            st.dates(dt.date(2011, 1, 1), dt.date(2012, 12, 31)),
            coords,
            st.integers(0, 50),
            st.lists(st.text(max_size=8), max_size=3),
        ),
        min_size=1,
        max_size=8,
        unique_by=lambda r: r[0],
    )
)
def test_random_tables_round_trip(tmp_path_factory: pytest.TempPathFactory, rows: list[tuple]) -> None:
    cols = {
        "event_id": [f"KZE-{r[0]:04d}" for r in rows],
        "dataset": ["kzevents"] * len(rows),
        "event_date": [r[1] for r in rows],
        "event_date_end": [r[1] for r in rows],
        "date_precision": ["day"] * len(rows),
        "country_iso3": ["KAZ"] * len(rows),
        "latitude": [r[2][0] if r[2] else None for r in rows],
        "longitude": [r[2][1] if r[2] else None for r in rows],
        "fatalities_best": [r[3] for r in rows],
        "weapons": [r[4] for r in rows],
        "claims": [[{"source": "001", "quote": q or "x"} for q in r[4]] for r in rows],
    }
    table = canonical.from_columns(cols)
    path = tmp_path_factory.mktemp("h") / "t.parquet"
    write_parquet(table, path)
    assert read_parquet(path).equals(table)
