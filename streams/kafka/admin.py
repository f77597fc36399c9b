"""Create the declared topics (idempotently) with kafka-python's admin client."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from typing import TypeVar

from kafka.admin import KafkaAdminClient, NewTopic
from kafka.errors import KafkaError, TopicAlreadyExistsError

from streams.errors import BrokerError
from streams.settings import Settings
from streams.topics import ALL_TOPICS, TopicSpec

log = logging.getLogger(__name__)

T = TypeVar("T")


def retrying(call: Callable[[], T], timeout: float = 30.0) -> T:
    """`call()`, retried while it fails with a retriable Kafka error (a group coordinator
    that is still loading, a leader moving) for up to `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return call()
        except KafkaError as exc:
            if not getattr(exc, "retriable", False) or time.monotonic() > deadline:
                raise
        time.sleep(0.5)


def ensure_topics(
    settings: Settings, specs: Iterable[TopicSpec] = ALL_TOPICS, timeout: float = 60.0
) -> list[str]:
    """Create every missing topic; existing ones are left as they are. Returns the names created."""
    wanted = {spec.full_name(settings): spec for spec in specs}
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        try:
            admin = KafkaAdminClient(
                client_id=f"{settings.app_id}-admin",
                request_timeout_ms=15000,
                **settings.kafka_python_config(),
            )
        except KafkaError as exc:  # broker not reachable yet
            last_error = exc
            time.sleep(1.0)
            continue
        try:
            existing = set(admin.list_topics())
            missing = [
                NewTopic(
                    name=name,
                    num_partitions=spec.partition_count(settings),
                    replication_factor=settings.topic_replication,
                    topic_configs=spec.configs(),
                )
                for name, spec in wanted.items()
                if name not in existing
            ]
            created: list[str] = []
            for topic in missing:
                try:
                    admin.create_topics([topic])
                    created.append(topic.name)
                except TopicAlreadyExistsError:
                    pass  # another process created it first: fine
            if created:
                log.info("created topics: %s", ", ".join(created))
            return created
        except KafkaError as exc:
            last_error = exc
            time.sleep(1.0)
        finally:
            admin.close()
    raise BrokerError(f"could not create topics on {settings.bootstrap}: {last_error}")
