"""kzevents convert on a GTD-size workbook (210,000 rows x 135 columns, generated) against the issue's
baseline, ``pandas.read_excel(engine="calamine")`` + ``to_parquet``, in the same run: time and peak memory
of each, as ratios. Target (issue #13): no slower than the baseline, at no more than its peak memory.

    python benchmarks/xlsx_bench.py [--rows 210000] [--rounds 3] [--work DIR]

The workbook is written once into --work (kept for later runs: writing it takes a minute or two) from
benchmarks/generate.py's GTD file, with the cell types GTD's workbook has: the columns the GTD schema makes
numeric as number cells, ``resolution`` as date cells, text as shared strings, empty cells absent. Each
task runs in its own process (its peak memory is its own), interleaved, the order turning each round; the
median of the rounds counts. Needs pandas and python-calamine for the baseline and xlsxwriter to write
the workbook (pip install pandas python-calamine xlsxwriter).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

TASKS = {
    "kzevents convert": [sys.executable, "-m", "kzevents", "convert", "-q", "{src}", "{dst}"],
    "pandas read_excel(calamine) + to_parquet": [
        sys.executable,
        "-c",
        "import pandas as pd, sys; pd.read_excel(sys.argv[1], engine='calamine').to_parquet(sys.argv[2])",
        "{src}",
        "{dst}",
    ],
}


def write_workbook(csv_path: Path, dest: Path) -> None:
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import xlsxwriter

    from kzevents.formats import crosswalk
    from kzevents.validation.schema import compile_schema

    rules = {r.name: r for r in compile_schema(crosswalk.get("gtd").schema).columns}
    t = pacsv.read_csv(
        csv_path,
        convert_options=pacsv.ConvertOptions(
            column_types={}, strings_can_be_null=False, quoted_strings_can_be_null=False
        ),
        parse_options=pacsv.ParseOptions(newlines_in_values=True),
    )
    t = pa.table({n: t.column(n).cast(pa.string()) for n in t.column_names})
    tmp = dest.with_suffix(".tmp.xlsx")
    wb = xlsxwriter.Workbook(
        str(tmp), {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False}
    )
    date_format = wb.add_format({"num_format": "yyyy-mm-dd"})
    ws = wb.add_worksheet("Data")
    names = t.column_names
    ws.write_row(0, 0, names)
    kinds = []
    for n in names:
        r = rules.get(n)
        numeric = r is not None and (r.admits_int or r.admits_number) and "string" not in r.types
        kinds.append("date" if n == "resolution" else "num" if numeric else "str")
    columns = [t.column(n).to_pylist() for n in names]
    for i in range(t.num_rows):
        for j, kind in enumerate(kinds):
            v = columns[j][i]
            if not v:
                continue
            if kind == "num":
                ws.write_number(i + 1, j, float(v) if "." in v else int(v))
            elif kind == "date":
                ws.write_datetime(i + 1, j, dt.datetime.strptime(v, "%Y-%m-%d"), date_format)
            else:
                ws.write_string(i + 1, j, v)
    wb.close()
    os.replace(tmp, dest)


def run(task: str, src: Path, dst: Path) -> tuple[float, float]:
    """(wall seconds, peak memory in MB) of one task in a process of its own."""
    argv = [a.format(src=src, dst=dst) for a in TASKS[task]]
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{task} failed (exit {os.waitstatus_to_exitcode(status)})")
    return wall, usage.ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=210_000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "kzevents-xlsx-bench")
    ap.add_argument("--write-only", action="store_true", help=argparse.SUPPRESS)
    a = ap.parse_args()
    a.work.mkdir(parents=True, exist_ok=True)
    book = a.work / f"gtd_{a.rows}.xlsx"
    if a.write_only:
        sys.path.insert(0, str(HERE))
        from generate import write

        csv_path = a.work / f"gtd_{a.rows}.csv"
        write(csv_path, a.rows, "gtd")
        write_workbook(csv_path, book)
        return
    if not book.exists():
        # in a process of its own: a child's peak memory (ru_maxrss) starts at its parent's when it was
        # forked, and writing the workbook takes GBs
        t0 = time.perf_counter()
        subprocess.run(
            [sys.executable, __file__, "--write-only", "--rows", str(a.rows), "--work", str(a.work)],
            check=True,
        )
        print(f"wrote {book} ({book.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - t0:.0f} s")
    print(f"{book}: {book.stat().st_size / 1e6:.0f} MB, {a.rows:,} rows x 135 columns; {a.rounds} rounds")
    names = list(TASKS)
    results: dict[str, list[tuple[float, float]]] = {n: [] for n in names}
    for k in range(a.rounds):
        order = names[k % len(names) :] + names[: k % len(names)]
        for task in order:
            wall, peak = run(task, book, a.work / "out.parquet")
            results[task].append((wall, peak))
            print(f"  round {k + 1}: {task:42s} {wall:6.1f} s {peak:7.0f} MB", flush=True)
    base, ours = results[names[1]], results[names[0]]
    med = {n: (statistics.median(w for w, _ in r), max(p for _, p in r)) for n, r in results.items()}
    for n in names:
        print(f"{n:42s} median {med[n][0]:6.1f} s, peak {med[n][1]:7.0f} MB")
    ratios = [o[0] / b[0] for o, b in zip(ours, base, strict=True)]
    print(
        f"kzevents / baseline: time {med[names[0]][0] / med[names[1]][0]:.2f} (median of the rounds' own "
        f"ratios {statistics.median(ratios):.2f}), peak memory {med[names[0]][1] / med[names[1]][1]:.2f} "
        "(target: <= 1.00 both)"
    )


if __name__ == "__main__":
    main()
