"""Drive the async poller step by step from synchronous tests, with an in-memory Store."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime
from typing import Any

from streams.errors import BrokerError
from streams.feeds.fetch import Fetcher
from streams.feeds.poller import FeedOutcome, Poller
from streams.feeds.state import FeedState
from streams.feeds.store import Batch
from streams.records import RawItem
from streams.settings import FeedConfig, Settings


class MemoryStore:
    """Keeps what the poller publishes; `fail` simulates the broker going away."""

    def __init__(self, states: dict[str, FeedState] | None = None) -> None:
        self.states = dict(states or {})
        self.published: list[RawItem] = []
        self.batches = 0
        self.fail = False

    def load_states(self) -> dict[str, FeedState]:
        return dict(self.states)

    def publish(self, batch: Batch) -> None:
        if self.fail:
            raise BrokerError("broker unreachable")
        self.batches += 1
        for items, state in batch:
            self.published.extend(items)
            self.states[state.url] = state

    def close(self) -> None:
        pass


class Driver:
    """One event loop per test: the poller, its fetcher and its publisher all live in it."""

    def __init__(
        self,
        settings: Settings,
        store: MemoryStore,
        *,
        clock: Callable[[], datetime] | None = None,
        **kw: Any,
    ) -> None:
        self.loop = asyncio.new_event_loop()
        self.fetcher = Fetcher(settings)
        if clock is not None:
            kw["clock"] = clock
        self.poller = Poller(settings, store, self.fetcher, **kw)

    def poll_feed(self, feed: FeedConfig) -> FeedOutcome:
        return self.loop.run_until_complete(self.poller.poll_feed(feed))

    def poll_all(self) -> list[FeedOutcome]:
        return self.loop.run_until_complete(self.poller.poll_all())

    def state(self, feed: FeedConfig) -> FeedState:
        return self.poller.state(feed)

    def close(self) -> None:
        self.loop.run_until_complete(self.poller.close())
        self.loop.run_until_complete(self.fetcher.aclose())
        self.loop.close()
