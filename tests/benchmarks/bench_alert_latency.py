"""Benchmark: latency from an item entering wire.raw to its alert read from wire.alerts.

Run: python -m tests.benchmarks.bench_alert_latency [--rate 100] [--seconds 60]

Starts an ephemeral local Kafka broker (the project's own provisioning) and a real worker
process, produces alert-matching items to wire.raw at a steady rate with kafka-python, and
reads wire.alerts with a plain consumer. Every item is a new story, so every item must alert.
Printed: p50/p90/p99/max latency, delivered/lost, and — as the baseline measured in the same
run on the same broker — the latency of the bare hop (the same producer to a consumer of
wire.raw), so the ratio shows what the three worker stages add.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
import uuid
from pathlib import Path

import orjson
from kafka import KafkaConsumer, KafkaProducer
from kafka.structs import TopicPartition

from streams.kafka.broker import LocalBroker
from streams.records import FeedRef, RawItem
from streams.records.models import utcnow
from streams.settings import Settings
from tests.support import start_worker, wait_healthy, worker_setup


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def item(n: int, run: str) -> RawItem:
    ident = uuid.uuid5(uuid.NAMESPACE_URL, f"{run}/{n}").hex
    url = f"https://www.aljazeera.net/news/{run}/{n}"
    return RawItem(
        id=ident,
        feed=FeedRef("https://www.aljazeera.net/rss", "Al Jazeera Arabic", "ar"),
        guid=None,
        url=url,
        canonical_url=url,
        title=f"مفاوضات جديدة للتوصل لوقف إطلاق النار في إدلب ({n})",
        summary="بحث الرئيسان الروسي والتركي هاتفيا الوضع في محافظة إدلب السورية وسبل تثبيت الهدنة.",
        lang="ar",
        published=None,
        fetched=utcnow(),
        content_hash=ident,
    )


def tail(bootstrap: str, topic: str, key_of: str, arrived: dict[str, float], stop: threading.Event) -> None:
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    parts = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())]
    consumer.assign(parts)
    consumer.seek_to_end(*parts)
    for tp in parts:
        consumer.position(tp)  # resolve "end" now, before anything is produced
    while not stop.is_set():
        for records in consumer.poll(timeout_ms=100).values():
            now = time.time()
            for record in records:
                arrived.setdefault(orjson.loads(record.value)[key_of], now)
    consumer.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=100.0, help="items per second")
    parser.add_argument("--seconds", type=float, default=60.0, help="how long to produce")
    parser.add_argument("--worst", type=int, default=0, help="also print the N worst latencies")
    parser.add_argument(
        "--warmup",
        type=float,
        default=5.0,
        help="seconds of items sent first and not measured (first "
        "sends to each topic fetch metadata; steady state is what the target is about)",
    )
    args = parser.parse_args()

    data = Path(tempfile.mkdtemp(prefix="wirewatch-bench-"))
    with LocalBroker.ephemeral(Settings().cache_dir) as broker:
        env, web, _ = worker_setup(broker.bootstrap, data)
        log = data / "worker.log"
        worker = start_worker(env, log)
        try:
            wait_healthy(worker, web, log)

            sent: dict[str, float] = {}
            alerts: dict[str, float] = {}
            raws: dict[str, float] = {}
            stop = threading.Event()
            threads = [
                threading.Thread(
                    target=tail, args=(broker.bootstrap, "wire.alerts", "item_id", alerts, stop)
                ),
                threading.Thread(target=tail, args=(broker.bootstrap, "wire.raw", "id", raws, stop)),
            ]
            for thread in threads:
                thread.start()
            time.sleep(2)
            producer = KafkaProducer(bootstrap_servers=broker.bootstrap, acks="all", linger_ms=0)
            run = uuid.uuid4().hex[:8]
            warm = int(args.rate * args.warmup)
            total = warm + int(args.rate * args.seconds)
            start = time.monotonic()
            for n in range(total):
                # A steady rate: each send waits for its slot instead of bursting.
                delay = start + n / args.rate - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
                raw = item(n, run)
                if n >= warm:
                    sent[raw.id] = time.time()
                producer.send("wire.raw", key=raw.id.encode(), value=orjson.dumps(raw.to_json()))
            producer.flush()
            drain = time.monotonic() + 30
            while not set(sent) <= set(alerts) and time.monotonic() < drain:
                time.sleep(0.2)
            stop.set()
            for thread in threads:
                thread.join()
            producer.close()
        finally:
            worker.terminate()
            worker.wait(30)

    latencies = [(alerts[i] - t) * 1000 for i, t in sent.items() if i in alerts]
    if args.worst:
        first = min(sent.values())
        worst = sorted(((alerts[i] - t) * 1000, t - first) for i, t in sent.items() if i in alerts)[
            -args.worst :
        ]
        print("worst latencies (ms @ s after start):", ", ".join(f"{ms:.0f}@{at:.1f}" for ms, at in worst))
    hops = [(raws[i] - t) * 1000 for i, t in sent.items() if i in raws]
    print(f"after {args.warmup:.0f} s of warm-up, measured {len(sent)} items at {args.rate:.0f}/s", end="; ")
    print(f"alerts read: {len(latencies)}")
    print(f"lost (no alert within 30 s after the last send): {len(sent) - len(latencies)}")
    print(f"{'path':<28} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    for name, values in (("wire.raw -> wire.alerts", latencies), ("baseline: wire.raw hop", hops)):
        if values:
            row = (pct(values, 0.5), pct(values, 0.9), pct(values, 0.99), max(values))
            print(f"{name:<28} {row[0]:>8.1f} {row[1]:>8.1f} {row[2]:>8.1f} {row[3]:>8.1f}")
    if latencies and hops:
        ratio = statistics.median(latencies) / statistics.median(hops)
        print(f"worker stages add {ratio:.1f}x the bare hop (p50)")


if __name__ == "__main__":
    main()
