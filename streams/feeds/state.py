"""Per-feed poller state (validators, recent item ids, schedule, errors) and its transitions."""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from streams import retry
from streams.errors import DecodeError
from streams.records import dumps, loads
from streams.records.models import format_time, parse_time

STATE_VERSION = 2
# Version 1 records (before the adaptive schedule) read fine: every new field has a default.
READABLE_VERSIONS = frozenset({1, 2})
# Ids remembered per feed: three documents' worth (an item that drops out of a feed rarely
# comes back after two full turnovers), at least RECENT_MIN, at most RECENT_IDS_MAX (~175 KB of
# state, far below Kafka's 1 MB message limit). Proportional, not a flat 5000: ten thousand
# feeds of 20 items then hold ~60 MB of ids in the poller, not gigabytes.
RECENT_IDS_MAX = 5000
RECENT_MIN = 50
RECENT_DOCUMENTS = 3
# First retry after an error comes this soon (or after poll_interval if that is shorter);
# each further failure doubles it up to settings.poll_backoff_max.
BACKOFF_BASE_SECONDS = 30.0


@dataclass(frozen=True)
class FeedState:
    """What the poller knows about one feed; the value of its key (the feed URL) in wire.feed-state."""

    url: str
    etag: str | None = None
    last_modified: str | None = None
    # Item ids already published (or seen in the feed), newest first, bounded.
    recent_ids: tuple[str, ...] = ()
    error_streak: int = 0
    last_status: int | None = None
    last_error: str | None = None
    last_fetch: datetime | None = None
    last_success: datetime | None = None
    next_due: datetime | None = None
    items_published: int = 0
    # Short digests of content and link path of recent items: a feed that regenerates guids
    # or rewrites query strings still matches on these (see streams/feeds/newitems.py).
    recent_keys: tuple[str, ...] = ()
    # Where a permanent redirect (301/308) said the feed lives now; fetched instead of `url`.
    moved_to: str | None = None
    # Adaptive schedule: the interval last chosen (s) and the estimated items per second.
    interval: float | None = None
    item_rate: float | None = None
    last_entries: int = 0
    last_new: int = 0
    # The last identity anomaly (a storm of "new" items) and how many polls had one.
    anomaly: str | None = None
    anomalies: int = 0

    @property
    def fetch_url(self) -> str:
        return self.moved_to or self.url

    def is_due(self, now: datetime) -> bool:
        return self.next_due is None or self.next_due <= now

    def succeeded(
        self,
        *,
        now: datetime,
        status: int,
        etag: str | None,
        last_modified: str | None,
        seen_ids: Iterable[str],
        published: int,
        interval: float,
        seen_keys: Iterable[str] = (),
        entries: int = 0,
        item_rate: float | None = None,
        moved_to: str | None = None,
        anomaly: str | None = None,
        next_due: datetime | None = None,
    ) -> FeedState:
        """The state after a good fetch: new validators, ids remembered, streak reset; next due
        `interval` seconds from now, or at `next_due` when the scheduler fixes it."""
        listed = entries if status != 304 else self.last_entries
        limit = min(RECENT_IDS_MAX, max(RECENT_MIN, RECENT_DOCUMENTS * listed))
        return replace(
            self,
            etag=etag,
            last_modified=last_modified,
            recent_ids=remember(self.recent_ids, seen_ids, limit),
            recent_keys=remember(self.recent_keys, seen_keys, limit),
            error_streak=0,
            last_status=status,
            last_error=None,
            last_fetch=now,
            last_success=now,
            next_due=next_due or now + timedelta(seconds=interval),
            items_published=self.items_published + published,
            moved_to=moved_to or self.moved_to,
            interval=interval,
            item_rate=item_rate,
            last_entries=entries if status != 304 else self.last_entries,
            last_new=published,
            anomaly=anomaly or self.anomaly,
            anomalies=self.anomalies + (anomaly is not None),
        )

    def failed(
        self, *, now: datetime, status: int | None, error: str, delay: float, moved_to: str | None = None
    ) -> FeedState:
        """The state after a failure: validators and ids untouched, retry after `delay` s."""
        return replace(
            self,
            moved_to=moved_to or self.moved_to,
            error_streak=self.error_streak + 1,
            last_status=status,
            last_error=error,
            last_fetch=now,
            next_due=now + timedelta(seconds=delay),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "state_version": STATE_VERSION,
            "url": self.url,
            "etag": self.etag,
            "last_modified": self.last_modified,
            "recent_ids": list(self.recent_ids),
            "error_streak": self.error_streak,
            "last_status": self.last_status,
            "last_error": self.last_error,
            "last_fetch": format_time(self.last_fetch),
            "last_success": format_time(self.last_success),
            "next_due": format_time(self.next_due),
            "items_published": self.items_published,
            "recent_keys": list(self.recent_keys),
            "moved_to": self.moved_to,
            "interval": self.interval,
            "item_rate": self.item_rate,
            "last_entries": self.last_entries,
            "last_new": self.last_new,
            "anomaly": self.anomaly,
            "anomalies": self.anomalies,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FeedState:
        if data.get("state_version") not in READABLE_VERSIONS:
            raise DecodeError(f"feed state version {data.get('state_version')!r} not supported")
        return cls(
            url=data["url"],
            etag=data.get("etag"),
            last_modified=data.get("last_modified"),
            recent_ids=tuple(data.get("recent_ids", ())),
            error_streak=int(data.get("error_streak", 0)),
            last_status=data.get("last_status"),
            last_error=data.get("last_error"),
            last_fetch=parse_time(data.get("last_fetch")),
            last_success=parse_time(data.get("last_success")),
            next_due=parse_time(data.get("next_due")),
            items_published=int(data.get("items_published", 0)),
            recent_keys=tuple(data.get("recent_keys", ())),
            moved_to=data.get("moved_to"),
            interval=_float(data.get("interval")),
            item_rate=_float(data.get("item_rate")),
            last_entries=int(data.get("last_entries", 0)),
            last_new=int(data.get("last_new", 0)),
            anomaly=data.get("anomaly"),
            anomalies=int(data.get("anomalies", 0)),
        )

    def encode(self) -> bytes:
        return dumps(self.to_json())

    @classmethod
    def decode(cls, data: bytes) -> FeedState:
        """Parse a wire.feed-state value; anything unusable raises DecodeError."""
        value = loads(data)
        if not isinstance(value, dict):
            raise DecodeError("feed state is not a JSON object")
        try:
            return cls.from_json(value)
        except (KeyError, TypeError, ValueError) as exc:
            raise DecodeError(f"bad feed state: {exc!r}") from exc


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def remember(recent: tuple[str, ...], seen: Iterable[str], limit: int = RECENT_IDS_MAX) -> tuple[str, ...]:
    """Ids seen now first, then older ones, bounded by `limit`.

    Every id in the current document is always kept, even past the limit: forgetting an id
    that the feed still lists would publish that item again on the next poll.
    """
    current = list(dict.fromkeys(seen))
    fresh = set(current)
    older = [i for i in recent if i not in fresh]
    return tuple(current + older[: max(0, limit - len(current))])


def backoff_delay(
    error_streak: int,
    *,
    interval: float,
    cap: float,
    retry_after: float | None = None,
    rng: random.Random | None = None,
) -> float:
    """Seconds until the next try after `error_streak` consecutive failures (>= 1).

    Exponential, capped, with "equal jitter" (half fixed, half random) so that feeds failing
    together, e.g. when the network drops, do not all retry in the same second. A server's
    Retry-After is honoured up to the cap. It never gives up: the cap is a rate, not a limit.
    """
    base = min(interval, BACKOFF_BASE_SECONDS)
    delay = retry.backoff_delay(error_streak, cap, base=base, rand=rng.random() if rng is not None else None)
    if retry_after is not None:
        delay = max(delay, min(retry_after, cap))
    return delay
