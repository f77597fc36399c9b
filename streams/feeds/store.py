"""Where the poller's output goes: Kafka (items + state in one transaction) or JSON Lines.

Kafka is the real store. A feed's new items (to wire.raw) and its new state (to the compacted
wire.feed-state) are written in ONE transaction, so they become visible together or not at
all: a poller that dies mid-poll leaves no committed item behind and a state that still says
"not published", and its successor (same transactional id) aborts the leftovers and
publishes those items exactly once. Consumers must read with isolation_level=read_committed.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from typing import Protocol, TextIO

from kafka import KafkaProducer
from kafka.errors import KafkaError, ProducerFencedError
from kafka.structs import TopicPartition

from streams.errors import BrokerError, DecodeError
from streams.feeds.state import FeedState
from streams.kafka.admin import ensure_topics
from streams.kafka.clients import bounded as _bounded
from streams.kafka.clients import make_consumer, make_producer
from streams.records import RawItem, dumps
from streams.settings import Settings
from streams.topics import FEED_STATE, RAW

log = logging.getLogger(__name__)

# How long sends may take to be acknowledged before a transaction is given up and retried
# with a new producer. Short: after a broker restart kafka-python's transaction manager can
# stop looking for the coordinator, and records would wait out the 120 s delivery timeout.
FLUSH_TIMEOUT_S = 15.0
# How long one batch is retried (each time with a new producer) before the poller gives up.
OUTAGE_TIMEOUT_S = 300.0
RETRY_PAUSE_S = 2.0
# Bound on commit/abort, which kafka-python waits for without any timeout of its own: with
# the broker gone they would block forever instead of failing loudly.
END_TXN_TIMEOUT_S = 60.0
ABORT_TIMEOUT_S = 5.0
LOAD_TIMEOUT_S = 60.0


# One feed's poll as the store sees it: its new items and its new state.
Batch = Sequence[tuple[Sequence[RawItem], FeedState]]


class Store(Protocol):
    """The poller's only view of its output: prior states in, (items, state) pairs out.

    publish() takes the polls of several feeds at once: Kafka commits them in one
    transaction, which is how one poller keeps up with thousands of feeds a minute.
    """

    def load_states(self) -> dict[str, FeedState]: ...

    def publish(self, batch: Batch) -> None: ...

    def close(self) -> None: ...


def transactional_id(settings: Settings) -> str:
    """One id per poller per deployment: a restarted poller fences its predecessor's producer
    and aborts its open transaction; the topic prefix keeps deployments sharing a cluster apart."""
    return f"{settings.app_id}-{settings.topic_prefix}poller-{settings.poller_id}"


class KafkaStore:
    """Transactional producer for wire.raw and wire.feed-state (acks=all, idempotent)."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._raw_topic = RAW.full_name(settings)
        self._state_topic = FEED_STATE.full_name(settings)
        ensure_topics(settings, (RAW, FEED_STATE))
        try:
            self._producer: KafkaProducer = self._new_producer()
        except KafkaError as exc:
            raise BrokerError(f"cannot start the transactional producer: {exc!r}") from exc

    def _new_producer(self) -> KafkaProducer:
        settings = self._settings
        producer = make_producer(
            settings,
            transactional_id=transactional_id(settings),
            client_id=f"{settings.app_id}-poller-{settings.poller_id}",
        )
        # Fences any earlier producer with this id and aborts its open transaction, so the
        # state read next is final (read_committed stops at the first open transaction).
        _bounded(producer.init_transactions, "init_transactions", END_TXN_TIMEOUT_S)
        return producer

    def load_states(self) -> dict[str, FeedState]:
        return load_states(self._settings)

    def publish(self, batch: Batch) -> None:
        """Commit every feed's items and new state atomically; BrokerError if Kafka stays
        unusable for OUTAGE_TIMEOUT_S. A failed transaction is retried whole with a new
        producer, whose start aborts what the old one left open: a broker restart costs a
        pause, never a duplicate or a poller that stops."""
        deadline = time.monotonic() + OUTAGE_TIMEOUT_S
        while True:
            try:
                self._publish_once(batch)
                return
            except BrokerError as exc:
                if _fenced(exc) or time.monotonic() > deadline:
                    raise  # fenced: another poller with this id took over, it must not be fenced back
                log.warning("%s; retrying with a new producer in %.0f s", exc, RETRY_PAUSE_S)
            time.sleep(RETRY_PAUSE_S)
            old = self._producer
            try:
                old.close(timeout=0)
            except Exception as exc:  # its unsent records are in the batch we retry
                log.debug("closing the failed producer: %r", exc)
            try:
                self._producer = self._new_producer()
            except KafkaError as exc:
                log.warning("new producer not ready yet: %r", exc)

    def _publish_once(self, batch: Batch) -> None:
        producer = self._producer
        try:
            producer.begin_transaction()
            futures = []
            for items, state in batch:
                for item in items:
                    futures.append(producer.send(self._raw_topic, key=item.id, value=dumps(item.to_json())))
                futures.append(producer.send(self._state_topic, key=state.url, value=state.encode()))
            producer.flush(timeout=FLUSH_TIMEOUT_S)
            for future in futures:
                future.get(timeout=0)  # re-raises a record the broker rejected
            _bounded(producer.commit_transaction, "commit_transaction", END_TXN_TIMEOUT_S)
        except KafkaError as exc:
            self._abort()
            raise BrokerError(f"publishing {len(batch)} feed polls to Kafka failed: {exc!r}") from exc

    def _abort(self) -> None:
        try:
            # Short: when the broker is unreachable the retry's new producer aborts it anyway.
            _bounded(self._producer.abort_transaction, "abort_transaction", ABORT_TIMEOUT_S)
        except KafkaError as exc:  # fenced, fatal or unreachable: nothing was committed anyway
            log.error("abort_transaction failed: %r", exc)

    def close(self) -> None:
        try:
            self._producer.close(timeout=10)
        except KafkaError as exc:  # unsent records after a failure: already reported
            log.warning("closing the producer: %r", exc)


def _fenced(exc: BaseException) -> bool:
    """True if a producer with the same transactional id has fenced this one."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ProducerFencedError) or "ProducerFenced" in repr(seen):
            return True
        seen = seen.__cause__
    return False


def load_states(settings: Settings, timeout: float = LOAD_TIMEOUT_S) -> dict[str, FeedState]:
    """Read the compacted state topic from the beginning to its end: latest state per feed."""
    topic = FEED_STATE.full_name(settings)
    consumer = make_consumer(
        settings,
        group_id=None,  # assign + seek: no group, no committed offsets, no rebalance
        isolation_level="read_committed",
        client_id=f"{settings.app_id}-poller-{settings.poller_id}-state",
    )
    deadline = time.monotonic() + timeout
    try:
        partitions = consumer.partitions_for_topic(topic)
        while not partitions:  # metadata for a just-created topic can lag a moment
            if time.monotonic() > deadline:
                raise BrokerError(f"topic {topic} has no partitions visible")
            time.sleep(0.2)
            partitions = consumer.partitions_for_topic(topic)
        tps = [TopicPartition(topic, p) for p in sorted(partitions)]
        consumer.assign(tps)
        consumer.seek_to_beginning(*tps)
        # Under read_committed these are last stable offsets: the end of committed data.
        end = consumer.end_offsets(tps)
        states: dict[str, FeedState] = {}
        while any(consumer.position(tp) < end[tp] for tp in tps):
            if time.monotonic() > deadline:
                raise BrokerError(f"reading {topic} to its end took over {timeout:.0f}s")
            for records in consumer.poll(timeout_ms=500).values():
                for record in records:
                    _apply(states, record.key, record.value)
        log.info("loaded state of %d feeds from %s", len(states), topic)
        return states
    except KafkaError as exc:
        raise BrokerError(f"cannot read feed state from {topic}: {exc!r}") from exc
    finally:
        consumer.close()


def _apply(states: dict[str, FeedState], key: bytes | None, value: bytes | None) -> None:
    if key is None:
        return
    url = key.decode("utf-8", "replace")
    if value is None:  # a tombstone: the feed's state was deleted on purpose
        states.pop(url, None)
        return
    try:
        states[url] = FeedState.decode(value)
    except DecodeError as exc:
        # Keep the last good state for this feed; a bad record must not wipe its memory.
        log.warning("ignoring unreadable state for %s: %s", url, exc)


class JsonLinesStore:
    """`--output`: raw items as JSON Lines, state kept in memory for this run only."""

    def __init__(self, output: TextIO) -> None:
        self._output = output

    def load_states(self) -> dict[str, FeedState]:
        return {}

    def publish(self, batch: Batch) -> None:
        for items, _state in batch:
            for item in items:
                self._output.write(dumps(item.to_json()).decode("utf-8") + "\n")
        self._output.flush()

    def close(self) -> None:
        self._output.flush()
