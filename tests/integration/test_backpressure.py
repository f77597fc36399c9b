"""Backpressure: a webhook endpoint that is down neither slows the worker nor loses an alert; lag is visible.

The worker publishes every item and alert while the endpoint refuses connections; the
webhook's consumer group holds its position, so its lag (wirewatch lag, /metrics) equals the
alerts waiting; when the endpoint comes back, each alert is delivered and the lag drains to 0.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from kafka import KafkaProducer

from streams.kafka.lag import group_lag, total
from streams.settings import Settings
from streams.topics import ALERTS, ITEMS, RAW
from tests.benchmarks.chaos_worker import make_story
from tests.support import free_port, make_raw, read_topic, start_worker, wait_for, wait_healthy

pytestmark = pytest.mark.integration

ITEMS_SENT = 30


class Endpoint:
    """The webhook receiver, started late on the port the webhook was configured with."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.deliveries: dict[str, int] = {}
        self.lock = threading.Lock()
        self.server: ThreadingHTTPServer | None = None

    def start(self) -> None:
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with endpoint.lock:
                    key = self.headers["X-Wirewatch-Delivery"]
                    endpoint.deliveries[key] = endpoint.deliveries.get(key, 0) + 1
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()


def test_a_down_webhook_holds_its_lag_and_the_worker_keeps_publishing(
    kafka_bootstrap: str, tmp_path: Path
) -> None:
    run = uuid.uuid4().hex[:8]
    web, hook_port = free_port(), free_port()
    settings = Settings(bootstrap_servers=kafka_bootstrap, topic_prefix=f"bp{run}.", app_id=f"bp-{run}",
                        topic_partitions=2)  # fmt: skip
    env = {
        **os.environ,
        "WIREWATCH_BOOTSTRAP_SERVERS": kafka_bootstrap,
        "WIREWATCH_TOPIC_PREFIX": settings.topic_prefix,
        "WIREWATCH_APP_ID": settings.app_id,
        "WIREWATCH_TOPIC_PARTITIONS": "2",
        "WIREWATCH_WEB_PORT": str(web),
        "WIREWATCH_DATA_DIR": str(tmp_path),
        "WIREWATCH_LAG_INTERVAL": "1",
        "WIREWATCH_WEBHOOKS": orjson.dumps(
            [{"url": f"http://127.0.0.1:{hook_port}/hook", "name": "ops", "secret": "whsec-bp"}]
        ).decode(),
        "WIREWATCH_WEBHOOK_RETRY_FOR": "600",
        "WIREWATCH_WEBHOOK_BACKOFF_MAX": "1",
    }
    group = f"{settings.app_id}-webhook-ops"
    alerts_topic = ALERTS.full_name(settings)
    log = tmp_path / "worker.log"
    worker = start_worker(env, log)
    endpoint = Endpoint(hook_port)
    try:
        wait_healthy(worker, web, log)

        # The webhook's group commits its starting point once it has its partitions.
        def started() -> bool:
            lags = group_lag(settings, [group], topics=[alerts_topic])
            return bool(lags) and all(p.committed is not None for p in lags)

        wait_for(started, 60, what="the webhook group's starting offsets")

        producer = KafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")
        rng = random.Random(5)
        for n in range(ITEMS_SENT):
            story = make_story(4 * n, run, rng)  # 4n: every one mentions a ceasefire in Idlib
            raw = make_raw(uuid.uuid4().hex, title=story.title, summary=story.summary)
            producer.send(RAW.full_name(settings), key=raw.id.encode(), value=orjson.dumps(raw.to_json()))
        producer.flush()
        producer.close()

        counts: list[tuple[int, int]] = []

        def published() -> bool:
            assert httpx.get(f"http://127.0.0.1:{web}/health", timeout=5).status_code == 200
            items = read_topic(kafka_bootstrap, ITEMS.full_name(settings))
            counts.append((len(items), len(read_topic(kafka_bootstrap, alerts_topic))))
            return counts[-1] >= (ITEMS_SENT, ITEMS_SENT)

        # The endpoint refuses every connection, yet the worker publishes everything.
        try:
            wait_for(published, 90, interval=1.0, what="items and alerts while the webhook is down")
        except AssertionError:
            raise AssertionError(f"(items, alerts) seen: {counts[-5:]}\n{log.read_text()[-3000:]}") from None
        assert len(read_topic(kafka_bootstrap, alerts_topic)) == ITEMS_SENT
        # Nothing was delivered, nothing skipped: the webhook's lag is every alert, and visible.
        # (exact: wire.alerts is written in transactions, whose commit markers take offsets too)
        assert total(group_lag(settings, [group], topics=[alerts_topic], exact=True)) == ITEMS_SENT
        shown = subprocess.run(
            [sys.executable, "-m", "streams", "lag", "--group", group, "--exact"],
            env=env, capture_output=True, text=True, timeout=60, check=True,
        ).stdout  # fmt: skip
        assert group in shown and f" {ITEMS_SENT}\n" in shown
        metrics = httpx.get(f"http://127.0.0.1:{web}/metrics", timeout=5).text
        assert 'wirewatch_consumer_lag{stage="tag"' in metrics
        health = httpx.get(f"http://127.0.0.1:{web}/health", timeout=5).json()
        assert health["stuck"] == [] and set(health["lag"]) >= {"tag", "alert"}

        # The endpoint comes back: every alert arrives (once per delivery id) and the lag drains.
        endpoint.start()
        wait_for(lambda: total(group_lag(settings, [group], topics=[alerts_topic], exact=True)) == 0, 90,
                 what="webhook lag back to 0")  # fmt: skip
        with endpoint.lock:
            assert len(endpoint.deliveries) == ITEMS_SENT
    finally:
        endpoint.stop()
        worker.terminate()
        try:
            worker.wait(30)
        except subprocess.TimeoutExpired:
            worker.kill()
