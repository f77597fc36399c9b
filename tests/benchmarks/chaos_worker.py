"""Chaos probe: SIGKILL the worker repeatedly while items stream through the real broker.

Run: python -m tests.benchmarks.chaos_worker [--items 3000] [--kills 5] [--rate 150]

Produces unique items (a third of them alerting, a tenth re-published under a new id) to
wire.raw, kills the worker with SIGKILL every few seconds and restarts it at once, then
counts what reached wire.items and wire.alerts: expected, delivered, lost, duplicated, and
how long each restart took to produce again. This is the worker half of issue 7's chaos test
(poller kills and a broker restart come next); it prints figures, it asserts nothing.
"""

from __future__ import annotations

import argparse
import collections
import random
import signal
import subprocess
import tempfile
import threading
import time
import uuid
from pathlib import Path

import orjson
from kafka import KafkaProducer

from streams.kafka.broker import LocalBroker
from streams.records import FeedRef, RawItem
from streams.records.models import utcnow
from streams.settings import Settings
from tests.support import read_topic, start_worker, wait_healthy, worker_setup


def make_item(n: int, run: str, republish_of: int | None = None) -> RawItem:
    base = republish_of if republish_of is not None else n
    ident = uuid.uuid5(uuid.NAMESPACE_URL, f"{run}/{n}").hex
    url = f"https://www.aljazeera.com/news/{run}/{base}"
    alerting = base % 3 == 0
    title = f"Idlib ceasefire talks, round {base}" if alerting else f"Markets update number {base}"
    return RawItem(
        id=ident,
        feed=FeedRef("https://www.aljazeera.com/xml/rss/all.xml", "Al Jazeera English", "en"),
        guid=None,
        url=url,
        canonical_url=url,
        title=title,
        summary=f"Story {base} of run {run}.",
        lang="en",
        published=None,
        fetched=utcnow(),
        content_hash=uuid.uuid5(uuid.NAMESPACE_URL, f"{run}/content/{base}").hex,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=3000)
    parser.add_argument("--kills", type=int, default=5)
    parser.add_argument("--rate", type=float, default=150.0)
    args = parser.parse_args()
    rng = random.Random(11)
    data = Path(tempfile.mkdtemp(prefix="wirewatch-chaos-"))
    with LocalBroker.ephemeral(Settings().cache_dir) as broker:
        env, web, _ = worker_setup(broker.bootstrap, data)
        log = data / "worker.log"

        def start() -> subprocess.Popen[bytes]:
            return start_worker(env, log)

        worker = start()
        wait_healthy(worker, web, log)

        run = uuid.uuid4().hex[:8]
        expected_stories: set[int] = set()
        done = threading.Event()

        def produce() -> None:
            producer = KafkaProducer(bootstrap_servers=broker.bootstrap, acks="all")
            for n in range(args.items):
                republish = n > 10 and rng.random() < 0.1
                # A re-publication repeats an original story (its URL and text) under a new id.
                base = rng.choice(sorted(expected_stories)) if republish else n
                raw = make_item(n, run, republish_of=base if republish else None)
                if not republish:
                    expected_stories.add(n)
                producer.send("wire.raw", key=raw.id.encode(), value=orjson.dumps(raw.to_json()))
                time.sleep(1 / args.rate)
            producer.flush()
            producer.close()
            done.set()

        thread = threading.Thread(target=produce)
        thread.start()
        recoveries = []
        for _ in range(args.kills):
            time.sleep(rng.uniform(3, 7))
            worker.send_signal(signal.SIGKILL)
            worker.wait()
            killed = time.monotonic()
            worker = start()
            wait_healthy(worker, web, log)
            recoveries.append(time.monotonic() - killed)
        thread.join()
        # Let the last worker finish everything: wait until wire.alerts stops growing.
        last, stable_since = -1, time.monotonic()
        while time.monotonic() - stable_since < 15:
            count = len(read_topic(broker.bootstrap, "wire.items"))
            if count != last:
                last, stable_since = count, time.monotonic()
            time.sleep(2)
        worker.send_signal(signal.SIGTERM)
        worker.wait(60)

        items = collections.Counter(
            orjson.loads(r.value)["title"] for r in read_topic(broker.bootstrap, "wire.items")
        )
        alerts = collections.Counter(
            orjson.loads(r.value)["title"] for r in read_topic(broker.bootstrap, "wire.alerts")
        )

    def report(name: str, got: collections.Counter[str], want: set[str]) -> None:
        lost = len(want - set(got))
        dup = sum(c - 1 for t, c in got.items() if c > 1)
        extra = len(set(got) - want)
        print(
            f"{name:<12} expected {len(want):>6}  delivered {len(set(got) & want):>6}  lost {lost:>4}  "
            f"duplicated {dup:>4}  unexpected {extra:>4}"
        )

    titles = {n: make_item(n, run).title for n in expected_stories}
    report("wire.items", items, set(titles.values()))
    report("wire.alerts", alerts, {t for n, t in titles.items() if n % 3 == 0})
    print(
        f"worker SIGKILLs: {len(recoveries)}; back to healthy after "
        + ", ".join(f"{r:.1f}" for r in recoveries)
        + " s"
    )


if __name__ == "__main__":
    main()
