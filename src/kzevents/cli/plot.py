"""``kzevents plot``: a map of the incidents and a timeline, as PNG files (needs ``kzevents[plot]``)."""

from __future__ import annotations

import argparse

from kzevents.cli.common import EXIT_OK, Command, Context


def arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", required=True, help="output folder (created if missing)")


def run(ctx: Context) -> int:
    from kzevents.outputs.plots import plot  # pyarrow and matplotlib: imported when the command runs

    for p in plot(out=ctx.args.out):
        ctx.file(p.path, "output", format="png", kind=p.kind, counts=p.counts)
        detail = ", ".join(f"{k} {v}" for k, v in p.counts.items())
        ctx.report(f"{p.kind:9} {p.path}  ({detail})")
    return EXIT_OK


COMMAND = Command(
    name="plot",
    help="draw a map of the incidents over the first-level units and a timeline per month into --out "
    "(needs matplotlib: pip install 'kzevents[plot]')",
    description=(
        "Draw a map of the incidents over Kazakhstan's first-level units (size by fatalities, colour by "
        "type, shape by what the point stands for) and a timeline of incidents per month with the low-high "
        "range of fatalities, as PNG files in --out. Needs matplotlib: pip install 'kzevents[plot]'."
    ),
    examples=(
        ("kzevents plot --out docs/", "kzevents_map.png and kzevents_timeline.png in docs/"),
        ("kzevents plot --out plots/ --json", "the files and what they show, as JSON"),
    ),
    arguments=arguments,
    run=run,
)
