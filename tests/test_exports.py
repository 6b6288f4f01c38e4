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
    names = {p.name for p in dist.iterdir()}
    assert {
        "kzevents_acled.csv",
        "kzevents_gtd.csv",
        "kzevents_ged.csv",
        "kzevents.parquet",
        "datapackage.json",
    } <= names
    assert "kzevents_gtd_excluded.csv" in names  # police raids are not GTD incidents
    assert not [n for n in names if n.endswith(".tmp")]


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
    gtd, listed = json.loads(capsys.readouterr().out)  # the export and its exclusion list
    assert gtd["format"] == "gtd" and gtd["excluded"]
    assert listed["format"] == "gtd-excluded" and listed["rows"] == len(gtd["excluded"])
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
    written = {p.name for p in dist.iterdir() if p.name != "datapackage.json"}
    assert {r["path"] for r in desc["resources"]} == written
    assert {crosswalk.get(f).file for f in CSV_FORMATS} | {
        "kzevents.parquet",
        "kzevents_gtd_excluded.csv",
    } <= written
    parquet = next(r for r in desc["resources"] if r["path"] == "kzevents.parquet")
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

    for p in dist.iterdir():
        shutil.copy(p, tmp_path / p.name)
    acled = tmp_path / "kzevents_acled.csv"
    acled.write_text(acled.read_text().replace(",Battles,", ",Battle,", 1))
    report = frictionless.validate(str(tmp_path / "datapackage.json"))
    assert not report.valid
    assert any(e[1] == "event_type" for e in report.flatten(["rowNumber", "fieldName"]))
