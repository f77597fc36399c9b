"""Near-duplicates meet across partitions and workers, and the dedup state survives a restart.

Real broker, 4 partitions per topic, two `wirewatch worker` processes in one consumer group.
Originals go in first; then their variants (new URL and GUID, edited text), whose dedup keys
mostly hash to other partitions than their originals'; each variant must come out in
wire.duplicates with its original's story, hard negatives (same topic, different story) in
wire.items. Then both workers are killed and one fresh worker with an empty data directory
(state only from the changelog topics) must still recognise variants of the originals.
"""

from __future__ import annotations

import os
import signal
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import orjson
import pytest
from kafka import KafkaProducer

from streams.dedup.identity import digest
from streams.dedup.near import NearIndex, Signature
from streams.pipeline import Pipeline
from streams.records import RawItem
from streams.settings import DEFAULT_RULES_FILE, Settings
from streams.topics import DUPLICATES, ITEMS, RAW, TAGGED
from tests.dedup.make_labelled_set import Item as Labelled
from tests.dedup.make_labelled_set import as_raw, load
from tests.support import free_port, publishers_of, read_topic, start_worker, wait_for, wait_healthy

pytestmark = pytest.mark.integration
PARTITIONS = 4


@dataclass
class Group:
    bootstrap: str
    prefix: str
    base_env: dict[str, str]
    root: Path
    workers: list[tuple[subprocess.Popen[bytes], int, Path]]

    def start(self, name: str) -> tuple[subprocess.Popen[bytes], int, Path]:
        data = self.root / name
        data.mkdir()
        port = free_port()
        env = {**self.base_env, "WIREWATCH_WEB_PORT": str(port), "WIREWATCH_DATA_DIR": str(data)}
        log = data / "worker.log"
        proc = start_worker(env, log)
        self.workers.append((proc, port, log))
        wait_healthy(proc, port, log)
        return proc, port, log

    def topic(self, name: str) -> str:
        return f"{self.prefix}{name}"

    def values(self, name: str) -> list[dict]:  # type: ignore[type-arg]
        return [orjson.loads(r.value) for r in read_topic(self.bootstrap, self.topic(name))]


@pytest.fixture
def group(kafka_bootstrap: str, tmp_path: Path) -> Iterator[Group]:
    run = uuid.uuid4().hex[:8]
    prefix = f"dd{run}."
    env = {
        **os.environ,
        "WIREWATCH_BOOTSTRAP_SERVERS": kafka_bootstrap,
        "WIREWATCH_TOPIC_PREFIX": prefix,
        "WIREWATCH_APP_ID": f"wirewatch-dd-{run}",
        "WIREWATCH_TOPIC_PARTITIONS": str(PARTITIONS),
        "WIREWATCH_RULES_RELOAD_INTERVAL": "0",
    }
    g = Group(kafka_bootstrap, prefix, env, tmp_path, [])
    try:
        yield g
    finally:
        for proc, _, _ in g.workers:
            if proc.poll() is None:
                proc.kill()
                proc.wait(30)


def _pairs() -> tuple[list[tuple[Labelled, Labelled]], list[tuple[Labelled, Labelled]]]:
    """Positive (original, variant) and negative (same topic or same place, different story)
    pairs that the pure policy decides rightly, and no item of one pair near any item of
    another: the wiring is under test here, not the policy (tests/benchmarks/bench_dedup.py
    measures that)."""
    items, pairs = load()
    pipe = Pipeline(DEFAULT_RULES_FILE)
    by_id = {i.id: i for i in items}
    sigs: dict[str, Signature] = {}

    def sig(row: Labelled) -> Signature:
        if row.id not in sigs:
            _, value = _raw(row, "check")
            sigs[row.id] = pipe.near_signature(pipe.tag(RawItem.from_json(orjson.loads(value))))
        return sigs[row.id]

    def near(a: Labelled, b: Labelled) -> bool:
        index = NearIndex({}, 86400.0, pipe.signer.config)
        index.decide(digest("a", a.id), sig(a), 0.0)
        return index.decide(digest("b", b.id), sig(b), 1.0, record=False).match is not None

    chosen: list[Labelled] = []
    positives, negatives = [], []
    for pair in pairs:
        a, b = by_id[pair.a], by_id[pair.b]
        if any(near(x, y) or near(y, x) for x in (a, b) for y in chosen):
            continue
        if pair.label and len(positives) < 24 and near(a, b):
            positives.append((a, b))
        elif not pair.label and len(negatives) < 8 and not near(a, b) and not near(b, a):
            negatives.append((a, b))
        else:
            continue
        chosen += [a, b]
    return positives, negatives


def _raw(row: Labelled, tag: str) -> tuple[str, bytes]:
    raw = as_raw(row, tag)
    return raw.id, orjson.dumps(raw.to_json())


def _publish(group: Group, rows: list[tuple[Labelled, str]]) -> list[str]:
    producer = KafkaProducer(bootstrap_servers=group.bootstrap, acks="all")
    ids = []
    for row, tag in rows:
        ident, value = _raw(row, tag)
        producer.send(group.topic(RAW.name), key=ident.encode(), value=value)
        ids.append(ident)
    producer.flush()
    producer.close()
    return ids


def _decided(group: Group, ids: list[str]) -> dict[str, dict]:  # type: ignore[type-arg]
    """Each id's record in wire.items or wire.duplicates, once all of them are there."""

    def done() -> dict[str, dict] | None:  # type: ignore[type-arg]
        found = {v["id"]: v for v in group.values(ITEMS.name) + group.values(DUPLICATES.name)}
        return found if set(ids) <= set(found) else None

    result: dict[str, dict] = wait_for(done, 120, interval=1.0, what="every item decided")  # type: ignore[type-arg]
    return result


def _processed(port: int, stage: str) -> float:
    text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
    for line in text.splitlines():
        if line.startswith(f'wirewatch_records_in_total{{stage="{stage}"}}'):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def test_near_duplicates_meet_across_partitions_and_workers_and_survive_restart(group: Group) -> None:
    positives, negatives = _pairs()
    assert len(positives) >= 20 and len(negatives) >= 4
    # Settings only to create the topics before two workers race to declare them.
    from streams.kafka.admin import ensure_topics

    ensure_topics(
        Settings(bootstrap_servers=group.bootstrap, topic_prefix=group.prefix, topic_partitions=PARTITIONS)
    )
    (w1, port1, _), (w2, port2, _) = group.start("w1"), group.start("w2")

    def both_assigned() -> bool:
        for port in (port1, port2):
            body = httpx.get(f"http://127.0.0.1:{port}/health", timeout=5).json()
            if not body.get("assigned_partitions"):
                return False
        return True

    wait_for(both_assigned, 60, what="both workers to own partitions")

    originals = _publish(group, [(a, "orig") for a, _ in positives] + [(a, "orig") for a, _ in negatives])
    first = _decided(group, originals)
    assert [first[i] for i in originals if first[i]["story_id"] != i] == []  # distinct stories

    variants = _publish(group, [(b, "copy") for _, b in positives])
    others = _publish(group, [(b, "other") for _, b in negatives])
    decided = _decided(group, variants + others)
    for original, variant in zip(originals, variants, strict=False):
        record = decided[variant]
        assert record["story_id"] == original, record
        # Exact content meets on one partition only by chance; the near path finds it anyway.
        assert record["duplicate_of"] == original and record["reason"] in ("similar_text", "same_content")
    for other in others:
        assert decided[other]["story_id"] == other  # a different story, however similar
    # Each id exactly once across wire.items and wire.duplicates.
    out_ids = [v["id"] for v in group.values(ITEMS.name) + group.values(DUPLICATES.name)]
    assert sorted(out_ids) == sorted(set(out_ids))

    # The variants really crossed partitions, and both workers did dedup work.
    partition = {
        orjson.loads(r.value)["id"]: r.partition
        for r in read_topic(group.bootstrap, group.topic(TAGGED.name))
    }
    crossed = sum(partition[o] != partition[v] for o, v in zip(originals, variants, strict=False))
    assert crossed >= len(variants) // 2
    assert _processed(port1, "desk") > 0 and _processed(port2, "desk") > 0

    # Kill both, start one worker with an empty data directory: state comes from the changelog.
    assert len(publishers_of({w1.pid, w2.pid})) == 2  # one publisher per worker
    for proc in (w1, w2):
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
    # Their publishers (child processes) notice and end too: nothing is left holding the outbox.
    wait_for(lambda: not publishers_of({w1.pid, w2.pid}), 30, what="the killed workers' publishers to exit")
    group.start("w3")
    again = _publish(group, [(b, "again") for _, b in positives[:8]])
    decided = _decided(group, again)
    for original, ident in zip(originals, again, strict=False):
        assert decided[ident]["story_id"] == original, decided[ident]
