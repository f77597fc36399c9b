"""The output records keep value behaviour: immutable, equal and hashed by their fields (see records.py)."""

from __future__ import annotations

import dataclasses

import pytest

from streams.tagging import Actor, Mention, Tags
from streams.text.matcher import Match


def test_actors_are_frozen_dataclasses_and_records_compare_by_fields() -> None:
    actor = Actor("kremlin", "Kremlin", "government", "RU")
    mention = Mention(0, 3, "abc", "actor", "kremlin", "RU", "government")
    place = Mention(start=4, end=8, text="Gaza", kind="place", ref="PS")
    tags = Tags("ar", ("RU",), (), (), (actor,), (mention, place))
    fields = tuple(getattr(actor, f.name) for f in dataclasses.fields(actor))
    assert hash(actor) == hash(fields)
    assert actor == dataclasses.replace(actor)
    assert actor != fields
    with pytest.raises(dataclasses.FrozenInstanceError):
        actor.id = "x"  # type: ignore[misc]
    assert place.country is None and place.type is None
    assert (
        repr(place) == "Mention(start=4, end=8, text='Gaza', kind='place', ref='PS', country=None, type=None)"
    )
    assert mention != Mention(0, 3, "abc", "actor", "kremlin", "RU")
    assert tags == Tags("ar", ("RU",), (), (), (actor,), (mention, place))
    assert hash(tags) == hash(Tags("ar", ("RU",), (), (), (actor,), (mention, place)))
    assert tags.to_json()["mentions"][1] == {
        "start": 4,
        "end": 8,
        "text": "Gaza",
        "kind": "place",
        "ref": "PS",
        "country": None,
    }


def test_matches_are_immutable_values() -> None:
    # A NamedTuple (the matcher makes one per hit, at tuple cost): equal by fields, hashable.
    match = Match(0, 4, "Gaza", "x", "gaza", (0, 4))
    assert match == Match(0, 4, "Gaza", "x", "gaza", (0, 4))
    assert hash(match) == hash(Match(0, 4, "Gaza", "x", "gaza", (0, 4)))
    assert match._replace(end=3) != match
    with pytest.raises(AttributeError):
        match.start = 1  # type: ignore[misc]


def test_mentions_are_immutable_values_equal_only_to_mentions() -> None:
    # A NamedTuple (the tagger makes several per text), hashed as its fields, but equal only
    # to another Mention with the same fields, as the dataclass it replaced was.
    mention = Mention(0, 3, "abc", "actor", "kremlin", "RU", "government")
    fields = (0, 3, "abc", "actor", "kremlin", "RU", "government")
    assert mention == Mention(*fields) and (mention != Mention(*fields)) is False
    assert hash(mention) == hash(fields) == hash(Mention(*fields))
    assert mention != fields and fields != mention
    assert (mention == fields) is False and (fields == mention) is False
    assert mention._replace(end=4) != mention
    assert mention in {Mention(*fields)} and fields not in {mention}
    with pytest.raises(AttributeError):
        mention.start = 1  # type: ignore[misc]


def test_tags_are_immutable_values_equal_only_to_tags() -> None:
    # A NamedTuple (the tagger makes one per text), hashed as its fields, but equal only to
    # another Tags with the same fields, as the dataclass it replaced was.
    fields = ("ar", ("RU",), ("Aleppo",), ("Asia",), (), ())
    tags = Tags(*fields)
    assert tags == Tags(*fields) and (tags != Tags(*fields)) is False
    assert hash(tags) == hash(fields) == hash(Tags(*fields))
    assert tags != fields and fields != tags
    assert (tags == fields) is False and (fields == tags) is False
    assert tags._replace(countries=("SY",)) != tags
    assert tags._replace(countries=("SY",)).countries == ("SY",)
    assert tags in {Tags(*fields)} and fields not in {tags}
    with pytest.raises(AttributeError):
        tags.lang = "en"  # type: ignore[misc]
