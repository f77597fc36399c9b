"""Fetcher against a real loopback HTTP server: validators, 304, limits, errors, address guard."""

from __future__ import annotations

import asyncio
import gzip
import time
import zlib
from collections.abc import Callable
from typing import Any

import brotli
import pytest

from streams.feeds.fetch import Fetcher, FetchResult
from streams.feeds.netguard import PrivateAddressError, is_public, public_addresses
from streams.settings import Settings
from tests.feedfarm import FarmConfig, running_farm
from tests.feeds.server import FeedHTTPServer, Route, fixture_bytes
from tests.support import free_port

FEED = fixture_bytes("aljazeera_en.rss.xml")
ETAG = 'W/"5e4ff2cc-5f4"'
LAST_MODIFIED = "Fri, 21 Feb 2020 15:04:12 GMT"

MakeSettings = Callable[..., Settings]


def fetch_all(settings: Settings, *calls: tuple[str, dict[str, Any]]) -> list[FetchResult]:
    """Run fetches one after the other through one Fetcher (one event loop, one pool)."""

    async def run() -> list[FetchResult]:
        async with Fetcher(settings) as fetcher:
            return [await fetcher.fetch(url, **kw) for url, kw in calls]

    return asyncio.run(run())


def fetch(settings: Settings, url: str, **kw: Any) -> FetchResult:
    return fetch_all(settings, (url, kw))[0]


def test_get_returns_body_validators_and_sends_user_agent(
    server: FeedHTTPServer, make_settings: MakeSettings
) -> None:
    server.routes["/rss"] = Route(FEED, etag=ETAG, last_modified=LAST_MODIFIED)
    result = fetch(make_settings(), server.url("/rss"))
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
    first = fetch(make_settings(), server.url("/rss"))
    second = fetch(make_settings(), server.url("/rss"), etag=first.etag, last_modified=first.last_modified)
    sent = server.requests[1].headers
    assert sent["If-None-Match"] == ETAG  # weak validator untouched
    assert sent["If-Modified-Since"] == LAST_MODIFIED
    assert second.not_modified and second.ok and second.body == b""
    # A 304 without Last-Modified keeps the one we already had.
    assert (second.etag, second.last_modified) == (ETAG, LAST_MODIFIED)


def test_if_modified_since_alone_gives_304(server: FeedHTTPServer, make_settings: MakeSettings) -> None:
    server.routes["/rss"] = Route(FEED, last_modified=LAST_MODIFIED)
    result = fetch(make_settings(), server.url("/rss"), last_modified=LAST_MODIFIED)
    assert result.status == 304 and result.last_modified == LAST_MODIFIED


def test_changed_validator_gets_the_new_body(server: FeedHTTPServer, make_settings: MakeSettings) -> None:
    server.routes["/rss"] = Route(FEED, etag='"v2"')
    result = fetch(make_settings(), server.url("/rss"), etag='"v1"')
    assert result.status == 200 and result.body == FEED and result.etag == '"v2"'


def test_redirects_are_followed_and_the_final_url_reported(
    server: FeedHTTPServer, make_settings: MakeSettings
) -> None:
    server.routes["/old"] = Route(redirect_to="/hop", status=301)
    server.routes["/hop"] = Route(redirect_to="/rss", status=302)
    server.routes["/rss"] = Route(FEED)
    result = fetch(make_settings(), server.url("/old"))
    assert result.ok and result.body == FEED
    assert result.url == server.url("/old") and result.final_url == server.url("/rss")


def test_redirect_loop_is_an_error(server: FeedHTTPServer, make_settings: MakeSettings) -> None:
    server.routes["/a"] = Route(redirect_to="/b")
    server.routes["/b"] = Route(redirect_to="/a")
    result = fetch(make_settings(), server.url("/a"))
    assert not result.ok and "TooManyRedirects" in str(result.error)


@pytest.mark.parametrize("no_length", [False, True], ids=["content-length", "streamed"])
def test_oversized_body_is_aborted(
    server: FeedHTTPServer, make_settings: MakeSettings, no_length: bool
) -> None:
    server.routes["/big"] = Route(b"<rss>" + b"x" * 200_000 + b"</rss>", no_length=no_length)
    result = fetch(make_settings(max_body_bytes=50_000), server.url("/big"))
    assert not result.ok and result.status is None
    assert "too large" in str(result.error)
    assert result.body == b""


def test_size_limit_applies_after_decompression(server: FeedHTTPServer, make_settings: MakeSettings) -> None:
    # 2 MB of zeros gzip to about 2 KB: the limit must see the expanded size.
    server.routes["/bomb"] = Route(b"0" * 2_000_000, gzip=True, no_length=True)
    server.routes["/small"] = Route(FEED, gzip=True)
    bomb, small = fetch_all(
        make_settings(max_body_bytes=100_000), (server.url("/bomb"), {}), (server.url("/small"), {})
    )
    assert "too large" in str(bomb.error)
    assert small.ok and small.body == FEED


@pytest.mark.parametrize("status", [500, 404, 410])
def test_http_errors_are_results_not_exceptions(
    server: FeedHTTPServer, make_settings: MakeSettings, status: int
) -> None:
    server.routes["/rss"] = Route(b"oops", status=status)
    result = fetch(make_settings(), server.url("/rss"))
    assert result.status == status and not result.ok
    assert str(result.error).startswith(f"HTTP {status}")


def test_retry_after_is_reported(server: FeedHTTPServer, make_settings: MakeSettings) -> None:
    server.routes["/rss"] = Route(b"", status=503, headers={"Retry-After": "120"})
    result = fetch(make_settings(), server.url("/rss"))
    assert result.status == 503 and result.retry_after == 120.0


def test_connection_refused_is_a_result(make_settings: MakeSettings) -> None:
    result = fetch(make_settings(), f"http://127.0.0.1:{free_port()}/rss")
    assert result.status is None and not result.ok and "ConnectError" in str(result.error)


def test_slow_server_times_out(server: FeedHTTPServer, make_settings: MakeSettings) -> None:
    server.routes["/slow"] = Route(FEED, delay=2.0)
    result = fetch(make_settings(http_timeout=0.3), server.url("/slow"))
    assert str(result.error).startswith("timeout")


def test_bad_url_is_a_result(make_settings: MakeSettings) -> None:
    for url in ("ftp://example.com/feed", "not a url", "http://"):
        assert not fetch(make_settings(), url).ok


def test_private_addresses_are_refused_unless_allowed(
    server: FeedHTTPServer, make_settings: MakeSettings
) -> None:
    server.routes["/rss"] = Route(FEED)
    for url in (server.url("/rss"), server.url("/rss").replace("127.0.0.1", "localhost")):
        result = fetch(make_settings(allow_private_feeds=False), url)
        assert not result.ok and str(result.error).startswith("refused:")
    assert server.requests == []  # refused before connecting, not after
    assert fetch(make_settings(allow_private_feeds=True), server.url("/rss")).ok


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


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "raw-deflate", "br"])
def test_compressed_bodies_are_decoded(
    server: FeedHTTPServer, make_settings: MakeSettings, encoding: str
) -> None:
    packed = {
        "gzip": gzip.compress,
        "deflate": zlib.compress,
        "raw-deflate": lambda b: zlib.compress(b)[2:-4],
        "br": brotli.compress,
    }[encoding](FEED)
    header = "deflate" if encoding == "raw-deflate" else encoding
    server.routes["/rss"] = Route(packed, headers={"Content-Encoding": header})
    result = fetch(make_settings(), server.url("/rss"))
    assert result.ok and result.body == FEED
    assert "br" in server.requests[0].headers["Accept-Encoding"]


def test_brotli_bomb_is_cut_without_expanding(server: FeedHTTPServer, make_settings: MakeSettings) -> None:
    bomb = brotli.compress(b"\0" * 200_000_000, quality=4)  # ~150 bytes on the wire
    server.routes["/bomb"] = Route(bomb, headers={"Content-Encoding": "br"})
    result = fetch(make_settings(max_body_bytes=1_000_000), server.url("/bomb"))
    assert not result.ok and "too large" in str(result.error)


def test_permanent_redirects_report_the_new_url_temporary_ones_do_not(
    server: FeedHTTPServer, make_settings: MakeSettings
) -> None:
    server.routes["/old"] = Route(redirect_to="/new", status=301)
    server.routes["/older"] = Route(redirect_to="/old", status=308)
    server.routes["/temp"] = Route(redirect_to="/new", status=302)
    server.routes["/mixed"] = Route(redirect_to="/temp", status=301)
    server.routes["/new"] = Route(FEED)
    old, older, temp, mixed = fetch_all(
        make_settings(), *((server.url(p), {}) for p in ("/old", "/older", "/temp", "/mixed"))
    )
    assert old.moved_to == server.url("/new")
    assert older.moved_to == server.url("/new")  # 308 then 301: both permanent
    assert temp.moved_to is None and temp.ok
    assert mixed.moved_to == server.url("/temp")  # permanent up to the temporary hop


def test_cache_headers_give_a_freshness_lifetime(server: FeedHTTPServer, make_settings: MakeSettings) -> None:
    server.routes["/max-age"] = Route(FEED, headers={"Cache-Control": "public, max-age=600", "Age": "100"})
    server.routes["/no-store"] = Route(FEED, headers={"Cache-Control": "no-store, max-age=600"})
    server.routes["/plain"] = Route(FEED)
    max_age, no_store, plain = fetch_all(
        make_settings(), *((server.url(p), {}) for p in ("/max-age", "/no-store", "/plain"))
    )
    assert max_age.fresh_for == 500
    assert no_store.fresh_for is None and plain.fresh_for is None


def test_total_timeout_bounds_a_trickling_server(make_settings: MakeSettings) -> None:
    with running_farm(FarmConfig(feeds=1, kinds={0: "trickle"})) as farm:
        started = time.monotonic()
        result = fetch(make_settings(http_timeout=2.0, http_total_timeout=1.5), farm.url(0))
        elapsed = time.monotonic() - started
    assert str(result.error).startswith("timeout: no complete response within 1.5s")
    assert elapsed < 3
