"""GET /alerts/stream (Server-Sent Events, filtered, resumable, optionally token-protected) and GET /alerts.

Wire format, one block per alert: `id: <timestamp_ms>-<partition>-<offset>`, `event: alert`,
`data: <alert JSON on one line>`, blank line. Comments (lines starting with ":") carry the
keep-alive every 15 s and the reason a stream ends. A reconnecting client sends the last id
it saw in `Last-Event-ID` (EventSource does this itself) or `?last_event_id=`, and gets the
alerts after it, then the live stream. Alert ids (`alert_id`) are stable, so a client that
must never show one twice can also dedupe on them.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from collections.abc import Callable
from typing import Any

from aiohttp import web

from streams.delivery.filters import AlertFilter
from streams.delivery.hub import AlertEvent, AlertHub, EventId, replay
from streams.delivery.page import render_page
from streams.errors import WirewatchError
from streams.settings import Settings

log = logging.getLogger(__name__)

KEEPALIVE_SECONDS = 15.0
WRITE_TIMEOUT_SECONDS = 30.0
HUB_WAIT_SECONDS = 30.0
RETRY_MS = 3000


def format_event(event: AlertEvent) -> bytes:
    """One SSE block; orjson never emits a raw newline, so `data` is a single line."""
    return b"id: %s\nevent: alert\ndata: %s\n\n" % (str(event.id).encode(), event.data)


def format_comment(text: str) -> bytes:
    return b": " + " ".join(text.splitlines()).encode() + b"\n\n"


def authorized(request: web.Request, token: str | None) -> bool:
    """True if no token is configured, or the request carries it as a bearer token or ?token=."""
    if token is None:
        return True
    given = ""
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer":
        given = value.strip()
    else:
        given = request.query.get("token", "")
    return hmac.compare_digest(given.encode(), token.encode())


def request_filter(request: web.Request) -> AlertFilter:
    q = request.query
    return AlertFilter.build(q.getall("rule", []), q.getall("country", []), q.getall("severity", []))


def last_event_id(request: web.Request) -> EventId | None:
    text = request.headers.get("Last-Event-ID") or request.query.get("last_event_id") or ""
    return EventId.parse(text) if text.strip() else None


class AlertStream:
    """The two views; `hub_lookup` returns None when delivery is not attached to the app (then 503)."""

    def __init__(
        self,
        settings: Settings,
        hub_lookup: Callable[[], AlertHub | None],
        keepalive: float = KEEPALIVE_SECONDS,
    ) -> None:
        self.settings = settings
        self.hub_lookup = hub_lookup
        self.keepalive = keepalive
        self._token = settings.sse_token.get_secret_value() if settings.sse_token else None

    def __repr__(self) -> str:  # never show the token
        return f"<AlertStream token={'set' if self._token else 'none'}>"

    async def page(self, request: web.Request) -> web.StreamResponse:
        body, nonce = render_page()
        csp = (
            f"default-src 'none'; script-src 'nonce-{nonce}'; style-src 'unsafe-inline'; "
            "connect-src 'self'; base-uri 'none'; frame-ancestors 'none'"
        )
        return web.Response(
            text=body,
            content_type="text/html",
            charset="utf-8",
            headers={"Content-Security-Policy": csp, "Cache-Control": "no-store"},
        )

    async def stream(self, request: web.Request) -> web.StreamResponse:
        if not authorized(request, self._token):
            return web.json_response(
                {"error": "unauthorized"},
                status=401,
                headers={"WWW-Authenticate": 'Bearer realm="wirewatch"'},
            )
        try:
            flt = request_filter(request)
            after = last_event_id(request)
        except WirewatchError as exc:
            return web.json_response({"error": str(exc)}, status=400)
        hub = self.hub_lookup()
        if hub is None or not await hub.wait_ready(HUB_WAIT_SECONDS):
            return web.json_response({"error": "alert stream not available"}, status=503)

        sub = hub.subscribe(flt)
        response = web.StreamResponse(
            headers={
                "Content-Type": "text/event-stream; charset=utf-8",
                "Cache-Control": "no-cache",
                "X-Accel-Buffering": "no",  # nginx: do not buffer the stream
            }
        )
        try:
            await response.prepare(request)
            await self._write(response, b"retry: %d\n" % RETRY_MS + format_comment("connected"))
            if after is not None:
                async for event in replay(self.settings, after, sub.start):
                    if flt.matches(event.alert):
                        await self._write(response, format_event(event))
            await self._live(response, sub, after)
        except (ConnectionError, TimeoutError) as exc:
            # The client went away or stopped reading; nothing to tell it.
            log.debug("alert stream closed: %s", type(exc).__name__)
        finally:
            hub.unsubscribe(sub)
        return response

    async def _live(self, response: web.StreamResponse, sub: Any, after: EventId | None) -> None:
        while True:
            try:
                event = await asyncio.wait_for(sub.queue.get(), self.keepalive)
            except TimeoutError:
                await self._write(response, format_comment("keep-alive"))
                continue
            if event is None:
                reason = sub.closed or "closed"
                await self._write(response, format_comment(f"{reason}; reconnect with Last-Event-ID"))
                return
            # A resuming client may already hold ids past this worker's start (another worker).
            if after is not None and event.id <= after:
                continue
            await self._write(response, format_event(event))

    @staticmethod
    async def _write(response: web.StreamResponse, data: bytes) -> None:
        await asyncio.wait_for(response.write(data), WRITE_TIMEOUT_SECONDS)
