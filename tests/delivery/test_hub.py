"""Event ids, filters, SSE framing, auth and the hub's fan-out (no Kafka needed)."""

from __future__ import annotations

import asyncio
from typing import Any

import orjson
import pytest
from pydantic import SecretStr

from streams.delivery.filters import AlertFilter, at_least
from streams.delivery.hub import AlertEvent, AlertHub, EventId
from streams.delivery.page import render_page
from streams.delivery.sse import AlertStream, format_comment, format_event
from streams.errors import ConfigError, InputError
from streams.settings import Settings


def alert(rule: str = "r", severity: str = "high", countries: tuple[str, ...] = ("SY",)) -> dict[str, Any]:
    return {"rule": rule, "severity": severity, "title": "سطر\nثان", "tags": {"countries": list(countries)}}


def event(partition: int, offset: int, ts: int = 1000, **kw: Any) -> AlertEvent:
    body = alert(**kw)
    return AlertEvent(EventId(ts, partition, offset), body, orjson.dumps(body))


def test_event_id_round_trip_and_order() -> None:
    eid = EventId.parse("1700000000123-3-42")
    assert eid == EventId(1700000000123, 3, 42) and str(eid) == "1700000000123-3-42"
    assert EventId(1, 9, 9) < EventId(2, 0, 0) < EventId(2, 0, 1) < EventId(2, 1, 0)
    for bad in ("", "1-2", "a-b-c", "1-2-3-4", "-1-2-3", "1 -2-3"):
        with pytest.raises(InputError):
            EventId.parse(bad)


def test_filters() -> None:
    flt = AlertFilter.build(["a", "b"], ["sy"], ["high", "critical"])
    assert flt.matches(alert("a")) and flt.matches(alert("b", "critical", ("IQ", "SY")))
    assert not flt.matches(alert("c")) and not flt.matches(alert("a", "low"))
    assert not flt.matches(alert("a", countries=("EG",)))
    assert AlertFilter.build().matches(alert())
    assert at_least("medium") == {"medium", "high", "critical"}
    with pytest.raises(ConfigError):
        AlertFilter.build(severities=["urgent"])


def test_sse_framing_is_one_line_of_data() -> None:
    ev = event(1, 7, ts=5)
    frame = format_event(ev)
    assert frame.startswith(b"id: 5-1-7\nevent: alert\ndata: ") and frame.endswith(b"\n\n")
    assert frame.count(b"\n") == 4  # the newline in the title is escaped inside the JSON
    assert orjson.loads(frame.split(b"data: ", 1)[1]) == ev.alert
    assert format_comment("two\nlines") == b": two lines\n\n"


def test_hub_fans_out_in_id_order_and_drops_only_the_slow_subscriber() -> None:
    async def go() -> None:
        hub = AlertHub(Settings(), queue_size=3)
        fast = hub.subscribe(AlertFilter())
        slow = hub.subscribe(AlertFilter())
        only_b = hub.subscribe(AlertFilter.build(["b"]))
        hub.dispatch([event(1, 5, ts=20), event(0, 9, ts=10, rule="b")])
        assert [fast.queue.get_nowait().id for _ in range(2)] == [EventId(10, 0, 9), EventId(20, 1, 5)]
        hub.dispatch([event(0, 10, ts=30), event(0, 11, ts=31)])  # slow now holds 4 > 3
        assert slow.closed and "overflow" in slow.closed
        assert slow.queue.get_nowait() is None and slow.queue.empty()
        assert fast.closed is None and fast.queue.qsize() == 2
        assert only_b.queue.qsize() == 1
        late = hub.subscribe(AlertFilter())
        assert late.start == {0: 12, 1: 6}  # the replay boundary: everything below came before
        await hub.stop()
        assert fast.closed == "server shutting down" and hub.subscribers == 0

    asyncio.run(go())


def test_stream_view_never_shows_the_token() -> None:
    view = AlertStream(Settings(sse_token=SecretStr("t0ken")), lambda: None)
    assert "t0ken" not in repr(view)


def test_page_escapes_by_construction_and_is_rtl_aware() -> None:
    page, nonce = render_page()
    assert f'nonce="{nonce}"' in page and "textContent" in page and "innerHTML" not in page
    assert 'dir = "auto"' in page and 'charset="utf-8"' in page


def test_bearer_header_or_query_token() -> None:
    from aiohttp.test_utils import make_mocked_request

    from streams.delivery.sse import authorized

    def req(path: str, headers: dict[str, str] | None = None) -> Any:
        return make_mocked_request("GET", path, headers=headers or {})

    assert authorized(req("/alerts/stream"), None)
    assert authorized(req("/alerts/stream", {"Authorization": "Bearer t0ken"}), "t0ken")
    assert authorized(req("/alerts/stream?token=t0ken"), "t0ken")
    assert not authorized(req("/alerts/stream"), "t0ken")
    assert not authorized(req("/alerts/stream", {"Authorization": "Bearer nope"}), "t0ken")
    assert not authorized(req("/alerts/stream?token=t0ke"), "t0ken")
