"""The three dedup stages over many partitions, simulated: the same decisions as one process,
whatever the interleaving; every item decided exactly once; stories always end at a new item."""

from __future__ import annotations

import random
import zlib
from collections import defaultdict, deque
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from streams.dedup.desk import Out, StoryDesk, desk_key, item_message
from streams.dedup.exact import ExactDedup
from streams.dedup.near import NearIndex
from streams.pipeline import Pipeline
from streams.records import Item, validate
from streams.settings import DEFAULT_RULES_FILE
from tests.dedup.make_labelled_set import as_raw, load

WINDOW = 7 * 86400.0
SCHEMAS = {
    "items": "item",
    "duplicates": "duplicate",
    "stories": "story",
    "desk": "desk",
    "near": "near_probe",
}
CLOCK = datetime(2026, 11, 29, tzinfo=UTC)


@cache
def pipeline() -> Pipeline:
    return Pipeline(Path(DEFAULT_RULES_FILE))


@cache
def tagged_items() -> tuple[Item, ...]:
    """The labelled set as tagged items, in a fixed shuffled order (variants and originals mixed)."""
    rows, _ = load()
    rng = random.Random(7)
    rows = list(rows)
    rng.shuffle(rows)
    return tuple(pipeline().tag(as_raw(row, "test")) for row in rows[:300])


class Cluster:
    """Topics of `partitions` partitions as FIFO queues; each stage's state in one dict (a key
    lives on one partition, so that is the union of the partitions' tables)."""

    def __init__(self, partitions: int, rng: random.Random | None = None, replay: float = 0.0) -> None:
        self.partitions = partitions
        self.queues: dict[tuple[str, int], deque[tuple[str, dict[str, Any], str]]] = defaultdict(deque)
        self.rng = rng
        self.replay = replay  # chance a processed record is delivered again (a crash replay)
        self.exact: dict[str, Any] = {}
        self.bands: dict[bytes, bytes] = {}
        self.desk: dict[str, Any] = {}
        self.outputs: dict[str, list[tuple[str, dict[str, Any]]]] = defaultdict(list)
        self.offsets = 0

    def send(self, topic: str, key: str, value: dict[str, Any]) -> None:
        validate(SCHEMAS.get(topic, "item"), value)
        self.offsets += 1
        part = self.partition_of(key)
        self.queues[(topic, part)].append((key, value, f"{part}:{self.offsets}"))

    def partition_of(self, key: str) -> int:
        return zlib.crc32(key.encode()) % self.partitions

    def emit(self, outs: list[Out]) -> None:
        for out in outs:
            if out.target in ("desk", "near"):
                self.send(out.target, out.key, out.value)
            else:
                validate(SCHEMAS[out.target], out.value)
                self.outputs[out.target].append((out.key, out.value))

    def step(self) -> bool:
        ready = [q for q, items in self.queues.items() if items]
        if not ready:
            return False
        topic, part = self.rng.choice(ready) if self.rng else min(ready)
        key, value, src = self.queues[(topic, part)][0]
        if not (self.rng and self.rng.random() < self.replay):
            self.queues[(topic, part)].popleft()
        pipe = pipeline()
        if topic == "tagged":
            item = Item.from_json(value)
            self.emit(pipe.exact_stage(self.exact, WINDOW, item, float(value["_seen"]), src))
        elif topic == "near":
            index = NearIndex(self.bands, WINDOW, pipe.signer.config)
            self.emit([pipe.band_stage(index, self.partition_of, value)])
        else:
            self.emit(StoryDesk(self.desk, clock=lambda: CLOCK).handle(key, value, src))
        return True

    def drain(self) -> None:
        while self.step():
            pass

    def inject(self, item: Item, seen: float) -> None:
        value = item.to_json()
        value["_seen"] = seen  # stands in for the record's timestamp
        self.offsets += 1
        part = zlib.crc32(item.dedup_key.encode()) % self.partitions
        self.queues[("tagged", part)].append((item.dedup_key, value, f"{part}:{self.offsets}"))

    def decisions(self) -> dict[str, str]:
        """item id -> its final story, from wire.items and wire.duplicates."""
        out: dict[str, str] = {}
        for target in ("items", "duplicates"):
            for _, value in self.outputs[target]:
                out[value["id"]] = value["story_id"]
        return out


def reference() -> dict[str, str]:
    """One process, one store: exact then near decisions in arrival order."""
    pipe = pipeline()
    exact = ExactDedup({}, WINDOW)
    index = NearIndex({}, WINDOW, pipe.signer.config)
    story: dict[str, str] = {}
    by_suffix: dict[str, str] = {}
    for n, item in enumerate(tagged_items()):
        raw = item.raw
        decision = exact.decide(raw.id, raw.canonical_url, raw.content_hash, float(n))
        if not decision.is_new:
            story[raw.id] = story[decision.story_id]
            continue
        near = index.decide(raw.id, pipe.near_signature(item), float(n))
        by_suffix[desk_key(raw.id)] = raw.id
        story[raw.id] = story[by_suffix[near.match.item_id]] if near.match else raw.id
    return story


@pytest.mark.parametrize("partitions", [1, 4, 7])
def test_items_one_at_a_time_decide_as_one_process_does(partitions: int) -> None:
    cluster = Cluster(partitions, random.Random(partitions))
    for n, item in enumerate(tagged_items()):
        cluster.inject(item, float(n))
        cluster.drain()
    decided = cluster.decisions()
    expected = reference()
    assert decided == expected
    merged = sum(1 for k, v in expected.items() if k != v)
    assert merged > 50  # the set really exercises near-duplicates


def _check_invariants(cluster: Cluster) -> None:
    items = tagged_items()
    new_ids = [v["id"] for _, v in cluster.outputs["items"]]
    dup_ids = [v["id"] for _, v in cluster.outputs["duplicates"]]
    # Every item decided, each once in wire.items or else in wire.duplicates (a replay may
    # repeat a record, never change it).
    assert set(new_ids) | set(dup_ids) == {i.id for i in items}
    assert not set(new_ids) & set(dup_ids)
    # Every story ends at an item that is in wire.items: no chain, no cycle, nothing dangling.
    roots = set(new_ids)
    for _, dup in cluster.outputs["duplicates"]:
        assert dup["story_id"] in roots
    # Nothing waits at the desk.
    assert all(rec.get("state") == "final" for rec in cluster.desk.values())


@pytest.mark.parametrize("seed", range(4))
def test_all_at_once_in_any_interleaving_keeps_the_invariants(seed: int) -> None:
    cluster = Cluster(4, random.Random(seed))
    for n, item in enumerate(tagged_items()):
        cluster.inject(item, float(n // 10))  # ten items per second: ties broken by id
    cluster.drain()
    _check_invariants(cluster)
    # Racing items may miss each other (both new), and which of two is the original can
    # differ from arrival order, but a merge is never invented: every near-duplicate record
    # points at an item the policy merges it with on its own.
    pipe = pipeline()
    by_id = {i.id: i for i in tagged_items()}
    near = [v for _, v in cluster.outputs["duplicates"] if v["reason"] == "similar_text"]
    assert near
    for dup in near:
        index = NearIndex({}, WINDOW, pipe.signer.config)
        index.decide(dup["duplicate_of"], pipe.near_signature(by_id[dup["duplicate_of"]]), 0.0)
        assert index.decide(dup["id"], pipe.near_signature(by_id[dup["id"]]), 1.0, record=False).match


def test_replayed_records_repeat_outputs_but_never_change_a_decision() -> None:
    clean = Cluster(4, random.Random(11))
    replayed = Cluster(4, random.Random(11), replay=0.2)
    for n, item in enumerate(tagged_items()):
        for cluster in (clean, replayed):
            cluster.inject(item, float(n))
            cluster.drain()
    assert replayed.decisions() == clean.decisions()
    _check_invariants(replayed)
    assert len(replayed.outputs["items"]) + len(replayed.outputs["duplicates"]) > len(tagged_items())


def test_a_question_that_arrives_before_the_story_waits_for_it() -> None:
    desk = StoryDesk({}, clock=lambda: CLOCK)
    store: dict[str, Any] = desk.store  # type: ignore[assignment]
    a, b = tagged_items()[0], tagged_items()[1]
    ka, kb = desk_key(a.id), desk_key(b.id)
    exact = {"kind": "new", "story_id": b.id, "duplicate_of": None, "reason": None, "text_changed": False}
    # b nearly duplicates a (its probe found a's entry) and asks a's desk for a's story ...
    match = {"id": ka, "seen": 1.0, "body": 0.9, "title": 1.0}
    outs = desk.handle(kb, item_message(b.with_story(b.id).to_json(), exact, 2.0, match))
    assert [(o.target, o.key, o.value["type"]) for o in outs] == [("desk", ka, "resolve")]
    # ... before a's own item message reaches its desk: the question waits there.
    assert desk.handle(ka, outs[0].value) == []
    a_exact = {**exact, "story_id": a.id}
    outs = desk.handle(ka, item_message(a.with_story(a.id).to_json(), a_exact, 1.0, None))
    assert [o.target for o in outs] == ["items", "stories", "desk"]
    outs = desk.handle(kb, outs[2].value)
    assert [o.target for o in outs] == ["duplicates", "stories"]
    dup = outs[0].value
    assert (dup["story_id"], dup["duplicate_of"], dup["reason"]) == (a.id, a.id, "similar_text")
    assert store[kb]["state"] == store[ka]["state"] == "final"
    # The same item again (a replayed band stage) repeats its outputs, decides nothing new.
    again = desk.handle(kb, item_message(b.with_story(b.id).to_json(), exact, 2.0, match))
    assert [o.target for o in again] == ["duplicates", "stories"] and store[kb]["state"] == "final"
