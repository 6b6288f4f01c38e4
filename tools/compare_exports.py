#!/usr/bin/env python3
"""Compare the exports of the working tree with those of another revision: the check that a refactoring
changed no output.

    python tools/compare_exports.py [REV]      # REV defaults to HEAD

Both trees are exported with the same Python (``python -m kzevents export``, the tree's ``src`` first on
the path); CSV and JSON files are compared byte for byte, Parquet files by content and metadata (never by
bytes: two writers may encode the same table differently). Exit 0 when everything is the same, 1 with
the differences listed otherwise.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def export(tree: Path, out: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(tree / "src")}
    subprocess.run(
        [sys.executable, "-m", "kzevents", "export", "--out", str(out)],
        cwd=tree,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def parquet_differs(a: Path, b: Path) -> str | None:
    import pyarrow.parquet as pq

    ta, tb = pq.read_table(a), pq.read_table(b)
    if ta.schema.metadata != tb.schema.metadata:
        return "schema metadata differs"
    if not ta.equals(tb):
        return "table content differs"
    return None


def files(root: Path) -> set[str]:
    """Every file under ``root`` (the export has a ``parquet/`` folder), relative to it."""
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def compare(a: Path, b: Path) -> list[str]:
    names = sorted(files(a) | files(b))
    out = []
    for name in names:
        pa_, pb = a / name, b / name
        if not pa_.exists() or not pb.exists():
            out.append(f"{name}: only in {'the working tree' if pb.exists() else 'the base'}")
        elif name.endswith(".parquet"):
            if why := parquet_differs(pa_, pb):
                out.append(f"{name}: {why}")
        elif pa_.read_bytes() != pb.read_bytes():
            out.append(f"{name}: bytes differ")
    return out


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("rev", nargs="?", default="HEAD", help="the revision to compare with (default HEAD)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "base"
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(base), args.rev], check=True
        )
        try:
            export(base, Path(tmp) / "a")
            export(ROOT, Path(tmp) / "b")
            diffs = compare(Path(tmp) / "a", Path(tmp) / "b")
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(base)], check=True)
    for d in diffs:
        print(d)
    print(
        f"exports of {args.rev} and the working tree: "
        + ("the same" if not diffs else f"{len(diffs)} differ")
    )
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
