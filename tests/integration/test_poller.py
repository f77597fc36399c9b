"""The poller against the real broker: exactly-once publishing, restarts, crashes, failing feeds."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from jsonschema import Draft202012Validator, FormatChecker
from kafka import KafkaConsumer
from kafka.consumer.fetcher import ConsumerRecord
from kafka.structs import TopicPartition

from streams.errors import BrokerError
from streams.feeds.poller import run_poller
from streams.feeds.state import FeedState
from streams.feeds.store import KafkaStore, load_states
from streams.settings import FeedConfig, Settings
from streams.topics import FEED_STATE, RAW
from tests.feeds.server import FeedHTTPServer, Route, feed_server, fixture_bytes

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
AR_FEED = fixture_bytes("aljazeera_ar.rss.xml")
EN_FEED = fixture_bytes("aljazeera_en.rss.xml")
RAW_SCHEMA = Draft202012Validator(
    json.loads((ROOT / "schemas" / "raw_item.schema.json").read_text(encoding="utf-8")),
    format_checker=FormatChecker(),
)

MakeSettings = Callable[..., Settings]


@pytest.fixture
def server() -> Iterator[FeedHTTPServer]:
    with feed_server() as running:
        yield running


@pytest.fixture
def make_settings(kafka_bootstrap: str) -> MakeSettings:
    """Settings on the test broker; every test gets its own topics (and transactional id)."""
    prefix = f"poll{uuid.uuid4().hex[:10]}."

    def make(*feeds: FeedConfig, **overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "bootstrap_servers": kafka_bootstrap,
            "topic_prefix": prefix,
            "allow_private_feeds": True,
            "http_timeout": 5.0,
            "feeds": feeds,
        }
        values.update(overrides)
        return Settings(**values)

    return make


def read_topic(settings: Settings, topic: str, *, committed: bool = True) -> list[ConsumerRecord]:
    """Everything in `topic` now, as a read_committed (or read_uncommitted) consumer sees it."""
    consumer = KafkaConsumer(
        bootstrap_servers=settings.bootstrap,
        enable_auto_commit=False,
        isolation_level="read_committed" if committed else "read_uncommitted",
    )
    try:
        parts = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic))]
        consumer.assign(parts)
        consumer.seek_to_beginning(*parts)
        end = consumer.end_offsets(parts)
        records: list[ConsumerRecord] = []
        for _ in range(120):
            if all(consumer.position(p) >= end[p] for p in parts):
                return records
            for batch in consumer.poll(timeout_ms=500).values():
                records.extend(batch)
        raise AssertionError(f"could not read {topic} to its end")
    finally:
        consumer.close()


def raw_items(settings: Settings, *, committed: bool = True) -> list[dict[str, Any]]:
    items = []
    for record in read_topic(settings, RAW.full_name(settings), committed=committed):
        value = orjson.loads(record.value)
        errors = list(RAW_SCHEMA.iter_errors(value))
        assert not errors, errors[0].message
        assert record.key == value["id"].encode()  # keyed by the stable item id
        items.append(value)
    return items


def test_items_appear_exactly_once_and_repolls_add_nothing(
    server: FeedHTTPServer, make_settings: MakeSettings
) -> None:
    server.routes["/ar"] = Route(AR_FEED, etag='"v1"', last_modified="Fri, 21 Feb 2020 16:05:12 GMT")
    settings = make_settings(FeedConfig(url=server.url("/ar"), name="Al Jazeera Arabic", lang="ar"))

    assert run_poller(settings, once=True) == 0
    first = raw_items(settings)
    assert len(first) == 3 and len({i["id"] for i in first}) == 3
    assert {i["feed"]["name"] for i in first} == {"Al Jazeera Arabic"}
    assert any("بوتين" in i["title"] for i in first)

    # Unchanged: the stored validators go back and the server answers 304.
    assert run_poller(settings, once=True) == 0
    assert server.requests[-1].headers["If-None-Match"] == '"v1"'
    # Same items in a rebuilt document: a 200, but every id is already known.
    server.routes["/ar"] = Route(AR_FEED + b"\n<!-- rebuilt -->", etag='"v2"')
    assert run_poller(settings, once=True) == 0
    assert server.requests[-1].headers["If-None-Match"] == '"v1"'

    assert raw_items(settings) == first
    assert raw_items(settings, committed=False) == first  # nothing aborted, nothing extra
    state = load_states(settings)[settings.feeds[0].url]
    assert state.etag == '"v2"' and state.items_published == 3
    assert set(state.recent_ids) == {i["id"] for i in first}


def test_restarted_poller_does_not_republish(server: FeedHTTPServer, make_settings: MakeSettings) -> None:
    # No ETag/Last-Modified: every poll is a full 200, so only the state topic's ids can
    # stop a restarted poller from publishing everything again.
    server.routes["/en"] = Route(EN_FEED)
    settings = make_settings(FeedConfig(url=server.url("/en")))
    assert run_poller(settings, once=True) == 0
    assert len(raw_items(settings)) == 2

    # A new process: nothing shared with the first poller but the broker.
    env = {
        **os.environ,
        "WIREWATCH_BOOTSTRAP_SERVERS": settings.bootstrap,
        "WIREWATCH_TOPIC_PREFIX": settings.topic_prefix,
        "WIREWATCH_ALLOW_PRIVATE_FEEDS": "true",
        "WIREWATCH_FEEDS": orjson.dumps([{"url": settings.feeds[0].url}]).decode(),
    }
    code = "from streams.feeds.poller import run_poller; from streams.settings import Settings\n"
    code += "raise SystemExit(run_poller(Settings(), once=True))"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "0 new of 2 entries" in done.stderr
    assert len(server.requests_to("/en")) == 2
    assert len(raw_items(settings)) == 2


def test_one_failing_feed_does_not_stop_the_other(
    server: FeedHTTPServer, make_settings: MakeSettings
) -> None:
    server.routes["/down"] = Route(b"upstream error", status=500)
    server.routes["/en"] = Route(EN_FEED)
    down, good = FeedConfig(url=server.url("/down")), FeedConfig(url=server.url("/en"))
    settings = make_settings(down, good)
    assert run_poller(settings, once=True) == 0
    items = raw_items(settings)
    assert len(items) == 2 and {i["feed"]["url"] for i in items} == {good.url}
    states = load_states(settings)
    assert states[down.url].error_streak == 1 and states[down.url].last_status == 500
    assert states[good.url].error_streak == 0 and states[good.url].items_published == 2


_CRASH_BEFORE_COMMIT = """
import os
from kafka import KafkaProducer
from streams.feeds.poller import run_poller
from streams.settings import Settings

def crash(self):
    self.flush()  # the records reach the broker inside the open transaction ...
    os._exit(17)  # ... and the process dies before committing it

KafkaProducer.commit_transaction = crash
run_poller(Settings(), once=True)
"""


def test_crash_mid_poll_leaves_nothing_visible_and_the_next_poll_publishes_once(
    server: FeedHTTPServer, make_settings: MakeSettings
) -> None:
    server.routes["/ar"] = Route(AR_FEED, etag='"v1"')
    settings = make_settings(FeedConfig(url=server.url("/ar")))
    env = {
        **os.environ,
        "WIREWATCH_BOOTSTRAP_SERVERS": settings.bootstrap,
        "WIREWATCH_TOPIC_PREFIX": settings.topic_prefix,
        "WIREWATCH_ALLOW_PRIVATE_FEEDS": "true",
        "WIREWATCH_FEEDS": orjson.dumps([{"url": settings.feeds[0].url}]).decode(),
    }
    crashed = subprocess.run(
        [sys.executable, "-c", _CRASH_BEFORE_COMMIT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert crashed.returncode == 17, crashed.stderr
    # The items did reach the log, but uncommitted: invisible to read_committed consumers.
    assert len(raw_items(settings, committed=False)) == 3
    assert raw_items(settings) == []

    # The successor (same transactional id) aborts the leftover transaction, finds no state
    # saying the items went out, and publishes them, once.
    assert run_poller(settings, once=True) == 0
    assert server.requests[-1].headers.get("If-None-Match") is None  # no state survived
    committed = raw_items(settings)
    assert len(committed) == 3 and len({i["id"] for i in committed}) == 3
    assert len(raw_items(settings, committed=False)) == 6  # aborted copies + committed ones
    assert load_states(settings)[settings.feeds[0].url].items_published == 3


def test_a_second_poller_with_the_same_id_fences_the_first(make_settings: MakeSettings) -> None:
    settings = make_settings(FeedConfig(url="http://127.0.0.1:9/unused"))
    first = KafkaStore(settings)
    try:
        first.publish([([], FeedState(url="u1"))])
        second = KafkaStore(settings)
        try:
            with pytest.raises(BrokerError):
                first.publish([([], FeedState(url="u2"))])
            second.publish([([], FeedState(url="u3"))])
        finally:
            second.close()
    finally:
        first.close()
    assert set(load_states(settings)) == {"u1", "u3"}
    assert len(read_topic(settings, FEED_STATE.full_name(settings))) == 2


def test_feeds_status_shows_each_feed(server: FeedHTTPServer, make_settings: MakeSettings) -> None:
    server.routes["/ar"] = Route(AR_FEED, etag='"1"')
    server.routes["/down"] = Route(b"", status=503)
    good = FeedConfig(url=server.url("/ar"), name="Al Jazeera Arabic (test)")
    bad = FeedConfig(url=server.url("/down"), name="Broken feed")
    settings = make_settings(good, bad)
    assert run_poller(settings, once=True) == 0

    from streams.feeds.status import status_lines

    lines = status_lines(settings, load_states(settings))
    row = next(line for line in lines if line.startswith("Al Jazeera Arabic (test)"))
    # status, items published, error streak
    assert re.search(r"\s200\s+3\s+0\s", row), row
    broken = next(line for line in lines if line.startswith("Broken feed"))
    assert re.search(r"\s503\s+0\s+1\s", broken), broken
    assert any("last error" in line for line in lines)
