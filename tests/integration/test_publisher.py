"""The publisher on the real broker: each key once, across repeats, restarts and a crashed transaction."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import orjson
import pytest
from kafka import KafkaProducer

from streams.kafka.admin import ensure_topics
from streams.kafka.replay import records_to_end
from streams.settings import Settings
from streams.topics import ITEMS, OUTBOX
from streams.worker.publisher import Publisher, outbox_record, worker_identity
from tests.support import read_topic, wait_for

pytestmark = pytest.mark.integration


def _settings(bootstrap: str, data: Path) -> Settings:
    run = uuid.uuid4().hex[:8]
    return Settings(
        bootstrap_servers=bootstrap, topic_prefix=f"pub{run}.", app_id=f"wirewatch-pub-{run}", data_dir=data
    )


def _send_outbox(settings: Settings, ids: list[str]) -> None:
    producer = KafkaProducer(bootstrap_servers=settings.bootstrap, acks="all")
    items = ITEMS.full_name(settings)
    for ident in ids:
        envelope = outbox_record(f"item:{ident}", items, ident, {"id": ident})
        producer.send(
            OUTBOX.full_name(settings), key=envelope["dedup"].encode(), value=orjson.dumps(envelope)
        )
    producer.flush()
    producer.close()


def _published(settings: Settings) -> list[str]:
    # read_topic reads read_uncommitted: check committed visibility separately below.
    return [orjson.loads(r.value)["id"] for r in read_topic(settings.bootstrap, ITEMS.full_name(settings))]


def _committed_ids(settings: Settings) -> list[str]:
    """Item ids a read_committed consumer sees in wire.items now (aborted records excluded)."""
    records = records_to_end(settings, ITEMS.full_name(settings), timeout=30)
    return [orjson.loads(r.value)["id"] for r in records]


def test_each_key_once_across_repeats_restarts_and_a_crashed_transaction(
    kafka_bootstrap: str, tmp_path: Path
) -> None:
    settings = _settings(kafka_bootstrap, tmp_path)
    ensure_topics(settings, [OUTBOX, ITEMS])
    first = [f"{i:032x}" for i in range(20)]
    _send_outbox(settings, first + first[:5])  # five replays after the originals

    publisher = Publisher(settings)
    publisher.start()
    try:
        wait_for(
            lambda: len(_committed_ids(settings)) >= 20 and publisher.skipped >= 5, 60, what="first batch"
        )
    finally:
        publisher.stop()
    assert sorted(_committed_ids(settings)) == sorted(first)

    # A crash mid-transaction: a producer with this worker's transactional id wrote a record
    # and died before committing. The next publisher aborts it: consumers never see it.
    crashed = KafkaProducer(
        bootstrap_servers=settings.bootstrap,
        transactional_id=f"{settings.app_id}-{settings.topic_prefix}publisher-{worker_identity(settings)}",
    )
    crashed.init_transactions()
    crashed.begin_transaction()
    crashed.send(ITEMS.full_name(settings), key=b"ghost", value=orjson.dumps({"id": "ghost"}))
    crashed.flush()  # sent, never committed; the process "dies" here

    # After the restart, replays of published keys are still refused (the keys are recalled
    # from the outbox up to the committed offset), and new keys go through once.
    more = [f"{i:032x}" for i in range(20, 30)]
    _send_outbox(settings, first[10:15] + more + more[:3])
    restarted = Publisher(settings)
    restarted.start()
    try:
        wait_for(
            lambda: len(_committed_ids(settings)) >= 30 and restarted.skipped >= 8, 60, what="after restart"
        )
    finally:
        restarted.stop()
    committed = _committed_ids(settings)
    assert sorted(committed) == sorted(first + more)
    assert "ghost" not in committed and "ghost" in _published(settings)  # written, then aborted


def test_the_worker_replaces_a_publisher_process_that_dies(kafka_bootstrap: str, tmp_path: Path) -> None:
    import os
    import signal

    import httpx

    from tests.support import publishers_of, start_worker, wait_healthy, worker_setup

    env, web, _ = worker_setup(kafka_bootstrap, tmp_path / "w", partitions=1)
    env["WIREWATCH_TOPIC_PREFIX"] = f"pubw{uuid.uuid4().hex[:8]}."
    env["WIREWATCH_APP_ID"] = f"wirewatch-pubw-{uuid.uuid4().hex[:8]}"
    log = tmp_path / "worker.log"
    worker = start_worker(env, log)
    try:
        wait_healthy(worker, web, log)
        [first] = wait_for(lambda: publishers_of({worker.pid}), 30, what="the worker's publisher")
        os.kill(first, signal.SIGKILL)

        def replaced() -> list[int]:
            body = httpx.get(f"http://127.0.0.1:{web}/health", timeout=5).json()
            found = publishers_of({worker.pid})
            return found if body["publisher"] == "ok" and found and first not in found else []

        assert wait_for(replaced, 30, what="a new publisher")
    finally:
        worker.terminate()
        worker.wait(30)


def test_records_share_a_transaction_within_the_interval_and_a_lone_record_goes_at_once(
    kafka_bootstrap: str, tmp_path: Path
) -> None:
    import time

    settings = _settings(kafka_bootstrap, tmp_path).model_copy(update={"publisher_txn_interval_ms": 2000.0})
    ensure_topics(settings, [OUTBOX, ITEMS])
    publisher = Publisher(settings)
    publisher.start()

    def visible(ids: list[str], timeout: float = 30) -> float:
        """Seconds until every id in `ids` is visible to a read_committed consumer."""
        started = time.monotonic()
        wait_for(lambda: set(ids) <= set(_committed_ids(settings)), timeout, interval=0.05, what=str(ids))
        return time.monotonic() - started

    try:
        visible_after_send(settings, ["c" * 32], visible)  # the publisher has started
        assert wait_for(lambda: publisher.batches >= 1, 5, what="the commit counted")
        # After a quiet spell a record goes at once, not after the 2 s interval.
        time.sleep(2.5)
        assert visible_after_send(settings, ["a" * 32], visible) < 1.5
        assert (
            wait_for(lambda: publisher.batches >= 2, 5, what="the commit counted") and publisher.batches == 2
        )
        # Records arriving one by one within the interval of that transaction share the next.
        spaced = [f"{i:032x}" for i in range(5)]
        producer = KafkaProducer(bootstrap_servers=settings.bootstrap, acks="all")
        for ident in spaced:
            envelope = outbox_record(f"item:{ident}", ITEMS.full_name(settings), ident, {"id": ident})
            producer.send(
                OUTBOX.full_name(settings), key=envelope["dedup"].encode(), value=orjson.dumps(envelope)
            )
            producer.flush()
            time.sleep(0.05)
        producer.close()
        visible(spaced)
        assert (
            wait_for(lambda: publisher.batches >= 3, 5, what="the commit counted") and publisher.batches == 3
        )
        # Quiet again: the next record goes at once.
        time.sleep(2.5)
        assert visible_after_send(settings, ["b" * 32], visible) < 1.5
        assert (
            wait_for(lambda: publisher.batches >= 4, 5, what="the commit counted") and publisher.batches == 4
        )
    finally:
        publisher.stop()
    assert sorted(_committed_ids(settings)) == sorted(["c" * 32, "a" * 32, "b" * 32, *spaced])


def visible_after_send(settings: Settings, ids: list[str], visible: Any) -> float:
    _send_outbox(settings, ids)
    return float(visible(ids))
