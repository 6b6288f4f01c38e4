"""Peak memory of `kzevents convert` and `kzevents validate` at several file sizes: streaming means the
peak does not grow with the file (issue: show it at 1M and 4M rows).

    python benchmarks/memory_scaling.py --rows 1000000 4000000 [--layout current]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import compile_kzevents, run_task, task_code  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 4_000_000])
    ap.add_argument("--layout", default="current", help="layout of the generated files (generate.py)")
    args = ap.parse_args()
    compile_kzevents()
    with tempfile.TemporaryDirectory() as tmp:
        for rows in args.rows:
            src = Path(tmp) / f"acled_{rows}.csv"
            subprocess.run(
                [
                    sys.executable,
                    str(HERE / "generate.py"),
                    "--rows",
                    str(rows),
                    "--layout",
                    args.layout,
                    str(src),
                ],
                check=True,
            )
            dst = Path(tmp) / "out.parquet"
            conv = run_task(task_code("kzevents_convert", src, dst, args.layout))
            val = run_task(task_code("kzevents_validate", src, dst, args.layout))
            mb = src.stat().st_size / 1e6
            print(
                f"{args.layout} {rows:>9} rows ({mb:5.0f} MB): "
                f"convert {conv[0]:6.1f} s {conv[1]:6.0f} MB peak; "
                f"validate {val[0]:6.1f} s {val[1]:6.0f} MB peak"
            )
            src.unlink()


if __name__ == "__main__":
    main()
