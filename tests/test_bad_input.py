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
from make_bad_corpus import CASES

BAD = FIXTURES / "bad"

# cases the reader itself must refuse (structure, encoding, values it has to parse); the others are
# semantic (codes, cross-field rules) and are `validate`'s job
READ_ERRORS = {
    "empty.csv",
    "only_newlines.csv",
    "header_only.csv",
    "truncated_last_line.csv",
    "unterminated_quote.csv",
    "semicolon_delimiter.csv",
    "tab_delimiter.csv",
    "missing_column.csv",
    "extra_column.csv",
    "too_many_fields_in_row.csv",
    "too_few_fields_in_row.csv",
    "date_feb_30.csv",
    "date_month_13.csv",
    "date_words.csv",
    "latitude_123.csv",
    "longitude_minus_200.csv",
    "latitude_text.csv",
    "fatalities_negative.csv",
    "fatalities_decimal.csv",
    "fatalities_words.csv",
    "unknown_actor_type.csv",
    "time_precision_4.csv",
    "geo_precision_0.csv",
    "mixed_encoding.csv",
    "binary_junk.csv",
    "utf16.csv",
}


def test_corpus_is_complete_and_up_to_date() -> None:
    assert len(CASES) >= 40
    for name, (content, *_) in CASES.items():
        assert (BAD / name).read_bytes() == content, f"run tests/fixtures/make_bad_corpus.py ({name})"


@pytest.mark.parametrize("name", sorted(CASES))
def test_validate_reports_file_row_column(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    _, row, column, word = CASES[name]
    path = BAD / name
    code = main(["validate", str(path)])
    out = capsys.readouterr()
    text = out.err + out.out
    assert code == 1, text
    assert "Traceback" not in text
    assert str(path) in text
    if row:
        assert f"row {row}" in text, text
    if column:
        assert f"column {column}" in text, text
    assert word.lower() in text.lower(), text


@pytest.mark.parametrize("name", sorted(READ_ERRORS))
def test_convert_refuses_and_leaves_nothing(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dest = tmp_path / "out.parquet"
    code = main(["convert", str(BAD / name), str(dest)])
    text = capsys.readouterr().err
    assert code == 1, text
    assert str(BAD / name) in text
    assert list(tmp_path.iterdir()) == [], "no output (and no temporary file) may be left behind"


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
