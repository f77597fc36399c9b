"""Shared fixtures. `kafka_bootstrap`: one real Kafka broker for the whole test session."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from streams.kafka.broker import LocalBroker, wait_for_broker
from streams.settings import Settings

TEST_BOOTSTRAP_ENV = "WIREWATCH_TEST_BOOTSTRAP"


@pytest.fixture(scope="session")
def kafka_bootstrap() -> Iterator[str]:
    """`host:port` of a real broker: $WIREWATCH_TEST_BOOTSTRAP if set, else an ephemeral local one.

    The local broker listens on free ports (never a user's 9092), keeps its data in a temporary
    dir deleted at the end, and reuses the jar cache of the default settings.
    """
    existing = os.environ.get(TEST_BOOTSTRAP_ENV, "").strip()
    if existing:
        wait_for_broker(existing, 30.0)
        yield existing
        return
    with LocalBroker.ephemeral(Settings().cache_dir) as broker:
        yield broker.bootstrap
