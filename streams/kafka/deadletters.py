"""`wirewatch deadletter list|replay`: read wire.deadletter and re-inject original bytes after a fix.

A replay reads the dead-letter topic up to its end at the start, asks streams.deadletter
which letters to send, produces each letter's original key and value bytes to its original
topic (idempotent producer, acks=all, a header naming the letter), flushes, and only then
moves each stage's frontier (the committed offset of group `<app_id>-deadletter-replay-<stage>`).
A crash between the flush and that commit re-sends the same records on the next replay:
at-least-once, like every stage, and the stages recognise a repeated item by its id.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime
from typing import TextIO

from kafka import KafkaAdminClient
from kafka.errors import KafkaError
from kafka.structs import OffsetAndMetadata, TopicPartition

from streams.deadletter import Letter, ReplayPlan, plan_replay
from streams.errors import BrokerError, InputError
from streams.kafka.admin import retrying
from streams.kafka.clients import make_producer
from streams.kafka.replay import records_to_end
from streams.settings import Settings
from streams.topics import DEADLETTER

log = logging.getLogger(__name__)

REPLAY_HEADER = "x-wirewatch-replayed-from"
READ_TIMEOUT_S = 60.0


def replay_group(settings: Settings, stage: str) -> str:
    """The consumer group whose committed offsets are `stage`'s replay frontier."""
    return f"{settings.app_id}-deadletter-replay-{stage}"


def read_letters(settings: Settings, out_errors: TextIO | None = None) -> Iterator[Letter]:
    """Every dead letter now in the topic (committed records, in offset order per partition)."""
    topic = DEADLETTER.full_name(settings)
    for record in records_to_end(settings, topic, timeout=READ_TIMEOUT_S):
        try:
            yield Letter.parse(record.partition, record.offset, record.value)
        except InputError as exc:  # reported, never replayed, never fatal
            log.warning(
                "skipping unreadable dead letter %s[%s]@%s: %s", topic, record.partition, record.offset, exc
            )


def frontiers(settings: Settings, admin: KafkaAdminClient, stages: set[str]) -> dict[tuple[str, int], int]:
    """(stage, partition) -> the stage's committed replay offset."""
    topic = DEADLETTER.full_name(settings)
    groups = {replay_group(settings, s): s for s in stages}
    if not groups:
        return {}
    found = retrying(lambda: admin.list_group_offsets(dict.fromkeys(groups)))
    return {
        (groups[group], tp.partition): meta.offset
        for group, offsets in found.items()
        for tp, meta in offsets.items()
        if tp.topic == topic and meta.offset >= 0
    }


def replay(
    settings: Settings,
    out: TextIO,
    *,
    stage: str | None = None,
    since: datetime | None = None,
    dry_run: bool = False,
) -> ReplayPlan:
    """Re-inject the dead letters not replayed before; print what was (or would be) sent."""
    letters = list(read_letters(settings))
    admin = KafkaAdminClient(
        client_id=f"{settings.app_id}-deadletter-replay", request_timeout_ms=15000,
        **settings.kafka_python_config(),
    )  # fmt: skip
    try:
        stages = {stage} if stage else {letter.stage for letter in letters}
        plan = plan_replay(letters, frontiers(settings, admin, stages), stage=stage, since=since)
        for letter in plan.send:
            print(
                f"{'would replay' if dry_run else 'replay'} {letter.stage} letter @{letter.partition}:"
                f"{letter.offset} -> {letter.topic}[{letter.source_partition}]@{letter.source_offset} "
                f"({letter.error[:120]})",
                file=out,
            )
        if not dry_run:
            _send(settings, plan)
            _commit(settings, admin, plan)
    finally:
        admin.close()
    verb = "would replay" if dry_run else "replayed"
    print(
        f"{verb} {len(plan.send)}; already replayed {plan.already}; same original record "
        f"{plan.repeated}; older than --since {plan.too_old}",
        file=out,
    )
    return plan


def _send(settings: Settings, plan: ReplayPlan) -> None:
    if not plan.send:
        return
    producer = make_producer(settings, client_id=f"{settings.app_id}-deadletter-replay")
    try:
        topic = DEADLETTER.full_name(settings)
        futures = [
            producer.send(
                letter.topic,
                key=letter.key,
                value=letter.value,
                headers=[(REPLAY_HEADER, f"{topic}[{letter.partition}]@{letter.offset}".encode())],
            )
            for letter in plan.send
        ]
        producer.flush()
        for future in futures:
            future.get(timeout=30)  # raises if a record was not acknowledged
    except KafkaError as exc:
        raise BrokerError(f"replay failed before its frontier moved (safe to run again): {exc!r}") from exc
    finally:
        producer.close()


def _commit(settings: Settings, admin: KafkaAdminClient, plan: ReplayPlan) -> None:
    topic = DEADLETTER.full_name(settings)
    by_stage: dict[str, dict[TopicPartition, OffsetAndMetadata]] = {}
    for (stage, partition), offset in plan.frontiers.items():
        by_stage.setdefault(stage, {})[TopicPartition(topic, partition)] = OffsetAndMetadata(offset, "", -1)
    for stage, offsets in by_stage.items():
        group = replay_group(settings, stage)
        errors = retrying(lambda: admin.alter_group_offsets(group, offsets))  # noqa: B023
        failed = {tp: err for tp, err in errors.items() if getattr(err, "errno", 0)}
        if failed:
            raise BrokerError(f"replayed, but moving the {stage} frontier failed: {failed}")


def list_letters(settings: Settings, out: TextIO, *, stage: str | None = None) -> int:
    """Print one line per dead letter (newest last); returns how many."""
    shown = 0
    for letter in read_letters(settings):
        if stage is None or letter.stage == stage:
            shown += 1
            print(
                f"{letter.failed:%Y-%m-%d %H:%M:%SZ}  {letter.stage:<6} @{letter.partition}:{letter.offset}  "
                f"{letter.topic}[{letter.source_partition}]@{letter.source_offset}  {letter.error[:160]}",
                file=out,
            )
    return shown
