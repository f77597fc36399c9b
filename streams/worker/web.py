"""The worker's HTTP endpoints on Faust's web server: health, the live alert stream and page."""

from __future__ import annotations

from typing import Any, cast

import faust
from aiohttp import web
from faust.web import Request, Response, View

from streams import __version__
from streams.delivery.service import hub_for
from streams.delivery.sse import AlertStream
from streams.settings import Settings
from streams.worker.metrics import StageMetrics


def register_views(app: faust.App, settings: Settings, metrics: StageMetrics | None = None) -> None:
    """Add /health (200 once the agents run and the consumer owns partitions, else 503),
    /metrics (Prometheus text format), and the alert stream and page."""

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
        body: dict[str, Any] = {
            "status": "ok" if ready else "starting",
            "version": __version__,
            "app": settings.app_id,
            "agents": sorted(app.agents.keys()),
            "assigned_partitions": assigned,
            "rebalancing": bool(app.rebalancing),
        }
        return self.json(body, status=200 if ready else 503)

    # Faust's aiohttp driver hands views the aiohttp request, and returns what they return,
    # so a prepared aiohttp StreamResponse is a streaming response.
    alerts = AlertStream(settings, lambda: hub_for(app))

    @app.page("/alerts/stream")
    async def alert_stream(self: View, request: Request) -> Response:
        return cast(Response, await alerts.stream(cast(web.Request, request)))

    @app.page("/alerts")
    async def alert_page(self: View, request: Request) -> Response:
        return cast(Response, await alerts.page(cast(web.Request, request)))
