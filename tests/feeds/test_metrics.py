"""Poller metrics: outcomes, entries and items published, served in the Prometheus format."""

from __future__ import annotations

from collections.abc import Callable

import httpx
from prometheus_client import generate_latest

from streams.feeds.metrics import PollMetrics
from streams.settings import FeedConfig, Settings
from tests.feeds.driver import Driver, MemoryStore
from tests.feeds.server import FeedHTTPServer, Route, fixture_bytes
from tests.support import free_port


def sample(metrics: PollMetrics, name: str) -> float:
    value = metrics.registry.get_sample_value(name.split("{")[0], _labels(name))
    return 0.0 if value is None else value


def _labels(name: str) -> dict[str, str]:
    if "{" not in name:
        return {}
    body = name[name.index("{") + 1 : -1]
    return dict(pair.split("=") for pair in body.replace('"', "").split(","))


def test_outcomes_are_counted(server: FeedHTTPServer, make_settings: Callable[..., Settings]) -> None:
    server.routes["/ar"] = Route(fixture_bytes("aljazeera_ar.rss.xml"), etag='"1"')
    server.routes["/down"] = Route(b"", status=500)
    ok, down = FeedConfig(url=server.url("/ar")), FeedConfig(url=server.url("/down"))
    metrics = PollMetrics()
    poller = Driver(make_settings(feeds=(ok, down)), MemoryStore(), metrics=metrics)
    try:
        poller.poll_feed(ok)
        poller.poll_feed(ok)  # 304
        poller.poll_feed(down)
    finally:
        poller.close()
    assert sample(metrics, 'wirewatch_polls_total{outcome="ok"}') == 1
    assert sample(metrics, 'wirewatch_polls_total{outcome="not_modified"}') == 1
    assert sample(metrics, 'wirewatch_polls_total{outcome="failed"}') == 1
    assert sample(metrics, "wirewatch_poll_items_published_total") == 3
    assert sample(metrics, "wirewatch_poll_seconds_count") == 3
    assert b"wirewatch_poll_entries_total 3.0" in generate_latest(metrics.registry)


def test_served_over_http() -> None:
    metrics = PollMetrics()
    metrics.record(200, None, entries=5, new=2, seconds=0.1)
    port = free_port()
    metrics.serve("127.0.0.1", port)
    body = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
    assert 'wirewatch_polls_total{outcome="ok"} 1.0' in body
    assert "wirewatch_poll_items_published_total 2.0" in body
