"""Consumer-group lag: committed offsets against the end of each partition (`wirewatch lag`).

The end is the last stable offset (a read_committed view), so records of an open
transaction do not count as waiting. Offsets also number transaction markers, which no
consumer ever receives: a group that read everything can still be one offset short of the
end on a partition whose last write was a transaction commit. `exact=True` therefore counts
the records really waiting by reading them (cheap when the lag is small, which is the
question it answers: is anything stuck?).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TextIO

from kafka import KafkaAdminClient, KafkaConsumer
from kafka.structs import TopicPartition

from streams.kafka.admin import retrying
from streams.kafka.clients import make_consumer
from streams.settings import Settings

EXACT_READ_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class PartitionLag:
    """One partition of one group: where it committed, where the partition ends, what waits."""

    group: str
    topic: str
    partition: int
    committed: int | None
    end: int
    lag: int

    def to_json(self) -> dict[str, Any]:
        return {
            "group": self.group,
            "topic": self.topic,
            "partition": self.partition,
            "committed": self.committed,
            "end": self.end,
            "lag": self.lag,
        }


def list_groups(settings: Settings) -> list[str]:
    """Every consumer group on the cluster, sorted."""
    admin = _admin(settings)
    try:
        return sorted(str(group["group_id"]) for group in retrying(admin.list_groups))
    finally:
        admin.close()


def group_lag(
    settings: Settings,
    groups: Sequence[str],
    *,
    topics: Iterable[str] | None = None,
    exact: bool = False,
) -> list[PartitionLag]:
    """Lag of each group on each partition it has committed offsets for (or, with `topics`,
    on every partition of those topics: a group that never committed lags by the whole
    partition). Sorted by group, topic and partition."""
    wanted = set(topics) if topics is not None else None
    admin = _admin(settings)
    consumer = make_consumer(settings, group_id=None, isolation_level="read_committed")
    try:
        spec = dict.fromkeys(groups)
        committed_by_group = retrying(lambda: admin.list_group_offsets(spec)) if groups else {}
        out: list[PartitionLag] = []
        for group in groups:
            committed = {
                tp: meta.offset
                for tp, meta in committed_by_group.get(group, {}).items()
                if meta.offset >= 0 and (wanted is None or tp.topic in wanted)
            }
            parts = set(committed)
            for topic in sorted(wanted or ()):
                parts.update(TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ())
            if not parts:
                continue
            ordered = sorted(parts)
            ends = consumer.end_offsets(ordered)
            starts = consumer.beginning_offsets(ordered) if len(committed) < len(ordered) else {}
            for tp in ordered:
                at = committed.get(tp)
                start = at if at is not None else starts[tp]
                lag = max(0, ends[tp] - start)
                if exact and lag:
                    lag = _count_records(consumer, tp, start, ends[tp])
                out.append(PartitionLag(group, tp.topic, tp.partition, at, ends[tp], lag))
        return out
    finally:
        consumer.close()
        admin.close()


def total(lags: Iterable[PartitionLag]) -> int:
    return sum(p.lag for p in lags)


def print_lag(lags: Sequence[PartitionLag], out: TextIO) -> None:
    """One line per group and topic (summed over partitions), then the partitions that lag."""
    if not lags:
        print("no committed offsets for the groups asked", file=out)
        return
    by_topic: dict[tuple[str, str], list[PartitionLag]] = {}
    for entry in lags:
        by_topic.setdefault((entry.group, entry.topic), []).append(entry)
    print(f"{'group':<40} {'topic':<28} {'partitions':>10} {'lag':>10}", file=out)
    for (group, topic), parts in by_topic.items():
        print(f"{group:<40} {topic:<28} {len(parts):>10} {total(parts):>10}", file=out)
        for p in parts:
            if p.lag:
                committed = "-" if p.committed is None else str(p.committed)
                print(f"{'':<40}   [{p.partition}] committed {committed} end {p.end} lag {p.lag}", file=out)


def _count_records(consumer: KafkaConsumer, tp: TopicPartition, start: int, end: int) -> int:
    """Records a read_committed consumer receives in [start, end) (markers and aborted
    records are skipped by the consumer, so they are not counted)."""
    consumer.assign([tp])
    consumer.seek(tp, start)
    seen = 0
    deadline = time.monotonic() + EXACT_READ_TIMEOUT_S
    while consumer.position(tp) < end and time.monotonic() < deadline:
        for records in consumer.poll(timeout_ms=500).values():
            seen += sum(1 for r in records if r.offset < end)
    return seen


def _admin(settings: Settings) -> KafkaAdminClient:
    return KafkaAdminClient(
        client_id=f"{settings.app_id}-lag", request_timeout_ms=15000, **settings.kafka_python_config()
    )
