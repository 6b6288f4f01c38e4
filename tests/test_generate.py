"""The benchmark generator (benchmarks/generate.py) writes every layout the issue names, and what it writes
is what the real files look like: kzevents detects the intended layout, the rows keep the format's schema
and rules (no errors, no warnings), and the layout's quirks are in the bytes."""

from __future__ import annotations

import csv
import importlib.util
import io
import re
import sys
from pathlib import Path
from types import ModuleType

import pyarrow as pa
import pytest

import kzevents
from kzevents.formats.check import validate_file
from kzevents.formats.detect import detect_layout
from kzevents.formats.detect import sniff_file as sniff

ROWS = 1200


def _generator() -> ModuleType:
    path = Path(__file__).resolve().parents[1] / "benchmarks" / "generate.py"
    spec = importlib.util.spec_from_file_location("kzevents_bench_generate", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


GEN = _generator()


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = {}
    for layout in GEN.LAYOUTS:
        path = tmp_path_factory.mktemp("gen") / f"{layout}.csv"
        GEN.write(path, ROWS, layout, chunk=500)  # three chunks: ids must stay unique across them
        out[layout] = path
    return out


def _rows(path: Path, encoding: str = "utf-8") -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_bytes().decode(encoding))))


@pytest.mark.parametrize("layout", list(GEN.LAYOUTS))
def test_layout_is_detected_valid_and_read(files: dict[str, Path], layout: str) -> None:
    path = files[layout]
    header, _, _ = sniff(path)
    assert detect_layout(header, str(path)).name == GEN.LAYOUTS[layout][0]
    report = validate_file(path)
    assert report.valid, str(report)[:2000]
    assert not report.warnings, str(report)[:2000]
    table, read_report = kzevents.read(path)
    assert table.num_rows == ROWS
    if layout == "monadic":  # one row per actor: more lines than events
        assert read_report.rows_in > ROWS
    else:
        assert read_report.rows_in == ROWS
    assert table.column("event_date").null_count == 0
    assert table.column("country_iso3").null_count == 0


def test_pre2023_quotes_every_field_and_writes_long_dates(files: dict[str, Path]) -> None:
    line = files["pre2023"].read_text(encoding="utf-8").splitlines()[1]
    # acled.md §1.2 / the 2020 export-tool file: "21 March 2020", data_id first, iso3 last
    assert re.match(r'^"[0-9]+","[0-9]+","SYN[0-9]+","[0-9]+","[0-9]{2} [A-Z][a-z]+ 20[0-9]{2}",', line)
    assert re.search(r',"[A-Z]{3}"$', line)


def test_current_quotes_only_cells_that_need_it(files: dict[str, Path]) -> None:
    lines = files["current"].read_text(encoding="utf-8").splitlines()[1:]
    # as the real current file (../shared/external/acled/acled_2025-04_somalia_current.csv): SOM49639,...
    start = re.compile(r"^SYN[0-9]+,[0-9]{4}-[0-9]{2}-[0-9]{2},[0-9]{4},[123],")
    assert all(start.match(line) for line in lines[:50])
    assert any(',"' in line for line in lines)  # notes with commas are quoted


def test_monadic_repeats_events_and_mangles_dates(files: dict[str, Path]) -> None:
    rows = _rows(files["monadic"])
    header, body = rows[0], rows[1:]
    assert "actor2" not in header and "inter2" not in header
    ids = [r[header.index("event_id_cnty")] for r in body]
    assert len(set(ids)) == ROWS < len(ids)
    assert all(
        re.fullmatch(r"[0-9]{1,2}-[A-Z][a-z]{2}-[0-9]{2}", r[header.index("event_date")]) for r in body
    )


def test_2016_has_index_column_and_older_types(files: dict[str, Path]) -> None:
    rows = _rows(files["2016"])
    assert rows[0][0] == "" and "ally_actor_1" in rows[0] and "gwno" in rows[0]
    types = {r[rows[0].index("event_type")] for r in rows[1:]}
    assert "Riots/Protests" in types and "Remote violence" in types
    assert all(re.fullmatch(r"[0-9]+RTA", r[rows[0].index("event_id_cnty")]) for r in rows[1:])


def test_gtd_keeps_the_codebook_conventions(files: dict[str, Path]) -> None:
    raw = files["gtd-latin1"].read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert b"\xd6skemen" in raw  # Ö in Latin-1, as GTD's own file
    rows = _rows(files["gtd-latin1"], "latin-1")
    header, body = rows[0], rows[1:]
    assert len(header) == 135
    col = {name: i for i, name in enumerate(header)}
    ids = [int(r[col["eventid"]]) for r in body]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    for r in body:  # gtd.md §4: month or day 0 comes with approxdate; resolution only when extended
        assert r[col["eventid"]][:4] == r[col["iyear"]]
        if r[col["imonth"]] == "0" or r[col["iday"]] == "0":
            assert r[col["approxdate"]]
        assert bool(r[col["resolution"]]) == (r[col["extended"]] == "1")
        assert (r[col["latitude"]] == "") == (r[col["specificity"]] == "5")
    assert any(r[col["iday"]] == "0" for r in body)


def test_ged_dates_and_headerless(files: dict[str, Path]) -> None:
    timed = _rows(files["ged"])
    plain = _rows(files["ged-plain"])
    start = timed[0].index("date_start")
    assert all(r[start].endswith(" 00:00:00.000") for r in timed[1:])
    assert all(re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", r[start]) for r in plain[1:])
    assert any(r[timed[0].index("number_of_sources")] == "-1" for r in timed[1:])
    headerless = _rows(files["ged-headerless"])
    assert len(headerless) == ROWS and headerless[0][0].isdigit()


GTD_BREAKS = [  # (column, value): each breaks one GTD rule (gtd.md) on the row it is written to
    ("attacktype1_txt", "Hijacking"),  # not the label of the code
    ("weapsubtype1", "2"),  # a firearm subtype, whatever weaptype1 says
    ("region", "3"),  # Kazakhstan etc. are not South America (where the table has the country)
    ("iday", "31"),  # not every month has a 31st
    ("alternative", "2"),  # alternative without doubtterr 1 (and without its label)
    ("resolution", "2001-01-01"),  # resolution on a row that may not be extended
    ("specificity", "5"),  # coordinates with specificity 5
    ("imonth", "13"),
    ("natlty1_txt", ""),  # label missing for a code
]
GED_BREAKS = [
    ("best", "999"),  # deaths no longer add up (and low/high may break: a warning)
    ("year", "1900"),
    ("date_end", "1989-01-01"),
    ("priogrid_gid", "1"),
    ("gwnoa", ""),  # a state-based row without its government (on state-based rows)
    ("date_start", "2011-02-30 00:00:00.000"),
]


def _broken(path: Path, out: Path, breaks: list[tuple[str, str]], encoding: str) -> None:
    rows = _rows(path, encoding)
    header = rows[0]
    for i, (column, value) in enumerate(breaks * 20):
        rows[1 + (i * 37) % (len(rows) - 1)][header.index(column)] = value
    with open(out, "w", newline="", encoding=encoding) as fh:
        csv.writer(fh).writerows(rows)


@pytest.mark.parametrize("layout", ["gtd-latin1", "ged"])
def test_dictionary_read_columns_give_the_same_verdicts(
    files: dict[str, Path], layout: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Coded columns are read as dictionaries and their cross-field rules decided per distinct combination;
    the verdicts must be those of the plain per-row path, on every row."""
    from kzevents.formats import check as validation

    encoding = "latin-1" if layout == "gtd-latin1" else "utf-8"
    broken = tmp_path / "broken.csv"
    _broken(files[layout], broken, GTD_BREAKS if layout.startswith("gtd") else GED_BREAKS, encoding)

    def verdicts() -> tuple[set[tuple[int | None, str | None, str]], set[tuple[int | None, str | None, str]]]:
        report = validate_file(broken)
        errors = {(p.row, p.column, p.code) for p in report.problems}
        warnings = {(p.row, p.column, p.code) for p in report.warnings}
        return errors, warnings

    coded = verdicts()
    monkeypatch.setattr(validation, "CODED_COLUMNS", {})
    plain = verdicts()
    assert coded == plain
    codes = {c for _, _, c in coded[0]}
    expected = (
        {"gtd-txt", "gtd-weapsubtype", "gtd-date", "gtd-alternative", "gtd-resolution", "gtd-specificity"}
        if layout.startswith("gtd")
        else {"ged-deaths-sum", "ged-year", "ged-date-order", "ged-priogrid", "ged-sides"}
    )
    assert expected <= codes, codes


@pytest.mark.parametrize("layout", ["gtd-latin1", "ged", "ged-headerless"])
def test_gtd_and_ged_columns_left_undecoded_are_not_used(
    files: dict[str, Path], layout: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As tests/test_reader_kernels.py does for ACLED: reading only USED_COLUMNS gives the canonical table
    that decoding every column gives (the generated files fill every column the normalisers read)."""
    from kzevents.formats import reader as readers

    fast, _ = readers.read(files[layout])
    monkeypatch.setattr(readers, "USED_COLUMNS", {})
    full, _ = readers.read(files[layout])
    assert fast.equals(full)


def test_reading_and_validating_every_layout_does_not_import_pandas(
    files: dict[str, Path], tmp_path: Path
) -> None:
    """pyarrow imports pandas (about half a second) whenever it converts a Python value; kzevents builds its
    constants from buffers so that reading, converting and validating never do."""
    import subprocess

    paths = [str(p) for p in files.values()]
    code = (
        "import sys\n"
        "from kzevents.outputs.converter import convert\n"
        "from kzevents.formats.check import validate_file\n"
        f"for i, p in enumerate({paths!r}):\n"
        "    assert validate_file(p).valid\n"
        f"    convert(p, {str(tmp_path)!r} + f'/{{i}}.parquet')\n"
        "print('pandas' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize("layout", ["current", "monadic", "gtd-latin1", "ged"])
def test_groups_of_many_parser_blocks_read_as_one_block(
    files: dict[str, Path], layout: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The normaliser takes text columns over chunk by chunk (no copy into one array); a group of many
    small parser blocks must give the table that one block gives."""
    from kzevents.formats import reader as readers

    whole, _ = kzevents.read(files[layout])
    monkeypatch.setattr(readers, "PARSE_BLOCK", 1 << 12)
    tables = list(readers.iter_read(files[layout], batch_bytes=1 << 16))
    if layout != "monadic":  # (the monadic collapse takes rows, which joins the chunks)
        assert any(t.column("summary").num_chunks > 3 for t in tables)  # the groups really are chunked
    small = pa.concat_tables(tables).unify_dictionaries().combine_chunks()
    assert small.num_rows == whole.num_rows
    for name in whole.column_names:
        assert small.column(name).to_pylist() == whole.column(name).to_pylist(), name
