"""The scheduling loop against the feed farm: limits, politeness, moved feeds, feeds file reload."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from streams.settings import FeedConfig, Settings
from tests.feedfarm import FarmConfig, running_farm
from tests.feeds.driver import Driver, MemoryStore

MakeSettings = Callable[..., Settings]


def run_for(driver: Driver, seconds: float) -> None:
    async def run() -> None:
        stop = asyncio.Event()
        asyncio.get_running_loop().call_later(seconds, stop.set)
        await driver.poller.run(stop)

    driver.loop.run_until_complete(run())


@pytest.fixture
def drivers() -> Iterator[list[Driver]]:
    made: list[Driver] = []
    yield made
    for driver in made:
        driver.close()


def test_per_host_and_global_limits_hold_and_a_slow_host_blocks_no_other(
    make_settings: MakeSettings, drivers: list[Driver]
) -> None:
    # Even feeds are slow and on host 127.0.0.1; odd ones are normal, on 127.0.0.2.
    kinds = {i: "slow" for i in range(0, 24, 2)}
    with running_farm(FarmConfig(feeds=24, kinds=kinds, hosts=2, slow_delay=0.5)) as farm:
        feeds = tuple(FeedConfig(url=farm.url(i)) for i in range(24))
        settings = make_settings(feeds=feeds, poll_per_host=3, poll_concurrency=5)
        driver = Driver(settings, MemoryStore())
        drivers.append(driver)
        finished: dict[int, float] = {}

        async def poll(i: int) -> None:
            outcome = await driver.poller.poll_limited(feeds[i])
            assert outcome is not None and outcome.error is None and outcome.new == 10
            finished[i] = time.monotonic()

        async def poll_all() -> None:
            await asyncio.gather(*(poll(i) for i in range(24)))

        started = time.monotonic()
        driver.loop.run_until_complete(poll_all())
        slow_host, fast_host = (f"127.0.0.{h}:{farm.ports[0]}" for h in (1, 2))
        assert farm.peak[slow_host] == 3 and farm.peak[fast_host] <= 2  # the global limit leaves 2
    slow = [finished[i] - started for i in range(0, 24, 2)]
    fast = [finished[i] - started for i in range(1, 24, 2)]
    assert max(slow) >= 4 * 0.5  # 12 slow feeds, 3 at a time
    assert max(fast) < 1.0  # ... while the other host's feeds were done long before


def test_run_polls_due_feeds_and_honours_retry_after_and_cache_control(
    make_settings: MakeSettings, drivers: list[Driver]
) -> None:
    kinds = {0: "e429", 1: "cached", 2: "normal", 3: "normal"}
    with running_farm(FarmConfig(feeds=4, kinds=kinds, retry_after=120, max_age=900)) as farm:
        feeds = tuple(FeedConfig(url=farm.url(i)) for i in range(4))
        settings = make_settings(
            feeds=feeds, poll_interval=1, poll_interval_min=1, poll_interval_max=1, poll_backoff_max=600
        )
        driver = Driver(settings, MemoryStore())
        drivers.append(driver)
        run_for(driver, 3.6)
        requests = dict(farm.requests)
    assert requests[0] == 1  # 429 + Retry-After: 120 -> not again within seconds
    assert requests[1] == 1  # max-age=900: fresh for 15 minutes
    assert 3 <= requests[2] <= 5 and 3 <= requests[3] <= 5  # every ~second
    state = driver.state(feeds[1])
    assert state.interval == 600  # the hint, capped by poll_backoff_max


def test_moved_feed_is_fetched_at_its_new_address(make_settings: MakeSettings, drivers: list[Driver]) -> None:
    with running_farm(FarmConfig(feeds=2, kinds={0: "moved301", 1: "temp302"})) as farm:
        moved, temporary = FeedConfig(url=farm.url(0)), FeedConfig(url=farm.url(1))
        driver = Driver(make_settings(feeds=(moved, temporary)), MemoryStore())
        drivers.append(driver)
        driver.poll_all()
        driver.poll_all()
        assert driver.state(moved).moved_to == farm.url(0).replace("/feed/", "/moved/")
        assert driver.state(temporary).moved_to is None
        # feed 0: redirect + new URL, then the new URL only; feed 1: redirect + target, twice.
        assert (farm.requests[0], farm.requests[1]) == (3, 4)
        assert driver.state(moved).last_status == 304 and driver.state(moved).items_published == 10


def test_interval_follows_the_publishing_rate(make_settings: MakeSettings, drivers: list[Driver]) -> None:
    with running_farm(FarmConfig(feeds=2, period=600)) as farm:
        feed = FeedConfig(url=farm.url(0))
        bounded = FeedConfig(url=farm.url(1), min_interval=60, max_interval=300)
        driver = Driver(make_settings(feeds=(feed, bounded), poll_interval_max=3600), MemoryStore())
        drivers.append(driver)
        driver.poll_all()
    assert driver.state(feed).interval == pytest.approx(600, rel=0.06)  # an item every 10 minutes
    assert driver.state(bounded).interval == 300  # the feed's own maximum


def test_feeds_file_changes_are_picked_up_while_running(
    make_settings: MakeSettings, drivers: list[Driver], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("streams.feeds.poller.FEEDS_FILE_CHECK_S", 0.2)
    with running_farm(FarmConfig(feeds=3)) as farm:
        path = tmp_path / "feeds.txt"
        path.write_text(f"{farm.url(0)}\n")
        settings = make_settings(feeds_file=path, poll_interval_min=60)
        driver = Driver(settings, MemoryStore())
        drivers.append(driver)

        async def edit_later() -> None:
            await asyncio.sleep(0.5)
            path.write_text(f"{farm.url(1)}\n{farm.url(2)} Two\n")

        async def run() -> None:
            stop = asyncio.Event()
            asyncio.get_running_loop().call_later(3.0, stop.set)
            await asyncio.gather(driver.poller.run(stop), edit_later())

        driver.loop.run_until_complete(run())
        assert dict(farm.requests) == {0: 1, 1: 1, 2: 1}
        assert [f.url for f in driver.poller.feeds] == [farm.url(1), farm.url(2)]


def test_a_late_poll_keeps_its_phase_an_early_or_failed_one_does_not(
    make_settings: MakeSettings, drivers: list[Driver]
) -> None:
    now = [datetime(2020, 2, 21, 16, 0, tzinfo=UTC)]
    with running_farm(FarmConfig(feeds=1)) as farm:
        feed = FeedConfig(url=farm.url(0))
        settings = make_settings(feeds=(feed,), poll_interval=60, poll_interval_min=60, poll_interval_max=60)
        driver = Driver(settings, MemoryStore(), clock=lambda: now[0])
        drivers.append(driver)
        first = driver.poll_feed(feed).state.next_due
        assert first == now[0] + timedelta(seconds=60)
        now[0] = first + timedelta(seconds=7)  # the poller was busy: 7 s late
        assert driver.poll_feed(feed).state.next_due == first + timedelta(seconds=60)
        now[0] += timedelta(seconds=1)  # polled before it was due (--once): from now
        assert driver.poll_feed(feed).state.next_due == now[0] + timedelta(seconds=60)
