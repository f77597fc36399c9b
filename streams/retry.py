"""Retry timing shared by the feed fetcher and the webhook sender: backoff and Retry-After."""

from __future__ import annotations

import random
import time
from datetime import UTC
from email.utils import parsedate_to_datetime


def backoff_delay(attempt: int, cap: float, *, base: float, rand: float | None = None) -> float:
    """Seconds before retry number `attempt` (1-based): base * 2**(attempt-1), capped, with
    "equal jitter" — in [d/2, d] for the nominal delay d — so that many clients failing
    together (a network drop, an endpoint restart) spread their retries without ever coming
    back sooner than half the nominal delay. The exponent is clamped, so a peer that has been
    down for months cannot overflow the float."""
    nominal = min(cap, base * 2.0 ** min(max(attempt, 1) - 1, 62))
    r = random.random() if rand is None else rand
    return nominal * (0.5 + 0.5 * r)


def retry_after_seconds(value: str | None, *, now: float | None = None) -> float | None:
    """Retry-After as seconds from now — delta-seconds or an HTTP date; None if absent or bad."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:  # an HTTP date is GMT even when it does not say so
        when = when.replace(tzinfo=UTC)
    current = time.time() if now is None else now
    return max(0.0, when.timestamp() - current)
