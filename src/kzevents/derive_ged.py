"""Named crosswalk functions and cross-field rules for the GED format (exporters/ged.toml)."""

from __future__ import annotations
