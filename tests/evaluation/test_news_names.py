"""The places and actors of the current news stay in the gazetteer (tests/evaluation/news_names.py)."""

from __future__ import annotations

from streams.tagging import Tagger
from tests.evaluation.news_names import ACTORS, PLACES, missing_names


def test_every_listed_place_and_actor_is_found() -> None:
    assert len(PLACES) > 150 and len(ACTORS) > 150
    missing = missing_names(Tagger.default())
    assert missing == {"places en": [], "places ar": [], "actors en": [], "actors ar": []}
