"""The publisher's memory of published keys: repeats refused, aborted keys forgotten, old keys trimmed."""

from streams.dedup.once import OnceKeys


def test_repeats_are_refused_until_the_horizon_passes() -> None:
    keys = OnceKeys(horizon_seconds=60)
    assert keys.add("item:a", 0.0)
    assert not keys.add("item:a", 30.0)  # a replay
    assert keys.add("item:b", 30.0)
    assert keys.trim(now=70.0) == 1  # a was first published more than 60 s ago
    assert "item:a" not in keys and "item:b" in keys and len(keys) == 1


def test_keys_of_an_aborted_transaction_can_be_published_again() -> None:
    keys = OnceKeys(horizon_seconds=60)
    assert keys.add("x", 1.0) and keys.add("y", 1.0)
    keys.discard(["x", "y", "never-added"])
    assert keys.add("x", 2.0)
