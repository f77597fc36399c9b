"""The poll loop: fetch each due feed, keep the items not seen before, publish them with its state."""

from __future__ import annotations

import logging
import random
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from types import FrameType
from typing import TextIO

from streams.dedup.identity import content_hash, item_id
from streams.dedup.urls import canonical_url
from streams.errors import BrokerError, ConfigError, ValidationError
from streams.feeds.fetch import Fetcher, FetchResult
from streams.feeds.metrics import PollMetrics
from streams.feeds.parse import ParsedEntry, ParsedFeed, parse_feed
from streams.feeds.state import FeedState, backoff_delay
from streams.feeds.store import JsonLinesStore, KafkaStore, Store
from streams.records import FeedRef, RawItem, validate
from streams.records.models import utcnow
from streams.settings import FeedConfig, Settings

log = logging.getLogger(__name__)

# Longest sleep between checks for due feeds; a stop signal interrupts it at once anyway.
MAX_IDLE_S = 60.0


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
        return f"ok     {status:>3}  {label}: {self.new} new of {self.entries} entries"


class Poller:
    """Polls the configured feeds into a Store; one feed's failure never affects another's."""

    def __init__(
        self,
        settings: Settings,
        store: Store,
        fetcher: Fetcher,
        *,
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
        self.states: dict[str, FeedState] = store.load_states()

    def state(self, feed: FeedConfig) -> FeedState:
        return self.states.get(feed.url) or FeedState(url=feed.url)

    def poll_all(self, stop: threading.Event | None = None) -> list[FeedOutcome]:
        """Poll every feed once, due or not (`--once`), stopping early only if asked to."""
        outcomes = []
        for feed in self.settings.feeds:
            if stop is not None and stop.is_set():
                break
            outcomes.append(self.poll_feed(feed))
        return outcomes

    def run(self, stop: threading.Event) -> None:
        """Poll due feeds until `stop` is set; checked between feeds, never mid-transaction."""
        while not stop.is_set():
            now = self.clock()
            due = [f for f in self.settings.feeds if self.state(f).is_due(now)]
            # Most overdue first, so a long round cannot starve the feed that waited longest.
            due.sort(key=lambda f: self.state(f).next_due or now)
            for feed in due:
                if stop.is_set():
                    return
                self.poll_feed(feed)
            stop.wait(self._idle_seconds())

    def _idle_seconds(self) -> float:
        now = self.clock()
        waits = [
            (s.next_due - now).total_seconds()
            for s in map(self.state, self.settings.feeds)
            if s.next_due is not None
        ]
        return max(0.0, min([MAX_IDLE_S, *waits]))

    def poll_feed(self, feed: FeedConfig) -> FeedOutcome:
        """Fetch, parse and publish one feed. Raises only BrokerError (Kafka is unusable)."""
        started = time.perf_counter()
        outcome = self._poll_feed(feed)
        self.metrics.record(
            outcome.status, outcome.error, outcome.entries, outcome.new, time.perf_counter() - started
        )
        return outcome

    def _poll_feed(self, feed: FeedConfig) -> FeedOutcome:
        state = self.state(feed)
        now = self.clock()
        result: FetchResult | None = None
        try:
            result = self.fetcher.fetch(feed.url, etag=state.etag, last_modified=state.last_modified)
            if not result.ok:
                return self._fail(feed, state, now, result.status, str(result.error), result)
            if result.not_modified:
                new_state = self._succeed(state, now, result, seen=(), published=0)
                self._commit(feed, (), new_state)
                return FeedOutcome(feed, 304, 0, 0, None, new_state)
            parsed = parse_feed(
                result.body,
                base_url=result.final_url,
                content_type=result.content_type,
                content_language=result.content_language,
            )
            if not parsed.is_feed:
                what = parsed.error or f"no RSS/Atom content ({result.content_type})"
                return self._fail(feed, state, now, result.status, f"not a feed: {what}", result)
            if parsed.error:
                log.warning(
                    "feed %s is malformed, kept %d entries: %s",
                    feed.url,
                    len(parsed.entries),
                    parsed.error,
                )
            seen, fresh = self._new_items(feed, parsed, state, now)
            new_state = self._succeed(state, now, result, seen=seen, published=len(fresh))
            self._commit(feed, fresh, new_state)
            if fresh:
                log.info("feed %s: published %d new items", feed.url, len(fresh))
            status = result.status or 200
            return FeedOutcome(feed, status, len(parsed.entries), len(fresh), None, new_state)
        except BrokerError:
            raise  # broken infrastructure fails loudly; the caller stops the poller
        except Exception as exc:  # a bug or hostile feed must not stop the other feeds
            log.exception("feed %s: unexpected error", feed.url)
            failed_status = result.status if result is not None else None
            error = f"{type(exc).__name__}: {exc}"
            return self._fail(feed, state, now, failed_status, error, result)

    def _new_items(
        self, feed: FeedConfig, parsed: ParsedFeed, state: FeedState, now: datetime
    ) -> tuple[list[str], list[RawItem]]:
        """Ids in the document (to remember) and the items not published before (to send)."""
        published_before = set(state.recent_ids)
        seen: dict[str, None] = {}  # insertion-ordered set
        fresh: list[RawItem] = []
        for entry in parsed.entries:
            item = self._raw_item(feed, parsed, entry, now)
            if item.id in seen:  # the same article listed twice in one document
                continue
            if item.id not in published_before:
                try:
                    # Checked at the producing boundary: a record wire.raw's schema rejects
                    # is never sent, and it is left unremembered so a fix can publish it later.
                    validate("raw_item", item.to_json())
                except ValidationError as exc:
                    log.error("feed %s: item %s rejected: %s", feed.url, item.url or item.id, exc)
                    continue
                fresh.append(item)
            seen[item.id] = None
        # Feeds list newest first; publishing oldest first keeps wire.raw in publication order.
        fresh.reverse()
        return list(seen), fresh

    def _raw_item(self, feed: FeedConfig, parsed: ParsedFeed, entry: ParsedEntry, now: datetime) -> RawItem:
        title, summary = entry.title, entry.summary
        return RawItem(
            # Keyed by the configured URL, not the response URL: a feed that moves behind a
            # redirect keeps its items' ids.
            id=item_id(feed.url, entry.guid, entry.link, title, summary),
            feed=FeedRef(url=feed.url, name=feed.name or parsed.title, lang=feed.lang or parsed.lang),
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

    def _succeed(
        self,
        state: FeedState,
        now: datetime,
        result: FetchResult,
        *,
        seen: Sequence[str],
        published: int,
    ) -> FeedState:
        return state.succeeded(
            now=now,
            status=result.status or 200,
            etag=result.etag,
            last_modified=result.last_modified,
            seen_ids=seen,
            published=published,
            interval=self.settings.poll_interval,
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
            interval=self.settings.poll_interval,
            cap=self.settings.poll_backoff_max,
            retry_after=result.retry_after if result is not None else None,
            rng=self.rng,
        )
        new_state = state.failed(now=now, status=status, error=error, delay=delay)
        log.warning(
            "feed %s failed (%d in a row), retrying in %.0fs: %s",
            feed.url,
            new_state.error_streak,
            delay,
            error,
        )
        # The failure is recorded too, so a restarted poller keeps backing off.
        self._commit(feed, (), new_state)
        return FeedOutcome(feed, status, 0, 0, error, new_state)

    def _commit(self, feed: FeedConfig, items: Sequence[RawItem], state: FeedState) -> None:
        # Memory follows the store: if publishing raises, the old state (items unpublished)
        # stays, and the next poll tries the same items again.
        self.store.publish(items, state)
        self.states[feed.url] = state


def run_poller(settings: Settings, *, once: bool, output: TextIO | None = None) -> int:
    """`wirewatch poll`: poll forever (or each feed once with `once`); 0 unless Kafka fails.

    With `output`, raw items are written there as JSON Lines and no broker is needed. Feed
    failures are logged and retried with backoff, never fatal; BrokerError propagates.
    """
    if not settings.feeds:
        raise ConfigError("no feeds configured (set feeds in wirewatch.toml or WIREWATCH_FEEDS)")
    stop = threading.Event()
    with _stop_on_signals(stop):
        store: Store = JsonLinesStore(output) if output is not None else KafkaStore(settings)
        try:
            with Fetcher(settings) as fetcher:
                metrics = PollMetrics()
                if settings.poller_metrics_port and not once:
                    metrics.serve(settings.web_host, settings.poller_metrics_port)
                poller = Poller(settings, store, fetcher, metrics=metrics)
                if once:
                    outcomes = poller.poll_all(stop)
                    print("\n".join(o.summary_line() for o in outcomes), file=sys.stderr)
                else:
                    log.info("polling %d feeds every %.0fs", len(settings.feeds), settings.poll_interval)
                    poller.run(stop)
        finally:
            store.close()
    return 0


@contextmanager
def _stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """SIGINT/SIGTERM set `stop` (the loop ends between feeds); a second SIGINT interrupts."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers can only be installed from the main thread
        return

    def handle(signum: int, frame: FrameType | None) -> None:
        if stop.is_set() and signum == signal.SIGINT:
            raise KeyboardInterrupt
        log.info("received %s, stopping after the current feed", signal.Signals(signum).name)
        stop.set()

    previous = {sig: signal.signal(sig, handle) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _ts(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%SZ") if value is not None else "-"
