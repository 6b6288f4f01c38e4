"""``kzevents info``: what is in the curated dataset."""

from __future__ import annotations

import argparse
from typing import Any

from kzevents.cli.common import EXIT_OK, print_json
from kzevents.dataset.summary import format_info, info


def register(sub: Any) -> None:
    p = sub.add_parser(
        "info", help="summarise the curated dataset (incidents, fatalities, sources, conflicts)"
    )
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    d = info()
    if args.json:
        print_json(d)
    else:
        print(format_info(d))
    return EXIT_OK
