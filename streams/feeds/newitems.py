"""Which entries of a fetched document are new: stable ids, fallback keys, the storm guard."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from streams.dedup.identity import content_hash, digest, item_id
from streams.dedup.urls import canonical_url
from streams.errors import ValidationError
from streams.feeds.parse import ParsedEntry, ParsedFeed
from streams.feeds.state import FeedState
from streams.records import FeedRef, RawItem, validate
from streams.settings import FeedConfig

log = logging.getLogger(__name__)

# A non-first poll in which every one of at least this many entries looks new is suspect:
# publishers that regenerate guids or rewrite links change all of them at once.
STORM_MIN_ENTRIES = 5
# In a suspect poll, an entry dated this long before the previous successful fetch is one
# we already had under another name (regenerated items keep their dates); the slack allows
# for a document served a little stale by a cache.
STORM_DATE_SLACK = timedelta(minutes=2)
KEY_CHARS = 16


@dataclass
class NewItems:
    """The outcome for one document: what to remember and what to publish (oldest first)."""

    seen_ids: list[str] = field(default_factory=list)
    seen_keys: list[str] = field(default_factory=list)
    fresh: list[RawItem] = field(default_factory=list)
    anomaly: str | None = None
    rejected: int = 0


def fallback_key(entry: ParsedEntry) -> str:
    """A second identity that survives regenerated guids and rewritten query strings.

    With a link: its scheme, host and path plus the title (a query-string rewrite or a new guid
    keeps both). Without one: the normalised title and summary. Two items only collide here
    if they are the same story, or the same title at the same path.
    """
    if entry.link:
        try:
            parts = urlsplit(entry.link)
            where = f"{parts.scheme.lower()}://{parts.netloc.lower()}{parts.path.rstrip('/')}"
            return "p" + digest("path", where, entry.title)[: KEY_CHARS - 1]
        except ValueError:
            pass
    return "c" + content_hash(entry.title, entry.summary)[: KEY_CHARS - 1]


def select_new(
    feed: FeedConfig,
    parsed: ParsedFeed,
    state: FeedState,
    now: datetime,
    *,
    max_new: int,
) -> NewItems:
    """Split the document into known and new entries and build the new RawItems.

    New means: neither its stable id (streams.dedup.identity.item_id) nor its fallback key was
    seen in this feed recently. Storm guard: in a suspect poll, entries dated before the last
    successful fetch are taken as known; and at most `max_new` items are published per poll
    (the newest), the rest remembered, with the anomaly reported.
    """
    known_ids = set(state.recent_ids)
    known_keys = set(state.recent_keys)
    out = NewItems()
    seen_ids: dict[str, None] = {}
    candidates: list[tuple[str, str, ParsedEntry]] = []
    for entry in parsed.entries:
        ident = item_id(feed.url, entry.guid, entry.link, entry.title, entry.summary)
        if ident in seen_ids:  # the same article listed twice in one document
            continue
        seen_ids[ident] = None
        key = fallback_key(entry)
        out.seen_keys.append(key)
        if ident in known_ids or key in known_keys:
            continue
        candidates.append((ident, key, entry))
    out.seen_ids = list(seen_ids)

    anomalies: list[str] = []
    entries = len(seen_ids)
    if state.last_success is not None and entries >= STORM_MIN_ENTRIES and len(candidates) == entries:
        cutoff = state.last_success - STORM_DATE_SLACK
        kept = [c for c in candidates if c[2].published is None or c[2].published >= cutoff]
        anomalies.append(
            f"all {entries} entries had unseen ids and keys (regenerated guids or links?); "
            f"{entries - len(kept)} dated before the last fetch were taken as known"
        )
        candidates = kept
    if len(candidates) > max_new:
        anomalies.append(f"{len(candidates)} new items in one poll: published the newest {max_new}")
        candidates = candidates[:max_new]  # feeds list newest first

    ref = FeedRef(url=feed.url, name=feed.name or parsed.title, lang=feed.lang or parsed.lang)
    for ident, key, entry in candidates:
        item = _raw_item(ident, ref, feed, entry, now)
        try:
            # Checked at the producing boundary: a record wire.raw's schema rejects is never
            # sent, and it is left unremembered so that a fixed feed can publish it later.
            validate("raw_item", item.to_json())
        except ValidationError as exc:
            log.error("feed %s: item %s rejected: %s", feed.url, item.url or item.id, exc)
            out.rejected += 1
            out.seen_ids.remove(ident)
            out.seen_keys.remove(key)
            continue
        out.fresh.append(item)
    # Feeds list newest first; publishing oldest first keeps wire.raw in publication order.
    out.fresh.reverse()
    out.anomaly = "; ".join(anomalies) or None
    return out


def _raw_item(ident: str, ref: FeedRef, feed: FeedConfig, entry: ParsedEntry, now: datetime) -> RawItem:
    title, summary = entry.title, entry.summary
    return RawItem(
        # Keyed by the configured URL, not the response URL: a feed that moves behind a
        # redirect keeps its items' ids.
        id=ident,
        feed=ref,
        guid=entry.guid,
        url=entry.link,
        canonical_url=canonical_url(entry.link),
        title=title,
        summary=summary,
        lang=entry.lang or feed.lang,
        published=entry.published,
        updated=entry.updated,
        fetched=now,
        content_hash=content_hash(title, summary),
        authors=entry.authors,
        categories=entry.categories,
    )
