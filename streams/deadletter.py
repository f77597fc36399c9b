"""Which dead letters a replay re-injects: filters, per-stage frontiers and one replay per original record.

Pure: the Kafka side (streams/kafka/deadletters.py) reads wire.deadletter and each stage's
replay frontier, asks `plan_replay` what to send, sends it, then moves the frontiers.

A stage's frontier is the committed offset of its own replay group on the dead-letter topic
(the topic is keyed by stage, so one stage's letters sit in one partition). Every letter of
that stage below the frontier was replayed (or deliberately passed over by `--since`) and is
never sent again; `--dry-run` never moves a frontier. The same original record can be
dead-lettered twice (a stage is at-least-once: a worker that died before committing handles
the record again), so letters are also deduplicated by their original topic, partition and
offset: one original record is re-injected at most once per replay.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from streams.errors import InputError
from streams.records import decode
from streams.records.models import parse_time


@dataclass(frozen=True)
class Letter:
    """One dead letter and where it sits in the dead-letter topic."""

    partition: int
    offset: int
    stage: str
    topic: str  # the original topic the record came from
    source_partition: int
    source_offset: int
    error: str
    failed: datetime
    key: bytes | None
    value: bytes | None

    @property
    def origin(self) -> tuple[str, int, int]:
        return (self.topic, self.source_partition, self.source_offset)

    @classmethod
    def parse(cls, partition: int, offset: int, value: bytes) -> Letter:
        """A dead letter from its record value; InputError if it is not one."""
        data = decode(value, "deadletter")
        try:
            key = None if data["key_b64"] is None else base64.b64decode(data["key_b64"], validate=True)
            body = None if data["value_b64"] is None else base64.b64decode(data["value_b64"], validate=True)
        except (binascii.Error, ValueError) as exc:
            raise InputError(f"dead letter with undecodable base64: {exc}") from exc
        failed = parse_time(data["failed"])
        if failed is None:  # the schema requires it; keeps the type checker honest
            raise InputError("dead letter without a failure time")
        return cls(
            partition=partition,
            offset=offset,
            stage=data["stage"],
            topic=data["topic"],
            source_partition=data["partition"],
            source_offset=data["offset"],
            error=f"{data['error_type']}: {data['error']}",
            failed=failed,
            key=key,
            value=body,
        )


@dataclass
class ReplayPlan:
    """What one replay sends, what it passes over, and where each stage's frontier goes."""

    send: list[Letter] = field(default_factory=list)
    already: int = 0  # below the stage's frontier: replayed by an earlier run
    repeated: int = 0  # same original record as a letter already in `send`
    too_old: int = 0  # failed before --since
    # (stage, dead-letter partition) -> offset the stage's frontier moves to.
    frontiers: dict[tuple[str, int], int] = field(default_factory=dict)


def plan_replay(
    letters: Iterable[Letter],
    frontiers: Mapping[tuple[str, int], int],
    *,
    stage: str | None = None,
    since: datetime | None = None,
) -> ReplayPlan:
    """Decide which `letters` (in offset order per partition) to re-inject.

    `frontiers` maps (stage, partition) to the stage's committed replay offset there.
    """
    plan = ReplayPlan()
    origins: set[tuple[str, int, int]] = set()
    for letter in letters:
        if stage is not None and letter.stage != stage:
            continue
        where = (letter.stage, letter.partition)
        if letter.offset < frontiers.get(where, 0):
            plan.already += 1
            continue
        plan.frontiers[where] = max(plan.frontiers.get(where, 0), letter.offset + 1)
        if since is not None and letter.failed < since:
            plan.too_old += 1
        elif letter.origin in origins:
            plan.repeated += 1
        else:
            origins.add(letter.origin)
            plan.send.append(letter)
    return plan
