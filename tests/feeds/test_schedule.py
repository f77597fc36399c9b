"""Scheduling decisions: freshness hints, publishing rate, bounds, jitter and spread."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from streams.feeds.schedule import (
    bounds,
    cache_lifetime,
    first_due,
    next_interval,
    phase,
    rate_from_dates,
    ttl_seconds,
    update_rate,
)

NOW = datetime(2020, 2, 21, 15, 0, tzinfo=UTC)
LIMITS = bounds(low=60, high=3600, initial=300, feed_low=None, feed_high=None)


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"cache-control": "public, max-age=600"}, 600.0),
        ({"cache-control": "max-age=600", "age": "100"}, 500.0),
        ({"cache-control": 'max-age="120"'}, 120.0),
        ({"cache-control": "no-cache, max-age=600"}, None),
        ({"cache-control": "no-store"}, None),
        ({"expires": "Fri, 21 Feb 2020 15:10:00 GMT", "date": "Fri, 21 Feb 2020 15:00:00 GMT"}, 600.0),
        ({"expires": "Fri, 21 Feb 2020 15:05:00 GMT"}, 300.0),  # no Date: our clock
        ({"expires": "0"}, None),
        ({"expires": "Fri, 21 Feb 2020 14:00:00 GMT"}, 0.0),
        ({"cache-control": "max-age=60", "expires": "Fri, 21 Feb 2020 16:00:00 GMT"}, 60.0),
        ({}, None),
    ],
)
def test_cache_lifetime(headers: dict[str, str], expected: float | None) -> None:
    assert cache_lifetime(headers, NOW) == expected


@pytest.mark.parametrize(
    ("value", "expected"), [("15", 900.0), (" 60 ", 3600.0), ("0", None), ("x", None), (None, None)]
)
def test_rss_ttl_is_minutes(value: object, expected: float | None) -> None:
    assert ttl_seconds(value) == expected


def test_rate_from_the_dates_in_a_document() -> None:
    dates = [NOW - timedelta(minutes=10 * i) for i in range(7)]  # one item every 10 minutes
    assert rate_from_dates(dates) == pytest.approx(1 / 600)
    assert rate_from_dates([NOW, None]) is None
    assert rate_from_dates([NOW, NOW]) is None  # one distinct date says nothing
    assert rate_from_dates([NOW, NOW - timedelta(days=400)]) is None  # stale archive


def test_rate_follows_what_is_observed_and_forgets_slowly() -> None:
    assert update_rate(None, 6, 600) == pytest.approx(0.01)
    busy = 0.01
    quiet = busy
    for _ in range(60):  # an hour of 304s, polled every minute
        quiet = update_rate(quiet, 0, 60) or 0.0
    assert quiet == pytest.approx(busy / 2, rel=0.01)  # the half-life is an hour
    assert update_rate(busy, 3, 0) == busy


def test_interval_is_one_expected_item_per_poll_within_bounds() -> None:
    rng = random.Random(3)
    for rate, nominal in [(1 / 600, 600), (1 / 10, 60), (1 / 86_400, 3600), (0.0, 3600)]:
        interval = next_interval(LIMITS, rate, server_hint=None, hint_cap=3600, rng=rng)
        assert 60 <= interval <= 3600
        assert interval == pytest.approx(nominal, rel=0.051)
    assert 285 <= next_interval(LIMITS, None, server_hint=None, hint_cap=3600, rng=rng) <= 315


def test_server_hints_are_honoured_up_to_the_cap() -> None:
    rng = random.Random(4)
    busy = 1 / 10
    assert next_interval(LIMITS, busy, server_hint=900, hint_cap=3600, rng=rng) == 900
    assert next_interval(LIMITS, busy, server_hint=10 * 86400, hint_cap=7200, rng=rng) == 7200
    assert next_interval(LIMITS, busy, server_hint=5, hint_cap=3600, rng=rng) == pytest.approx(60, rel=0.06)


def test_a_feeds_own_bounds_override_the_global_ones() -> None:
    own = bounds(low=60, high=3600, initial=300, feed_low=600, feed_high=None)
    assert (own.low, own.high, own.initial) == (600, 3600, 600)
    odd = bounds(low=60, high=3600, initial=300, feed_low=900, feed_high=120)  # written backwards
    assert odd.low == odd.high == 900


def test_jitter_spreads_feeds_with_the_same_rate() -> None:
    rng = random.Random(5)
    values = {
        round(next_interval(LIMITS, 1 / 600, server_hint=None, hint_cap=3600, rng=rng), 2) for _ in range(50)
    }
    assert len(values) > 40


def test_first_polls_are_spread_evenly_and_future_ones_kept() -> None:
    now = 1_000_000.0
    starts = [first_due(f"https://feeds.example/{i}", now, None, 60.0) for i in range(10_000)]
    assert all(now <= s < now + 60 for s in starts)
    per_second = Counter(int(s - now) for s in starts)
    assert len(per_second) == 60 and max(per_second.values()) < 1.3 * 10_000 / 60
    assert first_due("u", now, now + 500, 60.0) == now + 500  # not due yet: unchanged
    assert now <= first_due("u", now, now - 5000, 60.0) < now + 60  # overdue: spread too
    assert phase("u") == phase("u") and 0 <= phase("u") < 1
