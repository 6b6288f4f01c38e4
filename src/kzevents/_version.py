__version__ = "0.1.0"  # the software (pyproject.toml reads it)

# the curated dataset's version (data/): bump it, with a CHANGELOG.md entry listing every changed incident,
# whenever data/ changes in a release. Here, not in kzevents.dataset, so that `kzevents --version` imports
# nothing heavy.
DATASET_VERSION = "2026.12.0"
