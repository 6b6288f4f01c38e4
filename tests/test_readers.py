"""Reading ACLED files of every layout into the canonical table (own fixtures, and the real files in
../shared/external when present). Expected values are read off the files themselves."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from kzevents.cli import main
from kzevents.errors import DataError
from kzevents.formats.check import validate_file
from kzevents.formats.detect import detect_layout
from kzevents.formats.ged.layouts import GED_COLUMNS
from kzevents.formats.reader import read
from kzevents.table import schema
from kzevents.validation.reference import reference_problems

from .conftest import EXTERNAL, FIXTURES, need

ACLED = FIXTURES / "acled"


def test_current_text_layout() -> None:
    t, report = read(ACLED / "current_text.csv")
    assert report.layout == "acled-current"
    assert t.schema.equals(schema(), check_metadata=False)
    rows = t.to_pylist()
    assert [r["event_id"] for r in rows] == ["KAZ9001", "KAZ9002", "KAZ9003"]
    first = rows[0]
    assert first["event_date"] == dt.date(2022, 1, 5)
    assert first["admin1_code"] == "KZ-75"  # "Almaty City" is the city, never the region
    assert rows[1]["admin1_code"] == "KZ-15"  # ACLED's "Aqtobe"
    assert first["actor2_type"] == "State forces" and first["fatalities_best"] == 12
    assert first["event_type"] == "unrest" and first["native_sub_event_type"] == "Violent demonstration"
    assert rows[2]["date_precision"] == "week"  # time_precision 2
    assert rows[2]["actor2"] is None and rows[2]["actor2_type"] is None
    assert first["summary"].endswith('"dozens" were killed.')


def test_numeric_actor_types_and_bom_read_like_text() -> None:
    text, _ = read(ACLED / "current_text.csv")
    num, report = read(ACLED / "current_numeric_bom.csv")
    assert report.normalised["UTF-8 byte-order mark removed"] == 1
    assert report.normalised["numeric actor types translated to text"] == 5
    for col in ("event_id", "actor1_type", "actor2_type", "event_date"):
        assert num.column(col).to_pylist() == text.column(col).to_pylist()


def test_pre2023_layout_with_written_out_dates() -> None:
    t, report = read(ACLED / "pre2023.csv")
    assert report.layout == "acled-pre2023"
    row = t.to_pylist()[0]
    assert row["event_date"] == dt.date(2020, 3, 21)
    assert row["country_iso3"] == "KAZ" and row["admin1_code"] == "KZ-23"
    assert row["event_type"] == "security_operation"  # Battles/Armed clash initiated by state forces


def test_2016_layout_with_index_column() -> None:
    t, report = read(ACLED / "layout2016.csv")
    assert report.layout == "acled-2016"
    row = t.to_pylist()[0]
    assert row["event_id"] == "8188RTA" and row["native_event_type"] == "Riots/Protests"
    assert row["actor2_type"] == "Rioters" and row["event_date"] == dt.date(2016, 3, 4)
    assert row["country_iso3"] == "KEN"


def test_2016_battles_and_country_names(tmp_path: Path) -> None:
    """The 2016 layout has no iso column and no sub-event types: the country comes from its name (GED/GTD
    spellings such as "Syria" included), and "Battle-No change of territory" is today's armed clash."""
    src = (ACLED / "layout2016.csv").read_text(encoding="utf-8").splitlines()
    row = src[1].replace("Riots/Protests", "Battle-No change of territory").replace("Kenya,", "Syria,")
    path = tmp_path / "battle2016.csv"
    path.write_text("\n".join([src[0], row]) + "\n", encoding="utf-8")
    t, _ = read(path)
    out = t.to_pylist()[0]
    assert out["country_iso3"] == "SYR"
    assert out["actor1_type"] == "State forces" and out["event_type"] == "security_operation"


def test_monadic_rows_become_one_event() -> None:
    t, report = read(ACLED / "monadic.csv")
    assert report.layout == "acled-monadic"
    assert report.rows_in == 3 and report.rows_out == 2
    rows = t.to_pylist()
    assert rows[0]["actor1"] == "Rioters (Bangladesh)" and rows[0]["actor2"] == "Civilians (Bangladesh)"
    assert rows[0]["event_date"] == dt.date(2024, 8, 5) and rows[1]["event_date"] == dt.date(2020, 5, 9)
    assert rows[1]["actor2"] is None


def test_monadic_pairs_split_across_batches_are_joined(tmp_path: Path) -> None:
    from kzevents.formats.reader import iter_read

    src = (ACLED / "monadic.csv").read_text().splitlines()
    body = [src[1], src[2]] * 1 + [src[3]]
    many = [src[0]]
    for i in range(3000):  # enough rows for several small blocks
        many += [line.replace("BGD9001", f"BGD{10000 + i}") for line in body[:2]]
    path = tmp_path / "m.csv"
    path.write_text("\n".join(many) + "\n")
    tables = list(iter_read(path, batch_bytes=1 << 16))
    assert len(tables) > 3
    t = pa.concat_tables(tables)
    assert t.num_rows == 3000
    assert set(t.column("actor2").to_pylist()) == {"Civilians (Bangladesh)"}


def test_unknown_layout_lists_what_was_expected() -> None:
    with pytest.raises(DataError) as exc:
        detect_layout(["event_id_cnty", "event_date", "foo"], "f.csv")
    msg = str(exc.value)
    assert "acled-current" in msg and "acled-monadic" in msg and "f.csv" in msg
    assert "closest" not in msg and "shares at most 2 column names" in msg


def test_near_miss_layout_names_the_closest_and_its_differences() -> None:
    from kzevents.formats.acled.layouts import ACLED_CURRENT

    header = [c for c in ACLED_CURRENT if c != "notes"] + ["Notes"]
    with pytest.raises(DataError) as exc:
        detect_layout(header, "f.csv")
    msg = str(exc.value)
    assert "closest is acled-current, missing notes, unexpected Notes" in msg


def test_convert_writes_canonical_parquet(tmp_path: Path) -> None:
    dest = tmp_path / "x.parquet"
    assert main(["convert", str(ACLED / "pre2023.csv"), str(dest)]) == 0
    t = pq.read_table(dest)
    assert t.num_rows == 1 and b"acled-pre2023" in t.schema.metadata[b"kzevents"]


# --- the real files -------------------------------------------------------------------------------------

REAL = {
    "acled/acled_2025-04_somalia_current.csv": ("acled-current", 25),
    "acled/acled_2022_global_sample.csv": ("acled-current", 9000),
    "acled/acled_2020-03_afghanistan_pre2023.csv": ("acled-pre2023", None),
    "acled/acled_2024_bangladesh_monadic.csv": ("acled-monadic", None),
}


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.parametrize("name", sorted(REAL))
def test_real_files_read(name: str) -> None:
    path = need(EXTERNAL / name)
    layout, n = REAL[name]
    t, report = read(path)
    rows = _csv_rows(path)
    assert report.layout == layout
    assert report.rows_in == len(rows)
    ids = list(dict.fromkeys(r["event_id_cnty"] for r in rows))
    assert t.column("event_id").to_pylist() == ids  # every event once, in file order
    if n:
        assert t.num_rows == n
    assert t.column("event_date").null_count == 0


def test_real_global_sample_kazakhstan_rows_get_iso_codes() -> None:
    path = need(EXTERNAL / "acled/acled_2022_global_sample.csv")
    t, _ = read(path)
    kz = [r for r in t.to_pylist() if r["country_iso3"] == "KAZ"]
    assert len(kz) == 38  # external/README.md: 38 of them Kazakhstan
    assert all(r["admin1_code"] and r["admin1_code"].startswith("KZ-") for r in kz)


def test_global_sample_misspelled_disorder_type_flagged_and_nothing_else() -> None:
    path = need(EXTERNAL / "acled/acled_2022_global_sample.csv")
    rows = _csv_rows(path)
    misspelled = {i for i, r in enumerate(rows, start=1) if r["disorder_type"] == "Demostrations"}
    assert misspelled
    report = validate_file(path)
    flagged = {p.row for p in report.problems}
    assert {p.column for p in report.problems} == {"disorder_type"}
    assert report.failing_rows == len(misspelled) and flagged <= misspelled
    assert dict(report.counts) == {"schema:enum": len(misspelled)}
    # and the reference validator agrees on those rows
    sample = rows[:300]
    expected = {(i, "disorder_type") for i in misspelled if i <= 300}
    assert reference_problems(sample, "acled") == expected


@pytest.mark.parametrize(
    "name",
    [
        "acled/acled_2025-04_somalia_current.csv",
        "acled/acled_2020-03_afghanistan_pre2023.csv",
        "acled/acled_2024_bangladesh_monadic.csv",
    ],
)
def test_real_files_validate(name: str) -> None:
    report = validate_file(need(EXTERNAL / name))
    assert report.valid, str(report)


def test_real_ged_estimates_out_of_order_only_warn(capsys: pytest.CaptureFixture[str]) -> None:
    """ged.md §4: low <= best <= high fails in 13 of the sample's 1,000 rows (id 236880 among them); a
    validator must only warn on external GED rows."""
    path = need(EXTERNAL / "ged/ged_23.1_sample.csv")
    rows = _csv_rows(path)
    expected = [
        i for i, r in enumerate(rows, start=1) if not int(r["low"]) <= int(r["best"]) <= int(r["high"])
    ]
    assert len(expected) == 13
    assert any(rows[i - 1]["id"] == "236880" for i in expected)
    # five source_office cells start with a social-media handle (@MENASTREAM...): warned, not errors
    handles = [i for i, r in enumerate(rows, start=1) if r["source_office"].startswith("@")]
    assert len(handles) == 5
    report = validate_file(path)
    assert report.valid and not report.problems
    assert report.warning_counts == {"ged-estimates-external": 13, "formula-handle": 5}
    assert [w.row for w in report.warnings if w.code == "ged-estimates-external"] == expected
    assert [w.row for w in report.warnings if w.code == "formula-handle"] == handles
    assert main(["validate", str(path), "--json"]) == 0
    assert '"ged-estimates-external": 13' in capsys.readouterr().out


def test_real_ged_sample_reads() -> None:
    path = need(EXTERNAL / "ged/ged_23.1_sample.csv")
    t, report = read(path)
    rows = _csv_rows(path)
    assert report.layout == "ged" and t.num_rows == len(rows) == 1000
    first = t.to_pylist()[0]
    assert first["event_id"] == rows[0]["id"]
    assert first["event_date"].isoformat() == rows[0]["date_start"][:10]
    assert (
        first["native_event_type"]
        == {"1": "state-based", "2": "non-state", "3": "one-sided"}[rows[0]["type_of_violence"]]
    )
    assert first["fatalities_best"] == int(rows[0]["best"])
    assert t.column("country_iso3").null_count == 0  # GED's names ("Russia (Soviet Union)") resolved


def test_ged_without_a_header_row(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Some GED candidate releases came without a header row (ged.md §1): the same rows read and validate
    the same, row numbers count from line 1, and the report says the names were assumed."""
    path = need(EXTERNAL / "ged/ged_23.1_sample.csv")
    lines = path.read_bytes().split(b"\n", 1)[1]
    bare = tmp_path / "ged_no_header.csv"
    bare.write_bytes(lines)
    with_header, _ = read(path)
    t, report = read(bare)
    assert report.layout == "ged-headerless"
    assert "no header row: GED's 49 column names assumed" in report.normalised
    assert t.equals(with_header)
    assert validate_file(bare).valid
    # a bad value in data row 3 is reported as row 3 (line 3 of the file)
    rows = bare.read_text(encoding="utf-8").split("\n")
    first = next(csv.reader([rows[2]]))
    first[GED_COLUMNS.index("latitude")] = "123"
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(first)
    rows[2] = out.getvalue()
    bare.write_text("\n".join(rows), encoding="utf-8")
    problems = validate_file(bare).problems
    assert [(p.row, p.column) for p in problems] == [(3, "latitude")]


def test_a_line_of_49_words_is_not_taken_for_ged(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text(",".join(f"c{i}" for i in range(49)) + "\n" + ",".join("1" * 49) + "\n")
    with pytest.raises(DataError, match="matches no known layout"):
        read(path)


def test_gtd_with_unknown_day_and_month(tmp_path: Path) -> None:
    src = (FIXTURES / "gtd" / "gtd_labelled_latin1.csv").read_bytes().decode("latin-1").splitlines()
    header, first = src[0], src[1]
    fields = next(csv.reader([first]))
    cols = header.split(",")
    fields[cols.index("iday")] = "0"
    second = list(fields)
    second[cols.index("imonth")] = "0"
    second[cols.index("eventid")] = "201100000001"
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(cols)
    w.writerows([fields, second])
    path = tmp_path / "g.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    t, report = read(path)
    rows = t.to_pylist()
    assert rows[0]["event_date"] == dt.date(2011, 5, 1) and rows[0]["date_precision"] == "month"
    assert rows[1]["event_date"] == dt.date(2011, 1, 1) and rows[1]["date_precision"] == "approximate"
    assert report.normalised["GTD dates with unknown day (day 0)"] == 2


def test_ged_round_trip_puts_deaths_on_the_right_sides(tmp_path: Path) -> None:
    """Our GED export read back: state-based side A deaths are the security forces', one-sided side A deaths
    are the perpetrators' (ged.md: side A is the government in type 1, the perpetrator in type 3)."""
    import kzevents
    from kzevents.outputs.writer import to_ged

    to_ged(kzevents.load(), tmp_path / "g.csv")
    t, _ = read(tmp_path / "g.csv")
    ours = {i.id: i for i in kzevents.load()}
    for row in t.to_pylist():
        inc = ours[f"KZE-{int(row['event_id']) - 2_000_000_000:04d}"]
        assert row["fatalities_best"] == inc.fatalities.best
        assert row["deaths_civilians"] == inc.fatalities.civilians
        if row["native_event_type"] == "state-based":
            assert row["deaths_perpetrators"] == inc.fatalities.perpetrators
            assert row["deaths_security"] == inc.fatalities.security


def test_a_cell_longer_than_a_parse_block_is_read(tmp_path: Path) -> None:
    """The parser reads 1 MB blocks; a 3 MB cell makes it start again with larger blocks after the rows
    already read, so no row is lost or repeated."""
    import sys

    sys.path.insert(0, str(FIXTURES))
    from make_bad_corpus import ROW1, ROW2, ROW3, lines, with_cell

    rows = [ROW1, with_cell(ROW2, "notes", "long " * 600_000), ROW3]
    rows += [ROW3.replace("KAZ9003", f"KAZ8{i}") for i in range(3000)]
    path = tmp_path / "long_cell.csv"
    path.write_bytes(lines(*rows))
    t, report = read(path)
    assert report.rows_in == t.num_rows == len(rows)
    assert t.column("summary")[1].as_py() == "long " * 600_000
    assert t.column("event_id").to_pylist()[:3] == ["KAZ9001", "KAZ9002", "KAZ9003"]
