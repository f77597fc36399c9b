"""`wirewatch alerts tail`: a plain kafka-python consumer that prints alerts as they arrive."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any, TextIO

import orjson
from kafka.structs import TopicPartition

from streams.errors import InputError
from streams.kafka.clients import make_consumer
from streams.records import decode
from streams.settings import Settings
from streams.topics import ALERTS


def matches_filters(alert: dict[str, Any], rules: list[str], countries: list[str]) -> bool:
    if rules and alert.get("rule") not in rules:
        return False
    return not countries or bool(set(countries) & set(alert.get("tags", {}).get("countries", ())))


def iter_alerts(
    settings: Settings,
    *,
    from_beginning: bool = False,
    timeout: float | None = None,
) -> Iterator[dict[str, Any]]:
    """Yield validated alerts from wire.alerts; stops after `timeout` seconds without one."""
    topic = ALERTS.full_name(settings)
    # No consumer group: a tail is a viewer, it must not steal partitions from services.
    # read_committed: alerts are published in transactions; an aborted one is not an alert.
    consumer = make_consumer(
        settings, enable_auto_commit=False, group_id=None, isolation_level="read_committed"
    )
    try:
        partitions = consumer.partitions_for_topic(topic) or set()
        assigned = [TopicPartition(topic, p) for p in sorted(partitions)]
        consumer.assign(assigned)
        if from_beginning:
            consumer.seek_to_beginning(*assigned)
        else:
            consumer.seek_to_end(*assigned)
        idle_since = time.monotonic()
        while timeout is None or time.monotonic() - idle_since < timeout:
            batch = consumer.poll(timeout_ms=500)
            for records in batch.values():
                for record in records:
                    idle_since = time.monotonic()
                    try:
                        alert = decode(record.value, "alert")
                    except InputError as exc:
                        # A tail shows what is on the topic; bad records are reported, not fatal.
                        yield {"error": str(exc), "offset": record.offset}
                        continue
                    yield alert
    finally:
        consumer.close()


def format_alert(alert: dict[str, Any]) -> str:
    if "error" in alert:
        return f"! unreadable alert at offset {alert['offset']}: {alert['error']}"
    terms = ", ".join(sorted({m["text"] for m in alert["matches"]}))
    countries = ",".join(alert["tags"]["countries"])
    return (
        f"[{alert['alerted']}] {alert['severity'].upper()} {alert['rule']} "
        f"({alert['lang']}; {countries}) {alert['title']}\n"
        f"    {alert['url'] or '-'}\n    matched: {terms}\n    {alert['snippet']}"
    )


def run_tail(
    settings: Settings,
    out: TextIO,
    *,
    rules: list[str],
    countries: list[str],
    as_json: bool,
    from_beginning: bool,
    timeout: float | None,
    limit: int | None,
) -> int:
    shown = 0
    for alert in iter_alerts(settings, from_beginning=from_beginning, timeout=timeout):
        if "error" not in alert and not matches_filters(alert, rules, countries):
            continue
        line = orjson.dumps(alert).decode() if as_json else format_alert(alert)
        print(line, file=out, flush=True)
        shown += 1
        if limit is not None and shown >= limit:
            break
    return 0
