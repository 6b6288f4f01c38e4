"""The malformed-file corpus (tests/fixtures/bad, written by fixtures/make_bad_corpus.py): every file gives a
clear message naming the file, row and column, exit code 1, no traceback, and no output left behind."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kzevents.cli import main

from .conftest import FIXTURES

sys.path.insert(0, str(FIXTURES))
from make_bad_corpus import CASES, case

BAD = FIXTURES / "bad"


def test_corpus_is_complete_and_up_to_date() -> None:
    assert len(CASES) >= 70
    for name in CASES:
        assert (BAD / name).read_bytes() == case(name).content, (
            f"run tests/fixtures/make_bad_corpus.py ({name})"
        )
    assert sorted(p.name for p in BAD.iterdir()) == sorted(CASES), "a file of no case: remove it"


def _copy(name: str, folder: Path) -> tuple[Path, bytes]:
    """The case's file in a folder of its own (so that nothing left behind goes unseen)."""
    src = folder / name
    src.write_bytes((BAD / name).read_bytes())
    return src, src.read_bytes()


@pytest.mark.parametrize("name", sorted(CASES))
def test_validate_reports_file_row_column(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    c = case(name)
    path, before = _copy(name, tmp_path)
    code = main(["validate", str(path)])
    out = capsys.readouterr()
    text = out.err + out.out
    assert code == c.validate, text
    assert "Traceback" not in text
    assert str(path) in out.out  # the report, valid or not, on stdout
    if c.row is not None:
        assert f"row {c.row}" in text, text
    if c.column:
        assert f"column {c.column}" in text, text
    assert c.word.lower() in text.lower(), text
    assert path.read_bytes() == before and [p.name for p in tmp_path.iterdir()] == [name]


@pytest.mark.parametrize("name", sorted(CASES))
def test_convert_agrees_and_leaves_nothing(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """convert refuses what validate refuses among the values it reads (and never accepts a file validate
    calls broken); what it accepts keeps its text; a refusal names file, row and column and leaves nothing:
    no output, no temporary file, the source and a previous DEST unchanged."""
    c = case(name)
    path, before = _copy(name, tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    dest = out / "converted.parquet"
    dest.write_bytes(b"a previous conversion")
    code = main(["convert", str(path), str(dest)])
    text = capsys.readouterr().err
    assert "Traceback" not in text
    if c.convert is not None:
        assert code == c.convert, text
    if code != 0:
        assert c.validate != 0, "convert refused a file validate calls valid"
        assert code == 1 and str(path) in text, text
        if c.row:
            assert f"row {c.row}" in text, text
        assert dest.read_bytes() == b"a previous conversion"
        assert [p.name for p in out.iterdir()] == ["converted.parquet"], "no temporary file may be left"
    else:
        import pyarrow.parquet as pq

        table = pq.read_table(dest)
        for column, text_kept in (c.kept or {}).items():
            row = (c.row or 1) - 1 if c.row else _changed_row(name)
            assert table.column(column)[row].as_py() == text_kept, column
    assert path.read_bytes() == before


def _changed_row(name: str) -> int:
    """The row a kept-text case changed (the corpus changes row 2 of the three ACLED rows, row 1 else)."""
    return 0 if name.startswith(("gtd_", "ged_")) else 1


def test_huge_field_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from make_bad_corpus import ROW1, ROW2, lines, with_cell

    path = tmp_path / "huge_field.csv"
    path.write_bytes(lines(ROW1, with_cell(ROW2, "notes", "x" * 10_000_000)))
    assert main(["validate", str(path)]) == 1
    err = capsys.readouterr().out
    assert "row 2" in err and "column notes" in err and "longer than" in err


@pytest.mark.parametrize("command", ["validate", "convert"])
def test_bad_byte_after_the_first_megabyte_is_located(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Only the first MB is sniffed; a Latin-1 byte further down is found by the CSV reader and located by
    row and column (counting CSV records, so quoted line breaks before it do not shift the row)."""
    from make_bad_corpus import ROW1, ROW2, lines, with_cell

    body = [with_cell(ROW1, "notes", 'On 1 May, "quoted\nline break" here. ' + "x" * 500)] * 3000
    bad = with_cell(ROW2, "notes", "Caf\u00e9 owner killed.")
    path = tmp_path / "late_latin1.csv"
    path.write_bytes(lines(*body, bad).replace("Caf\u00e9".encode(), b"Caf\xe9"))
    assert path.stat().st_size > 1 << 20
    dest = tmp_path / "out.parquet"
    args = [command, str(path)] + ([str(dest)] if command == "convert" else [])
    assert main(args) == 1
    out = capsys.readouterr()
    err = out.out if command == "validate" else out.err  # validate's report / convert's error
    assert "row 3001" in err and "column notes" in err and "not utf-8" in err, err
    assert not dest.exists()


def test_no_traceback_from_the_real_command() -> None:
    r = subprocess.run(
        [sys.executable, "-m", "kzevents", "validate", str(BAD / "binary_junk.csv")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert r.returncode == 1 and "Traceback" not in r.stderr + r.stdout and "binary_junk.csv" in r.stdout


@pytest.mark.parametrize("name", ["formula_hyperlink.csv", "formula_in_coded_column.csv"])
def test_safety_findings_count_their_rows(name: str) -> None:
    from kzevents.formats.check import validate_file

    report = validate_file(BAD / name)
    assert report.counts == {"formula-like": 1} and report.failing_rows == 1
