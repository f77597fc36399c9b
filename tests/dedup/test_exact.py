"""The exact-dedup policy over a dict store."""

from typing import Any

from streams.dedup.exact import ExactDedup

WINDOW = 3600.0


def test_new_then_duplicate_by_id() -> None:
    store: dict[str, Any] = {}
    policy = ExactDedup(store, WINDOW)
    assert policy.decide("a" * 32, "https://x/1", "h1", now=0).kind == "new"
    again = policy.decide("a" * 32, "https://x/1", "h1", now=10)
    assert (again.kind, again.duplicate_of, again.reason, again.story_id) == (
        "duplicate",
        "a" * 32,
        "same_id",
        "a" * 32,
    )


def test_same_url_different_id_is_duplicate() -> None:
    policy = ExactDedup({}, WINDOW)
    policy.decide("a" * 32, "https://x/1", "h1", now=0)
    decision = policy.decide("b" * 32, "https://x/1", "h1", now=1)
    assert decision.kind == "duplicate" and decision.reason == "same_url"


def test_same_content_other_url_is_duplicate() -> None:
    policy = ExactDedup({}, WINDOW)
    policy.decide("a" * 32, "https://x/1", "h1", now=0)
    decision = policy.decide("b" * 32, "https://y/2", "h1", now=1)
    assert decision.kind == "duplicate" and decision.reason == "same_content"


def test_changed_text_is_update_once() -> None:
    policy = ExactDedup({}, WINDOW)
    policy.decide("a" * 32, "https://x/1", "h1", now=0)
    update = policy.decide("a" * 32, "https://x/1", "h2", now=5)
    assert update.kind == "update" and update.text_changed and update.story_id == "a" * 32
    assert policy.decide("a" * 32, "https://x/1", "h2", now=6).kind == "duplicate"


def test_window_expiry_and_purge() -> None:
    store: dict[str, Any] = {}
    policy = ExactDedup(store, WINDOW)
    policy.decide("a" * 32, "https://x/1", "h1", now=0)
    assert policy.decide("a" * 32, "https://x/1", "h1", now=WINDOW + 1).kind == "new"
    assert ExactDedup.purge(store, WINDOW, now=WINDOW + 2) == 0
    removed = ExactDedup.purge(store, WINDOW, now=3 * WINDOW)
    assert removed == 3 and store == {}


def test_original_resent_after_update_is_duplicate_not_update() -> None:
    policy = ExactDedup({}, WINDOW)
    policy.decide("a" * 32, "https://x/1", "v1", now=0)
    assert policy.decide("b" * 32, "https://x/1", "v2", now=1).kind == "update"
    resent = policy.decide("c" * 32, "https://x/1", "v1", now=2)
    assert resent.kind == "duplicate" and not resent.text_changed
    assert resent.story_id == "a" * 32 and resent.duplicate_of == "a" * 32


def test_update_and_republish_in_either_order() -> None:
    for order in (("v1", "v2"), ("v2", "v1")):
        policy = ExactDedup({}, WINDOW)
        policy.decide("a" * 32, "https://x/1", "v1", now=0)
        kinds = [policy.decide(f"{i}" * 32, "https://x/1", h, now=1 + i).kind for i, h in enumerate(order)]
        assert sorted(kinds) == ["duplicate", "update"], order


def test_replayed_records_get_their_first_decision_again() -> None:
    policy = ExactDedup({}, WINDOW)
    first = policy.decide("a" * 32, "https://x/1", "v1", now=0, source="0:10")
    assert first.kind == "new"
    # The same record again (a replay after a crash): new again, so its output is re-sent.
    assert policy.decide("a" * 32, "https://x/1", "v1", now=5, source="0:10").kind == "new"
    # The same item in another record (republished): a duplicate.
    assert policy.decide("a" * 32, "https://x/1", "v1", now=6, source="0:11").kind == "duplicate"
    update = policy.decide("b" * 32, "https://x/1", "v2", now=7, source="0:12")
    replayed = policy.decide("b" * 32, "https://x/1", "v2", now=8, source="0:12")
    assert update.kind == replayed.kind == "update"
    assert (
        replayed.story_id == "a" * 32 and replayed.duplicate_of == "a" * 32 and replayed.reason == "same_url"
    )
    # Without a source (offline), the same id again is a duplicate as before.
    offline = ExactDedup({}, WINDOW)
    offline.decide("a" * 32, None, "v1", now=0)
    assert offline.decide("a" * 32, None, "v1", now=1).kind == "duplicate"
