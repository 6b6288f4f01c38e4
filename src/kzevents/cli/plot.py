"""``kzevents plot``: a map of the incidents and a timeline, as PNG files (needs ``kzevents[plot]``)."""

from __future__ import annotations

import argparse
import json
from typing import Any

from kzevents.cli.common import EXIT_OK


def register(sub: Any) -> None:
    p = sub.add_parser(
        "plot",
        help="draw a map of the incidents over the first-level units and a timeline per month into --out "
        "(needs matplotlib: pip install 'kzevents[plot]')",
    )
    p.add_argument("--out", required=True, help="output directory (created if missing)")
    p.add_argument("--json", action="store_true", help="machine-readable summary")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from kzevents.outputs.plots import plot  # pyarrow and matplotlib: imported when the command runs

    pictures = plot(out=args.out)
    if args.json:
        print(json.dumps([{"kind": p.kind, "path": p.path, **p.counts} for p in pictures], indent=2))
    else:
        for p in pictures:
            detail = ", ".join(f"{k} {v}" for k, v in p.counts.items())
            print(f"{p.kind:9} {p.path}  ({detail})")
    return EXIT_OK
