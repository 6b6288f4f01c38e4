from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import settings

# no per-example deadline: the first example of a test pays one-time imports and caches, and a timing is
# not what these properties are about (speed is measured by benchmarks/)
settings.register_profile("kzevents", deadline=None)
settings.load_profile("kzevents")

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"
EXTERNAL = SHARED / "external"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def need(path: Path) -> Path:
    """Skip the test with a clear reason when a ../shared file is absent."""
    if not path.exists():
        pytest.skip(f"{path} is absent (the ../shared checkout is not beside the repository)")
    return path


MINI = {
    "sources.toml": """
[[source]]
id = "001"
file = "001_x.txt"
publisher = "Analyst"
title = "Incident list"
language = "en"
scale = "Other"
""",
    "places.toml": """
[[place]]
id = "aktobe"
name = "Aktobe"
feature = "city"
admin1 = "KZ-AKT"
latitude = 50.2797
longitude = 57.2072
precision = "town"
spellings = ["Aktyubinsk"]
""",
    "actors.toml": """
[[actor]]
id = "uag"
name = "Unidentified Armed Group (Kazakhstan)"
acled_type = "Rebel group"
kind = "non_state"

[[actor]]
id = "kz-police"
name = "Police Forces of Kazakhstan (1991-2019)"
acled_type = "State forces"
kind = "state"
""",
    "out_of_scope.toml": "",
    "incidents/KZE-0001.toml": """
id = "KZE-0001"
title = "Suicide bombing in Aktobe"
event_type = "suicide_bombing"
suicide = true
weapons = ["explosives"]
targets = ["police"]
summary = "A man blew himself up."
rule = "Claims agree."

[date]
start = 2011-05-17
end = 2011-05-17
precision = "day"

[place]
id = "aktobe"
precision = "town"

[fatalities]
low = 1
best = 1
high = 1
perpetrators = 1

[[actors]]
actor = "uag"
role = "actor1"

[[actors]]
actor = "kz-police"
role = "actor2"

[[claims]]
source = "001"
quote = "A suicide bomber blew himself up."
date = 2011-05-17
killed = 1

[[claims]]
source = "001"
quote = "Another sentence about it."
date = 2011-05-18
killed = 1
""",
}


@pytest.fixture
def mini() -> dict[str, str]:
    return dict(MINI)
