"""Frozen dataclasses for every record on a topic, with explicit JSON round-trips matching schemas/."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

SCHEMA_VERSION = 1


def utcnow() -> datetime:
    """Timezone-aware now; every timestamp in a record is UTC."""
    return datetime.now(UTC)


def format_time(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError("naive datetime in a record; use timezone-aware UTC")
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def parse_time(value: str | None) -> datetime | None:
    if value is None:
        return None
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _required_time(value: str) -> datetime:
    parsed = parse_time(value)
    assert parsed is not None
    return parsed


@dataclass(frozen=True)
class FeedRef:
    """Which feed an item came from."""

    url: str
    name: str | None = None
    lang: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"url": self.url, "name": self.name, "lang": self.lang}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FeedRef:
        return cls(url=data["url"], name=data.get("name"), lang=data.get("lang"))


@dataclass(frozen=True)
class RawItem:
    """One new feed item as the poller parsed it (wire.raw)."""

    id: str
    feed: FeedRef
    guid: str | None
    url: str | None
    canonical_url: str | None
    title: str
    summary: str
    lang: str | None
    published: datetime | None
    fetched: datetime
    content_hash: str
    updated: datetime | None = None
    authors: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        """The analysed text: every mention and match offset indexes this string."""
        return f"{self.title}\n{self.summary}"

    def to_json(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "id": self.id,
            "feed": self.feed.to_json(),
            "guid": self.guid,
            "url": self.url,
            "canonical_url": self.canonical_url,
            "title": self.title,
            "summary": self.summary,
            "lang": self.lang,
            "authors": list(self.authors),
            "categories": list(self.categories),
            "published": format_time(self.published),
            "updated": format_time(self.updated),
            "fetched": format_time(self.fetched),
            "content_hash": self.content_hash,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RawItem:
        return cls(
            id=data["id"],
            feed=FeedRef.from_json(data["feed"]),
            guid=data.get("guid"),
            url=data.get("url"),
            canonical_url=data.get("canonical_url"),
            title=data["title"],
            summary=data["summary"],
            lang=data.get("lang"),
            published=parse_time(data.get("published")),
            updated=parse_time(data.get("updated")),
            fetched=_required_time(data["fetched"]),
            content_hash=data["content_hash"],
            authors=tuple(data.get("authors", ())),
            categories=tuple(data.get("categories", ())),
        )


@dataclass(frozen=True)
class Item:
    """A tagged item (wire.tagged before dedup, wire.items after): the raw item plus its tags."""

    raw: RawItem
    detected_lang: str
    countries: tuple[str, ...]
    places: tuple[str, ...]
    regions: tuple[str, ...]
    # Actors and mentions keep the tagger's JSON shape (schemas/annotation.schema.json).
    actors: tuple[dict[str, Any], ...]
    mentions: tuple[dict[str, Any], ...]
    dedup_key: str
    tagged: datetime
    # The story this item belongs to; the dedup stage sets it (the item's own id until then).
    story_id: str = ""

    @property
    def id(self) -> str:
        return self.raw.id

    def with_story(self, story_id: str) -> Item:
        return replace(self, story_id=story_id)

    def to_json(self) -> dict[str, Any]:
        data = self.raw.to_json()
        data.update(
            {
                "detected_lang": self.detected_lang,
                "countries": list(self.countries),
                "places": list(self.places),
                "regions": list(self.regions),
                "actors": list(self.actors),
                "mentions": list(self.mentions),
                "dedup_key": self.dedup_key,
                "story_id": self.story_id or self.raw.id,
                "tagged": format_time(self.tagged),
            }
        )
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Item:
        return cls(
            raw=RawItem.from_json(data),
            detected_lang=data["detected_lang"],
            countries=tuple(data["countries"]),
            places=tuple(data["places"]),
            regions=tuple(data["regions"]),
            actors=tuple(data["actors"]),
            mentions=tuple(data["mentions"]),
            dedup_key=data["dedup_key"],
            story_id=data["story_id"],
            tagged=_required_time(data["tagged"]),
        )


@dataclass(frozen=True)
class Duplicate:
    """An item that repeats an earlier one (wire.duplicates)."""

    id: str
    duplicate_of: str
    story_id: str
    kind: str  # "duplicate" | "update"
    reason: str  # "same_id" | "same_url" | "same_content" | "similar_text"
    text_changed: bool
    feed: FeedRef
    url: str | None
    title: str
    fetched: datetime
    detected: datetime

    def to_json(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "id": self.id,
            "duplicate_of": self.duplicate_of,
            "story_id": self.story_id,
            "kind": self.kind,
            "reason": self.reason,
            "text_changed": self.text_changed,
            "feed": self.feed.to_json(),
            "url": self.url,
            "title": self.title,
            "fetched": format_time(self.fetched),
            "detected": format_time(self.detected),
        }


@dataclass(frozen=True)
class Match:
    """One rule term found in an item: the evidence an alert carries."""

    concept: str
    term: str
    field: str
    start: int
    end: int
    text: str

    def to_json(self) -> dict[str, Any]:
        return {
            "concept": self.concept,
            "term": self.term,
            "field": self.field,
            "start": self.start,
            "end": self.end,
            "text": self.text,
        }


@dataclass(frozen=True)
class Alert:
    """One rule firing on one item (wire.alerts)."""

    alert_id: str
    rule: str
    severity: str
    kind: str  # "new" | "update"
    item: Item
    matches: tuple[Match, ...]
    snippet: str
    alerted: datetime = field(default_factory=utcnow)

    def to_json(self) -> dict[str, Any]:
        raw = self.item.raw
        return {
            "schema_version": SCHEMA_VERSION,
            "alert_id": self.alert_id,
            "rule": self.rule,
            "severity": self.severity,
            "kind": self.kind,
            "item_id": raw.id,
            "story_id": self.item.story_id or raw.id,
            "title": raw.title,
            "url": raw.url,
            "lang": self.item.detected_lang,
            "feed": raw.feed.to_json(),
            "matches": [m.to_json() for m in self.matches],
            "snippet": self.snippet,
            "tags": {
                "countries": list(self.item.countries),
                "places": list(self.item.places),
                "regions": list(self.item.regions),
                "actors": [a["id"] for a in self.item.actors],
            },
            "published": format_time(raw.published),
            "fetched": format_time(raw.fetched),
            "alerted": format_time(self.alerted),
        }


@dataclass(frozen=True)
class DeadLetter:
    """Input a stage could not use, with the error and the original bytes (wire.deadletter)."""

    stage: str
    error_type: str
    error: str
    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    failed: datetime = field(default_factory=utcnow)

    def to_json(self) -> dict[str, Any]:
        import base64

        def b64(data: bytes | None) -> str | None:
            return None if data is None else base64.b64encode(data).decode("ascii")

        return {
            "schema_version": SCHEMA_VERSION,
            "stage": self.stage,
            "error_type": self.error_type,
            "error": self.error,
            "topic": self.topic,
            "partition": self.partition,
            "offset": self.offset,
            "key_b64": b64(self.key),
            "value_b64": b64(self.value),
            "failed": format_time(self.failed),
        }
