"""The worker's HTTP endpoints on Faust's web server: health and a summary of the app."""

from __future__ import annotations

from typing import Any

import faust
from faust.web import Request, Response, View

from streams import __version__
from streams.settings import Settings


def register_views(app: faust.App, settings: Settings) -> None:
    """Add /health (200 once the worker runs its agents) to the app's web server."""

    @app.page("/health")
    async def health(self: View, request: Request) -> Response:
        running = bool(app.agents) and all(not agent.should_stop for agent in app.agents.values())
        body: dict[str, Any] = {
            "status": "ok" if running else "starting",
            "version": __version__,
            "app": settings.app_id,
            "agents": sorted(app.agents.keys()),
            "rebalancing": bool(app.rebalancing),
        }
        return self.json(body, status=200 if running else 503)
