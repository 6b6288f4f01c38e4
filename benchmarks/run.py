"""Benchmarks for reading, validating and converting ACLED, GTD and GED files, as ratios against baselines
measured in the same run on the same synthetic file (benchmarks/generate.py, any of its layouts). Each task
runs in its own process, so its peak memory (max RSS) is its own.

    python benchmarks/run.py --rows 1000000 [--repeat 3]          # the issue's 1M-row ACLED file
    python benchmarks/run.py --rows 210000 --layout gtd-latin1    # GTD's size
    python benchmarks/run.py --rows 400000 --layout ged           # GED's size

kzevents is byte-compiled first, as an installed copy is. The file is flushed to disk and read once before
timing (a file just written is still being written back, which slows whatever runs first), then every task
runs --repeat times, interleaved, in an order that turns by one task each round (what ran just before a
task changes its time), and the fastest run of each counts (the least disturbed by other work on
the machine); the ratios of the median runs are printed too, as the fastest runs of two tasks on a shared
machine may come from different conditions, and so is the median over rounds of each round's own ratio
(a round's runs are close in time, so a change in the machine's load between rounds moves both sides of
its ratio alike); peak memory is the largest seen.

Targets (issue #4): convert <= 1.0 x the faster of pyarrow (read_csv + write_table) and pandas
(read_csv + to_parquet), with peak memory under a quarter of theirs; validate <= 1.5 x pyarrow's read_csv,
and >= 50 x the jsonschema package's row-by-row speed.
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

TASKS = {
    "pyarrow_read_csv": (
        "import pyarrow.csv as c; c.read_csv({src!r}, read_options=c.ReadOptions(encoding={enc!r}))"
    ),
    "pyarrow_convert": (
        "import pyarrow.csv as c, pyarrow.parquet as q; "
        "q.write_table(c.read_csv({src!r}, read_options=c.ReadOptions(encoding={enc!r})), {dst!r})"
    ),
    "pandas_convert": (
        "import pandas as pd; pd.read_csv({src!r}, encoding={enc!r}, low_memory=False).to_parquet({dst!r})"
    ),
    "kzevents_convert": "from kzevents.outputs.converter import convert; convert({src!r}, {dst!r})",
    "kzevents_validate": (
        "from kzevents.formats.check import validate_file; r = validate_file({src!r}); "
        "assert r.valid, str(r)[:2000]"
    ),
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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--layout", default="current", help="layout of the generated file (generate.py --help)")
    ap.add_argument("--file", type=Path, help="use this CSV (of --layout) instead of generating one")
    ap.add_argument("--skip-pandas", action="store_true")
    ap.add_argument("--repeat", type=int, default=3, help="runs per task; the fastest counts")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        src = args.file or Path(tmp) / "acled.csv"
        if args.file is None:  # generate in a child process: the parent stays small (max RSS is inherited)
            subprocess.run(
                [
                    sys.executable,
                    str(HERE / "generate.py"),
                    "--rows",
                    str(args.rows),
                    "--layout",
                    args.layout,
                    str(src),
                ],
                check=True,
            )
        size_mb = src.stat().st_size / 1e6
        compile_kzevents()
        os.sync()
        with open(src, "rb") as fh:  # into the page cache, for every task alike
            while fh.read(1 << 24):
                pass
        results: dict[str, dict[str, float]] = {}
        runs: dict[str, list[float]] = {}
        names = [n for n in TASKS if not (n == "pandas_convert" and args.skip_pandas)]
        for i in range(max(1, args.repeat)):
            # the order turns by one task each round, so that no task always follows the same one: a
            # process that starts just after another freed 1.5 GB gets its own memory faster (pyarrow's
            # convert after pyarrow's read_csv: 3.26 s on average, after kzevents validate: 3.70 s)
            for name in names[i % len(names) :] + names[: i % len(names)]:
                code = TASKS[name]
                dst = Path(tmp) / f"{name}.parquet"
                seconds, peak = run_task(code.format(src=str(src), dst=str(dst), enc=encoding(args.layout)))
                best = results.setdefault(name, {"seconds": float("inf"), "peak_mb": 0})
                best["seconds"] = round(min(best["seconds"], seconds), 2)
                best["peak_mb"] = round(max(best["peak_mb"], peak))
                runs.setdefault(name, []).append(seconds)
        for name, times in runs.items():
            results[name]["median_seconds"] = round(statistics.median(times), 2)
        js = float(
            subprocess.run(
                [
                    sys.executable,
                    "-c",
                    f"import sys; sys.path.insert(0, {str(HERE)!r}); import run; "
                    f"print(run.jsonschema_rows_per_second(run.Path({str(src)!r}), {args.layout!r}))",
                ],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
        )
    rows = args.rows if args.file is None else count_rows(args.file)
    base = [results["pyarrow_convert"]] + ([results["pandas_convert"]] if "pandas_convert" in results else [])
    fastest = min(b["seconds"] for b in base)
    smallest = min(b["peak_mb"] for b in base)
    ours_rows_s = (rows or 0) / results["kzevents_validate"]["seconds"]
    fastest_median = min(b["median_seconds"] for b in base)
    base_names = ["pyarrow_convert"] + (["pandas_convert"] if "pandas_convert" in runs else [])
    paired_convert = [
        kz / min(runs[b][i] for b in base_names) for i, kz in enumerate(runs["kzevents_convert"])
    ]
    paired_validate = [
        v / r for v, r in zip(runs["kzevents_validate"], runs["pyarrow_read_csv"], strict=True)
    ]
    ratios = {
        "convert_time_vs_fastest_baseline": round(results["kzevents_convert"]["seconds"] / fastest, 2),
        "convert_time_vs_fastest_baseline_median": round(
            results["kzevents_convert"]["median_seconds"] / fastest_median, 2
        ),
        "convert_memory_vs_smallest_baseline": round(results["kzevents_convert"]["peak_mb"] / smallest, 2),
        "validate_time_vs_pyarrow_read_csv": round(
            results["kzevents_validate"]["seconds"] / results["pyarrow_read_csv"]["seconds"], 2
        ),
        "validate_time_vs_pyarrow_read_csv_median": round(
            results["kzevents_validate"]["median_seconds"] / results["pyarrow_read_csv"]["median_seconds"], 2
        ),
        # each round's own ratio (its runs are seconds apart), then the median over rounds: the
        # measure least moved by the machine's load changing during the benchmark
        "convert_time_vs_fastest_baseline_paired": round(statistics.median(paired_convert), 2),
        "validate_time_vs_pyarrow_read_csv_paired": round(statistics.median(paired_validate), 2),
        "validate_speed_vs_jsonschema": round(ours_rows_s / js, 1) if rows else None,
    }
    out = {
        "layout": args.layout,
        "file_mb": round(size_mb),
        "rows": rows,
        "tasks": results,
        "jsonschema_rows_per_s": round(js),
        "ratios": ratios,
        "rounds": {
            "seconds": {name: [round(x, 2) for x in times] for name, times in runs.items()},
            "convert_ratio": [round(x, 2) for x in paired_convert],
            "validate_ratio": [round(x, 2) for x in paired_validate],
        },
        "targets": {
            "convert_time_vs_fastest_baseline": 1.0,
            "convert_time_vs_fastest_baseline_median": 1.0,
            "convert_memory_vs_smallest_baseline": 0.25,
            "validate_time_vs_pyarrow_read_csv": 1.5,
            "validate_time_vs_pyarrow_read_csv_median": 1.5,
            "convert_time_vs_fastest_baseline_paired": 1.0,
            "validate_time_vs_pyarrow_read_csv_paired": 1.5,
            "validate_speed_vs_jsonschema": 50,
        },
    }
    if args.json:
        print(json.dumps(out, indent=2))
        return
    print(f"file: {args.layout}, {size_mb:.0f} MB, {rows} rows")
    for name, r in results.items():
        print(
            f"  {name:20} {r['seconds']:7.2f} s fastest {r['median_seconds']:7.2f} s median "
            f"{r['peak_mb']:6.0f} MB peak"
        )
    print(f"  jsonschema           {js:7.0f} rows/s")
    print(f"  convert ratio by round   {' '.join(f'{x:.2f}' for x in paired_convert)}")
    print(f"  validate ratio by round  {' '.join(f'{x:.2f}' for x in paired_validate)}")
    for k, v in ratios.items():
        print(f"  {k:42} {v}   (target {out['targets'][k]})")


if __name__ == "__main__":
    main()
