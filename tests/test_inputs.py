"""Damaged files with --skip-invalid, spreadsheet artefacts (3.0, slash dates), values left empty counted,
sources named inside containers, and the row numbers of every message."""

from __future__ import annotations

import csv
import io
import json
import sys
import zipfile
from pathlib import Path

import pyarrow.parquet as pq
import pytest

import kzevents
from kzevents.cli import main
from kzevents.formats.check import validate_file
from kzevents.formats.reader import read

from .conftest import FIXTURES

sys.path.insert(0, str(FIXTURES))
from make_bad_corpus import ROW1, ROW2, ROW3, lines, with_cell


def rows(n: int) -> list[str]:
    base = (ROW1, ROW2, ROW3)
    return [with_cell(base[i % 3], "event_id_cnty", f"KAZ{8000 + i}") for i in range(n)]


def damaged(tmp_path: Path) -> tuple[Path, list[str]]:
    """Ten rows: row 3 short (a cut line), row 6 with a bad date, row 8 too long, row 10 cut at the end."""
    r = rows(10)
    r[2] = r[2][:90]
    r[5] = with_cell(r[5], "event_date", "2022-02-30")
    r[7] = r[7] + ",surplus"
    r[9] = r[9][:120]
    path = tmp_path / "cut.csv"
    path.write_bytes(lines(*r[:9]) + r[9].encode())  # no line break after the cut last line
    return path, r


def test_convert_stops_by_default_and_says_skip_invalid_exists(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, _ = damaged(tmp_path)
    dest = tmp_path / "out.parquet"
    assert main(["convert", str(path), str(dest)]) == 1
    err = capsys.readouterr().err
    assert "row 3" in err and "--skip-invalid" in err
    assert not dest.exists() and not (tmp_path / "out.rejected.csv").exists()


def test_skip_invalid_keeps_the_readable_rows_and_lists_the_others(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, written = damaged(tmp_path)
    dest = tmp_path / "out.parquet"
    assert main(["convert", "--skip-invalid", "--json", str(path), str(dest)]) == 0
    report = json.loads(capsys.readouterr().out)
    source = report["files"][0]
    assert source["rows"] == 10 and source["rejected"] == 4
    assert report["result"]["rows_out"] == 6 and report["result"]["rows_rejected"] == 4
    kept = pq.read_table(dest).column("event_id").to_pylist()
    assert kept == [f"KAZ{8000 + i}" for i in (0, 1, 3, 4, 6, 8)]
    with open(tmp_path / "out.rejected.csv", newline="", encoding="utf-8") as f:
        rejected = list(csv.DictReader(f))
    assert [r["row"] for r in rejected] == ["3", "6", "8", "10"]
    assert [r["line"] for r in rejected] == ["4", "7", "9", "11"]  # header = line 1
    assert [r["text"] for r in rejected] == [written[2], written[5], written[7], written[9]]
    assert "fields" in rejected[0]["reasons"] and "2022-02-30" in rejected[1]["reasons"]
    assert "32 fields" in rejected[2]["reasons"]


def test_read_with_skip_invalid_returns_the_rejected_rows(tmp_path: Path) -> None:
    path, _ = damaged(tmp_path)
    table, report = kzevents.read(path, skip_invalid=True)
    assert table.num_rows == 6 and report.rows_in == 10 and report.rows_rejected == 4
    assert [r.row for r in report.rejected] == [3, 6, 8, 10]
    assert report.rejected[1].reasons[0].column == "event_date"
    with pytest.raises(kzevents.DataError, match="skip_invalid"):
        kzevents.read(path)


def test_rows_after_a_skipped_row_keep_their_numbers(tmp_path: Path) -> None:
    """A value problem after a row the parser skipped names the row's place in the file, not its place
    among the rows given."""
    r = rows(5)
    r[1] = r[1][:90]
    r[3] = with_cell(r[3], "latitude", "123")
    path = tmp_path / "f.csv"
    path.write_bytes(lines(*r))
    _, report = read(path, skip_invalid=True)
    assert [(x.row, x.reasons[0].column) for x in report.rejected] == [(2, None), (4, "latitude")]


def test_skip_invalid_in_a_workbook_and_json(tmp_path: Path) -> None:
    from .packing import pack

    r = rows(4)
    r[2] = with_cell(r[2], "fatalities", "many")
    path = tmp_path / "v.csv"
    path.write_bytes(lines(*r))
    specs = pack(path, "acled", tmp_path / "packed")
    for label in ("xlsx", "json-array", "gz"):
        table, report = read(specs[label], skip_invalid=True)
        assert table.num_rows == 3, label
        assert [x.row for x in report.rejected] == [3], label
        assert "many" in report.rejected[0].text, label


def test_an_integral_decimal_is_read_counted_and_only_warned(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(lines(ROW1, with_cell(ROW2, "fatalities", "3.0"), with_cell(ROW3, "fatalities", "2.5")))
    with pytest.raises(kzevents.DataError, match="row 3, column fatalities"):
        read(path)
    path.write_bytes(lines(ROW1, with_cell(ROW2, "fatalities", "3.0"), ROW3))
    table, report = read(path)
    assert table.column("fatalities_best")[1].as_py() == 3
    assert report.normalised["integers written as decimals (3.0 read as 3)"] == 1
    v = validate_file(path)
    assert v.valid and v.warning_counts == {"integral-decimal": 1}
    assert (v.warnings[0].row, v.warnings[0].column) == (2, "fatalities")


@pytest.mark.parametrize(
    ("dates", "order", "expected"),
    [
        (["4/1/2022", "13/1/2022", "2022-01-07"], None, ["2022-01-04", "2022-01-13", "2022-01-07"]),
        (["4/1/2022", "1/13/2022", "2022-01-07"], None, ["2022-04-01", "2022-01-13", "2022-01-07"]),
        (["4/1/2022", "01/04/22", "2022-01-07"], "dmy", ["2022-01-04", "2022-04-01", "2022-01-07"]),
        (["4/1/2022", "4/4/2022", "2022-01-07"], "mdy", ["2022-04-01", "2022-04-04", "2022-01-07"]),
    ],
)
def test_slash_dates_in_the_file_s_order(
    tmp_path: Path, dates: list[str], order: str | None, expected: list[str]
) -> None:
    path = tmp_path / "f.csv"
    base = (ROW1, ROW2, ROW3)
    path.write_bytes(lines(*(with_cell(base[i], "event_date", d) for i, d in enumerate(dates))))
    table, _ = read(path, date_order=order)
    assert [str(d) for d in table.column("event_date").to_pylist()] == expected
    assert validate_file(path, date_order=order).counts.get("date-order") is None


@pytest.mark.parametrize(
    ("dates", "says"),
    [
        (["4/1/2022", "5/1/2022", "6/1/2022"], "--date-order"),
        (["13/1/2022", "1/13/2022", "6/1/2022"], "both"),
    ],
)
def test_slash_dates_that_cannot_be_told_ask_for_date_order(
    tmp_path: Path, dates: list[str], says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "f.csv"
    base = (ROW1, ROW2, ROW3)
    path.write_bytes(lines(*(with_cell(base[i], "event_date", d) for i, d in enumerate(dates))))
    assert main(["convert", str(path), str(tmp_path / "o.parquet")]) == 1
    assert says in capsys.readouterr().err
    report = validate_file(path)
    assert report.counts["date-order"] == 1 and says in str(report)


def test_an_unknown_category_is_counted_not_silently_empty(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(lines(with_cell(ROW1, "event_type", "Riot"), ROW2, ROW3))
    table, report = read(path)
    assert table.column("event_type")[0].as_py() is None
    riot = [k for k in report.normalised if "'Riot / " in k]
    assert len(riot) == 1 and report.normalised[riot[0]] == 1


def test_zip_members_and_sheets_are_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = lines(ROW1, ROW2, ROW3)
    archive = tmp_path / "two.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("a.csv", good)
        z.writestr("b.csv", good)
    assert not validate_file(archive).valid
    report = validate_file(f"{archive}::b.csv")
    assert report.valid and report.file == f"{archive}::b.csv"
    assert main(["validate", f"{archive}::c.csv"]) == 2
    err = capsys.readouterr().err
    assert "a.csv, b.csv" in err


def test_a_file_object(tmp_path: Path) -> None:
    data = lines(ROW1, ROW2, ROW3)
    table, report = read(io.BytesIO(data))
    assert table.num_rows == 3 and report.layout == "acled-current"


def test_kinds_not_read_say_what_they_are(tmp_path: Path) -> None:
    for name, content, word in (
        ("a.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "Excel 97-2003"),
        ("a.7z", b"7z\xbc\xaf\x27\x1c" + bytes(40), "7-Zip"),
        ("a.csv", "a,b\n".encode("utf-16"), "UTF-16"),
    ):
        (tmp_path / name).write_bytes(content)
        report = validate_file(tmp_path / name)
        assert not report.valid and word in str(report), str(report)
        assert "kzevents reads CSV text, .xlsx" in str(report)
    (tmp_path / "plain.gz").write_bytes(lines(ROW1, ROW2, ROW3))  # a CSV named .gz: content decides
    assert validate_file(tmp_path / "plain.gz").valid
