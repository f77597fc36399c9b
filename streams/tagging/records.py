"""The tagger's output records and their JSON form (schemas/annotation.schema.json)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

MentionKind = Literal["place", "demonym", "actor"]
ActorType = Literal["person", "organization", "armed_group", "government"]


@dataclass(frozen=True, slots=True)
class Actor:
    """A person, organisation, armed group or government from the curated actor list."""

    id: str
    name: str
    type: ActorType
    country: str | None

    def to_json(self) -> dict[str, Any]:
        """The schema's `actor` object."""
        return {"id": self.id, "name": self.name, "type": self.type, "country": self.country}


@dataclass(frozen=True, slots=True)
class Mention:
    """One name found in the text; `text` is exactly `original[start:end]`.

    `ref` is the ISO 3166-1 alpha-2 code for a country or demonym, the canonical English
    name for a sub-national place, and the actor id for an actor. `country` is the
    country the mention resolves to (null for international actors and disputed places);
    `type` is the actor's type and is set for actor mentions only.
    """

    start: int
    end: int
    text: str
    kind: MentionKind
    ref: str
    country: str | None = None
    type: ActorType | None = None

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


@dataclass(frozen=True, slots=True)
class Tags:
    """Everything the tagger says about one text.

    `countries`: sorted ISO2 codes named, containing a mentioned place, or named by a
    demonym; `places`: sorted canonical names of sub-national places; `regions`: sorted UN
    M49 region, sub-region and intermediate-region names of `countries`; `actors`: sorted by
    id; `mentions`: in text order.
    """

    lang: str
    countries: tuple[str, ...]
    places: tuple[str, ...]
    regions: tuple[str, ...]
    actors: tuple[Actor, ...]
    mentions: tuple[Mention, ...]

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
