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
    match = Match(0, 4, "Gaza", "x", "gaza", (0, 4))
    for record in (actor, mention, place, tags, match):
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
    assert tags.to_json()["mentions"][1] == {
        "start": 4,
        "end": 8,
        "text": "Gaza",
        "kind": "place",
        "ref": "PS",
        "country": None,
    }
