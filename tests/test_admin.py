from __future__ import annotations

import pycountry
import pytest

from kzevents.dataset.admin1 import code_from_name, normalize_code, subdivision_name, units
from kzevents.errors import KzeventsError


def test_codes_are_exactly_pycountrys_current_kz_subdivisions() -> None:
    assert set(units()) == {s.code for s in pycountry.subdivisions.get(country_code="KZ")}


@pytest.mark.parametrize(
    ("given", "expected"),
    [("KZ-ALA", "KZ-75"), ("KZ-ALM", "KZ-19"), ("kz-akt", "KZ-15"), ("KZ-YUZ", "KZ-61"), ("KZ-33", "KZ-33")],
)
def test_legacy_alpha_codes_map_to_numeric(given: str, expected: str) -> None:
    # old -> new pairs from ../shared/reference/formats.md §4.2
    assert normalize_code(given) == expected


@pytest.mark.parametrize("bad", ["KZ-99", "KZ-XXX", "Almaty", ""])
def test_bad_codes_raise(bad: str) -> None:
    with pytest.raises(KzeventsError):
        normalize_code(bad)


def test_almaty_city_and_region_are_not_confused() -> None:
    assert subdivision_name("KZ-75") == "Almaty City"
    assert subdivision_name("KZ-19") == "Almaty Region"
    assert code_from_name("Almaty City", "acled") == "KZ-75"
    assert code_from_name("Almaty", "acled") == "KZ-19"
    assert code_from_name("Aqtobe", "acled") == "KZ-15"
