"""Alert delivery through the real worker and broker: SSE (live, filters, resume, token) and webhooks."""

from __future__ import annotations

import os
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from kafka import KafkaAdminClient, KafkaProducer

from streams.delivery.webhooks import verify_signature
from streams.records import validate
from streams.topics import ALERTS, WEBHOOK_DEADLETTER
from tests.support import free_port, read_topic, start_worker, wait_for, wait_healthy

pytestmark = pytest.mark.integration

TOKEN = "s3cret-sse-token"
SECRET = b"whsec-test-0123456789"


def make_alert(
    rule: str, *, severity: str = "high", countries: tuple[str, ...] = ("SY",), n: int = 0
) -> dict[str, Any]:
    ident = uuid.uuid4().hex
    return {
        "schema_version": 1,
        "alert_id": ident,
        "rule": rule,
        "severity": severity,
        "kind": "new",
        "item_id": ident,
        "story_id": ident,
        "title": f"وقف إطلاق النار في إدلب {n}",
        "url": f"https://example.com/{ident}",
        "lang": "ar",
        "feed": {"url": "https://example.com/rss", "name": "test", "lang": "ar"},
        "matches": [
            {"concept": "idlib", "term": "إدلب", "field": "title", "start": 16, "end": 20, "text": "إدلب"}
        ],
        "snippet": "وقف إطلاق النار في ⟦إدلب⟧",
        "tags": {"countries": list(countries), "places": [], "regions": [], "actors": []},
        "published": None,
        "fetched": "2024-01-01T00:00:00Z",
        "alerted": "2024-01-01T00:00:01Z",
    }


@dataclass
class Receiver:
    """A webhook endpoint on loopback: records verified deliveries; `fail_with` simulates outages."""

    fail_with: dict[str, int] = field(default_factory=dict)  # path -> status to answer
    received: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # path -> deliveries
    attempts: dict[str, int] = field(default_factory=dict)
    bad_signatures: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> ThreadingHTTPServer:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with receiver.lock:
                    receiver.attempts[self.path] = receiver.attempts.get(self.path, 0) + 1
                    status = receiver.fail_with.get(self.path)
                    if status is None:
                        ok = verify_signature(
                            SECRET,
                            self.headers.get("X-Wirewatch-Timestamp", ""),
                            body,
                            self.headers.get("X-Wirewatch-Signature", ""),
                        )
                        if not ok:
                            receiver.bad_signatures += 1
                            status = 401
                        else:
                            receiver.received.setdefault(self.path, []).append(
                                {
                                    "delivery": self.headers["X-Wirewatch-Delivery"],
                                    "event": self.headers["X-Wirewatch-Event"],
                                    "content_type": self.headers["Content-Type"],
                                    "alert": orjson.loads(body),
                                }
                            )
                            status = 200
                self.send_response(status)
                if status == 503:
                    self.send_header("Retry-After", "1")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server

    def unique(self, path: str) -> dict[str, dict[str, Any]]:
        """Deliveries to `path` deduplicated by X-Wirewatch-Delivery, as a receiver should."""
        with self.lock:
            return {d["delivery"]: d for d in self.received.get(path, [])}


@dataclass
class Worker:
    proc: subprocess.Popen[bytes]
    log: Path
    base: str
    topic_prefix: str
    app_id: str
    bootstrap: str
    receiver: Receiver
    producer: KafkaProducer

    def send(self, alert: dict[str, Any]) -> None:
        self.producer.send(
            f"{self.topic_prefix}{ALERTS.name}", key=alert["rule"].encode(), value=orjson.dumps(alert)
        )
        self.producer.flush()


@pytest.fixture(scope="module")
def worker(kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Worker]:
    run_id = uuid.uuid4().hex[:8]
    data_dir = tmp_path_factory.mktemp("delivery")
    secret_file = data_dir / "webhook.secret"
    secret_file.write_bytes(SECRET + b"\n")
    receiver = Receiver()
    server = receiver.start()
    hook_base = f"http://127.0.0.1:{server.server_address[1]}"
    port = free_port()
    prefix, app_id = f"dlv{run_id}.", f"wirewatch-dlv-{run_id}"
    webhooks = [
        {"name": "ops", "url": f"{hook_base}/ok", "secret_file": str(secret_file), "rules": ["hook-ok"]},
        {"name": "broken", "url": f"{hook_base}/bad", "secret": SECRET.decode(), "rules": ["hook-bad"]},
        {"name": "picky", "url": f"{hook_base}/picky", "secret": SECRET.decode(), "countries": ["IQ"],
         "min_severity": "high"},
    ]  # fmt: skip
    env = {
        **os.environ,
        "WIREWATCH_BOOTSTRAP_SERVERS": kafka_bootstrap,
        "WIREWATCH_TOPIC_PREFIX": prefix,
        "WIREWATCH_APP_ID": app_id,
        "WIREWATCH_WEB_PORT": str(port),
        "WIREWATCH_DATA_DIR": str(data_dir),
        "WIREWATCH_TOPIC_PARTITIONS": "3",
        "WIREWATCH_FEEDS": "[]",
        "WIREWATCH_SSE_TOKEN": TOKEN,
        "WIREWATCH_WEBHOOKS": orjson.dumps(webhooks).decode(),
        "WIREWATCH_WEBHOOK_RETRY_FOR": "120",
        "WIREWATCH_WEBHOOK_BACKOFF_MAX": "1",
    }
    log = data_dir / "worker.log"
    proc = start_worker(env, log)
    base = f"http://127.0.0.1:{port}"

    def webhook_groups_ready() -> bool:
        # Each webhook group commits its starting offsets once it owns its partitions.
        admin = KafkaAdminClient(bootstrap_servers=kafka_bootstrap)
        try:
            for hook in ("ops", "broken", "picky"):
                group = f"{app_id}-webhook-{hook}"
                offsets = admin.list_group_offsets(group).get(group, {})
                topic = f"{prefix}{ALERTS.name}"
                if len([tp for tp, om in offsets.items() if tp.topic == topic and om.offset >= 0]) < 3:
                    return False
            return True
        finally:
            admin.close()

    producer = KafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")
    try:
        wait_healthy(proc, port, log)
        wait_for(webhook_groups_ready, timeout=90, what="webhook consumer groups to commit start offsets")
        yield Worker(proc, log, base, prefix, app_id, kafka_bootstrap, receiver, producer)
        # An open stream must not hold up shutdown: the hub ends it with a final comment.
        client, ctx = open_stream(
            Worker(proc, log, base, prefix, app_id, kafka_bootstrap, receiver, producer)
        )
        with client, ctx as response:
            reader = SSEReader(response)
            reader.wait(lambda r: "connected" in r.comments, 30, "the connected comment")
            started = time.monotonic()
            proc.terminate()
            proc.wait(20)
            assert time.monotonic() - started < 15, "shutdown waited for the open stream"
            reader.wait(lambda r: any("shutting down" in c for c in r.comments), 5, "the closing comment")
    finally:
        producer.close()
        if proc.poll() is None:
            proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise AssertionError("worker did not stop within 30 s of SIGTERM") from None
        finally:
            server.shutdown()
            server.server_close()


class SSEReader:
    """Reads SSE blocks from an httpx streaming response on a thread, with bounded waits."""

    def __init__(self, response: httpx.Response) -> None:
        self.events: list[dict[str, str]] = []
        self.comments: list[str] = []
        self._cv = threading.Condition()
        self._thread = threading.Thread(target=self._read, args=(response,), daemon=True)
        self._thread.start()

    def _read(self, response: httpx.Response) -> None:
        block: dict[str, str] = {}
        try:
            for line in response.iter_lines():
                with self._cv:
                    if line.startswith(":"):
                        self.comments.append(line[1:].strip())
                    elif line == "":
                        if "data" in block:
                            self.events.append(block)
                        block = {}
                    else:
                        name, _, value = line.partition(":")
                        block[name] = value.removeprefix(" ")
                    self._cv.notify_all()
        except httpx.HTTPError:
            pass

    def wait(self, predicate: Any, timeout: float, what: str) -> None:
        with self._cv:
            if not self._cv.wait_for(lambda: predicate(self), timeout):
                raise AssertionError(f"timed out after {timeout} s waiting for {what}; got {self.events}")

    def alerts(self) -> list[dict[str, Any]]:
        with self._cv:
            return [orjson.loads(e["data"]) for e in self.events]


def open_stream(worker: Worker, query: str = "", headers: dict[str, str] | None = None) -> Any:
    client = httpx.Client(timeout=httpx.Timeout(10.0, read=60.0))
    hdrs = {"Authorization": f"Bearer {TOKEN}", **(headers or {})}
    return client, client.stream("GET", f"{worker.base}/alerts/stream{query}", headers=hdrs)


def test_sse_requires_the_token(worker: Worker) -> None:
    url = f"{worker.base}/alerts/stream"
    assert httpx.get(url, timeout=10).status_code == 401
    assert httpx.get(url, headers={"Authorization": "Bearer wrong"}, timeout=10).status_code == 401
    assert TOKEN not in worker.log.read_text()  # never logged


def test_sse_live_alerts_with_filters_and_resume(worker: Worker) -> None:
    client, ctx = open_stream(worker, "?rule=sse-a&rule=sse-b&country=sy")
    with client, ctx as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        reader = SSEReader(response)
        reader.wait(lambda r: "connected" in r.comments, 30, "the connected comment")
        first = make_alert("sse-a", n=1)
        worker.send(make_alert("sse-other", n=99))  # filtered out by rule
        worker.send(make_alert("sse-b", countries=("EG",), n=98))  # filtered out by country
        worker.send(first)
        reader.wait(lambda r: len(r.events) >= 1, 30, "the live alert")
        time.sleep(1)  # a filtered alert would have arrived by now, in the same batch
        assert [a["alert_id"] for a in reader.alerts()] == [first["alert_id"]]
        event = reader.events[0]
        assert event["event"] == "alert"
        assert orjson.loads(event["data"]) == first
        last_id = event["id"]

    # While disconnected, two more alerts: a resuming client gets exactly those, in order.
    later = [make_alert("sse-a", n=2), make_alert("sse-b", n=3)]
    for alert in later:
        time.sleep(0.01)  # distinct timestamps
        worker.send(alert)
    for how in ("header", "query"):
        if how == "header":
            client, ctx = open_stream(worker, "?rule=sse-a&rule=sse-b", {"Last-Event-ID": last_id})
        else:
            client, ctx = open_stream(worker, f"?rule=sse-a&rule=sse-b&last_event_id={last_id}")
        with client, ctx as response:
            reader = SSEReader(response)
            n = len(later)
            reader.wait(lambda r, n=n: len(r.events) >= n, 30, f"replayed alerts ({how})")
            time.sleep(1)
            assert [a["alert_id"] for a in reader.alerts()] == [a["alert_id"] for a in later]
            # ...and then the live stream continues on the same connection.
            live = make_alert("sse-b", n=4)
            worker.send(live)
            reader.wait(lambda r, n=n: len(r.events) >= n + 1, 30, "a live alert after the replay")
            assert reader.alerts()[-1]["alert_id"] == live["alert_id"]
            later.append(live)


def test_sse_rejects_a_malformed_last_event_id(worker: Worker) -> None:
    response = httpx.get(
        f"{worker.base}/alerts/stream?last_event_id=yesterday", headers={"Authorization": f"Bearer {TOKEN}"}
    )
    assert response.status_code == 400


def test_live_page_is_html_with_eventsource(worker: Worker) -> None:
    response = httpx.get(f"{worker.base}/alerts", timeout=10)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    assert "EventSource" in response.text and 'dir = "auto"' in response.text
    assert "innerHTML" not in response.text
    assert "nonce-" in response.headers["content-security-policy"]


def test_webhook_survives_an_outage_and_delivers_each_alert_once(worker: Worker) -> None:
    receiver = worker.receiver
    with receiver.lock:
        receiver.fail_with["/ok"] = 503
    alerts = [make_alert("hook-ok", n=i) for i in range(5)]
    for alert in alerts:
        worker.send(alert)
    wait_for(lambda: receiver.attempts.get("/ok", 0) >= 3, 60, what="retries during the outage")
    assert receiver.unique("/ok") == {}
    with receiver.lock:
        del receiver.fail_with["/ok"]  # the endpoint recovers
    wanted = {a["alert_id"] for a in alerts}
    got = wait_for(lambda: receiver.unique("/ok") if set(receiver.unique("/ok")) >= wanted else None, 90,
                   what="every alert after recovery")  # fmt: skip
    assert set(got) == wanted
    for delivery in got.values():
        assert delivery["event"] == "alert" and delivery["content_type"] == "application/json"
        assert delivery["alert"]["alert_id"] == delivery["delivery"]
        validate("alert", delivery["alert"])
    assert receiver.bad_signatures == 0
    # At-least-once with an idempotency key: duplicates, if any, carry the same delivery id.
    assert len(receiver.received["/ok"]) >= len(wanted)
    # Only rule hook-ok goes to this webhook; nothing reaches the dead-letter topic for it.
    dead = read_topic(worker.bootstrap, f"{worker.topic_prefix}{WEBHOOK_DEADLETTER.name}")
    assert not [d for d in dead if orjson.loads(d.value)["webhook"]["id"] == "ops"]
    assert SECRET.decode() not in worker.log.read_text()


def test_webhook_filters_by_country_and_severity(worker: Worker) -> None:
    match = make_alert("any-rule", severity="critical", countries=("IQ", "SY"))
    for alert in (
        make_alert("any-rule", severity="medium", countries=("IQ",)),
        make_alert("any-rule", severity="critical", countries=("SY",)),
        match,
    ):
        worker.send(alert)
    wait_for(lambda: match["alert_id"] in worker.receiver.unique("/picky"), 60, what="the matching alert")
    time.sleep(2)
    assert set(worker.receiver.unique("/picky")) == {match["alert_id"]}


def test_permanent_failure_is_dead_lettered(worker: Worker) -> None:
    with worker.receiver.lock:
        worker.receiver.fail_with["/bad"] = 400
    alert = make_alert("hook-bad")
    worker.send(alert)
    topic = f"{worker.topic_prefix}{WEBHOOK_DEADLETTER.name}"

    def dead_letters() -> list[dict[str, Any]]:
        values = [orjson.loads(r.value) for r in read_topic(worker.bootstrap, topic)]
        return [v for v in values if v["alert_id"] == alert["alert_id"]]

    [dead] = wait_for(dead_letters, 60, what="the dead letter")
    validate("webhook_deadletter", dead)
    assert dead["webhook"] == {"id": "broken", "url": dead["webhook"]["url"]}
    assert dead["webhook"]["url"].endswith("/bad") and dead["attempts"] == 1 and dead["status"] == 400
    assert dead["alert"] == alert and "400" in dead["error"]
    assert SECRET.decode() not in orjson.dumps(dead).decode()
    assert worker.receiver.attempts["/bad"] == 1  # a permanent failure is not retried
