"""Shared retry timing: capped exponential backoff with equal jitter, Retry-After parsing."""

from streams.retry import backoff_delay, retry_after_seconds


def test_backoff_doubles_caps_and_jitters() -> None:
    assert [backoff_delay(n, 100.0, base=1.0, rand=1.0) for n in (1, 2, 3, 8)] == [1.0, 2.0, 4.0, 100.0]
    assert backoff_delay(3, 100.0, base=1.0, rand=0.0) == 2.0  # never below half the nominal delay
    assert backoff_delay(10**9, 30.0, base=5.0, rand=1.0) == 30.0  # no overflow after long outages
    assert backoff_delay(0, 30.0, base=5.0, rand=1.0) == 5.0


def test_retry_after_forms() -> None:
    assert retry_after_seconds(" 120 ") == 120.0
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412480 - 30) == 30.0
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00", now=1445412480 + 10) == 0.0  # in the past
    assert retry_after_seconds("soon") is None and retry_after_seconds("") is None
