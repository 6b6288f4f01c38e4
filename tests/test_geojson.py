"""GeoJSON export (RFC 7946): a FeatureCollection of Points, [longitude, latitude], no ``crs`` member, one
feature per incident, each a point in Kazakhstan; the canonical columns as properties."""

from __future__ import annotations

import json
from pathlib import Path

import pycountry
import pytest

import kzevents
from kzevents.cli import main
from kzevents.outputs.geojson import write_geojson

# Kazakhstan lies between latitudes 40 and 56 N and longitudes 46 and 88 E; a point with latitude and
# longitude swapped falls outside (every longitude of ours is above 51)
LAT, LON = (40.0, 56.0), (46.0, 88.0)


@pytest.fixture(scope="module")
def geojson(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("dist")
    assert main(["export", "--out", str(out), "--format", "geojson"]) == 0
    path = out / "kzevents.geojson"
    return path, json.loads(path.read_text(encoding="utf-8"))


def test_a_feature_collection_of_points_one_per_incident(geojson: tuple[Path, dict]) -> None:
    _, doc = geojson
    ds = kzevents.load()
    assert doc["type"] == "FeatureCollection"  # RFC 7946 §3.3
    assert "crs" not in doc and all("crs" not in f for f in doc["features"])  # removed, Appendix B.1
    assert [f["id"] for f in doc["features"]] == [i.id for i in ds]  # one per incident, in id order
    kz = {s.code for s in pycountry.subdivisions.get(country_code="KZ")}
    for f in doc["features"]:
        assert f["type"] == "Feature" and f["geometry"]["type"] == "Point"  # §3.2, §3.1.2
        lon, lat = f["geometry"]["coordinates"]  # §3.1.1: longitude first
        place = ds.places[ds[f["id"]].place]
        assert (lon, lat) == (place.longitude, place.latitude)
        assert LAT[0] < lat < LAT[1] and LON[0] < lon < LON[1], f["id"]
        assert f["properties"]["country_iso3"] == "KAZ"
        # an incident known only at country level has no first-level unit (its point is the country's)
        assert f["properties"]["admin1_code"] in kz or f["properties"]["geo_precision"] == "country"


def test_bbox_covers_every_point(geojson: tuple[Path, dict]) -> None:
    _, doc = geojson
    lons = [f["geometry"]["coordinates"][0] for f in doc["features"]]
    lats = [f["geometry"]["coordinates"][1] for f in doc["features"]]
    assert doc["bbox"] == [min(lons), min(lats), max(lons), max(lats)]  # §5: west, south, east, north


def test_properties_are_the_canonical_columns(geojson: tuple[Path, dict]) -> None:
    _, doc = geojson
    table = kzevents.load().to_arrow()
    aktobe = next(f for f in doc["features"] if f["id"] == "KZE-0001")["properties"]
    assert list(aktobe) == table.column_names
    assert aktobe["event_date"] == "2011-05-17"  # seed 004: the Aktobe suicide bombing
    assert isinstance(aktobe["weapons"], list) and "explosives" in aktobe["weapons"]
    assert isinstance(aktobe["claims"], list) and all("quote" in c for c in aktobe["claims"])
    assert isinstance(aktobe["sources"], list)


def test_utf8_without_bom_and_deterministic(geojson: tuple[Path, dict], tmp_path: Path) -> None:
    path, _ = geojson
    data = path.read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf")
    quotes = [c.quote for i in kzevents.load() for c in i.claims]
    arabic = next(q for q in quotes if any("\u0600" <= ch <= "\u06ff" for ch in q))  # seed 000's quotes
    assert arabic.encode("utf-8") in data  # written as UTF-8 text, not \u escapes
    assert write_geojson(kzevents.load(), tmp_path / "again.geojson") == len(kzevents.load())
    assert (tmp_path / "again.geojson").read_bytes() == data


def test_gdal_reads_it_without_the_parquet_driver(geojson: tuple[Path, dict]) -> None:
    """GDAL's GeoJSON driver (through pyogrio, which geopandas uses) reads the file as WGS 84 points."""
    pyogrio = pytest.importorskip("pyogrio", reason="pyogrio comes with geopandas (test extra)")
    path, _ = geojson
    frame = pyogrio.read_dataframe(path)
    assert len(frame) == len(kzevents.load())
    assert set(frame.geometry.geom_type) == {"Point"}
    assert frame.crs is not None and frame.crs.to_epsg() == 4326
