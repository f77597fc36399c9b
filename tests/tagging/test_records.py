"""The output records' own constructors keep the frozen dataclass behaviour (see records.py)."""

from __future__ import annotations

import dataclasses

import pytest

from streams.tagging import Actor, Mention, Tags
from streams.text.matcher import Match


def test_records_are_frozen_dataclasses_with_field_equality_and_hashing() -> None:
    actor = Actor("kremlin", "Kremlin", "government", "RU")
    mention = Mention(0, 3, "abc", "actor", "kremlin", "RU", "government")
    place = Mention(start=4, end=8, text="Gaza", kind="place", ref="PS")
    tags = Tags("ar", ("RU",), (), (), (actor,), (mention, place))
    for record in (actor, tags):
        fields = tuple(getattr(record, f.name) for f in dataclasses.fields(record))
        assert hash(record) == hash(fields)
        assert record == dataclasses.replace(record)
        assert record != fields
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(record, dataclasses.fields(record)[0].name, 1)
    assert place.country is None and place.type is None
    assert (
        repr(place) == "Mention(start=4, end=8, text='Gaza', kind='place', ref='PS', country=None, type=None)"
    )
    assert mention != Mention(0, 3, "abc", "actor", "kremlin", "RU")
    assert tags == Tags("ar", ("RU",), (), (), (actor,), (mention, place))
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
