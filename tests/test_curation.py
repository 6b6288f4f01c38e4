"""The curated data against the seed documents: every quote occurs verbatim in the file it cites."""

from __future__ import annotations

import pytest

import kzevents

from .conftest import SEEDS, need

DS = kzevents.load()
CLAIMS = [(inc.id, i, c) for inc in DS for i, c in enumerate(inc.claims)]


def _seed_text(source_id: str) -> str:
    path = need(SEEDS / DS.sources[source_id].file)
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize(("incident", "index", "claim"), CLAIMS, ids=[f"{i}-claim{n}" for i, n, _ in CLAIMS])
def test_claim_quote_occurs_in_its_document(incident: str, index: int, claim: kzevents.Claim) -> None:
    assert claim.quote in _seed_text(claim.source), (
        f"{incident} claims[{index}] quote not found in {claim.source}"
    )


@pytest.mark.parametrize("item", DS.out_of_scope, ids=lambda x: x.quote[:30])
def test_out_of_scope_quote_occurs_in_its_document(item: kzevents.OutOfScope) -> None:
    assert item.quote in _seed_text(item.source)


def test_every_source_is_a_seed_file() -> None:
    need(SEEDS)
    assert {s.file for s in DS.sources.values()} == {p.name for p in SEEDS.iterdir()}


def test_every_source_is_cited() -> None:
    cited = {c.source for inc in DS for c in inc.claims}
    assert cited == set(DS.sources)


def test_place_spellings_occur_in_the_documents() -> None:
    texts = "\n".join(_seed_text(s) for s in sorted(DS.sources))
    for place_id in ("aktobe", "boralday", "shubarshi", "almaty", "tausamaly", "arkankergen"):
        place = DS.places[place_id]
        assert any(s in texts for s in (place.name, *place.spellings)), place_id


def test_arabic_spellings_of_boralday_and_almaty_are_recorded() -> None:
    text = _seed_text("000")
    for place_id in ("boralday", "almaty"):
        arabic = [s for s in DS.places[place_id].spellings if any("\u0600" <= ch <= "\u06ff" for ch in s)]
        assert arabic and all(s in text for s in arabic), place_id


def test_related_links_are_symmetric_enough_to_navigate() -> None:
    # every incident that is linked is reachable: links point at existing incidents (checked on load)
    linked = {r.incident for inc in DS for r in inc.related}
    assert linked <= {inc.id for inc in DS}
    assert linked, "connected incidents (Shubarshy killings -> raid -> arrests) must be linked"


def test_coordinates_have_four_decimals_and_known_precision() -> None:
    for p in DS.places.values():
        assert round(p.latitude, 4) == p.latitude and round(p.longitude, 4) == p.longitude, p.id
