"""Fetcher against a real loopback HTTP server: validators, 304, limits, errors, address guard."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from streams.feeds.fetch import Fetcher
from streams.feeds.netguard import PrivateAddressError, is_public, public_addresses
from streams.settings import Settings
from tests.feeds.server import FeedHTTPServer, Route, fixture_bytes
from tests.support import free_port

FEED = fixture_bytes("aljazeera_en.rss.xml")
ETAG = 'W/"5e4ff2cc-5f4"'
LAST_MODIFIED = "Fri, 21 Feb 2020 15:04:12 GMT"

MakeSettings = Callable[..., Settings]


def test_get_returns_body_validators_and_sends_user_agent(
    server: FeedHTTPServer, make_settings: MakeSettings
) -> None:
    server.routes["/rss"] = Route(FEED, etag=ETAG, last_modified=LAST_MODIFIED)
    with Fetcher(make_settings()) as fetcher:
        result = fetcher.fetch(server.url("/rss"))
    assert result.ok and result.status == 200
    assert result.body == FEED
    assert (result.etag, result.last_modified) == (ETAG, LAST_MODIFIED)
    assert result.content_type == "application/rss+xml; charset=utf-8"
    assert result.final_url == server.url("/rss")
    (request,) = server.requests
    assert request.headers["User-Agent"] == "Wirewatch-test/1.0"
    assert "If-None-Match" not in request.headers


def test_conditional_get_sends_validators_back_verbatim_and_handles_304(
    server: FeedHTTPServer, make_settings: MakeSettings
) -> None:
    server.routes["/rss"] = Route(FEED, etag=ETAG, last_modified=LAST_MODIFIED)
    with Fetcher(make_settings()) as fetcher:
        first = fetcher.fetch(server.url("/rss"))
        second = fetcher.fetch(server.url("/rss"), etag=first.etag, last_modified=first.last_modified)
    sent = server.requests[1].headers
    assert sent["If-None-Match"] == ETAG  # weak validator untouched
    assert sent["If-Modified-Since"] == LAST_MODIFIED
    assert second.not_modified and second.ok and second.body == b""
    # A 304 without Last-Modified keeps the one we already had.
    assert (second.etag, second.last_modified) == (ETAG, LAST_MODIFIED)


def test_if_modified_since_alone_gives_304(server: FeedHTTPServer, make_settings: MakeSettings) -> None:
    server.routes["/rss"] = Route(FEED, last_modified=LAST_MODIFIED)
    with Fetcher(make_settings()) as fetcher:
        result = fetcher.fetch(server.url("/rss"), last_modified=LAST_MODIFIED)
    assert result.status == 304 and result.last_modified == LAST_MODIFIED


def test_changed_validator_gets_the_new_body(server: FeedHTTPServer, make_settings: MakeSettings) -> None:
    server.routes["/rss"] = Route(FEED, etag='"v2"')
    with Fetcher(make_settings()) as fetcher:
        result = fetcher.fetch(server.url("/rss"), etag='"v1"')
    assert result.status == 200 and result.body == FEED and result.etag == '"v2"'


def test_redirects_are_followed_and_the_final_url_reported(
    server: FeedHTTPServer, make_settings: MakeSettings
) -> None:
    server.routes["/old"] = Route(redirect_to="/hop", status=301)
    server.routes["/hop"] = Route(redirect_to="/rss", status=302)
    server.routes["/rss"] = Route(FEED)
    with Fetcher(make_settings()) as fetcher:
        result = fetcher.fetch(server.url("/old"))
    assert result.ok and result.body == FEED
    assert result.url == server.url("/old") and result.final_url == server.url("/rss")


def test_redirect_loop_is_an_error(server: FeedHTTPServer, make_settings: MakeSettings) -> None:
    server.routes["/a"] = Route(redirect_to="/b")
    server.routes["/b"] = Route(redirect_to="/a")
    with Fetcher(make_settings()) as fetcher:
        result = fetcher.fetch(server.url("/a"))
    assert not result.ok and "TooManyRedirects" in str(result.error)


@pytest.mark.parametrize("no_length", [False, True], ids=["content-length", "streamed"])
def test_oversized_body_is_aborted(
    server: FeedHTTPServer, make_settings: MakeSettings, no_length: bool
) -> None:
    server.routes["/big"] = Route(b"<rss>" + b"x" * 200_000 + b"</rss>", no_length=no_length)
    with Fetcher(make_settings(max_body_bytes=50_000)) as fetcher:
        result = fetcher.fetch(server.url("/big"))
    assert not result.ok and result.status is None
    assert "too large" in str(result.error)
    assert result.body == b""


def test_size_limit_applies_after_decompression(server: FeedHTTPServer, make_settings: MakeSettings) -> None:
    # 2 MB of zeros gzip to about 2 KB: the limit must see the expanded size.
    server.routes["/bomb"] = Route(b"0" * 2_000_000, gzip=True, no_length=True)
    server.routes["/small"] = Route(FEED, gzip=True)
    with Fetcher(make_settings(max_body_bytes=100_000)) as fetcher:
        bomb = fetcher.fetch(server.url("/bomb"))
        small = fetcher.fetch(server.url("/small"))
    assert "too large" in str(bomb.error)
    assert small.ok and small.body == FEED


@pytest.mark.parametrize("status", [500, 404, 410])
def test_http_errors_are_results_not_exceptions(
    server: FeedHTTPServer, make_settings: MakeSettings, status: int
) -> None:
    server.routes["/rss"] = Route(b"oops", status=status)
    with Fetcher(make_settings()) as fetcher:
        result = fetcher.fetch(server.url("/rss"))
    assert result.status == status and not result.ok
    assert str(result.error).startswith(f"HTTP {status}")


def test_retry_after_is_reported(server: FeedHTTPServer, make_settings: MakeSettings) -> None:
    server.routes["/rss"] = Route(b"", status=503, headers={"Retry-After": "120"})
    with Fetcher(make_settings()) as fetcher:
        result = fetcher.fetch(server.url("/rss"))
    assert result.status == 503 and result.retry_after == 120.0


def test_connection_refused_is_a_result(make_settings: MakeSettings) -> None:
    with Fetcher(make_settings()) as fetcher:
        result = fetcher.fetch(f"http://127.0.0.1:{free_port()}/rss")
    assert result.status is None and not result.ok and "ConnectError" in str(result.error)


def test_slow_server_times_out(server: FeedHTTPServer, make_settings: MakeSettings) -> None:
    server.routes["/slow"] = Route(FEED, delay=2.0)
    with Fetcher(make_settings(http_timeout=0.3)) as fetcher:
        result = fetcher.fetch(server.url("/slow"))
    assert str(result.error).startswith("timeout")


def test_bad_url_is_a_result(make_settings: MakeSettings) -> None:
    with Fetcher(make_settings()) as fetcher:
        for url in ("ftp://example.com/feed", "not a url", "http://"):
            assert not fetcher.fetch(url).ok


def test_private_addresses_are_refused_unless_allowed(
    server: FeedHTTPServer, make_settings: MakeSettings
) -> None:
    server.routes["/rss"] = Route(FEED)
    with Fetcher(make_settings(allow_private_feeds=False)) as fetcher:
        for url in (server.url("/rss"), server.url("/rss").replace("127.0.0.1", "localhost")):
            result = fetcher.fetch(url)
            assert not result.ok and str(result.error).startswith("refused:")
    assert server.requests == []  # refused before connecting, not after
    with Fetcher(make_settings(allow_private_feeds=True)) as fetcher:
        assert fetcher.fetch(server.url("/rss")).ok


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",  # cloud metadata
        "100.64.0.1",  # carrier-grade NAT
        "0.0.0.0",
        "224.0.0.1",
        "::1",
        "fe80::1",
        "fc00::1",
        "::ffff:127.0.0.1",
        "::",
    ],
)
def test_non_public_addresses(address: str) -> None:
    assert not is_public(address)


@pytest.mark.parametrize("address", ["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111"])
def test_public_addresses(address: str) -> None:
    assert is_public(address)


def test_hostname_resolving_to_loopback_is_refused() -> None:
    with pytest.raises(PrivateAddressError):
        public_addresses("localhost", 80)
