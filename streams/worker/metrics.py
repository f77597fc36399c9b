"""Prometheus metrics of the worker's stages, served at /metrics on its web server."""

from __future__ import annotations

from dataclasses import dataclass, field

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest

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

    def exposition(self) -> bytes:
        """The text format Prometheus scrapes."""
        return bytes(generate_latest(self.registry))
