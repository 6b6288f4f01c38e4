"""The same file gives the same answer in every container (issue 13): the real ACLED and GED samples of
../shared/external, kzevents' own exports and the project's fixtures, each packed as gzip, bzip2, xz, zstd,
zip (alone, among other files, named as a member, a zipped .gz, a zipped workbook), an .xlsx workbook with
typed cells (one sheet, or a README sheet first, or named), JSON (an array, typed JSON Lines, the ACLED and
UCDP API responses), a BytesIO and standard input. Each is read and validated and compared with the plain
CSV: equal canonical tables, the same normalisations (but what a container itself changed), the same
validation counts per rule and the same listed problems by rule, row and column."""

from __future__ import annotations

import io
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import kzevents
from kzevents.formats.check import validate_file
from kzevents.formats.reader import read

from .conftest import EXTERNAL, FIXTURES
from .packing import pack

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"
# what a container itself tells or changes: not the data's normalisations
CONTAINER_NOTES = ("spreadsheet booleans", "JSON booleans", "nested JSON")

OWN = {
    "acled-fixture": (FIXTURES / "acled" / "current_text.csv", "acled"),
    "acled-2016-fixture": (FIXTURES / "acled" / "layout2016.csv", "acled"),
    "acled-monadic-fixture": (FIXTURES / "acled" / "monadic.csv", "acled"),
    "gtd-latin1-fixture": (FIXTURES / "gtd" / "gtd_labelled_latin1.csv", "gtd"),
}
REAL = {
    "acled-2022": (EXTERNAL / "acled" / "acled_2022_global_sample.csv", "acled"),
    "acled-2020": (EXTERNAL / "acled" / "acled_2020-03_afghanistan_pre2023.csv", "acled"),
    "acled-2024-monadic": (EXTERNAL / "acled" / "acled_2024_bangladesh_monadic.csv", "acled"),
    "acled-2025": (EXTERNAL / "acled" / "acled_2025-04_somalia_current.csv", "acled"),
    "ged-23.1": (EXTERNAL / "ged" / "ged_23.1_sample.csv", "ged"),
}


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, str]]:
    out = tmp_path_factory.mktemp("dist")
    kzevents.export(out=out)
    found = {f"own-{f}": (out / f"kzevents_{f}.csv", f) for f in ("acled", "gtd", "ged")}
    sys.path.insert(0, str(BENCH))
    from generate import write

    for layout, fmt in (("gtd", "gtd"), ("ged", "ged"), ("pre2023", "acled")):
        path = out / f"generated_{layout}.csv"
        write(path, 1500, layout)
        found[f"generated-{layout}"] = (path, fmt)
    return found


def key(report: Any) -> tuple[dict[str, int], list[tuple[str, int, str]]]:
    listed = sorted((p.code, p.row or 0, p.column or "") for p in report.problems + report.warnings)
    counts = dict(report.counts) | {f"warning:{k}": v for k, v in report.warning_counts.items()}
    return counts, listed


def data_notes(normalised: Counter[str]) -> dict[str, int]:
    return {k: v for k, v in normalised.items() if not k.startswith(CONTAINER_NOTES)}


def check_all(path: Path, fmt: str, folder: Path) -> None:
    encoding = "latin-1" if "latin1" in path.name else "utf-8"
    ref_table, ref_read = read(path)
    ref_valid = validate_file(path)
    specs: dict[str, Any] = pack(path, fmt, folder, encoding)
    specs["BytesIO(gz)"] = io.BytesIO(Path(specs["gz"]).read_bytes())
    failures = []
    for label, spec in specs.items():
        table, rep = read(spec)
        if isinstance(spec, io.BytesIO):
            spec.seek(0)
        valid = validate_file(spec)
        if not table.equals(ref_table):
            differ = [c for c in table.column_names if not table.column(c).equals(ref_table.column(c))]
            failures.append(f"{label}: table differs in {differ[:5]}")
        if data_notes(rep.normalised) != data_notes(ref_read.normalised):
            failures.append(f"{label}: normalised {dict(rep.normalised)} vs {dict(ref_read.normalised)}")
        got, want = key(valid), key(ref_valid)
        if got != want:
            only = sorted(set(got[1]) ^ set(want[1]))[:5]
            failures.append(f"{label}: validation {got[0]} vs {want[0]}; differing {only}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("name", sorted(OWN))
def test_fixtures_in_every_container(name: str, tmp_path: Path) -> None:
    path, fmt = OWN[name]
    check_all(path, fmt, tmp_path)


@pytest.mark.parametrize(
    "name", ["own-acled", "own-gtd", "own-ged", "generated-gtd", "generated-ged", "generated-pre2023"]
)
def test_exports_in_every_container(name: str, exports: dict[str, tuple[Path, str]], tmp_path: Path) -> None:
    path, fmt = exports[name]
    check_all(path, fmt, tmp_path)


@pytest.mark.parametrize("name", sorted(REAL))
def test_real_samples_in_every_container(name: str, tmp_path: Path) -> None:
    path, fmt = REAL[name]
    if not path.exists():
        pytest.skip(f"{path} is absent (the ../shared checkout is not beside the repository)")
    check_all(path, fmt, tmp_path)


def test_standard_input_and_a_pipe(tmp_path: Path) -> None:
    """`cat x.csv.xz | kzevents convert - out.parquet`: the same table as from the file (spooled), and
    the same validation report; the process exits 0 (Arrow's exit race with Python streams is avoided)."""
    path, fmt = OWN["acled-fixture"]
    specs = pack(path, fmt, tmp_path)
    kzevents.convert(path, tmp_path / "ref.parquet")
    ref = pq.read_table(tmp_path / "ref.parquet").replace_schema_metadata(None)
    for label in ("xz", "zip", "xlsx", "acled-api"):
        dest = tmp_path / f"{label}.parquet"
        with open(specs[label], "rb") as f:
            r = subprocess.run(
                [sys.executable, "-m", "kzevents", "convert", "-", str(dest)],
                stdin=f,
                capture_output=True,
                check=False,
            )
        assert r.returncode == 0, r.stderr.decode()
        assert b"<stdin>" in r.stdout
        assert pq.read_table(dest).replace_schema_metadata(None).equals(ref), label
        assert b"<stdin>" in pq.read_schema(dest).metadata[b"kzevents"], label
        with open(specs[label], "rb") as f:
            r = subprocess.run(
                [sys.executable, "-m", "kzevents", "validate", "-"], stdin=f, capture_output=True, check=False
            )
        assert r.returncode == 0 and b"valid" in r.stdout, r.stdout + r.stderr
    assert not list(tmp_path.glob("kzevents-spool-*"))


def test_kzevents_parquet_is_read_validated_and_merged(tmp_path: Path) -> None:
    path, _ = OWN["acled-fixture"]
    dest = tmp_path / "a.parquet"
    kzevents.convert(path, dest)
    table, report = read(dest)
    assert report.layout == "kzevents-parquet" and table.num_rows == 3
    assert validate_file(dest).valid
    foreign = tmp_path / "foreign.parquet"
    pq.write_table(pa.table({"x": [1]}), foreign)
    assert not validate_file(foreign).valid
    with pytest.raises(kzevents.DataError, match="not a kzevents Parquet"):
        read(foreign)
