"""Benchmark: one poller process against a farm of 10,000 feeds at one request per feed a minute.

Run: python -m tests.benchmarks.bench_poller [--feeds 10000] [--hosts 50] [--latency 0.1] [--measure 240]
     python -m tests.benchmarks.bench_poller --hostile 10    (memory and time over the hostile kinds)

Starts an ephemeral local Kafka broker, the feed farm (tests/feedfarm.py) as its own process
serving N normal feeds over `hosts` loopback addresses (each feed publishes an item every
`period` seconds, so most polls are 304s and some bring a new item; every answer takes
`latency` seconds, like a server across the internet), writes the N URLs to a plain feeds
file, and runs `wirewatch poll` as a real process with every feed's interval pinned to 60 s
(the budget: one request per feed per minute). Warm-up: the first pass (every feed's backlog
published) and `settle` seconds more. Then, over the measurement window, it prints:

- feeds polled per minute (the poller's own /metrics counter);
- the poller's CPU (share of one core, from /proc) and its peak resident memory;
- publish-to-wire.raw delay p50/p99: for every item the farm published inside the window,
  the time a read_committed consumer of wire.raw saw it minus the farm's publication time;
- how long the poller took to exit after SIGTERM.

Baseline, in the same run on the same broker, farm and state: the same poller with one fetch
in flight (poll_concurrency 1) for `--baseline` seconds; its feeds per minute is its ceiling
(it cannot keep up with the budget), and the ratio is printed.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import httpx
import orjson
from kafka import KafkaConsumer
from kafka.structs import TopicPartition

from streams.kafka.admin import ensure_topics
from streams.kafka.broker import LocalBroker
from streams.settings import Settings
from streams.topics import FEED_STATE, RAW
from tests.feedfarm import HOSTILE, FarmConfig
from tests.support import free_port

GUID = re.compile(r"^farm-(\d+)-(-?\d+)$")
TICK = os.sysconf("SC_CLK_TCK")


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # utime + stime


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def polls(metrics_port: int) -> float:
    text = httpx.get(f"http://127.0.0.1:{metrics_port}/metrics", timeout=10).text
    return sum(
        float(line.split()[-1]) for line in text.splitlines() if line.startswith("wirewatch_polls_total{")
    )


def tail_raw(bootstrap: str, topic: str, arrived: dict[str, float], stop: threading.Event) -> None:
    consumer = KafkaConsumer(
        bootstrap_servers=bootstrap, enable_auto_commit=False, isolation_level="read_committed"
    )
    parts = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())]
    consumer.assign(parts)
    consumer.seek_to_beginning(*parts)
    while not stop.is_set():
        for records in consumer.poll(timeout_ms=200).values():
            now = time.time()
            for record in records:
                guid = orjson.loads(record.value).get("guid") or ""
                arrived.setdefault(guid, now)
    consumer.close()


def start_poller(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with open(log, "ab") as handle:
        return subprocess.Popen(
            [sys.executable, "-m", "streams", "--log-level", "info", "poll"],
            env=env,
            stdout=handle,
            stderr=subprocess.STDOUT,
        )


def wait_metrics(port: int, proc: subprocess.Popen[bytes], log: Path, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"poller exited {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            polls(port)
            return
        except httpx.HTTPError:
            time.sleep(0.3)
    raise SystemExit("poller metrics never came up")


def stop(proc: subprocess.Popen[bytes], timeout: float = 30.0) -> tuple[float, float, float]:
    """SIGTERM the poller: (seconds it took to exit, its total CPU seconds, peak RSS MB).

    A poller that has not exited after `timeout` is killed and reported (exit time inf).
    """
    proc.send_signal(signal.SIGTERM)
    started = time.monotonic()
    while True:
        pid, _, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            proc.returncode = 0
            return time.monotonic() - started, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024
        if time.monotonic() - started > timeout:
            print(f"poller did not stop within {timeout:.0f} s of SIGTERM: killed", flush=True)
            proc.kill()
            _, _, usage = os.wait4(proc.pid, 0)
            return float("inf"), usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024
        time.sleep(0.1)


def measure(
    proc: subprocess.Popen[bytes], port: int, seconds: float
) -> tuple[float, float, float, float, float]:
    """(feeds/min, CPU share of one core, peak RSS MB, window start, window end) over `seconds`."""
    started, count0, cpu0 = time.time(), polls(port), cpu_seconds(proc.pid)
    peak = 0.0
    while time.time() < started + seconds:
        peak = max(peak, rss_mb(proc.pid))
        time.sleep(1.0)
    ended, count1, cpu1 = time.time(), polls(port), cpu_seconds(proc.pid)
    peak = max(peak, rss_mb(proc.pid))
    minutes = (ended - started) / 60
    return (count1 - count0) / minutes, (cpu1 - cpu0) / (ended - started), peak, started, ended


def hostile(copies: int) -> None:
    """`--hostile N`: N copies of every hostile farm kind plus 100 normal feeds, one `poll --once`
    with the default limits (10 MiB bodies, 64 fetches in flight): its exit, time and peak RSS."""
    kinds = [kind for _ in range(copies) for kind in HOSTILE]
    n = len(kinds) + 100
    port = free_port()
    code = (
        "import asyncio\nfrom tests.feedfarm import Farm, FarmConfig\n"
        f"farm = Farm(FarmConfig(feeds={n}, kinds={dict(enumerate(kinds))!r}, hosts=10, slow_delay=1.0))\n"
        f"asyncio.run(farm.serve({port}, ready=lambda: print('ready', flush=True)))\n"
    )
    farm = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE)
    assert farm.stdout is not None
    farm.stdout.readline()
    feeds = Path(tempfile.mkdtemp(prefix="wirewatch-hostile-")) / "feeds.txt"
    feeds.write_text("".join(f"http://127.0.0.{1 + i % 10}:{port}/feed/{i}\n" for i in range(n)))
    env = {
        **os.environ,
        "WIREWATCH_FEEDS_FILE": str(feeds),
        "WIREWATCH_ALLOW_PRIVATE_FEEDS": "true",
        "WIREWATCH_HTTP_TOTAL_TIMEOUT": "10",
        "WIREWATCH_HTTP_TIMEOUT": "5",
    }
    started = time.monotonic()
    try:
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "streams",
                "--log-level",
                "error",
                "poll",
                "--once",
                "--output",
                os.devnull,
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    finally:
        farm.terminate()
        farm.wait(10)
    lines = [line for line in proc.stderr.splitlines() if line.startswith(("ok", "FAILED"))]
    failed = sum(line.startswith("FAILED") for line in lines)
    print(
        f"{n} feeds ({len(kinds)} hostile, {len(HOSTILE)} kinds): exit {proc.returncode} in "
        f"{time.monotonic() - started:.1f} s; peak RSS {usage.ru_maxrss / 1024:.0f} MB; "
        f"{len(lines)} feeds reported, {failed} failed (as they should)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=10_000)
    parser.add_argument("--hosts", type=int, default=50)
    parser.add_argument("--period", type=float, default=600.0, help="seconds between two items of a feed")
    parser.add_argument("--interval", type=float, default=60.0, help="poll interval (the budget)")
    parser.add_argument(
        "--settle", type=float, default=60.0, help="seconds between the end of the first pass and measuring"
    )
    parser.add_argument("--latency", type=float, default=0.1, help="farm answer latency, seconds")
    parser.add_argument("--measure", type=float, default=240.0, help="measurement window, seconds")
    parser.add_argument("--baseline", type=float, default=45.0, help="baseline window, seconds (0: skip)")
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--per-host", type=int, default=8)
    parser.add_argument("--hostile", type=int, default=0, help="only the hostile run, N copies of each kind")
    args = parser.parse_args()
    if args.hostile:
        hostile(args.hostile)
        return

    work = Path(tempfile.mkdtemp(prefix="wirewatch-bench-poller-"))
    log = work / "poller.log"
    epoch = time.time()
    farm_port = free_port()
    farm = subprocess.Popen(
        [
            sys.executable, "-m", "tests.feedfarm", "--feeds", str(args.feeds), "--hosts", str(args.hosts),
            "--port", str(farm_port), "--period", str(args.period), "--epoch", str(epoch),
            "--latency", str(args.latency),
        ],
        stdout=subprocess.PIPE,
    )  # fmt: skip
    assert farm.stdout is not None
    if not farm.stdout.readline().startswith(b"ready"):
        raise SystemExit("feed farm did not start")
    config = FarmConfig(feeds=args.feeds, period=args.period, hosts=args.hosts, epoch=epoch)
    feeds_file = work / "feeds.txt"
    feeds_file.write_text(
        "".join(f"http://127.0.0.{1 + i % args.hosts}:{farm_port}/feed/{i}\n" for i in range(args.feeds))
    )
    try:
        with LocalBroker.ephemeral(Settings().cache_dir) as broker:
            prefix = f"bench{uuid.uuid4().hex[:6]}."
            settings = Settings(bootstrap_servers=broker.bootstrap, topic_prefix=prefix)
            ensure_topics(settings, (RAW, FEED_STATE))
            metrics_port = free_port()
            env = {
                **os.environ,
                "WIREWATCH_BOOTSTRAP_SERVERS": broker.bootstrap,
                "WIREWATCH_TOPIC_PREFIX": prefix,
                "WIREWATCH_FEEDS_FILE": str(feeds_file),
                "WIREWATCH_ALLOW_PRIVATE_FEEDS": "true",
                "WIREWATCH_POLL_INTERVAL": str(args.interval),
                "WIREWATCH_POLL_INTERVAL_MIN": str(args.interval),
                "WIREWATCH_POLL_INTERVAL_MAX": str(args.interval),
                "WIREWATCH_POLL_CONCURRENCY": str(args.concurrency),
                "WIREWATCH_POLL_PER_HOST": str(args.per_host),
                "WIREWATCH_POLLER_METRICS_PORT": str(metrics_port),
            }
            arrived: dict[str, float] = {}
            stop_tail = threading.Event()
            tail = threading.Thread(
                target=tail_raw, args=(broker.bootstrap, RAW.full_name(settings), arrived, stop_tail)
            )
            tail.start()

            print(
                f"{args.feeds} feeds on {args.hosts} hosts, one item per feed every {args.period:.0f} s, "
                f"{args.latency * 1000:.0f} ms per answer, polled every {args.interval:.0f} s; "
                f"concurrency {args.concurrency}, per host {args.per_host}",
                flush=True,
            )
            poller = start_poller(env, log)
            wait_metrics(metrics_port, poller, log)
            # Warm-up: the first pass publishes every feed's backlog; measuring starts once every
            # feed was polled and the schedule had `settle` seconds to become steady.
            started = time.monotonic()
            while polls(metrics_port) < args.feeds:
                time.sleep(1)
            first_pass = time.monotonic() - started
            print(f"first pass (every feed once, backlog published): {first_pass:.0f} s", flush=True)
            time.sleep(args.settle)
            per_min, cpu, peak, t0, t1 = measure(poller, metrics_port, args.measure)
            exit_s, total_cpu, maxrss = stop(poller)
            time.sleep(3)  # the last commits reach the consumer

            delays = []
            missing = 0
            for i in range(args.feeds):
                first = config.latest(i, t0) + 1
                last = config.latest(i, t1 - args.interval * 1.5)  # leave time for its poll
                for k in range(first, last + 1):
                    seen = arrived.get(f"farm-{i}-{k}")
                    if seen is None:
                        missing += 1
                    else:
                        delays.append(seen - config.published_at(i, k))
            stats = httpx.get(f"http://127.0.0.1:{farm_port}/_stats?since={t0}", timeout=10).json()
            print(
                f"concurrent poller: {per_min:,.0f} feeds/min over {t1 - t0:.0f} s; CPU {cpu:.2f} core; "
                f"peak RSS {peak:.0f} MB (whole run: {maxrss:.0f} MB, {total_cpu:.0f} CPU s); "
                f"exited {exit_s:.1f} s after SIGTERM"
            )
            print(
                f"seen by the farm: {stats['gaps']:,} requests in the window; seconds between two "
                f"requests for one feed: p1 {stats['gap_p01']:.1f}, p50 {stats['gap_p50']:.1f}, "
                f"p99 {stats['gap_p99']:.1f}"
            )
            print(
                f"publish-to-wire.raw delay: p50 {pct(delays, 0.5):.1f} s, p99 {pct(delays, 0.99):.1f} s, "
                f"max {max(delays, default=float('nan')):.1f} s over {len(delays)} items; {missing} not seen"
            )

            if args.baseline > 0:
                env["WIREWATCH_POLL_CONCURRENCY"] = "1"
                env["WIREWATCH_POLL_PER_HOST"] = "1"
                env["WIREWATCH_POLLER_METRICS_PORT"] = str(metrics_port := free_port())
                base = start_poller(env, log)  # same state topic: it resumes the first one's feeds
                wait_metrics(metrics_port, base, log)
                time.sleep(10)
                base_per_min, base_cpu, base_peak, _, _ = measure(base, metrics_port, args.baseline)
                stop(base)
                print(
                    f"baseline (one fetch in flight): {base_per_min:,.0f} feeds/min; "
                    f"CPU {base_cpu:.2f} core; peak RSS {base_peak:.0f} MB"
                )
                print(f"ratio: {per_min / base_per_min:.1f}x the feeds per minute")
            print(f"farm, whole run before the baseline: {stats['requests']:,} requests, {stats['statuses']}")
            stop_tail.set()
            tail.join(10)
    finally:
        farm.terminate()
        farm.wait(10)


if __name__ == "__main__":
    main()
