"""Replay planning (pure): filters, per-stage frontiers, one re-injection per original record."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import orjson
import pytest

from streams.deadletter import Letter, plan_replay
from streams.errors import InputError
from streams.records.models import DeadLetter

T0 = datetime(2026, 11, 29, 8, 0, tzinfo=UTC)


def letter(offset: int, stage: str = "tag", source_offset: int | None = None, minutes: int = 0) -> Letter:
    record = DeadLetter(
        stage=stage,
        error_type="ValidationError",
        error="bad",
        topic="wire.raw" if stage == "tag" else "wire.tagged",
        partition=1,
        offset=offset if source_offset is None else source_offset,
        key=b"k%d" % offset,
        value=b'{"v": %d}' % offset,
        failed=T0 + timedelta(minutes=minutes),
    )
    return Letter.parse(0, offset, orjson.dumps(record.to_json()))


def test_parse_restores_original_bytes_and_origin() -> None:
    parsed = letter(7)
    assert (parsed.key, parsed.value) == (b"k7", b'{"v": 7}')
    assert parsed.origin == ("wire.raw", 1, 7)
    assert parsed.error == "ValidationError: bad"


def test_parse_rejects_what_is_not_a_dead_letter() -> None:
    with pytest.raises(InputError):
        Letter.parse(0, 0, b'{"stage": "tag"}')
    with pytest.raises(InputError):
        Letter.parse(0, 0, b"\xff\xfe not json")


def test_everything_new_is_sent_once_and_frontiers_move_past_it() -> None:
    plan = plan_replay([letter(0), letter(1, "dedup"), letter(2)], {})
    assert [x.offset for x in plan.send] == [0, 1, 2]
    assert plan.frontiers == {("tag", 0): 3, ("dedup", 0): 2}


def test_letters_below_a_stage_frontier_are_not_sent_again() -> None:
    letters = [letter(0), letter(1, "dedup"), letter(2), letter(3)]
    plan = plan_replay(letters, {("tag", 0): 3})
    assert [(x.stage, x.offset) for x in plan.send] == [("dedup", 1), ("tag", 3)]
    assert plan.already == 2
    assert plan.frontiers == {("tag", 0): 4, ("dedup", 0): 2}


def test_stage_filter_leaves_other_stages_and_their_frontiers_alone() -> None:
    plan = plan_replay([letter(0), letter(1, "dedup")], {}, stage="dedup")
    assert [x.stage for x in plan.send] == ["dedup"]
    assert ("tag", 0) not in plan.frontiers


def test_the_same_original_record_dead_lettered_twice_is_sent_once() -> None:
    # A worker that died before committing handled the record again and dead-lettered it again.
    plan = plan_replay([letter(0, source_offset=40), letter(1, source_offset=40)], {})
    assert [x.offset for x in plan.send] == [0]
    assert plan.repeated == 1
    assert plan.frontiers == {("tag", 0): 2}


def test_since_passes_over_older_letters() -> None:
    plan = plan_replay([letter(0, minutes=0), letter(1, minutes=30)], {}, since=T0 + timedelta(minutes=10))
    assert [x.offset for x in plan.send] == [1]
    assert plan.too_old == 1
