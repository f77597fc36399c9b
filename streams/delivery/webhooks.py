"""Signed webhook POSTs of alerts with capped, jittered retries; and how receivers verify them.

Each delivery is `POST <url>` with the alert record as the JSON body and these headers:

    Content-Type: application/json
    X-Wirewatch-Event: alert
    X-Wirewatch-Delivery: <alert_id>        the same on every retry: receivers dedupe on it
    X-Wirewatch-Timestamp: <unix seconds>
    X-Wirewatch-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>

To verify, a receiver recomputes the HMAC over the timestamp header, a ".", and the raw body
bytes exactly as received (before any JSON parsing), compares it in constant time, and rejects
timestamps too far from its clock (replay protection); `verify_signature` below does all three
and has no dependency beyond the standard library, so receivers may copy it. Deliveries are
at-least-once: a receiver must treat a repeated X-Wirewatch-Delivery as already handled.

Outcomes: 2xx delivered; connection errors, timeouts, 408, 429 and 5xx are retried with capped
exponential backoff and jitter (Retry-After honoured) until `webhook_retry_for` has passed;
any other status is permanent. Permanent and expired deliveries go to the dead-letter topic.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

import httpx

from streams import __version__, retry
from streams.delivery.filters import AlertFilter, at_least
from streams.errors import ConfigError
from streams.retry import retry_after_seconds
from streams.settings import WebhookConfig

log = logging.getLogger(__name__)

SIGNATURE_PREFIX = "sha256="
RETRYABLE_STATUS = frozenset({408, 429})
BACKOFF_BASE = 1.0


def sign(secret: bytes, timestamp: str, body: bytes) -> str:
    """The X-Wirewatch-Signature value for `body` sent at `timestamp`."""
    mac = hmac.new(secret, timestamp.encode("ascii") + b"." + body, hashlib.sha256)
    return SIGNATURE_PREFIX + mac.hexdigest()


def verify_signature(
    secret: bytes,
    timestamp: str,
    body: bytes,
    signature: str,
    *,
    tolerance: float = 300.0,
    now: float | None = None,
) -> bool:
    """Receiver side: True if `signature` is ours for (timestamp, body) and the timestamp is fresh.

    Pass the raw request body, the X-Wirewatch-Timestamp and X-Wirewatch-Signature headers, and
    the shared secret. `tolerance` (seconds) bounds how old or early a request may be.
    """
    if not timestamp.isdigit():
        return False
    current = time.time() if now is None else now
    if abs(current - int(timestamp)) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, timestamp, body).encode(), signature.strip().encode())


def backoff_delay(
    attempt: int, cap: float, *, base: float = BACKOFF_BASE, rand: float | None = None
) -> float:
    """Delay before retry number `attempt` (1-based), capped, with equal jitter (streams.retry)."""
    return retry.backoff_delay(attempt, cap, base=base, rand=rand)


def redact_url(url: str) -> str:
    """The URL without user info or query string, which may carry credentials: safe to log."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def webhook_id(cfg: WebhookConfig) -> str:
    """A stable identifier: the name (sanitised) or a hash of the URL; used in the consumer group."""
    if cfg.name:
        return re.sub(r"[^A-Za-z0-9._-]+", "-", cfg.name).strip("-") or "webhook"
    return "url-" + hashlib.sha256(cfg.url.encode()).hexdigest()[:12]


@dataclass(frozen=True)
class Webhook:
    """A resolved webhook: filter built, secret loaded. The secret never appears in repr."""

    id: str
    url: str
    filter: AlertFilter
    timeout: float
    secret: bytes | None = field(default=None, repr=False)

    @property
    def safe_url(self) -> str:
        return redact_url(self.url)

    @classmethod
    def from_config(cls, cfg: WebhookConfig) -> Webhook:
        """Resolve a WebhookConfig; ConfigError for a bad URL, severity or unreadable secret file."""
        if urlsplit(cfg.url).scheme not in {"http", "https"} or not urlsplit(cfg.url).hostname:
            raise ConfigError(f"webhook {cfg.name or redact_url(cfg.url)!r}: url must be http(s)://host/…")
        secret: bytes | None = None
        if cfg.secret is not None and cfg.secret_file is not None:
            raise ConfigError(f"webhook {webhook_id(cfg)!r}: set secret or secret_file, not both")
        if cfg.secret is not None:
            secret = cfg.secret.get_secret_value().encode()
        elif cfg.secret_file is not None:
            try:
                # A trailing newline from `echo … > file` is not part of the secret.
                secret = cfg.secret_file.read_bytes().rstrip(b"\r\n")
            except OSError as exc:
                raise ConfigError(
                    f"webhook {webhook_id(cfg)!r}: cannot read secret_file: {exc.strerror}"
                ) from None
        if secret is not None and not secret:
            raise ConfigError(f"webhook {webhook_id(cfg)!r}: the secret is empty")
        flt = AlertFilter.build(cfg.rules, cfg.countries, at_least(cfg.min_severity))
        return cls(webhook_id(cfg), cfg.url, flt, cfg.timeout, secret)


@dataclass(frozen=True)
class Outcome:
    """How one alert's delivery ended: delivered, or failed (permanent or out of time)."""

    delivered: bool
    attempts: int
    error: str | None = None
    status: int | None = None


class Sender:
    """POSTs one alert until it is delivered, fails permanently, or `retry_for` seconds have passed."""

    def __init__(
        self,
        webhook: Webhook,
        client: httpx.AsyncClient,
        *,
        retry_for: float,
        backoff_max: float,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.webhook = webhook
        self.client = client
        self.retry_for = retry_for
        self.backoff_max = backoff_max
        self.sleep = sleep
        self.clock = clock

    def headers(self, alert_id: str, body: bytes, timestamp: str) -> dict[str, str]:
        headers = {
            "Content-Type": "application/json",
            "User-Agent": f"Wirewatch-Webhook/{__version__}",
            "X-Wirewatch-Event": "alert",
            "X-Wirewatch-Delivery": alert_id,
            "X-Wirewatch-Timestamp": timestamp,
        }
        if self.webhook.secret is not None:
            headers["X-Wirewatch-Signature"] = sign(self.webhook.secret, timestamp, body)
        return headers

    async def attempt(self, alert_id: str, body: bytes) -> tuple[bool, bool, str, float | None, int | None]:
        """One POST: (delivered, retryable, error, retry_after, status)."""
        timestamp = str(int(time.time()))  # signed per attempt, so a retry is fresh for receivers
        try:
            response = await self.client.post(
                self.webhook.url,
                content=body,
                headers=self.headers(alert_id, body, timestamp),
                timeout=self.webhook.timeout,
            )
        except httpx.TransportError as exc:  # connect errors, timeouts, protocol errors
            return False, True, f"{type(exc).__name__}: {exc}"[:500], None, None
        status = response.status_code
        if 200 <= status < 300:
            return True, False, "", None, status
        retryable = status >= 500 or status in RETRYABLE_STATUS
        wait = retry_after_seconds(response.headers.get("Retry-After")) if retryable else None
        return False, retryable, f"HTTP {status}", wait, status

    async def deliver(self, alert_id: str, body: bytes) -> Outcome:
        deadline = self.clock() + self.retry_for
        attempts = 0
        while True:
            attempts += 1
            ok, retryable, error, retry_after, status = await self.attempt(alert_id, body)
            if ok:
                return Outcome(True, attempts, status=status)
            if not retryable:
                return Outcome(False, attempts, f"permanent failure: {error}", status)
            delay = backoff_delay(attempts, self.backoff_max)
            if retry_after is not None:
                delay = max(delay, retry_after)
            if self.clock() + delay > deadline:
                return Outcome(False, attempts, f"gave up after {self.retry_for:.0f} s: {error}", status)
            log.warning(
                "webhook %s (%s): alert %s attempt %d failed (%s); retrying in %.1f s",
                self.webhook.id, self.webhook.safe_url, alert_id, attempts, error, delay,
            )  # fmt: skip
            await self.sleep(delay)
