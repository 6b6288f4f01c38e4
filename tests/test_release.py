"""A citable, versioned release: CITATION.cff, CHANGELOG.md, the licences and the package metadata agree
with the versions the code carries."""

from __future__ import annotations

import re
import tomllib

import kzevents
from kzevents._version import DATASET_VERSION, __version__

from .conftest import ROOT


def test_citation_cites_both_versions() -> None:
    text = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    assert re.search(r"^cff-version: 1\.2\.0$", text, re.M)
    assert re.search(rf'^version: "{re.escape(DATASET_VERSION)}"$', text, re.M)  # the dataset
    software = text.split("- type: software", 1)[1]
    assert re.search(rf'version: "{re.escape(__version__)}"', software.split("- type:", 1)[0])
    assert "license: CC-BY-4.0" in text and "license: MIT" in software


def test_changelog_has_the_dataset_version_and_every_incident_added() -> None:
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"## Dataset {DATASET_VERSION} (software {__version__})" in text
    current = text.split(f"## Dataset {DATASET_VERSION}", 1)[1].split("\n## Dataset ", 1)[0]
    older = text.split(f"## Dataset {DATASET_VERSION}", 1)[1].split("\n## Dataset ", 1)[1]
    first = int(re.search(r"(\d+) incidents", older).group(1))  # type: ignore[union-attr]
    for inc in kzevents.load():
        if int(inc.id[4:]) > first:
            assert f"**{inc.id}** (new)" in current, inc.id


def test_licences_are_declared_in_the_package_metadata() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["license"] == "MIT AND CC-BY-4.0"
    for name in project["license-files"]:
        assert (ROOT / name).is_file(), name
    assert "MIT License" in (ROOT / "LICENSE").read_text(encoding="utf-8")
    data = (ROOT / "LICENSE-DATA").read_text(encoding="utf-8")
    assert "Creative Commons Attribution 4.0 International Public License" in data
    assert kzevents.load().version == DATASET_VERSION
