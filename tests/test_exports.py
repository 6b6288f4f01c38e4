"""`kzevents export`: every format, deterministic, atomic, validated; the Frictionless data package."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import kzevents
from kzevents.cli import main
from kzevents.formats import crosswalk
from kzevents.formats.check import validate_file
from kzevents.outputs.exporter import CSV_FORMATS, export
from kzevents.outputs.writer import write_csv

from .conftest import ROOT


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    assert main(["export", "--out", str(out)]) == 0
    return out


def test_every_format_is_written(dist: Path) -> None:
    names = {str(p.relative_to(dist)) for p in dist.rglob("*")}
    assert {
        "kzevents_acled.csv",
        "kzevents_gtd.csv",
        "kzevents_ged.csv",
        "parquet/kzevents.parquet",
        "kzevents.geojson",
        "datapackage.json",
    } <= names
    assert "excluded/kzevents_gtd_excluded.csv" in names  # police raids are not GTD incidents
    assert not [n for n in names if n.endswith(".tmp")]
    # the Parquet folder holds only Parquet, so pyarrow.dataset and a *.parquet glob read it whole
    assert [p.name for p in (dist / "parquet").iterdir()] == ["kzevents.parquet"]


def test_results_name_every_file_written(tmp_path: Path) -> None:
    results = export(out=tmp_path)
    named = {Path(r.path) for r in results if r.path} | {
        Path(r.excluded_path) for r in results if r.excluded_path
    }
    assert named == {p for p in tmp_path.rglob("*") if p.is_file()}
    assert {r.format for r in results} == {*CSV_FORMATS, "parquet", "geojson", "datapackage"}
    gtd = next(r for r in results if r.format == "gtd")
    assert gtd.excluded and gtd.excluded_path and gtd.excluded_path.endswith("kzevents_gtd_excluded.csv")
    assert dict(next(r for r in results if r.format == "acled").options) == {"actor_types": "text"}


@pytest.mark.parametrize(("choice", "inter1"), [("text", "Political militia"), ("numeric", "3")])
def test_export_actor_types(tmp_path: Path, choice: str, inter1: str) -> None:
    """acled.md: inter1 is the actor type as text in downloads since 2024, a code (3 = political militia)
    in earlier ones; --actor-types picks one."""
    assert main(["export", "--format", "acled", "--actor-types", choice, "--out", str(tmp_path)]) == 0
    import csv

    rows = list(csv.DictReader((tmp_path / "kzevents_acled.csv").open(encoding="utf-8")))
    aktobe = next(r for r in rows if r["event_id_cnty"] == "KZE000101")
    assert aktobe["inter1"] == inter1
    assert validate_file(tmp_path / "kzevents_acled.csv").valid


@pytest.mark.parametrize("fmt", CSV_FORMATS)
def test_each_csv_export_validates(dist: Path, fmt: str) -> None:
    report = validate_file(dist / crosswalk.get(fmt).file)
    assert report.valid, str(report)


def test_exports_are_byte_identical_across_runs(dist: Path, tmp_path: Path) -> None:
    export(out=tmp_path)  # every format: the descriptor lists what the export wrote
    for fmt in CSV_FORMATS:
        name = crosswalk.get(fmt).file
        assert (tmp_path / name).read_bytes() == (dist / name).read_bytes(), name
    assert (tmp_path / "datapackage.json").read_bytes() == (dist / "datapackage.json").read_bytes()


def test_failed_export_leaves_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "kzevents_acled.csv"
    target.write_text("previous good export\n")
    import kzevents.io.atomic as ex

    def boom(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(ex.os, "replace", boom)
    with pytest.raises(OSError):
        write_csv(kzevents.load(), target, "acled")
    assert target.read_text() == "previous good export\n"
    assert [p.name for p in tmp_path.iterdir()] == ["kzevents_acled.csv"]


def test_invalid_data_is_refused_before_writing(tmp_path: Path) -> None:
    import pyarrow as pa

    t = kzevents.load().to_arrow()
    bad = t.set_column(t.schema.get_field_index("latitude"), "latitude", pa.array([123.0] * t.num_rows))
    with pytest.raises(kzevents.DataError) as exc:
        write_csv(bad, tmp_path / "x.csv", "acled")
    assert "latitude" in str(exc.value)
    assert not (tmp_path / "x.csv").exists()


def test_export_json_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "--format", "gtd", "--out", str(tmp_path), "--json"]) == 0
    files = json.loads(capsys.readouterr().out)["files"]
    gtd, excluded = files  # the export, then its list of what was left out
    assert excluded["file"].endswith("kzevents_gtd_excluded.csv") and excluded["role"] == "output"
    assert gtd["format"] == "gtd" and gtd["excluded"]
    assert gtd["excluded_path"].endswith("kzevents_gtd_excluded.csv")
    reasons = {e["event_id"]: e["reason"] for e in gtd["excluded"]}
    raid = next(i for i in kzevents.load() if i.event_type.value == "security_operation")
    assert raid.id in reasons


def test_unknown_format_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["export", "--format", "xml", "--out", str(tmp_path)])
    assert exc.value.code == 2


def test_datapackage_passes_frictionless(dist: Path) -> None:
    frictionless = pytest.importorskip("frictionless")
    desc = json.loads((dist / "datapackage.json").read_text())
    assert desc["$schema"] == "https://datapackage.org/profiles/2.0/datapackage.json"
    # every file the export wrote is a resource (built from the export's results)
    files = [p for p in dist.rglob("*") if p.is_file() and p.name != "datapackage.json"]
    written = {p.relative_to(dist).as_posix() for p in files}
    assert {r["path"] for r in desc["resources"]} == written
    assert {crosswalk.get(f).file for f in CSV_FORMATS} | {
        "parquet/kzevents.parquet",
        "excluded/kzevents_gtd_excluded.csv",
    } <= written
    parquet = next(r for r in desc["resources"] if r["path"] == "parquet/kzevents.parquet")
    assert (parquet["format"], parquet["mediatype"]) == ("parquet", "application/vnd.apache.parquet")
    acled = next(r for r in desc["resources"] if r["name"] == "kzevents-acled")
    event_type = next(f for f in acled["schema"]["fields"] if f["name"] == "event_type")
    assert "Battles" in event_type["constraints"]["enum"]
    # every field says what it means, in the JSON Schema's words (the codebook prints the same text)
    for res in desc["resources"]:
        for field in res.get("schema", {}).get("fields", []):
            assert len(field.get("description", "")) > 5, (res["name"], field["name"])
    ged_schema = json.loads((ROOT / "schemas" / "ged.schema.json").read_text(encoding="utf-8"))
    ged = next(r for r in desc["resources"] if r["name"] == "kzevents-ged")
    dates = {f["name"]: f for f in ged["schema"]["fields"] if f["name"] in ("date_start", "date_end")}
    assert {f["type"] for f in dates.values()} == {"date"}  # GED writes YYYY-MM-DD 00:00:00.000
    assert dates["date_start"]["description"] == ged_schema["properties"]["date_start"]["description"]
    report = frictionless.validate(str(dist / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_datapackage_catches_a_bad_code(dist: Path, tmp_path: Path) -> None:
    frictionless = pytest.importorskip("frictionless")
    import shutil

    shutil.copytree(dist, tmp_path, dirs_exist_ok=True)
    acled = tmp_path / "kzevents_acled.csv"
    acled.write_text(acled.read_text().replace(",Battles,", ",Battle,", 1))
    report = frictionless.validate(str(tmp_path / "datapackage.json"))
    assert not report.valid
    assert any(e[1] == "event_type" for e in report.flatten(["rowNumber", "fieldName"]))


def test_export_needs_no_extra(tmp_path: Path) -> None:
    """`pip install .` then `kzevents export` (the README's first command) works without pandas, polars or
    geopandas: the GeoParquet and the GeoJSON are written with pyarrow and the standard library."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "class Absent:  # as if not installed: importing them raises ModuleNotFoundError\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in ('pandas', 'polars', 'geopandas', 'shapely', 'pyogrio'):\n"
        "            raise ModuleNotFoundError(name)\n"
        "sys.meta_path.insert(0, Absent())\n"
        "from kzevents.cli import main\n"
        f"raise SystemExit(main(['export', '--out', {str(tmp_path)!r}]))\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "parquet" / "kzevents.parquet").stat().st_size > 0
    assert (tmp_path / "kzevents.geojson").stat().st_size > 0


def test_validate_every_csv_export(dist: Path) -> None:
    """The pipeline the project is built for: ``kzevents export --out dist/`` then
    ``kzevents validate dist/*.csv`` passes (the exclusion lists, which are not event files, are in
    ``excluded/``)."""
    csvs = sorted(str(p) for p in dist.glob("*.csv"))
    assert len(csvs) == len(CSV_FORMATS)
    assert main(["validate", *csvs]) == 0
