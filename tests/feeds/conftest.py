"""Fixtures for the poller's unit tests: a live loopback feed server and test settings."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from streams.settings import Settings
from tests.feeds.server import FeedHTTPServer, feed_server


@pytest.fixture
def server() -> Iterator[FeedHTTPServer]:
    with feed_server() as running:
        yield running


@pytest.fixture
def make_settings() -> Callable[..., Settings]:
    """Settings for tests: loopback feeds allowed, short timeouts, no broker configured."""

    def make(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "allow_private_feeds": True,
            "http_timeout": 5.0,
            "poll_interval": 60.0,
            "poll_backoff_max": 600.0,
            "user_agent": "Wirewatch-test/1.0",
        }
        values.update(overrides)
        return Settings(**values)

    return make
