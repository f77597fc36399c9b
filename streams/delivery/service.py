"""Attach alert delivery (the SSE hub and one runner per webhook) to the worker's Faust app lifecycle."""

from __future__ import annotations

import logging
import weakref
from typing import Any

import faust
from mode import Service

from streams.delivery.hub import AlertHub
from streams.delivery.webhook_runner import WebhookRunner
from streams.delivery.webhooks import Webhook
from streams.errors import ConfigError
from streams.settings import Settings
from streams.topics import WEBHOOK_DEADLETTER

log = logging.getLogger(__name__)

_HUBS: weakref.WeakKeyDictionary[faust.App, AlertHub] = weakref.WeakKeyDictionary()


class DeliveryService(Service):
    """Started after the app (agents, web server) is up; stopped before the web server closes.

    Stopping the hub ends every open SSE stream, so the web server's shutdown does not wait
    for them; stopping a runner abandons its in-flight delivery without committing it, so it
    is sent again after a restart (receivers dedupe on X-Wirewatch-Delivery).
    """

    def __init__(self, settings: Settings, hub: AlertHub, webhooks: list[Webhook], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.settings = settings
        self.hub = hub
        self.webhooks = webhooks
        self._producer: Any = None
        self._runners: list[WebhookRunner] = []

    def __repr__(self) -> str:
        return f"<DeliveryService webhooks={[w.id for w in self.webhooks]}>"

    async def on_start(self) -> None:
        await self.hub.start()
        if not self.webhooks:
            return
        from aiokafka import AIOKafkaProducer

        from streams.delivery.aio import aiokafka_config

        self._producer = AIOKafkaProducer(
            acks="all",
            enable_idempotence=True,
            client_id=f"{self.settings.app_id}-webhook-deadletter",
            **aiokafka_config(self.settings),
        )
        await self._producer.start()
        self._runners = [WebhookRunner(self.settings, hook, self._producer) for hook in self.webhooks]
        for runner in self._runners:
            await runner.start()
        log.info(
            "webhooks: %s; dead letters to %s",
            ", ".join(f"{h.id} -> {h.safe_url}" for h in self.webhooks),
            WEBHOOK_DEADLETTER.full_name(self.settings),
        )

    async def on_stop(self) -> None:
        for runner in self._runners:
            await runner.stop()
        self._runners = []
        if self._producer is not None:
            await self._producer.stop()
            self._producer = None
        await self.hub.stop()


def resolve_webhooks(settings: Settings) -> list[Webhook]:
    """Every configured webhook, resolved; ConfigError (at start, loudly) for a bad one or a duplicate id."""
    hooks = [Webhook.from_config(cfg) for cfg in settings.webhooks]
    ids = [h.id for h in hooks]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise ConfigError(f"webhooks: duplicate webhook id {dupes[0]!r}; give each webhook a distinct name")
    for hook in hooks:
        if hook.secret is None:
            log.warning("webhook %s has no secret: its deliveries are not signed", hook.id)
    return hooks


def attach_delivery(app: faust.App, settings: Settings) -> AlertHub:
    """Create the hub and webhook runners and start them with `app` (the SSE views find the hub)."""
    hub = AlertHub(settings)
    webhooks = resolve_webhooks(settings)

    class _Delivery(DeliveryService):
        def __init__(self, **kwargs: Any) -> None:
            # app.service() instantiates the class with loop and beacon only.
            super().__init__(settings, hub, webhooks, **kwargs)

    app.service(_Delivery)
    _HUBS[app] = hub
    return hub


def hub_for(app: faust.App) -> AlertHub | None:
    """The hub attached to `app`, or None if delivery was not attached."""
    return _HUBS.get(app)
