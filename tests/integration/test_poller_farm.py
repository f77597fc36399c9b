"""The poller against the feed farm and the real broker: hostile feeds, restarts, two pollers."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from streams.feeds.poller import run_poller
from streams.feeds.store import load_states
from streams.settings import FeedConfig, Settings
from tests.feedfarm import HOSTILE, Farm, FarmConfig, running_farm
from tests.integration.test_poller import raw_items

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
NORMAL = 12
MakeSettings = Callable[..., Settings]


@pytest.fixture
def make_settings(kafka_bootstrap: str) -> MakeSettings:
    prefix = f"farm{uuid.uuid4().hex[:10]}."

    def make(feeds: tuple[FeedConfig, ...] = (), **overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "bootstrap_servers": kafka_bootstrap,
            "topic_prefix": prefix,
            "allow_private_feeds": True,
            "feeds": feeds,
            "http_timeout": 2.0,
            "http_total_timeout": 3.0,
            "max_body_bytes": 2_000_000,
        }
        values.update(overrides)
        return Settings(**values)

    return make


@pytest.fixture
def hostile_farm() -> Iterator[Farm]:
    # Every hostile kind once, then normal feeds; three hosts, so hostile and healthy feeds
    # share hosts (and per-host slots).
    kinds = dict(enumerate(HOSTILE))
    config = FarmConfig(feeds=len(kinds) + NORMAL, kinds=kinds, hosts=3, slow_delay=1.0)
    with running_farm(config) as farm:
        yield farm


def test_hostile_farm_no_crash_no_blocked_feed_nothing_leaked(
    hostile_farm: Farm, make_settings: MakeSettings
) -> None:
    farm = hostile_farm
    n = farm.config.feeds
    feeds = tuple(FeedConfig(url=farm.url(i), name=farm.config.kind(i)) for i in range(n))
    settings = make_settings(feeds, poll_per_host=2)

    started = time.monotonic()
    assert run_poller(settings, once=True) == 0
    took = time.monotonic() - started
    # Hangs, trickles and endless bodies are cut by the total timeout; nothing waits longer.
    assert took < 3 * settings.http_total_timeout

    states = load_states(settings)
    assert set(states) == {feed.url for feed in feeds}  # every feed polled: none blocked
    by_kind = {farm.config.kind(i): states[farm.url(i)] for i in range(n) if farm.config.kind(i) != "normal"}
    items = raw_items(settings)
    assert not _published_twice(items)
    titles = Counter(i["feed"]["name"] for i in items)
    assert titles["normal"] == NORMAL * farm.config.items

    for kind in ("trickle", "hang", "huge", "hugechunked", "endless", "gzipbomb", "e500", "html"):
        assert by_kind[kind].error_streak == 1, kind
    for kind in ("e429", "e503"):
        state = by_kind[kind]
        assert state.last_status == int(kind[1:]) and state.next_due is not None
        assert (state.next_due - state.last_fetch).total_seconds() >= farm.config.retry_after  # type: ignore[operator]
    moved = HOSTILE.index("moved301")
    assert by_kind["moved301"].moved_to == farm.url(moved).replace("/feed/", "/moved/")
    assert by_kind["moved308"].moved_to is not None and by_kind["temp302"].moved_to is None
    for kind in ("win1256", "iso8859_6", "bom", "mislabelled", "wrongdecl", "slow", "malformed"):
        assert by_kind[kind].error_streak == 0 and by_kind[kind].items_published >= 10, kind
    arabic_kinds = ("win1256", "iso8859_6", "bom", "mislabelled", "wrongdecl")
    arabic = [i["title"] for i in items if i["feed"]["name"] in arabic_kinds]
    assert len(arabic) == 50 and all(t.startswith("وقف إطلاق النار في إدلب") for t in arabic)
    # Entity attacks: nothing expanded, nothing read from disk or fetched from the network.
    entity_titles = [i["title"] for i in items if i["feed"]["name"] in ("laughs", "quadratic", "xxe")]
    assert entity_titles and max(len(t) for t in entity_titles) < 100_000
    assert not any("lollol" in t or "root:" in t or "SECRET" in t for t in entity_titles)
    assert farm.secret_hits == 0

    # A second pass: healthy feeds answer 304, storms publish nothing new, nothing twice.
    assert run_poller(settings, once=True) == 0
    again = raw_items(settings)
    assert not _published_twice(again)
    new_by_feed = Counter(i["feed"]["name"] for i in again[len(items) :])
    assert new_by_feed["guidstorm"] == 0 and new_by_feed["trackstorm"] == 0 and new_by_feed["normal"] == 0
    assert load_states(settings)[farm.url(moved)].last_status == 304  # fetched at the new URL ...
    # Old URL + new URL on the first pass, the new URL alone (a 304) on the second.
    assert farm.requests[moved] == 3


def _published_twice(items: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """(feed, item id) pairs seen more than once. The same article in two feeds has one id
    (its canonical link) and is one record per feed; dedup downstream folds those."""
    counts = Counter((i["feed"]["url"], i["id"]) for i in items)
    return [pair for pair, count in counts.items() if count > 1]


def _env(settings: Settings, feeds_file: Path, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "WIREWATCH_BOOTSTRAP_SERVERS": settings.bootstrap,
        "WIREWATCH_TOPIC_PREFIX": settings.topic_prefix,
        "WIREWATCH_ALLOW_PRIVATE_FEEDS": "true",
        "WIREWATCH_FEEDS_FILE": str(feeds_file),
        **extra,
    }


def _poll(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "streams", "poll", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_restarted_poller_publishes_nothing_twice(make_settings: MakeSettings, tmp_path: Path) -> None:
    # Items every 2 s per feed, polled every second: the poller is killed (SIGTERM, then
    # SIGKILL) while items keep coming, and a successor picks up from wire.feed-state.
    config = FarmConfig(feeds=20, period=2.0, hosts=2)
    with running_farm(config) as farm:
        feeds_file = tmp_path / "feeds.txt"
        feeds_file.write_text("# farm feeds\n" + "".join(f"{farm.url(i)}\n" for i in range(20)))
        settings = make_settings()
        env = _env(
            settings,
            feeds_file,
            WIREWATCH_POLL_INTERVAL="1",
            WIREWATCH_POLL_INTERVAL_MIN="1",
            WIREWATCH_POLL_INTERVAL_MAX="1",
        )
        first = _poll(env)
        time.sleep(4)
        first.send_signal(signal.SIGTERM)
        assert first.wait(30) == 0, first.communicate()[1][-2000:]
        after_first = raw_items(settings)
        assert after_first

        second = _poll(env)
        time.sleep(3.5)
        second.kill()  # no goodbye at all this time
        second.wait(30)
        third = _poll(env)
        time.sleep(3.5)
        third.send_signal(signal.SIGTERM)
        assert third.wait(30) == 0
    items = raw_items(settings)
    ids = [i["id"] for i in items]
    assert len(ids) == len(set(ids)), "an item was published twice"
    assert len(items) > len(after_first)  # the successors did publish the newer items
    guids = {i["guid"] for i in items}
    # Every item the farm had published up to a poll interval before the end is there.
    latest = {i: config.latest(i, time.time() - 8) for i in range(20)}
    assert all(f"farm-{i}-{k}" in guids for i in range(20) for k in range(latest[i] - 9, latest[i] + 1))


def test_two_pollers_share_the_feeds_without_polling_one_twice(
    make_settings: MakeSettings, tmp_path: Path
) -> None:
    with running_farm(FarmConfig(feeds=40, hosts=4)) as farm:
        feeds_file = tmp_path / "feeds.toml"
        feeds_file.write_text(
            "".join(f'[[feeds]]\nurl = "{farm.url(i)}"\nname = "farm {i}"\n' for i in range(40))
        )
        settings = make_settings()
        procs = [
            _poll(
                _env(
                    settings,
                    feeds_file,
                    WIREWATCH_POLLER_COUNT="2",
                    WIREWATCH_POLLER_INDEX=str(index),
                    WIREWATCH_POLLER_ID=f"poller-{index}",
                ),
                "--once",
            )
            for index in (0, 1)
        ]
        outputs = [proc.communicate(timeout=120) for proc in procs]
        assert [proc.returncode for proc in procs] == [0, 0], outputs
        requests = dict(farm.requests)
    assert requests == {i: 1 for i in range(40)}  # each feed polled once, by one poller
    shares = [err.count("ok     200") for _, err in outputs]
    assert sum(shares) == 40 and min(shares) > 5
    items = raw_items(settings)
    assert len(items) == 400 and len({i["id"] for i in items}) == 400
    assert len(load_states(settings)) == 40
    assert {i["feed"]["name"] for i in items} == {f"farm {i}" for i in range(40)}


def test_poll_once_output_writes_json_lines_without_a_broker(tmp_path: Path) -> None:
    with running_farm(FarmConfig(feeds=3)) as farm:
        feeds_file = tmp_path / "feeds.txt"
        feeds_file.write_text("".join(f"{farm.url(i)} Farm {i}\n" for i in range(3)))
        env = {
            **os.environ,
            "WIREWATCH_BOOTSTRAP_SERVERS": "127.0.0.1:1",  # never contacted
            "WIREWATCH_ALLOW_PRIVATE_FEEDS": "true",
            "WIREWATCH_FEEDS_FILE": str(feeds_file),
        }
        out, err = _poll(env, "--once", "--output", "-").communicate(timeout=60)
    lines = [orjson.loads(line) for line in out.splitlines()]
    assert len(lines) == 30 and {line["feed"]["name"] for line in lines} == {"Farm 0", "Farm 1", "Farm 2"}
    assert err.count("10 new of 10 entries") == 3
