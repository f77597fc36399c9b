"""The tagger's output records and their JSON form (schemas/annotation.schema.json)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

MentionKind = Literal["place", "demonym", "actor"]
ActorType = Literal["person", "organization", "armed_group", "government"]
# Actor is a frozen dataclass, but with its own `__init__`: the generated one
# sets each field through object.__setattr__ (about 0.5 µs a record), while calling the slot
# descriptors directly costs half that, and the tagger makes several per text.
# Equality, hashing, repr and immutability are still the dataclass's.
_Setter = Callable[[object, object], None]


def _slot_setters(cls: type, *names: str) -> tuple[_Setter, ...]:
    """The `__set__` of each named slot of `cls`: they bypass the frozen __setattr__."""
    return tuple(cls.__dict__[name].__set__ for name in names)


@dataclass(frozen=True, slots=True)
class Actor:
    """A person, organisation, armed group or government from the curated actor list."""

    id: str
    name: str
    type: ActorType
    country: str | None

    def __init__(self, id: str, name: str, type: ActorType, country: str | None) -> None:
        _actor_id(self, id)
        _actor_name(self, name)
        _actor_type(self, type)
        _actor_country(self, country)

    def to_json(self) -> dict[str, Any]:
        """The schema's `actor` object."""
        return {"id": self.id, "name": self.name, "type": self.type, "country": self.country}


class Mention(NamedTuple):
    """One name found in the text; `text` is exactly `original[start:end]`.

    `ref` is the ISO 3166-1 alpha-2 code for a country or demonym, the canonical English
    name for a listed sub-national place (the name's matching key for an unlisted one read
    after a cue word: بلدة X), and the actor id for an actor. `country` is the country the
    mention resolves to (null for international actors, disputed and unlisted places);
    `type` is the actor's type and is set for actor mentions only.

    A NamedTuple rather than a frozen dataclass: the tagger makes several per text, and
    `tuple.__new__` makes one in a quarter of the time the slot setters took (about 5% of
    tagging). Immutable, hashed as the tuple of its fields, and equal only to another
    Mention with the same fields, as the dataclass was (not to a plain tuple).
    """

    start: int
    end: int
    text: str
    kind: MentionKind
    ref: str
    country: str | None = None
    type: ActorType | None = None

    def __eq__(self, other: object) -> bool:
        return type(other) is Mention and tuple.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    def __hash__(self) -> int:
        return tuple.__hash__(self)

    def to_json(self) -> dict[str, Any]:
        """The schema's `mention` object (`type` only on actor mentions)."""
        out: dict[str, Any] = {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "kind": self.kind,
            "ref": self.ref,
            "country": self.country,
        }
        if self.type is not None:
            out["type"] = self.type
        return out


class Tags(NamedTuple):
    """Everything the tagger says about one text.

    `countries`: sorted ISO2 codes named, containing a mentioned place, named by a demonym
    or a state body, or holding a place named inside another name (مطار دمشق); `places`:
    sorted canonical names of sub-national places; `regions`: sorted UN M49 region,
    sub-region and intermediate-region names of `countries`; `actors`: sorted by id;
    `mentions`: in text order.

    A NamedTuple, as Mention is: the tagger makes one per text, and `tuple.__new__` makes it
    for a tenth of what the frozen dataclass's six slot setters cost (about 0.8% of Arabic
    tagging). Immutable, hashed as the tuple of its fields, and equal only to another Tags
    with the same fields (not to a plain tuple); `_replace` makes a changed copy.
    """

    lang: str
    countries: tuple[str, ...]
    places: tuple[str, ...]
    regions: tuple[str, ...]
    actors: tuple[Actor, ...]
    mentions: tuple[Mention, ...]

    def __eq__(self, other: object) -> bool:
        return type(other) is Tags and tuple.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    def __hash__(self) -> int:
        return tuple.__hash__(self)

    def to_json(self) -> dict[str, Any]:
        """The annotate contract's fields (countries, places, actors, mentions) plus the
        detected `lang` and the M49 `regions`, as schemas/annotation.schema.json describes."""
        return {
            "lang": self.lang,
            "countries": list(self.countries),
            "places": list(self.places),
            "regions": list(self.regions),
            "actors": [a.to_json() for a in self.actors],
            "mentions": [m.to_json() for m in self.mentions],
        }


_actor_id, _actor_name, _actor_type, _actor_country = _slot_setters(Actor, "id", "name", "type", "country")
