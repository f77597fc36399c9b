"""The poll loop: due feeds fetched concurrently within limits, new items published with state.

One asyncio loop drives every fetch (httpx.AsyncClient): a global and a per-host limit on
fetches in flight, each feed rescheduled by streams.feeds.schedule after its poll, first
polls spread over a window. Parsing runs in a small thread pool so that a big document never
stalls the loop, and Kafka publishing (kafka-python, blocking) runs in one thread that
commits many feeds' polls per transaction (streams.feeds.batching).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import heapq
import logging
import random
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TextIO
from urllib.parse import urlsplit

from streams.errors import ConfigError
from streams.feeds.assign import assigned
from streams.feeds.batching import BatchPublisher
from streams.feeds.feedlist import configured_feeds
from streams.feeds.fetch import Fetcher, FetchResult
from streams.feeds.lifecycle import close_loop, stop_on_signals, task_stack, timed
from streams.feeds.metrics import PollMetrics
from streams.feeds.newitems import NewItems, select_new
from streams.feeds.parse import ParsedFeed, parse_feed
from streams.feeds.schedule import (
    Bounds,
    bounds,
    first_due,
    next_interval,
    rate_from_dates,
    update_rate,
)
from streams.feeds.state import FeedState, backoff_delay
from streams.feeds.store import JsonLinesStore, KafkaStore, Store
from streams.records import RawItem
from streams.records.models import utcnow
from streams.settings import FeedConfig, Settings

log = logging.getLogger(__name__)

# Longest sleep of the scheduler between looks at the queue of due feeds.
MAX_IDLE_S = 1.0
# How often a changed feeds file is picked up by a running poller.
FEEDS_FILE_CHECK_S = 10.0
# How long a stopping poller waits for its polls to wind down.
SHUTDOWN_WAIT_S = 10.0
PARSE_THREADS = 2
# Feeds with no due time yet (or overdue after a restart) are spread by their phase over
# their minimum interval, or over a proportional part of it when there are fewer than this
# many: 10,000 feeds become an even stream of first polls, two feeds start at once.
START_SPREAD_FEEDS = 100


@dataclass(frozen=True)
class FeedOutcome:
    """One feed's poll, for the `--once` summary and for tests."""

    feed: FeedConfig
    status: int | None
    entries: int
    new: int
    error: str | None
    state: FeedState

    def summary_line(self) -> str:
        label = self.feed.name or self.feed.url
        status = str(self.status) if self.status is not None else "-"
        if self.error is not None:
            return f"FAILED {status:>3}  {label}: {self.error} (retry {_ts(self.state.next_due)})"
        if self.status == 304:
            return f"ok     304  {label}: not modified"
        line = f"ok     {status:>3}  {label}: {self.new} new of {self.entries} entries"
        return line + (
            f" (anomaly: {self.state.anomaly})" if self.state.last_new and self.state.anomaly else ""
        )


class Poller:
    """Polls feeds into a Store; one feed's failure (or hostility) never affects another's."""

    def __init__(
        self,
        settings: Settings,
        store: Store,
        fetcher: Fetcher,
        *,
        feeds: Sequence[FeedConfig] | None = None,
        clock: Callable[[], datetime] = utcnow,
        rng: random.Random | None = None,
        metrics: PollMetrics | None = None,
    ) -> None:
        self.settings = settings
        self.metrics = metrics or PollMetrics()
        self.store = store
        self.fetcher = fetcher
        self.clock = clock
        self.rng = rng or random.Random()
        self.feeds: list[FeedConfig] = list(feeds if feeds is not None else self._assigned_feeds())
        self.states: dict[str, FeedState] = store.load_states()
        self._publisher = BatchPublisher(store)
        self._global = asyncio.Semaphore(settings.poll_concurrency)
        self._hosts: defaultdict[str, asyncio.Semaphore] = defaultdict(
            lambda: asyncio.Semaphore(settings.poll_per_host)
        )
        self._parse_pool = ThreadPoolExecutor(PARSE_THREADS, thread_name_prefix="parse")

    def _assigned_feeds(self) -> Sequence[FeedConfig]:
        s = self.settings
        return assigned(configured_feeds(s), s.poller_index, s.poller_count)

    def state(self, feed: FeedConfig) -> FeedState:
        return self.states.get(feed.url) or FeedState(url=feed.url)

    def limits(self, feed: FeedConfig) -> Bounds:
        s = self.settings
        return bounds(
            low=s.poll_interval_min,
            high=s.poll_interval_max,
            initial=s.poll_interval,
            feed_low=feed.min_interval,
            feed_high=feed.max_interval,
        )

    async def close(self) -> None:
        await self._publisher.close()
        self._parse_pool.shutdown(wait=False, cancel_futures=True)

    async def poll_all(self, stop: asyncio.Event | None = None) -> list[FeedOutcome]:
        """Poll every feed once, due or not (`--once`), concurrently within the limits."""
        tasks = [asyncio.create_task(self.poll_limited(feed, stop)) for feed in self.feeds]
        try:
            results = await asyncio.gather(*tasks)
        except BaseException:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            raise
        return [r for r in results if r is not None]

    async def run(self, stop: asyncio.Event) -> None:
        """Poll feeds as they fall due until `stop` is set; BrokerError if Kafka fails."""
        now = time.time()
        due: list[tuple[float, int, str]] = []
        counter = 0
        by_url = {feed.url: feed for feed in self.feeds}
        share = min(1.0, len(self.feeds) / START_SPREAD_FEEDS)
        for feed in self.feeds:
            state = self.state(feed)
            at = first_due(feed.url, now, _stamp(state.next_due), share * self.limits(feed).low)
            heapq.heappush(due, (at, counter := counter + 1, feed.url))
        running: set[asyncio.Task[FeedOutcome | None]] = set()
        fatal: list[BaseException] = []
        file_stamp, next_file_check = self._feeds_file_stamp(), time.monotonic() + FEEDS_FILE_CHECK_S

        def finished(task: asyncio.Task[FeedOutcome | None], *, url: str) -> None:
            nonlocal counter
            running.discard(task)
            if task.cancelled():
                return
            error = task.exception()
            if error is not None:
                fatal.append(error)
                stop.set()
                return
            if url in by_url:
                state = self.state(by_url[url])
                at = _stamp(state.next_due) or time.time() + self.limits(by_url[url]).initial
                heapq.heappush(due, (at, counter := counter + 1, url))

        try:
            while not stop.is_set():
                now = time.time()
                while due and due[0][0] <= now:
                    _, _, url = heapq.heappop(due)
                    listed = by_url.get(url)
                    if listed is None:  # removed from the feeds file meanwhile
                        continue
                    task = asyncio.create_task(self.poll_limited(listed, stop))
                    running.add(task)
                    task.add_done_callback(functools.partial(finished, url=url))
                if time.monotonic() > next_file_check:
                    next_file_check = time.monotonic() + FEEDS_FILE_CHECK_S
                    stamp = self._feeds_file_stamp()
                    if stamp != file_stamp:
                        file_stamp = stamp
                        added = self._reload_feeds(by_url)
                        share = min(1.0, len(added) / START_SPREAD_FEEDS)
                        for feed in added:
                            at = first_due(feed.url, now, None, share * self.limits(feed).low)
                            heapq.heappush(due, (at, counter := counter + 1, feed.url))
                wait = min(MAX_IDLE_S, max(0.0, due[0][0] - time.time()) if due else MAX_IDLE_S)
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(wait):
                        await stop.wait()
        finally:
            log.info("stopping: %d polls in progress", len(running))
            for task in list(running):
                task.cancel()
            if running:
                _, stuck = await asyncio.wait(list(running), timeout=SHUTDOWN_WAIT_S)
                for task in stuck:
                    log.error("poll did not stop: %s", task_stack(task))
        if fatal:
            raise fatal[0]

    def _feeds_file_stamp(self) -> tuple[float, int] | None:
        path = self.settings.feeds_file
        try:
            info = path.stat() if path is not None else None
        except OSError:
            return None
        return (info.st_mtime, info.st_size) if info is not None else None

    def _reload_feeds(self, by_url: dict[str, FeedConfig]) -> list[FeedConfig]:
        """Re-read the feeds file; returns the feeds that are new (to schedule)."""
        try:
            current = list(self._assigned_feeds())
        except ConfigError as exc:
            log.error("feeds file not reloaded, keeping %d feeds: %s", len(by_url), exc)
            return []
        added = [feed for feed in current if feed.url not in by_url]
        removed = set(by_url) - {feed.url for feed in current}
        by_url.clear()
        by_url.update((feed.url, feed) for feed in current)
        self.feeds = current
        log.info(
            "feeds file reloaded: %d feeds, %d added, %d removed", len(current), len(added), len(removed)
        )
        return added

    async def poll_limited(self, feed: FeedConfig, stop: asyncio.Event | None = None) -> FeedOutcome | None:
        """poll_feed() with the fetch and parse inside a slot on the feed's host and a global one."""
        if stop is not None and stop.is_set():
            return None
        return await self.poll_feed(feed, limited=True)

    async def poll_feed(self, feed: FeedConfig, *, limited: bool = False) -> FeedOutcome:
        """Fetch, parse and publish one feed. Raises only BrokerError (Kafka is unusable)."""
        started = time.perf_counter()
        state = self.state(feed)
        now = self.clock()
        async with contextlib.AsyncExitStack() as slots:
            if limited:
                # Host slot first, then a global one: feeds queued behind a slow host do not
                # hold global slots that feeds on other hosts could use.
                await slots.enter_async_context(self._hosts[_host(state.fetch_url)])
                await slots.enter_async_context(self._global)
            outcome, items = await self._plan(feed, state, now)
        # The slots are free before the commit: waiting for a Kafka transaction is not a
        # fetch, and holding a slot through it would cut the poller's throughput.
        await self._commit(feed, items, outcome.state)
        self.metrics.record(
            outcome.status, outcome.error, outcome.entries, outcome.new, time.perf_counter() - started
        )
        return outcome

    async def _plan(
        self, feed: FeedConfig, state: FeedState, now: datetime
    ) -> tuple[FeedOutcome, Sequence[RawItem]]:
        """Fetch and parse: the outcome, with the feed's next state, and the items to publish."""
        result: FetchResult | None = None
        try:
            result = await self.fetcher.fetch(
                state.fetch_url, etag=state.etag, last_modified=state.last_modified
            )
            if result.moved_to:
                log.info("feed %s moved permanently to %s", feed.url, result.moved_to)
            if not result.ok:
                return self._fail(feed, state, now, result.status, str(result.error), result), ()
            if result.not_modified:
                new_state = self._succeed(feed, state, now, result, None, NewItems())
                return FeedOutcome(feed, 304, 0, 0, None, new_state), ()
            loop = asyncio.get_running_loop()
            parsed, new = await loop.run_in_executor(
                self._parse_pool, self._process, feed, state, result, now
            )
            if not parsed.is_feed:
                what = parsed.error or f"no RSS/Atom content ({result.content_type})"
                return self._fail(feed, state, now, result.status, f"not a feed: {what}", result), ()
            if parsed.error:
                log.warning(
                    "feed %s is malformed, kept %d entries: %s", feed.url, len(parsed.entries), parsed.error
                )
            if new.anomaly:
                self.metrics.anomalies.inc()
                log.warning("feed %s: identity anomaly: %s", feed.url, new.anomaly)
            new_state = self._succeed(feed, state, now, result, parsed, new)
            if new.fresh:
                log.info("feed %s: %d new items", feed.url, len(new.fresh))
            status = result.status or 200
            return FeedOutcome(feed, status, len(parsed.entries), len(new.fresh), None, new_state), new.fresh
        except Exception as exc:  # a bug or hostile feed must not stop the other feeds
            log.exception("feed %s: unexpected error", feed.url)
            failed_status = result.status if result is not None else None
            error = f"{type(exc).__name__}: {exc}"
            return self._fail(feed, state, now, failed_status, error, result), ()

    def _process(
        self, feed: FeedConfig, state: FeedState, result: FetchResult, now: datetime
    ) -> tuple[ParsedFeed, NewItems]:
        """The CPU part of a poll (parse, identify new items), run in the parse pool."""
        parsed = parse_feed(
            result.body,
            base_url=result.final_url,
            content_type=result.content_type,
            content_language=result.content_language,
        )
        if not parsed.is_feed:
            return parsed, NewItems()
        return parsed, select_new(feed, parsed, state, now, max_new=self.settings.poll_max_new_items)

    def _succeed(
        self,
        feed: FeedConfig,
        state: FeedState,
        now: datetime,
        result: FetchResult,
        parsed: ParsedFeed | None,
        new: NewItems,
    ) -> FeedState:
        limits = self.limits(feed)
        if state.last_success is None:
            rate = rate_from_dates(e.published for e in parsed.entries) if parsed is not None else None
        else:
            elapsed = (now - state.last_success).total_seconds()
            rate = update_rate(state.item_rate, len(new.fresh), elapsed)
        hints = [h for h in (result.fresh_for, parsed.ttl if parsed is not None else None) if h]
        interval = next_interval(
            limits,
            rate,
            server_hint=max(hints) if hints else None,
            hint_cap=self.settings.poll_backoff_max,
            rng=self.rng,
        )
        # Fixed-rate: a poll that started late (the poller was busy) keeps its phase, so the
        # even spread of due times survives a busy minute instead of clumping where it ended.
        due, period = state.next_due, timedelta(seconds=interval)
        anchored = None
        if due is not None and state.error_streak == 0 and due <= now < due + period:
            anchored = due + period
        return state.succeeded(
            now=now,
            next_due=anchored,
            status=result.status or 200,
            etag=result.etag,
            last_modified=result.last_modified,
            seen_ids=new.seen_ids,
            seen_keys=new.seen_keys,
            published=len(new.fresh),
            entries=len(parsed.entries) if parsed is not None else 0,
            interval=interval,
            item_rate=rate,
            moved_to=result.moved_to,
            anomaly=new.anomaly,
        )

    def _fail(
        self,
        feed: FeedConfig,
        state: FeedState,
        now: datetime,
        status: int | None,
        error: str,
        result: FetchResult | None,
    ) -> FeedOutcome:
        delay = backoff_delay(
            state.error_streak + 1,
            interval=state.interval or self.limits(feed).initial,
            cap=self.settings.poll_backoff_max,
            retry_after=result.retry_after if result is not None else None,
            rng=self.rng,
        )
        moved = result.moved_to if result is not None else None
        new_state = state.failed(now=now, status=status, error=error, delay=delay, moved_to=moved)
        log.warning(
            "feed %s failed (%d in a row), retrying in %.0fs: %s",
            feed.url,
            new_state.error_streak,
            delay,
            error,
        )
        # The failure is committed too, so a restarted poller keeps backing off.
        return FeedOutcome(feed, status, 0, 0, error, new_state)

    async def _commit(self, feed: FeedConfig, items: Sequence[RawItem], state: FeedState) -> None:
        # Memory follows the store: if publishing raises, the old state (items unpublished)
        # stays, and the next poll tries the same items again.
        await self._publisher.publish(items, state)
        self.states[feed.url] = state


def run_poller(settings: Settings, *, once: bool, output: TextIO | None = None) -> int:
    """`wirewatch poll`: poll forever (or each feed once with `once`); 0 unless Kafka fails.

    With `output`, raw items are written there as JSON Lines and no broker is needed. Feed
    failures are logged and retried with backoff, never fatal; BrokerError propagates.
    """
    feeds = configured_feeds(settings)
    if not feeds:
        raise ConfigError("no feeds configured (set feeds or feeds_file in wirewatch.toml or WIREWATCH_*)")
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(_run(settings, once=once, output=output))
    finally:
        close_loop(loop)


async def _run(settings: Settings, *, once: bool, output: TextIO | None) -> int:
    # httpx logs every request at INFO: ten thousand lines a minute of noise (and CPU).
    logging.getLogger("httpx").setLevel(max(logging.WARNING, logging.getLogger().level))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    installed = stop_on_signals(loop, stop)
    store: Store = (
        JsonLinesStore(output) if output is not None else await asyncio.to_thread(KafkaStore, settings)
    )
    fetcher = Fetcher(settings)
    poller: Poller | None = None
    try:
        metrics = PollMetrics()
        if settings.poller_metrics_port and not once:
            metrics.serve(settings.web_host, settings.poller_metrics_port)
        poller = await asyncio.to_thread(Poller, settings, store, fetcher, metrics=metrics)
        if once:
            outcomes = await poller.poll_all(stop)
            print("\n".join(o.summary_line() for o in outcomes), file=sys.stderr)
        else:
            log.info(
                "polling %d feeds (instance %d of %d), intervals %.0f-%.0fs",
                len(poller.feeds),
                settings.poller_index,
                settings.poller_count,
                settings.poll_interval_min,
                settings.poll_interval_max,
            )
            await poller.run(stop)
    finally:
        # Each step is bounded and timed, so a stop always ends and the log says what it waited for.
        if poller is not None:
            with timed("publisher and parse pool"):
                await poller.close()
        with timed("HTTP connections"):
            await fetcher.aclose()
        with timed("Kafka producer"):
            await asyncio.to_thread(store.close)
        for sig in installed:
            loop.remove_signal_handler(sig)
    return 0


def _host(url: str) -> str:
    try:
        return urlsplit(url).netloc.lower()
    except ValueError:
        return ""


def _stamp(value: datetime | None) -> float | None:
    return value.timestamp() if value is not None else None


def _ts(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%SZ") if value is not None else "-"
