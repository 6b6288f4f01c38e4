"""The vectorised validator: agreement with jsonschema, file-level problems, the CLI's exit codes."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kzevents.cli import main
from kzevents.dataset.load import load_dataset
from kzevents.formats.check import validate_file
from kzevents.outputs.writer import to_acled
from kzevents.validation import ColumnRule, cell_to_json, check_column, valid_ymd


def _python_valid(s: str) -> bool:
    try:
        dt.date.fromisoformat(s)
    except ValueError:
        return False
    return True


@given(st.lists(st.from_regex(r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}\Z"), min_size=1, max_size=50))
def test_vectorised_calendar_check_agrees_with_python(values: list[str]) -> None:
    col = pa.array(values, pa.string())
    got = valid_ymd(col, pa.array([True] * len(values))).to_pylist()
    assert got == [_python_valid(v) for v in values]


RULES = [
    ColumnRule("i", nullable=False, types=frozenset({"integer"}), minimum=0),
    ColumnRule("n", nullable=True, types=frozenset({"number"}), minimum=-90, maximum=90),
    ColumnRule("e", nullable=True, types=frozenset(), enum=("A", "B", 1, 2, None)),
    ColumnRule("s", nullable=False, types=frozenset({"string"}), pattern="^[A-Z]{3}[0-9]+$", max_length=8),
    ColumnRule("t", nullable=True, types=frozenset({"string"}), min_length=2, max_length=3),
    ColumnRule("u", nullable=False, types=frozenset({"integer"}), minimum=0, maximum=10**17),
    ColumnRule(
        "d",
        nullable=True,
        types=frozenset({"string"}),
        pattern="^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
        date_format=True,
    ),
]

# a column of only these takes the fast date path; one bad cell sends it down the regex path
DATES = ["2020-02-29", "2021-02-29", "0000-01-01", "0001-01-01", "2021-13-01", "2021-02-03\n", "2021-2-3", ""]

# strings Arrow's number parsers read differently from the JSON Schema rule (hex, nan/inf, a "+", too many
# digits, overflow) next to plain numbers: a column of only these takes the validator's fast path
TRICKY_NUMBERS = [
    "0x1F",
    "0X1",
    "NaN",
    "inf",
    "-Infinity",
    "+1",
    "+1.5",
    "1e400",
    "-1e400",
    "0000000000000000001",
    "123456789012345678",
    "-123456789012345678",
    "100000000000000001",
    "1234567890123456789",
    ".5",
    "5.",
    "-",
    "1E5",
    "-0.0",
    "12",
    "-7",
    "45.5",
    "é",
    "ab",
    "abcd",
]


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.name)
@given(
    cells=st.lists(
        st.one_of(
            st.sampled_from(
                [
                    "",
                    "0",
                    "-1",
                    "1",
                    "2",
                    "1.5",
                    "90",
                    "91",
                    "A",
                    "C",
                    "KAZ12",
                    "KAZ12\n",
                    "7\n",
                    "KAZ123456",
                    "kaz1",
                    "1e2",
                    "-0",
                    "007",
                    *TRICKY_NUMBERS,
                ]
            ),
            st.text(max_size=6),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_column_checks_agree_with_jsonschema(rule: ColumnRule, cells: list[str]) -> None:
    _agree_with_jsonschema(rule, cells)


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.name)
@given(
    cells=st.lists(
        st.sampled_from(["12", "-7", "45.5", "0", "007", "1E5", ".5", "", *TRICKY_NUMBERS[:13]]),
        min_size=1,
        max_size=12,
    )
)
def test_numeric_fast_path_agrees_with_jsonschema(rule: ColumnRule, cells: list[str]) -> None:
    _agree_with_jsonschema(rule, cells)


@given(cells=st.lists(st.sampled_from(DATES), min_size=1, max_size=8))
def test_date_checks_agree_with_jsonschema(cells: list[str]) -> None:
    _agree_with_jsonschema(RULES[-1], cells)


def _agree_with_jsonschema(rule: ColumnRule, cells: list[str]) -> None:
    import jsonschema

    prop: dict[str, object] = {}
    if rule.enum is not None:
        prop["enum"] = list(rule.enum)
    else:
        prop["type"] = sorted(rule.types) + (["null"] if rule.nullable else [])
    for key, value in (
        ("pattern", rule.pattern),
        ("minLength", rule.min_length),
        ("maxLength", rule.max_length),
        ("minimum", rule.minimum),
        ("maximum", rule.maximum),
    ):
        if value is not None:
            prop[key] = value
    if rule.date_format:
        prop["format"] = "date"
    validator = jsonschema.Draft202012Validator(
        prop, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    expected = [not validator.is_valid(cell_to_json(c, rule)) for c in cells]
    masks = check_column(pa.array(cells, pa.string()), rule)
    got = [any(m[i].as_py() for m, _, _ in masks) for i in range(len(cells))]
    assert got == expected


def _export(tmp_path: Path, mini: dict[str, str]) -> Path:
    path = tmp_path / "kzevents_acled.csv"
    to_acled(load_dataset(mini), path)
    return path


def test_valid_export_exits_0(
    tmp_path: Path, mini: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    path = _export(tmp_path, mini)
    assert main(["validate", str(path)]) == 0
    assert "valid" in capsys.readouterr().out


def test_invalid_file_exits_1_with_row_and_column(
    tmp_path: Path, mini: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    path = _export(tmp_path, mini)
    text = path.read_text().replace(",Suicide bomb,", ",Armed clash,")
    path.write_text(text)
    assert main(["validate", "--json", str(path)]) == 1
    (report,) = json.loads(capsys.readouterr().out)["files"]
    assert report["valid"] is False
    assert {"row": 1, "column": "sub_event_type", "code": "sub-event-type"}.items() <= report["problems"][
        0
    ].items()


def test_unknown_layout_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "x.csv"
    path.write_text("a,b,c\n1,2,3\n")
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr().out  # the report, valid or not, is on stdout
    assert "x.csv" in out and "no known layout" in out


def test_empty_file_and_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "empty.csv"
    path.write_text("")
    assert main(["validate", str(path)]) == 1
    assert "empty.csv" in capsys.readouterr().out
    assert main(["validate", str(tmp_path / "nope.csv")]) == 2


def test_missing_column_is_reported(
    tmp_path: Path, mini: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    path = _export(tmp_path, mini)
    lines = path.read_text().splitlines()
    path.write_text("\n".join(line.rsplit(",", 1)[0] for line in lines) + "\n")  # drop `timestamp`
    assert main(["validate", "--format", "acled", str(path)]) == 1
    assert "timestamp" in capsys.readouterr().out


def test_2016_ids_are_checked_by_their_own_pattern(tmp_path: Path) -> None:
    src = Path(__file__).parent / "fixtures" / "acled" / "layout2016.csv"
    assert validate_file(src).valid  # ids like 8188RTA (acled.md §1.3) are the 2016 form
    bad = tmp_path / "bad2016.csv"
    bad.write_text(src.read_text(encoding="utf-8").replace("8188RTA", "RTA-8188"), encoding="utf-8")
    report = validate_file(bad)
    assert not report.valid
    assert [(p.row, p.column) for p in report.problems] == [(1, "event_id_cnty")]
