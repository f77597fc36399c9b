"""When to poll a feed next: its publishing rate, server freshness hints, bounds and spread."""

from __future__ import annotations

import hashlib
import math
import random
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

# The rate estimate forgets with this half-life: a feed that went quiet an hour ago counts
# half as busy as it was, so intervals follow a news day without chasing every lull.
RATE_HALF_LIFE_S = 3600.0
# The interval aims at this many new items per poll: a feed that publishes every 10 minutes
# is polled every 10 minutes (bounded by the feed's min/max interval).
ITEMS_PER_POLL = 1.0
# Each interval is stretched or shrunk by up to this fraction at random, so feeds that were
# once polled together drift apart instead of hitting the network in lockstep.
JITTER = 0.05
# Dates further apart than this in one document say nothing about today's rate.
_MAX_DATED_SPAN_S = 30 * 86400.0
_MAX_AGE = re.compile(r"(?:^|,)\s*max-age\s*=\s*\"?(\d+)", re.IGNORECASE)
_NO_CACHE = re.compile(r"(?:^|,)\s*(?:no-cache|no-store)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Bounds:
    """A feed's interval limits in seconds, and the interval used before anything is known."""

    low: float
    high: float
    initial: float

    def clamp(self, seconds: float) -> float:
        return min(self.high, max(self.low, seconds))


def bounds(
    *, low: float, high: float, initial: float, feed_low: float | None, feed_high: float | None
) -> Bounds:
    """The global bounds narrowed by a feed's own, kept consistent whatever the user wrote."""
    lo = feed_low if feed_low is not None else low
    hi = feed_high if feed_high is not None else high
    hi = max(lo, hi)
    return Bounds(lo, hi, min(hi, max(lo, initial)))


def cache_lifetime(headers: Mapping[str, str], now: datetime) -> float | None:
    """Seconds the response says it stays fresh: Cache-Control max-age (minus Age), else
    Expires minus Date; None when the server gives no usable hint or forbids caching."""
    control = headers.get("cache-control", "")
    if _NO_CACHE.search(control):
        return None
    match = _MAX_AGE.search(control)
    if match:
        age = headers.get("age", "").strip()
        return max(0.0, float(match.group(1)) - (float(age) if age.isdigit() else 0.0))
    expires = _http_date(headers.get("expires"))
    if expires is None:
        # An invalid Expires ("0", "-1") means already expired (RFC 9111 5.3): no hint.
        return None
    date = _http_date(headers.get("date")) or now
    return max(0.0, (expires - date).total_seconds())


def ttl_seconds(value: object) -> float | None:
    """RSS <ttl> (minutes) in seconds; None when absent or not a positive number."""
    if not isinstance(value, str) or not value.strip().isdigit():
        return None
    minutes = int(value.strip())
    return minutes * 60.0 if minutes > 0 else None


def rate_from_dates(dates: Iterable[datetime | None]) -> float | None:
    """Items per second implied by the publication dates in one document (first poll)."""
    stamps = sorted({d.timestamp() for d in dates if d is not None})
    if len(stamps) < 2:
        return None
    span = stamps[-1] - stamps[0]
    if not 0 < span <= _MAX_DATED_SPAN_S:
        return None
    return (len(stamps) - 1) / span


def update_rate(previous: float | None, new_items: int, elapsed: float) -> float | None:
    """Exponentially time-weighted items-per-second after `new_items` in `elapsed` seconds."""
    if elapsed <= 0:
        return previous
    observed = new_items / elapsed
    if previous is None:
        return observed
    weight = 1.0 - math.exp(-elapsed * math.log(2) / RATE_HALF_LIFE_S)
    return previous + weight * (observed - previous)


def next_interval(
    limits: Bounds,
    rate: float | None,
    *,
    server_hint: float | None,
    hint_cap: float,
    rng: random.Random,
) -> float:
    """Seconds until the next poll: one expected item per poll within the bounds, with a little
    jitter, and never sooner than the server asked (max-age, Expires, <ttl>) up to `hint_cap`.

    A server's freshness hint may push past the feed's maximum interval (that is what being
    polite means), but only up to the cap, so a "max-age=31536000" cannot silence a feed.
    """
    if rate is None:
        interval = limits.initial
    elif rate <= 0:
        interval = limits.high
    else:
        interval = ITEMS_PER_POLL / rate
    interval = limits.clamp(interval * (1.0 + JITTER * (2.0 * rng.random() - 1.0)))
    if server_hint is not None:
        interval = max(interval, min(server_hint, hint_cap))
    return interval


def phase(key: str) -> float:
    """A stable number in [0, 1) per feed, to spread first polls evenly over a window."""
    digest = hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2.0**64


def first_due(key: str, now: float, next_due: float | None, window: float) -> float:
    """When a feed is first polled by this process, as a timestamp.

    A feed with no state, or overdue after a restart, is placed at its phase within `window`
    from now: ten thousand new feeds start as an even stream, not one burst. A feed whose
    time has not come keeps it.
    """
    if next_due is not None and next_due > now:
        return next_due
    return now + phase(key) * window


def _http_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError):
        return None
    if parsed.tzinfo is None:  # an HTTP date is GMT even when it does not say so
        parsed = parsed.replace(tzinfo=UTC)
    return parsed
