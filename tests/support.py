"""Test helpers shared by unit and integration tests: a local feed server, free ports, topic reads."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import httpx
from kafka import KafkaConsumer
from kafka.structs import TopicPartition

from streams.records import FeedRef, RawItem
from streams.settings import Settings

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
SEED_FILE = SHARED / "data" / "seed" / "aljazeera-idlib-ceasefire.ar.txt"
SEED_TITLE = "بوتين وأردوغان يتفقان على تكثيف التشاور للتوصل لوقف إطلاق النار في إدلب"
SEED_URL = "https://www.aljazeera.net/news/politics/2020/2/21/بوتين-أردوغان-إدلب?traffic_source=rss"


def seed_text() -> str:
    return SEED_FILE.read_text(encoding="utf-8")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class FeedItem:
    title: str
    link: str | None
    description: str
    guid: str | None = None
    published: datetime = field(default_factory=lambda: datetime(2020, 2, 21, 15, 0, tzinfo=UTC))


def rss(items: list[FeedItem], title: str = "الجزيرة نت") -> bytes:
    """An RSS 2.0 document shaped like Al Jazeera's (description HTML-escaped, as they ship it)."""
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<rss version="2.0"><channel>',
        f"<title>{escape(title)}</title><link>https://www.aljazeera.net/</link>",
        "<description>feed</description><language>ar</language>",
    ]
    for item in items:
        parts.append("<item>")
        parts.append(f"<title>{escape(item.title)}</title>")
        if item.link:
            parts.append(f"<link>{escape(item.link)}</link>")
        if item.guid:
            parts.append(f'<guid isPermaLink="false">{escape(item.guid)}</guid>')
        paragraphs = "".join(f"<p>{escape(p)}</p>" for p in item.description.split("\n") if p.strip())
        parts.append(f"<description>{escape(paragraphs)}</description>")
        parts.append(f"<pubDate>{format_datetime(item.published)}</pubDate>")
        parts.append("</item>")
    parts.append("</channel></rss>")
    return "\n".join(parts).encode("utf-8")


class FeedServer:
    """A real HTTP server on loopback serving one mutable feed body, with ETag/304 support."""

    def __init__(self, body: bytes = b"") -> None:
        self.body = body
        self.requests: list[dict[str, str]] = []
        self.status_override: int | None = None
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.requests.append(dict(self.headers.items()))
                if server.status_override:
                    self.send_response(server.status_override)
                    self.end_headers()
                    return
                body = server.body  # one snapshot: the body may be replaced mid-request
                etag = f'"{hash(body) & 0xFFFFFFFF:x}"'
                if self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
                self.send_header("ETag", etag)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/rss.xml"

    def __enter__(self) -> FeedServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def read_topic(bootstrap: str, topic: str, *, settle: float = 0.0) -> list[Any]:
    """Every record currently in `topic`, read with a plain kafka-python consumer (no group)."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    try:
        parts = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())]
        if not parts:
            return []
        consumer.assign(parts)
        consumer.seek_to_beginning(*parts)
        if settle:
            time.sleep(settle)
        end = consumer.end_offsets(parts)
        records: list[Any] = []
        deadline = time.monotonic() + 30
        while any(consumer.position(p) < end[p] for p in parts) and time.monotonic() < deadline:
            for batch in consumer.poll(timeout_ms=500).values():
                records.extend(batch)
        return records
    finally:
        consumer.close()


def wait_for(predicate: Callable[[], Any], timeout: float, interval: float = 0.5, what: str = "") -> Any:
    """Poll `predicate` until it returns something truthy; fail with `what` after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what or predicate}")
        time.sleep(interval)


def make_raw(ident: str, **fields: Any) -> RawItem:
    """A valid English RawItem for tests that feed wire.raw directly; `fields` override."""
    values: dict[str, Any] = {
        "id": ident,
        "feed": FeedRef("https://www.aljazeera.com/xml/rss/all.xml", "Al Jazeera English", "en"),
        "guid": None,
        "url": f"https://example.com/{ident}",
        "canonical_url": f"https://example.com/{ident}",
        "title": "A story",
        "summary": "Nothing else.",
        "lang": "en",
        "published": None,
        "fetched": datetime.now(UTC),
        "content_hash": ident,
    }
    values.update(fields)
    return RawItem(**values)


def start_worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """`wirewatch worker` as a real subprocess with `env`, its output appended to `log`."""
    with open(log, "ab") as handle:
        return subprocess.Popen(
            [sys.executable, "-m", "streams", "worker"], env=env, stdout=handle, stderr=subprocess.STDOUT
        )


def wait_healthy(proc: subprocess.Popen[bytes], port: int, log: Path, timeout: float = 120.0) -> None:
    """Wait until the worker's /health says ok; fail with its log's tail if it exits first."""

    def healthy() -> bool:
        if proc.poll() is not None:
            raise AssertionError(f"worker exited {proc.returncode}:\n{log.read_text()[-4000:]}")
        try:
            return httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    wait_for(healthy, timeout, interval=0.2, what="worker /health to report ok")


def worker_setup(bootstrap: str, data: Path, partitions: int = 4) -> tuple[dict[str, str], int, Settings]:
    """Env, web port and settings for a worker on `bootstrap` with `partitions` per topic,
    whose topics are created now (benchmark and chaos scripts start workers this way)."""
    from streams.kafka.admin import ensure_topics

    web = free_port()
    env = {
        **os.environ,
        "WIREWATCH_BOOTSTRAP_SERVERS": bootstrap,
        "WIREWATCH_DATA_DIR": str(data),
        "WIREWATCH_WEB_PORT": str(web),
        "WIREWATCH_TOPIC_PARTITIONS": str(partitions),
    }
    settings = Settings(bootstrap_servers=bootstrap, data_dir=data, topic_partitions=partitions)
    ensure_topics(settings)
    return env, web, settings


def publishers_of(parents: set[int]) -> list[int]:
    """Pids of live `wirewatch publish` processes started by any of `parents`."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            environ = (proc / "environ").read_bytes().split(b"\0")
        except OSError:
            continue
        for parent in parents:
            if f"WIREWATCH_PUBLISHER_PARENT={parent}".encode() in environ:
                found.append(int(proc.name))
    return found
