"""End to end through the real broker: local feed -> poller -> worker -> wire.alerts, read by kafka-python."""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import orjson
import pytest
from kafka import KafkaProducer

from streams.feeds.poller import run_poller
from streams.records import RawItem, validate
from streams.settings import DEFAULT_RULES_FILE, FeedConfig, Settings
from streams.topics import ALERTS, DEADLETTER, DUPLICATES, ITEMS, RAW, STORIES, TAGGED
from tests.support import (
    SEED_TITLE,
    SEED_URL,
    FeedItem,
    FeedServer,
    free_port,
    make_raw,
    read_topic,
    rss,
    seed_text,
    start_worker,
    wait_for,
    wait_healthy,
)

pytestmark = pytest.mark.integration

SCHEMA_OF = {
    RAW.name: "raw_item",
    TAGGED.name: "item",
    ITEMS.name: "item",
    DUPLICATES.name: "duplicate",
    STORIES.name: "story",
    ALERTS.name: "alert",
    DEADLETTER.name: "deadletter",
}


@dataclass
class Stack:
    settings: Settings
    feed: FeedServer
    worker: subprocess.Popen[bytes]
    log: Path
    env: dict[str, str]

    def topic(self, spec_name: str) -> str:
        return f"{self.settings.topic_prefix}{spec_name}"

    def records(self, spec_name: str) -> list[dict]:  # type: ignore[type-arg]
        out = []
        for record in read_topic(self.settings.bootstrap, self.topic(spec_name)):
            value = orjson.loads(record.value)
            validate(SCHEMA_OF[spec_name], value)  # every message produced is schema-checked
            out.append(value)
        return out


@pytest.fixture(scope="module")
def stack(kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    run_id = uuid.uuid4().hex[:8]
    data_dir = tmp_path_factory.mktemp("worker")
    rules_file = data_dir / "rules.yaml"
    shutil.copy(DEFAULT_RULES_FILE, rules_file)
    feed = FeedServer(rss([FeedItem(SEED_TITLE, SEED_URL, seed_text())])).__enter__()
    env_settings = {
        "WIREWATCH_BOOTSTRAP_SERVERS": kafka_bootstrap,
        "WIREWATCH_TOPIC_PREFIX": f"e2e{run_id}.",
        "WIREWATCH_APP_ID": f"wirewatch-e2e-{run_id}",
        "WIREWATCH_WEB_PORT": str(free_port()),
        "WIREWATCH_DATA_DIR": str(data_dir),
        "WIREWATCH_TOPIC_PARTITIONS": "2",
        "WIREWATCH_ALLOW_PRIVATE_FEEDS": "true",
        "WIREWATCH_RULES_FILE": str(rules_file),
        "WIREWATCH_RULES_RELOAD_INTERVAL": "1",
        "WIREWATCH_ALERT_ROUTES": orjson.dumps(
            [{"topic": "wire.alerts.region.{region}"}, {"topic": "wire.alerts.rule.{rule}"}]
        ).decode(),
        "WIREWATCH_FEEDS": orjson.dumps([{"url": feed.url, "name": "local", "lang": "ar"}]).decode(),
    }
    settings = Settings(
        bootstrap_servers=kafka_bootstrap,
        topic_prefix=env_settings["WIREWATCH_TOPIC_PREFIX"],
        app_id=env_settings["WIREWATCH_APP_ID"],
        web_port=int(env_settings["WIREWATCH_WEB_PORT"]),
        data_dir=data_dir,
        topic_partitions=2,
        allow_private_feeds=True,
        feeds=(FeedConfig(url=feed.url, name="local", lang="ar"),),
    )
    log = data_dir / "worker.log"
    worker = start_worker({**os.environ, **env_settings}, log)
    try:
        wait_healthy(worker, settings.web_port, log)
        yield Stack(settings, feed, worker, log, {**os.environ, **env_settings})
    finally:
        worker.terminate()
        try:
            worker.wait(30)
        except subprocess.TimeoutExpired:
            worker.kill()
        feed.__exit__(None, None, None)


def _alerts_for(stack: Stack, rule: str) -> list[dict]:  # type: ignore[type-arg]
    return [a for a in stack.records(ALERTS.name) if a["rule"] == rule]


def test_health_reports_agents_and_assignment(stack: Stack) -> None:
    body = httpx.get(f"http://127.0.0.1:{stack.settings.web_port}/health", timeout=5).json()
    assert body["status"] == "ok" and body["assigned_partitions"] > 0
    assert {name.rsplit(".", 1)[-1] for name in body["agents"]} == {"tag", "dedup", "near", "desk", "alert"}


def test_seed_article_raises_ceasefire_idlib_once(stack: Stack) -> None:
    assert run_poller(stack.settings, once=True) == 0
    alerts = wait_for(lambda: _alerts_for(stack, "ceasefire+idlib"), 90, what="the alert")
    assert len(alerts) == 1
    alert = alerts[0]
    assert alert["title"] == SEED_TITLE and alert["lang"] == "ar"
    assert {"SY", "TR", "RU"} <= set(alert["tags"]["countries"])
    concepts = {m["concept"] for m in alert["matches"]}
    assert concepts == {"ceasefire", "idlib"}
    texts = {m["text"] for m in alert["matches"]}
    assert "إدلب" in texts and "وقف إطلاق النار" in texts
    # Offsets point into title + "\n" + summary, so the evidence is checkable.
    item = stack.records(ITEMS.name)[0]
    analysed = item["title"] + "\n" + item["summary"]
    for match in alert["matches"]:
        assert analysed[match["start"] : match["end"]] == match["text"]
    assert "⟦" in alert["snippet"]
    assert "Idlib" in item["places"] and {"SY", "TR", "RU"} <= set(item["countries"])
    names = {a["name"] for a in item["actors"]}
    assert {"Vladimir Putin", "Recep Tayyip Erdogan"} <= names
    assert len(stack.records(RAW.name)) == 1

    # Polling the unchanged feed again yields no second item or alert.
    assert run_poller(stack.settings, once=True) == 0
    stack.feed.body = stack.feed.body + b"\n"  # a 200 with the same items, not just a 304
    assert run_poller(stack.settings, once=True) == 0
    time.sleep(5)  # give a (wrong) second item time to flow through
    assert len(stack.records(RAW.name)) == 1
    assert len(stack.records(ITEMS.name)) == 1
    assert len(_alerts_for(stack, "ceasefire+idlib")) == 1


def test_poison_message_is_dead_lettered_and_worker_keeps_going(stack: Stack) -> None:
    producer = KafkaProducer(bootstrap_servers=stack.settings.bootstrap, acks="all")
    raw_topic = stack.topic(RAW.name)
    poison = [b"\xff\xfenot json", b'{"schema_version": 1, "id": "nope"}', b"[1, 2, 3]"]
    for value in poison:
        producer.send(raw_topic, key=b"poison", value=value)
    # A valid item sent after the poison must still come through.
    good = make_raw(
        "f" * 32,
        title="Ceasefire talks on Idlib resume in Ankara",
        summary="Turkish and Russian officials met to discuss a truce in Syria's Idlib.",
    ).to_json()
    producer.send(raw_topic, key=b"f" * 32, value=orjson.dumps(good))
    producer.flush()
    producer.close()

    def tag_dead_letters() -> list[dict]:  # type: ignore[type-arg]
        found = [d for d in stack.records(DEADLETTER.name) if d["stage"] == "tag"]
        return found if len(found) >= len(poison) else []

    dead = wait_for(tag_dead_letters, 60, what="three dead letters from the tag stage")
    assert sorted(base64.b64decode(d["value_b64"]) for d in dead) == sorted(poison)
    assert {d["error_type"] for d in dead} >= {"DecodeError", "ValidationError"}
    assert all(d["topic"] == raw_topic and d["offset"] >= 0 for d in dead)

    english = wait_for(
        lambda: [a for a in _alerts_for(stack, "ceasefire+idlib") if a["item_id"] == "f" * 32],
        60,
        what="the English alert after poison",
    )
    assert english[0]["lang"] == "en"
    assert stack.worker.poll() is None, "worker must survive poison input"


def test_aborted_transaction_records_are_not_processed(stack: Stack) -> None:
    """What a crashed poll leaves behind (an aborted transaction) never reaches wire.items."""

    def raw(ident: str, title: str) -> bytes:
        return orjson.dumps(make_raw(ident, title=title).to_json())

    aborted, committed = "a" * 31 + "1", "c" * 31 + "1"
    producer = KafkaProducer(
        bootstrap_servers=stack.settings.bootstrap,
        transactional_id=f"{stack.settings.app_id}-test-tx",
    )
    producer.init_transactions()
    producer.begin_transaction()
    producer.send(stack.topic(RAW.name), key=aborted.encode(), value=raw(aborted, "Aborted story"))
    producer.flush()
    producer.abort_transaction()
    producer.begin_transaction()
    producer.send(stack.topic(RAW.name), key=committed.encode(), value=raw(committed, "Committed story"))
    producer.commit_transaction()
    producer.close()

    def item_ids() -> set[str]:
        return {i["id"] for i in stack.records(ITEMS.name)}

    wait_for(lambda: committed in item_ids(), 60, what="the committed item in wire.items")
    time.sleep(2)
    assert aborted not in item_ids()


def test_alerts_tail_prints_alerts_with_filters(stack: Stack) -> None:
    run_poller(stack.settings, once=True)
    wait_for(lambda: _alerts_for(stack, "ceasefire+idlib"), 90, what="an alert to tail")

    def tail(*args: str) -> list[str]:
        proc = subprocess.run(
            [sys.executable, "-m", "streams", "alerts", "tail", "--from-beginning", "--timeout", "5", *args],
            env=stack.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        return [line for line in proc.stdout.splitlines() if line.strip()]

    [line] = tail("--json", "--rule", "ceasefire+idlib", "--country", "SY", "--limit", "1")
    alert = orjson.loads(line)
    validate("alert", alert)
    assert alert["rule"] == "ceasefire+idlib"
    assert tail("--json", "--country", "BR") == []  # no Brazil in these items
    human = tail("--rule", "ceasefire+idlib", "--limit", "1")
    assert "HIGH ceasefire+idlib" in human[0] and any("⟦" in line for line in human)


def test_worker_dedups_by_canonical_url_and_flags_updates(stack: Stack) -> None:
    """The same article under another id (tracking parameter) is a duplicate; changed text is an update."""
    url = "https://www.aljazeera.com/news/2020/2/21/erdogan-putin-talks"
    base = make_raw(
        "d" * 31 + "1",
        guid="guid-1",
        url=url,
        canonical_url=url,
        title="Erdogan and Putin discuss Idlib by phone",
        summary="The leaders agreed to intensify contacts.",
        content_hash="1" * 32,
    )
    republished = RawItem(**{**base.__dict__, "id": "d" * 31 + "2", "guid": "guid-2"})
    updated = RawItem(
        **{
            **base.__dict__,
            "id": "d" * 31 + "3",
            "summary": "The leaders agreed to intensify contacts. UPDATE: a summit is planned.",
            "content_hash": "2" * 32,
        }
    )
    producer = KafkaProducer(bootstrap_servers=stack.settings.bootstrap, acks="all")

    def send(raw: RawItem) -> None:
        producer.send(stack.topic(RAW.name), key=raw.id.encode(), value=orjson.dumps(raw.to_json()))
        producer.flush()

    # Items on different wire.raw partitions are tagged in parallel, so "first" is only
    # defined once the base item is through; the other two may then arrive in any order.
    send(base)
    wait_for(lambda: base.id in {i["id"] for i in stack.records(ITEMS.name)}, 60, what="the base item")
    send(republished)
    send(updated)
    producer.close()

    def duplicates() -> list[dict]:  # type: ignore[type-arg]
        found = [d for d in stack.records(DUPLICATES.name) if d["duplicate_of"] == base.id]
        return found if len(found) >= 2 else []

    by_id = {d["id"]: d for d in wait_for(duplicates, 60, what="two duplicates of the base item")}
    assert by_id[republished.id]["kind"] == "duplicate" and not by_id[republished.id]["text_changed"]
    assert by_id[updated.id]["kind"] == "update" and by_id[updated.id]["text_changed"]
    assert {d["story_id"] for d in by_id.values()} == {base.id}
    assert by_id[republished.id]["reason"] == "same_url"
    items = [i for i in stack.records(ITEMS.name) if i["canonical_url"] == base.canonical_url]
    assert [i["id"] for i in items] == [base.id]


def test_one_alert_per_story_and_update_alert_for_new_terms(stack: Stack) -> None:
    url = "https://www.aljazeera.com/news/2020/3/5/idlib-truce"
    base = make_raw(
        "e" * 31 + "1",
        url=url,
        canonical_url=url,
        title="Idlib truce holds overnight",
        summary="Residents report calm.",
        content_hash="3" * 32,
    )
    republished = RawItem(**{**base.__dict__, "id": "e" * 31 + "2"})
    updated = RawItem(
        **{
            **base.__dict__,
            "id": "e" * 31 + "3",
            "summary": "Residents report calm. Turkish troops will monitor the ceasefire.",
            "content_hash": "4" * 32,
        }
    )
    producer = KafkaProducer(bootstrap_servers=stack.settings.bootstrap, acks="all")

    def send(raw: RawItem) -> None:
        producer.send(stack.topic(RAW.name), key=raw.id.encode(), value=orjson.dumps(raw.to_json()))
        producer.flush()

    def story_alerts() -> list[dict]:  # type: ignore[type-arg]
        return [a for a in _alerts_for(stack, "ceasefire+idlib") if a["story_id"] == base.id]

    send(base)
    [first] = wait_for(story_alerts, 60, what="the first alert of the story")
    assert first["kind"] == "new" and {m["term"] for m in first["matches"]} == {"truce", "Idlib"}
    send(republished)
    wait_for(
        lambda: any(d["id"] == republished.id for d in stack.records(DUPLICATES.name)),
        60,
        what="the republished copy in wire.duplicates",
    )
    send(updated)
    alerts = wait_for(lambda: story_alerts() if len(story_alerts()) >= 2 else [], 60, what="an update alert")
    time.sleep(2)
    alerts = story_alerts()
    assert [a["kind"] for a in alerts] == ["new", "update"]
    assert alerts[1]["item_id"] == updated.id
    assert "ceasefire" in {m["term"] for m in alerts[1]["matches"]}


def test_rules_test_backtests_from_topic(stack: Stack) -> None:
    run_poller(stack.settings, once=True)
    wait_for(lambda: stack.records(ITEMS.name), 90, what="items to backtest")
    proc = subprocess.run(
        [sys.executable, "-m", "streams", "rules", "test", "--from-topic", "wire.items", "--since", "1d"],
        env=stack.env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    row = next(line for line in proc.stdout.splitlines() if line.startswith("ceasefire+idlib"))
    matched, alerts = (int(v) for v in row.split()[-2:])
    assert matched >= 1 and alerts >= 1, proc.stdout
    assert "⟦إدلب⟧" in proc.stdout or "⟦Idlib⟧" in proc.stdout


def test_rules_hot_reload_and_broken_file_rejected(stack: Stack) -> None:
    rules_file = Path(stack.env["WIREWATCH_RULES_FILE"])
    original = rules_file.read_text(encoding="utf-8")
    oil_rule = (
        original.replace("concepts:\n", "concepts:\n  oil:\n    terms: [oil prices, أسعار النفط]\n", 1)
        + "  - id: oil-news\n    all: [oil]\n    severity: low\n"
    )
    producer = KafkaProducer(bootstrap_servers=stack.settings.bootstrap, acks="all")

    def send(ident: str, title: str) -> None:
        raw = make_raw(ident, title=title, content_hash=ident)
        producer.send(stack.topic(RAW.name), key=ident.encode(), value=orjson.dumps(raw.to_json()))
        producer.flush()

    def oil_alert_for(ident: str) -> bool:
        return any(a["item_id"] == ident for a in _alerts_for(stack, "oil-news"))

    try:
        rules_file.write_text(oil_rule, encoding="utf-8")
        # The worker checks every second; keep sending fresh stories until one alerts.
        deadline = time.monotonic() + 60
        n = 0
        while not any(oil_alert_for(f"{n:032x}") for n in range(1, n + 1)):
            assert time.monotonic() < deadline, "new rule never fired after the file changed"
            n += 1
            send(f"{n:032x}", "Oil prices rise again")
            time.sleep(1.5)

        rules_file.write_text(oil_rule.replace("all: [oil]", "all: [oyl]"), encoding="utf-8")
        time.sleep(3)  # a broken file is read and rejected
        ident = "b" * 30 + "99"
        send(ident, "أسعار النفط تتراجع")
        wait_for(lambda: oil_alert_for(ident), 60, what="an alert from the rules that stayed active")
        assert "rules file rejected" in stack.log.read_text()
    finally:
        rules_file.write_text(original, encoding="utf-8")
        producer.close()


def test_derived_alert_topics(stack: Stack) -> None:
    # Created at start for every known rule and M49 region, before any alert.
    assert read_topic(stack.settings.bootstrap, stack.topic("wire.alerts.region.northern-africa")) == []
    run_poller(stack.settings, once=True)
    wait_for(lambda: _alerts_for(stack, "ceasefire+idlib"), 90, what="the seed alert")

    def derived(name: str) -> list[dict]:  # type: ignore[type-arg]
        records = [orjson.loads(r.value) for r in read_topic(stack.settings.bootstrap, stack.topic(name))]
        for record in records:
            validate("alert", record)
        return [a for a in records if a["rule"] == "ceasefire+idlib"]

    by_region = wait_for(lambda: derived("wire.alerts.region.western-asia"), 60, what="region topic")
    by_rule = wait_for(lambda: derived("wire.alerts.rule.ceasefire-idlib"), 60, what="rule topic")
    assert by_region[0]["alert_id"] == by_rule[0]["alert_id"]
    assert derived("wire.alerts.region.northern-africa") == []


def test_prometheus_metrics(stack: Stack) -> None:
    run_poller(stack.settings, once=True)
    wait_for(lambda: _alerts_for(stack, "ceasefire+idlib"), 90, what="the seed alert")
    response = httpx.get(f"http://127.0.0.1:{stack.settings.web_port}/metrics", timeout=5)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    samples: dict[str, float] = {}
    for line in response.text.splitlines():
        if line and not line.startswith("#"):
            name, value = line.rsplit(" ", 1)
            samples[name] = float(value)
    assert samples['wirewatch_records_in_total{stage="tag"}'] >= 1
    assert samples['wirewatch_records_in_total{stage="alert"}'] >= 1
    assert samples['wirewatch_alerts_total{kind="new",rule="ceasefire+idlib"}'] >= 1
    assert samples['wirewatch_dedup_decisions_total{kind="new"}'] >= 1
    assert samples['wirewatch_stage_processing_seconds_count{stage="tag"}'] >= 1
    out = f'wirewatch_records_out_total{{stage="alert",topic="{stack.topic(ALERTS.name)}"}}'
    assert samples[out] >= 1
