"""The worker's HTTP endpoints on Faust's web server: health and stage lag, metrics, alert stream."""

from __future__ import annotations

from typing import Any, cast

import faust
from aiohttp import web
from faust.web import Request, Response, View

from streams import __version__
from streams.delivery.service import hub_for
from streams.delivery.sse import AlertStream
from streams.settings import Settings
from streams.worker.metrics import StageMetrics, StageWatch


def stage_topics(app: faust.App) -> dict[str, str]:
    """Input topic -> stage (agent) name, for the agents this app runs."""
    out: dict[str, str] = {}
    for name, agent in app.agents.items():
        for topic in getattr(agent.channel, "topics", ()):
            out[topic] = name.rsplit(".", 1)[-1]
    return out


async def sample_lag(app: faust.App, metrics: StageMetrics, watch: StageWatch) -> dict[str, int]:
    """Records waiting per stage on this worker's partitions; updates the gauges and `watch`.

    Waiting = end of the partition minus the stage's committed offset, except that a
    partition read to its end with nothing in flight waits for nothing (the offsets left
    are transaction markers, which no consumer ever receives).
    """
    consumer = app.consumer
    topics = stage_topics(app)
    committed: dict[Any, int | None] = getattr(consumer, "_committed_offset", {})
    in_flight = {m.tp for m in list(getattr(consumer, "_unacked_messages", ())) if not m.acked}
    waiting: dict[str, int] = dict.fromkeys(set(topics.values()), 0)
    progress: dict[str, int] = dict.fromkeys(waiting, 0)
    by_topic: dict[tuple[str, str], int] = {}
    for tp in consumer.assignment():
        stage = topics.get(tp.topic)
        if stage is None:
            continue  # a table changelog or another non-agent input
        try:
            end = consumer.highwater(tp)
            position = await consumer.position(tp)
        except Exception:  # not fetched yet, or mid-rebalance: no sample for it
            continue
        if end is None:
            continue
        done = committed.get(tp)
        base = done if done is not None else (position or 0)
        lag = 0 if (position is not None and position >= end and tp not in in_flight) else max(0, end - base)
        waiting[stage] += lag
        progress[stage] += done or 0
        by_topic[(stage, tp.topic)] = by_topic.get((stage, tp.topic), 0) + lag
    for (stage, topic), lag in by_topic.items():
        metrics.lag.labels(stage, topic).set(lag)
    watch.forget(set(waiting))
    for stage in waiting:
        metrics.stalled.labels(stage).set(watch.observe(stage, waiting[stage], progress[stage]))
    return waiting


def register_views(app: faust.App, settings: Settings, metrics: StageMetrics | None = None) -> None:
    """Add /health (200 once the agents run and the consumer owns partitions, 503 while
    starting or when a stage is stuck), /metrics (Prometheus text format), and the alert
    stream and page."""
    watch = StageWatch(settings.stage_stuck_after)
    gauges = metrics or StageMetrics()
    lag: dict[str, int] = {}

    async def measure_lag() -> None:
        if app.rebalancing:
            return  # offsets move under our feet; the next sample is soon
        lag.clear()
        lag.update(await sample_lag(app, gauges, watch))

    app.timer(settings.lag_interval)(measure_lag)

    @app.page("/metrics")
    async def metrics_view(self: View, request: Request) -> Response:
        body = metrics.exposition() if metrics is not None else b""
        return self.text(body.decode("utf-8"), content_type="text/plain; version=0.0.4")

    @app.page("/health")
    async def health(self: View, request: Request) -> Response:
        agents_up = bool(app.agents) and all(not agent.should_stop for agent in app.agents.values())
        # A worker that has not joined its group (or is mid-rebalance) processes nothing yet.
        assigned = len(app.consumer.assignment())
        ready = agents_up and assigned > 0 and not app.rebalancing
        stuck = watch.stuck()
        # The worker's publisher process (streams/worker/publisher.py): items and alerts reach
        # consumers only through it.
        children = getattr(app, "publisher_children", [])
        publisher = "ok" if children and all(c.poll() is None for c in children) else "down"
        if publisher == "down" and ready and not stuck:
            stuck = ["publisher"]
        body: dict[str, Any] = {
            "status": "stuck" if stuck else "ok" if ready else "starting",
            "publisher": publisher,
            "version": __version__,
            "app": settings.app_id,
            "agents": sorted(app.agents.keys()),
            "assigned_partitions": assigned,
            "rebalancing": bool(app.rebalancing),
            "lag": dict(sorted(lag.items())),
            "stalled_seconds": {k: round(v, 1) for k, v in sorted(watch.stalled.items()) if v},
            "stuck": stuck,
        }
        return self.json(body, status=200 if ready and not stuck else 503)

    # Faust's aiohttp driver hands views the aiohttp request, and returns what they return,
    # so a prepared aiohttp StreamResponse is a streaming response.
    alerts = AlertStream(settings, lambda: hub_for(app))

    @app.page("/alerts/stream")
    async def alert_stream(self: View, request: Request) -> Response:
        return cast(Response, await alerts.stream(cast(web.Request, request)))

    @app.page("/alerts")
    async def alert_page(self: View, request: Request) -> Response:
        return cast(Response, await alerts.page(cast(web.Request, request)))
