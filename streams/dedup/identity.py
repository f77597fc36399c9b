"""Stable item ids and content fingerprints shared by the poller, the worker and `annotate`."""

from __future__ import annotations

import hashlib

from streams.dedup.urls import canonical_url
from streams.text.normalize import normalize


def digest(*parts: str) -> str:
    """128-bit hex digest of the parts, unambiguous about where one part ends."""
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        data = part.encode("utf-8")
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


def content_hash(title: str, summary: str) -> str:
    """Digest of the normalised title and summary: diacritics, tatweel, case and spacing ignored."""
    folded = " ".join(normalize(f"{title}\n{summary}").text.split())
    return digest("content", folded)


def item_id(feed_url: str, guid: str | None, link: str | None, title: str, summary: str) -> str:
    """A stable id: from the canonical link when there is one (the same article has one link
    whatever guid a feed gives it), else the feed-scoped guid, else the feed-scoped content."""
    canonical = canonical_url(link)
    if canonical:
        return digest("url", canonical)
    if guid and guid.strip():
        return digest("guid", feed_url, guid.strip())
    return digest("content", feed_url, content_hash(title, summary))


def dedup_key(item_id_: str, canonical: str | None) -> str:
    """What exact duplicates share: the canonical URL if any, else the item id."""
    return canonical or item_id_
