from kzevents.cli import console

raise SystemExit(console())
