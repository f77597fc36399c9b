"""Chaos test: stories flow feed -> poller -> worker while both are SIGKILLed and the broker restarts.

Run: python -m tests.benchmarks.chaos_worker [--items 10000] [--rate 50] [--worker-kills 5]
     [--poller-kills 2] [--broker-restarts 1]

A local HTTP server publishes N unique stories (English and Arabic, a quarter of them about a
ceasefire in Idlib) into two feeds at `rate` stories per second, each feed listing its newest
`window` items the way real feeds do; a third "mirror" feed re-publishes a tenth of them
(same article, tracking parameters added), which the worker must recognise as duplicates.
`wirewatch poll` and `wirewatch worker` run as real subprocesses against a single-node KRaft
broker with persistent storage. While stories flow, the harness SIGKILLs the worker and the
poller and restarts them at once (as a supervisor would; a process that exits by itself is
restarted too, and counted), and stops and restarts the broker on the same data dir and port.

Then it checks: every story is in wire.items exactly once (by item id), every expected alert
in wire.alerts exactly once (by rule and story), the worker's group has no record left
waiting on its input topics, and nothing else appeared. It prints expected / delivered /
lost / duplicated, and per kill the recovery time: from the kill until the pipeline is back
to steady throughput (poller and worker each within `2 s of input` of the feeds, and
wire.items growing again, or everything delivered once the feeds are done).
"""

from __future__ import annotations

import argparse
import collections
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import orjson
from kafka import KafkaAdminClient
from kafka.structs import TopicPartition

from streams.dedup.identity import item_id
from streams.errors import ConfigError
from streams.kafka.admin import ensure_topics
from streams.kafka.broker import LocalBroker
from streams.kafka.clients import make_consumer
from streams.kafka.lag import group_lag, total
from streams.kafka.probe import free_port
from streams.kafka.replay import records_to_end
from streams.settings import Settings
from streams.topics import ALERTS, DEADLETTER, DUPLICATES, ITEMS, RAW, STORIES, TAGGED
from tests.support import FeedItem, FeedServer, rss, wait_healthy

RULE = "ceasefire+idlib"
EN_WORDS = str.split(
    "markets trade talks ministers weather harvest football railway election budget museum "
    "orchestra bridge airport festival library exports tourism fishermen vaccine climate "
    "students teachers farmers bakery festival cinema startup software satellite telescope "
    "river mountain desert coastline harbour cargo tariffs bonds inflation wages pensions"
)
AR_WORDS = str.split(
    "الأسواق التجارة الوزراء الطقس الحصاد الانتخابات الميزانية المتحف الجسر المطار المهرجان "
    "المكتبة الصادرات السياحة الصيادون اللقاح المناخ الطلاب المعلمون المزارعون المخبز السينما "
    "البرمجيات القمر الصناعي النهر الجبل الصحراء الساحل الميناء البضائع الرسوم السندات التضخم "
    "الأجور المعاشات الجامعة المستشفى القطار الحديقة"
)


@dataclass(frozen=True)
class Story:
    n: int
    lang: str
    title: str
    summary: str
    link: str
    alerting: bool

    @property
    def id(self) -> str:
        return item_id("", None, self.link, self.title, self.summary)


def pseudo_word(rng: random.Random, letters: str) -> str:
    return "".join(rng.choice(letters) for _ in range(rng.randint(4, 8)))


def make_story(n: int, run: str, rng: random.Random) -> Story:
    """A unique story: real words plus made-up ones (so that no two stories look alike to
    near-duplicate detection), its number, and for half of them a ceasefire in Idlib."""
    lang = "ar" if n % 2 else "en"
    letters = "بتثجحخدذرزسشصضطظعغفقكلمنهوي" if lang == "ar" else "bcdfghjklmnprstvwz" + "aeiou" * 3
    real = rng.sample(AR_WORDS if lang == "ar" else EN_WORDS, 8)
    made_up = [pseudo_word(rng, letters) for _ in range(24)]
    alerting = n % 4 in (0, 1)  # both languages alert
    # Its number is the only number in it: two stories with different numbers never merge
    # (the near-duplicate anchor guard), so each story is a story of its own.
    title = " ".join([*real[:2], *made_up[:6]]) + f" {n}"
    summary = " ".join([*real[2:], *made_up[6:]]) + "."
    if alerting:
        title += " مع صمود وقف إطلاق النار في إدلب" if lang == "ar" else " as the Idlib ceasefire holds"
    host = "www.aljazeera.net" if lang == "ar" else "www.aljazeera.com"
    return Story(n, lang, title, summary, f"https://{host}/news/{run}/{n}", alerting)


@dataclass
class ChaosPlan:
    items: int = 10_000
    rate: float = 40.0  # stories released per second
    worker_kills: int = 5
    poller_kills: int = 2
    broker_restarts: int = 1
    window: int = 600  # items each feed lists
    republish: float = 0.1
    partitions: int = 4
    gap: tuple[float, float] = (3.0, 6.0)  # seconds between one recovery and the next kill
    recovery_wait: float = 30.0  # give up waiting for steady state after this, then go on
    drain_timeout: float = 180.0
    seed: int = 7

    def events(self, rng: random.Random) -> list[str]:
        """Kills in a shuffled order, the broker restart never first (a cold start is not news)."""
        kinds = ["worker"] * self.worker_kills + ["poller"] * self.poller_kills
        rng.shuffle(kinds)
        for i in range(self.broker_restarts):
            kinds.insert(min(len(kinds), 1 + (i + 1) * len(kinds) // (self.broker_restarts + 1)), "broker")
        return kinds


@dataclass
class Event:
    kind: str
    at: float
    released: int  # stories the feeds had listed when it happened
    back: float = 0.0  # when the replacement was up (worker healthy, broker serving)
    recovery: float | None = None


@dataclass
class Counts:
    expected: int
    delivered: int
    lost: int
    duplicated: int
    unexpected: int

    def line(self, name: str) -> str:
        return (
            f"{name:<12} expected {self.expected:>6}  delivered {self.delivered:>6}  lost {self.lost:>4}  "
            f"duplicated {self.duplicated:>4}  unexpected {self.unexpected:>4}"
        )


def count(got: collections.Counter[Any], want: set[Any]) -> Counts:
    return Counts(
        expected=len(want),
        delivered=len(want & set(got)),
        lost=len(want - set(got)),
        duplicated=sum(c - 1 for c in got.values() if c > 1),
        unexpected=len(set(got) - want),
    )


@dataclass
class ChaosReport:
    items: Counts
    alerts: Counts
    raw_duplicated: int  # the poller's exactly-once promise
    dead_letters: int
    final_lag: int  # records still waiting on the worker's input topics after the drain
    events: list[Event]
    unplanned_exits: list[str]
    seconds: float
    # Every duplicate in wire.items / wire.alerts repeats its first copy's key and id.
    duplicates_recognisable: bool = True
    notes: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [self.items.line("wire.items"), self.alerts.line("wire.alerts")]
        out.append(
            f"wire.raw duplicated {self.raw_duplicated}; dead letters {self.dead_letters}; "
            f"records waiting after drain {self.final_lag}; duplicates recognisable by id: "
            f"{self.duplicates_recognisable}"
        )
        for kind in ("worker", "poller", "broker"):
            times = [e.recovery for e in self.events if e.kind == kind]
            if times:
                shown = ", ".join("never" if t is None else f"{t:.1f}" for t in times)
                out.append(f"{kind} {'restarts' if kind == 'broker' else 'SIGKILLs'}: {len(times)}; "
                           f"steady again after {shown} s")  # fmt: skip
        out.append(
            f"unplanned exits (restarted): {self.unplanned_exits or 'none'}; took {self.seconds:.0f} s"
        )
        late = [e.kind for e in self.events if e.released >= self.items.expected]
        if late:
            out.append(f"after the feeds had listed every story (less telling): {', '.join(late)}")
        return out + self.notes


class Supervised:
    """A `wirewatch` subprocess the harness SIGKILLs and restarts; if it exits by itself it is
    restarted too (as systemd or compose would) and the exit is recorded."""

    def __init__(self, name: str, args: list[str], env: dict[str, str], log: Path) -> None:
        self.name, self.args, self.env, self.log = name, args, env, log
        self.proc: subprocess.Popen[bytes] | None = None
        self.exits: list[str] = []

    def start(self) -> None:
        cmd = [sys.executable, "-m", "streams", *self.args]
        # If the harness itself dies (a test run killed on timeout), take the child along.
        setpriv = shutil.which("setpriv")
        if setpriv and threading.current_thread() is threading.main_thread():
            cmd = [setpriv, "--pdeathsig", "KILL", "--", *cmd]
        with open(self.log, "ab") as handle:
            self.proc = subprocess.Popen(cmd, env=self.env, stdout=handle, stderr=handle)

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()
        self.start()

    def check(self) -> None:
        if self.proc is not None and self.proc.poll() is not None:
            self.exits.append(f"{self.name} exited {self.proc.returncode}")
            self.start()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class Feeds:
    """Two origin feeds and a mirror, each a real HTTP server listing its newest items."""

    def __init__(self, stories: list[Story], plan: ChaosPlan, rng: random.Random) -> None:
        self.stories, self.plan, self.rng = stories, plan, rng
        self.servers = {name: FeedServer() for name in ("en", "ar", "mirror")}
        self.lists: dict[str, list[FeedItem]] = {name: [] for name in self.servers}
        self.released = 0
        self.done = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="feeds", daemon=True)

    def __enter__(self) -> Feeds:
        for server in self.servers.values():
            server.__enter__()
            server.body = rss([])
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for server in self.servers.values():
            server.__exit__()

    def start(self) -> None:
        self._thread.start()

    def config(self) -> list[dict[str, str]]:
        return [{"url": s.url, "name": f"chaos-{name}", "lang": "ar" if name == "ar" else "en"}
                for name, s in self.servers.items()]  # fmt: skip

    def _run(self) -> None:
        began = time.monotonic()
        while self.released < len(self.stories) and not self._stop.is_set():
            due = min(len(self.stories), int((time.monotonic() - began) * self.plan.rate) + 1)
            touched = set()
            for story in self.stories[self.released : due]:
                # Dated now, as a real feed dates what it publishes (the poller relies on it).
                now = datetime.now(UTC)
                self.lists[story.lang].append(FeedItem(story.title, story.link, story.summary, published=now))
                touched.add(story.lang)
                if story.n > 20 and self.rng.random() < self.plan.republish:
                    # The same article on a mirror: tracking parameters, its own guid.
                    old = self.stories[self.rng.randrange(0, story.n)]
                    link = f"{old.link}?utm_source=mirror&utm_medium=rss"
                    copy = FeedItem(old.title, link, old.summary, guid=f"m{story.n}", published=now)
                    self.lists["mirror"].append(copy)
                    touched.add("mirror")
            self.released = due
            for name in touched:
                newest_first = self.lists[name][-self.plan.window :][::-1]
                self.servers[name].body = rss(newest_first)
            time.sleep(0.2)
        self.done.set()


class Monitor(threading.Thread):
    """Follows wire.raw, wire.items and wire.alerts (read_committed) and samples the worker
    group's lag once a second; the samples decide when the pipeline is steady again."""

    def __init__(self, settings: Settings, feeds: Feeds, threshold: int) -> None:
        super().__init__(name="monitor", daemon=True)
        self.settings, self.feeds, self.threshold = settings, feeds, threshold
        self.raw_ids: set[str] = set()
        self.item_ids: set[str] = set()
        self.samples: list[tuple[float, int, int, int, int]] = []  # t, released, raw, items, lag
        self.stop_event = threading.Event()

    def run(self) -> None:
        s = self.settings
        topics = {RAW.full_name(s): self.raw_ids, ITEMS.full_name(s): self.item_ids}
        sources = [t.full_name(s) for t in (RAW, TAGGED, STORIES)]
        consumer = make_consumer(s, group_id=None, isolation_level="read_committed")
        parts = [TopicPartition(t, p) for t in topics for p in range(s.topic_partitions)]
        consumer.assign(parts)
        consumer.seek_to_beginning(*parts)
        source_parts = [TopicPartition(t, p) for t in sources for p in range(s.topic_partitions)]
        admin = KafkaAdminClient(client_id="chaos-monitor", **s.kafka_python_config())
        next_sample = 0.0
        while not self.stop_event.is_set():
            try:
                for tp, records in consumer.poll(timeout_ms=200).items():
                    topics[tp.topic].update(r.key.decode() for r in records)
                if time.monotonic() >= next_sample:
                    next_sample = time.monotonic() + 1.0
                    ends = consumer.end_offsets(source_parts)
                    committed = admin.list_group_offsets({s.app_id: source_parts}).get(s.app_id, {})
                    lag = sum(ends[tp] - max(0, committed[tp].offset) if tp in committed else ends[tp]
                              for tp in source_parts)  # fmt: skip
                    sample = (
                        time.monotonic(),
                        self.feeds.released,
                        len(self.raw_ids),
                        len(self.item_ids),
                        lag,
                    )
                    self.samples.append(sample)
            except Exception:  # the broker restarting: keep sampling once it is back
                time.sleep(0.5)
        consumer.close()
        admin.close()

    def steady_since(self, t0: float, back: float = 0.0) -> float | None:
        """Seconds from t0 to the first sample at which the pipeline is steady again, not
        before `back` (when the killed process's replacement was up: a sample taken just
        after a kill still shows the dead process's last output)."""
        samples = list(self.samples)
        for i, (t, released, raw, items, lag) in enumerate(samples):
            if t < max(t0 + 1.0, back):
                continue
            before = [x for x in samples[:i] if x[0] <= t - 2.0]
            grew = bool(before) and items > before[-1][3]
            caught_up = self.feeds.done.is_set() and items >= len(self.feeds.stories) and lag <= 8
            if released - raw <= self.threshold and lag <= self.threshold and (grew or caught_up):
                return t - t0
        return None


def read_all(settings: Settings, topic: str) -> list[Any]:
    """Every committed record of `topic`, from the beginning to the end as of now ([] if the
    topic was never created); BrokerError rather than a silent short count after 120 s."""
    try:
        return list(records_to_end(settings, topic, timeout=120))
    except ConfigError:
        return []


def run_chaos(plan: ChaosPlan, cache_dir: Path, say: Any = print) -> ChaosReport:
    """Run the scenario on a broker of its own (restartable) and return the counts."""
    rng = random.Random(plan.seed)
    run = uuid.uuid4().hex[:8]
    stories = [make_story(n, run, rng) for n in range(plan.items)]
    data = Path(tempfile.mkdtemp(prefix="wirewatch-chaos-"))
    broker = LocalBroker(cache_dir=cache_dir, data_dir=data / "broker", port=free_port("127.0.0.1"),
                         controller_port=free_port("127.0.0.1"))  # fmt: skip
    began = time.monotonic()
    broker.start()
    try:
        with Feeds(stories, plan, rng) as feeds:
            return _scenario(plan, rng, stories, feeds, broker, data, began, say)
    finally:
        broker.stop()


def _scenario(
    plan: ChaosPlan,
    rng: random.Random,
    stories: list[Story],
    feeds: Feeds,
    broker: LocalBroker,
    data: Path,
    began: float,
    say: Any,
) -> ChaosReport:
    web = free_port("127.0.0.1")
    env = {
        **os.environ,
        "WIREWATCH_BOOTSTRAP_SERVERS": broker.bootstrap,
        "WIREWATCH_DATA_DIR": str(data),
        "WIREWATCH_WEB_PORT": str(web),
        "WIREWATCH_TOPIC_PARTITIONS": str(plan.partitions),
        "WIREWATCH_APP_ID": "wirewatch-chaos",
        "WIREWATCH_FEEDS": orjson.dumps(feeds.config()).decode(),
        "WIREWATCH_ALLOW_PRIVATE_FEEDS": "true",
        "WIREWATCH_POLL_INTERVAL": "0.5",
        "WIREWATCH_POLL_INTERVAL_MIN": "0.5",
        "WIREWATCH_POLL_INTERVAL_MAX": "1",
        # After an outage a feed can list up to `window` new items at once; the poller's
        # default cap (an "identity storm" guard) would hold back the part above 200.
        "WIREWATCH_POLL_MAX_NEW_ITEMS": str(plan.window),
        "WIREWATCH_POLL_BACKOFF_MAX": "2",
        "WIREWATCH_HTTP_TIMEOUT": "5",
        "WIREWATCH_RULES_RELOAD_INTERVAL": "0",
    }
    settings = Settings(bootstrap_servers=broker.bootstrap, topic_partitions=plan.partitions,
                        app_id="wirewatch-chaos", data_dir=data)  # fmt: skip
    ensure_topics(settings)
    worker = Supervised("worker", ["worker"], env, data / "worker.log")
    poller = Supervised("poller", ["poll"], env, data / "poller.log")
    worker.start()
    assert worker.proc is not None
    wait_healthy(worker.proc, web, worker.log)
    poller.start()
    monitor = Monitor(settings, feeds, threshold=max(25, int(2 * plan.rate)))
    monitor.start()
    feeds.start()
    events: list[Event] = []

    def supervise(seconds: float, until: Any = None) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and not (until and until()):
            worker.check()
            poller.check()
            time.sleep(0.25)

    def note_healthy(event: Event) -> None:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{web}/health", timeout=2).status_code == 200:
                    event.back = time.monotonic()
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)

    for kind in plan.events(rng):
        supervise(rng.uniform(*plan.gap))
        event = Event(kind, time.monotonic(), feeds.released)
        say(f"[{event.at - began:6.1f} s] {kind} {'restart' if kind == 'broker' else 'SIGKILL'} "
            f"({feeds.released} of {plan.items} released)")  # fmt: skip
        if kind == "worker":
            worker.kill()
            # Noted in the background, so the next event keeps its pace.
            threading.Thread(target=note_healthy, args=(event,), daemon=True).start()
        elif kind == "poller":
            poller.kill()
            event.back = time.monotonic()
        else:
            broker.stop()
            broker.start()
            event.back = time.monotonic()
        events.append(event)
        supervise(
            plan.recovery_wait,
            until=lambda e=event: bool(e.back) and monitor.steady_since(e.at, e.back) is not None,
        )

    # Drain: the feeds finish, the poller publishes the rest, the worker catches up.
    def drained() -> bool:
        s = monitor.samples[-1] if monitor.samples else None
        if s is None or not feeds.done.is_set():
            return False
        _, _, raw, items, lag = s
        return raw >= plan.items and items >= plan.items and lag <= 8

    supervise(plan.items / plan.rate + plan.drain_timeout, until=drained)
    supervise(5.0)  # let in-flight stragglers (duplicates, alerts) land
    sources = [t.full_name(settings) for t in (RAW, TAGGED, STORIES)]
    final_lag = total(group_lag(settings, [settings.app_id], topics=sources, exact=True))
    monitor.stop_event.set()
    for e in events:
        e.recovery = monitor.steady_since(e.at, e.back) if e.back else None
    poller.stop()
    worker.stop()
    monitor.join(10)
    return _report(plan, settings, stories, events, worker.exits + poller.exits, final_lag, began)


def _report(
    plan: ChaosPlan,
    settings: Settings,
    stories: list[Story],
    events: list[Event],
    exits: list[str],
    final_lag: int,
    began: float,
) -> ChaosReport:
    items = read_all(settings, ITEMS.full_name(settings))
    alerts = read_all(settings, ALERTS.full_name(settings))
    raw = read_all(settings, RAW.full_name(settings))
    by_id = collections.Counter(orjson.loads(r.value)["id"] for r in items)
    alert_keys = collections.Counter(
        (a["rule"], a["story_id"]) for a in map(orjson.loads, (r.value for r in alerts))
    )
    want_items = {s.id for s in stories}
    want_alerts = {(RULE, s.id) for s in stories if s.alerting}
    # A duplicate is "recognisable" when every copy has the same key and the same record id.
    first: dict[Any, tuple[bytes, str]] = {}
    recognisable = True
    for r in items:
        value = orjson.loads(r.value)
        key = (r.key, value["id"])
        recognisable &= first.setdefault(value["id"], key) == key
    for r in alerts:
        value = orjson.loads(r.value)
        key = (r.key, value["alert_id"])
        recognisable &= first.setdefault((value["rule"], value["story_id"]), key) == key
    # Per feed: the mirror re-publishes origin stories under their ids on purpose.
    raw_ids = collections.Counter((orjson.loads(r.value)["feed"]["url"], r.key) for r in raw)
    return ChaosReport(
        items=count(by_id, want_items),
        alerts=count(alert_keys, want_alerts),
        raw_duplicated=sum(c - 1 for c in raw_ids.values() if c > 1),
        dead_letters=len(read_all(settings, DEADLETTER.full_name(settings))),
        final_lag=final_lag,
        events=events,
        unplanned_exits=exits,
        seconds=time.monotonic() - began,
        duplicates_recognisable=recognisable,
        notes=[
            f"wire.raw: {len(want_items & {k.decode() for _, k in raw_ids})} of {len(want_items)} "
            "stories published; "
            f"wire.duplicates: {len(read_all(settings, DUPLICATES.full_name(settings)))} records",
            *_trace(settings, sorted(want_items - set(by_id))[:5]),
        ],
    )


def _trace(settings: Settings, lost: list[str]) -> list[str]:
    """Where a few lost stories got to: the topics that mention their id, with the record kind."""
    if not lost:
        return []
    seen: dict[str, list[str]] = {i: [] for i in lost}
    for spec in (RAW, TAGGED, DUPLICATES, STORIES):
        for r in read_all(settings, spec.full_name(settings)):
            text = r.value.decode("utf-8", "replace")
            for i in lost:
                if i in text:
                    kind = orjson.loads(r.value).get("kind", "")
                    seen[i].append(f"{spec.name}[{r.partition}]@{r.offset}{' ' + kind if kind else ''}")
    return [f"lost {i}: {', '.join(where) or 'never published'}" for i, where in seen.items()]


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=40.0)
    parser.add_argument("--worker-kills", type=int, default=5)
    parser.add_argument("--poller-kills", type=int, default=2)
    parser.add_argument("--broker-restarts", type=int, default=1)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    plan = ChaosPlan(
        items=args.items,
        rate=args.rate,
        worker_kills=args.worker_kills,
        poller_kills=args.poller_kills,
        broker_restarts=args.broker_restarts,
        seed=args.seed,
    )
    report = run_chaos(plan, Settings().cache_dir, say=lambda line: print(line, flush=True))
    print("\n".join(report.lines()))


if __name__ == "__main__":
    main()
