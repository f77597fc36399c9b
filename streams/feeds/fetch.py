"""Conditional GET of one feed URL with size, time and address limits; failures are data."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from types import TracebackType

import httpx

from streams.errors import FeedError
from streams.feeds.decode import ACCEPT_ENCODING, BodyTooLarge, BoundedDecoder
from streams.feeds.netguard import PrivateAddressError, async_transport
from streams.feeds.schedule import cache_lifetime
from streams.records.models import utcnow
from streams.retry import retry_after_seconds
from streams.settings import Settings

MAX_REDIRECTS = 5
CLOSE_TIMEOUT_S = 3.0
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)
# Redirects that say "use the new URL from now on" (RFC 9110 15.4.2, RFC 7538).
PERMANENT = frozenset({301, 308})


@dataclass(frozen=True)
class FetchResult:
    """The outcome of one GET: a body, "not modified", or an error (never an exception)."""

    url: str
    final_url: str
    # None when no HTTP response arrived (DNS, connect, timeout, refused address).
    status: int | None
    body: bytes = b""
    etag: str | None = None
    last_modified: str | None = None
    content_type: str | None = None
    content_language: str | None = None
    # Seconds the server asked us to wait (Retry-After on 429/503), for the backoff.
    retry_after: float | None = None
    # Seconds the response stays fresh (Cache-Control max-age or Expires): no poll before.
    fresh_for: float | None = None
    # Where the feed now lives when every redirect hop up to it was permanent (301/308).
    moved_to: str | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def not_modified(self) -> bool:
        return self.error is None and self.status == 304


class Fetcher:
    """One async HTTP client shared by every fetch (connection reuse); an async context manager.

    Limits are layered: httpx's connect/read timeouts bound each step, and `total_timeout`
    bounds the whole fetch, so a server that trickles a byte per read timeout cannot hold a
    slot (and the feeds waiting for it) for hours; the body is cut at `max_body_bytes`
    after decompression.
    """

    def __init__(self, settings: Settings, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self._max_body = settings.max_body_bytes
        self._total_timeout = settings.http_total_timeout
        connections = settings.poll_concurrency + 4
        if transport is None:
            limits = httpx.Limits(
                max_connections=connections,
                max_keepalive_connections=connections,
                keepalive_expiry=75.0,  # feeds on one host are polled seconds apart
            )
            transport = async_transport(allow_private=settings.allow_private_feeds, limits=limits)
        self._client = httpx.AsyncClient(
            transport=transport,
            timeout=httpx.Timeout(
                settings.http_timeout,
                connect=settings.http_connect_timeout,
                pool=settings.http_total_timeout,
            ),
            follow_redirects=True,
            max_redirects=MAX_REDIRECTS,
            headers={
                "User-Agent": settings.user_agent,
                "Accept": ACCEPT,
                "Accept-Encoding": ACCEPT_ENCODING,
            },
            # Environment proxies would bypass the address guard (the proxy dials the feed).
            trust_env=False,
        )

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        # Bounded: a connection that will not close cleanly must not keep the poller alive.
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(CLOSE_TIMEOUT_S):
                await self._client.aclose()

    async def fetch(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FetchResult:
        """GET `url`, sending the stored validators back verbatim (servers compare strings)."""
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        final_url = url
        try:
            async with asyncio.timeout(self._total_timeout):
                async with self._client.stream("GET", url, headers=headers) as response:
                    final_url = str(response.url)
                    return await self._read(url, response, etag, last_modified)
        except TimeoutError:
            error = f"timeout: no complete response within {self._total_timeout:g}s"
            return FetchResult(url, final_url, status=None, error=error)
        except PrivateAddressError as exc:
            return FetchResult(url, final_url, status=None, error=f"refused: {exc}")
        except httpx.TimeoutException as exc:
            return FetchResult(url, final_url, status=None, error=f"timeout: {_describe(exc)}")
        except FeedError as exc:
            return FetchResult(url, final_url, status=None, error=str(exc))
        except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError) as exc:
            return FetchResult(url, final_url, status=None, error=_describe(exc))

    async def _read(
        self, url: str, response: httpx.Response, etag: str | None, last_modified: str | None
    ) -> FetchResult:
        final_url = str(response.url)
        status = response.status_code
        moved_to = _moved_to(url, response)
        # A 304 may omit validators; the ones we sent are still the current ones then.
        new_etag = response.headers.get("ETag") or (etag if status == 304 else None)
        new_modified = response.headers.get("Last-Modified") or (last_modified if status == 304 else None)
        fresh_for = cache_lifetime(response.headers, utcnow())
        if status == 304:
            return FetchResult(
                url,
                final_url,
                304,
                etag=new_etag,
                last_modified=new_modified,
                fresh_for=fresh_for,
                moved_to=moved_to,
            )
        if not 200 <= status < 300:
            return FetchResult(
                url,
                final_url,
                status,
                retry_after=retry_after_seconds(response.headers.get("Retry-After")),
                moved_to=moved_to,
                error=f"HTTP {status} {response.reason_phrase}".rstrip(),
            )
        return FetchResult(
            url,
            final_url,
            status,
            body=await self._body(response),
            etag=new_etag,
            last_modified=new_modified,
            content_type=response.headers.get("Content-Type"),
            content_language=response.headers.get("Content-Language"),
            fresh_for=fresh_for,
            moved_to=moved_to,
        )

    async def _body(self, response: httpx.Response) -> bytes:
        """Read and decode the body, aborting as soon as it passes max_body_bytes."""
        declared = response.headers.get("Content-Length", "")
        encoding = response.headers.get("Content-Encoding")
        if not encoding and declared.isdigit() and int(declared) > self._max_body:
            raise BodyTooLarge(f"body too large: Content-Length {declared} > {self._max_body}")
        decoder = BoundedDecoder(encoding, self._max_body)
        chunks: list[bytes] = []
        async for chunk in response.aiter_raw():
            chunks.append(decoder.feed(chunk))
        return b"".join(chunks)


def _moved_to(url: str, response: httpx.Response) -> str | None:
    """The URL to poll from now on: the end of the leading run of permanent redirects."""
    if not response.history:
        return None
    hops = [*(str(r.url) for r in response.history[1:]), str(response.url)]
    moved: str | None = None
    for hop, target in zip(response.history, hops, strict=True):
        if hop.status_code not in PERMANENT:
            break  # after a temporary hop the rest of the chain is not ours to keep
        moved = target
    return moved if moved != url else None


def _describe(exc: Exception) -> str:
    message = str(exc)
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__
