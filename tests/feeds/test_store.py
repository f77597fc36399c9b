"""Store pieces that need no broker: state replay rules, bounded Kafka calls, JSON Lines output."""

from __future__ import annotations

import io
import threading
import time
from datetime import UTC, datetime

import orjson
import pytest
from kafka.errors import KafkaTimeoutError

from streams.feeds.state import FeedState
from streams.feeds.store import JsonLinesStore, _apply, _bounded, transactional_id
from streams.records import FeedRef, RawItem
from streams.settings import Settings


def test_replay_keeps_the_latest_good_state_per_feed() -> None:
    states: dict[str, FeedState] = {}
    _apply(states, b"u", FeedState(url="u", etag='"1"').encode())
    _apply(states, b"u", FeedState(url="u", etag='"2"').encode())
    _apply(states, b"u", b"{not json")  # a corrupt record must not wipe the feed's memory
    _apply(states, b"v", FeedState(url="v").encode())
    _apply(states, b"v", None)  # tombstone: deleted on purpose
    _apply(states, None, b"ignored")
    assert states == {"u": FeedState(url="u", etag='"2"')}


def test_bounded_call_times_out_instead_of_hanging() -> None:
    release = threading.Event()

    def stuck() -> None:  # like commit_transaction with the broker gone
        release.wait(30)

    started = time.monotonic()
    with pytest.raises(KafkaTimeoutError):
        _bounded(stuck, "stuck", 0.2)
    assert time.monotonic() - started < 5
    release.set()


def test_bounded_call_reraises_in_the_caller() -> None:
    def fail() -> None:
        raise KafkaTimeoutError("from the call")

    with pytest.raises(KafkaTimeoutError, match="from the call"):
        _bounded(fail, "fail", 5)
    _bounded(lambda: None, "fine", 5)


def test_transactional_id_separates_pollers_and_deployments() -> None:
    a = Settings(app_id="ww", poller_id="p1", topic_prefix="prod.")
    assert transactional_id(a) == "ww-prod.poller-p1"
    assert transactional_id(a) != transactional_id(a.model_copy(update={"poller_id": "p2"}))
    assert transactional_id(a) != transactional_id(a.model_copy(update={"topic_prefix": "dev."}))


def test_json_lines_store_writes_one_record_per_line() -> None:
    out = io.StringIO()
    store = JsonLinesStore(out)
    item = RawItem(
        id="a" * 32,
        feed=FeedRef(url="https://www.aljazeera.net/rss", name="الجزيرة", lang="ar"),
        guid=None,
        url=None,
        canonical_url=None,
        title="عنوان",
        summary="نص",
        lang="ar",
        published=None,
        fetched=datetime(2020, 2, 21, tzinfo=UTC),
        content_hash="b" * 32,
    )
    store.publish([([item, item], FeedState(url="https://www.aljazeera.net/rss"))])
    lines = out.getvalue().splitlines()
    assert len(lines) == 2 and "عنوان" in lines[0]  # UTF-8 kept readable, not \u-escaped
    assert RawItem.from_json(orjson.loads(lines[0])) == item
    assert store.load_states() == {}
