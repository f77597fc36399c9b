"""Stage lag and stuck detection: the pure StageWatch and the sampler over a consumer's offsets."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from prometheus_client import generate_latest

from streams.worker.metrics import StageMetrics, StageWatch
from streams.worker.web import sample_lag


class TP(NamedTuple):
    topic: str
    partition: int


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_stage_that_keeps_committing_is_never_stuck() -> None:
    clock = Clock()
    watch = StageWatch(stuck_after=60, clock=clock)
    for progress in range(10):
        clock.now += 30
        assert watch.observe("tag", waiting=500, progress=progress) == 0
    assert watch.stuck() == []


def test_waiting_records_without_progress_make_a_stage_stuck_until_it_moves() -> None:
    clock = Clock()
    watch = StageWatch(stuck_after=60, clock=clock)
    watch.observe("alert", waiting=3, progress=10)
    clock.now += 59
    assert watch.observe("alert", waiting=3, progress=10) == 59
    assert watch.stuck() == []
    clock.now += 2
    watch.observe("alert", waiting=3, progress=10)
    assert watch.stuck() == ["alert"]
    watch.observe("alert", waiting=3, progress=11)  # it committed: not stuck any more
    assert watch.stuck() == []


def test_an_idle_stage_is_not_stuck_and_zero_turns_the_check_off() -> None:
    clock = Clock()
    watch = StageWatch(stuck_after=60, clock=clock)
    off = StageWatch(stuck_after=0, clock=clock)
    for _ in range(5):
        clock.now += 100
        watch.observe("dedup", waiting=0, progress=7)
        off.observe("dedup", waiting=9, progress=7)
    assert watch.stuck() == [] and off.stuck() == []
    assert off.stalled["dedup"] >= 400  # still measured, only not judged


@dataclass
class Message:
    tp: TP
    acked: bool = False


@dataclass
class FakeConsumer:
    """The parts of Faust's consumer the sampler reads."""

    ends: dict[TP, int]
    positions: dict[TP, int]
    _committed_offset: dict[TP, int | None]
    _unacked_messages: list[Message] = field(default_factory=list)

    def assignment(self) -> set[TP]:
        return set(self.ends)

    def highwater(self, tp: TP) -> int:
        return self.ends[tp]

    async def position(self, tp: TP) -> int:
        return self.positions[tp]


@dataclass
class FakeChannel:
    topics: tuple[str, ...]


@dataclass
class FakeAgent:
    channel: FakeChannel


@dataclass
class FakeApp:
    consumer: FakeConsumer
    agents: dict[str, Any]


def test_sampler_counts_waiting_records_per_stage_and_ignores_trailing_markers() -> None:
    raw0, raw1, stories = TP("wire.raw", 0), TP("wire.raw", 1), TP("wire.stories", 0)
    changelog = TP("app-dedup-seen-changelog", 0)
    consumer = FakeConsumer(
        # raw[0]: 40 records behind; raw[1]: read to the end, nothing in flight, but committed
        # one short (the last offset is a transaction marker); stories: one record in flight.
        ends={raw0: 100, raw1: 50, stories: 9, changelog: 70},
        positions={raw0: 80, raw1: 50, stories: 9, changelog: 70},
        _committed_offset={raw0: 60, raw1: 49, stories: 8, changelog: 0},
        _unacked_messages=[Message(stories)],
    )
    app = FakeApp(consumer, {"m.tag": FakeAgent(FakeChannel(("wire.raw",))),
                             "m.alert": FakeAgent(FakeChannel(("wire.stories",)))})  # fmt: skip
    metrics = StageMetrics()
    watch = StageWatch(stuck_after=60)
    waiting = asyncio.run(sample_lag(app, metrics, watch))  # type: ignore[arg-type]
    assert waiting == {"tag": 40, "alert": 1}
    text = generate_latest(metrics.registry).decode()
    assert 'wirewatch_consumer_lag{stage="tag",topic="wire.raw"} 40.0' in text
    assert 'wirewatch_consumer_lag{stage="alert",topic="wire.stories"} 1.0' in text
    assert 'wirewatch_stage_stalled_seconds{stage="tag"} 0.0' in text
