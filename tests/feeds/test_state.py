"""FeedState: JSON round-trip, bounded memory of item ids, transitions and backoff."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from streams.errors import DecodeError
from streams.feeds.state import FeedState, backoff_delay, remember

NOW = datetime(2020, 2, 21, 15, 0, tzinfo=UTC)


def test_json_round_trip() -> None:
    state = FeedState(
        url="https://www.aljazeera.com/xml/rss/all.xml",
        etag='W/"abc"',
        last_modified="Fri, 21 Feb 2020 15:04:12 GMT",
        recent_ids=("a" * 32, "b" * 32),
        error_streak=2,
        last_status=503,
        last_error="HTTP 503 Service Unavailable",
        last_fetch=NOW,
        last_success=NOW - timedelta(hours=1),
        next_due=NOW + timedelta(minutes=5),
        items_published=42,
    )
    assert FeedState.decode(state.encode()) == state
    assert FeedState.decode(FeedState(url="u").encode()) == FeedState(url="u")


@pytest.mark.parametrize(
    "data", [b"not json", b"[1]", b'{"state_version": 99, "url": "u"}', b'{"state_version": 1}']
)
def test_bad_state_raises_decode_error(data: bytes) -> None:
    with pytest.raises(DecodeError):
        FeedState.decode(data)


def test_remember_puts_current_ids_first_and_bounds_the_rest() -> None:
    old = tuple(f"old{i}" for i in range(10))
    assert remember(old, ["new", "old3"], limit=5) == ("new", "old3", "old0", "old1", "old2")


def test_remember_never_forgets_an_id_still_in_the_feed() -> None:
    current = [f"id{i}" for i in range(8)]
    assert remember(("x", "y"), current, limit=5) == tuple(current)


def test_success_resets_the_streak_and_schedules_the_next_poll() -> None:
    failing = FeedState(url="u", etag='"1"', recent_ids=("a",), error_streak=3, last_error="e")
    after = failing.succeeded(
        now=NOW,
        status=200,
        etag='"2"',
        last_modified=None,
        seen_ids=["b"],
        published=1,
        interval=300,
    )
    assert after.error_streak == 0 and after.last_error is None
    assert after.etag == '"2"' and after.recent_ids == ("b", "a")
    assert after.next_due == NOW + timedelta(seconds=300)
    assert after.items_published == 1 and after.last_success == NOW
    assert not after.is_due(NOW) and after.is_due(NOW + timedelta(seconds=300))


def test_failure_keeps_validators_and_ids() -> None:
    state = FeedState(url="u", etag='"1"', last_modified="x", recent_ids=("a",))
    after = state.failed(now=NOW, status=500, error="HTTP 500", delay=30)
    assert (after.etag, after.last_modified, after.recent_ids) == ('"1"', "x", ("a",))
    assert after.error_streak == 1 and after.last_status == 500
    assert after.next_due == NOW + timedelta(seconds=30)


def test_backoff_grows_exponentially_with_jitter_and_is_capped() -> None:
    rng = random.Random(7)
    delays = [backoff_delay(n, interval=300, cap=3600, rng=rng) for n in range(1, 12)]
    for streak, delay in enumerate(delays, start=1):
        full = min(3600, 30 * 2 ** (streak - 1))
        assert full / 2 <= delay <= full
    assert max(delays) <= 3600
    # It never gives up: a feed failing for a very long time still gets retried.
    assert 1800 <= backoff_delay(10_000, interval=300, cap=3600) <= 3600


def test_backoff_jitter_spreads_feeds_failing_together() -> None:
    rng = random.Random(1)
    assert len({round(backoff_delay(4, interval=300, cap=3600, rng=rng), 3) for _ in range(20)}) > 15


def test_backoff_honours_retry_after_up_to_the_cap() -> None:
    assert backoff_delay(1, interval=300, cap=3600, retry_after=900) == 900
    assert backoff_delay(1, interval=300, cap=3600, retry_after=86_400) == 3600


def test_backoff_base_never_exceeds_the_poll_interval() -> None:
    assert backoff_delay(1, interval=5, cap=3600) <= 5
