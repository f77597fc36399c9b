"""The poll loop over a real loopback HTTP server, with an in-memory Store (no broker needed).

The Store is the poller's seam, like httpx's transport: these tests exercise the loop's
logic; tests/integration/test_poller.py runs the same loop against the real broker.
"""

from __future__ import annotations

import io
import os
import signal
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import orjson
import pytest

from streams.errors import BrokerError, ConfigError
from streams.feeds.parse import ParsedFeed, parse_feed
from streams.feeds.poller import run_poller
from streams.feeds.state import FeedState
from streams.records import validate
from streams.settings import FeedConfig, Settings
from tests.feeds.driver import Driver, MemoryStore
from tests.feeds.server import FeedHTTPServer, Route, fixture_bytes

MakeSettings = Callable[..., Settings]
MakePoller = Callable[[Settings, MemoryStore], Driver]
NOW = datetime(2020, 2, 21, 16, 0, tzinfo=UTC)
AR_FEED = fixture_bytes("aljazeera_ar.rss.xml")


@pytest.fixture
def store() -> MemoryStore:
    return MemoryStore()


@pytest.fixture
def drivers() -> Iterator[list[Driver]]:
    made: list[Driver] = []
    yield made
    for driver in made:
        driver.close()


@pytest.fixture
def make_poller(drivers: list[Driver]) -> Callable[[Settings, MemoryStore], Driver]:
    def make(settings: Settings, store: MemoryStore) -> Driver:
        driver = Driver(settings, store, clock=lambda: NOW)
        drivers.append(driver)
        return driver

    return make


def _feed(server: FeedHTTPServer, path: str, **kw: str) -> FeedConfig:
    return FeedConfig(url=server.url(path), **kw)


def test_first_poll_publishes_every_item_once_oldest_first(
    server: FeedHTTPServer, make_settings: MakeSettings, store: MemoryStore, make_poller: MakePoller
) -> None:
    server.routes["/ar"] = Route(AR_FEED, etag='"1"')
    feed = _feed(server, "/ar", name="Al Jazeera Arabic", lang="ar")
    outcome = make_poller(make_settings(feeds=(feed,)), store).poll_feed(feed)

    assert (outcome.status, outcome.entries, outcome.new, outcome.error) == (200, 3, 3, None)
    assert [i.guid for i in store.published] == [
        "aj-2020-02-21-raids",
        "aj-2020-02-21-un-displacement",
        "aj-2020-02-21-putin-erdogan-idlib",
    ]
    for item in store.published:
        validate("raw_item", item.to_json())
        assert item.feed.url == feed.url and item.feed.name == "Al Jazeera Arabic"
        assert item.lang == "ar" and item.fetched == NOW
    assert len({i.id for i in store.published}) == 3
    idlib = store.published[-1]
    assert idlib.canonical_url is not None and "traffic_source" not in idlib.canonical_url
    state = store.states[feed.url]
    assert state.etag == '"1"' and set(state.recent_ids) == {i.id for i in store.published}
    assert state.items_published == 3


def test_unchanged_feed_publishes_nothing_on_304_or_on_200(
    server: FeedHTTPServer, make_settings: MakeSettings, store: MemoryStore, make_poller: MakePoller
) -> None:
    server.routes["/ar"] = Route(AR_FEED, etag='"1"')
    feed = _feed(server, "/ar")
    poller = make_poller(make_settings(feeds=(feed,)), store)
    poller.poll_feed(feed)

    again = poller.poll_feed(feed)
    assert again.status == 304 and again.new == 0
    assert server.requests[-1].headers["If-None-Match"] == '"1"'

    # Same items behind a new ETag (a rebuilt but unchanged feed): a 200, still nothing new.
    server.routes["/ar"] = Route(AR_FEED + b"\n", etag='"2"')
    rebuilt = poller.poll_feed(feed)
    assert (rebuilt.status, rebuilt.new) == (200, 0)
    assert len(store.published) == 3
    assert store.states[feed.url].etag == '"2"'


def test_item_id_is_stable_when_tracking_parameters_change(
    server: FeedHTTPServer, make_settings: MakeSettings, store: MemoryStore, make_poller: MakePoller
) -> None:
    server.routes["/ar"] = Route(AR_FEED, etag='"1"')
    feed = _feed(server, "/ar")
    poller = make_poller(make_settings(feeds=(feed,)), store)
    poller.poll_feed(feed)
    first_ids = [i.id for i in store.published]

    # The next build of the feed tags its links differently and renames the guids.
    retagged = AR_FEED.replace(b"traffic_source=rss", b"traffic_source=twitter&amp;utm_campaign=x").replace(
        b"aj-2020-02-21-", b"guid-v2-"
    )
    assert retagged != AR_FEED
    server.routes["/ar"] = Route(retagged, etag='"2"')
    outcome = poller.poll_feed(feed)
    assert (outcome.status, outcome.new) == (200, 0)
    assert [i.id for i in store.published] == first_ids


def test_only_the_new_item_is_published(
    server: FeedHTTPServer, make_settings: MakeSettings, store: MemoryStore, make_poller: MakePoller
) -> None:
    server.routes["/ar"] = Route(AR_FEED, etag='"1"')
    feed = _feed(server, "/ar")
    poller = make_poller(make_settings(feeds=(feed,)), store)
    poller.poll_feed(feed)
    new_item = (
        b"<item><title>\xd8\xae\xd8\xa8\xd8\xb1 \xd8\xac\xd8\xaf\xd9\x8a\xd8\xaf</title>"
        b"<link>https://www.aljazeera.net/news/2020/2/21/new</link>"
        b"<description>&lt;p&gt;text&lt;/p&gt;</description></item>"
    )
    server.routes["/ar"] = Route(AR_FEED.replace(b"<item>", new_item + b"<item>", 1), etag='"2"')
    outcome = poller.poll_feed(feed)
    assert outcome.new == 1 and outcome.entries == 4
    assert store.published[-1].title == "خبر جديد"
    assert store.published[-1].summary == "text"


def test_failing_feed_never_stops_the_others(
    server: FeedHTTPServer, make_settings: MakeSettings, store: MemoryStore, make_poller: MakePoller
) -> None:
    server.routes["/broken"] = Route(b"boom", status=500)
    server.routes["/en"] = Route(fixture_bytes("aljazeera_en.rss.xml"))
    broken, good = _feed(server, "/broken"), _feed(server, "/en")
    settings = make_settings(feeds=(broken, good), poll_interval=300, poll_backoff_max=3600)
    outcomes = make_poller(settings, store).poll_all()

    assert [o.error is None for o in outcomes] == [False, True]
    assert outcomes[0].error == "HTTP 500 Internal Server Error"
    assert outcomes[1].new == 2 and len(store.published) == 2
    failed = store.states[broken.url]
    assert failed.error_streak == 1 and failed.last_status == 500
    assert failed.next_due is not None
    assert 15 <= (failed.next_due - NOW).total_seconds() <= 30
    assert "FAILED" in outcomes[0].summary_line() and "2 new" in outcomes[1].summary_line()


def test_failures_back_off_and_success_resets(
    server: FeedHTTPServer, make_settings: MakeSettings, store: MemoryStore, make_poller: MakePoller
) -> None:
    server.routes["/rss"] = Route(b"", status=503)
    feed = _feed(server, "/rss")
    poller = make_poller(make_settings(feeds=(feed,), poll_interval=300), store)
    waits = []
    for _ in range(4):
        state = poller.poll_feed(feed).state
        assert state.next_due is not None
        waits.append((state.next_due - NOW).total_seconds())
    assert store.states[feed.url].error_streak == 4
    assert waits[3] > waits[0] and 120 <= waits[3] <= 240

    server.routes["/rss"] = Route(AR_FEED)
    recovered = poller.poll_feed(feed)
    assert recovered.error is None and recovered.state.error_streak == 0


def test_a_non_feed_is_a_failure_and_its_validators_are_not_kept(
    server: FeedHTTPServer, make_settings: MakeSettings, store: MemoryStore, make_poller: MakePoller
) -> None:
    server.routes["/rss"] = Route(
        b"<html><body>Maintenance</body></html>", content_type="text/html", etag='"m"'
    )
    feed = _feed(server, "/rss")
    outcome = make_poller(make_settings(feeds=(feed,)), store).poll_feed(feed)
    assert outcome.error is not None and outcome.error.startswith("not a feed")
    assert store.states[feed.url].etag is None  # so the real feed is fetched in full later


def test_malformed_feed_still_publishes_its_good_items(
    server: FeedHTTPServer, make_settings: MakeSettings, store: MemoryStore, make_poller: MakePoller
) -> None:
    server.routes["/rss"] = Route(fixture_bytes("malformed.rss.xml"))
    feed = _feed(server, "/rss")
    outcome = make_poller(make_settings(feeds=(feed,)), store).poll_feed(feed)
    assert outcome.error is None and outcome.new >= 2


def test_items_without_guid_or_link_get_stable_content_ids(
    server: FeedHTTPServer, make_settings: MakeSettings, store: MemoryStore, make_poller: MakePoller
) -> None:
    server.routes["/rss"] = Route(fixture_bytes("no_guid_link.rss.xml"))
    feed = _feed(server, "/rss")
    poller = make_poller(make_settings(feeds=(feed,)), store)
    assert poller.poll_feed(feed).new == 4
    assert poller.poll_feed(feed).new == 0  # no ETag here: a full 200, all ids known


def test_unexpected_error_in_one_feed_is_contained(
    server: FeedHTTPServer,
    make_settings: MakeSettings,
    store: MemoryStore,
    make_poller: MakePoller,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    server.routes["/a"] = Route(AR_FEED)
    server.routes["/b"] = Route(fixture_bytes("aljazeera_en.rss.xml"))

    def flaky_parse(body: bytes, *, base_url: str, **kw: str | None) -> ParsedFeed:  # runs in a thread
        if base_url.endswith("/a"):
            raise RuntimeError("bug triggered by a hostile feed")
        return parse_feed(body, base_url=base_url, **kw)

    monkeypatch.setattr("streams.feeds.poller.parse_feed", flaky_parse)
    feeds = (_feed(server, "/a"), _feed(server, "/b"))
    outcomes = make_poller(make_settings(feeds=feeds), store).poll_all()
    assert outcomes[0].error == "RuntimeError: bug triggered by a hostile feed"
    assert outcomes[1].new == 2


def test_broker_failure_propagates_and_the_items_stay_unpublished(
    server: FeedHTTPServer, make_settings: MakeSettings, store: MemoryStore, make_poller: MakePoller
) -> None:
    server.routes["/ar"] = Route(AR_FEED, etag='"1"')
    feed = _feed(server, "/ar")
    poller = make_poller(make_settings(feeds=(feed,)), store)
    store.fail = True
    with pytest.raises(BrokerError):
        poller.poll_feed(feed)
    assert poller.state(feed) == FeedState(url=feed.url)  # memory did not run ahead of Kafka
    store.fail = False
    # Same validators as before the failure: a full fetch, and every item goes out once.
    assert poller.poll_feed(feed).new == 3
    assert "If-None-Match" not in server.requests[-1].headers


def test_state_from_the_store_prevents_republishing_after_restart(
    server: FeedHTTPServer, make_settings: MakeSettings, store: MemoryStore, make_poller: MakePoller
) -> None:
    server.routes["/ar"] = Route(AR_FEED)  # no validators: every poll is a full 200
    feed = _feed(server, "/ar")
    settings = make_settings(feeds=(feed,))
    make_poller(settings, store).poll_feed(feed)
    restarted = make_poller(settings, store)  # loads the states the first one wrote
    assert restarted.poll_feed(feed).new == 0
    assert len(store.published) == 3


def test_run_poller_once_writes_json_lines_and_a_summary(
    server: FeedHTTPServer, make_settings: MakeSettings, capsys: pytest.CaptureFixture[str]
) -> None:
    server.routes["/ar"] = Route(AR_FEED)
    server.routes["/down"] = Route(b"", status=502)
    settings = make_settings(feeds=(_feed(server, "/ar", name="AJ Arabic"), _feed(server, "/down")))
    out = io.StringIO()
    assert run_poller(settings, once=True, output=out) == 0
    lines = out.getvalue().splitlines()
    assert len(lines) == 3
    for line in lines:
        validate("raw_item", orjson.loads(line))
    summary = capsys.readouterr().err
    assert "ok     200  AJ Arabic: 3 new of 3 entries" in summary
    assert "FAILED 502" in summary


def test_run_poller_without_feeds_is_a_config_error(make_settings: MakeSettings) -> None:
    with pytest.raises(ConfigError):
        run_poller(make_settings(feeds=()), once=True, output=io.StringIO())


def test_sigterm_stops_the_loop_cleanly(server: FeedHTTPServer, make_settings: MakeSettings) -> None:
    server.routes["/ar"] = Route(AR_FEED)
    settings = make_settings(feeds=(_feed(server, "/ar"),), poll_interval=3600)
    out = io.StringIO()
    timer = threading.Timer(1.0, os.kill, (os.getpid(), signal.SIGTERM))
    timer.start()
    try:
        assert run_poller(settings, once=False, output=out) == 0
    finally:
        timer.cancel()
    assert len(out.getvalue().splitlines()) == 3  # it polled, then idled until the signal
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL  # handlers restored
