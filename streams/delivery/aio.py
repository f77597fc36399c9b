"""aiokafka connection settings for the delivery services (SSE hub, replay, webhooks) from Settings."""

from __future__ import annotations

import asyncio
from typing import Any

from streams.settings import Settings


def aiokafka_config(settings: Settings) -> dict[str, Any]:
    """Bootstrap, TLS and SASL keyword arguments shared by every aiokafka client we create."""
    from streams.kafka.security import aiokafka_security

    return {"bootstrap_servers": settings.bootstrap, **aiokafka_security(settings)}


async def topic_partitions(consumer: Any, topic: str, timeout: float = 30.0) -> list[int]:
    """Every partition of `topic` per fresh cluster metadata; RuntimeError if it has none in time.

    aiokafka's `partitions_for_topic` only knows topics the client already tracks (subscribed
    ones), so a group-less reader that assigns partitions itself asks the cluster directly.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        cluster = await consumer._client.fetch_all_metadata()
        parts = cluster.partitions_for_topic(topic)
        if parts:
            return sorted(parts)
        if loop.time() > deadline:
            raise RuntimeError(f"topic {topic} has no partitions (not created?)")
        await asyncio.sleep(0.5)


def viewer_consumer(settings: Settings, role: str) -> Any:
    """An aiokafka consumer that reads committed alerts without a group: a viewer, which must
    neither steal partitions from services nor commit offsets (`role` names it to the broker)."""
    from aiokafka import AIOKafkaConsumer

    return AIOKafkaConsumer(
        group_id=None,
        enable_auto_commit=False,
        isolation_level="read_committed",
        client_id=f"{settings.app_id}-{role}",
        **aiokafka_config(settings),
    )
