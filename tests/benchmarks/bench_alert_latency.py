"""Benchmark: latency from an item entering wire.raw to its alert read from wire.alerts.

Run: python -m tests.benchmarks.bench_alert_latency [--rate 100] [--seconds 60]

Starts an ephemeral local Kafka broker (the project's own provisioning) and a real worker
process, produces alert-matching items to wire.raw at a steady rate with kafka-python, and
reads wire.alerts with a plain consumer. Every item is a new story, so every item must alert.
Printed: p50/p90/p99/max latency to a read_committed reader of wire.alerts (what subscribers
use: SSE, webhooks, `alerts tail`), delivered/lost, the same for a read_uncommitted reader (the
difference is the publisher's transaction commit), and — as the baseline measured in the same
run on the same broker — the latency of the bare hop (the same producer to a consumer of
wire.raw), so the ratio shows what the worker stages add.

Then the per-hop breakdown: the Kafka record timestamp (CreateTime, stamped when a stage sends)
of each item's record in every topic on its way, wire.raw -> wire.tagged (tag stage) ->
wire.near-probes (exact stage) -> ... (band partitions) -> wire.dedup-desk (last band) ->
wire.stories (desk) -> wire.outbox (alert stage) -> wire.alerts (publisher takes it) -> visible
to read_committed (transaction committed). Each hop's time includes the consumer's fetch wait
and the stage's queueing; all clocks are this machine's.
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import orjson
from kafka import KafkaConsumer, KafkaProducer
from kafka.structs import TopicPartition

from streams.kafka.broker import LocalBroker
from streams.records import FeedRef, RawItem
from streams.records.models import utcnow
from streams.settings import Settings
from tests.support import publishers_of, start_worker, wait_healthy, worker_setup

# The topics an alerting item passes through, in order, and how to find its item id in each.
HOPS = (
    "wire.raw",
    "wire.tagged",
    "wire.near-probes",
    "wire.dedup-desk",
    "wire.stories",
    "wire.outbox",
    "wire.alerts",
)


def item_id_of(topic: str, value: dict[str, Any]) -> str | None:
    """The id of the item a record is about, for the records on an alert's path (else None)."""
    if topic in ("wire.raw", "wire.tagged"):
        return str(value["id"])
    if topic == "wire.near-probes":
        return str(value["item_id"])
    if topic == "wire.dedup-desk":
        return str(value["item"]["id"]) if value.get("type") == "item" else None
    if topic == "wire.stories":
        return str(value["item"]["id"])
    if topic == "wire.outbox":
        return str(value["record"]["item_id"]) if value["dedup"].startswith("alert:") else None
    if topic == "wire.alerts":
        return str(value["item_id"])
    return None


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a live process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Sched(threading.Thread):
    """Samples the worker's main thread (Faust's event loop) every second: how much of each
    second it ran on a CPU and how much it sat runnable, waiting for one (/proc schedstat).
    Waiting for a CPU is the box's load; neither running nor waiting is the loop idle or
    blocked."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.path = Path(f"/proc/{pid}/task/{pid}/schedstat")
        self.samples: list[tuple[float, float, float]] = []  # (wall time, ran s, waited s)
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.wait(1.0 if self.samples else 0.0):
            try:
                ran, waited = (int(x) / 1e9 for x in self.path.read_text().split()[:2])
            except OSError:
                return
            self.samples.append((time.time(), ran, waited))

    def share(self, since: float, until: float) -> tuple[float, float]:
        """Fractions of [since, until) the loop ran / waited for a CPU."""
        inside = [s for s in self.samples if since <= s[0] <= until]
        if len(inside) < 2:
            return 0.0, 0.0
        (t0, r0, w0), (t1, r1, w1) = inside[0], inside[-1]
        return (r1 - r0) / (t1 - t0), (w1 - w0) / (t1 - t0)


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


class Tail(threading.Thread):
    """Reads `topics` from their end on; per item id and topic, the record timestamps (ms,
    CreateTime) and when this reader first got one (s)."""

    def __init__(self, bootstrap: str, topics: tuple[str, ...], isolation: str) -> None:
        super().__init__(daemon=True)
        self.consumer = KafkaConsumer(
            bootstrap_servers=bootstrap, enable_auto_commit=False, isolation_level=isolation
        )
        parts = [
            TopicPartition(topic, p)
            for topic in topics
            for p in sorted(self.consumer.partitions_for_topic(topic) or ())
        ]
        self.consumer.assign(parts)
        self.consumer.seek_to_end(*parts)
        for tp in parts:
            self.consumer.position(tp)  # resolve "end" now, before anything is produced
        self.stamps: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
        self.arrived: dict[str, dict[str, float]] = defaultdict(dict)
        self.story_kind: dict[str, str] = {}  # item id -> kind of its wire.stories record
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            for tp, records in self.consumer.poll(timeout_ms=100).items():
                now = time.time()
                for record in records:
                    value = orjson.loads(record.value)
                    ident = item_id_of(tp.topic, value)
                    if tp.topic == "wire.stories" and ident is not None:
                        self.story_kind[ident] = f"{value['kind']} of story {value['item'].get('story_id')}"
                    if ident is not None:
                        self.stamps[tp.topic][ident].append(record.timestamp)
                        self.arrived[tp.topic].setdefault(ident, now)
        self.consumer.close()


def row(name: str, values: list[float]) -> str:
    if not values:
        return f"{name:<44} {'-':>8}"
    cells = (statistics.mean(values), pct(values, 0.5), pct(values, 0.9), pct(values, 0.99), max(values))
    return f"{name:<44} " + " ".join(f"{v:>8.1f}" for v in cells)


HEADER = f"{'':<44} {'mean ms':>8} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} {'max ms':>8}"


def breakdown(ids: list[str], path: Tail, committed: Tail) -> None:
    """Per-hop latency from record timestamps (the next stage's send minus the previous send)."""
    stamps = path.stamps
    hops: dict[str, list[float]] = defaultdict(list)
    for ident in ids:
        marks: list[tuple[str, float]] = []
        for topic in HOPS:
            found = stamps[topic].get(ident)
            if not found:
                break
            if topic == "wire.near-probes":
                # A probe visits its band keys' partitions in turn: first and last sends.
                marks.append(("near-probes (first)", min(found)))
                if len(found) > 1:
                    marks.append(("near-probes (last)", max(found)))
            else:
                marks.append((topic.removeprefix("wire."), min(found)))
        else:
            seen = committed.arrived["wire.alerts"].get(ident)
            if seen is None:
                continue
            marks.append(("read_committed reader", seen * 1000))
            for (a, ta), (b, tb) in itertools.pairwise(marks):
                label = {
                    "tagged": "tag stage",
                    "near-probes (first)": "exact stage",
                    "near-probes (last)": "band stage, on to the last band partition",
                    "dedup-desk": "band stage",
                    "stories": "desk stage",
                    "outbox": "alert stage",
                    "alerts": "publisher picks up, sends",
                    "read_committed reader": "txn commit + reader fetch",
                }[b]
                hops[f"{a} -> {b} ({label})"].append(tb - ta)
            hops["total (raw CreateTime -> committed read)"].append(marks[-1][1] - marks[0][1])
    visits = Counter(len(stamps["wire.near-probes"].get(ident, ())) for ident in ids)
    print("per hop (record CreateTime of each topic; last: when a read_committed reader got it);", end=" ")
    print("probe records per item:", ", ".join(f"{n}: {count}" for n, count in sorted(visits.items())))
    print(HEADER)
    order = sorted(hops, key=lambda name: name.startswith("total"))
    for name in order:
        print(row(name, hops[name]) + ("" if name.startswith("total") else f"   n={len(hops[name])}"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=100.0, help="items per second")
    parser.add_argument("--seconds", type=float, default=60.0, help="how long to produce")
    parser.add_argument("--worst", type=int, default=0, help="also print the N worst latencies")
    parser.add_argument(
        "--hops",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="read every topic on the path for the per-hop breakdown (costs this process "
        "about a quarter of a core at 100 items/s, taken from the worker on a small box)",
    )
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
            path = Tail(broker.bootstrap, HOPS if args.hops else HOPS[:1], "read_uncommitted")
            committed = Tail(broker.bootstrap, ("wire.alerts",), "read_committed")
            tails = (path, committed)
            for tail in tails:
                tail.start()
            time.sleep(2)
            producer = KafkaProducer(bootstrap_servers=broker.bootstrap, acks="all", linger_ms=0)
            run = uuid.uuid4().hex[:8]
            warm = int(args.rate * args.warmup)
            total = warm + int(args.rate * args.seconds)
            processes = {"worker": worker.pid, "this benchmark (producer, readers)": os.getpid()}
            processes.update(("publisher", pid) for pid in publishers_of({worker.pid}))
            cpu_before = {name: cpu_seconds(pid) for name, pid in processes.items()}
            sched = Sched(worker.pid)
            sched.start()
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
            alerts = committed.arrived["wire.alerts"]
            while not set(sent) <= set(alerts) and time.monotonic() < drain:
                time.sleep(0.2)
            elapsed = time.monotonic() - start
            cpu = {name: cpu_seconds(pid) - cpu_before[name] for name, pid in processes.items()}
            sched.stop.set()
            for tail in tails:
                tail.stop.set()
            for tail in tails:
                tail.join()
            producer.close()
        finally:
            worker.terminate()
            worker.wait(30)

    def latencies(arrived: dict[str, float]) -> list[float]:
        return [(arrived[i] - t) * 1000 for i, t in sent.items() if i in arrived]

    delivered = latencies(alerts)
    if args.worst:
        first = min(sent.values())
        worst = sorted(((alerts[i] - t) * 1000, t - first) for i, t in sent.items() if i in alerts)[
            -args.worst :
        ]
        print("worst latencies (ms @ s after start):", ", ".join(f"{ms:.0f}@{at:.1f}" for ms, at in worst))
    hops = latencies(path.arrived["wire.raw"])
    print(f"after {args.warmup:.0f} s of warm-up, measured {len(sent)} items at {args.rate:.0f}/s", end="; ")
    print(f"alerts read (read_committed): {len(delivered)}")
    print(f"lost (no alert within 30 s after the last send): {len(sent) - len(delivered)}")
    if delivered:
        span = max(alerts[i] for i in sent if i in alerts) - min(sent.values())
        print(f"delivered {len(delivered) / span:.1f} alerts/s from the first send to the last alert")
    # CPU per item bounds what one worker can sustain (one event loop: one core at most).
    for name, seconds in cpu.items():
        per_item = seconds / total * 1000
        print(
            f"{name} CPU: {seconds:.1f} s over {elapsed:.0f} s ({seconds / elapsed:.0%} of a core), "
            f"{per_item:.2f} ms per item (at most ~{1000 / per_item:.0f} items/s on one core)"
        )
    print(HEADER)
    for name, values in (
        ("wire.raw -> wire.alerts, read_committed", delivered),
        ("wire.raw -> wire.alerts, read_uncommitted", latencies(path.arrived["wire.alerts"])),
        ("baseline: wire.raw hop", hops),
    ):
        print(row(name, values))
    if delivered and hops:
        ratio = statistics.median(delivered) / statistics.median(hops)
        print(f"worker stages add {ratio:.1f}x the bare hop (p50)")
    timeline(sent, alerts, sched)
    if args.hops:
        breakdown(list(sent), path, committed)
        stuck(sent, alerts, path)


def timeline(sent: dict[str, float], alerts: dict[str, float], sched: Sched, step: float = 5.0) -> None:
    """p50/p99 per slice of send time, and how much of it the worker's event loop ran and waited
    for a CPU: a transient shows where it is and whether the box's load made it."""
    first = min(sent.values())
    slices: dict[int, list[float]] = defaultdict(list)
    for ident, at in sent.items():
        if ident in alerts:
            slices[int((at - first) // step)].append((alerts[ident] - at) * 1000)
    print(
        f"per {step:.0f} s of sending: p50/p99 ms; worker event loop on a CPU / runnable but waiting for one"
    )
    for k, v in sorted(slices.items()):
        ran, waited = sched.share(first + k * step, first + (k + 1) * step)
        latency = f"{pct(v, 0.5):>6.0f} / {pct(v, 0.99):>6.0f}"
        print(f"  {k * step:>4.0f} s: {latency}   loop {ran:>4.0%} / {waited:>4.0%}")


def stuck(sent: dict[str, float], alerts: dict[str, float], path: Tail) -> None:
    """For items without an alert: the last topic on the path where they were seen."""
    last: dict[str, int] = defaultdict(int)
    for ident in sent:
        if ident not in alerts:
            reached = [topic for topic in HOPS if ident in path.stamps[topic]]
            last[reached[-1] if reached else "(nowhere)"] += 1
    if last:
        print("items without an alert, by the last topic they reached:", dict(last))
        for ident in sent:
            if ident not in alerts and ident in path.story_kind:
                print(f"  {ident}: wire.stories says {path.story_kind[ident]}")


if __name__ == "__main__":
    main()
