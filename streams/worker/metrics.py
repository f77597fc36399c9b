"""Prometheus metrics of the worker's stages, served at /metrics on its web server."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

# Stage processing takes microseconds to milliseconds; end-to-end age spans up to minutes.
_PROCESSING_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0)
_AGE_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0, 900.0, 3600.0)


@dataclass
class StageMetrics:
    """One registry per app (tests build several apps in one process)."""

    registry: CollectorRegistry = field(default_factory=CollectorRegistry)

    def __post_init__(self) -> None:
        r = self.registry
        self.records_in = Counter("wirewatch_records_in", "Records a stage consumed.", ["stage"], registry=r)
        self.records_out = Counter(
            "wirewatch_records_out", "Records a stage produced, by topic.", ["stage", "topic"], registry=r
        )
        self.dead_letters = Counter(
            "wirewatch_dead_letters",
            "Records a stage could not use and dead-lettered.",
            ["stage", "error_type"],
            registry=r,
        )
        self.decisions = Counter(
            "wirewatch_dedup_decisions", "Dedup outcomes (new, duplicate, update).", ["kind"], registry=r
        )
        self.alerts = Counter(
            "wirewatch_alerts", "Alerts raised, by rule and kind.", ["rule", "kind"], registry=r
        )
        self.processing = Histogram(
            "wirewatch_stage_processing_seconds",
            "Time a stage spends on one record (decode, pure work, validation).",
            ["stage"],
            buckets=_PROCESSING_BUCKETS,
            registry=r,
        )
        self.age = Histogram(
            "wirewatch_item_age_seconds",
            "Seconds from the poller fetching an item to the stage finishing it.",
            ["stage"],
            buckets=_AGE_BUCKETS,
            registry=r,
        )

        self.lag = Gauge(
            "wirewatch_consumer_lag",
            "Records waiting in a stage's input topic (this worker's partitions): end minus committed.",
            ["stage", "topic"],
            registry=r,
        )
        self.stalled = Gauge(
            "wirewatch_stage_stalled_seconds",
            "How long a stage has had records waiting without committing any (0 when it keeps up).",
            ["stage"],
            registry=r,
        )

    def exposition(self) -> bytes:
        """The text format Prometheus scrapes."""
        return bytes(generate_latest(self.registry))


@dataclass
class StageWatch:
    """Decides when a stage is stuck: records wait for it, yet its committed offsets have not
    moved for `stuck_after` seconds (0 turns the check off). Pure: the web module feeds it
    samples of each stage's waiting records and progress (the sum of its committed offsets)."""

    stuck_after: float
    clock: Callable[[], float] = time.monotonic
    _since: dict[str, tuple[int, float]] = field(default_factory=dict)
    stalled: dict[str, float] = field(default_factory=dict)

    def observe(self, stage: str, waiting: int, progress: int) -> float:
        """Record one sample; returns how long the stage has been stalled (0 if it is not)."""
        now = self.clock()
        previous = self._since.get(stage)
        if waiting <= 0 or previous is None or previous[0] != progress:
            self._since[stage] = (progress, now)
            self.stalled[stage] = 0.0
        else:
            self.stalled[stage] = now - previous[1]
        return self.stalled[stage]

    def forget(self, keep: set[str]) -> None:
        """Drop stages this worker no longer consumes for (after a rebalance)."""
        for stage in set(self._since) - keep:
            self._since.pop(stage, None)
            self.stalled.pop(stage, None)

    def stuck(self) -> list[str]:
        if self.stuck_after <= 0:
            return []
        return sorted(stage for stage, seconds in self.stalled.items() if seconds >= self.stuck_after)
