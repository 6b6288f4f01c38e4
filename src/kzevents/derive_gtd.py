"""Named crosswalk functions and cross-field rules for the GTD format (exporters/gtd.toml)."""

from __future__ import annotations
