"""One wire.alerts reader per worker process fanning alerts out to bounded per-connection queues.

The hub's consumer has no group (it never takes partitions from a service), is assigned every
partition of wire.alerts, reads committed records only and starts at the end. Fan-out is
`put_nowait` into each subscriber's bounded queue: a subscriber that falls behind is closed
(its queue dropped, a sentinel left for it) and never slows the hub or the other subscribers.

Event ids are "<timestamp_ms>-<partition>-<offset>" and are ordered by that tuple, which lets a
client resume on any worker: `replay` seeks every partition with offsets_for_times and skips
events at or before the client's last id. The hub sorts each fetched batch by that order, so a
connection sees ids in increasing order within a batch.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from streams.delivery.aio import topic_partitions, viewer_consumer
from streams.delivery.filters import AlertFilter
from streams.errors import InputError
from streams.records import decode
from streams.settings import Settings
from streams.topics import ALERTS

log = logging.getLogger(__name__)

QUEUE_SIZE = 1000
_EVENT_ID = re.compile(r"^(\d{1,15})-(\d{1,6})-(\d{1,19})$")


class EventId(NamedTuple):
    """Position of one alert on wire.alerts; tuples order by (timestamp, partition, offset)."""

    timestamp_ms: int
    partition: int
    offset: int

    def __str__(self) -> str:
        return f"{self.timestamp_ms}-{self.partition}-{self.offset}"

    @classmethod
    def parse(cls, text: str) -> EventId:
        """Parse "<timestamp_ms>-<partition>-<offset>"; InputError for anything else."""
        found = _EVENT_ID.match(text.strip())
        if not found:
            raise InputError(f"not an event id (expected <timestamp_ms>-<partition>-<offset>): {text[:80]!r}")
        ts, part, off = (int(g) for g in found.groups())
        return cls(ts, part, off)


@dataclass(frozen=True)
class AlertEvent:
    """One decoded, validated alert and its id; `data` is the record's JSON, as produced."""

    id: EventId
    alert: dict[str, Any]
    data: bytes


def decode_record(record: Any) -> AlertEvent | None:
    """An AlertEvent from an aiokafka record, or None (logged) if it is not a valid alert."""
    try:
        alert = decode(record.value, "alert")
    except InputError as exc:
        log.warning(
            "skipping unreadable alert %s[%s]@%s: %s", record.topic, record.partition, record.offset, exc
        )
        return None
    return AlertEvent(EventId(record.timestamp, record.partition, record.offset), alert, bytes(record.value))


@dataclass(eq=False)
class Subscription:
    """A connection's view of the hub: a bounded queue; None in it means "closed, reason set"."""

    filter: AlertFilter
    queue: asyncio.Queue[AlertEvent | None]
    # Next offset per partition the hub had not yet dispatched when this subscription began:
    # records below it are the replay's job, records at or above it arrive through the queue.
    start: dict[int, int] = field(default_factory=dict)
    closed: str | None = None

    def offer(self, event: AlertEvent) -> None:
        """Enqueue without waiting; on overflow drop the backlog and close (the client resumes)."""
        if self.closed is not None or not self.filter.matches(event.alert):
            return
        try:
            self.queue.put_nowait(event)
        except asyncio.QueueFull:
            self.close("slow consumer: queue overflow")

    def close(self, reason: str) -> None:
        if self.closed is not None:
            return
        self.closed = reason
        while not self.queue.empty():
            self.queue.get_nowait()
        self.queue.put_nowait(None)


class AlertHub:
    """Reads wire.alerts from the end and dispatches each alert to every matching subscription."""

    def __init__(self, settings: Settings, queue_size: int = QUEUE_SIZE) -> None:
        self.settings = settings
        self.topic = ALERTS.full_name(settings)
        self.queue_size = queue_size
        self._subs: set[Subscription] = set()
        self._next: dict[int, int] = {}
        self._ready = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._consumer: Any = None

    # --- subscriptions (synchronous: no await between a snapshot and the dispatch it precedes) ---

    def subscribe(self, filter: AlertFilter) -> Subscription:
        sub = Subscription(filter, asyncio.Queue(self.queue_size), start=dict(self._next))
        self._subs.add(sub)
        return sub

    def unsubscribe(self, sub: Subscription) -> None:
        self._subs.discard(sub)

    @property
    def subscribers(self) -> int:
        return len(self._subs)

    def dispatch(self, events: list[AlertEvent]) -> None:
        for event in sorted(events, key=lambda e: e.id):
            self._next[event.id.partition] = max(self._next.get(event.id.partition, 0), event.id.offset + 1)
            for sub in list(self._subs):
                sub.offer(event)

    async def wait_ready(self, timeout: float) -> bool:
        try:
            await asyncio.wait_for(self._ready.wait(), timeout)
        except TimeoutError:
            return False
        return True

    # --- lifecycle -------------------------------------------------------------------------------

    async def start(self) -> None:
        from aiokafka import TopicPartition

        consumer = viewer_consumer(self.settings, "sse-hub")
        await consumer.start()
        try:
            parts = [TopicPartition(self.topic, p) for p in await topic_partitions(consumer, self.topic)]
        except BaseException:
            await consumer.stop()
            raise
        self._consumer = consumer
        consumer.assign(parts)
        await consumer.seek_to_end(*parts)
        for tp in parts:
            self._next[tp.partition] = await consumer.position(tp)
        self._ready.set()
        self._task = asyncio.create_task(self._run(), name="alert-hub")
        log.info("alert hub reading %s (%d partitions) from the end", self.topic, len(parts))

    async def _run(self) -> None:
        while True:
            try:
                batch = await self._consumer.getmany(timeout_ms=1000, max_records=500)
            except asyncio.CancelledError:
                raise
            except Exception:  # broken infrastructure: loud in the log, and keep trying
                log.exception("alert hub: fetching %s failed; retrying in 5 s", self.topic)
                await asyncio.sleep(5.0)
                continue
            events = [e for records in batch.values() for r in records if (e := decode_record(r))]
            for records in batch.values():
                for r in records:  # invalid records still advance the hub's positions
                    self._next[r.partition] = max(self._next.get(r.partition, 0), r.offset + 1)
            self.dispatch(events)

    async def stop(self) -> None:
        self._ready.clear()
        if self._task is not None:
            self._task.cancel()
            # The loop's own failure, if any, was logged where it happened.
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
            self._task = None
        # Open streams end now, so the web server's shutdown does not wait for them.
        for sub in list(self._subs):
            sub.close("server shutting down")
        self._subs.clear()
        if self._consumer is not None:
            await self._consumer.stop()
            self._consumer = None


async def replay(
    settings: Settings, after: EventId, until: dict[int, int], *, timeout: float = 60.0
) -> AsyncIterator[AlertEvent]:
    """Alerts after `after` (in id order) and below the offsets `until`, read by a short-lived consumer.

    Each partition is sought to the first record at or after `after.timestamp_ms`; within a
    partition records are yielded in offset order, skipping ids <= `after`.
    """
    from aiokafka import TopicPartition

    topic = ALERTS.full_name(settings)
    consumer = viewer_consumer(settings, "sse-replay")
    await consumer.start()
    try:
        parts = [TopicPartition(topic, p) for p, stop in sorted(until.items())]
        found = await consumer.offsets_for_times({tp: after.timestamp_ms for tp in parts})
        consumer.assign(parts)
        pending: dict[Any, int] = {}
        for tp in parts:
            hit = found.get(tp)
            if hit is not None and hit.offset < until[tp.partition]:
                consumer.seek(tp, hit.offset)
                pending[tp] = until[tp.partition]
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while pending and loop.time() < deadline:
            batch = await consumer.getmany(*pending, timeout_ms=500, max_records=500)
            events: list[AlertEvent] = []
            for tp, records in batch.items():
                stop = pending.get(tp)
                if stop is None:
                    continue
                for record in records:
                    if record.offset >= stop:
                        break
                    event = decode_record(record)
                    if event is not None and event.id > after:
                        events.append(event)
            for tp in list(pending):
                if await consumer.position(tp) >= pending[tp]:
                    del pending[tp]
            for event in sorted(events, key=lambda e: e.id):
                yield event
        if pending:
            log.warning("replay after %s stopped at its %.0f s limit", after, timeout)
    finally:
        await consumer.stop()
