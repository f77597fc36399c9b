"""Webhook signing and verification, backoff schedule, Retry-After, config and the retrying sender."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr

from streams.delivery.webhooks import (
    Sender,
    Webhook,
    backoff_delay,
    redact_url,
    retry_after_seconds,
    sign,
    verify_signature,
    webhook_id,
)
from streams.errors import ConfigError
from streams.settings import WebhookConfig

SECRET = b"k3y"
BODY = '{"alert_id":"ab","title":"وقف إطلاق النار"}'.encode()


def test_signature_is_hmac_sha256_of_timestamp_dot_body() -> None:
    expected = hmac.new(SECRET, b"1700000000." + BODY, hashlib.sha256).hexdigest()
    assert sign(SECRET, "1700000000", BODY) == f"sha256={expected}"


def test_verify_accepts_ours_and_rejects_tampering_and_stale() -> None:
    sig = sign(SECRET, "1700000000", BODY)
    assert verify_signature(SECRET, "1700000000", BODY, sig, now=1700000100)
    assert not verify_signature(SECRET, "1700000000", BODY + b" ", sig, now=1700000100)
    assert not verify_signature(b"other", "1700000000", BODY, sig, now=1700000100)
    assert not verify_signature(SECRET, "1700000001", BODY, sig, now=1700000100)
    assert not verify_signature(SECRET, "1700000000", BODY, sig, now=1700000000 + 301)
    assert not verify_signature(SECRET, "not-a-time", BODY, sig)


def test_backoff_doubles_is_capped_and_jittered() -> None:
    nominal = [backoff_delay(n, 60.0, rand=1.0) for n in range(1, 10)]
    assert nominal == [1, 2, 4, 8, 16, 32, 60, 60, 60]
    assert [backoff_delay(n, 60.0, rand=0.0) for n in (1, 3, 9)] == [0.5, 2.0, 30.0]
    assert all(2.0 <= backoff_delay(3, 60.0) <= 4.0 for _ in range(100))
    assert backoff_delay(10_000, 5.0, rand=1.0) == 5.0  # no overflow for long outages


def test_retry_after_seconds_and_http_date() -> None:
    assert retry_after_seconds("120") == 120.0
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412480 - 30) == 30.0
    assert retry_after_seconds("soon") is None and retry_after_seconds(None) is None


def test_webhook_config_resolution_keeps_secrets_out_of_repr(tmp_path: Path) -> None:
    secret_file = tmp_path / "secret"
    secret_file.write_text("from-file\n")
    hook = Webhook.from_config(
        WebhookConfig(url="https://user:pw@hooks.example/x?token=t", name="ops team", secret_file=secret_file)
    )
    assert hook.secret == b"from-file" and hook.id == "ops-team"
    assert "from-file" not in repr(hook) and "pw" not in hook.safe_url and "token" not in hook.safe_url
    assert redact_url("https://user:pw@h.example:8443/p?q=1") == "https://h.example:8443/p"
    inline = WebhookConfig(url="https://h.example/x", secret=SecretStr("abc"))
    assert "abc" not in repr(inline) and Webhook.from_config(inline).secret == b"abc"
    assert webhook_id(inline).startswith("url-")
    with pytest.raises(ConfigError, match="severity"):
        Webhook.from_config(WebhookConfig(url="https://h.example/x", min_severity="urgent"))
    with pytest.raises(ConfigError, match="secret_file"):
        Webhook.from_config(WebhookConfig(url="https://h.example/x", secret_file=tmp_path / "missing"))
    with pytest.raises(ConfigError, match="url"):
        Webhook.from_config(WebhookConfig(url="ftp://h.example/x"))


def test_webhook_filter_uses_min_severity() -> None:
    hook = Webhook.from_config(
        WebhookConfig(url="https://h.example/x", countries=("SY",), min_severity="high")
    )
    alert = {"rule": "r", "severity": "high", "tags": {"countries": ["SY"]}}
    assert hook.filter.matches(alert)
    assert not hook.filter.matches({**alert, "severity": "medium"})
    assert hook.filter.matches({**alert, "severity": "critical"})
    assert not hook.filter.matches({**alert, "tags": {"countries": ["IQ"]}})


class Clock:
    """A fake monotonic clock advanced by the sender's sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def run_sender(
    statuses: list[int | Exception], retry_for: float = 600.0, headers: dict[str, str] | None = None
):  # type: ignore[no-untyped-def]
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        status = statuses[min(len(seen), len(statuses)) - 1]
        if isinstance(status, Exception):
            raise status
        return httpx.Response(status, headers=headers or {})

    clock = Clock()
    hook = Webhook("ops", "https://hooks.example/in", Webhook.from_config(WebhookConfig(url="https://h.x/")).filter,
                   5.0, SECRET)  # fmt: skip

    async def go():  # type: ignore[no-untyped-def]
        async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
            sender = Sender(
                hook, client, retry_for=retry_for, backoff_max=8.0, sleep=clock.sleep, clock=clock
            )
            return await sender.deliver("a" * 32, BODY)

    return asyncio.run(go()), seen, clock


def test_sender_retries_through_an_outage_with_same_delivery_id() -> None:
    outcome, seen, clock = run_sender([503, httpx.ConnectError("refused"), 500, 429, 408, 204])
    assert outcome.delivered and outcome.attempts == 6
    assert {r.headers["X-Wirewatch-Delivery"] for r in seen} == {"a" * 32}
    for request in seen:
        assert request.headers["Content-Type"] == "application/json"
        assert request.headers["X-Wirewatch-Event"] == "alert"
        assert verify_signature(
            SECRET,
            request.headers["X-Wirewatch-Timestamp"],
            request.content,
            request.headers["X-Wirewatch-Signature"],
        )
    assert len(clock.sleeps) == 5 and all(s <= 8.0 for s in clock.sleeps)


def test_sender_gives_up_after_retry_for() -> None:
    outcome, seen, clock = run_sender([503], retry_for=60.0)
    assert not outcome.delivered and "gave up" in (outcome.error or "") and outcome.status == 503
    assert clock.now <= 60.0 and len(seen) > 5


def test_sender_honours_retry_after() -> None:
    outcome, _, clock = run_sender([429, 200], headers={"Retry-After": "30"})
    assert outcome.delivered and clock.sleeps == [30.0]


@pytest.mark.parametrize("status", [400, 401, 404, 410, 301])
def test_other_4xx_are_permanent(status: int) -> None:
    outcome, seen, clock = run_sender([status, 200])
    assert not outcome.delivered and outcome.attempts == 1 and len(seen) == 1 and not clock.sleeps
    assert outcome.status == status and "permanent" in (outcome.error or "")
