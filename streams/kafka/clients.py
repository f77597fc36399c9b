"""kafka-python producer and consumer factories with the project's delivery settings."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from kafka import KafkaConsumer, KafkaProducer
from kafka.errors import KafkaTimeoutError
from kafka.serializer import Serializer

from streams.settings import Settings


class Utf8KeySerializer(Serializer):  # type: ignore[misc]
    """Keys are UTF-8 strings on the wire; bytes pass through unchanged."""

    def serialize(self, topic: str, headers: Any, data: str | bytes | None) -> bytes | None:
        return data.encode("utf-8") if isinstance(data, str) else data


def make_producer(settings: Settings, **overrides: Any) -> KafkaProducer:
    """An idempotent producer (acks=all): a retried send never writes a message twice."""
    config: dict[str, Any] = {
        "acks": "all",
        "enable_idempotence": True,
        "linger_ms": 5,
        "retries": 2**31 - 1,
        "max_in_flight_requests_per_connection": 5,
        "key_serializer": Utf8KeySerializer(),
        "client_id": f"{settings.app_id}-producer",
    }
    config.update(settings.kafka_python_config())
    config.update(overrides)
    return KafkaProducer(**config)


def make_consumer(settings: Settings, *topics: str, **overrides: Any) -> KafkaConsumer:
    """A consumer of raw bytes; decode with streams.records.loads so bad input stays visible."""
    config: dict[str, Any] = {
        "auto_offset_reset": "earliest",
        "enable_auto_commit": False,
        "client_id": f"{settings.app_id}-consumer",
        # A group member that died (SIGKILL, a lost host) holds its partitions until the group
        # notices: 10 s, as the worker's Faust consumer, not kafka-python's 45 s default.
        "session_timeout_ms": 10000,
        "heartbeat_interval_ms": 2000,
    }
    config.update(settings.kafka_python_config())
    config.update(overrides)
    return KafkaConsumer(*topics, **config)


def bounded(call: Callable[[], None], what: str, timeout: float) -> None:
    """Run a blocking kafka-python call in a daemon thread; KafkaTimeoutError after `timeout`.

    kafka-python's init/commit/abort of a transaction wait without a timeout of their own, and
    after a broker restart its transaction manager can stop looking for the coordinator: the
    caller gets an error to act on (a new producer) instead of a hang. A call that times out is
    left blocked in its thread; a daemon thread does not keep the process alive.
    """
    done = threading.Event()
    errors: list[BaseException] = []

    def target() -> None:
        try:
            call()
        except BaseException as exc:  # handed to the caller's thread below
            errors.append(exc)
        finally:
            done.set()

    threading.Thread(target=target, name=f"kafka-{what}", daemon=True).start()
    if not done.wait(timeout):
        raise KafkaTimeoutError(f"{what} did not complete within {timeout:.0f}s")
    if errors:
        raise errors[0]
