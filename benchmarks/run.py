"""Benchmarks for converting and validating ACLED, GTD and GED files, as ratios against the tools a data
engineer would pick instead, measured in the same run on the same synthetic file (benchmarks/generate.py,
any of its layouts). Each task runs in its own process, so its peak memory (max RSS) is its own.

    python benchmarks/run.py --rows 1000000 [--repeat 5]          # the issue's 1M-row ACLED file
    python benchmarks/run.py --rows 210000 --layout gtd-latin1    # GTD's size (135 columns, Latin-1)
    python benchmarks/run.py --rows 400000 --layout ged           # GED's size

Baselines (issue #17), each as its documentation shows it:

* CSV -> Parquet: polars ``scan_csv(...).sink_parquet(...)``, DuckDB ``COPY (SELECT * FROM read_csv(...))
  TO ... (FORMAT parquet)``, pyarrow ``read_csv`` + ``write_table``, pandas ``read_csv`` + ``to_parquet``;
  against the ``kzevents convert`` command, as users run it (it also normalises every row into the
  canonical table and writes GeoParquet).
* a plain full read: polars ``read_csv``, DuckDB ``CREATE TABLE t AS SELECT * FROM read_csv(...)`` (a
  materialising read), pyarrow ``read_csv``; against the ``kzevents validate`` command (it also checks
  every cell against the format's JSON Schema, its cross-field rules, safety rules and duplicate
  identifiers).

polars reads UTF-8 only: a Latin-1 file (GTD's own CSV) is given to it as ``utf8-lossy``. kzevents is
byte-compiled first, as an installed copy is. The file is flushed to disk and read once before timing, then
every task runs --repeat times, interleaved, in an order that turns by one task each round (what ran just
before a task changes its time). Printed: each task's fastest and median run and peak memory; for each
round, kzevents' time over the fastest baseline of the same round (a round's runs are seconds apart, so a
change in the machine's load moves both sides alike), and the median of those per-round ratios, which is
the figure the targets are read from; peak memory against the smallest baseline's.

Targets (issue #17): convert <= 1.0 x the fastest CSV -> Parquet baseline; validate <= 1.0 x the fastest
plain full read; peak memory <= 1/4 of the smallest baseline's (and flat from 1M to 4M rows:
memory_scaling.py); validate >= 50 x the jsonschema package's row-by-row speed.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

CLI = (
    "import sys; from kzevents.cli import console; "
    "sys.argv = ['kzevents', {words}, '-q']; sys.exit(console())"
)
DUCKDB = "import duckdb; c = duckdb.connect(); c.execute('SET enable_progress_bar = false'); "
# name -> (kind, code); kinds: "convert" and "read" baselines, and kzevents' "ours-convert", "ours-read"
TASKS = {
    "polars_sink_parquet": (
        "convert",
        "import polars as pl; pl.scan_csv({src!r}, encoding={penc!r}, has_header={header}, "
        "infer_schema_length=10000).sink_parquet({dst!r})",
    ),
    "duckdb_copy": (
        "convert",
        DUCKDB + "c.execute(\"COPY (SELECT * FROM read_csv('{src}', encoding = '{denc}', header = {header})) "
        "TO '{dst}' (FORMAT parquet)\")",
    ),
    "pyarrow_convert": (
        "convert",
        "import pyarrow.csv as c, pyarrow.parquet as q; q.write_table(c.read_csv({src!r}, "
        "read_options=c.ReadOptions(encoding={enc!r}, autogenerate_column_names={noheader})), {dst!r})",
    ),
    "pandas_convert": (
        "convert",
        "import pandas as pd; pd.read_csv({src!r}, encoding={enc!r}, low_memory=False, "
        "header={pdheader}).to_parquet({dst!r})",
    ),
    "polars_read_csv": (
        "read",
        "import polars as pl; pl.read_csv({src!r}, encoding={penc!r}, has_header={header}, "
        "infer_schema_length=10000)",
    ),
    "duckdb_read": (
        "read",
        DUCKDB + "c.execute(\"CREATE TABLE t AS SELECT * FROM read_csv('{src}', encoding = '{denc}', "
        'header = {header})")',
    ),
    "pyarrow_read_csv": (
        "read",
        "import pyarrow.csv as c; c.read_csv({src!r}, read_options=c.ReadOptions(encoding={enc!r}, "
        "autogenerate_column_names={noheader}))",
    ),
    # kzevents as its users run it, the command line (which also picks Arrow's allocator:
    # cli.prefer_jemalloc); a non-zero exit (an invalid file) fails the task
    "kzevents_convert": ("ours-convert", CLI.format(words="'convert', {src!r}, {dst!r}")),
    "kzevents_validate": ("ours-read", CLI.format(words="'validate', {src!r}")),
}
TARGETS = {
    "convert_time_vs_fastest_baseline_paired": 1.0,
    "convert_memory_vs_smallest_baseline": 0.25,
    "validate_time_vs_fastest_read_paired": 1.0,
    "validate_memory_vs_smallest_read": 0.25,
    "validate_speed_vs_jsonschema": 50,
}


def compile_kzevents() -> None:
    """Byte-compile kzevents as ``pip install`` does. An editable install under PYTHONDONTWRITEBYTECODE
    would otherwise compile every module again in each timed process (about 0.25 s that no installed copy
    pays), while the baselines' packages come compiled."""
    import importlib.util

    spec = importlib.util.find_spec("kzevents")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("kzevents is not installed")
    for where in spec.submodule_search_locations:
        subprocess.run([sys.executable, "-m", "compileall", "-q", where], check=True)


def run_task(code: str) -> tuple[float, float]:
    """(seconds, peak RSS in MB) of ``code`` run in a fresh interpreter."""
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", code])
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t0
    if status != 0:
        raise SystemExit(f"task failed: {code}")
    return seconds, usage.ru_maxrss / 1024


def jsonschema_rows_per_second(src: Path, layout: str = "current", rows: int = 3000) -> float:
    import csv
    import itertools

    from generate import LAYOUTS

    from kzevents.formats.ged.layouts import GED_COLUMNS
    from kzevents.validation.reference import reference_problems

    fmt = LAYOUTS[layout][0].split("-")[0]
    names = GED_COLUMNS if layout == "ged-headerless" else None
    with open(src, newline="", encoding=encoding(layout)) as fh:
        sample = list(itertools.islice(csv.DictReader(fh, fieldnames=names), rows))
    t0 = time.perf_counter()
    reference_problems(sample, fmt)
    return len(sample) / (time.perf_counter() - t0)


def count_rows(src: Path) -> int:
    """Data rows of a given file (in a child process: the parent stays small)."""
    code = f"from kzevents.formats.check import validate_file; print(validate_file({str(src)!r}).rows)"
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return int(out.stdout)


def encoding(layout: str) -> str:
    return "latin-1" if layout == "gtd-latin1" else "utf-8"


def task_code(name: str, src: Path, dst: Path, layout: str) -> str:
    enc = encoding(layout)
    header = layout != "ged-headerless"
    return TASKS[name][1].format(
        src=str(src),
        dst=str(dst),
        enc=enc,
        penc="utf8" if enc == "utf-8" else "utf8-lossy",
        denc=enc,
        header=header,
        noheader=not header,
        pdheader="'infer'" if header else None,
    )


def paired(runs: dict[str, list[float]], ours: str, base: list[str]) -> list[float]:
    """For each round, ``ours`` over the fastest of ``base`` in the same round."""
    return [t / min(runs[b][i] for b in base) for i, t in enumerate(runs[ours])]


def summarise(
    results: dict[str, dict[str, float]], runs: dict[str, list[float]], rows: int, js: float
) -> dict:
    kind = {name: TASKS[name][0] for name in runs}
    converts = [n for n in runs if kind[n] == "convert"]
    reads = [n for n in runs if kind[n] == "read"]
    conv_rounds = paired(runs, "kzevents_convert", converts)
    val_rounds = paired(runs, "kzevents_validate", reads)
    fastest_convert = min(converts, key=lambda n: results[n]["median_seconds"])
    fastest_read = min(reads, key=lambda n: results[n]["median_seconds"])
    smallest_convert = min(converts, key=lambda n: results[n]["peak_mb"])
    smallest_read = min(reads, key=lambda n: results[n]["peak_mb"])
    ours_rows_s = rows / results["kzevents_validate"]["median_seconds"] if rows else 0.0
    ratios = {
        "convert_time_vs_fastest_baseline_paired": round(statistics.median(conv_rounds), 2),
        "convert_time_vs_fastest_baseline_fastest_runs": round(
            results["kzevents_convert"]["seconds"] / min(results[n]["seconds"] for n in converts), 2
        ),
        "convert_memory_vs_smallest_baseline": round(
            results["kzevents_convert"]["peak_mb"] / results[smallest_convert]["peak_mb"], 2
        ),
        "validate_time_vs_fastest_read_paired": round(statistics.median(val_rounds), 2),
        "validate_time_vs_fastest_read_fastest_runs": round(
            results["kzevents_validate"]["seconds"] / min(results[n]["seconds"] for n in reads), 2
        ),
        "validate_memory_vs_smallest_read": round(
            results["kzevents_validate"]["peak_mb"] / results[smallest_read]["peak_mb"], 2
        ),
        "validate_speed_vs_jsonschema": round(ours_rows_s / js, 1) if rows else None,
    }
    return {
        "fastest": {"convert": fastest_convert, "read": fastest_read},
        "smallest": {"convert": smallest_convert, "read": smallest_read},
        "ratios": ratios,
        "rounds": {
            "seconds": {name: [round(x, 2) for x in times] for name, times in runs.items()},
            "convert_ratio": [round(x, 2) for x in conv_rounds],
            "validate_ratio": [round(x, 2) for x in val_rounds],
        },
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--layout", default="current", help="layout of the generated file (generate.py --help)")
    ap.add_argument("--file", type=Path, help="use this CSV (of --layout) instead of generating one")
    ap.add_argument("--skip", default="", help="comma-separated tasks to leave out (e.g. pandas_convert)")
    ap.add_argument("--repeat", type=int, default=5, help="rounds; every task runs once a round")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    skip = {s for s in args.skip.split(",") if s}
    unknown = skip - set(TASKS) - {""}
    if unknown or {"kzevents_convert", "kzevents_validate"} & skip:
        raise SystemExit(f"--skip: cannot leave out {sorted(unknown) or 'kzevents itself'}")
    names = [n for n in TASKS if n not in skip]
    with tempfile.TemporaryDirectory() as tmp:
        src = args.file or Path(tmp) / "input.csv"
        if args.file is None:  # generate in a child process: the parent stays small (max RSS is inherited)
            generate = [sys.executable, str(HERE / "generate.py"), "--rows", str(args.rows)]
            subprocess.run([*generate, "--layout", args.layout, str(src)], check=True)
        size_mb = src.stat().st_size / 1e6
        compile_kzevents()
        os.sync()
        with open(src, "rb") as fh:  # into the page cache, for every task alike
            while fh.read(1 << 24):
                pass
        results: dict[str, dict[str, float]] = {}
        runs: dict[str, list[float]] = {}
        for i in range(max(1, args.repeat)):
            # the order turns by one task each round, so that no task always follows the same one: a
            # process that starts just after another freed 1.5 GB gets its own memory faster
            for name in names[i % len(names) :] + names[: i % len(names)]:
                dst = Path(tmp) / f"{name}.parquet"
                seconds, peak = run_task(task_code(name, src, dst, args.layout))
                dst.unlink(missing_ok=True)
                best = results.setdefault(name, {"seconds": float("inf"), "peak_mb": 0})
                best["seconds"] = round(min(best["seconds"], seconds), 2)
                best["peak_mb"] = round(max(best["peak_mb"], peak))
                runs.setdefault(name, []).append(seconds)
                if not args.json:
                    print(f"  round {i} {name:20} {seconds:6.2f} s {peak:6.0f} MB", flush=True)
        for name, times in runs.items():
            results[name]["median_seconds"] = round(statistics.median(times), 2)
        code = (
            f"import sys; sys.path.insert(0, {str(HERE)!r}); import run; "
            f"print(run.jsonschema_rows_per_second(run.Path({str(src)!r}), {args.layout!r}))"
        )
        js = float(
            subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
        )
    rows = args.rows if args.file is None else count_rows(args.file)
    summary = summarise(results, runs, rows, js)
    out = {
        "layout": args.layout,
        "file_mb": round(size_mb),
        "rows": rows,
        "tasks": results,
        "jsonschema_rows_per_s": round(js),
        **summary,
        "targets": TARGETS,
    }
    if args.json:
        print(json.dumps(out, indent=2))
        return
    print(f"file: {args.layout}, {size_mb:.0f} MB, {rows} rows, {len(runs['kzevents_convert'])} rounds")
    print(f"  {'task':20} {'kind':12} {'fastest':>8} {'median':>8} {'peak MB':>8}")
    for name, r in results.items():
        print(
            f"  {name:20} {TASKS[name][0]:12} {r['seconds']:7.2f}s {r['median_seconds']:7.2f}s "
            f"{r['peak_mb']:8.0f}"
        )
    print(f"  jsonschema           {js:7.0f} rows/s")
    print(f"  fastest baselines (median run): {summary['fastest']}; smallest: {summary['smallest']}")
    print(f"  convert / fastest convert baseline, by round   {summary['rounds']['convert_ratio']}")
    print(f"  validate / fastest plain read, by round         {summary['rounds']['validate_ratio']}")
    for k, v in summary["ratios"].items():
        target = TARGETS.get(k)
        print(f"  {k:46} {v}" + (f"   (target {target})" if target is not None else ""))


if __name__ == "__main__":
    main()
