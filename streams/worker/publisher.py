"""The exactly-once boundary: wire.outbox -> wire.items, wire.alerts and derived topics, each record once.

Why. The Faust stages are at-least-once: after a crash a stage replays the input it had not
committed and sends its outputs again (streams/dedup/exact.py and desk.py make a replay repeat
the same decision, so the repeat is the *same* record). Faust's own `exactly_once` mode has
open bugs (duplicates after a kill, crashes at start, on rebalance: faust issues 517, 440, 323),
so the stages instead send every consumer-facing record to wire.outbox, keyed by a dedup key,
and this publisher moves them on in Kafka transactions:

- one transaction per polled batch holds the published records *and* the outbox offsets
  (`send_offsets_to_transaction` with the consumer group's metadata, KIP-447): after a crash
  either both happened or neither did, so nothing is lost and nothing is published twice;
- a record whose dedup key was already published (within `publish_horizon_hours`) is skipped:
  that is the upstream replay. The set of published keys is rebuilt when a partition is
  assigned, from the outbox itself up to the committed offset (committed = published, by the
  transaction), so it survives restarts and rebalances without another topic;
- transactions are short under low load and large under high load: one begins as soon as a
  record is there, but at most every `publisher_txn_interval_ms`, carrying what arrived
  meanwhile (each costs five requests and commit markers whatever it holds);
- the transactional id is stable per worker (`worker_id`, else derived from `data_dir`), so a
  restarted worker aborts its predecessor's open transaction at once instead of leaving
  read_committed consumers waiting for the transaction timeout (kept short, 10 s, for a worker
  that never comes back).

Consumers of wire.items and wire.alerts must read with isolation.level=read_committed (the
SSE hub, webhooks and `alerts tail` do). It runs in a thread of the worker process (kafka-python,
synchronous), beside Faust's event loop.
"""

from __future__ import annotations

import hashlib
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from typing import Any

import orjson
from kafka import ConsumerRebalanceListener, KafkaConsumer, TopicPartition
from kafka.errors import KafkaError
from kafka.structs import OffsetAndMetadata

from streams.dedup.once import OnceKeys
from streams.kafka.clients import bounded, make_consumer, make_producer
from streams.records import validate
from streams.settings import Settings
from streams.topics import OUTBOX

log = logging.getLogger(__name__)

TRANSACTION_TIMEOUT_MS = 10_000
TXN_RETRY_BACKOFF_MS = 10
_IDLE_POLL_MS = 200
_MAX_BATCH = 500  # records in one transaction at most
_RETRY_S = 2.0
_TXN_TIMEOUT_S = 30.0


def outbox_record(dedup: str, topic: str, key: str, record: dict[str, Any]) -> dict[str, Any]:
    """What a stage sends to wire.outbox (keyed by `dedup`) instead of `record` to `topic`."""
    return {"schema_version": 1, "dedup": dedup, "topic": topic, "key": key, "record": record}


def worker_identity(settings: Settings) -> str:
    """Stable across restarts of one worker, different between workers with their own data dirs."""
    if settings.worker_id:
        return settings.worker_id
    return hashlib.blake2b(str(settings.data_dir.resolve()).encode(), digest_size=6).hexdigest()


class Publisher(ConsumerRebalanceListener):  # type: ignore[misc]
    """Publishes wire.outbox in transactions; `start()` runs it in a thread, `stop()` ends it."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.topic = OUTBOX.full_name(settings)
        self.group = f"{settings.app_id}-publisher"
        self.keys = OnceKeys(settings.publish_horizon_hours * 3600.0)
        self.published = 0
        self.skipped = 0
        self.batches = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._recall: set[TopicPartition] = set()
        self.parent: int | None = None  # pid of the worker that runs this publisher, if any

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="wirewatch-publisher", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 15.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _orphaned(self) -> bool:
        # Run as a worker's child, the publisher ends when its worker is gone (even SIGKILLed):
        # the worker's successor starts its own, whose producer aborts this one's transaction.
        return self.parent is not None and os.getppid() != self.parent

    @property
    def alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _run(self) -> None:
        # Never gives up: a broker outage or a fenced producer ends one session, the next
        # starts after a pause (and rebuilds what it has published from the outbox).
        while not self._stop.is_set() and not self._orphaned():
            try:
                self._session()
            except Exception:
                log.exception("publisher: session failed; restarting in %.0f s", _RETRY_S)
                self._stop.wait(_RETRY_S)

    def _session(self) -> None:
        settings = self.settings
        producer = make_producer(
            settings,
            transactional_id=f"{settings.app_id}-{settings.topic_prefix}publisher-{worker_identity(settings)}",
            transaction_timeout_ms=TRANSACTION_TIMEOUT_MS,
            client_id=f"{settings.app_id}-publisher",
            # No linger: the records go out while the offsets are added to the transaction
            # (two round trips), instead of waiting for the commit's flush after them.
            linger_ms=0,
            # A transaction that begins while the broker still writes the previous one's commit
            # markers gets CONCURRENT_TRANSACTIONS, and kafka-python's sender sleeps the whole
            # retry backoff (100 ms by default) before trying again: that was the p90 of this
            # hop. The markers take a few ms on a healthy broker.
            retry_backoff_ms=TXN_RETRY_BACKOFF_MS,
        )
        consumer = make_consumer(
            settings,
            group_id=self.group,
            isolation_level="read_committed",
            max_poll_records=_MAX_BATCH,
            client_id=f"{settings.app_id}-publisher",
        )
        try:
            # Fences an earlier producer with this id and aborts its open transaction.
            bounded(producer.init_transactions, "init_transactions", _TXN_TIMEOUT_S)
            consumer.subscribe([self.topic], listener=self)
            interval = settings.publisher_txn_interval_ms / 1000.0
            next_txn = 0.0  # monotonic time before which no transaction begins
            while not self._stop.is_set() and not self._orphaned():
                batch = consumer.poll(timeout_ms=_IDLE_POLL_MS)
                if batch:
                    self._gather(consumer, batch, next_txn)
                    # A rebalance during the gathering polls may have taken partitions whose
                    # records are already here: the new owner publishes those (offsets
                    # committed for them now would be refused, aborting the whole batch).
                    owned = consumer.assignment()
                    batch = {tp: records for tp, records in batch.items() if tp in owned}
                if self._recall:
                    self._recall_assigned(consumer)
                if batch:
                    next_txn = time.monotonic() + interval
                    self._publish(producer, consumer, batch)
                self.keys.trim(time.time())
        finally:
            consumer.close()
            producer.close(timeout=0 if self._stop.is_set() else 5)

    # -- one transaction -------------------------------------------------------------------

    def _gather(self, consumer: KafkaConsumer, batch: dict[TopicPartition, list[Any]], until: float) -> None:
        """Add what arrives before `until` (and fits in _MAX_BATCH records) to `batch`.

        Each transaction costs five requests, ~1.5 ms of CPU and a commit marker per partition
        whatever it holds. A record after a quiet spell goes at once (`until` has passed); under
        steady load transactions begin at most every publisher_txn_interval_ms and carry what
        came meanwhile, so their number stays bounded; under heavy load the poll itself fills
        them."""
        size = sum(len(records) for records in batch.values())
        while size < _MAX_BATCH and not self._recall and (wait := until - time.monotonic()) > 0:
            more = consumer.poll(timeout_ms=max(1, int(wait * 1000)), max_records=_MAX_BATCH - size)
            for tp, records in more.items():
                batch.setdefault(tp, []).extend(records)
                size += len(records)

    def _publish(
        self, producer: Any, consumer: KafkaConsumer, batch: dict[TopicPartition, list[Any]]
    ) -> None:
        added: list[str] = []
        offsets: dict[TopicPartition, OffsetAndMetadata] = {}
        published = skipped = 0
        producer.begin_transaction()
        try:
            for tp, records in batch.items():
                for record in records:
                    envelope = self._envelope(record)
                    if envelope is not None:
                        if self.keys.add(envelope["dedup"], record.timestamp / 1000.0):
                            added.append(envelope["dedup"])
                            value = orjson.dumps(envelope["record"])
                            producer.send(envelope["topic"], key=envelope["key"], value=value)
                            published += 1
                        else:
                            skipped += 1  # published before: an upstream replay
                offsets[tp] = OffsetAndMetadata(records[-1].offset + 1, "", -1)
            producer.send_offsets_to_transaction(offsets, consumer.group_metadata())
            # Bounded: a commit stuck after a broker restart ends the session; the next one's
            # new producer aborts the transaction and the batch is read again.
            bounded(producer.commit_transaction, "commit_transaction", _TXN_TIMEOUT_S)
        except KafkaError:
            # Nothing of this batch happened: forget its keys, re-read it from the committed
            # offsets. A fenced or fatal producer raises again and ends the session.
            self.keys.discard(added)
            try:
                bounded(producer.abort_transaction, "abort_transaction", _TXN_TIMEOUT_S)
            finally:
                for tp in batch:
                    committed = consumer.committed(tp)
                    consumer.seek(tp, committed if committed is not None else 0)
            raise
        self.published += published
        self.skipped += skipped
        self.batches += 1

    def _envelope(self, record: Any) -> dict[str, Any] | None:
        try:
            envelope: dict[str, Any] = orjson.loads(record.value)
            validate("outbox", envelope)
        except Exception as exc:  # produced by our own stages, validated there: never expected
            log.error("publisher: skipping bad outbox record %s@%s: %s", record.partition, record.offset, exc)
            return None
        return envelope

    # -- rebalance -------------------------------------------------------------------------

    def on_partitions_revoked(self, revoked: Any) -> None:
        pass  # keys of other partitions never come back here; the horizon drops them

    def on_partitions_assigned(self, assigned: Any) -> None:
        # Runs on kafka-python's network thread, which must not block: the poll loop recalls
        # these partitions' published keys before it publishes anything.
        self._recall.update(assigned)

    def _recall_assigned(self, consumer: KafkaConsumer) -> None:
        assigned, self._recall = self._recall, set()
        started = time.monotonic()
        n = sum(self._remember_published(consumer, tp) for tp in assigned)
        log.info(
            "publisher: %d outbox partitions assigned; %d published keys remembered in %.1f s",
            len(assigned), n, time.monotonic() - started,
        )  # fmt: skip

    def _remember_published(self, consumer: KafkaConsumer, tp: TopicPartition) -> int:
        """Read the partition from the horizon up to its committed offset: those records were
        published (or were repeats of published ones) in committed transactions."""
        committed = consumer.committed(tp)
        if not committed:
            return 0
        reader = make_consumer(
            self.settings, isolation_level="read_committed", client_id=f"{self.group}-recall"
        )
        try:
            reader.assign([tp])
            since = int((time.time() - self.keys.horizon) * 1000)
            found = reader.offsets_for_times({tp: since}).get(tp)
            reader.seek(tp, found.offset if found is not None else committed)
            n = 0
            deadline = time.monotonic() + 60.0
            while reader.position(tp) < committed:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"could not read {tp} up to its committed offset {committed}")
                for records in reader.poll(timeout_ms=500).values():
                    for record in records:
                        if record.offset >= committed:
                            break
                        envelope = self._envelope(record)
                        if envelope is not None and self.keys.add(
                            envelope["dedup"], record.timestamp / 1000.0
                        ):
                            n += 1
            return n
        finally:
            reader.close()


def run_publisher(settings: Settings) -> int:
    """`wirewatch publish`: the publisher in the foreground until SIGINT/SIGTERM (or, started by
    a worker with WIREWATCH_PUBLISHER_PARENT set, until that worker is gone)."""
    logging.basicConfig(level=logging.INFO, format="[%(asctime)s] [%(process)d] [%(levelname)s] %(message)s")
    publisher = Publisher(settings)
    parent = os.environ.get(_PARENT_ENV)
    if parent:
        publisher.parent = int(parent)
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: publisher._stop.set())
    publisher._run()
    return 0


_PARENT_ENV = "WIREWATCH_PUBLISHER_PARENT"


def start_child(settings: Settings) -> subprocess.Popen[bytes]:
    """The worker's publisher, in its own process: it gets a core of its own instead of
    competing with Faust's event loop for the GIL, and ends when the worker does."""
    env = {**os.environ, _PARENT_ENV: str(os.getpid())}
    return subprocess.Popen([sys.executable, "-m", "streams", "publish"], env=env)


def stop_child(child: subprocess.Popen[bytes], timeout: float = 15.0) -> None:
    if child.poll() is None:
        child.terminate()
        try:
            child.wait(timeout)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait(5)
