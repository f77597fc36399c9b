"""`wirewatch deadletter replay` against the real broker: original bytes back to their topic, each once."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta

import orjson
import pytest
from kafka import KafkaProducer

from streams.kafka.admin import ensure_topics
from streams.kafka.deadletters import REPLAY_HEADER, replay
from streams.records.models import DeadLetter
from streams.settings import Settings
from streams.topics import DEADLETTER, RAW, TAGGED
from tests.support import make_raw, read_topic

pytestmark = pytest.mark.integration


@pytest.fixture
def settings(kafka_bootstrap: str) -> Settings:
    run = uuid.uuid4().hex[:8]
    s = Settings(bootstrap_servers=kafka_bootstrap, topic_prefix=f"dl{run}.", app_id=f"dl-{run}",
                 topic_partitions=2)  # fmt: skip
    ensure_topics(s, (RAW, TAGGED, DEADLETTER))
    return s


def dead_letter(settings: Settings, stage: str, source_offset: int, value: bytes, failed: datetime) -> bytes:
    topic = (RAW if stage == "tag" else TAGGED).full_name(settings)
    record = DeadLetter(stage, "ValidationError", "was invalid before the fix", topic, 0, source_offset,
                        f"key-{source_offset}".encode(), value, failed)  # fmt: skip
    return orjson.dumps(record.to_json())


def publish(settings: Settings, values: list[tuple[str, bytes]]) -> None:
    producer = KafkaProducer(bootstrap_servers=settings.bootstrap, acks="all")
    for stage, value in values:
        producer.send(DEADLETTER.full_name(settings), key=stage.encode(), value=value)
    producer.flush()
    producer.close()


def test_replay_reinjects_original_bytes_once_per_record_and_stage(settings: Settings) -> None:
    now = datetime.now(UTC)
    raw_a = orjson.dumps(make_raw("a").to_json())
    raw_b = b'{"not": "an item yet"}'
    tagged_c = b'{"tagged": true}'
    publish(
        settings,
        [
            ("tag", dead_letter(settings, "tag", 10, raw_a, now)),
            # The same record dead-lettered twice (its worker died before committing).
            ("tag", dead_letter(settings, "tag", 10, raw_a, now)),
            ("tag", dead_letter(settings, "tag", 11, raw_b, now)),
            ("dedup", dead_letter(settings, "dedup", 5, tagged_c, now)),
            ("tag", b"\x00 not a dead letter"),  # reported and skipped, never fatal
        ],
    )
    raw_topic, tagged_topic = RAW.full_name(settings), TAGGED.full_name(settings)

    out = io.StringIO()
    plan = replay(settings, out, stage="tag", dry_run=True)
    assert [letter.source_offset for letter in plan.send] == [10, 11]
    assert "would replay 2" in out.getvalue()
    assert read_topic(settings.bootstrap, raw_topic) == []  # a dry run sends nothing

    plan = replay(settings, io.StringIO(), stage="tag")
    assert (len(plan.send), plan.repeated) == (2, 1)
    records = read_topic(settings.bootstrap, raw_topic)
    assert sorted((r.key, r.value) for r in records) == [(b"key-10", raw_a), (b"key-11", raw_b)]
    headers = [dict(r.headers)[REPLAY_HEADER].decode() for r in records]
    assert all(h.startswith(f"{DEADLETTER.full_name(settings)}[") for h in headers)
    assert read_topic(settings.bootstrap, tagged_topic) == []  # --stage tag left dedup alone

    # Again, now for every stage: tag's letters were replayed; dedup's goes out now, once.
    plan = replay(settings, io.StringIO())
    assert [(letter.stage, letter.source_offset) for letter in plan.send] == [("dedup", 5)]
    assert plan.already == 3
    assert len(read_topic(settings.bootstrap, raw_topic)) == 2
    assert [r.value for r in read_topic(settings.bootstrap, tagged_topic)] == [tagged_c]
    assert replay(settings, io.StringIO()).send == []


def test_replay_command_since_and_list(settings: Settings) -> None:
    now = datetime.now(UTC)
    old = orjson.dumps(make_raw("old").to_json())
    new = orjson.dumps(make_raw("new").to_json())
    publish(
        settings,
        [
            ("tag", dead_letter(settings, "tag", 1, old, now - timedelta(days=2))),
            ("tag", dead_letter(settings, "tag", 2, new, now)),
        ],
    )
    env = {
        **os.environ,
        "WIREWATCH_BOOTSTRAP_SERVERS": settings.bootstrap,
        "WIREWATCH_TOPIC_PREFIX": settings.topic_prefix,
        "WIREWATCH_APP_ID": settings.app_id,
    }

    def cli(*args: str) -> str:
        done = subprocess.run([sys.executable, "-m", "streams", *args], env=env, capture_output=True,
                              text=True, timeout=120)  # fmt: skip
        assert done.returncode == 0, done.stderr
        return done.stdout

    listed = cli("deadletter", "list")
    assert listed.count("was invalid before the fix") == 2
    assert "replayed 1;" in cli("deadletter", "replay", "--since", "1d")
    assert [r.value for r in read_topic(settings.bootstrap, RAW.full_name(settings))] == [new]
    # The older letter was passed over by --since and the frontier moved past it.
    assert "replayed 0; already replayed 2" in cli("deadletter", "replay")
