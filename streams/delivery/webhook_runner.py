"""One webhook's delivery loop: a consumer group on wire.alerts, commit only after delivered or dead-lettered.

Group `<app_id>-webhook-<webhook id>`: workers share a webhook's partitions, and a restarted
worker resumes at the first alert not yet delivered. Alerts are handled one at a time per
worker, so while an endpoint is down the loop waits and the group's lag grows (visible with
any Kafka lag tool) instead of alerts being dropped. A new webhook starts at the end of
wire.alerts; its starting offsets are committed at once, so a restart cannot skip alerts.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

import httpx
import orjson

from streams.delivery.aio import aiokafka_config
from streams.delivery.webhooks import Outcome, Sender, Webhook
from streams.errors import InputError
from streams.records import decode, validate
from streams.records.models import format_time, utcnow
from streams.settings import Settings
from streams.topics import ALERTS, WEBHOOK_DEADLETTER

log = logging.getLogger(__name__)

RESTART_DELAY = 5.0
_MAX_POLL_INTERVAL_MS = 2**31 - 1


def deadletter_record(webhook: Webhook, record: Any, outcome: Outcome, alert: Any) -> dict[str, Any]:
    """The wire.webhook-deadletter value: the alert, where it came from, and why it failed."""
    return {
        "schema_version": 1,
        "webhook": {"id": webhook.id, "url": webhook.safe_url},
        "alert_id": alert.get("alert_id") if isinstance(alert, dict) else None,
        "alert": alert if isinstance(alert, dict) else None,
        "value": None if isinstance(alert, dict) else bytes(record.value).decode("utf-8", "replace"),
        "topic": record.topic,
        "partition": record.partition,
        "offset": record.offset,
        "attempts": outcome.attempts,
        "status": outcome.status,
        "error": (outcome.error or "")[:4000],
        "failed": format_time(utcnow()),
    }


class WebhookRunner:
    """Consumes wire.alerts for one webhook and delivers matching alerts through a Sender."""

    def __init__(self, settings: Settings, webhook: Webhook, producer: Any) -> None:
        self.settings = settings
        self.webhook = webhook
        self.producer = producer
        self.topic = ALERTS.full_name(settings)
        self.group_id = f"{settings.app_id}-webhook-{webhook.id}"
        self._task: asyncio.Task[None] | None = None
        self._done: dict[Any, int] = {}  # next offset to handle per partition (local dedup)
        self._initialised: set[Any] = set()

    def __repr__(self) -> str:
        return f"<WebhookRunner {self.webhook.id} {self.webhook.safe_url}>"

    async def start(self) -> None:
        self._task = asyncio.create_task(self._supervise(), name=f"webhook-{self.webhook.id}")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            # The loop's own failure, if any, was logged where it happened.
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
            self._task = None

    async def _supervise(self) -> None:
        # Infrastructure errors are logged loudly and the loop restarts from committed offsets.
        while True:
            try:
                await self._run()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception(
                    "webhook %s: delivery loop failed; restarting in %.0f s", self.webhook.id, RESTART_DELAY
                )
                await asyncio.sleep(RESTART_DELAY)

    async def _run(self) -> None:
        from aiokafka import AIOKafkaConsumer

        settings = self.settings
        consumer = AIOKafkaConsumer(
            group_id=self.group_id,
            enable_auto_commit=False,
            auto_offset_reset="latest",
            isolation_level="read_committed",
            client_id=f"{settings.app_id}-webhook-{self.webhook.id}",
            # Delivery of one alert may retry for webhook_retry_for; aiokafka heartbeats and
            # rejoins in the background meanwhile, so only the idle check needs widening.
            max_poll_interval_ms=min(
                _MAX_POLL_INTERVAL_MS,
                int((settings.webhook_retry_for + settings.webhook_backoff_max + 120) * 1000),
            ),
            **aiokafka_config(settings),
        )
        self._initialised.clear()
        await consumer.start()
        try:
            consumer.subscribe([self.topic])
            async with httpx.AsyncClient(follow_redirects=False, trust_env=False) as client:
                sender = Sender(
                    self.webhook,
                    client,
                    retry_for=settings.webhook_retry_for,
                    backoff_max=settings.webhook_backoff_max,
                )
                log.info(
                    "webhook %s: delivering to %s (group %s)",
                    self.webhook.id,
                    self.webhook.safe_url,
                    self.group_id,
                )
                while True:
                    batch = await consumer.getmany(timeout_ms=1000, max_records=100)
                    await self._commit_start(consumer, batch)
                    for tp, records in sorted(batch.items(), key=lambda kv: kv[0].partition):
                        for record in records:
                            if record.offset < self._done.get(tp, 0):
                                continue  # handled before a rebalance re-fetched it
                            if tp not in consumer.assignment():
                                break  # revoked: its new owner continues from our last commit
                            await self._handle(sender, record)
                            self._done[tp] = record.offset + 1
                            await self._commit(consumer, tp, record.offset + 1)
        finally:
            await consumer.stop()

    async def _commit_start(self, consumer: Any, batch: dict[Any, list[Any]]) -> None:
        """Commit the starting offset of newly assigned partitions that have no commit yet."""
        for tp in consumer.assignment() - self._initialised:
            if await consumer.committed(tp) is None:
                fetched = batch.get(tp)
                start = fetched[0].offset if fetched else await consumer.position(tp)
                await self._commit(consumer, tp, start)
            self._initialised.add(tp)

    async def _commit(self, consumer: Any, tp: Any, offset: int) -> None:
        from aiokafka.errors import CommitFailedError, IllegalStateError

        try:
            await consumer.commit({tp: offset})
        except (CommitFailedError, IllegalStateError) as exc:
            # Lost the partition in a rebalance: the new owner redelivers (receivers dedupe).
            log.warning("webhook %s: commit of %s@%d failed: %s", self.webhook.id, tp, offset, exc)

    async def _handle(self, sender: Sender, record: Any) -> None:
        try:
            alert = decode(record.value, "alert")
        except InputError as exc:
            await self._dead_letter(record, Outcome(False, 0, f"unreadable alert: {exc}"), None)
            return
        if not self.webhook.filter.matches(alert):
            return
        # The body is the record as produced (same bytes as the topic), so signatures match it.
        outcome = await sender.deliver(alert["alert_id"], bytes(record.value))
        if outcome.delivered:
            log.info(
                "webhook %s: delivered alert %s (%d attempts)",
                self.webhook.id,
                alert["alert_id"],
                outcome.attempts,
            )
            return
        await self._dead_letter(record, outcome, alert)

    async def _dead_letter(self, record: Any, outcome: Outcome, alert: Any) -> None:
        value = deadletter_record(self.webhook, record, outcome, alert)
        validate("webhook_deadletter", value)
        log.error(
            "webhook %s: dead-lettering %s[%s]@%s after %d attempts: %s",
            self.webhook.id, record.topic, record.partition, record.offset, outcome.attempts, outcome.error,
        )  # fmt: skip
        await self.producer.send_and_wait(
            WEBHOOK_DEADLETTER.full_name(self.settings),
            key=self.webhook.id.encode(),
            value=orjson.dumps(value),
        )
