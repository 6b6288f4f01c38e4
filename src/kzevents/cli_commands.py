"""Subcommands beyond ``info``; each imports what it needs when it runs."""

from __future__ import annotations

from typing import Any


def register(sub: Any) -> None:
    """Add subcommands to the ``kzevents`` parser."""
    return None
