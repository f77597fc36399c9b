"""Conditional GET of one feed URL with size, time and address limits; failures are data."""

from __future__ import annotations

import time
from dataclasses import dataclass
from types import TracebackType

import httpx

from streams.feeds.netguard import PrivateAddressError, PublicOnlyTransport
from streams.retry import retry_after_seconds
from streams.settings import Settings

MAX_REDIRECTS = 5
# httpx's timeouts bound each connect/read/write; this bounds the whole fetch, so a server
# trickling one byte per read timeout cannot hold the poller (and the other feeds) for hours.
TOTAL_TIMEOUT_FACTOR = 3.0
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)


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
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def not_modified(self) -> bool:
        return self.error is None and self.status == 304


class _TooLarge(Exception):
    pass


class Fetcher:
    """One HTTP client shared by every fetch (connection reuse); use as a context manager."""

    def __init__(self, settings: Settings, transport: httpx.BaseTransport | None = None) -> None:
        self._max_body = settings.max_body_bytes
        self._total_timeout = settings.http_timeout * TOTAL_TIMEOUT_FACTOR
        if transport is None:
            transport = (
                httpx.HTTPTransport(trust_env=False)
                if settings.allow_private_feeds
                else PublicOnlyTransport()
            )
        self._client = httpx.Client(
            transport=transport,
            timeout=httpx.Timeout(settings.http_timeout),
            follow_redirects=True,
            max_redirects=MAX_REDIRECTS,
            headers={"User-Agent": settings.user_agent, "Accept": ACCEPT},
            # Environment proxies would bypass the address guard (the proxy dials the feed).
            trust_env=False,
        )

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def fetch(self, url: str, *, etag: str | None = None, last_modified: str | None = None) -> FetchResult:
        """GET `url`, sending the stored validators back verbatim (servers compare strings)."""
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        final_url = url
        try:
            with self._client.stream("GET", url, headers=headers) as response:
                final_url = str(response.url)
                return self._read(url, response, etag, last_modified)
        except _TooLarge as exc:
            return FetchResult(url, final_url, status=None, error=str(exc))
        except PrivateAddressError as exc:
            return FetchResult(url, final_url, status=None, error=f"refused: {exc}")
        except httpx.TimeoutException as exc:
            return FetchResult(url, final_url, status=None, error=f"timeout: {_describe(exc)}")
        except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError) as exc:
            return FetchResult(url, final_url, status=None, error=_describe(exc))

    def _read(
        self, url: str, response: httpx.Response, etag: str | None, last_modified: str | None
    ) -> FetchResult:
        final_url = str(response.url)
        status = response.status_code
        # A 304 may omit validators; the ones we sent are still the current ones then.
        new_etag = response.headers.get("ETag") or (etag if status == 304 else None)
        new_modified = response.headers.get("Last-Modified") or (last_modified if status == 304 else None)
        if status == 304:
            return FetchResult(url, final_url, 304, etag=new_etag, last_modified=new_modified)
        if not 200 <= status < 300:
            return FetchResult(
                url,
                final_url,
                status,
                retry_after=retry_after_seconds(response.headers.get("Retry-After")),
                error=f"HTTP {status} {response.reason_phrase}".rstrip(),
            )
        return FetchResult(
            url,
            final_url,
            status,
            body=self._body(response),
            etag=new_etag,
            last_modified=new_modified,
            content_type=response.headers.get("Content-Type"),
            content_language=response.headers.get("Content-Language"),
        )

    def _body(self, response: httpx.Response) -> bytes:
        """Read the (decompressed) body, aborting past max_body_bytes or the total deadline."""
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > self._max_body:
            raise _TooLarge(f"body too large: Content-Length {declared} > {self._max_body}")
        deadline = time.monotonic() + self._total_timeout
        chunks: list[bytes] = []
        size = 0
        # iter_bytes yields decoded bytes: the limit applies after gzip, so a small
        # compressed bomb is cut off as soon as its expansion passes the limit.
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > self._max_body:
                raise _TooLarge(f"body too large: more than {self._max_body} bytes")
            if time.monotonic() > deadline:
                raise httpx.ReadTimeout(
                    f"body not received within {self._total_timeout:.0f}s",
                    request=response.request,
                )
            chunks.append(chunk)
        return b"".join(chunks)


def _describe(exc: Exception) -> str:
    message = str(exc)
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__
