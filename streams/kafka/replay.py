"""Read a topic's records from a point in time to its current end (for backtests and tools)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from kafka.structs import TopicPartition

from streams.errors import BrokerError, ConfigError, InputError
from streams.kafka.clients import make_consumer
from streams.records import loads
from streams.settings import Settings


def records_to_end(
    settings: Settings, topic: str, since_seconds: float | None = None, timeout: float | None = None
) -> Iterator[Any]:
    """Every committed record of `topic` newer than `since_seconds` ago (None: from the
    beginning) up to the end offsets at the start, in offset order per partition; BrokerError
    if that takes longer than `timeout` seconds (None: no limit)."""
    consumer = make_consumer(settings, group_id=None, isolation_level="read_committed")
    try:
        partitions = consumer.partitions_for_topic(topic)
        if not partitions:
            raise ConfigError(f"topic {topic!r} does not exist on {settings.bootstrap}")
        parts = [TopicPartition(topic, p) for p in sorted(partitions)]
        consumer.assign(parts)
        end = consumer.end_offsets(parts)
        if since_seconds is None:
            consumer.seek_to_beginning(*parts)
        else:
            start_ms = int((time.time() - since_seconds) * 1000)
            found = consumer.offsets_for_times(dict.fromkeys(parts, start_ms))
            for tp in parts:
                hit = found.get(tp)
                consumer.seek(tp, hit.offset if hit is not None else end[tp])
        deadline = None if timeout is None else time.monotonic() + timeout
        while any(consumer.position(tp) < end[tp] for tp in parts):
            if deadline is not None and time.monotonic() > deadline:
                raise BrokerError(f"could not read {topic} to its end within {timeout:.0f} s")
            for tp, records in sorted(consumer.poll(timeout_ms=500).items()):
                for record in records:
                    if record.offset < end[tp]:
                        yield record
    finally:
        consumer.close()


def read_since(settings: Settings, topic: str, since_seconds: float | None) -> Iterator[tuple[str, Any]]:
    """Yield ("topic[p]@offset", decoded JSON) for every committed record newer than
    `since_seconds` ago (None: from the beginning), up to the end offsets at the start."""
    for record in records_to_end(settings, topic, since_seconds):
        where = f"{record.topic}[{record.partition}]@{record.offset}"
        try:
            yield where, loads(record.value)
        except InputError as exc:
            yield where, exc
