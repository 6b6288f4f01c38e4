"""``kzevents info``: what is in the curated dataset."""

from __future__ import annotations

import argparse

from kzevents.cli.common import EXIT_OK, Command, Context
from kzevents.dataset.summary import format_info, info


def arguments(p: argparse.ArgumentParser) -> None:
    pass


def run(ctx: Context) -> int:
    d = info()
    ctx.result = d
    ctx.report(format_info(d))
    return EXIT_OK


COMMAND = Command(
    name="info",
    help="summarise the curated dataset (incidents, fatalities, sources, conflicts)",
    description=(
        "Summarise kzevents' curated dataset: the incidents, their date range, fatalities by year and "
        "region, the sources, and where the sources disagree."
    ),
    examples=(
        ("kzevents info", "the summary as text"),
        ("kzevents info --json | jq .result.incidents", "the number of incidents"),
    ),
    arguments=arguments,
    run=run,
)
