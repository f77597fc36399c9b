"""Prometheus metrics of the poller: poll outcomes, items published, fetch time."""

from __future__ import annotations

from dataclasses import dataclass, field

from prometheus_client import CollectorRegistry, Counter, Histogram, start_http_server

_FETCH_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)


@dataclass
class PollMetrics:
    """Counters per outcome, not per feed: ten thousand feeds would be ten thousand series."""

    registry: CollectorRegistry = field(default_factory=CollectorRegistry)

    def __post_init__(self) -> None:
        r = self.registry
        self.polls = Counter(
            "wirewatch_polls", "Feed polls by outcome (ok, not_modified, failed).", ["outcome"], registry=r
        )
        self.entries = Counter("wirewatch_poll_entries", "Entries read from feeds.", registry=r)
        self.published = Counter("wirewatch_poll_items_published", "New items published.", registry=r)
        self.anomalies = Counter(
            "wirewatch_poll_anomalies", "Polls with an identity anomaly (a storm of new ids).", registry=r
        )
        self.seconds = Histogram(
            "wirewatch_poll_seconds",
            "Time to fetch, parse and publish one feed.",
            buckets=_FETCH_BUCKETS,
            registry=r,
        )

    def record(self, status: int | None, error: str | None, entries: int, new: int, seconds: float) -> None:
        outcome = "failed" if error is not None else "not_modified" if status == 304 else "ok"
        self.polls.labels(outcome).inc()
        self.entries.inc(entries)
        self.published.inc(new)
        self.seconds.observe(seconds)

    def serve(self, host: str, port: int) -> None:
        """Expose /metrics on host:port from a daemon thread (the poller is not a web app)."""
        start_http_server(port, addr=host, registry=self.registry)
